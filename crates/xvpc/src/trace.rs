//! `xvpc trace`: can this reach that? Asks the running server's
//! reachability engine and prints the forward and return hops, then every
//! blocker with the command that fixes it and the account that must run it.
//! Exit status 0 when reachable, 1 when blocked, 2 on error.

use serde_json::{json, Value};

use crate::paint::Paint;

/// Options of `xvpc trace`.
#[derive(clap::Args, Debug)]
pub struct TraceArgs {
    /// Source: instance (i-...), ENI (eni-...), IP address (IPv4 or IPv6),
    /// or STACK/LogicalId (an instance or ENI a CloudFormation stack made).
    #[arg(long)]
    pub from: String,
    /// Destination: instance, ENI, VPC endpoint (vpce-...), NLB ARN, IP
    /// address or STACK/LogicalId.
    #[arg(long)]
    pub to: Option<String>,
    /// Destination address (alone, or to pick an address of --to; an IPv6
    /// one asks about IPv6).
    #[arg(long)]
    pub to_ip: Option<String>,
    /// Source address (default: the source's primary private IP, or its
    /// first IPv6 address when the question is about IPv6).
    #[arg(long)]
    pub from_ip: Option<String>,
    /// tcp, udp, icmp or a protocol number.
    #[arg(long, default_value = "tcp")]
    pub protocol: String,
    /// Destination port.
    #[arg(long, default_value_t = 80)]
    pub port: u16,
    /// The xvpc server (default: $XVPC_ENDPOINT, $AWS_ENDPOINT_URL, http://127.0.0.1:4566).
    #[arg(long)]
    pub endpoint: Option<String>,
    /// Print the analysis as JSON.
    #[arg(long)]
    pub json: bool,
    /// Answer from a dump (`xvpc export` output, Batfish's layout or AWS CLI
    /// output; see `xvpc import`) without a server.
    #[arg(long, conflicts_with = "endpoint")]
    pub snapshot: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub scope: crate::client::CallerScope,
}

pub fn run(args: TraceArgs) -> anyhow::Result<i32> {
    let destination = match (&args.to, &args.to_ip) {
        (Some(t), _) => t.clone(),
        (None, Some(ip)) => ip.clone(),
        (None, None) => anyhow::bail!("give --to or --to-ip"),
    };
    let body = json!({
        "source": args.from,
        "destination": destination,
        "protocol": args.protocol,
        "port": args.port,
        "source_ip": args.from_ip,
        "destination_ip": if args.to.is_some() { args.to_ip.clone() } else { None },
        "account": args.scope.json().0,
        "region": args.scope.json().1,
    });
    let (status, v) = crate::snapshot::ask(args.snapshot.as_deref(), args.endpoint.as_deref(), "POST", "/_xvpc/trace", &body)?;
    if status != 200 {
        let msg = v.get("error").and_then(Value::as_str).unwrap_or("trace failed");
        if args.json {
            outln!("{v}");
        } else {
            errln!("xvpc trace: {msg}");
        }
        return Ok(2);
    }
    let reachable = v.get("reachable").and_then(Value::as_bool).unwrap_or(false);
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        out!("{}", render(&v, &Paint::stdout()));
    }
    Ok(if reachable { 0 } else { 1 })
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or("")
}

