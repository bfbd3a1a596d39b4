//! Route tables: associations, the main table and the table filters. The
//! routes themselves (destinations, targets, their state and the route
//! operations) are in [`crate::route`], re-exported here.

use serde::{Deserialize, Serialize};

use crate::cidr::IpNet;
use crate::error::{IdKind, ModelError, Result};
use crate::filter::{one, Field, FilterTable};
use crate::ids::new_id;
use crate::state::{owned, Changes, Ctx, ResourceKind, State};
use crate::tags::Tags;
use crate::vpc::Vpc;

pub use crate::route::*;

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

/// An association with a subnet, or the main-table marker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteTableAssociation {
    pub id: String,
    pub subnet_id: Option<String>,
    pub gateway_id: Option<String>,
    pub main: bool,
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

/// The table that routes a subnet's traffic: its explicit association, or
/// the VPC's main table.
pub fn table_for_subnet<'a>(state: &'a State, subnet_id: &str, vpc_id: &str) -> Option<&'a RouteTable> {
    state
        .route_tables
        .values()
        .find(|t| t.associations.iter().any(|a| a.subnet_id.as_deref() == Some(subnet_id)))
        .or_else(|| state.route_tables.values().find(|t| t.vpc_id == vpc_id && t.main))
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
}
