//! The path walk: resolves the query's ends, then evaluates every check of
//! the forward and return paths (security groups, ACLs, routes), keeping
//! going after a failure so that all blockers are reported at once.
//!
//! A question is about IPv4 or IPv6 as its addresses say ([`Query::is_ipv6`]):
//! an ENI is then reached by its primary IPv4 address or its first IPv6
//! address, and every rule and route of the other family is ignored.

use std::net::IpAddr;

use xvpc_model::instance::Instance;
use xvpc_model::network_interface::NetworkInterface;
use xvpc_model::subnet::Subnet;
use xvpc_model::vpc::Vpc;
use xvpc_model::{IpProtocol, State};

use crate::component::{Component, Detail, Direction, Hop, Kind, Verdict};
use crate::explanation as code;
use crate::fix::{self, SgPeer};
use crate::network_acl::{self, AclVerdict};
use crate::security_group::{self, Peer, SgVerdict};
use crate::topology::Topology;
use crate::{routing, Analysis, Blocker, Endpoint, Query, QueryError, EPHEMERAL_PORTS};

/// Answers a path question. See the crate documentation for the rules.
pub fn analyze(state: &State, now: i64, q: &Query) -> Result<Analysis, QueryError> {
    let topo = Topology::new(state, now);
    analyze_in(&topo, q)
}

/// [`analyze`] over a prebuilt [`Topology`] (for many queries on one snapshot).
pub fn analyze_in(topo: &Topology, q: &Query) -> Result<Analysis, QueryError> {
    let v6 = q.is_ipv6();
    if let (Some(a), Some(b)) = (q.source_ip, q.destination_ip) {
        if a.is_ipv6() != b.is_ipv6() {
            return Err(QueryError::Unsupported(format!("{a} and {b} are of different address families")));
        }
    }
    if let Endpoint::Ip(ip) = &q.source {
        if crate::internet_gateway::is_internet(*ip) && topo.enis_holding(*ip).next().is_none() {
            return crate::internet_gateway::from_internet(topo, q, *ip);
        }
    }
    let mut seg = Segment::default();
    let (src, src_instance) = match &q.source {
        Endpoint::Instance(id) => {
            let i = topo.state.instances.get(id).ok_or_else(|| QueryError::UnknownSource(id.clone()))?;
            (topo.eni(&i.primary_eni).ok_or_else(|| QueryError::UnknownSource(id.clone()))?, Some(i))
        }
        Endpoint::NetworkInterface(id) => (topo.eni(id).ok_or_else(|| QueryError::UnknownSource(id.clone()))?, None),
        Endpoint::Ip(ip) => {
            let mut hits = topo.enis_holding(*ip);
            match (hits.next(), hits.next()) {
                (Some(e), None) => (e, None),
                (None, _) => return Err(QueryError::UnknownSource(ip.to_string())),
                _ => return Err(QueryError::Unsupported(format!("{ip} is held by ENIs in several VPCs; name the ENI instead"))),
            }
        }
        other => return Err(QueryError::Unsupported(format!("{} cannot be a source", other.id()))),
    };
    let src_ip = match (q.source_ip, &q.source) {
        (Some(ip), _) => ip,
        (None, Endpoint::Ip(ip)) => *ip,
        (None, _) => address_of(src, v6)?,
    };
    if let Some(i) = src_instance {
        instance_state(&mut seg, i, Direction::Forward);
    }
    let (dst, dst_ip) = match &q.destination {
        Endpoint::Instance(id) => {
            let i = topo.state.instances.get(id).ok_or_else(|| QueryError::UnknownDestination(id.clone()))?;
            let e = topo.eni(&i.primary_eni).ok_or_else(|| QueryError::UnknownDestination(id.clone()))?;
            instance_state(&mut seg, i, Direction::Forward);
            (Some(e), q.destination_ip.map_or_else(|| address_of(e, v6), Ok)?)
        }
        Endpoint::NetworkInterface(id) => {
            let e = topo.eni(id).ok_or_else(|| QueryError::UnknownDestination(id.clone()))?;
            (Some(e), q.destination_ip.map_or_else(|| address_of(e, v6), Ok)?)
        }
        // An IPv6 address belongs to one interface at most (Amazon-provided
        // blocks are unique): it names that interface.
        Endpoint::Ip(ip @ IpAddr::V6(_)) => (topo.enis_holding(*ip).next(), *ip),
        Endpoint::Ip(ip) => (None, *ip),
        // Interface endpoints and load balancers are reached over IPv4 here.
        Endpoint::VpcEndpoint(_) | Endpoint::LoadBalancer(_) if v6 => {
            return Err(QueryError::Unsupported(format!("{} is analysed over IPv4 only", q.destination.id())));
        }
        Endpoint::VpcEndpoint(id) => {
            let ep = topo.state.vpc_endpoints.get(id).ok_or_else(|| QueryError::UnknownDestination(id.clone()))?;
            let mut path = crate::privatelink::via_endpoint(topo, src, src_ip, ep, q.protocol, q.port);
            return Ok(finish(q, seg, &mut path, src_ip, ep.network_interface_ids.first().and_then(|e| topo.eni(e)).map(|e| IpAddr::V4(e.private_ip))));
        }
        Endpoint::LoadBalancer(arn) => {
            let lb = topo.state.load_balancers.get(arn).ok_or_else(|| QueryError::UnknownDestination(arn.clone()))?;
            let mut path = crate::privatelink::to_load_balancer(topo, src, src_ip, lb, q.protocol, q.port);
            return Ok(finish(q, seg, &mut path, src_ip, lb.zones.first().map(|z| IpAddr::V4(z.private_ip))));
        }
    };
    // Addressed by its public IPv4 address: the packet goes by the
    // internet, and nothing of the destination's identity (its groups)
    // travels with it. (An IPv6 address is both: the routes decide.)
    let dst = dst.filter(|e| e.public_ip.map(IpAddr::V4) != Some(dst_ip));
    let mut path = eni_path(topo, src, src_ip, Target { eni: dst, ip: dst_ip }, q.protocol, q.port);
    Ok(finish(q, seg, &mut path, src_ip, Some(dst_ip)))
}

