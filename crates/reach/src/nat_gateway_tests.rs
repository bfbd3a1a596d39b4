//! NAT gateways' rules, on states built directly.

use xvpc_model::IpProtocol;

use crate::internet_gateway::tests::{codes, tcp};
use crate::synthetic::Builder;
use crate::{Direction, Kind};

const A: &str = "111111111111";
const B: &str = "222222222222";
const R: &str = "us-east-1";
const HOST: &str = "203.0.113.10";
const EIP: &str = "198.18.0.50";

struct World {
    b: Builder,
    vpc: String,
    public_table: String,
    private_subnet: String,
    igw: String,
    nat: String,
    app: String,
}

/// A VPC with an internet gateway, a public subnet (0.0.0.0/0 to the
/// gateway) holding a public NAT gateway, and a private subnet (0.0.0.0/0
/// to the NAT gateway) holding `app` (all outbound, 80 in from anywhere).
fn world() -> World {
    let mut b = Builder::new();
    let vpc = b.vpc(A, R, "10.0.0.0/16");
    let public = b.subnet(&vpc, "10.0.1.0/24", "us-east-1a");
    let private_subnet = b.subnet(&vpc, "10.0.2.0/24", "us-east-1a");
    let igw = b.igw(&vpc);
    let public_table = b.table_for(&public);
    b.route(&public_table, "0.0.0.0/0", &igw);
    let nat = b.nat_gateway(&public, "10.0.1.5", Some(EIP));
    let private_table = b.table_for(&private_subnet);
    b.route(&private_table, "0.0.0.0/0", &nat);
    let group = b.group(&vpc);
    b.allow(&group, false, IpProtocol::All, None, "0.0.0.0/0");
    b.allow(&group, true, IpProtocol::Tcp, Some((80, 80)), "0.0.0.0/0");
    let app = b.instance(&private_subnet, "10.0.2.10", &[&group]);
    World { b, vpc, public_table, private_subnet, igw, nat, app }
}

#[test]
fn a_private_subnet_reaches_the_internet_through_the_nat_gateway() {
    let w = world();
    let a = tcp(&w.b, &w.app, HOST, 80);
    assert!(a.reachable, "{:?}", a.blockers);
    let ids: Vec<&str> = a.forward.iter().map(|h| h.component.id.as_str()).collect();
    let (nat, igw) = (ids.iter().position(|x| *x == w.nat).unwrap(), ids.iter().position(|x| *x == w.igw).unwrap());
    assert!(nat < igw, "NAT gateway, then internet gateway: {ids:?}");
    assert!(a.return_path.iter().any(|h| h.component.id == w.nat));
}

#[test]
fn the_internet_cannot_open_a_connection_through_it() {
    let w = world();
    let a = tcp(&w.b, HOST, &w.app, 80);
    // No public address; and replies would leave through the NAT gateway.
    assert_eq!(codes(&a), vec![("IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS".into(), Direction::Forward), ("NO_ROUTE_TO_DESTINATION".into(), Direction::Return)]);
    assert!(a.blockers[0].explanation.contains(&format!("through NAT gateway {}", w.nat)), "{}", a.blockers[0].explanation);
    assert!(a.blockers[1].explanation.contains(&format!("to NAT gateway {}", w.nat)), "{}", a.blockers[1].explanation);
    // Addressed to the gateway's Elastic IP: nothing behind it.
    let a = tcp(&w.b, HOST, EIP, 80);
    assert!(!a.reachable);
    assert_eq!(codes(&a), vec![("NO_POSSIBLE_DESTINATION".into(), Direction::Forward)]);
    assert_eq!((a.blockers[0].component.kind, a.blockers[0].component.id.as_str()), (Kind::NatGateway, w.nat.as_str()));
}

#[test]
fn without_an_internet_gateway_route_in_its_subnet_traffic_does_not_leave() {
    let mut w = world();
    w.b.state.route_tables.get_mut(&w.public_table).unwrap().routes.retain(|r| r.target.id() != w.igw);
    let a = tcp(&w.b, &w.app, HOST, 80);
    assert_eq!(codes(&a), vec![("NO_ROUTE_TO_DESTINATION".into(), Direction::Forward)]);
    let b = &a.blockers[0];
    assert_eq!(b.component.id, w.public_table);
    let fix = b.fix.as_ref().unwrap();
    assert_eq!(fix.account, A);
    assert_eq!(fix.command, format!("aws ec2 create-route --route-table-id {} --destination-cidr-block 0.0.0.0/0 --gateway-id {} --region {R}", w.public_table, w.igw));
}

