"""Instances, images, instance types, volumes and prefix lists (boto3 + CLI)."""
import base64

import pytest
from botocore.exceptions import ClientError

from conftest import A, B, CliError, error_code

AMI = "ami-1e749f67"


def raises(code, f, *a, **kw):
    with pytest.raises(ClientError) as e:
        f(*a, **kw)
    assert error_code(e) == code, e.value
    return e.value


def setup(c):
    vpc = c.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    sub = c.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
    return vpc, sub


def test_run_describe_terminate(ec2, server):
    c = ec2(A)
    vpc, sub = setup(c)
    sg = c.create_security_group(GroupName="web", Description="w", VpcId=vpc)["GroupId"]
    ud = base64.b64encode(b"#!/bin/bash\necho hi").decode()
    r = c.run_instances(ImageId=AMI, InstanceType="t3.micro", MinCount=2, MaxCount=2, SubnetId=sub, SecurityGroupIds=[sg],
                        UserData="#!/bin/bash\necho hi", ClientToken="tok-1",
                        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web"}]},
                                           {"ResourceType": "network-interface", "Tags": [{"Key": "Role", "Value": "eni"}]}])
    assert r["OwnerId"] == A and r["ReservationId"].startswith("r-")
    insts = r["Instances"]
    assert len(insts) == 2 and all(i["State"]["Name"] == "pending" for i in insts)
    i0 = insts[0]
    assert i0["SubnetId"] == sub and i0["VpcId"] == vpc and i0["PrivateIpAddress"] == "10.1.1.4"
    assert i0["SecurityGroups"] == [{"GroupId": sg, "GroupName": "web"}]
    assert i0["Tags"] == [{"Key": "Name", "Value": "web"}]
    nic = i0["NetworkInterfaces"][0]
    assert nic["Attachment"]["DeviceIndex"] == 0 and nic["InterfaceType"] == "interface"
    # Same client token: the same instances, nothing new.
    again = c.run_instances(ImageId=AMI, MinCount=2, MaxCount=2, SubnetId=sub, ClientToken="tok-1")
    assert [i["InstanceId"] for i in again["Instances"]] == [i["InstanceId"] for i in insts]
    ids = [i["InstanceId"] for i in insts]
    d = c.describe_instances(InstanceIds=ids)["Reservations"]
    assert len(d) == 1 and {i["State"]["Name"] for i in d[0]["Instances"]} == {"running"}
    for f, v in [("instance-state-name", "running"), ("vpc-id", vpc), ("subnet-id", sub), ("private-ip-address", "10.1.1.4"),
                 ("tag:Name", "web"), ("instance-id", ids[0])]:
        got = [i["InstanceId"] for res in c.describe_instances(Filters=[{"Name": f, "Values": [v]}])["Reservations"] for i in res["Instances"]]
        assert ids[0] in got, f
    enis = c.describe_network_interfaces(Filters=[{"Name": "attachment.instance-id", "Values": [ids[0]]}])["NetworkInterfaces"]
    assert enis[0]["Status"] == "in-use" and enis[0]["TagSet"] == [{"Key": "Role", "Value": "eni"}]
    raises("InvalidNetworkInterface.InUse", c.delete_network_interface, NetworkInterfaceId=enis[0]["NetworkInterfaceId"])
    attr = c.describe_instance_attribute(InstanceId=ids[0], Attribute="userData")["UserData"]["Value"]
    assert base64.b64decode(attr) == b"#!/bin/bash\necho hi" and attr == ud
    raises("DependencyViolation", c.delete_subnet, SubnetId=sub)
    t = c.terminate_instances(InstanceIds=ids)["TerminatingInstances"]
    assert t[0]["CurrentState"]["Name"] == "shutting-down" and t[0]["PreviousState"]["Name"] == "running"
    assert c.describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": [sub]}])["NetworkInterfaces"] == []
    d = c.describe_instances(InstanceIds=ids)["Reservations"][0]["Instances"]
    assert {i["State"]["Name"] for i in d} == {"terminated"}
    # Terminated instances fade from view after about an hour.
    server.advance_clock(3601)
    assert c.describe_instances()["Reservations"] == []
    raises("InvalidInstanceID.NotFound", c.describe_instances, InstanceIds=ids)
    c.delete_security_group(GroupId=sg)
    c.delete_subnet(SubnetId=sub)
    c.delete_vpc(VpcId=vpc)


