"""VPC Flow Logs: CreateFlowLogs/DescribeFlowLogs/DeleteFlowLogs with AWS's
shapes and errors, and the records a traced flow leaves (model mode):
`xvpc trace` and Network Insights append what each covering flow log would
record at the source and destination interfaces, to `GET /_xvpc/flow-logs`
and to a `file:///` destination (xvpc's extension of the s3 type)."""
import pytest
from botocore.exceptions import ClientError

from conftest import A, B, error_code
from test_reach import instance, trace

ROLE = f"arn:aws:iam::{A}:role/flow-logs"
DEFAULT = ("${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} "
           "${packets} ${bytes} ${start} ${end} ${action} ${log-status}")


def vpc_with_subnet(c):
    vpc = c.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = c.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    return vpc, subnet


def test_create_describe_filter_and_delete(ec2):
    c = ec2(A)
    vpc, subnet = vpc_with_subnet(c)
    r = c.create_flow_logs(ResourceType="VPC", ResourceIds=[vpc, "vpc-0123456789abcdef0"], TrafficType="ALL",
                           LogGroupName="vpc-logs", DeliverLogsPermissionArn=ROLE, ClientToken="tok",
                           TagSpecifications=[{"ResourceType": "vpc-flow-log", "Tags": [{"Key": "Name", "Value": "fl"}]}])
    assert r["ClientToken"] == "tok"
    [fl] = r["FlowLogIds"]
    assert fl.startswith("fl-")
    # An unknown resource is an unsuccessful item, not an error.
    [bad] = r["Unsuccessful"]
    assert bad["ResourceId"] == "vpc-0123456789abcdef0"
    assert bad["Error"]["Code"] == "InvalidVpcID.NotFound"
    s3 = c.create_flow_logs(ResourceType="Subnet", ResourceIds=[subnet], TrafficType="REJECT", LogDestinationType="s3",
                            LogDestination="arn:aws:s3:::bucket/prefix/", MaxAggregationInterval=60,
                            LogFormat="${version} ${vpc-id} ${action}",
                            DestinationOptions={"FileFormat": "parquet", "HiveCompatiblePartitions": True, "PerHourPartition": False})
    [fl2] = s3["FlowLogIds"]
    [d] = c.describe_flow_logs(FlowLogIds=[fl])["FlowLogs"]
    assert d["ResourceId"] == vpc and d["TrafficType"] == "ALL" and d["LogDestinationType"] == "cloud-watch-logs"
    assert d["LogGroupName"] == "vpc-logs" and d["LogDestination"] == f"arn:aws:logs:us-east-1:{A}:log-group:vpc-logs"
    assert d["DeliverLogsPermissionArn"] == ROLE and d["FlowLogStatus"] == "ACTIVE" and d["DeliverLogsStatus"] == "SUCCESS"
    assert d["LogFormat"] == DEFAULT and d["MaxAggregationInterval"] == 600
    assert d["Tags"] == [{"Key": "Name", "Value": "fl"}]
    [d2] = c.describe_flow_logs(Filter=[{"Name": "resource-id", "Values": [subnet]}])["FlowLogs"]
    assert d2["FlowLogId"] == fl2 and d2["MaxAggregationInterval"] == 60 and "LogGroupName" not in d2
    assert d2["DestinationOptions"] == {"FileFormat": "parquet", "HiveCompatiblePartitions": True, "PerHourPartition": False}
    for name, value, want in [("traffic-type", "REJECT", [fl2]), ("log-destination-type", "cloud-watch-logs", [fl]),
                              ("log-group-name", "vpc-logs", [fl]), ("tag:Name", "fl", [fl]), ("flow-log-id", fl2, [fl2])]:
        got = [f["FlowLogId"] for f in c.describe_flow_logs(Filter=[{"Name": name, "Values": [value]}])["FlowLogs"]]
        assert got == want, name
    # Another account sees none of them; unknown ids are simply absent.
    assert ec2(B).describe_flow_logs()["FlowLogs"] == []
    assert c.describe_flow_logs(FlowLogIds=["fl-0123456789abcdef0"])["FlowLogs"] == []
    out = c.delete_flow_logs(FlowLogIds=[fl, "fl-0123456789abcdef0"])
    assert [(u["ResourceId"], u["Error"]["Code"]) for u in out["Unsuccessful"]] == [("fl-0123456789abcdef0", "InvalidFlowLogId.NotFound")]
    assert [f["FlowLogId"] for f in c.describe_flow_logs()["FlowLogs"]] == [fl2]
    out = ec2(B).delete_flow_logs(FlowLogIds=[fl2])
    assert out["Unsuccessful"][0]["Error"]["Code"] == "InvalidFlowLogId.NotFound"