#[test]
fn a_gateway_that_is_not_available_blocks() {
    // Pending: the gateway itself is in a bad state.
    let mut w = world();
    w.b.state.nat_gateways.get_mut(&w.nat).unwrap().created_at = 0;
    let a = tcp(&w.b, &w.app, HOST, 80);
    assert_eq!(codes(&a), vec![("BAD_STATE".into(), Direction::Forward)]);
    assert_eq!(a.blockers[0].component.kind, Kind::NatGateway);
    // Deleted: its route is a blackhole; the fix makes a new gateway (an
    // Elastic IP first, as none is free).
    let mut w = world();
    let g = w.b.state.nat_gateways.get_mut(&w.nat).unwrap();
    g.deleted_at = Some(-10_000);
    let eni = g.network_interface_id.take().unwrap();
    w.b.state.network_interfaces.remove(&eni);
    let a = tcp(&w.b, &w.app, HOST, 80);
    assert_eq!(codes(&a), vec![("BAD_STATE_ROUTE".into(), Direction::Forward)]);
    assert_eq!(a.blockers[0].fix.as_ref().unwrap().command, format!("aws ec2 allocate-address --domain vpc --region {R}"));
    // Another available public gateway in the VPC: point the route at it.
    let public = w.b.state.route_tables[&w.public_table].associations[0].subnet_id.clone().unwrap();
    let other = w.b.nat_gateway(&public, "10.0.1.6", Some("198.18.0.51"));
    let a = tcp(&w.b, &w.app, HOST, 80);
    let table = w.b.state.route_tables.values().find(|t| t.associations.iter().any(|x| x.subnet_id.as_deref() == Some(w.private_subnet.as_str()))).unwrap().id.clone();
    assert_eq!(a.blockers[0].fix.as_ref().unwrap().command, format!("aws ec2 replace-route --route-table-id {table} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id {other} --region {R}"));
}

#[test]
fn the_gateway_subnets_acl_applies_both_ways() {
    let mut w = world();
    let public = w.b.state.route_tables[&w.public_table].associations[0].subnet_id.clone().unwrap();
    let acl = w.b.acl_for(&public);
    // Everything but the private subnet in; everything out.
    w.b.acl_entry(&acl, 100, false, IpProtocol::All, true, "0.0.0.0/0", None);
    w.b.acl_entry(&acl, 200, true, IpProtocol::All, true, "0.0.0.0/0", None);
    w.b.acl_entry(&acl, 50, false, IpProtocol::All, false, "10.0.2.0/24", None);
    let a = tcp(&w.b, &w.app, HOST, 80);
    assert_eq!(codes(&a), vec![("SUBNET_ACL_RESTRICTION".into(), Direction::Forward)]);
    assert_eq!(a.blockers[0].component.id, acl);
}

