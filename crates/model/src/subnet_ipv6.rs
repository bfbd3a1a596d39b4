//! A subnet's IPv6 block and the IPv6 addresses given out from it.
//!
//! AWS's rules (API reference of CreateSubnet, AssociateSubnetCidrBlock and
//! DisassociateSubnetCidrBlock; VPC user guide "Subnet CIDR blocks"):
//! - a subnet's IPv6 block has "a fixed prefix length of /64", lies inside
//!   one of its VPC's IPv6 blocks and overlaps no other subnet's
//!   (`InvalidSubnet.Range`, `InvalidSubnet.Conflict`);
//! - "You can only associate a single IPv6 CIDR block with your subnet";
//! - a block cannot be disassociated while resources use it, nor the only
//!   block of an IPv6-only subnet;
//! - the first four and the last address of the block are reserved;
//!   interfaces get addresses from the rest, never one in use.

use std::collections::HashSet;
use std::net::Ipv6Addr;

use serde::{Deserialize, Serialize};

use crate::cidr::{self, Ipv6Net};
use crate::error::{IdKind, ModelError, Result};
use crate::ids::new_id;
use crate::state::{owned, Changes, Ctx, State};
use crate::subnet::Subnet;
use crate::vpc::Vpc;

/// A subnet's IPv6 block and its association id (`subnet-cidr-assoc-`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubnetIpv6Block {
    pub association_id: String,
    pub cidr: Ipv6Net,
}

impl SubnetIpv6Block {
    /// A new association of `cidr`.
    pub fn new(cidr: Ipv6Net) -> SubnetIpv6Block {
        SubnetIpv6Block { association_id: new_id("subnet-cidr-assoc"), cidr }
    }
}

/// Checks a subnet IPv6 block given as text: canonical form, /64, inside
/// one of `vpc`'s IPv6 blocks, overlapping no block of another subnet of
/// the VPC (`except`: the subnet being changed).
pub fn check_block(state: &State, vpc: &Vpc, except: Option<&str>, s: &str) -> Result<Ipv6Net> {
    let net = cidr::parse_canonical_v6(s).ok_or_else(|| {
        ModelError::InvalidParameterValue(format!("Value ({s}) for parameter ipv6CidrBlock is invalid. This is not a valid CIDR block."))
    })?;
    if net.prefix_len() != cidr::SUBNET_V6_LEN || !vpc.ipv6_cidrs().any(|c| cidr::contains_v6(&c, &net)) {
        return Err(ModelError::InvalidSubnetRange(s.to_string()));
    }
    let taken = state
        .subnets
        .owned_by(&vpc.owner, &vpc.region)
        .filter(|x| x.vpc_id == vpc.id && Some(x.id.as_str()) != except)
        .any(|x| x.ipv6_cidrs().any(|c| cidr::overlaps_v6(&c, &net)));
    if taken {
        return Err(ModelError::InvalidSubnetConflict(s.to_string()));
    }
    Ok(net)
}

/// AssociateSubnetCidrBlock: the subnet's one IPv6 block.
pub fn associate(state: &State, ctx: &Ctx, subnet_id: &str, ipv6_cidr: &str) -> Result<(Changes, SubnetIpv6Block)> {
    let subnet = owned(&state.subnets, ctx, IdKind::Subnet, subnet_id)?;
    let vpc = owned(&state.vpcs, ctx, IdKind::Vpc, &subnet.vpc_id)?;
    if !subnet.ipv6_cidr_blocks.is_empty() {
        return Err(ModelError::InvalidParameterValue(format!(
            "The subnet '{subnet_id}' already has an IPv6 CIDR block associated: you can only associate a single IPv6 CIDR block with your subnet"
        )));
    }
    let block = SubnetIpv6Block::new(check_block(state, vpc, Some(subnet_id), ipv6_cidr)?);
    let mut s = subnet.clone();
    s.ipv6_cidr_blocks.push(block.clone());
    let mut ch = Changes::new();
    ch.put(s);
    Ok((ch, block))
}

/// DisassociateSubnetCidrBlock: refused while an interface holds an IPv6
/// address of the block. Returns the subnet id and the block.
pub fn disassociate(state: &State, ctx: &Ctx, association_id: &str) -> Result<(Changes, String, SubnetIpv6Block)> {
    let subnet = state
        .subnets
        .scope(ctx)
        .find(|s| s.ipv6_cidr_blocks.iter().any(|b| b.association_id == association_id))
        .ok_or_else(|| ModelError::NotFound(IdKind::SubnetCidrBlockAssociation, association_id.to_string()))?;
    let block = subnet.ipv6_cidr_blocks.iter().find(|b| b.association_id == association_id).cloned().expect("found above");
    if subnet.ipv6_native() {
        return Err(ModelError::OperationNotPermitted(format!(
            "The subnet CIDR block with association ID {association_id} may not be disassociated. It is the only CIDR block of the IPv6-only subnet '{}'",
            subnet.id
        )));
    }
    let in_use = state.network_interfaces.values().any(|e| e.subnet_id == subnet.id && e.ipv6_addresses.iter().any(|a| block.cidr.contains(a)));
    if in_use {
        return Err(ModelError::DependencyViolation(format!(
            "The subnet CIDR block with association ID {association_id} may not be disassociated. Network interfaces in subnet '{}' use its addresses",
            subnet.id
        )));
    }
    let mut s = subnet.clone();
    s.ipv6_cidr_blocks.retain(|b| b.association_id != association_id);
    let mut ch = Changes::new();
    ch.put(s);
    Ok((ch, subnet.id.clone(), block))
}

