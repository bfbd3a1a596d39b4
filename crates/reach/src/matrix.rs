//! All-pairs reachability on equivalence classes.
//!
//! Two ENIs behave identically as sources and as destinations when they sit
//! in the same subnet (same route table, same ACL, same VPC), carry the same
//! security groups, are in the same instance state, and their addresses fall
//! in the same blocks of every rule or route more specific than the subnet
//! (only such a block can tell two addresses of one subnet apart). The
//! matrix is computed once per pair of classes, with a boolean-only walk
//! ([`reachable`]) that shares its decisions with the full analysis, and
//! expanded to members on demand.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};

use serde::Serialize;
use xvpc_model::cidr::Ipv4Net;
use xvpc_model::network_interface::NetworkInterface;
use xvpc_model::route_table::{Destination, Route};
use xvpc_model::subnet::Subnet;
use xvpc_model::State;

use crate::network_acl::{self, AclVerdict};
use crate::routing;
use crate::security_group::{self, Peer, SgVerdict};
use crate::topology::Topology;
use crate::EPHEMERAL_PORTS;

/// One equivalence class and a representative member.
#[derive(Debug, Clone, Serialize)]
pub struct Class {
    pub subnet: String,
    pub groups: Vec<String>,
    /// The representative ENI.
    pub eni: String,
    pub members: usize,
}

/// The class-level matrix: `reachable[i][j]` for class `i` to class `j`.
#[derive(Debug, Clone, Serialize)]
pub struct ClassMatrix {
    pub classes: Vec<Class>,
    /// The class of each ENI given.
    pub class_of: HashMap<String, usize>,
    pub reachable: Vec<Row>,
}

impl ClassMatrix {
    /// Whether ENI `a` reaches ENI `b`.
    pub fn get(&self, a: &str, b: &str) -> Option<bool> {
        Some(self.reachable[*self.class_of.get(a)?].get(*self.class_of.get(b)?))
    }
}

/// One row of the matrix: the classes one class reaches. Kept sparse: an
/// organisation of 40,000 classes has 1.6 billion pairs, almost all
/// unreachable (a dense row of booleans took 2 GB there). `row[j]` reads
/// like the dense row did; it serialises as the dense list.
#[derive(Debug, Clone, Default)]
pub struct Row {
    len: usize,
    /// Reached classes, ascending.
    to: Vec<u32>,
}

impl Row {
    /// Whether this class reaches class `j`.
    pub fn get(&self, j: usize) -> bool {
        u32::try_from(j).is_ok_and(|j| self.to.binary_search(&j).is_ok())
    }

    /// The number of classes (reached or not).
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The classes reached, ascending.
    pub fn reached(&self) -> impl Iterator<Item = usize> + '_ {
        self.to.iter().map(|&j| j as usize)
    }

    /// Every column, as the dense row.
    pub fn iter(&self) -> impl Iterator<Item = &'static bool> + '_ {
        (0..self.len).map(|j| if self.get(j) { &true } else { &false })
    }
}

impl std::ops::Index<usize> for Row {
    type Output = bool;
    fn index(&self, j: usize) -> &bool {
        if self.get(j) {
            &true
        } else {
            &false
        }
    }
}

