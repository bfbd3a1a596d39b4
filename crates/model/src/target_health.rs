//! Target health, computed when read (never stored), as DescribeTargetHealth
//! reports it.
//!
//! A target is `healthy` only if it runs, its load balancer uses its group
//! and has a node in its Availability Zone, and the health checks get
//! through: from the private address of each NLB node that would send it
//! traffic (the node of its own zone; every node when cross-zone load
//! balancing is on) to the target on the health-check port. Whether a
//! connection gets through (security groups, network ACLs, routes) is the
//! reachability engine's question; this module takes the answer as a
//! function so the rules live in one place only.

use crate::instance::InstanceState;
use crate::load_balancer::LoadBalancer;
use crate::network_interface::NetworkInterface;
use crate::state::State;
use crate::target_group::{Target, TargetGroup, TargetInput};

/// A just-registered target is `initial` for this long.
pub const REGISTRATION_MS: i64 = 10_000;

/// "Can ENI `from` open a TCP connection to ENI `to` on `port`?"
pub type Probe<'a> = &'a dyn Fn(&NetworkInterface, &NetworkInterface, u16) -> bool;

/// One target's health, with AWS's state, reason code and description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetHealth {
    pub state: &'static str,
    pub reason: Option<&'static str>,
    pub description: Option<String>,
}

impl TargetHealth {
    fn healthy() -> Self {
        TargetHealth { state: "healthy", reason: None, description: None }
    }

    fn new(state: &'static str, reason: &'static str, description: &str) -> Self {
        TargetHealth { state, reason: Some(reason), description: Some(description.to_string()) }
    }
}

/// A row of DescribeTargetHealth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetHealthRow {
    pub target: Target,
    pub health_check_port: String,
    pub health: TargetHealth,
}

/// Whether the target group spreads each node's traffic across zones: the
/// group's own setting, or its load balancer's.
pub fn cross_zone(tg: &TargetGroup, lb: &LoadBalancer) -> bool {
    match tg.attribute("load_balancing.cross_zone.enabled").as_str() {
        "true" => true,
        "false" => false,
        _ => lb.cross_zone(),
    }
}

/// The ENI a target answers on (if any) and the zone id it sits in: an
/// instance's primary ENI, or for an IP target the subnet holding the address.
fn locate<'a>(state: &'a State, tg: &TargetGroup, target: &Target) -> (Option<&'a NetworkInterface>, Option<String>) {
    match tg.target_type.as_str() {
        "instance" => {
            let eni = state.instances.get(&target.id).and_then(|i| state.network_interfaces.get(&i.primary_eni));
            let zone = eni.and_then(|e| state.subnets.get(&e.subnet_id)).map(|s| s.availability_zone_id.clone());
            (eni, zone)
        }
        _ => {
            let Ok(ip) = target.id.parse::<std::net::Ipv4Addr>() else { return (None, None) };
            let eni = state.network_interfaces.values().find(|e| e.vpc_id == tg.vpc_id && e.all_ips().any(|x| x == ip));
            let zone = state.subnets.values().find(|s| s.vpc_id == tg.vpc_id && s.cidr.is_some_and(|c| c.contains(&ip))).map(|s| s.availability_zone_id.clone());
            (eni, zone)
        }
    }
}

