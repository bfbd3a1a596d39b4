//! CloudFormation resource types of a VPC's own parts: VPC, subnet, route
//! table, route, association, security group (and its separate rules),
//! instance, internet gateway and its attachment. Each calls the EC2 API's
//! typed handler with the generated request, as a client would.

use serde_json::Value;
use xvpc_model::stack::StackResource;
use xvpc_wire::shapes::ec2 as shape;

use super::props::{invalid, Created, Kind, Props, Site, Update};
use crate::call::Call;
use crate::ec2::{instance, internet_gateway, key_pair, route_table, security_group, subnet, vpc};
use crate::errors::Result;

pub(crate) const KINDS: &[Kind] = &[
    Kind { type_name: "AWS::EC2::VPC", create: create_vpc, delete: delete_vpc, update: Some(Update { properties: &["EnableDnsSupport", "EnableDnsHostnames"], run: update_vpc }) },
    Kind { type_name: "AWS::EC2::Subnet", create: create_subnet, delete: delete_subnet, update: Some(Update { properties: &["MapPublicIpOnLaunch"], run: update_subnet }) },
    Kind { type_name: "AWS::EC2::RouteTable", create: create_route_table, delete: delete_route_table, update: None },
    Kind { type_name: "AWS::EC2::SubnetRouteTableAssociation", create: associate, delete: disassociate, update: None },
    Kind { type_name: "AWS::EC2::Route", create: create_route, delete: delete_route, update: None },
    Kind { type_name: "AWS::EC2::SecurityGroup", create: create_group, delete: delete_group, update: Some(Update { properties: &["SecurityGroupIngress", "SecurityGroupEgress"], run: update_group }) },
    Kind { type_name: "AWS::EC2::SecurityGroupIngress", create: create_ingress, delete: delete_ingress, update: None },
    Kind { type_name: "AWS::EC2::SecurityGroupEgress", create: create_egress, delete: delete_egress, update: None },
    Kind { type_name: "AWS::EC2::Instance", create: run_instance, delete: terminate_instance, update: None },
    Kind { type_name: "AWS::EC2::KeyPair", create: create_key, delete: delete_key, update: None },
    Kind { type_name: "AWS::EC2::InternetGateway", create: create_igw, delete: delete_igw, update: None },
    Kind { type_name: "AWS::EC2::VPCGatewayAttachment", create: attach_gateway, delete: detach_gateway, update: None },
];

/// `TagSpecification.N` for one resource type (none when there are no tags).
pub(crate) fn tag_specs(resource_type: &str, tags: Vec<(String, String)>) -> Vec<shape::TagSpecification> {
    if tags.is_empty() {
        return vec![];
    }
    let tags = tags.into_iter().map(|(k, v)| shape::Tag { key: Some(k), value: Some(v) }).collect();
    vec![shape::TagSpecification { resource_type: Some(shape::ResourceType::from(resource_type)), tags }]
}

fn flag(v: Option<bool>) -> Option<shape::AttributeBooleanValue> {
    v.map(|b| shape::AttributeBooleanValue { value: Some(b) })
}

fn create_vpc(call: &mut Call, p: &Props, site: &Site) -> Result<Created> {
    let input = shape::CreateVpcRequest {
        cidr_block: Some(p.req("CidrBlock")?),
        instance_tenancy: p.str("InstanceTenancy").map(|t| shape::Tenancy::from(t.as_str())),
        tag_specifications: tag_specs("vpc", site.user_tags(p)),
        ..Default::default()
    };
    let out = vpc::create_vpc(call, input)?;
    let id = out.vpc.and_then(|v| v.vpc_id).unwrap_or_default();
    vpc_attributes(call, &id, p.bool("EnableDnsSupport"), p.bool("EnableDnsHostnames"))?;
    let s = call.state();
    let v = &s.vpcs[&id];
    let default_group = s.security_groups.scope(&call.ctx).find(|g| g.vpc_id == id && g.name == "default").map(|g| g.id.clone());
    let default_acl = s.network_acls.scope(&call.ctx).find(|a| a.vpc_id == id && a.is_default).map(|a| a.id.clone());
    Ok(Created::new(&id)
        .with("VpcId", id.clone())
        .with("CidrBlock", v.primary_cidr().to_string())
        .with("CidrBlockAssociations", v.cidr_blocks.iter().map(|b| b.association_id.clone()).collect::<Vec<_>>())
        .with("Ipv6CidrBlocks", v.ipv6_cidr_blocks.iter().map(|b| b.cidr.to_string()).collect::<Vec<_>>())
        .with("DefaultSecurityGroup", default_group.unwrap_or_default())
        .with("DefaultNetworkAcl", default_acl.unwrap_or_default()))
}

