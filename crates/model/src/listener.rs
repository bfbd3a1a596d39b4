//! NLB listeners: a protocol and port on the load balancer, forwarding to
//! one target group of the same VPC.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{ElbFault, IdKind, Limit, ModelError, Result};
use crate::ids::random_hex;
use crate::load_balancer::{self, check_arn, check_attribute};
use crate::state::{Changes, Ctx, ResourceKind, State};
use crate::tags::Tags;

/// A listener. `id` is its ARN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Listener {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub load_balancer_arn: String,
    pub protocol: String,
    pub port: u16,
    pub default_actions: Vec<Action>,
    pub certificates: Vec<String>,
    pub ssl_policy: Option<String>,
    pub alpn_policy: Option<String>,
    pub attributes: BTreeMap<String, String>,
    pub tags: Tags,
}
crate::impl_owned!(Listener);

/// A listener action. NLBs support `forward` only; the weighted form
/// (`ForwardConfig`) is kept as given so describe echoes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    pub action_type: String,
    pub target_group_arn: Option<String>,
    /// `(target group ARN, weight)` of `ForwardConfig.TargetGroups`.
    pub forward: Vec<(String, Option<i64>)>,
    pub order: Option<i64>,
}

impl Action {
    /// Every target group the action forwards to.
    pub fn target_group_arns(&self) -> impl Iterator<Item = &str> {
        self.target_group_arn.iter().map(String::as_str).chain(self.forward.iter().map(|(a, _)| a.as_str()))
    }
}

/// Listener attributes of NLB listeners and their defaults.
pub const DEFAULT_ATTRIBUTES: &[(&str, &str)] = &[("tcp.idle_timeout.seconds", "350")];

impl Listener {
    pub fn target_group_arns(&self) -> impl Iterator<Item = &str> {
        self.default_actions.iter().flat_map(|a| a.target_group_arns())
    }

    pub fn attribute(&self, key: &str) -> String {
        self.attributes
            .get(key)
            .cloned()
            .or_else(|| DEFAULT_ATTRIBUTES.iter().find(|(k, _)| *k == key).map(|(_, v)| v.to_string()))
            .unwrap_or_default()
    }

    /// The attributes describe lists: the TCP idle timeout for TCP-family listeners.
    pub fn all_attributes(&self) -> Vec<(String, String)> {
        if self.protocol == "UDP" {
            return Vec::new();
        }
        DEFAULT_ATTRIBUTES.iter().map(|(k, _)| (k.to_string(), self.attribute(k))).collect()
    }
}

/// Looks up a listener of the caller by ARN.
pub fn find<'a>(state: &'a State, ctx: &Ctx, arn: &str) -> Result<&'a Listener> {
    state
        .listeners
        .get(arn)
        .filter(|l| l.owner == ctx.account && l.region == ctx.region)
        .ok_or_else(|| ModelError::NotFound(IdKind::Listener, arn.to_string()))
}

/// Input of CreateListener / ModifyListener (absent = unchanged on modify).
#[derive(Debug, Clone, Default)]
pub struct ListenerInput {
    pub protocol: Option<String>,
    pub port: Option<i64>,
    pub default_actions: Option<Vec<Action>>,
    pub certificates: Option<Vec<String>>,
    pub ssl_policy: Option<String>,
    pub alpn_policy: Option<String>,
    pub tags: Vec<(String, String)>,
}

/// Which target group protocols a listener protocol may forward to.
fn compatible(listener: &str, tg: &str) -> bool {
    match listener {
        "TCP" => tg == "TCP" || tg == "TCP_UDP",
        "UDP" => tg == "UDP" || tg == "TCP_UDP",
        "TCP_UDP" => tg == "TCP_UDP",
        "TLS" => tg == "TCP" || tg == "TLS",
        _ => false,
    }
}

/// Two listener protocols on one port collide unless one is TCP-only and
/// the other UDP-only.
fn collide(a: &str, b: &str) -> bool {
    !matches!((a, b), ("TCP", "UDP") | ("UDP", "TCP") | ("TLS", "UDP") | ("UDP", "TLS"))
}

