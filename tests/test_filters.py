"""Filters and pagination behave the same in every Describe/List call.

- An unknown filter name is InvalidParameterValue whatever the account
  holds: in an empty account, in a populated one, and after a filter that
  excludes everything (xvpc once checked names only while matching rows).
- Every filter name AWS documents for a call (botocore's documentation of
  its `Filters` member) is accepted.
- Every paginated call, paged by boto3's own paginator with the smallest
  page size it accepts, returns exactly the unpaged result: nothing missing,
  nothing twice; a token it did not issue gets the service's error.
"""
import gzip
import json
import os
import re

import botocore
import pytest
from botocore.exceptions import ClientError

from conftest import A, B, C, error_code, raw_request

# The worlds here are built to the VPC quota and counted exactly: accounts
# start empty.
pytestmark = pytest.mark.empty_accounts

EMPTY = "444444444444"   # holds nothing at all
PARENTS = "555555555555"  # holds only the parents some calls need (no rows)
BOGUS = "no-such-filter"


def botocore_ec2_model():
    path = os.path.join(os.path.dirname(botocore.__file__), "data", "ec2", "2016-11-15", "service-2.json")
    opener = gzip.open if not os.path.exists(path) else open
    with opener(path if os.path.exists(path) else path + ".gz", "rt") as f:
        return json.load(f)


def documented_filters(model, op):
    """The filter names botocore's documentation lists for `op`."""
    shape = model["shapes"][model["operations"][op]["input"]["shape"]]
    member = shape["members"].get("Filters") or shape["members"].get("Filter")
    names = []
    for item in re.split(r"<li>|\n", member.get("documentation", "")):
        text = re.sub(r"<[^>]+>", "", item).strip()
        m = re.match(r"^([a-zA-Z0-9.:\-]+(?:&lt;key&gt;)?)\s*(-|:|–)", text)
        if m:
            name = m.group(1).replace("&lt;key&gt;", "")
            names.append("tag:Name" if name in ("tag", "tag:") else name)
    return names


# --- the world -------------------------------------------------------------

