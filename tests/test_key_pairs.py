"""EC2 key pairs (CreateKeyPair, ImportKeyPair, DescribeKeyPairs,
DeleteKeyPair) with AWS's codes, and AWS::EC2::KeyPair in a stack."""
import boto3
import pytest
from botocore.exceptions import ClientError

from conftest import A, B, REGION

ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH0bUd0bCO7e1m1mZk1d8N0xQ2sMvAqj2tG5bXq3Jc1Q me@laptop"


def client(server, service, account=A):
    return boto3.client(service, endpoint_url=server.url, region_name=REGION, aws_access_key_id=account, aws_secret_access_key="test")


def code(e):
    return e.value.response["Error"]["Code"]


def test_key_pairs(server):
    ec2 = client(server, "ec2")
    k = ec2.create_key_pair(KeyName="ops", TagSpecifications=[{"ResourceType": "key-pair", "Tags": [{"Key": "team", "Value": "net"}]}])
    assert k["KeyPairId"].startswith("key-") and k["KeyMaterial"].startswith("-----BEGIN RSA PRIVATE KEY-----")
    assert len(k["KeyFingerprint"].split(":")) == 20
    with pytest.raises(ClientError) as e:
        ec2.create_key_pair(KeyName="ops")
    assert code(e) == "InvalidKeyPair.Duplicate"
    imported = ec2.import_key_pair(KeyName="laptop", PublicKeyMaterial=ED25519.encode())
    with pytest.raises(ClientError) as e:
        ec2.import_key_pair(KeyName="bad", PublicKeyMaterial=b"not a key")
    assert code(e) == "InvalidKey.Format"
    got = ec2.describe_key_pairs(Filters=[{"Name": "key-type", "Values": ["ed25519"]}], IncludePublicKey=True)["KeyPairs"]
    assert [(x["KeyName"], x["KeyPairId"], x["PublicKey"]) for x in got] == [("laptop", imported["KeyPairId"], ED25519)]
    assert ec2.describe_key_pairs(Filters=[{"Name": "tag:team", "Values": ["net"]}])["KeyPairs"][0]["KeyName"] == "ops"
    with pytest.raises(ClientError) as e:
        ec2.describe_key_pairs(KeyNames=["nope"])
    assert code(e) == "InvalidKeyPair.NotFound"
    assert client(server, "ec2", B).describe_key_pairs()["KeyPairs"] == []
    assert ec2.delete_key_pair(KeyName="nope")["Return"] is True  # as AWS: no error
    ec2.delete_key_pair(KeyPairId=k["KeyPairId"])
    assert [x["KeyName"] for x in ec2.describe_key_pairs()["KeyPairs"]] == ["laptop"]


def test_key_pair_in_a_stack(server):
    cfn, ec2 = client(server, "cloudformation"), client(server, "ec2")
    t = ("Resources:\n  Key:\n    Type: AWS::EC2::KeyPair\n    Properties: {KeyName: deploy, KeyType: ed25519}\n"
         "Outputs:\n  Name: {Value: !Ref Key}\n  Id: {Value: !GetAtt Key.KeyPairId}\n")
    cfn.create_stack(StackName="keys", TemplateBody=t)
    out = {o["OutputKey"]: o["OutputValue"] for o in cfn.describe_stacks(StackName="keys")["Stacks"][0]["Outputs"]}
    k = ec2.describe_key_pairs(KeyNames=["deploy"])["KeyPairs"][0]
    assert (out["Name"], out["Id"], k["KeyType"]) == ("deploy", k["KeyPairId"], "ed25519")
    tags = {x["Key"]: x["Value"] for x in k["Tags"]}
    assert tags["aws:cloudformation:logical-id"] == "Key"
    cfn.delete_stack(StackName="keys")
    assert ec2.describe_key_pairs()["KeyPairs"] == []
