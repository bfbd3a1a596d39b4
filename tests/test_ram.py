"""AWS RAM through boto3 and the AWS CLI: shares, associations, invitations."""

import pytest
from botocore.exceptions import ClientError

from conftest import A, B, C, CliError, error_code


def raises(code, f, *a, **kw):
    with pytest.raises(ClientError) as e:
        f(*a, **kw)
    assert error_code(e) == code, e.value
    return e.value


def tgw_arn(ec2, account=A):
    return ec2(account).create_transit_gateway()["TransitGateway"]["TransitGatewayArn"]


def test_share_invitation_accept_lifecycle(ec2, ram):
    arn = tgw_arn(ec2)
    share = ram(A).create_resource_share(name="s", allowExternalPrincipals=True,
                                         tags=[{"key": "team", "value": "net"}])["resourceShare"]
    sarn = share["resourceShareArn"]
    assert sarn.startswith(f"arn:aws:ram:us-east-1:{A}:resource-share/")
    assert share["status"] == "ACTIVE" and share["owningAccountId"] == A
    ram(A).associate_resource_share(resourceShareArn=sarn, resourceArns=[arn], principals=[B])

    def assoc(kind):
        return {a["associatedEntity"]: a["status"] for a in ram(A).get_resource_share_associations(
            associationType=kind, resourceShareArns=[sarn])["resourceShareAssociations"]}
    assert assoc("RESOURCE") == {arn: "ASSOCIATED"}
    assert assoc("PRINCIPAL") == {B: "ASSOCIATING"}
    # B sees a pending invitation, and not the share nor its resources yet.
    invs = ram(B).get_resource_share_invitations(resourceShareArns=[sarn])["resourceShareInvitations"]
    assert [(i["status"], i["senderAccountId"], i["receiverAccountId"]) for i in invs] == [("PENDING", A, B)]
    assert ram(B).get_resource_shares(resourceOwner="OTHER-ACCOUNTS")["resourceShares"] == []
    assert ram(B).list_resources(resourceOwner="OTHER-ACCOUNTS")["resources"] == []
    assert ram(C).get_resource_share_invitations()["resourceShareInvitations"] == []
    inv = invs[0]["resourceShareInvitationArn"]
    # Only the receiver can accept.
    raises("ResourceShareInvitationArnNotFoundException", ram(C).accept_resource_share_invitation,
           resourceShareInvitationArn=inv)
    got = ram(B).accept_resource_share_invitation(resourceShareInvitationArn=inv)["resourceShareInvitation"]
    assert got["status"] == "ACCEPTED"
    raises("ResourceShareInvitationAlreadyAcceptedException", ram(B).accept_resource_share_invitation,
           resourceShareInvitationArn=inv)
    assert assoc("PRINCIPAL") == {B: "ASSOCIATED"}
    other = ram(B).get_resource_shares(resourceOwner="OTHER-ACCOUNTS")["resourceShares"]
    assert [s["resourceShareArn"] for s in other] == [sarn]
    res = ram(B).list_resources(resourceOwner="OTHER-ACCOUNTS", resourceShareArns=[sarn])["resources"]
    assert [(r["arn"], r["type"]) for r in res] == [(arn, "ec2:TransitGateway")]
    assert [p["id"] for p in ram(A).list_principals(resourceOwner="SELF")["principals"]] == [B]
    perms = ram(A).list_resource_share_permissions(resourceShareArn=sarn)["permissions"]
    assert [p["name"] for p in perms] == ["AWSRAMDefaultPermissionTransitGateway"]
    # Tags and filters.
    mine = ram(A).get_resource_shares(resourceOwner="SELF", tagFilters=[{"tagKey": "team", "tagValues": ["net"]}])
    assert [s["resourceShareArn"] for s in mine["resourceShares"]] == [sarn]
    ram(A).untag_resource(resourceShareArn=sarn, tagKeys=["team"])
    assert ram(A).get_resource_shares(resourceOwner="SELF", tagFilters=[{"tagKey": "team"}])["resourceShares"] == []


def test_reject_and_delete(ec2, ram):
    arn = tgw_arn(ec2)
    sarn = ram(A).create_resource_share(name="s", resourceArns=[arn], principals=[B])["resourceShare"]["resourceShareArn"]
    inv = ram(B).get_resource_share_invitations()["resourceShareInvitations"][0]["resourceShareInvitationArn"]
    assert ram(B).reject_resource_share_invitation(resourceShareInvitationArn=inv)["resourceShareInvitation"]["status"] == "REJECTED"
    raises("ResourceShareInvitationAlreadyRejectedException", ram(B).accept_resource_share_invitation,
           resourceShareInvitationArn=inv)
    assert ram(B).list_resources(resourceOwner="OTHER-ACCOUNTS")["resources"] == []
    assert ram(A).delete_resource_share(resourceShareArn=sarn)["returnValue"] is True
    shares = ram(A).get_resource_shares(resourceOwner="SELF", resourceShareArns=[sarn])["resourceShares"]
    assert [s["status"] for s in shares] == ["DELETED"]
    raises("InvalidStateTransitionException", ram(A).associate_resource_share, resourceShareArn=sarn, principals=[C])


