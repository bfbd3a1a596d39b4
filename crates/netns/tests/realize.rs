//! Builds small worlds for real and checks packets go (or not) as AWS's
//! rules say. Runs only as root (CI is root); skips otherwise.
#![cfg(target_os = "linux")]

mod common;

use xvpc_model::IpProtocol;
use common::{can_run, probe1, Probe, World};
use xvpc_model::route_table::RouteTarget;
use xvpc_model::security_group::RulePeer;
use xvpc_netns::Dataplane;

fn ours(dp: &Dataplane) -> usize {
    xvpc_netns::system::list_namespaces().iter().filter(|n| n.starts_with(dp.prefix())).count()
}

#[test]
fn routes_security_groups_and_nacls_decide_packets() {
    if !can_run() {
        return;
    }
    let mut w = World::default();
    let vpc = w.vpc("10.1.0.0/16");
    let s1 = w.subnet(&vpc, "10.1.1.0/24");
    let s2 = w.subnet(&vpc, "10.1.2.0/24");
    let web = w.sg(&vpc, "web");
    w.allow_in(&web, IpProtocol::Tcp, Some((80, 80)), RulePeer::Cidr("10.1.0.0/16".parse().unwrap()));
    let dflt = w.default_sg(&vpc);
    let a = w.eni(&s1, "10.1.1.10", &[&web]);
    let b = w.eni(&s1, "10.1.1.11", &[&dflt]);
    let c = w.eni(&s2, "10.1.2.10", &[&dflt]);
    let mut dp = Dataplane::start().expect("data plane");
    let rep = dp.reconcile(&w.state);
    assert!(rep.errors.is_empty(), "{:?}", rep.errors);
    assert_eq!(ours(&dp), 4);
    let prefix = dp.prefix().to_string();
    let ns = |id: &str| xvpc_netns::names::ns(&prefix, id);

    // SG: web admits 80 from the VPC; the default group admits only members.
    assert_eq!(probe1(&ns(&b), "10.1.1.10", 80), Probe::Reached, "same subnet, SG allows");
    assert_eq!(probe1(&ns(&c), "10.1.1.10", 80), Probe::Reached, "other subnet, SG allows");
    assert_eq!(probe1(&ns(&c), "10.1.1.10", 81), Probe::Timeout, "port not allowed");
    assert_eq!(probe1(&ns(&a), "10.1.1.11", 80), Probe::Timeout, "default SG: a is no member");
    assert_eq!(probe1(&ns(&c), "10.1.1.11", 22), Probe::Reached, "default SG: c is a member");
    assert_eq!(probe1(&ns(&a), "10.1.1.99", 80), Probe::Timeout, "no such address");

    // The guest cannot loosen its own group from inside.
    let _ = std::process::Command::new("ip").args(["netns", "exec", &ns(&b), "nft", "flush", "ruleset"]).status();
    assert_eq!(probe1(&ns(&a), "10.1.1.11", 80), Probe::Timeout, "guest flush has no effect");

    // NACL on s1 denying everything inbound: other subnets are cut off,
    // the same subnet is not (NACLs apply at the subnet boundary).
    w.nacl(&s1, &[(100, true, IpProtocol::All, true, "0.0.0.0/0", None)]);
    let rep = dp.reconcile(&w.state);
    assert!(rep.errors.is_empty(), "{:?}", rep.errors);
    assert_eq!(probe1(&ns(&c), "10.1.1.10", 80), Probe::Timeout, "NACL denies inbound from s2");
    assert_eq!(probe1(&ns(&b), "10.1.1.10", 80), Probe::Reached, "same subnet skips the NACL");
    // Stateless: allowing inbound 80 without the return path is not enough.
    w.nacl(&s1, &[(100, false, IpProtocol::Tcp, true, "10.1.2.0/24", Some((80, 80)))]);
    dp.reconcile(&w.state);
    assert_eq!(probe1(&ns(&c), "10.1.1.10", 80), Probe::Timeout, "no outbound rule for the reply");
    w.nacl(&s1, &[(100, false, IpProtocol::Tcp, true, "10.1.2.0/24", Some((80, 80))), (100, true, IpProtocol::Tcp, true, "10.1.2.0/24", Some((1024, 65535)))]);
    dp.reconcile(&w.state);
    assert_eq!(probe1(&ns(&c), "10.1.1.10", 80), Probe::Reached, "ephemeral ports allowed outbound");

    // Route tables: a blackhole for a's /32 in s2's table only.
    let rt2 = w.rt_for(&s2);
    w.route(&rt2, "10.1.1.10/32", RouteTarget::Gateway("igw-00000000".into()));
    dp.reconcile(&w.state);
    assert_eq!(probe1(&ns(&c), "10.1.1.10", 80), Probe::Timeout, "blackhole in s2's table");
    assert_eq!(probe1(&ns(&b), "10.1.1.10", 80), Probe::Reached, "s1 unaffected");
    w.state.route_tables.remove(&rt2);
    dp.reconcile(&w.state);
    assert_eq!(probe1(&ns(&c), "10.1.1.10", 80), Probe::Reached, "back to the main table");

    // Removing an ENI removes its namespace.
    w.state.network_interfaces.remove(&b);
    dp.reconcile(&w.state);
    assert_eq!(ours(&dp), 3);
    dp.teardown().unwrap();
    assert_eq!(ours(&dp), 0, "teardown removes every namespace");
}

