"""VPC Block Public Access through boto3 and `xvpc trace`: the account's
options per Region, exclusions and their states, what the VPCs and subnets
describe, and the engine blocking internet gateway traffic with a fix the
named account can run (checked by running it with the AWS CLI)."""
import pytest
from botocore.exceptions import ClientError

from conftest import A, B, error_code
from test_public_ip import public_web
from test_reach import apply_fixes, trace

HOST = "203.0.113.10"


def options(c):
    return c.describe_vpc_block_public_access_options()["VpcBlockPublicAccessOptions"]


def test_options_per_account_and_region(ec2):
    a = ec2(A)
    o = options(a)
    assert (o["State"], o["InternetGatewayBlockMode"], o["AwsAccountId"], o["AwsRegion"]) == ("default-state", "off", A, "us-east-1")
    m = a.modify_vpc_block_public_access_options(InternetGatewayBlockMode="block-bidirectional")["VpcBlockPublicAccessOptions"]
    assert (m["State"], m["InternetGatewayBlockMode"]) == ("update-in-progress", "block-bidirectional")
    o = options(a)
    assert (o["State"], o["InternetGatewayBlockMode"], o["ExclusionsAllowed"], o["ManagedBy"]) == ("update-complete", "block-bidirectional", "allowed", "account")
    assert "LastUpdateTimestamp" in o
    # Another account, another Region: untouched.
    assert options(ec2(B))["InternetGatewayBlockMode"] == "off"
    assert options(ec2(A, "eu-west-1"))["InternetGatewayBlockMode"] == "off"
    with pytest.raises(ClientError) as e:
        a.modify_vpc_block_public_access_options(InternetGatewayBlockMode="block-everything")
    assert error_code(e) == "InvalidParameterValue"


def test_exclusion_lifecycle_and_errors(ec2):
    c = ec2(A)
    vpc = c.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    sub = c.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    x = c.create_vpc_block_public_access_exclusion(VpcId=vpc, InternetGatewayExclusionMode="allow-egress",
                                                   TagSpecifications=[{"ResourceType": "vpc-block-public-access-exclusion", "Tags": [{"Key": "Name", "Value": "x"}]}])
    x = x["VpcBlockPublicAccessExclusion"]
    xid = x["ExclusionId"]
    assert xid.startswith("vpcbpa-exclude-") and x["State"] == "create-in-progress"
    assert x["ResourceArn"] == f"arn:aws:ec2:us-east-1:{A}:vpc/{vpc}"
    d = c.describe_vpc_block_public_access_exclusions(ExclusionIds=[xid])["VpcBlockPublicAccessExclusions"][0]
    assert (d["State"], d["InternetGatewayExclusionMode"], d["Tags"]) == ("create-complete", "allow-egress", [{"Key": "Name", "Value": "x"}])
    f = lambda n, v: [e["ExclusionId"] for e in c.describe_vpc_block_public_access_exclusions(Filters=[{"Name": n, "Values": [v]}])["VpcBlockPublicAccessExclusions"]]
    assert f("resource-arn", x["ResourceArn"]) == [xid] and f("state", "create-complete") == [xid] and f("tag:Name", "x") == [xid]
    assert f("internet-gateway-exclusion-mode", "allow-bidirectional") == []
    # One live exclusion per resource.
    with pytest.raises(ClientError) as e:
        c.create_vpc_block_public_access_exclusion(VpcId=vpc, InternetGatewayExclusionMode="allow-bidirectional")
    assert error_code(e) == "InvalidParameterValue"
    with pytest.raises(ClientError) as e:
        c.create_vpc_block_public_access_exclusion(VpcId=vpc, SubnetId=sub, InternetGatewayExclusionMode="allow-egress")
    assert error_code(e) == "InvalidParameterCombination"
    with pytest.raises(ClientError) as e:
        ec2(B).create_vpc_block_public_access_exclusion(SubnetId=sub, InternetGatewayExclusionMode="allow-egress")
    assert error_code(e) == "InvalidSubnetID.NotFound"
    m = c.modify_vpc_block_public_access_exclusion(ExclusionId=xid, InternetGatewayExclusionMode="allow-bidirectional")
    assert m["VpcBlockPublicAccessExclusion"]["State"] == "update-in-progress"
    d = c.describe_vpc_block_public_access_exclusions(ExclusionIds=[xid])["VpcBlockPublicAccessExclusions"][0]
    assert (d["State"], d["InternetGatewayExclusionMode"]) == ("update-complete", "allow-bidirectional")
    c.delete_vpc_block_public_access_exclusion(ExclusionId=xid)
    d = c.describe_vpc_block_public_access_exclusions(ExclusionIds=[xid])["VpcBlockPublicAccessExclusions"][0]
    assert d["State"] == "delete-complete" and "DeletionTimestamp" in d
    with pytest.raises(ClientError) as e:
        c.delete_vpc_block_public_access_exclusion(ExclusionId=xid)
    assert error_code(e) == "InvalidParameterValue" and "is in delete-complete state and cannot be deleted" in str(e.value)
    for call in (c.delete_vpc_block_public_access_exclusion, ec2(B).delete_vpc_block_public_access_exclusion):
        with pytest.raises(ClientError) as e:
            call(ExclusionId="vpcbpa-exclude-0123456789abcdef0" if call == c.delete_vpc_block_public_access_exclusion else xid)
        assert error_code(e) == "InvalidVpcBlockPublicAccessExclusionId.NotFound"


