//! Route tables: routes, the `local` route, associations and the main table.
//!
//! A route's state (`active` or `blackhole`) is derived when read, from the
//! state of its target: a peering connection that is not active, a deleted
//! gateway or a TGW without an available attachment all make a blackhole.

use serde::{Deserialize, Serialize};

use std::net::IpAddr;

use crate::cidr::{self, IpNet};
use crate::error::{IdKind, ModelError, Result};
use crate::filter::{one, Field, FilterTable};
use crate::ids::new_id;
use crate::state::{owned, Changes, Ctx, ResourceKind, State};
use crate::tags::Tags;
use crate::vpc::Vpc;

/// A route table of one VPC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteTable {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub vpc_id: String,
    /// Whether this is the VPC's main table (exactly one per VPC).
    pub main: bool,
    pub routes: Vec<Route>,
    pub associations: Vec<RouteTableAssociation>,
    pub tags: Tags,
    /// Virtual private gateways propagating routes into the table
    /// (`PropagatingVgws`); absent from state written before them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub propagating_vgws: Vec<String>,
}
crate::impl_owned!(RouteTable);

/// Where a route sends matching traffic.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RouteTarget {
    /// The VPC itself (`local`).
    Local,
    /// `gateway-id`: an internet gateway (`igw-`), virtual private gateway
    /// (`vgw-`) or gateway endpoint (`vpce-`).
    Gateway(String),
    VpcPeeringConnection(String),
    TransitGateway(String),
    NetworkInterface(String),
    NatGateway(String),
    Instance(String),
    /// An egress-only internet gateway (`eigw-`): IPv6 routes only.
    EgressOnlyInternetGateway(String),
}

impl RouteTarget {
    /// The target id as describe shows it.
    pub fn id(&self) -> &str {
        match self {
            RouteTarget::Local => "local",
            RouteTarget::Gateway(x)
            | RouteTarget::VpcPeeringConnection(x)
            | RouteTarget::TransitGateway(x)
            | RouteTarget::NetworkInterface(x)
            | RouteTarget::NatGateway(x)
            | RouteTarget::Instance(x)
            | RouteTarget::EgressOnlyInternetGateway(x) => x,
        }
    }
}

/// How a route came to be (`Origin` in DescribeRouteTables).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RouteOrigin {
    CreateRouteTable,
    CreateRoute,
}

/// The destination of a route: an IPv4 or IPv6 block, or a managed prefix
/// list. (An IPv4 block is stored as the same JSON string as before IPv6.)
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Destination {
    Cidr(IpNet),
    PrefixList(String),
}

/// One route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    pub destination: Destination,
    pub target: RouteTarget,
    pub origin: RouteOrigin,
}

/// An association with a subnet, or the main-table marker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteTableAssociation {
    pub id: String,
    pub subnet_id: Option<String>,
    pub gateway_id: Option<String>,
    pub main: bool,
}

/// A route's state as AWS reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteState {
    Active,
    Blackhole,
}

impl RouteState {
    pub fn as_str(self) -> &'static str {
        match self {
            RouteState::Active => "active",
            RouteState::Blackhole => "blackhole",
        }
    }
}

impl RouteTable {
    /// The main table a new VPC gets, with one `local` route per CIDR block
    /// (IPv4 and IPv6).
    pub fn main_for(vpc: &Vpc) -> RouteTable {
        RouteTable {
            id: new_id("rtb"),
            owner: vpc.owner.clone(),
            region: vpc.region.clone(),
            vpc_id: vpc.id.clone(),
            main: true,
            routes: vpc.all_cidrs().map(local_route).collect(),
            associations: vec![RouteTableAssociation { id: new_id("rtbassoc"), subnet_id: None, gateway_id: None, main: true }],
            tags: Tags::new(),
            propagating_vgws: Vec::new(),
        }
    }

    /// The `local` routes are the VPC's current blocks; they follow
    /// secondary and IPv6 CIDR associations, as in AWS.
    pub fn effective_routes(&self, vpc: Option<&Vpc>) -> Vec<Route> {
        let mut out: Vec<Route> = match vpc {
            Some(v) => v.all_cidrs().map(local_route).collect(),
            None => Vec::new(),
        };
        out.extend(self.routes.iter().filter(|r| r.target != RouteTarget::Local).cloned());
        out
    }
}

/// The `local` route for one VPC block.
pub fn local_route(cidr: IpNet) -> Route {
    Route { destination: Destination::Cidr(cidr), target: RouteTarget::Local, origin: RouteOrigin::CreateRouteTable }
}

/// The table that routes a subnet's traffic: its explicit association, or
/// the VPC's main table.
pub fn table_for_subnet<'a>(state: &'a State, subnet_id: &str, vpc_id: &str) -> Option<&'a RouteTable> {
    state
        .route_tables
        .values()
        .find(|t| t.associations.iter().any(|a| a.subnet_id.as_deref() == Some(subnet_id)))
        .or_else(|| state.route_tables.values().find(|t| t.vpc_id == vpc_id && t.main))
}

