"""CloudFormation's API through boto3: AWS's errors and statuses, a
failure mid-stack rolled back with nothing left behind and the event naming
AWS's error, an unsupported type named in its event, updates that replace
(a subnet's new CidrBlock) or change in place (tags), a failed update rolled
back, change sets, exports, DeletionPolicy Retain."""
import boto3
import pytest
from botocore.exceptions import ClientError

from conftest import A, REGION

VPC = """
Parameters:
  Cidr: {Type: String, Default: 10.40.0.0/16}
  SubnetCidr: {Type: String, Default: 10.40.1.0/24}
  Team: {Type: String, Default: blue}
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: !Ref Cidr, Tags: [{Key: team, Value: !Ref Team}]}
  Subnet:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: !Ref SubnetCidr, AvailabilityZone: !Select [0, !GetAZs ""]}
Outputs:
  VpcId: {Value: !Ref Vpc, Export: {Name: !Sub "${AWS::StackName}-vpc"}}
  SubnetId: {Value: !Ref Subnet}
  Zone: {Value: !GetAtt Subnet.AvailabilityZone}
"""


def clients(server, account=A):
    kw = dict(endpoint_url=server.url, region_name=REGION, aws_access_key_id=account, aws_secret_access_key="test")
    return boto3.client("cloudformation", **kw), boto3.client("ec2", **kw)


def err(e):
    return e.value.response["Error"]["Code"], e.value.response["ResponseMetadata"]["HTTPStatusCode"], e.value.response["Error"]["Message"]


def stack(cfn, name):
    return cfn.describe_stacks(StackName=name)["Stacks"][0]


def outputs(cfn, name):
    return {o["OutputKey"]: o["OutputValue"] for o in stack(cfn, name).get("Outputs", [])}


def events(cfn, name):
    return [(e["LogicalResourceId"], e["ResourceStatus"], e.get("ResourceStatusReason")) for e in cfn.describe_stack_events(StackName=name)["StackEvents"]][::-1]


def params(**kw):
    return [{"ParameterKey": k, "ParameterValue": v} for k, v in kw.items()]


def keep(*names):
    return [{"ParameterKey": n, "UsePreviousValue": True} for n in names]


@pytest.mark.empty_accounts
def test_errors_are_aws(server):
    cfn, _ = clients(server)
    with pytest.raises(ClientError) as e:
        cfn.describe_stacks(StackName="nope")
    assert err(e) == ("ValidationError", 400, "Stack with id nope does not exist")
    bad = "Resources:\n  S:\n    Type: AWS::EC2::Subnet\n    Properties: {VpcId: !Ref Missing, CidrBlock: 10.0.0.0/24}\n"
    with pytest.raises(ClientError) as e:
        cfn.create_stack(StackName="bad", TemplateBody=bad)
    assert err(e) == ("ValidationError", 400, "Template format error: Unresolved resource dependencies [Missing] in the Resources block of the template")
    role = "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties: {AssumeRolePolicyDocument: {Statement: []}}\n"
    with pytest.raises(ClientError) as e:
        cfn.create_stack(StackName="role", TemplateBody=role)
    assert err(e) == ("InsufficientCapabilitiesException", 400, "Requires capabilities : [CAPABILITY_IAM]")
    cfn.create_stack(StackName="net", TemplateBody=VPC)
    with pytest.raises(ClientError) as e:
        cfn.create_stack(StackName="net", TemplateBody=VPC)
    assert err(e)[:2] == ("AlreadyExistsException", 400)
    with pytest.raises(ClientError) as e:
        cfn.describe_change_set(ChangeSetName="none", StackName="net")
    assert err(e)[:2] == ("ChangeSetNotFound", 404)
    with pytest.raises(ClientError) as e:
        cfn.update_stack(StackName="net", UsePreviousTemplate=True)
    assert err(e) == ("ValidationError", 400, "No updates are to be performed.")
    assert cfn.list_exports()["Exports"][0]["Name"] == "net-vpc"
    cfn.delete_stack(StackName="net")
    cfn.delete_stack(StackName="net")  # gone already: no error, as in AWS
    cfn.create_stack(StackName="kept", TemplateBody=VPC.replace("10.40.", "10.41."), EnableTerminationProtection=True)
    with pytest.raises(ClientError) as e:
        cfn.delete_stack(StackName="kept")
    assert err(e) == ("ValidationError", 400, "Stack [kept] cannot be deleted while TerminationProtection is enabled")
    assert stack(cfn, "kept")["EnableTerminationProtection"] is True


