"""The subnet groups other services keep in a VPC (RDS DB subnet groups,
ElastiCache cache subnet groups, Redshift cluster subnet groups) through
boto3 and Terraform: stored, validated against the subnets with each
service's codes, described, paged, tagged and deleted."""
import os

import pytest
from botocore.exceptions import ClientError

from conftest import A, B, error_code, make_client, raw_request
from terraform_run import applied, requires_terraform, workspace

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture
def rds(server):
    return lambda account=A: make_client(server, "rds", account)


@pytest.fixture
def elasticache(server):
    return lambda account=A: make_client(server, "elasticache", account)


@pytest.fixture
def redshift(server):
    return lambda account=A: make_client(server, "redshift", account)


def network(ec2, account=A, cidr="10.1.0.0/16", zones=("a", "a", "b")):
    """A VPC with one /24 subnet per zone suffix given."""
    c = ec2(account)
    vpc = c.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    base = ".".join(cidr.split(".")[:2])
    return vpc, [c.create_subnet(VpcId=vpc, CidrBlock=f"{base}.{i + 1}.0/24", AvailabilityZone=f"us-east-1{z}")["Subnet"]["SubnetId"]
                 for i, z in enumerate(zones)]


def failure(call, **kw):
    """(code, HTTP status) of a call that must fail."""
    with pytest.raises(ClientError) as e:
        call(**kw)
    return error_code(e), e.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_rds_db_subnet_group_lifecycle(ec2, rds):
    vpc, (a1, a2, b1) = network(ec2)
    c = rds()
    g = c.create_db_subnet_group(DBSubnetGroupName="My-DB", DBSubnetGroupDescription="for my db", SubnetIds=[a1, b1],
                                 Tags=[{"Key": "Name", "Value": "my-db"}])["DBSubnetGroup"]
    arn = f"arn:aws:rds:us-east-1:{A}:subgrp:my-db"
    assert (g["DBSubnetGroupName"], g["DBSubnetGroupArn"], g["VpcId"], g["SubnetGroupStatus"]) == ("my-db", arn, vpc, "Complete")
    assert g["DBSubnetGroupDescription"] == "for my db" and g["SupportedNetworkTypes"] == ["IPV4"]
    assert [(s["SubnetIdentifier"], s["SubnetAvailabilityZone"]["Name"], s["SubnetStatus"]) for s in g["Subnets"]] == [
        (a1, "us-east-1a", "Active"), (b1, "us-east-1b", "Active")]
    # Found by any case of its name; tags by ARN.
    assert c.describe_db_subnet_groups(DBSubnetGroupName="MY-DB")["DBSubnetGroups"] == [g]
    assert c.list_tags_for_resource(ResourceName=arn)["TagList"] == [{"Key": "Name", "Value": "my-db"}]
    c.add_tags_to_resource(ResourceName=arn, Tags=[{"Key": "team", "Value": "data"}])
    c.remove_tags_from_resource(ResourceName=arn, TagKeys=["Name"])
    assert c.list_tags_for_resource(ResourceName=arn)["TagList"] == [{"Key": "team", "Value": "data"}]
    m = c.modify_db_subnet_group(DBSubnetGroupName="my-db", DBSubnetGroupDescription="new", SubnetIds=[a2, b1])["DBSubnetGroup"]
    assert m["DBSubnetGroupDescription"] == "new" and [s["SubnetIdentifier"] for s in m["Subnets"]] == [a2, b1]
    c.delete_db_subnet_group(DBSubnetGroupName="my-db")
    assert failure(c.describe_db_subnet_groups, DBSubnetGroupName="my-db") == ("DBSubnetGroupNotFoundFault", 404)
    assert failure(c.delete_db_subnet_group, DBSubnetGroupName="my-db") == ("DBSubnetGroupNotFoundFault", 404)
    assert failure(c.list_tags_for_resource, ResourceName=arn) == ("DBSubnetGroupNotFoundFault", 404)
    assert c.describe_db_subnet_groups()["DBSubnetGroups"] == []


