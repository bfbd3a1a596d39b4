"""Endpoints to AWS services over real packets (`--dataplane netns`).

- Gateway endpoint: an instance fetches a page from an S3 address (the
  service's AWS-managed prefix list, 198.19.192.0/18) through the
  endpoint's route; its security group may name the prefix list. With the
  route table taken off the endpoint the request times out, as
  `xvpc trace` says.
- Interface endpoint to xvpc itself: in a VPC with `ec2`, `sts` and
  `elasticloadbalancing` interface endpoints with private DNS, the real AWS CLI inside the instance
  calls `ec2.us-east-1.amazonaws.com` over HTTPS (the run's CA through
  AWS_CA_BUNDLE, its account's key: `xvpc exec` sets the instance's
  environment) and gets its own account's answer, but not the operator
  endpoints (`/_xvpc/credentials`, `/_xvpc/reset`: 403). With the endpoint's
  group closed, or without the endpoint, it does not connect, and
  `xvpc trace` says the same. Root only (CI runs as root)."""
import json
import os
import subprocess

from conftest import A, binary, make_client
from test_netns_scenarios import pytestmark, srv, netns_server, xexec  # noqa: F401 (fixtures)

RUN = dict(ImageId="ami-1e749f67", InstanceType="t3.micro", MinCount=1, MaxCount=1)


def trace(srv, src, *to, port):
    p = subprocess.run([binary(), "trace", "--from", src, *to, "--port", str(port), "--endpoint", srv.url, "--json"],
                       capture_output=True, text=True, timeout=30)
    return json.loads(p.stdout)


def network(c):
    vpc = c.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    c.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    sub = c.create_subnet(VpcId=vpc, CidrBlock="10.7.1.0/24")["Subnet"]["SubnetId"]
    rtb = c.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    c.associate_route_table(RouteTableId=rtb, SubnetId=sub)
    return vpc, sub, rtb


def test_an_instance_reaches_s3_through_a_gateway_endpoint(srv):
    c = make_client(srv, "ec2", A)
    vpc, sub, rtb = network(c)
    pl = c.describe_prefix_lists(Filters=[{"Name": "prefix-list-name", "Values": ["com.amazonaws.us-east-1.s3"]}])["PrefixLists"][0]
    s3 = pl["Cidrs"][0].rsplit(".", 1)[0] + ".25"
    # Out only to S3's prefix list, on port 80.
    sg = c.create_security_group(GroupName="to-s3", Description="to-s3", VpcId=vpc)["GroupId"]
    c.revoke_security_group_egress(GroupId=sg, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    c.authorize_security_group_egress(GroupId=sg, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80,
                                                                   "PrefixListIds": [{"PrefixListId": pl["PrefixListId"]}]}])
    inst = c.run_instances(SubnetId=sub, SecurityGroupIds=[sg], **RUN)["Instances"][0]
    i, ip = inst["InstanceId"], inst["PrivateIpAddress"]
    ep = c.create_vpc_endpoint(VpcId=vpc, VpcEndpointType="Gateway", ServiceName="com.amazonaws.us-east-1.s3",
                               RouteTableIds=[rtb])["VpcEndpoint"]["VpcEndpointId"]

    r = xexec(srv, i, "curl", "-s", "-m", "3", f"http://{s3}/")
    assert r.returncode == 0, (r.returncode, r.stdout, r.stderr)
    assert r.stdout.strip() == f"com.amazonaws.us-east-1.s3 through {ep}, from {ip}", r.stdout
    assert trace(srv, i, "--to-ip", s3, port=80)["reachable"]
    # Port 443 is not in the group's egress rules: dropped on the way out.
    assert xexec(srv, i, "curl", "-s", "-m", "3", f"https://{s3}/").returncode == 28

    c.modify_vpc_endpoint(VpcEndpointId=ep, RemoveRouteTableIds=[rtb])
    assert xexec(srv, i, "curl", "-s", "-m", "3", f"http://{s3}/").returncode == 28
    t = trace(srv, i, "--to-ip", s3, port=80)
    assert not t["reachable"]
    assert any("modify-vpc-endpoint" in (b.get("fix") or {}).get("command", "") for b in t["blockers"]), t["blockers"]


