//! Elastic IP addresses: a public IPv4 address an account keeps until it
//! releases it, associated with (at most) one network interface's primary
//! private address. Unlike an instance's automatic public address it
//! survives stop/start. Associating one replaces the interface's automatic
//! address; disassociating it gives an instance launched with a public
//! address a new automatic one (EC2 user guide, "Elastic IP addresses").

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use crate::error::{IdKind, Limit, ModelError, Result};
use crate::filter::{one, opt, Field, FilterTable};
use crate::ids::new_id;
use crate::network_interface::NetworkInterface;
use crate::state::{owned, Changes, Ctx, ResourceKind, State};
use crate::tags::Tags;

/// An allocated Elastic IP address; its id is the allocation id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Address {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub public_ip: Ipv4Addr,
    pub association: Option<AddressAssociation>,
    pub tags: Tags,
}
crate::impl_owned!(Address);

/// Where an Elastic IP address is associated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressAssociation {
    /// `eipassoc-...`.
    pub id: String,
    pub network_interface_id: String,
    pub private_ip: Ipv4Addr,
}

impl Address {
    /// The interface the address is associated with.
    fn interface<'a>(&self, state: &'a State) -> Option<&'a NetworkInterface> {
        self.association.as_ref().and_then(|a| state.network_interfaces.get(&a.network_interface_id))
    }
}

/// DescribeAddresses' filters (`domain` is the older one; every address is
/// `vpc`).
pub const FILTERS: FilterTable<Address> = FilterTable {
    tags: Some(|a, _| Some(&a.tags)),
    fields: &[
        ("allocation-id", Field::Values(|a, _| one(&a.id))),
        ("association-id", Field::Values(|a, _| opt(a.association.as_ref().map(|x| &x.id)))),
        ("domain", Field::Values(|_, _| one("vpc"))),
        ("instance-id", Field::Values(|a, e| opt(a.interface(e.state).and_then(|i| i.attachment.as_ref()).map(|x| &x.instance_id)))),
        ("network-border-group", Field::Values(|a, _| one(&a.region))),
        ("network-interface-id", Field::Values(|a, _| opt(a.association.as_ref().map(|x| &x.network_interface_id)))),
        ("network-interface-owner-id", Field::Values(|a, e| opt(a.interface(e.state).map(|i| &i.owner)))),
        ("private-ip-address", Field::Values(|a, _| opt(a.association.as_ref().map(|x| x.private_ip)))),
        ("public-ip", Field::Values(|a, _| one(a.public_ip))),
    ],
};

/// The Elastic IP address associated with an ENI, if any.
pub fn of_eni<'a>(state: &'a State, eni_id: &str) -> Option<&'a Address> {
    state.addresses.values().find(|a| a.association.as_ref().is_some_and(|x| x.network_interface_id == eni_id))
}

/// AWS's default quota of Elastic IP addresses per Region ("EC2-VPC
/// Elastic IPs": 5).
pub const ADDRESSES_PER_REGION: usize = 5;

/// AllocateAddress: a free address of the region's pool, within the quota.
pub fn allocate(state: &State, ctx: &Ctx, tags: Tags) -> Result<(Changes, String)> {
    if state.addresses.scope(ctx).count() >= ADDRESSES_PER_REGION {
        return Err(ModelError::LimitExceeded(Limit::Addresses, "The maximum number of addresses has been reached.".into()));
    }
    let ip = crate::public_ip::allocate(state, &ctx.region, &[])?;
    let a = Address { id: new_id("eipalloc"), owner: ctx.account.clone(), region: ctx.region.clone(), public_ip: ip, association: None, tags };
    let id = a.id.clone();
    let mut ch = Changes::new();
    ch.put(a);
    Ok((ch, id))
}

/// The caller's address, by allocation id or (deprecated) public IP.
pub fn find<'a>(state: &'a State, ctx: &Ctx, allocation_id: Option<&str>, public_ip: Option<&str>) -> Result<&'a Address> {
    match (allocation_id, public_ip) {
        (Some(id), _) => owned(&state.addresses, ctx, IdKind::ElasticIpAllocation, id),
        (None, Some(ip)) => state
            .addresses
            .scope(ctx)
            .find(|a| a.public_ip.to_string() == ip)
            .ok_or_else(|| ModelError::NotFound(IdKind::ElasticIp, ip.to_string())),
        (None, None) => Err(ModelError::MissingParameter("allocationId".into())),
    }
}

