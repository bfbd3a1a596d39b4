//! Differential test for internet gateways: random worlds (two VPCs, with
//! the same or different private blocks, gateways attached or detached,
//! subnets with or without a route to them, ENIs with or without public
//! addresses, random groups and ACLs, NAT gateways that subnets route the
//! internet to) are built for real, and the engine's
//! verdict on every probe (ENI -> internet host, internet host -> public
//! IP, ENI -> another ENI's public IP) is compared with a real TCP connect.
//! Most VPCs are dual stack, some with an egress-only internet gateway:
//! the same probes run over IPv6 (ENI -> the internet's IPv6 host, that
//! host -> an ENI's IPv6 address, ENI -> another ENI's IPv6 address), with
//! IPv6 routes to either gateway, IPv6 group rules and ACL entries.
//!
//! Some VPCs have a gateway endpoint to S3 on some route tables: every ENI
//! also probes an S3 address, reached through the endpoint or over the
//! internet (the simulated internet holds AWS services' addresses too).
//!
//! `XVPC_IGW_AGREEMENT_SEED=<n>` replays one world; `XVPC_IGW_AGREEMENT_WORLDS`
//! sets how many (default 3, fixed seeds). Root only (CI is root).
#![cfg(target_os = "linux")]

mod common;

use xvpc_model::IpProtocol;
use std::net::{IpAddr, Ipv4Addr};

use common::{can_run, probe, Probe, World};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use xvpc_model::internet_gateway::InternetGateway;
use xvpc_model::route_table::RouteTarget;
use xvpc_model::security_group::{RulePeer, SgRule};
use xvpc_model::State;
use xvpc_netns::internet_gateway::{namespace, INTERNET_HOST, INTERNET_HOST6};
use xvpc_netns::Dataplane;
use xvpc_reach::{analyze, Endpoint, Query};

fn cidr(s: &str) -> RulePeer {
    RulePeer::Cidr(s.parse().unwrap())
}

