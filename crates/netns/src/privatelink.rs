//! PrivateLink: an available interface endpoint's ENI namespace DNATs what
//! consumers send to its address on a listener port to its NLB node, over a
//! private veth (the "PrivateLink fabric") that only those two namespaces
//! see; the NLB node's namespace balances across the healthy targets
//! (`numgen inc`) and SNATs to its own private address, so targets see the
//! NLB as the source, as in AWS. Each NAT point has its own namespace and
//! conntrack, so overlapping consumer and provider CIDRs need no zones.
//!
//! The consumer side is still policed by the consumer router (the
//! endpoint's security groups and the subnet's ACL); the provider side by
//! the provider router (the NLB ENI's groups, the targets' groups and ACLs).
//!
//! Health: a target is in rotation when the model's target health (with the
//! reachability engine as the health check) is `healthy` once registration
//! and provisioning delays have passed: the data plane follows state
//! changes, not the clock, so it does not model the `initial` period.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::net::Ipv4Addr;

use xvpc_model::target_health;
use xvpc_model::vpc_endpoint::EndpointState;
use xvpc_model::State;

use crate::names;
use crate::topology::Alloc;

/// A veth between two namespaces, with a /30 on each end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NsLink {
    pub id: String,
    pub a_ns: String,
    pub a_if: String,
    pub a_addr: Ipv4Addr,
    pub b_ns: String,
    pub b_if: String,
    pub b_addr: Ipv4Addr,
}

/// The link interface on the endpoint side.
const EP_IF: &str = "pl0";
/// The MTU through an endpoint (PrivateLink quotas: 8500 bytes, no path
/// MTU discovery, MSS clamped for all packets). Carried by the link, and
/// TCP's MSS is clamped to fit in both directions at the endpoint.
pub const MTU: u32 = 8500;
/// Ids of endpoint links start with this, then the endpoint ENI's id.
const LINK_ID_PREFIX: &str = "pl/";

/// Whether a namespace link is an interface endpoint's PrivateLink link.
pub fn is_endpoint_link(id: &str) -> bool {
    id.starts_with(LINK_ID_PREFIX)
}

/// Far in the future: registration and provisioning delays are over.
const EVENTUALLY: i64 = i64::MAX / 4;

