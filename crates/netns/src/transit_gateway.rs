//! Transit gateways: one namespace per gateway, a veth per available VPC
//! attachment (`t<hex>` at both ends: in the VPC router and in the gateway).
//!
//! - Association: what arrives from an attachment is routed by the gateway
//!   route table it is associated with (`ip rule iif t… lookup <table>`,
//!   then blackhole: an unassociated attachment routes nothing).
//! - Propagation and static routes: the model's effective routes of each
//!   gateway route table (`TgwRouteTable::routes`), active ones via the
//!   attachment's link, the others blackholes.
//! - Into a VPC: traffic from the gateway reaches that VPC's own ENIs (the
//!   router's main table), like a peering link.
//! - Only ENIs in an Availability Zone where the attachment has a subnet can
//!   send to the gateway (enforced in the VPC router's firewall).
//! - The attachment subnet's network ACL applies on the link, in the zone
//!   of the VPC's end of the packet (the firewall's `tgw_*` rules).
//! - IPv6 enters and leaves only through attachments with IPv6 support
//!   (`Ipv6Support`): for the others, IPv6 arriving is dropped (an `ip -6`
//!   rule) and IPv6 routes to them are blackholes.

use std::collections::BTreeMap;

use xvpc_model::transit_gateway::AttachmentState;
use xvpc_model::State;

use crate::names::{self, IPV6};
use crate::topology::{Alloc, Line, Link, LINK_NEXT_HOP, LINK_NEXT_HOP6};

/// A transit gateway carries packets of up to 8500 bytes between VPCs
/// ("What is AWS Transit Gateway": "a transit gateway supports an MTU of
/// 8500 bytes for traffic between VPCs"), against 9001 inside a VPC.
pub const MTU: u32 = 8500;

/// The gateway clamps TCP's MSS on every SYN it carries (Transit Gateway
/// quotas, MTU: "Transit gateway enforces Maximum Segment Size (MSS)
/// clamping for all packets"), so TCP between jumbo-frame VPCs settles on
/// segments that fit 8500 bytes without relying on ICMP.
/// IPv4 headers take 40 bytes of the MTU, IPv6 ones 60.
fn mss_clamp() -> String {
    [("ip", MTU - 40), ("ip6", MTU - 60)]
        .iter()
        .map(|(family, mss)| format!(
            "table {family} xvpc_nat {{\n  chain clamp {{\n    type filter hook forward priority mangle; policy accept;\n    tcp flags syn tcp option maxseg size > {mss} tcp option maxseg size set {mss}\n  }}\n}}\n"
        ))
        .collect()
}

/// What the transit gateways add to the desired data plane.
#[derive(Debug, Default)]
pub struct Tgws {
    /// Gateway namespaces: (gateway id, namespace, keyed ip lines).
    pub routers: Vec<(String, String, BTreeMap<String, Line>)>,
    /// Attachment links (VPC router = `a`, gateway = `b`).
    pub links: Vec<Link>,
    /// Per VPC: gateway id → the attachment's interface in the VPC router.
    pub ends: BTreeMap<String, BTreeMap<String, String>>,
    /// Per VPC: attachment interface → zone id → the attachment's subnet
    /// there (where its network interface, and so its ACL, sits).
    pub zones: BTreeMap<String, BTreeMap<String, BTreeMap<String, String>>>,
    /// Per gateway namespace: its nftables table (the MSS clamp).
    pub nat: BTreeMap<String, String>,
}

fn line(add: String, del: Option<String>) -> Line {
    Line { add, del }
}

