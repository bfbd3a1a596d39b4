"""Route tables, routes, associations and internet gateways (boto3 + CLI)."""
import pytest
from botocore.exceptions import ClientError

from conftest import A, B, CliError, error_code


def vpc_with_subnets(c, cidr="10.1.0.0/16", n=2):
    vpc = c.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    base = cidr.split(".")
    subnets = [c.create_subnet(VpcId=vpc, CidrBlock=f"{base[0]}.{base[1]}.{i + 1}.0/24")["Subnet"]["SubnetId"] for i in range(n)]
    return vpc, subnets


def raises(code, f, *a, **kw):
    with pytest.raises(ClientError) as e:
        f(*a, **kw)
    assert error_code(e) == code, e.value
    return e.value


def test_main_table_and_local_route(ec2):
    c = ec2(A)
    vpc, _ = vpc_with_subnets(c)
    main = c.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                            {"Name": "association.main", "Values": ["true"]}])["RouteTables"]
    assert len(main) == 1
    rt = main[0]
    assert rt["Associations"][0]["Main"] is True
    assert rt["Routes"] == [{"DestinationCidrBlock": "10.1.0.0/16", "GatewayId": "local",
                             "Origin": "CreateRouteTable", "State": "active"}]
    raises("InvalidParameterValue", c.delete_route, RouteTableId=rt["RouteTableId"], DestinationCidrBlock="10.1.0.0/16")
    raises("DependencyViolation", c.delete_route_table, RouteTableId=rt["RouteTableId"])
    # local routes follow secondary CIDRs
    c.associate_vpc_cidr_block(VpcId=vpc, CidrBlock="10.2.0.0/16")
    rt = c.describe_route_tables(RouteTableIds=[rt["RouteTableId"]])["RouteTables"][0]
    assert sorted(r["DestinationCidrBlock"] for r in rt["Routes"]) == ["10.1.0.0/16", "10.2.0.0/16"]


