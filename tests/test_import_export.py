"""xvpc export / import / trace --snapshot (issue 17): a world built through
the API, exported as AWS CLI describe output in Batfish's layout, imported
into a fresh server and exported again gives the same files and the same
`matrix`; a hand-written two-account snapshot traces as worked out by hand;
malformed dumps are refused with the file and JSON path, changing nothing."""
import filecmp
import json
import os
import shutil
import subprocess

import pytest

from conftest import A, B, Server, binary, make_client

ROOT = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(ROOT, "fixtures", "two-accounts")


def xvpc(*args, check=True):
    p = subprocess.run([binary(), *args], capture_output=True, text=True, timeout=120)
    if check:
        assert p.returncode == 0, p.stdout + p.stderr
    return p


@pytest.fixture
def servers():
    made = []

    def start():
        s = Server().start()
        made.append(s)
        return s

    yield start
    for s in made:
        s.stop()


def side(ec2, cidr, name):
    """A VPC with a subnet, its own route table, a group and an instance."""
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    base = cidr.split(".")
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"{base[0]}.{base[1]}.1.0/24", AvailabilityZoneId="use1-az1")["Subnet"]["SubnetId"]
    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=rtb, SubnetId=subnet)
    sg = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
    inst = ec2.run_instances(ImageId="ami-1e749f67", InstanceType="t3.micro", MinCount=1, MaxCount=1,
                             SubnetId=subnet, SecurityGroupIds=[sg],
                             TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}])["Instances"][0]
    return {"vpc": vpc, "subnet": subnet, "rtb": rtb, "sg": sg, "id": inst["InstanceId"], "ip": inst["PrivateIpAddress"]}


HTTP_FROM_B = [{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "10.2.0.0/16", "Description": "B"}]}]


def build_peering(srv):
    ea, eb = make_client(srv, "ec2", A), make_client(srv, "ec2", B)
    a, b = side(ea, "10.1.0.0/16", "web-a"), side(eb, "10.2.0.0/16", "client-b")
    pcx = ea.create_vpc_peering_connection(VpcId=a["vpc"], PeerVpcId=b["vpc"], PeerOwnerId=B,
                                           TagSpecifications=[{"ResourceType": "vpc-peering-connection", "Tags": [{"Key": "Name", "Value": "a-b"}]}])
    pcx = pcx["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    eb.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    ea.create_route(RouteTableId=a["rtb"], DestinationCidrBlock="10.2.0.0/16", VpcPeeringConnectionId=pcx)
    eb.create_route(RouteTableId=b["rtb"], DestinationCidrBlock="10.1.0.0/16", VpcPeeringConnectionId=pcx)
    ea.authorize_security_group_ingress(GroupId=a["sg"], IpPermissions=HTTP_FROM_B)
    # A NAT gateway with an Elastic IP, and a network ACL entry.
    igw = ea.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ea.attach_internet_gateway(InternetGatewayId=igw, VpcId=a["vpc"])
    alloc = ea.allocate_address(Domain="vpc")["AllocationId"]
    ea.create_nat_gateway(SubnetId=a["subnet"], AllocationId=alloc)
    acl = eb.create_network_acl(VpcId=b["vpc"])["NetworkAcl"]["NetworkAclId"]
    eb.create_network_acl_entry(NetworkAclId=acl, RuleNumber=100, Protocol="6", RuleAction="deny", Egress=False,
                                  CidrBlock="10.1.0.0/16", PortRange={"From": 22, "To": 22})


def build_tgw(srv):
    ea, eb = make_client(srv, "ec2", A), make_client(srv, "ec2", B)
    ram_a, ram_b = make_client(srv, "ram", A), make_client(srv, "ram", B)
    a, b = side(ea, "10.1.0.0/16", "web-a"), side(eb, "10.2.0.0/16", "client-b")
    tgw = ea.create_transit_gateway(Description="t", Options={"AutoAcceptSharedAttachments": "disable"})["TransitGateway"]
    share = ram_a.create_resource_share(name="t", allowExternalPrincipals=True)["resourceShare"]["resourceShareArn"]
    ram_a.associate_resource_share(resourceShareArn=share, resourceArns=[tgw["TransitGatewayArn"]])
    ram_a.associate_resource_share(resourceShareArn=share, principals=[B])
    inv = ram_b.get_resource_share_invitations(resourceShareArns=[share])["resourceShareInvitations"][0]["resourceShareInvitationArn"]
    ram_b.accept_resource_share_invitation(resourceShareInvitationArn=inv)
    ea.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw["TransitGatewayId"], VpcId=a["vpc"], SubnetIds=[a["subnet"]])
    att_b = eb.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw["TransitGatewayId"], VpcId=b["vpc"], SubnetIds=[b["subnet"]])
    ea.accept_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=att_b["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"])
    ea.create_route(RouteTableId=a["rtb"], DestinationCidrBlock="10.2.0.0/16", TransitGatewayId=tgw["TransitGatewayId"])
    eb.create_route(RouteTableId=b["rtb"], DestinationCidrBlock="10.1.0.0/16", TransitGatewayId=tgw["TransitGatewayId"])
    ea.authorize_security_group_ingress(GroupId=a["sg"], IpPermissions=HTTP_FROM_B)
    table = tgw["Options"]["AssociationDefaultRouteTableId"]
    ea.create_transit_gateway_route(TransitGatewayRouteTableId=table, DestinationCidrBlock="10.99.0.0/16", Blackhole=True)