#[test]
fn peering_is_a_link_between_routers_and_is_not_transitive() {
    if !can_run() {
        return;
    }
    let mut w = World::default();
    let (a, b, c) = (w.vpc("10.1.0.0/16"), w.vpc("10.2.0.0/16"), w.vpc("10.3.0.0/16"));
    let (sa, sb, sc) = (w.subnet(&a, "10.1.1.0/24"), w.subnet(&b, "10.2.1.0/24"), w.subnet(&c, "10.3.1.0/24"));
    let (ga, gb, gc) = (w.sg(&a, "a"), w.sg(&b, "b"), w.sg(&c, "c"));
    w.allow_in(&ga, IpProtocol::Tcp, Some((80, 80)), RulePeer::Cidr("10.2.0.0/16".parse().unwrap()));
    w.allow_in(&gc, IpProtocol::All, None, RulePeer::Cidr("10.0.0.0/8".parse().unwrap()));
    let ea = w.eni(&sa, "10.1.1.10", &[&ga]);
    let eb = w.eni(&sb, "10.2.1.10", &[&gb]);
    let _ec = w.eni(&sc, "10.3.1.10", &[&gc]);
    let pab = w.peering(&a, &b, false);
    let (rta, rtb, rtc) = (w.main_rt(&a), w.main_rt(&b), w.main_rt(&c));
    w.route(&rta, "10.2.0.0/16", RouteTarget::VpcPeeringConnection(pab.clone()));
    w.route(&rtb, "10.1.0.0/16", RouteTarget::VpcPeeringConnection(pab.clone()));
    let mut dp = Dataplane::start().expect("data plane");
    let prefix = dp.prefix().to_string();
    let ns = |id: &str| xvpc_netns::names::ns(&prefix, id);
    let rep = dp.reconcile(&w.state);
    assert!(rep.errors.is_empty(), "{:?}", rep.errors);
    assert_eq!(probe1(&ns(&eb), "10.1.1.10", 80), Probe::Timeout, "pending peering: routes are blackholes");

    w.state.peering_connections.get_mut(&pab).unwrap().status = xvpc_model::peering::StoredStatus::Active;
    let rep = dp.reconcile(&w.state);
    assert!(rep.errors.is_empty(), "{:?}", rep.errors);
    assert_eq!(probe1(&ns(&eb), "10.1.1.10", 80), Probe::Reached, "active peering, routes both ways, SG allows");
    assert_eq!(probe1(&ns(&eb), "10.1.1.10", 81), Probe::Timeout, "SG still applies");
    assert_eq!(probe1(&ns(&ea), "10.2.1.10", 80), Probe::Timeout, "b's group admits nothing");

    // Return route missing: the reply has nowhere to go.
    w.state.route_tables.get_mut(&rtb).unwrap().routes.clear();
    dp.reconcile(&w.state);
    assert_eq!(probe1(&ns(&eb), "10.1.1.10", 80), Probe::Timeout, "no route from b to a");
    w.route(&rtb, "10.1.0.0/16", RouteTarget::VpcPeeringConnection(pab.clone()));

    // Not transitive: b -> a -> c fails even with every route in place.
    let pac = w.peering(&a, &c, true);
    w.route(&rta, "10.3.0.0/16", RouteTarget::VpcPeeringConnection(pac.clone()));
    w.route(&rtc, "10.0.0.0/8", RouteTarget::VpcPeeringConnection(pac.clone()));
    w.route(&rtb, "10.3.0.0/16", RouteTarget::VpcPeeringConnection(pab.clone()));
    let rep = dp.reconcile(&w.state);
    assert!(rep.errors.is_empty(), "{:?}", rep.errors);
    assert_eq!(probe1(&ns(&ea), "10.3.1.10", 22), Probe::Reached, "a reaches c over its own peering");
    assert_eq!(probe1(&ns(&eb), "10.3.1.10", 22), Probe::Timeout, "b cannot transit a to reach c");

    // A group reference across an active same-region peering admits members.
    w.allow_in(&gb, IpProtocol::Tcp, Some((80, 80)), RulePeer::Group { group_id: ga.clone(), user_id: common::ACCOUNT.into(), vpc_id: Some(a.clone()), peering_id: Some(pab.clone()) });
    dp.reconcile(&w.state);
    assert_eq!(probe1(&ns(&ea), "10.2.1.10", 80), Probe::Reached, "b admits members of a's group");

    // Deleting the connection removes the link.
    w.state.peering_connections.remove(&pab);
    dp.reconcile(&w.state);
    assert_eq!(probe1(&ns(&eb), "10.1.1.10", 80), Probe::Timeout, "peering gone");
    dp.teardown().unwrap();
}

