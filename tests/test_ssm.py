"""Systems Manager public AMI parameters: GetParameter, GetParameters,
GetParametersByPath (shapes, paging, errors), RunInstances' `resolve:ssm:`
ImageId (boto3 and the AWS CLI), and Terraform's data "aws_ssm_parameter"
feeding an aws_instance."""
import datetime
import os

import pytest
from botocore.exceptions import ClientError

from conftest import A, B, error_code, make_client
from terraform_run import applied, requires_terraform, workspace

HERE = os.path.dirname(os.path.abspath(__file__))

AL2023 = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
AL2023_AMI = "ami-0453ec754f44f9a4a"
JAMMY = "/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id"
JAMMY_AMI = "ami-005fc0f236362e99f"


AL_PATH = "/aws/service/ami-amazon-linux-latest"


@pytest.fixture
def ssm(server):
    return lambda account=A, region="us-east-1": make_client(server, "ssm", account, region)


def raises(code, f, *a, **kw):
    with pytest.raises(ClientError) as e:
        f(*a, **kw)
    assert error_code(e) == code, e.value
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return e.value.response["Error"]["Message"]


def test_get_parameter_public_ami(ssm, ec2):
    p = ssm(A).get_parameter(Name=AL2023)["Parameter"]
    assert p["Name"] == AL2023 and p["Type"] == "String" and p["Value"] == AL2023_AMI
    assert p["DataType"] == "text" and p["Version"] >= 1
    assert p["ARN"] == f"arn:aws:ssm:us-east-1::parameter{AL2023}"
    assert isinstance(p["LastModifiedDate"], datetime.datetime)
    assert "Selector" not in p
    # Every account sees it; the ARN carries the caller's region.
    other = ssm(B, "eu-west-1").get_parameter(Name=AL2023, WithDecryption=True)["Parameter"]
    assert other["ARN"] == f"arn:aws:ssm:eu-west-1::parameter{AL2023}" and other["Value"] == AL2023_AMI
    # The value is an image DescribeImages knows.
    img = ec2(A).describe_images(ImageIds=[p["Value"]])["Images"][0]
    assert img["Name"].startswith("al2023-ami-") and img["Architecture"] == "x86_64"
    # By ARN, and with the current version as a selector.
    assert ssm(A).get_parameter(Name=p["ARN"])["Parameter"]["Value"] == AL2023_AMI
    sel = ssm(A).get_parameter(Name=f"{AL2023}:{p['Version']}")["Parameter"]
    assert sel["Selector"] == f":{p['Version']}" and sel["Name"] == AL2023
    arm = ssm(A).get_parameter(Name=f"{AL_PATH}/al2023-ami-kernel-default-arm64")["Parameter"]["Value"]
    assert ec2(A).describe_images(ImageIds=[arm])["Images"][0]["Architecture"] == "arm64"


def test_get_parameter_errors(ssm):
    c = ssm(A)
    raises("ParameterNotFound", c.get_parameter, Name=f"{AL_PATH}/al2023-ami-minimal-kernel-default-x86_64")
    raises("ParameterNotFound", c.get_parameter, Name="/no/such/parameter")
    version = c.get_parameter(Name=AL2023)["Parameter"]["Version"]
    msg = raises("ParameterVersionNotFound", c.get_parameter, Name=f"{AL2023}:{version + 1}")
    assert str(version + 1) in msg


def test_get_parameters_splits_found_and_invalid(ssm):
    c = ssm(A)
    r = c.get_parameters(Names=[AL2023, "/aws/service/nope", JAMMY, f"{AL2023}:999999"])
    assert [(p["Name"], p["Value"]) for p in r["Parameters"]] == [(AL2023, AL2023_AMI), (JAMMY, JAMMY_AMI)]
    assert r["InvalidParameters"] == ["/aws/service/nope", f"{AL2023}:999999"]
    msg = raises("ValidationException", c.get_parameters, Names=[f"/p{i}" for i in range(11)])
    assert "Member must have length less than or equal to 10" in msg


