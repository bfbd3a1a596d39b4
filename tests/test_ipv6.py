"""IPv6 through boto3: Amazon-provided VPC blocks and what comes with them
(ACL rules, the default group's egress, local routes), IPv6 routes and ACL
entries, canonical forms, and AWS's codes for what is refused.
"""
import ipaddress

import pytest
from botocore.exceptions import ClientError

from conftest import A, B, error_code

DOC = ipaddress.ip_network("2001:db8::/32")


def ipv6_blocks(vpc):
    return [a["Ipv6CidrBlock"] for a in vpc.get("Ipv6CidrBlockAssociationSet", [])]


def test_amazon_provided_blocks_are_documentation_56s(ec2):
    a, b = ec2(A), ec2(B, "eu-west-1")
    v1 = a.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    v2 = b.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    blocks = [ipaddress.ip_network(ipv6_blocks(v)[0]) for v in (v1, v2)]
    for n in blocks:
        assert n.prefixlen == 56 and n.subnet_of(DOC), n
    assert blocks[0] != blocks[1], "two accounts never share a block"
    assoc = v1["Ipv6CidrBlockAssociationSet"][0]
    assert assoc["AssociationId"].startswith("vpc-cidr-assoc-")
    assert assoc["NetworkBorderGroup"] == "us-east-1"
    assert assoc["Ipv6Pool"] == "Amazon"
    # Describe shows the same association, associated.
    d = a.describe_vpcs(VpcIds=[v1["VpcId"]])["Vpcs"][0]["Ipv6CidrBlockAssociationSet"]
    assert [(x["Ipv6CidrBlock"], x["Ipv6CidrBlockState"]["State"]) for x in d] == [(str(blocks[0]), "associated")]
    # And the filters find it.
    f = [{"Name": "ipv6-cidr-block-association.ipv6-cidr-block", "Values": [str(blocks[0])]}]
    assert [v["VpcId"] for v in a.describe_vpcs(Filters=f)["Vpcs"]] == [v1["VpcId"]]
    # An IPv4-only VPC lists no IPv6 association.
    v3 = a.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]
    assert ipv6_blocks(v3) == []


