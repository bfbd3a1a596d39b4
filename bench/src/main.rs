//! xvpc load benchmark: the same mixed EC2 workload against xvpc and moto.
//!
//! Each of N concurrent clients loops over: CreateVpc, CreateSubnet (in that
//! VPC), CreateTags (on the subnet), DescribeVpcs filtered by CIDR,
//! DescribeSubnets filtered by VPC. A client switches to a fresh account
//! (access key = account id) every 4 VPCs, since AWS (and xvpc) allow 5 VPCs
//! per region per account, and deletes nothing. Both servers get the
//! identical request sequence; only the ids in the responses differ.
//!
//! The generator is plain std: one keep-alive HTTP/1.1 connection per
//! client, requests pre-formatted with a well-formed SigV4 Authorization
//! header (the signature is not verified by either server in this mode).
//! It reports its own CPU time so one can see it is not the bottleneck.
//!
//! With `--postgres URL` the same workload also runs against one and two
//! replicas on that PostgreSQL database, and the cross-replica visibility
//! delay is measured ([`replicas`]).

mod replicas;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

/// What to run, from the command line.
struct Args {
    xvpc: String,
    moto: Option<String>,
    clients: usize,
    iterations: usize,
    /// Keep xvpc's state here instead of a temporary directory.
    data_dir: Option<String>,
    /// Also measure replicas on this PostgreSQL database (wiped first).
    postgres: Option<String>,
}

fn parse_args() -> Args {
    let mut a = Args { xvpc: "target/release/xvpc".into(), moto: Some("moto_server".into()), clients: 8, iterations: 100, data_dir: None, postgres: None };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut val = || it.next().unwrap_or_else(|| die(&format!("{flag} needs a value")));
        match flag.as_str() {
            "--xvpc" => a.xvpc = val(),
            "--moto" => a.moto = Some(val()),
            "--no-moto" => a.moto = None,
            "--data-dir" => a.data_dir = Some(val()),
            "--postgres" => a.postgres = Some(val()),
            "--clients" => a.clients = val().parse().unwrap_or_else(|_| die("--clients N")),
            "--iterations" => a.iterations = val().parse().unwrap_or_else(|_| die("--iterations N")),
            _ => die(&format!(
                "unknown flag {flag}\nusage: xvpc-bench [--xvpc PATH] [--moto CMD | --no-moto] [--clients N] [--iterations N] [--data-dir DIR] [--postgres URL]"
            )),
        }
    }
    a
}

fn die(msg: &str) -> ! {
    eprintln!("xvpc-bench: {msg}");
    std::process::exit(2)
}

/// One keep-alive connection speaking just enough HTTP/1.1.
struct Conn {
    addr: SocketAddr,
    reader: Option<BufReader<TcpStream>>,
}

impl Conn {
    fn new(addr: SocketAddr) -> Conn {
        Conn { addr, reader: None }
    }

    /// POSTs an operator request (`/_xvpc/reset`); returns the status.
    fn post(&mut self, path: &str) -> std::io::Result<u16> {
        let mut s = TcpStream::connect(self.addr)?;
        s.write_all(format!("POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", self.addr).as_bytes())?;
        Ok(read_response(&mut BufReader::new(s))?.0)
    }

    /// Sends one EC2 query as `account`; returns (status, body).
    fn ec2(&mut self, account: &str, body: &str) -> std::io::Result<(u16, String)> {
        let req = format!(
            "POST / HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded; charset=utf-8\r\n\
             X-Amz-Date: 20261126T000000Z\r\nAuthorization: AWS4-HMAC-SHA256 Credential={account}/20261126/us-east-1/ec2/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date, Signature={}\r\nContent-Length: {}\r\n\r\n{body}",
            self.addr,
            "0".repeat(64),
            body.len()
        );
        if self.reader.is_none() {
            let s = TcpStream::connect(self.addr)?;
            s.set_nodelay(true)?;
            self.reader = Some(BufReader::new(s));
        }
        let r = self.reader.as_mut().expect("connected above");
        r.get_mut().write_all(req.as_bytes())?;
        let (status, close, resp) = read_response(r)?;
        if close {
            self.reader = None;
        }
        Ok((status, resp))
    }
}

