//! Public IPv4 addresses: what an instance gets at launch when its subnet
//! maps public addresses on launch (or the launch asks for one), and gives
//! back when it stops or terminates (AWS's non-Elastic public addresses do
//! not survive a stop/start).
//!
//! The addresses come from 198.18.0.0/15, the block RFC 2544 reserves for
//! benchmarking network devices: it is routed nowhere on the internet, so
//! an emulated "public" address can never be mistaken for (or leak towards)
//! a real host, and it does not overlap the private ranges VPCs use. Each
//! region draws from its own /19 of it, as AWS's pools are regional.

use std::collections::HashSet;
use std::net::Ipv4Addr;

use rand::Rng;

use crate::cidr::Ipv4Net;
use crate::error::{ModelError, Result};
use crate::region::REGIONS;
use crate::state::State;

/// The whole emulated public address space (RFC 2544 benchmarking block).
pub const POOL: &str = "198.18.0.0/15";
/// The prefix length of each region's share of [`POOL`].
const REGION_PREFIX: u8 = 19;

/// The block a region's public addresses come from.
pub fn region_pool(region: &str) -> Option<Ipv4Net> {
    let n = REGIONS.iter().position(|r| r.name == region)? as u32;
    let base = u32::from(pool().network()) + (n << (32 - REGION_PREFIX));
    Ipv4Net::new(Ipv4Addr::from(base), REGION_PREFIX).ok()
}

/// [`POOL`] as a network.
pub fn pool() -> Ipv4Net {
    POOL.parse().expect("constant pool")
}

/// Whether `ip` is one of the emulated public addresses.
pub fn is_public(ip: Ipv4Addr) -> bool {
    pool().contains(&ip)
}

/// A free public address of `region`, picked at random (AWS gives no
/// guarantee of which; a random pick makes a stop/start visibly change it)
/// among those no ENI holds and not in `also_taken`.
pub fn allocate(state: &State, region: &str, also_taken: &[Ipv4Addr]) -> Result<Ipv4Addr> {
    let net = region_pool(region).ok_or_else(|| ModelError::InvalidParameterValue(format!("unknown region {region}")))?;
    let used: HashSet<Ipv4Addr> = state
        .network_interfaces
        .values()
        .filter_map(|e| e.public_ip)
        .chain(state.addresses.values().map(|a| a.public_ip))
        .chain(also_taken.iter().copied())
        .collect();
    let size = 1u32 << (32 - REGION_PREFIX);
    let base = u32::from(net.network());
    let start = rand::thread_rng().gen_range(1..size - 1);
    // From a random start, the first free one (skipping the block's first
    // and last address, which look like network and broadcast addresses).
    (0..size - 2)
        .map(|k| Ipv4Addr::from(base + 1 + (start - 1 + k) % (size - 2)))
        .find(|ip| !used.contains(ip))
        .ok_or_else(|| ModelError::InsufficientAddressCapacity(region.to_string()))
}

/// The public DNS name AWS gives a public address
/// (`ec2-198-18-0-5.compute-1.amazonaws.com` in us-east-1,
/// `ec2-...<region>.compute.amazonaws.com` elsewhere).
pub fn public_dns_name(region: &str, ip: Ipv4Addr) -> String {
    let host = format!("ec2-{}", ip.to_string().replace('.', "-"));
    if region == "us-east-1" {
        format!("{host}.compute-1.amazonaws.com")
    } else {
        format!("{host}.{region}.compute.amazonaws.com")
    }
}

/// The public DNS name shown for an ENI's public address: only in a VPC
/// with DNS hostnames enabled, as in AWS.
pub fn shown_dns_name(state: &State, vpc_id: &str, region: &str, ip: Ipv4Addr) -> String {
    if state.vpcs.get(vpc_id).is_some_and(|v| v.enable_dns_hostnames && v.enable_dns_support) {
        public_dns_name(region, ip)
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_pools_are_disjoint_inside_the_benchmark_block() {
        let mut seen: Vec<Ipv4Net> = Vec::new();
        for r in REGIONS {
            let p = region_pool(r.name).unwrap();
            assert!(pool().contains(&p.network()) && pool().contains(&p.broadcast()), "{p} outside {POOL}");
            assert!(seen.iter().all(|q| !crate::cidr::overlaps(q, &p)), "{p} overlaps");
            seen.push(p);
        }
        assert!(region_pool("mars-1").is_none());
    }

    #[test]
    fn allocation_avoids_taken_addresses_and_stays_in_the_region() {
        let s = State::default();
        let net = region_pool("eu-west-1").unwrap();
        let mut taken = Vec::new();
        for _ in 0..50 {
            let ip = allocate(&s, "eu-west-1", &taken).unwrap();
            assert!(net.contains(&ip) && ip != net.network() && ip != net.broadcast());
            assert!(!taken.contains(&ip));
            taken.push(ip);
        }
        assert_eq!(public_dns_name("us-east-1", Ipv4Addr::new(198, 18, 0, 5)), "ec2-198-18-0-5.compute-1.amazonaws.com");
        assert_eq!(public_dns_name("eu-west-1", Ipv4Addr::new(198, 18, 0, 5)), "ec2-198-18-0-5.eu-west-1.compute.amazonaws.com");
    }
}
