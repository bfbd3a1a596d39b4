//! # xvpc-model: AWS networking's rules, without I/O
//!
//! This crate is where AWS's behaviour lives: CIDR rules, ownership and
//! visibility across accounts and regions, acceptance lifecycles, and the
//! shape of every resource. It knows nothing of HTTP, XML or SQL.
//!
//! ## How a change happens
//!
//! Every mutation is a *command*: a function that reads the current
//! [`State`](state::State) immutably, validates the request against AWS's
//! rules and returns the [`Event`](state::Event)s it implies. Nothing changes
//! until the caller applies those events (after persisting them), so a
//! request that fails changes nothing, by construction.
//!
//! Time comes from the caller's [`Ctx`](state::Ctx) (an injectable clock),
//! so lifecycles such as a peering request expiring after 7 days can be
//! tested by moving the clock. Derived facts (a route is `blackhole` because
//! its target is gone) are computed when read, never stored.

pub mod access_key;
pub mod aws_enum;
pub mod cidr;
pub mod default_vpc;
pub mod derived;
pub mod dhcp_options;
pub mod elastic_ip;
pub mod error;
pub mod filter;
pub mod ids;
pub mod ip_protocol;
pub mod region;
#[cfg(any(test, feature = "testing"))]
pub mod populated;
#[cfg(test)]
mod filter_tables_tests;
pub mod state;
pub mod table;
pub mod tags;

pub mod block_public_access;
pub mod customer_gateway;
pub mod egress_only_internet_gateway;
pub mod flow_log;
pub mod handshake;
pub mod iam;
pub mod iam_trust;
pub mod key_pair;
pub mod stack;
pub mod log_group;
pub mod image;
pub mod instance;
pub mod instance_filters;
pub mod instance_type;
pub mod internet_gateway;
pub mod nat_gateway;
pub mod organization;
pub mod organizational_unit;
pub mod network_acl;
pub mod network_insights;
pub mod network_interface;
pub mod parameter;
pub mod peering;
pub mod prefix_list;
pub mod public_ip;
pub mod public_parameter;
pub mod ram;
pub mod ram_invitation;
pub mod route;
pub mod route_table;
pub mod security_group;
pub mod security_group_rule;
pub mod stack_membership;
pub mod stale_groups;
pub mod subnet;
pub mod subnet_dns;
pub mod subnet_group;
pub mod subnet_ipv6;
pub mod transit_gateway;
pub mod transit_gateway_attachment;
pub mod transit_gateway_route_table;
pub mod volume;
pub mod vpc;
pub mod vpc_cidr;
pub mod vpn_gateway;
pub mod vpc_ipv6;

pub mod elbv2;
pub mod endpoint_dns;
pub mod endpoint_service;
pub mod listener;
pub mod load_balancer;
pub mod target_group;
pub mod target_health;
pub mod vpc_endpoint;
pub mod aws_service;
pub mod gateway_endpoint;
pub mod managed_prefix_list;
pub mod service_listing;

pub use error::{IdKind, ModelError};
pub use ip_protocol::IpProtocol;
pub use state::{Changes, Ctx, Event, Resource, State};
