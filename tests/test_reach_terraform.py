"""Terraform's aws_ec2_network_insights_path and
aws_ec2_network_insights_analysis (wait_for_completion) against xvpc:
apply, an empty second plan, destroy."""
import json
import os

from conftest import A
from terraform_run import requires_terraform, tf, workspace

HERE = os.path.dirname(os.path.abspath(__file__))
pytestmark = requires_terraform


def test_network_insights_path_and_analysis(server, ec2, tmp_path):
    work, env = workspace(os.path.join(HERE, "terraform", "network_insights"), server, tmp_path)
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