def test_get_parameters_with_the_cli(aws):
    out = aws(A, "ssm", "get-parameters", "--names", AL2023)
    assert out["InvalidParameters"] == []
    (p,) = out["Parameters"]
    assert (p["Name"], p["Type"], p["Value"], p["DataType"]) == (AL2023, "String", AL2023_AMI, "text")
    assert p["ARN"] == f"arn:aws:ssm:us-east-1::parameter{AL2023}"
    got = aws(A, "ssm", "get-parameter", "--name", JAMMY, "--query", "Parameter.Value")
    assert got == JAMMY_AMI


def test_get_parameters_by_path(ssm, ec2):
    c = ssm(A)
    r = c.get_parameters_by_path(Path=AL_PATH)
    names = [p["Name"] for p in r["Parameters"]]
    assert AL2023 in names and names == sorted(names) and "NextToken" not in r
    assert all(n.rsplit("/", 1)[0] == AL_PATH for n in names)
    images = {i["ImageId"] for i in ec2(A).describe_images(Owners=["amazon"])["Images"]}
    assert {p["Value"] for p in r["Parameters"]} <= images
    # One level only: Canonical's parameters sit deeper under /aws/service.
    assert c.get_parameters_by_path(Path="/aws/service")["Parameters"] == []
    deep = c.get_parameters_by_path(Path="/aws/service/canonical", Recursive=True)["Parameters"]
    assert JAMMY in [p["Name"] for p in deep]
    # Pages of two, each with a token, ending without one.
    seen, token, pages = [], None, 0
    while True:
        kw = {"NextToken": token} if token else {}
        page = c.get_parameters_by_path(Path="/aws/service", Recursive=True, MaxResults=2, **kw)
        assert len(page["Parameters"]) <= 2
        seen += [p["Name"] for p in page["Parameters"]]
        pages += 1
        token = page.get("NextToken")
        if not token:
            break
    everything = c.get_parameters_by_path(Path="/aws/service", Recursive=True)
    assert pages > 2 and seen == sorted(seen) and len(seen) == len(set(seen))
    assert seen[:10] == [p["Name"] for p in everything["Parameters"]]
    # botocore's paginator walks the same pages.
    walked = [p["Name"] for pg in c.get_paginator("get_parameters_by_path").paginate(Path="/aws/service", Recursive=True)
              for p in pg["Parameters"]]
    assert walked == seen


def test_get_parameters_by_path_errors(ssm):
    c = ssm(A)
    for path in ["aws/service", "/aws//service", "/a b"]:
        msg = raises("ValidationException", c.get_parameters_by_path, Path=path)
        assert "The parameter doesn't meet the parameter name requirements" in msg
    msg = raises("ValidationException", c.get_parameters_by_path, Path=AL_PATH, MaxResults=11)
    assert "Member must have value less than or equal to 10" in msg
    raises("InvalidNextToken", c.get_parameters_by_path, Path=AL_PATH, NextToken="bogus")


@requires_terraform
def test_terraform_instance_from_an_ssm_parameter(server, ec2, tmp_path):
    work, env = workspace(os.path.join(HERE, "terraform", "ssm_parameter"), server, tmp_path)
    c = ec2(A)
    with applied(work, env) as out:
        assert out["ami"] == AL2023_AMI and out["jammy"] == JAMMY_AMI
        assert out["arn"] == f"arn:aws:ssm:us-east-1::parameter{AL2023}" and out["type"] == "String"
        i = c.describe_instances(InstanceIds=[out["instance"]])["Reservations"][0]["Instances"][0]
        assert i["ImageId"] == AL2023_AMI
    assert {i["State"]["Name"] for r in c.describe_instances()["Reservations"] for i in r["Instances"]} <= {"terminated"}


def subnet(c):
    vpc = c.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    return c.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]


def test_run_instances_resolves_an_ssm_image_id(ec2, aws):
    c = ec2(A)
    sub = subnet(c)
    i = c.run_instances(ImageId=f"resolve:ssm:{AL2023}", MinCount=1, MaxCount=1, SubnetId=sub)["Instances"][0]
    # The instance launches from, and shows, the AMI the parameter holds.
    assert i["ImageId"] == AL2023_AMI
    d = c.describe_instances(InstanceIds=[i["InstanceId"]])["Reservations"][0]["Instances"][0]
    assert d["ImageId"] == AL2023_AMI and d["Architecture"] == "x86_64"
    # The CLI, with the current version as a selector.
    out = aws(A, "ec2", "run-instances", "--image-id", f"resolve:ssm:{JAMMY}:61", "--subnet-id", sub)
    assert out["Instances"][0]["ImageId"] == JAMMY_AMI