def build_privatelink(srv):
    ea, eb = make_client(srv, "ec2", A), make_client(srv, "ec2", B)
    lb = make_client(srv, "elbv2", A)
    a, b = side(ea, "10.1.0.0/16", "svc-a"), side(eb, "10.2.0.0/16", "client-b")
    nlb = lb.create_load_balancer(Name="svc-a", Type="network", Scheme="internal", Subnets=[a["subnet"]])["LoadBalancers"][0]["LoadBalancerArn"]
    tg = lb.create_target_group(Name="web-a", Protocol="TCP", Port=80, VpcId=a["vpc"], TargetType="instance")["TargetGroups"][0]["TargetGroupArn"]
    lb.register_targets(TargetGroupArn=tg, Targets=[{"Id": a["id"], "Port": 80}])
    lb.create_listener(LoadBalancerArn=nlb, Protocol="TCP", Port=80, DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
    svc = ea.create_vpc_endpoint_service_configuration(NetworkLoadBalancerArns=[nlb], AcceptanceRequired=False)["ServiceConfiguration"]
    ea.modify_vpc_endpoint_service_permissions(ServiceId=svc["ServiceId"], AddAllowedPrincipals=[f"arn:aws:iam::{B}:root"])
    ea.authorize_security_group_ingress(GroupId=a["sg"], IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "10.1.1.0/24"}]}])
    eb.create_vpc_endpoint(VpcEndpointType="Interface", VpcId=b["vpc"], ServiceName=svc["ServiceName"], SubnetIds=[b["subnet"]], SecurityGroupIds=[b["sg"]])
    eb.authorize_security_group_ingress(GroupId=b["sg"], IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "10.2.0.0/16"}]}])
    ea.create_managed_prefix_list(PrefixListName="office", AddressFamily="IPv4", MaxEntries=5, Entries=[{"Cidr": "192.0.2.0/24", "Description": "hq"}])


def settle(srv):
    """Ten minutes later: what was created is past its pending states (NAT
    gateways, load balancers, registrations), on both servers alike."""
    srv.post("/_xvpc/clock", {"advance_seconds": 600})
    return srv


def export(srv, out):
    xvpc("export", str(out), "--endpoint", srv.url)
    return out


def matrix(srv):
    return json.loads(xvpc("matrix", "--json", "--endpoint", srv.url).stdout)


def same_tree(one, two):
    """Every file of both trees, byte for byte."""
    files = lambda d: sorted(os.path.relpath(os.path.join(r, f), d) for r, _, fs in os.walk(d) for f in fs)
    assert files(one) == files(two)
    _, mismatch, errors = filecmp.cmpfiles(one, two, files(one), shallow=False)
    for f in mismatch:
        assert open(os.path.join(one, f)).read() == open(os.path.join(two, f)).read(), f
    assert not errors


