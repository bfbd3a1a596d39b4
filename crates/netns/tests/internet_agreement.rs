//! Differential test for internet gateways: random worlds (two VPCs, with
//! the same or different private blocks, gateways attached or detached,
//! subnets with or without a route to them, ENIs with or without public
//! addresses, random groups and ACLs) are built for real, and the engine's
//! verdict on every probe (ENI -> internet host, internet host -> public
//! IP, ENI -> another ENI's public IP) is compared with a real TCP connect.
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
use xvpc_netns::internet_gateway::{namespace, INTERNET_HOST};
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
        let base = &block[..block.len() - 7]; // "10.x"
        let igw = xvpc_model::ids::new_id("igw");
        let attached = rng.gen_bool(0.8).then(|| vpc.clone());
        w.state.internet_gateways.insert(igw.clone(), InternetGateway { id: igw.clone(), owner: common::ACCOUNT.into(), region: "us-east-1".into(), attached_vpc: attached, tags: Default::default() });
        let mut groups = Vec::new();
        for g in 0..2 {
            let id = w.sg(&vpc, &format!("g{g}"));
            if rng.gen_bool(0.3) {
                let sg = w.state.security_groups.get_mut(&id).unwrap();
                sg.egress = vec![SgRule { id: xvpc_model::ids::new_id("sgr"), protocol: IpProtocol::Tcp, from_port: Some(80), to_port: Some(80), peer: cidr("0.0.0.0/0"), description: None }];
            }
            match rng.gen_range(0..4) {
                0 => {}
                1 => w.allow_in(&id, IpProtocol::Tcp, Some((80, 80)), cidr("0.0.0.0/0")),
                2 => w.allow_in(&id, IpProtocol::Tcp, Some((0, 65535)), cidr("198.18.0.0/16")),
                _ => w.allow_in(&id, IpProtocol::Tcp, None, cidr("203.0.113.10/32")),
            }
            groups.push(id);
        }
        for s in 1..=2u8 {
            let sub = w.subnet(&vpc, &format!("{base}.{s}.0/24"));
            let rt = w.rt_for(&sub);
            match rng.gen_range(0..7) {
                0..=3 => w.route(&rt, "0.0.0.0/0", RouteTarget::Gateway(igw.clone())),
                4 => w.route(&rt, "203.0.113.0/24", RouteTarget::Gateway(igw.clone())),
                5 => w.route(&rt, "198.18.0.0/15", RouteTarget::Gateway(igw.clone())),
                _ => {}
            }
            if rng.gen_bool(0.4) {
                let pick = |rng: &mut StdRng, egress: bool| -> (i64, bool, IpProtocol, bool, &'static str, Option<(i32, i32)>) {
                    match rng.gen_range(0..4) {
                        0 => (100, egress, IpProtocol::Tcp, true, "0.0.0.0/0", Some((80, 80))),
                        1 => (100, egress, IpProtocol::Tcp, true, "0.0.0.0/0", Some((1024, 65535))),
                        2 => (100, egress, IpProtocol::All, true, "0.0.0.0/0", None),
                        _ => (100, egress, IpProtocol::Tcp, false, "203.0.113.0/24", None),
                    }
                };
                let (a, b) = (pick(&mut rng, false), pick(&mut rng, true));
                // A deny needs an allow behind it to be interesting.
                w.nacl(&sub, &[a, b, (200, false, IpProtocol::All, true, "0.0.0.0/0", None), (200, true, IpProtocol::Tcp, true, "0.0.0.0/0", Some((0, 1023)))]);
            }
            for e in 0..2u8 {
                let g: Vec<&str> = vec![groups.choose(&mut rng).unwrap().as_str()];
                let eni = w.eni(&sub, &format!("{base}.{s}.{}", 10 + e), &g);
                if rng.gen_bool(0.6) {
                    let ip = Ipv4Addr::new(198, 18, v, s * 10 + e);
                    w.state.network_interfaces.get_mut(&eni).unwrap().public_ip = Some(ip);
                }
            }
        }
    }
    w
}

/// `(source ENI or None for the internet host, destination, port)`.
type Case = (Option<String>, Ipv4Addr, u16);

fn cases(state: &State) -> Vec<Case> {
    let mut out = Vec::new();
    let publics: Vec<(&String, Ipv4Addr)> = state.network_interfaces.iter().filter_map(|(id, e)| e.public_ip.map(|p| (id, p))).collect();
    for id in state.network_interfaces.keys() {
        for port in [80, 443] {
            out.push((Some(id.clone()), INTERNET_HOST, port));
        }
        for (other, p) in &publics {
            if *other != id {
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
        out += &format!("ENI {} {} public {:?} subnet {} groups {:?}\n", e.id, e.private_ip, e.public_ip, e.subnet_id, e.groups);
    }
    for g in state.internet_gateways.values() {
        out += &format!("IGW {} attached {:?}\n", g.id, g.attached_vpc);
    }
    for t in state.route_tables.values() {
        out += &format!("RT {} subnets {:?} routes {:?}\n", t.id, t.associations.iter().map(|a| &a.subnet_id).collect::<Vec<_>>(), t.routes.iter().map(|r| (format!("{:?}", r.destination), r.target.id().to_string())).collect::<Vec<_>>());
    }
    for g in state.security_groups.values() {
        out += &format!("SG {} in {:?} out {:?}\n", g.id, g.ingress.iter().map(|r| (&r.protocol, r.from_port, r.to_port, &r.peer)).collect::<Vec<_>>(), g.egress.iter().map(|r| (&r.protocol, r.from_port, r.to_port)).collect::<Vec<_>>());
    }
    for a in state.network_acls.values().filter(|a| !a.is_default) {
        out += &format!("ACL {:?} {:?}\n", a.associations.iter().map(|x| &x.subnet_id).collect::<Vec<_>>(), a.entries.iter().map(|e| (e.rule_number, e.egress, &e.protocol, e.allow, e.cidr.to_string(), e.port_range)).collect::<Vec<_>>());
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
    let (mut total, mut reached, mut failures) = (0, 0, Vec::new());
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
            let targets: Vec<(IpAddr, u16)> = list.iter().map(|c| (IpAddr::V4(c.1), c.2)).collect();
            // No gateway attached anywhere: no internet, nothing answers.
            let real = if src.is_none() && !xvpc_netns::system::list_namespaces().contains(&ns) { vec![Probe::Timeout; targets.len()] } else { probe(&ns, &targets, 1.5) };
            for (c, r) in list.into_iter().zip(real) {
                let from = match &c.0 {
                    Some(eni) => Endpoint::NetworkInterface(eni.clone()),
                    None => Endpoint::Ip(INTERNET_HOST.into()),
                };
                let a = analyze(&w.state, 0, &Query::tcp(from, Endpoint::Ip(c.1.into()), c.2)).expect("analysis");
                total += 1;
                if r == Probe::Reached {
                    reached += 1;
                }
                if a.reachable != (r == Probe::Reached) && failures.len() < 5 {
                    failures.push(format!("seed {seed}: real {r:?}\n{}", describe(&w.state, c, &a)));
                }
            }
        }
        dp.reconcile(&State::default());
    }
    dp.teardown().unwrap();
    eprintln!("internet agreement: {total} probes, {reached} reachable");
    assert!(reached > 0 && reached < total, "worlds should mix reachable and blocked paths");
    assert!(failures.is_empty(), "engine and data plane disagree:\n{}", failures.join("\n"));
}
