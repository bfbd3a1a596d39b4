"""Who is calling: access keys, the credentials file, the default account,
STS, and strict SigV4 verification (--verify-signatures)."""
import boto3
import botocore
import botocore.config
import pytest
from botocore.exceptions import ClientError

from conftest import A, B, C, REGION, Server, error_code, raw_request

MAPPED_KEY, MAPPED_SECRET, MAPPED_ACCOUNT = "AKIAXVPCTESTMAPPED01", "mapped/Secret+Key", "333333333333"
DEFAULT_ACCOUNT = "444444444444"
_CFG = botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"})


def client(server, service, key, secret="test", token=None, region=REGION, unsigned=False):
    cfg = _CFG.merge(botocore.config.Config(signature_version=botocore.UNSIGNED)) if unsigned else _CFG
    return boto3.client(service, endpoint_url=server.url, region_name=region, aws_access_key_id=key,
                        aws_secret_access_key=secret, aws_session_token=token, config=cfg)


def start(tmp_path_factory, *flags):
    creds = tmp_path_factory.mktemp("creds") / "credentials"
    creds.write_text(f"# access key, secret, account\n{MAPPED_KEY} {MAPPED_SECRET} {MAPPED_ACCOUNT}  # team key\n\n")
    # Empty accounts: which account a key acts as shows in which VPCs it sees.
    return Server(extra_args=["--credentials", str(creds), "--default-account", DEFAULT_ACCOUNT, "--no-default-vpc", *flags]).start()


@pytest.fixture(scope="module")
def lenient(tmp_path_factory):
    s = start(tmp_path_factory)
    yield s
    s.cleanup()


@pytest.fixture(scope="module")
def strict(tmp_path_factory):
    s = start(tmp_path_factory, "--verify-signatures")
    yield s
    s.cleanup()


def whoami(server, key, secret="test", token=None):
    return client(server, "sts", key, secret, token).get_caller_identity()


def test_twelve_digit_key_is_the_account(sts):
    ident = sts(B).get_caller_identity()
    assert ident["Account"] == B
    assert ident["Arn"] == f"arn:aws:iam::{B}:root"


def test_credentials_file_and_default_account(lenient):
    assert whoami(lenient, MAPPED_KEY, MAPPED_SECRET)["Account"] == MAPPED_ACCOUNT
    assert whoami(lenient, C)["Account"] == C, "12-digit keys stay accounts with a credentials file"
    assert whoami(lenient, "AKIAUNKNOWNKEY000000")["Account"] == DEFAULT_ACCOUNT
    # A VPC made with the mapped key belongs to the mapped account.
    vpc = client(lenient, "ec2", MAPPED_KEY, MAPPED_SECRET).create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]
    assert vpc["OwnerId"] == MAPPED_ACCOUNT
    assert [v["VpcId"] for v in client(lenient, "ec2", MAPPED_ACCOUNT).describe_vpcs()["Vpcs"]] == [vpc["VpcId"]]
    # Unsigned requests act as the default account.
    unsigned = client(lenient, "ec2", "x", unsigned=True)
    mine = unsigned.create_vpc(CidrBlock="10.4.0.0/16")["Vpc"]
    assert mine["OwnerId"] == DEFAULT_ACCOUNT


def test_bad_credentials_file_refuses_to_start(tmp_path):
    bad = tmp_path / "creds"
    bad.write_text("AKIAONLYTWO fields\n")
    s = Server(extra_args=["--credentials", str(bad)])
    with pytest.raises(RuntimeError, match="line 1"):
        s.start()
    s.cleanup()


@pytest.mark.empty_accounts
def test_assume_role_keys_act_as_the_role_account(sts, ec2, server):
    out = sts(A).assume_role(RoleArn=f"arn:aws:iam::{B}:role/network-admin", RoleSessionName="ci-run")
    creds = out["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA") and len(creds["AccessKeyId"]) == 20
    assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{B}:assumed-role/network-admin/ci-run"
    key, secret, token = creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]
    ident = whoami(server, key, secret, token)
    assert ident["Account"] == B
    assert ident["Arn"] == f"arn:aws:sts::{B}:assumed-role/network-admin/ci-run"
    assert ident["UserId"] == out["AssumedRoleUser"]["AssumedRoleId"]
    vpc = client(server, "ec2", key, secret, token).create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]
    assert vpc["OwnerId"] == B
    assert [v["VpcId"] for v in ec2(B).describe_vpcs()["Vpcs"]] == [vpc["VpcId"]]
    assert ec2(A).describe_vpcs()["Vpcs"] == [], "the caller's own account does not get it"


