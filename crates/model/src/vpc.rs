//! VPCs: CIDR blocks, attributes, and the defaults a new VPC comes with.

use serde::{Deserialize, Serialize};

use std::net::IpAddr;

use crate::cidr::{self, Ipv4Net, Ipv6Net};
use crate::error::{IdKind, Limit, ModelError, Result};
use crate::filter::{one, Field, FilterTable};
use crate::ids::new_id;
use crate::network_acl::NetworkAcl;
use crate::route_table::RouteTable;
use crate::security_group::SecurityGroup;
use crate::state::{owned, Changes, Ctx, ResourceKind, State};
use crate::tags::Tags;

/// AWS's default quota of VPCs per region per account.
pub const VPCS_PER_REGION: usize = 5;
/// AWS's default quota of IPv4 CIDR blocks per VPC (primary included).
pub const CIDRS_PER_VPC: usize = 5;

/// A VPC. `cidr_blocks[0]` is the primary block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vpc {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub cidr_blocks: Vec<CidrBlock>,
    pub instance_tenancy: String,
    pub dhcp_options_id: String,
    pub is_default: bool,
    pub enable_dns_support: bool,
    pub enable_dns_hostnames: bool,
    pub tags: Tags,
    pub created_at: i64,
    /// IPv6 blocks (Amazon-provided /56s), in association order. Absent
    /// from state written before IPv6 existed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ipv6_cidr_blocks: Vec<Ipv6CidrBlock>,
    /// `EnableNetworkAddressUsageMetrics` (off by default; absent from
    /// state written before it existed). Stored and described only: it
    /// changes no path.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub enable_network_address_usage_metrics: bool,
}
crate::impl_owned!(Vpc);

pub use crate::vpc_ipv6::Ipv6CidrBlock;

/// One IPv4 CIDR block of a VPC and its association id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CidrBlock {
    pub association_id: String,
    pub cidr: Ipv4Net,
}

impl Vpc {
    pub fn primary_cidr(&self) -> Ipv4Net {
        self.cidr_blocks[0].cidr
    }

    pub fn cidrs(&self) -> impl Iterator<Item = Ipv4Net> + '_ {
        self.cidr_blocks.iter().map(|b| b.cidr)
    }

    /// Whether an address or block lies in one of the VPC's CIDRs.
    pub fn contains(&self, net: &Ipv4Net) -> bool {
        self.cidrs().any(|c| cidr::contains(&c, net))
    }

    /// The VPC's IPv6 blocks.
    pub fn ipv6_cidrs(&self) -> impl Iterator<Item = Ipv6Net> + '_ {
        self.ipv6_cidr_blocks.iter().map(|b| b.cidr)
    }

    /// Every block of the VPC, IPv4 then IPv6 (what its `local` routes
    /// cover).
    pub fn all_cidrs(&self) -> impl Iterator<Item = cidr::IpNet> + '_ {
        self.cidrs().map(cidr::IpNet::V4).chain(self.ipv6_cidrs().map(cidr::IpNet::V6))
    }

    /// Whether an address of either family lies in one of the VPC's blocks.
    pub fn contains_ip(&self, ip: IpAddr) -> bool {
        match ip {
            IpAddr::V4(a) => self.cidrs().any(|c| c.contains(&a)),
            IpAddr::V6(a) => self.ipv6_cidrs().any(|c| c.contains(&a)),
        }
    }

    /// The block of the VPC that holds `ip`, as text.
    pub fn block_of(&self, ip: IpAddr) -> Option<cidr::IpNet> {
        self.all_cidrs().find(|c| c.contains(&ip))
    }
}