fn validate(state: &State, ctx: &Ctx, lb: &load_balancer::LoadBalancer, l: &Listener) -> Result<()> {
    if !["TCP", "UDP", "TCP_UDP", "TLS"].contains(&l.protocol.as_str()) {
        return Err(ModelError::Elb(ElbFault::UnsupportedProtocol, format!("Protocol '{}' is not supported by network load balancers", l.protocol)));
    }
    if l.protocol == "TLS" && l.certificates.is_empty() {
        return Err(ModelError::ValidationError("A certificate must be specified for TLS listeners".into()));
    }
    if l.default_actions.is_empty() {
        return Err(ModelError::ValidationError("A default action must be specified".into()));
    }
    let others = state.listeners.values().filter(|o| o.load_balancer_arn == lb.id && o.id != l.id);
    if others.clone().any(|o| o.port == l.port && collide(&o.protocol, &l.protocol)) {
        return Err(ModelError::Elb(ElbFault::DuplicateListener, "A listener already exists on this port for this load balancer".into()));
    }
    for a in &l.default_actions {
        if a.action_type != "forward" {
            return Err(ModelError::Elb(ElbFault::InvalidLoadBalancerAction, format!("Action type '{}' is not supported by network load balancers", a.action_type)));
        }
        let arns: Vec<&str> = a.target_group_arns().collect();
        if arns.is_empty() {
            return Err(ModelError::ValidationError("A forward action must name a target group".into()));
        }
        for arn in arns {
            let tg = crate::target_group::find(state, ctx, arn)?;
            if tg.vpc_id != lb.vpc_id {
                return Err(ModelError::ValidationError(format!("Target group '{arn}' is not in the VPC of load balancer '{}'", lb.id)));
            }
            if !compatible(&l.protocol, &tg.protocol) {
                return Err(ModelError::Elb(
                    ElbFault::IncompatibleProtocols,
                    format!("Listener protocol '{}' is not compatible with target group protocol '{}'", l.protocol, tg.protocol),
                ));
            }
            if tg.load_balancer_arns(state).iter().any(|x| x != &lb.id) {
                return Err(ModelError::LimitExceeded(
                    Limit::TargetGroupLoadBalancers,
                    format!("The following target groups cannot be associated with more than one load balancer: {arn}"),
                ));
            }
        }
    }
    Ok(())
}

/// CreateListener. An identical listener on the same port is returned as
/// is (AWS's idempotency).
pub fn create_listener(state: &State, ctx: &Ctx, lb_arn: &str, input: ListenerInput) -> Result<(Changes, String)> {
    check_arn(lb_arn, "loadbalancer")?;
    let lb = load_balancer::find(state, ctx, lb_arn)?;
    let protocol = input.protocol.ok_or_else(|| ModelError::ValidationError("A listener protocol must be specified".into()))?.to_ascii_uppercase();
    let port = input.port.ok_or_else(|| ModelError::ValidationError("A listener port must be specified".into()))?;
    if !(1..=65535).contains(&port) {
        return Err(ModelError::ValidationError(format!("Port must be between 1 and 65535, not {port}")));
    }
    let mut tags = Tags::new();
    crate::tags::validate(&tags, &input.tags).map_err(|e| ModelError::ValidationError(e.to_string()))?;
    tags.extend(input.tags);
    let l = Listener {
        id: format!("arn:aws:elasticloadbalancing:{}:{}:listener/{}/{}", ctx.region, ctx.account, lb.arn_suffix(), random_hex(16)),
        owner: ctx.account.clone(),
        region: ctx.region.clone(),
        load_balancer_arn: lb.id.clone(),
        protocol,
        port: port as u16,
        default_actions: input.default_actions.unwrap_or_default(),
        certificates: input.certificates.unwrap_or_default(),
        ssl_policy: input.ssl_policy,
        alpn_policy: input.alpn_policy,
        attributes: BTreeMap::new(),
        tags,
    };
    if let Some(same) = state.listeners.values().find(|o| {
        o.load_balancer_arn == lb.id && o.port == l.port && o.protocol == l.protocol && o.default_actions == l.default_actions
    }) {
        return Ok((Changes::new(), same.id.clone()));
    }
    validate(state, ctx, lb, &l)?;
    let id = l.id.clone();
    let mut ch = Changes::new();
    ch.put(l);
    Ok((ch, id))
}

/// ModifyListener: port, protocol, certificates and default actions.
pub fn modify_listener(state: &State, ctx: &Ctx, arn: &str, input: ListenerInput) -> Result<Changes> {
    let mut l = find(state, ctx, arn)?.clone();
    let lb = load_balancer::find(state, ctx, &l.load_balancer_arn)?;
    if let Some(p) = input.protocol {
        l.protocol = p.to_ascii_uppercase();
    }
    if let Some(p) = input.port {
        if !(1..=65535).contains(&p) {
            return Err(ModelError::ValidationError(format!("Port must be between 1 and 65535, not {p}")));
        }
        l.port = p as u16;
    }
    if let Some(a) = input.default_actions {
        l.default_actions = a;
    }
    if let Some(c) = input.certificates {
        l.certificates = c;
    }
    if input.ssl_policy.is_some() {
        l.ssl_policy = input.ssl_policy;
    }
    if input.alpn_policy.is_some() {
        l.alpn_policy = input.alpn_policy;
    }
    validate(state, ctx, lb, &l)?;
    let mut ch = Changes::new();
    ch.put(l);
    Ok(ch)
}

