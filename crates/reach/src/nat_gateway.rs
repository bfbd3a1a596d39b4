//! NAT gateways: a subnet's route hands the packet to a NAT gateway, which
//! sends it on from its own subnet with its own address as the source.
//!
//! AWS's rules (VPC user guide "NAT gateways", "NAT gateway basics",
//! "Work with NAT gateways"):
//! - the packet passes the source's groups (towards the final destination)
//!   and its subnet's outbound ACL, then the NAT gateway subnet's inbound
//!   ACL; the gateway has no security groups;
//! - it must be `available`;
//! - it then leaves from the gateway's subnet, whose route table decides:
//!   a *public* gateway reaches the internet only if that table sends the
//!   destination to an internet gateway (the Elastic IP is the source
//!   there); a *public or private* gateway reaches a peered or
//!   transit-gateway-attached VPC with its private address as the source,
//!   so the destination's groups and ACLs see that address; a private
//!   gateway cannot use an internet gateway (it has no public address);
//! - replies come back through the gateway (its subnet's ACLs both ways)
//!   to the client; nothing from outside can open a connection through it.

use std::net::IpAddr;

use xvpc_model::nat_gateway::{Connectivity, NatGateway};
use xvpc_model::network_interface::NetworkInterface;
use xvpc_model::route_table::{longest_match, RouteTable, RouteTarget};
use xvpc_model::vpc::Vpc;

use crate::analysis::{self, Segment, Target};
use crate::component::{Component, Detail, Direction, Hop, Kind, Verdict};
use crate::explanation as code;
use crate::topology::Topology;
use crate::{Blocker, Fix, EPHEMERAL_PORTS};

pub fn component(g: &NatGateway) -> Component {
    Component::new(Kind::NatGateway, &g.id, &g.owner, &g.region).named(&g.tags)
}

fn hop(g: &NatGateway, dir: Direction, verdict: Verdict, text: String) -> Hop {
    Hop { component: component(g), direction: dir, verdict, detail: Detail::Text { text }, vpc: Some(g.vpc_id.clone()), subnet: Some(g.subnet_id.clone()) }
}

/// A public NAT gateway of `vpc` that can carry traffic to the internet:
/// available, with its subnet's table routing 0.0.0.0/0 to an attached
/// internet gateway.
fn public_gateway<'a>(topo: &Topology<'a>, vpc: &Vpc, not: &str) -> Option<&'a NatGateway> {
    let igw = crate::internet_gateway::attached(topo, &vpc.id)?;
    topo.nat_gateways_of(&vpc.id).find(|g| {
        g.vpc_id == vpc.id && g.id != not && g.connectivity == Connectivity::Public && g.is_available(topo.now) && {
            let sub = topo.subnet(&g.subnet_id);
            let routes = sub.and_then(|s| topo.route_table(s)).map(|t| t.effective_routes(Some(vpc))).unwrap_or_default();
            longest_match(&routes, std::net::Ipv4Addr::new(203, 0, 113, 10)).is_some_and(|r| r.target == RouteTarget::Gateway(igw.id.clone()))
        }
    })
}

/// The command that gives `vpc` a public NAT gateway: in a subnet whose
/// table routes to the internet gateway (else any other subnet), with one
/// of the owner's free Elastic IPs (else allocate one first).
fn create_fix(topo: &Topology, vpc: &Vpc) -> Fix {
    let region = &vpc.region;
    let igw = crate::internet_gateway::attached(topo, &vpc.id);
    let subnets: Vec<_> = topo.subnets_of(&vpc.id).filter(|s| s.vpc_id == vpc.id && s.cidr.is_some()).collect();
    let public = subnets.iter().find(|s| {
        let routes = topo.route_table(s).map(|t| t.effective_routes(Some(vpc))).unwrap_or_default();
        igw.is_some_and(|g| longest_match(&routes, std::net::Ipv4Addr::new(203, 0, 113, 10)).is_some_and(|r| r.target == RouteTarget::Gateway(g.id.clone())))
    });
    let eip = topo.state.addresses.owned_by(&vpc.owner, region).find(|a| a.owner == vpc.owner && &a.region == region && a.association.is_none());
    let command = match (igw, public.or(subnets.first()), eip) {
        (None, _, _) => format!("aws ec2 create-internet-gateway --region {region}"),
        (_, _, None) => format!("aws ec2 allocate-address --domain vpc --region {region}"),
        (_, Some(s), Some(a)) => format!("aws ec2 create-nat-gateway --subnet-id {} --allocation-id {} --region {region}", s.id, a.id),
        (_, None, Some(_)) => format!("aws ec2 create-subnet --vpc-id {} --region {region}", vpc.id),
    };
    Fix { account: vpc.owner.clone(), region: region.clone(), command }
}

/// For a blackholed route to a NAT gateway (failed, deleted): point it at
/// another public NAT gateway of the VPC, or make one.
pub fn replacement(topo: &Topology, table: &RouteTable, vpc: &Vpc, cidr: &str, target: &RouteTarget) -> Option<Fix> {
    let RouteTarget::NatGateway(old) = target else { return None };
    Some(match public_gateway(topo, vpc, old) {
        Some(g) => crate::fix::route(table, cidr, &g.id, true),
        None => create_fix(topo, vpc),
    })
}

