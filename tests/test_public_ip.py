"""Public IPv4 addresses of instances (boto3): MapPublicIpOnLaunch,
AssociatePublicIpAddress, what DescribeInstances / DescribeNetworkInterfaces
show, and the address going back to the pool at stop and terminate."""
import ipaddress

import pytest
from botocore.exceptions import ClientError

from conftest import A, B, error_code

AMI = "ami-1e749f67"
# The emulated public space: RFC 2544's benchmarking block.
POOL = ipaddress.ip_network("198.18.0.0/15")


def setup(c, cidr="10.1.0.0/16", sub_cidr="10.1.1.0/24"):
    vpc = c.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    sub = c.create_subnet(VpcId=vpc, CidrBlock=sub_cidr)["Subnet"]["SubnetId"]
    return vpc, sub


def run(c, **kw):
    return c.run_instances(ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1, **kw)["Instances"][0]


def described(c, iid):
    return c.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]


def test_subnet_attribute_maps_public_ips_on_launch(ec2):
    c = ec2(A)
    vpc, sub = setup(c)
    private = run(c, SubnetId=sub)
    assert "PublicIpAddress" not in private and "Association" not in private["NetworkInterfaces"][0]
    c.modify_subnet_attribute(SubnetId=sub, MapPublicIpOnLaunch={"Value": True})
    assert c.describe_subnets(SubnetIds=[sub])["Subnets"][0]["MapPublicIpOnLaunch"] is True
    # (Of this VPC: the default VPC's subnets map public addresses too.)
    public = c.describe_subnets(Filters=[{"Name": "map-public-ip-on-launch", "Values": ["true"]}, {"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    assert [s["SubnetId"] for s in public] == [sub]
    i = run(c, SubnetId=sub)
    ip = i["PublicIpAddress"]
    assert ipaddress.ip_address(ip) in POOL
    d = described(c, i["InstanceId"])
    assert d["PublicIpAddress"] == ip
    # No DNS hostnames in a new VPC: no public DNS name.
    assert d["PublicDnsName"] == ""
    nic = d["NetworkInterfaces"][0]
    assert nic["Association"] == {"IpOwnerId": "amazon", "PublicDnsName": "", "PublicIp": ip}
    assert nic["PrivateIpAddresses"][0]["Association"]["PublicIp"] == ip
    eni = c.describe_network_interfaces(NetworkInterfaceIds=[nic["NetworkInterfaceId"]])["NetworkInterfaces"][0]
    assert eni["Association"]["PublicIp"] == ip and eni["Association"]["IpOwnerId"] == "amazon"
    # Filters on the public address.
    assert [r["Instances"][0]["InstanceId"] for r in c.describe_instances(Filters=[{"Name": "ip-address", "Values": [ip]}])["Reservations"]] == [i["InstanceId"]]
    assert [e["NetworkInterfaceId"] for e in c.describe_network_interfaces(Filters=[{"Name": "association.public-ip", "Values": [ip]}])["NetworkInterfaces"]] == [nic["NetworkInterfaceId"]]
    # The private instance was not given one afterwards.
    assert "PublicIpAddress" not in described(c, private["InstanceId"])
    # With DNS hostnames on, the public DNS name appears.
    c.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    d = described(c, i["InstanceId"])
    assert d["PublicDnsName"] == f"ec2-{ip.replace('.', '-')}.compute-1.amazonaws.com"
    assert d["NetworkInterfaces"][0]["Association"]["PublicDnsName"] == d["PublicDnsName"]
    c.modify_subnet_attribute(SubnetId=sub, MapPublicIpOnLaunch={"Value": False})
    assert "PublicIpAddress" not in run(c, SubnetId=sub)


def test_launch_parameter_overrides_the_subnet_either_way(ec2):
    c = ec2(A)
    _, sub = setup(c)
    nic = {"DeviceIndex": 0, "SubnetId": sub}
    on = run(c, NetworkInterfaces=[{**nic, "AssociatePublicIpAddress": True}])
    assert ipaddress.ip_address(on["PublicIpAddress"]) in POOL
    c.modify_subnet_attribute(SubnetId=sub, MapPublicIpOnLaunch={"Value": True})
    off = run(c, NetworkInterfaces=[{**nic, "AssociatePublicIpAddress": False}])
    assert "PublicIpAddress" not in off


def test_addresses_are_unique_regional_and_released_at_stop_and_terminate(ec2):
    c = ec2(A)
    _, sub = setup(c)
    c.modify_subnet_attribute(SubnetId=sub, MapPublicIpOnLaunch={"Value": True})
    many = c.run_instances(ImageId=AMI, MinCount=5, MaxCount=5, SubnetId=sub)["Instances"]
    ips = [i["PublicIpAddress"] for i in many]
    assert len(set(ips)) == 5
    # Another account's instances never get one of these.
    cb = ec2(B)
    _, sb = setup(cb)
    cb.modify_subnet_attribute(SubnetId=sb, MapPublicIpOnLaunch={"Value": True})
    other = run(cb, SubnetId=sb)["PublicIpAddress"]
    assert other not in ips
    # Another region draws from another block.
    cw = ec2(A, "eu-west-1")
    _, sw = setup(cw)
    cw.modify_subnet_attribute(SubnetId=sw, MapPublicIpOnLaunch={"Value": True})
    west = ipaddress.ip_address(run(cw, SubnetId=sw)["PublicIpAddress"])
    assert west in POOL and all(west not in ipaddress.ip_network(f"{ip}/19", strict=False) for ip in ips)
    # Stop: the address goes; start: a (new) one comes.
    iid = many[0]["InstanceId"]
    c.stop_instances(InstanceIds=[iid])
    stopped = described(c, iid)
    assert "PublicIpAddress" not in stopped and "Association" not in stopped["NetworkInterfaces"][0]
    c.start_instances(InstanceIds=[iid])
    again = described(c, iid)["PublicIpAddress"]
    assert ipaddress.ip_address(again) in POOL and again not in ips[1:]
    # Terminate: gone from the instance and from every interface.
    c.terminate_instances(InstanceIds=[many[1]["InstanceId"]])
    assert "PublicIpAddress" not in described(c, many[1]["InstanceId"])
    held = [e.get("Association", {}).get("PublicIp") for e in c.describe_network_interfaces()["NetworkInterfaces"]]
    assert ips[1] not in held


def test_modify_subnet_attribute_errors(ec2):
    c = ec2(A)
    _, sub = setup(c)
    with pytest.raises(ClientError) as e:
        c.modify_subnet_attribute(SubnetId="subnet-0123456789abcdef0", MapPublicIpOnLaunch={"Value": True})
    assert error_code(e) == "InvalidSubnetID.NotFound"
    with pytest.raises(ClientError) as e:
        ec2(B).modify_subnet_attribute(SubnetId=sub, MapPublicIpOnLaunch={"Value": True})
    assert error_code(e) == "InvalidSubnetID.NotFound"
    with pytest.raises(ClientError) as e:
        c.modify_subnet_attribute(SubnetId=sub)
    assert error_code(e) == "MissingParameter"
    # Attributes xvpc does not model are accepted at their shown value only.
    c.modify_subnet_attribute(SubnetId=sub, AssignIpv6AddressOnCreation={"Value": False})


def public_web(c):
    """A VPC with an attached gateway, a public subnet (map on launch, a
    default route to the gateway) and an instance in it. Returns ids."""
    vpc, sub = setup(c)
    igw = c.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    c.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    rtb = c.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    c.associate_route_table(RouteTableId=rtb, SubnetId=sub)
    c.modify_subnet_attribute(SubnetId=sub, MapPublicIpOnLaunch={"Value": True})
    sg = c.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    i = run(c, SubnetId=sub, SecurityGroupIds=[sg])
    return {"vpc": vpc, "subnet": sub, "igw": igw, "rtb": rtb, "sg": sg, "instance": i["InstanceId"], "public": i["PublicIpAddress"]}


def test_trace_to_and_from_the_internet_fixes_apply(ec2, aws, server):
    from test_reach import apply_fixes, trace
    w = public_web(ec2(A))
    host = "203.0.113.10"
    # No default route yet: the blocker's fix adds the one to the gateway.
    rc, a = trace(server, w["instance"], host)
    assert rc != 0 and [b["code"] for b in a["blockers"]] == ["NO_ROUTE_TO_DESTINATION"]
    assert f"--gateway-id {w['igw']}" in a["blockers"][0]["fix"]["command"]
    apply_fixes(aws, a)
    rc, a = trace(server, w["instance"], host)
    assert rc == 0 and a["reachable"], a["blockers"]
    assert w["igw"] in [h["component"]["id"] for h in a["forward"]]
    # From the internet to the public address: the group admits nothing yet.
    rc, a = trace(server, host, w["public"])
    assert not a["reachable"] and [(b["code"], b["component"]["owner"]) for b in a["blockers"]] == [("SG_HAS_NO_RULES", A)]
    apply_fixes(aws, a)
    rc, a = trace(server, host, w["public"])
    assert rc == 0 and a["reachable"], a["blockers"]
    # A private-only instance in the same subnet cannot go out.
    c = ec2(A)
    private = run(c, NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": w["subnet"], "AssociatePublicIpAddress": False, "Groups": [w["sg"]]}])["InstanceId"]
    rc, a = trace(server, private, host)
    assert [b["code"] for b in a["blockers"]] == ["IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"]
    # Its fixes: allocate an Elastic IP, then associate it; then it can.
    assert a["blockers"][0]["fix"]["command"].startswith("aws ec2 allocate-address")
    apply_fixes(aws, a)
    rc, a = trace(server, private, host)
    assert a["blockers"][0]["fix"]["command"].startswith("aws ec2 associate-address")
    apply_fixes(aws, a)
    rc, a = trace(server, private, host)
    assert rc == 0 and a["reachable"], a["blockers"]
    assert described(c, private).get("PublicIpAddress") == c.describe_addresses()["Addresses"][0]["PublicIp"]


def test_elastic_ip_lifecycle(ec2):
    c = ec2(A)
    w = public_web(c)
    iid, auto = w["instance"], w["public"]
    a = c.allocate_address(Domain="vpc", TagSpecifications=[{"ResourceType": "elastic-ip", "Tags": [{"Key": "Name", "Value": "web"}]}])
    eip, alloc = a["PublicIp"], a["AllocationId"]
    assert alloc.startswith("eipalloc-") and a["Domain"] == "vpc" and ipaddress.ip_address(eip) in POOL and eip != auto
    d = c.describe_addresses(AllocationIds=[alloc])["Addresses"][0]
    assert "AssociationId" not in d and d["Tags"] == [{"Key": "Name", "Value": "web"}]
    # Associating replaces the automatic address; the ENI shows the EIP's ids.
    assoc = c.associate_address(AllocationId=alloc, InstanceId=iid)["AssociationId"]
    assert assoc.startswith("eipassoc-")
    i = described(c, iid)
    assert i["PublicIpAddress"] == eip and i["NetworkInterfaces"][0]["Association"]["IpOwnerId"] == A
    eni = i["NetworkInterfaces"][0]["NetworkInterfaceId"]
    e = c.describe_network_interfaces(NetworkInterfaceIds=[eni])["NetworkInterfaces"][0]["Association"]
    assert (e["AllocationId"], e["AssociationId"], e["PublicIp"]) == (alloc, assoc, eip)
    by = lambda name, v: [x["NetworkInterfaceId"] for x in c.describe_network_interfaces(Filters=[{"Name": name, "Values": [v]}])["NetworkInterfaces"]]
    assert by("association.allocation-id", alloc) == [eni] and by("association.association-id", assoc) == [eni]
    assert by("association.ip-owner-id", A) == [eni] and by("association.public-ip", eip) == [eni]
    d = c.describe_addresses(Filters=[{"Name": "instance-id", "Values": [iid]}])["Addresses"]
    assert [(x["AllocationId"], x["AssociationId"], x["NetworkInterfaceId"], x["PrivateIpAddress"]) for x in d] == [(alloc, assoc, eni, i["PrivateIpAddress"])]
    # Released only once disassociated.
    with pytest.raises(ClientError) as err:
        c.release_address(AllocationId=alloc)
    assert error_code(err) == "InvalidIPAddress.InUse"
    # It survives stop/start.
    c.stop_instances(InstanceIds=[iid])
    assert described(c, iid)["PublicIpAddress"] == eip
    c.start_instances(InstanceIds=[iid])
    assert described(c, iid)["PublicIpAddress"] == eip
    # Another instance: no reassociation unless allowed.
    other = run(c, SubnetId=w["subnet"])["InstanceId"]
    with pytest.raises(ClientError) as err:
        c.associate_address(AllocationId=alloc, InstanceId=other)
    assert error_code(err) == "Resource.AlreadyAssociated"
    c.associate_address(AllocationId=alloc, InstanceId=other, AllowReassociation=True)
    assert described(c, other)["PublicIpAddress"] == eip
    # The first instance got a new automatic address back.
    back = described(c, iid)["PublicIpAddress"]
    assert ipaddress.ip_address(back) in POOL and back != eip
    # Disassociate: the second instance also gets an automatic one; release.
    assoc2 = c.describe_addresses(AllocationIds=[alloc])["Addresses"][0]["AssociationId"]
    c.disassociate_address(AssociationId=assoc2)
    assert described(c, other)["PublicIpAddress"] not in (eip, None)
    c.release_address(AllocationId=alloc)
    assert c.describe_addresses()["Addresses"] == []
    with pytest.raises(ClientError) as err:
        c.describe_addresses(AllocationIds=[alloc])
    assert error_code(err) == "InvalidAllocationID.NotFound"


def test_elastic_ip_needs_an_internet_gateway_and_is_per_account(ec2):
    c = ec2(A)
    _, sub = setup(c)
    iid = run(c, SubnetId=sub)["InstanceId"]
    alloc = c.allocate_address(Domain="vpc")["AllocationId"]
    with pytest.raises(ClientError) as err:
        c.associate_address(AllocationId=alloc, InstanceId=iid)
    assert error_code(err) == "Gateway.NotAttached"
    with pytest.raises(ClientError) as err:
        ec2(B).release_address(AllocationId=alloc)
    assert error_code(err) == "InvalidAllocationID.NotFound"
    with pytest.raises(ClientError) as err:
        c.disassociate_address(AssociationId="eipassoc-0123456789abcdef0")
    assert error_code(err) == "InvalidAssociationID.NotFound"
    # Terminating the instance leaves the address allocated, unassociated.
    w = public_web(ec2(B))
    cb = ec2(B)
    alloc_b = cb.allocate_address(Domain="vpc")["AllocationId"]
    cb.associate_address(AllocationId=alloc_b, InstanceId=w["instance"])
    cb.terminate_instances(InstanceIds=[w["instance"]])
    d = cb.describe_addresses(AllocationIds=[alloc_b])["Addresses"][0]
    assert "AssociationId" not in d and "InstanceId" not in d