def test_same_resource_destination_and_traffic_type_already_exists(ec2):
    c = ec2(A)
    vpc, _ = vpc_with_subnet(c)
    args = dict(ResourceType="VPC", ResourceIds=[vpc], LogDestinationType="s3", LogDestination="arn:aws:s3:::b")
    assert c.create_flow_logs(TrafficType="ALL", **args)["Unsuccessful"] == []
    again = c.create_flow_logs(TrafficType="ALL", **args)
    assert again["FlowLogIds"] == []
    assert again["Unsuccessful"][0]["Error"]["Code"] == "FlowLogAlreadyExists"
    assert again["Unsuccessful"][0]["ResourceId"] == vpc
    # Another traffic type or destination is another flow log.
    assert len(c.create_flow_logs(TrafficType="REJECT", **args)["FlowLogIds"]) == 1
    assert len(c.create_flow_logs(ResourceType="VPC", ResourceIds=[vpc], TrafficType="ALL", LogDestinationType="s3",
                                  LogDestination="arn:aws:s3:::other")["FlowLogIds"]) == 1


@pytest.mark.parametrize("params, code", [
    (dict(LogDestinationType="s3", LogDestination="arn:aws:s3:::b"), "MissingParameter"),  # no TrafficType
    (dict(TrafficType="ALL", LogGroupName="g"), "InvalidParameter"),  # CloudWatch Logs without a role
    (dict(TrafficType="ALL", DeliverLogsPermissionArn=ROLE), "InvalidParameter"),  # no log group
    (dict(TrafficType="ALL", DeliverLogsPermissionArn=ROLE, LogGroupName="g",
          LogDestination=f"arn:aws:logs:us-east-1:{A}:log-group:g"), "InvalidParameter"),  # both
    (dict(TrafficType="ALL", LogDestinationType="s3"), "InvalidParameter"),  # no destination
    (dict(TrafficType="ALL", LogDestinationType="s3", LogDestination="arn:aws:s3:::b", LogGroupName="g"), "InvalidParameter"),
    (dict(TrafficType="ALL", LogDestinationType="s3", LogDestination="arn:aws:s3:::b", DeliverLogsPermissionArn=ROLE), "InvalidParameter"),
    (dict(TrafficType="ALL", LogDestinationType="s3", LogDestination="arn:aws:s3:::b", MaxAggregationInterval=120), "InvalidParameter"),
    (dict(TrafficType="ALL", LogDestinationType="s3", LogDestination="arn:aws:s3:::b", LogFormat="${version} ${nope}"), "InvalidParameter"),
    (dict(TrafficType="ALL", LogDestinationType="s3", LogDestination="file://relative/dir"), "InvalidParameter"),
    (dict(TrafficType="SOME", LogDestinationType="s3", LogDestination="arn:aws:s3:::b"), "InvalidParameterValue"),
])
def test_parameter_errors_refuse_the_call(ec2, params, code):
    c = ec2(A)
    vpc, _ = vpc_with_subnet(c)
    with pytest.raises(ClientError) as e:
        c.create_flow_logs(ResourceType="VPC", ResourceIds=[vpc], **params)
    assert error_code(e) == code
    assert c.describe_flow_logs()["FlowLogs"] == []


def web_and_client(ec2):
    c = ec2(A)
    vpc, subnet = vpc_with_subnet(c)
    web_sg = c.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    client_sg = c.create_security_group(GroupName="client", Description="client", VpcId=vpc)["GroupId"]
    web, client = instance(ec2, A, subnet, web_sg), instance(ec2, A, subnet, client_sg)
    eni = lambda i: c.describe_instances(InstanceIds=[i])["Reservations"][0]["Instances"][0]["NetworkInterfaces"][0]
    return dict(vpc=vpc, subnet=subnet, web_sg=web_sg, web=web, client=client, web_eni=eni(web), client_eni=eni(client))


def records(server, fl):
    return server.get(f"/_xvpc/flow-logs?flow_log_id={fl}")["flow_logs"][fl]["records"]


