//! VPC Flow Logs from real packets: what each router counts per flow and
//! interface, and how the counts become flows of at most one aggregation
//! interval.
//!
//! Counting happens in each VPC router's `table inet xvpc` (see
//! [`crate::firewall`]), only at the ports of ENIs some flow log covers
//! (the set `fl_ports`), so a VPC without flow logs pays nothing:
//! - an accounting chain at `forward` priority `filter + 20` sees exactly
//!   the packets the firewall (priority `filter`) and Block Public Access
//!   (`filter + 10`) let through: each is an `ACCEPT` egress at the port it
//!   came in by and an `ACCEPT` ingress at the port it leaves by;
//! - the firewall's drops go through [`DROP_OUT`] (the source ENI's own
//!   security group or its subnet's outbound ACL: a `REJECT` egress there)
//!   or [`DROP_IN`] (the destination's inbound ACL or security group: the
//!   packet did leave its source, an `ACCEPT` egress there, and is a
//!   `REJECT` ingress at the destination).
//!
//! Each count is an element of a dynamic set with a counter, keyed by the
//! port and the packet's 5-tuple (TCP and UDP with their ports, other
//! protocols by number with ports 0, as AWS writes ICMP). nft 1.0.6 cannot
//! key a set by more than five parts, so sets are split by family and by
//! TCP / UDP / other. Elements expire after [`IDLE_EXPIRY`] without a
//! packet. The data plane lists the sets every [`POLL`], and an
//! [`Aggregator`] turns counter growth into flows: a flow closes when a
//! poll finds no new packet for it, or when it has lasted one minute
//! (AWS: on Nitro instances the aggregation interval is at most one minute
//! whatever `MaxAggregationInterval` says).
//!
//! A packet the router has no route for is dropped before the forward
//! hook: a prerouting chain finds it (`fib ... oif missing`) and checks
//! its sender's side there ([`DROP_OUT`], else an `ACCEPT` egress), as the
//! engine does.
//!
//! Not counted, as AWS does not log them: traffic to the Amazon DNS server
//! and the VPC router's own addresses (they end in the router, not the
//! forward path).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::net::IpAddr;
use std::time::{Duration, SystemTime};

/// How often routers with flow-logged ports are read.
pub const POLL: Duration = Duration::from_secs(2);

/// The longest a flow runs before its record is written (AWS's interval
/// on Nitro instances).
pub const MAX_INTERVAL: Duration = Duration::from_secs(60);

/// How long a counted flow stays in a router's set without a packet.
pub const IDLE_EXPIRY: &str = "5m";

/// The verdict of a firewall drop on the source side (the sender's
/// security group, its subnet's outbound ACL).
pub const DROP_OUT: &str = "goto fl_drop_out";

/// The verdict of a firewall drop on the destination side (the receiver's
/// subnet's inbound ACL, its security group).
pub const DROP_IN: &str = "goto fl_drop_in";

/// Which way a packet crossed an interface, as a flow log record says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    Egress,
    Ingress,
}

impl Direction {
    /// AWS's `flow-direction` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Egress => "egress",
            Direction::Ingress => "ingress",
        }
    }
}

/// What the firewall did with the packets of a flow at one interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    Accept,
    Reject,
}

impl Action {
    /// AWS's `action` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Accept => "ACCEPT",
            Action::Reject => "REJECT",
        }
    }
}

/// The sets: (name part, action, direction, the port match).
const KINDS: [(&str, Action, Direction, &str); 4] = [
    ("acc_eg", Action::Accept, Direction::Egress, "iifname"),
    ("acc_in", Action::Accept, Direction::Ingress, "oifname"),
    ("rej_eg", Action::Reject, Direction::Egress, "iifname"),
    ("rej_in", Action::Reject, Direction::Ingress, "oifname"),
];

/// Address families: (suffix, set type, nft match, nft address field prefix).
const FAMILIES: [(&str, &str, &str, &str); 2] = [("4", "ipv4_addr", "ipv4", "ip"), ("6", "ipv6_addr", "ipv6", "ip6")];

/// Protocol classes: (suffix, the match, the key's tail type, the key's tail).
const CLASSES: [(&str, &str, &str, &str); 3] = [
    ("tcp", "meta l4proto tcp", "inet_service . inet_service", "th sport . th dport"),
    ("udp", "meta l4proto udp", "inet_service . inet_service", "th sport . th dport"),
    ("oth", "meta l4proto != { tcp, udp }", "inet_proto", "meta l4proto"),
];

