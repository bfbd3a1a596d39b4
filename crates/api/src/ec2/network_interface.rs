//! Network interface actions.

use std::net::Ipv4Addr;

use xvpc_model::elastic_ip::{self, Address};
use xvpc_model::network_interface::{self, CreateEni, EniAttachment, ModifyEni, NetworkInterface};
use xvpc_model::{IdKind, ModelError, State};
use xvpc_wire::shape::ReturnTrue;
use xvpc_wire::shapes::ec2::{self as shape, ops};
use xvpc_wire::Timestamp;

use super::{filter_list, not_managed, paginate_by, require_all, tag_set, tags_from_specs, unsupported};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::CreateNetworkInterface, create_network_interface),
    crate::typed!(ops::DeleteNetworkInterface, delete_network_interface),
    crate::typed!(ops::DescribeNetworkInterfaces, describe_network_interfaces),
    crate::typed!(ops::ModifyNetworkInterfaceAttribute, modify_network_interface_attribute),
    crate::typed!(ops::DescribeNetworkInterfaceAttribute, describe_network_interface_attribute),
    crate::typed!(ops::AttachNetworkInterface, attach_network_interface),
    crate::typed!(ops::DetachNetworkInterface, detach_network_interface),
    crate::typed!(ops::AssignIpv6Addresses, assign_ipv6_addresses),
    crate::typed!(ops::UnassignIpv6Addresses, unassign_ipv6_addresses),
];

/// An interface's IPv6 addresses as AWS lists them (none is the primary
/// IPv6 address: xvpc has no `EnablePrimaryIpv6`).
pub fn ipv6_set(e: &NetworkInterface) -> Vec<shape::NetworkInterfaceIpv6Address> {
    e.ipv6_addresses
        .iter()
        .map(|a| shape::NetworkInterfaceIpv6Address { ipv6_address: Some(a.to_string()), is_primary_ipv6: Some(false), ..Default::default() })
        .collect()
}

/// A count parameter as the model takes it (negative counts refused).
fn count(n: Option<i32>, name: &str) -> Result<Option<u32>> {
    n.map(|n| u32::try_from(n).map_err(|_| ModelError::InvalidParameterValue(format!("Value ({n}) for parameter {name} is invalid.")).into())).transpose()
}

/// An interface's security groups, with their names.
pub fn group_set(groups: &[String], state: &State) -> Vec<shape::GroupIdentifier> {
    groups
        .iter()
        .map(|g| shape::GroupIdentifier { group_id: Some(g.clone()), group_name: state.security_groups.get(g).map(|x| x.name.clone()) })
        .collect()
}

/// The public IPv4 address mapped to an interface's primary private
/// address: owned by `amazon`, or by the account for an Elastic IP.
pub struct PublicAddress<'a> {
    pub ip: Ipv4Addr,
    pub owner: &'a str,
    /// Empty unless the VPC has DNS hostnames, as AWS shows it.
    pub dns_name: String,
    pub elastic: Option<&'a Address>,
}

/// The interface's public address, when it has one.
pub fn public_address<'a>(e: &NetworkInterface, state: &'a State) -> Option<PublicAddress<'a>> {
    let ip = e.public_ip?;
    let elastic = elastic_ip::of_eni(state, &e.id);
    Some(PublicAddress {
        ip,
        owner: elastic.map_or("amazon", |a| a.owner.as_str()),
        dns_name: xvpc_model::public_ip::shown_dns_name(state, &e.vpc_id, &e.region, ip),
        elastic,
    })
}

/// The interface's own `association`: an Elastic IP's allocation and
/// association ids with it.
fn association(e: &NetworkInterface, state: &State) -> Option<shape::NetworkInterfaceAssociation> {
    let p = public_address(e, state)?;
    Some(shape::NetworkInterfaceAssociation {
        allocation_id: p.elastic.map(|a| a.id.clone()),
        association_id: p.elastic.and_then(|a| a.association.as_ref()).map(|x| x.id.clone()),
        ip_owner_id: Some(p.owner.to_string()),
        public_dns_name: Some(p.dns_name),
        public_ip: Some(p.ip.to_string()),
        ..Default::default()
    })
}

fn attachment(e: &NetworkInterface, a: &EniAttachment) -> shape::NetworkInterfaceAttachment {
    shape::NetworkInterfaceAttachment {
        attachment_id: Some(a.id.clone()),
        instance_id: Some(a.instance_id.clone()),
        instance_owner_id: Some(e.owner.clone()),
        device_index: i32::try_from(a.device_index).ok(),
        network_card_index: Some(0),
        status: Some(shape::AttachmentStatus::Attached),
        attach_time: Some(Timestamp(a.attach_time)),
        delete_on_termination: Some(a.delete_on_termination),
        ..Default::default()
    }
}

