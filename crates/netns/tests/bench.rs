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