/// The address an ENI is reached by: its primary IPv4 address, or its
/// first IPv6 address for an IPv6 question.
fn address_of(e: &NetworkInterface, v6: bool) -> Result<IpAddr, QueryError> {
    if !v6 {
        return Ok(IpAddr::V4(e.private_ip));
    }
    e.ipv6_addresses.first().map(|a| IpAddr::V6(*a)).ok_or_else(|| QueryError::Unsupported(format!("{} has no IPv6 address", e.id)))
}

/// Joins the checks made so far with the path's and states the verdict.
pub(crate) fn finish(q: &Query, mut seg: Segment, path: &mut Segment, src_ip: IpAddr, dst_ip: Option<IpAddr>) -> Analysis {
    // One cause met on both paths (a pending peering) is one blocker.
    for b in path.blockers.drain(..) {
        let fix = b.fix.as_ref().map(|f| &f.command);
        if !seg.blockers.iter().any(|x| x.code == b.code && x.component.id == b.component.id && x.fix.as_ref().map(|f| &f.command) == fix) {
            seg.blockers.push(b);
        }
    }
    seg.forward.append(&mut path.forward);
    seg.ret.append(&mut path.ret);
    Analysis {
        reachable: seg.blockers.is_empty(),
        query: q.clone(),
        source_ip: Some(src_ip),
        destination_ip: dst_ip,
        forward: seg.forward,
        return_path: seg.ret,
        blockers: seg.blockers,
    }
}

/// Can `from_eni` open a connection to `to_eni` on `protocol`/`port` (both
/// ways)? The primitive ELB target health is decided by.
pub fn health_check(state: &State, now: i64, from_eni: &str, to_eni: &str, protocol: u8, port: u16) -> Result<(), Vec<Blocker>> {
    let topo = Topology::new(state, now);
    let unknown = |id: &str| Blocker {
        detail: Detail::None,
        code: code::UNKNOWN_DESTINATION.into(),
        direction: Direction::Forward,
        component: Component::new(Kind::NetworkInterface, id, "", ""),
        explanation: format!("Network interface {id} does not exist."),
        fix: None,
    };
    let from = topo.eni(from_eni).ok_or_else(|| vec![unknown(from_eni)])?;
    let to = topo.eni(to_eni).ok_or_else(|| vec![unknown(to_eni)])?;
    let seg = eni_path(&topo, from, IpAddr::V4(from.private_ip), Target { eni: Some(to), ip: IpAddr::V4(to.private_ip) }, protocol, port);
    if seg.blockers.is_empty() {
        Ok(())
    } else {
        Err(seg.blockers)
    }
}

