//! # xvpc-reach: can this reach that, and if not, why
//!
//! A pure function over an immutable [`State`] snapshot (plus `now`, for
//! derived states such as an expired peering request). It never changes the
//! state and does no I/O; `xvpc trace`, the EC2 Network Insights API, the
//! matrix, ELB target health and the data plane's self-check all call it.
//!
//! ## The questions it answers
//!
//! - [`analyze`]`(state, now, &Query) -> Result<Analysis, QueryError>`: a
//!   [`Query`] names a source ([`Endpoint`]: instance, ENI, IP or VPC
//!   endpoint), a destination (instance, ENI, IP, NLB or VPC endpoint), an IP
//!   protocol number and a destination port. The [`Analysis`] says whether
//!   the path is `reachable`, lists the `forward` and `return` path
//!   components ([`Hop`]s, in order), and lists **every** [`Blocker`]: each
//!   independent check along the path is evaluated even after one fails, so
//!   one run tells the operator everything that must change. A blocker
//!   carries AWS's Reachability Analyzer explanation code
//!   ([`explanation`]), the blocking component (id, type, owning account and
//!   region), a sentence of explanation, and a [`Fix`]: the exact AWS CLI
//!   command that unblocks it and the account that must run it.
//! - [`health_check`]`(state, now, from_eni, to_eni, protocol, port)`: the
//!   primitive ELB target health uses: can the load balancer's ENI reach the
//!   target's ENI (forward and return), `Ok(())` or the blockers.
//! - [`matrix`]: all-pairs reachability, computed on equivalence classes of
//!   ENIs (same subnet, same security groups, same position relative to every
//!   rule or route more specific than the subnet), so thousands of ENIs cost
//!   what their distinct configurations cost.
//!
//! ## The rules, as AWS applies them
//!
//! The forward path of a packet from ENI *s* to ENI *d*:
//! 1. *s*'s security groups must allow it out (stateful; a rule may name a
//!    CIDR or a group; a group matches ENIs of that group in the same VPC or
//!    in a VPC peered through an active, same-region peering connection).
//! 2. *s*'s subnet's network ACL, outbound (stateless, lowest rule number
//!    first, first match wins). Not evaluated when *s* and *d* share a subnet.
//! 3. *s*'s subnet's route table (its explicit association, else the VPC's
//!    main table), longest prefix match: `local`, a peering connection (must
//!    be active; the packet must be addressed to the peer VPC: no transitive
//!    or edge-to-edge routing), a transit gateway (the VPC attachment must be
//!    available and have a subnet in the source's AZ; the attachment's
//!    associated TGW route table decides by longest prefix among static and
//!    propagated routes), or a target that cannot deliver (blackhole).
//! 4. *d*'s subnet's network ACL, inbound.
//! 5. *d*'s security groups must allow it in.
//!
//! The return path: security groups are stateful and let the reply out,
//! but ACLs are not: *d*'s ACL outbound and *s*'s ACL inbound must admit the
//! reply to the client's ephemeral ports (every port of 1024-65535), and the
//! route tables must route the reply back.
//!
//! PrivateLink is one-way: consumer → endpoint ENI (consumer SGs and ACLs)
//! → the endpoint must be accepted → the NLB must have a listener on the
//! port → its target group a healthy target; the target sees the NLB's
//! private IP as the source, so the target's rules must admit the NLB.
//!
//! Module names follow AWS's concepts: [`security_group`],
//! [`network_acl`], [`routing`] (route tables, peering, transit gateways),
//! [`fix`] (the CLI commands), [`matrix`].

pub mod analysis;
pub mod block_public_access;
pub mod compare;
pub mod component;
pub mod explanation;
pub mod fix;
pub mod flow_log;
pub mod gateway_endpoint;
pub mod index;
pub mod internet_gateway;
pub mod matrix;
pub mod nat_gateway;
pub mod network_acl;
pub mod network_insights;
pub mod peering;
pub mod privatelink;
pub mod routing;
pub mod security_group;
pub mod topology;
pub mod transit_gateway;

use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use xvpc_model::IpProtocol;

pub use analysis::{analyze, health_check};
pub use component::{Component, Detail, Direction, Hop, Kind};
pub use xvpc_model::State;

/// One end of a path, as a user names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "kebab-case")]
pub enum Endpoint {
    Instance(String),
    NetworkInterface(String),
    /// An address of either family: an ENI's, or one on the internet.
    Ip(IpAddr),
    VpcEndpoint(String),
    /// A load balancer, by ARN.
    LoadBalancer(String),
}