/// Input of AssociateAddress.
#[derive(Debug, Clone, Default)]
pub struct Associate {
    pub instance_id: Option<String>,
    pub network_interface_id: Option<String>,
    pub private_ip: Option<String>,
    pub allow_reassociation: bool,
}

/// The ENI `e` without its Elastic IP: an instance's primary ENI launched
/// with a public address gets a new automatic one, others have none.
fn without_elastic(state: &State, e: &NetworkInterface, taken: &[Ipv4Addr]) -> Result<NetworkInterface> {
    let mut e = e.clone();
    let inst = e.attachment.as_ref().and_then(|a| state.instances.get(&a.instance_id));
    e.public_ip = match inst {
        Some(i) if i.auto_public_ip && i.primary_eni == e.id && i.state.is_running() => Some(crate::public_ip::allocate(state, &e.region, taken)?),
        _ => None,
    };
    Ok(e)
}

/// AssociateAddress: with an instance's primary ENI or a named ENI, in a
/// VPC with an attached internet gateway. Returns the association id.
pub fn associate(state: &State, ctx: &Ctx, address: &Address, input: Associate) -> Result<(Changes, String)> {
    let eni = match (&input.instance_id, &input.network_interface_id) {
        (_, Some(id)) => owned(&state.network_interfaces, ctx, IdKind::NetworkInterface, id)?,
        (Some(id), None) => {
            let i = crate::instance::visible(state, ctx, id)?;
            if i.state == crate::instance::InstanceState::Terminated {
                return Err(ModelError::IncorrectInstanceState(format!("The instance '{id}' is not in a valid state for this operation.")));
            }
            owned(&state.network_interfaces, ctx, IdKind::NetworkInterface, &i.primary_eni)?
        }
        (None, None) => return Err(ModelError::MissingParameter("Either instance ID or network interface id must be specified".into())),
    };
    if let Some(ip) = input.private_ip.as_deref() {
        let ip = crate::network_interface::parse_ip(ip)?;
        if !eni.all_ips().any(|x| x == ip) {
            return Err(ModelError::InvalidParameterValue(format!("The specified private IP address {ip} is not assigned to network interface {}.", eni.id)));
        }
        if ip != eni.private_ip {
            return Err(ModelError::InvalidParameterValue("xvpc associates Elastic IP addresses with the primary private address only".into()));
        }
    }
    if !state.internet_gateways.values().any(|g| g.attached_vpc.as_deref() == Some(eni.vpc_id.as_str())) {
        return Err(ModelError::GatewayNotAttached(format!("Network {} is not attached to any internet gateway", eni.vpc_id)));
    }
    let mut ch = Changes::new();
    if let Some(old) = &address.association {
        if old.network_interface_id == eni.id {
            return Ok((ch, old.id.clone()));
        }
        if !input.allow_reassociation {
            return Err(ModelError::AlreadyAssociated(format!("resource {} is already associated with associate-id {}", address.id, old.id)));
        }
        if let Some(prev) = state.network_interfaces.get(&old.network_interface_id) {
            ch.put(without_elastic(state, prev, &[])?);
        }
    }
    // The ENI's previous Elastic IP, if any, is disassociated.
    if let Some(other) = of_eni(state, &eni.id).filter(|o| o.id != address.id) {
        let mut other = other.clone();
        other.association = None;
        ch.put(other);
    }
    let assoc = AddressAssociation { id: new_id("eipassoc"), network_interface_id: eni.id.clone(), private_ip: eni.private_ip };
    let id = assoc.id.clone();
    let mut a = address.clone();
    a.association = Some(assoc);
    ch.put(a);
    let mut e = eni.clone();
    e.public_ip = Some(address.public_ip);
    ch.put(e);
    Ok((ch, id))
}

