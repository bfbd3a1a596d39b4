//! Gateway VPC endpoints (S3, DynamoDB): no ENI, no DNS; each route table
//! the endpoint is associated with gets a route whose destination is the
//! service's AWS-managed prefix list and whose target is the endpoint
//! (`GatewayId` = `vpce-...`, origin `CreateRoute`, as DescribeRouteTables
//! shows it in AWS). The routes come and go with the endpoint's route
//! tables (CreateVpcEndpoint, ModifyVpcEndpoint Add/RemoveRouteTableIds,
//! DeleteVpcEndpoints).

use crate::error::{IdKind, ModelError, Result};
use crate::prefix_list::{self, PrefixList};
use crate::route_table::{Destination, Route, RouteOrigin, RouteTarget};
use crate::state::{owned, Changes, Ctx, State};
use crate::vpc_endpoint::VpcEndpoint;

/// The policy an endpoint gets when none is given (and after
/// `ResetPolicy`): full access, as AWS writes its default.
pub const DEFAULT_POLICY: &str = r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#;

/// The prefix list a gateway endpoint's routes name.
pub fn prefix_list_of(ep: &VpcEndpoint) -> Option<PrefixList> {
    let short = ep.service_name.strip_prefix(&format!("com.amazonaws.{}.", ep.region))?;
    prefix_list::of_service(&ep.region, short)
}

/// Checks the tables: the caller's, in the endpoint's VPC, without a route
/// to the service's prefix list yet (one gateway endpoint per service and
/// table, as AWS refuses a second).
fn check_tables(state: &State, ctx: &Ctx, ep: &VpcEndpoint, pl: &PrefixList, ids: &[String]) -> Result<()> {
    for id in ids {
        let t = owned(&state.route_tables, ctx, IdKind::RouteTable, id)?;
        if t.vpc_id != ep.vpc_id {
            return Err(ModelError::InvalidParameter(format!("Route table {id} does not belong to VPC {}", ep.vpc_id)));
        }
        if t.routes.iter().any(|r| r.destination == Destination::PrefixList(pl.id.clone())) {
            return Err(ModelError::RouteAlreadyExists(format!(
                "route table {id} already has a route with destination-prefix-list-id {}",
                pl.id
            )));
        }
    }
    Ok(())
}

/// Associates the endpoint with `tables`: a route to its prefix list in each.
pub fn add_tables(state: &State, ctx: &Ctx, ep: &mut VpcEndpoint, tables: &[String], ch: &mut Changes) -> Result<()> {
    let pl = prefix_list_of(ep).ok_or_else(|| ModelError::InvalidParameter(format!("{} is not a Gateway endpoint service", ep.service_name)))?;
    let fresh: Vec<String> = tables.iter().filter(|t| !ep.route_table_ids.contains(t)).cloned().collect();
    check_tables(state, ctx, ep, &pl, &fresh)?;
    for id in &fresh {
        let mut t = state.route_tables[id].clone();
        t.routes.push(Route { destination: Destination::PrefixList(pl.id.clone()), target: RouteTarget::Gateway(ep.id.clone()), origin: RouteOrigin::CreateRoute });
        ch.put(t);
        ep.route_table_ids.push(id.clone());
    }
    Ok(())
}

/// Dissociates the endpoint from `tables` (each must be one of its
/// tables): their routes to it go.
pub fn remove_tables(state: &State, ep: &mut VpcEndpoint, tables: &[String], ch: &mut Changes) -> Result<()> {
    for id in tables {
        if !ep.route_table_ids.contains(id) {
            return Err(ModelError::InvalidParameter(format!("Route table {id} is not associated with VPC endpoint {}", ep.id)));
        }
    }
    ep.route_table_ids.retain(|t| !tables.contains(t));
    drop_routes(state, &ep.id, tables, ch);
    Ok(())
}

/// Removes the routes to endpoint `ep_id` from the still existing `tables`.
pub fn drop_routes(state: &State, ep_id: &str, tables: &[String], ch: &mut Changes) {
    for id in tables {
        if let Some(t) = state.route_tables.get(id) {
            let mut t = t.clone();
            t.routes.retain(|r| r.target != RouteTarget::Gateway(ep_id.to_string()));
            ch.put(t);
        }
    }
}

/// The endpoint's tables that still exist (a deleted table takes its
/// association with it).
pub fn live_tables(state: &State, ep: &VpcEndpoint) -> Vec<String> {
    ep.route_table_ids.iter().filter(|t| state.route_tables.contains_key(*t)).cloned().collect()
}
