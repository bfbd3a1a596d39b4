//! Route tables: routes, the `local` route, associations and the main table.
//!
//! A route's state (`active` or `blackhole`) is derived when read, from the
//! state of its target: a peering connection that is not active, a deleted
//! gateway or a TGW without an available attachment all make a blackhole.

use serde::{Deserialize, Serialize};

use crate::cidr::Ipv4Net;
use crate::ids::new_id;
use crate::state::State;
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
            | RouteTarget::Instance(x) => x,
        }
    }
}

/// How a route came to be (`Origin` in DescribeRouteTables).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RouteOrigin {
    CreateRouteTable,
    CreateRoute,
}

/// The destination of a route: an IPv4 block or a managed prefix list.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Destination {
    Cidr(Ipv4Net),
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
    /// The main table a new VPC gets, with one `local` route per CIDR block.
    pub fn main_for(vpc: &Vpc) -> RouteTable {
        RouteTable {
            id: new_id("rtb"),
            owner: vpc.owner.clone(),
            region: vpc.region.clone(),
            vpc_id: vpc.id.clone(),
            main: true,
            routes: vpc.cidrs().map(local_route).collect(),
            associations: vec![RouteTableAssociation { id: new_id("rtbassoc"), subnet_id: None, gateway_id: None, main: true }],
            tags: Tags::new(),
        }
    }

    /// The `local` routes are the VPC's current blocks; they follow
    /// secondary CIDR associations, as in AWS.
    pub fn effective_routes(&self, vpc: Option<&Vpc>) -> Vec<Route> {
        let mut out: Vec<Route> = match vpc {
            Some(v) => v.cidrs().map(local_route).collect(),
            None => Vec::new(),
        };
        out.extend(self.routes.iter().filter(|r| r.target != RouteTarget::Local).cloned());
        out
    }
}

/// The `local` route for one VPC block.
pub fn local_route(cidr: Ipv4Net) -> Route {
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
pub fn route_state(state: &State, table: &RouteTable, route: &Route) -> RouteState {
    let ok = match &route.target {
        RouteTarget::Local => true,
        RouteTarget::Gateway(id) if id.starts_with("igw-") => state
            .internet_gateways
            .get(id)
            .is_some_and(|g| g.attached_vpc.as_deref() == Some(table.vpc_id.as_str())),
        RouteTarget::Gateway(_) => true,
        RouteTarget::NetworkInterface(id) => state.network_interfaces.contains_key(id),
        RouteTarget::Instance(id) => state.instances.get(id).is_some_and(|i| i.state.is_running()),
        // Peering, TGW and NAT targets are judged by their own modules once
        // they exist; until then a reference to them cannot be active.
        RouteTarget::VpcPeeringConnection(_) | RouteTarget::TransitGateway(_) | RouteTarget::NatGateway(_) => false,
    };
    if ok {
        RouteState::Active
    } else {
        RouteState::Blackhole
    }
}

/// Longest-prefix match over a table's routes, ignoring prefix lists.
/// Returns the most specific route whose block contains `dst`.
pub fn longest_match<'a>(routes: &'a [Route], dst: std::net::Ipv4Addr) -> Option<&'a Route> {
    routes
        .iter()
        .filter(|r| matches!(&r.destination, Destination::Cidr(c) if c.contains(&dst)))
        .max_by_key(|r| match &r.destination {
            Destination::Cidr(c) => c.prefix_len(),
            Destination::PrefixList(_) => 0,
        })
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
                destination: Destination::Cidr(Ipv4Net::new(Ipv4Addr::from(*a), *l).unwrap().trunc()),
                target: RouteTarget::Gateway(format!("t{i}")), origin: RouteOrigin::CreateRoute }).collect();
            let dst = Ipv4Addr::from(addr);
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
