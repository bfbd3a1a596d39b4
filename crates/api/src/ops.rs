//! Operational endpoints under `/_xvpc/` (and moto's reset), outside AWS's
//! protocols: health, reset, moving the emulated clock, the state and the
//! reachability engine for operator tools. All but health are for the
//! server's own host only ([`host_only`]).

use serde_json::json;
use xvpc_wire::{HttpRequest, HttpResponse};

use crate::App;

fn json(status: u16, v: serde_json::Value) -> HttpResponse {
    HttpResponse::new(status, "application/json", v.to_string())
}

/// A store failure on an operator endpoint: 503 while the store is
/// unreachable (retry), 500 otherwise.
fn store_error(e: &xvpc_store::StoreError) -> HttpResponse {
    let status = if matches!(e, xvpc_store::StoreError::Unavailable(_)) { 503 } else { 500 };
    json(status, json!({ "error": e.to_string() }))
}

/// The one operational endpoint anyone who reaches the server may call:
/// it shows no account's state and changes nothing.
pub const HEALTH: &str = "/_xvpc/health";

/// True for a path [`handle`] answers (an operator endpoint, not an AWS API).
pub fn is_operational(path: &str) -> bool {
    path.starts_with("/_xvpc/") || path.starts_with("/moto-api/")
}

/// True for an operator endpoint that changes the server's state or shows
/// every account's (all but [`HEALTH`]): the binary answers it only to
/// the server's own host.
pub fn host_only(path: &str) -> bool {
    is_operational(path) && path != HEALTH
}

/// Answers an operational request, or `None` for an AWS API request.
pub fn handle(app: &App, req: &HttpRequest, _request_id: &str) -> Option<HttpResponse> {
    let path = req.path.as_str();
    if !is_operational(path) {
        return None;
    }
    for ext in app.ops_extensions() {
        if let Some(resp) = ext(app, req) {
            return Some(resp);
        }
    }
    Some(match (req.method.as_str(), path) {
        // `replication`: this replica's applied sequence number, the log's
        // head and the lag between them (in logged commands).
        ("GET", HEALTH) => json(200, json!({
            "status": "running",
            "version": env!("CARGO_PKG_VERSION"),
            "services": crate::call::SERVICES.iter().map(|(scope, _)| *scope).collect::<Vec<_>>(),
            "replication": app.replication(),
        })),
        // Cluster-wide: the reset is a new entry in the log every replica follows.
        ("POST", "/_xvpc/reset") | ("POST", "/moto-api/reset") => {
            let mut w = app.world();
            // Access keys are the server's configuration, not the emulated
            // world: a reset keeps them (else it would lock everyone out).
            let keys = xvpc_model::access_key::restore(&w.state);
            match w.store.reset().and_then(|seq| {
                w.state = Default::default();
                w.seq = seq;
                crate::access_keys::commit(app, &mut w, "reset (access keys kept)", keys)
            }) {
                Ok(()) => {
                    crate::flow_log_records::reset(app);
                    app.clock.set_offset(0);
                    app.notify(&w.state);
                    json(200, json!({ "status": "reset" }))
                }
                Err(e) => store_error(&e),
            }
        }
        // Moves the emulated clock forward: body {"advance_seconds": N}.
        // Cluster-wide: the offset is a shared setting, announced in the log.
        ("POST", "/_xvpc/clock") => {
            let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap_or(json!({}));
            let Some(secs) = body.get("advance_seconds").and_then(|v| v.as_i64()) else {
                return Some(json(400, json!({ "error": "expected {\"advance_seconds\": N}" })));
            };
            let mut w = app.world();
            // Another replica may have moved it: start from the shared value.
            if let Err(e) = app.catch_up_locked(&mut w) {
                return Some(store_error(&e));
            }
            let off = app.clock.offset() + secs * 1000;
            if let Err(e) = w.store.set_meta(crate::CLOCK_KEY, &off.to_string()).and_then(|()| app.announce_settings(&mut w)) {
                return Some(store_error(&e));
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
        // The state as describe output in Batfish's layout (xvpc export).
        ("GET", "/_xvpc/export") => {
            let (status, v) = crate::snapshot::export_endpoint(app);
            json(status, v)
        }
        // A dump of real accounts into the state, atomically (xvpc import).
        ("POST", "/_xvpc/import") => {
            let (status, v) = crate::snapshot::import_endpoint(app, &req.body);
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
