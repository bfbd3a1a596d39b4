//! Route table actions: tables, routes and associations.

use xvpc_model::route_table::{self, Destination, RouteTable, RouteTarget};
use xvpc_model::{IdKind, ModelError, State};
use xvpc_wire::shape::ReturnTrue;
use xvpc_wire::shapes::ec2::{self as shape, ops};

use super::{filter_list, paginate_by, require_all, tag_set, tags_from_specs, unsupported};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::CreateRouteTable, create_route_table),
    crate::typed!(ops::DeleteRouteTable, delete_route_table),
    crate::typed!(ops::DescribeRouteTables, describe_route_tables),
    crate::typed!(ops::CreateRoute, create_route),
    crate::typed!(ops::ReplaceRoute, replace_route),
    crate::typed!(ops::DeleteRoute, delete_route),
    crate::typed!(ops::AssociateRouteTable, associate_route_table),
    crate::typed!(ops::DisassociateRouteTable, disassociate_route_table),
    crate::typed!(ops::ReplaceRouteTableAssociation, replace_route_table_association),
];

/// An association's state: xvpc associates at once.
pub(crate) fn associated() -> Option<shape::RouteTableAssociationState> {
    Some(shape::RouteTableAssociationState { state: Some(shape::RouteTableAssociationStateCode::Associated), status_message: None })
}

/// One route as DescribeRouteTables shows it: the target under its kind's
/// member, and for an interface or instance target the other side too.
fn route_shape(state: &State, t: &RouteTable, r: &route_table::Route) -> shape::Route {
    let mut out = shape::Route {
        origin: Some(shape::RouteOrigin::from(r.origin.as_str())),
        state: Some(shape::RouteState::from(route_table::route_state(state, t, r).as_str())),
        ..Default::default()
    };
    match &r.destination {
        Destination::Cidr(c) if c.addr().is_ipv6() => out.destination_ipv6_cidr_block = Some(c.to_string()),
        Destination::Cidr(c) => out.destination_cidr_block = Some(c.to_string()),
        Destination::PrefixList(p) => out.destination_prefix_list_id = Some(p.clone()),
    }
    match &r.target {
        RouteTarget::Local => out.gateway_id = Some("local".into()),
        RouteTarget::Gateway(g) => out.gateway_id = Some(g.clone()),
        RouteTarget::NatGateway(g) => out.nat_gateway_id = Some(g.clone()),
        RouteTarget::EgressOnlyInternetGateway(g) => out.egress_only_internet_gateway_id = Some(g.clone()),
        RouteTarget::TransitGateway(g) => out.transit_gateway_id = Some(g.clone()),
        RouteTarget::VpcPeeringConnection(g) => out.vpc_peering_connection_id = Some(g.clone()),
        RouteTarget::NetworkInterface(g) => {
            if let Some(e) = state.network_interfaces.get(g) {
                if let Some(a) = &e.attachment {
                    out.instance_id = Some(a.instance_id.clone());
                    out.instance_owner_id = Some(e.owner.clone());
                }
            }
            out.network_interface_id = Some(g.clone());
        }
        RouteTarget::Instance(i) => {
            out.instance_id = Some(i.clone());
            out.instance_owner_id = Some(t.owner.clone());
            out.network_interface_id = state.instances.get(i).map(|x| x.primary_eni.clone());
        }
    }
    out
}

/// The `RouteTable` structure AWS describes. Route propagation from
/// virtual private gateways does not exist in xvpc: `propagatingVgwSet` is
/// empty.
pub fn route_table_shape(t: &RouteTable, state: &State) -> shape::RouteTable {
    shape::RouteTable {
        associations: t
            .associations
            .iter()
            .map(|a| shape::RouteTableAssociation {
                main: Some(a.main),
                route_table_association_id: Some(a.id.clone()),
                route_table_id: Some(t.id.clone()),
                subnet_id: a.subnet_id.clone(),
                gateway_id: a.gateway_id.clone(),
                association_state: associated(),
                ..Default::default()
            })
            .collect(),
        propagating_vgws: t.propagating_vgws.iter().map(|g| shape::PropagatingVgw { gateway_id: Some(g.clone()) }).collect(),
        route_table_id: Some(t.id.clone()),
        routes: t.effective_routes(state.vpcs.get(&t.vpc_id)).iter().map(|r| route_shape(state, t, r)).collect(),
        tags: tag_set(&t.tags),
        vpc_id: Some(t.vpc_id.clone()),
        owner_id: Some(t.owner.clone()),
    }
}