/// DeleteListener.
pub fn delete_listener(state: &State, ctx: &Ctx, arn: &str) -> Result<Changes> {
    check_arn(arn, "listener")?;
    let l = find(state, ctx, arn)?;
    let mut ch = Changes::new();
    ch.delete(ResourceKind::Listener, &l.id);
    Ok(ch)
}

/// ModifyListenerAttributes.
pub fn modify_attributes(state: &State, ctx: &Ctx, arn: &str, attrs: &[(String, String)]) -> Result<Changes> {
    let mut l = find(state, ctx, arn)?.clone();
    for (k, v) in attrs {
        check_attribute(DEFAULT_ATTRIBUTES, &[], k, v, "listener")?;
        let n: i64 = v.parse().map_err(|_| ModelError::ValidationError(format!("'{v}' is not a valid value for {k}")))?;
        if !(60..=6000).contains(&n) {
            return Err(ModelError::ValidationError(format!("{k} must be between 60 and 6000")));
        }
        l.attributes.insert(k.clone(), v.clone());
    }
    let mut ch = Changes::new();
    ch.put(l);
    Ok(ch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load_balancer::tests::{apply, nlb, world};
    use crate::target_group::{create_target_group, delete_target_group, CreateTargetGroup};

    fn forward(tg: &str) -> Vec<Action> {
        vec![Action { action_type: "forward".into(), target_group_arn: Some(tg.into()), forward: vec![], order: None }]
    }

    #[test]
    fn listener_rules_and_target_group_in_use() {
        let ctx = Ctx::new("111111111111", "us-east-1", 0);
        let (mut s, vpc, subnets) = world(&ctx);
        let lb = nlb(&mut s, &ctx, "web", &subnets[..2]);
        let tgi = |name: &str, proto: &str| CreateTargetGroup {
            name: name.into(),
            protocol: Some(proto.into()),
            port: Some(80),
            vpc_id: Some(vpc.clone()),
            ..Default::default()
        };
        let (ch, tg) = create_target_group(&s, &ctx, tgi("tcp", "TCP")).unwrap();
        apply(&mut s, ch);
        let (ch, udp) = create_target_group(&s, &ctx, tgi("udp", "UDP")).unwrap();
        apply(&mut s, ch);
        let input = |proto: &str, port: i64, tg: &str| ListenerInput {
            protocol: Some(proto.into()),
            port: Some(port),
            default_actions: Some(forward(tg)),
            ..Default::default()
        };
        assert!(matches!(create_listener(&s, &ctx, &lb, input("TCP", 80, &udp)), Err(ModelError::Elb(ElbFault::IncompatibleProtocols, _))));
        assert!(matches!(create_listener(&s, &ctx, &lb, input("HTTP", 80, &tg)), Err(ModelError::Elb(ElbFault::UnsupportedProtocol, _))));
        let (ch, l) = create_listener(&s, &ctx, &lb, input("TCP", 80, &tg)).unwrap();
        apply(&mut s, ch);
        assert!(l.starts_with(&format!("arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/net/web/{}/", s.load_balancers[&lb].lb_id)));
        let (ch, again) = create_listener(&s, &ctx, &lb, input("TCP", 80, &tg)).unwrap();
        assert!(ch.is_empty() && again == l, "identical listener is idempotent");
        assert!(matches!(create_listener(&s, &ctx, &lb, input("TCP_UDP", 80, &udp)), Err(ModelError::Elb(ElbFault::DuplicateListener, _))));
        assert!(create_listener(&s, &ctx, &lb, input("UDP", 80, &udp)).is_ok(), "TCP and UDP may share a port");
        assert_eq!(s.target_groups[&tg].load_balancer_arns(&s), vec![lb.clone()]);
        assert!(matches!(delete_target_group(&s, &ctx, &tg), Err(ModelError::Elb(ElbFault::ResourceInUse, _))));
        // A second NLB cannot use the same target group.
        let lb2 = nlb(&mut s, &ctx, "web2", &subnets[..1]);
        assert!(matches!(create_listener(&s, &ctx, &lb2, input("TCP", 80, &tg)), Err(ModelError::LimitExceeded(Limit::TargetGroupLoadBalancers, _))));
        // Deleting the load balancer deletes its listeners, freeing the group.
        let ch = load_balancer::delete_load_balancer(&s, &ctx, &lb).unwrap();
        apply(&mut s, ch);
        assert!(s.listeners.is_empty());
        assert!(delete_target_group(&s, &ctx, &tg).is_ok());
    }
}