/// Reads a response: status, whether the server closes, and the body
/// (Content-Length, chunked, or until EOF).
fn read_response(r: &mut BufReader<TcpStream>) -> std::io::Result<(u16, bool, String)> {
    let bad = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, m.to_string());
    let mut line = String::new();
    r.read_line(&mut line)?;
    let status: u16 = line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).ok_or_else(|| bad("status line"))?;
    let mut close = line.starts_with("HTTP/1.0");
    let (mut length, mut chunked) = (None, false);
    loop {
        line.clear();
        r.read_line(&mut line)?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let (k, v) = l.split_once(':').unwrap_or((l, ""));
        let (k, v) = (k.to_ascii_lowercase(), v.trim().to_ascii_lowercase());
        match k.as_str() {
            "content-length" => length = v.parse::<usize>().ok(),
            "transfer-encoding" => chunked = v.contains("chunked"),
            "connection" if v == "close" => close = true,
            "connection" if v == "keep-alive" => close = false,
            _ => {}
        }
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            line.clear();
            r.read_line(&mut line)?;
            let n = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16).map_err(|_| bad("chunk size"))?;
            let mut chunk = vec![0; n + 2];
            r.read_exact(&mut chunk)?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
    } else if let Some(n) = length {
        body.resize(n, 0);
        r.read_exact(&mut body)?;
    } else {
        r.read_to_end(&mut body)?;
        close = true;
    }
    Ok((status, close, String::from_utf8_lossy(&body).into_owned()))
}

/// The text of the first `<tag>` element.
fn element<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let start = xml.find(&open)? + open.len();
    let len = xml[start..].find('<')?;
    Some(&xml[start..start + len])
}

