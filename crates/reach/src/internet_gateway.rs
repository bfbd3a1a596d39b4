//! Internet gateways: the way between a VPC and the internet, and the 1:1
//! NAT between an ENI's public IPv4 address and its primary private one.
//!
//! AWS's rules (VPC user guide, "Enable internet access"; Reachability
//! Analyzer explanation codes):
//! - out: the subnet's route table sends the (public) destination to an
//!   attached internet gateway, and the source address is an ENI's primary
//!   private address paired with a public one
//!   (`IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS`); private (RFC 1918) and shared
//!   (RFC 6598) destinations are refused (`IGW_DESTINATION_ADDRESS_NOT_IN_
//!   RFC1918_EGRESS` / `..._RFC6598_EGRESS`);
//! - in: the destination is the public address of an ENI in a VPC with an
//!   attached gateway (`IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS`), then the
//!   subnet's ACL and the ENI's groups decide as for any packet, and the
//!   reply must be routed back to the gateway.
//!
//! Two VPCs reach each other through their public addresses like any two
//! internet hosts: out through one gateway, in through the other.
//!
//! IPv6 (VPC user guide, "Enable internet access", "Egress-only internet
//! gateways"): an interface's IPv6 addresses are public, so no association
//! is needed and none is translated; an internet gateway carries IPv6 both
//! ways, an egress-only internet gateway carries it out and lets replies
//! back, but refuses connections from the internet. Internet IPv6
//! addresses are the global unicast ones (2000::/3).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use xvpc_model::egress_only_internet_gateway::EgressOnlyInternetGateway;
use xvpc_model::internet_gateway::InternetGateway;
use xvpc_model::network_interface::NetworkInterface;
use xvpc_model::vpc::Vpc;

use crate::analysis::{self, Segment};
use crate::block_public_access::Crossing;
use crate::component::{Component, Detail, Direction, Hop, Kind, Verdict};
use crate::explanation as code;
use crate::topology::Topology;
use crate::{routing, Blocker, Fix, EPHEMERAL_PORTS};

/// RFC 6598's shared address space (carrier-grade NAT), which internet
/// gateways refuse as a destination.
fn is_shared(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    a == 100 && (64..128).contains(&b)
}

/// Whether an IPv6 address is global unicast (2000::/3): the internet's
/// (the VPCs' own blocks included: their addresses are public).
fn is_global_v6(ip: Ipv6Addr) -> bool {
    ip.segments()[0] & 0xe000 == 0x2000
}

/// Why an internet gateway refuses `dst` as an outbound destination, if it
/// does: its explanation code.
pub fn refused_destination(dst: IpAddr) -> Option<&'static str> {
    match dst {
        IpAddr::V4(d) if d.is_private() => Some(code::IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS),
        IpAddr::V4(d) if is_shared(d) => Some(code::IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS),
        IpAddr::V4(_) => None,
        // Unique local, link-local, multicast, ...: not the internet's.
        IpAddr::V6(d) if !is_global_v6(d) => Some(code::NO_ROUTE_TO_DESTINATION),
        IpAddr::V6(_) => None,
    }
}

/// Whether `ip` is an internet address: routable through an internet
/// gateway (not private, shared, loopback, link-local, multicast, ...).
pub fn is_internet(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => {
            refused_destination(ip).is_none() && !a.is_loopback() && !a.is_link_local() && !a.is_multicast() && !a.is_unspecified() && !a.is_broadcast()
        }
        IpAddr::V6(a) => is_global_v6(a),
    }
}

/// The gateway attached to a VPC.
pub fn attached<'a>(topo: &Topology<'a>, vpc_id: &str) -> Option<&'a InternetGateway> {
    topo.internet_gateway_of(vpc_id)
}

/// The ENI whose public address is `ip`: its public IPv4 address, or any of
/// its IPv6 addresses (all public).
pub fn eni_by_public_ip<'a>(topo: &Topology<'a>, ip: IpAddr) -> Option<&'a NetworkInterface> {
    topo.eni_by_public_ip(ip)
}

