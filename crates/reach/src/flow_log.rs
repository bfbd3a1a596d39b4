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
use xvpc_model::network_interface::NetworkInterface;
use xvpc_model::State;

use crate::component::{Hop, Kind, Verdict};
use crate::{Analysis, Blocker, Endpoint, Query};

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
    // An interface's own rules: its security groups and its subnet's ACL.
    // Another subnet's ACL next to them (a transit gateway attachment
    // subnet's, a NAT gateway's) stands between the interfaces: a packet it
    // refuses never reaches the interface beyond it.
    let owns = |eni: &Hop, h: &Hop| match h.component.kind {
        Kind::SecurityGroup => true,
        Kind::NetworkAcl => h.subnet.is_some() && h.subnet == eni.subnet,
        _ => false,
    };
    let src_end = src + 1 + fwd[src + 1..].iter().take_while(|h| owns(&fwd[src], h)).count();
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
    let dst_start = dst - fwd[src_end..dst].iter().rev().take_while(|h| owns(&fwd[dst], h)).count();
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
    // A request refused past the interfaces' rules (a NAT gateway takes no
    // connection to itself) is never answered.
    if rejected || a.blockers.iter().any(|b| b.direction == crate::Direction::Forward) {
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
    let out_end = r0 + 1 + ret[r0 + 1..r1].iter().take_while(|h| owns(&ret[r0], h)).count();
    let leave = see(&dst_id, "egress", true, &ret[r0 + 1..out_end]);
    let rejected = leave.action == "REJECT";
    out.push(leave);
    let in_start = r1 - ret[out_end..r1].iter().rev().take_while(|h| owns(&ret[r1], h)).count();
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
    let translated = translated_source(state, a);
    let source_eni = a.forward.iter().find(|h| h.component.kind == Kind::NetworkInterface).map(|h| h.component.id.clone());
    let mut out = Vec::new();
    for o in observe(a) {
        let Some(eni) = state.network_interfaces.get(&o.eni) else { continue };
        let client = if Some(&o.eni) == source_eni.as_ref() { src_ip } else { translated.unwrap_or(src_ip) };
        let (s, d, sp, dp): (IpAddr, IpAddr, u16, u16) = if o.reply { (dst_ip, client, dport, sport) } else { (client, dst_ip, sport, dport) };
        let seen = Seen {
            eni_id: o.eni.clone(),
            direction: o.direction,
            action: o.action,
            protocol: a.query.protocol,
            src: s,
            dst: d,
            sport: sp,
            dport: dp,
            packets: 1,
            bytes: first_packet_bytes(a.query.protocol, s.is_ipv6()),
            start: now_s,
            end: now_s,
        };
        let record = record(state, eni, &seen);
        for f in flow_log::covering(state, eni).filter(|f| f.records(o.action)) {
            out.push(FlowRecord { flow_log_id: f.id.clone(), record: record.clone(), blocker: o.blocker.clone() });
        }
    }
    out
}

/// The source address the destination sees when the request crosses a
/// NAT gateway: the gateway's own.
pub fn translated_source(state: &State, a: &Analysis) -> Option<IpAddr> {
    a.forward
        .iter()
        .find_map(|h| state.nat_gateways.get(&h.component.id))
        .and_then(|n| n.network_interface_id.as_ref())
        .and_then(|e| state.network_interfaces.get(e))
        .map(|e| IpAddr::V4(e.private_ip))
}

/// A flow as the data plane saw it at one interface.
#[derive(Debug, Clone, PartialEq)]
pub struct Seen {
    pub eni_id: String,
    /// `egress` or `ingress`.
    pub direction: &'static str,
    /// `ACCEPT` or `REJECT`.
    pub action: &'static str,
    pub protocol: u8,
    pub src: IpAddr,
    pub dst: IpAddr,
    pub sport: u16,
    pub dport: u16,
    pub packets: u64,
    pub bytes: u64,
    /// Seconds since the epoch (the emulated clock).
    pub start: i64,
    pub end: i64,
}