@pytest.mark.empty_accounts
def test_run_errors_change_nothing(ec2):
    c = ec2(A)
    vpc, sub = setup(c)
    raises("VPCIdNotSpecified", c.run_instances, ImageId=AMI, MinCount=1, MaxCount=1)
    raises("InvalidAMIID.NotFound", c.run_instances, ImageId="ami-0fedcba9876543210", MinCount=1, MaxCount=1, SubnetId=sub)
    raises("InvalidAMIID.Malformed", c.run_instances, ImageId="ami-xyz", MinCount=1, MaxCount=1, SubnetId=sub)
    raises("InvalidParameterValue", c.run_instances, ImageId=AMI, InstanceType="x9.huge", MinCount=1, MaxCount=1, SubnetId=sub)
    raises("InvalidSubnetID.NotFound", c.run_instances, ImageId=AMI, MinCount=1, MaxCount=1, SubnetId="subnet-0123456789abcdef0")
    raises("InvalidParameterValue", c.run_instances, ImageId=AMI, MinCount=3, MaxCount=2, SubnetId=sub)
    raises("InvalidParameterCombination", c.run_instances, ImageId=AMI, MinCount=2, MaxCount=2, SubnetId=sub, PrivateIpAddress="10.1.1.10")
    raises("InvalidParameterValue", c.run_instances, ImageId=AMI, MinCount=1, MaxCount=1, SubnetId=sub, PrivateIpAddress="10.1.9.10")
    other_vpc = c.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    other_sg = c.create_security_group(GroupName="o", Description="o", VpcId=other_vpc)["GroupId"]
    raises("InvalidParameter", c.run_instances, ImageId=AMI, MinCount=1, MaxCount=1, SubnetId=sub, SecurityGroupIds=[other_sg])
    assert c.describe_instances()["Reservations"] == []
    assert c.describe_network_interfaces()["NetworkInterfaces"] == []
    # A /28 holds 11 instances; MinCount 12 cannot be met.
    small = c.create_subnet(VpcId=vpc, CidrBlock="10.1.9.0/28")["Subnet"]["SubnetId"]
    raises("InsufficientFreeAddressesInSubnet", c.run_instances, ImageId=AMI, MinCount=12, MaxCount=12, SubnetId=small)
    r = c.run_instances(ImageId=AMI, MinCount=1, MaxCount=15, SubnetId=small)
    assert len(r["Instances"]) == 11
    # Default group when none given.
    g = r["Instances"][0]["SecurityGroups"][0]
    assert g["GroupName"] == "default"


