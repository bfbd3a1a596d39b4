//! Flow log records from real packets against the engine: after a world's
//! probes, the flows the routers counted must be what the engine says each
//! interface sees (`xvpc_reach::flow_log::observe`), and every REJECT the
//! packets show must be one the engine explains with a security group or
//! network ACL.

use std::collections::BTreeSet;

use xvpc_model::flow_log::{create, CreateFlowLogs};
use xvpc_model::{Ctx, State};
use xvpc_netns::Dataplane;
use xvpc_reach::flow_log::{blocker_of, observe, translated_source};
use xvpc_reach::{analyze, Kind, Query};

use super::World;

/// An `ALL` flow log on every VPC of the world (its owner's).
pub fn log_every_vpc(w: &mut World) {
    let vpcs: Vec<(String, String, String)> = w.state.vpcs.values().map(|v| (v.id.clone(), v.owner.clone(), v.region.clone())).collect();
    for (id, owner, region) in vpcs {
        let input = CreateFlowLogs {
            resource_type: "VPC".into(),
            resource_ids: vec![id],
            traffic_type: Some("ALL".into()),
            destination_type: Some("s3".into()),
            destination: Some("file:///nonexistent/xvpc-agreement".into()),
            ..Default::default()
        };
        let (ch, _) = create(&w.state, &Ctx::new(&owner, &region, 0), input).expect("flow log");
        w.apply(ch);
    }
}


/// Reads what the routers counted for the probes just run (`queries`, TCP)
/// and returns every difference from the engine, described.
pub fn disagreements(dp: &mut Dataplane, state: &State, queries: &[Query]) -> (usize, Vec<String>) {
    dp.read_flows();
    let flows = dp.flows_due();
    let mut out = Vec::new();
    for (eni, f) in flows.iter().filter(|(_, f)| f.key.action.as_str() == "REJECT") {
        let blocker = blocker_of(state, 0, &state.network_interfaces[eni], &f.seen(eni.clone()));
        if !blocker.as_ref().is_some_and(|b| matches!(b.component.kind, Kind::SecurityGroup | Kind::NetworkAcl)) {
            out.push(format!("REJECT {} at {eni} ({:?}): the engine names {:?}", f.key.direction.as_str(), f.key, blocker.map(|b| b.component.id)));
        }
    }
    let ported: BTreeSet<String> = dp.desired(state).enis.into_keys().collect();
    for q in queries {
        let Ok(a) = analyze(state, 0, q) else { continue };
        let (Some(s), Some(d)) = (a.source_ip, a.destination_ip) else { continue };
        let seen_by_engine = observe(&a);
        // A packet the routers drop for want of a route reaches no firewall
        // and is not counted (the engine has the source ACCEPT it).
        let firewalled = a.reachable || seen_by_engine.iter().any(|o| o.action == "REJECT");
        // Past a NAT gateway the request comes from the gateway's address.
        let translated = translated_source(state, &a);
        let source_eni = a.forward.first().map(|h| h.component.id.clone());
        for o in seen_by_engine.iter().filter(|o| ported.contains(&o.eni) && (firewalled || o.action == "REJECT")) {
            // What the observing interface sees as the client's address.
            let client = if Some(&o.eni) == source_eni.as_ref() { s } else { translated.unwrap_or(s) };
            let (src, dst) = if o.reply { (d, client) } else { (client, d) };
            let found = flows.iter().any(|(e, f)| {
                let k = &f.key;
                *e == o.eni && k.direction.as_str() == o.direction && k.action.as_str() == o.action && k.src == src && k.dst == dst && (if o.reply { k.sport } else { k.dport }) == q.port
            });
            if !found {
                out.push(format!("{src} -> {dst} tcp/{} (reply: {}): the engine has {} {} at {}, the packets no such flow", q.port, o.reply, o.action, o.direction, o.eni));
            }
        }
    }
    (flows.len(), out)
}
