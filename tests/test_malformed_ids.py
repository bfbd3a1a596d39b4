"""Malformed ids over the wire: each kind answers its own `.Malformed` code,
spelled as the EC2 API reference's error table spells it (the casing is not
derivable from the NotFound code: InvalidVpcID but InvalidGroupId), with
HTTP 400 and AWS's message `Invalid id: "x" (expecting "sg-...")`. A
well-formed id that does not exist is NotFound instead."""
import botocore.exceptions
import pytest

from conftest import A

# (Describe call, id list parameter, Malformed code, id prefix, NotFound code)
KINDS = [
    ("describe_vpcs", "VpcIds", "InvalidVpcID.Malformed", "vpc", "InvalidVpcID.NotFound"),
    ("describe_subnets", "SubnetIds", "InvalidSubnetID.Malformed", "subnet", "InvalidSubnetID.NotFound"),
    ("describe_route_tables", "RouteTableIds", "InvalidRouteTableId.Malformed", "rtb", "InvalidRouteTableID.NotFound"),
    ("describe_internet_gateways", "InternetGatewayIds", "InvalidInternetGatewayId.Malformed", "igw", "InvalidInternetGatewayID.NotFound"),
    ("describe_security_groups", "GroupIds", "InvalidGroupId.Malformed", "sg", "InvalidGroup.NotFound"),
    ("describe_network_acls", "NetworkAclIds", "InvalidNetworkAclId.Malformed", "acl", "InvalidNetworkAclID.NotFound"),
    ("describe_network_interfaces", "NetworkInterfaceIds", "InvalidNetworkInterfaceId.Malformed", "eni", "InvalidNetworkInterfaceID.NotFound"),
    ("describe_vpc_peering_connections", "VpcPeeringConnectionIds", "InvalidVpcPeeringConnectionId.Malformed", "pcx", "InvalidVpcPeeringConnectionID.NotFound"),
    ("describe_vpc_endpoints", "VpcEndpointIds", "InvalidVpcEndpointId.Malformed", "vpce", "InvalidVpcEndpointId.NotFound"),
    ("describe_volumes", "VolumeIds", "InvalidVolumeID.Malformed", "vol", "InvalidVolume.NotFound"),
]


def error_of(f, **kw):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        f(**kw)
    r = e.value.response
    return r["Error"]["Code"], r["Error"]["Message"], r["ResponseMetadata"]["HTTPStatusCode"]


@pytest.mark.parametrize("method,param,code,prefix,not_found", KINDS, ids=[k[0] for k in KINDS])
def test_malformed_id_has_its_kinds_code(ec2, method, param, code, prefix, not_found):
    f = getattr(ec2(A), method)
    assert error_of(f, **{param: ["web"]}) == (code, f'Invalid id: "web" (expecting "{prefix}-...")', 400)
    # The right prefix with a bad tail is malformed too; a good one is absent.
    assert error_of(f, **{param: [f"{prefix}-zz"]})[0] == code
    assert error_of(f, **{param: [f"{prefix}-0123456789abcdef0"]})[0] == not_found


def test_kind_without_a_malformed_code_is_not_found(ec2):
    # The reference lists no Malformed code for Network Insights paths.
    code, message, status = error_of(ec2(A).describe_network_insights_paths, NetworkInsightsPathIds=["nip-zz"])
    assert (code, status) == ("InvalidNetworkInsightsPathId.NotFound", 400)
    assert "nip-zz" in message