#[test]
fn transit_gateway_associations_propagations_and_zones() {
    use xvpc_model::transit_gateway_route_table as tgwrt;
    if !can_run() {
        return;
    }
    let mut w = World::default();
    let (a, b, c) = (w.vpc("10.1.0.0/16"), w.vpc("10.2.0.0/16"), w.vpc("10.3.0.0/16"));
    let sa = w.subnet_in(&a, "10.1.1.0/24", "us-east-1a");
    let sa2 = w.subnet_in(&a, "10.1.2.0/24", "us-east-1b");
    let sb = w.subnet_in(&b, "10.2.1.0/24", "us-east-1a");
    let sc = w.subnet_in(&c, "10.3.1.0/24", "us-east-1a");
    let groups: Vec<String> = [&a, &b, &c].into_iter().map(|v| w.open_sg(v)).collect();
    let ea = w.eni(&sa, "10.1.1.10", &[&groups[0]]);
    let ea2 = w.eni(&sa2, "10.1.2.10", &[&groups[0]]);
    let eb = w.eni(&sb, "10.2.1.10", &[&groups[1]]);
    let _ec = w.eni(&sc, "10.3.1.10", &[&groups[2]]);
    let (tgw, atts) = w.tgw_hub(&[(&a, &sa), (&b, &sb), (&c, &sc)]);
    let mut dp = Dataplane::start().expect("data plane");
    let prefix = dp.prefix().to_string();
    let ns = |id: &str| xvpc_netns::names::ns(&prefix, id);
    let rep = dp.reconcile(&w.state);
    assert!(rep.errors.is_empty(), "{:?}", rep.errors);
    // Default table: everyone associated and propagated.
    assert_eq!(probe1(&ns(&eb), "10.1.1.10", 80), Probe::Reached, "b -> a over the default table");
    assert_eq!(probe1(&ns(&eb), "10.3.1.10", 80), Probe::Reached, "b -> c over the default table");
    assert_eq!(probe1(&ns(&ea2), "10.3.1.10", 80), Probe::Timeout, "a's zone b has no attachment subnet");
    assert_eq!(probe1(&ns(&ea), "10.3.1.10", 80), Probe::Reached, "a's zone a has one");

    // B moves to its own table, where only A is propagated.
    let default_rt = w.state.transit_gateway_attachments[&atts[1]].association.clone().unwrap();
    w.apply(tgwrt::disassociate(&w.state, &w.ctx, &default_rt, &atts[1]).unwrap());
    let (ch, rt2) = tgwrt::create_route_table(&w.state, &w.ctx, &tgw, Default::default()).unwrap();
    w.apply(ch);
    w.apply(tgwrt::associate(&w.state, &w.ctx, &rt2, &atts[1]).unwrap());
    w.apply(tgwrt::enable_propagation(&w.state, &w.ctx, &rt2, &atts[0]).unwrap());
    let rep = dp.reconcile(&w.state);
    assert!(rep.errors.is_empty(), "{:?}", rep.errors);
    assert_eq!(probe1(&ns(&eb), "10.1.1.10", 80), Probe::Reached, "b -> a: a is propagated into b's table");
    assert_eq!(probe1(&ns(&eb), "10.3.1.10", 80), Probe::Timeout, "b -> c: c is not in b's table");
    w.apply(tgwrt::enable_propagation(&w.state, &w.ctx, &rt2, &atts[2]).unwrap());
    dp.reconcile(&w.state);
    assert_eq!(probe1(&ns(&eb), "10.3.1.10", 80), Probe::Reached, "after propagating c");
    dp.teardown().unwrap();
}

