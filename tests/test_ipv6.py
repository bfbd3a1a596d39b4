"""IPv6 through boto3: Amazon-provided VPC blocks and what comes with them
(ACL rules, the default group's egress, local routes), IPv6 routes and ACL
entries, canonical forms, and AWS's codes for what is refused.
"""
import ipaddress
import json
import shlex
import subprocess

import pytest
from botocore.exceptions import ClientError

from conftest import A, B, binary, error_code

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


@pytest.mark.empty_accounts
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


def test_dual_stack_subnets_and_interface_addresses(ec2):
    c = ec2(A)
    vpc = c.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    vid, block = vpc["VpcId"], ipaddress.ip_network(ipv6_blocks(vpc)[0])
    sixty_fours = list(block.subnets(new_prefix=64))
    sub = c.create_subnet(VpcId=vid, CidrBlock="10.0.1.0/24", Ipv6CidrBlock=str(sixty_fours[1]), AvailabilityZone="us-east-1a")["Subnet"]
    assoc = sub["Ipv6CidrBlockAssociationSet"][0]
    assert assoc["Ipv6CidrBlock"] == str(sixty_fours[1]) and assoc["AssociationId"].startswith("subnet-cidr-assoc-")
    sid = sub["SubnetId"]
    for bad, code in [(str(sixty_fours[1]), "InvalidSubnet.Conflict"), ("2001:db8:ffff:ff00::/64", "InvalidSubnet.Range"),
                      (str(list(block.subnets(new_prefix=60))[1]), "InvalidSubnet.Range"), ("nonsense", "InvalidParameterValue")]:
        with pytest.raises(ClientError) as e:
            c.create_subnet(VpcId=vid, CidrBlock="10.0.2.0/24", Ipv6CidrBlock=bad)
        assert error_code(e) == code, bad
    # AssignIpv6AddressOnCreation: interfaces and instances get an address.
    c.modify_subnet_attribute(SubnetId=sid, AssignIpv6AddressOnCreation={"Value": True})
    assert c.describe_subnets(SubnetIds=[sid])["Subnets"][0]["AssignIpv6AddressOnCreation"] is True
    eni = c.create_network_interface(SubnetId=sid)["NetworkInterface"]
    got = [a["Ipv6Address"] for a in eni["Ipv6Addresses"]]
    assert len(got) == 1 and ipaddress.ip_address(got[0]) in sixty_fours[1]
    inst = c.run_instances(ImageId="ami-1e749f67", MinCount=2, MaxCount=2, SubnetId=sid)["Instances"]
    addrs = [i["NetworkInterfaces"][0]["Ipv6Addresses"][0]["Ipv6Address"] for i in inst]
    assert len(set(addrs + got)) == 3, "every interface its own address"
    described = c.describe_instances(InstanceIds=[inst[0]["InstanceId"]])["Reservations"][0]["Instances"][0]
    assert described["Ipv6Address"] == addrs[0]
    # Explicit addresses and counts; taken and outside ones refused.
    two = c.create_network_interface(SubnetId=sid, Ipv6AddressCount=2)["NetworkInterface"]
    assert len(two["Ipv6Addresses"]) == 2
    wanted = str(sixty_fours[1][100])
    one = c.create_network_interface(SubnetId=sid, Ipv6Addresses=[{"Ipv6Address": wanted}])["NetworkInterface"]
    assert [a["Ipv6Address"] for a in one["Ipv6Addresses"]] == [wanted]
    with pytest.raises(ClientError) as e:
        c.create_network_interface(SubnetId=sid, Ipv6Addresses=[{"Ipv6Address": wanted}])
    assert error_code(e) == "InvalidIPAddress.InUse"
    with pytest.raises(ClientError) as e:
        c.assign_ipv6_addresses(NetworkInterfaceId=one["NetworkInterfaceId"], Ipv6Addresses=[str(sixty_fours[2][9])])
    assert error_code(e) == "InvalidParameterValue"
    more = c.assign_ipv6_addresses(NetworkInterfaceId=one["NetworkInterfaceId"], Ipv6AddressCount=1)["AssignedIpv6Addresses"]
    assert len(more) == 1
    f = [{"Name": "ipv6-addresses.ipv6-address", "Values": more}]
    assert [n["NetworkInterfaceId"] for n in c.describe_network_interfaces(Filters=f)["NetworkInterfaces"]] == [one["NetworkInterfaceId"]]
    c.unassign_ipv6_addresses(NetworkInterfaceId=one["NetworkInterfaceId"], Ipv6Addresses=more)
    # The subnet's block cannot go while interfaces use it.
    with pytest.raises(ClientError) as e:
        c.disassociate_subnet_cidr_block(AssociationId=assoc["AssociationId"])
    assert error_code(e) == "DependencyViolation"


