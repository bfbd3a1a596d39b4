//! ELBv2 target groups of Network Load Balancers: protocol and port,
//! health-check settings (AWS's NLB defaults), attributes, and registered
//! targets (instances or IP addresses of the group's VPC).
//!
//! Target *health* is not stored: it is computed when read, see
//! [`crate::target_health`].

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use crate::error::{ElbFault, IdKind, ModelError, Result};
use crate::ids::random_hex;
use crate::instance::InstanceState;
use crate::load_balancer::{check_arn, check_attribute, check_name};
use crate::state::{Changes, Ctx, ResourceKind, State};
use crate::tags::Tags;

/// A target group. `id` is its ARN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetGroup {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub name: String,
    /// `TCP`, `UDP`, `TCP_UDP` or `TLS` (NLB protocols), or `HTTP`/`HTTPS`.
    pub protocol: String,
    pub port: u16,
    pub vpc_id: String,
    /// `instance` or `ip`.
    pub target_type: String,
    pub health_check: HealthCheck,
    pub attributes: BTreeMap<String, String>,
    pub targets: Vec<Target>,
    pub tags: Tags,
    pub created_at: i64,
}
crate::impl_owned!(TargetGroup);

/// How the load balancer checks its targets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthCheck {
    pub enabled: bool,
    /// `TCP`, `HTTP` or `HTTPS`.
    pub protocol: String,
    /// `traffic-port` or a port number.
    pub port: String,
    pub path: Option<String>,
    pub interval_seconds: i64,
    pub timeout_seconds: i64,
    pub healthy_threshold: i64,
    pub unhealthy_threshold: i64,
    /// HTTP codes for HTTP(S) checks (`200-399`).
    pub matcher: Option<String>,
}

/// A registered target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// An instance id or an IPv4 address.
    pub id: String,
    pub port: u16,
    pub availability_zone: Option<String>,
    pub registered_at: i64,
}

/// NLB target group attributes and their defaults (`preserve_client_ip`
/// depends on the group, see [`TargetGroup::attribute`]).
pub const DEFAULT_ATTRIBUTES: &[(&str, &str)] = &[
    ("deregistration_delay.timeout_seconds", "300"),
    ("deregistration_delay.connection_termination.enabled", "false"),
    ("load_balancing.cross_zone.enabled", "use_load_balancer_configuration"),
    ("preserve_client_ip.enabled", "true"),
    ("proxy_protocol_v2.enabled", "false"),
    ("stickiness.enabled", "false"),
    ("stickiness.type", "source_ip"),
    ("target_group_health.dns_failover.minimum_healthy_targets.count", "1"),
    ("target_group_health.dns_failover.minimum_healthy_targets.percentage", "off"),
    ("target_group_health.unhealthy_state_routing.minimum_healthy_targets.count", "1"),
    ("target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage", "off"),
    ("target_health_state.unhealthy.connection_termination.enabled", "true"),
    ("target_health_state.unhealthy.draining_interval_seconds", "0"),
];

const BOOLEAN_ATTRIBUTES: &[&str] = &[
    "deregistration_delay.connection_termination.enabled",
    "preserve_client_ip.enabled",
    "proxy_protocol_v2.enabled",
    "stickiness.enabled",
    "target_health_state.unhealthy.connection_termination.enabled",
];

const NLB_PROTOCOLS: &[&str] = &["TCP", "UDP", "TCP_UDP", "TLS"];

impl TargetGroup {
    /// The attribute value, falling back to AWS's default for this group.
    pub fn attribute(&self, key: &str) -> String {
        if let Some(v) = self.attributes.get(key) {
            return v.clone();
        }
        if key == "preserve_client_ip.enabled" {
            // Off by default for IP targets over TCP/TLS, on otherwise.
            let off = self.target_type == "ip" && (self.protocol == "TCP" || self.protocol == "TLS");
            return (!off).to_string();
        }
        DEFAULT_ATTRIBUTES.iter().find(|(k, _)| *k == key).map(|(_, v)| v.to_string()).unwrap_or_default()
    }

    pub fn all_attributes(&self) -> Vec<(String, String)> {
        DEFAULT_ATTRIBUTES.iter().map(|(k, _)| (k.to_string(), self.attribute(k))).collect()
    }

    /// The port health checks go to for a target.
    pub fn health_check_port(&self, target: &Target) -> u16 {
        self.health_check.port.parse().unwrap_or(target.port)
    }

