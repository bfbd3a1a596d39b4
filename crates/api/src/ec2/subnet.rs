//! Subnet actions.

use xvpc_model::subnet::{self, CreateSubnet, Subnet, SubnetIpv6Block};
use xvpc_model::subnet_dns::{self, DnsAttribute, HostnameType};
use xvpc_model::subnet_ipv6;
use xvpc_model::{IdKind, ModelError, State};
use xvpc_wire::shape::ReturnTrue;
use xvpc_wire::shapes::ec2::{self as shape, ops};

use super::{filter_list, paginate_by, require_all, tag_set, tags_from_specs, unsupported};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::CreateSubnet, create_subnet),
    crate::typed!(ops::CreateDefaultSubnet, create_default_subnet),
    crate::typed!(ops::DeleteSubnet, delete_subnet),
    crate::typed!(ops::DescribeSubnets, describe_subnets),
    crate::typed!(ops::ModifySubnetAttribute, modify_subnet_attribute),
    crate::typed!(ops::AssociateSubnetCidrBlock, associate_subnet_cidr_block),
    crate::typed!(ops::DisassociateSubnetCidrBlock, disassociate_subnet_cidr_block),
];

/// The `Subnet` structure AWS describes. xvpc has no Outposts or
/// customer-owned addresses: those members show their off values, as AWS
/// shows them for a subnet that does not use them.
pub fn subnet_shape(s: &Subnet, state: &State) -> shape::Subnet {
    shape::Subnet {
        subnet_id: Some(s.id.clone()),
        subnet_arn: Some(s.arn()),
        state: Some(shape::SubnetState::Available),
        owner_id: Some(s.owner.clone()),
        vpc_id: Some(s.vpc_id.clone()),
        cidr_block: s.cidr.map(|c| c.to_string()),
        available_ip_address_count: Some(i32::try_from(s.available_ip_count(state)).unwrap_or(i32::MAX)),
        availability_zone: Some(s.availability_zone.clone()),
        availability_zone_id: Some(s.availability_zone_id.clone()),
        default_for_az: Some(s.default_for_az),
        map_public_ip_on_launch: Some(s.map_public_ip_on_launch),
        assign_ipv6_address_on_creation: Some(s.assign_ipv6_address_on_creation),
        ipv6_cidr_block_association_set: s
            .ipv6_cidr_blocks
            .iter()
            .map(|b| ipv6_association(b, shape::SubnetCidrBlockStateCode::Associated))
            .collect(),
        map_customer_owned_ip_on_launch: Some(false),
        enable_dns64: Some(s.dns.enable_dns64),
        ipv6_native: Some(s.ipv6_native()),
        private_dns_name_options_on_launch: Some(shape::PrivateDnsNameOptionsOnLaunch {
            hostname_type: Some(shape::HostnameType::from(s.dns.hostname_type.as_str())),
            enable_resource_name_dns_a_record: Some(s.dns.a_record),
            enable_resource_name_dns_aaaa_record: Some(s.dns.aaaa_record),
        }),
        tags: tag_set(&s.tags),
        block_public_access_states: state.vpcs.get(&s.vpc_id).and_then(|v| super::block_public_access::states_shape(state, v, Some(&s.id))),
        ..Default::default()
    }
}

/// A subnet's IPv6 block as AWS describes it: carved from the VPC's
/// Amazon-provided block, so public addresses from Amazon's pool.
fn ipv6_association(b: &SubnetIpv6Block, state: shape::SubnetCidrBlockStateCode) -> shape::SubnetIpv6CidrBlockAssociation {
    shape::SubnetIpv6CidrBlockAssociation {
        association_id: Some(b.association_id.clone()),
        ipv6_cidr_block: Some(b.cidr.to_string()),
        ipv6_cidr_block_state: Some(shape::SubnetCidrBlockState { state: Some(state), status_message: None }),
        ipv6_address_attribute: Some(shape::Ipv6AddressAttribute::Public),
        ip_source: Some(shape::IpSource::Amazon),
    }
}

pub(crate) fn create_subnet(call: &mut Call, input: shape::CreateSubnetRequest) -> Result<shape::CreateSubnetResult> {
    if input.ipv4_ipam_pool_id.is_some() || input.ipv4_netmask_length.is_some() || input.ipv6_ipam_pool_id.is_some() || input.ipv6_netmask_length.is_some() {
        return Err(unsupported("IPAM pools"));
    }

    if input.outpost_arn.is_some() {
        return Err(unsupported("Outposts"));
    }
    let create = CreateSubnet {
        vpc_id: input.vpc_id,
        // Required unless the subnet is IPv6-only (the model says which).
        cidr: input.cidr_block.unwrap_or_default(),
        ipv6_native: input.ipv6_native.unwrap_or(false),
        availability_zone: input.availability_zone,
        availability_zone_id: input.availability_zone_id,
        tags: tags_from_specs(&input.tag_specifications, "subnet")?,
    };
    let (ch, id) = subnet::create_dual_stack(call.state(), &call.ctx, create, input.ipv6_cidr_block.as_deref())?;
    call.commit(ch)?;
    let s = call.state();
    Ok(shape::CreateSubnetResult { subnet: Some(subnet_shape(&s.subnets[&id], s)) })
}

