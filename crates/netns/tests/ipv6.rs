//! IPv6 with real packets: within a VPC, over a peering connection, over a
//! transit gateway (with and without `Ipv6Support`), and to the simulated
//! internet through an internet gateway (both ways) and an egress-only one
//! (out only). Every probe is checked against the engine's verdict. Runs
//! only as root (CI is root); skips otherwise.
#![cfg(target_os = "linux")]

mod common;

use std::net::IpAddr;

use common::{can_run, probe, Probe, World};
use xvpc_model::internet_gateway::InternetGateway;
use xvpc_model::route_table::RouteTarget;
use xvpc_model::security_group::RulePeer;
use xvpc_model::IpProtocol;
use xvpc_netns::internet_gateway::{namespace, INTERNET_HOST6};
use xvpc_netns::Dataplane;
use xvpc_reach::{analyze, Endpoint, Query};

/// Probes `to:port` from `from` (an ENI id, or `None` for the internet
/// host), checks the engine says the same, and returns the probe.
fn both(dp: &mut Dataplane, w: &World, from: Option<&str>, to: IpAddr, port: u16) -> Probe {
    let rep = dp.reconcile(&w.state);
    assert!(rep.errors.is_empty(), "{:?}", rep.errors);
    let (ns, src) = match from {
        Some(eni) => (dp.namespace_of(eni), Endpoint::NetworkInterface(eni.into())),
        None => (namespace(dp.prefix()), Endpoint::Ip(INTERNET_HOST6.into())),
    };
    let real = probe(&ns, &[(to, port)], 1.0)[0];
    let a = analyze(&w.state, 0, &Query::tcp(src, Endpoint::Ip(to), port)).expect("query");
    assert_eq!(a.reachable, real == Probe::Reached, "engine and packets disagree on {from:?} -> {to}:{port}: engine {:?}", a.blockers.iter().map(|b| &b.explanation).collect::<Vec<_>>());
    real
}

fn v6(w: &World, eni: &str) -> IpAddr {
    IpAddr::V6(w.state.network_interfaces[eni].ipv6_addresses[0])
}

