//! CloudFormation's types for a VPC's ways out and its filters: Elastic IP
//! (and its association), NAT gateway, egress-only internet gateway, a
//! VPC's extra CIDR block, network ACL, its entries and subnet
//! associations. Each calls the EC2 API's typed handler.

use xvpc_model::stack::StackResource;
use xvpc_wire::shapes::ec2 as shape;

use super::ec2_resources::tag_specs;
use super::props::{invalid, Created, Kind, Props, Site};
use crate::call::Call;
use crate::ec2::{egress_only_internet_gateway as eigw, elastic_ip, nat_gateway, network_acl, vpc};
use crate::errors::Result;

pub(crate) const KINDS: &[Kind] = &[
    Kind { type_name: "AWS::EC2::EIP", create: allocate, delete: release, update: None },
    Kind { type_name: "AWS::EC2::EIPAssociation", create: associate_address, delete: disassociate_address, update: None },
    Kind { type_name: "AWS::EC2::NatGateway", create: create_nat, delete: delete_nat, update: None },
    Kind { type_name: "AWS::EC2::EgressOnlyInternetGateway", create: create_eigw, delete: delete_eigw, update: None },
    Kind { type_name: "AWS::EC2::VPCCidrBlock", create: add_cidr, delete: remove_cidr, update: None },
    Kind { type_name: "AWS::EC2::NetworkAcl", create: create_acl, delete: delete_acl, update: None },
    Kind { type_name: "AWS::EC2::NetworkAclEntry", create: create_entry, delete: delete_entry, update: None },
    Kind { type_name: "AWS::EC2::SubnetNetworkAclAssociation", create: associate_acl, delete: disassociate_acl, update: None },
];

fn allocate(call: &mut Call, p: &Props, site: &Site) -> Result<Created> {
    let input = shape::AllocateAddressRequest { domain: Some(shape::DomainType::Vpc), tag_specifications: tag_specs("elastic-ip", site.user_tags(p)), ..Default::default() };
    let out = elastic_ip::allocate_address(call, input)?;
    let (ip, alloc) = (out.public_ip.unwrap_or_default(), out.allocation_id.unwrap_or_default());
    if let Some(instance) = p.str("InstanceId") {
        elastic_ip::associate_address(call, shape::AssociateAddressRequest { allocation_id: Some(alloc.clone()), instance_id: Some(instance), ..Default::default() })?;
    }
    // AWS's Ref of an Elastic IP is its address.
    Ok(Created::new(&ip).with("PublicIp", ip.clone()).with("AllocationId", alloc))
}

fn release(call: &mut Call, r: &StackResource) -> Result<()> {
    let alloc = r.attributes.get("AllocationId").and_then(|v| v.as_str()).unwrap_or_default().to_string();
    // The association the resource's own InstanceId made goes first.
    let own = r.properties.get("InstanceId").is_some();
    let held = call.state().addresses.get(&alloc).and_then(|a| a.association.as_ref()).map(|a| a.id.clone());
    if let Some(association) = held.filter(|_| own) {
        elastic_ip::disassociate_address(call, shape::DisassociateAddressRequest { association_id: Some(association), ..Default::default() })?;
    }
    elastic_ip::release_address(call, shape::ReleaseAddressRequest { allocation_id: Some(alloc), ..Default::default() }).map(drop)
}

fn associate_address(call: &mut Call, p: &Props, _: &Site) -> Result<Created> {
    let input = shape::AssociateAddressRequest {
        allocation_id: p.str("AllocationId"),
        public_ip: p.str("EIP"),
        instance_id: p.str("InstanceId"),
        network_interface_id: p.str("NetworkInterfaceId"),
        private_ip_address: p.str("PrivateIpAddress"),
        ..Default::default()
    };
    let id = elastic_ip::associate_address(call, input)?.association_id.unwrap_or_default();
    Ok(Created::new(&id).with("Id", id.clone()))
}

