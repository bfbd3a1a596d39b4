//! NAT gateways: a subnet's way out for instances without public addresses.
//!
//! AWS's rules (VPC user guide "NAT gateways", API reference of
//! CreateNatGateway and the `NatGateway` structure):
//! - a NAT gateway lives in one subnet, on a requester-managed network
//!   interface (`nat_gateway`, no security groups) holding its private
//!   address (given, or the first free one) and any secondary ones;
//! - a *public* gateway (the default) takes an Elastic IP: traffic leaves
//!   the internet gateway with that address as its source; a *private* one
//!   takes none and translates to its private address (towards a peered or
//!   transit-gateway-attached network);
//! - it is `pending`, then `available`; or `failed` with a failure code and
//!   message (`Gateway.NotAttached` for a public gateway in a VPC without
//!   an internet gateway, `Resource.AlreadyAssociated` for an Elastic IP in
//!   use, `InsufficientFreeAddressesInSubnet`); DeleteNatGateway makes it
//!   `deleting`, then `deleted`, and it stays listed a while. Its
//!   interface goes and its Elastic IPs are disassociated when it is
//!   deleted; routes to it then show `blackhole`.
//!
//! States are derived from the clock when read, as other lifecycles are.

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use crate::elastic_ip::{Address, AddressAssociation};
use crate::error::{IdKind, ModelError, Result};
use crate::filter::{one, Field, FilterTable};
use crate::ids::new_id;
use crate::state::{owned, Changes, Ctx, ResourceKind, State};
use crate::tags::Tags;

/// How long a new gateway reports `pending` (then `available` or
/// `failed`), and a deleted one `deleting` (then `deleted`).
pub const PENDING_MS: i64 = 2_000;
/// How long deleted and failed gateways stay listed ("about an hour").
pub const VISIBLE_MS: i64 = 60 * 60 * 1000;

crate::aws_enum! {
    /// Public (through an internet gateway, with an Elastic IP) or private.
    #[derive(Serialize, Deserialize)]
    pub enum Connectivity {
        Public = "public",
        Private = "private",
    }
}

crate::aws_enum! {
    /// A NAT gateway's lifecycle state as AWS names it.
    pub enum NatState {
        Pending = "pending",
        Failed = "failed",
        Available = "available",
        Deleting = "deleting",
        Deleted = "deleted",
    }
}

/// Why creating a gateway failed (shown as `failureCode`/`failureMessage`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum NatFailure {
    /// A public gateway in a VPC without an internet gateway.
    GatewayNotAttached,
    /// The Elastic IP (allocation id) is associated elsewhere.
    AddressAlreadyAssociated(String),
    /// The subnet has no free address for the interface.
    InsufficientFreeAddresses,
}

/// One address of a gateway: a private address of its interface, with the
/// Elastic IP mapped to it (public gateways).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NatAddress {
    pub private_ip: Ipv4Addr,
    pub allocation_id: Option<String>,
    pub public_ip: Option<Ipv4Addr>,
    /// The Elastic IP's association (`eipassoc-...`).
    pub association_id: Option<String>,
    pub primary: bool,
}

/// A NAT gateway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NatGateway {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub vpc_id: String,
    pub subnet_id: String,
    pub connectivity: Connectivity,
    /// Its interface, while it has one (not when failed or deleted).
    pub network_interface_id: Option<String>,
    /// Primary first. Failed gateways keep what was asked for.
    pub addresses: Vec<NatAddress>,
    pub created_at: i64,
    pub deleted_at: Option<i64>,
    pub failure: Option<NatFailure>,
    pub tags: Tags,
}
crate::impl_owned!(NatGateway);

impl NatGateway {
    /// The state at `now`.
    pub fn state(&self, now: i64) -> NatState {
        match (self.deleted_at, &self.failure) {
            (Some(t), _) if now - t < PENDING_MS => NatState::Deleting,
            (Some(_), _) => NatState::Deleted,
            _ if now - self.created_at < PENDING_MS => NatState::Pending,
            (None, Some(_)) => NatState::Failed,
            (None, None) => NatState::Available,
        }
    }

    /// Whether it translates traffic at `now`.
    pub fn is_available(&self, now: i64) -> bool {
        self.state(now) == NatState::Available
    }

    /// Whether DescribeNatGateways still lists it at `now`.
    pub fn listed(&self, now: i64) -> bool {
        let gone = self.deleted_at.or(self.failure.as_ref().map(|_| self.created_at + PENDING_MS));
        gone.is_none_or(|t| now - t < VISIBLE_MS)
    }

    /// The primary address (the source address of translated traffic:
    /// public for a public gateway, private for a private one).
    pub fn primary(&self) -> Option<&NatAddress> {
        self.addresses.iter().find(|a| a.primary)
    }

    /// The address translated traffic leaves with.
    pub fn source_ip(&self) -> Option<Ipv4Addr> {
        let p = self.primary()?;
        match self.connectivity {
            Connectivity::Public => p.public_ip,
            Connectivity::Private => Some(p.private_ip),
        }
    }

