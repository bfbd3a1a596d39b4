"""Terraform (AWS provider from the local mirror) sets VPC Block Public
Access and excludes a subnet: applies, converges (an empty second plan) and
destroys (the mode back to off, the exclusion delete-complete)."""
import os

import pytest

from conftest import A
from terraform_run import applied, requires_terraform, workspace

HERE = os.path.dirname(os.path.abspath(__file__))
# Destroy must leave the account as it found it: nothing, not even a default VPC.
pytestmark = [requires_terraform, pytest.mark.empty_accounts]


def test_block_public_access_apply_plan_destroy(server, ec2, tmp_path):
    work, env = workspace(os.path.join(HERE, "terraform", "block_public_access"), server, tmp_path)
    c = ec2(A)
    with applied(work, env) as out:
        o = c.describe_vpc_block_public_access_options()["VpcBlockPublicAccessOptions"]
        assert (o["InternetGatewayBlockMode"], o["State"]) == ("block-bidirectional", "update-complete")
        x = c.describe_vpc_block_public_access_exclusions(ExclusionIds=[out["exclusion_id"]])["VpcBlockPublicAccessExclusions"][0]
        assert (x["State"], x["InternetGatewayExclusionMode"], x["ResourceArn"]) == ("create-complete", "allow-egress", out["resource_arn"])
        assert x["ResourceArn"].endswith(f":subnet/{out['subnet_id']}") and x["Tags"] == [{"Key": "Name", "Value": "public"}]
        s = c.describe_subnets(SubnetIds=[out["subnet_id"]])["Subnets"][0]
        assert s["BlockPublicAccessStates"]["InternetGatewayBlockMode"] == "block-ingress"
    assert c.describe_vpc_block_public_access_options()["VpcBlockPublicAccessOptions"]["InternetGatewayBlockMode"] == "off"
    assert [x["State"] for x in c.describe_vpc_block_public_access_exclusions()["VpcBlockPublicAccessExclusions"]] == ["delete-complete"]
    assert c.describe_vpcs()["Vpcs"] == []