fn disassociate_address(call: &mut Call, r: &StackResource) -> Result<()> {
    elastic_ip::disassociate_address(call, shape::DisassociateAddressRequest { association_id: Some(r.physical_id.clone()), ..Default::default() }).map(drop)
}

fn create_nat(call: &mut Call, p: &Props, site: &Site) -> Result<Created> {
    let input = shape::CreateNatGatewayRequest {
        subnet_id: Some(p.req("SubnetId")?),
        allocation_id: p.str("AllocationId"),
        connectivity_type: p.str("ConnectivityType").map(|c| shape::ConnectivityType::from(c.as_str())),
        private_ip_address: p.str("PrivateIpAddress"),
        tag_specifications: tag_specs("natgateway", site.user_tags(p)),
        ..Default::default()
    };
    let id = nat_gateway::create_nat_gateway(call, input)?.nat_gateway.and_then(|n| n.nat_gateway_id).unwrap_or_default();
    Ok(Created::new(&id).with("NatGatewayId", id.clone()))
}

fn delete_nat(call: &mut Call, r: &StackResource) -> Result<()> {
    nat_gateway::delete_nat_gateway(call, shape::DeleteNatGatewayRequest { nat_gateway_id: r.physical_id.clone(), ..Default::default() }).map(drop)
}

fn create_eigw(call: &mut Call, p: &Props, site: &Site) -> Result<Created> {
    let input = shape::CreateEgressOnlyInternetGatewayRequest { vpc_id: p.req("VpcId")?, tag_specifications: tag_specs("egress-only-internet-gateway", site.user_tags(p)), ..Default::default() };
    let id = eigw::create_egress_only_internet_gateway(call, input)?.egress_only_internet_gateway.and_then(|g| g.egress_only_internet_gateway_id).unwrap_or_default();
    Ok(Created::new(&id).with("Id", id.clone()))
}

fn delete_eigw(call: &mut Call, r: &StackResource) -> Result<()> {
    eigw::delete_egress_only_internet_gateway(call, shape::DeleteEgressOnlyInternetGatewayRequest { egress_only_internet_gateway_id: r.physical_id.clone(), ..Default::default() }).map(drop)
}

fn add_cidr(call: &mut Call, p: &Props, _: &Site) -> Result<Created> {
    let input = shape::AssociateVpcCidrBlockRequest {
        vpc_id: p.req("VpcId")?,
        cidr_block: p.str("CidrBlock"),
        amazon_provided_ipv6_cidr_block: p.bool("AmazonProvidedIpv6CidrBlock"),
        ipv6_cidr_block: p.str("Ipv6CidrBlock"),
        ..Default::default()
    };
    let out = vpc::associate_vpc_cidr_block(call, input)?;
    let id = out.cidr_block_association.and_then(|a| a.association_id).or(out.ipv6_cidr_block_association.and_then(|a| a.association_id)).unwrap_or_default();
    Ok(Created::new(&id).with("Id", id.clone()))
}

fn remove_cidr(call: &mut Call, r: &StackResource) -> Result<()> {
    vpc::disassociate_vpc_cidr_block(call, shape::DisassociateVpcCidrBlockRequest { association_id: r.physical_id.clone() }).map(drop)
}

fn create_acl(call: &mut Call, p: &Props, site: &Site) -> Result<Created> {
    let input = shape::CreateNetworkAclRequest { vpc_id: p.req("VpcId")?, tag_specifications: tag_specs("network-acl", site.user_tags(p)), ..Default::default() };
    let id = network_acl::create_network_acl(call, input)?.network_acl.and_then(|a| a.network_acl_id).unwrap_or_default();
    Ok(Created::new(&id).with("Id", id.clone()))
}

fn delete_acl(call: &mut Call, r: &StackResource) -> Result<()> {
    network_acl::delete_network_acl(call, shape::DeleteNetworkAclRequest { network_acl_id: r.physical_id.clone(), ..Default::default() }).map(drop)
}

