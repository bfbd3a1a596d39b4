"""VPC and subnet attributes and secondary IPv4 blocks through boto3, with
AWS's codes: ModifyVpcAttribute/DescribeVpcAttribute (one attribute per
call, DNS hostnames need DNS support, network address usage metrics),
ModifySubnetAttribute's Outposts-only attributes, and AssociateVpcCidrBlock's
restrictions (the allowed ranges table, overlap, routes' destinations, the
quota of 5, the primary block, subnets) and what secondary blocks carry.
"""
import pytest
from botocore.exceptions import ClientError

from conftest import A, error_code
from test_reach import instance, trace


def attribute(c, vpc, name):
    return c.describe_vpc_attribute(VpcId=vpc, Attribute=name)[name[0].upper() + name[1:]]["Value"]


def refused(code, fn, **kw):
    with pytest.raises(ClientError) as e:
        fn(**kw)
    assert error_code(e) == code, e.value
    return str(e.value)


def test_vpc_attributes_one_per_call(ec2):
    c = ec2(A)
    vpc = c.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    assert (attribute(c, vpc, "enableDnsSupport"), attribute(c, vpc, "enableDnsHostnames")) == (True, False)
    assert attribute(c, vpc, "enableNetworkAddressUsageMetrics") is False
    c.modify_vpc_attribute(VpcId=vpc, EnableNetworkAddressUsageMetrics={"Value": True})
    assert attribute(c, vpc, "enableNetworkAddressUsageMetrics") is True
    c.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    assert attribute(c, vpc, "enableDnsHostnames") is True
    # DNS hostnames need DNS support.
    refused("InvalidParameterCombination", c.modify_vpc_attribute, VpcId=vpc, EnableDnsSupport={"Value": False})
    refused("InvalidParameterCombination", c.modify_vpc_attribute, VpcId=vpc,
            EnableDnsSupport={"Value": True}, EnableNetworkAddressUsageMetrics={"Value": False})
    refused("MissingParameter", c.modify_vpc_attribute, VpcId=vpc)
    refused("InvalidVpcID.NotFound", c.modify_vpc_attribute, VpcId="vpc-0123456789abcdef0", EnableDnsSupport={"Value": True})
    c.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": False})
    c.modify_vpc_attribute(VpcId=vpc, EnableDnsSupport={"Value": False})
    assert attribute(c, vpc, "enableDnsSupport") is False
    refused("InvalidParameterCombination", c.modify_vpc_attribute, VpcId=vpc, EnableDnsHostnames={"Value": True})


def test_subnet_outposts_attributes_are_refused_outside_an_outpost(ec2):
    c = ec2(A)
    vpc = c.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    sn = c.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    # The values every subnet outside an Outpost has are accepted.
    c.modify_subnet_attribute(SubnetId=sn, MapCustomerOwnedIpOnLaunch={"Value": False})
    c.modify_subnet_attribute(SubnetId=sn, DisableLniAtDeviceIndex={"Value": False})
    # The flag and its pool go together.
    refused("MissingParameter", c.modify_subnet_attribute, SubnetId=sn, MapCustomerOwnedIpOnLaunch={"Value": True})
    refused("MissingParameter", c.modify_subnet_attribute, SubnetId=sn, CustomerOwnedIpv4Pool="ipv4pool-coip-0123456789abcdef0")
    msg = refused("InvalidParameterValue", c.modify_subnet_attribute, SubnetId=sn,
                  MapCustomerOwnedIpOnLaunch={"Value": True}, CustomerOwnedIpv4Pool="ipv4pool-coip-0123456789abcdef0")
    assert "Outpost" in msg
    refused("InvalidParameterValue", c.modify_subnet_attribute, SubnetId=sn, EnableLniAtDeviceIndex=1)
    refused("InvalidParameterValue", c.modify_subnet_attribute, SubnetId=sn, EnableLniAtDeviceIndex=0)
    refused("InvalidParameterValue", c.modify_subnet_attribute, SubnetId=sn, DisableLniAtDeviceIndex={"Value": True})
    refused("InvalidParameterCombination", c.modify_subnet_attribute, SubnetId=sn,
            MapPublicIpOnLaunch={"Value": True}, EnableDns64={"Value": True})
    s = c.describe_subnets(SubnetIds=[sn])["Subnets"][0]
    assert s["MapCustomerOwnedIpOnLaunch"] is False and "EnableLniAtDeviceIndex" not in s


