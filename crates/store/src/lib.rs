//! # xvpc-store: the durable event log
//!
//! The model's state is rebuilt at start by replaying what was persisted:
//! the latest snapshot, then every event appended after it. Each mutating
//! API call appends its events in one transaction *before* they are applied
//! and acknowledged, so an acknowledged write survives `kill -9`. The log is
//! also the audit trail (who did what, when).
//!
//! [`Store`] is the seam for other backends (PostgreSQL is planned);
//! [`SqliteStore`] is the embedded default: one file, WAL mode.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};
use thiserror::Error;
use xvpc_model::{Event, State};

/// Errors of the storage layer.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("corrupt record {seq}: {why}")]
    Corrupt { seq: i64, why: String },
    #[error("encoding: {0}")]
    Encoding(#[from] serde_json::Error),
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

/// A durable home for the model's events.
pub trait Store: Send {
    /// Rebuilds the state: snapshot plus the events after it.
    fn load(&mut self) -> Result<State>;
    /// Appends one command's events atomically and durably.
    fn append(&mut self, origin: &Origin, events: &[Event]) -> Result<()>;
    /// Replaces the log with a snapshot of `state` (compaction).
    fn snapshot(&mut self, state: &State) -> Result<()>;
    /// Wipes everything (test suites' reset).
    fn reset(&mut self) -> Result<()>;
    /// A small key/value area for server settings such as the clock offset.
    fn get_meta(&mut self, key: &str) -> Result<Option<String>>;
    fn set_meta(&mut self, key: &str, value: &str) -> Result<()>;
    /// Number of events after the latest snapshot.
    fn log_len(&mut self) -> Result<u64>;
}

#[cfg(any(test, feature = "testing"))]
pub mod testing;

/// The SQLite store: one file in WAL mode.
pub struct SqliteStore {
    conn: Connection,
}

impl SqliteStore {
    /// Opens (or creates) the database file.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        let conn = Connection::open(path)?;
        // WAL with synchronous=NORMAL: a committed transaction is in the WAL
        // file before commit returns, so it survives the process being
        // killed; only an OS crash could lose the last transactions.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS events (
                 seq INTEGER PRIMARY KEY AUTOINCREMENT,
                 at INTEGER NOT NULL,
                 account TEXT NOT NULL,
                 region TEXT NOT NULL,
                 action TEXT NOT NULL,
                 body TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS snapshot (
                 id INTEGER PRIMARY KEY CHECK (id = 1),
                 body TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS meta (
                 key TEXT PRIMARY KEY,
                 value TEXT NOT NULL);",
        )?;
        Ok(SqliteStore { conn })
    }

    /// An in-memory store (unit tests).
    pub fn in_memory() -> Result<SqliteStore> {
        let conn = Connection::open_in_memory()?;
        let mut s = SqliteStore { conn };
        s.conn.execute_batch(
            "CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, account TEXT NOT NULL, region TEXT NOT NULL, action TEXT NOT NULL, body TEXT NOT NULL);
             CREATE TABLE snapshot (id INTEGER PRIMARY KEY CHECK (id = 1), body TEXT NOT NULL);
             CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
        )?;
        s.log_len()?;
        Ok(s)
    }
}

