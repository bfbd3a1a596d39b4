//! The default VPC every account has in every Region, as AWS builds it:
//! 172.31.0.0/16, a /20 default subnet per zone (in zone order) that gives
//! instances public addresses, an attached internet gateway, a main route
//! table sending 0.0.0.0/0 to it, the default security group and network
//! ACL, and the account's default DHCP option set.
//!
//! xvpc makes it lazily: the first EC2 request of an account in a Region
//! ([`first_call_changes`]) records the account there ([`AccountRegion`])
//! with its default DHCP set and default VPC, so an emulator nobody calls
//! stores nothing, and a default VPC the user deletes stays deleted until
//! `CreateDefaultVpc`.

use serde::{Deserialize, Serialize};

use crate::cidr::{self, IpNet, Ipv4Net};
use crate::dhcp_options::{self, DhcpOptions};
use crate::error::{Limit, ModelError, Result};
use crate::ids::new_id;
use crate::internet_gateway::InternetGateway;
use crate::network_acl::{NaclAssociation, NetworkAcl};
use crate::region::{self, Zone};
use crate::route_table::{Destination, Route, RouteOrigin, RouteTable, RouteTarget};
use crate::security_group::SecurityGroup;
use crate::state::{Changes, Ctx, State};
use crate::subnet::Subnet;
use crate::tags::Tags;
use crate::vpc::{CidrBlock, Vpc, VPCS_PER_REGION};

/// The default VPC's block.
pub const CIDR: &str = "172.31.0.0/16";
/// The size of a default subnet.
const SUBNET_PREFIX: u8 = 20;

/// An account's first appearance in a Region: what xvpc made for it then.
/// Its presence is what stops the default VPC from being made again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountRegion {
    /// `<account>/<region>`.
    pub id: String,
    pub owner: String,
    pub region: String,
    /// The account's default DHCP option set in the Region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dhcp_options_id: Option<String>,
    /// Its resources came from a dump of a real account (`xvpc import`):
    /// what they reference may lie outside what was collected.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub imported: bool,
}
crate::impl_owned!(AccountRegion);

/// Whether any of the state came from `xvpc import` (then a reference to
/// a resource the state lacks may point outside the imported data, rather
/// than to something deleted).
pub fn any_imported(state: &State) -> bool {
    state.account_regions.values().any(|a| a.imported)
}

fn key(ctx: &Ctx) -> String {
    format!("{}/{}", ctx.account, ctx.region)
}

/// The caller's record in its Region, once it has called there.
pub fn account_region<'a>(state: &'a State, ctx: &Ctx) -> Option<&'a AccountRegion> {
    state.account_regions.get(&key(ctx))
}

/// The record and default DHCP set of an account's first call in a Region.
pub fn first_call(ctx: &Ctx) -> (AccountRegion, DhcpOptions) {
    let set = dhcp_options::default_set(ctx);
    let marker = AccountRegion { id: key(ctx), owner: ctx.account.clone(), region: ctx.region.clone(), dhcp_options_id: Some(set.id.clone()), imported: false };
    (marker, set)
}

/// What the caller's first request in its Region makes: nothing when it has
/// called there before; else its record, its default DHCP set and (with
/// `default_vpc`, unless its VPC quota is already full, as in state stored
/// before default VPCs) its default VPC.
pub fn first_call_changes(state: &State, ctx: &Ctx, default_vpc: bool) -> Changes {
    let mut ch = Changes::new();
    if account_region(state, ctx).is_some() || region::region(&ctx.region).is_none() {
        return ch;
    }
    let (marker, set) = first_call(ctx);
    let dhcp_id = set.id.clone();
    ch.put(set);
    ch.put(marker);
    if default_vpc && state.vpcs.scope(ctx).count() < VPCS_PER_REGION {
        ch.extend(build(ctx, dhcp_id).0);
    }
    ch
}

/// CreateDefaultVpc: only when the caller has none in the Region, within
/// the VPC quota (the default VPC counts against it).
pub fn create_default_vpc(state: &State, ctx: &Ctx) -> Result<(Changes, String)> {
    if crate::vpc::default_vpc(state, ctx).is_some() {
        return Err(ModelError::DefaultVpcAlreadyExists);
    }
    if state.vpcs.scope(ctx).count() >= VPCS_PER_REGION {
        return Err(ModelError::LimitExceeded(Limit::Vpcs, "The maximum number of VPCs has been reached.".into()));
    }
    let mut ch = Changes::new();
    let dhcp_id = dhcp_options::for_new_vpc(state, ctx, &mut ch);
    let (vpc_changes, id) = build(ctx, dhcp_id);
    ch.extend(vpc_changes);
    Ok((ch, id))
}