/// One hop's decisive rule or route, in words.
fn detail(d: &Value) -> String {
    let ports = |v: &Value| match v.as_array() {
        Some(a) if a.len() == 2 => {
            let (x, y) = (a[0].as_u64().unwrap_or(0), a[1].as_u64().unwrap_or(0));
            if x == y {
                format!(" port {x}")
            } else {
                format!(" ports {x}-{y}")
            }
        }
        _ => String::new(),
    };
    match s(d, "type") {
        "acl-rule" => format!(
            "{} rule {} {} proto {}{} {}",
            if d["egress"].as_bool() == Some(true) { "outbound" } else { "inbound" },
            if d["rule_number"].as_i64() == Some(32767) { "*".to_string() } else { d["rule_number"].to_string() },
            if d["allow"].as_bool() == Some(true) { "allow" } else { "deny" },
            s(d, "protocol"),
            ports(&d["port_range"]),
            s(d, "cidr"),
        ),
        "sg-rule" => format!(
            "{} {} {}{} {}",
            s(d, "group_id"),
            s(d, "direction"),
            s(d, "protocol"),
            ports(&d["port_range"]),
            d["cidr"].as_str().or(d["peer_group"].as_str()).unwrap_or("")
        ),
        "route" => format!("route {} -> {} ({})", s(d, "destination"), s(d, "target"), s(d, "state")),
        "tgw-route" => format!("TGW route {} -> {} ({}, {})", s(d, "destination"), d["attachment"].as_str().unwrap_or("-"), s(d, "route_type"), s(d, "state")),
        "listener" => format!("listener {}:{}", s(d, "protocol"), d["port"]),
        "target" => format!("target {} {}:{}", s(d, "id"), s(d, "ip"), d["port"]),
        "text" => s(d, "text").to_string(),
        _ => String::new(),
    }
}

fn component(c: &Value) -> String {
    let name = c.get("name").and_then(Value::as_str).map(|n| format!(" \"{n}\"")).unwrap_or_default();
    let kind = s(c, "kind").replace('-', " ");
    format!("{kind} {}{name}", s(c, "id"))
}

/// The human rendering of an analysis.
pub fn render(v: &Value, p: &Paint) -> String {
    let mut out = String::new();
    let q = &v["query"];
    let reachable = v["reachable"].as_bool().unwrap_or(false);
    out += &format!(
        "{} {} ({}) -> {} ({}) {}/{}\n",
        p.bold("trace"),
        q["source"]["id"].as_str().unwrap_or(""),
        s(v, "source_ip"),
        q["destination"]["id"].as_str().unwrap_or(""),
        s(v, "destination_ip"),
        match q["protocol"].as_u64().and_then(|n| u8::try_from(n).ok()) {
            Some(n) => xvpc_model::IpProtocol::from_number(n).to_string(),
            None => String::new(),
        },
        q["port"]
    );
    // The STACK/LogicalId references given, with the ids they named.
    for (r, id) in v["references"].as_object().into_iter().flatten() {
        out += &format!("  {} = {}\n", r, id.as_str().unwrap_or(""));
    }
    for (title, key) in [("forward", "forward"), ("return", "return")] {
        out += &format!("\n{}\n", p.bold(title));
        for h in v[key].as_array().into_iter().flatten() {
            let ok = s(h, "verdict") == "pass";
            let mark = if ok { p.green("  ok ") } else { p.red("BLOCK") };
            let d = detail(&h["detail"]);
            let owner = s(&h["component"], "owner");
            out += &format!("  {mark} {}{}{}\n", component(&h["component"]), if d.is_empty() { String::new() } else { format!(": {d}") }, if owner.is_empty() { String::new() } else { p.dim(&format!("  [{owner}]")) });
        }
    }
    let blockers = v["blockers"].as_array().cloned().unwrap_or_default();
    out += "\n";
    if reachable {
        out += &format!("{}\n", p.green("REACHABLE"));
    } else {
        out += &format!("{} ({} blocker{})\n", p.red("BLOCKED"), blockers.len(), if blockers.len() == 1 { "" } else { "s" });
        for (i, b) in blockers.iter().enumerate() {
            out += &format!(
                "\n  {}. {} {} [{} path, account {}]\n     {}\n",
                i + 1,
                p.red(s(b, "code")),
                component(&b["component"]),
                s(b, "direction"),
                s(&b["component"], "owner"),
                s(b, "explanation")
            );
            if let Some(f) = b.get("fix").filter(|f| !f.is_null()) {
                let ou = if s(f, "ou").is_empty() { String::new() } else { format!(" ({})", s(f, "ou")) };
                out += &format!("     fix, as account {}{ou}:\n       {}\n", p.bold(s(f, "account")), p.yellow(s(f, "command")));
            }
        }
    }
    out
}