def test_rds_refuses_what_aws_refuses(ec2, rds):
    vpc, (a1, a2, b1) = network(ec2)
    _, (o1, o2) = network(ec2, cidr="10.2.0.0/16", zones=("a", "b"))
    _, (theirs, _) = network(ec2, account=B, zones=("a", "b"))
    c = rds()
    code, status = failure(c.create_db_subnet_group, DBSubnetGroupName="g", DBSubnetGroupDescription="d", SubnetIds=[a1, a2])
    assert (code, status) == ("DBSubnetGroupDoesNotCoverEnoughAZs", 400)
    gone = "subnet-0123456789abcdef0"
    with pytest.raises(ClientError) as e:
        c.create_db_subnet_group(DBSubnetGroupName="g", DBSubnetGroupDescription="d", SubnetIds=[a1, gone])
    assert error_code(e) == "InvalidParameterValue"
    assert e.value.response["Error"]["Message"] == f"Some input subnets in :[{a1}, {gone}] are invalid."
    # Another account's subnet is as unknown as a made-up one.
    assert failure(c.create_db_subnet_group, DBSubnetGroupName="g", DBSubnetGroupDescription="d", SubnetIds=[a1, theirs])[0] == "InvalidParameterValue"
    assert failure(c.create_db_subnet_group, DBSubnetGroupName="g", DBSubnetGroupDescription="d", SubnetIds=[a1, o2]) == ("InvalidSubnet", 400)
    assert failure(c.create_db_subnet_group, DBSubnetGroupName="1g", DBSubnetGroupDescription="d", SubnetIds=[a1, b1])[0] == "InvalidParameterValue"
    assert failure(c.create_db_subnet_group, DBSubnetGroupName="default", DBSubnetGroupDescription="d", SubnetIds=[a1, b1])[0] == "InvalidParameterValue"
    c.create_db_subnet_group(DBSubnetGroupName="g", DBSubnetGroupDescription="d", SubnetIds=[a1, b1])
    assert failure(c.create_db_subnet_group, DBSubnetGroupName="G", DBSubnetGroupDescription="d", SubnetIds=[a1, b1]) == ("DBSubnetGroupAlreadyExists", 400)
    # A group stays in its VPC.
    code, _ = failure(c.modify_db_subnet_group, DBSubnetGroupName="g", SubnetIds=[o1, o2])
    assert code == "InvalidParameterValue"
    assert failure(c.modify_db_subnet_group, DBSubnetGroupName="nope", SubnetIds=[a1, b1]) == ("DBSubnetGroupNotFoundFault", 404)
    # Account B has no group "g", and cannot see A's.
    assert failure(rds(B).describe_db_subnet_groups, DBSubnetGroupName="g") == ("DBSubnetGroupNotFoundFault", 404)


def test_describe_pages_by_max_records_and_marker(ec2, rds, elasticache):
    _, (a1, _, b1) = network(ec2)
    c = rds()
    names = sorted(f"group-{i:02}" for i in range(25))
    for n in names:
        c.create_db_subnet_group(DBSubnetGroupName=n, DBSubnetGroupDescription="d", SubnetIds=[a1, b1])
    first = c.describe_db_subnet_groups(MaxRecords=20)
    assert [g["DBSubnetGroupName"] for g in first["DBSubnetGroups"]] == names[:20] and first["Marker"]
    rest = c.describe_db_subnet_groups(MaxRecords=20, Marker=first["Marker"])
    assert [g["DBSubnetGroupName"] for g in rest["DBSubnetGroups"]] == names[20:] and "Marker" not in rest
    # The default page is 100; sizes outside 20..100 are refused.
    assert len(c.describe_db_subnet_groups()["DBSubnetGroups"]) == 25
    assert failure(c.describe_db_subnet_groups, MaxRecords=10)[0] == "InvalidParameterValue"
    assert failure(c.describe_db_subnet_groups, Marker="bogus")[0] == "InvalidParameterValue"
    pages = c.get_paginator("describe_db_subnet_groups").paginate(PaginationConfig={"PageSize": 20})
    assert [g["DBSubnetGroupName"] for p in pages for g in p["DBSubnetGroups"]] == names
    # Filters are accepted; RDS documents them as not supported.
    assert len(c.describe_db_subnet_groups(Filters=[{"Name": "vpc-id", "Values": ["x"]}])["DBSubnetGroups"]) == 25
    # Each service keeps its own groups.
    assert elasticache().describe_cache_subnet_groups()["CacheSubnetGroups"] == []


