"""Reachability end to end: topologies built with boto3, verdicts from
`xvpc trace --json` (the real binary against the test server), and each
broken variant's blockers fixed by running the suggested command through
the AWS CLI as the account the blocker names."""
import json
import shlex
import subprocess

import pytest

from conftest import A, B, binary

AMI = "ami-1e749f67"


def trace(server, src, dst, port=80, protocol="tcp"):
    """(exit status, analysis) of `xvpc trace --json`."""
    p = subprocess.run([binary(), "trace", "--from", src, "--to", dst, "--port", str(port), "--protocol", protocol,
                        "--endpoint", server.url, "--json"], capture_output=True, text=True, timeout=60)
    return p.returncode, json.loads(p.stdout)


def blockers(analysis):
    return sorted((b["code"], b["direction"], b["component"]["owner"]) for b in analysis["blockers"])


def apply_fixes(aws, analysis):
    """Runs every blocker's fix with the CLI as the named account."""
    for b in analysis["blockers"]:
        f = b["fix"]
        assert f, f"blocker without a fix: {b}"
        args = shlex.split(f["command"])
        assert args[0] == "aws"
        aws(f["account"], *args[1:])


def instance(ec2, account, subnet, group):
    r = ec2(account).run_instances(ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1, SubnetId=subnet, SecurityGroupIds=[group])
    return r["Instances"][0]["InstanceId"]


def main_table(ec2, account, vpc):
    tables = ec2(account).describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "association.main", "Values": ["true"]}])
    return tables["RouteTables"][0]["RouteTableId"]


def side(ec2, account, cidr, subnet_cidr):
    c = ec2(account)
    vpc = c.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    subnet = c.create_subnet(VpcId=vpc, CidrBlock=subnet_cidr, AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    sg = c.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    return vpc, subnet, sg


def peered(ec2, accept=True, route_a=True, route_b=True, sg_rule=True):
    """Web in A (10.1/16), client in B (10.2/16), B requests the peering.
    Returns a dict of ids."""
    va, sa, ga = side(ec2, A, "10.1.0.0/16", "10.1.1.0/24")
    vb, sb, gb = side(ec2, B, "10.2.0.0/16", "10.2.1.0/24")
    if sg_rule:
        ec2(A).authorize_security_group_ingress(GroupId=ga, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "10.2.0.0/16"}]}])
    web = instance(ec2, A, sa, ga)
    client = instance(ec2, B, sb, gb)
    pcx = ec2(B).create_vpc_peering_connection(VpcId=vb, PeerVpcId=va, PeerOwnerId=A)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    if accept:
        ec2(A).accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    ta, tb = main_table(ec2, A, va), main_table(ec2, B, vb)
    if route_b:
        ec2(B).create_route(RouteTableId=tb, DestinationCidrBlock="10.1.0.0/16", VpcPeeringConnectionId=pcx)
    if route_a:
        ec2(A).create_route(RouteTableId=ta, DestinationCidrBlock="10.2.0.0/16", VpcPeeringConnectionId=pcx)
    return dict(va=va, vb=vb, sa=sa, sb=sb, ga=ga, gb=gb, web=web, client=client, pcx=pcx, ta=ta, tb=tb)


def test_peering_correct_setup_is_reachable_and_one_way_rules_hold(server, ec2):
    t = peered(ec2)
    rc, a = trace(server, t["client"], t["web"])
    assert rc == 0 and a["reachable"], a["blockers"]
    assert any(h["component"]["id"] == t["pcx"] for h in a["forward"])
    assert any(h["component"]["id"] == t["pcx"] for h in a["return"])
    # The reverse direction is routed too, but B's group admits nothing.
    rc, back = trace(server, t["web"], t["client"])
    assert rc == 1
    assert blockers(back) == [("SG_HAS_NO_RULES", "forward", B)]