/// The `NetworkInterface` structure AWS describes.
pub fn eni_shape(e: &NetworkInterface, state: &State) -> shape::NetworkInterface {
    let association = association(e, state);
    let private_ips = e
        .all_ips()
        .enumerate()
        .map(|(n, ip)| shape::NetworkInterfacePrivateIpAddress {
            private_ip_address: Some(ip.to_string()),
            private_dns_name: Some(network_interface::private_dns_name(&e.region, ip)),
            primary: Some(n == 0),
            // The public address maps to the primary private address.
            association: if n == 0 { association.clone() } else { None },
        })
        .collect();
    shape::NetworkInterface {
        network_interface_id: Some(e.id.clone()),
        subnet_id: Some(e.subnet_id.clone()),
        vpc_id: Some(e.vpc_id.clone()),
        availability_zone: Some(e.availability_zone.clone()),
        availability_zone_id: state.subnets.get(&e.subnet_id).map(|s| s.availability_zone_id.clone()),
        description: Some(e.description.clone()),
        owner_id: Some(e.owner.clone()),
        requester_id: e.requester_id.clone(),
        requester_managed: Some(e.requester_managed),
        status: Some(shape::NetworkInterfaceStatus::from(e.status())),
        mac_address: Some(e.mac_address.clone()),
        private_ip_address: Some(e.private_ip.to_string()),
        private_dns_name: Some(network_interface::private_dns_name(&e.region, e.private_ip)),
        public_dns_name: association.as_ref().and_then(|a| a.public_dns_name.clone()).filter(|d| !d.is_empty()),
        source_dest_check: Some(e.source_dest_check),
        groups: group_set(&e.groups, state),
        association,
        attachment: e.attachment.as_ref().map(|a| attachment(e, a)),
        tag_set: tag_set(&e.tags),
        private_ip_addresses: private_ips,
        interface_type: Some(shape::NetworkInterfaceType::from(e.interface_type.as_str())),
        ipv6_addresses: ipv6_set(e),
        // No IPv6-only subnets: never IPv6-native.
        ipv6_native: Some(false),
        operator: Some(not_managed()),
        ..Default::default()
    }
}

fn create_network_interface(call: &mut Call, input: shape::CreateNetworkInterfaceRequest) -> Result<shape::CreateNetworkInterfaceResult> {
    if input.secondary_private_ip_address_count.is_some_and(|n| n > 0) || !input.private_ip_addresses.is_empty() {
        return Err(unsupported("Secondary private IP addresses"));
    }
    if input.enable_primary_ipv6 == Some(true) {
        return Err(unsupported("Primary IPv6 addresses"));
    }
    let prefixes = input.ipv4_prefix_count.is_some_and(|n| n > 0) || input.ipv6_prefix_count.is_some_and(|n| n > 0);
    if prefixes || !input.ipv4_prefixes.is_empty() || !input.ipv6_prefixes.is_empty() {
        return Err(unsupported("Prefix delegations"));
    }
    if let Some(t) = &input.interface_type {
        return Err(unsupported(&format!("Interfaces of type {}", t.as_str())));
    }
    let create = CreateEni {
        subnet_id: input.subnet_id,
        private_ip: input.private_ip_address,
        groups: input.groups,
        description: input.description,
        tags: tags_from_specs(&input.tag_specifications, "network-interface")?,
        ipv6_addresses: input.ipv6_addresses.iter().filter_map(|a| a.ipv6_address.clone()).collect(),
        ipv6_address_count: count(input.ipv6_address_count, "Ipv6AddressCount")?,
    };
    let (ch, id) = network_interface::create(call.state(), &call.ctx, create)?;
    call.commit(ch)?;
    let s = call.state();
    Ok(shape::CreateNetworkInterfaceResult { network_interface: Some(eni_shape(&s.network_interfaces[&id], s)), client_token: input.client_token })
}

fn delete_network_interface(call: &mut Call, input: shape::DeleteNetworkInterfaceRequest) -> Result<ReturnTrue> {
    let ch = network_interface::delete(call.state(), &call.ctx, &input.network_interface_id)?;
    call.commit(ch)?;
    Ok(ReturnTrue)
}

