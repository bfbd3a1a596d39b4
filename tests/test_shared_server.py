"""A shared server is not an open one (issue 18, part 5).

A server on an address other hosts could reach refuses to start open; with
--verify-signatures and credentials it accepts only registered keys, a
revoked key is refused, and no secret or session token shows in its logs,
GET /_xvpc/state or the console. The operator endpoints but health, and
the console, answer only the server's own host.

The server listens on a non-loopback address only inside a network
namespace made here, joined to this host by a veth pair: no packet can
leave the machine. Root only (CI is root)."""
import json
import os
import re
import subprocess
import time
import urllib.error
import urllib.request

import boto3
import botocore
import botocore.config
import pytest
from botocore.exceptions import ClientError

from conftest import A, B, C, REGION, binary, error_code

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="network namespaces need root (CI runs as root)")

_N = os.getpid() % 250
NS = f"shsrv{os.getpid() % 100000}"
HOST_IF, NS_IF = f"{NS}h", f"{NS}n"
# 198.18.0.0/15 is reserved for benchmarks: never routed anywhere.
NS_IP, HOST_IP = f"198.18.{_N}.1", f"198.18.{_N}.2"

FILE_KEY, FILE_SECRET = "AKIAXVPCSHAREDFILE01", "file/Secret+Key0123456789abcdefghijklmn"
STORED_KEY, STORED_SECRET = "AKIAXVPCSHAREDSTORE1", "stored/Secret+Key0123456789abcdefghijkl"
_CFG = botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"})


def sh(*args, check=True):
    return subprocess.run(list(args), capture_output=True, text=True, check=check)


@pytest.fixture(scope="module")
def netns():
    sh("ip", "netns", "add", NS)
    try:
        sh("ip", "link", "add", HOST_IF, "type", "veth", "peer", "name", NS_IF, "netns", NS)
        sh("ip", "addr", "add", f"{HOST_IP}/30", "dev", HOST_IF)
        sh("ip", "link", "set", HOST_IF, "up")
        sh("ip", "-n", NS, "addr", "add", f"{NS_IP}/30", "dev", NS_IF)
        sh("ip", "-n", NS, "link", "set", NS_IF, "up")
        sh("ip", "-n", NS, "link", "set", "lo", "up")
        yield NS
    finally:
        sh("ip", "netns", "del", NS, check=False)  # takes the veth pair with it
        sh("ip", "link", "del", HOST_IF, check=False)


