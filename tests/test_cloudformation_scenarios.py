"""The article's three options as CloudFormation stacks
(scenarios/cloudformation, in the README's order), deployed across two
accounts: option 1 with `aws cloudformation deploy` (change sets), options 2
and 3 with CreateStack. `xvpc trace` agrees with each option's verdict, and
deleting the stacks leaves both accounts as they were."""
import os
import subprocess

import boto3
import pytest

from conftest import A, B, REGION
from test_reach import trace

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scenarios", "cloudformation")


def body(name):
    with open(os.path.join(HERE, name)) as f:
        return f.read()


def cfn(server, account):
    return boto3.client("cloudformation", endpoint_url=server.url, region_name=REGION, aws_access_key_id=account, aws_secret_access_key="test")


def client(server, service, account):
    return boto3.client(service, endpoint_url=server.url, region_name=REGION, aws_access_key_id=account, aws_secret_access_key="test")


def create(server, account, name, template, **params):
    c = cfn(server, account)
    c.create_stack(StackName=name, TemplateBody=body(template), Capabilities=["CAPABILITY_IAM"],
                   Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in params.items()])
    c.get_waiter("stack_create_complete").wait(StackName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 3})
    return outputs(server, account, name)


def outputs(server, account, name):
    s = cfn(server, account).describe_stacks(StackName=name)["Stacks"][0]
    assert s["StackStatus"] in ("CREATE_COMPLETE", "UPDATE_COMPLETE"), s
    return {o["OutputKey"]: o["OutputValue"] for o in s.get("Outputs", [])}


def delete(server, account, name):
    c = cfn(server, account)
    c.delete_stack(StackName=name)
    c.get_waiter("stack_delete_complete").wait(StackName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 3})


def snapshot(server, account):
    """What the account holds, by id (what deleting the stacks must restore)."""
    ec2 = client(server, "ec2", account)
    ids = {
        "vpcs": [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]],
        "subnets": [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]],
        "route_tables": [t["RouteTableId"] + str(len(t["Routes"])) for t in ec2.describe_route_tables()["RouteTables"]],
        "groups": [g["GroupId"] for g in ec2.describe_security_groups()["SecurityGroups"]],
        "instances": [i["InstanceId"] for r in ec2.describe_instances()["Reservations"] for i in r["Instances"] if i["State"]["Name"] != "terminated"],
        "peerings": [p["VpcPeeringConnectionId"] for p in ec2.describe_vpc_peering_connections()["VpcPeeringConnections"] if p["Status"]["Code"] != "deleted"],
        "endpoints": [e["VpcEndpointId"] for e in ec2.describe_vpc_endpoints()["VpcEndpoints"] if e["State"].lower() != "deleted"],
        "tgws": [t["TransitGatewayId"] for t in ec2.describe_transit_gateways()["TransitGateways"] if t["State"] != "deleted"],
        "roles": [r["RoleName"] for r in client(server, "iam", account).list_roles()["Roles"]],
        "nlbs": [lb["LoadBalancerArn"] for lb in client(server, "elbv2", account).describe_load_balancers()["LoadBalancers"]],
    }
    return {k: sorted(v) for k, v in ids.items()}


def zone_id(server, account, instance):
    ec2 = client(server, "ec2", account)
    zone = ec2.describe_instances(InstanceIds=[instance])["Reservations"][0]["Instances"][0]["Placement"]["AvailabilityZone"]
    return ec2.describe_availability_zones(ZoneNames=[zone])["AvailabilityZones"][0]["ZoneId"]


def sides(server):
    a = create(server, A, "xvpc-a-vpc", "vpc-instance.yaml", Name="side-a", VpcCidr="10.1.0.0/16", Subnet1Cidr="10.1.1.0/24",
               Subnet2Cidr="10.1.2.0/24", PeerCidr="10.2.0.0/16")
    b = create(server, B, "xvpc-b-vpc", "vpc-instance.yaml", Name="side-b", VpcCidr="10.2.0.0/16", Subnet1Cidr="10.2.1.0/24",
               Subnet2Cidr="10.2.2.0/24", PeerCidr="10.1.0.0/16")
    return a, b


