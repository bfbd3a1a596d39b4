"""Several `xvpc serve` replicas on one PostgreSQL database (issue 18):
every write is ordered through the database, so concurrent clients spread
over three replicas lose no acknowledged write, never get one id or one
address twice, and hit quotas exactly; a peering connection is accepted
once; a replica killed with -9 restarts and catches up; a PostgreSQL
restart makes writes ServiceUnavailable (503) for a while, then they
resume, with nothing acknowledged lost.

A private PostgreSQL (tests/postgres_run.py) and three replicas serve the
whole module; each test starts from a cluster-wide reset."""
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import botocore.exceptions
import pytest

from conftest import A, B, Server, make_client
from postgres_run import Postgres

CLIENTS = 50


@pytest.fixture(scope="module")
def pg():
    p = Postgres().start()
    yield p
    p.cleanup()


@pytest.fixture(scope="module")
def replicas(pg):
    rs = [Server(["--store", pg.url(), "--no-default-vpc"]).start() for _ in range(3)]
    yield rs
    for r in rs:
        r.cleanup()


@pytest.fixture(autouse=True)
def fresh(replicas):
    for r in replicas:
        if r.proc.poll() is not None:
            r.start()
    replicas[0].post("/_xvpc/reset")
    synced(replicas)


def synced(replicas, timeout=10):
    """Waits until every replica has applied the whole log; returns its head."""
    deadline = time.time() + timeout
    while True:
        rep = [r.get("/_xvpc/health")["replication"] for r in replicas]
        heads = {x["applied_seq"] for x in rep}
        if len(heads) == 1 and all(x["lag"] == 0 for x in rep):
            return heads.pop()
        assert time.time() < deadline, f"replicas did not converge: {rep}"
        time.sleep(0.05)


def code(e):
    return e.response["Error"]["Code"]


def clients(replicas, account):
    """One boto3 client per replica (boto3 clients are thread-safe)."""
    return [make_client(r, "ec2", account) for r in replicas]


def run_all(jobs):
    with ThreadPoolExecutor(CLIENTS) as pool:
        return list(pool.map(lambda j: j(), jobs))


def attempt(call):
    """(result, None) when acknowledged, (None, error code) when refused."""
    try:
        return call(), None
    except botocore.exceptions.ClientError as e:
        return None, code(e)
    except (botocore.exceptions.EndpointConnectionError, botocore.exceptions.ConnectionClosedError) as e:
        return None, type(e).__name__


def test_creates_hold_quotas_and_never_repeat_an_id_or_address(replicas):
    accounts = [f"{700000000000 + i}" for i in range(10)]
    per_account = {a: clients(replicas, a) for a in accounts}
    # 8 CreateVpc per account, 5 allowed (AWS's quota), from 50 clients on
    # random replicas.
    jobs = [
        (lambda a=a, i=i: (a, attempt(lambda: random.choice(per_account[a]).create_vpc(CidrBlock=f"10.{i}.0.0/16")["Vpc"]["VpcId"])))
        for a in accounts for i in range(8)
    ]
    random.shuffle(jobs)
    results = run_all(jobs)
    acked = {a: [r[0] for acc, r in results if acc == a and r[0]] for a in accounts}
    refused = {r[1] for _, r in results if r[1]}
    assert refused == {"VpcLimitExceeded"}
    for a in accounts:
        assert len(acked[a]) == 5, f"{a}: {len(acked[a])} VPCs acknowledged"
    all_ids = [v for ids in acked.values() for v in ids]
    assert len(set(all_ids)) == len(all_ids) == 50
    synced(replicas)
    for a in accounts:
        for c in per_account[a]:
            assert sorted(v["VpcId"] for v in c.describe_vpcs()["Vpcs"]) == sorted(acked[a])

    # 20 interfaces wanted in a /28 (11 usable addresses).
    ec2s = clients(replicas, A)
    vpc = ec2s[0].create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2s[0].create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/28")["Subnet"]["SubnetId"]
    synced(replicas)
    results = run_all([
        lambda: attempt(lambda: random.choice(ec2s).create_network_interface(SubnetId=subnet)["NetworkInterface"])
        for _ in range(20)
    ])
    enis = [r for r, _ in results if r]
    assert {e for _, e in results if e} == {"InsufficientFreeAddressesInSubnet"}
    ips = [e["PrivateIpAddress"] for e in enis]
    assert len(enis) == 11 and len(set(ips)) == 11, ips
    assert len({e["NetworkInterfaceId"] for e in enis}) == 11
    synced(replicas)
    for c in ec2s:
        seen = c.describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": [subnet]}])["NetworkInterfaces"]
        assert sorted(e["PrivateIpAddress"] for e in seen) == sorted(ips)


def test_a_client_moving_between_replicas_reads_its_own_writes(replicas):
    """Each request goes to a random replica, as behind a load balancer:
    the next request already sees the previous one's write (a replica
    catches up before answering when the log moved)."""
    a = clients(replicas, A)
    for i in range(15):
        vpc = random.choice(a).create_vpc(CidrBlock=f"10.{i % 4}.0.0/16")["Vpc"]["VpcId"]
        subnet = random.choice(a).create_subnet(VpcId=vpc, CidrBlock=f"10.{i % 4}.1.0/24")["Subnet"]["SubnetId"]
        random.choice(a).create_tags(Resources=[subnet], Tags=[{"Key": "Name", "Value": f"s{i}"}])
        (seen,) = random.choice(a).describe_subnets(SubnetIds=[subnet])["Subnets"]
        assert seen["Tags"] == [{"Key": "Name", "Value": f"s{i}"}]
        random.choice(a).delete_subnet(SubnetId=subnet)
        random.choice(a).delete_vpc(VpcId=vpc)


