"""Terraform (AWS provider from the local mirror) builds a public subnet:
MapPublicIpOnLaunch, an internet gateway route, an instance with an
automatic public IP and one with an Elastic IP; converges (an empty second
plan) and destroys everything, the Elastic IP included."""
import os

from conftest import A
from terraform_run import applied, requires_terraform, workspace

HERE = os.path.dirname(os.path.abspath(__file__))
pytestmark = requires_terraform


def test_public_ip_apply_plan_destroy(server, ec2, tmp_path):
    work, env = workspace(os.path.join(HERE, "terraform", "public_ip"), server, tmp_path)
    c = ec2(A)
    with applied(work, env) as out:
        auto = c.describe_instances(InstanceIds=[out["auto_id"]])["Reservations"][0]["Instances"][0]
        assert auto["PublicIpAddress"] == out["auto_public_ip"] and out["auto_public_ip"].startswith("198.1")
        assert out["auto_public_dns"] == auto["PublicDnsName"] != ""
        fixed = c.describe_instances(InstanceIds=[out["fixed_id"]])["Reservations"][0]["Instances"][0]
        assert fixed["PublicIpAddress"] == out["eip"]
        addr = c.describe_addresses(AllocationIds=[out["eip_allocation"]])["Addresses"][0]
        assert addr["InstanceId"] == out["fixed_id"] and addr["PublicIp"] == out["eip"]
    assert c.describe_addresses()["Addresses"] == []
    # Everything it made is gone; the default VPC was never its own.
    assert c.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["false"]}])["Vpcs"] == []
