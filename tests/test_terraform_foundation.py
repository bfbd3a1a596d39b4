"""Terraform (AWS provider 5.100 from the local mirror) builds the core
resources in two accounts, converges (an empty second plan) and destroys
everything it created."""
import os

import pytest

from conftest import A, B
from terraform_run import applied, requires_terraform, workspace

HERE = os.path.dirname(os.path.abspath(__file__))
pytestmark = requires_terraform


# Destroy must leave both accounts with nothing at all: they start empty.
@pytest.mark.empty_accounts
def test_foundation_apply_plan_destroy(server, ec2, tmp_path):
    work, env = workspace(os.path.join(HERE, "terraform", "foundation"), server, tmp_path)
    # applied(): after the body, a second plan must have nothing to do.
    with applied(work, env) as out:
        for acct, side in ((A, out["a"]), (B, out["b"])):
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
