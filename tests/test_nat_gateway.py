"""NAT gateways (boto3): their states on the emulator's clock, their network
interface and Elastic IP, the routes to them, the errors AWS answers, and
the Elastic IP quota."""
import json
import shlex
import subprocess

import pytest
from botocore.exceptions import ClientError

from conftest import A, B, binary, error_code

HOST = "203.0.113.10"


def setup(c, igw=True):
    vpc = c.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    public = c.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
    private = c.create_subnet(VpcId=vpc, CidrBlock="10.1.2.0/24")["Subnet"]["SubnetId"]
    if igw:
        g = c.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        c.attach_internet_gateway(InternetGatewayId=g, VpcId=vpc)
    return vpc, public, private


def described(c, nat):
    return c.describe_nat_gateways(NatGatewayIds=[nat])["NatGateways"][0]


def test_public_gateway_pending_available_deleting_deleted(ec2, server):
    c = ec2(A)
    vpc, public, _ = setup(c)
    eip = c.allocate_address(Domain="vpc")
    tags = [{"ResourceType": "natgateway", "Tags": [{"Key": "Name", "Value": "nat"}]}]
    g = c.create_nat_gateway(SubnetId=public, AllocationId=eip["AllocationId"], TagSpecifications=tags, ClientToken="t1")
    assert g["ClientToken"] == "t1"
    g = g["NatGateway"]
    nat = g["NatGatewayId"]
    assert nat.startswith("nat-") and len(nat) == 21
    assert (g["State"], g["VpcId"], g["SubnetId"], g["ConnectivityType"]) == ("pending", vpc, public, "public")
    assert g["Tags"] == [{"Key": "Name", "Value": "nat"}]
    [addr] = g["NatGatewayAddresses"]
    assert (addr["AllocationId"], addr["PublicIp"], addr["IsPrimary"]) == (eip["AllocationId"], eip["PublicIp"], True)
    assert addr["PrivateIp"] == "10.1.1.4" and addr["AssociationId"].startswith("eipassoc-")
    server.advance_clock(5)
    assert described(c, nat)["State"] == "available"
    # Its interface: requester-managed, type nat_gateway, no groups.
    eni = c.describe_network_interfaces(NetworkInterfaceIds=[addr["NetworkInterfaceId"]])["NetworkInterfaces"][0]
    assert (eni["InterfaceType"], eni["RequesterManaged"], eni["Groups"], eni["Status"]) == ("nat_gateway", True, [], "in-use")
    assert eni["Description"] == f"Interface for NAT Gateway {nat}"
    assert eni["Association"]["PublicIp"] == eip["PublicIp"]
    with pytest.raises(ClientError) as e:
        c.delete_network_interface(NetworkInterfaceId=eni["NetworkInterfaceId"])
    assert error_code(e) == "InvalidNetworkInterface.InUse"
    # The Elastic IP shows its association and cannot be released.
    a = c.describe_addresses(AllocationIds=[eip["AllocationId"]])["Addresses"][0]
    assert (a["NetworkInterfaceId"], a["PrivateIpAddress"], a["AssociationId"]) == (eni["NetworkInterfaceId"], "10.1.1.4", addr["AssociationId"])
    with pytest.raises(ClientError) as e:
        c.release_address(AllocationId=eip["AllocationId"])
    assert error_code(e) == "InvalidIPAddress.InUse"
    # Filters.
    by = lambda name, v: [x["NatGatewayId"] for x in c.describe_nat_gateways(Filter=[{"Name": name, "Values": [v]}])["NatGateways"]]
    assert by("state", "available") == [nat] and by("state", "pending") == []
    assert by("vpc-id", vpc) == [nat] and by("subnet-id", public) == [nat] and by("tag:Name", "nat") == [nat]
    # Deleting: deleting, then deleted (still listed); the interface goes,
    # the address is free again.
    assert c.delete_nat_gateway(NatGatewayId=nat)["NatGatewayId"] == nat
    d = described(c, nat)
    assert d["State"] == "deleting" and "DeleteTime" in d
    assert c.describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": [public]}])["NetworkInterfaces"] == []
    assert "AssociationId" not in c.describe_addresses(AllocationIds=[eip["AllocationId"]])["Addresses"][0]
    server.advance_clock(5)
    assert described(c, nat)["State"] == "deleted"
    c.release_address(AllocationId=eip["AllocationId"])
    # Deleted gateways stay listed about an hour.
    server.advance_clock(3600)
    assert c.describe_nat_gateways()["NatGateways"] == []
    with pytest.raises(ClientError) as e:
        c.describe_nat_gateways(NatGatewayIds=[nat])
    assert error_code(e) == "NatGatewayNotFound"


