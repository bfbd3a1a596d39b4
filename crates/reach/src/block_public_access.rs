//! VPC Block Public Access in paths: the account's mode and exclusions
//! decide whether a packet may pass an internet gateway or an egress-only
//! internet gateway (rules in `xvpc_model::block_public_access`).
//!
//! AWS's Reachability Analyzer publishes no explanation code for Block
//! Public Access; xvpc names it [`code::VPC_BLOCK_PUBLIC_ACCESS`]. The fix
//! is the narrowest change: an exclusion of the subnet (or widening the
//! exclusion already there), run by the VPC's owner; turning the mode off
//! for the whole Region is named in the explanation.

use xvpc_model::block_public_access::{self as bpa, Effect, ExclusionMode};
use xvpc_model::network_interface::NetworkInterface;

use crate::analysis::Segment;
use crate::component::{Component, Detail, Direction};
use crate::explanation as code;
use crate::topology::Topology;
use crate::{Blocker, Fix};

/// Which way a packet crosses the gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crossing {
    /// An ENI's own connection out through an internet gateway.
    IgwEgress,
    /// A connection from the internet in through an internet gateway.
    IgwIngress,
    /// A connection out through an egress-only internet gateway.
    EigwEgress,
}

/// Adds a blocker when Block Public Access of `eni`'s account stops the
/// crossing at `gateway`.
pub fn check(topo: &Topology, seg: &mut Segment, eni: &NetworkInterface, gateway: Component, crossing: Crossing) {
    let Some(vpc) = topo.vpc(&eni.vpc_id) else { return };
    let e = bpa::effect(topo.state, vpc, &eni.subnet_id);
    // A NAT gateway only lets connections out: `block-ingress` allows it.
    let nat = topo.nat_gateway_of(&eni.id).is_some();
    let blocked = match crossing {
        Crossing::IgwEgress if nat => e.blocks_outbound_only(),
        Crossing::IgwEgress => e.blocks_igw_egress(),
        Crossing::IgwIngress => e.blocks_igw_ingress(),
        Crossing::EigwEgress => e.blocks_outbound_only(),
    };
    if !blocked {
        return;
    }
    let (what, wanted) = match crossing {
        Crossing::IgwIngress => ("connections from the internet", ExclusionMode::AllowBidirectional),
        Crossing::IgwEgress | Crossing::EigwEgress => ("connections to the internet", ExclusionMode::AllowEgress),
    };
    let excluded = e.exclusion.map(|x| format!(" (exclusion {} allows {} only)", x.id, x.mode)).unwrap_or_default();
    seg.blockers.push(Blocker {
        detail: Detail::None,
        code: code::VPC_BLOCK_PUBLIC_ACCESS.into(),
        direction: Direction::Forward,
        explanation: format!(
            "VPC Block Public Access of account {} in {} is {}: it blocks {what} of subnet {} through {} {}{excluded}. \
             Exclude the subnet (or the VPC), or turn Block Public Access off: aws ec2 modify-vpc-block-public-access-options --internet-gateway-block-mode off --region {}.",
            vpc.owner,
            vpc.region,
            e.mode,
            eni.subnet_id,
            gateway.kind.label(),
            gateway.id,
            vpc.region,
        ),
        component: gateway,
        fix: Some(fix(&e, &vpc.owner, &vpc.region, &eni.subnet_id, wanted)),
    });
}

/// The exclusion that lets the subnet through: widen the one in force, or
/// create one for the subnet.
fn fix(e: &Effect, owner: &str, region: &str, subnet: &str, wanted: ExclusionMode) -> Fix {
    let command = match e.exclusion {
        Some(x) => format!(
            "aws ec2 modify-vpc-block-public-access-exclusion --exclusion-id {} --internet-gateway-exclusion-mode {} --region {region}",
            x.id,
            ExclusionMode::AllowBidirectional
        ),
        None => format!("aws ec2 create-vpc-block-public-access-exclusion --subnet-id {subnet} --internet-gateway-exclusion-mode {wanted} --region {region}"),
    };
    Fix { account: owner.to_string(), region: region.to_string(), command }
}
