//! Operator endpoints over the reachability engine (`xvpc trace`,
//! `xvpc matrix`, `xvpc compare` call these): the engine runs server-side
//! on a snapshot of the state, so clients need no model of their own.
//!
//! - `POST /_xvpc/trace` `{"source", "destination", "protocol", "port",
//!   "source_ip"?, "destination_ip"?, "account"?, "region"?}` → the
//!   [`xvpc_reach::Analysis`] (plus `references`: each `STACK/LogicalId`
//!   given and the id it named); the flow's records go to the flow logs
//!   covering its interfaces.
//! - `POST /_xvpc/matrix` `{"protocol"?, "port"?, "tag"?: "Key=Value",
//!   "stack"?, "account"?, "region"?}` → instances and `reachable[i][j]`
//!   (instance i reaches instance j).
//! - `POST /_xvpc/compare` `{"from", "to", "port"?, "gb_per_month"?,
//!   "account"?, "region"?}` → peering, PrivateLink and TGW compared for
//!   the pair.
//!
//! Wherever a resource is named, `STACK/LogicalId` names the resource a
//! CloudFormation stack made, looked up in `account`/`region` when given
//! (the caller's), else wherever that stack name is unique.

use serde::Deserialize;
use serde_json::{json, Value};
use xvpc_model::stack_membership::{self, Scope};
use xvpc_model::{IpProtocol, State};
use xvpc_reach::{Endpoint, Query};

use crate::App;

/// The body of `POST /_xvpc/trace`.
#[derive(Deserialize)]
struct TraceRequest {
    /// `"i-..."`, or `{"type": "instance", "id": "i-..."}` (the serde form of
    /// [`Endpoint`], as the console sends it).
    source: Value,
    destination: Value,
    #[serde(default)]
    protocol: Option<Value>,
    #[serde(default)]
    port: Option<u16>,
    #[serde(default)]
    source_ip: Option<String>,
    #[serde(default)]
    destination_ip: Option<String>,
    #[serde(default)]
    account: Option<String>,
    #[serde(default)]
    region: Option<String>,
}

/// Reads a packet's protocol given as `"tcp"`, `"6"` or `6` (default
/// tcp). A packet has one protocol, so `-1` (all) is refused.
pub fn protocol_of(v: Option<&Value>) -> Result<u8, String> {
    match v {
        None | Some(Value::Null) => Ok(IpProtocol::TCP),
        Some(Value::Number(n)) => n.as_u64().and_then(|n| u8::try_from(n).ok()).ok_or_else(|| format!("bad protocol {n}")),
        Some(Value::String(s)) => IpProtocol::parse(s).and_then(IpProtocol::number).ok_or_else(|| format!("bad protocol {s}")),
        Some(other) => Err(format!("bad protocol {other}")),
    }
}

fn endpoint(state: &State, scope: &Scope, v: &Value, what: &str, refs: &mut serde_json::Map<String, Value>) -> Result<Endpoint, String> {
    let s = match v {
        Value::String(s) => s.as_str(),
        Value::Object(o) => o.get("id").and_then(Value::as_str).unwrap_or(""),
        _ => "",
    };
    if let Some((stack, logical)) = stack_membership::parse_reference(s) {
        let m = stack_membership::resolve(state, stack, logical, scope).map_err(|e| e.to_string())?;
        refs.insert(m.reference(), json!(m.physical_id));
        // Only what a packet leaves or reaches: a load balancer, not its
        // listeners or target groups, which share the ELB ARN prefix.
        return match Endpoint::parse(&m.physical_id) {
            Some(e @ (Endpoint::Instance(_) | Endpoint::NetworkInterface(_) | Endpoint::VpcEndpoint(_))) => Ok(e),
            Some(e @ Endpoint::LoadBalancer(_)) if m.physical_id.contains(":loadbalancer/") => Ok(e),
            _ => Err(format!(
                "{what} {} ({}, {}) is not an instance, network interface, VPC endpoint or load balancer",
                m.reference(),
                m.physical_id,
                m.kind
            )),
        };
    }
    Endpoint::parse(s).ok_or_else(|| format!("{what} {v} is not an instance, ENI, VPC endpoint, load balancer ARN, IP address or STACK/LogicalId"))
}