def test_a_new_ipv6_vpc_gets_ipv6_defaults(ec2):
    c = ec2(A)
    vid = c.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]["VpcId"]
    vpc_filter = [{"Name": "vpc-id", "Values": [vid]}]
    sg = c.describe_security_groups(Filters=vpc_filter + [{"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]
    egress6 = [r for p in sg["IpPermissionsEgress"] for r in p.get("Ipv6Ranges", [])]
    assert [r["CidrIpv6"] for r in egress6] == ["::/0"]
    main = c.describe_route_tables(Filters=vpc_filter)["RouteTables"][0]
    assert len(main["Routes"]) == 2, "a local route for each block"
    acl = c.describe_network_acls(Filters=vpc_filter)["NetworkAcls"][0]
    six = sorted((e["Egress"], e["RuleNumber"], e["RuleAction"]) for e in acl["Entries"] if e.get("Ipv6CidrBlock") == "::/0")
    assert six == [(False, 101, "allow"), (False, 32768, "deny"), (True, 101, "allow"), (True, 32768, "deny")]
    assert all("CidrBlock" not in e for e in acl["Entries"] if "Ipv6CidrBlock" in e)


def test_ipv6_network_acl_entries(ec2):
    """The VPC module's default rules always include ::/0 entries."""
    c = ec2(A)
    vid = c.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    acl = c.create_network_acl(VpcId=vid)["NetworkAcl"]["NetworkAclId"]
    c.create_network_acl_entry(NetworkAclId=acl, RuleNumber=101, Protocol="-1", RuleAction="allow", Egress=False, Ipv6CidrBlock="::/0")
    c.create_network_acl_entry(NetworkAclId=acl, RuleNumber=102, Protocol="58", RuleAction="allow", Egress=True,
                               Ipv6CidrBlock="2001:db8:1234:1a00::7/56", IcmpTypeCode={"Type": 128, "Code": -1})
    entries = {(e["Egress"], e["RuleNumber"]): e for e in c.describe_network_acls(NetworkAclIds=[acl])["NetworkAcls"][0]["Entries"]}
    assert entries[(False, 101)]["Ipv6CidrBlock"] == "::/0" and "CidrBlock" not in entries[(False, 101)]
    assert entries[(True, 102)]["Ipv6CidrBlock"] == "2001:db8:1234:1a00::/56"
    assert entries[(True, 102)]["IcmpTypeCode"] == {"Type": 128, "Code": -1}
    # Rule numbers are shared by both families.
    with pytest.raises(ClientError) as e:
        c.create_network_acl_entry(NetworkAclId=acl, RuleNumber=101, Protocol="-1", RuleAction="allow", Egress=False, CidrBlock="0.0.0.0/0")
    assert error_code(e) == "NetworkAclEntryAlreadyExists"
    with pytest.raises(ClientError) as e:
        c.create_network_acl_entry(NetworkAclId=acl, RuleNumber=103, Protocol="-1", RuleAction="allow", Egress=False,
                                   CidrBlock="0.0.0.0/0", Ipv6CidrBlock="::/0")
    assert error_code(e) == "InvalidParameterCombination"
    f = [{"Name": "entry.ipv6-cidr", "Values": ["::/0"]}]
    assert [a["NetworkAclId"] for a in c.describe_network_acls(Filters=f)["NetworkAcls"]] == [acl]


def test_associate_later_and_disassociate(ec2):
    c = ec2(A)
    vid = c.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    out = c.associate_vpc_cidr_block(VpcId=vid, AmazonProvidedIpv6CidrBlock=True)
    assoc = out["Ipv6CidrBlockAssociation"]
    assert out["VpcId"] == vid and "CidrBlockAssociation" not in out
    assert assoc["Ipv6CidrBlockState"]["State"] == "associating"
    assert ipaddress.ip_network(assoc["Ipv6CidrBlock"]).subnet_of(DOC)
    # One Amazon-provided block per network border group.
    with pytest.raises(ClientError) as e:
        c.associate_vpc_cidr_block(VpcId=vid, AmazonProvidedIpv6CidrBlock=True)
    assert error_code(e) == "CidrLimitExceeded"
    # Another account's VPC is not found.
    with pytest.raises(ClientError) as e:
        ec2(B).associate_vpc_cidr_block(VpcId=vid, AmazonProvidedIpv6CidrBlock=True)
    assert error_code(e) == "InvalidVpcID.NotFound"
    gone = c.disassociate_vpc_cidr_block(AssociationId=assoc["AssociationId"])
    assert gone["Ipv6CidrBlockAssociation"]["Ipv6CidrBlockState"]["State"] == "disassociating"
    assert "CidrBlockAssociation" not in gone
    assert ipv6_blocks(c.describe_vpcs(VpcIds=[vid])["Vpcs"][0]) == []
    with pytest.raises(ClientError) as e:
        c.disassociate_vpc_cidr_block(AssociationId=assoc["AssociationId"])
    assert error_code(e) == "InvalidVpcCidrBlockAssociationID.NotFound"


def test_pools_xvpc_does_not_hold_are_refused(ec2):
    c = ec2(A)
    with pytest.raises(ClientError) as e:
        c.create_vpc(CidrBlock="10.0.0.0/16", Ipv6CidrBlock="2001:db8::/56")
    assert error_code(e) == "MissingParameter"
    with pytest.raises(ClientError) as e:
        c.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True, Ipv6CidrBlockNetworkBorderGroup="us-west-2-lax-1")
    assert error_code(e) == "InvalidParameterValue"
    with pytest.raises(ClientError) as e:
        c.create_vpc(CidrBlock="10.0.0.0/16", Ipv6CidrBlockNetworkBorderGroup="us-east-1")
    assert error_code(e) == "InvalidParameterCombination"
    assert c.describe_vpcs()["Vpcs"] == []


def test_ipv6_routes(ec2):
    c = ec2(A)
    vpc = c.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    vid, block = vpc["VpcId"], ipv6_blocks(vpc)[0]
    rtb = c.create_route_table(VpcId=vid)["RouteTable"]
    local = [r for r in rtb["Routes"] if r.get("DestinationIpv6CidrBlock")]
    assert [(r["DestinationIpv6CidrBlock"], r["GatewayId"]) for r in local] == [(block, "local")]
    rid = rtb["RouteTableId"]
    igw = c.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    c.attach_internet_gateway(InternetGatewayId=igw, VpcId=vid)
    # Canonical form, as for IPv4.
    c.create_route(RouteTableId=rid, DestinationIpv6CidrBlock="2600::1/16", GatewayId=igw)
    routes = c.describe_route_tables(RouteTableIds=[rid])["RouteTables"][0]["Routes"]
    six = {r["DestinationIpv6CidrBlock"]: r for r in routes if "DestinationIpv6CidrBlock" in r}
    assert six["2600::/16"]["GatewayId"] == igw and six["2600::/16"]["State"] == "active"
    assert "DestinationCidrBlock" not in six["2600::/16"]
    with pytest.raises(ClientError) as e:
        c.create_route(RouteTableId=rid, DestinationIpv6CidrBlock="2600::/16", GatewayId=igw)
    assert error_code(e) == "RouteAlreadyExists"
    with pytest.raises(ClientError) as e:
        c.create_route(RouteTableId=rid, DestinationIpv6CidrBlock="2600::/16", DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    assert error_code(e) == "InvalidParameterCombination"
    f = [{"Name": "route.destination-ipv6-cidr-block", "Values": ["2600::/16"]}]
    assert [t["RouteTableId"] for t in c.describe_route_tables(Filters=f)["RouteTables"]] == [rid]
    c.delete_route(RouteTableId=rid, DestinationIpv6CidrBlock="2600::/16")
    # The local route of the /56 cannot go.
    with pytest.raises(ClientError) as e:
        c.delete_route(RouteTableId=rid, DestinationIpv6CidrBlock=block)
    assert error_code(e) == "InvalidParameterValue"