def test_subnet_blocks_associate_later(ec2):
    c = ec2(A)
    vpc = c.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    block = ipaddress.ip_network(ipv6_blocks(vpc)[0])
    sid = c.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    sixty_four = str(next(block.subnets(new_prefix=64)))
    out = c.associate_subnet_cidr_block(SubnetId=sid, Ipv6CidrBlock=sixty_four)
    assert out["SubnetId"] == sid and out["Ipv6CidrBlockAssociation"]["Ipv6CidrBlockState"]["State"] == "associating"
    with pytest.raises(ClientError) as e:
        c.associate_subnet_cidr_block(SubnetId=sid, Ipv6CidrBlock=str(list(block.subnets(new_prefix=64))[1]))
    assert error_code(e) == "InvalidParameterValue"
    # The VPC's block cannot go while a subnet holds a /64 of it.
    with pytest.raises(ClientError) as e:
        c.disassociate_vpc_cidr_block(AssociationId=vpc["Ipv6CidrBlockAssociationSet"][0]["AssociationId"])
    assert error_code(e) == "DependencyViolation"
    aid = out["Ipv6CidrBlockAssociation"]["AssociationId"]
    gone = c.disassociate_subnet_cidr_block(AssociationId=aid)
    assert gone["Ipv6CidrBlockAssociation"]["Ipv6CidrBlockState"]["State"] == "disassociating"
    assert c.describe_subnets(SubnetIds=[sid])["Subnets"][0]["Ipv6CidrBlockAssociationSet"] == []
    with pytest.raises(ClientError) as e:
        c.disassociate_subnet_cidr_block(AssociationId=aid)
    assert error_code(e) == "InvalidSubnetCidrBlockAssociationID.NotFound"


def test_egress_only_internet_gateways(ec2):
    c = ec2(A)
    vid = c.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]["VpcId"]
    g = c.create_egress_only_internet_gateway(VpcId=vid, TagSpecifications=[
        {"ResourceType": "egress-only-internet-gateway", "Tags": [{"Key": "Name", "Value": "out"}]}])["EgressOnlyInternetGateway"]
    gid = g["EgressOnlyInternetGatewayId"]
    assert gid.startswith("eigw-") and g["Attachments"] == [{"State": "attached", "VpcId": vid}]
    with pytest.raises(ClientError) as e:
        c.create_egress_only_internet_gateway(VpcId=vid)
    assert error_code(e) == "Resource.AlreadyAssociated"
    found = c.describe_egress_only_internet_gateways(Filters=[{"Name": "tag:Name", "Values": ["out"]}])["EgressOnlyInternetGateways"]
    assert [x["EgressOnlyInternetGatewayId"] for x in found] == [gid]
    with pytest.raises(ClientError) as e:
        ec2(B).describe_egress_only_internet_gateways(EgressOnlyInternetGatewayIds=[gid])
    assert error_code(e) == "InvalidEgressOnlyInternetGatewayId.NotFound"
    with pytest.raises(ClientError) as e:
        c.delete_egress_only_internet_gateway(EgressOnlyInternetGatewayId="eigw-xyz")
    assert error_code(e) == "InvalidEgressOnlyInternetGatewayId.Malformed"
    rtb = c.create_route_table(VpcId=vid)["RouteTable"]["RouteTableId"]
    c.create_route(RouteTableId=rtb, DestinationIpv6CidrBlock="::/0", EgressOnlyInternetGatewayId=gid)
    with pytest.raises(ClientError) as e:
        c.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", EgressOnlyInternetGatewayId=gid)
    assert error_code(e) == "InvalidParameterValue"
    route = [r for r in c.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]["Routes"] if r.get("DestinationIpv6CidrBlock") == "::/0"][0]
    assert (route["EgressOnlyInternetGatewayId"], route["State"]) == (gid, "active")
    with pytest.raises(ClientError) as e:
        c.delete_vpc(VpcId=vid)
    assert error_code(e) == "DependencyViolation"
    assert c.delete_egress_only_internet_gateway(EgressOnlyInternetGatewayId=gid)["ReturnCode"] is True
    route = [r for r in c.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]["Routes"] if r.get("DestinationIpv6CidrBlock") == "::/0"][0]
    assert route["State"] == "blackhole"