impl Serialize for Row {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// Blocks more specific than a subnet that overlap it, per subnet.
fn splitting_blocks(state: &State) -> HashMap<&str, Vec<Ipv4Net>> {
    let mut all: Vec<Ipv4Net> = Vec::new();
    for g in state.security_groups.values() {
        for r in g.ingress.iter().chain(&g.egress) {
            if let xvpc_model::security_group::RulePeer::Cidr(c) = &r.peer {
                all.push(*c);
            }
        }
    }
    for a in state.network_acls.values() {
        all.extend(a.entries.iter().filter_map(|e| e.ipv4_cidr()));
    }
    for t in state.route_tables.values() {
        all.extend(t.routes.iter().filter_map(|r| match &r.destination {
            Destination::Cidr(xvpc_model::cidr::IpNet::V4(c)) => Some(*c),
            _ => None,
        }));
    }
    all.sort();
    all.dedup();
    let mut out = HashMap::new();
    for s in state.subnets.values() {
        // An IPv6-only subnet holds no interface the matrix ranks.
        let Some(block) = s.cidr else { continue };
        let v: Vec<Ipv4Net> = all.iter().filter(|c| c.prefix_len() > block.prefix_len() && xvpc_model::cidr::overlaps(c, &block)).copied().collect();
        out.insert(s.id.as_str(), v);
    }
    out
}

/// Groups `enis` into classes.
pub fn classes<'a>(state: &'a State, enis: &[&'a NetworkInterface]) -> (Vec<Class>, HashMap<String, usize>) {
    let split = splitting_blocks(state);
    let running = |e: &NetworkInterface| match &e.attachment {
        Some(a) => state.instances.get(&a.instance_id).map(|i| i.state.is_running()).unwrap_or(true),
        None => true,
    };
    let mut index: HashMap<(String, Vec<String>, Vec<bool>, bool), usize> = HashMap::new();
    let mut out: Vec<Class> = Vec::new();
    let mut class_of = HashMap::new();
    for e in enis {
        let mut groups = e.groups.clone();
        groups.sort();
        let sig: Vec<bool> = split.get(e.subnet_id.as_str()).map(|v| v.iter().map(|c| c.contains(&e.private_ip)).collect()).unwrap_or_default();
        let key = (e.subnet_id.clone(), groups.clone(), sig, running(e));
        let i = *index.entry(key).or_insert_with(|| {
            out.push(Class { subnet: e.subnet_id.clone(), groups, eni: e.id.clone(), members: 0 });
            out.len() - 1
        });
        out[i].members += 1;
        class_of.insert(e.id.clone(), i);
    }
    (out, class_of)
}

/// The matrix over `enis` (all ENIs when empty) for `proto`/`port`.
pub fn matrix(state: &State, now: i64, enis: &[String], proto: u8, port: u16) -> ClassMatrix {
    let topo = Topology::new(state, now);
    let list: Vec<&NetworkInterface> = if enis.is_empty() {
        state.network_interfaces.values().collect()
    } else {
        enis.iter().filter_map(|id| state.network_interfaces.get(id)).collect()
    };
    let (classes, class_of) = classes(state, &list);
    let fast = Fast::new(&topo);
    let reps: Vec<&NetworkInterface> = classes.iter().map(|c| &state.network_interfaces[&c.eni]).collect();
    // Only pairs some route can join are walked: the rest are unreachable.
    let mut by_vpc: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, r) in reps.iter().enumerate() {
        by_vpc.entry(r.vpc_id.as_str()).or_default().push(i);
    }
    let mut candidates: HashMap<&str, Vec<&str>> = HashMap::new();
    let n = reps.len();
    let mut reachable: Vec<Row> = Vec::with_capacity(n);
    for (i, s) in reps.iter().enumerate() {
        let vpcs = candidates.entry(s.subnet_id.as_str()).or_insert_with(|| match (topo.subnet(&s.subnet_id), fast.routes.get(s.subnet_id.as_str())) {
            (Some(sub), Some(routes)) => routing::candidate_vpcs(&topo, sub, routes),
            _ => Vec::new(),
        });
        let mut to = Vec::new();
        for v in vpcs.iter() {
            for &j in by_vpc.get(v).map(Vec::as_slice).unwrap_or(&[]) {
                if fast.reachable(s, reps[j], proto, port) {
                    to.push(j as u32);
                }
            }
        }
        to.sort_unstable();
        to.dedup();
        reachable.push(Row { len: n, to });
        debug_assert_eq!(reachable.len(), i + 1);
    }
    ClassMatrix { classes, class_of, reachable }
}

/// Per-snapshot caches for the boolean walk.
struct Fast<'a> {
    topo: &'a Topology<'a>,
    routes: HashMap<&'a str, Vec<Route>>,
}