@pytest.mark.parametrize("variant,expected", [
    ("no_route_b", [("NO_ROUTE_TO_DESTINATION", "forward", B)]),
    ("no_route_a", [("NO_ROUTE_TO_DESTINATION", "return", A)]),
    ("no_sg_rule", [("SG_HAS_NO_RULES", "forward", A)]),
    ("not_accepted", [("BAD_STATE", "forward", B)]),
])
def test_peering_broken_variants_report_exact_blockers_and_fixes_work(server, ec2, aws, variant, expected):
    t = peered(ec2, accept=variant != "not_accepted", route_a=variant != "no_route_a", route_b=variant != "no_route_b", sg_rule=variant != "no_sg_rule")
    rc, a = trace(server, t["client"], t["web"])
    assert rc == 1
    assert blockers(a) == expected
    fix = a["blockers"][0]["fix"]
    if variant == "not_accepted":
        assert fix["account"] == A, "the accepter accepts"
        assert fix["command"].startswith(f"aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id {t['pcx']}")
    apply_fixes(aws, a)
    rc, a = trace(server, t["client"], t["web"])
    assert rc == 0 and a["reachable"], a["blockers"]


def test_acl_without_ephemeral_return_rule(server, ec2, aws):
    t = peered(ec2)
    c = ec2(A)
    acl = c.create_network_acl(VpcId=t["va"])["NetworkAcl"]["NetworkAclId"]
    c.create_network_acl_entry(NetworkAclId=acl, RuleNumber=100, Protocol="6", RuleAction="allow", Egress=False, CidrBlock="10.2.0.0/16", PortRange={"From": 80, "To": 80})
    assoc = [x for a in c.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [t["sa"]]}])["NetworkAcls"] for x in a["Associations"] if x["SubnetId"] == t["sa"]][0]
    c.replace_network_acl_association(AssociationId=assoc["NetworkAclAssociationId"], NetworkAclId=acl)
    rc, a = trace(server, t["client"], t["web"])
    assert rc == 1
    assert blockers(a) == [("SUBNET_ACL_RESTRICTION", "return", A)]
    assert "--egress" in a["blockers"][0]["fix"]["command"] and "From=1024,To=65535" in a["blockers"][0]["fix"]["command"]
    apply_fixes(aws, a)
    rc, a = trace(server, t["client"], t["web"])
    assert rc == 0, a["blockers"]


def test_every_blocker_at_once(server, ec2, aws):
    t = peered(ec2, accept=True, route_a=False, route_b=False, sg_rule=False)
    rc, a = trace(server, t["client"], t["web"])
    assert blockers(a) == sorted([("NO_ROUTE_TO_DESTINATION", "forward", B), ("NO_ROUTE_TO_DESTINATION", "return", A), ("SG_HAS_NO_RULES", "forward", A)])
    apply_fixes(aws, a)
    assert trace(server, t["client"], t["web"])[0] == 0