def test_failures_show_as_failed_gateways_with_awss_codes(ec2, server):
    c = ec2(A)
    vpc, public, private = setup(c, igw=False)
    eip = c.allocate_address(Domain="vpc")["AllocationId"]
    nat = c.create_nat_gateway(SubnetId=public, AllocationId=eip)["NatGateway"]["NatGatewayId"]
    server.advance_clock(5)
    g = described(c, nat)
    assert (g["State"], g["FailureCode"], g["FailureMessage"]) == ("failed", "Gateway.NotAttached", f"Network {vpc} has no Internet gateway attached")
    assert c.describe_network_interfaces()["NetworkInterfaces"] == []
    # An Elastic IP already associated.
    igw = c.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    c.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    ok = c.create_nat_gateway(SubnetId=public, AllocationId=eip)["NatGateway"]["NatGatewayId"]
    taken = c.create_nat_gateway(SubnetId=private, AllocationId=eip)["NatGateway"]["NatGatewayId"]
    server.advance_clock(5)
    assert described(c, ok)["State"] == "available"
    g = described(c, taken)
    assert (g["State"], g["FailureCode"], g["FailureMessage"]) == ("failed", "Resource.AlreadyAssociated", f"Elastic IP address {eip} is already associated")
    c.delete_nat_gateway(NatGatewayId=taken)
    server.advance_clock(5)
    assert described(c, taken)["State"] == "deleted"


def test_requests_aws_refuses_at_once(ec2):
    c = ec2(A)
    _, public, _ = setup(c)
    eip = c.allocate_address(Domain="vpc")["AllocationId"]
    cases = [
        (dict(SubnetId=public), "MissingParameter"),
        (dict(SubnetId=public, ConnectivityType="private", AllocationId=eip), "InvalidParameterCombination"),
        (dict(SubnetId=public, AllocationId="eipalloc-0123456789abcdef0"), "InvalidAllocationID.NotFound"),
        (dict(SubnetId="subnet-0123456789abcdef0", AllocationId=eip), "InvalidSubnetID.NotFound"),
        (dict(SubnetId=public, AllocationId=eip, PrivateIpAddress="10.9.9.9"), "InvalidParameterValue"),
    ]
    for params, code in cases:
        with pytest.raises(ClientError) as e:
            c.create_nat_gateway(**params)
        assert error_code(e) == code, params
    # Another account's subnet does not exist for the caller.
    with pytest.raises(ClientError) as e:
        ec2(B).create_nat_gateway(SubnetId=public, ConnectivityType="private")
    assert error_code(e) == "InvalidSubnetID.NotFound"
    for bad, code in [("nat-0123456789abcdef0", "NatGatewayNotFound"), ("nope", "NatGatewayMalformed")]:
        with pytest.raises(ClientError) as e:
            c.delete_nat_gateway(NatGatewayId=bad)
        assert error_code(e) == code
        with pytest.raises(ClientError) as e:
            c.describe_nat_gateways(NatGatewayIds=[bad])
        assert error_code(e) == code


def test_private_gateway_with_a_given_address_and_secondaries(ec2, server):
    c = ec2(A)
    _, public, _ = setup(c, igw=False)
    g = c.create_nat_gateway(SubnetId=public, ConnectivityType="private", PrivateIpAddress="10.1.1.50", SecondaryPrivateIpAddressCount=2)["NatGateway"]
    server.advance_clock(5)
    g = described(c, g["NatGatewayId"])
    assert (g["State"], g["ConnectivityType"]) == ("available", "private")
    ips = [(a["PrivateIp"], a["IsPrimary"]) for a in g["NatGatewayAddresses"]]
    assert ips == [("10.1.1.50", True), ("10.1.1.4", False), ("10.1.1.5", False)]
    assert all("PublicIp" not in a for a in g["NatGatewayAddresses"])
    eni = c.describe_network_interfaces(NetworkInterfaceIds=[g["NatGatewayAddresses"][0]["NetworkInterfaceId"]])["NetworkInterfaces"][0]
    assert sorted(p["PrivateIpAddress"] for p in eni["PrivateIpAddresses"]) == ["10.1.1.4", "10.1.1.5", "10.1.1.50"]


def test_routes_name_the_gateway_and_turn_blackhole_when_it_is_deleted(ec2, server):
    c = ec2(A)
    vpc, public, private = setup(c)
    eip = c.allocate_address(Domain="vpc")["AllocationId"]
    nat = c.create_nat_gateway(SubnetId=public, AllocationId=eip)["NatGateway"]["NatGatewayId"]
    other = c.create_nat_gateway(SubnetId=private, ConnectivityType="private")["NatGateway"]["NatGatewayId"]
    server.advance_clock(5)
    rtb = c.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    c.associate_route_table(RouteTableId=rtb, SubnetId=private)
    c.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    route = lambda: next(r for r in c.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0")
    assert (route()["NatGatewayId"], route()["State"], route()["Origin"]) == (nat, "active", "CreateRoute")
    assert [t["RouteTableId"] for t in c.describe_route_tables(Filters=[{"Name": "route.nat-gateway-id", "Values": [nat]}])["RouteTables"]] == [rtb]
    c.replace_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=other)
    assert route()["NatGatewayId"] == other
    c.replace_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    with pytest.raises(ClientError) as e:
        c.create_route(RouteTableId=rtb, DestinationIpv6CidrBlock="::/0", NatGatewayId=nat)
    assert error_code(e) == "InvalidParameterValue"
    # NAT64's well-known prefix may go to a NAT gateway (DNS64 subnets do).
    c.create_route(RouteTableId=rtb, DestinationIpv6CidrBlock="64:ff9b::/96", NatGatewayId=nat)
    with pytest.raises(ClientError) as e:
        c.create_route(RouteTableId=rtb, DestinationCidrBlock="192.168.0.0/16", NatGatewayId="nat-0123456789abcdef0")
    assert error_code(e) == "NatGatewayNotFound"
    c.delete_nat_gateway(NatGatewayId=nat)
    assert route()["State"] == "blackhole"
    with pytest.raises(ClientError) as e:
        c.create_route(RouteTableId=rtb, DestinationCidrBlock="192.168.0.0/16", NatGatewayId=nat)
    assert error_code(e) == "NatGatewayNotFound"


