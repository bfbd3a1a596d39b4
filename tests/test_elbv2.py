"""ELBv2 (Network Load Balancers) through boto3 and the AWS CLI."""
import pytest
from botocore.exceptions import ClientError

from conftest import A, B, CliError, error_code


def network(ec2, account=A, cidr="10.1.0.0/16", zones=("a", "b", "c")):
    """A VPC with one /24 subnet per zone name suffix."""
    c = ec2(account)
    vpc = c.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    base = cidr.split(".")[:2]
    subnets = [c.create_subnet(VpcId=vpc, CidrBlock=f"{base[0]}.{base[1]}.{i + 1}.0/24",
                               AvailabilityZone=f"us-east-1{z}")["Subnet"]["SubnetId"]
               for i, z in enumerate(zones)]
    return vpc, subnets


def nlb(elbv2, subnets, name="web", account=A, **kw):
    return elbv2(account).create_load_balancer(Name=name, Type="network", Scheme="internal", Subnets=subnets, **kw)["LoadBalancers"][0]


def test_create_describe_delete_nlb(ec2, elbv2, server):
    vpc, subnets = network(ec2)
    lb = nlb(elbv2, subnets[:2], Tags=[{"Key": "team", "Value": "net"}])
    arn = lb["LoadBalancerArn"]
    assert arn.startswith(f"arn:aws:elasticloadbalancing:us-east-1:{A}:loadbalancer/net/web/")
    assert len(arn.rsplit("/", 1)[1]) == 16
    assert (lb["Type"], lb["Scheme"], lb["VpcId"]) == ("network", "internal", vpc)
    assert lb["State"]["Code"] == "provisioning"
    assert lb["DNSName"].endswith(".elb.us-east-1.amazonaws.com")
    assert sorted(z["SubnetId"] for z in lb["AvailabilityZones"]) == sorted(subnets[:2])
    # One requester-managed ENI per zone, described as AWS does.
    enis = [e for e in server.state()["network_interfaces"].values() if e["interface_type"] == "network_load_balancer"]
    assert len(enis) == 2
    assert all(e["description"] == "ELB net/web/" + arn.rsplit("/", 1)[1] and e["requester_managed"] for e in enis)
    ips = {z["LoadBalancerAddresses"][0]["PrivateIPv4Address"] for z in lb["AvailabilityZones"]}
    assert ips == {e["private_ip"] for e in enis}
    server.advance_clock(5)
    c = elbv2(A)
    assert c.describe_load_balancers(Names=["web"])["LoadBalancers"][0]["State"]["Code"] == "active"
    assert c.describe_tags(ResourceArns=[arn])["TagDescriptions"][0]["Tags"] == [{"Key": "team", "Value": "net"}]
    with pytest.raises(ClientError) as e:
        elbv2(B).describe_load_balancers(LoadBalancerArns=[arn])
    assert error_code(e) == "LoadBalancerNotFound"
    with pytest.raises(ClientError) as e:
        nlb(elbv2, subnets[:1])
    assert error_code(e) == "DuplicateLoadBalancerName"
    c.delete_load_balancer(LoadBalancerArn=arn)
    assert c.describe_load_balancers()["LoadBalancers"] == []
    assert not [e for e in server.state()["network_interfaces"].values() if e["interface_type"] == "network_load_balancer"]
    c.delete_load_balancer(LoadBalancerArn=arn)  # deleting again succeeds, as in AWS


def test_create_nlb_errors(ec2, elbv2):
    _, subnets = network(ec2)
    c = elbv2(A)
    cases = [
        (dict(Name="-bad", Type="network", Scheme="internal", Subnets=subnets), "ValidationError"),
        (dict(Name="x", Type="network", Scheme="internal", Subnets=["subnet-12345678"]), "SubnetNotFound"),
        (dict(Name="x", Type="network", Subnets=subnets), "InvalidSubnet"),  # internet-facing without IGW
    ]
    for kw, code in cases:
        with pytest.raises(ClientError) as e:
            c.create_load_balancer(**kw)
        assert error_code(e) == code, kw
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert c.describe_load_balancers()["LoadBalancers"] == []


