"""The CloudFormation peering option over real packets: both sides' stacks
(scenarios/cloudformation/vpc-instance.yaml, whose user data serves HTTP)
and the peering stacks (B's role, A's PeerRoleArn connection and route, B's
route) on a `--dataplane netns` server; B's instance fetches A's page with
curl once the stacks are complete; each instance serves its own page (its
/srv is its own, not the host's). Root only (CI runs as root)."""
import os

import pytest

from conftest import A, B, Server
from test_cloudformation_scenarios import create
from test_netns_scenarios import curl, xexec

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the netns data plane needs root (CI runs as root)")


def serving(server, instance, text):
    import time
    deadline = time.time() + 20
    while time.time() < deadline:
        r = xexec(server, instance, "curl", "-s", "-m", "1", "http://127.0.0.1/")
        if r.returncode == 0 and text in r.stdout:
            return True
        time.sleep(0.3)
    return False


def host_page():
    try:
        with open("/srv/www/index.html") as f:
            return f.read()
    except OSError:
        return None


def test_peering_stacks_carry_real_packets():
    before = host_page()
    s = Server(["--dataplane", "netns"]).start()
    try:
        a = create(s, A, "a-vpc", "vpc-instance.yaml", Name="side-a", VpcCidr="10.1.0.0/16", Subnet1Cidr="10.1.1.0/24",
                   Subnet2Cidr="10.1.2.0/24", PeerCidr="10.2.0.0/16")
        b = create(s, B, "b-vpc", "vpc-instance.yaml", Name="side-b", VpcCidr="10.2.0.0/16", Subnet1Cidr="10.2.1.0/24",
                   Subnet2Cidr="10.2.2.0/24", PeerCidr="10.1.0.0/16")
        # Both user data scripts write /srv/www/index.html; each instance
        # has its own /srv, so each serves its own page and the host's is untouched.
        assert serving(s, a["InstanceId"], "hello from side-a"), "A's user data serves its page"
        assert serving(s, b["InstanceId"], "hello from side-b"), "B's user data serves its page"
        assert xexec(s, b["InstanceId"], "cat", "/srv/www/index.html").stdout == "hello from side-b\n", "xvpc exec sees B's files"
        assert host_page() == before, "the host's /srv is not the instances'"
        assert curl(s, b["InstanceId"], a["InstancePrivateIp"]).returncode != 0, "no peering yet"
        role = create(s, B, "b-role", "peering-accepter-role.yaml", RequesterAccountId=A)["RoleArn"]
        pcx = create(s, A, "a-peering", "peering-requester.yaml", VpcId=a["VpcId"], RouteTableId=a["RouteTableId"], PeerVpcId=b["VpcId"],
                     PeerAccountId=B, PeerRoleArn=role, PeerCidr="10.2.0.0/16")["PeeringConnectionId"]
        create(s, B, "b-routes", "peering-accepter-routes.yaml", RouteTableId=b["RouteTableId"], PeeringConnectionId=pcx, PeerCidr="10.1.0.0/16")
        r = curl(s, b["InstanceId"], a["InstancePrivateIp"])
        assert r.returncode == 0 and r.stdout.startswith("hello from side-a"), (r.returncode, r.stdout, r.stderr)
    finally:
        s.post("/_xvpc/reset")
        s.cleanup()
