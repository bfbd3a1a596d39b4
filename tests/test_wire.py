"""The wire protocols as raw HTTP: GET-style queries, malformed input, error
envelopes of ec2Query and awsQuery, unknown services and actions."""
import os
import re

import pytest

from conftest import A, B, raw_request

EC2 = {"Version": "2016-11-15"}


def code_of(body):
    m = re.search(rb"<Code>([^<]*)</Code>", body)
    return m.group(1).decode() if m else None


def test_get_style_ec2_query_signed_and_unsigned(ec2, server):
    mine = ec2(A).create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    default = ec2("000000000000").create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    status, body = raw_request(server, "GET", {"Action": "DescribeVpcs", **EC2}, account=A)
    assert status == 200, body
    assert body.startswith(b"<?xml") and b'<DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">' in body
    assert mine.encode() in body and default.encode() not in body
    # Unsigned requests act as the default account (000000000000 here).
    status, body = raw_request(server, "GET", {"Action": "DescribeVpcs", **EC2}, sign=False)
    assert status == 200, body
    assert default.encode() in body and mine.encode() not in body
    # Flattened list parameters work in the URL too.
    status, body = raw_request(server, "GET", {"Action": "DescribeVpcs", "VpcId.1": mine, **EC2}, account=A)
    assert status == 200 and body.count(b"<vpcId>") == 1


def test_unknown_action_in_ec2_and_sts(server):
    status, body = raw_request(server, "POST", {"Action": "CreateTeleporter", **EC2})
    assert (status, code_of(body)) == (400, "InvalidAction")
    assert b"<Response><Errors><Error>" in body and b"<RequestID>" in body
    status, body = raw_request(server, "POST", {"Action": "GetTeleporter", "Version": "2011-06-15"}, service="sts")
    assert (status, code_of(body)) == (400, "InvalidAction")
    assert b'<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>' in body
    assert re.search(rb"<RequestId>[0-9a-f-]{36}</RequestId></ErrorResponse>$", body)


def test_sts_success_and_error_envelopes(server):
    status, body = raw_request(server, "POST", {"Action": "GetCallerIdentity", "Version": "2011-06-15"},
                               service="sts", account=B)
    assert status == 200
    assert body.startswith(b'<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
                           b"<GetCallerIdentityResult>")
    assert f"<Account>{B}</Account>".encode() in body
    assert b"<ResponseMetadata><RequestId>" in body
    # STS validates like Coral: "1 validation error detected: Value null at
    # 'roleSessionName' failed to satisfy constraint: Member must not be null"
    # (reported from AWS in aws/aws-sdk-cpp#1252).
    status, body = raw_request(server, "POST", {"Action": "AssumeRole", "Version": "2011-06-15"}, service="sts")
    assert (status, code_of(body)) == (400, "ValidationError")
    assert b"Value null at &apos;roleArn&apos; failed to satisfy constraint: Member must not be null" in body
    assert b"<Type>Sender</Type>" in body


def test_missing_action(server):
    status, body = raw_request(server, "POST", dict(EC2))
    assert (status, code_of(body)) == (400, "MissingAction")


def test_unknown_service_in_credential_scope(server):
    status, body = raw_request(server, "POST", {"Action": "ListBuckets", **EC2}, service="s3")
    assert status == 400
    assert code_of(body) == "InvalidAction"
    assert b"s3" in body


def test_malformed_authorization_header(server):
    for header in ["AWS4-HMAC-SHA256 Credential=onlykey", "Basic dXNlcjpwYXNz", "AWS4-HMAC-SHA256"]:
        status, body = raw_request(server, "POST", {"Action": "DescribeVpcs", **EC2}, sign=False,
                                   headers={"authorization": header})
        assert status in (400, 403), header
        assert code_of(body) == "IncompleteSignature", header


def test_unknown_region_in_scope(server):
    status, body = raw_request(server, "POST", {"Action": "DescribeVpcs", **EC2}, region="mars-north-1")
    assert status == 403 and code_of(body) == "InvalidClientTokenId"


@pytest.mark.parametrize("body", [
    b"", b"&&&===", b"%zz%", b"Action", b"Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=%ff%fe",
    b"Action=DescribeVpcs&Version=2016-11-15&MaxResults=banana",
    b"Action=CreateVpc&Version=2016-11-15&CidrBlock=" + b"9" * 5000,
    b"Action=DescribeVpcs&Version=2016-11-15&DryRun=perhaps",
    bytes(range(256)),
])
def test_malformed_bodies_get_aws_errors_not_crashes(server, body):
    status, resp = raw_request(server, "POST", body=body)
    assert 400 <= status < 500, (status, resp)
    assert code_of(resp), resp
    assert raw_request(server, "GET", {"Action": "DescribeVpcs", **EC2})[0] == 200, "server still answers"


def test_random_bodies_never_crash_the_server(server):
    rnd = __import__("random").Random(7)
    for _ in range(200):
        junk = bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(0, 300)))
        status, _ = raw_request(server, "POST", body=b"Action=DescribeVpcs&Version=2016-11-15&" + junk)
        assert status in (200, 400), status
    huge_index = b"Action=DescribeVpcs&Version=2016-11-15&VpcId.99999999999999999999=x"
    status, body = raw_request(server, "POST", body=huge_index)
    assert (status, code_of(body)) == (400, "UnknownParameter"), "an index past u64 is no list index"
    status, _ = raw_request(server, "POST", body=os.urandom(64))
    assert status == 400
    assert raw_request(server, "GET", {"Action": "DescribeVpcs", **EC2})[0] == 200


def test_unsigned_requests_name_their_service_by_version(server):
    # Without a signature the service comes from `Version` (each service's
    # API version, from botocore's model): STS and ELBv2 answer in their own
    # awsQuery envelope; an unknown version is EC2's, which does not know
    # the action.
    status, body = raw_request(server, "POST", {"Action": "GetCallerIdentity", "Version": "2011-06-15"}, sign=False)
    assert status == 200 and b"<GetCallerIdentityResult>" in body and b"<Account>000000000000</Account>" in body, body
    status, body = raw_request(server, "POST", {"Action": "DescribeLoadBalancers", "Version": "2015-12-01"}, sign=False)
    assert status == 200 and b"<DescribeLoadBalancersResult>" in body, body
    status, body = raw_request(server, "POST", {"Action": "GetCallerIdentity", "Version": "1999-01-01"}, sign=False)
    assert (status, code_of(body)) == (400, "InvalidAction")
