"""Round trip of seeded random worlds (issue 17): VPCs in both accounts
with subnets, instances, security group rules, network ACL entries and
peerings (cross-account ones accepted by the peer), built through the API,
exported, imported into a fresh server and exported again: the files are
identical and so is `matrix`."""
import random

import pytest

from conftest import A, B, make_client
from test_import_export import export, matrix, same_tree, servers, settle, side, xvpc  # noqa: F401 (servers is a fixture)


def build_random(srv, seed):
    rnd = random.Random(seed)
    ec2 = {A: make_client(srv, "ec2", A), B: make_client(srv, "ec2", B)}
    vpcs = []
    for n in range(rnd.randint(3, 5)):
        acct = rnd.choice([A, B])
        v = side(ec2[acct], f"10.{n + 1}.0.0/16", f"w{seed}-{n}")
        v["acct"], v["cidr"] = acct, f"10.{n + 1}.0.0/16"
        vpcs.append(v)
    for v in vpcs:
        for _ in range(rnd.randint(0, 3)):
            src = rnd.choice(vpcs)["cidr"]
            port = rnd.choice([22, 80, 443])
            proto = rnd.choice(["tcp", "udp"])
            try:
                ec2[v["acct"]].authorize_security_group_ingress(
                    GroupId=v["sg"], IpPermissions=[{"IpProtocol": proto, "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": src}]}])
            except ec2[v["acct"]].exceptions.ClientError:
                pass  # the same rule drawn twice
        if rnd.random() < 0.3:
            acl = ec2[v["acct"]].create_network_acl(VpcId=v["vpc"])["NetworkAcl"]["NetworkAclId"]
            ec2[v["acct"]].create_network_acl_entry(NetworkAclId=acl, RuleNumber=100, Protocol="6", RuleAction=rnd.choice(["allow", "deny"]),
                                                    Egress=False, CidrBlock=rnd.choice(vpcs)["cidr"], PortRange={"From": 80, "To": 80})
    pairs = [(x, y) for i, x in enumerate(vpcs) for y in vpcs[i + 1:]]
    for x, y in rnd.sample(pairs, k=min(len(pairs), rnd.randint(1, 3))):
        pcx = ec2[x["acct"]].create_vpc_peering_connection(VpcId=x["vpc"], PeerVpcId=y["vpc"], PeerOwnerId=y["acct"])
        pcx = pcx["VpcPeeringConnection"]["VpcPeeringConnectionId"]
        if rnd.random() < 0.8:
            ec2[y["acct"]].accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
            ec2[x["acct"]].create_route(RouteTableId=x["rtb"], DestinationCidrBlock=y["cidr"], VpcPeeringConnectionId=pcx)
            if rnd.random() < 0.7:
                ec2[y["acct"]].create_route(RouteTableId=y["rtb"], DestinationCidrBlock=x["cidr"], VpcPeeringConnectionId=pcx)
    return vpcs


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_world_round_trip(servers, tmp_path, seed):  # noqa: F811
    src = servers()
    build_random(src, seed)
    settle(src)
    one = export(src, tmp_path / "one")
    assert list(one.glob("aws_configs/accounts/*/us-east-1/VpcPeeringConnections.json")), "the world has peerings"
    dst = settle(servers())
    xvpc("import", str(one), "--endpoint", dst.url, "--strict")
    same_tree(one, export(dst, tmp_path / "two"))
    before = matrix(src)
    assert before == matrix(dst)
    assert before["instances"], "the world has instances to compare"