    /// The load balancers whose listeners forward to this group.
    pub fn load_balancer_arns(&self, state: &State) -> Vec<String> {
        let mut v: Vec<String> = state
            .listeners
            .values()
            .filter(|l| l.target_group_arns().any(|t| t == self.id))
            .map(|l| l.load_balancer_arn.clone())
            .collect();
        v.sort();
        v.dedup();
        v
    }
}

/// Looks up a target group of the caller by ARN.
pub fn find<'a>(state: &'a State, ctx: &Ctx, arn: &str) -> Result<&'a TargetGroup> {
    state
        .target_groups
        .get(arn)
        .filter(|t| t.owner == ctx.account && t.region == ctx.region)
        .ok_or_else(|| ModelError::NotFound(IdKind::TargetGroup, arn.to_string()))
}

/// Health-check settings as given to Create/ModifyTargetGroup (absent =
/// default on create, unchanged on modify).
#[derive(Debug, Clone, Default)]
pub struct HealthCheckInput {
    pub enabled: Option<bool>,
    pub protocol: Option<String>,
    pub port: Option<String>,
    pub path: Option<String>,
    pub interval_seconds: Option<i64>,
    pub timeout_seconds: Option<i64>,
    pub healthy_threshold: Option<i64>,
    pub unhealthy_threshold: Option<i64>,
    pub matcher: Option<String>,
}

/// Input of CreateTargetGroup.
#[derive(Debug, Clone, Default)]
pub struct CreateTargetGroup {
    pub name: String,
    pub protocol: Option<String>,
    pub port: Option<i64>,
    pub vpc_id: Option<String>,
    pub target_type: Option<String>,
    pub health_check: HealthCheckInput,
    pub tags: Vec<(String, String)>,
}

fn range(name: &str, v: i64, lo: i64, hi: i64) -> Result<i64> {
    if v < lo || v > hi {
        return Err(ModelError::ValidationError(format!("{name} must be between {lo} and {hi}, not {v}")));
    }
    Ok(v)
}

/// Applies health-check settings on top of `base`, with AWS's NLB rules.
fn health_check(base: &HealthCheck, tg_protocol: &str, input: &HealthCheckInput) -> Result<HealthCheck> {
    let mut hc = base.clone();
    if let Some(p) = &input.protocol {
        let p = p.to_ascii_uppercase();
        if !["TCP", "HTTP", "HTTPS"].contains(&p.as_str()) {
            return Err(ModelError::ValidationError(format!("Health check protocol '{p}' is not supported for target groups with the {tg_protocol} protocol")));
        }
        if p != hc.protocol {
            let http = p != "TCP";
            hc.path = http.then(|| "/".to_string());
            hc.matcher = http.then(|| "200-399".to_string());
            hc.timeout_seconds = if p == "HTTP" { 6 } else { 10 };
        }
        hc.protocol = p;
    }
    if let Some(e) = input.enabled {
        if !e {
            return Err(ModelError::ValidationError("Health checks cannot be disabled for target groups with target type 'instance' or 'ip'".into()));
        }
        hc.enabled = e;
    }
    if let Some(port) = &input.port {
        if port != "traffic-port" {
            let n: i64 = port.parse().map_err(|_| ModelError::ValidationError(format!("Health check port '{port}' must be 'traffic-port' or a port number")))?;
            range("Health check port", n, 1, 65535)?;
        }
        hc.port = port.clone();
    }
    if let Some(path) = &input.path {
        if hc.protocol == "TCP" {
            return Err(ModelError::ValidationError("Health check path is not supported for TCP health checks".into()));
        }
        if !path.starts_with('/') {
            return Err(ModelError::ValidationError("Health check path must begin with a '/' character".into()));
        }
        hc.path = Some(path.clone());
    }
    if let Some(m) = &input.matcher {
        if hc.protocol == "TCP" {
            return Err(ModelError::Elb(ElbFault::InvalidConfigurationRequest, "Custom health check matchers are not supported for health checks with the TCP protocol".into()));
        }
        hc.matcher = Some(m.clone());
    }
    if let Some(v) = input.interval_seconds {
        hc.interval_seconds = range("Health check interval", v, 5, 300)?;
    }
    if let Some(v) = input.timeout_seconds {
        hc.timeout_seconds = range("Health check timeout", v, 2, 120)?;
    }
    if let Some(v) = input.healthy_threshold {
        hc.healthy_threshold = range("Healthy threshold count", v, 2, 10)?;
    }
    if let Some(v) = input.unhealthy_threshold {
        hc.unhealthy_threshold = range("Unhealthy threshold count", v, 2, 10)?;
    }
    if hc.timeout_seconds > hc.interval_seconds {
        return Err(ModelError::ValidationError("Health check timeout must be smaller than the interval".into()));
    }
    Ok(hc)
}

