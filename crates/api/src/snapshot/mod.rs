//! Dumps of real accounts in and out: `xvpc export` writes the state as the
//! AWS CLI's describe output in Batfish's layout ([`export`]); `xvpc import`
//! reads such dumps (Batfish's layouts or any tree of CLI output) into
//! ordinary state ([`import`]).

pub mod export;
pub mod import;
mod links;
mod services;
mod vpc_core;
mod vpc_core_more;

use serde_json::{json, Value};
use xvpc_store::Origin;

use crate::App;
use import::{DumpFile, Options};

/// What `import_into` answers: the summary, or why nothing was imported.
pub enum Outcome {
    Imported(import::Summary),
    /// The dump is malformed (file, JSON path, message).
    Refused(import::ImportError),
    /// `--strict` and something was skipped.
    Skipped(import::Summary),
}

/// Imports a dump into the app's state as one logged command: planned and
/// committed under one lock, so nothing else interleaves and a refused
/// dump changes nothing (planned again on a newer state when another
/// replica logged first).
pub fn import_into(app: &App, files: &[DumpFile], opts: &Options, strict: bool) -> Result<Outcome, crate::errors::Error> {
    crate::replica::attempt(app, || {
        let mut world = app.world();
        let (changes, summary) = match import::plan(&world.state, files, opts) {
            Ok(x) => x,
            Err(e) => return Ok(Outcome::Refused(e)),
        };
        if strict && summary.skipped() > 0 {
            return Ok(Outcome::Skipped(summary));
        }
        if !changes.is_empty() {
            let origin = Origin { account: String::new(), region: String::new(), action: "Import".into(), at: app.clock.now() };
            let w = &mut *world;
            let seq = w.store.append(w.seq, &origin, &changes.events)?;
            for e in changes.events {
                w.state.apply(e);
            }
            w.seq = seq;
            app.notify(&w.state);
        }
        Ok(Outcome::Imported(summary))
    })
}

/// `POST /_xvpc/import`: `{"files": [{"path", "account", "region", "json"}],
/// "account", "region", "strict"}`.
pub fn import_endpoint(app: &App, body: &[u8]) -> (u16, Value) {
    let v: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return (400, json!({ "error": format!("bad request: {e}") })),
    };
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let files: Vec<DumpFile> = v
        .get("files")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|f| DumpFile {
                    path: text(f, "path").unwrap_or_default(),
                    account: text(f, "account"),
                    region: text(f, "region"),
                    json: f.get("json").cloned().unwrap_or(Value::Null),
                })
                .collect()
        })
        .unwrap_or_default();
    let opts = Options { account: text(&v, "account"), region: text(&v, "region"), now: app.clock.now() };
    let strict = v.get("strict").and_then(Value::as_bool).unwrap_or(false);
    match import_into(app, &files, &opts, strict) {
        Ok(Outcome::Imported(s)) => (200, json!({ "summary": s.to_json(), "skipped": s.skipped() })),
        Ok(Outcome::Skipped(s)) => (409, json!({ "error": format!("--strict: {} item(s) of kinds xvpc does not model; nothing imported", s.skipped()), "summary": s.to_json(), "skipped": s.skipped() })),
        Ok(Outcome::Refused(e)) => (400, json!({ "error": e.to_string(), "file": e.file, "path": e.path })),
        Err(e) => (500, json!({ "error": format!("{e:?}") })),
    }
}

/// `GET /_xvpc/export`: `{"files": {path: json}}`.
pub fn export_endpoint(app: &App) -> (u16, Value) {
    match export::export(app) {
        Ok(files) => (200, json!({ "files": files })),
        Err(e) => (500, json!({ "error": format!("{e:?}") })),
    }
}

#[cfg(test)]
mod round_trip_tests;
