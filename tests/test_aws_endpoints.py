"""AWS's own services behind VPC endpoints (issue 16, part 2): the service
list, Gateway endpoints and their prefix-list routes, Interface endpoints to
AWS services, and the AWS-managed prefix lists, through boto3."""
import json
import re

import pytest
from botocore.exceptions import ClientError

from conftest import A, B, error_code

R = "us-east-1"
S3 = f"com.amazonaws.{R}.s3"
DDB = f"com.amazonaws.{R}.dynamodb"
EC2 = f"com.amazonaws.{R}.ec2"


def details(c, **kw):
    return c.describe_vpc_endpoint_services(**kw)["ServiceDetails"]


def vpc_with_subnets(c, cidr="10.0.0.0/16", dns=True):
    vpc = c.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    if dns:
        c.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    base = ".".join(cidr.split(".")[:2])
    azs = [z["ZoneName"] for z in c.describe_availability_zones()["AvailabilityZones"]][:2]
    subnets = [c.create_subnet(VpcId=vpc, CidrBlock=f"{base}.{i}.0/24", AvailabilityZone=z)["Subnet"]["SubnetId"] for i, z in enumerate(azs)]
    return vpc, subnets


def test_service_list_holds_aws_services(ec2):
    c = ec2(A)
    out = c.describe_vpc_endpoint_services()
    names = out["ServiceNames"]
    for short in ["s3", "dynamodb", "ec2", "sts", "ssm", "ssmmessages", "ec2messages", "elasticloadbalancing", "rds", "logs",
                  "monitoring", "kms", "secretsmanager", "ecr.api", "ecr.dkr", "lambda", "sqs", "sns"]:
        assert f"com.amazonaws.{R}.{short}" in names, short
    assert names.count(S3) == 1, "a name is listed once even with two types"
    s3 = [d for d in out["ServiceDetails"] if d["ServiceName"] == S3]
    assert [d["ServiceType"] for d in s3] == [[{"ServiceType": "Gateway"}], [{"ServiceType": "Interface"}]]
    gw, itf = s3
    azs = [z["ZoneName"] for z in c.describe_availability_zones()["AvailabilityZones"]]
    for d in s3:
        assert d["Owner"] == "amazon" and d["AcceptanceRequired"] is False and d["VpcEndpointPolicySupported"] is True
        assert d["AvailabilityZones"] == azs and len(d["AvailabilityZoneIds"]) == len(azs)
        assert re.fullmatch(r"vpce-svc-[0-9a-f]{17}", d["ServiceId"])
    assert gw["BaseEndpointDnsNames"] == [f"s3.{R}.amazonaws.com"] and "PrivateDnsName" not in gw
    assert itf["BaseEndpointDnsNames"] == [f"s3.{R}.vpce.amazonaws.com"]
    e = details(c, ServiceNames=[EC2])
    assert len(e) == 1 and e[0]["PrivateDnsName"] == f"ec2.{R}.amazonaws.com"
    assert e[0]["PrivateDnsNames"] == [{"PrivateDnsName": f"ec2.{R}.amazonaws.com"}]
    assert e[0]["PrivateDnsNameVerificationState"] == "verified"
    assert e[0]["ServiceType"] == [{"ServiceType": "Interface"}]
    # Another region lists its own names.
    other = ec2(A, region="eu-west-1").describe_vpc_endpoint_services(ServiceNames=["com.amazonaws.eu-west-1.s3"])
    assert len(other["ServiceDetails"]) == 2


def test_service_filters(ec2):
    c = ec2(A)
    gw = details(c, Filters=[{"Name": "service-type", "Values": ["Gateway"]}])
    assert sorted(d["ServiceName"] for d in gw) == [DDB, S3]
    only = details(c, Filters=[{"Name": "service-name", "Values": [S3]}, {"Name": "service-type", "Values": ["Gateway"]}])
    assert len(only) == 1 and only[0]["ServiceType"] == [{"ServiceType": "Gateway"}]
    assert all(d["Owner"] == "amazon" for d in details(c, Filters=[{"Name": "owner", "Values": ["amazon"]}]))
    with pytest.raises(ClientError) as e:
        c.describe_vpc_endpoint_services(ServiceNames=[f"com.amazonaws.{R}.nothing"])
    assert error_code(e) == "InvalidServiceName"


def routes_to(c, rtb, ep):
    t = c.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]
    return [r for r in t["Routes"] if r.get("GatewayId") == ep]


