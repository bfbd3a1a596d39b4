//! Differential test: random small worlds are built for real, and every
//! reachability verdict of the engine (xvpc-reach) is compared with a real
//! TCP connect between namespaces. A disagreement is shrunk (rules, entries,
//! routes and bystanders removed while it persists) and printed.
//!
//! Worlds join their VPCs by peerings, by a transit gateway, or by both
//! (mixed: a reply may come back another way than its request went); the
//! seed decides which, so consecutive seeds cover all three. Most VPCs are
//! dual stack (an IPv6 /56, /64 subnets, ENIs with IPv6 addresses, IPv6
//! rules, ACL entries and routes, attachments with or without
//! `Ipv6Support`), and every pair of ENIs with IPv6 addresses is probed
//! over IPv6 too.
//!
//! Worlds also hold endpoints to AWS services and customer-managed prefix
//! lists (see `common::endpoints`): every ENI probes an S3 and a DynamoDB
//! address on ports 80 and 443, and interface endpoints' ENIs are probed
//! like any other (they answer, never call).
//!
//! Every VPC has a flow log: the flows its routers count for the probes
//! must be the records the engine says each interface writes, and every
//! REJECT one the engine explains (`common::flow_logs`).
//!
//! `XVPC_AGREEMENT_SEED=<n>` replays one world; `XVPC_AGREEMENT_WORLDS`
//! sets how many worlds (default 12, fixed seeds: four of each kind);
//! `XVPC_AGREEMENT_RANDOM=1` draws new seeds. Root only (CI is root).
#![cfg(target_os = "linux")]

mod common;
#[path = "agreement/random_world.rs"]
mod random_world;

use std::net::IpAddr;

use common::{can_run, probe, Probe};
use random_world::{links, random_world};
use xvpc_model::route_table::RouteTarget;
use xvpc_model::State;
use xvpc_netns::Dataplane;
use xvpc_reach::{analyze, Endpoint, Query};

/// The ports every pair of ENIs is probed on (rules are drawn from them).
pub(crate) const PORTS: [u16; 3] = [22, 80, 443];

/// One probe: a TCP connect from one ENI to another's primary IPv4
/// address, or (`v6`) to its first IPv6 address, or to an AWS service's
/// address (`service`, `dst` empty).
#[derive(Debug, Clone)]
struct Case {
    src: String,
    dst: String,
    port: u16,
    v6: bool,
    service: Option<IpAddr>,
}

impl Case {
    fn target(&self, state: &State) -> IpAddr {
        if let Some(ip) = self.service {
            return ip;
        }
        let d = &state.network_interfaces[&self.dst];
        if self.v6 {
            IpAddr::V6(d.ipv6_addresses[0])
        } else {
            IpAddr::V4(d.private_ip)
        }
    }

    /// The engine's question: about IPv6 when the destination address is.
    fn query(&self, state: &State) -> Query {
        if let Some(ip) = self.service {
            return Query::tcp(Endpoint::NetworkInterface(self.src.clone()), Endpoint::Ip(ip), self.port);
        }
        let mut q = Query::tcp(Endpoint::NetworkInterface(self.src.clone()), Endpoint::NetworkInterface(self.dst.clone()), self.port);
        q.destination_ip = Some(self.target(state)).filter(|_| self.v6);
        q
    }
}

/// Engine verdicts and real probes for every case.
fn compare(dp: &mut Dataplane, state: &State, cases: &[Case]) -> Vec<(Case, bool, Probe)> {
    let rep = dp.reconcile(state);
    assert!(rep.errors.is_empty(), "reconcile errors: {:?}", rep.errors);
    let mut out = Vec::new();
    let mut by_src: std::collections::BTreeMap<&str, Vec<&Case>> = Default::default();
    for c in cases {
        by_src.entry(c.src.as_str()).or_default().push(c);
    }
    // Every source probes at once: a world costs one timeout, not one per ENI.
    let jobs: Vec<(String, Vec<(IpAddr, u16)>)> = by_src.iter().map(|(src, list)| (dp.namespace_of(src), list.iter().map(|c| (c.target(state), c.port)).collect())).collect();
    let reals: Vec<Vec<Probe>> = std::thread::scope(|sc| {
        let handles: Vec<_> = jobs.iter().map(|(ns, targets)| sc.spawn(move || probe(ns, targets, 1.5))).collect();
        handles.into_iter().map(|h| h.join().expect("probe thread")).collect()
    });
    for ((_, list), real) in by_src.into_iter().zip(reals) {
        for (c, r) in list.into_iter().zip(real) {
            let verdict = analyze(state, 0, &c.query(state)).expect("analysis").reachable;
            out.push((c.clone(), verdict, r));
        }
    }
    out
}