class NsServer:
    """`xvpc serve` inside the namespace, its output kept in files."""

    def __init__(self, tmp, listen, *flags):
        self.tmp, self.listen, self.flags = tmp, listen, list(flags)
        self.data_dir = tmp / "data"
        self.out, self.err = tmp / "stdout.log", tmp / "stderr.log"
        self.proc = None

    def start(self):
        env = dict(os.environ, XVPC_LOG="debug")
        seen = len(self.out.read_text()) if self.out.exists() else 0
        with open(self.out, "a") as out, open(self.err, "a") as err:
            self.proc = subprocess.Popen(["ip", "netns", "exec", NS, binary(), "serve", "--listen", self.listen,
                                          "--data-dir", str(self.data_dir), *self.flags],
                                         stdout=out, stderr=err, env=env)
        deadline = time.time() + 30
        while time.time() < deadline:
            m = re.findall(r"listening on http://([\d.]+):(\d+)", self.out.read_text()[seen:])
            if m:
                self.port = int(m[-1][1])
                self.listen = f"{m[-1][0]}:{self.port}"  # a restart keeps the port
                self.url = f"http://{NS_IP}:{self.port}"
                return self
            if self.proc.poll() is not None:
                raise RuntimeError("xvpc exited: " + self.err.read_text())
            time.sleep(0.05)
        raise RuntimeError("xvpc did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)

    def logs(self):
        return self.out.read_text() + self.err.read_text()


def client(server, service, key, secret, token=None):
    return boto3.client(service, endpoint_url=server.url, region_name=REGION, aws_access_key_id=key,
                        aws_secret_access_key=secret, aws_session_token=token, config=_CFG)


def refused(call):
    with pytest.raises(ClientError) as e:
        call()
    return error_code(e), e.value.response["ResponseMetadata"]["HTTPStatusCode"]


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def request(url, method="GET", body=None):
    req = urllib.request.Request(url, data=body, method=method, headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def on_host(server, path, method="GET", body=None):
    """A request from the server's own host (inside its namespace): (status, body)."""
    data = ["--data-binary", body] if body is not None else []
    p = subprocess.run(["ip", "netns", "exec", NS, "curl", "-s", "-m", "10", "-X", method, *data, "-w", "\n%{http_code}",
                        server.url + path], capture_output=True, text=True, timeout=30)
    out, _, status = p.stdout.rpartition("\n")
    return int(status), out


def xvpc_in_ns(*args, stdin=None):
    return subprocess.run(["ip", "netns", "exec", NS, binary(), *args], input=stdin, capture_output=True, text=True,
                          timeout=30)


@pytest.mark.parametrize("listen,flags", [
    ("0.0.0.0:0", []),
    ("[::]:0", ["--credentials", "CREDS"]),
    (f"{NS_IP}:0", ["--verify-signatures"]),
])
def test_refuses_to_serve_open_on_a_non_loopback_address(netns, tmp_path, listen, flags):
    creds = tmp_path / "creds"
    creds.write_text(f"{FILE_KEY} {FILE_SECRET} {C}\n")
    flags = [str(creds) if f == "CREDS" else f for f in flags]
    # Inside the namespace: even a broken check could serve nobody else.
    p = subprocess.run(["ip", "netns", "exec", NS, binary(), "serve", "--listen", listen, "--data-dir", str(tmp_path),
                        *flags], capture_output=True, text=True, timeout=30)
    assert p.returncode != 0, p.stdout
    assert "listening" not in p.stdout
    assert "not a loopback address" in p.stderr and "--verify-signatures" in p.stderr \
        and "--insecure-open" in p.stderr, p.stderr


@pytest.mark.parametrize("listen,flags", [("127.0.0.2:0", []), (f"{NS_IP}:0", ["--insecure-open"])])
def test_loopback_or_an_explicit_insecure_open_serves(netns, tmp_path, listen, flags):
    s = NsServer(tmp_path, listen, *flags).start()
    try:
        if listen.startswith(NS_IP):
            # Open on purpose: a 12-digit key acts as its account, as on a laptop.
            assert client(s, "sts", A, "anything").get_caller_identity()["Account"] == A
    finally:
        s.stop()


@pytest.fixture(scope="module")
def shared(netns, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("shared")
    creds = tmp / "creds"
    creds.write_text(f"{FILE_KEY} {FILE_SECRET} {C}\n")
    s = NsServer(tmp, f"{NS_IP}:0", "--verify-signatures", "--credentials", str(creds)).start()
    yield s
    s.stop()


def test_a_shared_server_accepts_only_registered_keys(shared):
    s = shared
    # Keys are managed from the server's own host only.
    status, body = get(f"{s.url}/_xvpc/credentials")
    assert status == 403, body
    add = xvpc_in_ns("credentials", "add", "--endpoint", s.url, "--account", B, "--access-key-id", STORED_KEY,
                     "--secret-stdin", stdin=STORED_SECRET + "\n")
    assert add.returncode == 0, add.stderr
    assert f"AWS_ACCESS_KEY_ID={STORED_KEY}" in add.stdout

    assert client(s, "sts", STORED_KEY, STORED_SECRET).get_caller_identity()["Account"] == B
    assert client(s, "sts", FILE_KEY, FILE_SECRET).get_caller_identity()["Account"] == C
    vpc = client(s, "ec2", STORED_KEY, STORED_SECRET).create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]
    assert vpc["OwnerId"] == B

    # A wrong secret: AWS's codes.
    assert refused(lambda: client(s, "ec2", STORED_KEY, "wrong").describe_vpcs()) == ("AuthFailure", 401)
    assert refused(lambda: client(s, "sts", STORED_KEY, "wrong").get_caller_identity()) == ("SignatureDoesNotMatch", 403)
    # A 12-digit key no longer acts as the account it names, nor does an unknown key.
    for key in [A, "AKIAXVPCNOSUCHKEY000"]:
        assert refused(lambda: client(s, "ec2", key, "test").describe_vpcs()) == ("AuthFailure", 401)
        assert refused(lambda: client(s, "sts", key, "test").get_caller_identity()) == ("InvalidClientTokenId", 403)

    # Temporary keys work with the token STS issued, and only with it.
    out = client(s, "sts", STORED_KEY, STORED_SECRET).assume_role(RoleArn=f"arn:aws:iam::{A}:role/ops",
                                                                   RoleSessionName="night")["Credentials"]
    temp = (out["AccessKeyId"], out["SecretAccessKey"], out["SessionToken"])
    assert client(s, "sts", *temp).get_caller_identity()["Account"] == A
    assert refused(lambda: client(s, "sts", temp[0], temp[1]).get_caller_identity()) == ("InvalidClientTokenId", 403)
    assert refused(lambda: client(s, "ec2", temp[0], temp[1], "forged").describe_vpcs()) == ("AuthFailure", 401)

    # Revoked: refused at once, after a reset, and after a restart.
    rev = xvpc_in_ns("credentials", "revoke", "--endpoint", s.url, STORED_KEY)
    assert rev.returncode == 0 and "Revoked" in rev.stdout, rev.stderr
    assert refused(lambda: client(s, "ec2", STORED_KEY, STORED_SECRET).describe_vpcs()) == ("AuthFailure", 401)
    assert refused(lambda: client(s, "sts", STORED_KEY, STORED_SECRET).get_caller_identity()) == ("InvalidClientTokenId", 403)
    assert on_host(s, "/_xvpc/reset", "POST", "{}")[0] == 200
    s.stop()
    s.start()
    assert refused(lambda: client(s, "sts", STORED_KEY, STORED_SECRET).get_caller_identity()) == ("InvalidClientTokenId", 403)
    listed = xvpc_in_ns("credentials", "list", "--endpoint", s.url)
    assert re.search(rf"{STORED_KEY}\s+{B}\s+Revoked", listed.stdout), listed.stdout
    assert client(s, "sts", FILE_KEY, FILE_SECRET).get_caller_identity()["Account"] == C

    # No secret and no session token anywhere an operator or a log reader looks.
    client(s, "ec2", FILE_KEY, FILE_SECRET).create_vpc(CidrBlock="10.2.0.0/16")
    seen = {"logs": s.logs()}
    for path in ["/_xvpc/state", "/_xvpc/health", "/console", "/console/console.js", "/console/diagram.svg"]:
        status, body = on_host(s, path)
        assert status == 200, (path, body)
        seen[path] = body
    assert "vpc-" in seen["/_xvpc/state"], "the state endpoint still shows the world"
    assert "access_keys" not in json.loads(seen["/_xvpc/state"])["state"]
    for where, text in seen.items():
        for secret in [STORED_SECRET, FILE_SECRET, temp[1], temp[2]]:
            assert secret not in text, f"a secret shows in {where}"


def test_dumps_go_in_and_out_only_from_the_servers_own_host(shared, tmp_path):
    # Every account's state at once: tenants of a shared server get 403.
    assert get(f"{shared.url}/_xvpc/export")[0] == 403
    req = urllib.request.Request(f"{shared.url}/_xvpc/import", data=b'{"files": []}', method="POST", headers={"content-type": "application/json"})
    try:
        status = urllib.request.urlopen(req, timeout=10).status
    except urllib.error.HTTPError as e:
        status = e.code
    assert status == 403
    out = xvpc_in_ns("export", str(tmp_path / "out"), "--endpoint", shared.url)
    assert out.returncode == 0, out.stderr


# Every operator endpoint but health, and the console: they change the
# server or show every account's state.
HOST_ONLY = [("GET", "/_xvpc/credentials"), ("POST", "/_xvpc/credentials"), ("POST", "/_xvpc/credentials/revoke"),
             ("POST", "/_xvpc/reset"), ("POST", "/moto-api/reset"), ("GET", "/_xvpc/clock"), ("POST", "/_xvpc/clock"),
             ("GET", "/_xvpc/version"), ("GET", "/_xvpc/state"), ("POST", "/_xvpc/trace"), ("POST", "/_xvpc/compare"),
             ("GET", "/_xvpc/flow-logs"), ("GET", "/_xvpc/matrix?protocol=tcp&port=22"), ("POST", "/_xvpc/matrix"),
             ("GET", "/_xvpc/export"), ("POST", "/_xvpc/import"), ("GET", "/_xvpc/no-such-endpoint"),
             ("GET", "/console"), ("GET", "/console/diagram.svg"), ("GET", "/console/console.js")]


def test_operator_endpoints_and_the_console_answer_only_the_servers_own_host(shared):
    s = shared
    vpc = client(s, "ec2", FILE_KEY, FILE_SECRET).create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    before = json.loads(on_host(s, "/_xvpc/clock")[1])["offset_seconds"]
    for method, path in HOST_ONLY:
        body = json.dumps({"advance_seconds": 86400}).encode() if method == "POST" else None
        status, text = request(s.url + path, method, body)
        assert status == 403 and "own host" in text, (method, path, status, text)
    assert request(s.url + "/_xvpc/health")[0] == 200
    # Nothing moved: the world and the clock are as they were.
    assert [v["VpcId"] for v in client(s, "ec2", FILE_KEY, FILE_SECRET).describe_vpcs(VpcIds=[vpc])["Vpcs"]] == [vpc]
    assert json.loads(on_host(s, "/_xvpc/clock")[1])["offset_seconds"] == before
    # From the host they all answer (the console's read views and live redraw included).
    for path in ["/_xvpc/version", "/_xvpc/state", "/_xvpc/matrix?protocol=tcp&port=22", "/console", "/console/diagram.svg"]:
        status, text = on_host(s, path)
        assert status == 200, (path, status, text)
    assert vpc in on_host(s, "/console/diagram.svg")[1]
    status, text = on_host(s, "/_xvpc/clock", "POST", '{"advance_seconds": 60}')
    assert status == 200 and json.loads(text)["offset_seconds"] == before + 60, text
