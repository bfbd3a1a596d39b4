"""Terraform's aws_ec2_network_insights_path and
aws_ec2_network_insights_analysis (wait_for_completion) against xvpc:
apply, an empty second plan, destroy."""
import os

from conftest import A
from terraform_run import applied, requires_terraform, workspace

HERE = os.path.dirname(os.path.abspath(__file__))
pytestmark = requires_terraform


def test_network_insights_path_and_analysis(server, ec2, tmp_path):
    work, env = workspace(os.path.join(HERE, "terraform", "network_insights"), server, tmp_path)
    with applied(work, env) as out:
        assert out["status"] == "succeeded" and out["path_found"] is True
        got = ec2(A).describe_network_insights_analyses()["NetworkInsightsAnalyses"]
        assert [a["NetworkPathFound"] for a in got] == [True]
    assert ec2(A).describe_network_insights_paths()["NetworkInsightsPaths"] == []