/// DescribeVpcs' filters. `cidr-block` is the older spelling of `cidr`.
pub const FILTERS: FilterTable<Vpc> = FilterTable {
    tags: Some(|v, _| Some(&v.tags)),
    fields: &[
        ("cidr", Field::Values(|v, _| one(v.primary_cidr()))),
        ("cidr-block", Field::Values(|v, _| one(v.primary_cidr()))),
        ("cidr-block-association.cidr-block", Field::Values(|v, _| v.cidrs().map(|c| c.to_string()).collect())),
        ("cidr-block-association.association-id", Field::Values(|v, _| v.cidr_blocks.iter().map(|b| b.association_id.clone()).collect())),
        ("cidr-block-association.state", Field::Values(|v, _| v.cidr_blocks.iter().map(|_| "associated".to_string()).collect())),
        ("dhcp-options-id", Field::Values(|v, _| one(&v.dhcp_options_id))),
        ("ipv6-cidr-block-association.ipv6-cidr-block", Field::Values(|v, _| v.ipv6_cidrs().map(|c| c.to_string()).collect())),
        ("ipv6-cidr-block-association.ipv6-pool", Field::Values(|v, _| v.ipv6_cidr_blocks.iter().map(|b| b.pool().to_string()).collect())),
        ("ipv6-cidr-block-association.association-id", Field::Values(|v, _| v.ipv6_cidr_blocks.iter().map(|b| b.association_id.clone()).collect())),
        ("ipv6-cidr-block-association.state", Field::Values(|v, _| v.ipv6_cidr_blocks.iter().map(|_| "associated".to_string()).collect())),
        ("is-default", Field::Values(|v, _| one(v.is_default))),
        // Not in the reference, but EC2 answers it, and Terraform's
        // aws_default_vpc finds the default VPC by it.
        ("isDefault", Field::Values(|v, _| one(v.is_default))),
        ("owner-id", Field::Values(|v, _| one(&v.owner))),
        ("state", Field::Values(|_, _| one("available"))),
        ("vpc-id", Field::Values(|v, _| one(&v.id))),
        ("instance-tenancy", Field::Values(|v, _| one(&v.instance_tenancy))),
    ],
};

/// The caller's default VPC in its region, if it has one.
pub fn default_vpc<'a>(state: &'a State, ctx: &Ctx) -> Option<&'a Vpc> {
    state.vpcs.scope(ctx).find(|v| v.is_default)
}

/// Checks a VPC IPv4 block: a CIDR with a /16 to /28 mask, taken in its
/// canonical form (`10.0.0.4/16` is `10.0.0.0/16`, as the reference says).
pub fn check_vpc_cidr(s: &str) -> Result<Ipv4Net> {
    let net = cidr::parse_canonical(s).ok_or_else(|| {
        ModelError::InvalidParameterValue(format!("Value ({s}) for parameter cidrBlock is invalid. This is not a valid CIDR block."))
    })?;
    if !(16..=28).contains(&net.prefix_len()) {
        return Err(ModelError::InvalidVpcRange(s.to_string()));
    }
    Ok(net)
}

/// Input of CreateVpc.
#[derive(Debug, Clone, Default)]
pub struct CreateVpc {
    pub cidr: String,
    pub instance_tenancy: Option<String>,
    pub tags: Tags,
    /// `AmazonProvidedIpv6CidrBlock`: a /56 from Amazon's pool.
    pub amazon_provided_ipv6_cidr_block: bool,
    /// `Ipv6CidrBlockNetworkBorderGroup` (only with the above).
    pub ipv6_network_border_group: Option<String>,
}

/// CreateVpc: the VPC plus its main route table (with the `local` route),
/// default security group and default network ACL, as AWS creates them
/// (with their IPv6 rules when the VPC gets an Amazon-provided block).
pub fn create_vpc(state: &State, ctx: &Ctx, input: CreateVpc) -> Result<(Changes, String)> {
    let cidr = check_vpc_cidr(&input.cidr)?;
    let ipv6 = match (input.amazon_provided_ipv6_cidr_block, &input.ipv6_network_border_group) {
        (true, group) => Some(crate::vpc_ipv6::new_block(state, ctx, group.as_deref())?),
        (false, Some(_)) => {
            return Err(ModelError::InvalidParameterCombination(
                "The parameter Ipv6CidrBlockNetworkBorderGroup requires AmazonProvidedIpv6CidrBlock".into(),
            ))
        }
        (false, None) => None,
    };
    let tenancy = input.instance_tenancy.unwrap_or_else(|| "default".into());
    if !["default", "dedicated"].contains(&tenancy.as_str()) {
        return Err(ModelError::InvalidParameterValue(format!("Value ({tenancy}) for parameter instanceTenancy is invalid.")));
    }
    let count = state.vpcs.scope(ctx).count();
    if count >= VPCS_PER_REGION {
        return Err(ModelError::LimitExceeded(Limit::Vpcs, "The maximum number of VPCs has been reached.".into()));
    }
    let mut ch = Changes::new();
    let dhcp_options_id = crate::dhcp_options::for_new_vpc(state, ctx, &mut ch);
    let vpc = Vpc {
        id: new_id("vpc"),
        owner: ctx.account.clone(),
        region: ctx.region.clone(),
        cidr_blocks: vec![CidrBlock { association_id: new_id("vpc-cidr-assoc"), cidr }],
        instance_tenancy: tenancy,
        dhcp_options_id,
        is_default: false,
        enable_dns_support: true,
        enable_dns_hostnames: false,
        tags: input.tags,
        created_at: ctx.now,
        ipv6_cidr_blocks: ipv6.into_iter().collect(),
        enable_network_address_usage_metrics: false,
    };
    ch.put(RouteTable::main_for(&vpc));
    ch.put(SecurityGroup::default_for(&vpc));
    ch.put(NetworkAcl::default_for(&vpc));
    let id = vpc.id.clone();
    ch.events.insert(0, crate::Event::Put(vpc.into()));
    Ok((ch, id))
}