def populate(ec2, elbv2, ram, server):
    """Account A with at least six of every paginated thing (five VPCs, the
    quota), and the parents the PARENTS account needs."""
    c = ec2(A)
    tag = lambda rt, name: [{"ResourceType": rt, "Tags": [{"Key": "Name", "Value": name}]}]
    vpcs = [c.create_vpc(CidrBlock=f"10.{2 * i}.0.0/16", TagSpecifications=tag("vpc", f"v{i}"))["Vpc"]["VpcId"] for i in range(5)]
    for i, v in enumerate(vpcs):
        c.create_egress_only_internet_gateway(VpcId=v, TagSpecifications=tag("egress-only-internet-gateway", f"e{i}"))
    subnets = [c.create_subnet(VpcId=vpcs[0], CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"us-east-1{'abc'[i % 3]}",
                               TagSpecifications=tag("subnet", f"s{i}"))["Subnet"]["SubnetId"] for i in range(6)]
    for r in [{"VpcId": v} for v in vpcs] + [{"SubnetId": subnets[0]}]:
        c.create_vpc_block_public_access_exclusion(InternetGatewayExclusionMode="allow-egress",
                                                   TagSpecifications=tag("vpc-block-public-access-exclusion", "x"), **r)
    vgw = c.create_vpn_gateway(Type="ipsec.1", AvailabilityZone="us-east-1a", TagSpecifications=tag("vpn-gateway", "g"))["VpnGateway"]["VpnGatewayId"]
    c.attach_vpn_gateway(VpnGatewayId=vgw, VpcId=vpcs[0])
    c.create_customer_gateway(Type="ipsec.1", IpAddress="198.51.100.7", TagSpecifications=tag("customer-gateway", "c"))
    consumer = {z: c.create_subnet(VpcId=vpcs[1], CidrBlock=f"10.2.{i}.0/24", AvailabilityZone=f"us-east-1{z}")["Subnet"]["SubnetId"]
                for i, z in enumerate("abc")}
    for v in vpcs[:2]:
        c.create_route_table(VpcId=v)
        c.create_network_acl(VpcId=v)
    igws = [c.create_internet_gateway()["InternetGateway"]["InternetGatewayId"] for _ in range(6)]
    c.attach_internet_gateway(InternetGatewayId=igws[0], VpcId=vpcs[0])
    groups = [c.create_security_group(GroupName=f"g{i}", Description="g", VpcId=vpcs[0])["GroupId"] for i in range(5)]
    c.authorize_security_group_ingress(GroupId=groups[0], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": p, "ToPort": p, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]} for p in range(80, 86)])
    run = c.run_instances(ImageId="ami-0453ec754f44f9a4a", InstanceType="t3.micro", MinCount=6, MaxCount=6, SubnetId=subnets[0],
                          TagSpecifications=tag("instance", "i"))
    instances = [i["InstanceId"] for i in run["Instances"]]
    eip = c.allocate_address(Domain="vpc")["AllocationId"]
    c.associate_address(AllocationId=eip, InstanceId=instances[0])
    c.allocate_address(Domain="vpc")
    for i, s in enumerate(subnets):
        c.create_nat_gateway(SubnetId=s, ConnectivityType="private", TagSpecifications=tag("natgateway", f"n{i}"))
        c.create_flow_logs(ResourceType="Subnet", ResourceIds=[s], TrafficType="ALL", LogDestinationType="s3",
                           LogDestination=f"arn:aws:s3:::flow-logs/{i}", TagSpecifications=tag("vpc-flow-log", f"f{i}"))

    # PrivateLink: six NLBs, each with a service and an endpoint to it.
    lbs, services = [], []
    for i, s in enumerate(subnets):
        lb = elbv2(A).create_load_balancer(Name=f"nlb{i}", Type="network", Scheme="internal", Subnets=[s])["LoadBalancers"][0]
        lbs.append(lb["LoadBalancerArn"])
        svc = c.create_vpc_endpoint_service_configuration(NetworkLoadBalancerArns=[lb["LoadBalancerArn"]], AcceptanceRequired=False)
        services.append(svc["ServiceConfiguration"])
    server.advance_clock(5)
    for i, svc in enumerate(services):
        c.create_vpc_endpoint(VpcEndpointType="Interface", VpcId=vpcs[1], ServiceName=svc["ServiceName"],
                              SubnetIds=[consumer["abc"[i % 3]]])
    c.modify_vpc_endpoint_service_permissions(ServiceId=services[0]["ServiceId"],
                                              AddAllowedPrincipals=[f"arn:aws:iam::{n * 12}:root" for n in "123456"])
    tgs = [elbv2(A).create_target_group(Name=f"tg{i}", Protocol="TCP", Port=80, VpcId=vpcs[0], TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
           for i in range(6)]
    for i, tg in enumerate(tgs):
        elbv2(A).create_listener(LoadBalancerArn=lbs[0], Protocol="TCP", Port=80 + i, DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])

    # Peering with B's five VPCs and one more pair.
    peer_vpcs = [ec2(B).create_vpc(CidrBlock=f"10.{100 + i}.0.0/16")["Vpc"]["VpcId"] for i in range(5)]
    for v in peer_vpcs:
        c.create_vpc_peering_connection(VpcId=vpcs[0], PeerVpcId=v, PeerOwnerId=B)
    c.create_vpc_peering_connection(VpcId=vpcs[1], PeerVpcId=peer_vpcs[0], PeerOwnerId=B)

    # Network Insights: six paths, each analysed.
    for i in range(6):
        path = c.create_network_insights_path(Source=instances[i], Destination=instances[(i + 1) % 6], Protocol="tcp", DestinationPort=80 + i)
        c.start_network_insights_analysis(NetworkInsightsPathId=path["NetworkInsightsPath"]["NetworkInsightsPathId"])

    # Transit gateways: six, each with the first VPC attached; the first
    # one has every VPC attached (five associations and propagations).
    tgws = [c.create_transit_gateway(TagSpecifications=tag("transit-gateway", f"t{i}"))["TransitGateway"] for i in range(6)]
    for t in tgws:
        c.create_transit_gateway_vpc_attachment(TransitGatewayId=t["TransitGatewayId"], VpcId=vpcs[0], SubnetIds=[subnets[1]])
    for i, v in enumerate(vpcs[1:], start=1):
        s = consumer["a"] if i == 1 else c.create_subnet(VpcId=v, CidrBlock=f"10.{2 * i}.9.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
        c.create_transit_gateway_vpc_attachment(TransitGatewayId=tgws[0]["TransitGatewayId"], VpcId=v, SubnetIds=[s])
    rtb = tgws[0]["Options"]["AssociationDefaultRouteTableId"]

    # RAM: six shares, all offered to B; the first holds every gateway and
    # six principals.
    r = ram(A)
    arns = [t["TransitGatewayArn"] for t in tgws]
    first = r.create_resource_share(name="s0", resourceArns=arns, principals=[B, C, "666666666666", "777777777777", "888888888888", "999999999999"])
    for i in range(1, 6):
        r.create_resource_share(name=f"s{i}", principals=[B])

    # The PARENTS account: a service with no permissions and a gateway
    # table with no associations, propagations or routes.
    p = ec2(PARENTS)
    pv = p.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
    ps = p.create_subnet(VpcId=pv, CidrBlock="10.50.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    plb = elbv2(PARENTS).create_load_balancer(Name="p", Type="network", Scheme="internal", Subnets=[ps])["LoadBalancers"][0]["LoadBalancerArn"]
    psvc = p.create_vpc_endpoint_service_configuration(NetworkLoadBalancerArns=[plb])["ServiceConfiguration"]["ServiceId"]
    ptgw = p.create_transit_gateway(Options={"DefaultRouteTableAssociation": "disable", "DefaultRouteTablePropagation": "disable"})["TransitGateway"]
    prtb = p.create_transit_gateway_route_table(TransitGatewayId=ptgw["TransitGatewayId"])["TransitGatewayRouteTable"]["TransitGatewayRouteTableId"]
    return {
        A: {"service": services[0]["ServiceId"], "rtb": rtb, "lb": lbs[0], "share": first["resourceShare"]["resourceShareArn"]},
        PARENTS: {"service": psvc, "rtb": prtb},
    }


# Every EC2 call that takes filters: (operation, the parameters it needs
# besides filters, given the world's ids for the caller).
FILTERED = [
    ("DescribeVpcs", None), ("DescribeSubnets", None), ("DescribeRouteTables", None), ("DescribeInternetGateways", None),
    ("DescribeEgressOnlyInternetGateways", None), ("DescribeNatGateways", None), ("DescribeVpcBlockPublicAccessExclusions", None),
    ("DescribeFlowLogs", None), ("DescribeDhcpOptions", None),
    ("DescribeVpnGateways", None), ("DescribeCustomerGateways", None), ("DescribeKeyPairs", None),
    ("DescribeAddresses", None), ("DescribeSecurityGroups", None), ("DescribeSecurityGroupRules", None), ("DescribeNetworkAcls", None),
    ("DescribeNetworkInterfaces", None), ("DescribeInstances", None), ("DescribeInstanceStatus", None),
    ("DescribeInstanceCreditSpecifications", None), ("DescribeVolumes", None), ("DescribeImages", None), ("DescribeInstanceTypes", None),
    ("DescribeInstanceTypeOfferings", None), ("DescribePrefixLists", None), ("DescribeManagedPrefixLists", None), ("DescribeTags", None), ("DescribeRegions", None),
    ("DescribeAvailabilityZones", None), ("DescribeVpcEndpointServiceConfigurations", None),
    ("DescribeVpcEndpointServicePermissions", lambda ids: {"ServiceId": ids["service"]}),
    ("DescribeVpcEndpointServices", None), ("DescribeVpcEndpointConnections", None), ("DescribeVpcEndpoints", None),
    ("DescribeVpcPeeringConnections", None), ("DescribeNetworkInsightsPaths", None), ("DescribeNetworkInsightsAnalyses", None),
    ("DescribeTransitGateways", None), ("DescribeTransitGatewayAttachments", None), ("DescribeTransitGatewayVpcAttachments", None),
    ("DescribeTransitGatewayRouteTables", None),
    ("GetTransitGatewayRouteTableAssociations", lambda ids: {"TransitGatewayRouteTableId": ids["rtb"]}),
    ("GetTransitGatewayRouteTablePropagations", lambda ids: {"TransitGatewayRouteTableId": ids["rtb"]}),
    ("SearchTransitGatewayRoutes", lambda ids: {"TransitGatewayRouteTableId": ids["rtb"]}),
]


# Calls whose filter member is singular (botocore's `Filter`).
SINGULAR_FILTER = {"DescribeNatGateways", "DescribeFlowLogs"}


def call(client, op, params):
    if op in SINGULAR_FILTER and "Filters" in params:
        params = {**params, "Filter": params["Filters"]}
        del params["Filters"]
    return getattr(client, botocore.xform_name(op))(**params)


def needs(need, ids, account):
    return {} if need is None else need(ids[account])


def test_every_filtered_call_xvpc_implements_is_covered(server):
    """A Describe call with filters that xvpc answers (anything but
    InvalidAction) is in FILTERED, so the tests below see it."""
    model = botocore_ec2_model()
    covered = {op for op, _ in FILTERED}
    missing = []
    for op, spec in model["operations"].items():
        members = model["shapes"][spec["input"]["shape"]]["members"] if "input" in spec else {}
        if "Filters" not in members and "Filter" not in members:
            continue
        status, body = raw_request(server, params={"Action": op, "Version": "2016-11-15"})
        if b"<Code>InvalidAction</Code>" not in body and op not in covered:
            missing.append(op)
    assert missing == [], f"calls with filters that no test here covers: {missing}"


def test_unknown_filter_names_are_refused_whatever_the_account_holds(ec2, elbv2, ram, server):
    ids = populate(ec2, elbv2, ram, server)
    model = botocore_ec2_model()
    failures = []
    for op, need in FILTERED:
        # A call filtering by tags only (egress-only gateways) uses tag-key.
        valid = next((n for n in documented_filters(model, op) if not n.startswith(("route-search", "tag"))), "tag-key")
        # A call that needs a parent runs in the account holding only that.
        empty = EMPTY if need is None else PARENTS
        cases = {
            "empty account": (empty, [{"Name": BOGUS, "Values": ["x"]}]),
            "populated account": (A, [{"Name": BOGUS, "Values": ["x"]}]),
            "after a filter that excludes everything": (A, [{"Name": valid, "Values": ["no-such-value"]}, {"Name": BOGUS, "Values": ["x"]}]),
        }
        for case, (account, filters) in cases.items():
            params = {**needs(need, ids, account), "Filters": filters}
            try:
                call(ec2(account), op, params)
                failures.append(f"{op} ({case}): accepted")
            except ClientError as e:
                got = (e.response["Error"]["Code"], e.response["Error"]["Message"])
                if got != ("InvalidParameterValue", f"The filter '{BOGUS}' is invalid"):
                    failures.append(f"{op} ({case}): {got}")
    assert failures == []


def test_documented_filter_names_are_accepted(ec2, elbv2, ram, server):
    ids = populate(ec2, elbv2, ram, server)
    model = botocore_ec2_model()
    refused = []
    for op, need in FILTERED:
        for name in documented_filters(model, op):
            value = "10.0.0.0/8" if name.startswith("route-search") else "*"
            try:
                call(ec2(A), op, {**needs(need, ids, A), "Filters": [{"Name": name, "Values": [value]}]})
            except ClientError as e:
                refused.append(f"{op} {name}: {e.response['Error']['Code']}")
    assert refused == []


# --- pagination ------------------------------------------------------------

def items(op, result_key, pages):
    """Every item of the pages, as canonical JSON (instances flattened out
    of their reservations, which a page boundary may split)."""
    out = []
    for page in pages:
        got = page.get(result_key, [])
        if op == "DescribeInstances":
            got = [i for r in got for i in r["Instances"]]
        out.extend(json.dumps(x, sort_keys=True, default=str) for x in got)
    return out


def pages_match(client, op, params, size, token_key):
    """Pages `op` with boto3's paginator; returns a list of problems."""
    paginator = client.get_paginator(botocore.xform_name(op))
    key = paginator.result_keys[0].expression
    full = items(op, key, [call(client, op, params)])
    pages = list(paginator.paginate(**params, PaginationConfig={"PageSize": size}))
    paged = items(op, key, pages)
    problems = []
    if sorted(paged) != sorted(full):
        problems.append(f"{op}: paged {len(paged)} items, unpaged {len(full)}")
    if len(set(paged)) != len(paged):
        problems.append(f"{op}: an item came twice")
    if op != "DescribeInstances" and any(len(p.get(key, [])) > size for p in pages):
        problems.append(f"{op}: a page holds more than {size}")
    if len(full) > size and len(pages) < 2:
        problems.append(f"{op}: {len(full)} items in one page of {size}")
    return problems, len(full)


EC2_PAGED = [
    "DescribeVpcs", "DescribeSubnets", "DescribeRouteTables", "DescribeInternetGateways", "DescribeEgressOnlyInternetGateways", "DescribeNatGateways", "DescribeFlowLogs", "DescribeSecurityGroups",
    "DescribeSecurityGroupRules", "DescribeNetworkAcls", "DescribeNetworkInterfaces", "DescribeInstances", "DescribeInstanceStatus",
    "DescribeInstanceCreditSpecifications", "DescribeVolumes", "DescribeImages", "DescribeInstanceTypes", "DescribeInstanceTypeOfferings",
    "DescribePrefixLists", "DescribeManagedPrefixLists", "DescribeTags", "DescribeVpcEndpointServiceConfigurations", "DescribeVpcEndpointServicePermissions",
    "DescribeVpcEndpointServices", "DescribeVpcEndpointConnections", "DescribeVpcEndpoints", "DescribeVpcPeeringConnections",
    "DescribeNetworkInsightsPaths", "DescribeNetworkInsightsAnalyses", "DescribeTransitGateways", "DescribeTransitGatewayAttachments",
    "DescribeTransitGatewayVpcAttachments", "DescribeTransitGatewayRouteTables", "GetTransitGatewayRouteTableAssociations",
    "GetTransitGatewayRouteTablePropagations",
]

# Lists the world cannot fill past one smallest page: five VPCs is the
# quota (so five egress-only gateways, one per VPC), two managed prefix
# lists exist, a table has at most five VPCs.
ONE_PAGE = {"DescribeVpcs", "DescribeEgressOnlyInternetGateways", "DescribePrefixLists", "DescribeManagedPrefixLists", "GetTransitGatewayRouteTableAssociations", "GetTransitGatewayRouteTablePropagations"}


def test_every_paginated_call_pages_completely_once(ec2, elbv2, ram, server):
    ids = populate(ec2, elbv2, ram, server)[A]
    params = {
        "DescribeVpcEndpointServicePermissions": {"ServiceId": ids["service"]},
        "GetTransitGatewayRouteTableAssociations": {"TransitGatewayRouteTableId": ids["rtb"]},
        "GetTransitGatewayRouteTablePropagations": {"TransitGatewayRouteTableId": ids["rtb"]},
        "DescribeListeners": {"LoadBalancerArn": ids["lb"]},
        "GetResourceShares": {"resourceOwner": "SELF"},
        "GetResourceShareAssociations": {"associationType": "PRINCIPAL"},
        "ListPrincipals": {"resourceOwner": "SELF"},
        "ListResources": {"resourceOwner": "SELF"},
    }
    problems, thin = [], []
    for service, ops, size in [("ec2", EC2_PAGED, 5), ("elbv2", ["DescribeLoadBalancers", "DescribeTargetGroups", "DescribeListeners"], 2),
                               ("ram", ["GetResourceShares", "GetResourceShareAssociations", "ListPrincipals", "ListResources"], 2)]:
        client = {"ec2": ec2, "elbv2": elbv2, "ram": ram}[service](A)
        for op in ops:
            got, count = pages_match(client, op, params.get(op, {}), size, None)
            problems += got
            if count <= size and op not in ONE_PAGE:
                thin.append(f"{op}: only {count} items")
    # B's invitations: six shares offered to it.
    got, count = pages_match(ram(B), "GetResourceShareInvitations", {}, 2, None)
    problems += got + ([] if count > 2 else [f"GetResourceShareInvitations: only {count} items"])
    assert problems == [] and thin == []


def test_a_token_not_issued_is_refused_with_each_services_error(ec2, elbv2, ram):
    with pytest.raises(ClientError) as e:
        ec2(A).describe_subnets(NextToken="not-a-token")
    assert (error_code(e), e.value.response["Error"]["Message"]) == ("InvalidPaginationToken", "The specified pagination token is not valid or is expired.")
    with pytest.raises(ClientError) as e:
        elbv2(A).describe_load_balancers(Marker="not-a-marker")
    assert error_code(e) == "ValidationError"
    with pytest.raises(ClientError) as e:
        ram(A).get_resource_shares(resourceOwner="SELF", nextToken="3")
    assert error_code(e) == "InvalidNextTokenException"


def test_page_sizes_outside_a_calls_range_are_refused(server):
    # boto3 checks minimums itself, so these go over the wire by hand.
    for op, size, low, high in [("DescribeVpcs", 4, 5, 1000), ("DescribeRouteTables", 101, 5, 100), ("DescribeNetworkInsightsPaths", 101, 1, 100)]:
        status, body = raw_request(server, params={"Action": op, "Version": "2016-11-15", "MaxResults": str(size)})
        assert status == 400 and b"<Code>InvalidParameterValue</Code>" in body, (op, body)
        assert f"Value ( {size} ) for parameter maxResults is invalid. Expecting a value between {low} and {high}.".encode() in body
    # Endpoint-service calls return at most 1,000 items for a larger size.
    status, body = raw_request(server, params={"Action": "DescribeVpcEndpoints", "Version": "2016-11-15", "MaxResults": "5000"})
    assert status == 200, body
