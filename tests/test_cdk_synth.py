"""The CDK app of tests/cdk (aws-cdk-lib from npm, installed by
scripts/test-deps) synthesizes with `cdk synth`, offline, and its templates
are the ones checked in under tests/cdk/synthesized/, which the template
engine's test (crates/template/tests/cdk.rs) parses, binds and plans. A
change of the app or of the pinned CDK shows here first: refresh the copies
with `cd tests/cdk && npx cdk synth -o /tmp/out` and copy the two
*.template.json files over."""
import json
import os
import pathlib
import subprocess

CDK = pathlib.Path(__file__).resolve().parent / "cdk"
STACKS = ["XvpcPeeringAccepter", "XvpcPeeringRequester"]


def test_cdk_app_synthesizes_offline_to_the_checked_in_templates(tmp_path):
    env = dict(os.environ, CDK_DISABLE_CLI_TELEMETRY="true")
    r = subprocess.run(
        ["npx", "--no-install", "cdk", "synth", "--no-notices", "-q", "-o", str(tmp_path / "out")],
        cwd=CDK,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    for stack in STACKS:
        fresh = json.loads((tmp_path / "out" / f"{stack}.template.json").read_text())
        kept = json.loads((CDK / "synthesized" / f"{stack}.template.json").read_text())
        assert fresh == kept, f"{stack}: tests/cdk/synthesized is stale (see this file's docstring)"
        # What the user wrote is there: the peering option's resources.
        types = {r["Type"] for r in fresh["Resources"].values()}
        assert "AWS::EC2::VPC" in types
        assert ("AWS::IAM::Role" if stack.endswith("Accepter") else "AWS::EC2::VPCPeeringConnection") in types
