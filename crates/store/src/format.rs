//! The state format: which version wrote a stored record, and the explicit
//! migrations that read older ones.
//!
//! Every snapshot and every logged command carries the format version that
//! wrote it, and so does the database as a whole (SQLite's `user_version`,
//! PostgreSQL's `xvpc_schema`). A body is the serde JSON of the model's
//! structs ([`State`] for a snapshot, `Vec<Event>` for a command). When a
//! change to `model` alters that JSON in a way serde defaults cannot absorb
//! (a renamed field, a changed enum spelling), bump [`FORMAT`] and add a
//! [`Migration`] that rewrites the previous JSON into the new one: old
//! records are read through every migration after their version, and a
//! record of a version this xvpc does not know is refused
//! ([`StoreError::TooNew`]) instead of being read wrongly.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{Result, StoreError};

/// The format this xvpc writes.
///
/// - 1: the first format (records carried no version).
/// - 2: every record and the database carry their format; snapshots record
///   the sequence number they cover. Bodies are unchanged.
pub const FORMAT: u32 = 2;

/// Which body a migration step rewrites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// A snapshot: one `State`.
    Snapshot,
    /// One command's events: a `Vec<Event>`.
    Events,
}

/// One step: reads a body of format `from` and returns it in `from + 1`.
pub struct Migration {
    pub from: u32,
    /// What changed, for the operator and the next developer.
    pub what: &'static str,
    pub rewrite: fn(Body, Value) -> std::result::Result<Value, String>,
}

/// Every migration, oldest first: `MIGRATIONS[i]` reads format `i + 1`.
pub const MIGRATIONS: &[Migration] = &[Migration {
    from: 1,
    what: "records carry their format version; bodies are unchanged",
    rewrite: |_, v| Ok(v),
}];

/// Decodes a body written in `format`, migrating it to [`FORMAT`] first.
/// `seq` names the record in errors.
pub fn decode<T: DeserializeOwned>(kind: Body, format: u32, body: &str, seq: u64) -> Result<T> {
    decode_with(MIGRATIONS, FORMAT, kind, format, body, seq)
}

/// [`decode`] over a given migration chain (tests exercise the mechanism
/// with chains of their own).
pub fn decode_with<T: DeserializeOwned>(migrations: &[Migration], current: u32, kind: Body, format: u32, body: &str, seq: u64) -> Result<T> {
    let corrupt = |why: String| StoreError::Corrupt { seq, why };
    check_readable(format)?;
    if format > current {
        return Err(StoreError::TooNew { found: format, supported: current });
    }
    if format == current {
        // The common case reads the text directly (no intermediate tree).
        return serde_json::from_str(body).map_err(|e| corrupt(e.to_string()));
    }
    let mut value: Value = serde_json::from_str(body).map_err(|e| corrupt(e.to_string()))?;
    for v in format..current {
        let step = migrations
            .iter()
            .find(|m| m.from == v)
            .ok_or_else(|| corrupt(format!("no migration from format {v}")))?;
        value = (step.rewrite)(kind, value).map_err(|why| corrupt(format!("migrating from format {v}: {why}")))?;
    }
    serde_json::from_value(value).map_err(|e| corrupt(e.to_string()))
}

/// Refuses a format number that no xvpc ever wrote.
fn check_readable(format: u32) -> Result<()> {
    if format == 0 {
        return Err(StoreError::Corrupt { seq: 0, why: "format version 0".into() });
    }
    Ok(())
}

/// Refuses a database whose format is newer than this xvpc's, before
/// anything is written to it.
pub fn check_database(found: u32) -> Result<()> {
    if found > FORMAT {
        return Err(StoreError::TooNew { found, supported: FORMAT });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use xvpc_model::State;

    /// A made-up format 3 that renamed the VPC table, to exercise the chain.
    const RENAMED: &[Migration] = &[
        Migration { from: 1, what: "identity", rewrite: |_, v| Ok(v) },
        Migration {
            from: 2,
            what: "vpc table renamed",
            rewrite: |kind, mut v| {
                if kind == Body::Snapshot {
                    if let Some(m) = v.as_object_mut() {
                        if let Some(t) = m.remove("old_vpcs") {
                            m.insert("vpcs".into(), t);
                        }
                    }
                }
                Ok(v)
            },
        },
    ];

    #[test]
    fn an_old_body_goes_through_every_step_after_its_version() {
        let body = r#"{"old_vpcs": {}}"#;
        let s: State = decode_with(RENAMED, 3, Body::Snapshot, 1, body, 0).unwrap();
        assert_eq!(s, State::default());
        // Without the migration the renamed table would be silently dropped:
        // the rewrite is what makes the old record read, not serde luck.
        let v: Value = decode_with(RENAMED, 3, Body::Snapshot, 2, body, 0).unwrap();
        assert!(v.get("vpcs").is_some() && v.get("old_vpcs").is_none());
    }

    #[test]
    fn a_future_version_is_refused_with_both_numbers() {
        let e = decode::<State>(Body::Snapshot, FORMAT + 1, "{}", 7).unwrap_err();
        assert!(matches!(e, StoreError::TooNew { found, supported } if found == FORMAT + 1 && supported == FORMAT));
        let text = e.to_string();
        assert!(text.contains(&format!("format {}", FORMAT + 1)) && text.contains("newer xvpc"), "{text}");
        assert!(check_database(FORMAT).is_ok() && check_database(FORMAT + 1).is_err());
    }

    #[test]
    fn a_missing_step_or_a_bad_body_is_corrupt_not_a_panic() {
        assert!(matches!(decode_with::<State>(&[], 3, Body::Snapshot, 1, "{}", 1), Err(StoreError::Corrupt { .. })));
        assert!(matches!(decode::<State>(Body::Snapshot, FORMAT, "{not json", 1), Err(StoreError::Corrupt { .. })));
        assert!(matches!(decode::<State>(Body::Snapshot, 0, "{}", 1), Err(StoreError::Corrupt { .. })));
        assert_eq!(MIGRATIONS.len() as u32, FORMAT - 1, "one migration per format step");
    }
}