def test_elasticache_cache_subnet_group(ec2, elasticache):
    vpc, (a1, _, b1) = network(ec2)
    _, (o1, _) = network(ec2, cidr="10.2.0.0/16", zones=("a", "b"))
    c = elasticache()
    g = c.create_cache_subnet_group(CacheSubnetGroupName="Cache-1", CacheSubnetGroupDescription="cache", SubnetIds=[a1],
                                    Tags=[{"Key": "Name", "Value": "cache"}])["CacheSubnetGroup"]
    arn = f"arn:aws:elasticache:us-east-1:{A}:subnetgroup:cache-1"
    assert (g["CacheSubnetGroupName"], g["ARN"], g["VpcId"], g["SupportedNetworkTypes"]) == ("cache-1", arn, vpc, ["ipv4"])
    assert g["Subnets"] == [{"SubnetIdentifier": a1, "SubnetAvailabilityZone": {"Name": "us-east-1a"}, "SupportedNetworkTypes": ["ipv4"]}]
    assert c.list_tags_for_resource(ResourceName=arn)["TagList"] == [{"Key": "Name", "Value": "cache"}]
    assert c.add_tags_to_resource(ResourceName=arn, Tags=[{"Key": "k", "Value": "v"}])["TagList"] == [
        {"Key": "Name", "Value": "cache"}, {"Key": "k", "Value": "v"}]
    assert c.remove_tags_from_resource(ResourceName=arn, TagKeys=["Name"])["TagList"] == [{"Key": "k", "Value": "v"}]
    # Modify without SubnetIds changes only the description.
    m = c.modify_cache_subnet_group(CacheSubnetGroupName="cache-1", CacheSubnetGroupDescription="new")["CacheSubnetGroup"]
    assert (m["CacheSubnetGroupDescription"], [s["SubnetIdentifier"] for s in m["Subnets"]]) == ("new", [a1])
    m = c.modify_cache_subnet_group(CacheSubnetGroupName="cache-1", SubnetIds=[a1, b1])["CacheSubnetGroup"]
    assert [s["SubnetIdentifier"] for s in m["Subnets"]] == [a1, b1]
    assert failure(c.create_cache_subnet_group, CacheSubnetGroupName="cache-1", CacheSubnetGroupDescription="d", SubnetIds=[a1]) == (
        "CacheSubnetGroupAlreadyExists", 400)
    assert failure(c.create_cache_subnet_group, CacheSubnetGroupName="c2", CacheSubnetGroupDescription="d", SubnetIds=[a1, o1]) == ("InvalidSubnet", 400)
    assert failure(c.create_cache_subnet_group, CacheSubnetGroupName="c_2", CacheSubnetGroupDescription="d", SubnetIds=[a1])[0] == "InvalidParameterValue"
    assert failure(c.list_tags_for_resource, ResourceName="arn:aws:rds:us-east-1:111111111111:subgrp:x")[0] == "InvalidARN"
    c.delete_cache_subnet_group(CacheSubnetGroupName="cache-1")
    assert failure(c.describe_cache_subnet_groups, CacheSubnetGroupName="cache-1") == ("CacheSubnetGroupNotFoundFault", 400)


def test_redshift_cluster_subnet_group(ec2, redshift):
    vpc, (a1, _, b1) = network(ec2)
    c = redshift()
    g = c.create_cluster_subnet_group(ClusterSubnetGroupName="wh", Description="warehouse", SubnetIds=[a1, b1],
                                      Tags=[{"Key": "Name", "Value": "wh"}])["ClusterSubnetGroup"]
    assert (g["ClusterSubnetGroupName"], g["VpcId"], g["SubnetGroupStatus"], g["Tags"]) == ("wh", vpc, "Complete", [{"Key": "Name", "Value": "wh"}])
    assert [(s["SubnetIdentifier"], s["SubnetAvailabilityZone"]["Name"], s["SubnetStatus"]) for s in g["Subnets"]] == [
        (a1, "us-east-1a", "Active"), (b1, "us-east-1b", "Active")]
    c.create_cluster_subnet_group(ClusterSubnetGroupName="other", Description="d", SubnetIds=[a1])
    arn = f"arn:aws:redshift:us-east-1:{A}:subnetgroup:wh"
    c.create_tags(ResourceName=arn, Tags=[{"Key": "env", "Value": "prod"}])
    by_key = c.describe_cluster_subnet_groups(TagKeys=["env"])["ClusterSubnetGroups"]
    assert [x["ClusterSubnetGroupName"] for x in by_key] == ["wh"]
    tags = c.describe_tags(ResourceName=arn)["TaggedResources"]
    assert [(t["Tag"]["Key"], t["ResourceName"], t["ResourceType"]) for t in tags] == [("Name", arn, "subnetgroup"), ("env", arn, "subnetgroup")]
    c.delete_tags(ResourceName=arn, TagKeys=["env"])
    assert [t["Tag"]["Key"] for t in c.describe_tags(ResourceName=arn)["TaggedResources"]] == ["Name"]
    m = c.modify_cluster_subnet_group(ClusterSubnetGroupName="wh", Description="new", SubnetIds=[b1])["ClusterSubnetGroup"]
    assert (m["Description"], [s["SubnetIdentifier"] for s in m["Subnets"]]) == ("new", [b1])
    assert failure(c.create_cluster_subnet_group, ClusterSubnetGroupName="WH", Description="d", SubnetIds=[a1]) == ("ClusterSubnetGroupAlreadyExists", 400)
    c.delete_cluster_subnet_group(ClusterSubnetGroupName="wh")
    assert failure(c.describe_cluster_subnet_groups, ClusterSubnetGroupName="wh") == ("ClusterSubnetGroupNotFoundFault", 400)
    assert failure(c.create_tags, ResourceName=arn, Tags=[{"Key": "k", "Value": "v"}]) == ("ResourceNotFoundFault", 404)