    /// The failure as the error AWS names (its code is the failure code).
    pub fn failure_error(&self) -> Option<ModelError> {
        Some(match self.failure.as_ref()? {
            NatFailure::GatewayNotAttached => ModelError::GatewayNotAttached(format!("Network {} has no Internet gateway attached", self.vpc_id)),
            NatFailure::AddressAlreadyAssociated(a) => ModelError::AlreadyAssociated(format!("Elastic IP address {a} is already associated")),
            NatFailure::InsufficientFreeAddresses => {
                ModelError::InsufficientFreeAddresses("Subnet has insufficient free addresses to create this NAT gateway".into())
            }
        })
    }
}

/// DescribeNatGateways' filters.
pub const FILTERS: FilterTable<NatGateway> = FilterTable {
    tags: Some(|g, _| Some(&g.tags)),
    fields: &[
        ("nat-gateway-id", Field::Values(|g, _| one(&g.id))),
        ("state", Field::Values(|g, e| one(g.state(e.ctx.now).as_str()))),
        ("subnet-id", Field::Values(|g, _| one(&g.subnet_id))),
        ("vpc-id", Field::Values(|g, _| one(&g.vpc_id))),
    ],
};

/// The input of CreateNatGateway.
#[derive(Debug, Clone, Default)]
pub struct CreateNatGateway {
    pub subnet_id: String,
    pub private: bool,
    pub allocation_id: Option<String>,
    pub private_ip: Option<String>,
    pub secondary_allocation_ids: Vec<String>,
    pub secondary_private_ips: Vec<String>,
    pub secondary_private_ip_count: Option<i32>,
    pub tags: Tags,
}

/// The gateway a caller may see by id (its own; deleted and failed ones
/// while listed).
pub fn visible<'a>(state: &'a State, ctx: &Ctx, id: &str) -> Result<&'a NatGateway> {
    let g = owned(&state.nat_gateways, ctx, IdKind::NatGateway, id)?;
    if !g.listed(ctx.now) {
        return Err(ModelError::NotFound(IdKind::NatGateway, id.to_string()));
    }
    Ok(g)
}

/// The first reason an Elastic IP cannot go to a new gateway.
fn eip_failure(addresses: &[&Address]) -> Option<NatFailure> {
    addresses.iter().find(|a| a.association.is_some()).map(|a| NatFailure::AddressAlreadyAssociated(a.id.clone()))
}