/// Whether a route's target can carry traffic right now. Each kind of
/// target defers to the module that owns its lifecycle.
/// Whether the state holds the route's target at all (after `xvpc import`,
/// a target owned by an account or Region that was not collected is not).
pub fn target_known(state: &State, target: &RouteTarget) -> bool {
    match target {
        RouteTarget::Local => true,
        RouteTarget::Gateway(id) if id.starts_with("igw-") => state.internet_gateways.get(id).is_some(),
        RouteTarget::Gateway(id) if id.starts_with("vgw-") => state.vpn_gateways.get(id).is_some(),
        RouteTarget::Gateway(id) => state.vpc_endpoints.get(id).is_some(),
        RouteTarget::EgressOnlyInternetGateway(id) => state.egress_only_internet_gateways.get(id).is_some(),
        RouteTarget::NetworkInterface(id) => state.network_interfaces.get(id).is_some(),
        RouteTarget::Instance(id) => state.instances.get(id).is_some(),
        RouteTarget::VpcPeeringConnection(id) => state.peering_connections.get(id).is_some(),
        RouteTarget::TransitGateway(id) => state.transit_gateways.get(id).is_some(),
        RouteTarget::NatGateway(id) => state.nat_gateways.get(id).is_some(),
    }
}

pub fn route_state(state: &State, table: &RouteTable, route: &Route) -> RouteState {
    let ok = match &route.target {
        RouteTarget::Local => true,
        RouteTarget::Gateway(id) if id.starts_with("igw-") => state
            .internet_gateways
            .get(id)
            .is_some_and(|g| g.attached_vpc.as_deref() == Some(table.vpc_id.as_str())),
        // A virtual private gateway carries traffic while attached to the
        // table's VPC.
        RouteTarget::Gateway(id) if id.starts_with("vgw-") => crate::vpn_gateway::attached_to(state, id, &table.vpc_id),
        RouteTarget::Gateway(_) => true,
        RouteTarget::EgressOnlyInternetGateway(id) => state.egress_only_internet_gateways.get(id).is_some_and(|g| g.vpc_id == table.vpc_id),
        RouteTarget::NetworkInterface(id) => state.network_interfaces.contains_key(id),
        RouteTarget::Instance(id) => state.instances.get(id).is_some_and(|i| i.state.is_running()),
        // A route to a peering connection carries traffic only while the
        // connection is active (pending, deleted, expired: blackhole).
        RouteTarget::VpcPeeringConnection(id) => crate::peering::is_active(state, id),
        // A TGW route needs the VPC's attachment to be available.
        RouteTarget::TransitGateway(id) => crate::transit_gateway::vpc_route_active(state, &table.vpc_id, id),
        // A NAT gateway that failed or is deleted (or being deleted) is a
        // blackhole (stored facts: the route's state needs no clock).
        RouteTarget::NatGateway(id) => state.nat_gateways.get(id).is_some_and(|g| g.failure.is_none() && g.deleted_at.is_none()),
    };
    if ok {
        RouteState::Active
    } else {
        RouteState::Blackhole
    }
}

/// Longest-prefix match over a table's routes, ignoring prefix lists.
/// Returns the most specific route whose block contains `dst` (routes of
/// the other family never match).
pub fn longest_match(routes: &[Route], dst: impl Into<IpAddr>) -> Option<&Route> {
    let dst = dst.into();
    routes
        .iter()
        .filter(|r| matches!(&r.destination, Destination::Cidr(c) if c.contains(&dst)))
        .max_by_key(|r| match &r.destination {
            Destination::Cidr(c) => c.prefix_len(),
            Destination::PrefixList(_) => 0,
        })
}

/// Longest-prefix match with prefix-list routes: a list's route matches an
/// address inside one of its entries, as specific as that entry; on a tie
/// a CIDR route wins (AWS's route priority: longest prefix, then static
/// routes, then prefix list routes). `entries` gives a list's blocks.
pub fn longest_match_with<'r>(routes: &'r [Route], dst: impl Into<IpAddr>, entries: impl Fn(&str) -> Vec<IpNet>) -> Option<&'r Route> {
    let dst = dst.into();
    routes
        .iter()
        .filter_map(|r| {
            let len = match &r.destination {
                Destination::Cidr(c) => c.contains(&dst).then(|| c.prefix_len())?,
                Destination::PrefixList(p) => entries(p).iter().filter(|c| c.contains(&dst)).map(IpNet::prefix_len).max()?,
            };
            Some(((len, matches!(r.destination, Destination::Cidr(_))), r))
        })
        .max_by_key(|(k, _)| *k)
        .map(|(_, r)| r)
}