@pytest.mark.empty_accounts
def test_routes_to_igw_and_rules(ec2):
    c = ec2(A)
    vpc, subnets = vpc_with_subnets(c)
    rtb = c.create_route_table(VpcId=vpc, TagSpecifications=[
        {"ResourceType": "route-table", "Tags": [{"Key": "Name", "Value": "pub"}]}])["RouteTable"]
    assert rtb["Tags"] == [{"Key": "Name", "Value": "pub"}]
    rid = rtb["RouteTableId"]
    igw = c.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    # Not attached yet: belongs to a different network.
    raises("InvalidParameterValue", c.create_route, RouteTableId=rid, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    c.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    c.create_route(RouteTableId=rid, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    raises("RouteAlreadyExists", c.create_route, RouteTableId=rid, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    raises("RouteAlreadyExists", c.create_route, RouteTableId=rid, DestinationCidrBlock="10.1.0.0/16", GatewayId=igw)
    # More specific than the VPC block: only interface targets.
    raises("InvalidParameterValue", c.create_route, RouteTableId=rid, DestinationCidrBlock="10.1.5.0/24", GatewayId=igw)
    # Host bits are dropped (canonical form), so this is 10.9.0.0/16: accepted.
    c.create_route(RouteTableId=rid, DestinationCidrBlock="10.9.0.1/16", GatewayId=igw)
    raises("RouteAlreadyExists", c.create_route, RouteTableId=rid, DestinationCidrBlock="10.9.0.0/16", GatewayId=igw)
    c.delete_route(RouteTableId=rid, DestinationCidrBlock="10.9.0.0/16")
    raises("InvalidParameterValue", c.create_route, RouteTableId=rid, DestinationCidrBlock="10.9.0.1", GatewayId=igw)
    raises("InvalidGatewayID.NotFound", c.create_route, RouteTableId=rid, DestinationCidrBlock="8.8.0.0/16",
           GatewayId="igw-0123456789abcdef0")
    raises("InvalidRoute.NotFound", c.delete_route, RouteTableId=rid, DestinationCidrBlock="8.8.0.0/16")
    raises("InvalidParameterValue", c.replace_route, RouteTableId=rid, DestinationCidrBlock="10.1.0.0/16", GatewayId=igw)
    # pcx / tgw targets are stored (their helpers validate them). A TGW
    # target needs the VPC's attachment; once it is gone the route is a blackhole.
    raises("InvalidVpcPeeringConnectionID.NotFound", c.create_route, RouteTableId=rid, DestinationCidrBlock="172.16.0.0/12",
           VpcPeeringConnectionId="pcx-0123456789abcdef0")
    peer = c.create_vpc(CidrBlock="172.16.0.0/16")["Vpc"]["VpcId"]
    pcx = c.create_vpc_peering_connection(VpcId=vpc, PeerVpcId=peer)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    c.create_route(RouteTableId=rid, DestinationCidrBlock="172.16.0.0/12", VpcPeeringConnectionId=pcx)
    tgw = c.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    raises("InvalidTransitGatewayID.NotFound", c.replace_route, RouteTableId=rid, DestinationCidrBlock="172.16.0.0/12",
           TransitGatewayId=tgw)
    att = c.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=vpc, SubnetIds=subnets[:1])[
        "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    c.replace_route(RouteTableId=rid, DestinationCidrBlock="172.16.0.0/12", TransitGatewayId=tgw)
    c.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=att)
    t = c.describe_route_tables(RouteTableIds=[rid])["RouteTables"][0]
    by_dest = {r["DestinationCidrBlock"]: r for r in t["Routes"]}
    assert by_dest["0.0.0.0/0"] == {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw, "Origin": "CreateRoute", "State": "active"}
    assert by_dest["172.16.0.0/12"]["TransitGatewayId"] == tgw
    assert by_dest["172.16.0.0/12"]["State"] == "blackhole"
    # Filters.
    for f, v in [("route.gateway-id", igw), ("route.destination-cidr-block", "0.0.0.0/0"), ("route.state", "blackhole"),
                 ("route.transit-gateway-id", tgw), ("route.origin", "CreateRoute"), ("tag:Name", "pub")]:
        got = c.describe_route_tables(Filters=[{"Name": f, "Values": [v]}])["RouteTables"]
        assert [x["RouteTableId"] for x in got] == [rid], f
    raises("InvalidParameterValue", c.describe_route_tables, Filters=[{"Name": "bogus", "Values": ["x"]}])
    # IGW: detach turns the route into a blackhole; delete while attached refused.
    raises("DependencyViolation", c.delete_internet_gateway, InternetGatewayId=igw)
    raises("Resource.AlreadyAssociated", c.attach_internet_gateway, InternetGatewayId=igw, VpcId=vpc)
    c.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    raises("Gateway.NotAttached", c.detach_internet_gateway, InternetGatewayId=igw, VpcId=vpc)
    t = c.describe_route_tables(RouteTableIds=[rid])["RouteTables"][0]
    assert {r["DestinationCidrBlock"]: r["State"] for r in t["Routes"]}["0.0.0.0/0"] == "blackhole"
    c.delete_route(RouteTableId=rid, DestinationCidrBlock="0.0.0.0/0")
    c.delete_internet_gateway(InternetGatewayId=igw)
    raises("InvalidInternetGatewayID.NotFound", c.describe_internet_gateways, InternetGatewayIds=[igw])


def test_associations(ec2):
    c = ec2(A)
    vpc, (s1, s2) = vpc_with_subnets(c)
    other_vpc, (o1,) = vpc_with_subnets(c, "10.5.0.0/16", 1)
    rid = c.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    rid2 = c.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    a1 = c.associate_route_table(RouteTableId=rid, SubnetId=s1)
    assert a1["AssociationState"]["State"] == "associated"
    raises("Resource.AlreadyAssociated", c.associate_route_table, RouteTableId=rid2, SubnetId=s1)
    raises("InvalidParameterValue", c.associate_route_table, RouteTableId=rid, SubnetId=o1)
    got = c.describe_route_tables(Filters=[{"Name": "association.subnet-id", "Values": [s1]}])["RouteTables"]
    assert [x["RouteTableId"] for x in got] == [rid]
    raises("DependencyViolation", c.delete_route_table, RouteTableId=rid)
    # Move s1 to rid2.
    new = c.replace_route_table_association(AssociationId=a1["AssociationId"], RouteTableId=rid2)["NewAssociationId"]
    assert new != a1["AssociationId"]
    raises("InvalidAssociationID.NotFound", c.disassociate_route_table, AssociationId=a1["AssociationId"])
    c.disassociate_route_table(AssociationId=new)
    # Make rid the main table.
    main = c.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "association.main", "Values": ["true"]}])["RouteTables"][0]
    main_assoc = main["Associations"][0]["RouteTableAssociationId"]
    raises("InvalidParameterValue", c.disassociate_route_table, AssociationId=main_assoc)
    c.replace_route_table_association(AssociationId=main_assoc, RouteTableId=rid)
    now_main = c.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "association.main", "Values": ["true"]}])["RouteTables"]
    assert [x["RouteTableId"] for x in now_main] == [rid]
    c.delete_route_table(RouteTableId=main["RouteTableId"])  # no longer main, no associations
    c.delete_route_table(RouteTableId=rid2)
    # Subnets gone -> VPC deletes, taking its (new) main table along.
    for s in (s1, s2):
        c.delete_subnet(SubnetId=s)
    c.delete_vpc(VpcId=vpc)
    assert c.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"] == []


