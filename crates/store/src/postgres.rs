//! The PostgreSQL store: one database shared by any number of replicas.
//!
//! The log's head is one row (`xvpc_head`). An append is a single
//! statement that advances it only if it still equals the replica's
//! applied sequence number, inserts the entry with the new number and
//! notifies the other replicas (`NOTIFY xvpc_log`, delivered at commit).
//! Concurrent appends queue on the head row's lock; the loser finds the
//! head moved and gets [`StoreError::Behind`]. The statement commits
//! (synchronous_commit, as PostgreSQL defaults) before its answer arrives,
//! so a write is acknowledged only once durable.
//!
//! The driver is tokio-postgres. The [`Store`] trait is synchronous (the
//! api holds the world's mutex while it commits), so each store runs its
//! connection on a one-thread runtime of its own and waits for answers on
//! a channel: that works from any thread, inside another runtime or not.
//! A lost connection makes calls fail with [`StoreError::Unavailable`] and
//! the next call reconnects.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use tokio_postgres::{AsyncMessage, Client, Config, NoTls, Statement};
use xvpc_model::{Event, State};

use crate::format::{self, Body, FORMAT};
use crate::{CatchUp, Loaded, Origin, Result, Store, StoreError, Watcher};

/// The notification channel replicas listen on.
const CHANNEL: &str = "xvpc_log";
/// How long a connection attempt may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// After a failed attempt, calls fail at once for this long instead of
/// each waiting for a database that is down.
const RETRY_AFTER: Duration = Duration::from_millis(250);
/// A lock id for schema creation, so replicas starting together create it once.
const SCHEMA_LOCK: i64 = 0x7876_7063;

const SCHEMA: &str = "
    CREATE TABLE xvpc_head (id INT PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL);
    INSERT INTO xvpc_head VALUES (1, 0);
    CREATE TABLE xvpc_events (
        seq BIGINT PRIMARY KEY, format INT NOT NULL, at BIGINT NOT NULL,
        account TEXT NOT NULL, region TEXT NOT NULL, action TEXT NOT NULL, body TEXT NOT NULL);
    CREATE TABLE xvpc_snapshot (
        id INT PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL, format INT NOT NULL, body TEXT NOT NULL);
    CREATE TABLE xvpc_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);";

const APPEND: &str = "
    WITH h AS (UPDATE xvpc_head SET seq = seq + 1 WHERE id = 1 AND seq = $1 RETURNING seq),
         i AS (INSERT INTO xvpc_events (seq, format, at, account, region, action, body)
               SELECT seq, $2, $3, $4, $5, $6, $7 FROM h RETURNING seq)
    SELECT seq, pg_notify('xvpc_log', seq::text)::text FROM i";

/// The runtime the connections run on, shut down without waiting when the
/// last handle goes (it may be dropped inside another runtime).
struct Runtime(Option<tokio::runtime::Runtime>);

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

impl Runtime {
    fn new() -> Result<Arc<Runtime>> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("xvpc-postgres")
            .enable_all()
            .build()
            .map_err(|e| StoreError::Config(format!("starting the PostgreSQL runtime: {e}")))?;
        Ok(Arc::new(Runtime(Some(rt))))
    }

    /// Runs `fut` on the runtime and waits for its result.
    fn block<T: Send + 'static>(&self, fut: impl Future<Output = T> + Send + 'static) -> Option<T> {
        let (tx, rx) = mpsc::sync_channel(1);
        self.0.as_ref()?.spawn(async move {
            let _ = tx.send(fut.await);
        });
        rx.recv().ok()
    }

    fn spawn(&self, fut: impl Future<Output = ()> + Send + 'static) {
        if let Some(rt) = &self.0 {
            rt.spawn(fut);
        }
    }
}

/// One live connection and its prepared append.
struct Conn {
    client: Arc<Client>,
    append: Statement,
}

/// The PostgreSQL store (`serve --store postgres://user@host/db`).
pub struct PgStore {
    config: Config,
    rt: Arc<Runtime>,
    conn: Option<Conn>,
    failed_at: Option<Instant>,
}

