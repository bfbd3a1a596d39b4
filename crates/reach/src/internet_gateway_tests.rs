//! The internet gateway's rules, on states built directly.

use xvpc_model::IpProtocol;
use std::net::Ipv4Addr;

use xvpc_model::internet_gateway::InternetGateway;

use crate::synthetic::Builder;
use crate::{analyze, Analysis, Direction, Endpoint, Query};

const A: &str = "111111111111";
const B: &str = "222222222222";
const R: &str = "us-east-1";
const HOST: &str = "203.0.113.10";

struct World {
    b: Builder,
    vpc: String,
    subnet: String,
    table: String,
    igw: String,
    web: String,
    group: String,
}

/// One VPC with an attached gateway, a subnet whose table sends 0.0.0.0/0
/// to it, and an instance `web` (all outbound; 80 in from anywhere) holding
/// public address `public`.
fn world(owner: &str, cidr: &str, sub: &str, ip: &str, public: Option<&str>) -> World {
    let mut b = Builder::new();
    add(&mut b, owner, cidr, sub, ip, public)
}

fn add(b: &mut Builder, owner: &str, cidr: &str, sub: &str, ip: &str, public: Option<&str>) -> World {
    let vpc = b.vpc(owner, R, cidr);
    let subnet = b.subnet(&vpc, sub, "us-east-1a");
    let group = b.group(&vpc);
    b.allow(&group, false, IpProtocol::All, None, "0.0.0.0/0");
    b.allow(&group, true, IpProtocol::Tcp, Some((80, 80)), "0.0.0.0/0");
    let web = b.instance(&subnet, ip, &[&group]);
    let eni = b.state.instances[&web].primary_eni.clone();
    b.state.network_interfaces.get_mut(&eni).unwrap().public_ip = public.map(|p| p.parse().unwrap());
    let igw = b.id("igw");
    b.state.internet_gateways.insert(igw.clone(), InternetGateway { id: igw.clone(), owner: owner.into(), region: R.into(), attached_vpc: Some(vpc.clone()), tags: Default::default() });
    let table = b.table_for(&subnet);
    b.route(&table, "0.0.0.0/0", &igw);
    World { b: std::mem::take(b), vpc, subnet, table, igw, web, group }
}

pub(crate) fn tcp(b: &Builder, from: &str, to: &str, port: u16) -> Analysis {
    analyze(&b.state, 0, &Query::tcp(Endpoint::parse(from).unwrap(), Endpoint::parse(to).unwrap(), port)).unwrap()
}

pub(crate) fn codes(a: &Analysis) -> Vec<(String, Direction)> {
    a.blockers.iter().map(|b| (b.code.clone(), b.direction)).collect()
}

#[test]
fn instance_with_public_ip_and_route_reaches_the_internet() {
    let w = world(A, "10.0.0.0/16", "10.0.1.0/24", "10.0.1.10", Some("198.18.0.10"));
    let a = tcp(&w.b, &w.web, HOST, 80);
    assert!(a.reachable, "{:?}", a.blockers);
    assert!(a.forward.iter().any(|h| h.component.id == w.igw), "the path goes through the gateway");
    assert!(a.return_path.iter().any(|h| h.component.id == w.igw));
}

#[test]
fn without_public_ip_the_gateway_drops_it() {
    let w = world(A, "10.0.0.0/16", "10.0.1.0/24", "10.0.1.10", None);
    let a = tcp(&w.b, &w.web, HOST, 80);
    assert_eq!(codes(&a), vec![("IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS".into(), Direction::Forward)]);
    let eni = w.b.state.instances[&w.web].primary_eni.clone();
    assert_eq!(a.blockers[0].component.id, eni);
    assert_eq!(a.blockers[0].component.owner, A);
    // The fix: an Elastic IP; allocate one first, then associate it.
    assert_eq!(a.blockers[0].fix.as_ref().unwrap().command, format!("aws ec2 allocate-address --domain vpc --region {R}"));
    let mut b = w.b;
    let eip = xvpc_model::elastic_ip::Address { id: "eipalloc-0123456789abcdef0".into(), owner: A.into(), region: R.into(), public_ip: Ipv4Addr::new(198, 18, 0, 77), association: None, tags: Default::default() };
    b.state.addresses.insert(eip.id.clone(), eip);
    let a = tcp(&b, &w.web, HOST, 80);
    assert_eq!(a.blockers[0].fix.as_ref().unwrap().command, format!("aws ec2 associate-address --allocation-id eipalloc-0123456789abcdef0 --network-interface-id {eni} --region {R}"));
}