/// DescribeRouteTables' filters (plus `association.association-state`,
/// `route.network-interface-id` and the IPv6/carrier/local gateway targets
/// xvpc never holds). `route.*` read the table's routes as described,
/// `local` routes included.
pub const FILTERS: FilterTable<RouteTable> = FilterTable {
    tags: Some(|t, _| Some(&t.tags)),
    fields: &[
        ("association.association-state", Field::Values(|t, _| t.associations.iter().map(|_| "associated".to_string()).collect())),
        ("association.gateway-id", Field::Values(|t, _| t.associations.iter().filter_map(|a| a.gateway_id.clone()).collect())),
        // A table with only subnet associations (or none) is "not main".
        ("association.main", Field::Values(|t, _| one(t.main))),
        ("association.route-table-association-id", Field::Values(|t, _| t.associations.iter().map(|a| a.id.clone()).collect())),
        ("association.route-table-id", Field::Values(|t, _| t.associations.iter().map(|_| t.id.clone()).collect())),
        ("association.subnet-id", Field::Values(|t, _| t.associations.iter().filter_map(|a| a.subnet_id.clone()).collect())),
        ("owner-id", Field::Values(|t, _| one(&t.owner))),
        ("route-table-id", Field::Values(|t, _| one(&t.id))),
        ("route.carrier-gateway-id", Field::Absent),
        ("route.core-network-arn", Field::Absent),
        ("route.destination-cidr-block", Field::Values(|t, e| {
            route_values(t, e.state, |_, _, r| match &r.destination {
                Destination::Cidr(IpNet::V4(c)) => Some(c.to_string()),
                _ => None,
            })
        })),
        ("route.destination-ipv6-cidr-block", Field::Values(|t, e| {
            route_values(t, e.state, |_, _, r| match &r.destination {
                Destination::Cidr(IpNet::V6(c)) => Some(c.to_string()),
                _ => None,
            })
        })),
        ("route.destination-prefix-list-id", Field::Values(|t, e| {
            route_values(t, e.state, |_, _, r| match &r.destination {
                Destination::PrefixList(p) => Some(p.clone()),
                Destination::Cidr(_) => None,
            })
        })),
        ("route.egress-only-internet-gateway-id", Field::Values(|t, e| targets(t, e.state, |x| matches!(x, RouteTarget::EgressOnlyInternetGateway(_))))),
        ("route.gateway-id", Field::Values(|t, e| targets(t, e.state, |x| matches!(x, RouteTarget::Gateway(_) | RouteTarget::Local)))),
        ("route.instance-id", Field::Values(|t, e| targets(t, e.state, |x| matches!(x, RouteTarget::Instance(_))))),
        ("route.local-gateway-id", Field::Absent),
        ("route.nat-gateway-id", Field::Values(|t, e| targets(t, e.state, |x| matches!(x, RouteTarget::NatGateway(_))))),
        ("route.network-interface-id", Field::Values(|t, e| targets(t, e.state, |x| matches!(x, RouteTarget::NetworkInterface(_))))),
        ("route.origin", Field::Values(|t, e| route_values(t, e.state, |_, _, r| Some(r.origin.as_str().to_string())))),
        ("route.state", Field::Values(|t, e| route_values(t, e.state, |t, s, r| Some(route_state(s, t, r).as_str().to_string())))),
        ("route.transit-gateway-id", Field::Values(|t, e| targets(t, e.state, |x| matches!(x, RouteTarget::TransitGateway(_))))),
        ("route.vpc-peering-connection-id", Field::Values(|t, e| targets(t, e.state, |x| matches!(x, RouteTarget::VpcPeeringConnection(_))))),
        ("vpc-id", Field::Values(|t, _| one(&t.vpc_id))),
    ],
};

/// One value per route of the table (as described) that has one.
fn route_values(table: &RouteTable, state: &State, value: fn(&RouteTable, &State, &Route) -> Option<String>) -> Vec<String> {
    table.effective_routes(state.vpcs.get(&table.vpc_id)).iter().filter_map(|r| value(table, state, r)).collect()
}

/// The target ids of the table's routes whose target is of one kind.
fn targets(table: &RouteTable, state: &State, kind: fn(&RouteTarget) -> bool) -> Vec<String> {
    let routes = table.effective_routes(state.vpcs.get(&table.vpc_id));
    routes.iter().filter(|r| kind(&r.target)).map(|r| r.target.id().to_string()).collect()
}

impl RouteOrigin {
    pub fn as_str(self) -> &'static str {
        match self {
            RouteOrigin::CreateRouteTable => "CreateRouteTable",
            RouteOrigin::CreateRoute => "CreateRoute",
        }
    }
}

/// CreateRouteTable: a non-main table with the VPC's `local` routes.
pub fn create_route_table(state: &State, ctx: &Ctx, vpc_id: &str, tags: Tags) -> Result<(Changes, String)> {
    let vpc = owned(&state.vpcs, ctx, IdKind::Vpc, vpc_id)?;
    let mut t = RouteTable::main_for(vpc);
    t.main = false;
    t.associations.clear();
    t.tags = tags;
    let id = t.id.clone();
    let mut ch = Changes::new();
    ch.put(t);
    Ok((ch, id))
}

/// DeleteRouteTable: refused while any subnet (or the main marker) is
/// associated with it.
pub fn delete_route_table(state: &State, ctx: &Ctx, id: &str) -> Result<Changes> {
    let t = owned(&state.route_tables, ctx, IdKind::RouteTable, id)?;
    if t.main || !t.associations.is_empty() {
        return Err(ModelError::DependencyViolation(format!("The routeTable '{id}' has dependencies and cannot be deleted.")));
    }
    let mut ch = Changes::new();
    ch.delete(ResourceKind::RouteTable, id);
    Ok(ch)
}