def test_stop_start_and_attributes(ec2):
    c = ec2(A)
    vpc, sub = setup(c)
    sg2 = c.create_security_group(GroupName="two", Description="2", VpcId=vpc)["GroupId"]
    i = c.run_instances(ImageId=AMI, InstanceType="t2.micro", MinCount=1, MaxCount=1, SubnetId=sub, PrivateIpAddress="10.1.1.20",
                        DisableApiTermination=True)["Instances"][0]["InstanceId"]
    raises("OperationNotPermitted", c.terminate_instances, InstanceIds=[i])
    for attr, key, want in [("disableApiTermination", "DisableApiTermination", {"Value": True}),
                            ("disableApiStop", "DisableApiStop", {"Value": False}),
                            ("instanceType", "InstanceType", {"Value": "t2.micro"}),
                            ("instanceInitiatedShutdownBehavior", "InstanceInitiatedShutdownBehavior", {"Value": "stop"}),
                            ("sourceDestCheck", "SourceDestCheck", {"Value": True})]:
        assert c.describe_instance_attribute(InstanceId=i, Attribute=attr)[key] == want, attr
    raises("IncorrectInstanceState", c.modify_instance_attribute, InstanceId=i, InstanceType={"Value": "t3.small"})
    st = c.stop_instances(InstanceIds=[i])["StoppingInstances"][0]
    assert st["CurrentState"]["Name"] == "stopping"
    assert c.describe_instances(InstanceIds=[i])["Reservations"][0]["Instances"][0]["State"]["Name"] == "stopped"
    c.modify_instance_attribute(InstanceId=i, InstanceType={"Value": "t3.small"})
    c.modify_instance_attribute(InstanceId=i, Groups=[sg2])
    c.modify_instance_attribute(InstanceId=i, SourceDestCheck={"Value": False})
    c.modify_instance_attribute(InstanceId=i, DisableApiTermination={"Value": False})
    assert c.describe_instance_attribute(InstanceId=i, Attribute="groupSet")["Groups"] == [{"GroupId": sg2, "GroupName": "two"}]
    st = c.start_instances(InstanceIds=[i])["StartingInstances"][0]
    assert st["CurrentState"]["Name"] == "pending"
    inst = c.describe_instances(InstanceIds=[i])["Reservations"][0]["Instances"][0]
    assert inst["InstanceType"] == "t3.small" and inst["SourceDestCheck"] is False and inst["State"]["Name"] == "running"
    s = c.describe_instance_status(InstanceIds=[i])["InstanceStatuses"][0]
    assert s["InstanceState"]["Name"] == "running" and s["InstanceStatus"]["Status"] == "ok"
    cr = c.describe_instance_credit_specifications(InstanceIds=[i])["InstanceCreditSpecifications"]
    assert cr == [{"InstanceId": i, "CpuCredits": "unlimited"}]
    vol = inst["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
    v = c.describe_volumes(VolumeIds=[vol])["Volumes"][0]
    assert v["Attachments"][0]["InstanceId"] == i and v["State"] == "in-use"
    assert c.describe_volumes(Filters=[{"Name": "attachment.instance-id", "Values": [i]}])["Volumes"][0]["VolumeId"] == vol
    raises("InvalidVolume.NotFound", c.describe_volumes, VolumeIds=["vol-0123456789abcdef0"])
    c.terminate_instances(InstanceIds=[i])
    raises("IncorrectInstanceState", c.start_instances, InstanceIds=[i])


def test_instance_account_isolation(ec2, aws):
    a, b = ec2(A), ec2(B)
    vpc, sub = setup(a)
    i = a.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, SubnetId=sub)["Instances"][0]["InstanceId"]
    raises("InvalidInstanceID.NotFound", b.describe_instances, InstanceIds=[i])
    raises("InvalidInstanceID.NotFound", b.terminate_instances, InstanceIds=[i])
    raises("InvalidInstanceID.NotFound", b.describe_instance_attribute, InstanceId=i, Attribute="userData")
    raises("InvalidSubnetID.NotFound", b.run_instances, ImageId=AMI, MinCount=1, MaxCount=1, SubnetId=sub)
    assert b.describe_instances()["Reservations"] == []
    with pytest.raises(CliError) as e:
        aws(B, "ec2", "stop-instances", "--instance-ids", i)
    assert e.value.code == "InvalidInstanceID.NotFound"
    assert a.describe_instances(InstanceIds=[i])["Reservations"][0]["Instances"][0]["State"]["Name"] == "running"


def test_images_types_prefix_lists(ec2, aws):
    c = ec2(A)
    al = c.describe_images(Owners=["amazon"], Filters=[{"Name": "name", "Values": ["al2023-ami-2023.*-x86_64"]}])["Images"]
    assert len(al) == 2 and all(i["OwnerId"] == "137112412989" and i["ImageOwnerAlias"] == "amazon" for i in al)
    newest = max(al, key=lambda i: i["CreationDate"])
    assert newest["Name"] == "al2023-ami-2023.6.20241121.0-kernel-6.1-x86_64"
    ub = c.describe_images(Owners=["099720109477"], Filters=[{"Name": "name", "Values": ["ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*"]}])["Images"]
    assert len(ub) == 2
    assert c.describe_images(Filters=[{"Name": "owner-alias", "Values": ["amazon"]}, {"Name": "architecture", "Values": ["arm64"]}])["Images"][0]["Architecture"] == "arm64"
    assert c.describe_images(ImageIds=["ami-12c6146b"])["Images"][0]["ImageId"] == "ami-12c6146b"
    assert c.describe_images(Owners=["self"])["Images"] == []
    raises("InvalidAMIID.NotFound", c.describe_images, ImageIds=["ami-0fedcba9876543210"])
    raises("InvalidAMIID.Malformed", c.describe_images, ImageIds=["banana"])
    t = c.describe_instance_types(InstanceTypes=["t3.micro", "m5.large"])["InstanceTypes"]
    assert {x["InstanceType"]: x["BurstablePerformanceSupported"] for x in t} == {"t3.micro": True, "m5.large": False}
    assert [x for x in t if x["InstanceType"] == "t3.micro"][0]["VCpuInfo"]["DefaultVCpus"] == 2
    raises("InvalidInstanceType", c.describe_instance_types, InstanceTypes=["x9.huge"])
    off = c.describe_instance_type_offerings(LocationType="availability-zone", Filters=[{"Name": "instance-type", "Values": ["t3.micro"]}])
    assert len(off["InstanceTypeOfferings"]) == 6
    pls = c.describe_prefix_lists()["PrefixLists"]
    assert sorted(p["PrefixListName"] for p in pls) == ["com.amazonaws.us-east-1.dynamodb", "com.amazonaws.us-east-1.s3"]
    # A prefix list can be a security group peer.
    vpc = c.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    sg = c.create_security_group(GroupName="pl", Description="pl", VpcId=vpc)["GroupId"]
    c.authorize_security_group_egress(GroupId=sg, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                                                                  "PrefixListIds": [{"PrefixListId": pls[0]["PrefixListId"]}]}])
    raises("InvalidPrefixListID.NotFound", c.authorize_security_group_egress, GroupId=sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "PrefixListIds": [{"PrefixListId": "pl-0123abcd"}]}])
    out = aws(A, "ec2", "describe-images", "--owners", "amazon", "--filters", "Name=name,Values=al2023-ami-*")
    assert len(out["Images"]) == 3