#[test]
fn ipv6_within_a_vpc_over_peering_and_transit_gateway() {
    if !can_run() {
        return;
    }
    let mut w = World::default();
    let va = w.vpc("10.1.0.0/16");
    let vb = w.vpc("10.2.0.0/16");
    let vc = w.vpc("10.3.0.0/16");
    for v in [&va, &vb, &vc] {
        w.ipv6(v);
    }
    let (sa1, sa2) = (w.subnet(&va, "10.1.1.0/24"), w.subnet(&va, "10.1.2.0/24"));
    let sb = w.subnet(&vb, "10.2.1.0/24");
    let sc = w.subnet(&vc, "10.3.1.0/24");
    for (i, s) in [&sa1, &sa2, &sb, &sc].into_iter().enumerate() {
        w.subnet_ipv6(s, i as u128);
    }
    let web = w.sg(&va, "web");
    w.allow_in(&web, IpProtocol::Tcp, Some((80, 80)), RulePeer::Cidr6("::/0".into()));
    let a1 = w.eni(&sa1, "10.1.1.10", &[&web]);
    let a2 = w.eni(&sa2, "10.1.2.10", &[&web]);
    let gb = w.sg(&vb, "b");
    let b = w.eni(&sb, "10.2.1.10", &[&gb]);
    let gc = w.sg(&vc, "c");
    let c = w.eni(&sc, "10.3.1.10", &[&gc]);
    for e in [&a1, &a2, &b, &c] {
        w.eni_ipv6(e);
    }
    let mut dp = Dataplane::start().expect("data plane");

    // Within the VPC: the group admits IPv6 to port 80 only, and an IPv4
    // rule for everything admits no IPv6.
    assert_eq!(both(&mut dp, &w, Some(&a2), v6(&w, &a1), 80), Probe::Reached, "other subnet, ::/0 on 80");
    assert_eq!(both(&mut dp, &w, Some(&a2), v6(&w, &a1), 22), Probe::Timeout, "port 22 not allowed");
    w.allow_in(&web, IpProtocol::All, None, RulePeer::Cidr("0.0.0.0/0".parse().unwrap()));
    assert_eq!(both(&mut dp, &w, Some(&a2), v6(&w, &a1), 22), Probe::Timeout, "0.0.0.0/0 admits no IPv6");
    // A custom ACL with IPv4 entries only drops IPv6.
    w.nacl(&sa1, &[(100, false, IpProtocol::All, true, "0.0.0.0/0", None), (100, true, IpProtocol::All, true, "0.0.0.0/0", None)]);
    assert_eq!(both(&mut dp, &w, Some(&a2), v6(&w, &a1), 80), Probe::Timeout, "ACL without IPv6 entries");
    w.nacl(&sa1, &[(100, false, IpProtocol::All, true, "::/0", None), (100, true, IpProtocol::All, true, "::/0", None)]);
    assert_eq!(both(&mut dp, &w, Some(&a2), v6(&w, &a1), 80), Probe::Reached, "ACL with ::/0");

    // Over a peering: routes to the peer's /56 both ways, and a group
    // reference across the peering admits the peer's IPv6 address.
    let pcx = w.peering(&va, &vb, true);
    let (rta, rtb) = (w.main_rt(&va), w.main_rt(&vb));
    let (block_a, block_b) = (w.state.vpcs[&va].ipv6_cidr_blocks[0].cidr.to_string(), w.state.vpcs[&vb].ipv6_cidr_blocks[0].cidr.to_string());
    w.allow_in(&gb, IpProtocol::Tcp, Some((80, 80)), RulePeer::Group { group_id: web.clone(), user_id: common::ACCOUNT.into(), vpc_id: None, peering_id: None });
    assert_eq!(both(&mut dp, &w, Some(&a2), v6(&w, &b), 80), Probe::Timeout, "no route to the peer's block");
    w.route(&rta, &block_b, RouteTarget::VpcPeeringConnection(pcx.clone()));
    assert_eq!(both(&mut dp, &w, Some(&a2), v6(&w, &b), 80), Probe::Timeout, "no route back");
    w.route(&rtb, &block_a, RouteTarget::VpcPeeringConnection(pcx.clone()));
    assert_eq!(both(&mut dp, &w, Some(&a2), v6(&w, &b), 80), Probe::Reached, "peering, group reference");
    assert_eq!(both(&mut dp, &w, Some(&a2), IpAddr::V4("10.2.1.10".parse().unwrap()), 80), Probe::Timeout, "no IPv4 route");

    // Over a transit gateway: A and C attached, ::/0 to it; IPv6 crosses
    // only when both attachments have IPv6 support.
    w.allow_in(&gc, IpProtocol::Tcp, Some((80, 80)), RulePeer::Cidr6(block_a.clone()));
    let (tgw, atts) = w.tgw_hub(&[(&va, &sa1), (&vc, &sc)]);
    let rtc = w.main_rt(&vc);
    w.route(&rta, "::/0", RouteTarget::TransitGateway(tgw.clone()));
    w.route(&rtc, "::/0", RouteTarget::TransitGateway(tgw.clone()));
    assert_eq!(both(&mut dp, &w, Some(&a1), v6(&w, &c), 80), Probe::Timeout, "no IPv6 support");
    w.state.transit_gateway_attachments.get_mut(&atts[0]).unwrap().options.ipv6_support = true;
    assert_eq!(both(&mut dp, &w, Some(&a1), v6(&w, &c), 80), Probe::Timeout, "IPv6 support on one side only");
    w.state.transit_gateway_attachments.get_mut(&atts[1]).unwrap().options.ipv6_support = true;
    assert_eq!(both(&mut dp, &w, Some(&a1), v6(&w, &c), 80), Probe::Reached, "IPv6 support on both");
    assert_eq!(both(&mut dp, &w, Some(&a1), IpAddr::V4("10.3.1.10".parse().unwrap()), 80), Probe::Timeout, "IPv4: group admits nothing");
    // The peering's /56 route is longer than ::/0 and still wins for B.
    assert_eq!(both(&mut dp, &w, Some(&a2), v6(&w, &b), 80), Probe::Reached, "peering still");

    // Addresses given later reach running guests (a second address), and
    // a VPC built IPv4-only takes IPv6 when it gets a block.
    let extra = IpAddr::V6(w.eni_ipv6(&a1));
    assert_eq!(both(&mut dp, &w, Some(&a2), extra, 80), Probe::Reached, "a second IPv6 address");
    let vd = w.vpc("10.4.0.0/16");
    let sd = w.subnet(&vd, "10.4.1.0/24");
    let gd = w.open_sg(&vd);
    let (d1, d2) = (w.eni(&sd, "10.4.1.10", &[&gd]), w.eni(&sd, "10.4.1.11", &[&gd]));
    assert_eq!(both(&mut dp, &w, Some(&d1), IpAddr::V4("10.4.1.11".parse().unwrap()), 80), Probe::Reached, "IPv4 first");
    w.ipv6(&vd);
    w.subnet_ipv6(&sd, 0);
    w.eni_ipv6(&d1);
    w.eni_ipv6(&d2);
    w.allow_in(&gd, IpProtocol::All, None, RulePeer::Cidr6("::/0".into()));
    assert_eq!(both(&mut dp, &w, Some(&d1), v6(&w, &d2), 80), Probe::Timeout, "the group's egress rule is IPv4 only");
    w.state.security_groups.get_mut(&gd).unwrap().egress.push(xvpc_model::security_group::allow_all_egress_v6());
    assert_eq!(both(&mut dp, &w, Some(&d1), v6(&w, &d2), 80), Probe::Reached, "IPv6 added later");
    dp.teardown().unwrap();
}