/// AWS: "any resources in Availability Zones where there is no transit
/// gateway attachment cannot reach the transit gateway"
/// (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html).
/// A request still reaches such a resource (it enters the VPC through the
/// attachment in another zone); its reply is what cannot use the gateway,
/// and a reply that the destination subnet's table sends over a peering
/// instead does get back.
#[test]
fn transit_gateway_replies_leave_only_from_attached_zones() {
    if !can_run() {
        return;
    }
    let mut w = World::default();
    let (a, b) = (w.vpc("10.1.0.0/16"), w.vpc("10.2.0.0/16"));
    let sa = w.subnet_in(&a, "10.1.1.0/24", "us-east-1a");
    let sa2 = w.subnet_in(&a, "10.1.2.0/24", "us-east-1b");
    let sb = w.subnet_in(&b, "10.2.1.0/24", "us-east-1a");
    let (ga, gb) = (w.open_sg(&a), w.open_sg(&b));
    let _ea = w.eni(&sa, "10.1.1.10", &[&ga]);
    let _ea2 = w.eni(&sa2, "10.1.2.10", &[&ga]);
    let eb = w.eni(&sb, "10.2.1.10", &[&gb]);
    w.tgw_hub(&[(&a, &sa), (&b, &sb)]);
    let mut dp = Dataplane::start().expect("data plane");
    let prefix = dp.prefix().to_string();
    let ns = |id: &str| xvpc_netns::names::ns(&prefix, id);
    let rep = dp.reconcile(&w.state);
    assert!(rep.errors.is_empty(), "{:?}", rep.errors);
    assert_eq!(probe1(&ns(&eb), "10.1.1.10", 80), Probe::Reached, "zone a of A has the attachment subnet");
    assert_eq!(probe1(&ns(&eb), "10.1.2.10", 80), Probe::Timeout, "the reply from zone b cannot enter the gateway");

    // The destination subnet answers over a peering: the asymmetric path works.
    let pcx = w.peering(&a, &b, true);
    let rt = w.rt_for(&sa2);
    w.route(&rt, "10.2.0.0/16", RouteTarget::VpcPeeringConnection(pcx));
    let rep = dp.reconcile(&w.state);
    assert!(rep.errors.is_empty(), "{:?}", rep.errors);
    assert_eq!(probe1(&ns(&eb), "10.1.2.10", 80), Probe::Reached, "request over the gateway, reply over the peering");
    dp.teardown().unwrap();
    assert_eq!(ours(&dp), 0);
}