/// The caller's account and Region as a request gives them.
fn scope(account: &Option<String>, region: &Option<String>) -> Scope {
    let given = |x: &Option<String>| x.as_ref().filter(|s| !s.is_empty()).cloned();
    Scope { account: given(account), region: given(region) }
}

/// An instance given by id or as `STACK/LogicalId` (compare's ends).
fn instance_id(state: &State, scope: &Scope, s: &str, what: &str) -> Result<String, String> {
    match endpoint(state, scope, &json!(s), what, &mut serde_json::Map::new())? {
        Endpoint::Instance(id) => Ok(id),
        _ if stack_membership::parse_reference(s).is_some() => Err(format!("{what} {s} is not an instance")),
        other => Ok(other.id()),
    }
}

fn ip(s: Option<&str>) -> Result<Option<std::net::IpAddr>, String> {
    s.map(|x| x.parse().map_err(|_| format!("{x:?} is not an IP address"))).transpose()
}

/// Names, next to each fix's account, where that account sits in its
/// organization (`"ou"`), so a blocker that needs another account's action
/// says which OU to ask.
fn place_fixes(state: &State, v: &mut Value) {
    for b in v.get_mut("blockers").and_then(Value::as_array_mut).into_iter().flatten() {
        if let Some(f) = b.get_mut("fix").and_then(Value::as_object_mut) {
            let place = f.get("account").and_then(Value::as_str).and_then(|a| xvpc_model::organizational_unit::place(state, a));
            if let Some(p) = place {
                f.insert("ou".into(), json!(p));
            }
        }
    }
}

/// `POST /_xvpc/trace`: (status, body).
pub fn trace(app: &App, body: &[u8]) -> (u16, Value) {
    let req: TraceRequest = match serde_json::from_slice(body) {
        Ok(r) => r,
        Err(e) => return (400, json!({ "error": format!("bad request: {e}") })),
    };
    // On the live state, under the lock: a trace reads a handful of rows
    // through the engine's indexes, far cheaper than copying the state.
    let w = app.world();
    let state = &w.state;
    let scope = scope(&req.account, &req.region);
    let mut refs = serde_json::Map::new();
    let query = (|| -> Result<Query, String> {
        Ok(Query {
            source: endpoint(state, &scope, &req.source, "source", &mut refs)?,
            destination: endpoint(state, &scope, &req.destination, "destination", &mut refs)?,
            protocol: protocol_of(req.protocol.as_ref())?,
            port: req.port.unwrap_or(0),
            source_ip: ip(req.source_ip.as_deref())?,
            destination_ip: ip(req.destination_ip.as_deref())?,
        })
    })();
    let query = match query {
        Ok(q) => q,
        Err(e) => return (400, json!({ "error": e })),
    };
    match xvpc_reach::analyze(state, app.clock.now(), &query) {
        Ok(a) => {
            // The flow, as the covering flow logs would record it.
            crate::flow_log_records::record_analysis(app, state, &a);
            let mut v = serde_json::to_value(&a).unwrap_or(Value::Null);
            if let (Some(o), false) = (v.as_object_mut(), refs.is_empty()) {
                o.insert("references".into(), Value::Object(refs));
            }
            place_fixes(state, &mut v);
            (200, v)
        }
        Err(e) => (404, json!({ "error": e.to_string() })),
    }
}

/// The body of `POST /_xvpc/matrix`.
#[derive(Deserialize)]
struct MatrixRequest {
    #[serde(default)]
    protocol: Option<Value>,
    #[serde(default)]
    port: Option<u16>,
    /// `Key=Value`: only instances with this tag.
    #[serde(default)]
    tag: Option<String>,
    /// Only the instances this stack made.
    #[serde(default)]
    stack: Option<String>,
    #[serde(default)]
    account: Option<String>,
    #[serde(default)]
    region: Option<String>,
    /// Only the instances of an organization's accounts: its id, or empty
    /// for the organization of `account` (else the only one there is).
    #[serde(default)]
    organization: Option<String>,
    /// Only the instances of accounts in this OU or below it.
    #[serde(default)]
    ou: Option<String>,
}

