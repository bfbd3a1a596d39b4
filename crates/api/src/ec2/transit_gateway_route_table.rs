//! Transit gateway route table actions: tables, associations,
//! propagations and routes.

use xvpc_model::transit_gateway::TgwAttachment;
use xvpc_model::transit_gateway_route_table::{self as rt, AssociationState, PropagationState, TgwRoute, TgwRouteTable, TgwRouteTableState};
use xvpc_model::{IdKind, State};
use xvpc_wire::page::PageLimits;
use xvpc_wire::{QueryParams, XmlWriter};

use super::transit_gateway::tag_specs_any;
use super::{filters, page_error, paginate, require_all, timestamp, write_tags};
use crate::call::{Call, QueryHandler};
use crate::errors::{client, Result};

pub const ACTIONS: &[(&str, QueryHandler)] = &[
    ("CreateTransitGatewayRouteTable", create_route_table),
    ("DeleteTransitGatewayRouteTable", delete_route_table),
    ("DescribeTransitGatewayRouteTables", describe_route_tables),
    ("AssociateTransitGatewayRouteTable", associate),
    ("DisassociateTransitGatewayRouteTable", disassociate),
    ("EnableTransitGatewayRouteTablePropagation", enable_propagation),
    ("DisableTransitGatewayRouteTablePropagation", disable_propagation),
    ("CreateTransitGatewayRoute", create_route),
    ("DeleteTransitGatewayRoute", delete_route),
    ("ReplaceTransitGatewayRoute", replace_route),
    ("SearchTransitGatewayRoutes", search_routes),
    ("GetTransitGatewayRouteTableAssociations", get_associations),
    ("GetTransitGatewayRouteTablePropagations", get_propagations),
];

fn write_table(w: &mut XmlWriter, r: &TgwRouteTable, s: &State, state_override: Option<TgwRouteTableState>) {
    let (assoc, prop) = r.defaults(s);
    w.leaf("transitGatewayRouteTableId", &r.id)
        .leaf("transitGatewayId", &r.transit_gateway_id)
        .leaf("state", state_override.unwrap_or(r.state()).as_str())
        .bool_leaf("defaultAssociationRouteTable", assoc)
        .bool_leaf("defaultPropagationRouteTable", prop)
        .leaf("creationTime", timestamp(r.created_at));
    write_tags(w, &r.tags);
}

fn one_table(call: &Call, id: &str, state_override: Option<TgwRouteTableState>) -> String {
    let s = call.state();
    let mut w = XmlWriter::new();
    w.open("transitGatewayRouteTable");
    if let Some(r) = s.transit_gateway_route_tables.get(id) {
        write_table(&mut w, r, s, state_override);
    }
    w.close("transitGatewayRouteTable");
    w.finish()
}

fn create_route_table(call: &mut Call, p: &QueryParams) -> Result<String> {
    let tgw = p.required("TransitGatewayId")?.to_string();
    let tags = tag_specs_any(p, "transit-gateway-route-table")?;
    let (ch, id) = rt::create_route_table(call.state(), &call.ctx, &tgw, tags)?;
    call.commit(ch)?;
    Ok(one_table(call, &id, Some(TgwRouteTableState::Pending)))
}

fn delete_route_table(call: &mut Call, p: &QueryParams) -> Result<String> {
    let id = p.required("TransitGatewayRouteTableId")?.to_string();
    let ch = rt::delete_route_table(call.state(), &call.ctx, &id)?;
    call.commit(ch)?;
    Ok(one_table(call, &id, Some(TgwRouteTableState::Deleting)))
}

fn describe_route_tables(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ids = p.list("TransitGatewayRouteTableIds");
    let fs = filters(p);
    let s = call.state();
    let ctx = &call.ctx;
    require_all(&ids, |id| s.transit_gateway_route_tables.get(id).is_some_and(|r| r.listed(ctx)), IdKind::TransitGatewayRouteTable)?;
    let listed = s.transit_gateway_route_tables.values().filter(|r| r.listed(ctx) && (ids.is_empty() || ids.contains(&r.id)));
    let out = rt::FILTERS.select(&fs, s, ctx, listed)?;
    let (page, next) = paginate(out, p, |r| r.id.clone(), (5, 1000))?;
    let mut w = XmlWriter::new();
    w.items("transitGatewayRouteTables", page, |w, r| write_table(w, r, s, None));
    w.opt_leaf("nextToken", next);
    Ok(w.finish())
}

