//! Throughput limits (`xvpc serve --dataplane netns --emulate-bandwidth`),
//! off by default.
//!
//! AWS documents, per resource:
//! - an interface endpoint carries up to 10 Gbps per Availability Zone
//!   (PrivateLink quotas; it then scales up to 100 Gbps, which is not
//!   emulated: the limit is the default, sustained one). An endpoint has one
//!   ENI per zone, so the limit sits on each endpoint ENI's PrivateLink link.
//! - a transit gateway VPC attachment carries up to 50 Gbps (the figure of
//!   the article the emulator follows; recent quota pages quote more per
//!   zone). The limit sits on each attachment link.
//!
//! A host cannot forward 50 Gbps between namespaces (a bare veth does
//! 10–30 Gbit/s), so every limit is multiplied by one scale: by default the
//! largest limit becomes half of the host's measured veth ceiling, so every
//! limit stays below what the emulated path itself carries and the *ratios*
//! between limits are AWS's. The scale is logged and shown by
//! `GET /_xvpc/netns`.
//!
//! Shaping is `tc tbf` on both ends of a link (each end shapes what it
//! sends): a token bucket holds the rate exactly, where an nftables policer
//! was measured to overshoot by 30 %.

use std::collections::BTreeMap;

use xvpc_model::State;

use crate::topology::Desired;

/// An interface endpoint's bandwidth per Availability Zone, bit/s.
pub const ENDPOINT_PER_AZ_BPS: f64 = 10e9;
/// A transit gateway VPC attachment's bandwidth, bit/s.
pub const TGW_ATTACHMENT_BPS: f64 = 50e9;
/// The largest limit becomes this fraction of the host's ceiling.
pub const HEADROOM: f64 = 0.5;

/// The limits a data plane applies, after scaling.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bandwidth {
    /// Every AWS limit is multiplied by this.
    pub scale: f64,
    /// The measured bare-veth throughput of this host, bit/s, when the
    /// scale was derived from it (`None`: the scale was given).
    pub host_ceiling_bps: Option<f64>,
}

impl Bandwidth {
    /// Limits scaled by `scale` (e.g. 0.02: a 10 Gbps endpoint becomes 200 Mbit/s).
    pub fn scaled(scale: f64) -> Bandwidth {
        Bandwidth { scale, host_ceiling_bps: None }
    }

    /// Limits scaled so the largest is [`HEADROOM`] of `ceiling_bps`
    /// (never above AWS's own limits).
    pub fn for_host(ceiling_bps: f64) -> Bandwidth {
        Bandwidth { scale: (HEADROOM * ceiling_bps / TGW_ATTACHMENT_BPS).min(1.0), host_ceiling_bps: Some(ceiling_bps) }
    }

    /// An interface endpoint ENI's limit, bit/s.
    pub fn endpoint_bps(&self) -> u64 {
        (ENDPOINT_PER_AZ_BPS * self.scale) as u64
    }

    /// A transit gateway attachment's limit, bit/s.
    pub fn tgw_attachment_bps(&self) -> u64 {
        (TGW_ATTACHMENT_BPS * self.scale) as u64
    }

    /// One line for logs.
    pub fn describe(&self) -> String {
        let ceiling = self.host_ceiling_bps.map(|c| format!(" (host veth ceiling {:.1} Gbit/s)", c / 1e9)).unwrap_or_default();
        format!(
            "bandwidth emulated at scale {:.4}{ceiling}: interface endpoint {} per AZ (AWS: 10 Gbps), transit gateway attachment {} (AWS: 50 Gbps)",
            self.scale,
            rate(self.endpoint_bps()),
            rate(self.tgw_attachment_bps())
        )
    }
}

/// A rate for people: `200 Mbit/s`, `2.5 Gbit/s`.
pub fn rate(bps: u64) -> String {
    if bps >= 1_000_000_000 {
        format!("{:.1} Gbit/s", bps as f64 / 1e9)
    } else {
        format!("{} Mbit/s", bps / 1_000_000)
    }
}

/// One shaped interface: namespace, device, rate in bit/s, and what the
/// device belongs to (a rebuilt link gets a new identity, so its qdisc is
/// applied again).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Shaper {
    pub ns: String,
    pub dev: String,
    pub bps: u64,
    pub identity: String,
}