def test_vpc_delete_refused_with_custom_table(ec2):
    c = ec2(A)
    vpc = c.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    rid = c.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    raises("DependencyViolation", c.delete_vpc, VpcId=vpc)
    c.delete_route_table(RouteTableId=rid)
    c.delete_vpc(VpcId=vpc)


@pytest.mark.empty_accounts
def test_account_isolation(ec2, aws):
    a, b = ec2(A), ec2(B)
    vpc, (s1, _) = vpc_with_subnets(a)
    rid = a.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    igw = a.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    raises("InvalidRouteTableID.NotFound", b.describe_route_tables, RouteTableIds=[rid])
    raises("InvalidRouteTableID.NotFound", b.create_route, RouteTableId=rid, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    raises("InvalidRouteTableID.NotFound", b.delete_route_table, RouteTableId=rid)
    raises("InvalidInternetGatewayID.NotFound", b.delete_internet_gateway, InternetGatewayId=igw)
    assert b.describe_route_tables()["RouteTables"] == []
    with pytest.raises(CliError) as e:
        aws(B, "ec2", "associate-route-table", "--route-table-id", rid, "--subnet-id", s1)
    assert e.value.code == "InvalidRouteTableID.NotFound"
    raises("InvalidRouteTableId.Malformed", a.describe_route_tables, RouteTableIds=["rtb-zz"])


def test_cli_route_table_flow(aws):
    vpc = aws(A, "ec2", "create-vpc", "--cidr-block", "10.3.0.0/16")["Vpc"]["VpcId"]
    rid = aws(A, "ec2", "create-route-table", "--vpc-id", vpc)["RouteTable"]["RouteTableId"]
    igw = aws(A, "ec2", "create-internet-gateway")["InternetGateway"]["InternetGatewayId"]
    aws(A, "ec2", "attach-internet-gateway", "--internet-gateway-id", igw, "--vpc-id", vpc)
    assert aws(A, "ec2", "create-route", "--route-table-id", rid, "--destination-cidr-block", "0.0.0.0/0",
               "--gateway-id", igw)["Return"] is True
    gws = aws(A, "ec2", "describe-internet-gateways", "--filters", f"Name=attachment.vpc-id,Values={vpc}")["InternetGateways"]
    assert gws[0]["Attachments"] == [{"State": "available", "VpcId": vpc}]
    with pytest.raises(CliError) as e:
        aws(A, "ec2", "delete-route-table", "--route-table-id", "rtb-0123456789abcdef0")
    assert e.value.code == "InvalidRouteTableID.NotFound"
