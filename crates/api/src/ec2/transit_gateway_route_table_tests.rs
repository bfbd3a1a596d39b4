//! Shape coverage of the transit gateway route table outputs: every member
//! botocore declares is written under its name, except those xvpc holds no
//! value for.

use xvpc_model::populated::world;
use xvpc_model::tags::Tags;
use xvpc_model::transit_gateway_route_table::RouteType;
use xvpc_wire::xml_output::body;

use super::*;
use crate::shape_coverage::missing;

#[test]
fn describe_transit_gateway_route_tables_covers_the_shape() {
    let w = world();
    let mut tables: Vec<&TgwRouteTable> = w.state.transit_gateway_route_tables.values().collect();
    // A tagged table besides the gateway's default one.
    let (ch, id) = rt::create_route_table(&w.state, &w.ctx, &tables[0].transit_gateway_id, Tags::from([("Name".into(), "rt".into())])).unwrap();
    let mut s = w.state.clone();
    ch.events.into_iter().for_each(|e| s.apply(e));
    tables.push(&s.transit_gateway_route_tables[&id]);
    let out = shape::DescribeTransitGatewayRouteTablesResult {
        transit_gateway_route_tables: tables.iter().map(|r| table_shape(r, &s, None)).collect(),
        next_token: Some("token".into()),
    };
    let xml = body(&out);
    assert_eq!(missing("ec2", "DescribeTransitGatewayRouteTablesResult", &xml), Vec::<String>::new());
    assert!(xml.contains("<defaultAssociationRouteTable>true</defaultAssociationRouteTable>"), "{xml}");
}

#[test]
fn searched_routes_and_links_cover_their_shapes() {
    let w = world();
    let s = &w.state;
    let r = s.transit_gateway_route_tables.values().find(|r| !r.propagations.is_empty()).expect("the default table");
    let routes = r.routes(s);
    // A static route and a propagated one.
    assert!(routes.iter().any(|x| x.route_type == RouteType::Static) && routes.iter().any(|x| x.route_type == RouteType::Propagated));
    let out = shape::SearchTransitGatewayRoutesResult {
        routes: routes.iter().map(|x| route_shape(x, s, None)).collect(),
        additional_routes_available: Some(false),
        next_token: Some("token".into()),
    };
    // No prefix-list routes or Cloud WAN announcements in xvpc.
    assert_eq!(
        missing("ec2", "SearchTransitGatewayRoutesResult", &body(&out)),
        ["TransitGatewayRoute.PrefixListId", "TransitGatewayRoute.TransitGatewayRouteTableAnnouncementId"]
    );
    let out = shape::GetTransitGatewayRouteTableAssociationsResult {
        associations: r.associations(s).into_iter().map(association_row).collect(),
        next_token: Some("token".into()),
    };
    assert_eq!(missing("ec2", "GetTransitGatewayRouteTableAssociationsResult", &body(&out)), Vec::<String>::new());
    let out = shape::GetTransitGatewayRouteTablePropagationsResult {
        transit_gateway_route_table_propagations: r.propagations.iter().map(|a| propagation_row(&s.transit_gateway_attachments[a])).collect(),
        next_token: Some("token".into()),
    };
    assert_eq!(
        missing("ec2", "GetTransitGatewayRouteTablePropagationsResult", &body(&out)),
        ["TransitGatewayRouteTablePropagation.TransitGatewayRouteTableAnnouncementId"]
    );
}

#[test]
fn associate_and_propagate_answers_cover_their_shapes() {
    let w = world();
    let s = &w.state;
    let a = s.transit_gateway_attachments.values().next().expect("the world's attachment");
    let table = a.association.clone().expect("associated");
    let out = shape::AssociateTransitGatewayRouteTableResult { association: Some(association(s, &table, &a.id, AssociationState::Associating)) };
    assert_eq!(missing("ec2", "AssociateTransitGatewayRouteTableResult", &body(&out)), Vec::<String>::new());
    let out = shape::EnableTransitGatewayRouteTablePropagationResult { propagation: Some(propagation(s, &table, &a.id, PropagationState::Enabling)) };
    assert_eq!(
        missing("ec2", "EnableTransitGatewayRouteTablePropagationResult", &body(&out)),
        ["TransitGatewayPropagation.TransitGatewayRouteTableAnnouncementId"]
    );
}
