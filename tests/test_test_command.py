"""The README's test command sets itself up: scripts/test-deps installs what
is missing and nothing when all is there; under scripts/test a skipped test
is a failure unless it is marked `skip_ok`."""
import os
import shutil
import subprocess
import sys

from conftest import ROOT


def run(args, **kw):
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600, **kw)


def test_second_run_of_test_deps_installs_nothing():
    # The suite is running, so scripts/test-deps already ran once (or all was
    # there): a run now must find everything and install nothing.
    p = run(["bash", "scripts/test-deps"])
    assert p.returncode == 0, p.stderr
    assert "==>" not in p.stdout, f"installed again:\n{p.stdout}"


def test_requirements_check_sees_missing_and_wrong_versions(tmp_path):
    check = [sys.executable, os.path.join(ROOT, "scripts", "requirements_met.py")]
    ok = tmp_path / "ok.txt"
    ok.write_text("# comment\npytest>=1\nboto3\n")
    assert run(check + [str(ok)]).returncode == 0
    absent = tmp_path / "absent.txt"
    absent.write_text("pytest\nxvpc-no-such-package-anywhere\n")
    p = run(check + [str(absent)])
    assert p.returncode == 1 and "xvpc-no-such-package-anywhere" in p.stderr
    too_old = tmp_path / "old.txt"
    too_old.write_text("pytest<1\n")
    p = run(check + [str(too_old)])
    assert p.returncode == 1 and "have" in p.stderr
    # An extra's own requirements count: moto[server] needs flask.
    extra = tmp_path / "extra.txt"
    extra.write_text("moto[server]\n")
    assert run(check + [str(extra)]).returncode == 0


def test_a_skip_fails_under_scripts_test_unless_marked(tmp_path):
    shutil.copy(os.path.join(ROOT, "tests", "conftest.py"), tmp_path / "conftest.py")
    (tmp_path / "test_skips.py").write_text(
        "import pytest\n"
        "def test_tool_missing():\n    pytest.skip('no such tool')\n"
        "@pytest.mark.skip_ok\n"
        "def test_not_about_tools():\n    pytest.skip('clone elsewhere')\n"
        "@pytest.mark.xfail(strict=True)\n"
        "def test_expected_failure():\n    assert False\n")
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)]
    env = dict(os.environ, XVPC_STRICT_SKIPS="1")
    strict = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert "1 failed, 1 skipped, 1 xfailed" in strict.stdout, strict.stdout
    assert "no such tool" in strict.stdout
    env.pop("XVPC_STRICT_SKIPS")
    lax = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert "2 skipped, 1 xfailed" in lax.stdout, lax.stdout


def test_without_root_a_missing_package_stops_with_the_command(tmp_path):
    # A PATH with every tool but nft, no sudo, and an `id` that says "not
    # root": test-deps must stop before anything runs and print the command.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ["cargo", "python3", "terraform", "ip", "chromium", "node", "npm", "apt-get",
                 "sha256sum", "cut", "cat", "dirname", "env"]:
        found = shutil.which(tool)
        assert found, f"{tool} should be installed by now"
        os.symlink(found, bin_dir / tool)
    (bin_dir / "id").write_text("#!/bin/sh\necho 1000\n")
    (bin_dir / "id").chmod(0o755)
    env = dict(os.environ, PATH=str(bin_dir))
    p = subprocess.run([shutil.which("bash"), "scripts/test-deps"], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert "sudo sh -c 'apt-get update && apt-get install -y nftables'" in p.stderr, p.stderr
    assert "==>" not in p.stdout, "it must not install or run anything"