/// The health of one registered target at time `now`.
pub fn health(state: &State, tg: &TargetGroup, target: &Target, now: i64, probe: Probe) -> TargetHealth {
    if tg.target_type == "instance" {
        match state.instances.get(&target.id).map(|i| i.state) {
            Some(InstanceState::Stopped | InstanceState::Stopping) => {
                return TargetHealth::new("unused", "Target.InvalidState", "Target is in the stopped state")
            }
            Some(InstanceState::Terminated | InstanceState::ShuttingDown) | None => {
                return TargetHealth::new("unused", "Target.InvalidState", "Target is in the terminated state")
            }
            _ => {}
        }
    }
    let lbs = tg.load_balancer_arns(state);
    let Some(lb) = lbs.first().and_then(|a| state.load_balancers.get(a)) else {
        return TargetHealth::new("unused", "Target.NotInUse", "Target group is not configured to receive traffic from the load balancer");
    };
    let (eni, zone_id) = locate(state, tg, target);
    if let Some(zone_id) = &zone_id {
        if !lb.zones.iter().any(|z| &z.zone_id == zone_id) {
            return TargetHealth::new("unused", "Target.NotInUse", "Target is in an Availability Zone that is not enabled for the load balancer");
        }
    }
    if now < target.registered_at + REGISTRATION_MS || lb.state_code(now) != "active" {
        return TargetHealth::new("initial", "Elb.RegistrationInProgress", "Target registration is in progress");
    }
    if state.instances.get(&target.id).is_some_and(|i| i.state == InstanceState::Pending) {
        return TargetHealth::new("initial", "Elb.InitialHealthChecking", "Initial health checks in progress");
    }
    let failed = TargetHealth::new("unhealthy", "Target.FailedHealthChecks", "Health checks failed");
    let (Some(eni), Some(zone_id)) = (eni, zone_id) else { return failed };
    let all_zones = cross_zone(tg, lb);
    let port = tg.health_check_port(target);
    let nodes = lb.zones.iter().filter(|z| all_zones || z.zone_id == zone_id);
    let ok = nodes.clone().count() > 0
        && nodes.into_iter().all(|z| state.network_interfaces.get(&z.eni_id).is_some_and(|node| probe(node, eni, port)));
    if ok {
        TargetHealth::healthy()
    } else {
        failed
    }
}