@pytest.mark.parametrize("build", [build_peering, build_tgw, build_privatelink], ids=["peering", "transit-gateway", "privatelink"])
def test_round_trip(servers, tmp_path, build):
    src = servers()
    build(src)
    settle(src)
    one = export(src, tmp_path / "one")
    assert os.path.exists(one / "aws_configs" / "accounts" / A / "us-east-1" / "Vpcs.json")
    dst = settle(servers())
    out = xvpc("import", str(one), "--endpoint", dst.url, "--strict", "--json")
    assert json.loads(out.stdout)["skipped"] == 0
    two = export(dst, tmp_path / "two")
    same_tree(one, two)
    assert matrix(src) == matrix(dst)


# The hand-written snapshot (tests/fixtures/two-accounts, Batfish's
# multi-account layout): A (111111111111) runs web-a (10.1.1.10) in
# 10.1.0.0/16 with a NAT gateway, peers with B's 10.2.0.0/16 (svc-b1,
# 10.2.1.10, behind an NLB and endpoint service A has an endpoint to), and
# shares its transit gateway with B, whose 10.3.0.0/16 (web-b2, 10.3.1.10)
# is attached. web-a admits tcp/80 from 10.2.0.0/16 only; svc-b1 from the
# NLB's subnet 10.2.1.0/24 only; web-b2 from 10.1.0.0/16. B's two VPCs have
# no route to each other.
WEB_A, SVC_B1, WEB_B2 = "i-00a000000000000a1", "i-00b000000000000b1", "i-00b000000000000b2"
VERDICTS = {
    (SVC_B1, WEB_A): (True, None),                                  # peering, web-a admits 10.2/16
    (WEB_A, SVC_B1): (False, "ENI_SG_RULES_MISMATCH"),               # svc-b1 admits only its own /24
    (WEB_B2, WEB_A): (False, "ENI_SG_RULES_MISMATCH"),               # over the TGW, but web-a admits 10.2/16 only
    (WEB_A, WEB_B2): (True, None),                                  # shared TGW, propagated routes, web-b2 admits 10.1/16
    (SVC_B1, WEB_B2): (False, "NO_ROUTE_TO_DESTINATION"),            # B's VPCs are not connected
    (WEB_B2, SVC_B1): (False, "NO_ROUTE_TO_DESTINATION"),
}


def trace(*args):
    p = xvpc("trace", "--json", "--port", "80", *args, check=False)
    assert p.returncode in (0, 1), p.stdout + p.stderr
    v = json.loads(p.stdout)
    assert v["reachable"] == (p.returncode == 0)
    return v


@pytest.mark.parametrize("pair", sorted(VERDICTS))
def test_snapshot_trace_between_every_pair_of_instances(pair):
    v = trace("--snapshot", FIXTURE, "--from", pair[0], "--to", pair[1])
    reachable, code = VERDICTS[pair]
    assert v["reachable"] is reachable, v
    if code:
        assert code in [b["code"] for b in v["blockers"]], v["blockers"]


def test_snapshot_privatelink_nat_and_what_lies_outside():
    # web-a -> A's endpoint -> B's NLB -> svc-b1, admitted from the NLB's subnet.
    v = trace("--snapshot", FIXTURE, "--from", WEB_A, "--to", "vpce-0a000000000000001")
    assert v["reachable"], v["blockers"]
    # web-a -> the internet through the NAT gateway and A's internet gateway.
    v = trace("--snapshot", FIXTURE, "--from", WEB_A, "--to-ip", "8.8.8.8")
    assert v["reachable"], v["blockers"]
    assert "nat-0a000000000000001" in json.dumps(v["forward"])
    # B routes 10.50.0.0/16 to a peering with an account nobody collected:
    # the engine says so instead of guessing.
    v = trace("--snapshot", FIXTURE, "--from", SVC_B1, "--to-ip", "10.50.0.5")
    assert not v["reachable"]
    assert [b["code"] for b in v["blockers"]] == ["UNKNOWN_DESTINATION"]
    assert "outside the imported data" in v["blockers"][0]["explanation"]