def test_trace_human_output_names_fix_and_account(server, ec2):
    t = peered(ec2, route_b=False)
    p = subprocess.run([binary(), "trace", "--from", t["client"], "--to", t["web"], "--port", "80", "--endpoint", server.url],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 1
    assert "BLOCKED (1 blocker)" in p.stdout
    assert "NO_ROUTE_TO_DESTINATION" in p.stdout and f"fix, as account {B}" in p.stdout
    assert f"--vpc-peering-connection-id {t['pcx']}" in p.stdout


def test_network_insights_computed_by_the_engine(server, ec2, aws):
    t = peered(ec2, sg_rule=False)
    c = ec2(B)
    path = c.create_network_insights_path(Source=t["client"], Destination=t["web"], Protocol="tcp", DestinationPort=80)["NetworkInsightsPath"]
    assert path["SourceArn"].endswith(f":{B}:instance/{t['client']}")
    started = c.start_network_insights_analysis(NetworkInsightsPathId=path["NetworkInsightsPathId"])["NetworkInsightsAnalysis"]
    assert started["Status"] == "running"
    got = c.describe_network_insights_analyses(NetworkInsightsAnalysisIds=[started["NetworkInsightsAnalysisId"]])["NetworkInsightsAnalyses"][0]
    assert got["Status"] == "succeeded" and got["NetworkPathFound"] is False
    ex = got["Explanations"]
    assert [e["ExplanationCode"] for e in ex] == ["SG_HAS_NO_RULES"]
    assert ex[0]["SecurityGroup"]["Id"] == t["ga"] and ex[0]["Direction"] == "ingress" and ex[0]["ComponentAccount"] == A
    assert got["ForwardPathComponents"][0]["SequenceNumber"] == 1
    # Fix it; a new analysis finds the path, with ACL rule and route details.
    ec2(A).authorize_security_group_ingress(GroupId=t["ga"], IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "10.2.0.0/16"}]}])
    again = c.start_network_insights_analysis(NetworkInsightsPathId=path["NetworkInsightsPathId"])["NetworkInsightsAnalysis"]
    got = c.describe_network_insights_analyses(NetworkInsightsAnalysisIds=[again["NetworkInsightsAnalysisId"]])["NetworkInsightsAnalyses"][0]
    assert got["NetworkPathFound"] is True and got.get("Explanations", []) == []
    comps = got["ForwardPathComponents"]
    assert any(x.get("RouteTableRoute", {}).get("VpcPeeringConnectionId") == t["pcx"] for x in comps)
    assert any(x.get("AclRule", {}).get("RuleAction") == "allow" for x in comps)
    assert any(x.get("SecurityGroupRule", {}).get("Direction") == "ingress" for x in comps)
    assert got["ReturnPathComponents"]
    # The source must be the caller's.
    with pytest.raises(Exception) as e:
        ec2(A).create_network_insights_path(Source=t["client"], Destination=t["web"], Protocol="tcp", DestinationPort=80)
    assert "InvalidInstanceID.NotFound" in str(e.value)
    # Listing and deleting (a path's analyses go with it).
    assert len(c.describe_network_insights_analyses(NetworkInsightsPathId=path["NetworkInsightsPathId"])["NetworkInsightsAnalyses"]) == 2
    aws(B, "ec2", "delete-network-insights-path", "--network-insights-path-id", path["NetworkInsightsPathId"])
    assert c.describe_network_insights_analyses()["NetworkInsightsAnalyses"] == []
    assert c.describe_network_insights_paths()["NetworkInsightsPaths"] == []


def test_matrix_and_compare(server, ec2):
    t = peered(ec2)
    p = subprocess.run([binary(), "matrix", "--port", "80", "--endpoint", server.url, "--json"], capture_output=True, text=True, timeout=60)
    m = json.loads(p.stdout)
    ids = [i["id"] for i in m["instances"]]
    r = m["reachable"]
    assert r[ids.index(t["client"])][ids.index(t["web"])] is True
    assert r[ids.index(t["web"])][ids.index(t["client"])] is False
    p = subprocess.run([binary(), "compare", "--from", t["client"], "--to", t["web"], "--endpoint", server.url, "--json"], capture_output=True, text=True, timeout=60)
    c = json.loads(p.stdout)
    by = {o["kind"]: o for o in c["options"]}
    assert by["peering"]["possible"] and by["peering"]["existing"] == t["pcx"]
    assert by["privatelink"]["direction"].startswith("one-way")
    assert by["transit-gateway"]["cost"]["hourly_usd"] > 0