pub fn component(g: &InternetGateway) -> Component {
    Component::new(Kind::InternetGateway, &g.id, &g.owner, &g.region).named(&g.tags)
}

pub fn eigw_component(g: &EgressOnlyInternetGateway) -> Component {
    Component::new(Kind::EgressOnlyInternetGateway, &g.id, &g.owner, &g.region).named(&g.tags)
}

/// The component of a gateway to the internet, by id (either kind).
fn any_component(topo: &Topology, id: &str) -> Option<Component> {
    topo.state
        .internet_gateways
        .get(id)
        .map(component)
        .or_else(|| topo.state.egress_only_internet_gateways.get(id).map(eigw_component))
}

fn hop(component: Component, dir: Direction, text: String, vpc: &str) -> Hop {
    Hop { component, direction: dir, verdict: Verdict::Pass, detail: Detail::Text { text }, vpc: Some(vpc.to_string()), subnet: None }
}

fn internet_hop(ip: IpAddr, dir: Direction) -> Hop {
    Hop { component: Component::new(Kind::Address, &ip.to_string(), "", ""), direction: dir, verdict: Verdict::Pass, detail: Detail::Text { text: "internet".into() }, vpc: None, subnet: None }
}

/// The command that gives a VPC a gateway: attach one of the owner's
/// detached gateways, else create one (to attach on the next run).
fn gateway_fix(topo: &Topology, vpc: &Vpc) -> Fix {
    let region = &vpc.region;
    let spare = topo.state.internet_gateways.owned_by(&vpc.owner, &vpc.region).find(|g| g.owner == vpc.owner && g.region == vpc.region && g.attached_vpc.is_none());
    let command = match spare {
        Some(g) => format!("aws ec2 attach-internet-gateway --internet-gateway-id {} --vpc-id {} --region {region}", g.id, vpc.id),
        None => format!("aws ec2 create-internet-gateway --region {region}"),
    };
    Fix { account: vpc.owner.clone(), region: region.clone(), command }
}

/// The command that gives an ENI a public address: associate one of the
/// owner's free Elastic IPs, else allocate one (to associate on the next
/// run). An instance's automatic address cannot be added after launch.
fn elastic_ip_fix(topo: &Topology, eni: &NetworkInterface) -> Fix {
    let region = &eni.region;
    let free = topo.state.addresses.owned_by(&eni.owner, region).find(|a| a.owner == eni.owner && &a.region == region && a.association.is_none());
    let command = match free {
        Some(a) => format!("aws ec2 associate-address --allocation-id {} --network-interface-id {} --region {region}", a.id, eni.id),
        None => format!("aws ec2 allocate-address --domain vpc --region {region}"),
    };
    Fix { account: eni.owner.clone(), region: region.clone(), command }
}

/// A VPC without an attached gateway: nothing enters or leaves it.
fn no_gateway(topo: &Topology, vpc: &Vpc, dir: Direction) -> Blocker {
    Blocker {
        detail: Detail::None,
        code: code::NO_ROUTE_TO_DESTINATION.into(),
        direction: dir,
        component: topo.vpc_component(vpc),
        explanation: format!("VPC {} has no internet gateway attached.", vpc.id),
        fix: Some(gateway_fix(topo, vpc)),
    }
}

/// The route that sends internet traffic of `vpc`'s subnets to its
/// gateway, when it has one: IPv4 to the internet gateway, IPv6 to it or
/// else to the egress-only one.
pub fn suggest_route(topo: &Topology, table: &xvpc_model::route_table::RouteTable, vpc: &Vpc, dst: IpAddr) -> Option<Fix> {
    if !is_internet(dst) {
        return None;
    }
    let any = if dst.is_ipv6() { "::/0" } else { "0.0.0.0/0" };
    let g = match attached(topo, &vpc.id) {
        Some(g) => g.id.clone(),
        None if dst.is_ipv6() => xvpc_model::egress_only_internet_gateway::of_vpc(topo.state, &vpc.id)?.id.clone(),
        None => return None,
    };
    let replace = table.routes.iter().any(|r| matches!(&r.destination, xvpc_model::route_table::Destination::Cidr(c) if c.prefix_len() == 0 && c.addr().is_ipv6() == dst.is_ipv6()));
    Some(crate::fix::route(table, any, &g, replace))
}

