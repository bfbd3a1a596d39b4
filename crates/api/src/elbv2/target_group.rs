//! Target group actions, targets and their (computed) health: typed
//! handlers over the generated `shapes::elbv2`.

use xvpc_model::load_balancer::check_arn;
use xvpc_model::network_interface::NetworkInterface;
use xvpc_model::target_group::{self as tg, CreateTargetGroup, HealthCheckInput, TargetGroup, TargetInput};
use xvpc_model::target_health::TargetHealthRow;
use xvpc_model::{target_health, IdKind, ModelError, State};
use xvpc_wire::shapes::elbv2::{self as shape, ops};

use super::{attribute_pairs, paginate, tag_pairs};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::CreateTargetGroup, create_target_group),
    crate::typed!(ops::DescribeTargetGroups, describe_target_groups),
    crate::typed!(ops::ModifyTargetGroup, modify_target_group),
    crate::typed!(ops::DeleteTargetGroup, delete_target_group),
    crate::typed!(ops::DescribeTargetGroupAttributes, describe_target_group_attributes),
    crate::typed!(ops::ModifyTargetGroupAttributes, modify_target_group_attributes),
    crate::typed!(ops::RegisterTargets, register_targets),
    crate::typed!(ops::DeregisterTargets, deregister_targets),
    crate::typed!(ops::DescribeTargetHealth, describe_target_health),
];

/// Saturating, for the model's `i64` counters in botocore's `Integer`s.
fn int(n: i64) -> Option<i32> {
    Some(i32::try_from(n).unwrap_or(i32::MAX))
}

/// The `TargetGroup` structure AWS describes; the load balancers come from
/// the listeners that forward to it. xvpc's target groups are IPv4.
pub(super) fn target_group_shape(t: &TargetGroup, state: &State) -> shape::TargetGroup {
    let hc = &t.health_check;
    shape::TargetGroup {
        target_group_arn: Some(t.id.clone()),
        target_group_name: Some(t.name.clone()),
        protocol: Some(shape::ProtocolEnum::from(t.protocol.as_str())),
        port: Some(i32::from(t.port)),
        vpc_id: Some(t.vpc_id.clone()),
        health_check_protocol: Some(shape::ProtocolEnum::from(hc.protocol.as_str())),
        health_check_port: Some(hc.port.clone()),
        health_check_enabled: Some(hc.enabled),
        health_check_interval_seconds: int(hc.interval_seconds),
        health_check_timeout_seconds: int(hc.timeout_seconds),
        healthy_threshold_count: int(hc.healthy_threshold),
        unhealthy_threshold_count: int(hc.unhealthy_threshold),
        health_check_path: hc.path.clone(),
        matcher: hc.matcher.as_ref().map(|m| shape::Matcher { http_code: Some(m.clone()), grpc_code: None }),
        load_balancer_arns: t.load_balancer_arns(state),
        target_type: Some(shape::TargetTypeEnum::from(t.target_type.as_str())),
        ip_address_type: Some(shape::TargetGroupIpAddressTypeEnum::Ipv4),
        ..Default::default()
    }
}

/// The health check members of CreateTargetGroup and ModifyTargetGroup
/// (the same names in both inputs), as the model takes them.
macro_rules! health_input {
    ($i:expr) => {
        HealthCheckInput {
            enabled: $i.health_check_enabled,
            protocol: $i.health_check_protocol.map(|p| p.as_str().to_string()),
            port: $i.health_check_port,
            path: $i.health_check_path,
            interval_seconds: $i.health_check_interval_seconds.map(i64::from),
            timeout_seconds: $i.health_check_timeout_seconds.map(i64::from),
            healthy_threshold: $i.healthy_threshold_count.map(i64::from),
            unhealthy_threshold: $i.unhealthy_threshold_count.map(i64::from),
            matcher: $i.matcher.and_then(|m| m.http_code),
        }
    };
}

pub(crate) fn create_target_group(call: &mut Call, i: shape::CreateTargetGroupInput) -> Result<shape::CreateTargetGroupOutput> {
    let health_check = health_input!(i);
    let create = CreateTargetGroup {
        name: i.name,
        protocol: i.protocol.map(|p| p.as_str().to_string()),
        port: i.port.map(i64::from),
        vpc_id: i.vpc_id,
        target_type: i.target_type.map(|t| t.as_str().to_string()),
        health_check,
        tags: tag_pairs(&i.tags),
    };
    let (ch, arn) = tg::create_target_group(call.state(), &call.ctx, create)?;
    call.commit(ch)?;
    let s = call.state();
    Ok(shape::CreateTargetGroupOutput { target_groups: vec![target_group_shape(&s.target_groups[&arn], s)] })
}

pub(crate) fn describe_target_groups(call: &mut Call, input: shape::DescribeTargetGroupsInput) -> Result<shape::DescribeTargetGroupsOutput> {
    let (arns, names) = (input.target_group_arns, input.names);
    let lb_arn = input.load_balancer_arn.as_deref();
    let s = call.state();
    if let Some(a) = lb_arn {
        xvpc_model::load_balancer::find(s, &call.ctx, a)?;
    }
    let mine: Vec<&TargetGroup> = s.target_groups.scope(&call.ctx).collect();
    for a in &arns {
        check_arn(a, "targetgroup")?;
        if !mine.iter().any(|t| &t.id == a) {
            return Err(ModelError::NotFound(IdKind::TargetGroup, a.to_string()).into());
        }
    }
    for n in &names {
        if !mine.iter().any(|t| &t.name == n) {
            return Err(ModelError::NotFound(IdKind::TargetGroup, n.to_string()).into());
        }
    }
    let out: Vec<&TargetGroup> = mine
        .into_iter()
        .filter(|t| {
            (arns.is_empty() || arns.contains(&t.id))
                && (names.is_empty() || names.contains(&t.name))
                && lb_arn.is_none_or(|a| t.load_balancer_arns(s).iter().any(|x| x == a))
        })
        .collect();
    let (page, next_marker) = paginate(out, input.page_size, input.marker.as_deref(), |t| t.id.clone())?;
    Ok(shape::DescribeTargetGroupsOutput { target_groups: page.into_iter().map(|t| target_group_shape(t, s)).collect(), next_marker })
}

