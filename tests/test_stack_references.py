"""Stacks in xvpc's own tools: a small template deployed with CreateStack,
then `xvpc trace --from STACK/LogicalId --to STACK/LogicalId` (the
resources the stack made, in the caller's account and Region) answers
exactly as trace by instance id; `matrix --stack` and `compare` take the
same references; `diagram --group-by stack` frames the stack's VPC."""
import json
import os
import subprocess

import boto3
import pytest

from conftest import A, B, REGION, binary
from test_netns_scenarios import netns_server, srv, xexec  # noqa: F401 (fixtures)

AMI = "ami-0453ec754f44f9a4a"  # xvpc's Amazon Linux 2023 image

TEMPLATE = """
Parameters:
  AmiId: {Type: String}
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.7.0.0/16}
  Subnet:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.7.1.0/24, AvailabilityZone: !Select [0, !GetAZs ""]}
  WebGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: HTTP from the VPC
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 80, ToPort: 80, CidrIp: 10.7.0.0/16}
  Web:
    Type: AWS::EC2::Instance
    Properties: {ImageId: !Ref AmiId, InstanceType: t3.micro, SubnetId: !Ref Subnet, SecurityGroupIds: [!Ref WebGroup]}
  Client:
    Type: AWS::EC2::Instance
    Properties: {ImageId: !Ref AmiId, InstanceType: t3.micro, SubnetId: !Ref Subnet}
Outputs:
  Web: {Value: !Ref Web}
  Client: {Value: !Ref Client}
"""


def deploy(server, account, name):
    c = boto3.client("cloudformation", endpoint_url=server.url, region_name=REGION, aws_access_key_id=account, aws_secret_access_key="test")
    c.create_stack(StackName=name, TemplateBody=TEMPLATE, Parameters=[{"ParameterKey": "AmiId", "ParameterValue": AMI}])
    c.get_waiter("stack_create_complete").wait(StackName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 5})
    out = c.describe_stacks(StackName=name)["Stacks"][0]["Outputs"]
    return {o["OutputKey"]: o["OutputValue"] for o in out}


