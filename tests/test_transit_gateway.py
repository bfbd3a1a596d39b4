"""Transit Gateway shared through RAM, through boto3 and the AWS CLI."""
import pytest
from botocore.exceptions import ClientError

from conftest import A, B, C, CliError, error_code


def raises(code, f, *a, **kw):
    with pytest.raises(ClientError) as e:
        f(*a, **kw)
    assert error_code(e) == code, e.value
    return e.value


def network(c, cidr, zones=("a", "b")):
    """A VPC with one subnet per zone letter, and its main route table."""
    vpc = c.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    base = cidr.split(".")
    subnets = [c.create_subnet(VpcId=vpc, CidrBlock=f"{base[0]}.{base[1]}.{i + 1}.0/24",
                               AvailabilityZone=f"us-east-1{z}")["Subnet"]["SubnetId"] for i, z in enumerate(zones)]
    rtb = c.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][0]["RouteTableId"]
    return vpc, subnets, rtb


def create_tgw(ec2, **options):
    opts = {"AutoAcceptSharedAttachments": "disable", **options}
    return ec2(A).create_transit_gateway(Description="t", Options=opts)["TransitGateway"]


def share_with_b(ram, tgw_arn, accept=True):
    sarn = ram(A).create_resource_share(name="tgw", resourceArns=[tgw_arn], principals=[B])["resourceShare"]["resourceShareArn"]
    inv = ram(B).get_resource_share_invitations(resourceShareArns=[sarn])["resourceShareInvitations"][0]
    if accept:
        ram(B).accept_resource_share_invitation(resourceShareInvitationArn=inv["resourceShareInvitationArn"])
    return sarn, inv["resourceShareInvitationArn"]


def attach(c, tgw, vpc, subnets, **kw):
    return c.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=vpc, SubnetIds=subnets, **kw)[
        "TransitGatewayVpcAttachment"]


def enis(server, vpc):
    """The VPC's ENIs, from the operator's state view."""
    return [e for e in server.state().get("network_interfaces", {}).values() if e["vpc_id"] == vpc]


def vpc_att(c, att):
    return c.describe_transit_gateway_vpc_attachments(TransitGatewayAttachmentIds=[att])["TransitGatewayVpcAttachments"][0]


def test_create_defaults_and_describe(ec2):
    t = create_tgw(ec2)
    assert t["State"] == "pending"
    assert t["TransitGatewayArn"] == f"arn:aws:ec2:us-east-1:{A}:transit-gateway/{t['TransitGatewayId']}"
    o = t["Options"]
    assert (o["AmazonSideAsn"], o["AutoAcceptSharedAttachments"], o["DefaultRouteTableAssociation"],
            o["DefaultRouteTablePropagation"]) == (64512, "disable", "enable", "enable")
    assert o["AssociationDefaultRouteTableId"] == o["PropagationDefaultRouteTableId"]
    got = ec2(A).describe_transit_gateways(TransitGatewayIds=[t["TransitGatewayId"]])["TransitGateways"][0]
    assert got["State"] == "available"
    rt = ec2(A).describe_transit_gateway_route_tables(TransitGatewayRouteTableIds=[o["AssociationDefaultRouteTableId"]])
    assert rt["TransitGatewayRouteTables"][0]["DefaultAssociationRouteTable"] is True
    raises("InvalidTransitGatewayID.NotFound", ec2(B).describe_transit_gateways, TransitGatewayIds=[t["TransitGatewayId"]])
    raises("InvalidParameterValue", ec2(A).create_transit_gateway, Options={"AmazonSideAsn": 12})
    ec2(A).modify_transit_gateway(TransitGatewayId=t["TransitGatewayId"], Options={"AutoAcceptSharedAttachments": "enable"})
    got = ec2(A).describe_transit_gateways(Filters=[{"Name": "options.auto-accept-shared-attachments", "Values": ["enable"]}])
    assert [x["TransitGatewayId"] for x in got["TransitGateways"]] == [t["TransitGatewayId"]]