/// CreateDefaultSubnet: a /20 default subnet in a zone of the default VPC
/// that has none, at the lowest free /20 of 172.31.0.0/16.
pub fn create_default_subnet(state: &State, ctx: &Ctx, zone_name: Option<&str>, zone_id: Option<&str>) -> Result<(Changes, String)> {
    let zone = match (zone_name, zone_id) {
        (Some(_), Some(_)) => {
            return Err(ModelError::InvalidParameterCombination("Only one of availabilityZone or availabilityZoneId may be specified".into()))
        }
        (Some(n), None) => region::zone_by_name(&ctx.account, &ctx.region, n).ok_or_else(|| ModelError::UnknownZone(n.to_string()))?,
        (None, Some(i)) => region::zone_by_id(&ctx.account, &ctx.region, i).ok_or_else(|| ModelError::UnknownZoneId(i.to_string()))?,
        (None, None) => return Err(ModelError::MissingParameter("AvailabilityZone".into())),
    };
    let vpc = crate::vpc::default_vpc(state, ctx).ok_or(ModelError::DefaultVpcDoesNotExist)?;
    let siblings: Vec<&Subnet> = state.subnets.scope(ctx).filter(|s| s.vpc_id == vpc.id).collect();
    if siblings.iter().any(|s| s.default_for_az && s.availability_zone == zone.name) {
        return Err(ModelError::DefaultSubnetAlreadyExists(zone.name));
    }
    let block = vpc
        .primary_cidr()
        .subnets(SUBNET_PREFIX)
        .ok()
        .and_then(|mut all| all.find(|b| !siblings.iter().any(|s| s.cidr.is_some_and(|c| cidr::overlaps(&c, b)))))
        .ok_or(ModelError::InsufficientCidrBlocks)?;
    let subnet = default_subnet(vpc, &zone, block, ctx.now);
    let id = subnet.id.clone();
    let mut ch = Changes::new();
    ch.put(subnet);
    if let Some(acl) = state.network_acls.scope(ctx).find(|a| a.vpc_id == vpc.id && a.is_default) {
        let mut acl = acl.clone();
        acl.associations.push(NaclAssociation { id: new_id("aclassoc"), subnet_id: id.clone() });
        ch.put(acl);
    }
    Ok((ch, id))
}

fn default_subnet(vpc: &Vpc, zone: &Zone, block: Ipv4Net, now: i64) -> Subnet {
    Subnet {
        id: new_id("subnet"),
        owner: vpc.owner.clone(),
        region: vpc.region.clone(),
        vpc_id: vpc.id.clone(),
        cidr: Some(block),
        availability_zone: zone.name.clone(),
        availability_zone_id: zone.zone_id.clone(),
        map_public_ip_on_launch: true,
        default_for_az: true,
        tags: Tags::new(),
        created_at: now,
        ipv6_cidr_blocks: Vec::new(),
        assign_ipv6_address_on_creation: false,
        dns: Default::default(),
    }
}

/// The default VPC and everything AWS makes with it, as events.
fn build(ctx: &Ctx, dhcp_options_id: String) -> (Changes, String) {
    let cidr: Ipv4Net = CIDR.parse().expect("a valid block");
    let vpc = Vpc {
        id: new_id("vpc"),
        owner: ctx.account.clone(),
        region: ctx.region.clone(),
        cidr_blocks: vec![CidrBlock { association_id: new_id("vpc-cidr-assoc"), cidr }],
        instance_tenancy: "default".into(),
        dhcp_options_id,
        is_default: true,
        enable_dns_support: true,
        // A default VPC gives instances public DNS names.
        enable_dns_hostnames: true,
        enable_network_address_usage_metrics: false,
        tags: Tags::new(),
        created_at: ctx.now,
        ipv6_cidr_blocks: Vec::new(),
    };
    let igw = InternetGateway { id: new_id("igw"), owner: vpc.owner.clone(), region: vpc.region.clone(), attached_vpc: Some(vpc.id.clone()), tags: Tags::new() };
    let mut main = RouteTable::main_for(&vpc);
    main.routes.push(Route {
        destination: Destination::Cidr(IpNet::V4(Ipv4Net::default())),
        target: RouteTarget::Gateway(igw.id.clone()),
        origin: RouteOrigin::CreateRoute,
    });
    let mut acl = NetworkAcl::default_for(&vpc);
    let zones = region::region(&ctx.region).map(|r| region::zones(&ctx.account, r)).unwrap_or_default();
    let blocks = cidr.subnets(SUBNET_PREFIX).map(|b| b.collect::<Vec<_>>()).unwrap_or_default();
    let subnets: Vec<Subnet> = zones.iter().zip(blocks).map(|(z, b)| default_subnet(&vpc, z, b, ctx.now)).collect();
    acl.associations.extend(subnets.iter().map(|s| NaclAssociation { id: new_id("aclassoc"), subnet_id: s.id.clone() }));
    let group = SecurityGroup::default_for(&vpc);
    let id = vpc.id.clone();
    let mut ch = Changes::new();
    ch.put(vpc);
    ch.put(group);
    ch.put(igw);
    ch.put(main);
    for s in subnets {
        ch.put(s);
    }
    ch.put(acl);
    (ch, id)
}

#[cfg(test)]
#[path = "default_vpc_tests.rs"]
mod tests;
