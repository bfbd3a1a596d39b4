"""The shared PrivateLink scenarios, unedited, against the test server:
the AWS CLI script (cli/privatelink.sh) and the Terraform configuration
(run-terraform.sh privatelink: init, apply, no-drift plan, destroy)."""
import os
import shutil

import pytest

from conftest import SCENARIOS  # noqa: E402  (the in-repository copy)
from scenario_run import run  # noqa: E402



@pytest.mark.skipif(not os.path.exists(f"{SCENARIOS}/cli/privatelink.sh"), reason="shared scenarios not present")
def test_cli_privatelink_scenario(server, tmp_path):
    rc, out = run(["bash", f"{SCENARIOS}/cli/privatelink.sh", server.url], tmp_path, 600)
    assert rc == 0, out[-6000:]
    assert "FAIL" not in out, out[-6000:]


@pytest.mark.skipif(not shutil.which("terraform") or not os.path.exists(f"{SCENARIOS}/run-terraform.sh"),
                    reason="terraform or shared scenarios not present")
def test_terraform_privatelink_scenario(server, tmp_path):
    rc, out = run(["bash", f"{SCENARIOS}/run-terraform.sh", "privatelink", server.url], tmp_path, 1500)
    assert rc == 0, out[-8000:]