def trace(server, src, to_ip, port=80):
    """(exit status, analysis) of `xvpc trace --json` to an address."""
    p = subprocess.run([binary(), "trace", "--from", src, "--to-ip", to_ip, "--port", str(port), "--endpoint", server.url, "--json"],
                       capture_output=True, text=True, timeout=60)
    return p.returncode, json.loads(p.stdout)


def dual_stack_side(ec2, account, cidr):
    """A dual-stack VPC with one subnet assigning IPv6 addresses, a group
    and an instance. Returns (vpc, main table, group, instance, its IPv6)."""
    c = ec2(account)
    vpc = c.create_vpc(CidrBlock=cidr, AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    vid, block = vpc["VpcId"], ipaddress.ip_network(ipv6_blocks(vpc)[0])
    sid = c.create_subnet(VpcId=vid, CidrBlock=cidr.replace(".0.0/16", ".1.0/24"), AvailabilityZone="us-east-1a",
                          Ipv6CidrBlock=str(next(block.subnets(new_prefix=64))))["Subnet"]["SubnetId"]
    c.modify_subnet_attribute(SubnetId=sid, AssignIpv6AddressOnCreation={"Value": True})
    sg = c.create_security_group(GroupName="web", Description="web", VpcId=vid)["GroupId"]
    # A new group's default egress rule is IPv4 only (as in AWS; the default
    # group of an IPv6 VPC has the ::/0 one).
    c.authorize_security_group_egress(GroupId=sg, IpPermissions=[{"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])
    i = c.run_instances(ImageId="ami-1e749f67", MinCount=1, MaxCount=1, SubnetId=sid, SecurityGroupIds=[sg])["Instances"][0]
    rtb = c.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vid]}])["RouteTables"][0]["RouteTableId"]
    return vid, rtb, sg, i["InstanceId"], i["NetworkInterfaces"][0]["Ipv6Addresses"][0]["Ipv6Address"]


def test_trace_ipv6_over_peering_and_its_fixes(server, ec2, aws):
    """IPv6 over a peering needs IPv6 routes on both sides: trace names
    them, and the commands it prints, run as the accounts it names, fix it."""
    va, ta, ga, web, web6 = dual_stack_side(ec2, A, "10.1.0.0/16")
    vb, tb, _, client, _ = dual_stack_side(ec2, B, "10.2.0.0/16")
    ec2(A).authorize_security_group_ingress(GroupId=ga, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80,
                                                                        "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])
    pcx = ec2(B).create_vpc_peering_connection(VpcId=vb, PeerVpcId=va, PeerOwnerId=A)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ec2(A).accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    info = ec2(A).describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])["VpcPeeringConnections"][0]
    assert info["RequesterVpcInfo"]["Ipv6CidrBlockSet"] and info["AccepterVpcInfo"]["Ipv6CidrBlockSet"]
    ec2(B).create_route(RouteTableId=tb, DestinationCidrBlock="10.1.0.0/16", VpcPeeringConnectionId=pcx)
    ec2(A).create_route(RouteTableId=ta, DestinationCidrBlock="10.2.0.0/16", VpcPeeringConnectionId=pcx)
    rc, a = trace(server, client, web6)
    assert rc == 1 and a["source_ip"].startswith("2001:db8:"), a
    assert sorted((b["code"], b["direction"], (b["fix"] or {}).get("account")) for b in a["blockers"]) == [
        ("NO_ROUTE_TO_DESTINATION", "forward", B), ("NO_ROUTE_TO_DESTINATION", "return", A)]
    for b in a["blockers"]:
        assert "--destination-ipv6-cidr-block" in b["fix"]["command"]
        args = shlex.split(b["fix"]["command"])
        aws(b["fix"]["account"], *args[1:])
    rc, a = trace(server, client, web6)
    assert rc == 0, a["blockers"]
    assert any(h["component"]["id"] == pcx for h in a["forward"])


