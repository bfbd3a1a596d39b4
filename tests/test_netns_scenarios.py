"""The scenarios of /work/shared/scenarios against a server with
`--dataplane netns`: instance A serves HTTP from its user data (the
scenario's own script), and `xvpc exec <instance B> -- curl` fetches it over
real packets. The correct setup answers; broken variants (a missing route,
a missing security group rule) time out; stopping A kills its server and
starting it runs the user data again. Root only (CI runs as root)."""
import os
import subprocess
import time

import pytest

from conftest import A, B, Server, binary, make_client

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the netns data plane needs root (CI runs as root)")

# The scenarios' user data for instance A (cli/lib.sh create_side).
USER_DATA = "#!/bin/bash\nmkdir -p /srv/www && echo hello > /srv/www/index.html\ncd /srv/www && nohup python3 -m http.server 80 &\n"


@pytest.fixture(scope="module")
def netns_server():
    s = Server(["--dataplane", "netns"]).start()
    yield s
    s.cleanup()


@pytest.fixture
def srv(netns_server):
    netns_server.post("/_xvpc/reset")
    yield netns_server
    netns_server.post("/_xvpc/reset")


def gone(pids):
    """True once none of `pids` runs (zombies awaiting their reaper count as gone)."""
    deadline = time.time() + 5
    while time.time() < deadline:
        live = []
        for p in pids:
            try:
                with open(f"/proc/{p}/stat") as f:
                    if f.read().split(")")[-1].split()[0] != "Z":
                        live.append(p)
            except FileNotFoundError:
                pass
        if not live:
            return True
        time.sleep(0.1)
    print("still running:", live)
    return False


def xexec(server, target, *cmd, timeout=30):
    return subprocess.run([binary(), "exec", "--endpoint", server.url, target, "--", *cmd],
                          capture_output=True, text=True, timeout=timeout)


def curl(server, target, ip):
    return xexec(server, target, "curl", "-s", "-m", "3", f"http://{ip}/")


def side(ec2, cidr, sg_name, http):
    """A VPC with two subnets in two AZs, its own route table, a group and an instance."""
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    base = cidr.split(".")
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]][:2]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"{base[0]}.{base[1]}.{i + 1}.0/24", AvailabilityZone=z)["Subnet"]["SubnetId"]
               for i, z in enumerate(zones)]
    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    for s in subnets:
        ec2.associate_route_table(RouteTableId=rtb, SubnetId=s)
    sg = ec2.create_security_group(GroupName=sg_name, Description=sg_name, VpcId=vpc)["GroupId"]
    kw = {"UserData": USER_DATA} if http else {}
    inst = ec2.run_instances(ImageId="ami-1e749f67", InstanceType="t3.micro", MinCount=1, MaxCount=1,
                             SubnetId=subnets[0], SecurityGroupIds=[sg], **kw)["Instances"][0]
    return {"vpc": vpc, "subnets": subnets, "rtb": rtb, "sg": sg, "id": inst["InstanceId"], "ip": inst["PrivateIpAddress"]}


def wait_serving(server, a):
    """Until A's own HTTP server answers locally (python takes a moment)."""
    deadline = time.time() + 20
    while time.time() < deadline:
        r = xexec(server, a["id"], "curl", "-s", "-m", "1", "http://127.0.0.1/")
        if r.returncode == 0 and "hello" in r.stdout:
            return
        time.sleep(0.3)
    raise AssertionError(f"instance A never served HTTP: {r.stderr}")


