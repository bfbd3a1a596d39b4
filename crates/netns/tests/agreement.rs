//! Differential test: random small worlds are built for real, and every
//! reachability verdict of the engine (xvpc-reach) is compared with a real
//! TCP connect between namespaces. A disagreement is shrunk (rules, entries,
//! routes and bystanders removed while it persists) and printed.
//!
//! `XVPC_AGREEMENT_SEED=<n>` replays one world; `XVPC_AGREEMENT_WORLDS`
//! sets how many worlds (default 3). Root only (CI is root).
#![cfg(target_os = "linux")]

mod common;

use std::net::Ipv4Addr;

use common::{can_run, probe, Probe, World};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use xvpc_model::route_table::RouteTarget;
use xvpc_model::security_group::RulePeer;
use xvpc_model::State;
use xvpc_netns::Dataplane;
use xvpc_reach::{analyze, Endpoint, Query};

const PORTS: [u16; 3] = [22, 80, 443];

fn ports(rng: &mut StdRng) -> Option<(i32, i32)> {
    match rng.gen_range(0..5) {
        0 => None,
        1 => Some((1024, 65535)),
        _ => {
            let p = i32::from(*PORTS.choose(rng).unwrap());
            Some((p, p))
        }
    }
}

/// A random world: 2 VPCs, 2–3 subnets each, 1–2 ENIs per subnet, a few
/// groups with random rules, random ACLs and route tables.
fn random_world(seed: u64) -> World {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut w = World::default();
    for v in 1..=2u8 {
        let vpc = w.vpc(&format!("10.{v}.0.0/16"));
        let dflt = w.default_sg(&vpc);
        let mut groups = vec![dflt];
        for g in 0..rng.gen_range(1..=2) {
            groups.push(w.sg(&vpc, &format!("g{g}")));
        }
        let nsub = rng.gen_range(2..=3u8);
        let mut subnets = Vec::new();
        for s in 1..=nsub {
            subnets.push((w.subnet(&vpc, &format!("10.{v}.{s}.0/24")), s));
        }
        for (sub, s) in &subnets {
            for e in 0..rng.gen_range(1..=2u8) {
                let k = rng.gen_range(1..=2);
                let mut gs: Vec<&str> = groups.choose_multiple(&mut rng, k).map(String::as_str).collect();
                gs.sort();
                w.eni(sub, &format!("10.{v}.{s}.{}", 10 + e), &gs);
            }
        }
        // Rules: peers are CIDRs at several sizes, or groups.
        for g in &groups {
            for _ in 0..rng.gen_range(0..=3) {
                let peer = match rng.gen_range(0..5) {
                    0 => RulePeer::Cidr("0.0.0.0/0".parse().unwrap()),
                    1 => RulePeer::Cidr(format!("10.{v}.0.0/16").parse().unwrap()),
                    2 => RulePeer::Cidr(format!("10.{v}.{}.0/24", rng.gen_range(1..=nsub)).parse().unwrap()),
                    3 => RulePeer::Cidr(format!("10.{v}.{}.10/32", rng.gen_range(1..=nsub)).parse().unwrap()),
                    _ => {
                        let gid = groups.choose(&mut rng).unwrap().clone();
                        RulePeer::Group { group_id: gid, user_id: common::ACCOUNT.into(), vpc_id: None, peering_id: None }
                    }
                };
                let proto = if rng.gen_bool(0.3) { "-1" } else { "tcp" };
                let p = if proto == "tcp" { ports(&mut rng).or(Some((0, 65535))) } else { None };
                w.allow_in(g, proto, p, peer);
            }
        }
        // ACLs: some subnets get a custom one with a few entries.
        for (sub, _) in &subnets {
            if rng.gen_bool(0.5) {
                let mut entries = Vec::new();
                for i in 0..rng.gen_range(1..=4) {
                    let cidr = match rng.gen_range(0..3) {
                        0 => "0.0.0.0/0".to_string(),
                        1 => format!("10.{v}.0.0/16"),
                        _ => format!("10.{v}.{}.0/24", rng.gen_range(1..=nsub)),
                    };
                    let proto = if rng.gen_bool(0.5) { "-1" } else { "6" };
                    let p = if proto == "6" { ports(&mut rng).or(Some((0, 65535))) } else { None };
                    entries.push((100 + 10 * i, rng.gen_bool(0.5), proto, rng.gen_bool(0.8), cidr, p));
                }
                let e: Vec<(i64, bool, &str, bool, &str, Option<(i32, i32)>)> = entries.iter().map(|(n, eg, pr, al, c, p)| (*n, *eg, *pr, *al, c.as_str(), *p)).collect();
                w.nacl(sub, &e);
            }
        }
        // Route tables: some subnets get their own, with a route to the other
        // VPC through a gateway that does not exist (a blackhole).
        for (sub, _) in &subnets {
            if rng.gen_bool(0.4) {
                let rt = w.rt_for(sub);
                if rng.gen_bool(0.5) {
                    let other = 3 - v;
                    w.route(&rt, &format!("10.{other}.0.0/16"), RouteTarget::Gateway("igw-00000000".into()));
                }
            }
        }
    }
    w
}

