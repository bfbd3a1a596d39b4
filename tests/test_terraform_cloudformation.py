"""Terraform's aws_cloudformation_stack against xvpc: the stack is created
with its parameters and tags, its outputs feed a data source, a second plan
is empty, and destroy deletes the stack and what it built."""
import os

import pytest

from terraform_run import applied, requires_terraform, workspace

HERE = os.path.dirname(os.path.abspath(__file__))


@requires_terraform
@pytest.mark.empty_accounts
def test_aws_cloudformation_stack(server, ec2, tmp_path):
    work, env = workspace(os.path.join(HERE, "terraform", "cloudformation_stack"), server, tmp_path)
    with applied(work, env) as out:
        assert out["subnet_cidr"] == "10.60.0.0/24" and out["subnet_vpc"] == out["vpc_id"]
        vpc = ec2().describe_vpcs(VpcIds=[out["vpc_id"]])["Vpcs"][0]
        tags = {t["Key"]: t["Value"] for t in vpc["Tags"]}
        assert tags["team"] == "net" and tags["aws:cloudformation:stack-name"] == "tf-net"
    assert ec2().describe_vpcs()["Vpcs"] == []