pub(crate) fn create_route_table(call: &mut Call, input: shape::CreateRouteTableRequest) -> Result<shape::CreateRouteTableResult> {
    let tags = tags_from_specs(&input.tag_specifications, "route-table")?;
    let (ch, id) = route_table::create_route_table(call.state(), &call.ctx, &input.vpc_id, tags)?;
    call.commit(ch)?;
    let s = call.state();
    Ok(shape::CreateRouteTableResult { route_table: Some(route_table_shape(&s.route_tables[&id], s)), client_token: input.client_token })
}

pub(crate) fn delete_route_table(call: &mut Call, input: shape::DeleteRouteTableRequest) -> Result<ReturnTrue> {
    let ch = route_table::delete_route_table(call.state(), &call.ctx, &input.route_table_id)?;
    call.commit(ch)?;
    Ok(ReturnTrue)
}

pub(crate) fn describe_route_tables(call: &mut Call, input: shape::DescribeRouteTablesRequest) -> Result<shape::DescribeRouteTablesResult> {
    let ids = input.route_table_ids;
    let fs = filter_list(&input.filters);
    let s = call.state();
    let mine = |x: &&RouteTable| x.owner == call.ctx.account && x.region == call.ctx.region;
    require_all(&ids, |id| s.route_tables.get(id).is_some_and(|x| mine(&x)), IdKind::RouteTable)?;
    let out = route_table::FILTERS.select(&fs, s, &call.ctx, s.route_tables.scope(&call.ctx).filter(|x| ids.is_empty() || ids.contains(&x.id)))?;
    let (page, next) = paginate_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), |x| x.id.clone(), (5, 100))?;
    Ok(shape::DescribeRouteTablesResult { route_tables: page.into_iter().map(|x| route_table_shape(x, s)).collect(), next_token: next })
}

/// What CreateRoute, ReplaceRoute and DeleteRoute name as the destination.
fn destination(cidr: &Option<String>, ipv6: &Option<String>, prefix_list: &Option<String>) -> Result<Destination> {
    Ok(route_table::parse_any_destination(cidr.as_deref(), ipv6.as_deref(), prefix_list.as_deref())?)
}