fn ids(p: &QueryParams) -> Result<(String, String)> {
    Ok((p.required("TransitGatewayRouteTableId")?.to_string(), p.required("TransitGatewayAttachmentId")?.to_string()))
}

/// `<association>` / `<propagation>` bodies name the attachment's VPC.
fn write_link(w: &mut XmlWriter, elem: &str, s: &State, table: &str, att: &str, state: &str) {
    let vpc = s.transit_gateway_attachments.get(att).map(|a| a.vpc_id.clone()).unwrap_or_default();
    w.open(elem)
        .leaf("transitGatewayRouteTableId", table)
        .leaf("transitGatewayAttachmentId", att)
        .leaf("resourceId", vpc)
        .leaf("resourceType", "vpc")
        .leaf("state", state)
        .close(elem);
}

fn associate(call: &mut Call, p: &QueryParams) -> Result<String> {
    let (table, att) = ids(p)?;
    let ch = rt::associate(call.state(), &call.ctx, &table, &att)?;
    call.commit(ch)?;
    let mut w = XmlWriter::new();
    write_link(&mut w, "association", call.state(), &table, &att, AssociationState::Associating.as_str());
    Ok(w.finish())
}

fn disassociate(call: &mut Call, p: &QueryParams) -> Result<String> {
    let (table, att) = ids(p)?;
    let ch = rt::disassociate(call.state(), &call.ctx, &table, &att)?;
    call.commit(ch)?;
    let mut w = XmlWriter::new();
    write_link(&mut w, "association", call.state(), &table, &att, AssociationState::Disassociating.as_str());
    Ok(w.finish())
}

fn enable_propagation(call: &mut Call, p: &QueryParams) -> Result<String> {
    let (table, att) = ids(p)?;
    let ch = rt::enable_propagation(call.state(), &call.ctx, &table, &att)?;
    call.commit(ch)?;
    let mut w = XmlWriter::new();
    write_link(&mut w, "propagation", call.state(), &table, &att, PropagationState::Enabling.as_str());
    Ok(w.finish())
}

fn disable_propagation(call: &mut Call, p: &QueryParams) -> Result<String> {
    let (table, att) = ids(p)?;
    let ch = rt::disable_propagation(call.state(), &call.ctx, &table, &att)?;
    call.commit(ch)?;
    let mut w = XmlWriter::new();
    write_link(&mut w, "propagation", call.state(), &table, &att, PropagationState::Disabling.as_str());
    Ok(w.finish())
}

fn write_route(w: &mut XmlWriter, r: &TgwRoute, s: &State) {
    w.leaf("destinationCidrBlock", r.cidr.to_string());
    w.items("transitGatewayAttachments", r.attachment.iter(), |w, a| {
        let vpc = s.transit_gateway_attachments.get(a).map(|x| x.vpc_id.clone()).unwrap_or_default();
        w.leaf("resourceId", vpc).leaf("transitGatewayAttachmentId", a).leaf("resourceType", "vpc");
    });
    w.leaf("type", r.route_type.as_str()).leaf("state", r.state().as_str());
}

fn target(p: &QueryParams) -> Result<(String, String, Option<String>, bool)> {
    Ok((
        p.required("TransitGatewayRouteTableId")?.to_string(),
        p.required("DestinationCidrBlock")?.to_string(),
        p.get("TransitGatewayAttachmentId").map(str::to_string),
        p.bool("Blackhole")?.unwrap_or(false),
    ))
}

fn one_route(call: &Call, route: &TgwRoute) -> String {
    let mut w = XmlWriter::new();
    w.open("route");
    write_route(&mut w, route, call.state());
    w.close("route");
    w.finish()
}

fn create_route(call: &mut Call, p: &QueryParams) -> Result<String> {
    let (table, cidr, att, blackhole) = target(p)?;
    let (ch, route) = rt::create_route(call.state(), &call.ctx, &table, &cidr, att.as_deref(), blackhole)?;
    call.commit(ch)?;
    Ok(one_route(call, &route))
}