def test_peering_scenario_over_real_packets(srv):
    ea, eb = make_client(srv, "ec2", A), make_client(srv, "ec2", B)
    a = side(ea, "10.1.0.0/16", "web-a", http=True)
    b = side(eb, "10.2.0.0/16", "client-b", http=False)
    wait_serving(srv, a)
    assert curl(srv, b["id"], a["ip"]).returncode != 0, "no peering yet"

    pcx = ea.create_vpc_peering_connection(VpcId=a["vpc"], PeerVpcId=b["vpc"], PeerOwnerId=B)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    eb.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    ea.create_route(RouteTableId=a["rtb"], DestinationCidrBlock="10.2.0.0/16", VpcPeeringConnectionId=pcx)
    eb.create_route(RouteTableId=b["rtb"], DestinationCidrBlock="10.1.0.0/16", VpcPeeringConnectionId=pcx)
    r = curl(srv, b["id"], a["ip"])
    assert r.returncode == 28, f"SG of A does not admit B yet: expected a timeout, got {r.returncode} {r.stdout!r}"

    perm = [{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "10.2.0.0/16"}]}]
    ea.authorize_security_group_ingress(GroupId=a["sg"], IpPermissions=perm)
    r = curl(srv, b["id"], a["ip"])
    assert r.returncode == 0 and r.stdout.strip() == "hello", (r.returncode, r.stdout, r.stderr)

    # Broken variant: B's route to A is missing.
    eb.delete_route(RouteTableId=b["rtb"], DestinationCidrBlock="10.1.0.0/16")
    assert curl(srv, b["id"], a["ip"]).returncode == 28, "missing route: timeout"
    eb.create_route(RouteTableId=b["rtb"], DestinationCidrBlock="10.1.0.0/16", VpcPeeringConnectionId=pcx)
    assert curl(srv, b["id"], a["ip"]).returncode == 0

    # Broken variant: A's security group rule is missing.
    ea.revoke_security_group_ingress(GroupId=a["sg"], IpPermissions=perm)
    assert curl(srv, b["id"], a["ip"]).returncode == 28, "missing SG rule: timeout"
    ea.authorize_security_group_ingress(GroupId=a["sg"], IpPermissions=perm)
    assert curl(srv, b["id"], a["ip"]).returncode == 0

    # Stop kills A's server; start boots it again and runs the user data.
    ns = srv.get(f"/_xvpc/netns/{a['id']}")["namespace"]
    pids = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True).stdout.split()
    assert pids, "the user data's server runs inside A's namespace"
    ea.stop_instances(InstanceIds=[a["id"]])
    r = xexec(srv, a["id"], "true")
    assert r.returncode != 0 and "stopped" in r.stderr, r.stderr
    srv.get("/_xvpc/netns")  # settle
    assert gone(pids), "stopping A killed its processes"
    assert curl(srv, b["id"], a["ip"]).returncode != 0
    ea.start_instances(InstanceIds=[a["id"]])
    wait_serving(srv, a)
    assert curl(srv, b["id"], a["ip"]).returncode == 0

    # Deleting the peering cuts the path (routes become blackholes).
    ea.delete_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    assert curl(srv, b["id"], a["ip"]).returncode == 28

    # Terminating A removes its namespace and kills what ran there.
    pids = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True).stdout.split()
    ea.terminate_instances(InstanceIds=[a["id"]])
    srv.get("/_xvpc/netns")
    assert gone(pids)
    assert ns not in subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout


def test_exec_forwards_exit_code_and_stdio(srv):
    ea = make_client(srv, "ec2", A)
    a = side(ea, "10.1.0.0/16", "web-a", http=False)
    r = xexec(srv, a["id"], "sh", "-c", "ip -4 -o addr show dev eth0; echo err >&2; exit 7")
    assert r.returncode == 7
    assert f"inet {a['ip']}/24" in r.stdout and "err" in r.stderr
    r = xexec(srv, "i-0123456789abcdef0", "true")
    assert r.returncode != 0 and "no instance" in r.stderr


