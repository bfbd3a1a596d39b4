"""`xvpc serve --dataplane netns --emulate-bandwidth`: the scaled limits
are shown by GET /_xvpc/netns and a transit gateway attachment's link gets a
token bucket at the scaled rate (the rates themselves are measured with real
traffic in crates/netns/tests/bandwidth.rs). Root only (CI runs as root)."""
import os
import subprocess

import pytest

from conftest import A, Server, binary, make_client

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the netns data plane needs root (CI runs as root)")


def test_given_scale_is_shown_and_shapes_transit_gateway_attachments():
    s = Server(["--dataplane", "netns", "--emulate-bandwidth", "--bandwidth-scale", "0.02"]).start()
    try:
        bw = s.get("/_xvpc/netns")["bandwidth"]
        assert bw["scale"] == 0.02 and bw["host_ceiling_bps"] is None
        assert bw["endpoint_per_az_bps"] == 200_000_000 and bw["aws_endpoint_per_az_bps"] == 10_000_000_000
        assert bw["transit_gateway_attachment_bps"] == 1_000_000_000 and bw["aws_transit_gateway_attachment_bps"] == 50_000_000_000
        ec2 = make_client(s, "ec2", A)
        vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
        tgw = ec2.create_transit_gateway(Description="t")["TransitGateway"]["TransitGatewayId"]
        att = ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[subnet])["TransitGatewayVpcAttachment"]
        assert att["State"] in ("available", "pending")
        prefix = s.get("/_xvpc/netns")["prefix"]
        dev = "t" + att["TransitGatewayAttachmentId"].rsplit("-", 1)[1][-14:]
        for ns in (f"{prefix}-{vpc}", f"{prefix}-{tgw}"):
            out = subprocess.run(["tc", "-n", ns, "qdisc", "show", "dev", dev], capture_output=True, text=True).stdout
            assert "tbf" in out and "rate 1Gbit" in out, (ns, out)
    finally:
        s.cleanup()


def test_default_scale_comes_from_the_measured_host():
    s = Server(["--dataplane", "netns", "--emulate-bandwidth"]).start()
    try:
        bw = s.get("/_xvpc/netns")["bandwidth"]
        assert bw["host_ceiling_bps"] > 1e8
        # The largest limit (a transit gateway attachment) is half the ceiling.
        assert abs(bw["scale"] - 0.5 * bw["host_ceiling_bps"] / 50e9) < 1e-9
        assert abs(bw["transit_gateway_attachment_bps"] - 0.5 * bw["host_ceiling_bps"]) <= 1
    finally:
        s.cleanup()


def test_off_by_default_and_only_with_the_netns_data_plane(tmp_path):
    s = Server(["--dataplane", "netns"]).start()
    try:
        assert s.get("/_xvpc/netns")["bandwidth"] is None
    finally:
        s.cleanup()
    r = subprocess.run([binary(), "serve", "--listen", "127.0.0.1:0", "--data-dir", str(tmp_path), "--emulate-bandwidth"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode != 0 and "--emulate-bandwidth needs --dataplane netns" in r.stderr
    r = subprocess.run([binary(), "serve", "--listen", "127.0.0.1:0", "--data-dir", str(tmp_path), "--dataplane", "netns",
                        "--emulate-bandwidth", "--bandwidth-scale=-1"], capture_output=True, text=True, timeout=30)
    assert r.returncode != 0 and "not a positive number" in r.stderr
