//! PrivateLink on the map: interface endpoint (consumer VPC) → endpoint
//! service (provider's region) → network load balancer (provider VPC) →
//! registered targets, each edge coloured by its state (endpoint
//! acceptance, NLB provisioning, target health).

use xvpc_model::State;

use super::topology::{name_of, Connections, Edge, EdgeKind, Node, NodeKind};

pub(super) fn add(state: &State, now: i64, out: &mut Connections) {
    for lb in state.load_balancers.values() {
        let mut listeners: Vec<String> =
            state.listeners.values().filter(|l| l.load_balancer_arn == lb.id).map(|l| format!("{}:{}", l.protocol, l.port)).collect();
        listeners.sort();
        let mut details = vec![format!("{} NLB", lb.scheme)];
        if !listeners.is_empty() {
            details.push(format!("listeners {}", listeners.join(" ")));
        }
        out.vpc_nodes.entry(lb.vpc_id.clone()).or_default().push(Node {
            id: lb.id.clone(),
            kind: NodeKind::LoadBalancer,
            label: lb.name.clone(),
            details,
            state: lb.state_code(now).to_string(),
            aliases: lb.zones.iter().map(|z| z.eni_id.clone()).collect(),
        });
        targets(state, now, lb, out);
    }
    for svc in state.endpoint_services.values() {
        out.region_nodes.entry((svc.owner.clone(), svc.region.clone())).or_default().push(Node {
            id: svc.id.clone(),
            kind: NodeKind::EndpointService,
            label: name_of(&svc.tags).unwrap_or_else(|| svc.id.clone()),
            details: vec![
                "endpoint service".into(),
                if svc.acceptance_required { "acceptance required".into() } else { "auto-accept".into() },
            ],
            state: svc.state(now).to_string(),
            aliases: vec![],
        });
        for arn in &svc.network_load_balancer_arns {
            let Some(lb) = state.load_balancers.get(arn) else { continue };
            out.edges.push(Edge {
                id: format!("{}>{}", svc.id, lb.id),
                kind: EdgeKind::ServiceLoadBalancer,
                from: svc.id.clone(),
                to: lb.id.clone(),
                state: lb.state_code(now).to_string(),
                label: "NLB".into(),
            });
        }
    }
    for ep in state.vpc_endpoints.values().filter(|e| e.endpoint_type.eq_ignore_ascii_case("interface")) {
        out.vpc_nodes.entry(ep.vpc_id.clone()).or_default().push(Node {
            id: ep.id.clone(),
            kind: NodeKind::VpcEndpoint,
            label: name_of(&ep.tags).unwrap_or_else(|| ep.id.clone()),
            details: vec!["interface endpoint".into()],
            state: ep.state.as_str().to_string(),
            aliases: ep.network_interface_ids.clone(),
        });
        if let Some(svc) = ep.service_id.as_ref().filter(|s| state.endpoint_services.contains_key(*s)) {
            out.edges.push(Edge {
                id: format!("{}>{}", ep.id, svc),
                kind: EdgeKind::PrivateLink,
                from: ep.id.clone(),
                to: svc.clone(),
                state: ep.state.as_str().to_string(),
                label: "PrivateLink".into(),
            });
        }
    }
}

/// NLB → each registered target its listeners forward to, coloured by the
/// target's health as DescribeTargetHealth reports it.
fn targets(state: &State, now: i64, lb: &xvpc_model::load_balancer::LoadBalancer, out: &mut Connections) {
    let probe = |from: &xvpc_model::network_interface::NetworkInterface, to: &xvpc_model::network_interface::NetworkInterface, port: u16| {
        xvpc_reach::health_check(state, now, &from.id, &to.id, xvpc_model::IpProtocol::TCP, port).is_ok()
    };
    let mut tgs: Vec<&str> =
        state.listeners.values().filter(|l| l.load_balancer_arn == lb.id).flat_map(|l| l.target_group_arns()).collect();
    tgs.sort();
    tgs.dedup();
    for tg in tgs.into_iter().filter_map(|a| state.target_groups.get(a)) {
        for t in &tg.targets {
            // Instance targets point at the instance; IP targets at the
            // instance holding that address, when one does.
            let to = if tg.target_type == "instance" {
                Some(t.id.clone())
            } else {
                t.id.parse::<std::net::Ipv4Addr>().ok().and_then(|ip| {
                    state.instances.values().find(|i| i.vpc_id == tg.vpc_id && i.private_ip == ip).map(|i| i.id.clone())
                })
            };
            let Some(to) = to.filter(|i| state.instances.contains_key(i)) else { continue };
            let health = xvpc_model::target_health::health(state, tg, t, now, &probe);
            out.edges.push(Edge {
                id: format!("{}>{}:{}", lb.id, t.id, t.port),
                kind: EdgeKind::Target,
                from: lb.id.clone(),
                to,
                state: health.state.to_string(),
                label: format!("{} :{}", tg.name, t.port),
            });
        }
    }
}