def test_same_account_attachment_propagates_and_routes(ec2, server):
    t = create_tgw(ec2)
    tgw, rtb = t["TransitGatewayId"], t["Options"]["AssociationDefaultRouteTableId"]
    vpc, subnets, vrtb = network(ec2(A), "10.1.0.0/16")
    # A VPC route to a TGW the VPC is not attached to is refused.
    raises("InvalidTransitGatewayID.NotFound", ec2(A).create_route, RouteTableId=vrtb,
           DestinationCidrBlock="10.2.0.0/16", TransitGatewayId=tgw)
    # Two subnets in one AZ are refused.
    v5, same_az, _ = network(ec2(A), "10.5.0.0/16", zones=("a", "a"))
    raises("DuplicateSubnetsInSameZone", ec2(A).create_transit_gateway_vpc_attachment, TransitGatewayId=tgw,
           VpcId=v5, SubnetIds=same_az)
    # Subnets of another VPC are refused too.
    raises("InvalidParameterValue", ec2(A).create_transit_gateway_vpc_attachment, TransitGatewayId=tgw,
           VpcId=vpc, SubnetIds=same_az[:1])
    att = attach(ec2(A), tgw, vpc, subnets)
    assert att["State"] == "pending" and att["VpcOwnerId"] == A
    assert vpc_att(ec2(A), att["TransitGatewayAttachmentId"])["State"] == "available"
    assert sorted(e["subnet_id"] for e in enis(server, vpc)) == sorted(subnets)
    assert {(e["interface_type"], e["requester_managed"]) for e in enis(server, vpc)} == {("transit_gateway", True)}
    routes = ec2(A).search_transit_gateway_routes(TransitGatewayRouteTableId=rtb,
                                                  Filters=[{"Name": "type", "Values": ["propagated"]}])["Routes"]
    assert [(r["DestinationCidrBlock"], r["State"]) for r in routes] == [("10.1.0.0/16", "active")]
    assocs = ec2(A).get_transit_gateway_route_table_associations(TransitGatewayRouteTableId=rtb)["Associations"]
    assert [a["TransitGatewayAttachmentId"] for a in assocs] == [att["TransitGatewayAttachmentId"]]
    ec2(A).create_route(RouteTableId=vrtb, DestinationCidrBlock="10.2.0.0/16", TransitGatewayId=tgw)
    r = [x for x in ec2(A).describe_route_tables(RouteTableIds=[vrtb])["RouteTables"][0]["Routes"]
         if x["DestinationCidrBlock"] == "10.2.0.0/16"][0]
    assert (r["TransitGatewayId"], r["State"]) == (tgw, "active")
    # Deleting the TGW while attached is refused; a deleted attachment makes
    # the VPC route a blackhole.
    e = raises("IncorrectState", ec2(A).delete_transit_gateway, TransitGatewayId=tgw)
    assert "has non-deleted Transit Gateway Attachments" in str(e)
    out = ec2(A).delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=att["TransitGatewayAttachmentId"])
    assert out["TransitGatewayVpcAttachment"]["State"] == "deleting"
    assert vpc_att(ec2(A), att["TransitGatewayAttachmentId"])["State"] == "deleted"
    r = [x for x in ec2(A).describe_route_tables(RouteTableIds=[vrtb])["RouteTables"][0]["Routes"]
         if x["DestinationCidrBlock"] == "10.2.0.0/16"][0]
    assert r["State"] == "blackhole"
    assert enis(server, vpc) == []
    ec2(A).delete_route(RouteTableId=vrtb, DestinationCidrBlock="10.2.0.0/16")
    assert ec2(A).delete_transit_gateway(TransitGatewayId=tgw)["TransitGateway"]["State"] == "deleting"