/// The sets and chains that count flows, inside `table inet xvpc`; `ports`
/// are the router ports of flow-logged ENIs.
pub fn render(out: &mut String, ports: &[String]) {
    let elements = if ports.is_empty() { String::new() } else { format!(" elements = {{ {} }};", ports.iter().map(|p| format!("\"{p}\"")).collect::<Vec<_>>().join(", ")) };
    let _ = writeln!(out, "  set fl_ports {{ type ifname;{elements} }}");
    for (kind, _, _, port) in KINDS {
        let mut chain = format!("  chain fl_{kind} {{\n");
        for (fam, addr_type, nfproto, field) in FAMILIES {
            for (class, class_match, tail_type, tail) in CLASSES {
                let name = format!("fl_{kind}{fam}_{class}");
                let _ = writeln!(out, "  set {name} {{\n    type ifname . {addr_type} . {addr_type} . {tail_type}\n    flags dynamic,timeout\n    timeout {IDLE_EXPIRY}\n    counter\n  }}");
                let _ = writeln!(chain, "    meta nfproto {nfproto} {class_match} update @{name} {{ {port} . {field} saddr . {field} daddr . {tail} }}");
            }
        }
        let _ = writeln!(out, "{chain}  }}");
    }
    let _ = writeln!(out, "  chain fl_drop_out {{\n    iifname @fl_ports jump fl_rej_eg\n    drop\n  }}");
    let _ = writeln!(out, "  chain fl_drop_in {{\n    iifname @fl_ports jump fl_acc_eg\n    oifname @fl_ports jump fl_rej_in\n    drop\n  }}");
    let _ = writeln!(
        out,
        "  chain fl_count {{ type filter hook forward priority filter + 20; policy accept;\n    iifname @fl_ports jump fl_acc_eg\n    oifname @fl_ports jump fl_acc_in\n  }}"
    );
    // A packet the router has no route for never reaches the forward
    // hook: its sender's side (subnet outbound ACL, groups' egress) is
    // checked here instead, before routing drops it, as the engine checks
    // it before the route table.
    let _ = writeln!(
        out,
        "  chain fl_unrouted {{ type filter hook prerouting priority filter; policy accept;\n    iifname @fl_ports fib daddr type != local fib daddr . mark oif missing jump fl_unrouted_sender\n  }}\n  chain fl_unrouted_sender {{\n    iifname vmap @nacl_out\n    ct state {{ new, untracked }} iifname vmap @sg_out\n    jump fl_acc_eg\n  }}"
    );
}

/// Whether a router's rendered table counts for some flow log (its
/// `fl_ports` set has elements).
pub fn counts(nft: &str) -> bool {
    nft.contains("set fl_ports { type ifname; elements")
}

/// A flow's identity at one interface: the router port, what happened,
/// which way, and the 5-tuple.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub port: String,
    pub action: Action,
    pub direction: Direction,
    pub protocol: u8,
    pub src: IpAddr,
    pub dst: IpAddr,
    pub sport: u16,
    pub dport: u16,
}

/// A counter read from a router: the key and its totals so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    pub key: Key,
    pub packets: u64,
    pub bytes: u64,
}