/// Sets the DNS attributes given (one per ModifyVpcAttribute call, as the
/// API requires).
fn vpc_attributes(call: &mut Call, id: &str, dns_support: Option<bool>, dns_hostnames: Option<bool>) -> Result<()> {
    for (support, hostnames) in [(dns_support, None), (None, dns_hostnames)] {
        if support.is_some() || hostnames.is_some() {
            let m = shape::ModifyVpcAttributeRequest { vpc_id: id.into(), enable_dns_support: flag(support), enable_dns_hostnames: flag(hostnames), ..Default::default() };
            vpc::modify_vpc_attribute(call, m)?;
        }
    }
    Ok(())
}

/// An attribute the new template leaves out goes back to AWS's default.
fn update_vpc(call: &mut Call, new: &Props, _old: &Props, r: &StackResource) -> Result<()> {
    vpc_attributes(call, &r.physical_id, Some(new.bool("EnableDnsSupport").unwrap_or(true)), Some(new.bool("EnableDnsHostnames").unwrap_or(false)))
}

fn update_subnet(call: &mut Call, new: &Props, _old: &Props, r: &StackResource) -> Result<()> {
    let map = new.bool("MapPublicIpOnLaunch").unwrap_or(false);
    subnet::modify_subnet_attribute(call, shape::ModifySubnetAttributeRequest { subnet_id: r.physical_id.clone(), map_public_ip_on_launch: flag(Some(map)), ..Default::default() }).map(drop)
}

fn delete_vpc(call: &mut Call, r: &StackResource) -> Result<()> {
    vpc::delete_vpc(call, shape::DeleteVpcRequest { vpc_id: r.physical_id.clone(), ..Default::default() }).map(drop)
}

fn create_subnet(call: &mut Call, p: &Props, site: &Site) -> Result<Created> {
    let input = shape::CreateSubnetRequest {
        vpc_id: p.req("VpcId")?,
        cidr_block: p.str("CidrBlock"),
        ipv6_cidr_block: p.str("Ipv6CidrBlock"),
        availability_zone: p.str("AvailabilityZone"),
        availability_zone_id: p.str("AvailabilityZoneId"),
        tag_specifications: tag_specs("subnet", site.user_tags(p)),
        ..Default::default()
    };
    let s = subnet::create_subnet(call, input)?.subnet.unwrap_or_default();
    let id = s.subnet_id.clone().unwrap_or_default();
    if let Some(map) = p.bool("MapPublicIpOnLaunch") {
        subnet::modify_subnet_attribute(call, shape::ModifySubnetAttributeRequest { subnet_id: id.clone(), map_public_ip_on_launch: flag(Some(map)), ..Default::default() })?;
    }
    let acl = call.state().network_acls.scope(&call.ctx).find(|a| a.associations.iter().any(|x| x.subnet_id == id)).and_then(|a| a.associations.iter().find(|x| x.subnet_id == id)).map(|x| x.id.clone());
    Ok(Created::new(&id)
        .with("SubnetId", id.clone())
        .with("VpcId", s.vpc_id.unwrap_or_default())
        .with("CidrBlock", s.cidr_block.unwrap_or_default())
        .with("AvailabilityZone", s.availability_zone.unwrap_or_default())
        .with("AvailabilityZoneId", s.availability_zone_id.unwrap_or_default())
        .with("Ipv6CidrBlocks", s.ipv6_cidr_block_association_set.iter().filter_map(|a| a.ipv6_cidr_block.clone()).collect::<Vec<_>>())
        .with("NetworkAclAssociationId", acl.unwrap_or_default()))
}

