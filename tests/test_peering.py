"""VPC peering across accounts and regions, through boto3 and the AWS CLI."""
import pytest
from botocore.exceptions import ClientError

from conftest import A, B, C, CliError, error_code

E1, W2 = "us-east-1", "us-west-2"
HOUR, DAY = 3600, 86400


def vpc(ec2, account, cidr, region=E1):
    return ec2(account, region).create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]


def request(ec2, va, vb, owner=B, region_b=E1, **kw):
    args = dict(VpcId=va, PeerVpcId=vb, PeerOwnerId=owner, **kw)
    if region_b != E1:
        args["PeerRegion"] = region_b
    return ec2(A).create_vpc_peering_connection(**args)["VpcPeeringConnection"]


def describe(ec2, account, pcx, region=E1):
    return ec2(account, region).describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])["VpcPeeringConnections"][0]


def status(ec2, account, pcx, region=E1):
    return describe(ec2, account, pcx, region)["Status"]["Code"]


@pytest.fixture
def pair(ec2):
    """A's VPC 10.1/16 and B's VPC 10.2/16, same region; A requests."""
    va, vb = vpc(ec2, A, "10.1.0.0/16"), vpc(ec2, B, "10.2.0.0/16")
    pcx = request(ec2, va, vb)["VpcPeeringConnectionId"]
    return va, vb, pcx


def code_of(fn, *args, **kw):
    with pytest.raises(ClientError) as e:
        fn(*args, **kw)
    return error_code(e)


def test_request_accept_lifecycle_seen_by_both_owners(ec2):
    va, vb = vpc(ec2, A, "10.1.0.0/16"), vpc(ec2, B, "10.2.0.0/16")
    created = request(ec2, va, vb, TagSpecifications=[
        {"ResourceType": "vpc-peering-connection", "Tags": [{"Key": "Name", "Value": "a-to-b"}]}])
    pcx = created["VpcPeeringConnectionId"]
    assert pcx.startswith("pcx-") and len(pcx) == 21
    assert created["Status"]["Code"] == "initiating-request"
    assert created["Tags"] == [{"Key": "Name", "Value": "a-to-b"}]
    seen_a = describe(ec2, A, pcx)
    assert seen_a["Status"] == {"Code": "pending-acceptance", "Message": f"Pending Acceptance by {B}"}
    assert seen_a["RequesterVpcInfo"]["OwnerId"] == A and seen_a["RequesterVpcInfo"]["VpcId"] == va
    assert seen_a["RequesterVpcInfo"]["CidrBlock"] == "10.1.0.0/16"
    assert seen_a["RequesterVpcInfo"]["CidrBlockSet"] == [{"CidrBlock": "10.1.0.0/16"}]
    assert seen_a["RequesterVpcInfo"]["Region"] == E1
    # The accepter's blocks and options are hidden while pending. (The
    # generated serializer writes every list, so its block lists are empty
    # rather than absent.)
    shown = {k: v for k, v in seen_a["AccepterVpcInfo"].items() if v != []}
    assert shown == {"OwnerId": B, "VpcId": vb, "Region": E1}, "accepter CIDR hidden while pending"
    assert "ExpirationTime" in seen_a
    seen_b = describe(ec2, B, pcx)
    assert seen_b["Status"]["Code"] == "pending-acceptance"
    assert "Tags" not in seen_b or seen_b["Tags"] == [], "tags are per account"
    accepted = ec2(B).accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)["VpcPeeringConnection"]
    assert accepted["Status"]["Code"] == "active"
    for account in (A, B):
        d = describe(ec2, account, pcx)
        assert d["Status"] == {"Code": "active", "Message": "Active"}
        assert d["AccepterVpcInfo"]["CidrBlock"] == "10.2.0.0/16"
        assert d["AccepterVpcInfo"]["PeeringOptions"]["AllowDnsResolutionFromRemoteVpc"] is False
        assert "ExpirationTime" not in d


