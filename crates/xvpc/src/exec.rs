//! `xvpc exec <instance-id> -- <command...>`: runs a command inside an
//! instance's network namespace, as if logged in to it. The server (run
//! with `--dataplane netns`) says which namespace; the command then
//! replaces this process via `ip netns exec`, so stdio, signals and the exit
//! code are the command's own. In an instance the command gets the
//! instance's environment (its account's credentials and region, the run's
//! TLS authority: `xvpc_netns::instance_environment`), so the AWS CLI
//! calls AWS's regional hostnames as on EC2.

use std::os::unix::process::CommandExt;

use anyhow::bail;

/// Options of `xvpc exec`.
#[derive(clap::Args, Debug)]
pub struct ExecArgs {
    /// The server (default: XVPC_ENDPOINT, AWS_ENDPOINT_URL, or http://127.0.0.1:4566).
    #[arg(long)]
    pub endpoint: Option<String>,
    /// An instance id (`i-...`), an ENI id (`eni-...`), or STACK/LogicalId
    /// (an instance or ENI a CloudFormation stack made).
    pub target: String,
    /// The command and its arguments (after `--`).
    #[arg(last = true, required = true)]
    pub command: Vec<String>,
    #[command(flatten)]
    pub scope: crate::client::CallerScope,
}

pub fn run(args: ExecArgs) -> anyhow::Result<()> {
    let endpoint = crate::client::endpoint(args.endpoint.as_deref());
    let (account, region) = args.scope.json();
    let query = format!("?account={}&region={}", account.unwrap_or_default(), region.unwrap_or_default());
    let (status, v) = crate::client::request(&endpoint, "GET", &format!("/_xvpc/netns/{}{query}", args.target), None)?;
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
    // An instance's command sees its own /srv and /var/www (those its user
    // data wrote); an ENI's sees the host's.
    let mut cmd = match v.get("home").and_then(|h| h.as_str()) {
        Some(home) => xvpc_netns::guest_files::command(&ns, std::path::Path::new(home)),
        None => {
            let mut c = std::process::Command::new("ip");
            c.args(["netns", "exec", &ns]);
            c
        }
    };
    cmd.args(&args.command);
    // An instance's processes get its credentials and none of the host's
    // AWS settings (an ENI id gets the caller's environment as it is).
    if let Some(env) = v.get("environment").and_then(|e| e.as_object()) {
        for (k, _) in std::env::vars_os() {
            if k.to_str().is_some_and(xvpc_netns::instance_environment::cleared) {
                cmd.env_remove(k);
            }
        }
        cmd.envs(env.iter().filter_map(|(k, v)| v.as_str().map(|v| (k, v))));
    }
    let err = cmd.exec();
    bail!("running `ip netns exec {ns} ...`: {err}")
}