/// Parses a route destination given as an IPv4 CIDR or a prefix list.
pub fn parse_destination(cidr: Option<&str>, prefix_list: Option<&str>) -> Result<Destination> {
    parse_any_destination(cidr, None, prefix_list)
}

/// Parses a route destination: exactly one of `DestinationCidrBlock`,
/// `DestinationIpv6CidrBlock` or `DestinationPrefixListId`. Blocks are taken
/// in their canonical form (`10.0.0.4/16` is `10.0.0.0/16`).
pub fn parse_any_destination(cidr: Option<&str>, ipv6_cidr: Option<&str>, prefix_list: Option<&str>) -> Result<Destination> {
    let invalid = |name: &str, c: &str| ModelError::InvalidParameterValue(format!("Value ({c}) for parameter {name} is invalid. This is not a valid CIDR block."));
    match (cidr, ipv6_cidr, prefix_list) {
        (Some(c), None, None) => cidr::parse_canonical(c).map(|n| Destination::Cidr(IpNet::V4(n))).ok_or_else(|| invalid("destinationCidrBlock", c)),
        (None, Some(c), None) => cidr::parse_canonical_v6(c).map(|n| Destination::Cidr(IpNet::V6(n))).ok_or_else(|| invalid("destinationIpv6CidrBlock", c)),
        (None, None, Some(p)) => {
            crate::ids::check(IdKind::PrefixList, p)?;
            Ok(Destination::PrefixList(p.to_string()))
        }
        (None, None, None) => Err(ModelError::MissingParameter("destinationCidrBlock".into())),
        _ => Err(ModelError::InvalidParameterCombination(
            "Only one of destinationCidrBlock, destinationIpv6CidrBlock or destinationPrefixListId may be specified".into(),
        )),
    }
}

impl Destination {
    pub fn describe(&self) -> String {
        match self {
            Destination::Cidr(c) => c.to_string(),
            Destination::PrefixList(p) => p.clone(),
        }
    }
}

/// Checks that a target can be used by a route of `table`, as AWS does when
/// the route is created or replaced. Peering and TGW targets are checked by
/// [`check_peering_target`] and [`check_transit_gateway_target`].
pub fn check_target(state: &State, ctx: &Ctx, table: &RouteTable, target: &RouteTarget) -> Result<()> {
    let different = |what: &str| {
        ModelError::InvalidParameterValue(format!("route table {} and network gateway {what} belong to different networks", table.id))
    };
    match target {
        RouteTarget::Local => Err(ModelError::InvalidParameterValue("cannot create a route to 'local'".into())),
        // An internet gateway or a virtual private gateway of the caller,
        // attached to the table's VPC.
        RouteTarget::Gateway(id) if id.starts_with("igw-") || id.starts_with("vgw-") => {
            let mine = |owner: &str, region: &str| owner == ctx.account && region == ctx.region;
            let attached = match state.internet_gateways.get(id) {
                Some(g) => mine(&g.owner, &g.region).then(|| g.attached_vpc.clone()),
                None => state.vpn_gateways.get(id).filter(|g| mine(&g.owner, &g.region)).map(|g| g.attached_vpc.clone()),
            };
            match attached {
                None => Err(ModelError::NotFound(IdKind::Gateway, id.clone())),
                Some(v) if v.as_deref() != Some(table.vpc_id.as_str()) => Err(different(id)),
                Some(_) => Ok(()),
            }
        }
        RouteTarget::Gateway(id) => Err(ModelError::NotFound(IdKind::Gateway, id.clone())),
        RouteTarget::NetworkInterface(id) => {
            let e = owned(&state.network_interfaces, ctx, IdKind::NetworkInterface, id)?;
            if e.vpc_id != table.vpc_id {
                return Err(ModelError::InvalidParameterValue(format!(
                    "route table {} and interface {id} belong to different networks",
                    table.id
                )));
            }
            Ok(())
        }
        RouteTarget::Instance(id) => {
            let i = owned(&state.instances, ctx, IdKind::Instance, id)?;
            if i.state == crate::instance::InstanceState::Terminated {
                return Err(ModelError::NotFound(IdKind::Instance, id.clone()));
            }
            if i.vpc_id != table.vpc_id {
                return Err(ModelError::InvalidParameterValue(format!(
                    "route table {} and instance {id} belong to different networks",
                    table.id
                )));
            }
            Ok(())
        }
        RouteTarget::NatGateway(id) => {
            let g = crate::nat_gateway::visible(state, ctx, id)?;
            if g.deleted_at.is_some() {
                return Err(ModelError::NotFound(IdKind::NatGateway, id.clone()));
            }
            if g.vpc_id != table.vpc_id {
                return Err(different(id));
            }
            Ok(())
        }
        RouteTarget::EgressOnlyInternetGateway(id) => {
            let g = owned(&state.egress_only_internet_gateways, ctx, IdKind::EgressOnlyInternetGateway, id)?;
            if g.vpc_id != table.vpc_id {
                return Err(different(id));
            }
            Ok(())
        }
        RouteTarget::VpcPeeringConnection(id) => check_peering_target(state, ctx, table, id),
        RouteTarget::TransitGateway(id) => check_transit_gateway_target(state, ctx, table, id),
    }
}

