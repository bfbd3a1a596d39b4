"""Security groups and their rules (boto3 + CLI)."""
import pytest
from botocore.exceptions import ClientError

from conftest import A, B, CliError, error_code


def raises(code, f, *a, **kw):
    with pytest.raises(ClientError) as e:
        f(*a, **kw)
    assert error_code(e) == code, e.value
    return e.value


def setup(c, cidr="10.1.0.0/16"):
    vpc = c.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    sg = c.create_security_group(GroupName="web", Description="web tier", VpcId=vpc,
                                 TagSpecifications=[{"ResourceType": "security-group", "Tags": [{"Key": "Name", "Value": "web"}]}])
    return vpc, sg["GroupId"]


@pytest.mark.empty_accounts
def test_create_default_egress_and_names(ec2):
    c = ec2(A)
    vpc, sg = setup(c)
    g = c.describe_security_groups(GroupIds=[sg])["SecurityGroups"][0]
    assert g["GroupName"] == "web" and g["Description"] == "web tier" and g["VpcId"] == vpc and g["OwnerId"] == A
    assert g["IpPermissions"] == []
    assert g["IpPermissionsEgress"] == [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [],
                                         "PrefixListIds": [], "UserIdGroupPairs": []}]
    assert g["Tags"] == [{"Key": "Name", "Value": "web"}]
    raises("InvalidGroup.Duplicate", c.create_security_group, GroupName="web", Description="x", VpcId=vpc)
    raises("InvalidGroup.Reserved", c.create_security_group, GroupName="default", Description="x", VpcId=vpc)
    raises("VPCIdNotSpecified", c.create_security_group, GroupName="novpc", Description="x")
    raises("InvalidVpcID.NotFound", c.create_security_group, GroupName="x", Description="x", VpcId="vpc-0123456789abcdef0")
    # The same name is fine in another VPC.
    vpc2 = c.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    c.create_security_group(GroupName="web", Description="x", VpcId=vpc2)
    default = c.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"]
    assert len(default) == 1
    d = default[0]
    assert d["IpPermissions"][0]["UserIdGroupPairs"] == [{"GroupId": d["GroupId"], "UserId": A}]
    raises("CannotDelete", c.delete_security_group, GroupId=d["GroupId"])
    assert len(c.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["SecurityGroups"]) == 2
    raises("DependencyViolation", c.delete_vpc, VpcId=vpc)
    c.delete_security_group(GroupId=sg)
    c.delete_vpc(VpcId=vpc)


