//! Elastic IP actions: AllocateAddress, AssociateAddress,
//! DisassociateAddress, ReleaseAddress, DescribeAddresses.

use xvpc_model::elastic_ip::{self, Address, Associate};
use xvpc_model::{IdKind, ModelError, State};
use xvpc_wire::shape::ReturnTrue;
use xvpc_wire::shapes::ec2::{self as shape, ops};

use super::{filter_list, tag_set, tags_from_specs, unsupported};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::AllocateAddress, allocate_address),
    crate::typed!(ops::AssociateAddress, associate_address),
    crate::typed!(ops::DisassociateAddress, disassociate_address),
    crate::typed!(ops::ReleaseAddress, release_address),
    crate::typed!(ops::DescribeAddresses, describe_addresses),
];

/// Every address comes from Amazon's pool of the caller's Region.
const POOL: &str = "amazon";

/// The `Address` structure AWS describes: where it is associated, the
/// instance behind that interface if any.
pub fn address_shape(a: &Address, state: &State) -> shape::Address {
    let mut out = shape::Address {
        allocation_id: Some(a.id.clone()),
        public_ip: Some(a.public_ip.to_string()),
        domain: Some(shape::DomainType::Vpc),
        tags: tag_set(&a.tags),
        public_ipv4_pool: Some(POOL.into()),
        network_border_group: Some(a.region.clone()),
        ..Default::default()
    };
    if let Some(x) = &a.association {
        let eni = state.network_interfaces.get(&x.network_interface_id);
        out.instance_id = eni.and_then(|e| e.attachment.as_ref()).map(|t| t.instance_id.clone());
        out.association_id = Some(x.id.clone());
        out.network_interface_id = Some(x.network_interface_id.clone());
        out.network_interface_owner_id = eni.map(|e| e.owner.clone());
        out.private_ip_address = Some(x.private_ip.to_string());
    }
    out
}

pub(crate) fn allocate_address(call: &mut Call, input: shape::AllocateAddressRequest) -> Result<shape::AllocateAddressResult> {
    if input.address.is_some() || input.public_ipv4_pool.as_deref().is_some_and(|p| p != POOL) || input.ipam_pool_id.is_some() {
        return Err(unsupported("Bring-your-own addresses"));
    }
    if input.customer_owned_ipv4_pool.is_some() {
        return Err(unsupported("Customer-owned addresses"));
    }
    // xvpc's Regions have one border group each, named after the Region
    // (no Local or Wavelength Zones).
    if let Some(g) = input.network_border_group.as_deref().filter(|g| *g != call.ctx.region) {
        return Err(unsupported(&format!("Network border groups other than the Region ('{g}')")));
    }
    let tags = tags_from_specs(&input.tag_specifications, "elastic-ip")?;
    let (ch, id) = elastic_ip::allocate(call.state(), &call.ctx, tags)?;
    call.commit(ch)?;
    let a = &call.state().addresses[&id];
    Ok(shape::AllocateAddressResult {
        allocation_id: Some(a.id.clone()),
        public_ip: Some(a.public_ip.to_string()),
        domain: Some(shape::DomainType::Vpc),
        public_ipv4_pool: Some(POOL.into()),
        network_border_group: Some(a.region.clone()),
        ..Default::default()
    })
}

pub(crate) fn associate_address(call: &mut Call, input: shape::AssociateAddressRequest) -> Result<shape::AssociateAddressResult> {
    let a = elastic_ip::find(call.state(), &call.ctx, input.allocation_id.as_deref(), input.public_ip.as_deref())?.clone();
    let associate = Associate {
        instance_id: input.instance_id,
        network_interface_id: input.network_interface_id,
        private_ip: input.private_ip_address,
        allow_reassociation: input.allow_reassociation.unwrap_or(false),
    };
    let (ch, id) = elastic_ip::associate(call.state(), &call.ctx, &a, associate)?;
    call.commit(ch)?;
    Ok(shape::AssociateAddressResult { association_id: Some(id) })
}

pub(crate) fn disassociate_address(call: &mut Call, input: shape::DisassociateAddressRequest) -> Result<ReturnTrue> {
    let assoc = match input.association_id {
        Some(id) => id,
        None => {
            let a = elastic_ip::find(call.state(), &call.ctx, None, input.public_ip.as_deref())?;
            match &a.association {
                Some(x) => x.id.clone(),
                // Idempotent, as AWS documents.
                None => return Ok(ReturnTrue),
            }
        }
    };
    let ch = elastic_ip::disassociate(call.state(), &call.ctx, &assoc)?;
    call.commit(ch)?;
    Ok(ReturnTrue)
}

pub(crate) fn release_address(call: &mut Call, input: shape::ReleaseAddressRequest) -> Result<ReturnTrue> {
    let a = elastic_ip::find(call.state(), &call.ctx, input.allocation_id.as_deref(), input.public_ip.as_deref())?;
    // The ReleaseAddress reference: a wrong border group is InvalidAddress.NotFound.
    if input.network_border_group.as_deref().is_some_and(|g| g != a.region) {
        return Err(ModelError::NotFound(IdKind::ElasticIp, a.public_ip.to_string()).into());
    }
    let ch = elastic_ip::release(a)?;
    call.commit(ch)?;
    Ok(ReturnTrue)
}

/// DescribeAddresses is not paginated in AWS: every address in one answer.
pub(crate) fn describe_addresses(call: &mut Call, input: shape::DescribeAddressesRequest) -> Result<shape::DescribeAddressesResult> {
    let (ids, ips) = (input.allocation_ids, input.public_ips);
    let fs = filter_list(&input.filters);
    let s = call.state();
    for id in &ids {
        elastic_ip::find(s, &call.ctx, Some(id), None)?;
    }
    for ip in &ips {
        elastic_ip::find(s, &call.ctx, None, Some(ip))?;
    }
    let listed = |a: &&Address| (ids.is_empty() || ids.contains(&a.id)) && (ips.is_empty() || ips.contains(&a.public_ip.to_string()));
    let out = elastic_ip::FILTERS.select(&fs, s, &call.ctx, s.addresses.scope(&call.ctx).filter(listed))?;
    Ok(shape::DescribeAddressesResult { addresses: out.into_iter().map(|a| address_shape(a, s)).collect() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape_coverage::missing;

    #[test]
    fn describe_addresses_carries_every_member_xvpc_holds() {
        let w = xvpc_model::populated::world();
        let addresses: Vec<_> = w.state.addresses.scope(&w.ctx).map(|a| address_shape(a, &w.state)).collect();
        assert!(addresses.iter().any(|a| a.association_id.is_some()), "the world has an associated address");
        let xml = xvpc_wire::xml_output::body(&shape::DescribeAddressesResult { addresses });
        assert_eq!(
            missing("ec2", "DescribeAddressesResult", &xml),
            [
                // No Wavelength, Outposts or service-managed addresses in
                // xvpc; SubnetId is only for addresses held in a subnet by a
                // service.
                "Address.CarrierIp",
                "Address.CustomerOwnedIp",
                "Address.CustomerOwnedIpv4Pool",
                "Address.ServiceManaged",
                "Address.SubnetId",
            ]
        );
    }
}