/// Whether a route of `table` may target the peering connection `id`: it
/// must be visible to the caller and have the table's VPC as one side. Its
/// status does not matter (a route to a pending connection is a blackhole).
pub fn check_peering_target(state: &State, ctx: &Ctx, table: &RouteTable, id: &str) -> Result<()> {
    crate::peering::check_route_target(state, ctx, &table.id, &table.vpc_id, id)
}

/// Whether a route of `table` may target the transit gateway `id`: the
/// table's VPC must have an attachment to it (see
/// [`crate::transit_gateway::check_vpc_route_target`]).
pub fn check_transit_gateway_target(state: &State, ctx: &Ctx, table: &RouteTable, id: &str) -> Result<()> {
    crate::transit_gateway::check_vpc_route_target(state, ctx, &table.vpc_id, id)
}

/// A route more specific than (or equal to) a VPC block may only point at
/// an interface-like target (middlebox routing); others are refused.
fn check_not_inside_vpc(state: &State, table: &RouteTable, dest: &Destination, target: &RouteTarget) -> Result<()> {
    let Destination::Cidr(d) = dest else { return Ok(()) };
    let Some(vpc) = state.vpcs.get(&table.vpc_id) else { return Ok(()) };
    let interface_like = matches!(target, RouteTarget::NetworkInterface(_) | RouteTarget::Instance(_) | RouteTarget::NatGateway(_));
    if vpc.all_cidrs().any(|c| c.contains(d) && c.prefix_len() < d.prefix_len()) && !interface_like {
        return Err(ModelError::InvalidParameterValue(format!(
            "The destination CIDR block {d} is equal to or more specific than one of this VPC's CIDR blocks. This route can target only an interface or an instance."
        )));
    }
    Ok(())
}

/// The well-known NAT64 prefix (RFC 6052), the only IPv6 destination a
/// route to a NAT gateway may have.
pub const NAT64_PREFIX: &str = "64:ff9b::/96";

/// Targets that carry one family only: an egress-only internet gateway
/// IPv6 ("[IPv6 traffic only]"), a NAT gateway IPv4 ("[IPv4 traffic only]").
fn check_family(dest: &Destination, target: &RouteTarget) -> Result<()> {
    let Destination::Cidr(d) = dest else { return Ok(()) };
    match target {
        RouteTarget::EgressOnlyInternetGateway(g) if d.addr().is_ipv4() => Err(ModelError::InvalidParameterValue(format!(
            "Route {d} cannot target egress-only internet gateway {g}: it carries IPv6 traffic only"
        ))),
        // NAT64: a NAT gateway takes IPv6 traffic for the well-known
        // prefix 64:ff9b::/96 (VPC user guide, "DNS64 and NAT64").
        RouteTarget::NatGateway(g) if d.addr().is_ipv6() && d.to_string() != NAT64_PREFIX => Err(ModelError::InvalidParameterValue(format!(
            "Route {d} cannot target NAT gateway {g}: it carries IPv4 traffic, and IPv6 only to {NAT64_PREFIX} (NAT64)"
        ))),
        _ => Ok(()),
    }
}

/// CreateRoute.
pub fn create_route(state: &State, ctx: &Ctx, table_id: &str, dest: Destination, target: RouteTarget) -> Result<Changes> {
    let t = owned(&state.route_tables, ctx, IdKind::RouteTable, table_id)?;
    let routes = t.effective_routes(state.vpcs.get(&t.vpc_id));
    if routes.iter().any(|r| r.destination == dest) {
        return Err(ModelError::RouteAlreadyExists(dest.describe()));
    }
    check_not_inside_vpc(state, t, &dest, &target)?;
    check_family(&dest, &target)?;
    check_target(state, ctx, t, &target)?;
    // A route names a prefix list the caller can see (AWS-managed lists
    // are routed by gateway endpoints, customer lists by CreateRoute).
    if let Destination::PrefixList(p) = &dest {
        if !crate::prefix_list::exists(state, ctx, p) {
            return Err(ModelError::NotFound(IdKind::PrefixList, p.clone()));
        }
    }
    let mut t = t.clone();
    t.routes.push(Route { destination: dest, target, origin: RouteOrigin::CreateRoute });
    let mut ch = Changes::new();
    ch.put(t);
    Ok(ch)
}

