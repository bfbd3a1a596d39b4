//! Build-rate and memory benchmark (ignored by default; root only):
//! `cargo test -p xvpc-netns --test bench -- --ignored --nocapture`
//! `XVPC_BENCH_VPCS` / `XVPC_BENCH_ENIS` (per VPC) size it (default 10 × 100).
//! Throughput: `cargo test -p xvpc-netns --test bench throughput -- --ignored --nocapture`;
//! `XVPC_BENCH_HOLD=<file>` writes the namespaces of each path to that file
//! and keeps the world built until the file is removed (for experiments by hand).
#![cfg(target_os = "linux")]

mod common;

use xvpc_model::IpProtocol;
use common::{can_run, probe1, Probe, World};
use xvpc_model::security_group::RulePeer;
use xvpc_netns::Dataplane;

fn kernel_kb() -> i64 {
    let m = std::fs::read_to_string("/proc/meminfo").unwrap();
    m.lines().filter(|l| l.starts_with("Slab:") || l.starts_with("Percpu:")).filter_map(|l| l.split_whitespace().nth(1)?.parse::<i64>().ok()).sum()
}

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

#[test]
#[ignore]
fn build_rate_and_memory() {
    if !can_run() {
        return;
    }
    let (nv, ne) = (env("XVPC_BENCH_VPCS", 10), env("XVPC_BENCH_ENIS", 100));
    let mut w = World::default();
    let mut first = Vec::new();
    for v in 1..=nv {
        // One account per VPC: the model keeps AWS's 5-VPCs-per-region quota.
        w.ctx.account = format!("{:012}", 100_000_000_000u64 + v as u64);
        let vpc = w.vpc(&format!("10.{v}.0.0/16"));
        let sub = w.subnet(&vpc, &format!("10.{v}.0.0/20"));
        let sg = w.default_sg(&vpc);
        w.allow_in(&sg, IpProtocol::Tcp, Some((80, 80)), RulePeer::Cidr("10.0.0.0/8".parse().unwrap()));
        for e in 0..ne {
            let id = w.eni(&sub, &format!("10.{v}.{}.{}", e / 200, 10 + e % 200), &[&sg]);
            if e < 2 {
                first.push(id);
            }
        }
    }
    let mut dp = Dataplane::start().expect("data plane");
    std::thread::sleep(std::time::Duration::from_secs(1));
    let m0 = kernel_kb();
    let rep = dp.reconcile(&w.state);
    assert!(rep.errors.is_empty(), "{:?}", &rep.errors[..rep.errors.len().min(3)]);
    let n = nv * ne;
    std::thread::sleep(std::time::Duration::from_secs(2));
    let m1 = kernel_kb();
    println!(
        "built {n} ENIs in {nv} VPCs in {} ms => {:.0} ENIs/s; kernel slab+percpu +{} MB => {} KB per namespace",
        rep.millis,
        n as f64 * 1000.0 / rep.millis.max(1) as f64,
        (m1 - m0) / 1024,
        (m1 - m0) / (n + nv) as i64
    );
    println!("phases (ms): {:?}", rep.phases);
    let again = dp.reconcile(&w.state);
    println!("no-op reconcile of the same state: {} ms", again.millis);
    assert_eq!(probe1(&dp.namespace_of(&first[1]), &w.state.network_interfaces[&first[0]].private_ip.to_string(), 80), Probe::Reached);
    let t = std::time::Instant::now();
    dp.teardown().unwrap();
    println!("teardown: {} ms", t.elapsed().as_millis());
}

