//! Which peering connections the data plane links: active ones only.

use xvpc_model::peering::StoredStatus;
use xvpc_model::State;

/// `(pcx id, requester VPC, accepter VPC)` of every active peering. Only
/// `active` is stored as such; a pending request that has expired was never
/// active, so the stored status is enough here.
pub fn active_peerings(state: &State) -> Vec<(String, String, String)> {
    state
        .peering_connections
        .values()
        .filter(|p| p.status == StoredStatus::Active)
        .map(|p| (p.id.clone(), p.requester.vpc_id.clone(), p.accepter.vpc_id.clone()))
        .collect()
}