/// ReplaceRoute: an existing route gets a new target. The `local` route
/// cannot be replaced here.
pub fn replace_route(state: &State, ctx: &Ctx, table_id: &str, dest: Destination, target: RouteTarget) -> Result<Changes> {
    let t = owned(&state.route_tables, ctx, IdKind::RouteTable, table_id)?;
    let routes = t.effective_routes(state.vpcs.get(&t.vpc_id));
    let existing = routes
        .iter()
        .find(|r| r.destination == dest)
        .ok_or_else(|| ModelError::RouteNotFound(dest.describe(), t.id.clone()))?;
    if existing.target == RouteTarget::Local {
        return Err(ModelError::LocalRoute(format!("cannot replace local route {} in route table {}", dest.describe(), t.id)));
    }
    check_not_inside_vpc(state, t, &dest, &target)?;
    check_family(&dest, &target)?;
    check_target(state, ctx, t, &target)?;
    let mut t = t.clone();
    for r in t.routes.iter_mut().filter(|r| r.destination == dest) {
        r.target = target.clone();
    }
    let mut ch = Changes::new();
    ch.put(t);
    Ok(ch)
}

/// DeleteRoute. The `local` route cannot be deleted.
pub fn delete_route(state: &State, ctx: &Ctx, table_id: &str, dest: Destination) -> Result<Changes> {
    let t = owned(&state.route_tables, ctx, IdKind::RouteTable, table_id)?;
    let routes = t.effective_routes(state.vpcs.get(&t.vpc_id));
    let existing = routes
        .iter()
        .find(|r| r.destination == dest)
        .ok_or_else(|| ModelError::RouteNotFound(dest.describe(), t.id.clone()))?;
    if existing.target == RouteTarget::Local {
        return Err(ModelError::LocalRoute(format!("cannot remove local route {} in route table {}", dest.describe(), t.id)));
    }
    let mut t = t.clone();
    t.routes.retain(|r| r.destination != dest);
    let mut ch = Changes::new();
    ch.put(t);
    Ok(ch)
}

/// AssociateRouteTable (subnet): same VPC, and the subnet has no explicit
/// association yet.
pub fn associate(state: &State, ctx: &Ctx, table_id: &str, subnet_id: &str) -> Result<(Changes, String)> {
    let t = owned(&state.route_tables, ctx, IdKind::RouteTable, table_id)?;
    let s = owned(&state.subnets, ctx, IdKind::Subnet, subnet_id)?;
    if s.vpc_id != t.vpc_id {
        return Err(ModelError::InvalidParameterValue(format!("routeTable {table_id} and subnet {subnet_id} belong to different networks")));
    }
    if let Some(other) = state.route_tables.values().find(|x| x.associations.iter().any(|a| a.subnet_id.as_deref() == Some(subnet_id))) {
        return Err(ModelError::AlreadyAssociated(format!(
            "the specified association for route table {} conflicts with an existing association",
            other.id
        )));
    }
    let assoc = RouteTableAssociation { id: new_id("rtbassoc"), subnet_id: Some(subnet_id.to_string()), gateway_id: None, main: false };
    let id = assoc.id.clone();
    let mut t = t.clone();
    t.associations.push(assoc);
    let mut ch = Changes::new();
    ch.put(t);
    Ok((ch, id))
}

/// The caller's route table holding association `assoc_id`.
fn table_of_association<'a>(state: &'a State, ctx: &Ctx, assoc_id: &str) -> Result<&'a RouteTable> {
    state
        .route_tables
        .scope(ctx)
        .find(|t| t.associations.iter().any(|a| a.id == assoc_id))
        .ok_or_else(|| ModelError::NotFound(IdKind::Association, assoc_id.to_string()))
}

/// DisassociateRouteTable: the subnet falls back to the main table. The
/// main association cannot be removed.
pub fn disassociate(state: &State, ctx: &Ctx, assoc_id: &str) -> Result<Changes> {
    let t = table_of_association(state, ctx, assoc_id)?;
    if t.associations.iter().any(|a| a.id == assoc_id && a.main) {
        return Err(ModelError::InvalidParameterValue(format!("cannot disassociate the main route table association {assoc_id}")));
    }
    let mut t = t.clone();
    t.associations.retain(|a| a.id != assoc_id);
    let mut ch = Changes::new();
    ch.put(t);
    Ok(ch)
}

