//! Where flow log records go once the engine (or the data plane) has said
//! what each interface saw: kept in memory for `GET /_xvpc/flow-logs`, and
//! written to the flow log's destination when xvpc can write it: a host
//! file or directory (`s3` with `file:///...`, xvpc's extension), or an
//! emulated CloudWatch Logs group (one stream per interface,
//! `<eni>-<traffic type>`, read by `crate::logs`).
//!
//! Records are not part of the stored state (AWS keeps them in the
//! destination, not in EC2): a restart keeps the files, not the memory.

use std::collections::BTreeMap;
use std::io::Write;

use serde_json::{json, Value};
use xvpc_model::flow_log::{FlowLog, Record};
use xvpc_model::State;
use xvpc_reach::flow_log::FlowRecord;
use xvpc_reach::{Analysis, Blocker};

use crate::App;

/// At most this many records are kept in memory per flow log (the oldest
/// go first); files keep everything.
const KEPT: usize = 10_000;

/// One delivered record.
#[derive(Debug, Clone)]
pub struct Delivered {
    /// The line in the flow log's format, as AWS writes it.
    pub line: String,
    pub record: Record,
    /// For a REJECT the engine explains: the blocker `xvpc trace` names.
    pub blocker: Option<Blocker>,
}

/// The records delivered so far, per flow log id.
#[derive(Debug, Default)]
pub struct FlowRecords {
    by_flow_log: BTreeMap<String, Vec<Delivered>>,
    /// Source ports handed to traced flows (each flow its own).
    next_port: u16,
    /// CloudWatch Logs events: group ARN -> stream -> (ms, message).
    groups: BTreeMap<String, BTreeMap<String, Vec<(i64, String)>>>,
    /// Records come from real packets (`--dataplane netns`), not analyses.
    from_packets: bool,
}

/// A log stream as DescribeLogStreams lists it.
pub struct Stream {
    pub name: String,
    pub first_ms: i64,
    pub last_ms: i64,
}

/// The streams flow logs wrote to the group `arn`.
pub fn streams(app: &App, arn: &str) -> Vec<Stream> {
    let kept = app.flow_records();
    let Some(g) = kept.groups.get(arn) else { return Vec::new() };
    g.iter()
        .map(|(name, ev)| Stream { name: name.clone(), first_ms: ev.first().map_or(0, |e| e.0), last_ms: ev.last().map_or(0, |e| e.0) })
        .collect()
}

/// The events of one stream, oldest first; `None` for no such stream.
pub fn events(app: &App, arn: &str, stream: &str) -> Option<Vec<(i64, String)>> {
    app.flow_records().groups.get(arn)?.get(stream).cloned()
}

/// Forgets a deleted group's events.
pub fn forget_group(app: &App, arn: &str) {
    app.flow_records().groups.remove(arn);
}

impl FlowRecords {
    fn source_port(&mut self) -> u16 {
        // Linux's ephemeral range, 32768-60999.
        let p = 32768 + self.next_port % 28232;
        self.next_port = self.next_port.wrapping_add(1);
        p
    }
}

/// Records what the covering flow logs would write for an analysed flow
/// (`xvpc trace`, StartNetworkInsightsAnalysis), unless the records come
/// from real packets: an analysis sends none.
pub fn record_analysis(app: &App, state: &State, a: &Analysis) {
    if app.flow_records().from_packets {
        return;
    }
    let sport = app.flow_records().source_port();
    let records = xvpc_reach::flow_log::records(state, a, app.clock.now() / 1000, sport);
    deliver(app, state, records);
}

/// From now on, records come from the packets the data plane sees.
pub fn from_packets(app: &App) {
    app.flow_records().from_packets = true;
}

