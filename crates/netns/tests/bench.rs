//! Build-rate and memory benchmark (ignored by default; root only):
//! `cargo test -p xvpc-netns --test bench -- --ignored --nocapture`
//! `XVPC_BENCH_VPCS` / `XVPC_BENCH_ENIS` (per VPC) size it (default 10 × 100).
#![cfg(target_os = "linux")]

mod common;

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
        w.allow_in(&sg, "tcp", Some((80, 80)), RulePeer::Cidr("10.0.0.0/8".parse().unwrap()));
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

/// iperf3 for `secs` seconds from namespace `client` to `server_ip`
/// (a server runs once in namespace `server`); Gbit/s received.
fn iperf(server: &str, client: &str, server_ip: &str, secs: u32) -> f64 {
    let mut srv = std::process::Command::new("ip").args(["netns", "exec", server, "iperf3", "-s", "-1"]).stdout(std::process::Stdio::null()).spawn().expect("iperf3");
    std::thread::sleep(std::time::Duration::from_millis(500));
    let out = sh(&["ip", "netns", "exec", client, "iperf3", "-c", server_ip, "-t", &secs.to_string(), "-J"]);
    let _ = srv.wait();
    let key = "\"sum_received\":";
    let at = out.find(key).expect("iperf3 json");
    let bps = out[at..].split("\"bits_per_second\":").nth(1).and_then(|s| s.split([',', '}']).next()).and_then(|s| s.trim().parse::<f64>().ok()).expect("bits_per_second");
    bps / 1e9
}

/// Throughput over a peering connection (ENI → router → peering link →
/// router → ENI, with nftables SGs and NACLs) against a bare veth pair
/// between two namespaces, measured in the same run.
#[test]
#[ignore]
fn peering_throughput_vs_bare_veth() {
    if !can_run() {
        return;
    }
    let mut w = World::default();
    let (a, b) = (w.vpc("10.1.0.0/16"), w.vpc("10.2.0.0/16"));
    let (sa, sb) = (w.subnet(&a, "10.1.1.0/24"), w.subnet(&b, "10.2.1.0/24"));
    let (ga, gb) = (w.sg(&a, "a"), w.sg(&b, "b"));
    w.allow_in(&ga, "tcp", Some((5201, 5201)), RulePeer::Cidr("10.2.0.0/16".parse().unwrap()));
    let ea = w.eni(&sa, "10.1.1.10", &[&ga]);
    let eb = w.eni(&sb, "10.2.1.10", &[&gb]);
    let pcx = w.peering(&a, &b, true);
    let (ra, rb) = (w.main_rt(&a), w.main_rt(&b));
    w.route(&ra, "10.2.0.0/16", xvpc_model::route_table::RouteTarget::VpcPeeringConnection(pcx.clone()));
    w.route(&rb, "10.1.0.0/16", xvpc_model::route_table::RouteTarget::VpcPeeringConnection(pcx));
    let mut dp = Dataplane::start().expect("data plane");
    assert!(dp.reconcile(&w.state).errors.is_empty());
    let (na, nb) = (dp.namespace_of(&ea), dp.namespace_of(&eb));
    // The bare pair lives under the run prefix too, so teardown removes it.
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
    let secs: u32 = env("XVPC_BENCH_SECS", 4) as u32;
    let bare1 = iperf(&x, &y, "192.0.2.1", secs);
    let peer1 = iperf(&na, &nb, "10.1.1.10", secs);
    let bare2 = iperf(&x, &y, "192.0.2.1", secs);
    let peer2 = iperf(&na, &nb, "10.1.1.10", secs);
    let (bare, peer) = ((bare1 + bare2) / 2.0, (peer1 + peer2) / 2.0);
    println!("iperf3 {secs}s x2: bare veth {bare1:.1}/{bare2:.1} Gbit/s, peering {peer1:.1}/{peer2:.1} Gbit/s => peering at {:.0}% of bare veth", 100.0 * peer / bare);
    dp.teardown().unwrap();
}