/// DeleteVpc: refused while anything the user created still uses it. The
/// defaults created with the VPC go with it.
pub fn delete_vpc(state: &State, ctx: &Ctx, vpc_id: &str) -> Result<Changes> {
    let vpc = owned(&state.vpcs, ctx, IdKind::Vpc, vpc_id)?;
    let dependency = |what: &str| {
        ModelError::DependencyViolation(format!("The vpc '{}' has dependencies and cannot be deleted.{what}", vpc.id))
    };
    if state.subnets.owned_by(&vpc.owner, &vpc.region).any(|s| s.vpc_id == vpc.id) {
        return Err(dependency(""));
    }
    if state.internet_gateways.values().any(|g| g.attached_vpc.as_deref() == Some(vpc.id.as_str())) {
        return Err(dependency(""));
    }
    if crate::vpn_gateway::of_vpc(state, &vpc.id).is_some() {
        return Err(dependency(""));
    }
    if crate::egress_only_internet_gateway::of_vpc(state, &vpc.id).is_some() {
        return Err(dependency(""));
    }
    if state.route_tables.owned_by(&vpc.owner, &vpc.region).any(|r| r.vpc_id == vpc.id && !r.main) {
        return Err(dependency(""));
    }
    if state.security_groups.owned_by(&vpc.owner, &vpc.region).any(|g| g.vpc_id == vpc.id && !g.is_default()) {
        return Err(dependency(""));
    }
    if state.network_acls.owned_by(&vpc.owner, &vpc.region).any(|a| a.vpc_id == vpc.id && !a.is_default) {
        return Err(dependency(""));
    }
    if state.network_interfaces.values().any(|e| e.vpc_id == vpc.id) {
        return Err(dependency(""));
    }
    // Peering connections: deleted with the VPC, or blocking (see peering).
    let mut ch = crate::peering::on_vpc_delete(state, ctx, vpc)?;
    for r in state.route_tables.owned_by(&vpc.owner, &vpc.region).filter(|r| r.vpc_id == vpc.id) {
        ch.delete(ResourceKind::RouteTable, &r.id);
    }
    for g in state.security_groups.owned_by(&vpc.owner, &vpc.region).filter(|g| g.vpc_id == vpc.id) {
        ch.delete(ResourceKind::SecurityGroup, &g.id);
    }
    for a in state.network_acls.owned_by(&vpc.owner, &vpc.region).filter(|a| a.vpc_id == vpc.id) {
        ch.delete(ResourceKind::NetworkAcl, &a.id);
    }
    ch.delete(ResourceKind::Vpc, &vpc.id);
    Ok(ch)
}

/// AssociateVpcCidrBlock: a secondary IPv4 block in a range AWS allows
/// beside the primary, overlapping none of the VPC's blocks nor swallowing
/// a route's destination ([`crate::vpc_cidr`]), within the per-VPC quota.
pub fn associate_cidr(state: &State, ctx: &Ctx, vpc_id: &str, cidr_s: &str) -> Result<(Changes, CidrBlock)> {
    let vpc = owned(&state.vpcs, ctx, IdKind::Vpc, vpc_id)?;
    let cidr = check_vpc_cidr(cidr_s)?;
    crate::vpc_cidr::check_secondary(state, vpc, cidr_s, &cidr)?;
    if vpc.cidr_blocks.len() >= CIDRS_PER_VPC {
        return Err(ModelError::LimitExceeded(Limit::VpcCidrBlocks, format!(
            "This network '{}' has met its maximum number of allowed CIDRs: {CIDRS_PER_VPC}",
            vpc.id
        )));
    }
    let block = CidrBlock { association_id: new_id("vpc-cidr-assoc"), cidr };
    let mut v = vpc.clone();
    v.cidr_blocks.push(block.clone());
    let mut ch = Changes::new();
    ch.put(v);
    Ok((ch, block))
}