fn random_world(seed: u64) -> World {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut w = World::default();
    let second = if rng.gen_bool(0.5) { "10.1.0.0/16" } else { "10.2.0.0/16" };
    for (v, block) in [(1u8, "10.1.0.0/16"), (2, second)] {
        let vpc = w.vpc(block);
        let dual = rng.gen_bool(0.75);
        if dual {
            w.ipv6(&vpc);
        }
        let base = &block[..block.len() - 7]; // "10.x"
        let igw = xvpc_model::ids::new_id("igw");
        let attached = rng.gen_bool(0.8).then(|| vpc.clone());
        w.state.internet_gateways.insert(igw.clone(), InternetGateway { id: igw.clone(), owner: common::ACCOUNT.into(), region: "us-east-1".into(), attached_vpc: attached, tags: Default::default() });
        let eigw = (dual && rng.gen_bool(0.6)).then(|| w.eigw(&vpc));
        let mut groups = Vec::new();
        for g in 0..2 {
            let id = w.sg(&vpc, &format!("g{g}"));
            if rng.gen_bool(0.3) {
                let sg = w.state.security_groups.get_mut(&id).unwrap();
                let only80 = |peer| SgRule { id: xvpc_model::ids::new_id("sgr"), protocol: IpProtocol::Tcp, from_port: Some(80), to_port: Some(80), peer, description: None };
                sg.egress = vec![only80(cidr("0.0.0.0/0"))];
                if rng.gen_bool(0.5) {
                    sg.egress.push(only80(RulePeer::Cidr6("::/0".into())));
                }
            }
            match rng.gen_range(0..4) {
                0 => {}
                1 => w.allow_in(&id, IpProtocol::Tcp, Some((80, 80)), cidr("0.0.0.0/0")),
                2 => w.allow_in(&id, IpProtocol::Tcp, Some((0, 65535)), cidr("198.18.0.0/16")),
                _ => w.allow_in(&id, IpProtocol::Tcp, None, cidr("203.0.113.10/32")),
            }
            match rng.gen_range(0..4) {
                0 => {}
                1 => w.allow_in(&id, IpProtocol::Tcp, Some((80, 80)), RulePeer::Cidr6("::/0".into())),
                2 => w.allow_in(&id, IpProtocol::Tcp, Some((0, 65535)), RulePeer::Cidr6("2001:db8::/32".into())),
                _ => w.allow_in(&id, IpProtocol::Tcp, None, RulePeer::Cidr6(format!("{INTERNET_HOST6}/128"))),
            }
            groups.push(id);
        }
        for s in 1..=2u8 {
            let sub = w.subnet(&vpc, &format!("{base}.{s}.0/24"));
            if dual {
                w.subnet_ipv6(&sub, u128::from(s));
            }
            let rt = w.rt_for(&sub);
            match rng.gen_range(0..7) {
                0..=3 => w.route(&rt, "0.0.0.0/0", RouteTarget::Gateway(igw.clone())),
                4 => w.route(&rt, "203.0.113.0/24", RouteTarget::Gateway(igw.clone())),
                5 => w.route(&rt, "198.18.0.0/15", RouteTarget::Gateway(igw.clone())),
                _ => {}
            }
            // IPv6: everything or the internet host's /48 to either gateway.
            let to_eigw = |e: &String| RouteTarget::EgressOnlyInternetGateway(e.clone());
            match (rng.gen_range(0..6), &eigw) {
                (0 | 1, _) => w.route(&rt, "::/0", RouteTarget::Gateway(igw.clone())),
                (2 | 3, Some(e)) => w.route(&rt, "::/0", to_eigw(e)),
                (4, Some(e)) => w.route(&rt, "2001:db8:ffff::/48", to_eigw(e)),
                (4, None) => w.route(&rt, "2001:db8:ffff::/48", RouteTarget::Gateway(igw.clone())),
                _ => {}
            }
            if rng.gen_bool(0.4) {
                let pick = |rng: &mut StdRng, egress: bool, v6: bool| -> (i64, bool, IpProtocol, bool, &'static str, Option<(i32, i32)>) {
                    let (any, host, n) = if v6 { ("::/0", "2001:db8:ffff::/48", 101) } else { ("0.0.0.0/0", "203.0.113.0/24", 100) };
                    match rng.gen_range(0..4) {
                        0 => (n, egress, IpProtocol::Tcp, true, any, Some((80, 80))),
                        1 => (n, egress, IpProtocol::Tcp, true, any, Some((1024, 65535))),
                        2 => (n, egress, IpProtocol::All, true, any, None),
                        _ => (n, egress, IpProtocol::Tcp, false, host, None),
                    }
                };
                let (a, b) = (pick(&mut rng, false, false), pick(&mut rng, true, false));
                // A deny needs an allow behind it to be interesting.
                let mut entries = vec![a, b, (200, false, IpProtocol::All, true, "0.0.0.0/0", None), (200, true, IpProtocol::Tcp, true, "0.0.0.0/0", Some((0, 1023)))];
                if dual && rng.gen_bool(0.8) {
                    entries.extend([pick(&mut rng, false, true), pick(&mut rng, true, true), (201, false, IpProtocol::All, true, "::/0", None), (201, true, IpProtocol::Tcp, true, "::/0", Some((0, 1023)))]);
                }
                w.nacl(&sub, &entries);
            }
            for e in 0..2u8 {
                let g: Vec<&str> = vec![groups.choose(&mut rng).unwrap().as_str()];
                let eni = w.eni(&sub, &format!("{base}.{s}.{}", 10 + e), &g);
                if rng.gen_bool(0.6) {
                    let ip = Ipv4Addr::new(198, 18, v, s * 10 + e);
                    w.state.network_interfaces.get_mut(&eni).unwrap().public_ip = Some(ip);
                }
                if dual && rng.gen_bool(0.8) {
                    w.eni_ipv6(&eni);
                }
            }
        }
        // A NAT gateway (its own random stream, so the rest of each world
        // is what it was before they existed) in the first subnet: public
        // (an Elastic IP) when the gateway is attached, else private; the
        // second subnet's table sometimes sends everything to it instead.
        let mut nrng = StdRng::seed_from_u64(seed ^ (0x4e41_5400 + u64::from(v)));
        if nrng.gen_bool(0.8) {
            let first = w.state.subnets.values().find(|s| s.vpc_id == vpc && s.cidr.map(|c| c.to_string()) == Some(format!("{base}.1.0/24"))).unwrap().id.clone();
            let second = w.state.subnets.values().find(|s| s.vpc_id == vpc && s.cidr.map(|c| c.to_string()) == Some(format!("{base}.2.0/24"))).unwrap().id.clone();
            let attached = w.state.internet_gateways[&igw].attached_vpc.is_some();
            let eip = format!("198.18.{v}.100");
            let nat = w.nat_gateway(&first, &format!("{base}.1.100"), attached.then_some(eip.as_str()));
            let table_of = |w: &World, s: &str| w.state.route_tables.values().find(|t| t.associations.iter().any(|a| a.subnet_id.as_deref() == Some(s))).unwrap().id.clone();
            if nrng.gen_bool(0.8) {
                let rt = table_of(&w, &second);
                w.state.route_tables.get_mut(&rt).unwrap().routes.retain(|r| r.target == RouteTarget::Local || matches!(&r.destination, xvpc_model::route_table::Destination::Cidr(c) if c.addr().is_ipv6()));
                w.route(&rt, "0.0.0.0/0", RouteTarget::NatGateway(nat));
                // Mostly a gateway subnet that routes to the internet.
                if nrng.gen_bool(0.7) {
                    let rt = table_of(&w, &first);
                    w.state.route_tables.get_mut(&rt).unwrap().routes.retain(|r| r.target == RouteTarget::Local || matches!(&r.destination, xvpc_model::route_table::Destination::Cidr(c) if c.addr().is_ipv6()));
                    w.route(&rt, "0.0.0.0/0", RouteTarget::Gateway(igw.clone()));
                }
            }
        }
    }
    // Gateway endpoints to S3 (their own random stream) on some tables: the
    // endpoint's route beats a default route to either gateway.
    let mut erng = StdRng::seed_from_u64(seed ^ 0x5650_4345);
    let mut vpcs: Vec<(String, String)> = w.state.vpcs.values().map(|v| (v.primary_cidr().to_string(), v.id.clone())).collect();
    vpcs.sort();
    for (_, vpc) in vpcs {
        if erng.gen_bool(0.6) {
            let mut tables: Vec<(String, String)> = w.state.route_tables.values().filter(|t| t.vpc_id == vpc).map(|t| (t.associations.iter().filter_map(|a| a.subnet_id.clone()).map(|s| w.state.subnets[&s].cidr.map(|c| c.to_string()).unwrap_or_default()).min().unwrap_or_default(), t.id.clone())).collect();
            tables.sort();
            let route_table_ids = tables.into_iter().map(|(_, id)| id).filter(|_| erng.gen_bool(0.5)).collect();
            let input = xvpc_model::vpc_endpoint::CreateEndpoint { vpc_id: vpc, endpoint_type: Some("Gateway".into()), service_name: "com.amazonaws.us-east-1.s3".into(), route_table_ids, ..Default::default() };
            let (ch, _) = xvpc_model::vpc_endpoint::create_endpoint(&w.state, &w.ctx, input).expect("gateway endpoint");
            w.apply(ch);
        }
    }
    // VPC Block Public Access in half the worlds: a mode, and exclusions
    // of some subnets and maybe a VPC, of either kind.
    if rng.gen_bool(0.5) {
        use xvpc_model::block_public_access::{self as bpa, BlockMode, ExclusionMode};
        let mode = if rng.gen_bool(0.5) { BlockMode::BlockBidirectional } else { BlockMode::BlockIngress };
        w.state.apply_all(bpa::modify_options(&w.ctx, mode));
        let kind = |rng: &mut StdRng| if rng.gen_bool(0.5) { ExclusionMode::AllowBidirectional } else { ExclusionMode::AllowEgress };
        let subnets: Vec<String> = w.state.subnets.keys().cloned().collect();
        for s in &subnets {
            if !rng.gen_bool(0.4) {
                continue;
            }
            let (ch, _) = bpa::create_exclusion(&w.state, &w.ctx, None, Some(s), kind(&mut rng), Default::default()).expect("exclusion");
            w.state.apply_all(ch);
        }
        if rng.gen_bool(0.3) {
            let vpc = w.state.vpcs.keys().next().cloned().expect("a VPC");
            let (ch, _) = bpa::create_exclusion(&w.state, &w.ctx, Some(&vpc), None, kind(&mut rng), Default::default()).expect("exclusion");
            w.state.apply_all(ch);
        }
    }
    w
}

