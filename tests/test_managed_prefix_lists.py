"""Customer-managed prefix lists through boto3: versions, entries by
version, restore, references from routes and security group rules (and
what they decide in `xvpc trace`), associations, deletion."""
import pytest
from botocore.exceptions import ClientError

from conftest import A, B, error_code
from test_reach import AMI, trace


def entries(c, pl, version=None):
    kw = {"TargetVersion": version} if version else {}
    return sorted(e["Cidr"] for e in c.get_managed_prefix_list_entries(PrefixListId=pl, **kw)["Entries"])


def test_versions_entries_and_restore(ec2):
    c = ec2(A)
    pl = c.create_managed_prefix_list(PrefixListName="office", AddressFamily="IPv4", MaxEntries=3,
                                      Entries=[{"Cidr": "10.1.0.0/16", "Description": "hq"}],
                                      TagSpecifications=[{"ResourceType": "prefix-list", "Tags": [{"Key": "team", "Value": "net"}]}])["PrefixList"]
    pid = pl["PrefixListId"]
    assert pl["Version"] == 1 and pl["MaxEntries"] == 3 and pl["OwnerId"] == A and pl["AddressFamily"] == "IPv4"
    assert pl["PrefixListArn"] == f"arn:aws:ec2:us-east-1:{A}:prefix-list/{pid}"
    got = c.describe_managed_prefix_lists(PrefixListIds=[pid])["PrefixLists"][0]
    assert got["State"] == "create-complete" and got["Tags"] == [{"Key": "team", "Value": "net"}]
    assert c.get_managed_prefix_list_entries(PrefixListId=pid)["Entries"] == [{"Cidr": "10.1.0.0/16", "Description": "hq"}]
    # Entries change: version 2; a rename does not.
    out = c.modify_managed_prefix_list(PrefixListId=pid, CurrentVersion=1, AddEntries=[{"Cidr": "10.2.0.0/16"}], RemoveEntries=[{"Cidr": "10.1.0.0/16"}])
    assert out["PrefixList"]["Version"] == 2
    c.modify_managed_prefix_list(PrefixListId=pid, PrefixListName="office-2")
    got = c.describe_managed_prefix_lists(PrefixListIds=[pid])["PrefixLists"][0]
    assert (got["Version"], got["PrefixListName"], got["State"]) == (2, "office-2", "modify-complete")
    assert entries(c, pid) == ["10.2.0.0/16"] and entries(c, pid, 1) == ["10.1.0.0/16"]
    with pytest.raises(ClientError) as e:
        c.modify_managed_prefix_list(PrefixListId=pid, CurrentVersion=1, AddEntries=[{"Cidr": "10.3.0.0/16"}])
    assert error_code(e) == "PrefixListVersionMismatch"
    with pytest.raises(ClientError) as e:
        c.modify_managed_prefix_list(PrefixListId=pid, MaxEntries=5, AddEntries=[{"Cidr": "10.3.0.0/16"}])
    assert error_code(e) == "InvalidParameterCombination"
    with pytest.raises(ClientError) as e:
        c.modify_managed_prefix_list(PrefixListId=pid, AddEntries=[{"Cidr": f"10.{i}.0.0/16"} for i in range(5, 8)])
    assert error_code(e) == "InvalidParameterValue"
    with pytest.raises(ClientError) as e:
        c.get_managed_prefix_list_entries(PrefixListId=pid, TargetVersion=9)
    assert error_code(e) == "InvalidParameterValue"
    r = c.restore_managed_prefix_list_version(PrefixListId=pid, PreviousVersion=1, CurrentVersion=2)["PrefixList"]
    assert r["Version"] == 3 and entries(c, pid) == ["10.1.0.0/16"]
    # Filters, and the AWS-managed lists beside it.
    assert [p["PrefixListId"] for p in c.describe_managed_prefix_lists(Filters=[{"Name": "owner-id", "Values": [A]}])["PrefixLists"]] == [pid]
    assert len(c.describe_managed_prefix_lists()["PrefixLists"]) == 3
    assert c.describe_managed_prefix_lists(Filters=[{"Name": "tag:team", "Values": ["net"]}])["PrefixLists"][0]["PrefixListId"] == pid
    # Another account does not see it.
    with pytest.raises(ClientError) as e:
        ec2(B).describe_managed_prefix_lists(PrefixListIds=[pid])
    assert error_code(e) == "InvalidPrefixListID.NotFound"
    with pytest.raises(ClientError) as e:
        c.create_managed_prefix_list(PrefixListName="com.amazonaws.mine", AddressFamily="IPv4", MaxEntries=1)
    assert error_code(e) == "InvalidParameterValue"


