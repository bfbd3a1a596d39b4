//! `Fn::Cidr`: the first `count` blocks of `cidrBits` host bits inside an
//! address block (`!Cidr [ "192.168.0.0/24", 6, 5 ]` gives six /27s).

use crate::error::{Result, TemplateError};
use ipnet::{IpNet, Ipv4Net, Ipv6Net};

/// The blocks AWS's `Fn::Cidr` returns: consecutive subnets of prefix
/// length (32 or 128) - `cidr_bits`, from the start of `ip_block`'s network.
pub fn cidr(ip_block: &str, count: i64, cidr_bits: i64) -> Result<Vec<String>> {
    let net: IpNet = ip_block
        .trim()
        .parse()
        .map_err(|_| TemplateError::template(format!("Fn::Cidr: {ip_block} is not a valid CIDR block")))?;
    if !(1..=256).contains(&count) {
        return Err(TemplateError::template(format!(
            "Fn::Cidr: count {count} must be between 1 and 256"
        )));
    }
    let max = i64::from(net.max_prefix_len());
    if cidr_bits < 0 || cidr_bits > max {
        return Err(TemplateError::template(format!(
            "Fn::Cidr: cidrBits {cidr_bits} must be between 0 and {max}"
        )));
    }
    let new_prefix = (max - cidr_bits) as u8;
    if new_prefix < net.prefix_len() {
        return Err(TemplateError::template(format!(
            "Fn::Cidr: cidrBits {cidr_bits} gives /{new_prefix} blocks, larger than {ip_block}"
        )));
    }
    let blocks: Vec<String> = match net.trunc() {
        IpNet::V4(n) => v4(n, new_prefix, count),
        IpNet::V6(n) => v6(n, new_prefix, count),
    };
    if (blocks.len() as i64) < count {
        return Err(TemplateError::template(format!(
            "Fn::Cidr: {ip_block} holds only {} blocks of /{new_prefix}, {count} requested",
            blocks.len()
        )));
    }
    Ok(blocks)
}

fn v4(n: Ipv4Net, prefix: u8, count: i64) -> Vec<String> {
    n.subnets(prefix).map(|s| s.take(count as usize).map(|b| b.to_string()).collect()).unwrap_or_default()
}

fn v6(n: Ipv6Net, prefix: u8, count: i64) -> Vec<String> {
    n.subnets(prefix).map(|s| s.take(count as usize).map(|b| b.to_string()).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn aws_documentation_examples() {
        // AWS's example: !Cidr [ "192.168.0.0/24", 6, 5 ] -> six /27 blocks.
        assert_eq!(
            cidr("192.168.0.0/24", 6, 5).unwrap(),
            [
                "192.168.0.0/27",
                "192.168.0.32/27",
                "192.168.0.64/27",
                "192.168.0.96/27",
                "192.168.0.128/27",
                "192.168.0.160/27"
            ]
        );
        // A VPC's /16 cut into /24s (cidrBits 8).
        assert_eq!(cidr("10.0.0.0/16", 3, 8).unwrap(), ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]);
        // The IPv6 example: a /64 out of the VPC's /56.
        assert_eq!(cidr("2600:1f16:abc:de00::/56", 2, 64).unwrap(), ["2600:1f16:abc:de00::/64", "2600:1f16:abc:de01::/64"]);
    }

    #[test]
    fn refuses_what_does_not_fit() {
        assert!(cidr("10.0.0.0/24", 9, 5).is_err(), "a /24 holds 8 /27s");
        assert!(cidr("10.0.0.0/24", 1, 16).is_err(), "/16 blocks do not fit in a /24");
        assert!(cidr("10.0.0.0/16", 0, 8).is_err());
        assert!(cidr("10.0.0.0/16", 257, 8).is_err());
        assert!(cidr("nope", 1, 8).is_err());
        assert!(cidr("10.0.0.0/16", 1, 33).is_err());
    }

    #[test]
    fn host_bits_of_the_block_are_ignored() {
        assert_eq!(cidr("10.0.5.7/16", 1, 8).unwrap(), ["10.0.0.0/24"]);
    }

    proptest! {
        #[test]
        fn blocks_are_consecutive_disjoint_and_inside(a in any::<u32>(), len in 8u8..=28, bits in 0i64..=4, count in 1i64..=16) {
            let block = Ipv4Net::new(a.into(), len).unwrap().trunc();
            let new_prefix = 32 - bits as u8;
            prop_assume!(new_prefix >= len);
            let available = 1u64 << (new_prefix - len);
            match cidr(&block.to_string(), count, bits) {
                Ok(out) => {
                    prop_assert!(count as u64 <= available);
                    prop_assert_eq!(out.len() as i64, count);
                    let size = 1u64 << bits;
                    for (i, b) in out.iter().enumerate() {
                        let n: Ipv4Net = b.parse().unwrap();
                        prop_assert_eq!(n.prefix_len(), new_prefix);
                        prop_assert!(block.contains(&n));
                        prop_assert_eq!(u64::from(u32::from(n.network())), u64::from(u32::from(block.network())) + i as u64 * size);
                    }
                }
                Err(_) => prop_assert!(count as u64 > available),
            }
        }
    }
}
