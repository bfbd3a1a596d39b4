"""The default VPC every account has in every Region, and DHCP option sets,
through boto3 as users see them: what AWS builds, the filters, the quota,
CreateDefaultVpc/CreateDefaultSubnet and their codes, what uses the default
VPC when no VPC or subnet is named, `serve --no-default-vpc`, and the
DHCP option set actions."""
import pytest
from botocore.exceptions import ClientError

from conftest import A, B, error_code, make_client

AMI = "ami-1e749f67"
INTERNET_HOST = "203.0.113.10"


def default_vpc(c):
    vpcs = c.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
    return vpcs[0] if vpcs else None


def owned_vpcs(server, account):
    return [v for v in server.state()["vpcs"].values() if v["owner"] == account]


def delete_default_vpc(c):
    """Deletes the default VPC as a user must: subnets, gateway, VPC."""
    vpc = default_vpc(c)["VpcId"]
    for s in c.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]:
        c.delete_subnet(SubnetId=s["SubnetId"])
    for g in c.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc]}])["InternetGateways"]:
        c.detach_internet_gateway(InternetGatewayId=g["InternetGatewayId"], VpcId=vpc)
        c.delete_internet_gateway(InternetGatewayId=g["InternetGatewayId"])
    c.delete_vpc(VpcId=vpc)
    return vpc


def test_every_account_has_a_default_vpc_as_aws_builds_it(ec2):
    c = ec2(A)
    vpc = default_vpc(c)
    assert vpc and vpc["CidrBlock"] == "172.31.0.0/16" and vpc["IsDefault"] is True and vpc["State"] == "available"
    assert c.describe_vpc_attribute(VpcId=vpc["VpcId"], Attribute="enableDnsHostnames")["EnableDnsHostnames"]["Value"] is True
    vid = vpc["VpcId"]
    # A /20 default subnet per zone, in zone order, public on launch.
    zones = [z["ZoneName"] for z in c.describe_availability_zones()["AvailabilityZones"]]
    subnets = sorted(c.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vid]}])["Subnets"], key=lambda s: s["AvailabilityZone"])
    assert [s["AvailabilityZone"] for s in subnets] == sorted(zones)
    assert [s["CidrBlock"] for s in subnets] == [f"172.31.{16 * i}.0/20" for i in range(len(zones))]
    assert all(s["DefaultForAz"] and s["MapPublicIpOnLaunch"] for s in subnets)
    # An attached gateway, and the main table's default route to it.
    igws = c.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vid]}])["InternetGateways"]
    assert len(igws) == 1
    main = c.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vid]}, {"Name": "association.main", "Values": ["true"]}])["RouteTables"][0]
    routes = {r["DestinationCidrBlock"]: r["GatewayId"] for r in main["Routes"]}
    assert routes == {"172.31.0.0/16": "local", "0.0.0.0/0": igws[0]["InternetGatewayId"]}
    # The default group and ACL, every default subnet in the ACL.
    groups = c.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vid]}])["SecurityGroups"]
    assert [g["GroupName"] for g in groups] == ["default"]
    acls = c.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vid]}])["NetworkAcls"]
    assert len(acls) == 1 and acls[0]["IsDefault"] and len(acls[0]["Associations"]) == len(zones)
    # The default DHCP option set.
    dopt = c.describe_dhcp_options(DhcpOptionsIds=[vpc["DhcpOptionsId"]])["DhcpOptions"][0]
    conf = {x["Key"]: [v["Value"] for v in x["Values"]] for x in dopt["DhcpConfigurations"]}
    assert conf == {"domain-name": ["ec2.internal"], "domain-name-servers": ["AmazonProvidedDNS"]}
    # Outside us-east-1 the domain is the Region's.
    eu = ec2(A, "eu-west-1")
    dopt = eu.describe_dhcp_options(DhcpOptionsIds=[default_vpc(eu)["DhcpOptionsId"]])["DhcpOptions"][0]
    assert {x["Key"]: x["Values"][0]["Value"] for x in dopt["DhcpConfigurations"]}["domain-name"] == "eu-west-1.compute.internal"
    assert c.describe_account_attributes(AttributeNames=["default-vpc"])["AccountAttributes"][0]["AttributeValues"][0]["AttributeValue"] == vid


