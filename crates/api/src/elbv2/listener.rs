//! Listener actions: typed handlers over the generated `shapes::elbv2`.

use xvpc_model::listener::{self as ls, Action, Listener, ListenerInput};
use xvpc_model::load_balancer::check_arn;
use xvpc_model::{IdKind, ModelError};
use xvpc_wire::shapes::elbv2::{self as shape, ops};

use super::{attribute_pairs, paginate, tag_pairs};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::CreateListener, create_listener),
    crate::typed!(ops::DescribeListeners, describe_listeners),
    crate::typed!(ops::ModifyListener, modify_listener),
    crate::typed!(ops::DeleteListener, delete_listener),
    crate::typed!(ops::DescribeListenerAttributes, describe_listener_attributes),
    crate::typed!(ops::ModifyListenerAttributes, modify_listener_attributes),
];

/// The `Listener` structure AWS describes. A forward action is described
/// with both `TargetGroupArn` and `ForwardConfig`, as AWS does.
pub(super) fn listener_shape(l: &Listener) -> shape::Listener {
    shape::Listener {
        listener_arn: Some(l.id.clone()),
        load_balancer_arn: Some(l.load_balancer_arn.clone()),
        port: Some(i32::from(l.port)),
        protocol: Some(shape::ProtocolEnum::from(l.protocol.as_str())),
        certificates: l.certificates.iter().map(|c| shape::Certificate { certificate_arn: Some(c.clone()), is_default: None }).collect(),
        ssl_policy: l.ssl_policy.clone(),
        default_actions: l.default_actions.iter().map(action_shape).collect(),
        alpn_policy: l.alpn_policy.iter().cloned().collect(),
        mutual_authentication: None,
    }
}

fn action_shape(a: &Action) -> shape::Action {
    let groups: Vec<(String, i64)> = if a.forward.is_empty() {
        a.target_group_arn.iter().map(|t| (t.clone(), 1)).collect()
    } else {
        a.forward.iter().map(|(t, wt)| (t.clone(), wt.unwrap_or(1))).collect()
    };
    // A single forward target is also named at the top, as AWS does.
    let single = if groups.len() == 1 { Some(groups[0].0.clone()) } else { None };
    shape::Action {
        type_: shape::ActionTypeEnum::from(a.action_type.as_str()),
        target_group_arn: a.target_group_arn.clone().or(single),
        order: a.order.and_then(|o| i32::try_from(o).ok()),
        forward_config: Some(shape::ForwardActionConfig {
            target_groups: groups
                .into_iter()
                .map(|(t, w)| shape::TargetGroupTuple { target_group_arn: Some(t), weight: i32::try_from(w).ok() })
                .collect(),
            target_group_stickiness_config: Some(shape::TargetGroupStickinessConfig { enabled: Some(false), duration_seconds: None }),
        }),
        ..Default::default()
    }
}

fn action(a: shape::Action) -> Action {
    let forward = a.forward_config.map(|f| f.target_groups).unwrap_or_default();
    Action {
        action_type: a.type_.as_str().to_string(),
        target_group_arn: a.target_group_arn,
        forward: forward.into_iter().map(|t| (t.target_group_arn.unwrap_or_default(), t.weight.map(i64::from))).collect(),
        order: a.order.map(i64::from),
    }
}

/// A list the request carries; an absent (empty) one is `None`.
fn given<T>(v: Vec<T>) -> Option<Vec<T>> {
    (!v.is_empty()).then_some(v)
}

/// The listener's settings as the model takes them. Lists the request does
/// not carry are `None` (on modify: unchanged).
fn listener_input(
    protocol: Option<shape::ProtocolEnum>,
    port: Option<i32>,
    actions: Vec<shape::Action>,
    certificates: Vec<shape::Certificate>,
    ssl_policy: Option<String>,
    alpn_policy: Vec<String>,
    tags: &[shape::Tag],
) -> ListenerInput {
    ListenerInput {
        protocol: protocol.map(|p| p.as_str().to_string()),
        port: port.map(i64::from),
        default_actions: given(actions.into_iter().map(action).collect()),
        certificates: given(certificates.into_iter().filter_map(|c| c.certificate_arn).collect()),
        ssl_policy,
        alpn_policy: alpn_policy.into_iter().next(),
        tags: tag_pairs(tags),
    }
}