def test_vpcs_and_subnets_describe_the_mode_in_force(ec2):
    c = ec2(A)
    vpc = c.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    sub = c.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    other = c.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24")["Subnet"]["SubnetId"]
    mode = lambda: (c.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["BlockPublicAccessStates"]["InternetGatewayBlockMode"],
                    {s["SubnetId"]: s["BlockPublicAccessStates"]["InternetGatewayBlockMode"] for s in c.describe_subnets(SubnetIds=[sub, other])["Subnets"]})
    assert mode() == ("off", {sub: "off", other: "off"})
    c.modify_vpc_block_public_access_options(InternetGatewayBlockMode="block-bidirectional")
    c.create_vpc_block_public_access_exclusion(SubnetId=sub, InternetGatewayExclusionMode="allow-egress")
    assert mode() == ("block-bidirectional", {sub: "block-ingress", other: "block-bidirectional"})


def test_trace_names_block_public_access_and_its_fixes(server, ec2, aws):
    c = ec2(A)
    w = public_web(c)
    c.create_route(RouteTableId=w["rtb"], DestinationCidrBlock="0.0.0.0/0", GatewayId=w["igw"])
    c.authorize_security_group_ingress(GroupId=w["sg"], IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    assert trace(server, w["instance"], HOST)[0] == 0 and trace(server, HOST, w["public"])[0] == 0
    c.modify_vpc_block_public_access_options(InternetGatewayBlockMode="block-bidirectional")
    # Out: blocked at the gateway; the fix excludes the subnet for egress.
    rc, a = trace(server, w["instance"], HOST)
    assert rc == 1 and [(b["code"], b["component"]["id"], b["fix"]["account"]) for b in a["blockers"]] == [("VPC_BLOCK_PUBLIC_ACCESS", w["igw"], A)]
    assert "block-bidirectional" in a["blockers"][0]["explanation"]
    assert a["blockers"][0]["fix"]["command"] == (
        f"aws ec2 create-vpc-block-public-access-exclusion --subnet-id {w['subnet']} --internet-gateway-exclusion-mode allow-egress --region us-east-1")
    apply_fixes(aws, a)
    assert trace(server, w["instance"], HOST)[0] == 0
    # In: the egress exclusion lets nothing in; the fix widens it.
    rc, a = trace(server, HOST, w["public"])
    assert rc == 1 and [b["code"] for b in a["blockers"]] == ["VPC_BLOCK_PUBLIC_ACCESS"]
    assert a["blockers"][0]["fix"]["command"].startswith("aws ec2 modify-vpc-block-public-access-exclusion --exclusion-id vpcbpa-exclude-")
    apply_fixes(aws, a)
    assert trace(server, HOST, w["public"])[0] == 0
    # Ingress mode blocks an unexcluded subnet both ways; off lets it all.
    xid = c.describe_vpc_block_public_access_exclusions()["VpcBlockPublicAccessExclusions"][0]["ExclusionId"]
    c.delete_vpc_block_public_access_exclusion(ExclusionId=xid)
    c.modify_vpc_block_public_access_options(InternetGatewayBlockMode="block-ingress")
    assert trace(server, HOST, w["public"])[0] == 1 and trace(server, w["instance"], HOST)[0] == 1
    c.modify_vpc_block_public_access_options(InternetGatewayBlockMode="off")
    assert trace(server, HOST, w["public"])[0] == 0 and trace(server, w["instance"], HOST)[0] == 0
