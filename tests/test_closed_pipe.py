"""Every command-line tool that prints ends quietly when its reader has
gone (`xvpc matrix | head`), as a Unix tool does: no panic, no message,
status 141 (what a shell reports for a tool killed by SIGPIPE)."""
import os
import subprocess

import pytest

from conftest import Server, binary
from test_import_export import FIXTURE, SVC_B1, WEB_A


def closed_pipe(*args):
    """Runs xvpc with standard output a pipe whose reading end is already
    closed: the first write fails with EPIPE, whatever the output's size."""
    r, w = os.pipe()
    os.close(r)
    try:
        p = subprocess.run([binary(), *args], stdout=w, stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(w)
    return p


OFFLINE = {
    "matrix": ["matrix", "--snapshot", FIXTURE],
    "matrix-json": ["matrix", "--snapshot", FIXTURE, "--json"],
    "trace": ["trace", "--snapshot", FIXTURE, "--from", SVC_B1, "--to", WEB_A, "--port", "80"],
    "trace-json": ["trace", "--snapshot", FIXTURE, "--from", SVC_B1, "--to", WEB_A, "--port", "80", "--json"],
}


@pytest.mark.parametrize("name", sorted(OFFLINE))
def test_offline_commands_end_quietly(name):
    p = closed_pipe(*OFFLINE[name])
    assert p.returncode == 141 and p.stderr == "", (p.returncode, p.stderr)


def test_server_commands_end_quietly(tmp_path):
    # The import summary, written into a data dir, then a server on it.
    data = tmp_path / "data"
    p = closed_pipe("import", FIXTURE, "--data-dir", str(data))
    assert p.returncode == 141 and p.stderr == "", (p.returncode, p.stderr)
    p = closed_pipe("credentials", "list", "--data-dir", str(data))
    assert p.returncode == 141 and p.stderr == "", (p.returncode, p.stderr)
    srv = Server()
    srv.data_dir = str(data)
    srv.start()
    try:
        assert srv.get("/_xvpc/state")["state"]["vpcs"], "the import above went through before the pipe closed"
        for args in (["diagram", "--format", "dot"], ["compare", "--from", SVC_B1, "--to", WEB_A, "--port", "80"],
                     ["matrix"], ["import", FIXTURE]):
            p = closed_pipe(*args, "--endpoint", srv.url)
            assert p.returncode == 141 and p.stderr == "", (args, p.returncode, p.stderr)
    finally:
        srv.stop()
