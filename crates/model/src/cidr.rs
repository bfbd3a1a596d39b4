//! IPv4 CIDR rules as EC2 applies them.

use std::net::Ipv4Addr;

pub use ipnet::Ipv4Net;

/// Parses `a.b.c.d/n` strictly: the address must be the network address
/// (EC2 rejects `10.0.0.5/16` for VPCs and subnets).
pub fn parse_network(s: &str) -> Option<Ipv4Net> {
    let net: Ipv4Net = s.trim().parse().ok()?;
    (net.network() == net.addr()).then_some(net)
}

/// Parses a CIDR and truncates host bits (security group and NACL rules
/// accept `10.0.0.5/16` and store `10.0.0.0/16`; AWS does the same).
pub fn parse_lenient(s: &str) -> Option<Ipv4Net> {
    let net: Ipv4Net = s.trim().parse().ok()?;
    Some(net.trunc())
}

/// Whether two blocks share any address.
pub fn overlaps(a: &Ipv4Net, b: &Ipv4Net) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

/// Whether `outer` contains all of `inner`.
pub fn contains(outer: &Ipv4Net, inner: &Ipv4Net) -> bool {
    outer.prefix_len() <= inner.prefix_len() && outer.contains(&inner.network())
}

/// The five addresses AWS reserves in every subnet: network, +1 (router),
/// +2 (DNS), +3 (future use) and broadcast.
pub fn is_reserved(subnet: &Ipv4Net, ip: Ipv4Addr) -> bool {
    let base = u32::from(subnet.network());
    let off = u32::from(ip).wrapping_sub(base);
    off <= 3 || ip == subnet.broadcast()
}

/// Usable addresses in a subnet (size minus the five reserved).
pub fn usable_count(subnet: &Ipv4Net) -> u64 {
    (1u64 << (32 - subnet.prefix_len())).saturating_sub(5)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn strict_and_lenient_parsing() {
        assert!(parse_network("10.0.0.0/16").is_some());
        assert!(parse_network("10.0.0.5/16").is_none());
        assert!(parse_network("10.0.0.0").is_none());
        assert!(parse_network("10.0.0.0/33").is_none());
        assert_eq!(parse_lenient("10.0.0.5/16").unwrap().to_string(), "10.0.0.0/16");
    }

    #[test]
    fn reserved_addresses() {
        let s = parse_network("10.1.1.0/24").unwrap();
        for last in [0u8, 1, 2, 3, 255] {
            assert!(is_reserved(&s, Ipv4Addr::new(10, 1, 1, last)));
        }
        assert!(!is_reserved(&s, Ipv4Addr::new(10, 1, 1, 4)));
        assert_eq!(usable_count(&s), 251);
    }

    fn net() -> impl Strategy<Value = Ipv4Net> {
        (any::<u32>(), 0u8..=32).prop_map(|(a, l)| Ipv4Net::new(Ipv4Addr::from(a), l).unwrap().trunc())
    }

    proptest! {
        #[test]
        fn overlap_is_symmetric_and_matches_brute_force(a in net(), b in net()) {
            prop_assert_eq!(overlaps(&a, &b), overlaps(&b, &a));
            // Two prefixes overlap iff one contains the other's network.
            let brute = u32::from(a.network()) <= u32::from(b.broadcast()) && u32::from(b.network()) <= u32::from(a.broadcast());
            prop_assert_eq!(overlaps(&a, &b), brute);
        }

        #[test]
        fn contains_implies_overlap(a in net(), b in net()) {
            if contains(&a, &b) { prop_assert!(overlaps(&a, &b)); }
        }
    }
}
