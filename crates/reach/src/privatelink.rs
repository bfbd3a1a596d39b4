//! PrivateLink and NLBs, one way only: consumer → interface endpoint ENI
//! (the consumer's groups, ACLs and routes) → the endpoint must be
//! accepted → the service's NLB node in the endpoint's zone → a listener on
//! the port → its target group → a healthy target reachable from the node.
//! Behind an endpoint the target sees the NLB node's private IP as the
//! source, so the target's rules must admit the NLB, not the consumer.

use std::net::{IpAddr, Ipv4Addr};

use xvpc_model::load_balancer::LoadBalancer;
use xvpc_model::network_interface::NetworkInterface;
use xvpc_model::target_group::TargetGroup;
use xvpc_model::target_health;
use xvpc_model::vpc_endpoint::{EndpointState, VpcEndpoint};

use crate::analysis::{eni_path, Segment, Target};
use crate::component::{Component, Detail, Direction, Hop, Kind, Verdict};
use crate::explanation as code;
use crate::topology::Topology;
use crate::{fix, Blocker, Fix};

fn hop(c: Component, verdict: Verdict, detail: Detail) -> Hop {
    Hop { component: c, direction: Direction::Forward, verdict, detail, vpc: None, subnet: None }
}

fn blocker(code: &str, c: Component, explanation: String, fix: Option<Fix>) -> Blocker {
    Blocker { code: code.into(), direction: Direction::Forward, component: c, explanation, fix, detail: Detail::None }
}

fn lb_component(lb: &LoadBalancer) -> Component {
    let mut c = Component::new(Kind::LoadBalancer, &lb.id, &lb.owner, &lb.region);
    c.name = Some(lb.name.clone());
    c
}

fn zone_of(topo: &Topology, eni: &NetworkInterface) -> Option<String> {
    topo.subnet(&eni.subnet_id).map(|s| s.availability_zone_id.clone())
}

/// The endpoint ENI a client would use: the one in its own zone, else any.
fn pick_eni<'a>(topo: &Topology<'a>, enis: &[String], zone: Option<&str>) -> Option<&'a NetworkInterface> {
    let all: Vec<&NetworkInterface> = enis.iter().filter_map(|id| topo.eni(id)).collect();
    all.iter().find(|e| zone_of(topo, e).as_deref() == zone).or(all.first()).copied()
}

/// Source ENI → interface endpoint → service → NLB → target.
pub fn via_endpoint(topo: &Topology, src: &NetworkInterface, src_ip: IpAddr, ep: &VpcEndpoint, proto: u8, port: u16) -> Segment {
    let mut seg = Segment::default();
    let src_zone = zone_of(topo, src);
    let epc = Component::new(Kind::VpcEndpoint, &ep.id, &ep.owner, &ep.region).named(&ep.tags);
    let Some(ep_eni) = pick_eni(topo, &ep.network_interface_ids, src_zone.as_deref()) else {
        seg.blockers.push(blocker(code::BAD_STATE, epc, format!("Endpoint {} has no network interface.", ep.id), None));
        return seg;
    };
    // The consumer's side: an ordinary ENI-to-ENI path, both ways.
    let mut first = eni_path(topo, src, src_ip, Target { eni: Some(ep_eni), ip: IpAddr::V4(ep_eni.private_ip) }, proto, port);
    seg.forward.append(&mut first.forward);
    seg.ret.append(&mut first.ret);
    seg.blockers.append(&mut first.blockers);
    let service = ep.service_id.as_deref().and_then(|s| topo.state.endpoint_services.get(s));
    let ok = ep.state == EndpointState::Available;
    seg.forward.push(hop(epc.clone(), if ok { Verdict::Pass } else { Verdict::Block }, Detail::Text { text: format!("state {}", ep.state.as_str()) }));
    if !ok {
        let fix = match (ep.state, service) {
            (EndpointState::PendingAcceptance, Some(svc)) => Some(fix::accept_endpoint(&svc.owner, &svc.region, &svc.id, &ep.id)),
            _ => None,
        };
        let who = service.map(|s| format!(" The service owner ({}) must accept it.", s.owner)).unwrap_or_default();
        seg.blockers.push(blocker(code::BAD_STATE, epc.clone(), format!("Endpoint {} is {}, not available.{}", ep.id, ep.state.as_str(), if ep.state == EndpointState::PendingAcceptance { who } else { String::new() }), fix));
    }
    if let (None, Some(aws)) = (service, ep.aws_service()) {
        // One of AWS's services (its API behind the endpoint): it answers
        // whatever reaches the endpoint's interface.
        let sc = Component::new(Kind::VpcEndpointService, &aws.id, xvpc_model::aws_service::OWNER, &aws.region);
        seg.forward.push(hop(sc, Verdict::Pass, Detail::Text { text: aws.name }));
        return seg;
    }
    let Some(svc) = service else {
        seg.blockers.push(blocker(code::NO_POSSIBLE_DESTINATION, epc, format!("The service of endpoint {} no longer exists.", ep.id), None));
        return seg;
    };
    let sc = Component::new(Kind::VpcEndpointService, &svc.id, &svc.owner, &svc.region).named(&svc.tags);
    seg.forward.push(hop(sc.clone(), Verdict::Pass, Detail::Text { text: svc.name.clone() }));
    let zone = zone_of(topo, ep_eni);
    let lb = svc.network_load_balancer_arns.iter().filter_map(|a| topo.state.load_balancers.get(a)).find(|lb| lb.zones.iter().any(|z| Some(&z.zone_id) == zone.as_ref()));
    let Some(lb) = lb else {
        seg.blockers.push(blocker(
            code::VPCE_SERVICE_NOT_INSTALLED_IN_AZ,
            sc,
            format!("Service {} has no load balancer node in the zone of endpoint interface {} ({}).", svc.id, ep_eni.id, zone.unwrap_or_default()),
            None,
        ));
        return seg;
    };
    let node = lb.zones.iter().find(|z| Some(&z.zone_id) == zone.as_ref()).and_then(|z| topo.eni(&z.eni_id));
    let mut rest = to_targets(topo, lb, node, None, proto, port);
    seg.forward.append(&mut rest.forward);
    seg.blockers.append(&mut rest.blockers);
    seg
}