@pytest.mark.empty_accounts
def test_a_failure_mid_stack_rolls_back_and_leaves_nothing(server):
    cfn, ec2 = clients(server)
    # The second subnet overlaps the first: EC2 refuses it.
    t = VPC.replace("Outputs:", "  Clash:\n    Type: AWS::EC2::Subnet\n    DependsOn: Subnet\n    Properties: {VpcId: !Ref Vpc, CidrBlock: !Ref SubnetCidr}\nOutputs:")
    cfn.create_stack(StackName="clash", TemplateBody=t)
    s = stack(cfn, "clash")
    assert s["StackStatus"] == "ROLLBACK_COMPLETE"
    ev = events(cfn, "clash")
    failed = [r for l, st, r in ev if st == "CREATE_FAILED"]
    assert len(failed) == 1 and "Error Code: InvalidSubnet.Conflict" in failed[0] and "Status Code: 400" in failed[0]
    assert ("clash", "ROLLBACK_IN_PROGRESS", "The following resource(s) failed to create: [Clash]. Rollback requested by user.") in ev
    assert ev[-1][:2] == ("clash", "ROLLBACK_COMPLETE")
    assert ec2.describe_vpcs()["Vpcs"] == [] and ec2.describe_subnets()["Subnets"] == []
    # OnFailure=DELETE: rolled back, then deleted (found by id only).
    sid = cfn.create_stack(StackName="gone", TemplateBody=t, OnFailure="DELETE")["StackId"]
    assert stack(cfn, sid)["StackStatus"] == "DELETE_COMPLETE"
    with pytest.raises(ClientError):
        cfn.describe_stacks(StackName="gone")
    # A property the type does not have fails the resource with the schema's message.
    cfn.create_stack(StackName="typo", TemplateBody="Resources:\n  V:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlok: 10.0.0.0/16}\n")
    assert ("V", "CREATE_FAILED", "Encountered unsupported property CidrBlok") in events(cfn, "typo")
    assert stack(cfn, "typo")["StackStatus"] == "ROLLBACK_COMPLETE"
    # An unsupported type fails its stack, naming the type.
    cfn.create_stack(StackName="odd", TemplateBody="Resources:\n  Q:\n    Type: AWS::SQS::Queue\n", OnFailure="DO_NOTHING")
    assert stack(cfn, "odd")["StackStatus"] == "CREATE_FAILED"
    assert any(st == "CREATE_FAILED" and "AWS::SQS::Queue" in (r or "") for _, st, r in events(cfn, "odd"))


@pytest.mark.empty_accounts
def test_updates_replace_or_change_in_place_and_roll_back(server):
    cfn, ec2 = clients(server)
    cfn.create_stack(StackName="net", TemplateBody=VPC, Tags=[{"Key": "env", "Value": "test"}])
    first = outputs(cfn, "net")
    vpc = ec2.describe_vpcs(VpcIds=[first["VpcId"]])["Vpcs"][0]
    tags = {t["Key"]: t["Value"] for t in vpc["Tags"]}
    assert tags["team"] == "blue" and tags["env"] == "test" and tags["aws:cloudformation:logical-id"] == "Vpc"
    # A tag: the same VPC, retagged.
    cfn.update_stack(StackName="net", UsePreviousTemplate=True, Parameters=params(Team="red"))
    assert stack(cfn, "net")["StackStatus"] == "UPDATE_COMPLETE"
    assert outputs(cfn, "net")["VpcId"] == first["VpcId"]
    vpc = ec2.describe_vpcs(VpcIds=[first["VpcId"]])["Vpcs"][0]
    assert {t["Key"]: t["Value"] for t in vpc["Tags"]}["team"] == "red"
    # A subnet's CidrBlock is create-only: a new subnet, the old one deleted.
    cs = cfn.create_change_set(StackName="net", ChangeSetName="move", UsePreviousTemplate=True, Parameters=params(SubnetCidr="10.40.2.0/24") + keep("Team"))
    changes = [c["ResourceChange"] for c in cfn.describe_change_set(ChangeSetName=cs["Id"])["Changes"]]
    assert [(c["Action"], c["LogicalResourceId"], c["Replacement"]) for c in changes] == [("Modify", "Subnet", "True")]
    cfn.execute_change_set(ChangeSetName="move", StackName="net")
    second = outputs(cfn, "net")
    assert second["SubnetId"] != first["SubnetId"]
    assert [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]] == [second["SubnetId"]]
    # An update that fails (a CIDR outside the VPC) rolls back to the last good state.
    cfn.update_stack(StackName="net", UsePreviousTemplate=True, Parameters=params(SubnetCidr="10.99.0.0/24") + keep("Team"))
    s = stack(cfn, "net")
    assert s["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    assert outputs(cfn, "net") == second
    assert [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]] == [second["SubnetId"]]
    assert any(st == "UPDATE_FAILED" and "InvalidSubnet.Range" in (r or "") for _, st, r in events(cfn, "net"))
    # An empty change set fails with AWS's reason (what `deploy` prints as "No changes").
    cfn.create_change_set(StackName="net", ChangeSetName="same", UsePreviousTemplate=True, Parameters=keep("Team", "SubnetCidr"))
    d = cfn.describe_change_set(ChangeSetName="same", StackName="net")
    assert (d["Status"], d["ExecutionStatus"]) == ("FAILED", "UNAVAILABLE")
    assert d["StatusReason"].startswith("The submitted information didn't contain changes.")
    cfn.delete_stack(StackName="net")
    assert ec2.describe_vpcs()["Vpcs"] == []


