//! Transit gateway route table actions: tables, associations,
//! propagations and routes, as typed handlers over the generated shapes.

use xvpc_model::state::Ctx;
use xvpc_model::transit_gateway::TgwAttachment;
use xvpc_model::transit_gateway_route_table::{self as rt, AssociationState, PropagationState, TgwRoute, TgwRouteTable, TgwRouteTableState};
use xvpc_model::{IdKind, ModelError, State};
use xvpc_wire::page::PageLimits;
use xvpc_wire::shapes::ec2::{self as shape, ops};
use xvpc_wire::Timestamp;

use super::{filter_list, page_error, paginate_by, require_all, tag_set, tags_from_specs, unsupported};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::CreateTransitGatewayRouteTable, create_route_table),
    crate::typed!(ops::DeleteTransitGatewayRouteTable, delete_route_table),
    crate::typed!(ops::DescribeTransitGatewayRouteTables, describe_route_tables),
    crate::typed!(ops::AssociateTransitGatewayRouteTable, associate),
    crate::typed!(ops::DisassociateTransitGatewayRouteTable, disassociate),
    crate::typed!(ops::EnableTransitGatewayRouteTablePropagation, enable_propagation),
    crate::typed!(ops::DisableTransitGatewayRouteTablePropagation, disable_propagation),
    crate::typed!(ops::CreateTransitGatewayRoute, create_route),
    crate::typed!(ops::DeleteTransitGatewayRoute, delete_route),
    crate::typed!(ops::ReplaceTransitGatewayRoute, replace_route),
    crate::typed!(ops::SearchTransitGatewayRoutes, search_routes),
    crate::typed!(ops::GetTransitGatewayRouteTableAssociations, get_associations),
    crate::typed!(ops::GetTransitGatewayRouteTablePropagations, get_propagations),
];

/// Every attachment xvpc holds is a VPC attachment.
const VPC: shape::TransitGatewayAttachmentResourceType = shape::TransitGatewayAttachmentResourceType::Vpc;

/// The `TransitGatewayRouteTable` structure. `state` overrides the state
/// shown (the create and delete responses' transitional states).
fn table_shape(r: &TgwRouteTable, s: &State, state: Option<TgwRouteTableState>) -> shape::TransitGatewayRouteTable {
    let (assoc, prop) = r.defaults(s);
    shape::TransitGatewayRouteTable {
        transit_gateway_route_table_id: Some(r.id.clone()),
        transit_gateway_id: Some(r.transit_gateway_id.clone()),
        state: Some(shape::TransitGatewayRouteTableState::from(state.unwrap_or(r.state()).as_str())),
        default_association_route_table: Some(assoc),
        default_propagation_route_table: Some(prop),
        creation_time: Some(Timestamp(r.created_at)),
        tags: tag_set(&r.tags),
    }
}

fn one_table(call: &Call, id: &str, state: TgwRouteTableState) -> Option<shape::TransitGatewayRouteTable> {
    let s = call.state();
    s.transit_gateway_route_tables.get(id).map(|r| table_shape(r, s, Some(state)))
}

pub(crate) fn create_route_table(
    call: &mut Call,
    input: shape::CreateTransitGatewayRouteTableRequest,
) -> Result<shape::CreateTransitGatewayRouteTableResult> {
    let tags = tags_from_specs(&input.tag_specifications, "transit-gateway-route-table")?;
    let (ch, id) = rt::create_route_table(call.state(), &call.ctx, &input.transit_gateway_id, tags)?;
    call.commit(ch)?;
    Ok(shape::CreateTransitGatewayRouteTableResult { transit_gateway_route_table: one_table(call, &id, TgwRouteTableState::Pending) })
}

pub(crate) fn delete_route_table(
    call: &mut Call,
    input: shape::DeleteTransitGatewayRouteTableRequest,
) -> Result<shape::DeleteTransitGatewayRouteTableResult> {
    let id = input.transit_gateway_route_table_id;
    let ch = rt::delete_route_table(call.state(), &call.ctx, &id)?;
    call.commit(ch)?;
    Ok(shape::DeleteTransitGatewayRouteTableResult { transit_gateway_route_table: one_table(call, &id, TgwRouteTableState::Deleting) })
}

