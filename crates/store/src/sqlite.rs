//! The SQLite store: one file in WAL mode, the default for a laptop and CI.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use xvpc_model::{Event, State};

use crate::format::{self, Body, FORMAT};
use crate::{CatchUp, Loaded, Origin, Result, Store, StoreError};

/// The SQLite store: one file in WAL mode.
pub struct SqliteStore {
    conn: Connection,
}

/// The current schema (format 2), for a new file.
const SCHEMA: &str = "
    CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        action TEXT NOT NULL,
        body TEXT NOT NULL,
        format INTEGER NOT NULL);
    CREATE TABLE snapshot (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        body TEXT NOT NULL,
        format INTEGER NOT NULL,
        seq INTEGER NOT NULL);
    CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL);
    CREATE TABLE head (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seq INTEGER NOT NULL);
    INSERT INTO head (id, seq) VALUES (1, 0);
    PRAGMA user_version = 2;";

/// Format 1 -> 2: the first format's tables (events, snapshot, meta; no
/// versions) gain a format column (their rows are format 1, read through
/// [`format::MIGRATIONS`]), the snapshot the sequence number it covers,
/// and the log its head.
const FROM_1: &str = "
    ALTER TABLE events ADD COLUMN format INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE snapshot ADD COLUMN format INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE snapshot ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE head (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL);
    INSERT INTO head (id, seq) VALUES (1, max(
        coalesce((SELECT max(seq) FROM events), 0),
        coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0)));
    UPDATE snapshot SET seq = coalesce((SELECT min(seq) FROM events) - 1, (SELECT seq FROM head));
    PRAGMA user_version = 2;";

impl SqliteStore {
    /// Opens (or creates) the database file, migrating an older format. A
    /// file of a newer format is refused before anything is written to it.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        let conn = Connection::open(path)?;
        let mut s = SqliteStore { conn };
        s.prepare_schema()?;
        // WAL with synchronous=NORMAL: a committed transaction is in the WAL
        // file before commit returns, so it survives the process being
        // killed; only an OS crash could lose the last transactions.
        s.conn.pragma_update(None, "journal_mode", "WAL")?;
        s.conn.pragma_update(None, "synchronous", "NORMAL")?;
        Ok(s)
    }

    /// An in-memory store (unit tests).
    pub fn in_memory() -> Result<SqliteStore> {
        let mut s = SqliteStore { conn: Connection::open_in_memory()? };
        s.prepare_schema()?;
        Ok(s)
    }

    /// Creates the schema in an empty file, or migrates the file's format
    /// up to [`FORMAT`], in one transaction.
    fn prepare_schema(&mut self) -> Result<()> {
        let version: u32 = self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        format::check_database(version)?;
        if version == FORMAT {
            return Ok(());
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
        let has_log: bool = tx.query_row("SELECT count(*) FROM sqlite_master WHERE name = 'events'", [], |r| r.get::<_, i64>(0))? > 0;
        match (version, has_log) {
            (0, false) => tx.execute_batch(SCHEMA)?,
            (0, true) => tx.execute_batch(FROM_1)?,
            _ => return Err(StoreError::Corrupt { seq: 0, why: format!("no schema migration from format {version}") }),
        }
        tx.commit()?;
        Ok(())
    }

    fn snapshot_row(&self) -> Result<Option<(u64, u32, String)>> {
        Ok(self
            .conn
            .query_row("SELECT seq, format, body FROM snapshot WHERE id = 1", [], |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?, r.get(2)?)))
            .optional()?)
    }

    fn entries_after(&self, seq: u64) -> Result<Vec<(u64, Vec<Event>)>> {
        let mut stmt = self.conn.prepare_cached("SELECT seq, format, body FROM events WHERE seq > ?1 ORDER BY seq")?;
        let rows = stmt.query_map(params![seq as i64], |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, u32>(1)?, r.get::<_, String>(2)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, fmt, body) = row?;
            out.push((seq, format::decode(Body::Events, fmt, &body, seq)?));
        }
        Ok(out)
    }
}