@pytest.mark.parametrize("image_id", [
    "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-minimal-kernel-default-x86_64",
    f"resolve:ssm:{AL2023}:1",
    "resolve:ssm:no-such-parameter",
])
def test_run_instances_with_an_unknown_parameter_is_refused(ec2, image_id):
    c = ec2(A)
    sub = subnet(c)
    with pytest.raises(ClientError) as e:
        c.run_instances(ImageId=image_id, MinCount=1, MaxCount=1, SubnetId=sub)
    assert error_code(e) == "InvalidParameterValue"
    assert image_id in e.value.response["Error"]["Message"]
    assert c.describe_instances()["Reservations"] == []


def test_customer_parameters_put_get_overwrite_delete(ssm):
    c, other = ssm(A), ssm(B)
    r = c.put_parameter(Name="/app/db/host", Value="db.internal", Type="String")
    assert (r["Version"], r["Tier"]) == (1, "Standard")
    c.put_parameter(Name="/app/list", Value="a,b", Type="StringList")
    c.put_parameter(Name="/app/secret", Value="pw", Type="SecureString", Tags=[{"Key": "team", "Value": "x"}])
    p = c.get_parameter(Name="/app/db/host")["Parameter"]
    assert (p["Type"], p["Value"], p["Version"], p["DataType"]) == ("String", "db.internal", 1, "text")
    assert p["ARN"] == f"arn:aws:ssm:us-east-1:{A}:parameter/app/db/host"
    assert c.get_parameter(Name="/app/secret", WithDecryption=True)["Parameter"]["Value"] == "pw"
    msg = raises("ParameterAlreadyExists", c.put_parameter, Name="/app/db/host", Value="x", Type="String")
    assert "overwrite" in msg
    assert c.put_parameter(Name="/app/db/host", Value="db2.internal", Overwrite=True)["Version"] == 2
    assert c.get_parameter(Name="/app/db/host:2")["Parameter"]["Value"] == "db2.internal"
    raises("ParameterVersionNotFound", c.get_parameter, Name="/app/db/host:1")
    # Another account has none of them.
    raises("ParameterNotFound", other.get_parameter, Name="/app/db/host")
    # By path: the caller's own, one level or recursive, in name order.
    assert [q["Name"] for q in c.get_parameters_by_path(Path="/app")["Parameters"]] == ["/app/list", "/app/secret"]
    assert [q["Name"] for q in c.get_parameters_by_path(Path="/app", Recursive=True)["Parameters"]] == [
        "/app/db/host", "/app/list", "/app/secret"]
    r = c.get_parameters(Names=["/app/list", AL2023, "/app/none"])
    assert [q["Name"] for q in r["Parameters"]] == ["/app/list", AL2023] and r["InvalidParameters"] == ["/app/none"]
    raises("ValidationException", c.put_parameter, Name="/aws/mine", Value="x", Type="String")
    raises("ValidationException", c.put_parameter, Name="/new", Value="x")
    c.delete_parameter(Name="/app/list")
    raises("ParameterNotFound", c.delete_parameter, Name="/app/list")
    raises("ParameterNotFound", c.get_parameter, Name="/app/list")


