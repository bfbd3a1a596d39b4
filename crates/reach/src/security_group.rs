//! Security groups, stateful and allow-only: traffic passes if any rule of
//! any group of the ENI admits it. A rule naming a group admits ENIs of that
//! group, but only where AWS carries group membership: within one VPC, or
//! between VPCs peered by an active peering connection in the same region.
//! Across a transit gateway or PrivateLink, only addresses count.

use std::net::IpAddr;

use xvpc_model::network_interface::NetworkInterface;
use xvpc_model::security_group::{RulePeer, SgRule};

use crate::component::Detail;
use crate::routing;
use crate::topology::Topology;

/// The other end of the traffic a rule must admit.
#[derive(Debug, Clone, Copy)]
pub struct Peer<'a> {
    pub ip: IpAddr,
    /// The peer ENI, when its group membership is visible to this ENI.
    pub eni: Option<&'a NetworkInterface>,
}

/// The verdict of an ENI's groups in one direction.
#[derive(Debug, Clone)]
pub enum SgVerdict<'a> {
    /// The first admitting rule and its group.
    Allow(&'a str, &'a SgRule),
    /// No rule admits; `empty` when the groups have no rules at all that way.
    Deny { empty: bool },
    /// The ENI has no security groups (NLB nodes without groups).
    Unfiltered,
}

/// Whether a rule's peer covers `peer`, seen from an ENI in `vpc`.
fn peer_matches(topo: &Topology, rule: &SgRule, vpc: &str, peer: &Peer) -> bool {
    match &rule.peer {
        // A block of one family admits addresses of that family only.
        RulePeer::Cidr(c) => matches!(peer.ip, IpAddr::V4(a) if c.contains(&a)),
        RulePeer::Cidr6(_) => match (rule.peer.ipv6_net(), peer.ip) {
            (Some(c), IpAddr::V6(a)) => c.contains(&a),
            _ => false,
        },
        // Every entry of the list's current version.
        RulePeer::PrefixList(p) => {
            let region = topo.vpc(vpc).map(|v| v.region.as_str()).unwrap_or_default();
            xvpc_model::prefix_list::entries(topo.state, region, p).iter().any(|c| c.contains(&peer.ip))
        }
        RulePeer::Group { group_id, .. } => peer.eni.is_some_and(|p| p.groups.iter().any(|g| g == group_id) && group_membership_visible(topo, vpc, &p.vpc_id)),
    }
}

/// Group references work within a VPC and across an active same-region
/// peering connection between the two VPCs.
pub fn group_membership_visible(topo: &Topology, a: &str, b: &str) -> bool {
    a == b || (routing::active_peering_between(topo, a, b).is_some() && same_region(topo, a, b))
}

fn same_region(topo: &Topology, a: &str, b: &str) -> bool {
    match (topo.vpc(a), topo.vpc(b)) {
        (Some(x), Some(y)) => x.region == y.region,
        _ => false,
    }
}

/// Evaluates `eni`'s groups for traffic to (egress) or from (ingress) `peer`.
pub fn evaluate<'a>(topo: &Topology<'a>, eni: &NetworkInterface, ingress: bool, peer: &Peer, proto: u8, port: u16) -> SgVerdict<'a> {
    let mut empty = true;
    if eni.groups.is_empty() {
        // Only service-managed ENIs (an NLB without security groups) have
        // none: nothing filters their traffic.
        return SgVerdict::Unfiltered;
    }
    for gid in &eni.groups {
        let Some(g) = topo.state.security_groups.get(gid) else { continue };
        let rules = if ingress { &g.ingress } else { &g.egress };
        empty &= rules.is_empty();
        for r in rules {
            if r.admits(proto, port) && peer_matches(topo, r, &eni.vpc_id, peer) {
                return SgVerdict::Allow(g.id.as_str(), r);
            }
        }
    }
    SgVerdict::Deny { empty }
}

/// The Network Insights form of a rule.
pub fn detail(group_id: &str, ingress: bool, r: &SgRule) -> Detail {
    let ports = r.protocol.has_ports().then(|| (r.from_port.unwrap_or(0).clamp(0, 65535) as u16, r.to_port.unwrap_or(65535).clamp(0, 65535) as u16));
    let (cidr, peer_group) = match &r.peer {
        RulePeer::Cidr(c) => (Some(c.to_string()), None),
        RulePeer::Cidr6(c) => (Some(c.clone()), None),
        RulePeer::PrefixList(p) => (Some(p.clone()), None),
        RulePeer::Group { group_id, .. } => (None, Some(group_id.clone())),
    };
    Detail::SgRule {
        group_id: group_id.to_string(),
        direction: if ingress { "ingress" } else { "egress" }.into(),
        protocol: r.protocol,
        port_range: ports,
        cidr,
        peer_group,
    }
}