def test_privatelink_scenario_over_real_packets(srv):
    ea, eb = make_client(srv, "ec2", A), make_client(srv, "ec2", B)
    elb = make_client(srv, "elbv2", A)
    a = side(ea, "10.1.0.0/16", "web-a", http=True)
    b = side(eb, "10.2.0.0/16", "client-b", http=False)
    wait_serving(srv, a)
    nlb_rule = [{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "10.1.0.0/16"}]}]
    ea.authorize_security_group_ingress(GroupId=a["sg"], IpPermissions=nlb_rule)
    lb = elb.create_load_balancer(Name="pl", Type="network", Scheme="internal", Subnets=a["subnets"])["LoadBalancers"][0]["LoadBalancerArn"]
    tg = elb.create_target_group(Name="pl-tg", Protocol="TCP", Port=80, VpcId=a["vpc"], TargetType="instance")["TargetGroups"][0]["TargetGroupArn"]
    elb.register_targets(TargetGroupArn=tg, Targets=[{"Id": a["id"], "Port": 80}])
    elb.create_listener(LoadBalancerArn=lb, Protocol="TCP", Port=80, DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
    svc = ea.create_vpc_endpoint_service_configuration(NetworkLoadBalancerArns=[lb], AcceptanceRequired=True)["ServiceConfiguration"]
    ea.modify_vpc_endpoint_service_permissions(ServiceId=svc["ServiceId"], AddAllowedPrincipals=[f"arn:aws:iam::{B}:root"])
    ep_sg = eb.create_security_group(GroupName="ep", Description="ep", VpcId=b["vpc"])["GroupId"]
    ep_rule = [{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "10.2.0.0/16"}]}]
    eb.authorize_security_group_ingress(GroupId=ep_sg, IpPermissions=ep_rule)
    ep = eb.create_vpc_endpoint(VpcEndpointType="Interface", VpcId=b["vpc"], ServiceName=svc["ServiceName"],
                                SubnetIds=[b["subnets"][0]], SecurityGroupIds=[ep_sg], PrivateDnsEnabled=False)["VpcEndpoint"]
    eni = eb.describe_network_interfaces(NetworkInterfaceIds=ep["NetworkInterfaceIds"])["NetworkInterfaces"][0]
    ep_ip = eni["PrivateIpAddress"]
    assert curl(srv, b["id"], ep_ip).returncode != 0, "endpoint pending acceptance carries nothing"

    ea.accept_vpc_endpoint_connections(ServiceId=svc["ServiceId"], VpcEndpointIds=[ep["VpcEndpointId"]])
    r = curl(srv, b["id"], ep_ip)
    assert r.returncode == 0 and r.stdout.strip() == "hello", (r.returncode, r.stdout, r.stderr, srv.get("/_xvpc/netns")["last_reconcile"])
    # By name: B resolves the endpoint's DNS names through its VPC's Amazon
    # DNS server (base + 2, the guest's resolv.conf), regional and zonal.
    entries = eb.describe_vpc_endpoints(VpcEndpointIds=[ep["VpcEndpointId"]])["VpcEndpoints"][0]["DnsEntries"]
    assert len(entries) == 2, entries
    for e in entries:
        r = curl(srv, b["id"], e["DnsName"])
        assert r.returncode == 0 and r.stdout.strip() == "hello", (e, r.returncode, r.stderr)
    # B's own private DNS name (DescribeInstances) resolves once the VPC has DNS hostnames.
    b_name = eb.describe_instances(InstanceIds=[b["id"]])["Reservations"][0]["Instances"][0]["PrivateDnsName"]
    assert xexec(srv, b["id"], "getent", "ahostsv4", b_name).returncode != 0, "no DNS hostnames yet"
    eb.modify_vpc_attribute(VpcId=b["vpc"], EnableDnsHostnames={"Value": True})
    r = xexec(srv, b["id"], "getent", "ahostsv4", b_name)
    assert r.returncode == 0 and r.stdout.split()[0] == b["ip"], (b_name, r.stdout, r.stderr)
    # The target sees the NLB's private address as the client.
    log = subprocess.run(["sh", "-c", f"cat /run/xvpc/{srv.get('/_xvpc/netns')['prefix']}/{a['id']}/user-data.log"], capture_output=True, text=True).stdout
    nlb_ips = [e["PrivateIpAddress"] for e in ea.describe_network_interfaces(Filters=[{"Name": "vpc-id", "Values": [a["vpc"]]}])["NetworkInterfaces"]
               if e["NetworkInterfaceId"] != ea.describe_instances(InstanceIds=[a["id"]])["Reservations"][0]["Instances"][0]["NetworkInterfaces"][0]["NetworkInterfaceId"]]
    assert any(ip in log for ip in nlb_ips), (log, nlb_ips)

    # Broken variant: the endpoint's security group does not admit B.
    eb.revoke_security_group_ingress(GroupId=ep_sg, IpPermissions=ep_rule)
    assert curl(srv, b["id"], ep_ip).returncode == 28
    eb.authorize_security_group_ingress(GroupId=ep_sg, IpPermissions=ep_rule)
    assert curl(srv, b["id"], ep_ip).returncode == 0

    # Broken variant: the target's group does not admit the NLB: unhealthy, no target.
    ea.revoke_security_group_ingress(GroupId=a["sg"], IpPermissions=nlb_rule)
    assert curl(srv, b["id"], ep_ip).returncode != 0


