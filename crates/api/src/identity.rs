//! Who is calling: access keys to accounts, and STS's temporary keys.
//!
//! A 12-digit access key id *is* the account (the convention LocalStack
//! users know). A credentials file maps other keys to an account and a
//! secret; unknown keys fall back to the default account. Temporary keys
//! issued by STS carry their account inside the key id (`ASIA` + 12 digits
//! + 4 hex), so they stay valid across restarts without being stored.

use std::collections::HashMap;

use hmac_free::derive_secret;

/// The key → account table and the defaults.
#[derive(Clone)]
pub struct Identity {
    pub default_account: String,
    /// access key id → (account, secret).
    pub keys: HashMap<String, (String, String)>,
    /// Secret assumed for 12-digit keys and unknown keys (`test` by the
    /// convention of emulators).
    pub default_secret: String,
}

/// Lists the keys, never their secrets.
impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut keys: Vec<&String> = self.keys.keys().collect();
        keys.sort();
        f.debug_struct("Identity").field("default_account", &self.default_account).field("keys", &keys).finish_non_exhaustive()
    }
}

impl Default for Identity {
    fn default() -> Self {
        Identity { default_account: "000000000000".into(), keys: HashMap::new(), default_secret: "test".into() }
    }
}

/// The caller behind an access key.
#[derive(Clone, PartialEq, Eq)]
pub struct Caller {
    pub account: String,
    /// The secret the request should be signed with.
    pub secret: String,
    /// The ARN GetCallerIdentity reports.
    pub arn: String,
    pub user_id: String,
}

/// Masks the secret, so that no log line shows it.
impl std::fmt::Debug for Caller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Caller").field("account", &self.account).field("arn", &self.arn).field("user_id", &self.user_id).finish_non_exhaustive()
    }
}

impl Identity {
    /// Parses the `--credentials` file: one key per line,
    /// `ACCESS_KEY_ID SECRET ACCOUNT_ID`; `#` starts a comment.
    pub fn parse_credentials(&mut self, text: &str) -> Result<(), String> {
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() != 3 || !xvpc_model::ids::is_account_id(f[2]) {
                return Err(format!("line {}: expected ACCESS_KEY_ID SECRET ACCOUNT_ID (12 digits)", n + 1));
            }
            self.keys.insert(f[0].to_string(), (f[2].to_string(), f[1].to_string()));
        }
        Ok(())
    }

    /// The root user of `account`, signing with `secret`.
    pub fn root(&self, account: &str, secret: &str) -> Caller {
        root(account, secret)
    }

    /// Resolves an access key id to its caller.
    pub fn caller(&self, access_key: &str) -> Caller {
        if let Some((account, secret)) = self.keys.get(access_key) {
            return root(account, secret);
        }
        if xvpc_model::ids::is_account_id(access_key) {
            return root(access_key, &self.default_secret);
        }
        if let Some(account) = temporary_key_account(access_key) {
            return Caller {
                account: account.to_string(),
                secret: derive_secret(access_key),
                arn: format!("arn:aws:sts::{account}:assumed-role/xvpc/session"),
                user_id: format!("AROA{account}XVPC:session"),
            };
        }
        root(&self.default_account, &self.default_secret)
    }
}

fn root(account: &str, secret: &str) -> Caller {
    Caller {
        account: account.to_string(),
        secret: secret.to_string(),
        arn: format!("arn:aws:iam::{account}:root"),
        user_id: account.to_string(),
    }
}

/// Who a temporary key was issued to (AssumeRole's role session, or the
/// caller of GetSessionToken), kept in the store's meta area so that
/// GetCallerIdentity names the role after a restart too.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Session {
    pub arn: String,
    pub user_id: String,
    /// The secret issued with the key (sessions recorded before secrets
    /// were random have none: theirs is derived from the key id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// The session token issued with the key; a server that accepts only
    /// registered keys requires it on every request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// Masks the secret and the token, so that no log line shows them.
impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("arn", &self.arn).field("user_id", &self.user_id).finish_non_exhaustive()
    }
}

impl Session {
    /// The meta key under which a temporary key's session is stored.
    pub fn meta_key(access_key: &str) -> String {
        format!("sts_session:{access_key}")
    }
}

impl Caller {
    /// The caller behind a temporary key, as recorded when it was issued.
    pub fn with_session(mut self, s: Session) -> Caller {
        self.arn = s.arn;
        self.user_id = s.user_id;
        if let Some(secret) = s.secret {
            self.secret = secret;
        }
        self
    }
}

/// A temporary key id for `account`: `ASIA` + account + 4 hex digits.
pub fn temporary_key(account: &str) -> String {
    format!("ASIA{account}{}", xvpc_model::ids::random_hex(4).to_uppercase())
}

/// The account encoded in a temporary key id, if it is one.
pub fn temporary_key_account(key: &str) -> Option<&str> {
    let rest = key.strip_prefix("ASIA")?;
    (rest.len() == 16 && xvpc_model::ids::is_account_id(&rest[..12])).then(|| &rest[..12])
}

/// Secrets of temporary keys are derived from the key id, so any server
/// instance (and a restarted one) knows them without storing them.
mod hmac_free {
    pub fn derive_secret(key: &str) -> String {
        // Not a security boundary: xvpc is a local emulator. The derivation
        // only has to be stable and look like an AWS secret.
        let mut h: u64 = 0x9E3779B97F4A7C15;
        let mut out = String::with_capacity(40);
        for i in 0..40u64 {
            for b in key.bytes() {
                h = (h ^ u64::from(b)).wrapping_mul(0x100000001b3).rotate_left(7) ^ i;
            }
            let c = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[(h % 64) as usize];
            out.push(c as char);
        }
        out
    }
}

pub use hmac_free::derive_secret as temporary_secret;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_to_accounts() {
        let mut id = Identity::default();
        id.parse_credentials("# team\nAKIAEXAMPLE s3cr3t 333333333333\n").unwrap();
        assert_eq!(id.caller("111111111111").account, "111111111111");
        assert_eq!(id.caller("AKIAEXAMPLE").account, "333333333333");
        assert_eq!(id.caller("AKIAEXAMPLE").secret, "s3cr3t");
        assert_eq!(id.caller("AKIAUNKNOWN").account, "000000000000");
        let t = temporary_key("444444444444");
        assert_eq!(t.len(), 20);
        assert_eq!(id.caller(&t).account, "444444444444");
        assert_eq!(id.caller(&t).secret, temporary_secret(&t));
        assert!(id.parse_credentials("bad line").is_err());
    }
}