fn delete_subnet(call: &mut Call, r: &StackResource) -> Result<()> {
    subnet::delete_subnet(call, shape::DeleteSubnetRequest { subnet_id: r.physical_id.clone(), ..Default::default() }).map(drop)
}

fn create_route_table(call: &mut Call, p: &Props, site: &Site) -> Result<Created> {
    let input = shape::CreateRouteTableRequest { vpc_id: p.req("VpcId")?, tag_specifications: tag_specs("route-table", site.user_tags(p)), ..Default::default() };
    let id = route_table::create_route_table(call, input)?.route_table.and_then(|t| t.route_table_id).unwrap_or_default();
    Ok(Created::new(&id).with("RouteTableId", id.clone()))
}

fn delete_route_table(call: &mut Call, r: &StackResource) -> Result<()> {
    route_table::delete_route_table(call, shape::DeleteRouteTableRequest { route_table_id: r.physical_id.clone(), ..Default::default() }).map(drop)
}

fn associate(call: &mut Call, p: &Props, _: &Site) -> Result<Created> {
    let input = shape::AssociateRouteTableRequest { route_table_id: p.req("RouteTableId")?, subnet_id: Some(p.req("SubnetId")?), ..Default::default() };
    let id = route_table::associate_route_table(call, input)?.association_id.unwrap_or_default();
    Ok(Created::new(&id).with("Id", id.clone()))
}

fn disassociate(call: &mut Call, r: &StackResource) -> Result<()> {
    route_table::disassociate_route_table(call, shape::DisassociateRouteTableRequest { association_id: r.physical_id.clone(), ..Default::default() }).map(drop)
}

fn create_route(call: &mut Call, p: &Props, _: &Site) -> Result<Created> {
    let table = p.req("RouteTableId")?;
    let input = shape::CreateRouteRequest {
        route_table_id: table.clone(),
        destination_cidr_block: p.str("DestinationCidrBlock"),
        destination_ipv6_cidr_block: p.str("DestinationIpv6CidrBlock"),
        destination_prefix_list_id: p.str("DestinationPrefixListId"),
        gateway_id: p.str("GatewayId"),
        nat_gateway_id: p.str("NatGatewayId"),
        vpc_peering_connection_id: p.str("VpcPeeringConnectionId"),
        transit_gateway_id: p.str("TransitGatewayId"),
        network_interface_id: p.str("NetworkInterfaceId"),
        instance_id: p.str("InstanceId"),
        vpc_endpoint_id: p.str("VpcEndpointId"),
        egress_only_internet_gateway_id: p.str("EgressOnlyInternetGatewayId"),
        carrier_gateway_id: p.str("CarrierGatewayId"),
        local_gateway_id: p.str("LocalGatewayId"),
        core_network_arn: p.str("CoreNetworkArn"),
        ..Default::default()
    };
    let dest = input.destination_cidr_block.clone().or(input.destination_ipv6_cidr_block.clone()).or(input.destination_prefix_list_id.clone()).unwrap_or_default();
    route_table::create_route(call, input)?;
    // AWS's physical id of a route: the table and the destination.
    Ok(Created::new(format!("{table}|{dest}")))
}

fn delete_route(call: &mut Call, r: &StackResource) -> Result<()> {
    let p = Props { logical_id: &r.logical_id, value: &r.properties };
    let input = shape::DeleteRouteRequest {
        route_table_id: p.req("RouteTableId")?,
        destination_cidr_block: p.str("DestinationCidrBlock"),
        destination_ipv6_cidr_block: p.str("DestinationIpv6CidrBlock"),
        destination_prefix_list_id: p.str("DestinationPrefixListId"),
        ..Default::default()
    };
    route_table::delete_route(call, input).map(drop)
}

