//! The `xvpc` binary: the server and the operator's command-line tools.

mod serve;

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
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => serve::run(args),
    }
}