/// An address of S3's prefix list (us-east-1).
fn s3_address() -> IpAddr {
    let list = xvpc_model::prefix_list::of_service("us-east-1", "s3").expect("S3's list");
    IpAddr::V4(Ipv4Addr::from(u32::from(list.cidrs[1].network()) + 7))
}

/// `(source ENI or None for the internet host, destination, port)`; the
/// destination's family decides which internet host.
type Case = (Option<String>, IpAddr, u16);

fn cases(state: &State) -> Vec<Case> {
    let mut out = Vec::new();
    // Public addresses: IPv4 ones and every IPv6 address (all public).
    let mut publics: Vec<(&String, IpAddr)> = state.network_interfaces.iter().filter_map(|(id, e)| e.public_ip.map(|p| (id, IpAddr::V4(p)))).collect();
    publics.extend(state.network_interfaces.iter().flat_map(|(id, e)| e.ipv6_addresses.iter().map(move |a| (id, IpAddr::V6(*a)))));
    for (id, e) in &state.network_interfaces {
        for port in [80, 443] {
            out.push((Some(id.clone()), IpAddr::V4(INTERNET_HOST), port));
            // An S3 address: through a gateway endpoint, else the internet.
            out.push((Some(id.clone()), s3_address(), port));
            if !e.ipv6_addresses.is_empty() {
                out.push((Some(id.clone()), IpAddr::V6(INTERNET_HOST6), port));
            }
        }
        for (other, p) in &publics {
            if *other != id && (p.is_ipv4() || !e.ipv6_addresses.is_empty()) {
                out.push((Some(id.clone()), *p, 80));
            }
        }
    }
    for (_, p) in &publics {
        for port in [22, 80] {
            out.push((None, *p, port));
        }
    }
    out
}

