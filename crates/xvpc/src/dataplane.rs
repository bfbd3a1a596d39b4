//! `--dataplane netns`: realizes the model in network namespaces as it
//! changes, and tells operator tools (`xvpc exec`) where instances live.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use xvpc_api::App;
use xvpc_netns::{Dataplane, Worker};
use xvpc_wire::{HttpRequest, HttpResponse};

/// Which data plane `xvpc serve` runs.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Kind {
    /// Reachability is computed, never sent (portable; the default).
    #[default]
    Model,
    /// Real packets between Linux network namespaces (root or
    /// CAP_NET_ADMIN + CAP_SYS_ADMIN; Linux only).
    Netns,
}

/// How long an operator request waits for pending changes to be realized.
const SETTLE: Duration = Duration::from_secs(60);

/// Starts the netns data plane for `app`: checks capabilities, removes
/// what crashed runs left, realizes the current state and follows changes.
pub fn start(app: &Arc<App>) -> anyhow::Result<Arc<Worker>> {
    let dp = Dataplane::start().map_err(|e| anyhow::anyhow!("{e}"))?;
    let worker = Arc::new(Worker::spawn(dp));
    worker.submit(app.snapshot());
    let w = worker.clone();
    app.observe(Arc::new(move |state| w.submit(state.clone())));
    let w = worker.clone();
    app.add_ops(Arc::new(move |app, req| ops(app, &w, req)));
    Ok(worker)
}

fn json(status: u16, v: serde_json::Value) -> HttpResponse {
    HttpResponse::new(status, "application/json", v.to_string())
}

/// `GET /_xvpc/netns` (prefix, instances, last reconciliation) and
/// `GET /_xvpc/netns/<instance-id | eni-id>` (its namespace). Both wait
/// until pending changes are realized, so a caller that just launched an
/// instance finds its namespace built.
fn ops(app: &App, worker: &Worker, req: &HttpRequest) -> Option<HttpResponse> {
    let rest = req.path.strip_prefix("/_xvpc/netns")?;
    if req.method != "GET" || !(rest.is_empty() || rest.starts_with('/')) {
        return None;
    }
    let settled = worker.settle(SETTLE);
    let prefix = worker.prefix();
    let ns = |id: &str| xvpc_netns::names::ns(prefix, id);
    let id = rest.trim_start_matches('/');
    let state = app.snapshot();
    if id.is_empty() {
        let instances: serde_json::Map<String, serde_json::Value> = state
            .instances
            .values()
            .map(|i| (i.id.clone(), json!({ "namespace": ns(&i.primary_eni), "state": i.state.name(), "private_ip": i.private_ip.to_string() })))
            .collect();
        let last = worker.last_report().map(|r| json!({ "millis": r.millis as u64, "errors": r.errors }));
        return Some(json(200, json!({ "prefix": prefix, "settled": settled, "instances": instances, "last_reconcile": last })));
    }
    if let Some(i) = state.instances.get(id) {
        let body = json!({
            "instance_id": i.id, "eni_id": i.primary_eni, "namespace": ns(&i.primary_eni),
            "state": i.state.name(), "private_ip": i.private_ip.to_string(), "settled": settled,
        });
        return Some(json(if i.state.is_running() { 200 } else { 409 }, body));
    }
    if let Some(e) = state.network_interfaces.get(id) {
        return Some(json(200, json!({ "eni_id": e.id, "namespace": ns(&e.id), "private_ip": e.private_ip.to_string(), "settled": settled })));
    }
    Some(json(404, json!({ "error": format!("no instance or network interface {id}") })))
}