def test_a_subnet_named_by_a_group_can_be_deleted(ec2, rds):
    """EC2 refuses DeleteSubnet only for interfaces in it; a group holds
    none. The group keeps listing the subnet in its zone."""
    _, (a1, _, b1) = network(ec2)
    rds().create_db_subnet_group(DBSubnetGroupName="g", DBSubnetGroupDescription="d", SubnetIds=[a1, b1])
    ec2().delete_subnet(SubnetId=a1)
    g = rds().describe_db_subnet_groups(DBSubnetGroupName="g")["DBSubnetGroups"][0]
    assert [(s["SubnetIdentifier"], s["SubnetAvailabilityZone"]["Name"]) for s in g["Subnets"]] == [(a1, "us-east-1a"), (b1, "us-east-1b")]


def test_requests_route_by_scope_or_api_version(server, ec2, rds):
    _, (a1, _, b1) = network(ec2)
    rds().create_db_subnet_group(DBSubnetGroupName="g", DBSubnetGroupDescription="d", SubnetIds=[a1, b1])
    params = {"Action": "DescribeDBSubnetGroups", "Version": "2014-10-31"}
    status, body = raw_request(server, params=params, service="rds")
    assert status == 200 and b'xmlns="http://rds.amazonaws.com/doc/2014-10-31/"' in body and b"<DBSubnetGroupName>g</DBSubnetGroupName>" in body
    # Unsigned, the API version names the service (the caller is the
    # server's default account, which has no group).
    status, body = raw_request(server, params=params, sign=False)
    assert status == 200 and b'<DescribeDBSubnetGroupsResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/">' in body
    status, body = raw_request(server, params={"Action": "DescribeCacheSubnetGroups", "Version": "2015-02-02"}, sign=False)
    assert status == 200 and b"<DescribeCacheSubnetGroupsResult>" in body
    # An action of another service under this one's scope, and an unknown service.
    status, body = raw_request(server, params={"Action": "DescribeVpcs", "Version": "2014-10-31"}, service="rds")
    assert status == 400 and b"<Code>InvalidAction</Code>" in body
    status, body = raw_request(server, params={"Action": "ListTables"}, service="dynamodb")
    assert status == 400 and b"<Code>InvalidAction</Code>" in body


@requires_terraform
def test_terraform_subnet_groups_apply_plan_destroy(server, ec2, rds, elasticache, redshift, tmp_path):
    work, env = workspace(os.path.join(HERE, "terraform", "subnet_groups"), server, tmp_path)
    with applied(work, env) as out:
        assert out["db_arn"] == f"arn:aws:rds:us-east-1:{A}:subgrp:main-db"
        g = rds().describe_db_subnet_groups(DBSubnetGroupName="main-db")["DBSubnetGroups"][0]
        assert sorted(s["SubnetIdentifier"] for s in g["Subnets"]) == sorted(out["subnets"])
        assert rds().list_tags_for_resource(ResourceName=out["db_arn"])["TagList"] == [{"Key": "Name", "Value": "main-db"}, {"Key": "Team", "Value": "data"}]
        assert elasticache().list_tags_for_resource(ResourceName=out["cache_arn"])["TagList"] == [{"Key": "Name", "Value": "main-cache"}]
        r = redshift().describe_cluster_subnet_groups(ClusterSubnetGroupName="main-redshift")["ClusterSubnetGroups"][0]
        assert r["Tags"] == [{"Key": "Name", "Value": "main-redshift"}]
    assert rds().describe_db_subnet_groups()["DBSubnetGroups"] == []
    assert elasticache().describe_cache_subnet_groups()["CacheSubnetGroups"] == []
    assert redshift().describe_cluster_subnet_groups()["ClusterSubnetGroups"] == []
