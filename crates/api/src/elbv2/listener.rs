//! Listener actions.

use xvpc_model::listener::{self as ls, Action, Listener, ListenerInput};
use xvpc_model::{IdKind, ModelError};
use xvpc_wire::{QueryParams, XmlWriter};

use super::{attribute_pairs, paginate, required, tag_pairs, write_attributes};
use crate::call::{Call, QueryHandler};
use crate::errors::{client, Result};

pub const ACTIONS: &[(&str, QueryHandler)] = &[
    ("CreateListener", create_listener),
    ("DescribeListeners", describe_listeners),
    ("ModifyListener", modify_listener),
    ("DeleteListener", delete_listener),
    ("DescribeListenerAttributes", describe_listener_attributes),
    ("ModifyListenerAttributes", modify_listener_attributes),
];

/// The `Listener` structure's content. A forward action is described with
/// both `TargetGroupArn` and `ForwardConfig`, as AWS does.
fn write_listener(w: &mut XmlWriter, l: &Listener) {
    w.leaf("ListenerArn", &l.id).leaf("LoadBalancerArn", &l.load_balancer_arn).leaf("Port", l.port.to_string()).leaf("Protocol", &l.protocol);
    if !l.certificates.is_empty() {
        w.list("Certificates", "member", &l.certificates, |w, c| {
            w.leaf("CertificateArn", c);
        });
    }
    w.opt_leaf("SslPolicy", l.ssl_policy.as_deref());
    w.list("DefaultActions", "member", &l.default_actions, |w, a| {
        w.leaf("Type", &a.action_type);
        let groups: Vec<(String, i64)> = if a.forward.is_empty() {
            a.target_group_arn.iter().map(|t| (t.clone(), 1)).collect()
        } else {
            a.forward.iter().map(|(t, wt)| (t.clone(), wt.unwrap_or(1))).collect()
        };
        if let Some(t) = a.target_group_arn.as_ref().or(if groups.len() == 1 { Some(&groups[0].0) } else { None }) {
            w.leaf("TargetGroupArn", t);
        }
        w.opt_leaf("Order", a.order.map(|o| o.to_string()));
        w.open("ForwardConfig");
        w.list("TargetGroups", "member", &groups, |w, (t, wt)| {
            w.leaf("TargetGroupArn", t).leaf("Weight", wt.to_string());
        });
        w.open("TargetGroupStickinessConfig").bool_leaf("Enabled", false).close("TargetGroupStickinessConfig");
        w.close("ForwardConfig");
    });
    if let Some(a) = &l.alpn_policy {
        w.scalars("AlpnPolicy", "member", [a]);
    }
}

fn actions(p: &QueryParams) -> Result<Option<Vec<Action>>> {
    if !p.has_child("DefaultActions") {
        return Ok(None);
    }
    let mut out = Vec::new();
    for a in p.member_structs("DefaultActions") {
        let fc = a.child("ForwardConfig");
        let mut forward = Vec::new();
        for t in fc.member_structs("TargetGroups") {
            forward.push((t.get("TargetGroupArn").unwrap_or("").to_string(), t.int("Weight")?));
        }
        out.push(Action {
            action_type: a.get("Type").ok_or_else(|| client("ValidationError", "An action type must be specified"))?.to_string(),
            target_group_arn: a.get("TargetGroupArn").map(str::to_string),
            forward,
            order: a.int("Order")?,
        });
    }
    Ok(Some(out))
}

fn input(p: &QueryParams) -> Result<ListenerInput> {
    let certs: Vec<String> = p.member_structs("Certificates").into_iter().filter_map(|c| c.get("CertificateArn").map(str::to_string)).collect();
    Ok(ListenerInput {
        protocol: p.get("Protocol").map(str::to_string),
        port: p.int("Port")?,
        default_actions: actions(p)?,
        certificates: if p.has_child("Certificates") { Some(certs) } else { None },
        ssl_policy: p.get("SslPolicy").map(str::to_string),
        alpn_policy: p.members("AlpnPolicy").into_iter().next(),
        tags: tag_pairs(p),
    })
}

fn create_listener(call: &mut Call, p: &QueryParams) -> Result<String> {
    let lb = required(p, "LoadBalancerArn")?.to_string();
    let (ch, arn) = ls::create_listener(call.state(), &call.ctx, &lb, input(p)?)?;
    call.commit(ch)?;
    let mut w = XmlWriter::new();
    w.list("Listeners", "member", [&call.state().listeners[&arn]], |w, l| write_listener(w, l));
    Ok(w.finish())
}

fn describe_listeners(call: &mut Call, p: &QueryParams) -> Result<String> {
    let arns = p.members("ListenerArns");
    let lb_arn = p.get("LoadBalancerArn");
    if lb_arn.is_none() && arns.is_empty() {
        return Err(client("ValidationError", "You must specify either listener ARNs or a load balancer ARN"));
    }
    let s = call.state();
    if let Some(a) = lb_arn {
        xvpc_model::load_balancer::check_arn(a, "loadbalancer")?;
        xvpc_model::load_balancer::find(s, &call.ctx, a)?;
    }
    let mine: Vec<&Listener> = s.listeners.scope(&call.ctx).collect();
    for a in &arns {
        xvpc_model::load_balancer::check_arn(a, "listener")?;
        if !mine.iter().any(|l| &l.id == a) {
            return Err(ModelError::NotFound(IdKind::Listener, a.to_string()).into());
        }
    }
    let out: Vec<&Listener> = mine
        .into_iter()
        .filter(|l| (arns.is_empty() || arns.contains(&l.id)) && lb_arn.map_or(true, |a| l.load_balancer_arn == a))
        .collect();
    let (page, next) = paginate(out, p, |l| l.id.clone())?;
    let mut w = XmlWriter::new();
    w.list("Listeners", "member", page, |w, l| write_listener(w, l));
    w.opt_leaf("NextMarker", next);
    Ok(w.finish())
}

fn modify_listener(call: &mut Call, p: &QueryParams) -> Result<String> {
    let arn = required(p, "ListenerArn")?.to_string();
    let ch = ls::modify_listener(call.state(), &call.ctx, &arn, input(p)?)?;
    call.commit(ch)?;
    let mut w = XmlWriter::new();
    w.list("Listeners", "member", [&call.state().listeners[&arn]], |w, l| write_listener(w, l));
    Ok(w.finish())
}

fn delete_listener(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ch = ls::delete_listener(call.state(), &call.ctx, required(p, "ListenerArn")?)?;
    call.commit(ch)?;
    Ok(String::new())
}

fn describe_listener_attributes(call: &mut Call, p: &QueryParams) -> Result<String> {
    let arn = required(p, "ListenerArn")?;
    xvpc_model::load_balancer::check_arn(arn, "listener")?;
    let l = ls::find(call.state(), &call.ctx, arn)?;
    let mut w = XmlWriter::new();
    write_attributes(&mut w, &l.all_attributes());
    Ok(w.finish())
}

fn modify_listener_attributes(call: &mut Call, p: &QueryParams) -> Result<String> {
    let arn = required(p, "ListenerArn")?.to_string();
    let ch = ls::modify_attributes(call.state(), &call.ctx, &arn, &attribute_pairs(p)?)?;
    call.commit(ch)?;
    let l = ls::find(call.state(), &call.ctx, &arn)?;
    let mut w = XmlWriter::new();
    write_attributes(&mut w, &l.all_attributes());
    Ok(w.finish())
}