/// `(acl, rule number, egress)` of an entry.
fn entry_key(p: &Props) -> Result<(String, i32, bool)> {
    let n = p.int("RuleNumber").ok_or_else(|| invalid(format!("Properties validation failed for resource {} with message: #: required key [RuleNumber] not found", p.logical_id)))?;
    Ok((p.req("NetworkAclId")?, n as i32, p.bool("Egress").unwrap_or(false)))
}

fn create_entry(call: &mut Call, p: &Props, _: &Site) -> Result<Created> {
    let (acl, n, egress) = entry_key(p)?;
    let ports = p.objects("PortRange").first().copied().or(p.value.get("PortRange")).map(|r| p.of(r));
    let icmp = p.value.get("Icmp").map(|r| p.of(r));
    let input = shape::CreateNetworkAclEntryRequest {
        network_acl_id: acl.clone(),
        rule_number: n,
        protocol: p.req("Protocol")?,
        rule_action: shape::RuleAction::from(p.req("RuleAction")?.as_str()),
        egress,
        cidr_block: p.str("CidrBlock"),
        ipv6_cidr_block: p.str("Ipv6CidrBlock"),
        port_range: ports.map(|r| shape::PortRange { from: r.int("From").map(|v| v as i32), to: r.int("To").map(|v| v as i32) }),
        icmp_type_code: icmp.map(|r| shape::IcmpTypeCode { code: r.int("Code").map(|v| v as i32), type_: r.int("Type").map(|v| v as i32) }),
        ..Default::default()
    };
    network_acl::create_network_acl_entry(call, input)?;
    Ok(Created::new(format!("{acl}|{}|{n}", if egress { "egress" } else { "ingress" })))
}

fn delete_entry(call: &mut Call, r: &StackResource) -> Result<()> {
    let (acl, n, egress) = entry_key(&Props { logical_id: &r.logical_id, value: &r.properties })?;
    network_acl::delete_network_acl_entry(call, shape::DeleteNetworkAclEntryRequest { network_acl_id: acl, rule_number: n, egress, ..Default::default() }).map(drop)
}

/// The association a subnet has now (every subnet has one).
fn subnet_association(call: &Call, subnet: &str) -> Option<(String, String)> {
    call.state().network_acls.scope(&call.ctx).find_map(|a| a.associations.iter().find(|x| x.subnet_id == subnet).map(|x| (x.id.clone(), a.id.clone())))
}

fn associate_acl(call: &mut Call, p: &Props, _: &Site) -> Result<Created> {
    let subnet = p.req("SubnetId")?;
    let Some((current, _)) = subnet_association(call, &subnet) else { return Err(xvpc_model::ModelError::NotFound(xvpc_model::IdKind::Subnet, subnet).into()) };
    let input = shape::ReplaceNetworkAclAssociationRequest { association_id: current, network_acl_id: p.req("NetworkAclId")?, ..Default::default() };
    let id = network_acl::replace_network_acl_association(call, input)?.new_association_id.unwrap_or_default();
    Ok(Created::new(&id).with("AssociationId", id.clone()))
}

/// The subnet goes back to its VPC's default network ACL, as in AWS.
fn disassociate_acl(call: &mut Call, r: &StackResource) -> Result<()> {
    let subnet = Props { logical_id: &r.logical_id, value: &r.properties }.req("SubnetId")?;
    let Some((current, _)) = subnet_association(call, &subnet) else { return Ok(()) };
    let vpc_id = call.state().subnets.get(&subnet).map(|s| s.vpc_id.clone()).unwrap_or_default();
    let default = call.state().network_acls.scope(&call.ctx).find(|a| a.vpc_id == vpc_id && a.is_default).map(|a| a.id.clone());
    let Some(default) = default else { return Ok(()) };
    network_acl::replace_network_acl_association(call, shape::ReplaceNetworkAclAssociationRequest { association_id: current, network_acl_id: default, ..Default::default() }).map(drop)
}