/// After `src`'s subnet handed a packet for `dst` to NAT gateway `id`:
/// the gateway's state, its subnet's ACLs, and the rest of the path from
/// the gateway's interface with the gateway's address as the source; the
/// reply back through the gateway to `src`.
#[allow(clippy::too_many_arguments)]
pub fn beyond(topo: &Topology, seg: &mut Segment, src: &NetworkInterface, src_ip: IpAddr, id: &str, dst: Target, proto: u8, port: u16) {
    let Some(g) = topo.state.nat_gateways.get(id) else { return };
    let Some(vpc) = topo.vpc(&g.vpc_id) else { return };
    let state = g.state(topo.now);
    if !g.is_available(topo.now) {
        seg.blockers.push(Blocker {
            detail: Detail::None,
            code: code::BAD_STATE.into(),
            direction: Direction::Forward,
            component: component(g),
            explanation: format!("NAT gateway {id} is {state}, not available."),
            fix: None,
        });
    }
    let Some(eni) = g.network_interface_id.as_deref().and_then(|e| topo.eni(e)) else { return };
    let nat_ip = IpAddr::V4(eni.private_ip);
    let nat_subnet = topo.subnet(&g.subnet_id);
    let same_subnet = g.subnet_id == src.subnet_id;
    // Into the gateway's subnet.
    if let (Some(s), false) = (nat_subnet, same_subnet) {
        analysis::acl(topo, seg, Direction::Forward, s, false, proto, src_ip, (port, port));
    }
    let shown = |ip: Option<std::net::Ipv4Addr>| ip.map(|a| a.to_string()).unwrap_or_else(|| "none".into());
    seg.forward.push(hop(g, Direction::Forward, Verdict::Pass, format!("{src_ip} -> {} (private) / {} (public)", eni.private_ip, shown(eni.public_ip))));
    // On from the gateway's subnet: its table must not hand the packet to a
    // NAT gateway again.
    let table = nat_subnet.and_then(|s| topo.route_table(s));
    let routes = table.map(|t| t.effective_routes(Some(vpc))).unwrap_or_default();
    match (table, longest_match(&routes, dst.ip)) {
        (Some(t), Some(r)) if matches!(r.target, RouteTarget::NatGateway(_)) => seg.blockers.push(Blocker {
            detail: Detail::None,
            code: code::NO_ROUTE_TO_DESTINATION.into(),
            direction: Direction::Forward,
            component: topo.table_component(t),
            explanation: format!(
                "Route table {} of NAT gateway {id}'s subnet sends {} to a NAT gateway again; a NAT gateway's traffic must leave through an internet gateway or a private connection.",
                t.id, dst.ip
            ),
            fix: crate::internet_gateway::suggest_route(topo, t, vpc, dst.ip),
        }),
        _ => {
            let mut inner = analysis::eni_path(topo, eni, nat_ip, dst, proto, port);
            // A private gateway has no public address for the internet
            // gateway to pair: say so, and name the fix for it.
            for b in &mut inner.blockers {
                if b.code == code::IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS && b.component.id == eni.id {
                    b.component = component(g);
                    b.explanation = format!(
                        "NAT gateway {id} is {}: it has no Elastic IP, so internet gateways drop its traffic; internet traffic needs a public NAT gateway.",
                        g.connectivity
                    );
                    b.fix = Some(create_fix(topo, vpc));
                }
            }
            // The gateway's own interface opens nothing: its hops stand
            // for the gateway.
            inner.forward.retain(|h| h.component.id != eni.id);
            inner.ret.retain(|h| h.component.id != eni.id);
            seg.forward.append(&mut inner.forward);
            seg.ret.append(&mut inner.ret);
            seg.blockers.append(&mut inner.blockers);
        }
    }
    // The reply, translated back: out of the gateway's subnet to the
    // client's ephemeral port, into the client's subnet.
    seg.ret.push(hop(g, Direction::Return, Verdict::Pass, format!("{} -> {src_ip}", dst.ip)));
    if let (Some(s), false) = (nat_subnet, same_subnet) {
        analysis::acl(topo, seg, Direction::Return, s, true, proto, src_ip, EPHEMERAL_PORTS);
    }
    if let (Some(s), false) = (topo.subnet(&src.subnet_id), same_subnet) {
        analysis::acl(topo, seg, Direction::Return, s, false, proto, dst.ip, EPHEMERAL_PORTS);
    }
    seg.ret.push(analysis::eni_hop(topo, src, Direction::Return));
}

/// The NAT gateway whose interface is `eni`, if it is one.
pub fn of_interface<'a>(topo: &Topology<'a>, eni: &NetworkInterface) -> Option<&'a NatGateway> {
    topo.nat_gateway_of(&eni.id)
}

/// To a NAT gateway's address (its Elastic IP from the internet, or its
/// private one): the gateway opens no connection inwards.
pub fn refuses_inbound(g: &NatGateway, public: IpAddr) -> Blocker {
    Blocker {
        detail: Detail::None,
        code: code::NO_POSSIBLE_DESTINATION.into(),
        direction: Direction::Forward,
        component: component(g),
        explanation: format!(
            "{public} is NAT gateway {}'s address: it translates connections its VPC opens and lets their replies in, but accepts no connection itself and lets none through.",
            g.id
        ),
        fix: None,
    }
}

#[cfg(test)]
#[path = "nat_gateway_tests.rs"]
mod tests;