def xvpc(server, *args, account=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    if account:
        env.update(AWS_ACCESS_KEY_ID=account, AWS_DEFAULT_REGION=REGION)
    return subprocess.run([binary(), *args, "--endpoint", server.url], capture_output=True, text=True, timeout=60, env=env)


def trace(server, src, dst, port, account=None):
    p = xvpc(server, "trace", "--from", src, "--to", dst, "--port", str(port), "--json", account=account)
    return p.returncode, (json.loads(p.stdout) if p.stdout.strip() else p.stderr)


def test_trace_matrix_compare_and_diagram_by_stack_reference(server):
    ids = deploy(server, A, "net")
    for port in (80, 22):
        rc, by_ref = trace(server, "net/Client", "net/Web", port, account=A)
        rc_id, by_id = trace(server, ids["Client"], ids["Web"], port)
        assert rc == rc_id == (0 if port == 80 else 1), (by_ref, by_id)
        assert by_ref["reachable"] == by_id["reachable"]
        assert by_ref["blockers"] == by_id["blockers"] and by_ref["query"] == by_id["query"]
        assert by_ref["references"] == {"net/Client": ids["Client"], "net/Web": ids["Web"]}
    # The human answer names what each reference resolved to.
    p = xvpc(server, "trace", "--from", "net/Client", "--to", "net/Web", account=A)
    assert p.returncode == 0 and f"net/Web = {ids['Web']}" in p.stdout, p.stdout + p.stderr

    # Without a caller the name is unique across accounts, so it resolves.
    assert trace(server, "net/Client", "net/Web", 80)[0] == 0
    # Refused by name: another account, an unknown stack or logical id, a VPC.
    rc, _ = trace(server, "net/Client", "net/Web", 80, account=B)
    p = xvpc(server, "trace", "--from", "net/Client", "--to", "net/Web", account=B)
    assert rc == 2 and f"Stack with id net does not exist in account {B}, {REGION}" in p.stderr
    p = xvpc(server, "trace", "--from", "nope/Client", "--to", "net/Web", account=A)
    assert p.returncode == 2 and "Stack with id nope does not exist" in p.stderr
    p = xvpc(server, "trace", "--from", "net/Db", "--to", "net/Web", account=A)
    assert p.returncode == 2 and "Resource Db does not exist for stack net (its resources: Client, Subnet, Vpc, Web, WebGroup)" in p.stderr
    p = xvpc(server, "trace", "--from", "net/Vpc", "--to", "net/Web", account=A)
    assert p.returncode == 2 and "source net/Vpc (vpc-" in p.stderr and ", AWS::EC2::VPC) is not an instance, network interface" in p.stderr

    # The same stack name in B: without a caller it is ambiguous.
    deploy(server, B, "net")
    p = xvpc(server, "trace", "--from", "net/Client", "--to", "net/Web")
    assert p.returncode == 2 and "give --account and --region" in p.stderr
    assert trace(server, "net/Client", "net/Web", 80, account=B)[0] == 0

    # matrix --stack: the stack's instances, rows read STACK/LogicalId.
    p = xvpc(server, "matrix", "--stack", "net", "--json", account=A)
    m = json.loads(p.stdout)
    assert sorted(i["stack_ref"] for i in m["instances"]) == ["net/Client", "net/Web"]
    assert sorted(i["id"] for i in m["instances"]) == sorted(ids.values())
    # The console's matrix labels them the same way (the instances have no Name tag).
    assert sorted(e["label"] for e in m["endpoints"]) == sorted([f"net/Client ({ids['Client']})", f"net/Web ({ids['Web']})"])
    p = xvpc(server, "matrix", "--stack", "net", account=A)
    assert f"net/Web ({ids['Web']})" in p.stdout

    # compare takes them too.
    by_ref = json.loads(xvpc(server, "compare", "--from", "net/Client", "--to", "net/Web", "--json", account=A).stdout)
    by_id = json.loads(xvpc(server, "compare", "--from", ids["Client"], "--to", ids["Web"], "--json").stdout)
    assert by_ref == by_id

    # The diagram frames the stack's VPC in each account.
    svg = xvpc(server, "diagram", "--group-by", "stack").stdout
    assert svg.count('<g class="stack" data-stack="net">') == 2 and "stack net/Web" in svg


def test_a_dump_of_a_stacks_resources_traces_by_reference(server, tmp_path):
    """A dump of a real account (xvpc export's layout) holds no stacks, only
    the aws:cloudformation:* tags AWS put on what they made: trace
    --snapshot resolves STACK/LogicalId through those."""
    ids = deploy(server, A, "net")
    assert xvpc(server, "export", str(tmp_path / "dump")).returncode == 0
    p = subprocess.run([binary(), "trace", "--snapshot", str(tmp_path / "dump"), "--from", "net/Client", "--to", "net/Web", "--json",
                        "--account", A], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["references"] == {"net/Client": ids["Client"], "net/Web": ids["Web"]}
    p = subprocess.run([binary(), "trace", "--snapshot", str(tmp_path / "dump"), "--from", "net/Client", "--to", "net/Web", "--port", "22"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 1, p.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="the netns data plane needs root (CI runs as root)")
def test_exec_runs_in_the_instance_a_stack_reference_names(srv):
    ids = deploy(srv, A, "net")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    run = lambda target, *extra: subprocess.run([binary(), "exec", "--endpoint", srv.url, *extra, target, "--", "ip", "-4", "-o", "addr"],
                                                capture_output=True, text=True, timeout=60, env=env)
    web_ip = boto3.client("ec2", endpoint_url=srv.url, region_name=REGION, aws_access_key_id=A, aws_secret_access_key="test") \
        .describe_instances(InstanceIds=[ids["Web"]])["Reservations"][0]["Instances"][0]["PrivateIpAddress"]
    p = run("net/Web", "--account", A)
    assert p.returncode == 0 and web_ip in p.stdout, p.stderr
    # No caller: the name is unique, so it resolves too.
    assert web_ip in run("net/Web").stdout
    p = run("net/Web", "--account", B)
    assert p.returncode != 0 and f"Stack with id net does not exist in account {B}" in p.stderr
    p = run("net/Vpc", "--account", A)
    assert p.returncode != 0 and "no instance or network interface vpc-" in p.stderr
