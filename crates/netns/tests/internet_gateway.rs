//! Internet gateways with real packets: the simulated internet namespace,
//! the router's 1:1 NAT, and the engine's verdict on every probe (they must
//! agree). Runs only as root (CI is root); skips otherwise.
#![cfg(target_os = "linux")]

mod common;

use xvpc_model::IpProtocol;
use common::{both, can_run, probe1, Probe, World};
use xvpc_model::internet_gateway::InternetGateway;
use xvpc_model::route_table::RouteTarget;
use xvpc_model::security_group::RulePeer;
use xvpc_netns::internet_gateway::{namespace, INTERNET_HOST};
use xvpc_netns::Dataplane;

fn igw(w: &mut World, vpc: &str) -> String {
    let id = xvpc_model::ids::new_id("igw");
    let g = InternetGateway { id: id.clone(), owner: common::ACCOUNT.into(), region: "us-east-1".into(), attached_vpc: Some(vpc.into()), tags: Default::default() };
    w.state.internet_gateways.insert(id.clone(), g);
    id
}

fn public(w: &mut World, eni: &str, ip: &str) {
    w.state.network_interfaces.get_mut(eni).unwrap().public_ip = Some(ip.parse().unwrap());
}

#[test]
fn internet_gateway_nat_routes_and_groups_decide_packets() {
    if !can_run() {
        return;
    }
    let mut w = World::default();
    let vpc = w.vpc("10.1.0.0/16");
    let s1 = w.subnet(&vpc, "10.1.1.0/24");
    let web = w.sg(&vpc, "web");
    let a = w.eni(&s1, "10.1.1.10", &[&web]);
    let b = w.eni(&s1, "10.1.1.11", &[&web]);
    public(&mut w, &a, "198.18.0.10");
    let g = igw(&mut w, &vpc);
    let rt = w.rt_for(&s1);
    w.route(&rt, "0.0.0.0/0", RouteTarget::Gateway(g.clone()));
    let host = INTERNET_HOST.to_string();
    let mut dp = Dataplane::start().expect("data plane");

    // Out: a public address and the route: the internet host answers.
    assert_eq!(both(&mut dp, &w, Some(&a), &host, 80), Probe::Reached, "public IP + route");
    // No public address: the gateway drops it.
    assert_eq!(both(&mut dp, &w, Some(&b), &host, 80), Probe::Timeout, "no public IP");
    // In: only with an ingress rule; never to the private-only ENI.
    assert_eq!(both(&mut dp, &w, None, "198.18.0.10", 80), Probe::Timeout, "no ingress rule");
    w.allow_in(&web, IpProtocol::Tcp, Some((80, 80)), RulePeer::Cidr("0.0.0.0/0".parse().unwrap()));
    assert_eq!(both(&mut dp, &w, None, "198.18.0.10", 80), Probe::Reached, "ingress rule");
    // The gateway's link carries 1500-byte packets, as AWS's internet gateways.
    let link = std::process::Command::new("ip").args(["-n", &dp.namespace_of(&vpc), "link", "show", &xvpc_netns::names::ifname('g', &g)]).output().unwrap();
    assert!(String::from_utf8_lossy(&link.stdout).contains("mtu 1500"), "{}", String::from_utf8_lossy(&link.stdout));
    assert_eq!(both(&mut dp, &w, None, "198.18.0.10", 22), Probe::Timeout, "other port");
    assert_eq!(probe1(&namespace(dp.prefix()), "10.1.1.11", 80), Probe::Timeout, "private addresses are not on the internet");

    // A second VPC with the same private block, reached by its public address.
    let vpc2 = w.vpc("10.1.0.0/16");
    let t1 = w.subnet(&vpc2, "10.1.1.0/24");
    let web2 = w.sg(&vpc2, "web2");
    w.allow_in(&web2, IpProtocol::Tcp, Some((80, 80)), RulePeer::Cidr("198.18.0.10/32".parse().unwrap()));
    let c = w.eni(&t1, "10.1.1.10", &[&web2]);
    public(&mut w, &c, "198.18.0.20");
    let g2 = igw(&mut w, &vpc2);
    let rt2 = w.rt_for(&t1);
    w.route(&rt2, "0.0.0.0/0", RouteTarget::Gateway(g2.clone()));
    assert_eq!(both(&mut dp, &w, Some(&a), "198.18.0.20", 80), Probe::Reached, "VPC to VPC through both gateways");
    assert_eq!(both(&mut dp, &w, None, "198.18.0.20", 80), Probe::Timeout, "the rule admits only a's public address");

    // Without the route, neither way works (the reply needs it too).
    w.state.route_tables.get_mut(&rt).unwrap().routes.retain(|r| r.target != RouteTarget::Gateway(g.clone()));
    assert_eq!(both(&mut dp, &w, Some(&a), &host, 80), Probe::Timeout, "no route out");
    assert_eq!(both(&mut dp, &w, None, "198.18.0.10", 80), Probe::Timeout, "no route for the reply");
    w.route(&rt, "0.0.0.0/0", RouteTarget::Gateway(g.clone()));
    assert_eq!(both(&mut dp, &w, Some(&a), &host, 80), Probe::Reached, "route back");
    // Detached gateway: the route is a blackhole, the link goes.
    w.state.internet_gateways.get_mut(&g).unwrap().attached_vpc = None;
    assert_eq!(both(&mut dp, &w, Some(&a), &host, 80), Probe::Timeout, "detached");
    // No gateway attached anywhere: no internet namespace.
    w.state.internet_gateways.get_mut(&g2).unwrap().attached_vpc = None;
    dp.reconcile(&w.state);
    assert!(!xvpc_netns::system::list_namespaces().contains(&namespace(dp.prefix())));
    dp.teardown().unwrap();
    assert!(!xvpc_netns::system::list_namespaces().iter().any(|n| n.starts_with(dp.prefix())), "teardown removes every namespace");
}
