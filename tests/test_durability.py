"""Durability: an acknowledged write survives kill -9, a restart keeps
everything, resets wipe everything, and the clock offset persists.

Each test runs its own server (it kills and restarts it)."""
import threading
import time

import boto3
import botocore.config
import pytest

from conftest import REGION, Server

_CFG = botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=2, read_timeout=5)


def client(server, account, region=REGION):
    # One boto3 session per thread: the default session is not thread-safe.
    return boto3.session.Session().client(
        "ec2", endpoint_url=server.url, region_name=region, aws_access_key_id=account,
        aws_secret_access_key="test", config=_CFG)


@pytest.fixture
def own_server():
    # Empty accounts: the tests count what they wrote (and a reset leaves
    # nothing, not even a default VPC made again by the next request).
    s = Server(["--no-default-vpc"]).start()
    yield s
    s.cleanup()


def account(writer, n):
    return f"5{writer:02d}{n:09d}"


def writer(server, w, acked, stop):
    """Creates VPCs (a fresh account every 4: AWS's quota is 5 per region),
    a subnet in each and a tag on the subnet; records what was acknowledged."""
    n, ec2 = 0, None
    while not stop.is_set():
        acct = account(w, n // 4)
        try:
            if n % 4 == 0:
                ec2 = client(server, acct)
            vpc = ec2.create_vpc(CidrBlock=f"10.{n % 4}.0.0/16")["Vpc"]["VpcId"]
            acked.append(("vpc", acct, vpc, None))
            sub = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{n % 4}.1.0/24")["Subnet"]["SubnetId"]
            acked.append(("subnet", acct, sub, vpc))
            ec2.create_tags(Resources=[sub], Tags=[{"Key": "writer", "Value": f"{w}-{n}"}])
            acked.append(("tag", acct, sub, f"{w}-{n}"))
        except Exception:  # the server died under us: stop writing
            return
        n += 1


def check_consistent(state):
    """Nothing half-applied: every VPC has the resources CreateVpc makes
    with it, and every subnet's VPC exists."""
    for vpc_id in state["vpcs"]:
        assert any(rt["vpc_id"] == vpc_id and rt["main"] for rt in state["route_tables"].values()), vpc_id
        assert any(sg["vpc_id"] == vpc_id for sg in state["security_groups"].values()), vpc_id
        assert any(a["vpc_id"] == vpc_id and a["is_default"] for a in state["network_acls"].values()), vpc_id
    for sub in state["subnets"].values():
        assert sub["vpc_id"] in state["vpcs"], sub


def test_acknowledged_writes_survive_kill9(own_server):
    acked, stop = [], threading.Event()
    threads = [threading.Thread(target=writer, args=(own_server, w, acked, stop)) for w in range(6)]
    for t in threads:
        t.start()
    deadline = time.time() + 60
    while len(acked) < 90 and time.time() < deadline:
        time.sleep(0.05)
    own_server.kill9()  # mid-stream: writers are still sending
    stop.set()
    for t in threads:
        t.join(10)
    assert len(acked) >= 90, "writers made too little progress"

    own_server.start()
    state = own_server.state()
    check_consistent(state)
    for kind, acct, rid, extra in list(acked):
        if kind == "vpc":
            assert rid in state["vpcs"] and state["vpcs"][rid]["owner"] == acct
        elif kind == "subnet":
            assert rid in state["subnets"] and state["subnets"][rid]["vpc_id"] == extra
        else:
            assert state["subnets"][rid]["tags"].get("writer") == extra, state["subnets"][rid]
    # And clients see them: a sample through the API.
    kind, acct, rid, extra = next(a for a in acked if a[0] == "tag")
    tags = client(own_server, acct).describe_subnets(SubnetIds=[rid])["Subnets"][0]["Tags"]
    assert {"Key": "writer", "Value": extra} in tags

    # New ids never collide with ids handed out before the crash.
    before = set(state["vpcs"]) | set(state["subnets"])
    ec2 = client(own_server, "599999999999")
    fresh = {ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"] for _ in range(5)}
    assert not fresh & before
    assert len(own_server.state()["vpcs"]) == len(state["vpcs"]) + 5


def test_graceful_restart_keeps_everything(own_server):
    ec2 = client(own_server, "111111111111")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "kept"}]}])["Vpc"]["VpcId"]
    ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")
    client(own_server, "222222222222", "eu-west-1").create_vpc(CidrBlock="10.9.0.0/16")
    before = own_server.state()
    own_server.restart()
    assert own_server.state() == before
    assert client(own_server, "111111111111").describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["Tags"] == [
        {"Key": "Name", "Value": "kept"}]


@pytest.mark.parametrize("path", ["/_xvpc/reset", "/moto-api/reset"])
def test_reset_wipes_everything_durably(own_server, path):
    client(own_server, "111111111111").create_vpc(CidrBlock="10.0.0.0/16")
    client(own_server, "222222222222", "us-west-2").create_vpc(CidrBlock="10.0.0.0/16")
    own_server.advance_clock(600)
    own_server.post(path)
    assert all(not v for v in own_server.state().values())
    assert own_server.get("/_xvpc/clock")["offset_seconds"] == 0
    own_server.kill9()
    own_server.start()
    assert all(not v for v in own_server.state().values()), "a reset is durable too"
    assert client(own_server, "111111111111").describe_vpcs()["Vpcs"] == []


def test_clock_offset_survives_restart_and_kill9(own_server):
    own_server.advance_clock(3600)
    own_server.advance_clock(1800)
    own_server.restart()
    assert own_server.get("/_xvpc/clock")["offset_seconds"] == 5400
    own_server.kill9()
    own_server.start()
    clock = own_server.get("/_xvpc/clock")
    assert clock["offset_seconds"] == 5400
    assert abs(clock["now_ms"] / 1000 - (time.time() + 5400)) < 60
