"""Terraform (AWS provider from the local mirror) builds the VPC module's
flow log shape: aws_cloudwatch_log_group, aws_iam_role with a trust policy
from data aws_iam_policy_document, aws_iam_policy, aws_iam_role_policy_attachment
and aws_flow_log to the group; plus an aws_flow_log to an S3 bucket with
destination options. It converges (an empty second plan) and
destroys everything."""
import os

import boto3
import pytest

from conftest import A, REGION
from terraform_run import applied, requires_terraform, workspace

HERE = os.path.dirname(os.path.abspath(__file__))
# Destroy must leave the account as it found it: nothing, not even a default VPC.
pytestmark = [requires_terraform, pytest.mark.empty_accounts]


def client(server, service):
    return boto3.client(service, endpoint_url=server.url, region_name=REGION, aws_access_key_id=A, aws_secret_access_key="test")


def iam_roles(server):
    """The names of account A's roles, from the state (IAM lists no roles here)."""
    return [r["name"] for r in server.state().get("iam_roles", {}).values()]


def test_flow_log_to_cloudwatch_with_iam_role_apply_plan_destroy(server, ec2, tmp_path):
    work, env = workspace(os.path.join(HERE, "terraform", "flow_logs"), server, tmp_path)
    c, logs, iam = ec2(A), client(server, "logs"), client(server, "iam")
    with applied(work, env) as out:
        logs_by_id = {f["FlowLogId"]: f for f in c.describe_flow_logs()["FlowLogs"]}
        cw = logs_by_id[out["cloudwatch_flow_log"]]
        assert (cw["ResourceId"], cw["LogDestinationType"], cw["LogGroupName"], cw["DeliverLogsPermissionArn"]) == (
            out["vpc"], "cloud-watch-logs", out["group"], out["role_arn"])
        f = logs_by_id[out["file_flow_log"]]
        assert (f["LogDestination"], f["TrafficType"], f["LogFormat"]) == ("arn:aws:s3:::flow-logs-bucket/vpc/", "REJECT", "${version} ${interface-id} ${action}")
        [g] = logs.describe_log_groups(logGroupNamePrefix=out["group"])["logGroups"]
        assert g["retentionInDays"] == 30
        assert [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=out["role"])["AttachedPolicies"]] == [out["policy"]]
    assert c.describe_flow_logs()["FlowLogs"] == []
    assert logs.describe_log_groups()["logGroups"] == []
    assert not [r for r in iam_roles(server) if r.startswith("vpc-flow-log-role-")]
    assert c.describe_vpcs()["Vpcs"] == []