def test_cross_account_attachment_needs_share_then_acceptance(ec2, ram):
    t = create_tgw(ec2)
    tgw = t["TransitGatewayId"]
    vpc_b, subnets_b, rtb_b = network(ec2(B), "10.2.0.0/16")
    # Never shared: B cannot see or attach.
    raises("InvalidTransitGatewayID.NotFound", ec2(B).describe_transit_gateways, TransitGatewayIds=[tgw])
    raises("InvalidTransitGatewayID.NotFound", ec2(B).create_transit_gateway_vpc_attachment,
           TransitGatewayId=tgw, VpcId=vpc_b, SubnetIds=subnets_b)
    # Shared, invitation still pending: still invisible.
    sarn, inv = share_with_b(ram, t["TransitGatewayArn"], accept=False)
    assert ec2(B).describe_transit_gateways()["TransitGateways"] == []
    raises("InvalidTransitGatewayID.NotFound", ec2(B).create_transit_gateway_vpc_attachment,
           TransitGatewayId=tgw, VpcId=vpc_b, SubnetIds=subnets_b)
    ram(B).accept_resource_share_invitation(resourceShareInvitationArn=inv)
    seen = ec2(B).describe_transit_gateways(TransitGatewayIds=[tgw])["TransitGateways"][0]
    assert seen["OwnerId"] == A
    att = attach(ec2(B), tgw, vpc_b, subnets_b,
                 TagSpecifications=[{"ResourceType": "transit-gateway-attachment", "Tags": [{"Key": "Name", "Value": "b"}]}])
    aid = att["TransitGatewayAttachmentId"]
    assert vpc_att(ec2(B), aid)["State"] == "pendingAcceptance"
    a_view = vpc_att(ec2(A), aid)
    assert (a_view["State"], a_view["VpcOwnerId"]) == ("pendingAcceptance", B)
    generic = ec2(A).describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[aid])["TransitGatewayAttachments"][0]
    assert (generic["ResourceOwnerId"], generic["TransitGatewayOwnerId"], generic["ResourceId"]) == (B, A, vpc_b)
    # A VPC route is accepted (the attachment exists) but is a blackhole until accepted.
    ec2(B).create_route(RouteTableId=rtb_b, DestinationCidrBlock="10.1.0.0/16", TransitGatewayId=tgw)
    state = {r["DestinationCidrBlock"]: r["State"] for r in ec2(B).describe_route_tables(RouteTableIds=[rtb_b])["RouteTables"][0]["Routes"]}
    assert state["10.1.0.0/16"] == "blackhole"
    # Wrong accounts cannot accept.
    raises("OperationNotPermitted", ec2(B).accept_transit_gateway_vpc_attachment, TransitGatewayAttachmentId=aid)
    raises("InvalidTransitGatewayAttachmentID.NotFound", ec2(C).accept_transit_gateway_vpc_attachment,
           TransitGatewayAttachmentId=aid)
    ec2(A).accept_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=aid)
    assert vpc_att(ec2(B), aid)["State"] == "available"
    raises("IncorrectState", ec2(A).accept_transit_gateway_vpc_attachment, TransitGatewayAttachmentId=aid)
    state = {r["DestinationCidrBlock"]: r["State"] for r in ec2(B).describe_route_tables(RouteTableIds=[rtb_b])["RouteTables"][0]["Routes"]}
    assert state["10.1.0.0/16"] == "active"
    rtb = t["Options"]["PropagationDefaultRouteTableId"]
    props = ec2(A).get_transit_gateway_route_table_propagations(TransitGatewayRouteTableId=rtb)["TransitGatewayRouteTablePropagations"]
    assert [(p["TransitGatewayAttachmentId"], p["State"]) for p in props] == [(aid, "enabled")]
    # Each account keeps its own tags on the attachment.
    ec2(A).create_tags(Resources=[aid], Tags=[{"Key": "Name", "Value": "a-side"}])
    assert vpc_att(ec2(B), aid)["Tags"] == [{"Key": "Name", "Value": "b"}]
    assert vpc_att(ec2(A), aid)["Tags"] == [{"Key": "Name", "Value": "a-side"}]
    # Unsharing takes the TGW away from B.
    ram(A).disassociate_resource_share(resourceShareArn=sarn, principals=[B])
    assert ec2(B).describe_transit_gateways()["TransitGateways"] == []


def test_reject_attachment_and_auto_accept(ec2, ram):
    t = create_tgw(ec2)
    tgw = t["TransitGatewayId"]
    share_with_b(ram, t["TransitGatewayArn"])
    vpc_b, subnets_b, _ = network(ec2(B), "10.2.0.0/16")
    aid = attach(ec2(B), tgw, vpc_b, subnets_b)["TransitGatewayAttachmentId"]
    ec2(A).reject_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=aid)
    assert vpc_att(ec2(B), aid)["State"] == "rejected"
    ec2(A).modify_transit_gateway(TransitGatewayId=tgw, Options={"AutoAcceptSharedAttachments": "enable"})
    aid2 = attach(ec2(B), tgw, vpc_b, subnets_b)["TransitGatewayAttachmentId"]
    assert vpc_att(ec2(B), aid2)["State"] == "available"


