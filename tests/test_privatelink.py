"""PrivateLink end to end: endpoint services (provider A) and interface
endpoints (consumer B), through boto3 and the AWS CLI."""
import re

import pytest
from botocore.exceptions import ClientError

from conftest import A, B, C, CliError, error_code
from test_elbv2 import network, nlb


def zones(ec2, account):
    """zone name -> zone id as `account` sees them."""
    return {z["ZoneName"]: z["ZoneId"] for z in ec2(account).describe_availability_zones()["AvailabilityZones"]}


def provider(ec2, elbv2, server, acceptance=True):
    """A's NLB in A's zones a and b, and an endpoint service on it."""
    vpc, subnets = network(ec2, A)
    lb = nlb(elbv2, subnets[:2])["LoadBalancerArn"]
    svc = ec2(A).create_vpc_endpoint_service_configuration(
        NetworkLoadBalancerArns=[lb], AcceptanceRequired=acceptance,
        TagSpecifications=[{"ResourceType": "vpc-endpoint-service", "Tags": [{"Key": "Name", "Value": "svc"}]}])["ServiceConfiguration"]
    server.advance_clock(5)
    return svc, lb


def consumer(ec2, account=B, cidr="10.2.0.0/16"):
    """B's VPC with a subnet in each of B's six zones: {zone id: subnet id}."""
    c = ec2(account)
    vpc = c.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    base = cidr.split(".")[:2]
    out = {}
    for i, (name, zid) in enumerate(sorted(zones(ec2, account).items())):
        out[zid] = c.create_subnet(VpcId=vpc, CidrBlock=f"{base[0]}.{base[1]}.{i}.0/24", AvailabilityZone=name)["Subnet"]["SubnetId"]
    return vpc, out


def test_service_configuration_shape(ec2, elbv2, server):
    svc, lb = provider(ec2, elbv2, server)
    sid = svc["ServiceId"]
    assert re.fullmatch(r"vpce-svc-[0-9a-f]{17}", sid)
    assert svc["ServiceName"] == f"com.amazonaws.vpce.us-east-1.{sid}"
    assert svc["ServiceState"] == "Pending" and svc["AcceptanceRequired"] is True
    assert svc["NetworkLoadBalancerArns"] == [lb]
    got = ec2(A).describe_vpc_endpoint_service_configurations(ServiceIds=[sid])["ServiceConfigurations"][0]
    assert got["ServiceState"] == "Available"
    za = zones(ec2, A)
    assert sorted(got["AvailabilityZones"]) == ["us-east-1a", "us-east-1b"]
    assert sorted(got["AvailabilityZoneIds"]) == sorted([za["us-east-1a"], za["us-east-1b"]])
    assert got["BaseEndpointDnsNames"] == [f"{sid}.us-east-1.vpce.amazonaws.com"]
    assert got["Tags"] == [{"Key": "Name", "Value": "svc"}]
    # Other accounts see nothing of it by id; the NLB can't be deleted while it serves.
    with pytest.raises(ClientError) as e:
        ec2(B).describe_vpc_endpoint_service_configurations(ServiceIds=[sid])
    assert error_code(e) == "InvalidVpcEndpointServiceId.NotFound"
    with pytest.raises(ClientError) as e:
        elbv2(A).delete_load_balancer(LoadBalancerArn=lb)
    assert error_code(e) == "ResourceInUse"
    ec2(A).modify_vpc_endpoint_service_configuration(ServiceId=sid, AcceptanceRequired=False)
    assert ec2(A).describe_vpc_endpoint_service_configurations(ServiceIds=[sid])["ServiceConfigurations"][0]["AcceptanceRequired"] is False