/// What one client saw.
#[derive(Default)]
struct Outcome {
    /// (action, latency in microseconds) of every request.
    latencies: Vec<(&'static str, u64)>,
    errors: Vec<String>,
}

const V: &str = "Version=2016-11-15";

fn run_client(addr: SocketAddr, client: usize, iterations: usize) -> Outcome {
    let mut out = Outcome::default();
    let mut conn = Conn::new(addr);
    let mut send = |out: &mut Outcome, account: &str, body: String| -> Option<String> {
        let action = ["CreateVpc", "CreateSubnet", "CreateTags", "DescribeVpcs", "DescribeSubnets"]
            .into_iter()
            .find(|a| body.starts_with(&format!("Action={a}&")))
            .unwrap_or("?");
        let t = Instant::now();
        let res = conn.ec2(account, &body);
        out.latencies.push((action, t.elapsed().as_micros() as u64));
        match res {
            Ok((200, resp)) => Some(resp),
            Ok((status, resp)) => {
                let detail: String = resp.chars().take(300).collect();
                out.errors.push(format!("{status} for {body}: {}", detail.replace('\n', " ")));
                None
            }
            Err(e) => {
                out.errors.push(format!("{e} for {body}"));
                None
            }
        }
    };
    for i in 0..iterations {
        let account = format!("7{client:02}{:09}", i / 4);
        let cidr = format!("10.{}.0.0/16", i % 4);
        let Some(r) = send(&mut out, &account, format!("Action=CreateVpc&{V}&CidrBlock={cidr}")) else { continue };
        let Some(vpc) = element(&r, "vpcId").map(str::to_string) else { continue };
        let subnet_cidr = format!("10.{}.1.0/24", i % 4);
        let Some(r) = send(&mut out, &account, format!("Action=CreateSubnet&{V}&VpcId={vpc}&CidrBlock={subnet_cidr}")) else {
            continue;
        };
        let Some(subnet) = element(&r, "subnetId").map(str::to_string) else { continue };
        send(&mut out, &account, format!("Action=CreateTags&{V}&ResourceId.1={subnet}&Tag.1.Key=Name&Tag.1.Value=c{client}-{i}"));
        send(&mut out, &account, format!("Action=DescribeVpcs&{V}&Filter.1.Name=cidr-block&Filter.1.Value.1={cidr}"));
        send(&mut out, &account, format!("Action=DescribeSubnets&{V}&Filter.1.Name=vpc-id&Filter.1.Value.1={vpc}"));
    }
    out
}

/// Throughput and latency of one server.
struct Report {
    name: String,
    requests: usize,
    errors: Vec<String>,
    seconds: f64,
    p50_ms: f64,
    p99_ms: f64,
    client_cpu_us_per_req: f64,
    server_cpu_us_per_req: f64,
    /// (action, p50 ms, p99 ms, max ms).
    per_action: Vec<(&'static str, f64, f64, f64)>,
}

impl Report {
    fn rps(&self) -> f64 {
        self.requests as f64 / self.seconds
    }
}

/// User+system CPU time of a process (Linux /proc; 0 elsewhere): the
/// generator's own cost, and the server's cost per request, which unlike
/// latency does not depend on what else the machine is running.
fn cpu_seconds(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
    // Fields 14 and 15 (utime, stime) are at 11 and 12 after the comm field.
    (ticks(11) + ticks(12)) / 100.0
}

/// Runs the workload; client `c` talks to `servers[c % servers.len()]`.
fn measure(name: &str, servers: &[(Server, SocketAddr)], clients: usize, iterations: usize) -> Report {
    let pids: Vec<String> = servers.iter().map(|s| s.0 .0.id().to_string()).collect();
    let server_cpu_total = || pids.iter().map(|p| cpu_seconds(p)).sum::<f64>();
    // Warm up the connection path once (not counted).
    for (_, addr) in servers {
        let _ = Conn::new(*addr).ec2("699999999999", &format!("Action=DescribeVpcs&{V}"));
    }
    let barrier = Arc::new(Barrier::new(clients + 1));
    let handles: Vec<_> = (0..clients)
        .map(|c| {
            let b = barrier.clone();
            let addr = servers[c % servers.len()].1;
            std::thread::spawn(move || {
                b.wait();
                run_client(addr, c, iterations)
            })
        })
        .collect();
    let (cpu0, server0) = (cpu_seconds("self"), server_cpu_total());
    barrier.wait();
    let t0 = Instant::now();
    let outcomes: Vec<Outcome> = handles.into_iter().map(|h| h.join().expect("client thread")).collect();
    let seconds = t0.elapsed().as_secs_f64();
    let cpu = cpu_seconds("self") - cpu0;
    let server_cpu = server_cpu_total() - server0;
    let all: Vec<(&'static str, u64)> = outcomes.iter().flat_map(|o| o.latencies.iter().copied()).collect();
    let mut lat: Vec<u64> = all.iter().map(|(_, l)| *l).collect();
    lat.sort_unstable();
    let pct = |lat: &[u64], p: f64| lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1))).copied().unwrap_or(0) as f64 / 1000.0;
    let mut per_action = Vec::new();
    for action in ["CreateVpc", "CreateSubnet", "CreateTags", "DescribeVpcs", "DescribeSubnets"] {
        let mut l: Vec<u64> = all.iter().filter(|(a, _)| *a == action).map(|(_, l)| *l).collect();
        l.sort_unstable();
        per_action.push((action, pct(&l, 0.5), pct(&l, 0.99), pct(&l, 1.0)));
    }
    Report {
        name: name.into(),
        requests: lat.len(),
        errors: outcomes.into_iter().flat_map(|o| o.errors).collect(),
        seconds,
        p50_ms: pct(&lat, 0.50),
        p99_ms: pct(&lat, 0.99),
        per_action,
        client_cpu_us_per_req: cpu * 1e6 / lat.len().max(1) as f64,
        server_cpu_us_per_req: server_cpu * 1e6 / lat.len().max(1) as f64,
    }
}

