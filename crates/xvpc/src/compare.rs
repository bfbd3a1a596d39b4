//! `xvpc compare`: peering vs PrivateLink vs transit gateway for one pair
//! of instances: possible?, direction, what to create and by whom,
//! throughput limit, cost estimate.

use serde_json::{json, Value};

use crate::client;
use crate::paint::Paint;

/// Options of `xvpc compare`.
#[derive(clap::Args, Debug)]
pub struct CompareArgs {
    /// Source instance, by id or STACK/LogicalId (the consumer for PrivateLink).
    #[arg(long)]
    pub from: String,
    /// Destination instance, by id or STACK/LogicalId (the provider for PrivateLink).
    #[arg(long)]
    pub to: String,
    /// Destination port.
    #[arg(long, default_value_t = 80)]
    pub port: u16,
    /// Monthly traffic for the cost estimate, in GB.
    #[arg(long, default_value_t = 100.0)]
    pub gb_per_month: f64,
    /// The xvpc server (default: $XVPC_ENDPOINT, $AWS_ENDPOINT_URL, http://127.0.0.1:4566).
    #[arg(long)]
    pub endpoint: Option<String>,
    /// Print the comparison as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub scope: client::CallerScope,
}

pub fn run(args: CompareArgs) -> anyhow::Result<i32> {
    let (account, region) = args.scope.json();
    let body = json!({ "from": args.from, "to": args.to, "port": args.port, "gb_per_month": args.gb_per_month, "account": account, "region": region });
    let (status, v) = client::request(&client::endpoint(args.endpoint.as_deref()), "POST", "/_xvpc/compare", Some(&body))?;
    if status != 200 {
        errln!("xvpc compare: {}", v.get("error").and_then(Value::as_str).unwrap_or("failed"));
        return Ok(2);
    }
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        out!("{}", render(&v, &Paint::stdout()));
    }
    Ok(0)
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

pub fn render(v: &Value, p: &Paint) -> String {
    let end = |e: &Value| format!("{} in {} ({}, account {}, {})", s(&e["instance"]), s(&e["vpc"]), e["cidrs"].as_array().map(|c| c.iter().map(|x| s(x).to_string()).collect::<Vec<_>>().join(", ")).unwrap_or_default(), s(&e["account"]), s(&e["region"]));
    let mut out = format!("{} {}\n     -> {}\n     port {}, {} GB/month, prices as of {}\n", p.bold("compare"), end(&v["from"]), end(&v["to"]), v["port"], v["gb_per_month"], s(&v["pricing_as_of"]));
    for o in v["options"].as_array().into_iter().flatten() {
        let ok = o["possible"].as_bool() == Some(true);
        out += &format!("\n{} {}\n", p.bold(s(&o["kind"])), if ok { p.green("possible") } else { p.red("not possible") });
        for r in o["reasons"].as_array().into_iter().flatten() {
            out += &format!("  - {}\n", s(r));
        }
        out += &format!("  direction:  {}\n  throughput: {}\n", s(&o["direction"]), s(&o["throughput"]));
        let c = &o["cost"];
        out += &format!(
            "  cost:       ${:.4}/h + ${:.3}/GB = about ${:.2}/month ({})\n",
            c["hourly_usd"].as_f64().unwrap_or(0.0),
            c["per_gb_usd"].as_f64().unwrap_or(0.0),
            c["monthly_usd"].as_f64().unwrap_or(0.0),
            s(&c["notes"])
        );
        if let Some(e) = o["existing"].as_str() {
            out += &format!("  existing:   {e}\n");
        }
        if ok {
            out += "  to create:\n";
            for st in o["steps"].as_array().into_iter().flatten() {
                out += &format!("    [{}] {}\n        {}\n", p.bold(s(&st["account"])), s(&st["why"]), p.yellow(s(&st["command"])));
            }
        }
    }
    out
}