def test_describe_parameters_and_tags(ssm):
    c = ssm(A)
    c.put_parameter(Name="/svc/a", Value="1", Type="String", Description="first")
    c.put_parameter(Name="/svc/b", Value="2", Type="SecureString")
    c.put_parameter(Name="/other", Value="3", Type="String")
    meta = c.describe_parameters(ParameterFilters=[{"Key": "Name", "Values": ["/svc/a"]}])["Parameters"]
    assert len(meta) == 1 and meta[0]["Description"] == "first" and meta[0]["Tier"] == "Standard"
    assert meta[0]["LastModifiedUser"] == f"arn:aws:iam::{A}:root" and meta[0]["Version"] == 1
    secure = c.describe_parameters(ParameterFilters=[{"Key": "Type", "Values": ["SecureString"]}])["Parameters"]
    assert [(m["Name"], m["KeyId"]) for m in secure] == [("/svc/b", "alias/aws/ssm")]
    by_path = c.describe_parameters(ParameterFilters=[{"Key": "Path", "Option": "Recursive", "Values": ["/svc"]}])
    assert [m["Name"] for m in by_path["Parameters"]] == ["/svc/a", "/svc/b"]
    # AWS's public parameters are not described.
    assert {m["Name"] for m in c.describe_parameters()["Parameters"]} == {"/other", "/svc/a", "/svc/b"}
    raises("InvalidFilterKey", c.describe_parameters, ParameterFilters=[{"Key": "Colour", "Values": ["x"]}])
    c.add_tags_to_resource(ResourceType="Parameter", ResourceId="/svc/a", Tags=[{"Key": "env", "Value": "dev"}])
    assert c.list_tags_for_resource(ResourceType="Parameter", ResourceId="/svc/a")["TagList"] == [{"Key": "env", "Value": "dev"}]
    tagged = c.describe_parameters(ParameterFilters=[{"Key": "tag:env", "Values": ["dev"]}])["Parameters"]
    assert [m["Name"] for m in tagged] == ["/svc/a"]
    c.remove_tags_from_resource(ResourceType="Parameter", ResourceId="/svc/a", TagKeys=["env"])
    assert c.list_tags_for_resource(ResourceType="Parameter", ResourceId="/svc/a")["TagList"] == []
    raises("InvalidResourceId", c.list_tags_for_resource, ResourceType="Parameter", ResourceId="/nope")
    raises("InvalidResourceType", c.list_tags_for_resource, ResourceType="Document", ResourceId="/svc/a")


@requires_terraform
def test_terraform_customer_parameters(server, ssm, ec2, tmp_path):
    work, env = workspace(os.path.join(HERE, "terraform", "ssm_customer"), server, tmp_path)
    c = ssm(A)
    with applied(work, env) as out:
        assert out["password_arn"] == f"arn:aws:ssm:us-east-1:{A}:parameter/platform/db/password"
        assert out["zones_version"] == 1
        p = c.get_parameter(Name="/platform/golden-ami")["Parameter"]
        assert (p["Value"], p["DataType"]) == (AL2023_AMI, "aws:ec2:image")
        assert c.list_tags_for_resource(ResourceType="Parameter", ResourceId="/platform/db/password")["TagList"] == [
            {"Key": "Team", "Value": "platform"}]
        i = ec2(A).describe_instances(InstanceIds=[out["instance"]])["Reservations"][0]["Instances"][0]
        assert i["ImageId"] == AL2023_AMI
    assert c.describe_parameters()["Parameters"] == []


def test_run_instances_resolves_the_callers_image_parameter(ssm, ec2):
    s, c = ssm(A), ec2(A)
    sub = subnet(c)
    s.put_parameter(Name="/golden-ami", Value=JAMMY_AMI, Type="String", DataType="aws:ec2:image")
    s.put_parameter(Name="/plain", Value=JAMMY_AMI, Type="String")
    i = c.run_instances(ImageId="resolve:ssm:/golden-ami", MinCount=1, MaxCount=1, SubnetId=sub)["Instances"][0]
    assert i["ImageId"] == JAMMY_AMI
    with pytest.raises(ClientError) as e:
        c.run_instances(ImageId="resolve:ssm:/plain", MinCount=1, MaxCount=1, SubnetId=sub)
    assert error_code(e) == "InvalidParameterValue" and "aws:ec2:image" in e.value.response["Error"]["Message"]
    # Another account's parameter of that name is not the caller's.
    with pytest.raises(ClientError) as e:
        ec2(B).run_instances(ImageId="resolve:ssm:/golden-ami", MinCount=1, MaxCount=1, SubnetId=subnet(ec2(B)))
    assert error_code(e) == "InvalidParameterValue"


def test_malformed_requests_are_validation_exceptions(server):
    import json as _json
    from conftest import raw_request
    hdr = {"content-type": "application/x-amz-json-1.1"}
    for op, body in [("GetParameter", {}), ("PutParameter", {"Name": "/x", "Value": "v", "Type": "Bogus"})]:
        status, out = raw_request(server, service="ssm", body=_json.dumps(body).encode(),
                                  headers=dict(hdr, **{"X-Amz-Target": f"AmazonSSM.{op}"}))
        err = _json.loads(out)
        assert status == 400 and err["__type"].endswith("ValidationException"), (op, err)