def test_import_into_a_server_is_ordinary_state(servers, tmp_path):
    srv = servers()
    out = xvpc("import", FIXTURE, "--endpoint", srv.url)
    # The summary names what xvpc does not model, per account and Region.
    assert "TransitGatewayAttachment (connect)" in out.stdout
    ea, eb = make_client(srv, "ec2", A), make_client(srv, "ec2", B)
    assert [v["VpcId"] for v in ea.describe_vpcs()["Vpcs"]] == ["vpc-0a0000000000000a1"], "no default VPC made on top of the dump"
    assert sorted(v["VpcId"] for v in eb.describe_vpcs()["Vpcs"]) == ["vpc-0b0000000000000b1", "vpc-0b0000000000000b2"]
    pcx = eb.describe_vpc_peering_connections(VpcPeeringConnectionIds=["pcx-0ab00000000000001"])["VpcPeeringConnections"][0]
    assert pcx["Status"]["Code"] == "active" and pcx["RequesterVpcInfo"]["OwnerId"] == A
    # B sees A's transit gateway through the RAM share.
    assert [t["TransitGatewayId"] for t in eb.describe_transit_gateways()["TransitGateways"]] == ["tgw-0a000000000000001"]
    assert make_client(srv, "elbv2", B).describe_target_health(
        TargetGroupArn="arn:aws:elasticloadbalancing:us-east-1:222222222222:targetgroup/web-b/0b00000000000002")["TargetHealthDescriptions"][0]["Target"]["Id"] == SVC_B1
    v = trace("--endpoint", srv.url, "--from", SVC_B1, "--to", WEB_A)
    assert v["reachable"]
    # Network Insights and the diagram see it as any other state.
    path = eb.create_network_insights_path(Source=SVC_B1, Destination=WEB_A, Protocol="tcp", DestinationPort=80)["NetworkInsightsPath"]
    analysis = eb.start_network_insights_analysis(NetworkInsightsPathId=path["NetworkInsightsPathId"])["NetworkInsightsAnalysis"]
    done = eb.describe_network_insights_analyses(NetworkInsightsAnalysisIds=[analysis["NetworkInsightsAnalysisId"]])["NetworkInsightsAnalyses"][0]
    assert done["NetworkPathFound"] is True, done
    dot = xvpc("diagram", "--format", "dot", "--endpoint", srv.url).stdout
    assert "pcx-0ab00000000000001" in dot and "tgw-0a000000000000001" in dot
    # --strict refuses the same dump (it holds a Connect attachment), changing nothing.
    dst = servers()
    p = xvpc("import", FIXTURE, "--endpoint", dst.url, "--strict", check=False)
    assert p.returncode == 1 and "TransitGatewayAttachment (connect)" in p.stdout, p.stdout + p.stderr
    assert dst.get("/_xvpc/state")["state"].get("vpcs", {}) in ({}, [])


def broken(tmp_path, name, edit):
    """A copy of the fixture with one file changed by `edit(path)`."""
    root = tmp_path / name
    shutil.copytree(FIXTURE, root)
    edit(root / "aws_configs" / "accounts" / B / "us-east-1")
    return root


def rewrite(path, f):
    path.write_text(f(path.read_text()))


