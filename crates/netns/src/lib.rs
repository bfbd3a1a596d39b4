//! # xvpc-netns: real packets on Linux
//!
//! Realizes a model [`State`] as network namespaces, veths, policy routing
//! and nftables, and keeps it in line as the model changes. Nothing is
//! created in the host's own namespace and no traffic leaves the machine:
//! every namespace is named `xv<4 hex>-<model id>` and holds only veths to
//! other xvpc namespaces.
//!
//! - [`topology`] computes the desired shape from a snapshot (pure).
//! - [`firewall`] renders security groups and NACLs as nftables.
//! - [`dns`] computes what each VPC's Amazon DNS server (base + 2) answers;
//!   the data plane serves it from one thread inside the routers.
//! - [`Dataplane`] (Linux) applies the difference: `ip -batch`, one atomic
//!   `nft -f` transaction per router change.
//! - [`gateway_endpoint`] and [`aws_service_host`] (Linux): AWS services
//!   behind gateway and interface endpoints, the latter forwarding to xvpc
//!   itself; [`instance_environment`]: what an instance's processes get.
//! - [`Worker`] runs reconciliations on a background thread, coalescing
//!   bursts of changes into one pass over the latest snapshot.
//!
//! Requires root, or CAP_NET_ADMIN + CAP_SYS_ADMIN, plus `ip` and `nft`.
//! Elsewhere (macOS, unprivileged containers) [`Dataplane::start`] fails with
//! an explanation and the server stays model-only.

pub mod bandwidth;
pub mod dns;
pub mod dns_message;
pub mod firewall;
pub mod flow_log;
pub mod gateway_endpoint;
pub mod guest_files;
pub mod instance_environment;
pub mod internet_gateway;
pub mod names;
pub mod nat_gateway;
pub mod peering;
pub mod privatelink;
pub mod topology;
pub mod transit_gateway;

#[cfg(target_os = "linux")]
pub mod aws_service_host;
#[cfg(target_os = "linux")]
mod guest;
#[cfg(target_os = "linux")]
mod netlink;
#[cfg(target_os = "linux")]
mod reconcile;
#[cfg(target_os = "linux")]
pub mod resolver;
#[cfg(target_os = "linux")]
pub mod system;
#[cfg(target_os = "linux")]
pub mod throughput;

use std::sync::{Arc, Condvar, Mutex};

#[cfg(target_os = "linux")]
pub use reconcile::Dataplane;
use xvpc_model::State;

/// A data plane failure.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The data plane cannot run here; the text says what to do.
    #[error("the netns data plane is unavailable:\n{0}")]
    Unavailable(String),
    #[error("{what}: {detail}")]
    Command { what: String, detail: String },
}

/// What one reconciliation did.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub created_namespaces: usize,
    pub deleted_namespaces: usize,
    pub configured_enis: usize,
    pub routers_changed: usize,
    pub firewalls_changed: usize,
    pub started_guests: usize,
    pub stopped_guests: usize,
    pub errors: Vec<String>,
    pub millis: u128,
    /// Milliseconds spent per phase, in order.
    pub phases: Vec<(&'static str, u128)>,
}

/// Stand-in on systems without network namespaces.
#[cfg(not(target_os = "linux"))]
pub struct Dataplane;

#[cfg(not(target_os = "linux"))]
impl Dataplane {
    pub fn start() -> Result<Dataplane, Error> {
        Err(Error::Unavailable("network namespaces exist only on Linux; use the default model-only data plane".into()))
    }
    pub fn prefix(&self) -> &str {
        ""
    }
    pub fn namespace_of(&self, id: &str) -> String {
        id.to_string()
    }
    pub fn reconcile(&mut self, _state: &State) -> Report {
        Report::default()
    }
    pub fn teardown(&mut self) -> Result<(), Error> {
        Ok(())
    }
    pub fn set_bandwidth(&mut self, _bandwidth: Option<bandwidth::Bandwidth>) {}
    pub fn bandwidth(&self) -> Option<bandwidth::Bandwidth> {
        None
    }
    pub fn run_dir(&self) -> &std::path::Path {
        std::path::Path::new("")
    }
    pub fn api_handle(&self) -> Arc<Mutex<Option<std::net::SocketAddr>>> {
        Arc::default()
    }
    pub fn read_flows(&mut self) {}
    pub fn flows_due(&mut self) -> Vec<(String, flow_log::Flow)> {
        Vec::new()
    }
}

/// Receives flows whose flow log records are due, each with the ENI that
/// saw it.
pub type FlowSink = Arc<dyn Fn(Vec<(String, flow_log::Flow)>) + Send + Sync>;

#[derive(Default)]
struct Pending {
    latest: Option<State>,
    stop: bool,
    busy: bool,
    generation: u64,
    done: u64,
    last: Option<Report>,
    flows: Option<FlowSink>,
}

/// A background thread that realizes the latest submitted snapshot. Bursts
/// of submissions while it works collapse into one pass.
pub struct Worker {
    shared: Arc<(Mutex<Pending>, Condvar)>,
    thread: Mutex<Option<std::thread::JoinHandle<Dataplane>>>,
    prefix: String,
    bandwidth: Option<bandwidth::Bandwidth>,
    run_dir: std::path::PathBuf,
    api: Arc<Mutex<Option<std::net::SocketAddr>>>,
}

