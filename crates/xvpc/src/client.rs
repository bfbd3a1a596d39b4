//! A minimal HTTP/1.0 client for the operator endpoints (`/_xvpc/...`) of
//! a running server on loopback: JSON in, JSON out, no dependencies.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use anyhow::{anyhow, bail, Context};
use serde_json::Value;

/// The server to talk to: `--endpoint`, else `XVPC_ENDPOINT`, else
/// `AWS_ENDPOINT_URL`, else the default listen address.
pub fn endpoint(flag: Option<&str>) -> String {
    flag.map(str::to_string)
        .or_else(|| std::env::var("XVPC_ENDPOINT").ok().filter(|s| !s.is_empty()))
        .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "http://127.0.0.1:4566".into())
}

/// Sends `method path` with an optional JSON body; returns (status, JSON).
pub fn request(endpoint: &str, method: &str, path: &str, body: Option<&Value>) -> anyhow::Result<(u16, Value)> {
    let payload = body.map(|b| b.to_string()).unwrap_or_default();
    request_raw(endpoint, method, path, payload.as_bytes())
}

/// [`request`] with a body already written as JSON text.
pub fn request_raw(endpoint: &str, method: &str, path: &str, payload: &[u8]) -> anyhow::Result<(u16, Value)> {
    let rest = endpoint.strip_prefix("http://").ok_or_else(|| anyhow!("endpoint must be http://host:port, got {endpoint}"))?;
    let host = rest.trim_end_matches('/');
    let mut stream = TcpStream::connect(host).with_context(|| format!("connecting to {endpoint} (is `xvpc serve` running?)"))?;
    stream.set_read_timeout(Some(Duration::from_secs(120)))?;
    let head = format!(
        "{method} {path} HTTP/1.0\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        payload.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(payload)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").ok_or_else(|| anyhow!("malformed HTTP response"))?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let status: u16 = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).ok_or_else(|| anyhow!("malformed status line"))?;
    let body = &raw[split + 4..];
    if body.is_empty() {
        bail!("empty response (status {status})");
    }
    let v: Value = serde_json::from_slice(body).with_context(|| format!("response is not JSON (status {status})"))?;
    Ok((status, v))
}

/// Where `STACK/LogicalId` references are looked up: the caller's account
/// and Region. Each comes from its flag, else the AWS environment (a
/// 12-digit `AWS_ACCESS_KEY_ID` is the account, as the server reads it;
/// `AWS_REGION`, `AWS_DEFAULT_REGION`); unknown means any.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct CallerScope {
    /// Account whose stacks `STACK/LogicalId` names (default: a 12-digit $AWS_ACCESS_KEY_ID, else any account).
    #[arg(long)]
    pub account: Option<String>,
    /// Region of those stacks (default: $AWS_REGION, $AWS_DEFAULT_REGION, else any Region).
    #[arg(long)]
    pub region: Option<String>,
}

impl CallerScope {
    /// The `account` and `region` members of an operator request.
    pub fn json(&self) -> (Option<String>, Option<String>) {
        let env = |k: &str| std::env::var(k).ok().filter(|s| !s.is_empty());
        let account = self
            .account
            .clone()
            .or_else(|| env("AWS_ACCESS_KEY_ID").filter(|k| xvpc_model::ids::is_account_id(k)));
        let region = self.region.clone().or_else(|| env("AWS_REGION")).or_else(|| env("AWS_DEFAULT_REGION"));
        (account, region)
    }
}