pub(crate) fn describe_route_tables(
    call: &mut Call,
    input: shape::DescribeTransitGatewayRouteTablesRequest,
) -> Result<shape::DescribeTransitGatewayRouteTablesResult> {
    let ids = input.transit_gateway_route_table_ids;
    let s = call.state();
    let ctx = &call.ctx;
    require_all(&ids, |id| s.transit_gateway_route_tables.get(id).is_some_and(|r| r.listed(ctx)), IdKind::TransitGatewayRouteTable)?;
    let listed = s.transit_gateway_route_tables.values().filter(|r| r.listed(ctx) && (ids.is_empty() || ids.contains(&r.id)));
    let out = rt::FILTERS.select(&filter_list(&input.filters), s, ctx, listed)?;
    let (page, next) = paginate_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), |r| r.id.clone(), (5, 1000))?;
    Ok(shape::DescribeTransitGatewayRouteTablesResult {
        transit_gateway_route_tables: page.into_iter().map(|r| table_shape(r, s, None)).collect(),
        next_token: next,
    })
}

/// The VPC of an attachment (its `resourceId`).
fn vpc_of(s: &State, att: &str) -> Option<String> {
    s.transit_gateway_attachments.get(att).map(|a| a.vpc_id.clone())
}

/// The `association` an Associate/Disassociate call answers.
fn association(s: &State, table: &str, att: &str, state: AssociationState) -> shape::TransitGatewayAssociation {
    shape::TransitGatewayAssociation {
        transit_gateway_route_table_id: Some(table.to_string()),
        transit_gateway_attachment_id: Some(att.to_string()),
        resource_id: vpc_of(s, att),
        resource_type: Some(VPC),
        state: Some(shape::TransitGatewayAssociationState::from(state.as_str())),
    }
}

/// The `propagation` an Enable/Disable...Propagation call answers.
fn propagation(s: &State, table: &str, att: &str, state: PropagationState) -> shape::TransitGatewayPropagation {
    shape::TransitGatewayPropagation {
        transit_gateway_attachment_id: Some(att.to_string()),
        resource_id: vpc_of(s, att),
        resource_type: Some(VPC),
        transit_gateway_route_table_id: Some(table.to_string()),
        state: Some(shape::TransitGatewayPropagationState::from(state.as_str())),
        transit_gateway_route_table_announcement_id: None,
    }
}

pub(crate) fn associate(call: &mut Call, input: shape::AssociateTransitGatewayRouteTableRequest) -> Result<shape::AssociateTransitGatewayRouteTableResult> {
    let (table, att) = (input.transit_gateway_route_table_id, input.transit_gateway_attachment_id);
    let ch = rt::associate(call.state(), &call.ctx, &table, &att)?;
    call.commit(ch)?;
    Ok(shape::AssociateTransitGatewayRouteTableResult { association: Some(association(call.state(), &table, &att, AssociationState::Associating)) })
}

pub(crate) fn disassociate(
    call: &mut Call,
    input: shape::DisassociateTransitGatewayRouteTableRequest,
) -> Result<shape::DisassociateTransitGatewayRouteTableResult> {
    let (table, att) = (input.transit_gateway_route_table_id, input.transit_gateway_attachment_id);
    let ch = rt::disassociate(call.state(), &call.ctx, &table, &att)?;
    call.commit(ch)?;
    Ok(shape::DisassociateTransitGatewayRouteTableResult {
        association: Some(association(call.state(), &table, &att, AssociationState::Disassociating)),
    })
}

/// The attachment a propagation call names. The model also lets a call
/// name a route table announcement (Cloud WAN peering) instead, which xvpc
/// does not have.
fn propagating_attachment(att: Option<String>, announcement: Option<String>) -> Result<String> {
    match (att, announcement) {
        (Some(att), _) => Ok(att),
        (None, Some(_)) => Err(unsupported("Transit gateway route table announcements")),
        (None, None) => Err(ModelError::MissingParameter("TransitGatewayAttachmentId".into()).into()),
    }
}

