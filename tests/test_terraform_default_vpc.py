"""Terraform (AWS provider from the local mirror) adopts the default VPC
and its defaults (aws_default_vpc, _subnet, _security_group,
_network_acl, _route_table), gives it a DHCP option set of its own
(aws_vpc_dhcp_options and its association) and launches an instance with
no subnet; converges (an empty second plan) and destroys. Destroying
aws_default_* leaves the default VPC in place, as in AWS."""
import os

from conftest import A
from terraform_run import applied, requires_terraform, workspace

HERE = os.path.dirname(os.path.abspath(__file__))
pytestmark = requires_terraform


def test_default_vpc_resources_apply_plan_destroy(server, ec2, tmp_path):
    work, env = workspace(os.path.join(HERE, "terraform", "default_vpc"), server, tmp_path)
    c = ec2(A)
    with applied(work, env) as out:
        vpc = c.describe_vpcs(VpcIds=[out["vpc_id"]])["Vpcs"][0]
        assert vpc["IsDefault"] and vpc["DhcpOptionsId"] == out["dhcp_options_id"]
        assert {"Key": "Name", "Value": "default"} in vpc["Tags"]
        sub = c.describe_subnets(SubnetIds=[out["instance_subnet"]])["Subnets"][0]
        assert sub["VpcId"] == out["vpc_id"] and sub["DefaultForAz"] and out["instance_public_ip"]
        assert c.describe_subnets(SubnetIds=[out["subnet_a"]])["Subnets"][0]["AvailabilityZone"] == "us-east-1a"
    # The default VPC outlives the configuration; the option set does not.
    vpc = c.describe_vpcs(VpcIds=[out["vpc_id"]])["Vpcs"][0]
    assert vpc["IsDefault"] and vpc["DhcpOptionsId"] != out["dhcp_options_id"]
    assert out["dhcp_options_id"] not in [d["DhcpOptionsId"] for d in c.describe_dhcp_options()["DhcpOptions"]]
