//! `--postgres URL`: the workload against one and two `xvpc serve`
//! replicas sharing one PostgreSQL database, and how long a write acknowledged
//! by one replica takes to be visible on the other.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::{element, measure, print, start_xvpc, Args, Conn, V};

/// Writes timed for the visibility delay.
const SAMPLES: usize = 300;

/// Runs the replica measurements; returns false if any request failed.
pub fn run(args: &Args, url: &str, data_dir: &std::path::Path) -> bool {
    let store = ["--store", url];
    let mut ok = true;
    for n in [1, 2] {
        let servers: Vec<_> = (0..n).map(|_| start_xvpc(&args.xvpc, data_dir, &store)).collect();
        // Every run starts from an empty cluster (the reset is cluster-wide).
        if Conn::new(servers[0].1).post("/_xvpc/reset").ok() != Some(200) {
            crate::die("resetting the PostgreSQL-backed replica failed");
        }
        std::thread::sleep(Duration::from_millis(200));
        let report = measure(&format!("pg x{n}"), &servers, args.clients, args.iterations);
        print(&report);
        ok &= report.errors.is_empty();
        if n == 2 {
            ok &= visibility(servers[0].1, servers[1].1);
        }
    }
    ok
}

/// CreateVpc on `a`, then DescribeVpcs on `b` until the VPC shows: the
/// delay from `a`'s acknowledgement to `b` answering with it.
fn visibility(a: SocketAddr, b: SocketAddr) -> bool {
    let (mut on_a, mut on_b) = (Conn::new(a), Conn::new(b));
    let mut delays = Vec::with_capacity(SAMPLES);
    for i in 0..SAMPLES {
        let account = format!("76{:010}", i / 4);
        let Ok((200, resp)) = on_a.ec2(&account, &format!("Action=CreateVpc&{V}&CidrBlock=10.{}.0.0/16", i % 4)) else {
            println!("      visibility: CreateVpc failed");
            return false;
        };
        let Some(vpc) = element(&resp, "vpcId").map(str::to_string) else { return false };
        let acked = Instant::now();
        loop {
            if let Ok((200, r)) = on_b.ec2(&account, &format!("Action=DescribeVpcs&{V}&Filter.1.Name=vpc-id&Filter.1.Value.1={vpc}")) {
                if r.contains(&vpc) {
                    break;
                }
            }
            if acked.elapsed() > Duration::from_secs(10) {
                println!("      visibility: {vpc} not seen on the other replica within 10 s");
                return false;
            }
        }
        delays.push(acked.elapsed().as_micros() as u64);
    }
    delays.sort_unstable();
    let pct = |p: f64| delays[((delays.len() as f64 * p) as usize).min(delays.len() - 1)] as f64 / 1000.0;
    println!(
        "      cross-replica visibility ({SAMPLES} writes, each polled on the other replica): p50 {:.2} ms   p99 {:.2} ms   max {:.2} ms",
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );
    true
}