/// One rule of `SecurityGroupIngress`/`Egress` (or a separate rule
/// resource) as the API's `IpPermission`.
fn permission(p: &Props, egress: bool) -> shape::IpPermission {
    let port = |k: &str| p.int(k).map(|n| n as i32);
    let peer = if egress { "DestinationSecurityGroupId" } else { "SourceSecurityGroupId" };
    let prefix = if egress { "DestinationPrefixListId" } else { "SourcePrefixListId" };
    shape::IpPermission {
        ip_protocol: p.str("IpProtocol"),
        from_port: port("FromPort"),
        to_port: port("ToPort"),
        ip_ranges: p.str("CidrIp").map(|c| vec![shape::IpRange { cidr_ip: Some(c), description: p.str("Description") }]).unwrap_or_default(),
        ipv6_ranges: p.str("CidrIpv6").map(|c| vec![shape::Ipv6Range { cidr_ipv6: Some(c), description: p.str("Description") }]).unwrap_or_default(),
        prefix_list_ids: p.str(prefix).map(|c| vec![shape::PrefixListId { prefix_list_id: Some(c), description: p.str("Description") }]).unwrap_or_default(),
        user_id_group_pairs: p
            .str(peer)
            .map(|g| vec![shape::UserIdGroupPair { group_id: Some(g), user_id: p.str("SourceSecurityGroupOwnerId"), description: p.str("Description"), ..Default::default() }])
            .unwrap_or_default(),
    }
}

fn authorize(call: &mut Call, group_id: &str, rules: Vec<shape::IpPermission>, egress: bool) -> Result<()> {
    if rules.is_empty() {
        return Ok(());
    }
    if egress {
        security_group::authorize_egress(call, shape::AuthorizeSecurityGroupEgressRequest { group_id: group_id.into(), ip_permissions: rules, ..Default::default() })?;
    } else {
        security_group::authorize_ingress(call, shape::AuthorizeSecurityGroupIngressRequest { group_id: Some(group_id.into()), ip_permissions: rules, ..Default::default() })?;
    }
    Ok(())
}

/// The rule every new VPC security group has, which a template's
/// `SecurityGroupEgress` replaces.
fn allow_all_egress() -> shape::IpPermission {
    shape::IpPermission { ip_protocol: Some("-1".into()), ip_ranges: vec![shape::IpRange { cidr_ip: Some("0.0.0.0/0".into()), description: None }], ..Default::default() }
}

fn create_group(call: &mut Call, p: &Props, site: &Site) -> Result<Created> {
    let input = shape::CreateSecurityGroupRequest {
        description: p.req("GroupDescription")?,
        group_name: p.str("GroupName").unwrap_or_else(|| site.generated_name(255)),
        vpc_id: p.str("VpcId"),
        tag_specifications: tag_specs("security-group", site.user_tags(p)),
        ..Default::default()
    };
    let id = security_group::create_security_group(call, input)?.group_id.unwrap_or_default();
    let ingress: Vec<_> = p.objects("SecurityGroupIngress").into_iter().map(|r| permission(&p.of(r), false)).collect();
    authorize(call, &id, ingress, false)?;
    let egress: Vec<_> = p.objects("SecurityGroupEgress").into_iter().map(|r| permission(&p.of(r), true)).collect();
    if !egress.is_empty() {
        let keeps_default = egress.contains(&allow_all_egress());
        if !keeps_default {
            security_group::revoke_egress(call, shape::RevokeSecurityGroupEgressRequest { group_id: id.clone(), ip_permissions: vec![allow_all_egress()], ..Default::default() })?;
        }
        authorize(call, &id, egress.into_iter().filter(|r| *r != allow_all_egress()).collect(), true)?;
    }
    let vpc_id = call.state().security_groups.get(&id).map(|g| g.vpc_id.clone()).unwrap_or_default();
    Ok(Created::new(&id).with("GroupId", id.clone()).with("VpcId", vpc_id))
}

/// The rules a template gives a group, as the API's permissions (an empty
/// `SecurityGroupEgress` means AWS's default allow-all rule).
fn rules(p: &Props, egress: bool) -> Vec<shape::IpPermission> {
    let key = if egress { "SecurityGroupEgress" } else { "SecurityGroupIngress" };
    let v: Vec<_> = p.objects(key).into_iter().map(|r| permission(&p.of(r), egress)).collect();
    if egress && v.is_empty() {
        return vec![allow_all_egress()];
    }
    v
}

