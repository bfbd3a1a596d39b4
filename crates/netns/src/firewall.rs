//! Security groups and network ACLs as one nftables table per VPC router.
//!
//! The table lives in the router namespace, keyed by ENI port, so a guest
//! (even root inside its own namespace) cannot loosen its own groups:
//! `nft flush ruleset` in the guest touches only the guest's empty ruleset.
//!
//! Forward path, in AWS's order, the sender's side before the receiver's
//! (so the first check that refuses a packet is the one a flow log names):
//! 1. the source subnet's outbound ACL (`iifname vmap @nacl_out`):
//!    stateless, every packet; traffic within one subnet skips it, as in
//!    AWS. An allow is `return` (so the next check still runs);
//! 2. the sender's security groups' egress rules, on a connection's first
//!    packet only (`ct state { new, untracked }`: groups are stateful);
//! 3. the destination subnet's inbound ACL (`oifname vmap @nacl_in`),
//!    every packet; then `ct state established,related accept`;
//! 4. the receiver's groups' ingress rules (the union of the ENI's groups;
//!    a match is `return`). A group referenced as a peer becomes the set of
//!    its members' addresses (IPv4 and IPv6).
//!
//! A refusal goes through [`flow_log::DROP_OUT`] (steps 1-2) or
//! [`flow_log::DROP_IN`] (3-4), which count it for flow logs, then drop.
//! Over a transit gateway attachment link, the attachment subnet in the
//! zone of the VPC's end also applies
//! (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-nacls.html): its
//! inbound rules to what goes to the gateway (even from that subnet), its
//! outbound rules to what comes from it, except that a packet from the
//! gateway to that very subnet skips both its outbound and inbound.
//!
//! The table is `inet`: every chain sees IPv4 and IPv6 packets, and a rule
//! or entry of one family matches only packets of that family (`0.0.0.0/0`
//! is `meta nfproto ipv4`, `::/0` is `meta nfproto ipv6`), as in AWS.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::net::IpAddr;

use xvpc_model::cidr::IpNet;
use xvpc_model::network_acl::NetworkAcl;
use xvpc_model::security_group::{RulePeer, SgRule};
use xvpc_model::vpc::Vpc;
use xvpc_model::State;

use crate::flow_log;
use crate::names;
use crate::topology::{subnet_mark, Alloc, Eni};

/// The name of the one nftables table xvpc owns in a router.
pub const TABLE: &str = "xvpc";

/// The nft protocol/port match of a security group rule, as the model's
/// `SgRule::admits` reads it (ports only for tcp and udp).
fn sg_match(rule: &SgRule) -> String {
    let p = rule.protocol;
    match p.number() {
        None => String::new(),
        Some(_) if p.has_ports() => {
            // nft's names for tcp and udp are AWS's.
            let name = p.sg_form();
            let (from, to) = (rule.from_port.unwrap_or(0).max(0), rule.to_port.unwrap_or(65535).clamp(0, 65535));
            if from == 0 && to == 65535 {
                format!("meta l4proto {name} ")
            } else if from == to {
                format!("{name} dport {from} ")
            } else {
                format!("{name} dport {from}-{to} ")
            }
        }
        Some(n) => format!("meta l4proto {n} "),
    }
}

/// The address match of a block, for packets of its family only.
fn cidr_match(c: IpNet, field: &str) -> String {
    match c {
        IpNet::V4(c) if c.prefix_len() == 0 => "meta nfproto ipv4 ".into(),
        IpNet::V4(c) => format!("ip {field} {c} "),
        IpNet::V6(c) if c.prefix_len() == 0 => "meta nfproto ipv6 ".into(),
        IpNet::V6(c) => format!("ip6 {field} {c} "),
    }
}

