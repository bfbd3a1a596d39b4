//! `xvpc credentials add/list/revoke`: the access keys kept in the store,
//! managed through a running server on this host (`--endpoint`, its
//! `/_xvpc/credentials`) or straight in a data directory (`--data-dir`,
//! for a server that is not running: a running one reads its data
//! directory only when it starts).

use std::io::Read;
use std::path::PathBuf;

use anyhow::{bail, Context};
use serde_json::{json, Value};
use xvpc_model::access_key;
use xvpc_store::{Origin, SqliteStore, Store};

/// Options of `xvpc credentials`.
#[derive(clap::Args, Debug)]
pub struct CredentialsArgs {
    #[command(subcommand)]
    pub command: Action,
    /// A running server on this host (default: XVPC_ENDPOINT, then http://127.0.0.1:4566).
    #[arg(long, global = true, conflicts_with = "data_dir")]
    pub endpoint: Option<String>,
    /// Change the state in this data directory instead of a running server.
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
}

/// What to do with the keys.
#[derive(clap::Subcommand, Debug)]
pub enum Action {
    /// Add a key acting as an account; prints its id and secret (shown only here).
    Add {
        /// The account the key acts as (12 digits).
        #[arg(long)]
        account: String,
        /// The key id (default: a new `AKIA...` id).
        #[arg(long)]
        access_key_id: Option<String>,
        /// Read the secret from standard input (default: a new random
        /// secret). Never on the command line, where `ps` would show it.
        #[arg(long)]
        secret_stdin: bool,
    },
    /// List the keys (never their secrets).
    List,
    /// Revoke a key: every request signed with it is refused from now on.
    Revoke {
        /// The key id.
        access_key_id: String,
    },
}

pub fn run(args: CredentialsArgs) -> anyhow::Result<()> {
    let secret = match &args.command {
        Action::Add { secret_stdin: true, .. } => {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s).context("reading the secret from standard input")?;
            Some(s.trim().to_string())
        }
        _ => None,
    };
    let out = match &args.data_dir {
        Some(dir) => in_data_dir(dir, &args.command, secret)?,
        None => through_server(&crate::client::endpoint(args.endpoint.as_deref()), &args.command, secret)?,
    };
    print(&args.command, &out);
    Ok(())
}

fn print(action: &Action, out: &Value) {
    let row = |k: &Value| {
        format!(
            "{}\t{}\t{}",
            k["access_key_id"].as_str().unwrap_or(""),
            k["account"].as_str().unwrap_or(""),
            k["status"].as_str().unwrap_or("")
        )
    };
    match action {
        Action::List => {
            outln!("ACCESS_KEY_ID\tACCOUNT\tSTATUS");
            for k in out["keys"].as_array().into_iter().flatten() {
                outln!("{}", row(k));
            }
        }
        Action::Add { .. } => {
            outln!("AWS_ACCESS_KEY_ID={}", out["access_key_id"].as_str().unwrap_or(""));
            outln!("AWS_SECRET_ACCESS_KEY={}", out["secret"].as_str().unwrap_or(""));
            outln!("# acts as account {}; the secret is not shown again", out["account"].as_str().unwrap_or(""));
        }
        Action::Revoke { .. } => outln!("{}", row(out)),
    }
}

fn through_server(endpoint: &str, action: &Action, secret: Option<String>) -> anyhow::Result<Value> {
    let (status, v) = match action {
        Action::List => crate::client::request(endpoint, "GET", "/_xvpc/credentials", None)?,
        Action::Add { account, access_key_id, .. } => {
            let mut body = json!({ "account": account });
            if let Some(id) = access_key_id {
                body["access_key_id"] = json!(id);
            }
            if let Some(s) = secret {
                body["secret"] = json!(s);
            }
            crate::client::request(endpoint, "POST", "/_xvpc/credentials", Some(&body))?
        }
        Action::Revoke { access_key_id } => {
            crate::client::request(endpoint, "POST", "/_xvpc/credentials/revoke", Some(&json!({ "access_key_id": access_key_id })))?
        }
    };
    if status != 200 {
        bail!("{}", v.get("error").and_then(Value::as_str).unwrap_or("refused"));
    }
    Ok(v)
}

fn in_data_dir(dir: &std::path::Path, action: &Action, secret: Option<String>) -> anyhow::Result<Value> {
    let db = dir.join("xvpc.db");
    if !db.exists() && !matches!(action, Action::Add { .. }) {
        bail!("no state in {}", dir.display());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut store = SqliteStore::open(&db).with_context(|| format!("opening {}", db.display()))?;
    let xvpc_store::Loaded { state, seq } = store.load().context("loading state")?;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0);
    let origin = |action: &str| Origin { account: String::new(), region: access_key::GLOBAL.into(), action: action.into(), at: now };
    match action {
        Action::List => Ok(json!({ "keys": access_key::list(&state).into_iter().map(xvpc_api::access_keys::listed).collect::<Vec<_>>() })),
        Action::Add { account, access_key_id, .. } => {
            let id = access_key_id.clone().unwrap_or_else(access_key::new_key_id);
            let secret = secret.unwrap_or_else(access_key::new_secret);
            let (changes, key) = access_key::add(&state, &id, &secret, account, now)?;
            store.append(seq, &origin("xvpc credentials add"), &changes.events)?;
            let mut out = xvpc_api::access_keys::listed(&key);
            out["secret"] = json!(key.secret.0);
            Ok(out)
        }
        Action::Revoke { access_key_id } => {
            let changes = access_key::revoke(&state, access_key_id, now)?;
            store.append(seq, &origin("xvpc credentials revoke"), &changes.events)?;
            let mut state = state;
            state.apply_all(changes);
            Ok(state.access_keys.get(access_key_id).map(xvpc_api::access_keys::listed).unwrap_or(Value::Null))
        }
    }
}