#[test]
fn without_a_route_the_fix_is_a_default_route_to_the_gateway() {
    let mut w = world(A, "10.0.0.0/16", "10.0.1.0/24", "10.0.1.10", Some("198.18.0.10"));
    w.b.state.route_tables.get_mut(&w.table).unwrap().routes.retain(|r| !r.target.id().starts_with("igw-"));
    let a = tcp(&w.b, &w.web, HOST, 80);
    assert_eq!(codes(&a), vec![("NO_ROUTE_TO_DESTINATION".into(), Direction::Forward)]);
    let fix = a.blockers[0].fix.clone().unwrap();
    assert_eq!(fix.command, format!("aws ec2 create-route --route-table-id {} --destination-cidr-block 0.0.0.0/0 --gateway-id {} --region {R}", w.table, w.igw));
    assert_eq!(fix.account, A);
}

#[test]
fn private_and_shared_destinations_are_refused() {
    let w = world(A, "10.0.0.0/16", "10.0.1.0/24", "10.0.1.10", Some("198.18.0.10"));
    assert_eq!(codes(&tcp(&w.b, &w.web, "192.168.1.1", 80)), vec![("IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS".into(), Direction::Forward)]);
    assert_eq!(codes(&tcp(&w.b, &w.web, "100.64.0.1", 80)), vec![("IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS".into(), Direction::Forward)]);
}

#[test]
fn detached_gateway_is_a_blackhole() {
    let mut w = world(A, "10.0.0.0/16", "10.0.1.0/24", "10.0.1.10", Some("198.18.0.10"));
    w.b.state.internet_gateways.get_mut(&w.igw).unwrap().attached_vpc = None;
    let a = tcp(&w.b, &w.web, HOST, 80);
    assert_eq!(codes(&a), vec![("BAD_STATE_ROUTE".into(), Direction::Forward)]);
}

#[test]
fn outbound_rules_and_return_acl_apply() {
    let mut w = world(A, "10.0.0.0/16", "10.0.1.0/24", "10.0.1.10", Some("198.18.0.10"));
    w.b.state.security_groups.get_mut(&w.group).unwrap().egress.clear();
    let acl = w.b.acl_for(&w.subnet);
    w.b.acl_entry(&acl, 100, true, IpProtocol::Tcp, true, "0.0.0.0/0", Some((80, 80)));
    let a = tcp(&w.b, &w.web, HOST, 80);
    assert_eq!(codes(&a), vec![("SG_HAS_NO_RULES".into(), Direction::Forward), ("SUBNET_ACL_RESTRICTION".into(), Direction::Return)]);
    let acl_fix = &a.blockers[1].fix.as_ref().unwrap().command;
    assert!(acl_fix.contains("--ingress") && acl_fix.contains(&format!("--cidr-block {HOST}/32")), "{acl_fix}");
}

