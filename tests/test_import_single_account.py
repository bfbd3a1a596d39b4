"""Batfish's single-account layout (`aws_configs/<region>/<Name>.json`, no
accounts/ level; issue 17): the account comes from the dump itself (its
reservations' and security groups' owner), so even the items that carry no
owner (an endpoint service, load balancers, route tables of a transit
gateway) land in it without --account. The fixture is B's half of
tests/fixtures/two-accounts: svc-b1 (10.2.1.10, behind an NLB and an
endpoint service) peers with A's 10.1.0.0/16; web-b2 (10.3.1.10) is
attached to A's transit gateway; A itself was not collected."""
import json
import os

from conftest import A, B, make_client
from test_import_export import ROOT, SVC_B1, WEB_B2, servers, trace, xvpc  # noqa: F401 (servers is a fixture)

ONE = os.path.join(ROOT, "fixtures", "one-account")


def codes(v):
    return [b["code"] for b in v["blockers"]]


def test_single_account_snapshot_verdicts():
    # B's two VPCs have no route to each other, either way.
    for src, dst in ((SVC_B1, WEB_B2), (WEB_B2, SVC_B1)):
        v = trace("--snapshot", ONE, "--from", src, "--to", dst)
        assert not v["reachable"] and "NO_ROUTE_TO_DESTINATION" in codes(v), v["blockers"]
    # Towards A: the peering and the transit gateway lead outside the dump.
    for src in (SVC_B1, WEB_B2):
        v = trace("--snapshot", ONE, "--from", src, "--to-ip", "10.1.1.10")
        assert codes(v) == ["UNKNOWN_DESTINATION"], v["blockers"]
        assert "outside the imported data" in v["blockers"][0]["explanation"]
    m = json.loads(xvpc("matrix", "--json", "--snapshot", ONE).stdout)
    assert len(m["instances"]) == 2, m


def test_single_account_import_lands_in_the_dumps_account(servers, tmp_path):  # noqa: F811
    srv = servers()
    out = json.loads(xvpc("import", ONE, "--endpoint", srv.url, "--strict", "--json").stdout)
    assert out["skipped"] == 0
    # Everything is B's but the peering, which A requested (its owner).
    assert {r["account"] for r in out["summary"] if r["kind"] != "VpcPeeringConnection"} == {B}, out["summary"]
    eb = make_client(srv, "ec2", B)
    assert sorted(v["VpcId"] for v in eb.describe_vpcs()["Vpcs"]) == ["vpc-0b0000000000000b1", "vpc-0b0000000000000b2"]
    # The endpoint service has no owner in its JSON: it is B's all the same.
    svc = eb.describe_vpc_endpoint_service_configurations()["ServiceConfigurations"]
    assert [s["ServiceId"] for s in svc] == ["vpce-svc-0b000000000000001"]
    # A, not collected, has only what any new account has.
    assert [v["IsDefault"] for v in make_client(srv, "ec2", A).describe_vpcs()["Vpcs"]] in ([], [True])
    # Exported back, it is B's part of the multi-account layout.
    xvpc("export", str(tmp_path / "out"), "--endpoint", srv.url)
    vpcs = json.load(open(tmp_path / "out" / "aws_configs" / "accounts" / B / "us-east-1" / "Vpcs.json"))["Vpcs"]
    assert sorted(v["VpcId"] for v in vpcs) == ["vpc-0b0000000000000b1", "vpc-0b0000000000000b2"]
