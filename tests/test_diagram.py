"""`xvpc diagram`: the console's picture of a running server, for docs and PRs."""
import json
import subprocess

import pytest

from conftest import A, B, binary


def diagram(*args):
    p = subprocess.run([binary(), "diagram", *args], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    return p.stdout


@pytest.fixture
def network(ec2):
    a, b = ec2(A), ec2(B, "us-west-2")
    va = a.create_vpc(CidrBlock="10.1.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "app-a"}]}])["Vpc"]["VpcId"]
    sa = a.create_subnet(VpcId=va, CidrBlock="10.1.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    vb = b.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    return va, sa, vb


@pytest.mark.parametrize("fmt,marker", [("svg", "<svg"), ("dot", "digraph xvpc"), ("mermaid", "flowchart LR")])
def test_diagram_of_a_running_server(server, network, fmt, marker, tmp_path):
    va, sa, vb = network
    out = tmp_path / f"net.{fmt}"
    assert diagram("--endpoint", server.url, "--format", fmt, "-o", str(out)) == ""
    text = out.read_text()
    assert text.startswith(marker)
    for needle in (va, sa, vb, "10.1.0.0/16", "10.1.1.0/24", "10.2.0.0/16", A, B, "us-west-2"):
        assert needle in text, (fmt, needle)
    # Same state, same bytes: diagrams can be committed and diffed.
    assert diagram("--endpoint", server.url, "--format", fmt) == text


def test_diagram_from_a_saved_state_equals_the_console_map(server, network, tmp_path):
    saved = tmp_path / "state.json"
    saved.write_text(json.dumps(server.get("/_xvpc/state")))
    import urllib.request
    with urllib.request.urlopen(server.url + "/console/diagram.svg") as r:
        console_svg = r.read().decode()
    assert diagram("--state", str(saved), "--format", "svg") == console_svg


def test_diagram_reports_an_unreachable_endpoint():
    p = subprocess.run([binary(), "diagram", "--endpoint", "http://127.0.0.1:9"], capture_output=True, text=True, timeout=60)
    assert p.returncode != 0 and "127.0.0.1:9" in p.stderr