/// Engine verdicts and real probes for every (source, destination, port).
fn compare(dp: &mut Dataplane, state: &State, pairs: &[(String, String, u16)]) -> Vec<(String, String, u16, bool, Probe)> {
    let rep = dp.reconcile(state);
    assert!(rep.errors.is_empty(), "reconcile errors: {:?}", rep.errors);
    let mut out = Vec::new();
    let mut by_src: std::collections::BTreeMap<&str, Vec<&(String, String, u16)>> = Default::default();
    for p in pairs {
        by_src.entry(p.0.as_str()).or_default().push(p);
    }
    for (src, list) in by_src {
        let targets: Vec<(Ipv4Addr, u16)> = list.iter().map(|(_, d, port)| (state.network_interfaces[d].private_ip, *port)).collect();
        let real = probe(&dp.namespace_of(src), &targets, 1.5);
        for ((s, d, port), r) in list.into_iter().zip(real) {
            let q = Query::tcp(Endpoint::NetworkInterface(s.clone()), Endpoint::NetworkInterface(d.clone()), *port);
            let verdict = analyze(state, 0, &q).expect("analysis").reachable;
            out.push((s.clone(), d.clone(), *port, verdict, r));
        }
    }
    out
}

fn disagrees(dp: &mut Dataplane, state: &State, case: &(String, String, u16)) -> bool {
    let r = compare(dp, state, std::slice::from_ref(case));
    r[0].3 != (r[0].4 == Probe::Reached)
}

/// Greedy shrinking: removes one thing at a time while the case still
/// disagrees (within a time budget: each try is a real build and probe).
fn shrink(dp: &mut Dataplane, mut state: State, case: &(String, String, u16)) -> State {
    type Cut = Box<dyn Fn(&mut State) -> bool>;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let mut changed = true;
    while changed && std::time::Instant::now() < deadline {
        changed = false;
        let mut cuts: Vec<Cut> = Vec::new();
        for (id, e) in &state.network_interfaces {
            if *id != case.0 && *id != case.1 {
                let id = id.clone();
                cuts.push(Box::new(move |s: &mut State| s.network_interfaces.remove(&id).is_some()));
                let _ = e;
            }
        }
        for (gid, g) in &state.security_groups {
            for (i, _) in g.ingress.iter().enumerate() {
                let gid = gid.clone();
                cuts.push(Box::new(move |s: &mut State| s.security_groups.get_mut(&gid).map(|g| g.ingress.remove(i)).is_some()));
            }
        }
        for (aid, a) in &state.network_acls {
            for (i, e) in a.entries.iter().enumerate() {
                if e.rule_number != xvpc_model::network_acl::DEFAULT_RULE_NUMBER {
                    let aid = aid.clone();
                    cuts.push(Box::new(move |s: &mut State| s.network_acls.get_mut(&aid).map(|a| a.entries.remove(i)).is_some()));
                }
            }
        }
        for (rid, t) in &state.route_tables {
            if !t.main {
                let rid = rid.clone();
                cuts.push(Box::new(move |s: &mut State| s.route_tables.remove(&rid).is_some()));
            }
        }
        for cut in cuts {
            if std::time::Instant::now() > deadline {
                break;
            }
            let mut s = state.clone();
            if cut(&mut s) && disagrees(dp, &s, case) {
                state = s;
                changed = true;
                break;
            }
        }
    }
    state
}

