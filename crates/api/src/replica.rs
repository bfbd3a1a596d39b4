//! Several replicas on one store: catching up, following, health.
//!
//! Each replica keeps the whole model in memory. A commit appends only if
//! the replica has applied everything logged before ([`xvpc_store::Store::append`]);
//! when another replica came first, [`attempt`] catches up and runs the
//! request again, so the command is validated against the newest state
//! (two replicas never both accept one peering connection). A follower
//! thread applies the others' commands as they are announced (PostgreSQL
//! LISTEN/NOTIFY), and polls every [`POLL`] in case an announcement was
//! missed; own writes are visible at once. Besides, before each request a
//! replica of a shared store asks for the log's head (one query) and
//! catches up if it is behind, so a client whose requests go to different
//! replicas still reads what it wrote; with the database unreachable it
//! answers from memory.

use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use serde_json::json;
use xvpc_store::{CatchUp, Origin, StoreError, SETTINGS_CHANGED};

use crate::errors::{Error, Result};
use crate::{App, World, CLOCK_KEY};

/// The follower's polling interval when no notification arrives: the
/// bound on how stale another replica's write can be if one is lost.
pub const POLL: Duration = Duration::from_millis(500);

/// How many times a request is run again after losing the race to the
/// log before it is answered `ServiceUnavailable`.
const ATTEMPTS: usize = 100;

/// Runs `f` (one request's work) until it commits without another
/// replica's command coming first, catching up in between.
pub(crate) fn attempt<T>(app: &App, mut f: impl FnMut() -> Result<T>) -> Result<T> {
    let mut last = None;
    for _ in 0..ATTEMPTS {
        match f() {
            Err(Error::Store(e @ StoreError::Behind { .. })) => {
                last = Some(e);
                app.catch_up()?;
            }
            other => return other,
        }
    }
    Err(Error::Store(last.unwrap_or(StoreError::Unavailable("the log kept moving".into()))))
}

impl App {
    /// Applies what other replicas logged since this one's last command.
    /// Returns whether anything changed.
    pub fn catch_up(&self) -> std::result::Result<bool, StoreError> {
        let mut w = self.world();
        self.catch_up_locked(&mut w)
    }

    pub(crate) fn catch_up_locked(&self, w: &mut World) -> std::result::Result<bool, StoreError> {
        let changed = match w.store.since(w.seq)? {
            CatchUp::Events(entries) if entries.is_empty() => false,
            CatchUp::Events(entries) => {
                for (seq, events) in entries {
                    events.into_iter().for_each(|e| w.state.apply(e));
                    w.seq = seq;
                }
                true
            }
            CatchUp::Reload(loaded) => {
                // A reset (or a compaction past this replica): start over.
                crate::flow_log_records::reset(self);
                w.state = loaded.state;
                w.seq = loaded.seq;
                true
            }
        };
        w.synced_at = Instant::now();
        if changed {
            // The clock is cluster-wide: another replica may have moved it.
            let off = w.store.get_meta(CLOCK_KEY)?.and_then(|v| v.parse().ok()).unwrap_or(0);
            self.clock.set_offset(off);
            self.notify(&w.state);
        }
        Ok(changed)
    }

    /// Catches up before a request if the shared log moved (see the
    /// module doc). Errors are ignored: the request is answered from
    /// memory, and a write is refused by the store anyway.
    pub(crate) fn sync_before_request(&self) {
        let mut w = self.world();
        if !w.store.shared() {
            return;
        }
        if let Ok(head) = w.store.head() {
            if head != w.seq {
                let _ = self.catch_up_locked(&mut w);
            } else {
                w.synced_at = Instant::now();
            }
        }
    }

    /// Logs that the server settings changed, so other replicas re-read
    /// them; catches up first if the log moved.
    pub(crate) fn announce_settings(&self, w: &mut World) -> std::result::Result<(), StoreError> {
        let origin = Origin { action: SETTINGS_CHANGED.into(), at: self.clock.now(), ..Origin::default() };
        for _ in 0..ATTEMPTS {
            match w.store.append(w.seq, &origin, &[]) {
                Ok(seq) => {
                    w.seq = seq;
                    return Ok(());
                }
                Err(StoreError::Behind { .. }) => {
                    self.catch_up_locked(w)?;
                }
                Err(e) => return Err(e),
            }
        }
        Err(StoreError::Unavailable("the log kept moving".into()))
    }

    /// The replica's place in the log, for `GET /_xvpc/health`.
    pub fn replication(&self) -> serde_json::Value {
        let mut w = self.world();
        let head = w.store.head();
        let applied = w.seq;
        json!({
            "store": w.store.kind(),
            "store_status": if head.is_ok() { "available" } else { "unavailable" },
            "applied_seq": applied,
            "head_seq": head.as_ref().ok(),
            "lag": head.as_ref().ok().map(|h| h.saturating_sub(applied)),
            "synced_ms_ago": w.synced_at.elapsed().as_millis() as u64,
        })
    }
}

/// Starts the thread that applies other replicas' commands, if the store
/// can have other writers. It ends when the application is dropped.
pub fn follow(app: &Arc<App>) -> Option<std::thread::JoinHandle<()>> {
    let mut watcher = app.world().store.watcher()?;
    let weak: Weak<App> = Arc::downgrade(app);
    std::thread::Builder::new()
        .name("xvpc-follower".into())
        .spawn(move || {
            // Said once when the store goes away, once when it is back.
            let mut down = false;
            loop {
                watcher.wait(POLL);
                let Some(app) = weak.upgrade() else { return };
                match app.catch_up() {
                    Err(e) if !down => {
                        tracing::warn!("following the log: {e}");
                        down = true;
                    }
                    Ok(_) if down => {
                        tracing::warn!("following the log again");
                        down = false;
                    }
                    _ => {}
                }
            }
        })
        .ok()
}
