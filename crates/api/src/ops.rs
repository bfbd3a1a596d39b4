//! Operational endpoints under `/_xvpc/` (and moto's reset), outside AWS's
//! protocols: health, reset, and moving the emulated clock.

use serde_json::json;
use xvpc_wire::{HttpRequest, HttpResponse};

use crate::App;

/// The services listed by the health endpoint (RDS, ElastiCache and
/// Redshift for their subnet groups only).
pub const SERVICES: &[&str] = &["ec2", "elasticloadbalancing", "ram", "sts", "rds", "elasticache", "redshift", "iam", "logs"];

fn json(status: u16, v: serde_json::Value) -> HttpResponse {
    HttpResponse::new(status, "application/json", v.to_string())
}

/// Answers an operational request, or `None` for an AWS API request.
pub fn handle(app: &App, req: &HttpRequest, _request_id: &str) -> Option<HttpResponse> {
    let path = req.path.as_str();
    if !(path.starts_with("/_xvpc/") || path.starts_with("/moto-api/")) {
        return None;
    }
    for ext in app.ops_extensions() {
        if let Some(resp) = ext(app, req) {
            return Some(resp);
        }
    }
    Some(match (req.method.as_str(), path) {
        ("GET", "/_xvpc/health") => json(200, json!({
            "status": "running",
            "version": env!("CARGO_PKG_VERSION"),
            "services": SERVICES,
        })),
        ("POST", "/_xvpc/reset") | ("POST", "/moto-api/reset") => {
            let mut w = app.world();
            // Access keys are the server's configuration, not the emulated
            // world: a reset keeps them (else it would lock everyone out).
            let keys = xvpc_model::access_key::restore(&w.state);
            match w.store.reset().and_then(|()| {
                w.state = Default::default();
                crate::access_keys::commit(app, &mut w, "reset (access keys kept)", keys)
            }) {
                Ok(()) => {
                    crate::flow_log_records::reset(app);
                    app.clock.set_offset(0);
                    app.notify(&w.state);
                    json(200, json!({ "status": "reset" }))
                }
                Err(e) => json(500, json!({ "error": e.to_string() })),
            }
        }
        // Moves the emulated clock forward: body {"advance_seconds": N}.
        ("POST", "/_xvpc/clock") => {
            let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap_or(json!({}));
            let Some(secs) = body.get("advance_seconds").and_then(|v| v.as_i64()) else {
                return Some(json(400, json!({ "error": "expected {\"advance_seconds\": N}" })));
            };
            let mut w = app.world();
            let off = app.clock.offset() + secs * 1000;
            if let Err(e) = w.store.set_meta("clock_offset_ms", &off.to_string()) {
                return Some(json(500, json!({ "error": e.to_string() })));
            }
            app.clock.set_offset(off);
            app.notify(&w.state);
            json(200, json!({ "offset_seconds": off / 1000, "now_ms": app.clock.now() }))
        }
        ("GET", "/_xvpc/clock") => json(200, json!({ "offset_seconds": app.clock.offset() / 1000, "now_ms": app.clock.now() })),
        // A counter bumped by every change: cheap to poll for live views.
        ("GET", "/_xvpc/version") => json(200, json!({ "version": app.version() })),
        // The whole state, for operator tools (trace, console, exec).
        ("GET", "/_xvpc/state") => {
            let w = app.world();
            match serde_json::to_value(&w.state) {
                Ok(mut v) => {
                    // Never the access keys (their secrets): `xvpc credentials list` shows them.
                    if let Some(o) = v.as_object_mut() {
                        o.remove("access_keys");
                    }
                    json(200, json!({ "now_ms": app.clock.now(), "state": v }))
                }
                Err(e) => json(500, json!({ "error": e.to_string() })),
            }
        }
        // The reachability engine, run on a snapshot (xvpc trace).
        ("POST", "/_xvpc/trace") => {
            let (status, v) = crate::reachability::trace(app, &req.body);
            json(status, v)
        }
        // Flow log records delivered so far, per flow log.
        ("GET", "/_xvpc/flow-logs") => {
            let (status, v) = crate::flow_log_records::list(app, &req.query);
            json(status, v)
        }
        ("POST", "/_xvpc/compare") => {
            let (status, v) = crate::reachability::compare(app, &req.body);
            json(status, v)
        }
        ("GET", "/_xvpc/matrix") => {
            let (status, v) = crate::reachability::matrix_get(app, &req.query);
            json(status, v)
        }
        ("POST", "/_xvpc/matrix") => {
            let (status, v) = crate::reachability::matrix(app, &req.body);
            json(status, v)
        }
        _ => json(404, json!({ "error": format!("no operational endpoint {} {}", req.method, path) })),
    })
}
