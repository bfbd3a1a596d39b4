//! Benchmark of the reachability engine on a synthetic organisation built
//! directly as a model `State` (see `xvpc_reach::synthetic::Builder::org`).
//!
//!     cargo run --release -p xvpc-reach --example bench_reach -- [accounts] [vpcs] [instances]
//!
//! Defaults: 50 accounts × 20 VPCs × 10 instances = 1,000 VPCs, 10,000 ENIs.
//! Reports single-trace latency (p50/p90/p99 over 1,000 random pairs, each
//! a full `analyze` on the snapshot; the first one also builds the indexes
//! kept with the state) and the all-pairs matrix time over every ENI.

use std::time::Instant;

use xvpc_reach::synthetic::Builder;
use xvpc_reach::{analyze, matrix, Endpoint, Query};

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let (accounts, vpcs, instances) = (args.first().copied().unwrap_or(50), args.get(1).copied().unwrap_or(20), args.get(2).copied().unwrap_or(10));
    let t = Instant::now();
    let mut b = Builder::new();
    let ids = b.org(accounts, vpcs, instances);
    let s = &b.state;
    println!(
        "org: {accounts} accounts x {vpcs} VPCs x {instances} instances = {} VPCs, {} subnets, {} ENIs, {} peerings, {} route tables (built in {:.2?})",
        s.vpcs.len(),
        s.subnets.len(),
        s.network_interfaces.len(),
        s.peering_connections.len(),
        s.route_tables.len(),
        t.elapsed()
    );

    // Single traces between pseudo-random pairs (a fixed LCG: reproducible).
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (x >> 33) as usize
    };
    let mut times = Vec::new();
    let mut reachable = 0;
    for i in 0..1000 {
        // Every fourth pair in the same account (often reachable via the hub).
        let a = next() % ids.len();
        let c = if i % 4 == 0 { (a / (vpcs * instances)) * vpcs * instances + next() % (vpcs * instances) } else { next() % ids.len() };
        let q = Query::tcp(Endpoint::Instance(ids[a].clone()), Endpoint::Instance(ids[c].clone()), 80);
        let t = Instant::now();
        let r = analyze(s, 0, &q).expect("analysis");
        times.push(t.elapsed());
        reachable += usize::from(r.reachable);
    }
    // The first trace builds the indexes kept with the state
    // (`xvpc_reach::index`); the others find them.
    let first = times[0];
    times.sort();
    let pct = |p: usize| times[(times.len() * p / 100).min(times.len() - 1)];
    println!("trace: 1000 queries ({reachable} reachable): p50 {:.3?}, p90 {:.3?}, p99 {:.3?}; the first (building the indexes) {first:.2?}", pct(50), pct(90), pct(99));
    // The same kind of queries sharing one index (a batch of traces on one
    // snapshot: the subnet index is built once, after the first lookups).
    let topo = xvpc_reach::topology::Topology::new(s, 0);
    let mut times = Vec::new();
    for i in 0..1000 {
        let a = next() % ids.len();
        let c = if i % 4 == 0 { (a / (vpcs * instances)) * vpcs * instances + next() % (vpcs * instances) } else { next() % ids.len() };
        let q = Query::tcp(Endpoint::Instance(ids[a].clone()), Endpoint::Instance(ids[c].clone()), 80);
        let t = Instant::now();
        let _ = xvpc_reach::analysis::analyze_in(&topo, &q).expect("analysis");
        times.push(t.elapsed());
    }
    times.sort();
    let pct = |p: usize| times[(times.len() * p / 100).min(times.len() - 1)];
    println!("trace, batch on one shared index: p50 {:.3?}, p90 {:.3?}, p99 {:.3?}", pct(50), pct(90), pct(99));

    let t = Instant::now();
    let m = matrix::matrix(s, 0, &[], 6, 80);
    let el = t.elapsed();
    let pairs: usize = m.reachable.iter().map(|r| r.reached().count()).sum();
    println!(
        "matrix: {} ENIs in {} classes, {} class pairs ({} reachable) in {:.2?}",
        s.network_interfaces.len(),
        m.classes.len(),
        m.classes.len() * m.classes.len(),
        pairs,
        el
    );
}