fn describe(state: &State, case: &Case, engine: &xvpc_reach::Analysis) -> String {
    let mut out = format!("case {case:?}\n");
    for e in state.network_interfaces.values() {
        out += &format!("ENI {} {} public {:?} ipv6 {:?} subnet {} groups {:?}\n", e.id, e.private_ip, e.public_ip, e.ipv6_addresses, e.subnet_id, e.groups);
    }
    for g in state.internet_gateways.values() {
        out += &format!("IGW {} attached {:?}\n", g.id, g.attached_vpc);
    }
    for g in state.egress_only_internet_gateways.values() {
        out += &format!("EIGW {} of {}\n", g.id, g.vpc_id);
    }
    for g in state.nat_gateways.values() {
        out += &format!("NAT {} subnet {} eni {:?} {:?}\n", g.id, g.subnet_id, g.network_interface_id, g.connectivity);
    }
    for t in state.route_tables.values() {
        out += &format!("RT {} subnets {:?} routes {:?}\n", t.id, t.associations.iter().map(|a| &a.subnet_id).collect::<Vec<_>>(), t.routes.iter().map(|r| (format!("{:?}", r.destination), r.target.id().to_string())).collect::<Vec<_>>());
    }
    for g in state.security_groups.values() {
        out += &format!("SG {} in {:?} out {:?}\n", g.id, g.ingress.iter().map(|r| (&r.protocol, r.from_port, r.to_port, &r.peer)).collect::<Vec<_>>(), g.egress.iter().map(|r| (&r.protocol, r.from_port, r.to_port, &r.peer)).collect::<Vec<_>>());
    }
    for a in state.network_acls.values().filter(|a| !a.is_default) {
        out += &format!("ACL {:?} {:?}\n", a.associations.iter().map(|x| &x.subnet_id).collect::<Vec<_>>(), a.entries.iter().map(|e| (e.rule_number, e.egress, &e.protocol, e.allow, e.cidr.to_string(), e.port_range)).collect::<Vec<_>>());
    }
    out += &format!("BPA {:?}\n", state.block_public_access_options.values().map(|o| o.mode).collect::<Vec<_>>());
    for x in state.block_public_access_exclusions.values() {
        out += &format!("BPA exclusion {:?} {}\n", x.resource, x.mode);
    }
    out += &format!("engine: reachable={} blockers={:?}\n", engine.reachable, engine.blockers.iter().map(|b| (&b.code, b.direction, &b.component.id)).collect::<Vec<_>>());
    out
}

