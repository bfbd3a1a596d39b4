//! Unit tests of transit gateway, attachment and route table rules.

use super::*;
use crate::ram;
use crate::subnet::{create_subnet, CreateSubnet};
use crate::transit_gateway_route_table as rt;
use crate::vpc::{create_vpc, CreateVpc};

const A: &str = "111111111111";
const B: &str = "222222222222";
const C: &str = "333333333333";

fn ctx(acct: &str) -> Ctx {
    Ctx::new(acct, "us-east-1", 1_000)
}

fn apply(s: &mut State, ch: Changes) {
    ch.events.into_iter().for_each(|e| s.apply(e));
}

/// A VPC with one subnet per zone name given.
fn vpc(s: &mut State, acct: &str, cidr: &str, zones: &[&str]) -> (String, Vec<String>) {
    let (ch, v) = create_vpc(s, &ctx(acct), CreateVpc { cidr: cidr.into(), ..Default::default() }).unwrap();
    apply(s, ch);
    let base: Vec<&str> = cidr.split('.').collect();
    let mut subnets = Vec::new();
    for (i, z) in zones.iter().enumerate() {
        let input = CreateSubnet {
            vpc_id: v.clone(),
            cidr: format!("{}.{}.{}.0/24", base[0], base[1], i + 1),
            availability_zone: Some(z.to_string()),
            ..Default::default()
        };
        let (ch, sid) = create_subnet(s, &ctx(acct), input).unwrap();
        apply(s, ch);
        subnets.push(sid);
    }
    (v, subnets)
}

fn tgw(s: &mut State) -> String {
    let (ch, id) = create_transit_gateway(s, &ctx(A), CreateTransitGateway::default()).unwrap();
    apply(s, ch);
    id
}

fn attach(s: &State, acct: &str, tgw: &str, vpc: &str, subnets: &[String]) -> Result<(Changes, String)> {
    create_attachment(
        s,
        &ctx(acct),
        CreateAttachment { transit_gateway_id: tgw.into(), vpc_id: vpc.into(), subnet_ids: subnets.to_vec(), ..Default::default() },
    )
}

/// Shares the gateway with B; `accept` decides whether B accepts.
fn share(s: &mut State, tgw: &str, accept: bool) -> String {
    let arn = s.transit_gateways[tgw].arn();
    let input = ram::CreateShare { name: "s".into(), allow_external_principals: true, resource_arns: vec![arn], principals: vec![B.into()], ..Default::default() };
    let (ch, share) = ram::create_share(s, &ctx(A), input).unwrap();
    apply(s, ch);
    if accept {
        let inv = ram::received_invitations(s, &ctx(B))[0].id.clone();
        let (ch, _) = ram::answer_invitation(s, &ctx(B), &inv, true).unwrap();
        apply(s, ch);
    }
    share
}

#[test]
fn defaults_and_default_route_table() {
    let mut s = State::default();
    let id = tgw(&mut s);
    let t = &s.transit_gateways[&id];
    assert_eq!(t.options.amazon_side_asn, 64512);
    assert!(!t.options.auto_accept_shared_attachments);
    let rtb = t.options.association_default_route_table_id.clone().unwrap();
    assert_eq!(t.options.propagation_default_route_table_id.as_deref(), Some(rtb.as_str()));
    assert_eq!(t.arn(), format!("arn:aws:ec2:us-east-1:{A}:transit-gateway/{id}"));
    assert!(create_transit_gateway(&s, &ctx(A), CreateTransitGateway { amazon_side_asn: Some(100), ..Default::default() }).is_err());
    let input = CreateTransitGateway { default_route_table_association: Some(false), default_route_table_propagation: Some(false), ..Default::default() };
    let (ch, _) = create_transit_gateway(&s, &ctx(A), input).unwrap();
    assert!(!ch.events.iter().any(|e| matches!(e, crate::Event::Put(crate::Resource::TransitGatewayRouteTable(_)))));
}

