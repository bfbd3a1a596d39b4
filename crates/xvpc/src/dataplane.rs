//! `--dataplane netns`: realizes the model in network namespaces as it
//! changes, and tells operator tools (`xvpc exec`) where instances live.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use xvpc_api::App;
use xvpc_netns::bandwidth::Bandwidth;
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

/// Refuses a second netns data plane for one store on this host: replicas
/// of one database would each realize the same instances in the same
/// namespaces. Returns the lock, held while the file stays open.
pub fn one_per_host(store: &str, data_dir: &std::path::Path) -> anyhow::Result<std::fs::File> {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (store, if store == "sqlite" { data_dir.display().to_string() } else { String::new() }).hash(&mut h);
    let path = std::env::temp_dir().join(format!("xvpc-netns-{:016x}.lock", h.finish()));
    let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path)?;
    if file.try_lock().is_err() {
        anyhow::bail!("another xvpc serve on this host already runs the netns data plane for the store {store} ({}): run the other replicas with --dataplane model", path.display());
    }
    Ok(file)
}

/// How long an operator request waits for pending changes to be realized.
const SETTLE: Duration = Duration::from_secs(60);

/// Starts the netns data plane for `app`: checks capabilities, removes
/// what crashed runs left, realizes the current state and follows changes.
/// `bandwidth`: emulate AWS's throughput limits, at the given scale or (for
/// `Some(None)`) at one derived from this host's measured ceiling.
pub fn start(app: &Arc<App>, bandwidth: Option<Option<f64>>) -> anyhow::Result<Arc<Worker>> {
    let mut dp = Dataplane::start().map_err(|e| anyhow::anyhow!("{e}"))?;
    if let Some(scale) = bandwidth {
        let bw = match scale {
            Some(s) => Bandwidth::scaled(s),
            None => Bandwidth::for_host(host_ceiling(dp.prefix())?),
        };
        // Shown at start (the default log level hides info).
        crate::out::stdout_lossy(&format!("data plane: {}\n", bw.describe()));
        tracing::info!("data plane: {}", bw.describe());
        dp.set_bandwidth(Some(bw));
    }
    let worker = Arc::new(Worker::spawn(dp));
    worker.submit(app.snapshot());
    let w = worker.clone();
    app.observe(Arc::new(move |state| w.submit(state.clone())));
    let w = worker.clone();
    app.add_ops(Arc::new(move |app, req| ops(app, &w, req)));
    // Flow log records come from the packets.
    xvpc_api::flow_log_records::from_packets(app);
    let a = Arc::downgrade(app);
    worker.on_flows(Arc::new(move |flows| {
        if let Some(app) = a.upgrade() {
            xvpc_api::flow_log_records::record_packets(&app, flows.into_iter().map(|(eni, f)| f.seen(eni)).collect());
        }
    }));
    Ok(worker)
}

/// One TCP stream over a bare veth pair: what this host can carry.
#[cfg(target_os = "linux")]
fn host_ceiling(prefix: &str) -> anyhow::Result<f64> {
    xvpc_netns::throughput::host_ceiling(prefix).map_err(|e| anyhow::anyhow!("measuring this host's throughput for --emulate-bandwidth (or give --bandwidth-scale): {e}"))
}

#[cfg(not(target_os = "linux"))]
fn host_ceiling(_prefix: &str) -> anyhow::Result<f64> {
    anyhow::bail!("--emulate-bandwidth needs the Linux data plane")
}

/// The emulated limits for `GET /_xvpc/netns` (null when off).
fn bandwidth_json(bw: Option<Bandwidth>) -> serde_json::Value {
    bw.map_or(serde_json::Value::Null, |b| {
        json!({
            "scale": b.scale,
            "host_ceiling_bps": b.host_ceiling_bps,
            "endpoint_per_az_bps": b.endpoint_bps(),
            "transit_gateway_attachment_bps": b.tgw_attachment_bps(),
            "aws_endpoint_per_az_bps": xvpc_netns::bandwidth::ENDPOINT_PER_AZ_BPS as u64,
            "aws_transit_gateway_attachment_bps": xvpc_netns::bandwidth::TGW_ATTACHMENT_BPS as u64,
        })
    })
}

fn json(status: u16, v: serde_json::Value) -> HttpResponse {
    HttpResponse::new(status, "application/json", v.to_string())
}

/// `GET /_xvpc/netns` (prefix, instances, last reconciliation, emulated
/// bandwidth limits) and
/// `GET /_xvpc/netns/<instance-id | eni-id | STACK/LogicalId>[?account=&region=]` (its namespace; for an
/// instance also the environment its processes get, see
/// `xvpc_netns::instance_environment`). Both wait
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
    // `STACK/LogicalId` (xvpc exec net/Web), in the caller's account and
    // Region when the query gives them.
    let resolved;
    let id = match xvpc_model::stack_membership::parse_reference(id) {
        Some((stack, logical)) => {
            let mut scope = xvpc_model::stack_membership::Scope::default();
            for kv in req.query.split('&') {
                match kv.split_once('=') {
                    Some(("account", a)) if !a.is_empty() => scope.account = Some(a.to_string()),
                    Some(("region", r)) if !r.is_empty() => scope.region = Some(r.to_string()),
                    _ => {}
                }
            }
            match xvpc_model::stack_membership::resolve(&state, stack, logical, &scope) {
                Ok(m) => {
                    resolved = m.physical_id;
                    resolved.as_str()
                }
                Err(e) => return Some(json(404, json!({ "error": e.to_string() }))),
            }
        }
        None => id,
    };
    if id.is_empty() {
        let instances: serde_json::Map<String, serde_json::Value> = state
            .instances
            .values()
            .map(|i| (i.id.clone(), json!({ "namespace": ns(&i.primary_eni), "state": i.state.name(), "private_ip": i.private_ip.to_string() })))
            .collect();
        let last = worker.last_report().map(|r| json!({ "millis": r.millis as u64, "errors": r.errors }));
        return Some(json(200, json!({ "prefix": prefix, "settled": settled, "instances": instances, "last_reconcile": last, "bandwidth": bandwidth_json(worker.bandwidth()) })));
    }
    if let Some(i) = state.instances.get(id) {
        let environment: serde_json::Map<String, serde_json::Value> =
            xvpc_netns::instance_environment::variables(&i.owner, &i.region, worker.run_dir()).into_iter().map(|(k, v)| (k.to_string(), v.into())).collect();
        let body = json!({
            "instance_id": i.id, "eni_id": i.primary_eni, "namespace": ns(&i.primary_eni),
            "state": i.state.name(), "private_ip": i.private_ip.to_string(), "settled": settled,
            "environment": environment, "home": worker.run_dir().join(&i.id),
        });
        return Some(json(if i.state.is_running() { 200 } else { 409 }, body));
    }
    if let Some(e) = state.network_interfaces.get(id) {
        return Some(json(200, json!({ "eni_id": e.id, "namespace": ns(&e.id), "private_ip": e.private_ip.to_string(), "settled": settled })));
    }
    Some(json(404, json!({ "error": format!("no instance or network interface {id}") })))
}