BAD = {
    "truncated": (lambda d: rewrite(d / "Subnets.json", lambda t: t[: len(t) // 2]), "Subnets.json", "not JSON"),
    "wrong-key": (lambda d: rewrite(d / "Subnets.json", lambda t: t.replace('"Subnets"', '"Subnetz"')), "Subnets.json", "Subnetz"),
    "dangling": (lambda d: rewrite(d / "Subnets.json", lambda t: t.replace("vpc-0b0000000000000b2", "vpc-0b00000000000dead")), "Subnets.json",
                 "vpc-0b00000000000dead"),
    "duplicate": (lambda d: rewrite(d / "Vpcs.json", lambda t: json.dumps({"Vpcs": json.loads(t)["Vpcs"] * 2})), "Vpcs.json", "duplicate id"),
    "bad-cidr": (lambda d: rewrite(d / "Subnets.json", lambda t: t.replace("10.3.1.0/24", "10.3.1.0/33")), "Subnets.json", "Subnets.1"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_refused_whole(servers, tmp_path, case):
    edit, file, words = BAD[case]
    root = broken(tmp_path, case, edit)
    srv = servers()
    before = srv.get("/_xvpc/state")["state"]
    p = xvpc("import", str(root), "--endpoint", srv.url, check=False)
    assert p.returncode == 2, p.stdout + p.stderr
    assert file in p.stderr and words in p.stderr, p.stderr
    assert srv.get("/_xvpc/state")["state"] == before, "nothing imported"


def test_import_into_a_data_dir_then_serve(servers, tmp_path):
    data = tmp_path / "data"
    xvpc("import", FIXTURE, "--data-dir", str(data))
    srv = Server()
    srv.data_dir = str(data)
    srv.start()
    try:
        assert len(make_client(srv, "ec2", B).describe_instances()["Reservations"][0]["Instances"]) == 2
        xvpc("export", str(tmp_path / "out"), "--endpoint", srv.url)
    finally:
        srv.stop()
    # The data dir exports without a server too, the same files.
    xvpc("export", str(tmp_path / "offline"), "--data-dir", str(data))
    same_tree(tmp_path / "out", tmp_path / "offline")


def test_collector_reads_an_account_tree_that_imports_back(servers, tmp_path):
    """scripts/collect, the AWS CLI pointed at a server: the dump it writes
    imports into a fresh server whose export equals the first server's."""
    src = servers()
    build_tgw(src)
    settle(src)
    env = dict(os.environ, AWS_ENDPOINT_URL=src.url, AWS_ACCESS_KEY_ID=A, AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1",
               AWS_CONFIG_FILE=str(tmp_path / "config"), AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "credentials"), AWS_PAGER="", AWS_MAX_ATTEMPTS="1")
    for k in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"):
        env.pop(k, None)
    before = src.get("/_xvpc/version")["version"]
    p = subprocess.run([os.path.join(os.path.dirname(ROOT), "scripts", "collect"), "--out", str(tmp_path / "dump"),
                        "--accounts", f"{A},{B}", "--role-name", "OrganizationAccountAccessRole", "--regions", "us-east-1"],
                       capture_output=True, text=True, env=env, timeout=600)
    assert p.returncode == 0, p.stderr
    assert src.get("/_xvpc/version")["version"] == before, "the collector never writes"
    assert os.path.exists(tmp_path / "dump" / "aws_configs" / "accounts" / B / "us-east-1" / "TransitGatewayVpcAttachments.json")
    dst = settle(servers())
    xvpc("import", str(tmp_path / "dump"), "--endpoint", dst.url, "--strict")
    same_tree(export(src, tmp_path / "direct"), export(dst, tmp_path / "collected"))
    assert matrix(src) == matrix(dst)


def test_plain_cli_output_with_account_and_region_given(servers, tmp_path):
    """A flat directory of `aws ec2 describe-*` output, names of no meaning:
    the account and Region come from --account/--region, kinds from the
    top-level keys. What B's files reference in A (the peering's other
    side, A's transit gateway) stays a reference."""
    plain = tmp_path / "plain"
    plain.mkdir()
    src = os.path.join(FIXTURE, "aws_configs", "accounts", B, "us-east-1")
    for n, name in enumerate(sorted(os.listdir(src))):
        shutil.copy(os.path.join(src, name), plain / f"out-{n}.json")
    srv = servers()
    xvpc("import", str(plain), "--endpoint", srv.url, "--account", B, "--region", "us-east-1")
    eb = make_client(srv, "ec2", B)
    assert sorted(v["VpcId"] for v in eb.describe_vpcs()["Vpcs"]) == ["vpc-0b0000000000000b1", "vpc-0b0000000000000b2"]
    v = trace("--endpoint", srv.url, "--from", SVC_B1, "--to-ip", "10.1.1.10")
    assert [b["code"] for b in v["blockers"]] == ["UNKNOWN_DESTINATION"], v["blockers"]
    assert "outside the imported data" in v["blockers"][0]["explanation"]
