"""VPC basics through boto3 and the AWS CLI."""
import pytest
from botocore.exceptions import ClientError

from conftest import A, B, CliError, error_code


def test_create_and_describe_vpc_with_tags_and_filters(ec2):
    c = ec2(A)
    vpc = c.create_vpc(CidrBlock="10.1.0.0/16", TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "a"}]}])["Vpc"]
    assert vpc["VpcId"].startswith("vpc-") and len(vpc["VpcId"]) == 21
    assert vpc["OwnerId"] == A
    found = c.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["a"]}])["Vpcs"]
    assert [v["VpcId"] for v in found] == [vpc["VpcId"]]
    assert c.describe_vpcs(Filters=[{"Name": "cidr-block", "Values": ["10.9.*"]}])["Vpcs"] == []


@pytest.mark.empty_accounts
def test_vpc_cidr_limits(ec2):
    c = ec2(A)
    for bad, code in [("10.0.0.0/15", "InvalidVpc.Range"), ("10.0.0.0/29", "InvalidVpc.Range"),
                      ("10.0.0.0", "InvalidParameterValue"), ("nonsense", "InvalidParameterValue")]:
        with pytest.raises(ClientError) as e:
            c.create_vpc(CidrBlock=bad)
        assert error_code(e) == code, bad
    assert c.describe_vpcs()["Vpcs"] == [], "a failed request changes nothing"


def test_cidrs_are_taken_in_canonical_form(ec2):
    """AWS "modifies the specified CIDR block to its canonical form" for
    CreateVpc, CreateSubnet, CreateRoute and CreateNetworkAclEntry."""
    c = ec2(A)
    vpc = c.create_vpc(CidrBlock="100.68.0.18/18")["Vpc"]
    assert vpc["CidrBlock"] == "100.68.0.0/18"
    vid = vpc["VpcId"]
    sub = c.create_subnet(VpcId=vid, CidrBlock="100.68.1.77/24")["Subnet"]
    assert sub["CidrBlock"] == "100.68.1.0/24"
    rtb = c.create_route_table(VpcId=vid)["RouteTable"]["RouteTableId"]
    igw = c.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    c.attach_internet_gateway(InternetGatewayId=igw, VpcId=vid)
    c.create_route(RouteTableId=rtb, DestinationCidrBlock="8.8.8.8/8", GatewayId=igw)
    routes = c.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]["Routes"]
    assert "8.0.0.0/8" in [r.get("DestinationCidrBlock") for r in routes]
    # The canonical form is the route's identity: a second create conflicts.
    with pytest.raises(ClientError) as e:
        c.create_route(RouteTableId=rtb, DestinationCidrBlock="8.1.2.3/8", GatewayId=igw)
    assert error_code(e) == "RouteAlreadyExists"
    acl = c.create_network_acl(VpcId=vid)["NetworkAcl"]["NetworkAclId"]
    c.create_network_acl_entry(NetworkAclId=acl, RuleNumber=10, Protocol="-1", RuleAction="allow", Egress=False, CidrBlock="172.16.9.9/16")
    entries = c.describe_network_acls(NetworkAclIds=[acl])["NetworkAcls"][0]["Entries"]
    assert [e["CidrBlock"] for e in entries if e["RuleNumber"] == 10] == ["172.16.0.0/16"]


@pytest.mark.empty_accounts
def test_other_account_gets_not_found(ec2, aws):
    vpc = ec2(A).create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    with pytest.raises(ClientError) as e:
        ec2(B).describe_vpcs(VpcIds=[vpc])
    assert error_code(e) == "InvalidVpcID.NotFound"
    with pytest.raises(CliError) as e:
        aws(B, "ec2", "delete-vpc", "--vpc-id", vpc)
    assert e.value.code == "InvalidVpcID.NotFound"
    assert ec2(A, "eu-west-1").describe_vpcs()["Vpcs"] == [], "regions are separate"


def test_unknown_action_is_invalid_action(server):
    import urllib.request, urllib.error
    req = urllib.request.Request(server.url + "/", data=b"Action=NoSuchThing&Version=2016-11-15", method="POST",
                                 headers={"content-type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req)
    assert e.value.code == 400
    assert b"<Code>InvalidAction</Code>" in e.value.read()


@pytest.mark.empty_accounts
def test_dry_run(ec2):
    with pytest.raises(ClientError) as e:
        ec2(A).create_vpc(CidrBlock="10.1.0.0/16", DryRun=True)
    assert error_code(e) == "DryRunOperation"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412
    assert ec2(A).describe_vpcs()["Vpcs"] == []


def test_health_names_status_version_and_every_service(server):
    h = server.get("/_xvpc/health")
    assert h["status"] == "running" and h["version"]
    # Every service a client may call, by its SigV4 scope name.
    assert sorted(h["services"]) == [
        "cloudformation", "ec2", "elasticache", "elasticloadbalancing", "iam", "logs",
        "organizations", "ram", "rds", "redshift", "ssm", "sts",
    ]
