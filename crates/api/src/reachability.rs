//! Operator endpoints over the reachability engine (`xvpc trace`,
//! `xvpc matrix`, `xvpc compare` call these): the engine runs server-side
//! on a snapshot of the state, so clients need no model of their own.
//!
//! - `POST /_xvpc/trace` `{"source", "destination", "protocol", "port",
//!   "source_ip"?, "destination_ip"?}` → the [`xvpc_reach::Analysis`]; the
//!   flow's records go to the flow logs covering its interfaces.
//! - `POST /_xvpc/matrix` `{"protocol"?, "port"?, "tag"?: "Key=Value"}` →
//!   instances and `reachable[i][j]` (instance i reaches instance j).
//! - `POST /_xvpc/compare` `{"from", "to", "port"?, "gb_per_month"?}` →
//!   peering, PrivateLink and TGW compared for the pair.

use serde::Deserialize;
use serde_json::{json, Value};
use xvpc_model::IpProtocol;
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

fn endpoint(v: &Value, what: &str) -> Result<Endpoint, String> {
    let s = match v {
        Value::String(s) => s.as_str(),
        Value::Object(o) => o.get("id").and_then(Value::as_str).unwrap_or(""),
        _ => "",
    };
    Endpoint::parse(s).ok_or_else(|| format!("{what} {v} is not an instance, ENI, VPC endpoint, load balancer ARN or IP address"))
}

fn ip(s: Option<&str>) -> Result<Option<std::net::IpAddr>, String> {
    s.map(|x| x.parse().map_err(|_| format!("{x:?} is not an IP address"))).transpose()
}

/// `POST /_xvpc/trace`: (status, body).
pub fn trace(app: &App, body: &[u8]) -> (u16, Value) {
    let req: TraceRequest = match serde_json::from_slice(body) {
        Ok(r) => r,
        Err(e) => return (400, json!({ "error": format!("bad request: {e}") })),
    };
    let query = (|| -> Result<Query, String> {
        Ok(Query {
            source: endpoint(&req.source, "source")?,
            destination: endpoint(&req.destination, "destination")?,
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
    let state = app.snapshot();
    match xvpc_reach::analyze(&state, app.clock.now(), &query) {
        Ok(a) => {
            // The flow, as the covering flow logs would record it.
            crate::flow_log_records::record_analysis(app, &state, &a);
            (200, serde_json::to_value(&a).unwrap_or(Value::Null))
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
            "protocol" | "tag" => {
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
    let instances: Vec<&xvpc_model::instance::Instance> = state
        .instances
        .values()
        .filter(|i| i.state != xvpc_model::instance::InstanceState::Terminated)
        .filter(|i| match &tag {
            Some((k, v)) => i.tags.get(k).is_some_and(|x| v.is_empty() || x == v),
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
            })
        })
        .collect();
    let reachable: Vec<Vec<bool>> = enis.iter().map(|a| enis.iter().map(|b| m.get(a, b).unwrap_or(false)).collect()).collect();
    let endpoints: Vec<Value> = instances
        .iter()
        .map(|i| json!({ "id": i.id, "label": i.tags.get("Name").map(|n| format!("{n} ({})", i.id)).unwrap_or_else(|| i.id.clone()) }))
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
}

/// `POST /_xvpc/compare`: peering vs PrivateLink vs TGW for one pair.
pub fn compare(app: &App, body: &[u8]) -> (u16, Value) {
    let req: CompareRequest = match serde_json::from_slice(body) {
        Ok(r) => r,
        Err(e) => return (400, json!({ "error": format!("bad request: {e}") })),
    };
    let state = app.snapshot();
    match xvpc_reach::compare::compare(&state, app.clock.now(), &req.from, &req.to, req.port.unwrap_or(80), req.gb_per_month.unwrap_or(100.0)) {
        Ok(c) => (200, serde_json::to_value(&c).unwrap_or(Value::Null)),
        Err(e) => (404, json!({ "error": e.to_string() })),
    }
}
