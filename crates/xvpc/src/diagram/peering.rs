//! VPC peering on the map: one edge between the two VPCs, coloured by the
//! connection's status at `now` (a pending request past 7 days is
//! `expired`). A deleted connection that route tables still point at is
//! drawn as a blackhole: those routes drop traffic.

use xvpc_model::peering::Status;
use xvpc_model::route_table::RouteTarget;
use xvpc_model::State;

use super::topology::{name_of, Connections, Edge, EdgeKind};

pub(super) fn add(state: &State, now: i64, out: &mut Connections) {
    for pcx in state.peering_connections.values() {
        let status = pcx.status(now);
        let routed = || {
            state.route_tables.values().flat_map(|t| t.routes.iter()).any(|r| matches!(&r.target, RouteTarget::VpcPeeringConnection(id) if *id == pcx.id))
        };
        let state_name = match status {
            Status::Deleted if routed() => "blackhole",
            Status::Deleted => continue,
            s => s.code(),
        };
        // The requester's Name tag, else the accepter's, else the id.
        let name = pcx
            .tags_for(&pcx.owner, &pcx.region)
            .and_then(name_of)
            .or_else(|| pcx.tags.values().find_map(name_of))
            .unwrap_or_else(|| pcx.id.clone());
        let label = if name == pcx.id { name } else { format!("{name} {}", pcx.id) };
        out.edges.push(Edge {
            id: pcx.id.clone(),
            kind: EdgeKind::Peering,
            from: pcx.requester.vpc_id.clone(),
            to: pcx.accepter.vpc_id.clone(),
            state: state_name.to_string(),
            label,
        });
    }
}