#[test]
fn ipv6_internet_gateway_both_ways_egress_only_out_only() {
    if !can_run() {
        return;
    }
    let mut w = World::default();
    let va = w.vpc("10.1.0.0/16");
    let vb = w.vpc("10.2.0.0/16");
    w.ipv6(&va);
    w.ipv6(&vb);
    let sa = w.subnet(&va, "10.1.1.0/24");
    let sb = w.subnet(&vb, "10.2.1.0/24");
    w.subnet_ipv6(&sa, 0);
    w.subnet_ipv6(&sb, 0);
    let ga = w.sg(&va, "a");
    let gb = w.sg(&vb, "b");
    for g in [&ga, &gb] {
        w.allow_in(g, IpProtocol::Tcp, Some((80, 80)), RulePeer::Cidr6("::/0".into()));
    }
    let a = w.eni(&sa, "10.1.1.10", &[&ga]);
    let b = w.eni(&sb, "10.2.1.10", &[&gb]);
    w.eni_ipv6(&a);
    w.eni_ipv6(&b);
    let host = IpAddr::V6(INTERNET_HOST6);
    let mut dp = Dataplane::start().expect("data plane");

    // A: an internet gateway, ::/0 to it.
    let igw = xvpc_model::ids::new_id("igw");
    w.state.internet_gateways.insert(igw.clone(), InternetGateway { id: igw.clone(), owner: common::ACCOUNT.into(), region: "us-east-1".into(), attached_vpc: Some(va.clone()), tags: Default::default() });
    let rta = w.rt_for(&sa);
    assert_eq!(both(&mut dp, &w, Some(&a), host, 80), Probe::Timeout, "no route to the gateway");
    w.route(&rta, "::/0", RouteTarget::Gateway(igw.clone()));
    assert_eq!(both(&mut dp, &w, Some(&a), host, 80), Probe::Reached, "out through the internet gateway");
    assert_eq!(both(&mut dp, &w, None, v6(&w, &a), 80), Probe::Reached, "in through the internet gateway");
    assert_eq!(both(&mut dp, &w, None, v6(&w, &a), 22), Probe::Timeout, "the group still decides");

    // B: an egress-only gateway, ::/0 to it: out yes, in no.
    let eigw = w.eigw(&vb);
    let rtb = w.rt_for(&sb);
    w.route(&rtb, "::/0", RouteTarget::EgressOnlyInternetGateway(eigw.clone()));
    assert_eq!(both(&mut dp, &w, Some(&b), host, 80), Probe::Reached, "out through the egress-only gateway");
    assert_eq!(both(&mut dp, &w, None, v6(&w, &b), 80), Probe::Timeout, "nothing in through the egress-only gateway");
    // Between the two over the internet: B opens to A (A's gateway lets it
    // in, the reply comes back to B's egress-only gateway); A cannot open to B.
    assert_eq!(both(&mut dp, &w, Some(&b), v6(&w, &a), 80), Probe::Reached, "B -> A over the internet");
    assert_eq!(both(&mut dp, &w, Some(&a), v6(&w, &b), 80), Probe::Timeout, "A -> B: B's gateway is egress-only");
    dp.teardown().unwrap();
}
