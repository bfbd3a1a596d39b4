//! Which peering connections the data plane links: active ones only (a
//! pending, rejected, expired or deleted connection carries nothing, and
//! routes to it are blackholes).

use xvpc_model::peering::StoredStatus;
use xvpc_model::State;

/// `(pcx id, requester VPC, accepter VPC)` of every active peering.
pub fn active_peerings(state: &State) -> Vec<(String, String, String)> {
    state
        .peering_connections
        .values()
        .filter(|p| p.status == StoredStatus::Active)
        .map(|p| (p.id.clone(), p.requester.vpc_id.clone(), p.accepter.vpc_id.clone()))
        .collect()
}

/// The MTU of a peering link. EC2 "Network MTU": jumbo frames (9001) cross
/// a peering within a Region; "MTU limited to 8500 bytes: traffic over an
/// inter-Region VPC peering connection".
pub fn mtu(region_a: &str, region_b: &str) -> u32 {
    if region_a == region_b {
        crate::topology::MTU
    } else {
        INTER_REGION_MTU
    }
}

/// See [`mtu`].
pub const INTER_REGION_MTU: u32 = 8500;

/// Whether ENIs of VPC `b` count as members of their groups for rules of
/// VPC `a`: within one VPC, or across an active peering in one region (as
/// AWS carries group references).
pub fn group_membership_visible(state: &State, a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let same_region = matches!((state.vpcs.get(a), state.vpcs.get(b)), (Some(x), Some(y)) if x.region == y.region);
    same_region
        && state.peering_connections.values().any(|p| {
            p.status == StoredStatus::Active
                && ((p.requester.vpc_id == a && p.accepter.vpc_id == b) || (p.requester.vpc_id == b && p.accepter.vpc_id == a))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jumbo_frames_within_a_region_8500_across() {
        assert_eq!(mtu("us-east-1", "us-east-1"), 9001);
        assert_eq!(mtu("us-east-1", "eu-west-1"), 8500);
    }
}