/// DescribeTargetHealth: every registered target, or the named ones
/// (a named target that is not registered is `unused` / `Target.NotRegistered`).
pub fn describe(state: &State, tg: &TargetGroup, only: &[TargetInput], now: i64, probe: Probe) -> Vec<TargetHealthRow> {
    let port_of = |t: &Target| if tg.health_check.port == "traffic-port" { t.port.to_string() } else { tg.health_check.port.clone() };
    if only.is_empty() {
        return tg
            .targets
            .iter()
            .map(|t| TargetHealthRow { target: t.clone(), health_check_port: port_of(t), health: health(state, tg, t, now, probe) })
            .collect();
    }
    only.iter()
        .flat_map(|want| {
            let registered: Vec<&Target> = tg.targets.iter().filter(|t| t.id == want.id && want.port.map_or(true, |p| i64::from(t.port) == p)).collect();
            if registered.is_empty() {
                let t = Target {
                    id: want.id.clone(),
                    port: want.port.map_or(tg.port, |p| p as u16),
                    availability_zone: want.availability_zone.clone(),
                    registered_at: 0,
                };
                let health = TargetHealth::new("unused", "Target.NotRegistered", "Target is not registered to the target group");
                vec![TargetHealthRow { health_check_port: port_of(&t), target: t, health }]
            } else {
                registered
                    .into_iter()
                    .map(|t| TargetHealthRow { target: t.clone(), health_check_port: port_of(t), health: health(state, tg, t, now, probe) })
                    .collect()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listener::{create_listener, Action, ListenerInput};
    use crate::load_balancer::tests::{apply, nlb, world};
    use crate::state::Ctx;
    use crate::target_group::{create_target_group, register_targets, CreateTargetGroup};

    /// An NLB in zones a and b, an ip target group with targets in a, b and c.
    fn setup(ctx: &Ctx) -> (State, String, String) {
        let (mut s, vpc, subnets) = world(ctx);
        let lb = nlb(&mut s, ctx, "web", &subnets[..2]);
        let (ch, tg) = create_target_group(
            &s,
            ctx,
            CreateTargetGroup { name: "tg".into(), protocol: Some("TCP".into()), port: Some(80), vpc_id: Some(vpc), target_type: Some("ip".into()), ..Default::default() },
        )
        .unwrap();
        apply(&mut s, ch);
        // A workload ENI per subnet, holding the target addresses.
        for (i, sub) in subnets.iter().enumerate() {
            let subnet = s.subnets[sub].clone();
            let ip = format!("10.1.{}.100", i + 1).parse().unwrap();
            let eni = crate::network_interface::requester_managed(&subnet, ip, vec![], "workload".into(), "interface", "test");
            s.network_interfaces.insert(eni.id.clone(), eni);
        }
        let targets: Vec<TargetInput> = (1..=3).map(|i| TargetInput { id: format!("10.1.{i}.100"), ..Default::default() }).collect();
        let ch = register_targets(&s, ctx, &tg, &targets).unwrap();
        apply(&mut s, ch);
        (s, lb, tg)
    }

    fn states(s: &State, tg: &str, now: i64, probe: Probe) -> Vec<(String, &'static str, Option<&'static str>)> {
        describe(s, &s.target_groups[tg], &[], now, probe).into_iter().map(|r| (r.target.id, r.health.state, r.health.reason)).collect()
    }

    #[test]
    fn health_follows_listener_zone_and_probe() {
        let ctx = Ctx::new("111111111111", "us-east-1", 0);
        let (mut s, lb, tg) = setup(&ctx);
        let all: Probe = &|_, _, _| true;
        let later = REGISTRATION_MS + 1;
        // No listener uses the group yet.
        assert!(states(&s, &tg, later, all).iter().all(|(_, st, r)| *st == "unused" && *r == Some("Target.NotInUse")));
        let action = Action { action_type: "forward".into(), target_group_arn: Some(tg.clone()), forward: vec![], order: None };
        let (ch, _) = create_listener(&s, &ctx, &lb, ListenerInput { protocol: Some("TCP".into()), port: Some(80), default_actions: Some(vec![action]), ..Default::default() }).unwrap();
        apply(&mut s, ch);
        assert!(states(&s, &tg, 1, all).iter().take(2).all(|(_, st, r)| *st == "initial" && *r == Some("Elb.RegistrationInProgress")));
        let st = states(&s, &tg, later, all);
        assert_eq!(st[0].1, "healthy");
        assert_eq!(st[1].1, "healthy");
        assert_eq!((st[2].1, st[2].2), ("unused", Some("Target.NotInUse")), "zone c is not enabled");
        let none: Probe = &|_, _, _| false;
        let st = states(&s, &tg, later, none);
        assert_eq!((st[0].1, st[0].2), ("unhealthy", Some("Target.FailedHealthChecks")));
        // The probe is asked from the NLB node ENIs on the traffic port.
        let node_ips: Vec<_> = s.load_balancers[&lb].zones.iter().map(|z| z.private_ip).collect();
        let asked = std::cell::RefCell::new(Vec::new());
        let rec: Probe = &|from, to, port| {
            asked.borrow_mut().push((from.private_ip, to.private_ip, port));
            true
        };
        states(&s, &tg, later, rec);
        assert!(asked.borrow().iter().all(|(f, _, p)| node_ips.contains(f) && *p == 80));
    }

    #[test]
    fn cross_zone_widens_the_nodes_that_must_get_through() {
        let ctx = Ctx::new("111111111111", "us-east-1", 0);
        let (mut s, lb, tg) = setup(&ctx);
        let action = Action { action_type: "forward".into(), target_group_arn: Some(tg.clone()), forward: vec![], order: None };
        let (ch, _) = create_listener(&s, &ctx, &lb, ListenerInput { protocol: Some("TCP".into()), port: Some(80), default_actions: Some(vec![action]), ..Default::default() }).unwrap();
        apply(&mut s, ch);
        // Only same-subnet health checks get through (like an SG admitting
        // only the local node's /32).
        let same_subnet: Probe = &|from, to, _| from.subnet_id == to.subnet_id;
        let later = REGISTRATION_MS + 1;
        assert_eq!(states(&s, &tg, later, same_subnet)[0].1, "healthy");
        let ch = crate::load_balancer::modify_attributes(&s, &ctx, &lb, &[("load_balancing.cross_zone.enabled".into(), "true".into())]).unwrap();
        apply(&mut s, ch);
        assert_eq!(states(&s, &tg, later, same_subnet)[0].1, "unhealthy");
        // The group's own setting overrides the load balancer's.
        let ch = crate::target_group::modify_attributes(&s, &ctx, &tg, &[("load_balancing.cross_zone.enabled".into(), "false".into())]).unwrap();
        apply(&mut s, ch);
        assert_eq!(states(&s, &tg, later, same_subnet)[0].1, "healthy");
    }

    #[test]
    fn named_targets_not_registered() {
        let ctx = Ctx::new("111111111111", "us-east-1", 0);
        let (s, _, tg) = setup(&ctx);
        let rows = describe(&s, &s.target_groups[&tg], &[TargetInput { id: "10.1.1.200".into(), ..Default::default() }], 0, &|_, _, _| true);
        assert_eq!((rows[0].health.state, rows[0].health.reason), ("unused", Some("Target.NotRegistered")));
    }
}