def cli_deploy(server, tmp_path, account, name, template, *params, caps=()):
    """`aws cloudformation deploy` (CreateChangeSet, its waiter, ExecuteChangeSet, the stack waiter)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=account, AWS_SECRET_ACCESS_KEY="test", AWS_CONFIG_FILE=str(tmp_path / "config"),
               AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "credentials"), AWS_PAGER="")
    args = ["aws", "--endpoint-url", server.url, "--region", REGION, "cloudformation", "deploy", "--stack-name", name,
            "--template-file", os.path.join(HERE, template), *(["--capabilities", *caps] if caps else []), "--parameter-overrides", *params]
    p = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    assert f"Successfully created/updated stack - {name}" in p.stdout


def test_peering_option_deploys_with_the_cli_and_leaves_nothing_behind(server, tmp_path):
    before = (snapshot(server, A), snapshot(server, B))
    a, b = sides(server)
    assert trace(server, b["InstanceId"], a["InstanceId"])[0] == 1, "no path before the peering"

    def deploy(account, name, template, *params, caps=()):
        cli_deploy(server, tmp_path, account, name, template, *params, caps=caps)

    deploy(B, "xvpc-b-peering-role", "peering-accepter-role.yaml", f"RequesterAccountId={A}", caps=["CAPABILITY_IAM"])
    role = outputs(server, B, "xvpc-b-peering-role")["RoleArn"]
    deploy(A, "xvpc-a-peering", "peering-requester.yaml", f"VpcId={a['VpcId']}", f"RouteTableId={a['RouteTableId']}",
           f"PeerVpcId={b['VpcId']}", f"PeerAccountId={B}", f"PeerRoleArn={role}", "PeerCidr=10.2.0.0/16")
    pcx = outputs(server, A, "xvpc-a-peering")["PeeringConnectionId"]
    # B's role accepted it: active, with the tags AWS adds.
    conn = client(server, "ec2", A).describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])["VpcPeeringConnections"][0]
    assert conn["Status"]["Code"] == "active"
    tags = {t["Key"]: t["Value"] for t in conn["Tags"]}
    assert tags["aws:cloudformation:stack-name"] == "xvpc-a-peering" and tags["aws:cloudformation:logical-id"] == "PeeringConnection"
    assert tags["aws:cloudformation:stack-id"].startswith(f"arn:aws:cloudformation:{REGION}:{A}:stack/xvpc-a-peering/")
    assert trace(server, b["InstanceId"], a["InstanceId"])[0] == 1, "B has no route back yet"
    deploy(B, "xvpc-b-peering-routes", "peering-accepter-routes.yaml", f"RouteTableId={b['RouteTableId']}",
           f"PeeringConnectionId={pcx}", "PeerCidr=10.1.0.0/16")
    rc, analysis = trace(server, b["InstanceId"], a["InstanceId"])
    assert rc == 0, analysis
    # The same question by the stacks' logical ids.
    assert trace(server, "xvpc-a-vpc/Instance", "xvpc-b-vpc/Instance")[0] == 0
    for account, name in [(B, "xvpc-b-peering-routes"), (A, "xvpc-a-peering"), (B, "xvpc-b-peering-role"), (B, "xvpc-b-vpc"), (A, "xvpc-a-vpc")]:
        delete(server, account, name)
    assert (snapshot(server, A), snapshot(server, B)) == before
    # A deleted stack is found by its id only, as DELETE_COMPLETE.
    listed = cfn(server, A).list_stacks(StackStatusFilter=["DELETE_COMPLETE"])["StackSummaries"]
    assert {s["StackName"] for s in listed} == {"xvpc-a-peering", "xvpc-a-vpc"}


def test_privatelink_and_transit_gateway_options(server):
    before = (snapshot(server, A), snapshot(server, B))
    a, b = sides(server)
    svc = create(server, A, "xvpc-a-pl-service", "privatelink-provider.yaml", VpcId=a["VpcId"], Subnet1Id=a["Subnet1Id"],
                 Subnet2Id=a["Subnet2Id"], InstanceId=a["InstanceId"], ConsumerAccountId=B)
    ep = create(server, B, "xvpc-b-pl-endpoint", "privatelink-consumer.yaml", VpcId=b["VpcId"], VpcCidr="10.2.0.0/16",
                Subnet1Id=b["Subnet1Id"], Subnet2Id=b["Subnet2Id"], ServiceName=svc["ServiceName"])
    assert ep["EndpointDnsName"].startswith(ep["EndpointId"] + "-")
    # Zone names map to zones per account, and the NLB keeps cross-zone
    # load balancing off: B's instance reaches A's through the endpoint
    # exactly when both sit in the same zone (by zone id), as in AWS.
    rc, analysis = trace(server, b["InstanceId"], ep["EndpointId"])
    same_zone = zone_id(server, A, a["InstanceId"]) == zone_id(server, B, b["InstanceId"])
    assert rc == (0 if same_zone else 1), analysis
    if not same_zone:
        assert [x["code"] for x in analysis["blockers"]] == ["ELBV2_NO_TARGETS_IN_AZ"]
    delete(server, B, "xvpc-b-pl-endpoint")
    delete(server, A, "xvpc-a-pl-service")

    hub = create(server, A, "xvpc-a-tgw-hub", "tgw-hub.yaml", VpcId=a["VpcId"], Subnet1Id=a["Subnet1Id"], Subnet2Id=a["Subnet2Id"],
                 RouteTableId=a["RouteTableId"], SpokeAccountId=B, PeerCidr="10.2.0.0/16")
    ram_b = client(server, "ram", B)
    inv = ram_b.get_resource_share_invitations(resourceShareArns=[hub["ResourceShareArn"]])["resourceShareInvitations"][0]
    ram_b.accept_resource_share_invitation(resourceShareInvitationArn=inv["resourceShareInvitationArn"])
    create(server, B, "xvpc-b-tgw-spoke", "tgw-spoke.yaml", TransitGatewayId=hub["TransitGatewayId"], VpcId=b["VpcId"],
           Subnet1Id=b["Subnet1Id"], Subnet2Id=b["Subnet2Id"], RouteTableId=b["RouteTableId"], PeerCidr="10.1.0.0/16")
    rc, analysis = trace(server, b["InstanceId"], a["InstanceId"])
    assert rc == 0, analysis
    for account, name in [(B, "xvpc-b-tgw-spoke"), (A, "xvpc-a-tgw-hub"), (B, "xvpc-b-vpc"), (A, "xvpc-a-vpc")]:
        delete(server, account, name)
    assert (snapshot(server, A), snapshot(server, B)) == before


def test_the_cdk_apps_templates_deploy(server, tmp_path):
    """tests/cdk's synthesized peering option (AWS::CDK::Metadata included)
    deploys with `aws cloudformation deploy` across the two accounts."""
    cdk = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cdk", "synthesized")
    cli_deploy(server, tmp_path, B, "cdk-accepter", os.path.join(cdk, "XvpcPeeringAccepter.template.json"), f"RequesterAccountId={A}",
               caps=["CAPABILITY_IAM"])
    acc = outputs(server, B, "cdk-accepter")
    cli_deploy(server, tmp_path, A, "cdk-requester", os.path.join(cdk, "XvpcPeeringRequester.template.json"), f"PeerVpcId={acc['VpcId']}",
               f"PeerAccountId={B}", f"PeerRoleArn={acc['RoleArn']}")
    pcx = outputs(server, A, "cdk-requester")["PeeringConnectionId"]
    conn = client(server, "ec2", B).describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])["VpcPeeringConnections"][0]
    assert conn["Status"]["Code"] == "active"
    delete(server, A, "cdk-requester")
    delete(server, B, "cdk-accepter")