pub(crate) fn describe_network_interfaces(call: &mut Call, input: shape::DescribeNetworkInterfacesRequest) -> Result<shape::DescribeNetworkInterfacesResult> {
    let ids = &input.network_interface_ids;
    let s = call.state();
    let mine = |x: &NetworkInterface| x.owner == call.ctx.account && x.region == call.ctx.region;
    require_all(ids, |id| s.network_interfaces.get(id).is_some_and(mine), IdKind::NetworkInterface)?;
    let listed = s.network_interfaces.scope(&call.ctx).filter(|x| ids.is_empty() || ids.contains(&x.id));
    let out = network_interface::FILTERS.select(&filter_list(&input.filters), s, &call.ctx, listed)?;
    let (page, next) = paginate_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), |x| x.id.clone(), (5, 1000))?;
    Ok(shape::DescribeNetworkInterfacesResult { network_interfaces: page.into_iter().map(|x| eni_shape(x, s)).collect(), next_token: next })
}

fn modify_network_interface_attribute(call: &mut Call, input: shape::ModifyNetworkInterfaceAttributeRequest) -> Result<ReturnTrue> {
    if input.associate_public_ip_address.is_some() {
        return Err(unsupported("Public IPv4 address changes on an existing interface"));
    }
    if input.enable_primary_ipv6.is_some() {
        return Err(unsupported("Primary IPv6 addresses"));
    }
    if !input.associated_subnet_ids.is_empty() {
        return Err(unsupported("Multi-subnet interfaces"));
    }
    let attachment = input.attachment.unwrap_or_default();
    let m = ModifyEni {
        groups: (!input.groups.is_empty()).then_some(input.groups),
        source_dest_check: input.source_dest_check.and_then(|v| v.value),
        description: input.description.and_then(|v| v.value),
        delete_on_termination: attachment.delete_on_termination,
        attachment_id: attachment.attachment_id,
    };
    let ch = network_interface::modify(call.state(), &call.ctx, &input.network_interface_id, m)?;
    call.commit(ch)?;
    Ok(ReturnTrue)
}

fn describe_network_interface_attribute(
    call: &mut Call,
    input: shape::DescribeNetworkInterfaceAttributeRequest,
) -> Result<shape::DescribeNetworkInterfaceAttributeResult> {
    use shape::NetworkInterfaceAttribute as Attr;
    let s = call.state();
    let e = xvpc_model::state::owned(&s.network_interfaces, &call.ctx, IdKind::NetworkInterface, &input.network_interface_id)?;
    let attr = input.attribute.ok_or_else(|| ModelError::MissingParameter("Attribute".into()))?;
    let mut out = shape::DescribeNetworkInterfaceAttributeResult { network_interface_id: Some(e.id.clone()), ..Default::default() };
    match attr {
        Attr::Description => out.description = Some(shape::AttributeValue { value: Some(e.description.clone()) }),
        Attr::GroupSet => out.groups = group_set(&e.groups, s),
        Attr::SourceDestCheck => out.source_dest_check = Some(shape::AttributeBooleanValue { value: Some(e.source_dest_check) }),
        Attr::Attachment => out.attachment = e.attachment.as_ref().map(|a| attachment(e, a)),
        // An automatically assigned public address (an Elastic IP is not).
        Attr::AssociatePublicIpAddress => out.associate_public_ip_address = Some(public_address(e, s).is_some_and(|p| p.elastic.is_none())),
        // The decoder refuses values the model does not list.
        Attr::Unlisted(other) => return Err(ModelError::InvalidParameterValue(format!("Value ({other}) for parameter attribute is invalid.")).into()),
    }
    Ok(out)
}

fn attach_network_interface(call: &mut Call, input: shape::AttachNetworkInterfaceRequest) -> Result<shape::AttachNetworkInterfaceResult> {
    if input.network_card_index.is_some_and(|n| n != 0) {
        return Err(ModelError::InvalidParameterValue("Instances in xvpc have one network card (index 0)".into()).into());
    }
    let (ch, id) = network_interface::attach(call.state(), &call.ctx, &input.network_interface_id, &input.instance_id, i64::from(input.device_index))?;
    call.commit(ch)?;
    Ok(shape::AttachNetworkInterfaceResult { attachment_id: Some(id), network_card_index: Some(0) })
}

fn detach_network_interface(call: &mut Call, input: shape::DetachNetworkInterfaceRequest) -> Result<ReturnTrue> {
    // `Force` changes nothing: xvpc's detach always completes.
    let ch = network_interface::detach(call.state(), &call.ctx, &input.attachment_id)?;
    call.commit(ch)?;
    Ok(ReturnTrue)
}