def test_made_by_the_accounts_own_first_call_only(server, ec2):
    assert server.state().get("vpcs", {}) == {}
    ec2(A).describe_vpcs()
    assert len(owned_vpcs(server, A)) == 1
    # A peer looking at A's resources does not make B's default VPC.
    assert owned_vpcs(server, B) == []
    # STS touches no EC2 state.
    make_client(server, "sts", B).get_caller_identity()
    assert owned_vpcs(server, B) == []
    ec2(B).describe_subnets()
    assert len(owned_vpcs(server, B)) == 1


def test_filters_is_default_and_default_for_az(ec2):
    c = ec2(A)
    mine = c.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    c.create_subnet(VpcId=mine, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")
    for name in ("isDefault", "is-default"):
        got = c.describe_vpcs(Filters=[{"Name": name, "Values": ["false"]}])["Vpcs"]
        assert [v["VpcId"] for v in got] == [mine]
    for name in ("default-for-az", "defaultForAz"):
        got = c.describe_subnets(Filters=[{"Name": name, "Values": ["false"]}])["Subnets"]
        assert [s["VpcId"] for s in got] == [mine]
        got = c.describe_subnets(Filters=[{"Name": name, "Values": ["true"]}, {"Name": "availability-zone", "Values": ["us-east-1a"]}])["Subnets"]
        assert [s["CidrBlock"] for s in got] == ["172.31.0.0/20"]


def test_the_default_vpc_counts_against_the_vpc_quota(ec2):
    c = ec2(A)
    for i in range(4):
        c.create_vpc(CidrBlock=f"10.{i}.0.0/16")
    with pytest.raises(ClientError) as e:
        c.create_vpc(CidrBlock="10.9.0.0/16")
    assert error_code(e) == "VpcLimitExceeded"
    # With the quota full, no default VPC can be made again either.
    delete_default_vpc(c)
    c.create_vpc(CidrBlock="10.9.0.0/16")
    with pytest.raises(ClientError) as e:
        c.create_default_vpc()
    assert error_code(e) == "VpcLimitExceeded"


def test_a_deleted_default_vpc_stays_deleted_until_create_default_vpc(ec2):
    c = ec2(A)
    vpc = default_vpc(c)["VpcId"]
    with pytest.raises(ClientError) as e:
        c.delete_vpc(VpcId=vpc)
    assert error_code(e) == "DependencyViolation"
    with pytest.raises(ClientError) as e:
        c.create_default_vpc()
    assert error_code(e) == "DefaultVpcAlreadyExists"
    delete_default_vpc(c)
    # Later requests (a fresh client too) do not bring it back.
    assert ec2(A).describe_vpcs()["Vpcs"] == []
    with pytest.raises(ClientError) as e:
        c.create_default_subnet(AvailabilityZone="us-east-1a")
    assert error_code(e) == "DefaultVpcDoesNotExist"
    with pytest.raises(ClientError) as e:
        c.create_security_group(GroupName="web", Description="web")
    assert error_code(e) == "VPCIdNotSpecified"
    with pytest.raises(ClientError) as e:
        c.run_instances(ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1)
    assert error_code(e) == "VPCIdNotSpecified"
    new = c.create_default_vpc()["Vpc"]
    assert new["IsDefault"] and new["CidrBlock"] == "172.31.0.0/16" and new["VpcId"] != vpc
    assert len(c.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]) == 6