def test_racing_accepts_of_one_peering_let_exactly_one_succeed(replicas):
    a, b = clients(replicas, A), clients(replicas, B)
    va = a[0].create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    vb = b[1].create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    pcx = a[2].create_vpc_peering_connection(VpcId=va, PeerVpcId=vb, PeerOwnerId=B)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    synced(replicas)
    results = run_all([
        lambda i=i: attempt(lambda: b[i % 3].accept_vpc_peering_connection(VpcPeeringConnectionId=pcx))
        for i in range(30)
    ])
    assert sum(1 for r, _ in results if r) == 1
    assert {e for _, e in results if e} == {"InvalidStateTransition"}
    synced(replicas)
    for c in a + b:
        (p,) = c.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])["VpcPeeringConnections"]
        assert p["Status"]["Code"] == "active"


def load(replicas, seconds, during):
    """Creates security groups from 50 clients on random replicas for
    `seconds`, running `during()` meanwhile; returns (acked ids, refusals)."""
    ec2s = clients(replicas, A)
    vpc = ec2s[0].create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    synced(replicas)
    acked, refused, lock = [], [], threading.Lock()
    stop = time.time() + seconds
    counter = iter(range(10**9))

    def client():
        while time.time() < stop:
            n = next(counter)
            r, e = attempt(lambda: random.choice(ec2s).create_security_group(VpcId=vpc, GroupName=f"g{n}", Description="load")["GroupId"])
            with lock:
                (acked if r else refused).append(r or e)
            if e:
                time.sleep(0.05)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    during()
    for t in threads:
        t.join()
    return vpc, acked, refused


def assert_all_hold(replicas, vpc, acked):
    synced(replicas, timeout=20)
    assert len(set(acked)) == len(acked)
    for r in replicas:
        c = make_client(r, "ec2", A)
        groups = c.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["SecurityGroups"]
        have = {g["GroupId"] for g in groups}
        assert set(acked) <= have, f"{len(set(acked) - have)} acknowledged groups missing on {r.url}"
    states = [r.state() for r in replicas]
    assert states[0] == states[1] == states[2]


def test_a_replica_killed_mid_load_restarts_and_catches_up(replicas):
    def during():
        time.sleep(1)
        replicas[2].kill9()
        time.sleep(1)
        replicas[2].start()

    vpc, acked, refused = load(replicas, 3.5, during)
    assert len(acked) > 50
    # Only requests sent to the dead replica failed, as connection errors.
    assert set(refused) <= {"EndpointConnectionError", "ConnectionClosedError"}, set(refused)
    assert_all_hold(replicas, vpc, acked)


def test_a_postgres_restart_mid_load_is_503_then_resumes(replicas, pg):
    def during():
        time.sleep(1)
        pg.stop("fast")
        time.sleep(1.5)
        pg.start()

    vpc, acked, refused = load(replicas, 5, during)
    assert "ServiceUnavailable" in refused
    assert set(refused) <= {"ServiceUnavailable"}, set(refused)
    # Writes resumed after the restart, on every replica.
    for r in replicas:
        c = make_client(r, "ec2", A)
        deadline = time.time() + 10
        while True:
            ok, e = attempt(lambda: c.create_security_group(VpcId=vpc, GroupName=f"after-{r.port}", Description="x")["GroupId"])
            if ok:
                acked.append(ok)
                break
            assert e == "ServiceUnavailable" and time.time() < deadline, e
            time.sleep(0.2)
    assert_all_hold(replicas, vpc, acked)


def test_reset_clock_and_health_are_cluster_wide(replicas):
    a = clients(replicas, A)
    a[0].create_vpc(CidrBlock="10.0.0.0/16")
    replicas[1].advance_clock(3600)
    head = synced(replicas)
    for r in replicas:
        assert r.get("/_xvpc/clock")["offset_seconds"] == 3600
        rep = r.get("/_xvpc/health")["replication"]
        assert rep["store"] == "postgres" and rep["applied_seq"] == rep["head_seq"] == head and rep["lag"] == 0
    replicas[2].post("/_xvpc/reset")
    synced(replicas)
    for r, c in zip(replicas, a):
        assert r.get("/_xvpc/clock")["offset_seconds"] == 0
        assert c.describe_vpcs()["Vpcs"] == []


def test_a_second_netns_data_plane_for_one_database_refuses_to_start(pg):
    first = Server(["--store", pg.url(), "--dataplane", "netns"]).start()
    try:
        second = Server(["--store", pg.url(), "--dataplane", "netns"])
        with pytest.raises(RuntimeError, match="already runs the netns data plane"):
            second.start()
        second.cleanup()
        # A replica without a data plane joins the same database.
        model = Server(["--store", pg.url()]).start()
        model.cleanup()
    finally:
        first.cleanup()
