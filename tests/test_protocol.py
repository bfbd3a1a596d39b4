"""Requests that do not fit an operation's input shape, as raw HTTP, for each
protocol: an unknown parameter, a missing required one, a wrong type, a value
outside the model's enum. The generated decoders answer before any handler
runs, with each service's own code (see crates/wire/src/shape.rs for the
sources): EC2 UnknownParameter / MissingParameter / InvalidParameterValue;
ELBv2 and STS ValidationError (and unknown parameters ignored); RAM
MissingRequiredParameterException / SerializationException /
InvalidParameterException (unknown members ignored)."""
import json
import re

from conftest import A, raw_request

EC2 = {"Version": "2016-11-15"}
ELB = {"Version": "2015-12-01"}
STS = {"Version": "2011-06-15"}


def error_of(body):
    code = re.search(rb"<Code>([^<]*)</Code>", body)
    message = re.search(rb"<Message>([^<]*)</Message>", body)
    return (code.group(1).decode() if code else None, message.group(1).decode() if message else None)


def ec2_call(action, **params):
    return {"Action": action, **EC2, **params}


def test_ec2_unknown_parameter_for_typed_and_untyped_handlers(server, ec2):
    ec2(A).create_vpc(CidrBlock="10.0.0.0/16")
    status, body = raw_request(server, "POST", ec2_call("DescribeVpcs", **{"Filter.x.Name": "vpc-id", "Filter.x.Value.1": "v"}))
    assert status == 400
    assert error_of(body) == ("UnknownParameter", "The parameter Filter.x.Name is not recognized")
    # DescribeSubnets still reads raw parameters: checked against its shape all the same.
    status, body = raw_request(server, "POST", ec2_call("DescribeSubnets", **{"SubnetIds.1": "subnet-1"}))
    assert (status, error_of(body)[0]) == (400, "UnknownParameter")
    # Nothing ran: a CreateVpc with a misspelt option creates no VPC.
    status, body = raw_request(server, "POST", ec2_call("CreateVpc", CidrBlock="10.9.0.0/16", InstanceTenacy="default"))
    assert (status, error_of(body)) == (400, ("UnknownParameter", "The parameter InstanceTenacy is not recognized"))
    cidrs = [v["CidrBlock"] for v in ec2(A).describe_vpcs()["Vpcs"]]
    assert "10.9.0.0/16" not in cidrs


def test_ec2_missing_wrong_type_and_bad_enum(server):
    status, body = raw_request(server, "POST", ec2_call("DeleteVpc"))
    assert (status, error_of(body)) == (400, ("MissingParameter", "The request must contain the parameter VpcId"))
    status, body = raw_request(server, "POST", ec2_call("CreateSubnet", CidrBlock="10.0.1.0/24"))
    assert (status, error_of(body)) == (400, ("MissingParameter", "The request must contain the parameter VpcId"))
    status, body = raw_request(server, "POST", ec2_call("DescribeVpcs", MaxResults="five"))
    assert (status, error_of(body)[0]) == (400, "InvalidParameterValue")
    status, body = raw_request(server, "POST", ec2_call("DescribeVpcAttribute", VpcId="vpc-1", Attribute="enableDnsMagic"))
    assert (status, error_of(body)[0]) == (400, "InvalidParameterValue")
    assert "enableDnsMagic" in error_of(body)[1]
    status, body = raw_request(server, "POST", ec2_call("CreateVpc", CidrBlock="10.0.0.0/16", InstanceTenancy="shared"))
    assert (status, error_of(body)[0]) == (400, "InvalidParameterValue")


def test_elbv2_validation_errors_and_ignored_unknown_parameters(server):
    status, body = raw_request(server, "POST", {"Action": "DescribeTags", **ELB}, service="elasticloadbalancing")
    assert status == 400
    assert error_of(body) == ("ValidationError", "1 validation error detected: Value null at &apos;resourceArns&apos; failed to satisfy constraint: Member must not be null")
    status, body = raw_request(server, "POST", {"Action": "CreateTargetGroup", "Name": "tg", "Port": "eighty", **ELB}, service="elasticloadbalancing")
    assert (status, error_of(body)[0]) == (400, "ValidationError")
    status, body = raw_request(server, "POST", {"Action": "CreateLoadBalancer", "Name": "lb", "Type": "classic", **ELB}, service="elasticloadbalancing")
    assert (status, error_of(body)[0]) == (400, "ValidationError")
    assert "Member must satisfy enum value set: [application, network, gateway]" in error_of(body)[1]
    assert b"<Type>Sender</Type>" in body
    status, body = raw_request(server, "POST", {"Action": "DescribeLoadBalancers", "Bogus": "1", **ELB}, service="elasticloadbalancing")
    assert status == 200, body


def test_sts_validation_errors_and_ignored_unknown_parameters(server):
    status, body = raw_request(server, "POST", {"Action": "AssumeRole", "RoleArn": "arn:aws:iam::111111111111:role/r", **STS}, service="sts")
    assert status == 400
    assert error_of(body) == ("ValidationError", "1 validation error detected: Value null at &apos;roleSessionName&apos; failed to satisfy constraint: Member must not be null")
    status, body = raw_request(server, "POST", {"Action": "GetSessionToken", "DurationSeconds": "long", **STS}, service="sts")
    assert (status, error_of(body)[0]) == (400, "ValidationError")
    status, body = raw_request(server, "POST", {"Action": "GetCallerIdentity", "Bogus": "1", **STS}, service="sts")
    assert status == 200, body


def ram_call(server, path, payload=None, method="POST", query=""):
    body = json.dumps(payload if payload is not None else {}).encode()
    status, raw = raw_request(server, method, None, service="ram", path=path + query, body=body, headers={"content-type": "application/json"})
    return status, json.loads(raw) if raw else {}


def test_ram_missing_wrong_type_bad_enum_and_ignored_unknown_members(server):
    status, out = ram_call(server, "/createresourceshare", {"allowExternalPrincipals": False})
    assert (status, out["__type"]) == (400, "MissingRequiredParameterException")
    status, out = ram_call(server, "/createresourceshare", {"name": 5})
    assert (status, out["__type"]) == (400, "SerializationException")
    status, out = ram_call(server, "/createresourceshare", {"name": "s", "principals": "123456789012"})
    assert (status, out["__type"]) == (400, "SerializationException")
    status, out = ram_call(server, "/getresourceshares", {"resourceOwner": "ME"})
    assert (status, out["__type"]) == (400, "InvalidParameterException")
    status, out = ram_call(server, "/getresourceshares", {"resourceOwner": "SELF", "someNewMember": 1})
    assert status == 200 and out["resourceShares"] == []
    # The typed DeleteResourceShare reads its ARN from the query string.
    status, out = ram_call(server, "/deleteresourceshare", method="DELETE")
    assert (status, out["__type"]) == (400, "MissingRequiredParameterException")


def test_ram_typed_delete_round_trip(server, ram):
    arn = ram(A).create_resource_share(name="s")["resourceShare"]["resourceShareArn"]
    out = ram(A).delete_resource_share(resourceShareArn=arn, clientToken="tok")
    assert out["returnValue"] is True and out["clientToken"] == "tok"
