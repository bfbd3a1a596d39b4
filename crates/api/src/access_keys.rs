//! Which access keys a request may use, and the operator endpoint that
//! manages the keys kept in the store (`/_xvpc/credentials`).
//!
//! Keys come from three places: the store (`xvpc credentials add`, shared
//! by every replica), the `--credentials` file, and STS (temporary keys,
//! recorded with their secret and token). A revoked stored key is always
//! refused. A server that accepts only registered keys
//! ([`Config::registered_keys_only`](crate::Config), what `serve` sets on
//! a non-loopback address) refuses everything else: 12-digit keys, unknown
//! keys, and temporary keys it did not issue or presented without their
//! session token.

use serde_json::{json, Value};
use xvpc_model::access_key::{self, AccessKey, KeyError};
use xvpc_model::Changes;
use xvpc_store::Origin;
use xvpc_wire::{HttpRequest, HttpResponse};

use crate::identity::{temporary_key_account, Caller};
use crate::App;

/// The key is not one this server accepts (AWS: the key id is unknown or
/// inactive); the api answers each service's code for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownKey;

/// The caller behind `access_key`, or [`UnknownKey`]. `token` is the
/// request's `X-Amz-Security-Token`.
pub fn resolve(app: &App, access_key: &str, token: Option<&str>) -> Result<Caller, UnknownKey> {
    let stored = app.world().state.access_keys.get(access_key).cloned();
    if let Some(key) = stored {
        if !key.is_active() {
            return Err(UnknownKey);
        }
        return Ok(app.config.identity.root(&key.owner, &key.secret.0));
    }
    let strict = app.config.registered_keys_only;
    if let Some((account, secret)) = app.config.identity.keys.get(access_key) {
        return Ok(app.config.identity.root(account, secret));
    }
    let caller = app.config.identity.caller(access_key);
    if temporary_key_account(access_key).is_some() {
        return match app.session(access_key) {
            // A closed server checks the token STS issued with the key.
            Some(s) if strict && (s.secret.is_none() || s.token.as_deref() != token) => Err(UnknownKey),
            Some(s) => Ok(caller.with_session(s)),
            None if strict => Err(UnknownKey),
            None => Ok(caller),
        };
    }
    if strict {
        return Err(UnknownKey);
    }
    Ok(caller)
}

/// True when the store holds at least one active key.
pub fn any_active(app: &App) -> bool {
    app.world().state.access_keys.values().any(AccessKey::is_active)
}

/// A key as listed: never its secret.
pub fn listed(k: &AccessKey) -> Value {
    json!({
        "access_key_id": k.id,
        "account": k.owner,
        "status": if k.is_active() { "Active" } else { "Revoked" },
        "created_ms": k.created_ms,
        "revoked_ms": k.revoked_ms,
    })
}

fn reply(status: u16, v: Value) -> HttpResponse {
    HttpResponse::new(status, "application/json", v.to_string())
}

fn refused(e: KeyError) -> HttpResponse {
    let status = match e {
        KeyError::Unknown(_) => 404,
        KeyError::Exists(_) | KeyError::AlreadyRevoked(_) => 409,
        KeyError::Invalid(_) => 400,
    };
    reply(status, json!({ "error": e.to_string() }))
}

/// `GET /_xvpc/credentials` lists the keys; `POST /_xvpc/credentials`
/// `{"account", "access_key_id"?, "secret"?}` adds one (missing id and
/// secret are generated; the answer is the only place the secret is
/// shown); `POST /_xvpc/credentials/revoke` `{"access_key_id"}` revokes
/// one. The binary serves this only to callers on the server's own host.
pub fn admin(app: &App, req: &HttpRequest) -> Option<HttpResponse> {
    let body = || serde_json::from_slice::<Value>(&req.body).unwrap_or(Value::Null);
    let field = |v: &Value, name: &str| v.get(name).and_then(Value::as_str).map(str::to_string);
    Some(match (req.method.as_str(), req.path.as_str()) {
        ("GET", "/_xvpc/credentials") => {
            let w = app.world();
            reply(200, json!({ "keys": access_key::list(&w.state).into_iter().map(listed).collect::<Vec<_>>() }))
        }
        ("POST", "/_xvpc/credentials") => {
            let v = body();
            let Some(account) = field(&v, "account") else {
                return Some(reply(400, json!({ "error": "expected {\"account\": \"123456789012\"} (access_key_id and secret optional)" })));
            };
            let id = field(&v, "access_key_id").unwrap_or_else(access_key::new_key_id);
            let secret = field(&v, "secret").unwrap_or_else(access_key::new_secret);
            let now = app.clock.now();
            let mut w = app.world();
            let (changes, key) = match access_key::add(&w.state, &id, &secret, &account, now) {
                Ok(x) => x,
                Err(e) => return Some(refused(e)),
            };
            if let Err(e) = commit(app, &mut w, "xvpc credentials add", changes) {
                return Some(reply(500, json!({ "error": e.to_string() })));
            }
            let mut out = listed(&key);
            out["secret"] = json!(key.secret.0);
            reply(200, out)
        }
        ("POST", "/_xvpc/credentials/revoke") => {
            let Some(id) = field(&body(), "access_key_id") else {
                return Some(reply(400, json!({ "error": "expected {\"access_key_id\": \"...\"}" })));
            };
            let now = app.clock.now();
            let mut w = app.world();
            let changes = match access_key::revoke(&w.state, &id, now) {
                Ok(c) => c,
                Err(e) => return Some(refused(e)),
            };
            if let Err(e) = commit(app, &mut w, "xvpc credentials revoke", changes) {
                return Some(reply(500, json!({ "error": e.to_string() })));
            }
            let key = w.state.access_keys.get(&id).map(listed).unwrap_or(Value::Null);
            reply(200, key)
        }
        _ => return None,
    })
}