def test_secondary_blocks_follow_the_allowed_ranges_table(ec2):
    c = ec2(A)
    ten = c.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    for ok in ["10.1.0.0/16", "100.64.0.0/16", "52.94.0.0/20"]:
        a = c.associate_vpc_cidr_block(VpcId=ten, CidrBlock=ok)["CidrBlockAssociation"]
        assert a["CidrBlock"] == ok and a["CidrBlockState"]["State"] == "associating"
    for bad in ["172.16.0.0/16", "192.168.0.0/16", "198.19.0.0/16"]:
        msg = refused("InvalidVpc.Range", c.associate_vpc_cidr_block, VpcId=ten, CidrBlock=bad)
        assert f"The CIDR '{bad}' is restricted" in msg
    public = c.create_vpc(CidrBlock="52.95.0.0/16")["Vpc"]["VpcId"]
    refused("InvalidVpc.Range", c.associate_vpc_cidr_block, VpcId=public, CidrBlock="10.0.0.0/16")
    c.associate_vpc_cidr_block(VpcId=public, CidrBlock="100.64.0.0/16")
    one72 = c.create_vpc(CidrBlock="172.20.0.0/16")["Vpc"]["VpcId"]
    refused("InvalidVpc.Range", c.associate_vpc_cidr_block, VpcId=one72, CidrBlock="172.31.0.0/16")
    c.associate_vpc_cidr_block(VpcId=one72, CidrBlock="172.21.0.0/16")


def test_secondary_block_rules_quota_primary_and_subnets(ec2):
    c = ec2(A)
    vpc = c.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    refused("InvalidVpc.Range", c.associate_vpc_cidr_block, VpcId=vpc, CidrBlock="10.0.128.0/17")  # overlaps
    refused("InvalidVpc.Range", c.associate_vpc_cidr_block, VpcId=vpc, CidrBlock="10.1.0.0/15")  # larger than /16
    refused("InvalidVpc.Range", c.associate_vpc_cidr_block, VpcId=vpc, CidrBlock="10.1.0.0/29")
    # Canonical form, as for CreateVpc.
    a = c.associate_vpc_cidr_block(VpcId=vpc, CidrBlock="10.1.0.9/16")["CidrBlockAssociation"]
    assert a["CidrBlock"] == "10.1.0.0/16"
    for i in (2, 3, 4):
        c.associate_vpc_cidr_block(VpcId=vpc, CidrBlock=f"10.{i}.0.0/16")
    refused("CidrLimitExceeded", c.associate_vpc_cidr_block, VpcId=vpc, CidrBlock="10.5.0.0/16")
    v = c.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]
    blocks = {x["CidrBlock"]: x for x in v["CidrBlockAssociationSet"]}
    assert sorted(blocks) == [f"10.{i}.0.0/16" for i in range(5)]
    assert {x["CidrBlockState"]["State"] for x in blocks.values()} == {"associated"}
    assert v["CidrBlock"] == "10.0.0.0/16"
    f = [{"Name": "cidr-block-association.cidr-block", "Values": ["10.3.0.0/16"]}]
    assert [x["VpcId"] for x in c.describe_vpcs(Filters=f)["Vpcs"]] == [vpc]
    refused("OperationNotPermitted", c.disassociate_vpc_cidr_block, AssociationId=blocks["10.0.0.0/16"]["AssociationId"])
    # A subnet in a secondary block keeps it.
    sn = c.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
    refused("DependencyViolation", c.disassociate_vpc_cidr_block, AssociationId=blocks["10.1.0.0/16"]["AssociationId"])
    c.delete_subnet(SubnetId=sn)
    d = c.disassociate_vpc_cidr_block(AssociationId=blocks["10.1.0.0/16"]["AssociationId"])
    assert d["CidrBlockAssociation"]["CidrBlockState"]["State"] == "disassociating"
    refused("InvalidVpcCidrBlockAssociationID.NotFound", c.disassociate_vpc_cidr_block, AssociationId=blocks["10.1.0.0/16"]["AssociationId"])
    # Its subnets' block is no longer in the VPC.
    refused("InvalidSubnet.Range", c.create_subnet, VpcId=vpc, CidrBlock="10.1.1.0/24")


def test_a_block_may_not_swallow_a_route_destination(ec2):
    c = ec2(A)
    vpc = c.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    igw = c.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    c.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    rt = c.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][0]["RouteTableId"]
    c.create_route(RouteTableId=rt, DestinationCidrBlock="10.4.0.0/24", GatewayId=igw)
    msg = refused("InvalidVpc.Range", c.associate_vpc_cidr_block, VpcId=vpc, CidrBlock="10.4.0.0/16")
    assert rt in msg
    # A more specific block is allowed: its local route wins.
    c.associate_vpc_cidr_block(VpcId=vpc, CidrBlock="10.4.0.0/25")
    routes = c.describe_route_tables(RouteTableIds=[rt])["RouteTables"][0]["Routes"]
    assert {r["DestinationCidrBlock"] for r in routes if r.get("GatewayId") == "local"} == {"10.2.0.0/16", "10.4.0.0/25"}


def test_subnets_in_a_secondary_block_reach_the_primary_through_the_local_route(server, ec2):
    c = ec2(A)
    vpc = c.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    c.associate_vpc_cidr_block(VpcId=vpc, CidrBlock="10.1.0.0/16")
    s1 = c.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    s2 = c.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
    sg = c.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    c.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "10.1.0.0/16"}]}])
    web, client = instance(ec2, A, s1, sg), instance(ec2, A, s2, sg)
    rc, a = trace(server, client, web)
    assert rc == 0 and a["reachable"], a["blockers"]
