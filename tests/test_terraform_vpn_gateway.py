"""Terraform (AWS provider from the local mirror) builds a virtual private
gateway, attaches it, propagates into a route table and records a customer
gateway: applies, converges (an empty second plan) and destroys."""
import os

import pytest

from conftest import A
from terraform_run import applied, requires_terraform, workspace

HERE = os.path.dirname(os.path.abspath(__file__))
# Destroy must leave the account as it found it: nothing, not even a default VPC.
pytestmark = [requires_terraform, pytest.mark.empty_accounts]


def test_vpn_gateway_apply_plan_destroy(server, ec2, tmp_path):
    work, env = workspace(os.path.join(HERE, "terraform", "vpn_gateway"), server, tmp_path)
    c = ec2(A)
    with applied(work, env) as out:
        g = c.describe_vpn_gateways(VpnGatewayIds=[out["vgw_id"]])["VpnGateways"][0]
        assert (g["AmazonSideAsn"], g["VpcAttachments"]) == (64620, [{"VpcId": out["vpc_id"], "State": "attached"}])
        t = c.describe_route_tables(RouteTableIds=[out["route_table_id"]])["RouteTables"][0]
        assert t["PropagatingVgws"] == [{"GatewayId": out["vgw_id"]}]
        cg = c.describe_customer_gateways(CustomerGatewayIds=[out["cgw_id"]])["CustomerGateways"][0]
        assert (cg["BgpAsn"], cg["IpAddress"], cg["Tags"]) == ("65010", "198.51.100.7", [{"Key": "Name", "Value": "dc"}])
    assert c.describe_vpn_gateways()["VpnGateways"] == [] and c.describe_customer_gateways()["CustomerGateways"] == []
    assert c.describe_vpcs()["Vpcs"] == []