/// Links and NAT tables (`table ip xvpc_nat`, by namespace) for every
/// available interface endpoint.
pub fn desired(state: &State, prefix: &str, alloc: &mut Alloc) -> (BTreeMap<String, NsLink>, BTreeMap<String, String>) {
    let mut links = BTreeMap::new();
    let mut nat: BTreeMap<String, String> = BTreeMap::new();
    // NLB node namespace -> (listener port -> targets), and its address.
    let mut nlb_rules: BTreeMap<String, (Ipv4Addr, BTreeMap<u16, Vec<(Ipv4Addr, u16)>>)> = BTreeMap::new();
    let probe = |from: &xvpc_model::network_interface::NetworkInterface, to: &xvpc_model::network_interface::NetworkInterface, port: u16| {
        xvpc_reach::health_check(state, EVENTUALLY, &from.id, &to.id, 6, port).is_ok()
    };

    for ep in state.vpc_endpoints.values() {
        if !ep.endpoint_type.eq_ignore_ascii_case("interface") || ep.state != EndpointState::Available {
            continue;
        }
        let Some(svc) = state.endpoint_services.values().find(|s| Some(&s.id) == ep.service_id.as_ref() || s.name == ep.service_name) else { continue };
        let Some(lb) = svc.network_load_balancer_arns.iter().find_map(|a| state.load_balancers.get(a)) else { continue };
        // Listener port -> healthy targets.
        let mut ports: BTreeMap<u16, Vec<(Ipv4Addr, u16)>> = BTreeMap::new();
        for l in state.listeners.values().filter(|l| l.load_balancer_arn == lb.id && l.protocol.eq_ignore_ascii_case("tcp")) {
            let groups = l.default_actions.iter().flat_map(|a| a.target_group_arn.iter().cloned().chain(a.forward.iter().map(|f| f.0.clone())));
            let mut targets = Vec::new();
            for tg in groups.filter_map(|g| state.target_groups.get(&g)) {
                for t in &tg.targets {
                    if target_health::health(state, tg, t, EVENTUALLY, &probe).state != "healthy" {
                        continue;
                    }
                    let ip = if tg.target_type == "instance" { state.instances.get(&t.id).map(|i| i.private_ip) } else { t.id.parse().ok() };
                    if let Some(ip) = ip {
                        targets.push((ip, t.port));
                    }
                }
            }
            targets.sort();
            targets.dedup();
            ports.insert(l.port, targets);
        }
        for eni_id in &ep.network_interface_ids {
            let Some(eni) = state.network_interfaces.get(eni_id) else { continue };
            let zone = state.subnets.get(&eni.subnet_id).map(|s| s.availability_zone_id.clone());
            // The NLB node of the endpoint's zone, else any.
            let Some(node) = lb.zones.iter().find(|z| Some(&z.zone_id) == zone.as_ref()).or(lb.zones.first()) else { continue };
            if !state.network_interfaces.contains_key(&node.eni_id) {
                continue;
            }
            let id = format!("{LINK_ID_PREFIX}{eni_id}");
            let j = alloc.link(&id);
            let base = u32::from(Ipv4Addr::new(100, 64, 0, 0)) + 4 * j;
            let (ep_ns, nlb_ns) = (names::ns(prefix, eni_id), names::ns(prefix, &node.eni_id));
            let link = NsLink {
                id,
                a_ns: ep_ns.clone(),
                a_if: EP_IF.into(),
                a_addr: Ipv4Addr::from(base + 1),
                b_ns: nlb_ns.clone(),
                b_if: names::ifname('l', eni_id),
                b_addr: Ipv4Addr::from(base + 2),
            };
            let mut t = String::from("table ip xvpc_nat {\n  chain pre {\n    type nat hook prerouting priority dstnat; policy accept;\n");
            let plist: Vec<String> = ports.keys().map(|p| p.to_string()).collect();
            if !plist.is_empty() {
                let _ = writeln!(t, "    iifname \"eth0\" ip daddr {} tcp dport {{ {} }} dnat ip to {}", eni.private_ip, plist.join(", "), link.b_addr);
            }
            let _ = write!(t, "  }}\n  chain post {{\n    type nat hook postrouting priority srcnat; policy accept;\n    oifname \"{EP_IF}\" snat ip to {}\n  }}\n", link.a_addr);
            let mss = MTU - 40;
            let _ = write!(t, "  chain clamp {{\n    type filter hook forward priority mangle; policy accept;\n    tcp flags syn tcp option maxseg size > {mss} tcp option maxseg size set {mss}\n  }}\n}}\n");
            nat.insert(ep_ns, t);
            let entry = nlb_rules.entry(nlb_ns).or_insert_with(|| (node.private_ip, BTreeMap::new()));
            for (p, ts) in &ports {
                entry.1.insert(*p, ts.clone());
            }
            links.insert(link.id.clone(), link);
        }
    }
    for (ns, (own_ip, ports)) in nlb_rules {
        let mut t = String::from("table ip xvpc_nat {\n  chain pre {\n    type nat hook prerouting priority dstnat; policy accept;\n");
        for (p, targets) in ports {
            if targets.is_empty() {
                let _ = writeln!(t, "    iifname != \"eth0\" tcp dport {p} drop");
                continue;
            }
            let map: Vec<String> = targets.iter().enumerate().map(|(i, (ip, port))| format!("{i} : {ip} . {port}")).collect();
            let _ = writeln!(t, "    iifname != \"eth0\" tcp dport {p} dnat ip to numgen inc mod {} map {{ {} }}", targets.len(), map.join(", "));
        }
        let _ = write!(t, "  }}\n  chain post {{\n    type nat hook postrouting priority srcnat; policy accept;\n    oifname \"eth0\" snat ip to {own_ip}\n  }}\n}}\n");
        nat.insert(ns, t);
    }
    (links, nat)
}
