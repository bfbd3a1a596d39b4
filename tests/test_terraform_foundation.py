"""Terraform (AWS provider 5.100 from the local mirror) builds the core
resources in two accounts, converges (an empty second plan) and destroys
everything it created."""
import json
import os
import shutil
import subprocess

import pytest

from conftest import A, B

HERE = os.path.dirname(os.path.abspath(__file__))
MIRROR = os.environ.get("TF_PLUGIN_MIRROR", "/opt/tf-plugins")
PHASE_TIMEOUT = int(os.environ.get("PHASE_TIMEOUT", "1200"))

pytestmark = pytest.mark.skipif(
    shutil.which("terraform") is None or not os.path.isdir(os.path.join(MIRROR, "registry.terraform.io", "hashicorp", "aws")),
    reason="terraform or the provider mirror is not installed")


def tf(workdir, env, *args, ok=(0,)):
    flags = ["-no-color"] if args[0] == "output" else ["-input=false", "-no-color"]
    p = subprocess.run(["terraform", *args, *flags], cwd=workdir, env=env,
                       capture_output=True, text=True, timeout=PHASE_TIMEOUT)
    assert p.returncode in ok, f"terraform {args[0]} exited {p.returncode}:\n{p.stdout[-4000:]}\n{p.stderr[-4000:]}"
    return p


def test_foundation_apply_plan_destroy(server, ec2, tmp_path):
    work = tmp_path / "foundation"
    shutil.copytree(os.path.join(HERE, "terraform", "foundation"), work)
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
        for acct, side in ((A, out["a"]["value"]), (B, out["b"]["value"])):
            c = ec2(acct)
            assert side["account_id"] == acct
            assert side["ami_id"] == "ami-0453ec754f44f9a4a", "most_recent AL2023 x86_64"
            inst = c.describe_instances(InstanceIds=[side["instance_id"]])["Reservations"][0]["Instances"][0]
            assert inst["State"]["Name"] == "running" and inst["SubnetId"] == side["subnet_ids"][0]
            assert {g["GroupId"] for g in inst["SecurityGroups"]} == {side["web_sg_id"], side["app_sg_id"]}
            rt = c.describe_route_tables(RouteTableIds=[side["route_table_id"]])["RouteTables"][0]
            assert {r["DestinationCidrBlock"]: (r.get("GatewayId"), r["State"]) for r in rt["Routes"]}["0.0.0.0/0"] == (side["igw_id"], "active")
            assert sorted(a["SubnetId"] for a in rt["Associations"]) == sorted(side["subnet_ids"])
            acl = c.describe_network_acls(NetworkAclIds=[side["acl_id"]])["NetworkAcls"][0]
            assert [a["SubnetId"] for a in acl["Associations"]] == [side["subnet_ids"][1]]
            rules = c.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [side["app_sg_id"]]}])["SecurityGroupRules"]
            assert len(rules) == 4
            # Account isolation holds for what Terraform built.
            other = ec2(B if acct == A else A)
            assert other.describe_instances(Filters=[{"Name": "instance-id", "Values": [side["instance_id"]]}])["Reservations"] == []
        # A second plan right after apply has nothing to do.
        tf(work, env, "plan", "-detailed-exitcode")
    finally:
        tf(work, env, "destroy", "-auto-approve")
    for acct in (A, B):
        c = ec2(acct)
        assert c.describe_vpcs()["Vpcs"] == []
        assert c.describe_subnets()["Subnets"] == []
        assert c.describe_route_tables()["RouteTables"] == []
        assert c.describe_internet_gateways()["InternetGateways"] == []
        assert c.describe_security_groups()["SecurityGroups"] == []
        assert c.describe_network_acls()["NetworkAcls"] == []
        assert c.describe_network_interfaces()["NetworkInterfaces"] == []
        states = {i["State"]["Name"] for r in c.describe_instances()["Reservations"] for i in r["Instances"]}
        assert states <= {"terminated"}