/// Hops and blockers of a stretch of path.
#[derive(Default)]
pub struct Segment {
    pub forward: Vec<Hop>,
    pub ret: Vec<Hop>,
    pub blockers: Vec<Blocker>,
}

/// Where a stretch of path ends: an ENI, or a bare address.
#[derive(Clone, Copy)]
pub struct Target<'a> {
    pub eni: Option<&'a NetworkInterface>,
    pub ip: IpAddr,
}

pub(crate) fn instance_state(seg: &mut Segment, i: &Instance, dir: Direction) {
    if !i.state.is_running() {
        seg.blockers.push(Blocker {
            detail: Detail::None,
            code: code::BAD_STATE.into(),
            direction: dir,
            component: Component::new(Kind::Instance, &i.id, &i.owner, &i.region).named(&i.tags),
            explanation: format!("Instance {} is {}, not running.", i.id, i.state.name()),
            fix: Some(crate::Fix {
                account: i.owner.clone(),
                region: i.region.clone(),
                command: format!("aws ec2 start-instances --instance-ids {} --region {}", i.id, i.region),
            }),
        });
    }
}

pub(crate) fn eni_hop(topo: &Topology, e: &NetworkInterface, dir: Direction) -> Hop {
    Hop {
        component: topo.eni_component(e),
        direction: dir,
        verdict: Verdict::Pass,
        detail: Detail::None,
        vpc: Some(e.vpc_id.clone()),
        subnet: Some(e.subnet_id.clone()),
    }
}

