//! A VPC's IPv6 blocks: Amazon-provided /56s, and what AWS adds to the
//! VPC's defaults when a block arrives.
//!
//! AWS's rules (API reference of CreateVpc and AssociateVpcCidrBlock, VPC
//! user guide "Amazon VPC quotas", "Default network ACL", "Default security
//! groups"):
//! - an Amazon-provided block is a /56 the caller cannot choose; one per
//!   network border group (a VPC without Local Zones has one: its Region),
//!   and at most 5 IPv6 blocks per VPC;
//! - the default network ACL gains rule 101 allowing `::/0` in each
//!   direction whose rules are still the defaults, and every ACL of the VPC
//!   gains the final IPv6 `*` deny;
//! - the default security group gains the egress rule to `::/0`.
//!
//! Blocks come from the IPv6 documentation prefix (2001:db8::/32), never a
//! routable range: the lowest /56 that no VPC of any account or Region
//! holds, so a state always hands out the same blocks.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::cidr::{self, Ipv6Net};
use crate::error::{IdKind, Limit, ModelError, Result};
use crate::ids::new_id;
use crate::network_acl::{NaclEntry, NetworkAcl};
use crate::security_group::SecurityGroup;
use crate::state::{owned, Changes, Ctx, State};
use crate::vpc::Vpc;

/// AWS's default quota of IPv6 CIDR blocks per VPC.
pub const IPV6_CIDRS_PER_VPC: usize = 5;

/// The rule number of the default ACL's IPv6 allow rules.
pub const IPV6_ALLOW_RULE_NUMBER: i64 = 101;

/// One IPv6 block of a VPC and its association id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ipv6CidrBlock {
    pub association_id: String,
    pub cidr: Ipv6Net,
    /// `NetworkBorderGroup`: where the block is advertised from (the
    /// Region's name: xvpc has no Local Zones).
    pub network_border_group: String,
}

impl Ipv6CidrBlock {
    /// `Ipv6Pool`: AWS names Amazon's own pool `Amazon`.
    pub fn pool(&self) -> &'static str {
        "Amazon"
    }
}

/// The lowest /56 of the documentation prefix that no VPC holds.
pub fn allocate(state: &State) -> Result<Ipv6Net> {
    let pool = cidr::documentation_v6();
    let used: HashSet<Ipv6Net> = state.vpcs.values().flat_map(|v| v.ipv6_cidrs()).collect();
    let slots = 1u128 << (cidr::AMAZON_PROVIDED_LEN - pool.prefix_len());
    (0..slots)
        .filter_map(|i| cidr::nth_subnet_v6(&pool, cidr::AMAZON_PROVIDED_LEN, i))
        .find(|n| !used.contains(n))
        // 2^24 blocks: only reachable by a state no test or user builds.
        .ok_or_else(|| ModelError::InsufficientAddressCapacity(pool.to_string()))
}

/// Checks `Ipv6CidrBlockNetworkBorderGroup`: the only border group of a
/// Region without Local Zones is the Region itself.
fn border_group(ctx: &Ctx, given: Option<&str>) -> Result<String> {
    match given {
        None => Ok(ctx.region.clone()),
        Some(g) if g == ctx.region => Ok(g.to_string()),
        Some(g) => Err(ModelError::InvalidParameterValue(format!(
            "Value ({g}) for parameter Ipv6CidrBlockNetworkBorderGroup is invalid. The network border group must be {}.",
            ctx.region
        ))),
    }
}

/// A new Amazon-provided block (for CreateVpc and AssociateVpcCidrBlock).
pub fn new_block(state: &State, ctx: &Ctx, network_border_group: Option<&str>) -> Result<Ipv6CidrBlock> {
    Ok(Ipv6CidrBlock {
        association_id: new_id("vpc-cidr-assoc"),
        cidr: allocate(state)?,
        network_border_group: border_group(ctx, network_border_group)?,
    })
}