/// Persists an operator's changes, then applies them (as `Call::commit`).
/// If another replica logged first, this one catches up and logs them
/// after: adding, revoking and restoring keys hold on the newer state.
pub(crate) fn commit(app: &App, w: &mut crate::World, action: &str, changes: Changes) -> Result<(), xvpc_store::StoreError> {
    if changes.is_empty() {
        return Ok(());
    }
    let origin = Origin { account: String::new(), region: access_key::GLOBAL.into(), action: action.into(), at: app.clock.now() };
    let seq = loop {
        match w.store.append(w.seq, &origin, &changes.events) {
            Err(xvpc_store::StoreError::Behind { .. }) => {
                app.catch_up_locked(w)?;
            }
            other => break other?,
        }
    };
    w.seq = seq;
    w.state.apply_all(changes);
    app.notify(&w.state);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Config;
    use xvpc_store::SqliteStore;

    fn app(closed: bool) -> App {
        let config = Config { registered_keys_only: closed, ..Default::default() };
        App::new(Box::new(SqliteStore::in_memory().unwrap()), config).unwrap()
    }

    fn post(app: &App, path: &str, body: Value) -> (u16, Value) {
        let req = HttpRequest { method: "POST".into(), path: path.into(), query: String::new(), headers: vec![], body: body.to_string().into_bytes() };
        let r = admin(app, &req).unwrap();
        (r.status, serde_json::from_slice(&r.body).unwrap())
    }

    #[test]
    fn stored_keys_resolve_until_revoked() {
        let app = app(false);
        let (status, added) = post(&app, "/_xvpc/credentials", json!({"account": "333333333333"}));
        assert_eq!(status, 200, "{added}");
        let id = added["access_key_id"].as_str().unwrap().to_string();
        let secret = added["secret"].as_str().unwrap().to_string();
        let caller = resolve(&app, &id, None).unwrap();
        assert_eq!((caller.account.as_str(), caller.secret.as_str()), ("333333333333", secret.as_str()));
        assert_eq!(post(&app, "/_xvpc/credentials/revoke", json!({"access_key_id": id})).0, 200);
        assert_eq!(resolve(&app, &id, None), Err(UnknownKey), "revoked, even on an open server");
        assert_eq!(post(&app, "/_xvpc/credentials/revoke", json!({"access_key_id": id})).0, 409);
        assert_eq!(post(&app, "/_xvpc/credentials", json!({"account": "1"})).0, 400);
    }

    #[test]
    fn a_closed_server_refuses_unregistered_keys() {
        let open = app(false);
        assert_eq!(resolve(&open, "111111111111", None).unwrap().account, "111111111111");
        let closed = app(true);
        for key in ["111111111111", "AKIAUNKNOWNKEY000000", "ASIA111111111111ABCD"] {
            assert_eq!(resolve(&closed, key, None), Err(UnknownKey), "{key}");
        }
    }

    #[test]
    fn listing_never_shows_secrets() {
        let app = app(false);
        post(&app, "/_xvpc/credentials", json!({"account": "333333333333", "secret": "Sup3rSecretValue"}));
        let req = HttpRequest { method: "GET".into(), path: "/_xvpc/credentials".into(), query: String::new(), headers: vec![], body: vec![] };
        let listed = String::from_utf8(admin(&app, &req).unwrap().body).unwrap();
        assert!(listed.contains("333333333333") && !listed.contains("Sup3rSecretValue"), "{listed}");
    }
}