@pytest.mark.empty_accounts
def test_retain_keeps_a_resource_and_resources_are_listed(server):
    cfn, ec2 = clients(server)
    t = "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    DeletionPolicy: Retain\n    Properties: {CidrBlock: 10.50.0.0/16}\n"
    sid = cfn.create_stack(StackName="keep", TemplateBody=t)["StackId"]
    r = cfn.describe_stack_resource(StackName="keep", LogicalResourceId="Vpc")["StackResourceDetail"]
    assert r["ResourceType"] == "AWS::EC2::VPC" and r["ResourceStatus"] == "CREATE_COMPLETE"
    assert cfn.describe_stack_resources(PhysicalResourceId=r["PhysicalResourceId"])["StackResources"][0]["StackName"] == "keep"
    assert cfn.get_template(StackName="keep")["TemplateBody"] == t
    cfn.delete_stack(StackName="keep")
    assert [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]] == [r["PhysicalResourceId"]]
    # The deleted stack is still found by its id.
    assert stack(cfn, sid)["StackStatus"] == "DELETE_COMPLETE"
    assert ("Vpc", "DELETE_SKIPPED", None) in events(cfn, sid)


SG = """
Parameters:
  Peer: {Type: String, Default: 10.2.0.0/16}
  Hostnames: {Type: String, Default: "false"}
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.70.0.0/16, EnableDnsHostnames: !Ref Hostnames}
  Web:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      VpcId: !Ref Vpc
      SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 80, ToPort: 80, CidrIp: !Ref Peer}]
"""


@pytest.mark.empty_accounts
def test_properties_aws_changes_in_place_keep_the_resource(server):
    cfn, ec2 = clients(server)
    cfn.create_stack(StackName="web", TemplateBody=SG)
    group = cfn.describe_stack_resource(StackName="web", LogicalResourceId="Web")["StackResourceDetail"]["PhysicalResourceId"]
    vpc = cfn.describe_stack_resource(StackName="web", LogicalResourceId="Vpc")["StackResourceDetail"]["PhysicalResourceId"]
    cs = cfn.create_change_set(StackName="web", ChangeSetName="peer", UsePreviousTemplate=True, Parameters=params(Peer="10.3.0.0/16", Hostnames="true"))
    changes = sorted((c["ResourceChange"]["LogicalResourceId"], c["ResourceChange"]["Replacement"]) for c in cfn.describe_change_set(ChangeSetName=cs["Id"])["Changes"])
    assert changes == [("Vpc", "False"), ("Web", "False")]
    cfn.execute_change_set(ChangeSetName=cs["Id"])
    assert stack(cfn, "web")["StackStatus"] == "UPDATE_COMPLETE"
    g = ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"][0]
    assert [r["CidrIp"] for p in g["IpPermissions"] for r in p["IpRanges"]] == ["10.3.0.0/16"]
    assert ec2.describe_vpc_attribute(VpcId=vpc, Attribute="enableDnsHostnames")["EnableDnsHostnames"]["Value"] is True
    assert cfn.describe_stack_resource(StackName="web", LogicalResourceId="Web")["StackResourceDetail"]["PhysicalResourceId"] == group
    cfn.delete_stack(StackName="web")
    assert ec2.describe_vpcs()["Vpcs"] == []