/// AWS's NLB health-check defaults: TCP on the traffic port every 30 s,
/// 10 s timeout, 5 successes to become healthy, 2 failures to become unhealthy.
pub fn default_health_check() -> HealthCheck {
    HealthCheck {
        enabled: true,
        protocol: "TCP".into(),
        port: "traffic-port".into(),
        path: None,
        interval_seconds: 30,
        timeout_seconds: 10,
        healthy_threshold: 5,
        unhealthy_threshold: 2,
        matcher: None,
    }
}

/// CreateTargetGroup. Creating a group identical to an existing one returns
/// that group, as AWS does; a different group with the same name is refused.
pub fn create_target_group(state: &State, ctx: &Ctx, input: CreateTargetGroup) -> Result<(Changes, String)> {
    check_name(&input.name, "Target group")?;
    let target_type = input.target_type.unwrap_or_else(|| "instance".into());
    if target_type != "instance" && target_type != "ip" {
        return Err(ModelError::ValidationError(format!("Target type '{target_type}' is not supported by xvpc (instance and ip are)")));
    }
    let protocol = input.protocol.ok_or_else(|| ModelError::ValidationError("A protocol must be specified".into()))?.to_ascii_uppercase();
    if !NLB_PROTOCOLS.contains(&protocol.as_str()) && protocol != "HTTP" && protocol != "HTTPS" {
        return Err(ModelError::ValidationError(format!("Protocol '{protocol}' is not supported")));
    }
    let port = range("Port", input.port.ok_or_else(|| ModelError::ValidationError("A port must be specified".into()))?, 1, 65535)? as u16;
    let vpc_id = input.vpc_id.ok_or_else(|| ModelError::ValidationError("A VPC ID must be specified".into()))?;
    crate::state::owned(&state.vpcs, ctx, crate::IdKind::Vpc, &vpc_id)?;
    let mut base = default_health_check();
    if protocol == "HTTP" || protocol == "HTTPS" {
        base = health_check(&base, &protocol, &HealthCheckInput { protocol: Some(protocol.clone()), ..Default::default() })?;
    }
    let hc = health_check(&base, &protocol, &input.health_check)?;
    if let Some(existing) = state.target_groups.scope(ctx).find(|t| t.name == input.name) {
        let same = existing.protocol == protocol && existing.port == port && existing.vpc_id == vpc_id && existing.target_type == target_type && existing.health_check == hc;
        if same {
            return Ok((Changes::new(), existing.id.clone()));
        }
        return Err(ModelError::Elb(ElbFault::DuplicateTargetGroupName, "A target group with the same name exists, but with different settings".into()));
    }
    let mut tags = Tags::new();
    crate::tags::validate(&tags, &input.tags).map_err(|e| ModelError::ValidationError(e.to_string()))?;
    tags.extend(input.tags);
    let tg = TargetGroup {
        id: format!("arn:aws:elasticloadbalancing:{}:{}:targetgroup/{}/{}", ctx.region, ctx.account, input.name, random_hex(16)),
        owner: ctx.account.clone(),
        region: ctx.region.clone(),
        name: input.name,
        protocol,
        port,
        vpc_id,
        target_type,
        health_check: hc,
        attributes: BTreeMap::new(),
        targets: Vec::new(),
        tags,
        created_at: ctx.now,
    };
    let id = tg.id.clone();
    let mut ch = Changes::new();
    ch.put(tg);
    Ok((ch, id))
}

/// ModifyTargetGroup: health-check settings only.
pub fn modify_target_group(state: &State, ctx: &Ctx, arn: &str, input: &HealthCheckInput) -> Result<Changes> {
    let mut tg = find(state, ctx, arn)?.clone();
    tg.health_check = health_check(&tg.health_check, &tg.protocol, input)?;
    let mut ch = Changes::new();
    ch.put(tg);
    Ok(ch)
}

/// DeleteTargetGroup: refused while a listener forwards to it.
pub fn delete_target_group(state: &State, ctx: &Ctx, arn: &str) -> Result<Changes> {
    check_arn(arn, "targetgroup")?;
    let tg = find(state, ctx, arn)?;
    if let Some(l) = state.listeners.values().find(|l| l.target_group_arns().any(|t| t == tg.id)) {
        return Err(ModelError::Elb(ElbFault::ResourceInUse, format!("Target group '{arn}' is currently in use by a listener or a rule ({})", l.id)));
    }
    let mut ch = Changes::new();
    ch.delete(ResourceKind::TargetGroup, arn);
    Ok(ch)
}

