"""The shared PrivateLink scenarios, unedited, against the test server:
the AWS CLI script (cli/privatelink.sh) and the Terraform configuration
(run-terraform.sh privatelink: init, apply, no-drift plan, destroy)."""
import os
import shutil
import subprocess

import pytest

from conftest import SCENARIOS  # noqa: E402  (the in-repository copy)


def run(cmd, server, tmp_path, timeout):
    env = dict(os.environ, WAIT_TIMEOUT="60", AWS_PAGER="", TMPDIR=str(tmp_path))
    for k in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        env.pop(k, None)
    env["AWS_CONFIG_FILE"] = str(tmp_path / "config")
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(tmp_path / "credentials")
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    return p.returncode, p.stdout + p.stderr


@pytest.mark.skipif(not os.path.exists(f"{SCENARIOS}/cli/privatelink.sh"), reason="shared scenarios not present")
def test_cli_privatelink_scenario(server, tmp_path):
    rc, out = run(["bash", f"{SCENARIOS}/cli/privatelink.sh", server.url], server, tmp_path, 600)
    assert rc == 0, out[-6000:]
    assert "FAIL" not in out, out[-6000:]


@pytest.mark.skipif(not shutil.which("terraform") or not os.path.exists(f"{SCENARIOS}/run-terraform.sh"),
                    reason="terraform or shared scenarios not present")
def test_terraform_privatelink_scenario(server, tmp_path):
    rc, out = run(["bash", f"{SCENARIOS}/run-terraform.sh", "privatelink", server.url], server, tmp_path, 1500)
    assert rc == 0, out[-8000:]
