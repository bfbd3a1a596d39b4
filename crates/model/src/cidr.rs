//! CIDR rules as EC2 applies them, IPv4 and IPv6.
//!
//! EC2 "modifies the specified CIDR block to its canonical form" (API
//! reference of CreateVpc, CreateSubnet, CreateRoute, CreateNetworkAclEntry
//! and security group ranges): `100.68.0.18/18` is stored, described and
//! compared as `100.68.0.0/18`. [`parse_canonical`] and
//! [`parse_canonical_v6`] are the one place that happens.

use std::net::{Ipv4Addr, Ipv6Addr};

pub use ipnet::{IpNet, Ipv4Net, Ipv6Net};

/// Parses an IPv4 block `a.b.c.d/n` and returns its canonical form (host
/// bits cleared). `None` for anything that is not an IPv4 CIDR.
pub fn parse_canonical(s: &str) -> Option<Ipv4Net> {
    let net: Ipv4Net = s.trim().parse().ok()?;
    Some(net.trunc())
}

/// Parses an IPv6 block `x:x::/n` and returns its canonical form.
pub fn parse_canonical_v6(s: &str) -> Option<Ipv6Net> {
    let net: Ipv6Net = s.trim().parse().ok()?;
    Some(net.trunc())
}

/// Parses `a.b.c.d/n` strictly: the address must be the network address.
/// For the parameters whose reference does not promise canonicalisation
/// (transit gateway CIDR blocks and static routes).
pub fn parse_network(s: &str) -> Option<Ipv4Net> {
    let net: Ipv4Net = s.trim().parse().ok()?;
    (net.network() == net.addr()).then_some(net)
}

/// Whether two IPv4 blocks share any address.
pub fn overlaps(a: &Ipv4Net, b: &Ipv4Net) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

/// Whether `outer` contains all of `inner`.
pub fn contains(outer: &Ipv4Net, inner: &Ipv4Net) -> bool {
    outer.prefix_len() <= inner.prefix_len() && outer.contains(&inner.network())
}

/// Whether two IPv6 blocks share any address.
pub fn overlaps_v6(a: &Ipv6Net, b: &Ipv6Net) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

/// Whether `outer` contains all of `inner` (IPv6).
pub fn contains_v6(outer: &Ipv6Net, inner: &Ipv6Net) -> bool {
    outer.prefix_len() <= inner.prefix_len() && outer.contains(&inner.network())
}

