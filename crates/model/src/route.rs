//! Routes: their destinations and targets, the `local` route, the
//! longest-prefix match, a route's derived state and CreateRoute,
//! ReplaceRoute and DeleteRoute with the checks AWS makes on a target.
//!
//! Separate from [`crate::route_table`] (tables, associations, the main
//! table and the table filters) because a route and its target rules are
//! their own concept, read by the reachability engine without any table
//! lifecycle. [`crate::route_table`] re-exports everything here, so
//! `route_table::Route` and the like keep working.
//!
//! A route's state (`active` or `blackhole`) is derived when read, from the
//! state of its target: a peering connection that is not active, a deleted
//! gateway or a TGW without an available attachment all make a blackhole.

use serde::{Deserialize, Serialize};

use std::net::IpAddr;

use crate::cidr::{self, IpNet};
use crate::error::{IdKind, ModelError, Result};
use crate::route_table::RouteTable;
use crate::state::{owned, Changes, Ctx, State};

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

/// The `local` route for one VPC block.
pub fn local_route(cidr: IpNet) -> Route {
    Route { destination: Destination::Cidr(cidr), target: RouteTarget::Local, origin: RouteOrigin::CreateRouteTable }
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

impl RouteOrigin {
    pub fn as_str(self) -> &'static str {
        match self {
            RouteOrigin::CreateRouteTable => "CreateRouteTable",
            RouteOrigin::CreateRoute => "CreateRoute",
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::net::Ipv4Addr;

    fn route(c: &str, t: &str) -> Route {
        Route { destination: Destination::Cidr(c.parse().unwrap()), target: RouteTarget::Gateway(t.into()), origin: RouteOrigin::CreateRoute }
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