/// ModifyTargetGroupAttributes.
pub fn modify_attributes(state: &State, ctx: &Ctx, arn: &str, attrs: &[(String, String)]) -> Result<Changes> {
    let mut tg = find(state, ctx, arn)?.clone();
    for (k, v) in attrs {
        check_attribute(DEFAULT_ATTRIBUTES, BOOLEAN_ATTRIBUTES, k, v, "target group")?;
        if k == "load_balancing.cross_zone.enabled" && !["true", "false", "use_load_balancer_configuration"].contains(&v.as_str()) {
            return Err(ModelError::ValidationError(format!("'{v}' is not a valid value for {k}")));
        }
        if k == "deregistration_delay.timeout_seconds" {
            let n: i64 = v.parse().map_err(|_| ModelError::ValidationError(format!("'{v}' is not a valid value for {k}")))?;
            range(k, n, 0, 3600)?;
        }
        tg.attributes.insert(k.clone(), v.clone());
    }
    let mut ch = Changes::new();
    ch.put(tg);
    Ok(ch)
}

/// A target as named in Register/DeregisterTargets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetInput {
    pub id: String,
    pub port: Option<i64>,
    pub availability_zone: Option<String>,
}

fn invalid_target(msg: String) -> ModelError {
    ModelError::Elb(ElbFault::InvalidTarget, msg)
}

/// Checks that a target may join the group: an instance of the group's VPC
/// that is not stopped or terminated, or an address inside the VPC's CIDRs.
fn check_target(state: &State, ctx: &Ctx, tg: &TargetGroup, t: &TargetInput) -> Result<()> {
    match tg.target_type.as_str() {
        "instance" => {
            let i = state
                .instances
                .get(&t.id)
                .filter(|i| i.owner == ctx.account && i.region == ctx.region)
                .ok_or_else(|| invalid_target(format!("The following targets are not valid instances: '{}'", t.id)))?;
            if i.vpc_id != tg.vpc_id {
                return Err(invalid_target(format!("The following targets are not in the target group VPC '{}': '{}'", tg.vpc_id, t.id)));
            }
            if !matches!(i.state, InstanceState::Pending | InstanceState::Running) {
                return Err(invalid_target(format!("The following targets are not in a running state and cannot be registered: '{}'", t.id)));
            }
        }
        _ => {
            let ip: Ipv4Addr = t.id.parse().map_err(|_| invalid_target(format!("The IP address '{}' is not a valid IPv4 address", t.id)))?;
            let vpc = state.vpcs.get(&tg.vpc_id);
            if !vpc.is_some_and(|v| v.cidrs().any(|c| c.contains(&ip))) {
                return Err(invalid_target(format!("The IP address '{ip}' is not within the CIDR of VPC '{}'", tg.vpc_id)));
            }
        }
    }
    if let Some(p) = t.port {
        range("Port", p, 1, 65535)?;
    }
    Ok(())
}

/// RegisterTargets. Registering a target already registered is a no-op.
pub fn register_targets(state: &State, ctx: &Ctx, arn: &str, targets: &[TargetInput]) -> Result<Changes> {
    let mut tg = find(state, ctx, arn)?.clone();
    if targets.is_empty() {
        return Err(ModelError::ValidationError("At least one target must be specified".into()));
    }
    for t in targets {
        check_target(state, ctx, &tg, t)?;
        let port = t.port.map_or(tg.port, |p| p as u16);
        if !tg.targets.iter().any(|x| x.id == t.id && x.port == port) {
            tg.targets.push(Target { id: t.id.clone(), port, availability_zone: t.availability_zone.clone(), registered_at: ctx.now });
        }
    }
    let mut ch = Changes::new();
    ch.put(tg);
    Ok(ch)
}

