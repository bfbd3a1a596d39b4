//! Route table actions: tables, routes and associations.

use xvpc_model::route_table::{self, Destination, RouteTable, RouteTarget};
use xvpc_model::{IdKind, State};
use xvpc_wire::{QueryParams, XmlWriter};

use super::{filters, paginate, require_all, tag_specs, write_tags};
use crate::call::{Call, QueryHandler};
use crate::errors::{client, Result};

pub const ACTIONS: &[(&str, QueryHandler)] = &[
    ("CreateRouteTable", create_route_table),
    ("DeleteRouteTable", delete_route_table),
    ("DescribeRouteTables", describe_route_tables),
    ("CreateRoute", create_route),
    ("ReplaceRoute", replace_route),
    ("DeleteRoute", delete_route),
    ("AssociateRouteTable", associate_route_table),
    ("DisassociateRouteTable", disassociate_route_table),
    ("ReplaceRouteTableAssociation", replace_route_table_association),
];

/// The `<routeTable>` structure's content.
pub fn write_route_table(w: &mut XmlWriter, t: &RouteTable, state: &State) {
    w.leaf("routeTableId", &t.id).leaf("vpcId", &t.vpc_id).leaf("ownerId", &t.owner);
    let routes = t.effective_routes(state.vpcs.get(&t.vpc_id));
    w.items("routeSet", &routes, |w, r| {
        match &r.destination {
            Destination::Cidr(c) => w.leaf("destinationCidrBlock", c.to_string()),
            Destination::PrefixList(p) => w.leaf("destinationPrefixListId", p),
        };
        match &r.target {
            RouteTarget::Local => w.leaf("gatewayId", "local"),
            RouteTarget::Gateway(g) => w.leaf("gatewayId", g),
            RouteTarget::NatGateway(g) => w.leaf("natGatewayId", g),
            RouteTarget::TransitGateway(g) => w.leaf("transitGatewayId", g),
            RouteTarget::VpcPeeringConnection(g) => w.leaf("vpcPeeringConnectionId", g),
            RouteTarget::NetworkInterface(g) => {
                if let Some(e) = state.network_interfaces.get(g) {
                    if let Some(a) = &e.attachment {
                        w.leaf("instanceId", &a.instance_id).leaf("instanceOwnerId", &e.owner);
                    }
                }
                w.leaf("networkInterfaceId", g)
            }
            RouteTarget::Instance(i) => {
                w.leaf("instanceId", i).leaf("instanceOwnerId", &t.owner);
                w.opt_leaf("networkInterfaceId", state.instances.get(i).map(|x| x.primary_eni.clone()))
            }
        };
        w.leaf("state", route_table::route_state(state, t, r).as_str()).leaf("origin", r.origin.as_str());
    });
    w.items("associationSet", &t.associations, |w, a| {
        w.bool_leaf("main", a.main).leaf("routeTableAssociationId", &a.id).leaf("routeTableId", &t.id);
        w.opt_leaf("subnetId", a.subnet_id.as_ref()).opt_leaf("gatewayId", a.gateway_id.as_ref());
        w.open("associationState").leaf("state", "associated").close("associationState");
    });
    w.items("propagatingVgwSet", Vec::<()>::new(), |_, _| {});
    write_tags(w, &t.tags);
}

fn create_route_table(call: &mut Call, p: &QueryParams) -> Result<String> {
    let vpc = p.required("VpcId")?;
    let tags = tag_specs(p, "route-table")?;
    let (ch, id) = route_table::create_route_table(call.state(), &call.ctx, vpc, tags)?;
    call.commit(ch)?;
    let s = call.state();
    let mut w = XmlWriter::new();
    w.open("routeTable");
    write_route_table(&mut w, &s.route_tables[&id], s);
    w.close("routeTable");
    Ok(w.finish())
}

fn delete_route_table(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ch = route_table::delete_route_table(call.state(), &call.ctx, p.required("RouteTableId")?)?;
    call.commit(ch)?;
    Ok("<return>true</return>".into())
}

fn describe_route_tables(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ids = p.list("RouteTableId");
    let fs = filters(p);
    let s = call.state();
    let mine = |x: &&RouteTable| x.owner == call.ctx.account && x.region == call.ctx.region;
    require_all(&ids, |id| s.route_tables.get(id).is_some_and(|x| mine(&x)), IdKind::RouteTable)?;
    let out = xvpc_model::route_table::FILTERS.select(&fs, s, &call.ctx, s.route_tables.scope(&call.ctx).filter(|x| ids.is_empty() || ids.contains(&x.id)))?;
    let (page, next) = paginate(out, p, |x| x.id.clone(), (5, 100))?;
    let mut w = XmlWriter::new();
    w.items("routeTableSet", page, |w, x| write_route_table(w, x, s));
    w.opt_leaf("nextToken", next);
    Ok(w.finish())
}