def test_create_default_subnet_fills_a_zone_without_one(ec2):
    c = ec2(A)
    b = c.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}, {"Name": "availability-zone", "Values": ["us-east-1b"]}])["Subnets"][0]
    with pytest.raises(ClientError) as e:
        c.create_default_subnet(AvailabilityZone="us-east-1b")
    assert error_code(e) == "DefaultSubnetAlreadyExistsInAvailabilityZone"
    c.delete_subnet(SubnetId=b["SubnetId"])
    s = c.create_default_subnet(AvailabilityZoneId=b["AvailabilityZoneId"])["Subnet"]
    assert (s["AvailabilityZone"], s["CidrBlock"], s["DefaultForAz"], s["MapPublicIpOnLaunch"]) == ("us-east-1b", b["CidrBlock"], True, True)
    with pytest.raises(ClientError) as e:
        c.create_default_subnet(AvailabilityZone="us-east-1z")
    assert error_code(e) == "InvalidParameterValue"


def test_security_groups_and_instances_without_a_vpc_use_the_default_one(server, ec2):
    from test_reach import trace
    c = ec2(A)
    vpc = default_vpc(c)["VpcId"]
    sg = c.create_security_group(GroupName="web", Description="web")["GroupId"]
    assert c.describe_security_groups(GroupIds=[sg])["SecurityGroups"][0]["VpcId"] == vpc
    default_sg = c.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]["GroupId"]
    # No subnet: the zone's default subnet, a public address, the default group.
    i = c.run_instances(ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1, Placement={"AvailabilityZone": "us-east-1c"})["Instances"][0]
    subnet = c.describe_subnets(SubnetIds=[i["SubnetId"]])["Subnets"][0]
    assert (subnet["VpcId"], subnet["AvailabilityZone"], subnet["DefaultForAz"]) == (vpc, "us-east-1c", True)
    assert i["PublicIpAddress"] and [g["GroupId"] for g in i["SecurityGroups"]] == [default_sg]
    # No zone either: the first zone's default subnet.
    j = c.run_instances(ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]
    assert j["Placement"]["AvailabilityZone"] == "us-east-1a" and j["PrivateIpAddress"].startswith("172.31.")
    # It reaches the internet out of the box, as the engine says.
    rc, a = trace(server, i["InstanceId"], INTERNET_HOST)
    assert rc == 0 and a["reachable"], a["blockers"]


@pytest.mark.empty_accounts
def test_no_default_vpc_gives_empty_accounts(server):
    c = make_client(server, "ec2", A)
    assert c.describe_vpcs()["Vpcs"] == [] and c.describe_subnets()["Subnets"] == []
    with pytest.raises(ClientError) as e:
        c.create_security_group(GroupName="web", Description="web")
    assert error_code(e) == "VPCIdNotSpecified"
    # The account still has its default DHCP set, and new VPCs use it.
    vpc = c.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]
    sets = c.describe_dhcp_options()["DhcpOptions"]
    assert [d["DhcpOptionsId"] for d in sets] == [vpc["DhcpOptionsId"]]
    # CreateDefaultVpc still makes one on request.
    assert c.create_default_vpc()["Vpc"]["IsDefault"] is True