def test_trace_ipv6_to_the_internet_through_an_egress_only_gateway(server, ec2):
    vid, rtb, _, client, _ = dual_stack_side(ec2, A, "10.1.0.0/16")
    c = ec2(A)
    eigw = c.create_egress_only_internet_gateway(VpcId=vid)["EgressOnlyInternetGateway"]["EgressOnlyInternetGatewayId"]
    rc, a = trace(server, client, "2600:1f18::1", 443)
    assert rc == 1 and [b["code"] for b in a["blockers"]] == ["NO_ROUTE_TO_DESTINATION"]
    assert a["blockers"][0]["fix"]["command"] == f"aws ec2 create-route --route-table-id {rtb} --destination-ipv6-cidr-block ::/0 --egress-only-internet-gateway-id {eigw} --region us-east-1"
    c.create_route(RouteTableId=rtb, DestinationIpv6CidrBlock="::/0", EgressOnlyInternetGatewayId=eigw)
    rc, a = trace(server, client, "2600:1f18::1", 443)
    assert rc == 0, a["blockers"]
    assert any(h["component"]["id"] == eigw for h in a["forward"])


def test_ipv6_only_subnets_and_their_dns_options(ec2):
    """What the VPC module's ipv6-only and dual-stack examples ask of a
    subnet: Ipv6Native, DNS64 and resource-name DNS records."""
    c = ec2(A)
    vpc = c.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    vid, block = vpc["VpcId"], ipaddress.ip_network(ipv6_blocks(vpc)[0])
    sixty_fours = [str(n) for n in block.subnets(new_prefix=64)][:4]
    with pytest.raises(ClientError) as e:
        c.create_subnet(VpcId=vid, Ipv6Native=True)
    assert error_code(e) == "MissingParameter"
    with pytest.raises(ClientError) as e:
        c.create_subnet(VpcId=vid, Ipv6Native=True, CidrBlock="10.0.1.0/24", Ipv6CidrBlock=sixty_fours[0])
    assert error_code(e) == "InvalidParameterCombination"
    with pytest.raises(ClientError) as e:
        c.create_subnet(VpcId=vid, Ipv6CidrBlock=sixty_fours[0])
    assert error_code(e) == "MissingParameter"
    sub = c.create_subnet(VpcId=vid, Ipv6Native=True, Ipv6CidrBlock=sixty_fours[0])["Subnet"]
    assert sub["Ipv6Native"] is True and "CidrBlock" not in sub and sub["AvailableIpAddressCount"] == 0
    assert sub["AssignIpv6AddressOnCreation"] is True
    assert sub["PrivateDnsNameOptionsOnLaunch"]["HostnameType"] == "resource-name"
    sid = sub["SubnetId"]
    c.modify_subnet_attribute(SubnetId=sid, EnableDns64={"Value": True})
    c.modify_subnet_attribute(SubnetId=sid, EnableResourceNameDnsAAAARecordOnLaunch={"Value": True})
    for bad in [{"PrivateDnsHostnameTypeOnLaunch": "ip-name"}, {"EnableResourceNameDnsARecordOnLaunch": {"Value": True}}]:
        with pytest.raises(ClientError) as e:
            c.modify_subnet_attribute(SubnetId=sid, **bad)
        assert error_code(e) == "InvalidParameterValue", bad
    got = c.describe_subnets(SubnetIds=[sid])["Subnets"][0]
    assert got["EnableDns64"] is True and got["PrivateDnsNameOptionsOnLaunch"]["EnableResourceNameDnsAAAARecord"] is True
    assert [s["SubnetId"] for s in c.describe_subnets(Filters=[{"Name": "ipv6-native", "Values": ["true"]}])["Subnets"]] == [sid]
    # A dual-stack subnet takes every option, hostnames by id included.
    dual = c.create_subnet(VpcId=vid, CidrBlock="10.0.1.0/24", Ipv6CidrBlock=sixty_fours[1])["Subnet"]["SubnetId"]
    c.modify_subnet_attribute(SubnetId=dual, PrivateDnsHostnameTypeOnLaunch="resource-name")
    c.modify_subnet_attribute(SubnetId=dual, EnableResourceNameDnsARecordOnLaunch={"Value": True})
    opts = c.describe_subnets(SubnetIds=[dual])["Subnets"][0]["PrivateDnsNameOptionsOnLaunch"]
    assert (opts["HostnameType"], opts["EnableResourceNameDnsARecord"]) == ("resource-name", True)
    # Interfaces without IPv4 are not emulated: refused, not half-built.
    with pytest.raises(ClientError) as e:
        c.create_network_interface(SubnetId=sid)
    assert error_code(e) == "InvalidParameterValue"