#[test]
fn same_account_attachment_is_available_associated_and_propagating() {
    let mut s = State::default();
    let t = tgw(&mut s);
    let (v, subnets) = vpc(&mut s, A, "10.1.0.0/16", &["us-east-1a", "us-east-1b"]);
    let (ch, att) = attach(&s, A, &t, &v, &subnets).unwrap();
    apply(&mut s, ch);
    let a = &s.transit_gateway_attachments[&att];
    assert_eq!(a.state, AttachmentState::Available);
    let rtb = s.transit_gateways[&t].options.association_default_route_table_id.clone().unwrap();
    assert_eq!(a.association.as_deref(), Some(rtb.as_str()));
    // One requester-managed ENI per subnet.
    assert_eq!(a.eni_ids.len(), 2);
    assert!(a.eni_ids.iter().all(|e| s.network_interfaces[e].interface_type == "transit_gateway"));
    let routes = s.transit_gateway_route_tables[&rtb].routes(&s);
    assert_eq!(routes.len(), 1);
    assert_eq!(routes[0].cidr.to_string(), "10.1.0.0/16");
    // A second attachment of the same VPC is refused.
    assert!(matches!(attach(&s, A, &t, &v, &subnets), Err(ModelError::DuplicateTransitGatewayAttachment(_))));
}

#[test]
fn subnets_one_per_zone_in_the_vpc() {
    let mut s = State::default();
    let t = tgw(&mut s);
    let (v, subnets) = vpc(&mut s, A, "10.1.0.0/16", &["us-east-1a", "us-east-1a"]);
    assert!(matches!(attach(&s, A, &t, &v, &subnets), Err(ModelError::DuplicateSubnetsInSameZone(_))));
    let (_, other) = vpc(&mut s, A, "10.9.0.0/16", &["us-east-1a"]);
    assert!(matches!(attach(&s, A, &t, &v, &other), Err(ModelError::InvalidParameterValue(_))));
    // Another account's VPC is not found.
    assert!(matches!(attach(&s, B, &t, &v, &subnets[..1]), Err(ModelError::NotFound(_, _))));
}

#[test]
fn shared_gateway_needs_accepted_share_then_acceptance() {
    let mut s = State::default();
    let t = tgw(&mut s);
    let (vb, sb) = vpc(&mut s, B, "10.2.0.0/16", &["us-east-1a", "us-east-1b"]);
    // Never shared.
    assert_eq!(attach(&s, B, &t, &vb, &sb).unwrap_err(), ModelError::NotFound(IdKind::TransitGateway, t.clone()));
    // Shared but the invitation is not accepted yet.
    let share_arn = share(&mut s, &t, false);
    assert!(matches!(attach(&s, B, &t, &vb, &sb), Err(ModelError::NotFound(IdKind::TransitGateway, _))));
    let inv = ram::received_invitations(&s, &ctx(B))[0].id.clone();
    let (ch, _) = ram::answer_invitation(&s, &ctx(B), &inv, true).unwrap();
    apply(&mut s, ch);
    let (ch, att) = attach(&s, B, &t, &vb, &sb).unwrap();
    apply(&mut s, ch);
    assert_eq!(s.transit_gateway_attachments[&att].state, AttachmentState::PendingAcceptance);
    assert_eq!(s.transit_gateway_attachments[&att].association, None);
    // Only the gateway owner accepts; C cannot even see it.
    assert!(matches!(accept_attachment(&s, &ctx(B), &att), Err(ModelError::OperationNotPermitted(_))));
    assert!(matches!(accept_attachment(&s, &ctx(C), &att), Err(ModelError::NotFound(_, _))));
    // A VPC route to the TGW is accepted (an attachment exists) but is a
    // blackhole until the attachment is available.
    assert!(check_vpc_route_target(&s, &ctx(B), &vb, &t).is_ok());
    assert!(!vpc_route_active(&s, &vb, &t));
    let ch = accept_attachment(&s, &ctx(A), &att).unwrap();
    apply(&mut s, ch);
    assert_eq!(s.transit_gateway_attachments[&att].state, AttachmentState::Available);
    assert!(vpc_route_active(&s, &vb, &t));
    assert!(matches!(accept_attachment(&s, &ctx(A), &att), Err(ModelError::IncorrectState(_))));
    // Unsharing hides the gateway from B again.
    let ch = ram::disassociate(&s, &ctx(A), &share_arn, &[], &[B.into()]).unwrap().0;
    apply(&mut s, ch);
    assert!(visible(&s, &ctx(B), &t).is_err());
}