/// A block DisassociateVpcCidrBlock removed.
#[derive(Debug, Clone, PartialEq)]
pub enum Disassociated {
    V4(CidrBlock),
    V6(Ipv6CidrBlock),
}

/// DisassociateVpcCidrBlock, for either family (one association id space):
/// the primary IPv4 block cannot go, nor a block that still holds a subnet
/// (see [`crate::vpc_ipv6::disassociate`] for IPv6).
pub fn disassociate_cidr(state: &State, ctx: &Ctx, association_id: &str) -> Result<(Changes, String, Disassociated)> {
    let not_found = || ModelError::NotFound(IdKind::VpcCidrBlockAssociation, association_id.to_string());
    let vpc = state
        .vpcs
        .scope(ctx)
        .find(|v| v.cidr_blocks.iter().any(|b| b.association_id == association_id) || v.ipv6_cidr_blocks.iter().any(|b| b.association_id == association_id))
        .ok_or_else(not_found)?;
    let Some(block) = vpc.cidr_blocks.iter().find(|b| b.association_id == association_id) else {
        let (ch, block) = crate::vpc_ipv6::disassociate(state, vpc, association_id)?;
        return Ok((ch, vpc.id.clone(), Disassociated::V6(block)));
    };
    if vpc.cidr_blocks[0].association_id == association_id {
        return Err(ModelError::OperationNotPermitted(format!(
            "The vpc CIDR block with association ID {association_id} may not be disassociated. It is the primary IPv4 CIDR block of the VPC"
        )));
    }
    if state.subnets.owned_by(&vpc.owner, &vpc.region).any(|s| s.vpc_id == vpc.id && s.cidr.is_some_and(|c| cidr::contains(&block.cidr, &c))) {
        return Err(ModelError::DependencyViolation(format!(
            "The vpc CIDR block with association ID {association_id} may not be disassociated. It has subnets"
        )));
    }
    let mut v = vpc.clone();
    v.cidr_blocks.retain(|b| b.association_id != association_id);
    let mut ch = Changes::new();
    ch.put(v);
    Ok((ch, vpc.id.clone(), Disassociated::V4(block.clone())))
}

/// The VPC attributes ModifyVpcAttribute changes, one per call as in AWS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VpcAttribute {
    EnableDnsSupport(bool),
    EnableDnsHostnames(bool),
    EnableNetworkAddressUsageMetrics(bool),
}