#[test]
fn internet_to_public_ip_needs_ingress_rule_and_return_route() {
    let mut w = world(A, "10.0.0.0/16", "10.0.1.0/24", "10.0.1.10", Some("198.18.0.10"));
    let a = tcp(&w.b, HOST, "198.18.0.10", 80);
    assert!(a.reachable, "{:?}", a.blockers);
    assert_eq!(a.destination_ip, Some("198.18.0.10".parse().unwrap()));
    // Named by the instance: its public address.
    assert!(tcp(&w.b, HOST, &w.web, 80).reachable);
    // No rule for 22.
    let a = tcp(&w.b, HOST, "198.18.0.10", 22);
    assert_eq!(codes(&a), vec![("ENI_SG_RULES_MISMATCH".into(), Direction::Forward)]);
    assert!(a.blockers[0].fix.as_ref().unwrap().command.contains(&format!("--cidr {HOST}/32")));
    // No route back to the gateway.
    w.b.state.route_tables.get_mut(&w.table).unwrap().routes.retain(|r| !r.target.id().starts_with("igw-"));
    let a = tcp(&w.b, HOST, "198.18.0.10", 80);
    assert_eq!(codes(&a), vec![("NO_ROUTE_TO_DESTINATION".into(), Direction::Return)]);
    assert!(a.blockers[0].fix.as_ref().unwrap().command.contains(&format!("--gateway-id {}", w.igw)));
}

#[test]
fn internet_cannot_address_a_private_ip_or_a_vpc_without_gateway() {
    let mut w = world(A, "10.0.0.0/16", "10.0.1.0/24", "10.0.1.10", None);
    let a = tcp(&w.b, HOST, &w.web, 80);
    assert_eq!(codes(&a), vec![("IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS".into(), Direction::Forward)]);
    assert_eq!(a.blockers[0].component.id, w.igw);
    // With a public address but the gateway detached: the VPC has none.
    let eni = w.b.state.instances[&w.web].primary_eni.clone();
    w.b.state.network_interfaces.get_mut(&eni).unwrap().public_ip = Some(Ipv4Addr::new(198, 18, 0, 10));
    w.b.state.internet_gateways.get_mut(&w.igw).unwrap().attached_vpc = None;
    let a = tcp(&w.b, HOST, "198.18.0.10", 80);
    let first = &a.blockers[0];
    assert_eq!(first.code, "NO_ROUTE_TO_DESTINATION");
    assert_eq!(first.component.id, w.vpc);
    assert_eq!(first.fix.as_ref().unwrap().command, format!("aws ec2 attach-internet-gateway --internet-gateway-id {} --vpc-id {} --region {R}", w.igw, w.vpc));
    // An address no ENI holds is no destination.
    assert!(analyze(&w.b.state, 0, &Query::tcp(Endpoint::parse(HOST).unwrap(), Endpoint::parse("198.18.0.99").unwrap(), 80)).is_err());
}

#[test]
fn two_vpcs_reach_each_other_through_public_addresses() {
    let mut b = Builder::new();
    let one = add(&mut b, A, "10.0.0.0/16", "10.0.1.0/24", "10.0.1.10", Some("198.18.0.10"));
    let mut b = one.b;
    // The same private block on the other side: no peering could join them.
    let two = add(&mut b, B, "10.0.0.0/16", "10.0.1.0/24", "10.0.1.10", Some("198.18.0.20"));
    let mut b = two.b;
    let a = tcp(&b, &one.web, "198.18.0.20", 80);
    assert!(a.reachable, "{:?}", a.blockers);
    for g in [&one.igw, &two.igw] {
        assert!(a.forward.iter().any(|h| &h.component.id == g) && a.return_path.iter().any(|h| &h.component.id == g));
    }
    // The far side sees the near side's public address: a rule for it.
    let g2 = two.group.clone();
    b.state.security_groups.get_mut(&g2).unwrap().ingress.clear();
    let a = tcp(&b, &one.web, "198.18.0.20", 80);
    assert_eq!(codes(&a), vec![("SG_HAS_NO_RULES".into(), Direction::Forward)]);
    let f = a.blockers[0].fix.clone().unwrap();
    assert_eq!(f.account, B);
    assert!(f.command.contains("--cidr 198.18.0.10/32"), "{}", f.command);
    // Without its own public address the near side cannot go out.
    let e1 = b.state.instances[&one.web].primary_eni.clone();
    b.state.network_interfaces.get_mut(&e1).unwrap().public_ip = None;
    let a = tcp(&b, &one.web, "198.18.0.20", 80);
    assert!(codes(&a).contains(&("IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS".into(), Direction::Forward)));
}
