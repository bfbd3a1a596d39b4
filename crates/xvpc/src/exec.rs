//! `xvpc exec <instance-id> -- <command...>`: runs a command inside an
//! instance's network namespace, as if logged in to it. The server (run
//! with `--dataplane netns`) says which namespace; the command then
//! replaces this process via `ip netns exec`, so stdio, signals and the exit
//! code are the command's own.

use std::os::unix::process::CommandExt;

use anyhow::bail;

/// Options of `xvpc exec`.
#[derive(clap::Args, Debug)]
pub struct ExecArgs {
    /// The server (default: XVPC_ENDPOINT, AWS_ENDPOINT_URL, or http://127.0.0.1:4566).
    #[arg(long)]
    pub endpoint: Option<String>,
    /// An instance id (`i-...`), or an ENI id (`eni-...`).
    pub target: String,
    /// The command and its arguments (after `--`).
    #[arg(last = true, required = true)]
    pub command: Vec<String>,
}

pub fn run(args: ExecArgs) -> anyhow::Result<()> {
    let endpoint = crate::client::endpoint(args.endpoint.as_deref());
    let (status, v) = crate::client::request(&endpoint, "GET", &format!("/_xvpc/netns/{}", args.target), None)?;
    let field = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
    match status {
        200 => {}
        404 if field("error").starts_with("no operational endpoint") => {
            bail!("the server at {} runs without a data plane: start it with `xvpc serve --dataplane netns`", endpoint)
        }
        409 => bail!("instance {} is {}, not running", args.target, field("state")),
        _ => bail!("{}: {}", args.target, if field("error").is_empty() { v.to_string() } else { field("error") }),
    }
    let ns = field("namespace");
    let err = std::process::Command::new("ip").args(["netns", "exec", &ns]).args(&args.command).exec();
    bail!("running `ip netns exec {ns} ...`: {err}")
}