/// DisassociateAddress, by association id.
pub fn disassociate(state: &State, ctx: &Ctx, association_id: &str) -> Result<Changes> {
    let a = state
        .addresses
        .scope(ctx)
        .find(|a| a.association.as_ref().is_some_and(|x| x.id == association_id))
        .ok_or_else(|| ModelError::NotFound(IdKind::Association, association_id.to_string()))?;
    let mut ch = Changes::new();
    detach(state, a, &mut ch)?;
    Ok(ch)
}

/// Removes `a`'s association (and its address from the ENI).
fn detach(state: &State, a: &Address, ch: &mut Changes) -> Result<()> {
    if let Some(e) = a.association.as_ref().and_then(|x| state.network_interfaces.get(&x.network_interface_id)) {
        ch.put(without_elastic(state, e, &[a.public_ip])?);
    }
    let mut a = a.clone();
    a.association = None;
    ch.put(a);
    Ok(())
}

/// The Elastic IP of an ENI that goes away or loses its instance: it stays
/// allocated, unassociated (the caller rewrites or deletes the ENI).
pub fn release_from(state: &State, eni_id: &str, ch: &mut Changes) {
    if let Some(a) = of_eni(state, eni_id) {
        let mut a = a.clone();
        a.association = None;
        ch.put(a);
    }
}

/// ReleaseAddress: only when not associated.
pub fn release(address: &Address) -> Result<Changes> {
    if address.association.is_some() {
        return Err(ModelError::AddressInUse(address.public_ip.to_string()));
    }
    let mut ch = Changes::new();
    ch.delete(ResourceKind::Address, &address.id);
    Ok(ch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instance::{run_instances, stop, RunInstances};
    use crate::load_balancer::tests::{apply, world};

    #[test]
    fn associate_replaces_the_automatic_address_and_survives_stop() {
        let ctx = Ctx::new("111111111111", "us-east-1", 0);
        let (mut s, vpc, subnets) = world(&ctx);
        let sub = subnets[0].clone();
        let input = RunInstances { image_id: "ami-1e749f67".into(), subnet_id: Some(sub), min_count: 1, max_count: 1, associate_public_ip: Some(true), ..Default::default() };
        let (ch, ids) = run_instances(&s, &ctx, input).unwrap();
        apply(&mut s, ch);
        let eni = s.instances[&ids[0]].primary_eni.clone();
        let auto = s.network_interfaces[&eni].public_ip.unwrap();
        let (ch, alloc) = allocate(&s, &ctx, Tags::new()).unwrap();
        apply(&mut s, ch);
        let a = s.addresses[&alloc].clone();
        assert_ne!(a.public_ip, auto);
        let by_instance = Associate { instance_id: Some(ids[0].clone()), ..Default::default() };
        assert!(matches!(associate(&s, &ctx, &a, by_instance.clone()), Err(ModelError::GatewayNotAttached(_))));
        let (ch, igw) = crate::internet_gateway::create(&ctx, Tags::new());
        apply(&mut s, ch);
        let ch = crate::internet_gateway::attach(&s, &ctx, &igw, &vpc).unwrap();
        apply(&mut s, ch);
        let (ch, assoc) = associate(&s, &ctx, &a, by_instance).unwrap();
        apply(&mut s, ch);
        assert_eq!(s.network_interfaces[&eni].public_ip, Some(a.public_ip));
        assert!(matches!(release(&s.addresses[&alloc]), Err(ModelError::AddressInUse(_))));
        let ch = stop(&s, &ctx, &ids).unwrap().0;
        apply(&mut s, ch);
        assert_eq!(s.network_interfaces[&eni].public_ip, Some(a.public_ip), "an Elastic IP stays at stop");
        let ch = crate::instance::start(&s, &ctx, &ids).unwrap().0;
        apply(&mut s, ch);
        let ch = disassociate(&s, &ctx, &assoc).unwrap();
        apply(&mut s, ch);
        let back = s.network_interfaces[&eni].public_ip.unwrap();
        assert_ne!(back, a.public_ip, "a new automatic address after disassociation");
        assert!(s.addresses[&alloc].association.is_none());
        let ch = release(&s.addresses[&alloc]).unwrap();
        apply(&mut s, ch);
        assert!(s.addresses.is_empty());
    }
}