def test_five_elastic_ips_per_region(ec2):
    c = ec2(A)
    for _ in range(5):
        c.allocate_address(Domain="vpc")
    with pytest.raises(ClientError) as e:
        c.allocate_address(Domain="vpc")
    assert error_code(e) == "AddressLimitExceeded"
    assert e.value.response["Error"]["Message"] == "The maximum number of addresses has been reached."
    ec2(A, region="eu-west-1").allocate_address(Domain="vpc")
    ec2(B).allocate_address(Domain="vpc")


def test_pages_of_gateways(ec2):
    c = ec2(A)
    _, public, _ = setup(c, igw=False)
    ids = {c.create_nat_gateway(SubnetId=public, ConnectivityType="private")["NatGateway"]["NatGatewayId"] for _ in range(7)}
    pages = list(c.get_paginator("describe_nat_gateways").paginate(PaginationConfig={"PageSize": 5}))
    assert [len(p["NatGateways"]) for p in pages] == [5, 2]
    assert {g["NatGatewayId"] for p in pages for g in p["NatGateways"]} == ids


def trace(server, src, to, port=80):
    """(exit status, analysis) of `xvpc trace --json`."""
    flag = "--to-ip" if to[0].isdigit() else "--to"
    p = subprocess.run([binary(), "trace", "--from", src, flag, to, "--port", str(port), "--endpoint", server.url, "--json"],
                       capture_output=True, text=True, timeout=60)
    return p.returncode, json.loads(p.stdout)


def test_trace_a_private_subnet_out_through_the_nat_gateway_and_the_fixes(server, ec2, aws):
    """A private instance reaches the internet through a public NAT gateway
    once the gateway's subnet routes to the internet gateway: trace names
    the missing route, and the command it prints, run as the account it
    names, fixes it. Nothing from the internet gets in."""
    c = ec2(A)
    vpc, public, private = setup(c)
    eip = c.allocate_address(Domain="vpc")
    nat = c.create_nat_gateway(SubnetId=public, AllocationId=eip["AllocationId"])["NatGateway"]["NatGatewayId"]
    rtb = c.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    c.associate_route_table(RouteTableId=rtb, SubnetId=private)
    c.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    app = c.run_instances(ImageId="ami-1e749f67", InstanceType="t3.micro", MinCount=1, MaxCount=1, SubnetId=private)["Instances"][0]["InstanceId"]
    rc, a = trace(server, app, HOST)
    # Every blocker at once: the gateway is pending, and its subnet does not
    # route to the internet gateway.
    assert rc == 1 and [b["code"] for b in a["blockers"]] == ["BAD_STATE", "NO_ROUTE_TO_DESTINATION"], a["blockers"]
    assert a["blockers"][0]["component"]["id"] == nat
    server.advance_clock(5)
    # The public subnet uses the main table: no route to the internet gateway.
    rc, a = trace(server, app, HOST)
    assert rc == 1 and [(b["code"], b["direction"]) for b in a["blockers"]] == [("NO_ROUTE_TO_DESTINATION", "forward")], a["blockers"]
    fix = a["blockers"][0]["fix"]
    assert fix["account"] == A and "--gateway-id igw-" in fix["command"] and "--destination-cidr-block 0.0.0.0/0" in fix["command"]
    aws(fix["account"], *shlex.split(fix["command"])[1:])
    rc, a = trace(server, app, HOST)
    assert rc == 0, a["blockers"]
    ids = [h["component"]["id"] for h in a["forward"]]
    assert nat in ids and any(i.startswith("igw-") for i in ids)
    # Not the other way: neither to the instance nor to the gateway's address.
    rc, a = trace(server, HOST, app)
    assert rc == 1 and a["blockers"][0]["code"] == "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"
    assert nat in a["blockers"][0]["explanation"]
    rc, a = trace(server, HOST, eip["PublicIp"])
    assert rc == 1 and [(b["code"], b["component"]["id"]) for b in a["blockers"]] == [("NO_POSSIBLE_DESTINATION", nat)]
    # Deleted: the route is a blackhole, and the fix names a new gateway.
    c.delete_nat_gateway(NatGatewayId=nat)
    rc, a = trace(server, app, HOST)
    assert rc == 1 and a["blockers"][0]["code"] == "BAD_STATE_ROUTE"
    assert a["blockers"][0]["fix"]["command"] == f"aws ec2 create-nat-gateway --subnet-id {public} --allocation-id {eip['AllocationId']} --region us-east-1"