/// ENI to ENI (or address) inside the VPC fabric: security groups, ACLs
/// and routes, forward and return.
pub fn eni_path(topo: &Topology, src: &NetworkInterface, src_ip: IpAddr, dst: Target, proto: u8, port: u16) -> Segment {
    let mut seg = Segment::default();
    let src_subnet = topo.subnet(&src.subnet_id);
    let dst_vpc_hint: Option<&Vpc> = dst.eni.and_then(|e| topo.vpc(&e.vpc_id));
    seg.forward.push(eni_hop(topo, src, Direction::Forward));

    // 2. Routing out of the source subnet (decides the destination's VPC
    //    when only an address was given, and whether an IPv6 destination
    //    is reached inside or over the internet).
    let walk = src_subnet.map(|s| routing::route(topo, Direction::Forward, s, dst.ip, dst_vpc_hint));
    let via_internet = walk.as_ref().is_some_and(|w| w.internet.is_some() || w.nat.is_some() || w.service.is_some());

    // 1. Source security groups, outbound. Group membership does not
    //    travel over the internet.
    let peer_eni = if via_internet { None } else { dst.eni };
    security_groups(topo, &mut seg, src, false, Peer { ip: dst.ip, eni: peer_eni }, proto, port);
    let landed = walk.as_ref().and_then(|w| w.landed.as_ref().map(|(v, _)| *v));
    let dst_eni = dst.eni.or_else(|| landed.and_then(|v| topo.eni_by_ip(&v.id, dst.ip)));
    let dst_subnet: Option<&Subnet> = match dst_eni {
        Some(e) => topo.subnet(&e.subnet_id),
        None => landed.and_then(|v| topo.subnets_of(&v.id).find(|s| s.vpc_id == v.id && s.contains_ip(dst.ip))),
    };
    let same_subnet = dst_subnet.is_some_and(|d| d.id == src.subnet_id);

    // 3. Source subnet ACL, outbound (not within one subnet).
    if let (Some(s), false) = (src_subnet, same_subnet) {
        acl(topo, &mut seg, Direction::Forward, s, true, proto, dst.ip, (port, port));
    }
    let internet = walk.as_ref().and_then(|w| w.internet.clone());
    let nat = walk.as_ref().and_then(|w| w.nat.clone());
    let service = walk.as_ref().and_then(|w| w.service.clone());
    let over_tgw = walk.as_ref().and_then(|w| tgw_ends(w.landed.as_ref()));
    if let Some(mut w) = walk {
        seg.forward.append(&mut w.hops);
        seg.blockers.append(&mut w.blockers);
    }
    if let Some(igw) = internet {
        crate::internet_gateway::beyond(topo, &mut seg, src, src_ip, &igw, dst.ip, proto, port);
        return seg;
    }
    if let Some(vpce) = service {
        crate::gateway_endpoint::beyond(topo, &mut seg, src, &vpce, dst.ip, proto);
        return seg;
    }
    if let Some(nat) = nat {
        // The destination is what the NAT gateway's subnet reaches, whatever
        // VPC the caller expected.
        crate::nat_gateway::beyond(topo, &mut seg, src, src_ip, &nat, dst, proto, port);
        return seg;
    }
    if dst_subnet.is_none() && dst_eni.is_none() {
        if landed.is_some() {
            seg.blockers.push(Blocker {
                detail: Detail::None,
                code: code::UNKNOWN_DESTINATION.into(),
                direction: Direction::Forward,
                component: Component::new(Kind::Address, &dst.ip.to_string(), "", ""),
                explanation: format!("No subnet of the destination VPC contains {}.", dst.ip),
                fix: None,
            });
        }
        return seg;
    }
    // 3b. Over a transit gateway: the attachment subnets' ACLs.
    let mut waived = false;
    if let (Some((from, to)), Some(s), Some(d)) = (&over_tgw, src_subnet, dst_subnet) {
        waived = crate::transit_gateway::attachment_acls(topo, &mut seg, Direction::Forward, from, to, (s, src_ip), (d, dst.ip), proto, (port, port));
    }
    // 4. Destination subnet ACL, inbound.
    if let (Some(d), false, false) = (dst_subnet, same_subnet, waived) {
        acl(topo, &mut seg, Direction::Forward, d, false, proto, src_ip, (port, port));
    }
    // 5. Destination security groups, inbound (a NAT gateway's interface
    //    accepts no connection at all).
    if let Some(g) = dst_eni.and_then(|d| crate::nat_gateway::of_interface(topo, d)) {
        seg.blockers.push(crate::nat_gateway::refuses_inbound(g, dst.ip));
    }
    if let Some(d) = dst_eni {
        security_groups(topo, &mut seg, d, true, Peer { ip: src_ip, eni: Some(src) }, proto, port);
        seg.forward.push(eni_hop(topo, d, Direction::Forward));
        seg.ret.push(eni_hop(topo, d, Direction::Return));
    }

    // Return path: replies go to the client's ephemeral ports; security
    // groups are stateful, ACLs and routes are not.
    let Some(d) = dst_subnet else { return seg };
    if !same_subnet {
        acl(topo, &mut seg, Direction::Return, d, true, proto, src_ip, EPHEMERAL_PORTS);
    }
    let src_vpc = topo.vpc(&src.vpc_id);
    let mut back = routing::route(topo, Direction::Return, d, src_ip, src_vpc);
    seg.ret.append(&mut back.hops);
    seg.blockers.append(&mut back.blockers);
    let mut waived = false;
    if let (Some((from, to)), Some(s)) = (tgw_ends(back.landed.as_ref()), src_subnet) {
        waived = crate::transit_gateway::attachment_acls(topo, &mut seg, Direction::Return, &from, &to, (d, dst.ip), (s, src_ip), proto, EPHEMERAL_PORTS);
    }
    if let (Some(s), false, false) = (src_subnet, same_subnet, waived) {
        acl(topo, &mut seg, Direction::Return, s, false, proto, dst.ip, EPHEMERAL_PORTS);
    }
    seg.ret.push(eni_hop(topo, src, Direction::Return));
    seg
}

/// The attachments a packet entered and left a transit gateway by, when
/// that is how it landed.
fn tgw_ends(landed: Option<&(&Vpc, routing::Via)>) -> Option<(String, String)> {
    match landed {
        Some((_, routing::Via::TransitGateway { from, to, .. })) => Some((from.clone(), to.clone())),
        _ => None,
    }
}

