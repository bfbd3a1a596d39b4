//! Shape coverage of ELBv2's outputs: fully populated load balancers,
//! target groups, listeners and targets, serialized through the generated
//! serializer, carry every member botocore declares under botocore's name,
//! except the members xvpc holds no value for (listed, so a member that goes
//! missing, or starts being written, fails the test).

use xvpc_model::listener::{self as ls, Action, ListenerInput};
use xvpc_model::load_balancer::{self as lb, CreateLoadBalancer, SubnetMapping};
use xvpc_model::populated::{self, World};
use xvpc_model::target_group::{self as tg, CreateTargetGroup, HealthCheckInput, TargetInput};
use xvpc_model::{target_health, Changes};
use xvpc_wire::shapes::elbv2 as shape;
use xvpc_wire::xml_output::{body, XmlMembers};

use super::listener::listener_shape;
use super::load_balancer::load_balancer_shape;
use super::target_group::{target_group_shape, target_health_shape};
use crate::shape_coverage::missing;

fn apply(w: &mut World, ch: Changes) {
    ch.events.into_iter().for_each(|e| w.state.apply(e));
}

/// The populated world plus an NLB with every optional part xvpc models
/// (security groups, a fixed private address, tags), a target group with an
/// HTTP health check, a TLS listener with a weighted forward action, and a
/// target registered with its zone and port.
fn world() -> World {
    let mut w = populated::world();
    let ctx = w.ctx.clone();
    let s = &w.state;
    let vpc = s.load_balancers.values().next().expect("the world's NLB").vpc_id.clone();
    let mut subnets: Vec<_> = s.subnets.values().filter(|x| x.vpc_id == vpc).collect();
    subnets.sort_by(|a, b| a.availability_zone.cmp(&b.availability_zone));
    let (first, second) = (subnets[0].clone(), subnets[1].clone());
    let group = s.security_groups.values().find(|g| g.vpc_id == vpc && g.name != "default").expect("a group").id.clone();
    let fixed = first.cidr.expect("an IPv4 subnet").hosts().nth(99).expect("an address").to_string();
    let create = CreateLoadBalancer {
        name: "full".into(),
        lb_type: Some("network".into()),
        scheme: Some("internal".into()),
        subnets: vec![
            SubnetMapping { subnet_id: first.id.clone(), private_ip: Some(fixed) },
            SubnetMapping { subnet_id: second.id.clone(), private_ip: None },
        ],
        security_groups: vec![group],
        ip_address_type: Some("ipv4".into()),
        tags: vec![("Name".into(), "full".into())],
    };
    let (ch, lb_arn) = lb::create_load_balancer(&w.state, &ctx, create).unwrap();
    apply(&mut w, ch);
    let health_check = HealthCheckInput {
        enabled: Some(true),
        protocol: Some("HTTP".into()),
        port: Some("8080".into()),
        path: Some("/health".into()),
        interval_seconds: Some(10),
        timeout_seconds: Some(6),
        healthy_threshold: Some(3),
        unhealthy_threshold: Some(3),
        matcher: Some("200-299".into()),
    };
    let create = CreateTargetGroup {
        name: "full".into(),
        protocol: Some("TCP".into()),
        port: Some(443),
        vpc_id: Some(vpc),
        target_type: Some("ip".into()),
        health_check,
        tags: vec![("Name".into(), "tg".into())],
    };
    let (ch, tg_arn) = tg::create_target_group(&w.state, &ctx, create).unwrap();
    apply(&mut w, ch);
    let target = first.cidr.expect("an IPv4 subnet").hosts().nth(9).expect("an address").to_string();
    let targets = [TargetInput { id: target, port: Some(8443), availability_zone: Some(first.availability_zone.clone()) }];
    let ch = tg::register_targets(&w.state, &ctx, &tg_arn, &targets).unwrap();
    apply(&mut w, ch);
    let listener = ListenerInput {
        protocol: Some("TLS".into()),
        port: Some(443),
        default_actions: Some(vec![Action { action_type: "forward".into(), target_group_arn: None, forward: vec![(tg_arn, Some(5))], order: Some(1) }]),
        certificates: Some(vec!["arn:aws:acm:us-east-1:111111111111:certificate/abc".into()]),
        ssl_policy: Some("ELBSecurityPolicy-TLS13-1-2-2021-06".into()),
        alpn_policy: Some("HTTP2Preferred".into()),
        tags: vec![("Name".into(), "l".into())],
    };
    let (ch, _) = ls::create_listener(&w.state, &ctx, &lb_arn, listener).unwrap();
    apply(&mut w, ch);
    w
}