def test_gateway_endpoint_routes_and_policy(ec2):
    c = ec2(A)
    vpc, _ = vpc_with_subnets(c)
    main = c.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][0]["RouteTableId"]
    other = c.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    pl = c.describe_prefix_lists(Filters=[{"Name": "prefix-list-name", "Values": [S3]}])["PrefixLists"][0]
    ep = c.create_vpc_endpoint(VpcId=vpc, ServiceName=S3, RouteTableIds=[main])["VpcEndpoint"]
    eid = ep["VpcEndpointId"]
    assert ep["VpcEndpointType"] == "Gateway" and ep["State"] == "available"
    assert ep["RouteTableIds"] == [main] and ep["SubnetIds"] == [] and ep["NetworkInterfaceIds"] == [] and ep["DnsEntries"] == []
    policy = json.loads(ep["PolicyDocument"])
    assert policy["Statement"] == [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]
    r = routes_to(c, main, eid)
    assert r == [{"DestinationPrefixListId": pl["PrefixListId"], "GatewayId": eid, "Origin": "CreateRoute", "State": "active"}]
    # One gateway endpoint per service and table.
    with pytest.raises(ClientError) as e:
        c.create_vpc_endpoint(VpcId=vpc, ServiceName=S3, RouteTableIds=[main])
    assert error_code(e) == "RouteAlreadyExists"
    # Tables follow ModifyVpcEndpoint.
    c.modify_vpc_endpoint(VpcEndpointId=eid, AddRouteTableIds=[other], RemoveRouteTableIds=[main])
    assert routes_to(c, main, eid) == [] and len(routes_to(c, other, eid)) == 1
    got = c.describe_vpc_endpoints(VpcEndpointIds=[eid])["VpcEndpoints"][0]
    assert got["RouteTableIds"] == [other]
    f = c.describe_route_tables(Filters=[{"Name": "route.destination-prefix-list-id", "Values": [pl["PrefixListId"]]}])["RouteTables"]
    assert [t["RouteTableId"] for t in f] == [other]
    with pytest.raises(ClientError) as e:
        c.modify_vpc_endpoint(VpcEndpointId=eid, RemoveRouteTableIds=[main])
    assert error_code(e) == "InvalidParameter"
    # A policy is stored and returned; ResetPolicy restores the default.
    mine = json.dumps({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]})
    c.modify_vpc_endpoint(VpcEndpointId=eid, PolicyDocument=mine)
    assert c.describe_vpc_endpoints(VpcEndpointIds=[eid])["VpcEndpoints"][0]["PolicyDocument"] == mine
    c.modify_vpc_endpoint(VpcEndpointId=eid, ResetPolicy=True)
    assert json.loads(c.describe_vpc_endpoints(VpcEndpointIds=[eid])["VpcEndpoints"][0]["PolicyDocument"]) == policy
    # Deleting the endpoint removes its routes.
    c.delete_vpc_endpoints(VpcEndpointIds=[eid])
    assert routes_to(c, other, eid) == []


def test_gateway_endpoint_refusals(ec2):
    c = ec2(A)
    vpc, subnets = vpc_with_subnets(c)
    other_vpc, _ = vpc_with_subnets(c, "10.9.0.0/16")
    rtb = c.create_route_table(VpcId=other_vpc)["RouteTable"]["RouteTableId"]
    cases = [
        dict(ServiceName=EC2, VpcEndpointType="Gateway"),  # EC2 is an Interface service only
        dict(ServiceName=S3, RouteTableIds=[rtb]),  # another VPC's table
        dict(ServiceName=S3, SubnetIds=subnets[:1]),  # subnets are for Interface endpoints
    ]
    for kw in cases:
        with pytest.raises(ClientError) as e:
            c.create_vpc_endpoint(VpcId=vpc, **kw)
        assert error_code(e) == "InvalidParameter", kw
    with pytest.raises(ClientError) as e:
        c.create_vpc_endpoint(VpcId=vpc, ServiceName=S3, RouteTableIds=["rtb-0123456789abcdef0"])
    assert error_code(e) == "InvalidRouteTableID.NotFound"
    with pytest.raises(ClientError) as e:
        ec2(B).create_vpc_endpoint(VpcId=vpc, ServiceName=S3)
    assert error_code(e) == "InvalidVpcID.NotFound"


