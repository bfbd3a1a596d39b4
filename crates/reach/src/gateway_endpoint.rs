//! Gateway endpoints (S3, DynamoDB) and AWS services' addresses.
//!
//! AWS's rules (PrivateLink guide, "Gateway endpoints"; VPC user guide,
//! "Route priority"): a subnet reaches the service's addresses through a
//! gateway endpoint when its route table holds the endpoint's route, whose
//! destination is the service's AWS-managed prefix list; that route is as
//! specific as the list's entry that holds the address and loses a tie to
//! a CIDR route. The source's security groups (outbound, towards the
//! service's address) and its subnet's ACL (outbound, and inbound for the
//! reply) apply; the endpoint has no groups. Without the route the packet
//! follows the table's other routes (an internet gateway or a NAT gateway
//! reach the service's public addresses too), or is dropped; the fix is
//! to associate the VPC's gateway endpoint with the table
//! (`modify-vpc-endpoint --add-route-table-ids`), or to create one.

use std::net::IpAddr;

use xvpc_model::gateway_endpoint::prefix_list_of;
use xvpc_model::network_interface::NetworkInterface;
use xvpc_model::prefix_list;
use xvpc_model::route_table::RouteTable;
use xvpc_model::vpc::Vpc;
use xvpc_model::vpc_endpoint::VpcEndpoint;

use crate::analysis::{self, Segment};
use crate::component::{Component, Detail, Direction, Hop, Kind, Verdict};
use crate::topology::Topology;
use crate::{Fix, EPHEMERAL_PORTS};

pub fn component(ep: &VpcEndpoint) -> Component {
    Component::new(Kind::VpcEndpoint, &ep.id, &ep.owner, &ep.region).named(&ep.tags)
}

fn hop(component: Component, dir: Direction, text: String, vpc: &str) -> Hop {
    Hop { component, direction: dir, verdict: Verdict::Pass, detail: Detail::Text { text }, vpc: Some(vpc.to_string()), subnet: None }
}

/// The hop onto the endpoint a route table sent the packet to.
pub fn endpoint_hop(topo: &Topology, vpce: &str, dir: Direction, vpc: &str) -> Option<Hop> {
    let ep = topo.state.vpc_endpoints.get(vpce)?;
    Some(hop(component(ep), dir, format!("{vpc} -> {}", ep.service_name), vpc))
}

/// The AWS service whose prefix list (of `region`) holds `dst`, by short name.
pub fn service_of(region: &str, dst: IpAddr) -> Option<prefix_list::PrefixList> {
    prefix_list::managed_in(region).into_iter().find(|l| l.cidrs.iter().any(|c| matches!(dst, IpAddr::V4(a) if c.contains(&a))))
}

/// After the route to gateway endpoint `vpce`: the service answers, and
/// the reply comes back through the endpoint and the source subnet's ACL.
pub fn beyond(topo: &Topology, seg: &mut Segment, src: &NetworkInterface, vpce: &str, dst: IpAddr, proto: u8) {
    let service = topo.state.vpc_endpoints.get(vpce).map(|e| e.service_name.clone()).unwrap_or_default();
    let addr = Component::new(Kind::Address, &dst.to_string(), "", "");
    seg.forward.push(Hop { component: addr.clone(), direction: Direction::Forward, verdict: Verdict::Pass, detail: Detail::Text { text: service.clone() }, vpc: None, subnet: None });
    seg.ret.push(Hop { component: addr, direction: Direction::Return, verdict: Verdict::Pass, detail: Detail::Text { text: service }, vpc: None, subnet: None });
    if let Some(h) = endpoint_hop(topo, vpce, Direction::Return, &src.vpc_id) {
        seg.ret.push(h);
    }
    if let Some(s) = topo.subnet(&src.subnet_id) {
        analysis::acl(topo, seg, Direction::Return, s, false, proto, dst, EPHEMERAL_PORTS);
    }
    seg.ret.push(analysis::eni_hop(topo, src, Direction::Return));
}

/// For an AWS service's address: associate the VPC's gateway endpoint for
/// that service with `table`, or create one with it.
pub fn suggest_route(topo: &Topology, table: &RouteTable, from: &Vpc, dst: IpAddr) -> Option<Fix> {
    let list = service_of(&from.region, dst)?;
    let region = &from.region;
    let existing = topo.state.vpc_endpoints.values().find(|e| e.vpc_id == from.id && prefix_list_of(e).is_some_and(|l| l.id == list.id));
    let command = match existing {
        Some(e) => format!("aws ec2 modify-vpc-endpoint --vpc-endpoint-id {} --add-route-table-ids {} --region {region}", e.id, table.id),
        None => format!(
            "aws ec2 create-vpc-endpoint --vpc-id {} --vpc-endpoint-type Gateway --service-name {} --route-table-ids {} --region {region}",
            from.id, list.name, table.id
        ),
    };
    Some(Fix { account: table.owner.clone(), region: region.clone(), command })
}

#[cfg(test)]
#[path = "gateway_endpoint_tests.rs"]
mod tests;
