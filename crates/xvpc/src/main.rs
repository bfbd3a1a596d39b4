//! The `xvpc` binary: the server and the operator's command-line tools.

#[macro_use]
mod out;
mod client;
mod console;
mod credentials;
mod diagram;
mod compare;
mod matrix;
mod paint;
mod dataplane;
#[cfg(unix)]
mod exec;
mod serve;
mod snapshot;
mod trace;

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};

/// xvpc: a local, persistent emulator of AWS networking across accounts.
#[derive(Parser)]
#[command(name = "xvpc", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the emulator (EC2, ELBv2, RAM, STS, and RDS/ElastiCache/Redshift subnet groups on one endpoint).
    Serve(serve::ServeArgs),
    /// Can this reach that? Every hop, every blocker and its fix (exit 0 reachable, 1 blocked).
    Trace(trace::TraceArgs),
    /// Which instances reach which (on equivalence classes).
    Matrix(matrix::MatrixArgs),
    /// Peering vs PrivateLink vs transit gateway for one pair of instances.
    Compare(compare::CompareArgs),
    /// Run a command inside an instance's network namespace (needs a server
    /// started with `--dataplane netns`), e.g. `xvpc exec i-0abc -- curl -s http://10.1.1.4/`.
    #[cfg(unix)]
    Exec(exec::ExecArgs),
    /// Write a server's state as AWS CLI describe output in Batfish's layout.
    Export(snapshot::ExportArgs),
    /// Read describe-* dumps of real accounts (Batfish's layouts or AWS CLI
    /// output) into a server or a data directory, in one atomic step.
    Import(snapshot::ImportArgs),
    /// Draw a running server's network (the console's map) as SVG, DOT or Mermaid.
    Diagram(DiagramArgs),
    /// Manage the access keys kept in the store (add, list, revoke).
    Credentials(credentials::CredentialsArgs),
}

/// Ends the process with a command's status (errors are status 2).
fn exit(r: anyhow::Result<i32>) -> anyhow::Result<()> {
    match r {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            errln!("xvpc: {e:#}");
            std::process::exit(2)
        }
    }
}

/// Options of `xvpc diagram`.
#[derive(clap::Args, Debug)]
struct DiagramArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "svg")]
    format: diagram::Format,
    /// The server to draw (default: $XVPC_ENDPOINT, $AWS_ENDPOINT_URL, else http://127.0.0.1:4566).
    #[arg(long)]
    endpoint: Option<String>,
    /// Draw a saved operator view (the JSON of GET /_xvpc/state) instead of asking a server.
    #[arg(long, conflicts_with = "endpoint")]
    state: Option<PathBuf>,
    /// Write to this file instead of standard output.
    #[arg(short = 'o', long)]
    output: Option<PathBuf>,
    /// Group each region's VPCs by the CloudFormation stack that made them
    /// (`stack`; the rest framed as "not in a stack").
    #[arg(long, value_enum, default_value = "none")]
    group_by: diagram::GroupBy,
}

fn diagram_cmd(args: DiagramArgs) -> anyhow::Result<()> {
    let (state, now) = match &args.state {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
            diagram::state_from_view(serde_json::from_str(&text).context("the state file is not JSON")?)?
        }
        None => {
            let url = client::endpoint(args.endpoint.as_deref());
            let (status, view) = client::request(&url, "GET", "/_xvpc/state", None)?;
            if status != 200 {
                anyhow::bail!("{url}/_xvpc/state answered {status}: {view}");
            }
            diagram::state_from_view(view)?
        }
    };
    let out = diagram::render(&state, now, args.format, args.group_by);
    match &args.output {
        Some(path) => std::fs::write(path, out).with_context(|| format!("writing {}", path.display()))?,
        None => out::stdout(&out),
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => serve::run(args),
        Command::Trace(args) => exit(trace::run(args)),
        Command::Matrix(args) => exit(matrix::run(args)),
        Command::Compare(args) => exit(compare::run(args)),
        #[cfg(unix)]
        Command::Exec(args) => exec::run(args),
        Command::Diagram(args) => diagram_cmd(args),
        Command::Credentials(args) => credentials::run(args),
        Command::Export(args) => exit(snapshot::export(args)),
        Command::Import(args) => exit(snapshot::import(args)),
    }
}