pub(crate) fn create_listener(call: &mut Call, input: shape::CreateListenerInput) -> Result<shape::CreateListenerOutput> {
    let tags = input.tags;
    let settings = listener_input(input.protocol, input.port, input.default_actions, input.certificates, input.ssl_policy, input.alpn_policy, &tags);
    let (ch, arn) = ls::create_listener(call.state(), &call.ctx, &input.load_balancer_arn, settings)?;
    call.commit(ch)?;
    Ok(shape::CreateListenerOutput { listeners: vec![listener_shape(&call.state().listeners[&arn])] })
}

pub(crate) fn describe_listeners(call: &mut Call, input: shape::DescribeListenersInput) -> Result<shape::DescribeListenersOutput> {
    let arns = input.listener_arns;
    let lb_arn = input.load_balancer_arn.as_deref();
    if lb_arn.is_none() && arns.is_empty() {
        return Err(ModelError::ValidationError("You must specify either listener ARNs or a load balancer ARN".into()).into());
    }
    let s = call.state();
    if let Some(a) = lb_arn {
        check_arn(a, "loadbalancer")?;
        xvpc_model::load_balancer::find(s, &call.ctx, a)?;
    }
    let mine: Vec<&Listener> = s.listeners.scope(&call.ctx).collect();
    for a in &arns {
        check_arn(a, "listener")?;
        if !mine.iter().any(|l| &l.id == a) {
            return Err(ModelError::NotFound(IdKind::Listener, a.to_string()).into());
        }
    }
    let out: Vec<&Listener> = mine
        .into_iter()
        .filter(|l| (arns.is_empty() || arns.contains(&l.id)) && lb_arn.is_none_or(|a| l.load_balancer_arn == a))
        .collect();
    let (page, next_marker) = paginate(out, input.page_size, input.marker.as_deref(), |l| l.id.clone())?;
    Ok(shape::DescribeListenersOutput { listeners: page.into_iter().map(listener_shape).collect(), next_marker })
}

pub(crate) fn modify_listener(call: &mut Call, input: shape::ModifyListenerInput) -> Result<shape::ModifyListenerOutput> {
    let settings = listener_input(input.protocol, input.port, input.default_actions, input.certificates, input.ssl_policy, input.alpn_policy, &[]);
    let ch = ls::modify_listener(call.state(), &call.ctx, &input.listener_arn, settings)?;
    call.commit(ch)?;
    Ok(shape::ModifyListenerOutput { listeners: vec![listener_shape(&call.state().listeners[&input.listener_arn])] })
}

pub(crate) fn delete_listener(call: &mut Call, input: shape::DeleteListenerInput) -> Result<shape::DeleteListenerOutput> {
    let ch = ls::delete_listener(call.state(), &call.ctx, &input.listener_arn)?;
    call.commit(ch)?;
    Ok(shape::DeleteListenerOutput {})
}

fn attributes(l: &Listener) -> Vec<shape::ListenerAttribute> {
    l.all_attributes().into_iter().map(|(k, v)| shape::ListenerAttribute { key: Some(k), value: Some(v) }).collect()
}

fn describe_listener_attributes(call: &mut Call, input: shape::DescribeListenerAttributesInput) -> Result<shape::DescribeListenerAttributesOutput> {
    check_arn(&input.listener_arn, "listener")?;
    let l = ls::find(call.state(), &call.ctx, &input.listener_arn)?;
    Ok(shape::DescribeListenerAttributesOutput { attributes: attributes(l) })
}

pub(crate) fn modify_listener_attributes(call: &mut Call, input: shape::ModifyListenerAttributesInput) -> Result<shape::ModifyListenerAttributesOutput> {
    let pairs = attribute_pairs(input.attributes.into_iter().map(|a| (a.key, a.value)))?;
    let ch = ls::modify_attributes(call.state(), &call.ctx, &input.listener_arn, &pairs)?;
    call.commit(ch)?;
    let l = ls::find(call.state(), &call.ctx, &input.listener_arn)?;
    Ok(shape::ModifyListenerAttributesOutput { attributes: attributes(l) })
}