def test_errors(ec2, ram):
    arn = tgw_arn(ec2)
    sarn = ram(A).create_resource_share(name="s")["resourceShare"]["resourceShareArn"]
    raises("MalformedArnException", ram(A).associate_resource_share, resourceShareArn=sarn, resourceArns=["nonsense"])
    raises("UnknownResourceException", ram(A).associate_resource_share, resourceShareArn=sarn,
           resourceArns=[f"arn:aws:ec2:us-east-1:{A}:transit-gateway/tgw-0123456789abcdef0"])
    # Resource types RAM does not share here are refused, nothing changes.
    raises("InvalidParameterException", ram(A).associate_resource_share, resourceShareArn=sarn,
           resourceArns=[f"arn:aws:ec2:us-east-1:{A}:subnet/subnet-0123456789abcdef0"])
    raises("InvalidParameterException", ram(A).associate_resource_share, resourceShareArn=sarn,
           resourceArns=["arn:aws:s3:::my-bucket"])
    # Someone else's TGW cannot be shared.
    raises("UnknownResourceException", ram(B).create_resource_share, name="b", resourceArns=[arn])
    # allowExternalPrincipals=false refuses an account outside the organization.
    closed = ram(A).create_resource_share(name="c", allowExternalPrincipals=False)["resourceShare"]["resourceShareArn"]
    raises("OperationNotPermittedException", ram(A).associate_resource_share, resourceShareArn=closed, principals=[B])
    raises("InvalidParameterException", ram(A).associate_resource_share, resourceShareArn=sarn, principals=["abc"])
    # B cannot modify or delete A's share.
    raises("UnknownResourceException", ram(B).associate_resource_share, resourceShareArn=sarn, principals=[C])
    raises("UnknownResourceException", ram(B).delete_resource_share, resourceShareArn=sarn)
    assert ram(A).get_resource_share_associations(associationType="RESOURCE")["resourceShareAssociations"] == []
    assert ram(A).get_resource_share_associations(associationType="PRINCIPAL")["resourceShareAssociations"] == []


def test_error_envelope_is_rest_json(server, ram):
    e = raises("UnknownResourceException", ram(A).delete_resource_share,
               resourceShareArn=f"arn:aws:ram:us-east-1:{A}:resource-share/00000000-0000-4000-a000-000000000000")
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert e.response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == "UnknownResourceException"


def test_principal_can_leave_and_owner_can_remove(ec2, ram):
    arn = tgw_arn(ec2)
    sarn = ram(A).create_resource_share(name="s", resourceArns=[arn], principals=[B, C])["resourceShare"]["resourceShareArn"]
    for acct in (B, C):
        inv = ram(acct).get_resource_share_invitations()["resourceShareInvitations"][0]["resourceShareInvitationArn"]
        ram(acct).accept_resource_share_invitation(resourceShareInvitationArn=inv)
    raises("OperationNotPermittedException", ram(B).disassociate_resource_share, resourceShareArn=sarn, principals=[C])
    ram(B).disassociate_resource_share(resourceShareArn=sarn, principals=[B])
    assert ram(B).list_resources(resourceOwner="OTHER-ACCOUNTS")["resources"] == []
    ram(A).disassociate_resource_share(resourceShareArn=sarn, principals=[C])
    assert ram(C).list_resources(resourceOwner="OTHER-ACCOUNTS")["resources"] == []
    statuses = {a["associatedEntity"]: a["status"] for a in ram(A).get_resource_share_associations(
        associationType="PRINCIPAL", resourceShareArns=[sarn])["resourceShareAssociations"]}
    assert statuses == {B: "DISASSOCIATED", C: "DISASSOCIATED"}
    raises("UnknownResourceException", ram(A).disassociate_resource_share, resourceShareArn=sarn, principals=[C])


def test_cli_flow(ec2, aws):
    arn = tgw_arn(ec2)
    share = aws(A, "ram", "create-resource-share", "--name", "cli", "--allow-external-principals")["resourceShare"]
    sarn = share["resourceShareArn"]
    aws(A, "ram", "associate-resource-share", "--resource-share-arn", sarn, "--resource-arns", arn, "--principals", B)
    inv = aws(B, "ram", "get-resource-share-invitations", "--resource-share-arns", sarn)["resourceShareInvitations"][0]
    out = aws(B, "ram", "accept-resource-share-invitation", "--resource-share-invitation-arn", inv["resourceShareInvitationArn"])
    assert out["resourceShareInvitation"]["status"] == "ACCEPTED"
    res = aws(B, "ram", "list-resources", "--resource-owner", "OTHER-ACCOUNTS")["resources"]
    assert [r["arn"] for r in res] == [arn]
    assert aws(A, "ram", "delete-resource-share", "--resource-share-arn", sarn)["returnValue"] is True
    with pytest.raises(CliError) as e:
        aws(A, "ram", "get-resource-shares", "--resource-owner", "NOBODY")
    assert e.value.code == "InvalidParameterException"