/// DeregisterTargets: every named target must be registered.
pub fn deregister_targets(state: &State, ctx: &Ctx, arn: &str, targets: &[TargetInput]) -> Result<Changes> {
    let mut tg = find(state, ctx, arn)?.clone();
    for t in targets {
        let port = t.port.map_or(tg.port, |p| p as u16);
        let before = tg.targets.len();
        tg.targets.retain(|x| !(x.id == t.id && x.port == port));
        if tg.targets.len() == before {
            return Err(invalid_target(format!("The target '{}' on port {port} is not registered with target group '{arn}'", t.id)));
        }
    }
    let mut ch = Changes::new();
    ch.put(tg);
    Ok(ch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load_balancer::tests::{apply, world};

    pub fn tg_input(name: &str, vpc: &str) -> CreateTargetGroup {
        CreateTargetGroup { name: name.into(), protocol: Some("TCP".into()), port: Some(80), vpc_id: Some(vpc.into()), ..Default::default() }
    }

    #[test]
    fn defaults_are_aws_nlb_defaults() {
        let ctx = Ctx::new("111111111111", "us-east-1", 0);
        let (mut s, vpc, _) = world(&ctx);
        let (ch, arn) = create_target_group(&s, &ctx, tg_input("tg", &vpc)).unwrap();
        apply(&mut s, ch);
        let tg = &s.target_groups[&arn];
        assert!(arn.starts_with("arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/tg/"));
        assert_eq!(tg.health_check, default_health_check());
        assert_eq!(tg.target_type, "instance");
        assert_eq!(tg.attribute("preserve_client_ip.enabled"), "true");
        assert_eq!(tg.attribute("deregistration_delay.timeout_seconds"), "300");
        // Same settings: the same group comes back; different: refused.
        let (ch, again) = create_target_group(&s, &ctx, tg_input("tg", &vpc)).unwrap();
        assert!(ch.is_empty());
        assert_eq!(again, arn);
        let mut other = tg_input("tg", &vpc);
        other.port = Some(81);
        assert!(matches!(create_target_group(&s, &ctx, other), Err(ModelError::Elb(ElbFault::DuplicateTargetGroupName, _))));
    }

    #[test]
    fn health_check_rules() {
        let ctx = Ctx::new("111111111111", "us-east-1", 0);
        let (s, vpc, _) = world(&ctx);
        let mut i = tg_input("tg", &vpc);
        i.health_check.protocol = Some("HTTP".into());
        let (ch, arn) = create_target_group(&s, &ctx, i).unwrap();
        let mut s2 = s.clone();
        apply(&mut s2, ch);
        let hc = &s2.target_groups[&arn].health_check;
        assert_eq!((hc.path.as_deref(), hc.matcher.as_deref(), hc.timeout_seconds), (Some("/"), Some("200-399"), 6));
        let mut bad = tg_input("tg2", &vpc);
        bad.health_check.protocol = Some("UDP".into());
        assert!(create_target_group(&s, &ctx, bad).is_err());
        let mut bad = tg_input("tg2", &vpc);
        bad.health_check.interval_seconds = Some(4);
        assert!(create_target_group(&s, &ctx, bad).is_err());
        let mut bad = tg_input("tg2", &vpc);
        bad.health_check.path = Some("/x".into());
        assert!(create_target_group(&s, &ctx, bad).is_err(), "no path for TCP checks");
        let mut bad = tg_input("tg2", &vpc);
        bad.health_check.enabled = Some(false);
        assert!(create_target_group(&s, &ctx, bad).is_err());
    }

    #[test]
    fn ip_targets_must_be_in_the_vpc() {
        let ctx = Ctx::new("111111111111", "us-east-1", 0);
        let (mut s, vpc, _) = world(&ctx);
        let mut i = tg_input("tg", &vpc);
        i.target_type = Some("ip".into());
        let (ch, arn) = create_target_group(&s, &ctx, i).unwrap();
        apply(&mut s, ch);
        let t = |id: &str| vec![TargetInput { id: id.into(), port: None, availability_zone: None }];
        assert!(matches!(register_targets(&s, &ctx, &arn, &t("10.9.0.5")), Err(ModelError::Elb(ElbFault::InvalidTarget, _))));
        assert!(matches!(register_targets(&s, &ctx, &arn, &t("i-12345678")), Err(ModelError::Elb(ElbFault::InvalidTarget, _))));
        let ch = register_targets(&s, &ctx, &arn, &t("10.1.1.10")).unwrap();
        apply(&mut s, ch);
        let ch = register_targets(&s, &ctx, &arn, &t("10.1.1.10")).unwrap();
        apply(&mut s, ch);
        assert_eq!(s.target_groups[&arn].targets.len(), 1, "registering twice is a no-op");
        assert_eq!(s.target_groups[&arn].targets[0].port, 80);
        let ch = deregister_targets(&s, &ctx, &arn, &t("10.1.1.10")).unwrap();
        apply(&mut s, ch);
        assert!(deregister_targets(&s, &ctx, &arn, &t("10.1.1.10")).is_err());
        assert!(matches!(find(&s, &Ctx::new("222222222222", "us-east-1", 0), &arn), Err(ModelError::NotFound(IdKind::TargetGroup, _))));
    }
}
