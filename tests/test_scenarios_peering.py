"""The shared peering scenarios, run as a user runs them: the AWS CLI script
(cli/peering.sh) and Terraform (run-terraform.sh peering), same region and
across regions, against the test server.

They are slow (hundreds of CLI calls, a Terraform apply/plan/destroy), so
each is skipped when its tool is missing rather than failing the suite.
"""
import os
import shutil

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
from conftest import SCENARIOS  # noqa: E402  (the in-repository copy)
import scenario_run  # noqa: E402
import terraform_run  # noqa: E402


def scenario(path):
    full = os.path.join(SCENARIOS, path)
    if not os.path.exists(full):
        pytest.skip(f"shared scenarios not found at {SCENARIOS} (set XVPC_SCENARIOS)")
    return full


def run(cmd, tmp_path, timeout, **env_extra):
    rc, out = scenario_run.run(cmd, tmp_path, timeout, **env_extra)
    assert rc == 0 and "RESULT   : PASS" in out, out[-6000:]
    return out


@pytest.mark.timeout(1800)
@pytest.mark.parametrize("region_b", ["us-east-1", "us-west-2"])
def test_cli_peering_script(server, tmp_path, region_b):
    if shutil.which("aws") is None:
        pytest.skip("aws CLI not installed")
    out = run(["bash", scenario("cli/peering.sh"), server.url], tmp_path, 1800, REGION_B=region_b, WAIT_TIMEOUT="30")
    assert "fail=0 skip=0" in out


# The shared Terraform scenario sets no `peer_region` on
# aws_vpc_peering_connection, so CreateVpcPeeringConnection carries no
# PeerRegion and AWS looks for B's VPC in the requester's region (PeerRegion
# "Default: The Region in which you make the request"). With B in another
# region that VPC is not there and the connection goes `failed`, as in AWS;
# the provider then stops with "unexpected state 'failed'". Strict: if this
# starts passing, the emulator stopped enforcing the peer region.
CROSS_REGION_NEEDS_PEER_REGION = pytest.mark.xfail(
    strict=True, reason="terraform/peering/main.tf has no peer_region: AWS fails the request (peer VPC not in the requester's region)")


@pytest.mark.timeout(2400)
@pytest.mark.parametrize("region_b", ["us-east-1", pytest.param("us-west-2", marks=CROSS_REGION_NEEDS_PEER_REGION)])
def test_terraform_peering(server, tmp_path, region_b):
    if shutil.which("terraform") is None:
        pytest.skip("terraform not installed")
    if not os.path.isdir("/opt/tf-plugins") and not os.environ.get("TF_PLUGIN_MIRROR"):
        pytest.skip("no Terraform provider mirror")
    out = run(["bash", scenario("run-terraform.sh"), "peering", server.url], tmp_path, 2400, TF_VAR_region_b=region_b)
    for phase in ("init", "apply", "plan", "destroy"):
        assert any(line.startswith(phase) and " PASS " in line for line in out.splitlines()), (phase, out[-3000:])


@pytest.mark.timeout(2400)
@pytest.mark.parametrize("region_b", ["us-east-1", "us-west-2"])
def test_terraform_peering_options_and_peer_region(server, tmp_path, region_b):
    """aws_vpc_peering_connection (with peer_region), _accepter and
    _options from each side: apply, an empty plan, destroy."""
    if not terraform_run.AVAILABLE:
        pytest.skip("terraform or the provider mirror is not installed")
    work, env = terraform_run.workspace(os.path.join(ROOT, "tests", "terraform", "peering_options"), server, tmp_path,
                                        region_b=region_b)
    # applied(): the plan after apply must be empty (exit 0; 2 = changes).
    with terraform_run.applied(work, env, timeout=900):
        pass