/// The address matches of a rule's peer (one per family it covers, one per
/// entry of a prefix list's current version); none when it matches
/// nothing (an empty group or list). `lists` gives a list's blocks.
fn sg_peer(peer: &RulePeer, field: &str, members: &BTreeMap<String, BTreeSet<IpAddr>>, lists: &dyn Fn(&str) -> Vec<IpNet>) -> Vec<String> {
    match peer {
        RulePeer::Cidr(c) => vec![cidr_match(IpNet::V4(*c), field)],
        RulePeer::Cidr6(_) => peer.ipv6_net().map(|c| cidr_match(IpNet::V6(c), field)).into_iter().collect(),
        RulePeer::Group { group_id, .. } => {
            let Some(ips) = members.get(group_id) else { return Vec::new() };
            let (v4, v6): (Vec<&IpAddr>, Vec<&IpAddr>) = ips.iter().partition(|i| i.is_ipv4());
            let mut out = Vec::new();
            for (family, list) in [("ip", v4), ("ip6", v6)] {
                if !list.is_empty() {
                    let list: Vec<String> = list.iter().map(|i| i.to_string()).collect();
                    out.push(format!("{family} {field} {{ {} }} ", list.join(", ")));
                }
            }
            out
        }
        RulePeer::PrefixList(p) => lists(p).into_iter().map(|c| cidr_match(c, field)).collect(),
    }
}

fn sg_chain(out: &mut String, name: &str, rules: &[&SgRule], field: &str, members: &BTreeMap<String, BTreeSet<IpAddr>>, lists: &dyn Fn(&str) -> Vec<IpNet>, drop: &str) {
    let _ = writeln!(out, "  chain {name} {{");
    for r in rules {
        for peer in sg_peer(&r.peer, field, members, lists) {
            let _ = writeln!(out, "    {peer}{}return", sg_match(r));
        }
    }
    let _ = writeln!(out, "    {drop}\n  }}");
}

/// One NACL direction as a chain: same-subnet traffic skips it, then the
/// entries by rule number, first match wins, and a final drop (`drop`: the
/// verdict of a deny, which may count the packet for flow logs first).
fn nacl_chain(out: &mut String, name: &str, skip: &str, acl: &NetworkAcl, egress: bool, drop: &str) {
    let _ = writeln!(out, "  chain {name} {{");
    for line in skip.lines() {
        let _ = writeln!(out, "    {line}");
    }
    let mut entries: Vec<_> = acl.entries.iter().filter(|e| e.egress == egress).collect();
    entries.sort_by_key(|e| e.rule_number);
    let field = if egress { "daddr" } else { "saddr" };
    for e in entries {
        let mut m = cidr_match(e.cidr, field);
        if let Some(p) = e.protocol.number() {
            match e.port_range {
                Some((from, to)) if e.protocol.has_ports() => {
                    let _ = write!(m, "meta l4proto {p} th dport {from}-{to} ");
                }
                _ => {
                    let _ = write!(m, "meta l4proto {p} ");
                }
            }
        }
        let _ = writeln!(out, "    {m}{}", if e.allow { "return" } else { drop });
    }
    let _ = writeln!(out, "    {drop}\n  }}");
}

fn elements<I: IntoIterator<Item = String>>(items: I) -> String {
    let v: Vec<String> = items.into_iter().collect();
    if v.is_empty() {
        String::new()
    } else {
        format!(" elements = {{ {} }};", v.join(", "))
    }
}

