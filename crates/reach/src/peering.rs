//! VPC peering as the path sees it: a route to a peering connection
//! delivers into the peer VPC only while the connection is active, and only
//! packets addressed to the peer VPC itself (no transitive peering, no
//! edge-to-edge routing through the peer's gateways or other connections).

use std::net::IpAddr;

use xvpc_model::peering::{Status, VpcPeeringConnection};
use xvpc_model::vpc::Vpc;

use crate::component::{Component, Detail, Direction, Kind};
use crate::explanation as code;
use crate::topology::Topology;
use crate::{fix, Blocker};

/// The connection's component (owned by the requester).
pub fn component(p: &VpcPeeringConnection) -> Component {
    let mut c = Component::new(Kind::VpcPeeringConnection, &p.id, &p.owner, &p.region);
    c.name = p.tags_for(&p.owner, &p.region).and_then(|t| t.get("Name").cloned());
    c
}

/// The active connection joining two VPCs, if any.
pub fn active_between<'a>(topo: &Topology<'a>, a: &str, b: &str) -> Option<&'a VpcPeeringConnection> {
    topo.peerings_between(a, b).find(|p| p.joins(a, b) && p.status(topo.now) == Status::Active)
}

/// A connection joining two VPCs that is active or waiting for acceptance
/// (the one a route should use), if any.
pub fn live_between<'a>(topo: &Topology<'a>, a: &str, b: &str) -> Option<&'a VpcPeeringConnection> {
    active_between(topo, a, b)
        .or_else(|| topo.peerings_between(a, b).find(|p| p.joins(a, b) && p.status(topo.now) == Status::PendingAcceptance))
}

/// The VPC on the other side of `p` from `vpc`.
pub fn other_side<'a>(topo: &Topology<'a>, p: &VpcPeeringConnection, vpc: &str) -> Option<&'a Vpc> {
    let other = if p.requester.vpc_id == vpc {
        &p.accepter.vpc_id
    } else if p.accepter.vpc_id == vpc {
        &p.requester.vpc_id
    } else {
        return None;
    };
    topo.vpc(other)
}

/// Where a packet for `dst` sent from `vpc` into connection `pcx` lands, or
/// why it does not.
/// IPv6 crosses as IPv4 does: addressed to one of the peer's (IPv6) blocks.
pub fn cross<'a>(topo: &Topology<'a>, pcx: &str, vpc: &Vpc, dst: IpAddr, dir: Direction) -> Result<&'a Vpc, Blocker> {
    let Some(p) = topo.state.peering_connections.get(pcx) else {
        return Err(Blocker {
            code: code::BAD_STATE_ROUTE.into(),
            direction: dir,
            component: Component::new(Kind::VpcPeeringConnection, pcx, &vpc.owner, &vpc.region),
            explanation: format!("The route's peering connection {pcx} no longer exists."),
            fix: None,
            detail: Detail::None,
        });
    };
    let status = p.status(topo.now);
    if status != Status::Active {
        let fix = match status {
            Status::PendingAcceptance => Some(fix::accept_peering(&p.accepter.owner, &p.accepter.region, &p.id)),
            _ => Some(fix::create_peering(&p.requester.owner, &p.requester.region, &p.requester.vpc_id, &p.accepter.vpc_id, &p.accepter.owner, &p.accepter.region)),
        };
        let who = if status == Status::PendingAcceptance { format!(" The accepter ({}, {}) must accept it.", p.accepter.owner, p.accepter.region) } else { String::new() };
        return Err(Blocker {
            code: code::BAD_STATE.into(),
            direction: dir,
            component: component(p),
            explanation: format!("Peering connection {} is {}, not active: routes to it are blackholes.{who}", p.id, status.code()),
            fix,
            detail: Detail::None,
        });
    }
    let Some(other) = other_side(topo, p, &vpc.id) else {
        let peer = if p.requester.vpc_id == vpc.id { &p.accepter } else { &p.requester };
        if xvpc_model::default_vpc::any_imported(topo.state) && (p.requester.vpc_id == vpc.id || p.accepter.vpc_id == vpc.id) {
            return Err(Blocker {
                code: code::UNKNOWN_DESTINATION.into(),
                direction: dir,
                component: component(p),
                explanation: format!(
                    "Peering connection {} leads to {} of account {} in {}, which is outside the imported data: import that account and Region to follow the path.",
                    p.id, peer.vpc_id, peer.owner, peer.region
                ),
                fix: None,
                detail: Detail::None,
            });
        }
        return Err(Blocker {
            code: code::BAD_STATE_ROUTE.into(),
            direction: dir,
            component: component(p),
            explanation: format!("Peering connection {} does not involve {}.", p.id, vpc.id),
            fix: None,
            detail: Detail::None,
        });
    };
    if !other.contains_ip(dst) {
        return Err(Blocker {
            code: code::PCX_REQUIRES_ADDRESS_IN_VPC_CIDR.into(),
            direction: dir,
            component: component(p),
            explanation: format!(
                "Peering connection {} carries only traffic addressed to {} ({}); {dst} is not in it (peering is not transitive, and a peer's gateways and connections cannot be used).",
                p.id,
                other.id,
                other.all_cidrs().map(|c| c.to_string()).collect::<Vec<_>>().join(", ")
            ),
            fix: None,
            detail: Detail::None,
        });
    }
    Ok(other)
}