#[test]
fn vpc_route_needs_an_attachment() {
    let mut s = State::default();
    let t = tgw(&mut s);
    let (v, _) = vpc(&mut s, A, "10.1.0.0/16", &["us-east-1a"]);
    assert_eq!(check_vpc_route_target(&s, &ctx(A), &v, &t), Err(ModelError::NotFound(IdKind::TransitGateway, t.clone())));
}

#[test]
fn delete_refused_with_attachments_and_rejected_attachment_releases() {
    let mut s = State::default();
    let t = tgw(&mut s);
    let (va, sa) = vpc(&mut s, A, "10.1.0.0/16", &["us-east-1a"]);
    let (ch, att) = attach(&s, A, &t, &va, &sa).unwrap();
    apply(&mut s, ch);
    assert!(matches!(delete_transit_gateway(&s, &ctx(A), &t), Err(ModelError::IncorrectState(m)) if m.contains("has non-deleted Transit Gateway Attachments")));
    let ch = delete_attachment(&s, &ctx(A), &att).unwrap();
    apply(&mut s, ch);
    assert_eq!(s.transit_gateway_attachments[&att].state, AttachmentState::Deleted);
    assert!(s.network_interfaces.is_empty(), "ENIs go with the attachment");
    assert!(delete_attachment(&s, &ctx(A), &att).unwrap().is_empty());
    let ch = delete_transit_gateway(&s, &ctx(A), &t).unwrap();
    apply(&mut s, ch);
    assert_eq!(s.transit_gateways[&t].state(), TgwState::Deleted);
}

#[test]
fn overlapping_propagation_is_not_installed_and_static_routes() {
    let mut s = State::default();
    let t = tgw(&mut s);
    let (va, sa) = vpc(&mut s, A, "10.1.0.0/16", &["us-east-1a"]);
    let (vb, sb) = vpc(&mut s, A, "10.1.0.0/20", &["us-east-1a"]);
    let (ch, a1) = attach(&s, A, &t, &va, &sa).unwrap();
    apply(&mut s, ch);
    let (ch, a2) = attach(&s, A, &t, &vb, &sb).unwrap();
    apply(&mut s, ch);
    let rtb = s.transit_gateways[&t].options.association_default_route_table_id.clone().unwrap();
    let routes = s.transit_gateway_route_tables[&rtb].routes(&s);
    assert_eq!(routes.len(), 1, "{routes:?}");
    assert_eq!(routes[0].attachment.as_deref(), Some(a1.as_str()));
    // Each attachment has exactly one association.
    let (ch, rtb2) = rt::create_route_table(&s, &ctx(A), &t, Tags::new()).unwrap();
    apply(&mut s, ch);
    assert!(matches!(rt::associate(&s, &ctx(A), &rtb2, &a2), Err(ModelError::AlreadyAssociated(_))));
    let ch = rt::disassociate(&s, &ctx(A), &rtb, &a2).unwrap();
    apply(&mut s, ch);
    let ch = rt::associate(&s, &ctx(A), &rtb2, &a2).unwrap();
    apply(&mut s, ch);
    // Static and blackhole routes; longest prefix wins.
    let (ch, r) = rt::create_route(&s, &ctx(A), &rtb2, "10.1.0.0/16", Some(&a1), false).unwrap();
    apply(&mut s, ch);
    assert!(r.active);
    let (ch, r) = rt::create_route(&s, &ctx(A), &rtb2, "10.1.5.0/24", None, true).unwrap();
    apply(&mut s, ch);
    assert!(!r.active);
    assert!(matches!(rt::create_route(&s, &ctx(A), &rtb2, "10.1.5.0/24", None, true), Err(ModelError::RouteAlreadyExists(_))));
    // An empty attachment id beside Blackhole (as Terraform sends it) names none.
    let (ch, r) = rt::create_route(&s, &ctx(A), &rtb2, "10.1.7.0/24", Some(""), true).unwrap();
    apply(&mut s, ch);
    assert!(!r.active && r.attachment.is_none());
    assert!(matches!(rt::create_route(&s, &ctx(A), &rtb2, "10.1.8.0/24", Some(&a1), true), Err(ModelError::InvalidParameterCombination(_))));
    let table = &s.transit_gateway_route_tables[&rtb2];
    assert!(!table.lookup(&s, "10.1.5.9".parse::<std::net::Ipv4Addr>().unwrap()).unwrap().active);
    assert_eq!(table.lookup(&s, "10.1.6.9".parse::<std::net::Ipv4Addr>().unwrap()).unwrap().attachment.as_deref(), Some(a1.as_str()));
    assert!(matches!(rt::delete_route_table(&s, &ctx(A), &rtb2), Err(ModelError::IncorrectState(_))));
}