pub(crate) fn modify_target_group(call: &mut Call, i: shape::ModifyTargetGroupInput) -> Result<shape::ModifyTargetGroupOutput> {
    let health_check = health_input!(i);
    let ch = tg::modify_target_group(call.state(), &call.ctx, &i.target_group_arn, &health_check)?;
    call.commit(ch)?;
    let s = call.state();
    Ok(shape::ModifyTargetGroupOutput { target_groups: vec![target_group_shape(&s.target_groups[&i.target_group_arn], s)] })
}

pub(crate) fn delete_target_group(call: &mut Call, input: shape::DeleteTargetGroupInput) -> Result<shape::DeleteTargetGroupOutput> {
    let ch = tg::delete_target_group(call.state(), &call.ctx, &input.target_group_arn)?;
    call.commit(ch)?;
    Ok(shape::DeleteTargetGroupOutput {})
}

fn attributes(t: &TargetGroup) -> Vec<shape::TargetGroupAttribute> {
    t.all_attributes().into_iter().map(|(k, v)| shape::TargetGroupAttribute { key: Some(k), value: Some(v) }).collect()
}

fn describe_target_group_attributes(
    call: &mut Call,
    input: shape::DescribeTargetGroupAttributesInput,
) -> Result<shape::DescribeTargetGroupAttributesOutput> {
    check_arn(&input.target_group_arn, "targetgroup")?;
    let t = tg::find(call.state(), &call.ctx, &input.target_group_arn)?;
    Ok(shape::DescribeTargetGroupAttributesOutput { attributes: attributes(t) })
}

pub(crate) fn modify_target_group_attributes(
    call: &mut Call,
    input: shape::ModifyTargetGroupAttributesInput,
) -> Result<shape::ModifyTargetGroupAttributesOutput> {
    let pairs = attribute_pairs(input.attributes.into_iter().map(|a| (a.key, a.value)))?;
    let ch = tg::modify_attributes(call.state(), &call.ctx, &input.target_group_arn, &pairs)?;
    call.commit(ch)?;
    let t = tg::find(call.state(), &call.ctx, &input.target_group_arn)?;
    Ok(shape::ModifyTargetGroupAttributesOutput { attributes: attributes(t) })
}

fn targets(targets: Vec<shape::TargetDescription>) -> Vec<TargetInput> {
    targets.into_iter().map(|t| TargetInput { id: t.id, port: t.port.map(i64::from), availability_zone: t.availability_zone }).collect()
}

pub(crate) fn register_targets(call: &mut Call, input: shape::RegisterTargetsInput) -> Result<shape::RegisterTargetsOutput> {
    let ch = tg::register_targets(call.state(), &call.ctx, &input.target_group_arn, &targets(input.targets))?;
    call.commit(ch)?;
    Ok(shape::RegisterTargetsOutput {})
}

pub(crate) fn deregister_targets(call: &mut Call, input: shape::DeregisterTargetsInput) -> Result<shape::DeregisterTargetsOutput> {
    let ch = tg::deregister_targets(call.state(), &call.ctx, &input.target_group_arn, &targets(input.targets))?;
    call.commit(ch)?;
    Ok(shape::DeregisterTargetsOutput {})
}

/// Whether health checks from NLB node `from` reach target `to` on TCP
/// `port`: the reachability engine's verdict (security groups, network
/// ACLs and routes, both directions).
fn probe(state: &State, now: i64) -> impl Fn(&NetworkInterface, &NetworkInterface, u16) -> bool + '_ {
    move |from, to, port| xvpc_reach::health_check(state, now, &from.id, &to.id, 6, port).is_ok()
}

/// A `TargetHealthDescription`: the target, the port checked, its health.
pub(super) fn target_health_shape(r: &TargetHealthRow) -> shape::TargetHealthDescription {
    shape::TargetHealthDescription {
        target: Some(shape::TargetDescription {
            id: r.target.id.clone(),
            port: Some(i32::from(r.target.port)),
            availability_zone: r.target.availability_zone.clone(),
            quic_server_id: None,
        }),
        health_check_port: Some(r.health_check_port.clone()),
        target_health: Some(shape::TargetHealth {
            state: Some(shape::TargetHealthStateEnum::from(r.health.state)),
            reason: r.health.reason.map(shape::TargetHealthReasonEnum::from),
            description: r.health.description.clone(),
        }),
        ..Default::default()
    }
}

pub(crate) fn describe_target_health(call: &mut Call, input: shape::DescribeTargetHealthInput) -> Result<shape::DescribeTargetHealthOutput> {
    check_arn(&input.target_group_arn, "targetgroup")?;
    let s = call.state();
    let t = tg::find(s, &call.ctx, &input.target_group_arn)?;
    let only = targets(input.targets);
    let check = probe(s, call.ctx.now);
    let rows = target_health::describe(s, t, &only, call.ctx.now, &check);
    Ok(shape::DescribeTargetHealthOutput { target_health_descriptions: rows.iter().map(target_health_shape).collect() })
}