impl Store for SqliteStore {
    fn kind(&self) -> &'static str {
        "sqlite"
    }

    fn load(&mut self) -> Result<Loaded> {
        let mut state: State = match self.snapshot_row()? {
            Some((seq, fmt, body)) => format::decode(Body::Snapshot, fmt, &body, seq)?,
            None => State::default(),
        };
        for (_, events) in self.entries_after(0)? {
            events.into_iter().for_each(|e| state.apply(e));
        }
        let seq = self.head()?;
        Ok(Loaded { state, seq })
    }

    fn append(&mut self, after: u64, origin: &Origin, events: &[Event]) -> Result<u64> {
        let body = serde_json::to_string(events)?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let head = tx.query_row("SELECT seq FROM head WHERE id = 1", [], |r| r.get::<_, i64>(0))? as u64;
        if head != after {
            return Err(StoreError::Behind { applied: after, head });
        }
        let seq = head + 1;
        tx.prepare_cached("INSERT INTO events (seq, at, account, region, action, body, format) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")?
            .execute(params![seq as i64, origin.at, origin.account, origin.region, origin.action, body, FORMAT])?;
        tx.prepare_cached("UPDATE head SET seq = ?1 WHERE id = 1")?.execute(params![seq as i64])?;
        tx.commit()?;
        Ok(seq)
    }

    fn since(&mut self, seq: u64) -> Result<CatchUp> {
        if self.snapshot_row()?.is_some_and(|(s, _, _)| s > seq) {
            return Ok(CatchUp::Reload(self.load()?));
        }
        Ok(CatchUp::Events(self.entries_after(seq)?))
    }

    fn head(&mut self) -> Result<u64> {
        Ok(self.conn.query_row("SELECT seq FROM head WHERE id = 1", [], |r| r.get::<_, i64>(0))? as u64)
    }

    fn snapshot(&mut self, state: &State, seq: u64) -> Result<()> {
        let body = serde_json::to_string(state)?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let covered: Option<i64> = tx.query_row("SELECT seq FROM snapshot WHERE id = 1", [], |r| r.get(0)).optional()?;
        // A newer snapshot (another replica's reset) is never replaced.
        if covered.is_none_or(|c| (c as u64) < seq) {
            tx.execute(
                "INSERT INTO snapshot (id, body, format, seq) VALUES (1, ?1, ?2, ?3)
                 ON CONFLICT(id) DO UPDATE SET body = excluded.body, format = excluded.format, seq = excluded.seq",
                params![body, FORMAT, seq as i64],
            )?;
            tx.execute("DELETE FROM events WHERE seq <= ?1", params![seq as i64])?;
        }
        tx.commit()?;
        Ok(())
    }

    fn reset(&mut self) -> Result<u64> {
        let empty = serde_json::to_string(&State::default())?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let seq = tx.query_row("UPDATE head SET seq = seq + 1 WHERE id = 1 RETURNING seq", [], |r| r.get::<_, i64>(0))?;
        tx.execute("DELETE FROM events", [])?;
        tx.execute("DELETE FROM meta", [])?;
        tx.execute(
            "INSERT INTO snapshot (id, body, format, seq) VALUES (1, ?1, ?2, ?3)
             ON CONFLICT(id) DO UPDATE SET body = excluded.body, format = excluded.format, seq = excluded.seq",
            params![empty, FORMAT, seq],
        )?;
        tx.commit()?;
        Ok(seq as u64)
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

    fn temp_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("xvpc-store-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn sqlite_file_passes_the_suite_and_reopens() {
        let dir = temp_dir("suite");
        let path = dir.join("state.db");
        crate::suite::test_suite(&mut || Box::new(SqliteStore::open(&path).unwrap()));
        let _ = std::fs::remove_file(&path);
        let mut s = SqliteStore::open(&path).unwrap();
        let state = crate::testing::append_vpcs(&mut s, 3);
        drop(s);
        assert_eq!(SqliteStore::open(&path).unwrap().load().unwrap(), Loaded { state, seq: 3 });
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Sustained writes must not grow the WAL without bound: SQLite's
    /// automatic checkpoint (1000 pages) runs in the writer and rewinds it.
    #[test]
    fn the_wal_stays_bounded_under_sustained_writes() {
        let dir = temp_dir("wal");
        let path = dir.join("state.db");
        let mut s = SqliteStore::open(&path).unwrap();
        let state = crate::testing::append_vpcs(&mut s, 1000);
        let db = std::fs::metadata(&path).unwrap().len();
        let wal = std::fs::metadata(dir.join("state.db-wal")).map(|m| m.len()).unwrap_or(0);
        assert!(db > 1_000_000, "checkpoints moved the log into the database ({db} bytes)");
        assert!(wal < 5 << 20, "WAL is {wal} bytes");
        drop(s);
        assert_eq!(SqliteStore::open(&path).unwrap().load().unwrap().state, state);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A database of a newer format is refused with a clear message, and
    /// its file is left byte for byte as it was.
    #[test]
    fn a_newer_file_is_refused_and_left_untouched() {
        let dir = temp_dir("newer");
        let path = dir.join("state.db");
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch("CREATE TABLE events (seq INTEGER PRIMARY KEY, body TEXT); PRAGMA user_version = 99;").unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        let err = SqliteStore::open(&path).err().expect("refused");
        assert!(matches!(err, StoreError::TooNew { found: 99, supported: FORMAT }), "{err}");
        assert!(err.to_string().contains("newer xvpc"));
        assert_eq!(std::fs::read(&path).unwrap(), before, "nothing overwritten");
        assert!(!dir.join("state.db-wal").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A record of a newer format inside a current database (a newer
    /// replica wrote it) stops loading instead of being read wrongly.
    #[test]
    fn a_newer_record_is_refused() {
        let mut s = SqliteStore::in_memory().unwrap();
        crate::testing::append_vpcs(&mut s, 1);
        s.conn.execute("UPDATE events SET format = ?1", params![FORMAT + 1]).unwrap();
        assert!(matches!(s.load(), Err(StoreError::TooNew { .. })));
    }
}