/// Whether two blocks of any family share an address (never across
/// families).
pub fn overlaps_any(a: &IpNet, b: &IpNet) -> bool {
    match (a, b) {
        (IpNet::V4(a), IpNet::V4(b)) => overlaps(a, b),
        (IpNet::V6(a), IpNet::V6(b)) => overlaps_v6(a, b),
        _ => false,
    }
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

/// AWS reserves the first four and the last IPv6 address of a subnet's
/// block too (VPC user guide, "Subnet CIDR blocks").
pub fn is_reserved_v6(subnet: &Ipv6Net, ip: Ipv6Addr) -> bool {
    let base = u128::from(subnet.network());
    let off = u128::from(ip).wrapping_sub(base);
    off <= 3 || ip == subnet.broadcast()
}

/// The `index`-th block of length `len` inside `parent` (what Terraform's
/// `cidrsubnet(parent, len - parent_len, index)` computes), or `None` when
/// `len` is shorter than the parent's or `index` does not fit.
pub fn nth_subnet_v6(parent: &Ipv6Net, len: u8, index: u128) -> Option<Ipv6Net> {
    let bits = len.checked_sub(parent.prefix_len())?;
    if len > 128 || (bits < 128 && index >> bits != 0) {
        return None;
    }
    let shift = 128 - u32::from(len);
    let offset = if shift >= 128 { 0 } else { index << shift };
    let base = u128::from(parent.network()) | offset;
    Ipv6Net::new(Ipv6Addr::from(base), len).ok()
}

/// The IPv6 documentation prefix (RFC 3849). Amazon-provided blocks are
/// carved from it: an emulator must never hand out addresses that route
/// somewhere real.
pub fn documentation_v6() -> Ipv6Net {
    Ipv6Net::new(Ipv6Addr::new(0x2001, 0x0db8, 0, 0, 0, 0, 0, 0), 32).expect("literal prefix")
}

/// The prefix length of an Amazon-provided VPC block.
pub const AMAZON_PROVIDED_LEN: u8 = 56;

/// The prefix length of a subnet's IPv6 block in an Amazon-provided /56
/// ("a fixed prefix length of /64", VPC user guide).
pub const SUBNET_V6_LEN: u8 = 64;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn canonical_and_strict_parsing() {
        assert_eq!(parse_canonical("100.68.0.18/18").unwrap().to_string(), "100.68.0.0/18");
        assert_eq!(parse_canonical(" 10.0.0.0/16 ").unwrap().to_string(), "10.0.0.0/16");
        assert!(parse_canonical("10.0.0.0").is_none());
        assert!(parse_canonical("10.0.0.0/33").is_none());
        assert!(parse_canonical("2001:db8::/56").is_none(), "not IPv4");
        assert_eq!(parse_canonical_v6("2001:db8:0:1234::1/56").unwrap().to_string(), "2001:db8:0:1200::/56");
        assert!(parse_canonical_v6("10.0.0.0/16").is_none(), "not IPv6");
        assert!(parse_network("10.0.0.0/16").is_some());
        assert!(parse_network("10.0.0.5/16").is_none());
    }

    #[test]
    fn reserved_addresses() {
        let s = parse_network("10.1.1.0/24").unwrap();
        for last in [0u8, 1, 2, 3, 255] {
            assert!(is_reserved(&s, Ipv4Addr::new(10, 1, 1, last)));
        }
        assert!(!is_reserved(&s, Ipv4Addr::new(10, 1, 1, 4)));
        assert_eq!(usable_count(&s), 251);
        let s6 = parse_canonical_v6("2001:db8:0:1::/64").unwrap();
        for ok in ["2001:db8:0:1::", "2001:db8:0:1::3", "2001:db8:0:1:ffff:ffff:ffff:ffff"] {
            assert!(is_reserved_v6(&s6, ok.parse().unwrap()), "{ok}");
        }
        assert!(!is_reserved_v6(&s6, "2001:db8:0:1::4".parse().unwrap()));
    }

    #[test]
    fn carving_like_terraform_cidrsubnet() {
        let vpc = parse_canonical_v6("2001:db8:0:ab00::/56").unwrap();
        assert_eq!(nth_subnet_v6(&vpc, 64, 0).unwrap().to_string(), "2001:db8:0:ab00::/64");
        assert_eq!(nth_subnet_v6(&vpc, 64, 1).unwrap().to_string(), "2001:db8:0:ab01::/64");
        assert_eq!(nth_subnet_v6(&vpc, 64, 255).unwrap().to_string(), "2001:db8:0:abff::/64");
        assert!(nth_subnet_v6(&vpc, 64, 256).is_none());
        assert!(nth_subnet_v6(&vpc, 48, 0).is_none());
        assert_eq!(nth_subnet_v6(&documentation_v6(), 56, 1).unwrap().to_string(), "2001:db8:0:100::/56");
    }

    fn net() -> impl Strategy<Value = Ipv4Net> {
        (any::<u32>(), 0u8..=32).prop_map(|(a, l)| Ipv4Net::new(Ipv4Addr::from(a), l).unwrap().trunc())
    }

    fn net6() -> impl Strategy<Value = Ipv6Net> {
        (any::<u128>(), 0u8..=128).prop_map(|(a, l)| Ipv6Net::new(Ipv6Addr::from(a), l).unwrap().trunc())
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

        #[test]
        fn v6_overlap_and_containment_match_the_address_ranges(a in net6(), b in net6()) {
            let (a0, a1, b0, b1) = (u128::from(a.network()), u128::from(a.broadcast()), u128::from(b.network()), u128::from(b.broadcast()));
            prop_assert_eq!(overlaps_v6(&a, &b), a0 <= b1 && b0 <= a1);
            prop_assert_eq!(overlaps_v6(&a, &b), overlaps_v6(&b, &a));
            prop_assert_eq!(contains_v6(&a, &b), a0 <= b0 && b1 <= a1);
            prop_assert_eq!(overlaps_any(&IpNet::V6(a), &IpNet::V6(b)), overlaps_v6(&a, &b));
        }

        /// Canonical parsing is idempotent and keeps the address inside.
        #[test]
        fn canonical_form_contains_the_given_address(a in any::<u128>(), l in 0u8..=128) {
            let given = format!("{}/{l}", Ipv6Addr::from(a));
            let c = parse_canonical_v6(&given).unwrap();
            prop_assert!(c.contains(&Ipv6Addr::from(a)));
            prop_assert_eq!(parse_canonical_v6(&c.to_string()), Some(c));
            prop_assert_eq!(c.network(), c.addr());
        }

        /// The /64s carved from a /56 are disjoint, inside it, and cover it.
        #[test]
        fn carved_blocks_tile_their_parent(p in net6().prop_filter("room for /64s", |n| n.prefix_len() <= 64 && n.prefix_len() >= 48), i in any::<u16>(), j in any::<u16>()) {
            let bits = 64 - p.prefix_len();
            let n = 1u128 << bits;
            let (i, j) = (u128::from(i) % n, u128::from(j) % n);
            let (x, y) = (nth_subnet_v6(&p, 64, i).unwrap(), nth_subnet_v6(&p, 64, j).unwrap());
            prop_assert!(contains_v6(&p, &x) && contains_v6(&p, &y));
            prop_assert_eq!(x.prefix_len(), 64);
            prop_assert_eq!(overlaps_v6(&x, &y), i == j);
            prop_assert!(nth_subnet_v6(&p, 64, n).is_none());
        }
    }
}