def test_cli_instance_flow(aws):
    vpc = aws(A, "ec2", "create-vpc", "--cidr-block", "10.5.0.0/16")["Vpc"]["VpcId"]
    sub = aws(A, "ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", "10.5.1.0/24")["Subnet"]["SubnetId"]
    r = aws(A, "ec2", "run-instances", "--image-id", "ami-12c6146b", "--count", "1", "--subnet-id", sub,
            "--instance-type", "t2.micro", "--tag-specifications", "ResourceType=instance,Tags=[{Key=Name,Value=cli}]")
    i = r["Instances"][0]["InstanceId"]
    out = aws(A, "ec2", "describe-instances", "--filters", "Name=tag:Name,Values=cli")
    assert out["Reservations"][0]["Instances"][0]["InstanceId"] == i
    aws(A, "ec2", "terminate-instances", "--instance-ids", i)
    aws(A, "ec2", "delete-subnet", "--subnet-id", sub)
    aws(A, "ec2", "delete-vpc", "--vpc-id", vpc)


def test_attach_detach_network_interface(ec2):
    c = ec2(A)
    vpc, sub = setup(c)
    i = c.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, SubnetId=sub)["Instances"][0]
    eni = c.create_network_interface(SubnetId=sub)["NetworkInterface"]["NetworkInterfaceId"]
    raises("InvalidParameterValue", c.attach_network_interface, NetworkInterfaceId=eni, InstanceId=i["InstanceId"], DeviceIndex=0)
    att = c.attach_network_interface(NetworkInterfaceId=eni, InstanceId=i["InstanceId"], DeviceIndex=1)["AttachmentId"]
    got = c.describe_network_interfaces(NetworkInterfaceIds=[eni])["NetworkInterfaces"][0]
    assert got["Status"] == "in-use" and got["Attachment"]["InstanceId"] == i["InstanceId"]
    assert len(c.describe_instances(InstanceIds=[i["InstanceId"]])["Reservations"][0]["Instances"][0]["NetworkInterfaces"]) == 2
    raises("InvalidNetworkInterface.InUse", c.delete_network_interface, NetworkInterfaceId=eni)
    primary_att = i["NetworkInterfaces"][0]["Attachment"]["AttachmentId"]
    raises("OperationNotPermitted", c.detach_network_interface, AttachmentId=primary_att)
    c.detach_network_interface(AttachmentId=att)
    c.delete_network_interface(NetworkInterfaceId=eni)
    # A secondary interface without delete-on-termination survives termination, detached.
    eni2 = c.create_network_interface(SubnetId=sub)["NetworkInterface"]["NetworkInterfaceId"]
    c.attach_network_interface(NetworkInterfaceId=eni2, InstanceId=i["InstanceId"], DeviceIndex=1)
    eni3 = c.create_network_interface(SubnetId=sub)["NetworkInterface"]["NetworkInterfaceId"]
    att3 = c.attach_network_interface(NetworkInterfaceId=eni3, InstanceId=i["InstanceId"], DeviceIndex=2)["AttachmentId"]
    c.modify_network_interface_attribute(NetworkInterfaceId=eni3, Attachment={"AttachmentId": att3, "DeleteOnTermination": True})
    c.terminate_instances(InstanceIds=[i["InstanceId"]])
    left = c.describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": [sub]}])["NetworkInterfaces"]
    assert [(e["NetworkInterfaceId"], e["Status"]) for e in left] == [(eni2, "available")]
