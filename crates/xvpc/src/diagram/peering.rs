//! VPC peering on the map: one edge per live connection (pending or
//! active), requester VPC to accepter VPC, labelled with the requester's
//! Name tag or the connection id.

use xvpc_model::peering::Status;
use xvpc_model::State;

use super::topology::{name_of, Connections, Edge, EdgeKind};

pub(super) fn add(state: &State, now: i64, out: &mut Connections) {
    for p in state.peering_connections.values() {
        let status = p.status(now);
        if !matches!(status, Status::Active | Status::PendingAcceptance) {
            continue;
        }
        let label = p.tags_for(&p.owner, &p.region).and_then(name_of).unwrap_or_else(|| p.id.clone());
        out.edges.push(Edge {
            id: p.id.clone(),
            kind: EdgeKind::Peering,
            from: p.requester.vpc_id.clone(),
            to: p.accepter.vpc_id.clone(),
            state: status.code().to_string(),
            label,
        });
    }
}
