"""Terraform (AWS provider from the local mirror) builds a public subnet:
MapPublicIpOnLaunch, an internet gateway route, an instance with an
automatic public IP and one with an Elastic IP; converges (an empty second
plan) and destroys everything, the Elastic IP included."""
import json
import os

from conftest import A
from terraform_run import requires_terraform, tf, workspace

HERE = os.path.dirname(os.path.abspath(__file__))
pytestmark = requires_terraform


def test_public_ip_apply_plan_destroy(server, ec2, tmp_path):
    work, env = workspace(os.path.join(HERE, "terraform", "public_ip"), server, tmp_path)
    tf(work, env, "init")
    c = ec2(A)
    try:
        tf(work, env, "apply", "-auto-approve")
        out = {k: v["value"] for k, v in json.loads(tf(work, env, "output", "-json").stdout).items()}
        auto = c.describe_instances(InstanceIds=[out["auto_id"]])["Reservations"][0]["Instances"][0]
        assert auto["PublicIpAddress"] == out["auto_public_ip"] and out["auto_public_ip"].startswith("198.1")
        assert out["auto_public_dns"] == auto["PublicDnsName"] != ""
        fixed = c.describe_instances(InstanceIds=[out["fixed_id"]])["Reservations"][0]["Instances"][0]
        assert fixed["PublicIpAddress"] == out["eip"]
        addr = c.describe_addresses(AllocationIds=[out["eip_allocation"]])["Addresses"][0]
        assert addr["InstanceId"] == out["fixed_id"] and addr["PublicIp"] == out["eip"]
        tf(work, env, "plan", "-detailed-exitcode")
    finally:
        tf(work, env, "destroy", "-auto-approve")
    assert c.describe_addresses()["Addresses"] == []
    assert c.describe_vpcs()["Vpcs"] == []