pub(crate) fn enable_propagation(
    call: &mut Call,
    input: shape::EnableTransitGatewayRouteTablePropagationRequest,
) -> Result<shape::EnableTransitGatewayRouteTablePropagationResult> {
    let table = input.transit_gateway_route_table_id;
    let att = propagating_attachment(input.transit_gateway_attachment_id, input.transit_gateway_route_table_announcement_id)?;
    let ch = rt::enable_propagation(call.state(), &call.ctx, &table, &att)?;
    call.commit(ch)?;
    Ok(shape::EnableTransitGatewayRouteTablePropagationResult { propagation: Some(propagation(call.state(), &table, &att, PropagationState::Enabling)) })
}

pub(crate) fn disable_propagation(
    call: &mut Call,
    input: shape::DisableTransitGatewayRouteTablePropagationRequest,
) -> Result<shape::DisableTransitGatewayRouteTablePropagationResult> {
    let table = input.transit_gateway_route_table_id;
    let att = propagating_attachment(input.transit_gateway_attachment_id, input.transit_gateway_route_table_announcement_id)?;
    let ch = rt::disable_propagation(call.state(), &call.ctx, &table, &att)?;
    call.commit(ch)?;
    Ok(shape::DisableTransitGatewayRouteTablePropagationResult {
        propagation: Some(propagation(call.state(), &table, &att, PropagationState::Disabling)),
    })
}

/// The `TransitGatewayRoute` structure. `state` overrides the route's
/// state (a deleted route is reported `deleted`).
fn route_shape(r: &TgwRoute, s: &State, state: Option<shape::TransitGatewayRouteState>) -> shape::TransitGatewayRoute {
    shape::TransitGatewayRoute {
        destination_cidr_block: Some(r.cidr.to_string()),
        transit_gateway_attachments: r
            .attachment
            .iter()
            .map(|a| shape::TransitGatewayRouteAttachment { resource_id: vpc_of(s, a), transit_gateway_attachment_id: Some(a.clone()), resource_type: Some(VPC) })
            .collect(),
        type_: Some(shape::TransitGatewayRouteType::from(r.route_type.as_str())),
        state: Some(state.unwrap_or_else(|| shape::TransitGatewayRouteState::from(r.state().as_str()))),
        ..Default::default()
    }
}

pub(crate) fn create_route(call: &mut Call, input: shape::CreateTransitGatewayRouteRequest) -> Result<shape::CreateTransitGatewayRouteResult> {
    let (table, cidr) = (input.transit_gateway_route_table_id, input.destination_cidr_block);
    let blackhole = input.blackhole.unwrap_or(false);
    let (ch, route) = rt::create_route(call.state(), &call.ctx, &table, &cidr, input.transit_gateway_attachment_id.as_deref(), blackhole)?;
    call.commit(ch)?;
    Ok(shape::CreateTransitGatewayRouteResult { route: Some(route_shape(&route, call.state(), None)) })
}

fn replace_route(call: &mut Call, input: shape::ReplaceTransitGatewayRouteRequest) -> Result<shape::ReplaceTransitGatewayRouteResult> {
    let (table, cidr) = (input.transit_gateway_route_table_id, input.destination_cidr_block);
    let blackhole = input.blackhole.unwrap_or(false);
    let (ch, route) = rt::replace_route(call.state(), &call.ctx, &table, &cidr, input.transit_gateway_attachment_id.as_deref(), blackhole)?;
    call.commit(ch)?;
    Ok(shape::ReplaceTransitGatewayRouteResult { route: Some(route_shape(&route, call.state(), None)) })
}

pub(crate) fn delete_route(call: &mut Call, input: shape::DeleteTransitGatewayRouteRequest) -> Result<shape::DeleteTransitGatewayRouteResult> {
    let (ch, route) = rt::delete_route(call.state(), &call.ctx, &input.transit_gateway_route_table_id, &input.destination_cidr_block)?;
    call.commit(ch)?;
    Ok(shape::DeleteTransitGatewayRouteResult { route: Some(route_shape(&route, call.state(), Some(shape::TransitGatewayRouteState::Deleted))) })
}

/// The caller's table, for reads.
fn table<'a>(s: &'a State, ctx: &Ctx, id: &str) -> Result<&'a TgwRouteTable> {
    xvpc_model::ids::check(IdKind::TransitGatewayRouteTable, id)?;
    s.transit_gateway_route_tables
        .get(id)
        .filter(|r| r.listed(ctx) && !r.is_deleted())
        .ok_or_else(|| ModelError::NotFound(IdKind::TransitGatewayRouteTable, id.to_string()).into())
}