/// A lost connection or a server going down is "unavailable" (retry
/// later); anything else the database refused is an error of its own.
fn classify(e: tokio_postgres::Error) -> StoreError {
    match e.as_db_error() {
        Some(db) => {
            let code = db.code().code();
            if code.starts_with("08") || code.starts_with("57P") || code == "53300" {
                StoreError::Unavailable(db.message().to_string())
            } else {
                StoreError::Postgres(e.to_string())
            }
        }
        None => StoreError::Unavailable(e.to_string()),
    }
}

impl PgStore {
    /// Connects, creating the schema in an empty database. A database of a
    /// newer format is refused and left as it is.
    pub fn connect(url: &str) -> Result<PgStore> {
        let mut config: Config = url.parse().map_err(|e| StoreError::Config(format!("{url}: {e}")))?;
        config.connect_timeout(CONNECT_TIMEOUT);
        config.application_name("xvpc");
        let mut store = PgStore { config, rt: Runtime::new()?, conn: None, failed_at: None };
        store.prepare_schema()?;
        Ok(store)
    }

    /// The live connection, reconnecting if it was lost.
    fn client(&mut self) -> Result<Arc<Client>> {
        if let Some(c) = &self.conn {
            if !c.client.is_closed() {
                return Ok(c.client.clone());
            }
        }
        self.conn = None;
        if self.failed_at.is_some_and(|t| t.elapsed() < RETRY_AFTER) {
            return Err(StoreError::Unavailable("reconnecting to PostgreSQL".into()));
        }
        let config = self.config.clone();
        let connected = self.rt.block(async move {
            let (client, connection) = config.connect(NoTls).await?;
            tokio::spawn(async move {
                if let Err(e) = connection.await {
                    tracing::warn!("PostgreSQL connection lost: {e}");
                }
            });
            let append = client.prepare(APPEND).await;
            Ok::<_, tokio_postgres::Error>((client, append))
        });
        match connected {
            Some(Ok((client, Ok(append)))) => {
                self.failed_at = None;
                let client = Arc::new(client);
                self.conn = Some(Conn { client: client.clone(), append });
                Ok(client)
            }
            Some(Ok((_, Err(e)))) | Some(Err(e)) => {
                self.failed_at = Some(Instant::now());
                Err(classify(e))
            }
            None => Err(StoreError::Unavailable("the PostgreSQL runtime stopped".into())),
        }
    }