fn describe(state: &State, case: &(String, String, u16)) -> String {
    let mut out = String::new();
    for id in [&case.0, &case.1] {
        let e = &state.network_interfaces[id];
        out += &format!("ENI {id} {} subnet {} ({}) groups {:?}\n", e.private_ip, e.subnet_id, state.subnets[&e.subnet_id].cidr, e.groups);
    }
    let ends: Vec<&xvpc_model::network_interface::NetworkInterface> = [&case.0, &case.1].iter().map(|id| &state.network_interfaces[*id]).collect();
    let subnets: Vec<&String> = ends.iter().map(|e| &e.subnet_id).collect();
    for g in state.security_groups.values() {
        if ends.iter().any(|e| e.groups.contains(&g.id)) {
            out += &format!("SG {} ({}) ingress {:?} egress {:?}\n", g.id, g.name, g.ingress.iter().map(|r| (&r.protocol, r.from_port, r.to_port, &r.peer)).collect::<Vec<_>>(), g.egress.len());
        }
    }
    for a in state.network_acls.values().filter(|a| a.associations.iter().any(|x| subnets.contains(&&x.subnet_id))) {
        out += &format!("ACL {} subnets {:?} entries {:?}\n", a.id, a.associations.iter().map(|x| &x.subnet_id).collect::<Vec<_>>(), a.entries.iter().map(|e| (e.rule_number, e.egress, &e.protocol, e.allow, e.cidr.to_string(), e.port_range)).collect::<Vec<_>>());
    }
    for t in state.route_tables.values().filter(|t| t.main || t.associations.iter().any(|x| x.subnet_id.as_ref().is_some_and(|s| subnets.contains(&s)))) {
        out += &format!("RT {} main={} subnets {:?} routes {:?}\n", t.id, t.main, t.associations.iter().map(|x| &x.subnet_id).collect::<Vec<_>>(), t.routes.iter().map(|r| (format!("{:?}", r.destination), r.target.id().to_string())).collect::<Vec<_>>());
    }
    let q = Query::tcp(Endpoint::NetworkInterface(case.0.clone()), Endpoint::NetworkInterface(case.1.clone()), case.2);
    let a = analyze(state, 0, &q).unwrap();
    out += &format!("engine: reachable={} blockers={:?}\n", a.reachable, a.blockers.iter().map(|b| &b.code).collect::<Vec<_>>());
    out
}

#[test]
fn engine_and_real_packets_agree_on_random_worlds() {
    if !can_run() {
        return;
    }
    let seeds: Vec<u64> = match std::env::var("XVPC_AGREEMENT_SEED") {
        Ok(s) => vec![s.parse().expect("seed")],
        Err(_) => {
            let n: u64 = std::env::var("XVPC_AGREEMENT_WORLDS").ok().and_then(|s| s.parse().ok()).unwrap_or(3);
            let base: u64 = rand::random::<u32>().into();
            (0..n).map(|i| base + i).collect()
        }
    };
    let mut dp = Dataplane::start().expect("data plane");
    let mut failures = Vec::new();
    let (mut total, mut reachable) = (0, 0);
    for seed in seeds {
        let w = random_world(seed);
        let enis: Vec<String> = w.state.network_interfaces.keys().cloned().collect();
        let mut pairs = Vec::new();
        for s in &enis {
            for d in &enis {
                if s != d {
                    for p in PORTS {
                        pairs.push((s.clone(), d.clone(), p));
                    }
                }
            }
        }
        let results = compare(&mut dp, &w.state, &pairs);
        total += results.len();
        reachable += results.iter().filter(|r| r.4 == Probe::Reached).count();
        if let Some(bad) = results.iter().find(|r| r.3 != (r.4 == Probe::Reached)) {
            let case = (bad.0.clone(), bad.1.clone(), bad.2);
            let small = shrink(&mut dp, w.state.clone(), &case);
            let real = compare(&mut dp, &small, std::slice::from_ref(&case))[0].4;
            failures.push(format!("seed {seed}: tcp/{} engine={} real={real:?}\nminimal case:\n{}", case.2, bad.3, describe(&small, &case)));
        }
        // Start each world from nothing.
        dp.reconcile(&State::default());
    }
    dp.teardown().unwrap();
    eprintln!("agreement: {total} probes, {reachable} reachable");
    assert!(reachable > 0 && reachable < total, "worlds should mix reachable and blocked paths");
    assert!(failures.is_empty(), "engine and data plane disagree:\n{}", failures.join("\n"));
}
