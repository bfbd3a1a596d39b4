"""The IAM and CloudWatch Logs that flow logs need, through boto3: roles and
managed policies stored with AWS's shapes and errors (never enforced), log
groups, and a flow log's records read back from its group's stream."""
import json

import boto3
import pytest
from botocore.exceptions import ClientError

from conftest import A, B, REGION
from test_flow_logs import web_and_client
from test_reach import trace

TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
                                                 "Action": "sts:AssumeRole"}]}
PUSH = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["logs:PutLogEvents"], "Resource": "*"}]}


def client(server, service, account=A, region=REGION):
    return boto3.client(service, endpoint_url=server.url, region_name=region, aws_access_key_id=account, aws_secret_access_key="test")


def status(e):
    return e.value.response["Error"]["Code"], e.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_roles_and_policies(server):
    iam = client(server, "iam")
    role = iam.create_role(RoleName="flow-logs", AssumeRolePolicyDocument=json.dumps(TRUST), Tags=[{"Key": "Name", "Value": "r"}])["Role"]
    assert role["Arn"] == f"arn:aws:iam::{A}:role/flow-logs" and role["RoleId"].startswith("AROA") and role["Path"] == "/"
    got = iam.get_role(RoleName="flow-logs")["Role"]
    # boto3 URL-decodes the document AWS sends encoded.
    assert got["AssumeRolePolicyDocument"] == TRUST and got["Tags"] == [{"Key": "Name", "Value": "r"}] and got["MaxSessionDuration"] == 3600
    with pytest.raises(ClientError) as e:
        iam.create_role(RoleName="FLOW-LOGS", AssumeRolePolicyDocument=json.dumps(TRUST))
    assert status(e) == ("EntityAlreadyExists", 409)
    with pytest.raises(ClientError) as e:
        iam.create_role(RoleName="bad", AssumeRolePolicyDocument="{not json")
    assert status(e) == ("MalformedPolicyDocument", 400)
    # IAM is global: another region of the same account sees the role;
    # another account does not.
    assert client(server, "iam", region="eu-west-1").get_role(RoleName="flow-logs")["Role"]["Arn"] == role["Arn"]
    with pytest.raises(ClientError) as e:
        client(server, "iam", account=B).get_role(RoleName="flow-logs")
    assert status(e) == ("NoSuchEntity", 404)
    pol = iam.create_policy(PolicyName="push", Path="/fl/", PolicyDocument=json.dumps(PUSH))["Policy"]
    assert pol["Arn"] == f"arn:aws:iam::{A}:policy/fl/push" and pol["DefaultVersionId"] == "v1" and pol["AttachmentCount"] == 0
    assert iam.get_policy_version(PolicyArn=pol["Arn"], VersionId="v1")["PolicyVersion"]["Document"] == PUSH
    iam.attach_role_policy(RoleName="flow-logs", PolicyArn=pol["Arn"])
    assert iam.list_attached_role_policies(RoleName="flow-logs")["AttachedPolicies"] == [{"PolicyName": "push", "PolicyArn": pol["Arn"]}]
    assert iam.get_policy(PolicyArn=pol["Arn"])["Policy"]["AttachmentCount"] == 1
    with pytest.raises(ClientError) as e:
        iam.delete_role(RoleName="flow-logs")
    assert status(e) == ("DeleteConflict", 409)
    with pytest.raises(ClientError) as e:
        iam.delete_policy(PolicyArn=pol["Arn"])
    assert status(e) == ("DeleteConflict", 409)
    assert iam.list_role_policies(RoleName="flow-logs")["PolicyNames"] == []
    assert iam.list_instance_profiles_for_role(RoleName="flow-logs")["InstanceProfiles"] == []
    iam.tag_role(RoleName="flow-logs", Tags=[{"Key": "team", "Value": "net"}])
    iam.untag_role(RoleName="flow-logs", TagKeys=["Name"])
    assert iam.list_role_tags(RoleName="flow-logs")["Tags"] == [{"Key": "team", "Value": "net"}]
    iam.detach_role_policy(RoleName="flow-logs", PolicyArn=pol["Arn"])
    iam.delete_policy(PolicyArn=pol["Arn"])
    iam.delete_role(RoleName="flow-logs")
    with pytest.raises(ClientError) as e:
        iam.get_role(RoleName="flow-logs")
    assert status(e) == ("NoSuchEntity", 404)
    # A role that no longer exists is assumed (not --strict-iam).
    creds = client(server, "sts").assume_role(RoleArn=role["Arn"], RoleSessionName="session")["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA")


def test_log_groups(server):
    logs = client(server, "logs")
    logs.create_log_group(logGroupName="/vpc/flow", tags={"Name": "g"})
    with pytest.raises(ClientError) as e:
        logs.create_log_group(logGroupName="/vpc/flow")
    assert status(e) == ("ResourceAlreadyExistsException", 400)
    logs.put_retention_policy(logGroupName="/vpc/flow", retentionInDays=14)
    with pytest.raises(ClientError) as e:
        logs.put_retention_policy(logGroupName="/vpc/flow", retentionInDays=2)
    assert status(e) == ("InvalidParameterException", 400)
    [g] = logs.describe_log_groups(logGroupNamePrefix="/vpc/")["logGroups"]
    arn = f"arn:aws:logs:{REGION}:{A}:log-group:/vpc/flow"
    assert (g["logGroupName"], g["retentionInDays"], g["arn"], g["logGroupArn"]) == ("/vpc/flow", 14, arn + ":*", arn)
    logs.tag_resource(resourceArn=arn, tags={"team": "net"})
    logs.untag_resource(resourceArn=arn, tagKeys=["Name"])
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "net"}
    assert logs.list_tags_log_group(logGroupName="/vpc/flow")["tags"] == {"team": "net"}
    assert client(server, "logs", region="eu-west-1").describe_log_groups()["logGroups"] == []
    logs.delete_log_group(logGroupName="/vpc/flow")
    with pytest.raises(ClientError) as e:
        logs.delete_log_group(logGroupName="/vpc/flow")
    assert status(e) == ("ResourceNotFoundException", 400)


def test_flow_log_records_land_in_the_log_group(server, ec2):
    t = web_and_client(ec2)
    logs = client(server, "logs")
    logs.create_log_group(logGroupName="flows")
    [fl] = ec2(A).create_flow_logs(ResourceType="VPC", ResourceIds=[t["vpc"]], TrafficType="ALL", LogGroupName="flows",
                                   DeliverLogsPermissionArn=f"arn:aws:iam::{A}:role/flow-logs")["FlowLogIds"]
    trace(server, t["client"], t["web"], port=80)
    web_eni = t["web_eni"]["NetworkInterfaceId"]
    streams = sorted(s["logStreamName"] for s in logs.describe_log_streams(logGroupName="flows")["logStreams"])
    assert streams == sorted([f"{t['client_eni']['NetworkInterfaceId']}-all", f"{web_eni}-all"])
    [event] = logs.get_log_events(logGroupName="flows", logStreamName=f"{web_eni}-all")["events"]
    assert event["message"].split(" ")[2] == web_eni and event["message"].endswith(" REJECT OK")
    with pytest.raises(ClientError) as e:
        logs.get_log_events(logGroupName="flows", logStreamName="eni-0000000000000000f-all")
    assert status(e) == ("ResourceNotFoundException", 400)
