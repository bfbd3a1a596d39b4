//! # xvpc-api: the services, as thin glue
//!
//! For each request: find the service and region in the SigV4 credential
//! scope, the caller in the access key ([`identity`]), decode the protocol
//! ([`xvpc_wire`]), run a model command, persist its events, apply them, and
//! encode the answer. One module per service, and inside EC2 one file per
//! resource family.
//!
//! All state sits behind one mutex: commands are short, and a single
//! writer keeps the log order equal to the apply order.
//!
//! Several replicas may share one store ([`replica`]): each commit is
//! ordered through the store's global sequence, a replica that finds it
//! is behind catches up and runs the request again against the newer
//! state, and a follower thread applies the others' commands.

pub mod access_keys;
pub mod call;
pub mod cloudformation;
pub mod ec2;
pub mod elasticache;
pub mod elbv2;
pub mod errors;
pub mod flow_log_records;
pub mod iam;
pub mod identity;
pub mod logs;
pub mod ssm;
pub mod ops;
pub mod organizations;
pub mod ram;
pub mod rds;
pub mod reachability;
pub mod replica;
pub mod redshift;
#[cfg(test)]
pub mod shape_coverage;
pub mod snapshot;
pub mod sts;
pub mod subnet_groups;

use std::sync::{Arc, Mutex, MutexGuard};

use xvpc_model::State;
use xvpc_store::Store;
use xvpc_wire::{HttpRequest, HttpResponse};

pub use call::Call;
pub use identity::Identity;

/// Server settings that shape request handling.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub identity: Identity,
    /// Refuse requests whose SigV4 signature does not verify.
    pub verify_signatures: bool,
    /// Accept only registered keys (stored, from the credentials file, or
    /// issued by STS): what a server shared over the network needs, where
    /// a 12-digit key must not act as any account it names.
    pub registered_keys_only: bool,
    /// At start, a log longer than this many commands is compacted into a
    /// snapshot, so restarts stay fast. `None`: [`COMPACT_AFTER`].
    pub compact_after: Option<u64>,
    /// `serve --no-default-vpc`: accounts start without a default VPC
    /// (AWS gives every account one in every Region).
    pub no_default_vpc: bool,
    /// `serve --strict-iam`: STS AssumeRole of a role that does not exist
    /// is refused (`AccessDenied`), as in AWS; by default it succeeds.
    pub strict_iam: bool,
}

/// The settings key of the clock offset (milliseconds).
pub const CLOCK_KEY: &str = "clock_offset_ms";

/// The default compaction threshold (logged commands since the snapshot).
pub const COMPACT_AFTER: u64 = 10_000;

/// The clock: real time plus an offset tests can move (`POST /_xvpc/clock`).
#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: std::sync::atomic::AtomicI64,
}

