//! # xvpc-store: the durable event log
//!
//! The model's state is rebuilt at start by replaying what was persisted:
//! the latest snapshot, then every command's events logged after it. Each
//! mutating API call appends its events in one transaction *before* they
//! are applied and acknowledged, so an acknowledged write survives
//! `kill -9`. The log is also the audit trail (who did what, when).
//!
//! Every logged command has a number in one global sequence. A replica
//! appends only if it has applied everything before (`append(after, ..)`
//! fails with [`StoreError::Behind`] otherwise): then it catches up
//! ([`Store::since`]) and re-validates the command against the newer state.
//! With one process this never happens; with several `xvpc serve` on one
//! PostgreSQL database it is what keeps two replicas from both accepting
//! one peering connection or both allocating one address.
//!
//! Records carry their format version ([`format`]); older ones are read
//! through explicit migrations, newer ones are refused.
//!
//! Backends: [`SqliteStore`] (the embedded default: one file, WAL mode) and
//! [`PgStore`] (PostgreSQL, shared by replicas). One suite
//! ([`suite::test_suite`]) runs against both.

pub mod format;
mod postgres;
mod sqlite;
#[cfg(any(test, feature = "testing"))]
pub mod suite;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

use thiserror::Error;
use xvpc_model::{Event, State};

pub use postgres::{PgStore, PgWatcher};
pub use sqlite::SqliteStore;

/// Errors of the storage layer.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("postgres: {0}")]
    Postgres(String),
    /// The database cannot be reached: nothing was written; retry later.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    #[error("corrupt record {seq}: {why}")]
    Corrupt { seq: u64, why: String },
    /// Written by a newer xvpc: refused, and nothing was overwritten.
    #[error("the stored state is in format {found}, written by a newer xvpc; this xvpc reads formats up to {supported}. Upgrade xvpc (or use another data directory or database); nothing was changed")]
    TooNew { found: u32, supported: u32 },
    /// Another replica appended first: catch up and re-validate.
    #[error("the log moved on to {head}; this replica has applied only {applied}")]
    Behind { applied: u64, head: u64 },
    #[error("encoding: {0}")]
    Encoding(#[from] serde_json::Error),
    /// A store specification or setting xvpc cannot use.
    #[error("{0}")]
    Config(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Who caused a batch of events (kept in the log for auditing).
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub account: String,
    pub region: String,
    pub action: String,
    pub at: i64,
}

/// A state and the sequence number of the last command it includes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Loaded {
    pub state: State,
    pub seq: u64,
}

/// What a replica behind the log must do to catch up.
#[derive(Debug, Clone, PartialEq)]
pub enum CatchUp {
    /// Apply these commands' events, in order (empty: up to date).
    Events(Vec<(u64, Vec<Event>)>),
    /// The log was compacted or reset past this replica: start over from
    /// this state.
    Reload(Loaded),
}

/// The action name of a log entry that only says "server settings (the
/// clock) changed": followers re-read them.
pub const SETTINGS_CHANGED: &str = "xvpc:settings";

/// A durable home for the model's events.
pub trait Store: Send {
    /// `sqlite` or `postgres` (health endpoint, banner).
    fn kind(&self) -> &'static str;
    /// Rebuilds the state: snapshot plus the events after it.
    fn load(&mut self) -> Result<Loaded>;
    /// Appends one command's events atomically and durably, if the log's
    /// last entry is `after`; returns the entry's sequence number, or
    /// [`StoreError::Behind`] when another writer came first. Empty
    /// `events` log a settings change ([`SETTINGS_CHANGED`]).
    fn append(&mut self, after: u64, origin: &Origin, events: &[Event]) -> Result<u64>;
    /// What was logged after `seq`.
    fn since(&mut self, seq: u64) -> Result<CatchUp>;
    /// The sequence number of the log's last entry.
    fn head(&mut self) -> Result<u64>;
    /// Stores `state` (which includes every entry up to `seq`) as the
    /// snapshot and drops the entries it covers (compaction).
    fn snapshot(&mut self, state: &State, seq: u64) -> Result<()>;
    /// Wipes every resource and setting (test suites' reset); the empty
    /// state gets a new sequence number, so every replica sees the reset.
    /// Returns it.
    fn reset(&mut self) -> Result<u64>;
    /// A small key/value area for server settings such as the clock offset.
    fn get_meta(&mut self, key: &str) -> Result<Option<String>>;
    fn set_meta(&mut self, key: &str, value: &str) -> Result<()>;
    /// Number of entries after the latest snapshot.
    fn log_len(&mut self) -> Result<u64>;
    /// Whether other processes may append to this log (replicas).
    fn shared(&self) -> bool {
        false
    }
    /// A way to wait for other replicas' appends, if others can exist.
    fn watcher(&self) -> Option<Box<dyn Watcher>> {
        None
    }
}

/// Wakes a replica when another one appended (PostgreSQL LISTEN/NOTIFY).
pub trait Watcher: Send {
    /// Blocks until a notification or `timeout`; true if notified. Errors
    /// (a lost connection) count as a timeout: the caller polls anyway.
    fn wait(&mut self, timeout: std::time::Duration) -> bool;
}

/// Opens a store from `serve --store`'s value: `sqlite` (the file in
/// `data_dir`) or a `postgres://` URL.
pub fn open(spec: &str, data_dir: &std::path::Path) -> Result<Box<dyn Store>> {
    if spec.starts_with("postgres://") || spec.starts_with("postgresql://") {
        return Ok(Box::new(PgStore::connect(spec)?));
    }
    if spec == "sqlite" {
        return Ok(Box::new(SqliteStore::open(&data_dir.join("xvpc.db"))?));
    }
    Err(StoreError::Config(format!("unknown store {spec:?}: expected sqlite or postgres://user@host/db")))
}
