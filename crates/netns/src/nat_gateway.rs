//! NAT gateways: the gateway's own ENI namespace is the NAT box.
//!
//! A subnet's route to `nat-…` goes, in the VPC router, to the gateway's
//! private address on its port; the gateway's namespace forwards the
//! packet back out of `eth0` (to its subnet's router address, so its own
//! subnet's route table decides where it goes next) with the source
//! translated to its private address. From there:
//! - towards the internet gateway, the router's 1:1 NAT turns that private
//!   address into the gateway's Elastic IP (the gateway's ENI holds it as
//!   its public address, as in the model), so the internet sees the Elastic
//!   IP; a private gateway has none and the internet gateway drops it;
//! - towards a peering or transit gateway link, the destination sees the
//!   gateway's private address.
//!
//! Replies find the gateway's conntrack and go back to the client. Nothing
//! else reaches the namespace: what it did not ask for is dropped (a NAT
//! gateway opens no connection inwards, and answers none).
//!
//! As in PrivateLink, each NAT point is its own namespace with its own
//! conntrack. The data plane follows state, not the clock: a gateway is
//! built unless it failed or is deleted.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::net::Ipv4Addr;

use xvpc_model::State;

use crate::names;

/// Far in the future: a pending gateway is built as the available one it
/// becomes.
const EVENTUALLY: i64 = i64::MAX / 4;

/// Each built gateway's next hop in its VPC router: (private address, the
/// router port of its ENI), by gateway id.
pub type Hops = BTreeMap<String, (Ipv4Addr, String)>;

/// The next hops and the NAT tables (`table ip xvpc_nat` by namespace) of
/// every NAT gateway of `state` for the run `prefix`.
pub fn desired(state: &State, prefix: &str) -> (Hops, BTreeMap<String, String>) {
    let mut hops = Hops::new();
    let mut nat = BTreeMap::new();
    for g in state.nat_gateways.values().filter(|g| g.is_available(EVENTUALLY)) {
        let Some(eni) = g.network_interface_id.as_ref().and_then(|e| state.network_interfaces.get(e)) else { continue };
        hops.insert(g.id.clone(), (eni.private_ip, names::ifname('e', &eni.id)));
        nat.insert(names::ns(prefix, &eni.id), table(&eni.all_ips().collect::<Vec<_>>()));
    }
    (hops, nat)
}

/// The gateway namespace's table: SNAT of forwarded traffic to the primary
/// address; only new connections and their packets are forwarded (a reply
/// routed to the gateway that it never saw leave is dropped, as its
/// translation table has no entry for it); no ICMP redirects for the
/// hairpin through `eth0`; nothing in but replies.
fn table(own: &[Ipv4Addr]) -> String {
    let primary = own[0];
    let list: Vec<String> = own.iter().map(|a| a.to_string()).collect();
    let mut t = String::from("table ip xvpc_nat {\n");
    let _ = write!(
        t,
        "  chain post {{\n    type nat hook postrouting priority srcnat; policy accept;\n    oifname \"eth0\" ip saddr != {{ {} }} snat ip to {primary}\n  }}\n",
        list.join(", ")
    );
    t += "  chain forward {\n    type filter hook forward priority filter; policy drop;\n    ct state established,related accept\n    ct state new tcp flags & (fin | syn | rst | ack) == syn accept\n    ct state new meta l4proto != tcp accept\n  }\n";
    t += "  chain input {\n    type filter hook input priority filter; policy drop;\n    iifname \"lo\" accept\n    ct state established,related accept\n  }\n";
    t += "  chain output {\n    type filter hook output priority filter; policy accept;\n    icmp type redirect drop\n  }\n}\n";
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gateway_translates_forwarded_traffic_and_opens_nothing_inwards() {
        let t = table(&["10.0.1.5".parse().unwrap(), "10.0.1.6".parse().unwrap()]);
        assert!(t.contains("oifname \"eth0\" ip saddr != { 10.0.1.5, 10.0.1.6 } snat ip to 10.0.1.5"), "{t}");
        assert!(t.contains("policy drop;\n    iifname \"lo\" accept\n    ct state established,related accept"), "{t}");
        assert!(t.contains("icmp type redirect drop"), "{t}");
        assert!(t.contains("chain forward {\n    type filter hook forward priority filter; policy drop;\n    ct state established,related accept\n    ct state new tcp flags & (fin | syn | rst | ack) == syn accept"), "{t}");
    }
}
