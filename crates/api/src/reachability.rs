//! Operator endpoints over the reachability engine (`xvpc trace`,
//! `xvpc matrix`, `xvpc compare` call these): the engine runs server-side
//! on a snapshot of the state, so clients need no model of their own.
//!
//! - `POST /_xvpc/trace` `{"source", "destination", "protocol", "port",
//!   "source_ip"?, "destination_ip"?}` → the [`xvpc_reach::Analysis`].

use serde::Deserialize;
use serde_json::{json, Value};
use xvpc_reach::{Endpoint, Query};

use crate::App;

/// The body of `POST /_xvpc/trace`.
#[derive(Deserialize)]
struct TraceRequest {
    source: String,
    destination: String,
    #[serde(default)]
    protocol: Option<Value>,
    #[serde(default)]
    port: Option<u16>,
    #[serde(default)]
    source_ip: Option<String>,
    #[serde(default)]
    destination_ip: Option<String>,
}

/// Reads a protocol given as `"tcp"`, `"6"` or `6` (default tcp).
pub fn protocol_of(v: Option<&Value>) -> Result<u8, String> {
    match v {
        None | Some(Value::Null) => Ok(xvpc_reach::protocol::TCP),
        Some(Value::Number(n)) => n.as_u64().and_then(|n| u8::try_from(n).ok()).ok_or_else(|| format!("bad protocol {n}")),
        Some(Value::String(s)) => xvpc_reach::protocol::parse(s).ok_or_else(|| format!("bad protocol {s}")),
        Some(other) => Err(format!("bad protocol {other}")),
    }
}

fn endpoint(s: &str, what: &str) -> Result<Endpoint, String> {
    Endpoint::parse(s).ok_or_else(|| format!("{what} {s:?} is not an instance, ENI, VPC endpoint, load balancer ARN or IPv4 address"))
}

fn ip(s: Option<&str>) -> Result<Option<std::net::Ipv4Addr>, String> {
    s.map(|x| x.parse().map_err(|_| format!("{x:?} is not an IPv4 address"))).transpose()
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
        Ok(a) => (200, serde_json::to_value(&a).unwrap_or(Value::Null)),
        Err(e) => (404, json!({ "error": e.to_string() })),
    }
}