def tgw_world(ec2, ram, server, share=True, client_zone="a"):
    """A's TGW (shared with B through RAM when `share`), A's web in 10.1/16
    and B's client in 10.2/16 (zone `client_zone`); B's attachment is in
    zone a only. Returns ids."""
    va, sa, ga = side(ec2, A, "10.1.0.0/16", "10.1.1.0/24")
    ec2(A).authorize_security_group_ingress(GroupId=ga, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "10.2.0.0/16"}]}])
    web = instance(ec2, A, sa, ga)
    c = ec2(B)
    vb = c.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    sb = {z: c.create_subnet(VpcId=vb, CidrBlock=f"10.2.{i + 1}.0/24", AvailabilityZone=f"us-east-1{z}")["Subnet"]["SubnetId"] for i, z in enumerate("ab")}
    gb = c.create_security_group(GroupName="client", Description="client", VpcId=vb)["GroupId"]
    client = instance(ec2, B, sb[client_zone], gb)
    t = ec2(A).create_transit_gateway(Description="hub", Options={"AutoAcceptSharedAttachments": "disable"})["TransitGateway"]
    tgw = t["TransitGatewayId"]
    server.advance_clock(60)
    ec2(A).create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=va, SubnetIds=[sa])
    ta, tb = main_table(ec2, A, va), main_table(ec2, B, vb)
    server.advance_clock(60)
    ec2(A).create_route(RouteTableId=ta, DestinationCidrBlock="10.2.0.0/16", TransitGatewayId=tgw)
    sarn = ram(A).create_resource_share(name="tgw", resourceArns=[t["TransitGatewayArn"]], principals=[B])["resourceShare"]["resourceShareArn"]
    inv = ram(B).get_resource_share_invitations(resourceShareArns=[sarn])["resourceShareInvitations"][0]["resourceShareInvitationArn"]
    if share:
        ram(B).accept_resource_share_invitation(resourceShareInvitationArn=inv)
        att = c.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=vb, SubnetIds=[sb["a"]])["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
        ec2(A).accept_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=att)
        server.advance_clock(60)
        c.create_route(RouteTableId=tb, DestinationCidrBlock="10.1.0.0/16", TransitGatewayId=tgw)
    return dict(web=web, client=client, tgw=tgw, inv=inv, vb=vb, sb=sb)


def fix_until_reachable(server, aws, src, dst, rounds=6):
    """Applies the suggested fixes round by round; returns the codes seen."""
    seen = []
    for _ in range(rounds):
        rc, a = trace(server, src, dst)
        if rc == 0:
            return seen
        seen.append(blockers(a))
        fixes = [b for b in a["blockers"] if b["fix"]]
        assert fixes, f"no fix offered: {a['blockers']}"
        for b in fixes:
            aws(b["fix"]["account"], *shlex.split(b["fix"]["command"])[1:])
        server.advance_clock(60)
    raise AssertionError(f"still blocked after {rounds} rounds: {seen}")


def test_tgw_shared_through_ram_is_reachable(server, ec2, ram):
    t = tgw_world(ec2, ram, server)
    rc, a = trace(server, t["client"], t["web"])
    assert rc == 0 and a["reachable"], a["blockers"]
    assert any(h["component"]["kind"] == "transit-gateway-route-table" for h in a["forward"])


def test_tgw_attachment_missing_in_the_sources_zone(server, ec2, ram, aws):
    t = tgw_world(ec2, ram, server, client_zone="b")
    rc, a = trace(server, t["client"], t["web"])
    assert blockers(a) == [("TGW_ROUTE_AZ_RESTRICTION", "forward", B)]
    assert a["blockers"][0]["fix"]["account"] == B
    assert "--add-subnet-ids" in a["blockers"][0]["fix"]["command"]
    apply_fixes(aws, a)
    server.advance_clock(60)
    rc, a = trace(server, t["client"], t["web"])
    assert rc == 0, a["blockers"]


def test_tgw_share_not_accepted_is_fixed_step_by_step(server, ec2, ram, aws):
    t = tgw_world(ec2, ram, server, share=False)
    rc, a = trace(server, t["client"], t["web"])
    first = [b for b in a["blockers"] if b["direction"] == "forward"][0]
    assert first["code"] == "NO_ROUTE_TO_DESTINATION"
    assert first["fix"]["account"] == B
    assert first["fix"]["command"].startswith(f"aws ram accept-resource-share-invitation --resource-share-invitation-arn {t['inv']}")
    fix_until_reachable(server, aws, t["client"], t["web"])