/// Evaluates one ENI's groups and records the hop (and the blocker).
pub(crate) fn security_groups(topo: &Topology, seg: &mut Segment, eni: &NetworkInterface, ingress: bool, peer: Peer, proto: u8, port: u16) {
    let verdict = security_group::evaluate(topo, eni, ingress, &peer, proto, port);
    let first = eni.groups.first().cloned().unwrap_or_default();
    match verdict {
        SgVerdict::Unfiltered => {}
        SgVerdict::Allow(g, r) => seg.forward.push(Hop {
            component: topo.group_component(g),
            direction: Direction::Forward,
            verdict: Verdict::Pass,
            detail: security_group::detail(g, ingress, r),
            vpc: Some(eni.vpc_id.clone()),
            subnet: None,
        }),
        SgVerdict::Deny { empty } => {
            let comp = topo.group_component(&first);
            seg.forward.push(Hop {
                component: comp.clone(),
                direction: Direction::Forward,
                verdict: Verdict::Block,
                detail: Detail::Text { text: format!("no {} rule admits {}/{port}", if ingress { "inbound" } else { "outbound" }, IpProtocol::from_number(proto)) },
                vpc: Some(eni.vpc_id.clone()),
                subnet: None,
            });
            // Name the other end by group when membership is visible, else by address.
            let by_group = peer.eni.filter(|p| p.vpc_id == eni.vpc_id).and_then(|p| p.groups.first());
            let who = match by_group {
                Some(g) => SgPeer::Group(g),
                None => SgPeer::Cidr(fix::host(peer.ip)),
            };
            let fix = if ingress {
                fix::sg_ingress(&comp.owner, &comp.region, &first, proto, port, who)
            } else {
                fix::sg_egress(&comp.owner, &comp.region, &first, proto, port, who)
            };
            let groups = eni.groups.join(", ");
            seg.blockers.push(Blocker {
                // No rule blocks (groups only allow); the detail names the direction.
                detail: Detail::Text { text: if ingress { "ingress" } else { "egress" }.into() },
                code: if empty { code::SG_HAS_NO_RULES } else { code::ENI_SG_RULES_MISMATCH }.into(),
                direction: Direction::Forward,
                component: comp,
                explanation: format!(
                    "No {} rule of the security groups of {} ({groups}) allows {}/{port} {} {}.",
                    if ingress { "inbound" } else { "outbound" },
                    eni.id,
                    IpProtocol::from_number(proto),
                    if ingress { "from" } else { "to" },
                    peer.ip
                ),
                fix: Some(fix),
            });
        }
    }
}

/// Evaluates a subnet's ACL in one direction and records the hop (and the
/// blocker). `peer` is the remote address; `ports` the destination ports.
#[allow(clippy::too_many_arguments)]
pub(crate) fn acl(topo: &Topology, seg: &mut Segment, dir: Direction, subnet: &Subnet, egress: bool, proto: u8, peer: IpAddr, ports: (u16, u16)) {
    let Some(a) = topo.network_acl(subnet) else { return };
    let comp = topo.acl_component(a);
    let list = if dir == Direction::Forward { &mut seg.forward } else { &mut seg.ret };
    let hop = |verdict, detail| Hop { component: comp.clone(), direction: dir, verdict, detail, vpc: Some(a.vpc_id.clone()), subnet: Some(subnet.id.clone()) };
    match network_acl::evaluate(a, egress, proto, peer, ports) {
        Some(AclVerdict::Allow(e)) => list.push(hop(Verdict::Pass, network_acl::detail(e))),
        other => {
            let (detail, before) = match other {
                Some(AclVerdict::Deny(e)) => (network_acl::detail(e), e.rule_number),
                _ => (Detail::None, xvpc_model::network_acl::DEFAULT_RULE_NUMBER),
            };
            list.push(hop(Verdict::Block, detail.clone()));
            let port_text = if ports.0 == ports.1 { ports.0.to_string() } else { format!("{}-{}", ports.0, ports.1) };
            seg.blockers.push(Blocker {
                detail,
                code: code::SUBNET_ACL_RESTRICTION.into(),
                direction: dir,
                component: comp.clone(),
                explanation: format!(
                    "Network ACL {} of {} does not allow {} {}/{port_text} {} {peer}{}.",
                    a.id,
                    subnet.id,
                    if egress { "outbound" } else { "inbound" },
                    IpProtocol::from_number(proto),
                    if egress { "to" } else { "from" },
                    if dir == Direction::Return { " (return traffic to the client's ephemeral ports)" } else { "" }
                ),
                fix: Some(fix::acl_allow(a, egress, proto, ports, &fix::host(peer), before)),
            });
        }
    }
}