/// Source ENI → an NLB directly (its node in the source's zone, else any).
pub fn to_load_balancer(topo: &Topology, src: &NetworkInterface, src_ip: IpAddr, lb: &LoadBalancer, proto: u8, port: u16) -> Segment {
    let mut seg = Segment::default();
    let zone = zone_of(topo, src);
    let enis: Vec<String> = lb.zones.iter().map(|z| z.eni_id.clone()).collect();
    let Some(node) = pick_eni(topo, &enis, zone.as_deref()) else {
        seg.blockers.push(blocker(code::BAD_STATE, lb_component(lb), format!("Load balancer {} has no nodes.", lb.name), None));
        return seg;
    };
    let mut first = eni_path(topo, src, src_ip, Target { eni: Some(node), ip: IpAddr::V4(node.private_ip) }, proto, port);
    seg.forward.append(&mut first.forward);
    seg.ret.append(&mut first.ret);
    seg.blockers.append(&mut first.blockers);
    let mut rest = to_targets(topo, lb, Some(node), Some(src_ip), proto, port);
    seg.forward.append(&mut rest.forward);
    seg.blockers.append(&mut rest.blockers);
    seg
}

/// NLB node → listener → target group → a healthy target. `client` is the
/// original client when its address is preserved to the target.
fn to_targets(topo: &Topology, lb: &LoadBalancer, node: Option<&NetworkInterface>, client: Option<IpAddr>, proto: u8, port: u16) -> Segment {
    let mut seg = Segment::default();
    let lbc = lb_component(lb);
    seg.forward.push(hop(lbc.clone(), Verdict::Pass, Detail::Text { text: lb.scheme.clone() }));
    let proto_name = xvpc_model::IpProtocol::from_number(proto).sg_form().to_ascii_uppercase();
    let listener = topo.state.listeners.values().find(|l| l.load_balancer_arn == lb.id && l.port == port && (l.protocol == proto_name || l.protocol == "TCP_UDP"));
    let Some(listener) = listener else {
        let tg = topo.state.target_groups.values().find(|t| t.vpc_id == lb.vpc_id && t.owner == lb.owner).map(|t| t.id.clone()).unwrap_or_else(|| "<target-group-arn>".into());
        seg.forward.push(hop(lbc.clone(), Verdict::Block, Detail::Text { text: format!("no listener on {proto_name}:{port}") }));
        seg.blockers.push(blocker(
            code::ELBV2_LISTENERS_MISMATCH,
            lbc,
            format!("Load balancer {} has no {proto_name} listener on port {port}.", lb.name),
            Some(Fix {
                account: lb.owner.clone(),
                region: lb.region.clone(),
                command: format!("aws elbv2 create-listener --load-balancer-arn {} --protocol {proto_name} --port {port} --default-actions Type=forward,TargetGroupArn={tg} --region {}", lb.id, lb.region),
            }),
        ));
        return seg;
    };
    let lc = Component::new(Kind::LoadBalancerListener, &listener.id, &listener.owner, &listener.region);
    seg.forward.push(hop(lc.clone(), Verdict::Pass, Detail::Listener { protocol: listener.protocol.clone(), port }));
    let groups: Vec<&TargetGroup> = listener.target_group_arns().filter_map(|a| topo.state.target_groups.get(a)).collect();
    let node_zone = node.and_then(|n| zone_of(topo, n));
    let mut candidates = Vec::new();
    for tg in &groups {
        let tgc = Component::new(Kind::TargetGroup, &tg.id, &tg.owner, &tg.region).named(&tg.tags);
        if tg.targets.is_empty() {
            seg.blockers.push(blocker(
                code::ELBV2_LISTENER_HAS_NO_TG,
                tgc,
                format!("Target group {} has no registered targets.", tg.name),
                Some(Fix {
                    account: tg.owner.clone(),
                    region: tg.region.clone(),
                    command: format!("aws elbv2 register-targets --target-group-arn {} --targets Id=<instance-id> --region {}", tg.id, tg.region),
                }),
            ));
            continue;
        }
        let all_zones = target_health::cross_zone(tg, lb);
        for t in &tg.targets {
            candidates.push((*tg, tgc.clone(), t, all_zones));
        }
    }
    if groups.is_empty() {
        seg.blockers.push(blocker(code::ELBV2_LISTENER_HAS_NO_TG, lc, format!("Listener {} forwards to no target group.", listener.id), None));
        return seg;
    }
    // The first target that is healthy and reachable wins; otherwise
    // report what stops each one.
    let probe_node = |from: &NetworkInterface, to: &NetworkInterface, p: u16| crate::analysis::eni_path(topo, from, IpAddr::V4(from.private_ip), Target { eni: Some(to), ip: IpAddr::V4(to.private_ip) }, xvpc_model::IpProtocol::TCP, p).blockers.is_empty();
    let mut per_target: Vec<Segment> = Vec::new();
    for (tg, tgc, t, all_zones) in candidates {
        let mut s = Segment::default();
        s.forward.push(hop(tgc.clone(), Verdict::Pass, Detail::Text { text: tg.name.clone() }));
        let (eni, ip) = locate(topo, tg, &t.id);
        let tz = eni.and_then(|e| zone_of(topo, e));
        if !all_zones && node_zone.is_some() && tz.is_some() && tz != node_zone {
            s.blockers.push(blocker(code::ELBV2_NO_TARGETS_IN_AZ, tgc.clone(), format!("Target {} is in another zone than the load balancer node and cross-zone load balancing is off.", t.id), None));
            per_target.push(s);
            continue;
        }
        let health = target_health::health(topo.state, tg, t, topo.now, &probe_node);
        let (Some(eni), Some(node)) = (eni, node) else {
            s.blockers.push(blocker(code::UNKNOWN_DESTINATION, tgc, format!("Target {} has no network interface.", t.id), None));
            per_target.push(s);
            continue;
        };
        // Who the target sees: the client when preserved, else the node.
        let preserve = tg.attribute("preserve_client_ip.enabled") == "true" || (tg.target_type == "instance" && tg.attribute("preserve_client_ip.enabled").is_empty());
        // The node forwards; rules at the target see the client's address
        // when it is preserved.
        let from_ip = match client {
            Some(ip) if preserve => ip,
            _ => IpAddr::V4(node.private_ip),
        };
        let mut p = eni_path(topo, node, from_ip, Target { eni: Some(eni), ip }, proto, t.port);
        s.forward.push(hop(Component::new(Kind::NetworkInterface, &eni.id, &eni.owner, &eni.region), Verdict::Pass, Detail::Target { id: t.id.clone(), ip: ip.to_string(), port: t.port }));
        s.forward.append(&mut p.forward);
        s.blockers.append(&mut p.blockers);
        if health.state != "healthy" && s.blockers.is_empty() {
            // The traffic port gets through; the health check does not, or
            // the target is not in service.
            let hc_port = tg.health_check_port(t);
            let hc = eni_path(topo, node, IpAddr::V4(node.private_ip), Target { eni: Some(eni), ip }, xvpc_model::IpProtocol::TCP, hc_port);
            if hc.blockers.is_empty() {
                s.blockers.push(blocker(
                    code::BAD_STATE,
                    tgc,
                    format!("Target {} is {} ({}).", t.id, health.state, health.description.unwrap_or_default()),
                    None,
                ));
            } else {
                s.blockers.extend(hc.blockers);
            }
        }
        if s.blockers.is_empty() {
            seg.forward.append(&mut s.forward);
            return seg;
        }
        per_target.push(s);
    }
    for mut s in per_target {
        seg.forward.append(&mut s.forward);
        for b in s.blockers {
            if !seg.blockers.contains(&b) {
                seg.blockers.push(b);
            }
        }
    }
    seg
}

/// A target's ENI and address.
fn locate<'a>(topo: &Topology<'a>, tg: &TargetGroup, id: &str) -> (Option<&'a NetworkInterface>, IpAddr) {
    if tg.target_type == "instance" {
        let eni = topo.state.instances.get(id).and_then(|i| topo.eni(&i.primary_eni));
        (eni, IpAddr::V4(eni.map(|e| e.private_ip).unwrap_or(Ipv4Addr::UNSPECIFIED)))
    } else {
        let ip = id.parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        (topo.eni_by_ip(&tg.vpc_id, ip), ip)
    }
}