def test_dynamodb_gateway_and_prefix_lists(ec2):
    c = ec2(A)
    vpc, _ = vpc_with_subnets(c)
    rtb = c.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    eid = c.create_vpc_endpoint(VpcId=vpc, ServiceName=DDB, VpcEndpointType="Gateway", RouteTableIds=[rtb])["VpcEndpoint"]["VpcEndpointId"]
    lists = {p["PrefixListName"]: p for p in c.describe_prefix_lists()["PrefixLists"]}
    assert set(lists) == {S3, DDB}
    assert routes_to(c, rtb, eid)[0]["DestinationPrefixListId"] == lists[DDB]["PrefixListId"]
    managed = {p["PrefixListName"]: p for p in c.describe_managed_prefix_lists()["PrefixLists"]}
    m = managed[S3]
    assert m["PrefixListId"] == lists[S3]["PrefixListId"]
    assert m["OwnerId"] == "AWS" and m["AddressFamily"] == "IPv4" and m["State"] == "create-complete"
    assert m["PrefixListArn"] == f"arn:aws:ec2:{R}:aws:prefix-list/{m['PrefixListId']}"
    entries = c.get_managed_prefix_list_entries(PrefixListId=m["PrefixListId"])["Entries"]
    assert [e["Cidr"] for e in entries] == lists[S3]["Cidrs"]
    # Emulated service addresses: the RFC 2544 benchmarking block, never a real host.
    assert all(e["Cidr"].startswith("198.19.") for e in entries)
    by_owner = c.describe_managed_prefix_lists(Filters=[{"Name": "owner-id", "Values": ["AWS"]}])["PrefixLists"]
    assert len(by_owner) == 2
    with pytest.raises(ClientError) as e:
        c.get_managed_prefix_list_entries(PrefixListId="pl-00000000")
    assert error_code(e) == "InvalidPrefixListID.NotFound"


def test_interface_endpoint_to_aws_service(ec2):
    c = ec2(A)
    vpc, subnets = vpc_with_subnets(c)
    ep = c.create_vpc_endpoint(VpcId=vpc, ServiceName=EC2, VpcEndpointType="Interface", SubnetIds=subnets)["VpcEndpoint"]
    eid = ep["VpcEndpointId"]
    got = c.describe_vpc_endpoints(VpcEndpointIds=[eid])["VpcEndpoints"][0]
    assert got["State"] == "available" and got["PrivateDnsEnabled"] is True, "private DNS is on by default for AWS services"
    assert len(got["NetworkInterfaceIds"]) == 2
    enis = c.describe_network_interfaces(NetworkInterfaceIds=got["NetworkInterfaceIds"])["NetworkInterfaces"]
    assert {e["InterfaceType"] for e in enis} == {"vpc_endpoint"} and {e["SubnetId"] for e in enis} == set(subnets)
    names = [d["DnsName"] for d in got["DnsEntries"]]
    assert names[0].startswith(f"{eid}-") and names[0].endswith(f".ec2.{R}.vpce.amazonaws.com")
    assert f"ec2.{R}.amazonaws.com" in names
    assert "PolicyDocument" not in got, "EC2's endpoint takes no policy"
    # A second endpoint with private DNS for the same name conflicts.
    with pytest.raises(ClientError) as e:
        c.create_vpc_endpoint(VpcId=vpc, ServiceName=EC2, VpcEndpointType="Interface", SubnetIds=subnets[:1], PrivateDnsEnabled=True)
    assert error_code(e) == "InvalidParameter"
    c.modify_vpc_endpoint(VpcEndpointId=eid, PrivateDnsEnabled=False)
    got = c.describe_vpc_endpoints(VpcEndpointIds=[eid])["VpcEndpoints"][0]
    assert f"ec2.{R}.amazonaws.com" not in [d["DnsName"] for d in got["DnsEntries"]]
    # Without DNS hostnames in the VPC, private DNS cannot be asked for.
    plain, ps = vpc_with_subnets(c, "10.5.0.0/16", dns=False)
    with pytest.raises(ClientError) as e:
        c.create_vpc_endpoint(VpcId=plain, ServiceName=f"com.amazonaws.{R}.sts", VpcEndpointType="Interface", SubnetIds=ps, PrivateDnsEnabled=True)
    assert error_code(e) == "InvalidParameter"
    sts = c.create_vpc_endpoint(VpcId=plain, ServiceName=f"com.amazonaws.{R}.sts", VpcEndpointType="Interface", SubnetIds=ps)["VpcEndpoint"]
    assert sts["PrivateDnsEnabled"] is False
    c.delete_vpc_endpoints(VpcEndpointIds=[eid, sts["VpcEndpointId"]])
    assert c.describe_network_interfaces(Filters=[{"Name": "interface-type", "Values": ["vpc_endpoint"]}])["NetworkInterfaces"] == []


