"""STS AssumeRole honours an existing role's trust policy (AccessDenied, 403,
for a caller the role does not trust); a role nobody created can still be
assumed unless `serve --strict-iam`. IAM ListRoles and inline role
policies, which AWS::IAM::Role's `Policies` uses."""
import json

import boto3
import pytest
from botocore.exceptions import ClientError

from conftest import A, B, REGION, Server

C = "333333333333"


def client(server, service, account=A):
    return boto3.client(service, endpoint_url=server.url, region_name=REGION, aws_access_key_id=account, aws_secret_access_key="test")


def trust(*principals):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": list(principals)}, "Action": "sts:AssumeRole"}]})


def code(e):
    return e.value.response["Error"]["Code"], e.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_trust_policy_decides_who_assumes(server):
    role = client(server, "iam", B).create_role(RoleName="accepter", AssumeRolePolicyDocument=trust(f"arn:aws:iam::{A}:root"))["Role"]
    got = client(server, "sts", A).assume_role(RoleArn=role["Arn"], RoleSessionName="ss")
    assert got["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{B}:assumed-role/accepter/ss"
    # The session's credentials act in B.
    creds = got["Credentials"]
    as_b = boto3.client("sts", endpoint_url=server.url, region_name=REGION, aws_access_key_id=creds["AccessKeyId"],
                        aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])
    assert as_b.get_caller_identity()["Account"] == B
    with pytest.raises(ClientError) as e:
        client(server, "sts", C).assume_role(RoleArn=role["Arn"], RoleSessionName="ss")
    assert code(e) == ("AccessDenied", 403)
    assert e.value.response["Error"]["Message"] == (
        f"User: arn:aws:iam::{C}:root is not authorized to perform: sts:AssumeRole on resource: {role['Arn']}")
    # Even B itself needs the trust policy to name it.
    with pytest.raises(ClientError) as e:
        client(server, "sts", B).assume_role(RoleArn=role["Arn"], RoleSessionName="ss")
    assert code(e) == ("AccessDenied", 403)
    # A role not yet created: assumed, as a convenience (not --strict-iam).
    assert client(server, "sts", C).assume_role(RoleArn=f"arn:aws:iam::{B}:role/nobody", RoleSessionName="ss")["Credentials"]


def test_list_roles_and_inline_policies(server):
    iam = client(server, "iam", A)
    for n in ("b-role", "a-role", "c-role"):
        iam.create_role(RoleName=n, Path="/x/" if n == "c-role" else "/", AssumeRolePolicyDocument=trust(A))
    assert [r["RoleName"] for r in iam.list_roles()["Roles"]] == ["a-role", "b-role", "c-role"]
    assert [r["RoleName"] for r in iam.list_roles(PathPrefix="/x/")["Roles"]] == ["c-role"]
    page = iam.list_roles(MaxItems=2)
    assert page["IsTruncated"] and len(page["Roles"]) == 2
    assert [r["RoleName"] for r in iam.list_roles(Marker=page["Marker"])["Roles"]] == ["c-role"]
    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:AcceptVpcPeeringConnection", "Resource": "*"}]}
    iam.put_role_policy(RoleName="a-role", PolicyName="accept", PolicyDocument=json.dumps(doc))
    assert iam.list_role_policies(RoleName="a-role")["PolicyNames"] == ["accept"]
    assert iam.get_role_policy(RoleName="a-role", PolicyName="accept")["PolicyDocument"] == doc
    with pytest.raises(ClientError) as e:
        iam.delete_role(RoleName="a-role")
    assert code(e) == ("DeleteConflict", 409)
    iam.delete_role_policy(RoleName="a-role", PolicyName="accept")
    with pytest.raises(ClientError) as e:
        iam.get_role_policy(RoleName="a-role", PolicyName="accept")
    assert code(e) == ("NoSuchEntity", 404)
    iam.delete_role(RoleName="a-role")
    assert len(client(server, "iam", B).list_roles()["Roles"]) == 0


def test_strict_iam_refuses_a_role_nobody_created():
    s = Server(["--no-default-vpc", "--strict-iam"]).start()
    try:
        with pytest.raises(ClientError) as e:
            client(s, "sts", A).assume_role(RoleArn=f"arn:aws:iam::{B}:role/nobody", RoleSessionName="ss")
        assert code(e) == ("AccessDenied", 403)
        arn = client(s, "iam", B).create_role(RoleName="r", AssumeRolePolicyDocument=trust(A))["Role"]["Arn"]
        assert client(s, "sts", A).assume_role(RoleArn=arn, RoleSessionName="ss")["Credentials"]
    finally:
        s.cleanup()