def test_unrelated_account_cannot_see_or_act(ec2, aws, pair):
    _, _, pcx = pair
    assert code_of(ec2(C).describe_vpc_peering_connections, VpcPeeringConnectionIds=[pcx]) == "InvalidVpcPeeringConnectionID.NotFound"
    assert ec2(C).describe_vpc_peering_connections()["VpcPeeringConnections"] == []
    for action in ("accept-vpc-peering-connection", "reject-vpc-peering-connection", "delete-vpc-peering-connection"):
        with pytest.raises(CliError) as e:
            aws(C, "ec2", action, "--vpc-peering-connection-id", pcx)
        assert e.value.code == "InvalidVpcPeeringConnectionID.NotFound"
    assert status(ec2, A, pcx) == "pending-acceptance", "nothing changed"


def test_requester_cannot_accept_cross_account(ec2, pair):
    _, _, pcx = pair
    with pytest.raises(ClientError) as e:
        ec2(A).accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    assert error_code(e) == "OperationNotPermitted"
    assert e.value.response["Error"]["Message"] == f"User {A} cannot accept peering {pcx}"
    assert code_of(ec2(A).reject_vpc_peering_connection, VpcPeeringConnectionId=pcx) == "OperationNotPermitted"


def test_overlapping_cidrs_create_a_failed_connection(ec2):
    va = vpc(ec2, A, "10.1.0.0/16")
    vb = vpc(ec2, B, "10.1.0.0/16")
    created = request(ec2, va, vb)
    pcx = created["VpcPeeringConnectionId"]
    assert created["Status"]["Code"] == "failed"
    assert status(ec2, A, pcx) == "failed"
    assert code_of(ec2(B).describe_vpc_peering_connections, VpcPeeringConnectionIds=[pcx]) == "InvalidVpcPeeringConnectionID.NotFound"
    assert code_of(ec2(A).delete_vpc_peering_connection, VpcPeeringConnectionId=pcx) == "InvalidStateTransition"
    # A secondary block overlapping counts too.
    vc = vpc(ec2, B, "10.3.0.0/16")
    ec2(A).associate_vpc_cidr_block(VpcId=va, CidrBlock="10.3.128.0/17")
    assert request(ec2, va, vc)["Status"]["Code"] == "failed"
    assert len(ec2(A).describe_vpc_peering_connections(
        Filters=[{"Name": "status-code", "Values": ["failed"]}])["VpcPeeringConnections"]) == 2


def test_failed_disappears_after_two_hours(server, ec2):
    va, vb = vpc(ec2, A, "10.1.0.0/16"), vpc(ec2, B, "10.1.0.0/16")
    pcx = request(ec2, va, vb)["VpcPeeringConnectionId"]
    server.advance_clock(2 * HOUR + 1)
    assert code_of(ec2(A).describe_vpc_peering_connections, VpcPeeringConnectionIds=[pcx]) == "InvalidVpcPeeringConnectionID.NotFound"


def test_peer_vpc_missing_where_named_fails(ec2):
    va, vb = vpc(ec2, A, "10.1.0.0/16"), vpc(ec2, B, "10.2.0.0/16")
    # Right VPC id, wrong owner: the peer VPC is not there.
    assert request(ec2, va, vb, owner=C)["Status"]["Code"] == "failed"
    # The requester VPC must be the caller's own: a request error.
    assert code_of(ec2(C).create_vpc_peering_connection, VpcId=va, PeerVpcId=vb, PeerOwnerId=B) == "InvalidVpcID.NotFound"


def test_cross_region_accept_only_in_the_accepter_region(ec2):
    va, vb = vpc(ec2, A, "10.1.0.0/16"), vpc(ec2, B, "10.2.0.0/16", W2)
    pcx = request(ec2, va, vb, region_b=W2)["VpcPeeringConnectionId"]
    d = describe(ec2, A, pcx)
    assert (d["RequesterVpcInfo"]["Region"], d["AccepterVpcInfo"]["Region"]) == (E1, W2)
    assert status(ec2, B, pcx, W2) == "pending-acceptance"
    # B in the requester's region does not see it; A does not see it in W2.
    assert code_of(ec2(B, E1).accept_vpc_peering_connection, VpcPeeringConnectionId=pcx) == "InvalidVpcPeeringConnectionID.NotFound"
    assert code_of(ec2(A, W2).describe_vpc_peering_connections, VpcPeeringConnectionIds=[pcx]) == "InvalidVpcPeeringConnectionID.NotFound"
    ec2(B, W2).accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    assert status(ec2, A, pcx) == "active"


