"""AWS Organizations through boto3 and the CLI: who may change an
organization, accounts (created and invited), OUs, moves, trusted services,
and AWS's error codes for each refusal."""

import json

import boto3
import pytest
from botocore.exceptions import ClientError

from conftest import A, B, C, error_code, make_client


@pytest.fixture
def iam(server):
    return lambda account=A: make_client(server, "iam", account)


def raises(code, f, *a, **kw):
    with pytest.raises(ClientError) as e:
        f(*a, **kw)
    assert error_code(e) == code, e.value
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return e.value


def join(org, account):
    """Invites `account` into A's organization and accepts."""
    h = org(A).invite_account_to_organization(Target={"Id": account, "Type": "ACCOUNT"})["Handshake"]
    assert h["State"] == "OPEN" and h["Action"] == "INVITE"
    assert {"Id": account, "Type": "ACCOUNT"} in h["Parties"]
    got = org(account).accept_handshake(HandshakeId=h["Id"])["Handshake"]
    assert got["State"] == "ACCEPTED"


def test_create_describe_and_delete_an_organization(org):
    raises("AWSOrganizationsNotInUseException", org(A).describe_organization)
    o = org(A).create_organization(FeatureSet="ALL")["Organization"]
    assert o["Id"].startswith("o-") and len(o["Id"]) == 12
    assert o["Arn"] == f"arn:aws:organizations::{A}:organization/{o['Id']}"
    assert o["MasterAccountId"] == A and o["FeatureSet"] == "ALL"
    assert o["MasterAccountArn"] == f"arn:aws:organizations::{A}:account/{o['Id']}/{A}"
    assert org(A).describe_organization()["Organization"] == o
    raises("AlreadyInOrganizationException", org(A).create_organization)
    roots = org(A).list_roots()["Roots"]
    assert len(roots) == 1 and roots[0]["Id"].startswith("r-") and len(roots[0]["Id"]) == 6
    assert roots[0]["Arn"] == f"arn:aws:organizations::{A}:root/{o['Id']}/{roots[0]['Id']}"
    assert [a["Id"] for a in org(A).list_accounts()["Accounts"]] == [A]
    join(org, B)
    # A member may describe the organization, not change it.
    assert org(B).describe_organization()["Organization"]["Id"] == o["Id"]
    raises("AlreadyInOrganizationException", org(B).create_organization)
    raises("AccessDeniedException", org(B).list_accounts)
    raises("AccessDeniedException", org(B).create_organizational_unit, ParentId=roots[0]["Id"], Name="x")
    raises("AccessDeniedException", org(B).delete_organization)
    raises("OrganizationNotEmptyException", org(A).delete_organization)
    raises("MasterCannotLeaveOrganizationException", org(A).leave_organization)
    raises("MasterCannotLeaveOrganizationException", org(A).remove_account_from_organization, AccountId=A)
    raises("AccountNotFoundException", org(A).remove_account_from_organization, AccountId=C)
    org(B).leave_organization()
    raises("AWSOrganizationsNotInUseException", org(B).describe_organization)
    org(A).delete_organization()
    raises("AWSOrganizationsNotInUseException", org(A).describe_organization)


