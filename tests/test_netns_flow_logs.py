"""VPC Flow Logs from real packets (`--dataplane netns`): a curl between two
instances leaves the records the routers counted (the real 5-tuple,
packets and bytes both ways, ACCEPT), a connect the destination's security
group refuses leaves a REJECT naming that group (the blocker `trace`
names), a REJECT-only flow log holds no ACCEPT, and traffic to the Amazon
DNS server is not logged. Root only (CI runs as root)."""
import os
import time

import pytest

from conftest import A, make_client
# The netns server (reset around each test), the web user data and `xvpc exec`.
from test_netns_scenarios import USER_DATA, netns_server, srv, xexec  # noqa: F401

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the netns data plane needs root (CI runs as root)")


def records(server, fl):
    return [r["record"] | {"blocker": r["blocker"], "line": r["line"]} for r in server.get(f"/_xvpc/flow-logs?flow_log_id={fl}")["flow_logs"][fl]["records"]]


def wait_for(server, fl, pred, what):
    """The flow log's records once `pred` holds for them (records appear a
    poll or two after the packets)."""
    deadline = time.time() + 30
    while time.time() < deadline:
        rs = records(server, fl)
        if pred(rs):
            return rs
        time.sleep(0.5)
    raise AssertionError(f"{what}: {rs}")