fn assign_ipv6_addresses(call: &mut Call, input: shape::AssignIpv6AddressesRequest) -> Result<shape::AssignIpv6AddressesResult> {
    if input.ipv6_prefix_count.is_some() || !input.ipv6_prefixes.is_empty() {
        return Err(unsupported("Prefix delegations"));
    }
    let n = count(input.ipv6_address_count, "Ipv6AddressCount")?;
    let (ch, got) = network_interface::assign_ipv6_addresses(call.state(), &call.ctx, &input.network_interface_id, &input.ipv6_addresses, n)?;
    call.commit(ch)?;
    Ok(shape::AssignIpv6AddressesResult {
        assigned_ipv6_addresses: got.iter().map(|a| a.to_string()).collect(),
        assigned_ipv6_prefixes: Vec::new(),
        network_interface_id: Some(input.network_interface_id),
    })
}

fn unassign_ipv6_addresses(call: &mut Call, input: shape::UnassignIpv6AddressesRequest) -> Result<shape::UnassignIpv6AddressesResult> {
    if !input.ipv6_prefixes.is_empty() {
        return Err(unsupported("Prefix delegations"));
    }
    let (ch, gone) = network_interface::unassign_ipv6_addresses(call.state(), &call.ctx, &input.network_interface_id, &input.ipv6_addresses)?;
    call.commit(ch)?;
    Ok(shape::UnassignIpv6AddressesResult {
        network_interface_id: Some(input.network_interface_id),
        unassigned_ipv6_addresses: gone.iter().map(|a| a.to_string()).collect(),
        unassigned_ipv6_prefixes: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use xvpc_wire::xml_output::body;

    /// An attached interface with an Elastic IP, and a service's, carry
    /// every member xvpc holds under botocore's names.
    #[test]
    fn interfaces_carry_every_member_xvpc_holds() {
        let w = xvpc_model::populated::world();
        let enis: Vec<&NetworkInterface> = w.state.network_interfaces.scope(&w.ctx).collect();
        assert!(enis.iter().any(|e| e.attachment.is_some() && elastic_ip::of_eni(&w.state, &e.id).is_some()));
        assert!(enis.iter().any(|e| e.requester_id.is_some()));
        let out = shape::DescribeNetworkInterfacesResult { network_interfaces: enis.iter().map(|e| eni_shape(e, &w.state)).collect(), next_token: Some("t".into()) };
        let xml = body(&out);
        let not_held = [
            "NetworkInterface.AssociatedSubnets",
            "NetworkInterface.ConnectionTrackingConfiguration",
            "NetworkInterface.DenyAllIgwTraffic",
            "NetworkInterface.Ipv4Prefixes",
            // No primary IPv6 address or IPv6 DNS names in xvpc.
            "NetworkInterface.Ipv6Address",
            "NetworkInterface.Ipv6Prefixes",
            "NetworkInterface.OutpostArn",
            "NetworkInterface.PublicIpDnsNameOptions",
            "NetworkInterfaceAssociation.CarrierIp",
            "NetworkInterfaceAssociation.CustomerOwnedIp",
            "NetworkInterfaceAttachment.EnaQueueCount",
            "NetworkInterfaceAttachment.EnaSrdSpecification",
            "NetworkInterfaceIpv6Address.PublicIpv6DnsName",
            "OperatorResponse.HiddenByDefault",
            "OperatorResponse.Principal",
        ];
        assert_eq!(crate::shape_coverage::missing("ec2", "DescribeNetworkInterfacesResult", &xml), not_held, "{xml}");
        assert!(xml.contains("<interfaceType>interface</interfaceType>"), "{xml}");
    }

    /// Every attribute DescribeNetworkInterfaceAttribute answers is written
    /// under botocore's name.
    #[test]
    fn attribute_answers_carry_their_members() {
        let w = xvpc_model::populated::world();
        let e = w.state.network_interfaces.scope(&w.ctx).find(|e| e.attachment.is_some() && e.public_ip.is_some()).expect("an attached interface with a public address");
        let out = shape::DescribeNetworkInterfaceAttributeResult {
            network_interface_id: Some(e.id.clone()),
            attachment: e.attachment.as_ref().map(|a| attachment(e, a)),
            description: Some(shape::AttributeValue { value: Some(e.description.clone()) }),
            groups: group_set(&e.groups, &w.state),
            source_dest_check: Some(shape::AttributeBooleanValue { value: Some(true) }),
            associate_public_ip_address: Some(false),
        };
        let not_held = ["NetworkInterfaceAttachment.EnaQueueCount", "NetworkInterfaceAttachment.EnaSrdSpecification"];
        assert_eq!(crate::shape_coverage::missing("ec2", "DescribeNetworkInterfaceAttributeResult", &body(&out)), not_held);
    }
}
