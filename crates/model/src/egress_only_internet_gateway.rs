//! Egress-only internet gateways: IPv6 out to the internet, replies back
//! in, nothing initiated from outside.
//!
//! AWS's rules (API reference of CreateEgressOnlyInternetGateway, VPC user
//! guide "Enable outbound IPv6 traffic using an egress-only internet
//! gateway", "Amazon VPC quotas"):
//! - created for a VPC and attached to it from the start (there is no
//!   attach or detach call); "You can attach only one egress-only internet
//!   gateway to a VPC at a time";
//! - routes to it carry IPv6 only ("[IPv6 traffic only]");
//! - deleting it leaves its routes as blackholes; a VPC with one cannot be
//!   deleted.

use serde::{Deserialize, Serialize};

use crate::error::{IdKind, ModelError, Result};
use crate::filter::FilterTable;
use crate::ids::new_id;
use crate::state::{owned, Changes, Ctx, ResourceKind, State};
use crate::tags::Tags;

/// An egress-only internet gateway of one VPC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EgressOnlyInternetGateway {
    pub id: String,
    pub owner: String,
    pub region: String,
    /// The VPC it is attached to (for its whole life).
    pub vpc_id: String,
    pub tags: Tags,
}
crate::impl_owned!(EgressOnlyInternetGateway);

/// DescribeEgressOnlyInternetGateways' filters: only tags, as the
/// reference lists (ids go by `EgressOnlyInternetGatewayIds`).
pub const FILTERS: FilterTable<EgressOnlyInternetGateway> = FilterTable { tags: Some(|g, _| Some(&g.tags)), fields: &[] };

/// The gateway attached to `vpc_id`, if any.
pub fn of_vpc<'a>(state: &'a State, vpc_id: &str) -> Option<&'a EgressOnlyInternetGateway> {
    state.egress_only_internet_gateways.values().find(|g| g.vpc_id == vpc_id)
}

/// CreateEgressOnlyInternetGateway: attached to the caller's VPC, the only
/// one there.
pub fn create(state: &State, ctx: &Ctx, vpc_id: &str, tags: Tags) -> Result<(Changes, String)> {
    let vpc = owned(&state.vpcs, ctx, IdKind::Vpc, vpc_id)?;
    if let Some(g) = of_vpc(state, &vpc.id) {
        return Err(ModelError::AlreadyAssociated(format!("network {} already has an egress-only internet gateway attached ({})", vpc.id, g.id)));
    }
    let g = EgressOnlyInternetGateway { id: new_id("eigw"), owner: ctx.account.clone(), region: ctx.region.clone(), vpc_id: vpc.id.clone(), tags };
    let id = g.id.clone();
    let mut ch = Changes::new();
    ch.put(g);
    Ok((ch, id))
}

/// DeleteEgressOnlyInternetGateway: routes to it become blackholes.
pub fn delete(state: &State, ctx: &Ctx, id: &str) -> Result<Changes> {
    let g = owned(&state.egress_only_internet_gateways, ctx, IdKind::EgressOnlyInternetGateway, id)?;
    let mut ch = Changes::new();
    ch.delete(ResourceKind::EgressOnlyInternetGateway, &g.id);
    Ok(ch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::route_table::{self, RouteState, RouteTarget};
    use crate::vpc::{create_vpc, delete_vpc, CreateVpc};

    #[test]
    fn one_per_vpc_routes_ipv6_only_and_blackholes_when_gone() {
        let ctx = Ctx::new("111111111111", "us-east-1", 0);
        let mut s = State::default();
        let (ch, v) = create_vpc(&s, &ctx, CreateVpc { cidr: "10.0.0.0/16".into(), amazon_provided_ipv6_cidr_block: true, ..Default::default() }).unwrap();
        s.apply_all(ch);
        let (ch, other) = create_vpc(&s, &ctx, CreateVpc { cidr: "10.1.0.0/16".into(), ..Default::default() }).unwrap();
        s.apply_all(ch);
        let (ch, g) = create(&s, &ctx, &v, Tags::new()).unwrap();
        s.apply_all(ch);
        assert!(g.starts_with("eigw-"));
        assert!(matches!(create(&s, &ctx, &v, Tags::new()), Err(ModelError::AlreadyAssociated(_))));
        let b = Ctx::new("222222222222", "us-east-1", 0);
        assert_eq!(create(&s, &b, &v, Tags::new()).unwrap_err(), ModelError::NotFound(IdKind::Vpc, v.clone()));
        assert_eq!(delete(&s, &b, &g).unwrap_err(), ModelError::NotFound(IdKind::EgressOnlyInternetGateway, g.clone()));
        // Routes: IPv6 only, and only in the gateway's VPC.
        let rt = s.route_tables.values().find(|t| t.vpc_id == v).unwrap().id.clone();
        let target = RouteTarget::EgressOnlyInternetGateway(g.clone());
        let v4 = route_table::parse_destination(Some("0.0.0.0/0"), None).unwrap();
        assert!(matches!(route_table::create_route(&s, &ctx, &rt, v4, target.clone()), Err(ModelError::InvalidParameterValue(_))));
        let v6 = route_table::parse_any_destination(None, Some("::/0"), None).unwrap();
        let other_rt = s.route_tables.values().find(|t| t.vpc_id == other).unwrap().id.clone();
        assert!(matches!(route_table::create_route(&s, &ctx, &other_rt, v6.clone(), target.clone()), Err(ModelError::InvalidParameterValue(_))));
        let ch = route_table::create_route(&s, &ctx, &rt, v6, target.clone()).unwrap();
        s.apply_all(ch);
        let route = |s: &State| s.route_tables[&rt].routes.iter().find(|r| r.target == target).cloned().unwrap();
        assert_eq!(route_table::route_state(&s, &s.route_tables[&rt], &route(&s)), RouteState::Active);
        // The VPC cannot go while the gateway is there.
        assert!(matches!(delete_vpc(&s, &ctx, &v), Err(ModelError::DependencyViolation(_))));
        let ch = delete(&s, &ctx, &g).unwrap();
        s.apply_all(ch);
        assert_eq!(route_table::route_state(&s, &s.route_tables[&rt], &route(&s)), RouteState::Blackhole);
    }
}
