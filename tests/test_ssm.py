"""Systems Manager public AMI parameters: RunInstances' `resolve:ssm:` ImageId
(boto3 and the AWS CLI)."""
import pytest
from botocore.exceptions import ClientError

from conftest import A, error_code

AL2023 = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
AL2023_AMI = "ami-0453ec754f44f9a4a"
JAMMY = "/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id"
JAMMY_AMI = "ami-005fc0f236362e99f"


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
