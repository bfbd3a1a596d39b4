//! Names of everything the data plane creates, derived from model ids.
//!
//! Namespace names carry the run prefix (`xv<4 hex>`) so that a later run
//! can find and remove what a crashed run left behind, and so that two
//! servers on one machine never touch each other's namespaces. Interface
//! names must fit Linux's 15 characters, so they use the id's hex part.

/// Marks an `ip -batch` line that needs `ip -6` (policy rules: `ip rule`
/// takes its family from the command line only, and a batch line cannot
/// carry options; routes, addresses and neighbours take it from their
/// address). `system::ip_batch` runs such lines in a second batch.
pub const IPV6: &str = "-6 ";

/// The run prefix of this process: `xv` + 4 hex digits.
pub fn new_prefix() -> String {
    format!("xv{}", &xvpc_model::ids::random_hex(4))
}

/// Whether `name` looks like a namespace of some xvpc run; returns its prefix.
pub fn prefix_of(name: &str) -> Option<&str> {
    let p = name.get(0..6)?;
    let ok = p.starts_with("xv") && p[2..].bytes().all(|b| b.is_ascii_hexdigit()) && name[6..].starts_with('-');
    ok.then_some(p)
}

/// The namespace of a model object (VPC router, ENI, ...): `<prefix>-<id>`.
pub fn ns(prefix: &str, id: &str) -> String {
    format!("{prefix}-{id}")
}

/// The hex part of an id (`eni-0abc...` → `0abc...`).
fn hex(id: &str) -> &str {
    id.rsplit('-').next().unwrap_or(id)
}

/// An interface name: one letter + up to 14 hex digits of the id.
pub fn ifname(tag: char, id: &str) -> String {
    let h = hex(id);
    let tail = &h[h.len().saturating_sub(14)..];
    format!("{tag}{tail}")
}

/// A locally administered unicast MAC derived from a string, with a
/// first octet chosen by the caller to tell roles apart.
pub fn mac(first: u8, key: &str) -> String {
    let h = key.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    let first = (first | 0x02) & 0xfe;
    format!("{first:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", (h >> 32) as u8, (h >> 24) as u8, (h >> 16) as u8, (h >> 8) as u8, h as u8)
}

/// A chain-safe identifier for nftables (`[a-z0-9_]`).
pub fn chain_id(id: &str) -> String {
    id.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fit_linux_limits() {
        assert_eq!(ifname('e', "eni-0123456789abcdef0"), "e3456789abcdef0");
        assert!(ifname('e', "eni-0123456789abcdef0").len() <= 15);
        assert_eq!(ifname('p', "pcx-1234abcd"), "p1234abcd");
        let p = new_prefix();
        assert_eq!(prefix_of(&ns(&p, "vpc-1")), Some(p.as_str()));
        assert_eq!(prefix_of("dp-rA"), None);
        assert_eq!(prefix_of("xvzzzz-a"), None);
        let m = mac(0x0a, "x");
        assert_eq!(m.len(), 17);
        assert!(m.starts_with("0a:"));
        assert_eq!(mac(0x0e, "x"), mac(0x0e, "x"));
    }
}