pub(crate) fn create_default_subnet(call: &mut Call, input: shape::CreateDefaultSubnetRequest) -> Result<shape::CreateDefaultSubnetResult> {
    // A default VPC has no IPv6 block here, so no IPv6-only subnet fits it.
    if input.ipv6_native == Some(true) {
        return Err(unsupported("IPv6-only default subnets"));
    }
    let (ch, id) = xvpc_model::default_vpc::create_default_subnet(call.state(), &call.ctx, input.availability_zone.as_deref(), input.availability_zone_id.as_deref())?;
    call.commit(ch)?;
    let s = call.state();
    Ok(shape::CreateDefaultSubnetResult { subnet: Some(subnet_shape(&s.subnets[&id], s)) })
}

pub(crate) fn associate_subnet_cidr_block(call: &mut Call, input: shape::AssociateSubnetCidrBlockRequest) -> Result<shape::AssociateSubnetCidrBlockResult> {
    if input.ipv6_ipam_pool_id.is_some() || input.ipv6_netmask_length.is_some() {
        return Err(unsupported("IPAM pools"));
    }
    let cidr = input.ipv6_cidr_block.filter(|c| !c.is_empty()).ok_or_else(|| ModelError::MissingParameter("Ipv6CidrBlock".into()))?;
    let (ch, block) = subnet_ipv6::associate(call.state(), &call.ctx, &input.subnet_id, &cidr)?;
    call.commit(ch)?;
    Ok(shape::AssociateSubnetCidrBlockResult {
        ipv6_cidr_block_association: Some(ipv6_association(&block, shape::SubnetCidrBlockStateCode::Associating)),
        subnet_id: Some(input.subnet_id),
    })
}

pub(crate) fn disassociate_subnet_cidr_block(call: &mut Call, input: shape::DisassociateSubnetCidrBlockRequest) -> Result<shape::DisassociateSubnetCidrBlockResult> {
    let (ch, subnet_id, block) = subnet_ipv6::disassociate(call.state(), &call.ctx, &input.association_id)?;
    call.commit(ch)?;
    Ok(shape::DisassociateSubnetCidrBlockResult {
        ipv6_cidr_block_association: Some(ipv6_association(&block, shape::SubnetCidrBlockStateCode::Disassociating)),
        subnet_id: Some(subnet_id),
    })
}

pub(crate) fn delete_subnet(call: &mut Call, input: shape::DeleteSubnetRequest) -> Result<ReturnTrue> {
    let ch = subnet::delete_subnet(call.state(), &call.ctx, &input.subnet_id)?;
    call.commit(ch)?;
    Ok(ReturnTrue)
}

pub(crate) fn describe_subnets(call: &mut Call, input: shape::DescribeSubnetsRequest) -> Result<shape::DescribeSubnetsResult> {
    let ids = input.subnet_ids;
    let fs = filter_list(&input.filters);
    let s = call.state();
    let mine = |x: &&Subnet| x.owner == call.ctx.account && x.region == call.ctx.region;
    require_all(&ids, |id| s.subnets.get(id).is_some_and(|x| mine(&x)), IdKind::Subnet)?;
    let out = subnet::FILTERS.select(&fs, s, &call.ctx, s.subnets.scope(&call.ctx).filter(|x| ids.is_empty() || ids.contains(&x.id)))?;
    let (page, next) = paginate_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), |x| x.id.clone(), (5, 1000))?;
    Ok(shape::DescribeSubnetsResult { subnets: page.into_iter().map(|x| subnet_shape(x, s)).collect(), next_token: next })
}

