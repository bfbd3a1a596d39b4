"""The netns data plane cleans up after itself: on SIGTERM it removes what it
built, and after kill -9 the next start removes what the dead run left
(namespaces and the processes inside them). Root only (CI is root)."""
import os
import subprocess
import time

import pytest

from conftest import A, Server, make_client

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the netns data plane needs root (CI runs as root)")


def namespaces(prefix=None):
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout.split()
    names = [n for n in out if n.startswith("xv") and "-" in n]
    return [n for n in names if prefix is None or n.startswith(prefix + "-")]


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for our purposes.
    with open(f"/proc/{pid}/stat") as f:
        return f.read().split(")")[-1].split()[0] != "Z"


@pytest.fixture
def netns_server():
    s = Server(["--dataplane", "netns"]).start()
    yield s
    s.cleanup()


def test_sigterm_removes_everything_and_kill9_leftovers_are_removed_on_start(netns_server):
    s = netns_server
    ec2 = make_client(s, "ec2", A)
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
    eni = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    info = s.get("/_xvpc/netns")
    prefix = info["prefix"]
    router = f"{prefix}-{vpc}"
    assert router in namespaces(prefix), info
    # The guest's resolv.conf (the VPC's DNS server), mounted by `ip netns exec`.
    with open(f"/etc/netns/{prefix}-{eni}/resolv.conf") as f:
        assert "nameserver 10.1.0.2" in f.read()
    assert info["last_reconcile"]["errors"] == []

    # A process living inside the namespace, as a guest's service would.
    sleeper = subprocess.Popen(["ip", "netns", "exec", router, "sleep", "300"], start_new_session=True)
    time.sleep(0.3)
    s.kill9()
    assert router in namespaces(prefix), "kill -9 leaves the namespaces behind (nothing ran)"
    # A file whose namespace is already gone is found too.
    orphan = f"/etc/netns/{prefix}-eni-0000000000000000f"
    os.makedirs(orphan)
    open(f"{orphan}/resolv.conf", "w").close()

    s.start()
    new_prefix = s.get("/_xvpc/netns")["prefix"]
    assert new_prefix != prefix
    assert namespaces(prefix) == [], "the new start removed the dead run's namespaces"
    deadline = time.time() + 5
    while sleeper.poll() is None and time.time() < deadline:
        time.sleep(0.1)
    assert sleeper.poll() is not None, "the dead run's processes were killed"
    assert not os.path.exists(f"/run/xvpc/{prefix}")
    assert not os.path.exists(f"/etc/netns/{prefix}-{eni}"), "the dead run's resolv.conf was removed"
    assert not os.path.exists(orphan), "and files without a namespace"
    # The state survived, and the new run rebuilt it under its own prefix.
    assert f"{new_prefix}-{vpc}" in namespaces(new_prefix)

    s.stop()
    assert namespaces(new_prefix) == [], "SIGTERM removes every namespace it built"
    assert not os.path.exists(f"/etc/netns/{new_prefix}-{eni}"), "SIGTERM removes the guests' resolv.conf"
    assert not os.path.exists(f"/run/xvpc/{new_prefix}")


def test_unknown_instance_is_404(netns_server):
    with pytest.raises(Exception) as e:
        netns_server.get("/_xvpc/netns/i-0123456789abcdef0")
    assert "404" in str(e.value)


def test_without_capabilities_start_says_what_is_missing():
    import tempfile
    tmp_path = tempfile.mkdtemp(prefix="xvpc-nocap-")
    os.chmod(tmp_path, 0o777)
    from conftest import binary
    r = subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
         binary(), "serve", "--listen", "127.0.0.1:0", "--data-dir", str(tmp_path), "--dataplane", "netns"],
        capture_output=True, text=True, timeout=30, env={"PATH": os.environ["PATH"]},
    )
    import shutil
    shutil.rmtree(tmp_path, ignore_errors=True)
    assert r.returncode != 0
    assert "CAP_NET_ADMIN and CAP_SYS_ADMIN" in r.stderr and "setcap" in r.stderr, r.stderr
