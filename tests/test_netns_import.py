"""Imported state runs in the netns data plane (issue 17): the hand-written
two-account snapshot (tests/fixtures/two-accounts: a peering, a shared
transit gateway, PrivateLink, a NAT gateway) is imported into a
`--dataplane netns` server, each instance serves HTTP, and curl between
every pair of instances succeeds exactly where `trace --snapshot` says the
path is reachable (test_import_export.VERDICTS, worked out by hand). Root
only (CI runs as root)."""
import os
import time

import pytest

from conftest import Server
from test_import_export import FIXTURE, VERDICTS, xvpc
from test_netns_scenarios import curl, xexec

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the netns data plane needs root (CI runs as root)")

ADDRESS = {"i-00a000000000000a1": "10.1.1.10", "i-00b000000000000b1": "10.2.1.10", "i-00b000000000000b2": "10.3.1.10"}


def serve(server, instance):
    """A page naming the instance, from its own /srv (private per instance)."""
    script = (f"mkdir -p /srv/www && echo 'hello from {instance}' > /srv/www/index.html && cd /srv/www && "
              "nohup python3 -m http.server 80 >/dev/null 2>&1 &")
    r = xexec(server, instance, "sh", "-c", script)
    assert r.returncode == 0, r.stderr
    deadline = time.time() + 20
    while time.time() < deadline:
        if xexec(server, instance, "curl", "-s", "-m", "1", "http://127.0.0.1/").stdout.startswith(f"hello from {instance}"):
            return
        time.sleep(0.3)
    raise AssertionError(f"{instance} does not serve its page")


def test_curl_between_imported_instances_follows_the_verdicts():
    s = Server(["--dataplane", "netns"]).start()
    try:
        xvpc("import", FIXTURE, "--endpoint", s.url)
        for instance in ADDRESS:
            serve(s, instance)
        # Reachable pairs first (retrying while the data plane settles), so a
        # blocked pair's timeout is the firewall's, not a plane still starting.
        ordered = sorted(VERDICTS, key=lambda pair: not VERDICTS[pair][0])
        for src, dst in ordered:
            reachable = VERDICTS[(src, dst)][0]
            tries = 5 if reachable else 1
            for _ in range(tries):
                r = curl(s, src, ADDRESS[dst])
                if r.returncode == 0:
                    break
                time.sleep(1)
            if reachable:
                assert r.returncode == 0 and r.stdout.startswith(f"hello from {dst}"), (src, dst, r.returncode, r.stdout, r.stderr)
            else:
                assert r.returncode != 0, (src, dst, "reached, but trace says blocked", r.stdout)
    finally:
        s.post("/_xvpc/reset")
        s.cleanup()