/// The accounts a matrix keeps: those of one organization, or of one OU
/// and the OUs below it; `None` keeps every account.
fn accounts_kept(state: &State, req: &MatrixRequest) -> Result<Option<std::collections::BTreeSet<String>>, String> {
    use xvpc_model::organization as org;
    if let Some(ou) = req.ou.as_deref() {
        let unit = state.organizational_units.get(ou).ok_or_else(|| format!("no organizational unit {ou}"))?;
        let kept = state.org_members.values().filter(|m| xvpc_model::organizational_unit::account_under(state, &m.id, &unit.id)).map(|m| m.id.clone()).collect();
        return Ok(Some(kept));
    }
    let Some(id) = req.organization.as_deref() else { return Ok(None) };
    let o = if !id.is_empty() {
        state.organizations.get(id).ok_or_else(|| format!("no organization {id}"))?
    } else if let Some(a) = req.account.as_deref().filter(|a| !a.is_empty()) {
        org::of_account(state, a).ok_or_else(|| format!("account {a} is in no organization"))?
    } else {
        let mut all = state.organizations.values();
        match (all.next(), all.next()) {
            (Some(o), None) => o,
            (None, _) => return Err("there is no organization".into()),
            _ => return Err("there are several organizations: name one (--organization o-…) or an account (--account)".into()),
        }
    };
    Ok(Some(org::members(state, o).map(|m| m.id.clone()).collect()))
}

/// `GET /_xvpc/matrix?protocol=tcp&port=80&tag=K=V`: [`matrix`] with
/// the request in the query string (the console's form).
pub fn matrix_get(app: &App, query: &str) -> (u16, Value) {
    let mut req = serde_json::Map::new();
    for (k, v) in form_urlencoded::parse(query.as_bytes()).into_owned() {
        match k.as_str() {
            "port" => match v.parse::<u16>() {
                Ok(p) => {
                    req.insert(k, json!(p));
                }
                Err(_) => return (400, json!({ "error": format!("bad port {v}") })),
            },
            "protocol" | "tag" | "stack" | "account" | "region" | "organization" | "ou" => {
                req.insert(k, json!(v));
            }
            _ => {}
        }
    }
    matrix(app, Value::Object(req).to_string().as_bytes())
}

