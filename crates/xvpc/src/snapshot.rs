//! `xvpc export DIR` and `xvpc import DIR`: a server's state as the AWS
//! CLI's describe output in Batfish's layout, and dumps of real accounts
//! (Batfish's layouts or any tree of CLI output) into a server or a data
//! directory; and the in-memory world `trace --snapshot`/`matrix --snapshot`
//! answer from.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use serde_json::{json, Value};
use xvpc_api::snapshot::import::{DumpFile, Options};
use xvpc_api::snapshot::Outcome;
use xvpc_api::App;
use xvpc_store::SqliteStore;

use crate::client;

/// Options of `xvpc export`.
#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// Where to write `aws_configs/accounts/<account>/<region>/<Name>.json`.
    pub dir: PathBuf,
    /// The server to export (default: $XVPC_ENDPOINT, $AWS_ENDPOINT_URL, http://127.0.0.1:4566).
    #[arg(long)]
    pub endpoint: Option<String>,
    /// Export a server's data directory instead (the server must not be running).
    #[arg(long, conflicts_with = "endpoint")]
    pub data_dir: Option<PathBuf>,
}

/// Options of `xvpc import`.
#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// A dump: Batfish's `aws_configs/...` layout, or any tree of `*.json`
    /// AWS CLI describe output.
    pub dir: PathBuf,
    /// The server to import into (default: $XVPC_ENDPOINT, $AWS_ENDPOINT_URL, http://127.0.0.1:4566).
    #[arg(long)]
    pub endpoint: Option<String>,
    /// Import into a data directory instead (the server must not be running).
    #[arg(long, conflicts_with = "endpoint")]
    pub data_dir: Option<PathBuf>,
    /// The account of files whose layout and items name none.
    #[arg(long)]
    pub account: Option<String>,
    /// The Region of files whose layout and items name none.
    #[arg(long)]
    pub region: Option<String>,
    /// Refuse to import anything when some items are of kinds xvpc does not model.
    #[arg(long)]
    pub strict: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// An app over a data directory's store.
fn open_data_dir(dir: &Path) -> anyhow::Result<App> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let db = dir.join("xvpc.db");
    let store = SqliteStore::open(&db).with_context(|| format!("opening {}", db.display()))?;
    App::new(Box::new(store), Default::default()).map_err(|e| anyhow::anyhow!("loading {}: {e}", db.display()))
}

pub fn export(args: ExportArgs) -> anyhow::Result<i32> {
    let files = match &args.data_dir {
        Some(dir) => {
            let app = open_data_dir(dir)?;
            let (status, v) = xvpc_api::snapshot::export_endpoint(&app);
            if status != 200 {
                bail!("export failed: {v}");
            }
            v
        }
        None => {
            let ep = client::endpoint(args.endpoint.as_deref());
            let (status, v) = client::request(&ep, "GET", "/_xvpc/export", None)?;
            if status != 200 {
                bail!("{ep}/_xvpc/export answered {status}: {v}");
            }
            v
        }
    };
    let files = files.get("files").and_then(Value::as_object).cloned().unwrap_or_default();
    for (path, json) in &files {
        let target = args.dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        let mut text = serde_json::to_string_pretty(json)?;
        text.push('\n');
        std::fs::write(&target, text).with_context(|| format!("writing {}", target.display()))?;
    }
    errln!("xvpc export: wrote {} file(s) under {}", files.len(), args.dir.display());
    Ok(0)
}

/// A terminal progress bar on standard error (silent when it is not a tty).
struct Progress {
    on: bool,
    total: usize,
    label: &'static str,
}

impl Progress {
    fn new(label: &'static str, total: usize) -> Progress {
        Progress { on: std::io::stderr().is_terminal(), total, label }
    }

    fn set(&self, done: usize) {
        if self.on && (done % 16 == 0 || done == self.total) {
            let width = 30;
            let filled = if self.total == 0 { width } else { done * width / self.total };
            err!("\r{} [{}{}] {done}/{} files", self.label, "#".repeat(filled), " ".repeat(width - filled), self.total);
        }
    }

    fn finish(&self) {
        if self.on {
            errln!();
        }
    }
}

/// One file of a dump as read: its path under the dump, the account and
/// Region its path names, and its text (checked to be JSON).
pub struct RawFile {
    path: String,
    account: Option<String>,
    region: Option<String>,
    text: String,
}

/// Every `*.json` file under `dir`, sorted, with the account and Region its
/// path names: Batfish's `aws_configs/accounts/<id>/<region>/` or
/// `aws_configs/<region>/`, or any directory named like an account id or a
/// Region in a plain tree.
pub fn read_raw(dir: &Path) -> anyhow::Result<Vec<RawFile>> {
    let mut paths = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).with_context(|| format!("reading {}", d.display()))?;
        for e in entries {
            let p = e?.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                paths.push(p);
            }
        }
    }
    paths.sort();
    let progress = Progress::new("reading", paths.len());
    let mut out = Vec::new();
    for (n, p) in paths.iter().enumerate() {
        let rel = p.strip_prefix(dir).unwrap_or(p);
        let parts: Vec<String> = rel.iter().map(|c| c.to_string_lossy().into_owned()).collect();
        let dirs = &parts[..parts.len().saturating_sub(1)];
        let account = dirs.iter().rev().find(|c| xvpc_model::ids::is_account_id(c)).cloned();
        let region = dirs.iter().rev().find(|c| xvpc_model::region::region(c).is_some()).cloned();
        let text = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
        // Checked here so a truncated file is named with its line and column.
        serde_json::from_str::<serde::de::IgnoredAny>(&text)
            .map_err(|e| anyhow::anyhow!("{}: not JSON (line {}, column {}): {e}", rel.display(), e.line(), e.column()))?;
        out.push(RawFile { path: rel.display().to_string(), account, region, text });
        progress.set(n + 1);
    }
    progress.finish();
    Ok(out)
}