def test_same_account_cross_region_wrong_region_is_named(ec2):
    v1, v2 = vpc(ec2, A, "10.1.0.0/16"), vpc(ec2, A, "10.2.0.0/16", W2)
    pcx = ec2(A).create_vpc_peering_connection(VpcId=v1, PeerVpcId=v2, PeerRegion=W2)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    with pytest.raises(ClientError) as e:
        ec2(A, E1).accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    assert error_code(e) == "OperationNotPermitted"
    assert "must be accepted in region us-west-2" in e.value.response["Error"]["Message"]
    ec2(A, W2).accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    assert status(ec2, A, pcx, E1) == "active" and status(ec2, A, pcx, W2) == "active"


def test_request_expires_after_seven_days(server, ec2, pair):
    _, _, pcx = pair
    server.advance_clock(7 * DAY - 60)
    assert status(ec2, B, pcx) == "pending-acceptance"
    server.advance_clock(61)
    assert status(ec2, A, pcx) == "expired"
    assert status(ec2, B, pcx) == "expired"
    assert code_of(ec2(B).accept_vpc_peering_connection, VpcPeeringConnectionId=pcx) == "InvalidStateTransition"
    server.advance_clock(2 * DAY)
    assert code_of(ec2(A).describe_vpc_peering_connections, VpcPeeringConnectionIds=[pcx]) == "InvalidVpcPeeringConnectionID.NotFound"


def test_duplicate_pair_is_refused(ec2, pair):
    va, vb, pcx = pair
    assert code_of(ec2(A).create_vpc_peering_connection, VpcId=va, PeerVpcId=vb, PeerOwnerId=B) == "VpcPeeringConnectionAlreadyExists"
    assert code_of(ec2(B).create_vpc_peering_connection, VpcId=vb, PeerVpcId=va, PeerOwnerId=A) == "VpcPeeringConnectionAlreadyExists"
    ec2(B).accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    assert code_of(ec2(A).create_vpc_peering_connection, VpcId=va, PeerVpcId=vb, PeerOwnerId=B) == "VpcPeeringConnectionAlreadyExists"


def test_reject_and_delete_rules(server, ec2, pair):
    va, vb, pcx = pair
    # The accepter rejects (it cannot delete a request it received).
    assert code_of(ec2(B).delete_vpc_peering_connection, VpcPeeringConnectionId=pcx) == "OperationNotPermitted"
    assert ec2(B).reject_vpc_peering_connection(VpcPeeringConnectionId=pcx)["Return"] is True
    assert status(ec2, A, pcx) == "rejected"
    assert code_of(ec2(A).delete_vpc_peering_connection, VpcPeeringConnectionId=pcx) == "InvalidStateTransition"
    server.advance_clock(2 * HOUR + 1)
    assert status(ec2, A, pcx) == "rejected", "the requester sees it 2 days"
    assert code_of(ec2(B).describe_vpc_peering_connections, VpcPeeringConnectionIds=[pcx]) == "InvalidVpcPeeringConnectionID.NotFound"
    # A new request is allowed; the requester may delete it while pending.
    pcx2 = request(ec2, va, vb)["VpcPeeringConnectionId"]
    ec2(A).delete_vpc_peering_connection(VpcPeeringConnectionId=pcx2)
    assert status(ec2, A, pcx2) == "deleted"
    assert describe(ec2, B, pcx2)["Status"]["Message"] == f"Deleted by {A}"


def test_either_owner_deletes_active_and_deleted_stays_visible(server, ec2, pair):
    _, _, pcx = pair
    ec2(B).accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    ec2(B).delete_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    assert status(ec2, A, pcx) == "deleted" and status(ec2, B, pcx) == "deleted"
    server.advance_clock(2 * HOUR + 1)
    assert status(ec2, A, pcx) == "deleted"
    assert code_of(ec2(B).describe_vpc_peering_connections, VpcPeeringConnectionIds=[pcx]) == "InvalidVpcPeeringConnectionID.NotFound"
    server.advance_clock(2 * DAY)
    assert ec2(A).describe_vpc_peering_connections()["VpcPeeringConnections"] == []


