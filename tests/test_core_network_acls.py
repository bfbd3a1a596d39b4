"""Network ACLs and network interfaces (boto3 + CLI)."""
import pytest
from botocore.exceptions import ClientError

from conftest import A, B, CliError, error_code


def raises(code, f, *a, **kw):
    with pytest.raises(ClientError) as e:
        f(*a, **kw)
    assert error_code(e) == code, e.value
    return e.value


def setup(c):
    vpc = c.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    s1 = c.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
    s2 = c.create_subnet(VpcId=vpc, CidrBlock="10.1.2.0/24")["Subnet"]["SubnetId"]
    return vpc, s1, s2


def test_default_acl_and_entries(ec2):
    c = ec2(A)
    vpc, s1, s2 = setup(c)
    d = c.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "default", "Values": ["true"]}])["NetworkAcls"]
    assert len(d) == 1 and d[0]["IsDefault"] is True
    assert sorted(a["SubnetId"] for a in d[0]["Associations"]) == sorted([s1, s2])
    assert {(e["RuleNumber"], e["Egress"], e["RuleAction"]) for e in d[0]["Entries"]} == {
        (100, False, "allow"), (100, True, "allow"), (32767, False, "deny"), (32767, True, "deny")}
    raises("InvalidParameterValue", c.delete_network_acl, NetworkAclId=d[0]["NetworkAclId"])
    acl = c.create_network_acl(VpcId=vpc, TagSpecifications=[{"ResourceType": "network-acl", "Tags": [{"Key": "Name", "Value": "x"}]}])["NetworkAcl"]
    assert acl["IsDefault"] is False and len(acl["Entries"]) == 2 and acl["Associations"] == []
    aid = acl["NetworkAclId"]
    c.create_network_acl_entry(NetworkAclId=aid, RuleNumber=100, Protocol="6", RuleAction="allow", Egress=False,
                               CidrBlock="10.0.0.0/8", PortRange={"From": 80, "To": 443})
    raises("NetworkAclEntryAlreadyExists", c.create_network_acl_entry, NetworkAclId=aid, RuleNumber=100, Protocol="6",
           RuleAction="allow", Egress=False, CidrBlock="10.0.0.0/8", PortRange={"From": 80, "To": 443})
    c.create_network_acl_entry(NetworkAclId=aid, RuleNumber=100, Protocol="-1", RuleAction="deny", Egress=True, CidrBlock="0.0.0.0/0")
    c.create_network_acl_entry(NetworkAclId=aid, RuleNumber=110, Protocol="1", RuleAction="allow", Egress=False,
                               CidrBlock="0.0.0.0/0", IcmpTypeCode={"Type": 8, "Code": -1})
    for n in (0, 32767, 40000):
        raises("InvalidParameterValue", c.create_network_acl_entry, NetworkAclId=aid, RuleNumber=n, Protocol="-1",
               RuleAction="allow", Egress=False, CidrBlock="0.0.0.0/0")
    raises("InvalidParameterValue", c.create_network_acl_entry, NetworkAclId=aid, RuleNumber=5, Protocol="999",
           RuleAction="allow", Egress=False, CidrBlock="0.0.0.0/0")
    raises("InvalidParameterValue", c.create_network_acl_entry, NetworkAclId=aid, RuleNumber=5, Protocol="6",
           RuleAction="allow", Egress=False, CidrBlock="0.0.0.0/0", PortRange={"From": 90, "To": 80})
    got = c.describe_network_acls(NetworkAclIds=[aid])["NetworkAcls"][0]
    e100 = [e for e in got["Entries"] if e["RuleNumber"] == 100 and not e["Egress"]][0]
    assert e100["Protocol"] == "6" and e100["PortRange"] == {"From": 80, "To": 443} and e100["CidrBlock"] == "10.0.0.0/8"
    e110 = [e for e in got["Entries"] if e["RuleNumber"] == 110][0]
    assert e110["IcmpTypeCode"] == {"Type": 8, "Code": -1}
    c.replace_network_acl_entry(NetworkAclId=aid, RuleNumber=100, Protocol="17", RuleAction="deny", Egress=False,
                                CidrBlock="10.0.0.0/8", PortRange={"From": 53, "To": 53})
    raises("InvalidNetworkAclEntry.NotFound", c.replace_network_acl_entry, NetworkAclId=aid, RuleNumber=101, Protocol="-1",
           RuleAction="deny", Egress=False, CidrBlock="0.0.0.0/0")
    for f, v in [("entry.rule-number", "110"), ("entry.protocol", "17"), ("tag:Name", "x"),
                 ("entry.port-range.from", "53"), ("entry.cidr", "10.0.0.0/8")]:
        assert [x["NetworkAclId"] for x in c.describe_network_acls(Filters=[{"Name": f, "Values": [v]}])["NetworkAcls"]] == [aid], f
    # Every ACL has the final deny rules, so rule-action=deny matches the default ACL too.
    assert aid in [x["NetworkAclId"] for x in c.describe_network_acls(Filters=[{"Name": "entry.rule-action", "Values": ["deny"]}])["NetworkAcls"]]
    c.delete_network_acl_entry(NetworkAclId=aid, RuleNumber=100, Egress=True)
    raises("InvalidNetworkAclEntry.NotFound", c.delete_network_acl_entry, NetworkAclId=aid, RuleNumber=100, Egress=True)


