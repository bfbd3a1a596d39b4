#!/usr/bin/env python3
"""Writes a synthetic organisation's describe-* dump in Batfish's
multi-account layout, for `xvpc import`'s benchmark (see README.md here).

    python3 bench/import/gen.py OUT [--vpcs 1000] [--enis 10000] [--accounts 20]

Every VPC (a /24 of 10.0.0.0/8, in us-east-1) has one subnet, a route
table, a security group with two rules, a network ACL, and its share of the
ENIs; half of the ENIs are instances' primary interfaces. Each account has a
transit gateway and attaches its VPCs to it; neighbouring VPCs of an account
are peered."""
import argparse
import json
import os

R = "us-east-1"


def hexid(prefix, n):
    return f"{prefix}-{n:017x}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--vpcs", type=int, default=1000)
    ap.add_argument("--enis", type=int, default=10000)
    ap.add_argument("--accounts", type=int, default=20)
    a = ap.parse_args()
    per_vpc = max(1, a.enis // a.vpcs)
    accounts = [f"{100000000000 + i:012d}" for i in range(a.accounts)]
    files = {acct: {k: [] for k in ("Vpcs", "Subnets", "RouteTables", "SecurityGroups", "NetworkAcls", "NetworkInterfaces", "Reservations",
                                    "VpcPeeringConnections", "TransitGateways", "TransitGatewayVpcAttachments")} for acct in accounts}
    for n, acct in enumerate(accounts):
        files[acct]["TransitGateways"].append({"TransitGatewayId": hexid("tgw", n), "OwnerId": acct, "State": "available",
                                               "Options": {"AmazonSideAsn": 64512, "DefaultRouteTableAssociation": "disable", "DefaultRouteTablePropagation": "disable"}})
    eni_n = 0
    for v in range(a.vpcs):
        acct = accounts[v % a.accounts]
        f = files[acct]
        vpc, subnet, rtb, sg, acl = hexid("vpc", v), hexid("subnet", v), hexid("rtb", v), hexid("sg", v), hexid("acl", v)
        cidr = f"10.{v // 256}.{v % 256}.0/24"
        base = f"10.{v // 256}.{v % 256}"
        f["Vpcs"].append({"VpcId": vpc, "OwnerId": acct, "CidrBlock": cidr, "State": "available", "IsDefault": False, "DhcpOptionsId": "default",
                          "CidrBlockAssociationSet": [{"AssociationId": hexid("vpc-cidr-assoc", v), "CidrBlock": cidr, "CidrBlockState": {"State": "associated"}}]})
        f["Subnets"].append({"SubnetId": subnet, "VpcId": vpc, "OwnerId": acct, "CidrBlock": cidr, "AvailabilityZone": "us-east-1a",
                             "AvailabilityZoneId": "use1-az1", "State": "available"})
        peer = v + a.accounts  # the account's next VPC
        routes = [{"DestinationCidrBlock": cidr, "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"},
                  {"DestinationCidrBlock": "10.0.0.0/8", "TransitGatewayId": hexid("tgw", v % a.accounts), "Origin": "CreateRoute", "State": "active"}]
        if peer < a.vpcs:
            pcx = hexid("pcx", v)
            routes.append({"DestinationCidrBlock": f"10.{peer // 256}.{peer % 256}.0/24", "VpcPeeringConnectionId": pcx, "Origin": "CreateRoute", "State": "active"})
            f["VpcPeeringConnections"].append({"VpcPeeringConnectionId": pcx, "Status": {"Code": "active"},
                                               "RequesterVpcInfo": {"OwnerId": acct, "VpcId": vpc, "Region": R, "CidrBlockSet": [{"CidrBlock": cidr}]},
                                               "AccepterVpcInfo": {"OwnerId": acct, "VpcId": hexid("vpc", peer), "Region": R,
                                                                   "CidrBlockSet": [{"CidrBlock": f"10.{peer // 256}.{peer % 256}.0/24"}]}})
        f["RouteTables"].append({"RouteTableId": rtb, "VpcId": vpc, "OwnerId": acct, "Routes": routes,
                                 "Associations": [{"RouteTableAssociationId": hexid("rtbassoc", v), "RouteTableId": rtb, "SubnetId": subnet, "Main": False}]})
        f["SecurityGroups"].append({"GroupId": sg, "GroupName": f"g{v}", "Description": "bench", "VpcId": vpc, "OwnerId": acct,
                                    "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
                                                      {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "UserIdGroupPairs": [{"GroupId": sg, "UserId": acct}]}],
                                    "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]})
        f["NetworkAcls"].append({"NetworkAclId": acl, "VpcId": vpc, "OwnerId": acct, "IsDefault": True,
                                 "Associations": [{"NetworkAclAssociationId": hexid("aclassoc", v), "NetworkAclId": acl, "SubnetId": subnet}],
                                 "Entries": [{"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": e, "CidrBlock": "0.0.0.0/0"} for e in (False, True)]})
        f["TransitGatewayVpcAttachments"].append({"TransitGatewayAttachmentId": hexid("tgw-attach", v), "TransitGatewayId": hexid("tgw", v % a.accounts),
                                                  "VpcId": vpc, "VpcOwnerId": acct, "State": "available", "SubnetIds": [subnet]})
        instances = []
        for k in range(per_vpc):
            eni, ip = hexid("eni", eni_n), f"{base}.{10 + k}"
            e = {"NetworkInterfaceId": eni, "OwnerId": acct, "VpcId": vpc, "SubnetId": subnet, "AvailabilityZone": "us-east-1a",
                 "PrivateIpAddress": ip, "PrivateIpAddresses": [{"PrivateIpAddress": ip, "Primary": True}], "Groups": [{"GroupId": sg}],
                 "InterfaceType": "interface", "Status": "in-use", "SourceDestCheck": True}
            if k % 2 == 0:
                inst = hexid("i", eni_n)
                e["Attachment"] = {"AttachmentId": hexid("eni-attach", eni_n), "InstanceId": inst, "DeviceIndex": 0, "Status": "attached"}
                instances.append({"InstanceId": inst, "ImageId": "ami-0abcdef1234567890", "InstanceType": "t3.micro", "State": {"Code": 16, "Name": "running"},
                                  "Placement": {"AvailabilityZone": "us-east-1a"}, "VpcId": vpc, "SubnetId": subnet, "PrivateIpAddress": ip,
                                  "NetworkInterfaces": [{"NetworkInterfaceId": eni, "Attachment": {"DeviceIndex": 0}}]})
            f["NetworkInterfaces"].append(e)
            eni_n += 1
        if instances:
            f["Reservations"].append({"ReservationId": hexid("r", v), "OwnerId": acct, "Instances": instances})
    for acct, kinds in files.items():
        d = os.path.join(a.out, "aws_configs", "accounts", acct, R)
        os.makedirs(d, exist_ok=True)
        for key, items in kinds.items():
            if items:
                with open(os.path.join(d, key + ".json"), "w") as fh:
                    json.dump({key: items}, fh)
    print(f"{a.vpcs} VPCs, {eni_n} ENIs, {len(accounts)} accounts under {a.out}")


if __name__ == "__main__":
    main()
