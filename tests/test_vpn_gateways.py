"""Virtual private gateways and customer gateways through boto3, with AWS's
codes: lifecycle, one gateway per VPC, routes to a gateway (blackhole once
detached), route propagation shown as PropagatingVgws, and `xvpc trace`
saying that a path routed to a VPN leaves the emulated world."""
import pytest
from botocore.exceptions import ClientError

from conftest import A, B, error_code
from test_reach import instance, trace


def refused(code, fn, **kw):
    with pytest.raises(ClientError) as e:
        fn(**kw)
    assert error_code(e) == code, e.value


def test_vpn_gateway_lifecycle_routes_and_propagation(ec2):
    c = ec2(A)
    vpc = c.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    other = c.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    g = c.create_vpn_gateway(Type="ipsec.1", TagSpecifications=[{"ResourceType": "vpn-gateway", "Tags": [{"Key": "Name", "Value": "vgw"}]}])["VpnGateway"]
    gid = g["VpnGatewayId"]
    assert gid.startswith("vgw-") and g["AmazonSideAsn"] == 64512 and g["Type"] == "ipsec.1"
    d = c.describe_vpn_gateways(VpnGatewayIds=[gid])["VpnGateways"][0]
    assert (d["State"], d["VpcAttachments"], d["Tags"]) == ("available", [], [{"Key": "Name", "Value": "vgw"}])
    refused("InvalidParameterValue", c.create_vpn_gateway, Type="ipsec.1", AmazonSideAsn=100)
    rtb = c.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][0]["RouteTableId"]
    refused("InvalidParameterValue", c.create_route, RouteTableId=rtb, DestinationCidrBlock="192.168.0.0/16", GatewayId=gid)
    a = c.attach_vpn_gateway(VpnGatewayId=gid, VpcId=vpc)["VpcAttachment"]
    assert (a["VpcId"], a["State"]) == (vpc, "attaching")
    d = c.describe_vpn_gateways(VpnGatewayIds=[gid])["VpnGateways"][0]
    assert d["VpcAttachments"] == [{"VpcId": vpc, "State": "attached"}]
    f = lambda n, v: [x["VpnGatewayId"] for x in c.describe_vpn_gateways(Filters=[{"Name": n, "Values": [v]}])["VpnGateways"]]
    assert f("attachment.vpc-id", vpc) == [gid] and f("attachment.state", "attached") == [gid] and f("amazon-side-asn", "64512") == [gid]
    # One VPC per gateway, one gateway per VPC.
    refused("VpnGatewayAttachmentLimitExceeded", c.attach_vpn_gateway, VpnGatewayId=gid, VpcId=other)
    second = c.create_vpn_gateway(Type="ipsec.1", AmazonSideAsn=65010)["VpnGateway"]["VpnGatewayId"]
    refused("VpnGatewayAttachmentLimitExceeded", c.attach_vpn_gateway, VpnGatewayId=second, VpcId=vpc)
    refused("InvalidVpnGatewayID.NotFound", ec2(B).attach_vpn_gateway, VpnGatewayId=second, VpcId=vpc)
    c.create_route(RouteTableId=rtb, DestinationCidrBlock="192.168.0.0/16", GatewayId=gid)
    c.enable_vgw_route_propagation(GatewayId=gid, RouteTableId=rtb)
    t = c.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]
    assert t["PropagatingVgws"] == [{"GatewayId": gid}]
    assert [(r["GatewayId"], r["State"]) for r in t["Routes"] if r.get("DestinationCidrBlock") == "192.168.0.0/16"] == [(gid, "active")]
    # Attached: the gateway and its VPC stay.
    refused("IncorrectState", c.delete_vpn_gateway, VpnGatewayId=gid)
    refused("DependencyViolation", c.delete_vpc, VpcId=vpc)
    refused("InvalidVpnGatewayAttachment.NotFound", c.detach_vpn_gateway, VpnGatewayId=gid, VpcId=other)
    c.detach_vpn_gateway(VpnGatewayId=gid, VpcId=vpc)
    t = c.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]
    assert [r["State"] for r in t["Routes"] if r.get("DestinationCidrBlock") == "192.168.0.0/16"] == ["blackhole"]
    c.disable_vgw_route_propagation(GatewayId=gid, RouteTableId=rtb)
    assert c.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]["PropagatingVgws"] == []
    c.delete_vpn_gateway(VpnGatewayId=gid)
    refused("InvalidVpnGatewayID.NotFound", c.describe_vpn_gateways, VpnGatewayIds=[gid])
    refused("InvalidVpnGatewayID.NotFound", c.delete_vpn_gateway, VpnGatewayId=gid)


def test_customer_gateways(ec2):
    c = ec2(A)
    g = c.create_customer_gateway(Type="ipsec.1", BgpAsn=65010, IpAddress="198.51.100.7", DeviceName="edge",
                                  TagSpecifications=[{"ResourceType": "customer-gateway", "Tags": [{"Key": "Name", "Value": "dc"}]}])["CustomerGateway"]
    gid = g["CustomerGatewayId"]
    assert gid.startswith("cgw-") and (g["BgpAsn"], g["IpAddress"], g["State"], g["Type"], g["DeviceName"]) == ("65010", "198.51.100.7", "available", "ipsec.1", "edge")
    # The same configuration gives the same gateway back.
    again = c.create_customer_gateway(Type="ipsec.1", BgpAsn=65010, IpAddress="198.51.100.7")["CustomerGateway"]["CustomerGatewayId"]
    assert again == gid and len(c.describe_customer_gateways()["CustomerGateways"]) == 1
    f = lambda n, v: [x["CustomerGatewayId"] for x in c.describe_customer_gateways(Filters=[{"Name": n, "Values": [v]}])["CustomerGateways"]]
    assert f("bgp-asn", "65010") == [gid] and f("ip-address", "198.51.100.7") == [gid] and f("tag:Name", "dc") == [gid]
    refused("MissingParameter", c.create_customer_gateway, Type="ipsec.1", BgpAsn=65010)
    refused("InvalidParameterValue", c.create_customer_gateway, Type="ipsec.1", IpAddress="not-an-ip")
    refused("InvalidCustomerGatewayID.NotFound", ec2(B).delete_customer_gateway, CustomerGatewayId=gid)
    c.delete_customer_gateway(CustomerGatewayId=gid)
    refused("InvalidCustomerGatewayID.NotFound", c.describe_customer_gateways, CustomerGatewayIds=[gid])


def test_trace_to_a_vpn_route_says_the_path_leaves_the_emulated_world(server, ec2):
    c = ec2(A)
    vpc = c.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    sub = c.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    sg = c.create_security_group(GroupName="app", Description="app", VpcId=vpc)["GroupId"]
    g = c.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    c.attach_vpn_gateway(VpnGatewayId=g, VpcId=vpc)
    rtb = c.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][0]["RouteTableId"]
    c.create_route(RouteTableId=rtb, DestinationCidrBlock="192.168.0.0/16", GatewayId=g)
    i = instance(ec2, A, sub, sg)
    from test_ipv6 import trace as trace_ip
    rc, a = trace_ip(server, i, "192.168.1.10")
    assert rc == 1 and [(b["code"], b["component"]["id"]) for b in a["blockers"]] == [("UNKNOWN_DESTINATION", rtb)]
    assert g in a["blockers"][0]["explanation"] and "does not emulate" in a["blockers"][0]["explanation"]
    assert a["blockers"][0]["fix"] is None