/// SearchTransitGatewayRoutes answers at most `MaxResults` routes (1000 by
/// default) and says whether more matched; it does not page.
pub(crate) fn search_routes(call: &mut Call, input: shape::SearchTransitGatewayRoutesRequest) -> Result<shape::SearchTransitGatewayRoutesResult> {
    let fs = filter_list(&input.filters);
    if fs.is_empty() {
        return Err(ModelError::MissingParameter("Filter".into()).into());
    }
    let max = PageLimits::strict(5, 1000).by_default(1000).size(input.max_results.map(i64::from)).map_err(page_error)?.unwrap_or(usize::MAX);
    let s = call.state();
    let r = table(s, &call.ctx, &input.transit_gateway_route_table_id)?;
    let mut routes = rt::search(r, s, &call.ctx, &fs)?;
    let more = routes.len() > max;
    routes.truncate(max);
    Ok(shape::SearchTransitGatewayRoutesResult {
        routes: routes.iter().map(|r| route_shape(r, s, None)).collect(),
        additional_routes_available: Some(more),
        next_token: None,
    })
}

/// The attachments among `atts` that pass the call's filters, one page of them.
fn links<'a>(
    s: &'a State,
    ctx: &Ctx,
    atts: impl Iterator<Item = &'a TgwAttachment>,
    filters: &[shape::Filter],
    max: Option<i32>,
    token: Option<&str>,
) -> Result<(Vec<&'a TgwAttachment>, Option<String>)> {
    let out = rt::LINK_FILTERS.select(&filter_list(filters), s, ctx, atts)?;
    paginate_by(out, max.map(i64::from), token, |a| a.id.clone(), (5, 1000))
}

pub(crate) fn get_associations(
    call: &mut Call,
    input: shape::GetTransitGatewayRouteTableAssociationsRequest,
) -> Result<shape::GetTransitGatewayRouteTableAssociationsResult> {
    let s = call.state();
    let r = table(s, &call.ctx, &input.transit_gateway_route_table_id)?;
    let (page, next) = links(s, &call.ctx, r.associations(s).into_iter(), &input.filters, input.max_results, input.next_token.as_deref())?;
    Ok(shape::GetTransitGatewayRouteTableAssociationsResult { associations: page.into_iter().map(association_row).collect(), next_token: next })
}

/// An attachment associated with the table, as GetTransitGatewayRouteTableAssociations lists it.
fn association_row(a: &TgwAttachment) -> shape::TransitGatewayRouteTableAssociation {
    shape::TransitGatewayRouteTableAssociation {
        transit_gateway_attachment_id: Some(a.id.clone()),
        resource_id: Some(a.vpc_id.clone()),
        resource_type: Some(VPC),
        state: Some(shape::TransitGatewayAssociationState::from(AssociationState::Associated.as_str())),
    }
}

pub(crate) fn get_propagations(
    call: &mut Call,
    input: shape::GetTransitGatewayRouteTablePropagationsRequest,
) -> Result<shape::GetTransitGatewayRouteTablePropagationsResult> {
    let s = call.state();
    let r = table(s, &call.ctx, &input.transit_gateway_route_table_id)?;
    let atts = r.propagations.iter().filter_map(|a| s.transit_gateway_attachments.get(a));
    let (page, next) = links(s, &call.ctx, atts, &input.filters, input.max_results, input.next_token.as_deref())?;
    Ok(shape::GetTransitGatewayRouteTablePropagationsResult {
        transit_gateway_route_table_propagations: page.into_iter().map(propagation_row).collect(),
        next_token: next,
    })
}

/// An attachment propagating to the table, as GetTransitGatewayRouteTablePropagations lists it.
fn propagation_row(a: &TgwAttachment) -> shape::TransitGatewayRouteTablePropagation {
    shape::TransitGatewayRouteTablePropagation {
        transit_gateway_attachment_id: Some(a.id.clone()),
        resource_id: Some(a.vpc_id.clone()),
        resource_type: Some(VPC),
        state: Some(shape::TransitGatewayPropagationState::from(PropagationState::Enabled.as_str())),
        transit_gateway_route_table_announcement_id: None,
    }
}

#[cfg(test)]
#[path = "transit_gateway_route_table_tests.rs"]
mod tests;