def test_authorize_revoke_and_rule_ids(ec2):
    c = ec2(A)
    vpc, sg = setup(c)
    other = c.create_security_group(GroupName="app", Description="app", VpcId=vpc)["GroupId"]
    r = c.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80,
         "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "corp"}, {"CidrIp": "192.168.0.0/16"}]},
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "UserIdGroupPairs": [{"GroupId": other}]},
    ])
    assert r["Return"] is True
    rules = r["SecurityGroupRules"]
    assert len(rules) == 3 and all(x["SecurityGroupRuleId"].startswith("sgr-") for x in rules)
    assert rules[0]["CidrIpv4"] == "10.0.0.0/8" and rules[0]["Description"] == "corp" and rules[0]["IsEgress"] is False
    assert rules[2]["ReferencedGroupInfo"]["GroupId"] == other
    g = c.describe_security_groups(GroupIds=[sg])["SecurityGroups"][0]
    p80 = [p for p in g["IpPermissions"] if p.get("FromPort") == 80][0]
    assert p80["IpRanges"] == [{"CidrIp": "10.0.0.0/8", "Description": "corp"}, {"CidrIp": "192.168.0.0/16"}]
    # Duplicate (also with host bits set), whole request refused.
    raises("InvalidPermission.Duplicate", c.authorize_security_group_ingress, GroupId=sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "1.2.3.4/32"}]},
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "10.1.2.3/8"}]}])
    got = c.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [sg]}])["SecurityGroupRules"]
    assert len(got) == 4, "3 ingress + default egress; nothing of the failed request"
    raises("InvalidParameterValue", c.authorize_security_group_ingress, GroupId=sg,
           IpPermissions=[{"IpProtocol": "tcp", "FromPort": 90, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    raises("InvalidParameterValue", c.authorize_security_group_ingress, GroupId=sg,
           IpPermissions=[{"IpProtocol": "bogus", "FromPort": 1, "ToPort": 2, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    raises("InvalidGroup.NotFound", c.authorize_security_group_ingress, GroupId=sg,
           IpPermissions=[{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-0123456789abcdef0"}]}])
    # Legacy flat parameters.
    c.authorize_security_group_ingress(GroupId=sg, IpProtocol="udp", FromPort=53, ToPort=53, CidrIp="10.0.0.0/16")
    # Filters on rules.
    for f, v in [("ip-permission.from-port", "53"), ("ip-permission.cidr", "192.168.0.0/16"), ("ip-permission.group-id", other),
                 ("egress.ip-permission.cidr", "0.0.0.0/0"), ("ip-permission.protocol", "udp")]:
        found = [x["GroupId"] for x in c.describe_security_groups(Filters=[{"Name": f, "Values": [v]}])["SecurityGroups"]]
        assert sg in found, f
    # Revoke by permission and by id.
    raises("InvalidPermission.NotFound", c.revoke_security_group_ingress, GroupId=sg,
           IpPermissions=[{"IpProtocol": "tcp", "FromPort": 81, "ToPort": 81, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    c.revoke_security_group_ingress(GroupId=sg, IpProtocol="udp", FromPort=53, ToPort=53, CidrIp="10.0.0.0/16")
    rv = c.revoke_security_group_ingress(GroupId=sg, SecurityGroupRuleIds=[rules[0]["SecurityGroupRuleId"]])
    assert rv["Return"] is True
    raises("InvalidSecurityGroupRuleId.NotFound", c.revoke_security_group_ingress, GroupId=sg,
           SecurityGroupRuleIds=[rules[0]["SecurityGroupRuleId"]])
    # A referenced group cannot be deleted.
    raises("DependencyViolation", c.delete_security_group, GroupId=other)
    c.revoke_security_group_ingress(GroupId=sg, SecurityGroupRuleIds=[rules[2]["SecurityGroupRuleId"]])
    c.delete_security_group(GroupId=other)
    # Egress: the default rule can be revoked and re-added.
    c.revoke_security_group_egress(GroupId=sg, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    assert c.describe_security_groups(GroupIds=[sg])["SecurityGroups"][0]["IpPermissionsEgress"] == []
    e = c.authorize_security_group_egress(GroupId=sg, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                                                                      "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    assert e["SecurityGroupRules"][0]["IsEgress"] is True


def test_modify_rules_and_descriptions(ec2):
    c = ec2(A)
    vpc, sg = setup(c)
    rule = c.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])["SecurityGroupRules"][0]
    rid = rule["SecurityGroupRuleId"]
    c.modify_security_group_rules(GroupId=sg, SecurityGroupRules=[{"SecurityGroupRuleId": rid, "SecurityGroupRule": {
        "IpProtocol": "tcp", "FromPort": 2222, "ToPort": 2222, "CidrIpv4": "10.1.0.0/16", "Description": "ssh"}}])
    got = c.describe_security_group_rules(SecurityGroupRuleIds=[rid])["SecurityGroupRules"][0]
    assert (got["FromPort"], got["ToPort"], got["CidrIpv4"], got["Description"]) == (2222, 2222, "10.1.0.0/16", "ssh")
    c.update_security_group_rule_descriptions_ingress(GroupId=sg, SecurityGroupRuleDescriptions=[
        {"SecurityGroupRuleId": rid, "Description": "new"}])
    assert c.describe_security_group_rules(SecurityGroupRuleIds=[rid])["SecurityGroupRules"][0]["Description"] == "new"
    c.update_security_group_rule_descriptions_ingress(GroupId=sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 2222, "ToPort": 2222, "IpRanges": [{"CidrIp": "10.1.0.0/16", "Description": "perm"}]}])
    assert c.describe_security_group_rules(SecurityGroupRuleIds=[rid])["SecurityGroupRules"][0]["Description"] == "perm"
    raises("InvalidSecurityGroupRuleId.NotFound", c.describe_security_group_rules, SecurityGroupRuleIds=["sgr-0123456789abcdef0"])
    # All-traffic rules report ports -1.
    egress = c.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [sg]}])["SecurityGroupRules"]
    eg = [x for x in egress if x["IsEgress"]][0]
    assert (eg["IpProtocol"], eg["FromPort"], eg["ToPort"]) == ("-1", -1, -1)


@pytest.mark.empty_accounts
def test_account_isolation(ec2, aws):
    a, b = ec2(A), ec2(B)
    vpc, sg = setup(a)
    raises("InvalidGroup.NotFound", b.describe_security_groups, GroupIds=[sg])
    raises("InvalidGroup.NotFound", b.delete_security_group, GroupId=sg)
    raises("InvalidGroup.NotFound", b.authorize_security_group_ingress, GroupId=sg, IpProtocol="tcp", FromPort=1, ToPort=1, CidrIp="0.0.0.0/0")
    assert b.describe_security_groups()["SecurityGroups"] == []
    assert b.describe_security_group_rules()["SecurityGroupRules"] == []
    with pytest.raises(CliError) as e:
        aws(B, "ec2", "revoke-security-group-egress", "--group-id", sg, "--ip-permissions",
            "IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]")
    assert e.value.code == "InvalidGroup.NotFound"
    # A's group is untouched.
    assert len(a.describe_security_groups(GroupIds=[sg])["SecurityGroups"][0]["IpPermissionsEgress"]) == 1


def test_cli_security_group_flow(aws):
    vpc = aws(A, "ec2", "create-vpc", "--cidr-block", "10.4.0.0/16")["Vpc"]["VpcId"]
    sg = aws(A, "ec2", "create-security-group", "--group-name", "cli", "--description", "cli", "--vpc-id", vpc)["GroupId"]
    r = aws(A, "ec2", "authorize-security-group-ingress", "--group-id", sg, "--protocol", "tcp", "--port", "80", "--cidr", "0.0.0.0/0")
    assert r["Return"] is True and r["SecurityGroupRules"][0]["FromPort"] == 80
    with pytest.raises(CliError) as e:
        aws(A, "ec2", "authorize-security-group-ingress", "--group-id", sg, "--protocol", "tcp", "--port", "80", "--cidr", "0.0.0.0/0")
    assert e.value.code == "InvalidPermission.Duplicate"
    aws(A, "ec2", "delete-security-group", "--group-id", sg)