/// The source of an outbound packet must be an ENI's primary private
/// address with a public one paired: otherwise the gateway drops it. An
/// IPv6 source needs no pairing: it must only be the ENI's own address.
pub fn check_source(topo: &Topology, seg: &mut Segment, src: &NetworkInterface, src_ip: IpAddr, igw: &str) {
    if let IpAddr::V6(a) = src_ip {
        if !src.ipv6_addresses.contains(&a) {
            seg.blockers.push(Blocker {
                detail: Detail::None,
                code: code::IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS.into(),
                direction: Direction::Forward,
                component: topo.eni_component(src),
                explanation: format!("{a} is not an IPv6 address of {}, so gateway {igw} drops its traffic.", src.id),
                fix: src.ipv6_addresses.is_empty().then(|| crate::fix::assign_ipv6(&src.owner, &src.region, &src.id)),
            });
        }
        return;
    }
    if src.public_ip.is_some() && src_ip == IpAddr::V4(src.private_ip) {
        return;
    }
    seg.blockers.push(Blocker {
        detail: Detail::None,
        code: code::IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS.into(),
        direction: Direction::Forward,
        component: topo.eni_component(src),
        explanation: format!(
            "{} has no public IPv4 address paired with {src_ip}, so internet gateway {igw} drops its traffic: associate an Elastic IP (or launch with a public IP).",
            src.id
        ),
        fix: (src.public_ip.is_none() && src_ip == IpAddr::V4(src.private_ip)).then(|| elastic_ip_fix(topo, src)),
    });
}

/// After a packet from `src` left through gateway `igw` (an internet
/// gateway, or an egress-only one) for `dst`: where it goes on the internet
/// (another ENI's public address: in through that VPC's gateway) and the
/// reply's way back in to `src` (an egress-only gateway lets replies in).
#[allow(clippy::too_many_arguments)]
pub fn beyond(topo: &Topology, seg: &mut Segment, src: &NetworkInterface, src_ip: IpAddr, igw: &str, dst: IpAddr, proto: u8, port: u16) {
    check_source(topo, seg, src, src_ip, igw);
    if let Some(c) = any_component(topo, igw) {
        let crossing = if igw.starts_with("eigw-") { Crossing::EigwEgress } else { Crossing::IgwEgress };
        crate::block_public_access::check(topo, seg, src, c, crossing);
    }
    // IPv4 leaves as the public address paired with the private one; IPv6
    // as itself.
    let from = match src_ip {
        IpAddr::V4(_) => src.public_ip.map(IpAddr::V4).unwrap_or(src_ip),
        IpAddr::V6(_) => src_ip,
    };
    match eni_by_public_ip(topo, dst) {
        Some(far) => {
            let mut inner = inbound(topo, from, far, dst, proto, port);
            seg.forward.append(&mut inner.forward);
            seg.ret.append(&mut inner.ret);
            seg.blockers.append(&mut inner.blockers);
        }
        None => {
            seg.forward.push(internet_hop(dst, Direction::Forward));
            seg.ret.push(internet_hop(dst, Direction::Return));
        }
    }
    // The reply comes back in through the source's gateway, to its
    // private address, through its subnet's ACL (groups are stateful).
    if let Some(c) = any_component(topo, igw) {
        let text = match src_ip {
            IpAddr::V4(_) => format!("{} -> {}", src.public_ip.map(|i| i.to_string()).unwrap_or_default(), src.private_ip),
            IpAddr::V6(_) => format!("{dst} -> {src_ip}"),
        };
        seg.ret.push(hop(c, Direction::Return, text, &src.vpc_id));
    }
    if let Some(s) = topo.subnet(&src.subnet_id) {
        analysis::acl(topo, seg, Direction::Return, s, false, proto, dst, EPHEMERAL_PORTS);
    }
    seg.ret.push(analysis::eni_hop(topo, src, Direction::Return));
}