/// The one attribute a ModifySubnetAttribute call changes.
enum Attribute {
    MapPublicIpOnLaunch(bool),
    AssignIpv6AddressOnCreation(bool),
    Dns(DnsAttribute),
    /// An Outposts attribute set to the value every subnet outside an
    /// Outpost has: accepted, nothing changes.
    Unchanged,
    /// An Outposts feature asked of a subnet that is not on an Outpost.
    Outposts(&'static str),
}

pub(crate) fn modify_subnet_attribute(call: &mut Call, input: shape::ModifySubnetAttributeRequest) -> Result<ReturnTrue> {
    let boolean = |v: &Option<shape::AttributeBooleanValue>, name: &'static str| {
        v.as_ref().map(|a| a.value.ok_or_else(|| ModelError::MissingParameter(format!("{name}.Value"))))
    };
    let mut present: Vec<std::result::Result<Attribute, ModelError>> = Vec::new();
    if let Some(v) = boolean(&input.map_public_ip_on_launch, "MapPublicIpOnLaunch") {
        present.push(v.map(Attribute::MapPublicIpOnLaunch));
    }
    if let Some(v) = boolean(&input.assign_ipv6_address_on_creation, "AssignIpv6AddressOnCreation") {
        present.push(v.map(Attribute::AssignIpv6AddressOnCreation));
    }
    let dns: [(_, _, fn(bool) -> DnsAttribute); 3] = [
        (&input.enable_dns64, "EnableDns64", DnsAttribute::EnableDns64),
        (&input.enable_resource_name_dns_a_record_on_launch, "EnableResourceNameDnsARecordOnLaunch", DnsAttribute::ResourceNameARecord),
        (&input.enable_resource_name_dns_aaaa_record_on_launch, "EnableResourceNameDnsAAAARecordOnLaunch", DnsAttribute::ResourceNameAaaaRecord),
    ];
    for (v, name, attr) in dns {
        if let Some(v) = boolean(v, name) {
            present.push(v.map(|b| Attribute::Dns(attr(b))));
        }
    }
    if let Some(h) = &input.private_dns_hostname_type_on_launch {
        let h = match h {
            shape::HostnameType::ResourceName => HostnameType::ResourceName,
            _ => HostnameType::IpName,
        };
        present.push(Ok(Attribute::Dns(DnsAttribute::HostnameType(h))));
    }
    // Customer-owned addresses (a pool and the flag, set together) and
    // local network interfaces exist only on Outposts subnets, which xvpc
    // has none of: only the values DescribeSubnets shows are accepted.
    let coip = boolean(&input.map_customer_owned_ip_on_launch, "MapCustomerOwnedIpOnLaunch");
    match (coip, &input.customer_owned_ipv4_pool) {
        (Some(Ok(true)), None) => present.push(Err(ModelError::MissingParameter("CustomerOwnedIpv4Pool".into()))),
        (Some(Ok(false)), None) => present.push(Ok(Attribute::Unchanged)),
        (Some(Err(e)), _) => present.push(Err(e)),
        (None, Some(_)) => present.push(Err(ModelError::MissingParameter("MapCustomerOwnedIpOnLaunch".into()))),
        (Some(Ok(_)), Some(_)) => present.push(Ok(Attribute::Outposts("Customer-owned IPv4 addresses"))),
        (None, None) => {}
    }
    if let Some(i) = input.enable_lni_at_device_index {
        present.push(if i < 1 {
            Err(ModelError::InvalidParameterValue(format!(
                "Value ({i}) for parameter EnableLniAtDeviceIndex is invalid. A local network interface cannot be the primary network interface (device index 0)."
            )))
        } else {
            Ok(Attribute::Outposts("Local network interfaces"))
        });
    }
    match boolean(&input.disable_lni_at_device_index, "DisableLniAtDeviceIndex") {
        Some(Ok(false)) => present.push(Ok(Attribute::Unchanged)),
        Some(Ok(true)) => present.push(Ok(Attribute::Outposts("Local network interfaces"))),
        Some(Err(e)) => present.push(Err(e)),
        None => {}
    }
    let attr = match present.len() {
        0 => return Err(ModelError::MissingParameter("attribute".into()).into()),
        1 => present.pop().expect("one attribute")?,
        _ => return Err(ModelError::InvalidParameterCombination("You can only modify one attribute at a time.".into()).into()),
    };
    let id = input.subnet_id.as_str();
    match attr {
        Attribute::MapPublicIpOnLaunch(on) => {
            let ch = subnet::set_map_public_ip_on_launch(call.state(), &call.ctx, id, on)?;
            call.commit(ch)?;
        }
        Attribute::AssignIpv6AddressOnCreation(on) => {
            let ch = subnet_ipv6::set_assign_on_creation(call.state(), &call.ctx, id, on)?;
            call.commit(ch)?;
        }
        Attribute::Dns(a) => {
            let ch = subnet_dns::set(call.state(), &call.ctx, id, a)?;
            call.commit(ch)?;
        }
        Attribute::Unchanged => {
            xvpc_model::state::owned(&call.state().subnets, &call.ctx, IdKind::Subnet, id)?;
        }
        Attribute::Outposts(what) => {
            xvpc_model::state::owned(&call.state().subnets, &call.ctx, IdKind::Subnet, id)?;
            return Err(ModelError::InvalidParameterValue(format!("{what} are only available to subnets on an AWS Outpost, and subnet {id} is not on one")).into());
        }
    }
    Ok(ReturnTrue)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape_coverage::missing;

    #[test]
    fn describe_subnets_carries_every_member_xvpc_holds() {
        let w = xvpc_model::populated::world();
        let subnets: Vec<_> = w.state.subnets.scope(&w.ctx).map(|x| subnet_shape(x, &w.state)).collect();
        let out = shape::DescribeSubnetsResult { subnets, next_token: Some("token".into()) };
        let xml = xvpc_wire::xml_output::body(&out);
        assert_eq!(
            missing("ec2", "DescribeSubnetsResult", &xml),
            [
                // No Outposts, customer-owned IPs,
                // LNI or subnet types in xvpc; associations are immediate.
                "Subnet.CustomerOwnedIpv4Pool",
                "Subnet.EnableLniAtDeviceIndex",
                "Subnet.OutpostArn",
                "Subnet.Type",
                "SubnetCidrBlockState.StatusMessage",
            ]
        );
    }
}