/// AssociateVpcCidrBlock with `AmazonProvidedIpv6CidrBlock`: one block per
/// border group, five blocks per VPC; the VPC's ACLs and default group get
/// their IPv6 rules.
pub fn associate_amazon_provided(state: &State, ctx: &Ctx, vpc_id: &str, network_border_group: Option<&str>) -> Result<(Changes, Ipv6CidrBlock)> {
    let vpc = owned(&state.vpcs, ctx, IdKind::Vpc, vpc_id)?;
    let block = new_block(state, ctx, network_border_group)?;
    let limit = |what: String| ModelError::LimitExceeded(Limit::VpcCidrBlocks, format!("This network '{}' has met its maximum number of allowed {what}", vpc.id));
    if vpc.ipv6_cidr_blocks.iter().any(|b| b.network_border_group == block.network_border_group) {
        return Err(limit(format!("Amazon-provided IPv6 CIDRs in network border group {}: 1", block.network_border_group)));
    }
    if vpc.ipv6_cidr_blocks.len() >= IPV6_CIDRS_PER_VPC {
        return Err(limit(format!("IPv6 CIDRs: {IPV6_CIDRS_PER_VPC}")));
    }
    let mut v = vpc.clone();
    v.ipv6_cidr_blocks.push(block.clone());
    let mut ch = Changes::new();
    for acl in state.network_acls.owned_by(&vpc.owner, &vpc.region).filter(|a| a.vpc_id == vpc.id) {
        let mut acl = acl.clone();
        if add_ipv6_rules(&mut acl) {
            ch.put(acl);
        }
    }
    if let Some(g) = crate::security_group::default_group(state, &vpc.id) {
        let mut g = g.clone();
        if add_ipv6_egress(&mut g) {
            ch.put(g);
        }
    }
    ch.events.insert(0, crate::Event::Put(v.into()));
    Ok((ch, block))
}

/// Disassociates an IPv6 block: refused while a subnet's IPv6 block lies
/// in it ("You must detach or delete all gateways and resources that are
/// associated with the CIDR block"). The ACL and group rules stay, as in
/// AWS.
pub fn disassociate(state: &State, vpc: &Vpc, association_id: &str) -> Result<(Changes, Ipv6CidrBlock)> {
    let block = vpc
        .ipv6_cidr_blocks
        .iter()
        .find(|b| b.association_id == association_id)
        .ok_or_else(|| ModelError::NotFound(IdKind::VpcCidrBlockAssociation, association_id.to_string()))?;
    let used = state
        .subnets
        .owned_by(&vpc.owner, &vpc.region)
        .any(|s| s.vpc_id == vpc.id && s.ipv6_cidrs().any(|c| cidr::contains_v6(&block.cidr, &c)));
    if used {
        return Err(ModelError::DependencyViolation(format!(
            "The vpc CIDR block with association ID {association_id} may not be disassociated. It has subnets with IPv6 CIDR blocks"
        )));
    }
    let mut v = vpc.clone();
    v.ipv6_cidr_blocks.retain(|b| b.association_id != association_id);
    let mut ch = Changes::new();
    ch.put(v);
    Ok((ch, block.clone()))
}

/// The rules an ACL of an IPv6 VPC has: the final IPv6 deny both ways and,
/// in the default ACL, rule 101 allowing `::/0` in each direction still
/// holding only its default rules. Returns whether anything was added.
pub fn add_ipv6_rules(acl: &mut NetworkAcl) -> bool {
    let before = acl.entries.len();
    for egress in [false, true] {
        if acl.is_default && is_pristine(acl, egress) {
            acl.entries.push(NaclEntry::catch_all_v6(egress, true, IPV6_ALLOW_RULE_NUMBER));
        }
        if !acl.entries.iter().any(|e| e.egress == egress && e.rule_number == crate::network_acl::IPV6_DEFAULT_RULE_NUMBER) {
            acl.entries.push(NaclEntry::catch_all_v6(egress, false, crate::network_acl::IPV6_DEFAULT_RULE_NUMBER));
        }
    }
    acl.entries.sort_by_key(|x| (x.egress, x.rule_number));
    acl.entries.len() != before
}

/// Whether one direction of a default ACL still has exactly its IPv4
/// defaults (rule 100 allowing everything, and the final deny): AWS adds
/// the IPv6 allow only then.
fn is_pristine(acl: &NetworkAcl, egress: bool) -> bool {
    let rules: Vec<&NaclEntry> = acl.entries.iter().filter(|e| e.egress == egress && e.rule_number < crate::network_acl::DEFAULT_RULE_NUMBER).collect();
    matches!(rules.as_slice(), [e] if e.rule_number == 100 && e.allow && e.protocol == crate::IpProtocol::All && e.cidr.prefix_len() == 0 && e.cidr.addr().is_ipv4())
}

/// The default group's egress rule to `::/0`. Returns whether it was added.
pub fn add_ipv6_egress(g: &mut SecurityGroup) -> bool {
    let rule = crate::security_group::allow_all_egress_v6();
    if g.egress.iter().any(|r| r.same_permission(&rule)) {
        return false;
    }
    g.egress.push(rule);
    true
}

#[cfg(test)]
#[path = "vpc_ipv6_tests.rs"]
mod tests;