def test_overlapping_propagation_static_and_blackhole_routes(ec2):
    t = create_tgw(ec2, DefaultRouteTablePropagation="disable", DefaultRouteTableAssociation="disable")
    tgw = t["TransitGatewayId"]
    assert "AssociationDefaultRouteTableId" not in t["Options"]
    rtb = ec2(A).create_transit_gateway_route_table(TransitGatewayId=tgw)["TransitGatewayRouteTable"]["TransitGatewayRouteTableId"]
    v1, s1, _ = network(ec2(A), "10.1.0.0/16", zones=("a",))
    v2, s2, _ = network(ec2(A), "10.1.0.0/20", zones=("a",))
    a1 = attach(ec2(A), tgw, v1, s1)["TransitGatewayAttachmentId"]
    a2 = attach(ec2(A), tgw, v2, s2)["TransitGatewayAttachmentId"]
    ec2(A).associate_transit_gateway_route_table(TransitGatewayRouteTableId=rtb, TransitGatewayAttachmentId=a1)
    raises("Resource.AlreadyAssociated", ec2(A).associate_transit_gateway_route_table,
           TransitGatewayRouteTableId=rtb, TransitGatewayAttachmentId=a1)
    ec2(A).enable_transit_gateway_route_table_propagation(TransitGatewayRouteTableId=rtb, TransitGatewayAttachmentId=a1)
    ec2(A).enable_transit_gateway_route_table_propagation(TransitGatewayRouteTableId=rtb, TransitGatewayAttachmentId=a2)

    def search(*filters):
        fs = [{"Name": n, "Values": [v]} for n, v in filters] or [{"Name": "state", "Values": ["active", "blackhole"]}]
        return [(r["DestinationCidrBlock"], r["Type"], r["State"]) for r in
                ec2(A).search_transit_gateway_routes(TransitGatewayRouteTableId=rtb, Filters=fs)["Routes"]]
    # 10.1.0.0/20 overlaps the propagated 10.1.0.0/16: not installed.
    assert search() == [("10.1.0.0/16", "propagated", "active")]
    ec2(A).create_transit_gateway_route(TransitGatewayRouteTableId=rtb, DestinationCidrBlock="10.9.0.0/16", Blackhole=True)
    ec2(A).create_transit_gateway_route(TransitGatewayRouteTableId=rtb, DestinationCidrBlock="10.1.0.0/20",
                                        TransitGatewayAttachmentId=a2)
    raises("RouteAlreadyExists", ec2(A).create_transit_gateway_route, TransitGatewayRouteTableId=rtb,
           DestinationCidrBlock="10.9.0.0/16", Blackhole=True)
    assert search(("state", "blackhole")) == [("10.9.0.0/16", "static", "blackhole")]
    assert search(("route-search.exact-match", "10.1.0.0/20")) == [("10.1.0.0/20", "static", "active")]
    assert search(("route-search.longest-prefix-match", "10.1.2.3/32")) == [("10.1.0.0/20", "static", "active")]
    ec2(A).replace_transit_gateway_route(TransitGatewayRouteTableId=rtb, DestinationCidrBlock="10.9.0.0/16",
                                         TransitGatewayAttachmentId=a1)
    assert search(("route-search.exact-match", "10.9.0.0/16")) == [("10.9.0.0/16", "static", "active")]
    ec2(A).delete_transit_gateway_route(TransitGatewayRouteTableId=rtb, DestinationCidrBlock="10.9.0.0/16")
    ec2(A).disable_transit_gateway_route_table_propagation(TransitGatewayRouteTableId=rtb, TransitGatewayAttachmentId=a1)
    # With the /16 gone, the /20 propagates, but the static /20 wins.
    assert search() == [("10.1.0.0/20", "static", "active")]
    raises("IncorrectState", ec2(A).delete_transit_gateway_route_table, TransitGatewayRouteTableId=rtb)
    ec2(A).disassociate_transit_gateway_route_table(TransitGatewayRouteTableId=rtb, TransitGatewayAttachmentId=a1)
    ec2(A).delete_transit_gateway_route_table(TransitGatewayRouteTableId=rtb)


def test_modify_attachment_subnets(ec2, server):
    t = create_tgw(ec2)
    vpc, subnets, _ = network(ec2(A), "10.1.0.0/16", zones=("a", "b", "c"))
    aid = attach(ec2(A), t["TransitGatewayId"], vpc, subnets[:1])["TransitGatewayAttachmentId"]
    ec2(A).modify_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=aid, AddSubnetIds=subnets[1:],
                                                 RemoveSubnetIds=subnets[:1])
    assert sorted(vpc_att(ec2(A), aid)["SubnetIds"]) == sorted(subnets[1:])
    assert sorted(e["subnet_id"] for e in enis(server, vpc)) == sorted(subnets[1:])
    raises("InvalidParameterValue", ec2(A).modify_transit_gateway_vpc_attachment, TransitGatewayAttachmentId=aid,
           RemoveSubnetIds=subnets[:1])


def test_cli_shapes(ec2, aws):
    out = aws(A, "ec2", "create-transit-gateway", "--description", "cli",
              "--options", "AutoAcceptSharedAttachments=disable,DefaultRouteTableAssociation=enable,DefaultRouteTablePropagation=enable",
              "--tag-specifications", "ResourceType=transit-gateway,Tags=[{Key=Name,Value=cli}]")["TransitGateway"]
    assert out["Tags"] == [{"Key": "Name", "Value": "cli"}]
    vpc, subnets, _ = network(ec2(A), "10.1.0.0/16")
    att = aws(A, "ec2", "create-transit-gateway-vpc-attachment", "--transit-gateway-id", out["TransitGatewayId"],
              "--vpc-id", vpc, "--subnet-ids", *subnets)["TransitGatewayVpcAttachment"]
    assert sorted(att["SubnetIds"]) == sorted(subnets)
    with pytest.raises(CliError) as e:
        aws(A, "ec2", "delete-transit-gateway", "--transit-gateway-id", out["TransitGatewayId"])
    assert e.value.code == "IncorrectState"