fn sh(args: &[&str]) -> String {
    let o = std::process::Command::new(args[0]).args(&args[1..]).output().expect(args[0]);
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// iperf3 runs at a real-time priority (`chrt -f 10`): other work on the
/// machine (compilers) then disturbs the bare and the emulated paths far
/// less, and alike.
const RT: [&str; 3] = ["chrt", "-f", "10"];

/// An iperf3 server left running in namespace `ns` (until its namespace goes).
fn iperf_server(ns: &str) -> std::process::Child {
    let child = std::process::Command::new(RT[0]).args(&RT[1..]).args(["ip", "netns", "exec", ns, "iperf3", "-s"]).stdout(std::process::Stdio::null()).spawn().expect("iperf3");
    std::thread::sleep(std::time::Duration::from_millis(300));
    child
}

/// iperf3 for `secs` seconds from namespace `client` to `server_ip`; Gbit/s received.
fn iperf(client: &str, server_ip: &str, secs: u32) -> f64 {
    let out = sh(&[RT[0], RT[1], RT[2], "ip", "netns", "exec", client, "iperf3", "-c", server_ip, "-t", &secs.to_string(), "-J"]);
    let key = "\"sum_received\":";
    let at = out.find(key).expect("iperf3 json");
    let bps = out[at..].split("\"bits_per_second\":").nth(1).and_then(|s| s.split([',', '}']).next()).and_then(|s| s.trim().parse::<f64>().ok()).expect("bits_per_second");
    bps / 1e9
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").unwrap_or_default().split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}

/// A bare veth pair between two namespaces (under the run prefix, so
/// teardown removes it): the reference path. Returns the namespaces.
pub fn bare_pair(dp: &Dataplane) -> (String, String) {
    let (x, y) = (dp.namespace_of("bench-x"), dp.namespace_of("bench-y"));
    for cmd in [
        vec!["ip", "netns", "add", &x],
        vec!["ip", "netns", "add", &y],
        vec!["ip", "link", "add", "eth0", "netns", &x, "mtu", "9001", "type", "veth", "peer", "name", "eth0", "netns", &y, "mtu", "9001"],
        vec!["ip", "-n", &x, "addr", "add", "192.0.2.1/24", "dev", "eth0"],
        vec!["ip", "-n", &y, "addr", "add", "192.0.2.2/24", "dev", "eth0"],
        vec!["ip", "-n", &x, "link", "set", "eth0", "up"],
        vec!["ip", "-n", &y, "link", "set", "eth0", "up"],
        vec!["ip", "-n", &x, "link", "set", "lo", "up"],
    ] {
        sh(&cmd);
    }
    (x, y)
}

/// Throughput (iperf3, one TCP stream) over every kind of path (same
/// subnet, cross subnet, peering, transit gateway, PrivateLink) against a
/// bare veth pair between two namespaces. Each path run is paired with a
/// bare run just before it, so machine load affects both alike; the report
/// gives, per path, the median Gbit/s of both and the median of the ratios.
/// `XVPC_BENCH_SECS` (default 2), `XVPC_BENCH_ROUNDS` (default 5) and
/// `XVPC_BENCH_PATHS` (comma-separated parts of path names; default all).
#[test]
#[ignore]
fn throughput_vs_bare_veth() {
    if !can_run() {
        return;
    }
    if std::process::Command::new("iperf3").arg("--version").output().is_err() {
        eprintln!("SKIPPED: the throughput bench needs iperf3 (apt-get install -y iperf3)");
        return;
    }
    let (_w, paths, mut dp) = common::paths::realized();
    let (x, y) = bare_pair(&dp);
    let _servers = (iperf_server(&x), iperf_server(&dp.namespace_of(&paths.server)));
    if let Ok(hold) = std::env::var("XVPC_BENCH_HOLD") {
        std::fs::write(&hold, format!("{} {}\n", dp.prefix(), paths.clients.iter().map(|(n, e, t)| format!("{}={}@{t}", n.replace(' ', "_"), dp.namespace_of(e))).collect::<Vec<_>>().join(" "))).unwrap();
        while std::path::Path::new(&hold).exists() {
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    }
    let secs = env("XVPC_BENCH_SECS", 2) as u32;
    let rounds = env("XVPC_BENCH_ROUNDS", 5).max(1);
    let only = std::env::var("XVPC_BENCH_PATHS").unwrap_or_default();
    let chosen: Vec<_> = paths.clients.iter().filter(|(name, _, _)| only.is_empty() || only.split(',').any(|o| name.contains(o.trim()))).collect();
    let mut results: Vec<(Vec<f64>, Vec<f64>, Vec<f64>)> = vec![Default::default(); chosen.len()];
    let load0 = load_average();
    for _ in 0..rounds {
        for (i, (_, eni, to)) in chosen.iter().enumerate() {
            let bare = iperf(&y, "192.0.2.1", secs);
            let path = iperf(&dp.namespace_of(eni), to, secs);
            results[i].0.push(bare);
            results[i].1.push(path);
            results[i].2.push(path / bare);
        }
    }
    println!("iperf3 -t {secs}, {rounds} rounds, each path run right after a bare-veth run; load average {load0} -> {}", load_average());
    println!("{:<16} {:>10} {:>10} {:>8}", "path", "bare Gb/s", "path Gb/s", "ratio");
    for ((name, _, _), (bare, path, ratio)) in chosen.iter().zip(results.iter_mut()) {
        println!("{name:<16} {:>10.2} {:>10.2} {:>7.0}%", median(bare), median(path), 100.0 * median(ratio));
    }
    dp.teardown().unwrap();
}