def test_consumer_not_allowlisted(ec2, elbv2, server, aws):
    svc, _ = provider(ec2, elbv2, server)
    name = svc["ServiceName"]
    with pytest.raises(ClientError) as e:
        ec2(B).describe_vpc_endpoint_services(ServiceNames=[name])
    assert error_code(e) == "InvalidServiceName"
    assert name not in ec2(B).describe_vpc_endpoint_services()["ServiceNames"]
    vpc, subnets = consumer(ec2)
    with pytest.raises(CliError) as e:
        aws(B, "ec2", "create-vpc-endpoint", "--vpc-endpoint-type", "Interface", "--vpc-id", vpc,
            "--service-name", name, "--subnet-ids", list(subnets.values())[0])
    assert e.value.code == "InvalidServiceName"
    assert ec2(B).describe_vpc_endpoints()["VpcEndpoints"] == []
    # Allowing B does not allow C.
    r = ec2(A).modify_vpc_endpoint_service_permissions(ServiceId=svc["ServiceId"], AddAllowedPrincipals=[f"arn:aws:iam::{B}:root"])
    assert r["ReturnValue"] is True
    assert r["AddedPrincipals"][0]["PrincipalType"] == "Account"
    perms = ec2(A).describe_vpc_endpoint_service_permissions(ServiceId=svc["ServiceId"])["AllowedPrincipals"]
    assert [p["Principal"] for p in perms] == [f"arn:aws:iam::{B}:root"]
    detail = ec2(B).describe_vpc_endpoint_services(ServiceNames=[name])["ServiceDetails"][0]
    assert detail["Owner"] == A and detail["AcceptanceRequired"] is True
    # B sees the zones under B's own names for the same zone ids.
    zb = {v: k for k, v in zones(ec2, B).items()}
    assert sorted(detail["AvailabilityZones"]) == sorted(zb[z] for z in detail["AvailabilityZoneIds"])
    with pytest.raises(ClientError) as e:
        ec2(C).describe_vpc_endpoint_services(ServiceNames=[name])
    assert error_code(e) == "InvalidServiceName"


def test_endpoint_zone_ids_acceptance_and_teardown(ec2, elbv2, server):
    svc, _ = provider(ec2, elbv2, server)
    sid, name = svc["ServiceId"], svc["ServiceName"]
    ec2(A).modify_vpc_endpoint_service_permissions(ServiceId=sid, AddAllowedPrincipals=["*"])
    vpc, subnets = consumer(ec2)
    svc_zones = ec2(A).describe_vpc_endpoint_service_configurations(ServiceIds=[sid])["ServiceConfigurations"][0]["AvailabilityZoneIds"]
    inside = [subnets[z] for z in svc_zones]
    outside = next(s for z, s in subnets.items() if z not in svc_zones)
    b = ec2(B)
    # A subnet in a zone (by id) the service's NLB does not cover.
    with pytest.raises(ClientError) as e:
        b.create_vpc_endpoint(VpcEndpointType="Interface", VpcId=vpc, ServiceName=name, SubnetIds=[outside])
    assert error_code(e) == "InvalidParameter"
    ep = b.create_vpc_endpoint(VpcEndpointType="Interface", VpcId=vpc, ServiceName=name, SubnetIds=inside,
                               TagSpecifications=[{"ResourceType": "vpc-endpoint", "Tags": [{"Key": "Name", "Value": "ep"}]}])["VpcEndpoint"]
    eid = ep["VpcEndpointId"]
    assert ep["State"] == "pendingAcceptance"
    assert len(ep["NetworkInterfaceIds"]) == 2
    dns = [d["DnsName"] for d in ep["DnsEntries"]]
    assert re.fullmatch(rf"{eid}-[0-9a-z]{{8}}\.{sid}\.us-east-1\.vpce\.amazonaws\.com", dns[0])
    assert len(dns) == 3 and all(re.fullmatch(rf"{eid}-[0-9a-z]{{8}}-us-east-1[a-f]\.{sid}\.us-east-1\.vpce\.amazonaws\.com", d) for d in dns[1:])
    enis = server.state()["network_interfaces"]
    for eni in ep["NetworkInterfaceIds"]:
        assert enis[eni]["interface_type"] == "vpc_endpoint" and enis[eni]["owner"] == B and enis[eni]["requester_managed"]
    conns = ec2(A).describe_vpc_endpoint_connections(Filters=[{"Name": "service-id", "Values": [sid]}])["VpcEndpointConnections"]
    assert [(c["VpcEndpointId"], c["VpcEndpointOwner"], c["VpcEndpointState"]) for c in conns] == [(eid, B, "pendingAcceptance")]
    # Acceptance by the wrong account: B does not own the service.
    with pytest.raises(ClientError) as e:
        b.accept_vpc_endpoint_connections(ServiceId=sid, VpcEndpointIds=[eid])
    assert error_code(e) == "InvalidVpcEndpointServiceId.NotFound"
    assert b.describe_vpc_endpoints(VpcEndpointIds=[eid])["VpcEndpoints"][0]["State"] == "pendingAcceptance"
    r = ec2(A).accept_vpc_endpoint_connections(ServiceId=sid, VpcEndpointIds=[eid, "vpce-0123456789abcdef0"])
    assert [u["ResourceId"] for u in r["Unsuccessful"]] == ["vpce-0123456789abcdef0"]
    assert b.describe_vpc_endpoints(Filters=[{"Name": "tag:Name", "Values": ["ep"]}])["VpcEndpoints"][0]["State"] == "available"
    # The service can't go while an endpoint is connected.
    r = ec2(A).delete_vpc_endpoint_service_configurations(ServiceIds=[sid])
    assert r["Unsuccessful"][0]["Error"]["Code"] == "ExistingVpcEndpointConnections"
    # Modify: drop a subnet, its ENI goes.
    b.modify_vpc_endpoint(VpcEndpointId=eid, RemoveSubnetIds=[inside[0]])
    assert len(b.describe_vpc_endpoints(VpcEndpointIds=[eid])["VpcEndpoints"][0]["NetworkInterfaceIds"]) == 1
    r = b.delete_vpc_endpoints(VpcEndpointIds=[eid, "vpce-0123456789abcdef0"])
    assert [u["ResourceId"] for u in r["Unsuccessful"]] == ["vpce-0123456789abcdef0"]
    assert b.describe_vpc_endpoints()["VpcEndpoints"] == []
    assert not [e for e in server.state()["network_interfaces"].values() if e["interface_type"] == "vpc_endpoint"]
    assert ec2(A).delete_vpc_endpoint_service_configurations(ServiceIds=[sid])["Unsuccessful"] == []