    /// Runs `f` with the connection; a lost connection is dropped so the
    /// next call reconnects.
    fn run<T, F, Fut>(&mut self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(Arc<Client>) -> Fut,
        Fut: Future<Output = Result<T>> + Send + 'static,
    {
        let client = self.client()?;
        let out = self.rt.block(f(client)).unwrap_or_else(|| Err(StoreError::Unavailable("the PostgreSQL runtime stopped".into())));
        if let Err(StoreError::Unavailable(_)) = &out {
            self.conn = None;
        }
        out
    }

    fn prepare_schema(&mut self) -> Result<()> {
        let config = self.config.clone();
        let out = self.rt.block(async move {
            let (client, connection) = config.connect(NoTls).await.map_err(classify)?;
            tokio::spawn(async move {
                let _ = connection.await;
            });
            client.query_one("SELECT pg_advisory_lock($1)", &[&SCHEMA_LOCK]).await.map_err(classify)?;
            let found: Option<i32> = match client.query_opt("SELECT to_regclass('xvpc_schema')::text", &[]).await.map_err(classify)? {
                Some(row) if row.get::<_, Option<String>>(0).is_some() => {
                    client.query_opt("SELECT format FROM xvpc_schema WHERE id = 1", &[]).await.map_err(classify)?.map(|r| r.get(0))
                }
                _ => None,
            };
            let done = match found {
                Some(v) => format::check_database(v as u32),
                None => {
                    let sql = format!("BEGIN; {SCHEMA} CREATE TABLE IF NOT EXISTS xvpc_schema (id INT PRIMARY KEY CHECK (id = 1), format INT NOT NULL); INSERT INTO xvpc_schema VALUES (1, {FORMAT}); COMMIT;");
                    client.batch_execute(&sql).await.map_err(classify)
                }
            };
            let _ = client.query_one("SELECT pg_advisory_unlock($1)", &[&SCHEMA_LOCK]).await;
            done
        });
        out.unwrap_or_else(|| Err(StoreError::Unavailable("the PostgreSQL runtime stopped".into())))
    }
}

/// Reads the snapshot and the entries after `after` in one consistent view.
async fn read_log(client: &Client, after: Option<u64>) -> Result<(Option<Loaded>, Vec<(u64, Vec<Event>)>, u64)> {
    client.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await.map_err(classify)?;
    let snap = client.query_opt("SELECT seq, format, body FROM xvpc_snapshot WHERE id = 1", &[]).await.map_err(classify)?;
    let snap_seq = snap.as_ref().map_or(0, |r| r.get::<_, i64>(0) as u64);
    // A replica behind the snapshot (compaction, reset) reloads from it.
    let (loaded, from) = match after {
        Some(a) if a >= snap_seq => (None, a),
        _ => {
            let state = match &snap {
                Some(r) => format::decode(Body::Snapshot, r.get::<_, i32>(1) as u32, r.get(2), snap_seq)?,
                None => State::default(),
            };
            (Some(Loaded { state, seq: snap_seq }), snap_seq)
        }
    };
    let rows = client
        .query("SELECT seq, format, body FROM xvpc_events WHERE seq > $1 ORDER BY seq", &[&(from as i64)])
        .await
        .map_err(classify)?;
    let mut entries = Vec::with_capacity(rows.len());
    for r in rows {
        let seq = r.get::<_, i64>(0) as u64;
        entries.push((seq, format::decode(Body::Events, r.get::<_, i32>(1) as u32, r.get(2), seq)?));
    }
    let head = client.query_one("SELECT seq FROM xvpc_head WHERE id = 1", &[]).await.map_err(classify)?.get::<_, i64>(0) as u64;
    client.batch_execute("COMMIT").await.map_err(classify)?;
    Ok((loaded, entries, head))
}

impl Store for PgStore {
    fn kind(&self) -> &'static str {
        "postgres"
    }

    fn load(&mut self) -> Result<Loaded> {
        let (loaded, entries, head) = self.run(|c| async move { read_log(&c, None).await })?;
        let mut loaded = loaded.unwrap_or_default();
        entries.into_iter().flat_map(|e| e.1).for_each(|e| loaded.state.apply(e));
        loaded.seq = head;
        Ok(loaded)
    }

    fn append(&mut self, after: u64, origin: &Origin, events: &[Event]) -> Result<u64> {
        let body = serde_json::to_string(events)?;
        let origin = origin.clone();
        self.client()?;
        let Some(append) = self.conn.as_ref().map(|c| c.append.clone()) else {
            return Err(StoreError::Unavailable("no connection".into()));
        };
        self.run(move |c| async move {
            let format = FORMAT as i32;
            let row = c
                .query_opt(&append, &[&(after as i64), &format, &origin.at, &origin.account, &origin.region, &origin.action, &body])
                .await
                .map_err(classify)?;
            match row {
                Some(r) => Ok(r.get::<_, i64>(0) as u64),
                None => {
                    let head = c.query_one("SELECT seq FROM xvpc_head WHERE id = 1", &[]).await.map_err(classify)?;
                    Err(StoreError::Behind { applied: after, head: head.get::<_, i64>(0) as u64 })
                }
            }
        })
    }

    fn since(&mut self, seq: u64) -> Result<CatchUp> {
        let (loaded, entries, head) = self.run(move |c| async move { read_log(&c, Some(seq)).await })?;
        Ok(match loaded {
            Some(mut l) => {
                entries.into_iter().flat_map(|e| e.1).for_each(|e| l.state.apply(e));
                l.seq = head;
                CatchUp::Reload(l)
            }
            None => CatchUp::Events(entries),
        })
    }

    fn head(&mut self) -> Result<u64> {
        self.run(|c| async move {
            Ok(c.query_one("SELECT seq FROM xvpc_head WHERE id = 1", &[]).await.map_err(classify)?.get::<_, i64>(0) as u64)
        })
    }