def test_a_rejected_connect_leaves_a_reject_record_naming_the_group(server, ec2, tmp_path):
    t = web_and_client(ec2)
    c = ec2(A)
    [fl] = c.create_flow_logs(ResourceType="VPC", ResourceIds=[t["vpc"]], TrafficType="ALL", LogDestinationType="s3",
                              LogDestination=f"file://{tmp_path}/logs")["FlowLogIds"]
    [only_rejects] = c.create_flow_logs(ResourceType="NetworkInterface", ResourceIds=[t["web_eni"]["NetworkInterfaceId"]],
                                        TrafficType="REJECT", LogDestinationType="s3", LogDestination=f"file://{tmp_path}/web.log",
                                        LogFormat="${interface-id} ${flow-direction} ${action}")["FlowLogIds"]
    rc, a = trace(server, t["client"], t["web"], port=80)
    assert not a["reachable"] and [b["code"] for b in a["blockers"]] == ["SG_HAS_NO_RULES"]
    recs = records(server, fl)
    assert [(r["record"]["interface_id"], r["record"]["flow_direction"], r["record"]["action"]) for r in recs] == [
        (t["client_eni"]["NetworkInterfaceId"], "egress", "ACCEPT"),
        (t["web_eni"]["NetworkInterfaceId"], "ingress", "REJECT"),
    ]
    reject = recs[1]
    assert reject["blocker"]["component"]["id"] == t["web_sg"] == a["blockers"][0]["component"]["id"]
    fields = reject["line"].split(" ")
    src, dst = t["client_eni"]["PrivateIpAddress"], t["web_eni"]["PrivateIpAddress"]
    assert fields[:5] == ["2", A, t["web_eni"]["NetworkInterfaceId"], src, dst]
    assert 32768 <= int(fields[5]) <= 60999 and fields[6:10] == ["80", "6", "1", "60"]
    assert fields[12:] == ["REJECT", "OK"] and fields[10] == fields[11]
    # The file destination: a header line of field names, then the lines.
    lines = (tmp_path / "logs" / f"{fl}.log").read_text().splitlines()
    assert lines[0] == DEFAULT.replace("${", "").replace("}", "")
    assert lines[1:] == [r["line"] for r in recs]
    # A REJECT-only flow log on the web interface, to a named file.
    assert (tmp_path / "web.log").read_text().splitlines() == ["interface-id flow-direction action",
                                                                 f"{t['web_eni']['NetworkInterfaceId']} ingress REJECT"]
    assert [r["line"] for r in records(server, only_rejects)] == [f"{t['web_eni']['NetworkInterfaceId']} ingress REJECT"]


def test_an_accepted_connect_is_recorded_at_both_ends_both_ways(server, ec2, tmp_path):
    t = web_and_client(ec2)
    c = ec2(A)
    c.authorize_security_group_ingress(GroupId=t["web_sg"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}])
    [fl] = c.create_flow_logs(ResourceType="Subnet", ResourceIds=[t["subnet"]], TrafficType="ACCEPT", LogDestinationType="s3",
                              LogDestination="arn:aws:s3:::bucket")["FlowLogIds"]
    rc, a = trace(server, t["client"], t["web"], port=80)
    assert rc == 0 and a["reachable"]
    recs = [r["record"] for r in records(server, fl)]
    ce, we = t["client_eni"]["NetworkInterfaceId"], t["web_eni"]["NetworkInterfaceId"]
    assert [(r["interface_id"], r["flow_direction"], r["action"], r["dstport"]) for r in recs] == [
        (ce, "egress", "ACCEPT", 80), (we, "ingress", "ACCEPT", 80), (we, "egress", "ACCEPT", recs[0]["srcport"]),
        (ce, "ingress", "ACCEPT", recs[0]["srcport"])]
    assert all(r["blocker"] is None for r in records(server, fl))
    # Network Insights records its analysed flow too.
    path = c.create_network_insights_path(Source=t["client"], Destination=t["web"], Protocol="tcp", DestinationPort=80)
    c.start_network_insights_analysis(NetworkInsightsPathId=path["NetworkInsightsPath"]["NetworkInsightsPathId"])
    assert len(records(server, fl)) == 8
    # A deleted flow log records nothing more.
    c.delete_flow_logs(FlowLogIds=[fl])
    trace(server, t["client"], t["web"], port=80)
    assert fl not in server.get("/_xvpc/flow-logs")["flow_logs"]