/// Rule changes in place: what only the old template had is revoked, what
/// only the new one has is authorized.
fn update_group(call: &mut Call, new: &Props, old: &Props, r: &StackResource) -> Result<()> {
    let id = r.physical_id.clone();
    for egress in [false, true] {
        let (before, after) = (rules(old, egress), rules(new, egress));
        let gone: Vec<_> = before.iter().filter(|x| !after.contains(x)).cloned().collect();
        let added: Vec<_> = after.into_iter().filter(|x| !before.contains(x)).collect();
        if !gone.is_empty() {
            if egress {
                security_group::revoke_egress(call, shape::RevokeSecurityGroupEgressRequest { group_id: id.clone(), ip_permissions: gone, ..Default::default() })?;
            } else {
                security_group::revoke_ingress(call, shape::RevokeSecurityGroupIngressRequest { group_id: Some(id.clone()), ip_permissions: gone, ..Default::default() })?;
            }
        }
        authorize(call, &id, added, egress)?;
    }
    Ok(())
}

fn delete_group(call: &mut Call, r: &StackResource) -> Result<()> {
    security_group::delete_security_group(call, shape::DeleteSecurityGroupRequest { group_id: Some(r.physical_id.clone()), ..Default::default() }).map(drop)
}

fn create_rule(call: &mut Call, p: &Props, egress: bool) -> Result<Created> {
    let group = p.str("GroupId").ok_or_else(|| invalid(format!("Properties validation failed for resource {} with message: #: required key [GroupId] not found", p.logical_id)))?;
    authorize(call, &group, vec![permission(p, egress)], egress)?;
    Ok(Created::new(format!("{group}|{}", xvpc_model::ids::random_hex(8))))
}

fn delete_rule(call: &mut Call, r: &StackResource, egress: bool) -> Result<()> {
    let p = Props { logical_id: &r.logical_id, value: &r.properties };
    let group = p.req("GroupId")?;
    let rule = permission(&p, egress);
    if egress {
        security_group::revoke_egress(call, shape::RevokeSecurityGroupEgressRequest { group_id: group, ip_permissions: vec![rule], ..Default::default() })?;
    } else {
        security_group::revoke_ingress(call, shape::RevokeSecurityGroupIngressRequest { group_id: Some(group), ip_permissions: vec![rule], ..Default::default() })?;
    }
    Ok(())
}

fn create_ingress(call: &mut Call, p: &Props, _: &Site) -> Result<Created> {
    create_rule(call, p, false)
}
fn delete_ingress(call: &mut Call, r: &StackResource) -> Result<()> {
    delete_rule(call, r, false)
}
fn create_egress(call: &mut Call, p: &Props, _: &Site) -> Result<Created> {
    create_rule(call, p, true)
}
fn delete_egress(call: &mut Call, r: &StackResource) -> Result<()> {
    delete_rule(call, r, true)
}

fn run_instance(call: &mut Call, p: &Props, site: &Site) -> Result<Created> {
    let input = shape::RunInstancesRequest {
        image_id: Some(p.req("ImageId")?),
        instance_type: Some(shape::InstanceType::from(p.str("InstanceType").unwrap_or_else(|| "m1.small".into()).as_str())),
        subnet_id: p.str("SubnetId"),
        security_group_ids: p.list("SecurityGroupIds"),
        security_groups: p.list("SecurityGroups"),
        user_data: p.str("UserData"),
        key_name: p.str("KeyName"),
        private_ip_address: p.str("PrivateIpAddress"),
        placement: p.str("AvailabilityZone").map(|z| shape::Placement { availability_zone: Some(z), ..Default::default() }),
        min_count: 1,
        max_count: 1,
        tag_specifications: tag_specs("instance", site.user_tags(p)),
        ..Default::default()
    };
    let out = instance::run_instances(call, input)?;
    let i = out.instances.into_iter().next().unwrap_or_default();
    let id = i.instance_id.clone().unwrap_or_default();
    Ok(Created::new(&id)
        .with("InstanceId", id.clone())
        .with("PrivateIp", i.private_ip_address.unwrap_or_default())
        .with("PublicIp", i.public_ip_address.unwrap_or_default())
        .with("PrivateDnsName", i.private_dns_name.unwrap_or_default())
        .with("PublicDnsName", i.public_dns_name.unwrap_or_default())
        .with("AvailabilityZone", i.placement.and_then(|p| p.availability_zone).unwrap_or_default())
        .with("VpcId", i.vpc_id.unwrap_or_default()))
}