/// The record of a flow seen at an interface.
fn record(state: &State, eni: &NetworkInterface, s: &Seen) -> Record {
    Record {
        account_id: eni.owner.clone(),
        interface_id: eni.id.clone(),
        vpc_id: eni.vpc_id.clone(),
        subnet_id: eni.subnet_id.clone(),
        instance_id: eni.attachment.as_ref().map(|at| at.instance_id.clone()),
        srcaddr: s.src,
        dstaddr: s.dst,
        srcport: s.sport,
        dstport: s.dport,
        protocol: s.protocol,
        packets: s.packets,
        bytes: s.bytes,
        start: s.start,
        end: s.end,
        action: s.action.to_string(),
        flow_direction: s.direction.to_string(),
        region: eni.region.clone(),
        az_id: state.subnets.get(&eni.subnet_id).map(|s| s.availability_zone_id.clone()),
    }
}

/// The records every covering flow log writes for flows the data plane
/// saw (`now_ms`: the emulated clock, for the engine). A REJECT carries the
/// blocker the engine names for that packet at that interface
/// ([`blocker_of`]): the engine decides, the packets only show where.
pub fn packet_records(state: &State, now_ms: i64, seen: Vec<Seen>) -> Vec<FlowRecord> {
    let mut out = Vec::new();
    for s in seen {
        let Some(eni) = state.network_interfaces.get(&s.eni_id) else { continue };
        let logs: Vec<&flow_log::FlowLog> = flow_log::covering(state, eni).filter(|f| f.records(s.action)).collect();
        if logs.is_empty() {
            continue;
        }
        let blocker = if s.action == "REJECT" { blocker_of(state, now_ms, eni, &s) } else { None };
        let record = record(state, eni, &s);
        for f in logs {
            out.push(FlowRecord { flow_log_id: f.id.clone(), record: record.clone(), blocker: blocker.clone() });
        }
    }
    out
}