def test_attributes_and_deletion_protection(ec2, elbv2):
    _, subnets = network(ec2)
    arn = nlb(elbv2, subnets)["LoadBalancerArn"]
    c = elbv2(A)
    attrs = {a["Key"]: a["Value"] for a in c.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"]}
    assert attrs["load_balancing.cross_zone.enabled"] == "false"
    assert attrs["deletion_protection.enabled"] == "false"
    c.modify_load_balancer_attributes(LoadBalancerArn=arn, Attributes=[{"Key": "deletion_protection.enabled", "Value": "true"}])
    with pytest.raises(ClientError) as e:
        c.delete_load_balancer(LoadBalancerArn=arn)
    assert error_code(e) == "OperationNotPermitted"
    with pytest.raises(ClientError) as e:
        c.modify_load_balancer_attributes(LoadBalancerArn=arn, Attributes=[{"Key": "no.such.key", "Value": "1"}])
    assert error_code(e) == "ValidationError"
    cr = c.describe_capacity_reservation(LoadBalancerArn=arn)
    assert cr["CapacityReservationState"] == []


def test_pagination_with_marker(ec2, elbv2):
    _, subnets = network(ec2)
    for i in range(3):
        nlb(elbv2, subnets[:1], name=f"lb{i}")
    c = elbv2(A)
    page = c.describe_load_balancers(PageSize=2)
    assert len(page["LoadBalancers"]) == 2 and page["NextMarker"]
    rest = c.describe_load_balancers(PageSize=2, Marker=page["NextMarker"])
    assert len(rest["LoadBalancers"]) == 1 and "NextMarker" not in rest


def test_target_groups_listeners_and_in_use(ec2, elbv2, aws):
    vpc, subnets = network(ec2)
    lb = nlb(elbv2, subnets[:2])["LoadBalancerArn"]
    c = elbv2(A)
    tg = c.create_target_group(Name="tg", Protocol="TCP", Port=80, VpcId=vpc, TargetType="ip")["TargetGroups"][0]
    assert tg["TargetGroupArn"].startswith(f"arn:aws:elasticloadbalancing:us-east-1:{A}:targetgroup/tg/")
    # AWS's NLB health-check defaults.
    assert (tg["HealthCheckProtocol"], tg["HealthCheckPort"], tg["HealthCheckIntervalSeconds"], tg["HealthCheckTimeoutSeconds"],
            tg["HealthyThresholdCount"], tg["UnhealthyThresholdCount"]) == ("TCP", "traffic-port", 30, 10, 5, 2)
    arn = tg["TargetGroupArn"]
    with pytest.raises(ClientError) as e:
        c.register_targets(TargetGroupArn=arn, Targets=[{"Id": "10.9.0.10"}])
    assert error_code(e) == "InvalidTarget"
    c.register_targets(TargetGroupArn=arn, Targets=[{"Id": "10.1.1.10"}, {"Id": "10.1.3.10", "Port": 8080}])
    # Not used by any listener yet: unused / Target.NotInUse.
    health = c.describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]
    assert {(h["Target"]["Id"], h["TargetHealth"]["State"], h["TargetHealth"]["Reason"]) for h in health} == {
        ("10.1.1.10", "unused", "Target.NotInUse"), ("10.1.3.10", "unused", "Target.NotInUse")}
    lst = c.create_listener(LoadBalancerArn=lb, Protocol="TCP", Port=80,
                            DefaultActions=[{"Type": "forward", "TargetGroupArn": arn}])["Listeners"][0]
    assert lst["DefaultActions"][0]["TargetGroupArn"] == arn
    assert c.describe_target_groups(TargetGroupArns=[arn])["TargetGroups"][0]["LoadBalancerArns"] == [lb]
    assert c.describe_target_groups(LoadBalancerArn=lb)["TargetGroups"][0]["TargetGroupArn"] == arn
    tg2 = c.create_target_group(Name="tg2", Protocol="TCP", Port=80, VpcId=vpc, TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
    with pytest.raises(ClientError) as e:
        c.create_listener(LoadBalancerArn=lb, Protocol="TCP", Port=80, DefaultActions=[{"Type": "forward", "TargetGroupArn": tg2}])
    assert error_code(e) == "DuplicateListener"
    udp = c.create_target_group(Name="udp", Protocol="UDP", Port=53, VpcId=vpc, TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
    with pytest.raises(ClientError) as e:
        c.create_listener(LoadBalancerArn=lb, Protocol="TCP", Port=81, DefaultActions=[{"Type": "forward", "TargetGroupArn": udp}])
    assert error_code(e) == "IncompatibleProtocols"
    with pytest.raises(ClientError) as e:
        c.delete_target_group(TargetGroupArn=arn)
    assert error_code(e) == "ResourceInUse"
    # 10.1.3.10 sits in zone c, which the NLB does not have.
    h = {x["Target"]["Id"]: x["TargetHealth"] for x in c.describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]}
    assert (h["10.1.3.10"]["State"], h["10.1.3.10"]["Reason"]) == ("unused", "Target.NotInUse")
    # A named target that is not registered.
    h = c.describe_target_health(TargetGroupArn=arn, Targets=[{"Id": "10.1.2.99"}])["TargetHealthDescriptions"][0]
    assert (h["TargetHealth"]["State"], h["TargetHealth"]["Reason"]) == ("unused", "Target.NotRegistered")
    attrs = aws(A, "elbv2", "describe-listener-attributes", "--listener-arn", lst["ListenerArn"])["Attributes"]
    assert attrs == [{"Key": "tcp.idle_timeout.seconds", "Value": "350"}]
    c.modify_listener(ListenerArn=lst["ListenerArn"], Port=8080)
    assert c.describe_listeners(LoadBalancerArn=lb)["Listeners"][0]["Port"] == 8080
    c.delete_listener(ListenerArn=lst["ListenerArn"])
    c.deregister_targets(TargetGroupArn=arn, Targets=[{"Id": "10.1.1.10"}])
    c.delete_target_group(TargetGroupArn=arn)
    with pytest.raises(ClientError) as e:
        c.describe_target_groups(TargetGroupArns=[arn])
    assert error_code(e) == "TargetGroupNotFound"


def test_target_group_attributes_and_cli(ec2, aws):
    vpc, _ = network(ec2)
    tg = aws(A, "elbv2", "create-target-group", "--name", "tg", "--protocol", "TCP", "--port", "80",
             "--vpc-id", vpc, "--target-type", "instance", "--health-check-protocol", "TCP")["TargetGroups"][0]
    arn = tg["TargetGroupArn"]
    attrs = {a["Key"]: a["Value"] for a in aws(A, "elbv2", "describe-target-group-attributes", "--target-group-arn", arn)["Attributes"]}
    assert attrs["deregistration_delay.timeout_seconds"] == "300"
    assert attrs["load_balancing.cross_zone.enabled"] == "use_load_balancer_configuration"
    aws(A, "elbv2", "modify-target-group-attributes", "--target-group-arn", arn,
        "--attributes", "Key=deregistration_delay.timeout_seconds,Value=30")
    tg2 = aws(A, "elbv2", "modify-target-group", "--target-group-arn", arn, "--healthy-threshold-count", "3")["TargetGroups"][0]
    assert tg2["HealthyThresholdCount"] == 3
    with pytest.raises(CliError) as e:
        aws(A, "elbv2", "register-targets", "--target-group-arn", arn, "--targets", "Id=i-12345678901234567")
    assert e.value.code == "InvalidTarget"
    with pytest.raises(CliError) as e:
        aws(B, "elbv2", "describe-target-groups", "--target-group-arns", arn)
    assert e.value.code == "TargetGroupNotFound"


AMI = "ami-1e749f67"


def health(elbv2, tg):
    return {(h["Target"]["Id"]): (h["TargetHealth"]["State"], h["TargetHealth"].get("Reason"))
            for h in elbv2(A).describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"]}


def web_behind_nlb(ec2, elbv2, server):
    """Instance A (SG admitting nothing) in zone a, behind an NLB in zones a and b."""
    c = ec2(A)
    vpc, subnets = network(ec2)
    sg = c.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    inst = c.run_instances(ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1,
                           SubnetId=subnets[0], SecurityGroupIds=[sg])["Instances"][0]["InstanceId"]
    lb = nlb(elbv2, subnets[:2])
    e = elbv2(A)
    tg = e.create_target_group(Name="web", Protocol="TCP", Port=80, VpcId=vpc, TargetType="instance")["TargetGroups"][0]["TargetGroupArn"]
    e.register_targets(TargetGroupArn=tg, Targets=[{"Id": inst}])
    assert health(elbv2, tg)[inst] == ("unused", "Target.NotInUse"), "no listener uses the group yet"
    e.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="TCP", Port=80,
                      DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
    assert health(elbv2, tg)[inst] == ("initial", "Elb.RegistrationInProgress")
    server.advance_clock(15)
    node_ips = {z["ZoneName"]: z["LoadBalancerAddresses"][0]["PrivateIPv4Address"] for z in lb["AvailabilityZones"]}
    return c, sg, inst, lb["LoadBalancerArn"], tg, node_ips


def test_health_follows_security_group(ec2, elbv2, server, aws):
    c, sg, inst, lb, tg, _ = web_behind_nlb(ec2, elbv2, server)
    # The target's SG blocks the health checks from the NLB's addresses
    # (every listener target unhealthy: the listener has no healthy target).
    assert health(elbv2, tg)[inst] == ("unhealthy", "Target.FailedHealthChecks")
    aws(A, "ec2", "authorize-security-group-ingress", "--group-id", sg,
        "--ip-permissions", "IpProtocol=tcp,FromPort=80,ToPort=80,IpRanges=[{CidrIp=10.1.0.0/16}]")
    assert health(elbv2, tg)[inst] == ("healthy", None)
    # A custom health-check port the SG does not admit.
    elbv2(A).modify_target_group(TargetGroupArn=tg, HealthCheckPort="8080")
    assert health(elbv2, tg)[inst] == ("unhealthy", "Target.FailedHealthChecks")
    elbv2(A).modify_target_group(TargetGroupArn=tg, HealthCheckPort="traffic-port")
    assert health(elbv2, tg)[inst] == ("healthy", None)
    # A stopped target is not in use.
    c.stop_instances(InstanceIds=[inst])
    assert health(elbv2, tg)[inst] == ("unused", "Target.InvalidState")


def test_health_and_cross_zone(ec2, elbv2, server):
    c, sg, inst, lb, tg, node_ips = web_behind_nlb(ec2, elbv2, server)
    # Admit only the NLB node of the instance's own zone.
    c.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": node_ips["us-east-1a"] + "/32"}]}])
    assert health(elbv2, tg)[inst] == ("healthy", None), "cross-zone off: only the zone-a node sends to it"
    e = elbv2(A)
    e.modify_load_balancer_attributes(LoadBalancerArn=lb, Attributes=[{"Key": "load_balancing.cross_zone.enabled", "Value": "true"}])
    assert health(elbv2, tg)[inst] == ("unhealthy", "Target.FailedHealthChecks"), "cross-zone on: the zone-b node must get through too"
    c.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": node_ips["us-east-1b"] + "/32"}]}])
    assert health(elbv2, tg)[inst] == ("healthy", None)
    # The target group's own setting overrides the load balancer's.
    c.revoke_security_group_ingress(GroupId=sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": node_ips["us-east-1b"] + "/32"}]}])
    e.modify_target_group_attributes(TargetGroupArn=tg, Attributes=[{"Key": "load_balancing.cross_zone.enabled", "Value": "false"}])
    assert health(elbv2, tg)[inst] == ("healthy", None)
    # A target in a zone the NLB is not enabled in is unused.
    # The test's own VPC: the account's default VPC has a subnet in us-east-1c too.
    vpc = c.describe_instances(InstanceIds=[inst])["Reservations"][0]["Instances"][0]["VpcId"]
    mine = c.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "availability-zone", "Values": ["us-east-1c"]}])
    sub_c = mine["Subnets"][0]["SubnetId"]
    other = c.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, SubnetId=sub_c, SecurityGroupIds=[sg])["Instances"][0]["InstanceId"]
    e.register_targets(TargetGroupArn=tg, Targets=[{"Id": other}])
    assert health(elbv2, tg)[other] == ("unused", "Target.NotInUse")