/// Every interface to shape in `want`: both ends of each interface
/// endpoint's PrivateLink link and of each transit gateway attachment link.
pub fn desired(want: &Desired, state: &State, bw: &Bandwidth) -> BTreeMap<(String, String), Shaper> {
    let mut out = BTreeMap::new();
    let mut add = |ns: &str, dev: &str, bps: u64, identity: String| {
        out.insert((ns.to_string(), dev.to_string()), Shaper { ns: ns.into(), dev: dev.into(), bps, identity });
    };
    for l in want.ns_links.values().filter(|l| crate::privatelink::is_endpoint_link(&l.id)) {
        let identity = format!("{l:?}");
        add(&l.a_ns, &l.a_if, bw.endpoint_bps(), identity.clone());
        add(&l.b_ns, &l.b_if, bw.endpoint_bps(), identity);
    }
    for l in want.links.values().filter(|l| state.transit_gateway_attachments.contains_key(&l.id)) {
        let identity = format!("{l:?}");
        add(&l.a_ns, &l.ifname, bw.tgw_attachment_bps(), identity.clone());
        add(&l.b_ns, &l.ifname, bw.tgw_attachment_bps(), identity);
    }
    out
}

/// The `tc` arguments that shape `s` (a token bucket: a burst of 2 ms at the
/// rate, at least 256 KB so a big GSO packet ([`crate::netlink`]'s 185,000
/// bytes) always fits whole, and a queue of at most 20 ms).
pub fn tbf_args(s: &Shaper) -> Vec<String> {
    let burst = (s.bps / 8 / 500).max(256 * 1024);
    ["-n", &s.ns, "qdisc", "replace", "dev", &s.dev, "root", "tbf", "rate", &format!("{}bit", s.bps), "burst", &burst.to_string(), "latency", "20ms"]
        .iter()
        .map(|a| a.to_string())
        .collect()
}

/// Brings the qdiscs in line with `want`: applies new or changed shapers,
/// removes those no longer wanted (from namespaces that still exist).
/// Returns the number changed and the errors.
#[cfg(target_os = "linux")]
pub(crate) fn apply(applied: &mut BTreeMap<(String, String), Shaper>, want: BTreeMap<(String, String), Shaper>, alive: impl Fn(&str) -> bool) -> (usize, Vec<crate::Error>) {
    let mut errors = Vec::new();
    let mut changed = 0;
    let gone: Vec<(String, String)> = applied.keys().filter(|k| !want.contains_key(*k)).cloned().collect();
    for k in gone {
        applied.remove(&k);
        if alive(&k.0) {
            // The device may be gone with its link: nothing left to undo.
            let _ = crate::system::run("tc", &["-n", &k.0, "qdisc", "del", "dev", &k.1, "root"], None);
            changed += 1;
        }
    }
    for (k, s) in want {
        if applied.get(&k) == Some(&s) {
            continue;
        }
        let args = tbf_args(&s);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        match crate::system::run("tc", &args, None) {
            Ok(_) => {
                applied.insert(k, s);
                changed += 1;
            }
            Err(e) => errors.push(e),
        }
    }
    (changed, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_keeps_aws_ratios_and_headroom() {
        let b = Bandwidth::for_host(20e9);
        assert_eq!(b.tgw_attachment_bps(), 10_000_000_000, "50 Gbps becomes half of a 20 Gbit/s host");
        assert_eq!(b.endpoint_bps(), 2_000_000_000, "an endpoint keeps a fifth of an attachment");
        assert_eq!(Bandwidth::for_host(1e12).scale, 1.0, "never above AWS's limits");
        let s = Bandwidth::scaled(0.02);
        assert_eq!(s.endpoint_bps(), 200_000_000);
        assert!(s.describe().contains("200 Mbit/s per AZ"), "{}", s.describe());
        let sh = Shaper { ns: "n".into(), dev: "d".into(), bps: 200_000_000, identity: String::new() };
        let args = tbf_args(&sh);
        assert_eq!(args[args.iter().position(|a| a == "rate").unwrap() + 1], "200000000bit");
        assert_eq!(args[args.iter().position(|a| a == "burst").unwrap() + 1], "262144");
    }
}