/// The blocker `trace` names for a packet refused at `eni`: the engine's
/// analysis of the packet as a connection's request (from its source to
/// its destination port), else as the reply of a connection the other way
/// (a stateless ACL refusing the answer). `None` when the engine sees no
/// refusal there.
pub fn blocker_of(state: &State, now_ms: i64, eni: &NetworkInterface, s: &Seen) -> Option<Blocker> {
    // An address's endpoint: this interface, another interface holding it
    // (this VPC's first), else an address outside (the internet).
    let end = |ip: IpAddr| -> Endpoint {
        if eni.holds(ip) {
            return Endpoint::NetworkInterface(eni.id.clone());
        }
        let mut holders: Vec<&NetworkInterface> = state.network_interfaces.values().filter(|e| e.region == eni.region && e.holds(ip)).collect();
        holders.sort_by_key(|e| e.vpc_id != eni.vpc_id);
        holders.first().map_or(Endpoint::Ip(ip), |e| Endpoint::NetworkInterface(e.id.clone()))
    };
    let analyze = |from: IpAddr, to: IpAddr, port: u16| {
        let query = Query { source: end(from), destination: end(to), protocol: s.protocol, port, source_ip: Some(from), destination_ip: Some(to) };
        crate::analyze(state, now_ms, &query).ok()
    };
    let at_eni = |a: &Analysis, reply: bool| {
        observe(a).into_iter().find(|o| o.eni == eni.id && o.direction == s.direction && o.reply == reply && o.action == "REJECT").and_then(|o| o.blocker)
    };
    let request = analyze(s.src, s.dst, s.dport);
    request
        .as_ref()
        .and_then(|a| at_eni(a, false))
        .or_else(|| analyze(s.dst, s.src, s.sport).and_then(|a| at_eni(&a, true)))
        // An interface between the ends (a NAT gateway's) is no
        // observation point of the engine's: the request's first rule
        // blocker, as `trace` lists it.
        .or_else(|| request?.blockers.into_iter().find(|b| matches!(b.component.kind, Kind::SecurityGroup | Kind::NetworkAcl)))
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

#[cfg(test)]
mod tests {
    use xvpc_model::IpProtocol;

    use super::*;
    use crate::synthetic::Builder;
    use crate::tests::{tcp, A, R};

    /// (interface, direction, reply, action, blocker's component) per observation.
    fn seen(a: &Analysis) -> Vec<(String, &'static str, bool, &'static str, Option<String>)> {
        observe(a).into_iter().map(|o| (o.eni, o.direction, o.reply, o.action, o.blocker.map(|b| b.component.id))).collect()
    }

    /// Web (80 open from the VPC) in one subnet, a client in another.
    fn world() -> (Builder, String, String, String, String, String, String) {
        let mut b = Builder::new();
        let v = b.vpc(A, R, "10.0.0.0/16");
        let s1 = b.subnet(&v, "10.0.1.0/24", "us-east-1a");
        let s2 = b.subnet(&v, "10.0.2.0/24", "us-east-1b");
        let web = b.group(&v);
        b.allow(&web, false, IpProtocol::All, None, "0.0.0.0/0");
        b.allow(&web, true, IpProtocol::Tcp, Some((80, 80)), "10.0.0.0/16");
        let client = b.group(&v);
        let i_web = b.instance(&s1, "10.0.1.10", &[&web]);
        let i_client = b.instance(&s2, "10.0.2.10", &[&client]);
        let (we, ce) = (b.state.instances[&i_web].primary_eni.clone(), b.state.instances[&i_client].primary_eni.clone());
        (b, i_client, i_web, ce, we, client, s1)
    }

    #[test]
    fn a_group_stopping_the_request_at_the_source_is_its_only_record() {
        let (mut b, client, web, ce, _, client_sg, _) = world();
        let a = tcp(&b, &client, &web, 80);
        assert_eq!(seen(&a), vec![(ce.clone(), "egress", false, "REJECT", Some(client_sg.clone()))]);
        b.allow(&client_sg, false, IpProtocol::All, None, "0.0.0.0/0");
        let a = tcp(&b, &client, &web, 80);
        assert!(a.reachable);
        let actions: Vec<_> = seen(&a).into_iter().map(|s| (s.1, s.2, s.3)).collect();
        assert_eq!(actions, vec![("egress", false, "ACCEPT"), ("ingress", false, "ACCEPT"), ("egress", true, "ACCEPT"), ("ingress", true, "ACCEPT")]);
    }

    #[test]
    fn an_acl_dropping_the_reply_is_a_reject_where_it_leaves() {
        let (mut b, client, web, ce, we, client_sg, s1) = world();
        b.allow(&client_sg, false, IpProtocol::All, None, "0.0.0.0/0");
        let acl = b.acl_for(&s1);
        b.acl_entry(&acl, 100, false, IpProtocol::Tcp, true, "10.0.0.0/16", Some((80, 80)));
        let a = tcp(&b, &client, &web, 80);
        assert_eq!(
            seen(&a),
            vec![
                (ce, "egress", false, "ACCEPT", None),
                (we.clone(), "ingress", false, "ACCEPT", None),
                (we, "egress", true, "REJECT", Some(acl)),
            ]
        );
    }

    fn refused(eni: &str, direction: &'static str, src: &str, dst: &str, sport: u16, dport: u16) -> Seen {
        Seen { eni_id: eni.into(), direction, action: "REJECT", protocol: 6, src: src.parse().unwrap(), dst: dst.parse().unwrap(), sport, dport, packets: 2, bytes: 120, start: 10, end: 12 }
    }

    #[test]
    fn a_packet_refused_by_the_destination_group_names_that_group() {
        let (mut b, _, _, _, we, client_sg, _) = world();
        b.allow(&client_sg, false, IpProtocol::All, None, "0.0.0.0/0");
        let web_sg = b.state.network_interfaces[&we].groups[0].clone();
        let eni = &b.state.network_interfaces[&we];
        let blocker = blocker_of(&b.state, 0, eni, &refused(&we, "ingress", "10.0.2.10", "10.0.1.10", 40000, 8080));
        assert_eq!(blocker.map(|b| b.component.id), Some(web_sg));
        // Port 80 is open: the engine sees no refusal, so names nobody.
        assert_eq!(blocker_of(&b.state, 0, eni, &refused(&we, "ingress", "10.0.2.10", "10.0.1.10", 40000, 80)), None);
    }

    #[test]
    fn a_refused_reply_names_the_acl_that_refuses_it() {
        let (mut b, _, _, _, we, client_sg, s1) = world();
        b.allow(&client_sg, false, IpProtocol::All, None, "0.0.0.0/0");
        let acl = b.acl_for(&s1);
        b.acl_entry(&acl, 100, false, IpProtocol::Tcp, true, "10.0.0.0/16", Some((80, 80)));
        let eni = &b.state.network_interfaces[&we];
        let blocker = blocker_of(&b.state, 0, eni, &refused(&we, "egress", "10.0.1.10", "10.0.2.10", 80, 40000));
        assert_eq!(blocker.map(|b| b.component.id), Some(acl));
        // Without a flow log covering the interface, nothing is recorded.
        assert!(packet_records(&b.state, 0, vec![refused(&we, "egress", "10.0.1.10", "10.0.2.10", 80, 40000)]).is_empty());
    }

    #[test]
    fn past_a_private_nat_gateway_the_destination_records_the_gateway_address() {
        let mut b = Builder::new();
        let va = b.vpc(A, R, "10.0.0.0/16");
        let nat_subnet = b.subnet(&va, "10.0.1.0/24", "us-east-1a");
        let app_subnet = b.subnet(&va, "10.0.2.0/24", "us-east-1a");
        let db_subnet = b.subnet(&va, "10.0.3.0/24", "us-east-1a");
        let nat = b.nat_gateway(&nat_subnet, "10.0.1.5", None);
        let app_table = b.table_for(&app_subnet);
        b.route(&app_table, "10.0.3.0/24", &nat);
        let g = b.group(&va);
        b.allow(&g, false, IpProtocol::All, None, "0.0.0.0/0");
        b.allow(&g, true, IpProtocol::All, None, "0.0.0.0/0");
        let app = b.instance(&app_subnet, "10.0.2.10", &[&g]);
        let db = b.instance(&db_subnet, "10.0.3.10", &[&g]);
        let ctx = xvpc_model::Ctx::new(A, R, 0);
        let input = flow_log::CreateFlowLogs {
            resource_type: "VPC".into(),
            resource_ids: vec![va.clone()],
            traffic_type: Some("ALL".into()),
            destination_type: Some("s3".into()),
            destination: Some("file:///nonexistent".into()),
            ..Default::default()
        };
        let (ch, _) = flow_log::create(&b.state, &ctx, input).unwrap();
        ch.events.into_iter().for_each(|e| b.state.apply(e));
        let a = tcp(&b, &app, &db, 80);
        let ids: Vec<&str> = a.forward.iter().map(|h| h.component.id.as_str()).collect();
        if !a.reachable || !ids.contains(&nat.as_str()) {
            panic!("the path goes through the gateway: {ids:?} {:?}", a.blockers);
        }
        let db_eni = b.state.instances[&db].primary_eni.clone();
        let app_eni = b.state.instances[&app].primary_eni.clone();
        let at = |eni: &str, dir: &str| records(&b.state, &a, 0, 40000).into_iter().find(|r| r.record.interface_id == eni && r.record.flow_direction == dir && r.record.dstport == 80).map(|r| r.record.srcaddr.to_string());
        assert_eq!(at(&app_eni, "egress").as_deref(), Some("10.0.2.10"));
        assert_eq!(at(&db_eni, "ingress").as_deref(), Some("10.0.1.5"));
    }
}
