//! The `xvpc` binary: the server and the operator's command-line tools.

mod client;
mod paint;
mod dataplane;
#[cfg(unix)]
mod exec;
mod serve;
mod trace;

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
    /// Run the emulator (EC2, ELBv2, RAM and STS on one endpoint).
    Serve(serve::ServeArgs),
    /// Can this reach that? Every hop, every blocker and its fix (exit 0 reachable, 1 blocked).
    Trace(trace::TraceArgs),
    /// Run a command inside an instance's network namespace (needs a server
    /// started with `--dataplane netns`), e.g. `xvpc exec i-0abc -- curl -s http://10.1.1.4/`.
    #[cfg(unix)]
    Exec(exec::ExecArgs),
}

/// Ends the process with a command's status (errors are status 2).
fn exit(r: anyhow::Result<i32>) -> anyhow::Result<()> {
    match r {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("xvpc: {e:#}");
            std::process::exit(2)
        }
    }
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => serve::run(args),
        Command::Trace(args) => exit(trace::run(args)),
        #[cfg(unix)]
        Command::Exec(args) => exec::run(args),
    }
}
