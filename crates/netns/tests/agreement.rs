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

use xvpc_model::IpProtocol;
use std::net::IpAddr;

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

/// How a world joins its VPCs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Links {
    Peering,
    TransitGateway,
    /// Peerings and a transit gateway: requests and replies may take
    /// different ways (out over a peering, back over the gateway).
    Mixed,
}

/// The kind of world a seed builds: consecutive seeds cycle through all.
fn links(seed: u64) -> Links {
    match seed % 3 {
        0 => Links::Peering,
        1 => Links::TransitGateway,
        _ => Links::Mixed,
    }
}

/// A random world: 3 VPCs, 2–3 subnets each (in two zones), 1–2 ENIs per
/// subnet, a few groups with random rules (CIDRs, groups, groups across
/// peerings), random ACLs, route tables, and, as [`links`] says, peerings
/// (active or pending) and/or a transit gateway, with random routes; and
/// private NAT gateways some routes send to.
fn random_world(seed: u64) -> World {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut w = World::default();
    let nv = 3u8;
    let mut vpcs = Vec::new();
    let mut all_groups: Vec<String> = Vec::new();
    // Each VPC's IPv6 /56, when it has one.
    let mut blocks6: Vec<Option<String>> = Vec::new();
    for v in 1..=nv {
        let vpc = w.vpc(&format!("10.{v}.0.0/16"));
        blocks6.push(rng.gen_bool(0.85).then(|| w.ipv6(&vpc).to_string()));
        let mut groups = vec![w.default_sg(&vpc)];
        for g in 0..rng.gen_range(1..=2) {
            groups.push(w.sg(&vpc, &format!("g{g}")));
        }
        all_groups.extend(groups.iter().cloned());
        let nsub = rng.gen_range(2..=3u8);
        let mut subnets = Vec::new();
        for s in 1..=nsub {
            let zone = if rng.gen_bool(0.5) { "us-east-1a" } else { "us-east-1b" };
            let sub = w.subnet_in(&vpc, &format!("10.{v}.{s}.0/24"), zone);
            // The subnet's /64 is the s-th of the /56.
            if blocks6.last().unwrap().is_some() && rng.gen_bool(0.85) {
                w.subnet_ipv6(&sub, u128::from(s));
            }
            subnets.push(sub);
        }
        for (i, sub) in subnets.iter().enumerate() {
            for e in 0..rng.gen_range(1..=2u8) {
                let k = rng.gen_range(1..=2);
                let mut gs: Vec<&str> = groups.choose_multiple(&mut rng, k).map(String::as_str).collect();
                gs.sort();
                let eni = w.eni(sub, &format!("10.{v}.{}.{}", i + 1, 10 + e), &gs);
                if !w.state.subnets[sub].ipv6_cidr_blocks.is_empty() && rng.gen_bool(0.9) {
                    w.eni_ipv6(&eni);
                }
            }
        }
        vpcs.push((vpc, groups, subnets));
    }
    // Peerings between pairs of VPCs, some still pending.
    let kind = links(seed);
    let use_tgw = kind != Links::Peering;
    let mut pcx: Vec<(u8, u8, String)> = Vec::new();
    for a in (1..=nv).filter(|_| kind != Links::TransitGateway) {
        for b in a + 1..=nv {
            if rng.gen_bool(0.7) {
                let id = w.peering(&vpcs[a as usize - 1].0, &vpcs[b as usize - 1].0, rng.gen_bool(0.85));
                pcx.push((a, b, id));
            }
        }
    }
    // A transit gateway: most VPCs attached (often in every zone they
    // use, else in some), the default table or a second one with a subset
    // of propagations.
    let mut tgw_id = None;
    if use_tgw {
        use xvpc_model::transit_gateway::{self as tgwm, CreateAttachment, CreateTransitGateway};
        use xvpc_model::transit_gateway_route_table as tgwrt;
        let (ch, tgw) = tgwm::create_transit_gateway(&w.state, &w.ctx, CreateTransitGateway::default()).unwrap();
        w.apply(ch);
        let mut atts = Vec::new();
        // Tables in creation order (ids are random: map order is not).
        let mut tables: Vec<String> = w.state.transit_gateways[&tgw].options.association_default_route_table_id.clone().into_iter().collect();
        for (vpc, _, subnets) in &vpcs {
            if rng.gen_bool(0.9) {
                let k = if rng.gen_bool(0.6) { subnets.len() } else { rng.gen_range(1..=subnets.len()) };
                let mut chosen: Vec<String> = subnets.choose_multiple(&mut rng, k).cloned().collect();
                // One subnet per zone, as AWS requires.
                let mut zones = std::collections::BTreeSet::new();
                chosen.retain(|s| zones.insert(w.state.subnets[s].availability_zone.clone()));
                let (ch, id) = tgwm::create_attachment(&w.state, &w.ctx, CreateAttachment { transit_gateway_id: tgw.clone(), vpc_id: vpc.clone(), subnet_ids: chosen, ..Default::default() }).unwrap();
                w.apply(ch);
                w.state.transit_gateway_attachments.get_mut(&id).unwrap().options.ipv6_support = rng.gen_bool(0.85);
                atts.push(id);
            }
        }
        if atts.len() > 1 && rng.gen_bool(0.5) {
            let moved = atts.choose(&mut rng).unwrap().clone();
            if let Some(old) = w.state.transit_gateway_attachments[&moved].association.clone() {
                w.apply(tgwrt::disassociate(&w.state, &w.ctx, &old, &moved).unwrap());
            }
            let (ch, rt2) = tgwrt::create_route_table(&w.state, &w.ctx, &tgw, Default::default()).unwrap();
            w.apply(ch);
            w.apply(tgwrt::associate(&w.state, &w.ctx, &rt2, &moved).unwrap());
            tables.push(rt2.clone());
            for a in &atts {
                if rng.gen_bool(0.5) {
                    w.apply(tgwrt::enable_propagation(&w.state, &w.ctx, &rt2, a).unwrap());
                }
            }
        }
        // Sometimes static routes in a gateway table: a VPC's block or one
        // subnet to that VPC's attachment (longer than the propagated /16,
        // or instead of a missing propagation), or a blackhole.
        for t in &tables {
            for _ in 0..rng.gen_range(0..=2) {
                let Some(a) = atts.choose(&mut rng).cloned() else { break };
                let v = w.state.vpcs[&w.state.transit_gateway_attachments[&a].vpc_id].primary_cidr().network().octets()[1];
                let dst = match (rng.gen_range(0..3), &blocks6[v as usize - 1]) {
                    (0, Some(b)) => b.clone(),
                    (1, _) => format!("10.{v}.0.0/16"),
                    _ => format!("10.{v}.{}.0/24", rng.gen_range(1..=3)),
                };
                let blackhole = rng.gen_bool(0.15);
                let att = Some(a.as_str()).filter(|_| !blackhole);
                if let Ok((ch, _)) = tgwrt::create_route(&w.state, &w.ctx, t, &dst, att, blackhole) {
                    w.apply(ch);
                }
            }
        }
        // Rarely an attachment associated with no table at all.
        if atts.len() > 1 && rng.gen_bool(0.15) {
            let a = atts.choose(&mut rng).unwrap().clone();
            if let Some(old) = w.state.transit_gateway_attachments[&a].association.clone() {
                w.apply(tgwrt::disassociate(&w.state, &w.ctx, &old, &a).unwrap());
            }
        }
        tgw_id = Some(tgw);
    }
    let cidr = |rng: &mut StdRng, v: u8| -> String {
        match rng.gen_range(0..5) {
            0 => "0.0.0.0/0".to_string(),
            1 => "10.0.0.0/8".to_string(),
            2 => format!("10.{v}.0.0/16"),
            3 => format!("10.{v}.{}.0/24", rng.gen_range(1..=3)),
            _ => format!("10.{v}.{}.10/32", rng.gen_range(1..=3)),
        }
    };
    // The IPv6 counterpart: everything, every VPC's block (the
    // documentation prefix), VPC `v`'s /56, one of its /64s, or one ENI.
    let state6 = w.state.clone();
    let cidr6 = |rng: &mut StdRng, v: u8| -> Option<String> {
        let block: xvpc_model::cidr::Ipv6Net = blocks6[v as usize - 1].as_ref()?.parse().ok()?;
        let sub = xvpc_model::cidr::nth_subnet_v6(&block, 64, rng.gen_range(1..=3))?;
        Some(match rng.gen_range(0..5) {
            0 => "::/0".to_string(),
            1 => "2001:db8::/32".to_string(),
            2 => block.to_string(),
            3 => sub.to_string(),
            _ => {
                let hosts: Vec<std::net::Ipv6Addr> = state6.network_interfaces.values().flat_map(|e| e.ipv6_addresses.iter().copied()).filter(|a| sub.contains(a)).collect();
                format!("{}/128", hosts.choose(rng).copied().unwrap_or(sub.network()))
            }
        })
    };
    for (vi, (_, groups, subnets)) in vpcs.iter().enumerate() {
        let v = vi as u8 + 1;
        // Rules: peers are CIDRs (this VPC's or another's), or groups
        // (sometimes of another VPC: they count only across a peering).
        // Some groups admit every VPC, so that paths between VPCs are
        // decided by routes and ACLs often enough.
        for g in groups {
            if rng.gen_bool(0.35) {
                w.allow_in(g, IpProtocol::All, None, RulePeer::Cidr("10.0.0.0/8".parse().unwrap()));
            }
            if rng.gen_bool(0.4) {
                w.allow_in(g, IpProtocol::All, None, RulePeer::Cidr6("2001:db8::/32".into()));
            }
            for _ in 0..rng.gen_range(0..=4) {
                let of = if rng.gen_bool(0.6) { v } else { rng.gen_range(1..=nv) };
                let peer = if rng.gen_bool(0.3) {
                    let gid = if rng.gen_bool(0.7) { groups.choose(&mut rng).unwrap().clone() } else { all_groups.choose(&mut rng).unwrap().clone() };
                    RulePeer::Group { group_id: gid, user_id: common::ACCOUNT.into(), vpc_id: None, peering_id: None }
                } else if let Some(c) = cidr6(&mut rng, of).filter(|_| rng.gen_bool(0.4)) {
                    RulePeer::Cidr6(c)
                } else {
                    RulePeer::Cidr(cidr(&mut rng, of).parse().unwrap())
                };
                let proto = if rng.gen_bool(0.3) { IpProtocol::All } else { IpProtocol::Tcp };
                let p = if proto == IpProtocol::Tcp { ports(&mut rng).or(Some((0, 65535))) } else { None };
                w.allow_in(g, proto, p, peer);
            }
        }
        // ACLs: some subnets get a custom one with a few entries.
        for sub in subnets {
            if rng.gen_bool(0.3) {
                let mut entries = Vec::new();
                for i in 0..rng.gen_range(1..=5) {
                    let of = if rng.gen_bool(0.6) { v } else { rng.gen_range(1..=nv) };
                    let c = match cidr6(&mut rng, of).filter(|_| rng.gen_bool(0.4)) {
                        Some(c6) => c6,
                        None if rng.gen_bool(0.3) => "0.0.0.0/0".to_string(),
                        None => cidr(&mut rng, of),
                    };
                    let proto = if rng.gen_bool(0.5) { IpProtocol::All } else { IpProtocol::Tcp };
                    let p = if proto == IpProtocol::Tcp { ports(&mut rng).or(Some((0, 65535))) } else { None };
                    entries.push((100 + 10 * i, rng.gen_bool(0.5), proto, rng.gen_bool(0.8), c, p));
                }
                let e: Vec<(i64, bool, IpProtocol, bool, &str, Option<(i32, i32)>)> = entries.iter().map(|(n, eg, pr, al, c, p)| (*n, *eg, *pr, *al, c.as_str(), *p)).collect();
                w.nacl(sub, &e);
            }
        }
        // Route tables: the main one, or a subnet's own; routes to peers
        // over a connection this VPC has (or not), or a missing gateway.
        let mut tables = vec![w.main_rt(&vpcs[vi].0)];
        for sub in subnets {
            if rng.gen_bool(0.4) {
                tables.push(w.rt_for(sub));
            }
        }
        for rt in tables {
            for (a, b, id) in &pcx {
                let other = if *a == v { *b } else if *b == v { *a } else { continue };
                match rng.gen_range(0..4) {
                    0 => {}
                    1 => w.route(&rt, &format!("10.{other}.{}.0/24", rng.gen_range(1..=3)), RouteTarget::VpcPeeringConnection(id.clone())),
                    _ => w.route(&rt, &format!("10.{other}.0.0/16"), RouteTarget::VpcPeeringConnection(id.clone())),
                }
                // IPv6: the peer's /56, or one of its /64s (AWS accepts a
                // route to any block; the peer must hold the address).
                if let Some(b6) = blocks6[other as usize - 1].as_ref().filter(|_| rng.gen_bool(0.8)) {
                    let dst = match rng.gen_range(0..3) {
                        0 => cidr6(&mut rng, other).filter(|c| c.ends_with("/64")).unwrap_or_else(|| b6.clone()),
                        _ => b6.clone(),
                    };
                    w.route(&rt, &dst, RouteTarget::VpcPeeringConnection(id.clone()));
                }
            }
            if let Some(tgw) = tgw_id.as_ref().filter(|_| rng.gen_bool(0.8)) {
                let dst = if rng.gen_bool(0.6) { "10.0.0.0/8".to_string() } else { format!("10.{}.0.0/16", rng.gen_range(1..=nv)) };
                w.route(&rt, &dst, RouteTarget::TransitGateway(tgw.clone()));
            }
            if let Some(tgw) = tgw_id.as_ref().filter(|_| blocks6[vi].is_some() && rng.gen_bool(0.9)) {
                let other = rng.gen_range(1..=nv);
                let dst = match &blocks6[other as usize - 1] {
                    Some(b) if rng.gen_bool(0.25) => b.clone(),
                    _ => "::/0".to_string(),
                };
                w.route(&rt, &dst, RouteTarget::TransitGateway(tgw.clone()));
            }
            // Sometimes a broad route over any of this VPC's peerings (to
            // try transitive paths) or to a gateway that does not exist.
            match rng.gen_range(0..7) {
                0 => {
                    if let Some((_, _, id)) = pcx.iter().filter(|(a, b, _)| *a == v || *b == v).collect::<Vec<_>>().choose(&mut rng) {
                        w.route(&rt, "10.0.0.0/8", RouteTarget::VpcPeeringConnection(id.clone()));
                    }
                }
                1 => w.route(&rt, &format!("10.{}.0.0/16", rng.gen_range(1..=nv)), RouteTarget::Gateway("igw-00000000".into())),
                2 => {
                    if let Some((_, _, id)) = pcx.iter().filter(|(a, b, _)| *a == v || *b == v).collect::<Vec<_>>().choose(&mut rng) {
                        w.route(&rt, "::/0", RouteTarget::VpcPeeringConnection(id.clone()));
                    }
                }
                _ => {}
            }
        }
    }
    // AWS refuses a second route to the same destination, and one equal to
    // the VPC's own block (the local route): keep worlds valid.
    for t in w.state.route_tables.values_mut() {
        let own: Vec<xvpc_model::cidr::IpNet> = w.state.vpcs[&t.vpc_id].all_cidrs().collect();
        let mut seen = std::collections::BTreeSet::new();
        t.routes.retain(|r| match &r.destination {
            xvpc_model::route_table::Destination::Cidr(c) => (r.target == RouteTarget::Local || !own.contains(c)) && seen.insert(*c),
            _ => true,
        });
    }
    // NAT gateways (their own random stream, so the rest of each world is
    // what it was before they existed): some VPCs get a private one in
    // their first subnet, and some of their tables send one subnet of
    // another VPC to it; it goes on by its own subnet's routes, as itself.
    let mut nrng = StdRng::seed_from_u64(seed ^ 0x4e41_5447);
    for (vi, (vpc, _, subnets)) in vpcs.iter().enumerate() {
        if !nrng.gen_bool(0.6) {
            continue;
        }
        let v = vi as u8 + 1;
        let nat = w.nat_gateway(&subnets[0], &format!("10.{v}.1.100"), None);
        // Not the gateway's own subnet's table (it would send the
        // gateway's traffic back to it).
        let own = xvpc_model::route_table::table_for_subnet(&w.state, &subnets[0], vpc).map(|t| t.id.clone());
        // Another subnet sharing that table gets a copy of its own.
        for sub in &subnets[1..] {
            let shared = xvpc_model::route_table::table_for_subnet(&w.state, sub, vpc).map(|t| t.id.clone()) == own;
            if shared && nrng.gen_bool(0.5) {
                let routes = own.as_ref().map(|t| w.state.route_tables[t].routes.clone()).unwrap_or_default();
                let rt = w.rt_for(sub);
                w.state.route_tables.get_mut(&rt).unwrap().routes = routes;
            }
        }
        // In an order that does not depend on the (random) ids: main table
        // first, then by the lowest associated subnet block.
        let key = |t: &xvpc_model::route_table::RouteTable| {
            let cidr = |s: &str| w.state.subnets.get(s).and_then(|s| s.cidr).map(|c| c.to_string()).unwrap_or_default();
            (!t.main, t.associations.iter().filter_map(|a| a.subnet_id.as_deref()).map(cidr).min().unwrap_or_default())
        };
        let mut tables: Vec<(_, String)> = w.state.route_tables.values().filter(|t| &t.vpc_id == vpc && Some(&t.id) != own.as_ref()).map(|t| (key(t), t.id.clone())).collect();
        tables.sort();
        let tables: Vec<String> = tables.into_iter().map(|(_, id)| id).collect();
        for rt in tables {
            if nrng.gen_bool(0.8) {
                // A subnet of another VPC that the gateway's own table
                // routes on (over a peering or the transit gateway).
                let onward: Vec<String> = (1..=nv)
                    .filter(|o| *o != v)
                    .flat_map(|o| (1..=2).map(move |k| format!("10.{o}.{k}.0/24")))
                    .filter(|d| {
                        let probe: std::net::Ipv4Addr = d.replace(".0/24", ".10").parse().unwrap();
                        let routes = own.as_ref().map(|t| w.state.route_tables[t].routes.clone()).unwrap_or_default();
                        xvpc_model::route_table::longest_match(&routes, probe).is_some_and(|r| matches!(r.target, RouteTarget::VpcPeeringConnection(_) | RouteTarget::TransitGateway(_)))
                    })
                    .collect();
                let Some(dst) = onward.choose(&mut nrng).cloned() else { continue };
                // Instead of any route this table has for that block.
                let net: xvpc_model::cidr::IpNet = dst.parse().unwrap();
                w.state.route_tables.get_mut(&rt).unwrap().routes.retain(|r| r.destination != xvpc_model::route_table::Destination::Cidr(net));
                w.route(&rt, &dst, RouteTarget::NatGateway(nat.clone()));
            }
        }
    }
    common::endpoints::add(&mut w, seed);
    w
}

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