    fn snapshot(&mut self, state: &State, seq: u64) -> Result<()> {
        let body = serde_json::to_string(state)?;
        self.run(move |c| async move {
            let seq = seq as i64;
            let format = FORMAT as i32;
            c.batch_execute("BEGIN").await.map_err(classify)?;
            // A newer snapshot (another replica's reset) is never replaced.
            c.execute(
                "INSERT INTO xvpc_snapshot (id, seq, format, body) VALUES (1, $1, $2, $3)
                 ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, format = excluded.format, body = excluded.body
                 WHERE xvpc_snapshot.seq < excluded.seq",
                &[&seq, &format, &body],
            )
            .await
            .map_err(classify)?;
            c.execute("DELETE FROM xvpc_events WHERE seq <= $1", &[&seq]).await.map_err(classify)?;
            c.batch_execute("COMMIT").await.map_err(classify)?;
            Ok(())
        })
    }

    fn reset(&mut self) -> Result<u64> {
        let empty = serde_json::to_string(&State::default())?;
        self.run(move |c| async move {
            let format = FORMAT as i32;
            c.batch_execute("BEGIN").await.map_err(classify)?;
            let seq: i64 = c.query_one("UPDATE xvpc_head SET seq = seq + 1 WHERE id = 1 RETURNING seq", &[]).await.map_err(classify)?.get(0);
            c.batch_execute("DELETE FROM xvpc_events; DELETE FROM xvpc_meta;").await.map_err(classify)?;
            c.execute(
                "INSERT INTO xvpc_snapshot (id, seq, format, body) VALUES (1, $1, $2, $3)
                 ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, format = excluded.format, body = excluded.body",
                &[&seq, &format, &empty],
            )
            .await
            .map_err(classify)?;
            c.execute("SELECT pg_notify('xvpc_log', $1)", &[&seq.to_string()]).await.map_err(classify)?;
            c.batch_execute("COMMIT").await.map_err(classify)?;
            Ok(seq as u64)
        })
    }

    fn get_meta(&mut self, key: &str) -> Result<Option<String>> {
        let key = key.to_string();
        self.run(move |c| async move {
            Ok(c.query_opt("SELECT value FROM xvpc_meta WHERE key = $1", &[&key]).await.map_err(classify)?.map(|r| r.get(0)))
        })
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        let (key, value) = (key.to_string(), value.to_string());
        self.run(move |c| async move {
            c.execute(
                "INSERT INTO xvpc_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[&key, &value],
            )
            .await
            .map_err(classify)?;
            Ok(())
        })
    }

    fn log_len(&mut self) -> Result<u64> {
        self.run(|c| async move { Ok(c.query_one("SELECT count(*) FROM xvpc_events", &[]).await.map_err(classify)?.get::<_, i64>(0) as u64) })
    }

    fn shared(&self) -> bool {
        true
    }

    fn watcher(&self) -> Option<Box<dyn Watcher>> {
        Some(Box::new(PgWatcher::start(self.config.clone(), self.rt.clone())))
    }
}

/// Listens for other replicas' appends on its own connection, reconnecting
/// after a loss (and waking its follower once then, to poll what it missed).
pub struct PgWatcher {
    rx: mpsc::Receiver<()>,
    stop: Arc<AtomicBool>,
    _rt: Arc<Runtime>,
}

impl PgWatcher {
    fn start(config: Config, rt: Arc<Runtime>) -> PgWatcher {
        let (tx, rx) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        rt.spawn(async move {
            while !stopped.load(Ordering::SeqCst) {
                if let Ok((client, mut connection)) = config.connect(NoTls).await {
                    let notify = tx.clone();
                    let driver = tokio::spawn(async move {
                        while let Some(Ok(msg)) = std::future::poll_fn(|cx| connection.poll_message(cx)).await {
                            if matches!(msg, AsyncMessage::Notification(_)) && notify.send(()).is_err() {
                                return;
                            }
                        }
                    });
                    if client.batch_execute(&format!("LISTEN {CHANNEL}")).await.is_ok() {
                        let _ = tx.send(());
                        let _ = driver.await;
                    }
                }
                tokio::time::sleep(RETRY_AFTER).await;
            }
        });
        PgWatcher { rx, stop, _rt: rt }
    }
}