impl Worker {
    /// Takes ownership of the data plane and starts the thread.
    pub fn spawn(mut dp: Dataplane) -> Worker {
        let shared: Arc<(Mutex<Pending>, Condvar)> = Arc::default();
        let prefix = dp.prefix().to_string();
        let bandwidth = dp.bandwidth();
        let run_dir = dp.run_dir().to_path_buf();
        let api = dp.api_handle();
        let s = shared.clone();
        let thread = std::thread::Builder::new()
            .name("xvpc-netns".into())
            .spawn(move || {
                let (lock, cv) = &*s;
                let mut polled = std::time::Instant::now();
                loop {
                    let (state, generation, sink) = {
                        let mut p = lock.lock().unwrap_or_else(|e| e.into_inner());
                        // With flow logs to feed, wake up every poll even
                        // when nothing changes.
                        while p.latest.is_none() && !p.stop {
                            if p.flows.is_none() {
                                p = cv.wait(p).unwrap_or_else(|e| e.into_inner());
                                continue;
                            }
                            let left = flow_log::POLL.saturating_sub(polled.elapsed());
                            if left.is_zero() {
                                break;
                            }
                            p = cv.wait_timeout(p, left).unwrap_or_else(|e| e.into_inner()).0;
                        }
                        if p.stop {
                            return dp;
                        }
                        let latest = p.latest.take();
                        p.busy = latest.is_some();
                        (latest, p.generation, p.flows.clone())
                    };
                    if let Some(state) = state {
                        let report = dp.reconcile(&state);
                        tracing::info!("data plane reconciled in {} ms: {report:?}", report.millis);
                        let mut p = lock.lock().unwrap_or_else(|e| e.into_inner());
                        p.last = Some(report);
                        p.busy = false;
                        p.done = generation;
                        cv.notify_all();
                    }
                    if let Some(sink) = sink.filter(|_| polled.elapsed() >= flow_log::POLL) {
                        polled = std::time::Instant::now();
                        dp.read_flows();
                        let due = dp.flows_due();
                        if !due.is_empty() {
                            sink(due);
                        }
                    }
                }
            })
            .expect("spawning the data plane thread");
        Worker { shared, thread: Mutex::new(Some(thread)), prefix, bandwidth, run_dir, api }
    }

    /// The run prefix of the data plane's namespaces.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The throughput limits the data plane emulates, if any.
    pub fn bandwidth(&self) -> Option<bandwidth::Bandwidth> {
        self.bandwidth
    }

    /// The run's directory (see [`instance_environment`]).
    pub fn run_dir(&self) -> &std::path::Path {
        &self.run_dir
    }

    /// Tells interface endpoints to AWS APIs where xvpc listens for them
    /// (its listener for guests; an unspecified address is reached at the
    /// loopback address).
    pub fn set_api_address(&self, mut addr: std::net::SocketAddr) {
        if addr.ip().is_unspecified() {
            addr.set_ip(if addr.is_ipv4() { std::net::Ipv4Addr::LOCALHOST.into() } else { std::net::Ipv6Addr::LOCALHOST.into() });
        }
        *self.api.lock().unwrap_or_else(|e| e.into_inner()) = Some(addr);
    }

    /// Schedules realization of `state` (replacing any not yet started).
    pub fn submit(&self, state: State) {
        let (lock, cv) = &*self.shared;
        let mut p = lock.lock().unwrap_or_else(|e| e.into_inner());
        p.latest = Some(state);
        p.generation += 1;
        cv.notify_all();
    }

    /// Hands the flows that packets make at flow-logged interfaces to
    /// `sink`, every [`flow_log::POLL`] (on the data plane's thread).
    pub fn on_flows(&self, sink: FlowSink) {
        let (lock, cv) = &*self.shared;
        lock.lock().unwrap_or_else(|e| e.into_inner()).flows = Some(sink);
        cv.notify_all();
    }

    /// What the last reconciliation did.
    pub fn last_report(&self) -> Option<Report> {
        self.shared.0.lock().unwrap_or_else(|e| e.into_inner()).last.clone()
    }

    /// Waits until everything submitted so far is realized (or `timeout`).
    pub fn settle(&self, timeout: std::time::Duration) -> bool {
        let (lock, cv) = &*self.shared;
        let deadline = std::time::Instant::now() + timeout;
        let mut p = lock.lock().unwrap_or_else(|e| e.into_inner());
        while p.done < p.generation {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return false;
            }
            p = cv.wait_timeout(p, left).unwrap_or_else(|e| e.into_inner()).0;
        }
        true
    }

    /// Stops the thread (after its current pass) and removes everything built.
    pub fn shutdown(&self) -> Result<(), Error> {
        {
            let (lock, cv) = &*self.shared;
            let mut p = lock.lock().unwrap_or_else(|e| e.into_inner());
            p.stop = true;
            p.latest = None;
            cv.notify_all();
        }
        let thread = self.thread.lock().unwrap_or_else(|e| e.into_inner()).take();
        match thread.map(|t| t.join()) {
            Some(Ok(mut dp)) => dp.teardown(),
            _ => Ok(()),
        }
    }
}
