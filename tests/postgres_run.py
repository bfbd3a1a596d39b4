"""A private PostgreSQL server for tests: initdb in a temporary directory,
pg_ctl on a free port of 127.0.0.1, trust authentication for user xvpc
(the Rust tests' crates/store/src/testing.rs does the same). PostgreSQL
refuses to run as root, so as root it runs as the `postgres` user (made by
Debian's package, which scripts/test-deps installs) or `nobody`."""
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile


def bindir():
    env = os.environ.get("XVPC_PG_BIN")
    if env and os.path.exists(os.path.join(env, "initdb")):
        return env
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    assert initdb, "PostgreSQL's initdb is missing: apt-get install postgresql (scripts/test-deps does)"
    return os.path.dirname(initdb)


def _user():
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("no user other than root to run PostgreSQL as")


class Postgres:
    def __init__(self):
        self.bin = bindir()
        self.user = _user()
        self.dir = tempfile.mkdtemp(prefix="xvpc-pg-")
        if self.user:
            os.chown(self.dir, self.user.pw_uid, self.user.pw_gid)
        self.data = os.path.join(self.dir, "data")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self._run("initdb", "-D", self.data, "-U", "xvpc", "--auth=trust", "-E", "UTF8", "--no-sync")

    def _run(self, tool, *args, check=True):
        cmd = [os.path.join(self.bin, tool), *args]
        if self.user:
            cmd = ["runuser", "-u", self.user.pw_name, "--", *cmd]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if check:
            assert p.returncode == 0, f"{tool}: {p.stdout}{p.stderr}"
        return p

    def start(self):
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        self._run("pg_ctl", "-D", self.data, "-o", opts, "-l", os.path.join(self.dir, "log"), "-w", "start")
        return self

    def stop(self, mode="fast"):
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "stop", check=False)

    def url(self, db="postgres"):
        return f"postgres://xvpc@127.0.0.1:{self.port}/{db}"

    def cleanup(self):
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)