def test_association_moves_and_delete(ec2):
    c = ec2(A)
    vpc, s1, s2 = setup(c)
    aid = c.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    cur = c.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [s1]}])["NetworkAcls"][0]
    default_id = cur["NetworkAclId"]
    assoc = [a for a in cur["Associations"] if a["SubnetId"] == s1][0]["NetworkAclAssociationId"]
    new = c.replace_network_acl_association(AssociationId=assoc, NetworkAclId=aid)["NewAssociationId"]
    assert c.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [s1]}])["NetworkAcls"][0]["NetworkAclId"] == aid
    raises("DependencyViolation", c.delete_network_acl, NetworkAclId=aid)
    raises("InvalidAssociationID.NotFound", c.replace_network_acl_association, AssociationId=assoc, NetworkAclId=aid)
    # Another VPC's ACL is another network.
    vpc2 = c.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    other = c.create_network_acl(VpcId=vpc2)["NetworkAcl"]["NetworkAclId"]
    raises("InvalidParameterValue", c.replace_network_acl_association, AssociationId=new, NetworkAclId=other)
    raises("DependencyViolation", c.delete_vpc, VpcId=vpc2)
    c.replace_network_acl_association(AssociationId=new, NetworkAclId=default_id)
    c.delete_network_acl(NetworkAclId=aid)
    raises("InvalidNetworkAclID.NotFound", c.describe_network_acls, NetworkAclIds=[aid])
    # Deleting a subnet drops its association.
    c.delete_subnet(SubnetId=s2)
    d = c.describe_network_acls(NetworkAclIds=[default_id])["NetworkAcls"][0]
    assert [a["SubnetId"] for a in d["Associations"]] == [s1]


@pytest.mark.empty_accounts
def test_acl_account_isolation(ec2, aws):
    a, b = ec2(A), ec2(B)
    vpc, s1, _ = setup(a)
    aid = a.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    raises("InvalidNetworkAclID.NotFound", b.describe_network_acls, NetworkAclIds=[aid])
    raises("InvalidNetworkAclID.NotFound", b.delete_network_acl, NetworkAclId=aid)
    with pytest.raises(CliError) as e:
        aws(B, "ec2", "create-network-acl-entry", "--network-acl-id", aid, "--rule-number", "5", "--protocol", "-1",
            "--rule-action", "allow", "--ingress", "--cidr-block", "0.0.0.0/0")
    assert e.value.code == "InvalidNetworkAclID.NotFound"
    assert b.describe_network_acls()["NetworkAcls"] == []


