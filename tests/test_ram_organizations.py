"""RAM inside an AWS organization, as the RAM User Guide describes it: once
the management account enables sharing with AWS Organizations, a share to
an account of the organization, an OU or the organization takes effect at
once (no invitation); accounts outside still get invitations; a share that
does not allow external principals refuses them; OU moves and leaving the
organization give and take access at once, and the reachability engine
follows."""

import json
import subprocess

import pytest
from botocore.exceptions import ClientError

from conftest import A, B, C, binary, error_code


def raises(code, f, *a, **kw):
    with pytest.raises(ClientError) as e:
        f(*a, **kw)
    assert error_code(e) == code, e.value
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return e.value


def organization(org, *members):
    """A's organization with `members` joined; returns (org id, root id)."""
    o = org(A).create_organization()["Organization"]
    for m in members:
        h = org(A).invite_account_to_organization(Target={"Id": m, "Type": "ACCOUNT"})["Handshake"]
        org(m).accept_handshake(HandshakeId=h["Id"])
    return o, org(A).list_roots()["Roots"][0]["Id"]


def share(ram, ec2, **kw):
    tgw = ec2(A).create_transit_gateway()["TransitGateway"]
    s = ram(A).create_resource_share(name="s", resourceArns=[tgw["TransitGatewayArn"]], **kw)["resourceShare"]
    return s["resourceShareArn"], tgw


def sees(ec2, account, tgw):
    got = ec2(account).describe_transit_gateways()["TransitGateways"]
    return any(t["TransitGatewayId"] == tgw["TransitGatewayId"] for t in got)


def principals(ram, sarn):
    return {a["associatedEntity"]: (a["status"], a["external"]) for a in ram(A).get_resource_share_associations(
        associationType="PRINCIPAL", resourceShareArns=[sarn])["resourceShareAssociations"]}


def test_enable_sharing_only_from_the_management_account(org, ram):
    e = raises("OperationNotPermittedException", ram(A).enable_sharing_with_aws_organization)
    assert "AccessDeniedException" in e.response["Error"]["Message"]
    organization(org, B)
    raises("OperationNotPermittedException", ram(B).enable_sharing_with_aws_organization)
    assert ram(A).enable_sharing_with_aws_organization()["returnValue"] is True
    got = org(A).list_aws_service_access_for_organization()["EnabledServicePrincipals"]
    assert [p["ServicePrincipal"] for p in got] == ["ram.amazonaws.com"]


def test_no_invitation_inside_the_organization_and_invitations_outside(org, ram, ec2):
    o, _ = organization(org, B)
    # Before sharing is enabled the organization cannot be named, and an
    # account of it is still invited (not external).
    sarn, tgw = share(ram, ec2, allowExternalPrincipals=False)
    raises("OperationNotPermittedException", ram(A).associate_resource_share, resourceShareArn=sarn, principals=[o["Arn"]])
    ram(A).associate_resource_share(resourceShareArn=sarn, principals=[B])
    assert principals(ram, sarn) == {B: ("ASSOCIATING", False)}
    assert len(ram(B).get_resource_share_invitations()["resourceShareInvitations"]) == 1
    assert not sees(ec2, B, tgw)
    ram(A).enable_sharing_with_aws_organization()
    sarn, tgw = share(ram, ec2, allowExternalPrincipals=True, principals=[B])
    assert principals(ram, sarn) == {B: ("ASSOCIATED", False)}
    assert [i["resourceShareArn"] for i in ram(B).get_resource_share_invitations()["resourceShareInvitations"]] != [sarn]
    assert sees(ec2, B, tgw)
    assert [s["resourceShareArn"] for s in ram(B).get_resource_shares(resourceOwner="OTHER-ACCOUNTS")["resourceShares"]] == [sarn]
    # Shared from inside the organization: B cannot leave the share.
    raises("OperationNotPermittedException", ram(B).disassociate_resource_share, resourceShareArn=sarn, principals=[B])
    # C is outside: invited, and sees nothing until it accepts.
    ram(A).associate_resource_share(resourceShareArn=sarn, principals=[C])
    assert principals(ram, sarn)[C] == ("ASSOCIATING", True)
    assert not sees(ec2, C, tgw)
    inv = ram(C).get_resource_share_invitations(resourceShareArns=[sarn])["resourceShareInvitations"][0]
    ram(C).accept_resource_share_invitation(resourceShareInvitationArn=inv["resourceShareInvitationArn"])
    assert sees(ec2, C, tgw)


def test_external_principals_refused_when_not_allowed(org, ram, ec2):
    organization(org, B)
    ram(A).enable_sharing_with_aws_organization()
    sarn, _ = share(ram, ec2, allowExternalPrincipals=False, principals=[B])
    e = raises("OperationNotPermittedException", ram(A).associate_resource_share, resourceShareArn=sarn, principals=[C])
    assert f"Principal {C} is not in your AWS organization" in e.response["Error"]["Message"]
    raises("OperationNotPermittedException", ram(A).create_resource_share, name="x", principals=[C],
           allowExternalPrincipals=False)