fn disagrees(dp: &mut Dataplane, state: &State, case: &Case) -> bool {
    let r = compare(dp, state, std::slice::from_ref(case));
    r[0].1 != (r[0].2 == Probe::Reached)
}

/// Greedy shrinking: removes one thing at a time while the case still
/// disagrees (within a time budget: each try is a real build and probe).
fn shrink(dp: &mut Dataplane, mut state: State, case: &Case) -> State {
    type Cut = Box<dyn Fn(&mut State) -> bool>;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let mut changed = true;
    while changed && std::time::Instant::now() < deadline {
        changed = false;
        let mut cuts: Vec<Cut> = Vec::new();
        for (id, e) in &state.network_interfaces {
            if *id != case.src && *id != case.dst {
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
            for (i, r) in t.routes.iter().enumerate() {
                if r.target != RouteTarget::Local {
                    let rid = rid.clone();
                    cuts.push(Box::new(move |s: &mut State| s.route_tables.get_mut(&rid).map(|t| t.routes.remove(i)).is_some()));
                }
            }
        }
        for id in state.peering_connections.keys() {
            let id = id.clone();
            cuts.push(Box::new(move |s: &mut State| s.peering_connections.remove(&id).is_some()));
        }
        // Transit gateways: whole attachments, attachment subnets (one
        // stays), propagations and static routes.
        for (aid, a) in &state.transit_gateway_attachments {
            let id = aid.clone();
            cuts.push(Box::new(move |s: &mut State| s.transit_gateway_attachments.remove(&id).is_some()));
            for i in (0..a.subnet_ids.len()).filter(|_| a.subnet_ids.len() > 1) {
                let id = aid.clone();
                cuts.push(Box::new(move |s: &mut State| s.transit_gateway_attachments.get_mut(&id).map(|a| a.subnet_ids.remove(i)).is_some()));
            }
        }
        for (tid, t) in &state.transit_gateway_route_tables {
            for i in 0..t.propagations.len() {
                let id = tid.clone();
                cuts.push(Box::new(move |s: &mut State| s.transit_gateway_route_tables.get_mut(&id).map(|t| t.propagations.remove(i)).is_some()));
            }
            for i in 0..t.routes.len() {
                let id = tid.clone();
                cuts.push(Box::new(move |s: &mut State| s.transit_gateway_route_tables.get_mut(&id).map(|t| t.routes.remove(i)).is_some()));
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

fn describe(state: &State, case: &Case) -> String {
    let mut out = String::new();
    for id in [&case.src, &case.dst] {
        let Some(e) = state.network_interfaces.get(id) else { continue };
        let s = &state.subnets[&e.subnet_id];
        out += &format!(
            "ENI {id} {} {:?} subnet {} ({}, {:?}, {}) groups {:?}\n",
            e.private_ip,
            e.ipv6_addresses,
            e.subnet_id,
            s.cidr.map(|c| c.to_string()).unwrap_or_default(),
            s.ipv6_cidr_blocks.iter().map(|b| b.cidr.to_string()).collect::<Vec<_>>(),
            s.availability_zone,
            e.groups
        );
    }
    let ends: Vec<&xvpc_model::network_interface::NetworkInterface> = [&case.src, &case.dst].iter().filter_map(|id| state.network_interfaces.get(*id)).collect();
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
    for a in state.transit_gateway_attachments.values() {
        out += &format!("TGW attachment {} vpc {} subnets {:?} assoc {:?} ipv6 {}\n", a.id, a.vpc_id, a.subnet_ids.iter().map(|s| (s, &state.subnets[s].availability_zone)).collect::<Vec<_>>(), a.association, a.options.ipv6_support);
    }
    for t in state.transit_gateway_route_tables.values() {
        out += &format!("TGW table {} routes {:?}\n", t.id, t.routes(state).iter().map(|r| (r.cidr.to_string(), r.attachment.clone(), r.active)).collect::<Vec<_>>());
    }
    for p in state.peering_connections.values() {
        out += &format!("PCX {} {} <-> {} {:?}\n", p.id, p.requester.vpc_id, p.accepter.vpc_id, p.status);
    }
    for g in state.nat_gateways.values() {
        out += &format!("NAT {} subnet {} eni {:?} {:?}\n", g.id, g.subnet_id, g.network_interface_id, g.addresses.first().map(|a| a.private_ip));
    }
    let a = analyze(state, 0, &case.query(state)).unwrap();
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
            let n: u64 = std::env::var("XVPC_AGREEMENT_WORLDS").ok().and_then(|s| s.parse().ok()).unwrap_or(12);
            // Fixed worlds by default (CI must not fail at random); set
            // XVPC_AGREEMENT_RANDOM=1 to explore new ones.
            let base: u64 = if std::env::var_os("XVPC_AGREEMENT_RANDOM").is_some() { rand::random::<u32>().into() } else { 20261126 };
            (0..n).map(|i| base + i).collect()
        }
    };
    let mut dp = Dataplane::start().expect("data plane");
    let mut failures = Vec::new();
    let (mut total, mut reachable, mut total6, mut reachable6, mut disagreements, mut nat_paths) = (0, 0, 0, 0, 0, 0);
    let (mut service_probes, mut interface_probes, mut lists, mut by_list) = ((0, 0), (0, 0), 0, 0);
    // Reachable IPv6 paths by the way they take.
    let mut v6_paths: std::collections::BTreeMap<&str, usize> = Default::default();
    let fixed = std::env::var_os("XVPC_AGREEMENT_RANDOM").is_none() && std::env::var_os("XVPC_AGREEMENT_SEED").is_none();
    // Flow log records from the probes' packets that differ from the engine.
    let (mut flows_counted, mut flow_failures) = (0, Vec::new());
    for seed in seeds {
        let mut w = random_world(seed);
        common::flow_logs::log_every_vpc(&mut w);
        let enis: Vec<String> = w.state.network_interfaces.keys().cloned().collect();
        let mut pairs = Vec::new();
        let has_v6 = |id: &String| !w.state.network_interfaces[id].ipv6_addresses.is_empty();
        // Interface endpoints' ENIs answer but never call.
        for s in enis.iter().filter(|s| !common::endpoints::is_endpoint_eni(&w, s)) {
            for d in &enis {
                if s != d {
                    for port in PORTS {
                        pairs.push(Case { src: s.clone(), dst: d.clone(), port, v6: false, service: None });
                        if has_v6(s) && has_v6(d) {
                            pairs.push(Case { src: s.clone(), dst: d.clone(), port, v6: true, service: None });
                        }
                    }
                }
            }
            for ip in common::endpoints::service_addresses(&w) {
                for port in [80, 443] {
                    pairs.push(Case { src: s.clone(), dst: String::new(), port, v6: false, service: Some(ip) });
                }
            }
        }
        let results = compare(&mut dp, &w.state, &pairs);
        let queries: Vec<Query> = pairs.iter().map(|c| c.query(&w.state)).collect();
        let (counted, diffs) = common::flow_logs::disagreements(&mut dp, &w.state, &queries);
        flows_counted += counted;
        flow_failures.extend(diffs.into_iter().map(|d| format!("seed {seed}: {d}")));
        total += results.len();
        // Probes to AWS services (gateway endpoints) and to interface
        // endpoints' ENIs, and how many of each are reachable.
        let to_service: Vec<_> = results.iter().filter(|r| r.0.service.is_some()).collect();
        let to_interface: Vec<_> = results.iter().filter(|r| common::endpoints::is_endpoint_eni(&w, &r.0.dst)).collect();
        let reached = |v: &[&(Case, bool, Probe)]| v.iter().filter(|r| r.2 == Probe::Reached).count();
        service_probes.0 += to_service.len();
        service_probes.1 += reached(&to_service);
        interface_probes.0 += to_interface.len();
        interface_probes.1 += reached(&to_interface);
        lists += w.state.managed_prefix_lists.len();
        let ok = results.iter().filter(|r| r.2 == Probe::Reached).count();
        let ok6 = results.iter().filter(|r| r.0.v6 && r.2 == Probe::Reached).count();
        let n6 = results.iter().filter(|r| r.0.v6).count();
        reachable += ok;
        total6 += n6;
        reachable6 += ok6;
        // How many reachable paths cross a gateway, and how many of those
        // come back another way than they went (the asymmetric ones).
        // Also what blocks the others (the first blocker's code).
        // And how many are refused only by attachment subnets' ACLs.
        let (mut via_tgw, mut asymmetric, mut attachment_acl, mut via_nat) = (0, 0, 0, 0);
        let mut blocked: std::collections::BTreeMap<String, usize> = Default::default();
        for r in &results {
            let a = analyze(&w.state, 0, &r.0.query(&w.state)).expect("analysis");
            let by_attachment_acl = |b: &xvpc_reach::Blocker| b.explanation.contains("network interface of transit gateway attachment");
            attachment_acl += usize::from(!a.blockers.is_empty() && a.blockers.iter().all(by_attachment_acl));
            if let Some(b) = a.blockers.first() {
                let family = if r.0.v6 { "IPv6 " } else { "" };
                *blocked.entry(format!("{family}{}/{:?}", b.code, b.direction)).or_default() += 1;
                continue;
            }
            let tgw = |hops: &[xvpc_reach::Hop]| hops.iter().any(|h| h.component.id.starts_with("tgw-attach-"));
            via_nat += usize::from(a.forward.iter().any(|h| h.component.id.starts_with("nat-")));
            // Routed by a customer-managed prefix list (AWS's are `pl-` too,
            // but only gateway endpoints' routes name them).
            let customer = |h: &xvpc_reach::Hop| matches!(&h.detail, xvpc_reach::Detail::Route { destination, .. } if w.state.managed_prefix_lists.contains_key(destination));
            by_list += usize::from(a.forward.iter().chain(&a.return_path).any(customer));
            let (there, back) = (tgw(&a.forward), tgw(&a.return_path));
            via_tgw += usize::from(there || back);
            asymmetric += usize::from(there != back);
            if r.0.v6 {
                let pcx = a.forward.iter().chain(&a.return_path).any(|h| h.component.id.starts_with("pcx-"));
                let key = if there || back { "transit gateway" } else if pcx { "peering" } else { "within a VPC" };
                *v6_paths.entry(key).or_default() += 1;
            }
        }
        nat_paths += via_nat;
        eprintln!("seed {seed} ({:?}): {} probes ({n6} over IPv6), {ok} reachable ({ok6} over IPv6), {via_tgw} over the gateway, {via_nat} through a NAT gateway, {asymmetric} asymmetric, {attachment_acl} refused only by attachment subnets' ACLs; blocked by {blocked:?}", links(seed), results.len());
        disagreements += results.iter().filter(|r| r.1 != (r.2 == Probe::Reached)).count();
        if let Some(bad) = results.iter().find(|r| r.1 != (r.2 == Probe::Reached)) {
            let case = bad.0.clone();
            let small = shrink(&mut dp, w.state.clone(), &case);
            let real = compare(&mut dp, &small, std::slice::from_ref(&case))[0].2;
            failures.push(format!("seed {seed}: tcp/{} ipv6={} engine={} real={real:?}\nminimal case:\n{}", case.port, case.v6, bad.1, describe(&small, &case)));
        }
        // Start each world from nothing.
        dp.reconcile(&State::default());
    }
    dp.teardown().unwrap();
    eprintln!("agreement: {total} probes, {reachable} reachable; over IPv6 {total6} probes, {reachable6} reachable {v6_paths:?}; {disagreements} disagreements; {nat_paths} reachable through a NAT gateway");
    eprintln!(
        "agreement: {} probes to AWS services' addresses ({} reachable), {} to interface endpoints of AWS services ({} reachable), {lists} customer-managed prefix lists ({by_list} reachable paths routed by one)",
        service_probes.0, service_probes.1, interface_probes.0, interface_probes.1
    );
    assert!(reachable > 0 && reachable < total, "worlds should mix reachable and blocked paths");
    assert!(reachable6 > 0 && reachable6 < total6, "worlds should mix reachable and blocked IPv6 paths");
    if fixed {
        assert_eq!(v6_paths.len(), 3, "the fixed worlds should reach over IPv6 within VPCs, over peerings and over transit gateways: {v6_paths:?}");
    }
    if fixed {
        assert!(nat_paths > 0, "the fixed worlds should reach through NAT gateways");
        assert!(service_probes.1 > 0 && service_probes.1 < service_probes.0, "the fixed worlds should reach AWS services and be refused: {service_probes:?}");
        assert!(interface_probes.1 > 0 && interface_probes.1 < interface_probes.0, "the fixed worlds should reach interface endpoints and be refused: {interface_probes:?}");
        assert!(by_list > 0, "the fixed worlds should route by customer-managed prefix lists");
    }
    eprintln!("flow logs: {flows_counted} flows counted, {} differ from the engine", flow_failures.len());
    assert!(flows_counted > 0, "every VPC has a flow log: the probes leave flows");
    assert!(failures.is_empty(), "engine and data plane disagree:\n{}", failures.join("\n"));
    assert!(flow_failures.is_empty(), "flow log records from packets differ from the engine:\n{}", flow_failures[..flow_failures.len().min(30)].join("\n"));
}