/// Reads `nft -j -n list sets inet` (numeric output): the counters of the
/// flow sets of `table inet xvpc`.
pub fn parse(json: &str) -> Vec<Reading> {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(json) else { return Vec::new() };
    let mut out = Vec::new();
    for item in v.get("nftables").and_then(|n| n.as_array()).into_iter().flatten() {
        let Some(set) = item.get("set") else { continue };
        if set.get("table").and_then(|t| t.as_str()) != Some(crate::firewall::TABLE) {
            continue;
        }
        let Some(name) = set.get("name").and_then(|n| n.as_str()).and_then(|n| n.strip_prefix("fl_")) else { continue };
        let Some((_, action, direction, _)) = KINDS.iter().find(|k| name.starts_with(k.0)) else { continue };
        let class = &name[name.len().saturating_sub(3)..];
        let fixed = match class {
            "tcp" => Some(6),
            "udp" => Some(17),
            _ => None,
        };
        for e in set.get("elem").and_then(|e| e.as_array()).into_iter().flatten() {
            let e = e.get("elem").unwrap_or(e);
            let (Some(parts), Some(counter)) = (e.get("val").and_then(|v| v.get("concat")).and_then(|c| c.as_array()), e.get("counter")) else { continue };
            let num = |i: usize| parts.get(i).and_then(|p| p.as_u64());
            let addr = |i: usize| parts.get(i).and_then(|p| p.as_str()).and_then(|s| s.parse::<IpAddr>().ok());
            let (Some(port), Some(src), Some(dst)) = (parts.first().and_then(|p| p.as_str()), addr(1), addr(2)) else { continue };
            let (protocol, sport, dport) = match fixed {
                Some(p) => (p, num(3).unwrap_or(0) as u16, num(4).unwrap_or(0) as u16),
                None => (num(3).unwrap_or(0) as u8, 0, 0),
            };
            out.push(Reading {
                key: Key { port: port.to_string(), action: *action, direction: *direction, protocol, src, dst, sport, dport },
                packets: counter.get("packets").and_then(|p| p.as_u64()).unwrap_or(0),
                bytes: counter.get("bytes").and_then(|p| p.as_u64()).unwrap_or(0),
            });
        }
    }
    out
}

/// A flow seen at one interface over one aggregation interval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flow {
    /// The router namespace that counted it.
    pub router: String,
    pub key: Key,
    pub packets: u64,
    pub bytes: u64,
    /// When its first and last packets were counted (to a poll's accuracy).
    pub start: SystemTime,
    pub end: SystemTime,
}

impl Flow {
    /// The flow as the engine's flow log records take it, seen at `eni_id`
    /// (times in seconds of the host's clock).
    pub fn seen(&self, eni_id: String) -> xvpc_reach::flow_log::Seen {
        let secs = |t: SystemTime| t.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
        xvpc_reach::flow_log::Seen {
            eni_id,
            direction: self.key.direction.as_str(),
            action: self.key.action.as_str(),
            protocol: self.key.protocol,
            src: self.key.src,
            dst: self.key.dst,
            sport: self.key.sport,
            dport: self.key.dport,
            packets: self.packets,
            bytes: self.bytes,
            start: secs(self.start),
            end: secs(self.end),
        }
    }
}

/// Turns successive readings of the routers' counters into flows.
#[derive(Debug, Default)]
pub struct Aggregator {
    /// The counters as last read, per router and key.
    last: BTreeMap<(String, Key), (u64, u64)>,
    /// Flows still running.
    open: BTreeMap<(String, Key), Flow>,
}

impl Aggregator {
    /// Takes one poll of `router` at `now`: counter growth extends or opens
    /// flows. A counter below its last value belongs to an element that
    /// expired and came back: all of it is new.
    pub fn read(&mut self, router: &str, readings: Vec<Reading>, now: SystemTime) {
        let mut seen = BTreeMap::new();
        for r in readings {
            let id = (router.to_string(), r.key.clone());
            let (p0, b0) = self.last.get(&id).copied().unwrap_or((0, 0));
            let (dp, db) = if r.packets >= p0 { (r.packets - p0, r.bytes.saturating_sub(b0)) } else { (r.packets, r.bytes) };
            seen.insert(id.clone(), (r.packets, r.bytes));
            if dp == 0 {
                continue;
            }
            let f = self.open.entry(id).or_insert_with(|| Flow { router: router.to_string(), key: r.key, packets: 0, bytes: 0, start: now, end: now });
            f.packets += dp;
            f.bytes += db;
            f.end = now;
        }
        self.last.retain(|(r, _), _| r != router);
        self.last.extend(seen);
    }

    /// Forgets a router that is gone (its counters went with it).
    pub fn forget(&mut self, router: &str) {
        self.last.retain(|(r, _), _| r != router);
    }