/// The router's whole `table inet xvpc`, deterministic for a given state.
/// `tgw_zones`: per transit gateway attachment interface of this VPC, the
/// zone ids where the attachment has a subnet (only ENIs there may use it),
/// each with that subnet.
pub fn render(state: &State, vpc: &Vpc, enis: &BTreeMap<String, Eni>, alloc: &mut Alloc, tgw_zones: Option<&BTreeMap<String, BTreeMap<String, String>>>) -> String {
    // Members of every group, as this VPC sees them: the addresses of the
    // ENIs that carry it, in this VPC or a same-region actively peered one.
    let mut members: BTreeMap<String, BTreeSet<IpAddr>> = BTreeMap::new();
    let mut visible: BTreeMap<&str, bool> = BTreeMap::new();
    for e in state.network_interfaces.values() {
        if !*visible.entry(e.vpc_id.as_str()).or_insert_with(|| crate::peering::group_membership_visible(state, &vpc.id, &e.vpc_id)) {
            continue;
        }
        for g in &e.groups {
            members.entry(g.clone()).or_default().extend(e.all_addresses());
        }
    }
    let mine: Vec<(&Eni, &xvpc_model::network_interface::NetworkInterface)> = enis
        .values()
        .filter_map(|e| state.network_interfaces.get(&e.eni_id).filter(|m| m.vpc_id == vpc.id).map(|m| (e, m)))
        .collect();

    let mut out = String::new();
    let _ = writeln!(out, "table inet {TABLE} {{");

    // Subnet membership of ports, and the route table each port's subnet uses.
    let subnets: Vec<_> = state.subnets.values().filter(|s| s.vpc_id == vpc.id).collect();
    let mut port_rt = Vec::new();
    for (e, m) in &mine {
        if let Some(mark) = subnet_mark(state, &m.subnet_id, &vpc.id, alloc) {
            port_rt.push(format!("\"{}\" : {mark}", e.port));
        }
    }
    let _ = writeln!(out, "  map port_rt {{ type ifname : mark;{} }}", elements(port_rt));
    // Ports of instances that are not running carry nothing.
    let stopped = mine.iter().filter(|(_, m)| {
        m.attachment.as_ref().and_then(|a| state.instances.get(&a.instance_id)).is_some_and(|i| i.state != xvpc_model::instance::InstanceState::Running)
    });
    let _ = writeln!(out, "  set stopped {{ type ifname;{} }}", elements(stopped.map(|(e, _)| format!("\"{}\"", e.port))));
    // Transit gateway attachments: only ports in a zone with an attachment subnet.
    let mut tgw_rules = String::new();
    let mut tgw_acls = String::new();
    for (dev, zones) in tgw_zones.into_iter().flatten() {
        let ok = mine.iter().filter(|(_, m)| state.subnets.get(&m.subnet_id).is_some_and(|s| zones.contains_key(&s.availability_zone_id))).map(|(e, _)| format!("\"{}\"", e.port));
        let _ = writeln!(out, "  set tgw_ok_{dev} {{ type ifname;{} }}", elements(ok));
        let _ = writeln!(tgw_rules, "    oifname \"{dev}\" iifname != @tgw_ok_{dev} drop");
    }
    // A packet from an attachment to the attachment's own subnet skips
    // that subnet's inbound rules.
    let mut att_skip: BTreeMap<&str, String> = BTreeMap::new();
    for (dev, zones) in tgw_zones.into_iter().flatten() {
        for sub in zones.values() {
            let _ = writeln!(att_skip.entry(sub.as_str()).or_default(), "iifname \"{dev}\" return");
        }
    }

    let mut nacl_out = Vec::new();
    let mut nacl_in = Vec::new();
    for s in &subnets {
        let sid = names::chain_id(&s.id);
        let ports: Vec<String> = mine.iter().filter(|(_, m)| m.subnet_id == s.id).map(|(e, _)| format!("\"{}\"", e.port)).collect();
        let _ = writeln!(out, "  set ports_{sid} {{ type ifname;{} }}", elements(ports.clone()));
        let Some(acl) = state.network_acls.values().find(|a| a.associations.iter().any(|x| x.subnet_id == s.id)) else { continue };
        nacl_chain(&mut out, &format!("nacl_out_{sid}"), &format!("oifname @ports_{sid} return"), acl, true, flow_log::DROP_OUT);
        let skip = format!("iifname @ports_{sid} return\n{}", att_skip.get(s.id.as_str()).map(String::as_str).unwrap_or(""));
        nacl_chain(&mut out, &format!("nacl_in_{sid}"), &skip, acl, false, flow_log::DROP_IN);
        for p in ports {
            nacl_out.push(format!("{p} : jump nacl_out_{sid}"));
            nacl_in.push(format!("{p} : jump nacl_in_{sid}"));
        }
    }

    // The attachment subnets' ACLs, by the zone of the VPC's end (after
    // the `ports_*` sets they use).
    for (dev, zones) in tgw_zones.into_iter().flatten() {
        for (zone, sub) in zones {
            let Some(acl) = state.network_acls.values().find(|a| a.associations.iter().any(|x| &x.subnet_id == sub)) else { continue };
            let sid = names::chain_id(sub);
            let here = mine.iter().filter(|(_, m)| state.subnets.get(&m.subnet_id).is_some_and(|s| &s.availability_zone_id == zone)).map(|(e, _)| format!("\"{}\"", e.port));
            let _ = writeln!(out, "  set tgwz_{dev}_{sid} {{ type ifname;{} }}", elements(here));
            // The attachment subnet stands between the two ends: a refusal
            // towards the gateway is past the sender (an ACCEPT egress at its
            // port, nothing at the gateway's link), one from the gateway never
            // reaches the receiver (nothing logged), as the engine's records
            // have it.
            nacl_chain(&mut out, &format!("tgw_in_{dev}_{sid}"), "", acl, false, flow_log::DROP_IN);
            nacl_chain(&mut out, &format!("tgw_out_{dev}_{sid}"), &format!("oifname @ports_{sid} return"), acl, true, "drop");
            let _ = writeln!(tgw_acls, "    oifname \"{dev}\" iifname @tgwz_{dev}_{sid} jump tgw_in_{dev}_{sid}");
            let _ = writeln!(tgw_acls, "    iifname \"{dev}\" oifname @tgwz_{dev}_{sid} jump tgw_out_{dev}_{sid}");
        }
    }


    // Security groups: one chain pair per distinct set of groups.
    let mut sets: BTreeMap<Vec<String>, usize> = BTreeMap::new();
    let mut sg_in = Vec::new();
    let mut sg_out = Vec::new();
    for (e, m) in &mine {
        // An ENI without groups (an NLB without security groups) is not
        // filtered: AWS applies no group to it.
        if m.groups.is_empty() {
            continue;
        }
        let mut groups = m.groups.clone();
        groups.sort();
        groups.dedup();
        let n = sets.len();
        let idx = *sets.entry(groups).or_insert(n);
        sg_in.push(format!("\"{}\" : jump sg_in_{idx}", e.port));
        sg_out.push(format!("\"{}\" : jump sg_out_{idx}", e.port));
    }
    for (groups, idx) in &sets {
        let gs: Vec<_> = groups.iter().filter_map(|g| state.security_groups.get(g)).collect();
        let ingress: Vec<&SgRule> = gs.iter().flat_map(|g| g.ingress.iter()).collect();
        let egress: Vec<&SgRule> = gs.iter().flat_map(|g| g.egress.iter()).collect();
        let lists = |id: &str| xvpc_model::prefix_list::entries(state, &vpc.region, id);
        sg_chain(&mut out, &format!("sg_in_{idx}"), &ingress, "saddr", &members, &lists, flow_log::DROP_IN);
        sg_chain(&mut out, &format!("sg_out_{idx}"), &egress, "daddr", &members, &lists, flow_log::DROP_OUT);
    }

    for (name, items) in [("nacl_out", nacl_out), ("nacl_in", nacl_in), ("sg_out", sg_out), ("sg_in", sg_in)] {
        let _ = writeln!(out, "  map {name} {{ type ifname : verdict;{} }}", elements(items));
    }
    // Flow logs count at the ports of the ENIs they cover.
    let logged: Vec<String> = mine.iter().filter(|(_, m)| xvpc_model::flow_log::covering(state, m).next().is_some()).map(|(e, _)| e.port.clone()).collect();
    flow_log::render(&mut out, &logged);
    let _ = writeln!(out, "  chain pre {{ type filter hook prerouting priority mangle; policy accept;\n    meta mark set iifname map @port_rt\n  }}");
    let _ = writeln!(
        out,
        "  chain forward {{ type filter hook forward priority filter; policy accept;\n    iifname @stopped drop\n    oifname @stopped drop\n{tgw_rules}    iifname vmap @nacl_out\n    ct state invalid drop\n    ct state {{ new, untracked }} iifname vmap @sg_out\n{tgw_acls}    oifname vmap @nacl_in\n    ct state established,related accept\n    oifname vmap @sg_in\n  }}"
    );
    let _ = writeln!(out, "}}");
    out
}