def test_describe_filters(ec2, aws, pair):
    va, vb, pcx = pair
    ec2(A).create_tags(Resources=[pcx], Tags=[{"Key": "team", "Value": "net"}])
    ec2(B).create_tags(Resources=[pcx], Tags=[{"Key": "Side", "Value": "accepter"}])
    f = lambda account, name, *values: [x["VpcPeeringConnectionId"] for x in ec2(account).describe_vpc_peering_connections(
        Filters=[{"Name": name, "Values": list(values)}])["VpcPeeringConnections"]]
    assert f(A, "requester-vpc-info.vpc-id", va) == [pcx]
    assert f(A, "requester-vpc-info.owner-id", A) == [pcx]
    assert f(A, "requester-vpc-info.cidr-block", "10.1.0.0/16") == [pcx]
    assert f(A, "accepter-vpc-info.vpc-id", vb) == [pcx]
    assert f(A, "accepter-vpc-info.owner-id", B) == [pcx]
    assert f(A, "accepter-vpc-info.cidr-block", "10.2.*") == [pcx]
    assert f(A, "status-code", "pending-acceptance") == [pcx]
    assert f(A, "status-code", "active") == []
    assert f(A, "status-message", "Pending Acceptance by *") == [pcx]
    assert f(A, "vpc-peering-connection-id", pcx) == [pcx]
    assert f(A, "expiration-time", "*Z") == [pcx]
    assert f(A, "tag:team", "net") == [pcx]
    assert f(B, "tag:team", "net") == [], "A's tags are A's"
    assert f(B, "tag-key", "Side") == [pcx]
    assert code_of(ec2(A).describe_vpc_peering_connections, Filters=[{"Name": "bogus", "Values": ["x"]}]) == "InvalidParameterValue"
    out = aws(B, "ec2", "describe-vpc-peering-connections", "--filters", "Name=status-code,Values=pending-acceptance")
    assert [x["VpcPeeringConnectionId"] for x in out["VpcPeeringConnections"]] == [pcx]
    tags = ec2(B).describe_tags(Filters=[{"Name": "resource-id", "Values": [pcx]}])["Tags"]
    assert [(t["Key"], t["ResourceType"]) for t in tags] == [("Side", "vpc-peering-connection")]


def test_modify_options_each_side_its_own(ec2):
    va, vb = vpc(ec2, A, "10.1.0.0/16"), vpc(ec2, B, "10.2.0.0/16", W2)
    pcx = request(ec2, va, vb, region_b=W2)["VpcPeeringConnectionId"]
    on = {"AllowDnsResolutionFromRemoteVpc": True}
    with pytest.raises(ClientError) as e:
        ec2(A).modify_vpc_peering_connection_options(VpcPeeringConnectionId=pcx, RequesterPeeringConnectionOptions=on)
    assert error_code(e) == "OperationNotPermitted" and "not active" in e.value.response["Error"]["Message"]
    ec2(B, W2).accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    assert code_of(ec2(A).modify_vpc_peering_connection_options, VpcPeeringConnectionId=pcx,
                   AccepterPeeringConnectionOptions=on) == "OperationNotPermitted"
    out = ec2(A).modify_vpc_peering_connection_options(VpcPeeringConnectionId=pcx, RequesterPeeringConnectionOptions=on)
    assert out["RequesterPeeringConnectionOptions"]["AllowDnsResolutionFromRemoteVpc"] is True
    d = describe(ec2, B, pcx, W2)
    assert d["RequesterVpcInfo"]["PeeringOptions"]["AllowDnsResolutionFromRemoteVpc"] is True
    assert d["AccepterVpcInfo"]["PeeringOptions"]["AllowDnsResolutionFromRemoteVpc"] is False


def test_delete_vpc_with_peering(ec2, pair):
    va, vb, pcx = pair
    # The accepter must reject a pending request before deleting its VPC.
    assert code_of(ec2(B).delete_vpc, VpcId=vb) == "DependencyViolation"
    ec2(B).accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    # An active connection is deleted with either VPC.
    ec2(A).delete_vpc(VpcId=va)
    assert status(ec2, B, pcx) == "deleted"
    assert describe(ec2, B, pcx)["Status"]["Message"] == f"Deleted by {A}"