impl<'a> Fast<'a> {
    fn new(topo: &'a Topology<'a>) -> Fast<'a> {
        let mut routes = HashMap::new();
        for s in topo.state.subnets.values() {
            if let (Some(t), Some(v)) = (topo.route_table(s), topo.vpc(&s.vpc_id)) {
                routes.insert(s.id.as_str(), t.effective_routes(Some(v)));
            }
        }
        Fast { topo, routes }
    }

    fn lands(&self, from: &Subnet, dst: Ipv4Addr, want_vpc: &str) -> bool {
        let Some(routes) = self.routes.get(from.id.as_str()) else { return false };
        routing::landing(self.topo, from, routes, IpAddr::V4(dst)).is_some_and(|v| v.id == want_vpc)
    }

    fn acl_ok(&self, s: &Subnet, egress: bool, proto: u8, peer: Ipv4Addr, ports: (u16, u16)) -> bool {
        match self.topo.network_acl(s) {
            Some(a) => matches!(network_acl::evaluate(a, egress, proto, peer, ports), Some(AclVerdict::Allow(_))),
            None => true,
        }
    }

    fn sg_ok(&self, eni: &NetworkInterface, ingress: bool, peer: &NetworkInterface, proto: u8, port: u16) -> bool {
        !matches!(security_group::evaluate(self.topo, eni, ingress, &Peer { ip: IpAddr::V4(peer.private_ip), eni: Some(peer) }, proto, port), SgVerdict::Deny { .. })
    }

    /// The verdict of [`crate::analyze`] between two ENIs, without the evidence.
    fn reachable(&self, s: &NetworkInterface, d: &NetworkInterface, proto: u8, port: u16) -> bool {
        let t = self.topo;
        let (Some(ss), Some(ds)) = (t.subnet(&s.subnet_id), t.subnet(&d.subnet_id)) else { return false };
        let running = |e: &NetworkInterface| e.attachment.as_ref().and_then(|a| t.state.instances.get(&a.instance_id)).is_none_or(|i| i.state.is_running());
        if !running(s) || !running(d) {
            return false;
        }
        if t.nat_gateway_of(&d.id).is_some() {
            return false; // a NAT gateway accepts no connection
        }
        // Through a NAT gateway the source address changes on the way:
        // the full walk decides.
        let routes = self.routes.get(ss.id.as_str());
        if routes.and_then(|r| xvpc_model::route_table::longest_match(r, d.private_ip)).is_some_and(|r| matches!(r.target, xvpc_model::route_table::RouteTarget::NatGateway(_))) {
            let to = crate::analysis::Target { eni: Some(d), ip: IpAddr::V4(d.private_ip) };
            return crate::analysis::eni_path(t, s, IpAddr::V4(s.private_ip), to, proto, port).blockers.is_empty();
        }
        let same = ss.id == ds.id;
        self.lands(ss, d.private_ip, &d.vpc_id)
            && self.lands(ds, s.private_ip, &s.vpc_id)
            && self.sg_ok(s, false, d, proto, port)
            && self.sg_ok(d, true, s, proto, port)
            && (same
                || (self.acl_ok(ss, true, proto, d.private_ip, (port, port))
                    && self.acl_ok(ds, false, proto, s.private_ip, (port, port))
                    && self.acl_ok(ds, true, proto, s.private_ip, EPHEMERAL_PORTS)
                    && self.acl_ok(ss, false, proto, d.private_ip, EPHEMERAL_PORTS)))
    }
}

/// Whether `from` reaches `to` (both ENIs), by the boolean walk.
pub fn eni_reachable(state: &State, now: i64, from: &str, to: &str, proto: u8, port: u16) -> bool {
    let topo = Topology::new(state, now);
    let fast = Fast::new(&topo);
    match (state.network_interfaces.get(from), state.network_interfaces.get(to)) {
        (Some(a), Some(b)) => fast.reachable(a, b, proto, port),
        _ => false,
    }
}