/// ReplaceRouteTableAssociation: moves a subnet association (or the main
/// marker) to another table of the same VPC; returns the new association id.
pub fn replace_association(state: &State, ctx: &Ctx, assoc_id: &str, table_id: &str) -> Result<(Changes, String)> {
    let old = table_of_association(state, ctx, assoc_id)?;
    let new = owned(&state.route_tables, ctx, IdKind::RouteTable, table_id)?;
    if new.vpc_id != old.vpc_id {
        return Err(ModelError::InvalidParameterValue(format!("routeTable {table_id} and association {assoc_id} belong to different networks")));
    }
    let a = old.associations.iter().find(|a| a.id == assoc_id).cloned().expect("found above");
    let moved = RouteTableAssociation { id: new_id("rtbassoc"), ..a.clone() };
    let new_id_ = moved.id.clone();
    let mut ch = Changes::new();
    if old.id == new.id {
        let mut t = old.clone();
        for x in t.associations.iter_mut().filter(|x| x.id == assoc_id) {
            *x = moved.clone();
        }
        ch.put(t);
        return Ok((ch, new_id_));
    }
    let mut o = old.clone();
    o.associations.retain(|x| x.id != assoc_id);
    let mut n = new.clone();
    n.associations.push(moved);
    if a.main {
        o.main = false;
        n.main = true;
    }
    ch.put(o);
    ch.put(n);
    Ok((ch, new_id_))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::net::Ipv4Addr;

    fn route(c: &str, t: &str) -> Route {
        Route { destination: Destination::Cidr(c.parse().unwrap()), target: RouteTarget::Gateway(t.into()), origin: RouteOrigin::CreateRoute }
    }

    #[test]
    fn route_and_association_rules() {
        use crate::vpc::{create_vpc, CreateVpc};
        let ctx = Ctx::new("111111111111", "us-east-1", 0);
        let mut s = State::default();
        let apply = |s: &mut State, ch: Changes| ch.events.into_iter().for_each(|e| s.apply(e));
        let (ch, vpc) = create_vpc(&s, &ctx, CreateVpc { cidr: "10.0.0.0/16".into(), ..Default::default() }).unwrap();
        apply(&mut s, ch);
        let (ch, rt) = create_route_table(&s, &ctx, &vpc, Tags::new()).unwrap();
        apply(&mut s, ch);
        let cidr = |c: &str| Destination::Cidr(c.parse().unwrap());
        let (ch, peer) = create_vpc(&s, &ctx, CreateVpc { cidr: "10.1.0.0/16".into(), ..Default::default() }).unwrap();
        apply(&mut s, ch);
        let request = crate::peering::CreatePeering { vpc_id: vpc.clone(), peer_vpc_id: peer, ..Default::default() };
        let (ch, pcx) = crate::peering::create(&s, &ctx, request).unwrap();
        apply(&mut s, ch);
        let pcx = RouteTarget::VpcPeeringConnection(pcx);
        // Local can be neither duplicated, replaced nor deleted.
        assert!(matches!(create_route(&s, &ctx, &rt, cidr("10.0.0.0/16"), pcx.clone()), Err(ModelError::RouteAlreadyExists(_))));
        assert!(matches!(delete_route(&s, &ctx, &rt, cidr("10.0.0.0/16")), Err(ModelError::LocalRoute(_))));
        assert!(matches!(replace_route(&s, &ctx, &rt, cidr("10.0.0.0/16"), pcx.clone()), Err(ModelError::LocalRoute(_))));
        // More specific than the VPC block: refused for a gateway-like target.
        assert!(matches!(create_route(&s, &ctx, &rt, cidr("10.0.1.0/24"), pcx.clone()), Err(ModelError::InvalidParameterValue(_))));
        let ch = create_route(&s, &ctx, &rt, cidr("10.1.0.0/16"), pcx.clone()).unwrap();
        apply(&mut s, ch);
        assert!(matches!(create_route(&s, &ctx, &rt, cidr("10.1.0.0/16"), pcx.clone()), Err(ModelError::RouteAlreadyExists(_))));
        let t = &s.route_tables[&rt];
        assert_eq!(route_state(&s, t, &t.routes[1]), RouteState::Blackhole, "the peering is not accepted yet");
        // The main table cannot be deleted; a table with an association neither.
        let main = s.route_tables.values().find(|t| t.main && t.vpc_id == vpc).unwrap().id.clone();
        assert!(matches!(delete_route_table(&s, &ctx, &main), Err(ModelError::DependencyViolation(_))));
        let (ch, _) = crate::subnet::create_subnet(&s, &ctx, crate::subnet::CreateSubnet {
            vpc_id: vpc.clone(), cidr: "10.0.1.0/24".into(), availability_zone: Some("us-east-1a".into()), ..Default::default()
        }).unwrap();
        let sub = match &ch.events[0] { crate::Event::Put(crate::Resource::Subnet(x)) => x.id.clone(), _ => unreachable!() };
        apply(&mut s, ch);
        assert_eq!(table_for_subnet(&s, &sub, &vpc).unwrap().id, main);
        let (ch, assoc) = associate(&s, &ctx, &rt, &sub).unwrap();
        apply(&mut s, ch);
        assert_eq!(table_for_subnet(&s, &sub, &vpc).unwrap().id, rt);
        assert!(matches!(associate(&s, &ctx, &main, &sub), Err(ModelError::AlreadyAssociated(_))));
        assert!(matches!(delete_route_table(&s, &ctx, &rt), Err(ModelError::DependencyViolation(_))));
        let ch = disassociate(&s, &ctx, &assoc).unwrap();
        apply(&mut s, ch);
        assert_eq!(table_for_subnet(&s, &sub, &vpc).unwrap().id, main);
        // Moving the main marker.
        let main_assoc = s.route_tables[&main].associations[0].id.clone();
        let (ch, _) = replace_association(&s, &ctx, &main_assoc, &rt).unwrap();
        apply(&mut s, ch);
        assert!(s.route_tables[&rt].main && !s.route_tables[&main].main);
    }

    #[test]
    fn destinations_are_canonical_and_of_one_kind() {
        assert_eq!(parse_destination(Some("100.68.0.18/18"), None).unwrap(), Destination::Cidr("100.68.0.0/18".parse().unwrap()));
        assert_eq!(parse_any_destination(None, Some("2001:db8:0:1::1/56"), None).unwrap(), Destination::Cidr("2001:db8::/56".parse().unwrap()));
        assert!(matches!(parse_any_destination(Some("0.0.0.0/0"), Some("::/0"), None), Err(ModelError::InvalidParameterCombination(_))));
        assert!(matches!(parse_any_destination(None, Some("10.0.0.0/8"), None), Err(ModelError::InvalidParameterValue(_))));
        assert!(matches!(parse_any_destination(None, None, None), Err(ModelError::MissingParameter(_))));
        // IPv6 routes match IPv6 addresses only.
        let routes = vec![route("0.0.0.0/0", "igw-4"), route("::/0", "igw-6"), route("2001:db8::/56", "pcx-1")];
        assert_eq!(longest_match(&routes, "2001:db8::9".parse::<std::net::Ipv6Addr>().unwrap()).unwrap().target.id(), "pcx-1");
        assert_eq!(longest_match(&routes, "2600::1".parse::<std::net::Ipv6Addr>().unwrap()).unwrap().target.id(), "igw-6");
        assert_eq!(longest_match(&routes, Ipv4Addr::new(1, 1, 1, 1)).unwrap().target.id(), "igw-4");
        assert!(longest_match(&routes[..1], "2600::1".parse::<std::net::Ipv6Addr>().unwrap()).is_none());
    }

    #[test]
    fn prefix_list_routes_match_their_entries_and_yield_to_cidr_routes_on_a_tie() {
        let net = |s: &str| s.parse::<IpNet>().unwrap();
        let route = |d: Destination, t: &str| Route { destination: d, target: RouteTarget::Gateway(t.into()), origin: RouteOrigin::CreateRoute };
        let routes = vec![
            route(Destination::Cidr(net("0.0.0.0/0")), "igw-1"),
            route(Destination::PrefixList("pl-1".into()), "vpce-1"),
        ];
        let entries = |id: &str| if id == "pl-1" { vec![net("198.19.192.0/24"), net("198.19.193.0/25")] } else { vec![] };
        let at = |ip: &str, routes: &[Route]| longest_match_with(routes, ip.parse::<IpAddr>().unwrap(), entries).map(|r| r.target.id().to_string());
        assert_eq!(at("198.19.192.9", &routes).as_deref(), Some("vpce-1"));
        assert_eq!(at("198.19.193.200", &routes).as_deref(), Some("igw-1"), "outside every entry");
        let mut tie = routes.clone();
        tie.push(route(Destination::Cidr(net("198.19.192.0/24")), "igw-2"));
        assert_eq!(at("198.19.192.9", &tie).as_deref(), Some("igw-2"));
        assert_eq!(at("198.19.193.9", &tie).as_deref(), Some("vpce-1"), "the /25 entry is more specific than 0/0");
        assert_eq!(longest_match(&routes, "198.19.192.9".parse::<IpAddr>().unwrap()).map(|r| r.target.id()), Some("igw-1"));
    }

    #[test]
    fn longest_prefix_wins() {
        let routes = vec![route("0.0.0.0/0", "igw-1"), route("10.0.0.0/8", "a"), route("10.2.0.0/16", "b")];
        assert_eq!(longest_match(&routes, Ipv4Addr::new(10, 2, 3, 4)).unwrap().target.id(), "b");
        assert_eq!(longest_match(&routes, Ipv4Addr::new(10, 3, 3, 4)).unwrap().target.id(), "a");
        assert_eq!(longest_match(&routes, Ipv4Addr::new(8, 8, 8, 8)).unwrap().target.id(), "igw-1");
        assert!(longest_match(&routes[1..], Ipv4Addr::new(8, 8, 8, 8)).is_none());
    }

    proptest! {
        /// The chosen route contains the address and no containing route is
        /// more specific (checked by brute force).
        #[test]
        fn lpm_matches_brute_force(nets in proptest::collection::vec((any::<u32>(), 0u8..=32), 0..20), addr in any::<u32>()) {
            let routes: Vec<Route> = nets.iter().enumerate().map(|(i, (a, l))| Route {
                destination: Destination::Cidr(IpNet::V4(cidr::Ipv4Net::new(Ipv4Addr::from(*a), *l).unwrap().trunc())),
                target: RouteTarget::Gateway(format!("t{i}")), origin: RouteOrigin::CreateRoute }).collect();
            let dst = IpAddr::V4(Ipv4Addr::from(addr));
            let best = routes.iter().filter_map(|r| match &r.destination { Destination::Cidr(c) if c.contains(&dst) => Some(c.prefix_len()), _ => None }).max();
            match longest_match(&routes, dst) {
                None => prop_assert!(best.is_none()),
                Some(r) => match &r.destination {
                    Destination::Cidr(c) => { prop_assert!(c.contains(&dst)); prop_assert_eq!(Some(c.prefix_len()), best); }
                    Destination::PrefixList(_) => prop_assert!(false),
                },
            }
        }
    }
}
