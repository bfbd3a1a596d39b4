"""The web console in a real headless browser (Debian's chromium, driven by
playwright-core from tests/e2e/driver.mjs), against the real server built
up with boto3 exactly as a user would.

Needs: `apt-get install chromium chromium-driver` and
`npm ci --prefix tests/e2e` (see .ci/run). The screenshot of the last step
is saved as target/console-e2e.png.
"""
import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request

import botocore.exceptions
import pytest

from conftest import A, B, ROOT

E2E = os.path.join(ROOT, "tests", "e2e")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOT = os.path.join(ROOT, "target", "console-e2e.png")


class Browser:
    """One Chromium page, commanded line by line (see driver.mjs)."""

    def __init__(self):
        missing = [p for p in (CHROMIUM, os.path.join(E2E, "node_modules", "playwright-core")) if not os.path.exists(p)]
        if missing or not shutil.which("node"):
            pytest.fail(f"browser test needs chromium, node and `npm ci --prefix tests/e2e`; missing: {missing or 'node'}")
        self.proc = subprocess.Popen(
            ["node", "driver.mjs"], cwd=E2E, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, env=dict(os.environ, CHROMIUM=CHROMIUM),
        )
        self.console_errors = []

    def do(self, op, **kw):
        self.proc.stdin.write(json.dumps(dict(op=op, **kw)) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("browser driver died: " + self.proc.stderr.read())
        ans = json.loads(line)
        self.console_errors += ans.get("console", [])
        if not ans["ok"]:
            raise AssertionError(f"{op} {kw}: {ans['error']}")
        return ans.get("value")

    def drawn(self, resource_id, timeout=5000):
        self.do("wait", selector=f'#map g[data-id="{resource_id}"]', timeout=timeout)

    def classes(self, resource_id):
        return self.do("eval", js=f'document.querySelector(\'#map g[data-id="{resource_id}"]\').getAttribute("class")').split()

    def close(self):
        try:
            self.proc.stdin.write(json.dumps({"op": "close"}) + "\n")
            self.proc.stdin.flush()
            self.proc.wait(20)
        except Exception:
            self.proc.kill()


@pytest.fixture
def browser():
    b = Browser()
    yield b
    b.close()
    assert b.console_errors == [], f"errors in the browser console: {b.console_errors}"


def http(server, path, method="GET"):
    req = urllib.request.Request(server.url + path, method=method, data=b"" if method != "GET" else None)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers.get("content-type"), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("content-type"), e.read().decode()


def vpc(ec2c, cidr, name):
    v = ec2c.create_vpc(CidrBlock=cidr, TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": name}]}])
    return v["Vpc"]["VpcId"]


def test_console_is_served_read_only_from_the_binary(server):
    status, ctype, body = http(server, "/console")
    assert status == 200 and ctype.startswith("text/html") and "/console/console.js" in body
    for path, kind in [("/console/console.js", "javascript"), ("/console/console.css", "css"), ("/console/diagram.svg", "svg")]:
        status, ctype, _ = http(server, path)
        assert status == 200 and kind in ctype, path
    assert http(server, "/console", "POST")[0] == 405
    assert http(server, "/console/nothing")[0] == 404


def test_version_counter_moves_on_every_change(server, ec2):
    v0 = server.get("/_xvpc/version")["version"]
    vpc(ec2(A), "10.9.0.0/16", "counted")
    v1 = server.get("/_xvpc/version")["version"]
    assert v1 > v0
    # A failing request changes nothing, so the console has nothing to redraw.
    with pytest.raises(botocore.exceptions.ClientError):
        ec2(A).create_vpc(CidrBlock="10.9.0.0/8")
    assert server.get("/_xvpc/version")["version"] == v1
    server.post("/_xvpc/reset")
    assert server.get("/_xvpc/version")["version"] > v1


def test_map_draws_accounts_vpcs_subnets_and_updates_live(server, ec2, browser):
    a, b = ec2(A), ec2(B, "us-west-2")
    vpc_a = vpc(a, "10.1.0.0/16", "app-a")
    sub_a1 = a.create_subnet(VpcId=vpc_a, CidrBlock="10.1.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    sub_a2 = a.create_subnet(VpcId=vpc_a, CidrBlock="10.1.2.0/24", AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
    vpc_b = vpc(b, "10.2.0.0/16", "client-b")

    browser.do("goto", url=server.url + "/console")
    for rid in (vpc_a, sub_a1, sub_a2, vpc_b):
        browser.drawn(rid)
    # Accounts are lanes, regions boxes inside them, VPCs show their CIDRs.
    assert browser.do("eval", js='[...document.querySelectorAll("#map g.lane")].map(g => g.dataset.id)') == [A, B]
    assert browser.do("eval", js='[...document.querySelectorAll("#map g.region")].map(g => g.dataset.id)') == [f"{A}:us-east-1", f"{B}:us-west-2"]
    text_a = browser.do("eval", js=f'document.querySelector(\'#map g[data-id="{vpc_a}"]\').textContent')
    assert "app-a" in text_a and "10.1.0.0/16" in text_a

    # Live: a change made through the API shows up without a reload.
    browser.do("eval", js="window.__sameDocument = true")
    started = time.time()
    vpc_c = vpc(a, "10.3.0.0/16", "added-live")
    browser.drawn(vpc_c, timeout=3000)
    assert time.time() - started < 3
    a.delete_vpc(VpcId=vpc_c)
    browser.do("wait_gone", selector=f'#map g[data-id="{vpc_c}"]', timeout=3000)
    assert browser.do("eval", js="window.__sameDocument === true")

    # Grouped by stack: no stack made these VPCs, so each region frames them
    # as "not in a stack"; unticked, the frames go.
    assert browser.do("eval", js='document.querySelectorAll("#map g.stack").length') == 0
    browser.do("click", selector="#group-stack")
    browser.do("wait", selector="#map g.stack.none")
    frames = browser.do("eval", js='[...document.querySelectorAll("#map g.stack")].map(g => g.textContent.trim())')
    assert frames == ["not in a stack", "not in a stack"]
    browser.drawn(vpc_a)
    browser.do("click", selector="#group-stack")
    browser.do("wait_gone", selector="#map g.stack")


def _peering_scenario(ec2):
    """The peering scenario of shared/scenarios/cli/peering.sh: A (10.1/16)
    serves TCP 80 to B (10.2/16) over an accepted peering connection."""
    a, b = ec2(A), ec2(B)
    ids = {}
    for side, client, cidr, peer_cidr in (("a", a, "10.1.0.0/16", "10.2.0.0/16"), ("b", b, "10.2.0.0/16", "10.1.0.0/16")):
        v = vpc(client, cidr, f"vpc-{side}")
        s = client.create_subnet(VpcId=v, CidrBlock=cidr.replace(".0.0/16", ".1.0/24"))["Subnet"]["SubnetId"]
        sg = client.create_security_group(GroupName=f"web-{side}", Description="web", VpcId=v)["GroupId"]
        inst = client.run_instances(ImageId="ami-1e749f67", MinCount=1, MaxCount=1, InstanceType="t3.micro",
                                    SubnetId=s, SecurityGroupIds=[sg],
                                    TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": f"instance-{side}"}]}])
        rtb = client.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [v]}])["RouteTables"][0]["RouteTableId"]
        ids[side] = dict(vpc=v, subnet=s, sg=sg, instance=inst["Instances"][0]["InstanceId"], rtb=rtb, peer_cidr=peer_cidr)
    pcx = a.create_vpc_peering_connection(VpcId=ids["a"]["vpc"], PeerVpcId=ids["b"]["vpc"], PeerOwnerId=B)
    pcx_id = pcx["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    b.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx_id)
    for side, client in (("a", a), ("b", b)):
        client.create_route(RouteTableId=ids[side]["rtb"], DestinationCidrBlock=ids[side]["peer_cidr"], VpcPeeringConnectionId=pcx_id)
    # SSH from A's own VPC stays after the test revokes port 80, so the
    # group still has rules, just none that matches (ENI_SG_RULES_MISMATCH).
    a.authorize_security_group_ingress(GroupId=ids["a"]["sg"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "10.2.0.0/16"}]},
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.1.0.0/16"}]}])
    return ids, pcx_id


def _require(server, ec2):
    """The trace half needs peering, instances and the reachability engine."""
    try:
        ec2(A).describe_vpc_peering_connections()
        ec2(A).describe_instances()
    except botocore.exceptions.ClientError as e:
        pytest.skip(f"this build lacks peering or instances ({e.response['Error']['Code']})")
    status, _, body = http(server, "/_xvpc/trace", "POST")
    if status == 404 and "no operational endpoint" in body:
        pytest.skip("this build lacks the reachability endpoint POST /_xvpc/trace")


def test_peering_trace_highlights_path_and_shows_blocker_with_fix(server, ec2, browser):
    _require(server, ec2)
    ids, pcx_id = _peering_scenario(ec2)
    inst_a, inst_b = ids["a"]["instance"], ids["b"]["instance"]

    browser.do("goto", url=server.url + "/console")
    for rid in (ids["a"]["vpc"], ids["b"]["vpc"], inst_a, inst_b, pcx_id):
        browser.drawn(rid)
    assert {"peering", "ok"} <= set(browser.classes(pcx_id)), "the active peering edge is drawn as active"

    # B → A on TCP 80: click the source, then the destination.
    browser.do("select", selector="#protocol", value="tcp")
    browser.do("fill", selector="#port", value="80")
    browser.do("click", selector=f'#map g[data-id="{inst_b}"]')
    browser.do("click", selector=f'#map g[data-id="{inst_a}"]')
    browser.do("wait", selector="#verdict.reachable")
    assert "hop" in browser.classes(pcx_id), "the peering connection is lit as a hop"
    assert "hop" in browser.classes(inst_a) and "hop" in browser.classes(inst_b), "both ends are lit (their ENIs are hops)"
    assert browser.do("eval", js='document.querySelectorAll("#map .trace-path:not(.blocked)").length') == 1
    assert browser.do("eval", js='document.querySelectorAll("#result .blocker").length') == 0

    # The matrix view (TCP 80) agrees: B reaches A, while A does not reach B
    # (B's group web-b has no inbound rule).
    cell = lambda src, dst: f'#matrix td[data-source="{src}"][data-destination="{dst}"]'
    browser.do("click", selector="#tab-matrix")
    browser.do("wait", selector=cell(inst_b, inst_a) + ".yes")
    browser.do("wait", selector=cell(inst_a, inst_b) + ".no")
    browser.do("click", selector="#tab-map")

    # Break it through the API: A revokes the rule. The console re-traces by itself.
    ec2(A).revoke_security_group_ingress(GroupId=ids["a"]["sg"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "10.2.0.0/16"}]}])
    browser.do("wait", selector="#verdict.blocked", timeout=3000)
    blockers = browser.do("eval", js="""[...document.querySelectorAll('#result .blocker')].map(b => ({
        component: b.dataset.component, code: b.querySelector('.code').textContent,
        account: (b.querySelector('.account') || {}).textContent,
        fix: (b.querySelector('pre.fix') || {}).textContent}))""")
    sg_blockers = [x for x in blockers if x["component"] == ids["a"]["sg"]]
    assert sg_blockers, blockers
    assert sg_blockers[0]["code"] == "ENI_SG_RULES_MISMATCH"
    assert sg_blockers[0]["account"] == A, "A owns the group, so A must run the fix"
    assert "authorize-security-group-ingress" in sg_blockers[0]["fix"] and ids["a"]["sg"] in sg_blockers[0]["fix"]
    # A's group blocks at A's network interface: the mark is on instance A.
    assert "blocker" in browser.classes(inst_a), "the blocker is marked on the map at instance A"
    assert browser.do("eval", js='document.querySelector("#map .blocker-mark").textContent').endswith("ENI_SG_RULES_MISMATCH")
    os.makedirs(os.path.dirname(SCREENSHOT), exist_ok=True)
    browser.do("screenshot", path=SCREENSHOT)
    # The matrix follows the change too.
    browser.do("click", selector="#tab-matrix")
    browser.do("wait", selector=cell(inst_b, inst_a) + ".no")
