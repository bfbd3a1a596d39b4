"""Terraform's aws_ec2_network_insights_path and
aws_ec2_network_insights_analysis (wait_for_completion) against xvpc:
apply, an empty second plan, destroy."""
import json
import os
import shutil
import subprocess

import pytest

from conftest import A

HERE = os.path.dirname(os.path.abspath(__file__))
MIRROR = os.environ.get("TF_PLUGIN_MIRROR", "/opt/tf-plugins")

pytestmark = pytest.mark.skipif(
    shutil.which("terraform") is None or not os.path.isdir(os.path.join(MIRROR, "registry.terraform.io", "hashicorp", "aws")),
    reason="terraform or the provider mirror is not installed")


def tf(workdir, env, *args, ok=(0,)):
    flags = ["-no-color"] if args[0] == "output" else ["-input=false", "-no-color"]
    p = subprocess.run(["terraform", *args, *flags], cwd=workdir, env=env, capture_output=True, text=True, timeout=1200)
    assert p.returncode in ok, f"terraform {args[0]} exited {p.returncode}:\n{p.stdout[-4000:]}\n{p.stderr[-4000:]}"
    return p


def test_network_insights_path_and_analysis(server, ec2, tmp_path):
    work = tmp_path / "ni"
    shutil.copytree(os.path.join(HERE, "terraform", "network_insights"), work)
    rc = tmp_path / "terraformrc"
    rc.write_text('provider_installation {\n  filesystem_mirror {\n    path    = "%s"\n'
                  '    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n' % MIRROR)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(TF_CLI_CONFIG_FILE=str(rc), TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1", TF_VAR_endpoint=server.url,
               AWS_CONFIG_FILE=str(tmp_path / "none"), AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"))
    tf(work, env, "init")
    try:
        tf(work, env, "apply", "-auto-approve")
        out = json.loads(tf(work, env, "output", "-json").stdout)
        assert out["status"]["value"] == "succeeded" and out["path_found"]["value"] is True
        got = ec2(A).describe_network_insights_analyses()["NetworkInsightsAnalyses"]
        assert [a["NetworkPathFound"] for a in got] == [True]
        tf(work, env, "plan", "-detailed-exitcode")
    finally:
        tf(work, env, "destroy", "-auto-approve")
    assert ec2(A).describe_network_insights_paths()["NetworkInsightsPaths"] == []