impl Clock {
    /// Milliseconds since the Unix epoch, as the emulated world sees them.
    pub fn now(&self) -> i64 {
        let real = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        real + self.offset_ms.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub fn offset(&self) -> i64 {
        self.offset_ms.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub fn set_offset(&self, ms: i64) {
        self.offset_ms.store(ms, std::sync::atomic::Ordering::SeqCst);
    }
}

/// The mutable heart of the server: the model and its durable log.
pub struct World {
    pub state: State,
    pub store: Box<dyn Store>,
    /// The sequence number of the last logged command in `state`.
    pub seq: u64,
    /// When `state` was last known to be as new as the log.
    pub synced_at: std::time::Instant,
}

/// The application: everything a request handler needs.
pub struct App {
    world: Mutex<World>,
    pub clock: Clock,
    pub config: Config,
    /// Called after every committed change with the new state (data plane,
    /// console live updates). Kept outside the model: it is I/O.
    observers: Mutex<Vec<Arc<dyn Fn(&State) + Send + Sync>>>,
    /// Extra operator endpoints registered by the binary (the data plane's
    /// `/_xvpc/netns/...`), tried before the built-in ones.
    ops_extensions: Mutex<Vec<OpsExtension>>,
    /// Bumped on every committed change, reset and clock move, so the
    /// console can poll one number (`GET /_xvpc/version`) to know when to redraw.
    version: std::sync::atomic::AtomicU64,
    /// Flow log records delivered so far (not stored state: AWS keeps them
    /// in the destination).
    flow_records: Mutex<flow_log_records::FlowRecords>,
}

/// An operator endpoint handler: answers a request, or `None` to pass.
pub type OpsExtension = Arc<dyn Fn(&App, &HttpRequest) -> Option<HttpResponse> + Send + Sync>;

impl App {
    /// Loads the state from `store` and restores the clock offset.
    pub fn new(mut store: Box<dyn Store>, config: Config) -> Result<App, xvpc_store::StoreError> {
        let xvpc_store::Loaded { state, seq } = store.load()?;
        let clock = Clock::default();
        if let Some(off) = store.get_meta(CLOCK_KEY)? {
            clock.set_offset(off.parse().unwrap_or(0));
        }
        // Compact a long log at start so restarts stay fast.
        if store.log_len()? > config.compact_after.unwrap_or(COMPACT_AFTER) {
            store.snapshot(&state, seq)?;
        }
        let world = World { state, store, seq, synced_at: std::time::Instant::now() };
        Ok(App { world: Mutex::new(world), clock, config, observers: Mutex::new(Vec::new()), ops_extensions: Mutex::new(Vec::new()), version: Default::default(), flow_records: Default::default() })
    }

    /// Locks the world. A poisoned lock (a panicking handler) still holds a
    /// consistent state, because state only changes by applying events after
    /// they were persisted.
    pub fn world(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A copy of the current state (for read-only analyses).
    pub fn snapshot(&self) -> State {
        self.world().state.clone()
    }

    /// The flow log records delivered so far.
    pub(crate) fn flow_records(&self) -> MutexGuard<'_, flow_log_records::FlowRecords> {
        self.flow_records.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The recorded session of an STS temporary key, if any.
    pub fn session(&self, access_key: &str) -> Option<identity::Session> {
        let value = self.world().store.get_meta(&identity::Session::meta_key(access_key)).ok()??;
        serde_json::from_str(&value).ok()
    }

    /// Registers a callback run after each committed change.
    pub fn observe(&self, f: Arc<dyn Fn(&State) + Send + Sync>) {
        self.observers.lock().unwrap_or_else(|p| p.into_inner()).push(f);
    }

    /// Registers an operator endpoint handler (see [`OpsExtension`]).
    pub fn add_ops(&self, f: OpsExtension) {
        self.ops_extensions.lock().unwrap_or_else(|p| p.into_inner()).push(f);
    }

    pub(crate) fn ops_extensions(&self) -> Vec<OpsExtension> {
        self.ops_extensions.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The change counter (see [`App::notify`]); starts at 0 with each process.
    pub fn version(&self) -> u64 {
        self.version.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub(crate) fn notify(&self, state: &State) {
        self.version.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let obs = self.observers.lock().unwrap_or_else(|p| p.into_inner()).clone();
        for f in obs {
            f(state);
        }
    }

    /// Handles one HTTP request end to end.
    pub fn handle(&self, req: HttpRequest) -> HttpResponse {
        let request_id = new_request_id();
        // Health reports the lag as the follower left it.
        if req.path != ops::HEALTH {
            self.sync_before_request();
        }
        if let Some(resp) = ops::handle(self, &req, &request_id) {
            return resp;
        }
        call::dispatch(self, req, &request_id)
    }
}

/// A request id of AWS's form (a UUID).
pub fn new_request_id() -> String {
    let h = xvpc_model::ids::random_hex(32);
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

#[cfg(test)]
mod tests {
    use super::*;
    use xvpc_store::SqliteStore;

    #[test]
    fn filter_and_response_timestamps_are_the_same_form() {
        // The model formats filter values, wire formats responses; a filter
        // on a time must match what the Describe call showed.
        for ms in [0, 1, 999, 1_795_765_219_000, 1_795_765_219_123, 4_102_444_799_999] {
            assert_eq!(xvpc_model::peering::iso8601(ms), xvpc_wire::Timestamp(ms).iso8601(), "{ms}");
        }
    }

    /// Appends `commands` CreateVpc commands (5 per account, AWS's quota)
    /// to a fresh store file; returns the path and the state they build.
    fn filled_store(name: &str, commands: usize) -> (std::path::PathBuf, State) {
        let dir = std::env::temp_dir().join(format!("xvpc-api-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("xvpc.db");
        let state = xvpc_store::testing::append_vpcs(&mut SqliteStore::open(&path).unwrap(), commands);
        (path, state)
    }

    #[test]
    fn a_long_log_is_compacted_at_start_and_nothing_is_lost() {
        let (path, state) = filled_store("compact", 301);
        let mut store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.log_len().unwrap(), 301);
        store.set_meta(CLOCK_KEY, "7000").unwrap();
        let config = Config { compact_after: Some(300), ..Config::default() };
        let app = App::new(Box::new(store), config).unwrap();
        assert_eq!(app.snapshot(), state);
        assert_eq!(app.clock.offset(), 7000);
        drop(app);
        let mut reopened = SqliteStore::open(&path).unwrap();
        assert_eq!(reopened.log_len().unwrap(), 0, "compacted into a snapshot");
        assert_eq!(reopened.load().unwrap().state, state);
        // A log at the threshold is left alone, and the default is 10,000.
        let (short, _) = filled_store("short", 300);
        drop(App::new(Box::new(SqliteStore::open(&short).unwrap()), Config { compact_after: Some(300), ..Config::default() }).unwrap());
        assert_eq!(SqliteStore::open(&short).unwrap().log_len().unwrap(), 300);
        assert_eq!(COMPACT_AFTER, 10_000);
        for p in [path, short] {
            let _ = std::fs::remove_dir_all(p.parent().unwrap());
        }
    }

    /// Start-up time with a long log; run with
    /// `XVPC_STARTUP_EVENTS=100000 cargo test --release -p xvpc-api startup_time -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn startup_time_with_a_long_log() {
        let n = std::env::var("XVPC_STARTUP_EVENTS").ok().and_then(|s| s.parse().ok()).unwrap_or(100_000);
        let (path, state) = filled_store("startup", n);
        let t = std::time::Instant::now();
        let app = App::new(Box::new(SqliteStore::open(&path).unwrap()), Config::default()).unwrap();
        let first = t.elapsed();
        assert_eq!(app.snapshot(), state);
        drop(app);
        let t = std::time::Instant::now();
        drop(App::new(Box::new(SqliteStore::open(&path).unwrap()), Config::default()).unwrap());
        println!("{n} logged commands: first start (replay + compaction) {first:?}, next start (snapshot) {:?}", t.elapsed());
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }
}