    /// The flows whose record is due at `now`: idle since the last poll
    /// (`end` before `now`), or running for [`MAX_INTERVAL`].
    pub fn due(&mut self, now: SystemTime) -> Vec<Flow> {
        let done: Vec<(String, Key)> = self
            .open
            .iter()
            .filter(|(_, f)| f.end < now || now.duration_since(f.start).is_ok_and(|d| d >= MAX_INTERVAL))
            .map(|(k, _)| k.clone())
            .collect();
        done.into_iter().filter_map(|k| self.open.remove(&k)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(port: &str, action: Action, direction: Direction) -> Key {
        Key { port: port.into(), action, direction, protocol: 6, src: "10.0.1.10".parse().unwrap(), dst: "10.0.2.10".parse().unwrap(), sport: 40000, dport: 80 }
    }

    #[test]
    fn render_counts_only_flow_logged_ports_and_routes_drops_through_the_reject_chains() {
        let mut out = String::new();
        render(&mut out, &["e1".into()]);
        assert!(out.contains("set fl_ports { type ifname; elements = { \"e1\" }; }"), "{out}");
        assert!(out.contains("meta nfproto ipv4 meta l4proto tcp update @fl_acc_eg4_tcp { iifname . ip saddr . ip daddr . th sport . th dport }"), "{out}");
        assert!(out.contains("meta nfproto ipv6 meta l4proto != { tcp, udp } update @fl_rej_in6_oth { oifname . ip6 saddr . ip6 daddr . meta l4proto }"), "{out}");
        assert!(out.contains("priority filter + 20"), "{out}");
        assert!(counts(&out));
        let mut none = String::new();
        render(&mut none, &[]);
        assert!(none.contains("set fl_ports { type ifname; }"), "{none}");
        assert!(!counts(&none));
    }

    #[test]
    fn parse_reads_numeric_listings_of_xvpc_flow_sets_only() {
        let json = r#"{"nftables": [{"metainfo": {}},
          {"set": {"family": "inet", "name": "fl_acc_eg4_tcp", "table": "xvpc", "elem": [{"elem": {"val": {"concat": ["e1", "10.0.1.10", "10.0.2.10", 40000, 80]}, "expires": 58, "counter": {"packets": 6, "bytes": 412}}}]}},
          {"set": {"family": "inet", "name": "fl_rej_in6_oth", "table": "xvpc", "elem": [{"elem": {"val": {"concat": ["e2", "fd00::1", "fd00::2", 58]}, "counter": {"packets": 1, "bytes": 104}}}]}},
          {"set": {"family": "inet", "name": "fl_acc_in4_udp", "table": "other", "elem": [{"elem": {"val": {"concat": ["e1", "10.0.1.10", "10.0.2.10", 1, 2]}, "counter": {"packets": 1, "bytes": 1}}}]}},
          {"set": {"family": "inet", "name": "ports_s1", "table": "xvpc", "elem": ["e1"]}}]}"#;
        let r = parse(json);
        assert_eq!(r.len(), 2, "{r:?}");
        assert_eq!(r[0], Reading { key: key("e1", Action::Accept, Direction::Egress), packets: 6, bytes: 412 });
        assert_eq!(r[1].key.action, Action::Reject);
        assert_eq!(r[1].key.direction, Direction::Ingress);
        assert_eq!((r[1].key.protocol, r[1].key.sport, r[1].key.dport), (58, 0, 0));
        assert_eq!(parse("not json"), vec![]);
    }

    #[test]
    fn a_flow_closes_when_a_poll_finds_nothing_new_or_after_a_minute() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let at = |s: u64| t0 + Duration::from_secs(s);
        let k = key("e1", Action::Accept, Direction::Egress);
        let mut a = Aggregator::default();
        a.read("r", vec![Reading { key: k.clone(), packets: 3, bytes: 300 }], at(0));
        assert!(a.due(at(0)).is_empty(), "still running");
        a.read("r", vec![Reading { key: k.clone(), packets: 5, bytes: 500 }], at(2));
        assert!(a.due(at(2)).is_empty());
        a.read("r", vec![Reading { key: k.clone(), packets: 5, bytes: 500 }], at(4));
        let f = a.due(at(4));
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].packets, f[0].bytes, f[0].start, f[0].end), (5, 500, at(0), at(2)));
        // Later packets of the same 5-tuple are a new record; an element
        // that expired and came back counts from zero.
        a.read("r", vec![Reading { key: k.clone(), packets: 2, bytes: 200 }], at(10));
        for s in (12..=70).step_by(2) {
            a.read("r", vec![Reading { key: k.clone(), packets: 2 + s, bytes: 200 + s }], at(s));
            if s < 70 {
                assert!(a.due(at(s)).is_empty(), "at {s}");
            }
        }
        let f = a.due(at(70));
        assert_eq!((f[0].packets, f[0].start, f[0].end), (72, at(10), at(70)), "a minute at most");
    }
}