/// A child process killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `xvpc serve` with `extra` flags (`--store ...`).
fn start_xvpc(bin: &str, data_dir: &std::path::Path, extra: &[&str]) -> (Server, SocketAddr) {
    let mut child = Command::new(bin)
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| die(&format!("starting {bin}: {e} (build it: cargo build --release -p xvpc)")));
    let mut lines = BufReader::new(child.stdout.take().expect("piped"));
    let mut line = String::new();
    let addr = loop {
        line.clear();
        if lines.read_line(&mut line).unwrap_or(0) == 0 {
            die("xvpc exited before listening");
        }
        if let Some(rest) = line.split("listening on http://").nth(1) {
            break rest.trim().parse::<SocketAddr>().unwrap_or_else(|_| die("xvpc address"));
        }
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut lines, &mut std::io::sink()));
    (Server(child), addr)
}

fn start_moto(cmd: &str) -> (Server, SocketAddr) {
    let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(5555);
    let child = Command::new(cmd)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| die(&format!("starting {cmd}: {e} (pip install 'moto[server]')")));
    let server = Server(child);
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok((200, _)) = Conn::new(addr).ec2("699999999999", &format!("Action=DescribeRegions&{V}")) {
            return (server, addr);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    die("moto_server did not start within 60 s")
}

fn print(r: &Report) {
    println!(
        "{:<5} {:>6} requests in {:>7.2} s = {:>8.0} req/s   p50 {:>7.2} ms   p99 {:>7.2} ms   errors {}\n      CPU per request: server {:.0} µs, generator {:.0} µs",
        r.name,
        r.requests,
        r.seconds,
        r.rps(),
        r.p50_ms,
        r.p99_ms,
        r.errors.len(),
        r.server_cpu_us_per_req,
        r.client_cpu_us_per_req
    );
    for (action, p50, p99, max) in &r.per_action {
        println!("      {action:<16} p50 {p50:>7.2} ms   p99 {p99:>7.2} ms   max {max:>7.2} ms");
    }
    for e in r.errors.iter().take(3) {
        println!("      error: {}", e.lines().next().unwrap_or(""));
    }
}

fn main() {
    let args = parse_args();
    println!(
        "workload: {} clients x {} iterations of CreateVpc, CreateSubnet, CreateTags, DescribeVpcs(filter), DescribeSubnets(filter)",
        args.clients, args.iterations
    );
    let temporary = args.data_dir.is_none();
    let data_dir = match &args.data_dir {
        Some(d) => std::path::PathBuf::from(d),
        None => std::env::temp_dir().join(format!("xvpc-bench-{}", std::process::id())),
    };
    if temporary {
        let _ = std::fs::remove_dir_all(&data_dir);
    }
    let xvpc = {
        let server = start_xvpc(&args.xvpc, &data_dir, &[]);
        measure("xvpc", &[server], args.clients, args.iterations)
    };
    if temporary {
        let _ = std::fs::remove_dir_all(&data_dir);
    }
    print(&xvpc);
    let moto = args.moto.as_deref().map(|cmd| {
        let server = start_moto(cmd);
        measure("moto", &[server], args.clients, args.iterations)
    });
    if let Some(m) = &moto {
        print(m);
        println!("ratio: xvpc/moto throughput = {:.1}x", xvpc.rps() / m.rps());
    }
    let replicated = args.postgres.as_deref().map(|url| replicas::run(&args, url, &data_dir));
    // moto's own failures under concurrency (HTTP 500s) are reported but
    // do not fail the run; any xvpc error does.
    if !xvpc.errors.is_empty() || replicated.is_some_and(|ok| !ok) {
        std::process::exit(1);
    }
}
