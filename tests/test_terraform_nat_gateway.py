"""Terraform (AWS provider from the local mirror) builds a public NAT
gateway with an Elastic IP, a private one with a fixed address and a route
to the public one (aws_route with nat_gateway_id); converges (an empty
second plan) and destroys everything, the Elastic IP included."""
import os

from conftest import A
from terraform_run import applied, requires_terraform, workspace

HERE = os.path.dirname(os.path.abspath(__file__))
pytestmark = requires_terraform


def test_nat_gateways_apply_plan_destroy(server, ec2, tmp_path):
    work, env = workspace(os.path.join(HERE, "terraform", "nat_gateway"), server, tmp_path)
    c = ec2(A)
    with applied(work, env) as out:
        g = c.describe_nat_gateways(NatGatewayIds=[out["public_nat"]])["NatGateways"][0]
        assert g["State"] == "available" and out["public_ip"] == out["eip"] == g["NatGatewayAddresses"][0]["PublicIp"]
        p = c.describe_nat_gateways(NatGatewayIds=[out["private_nat"]])["NatGateways"][0]
        assert (p["ConnectivityType"], p["NatGatewayAddresses"][0]["PrivateIp"]) == ("private", "10.31.2.50")
        routes = c.describe_route_tables(RouteTableIds=[out["private_table"]])["RouteTables"][0]["Routes"]
        assert {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": out["public_nat"], "Origin": "CreateRoute", "State": "active"} in routes
    assert c.describe_addresses()["Addresses"] == []
    # Everything it made is gone; the default VPC was never its own.
    assert c.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["false"]}])["Vpcs"] == []
    assert {g["State"] for g in c.describe_nat_gateways()["NatGateways"]} <= {"deleted"}