fn destination(p: &QueryParams) -> Result<Destination> {
    if p.get("DestinationIpv6CidrBlock").is_some() {
        return Err(client("InvalidParameterValue", "IPv6 routes are not supported by xvpc"));
    }
    Ok(route_table::parse_destination(p.get("DestinationCidrBlock"), p.get("DestinationPrefixListId"))?)
}

/// The one target a CreateRoute/ReplaceRoute names.
fn target(p: &QueryParams) -> Result<RouteTarget> {
    for unsupported in ["EgressOnlyInternetGatewayId", "LocalGatewayId", "CarrierGatewayId", "CoreNetworkArn", "OdbNetworkArn"] {
        if p.get(unsupported).is_some() {
            return Err(client("InvalidParameterValue", format!("{unsupported} targets are not supported by xvpc")));
        }
    }
    let named: Vec<RouteTarget> = [
        ("GatewayId", RouteTarget::Gateway as fn(String) -> RouteTarget),
        ("VpcEndpointId", RouteTarget::Gateway),
        ("NetworkInterfaceId", RouteTarget::NetworkInterface),
        ("InstanceId", RouteTarget::Instance),
        ("NatGatewayId", RouteTarget::NatGateway),
        ("VpcPeeringConnectionId", RouteTarget::VpcPeeringConnection),
        ("TransitGatewayId", RouteTarget::TransitGateway),
    ]
    .into_iter()
    .filter_map(|(k, f)| p.get(k).filter(|v| !v.is_empty()).map(|v| f(v.to_string())))
    .collect();
    match named.len() {
        0 => Err(client("InvalidParameterCombination", "The request must contain exactly one of gatewayId, natGatewayId, networkInterfaceId, vpcPeeringConnectionId, transitGatewayId or instanceId")),
        1 => Ok(named.into_iter().next().expect("one")),
        _ => Err(client("InvalidParameterCombination", "More than one target specified for the route")),
    }
}

fn create_route(call: &mut Call, p: &QueryParams) -> Result<String> {
    let rtb = p.required("RouteTableId")?;
    let (d, t) = (destination(p)?, target(p)?);
    let ch = route_table::create_route(call.state(), &call.ctx, rtb, d, t)?;
    call.commit(ch)?;
    Ok("<return>true</return>".into())
}

fn replace_route(call: &mut Call, p: &QueryParams) -> Result<String> {
    let rtb = p.required("RouteTableId")?;
    let (d, t) = (destination(p)?, target(p)?);
    let ch = route_table::replace_route(call.state(), &call.ctx, rtb, d, t)?;
    call.commit(ch)?;
    Ok("<return>true</return>".into())
}

fn delete_route(call: &mut Call, p: &QueryParams) -> Result<String> {
    let rtb = p.required("RouteTableId")?;
    let ch = route_table::delete_route(call.state(), &call.ctx, rtb, destination(p)?)?;
    call.commit(ch)?;
    Ok("<return>true</return>".into())
}

fn associate_route_table(call: &mut Call, p: &QueryParams) -> Result<String> {
    let rtb = p.required("RouteTableId")?;
    if p.get("GatewayId").is_some() {
        return Err(client("InvalidParameterValue", "Gateway route table associations are not supported by xvpc"));
    }
    let subnet = p.required("SubnetId")?;
    let (ch, id) = route_table::associate(call.state(), &call.ctx, rtb, subnet)?;
    call.commit(ch)?;
    let mut w = XmlWriter::new();
    w.leaf("associationId", id).open("associationState").leaf("state", "associated").close("associationState");
    Ok(w.finish())
}

fn disassociate_route_table(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ch = route_table::disassociate(call.state(), &call.ctx, p.required("AssociationId")?)?;
    call.commit(ch)?;
    Ok("<return>true</return>".into())
}

fn replace_route_table_association(call: &mut Call, p: &QueryParams) -> Result<String> {
    let assoc = p.required("AssociationId")?;
    let rtb = p.required("RouteTableId")?;
    let (ch, id) = route_table::replace_association(call.state(), &call.ctx, assoc, rtb)?;
    call.commit(ch)?;
    let mut w = XmlWriter::new();
    w.leaf("newAssociationId", id).open("associationState").leaf("state", "associated").close("associationState");
    Ok(w.finish())
}