/// From the internet address `from` to `public`, a public address of `dst`
/// (its public IPv4 address or one of its IPv6 addresses): in through the
/// VPC's internet gateway (never an egress-only one), the subnet's ACL and
/// the ENI's groups; the reply out through the ACL and a route to a
/// gateway.
pub fn inbound(topo: &Topology, from: IpAddr, dst: &NetworkInterface, public: IpAddr, proto: u8, port: u16) -> Segment {
    let mut seg = Segment::default();
    seg.forward.push(internet_hop(from, Direction::Forward));
    let Some(vpc) = topo.vpc(&dst.vpc_id) else { return seg };
    let gw = attached(topo, &vpc.id);
    let inside = match public {
        IpAddr::V4(_) => dst.private_ip.to_string(),
        IpAddr::V6(a) => a.to_string(),
    };
    match gw {
        Some(g) => {
            seg.forward.push(hop(component(g), Direction::Forward, format!("{public} -> {inside}"), &vpc.id));
            crate::block_public_access::check(topo, &mut seg, dst, component(g), Crossing::IgwIngress);
        }
        None => match xvpc_model::egress_only_internet_gateway::of_vpc(topo.state, &vpc.id).filter(|_| public.is_ipv6()) {
            Some(e) => seg.blockers.push(Blocker {
                detail: Detail::None,
                code: code::NO_ROUTE_TO_DESTINATION.into(),
                direction: Direction::Forward,
                component: eigw_component(e),
                explanation: format!(
                    "VPC {} reaches the internet over IPv6 only through egress-only internet gateway {}, which lets replies in but no connection from the internet; an internet gateway would.",
                    vpc.id, e.id
                ),
                fix: Some(gateway_fix(topo, vpc)),
            }),
            None => seg.blockers.push(no_gateway(topo, vpc, Direction::Forward)),
        },
    }
    if let IpAddr::V6(a) = public {
        if !dst.ipv6_addresses.contains(&a) {
            seg.blockers.push(Blocker {
                detail: Detail::None,
                code: code::IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS.into(),
                direction: Direction::Forward,
                component: topo.eni_component(dst),
                explanation: format!("{a} is not an IPv6 address of {}.", dst.id),
                fix: dst.ipv6_addresses.is_empty().then(|| crate::fix::assign_ipv6(&dst.owner, &dst.region, &dst.id)),
            });
        }
    } else if let Some(g) = crate::nat_gateway::of_interface(topo, dst) {
        seg.blockers.push(crate::nat_gateway::refuses_inbound(g, public));
    } else if dst.public_ip.map(IpAddr::V4) != Some(public) {
        seg.blockers.push(Blocker {
            detail: Detail::None,
            code: code::IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS.into(),
            direction: Direction::Forward,
            component: gw.map(component).unwrap_or_else(|| topo.eni_component(dst)),
            explanation: format!(
                "{public} is not the public IPv4 address of {} (it has {}), so the internet cannot address it.{}",
                dst.id,
                dst.public_ip.map(|i| i.to_string()).unwrap_or_else(|| "none".into()),
                behind_nat(topo, dst).map(|g| format!(" Its subnet reaches the internet through NAT gateway {g}, which lets replies in but no connection from the internet.")).unwrap_or_default()
            ),
            fix: dst.public_ip.is_none().then(|| elastic_ip_fix(topo, dst)),
        });
    }
    let subnet = topo.subnet(&dst.subnet_id);
    if let Some(s) = subnet {
        analysis::acl(topo, &mut seg, Direction::Forward, s, false, proto, from, (port, port));
    }
    analysis::security_groups(topo, &mut seg, dst, true, crate::security_group::Peer { ip: from, eni: None }, proto, port);
    seg.forward.push(analysis::eni_hop(topo, dst, Direction::Forward));
    // The reply: out of the subnet's ACL, then its route table must hand
    // it to the gateway (which translates the source back to `public`).
    seg.ret.push(analysis::eni_hop(topo, dst, Direction::Return));
    let Some(s) = subnet else { return seg };
    analysis::acl(topo, &mut seg, Direction::Return, s, true, proto, from, EPHEMERAL_PORTS);
    let mut back = routing::route(topo, Direction::Return, s, from, None);
    seg.ret.append(&mut back.hops);
    seg.blockers.append(&mut back.blockers);
    if back.internet.is_none() && back.landed.is_some() {
        // Routed somewhere else (a peering, a transit gateway): the reply
        // never reaches the client.
        let table = topo.route_table(s);
        seg.blockers.push(Blocker {
            detail: Detail::None,
            code: code::NO_ROUTE_TO_DESTINATION.into(),
            direction: Direction::Return,
            component: table.map(|t| topo.table_component(t)).unwrap_or_else(|| topo.subnet_component(s)),
            explanation: format!("Replies to {from} from {} are not routed to an internet gateway.", s.id),
            fix: table.and_then(|t| suggest_route(topo, t, vpc, from)),
        });
    }
    seg
}

