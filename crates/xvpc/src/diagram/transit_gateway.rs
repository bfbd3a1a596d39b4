//! Transit Gateway on the map: the gateway as a box in its owner's region,
//! listing its route tables (with route and blackhole counts), and one edge
//! per VPC attachment from the VPC to the gateway, coloured by the
//! attachment's state and labelled with its associated route table.

use xvpc_model::transit_gateway::AttachmentState;
use xvpc_model::State;

use super::topology::{name_of, Connections, Edge, EdgeKind, Node, NodeKind};

pub(super) fn add(state: &State, now: i64, out: &mut Connections) {
    let _ = now;
    for tgw in state.transit_gateways.values().filter(|t| !t.is_deleted()) {
        let mut tables: Vec<_> =
            state.transit_gateway_route_tables.values().filter(|r| r.transit_gateway_id == tgw.id && !r.is_deleted()).collect();
        tables.sort_by(|a, b| (name_of(&a.tags), &a.id).cmp(&(name_of(&b.tags), &b.id)));
        let mut details = vec![format!("TGW · ASN {}", tgw.options.amazon_side_asn)];
        for t in tables {
            let routes = t.routes(state);
            let holes = routes.iter().filter(|r| !r.active).count();
            let name = name_of(&t.tags).unwrap_or_else(|| t.id.clone());
            let mut line = format!("{name}: {} route{}", routes.len(), if routes.len() == 1 { "" } else { "s" });
            if holes > 0 {
                line.push_str(&format!(", {holes} blackhole"));
            }
            details.push(line);
        }
        out.region_nodes.entry((tgw.owner.clone(), tgw.region.clone())).or_default().push(Node {
            id: tgw.id.clone(),
            kind: NodeKind::TransitGateway,
            label: name_of(&tgw.tags).unwrap_or_else(|| tgw.id.clone()),
            details,
            state: tgw.state().to_string(),
            aliases: vec![],
        });
    }
    for att in state.transit_gateway_attachments.values() {
        if att.state == AttachmentState::Deleted || !state.transit_gateways.get(&att.transit_gateway_id).is_some_and(|t| !t.is_deleted()) {
            continue;
        }
        let name = att.tags.get(&att.owner).and_then(name_of).unwrap_or_else(|| att.id.clone());
        let rtb = match att.association.as_ref().and_then(|r| state.transit_gateway_route_tables.get(r)) {
            Some(r) => name_of(&r.tags).unwrap_or_else(|| r.id.clone()),
            None => "no route table".into(),
        };
        out.edges.push(Edge {
            id: att.id.clone(),
            kind: EdgeKind::TgwAttachment,
            from: att.vpc_id.clone(),
            to: att.transit_gateway_id.clone(),
            state: att.state.as_str().to_string(),
            label: format!("{name} → {rtb}"),
        });
    }
}