def test_references_decide_traffic_and_block_deletion(ec2, server):
    c = ec2(A)
    vpc = c.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    sub = c.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    pl = c.create_managed_prefix_list(PrefixListName="clients", AddressFamily="IPv4", MaxEntries=2,
                                      Entries=[{"Cidr": "10.0.1.0/28"}])["PrefixList"]["PrefixListId"]
    web_sg = c.create_security_group(VpcId=vpc, GroupName="web", Description="web")["GroupId"]
    cli_sg = c.create_security_group(VpcId=vpc, GroupName="cli", Description="cli")["GroupId"]
    c.authorize_security_group_ingress(GroupId=web_sg, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "PrefixListIds": [{"PrefixListId": pl}]}])
    run = lambda ip, sg: c.run_instances(ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1, SubnetId=sub, PrivateIpAddress=ip,
                                         SecurityGroupIds=[sg])["Instances"][0]["InstanceId"]
    web, inside, outside = run("10.0.1.100", web_sg), run("10.0.1.5", cli_sg), run("10.0.1.50", cli_sg)
    assert trace(server, inside, web)[1]["reachable"]
    rc, a = trace(server, outside, web)
    assert rc != 0 and [b["code"] for b in a["blockers"]] == ["ENI_SG_RULES_MISMATCH"]
    # A new version of the list changes the verdict at once.
    c.modify_managed_prefix_list(PrefixListId=pl, AddEntries=[{"Cidr": "10.0.1.48/28"}])
    assert trace(server, outside, web)[1]["reachable"]
    # A route to the list: found by the filter, listed as an association.
    rtb = c.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    eni = c.describe_instances(InstanceIds=[web])["Reservations"][0]["Instances"][0]["NetworkInterfaces"][0]["NetworkInterfaceId"]
    c.create_route(RouteTableId=rtb, DestinationPrefixListId=pl, NetworkInterfaceId=eni)
    routes = c.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]["Routes"]
    assert {"DestinationPrefixListId": pl, "NetworkInterfaceId": eni} in [{k: r[k] for k in ("DestinationPrefixListId", "NetworkInterfaceId") if k in r} for r in routes]
    assoc = c.get_managed_prefix_list_associations(PrefixListId=pl)["PrefixListAssociations"]
    assert sorted(a["ResourceId"] for a in assoc) == sorted([rtb, web_sg]) and {a["ResourceOwner"] for a in assoc} == {A}
    with pytest.raises(ClientError) as e:
        c.delete_managed_prefix_list(PrefixListId=pl)
    assert error_code(e) == "DependencyViolation"
    with pytest.raises(ClientError) as e:
        c.create_route(RouteTableId=rtb, DestinationPrefixListId="pl-0123456789abcdef0", NetworkInterfaceId=eni)
    assert error_code(e) == "InvalidPrefixListID.NotFound"
    c.delete_route(RouteTableId=rtb, DestinationPrefixListId=pl)
    c.revoke_security_group_ingress(GroupId=web_sg, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "PrefixListIds": [{"PrefixListId": pl}]}])
    assert c.delete_managed_prefix_list(PrefixListId=pl)["PrefixList"]["State"] == "delete-in-progress"
    assert [p["PrefixListName"] for p in c.describe_managed_prefix_lists()["PrefixLists"] if p["OwnerId"] == A] == []


def test_shared_through_ram(ec2, ram):
    """A shares its list with B (ec2:PrefixList); once B accepts, B sees it,
    reads its entries and references it in a rule; A cannot delete it then."""
    a, b = ec2(A), ec2(B)
    pl = a.create_managed_prefix_list(PrefixListName="partners", AddressFamily="IPv4", MaxEntries=2,
                                      Entries=[{"Cidr": "203.0.113.0/24"}])["PrefixList"]
    pid, arn = pl["PrefixListId"], pl["PrefixListArn"]
    with pytest.raises(ClientError) as e:
        b.get_managed_prefix_list_entries(PrefixListId=pid)
    assert error_code(e) == "InvalidPrefixListID.NotFound"
    sarn = ram(A).create_resource_share(name="pl", allowExternalPrincipals=True, resourceArns=[arn], principals=[B])["resourceShare"]["resourceShareArn"]
    res = ram(A).list_resources(resourceOwner="SELF", resourceType="ec2:PrefixList")["resources"]
    assert [(r["arn"], r["type"]) for r in res] == [(arn, "ec2:PrefixList")]
    assert ram(A).list_resources(resourceOwner="SELF", resourceType="ec2:TransitGateway")["resources"] == []
    inv = ram(B).get_resource_share_invitations(resourceShareArns=[sarn])["resourceShareInvitations"][0]["resourceShareInvitationArn"]
    assert [p["PrefixListId"] for p in b.describe_managed_prefix_lists(Filters=[{"Name": "owner-id", "Values": [A]}])["PrefixLists"]] == []
    ram(B).accept_resource_share_invitation(resourceShareInvitationArn=inv)
    seen = b.describe_managed_prefix_lists(Filters=[{"Name": "owner-id", "Values": [A]}])["PrefixLists"]
    assert [(p["PrefixListId"], p["OwnerId"]) for p in seen] == [(pid, A)]
    assert entries(b, pid) == ["203.0.113.0/24"]
    vpc = b.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    sg = b.create_security_group(VpcId=vpc, GroupName="from-partners", Description="x")["GroupId"]
    b.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "PrefixListIds": [{"PrefixListId": pid}]}])
    # B may not change A's list; A may not delete it while B's rule uses it.
    with pytest.raises(ClientError) as e:
        b.modify_managed_prefix_list(PrefixListId=pid, AddEntries=[{"Cidr": "198.51.100.0/24"}])
    assert error_code(e) == "InvalidPrefixListID.NotFound"
    with pytest.raises(ClientError) as e:
        a.delete_managed_prefix_list(PrefixListId=pid)
    assert error_code(e) == "DependencyViolation"