/// The NAT gateway `eni`'s subnet sends internet traffic to, if any.
fn behind_nat(topo: &Topology, eni: &NetworkInterface) -> Option<String> {
    let s = topo.subnet(&eni.subnet_id)?;
    let routes = topo.route_table(s)?.effective_routes(topo.vpc(&s.vpc_id));
    match &xvpc_model::route_table::longest_match(&routes, Ipv4Addr::new(203, 0, 113, 10))?.target {
        xvpc_model::route_table::RouteTarget::NatGateway(g) => Some(g.clone()),
        _ => None,
    }
}

/// A query from an internet address: to an ENI's public address (named
/// by the address, or by the instance or ENI holding it).
pub fn from_internet(topo: &Topology, q: &crate::Query, from: IpAddr) -> Result<crate::Analysis, crate::QueryError> {
    use crate::{Endpoint, QueryError};
    let unknown = || QueryError::UnknownDestination(q.destination.id());
    let mut seg = Segment::default();
    let (dst, public) = match &q.destination {
        Endpoint::Ip(ip) => (eni_by_public_ip(topo, *ip).ok_or_else(unknown)?, *ip),
        Endpoint::Instance(id) => {
            let i = topo.state.instances.get(id).ok_or_else(unknown)?;
            analysis::instance_state(&mut seg, i, Direction::Forward);
            let e = topo.eni(&i.primary_eni).ok_or_else(unknown)?;
            (e, public_of(e, q, from)?)
        }
        Endpoint::NetworkInterface(id) => {
            let e = topo.eni(id).ok_or_else(unknown)?;
            (e, public_of(e, q, from)?)
        }
        other => return Err(QueryError::Unsupported(format!("{} cannot be reached from the internet", other.id()))),
    };
    let mut path = inbound(topo, from, dst, public, q.protocol, q.port);
    Ok(analysis::finish(q, seg, &mut path, from, Some(public)))
}

/// The address of `e` the internet host `from` sends to: the one asked
/// for, else the public address of `from`'s family.
fn public_of(e: &NetworkInterface, q: &crate::Query, from: IpAddr) -> Result<IpAddr, crate::QueryError> {
    if let Some(ip) = q.destination_ip {
        return Ok(ip);
    }
    match from {
        IpAddr::V4(_) => Ok(IpAddr::V4(e.public_ip.unwrap_or(e.private_ip))),
        IpAddr::V6(_) => e.ipv6_addresses.first().map(|a| IpAddr::V6(*a)).ok_or_else(|| crate::QueryError::Unsupported(format!("{} has no IPv6 address", e.id))),
    }
}

#[cfg(test)]
#[path = "internet_gateway_tests.rs"]
pub(crate) mod tests;