#[test]
fn a_private_gateway_reaches_a_transit_gateway_attached_vpc_as_itself() {
    let mut b = Builder::new();
    let va = b.vpc(A, R, "10.0.0.0/16");
    let nat_subnet = b.subnet(&va, "10.0.1.0/24", "us-east-1a");
    let app_subnet = b.subnet(&va, "10.0.2.0/24", "us-east-1a");
    let vb = b.vpc(B, R, "10.9.0.0/16");
    let sb = b.subnet(&vb, "10.9.1.0/24", "us-east-1a");
    let (tgw, _) = b.tgw(A, R);
    b.attach(&tgw, &va, &[&nat_subnet], true);
    b.attach(&tgw, &vb, &[&sb], true);
    let nat = b.nat_gateway(&nat_subnet, "10.0.1.5", None);
    let app_table = b.table_for(&app_subnet);
    b.route(&app_table, "10.9.0.0/16", &nat);
    let nat_table = b.table_for(&nat_subnet);
    b.route(&nat_table, "10.9.0.0/16", &tgw);
    let b_table = b.main_table(&vb);
    b.route(&b_table, "10.0.0.0/16", &tgw);
    let ga = b.group(&va);
    b.allow(&ga, false, IpProtocol::All, None, "0.0.0.0/0");
    let app = b.instance(&app_subnet, "10.0.2.10", &[&ga]);
    let gb = b.group(&vb);
    b.allow(&gb, true, IpProtocol::Tcp, Some((80, 80)), "10.0.2.10/32");
    let db = b.instance(&sb, "10.9.1.10", &[&gb]);
    // B's group admits the client's own address, but it sees the NAT
    // gateway's: blocked, and the fix names the gateway's address.
    let a = tcp(&b, &app, &db, 80);
    assert_eq!(codes(&a), vec![("ENI_SG_RULES_MISMATCH".into(), Direction::Forward)]);
    assert_eq!(a.blockers[0].component.id, gb);
    let fix = a.blockers[0].fix.as_ref().unwrap();
    assert_eq!(fix.account, B);
    assert!(fix.command.contains("10.0.1.5/32"), "{}", fix.command);
    b.allow(&gb, true, IpProtocol::Tcp, Some((80, 80)), "10.0.1.5/32");
    let a = tcp(&b, &app, &db, 80);
    assert!(a.reachable, "{:?}", a.blockers);
    let ids: Vec<&str> = a.forward.iter().map(|h| h.component.id.as_str()).collect();
    assert!(ids.contains(&nat.as_str()) && ids.iter().any(|x| x.starts_with("tgw-attach-")), "{ids:?}");
    // The matrix agrees with the walk both ways.
    let (ea, eb) = (b.state.instances[&app].primary_eni.clone(), b.state.instances[&db].primary_eni.clone());
    assert!(crate::matrix::eni_reachable(&b.state, 0, &ea, &eb, 6, 80));
    let m = crate::matrix::matrix(&b.state, 0, &[ea.clone(), eb.clone()], 6, 80);
    let (ia, ib) = (m.class_of[&ea], m.class_of[&eb]);
    assert!(m.reachable[ia][ib] && !m.reachable[ib][ia]);
    // A private gateway cannot use an internet gateway.
    let igw = b.igw(&va);
    b.route(&app_table, "0.0.0.0/0", &nat);
    b.route(&nat_table, "0.0.0.0/0", &igw);
    let a = tcp(&b, &app, HOST, 80);
    assert_eq!(codes(&a), vec![("IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS".into(), Direction::Forward)]);
    assert_eq!((a.blockers[0].component.kind, a.blockers[0].component.id.as_str()), (Kind::NatGateway, nat.as_str()));
}

#[test]
fn network_insights_names_the_nat_gateway() {
    let mut w = world();
    w.b.state.nat_gateways.get_mut(&w.nat).unwrap().created_at = 0;
    let a = tcp(&w.b, &w.app, HOST, 80);
    let f = crate::network_insights::findings(&a);
    let e = &f.explanations[0];
    assert_eq!(e.explanation_code, "BAD_STATE");
    assert_eq!(e.refs.get(&xvpc_model::network_insights::ComponentRole::NatGateway).map(|r| r.id.as_str()), Some(w.nat.as_str()));
    let _ = w.vpc;
}

#[test]
fn block_public_access_lets_a_nat_gateway_out_in_ingress_mode_only() {
    use xvpc_model::block_public_access::{self as bpa, BlockMode, ExclusionMode};
    let mut w = world();
    let ctx = xvpc_model::state::Ctx::new(A, R, 0);
    w.b.state.apply_all(bpa::modify_options(&ctx, BlockMode::BlockIngress));
    let a = tcp(&w.b, &w.app, HOST, 80);
    assert!(a.reachable, "a NAT gateway only lets connections out: {:?}", a.blockers);
    w.b.state.apply_all(bpa::modify_options(&ctx, BlockMode::BlockBidirectional));
    let a = tcp(&w.b, &w.app, HOST, 80);
    assert_eq!(codes(&a), [("VPC_BLOCK_PUBLIC_ACCESS".to_string(), Direction::Forward)]);
    let b = &a.blockers[0];
    assert_eq!((b.component.id.as_str(), b.component.kind), (w.igw.as_str(), Kind::InternetGateway));
    // The NAT gateway's subnet is the one to exclude, by the VPC's owner.
    let nat_subnet = w.b.state.nat_gateways[&w.nat].subnet_id.clone();
    let fix = b.fix.as_ref().unwrap();
    assert_eq!(fix.account, A);
    assert!(fix.command.contains(&format!("--subnet-id {nat_subnet} --internet-gateway-exclusion-mode allow-egress")), "{}", fix.command);
    let (ch, _) = bpa::create_exclusion(&w.b.state, &ctx, None, Some(&nat_subnet), ExclusionMode::AllowEgress, Default::default()).unwrap();
    w.b.state.apply_all(ch);
    assert!(tcp(&w.b, &w.app, HOST, 80).reachable);
}