def test_malformed_and_missing_ids(ec2):
    assert code_of(ec2(A).describe_vpc_peering_connections, VpcPeeringConnectionIds=["pcx-zz"]) == "InvalidVpcPeeringConnectionId.Malformed"
    assert code_of(ec2(A).accept_vpc_peering_connection, VpcPeeringConnectionId="pcx-0123456789abcdef0") == "InvalidVpcPeeringConnectionID.NotFound"


def active_pair(ec2, region_b=E1):
    va, vb = vpc(ec2, A, "10.1.0.0/16"), vpc(ec2, B, "10.2.0.0/16", region_b)
    pcx = request(ec2, va, vb, region_b=region_b)["VpcPeeringConnectionId"]
    return va, vb, pcx


def route_state(ec2, account, rtb, cidr, region=E1):
    t = ec2(account, region).describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]
    return [r for r in t["Routes"] if r.get("DestinationCidrBlock") == cidr][0]["State"]


def test_route_to_pcx_is_blackhole_until_active_and_after_delete(ec2):
    va, vb, pcx = active_pair(ec2)
    rta = ec2(A).create_route_table(VpcId=va)["RouteTable"]["RouteTableId"]
    rtb = ec2(B).create_route_table(VpcId=vb)["RouteTable"]["RouteTableId"]
    # A route may point at a pending connection: it is a blackhole.
    ec2(A).create_route(RouteTableId=rta, DestinationCidrBlock="10.2.0.0/16", VpcPeeringConnectionId=pcx)
    ec2(B).create_route(RouteTableId=rtb, DestinationCidrBlock="10.1.0.0/16", VpcPeeringConnectionId=pcx)
    assert route_state(ec2, A, rta, "10.2.0.0/16") == "blackhole"
    ec2(B).accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    assert route_state(ec2, A, rta, "10.2.0.0/16") == "active"
    assert route_state(ec2, B, rtb, "10.1.0.0/16") == "active"
    got = ec2(A).describe_route_tables(Filters=[{"Name": "route.vpc-peering-connection-id", "Values": [pcx]}])["RouteTables"]
    assert [t["RouteTableId"] for t in got] == [rta]
    ec2(A).delete_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    assert route_state(ec2, A, rta, "10.2.0.0/16") == "blackhole"
    assert route_state(ec2, B, rtb, "10.1.0.0/16") == "blackhole"


def test_route_to_pcx_must_involve_the_tables_vpc(ec2):
    va, vb, pcx = active_pair(ec2)
    other = vpc(ec2, A, "10.9.0.0/16")
    rt_other = ec2(A).create_route_table(VpcId=other)["RouteTable"]["RouteTableId"]
    with pytest.raises(ClientError) as e:
        ec2(A).create_route(RouteTableId=rt_other, DestinationCidrBlock="10.2.0.0/16", VpcPeeringConnectionId=pcx)
    assert error_code(e) == "InvalidParameterValue" and "different networks" in e.value.response["Error"]["Message"]
    assert code_of(ec2(A).create_route, RouteTableId=rt_other, DestinationCidrBlock="10.2.0.0/16",
                   VpcPeeringConnectionId="pcx-0123456789abcdef0") == "InvalidVpcPeeringConnectionID.NotFound"
    # C cannot route to a connection it does not see.
    vc = vpc(ec2, C, "10.3.0.0/16")
    rt_c = ec2(C).create_route_table(VpcId=vc)["RouteTable"]["RouteTableId"]
    assert code_of(ec2(C).create_route, RouteTableId=rt_c, DestinationCidrBlock="10.2.0.0/16",
                   VpcPeeringConnectionId=pcx) == "InvalidVpcPeeringConnectionID.NotFound"


def peer_ref(group, pcx=None, user=B):
    pair = {"GroupId": group, "UserId": user}
    if pcx:
        pair["VpcPeeringConnectionId"] = pcx
    return [{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "UserIdGroupPairs": [pair]}]


