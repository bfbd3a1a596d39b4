"""Account and region isolation: another account gets NotFound for every
kind of resource of A's, as AWS answers, and A's own view of another region
is empty."""
import pytest
from botocore.exceptions import ClientError

from conftest import A, B, C, error_code


@pytest.fixture
def world(ec2):
    """One of each kind of A's resources in us-east-1."""
    c = ec2(A)
    vpc = c.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnet = c.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
    rtb = c.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    igw = c.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    c.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    sg = c.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    c.create_tags(Resources=[vpc, subnet], Tags=[{"Key": "team", "Value": "a"}])
    return dict(vpc=vpc, subnet=subnet, rtb=rtb, igw=igw, sg=sg)


# (describe call, id parameter, which id, key of the result list, AWS's code)
DESCRIBES = [
    ("describe_vpcs", "VpcIds", "vpc", "Vpcs", "InvalidVpcID.NotFound"),
    ("describe_subnets", "SubnetIds", "subnet", "Subnets", "InvalidSubnetID.NotFound"),
    ("describe_route_tables", "RouteTableIds", "rtb", "RouteTables", "InvalidRouteTableID.NotFound"),
    ("describe_internet_gateways", "InternetGatewayIds", "igw", "InternetGateways",
     "InvalidInternetGatewayID.NotFound"),
    ("describe_security_groups", "GroupIds", "sg", "SecurityGroups", "InvalidGroup.NotFound"),
]


def assert_not_found(call, code, **kw):
    with pytest.raises(ClientError) as e:
        call(**kw)
    assert error_code(e) == code, (call, kw)


@pytest.mark.parametrize("other", [B, C])
def test_other_accounts_get_not_found_for_every_kind(ec2, world, other):
    c = ec2(other)
    for method, param, key, _, code in DESCRIBES:
        assert_not_found(getattr(c, method), code, **{param: [world[key]]})
    assert_not_found(c.delete_vpc, "InvalidVpcID.NotFound", VpcId=world["vpc"])
    assert_not_found(c.delete_subnet, "InvalidSubnetID.NotFound", SubnetId=world["subnet"])
    assert_not_found(c.create_subnet, "InvalidVpcID.NotFound", VpcId=world["vpc"], CidrBlock="10.1.2.0/24")
    assert_not_found(c.delete_route_table, "InvalidRouteTableID.NotFound", RouteTableId=world["rtb"])
    assert_not_found(c.create_route, "InvalidRouteTableID.NotFound", RouteTableId=world["rtb"],
                     DestinationCidrBlock="0.0.0.0/0", GatewayId=world["igw"])
    assert_not_found(c.delete_internet_gateway, "InvalidInternetGatewayID.NotFound",
                     InternetGatewayId=world["igw"])
    assert_not_found(c.delete_security_group, "InvalidGroup.NotFound", GroupId=world["sg"])
    assert_not_found(c.authorize_security_group_ingress, "InvalidGroup.NotFound", GroupId=world["sg"],
                     IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                                     "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    # Unfiltered listings show none of A's resources.
    mine = set(world.values())
    for method, _, _, result, _ in DESCRIBES:
        listed = getattr(c, method)()[result]
        assert not mine & {str(v) for item in listed for v in item.values()}, method
    assert c.describe_tags()["Tags"] == []
    # And A's resources are untouched by the attempts.
    assert ec2(A).describe_subnets(SubnetIds=[world["subnet"]])["Subnets"][0]["Tags"] == [
        {"Key": "team", "Value": "a"}]


@pytest.mark.empty_accounts
def test_same_account_other_region_is_empty(ec2, world):
    c = ec2(A, "eu-west-1")
    for method, param, key, result, code in DESCRIBES:
        assert_not_found(getattr(c, method), code, **{param: [world[key]]})
        listed = getattr(c, method)()[result]
        assert not set(world.values()) & {str(v) for item in listed for v in item.values()}, method
    assert c.describe_vpcs()["Vpcs"] == []
    assert c.describe_subnets()["Subnets"] == []
    assert c.describe_tags()["Tags"] == []
    # Ids are global in AWS: the same CIDR in another region is a new VPC.
    other = c.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    assert other != world["vpc"]
    assert [v["VpcId"] for v in ec2(A).describe_vpcs()["Vpcs"]] == [world["vpc"]]


def test_peering_is_invisible_to_non_participants(ec2):
    a_vpc = ec2(A).create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    b_vpc = ec2(B).create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    pcx = ec2(A).create_vpc_peering_connection(VpcId=a_vpc, PeerVpcId=b_vpc, PeerOwnerId=B)[
        "VpcPeeringConnection"]["VpcPeeringConnectionId"]
    c = ec2(C)
    code = "InvalidVpcPeeringConnectionID.NotFound"
    assert_not_found(c.describe_vpc_peering_connections, code, VpcPeeringConnectionIds=[pcx])
    assert_not_found(c.accept_vpc_peering_connection, code, VpcPeeringConnectionId=pcx)
    assert_not_found(c.delete_vpc_peering_connection, code, VpcPeeringConnectionId=pcx)
    assert c.describe_vpc_peering_connections()["VpcPeeringConnections"] == []
    assert ec2(A, "eu-west-1").describe_vpc_peering_connections()["VpcPeeringConnections"] == []
    # Both participants see it; it is still pending for the accepter.
    assert ec2(B).describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])[
        "VpcPeeringConnections"][0]["Status"]["Code"] == "pending-acceptance"


def test_load_balancers_and_endpoint_services_are_the_owners(ec2, elbv2):
    c = ec2(A)
    vpc = c.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnet = c.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
    lb = elbv2(A).create_load_balancer(Name="nlb", Type="network", Scheme="internal", Subnets=[subnet])[
        "LoadBalancers"][0]["LoadBalancerArn"]
    tg = elbv2(A).create_target_group(Name="tg", Protocol="TCP", Port=80, VpcId=vpc, TargetType="ip")[
        "TargetGroups"][0]["TargetGroupArn"]
    svc = c.create_vpc_endpoint_service_configuration(NetworkLoadBalancerArns=[lb], AcceptanceRequired=True)[
        "ServiceConfiguration"]["ServiceId"]
    for other in (B, C):
        lbs = elbv2(other)
        assert_not_found(lbs.describe_load_balancers, "LoadBalancerNotFound", LoadBalancerArns=[lb])
        lbs.delete_load_balancer(LoadBalancerArn=lb)  # AWS: deleting an unknown ARN succeeds, changing nothing
        assert_not_found(lbs.describe_target_groups, "TargetGroupNotFound", TargetGroupArns=[tg])
        assert lbs.describe_load_balancers()["LoadBalancers"] == []
        assert_not_found(ec2(other).describe_vpc_endpoint_service_configurations,
                         "InvalidVpcEndpointServiceId.NotFound", ServiceIds=[svc])
        assert ec2(other).describe_vpc_endpoint_service_configurations()["ServiceConfigurations"] == []
    assert elbv2(A, "eu-west-1").describe_load_balancers()["LoadBalancers"] == []
    assert [x["LoadBalancerArn"] for x in elbv2(A).describe_load_balancers()["LoadBalancers"]] == [lb]