def aws(srv, i, *args):
    """The AWS CLI inside instance `i`, one attempt, short timeouts."""
    env = dict(os.environ, AWS_MAX_ATTEMPTS="1", AWS_RETRY_MODE="standard")
    return subprocess.run([binary(), "exec", "--endpoint", srv.url, i, "--", "aws", "--cli-connect-timeout", "3", "--output", "json", *args],
                          capture_output=True, text=True, timeout=60, env=env)


def test_the_aws_cli_in_an_instance_calls_xvpc_through_an_interface_endpoint(srv):
    c = make_client(srv, "ec2", A)
    vpc, sub, _ = network(c)
    client = c.create_security_group(GroupName="client", Description="client", VpcId=vpc)["GroupId"]
    epsg = c.create_security_group(GroupName="endpoint", Description="endpoint", VpcId=vpc)["GroupId"]
    https = [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.7.0.0/16"}]}]
    c.authorize_security_group_ingress(GroupId=epsg, IpPermissions=https)
    i = c.run_instances(SubnetId=sub, SecurityGroupIds=[client], **RUN)["Instances"][0]["InstanceId"]
    eps = [c.create_vpc_endpoint(VpcId=vpc, VpcEndpointType="Interface", ServiceName=f"com.amazonaws.us-east-1.{s}", SubnetIds=[sub],
                                 SecurityGroupIds=[epsg], PrivateDnsEnabled=True)["VpcEndpoint"]["VpcEndpointId"]
           for s in ("ec2", "sts", "elasticloadbalancing")]

    r = aws(srv, i, "ec2", "describe-vpcs", "--vpc-ids", vpc)
    assert r.returncode == 0, (r.stdout, r.stderr)
    vpcs = json.loads(r.stdout)["Vpcs"]
    assert [(v["VpcId"], v["OwnerId"]) for v in vpcs] == [(vpc, A)]
    r = aws(srv, i, "sts", "get-caller-identity")
    assert r.returncode == 0 and json.loads(r.stdout)["Account"] == A, (r.stdout, r.stderr)
    # The operator endpoints are the host's, not a guest's: the forwarded
    # connection comes from this host, yet keys, reset and state answer 403.
    for method, path in [("GET", "/_xvpc/credentials"), ("POST", "/_xvpc/reset"), ("GET", "/_xvpc/state"), ("GET", "/console")]:
        r = xexec(srv, i, "sh", "-c", f'curl -s -m 5 -o /dev/null -w %{{http_code}} -X {method} --cacert "$AWS_CA_BUNDLE" '
                                      f'https://ec2.us-east-1.amazonaws.com{path}')
        assert r.stdout == "403", (path, r.returncode, r.stdout, r.stderr)
    assert [v["VpcId"] for v in c.describe_vpcs(VpcIds=[vpc])["Vpcs"]] == [vpc], "no reset happened"
    r = aws(srv, i, "elbv2", "describe-load-balancers")
    assert r.returncode == 0 and json.loads(r.stdout)["LoadBalancers"] == [], (r.stdout, r.stderr)
    assert trace(srv, i, "--to", eps[0], port=443)["reachable"]

    # The endpoint's group closed: the CLI cannot connect, as trace says.
    c.revoke_security_group_ingress(GroupId=epsg, IpPermissions=https)
    r = aws(srv, i, "ec2", "describe-vpcs")
    assert r.returncode != 0 and "Connect timeout" in r.stderr, (r.returncode, r.stderr)
    t = trace(srv, i, "--to", eps[0], port=443)
    assert not t["reachable"] and any(epsg in json.dumps(b) for b in t["blockers"]), t["blockers"]

    # No endpoint: the regional name is not answered in the VPC (sts's still is).
    c.authorize_security_group_ingress(GroupId=epsg, IpPermissions=https)
    c.delete_vpc_endpoints(VpcEndpointIds=[eps[0]])
    r = aws(srv, i, "ec2", "describe-vpcs")
    assert r.returncode != 0 and "Could not connect" in r.stderr, (r.returncode, r.stderr)
    assert xexec(srv, i, "getent", "hosts", "ec2.us-east-1.amazonaws.com").returncode != 0
    r = aws(srv, i, "sts", "get-caller-identity")
    assert r.returncode == 0 and json.loads(r.stdout)["Account"] == A, (r.stdout, r.stderr)