fn terminate_instance(call: &mut Call, r: &StackResource) -> Result<()> {
    instance::terminate_instances(call, shape::TerminateInstancesRequest { instance_ids: vec![r.physical_id.clone()], ..Default::default() }).map(drop)
}

/// `Ref` gives the key's name; a template with `PublicKeyMaterial`
/// imports it, else a new key is made.
fn create_key(call: &mut Call, p: &Props, site: &Site) -> Result<Created> {
    let name = p.req("KeyName")?;
    let tags = tag_specs("key-pair", site.user_tags(p));
    let (id, fingerprint) = match p.str("PublicKeyMaterial") {
        Some(material) => {
            let out = key_pair::import_key_pair(call, shape::ImportKeyPairRequest { key_name: name.clone(), public_key_material: material, tag_specifications: tags, ..Default::default() })?;
            (out.key_pair_id, out.key_fingerprint)
        }
        None => {
            let key_type = p.str("KeyType").map(|t| shape::KeyType::from(t.as_str()));
            let out = key_pair::create_key_pair(call, shape::CreateKeyPairRequest { key_name: name.clone(), key_type, tag_specifications: tags, ..Default::default() })?;
            (out.key_pair_id, out.key_fingerprint)
        }
    };
    let id = id.unwrap_or_default();
    Ok(Created { tag_id: Some(id.clone()), ..Created::new(&name).with("KeyPairId", id).with("KeyFingerprint", fingerprint.unwrap_or_default()) })
}

fn delete_key(call: &mut Call, r: &StackResource) -> Result<()> {
    key_pair::delete_key_pair(call, shape::DeleteKeyPairRequest { key_name: Some(r.physical_id.clone()), ..Default::default() }).map(drop)
}

fn create_igw(call: &mut Call, p: &Props, site: &Site) -> Result<Created> {
    let input = shape::CreateInternetGatewayRequest { tag_specifications: tag_specs("internet-gateway", site.user_tags(p)), ..Default::default() };
    let id = internet_gateway::create_internet_gateway(call, input)?.internet_gateway.and_then(|g| g.internet_gateway_id).unwrap_or_default();
    Ok(Created::new(&id).with("InternetGatewayId", id.clone()))
}

fn delete_igw(call: &mut Call, r: &StackResource) -> Result<()> {
    internet_gateway::delete_internet_gateway(call, shape::DeleteInternetGatewayRequest { internet_gateway_id: r.physical_id.clone(), ..Default::default() }).map(drop)
}

fn attach_gateway(call: &mut Call, p: &Props, _: &Site) -> Result<Created> {
    let vpc_id = p.req("VpcId")?;
    let Some(igw) = p.str("InternetGatewayId") else {
        return Err(invalid(format!("Properties validation failed for resource {}: xvpc attaches internet gateways here (VpnGatewayId: use AWS::EC2::VPNGatewayRoutePropagation's gateway API)", p.logical_id)));
    };
    internet_gateway::attach_internet_gateway(call, shape::AttachInternetGatewayRequest { internet_gateway_id: igw.clone(), vpc_id: vpc_id.clone(), ..Default::default() })?;
    Ok(Created::new(format!("IGW|{vpc_id}")).with("InternetGatewayId", Value::String(igw)))
}

fn detach_gateway(call: &mut Call, r: &StackResource) -> Result<()> {
    let p = Props { logical_id: &r.logical_id, value: &r.properties };
    let input = shape::DetachInternetGatewayRequest { internet_gateway_id: p.req("InternetGatewayId")?, vpc_id: p.req("VpcId")?, ..Default::default() };
    internet_gateway::detach_internet_gateway(call, input).map(drop)
}
