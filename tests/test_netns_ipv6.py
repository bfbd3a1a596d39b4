"""IPv6 over real packets (`--dataplane netns`): two dual-stack VPCs in two
accounts, each instance serving HTTP on all its addresses. `curl -6` from
one to the other's IPv6 address across a peering connection answers once
both sides route the other's /56 to it, and times out while one route is
missing; an egress-only internet gateway lets an instance fetch a page
from the simulated internet's IPv6 host (2001:db8:ffff::10) but lets
nothing from there in, while an internet gateway lets it in. Each curl is
checked against `xvpc trace`. Root only (CI runs as root)."""
import ipaddress
import json
import os
import subprocess
import tempfile
import time

from conftest import A, B, binary, make_client
from test_netns_scenarios import pytestmark, srv, netns_server, xexec  # noqa: F401 (fixtures)

HOST6 = "2001:db8:ffff::10"
# Serves "hello" on every address, IPv4 and IPv6 (`--bind ::` is dual stack).
USER_DATA6 = "#!/bin/bash\nmkdir -p /srv/www && echo hello > /srv/www/index.html\ncd /srv/www && nohup python3 -m http.server 80 --bind :: &\n"


def trace(server, src, to_ip, port=80):
    """Whether `xvpc trace` says `src` reaches `to_ip`, and its blocker codes."""
    p = subprocess.run([binary(), "trace", "--from", src, "--to-ip", to_ip, "--port", str(port), "--endpoint", server.url, "--json"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode in (0, 1), p.stderr
    return p.returncode == 0, [b["code"] for b in json.loads(p.stdout)["blockers"]]


def curl6(server, instance, ip):
    return xexec(server, instance, "curl", "-6", "-s", "-m", "3", f"http://[{ip}]/")


def in_internet(srv, *cmd):
    ns = srv.get("/_xvpc/netns")["prefix"] + "-internet"
    return subprocess.run(["ip", "netns", "exec", ns, *cmd], capture_output=True, text=True)


def agree(server, src, to_ip, r):
    """The curl `r` and the engine agree: both reach, or both are blocked."""
    reached, blockers = trace(server, src, to_ip)
    assert reached == (r.returncode == 0), (src, to_ip, r.returncode, r.stdout, blockers)
    return blockers


def dual_stack(c, cidr):
    """A dual-stack VPC with one subnet assigning IPv6 addresses, a group
    open to HTTP over IPv6 and an instance serving it."""
    vpc = c.create_vpc(CidrBlock=cidr, AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    block = vpc["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    sub = c.create_subnet(VpcId=vpc["VpcId"], CidrBlock=cidr.replace(".0.0/16", ".1.0/24"),
                          Ipv6CidrBlock=str(next(ipaddress.ip_network(block).subnets(new_prefix=64))))["Subnet"]["SubnetId"]
    c.modify_subnet_attribute(SubnetId=sub, AssignIpv6AddressOnCreation={"Value": True})
    sg = c.create_security_group(GroupName="web6", Description="web6", VpcId=vpc["VpcId"])["GroupId"]
    c.authorize_security_group_egress(GroupId=sg, IpPermissions=[{"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])
    c.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])
    i = c.run_instances(ImageId="ami-1e749f67", InstanceType="t3.micro", MinCount=1, MaxCount=1, SubnetId=sub,
                        SecurityGroupIds=[sg], UserData=USER_DATA6)["Instances"][0]
    rtb = c.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["RouteTables"][0]["RouteTableId"]
    ip6 = i["NetworkInterfaces"][0]["Ipv6Addresses"][0]["Ipv6Address"]
    return {"vpc": vpc["VpcId"], "block": block, "rtb": rtb, "id": i["InstanceId"], "ip6": ip6}


def wait_serving6(server, side):
    """Until the instance's own server answers on its IPv6 address."""
    deadline = time.time() + 20
    while time.time() < deadline:
        if curl6(server, side["id"], side["ip6"]).stdout.strip() == "hello":
            return
        time.sleep(0.3)
    raise AssertionError(f"{side['id']} never served HTTP over IPv6")


def test_ipv6_over_a_peering_connection_and_an_egress_only_gateway(srv):
    ea, eb = make_client(srv, "ec2", A), make_client(srv, "ec2", B)
    a = dual_stack(ea, "10.1.0.0/16")
    b = dual_stack(eb, "10.2.0.0/16")
    assert a["ip6"].startswith("2001:db8:") and b["ip6"].startswith("2001:db8:")
    wait_serving6(srv, a)
    wait_serving6(srv, b)

    # Across a peering: IPv6 routes on both sides.
    pcx = eb.create_vpc_peering_connection(VpcId=b["vpc"], PeerVpcId=a["vpc"], PeerOwnerId=A)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ea.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    eb.create_route(RouteTableId=b["rtb"], DestinationIpv6CidrBlock=a["block"], VpcPeeringConnectionId=pcx)
    r = curl6(srv, b["id"], a["ip6"])
    assert r.returncode == 28, "no route back from A yet: timeout"
    assert agree(srv, b["id"], a["ip6"], r) == ["NO_ROUTE_TO_DESTINATION"]
    ea.create_route(RouteTableId=a["rtb"], DestinationIpv6CidrBlock=b["block"], VpcPeeringConnectionId=pcx)
    r = curl6(srv, b["id"], a["ip6"])
    assert r.returncode == 0 and r.stdout.strip() == "hello", (r.returncode, r.stdout, r.stderr)
    agree(srv, b["id"], a["ip6"], r)
    # IPv4 is not routed over the peering: only IPv6 crosses.
    a4 = ea.describe_instances(InstanceIds=[a["id"]])["Reservations"][0]["Instances"][0]["PrivateIpAddress"]
    r = xexec(srv, b["id"], "curl", "-s", "-m", "3", f"http://{a4}/")
    assert r.returncode == 28
    agree(srv, b["id"], a4, r)

    # B's egress-only gateway: out to the internet's IPv6 host, nothing in.
    www = tempfile.mkdtemp(prefix="xvpc-internet6-")
    with open(os.path.join(www, "index.html"), "w") as f:
        f.write("internet6\n")
    eigw = eb.create_egress_only_internet_gateway(VpcId=b["vpc"])["EgressOnlyInternetGateway"]["EgressOnlyInternetGatewayId"]
    srv.get("/_xvpc/netns")  # settle: the internet namespace exists now
    ns = srv.get("/_xvpc/netns")["prefix"] + "-internet"
    host = subprocess.Popen(["ip", "netns", "exec", ns, "python3", "-m", "http.server", "80", "--bind", HOST6, "--directory", www],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 10
        while in_internet(srv, "curl", "-s", "-m", "1", f"http://[{HOST6}]/").returncode != 0 and time.time() < deadline:
            time.sleep(0.2)
        r = curl6(srv, b["id"], HOST6)
        assert r.returncode == 28, "no route to the gateway yet"
        agree(srv, b["id"], HOST6, r)
        eb.create_route(RouteTableId=b["rtb"], DestinationIpv6CidrBlock="::/0", EgressOnlyInternetGatewayId=eigw)
        r = curl6(srv, b["id"], HOST6)
        assert r.returncode == 0 and r.stdout.strip() == "internet6", (r.returncode, r.stdout, r.stderr)
        agree(srv, b["id"], HOST6, r)
        # The peering's /56 is longer than ::/0: A is still reached over it.
        assert curl6(srv, b["id"], a["ip6"]).returncode == 0

        r = in_internet(srv, "curl", "-6", "-s", "-m", "3", f"http://[{b['ip6']}]/")
        assert r.returncode == 28, "an egress-only gateway lets nothing in"
        assert "NO_ROUTE_TO_DESTINATION" in agree(srv, HOST6, b["ip6"], r)

        # An internet gateway instead lets the same request in.
        igw = eb.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        eb.attach_internet_gateway(InternetGatewayId=igw, VpcId=b["vpc"])
        eb.replace_route(RouteTableId=b["rtb"], DestinationIpv6CidrBlock="::/0", GatewayId=igw)
        srv.get("/_xvpc/netns")
        r = in_internet(srv, "curl", "-6", "-s", "-m", "3", f"http://[{b['ip6']}]/")
        assert r.returncode == 0 and r.stdout.strip() == "hello", (r.returncode, r.stdout)
        agree(srv, HOST6, b["ip6"], r)
    finally:
        host.kill()
        host.wait()