/// CreateNatGateway. Requests AWS refuses at once are errors; what AWS
/// reports through a `failed` gateway (no internet gateway, an Elastic IP
/// in use, a full subnet) makes one.
pub fn create(state: &State, ctx: &Ctx, input: CreateNatGateway) -> Result<(Changes, String)> {
    let subnet = owned(&state.subnets, ctx, IdKind::Subnet, &input.subnet_id)?;
    let connectivity = if input.private { Connectivity::Private } else { Connectivity::Public };
    let mut eips: Vec<&Address> = Vec::new();
    match connectivity {
        Connectivity::Public => {
            let Some(primary) = input.allocation_id.as_deref() else {
                return Err(ModelError::MissingParameter("The request must include the AllocationId parameter. Add the required parameter and retry the request.".into()));
            };
            for a in std::iter::once(primary).chain(input.secondary_allocation_ids.iter().map(String::as_str)) {
                let addr = owned(&state.addresses, ctx, IdKind::ElasticIpAllocation, a)?;
                if eips.iter().any(|x| x.id == addr.id) {
                    return Err(ModelError::InvalidParameterValue(format!("Elastic IP address {a} is given more than once")));
                }
                eips.push(addr);
            }
            if input.secondary_private_ip_count.is_some() {
                return Err(ModelError::InvalidParameterCombination(
                    "SecondaryPrivateIpAddressCount is for private NAT gateways; a public one takes SecondaryAllocationIds".into(),
                ));
            }
            if !input.secondary_private_ips.is_empty() && input.secondary_private_ips.len() != input.secondary_allocation_ids.len() {
                return Err(ModelError::InvalidParameterCombination(
                    "SecondaryPrivateIpAddresses must pair one address with each of SecondaryAllocationIds".into(),
                ));
            }
        }
        Connectivity::Private => {
            if input.allocation_id.is_some() || !input.secondary_allocation_ids.is_empty() {
                return Err(ModelError::InvalidParameterCombination("You cannot specify an Elastic IP address with a private NAT gateway.".into()));
            }
            if input.secondary_private_ip_count.is_some() && !input.secondary_private_ips.is_empty() {
                return Err(ModelError::InvalidParameterCombination(
                    "SecondaryPrivateIpAddresses and SecondaryPrivateIpAddressCount cannot both be given".into(),
                ));
            }
        }
    }
    if let Some(n) = input.secondary_private_ip_count {
        if !(1..=31).contains(&n) {
            return Err(ModelError::InvalidParameterValue(format!("SecondaryPrivateIpAddressCount {n} is not between 1 and 31")));
        }
    }
    // Requested addresses must be the subnet's and free (errors now).
    let mut wanted: Vec<Ipv4Addr> = Vec::new();
    for ip in input.private_ip.iter().chain(&input.secondary_private_ips) {
        let ip = crate::network_interface::parse_ip(ip)?;
        crate::subnet::check_ip(state, subnet, ip)?;
        if wanted.contains(&ip) {
            return Err(ModelError::InvalidParameterValue(format!("Address {ip} is given more than once")));
        }
        wanted.push(ip);
    }
    let id = new_id("nat");
    let mut g = NatGateway {
        id: id.clone(),
        owner: ctx.account.clone(),
        region: ctx.region.clone(),
        vpc_id: subnet.vpc_id.clone(),
        subnet_id: subnet.id.clone(),
        connectivity,
        network_interface_id: None,
        addresses: Vec::new(),
        created_at: ctx.now,
        deleted_at: None,
        failure: None,
        tags: input.tags,
    };
    let secondaries = match connectivity {
        Connectivity::Public => input.secondary_allocation_ids.len(),
        Connectivity::Private => input.secondary_private_ip_count.map_or(input.secondary_private_ips.len(), |n| n as usize),
    };
    // The addresses of the interface: the requested ones, then free ones.
    let mut ips: Vec<Ipv4Addr> = Vec::new();
    let requested_primary = input.private_ip.as_ref().map(|_| wanted[0]);
    let requested_secondary: Vec<Ipv4Addr> = wanted.iter().skip(usize::from(requested_primary.is_some())).copied().collect();
    let mut full = false;
    for i in 0..=secondaries {
        let given = if i == 0 { requested_primary } else { requested_secondary.get(i - 1).copied() };
        let ip = match given {
            Some(ip) => Some(ip),
            None => {
                let taken: Vec<Ipv4Addr> = ips.iter().chain(&wanted).copied().collect();
                crate::subnet::allocate_ip(state, subnet, &taken).ok()
            }
        };
        match ip {
            Some(ip) => ips.push(ip),
            None => full = true,
        }
    }
    let internet_gateway = crate::internet_gateway::attached_to(state, &subnet.vpc_id).is_some();
    g.failure = if full {
        Some(NatFailure::InsufficientFreeAddresses)
    } else if connectivity == Connectivity::Public && !internet_gateway {
        Some(NatFailure::GatewayNotAttached)
    } else {
        eip_failure(&eips)
    };
    let mut ch = Changes::new();
    for (i, ip) in ips.iter().enumerate() {
        let eip = eips.get(i);
        g.addresses.push(NatAddress {
            private_ip: *ip,
            allocation_id: eip.map(|a| a.id.clone()),
            public_ip: eip.map(|a| a.public_ip),
            association_id: None,
            primary: i == 0,
        });
    }
    if g.failure.is_none() {
        let mut eni = crate::network_interface::requester_managed(subnet, ips[0], Vec::new(), format!("Interface for NAT Gateway {id}"), "nat_gateway", &ctx.account);
        eni.secondary_ips = ips[1..].to_vec();
        eni.public_ip = eips.first().map(|a| a.public_ip);
        for (addr, eip) in g.addresses.iter_mut().zip(&eips) {
            let assoc = AddressAssociation { id: new_id("eipassoc"), network_interface_id: eni.id.clone(), private_ip: addr.private_ip };
            addr.association_id = Some(assoc.id.clone());
            let mut a = (*eip).clone();
            a.association = Some(assoc);
            ch.put(a);
        }
        g.network_interface_id = Some(eni.id.clone());
        ch.put(eni);
    }
    ch.put(g);
    Ok((ch, id))
}

/// DeleteNatGateway: `deleting`, then `deleted`. Its interface goes and its
/// Elastic IPs are free again at once.
pub fn delete(state: &State, ctx: &Ctx, id: &str) -> Result<Changes> {
    let g = visible(state, ctx, id)?;
    if g.deleted_at.is_some() {
        // Deleting twice changes nothing (AWS answers with the id).
        return Ok(Changes::new());
    }
    let mut ch = Changes::new();
    let mut g = g.clone();
    for a in &mut g.addresses {
        if let Some(eip) = a.allocation_id.as_ref().and_then(|x| state.addresses.get(x)).filter(|e| e.association.as_ref().map(|x| &x.id) == a.association_id.as_ref() && a.association_id.is_some()) {
            let mut eip = eip.clone();
            eip.association = None;
            ch.put(eip);
        }
        a.association_id = None;
    }
    if let Some(eni) = g.network_interface_id.take() {
        ch.delete(ResourceKind::NetworkInterface, &eni);
    }
    g.deleted_at = Some(ctx.now);
    ch.put(g);
    Ok(ch)
}

/// The gateway whose interface is `eni_id`, if any.
pub fn of_interface<'a>(state: &'a State, eni_id: &str) -> Option<&'a NatGateway> {
    state.nat_gateways.values().find(|g| g.network_interface_id.as_deref() == Some(eni_id))
}

#[cfg(test)]
#[path = "nat_gateway_tests.rs"]
mod tests;