PUBLIC_PRIVATE = """
Resources:
  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.80.0.0/16}}
  Extra: {Type: AWS::EC2::VPCCidrBlock, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.81.0.0/16}}
  Igw: {Type: AWS::EC2::InternetGateway}
  Attach: {Type: AWS::EC2::VPCGatewayAttachment, Properties: {VpcId: !Ref Vpc, InternetGatewayId: !Ref Igw}}
  Eigw: {Type: AWS::EC2::EgressOnlyInternetGateway, Properties: {VpcId: !Ref Vpc}}
  Public: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.80.0.0/24, MapPublicIpOnLaunch: true}}
  Private: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.80.1.0/24}}
  PublicRt: {Type: AWS::EC2::RouteTable, Properties: {VpcId: !Ref Vpc}}
  Out: {Type: AWS::EC2::Route, DependsOn: Attach, Properties: {RouteTableId: !Ref PublicRt, DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref Igw}}
  PublicAssoc: {Type: AWS::EC2::SubnetRouteTableAssociation, Properties: {SubnetId: !Ref Public, RouteTableId: !Ref PublicRt}}
  Eip: {Type: AWS::EC2::EIP, DependsOn: Attach, Properties: {Domain: vpc}}
  Nat: {Type: AWS::EC2::NatGateway, Properties: {SubnetId: !Ref Public, AllocationId: !GetAtt Eip.AllocationId}}
  PrivateRt: {Type: AWS::EC2::RouteTable, Properties: {VpcId: !Ref Vpc}}
  ViaNat: {Type: AWS::EC2::Route, Properties: {RouteTableId: !Ref PrivateRt, DestinationCidrBlock: 0.0.0.0/0, NatGatewayId: !Ref Nat}}
  PrivateAssoc: {Type: AWS::EC2::SubnetRouteTableAssociation, Properties: {SubnetId: !Ref Private, RouteTableId: !Ref PrivateRt}}
  Acl: {Type: AWS::EC2::NetworkAcl, Properties: {VpcId: !Ref Vpc}}
  In: {Type: AWS::EC2::NetworkAclEntry, Properties: {NetworkAclId: !Ref Acl, RuleNumber: 100, Protocol: 6, RuleAction: allow, CidrBlock: 0.0.0.0/0, PortRange: {From: 443, To: 443}}}
  AclAssoc: {Type: AWS::EC2::SubnetNetworkAclAssociation, Properties: {SubnetId: !Ref Private, NetworkAclId: !Ref Acl}}
Outputs:
  Ip: {Value: !Ref Eip}
  Nat: {Value: !Ref Nat}
"""


@pytest.mark.empty_accounts
def test_gateways_addresses_and_acls(server):
    cfn, ec2 = clients(server)
    cfn.create_stack(StackName="pp", TemplateBody=PUBLIC_PRIVATE)
    s = stack(cfn, "pp")
    assert s["StackStatus"] == "CREATE_COMPLETE", events(cfn, "pp")
    out = outputs(cfn, "pp")
    nat = ec2.describe_nat_gateways(NatGatewayIds=[out["Nat"]])["NatGateways"][0]
    assert nat["NatGatewayAddresses"][0]["PublicIp"] == out["Ip"]
    acl = cfn.describe_stack_resource(StackName="pp", LogicalResourceId="Acl")["StackResourceDetail"]["PhysicalResourceId"]
    a = ec2.describe_network_acls(NetworkAclIds=[acl])["NetworkAcls"][0]
    assert len(a["Associations"]) == 1 and any(e["RuleNumber"] == 100 and e["PortRange"] == {"From": 443, "To": 443} for e in a["Entries"])
    cfn.delete_stack(StackName="pp")
    assert stack(cfn, s["StackId"])["StackStatus"] == "DELETE_COMPLETE", events(cfn, s["StackId"])
    assert ec2.describe_vpcs()["Vpcs"] == [] and ec2.describe_addresses()["Addresses"] == []


def test_a_stack_survives_a_restart():
    from conftest import Server
    s = Server(["--no-default-vpc"]).start()
    try:
        cfn, ec2 = clients(s)
        cfn.create_stack(StackName="net", TemplateBody=VPC)
        before = stack(cfn, "net")
        s.restart()
        cfn, ec2 = clients(s)
        after = stack(cfn, "net")
        assert (after["StackId"], after["StackStatus"], after["Outputs"]) == (before["StackId"], "CREATE_COMPLETE", before["Outputs"])
        assert len(cfn.describe_stack_events(StackName="net")["StackEvents"]) == len(events(cfn, before["StackId"]))
        cfn.delete_stack(StackName="net")
        assert ec2.describe_vpcs()["Vpcs"] == []
    finally:
        s.cleanup()