def test_network_interfaces(ec2):
    c = ec2(A)
    vpc, s1, s2 = setup(c)
    sg = c.create_security_group(GroupName="g", Description="g", VpcId=vpc)["GroupId"]
    eni = c.create_network_interface(SubnetId=s1, Description="d", TagSpecifications=[
        {"ResourceType": "network-interface", "Tags": [{"Key": "Name", "Value": "e"}]}])["NetworkInterface"]
    assert eni["PrivateIpAddress"] == "10.1.1.4" and eni["Status"] == "available" and eni["InterfaceType"] == "interface"
    assert eni["Groups"][0]["GroupName"] == "default"
    assert eni["PrivateDnsName"] == "ip-10-1-1-4.ec2.internal"
    e2 = c.create_network_interface(SubnetId=s1, PrivateIpAddress="10.1.1.50", Groups=[sg])["NetworkInterface"]
    assert e2["PrivateIpAddress"] == "10.1.1.50"
    raises("InvalidIPAddress.InUse", c.create_network_interface, SubnetId=s1, PrivateIpAddress="10.1.1.50")
    raises("InvalidParameterValue", c.create_network_interface, SubnetId=s1, PrivateIpAddress="10.1.2.9")
    raises("InvalidParameterValue", c.create_network_interface, SubnetId=s1, PrivateIpAddress="10.1.1.3")
    raises("InvalidGroup.NotFound", c.create_network_interface, SubnetId=s1, Groups=["sg-0123456789abcdef0"])
    raises("SecurityGroupsPerInterfaceLimitExceeded", c.create_network_interface, SubnetId=s1, Groups=[sg] * 6)
    sub = c.describe_subnets(SubnetIds=[s1])["Subnets"][0]
    assert sub["AvailableIpAddressCount"] == 249
    for f, v in [("private-ip-address", "10.1.1.50"), ("group-id", sg), ("tag:Name", "e"), ("subnet-id", s1)]:
        got = {x["NetworkInterfaceId"] for x in c.describe_network_interfaces(Filters=[{"Name": f, "Values": [v]}])["NetworkInterfaces"]}
        assert got, f
    c.modify_network_interface_attribute(NetworkInterfaceId=eni["NetworkInterfaceId"], Groups=[sg])
    c.modify_network_interface_attribute(NetworkInterfaceId=eni["NetworkInterfaceId"], SourceDestCheck={"Value": False})
    got = c.describe_network_interfaces(NetworkInterfaceIds=[eni["NetworkInterfaceId"]])["NetworkInterfaces"][0]
    assert [g["GroupId"] for g in got["Groups"]] == [sg] and got["SourceDestCheck"] is False
    raises("DependencyViolation", c.delete_security_group, GroupId=sg)
    raises("DependencyViolation", c.delete_subnet, SubnetId=s1)
    c.delete_network_interface(NetworkInterfaceId=eni["NetworkInterfaceId"])
    c.delete_network_interface(NetworkInterfaceId=e2["NetworkInterfaceId"])
    raises("InvalidNetworkInterfaceID.NotFound", c.delete_network_interface, NetworkInterfaceId=e2["NetworkInterfaceId"])
    c.delete_security_group(GroupId=sg)
    c.delete_subnet(SubnetId=s1)


def test_eni_account_isolation(ec2):
    a, b = ec2(A), ec2(B)
    vpc, s1, _ = setup(a)
    eni = a.create_network_interface(SubnetId=s1)["NetworkInterface"]["NetworkInterfaceId"]
    raises("InvalidNetworkInterfaceID.NotFound", b.describe_network_interfaces, NetworkInterfaceIds=[eni])
    raises("InvalidNetworkInterfaceID.NotFound", b.delete_network_interface, NetworkInterfaceId=eni)
    raises("InvalidSubnetID.NotFound", b.create_network_interface, SubnetId=s1)
    assert b.describe_network_interfaces()["NetworkInterfaces"] == []
