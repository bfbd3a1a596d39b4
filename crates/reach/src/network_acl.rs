//! Network ACLs, stateless: lowest rule number first, first match wins,
//! evaluated for a single port (requests) or for a whole port range
//! (replies, which may go to any ephemeral port of the client).

use std::net::IpAddr;

use xvpc_model::network_acl::{NaclEntry, NetworkAcl};

use crate::component::Detail;
use xvpc_model::IpProtocol;

/// The outcome of an ACL in one direction for a port range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AclVerdict<'a> {
    /// Every port admitted; the first allowing entry.
    Allow(&'a NaclEntry),
    /// Some port refused by this entry (a deny rule or the final `*`).
    Deny(&'a NaclEntry),
}

/// The ports of `proto` an entry covers, if the protocol matches.
fn covered(e: &NaclEntry, proto: u8) -> Option<(u16, u16)> {
    if !e.protocol.covers(proto) {
        return None;
    }
    match e.port_range {
        Some((from, to)) if e.protocol.has_ports() => Some((from.clamp(0, 65535) as u16, to.clamp(0, 65535) as u16)),
        _ => Some((0, 65535)),
    }
}

/// Evaluates `egress` (outbound) or inbound traffic of `proto` with
/// `peer` as the remote address, for every port of `ports`. The verdict is
/// `Allow` only when all of them are admitted.
/// Entries of the other address family never match.
pub fn evaluate(acl: &NetworkAcl, egress: bool, proto: u8, peer: impl Into<IpAddr>, ports: (u16, u16)) -> Option<AclVerdict<'_>> {
    let peer = peer.into();
    let ports = if IpProtocol::from_number(proto).has_ports() { ports } else { (0, 0) };
    let mut rules: Vec<&NaclEntry> = acl.entries.iter().filter(|e| e.egress == egress && e.cidr.contains(&peer)).collect();
    rules.sort_by_key(|e| e.rule_number);
    // Ports not yet decided, as disjoint inclusive ranges.
    let mut open: Vec<(u32, u32)> = vec![(u32::from(ports.0), u32::from(ports.1))];
    let mut first_allow = None;
    for e in rules {
        let Some((lo, hi)) = covered(e, proto) else { continue };
        let (lo, hi) = (u32::from(lo), u32::from(hi));
        let hits = open.iter().any(|&(a, b)| a <= hi && lo <= b);
        if !hits {
            continue;
        }
        if !e.allow {
            return Some(AclVerdict::Deny(e));
        }
        first_allow.get_or_insert(e);
        let mut next = Vec::new();
        for (a, b) in open {
            if b < lo || a > hi {
                next.push((a, b));
                continue;
            }
            if a < lo {
                next.push((a, lo - 1));
            }
            if b > hi {
                next.push((hi + 1, b));
            }
        }
        open = next;
        if open.is_empty() {
            return first_allow.map(AclVerdict::Allow);
        }
    }
    None
}

/// The Network Insights form of an entry.
pub fn detail(e: &NaclEntry) -> Detail {
    Detail::AclRule {
        rule_number: e.rule_number,
        egress: e.egress,
        protocol: e.protocol,
        allow: e.allow,
        cidr: e.cidr.to_string(),
        port_range: e.port_range.map(|(a, b)| (a.clamp(0, 65535) as u16, b.clamp(0, 65535) as u16)),
    }
}

/// A free rule number just below `before` (so a new allow takes effect
/// ahead of the deny that blocks), or `None` when all are taken.
pub fn free_rule_number_below(acl: &NetworkAcl, egress: bool, before: i64) -> Option<i64> {
    let taken: std::collections::HashSet<i64> = acl.entries.iter().filter(|e| e.egress == egress).map(|e| e.rule_number).collect();
    let start = before.min(32766);
    // Prefer a round number (what a person would pick), else any.
    let round = (1..=start).rev().filter(|n| n % 10 == 0 && *n < before).find(|n| !taken.contains(n));
    round.or_else(|| (1..before.min(32767)).rev().find(|n| !taken.contains(n)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use xvpc_model::network_acl::NetworkAcl;

    fn entry(n: i64, egress: bool, proto: IpProtocol, allow: bool, cidr: &str, ports: Option<(i32, i32)>) -> NaclEntry {
        NaclEntry { rule_number: n, egress, protocol: proto, allow, cidr: cidr.parse().unwrap(), port_range: ports, icmp: None }
    }

    fn acl(entries: Vec<NaclEntry>) -> NetworkAcl {
        let mut all = entries;
        all.push(entry(32767, true, IpProtocol::All, false, "0.0.0.0/0", None));
        all.push(entry(32767, false, IpProtocol::All, false, "0.0.0.0/0", None));
        NetworkAcl { id: "acl-1".into(), owner: "1".into(), region: "r".into(), vpc_id: "vpc-1".into(), is_default: false, entries: all, associations: vec![], tags: Default::default() }
    }

    const IP: &str = "10.1.0.5";

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn first_match_by_number_decides() {
        let a = acl(vec![entry(200, false, IpProtocol::Tcp, true, "10.0.0.0/8", Some((80, 80))), entry(100, false, IpProtocol::Tcp, false, "10.1.0.0/16", Some((80, 80)))]);
        assert!(matches!(evaluate(&a, false, 6, ip(IP), (80, 80)), Some(AclVerdict::Deny(e)) if e.rule_number == 100));
        assert!(matches!(evaluate(&a, false, 6, ip("10.2.0.1"), (80, 80)), Some(AclVerdict::Allow(e)) if e.rule_number == 200));
    }

    #[test]
    fn ephemeral_range_needs_every_port() {
        let partial = acl(vec![entry(100, true, IpProtocol::Tcp, true, "0.0.0.0/0", Some((32768, 65535)))]);
        assert!(matches!(evaluate(&partial, true, 6, ip(IP), (1024, 65535)), Some(AclVerdict::Deny(e)) if e.rule_number == 32767));
        let split = acl(vec![entry(100, true, IpProtocol::Tcp, true, "0.0.0.0/0", Some((32768, 65535))), entry(110, true, IpProtocol::Tcp, true, "0.0.0.0/0", Some((1024, 32767)))]);
        assert!(matches!(evaluate(&split, true, 6, ip(IP), (1024, 65535)), Some(AclVerdict::Allow(e)) if e.rule_number == 100));
    }

    #[test]
    fn all_protocol_rules_ignore_ports_and_udp_does_not_match_tcp() {
        let a = acl(vec![entry(100, false, IpProtocol::Udp, true, "0.0.0.0/0", Some((0, 65535))), entry(110, false, IpProtocol::All, true, "10.1.0.0/16", Some((1, 2)))]);
        assert!(matches!(evaluate(&a, false, 6, ip(IP), (443, 443)), Some(AclVerdict::Allow(e)) if e.rule_number == 110));
    }

    #[test]
    fn free_number_sits_before_the_deny() {
        let a = acl(vec![entry(100, true, IpProtocol::Tcp, false, "0.0.0.0/0", None)]);
        assert_eq!(free_rule_number_below(&a, true, 100), Some(90));
        assert_eq!(free_rule_number_below(&a, true, 32767), Some(32760));
        assert_eq!(free_rule_number_below(&a, true, 1), None);
    }
}