/// ModifyVpcAttribute. DNS hostnames need DNS support, as AWS enforces.
pub fn modify_attribute(state: &State, ctx: &Ctx, vpc_id: &str, attr: VpcAttribute) -> Result<Changes> {
    let mut v = owned(&state.vpcs, ctx, IdKind::Vpc, vpc_id)?.clone();
    match attr {
        VpcAttribute::EnableDnsSupport(b) => {
            if !b && v.enable_dns_hostnames {
                return Err(ModelError::InvalidParameterCombination(
                    "Cannot disable DNS support while DNS hostnames are enabled".into(),
                ));
            }
            v.enable_dns_support = b;
        }
        VpcAttribute::EnableDnsHostnames(b) => {
            if b && !v.enable_dns_support {
                return Err(ModelError::InvalidParameterCombination(
                    "Cannot enable DNS hostnames while DNS support is disabled".into(),
                ));
            }
            v.enable_dns_hostnames = b;
        }
        VpcAttribute::EnableNetworkAddressUsageMetrics(b) => v.enable_network_address_usage_metrics = b,
    }
    let mut ch = Changes::new();
    ch.put(v);
    Ok(ch)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Ctx {
        Ctx::new("111111111111", "us-east-1", 0)
    }

    fn apply(state: &mut State, ch: Changes) {
        for e in ch.events {
            state.apply(e);
        }
    }

    #[test]
    fn cidr_size_limits() {
        assert!(check_vpc_cidr("10.0.0.0/16").is_ok());
        assert!(check_vpc_cidr("10.0.0.0/28").is_ok());
        assert_eq!(check_vpc_cidr("10.0.0.0/15"), Err(ModelError::InvalidVpcRange("10.0.0.0/15".into())));
        assert_eq!(check_vpc_cidr("10.0.0.0/29"), Err(ModelError::InvalidVpcRange("10.0.0.0/29".into())));
        // AWS stores the canonical form of a block given with host bits.
        assert_eq!(check_vpc_cidr("100.68.0.18/18").unwrap().to_string(), "100.68.0.0/18");
        assert_eq!(check_vpc_cidr("10.0.0.4/16").unwrap().to_string(), "10.0.0.0/16");
        assert!(matches!(check_vpc_cidr("10.0.0.0/16/1"), Err(ModelError::InvalidParameterValue(_))));
        assert!(matches!(check_vpc_cidr("banana"), Err(ModelError::InvalidParameterValue(_))));
    }

    #[test]
    fn new_vpc_comes_with_defaults() {
        let mut s = State::default();
        let (ch, id) = create_vpc(&s, &ctx(), CreateVpc { cidr: "10.1.0.0/16".into(), ..Default::default() }).unwrap();
        apply(&mut s, ch);
        assert_eq!(s.vpcs[&id].primary_cidr().to_string(), "10.1.0.0/16");
        let main: Vec<_> = s.route_tables.values().filter(|r| r.vpc_id == id && r.main).collect();
        assert_eq!(main.len(), 1);
        assert_eq!(main[0].routes.len(), 1);
        assert!(s.security_groups.values().any(|g| g.vpc_id == id && g.name == "default"));
        assert!(s.network_acls.values().any(|a| a.vpc_id == id && a.is_default));
        // And deleting it takes the defaults along.
        // (The account's default DHCP set, made for it, stays, as in AWS.)
        let ch = delete_vpc(&s, &ctx(), &id).unwrap();
        apply(&mut s, ch);
        s.dhcp_options.clear();
        s.account_regions.clear();
        assert_eq!(s, State::default());
    }

    #[test]
    fn other_accounts_and_regions_get_not_found() {
        let mut s = State::default();
        let (ch, id) = create_vpc(&s, &ctx(), CreateVpc { cidr: "10.1.0.0/16".into(), ..Default::default() }).unwrap();
        apply(&mut s, ch);
        let other = Ctx::new("222222222222", "us-east-1", 0);
        assert_eq!(delete_vpc(&s, &other, &id), Err(ModelError::NotFound(IdKind::Vpc, id.clone())));
        let elsewhere = Ctx::new("111111111111", "eu-west-1", 0);
        assert_eq!(delete_vpc(&s, &elsewhere, &id), Err(ModelError::NotFound(IdKind::Vpc, id.clone())));
        assert_eq!(delete_vpc(&s, &ctx(), "vpc-zz"), Err(ModelError::Malformed(IdKind::Vpc, "vpc-zz".into())));
    }

    #[test]
    fn quota_and_secondary_blocks() {
        let mut s = State::default();
        let mut last = String::new();
        for i in 0..VPCS_PER_REGION {
            let (ch, id) = create_vpc(&s, &ctx(), CreateVpc { cidr: format!("10.{i}.0.0/16"), ..Default::default() }).unwrap();
            apply(&mut s, ch);
            last = id;
        }
        assert!(matches!(
            create_vpc(&s, &ctx(), CreateVpc { cidr: "10.99.0.0/16".into(), ..Default::default() }),
            Err(ModelError::LimitExceeded(Limit::Vpcs, _))
        ));
        assert!(associate_cidr(&s, &ctx(), &last, "10.4.128.0/17").is_err(), "overlaps the primary");
        let (ch, block) = associate_cidr(&s, &ctx(), &last, "10.200.0.0/16").unwrap();
        apply(&mut s, ch);
        let primary = s.vpcs[&last].cidr_blocks[0].association_id.clone();
        assert!(matches!(disassociate_cidr(&s, &ctx(), &primary), Err(ModelError::OperationNotPermitted(_))));
        let (ch, _, _) = disassociate_cidr(&s, &ctx(), &block.association_id).unwrap();
        apply(&mut s, ch);
        assert_eq!(s.vpcs[&last].cidr_blocks.len(), 1);
    }

    #[test]
    fn dns_hostnames_need_dns_support() {
        let mut s = State::default();
        let (ch, id) = create_vpc(&s, &ctx(), CreateVpc { cidr: "10.1.0.0/16".into(), ..Default::default() }).unwrap();
        apply(&mut s, ch);
        let ch = modify_attribute(&s, &ctx(), &id, VpcAttribute::EnableDnsHostnames(true)).unwrap();
        apply(&mut s, ch);
        assert!(modify_attribute(&s, &ctx(), &id, VpcAttribute::EnableDnsSupport(false)).is_err());
    }
}