def test_create_account_gives_a_new_account_its_access_role(org, iam, sts):
    org(A).create_organization()
    st = org(A).create_account(Email="dev@example.com", AccountName="dev")["CreateAccountStatus"]
    assert st["State"] == "IN_PROGRESS" and st["Id"].startswith("car-")
    done = org(A).describe_create_account_status(CreateAccountRequestId=st["Id"])["CreateAccountStatus"]
    assert done["State"] == "SUCCEEDED"
    new = done["AccountId"]
    assert len(new) == 12 and new.isdigit() and new not in (A, B, C)
    acct = org(A).describe_account(AccountId=new)["Account"]
    assert (acct["Name"], acct["Email"], acct["Status"], acct["JoinedMethod"]) == ("dev", "dev@example.com", "ACTIVE", "CREATED")
    assert sorted(a["Id"] for a in org(A).list_accounts()["Accounts"]) == sorted([A, new])
    raises("CreateAccountStatusNotFoundException", org(A).describe_create_account_status,
           CreateAccountRequestId="car-00000000000000000000000000000000")
    # The management account assumes OrganizationAccountAccessRole in it;
    # the role is there in the new account's IAM.
    creds = sts(A).assume_role(RoleArn=f"arn:aws:iam::{new}:role/OrganizationAccountAccessRole",
                               RoleSessionName="admin")["Credentials"]
    as_new = boto3.client("sts", endpoint_url=sts(A).meta.endpoint_url, region_name="us-east-1",
                          aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                          aws_session_token=creds["SessionToken"])
    assert as_new.get_caller_identity()["Account"] == new
    role = iam(new).get_role(RoleName="OrganizationAccountAccessRole")["Role"]
    trust = role["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    assert trust["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{A}:root"}
    attached = iam(new).list_attached_role_policies(RoleName="OrganizationAccountAccessRole")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == ["arn:aws:iam::aws:policy/AdministratorAccess"]
    raises("AccessDeniedException", org(new).create_account, Email="x@example.com", AccountName="x")


def test_organizational_units_children_parents_and_moves(org):
    org(A).create_organization()
    join(org, B)
    root = org(A).list_roots()["Roots"][0]["Id"]
    prod = org(A).create_organizational_unit(ParentId=root, Name="prod",
                                             Tags=[{"Key": "env", "Value": "p"}])["OrganizationalUnit"]
    oid = org(A).describe_organization()["Organization"]["Id"]
    assert prod["Id"].startswith(f"ou-{root[2:]}-") and prod["Arn"] == f"arn:aws:organizations::{A}:ou/{oid}/{prod['Id']}"
    raises("DuplicateOrganizationalUnitException", org(A).create_organizational_unit, ParentId=root, Name="prod")
    raises("ParentNotFoundException", org(A).create_organizational_unit, ParentId="ou-zzzz-00000000", Name="x")
    raises("InvalidInputException", org(A).create_organizational_unit, ParentId="nonsense", Name="x")
    web = org(A).create_organizational_unit(ParentId=prod["Id"], Name="web")["OrganizationalUnit"]
    assert [u["Id"] for u in org(A).list_organizational_units_for_parent(ParentId=root)["OrganizationalUnits"]] == [prod["Id"]]
    kids = org(A).list_children(ParentId=root, ChildType="ACCOUNT")["Children"]
    assert sorted(c["Id"] for c in kids) == [A, B]
    org(A).move_account(AccountId=B, SourceParentId=root, DestinationParentId=web["Id"])
    assert org(A).list_parents(ChildId=B)["Parents"] == [{"Id": web["Id"], "Type": "ORGANIZATIONAL_UNIT"}]
    assert org(A).list_parents(ChildId=prod["Id"])["Parents"] == [{"Id": root, "Type": "ROOT"}]
    assert [a["Id"] for a in org(A).list_accounts_for_parent(ParentId=web["Id"])["Accounts"]] == [B]
    raises("AccountNotFoundException", org(A).move_account, AccountId=B, SourceParentId=root, DestinationParentId=prod["Id"])
    raises("SourceParentNotFoundException", org(A).move_account, AccountId=B, SourceParentId="ou-zzzz-00000000",
           DestinationParentId=root)
    raises("DestinationParentNotFoundException", org(A).move_account, AccountId=B, SourceParentId=web["Id"],
           DestinationParentId="ou-zzzz-00000000")
    raises("DuplicateAccountException", org(A).move_account, AccountId=B, SourceParentId=web["Id"], DestinationParentId=web["Id"])
    raises("ChildNotFoundException", org(A).list_parents, ChildId=C)
    raises("OrganizationalUnitNotEmptyException", org(A).delete_organizational_unit, OrganizationalUnitId=web["Id"])
    raises("OrganizationalUnitNotEmptyException", org(A).delete_organizational_unit, OrganizationalUnitId=prod["Id"])
    org(A).update_organizational_unit(OrganizationalUnitId=web["Id"], Name="frontend")
    assert org(A).describe_organizational_unit(OrganizationalUnitId=web["Id"])["OrganizationalUnit"]["Name"] == "frontend"
    assert org(A).list_tags_for_resource(ResourceId=prod["Id"])["Tags"] == [{"Key": "env", "Value": "p"}]
    org(A).tag_resource(ResourceId=B, Tags=[{"Key": "team", "Value": "web"}])
    assert org(A).list_tags_for_resource(ResourceId=B)["Tags"] == [{"Key": "team", "Value": "web"}]
    org(A).untag_resource(ResourceId=B, TagKeys=["team"])
    assert org(A).list_tags_for_resource(ResourceId=B)["Tags"] == []
    raises("TargetNotFoundException", org(A).list_tags_for_resource, ResourceId=C)
    org(A).move_account(AccountId=B, SourceParentId=web["Id"], DestinationParentId=root)
    org(A).delete_organizational_unit(OrganizationalUnitId=web["Id"])
    raises("OrganizationalUnitNotFoundException", org(A).describe_organizational_unit, OrganizationalUnitId=web["Id"])


def test_handshakes(org):
    org(A).create_organization()
    org(C).create_organization()
    raises("HandshakeConstraintViolationException", org(A).invite_account_to_organization,
           Target={"Id": C, "Type": "ACCOUNT"})
    h = org(A).invite_account_to_organization(Target={"Id": B, "Type": "ACCOUNT"}, Notes="welcome")["Handshake"]
    raises("DuplicateHandshakeException", org(A).invite_account_to_organization, Target={"Id": B, "Type": "ACCOUNT"})
    assert [x["Id"] for x in org(B).list_handshakes_for_account()["Handshakes"]] == [h["Id"]]
    assert [x["Id"] for x in org(A).list_handshakes_for_organization()["Handshakes"]] == [h["Id"]]
    raises("HandshakeNotFoundException", org(C).accept_handshake, HandshakeId=h["Id"])
    assert org(B).decline_handshake(HandshakeId=h["Id"])["Handshake"]["State"] == "DECLINED"
    raises("InvalidHandshakeTransitionException", org(B).accept_handshake, HandshakeId=h["Id"])
    h2 = org(A).invite_account_to_organization(Target={"Id": B, "Type": "ACCOUNT"})["Handshake"]
    assert org(A).cancel_handshake(HandshakeId=h2["Id"])["Handshake"]["State"] == "CANCELED"
    join(org, B)
    assert org(A).describe_account(AccountId=B)["Account"]["JoinedMethod"] == "INVITED"


def test_trusted_services_and_policy_types(org, aws):
    org(A).create_organization()
    assert org(A).list_aws_service_access_for_organization()["EnabledServicePrincipals"] == []
    aws(A, "organizations", "enable-aws-service-access", "--service-principal", "ram.amazonaws.com")
    got = aws(A, "organizations", "list-aws-service-access-for-organization")["EnabledServicePrincipals"]
    assert [p["ServicePrincipal"] for p in got] == ["ram.amazonaws.com"]
    raises("InvalidInputException", org(A).enable_aws_service_access, ServicePrincipal="not a principal")
    org(A).disable_aws_service_access(ServicePrincipal="ram.amazonaws.com")
    assert org(A).list_aws_service_access_for_organization()["EnabledServicePrincipals"] == []
    root = org(A).list_roots()["Roots"][0]["Id"]
    r = org(A).enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")["Root"]
    assert r["PolicyTypes"] == [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]
    raises("PolicyTypeAlreadyEnabledException", org(A).enable_policy_type, RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    raises("RootNotFoundException", org(A).enable_policy_type, RootId="r-zzzz", PolicyType="TAG_POLICY")
    org(A).disable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    raises("PolicyTypeNotEnabledException", org(A).disable_policy_type, RootId=root, PolicyType="SERVICE_CONTROL_POLICY")


def test_pagination(org):
    org(A).create_organization()
    root = org(A).list_roots()["Roots"][0]["Id"]
    for i in range(5):
        org(A).create_organizational_unit(ParentId=root, Name=f"ou{i}")
    pages = org(A).get_paginator("list_organizational_units_for_parent").paginate(ParentId=root, PaginationConfig={"PageSize": 2})
    sizes = [len(p["OrganizationalUnits"]) for p in pages]
    assert sizes == [2, 2, 1]
    raises("InvalidInputException", org(A).list_organizational_units_for_parent, ParentId=root, NextToken="bogus")