def privatelink_world(ec2, elbv2, server, accept=True, web_rule=True):
    """A's web behind an NLB and an endpoint service; B's client and
    interface endpoint in the same subnet (CIDRs overlap: 10.1/16 both)."""
    from test_elbv2 import network, nlb
    from test_privatelink import consumer
    va, (sa,) = network(ec2, A, "10.1.0.0/16", zones=("a",))
    ga = ec2(A).create_security_group(GroupName="web", Description="web", VpcId=va)["GroupId"]
    if web_rule:
        ec2(A).authorize_security_group_ingress(GroupId=ga, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "10.1.0.0/16"}]}])
    web = instance(ec2, A, sa, ga)
    lb = nlb(elbv2, [sa])["LoadBalancerArn"]
    tg = elbv2(A).create_target_group(Name="web", Protocol="TCP", Port=80, VpcId=va, TargetType="instance")["TargetGroups"][0]["TargetGroupArn"]
    elbv2(A).register_targets(TargetGroupArn=tg, Targets=[{"Id": web}])
    elbv2(A).create_listener(LoadBalancerArn=lb, Protocol="TCP", Port=80, DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
    svc = ec2(A).create_vpc_endpoint_service_configuration(NetworkLoadBalancerArns=[lb], AcceptanceRequired=True)["ServiceConfiguration"]
    ec2(A).modify_vpc_endpoint_service_permissions(ServiceId=svc["ServiceId"], AddAllowedPrincipals=[f"arn:aws:iam::{B}:root"])
    server.advance_clock(300)
    vb, subnets = consumer(ec2, B, "10.1.0.0/16")
    zone = ec2(A).describe_vpc_endpoint_service_configurations(ServiceIds=[svc["ServiceId"]])["ServiceConfigurations"][0]["AvailabilityZoneIds"][0]
    sb = subnets[zone]
    ep = ec2(B).create_vpc_endpoint(VpcEndpointType="Interface", VpcId=vb, ServiceName=svc["ServiceName"], SubnetIds=[sb])["VpcEndpoint"]["VpcEndpointId"]
    gb = ec2(B).describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vb]}, {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]["GroupId"]
    client = instance(ec2, B, sb, gb)
    if accept:
        ec2(A).accept_vpc_endpoint_connections(ServiceId=svc["ServiceId"], VpcEndpointIds=[ep])
    server.advance_clock(300)
    return dict(web=web, client=client, ep=ep, ga=ga, svc=svc["ServiceId"])


def test_privatelink_reachable_one_way(server, ec2, elbv2):
    t = privatelink_world(ec2, elbv2, server)
    rc, a = trace(server, t["client"], t["ep"])
    assert rc == 0 and a["reachable"], a["blockers"]
    kinds = [h["component"]["kind"] for h in a["forward"]]
    assert "vpc-endpoint" in kinds and "load-balancer" in kinds and "load-balancer-listener" in kinds and "target-group" in kinds


@pytest.mark.parametrize("variant,expected", [
    ("not_accepted", [("BAD_STATE", "forward", B)]),
    ("target_unhealthy", [("SG_HAS_NO_RULES", "forward", A)]),
])
def test_privatelink_broken_variants(server, ec2, elbv2, aws, variant, expected):
    t = privatelink_world(ec2, elbv2, server, accept=variant != "not_accepted", web_rule=variant != "target_unhealthy")
    rc, a = trace(server, t["client"], t["ep"])
    assert rc == 1
    assert blockers(a) == expected
    fix = a["blockers"][0]["fix"]
    assert fix["account"] == A, "the provider fixes both"
    if variant == "target_unhealthy":
        # The target sees the NLB's address, not the client's.
        assert "--cidr 10.1.1." in fix["command"] and t["ga"] in fix["command"]
    apply_fixes(aws, a)
    server.advance_clock(60)
    rc, a = trace(server, t["client"], t["ep"])
    assert rc == 0, a["blockers"]