def test_interface_endpoint_addresses_and_no_subnets(ec2):
    """SubnetConfigurations choose each interface's IPv4 address; an
    Interface endpoint may start with no subnet at all (the VPC module's
    `complete` example makes its S3 one so)."""
    c = ec2(A)
    vpc, subnets = vpc_with_subnets(c)
    configs = [{"SubnetId": subnets[0], "Ipv4": "10.0.0.10"}, {"SubnetId": subnets[1], "Ipv4": "10.0.1.10"}]
    ep = c.create_vpc_endpoint(VpcId=vpc, ServiceName=EC2, VpcEndpointType="Interface", SubnetIds=subnets,
                               SubnetConfigurations=configs)["VpcEndpoint"]
    enis = c.describe_network_interfaces(NetworkInterfaceIds=ep["NetworkInterfaceIds"])["NetworkInterfaces"]
    assert {(e["SubnetId"], e["PrivateIpAddress"]) for e in enis} == {(x["SubnetId"], x["Ipv4"]) for x in configs}
    # An address outside its subnet, or a subnet the endpoint does not use, is refused.
    for bad in ([{"SubnetId": subnets[0], "Ipv4": "10.0.1.11"}], [{"SubnetId": subnets[1], "Ipv4": "10.0.1.12"}]):
        with pytest.raises(ClientError) as e:
            c.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{R}.sts", VpcEndpointType="Interface",
                                  SubnetIds=subnets[:1], PrivateDnsEnabled=False, SubnetConfigurations=bad)
        assert error_code(e) in ("InvalidParameterValue", "InvalidParameter"), e.value
    bare = c.create_vpc_endpoint(VpcId=vpc, ServiceName=S3, VpcEndpointType="Interface", PrivateDnsEnabled=False)["VpcEndpoint"]
    got = c.describe_vpc_endpoints(VpcEndpointIds=[bare["VpcEndpointId"]])["VpcEndpoints"][0]
    assert got["NetworkInterfaceIds"] == [] and got["SubnetIds"] == []


def test_trace_to_s3_through_a_gateway_endpoint(ec2, aws, server):
    """A private subnet reaches S3's prefix-list addresses only once its table
    holds the gateway endpoint's route; each printed fix, run with the CLI as
    the named account, is the next step."""
    from test_reach import AMI, apply_fixes, trace
    c = ec2(A)
    vpc, subnets = vpc_with_subnets(c)
    group = c.create_security_group(VpcId=vpc, GroupName="app", Description="app")["GroupId"]
    web = c.run_instances(ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1, SubnetId=subnets[0], SecurityGroupIds=[group])["Instances"][0]["InstanceId"]
    rtb = c.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    c.associate_route_table(RouteTableId=rtb, SubnetId=subnets[0])
    pl = c.describe_prefix_lists(Filters=[{"Name": "prefix-list-name", "Values": [S3]}])["PrefixLists"][0]
    s3 = pl["Cidrs"][0].replace(".0/24", ".10")
    rc, a = trace(server, web, s3, port=443)
    assert rc != 0 and [b["code"] for b in a["blockers"]] == ["NO_ROUTE_TO_DESTINATION"]
    assert "create-vpc-endpoint" in a["blockers"][0]["fix"]["command"]
    apply_fixes(aws, a)
    rc, a = trace(server, web, s3, port=443)
    assert rc == 0 and a["reachable"], a["blockers"]
    eid = c.describe_vpc_endpoints()["VpcEndpoints"][0]["VpcEndpointId"]
    # Moved to another table: blocked again, and the fix associates it back.
    main = c.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "association.main", "Values": ["true"]}])["RouteTables"][0]["RouteTableId"]
    c.modify_vpc_endpoint(VpcEndpointId=eid, AddRouteTableIds=[main], RemoveRouteTableIds=[rtb])
    rc, a = trace(server, web, s3, port=443)
    assert rc != 0
    assert a["blockers"][0]["fix"]["command"] == f"aws ec2 modify-vpc-endpoint --vpc-endpoint-id {eid} --add-route-table-ids {rtb} --region {R}"
    apply_fixes(aws, a)
    assert trace(server, web, s3, port=443)[1]["reachable"]
