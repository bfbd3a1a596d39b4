//! Target group actions, targets and their (computed) health.

use xvpc_model::network_interface::NetworkInterface;
use xvpc_model::target_group::{self as tg, CreateTargetGroup, HealthCheckInput, TargetGroup, TargetInput};
use xvpc_model::{target_health, IdKind, ModelError, State};
use xvpc_wire::{QueryParams, XmlWriter};

use super::{attribute_pairs, paginate, required, tag_pairs, write_attributes};
use crate::call::{Call, QueryHandler};
use crate::errors::{client, Result};

pub const ACTIONS: &[(&str, QueryHandler)] = &[
    ("CreateTargetGroup", create_target_group),
    ("DescribeTargetGroups", describe_target_groups),
    ("ModifyTargetGroup", modify_target_group),
    ("DeleteTargetGroup", delete_target_group),
    ("DescribeTargetGroupAttributes", describe_target_group_attributes),
    ("ModifyTargetGroupAttributes", modify_target_group_attributes),
    ("RegisterTargets", register_targets),
    ("DeregisterTargets", deregister_targets),
    ("DescribeTargetHealth", describe_target_health),
];

/// The `TargetGroup` structure's content.
fn write_tg(w: &mut XmlWriter, t: &TargetGroup, state: &State) {
    let hc = &t.health_check;
    w.leaf("TargetGroupArn", &t.id)
        .leaf("TargetGroupName", &t.name)
        .leaf("Protocol", &t.protocol)
        .leaf("Port", t.port.to_string())
        .leaf("VpcId", &t.vpc_id)
        .leaf("HealthCheckProtocol", &hc.protocol)
        .leaf("HealthCheckPort", &hc.port)
        .bool_leaf("HealthCheckEnabled", hc.enabled)
        .leaf("HealthCheckIntervalSeconds", hc.interval_seconds.to_string())
        .leaf("HealthCheckTimeoutSeconds", hc.timeout_seconds.to_string())
        .leaf("HealthyThresholdCount", hc.healthy_threshold.to_string())
        .leaf("UnhealthyThresholdCount", hc.unhealthy_threshold.to_string())
        .opt_leaf("HealthCheckPath", hc.path.as_deref());
    if let Some(m) = &hc.matcher {
        w.open("Matcher").leaf("HttpCode", m).close("Matcher");
    }
    w.scalars("LoadBalancerArns", "member", t.load_balancer_arns(state))
        .leaf("TargetType", &t.target_type)
        .leaf("IpAddressType", "ipv4");
}

fn health_input(p: &QueryParams) -> Result<HealthCheckInput> {
    Ok(HealthCheckInput {
        enabled: p.bool("HealthCheckEnabled")?,
        protocol: p.get("HealthCheckProtocol").map(str::to_string),
        port: p.get("HealthCheckPort").map(str::to_string),
        path: p.get("HealthCheckPath").map(str::to_string),
        interval_seconds: p.int("HealthCheckIntervalSeconds")?,
        timeout_seconds: p.int("HealthCheckTimeoutSeconds")?,
        healthy_threshold: p.int("HealthyThresholdCount")?,
        unhealthy_threshold: p.int("UnhealthyThresholdCount")?,
        matcher: p.child("Matcher").get("HttpCode").map(str::to_string),
    })
}

fn create_target_group(call: &mut Call, p: &QueryParams) -> Result<String> {
    let input = CreateTargetGroup {
        name: required(p, "Name")?.to_string(),
        protocol: p.get("Protocol").map(str::to_string),
        port: p.int("Port")?,
        vpc_id: p.get("VpcId").map(str::to_string),
        target_type: p.get("TargetType").map(str::to_string),
        health_check: health_input(p)?,
        tags: tag_pairs(p),
    };
    let (ch, arn) = tg::create_target_group(call.state(), &call.ctx, input)?;
    call.commit(ch)?;
    let s = call.state();
    let mut w = XmlWriter::new();
    w.list("TargetGroups", "member", [&s.target_groups[&arn]], |w, t| write_tg(w, t, s));
    Ok(w.finish())
}

fn describe_target_groups(call: &mut Call, p: &QueryParams) -> Result<String> {
    let arns = p.members("TargetGroupArns");
    let names = p.members("Names");
    let lb_arn = p.get("LoadBalancerArn");
    let s = call.state();
    if let Some(a) = lb_arn {
        xvpc_model::load_balancer::find(s, &call.ctx, a)?;
    }
    let mine: Vec<&TargetGroup> = s.target_groups.scope(&call.ctx).collect();
    for a in &arns {
        xvpc_model::load_balancer::check_arn(a, "targetgroup")?;
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
                && lb_arn.map_or(true, |a| t.load_balancer_arns(s).iter().any(|x| x == a))
        })
        .collect();
    let (page, next) = paginate(out, p, |t| t.id.clone())?;
    let mut w = XmlWriter::new();
    w.list("TargetGroups", "member", page, |w, t| write_tg(w, t, s));
    w.opt_leaf("NextMarker", next);
    Ok(w.finish())
}