impl Endpoint {
    /// Reads `i-...`, `eni-...`, `vpce-...`, an ELB ARN or an IP address.
    pub fn parse(s: &str) -> Option<Endpoint> {
        let s = s.trim();
        if let Ok(ip) = s.parse::<IpAddr>() {
            return Some(Endpoint::Ip(ip));
        }
        if s.starts_with("arn:aws:elasticloadbalancing:") {
            return Some(Endpoint::LoadBalancer(s.to_string()));
        }
        if s.starts_with("i-") {
            Some(Endpoint::Instance(s.to_string()))
        } else if s.starts_with("eni-") {
            Some(Endpoint::NetworkInterface(s.to_string()))
        } else if s.starts_with("vpce-") && !s.starts_with("vpce-svc-") {
            Some(Endpoint::VpcEndpoint(s.to_string()))
        } else {
            None
        }
    }

    /// The id as written by the user.
    pub fn id(&self) -> String {
        match self {
            Endpoint::Instance(x) | Endpoint::NetworkInterface(x) | Endpoint::VpcEndpoint(x) | Endpoint::LoadBalancer(x) => x.clone(),
            Endpoint::Ip(ip) => ip.to_string(),
        }
    }
}

/// The client ports a reply goes back to: AWS's ACL guidance is to allow
/// 1024-65535, since clients pick any of them.
pub const EPHEMERAL_PORTS: (u16, u16) = (1024, 65535);

/// A path question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Query {
    pub source: Endpoint,
    pub destination: Endpoint,
    /// The packet's IP protocol number (6 tcp, 17 udp, 1 icmp; see
    /// [`IpProtocol`] for names).
    pub protocol: u8,
    /// Destination port (ignored for protocols without ports).
    pub port: u16,
    /// Overrides the source address (default: the source ENI's primary
    /// IP, or its first IPv6 address when the question is about IPv6).
    #[serde(default)]
    pub source_ip: Option<IpAddr>,
    /// Overrides the destination address.
    #[serde(default)]
    pub destination_ip: Option<IpAddr>,
}

impl Query {
    /// A TCP question between two endpoints.
    pub fn tcp(source: Endpoint, destination: Endpoint, port: u16) -> Query {
        Query { source, destination, protocol: IpProtocol::TCP, port, source_ip: None, destination_ip: None }
    }

    /// Whether the question is about IPv6: an IPv6 address names one of its
    /// ends. Otherwise ENIs are reached by their primary IPv4 addresses.
    pub fn is_ipv6(&self) -> bool {
        let v6 = |ip: &Option<IpAddr>| ip.is_some_and(|i| i.is_ipv6());
        let end = |e: &Endpoint| matches!(e, Endpoint::Ip(IpAddr::V6(_)));
        v6(&self.source_ip) || v6(&self.destination_ip) || end(&self.source) || end(&self.destination)
    }
}

/// The verdict and its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    pub reachable: bool,
    pub query: Query,
    /// Source and destination addresses as analysed.
    pub source_ip: Option<IpAddr>,
    pub destination_ip: Option<IpAddr>,
    pub forward: Vec<Hop>,
    #[serde(rename = "return")]
    pub return_path: Vec<Hop>,
    pub blockers: Vec<Blocker>,
}

/// One reason the path is blocked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Blocker {
    /// AWS's Reachability Analyzer explanation code.
    pub code: String,
    pub direction: Direction,
    /// The component that blocks (its owner is the account that can fix it).
    pub component: Component,
    /// What is wrong, in a sentence.
    pub explanation: String,
    /// How to unblock it, when one command does it.
    pub fix: Option<Fix>,
    /// The rule or route that blocks, when one does.
    #[serde(default = "no_detail")]
    pub detail: Detail,
}

fn no_detail() -> Detail {
    Detail::None
}

/// An AWS CLI command and who must run it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    /// The account whose credentials the command needs.
    pub account: String,
    pub region: String,
    /// The command line, starting with `aws`.
    pub command: String,
}

/// A query the engine cannot start from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum QueryError {
    /// The source does not exist (or is not a kind a path can start from).
    UnknownSource(String),
    /// The destination does not exist.
    UnknownDestination(String),
    /// A combination the analysis does not support (e.g. an IP as source).
    Unsupported(String),
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            QueryError::UnknownSource(s) => write!(f, "unknown source {s}"),
            QueryError::UnknownDestination(s) => write!(f, "unknown destination {s}"),
            QueryError::Unsupported(s) => write!(f, "{s}"),
        }
    }
}

impl std::error::Error for QueryError {}

pub mod synthetic;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod properties;

#[cfg(test)]
mod ipv6_tests;
