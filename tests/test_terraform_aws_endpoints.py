"""Terraform (AWS provider from the local mirror) finds AWS's services with
`data "aws_vpc_endpoint_service"` and builds gateway endpoints to S3 and
DynamoDB (route_table_ids and aws_vpc_endpoint_route_table_association)
and an interface endpoint to STS with private DNS, reads the AWS-managed
prefix lists through `aws_prefix_list` and `aws_ec2_managed_prefix_list`;
converges (an empty second plan) and destroys everything."""
import os

import pytest

from conftest import A
from terraform_run import applied, requires_terraform, workspace

HERE = os.path.dirname(os.path.abspath(__file__))
# Destroy must leave the account as it found it: nothing, not even a default VPC.
pytestmark = [requires_terraform, pytest.mark.empty_accounts]


def test_aws_service_endpoints_apply_plan_destroy(server, ec2, tmp_path):
    work, env = workspace(os.path.join(HERE, "terraform", "aws_endpoints"), server, tmp_path)
    c = ec2(A)
    with applied(work, env) as out:
        assert out["owner"] == "amazon"
        lists = {p["PrefixListName"]: p for p in c.describe_prefix_lists()["PrefixLists"]}
        s3 = lists["com.amazonaws.us-east-1.s3"]
        assert out["s3_prefix_list"] == s3["PrefixListId"] and out["s3_cidrs"] == s3["Cidrs"]
        ddb = lists["com.amazonaws.us-east-1.dynamodb"]
        assert out["dynamodb_prefix_list"] == ddb["PrefixListId"] and out["dynamodb_entries"] == ddb["Cidrs"]
        routes = c.describe_route_tables(RouteTableIds=[out["table"]])["RouteTables"][0]["Routes"]
        ends = {r.get("DestinationPrefixListId"): r.get("GatewayId") for r in routes}
        assert ends[s3["PrefixListId"]] == out["s3_endpoint"] and ends[ddb["PrefixListId"]] == out["dynamodb_endpoint"]
        sts = c.describe_vpc_endpoints(VpcEndpointIds=[out["sts_endpoint"]])["VpcEndpoints"][0]
        assert sts["PrivateDnsEnabled"] and len(sts["NetworkInterfaceIds"]) == 2
        assert "sts.us-east-1.amazonaws.com" in out["sts_dns"]
    assert c.describe_vpc_endpoints()["VpcEndpoints"] == []
    assert c.describe_vpcs()["Vpcs"] == []