/// ModifySubnetAttribute `AssignIpv6AddressOnCreation`.
pub fn set_assign_on_creation(state: &State, ctx: &Ctx, subnet_id: &str, on: bool) -> Result<Changes> {
    let mut s = owned(&state.subnets, ctx, IdKind::Subnet, subnet_id)?.clone();
    s.assign_ipv6_address_on_creation = on;
    let mut ch = Changes::new();
    ch.put(s);
    Ok(ch)
}

/// The IPv6 addresses interfaces of `subnet` hold, plus `also_taken`.
fn used(state: &State, subnet: &Subnet, also_taken: &[Ipv6Addr]) -> HashSet<Ipv6Addr> {
    state
        .network_interfaces
        .values()
        .filter(|e| e.subnet_id == subnet.id)
        .flat_map(|e| e.ipv6_addresses.iter().copied())
        .chain(also_taken.iter().copied())
        .collect()
}

/// The lowest free address of the subnet's IPv6 block (after the four
/// reserved ones), avoiding `also_taken` (given out earlier in the same
/// request). A subnet without an IPv6 block has none to give.
pub fn allocate(state: &State, subnet: &Subnet, also_taken: &[Ipv6Addr]) -> Result<Ipv6Addr> {
    let block = subnet.ipv6_cidrs().next().ok_or_else(|| no_block(subnet))?;
    let used = used(state, subnet, also_taken);
    let base = u128::from(block.network());
    // At most `used.len() + 1` candidates are needed: a /64 never fills up.
    (4..=(used.len() as u128 + 4))
        .map(|off| Ipv6Addr::from(base + off))
        .find(|ip| block.contains(ip) && !cidr::is_reserved_v6(&block, *ip) && !used.contains(ip))
        .ok_or_else(|| ModelError::InsufficientFreeAddresses(subnet.id.clone()))
}

/// Checks a requested IPv6 address: in the subnet's block, not reserved,
/// not in use.
pub fn check_address(state: &State, subnet: &Subnet, ip: Ipv6Addr, also_taken: &[Ipv6Addr]) -> Result<()> {
    if !subnet.ipv6_cidrs().any(|b| b.contains(&ip) && !cidr::is_reserved_v6(&b, ip)) {
        return Err(ModelError::InvalidParameterValue(format!("Address {ip} does not fall within the subnet's address range")));
    }
    if used(state, subnet, also_taken).contains(&ip) {
        return Err(ModelError::AddressInUse(ip.to_string()));
    }
    Ok(())
}

fn no_block(subnet: &Subnet) -> ModelError {
    ModelError::InvalidParameterValue(format!("The subnet '{}' has no IPv6 CIDR block: it cannot assign IPv6 addresses", subnet.id))
}

/// Parses an IPv6 address parameter.
pub fn parse_address(s: &str) -> Result<Ipv6Addr> {
    s.trim().parse().map_err(|_| ModelError::InvalidParameterValue(format!("Invalid IPv6 address: {s}")))
}

/// The IPv6 addresses a new interface gets: those asked for (checked), or
/// `count` allocated, or one when the subnet assigns on creation.
pub fn for_new_interface(state: &State, subnet: &Subnet, asked: &[Ipv6Addr], count: Option<u32>, also_taken: &[Ipv6Addr]) -> Result<Vec<Ipv6Addr>> {
    if !asked.is_empty() && count.is_some() {
        return Err(ModelError::InvalidParameterCombination("Only one of ipv6Addresses or ipv6AddressCount may be specified".into()));
    }
    let mut out: Vec<Ipv6Addr> = Vec::new();
    for ip in asked {
        let mut taken = also_taken.to_vec();
        taken.extend(&out);
        check_address(state, subnet, *ip, &taken)?;
        out.push(*ip);
    }
    let n = match count {
        Some(n) => n,
        None if asked.is_empty() && subnet.assign_ipv6_address_on_creation && !subnet.ipv6_cidr_blocks.is_empty() => 1,
        None => 0,
    };
    for _ in 0..n {
        let mut taken = also_taken.to_vec();
        taken.extend(&out);
        out.push(allocate(state, subnet, &taken)?);
    }
    Ok(out)
}

#[cfg(test)]
#[path = "subnet_ipv6_tests.rs"]
mod tests;