def test_reject_and_no_acceptance(ec2, elbv2, server):
    svc, _ = provider(ec2, elbv2, server)
    sid, name = svc["ServiceId"], svc["ServiceName"]
    ec2(A).modify_vpc_endpoint_service_permissions(ServiceId=sid, AddAllowedPrincipals=[f"arn:aws:iam::{B}:root"])
    vpc, subnets = consumer(ec2)
    zid = ec2(A).describe_vpc_endpoint_service_configurations(ServiceIds=[sid])["ServiceConfigurations"][0]["AvailabilityZoneIds"][0]
    b = ec2(B)
    eid = b.create_vpc_endpoint(VpcEndpointType="Interface", VpcId=vpc, ServiceName=name, SubnetIds=[subnets[zid]])["VpcEndpoint"]["VpcEndpointId"]
    assert ec2(A).reject_vpc_endpoint_connections(ServiceId=sid, VpcEndpointIds=[eid])["Unsuccessful"] == []
    assert b.describe_vpc_endpoints(VpcEndpointIds=[eid])["VpcEndpoints"][0]["State"] == "rejected"
    r = ec2(A).accept_vpc_endpoint_connections(ServiceId=sid, VpcEndpointIds=[eid])
    assert len(r["Unsuccessful"]) == 1, "a rejected connection cannot be accepted"
    b.delete_vpc_endpoints(VpcEndpointIds=[eid])
    # Without acceptance the endpoint is created pending and becomes available.
    ec2(A).modify_vpc_endpoint_service_configuration(ServiceId=sid, AcceptanceRequired=False)
    ep = b.create_vpc_endpoint(VpcEndpointType="Interface", VpcId=vpc, ServiceName=name, SubnetIds=[subnets[zid]])["VpcEndpoint"]
    assert ep["State"] == "pending"
    assert b.describe_vpc_endpoints(VpcEndpointIds=[ep["VpcEndpointId"]])["VpcEndpoints"][0]["State"] == "available"
    # The consumer's VPC can't be deleted while the endpoint's ENI is in it.
    with pytest.raises(ClientError) as e:
        b.delete_subnet(SubnetId=subnets[zid])
    assert error_code(e) == "DependencyViolation"
