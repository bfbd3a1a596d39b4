//! The agreement test's random worlds: what a seed builds (kept apart from
//! the comparison and shrinking in `agreement.rs`, which only need a
//! [`World`] and its state).

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use xvpc_model::route_table::RouteTarget;
use xvpc_model::security_group::RulePeer;
use xvpc_model::IpProtocol;

use crate::common::{self, World};
use crate::PORTS;

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
pub(crate) enum Links {
    Peering,
    TransitGateway,
    /// Peerings and a transit gateway: requests and replies may take
    /// different ways (out over a peering, back over the gateway).
    Mixed,
}

/// The kind of world a seed builds: consecutive seeds cycle through all.
pub(crate) fn links(seed: u64) -> Links {
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
pub(crate) fn random_world(seed: u64) -> World {
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