def test_assume_role_identity_survives_restart(sts, server):
    creds = sts(A).assume_role(RoleArn=f"arn:aws:iam::{C}:role/ops", RoleSessionName="night")["Credentials"]
    server.restart()
    ident = whoami(server, creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    assert ident["Arn"] == f"arn:aws:sts::{C}:assumed-role/ops/night"


@pytest.mark.parametrize("arn", ["not-an-arn-but-long-enough", "arn:aws:iam::12345:role/x", f"arn:aws:iam::{B}:user/x",
                                 f"arn:aws:iam::{B}:role/"])
def test_assume_role_rejects_bad_role_arns(sts, arn):
    with pytest.raises(ClientError) as e:
        sts(A).assume_role(RoleArn=arn, RoleSessionName="sess")
    assert error_code(e) == "ValidationError"


def test_assume_role_duration_limits(server, sts):
    unchecked = boto3.client("sts", endpoint_url=server.url, region_name=REGION, aws_access_key_id=A,
                             aws_secret_access_key="test",
                             config=_CFG.merge(botocore.config.Config(parameter_validation=False)))
    with pytest.raises(ClientError) as e:
        unchecked.assume_role(RoleArn=f"arn:aws:iam::{B}:role/x", RoleSessionName="sess", DurationSeconds=60)
    assert error_code(e) == "ValidationError"
    out = sts(A).assume_role(RoleArn=f"arn:aws:iam::{B}:role/x", RoleSessionName="sess", DurationSeconds=900)
    import datetime
    left = out["Credentials"]["Expiration"] - datetime.datetime.now(datetime.timezone.utc)
    assert 850 < left.total_seconds() <= 900


def test_get_session_token_keeps_the_account(sts, server):
    creds = sts(C).get_session_token()["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA")
    assert whoami(server, creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])["Account"] == C


def test_strict_mode_accepts_correct_signatures(strict):
    assert whoami(strict, A)["Account"] == A
    assert whoami(strict, MAPPED_KEY, MAPPED_SECRET)["Account"] == MAPPED_ACCOUNT
    vpc = client(strict, "ec2", A).create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]
    assert vpc["OwnerId"] == A
    creds = client(strict, "sts", A).assume_role(RoleArn=f"arn:aws:iam::{B}:role/r", RoleSessionName="sess")["Credentials"]
    temp = client(strict, "ec2", creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    assert temp.describe_vpcs()["Vpcs"] == []
    assert temp.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["OwnerId"] == B


def test_strict_mode_refuses_wrong_secrets(strict):
    with pytest.raises(ClientError) as e:
        client(strict, "ec2", A, "not-the-secret").describe_vpcs()
    assert error_code(e) == "AuthFailure"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 401
    with pytest.raises(ClientError) as e:
        client(strict, "sts", MAPPED_KEY, "test").get_caller_identity()
    assert error_code(e) == "SignatureDoesNotMatch"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    # A refused write changes nothing.
    with pytest.raises(ClientError):
        client(strict, "ec2", C, "wrong").create_vpc(CidrBlock="10.9.0.0/16")
    assert client(strict, "ec2", C).describe_vpcs()["Vpcs"] == []


def test_strict_mode_refuses_unsigned_requests(strict):
    for service, call in [("ec2", lambda c: c.describe_vpcs()), ("sts", lambda c: c.get_caller_identity())]:
        with pytest.raises(ClientError) as e:
            call(client(strict, service, "x", unsigned=True))
        assert error_code(e) == "MissingAuthenticationToken", service
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_strict_mode_checks_signed_get_requests(strict):
    status, body = raw_request(strict, "GET", {"Action": "DescribeVpcs", "Version": "2016-11-15"}, account=B)
    assert status == 200, body
    status, body = raw_request(strict, "GET", {"Action": "DescribeVpcs", "Version": "2016-11-15"}, account=B,
                               secret="wrong")
    assert status == 401 and b"<Code>AuthFailure</Code>" in body