fn modify_target_group(call: &mut Call, p: &QueryParams) -> Result<String> {
    let arn = required(p, "TargetGroupArn")?.to_string();
    let ch = tg::modify_target_group(call.state(), &call.ctx, &arn, &health_input(p)?)?;
    call.commit(ch)?;
    let s = call.state();
    let mut w = XmlWriter::new();
    w.list("TargetGroups", "member", [&s.target_groups[&arn]], |w, t| write_tg(w, t, s));
    Ok(w.finish())
}

fn delete_target_group(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ch = tg::delete_target_group(call.state(), &call.ctx, required(p, "TargetGroupArn")?)?;
    call.commit(ch)?;
    Ok(String::new())
}

fn describe_target_group_attributes(call: &mut Call, p: &QueryParams) -> Result<String> {
    let arn = required(p, "TargetGroupArn")?;
    xvpc_model::load_balancer::check_arn(arn, "targetgroup")?;
    let t = tg::find(call.state(), &call.ctx, arn)?;
    let mut w = XmlWriter::new();
    write_attributes(&mut w, &t.all_attributes());
    Ok(w.finish())
}

fn modify_target_group_attributes(call: &mut Call, p: &QueryParams) -> Result<String> {
    let arn = required(p, "TargetGroupArn")?.to_string();
    let ch = tg::modify_attributes(call.state(), &call.ctx, &arn, &attribute_pairs(p)?)?;
    call.commit(ch)?;
    let t = tg::find(call.state(), &call.ctx, &arn)?;
    let mut w = XmlWriter::new();
    write_attributes(&mut w, &t.all_attributes());
    Ok(w.finish())
}

fn targets(p: &QueryParams) -> Result<Vec<TargetInput>> {
    p.member_structs("Targets")
        .into_iter()
        .map(|t| {
            Ok(TargetInput {
                id: t.get("Id").filter(|s| !s.is_empty()).ok_or_else(|| client("ValidationError", "A target id must be specified"))?.to_string(),
                port: t.int("Port")?,
                availability_zone: t.get("AvailabilityZone").map(str::to_string),
            })
        })
        .collect()
}

fn register_targets(call: &mut Call, p: &QueryParams) -> Result<String> {
    let arn = required(p, "TargetGroupArn")?.to_string();
    let ch = tg::register_targets(call.state(), &call.ctx, &arn, &targets(p)?)?;
    call.commit(ch)?;
    Ok(String::new())
}

fn deregister_targets(call: &mut Call, p: &QueryParams) -> Result<String> {
    let arn = required(p, "TargetGroupArn")?.to_string();
    let ch = tg::deregister_targets(call.state(), &call.ctx, &arn, &targets(p)?)?;
    call.commit(ch)?;
    Ok(String::new())
}

/// Whether health checks from NLB node `from` reach target `to` on TCP
/// `port`: the reachability engine's verdict (security groups, network
/// ACLs and routes, both directions).
fn probe(state: &State, now: i64) -> impl Fn(&NetworkInterface, &NetworkInterface, u16) -> bool + '_ {
    move |from, to, port| xvpc_reach::health_check(state, now, &from.id, &to.id, 6, port).is_ok()
}

fn describe_target_health(call: &mut Call, p: &QueryParams) -> Result<String> {
    let arn = required(p, "TargetGroupArn")?;
    xvpc_model::load_balancer::check_arn(arn, "targetgroup")?;
    let s = call.state();
    let t = tg::find(s, &call.ctx, arn)?;
    let only = targets(p)?;
    let check = probe(s, call.ctx.now);
    let rows = target_health::describe(s, t, &only, call.ctx.now, &check);
    let mut w = XmlWriter::new();
    w.list("TargetHealthDescriptions", "member", rows, |w, r| {
        w.open("Target").leaf("Id", &r.target.id).leaf("Port", r.target.port.to_string());
        w.opt_leaf("AvailabilityZone", r.target.availability_zone.as_deref());
        w.close("Target").leaf("HealthCheckPort", &r.health_check_port);
        w.open("TargetHealth").leaf("State", r.health.state);
        w.opt_leaf("Reason", r.health.reason).opt_leaf("Description", r.health.description.as_deref());
        w.close("TargetHealth");
    });
    Ok(w.finish())
}