def test_dhcp_option_sets(ec2):
    c = ec2(A)
    vpc = c.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]
    default_set = vpc["DhcpOptionsId"]
    assert default_set.startswith("dopt-") and default_set == default_vpc(c)["DhcpOptionsId"]
    d = c.create_dhcp_options(
        DhcpConfigurations=[{"Key": "domain-name", "Values": ["corp.example"]}, {"Key": "domain-name-servers", "Values": ["10.0.0.2", "10.0.0.3"]},
                            {"Key": "netbios-node-type", "Values": ["2"]}],
        TagSpecifications=[{"ResourceType": "dhcp-options", "Tags": [{"Key": "Name", "Value": "corp"}]}],
    )["DhcpOptions"]
    dopt = d["DhcpOptionsId"]
    assert d["OwnerId"] == A and d["Tags"] == [{"Key": "Name", "Value": "corp"}]
    assert {x["Key"]: [v["Value"] for v in x["Values"]] for x in d["DhcpConfigurations"]}["domain-name-servers"] == ["10.0.0.2", "10.0.0.3"]
    # Filters.
    f = lambda name, *values: [x["DhcpOptionsId"] for x in c.describe_dhcp_options(Filters=[{"Name": name, "Values": list(values)}])["DhcpOptions"]]
    assert f("key", "netbios-node-type") == [dopt]
    assert f("value", "corp.example") == [dopt]
    assert f("tag:Name", "corp") == [dopt]
    assert f("dhcp-options-id", dopt) == [dopt]
    assert sorted(f("owner-id", A)) == sorted([dopt, default_set])
    with pytest.raises(ClientError) as e:
        c.describe_dhcp_options(Filters=[{"Name": "nonsense", "Values": ["x"]}])
    assert error_code(e) == "InvalidParameterValue"
    # Associate; the set in use cannot be deleted.
    c.associate_dhcp_options(DhcpOptionsId=dopt, VpcId=vpc["VpcId"])
    assert c.describe_vpcs(VpcIds=[vpc["VpcId"]])["Vpcs"][0]["DhcpOptionsId"] == dopt
    assert [v["VpcId"] for v in c.describe_vpcs(Filters=[{"Name": "dhcp-options-id", "Values": [dopt]}])["Vpcs"]] == [vpc["VpcId"]]
    with pytest.raises(ClientError) as e:
        c.delete_dhcp_options(DhcpOptionsId=dopt)
    assert error_code(e) == "DependencyViolation"
    # `default`: no option set.
    c.associate_dhcp_options(DhcpOptionsId="default", VpcId=vpc["VpcId"])
    assert c.describe_vpcs(VpcIds=[vpc["VpcId"]])["Vpcs"][0]["DhcpOptionsId"] == "default"
    c.delete_dhcp_options(DhcpOptionsId=dopt)
    for call, code in [
        (lambda: c.delete_dhcp_options(DhcpOptionsId=dopt), "InvalidDhcpOptionID.NotFound"),
        (lambda: c.describe_dhcp_options(DhcpOptionsIds=[dopt]), "InvalidDhcpOptionID.NotFound"),
        (lambda: c.associate_dhcp_options(DhcpOptionsId=dopt, VpcId=vpc["VpcId"]), "InvalidDhcpOptionID.NotFound"),
        (lambda: c.delete_dhcp_options(DhcpOptionsId="bogus"), "InvalidDhcpOptionsId.Malformed"),
        (lambda: c.associate_dhcp_options(DhcpOptionsId=default_set, VpcId="vpc-12345678"), "InvalidVpcID.NotFound"),
        (lambda: c.create_dhcp_options(DhcpConfigurations=[{"Key": "nonsense", "Values": ["x"]}]), "InvalidParameterValue"),
        (lambda: c.create_dhcp_options(DhcpConfigurations=[{"Key": "domain-name-servers", "Values": ["not-an-address"]}]), "InvalidParameterValue"),
        (lambda: c.create_dhcp_options(DhcpConfigurations=[{"Key": "netbios-node-type", "Values": ["3"]}]), "InvalidParameterValue"),
        # Another account's set is not found.
        (lambda: ec2(B).describe_dhcp_options(DhcpOptionsIds=[default_set]), "InvalidDhcpOptionID.NotFound"),
    ]:
        with pytest.raises(ClientError) as e:
            call()
        assert error_code(e) == code
    # Tags through CreateTags/DeleteTags too.
    c.create_tags(Resources=[default_set], Tags=[{"Key": "k", "Value": "v"}])
    assert c.describe_dhcp_options(DhcpOptionsIds=[default_set])["DhcpOptions"][0]["Tags"] == [{"Key": "k", "Value": "v"}]
    assert {t["ResourceType"] for t in c.describe_tags(Filters=[{"Name": "resource-id", "Values": [default_set]}])["Tags"]} == {"dhcp-options"}