/// `POST /_xvpc/matrix`: reachability between all (running or not)
/// instances, computed on equivalence classes. The answer carries both
/// `instances`/`reachable` and the console's `endpoints`/`rows`.
pub fn matrix(app: &App, body: &[u8]) -> (u16, Value) {
    let req: MatrixRequest = match serde_json::from_slice(if body.is_empty() { b"{}" } else { body }) {
        Ok(r) => r,
        Err(e) => return (400, json!({ "error": format!("bad request: {e}") })),
    };
    let proto = match protocol_of(req.protocol.as_ref()) {
        Ok(p) => p,
        Err(e) => return (400, json!({ "error": e })),
    };
    let port = req.port.unwrap_or(80);
    let tag = req.tag.as_deref().map(|t| t.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())).unwrap_or((t.to_string(), String::new())));
    let state = app.snapshot();
    let scope = scope(&req.account, &req.region);
    let stacks = stack_membership::by_physical_id(&state);
    let stack_of = |id: &str| stacks.get(id).filter(|m| scope.holds(&m.owner, &m.region));
    if let Some(name) = req.stack.as_deref().filter(|s| !s.is_empty()) {
        if !stacks.values().any(|m| m.stack_name == name && scope.holds(&m.owner, &m.region)) {
            return (404, json!({ "error": stack_membership::RefError::NoStack { stack: name.into(), scope: scope.describe() }.to_string() }));
        }
    }
    let kept = match accounts_kept(&state, &req) {
        Ok(k) => k,
        Err(e) => return (404, json!({ "error": e })),
    };
    let instances: Vec<&xvpc_model::instance::Instance> = state
        .instances
        .values()
        .filter(|i| i.state != xvpc_model::instance::InstanceState::Terminated)
        .filter(|i| kept.as_ref().is_none_or(|k| k.contains(&i.owner)))
        .filter(|i| match &tag {
            Some((k, v)) => i.tags.get(k).is_some_and(|x| v.is_empty() || x == v),
            None => true,
        })
        .filter(|i| match req.stack.as_deref().filter(|s| !s.is_empty()) {
            Some(name) => stack_of(&i.id).is_some_and(|m| m.stack_name == name),
            None => true,
        })
        .collect();
    let enis: Vec<String> = instances.iter().map(|i| i.primary_eni.clone()).collect();
    let m = xvpc_reach::matrix::matrix(&state, app.clock.now(), &enis, proto, port);
    let rows: Vec<Value> = instances
        .iter()
        .map(|i| {
            json!({
                "id": i.id, "name": i.tags.get("Name"), "owner": i.owner, "region": i.region,
                "vpc": i.vpc_id, "ip": i.private_ip.to_string(), "state": i.state.name(),
                "class": m.class_of.get(&i.primary_eni),
                "stack_ref": stack_of(&i.id).map(|m| m.reference()),
                "ou": xvpc_model::organizational_unit::place(&state, &i.owner),
            })
        })
        .collect();
    let reachable: Vec<Vec<bool>> = enis.iter().map(|a| enis.iter().map(|b| m.get(a, b).unwrap_or(false)).collect()).collect();
    let endpoints: Vec<Value> = instances
        .iter()
        .map(|i| {
            // The Name tag, else the stack's logical id (stacks seldom name instances).
            let name = i.tags.get("Name").cloned().or_else(|| stack_of(&i.id).map(|m| m.reference()));
            json!({ "id": i.id, "label": name.map(|n| format!("{n} ({})", i.id)).unwrap_or_else(|| i.id.clone()) })
        })
        .collect();
    (200, json!({ "protocol": proto, "port": port, "instances": rows, "classes": m.classes.len(), "reachable": reachable, "endpoints": endpoints, "rows": reachable }))
}

/// The body of `POST /_xvpc/compare`.
#[derive(Deserialize)]
struct CompareRequest {
    from: String,
    to: String,
    #[serde(default)]
    port: Option<u16>,
    #[serde(default)]
    gb_per_month: Option<f64>,
    #[serde(default)]
    account: Option<String>,
    #[serde(default)]
    region: Option<String>,
}

/// `POST /_xvpc/compare`: peering vs PrivateLink vs TGW for one pair.
pub fn compare(app: &App, body: &[u8]) -> (u16, Value) {
    let req: CompareRequest = match serde_json::from_slice(body) {
        Ok(r) => r,
        Err(e) => return (400, json!({ "error": format!("bad request: {e}") })),
    };
    // On the live state, under the lock: a trace reads a handful of rows
    // through the engine's indexes, far cheaper than copying the state.
    let w = app.world();
    let state = &w.state;
    let scope = scope(&req.account, &req.region);
    let ends = instance_id(&state, &scope, &req.from, "from").and_then(|f| Ok((f, instance_id(&state, &scope, &req.to, "to")?)));
    let (from, to) = match ends {
        Ok(x) => x,
        Err(e) => return (404, json!({ "error": e })),
    };
    match xvpc_reach::compare::compare(&state, app.clock.now(), &from, &to, req.port.unwrap_or(80), req.gb_per_month.unwrap_or(100.0)) {
        Ok(c) => (200, serde_json::to_value(&c).unwrap_or(Value::Null)),
        Err(e) => (404, json!({ "error": e.to_string() })),
    }
}

#[cfg(test)]
#[path = "reachability_tests.rs"]
mod tests;