impl Drop for PgWatcher {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

impl Watcher for PgWatcher {
    fn wait(&mut self, timeout: Duration) -> bool {
        match self.rx.recv_timeout(timeout) {
            Ok(()) => {
                // Several appends while busy need one catch-up.
                while self.rx.try_recv().is_ok() {}
                true
            }
            Err(mpsc::RecvTimeoutError::Timeout) => false,
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                std::thread::sleep(timeout);
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::PrivatePostgres;

    /// One server for every check (starting one takes a second or two);
    /// it is stopped and removed when dropped, which a static never is.
    #[test]
    fn postgres_backend() {
        let pg = PrivatePostgres::start("store");
        let url = pg.database("suite");
        crate::suite::test_suite(&mut || Box::new(PgStore::connect(&url).unwrap()));
        a_newer_database_is_refused_and_left_untouched(&pg);
        racing_appends_are_ordered_once_each(&pg);
        a_lost_server_is_unavailable_then_reconnected(&pg);
    }

    fn a_newer_database_is_refused_and_left_untouched(pg: &PrivatePostgres) {
        let url = pg.database("newer");
        let mut s = PgStore::connect(&url).unwrap();
        let state = crate::testing::append_vpcs(&mut s, 2);
        drop(s);
        pg.sql("newer", "UPDATE xvpc_schema SET format = 99");
        let err = PgStore::connect(&url).err().expect("refused");
        assert!(matches!(err, StoreError::TooNew { found: 99, supported: FORMAT }), "{err}");
        pg.sql("newer", &format!("UPDATE xvpc_schema SET format = {FORMAT}"));
        assert_eq!(PgStore::connect(&url).unwrap().load().unwrap().state, state, "nothing was changed");
    }

    /// Appends racing from many handles: every one lands exactly once, in
    /// one gap-free sequence, and each loser was told it was behind.
    fn racing_appends_are_ordered_once_each(pg: &PrivatePostgres) {
        let url = pg.database("race");
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let url = url.clone();
                std::thread::spawn(move || {
                    let mut s = PgStore::connect(&url).unwrap();
                    let (mut won, mut behind) = (0, 0);
                    while won < 10 {
                        let head = s.head().unwrap();
                        match s.append(head, &Origin::default(), &[]) {
                            Ok(_) => won += 1,
                            Err(StoreError::Behind { .. }) => behind += 1,
                            Err(e) => panic!("{e}"),
                        }
                    }
                    behind
                })
            })
            .collect();
        let behind: u64 = threads.into_iter().map(|t| t.join().unwrap()).sum();
        let mut s = PgStore::connect(&url).unwrap();
        assert_eq!(s.head().unwrap(), 40);
        let CatchUp::Events(all) = s.since(0).unwrap() else { panic!() };
        assert_eq!(all.iter().map(|e| e.0).collect::<Vec<_>>(), (1..=40).collect::<Vec<_>>());
        println!("{behind} appends were refused as behind and retried");
    }

    /// With the server stopped, calls fail as unavailable (nothing
    /// written); once it is back the same handle reconnects by itself.
    fn a_lost_server_is_unavailable_then_reconnected(pg: &PrivatePostgres) {
        let url = pg.database("xvpc");
        let mut s = PgStore::connect(&url).unwrap();
        let state = crate::testing::append_vpcs(&mut s, 1);
        pg.ctl("stop");
        assert!(matches!(s.append(1, &Origin::default(), &[]), Err(StoreError::Unavailable(_))));
        assert!(matches!(s.head(), Err(StoreError::Unavailable(_))));
        pg.ctl("start");
        std::thread::sleep(RETRY_AFTER);
        assert_eq!(s.append(1, &Origin::default(), &[]).unwrap(), 2);
        assert_eq!(s.load().unwrap(), Loaded { state, seq: 2 });
    }
}