fn replace_route(call: &mut Call, p: &QueryParams) -> Result<String> {
    let (table, cidr, att, blackhole) = target(p)?;
    let (ch, route) = rt::replace_route(call.state(), &call.ctx, &table, &cidr, att.as_deref(), blackhole)?;
    call.commit(ch)?;
    Ok(one_route(call, &route))
}

fn delete_route(call: &mut Call, p: &QueryParams) -> Result<String> {
    let table = p.required("TransitGatewayRouteTableId")?.to_string();
    let cidr = p.required("DestinationCidrBlock")?.to_string();
    let (ch, route) = rt::delete_route(call.state(), &call.ctx, &table, &cidr)?;
    call.commit(ch)?;
    let mut w = XmlWriter::new();
    w.open("route");
    write_route(&mut w, &route, call.state());
    w.close("route");
    Ok(w.finish().replacen("<state>blackhole</state>", "<state>deleted</state>", 1))
}

/// The caller's table, for reads.
fn table<'a>(call: &'a Call, id: &str) -> Result<&'a TgwRouteTable> {
    xvpc_model::ids::check(IdKind::TransitGatewayRouteTable, id)?;
    call.state()
        .transit_gateway_route_tables
        .get(id)
        .filter(|r| r.listed(&call.ctx) && !r.is_deleted())
        .ok_or_else(|| xvpc_model::ModelError::NotFound(IdKind::TransitGatewayRouteTable, id.to_string()).into())
}

fn search_routes(call: &mut Call, p: &QueryParams) -> Result<String> {
    let id = p.required("TransitGatewayRouteTableId")?.to_string();
    let fs = filters(p);
    if fs.is_empty() {
        return Err(client("MissingParameter", "The request must contain the parameter Filters"));
    }
    let max = PageLimits::strict(5, 1000).by_default(1000).size(p.int("MaxResults")?).map_err(page_error)?.unwrap_or(usize::MAX);
    let r = table(call, &id)?;
    let mut routes = rt::search(r, call.state(), &call.ctx, &fs)?;
    let more = routes.len() > max;
    routes.truncate(max);
    let s = call.state();
    let mut w = XmlWriter::new();
    w.items("routeSet", &routes, |w, r| write_route(w, r, s));
    w.bool_leaf("additionalRoutesAvailable", more);
    Ok(w.finish())
}

/// The attachments among `ids` that pass the call's filters.
fn links<'a>(call: &'a Call, ids: Vec<String>, p: &QueryParams) -> Result<Vec<&'a TgwAttachment>> {
    let s = call.state();
    let atts = ids.iter().filter_map(|a| s.transit_gateway_attachments.get(a));
    Ok(rt::LINK_FILTERS.select(&filters(p), s, &call.ctx, atts)?)
}

fn get_associations(call: &mut Call, p: &QueryParams) -> Result<String> {
    let id = p.required("TransitGatewayRouteTableId")?.to_string();
    let r = table(call, &id)?;
    let s = call.state();
    let atts = links(call, r.associations(s).into_iter().map(|a| a.id.clone()).collect(), p)?;
    let (page, next) = paginate(atts, p, |a| a.id.clone(), (5, 1000))?;
    let mut w = XmlWriter::new();
    w.items("associations", page, |w, a| {
        w.leaf("transitGatewayAttachmentId", &a.id).leaf("resourceId", &a.vpc_id).leaf("resourceType", "vpc").leaf("state", AssociationState::Associated.as_str());
    });
    w.opt_leaf("nextToken", next);
    Ok(w.finish())
}

fn get_propagations(call: &mut Call, p: &QueryParams) -> Result<String> {
    let id = p.required("TransitGatewayRouteTableId")?.to_string();
    let r = table(call, &id)?;
    let atts = links(call, r.propagations.clone(), p)?;
    let (page, next) = paginate(atts, p, |a| a.id.clone(), (5, 1000))?;
    let mut w = XmlWriter::new();
    w.items("transitGatewayRouteTablePropagations", page, |w, a| {
        w.leaf("transitGatewayAttachmentId", &a.id).leaf("resourceId", &a.vpc_id).leaf("resourceType", "vpc").leaf("state", PropagationState::Enabled.as_str());
    });
    w.opt_leaf("nextToken", next);
    Ok(w.finish())
}