/// The targets a CreateRoute/ReplaceRoute request can name, by parameter.
struct Targets<'a> {
    supported: [(&'a Option<String>, fn(String) -> RouteTarget); 8],
    /// Targets of features xvpc does not have, by parameter name.
    unsupported: [(&'a Option<String>, &'static str); 4],
}

/// The one target a CreateRoute/ReplaceRoute names.
fn target(t: Targets) -> Result<RouteTarget> {
    if let Some((_, name)) = t.unsupported.iter().find(|(v, _)| v.is_some()) {
        return Err(unsupported(&format!("{name} targets")));
    }
    let mut named: Vec<RouteTarget> =
        t.supported.iter().filter_map(|(v, f)| v.as_ref().filter(|v| !v.is_empty()).map(|v| f(v.clone()))).collect();
    match named.len() {
        0 => Err(ModelError::InvalidParameterCombination(
            "The request must contain exactly one of gatewayId, egressOnlyInternetGatewayId, natGatewayId, networkInterfaceId, vpcPeeringConnectionId, transitGatewayId or instanceId".into(),
        )
        .into()),
        1 => Ok(named.remove(0)),
        _ => Err(ModelError::InvalidParameterCombination("More than one target specified for the route".into()).into()),
    }
}

/// The targets of a CreateRoute or ReplaceRoute request (the two shapes
/// name them alike).
macro_rules! targets {
    ($input:ident) => {
        Targets {
            supported: [
                (&$input.gateway_id, RouteTarget::Gateway),
                (&$input.vpc_endpoint_id, RouteTarget::Gateway),
                (&$input.network_interface_id, RouteTarget::NetworkInterface),
                (&$input.instance_id, RouteTarget::Instance),
                (&$input.nat_gateway_id, RouteTarget::NatGateway),
                (&$input.vpc_peering_connection_id, RouteTarget::VpcPeeringConnection),
                (&$input.transit_gateway_id, RouteTarget::TransitGateway),
                (&$input.egress_only_internet_gateway_id, RouteTarget::EgressOnlyInternetGateway),
            ],
            unsupported: [
                (&$input.local_gateway_id, "LocalGatewayId"),
                (&$input.carrier_gateway_id, "CarrierGatewayId"),
                (&$input.core_network_arn, "CoreNetworkArn"),
                (&$input.odb_network_arn, "OdbNetworkArn"),
            ],
        }
    };
}

pub(crate) fn create_route(call: &mut Call, input: shape::CreateRouteRequest) -> Result<shape::CreateRouteResult> {
    let d = destination(&input.destination_cidr_block, &input.destination_ipv6_cidr_block, &input.destination_prefix_list_id)?;
    let t = target(targets!(input))?;
    let ch = route_table::create_route(call.state(), &call.ctx, &input.route_table_id, d, t)?;
    call.commit(ch)?;
    Ok(shape::CreateRouteResult { return_: Some(true) })
}

fn replace_route(call: &mut Call, input: shape::ReplaceRouteRequest) -> Result<ReturnTrue> {
    let d = destination(&input.destination_cidr_block, &input.destination_ipv6_cidr_block, &input.destination_prefix_list_id)?;
    // Resetting a replaced local route: xvpc never replaces local routes.
    if input.local_target == Some(true) {
        return Err(unsupported("LocalTarget resets"));
    }
    let t = target(targets!(input))?;
    let ch = route_table::replace_route(call.state(), &call.ctx, &input.route_table_id, d, t)?;
    call.commit(ch)?;
    Ok(ReturnTrue)
}

pub(crate) fn delete_route(call: &mut Call, input: shape::DeleteRouteRequest) -> Result<ReturnTrue> {
    let d = destination(&input.destination_cidr_block, &input.destination_ipv6_cidr_block, &input.destination_prefix_list_id)?;
    let ch = route_table::delete_route(call.state(), &call.ctx, &input.route_table_id, d)?;
    call.commit(ch)?;
    Ok(ReturnTrue)
}

pub(crate) fn associate_route_table(call: &mut Call, input: shape::AssociateRouteTableRequest) -> Result<shape::AssociateRouteTableResult> {
    if input.gateway_id.is_some() || input.public_ipv4_pool.is_some() {
        return Err(unsupported("Gateway route table associations"));
    }
    let subnet = input.subnet_id.filter(|s| !s.is_empty()).ok_or_else(|| ModelError::MissingParameter("SubnetId".into()))?;
    let (ch, id) = route_table::associate(call.state(), &call.ctx, &input.route_table_id, &subnet)?;
    call.commit(ch)?;
    Ok(shape::AssociateRouteTableResult { association_id: Some(id), association_state: associated() })
}

pub(crate) fn disassociate_route_table(call: &mut Call, input: shape::DisassociateRouteTableRequest) -> Result<ReturnTrue> {
    let ch = route_table::disassociate(call.state(), &call.ctx, &input.association_id)?;
    call.commit(ch)?;
    Ok(ReturnTrue)
}

fn replace_route_table_association(
    call: &mut Call,
    input: shape::ReplaceRouteTableAssociationRequest,
) -> Result<shape::ReplaceRouteTableAssociationResult> {
    let (ch, id) = route_table::replace_association(call.state(), &call.ctx, &input.association_id, &input.route_table_id)?;
    call.commit(ch)?;
    Ok(shape::ReplaceRouteTableAssociationResult { new_association_id: Some(id), association_state: associated() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape_coverage::missing;

    #[test]
    fn describe_route_tables_carries_every_member_xvpc_holds() {
        let w = xvpc_model::populated::world();
        let tables: Vec<_> = w.state.route_tables.scope(&w.ctx).map(|t| route_table_shape(t, &w.state)).collect();
        let out = shape::DescribeRouteTablesResult { route_tables: tables, next_token: Some("token".into()) };
        let xml = xvpc_wire::xml_output::body(&out);
        assert_eq!(
            missing("ec2", "DescribeRouteTablesResult", &xml),
            [
                // No Outposts, Wavelength, Cloud WAN or ODB in xvpc;
                // associations are immediate (no status message).
                "Route.CarrierGatewayId",
                "Route.CoreNetworkArn",
                "Route.IpAddress",
                "Route.LocalGatewayId",
                "Route.OdbNetworkArn",
                "RouteTableAssociation.PublicIpv4Pool",
                "RouteTableAssociationState.StatusMessage",
            ]
        );
    }
}
