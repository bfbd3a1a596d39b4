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
