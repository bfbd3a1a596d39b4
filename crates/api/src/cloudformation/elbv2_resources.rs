//! CloudFormation's Elastic Load Balancing v2 types: load balancer, target
//! group (with its `Targets`) and listener, through the ELBv2 API's typed
//! handlers.

use xvpc_model::stack::StackResource;
use xvpc_wire::shapes::elbv2 as shape;

use super::props::{Created, Kind, Props, Site};
use crate::call::Call;
use crate::elbv2::{listener, load_balancer, target_group};
use crate::errors::Result;

pub(crate) const KINDS: &[Kind] = &[
    Kind { type_name: "AWS::ElasticLoadBalancingV2::LoadBalancer", create: create_lb, delete: delete_lb, update: None },
    Kind { type_name: "AWS::ElasticLoadBalancingV2::TargetGroup", create: create_tg, delete: delete_tg, update: None },
    Kind { type_name: "AWS::ElasticLoadBalancingV2::Listener", create: create_listener, delete: delete_listener, update: None },
];

fn tags(site: &Site, p: &Props) -> Vec<shape::Tag> {
    site.user_tags(p).into_iter().map(|(key, value)| shape::Tag { key, value: Some(value) }).collect()
}

/// The part of an ARN after `loadbalancer/` or `targetgroup/` (the
/// `...FullName` attributes).
fn full_name(arn: &str, marker: &str) -> String {
    arn.split_once(marker).map(|(_, n)| n.to_string()).unwrap_or_default()
}

fn create_lb(call: &mut Call, p: &Props, site: &Site) -> Result<Created> {
    let mappings = p
        .objects("SubnetMappings")
        .into_iter()
        .map(|m| {
            let m = p.of(m);
            shape::SubnetMapping { subnet_id: m.str("SubnetId"), allocation_id: m.str("AllocationId"), private_i_pv4_address: m.str("PrivateIPv4Address"), ..Default::default() }
        })
        .collect();
    let input = shape::CreateLoadBalancerInput {
        // AWS names an unnamed load balancer itself (at most 32 characters).
        name: p.str("Name").unwrap_or_else(|| site.generated_name(32)),
        subnets: p.list("Subnets"),
        subnet_mappings: mappings,
        security_groups: p.list("SecurityGroups"),
        scheme: p.str("Scheme").map(|s| s.as_str().into()),
        type_: Some(p.str("Type").unwrap_or_else(|| "application".into()).as_str().into()),
        ip_address_type: p.str("IpAddressType").map(|s| s.as_str().into()),
        tags: tags(site, p),
        ..Default::default()
    };
    let lb = load_balancer::create_load_balancer(call, input)?.load_balancers.into_iter().next().unwrap_or_default();
    let arn = lb.load_balancer_arn.clone().unwrap_or_default();
    Ok(Created::new(&arn)
        .with("LoadBalancerArn", arn.clone())
        .with("DNSName", lb.dns_name.unwrap_or_default())
        .with("CanonicalHostedZoneID", lb.canonical_hosted_zone_id.unwrap_or_default())
        .with("LoadBalancerName", lb.load_balancer_name.unwrap_or_default())
        .with("LoadBalancerFullName", full_name(&arn, ":loadbalancer/"))
        .with("SecurityGroups", lb.security_groups))
}

fn delete_lb(call: &mut Call, r: &StackResource) -> Result<()> {
    load_balancer::delete_load_balancer(call, shape::DeleteLoadBalancerInput { load_balancer_arn: r.physical_id.clone() }).map(drop)
}

fn create_tg(call: &mut Call, p: &Props, site: &Site) -> Result<Created> {
    let int = |k: &str| p.int(k).map(|n| n as i32);
    let input = shape::CreateTargetGroupInput {
        name: p.str("Name").unwrap_or_else(|| site.generated_name(32)),
        protocol: p.str("Protocol").map(|s| s.as_str().into()),
        port: int("Port"),
        vpc_id: p.str("VpcId"),
        target_type: p.str("TargetType").map(|s| s.as_str().into()),
        health_check_protocol: p.str("HealthCheckProtocol").map(|s| s.as_str().into()),
        health_check_port: p.str("HealthCheckPort"),
        health_check_enabled: p.bool("HealthCheckEnabled"),
        health_check_path: p.str("HealthCheckPath"),
        health_check_interval_seconds: int("HealthCheckIntervalSeconds"),
        health_check_timeout_seconds: int("HealthCheckTimeoutSeconds"),
        healthy_threshold_count: int("HealthyThresholdCount"),
        unhealthy_threshold_count: int("UnhealthyThresholdCount"),
        tags: tags(site, p),
        ..Default::default()
    };
    let tg = target_group::create_target_group(call, input)?.target_groups.into_iter().next().unwrap_or_default();
    let arn = tg.target_group_arn.clone().unwrap_or_default();
    let targets: Vec<shape::TargetDescription> = p
        .objects("Targets")
        .into_iter()
        .map(|t| {
            let t = p.of(t);
            shape::TargetDescription { id: t.str("Id").unwrap_or_default(), port: t.int("Port").map(|n| n as i32), availability_zone: t.str("AvailabilityZone"), ..Default::default() }
        })
        .collect();
    if !targets.is_empty() {
        target_group::register_targets(call, shape::RegisterTargetsInput { target_group_arn: arn.clone(), targets })?;
    }
    Ok(Created::new(&arn)
        .with("TargetGroupArn", arn.clone())
        .with("TargetGroupName", tg.target_group_name.unwrap_or_default())
        .with("TargetGroupFullName", full_name(&arn, ":targetgroup/"))
        .with("LoadBalancerArns", tg.load_balancer_arns))
}

fn delete_tg(call: &mut Call, r: &StackResource) -> Result<()> {
    target_group::delete_target_group(call, shape::DeleteTargetGroupInput { target_group_arn: r.physical_id.clone() }).map(drop)
}

fn create_listener(call: &mut Call, p: &Props, _: &Site) -> Result<Created> {
    let actions = p
        .objects("DefaultActions")
        .into_iter()
        .map(|a| {
            let a = p.of(a);
            shape::Action { type_: a.str("Type").unwrap_or_else(|| "forward".into()).as_str().into(), target_group_arn: a.str("TargetGroupArn"), order: a.int("Order").map(|n| n as i32), ..Default::default() }
        })
        .collect();
    let input = shape::CreateListenerInput {
        load_balancer_arn: p.req("LoadBalancerArn")?,
        protocol: p.str("Protocol").map(|s| s.as_str().into()),
        port: p.int("Port").map(|n| n as i32),
        default_actions: actions,
        ..Default::default()
    };
    let l = listener::create_listener(call, input)?.listeners.into_iter().next().unwrap_or_default();
    let arn = l.listener_arn.unwrap_or_default();
    Ok(Created::new(&arn).with("ListenerArn", arn.clone()))
}

fn delete_listener(call: &mut Call, r: &StackResource) -> Result<()> {
    listener::delete_listener(call, shape::DeleteListenerInput { listener_arn: r.physical_id.clone() }).map(drop)
}