/// What `output` lacks of botocore's `shape`.
fn gaps(shape: &str, output: &impl XmlMembers) -> Vec<String> {
    missing("elbv2", shape, &body(output))
}

#[test]
fn load_balancers_carry_every_member_xvpc_models() {
    let w = world();
    let lbs: Vec<shape::LoadBalancer> = w.state.load_balancers.scope(&w.ctx).map(|l| load_balancer_shape(l, w.ctx.now)).collect();
    let out = shape::DescribeLoadBalancersOutput { load_balancers: lbs, next_marker: Some("m".into()) };
    assert_eq!(
        gaps("DescribeLoadBalancersOutput", &out),
        [
            // Outposts, IPv6, Elastic IPs and IPAM are not modelled.
            "AvailabilityZone.OutpostId",
            "AvailabilityZone.SourceNatIpv6Prefixes",
            "LoadBalancer.CustomerOwnedIpv4Pool",
            "LoadBalancer.EnablePrefixForIpv6SourceNat",
            "LoadBalancer.IpamPools",
            "LoadBalancerAddress.AllocationId",
            "LoadBalancerAddress.IPv6Address",
            "LoadBalancerAddress.IpAddress",
            // Only set for failed load balancers, which xvpc never has.
            "LoadBalancerState.Reason",
        ]
    );
}

#[test]
fn target_groups_carry_every_member_xvpc_models() {
    let w = world();
    let tgs: Vec<shape::TargetGroup> = w.state.target_groups.scope(&w.ctx).map(|t| target_group_shape(t, &w.state)).collect();
    let out = shape::DescribeTargetGroupsOutput { target_groups: tgs, next_marker: Some("m".into()) };
    assert_eq!(
        gaps("DescribeTargetGroupsOutput", &out),
        [
            // gRPC matchers, HTTP protocol versions (ALB) and target control ports are not modelled.
            "Matcher.GrpcCode",
            "TargetGroup.ProtocolVersion",
            "TargetGroup.TargetControlPort",
        ]
    );
}

#[test]
fn listeners_carry_every_member_xvpc_models() {
    let w = world();
    let ls: Vec<shape::Listener> = w.state.listeners.scope(&w.ctx).map(listener_shape).collect();
    let out = shape::DescribeListenersOutput { listeners: ls, next_marker: Some("m".into()) };
    assert_eq!(
        gaps("DescribeListenersOutput", &out),
        [
            // Actions of Application Load Balancers; NLBs only forward.
            "Action.AuthenticateCognitoConfig",
            "Action.AuthenticateOidcConfig",
            "Action.FixedResponseConfig",
            "Action.JwtValidationConfig",
            "Action.RedirectConfig",
            // Describe names the default certificate by ARN only, as AWS does.
            "Certificate.IsDefault",
            "Listener.MutualAuthentication",
            "TargetGroupStickinessConfig.DurationSeconds",
        ]
    );
}

#[test]
fn target_health_and_tags_carry_every_member_xvpc_models() {
    let w = world();
    let t = w.state.target_groups.values().find(|t| t.name == "full").expect("the full group");
    let healthy = |_: &_, _: &_, _: u16| true;
    let rows = target_health::describe(&w.state, t, &[], w.ctx.now, &healthy);
    let out = shape::DescribeTargetHealthOutput { target_health_descriptions: rows.iter().map(target_health_shape).collect() };
    assert_eq!(
        gaps("DescribeTargetHealthOutput", &out),
        ["TargetDescription.QuicServerId", "TargetHealthDescription.AdministrativeOverride", "TargetHealthDescription.AnomalyDetection"]
    );
    let tags = super::tag_list(&t.tags);
    let out = shape::DescribeTagsOutput { tag_descriptions: vec![shape::TagDescription { resource_arn: Some(t.id.clone()), tags }] };
    assert_eq!(gaps("DescribeTagsOutput", &out), Vec::<String>::new());
}