#[test]
fn auto_accept_makes_shared_attachments_available() {
    let mut s = State::default();
    let t = tgw(&mut s);
    let m = ModifyTransitGateway { auto_accept_shared_attachments: Some(true), ..Default::default() };
    let ch = modify_transit_gateway(&s, &ctx(A), &t, m).unwrap();
    apply(&mut s, ch);
    share(&mut s, &t, true);
    let (vb, sb) = vpc(&mut s, B, "10.2.0.0/16", &["us-east-1a"]);
    let (ch, att) = attach(&s, B, &t, &vb, &sb).unwrap();
    apply(&mut s, ch);
    assert_eq!(s.transit_gateway_attachments[&att].state, AttachmentState::Available);
    // B's tags and A's tags on the attachment are separate.
    let ch = edit_attachment_tags(&s, &ctx(A), &att, |t| {
        t.insert("Name".into(), "a-view".into());
        Ok(())
    })
    .unwrap();
    apply(&mut s, ch);
    assert!(s.transit_gateway_attachments[&att].tags_for(B).is_empty());
}

/// Every state is spelled as botocore's enum of that name lists it.
#[test]
fn states_are_spelled_as_botocore() {
    use rt::{AssociationState, PropagationState, RouteType, TgwRouteState, TgwRouteTableState};
    fn spelled<T: Copy + std::fmt::Display>(all: &[T]) -> Vec<String> {
        all.iter().map(|s| s.to_string()).collect()
    }
    assert_eq!(spelled(TgwState::ALL), ["pending", "available", "modifying", "deleting", "deleted"]);
    assert_eq!(spelled(TgwRouteTableState::ALL), ["pending", "available", "deleting", "deleted"]);
    assert_eq!(spelled(AssociationState::ALL), ["associating", "associated", "disassociating", "disassociated"]);
    assert_eq!(spelled(PropagationState::ALL), ["enabling", "enabled", "disabling", "disabled"]);
    assert_eq!(spelled(RouteType::ALL), ["static", "propagated"]);
    let route_states = ["pending", "active", "blackhole", "deleting", "deleted"];
    assert!(spelled(TgwRouteState::ALL).iter().all(|s| route_states.contains(&s.as_str())));
    let attachment_states = [
        "initiating", "initiatingRequest", "pendingAcceptance", "rollingBack", "pending", "available", "modifying", "deleting", "deleted", "failed",
        "rejected", "rejecting", "failing",
    ];
    for s in AttachmentState::ALL {
        assert!(attachment_states.contains(&s.as_str()), "{s:?}");
    }
    // Routes travel in trace JSON in AWS's spelling; attachments are
    // stored by variant name, as existing event logs hold them.
    assert_eq!(serde_json::to_string(&(RouteType::Propagated, TgwRouteState::Blackhole)).unwrap(), r#"["propagated","blackhole"]"#);
    assert_eq!(serde_json::to_string(&AttachmentState::PendingAcceptance).unwrap(), r#""PendingAcceptance""#);
}

#[test]
fn derived_states() {
    let mut s = State::default();
    let t = tgw(&mut s);
    assert_eq!(s.transit_gateways[&t].state(), TgwState::Available);
    let env = crate::filter::Env { state: &s, ctx: &ctx(A) };
    assert_eq!(FILTERS.values("state", &s.transit_gateways[&t], &env), ["available"]);
    let rtb = s.transit_gateways[&t].options.association_default_route_table_id.clone().unwrap();
    assert_eq!(s.transit_gateway_route_tables[&rtb].state(), rt::TgwRouteTableState::Available);
    let (ch, route) = rt::create_route(&s, &ctx(A), &rtb, "10.9.0.0/16", None, true).unwrap();
    apply(&mut s, ch);
    assert_eq!((route.state(), route.route_type), (rt::TgwRouteState::Blackhole, rt::RouteType::Static));
    let (ch, extra) = rt::create_route_table(&s, &ctx(A), &t, Tags::new()).unwrap();
    apply(&mut s, ch);
    let ch = rt::delete_route_table(&s, &ctx(A), &extra).unwrap();
    apply(&mut s, ch);
    assert_eq!(s.transit_gateway_route_tables[&extra].state(), rt::TgwRouteTableState::Deleted);
    let env = crate::filter::Env { state: &s, ctx: &ctx(A) };
    assert_eq!(rt::FILTERS.values("state", &s.transit_gateway_route_tables[&extra], &env), ["deleted"]);
}

/// IPv6 blocks propagate only from attachments with IPv6 support; static
/// routes take either family; lookups never cross families.
#[test]
fn ipv6_blocks_propagate_with_ipv6_support() {
    let mut s = State::default();
    let v6 = |s: &mut State, cidr: &str| {
        let (ch, v) = create_vpc(s, &ctx(A), CreateVpc { cidr: cidr.into(), amazon_provided_ipv6_cidr_block: true, ..Default::default() }).unwrap();
        apply(s, ch);
        let input = CreateSubnet { vpc_id: v.clone(), cidr: cidr.replace(".0.0/16", ".1.0/24"), availability_zone: Some("us-east-1a".into()), ..Default::default() };
        let (ch, sub) = create_subnet(s, &ctx(A), input).unwrap();
        apply(s, ch);
        (v, sub)
    };
    let (va, sa) = v6(&mut s, "10.1.0.0/16");
    let (vb, sb) = v6(&mut s, "10.2.0.0/16");
    let t = tgw(&mut s);
    let with = CreateAttachment { transit_gateway_id: t.clone(), vpc_id: va.clone(), subnet_ids: vec![sa], ipv6_support: Some(true), ..Default::default() };
    let (ch, aa) = create_attachment(&s, &ctx(A), with).unwrap();
    apply(&mut s, ch);
    let (ch, ab) = attach(&s, A, &t, &vb, &[sb]).unwrap();
    apply(&mut s, ch);
    let table_id = s.transit_gateways[&t].options.association_default_route_table_id.clone().unwrap();
    let table = &s.transit_gateway_route_tables[&table_id];
    let routes: Vec<(String, Option<String>)> = table.routes(&s).into_iter().map(|r| (r.cidr.to_string(), r.attachment)).collect();
    let block_a = s.vpcs[&va].ipv6_cidr_blocks[0].cidr.to_string();
    let block_b = s.vpcs[&vb].ipv6_cidr_blocks[0].cidr.to_string();
    assert!(routes.contains(&(block_a.clone(), Some(aa.clone()))), "{routes:?}");
    assert!(!routes.iter().any(|(c, _)| *c == block_b), "no IPv6 support, no IPv6 routes: {routes:?}");
    assert_eq!(routes.iter().filter(|(c, _)| c.contains('.')).count(), 2);
    let inside_a: std::net::Ipv6Addr = block_a.replace("::/56", "::9").parse().unwrap();
    assert_eq!(table.lookup(&s, inside_a).unwrap().attachment.as_deref(), Some(aa.as_str()));
    assert!(table.lookup(&s, "2001:db8:ffff::1".parse::<std::net::Ipv6Addr>().unwrap()).is_none());
    // A static IPv6 route (as a network address) to the other attachment.
    let (ch, r) = rt::create_route(&s, &ctx(A), &table_id, "2600::/16", Some(&ab), false).unwrap();
    apply(&mut s, ch);
    assert_eq!((r.cidr.to_string(), r.route_type), ("2600::/16".to_string(), rt::RouteType::Static));
    assert!(rt::create_route(&s, &ctx(A), &table_id, "2600::1/16", Some(&ab), false).is_err());
    let table = &s.transit_gateway_route_tables[&table_id];
    assert_eq!(table.lookup(&s, "2600::5".parse::<std::net::Ipv6Addr>().unwrap()).unwrap().attachment.as_deref(), Some(ab.as_str()));
    assert!(table.lookup(&s, "10.9.9.9".parse::<std::net::Ipv4Addr>().unwrap()).is_none());
}
