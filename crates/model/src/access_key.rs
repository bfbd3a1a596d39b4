//! Access keys kept in the store (`xvpc credentials add/list/revoke`), so
//! every replica of a shared server knows the same keys.
//!
//! They are the server's configuration, not part of the emulated world:
//! no AWS API lists them, `GET /_xvpc/state` leaves them out, and a reset
//! keeps them. As IAM does, a key is revoked by marking it inactive (its
//! row stays, so a revoked key is refused by name rather than mistaken for
//! an unknown one). The secret is stored in clear because SigV4 needs it
//! to check a signature; it never leaves the server except in the answer
//! to the `add` that made it.

use serde::{Deserialize, Serialize};

use crate::state::{Changes, State};

/// The region access key rows are kept under (they are global, as IAM is).
pub const GLOBAL: &str = crate::iam::GLOBAL;

/// A secret access key. Its `Debug` form is masked so that no log line
/// that prints a key (or a state, or an event) shows the secret.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// A long-term access key of an account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessKey {
    /// The access key id.
    pub id: String,
    /// The account the key acts as.
    pub owner: String,
    pub region: String,
    pub secret: Secret,
    pub created_ms: i64,
    /// When it was revoked; a revoked key is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_ms: Option<i64>,
}
crate::impl_owned!(AccessKey);

impl AccessKey {
    pub fn is_active(&self) -> bool {
        self.revoked_ms.is_none()
    }
}

/// Why a credentials command was refused (operator tooling: these never
/// reach an AWS API response).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyError {
    Exists(String),
    Unknown(String),
    AlreadyRevoked(String),
    Invalid(String),
}

impl std::fmt::Display for KeyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyError::Exists(k) => write!(f, "access key {k} already exists"),
            KeyError::Unknown(k) => write!(f, "no access key {k}"),
            KeyError::AlreadyRevoked(k) => write!(f, "access key {k} is already revoked"),
            KeyError::Invalid(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for KeyError {}

/// A fresh key id of AWS's form: `AKIA` + 16 upper-case characters.
pub fn new_key_id() -> String {
    format!("AKIA{}", crate::ids::random_hex(16).to_uppercase())
}

/// A fresh 40-character secret.
pub fn new_secret() -> String {
    crate::ids::random_hex(40)
}

/// Adds an active key for `account`. IAM's rules for the id (16 to 128
/// letters and digits); an id of STS's temporary form (`ASIA` + 12 digits
/// + 4) would shadow the sessions STS issues, so it is refused; the secret
/// must be printable without spaces (the `--credentials` file's format).
pub fn add(state: &State, id: &str, secret: &str, account: &str, now: i64) -> Result<(Changes, AccessKey), KeyError> {
    if !(16..=128).contains(&id.len()) || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(KeyError::Invalid(format!("access key id must be 16 to 128 letters and digits, got {} characters", id.len())));
    }
    if id.starts_with("ASIA") {
        return Err(KeyError::Invalid("access key ids starting ASIA are STS's temporary keys".into()));
    }
    if secret.is_empty() || secret.len() > 128 || !secret.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(KeyError::Invalid("a secret must be 1 to 128 printable characters without spaces".into()));
    }
    if !crate::ids::is_account_id(account) {
        return Err(KeyError::Invalid(format!("account must be 12 digits, got {account:?}")));
    }
    if state.access_keys.get(id).is_some() {
        return Err(KeyError::Exists(id.to_string()));
    }
    let key = AccessKey {
        id: id.to_string(),
        owner: account.to_string(),
        region: GLOBAL.to_string(),
        secret: Secret(secret.to_string()),
        created_ms: now,
        revoked_ms: None,
    };
    let mut ch = Changes::new();
    ch.put(key.clone());
    Ok((ch, key))
}

/// Revokes a key: from now on every request signed with it is refused.
pub fn revoke(state: &State, id: &str, now: i64) -> Result<Changes, KeyError> {
    let Some(key) = state.access_keys.get(id) else {
        return Err(KeyError::Unknown(id.to_string()));
    };
    if !key.is_active() {
        return Err(KeyError::AlreadyRevoked(id.to_string()));
    }
    let mut key = key.clone();
    key.revoked_ms = Some(now);
    let mut ch = Changes::new();
    ch.put(key);
    Ok(ch)
}

/// Every stored key, in id order.
pub fn list(state: &State) -> Vec<&AccessKey> {
    let mut keys: Vec<&AccessKey> = state.access_keys.values().collect();
    keys.sort_by(|a, b| a.id.cmp(&b.id));
    keys
}

/// The events that put every stored key back (a reset keeps them).
pub fn restore(state: &State) -> Changes {
    let mut ch = Changes::new();
    for k in list(state) {
        ch.put(k.clone());
    }
    ch
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "AKIAXVPCTESTKEY00001";

    #[test]
    fn add_list_revoke() {
        let mut s = State::default();
        let (ch, k) = add(&s, KEY, "s3cr3t/+x", "111111111111", 5).unwrap();
        s.apply_all(ch);
        assert!(k.is_active());
        assert_eq!(list(&s).len(), 1);
        assert_eq!(add(&s, KEY, "other", "111111111111", 6).unwrap_err(), KeyError::Exists(KEY.into()));
        s.apply_all(revoke(&s, KEY, 7).unwrap());
        assert_eq!(s.access_keys.get(KEY).unwrap().revoked_ms, Some(7));
        assert_eq!(revoke(&s, KEY, 8).unwrap_err(), KeyError::AlreadyRevoked(KEY.into()));
        assert_eq!(revoke(&s, "AKIANOSUCHKEY0000000", 8).unwrap_err(), KeyError::Unknown("AKIANOSUCHKEY0000000".into()));
    }

    #[test]
    fn refuses_bad_input() {
        let s = State::default();
        for (id, secret, account) in [
            ("SHORT", "x", "111111111111"),
            ("AKIA-WITH-DASHES-000", "x", "111111111111"),
            ("ASIA111111111111ABCD", "x", "111111111111"),
            (KEY, "has space", "111111111111"),
            (KEY, "", "111111111111"),
            (KEY, "x", "12345"),
        ] {
            assert!(matches!(add(&s, id, secret, account, 0), Err(KeyError::Invalid(_))), "{id} {secret} {account}");
        }
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let (_, k) = add(&State::default(), KEY, "verysecretvalue", "111111111111", 0).unwrap();
        assert!(!format!("{k:?}").contains("verysecretvalue"));
    }

    #[test]
    fn fresh_ids_are_valid() {
        let s = State::default();
        assert!(add(&s, &new_key_id(), &new_secret(), "111111111111", 0).is_ok());
    }
}
