//! Internet gateways on the map: an attached gateway as a box inside its
//! VPC (a trace through it lights it). Instances show their public IPv4
//! address under the private one (see `topology.rs`).

use xvpc_model::State;

use super::topology::{name_of, Connections, Node, NodeKind};

pub(super) fn add(state: &State, out: &mut Connections) {
    for g in state.internet_gateways.values() {
        let Some(vpc) = g.attached_vpc.as_ref().filter(|v| state.vpcs.contains_key(*v)) else { continue };
        out.vpc_nodes.entry(vpc.clone()).or_default().push(Node {
            id: g.id.clone(),
            kind: NodeKind::InternetGateway,
            label: name_of(&g.tags).unwrap_or_else(|| g.id.clone()),
            details: vec!["internet gateway".into()],
            state: "attached".into(),
            aliases: vec![],
        });
    }
}