def test_transit_gateway_scenario_over_real_packets(srv):
    ea, eb = make_client(srv, "ec2", A), make_client(srv, "ec2", B)
    ram_a, ram_b = make_client(srv, "ram", A), make_client(srv, "ram", B)
    a = side(ea, "10.1.0.0/16", "web-a", http=True)
    b = side(eb, "10.2.0.0/16", "client-b", http=False)
    wait_serving(srv, a)
    tgw = ea.create_transit_gateway(Description="t", Options={"AutoAcceptSharedAttachments": "disable",
                                    "DefaultRouteTableAssociation": "enable", "DefaultRouteTablePropagation": "enable"})["TransitGateway"]
    share = ram_a.create_resource_share(name="t", allowExternalPrincipals=True)["resourceShare"]["resourceShareArn"]
    ram_a.associate_resource_share(resourceShareArn=share, resourceArns=[tgw["TransitGatewayArn"]])
    ram_a.associate_resource_share(resourceShareArn=share, principals=[B])
    inv = ram_b.get_resource_share_invitations(resourceShareArns=[share])["resourceShareInvitations"][0]["resourceShareInvitationArn"]
    ram_b.accept_resource_share_invitation(resourceShareInvitationArn=inv)
    ea.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw["TransitGatewayId"], VpcId=a["vpc"], SubnetIds=a["subnets"])
    att_b = eb.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw["TransitGatewayId"], VpcId=b["vpc"], SubnetIds=b["subnets"])["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    ea.create_route(RouteTableId=a["rtb"], DestinationCidrBlock="10.2.0.0/16", TransitGatewayId=tgw["TransitGatewayId"])
    eb.create_route(RouteTableId=b["rtb"], DestinationCidrBlock="10.1.0.0/16", TransitGatewayId=tgw["TransitGatewayId"])
    perm = [{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "10.2.0.0/16"}]}]
    ea.authorize_security_group_ingress(GroupId=a["sg"], IpPermissions=perm)
    assert curl(srv, b["id"], a["ip"]).returncode == 28, "B's attachment awaits acceptance"

    ea.accept_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=att_b)
    r = curl(srv, b["id"], a["ip"])
    assert r.returncode == 0 and r.stdout.strip() == "hello", (r.returncode, r.stdout, r.stderr, srv.get("/_xvpc/netns")["last_reconcile"])

    # Broken variants: a missing route, a missing security group rule.
    eb.delete_route(RouteTableId=b["rtb"], DestinationCidrBlock="10.1.0.0/16")
    assert curl(srv, b["id"], a["ip"]).returncode == 28
    eb.create_route(RouteTableId=b["rtb"], DestinationCidrBlock="10.1.0.0/16", TransitGatewayId=tgw["TransitGatewayId"])
    assert curl(srv, b["id"], a["ip"]).returncode == 0
    ea.revoke_security_group_ingress(GroupId=a["sg"], IpPermissions=perm)
    assert curl(srv, b["id"], a["ip"]).returncode == 28
