//! `xvpc matrix`: which instances reach which, on one protocol and port,
//! computed by the server on equivalence classes.

use serde_json::{json, Value};

use crate::paint::Paint;

/// Options of `xvpc matrix`.
#[derive(clap::Args, Debug)]
pub struct MatrixArgs {
    /// Destination port.
    #[arg(long, default_value_t = 80)]
    pub port: u16,
    /// tcp, udp, icmp or a protocol number.
    #[arg(long, default_value = "tcp")]
    pub protocol: String,
    /// Only instances with this tag (`Key=Value`, or `Key`).
    #[arg(long)]
    pub tag: Option<String>,
    /// Only the instances this CloudFormation stack made (rows then read
    /// STACK/LogicalId).
    #[arg(long)]
    pub stack: Option<String>,
    /// Only the instances of an organization's accounts: `--organization`
    /// alone for the organization of --account (or the only one), or its id.
    #[arg(long, num_args = 0..=1, default_missing_value = "")]
    pub organization: Option<String>,
    /// Only the instances of accounts in this OU (`ou-…`) or below it.
    #[arg(long)]
    pub ou: Option<String>,
    /// The xvpc server (default: $XVPC_ENDPOINT, $AWS_ENDPOINT_URL, http://127.0.0.1:4566).
    #[arg(long)]
    pub endpoint: Option<String>,
    /// Print the matrix as JSON.
    #[arg(long)]
    pub json: bool,
    /// Answer from a dump (see `xvpc import`) without a server.
    #[arg(long, conflicts_with = "endpoint")]
    pub snapshot: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub scope: crate::client::CallerScope,
}

pub fn run(args: MatrixArgs) -> anyhow::Result<i32> {
    let (account, region) = args.scope.json();
    let body = json!({ "protocol": args.protocol, "port": args.port, "tag": args.tag, "stack": args.stack, "account": account, "region": region,
                       "organization": args.organization, "ou": args.ou });
    let (status, v) = crate::snapshot::ask(args.snapshot.as_deref(), args.endpoint.as_deref(), "POST", "/_xvpc/matrix", &body)?;
    if status != 200 {
        errln!("xvpc matrix: {}", v.get("error").and_then(Value::as_str).unwrap_or("failed"));
        return Ok(2);
    }
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        out!("{}", render(&v, &Paint::stdout()));
    }
    Ok(0)
}

/// A table: one row per source instance, one column per destination.
pub fn render(v: &Value, p: &Paint) -> String {
    let inst = v["instances"].as_array().cloned().unwrap_or_default();
    // The Name tag, else the stack's logical id, else the bare id.
    let label = |i: &Value| {
        let base = match i["name"].as_str().or(i["stack_ref"].as_str()) {
            Some(n) => format!("{n} ({})", i["id"].as_str().unwrap_or("")),
            None => i["id"].as_str().unwrap_or("").to_string(),
        };
        // In an organization, the account's place: rows read by OU.
        match i["ou"].as_str() {
            Some(ou) => format!("{base} [{} {ou}]", i["owner"].as_str().unwrap_or("")),
            None => base,
        }
    };
    let mut out = format!("{} instances, {} equivalence classes, {}/{}\n\n", inst.len(), v["classes"], v["protocol"], v["port"]);
    let width = inst.iter().map(|i| label(i).len()).max().unwrap_or(0);
    out += &format!("{:width$}  {}\n", "from \\ to", (1..=inst.len()).map(|n| format!("{n:>3}")).collect::<String>());
    for (r, i) in inst.iter().enumerate() {
        let cells: String = (0..inst.len())
            .map(|c| {
                if v["reachable"][r][c].as_bool() == Some(true) {
                    format!("  {}", p.green("+"))
                } else {
                    format!("  {}", p.dim("."))
                }
            })
            .collect();
        out += &format!("{:width$}  {cells}   {}\n", label(i), r + 1);
    }
    out += "\n+ reachable   . blocked (xvpc trace --from A --to B explains why)\n";
    out
}