def test_health_follows_network_acls(ec2, elbv2, server):
    """Health checks from another subnet pass the target subnet's (stateless) NACL both ways."""
    c = ec2(A)
    vpc, subnets = network(ec2)
    nlb_a = c.create_subnet(VpcId=vpc, CidrBlock="10.1.10.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    sg = c.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    c.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "10.1.0.0/16"}]}])
    inst = c.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, SubnetId=subnets[0], SecurityGroupIds=[sg])["Instances"][0]["InstanceId"]
    lb = nlb(elbv2, [nlb_a, subnets[1]])["LoadBalancerArn"]
    e = elbv2(A)
    tg = e.create_target_group(Name="web", Protocol="TCP", Port=80, VpcId=vpc)["TargetGroups"][0]["TargetGroupArn"]
    e.register_targets(TargetGroupArn=tg, Targets=[{"Id": inst}])
    e.create_listener(LoadBalancerArn=lb, Protocol="TCP", Port=80, DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
    server.advance_clock(15)
    assert health(elbv2, tg)[inst] == ("healthy", None)
    # A custom NACL on the target's subnet: inbound 80 allowed, no return rule.
    acl = c.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    c.create_network_acl_entry(NetworkAclId=acl, RuleNumber=100, Protocol="6", RuleAction="allow", Egress=False,
                               CidrBlock="10.1.0.0/16", PortRange={"From": 80, "To": 80})
    assoc = [a for x in c.describe_network_acls()["NetworkAcls"] for a in x["Associations"] if a["SubnetId"] == subnets[0]][0]
    c.replace_network_acl_association(AssociationId=assoc["NetworkAclAssociationId"], NetworkAclId=acl)
    assert health(elbv2, tg)[inst] == ("unhealthy", "Target.FailedHealthChecks")
    c.create_network_acl_entry(NetworkAclId=acl, RuleNumber=100, Protocol="6", RuleAction="allow", Egress=True,
                               CidrBlock="10.1.0.0/16", PortRange={"From": 1024, "To": 65535})
    assert health(elbv2, tg)[inst] == ("healthy", None)


def test_nlb_security_group_egress_gates_health_checks(ec2, elbv2, server):
    c = ec2(A)
    vpc, subnets = network(ec2)
    web = c.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    c.authorize_security_group_ingress(GroupId=web, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "10.1.0.0/16"}]}])
    lbsg = c.create_security_group(GroupName="nlb", Description="nlb", VpcId=vpc)["GroupId"]
    inst = c.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, SubnetId=subnets[0], SecurityGroupIds=[web])["Instances"][0]["InstanceId"]
    lb = nlb(elbv2, subnets[:2], SecurityGroups=[lbsg])
    assert lb["SecurityGroups"] == [lbsg]
    e = elbv2(A)
    tg = e.create_target_group(Name="web", Protocol="TCP", Port=80, VpcId=vpc)["TargetGroups"][0]["TargetGroupArn"]
    e.register_targets(TargetGroupArn=tg, Targets=[{"Id": inst}])
    e.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="TCP", Port=80, DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
    server.advance_clock(15)
    assert health(elbv2, tg)[inst] == ("healthy", None)
    # The NLB's own group must let the health checks out.
    c.revoke_security_group_egress(GroupId=lbsg, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    assert health(elbv2, tg)[inst] == ("unhealthy", "Target.FailedHealthChecks")
    other = c.create_security_group(GroupName="nlb2", Description="nlb2", VpcId=vpc)["GroupId"]
    e.set_security_groups(LoadBalancerArn=lb["LoadBalancerArn"], SecurityGroups=[other])
    assert health(elbv2, tg)[inst] == ("healthy", None)
    # An NLB created without groups cannot get any.
    bare = nlb(elbv2, subnets[2:], name="bare")["LoadBalancerArn"]
    with pytest.raises(ClientError) as ex:
        e.set_security_groups(LoadBalancerArn=bare, SecurityGroups=[other])
    assert error_code(ex) == "ValidationError"
