//! Gateway endpoints (S3, DynamoDB): each endpoint is a namespace of its
//! own standing for the AWS service as that VPC reaches it, joined to the
//! VPC router by a veth (`v<hex>` at both ends).
//!
//! - The service's addresses (the entries of its AWS-managed prefix list,
//!   198.19.192.0/18, see `xvpc_model::prefix_list`) are local in that
//!   namespace (`local` routes on `lo`), so every address of the list
//!   answers: a connect gets the service host's answer where it listens
//!   (HTTP on port 80, see `crate::aws_service_host`), else the kernel's
//!   refusal, which proves the path as the engine decides it (it says
//!   the service answers whatever reaches it).
//! - A route table's route to the endpoint names the prefix list; the VPC
//!   router holds one route per entry (see [`crate::topology`]), as
//!   specific as the entry, and a CIDR route to the same block wins the
//!   tie, as in AWS ("Route priority").
//! - The router's firewall applies as to any link: the source's security
//!   groups outbound (rules naming the prefix list become its entries) and
//!   the source subnet's ACL outbound and, for the reply, inbound. The
//!   endpoint has no groups. What arrives over the link may only reach the
//!   VPC's own ENIs (the router's link rule), so the endpoint is no way
//!   into the VPC and, as AWS documents, not a way out for a peer's or a
//!   transit gateway's traffic.
//!
//! One namespace per endpoint, not one per run: two VPCs may use the same
//! private addresses, and each service namespace answers only its own
//! VPC, with its own conntrack. The data plane follows state: an endpoint
//! is built unless it is deleted, deleting or failed.

use std::collections::BTreeMap;

use xvpc_model::gateway_endpoint::prefix_list_of;
use xvpc_model::vpc_endpoint::EndpointState;
use xvpc_model::State;

use crate::names;
use crate::topology::{Line, Link, LINK_NEXT_HOP};

/// What the gateway endpoints add to the desired data plane.
#[derive(Debug, Default)]
pub struct GatewayEndpoints {
    /// Per endpoint: (endpoint id, namespace, its keyed ip lines).
    pub routers: Vec<(String, String, BTreeMap<String, Line>)>,
    /// One link per endpoint (VPC router = `a`, service = `b`).
    pub links: Vec<Link>,
    /// Per VPC: endpoint id → the link's interface in the VPC router.
    pub ends: BTreeMap<String, BTreeMap<String, String>>,
    /// Service namespace → what answers there.
    pub hosts: BTreeMap<String, ServiceHost>,
}

/// The AWS service a namespace stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceHost {
    /// `com.amazonaws.<region>.s3`.
    pub service: String,
    /// The endpoint it is reached through.
    pub endpoint_id: String,
    /// The service's addresses there (the prefix list's entries).
    pub cidrs: Vec<xvpc_model::cidr::Ipv4Net>,
}

fn line(add: String, del: Option<String>) -> Line {
    Line { add, del }
}

/// Whether the data plane builds an endpoint in this state.
fn built(state: EndpointState) -> bool {
    !matches!(state, EndpointState::Deleted | EndpointState::Deleting | EndpointState::Failed | EndpointState::Rejected)
}

/// The gateway endpoints of `state` for the run `prefix`.
pub fn desired(state: &State, prefix: &str) -> GatewayEndpoints {
    let mut out = GatewayEndpoints::default();
    for ep in state.vpc_endpoints.values() {
        if !ep.endpoint_type.eq_ignore_ascii_case("gateway") || !built(ep.state) || !state.vpcs.contains_key(&ep.vpc_id) {
            continue;
        }
        let Some(list) = prefix_list_of(ep) else { continue };
        let ns = names::ns(prefix, &ep.id);
        let dev = names::ifname('v', &ep.id);
        let link = Link {
            id: ep.id.clone(),
            ifname: dev.clone(),
            a_ns: names::ns(prefix, &ep.vpc_id),
            a_mac: names::mac(0x0a, &format!("{}/vpc", ep.id)),
            b_ns: ns.clone(),
            b_mac: names::mac(0x0a, &format!("{}/service", ep.id)),
            mtu: crate::privatelink::MTU,
        };
        let mut ip = BTreeMap::new();
        ip.insert(format!("link {dev}"), line(format!("link set {dev} up"), None));
        ip.insert(format!("neigh {dev}"), line(format!("neigh replace {LINK_NEXT_HOP} lladdr {} dev {dev} nud permanent", link.a_mac), None));
        // Replies go back to the VPC, whatever the client's address.
        ip.insert("route default".into(), line(format!("route replace default via {LINK_NEXT_HOP} dev {dev} onlink"), None));
        for c in &list.cidrs {
            ip.insert(format!("local {c}"), line(format!("route replace local {c} dev lo table local"), Some(format!("route del local {c} dev lo table local"))));
        }
        out.ends.entry(ep.vpc_id.clone()).or_default().insert(ep.id.clone(), dev);
        out.hosts.insert(ns.clone(), ServiceHost { service: ep.service_name.clone(), endpoint_id: ep.id.clone(), cidrs: list.cidrs.clone() });
        out.routers.push((ep.id.clone(), ns, ip));
        out.links.push(link);
    }
    out
}