def test_flow_logs_record_real_packets(srv, tmp_path):
    ec2 = make_client(srv, "ec2", A)
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    web_subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
    client_subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.2.0/24")["Subnet"]["SubnetId"]
    web_sg = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=web_sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "10.9.0.0/16"}]}])
    run = dict(ImageId="ami-1e749f67", InstanceType="t3.micro", MinCount=1, MaxCount=1)
    web = ec2.run_instances(SubnetId=web_subnet, SecurityGroupIds=[web_sg], UserData=USER_DATA, **run)["Instances"][0]
    client = ec2.run_instances(SubnetId=client_subnet, **run)["Instances"][0]
    web_ip, client_ip = web["PrivateIpAddress"], client["PrivateIpAddress"]
    web_eni, client_eni = web["NetworkInterfaces"][0]["NetworkInterfaceId"], client["NetworkInterfaces"][0]["NetworkInterfaceId"]
    [all_fl] = ec2.create_flow_logs(ResourceType="VPC", ResourceIds=[vpc], TrafficType="ALL", LogDestinationType="s3",
                                    LogDestination=f"file://{tmp_path}/all")["FlowLogIds"]
    [rej_fl] = ec2.create_flow_logs(ResourceType="Subnet", ResourceIds=[web_subnet], TrafficType="REJECT", LogDestinationType="s3",
                                    LogDestination=f"file://{tmp_path}/rejected", MaxAggregationInterval=60)["FlowLogIds"]
    logs = make_client(srv, "logs", A)
    logs.create_log_group(logGroupName="flows")
    [cw_fl] = ec2.create_flow_logs(ResourceType="NetworkInterface", ResourceIds=[client_eni], TrafficType="ACCEPT", LogGroupName="flows",
                                   DeliverLogsPermissionArn=f"arn:aws:iam::{A}:role/flow-logs")["FlowLogIds"]

    deadline = time.time() + 20
    while xexec(srv, web["InstanceId"], "curl", "-s", "-m", "1", "http://127.0.0.1/").returncode != 0:
        assert time.time() < deadline, "the web instance never served HTTP"
        time.sleep(0.3)
    r = xexec(srv, client["InstanceId"], "curl", "-s", "-m", "3", "-w", " %{local_port}", f"http://{web_ip}/")
    assert r.returncode == 0 and r.stdout.startswith("hello"), (r.returncode, r.stdout, r.stderr)
    port = int(r.stdout.split()[-1])
    # The web group admits 80 only: a connect to 8080 times out.
    assert xexec(srv, client["InstanceId"], "curl", "-s", "-m", "2", f"http://{web_ip}:8080/").returncode == 28
    # Name lookups go to the Amazon DNS server (base + 2): never logged.
    xexec(srv, client["InstanceId"], "getent", "hosts", "example.com")
    # No route to an outside address: the packet still left the client
    # (its group lets everything out), as the engine has it.
    assert xexec(srv, client["InstanceId"], "curl", "-s", "-m", "1", "http://192.0.2.7/").returncode != 0

    def seen(rs, eni, direction, src, dst, sport, dport, action):
        return [x for x in rs if (x["interface_id"], x["flow_direction"], x["srcaddr"], x["dstaddr"], x["srcport"], x["dstport"], x["protocol"], x["action"])
                == (eni, direction, src, dst, sport, dport, 6, action)]

    request = (client_ip, web_ip, port, 80)
    reply = (web_ip, client_ip, 80, port)
    want = [(client_eni, "egress", *request), (web_eni, "ingress", *request), (web_eni, "egress", *reply), (client_eni, "ingress", *reply)]
    refused = (web_eni, "ingress", client_ip, web_ip)
    # The refused connect's SYN and its retry (a second later) may be one
    # record or two: the flow closes when a poll finds it idle.
    rs = wait_for(srv, all_fl, lambda rs: all(seen(rs, *w, "ACCEPT") for w in want) and sum(x["packets"] for x in rs if x["action"] == "REJECT") >= 2
                  and [x for x in rs if x["dstaddr"] == "192.0.2.7"], "the curl's four ACCEPT records, the refused connect's REJECTs, the unrouted SYN")
    for w in want:
        recs = seen(rs, *w, "ACCEPT")
        assert sum(x["packets"] for x in recs) >= 3 and sum(x["bytes"] for x in recs) > 100, (w, recs)
        assert all(x["start"] <= x["end"] and x["account_id"] == A and x["vpc_id"] == vpc for x in recs), recs
    rejects = [x for x in rs if x["action"] == "REJECT"]
    assert rejects and all((x["interface_id"], x["flow_direction"], x["srcaddr"], x["dstaddr"], x["dstport"]) == (*refused, 8080) for x in rejects), rejects
    assert all(x["blocker"]["component"]["id"] == web_sg for x in rejects), rejects
    # The refused connect did leave the client: an ACCEPT egress there.
    assert [x for x in rs if (x["interface_id"], x["flow_direction"], x["dstport"], x["action"]) == (client_eni, "egress", 8080, "ACCEPT")], rs
    assert not [x for x in rs if x["dstaddr"] == "10.9.0.2" or x["srcaddr"] == "10.9.0.2"], "DNS to the Amazon DNS server is not logged"
    unrouted = [x for x in rs if x["dstaddr"] == "192.0.2.7"]
    assert all((x["interface_id"], x["flow_direction"], x["action"], x["dstport"]) == (client_eni, "egress", "ACCEPT", 80) for x in unrouted), unrouted
    # AWS's default format, in the file destination too.
    lines = (tmp_path / "all" / f"{all_fl}.log").read_text().splitlines()
    assert lines[0].startswith("version account-id interface-id srcaddr dstaddr")
    first = next(x for x in rs if x["interface_id"] == client_eni and x["flow_direction"] == "egress" and x["dstport"] == 80)
    assert f"2 {A} {client_eni} {client_ip} {web_ip} {port} 80 6 {first['packets']} {first['bytes']} " in first["line"] and first["line"].endswith(" ACCEPT OK")
    assert first["line"] in lines

    # The client's own flow log to a CloudWatch Logs group: one stream.
    events = [e["message"] for e in logs.get_log_events(logGroupName="flows", logStreamName=f"{client_eni}-accept")["events"]]
    assert first["line"] in events and all(e.endswith(" ACCEPT OK") and f" {client_eni} " in e for e in events), events

    # The REJECT-only flow log of the web subnet: the refusal, no ACCEPT.
    rs = wait_for(srv, rej_fl, lambda rs: bool(rs), "the REJECT-only flow log's record")
    assert rs and all(x["action"] == "REJECT" and x["interface_id"] == web_eni for x in rs), rs
    assert (tmp_path / "rejected" / f"{rej_fl}.log").read_text().count(" REJECT OK") == len(rs)

    ec2.delete_flow_logs(FlowLogIds=[all_fl, rej_fl, cw_fl])
    assert srv.get("/_xvpc/flow-logs")["flow_logs"] == {}
