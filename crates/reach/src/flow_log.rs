//! The flow log records AWS would write for an analysed flow.
//!
//! A flow log records traffic at network interfaces: each interface on the
//! path that a flow log covers (its own, its subnet's or its VPC's) writes
//! one record per direction it sees. For an analysed connection:
//! - the source interface sees the request leave (egress): `REJECT` when its
//!   own security group or its subnet's ACL stops it, else `ACCEPT`;
//! - if the request gets past the routers, the destination interface sees
//!   it arrive (ingress): `REJECT` when its subnet's ACL or its security
//!   group stops it, else `ACCEPT`;
//! - an accepted request is answered: the destination interface sees the
//!   reply leave and the source interface sees it arrive, each `REJECT`
//!   when its subnet's ACL stops it (security groups are stateful).
//!
//! A REJECT names the blocker the analysis names for that component (in
//! [`Observation::blocker`], for `/_xvpc/flow-logs`; AWS's record has no
//! such field). The record stands for the flow's first packet.

use std::net::IpAddr;

use xvpc_model::flow_log::{self, Record};
use xvpc_model::State;

use crate::component::{Hop, Kind, Verdict};
use crate::{Analysis, Blocker, Endpoint};

/// What one interface saw of the flow.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub eni: String,
    /// `egress` or `ingress`, as the interface sees it.
    pub direction: &'static str,
    /// The reply (destination to source) rather than the request.
    pub reply: bool,
    /// `ACCEPT` or `REJECT`.
    pub action: &'static str,
    /// For a REJECT: the analysis' blocker that stops it there.
    pub blocker: Option<Blocker>,
}

/// The interfaces that see an analysed flow, in the order the packets
/// meet them, and what each did.
pub fn observe(a: &Analysis) -> Vec<Observation> {
    let mut out = Vec::new();
    let stopped = |id: &str| a.blockers.iter().any(|b| b.component.kind == Kind::Instance && b.component.id == id);
    if let Endpoint::Instance(id) = &a.query.source {
        if stopped(id) {
            return out; // a stopped instance sends nothing
        }
    }
    let fwd = &a.forward;
    let Some(src) = fwd.iter().position(|h| h.component.kind == Kind::NetworkInterface) else {
        return out;
    };
    let src_id = fwd[src].component.id.clone();
    let dst = fwd.iter().rposition(|h| h.component.kind == Kind::NetworkInterface).filter(|&d| d > src);
    let is_rule = |h: &Hop| matches!(h.component.kind, Kind::SecurityGroup | Kind::NetworkAcl);
    let src_end = src + 1 + fwd[src + 1..].iter().take_while(|h| is_rule(h)).count();
    let see = |eni: &str, direction, reply, hops: &[Hop]| {
        let blocked = hops.iter().find(|h| h.verdict == Verdict::Block);
        Observation {
            eni: eni.to_string(),
            direction,
            reply,
            action: if blocked.is_some() { "REJECT" } else { "ACCEPT" },
            blocker: blocked.and_then(|h| a.blockers.iter().find(|b| b.component.id == h.component.id).or(a.blockers.first()).cloned()),
        }
    };
    let first = see(&src_id, "egress", false, &fwd[src + 1..src_end]);
    let rejected = first.action == "REJECT";
    out.push(first);
    let Some(dst) = dst.filter(|_| !rejected) else {
        return out;
    };
    let dst_id = fwd[dst].component.id.clone();
    let dst_start = dst - fwd[src_end..dst].iter().rev().take_while(|h| is_rule(h)).count();
    let dest_stopped = match &a.query.destination {
        Endpoint::Instance(id) => stopped(id),
        _ => false,
    };
    if fwd[src_end..dst_start].iter().any(|h| h.verdict == Verdict::Block) || dest_stopped {
        return out; // dropped between the interfaces
    }
    let arrive = see(&dst_id, "ingress", false, &fwd[dst_start..dst]);
    let rejected = arrive.action == "REJECT";
    out.push(arrive);
    if rejected {
        return out;
    }
    // The reply: the return path runs from the destination interface back.
    let ret = &a.return_path;
    let (Some(r0), Some(r1)) = (
        ret.iter().position(|h| h.component.id == dst_id),
        ret.iter().rposition(|h| h.component.id == src_id),
    ) else {
        return out;
    };
    if r1 <= r0 {
        return out;
    }
    let out_end = r0 + 1 + ret[r0 + 1..r1].iter().take_while(|h| is_rule(h)).count();
    let leave = see(&dst_id, "egress", true, &ret[r0 + 1..out_end]);
    let rejected = leave.action == "REJECT";
    out.push(leave);
    let in_start = r1 - ret[out_end..r1].iter().rev().take_while(|h| is_rule(h)).count();
    if rejected || ret[out_end..in_start].iter().any(|h| h.verdict == Verdict::Block) {
        return out;
    }
    out.push(see(&src_id, "ingress", true, &ret[in_start..r1]));
    if !a.reachable && out.iter().all(|o| o.action == "ACCEPT") {
        // A blocker the hops do not show (none known today): claim no more
        // than the request leaving.
        out.truncate(1);
    }
    out
}

/// A record for one flow log, with the blocker behind a REJECT.
#[derive(Debug, Clone)]
pub struct FlowRecord {
    pub flow_log_id: String,
    pub record: Record,
    pub blocker: Option<Blocker>,
}

/// The records every covering flow log writes for an analysed flow, at
/// `now_s` (seconds), the client using source port `sport`.
pub fn records(state: &State, a: &Analysis, now_s: i64, sport: u16) -> Vec<FlowRecord> {
    let (Some(src_ip), Some(dst_ip)) = (a.source_ip, a.destination_ip) else {
        return Vec::new();
    };
    let ports = xvpc_model::IpProtocol::from_number(a.query.protocol).has_ports();
    let (sport, dport) = if ports { (sport, a.query.port) } else { (0, 0) };
    let mut out = Vec::new();
    for o in observe(a) {
        let Some(eni) = state.network_interfaces.get(&o.eni) else { continue };
        let (s, d, sp, dp): (IpAddr, IpAddr, u16, u16) = if o.reply { (dst_ip, src_ip, dport, sport) } else { (src_ip, dst_ip, sport, dport) };
        let record = Record {
            account_id: eni.owner.clone(),
            interface_id: eni.id.clone(),
            vpc_id: eni.vpc_id.clone(),
            subnet_id: eni.subnet_id.clone(),
            instance_id: eni.attachment.as_ref().map(|at| at.instance_id.clone()),
            srcaddr: s,
            dstaddr: d,
            srcport: sp,
            dstport: dp,
            protocol: a.query.protocol,
            packets: 1,
            bytes: first_packet_bytes(a.query.protocol, s.is_ipv6()),
            start: now_s,
            end: now_s,
            action: o.action.to_string(),
            flow_direction: o.direction.to_string(),
            region: eni.region.clone(),
            az_id: state.subnets.get(&eni.subnet_id).map(|s| s.availability_zone_id.clone()),
        };
        for f in flow_log::covering(state, eni).filter(|f| f.records(o.action)) {
            out.push(FlowRecord { flow_log_id: f.id.clone(), record: record.clone(), blocker: o.blocker.clone() });
        }
    }
    out
}

/// The size of a connection's first packet: a TCP SYN with Linux's
/// options, a bare UDP datagram, an ICMP echo of `ping`'s default size.
fn first_packet_bytes(protocol: u8, v6: bool) -> u64 {
    let ip = if v6 { 40 } else { 20 };
    ip + match protocol {
        6 => 40,
        17 => 8,
        1 | 58 => 64,
        _ => 0,
    }
}
