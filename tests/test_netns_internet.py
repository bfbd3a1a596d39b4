"""Internet gateways over real packets (`--dataplane netns`): an instance
with a public IP and a default route to an attached gateway fetches a page
from the simulated internet host (203.0.113.10, inside the run's
`<prefix>-internet` namespace); the internet host reaches the instance's
public IP only when its security group admits it; without a public IP or
without the route, requests time out. An instance launched with no subnet
(the default VPC's) gets out as it is. Root only (CI runs as root)."""
import contextlib
import json
import os
import subprocess
import tempfile
import time

from conftest import A, binary, make_client
from test_netns_scenarios import USER_DATA, curl, pytestmark, srv, netns_server, wait_serving  # noqa: F401 (fixtures)

HOST = "203.0.113.10"


def in_internet(srv, *cmd, **kw):
    ns = srv.get("/_xvpc/netns")["prefix"] + "-internet"
    return subprocess.run(["ip", "netns", "exec", ns, *cmd], capture_output=True, text=True, **kw)


@contextlib.contextmanager
def internet_page(srv):
    """The internet host serves a page (a server we start, and stop, here)."""
    www = tempfile.mkdtemp(prefix="xvpc-internet-")
    with open(os.path.join(www, "index.html"), "w") as f:
        f.write("internet\n")
    ns = srv.get("/_xvpc/netns")["prefix"] + "-internet"
    host = subprocess.Popen(["ip", "netns", "exec", ns, "python3", "-m", "http.server", "80", "--bind", HOST, "--directory", www],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 10
        while in_internet(srv, "curl", "-s", "-m", "1", f"http://{HOST}/").returncode != 0 and time.time() < deadline:
            time.sleep(0.2)
        yield
    finally:
        host.kill()
        host.wait()


def test_internet_gateway_over_real_packets(srv):
    c = make_client(srv, "ec2", A)
    vpc = c.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    sub = c.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
    c.modify_subnet_attribute(SubnetId=sub, MapPublicIpOnLaunch={"Value": True})
    igw = c.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    c.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    rtb = c.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    c.associate_route_table(RouteTableId=rtb, SubnetId=sub)
    c.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    sg = c.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    run = dict(ImageId="ami-1e749f67", InstanceType="t3.micro", MinCount=1, MaxCount=1)
    web = c.run_instances(SubnetId=sub, SecurityGroupIds=[sg], UserData=USER_DATA, **run)["Instances"][0]
    nic = {"DeviceIndex": 0, "SubnetId": sub, "Groups": [sg], "AssociatePublicIpAddress": False}
    private = c.run_instances(NetworkInterfaces=[nic], **run)["Instances"][0]
    public_ip = web["PublicIpAddress"]
    a = {"id": web["InstanceId"]}
    wait_serving(srv, a)

    with internet_page(srv):
        r = curl(srv, a["id"], HOST)
        assert r.returncode == 0 and r.stdout.strip() == "internet", (r.returncode, r.stdout, r.stderr)
        assert curl(srv, private["InstanceId"], HOST).returncode == 28, "no public IP: the gateway drops it"

        # Inbound: the group admits nothing yet, then port 80 from anywhere.
        assert in_internet(srv, "curl", "-s", "-m", "3", f"http://{public_ip}/").returncode == 28
        c.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        srv.get("/_xvpc/netns")  # settle
        r = in_internet(srv, "curl", "-s", "-m", "3", f"http://{public_ip}/")
        assert r.returncode == 0 and r.stdout.strip() == "hello", (r.returncode, r.stdout)

        # Without the route: neither way.
        c.delete_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0")
        assert curl(srv, a["id"], HOST).returncode == 28
        srv.get("/_xvpc/netns")
        assert in_internet(srv, "curl", "-s", "-m", "3", f"http://{public_ip}/").returncode == 28


ECHO = ("import http.server as h\n"
        "class E(h.BaseHTTPRequestHandler):\n"
        "  def do_GET(self):\n"
        "    b = self.client_address[0].encode(); self.send_response(200); self.send_header('Content-Length', str(len(b))); self.end_headers(); self.wfile.write(b)\n"
        "  def log_message(self, *a): pass\n"
        "h.HTTPServer(('%s', 80), E).serve_forever()\n" % HOST)


def test_private_instance_reaches_the_internet_through_a_nat_gateway(srv):
    """A private instance (no public IP) in a subnet whose default route is
    a public NAT gateway fetches a page from the internet host, which sees
    the gateway's Elastic IP; nothing from the internet reaches it."""
    c = make_client(srv, "ec2", A)
    vpc = c.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    public = c.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
    private = c.create_subnet(VpcId=vpc, CidrBlock="10.1.2.0/24")["Subnet"]["SubnetId"]
    igw = c.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    c.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    public_rt = c.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    c.associate_route_table(RouteTableId=public_rt, SubnetId=public)
    c.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    eip = c.allocate_address(Domain="vpc")
    nat = c.create_nat_gateway(SubnetId=public, AllocationId=eip["AllocationId"])["NatGateway"]["NatGatewayId"]
    private_rt = c.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    c.associate_route_table(RouteTableId=private_rt, SubnetId=private)
    c.create_route(RouteTableId=private_rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    sg = c.create_security_group(GroupName="app", Description="app", VpcId=vpc)["GroupId"]
    app = c.run_instances(ImageId="ami-1e749f67", InstanceType="t3.micro", MinCount=1, MaxCount=1, SubnetId=private,
                          SecurityGroupIds=[sg], UserData=USER_DATA)["Instances"][0]
    assert "PublicIpAddress" not in app
    a = {"id": app["InstanceId"]}
    wait_serving(srv, a)
    ns = srv.get("/_xvpc/netns")["prefix"] + "-internet"
    host = subprocess.Popen(["ip", "netns", "exec", ns, "python3", "-c", ECHO], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 10
        while in_internet(srv, "curl", "-s", "-m", "1", f"http://{HOST}/").returncode != 0 and time.time() < deadline:
            time.sleep(0.2)
        r = curl(srv, a["id"], HOST)
        assert r.returncode == 0 and r.stdout.strip() == eip["PublicIp"], (r.returncode, r.stdout, r.stderr)
        # Nothing comes in through the gateway's address, whatever the group.
        c.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        srv.get("/_xvpc/netns")
        assert in_internet(srv, "curl", "-s", "-m", "3", f"http://{eip['PublicIp']}/").returncode == 28
        # The gateway deleted: its route is a blackhole.
        c.delete_nat_gateway(NatGatewayId=nat)
        srv.get("/_xvpc/netns")
        assert curl(srv, a["id"], HOST).returncode == 28
    finally:
        host.kill()
        host.wait()


def test_an_instance_launched_without_a_subnet_reaches_the_internet(srv):
    """No VPC, subnet or group named: the default VPC's subnet, its public
    address and gateway carry the request out, as `xvpc trace` says."""
    c = make_client(srv, "ec2", A)
    i = c.run_instances(ImageId="ami-1e749f67", InstanceType="t3.micro", MinCount=1, MaxCount=1, UserData=USER_DATA)["Instances"][0]
    assert i["PublicIpAddress"]
    wait_serving(srv, {"id": i["InstanceId"]})
    t = subprocess.run([binary(), "trace", "--from", i["InstanceId"], "--to", HOST, "--port", "80", "--endpoint", srv.url, "--json"],
                       capture_output=True, text=True, timeout=60)
    assert t.returncode == 0 and json.loads(t.stdout)["reachable"], t.stdout
    with internet_page(srv):
        r = curl(srv, i["InstanceId"], HOST)
        assert r.returncode == 0 and r.stdout.strip() == "internet", (r.returncode, r.stdout, r.stderr)