/// AWS (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-nacls.html): the
/// transit gateway subnet's inbound rules see traffic from the instances
/// to the gateway, its outbound rules traffic from the gateway to the
/// instances; when the instances share the attachment's subnet, traffic
/// from the gateway to them is not evaluated at all.
#[test]
fn transit_gateway_attachment_subnet_acls() {
    if !can_run() {
        return;
    }
    let mut w = World::default();
    let (a, b) = (w.vpc("10.1.0.0/16"), w.vpc("10.2.0.0/16"));
    let att_a = w.subnet_in(&a, "10.1.0.0/24", "us-east-1a");
    let sa = w.subnet_in(&a, "10.1.1.0/24", "us-east-1a");
    let sb = w.subnet_in(&b, "10.2.1.0/24", "us-east-1a");
    let (ga, gb) = (w.open_sg(&a), w.open_sg(&b));
    let _ea = w.eni(&sa, "10.1.1.10", &[&ga]);
    let eb = w.eni(&sb, "10.2.1.10", &[&gb]);
    // A through a dedicated subnet; B through the client's own subnet.
    w.tgw_hub(&[(&a, &att_a), (&b, &sb)]);
    let mut dp = Dataplane::start().expect("data plane");
    let prefix = dp.prefix().to_string();
    let ns = |id: &str| xvpc_netns::names::ns(&prefix, id);
    let rep = dp.reconcile(&w.state);
    assert!(rep.errors.is_empty(), "{:?}", rep.errors);
    assert_eq!(probe1(&ns(&eb), "10.1.1.10", 80), Probe::Reached, "default ACLs allow");

    // A's attachment subnet denies inbound: the reply cannot enter the gateway.
    w.nacl(&att_a, &[(100, true, IpProtocol::All, true, "0.0.0.0/0", None)]);
    let rep = dp.reconcile(&w.state);
    assert!(rep.errors.is_empty(), "{:?}", rep.errors);
    assert_eq!(probe1(&ns(&eb), "10.1.1.10", 80), Probe::Timeout, "inbound deny on the attachment subnet");
    // Denies outbound: the request cannot leave the gateway into A.
    w.nacl(&att_a, &[(100, false, IpProtocol::All, true, "0.0.0.0/0", None)]);
    dp.reconcile(&w.state);
    assert_eq!(probe1(&ns(&eb), "10.1.1.10", 80), Probe::Timeout, "outbound deny on the attachment subnet");
    w.nacl(&att_a, &[(100, false, IpProtocol::All, true, "0.0.0.0/0", None), (100, true, IpProtocol::All, true, "0.0.0.0/0", None)]);
    dp.reconcile(&w.state);
    assert_eq!(probe1(&ns(&eb), "10.1.1.10", 80), Probe::Reached, "both allowed");

    // B's client sits in B's attachment subnet: an ACL admitting only B's
    // own addresses inbound still lets the reply from A in (not evaluated)...
    w.nacl(&sb, &[(100, false, IpProtocol::All, true, "10.2.0.0/16", None), (100, true, IpProtocol::All, true, "0.0.0.0/0", None)]);
    dp.reconcile(&w.state);
    assert_eq!(probe1(&ns(&eb), "10.1.1.10", 80), Probe::Reached, "from the gateway into its own subnet: no ACL");
    // ...but the way to the gateway is evaluated inbound too.
    w.nacl(&sb, &[(100, false, IpProtocol::All, true, "10.1.0.0/16", None), (100, true, IpProtocol::All, true, "0.0.0.0/0", None)]);
    dp.reconcile(&w.state);
    assert_eq!(probe1(&ns(&eb), "10.1.1.10", 80), Probe::Timeout, "to the gateway: the subnet's inbound rules see the client");
    dp.teardown().unwrap();
    assert_eq!(ours(&dp), 0);
}