def test_unknown_organization_and_ou_principals(org, ram):
    o, _ = organization(org)
    ram(A).enable_sharing_with_aws_organization()
    e = raises("UnknownResourceException", ram(A).create_resource_share, name="x",
               principals=[f"arn:aws:organizations::{A}:organization/o-unknown0000"])
    assert e.response["Error"]["Message"] == "Organization o-unknown0000 could not be found."
    raises("UnknownResourceException", ram(A).create_resource_share, name="x",
           principals=[f"arn:aws:organizations::{A}:ou/{o['Id']}/ou-zzzz-00000000"])


def test_access_follows_ou_moves_and_leaving(org, ram, ec2):
    o, root = organization(org, B, C)
    ram(A).enable_sharing_with_aws_organization()
    prod = org(A).create_organizational_unit(ParentId=root, Name="prod")["OrganizationalUnit"]
    sarn, tgw = share(ram, ec2, allowExternalPrincipals=False, principals=[prod["Arn"]])
    assert principals(ram, sarn) == {prod["Arn"]: ("ASSOCIATED", False)}
    assert not sees(ec2, B, tgw)
    org(A).move_account(AccountId=B, SourceParentId=root, DestinationParentId=prod["Id"])
    assert sees(ec2, B, tgw) and not sees(ec2, C, tgw)
    # B attaches a VPC while it has the share.
    vpc = ec2(B).create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    sub = ec2(B).create_subnet(VpcId=vpc, CidrBlock="10.1.0.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    ec2(B).create_transit_gateway_vpc_attachment(TransitGatewayId=tgw["TransitGatewayId"], VpcId=vpc, SubnetIds=[sub])
    org(A).move_account(AccountId=B, SourceParentId=prod["Id"], DestinationParentId=root)
    assert not sees(ec2, B, tgw)
    raises("InvalidTransitGatewayID.NotFound", ec2(B).create_transit_gateway_vpc_attachment,
           TransitGatewayId=tgw["TransitGatewayId"], VpcId=vpc, SubnetIds=[sub])
    # Shared with the whole organization: every member, until it leaves.
    ram(A).associate_resource_share(resourceShareArn=sarn, principals=[o["Arn"]])
    assert sees(ec2, B, tgw) and sees(ec2, C, tgw)
    org(C).leave_organization()
    assert not sees(ec2, C, tgw)
    org(A).remove_account_from_organization(AccountId=B)
    assert not sees(ec2, B, tgw)


def test_moto_style_org_and_ou_principals(org, ram, ec2):
    """moto's test_create_resource_share_with_organization, on an existing
    transit gateway and with sharing enabled (AWS requires both)."""
    o, root = organization(org)
    ram(A).enable_sharing_with_aws_organization()
    ou_arn = org(A).create_organizational_unit(ParentId=root, Name="test")["OrganizationalUnit"]["Arn"]
    tgw = ec2(A).create_transit_gateway()["TransitGateway"]["TransitGatewayArn"]
    for p in (o["Arn"], ou_arn):
        assert ram(A).create_resource_share(name="test", principals=[p], resourceArns=[tgw])["resourceShare"]["name"] == "test"


def test_matrix_trace_and_diagram_know_the_organization(org, ec2, server):
    """`xvpc matrix --organization` / `--ou`, a blocker's fix naming the
    account's OU, and the diagram's lanes labelled by OU."""
    o, root = organization(org, B)
    prod = org(A).create_organizational_unit(ParentId=root, Name="prod")["OrganizationalUnit"]
    org(A).move_account(AccountId=B, SourceParentId=root, DestinationParentId=prod["Id"])
    ami = "ami-1e749f67"
    inst = {}
    for acct in (A, B, C):
        inst[acct] = ec2(acct).run_instances(ImageId=ami, InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]
    # A second instance of B behind a group that admits nothing.
    c = ec2(B)
    vpc = inst[B]["VpcId"]
    closed = c.create_security_group(GroupName="closed", Description="nothing in", VpcId=vpc)["GroupId"]
    shut = c.run_instances(ImageId=ami, InstanceType="t3.micro", MinCount=1, MaxCount=1, SecurityGroupIds=[closed],
                           SubnetId=inst[B]["SubnetId"])["Instances"][0]

    def matrix(*args):
        p = subprocess.run([binary(), "matrix", "--endpoint", server.url, "--json", *args], capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout)
    owners = lambda m: sorted({i["owner"] for i in m["instances"]})  # noqa: E731
    assert owners(matrix()) == [A, B, C]
    assert owners(matrix("--organization")) == [A, B]
    assert owners(matrix("--organization", o["Id"])) == [A, B]
    assert owners(matrix("--ou", prod["Id"])) == [B]
    rows = {i["owner"]: i["ou"] for i in matrix("--organization")["instances"]}
    assert rows[B] == f"OU prod ({prod['Id']}) of {o['Id']}" and rows[A] == f"root of {o['Id']}"
    # The blocker is B's security group: the fix is B's to run, in OU prod.
    t = server.post("/_xvpc/trace", {"source": inst[B]["InstanceId"], "destination": shut["InstanceId"], "protocol": "tcp", "port": 80})
    fixes = [b["fix"] for b in t["blockers"] if b.get("fix")]
    assert fixes and all(f["account"] == B and f["ou"] == f"OU prod ({prod['Id']}) of {o['Id']}" for f in fixes)
    p = subprocess.run([binary(), "diagram", "--endpoint", server.url, "--format", "svg"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0 and f"OU prod ({prod['Id']}) of {o['Id']}" in p.stdout