#[test]
fn engine_and_real_packets_agree_on_internet_gateway_worlds() {
    if !can_run() {
        return;
    }
    let seeds: Vec<u64> = match std::env::var("XVPC_IGW_AGREEMENT_SEED") {
        Ok(s) => vec![s.parse().expect("seed")],
        Err(_) => {
            let n: u64 = std::env::var("XVPC_IGW_AGREEMENT_WORLDS").ok().and_then(|s| s.parse().ok()).unwrap_or(3);
            (0..n).map(|i| 7_000 + i).collect()
        }
    };
    let mut dp = Dataplane::start().expect("data plane");
    let (mut total, mut reached, mut via_nat, mut failures) = (0, 0, 0, Vec::new());
    // Probes to S3's address: [through its gateway endpoint, over the internet, blocked].
    let mut s3 = [0usize; 3];
    // IPv6 probes by way (from an ENI or the internet, with an egress-only
    // gateway involved or not): [blocked, reached].
    let mut v6: std::collections::BTreeMap<&str, [usize; 2]> = Default::default();
    for seed in seeds {
        let w = random_world(seed);
        let rep = dp.reconcile(&w.state);
        assert!(rep.errors.is_empty(), "reconcile errors: {:?}", rep.errors);
        let all = cases(&w.state);
        let mut by_src: std::collections::BTreeMap<Option<String>, Vec<&Case>> = Default::default();
        for c in &all {
            by_src.entry(c.0.clone()).or_default().push(c);
        }
        for (src, list) in by_src {
            let ns = match &src {
                Some(eni) => dp.namespace_of(eni),
                None => namespace(dp.prefix()),
            };
            let targets: Vec<(IpAddr, u16)> = list.iter().map(|c| (c.1, c.2)).collect();
            // No gateway attached anywhere: no internet, nothing answers.
            let real = if src.is_none() && !xvpc_netns::system::list_namespaces().contains(&ns) { vec![Probe::Timeout; targets.len()] } else { probe(&ns, &targets, 1.5) };
            for (c, r) in list.into_iter().zip(real) {
                let from = match &c.0 {
                    Some(eni) => Endpoint::NetworkInterface(eni.clone()),
                    None if c.1.is_ipv6() => Endpoint::Ip(INTERNET_HOST6.into()),
                    None => Endpoint::Ip(INTERNET_HOST.into()),
                };
                let a = analyze(&w.state, 0, &Query::tcp(from, Endpoint::Ip(c.1), c.2)).expect("analysis");
                total += 1;
                if c.1 == s3_address() {
                    let endpoint = a.forward.iter().any(|h| h.component.id.starts_with("vpce-"));
                    s3[if r != Probe::Reached { 2 } else if endpoint { 0 } else { 1 }] += 1;
                }
                if r == Probe::Reached {
                    reached += 1;
                    via_nat += usize::from(a.forward.iter().any(|h| h.component.id.starts_with("nat-")));
                }
                if c.1.is_ipv6() {
                    // Which gateway kind the engine's path (or its first
                    // blocker) involves.
                    let eigw = a.forward.iter().chain(&a.return_path).map(|h| &h.component.id).chain(a.blockers.iter().map(|b| &b.component.id)).any(|id| id.starts_with("eigw-"));
                    let way = match (c.0.is_some(), eigw) {
                        (true, true) => "out, egress-only",
                        (true, false) => "out",
                        (false, true) => "in, egress-only",
                        (false, false) => "in",
                    };
                    let n = v6.entry(way).or_default();
                    n[usize::from(r == Probe::Reached)] += 1;
                }
                if a.reachable != (r == Probe::Reached) && failures.len() < 5 {
                    failures.push(format!("seed {seed}: real {r:?}\n{}", describe(&w.state, c, &a)));
                }
            }
        }
        dp.reconcile(&State::default());
    }
    dp.teardown().unwrap();
    eprintln!("internet agreement: {total} probes, {reached} reachable ({via_nat} of them through a NAT gateway); IPv6 [blocked, reached] by way: {v6:?}; S3 [through its endpoint, over the internet, blocked]: {s3:?}");
    assert!(reached > 0 && reached < total, "worlds should mix reachable and blocked paths");
    if std::env::var_os("XVPC_IGW_AGREEMENT_SEED").is_none() {
        assert!(via_nat > 0, "the worlds should reach the internet through NAT gateways");
        assert!(s3.iter().all(|n| *n > 0), "the worlds should reach S3 through gateway endpoints and over the internet, and be refused: {s3:?}");
        let seen = |way: &str, i: usize| v6.get(way).is_some_and(|n| n[i] > 0);
        assert!(seen("out, egress-only", 1) && seen("in, egress-only", 0) && seen("in", 1) && seen("out", 1), "the worlds should send IPv6 out through both kinds of gateway, in through an internet gateway, and be refused in by an egress-only one: {v6:?}");
    }
    assert!(failures.is_empty(), "engine and data plane disagree:\n{}", failures.join("\n"));
}