/// Records flows the data plane saw at interfaces (times in the host's
/// clock, moved to the emulated one), each REJECT with the engine's blocker.
pub fn record_packets(app: &App, mut seen: Vec<xvpc_reach::flow_log::Seen>) {
    let now_ms = app.clock.now();
    let host_s = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    let shift = now_ms / 1000 - host_s;
    for s in &mut seen {
        s.start += shift;
        s.end += shift;
    }
    let state = app.snapshot();
    let records = xvpc_reach::flow_log::packet_records(&state, now_ms, seen);
    deliver(app, &state, records);
}

/// Delivers records: memory, and each flow log's file destination.
pub fn deliver(app: &App, state: &State, records: Vec<FlowRecord>) {
    if records.is_empty() {
        return;
    }
    let mut kept = app.flow_records();
    for r in records {
        let Some(f) = state.flow_logs.get(&r.flow_log_id) else { continue };
        let line = r.record.line(&f.fields());
        if let Err(e) = write_file(f, &line) {
            eprintln!("xvpc: flow log {} could not write to {}: {e}", f.id, f.destination);
        }
        let group = f.destination.trim_end_matches(":*");
        if f.destination_type == "cloud-watch-logs" && state.log_groups.contains_key(group) {
            let stream = format!("{}-{}", r.record.interface_id, f.traffic_type.to_lowercase());
            kept.groups.entry(group.to_string()).or_default().entry(stream).or_default().push((r.record.start * 1000, line.clone()));
        }
        let v = kept.by_flow_log.entry(f.id.clone()).or_default();
        if v.len() >= KEPT {
            v.remove(0);
        }
        v.push(Delivered { line, record: r.record, blocker: r.blocker });
    }
}

/// Appends a line to a `file:///` destination: the path itself when it
/// names a `.log` file or an existing file, else `<dir>/<flow-log-id>.log`
/// (a new file starts with the header line of field names, as AWS's S3
/// log files do).
fn write_file(f: &FlowLog, line: &str) -> std::io::Result<()> {
    let Some(path) = f.file_path() else { return Ok(()) };
    let path = std::path::Path::new(path);
    let file = if path.is_file() || path.extension().is_some_and(|e| e == "log") {
        path.to_path_buf()
    } else {
        std::fs::create_dir_all(path)?;
        path.join(format!("{}.log", f.id))
    };
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let new = !file.exists();
    let mut out = std::fs::OpenOptions::new().create(true).append(true).open(&file)?;
    if new {
        writeln!(out, "{}", f.fields().join(" "))?;
    }
    writeln!(out, "{line}")
}

/// `GET /_xvpc/flow-logs[?flow_log_id=fl-...]`: every flow log (or one)
/// with the records delivered to it, each as its line, its fields and,
/// for a REJECT, the blocker.
pub fn list(app: &App, query: &str) -> (u16, Value) {
    let want: Option<String> = form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "flow_log_id").map(|(_, v)| v.into_owned());
    let state = app.snapshot();
    let kept = app.flow_records();
    let mut out = serde_json::Map::new();
    for f in state.flow_logs.values().filter(|f| want.as_ref().is_none_or(|w| *w == f.id)) {
        let records: Vec<Value> = kept
            .by_flow_log
            .get(&f.id)
            .map(|v| v.iter().map(|d| json!({ "line": d.line, "record": d.record, "blocker": d.blocker })).collect())
            .unwrap_or_default();
        out.insert(
            f.id.clone(),
            json!({
                "owner": f.owner, "region": f.region, "resource_id": f.resource_id, "traffic_type": f.traffic_type,
                "log_destination_type": f.destination_type, "log_destination": f.destination, "log_format": f.log_format,
                "records": records,
            }),
        );
    }
    match want {
        Some(w) if out.is_empty() => (404, json!({ "error": format!("no flow log {w}") })),
        _ => (200, json!({ "flow_logs": out })),
    }
}

/// Forgets every record (the server's reset).
pub fn reset(app: &App) {
    let mut kept = app.flow_records();
    let from_packets = kept.from_packets;
    *kept = FlowRecords { from_packets, ..FlowRecords::default() };
}