def test_sg_references_peer_group_over_active_same_region_peering(ec2):
    va, vb, pcx = active_pair(ec2)
    sga = ec2(A).create_security_group(VpcId=va, GroupName="web", Description="web")["GroupId"]
    sgb = ec2(B).create_security_group(VpcId=vb, GroupName="client", Description="client")["GroupId"]
    # Pending peering: the peer's group belongs to a different network.
    assert code_of(ec2(A).authorize_security_group_ingress, GroupId=sga, IpPermissions=peer_ref(sgb, pcx)) == "InvalidGroup.NotFound"
    ec2(B).accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    ec2(A).authorize_security_group_ingress(GroupId=sga, IpPermissions=peer_ref(sgb, pcx))
    g = ec2(A).describe_security_groups(GroupIds=[sga])["SecurityGroups"][0]
    pairs = [p for p in g["IpPermissions"] if p.get("FromPort") == 80][0]["UserIdGroupPairs"]
    assert pairs == [{"GroupId": sgb, "UserId": B, "VpcId": vb, "VpcPeeringConnectionId": pcx, "PeeringStatus": "active"}]
    rules = ec2(A).describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [sga]}])["SecurityGroupRules"]
    ref = [r for r in rules if "ReferencedGroupInfo" in r][0]["ReferencedGroupInfo"]
    assert ref["VpcPeeringConnectionId"] == pcx and ref["UserId"] == B
    # Without UserId the group is still found by id.
    ec2(A).authorize_security_group_egress(GroupId=sga, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "UserIdGroupPairs": [{"GroupId": sgb}]}])
    assert ec2(A).describe_stale_security_groups(VpcId=va)["StaleSecurityGroupSet"] == []
    # After the peering is deleted the rules are stale.
    ec2(B).delete_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    stale = ec2(A).describe_stale_security_groups(VpcId=va)["StaleSecurityGroupSet"]
    assert [s["GroupId"] for s in stale] == [sga]
    assert stale[0]["VpcId"] == va and stale[0]["GroupName"] == "web"
    ing = stale[0]["StaleIpPermissions"]
    assert len(ing) == 1 and ing[0]["FromPort"] == 80 and ing[0]["IpProtocol"] == "tcp"
    assert ing[0]["UserIdGroupPairs"][0]["GroupId"] == sgb
    assert ing[0]["UserIdGroupPairs"][0]["VpcPeeringConnectionId"] == pcx
    assert ing[0]["UserIdGroupPairs"][0]["PeeringStatus"] == "deleted"
    assert [p["FromPort"] for p in stale[0]["StaleIpPermissionsEgress"]] == [443]
    g = ec2(A).describe_security_groups(GroupIds=[sga])["SecurityGroups"][0]
    assert [p for p in g["IpPermissions"] if p.get("FromPort") == 80][0]["UserIdGroupPairs"][0]["PeeringStatus"] == "deleted"
    assert code_of(ec2(B).describe_stale_security_groups, VpcId=va) == "InvalidVpcID.NotFound"


def test_sg_peer_reference_cross_region_is_refused(ec2):
    va, vb, pcx = active_pair(ec2, W2)
    ec2(B, W2).accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    sga = ec2(A).create_security_group(VpcId=va, GroupName="web", Description="web")["GroupId"]
    sgb = ec2(B, W2).create_security_group(VpcId=vb, GroupName="client", Description="client")["GroupId"]
    with pytest.raises(ClientError) as e:
        ec2(A).authorize_security_group_ingress(GroupId=sga, IpPermissions=peer_ref(sgb, pcx))
    assert error_code(e) == "InvalidGroup.NotFound"
    # The CIDR of the peer works across regions.
    ec2(A).authorize_security_group_ingress(GroupId=sga, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "10.2.0.0/16"}]}])


def test_sg_reference_to_unpeered_vpc_group_is_refused(ec2):
    va = vpc(ec2, A, "10.1.0.0/16")
    vx = vpc(ec2, A, "10.5.0.0/16")
    sga = ec2(A).create_security_group(VpcId=va, GroupName="web", Description="web")["GroupId"]
    sgx = ec2(A).create_security_group(VpcId=vx, GroupName="x", Description="x")["GroupId"]
    assert code_of(ec2(A).authorize_security_group_ingress, GroupId=sga, IpPermissions=peer_ref(sgx, user=A)) == "InvalidGroup.NotFound"
