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


def test_diagram_groups_by_stack(server, network, tmp_path):
    """VPCs a CloudFormation stack made (AWS's aws:cloudformation:* tags)
    stand in a frame named after the stack, each reading its logical id;
    the others in "not in a stack". The saved state carries the tags a
    stack's resources get (the API refuses aws: tags from users)."""
    va, sa, vb = network
    view = server.get("/_xvpc/state")
    view["state"]["vpcs"][va]["tags"].update({
        "aws:cloudformation:stack-name": "net",
        "aws:cloudformation:stack-id": f"arn:aws:cloudformation:us-east-1:{A}:stack/net/1",
        "aws:cloudformation:logical-id": "AppVpc",
    })
    saved = tmp_path / "state.json"
    saved.write_text(json.dumps(view))
    svg = diagram("--state", str(saved), "--group-by", "stack")
    assert '<g class="stack" data-stack="net">' in svg and ">stack net<" in svg
    assert "app-a · AppVpc" in svg
    # One "not in a stack" frame per region: the default VPCs and vb.
    assert svg.count('<g class="stack none"') == 2 and ">not in a stack<" in svg
    dot = diagram("--state", str(saved), "--group-by", "stack", "--format", "dot")
    assert f'label="stack net"' in dot and "AppVpc" in dot and 'label="not in a stack"' in dot
    mmd = diagram("--state", str(saved), "--group-by", "stack", "--format", "mermaid")
    assert '["stack net"]' in mmd and '["not in a stack"]' in mmd
    # Ungrouped, the picture is the usual one.
    assert "data-stack" not in diagram("--state", str(saved))
    # The console's map asks the same with ?group=stack.
    import urllib.request
    with urllib.request.urlopen(server.url + "/console/diagram.svg?group=stack") as r:
        assert r.read().decode().count('<g class="stack none"') == 2