/// The dump's files, parsed.
pub fn read_dump(dir: &Path) -> anyhow::Result<Vec<DumpFile>> {
    read_raw(dir)?
        .into_iter()
        .map(|f| Ok(DumpFile { json: serde_json::from_str(&f.text)?, path: f.path, account: f.account, region: f.region }))
        .collect()
}

/// The body of `POST /_xvpc/import`, the files' texts spliced in as they are
/// (no second parse and print of a large dump on the client).
fn import_body(files: &[RawFile], args: &ImportArgs) -> String {
    let mut body = String::from("{\"files\":[");
    for (i, f) in files.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        let head = json!({ "path": f.path, "account": f.account, "region": f.region }).to_string();
        body.push_str(&head[..head.len() - 1]);
        body.push_str(",\"json\":");
        body.push_str(&f.text);
        body.push('}');
    }
    let tail = json!({ "account": args.account, "region": args.region, "strict": args.strict }).to_string();
    body.push_str("],");
    body.push_str(&tail[1..]);
    body
}

/// Prints the summary: per account and Region, per kind, imported/skipped
/// (a closed standard output, as under `| head`, ends quietly).
fn print_summary(v: &Value) {
    use std::fmt::Write as _;
    let rows = v.get("summary").and_then(Value::as_array).cloned().unwrap_or_default();
    let mut out = format!("{:<14} {:<16} {:<36} {:>8} {:>8}\n", "ACCOUNT", "REGION", "KIND", "IMPORTED", "SKIPPED");
    for r in rows {
        let t = |k: &str| r.get(k).map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string)).unwrap_or_default();
        let _ = writeln!(out, "{:<14} {:<16} {:<36} {:>8} {:>8}", t("account"), t("region"), t("kind"), t("imported"), t("skipped"));
    }
    crate::out::stdout(&out);
}

pub fn import(args: ImportArgs) -> anyhow::Result<i32> {
    let (status, v) = match &args.data_dir {
        Some(dir) => {
            let files = read_dump(&args.dir)?;
            let app = open_data_dir(dir)?;
            outcome(import_local(&app, &files, &args)?)
        }
        None => {
            let body = import_body(&read_raw(&args.dir)?, &args);
            client::request_raw(&client::endpoint(args.endpoint.as_deref()), "POST", "/_xvpc/import", body.as_bytes())?
        }
    };
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&v)?);
    } else if v.get("summary").is_some() {
        print_summary(&v);
    }
    match status {
        200 => Ok(0),
        409 => {
            errln!("xvpc import: {}", v.get("error").and_then(Value::as_str).unwrap_or("refused"));
            Ok(1)
        }
        _ => bail!("{}", v.get("error").and_then(Value::as_str).unwrap_or("import failed")),
    }
}

fn import_local(app: &App, files: &[DumpFile], args: &ImportArgs) -> anyhow::Result<Outcome> {
    let opts = Options { account: args.account.clone(), region: args.region.clone(), now: app.clock.now() };
    xvpc_api::snapshot::import_into(app, files, &opts, args.strict).map_err(|e| anyhow::anyhow!("writing the store: {e:?}"))
}

/// An outcome as the server's endpoint would answer it.
fn outcome(o: Outcome) -> (u16, Value) {
    match o {
        Outcome::Imported(s) => (200, json!({ "summary": s.to_json(), "skipped": s.skipped() })),
        Outcome::Skipped(s) => (409, json!({ "error": format!("--strict: {} item(s) of kinds xvpc does not model; nothing imported", s.skipped()), "summary": s.to_json() })),
        Outcome::Refused(e) => (400, json!({ "error": e.to_string(), "file": e.file, "path": e.path })),
    }
}

/// An emulator in memory holding only the dump at `dir`: what `trace
/// --snapshot` and `matrix --snapshot` ask instead of a server.
pub fn in_memory(dir: &Path) -> anyhow::Result<App> {
    let files = read_dump(dir)?;
    let store = SqliteStore::in_memory().map_err(|e| anyhow::anyhow!("{e}"))?;
    let app = App::new(Box::new(store), Default::default()).map_err(|e| anyhow::anyhow!("{e}"))?;
    let opts = Options { account: None, region: None, now: app.clock.now() };
    match xvpc_api::snapshot::import_into(&app, &files, &opts, false).map_err(|e| anyhow::anyhow!("{e:?}"))? {
        Outcome::Refused(e) => bail!("{e}"),
        _ => Ok(app),
    }
}

/// Asks an operator endpoint of the snapshot's in-memory emulator, or of
/// the server: (status, JSON) either way.
pub fn ask(snapshot: Option<&Path>, endpoint: Option<&str>, method: &str, path: &str, body: &Value) -> anyhow::Result<(u16, Value)> {
    match snapshot {
        Some(dir) => {
            let app = in_memory(dir)?;
            let req = xvpc_wire::HttpRequest { method: method.into(), path: path.into(), query: String::new(), headers: Vec::new(), body: body.to_string().into_bytes() };
            let resp = app.handle(req);
            let v: Value = serde_json::from_slice(&resp.body).context("the engine's answer is not JSON")?;
            Ok((resp.status, v))
        }
        None => client::request(&client::endpoint(endpoint), method, path, Some(body)),
    }
}