/// The transit gateways of `state` for the run `prefix`.
pub fn desired(state: &State, prefix: &str, alloc: &mut Alloc) -> Tgws {
    let mut out = Tgws::default();
    for tgw in state.transit_gateways.values().filter(|t| !t.is_deleted()) {
        let ns = names::ns(prefix, &tgw.id);
        let mut ip: BTreeMap<String, Line> = BTreeMap::new();
        let atts: Vec<_> = state
            .transit_gateway_attachments
            .values()
            .filter(|a| a.transit_gateway_id == tgw.id && a.state == AttachmentState::Available && state.vpcs.contains_key(&a.vpc_id))
            .collect();
        let dev_of: BTreeMap<&str, String> = atts.iter().map(|a| (a.id.as_str(), names::ifname('t', &a.id))).collect();
        for a in &atts {
            let dev = dev_of[a.id.as_str()].clone();
            let link = Link {
                id: a.id.clone(),
                ifname: dev.clone(),
                a_ns: names::ns(prefix, &a.vpc_id),
                a_mac: names::mac(0x0a, &format!("{}/vpc", a.id)),
                b_ns: ns.clone(),
                b_mac: names::mac(0x0a, &format!("{}/tgw", a.id)),
                mtu: MTU,
            };
            ip.insert(format!("link {dev}"), line(format!("link set {dev} up"), None));
            ip.insert(format!("neigh {dev}"), line(format!("neigh replace {LINK_NEXT_HOP} lladdr {} dev {dev} nud permanent", link.a_mac), None));
            // IPv6 lines only for a VPC with an IPv6 block (none other sends
            // IPv6), so IPv4-only worlds need no `ip -6` at all.
            let v6 = state.vpcs.get(&a.vpc_id).is_some_and(|v| v.ipv6_cidrs().next().is_some());
            if v6 {
                ip.insert(format!("neigh6 {dev}"), line(format!("neigh replace {LINK_NEXT_HOP6} lladdr {} dev {dev} nud permanent", link.a_mac), None));
            }
            // Association: the attachment's table, or nothing; IPv6 only
            // with IPv6 support.
            let j = alloc.link(&a.id);
            let p = 20000 + 2 * j;
            if let Some(rt) = a.association.as_ref().filter(|r| state.transit_gateway_route_tables.get(*r).is_some_and(|t| !t.is_deleted())) {
                let n = 1000 + alloc.table(rt);
                ip.insert(format!("rule {p}"), line(format!("rule add pref {p} iif {dev} lookup {n}"), Some(format!("rule del pref {p}"))));
                if v6 && a.options.ipv6_support {
                    ip.insert(format!("rule6 {p}"), line(format!("{IPV6}rule add pref {p} iif {dev} lookup {n}"), Some(format!("{IPV6}rule del pref {p}"))));
                }
            }
            ip.insert(format!("rule {}", p + 1), line(format!("rule add pref {} iif {dev} blackhole", p + 1), Some(format!("rule del pref {}", p + 1))));
            if v6 {
                ip.insert(format!("rule6 {}", p + 1), line(format!("{IPV6}rule add pref {} iif {dev} blackhole", p + 1), Some(format!("{IPV6}rule del pref {}", p + 1))));
            }
            out.ends.entry(a.vpc_id.clone()).or_default().insert(tgw.id.clone(), dev.clone());
            let zones: BTreeMap<String, String> = a.subnet_ids.iter().filter_map(|s| state.subnets.get(s)).map(|s| (s.availability_zone_id.clone(), s.id.clone())).collect();
            out.zones.entry(a.vpc_id.clone()).or_default().insert(dev.clone(), zones);
            out.links.push(link);
        }
        // Route tables: effective routes (static and propagated).
        for rt in state.transit_gateway_route_tables.values().filter(|t| t.transit_gateway_id == tgw.id && !t.is_deleted()) {
            let n = 1000 + alloc.table(&rt.id);
            for r in rt.routes(state) {
                let key = format!("route {n} {}", r.cidr);
                let v6 = r.cidr.addr().is_ipv6();
                // IPv6 leaves only by an attachment with IPv6 support.
                let carries = |a: &str| !v6 || state.transit_gateway_attachments.get(a).is_some_and(|a| a.options.ipv6_support);
                let hop = if v6 { LINK_NEXT_HOP6 } else { LINK_NEXT_HOP };
                let add = match r.attachment.as_deref().filter(|a| carries(a)).and_then(|a| dev_of.get(a)).filter(|_| r.active) {
                    Some(dev) => format!("route replace {} via {hop} dev {dev} onlink table {n}", r.cidr),
                    None => format!("route replace blackhole {} table {n}", r.cidr),
                };
                ip.insert(key, line(add, Some(format!("route del {} table {n}", r.cidr))));
            }
        }
        out.nat.insert(ns.clone(), mss_clamp());
        out.routers.push((tgw.id.clone(), ns, ip));
    }
    out
}