impl Store for SqliteStore {
    fn load(&mut self) -> Result<State> {
        let mut state: State = match self
            .conn
            .query_row("SELECT body FROM snapshot WHERE id = 1", [], |r| r.get::<_, String>(0))
            .optional()?
        {
            Some(body) => serde_json::from_str(&body).map_err(|e| StoreError::Corrupt { seq: 0, why: e.to_string() })?,
            None => State::default(),
        };
        let mut stmt = self.conn.prepare("SELECT seq, body FROM events ORDER BY seq")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (seq, body) = row?;
            let events: Vec<Event> = serde_json::from_str(&body).map_err(|e| StoreError::Corrupt { seq, why: e.to_string() })?;
            for e in events {
                state.apply(e);
            }
        }
        Ok(state)
    }

    fn append(&mut self, origin: &Origin, events: &[Event]) -> Result<()> {
        let body = serde_json::to_string(events)?;
        let mut stmt = self
            .conn
            .prepare_cached("INSERT INTO events (at, account, region, action, body) VALUES (?1, ?2, ?3, ?4, ?5)")?;
        stmt.execute(params![origin.at, origin.account, origin.region, origin.action, body])?;
        Ok(())
    }

    fn snapshot(&mut self, state: &State) -> Result<()> {
        let body = serde_json::to_string(state)?;
        let tx = self.conn.transaction()?;
        tx.execute("INSERT INTO snapshot (id, body) VALUES (1, ?1) ON CONFLICT(id) DO UPDATE SET body = excluded.body", params![body])?;
        tx.execute("DELETE FROM events", [])?;
        tx.commit()?;
        Ok(())
    }

    fn reset(&mut self) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM events", [])?;
        tx.execute("DELETE FROM snapshot", [])?;
        tx.execute("DELETE FROM meta", [])?;
        tx.commit()?;
        Ok(())
    }

    fn get_meta(&mut self, key: &str) -> Result<Option<String>> {
        Ok(self.conn.query_row("SELECT value FROM meta WHERE key = ?1", params![key], |r| r.get(0)).optional()?)
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    fn log_len(&mut self) -> Result<u64> {
        Ok(self.conn.query_row("SELECT COUNT(*) FROM events", [], |r| r.get::<_, i64>(0))? as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xvpc_model::vpc::{create_vpc, CreateVpc};
    use xvpc_model::Ctx;

    /// The conformance suite every backend must pass.
    pub fn conformance(store: &mut dyn Store) {
        assert_eq!(store.load().unwrap(), State::default());
        let ctx = Ctx::new("111111111111", "us-east-1", 1);
        let mut live = State::default();
        for i in 0..3 {
            let (ch, _) = create_vpc(&live, &ctx, CreateVpc { cidr: format!("10.{i}.0.0/16"), ..Default::default() }).unwrap();
            store.append(&Origin::default(), &ch.events).unwrap();
            ch.events.into_iter().for_each(|e| live.apply(e));
        }
        assert_eq!(store.load().unwrap(), live);
        store.snapshot(&live).unwrap();
        assert_eq!(store.log_len().unwrap(), 0);
        assert_eq!(store.load().unwrap(), live);
        store.set_meta("clock", "5").unwrap();
        assert_eq!(store.get_meta("clock").unwrap().as_deref(), Some("5"));
        store.reset().unwrap();
        assert_eq!(store.load().unwrap(), State::default());
    }

    #[test]
    fn sqlite_memory_conforms() {
        conformance(&mut SqliteStore::in_memory().unwrap());
    }

    #[test]
    fn sqlite_file_conforms_and_reopens() {
        let dir = std::env::temp_dir().join(format!("xvpc-store-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.db");
        let _ = std::fs::remove_file(&path);
        conformance(&mut SqliteStore::open(&path).unwrap());
        {
            let mut s = SqliteStore::open(&path).unwrap();
            let ctx = Ctx::new("111111111111", "us-east-1", 1);
            let (ch, id) = create_vpc(&State::default(), &ctx, CreateVpc { cidr: "10.9.0.0/16".into(), ..Default::default() }).unwrap();
            s.append(&Origin::default(), &ch.events).unwrap();
            drop(s);
            let mut again = SqliteStore::open(&path).unwrap();
            assert!(again.load().unwrap().vpcs.contains_key(&id));
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Sustained writes must not grow the WAL without bound: SQLite's
    /// automatic checkpoint (1000 pages) runs in the writer and rewinds it.
    #[test]
    fn the_wal_stays_bounded_under_sustained_writes() {
        let dir = std::env::temp_dir().join(format!("xvpc-store-wal-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.db");
        let mut s = SqliteStore::open(&path).unwrap();
        let state = crate::testing::append_vpcs(&mut s, 1000);
        let db = std::fs::metadata(&path).unwrap().len();
        let wal = std::fs::metadata(dir.join("state.db-wal")).map(|m| m.len()).unwrap_or(0);
        assert!(db > 1_000_000, "checkpoints moved the log into the database ({db} bytes)");
        assert!(wal < 5 << 20, "WAL is {wal} bytes");
        drop(s);
        assert_eq!(SqliteStore::open(&path).unwrap().load().unwrap(), state);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
