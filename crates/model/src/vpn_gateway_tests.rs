use super::*;
use crate::customer_gateway::{self as cgw, CreateCustomerGateway};
use crate::route_table::{create_route, parse_destination, route_state, RouteState, RouteTarget};
use crate::vpc::{create_vpc, delete_vpc, CreateVpc};

const A: &str = "111111111111";

fn ctx() -> Ctx {
    Ctx::new(A, "us-east-1", 0)
}

fn vpc(s: &mut State, cidr: &str) -> String {
    let (ch, id) = create_vpc(s, &ctx(), CreateVpc { cidr: cidr.into(), ..Default::default() }).unwrap();
    s.apply_all(ch);
    id
}

#[test]
fn attach_route_propagate_detach_delete() {
    let mut s = State::default();
    let v1 = vpc(&mut s, "10.0.0.0/16");
    let v2 = vpc(&mut s, "10.1.0.0/16");
    let (ch, g) = create(&ctx(), None, None, Tags::new()).unwrap();
    s.apply_all(ch);
    assert_eq!(s.vpn_gateways[&g].amazon_side_asn, DEFAULT_ASN);
    assert!(matches!(create(&ctx(), Some(100), None, Tags::new()), Err(ModelError::InvalidParameterValue(_))));
    let rt = s.route_tables.values().find(|t| t.vpc_id == v1).unwrap().id.clone();
    // A route needs the gateway attached to the table's VPC.
    let dest = || parse_destination(Some("192.168.0.0/16"), None).unwrap();
    assert!(matches!(create_route(&s, &ctx(), &rt, dest(), RouteTarget::Gateway(g.clone())), Err(ModelError::InvalidParameterValue(_))));
    s.apply_all(attach(&s, &ctx(), &g, &v1).unwrap());
    assert!(matches!(attach(&s, &ctx(), &g, &v2), Err(ModelError::LimitExceeded(crate::error::Limit::VpnGatewayAttachments, _))));
    let (ch, other) = create(&ctx(), Some(65001), None, Tags::new()).unwrap();
    s.apply_all(ch);
    assert!(matches!(attach(&s, &ctx(), &other, &v1), Err(ModelError::LimitExceeded(crate::error::Limit::VpnGatewayAttachments, _))));
    s.apply_all(create_route(&s, &ctx(), &rt, dest(), RouteTarget::Gateway(g.clone())).unwrap());
    s.apply_all(set_propagation(&s, &ctx(), &g, &rt, true).unwrap());
    s.apply_all(set_propagation(&s, &ctx(), &g, &rt, true).unwrap());
    assert_eq!(s.route_tables[&rt].propagating_vgws, vec![g.clone()]);
    let t = &s.route_tables[&rt];
    let route = t.routes.iter().find(|r| r.target == RouteTarget::Gateway(g.clone())).unwrap();
    assert_eq!(route_state(&s, t, route), RouteState::Active);
    // Attached: neither the gateway nor its VPC can be deleted.
    assert!(matches!(delete(&s, &ctx(), &g), Err(ModelError::IncorrectState(_))));
    assert!(matches!(delete_vpc(&s, &ctx(), &v1), Err(ModelError::DependencyViolation(_))));
    assert!(matches!(detach(&s, &ctx(), &g, &v2), Err(ModelError::VpnGatewayAttachmentNotFound(_))));
    s.apply_all(detach(&s, &ctx(), &g, &v1).unwrap());
    let t = &s.route_tables[&rt];
    let route = t.routes.iter().find(|r| r.target == RouteTarget::Gateway(g.clone())).unwrap();
    assert_eq!(route_state(&s, t, route), RouteState::Blackhole);
    s.apply_all(delete(&s, &ctx(), &g).unwrap());
    assert!(s.route_tables[&rt].propagating_vgws.is_empty(), "propagation ends with the gateway");
    assert_eq!(delete(&s, &ctx(), &g).unwrap_err(), ModelError::NotFound(IdKind::VpnGateway, g.clone()));
    let b = Ctx::new("222222222222", "us-east-1", 0);
    assert_eq!(attach(&s, &b, &other, &v2).unwrap_err(), ModelError::NotFound(IdKind::VpnGateway, other.clone()));
}

#[test]
fn customer_gateways_are_idempotent_by_configuration() {
    let mut s = State::default();
    let input = || CreateCustomerGateway { ip_address: Some("198.51.100.7".into()), bgp_asn: Some(65010), ..Default::default() };
    let (ch, g) = cgw::create(&s, &ctx(), input()).unwrap();
    s.apply_all(ch);
    let (ch, again) = cgw::create(&s, &ctx(), input()).unwrap();
    assert!(ch.is_empty() && again == g, "the same configuration gives the same gateway");
    let (_, third) = cgw::create(&s, &ctx(), CreateCustomerGateway { bgp_asn: Some(65011), ..input() }).unwrap();
    assert_ne!(third, g);
    assert_eq!(s.customer_gateways[&g].bgp_asn, 65010);
    assert!(matches!(cgw::create(&s, &ctx(), CreateCustomerGateway { ip_address: None, ..input() }), Err(ModelError::MissingParameter(_))));
    assert!(matches!(cgw::create(&s, &ctx(), CreateCustomerGateway { ip_address: Some("nope".into()), ..input() }), Err(ModelError::InvalidParameterValue(_))));
    assert!(matches!(cgw::create(&s, &ctx(), CreateCustomerGateway { bgp_asn_extended: Some(4_200_000_000), ..input() }), Err(ModelError::InvalidParameterCombination(_))));
    s.apply_all(cgw::delete(&s, &ctx(), &g).unwrap());
    assert!(s.customer_gateways.is_empty());
}
