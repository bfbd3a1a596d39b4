//! The whole emulated world, and the only way it changes: events.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{IdKind, ModelError};

/// Who is calling, where, and when. Commands read the time only from here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ctx {
    /// The calling account (12 digits).
    pub account: String,
    /// The region of the request's credential scope.
    pub region: String,
    /// Milliseconds since the Unix epoch, from the injectable clock.
    pub now: i64,
}

impl Ctx {
    pub fn new(account: &str, region: &str, now: i64) -> Self {
        Ctx { account: account.to_string(), region: region.to_string(), now }
    }
}

/// Declares every stored resource type once: the `Resource` enum that
/// events carry, the `State` maps that hold them, and `apply`.
/// To add a resource type, add one line here; the type needs `id: String`.
/// A table added after logs were first stored carries
/// `#[serde(skip_serializing_if = "crate::table::Table::is_empty")]`, so
/// an old snapshot re-serialises byte for byte.
macro_rules! resources {
    ($($(#[$attr:meta])* $variant:ident($ty:ty) => $field:ident),* $(,)?) => {
        /// One stored resource, as carried by a `Put` event.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        pub enum Resource { $($variant($ty)),* }

        /// The type of a stored resource, as carried by a `Delete` event.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        pub enum ResourceKind { $($variant),* }

        /// All resources of all accounts and regions, keyed by id and indexed
        /// by owner and region (see [`crate::table`]).
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        pub struct State {
            $(#[serde(default)] $(#[$attr])* pub $field: crate::table::Table<$ty>,)*
            /// Facts derived from the rows ([`crate::derived`]); never stored.
            #[serde(skip)]
            pub cache: crate::derived::Cache,
        }

        impl State {
            /// Applies one event. Events are facts already validated by a
            /// command, so applying cannot fail.
            pub fn apply(&mut self, event: Event) {
                match event {
                    Event::Put(r) => match r {
                        $(Resource::$variant(x) => { self.$field.insert(x.id.clone(), x); })*
                    },
                    Event::Delete(kind, id) => match kind {
                        $(ResourceKind::$variant => { self.$field.remove(&id); })*
                    },
                }
            }
        }

        $(impl From<$ty> for Resource {
            fn from(x: $ty) -> Resource { Resource::$variant(x) }
        })*
    };
}

resources! {
    Vpc(crate::vpc::Vpc) => vpcs,
    Subnet(crate::subnet::Subnet) => subnets,
    RouteTable(crate::route_table::RouteTable) => route_tables,
    InternetGateway(crate::internet_gateway::InternetGateway) => internet_gateways,
    #[serde(skip_serializing_if = "crate::table::Table::is_empty")]
    EgressOnlyInternetGateway(crate::egress_only_internet_gateway::EgressOnlyInternetGateway) => egress_only_internet_gateways,
    Address(crate::elastic_ip::Address) => addresses,
    #[serde(skip_serializing_if = "crate::table::Table::is_empty")]
    NatGateway(crate::nat_gateway::NatGateway) => nat_gateways,
    #[serde(skip_serializing_if = "crate::table::Table::is_empty")]
    FlowLog(crate::flow_log::FlowLog) => flow_logs,
    #[serde(skip_serializing_if = "crate::table::Table::is_empty")]
    LogGroup(crate::log_group::LogGroup) => log_groups,
    #[serde(skip_serializing_if = "crate::table::Table::is_empty")]
    IamRole(crate::iam::Role) => iam_roles,
    #[serde(skip_serializing_if = "crate::table::Table::is_empty")]
    IamPolicy(crate::iam::Policy) => iam_policies,
    SecurityGroup(crate::security_group::SecurityGroup) => security_groups,
    NetworkAcl(crate::network_acl::NetworkAcl) => network_acls,
    NetworkInterface(crate::network_interface::NetworkInterface) => network_interfaces,
    Instance(crate::instance::Instance) => instances,
    LoadBalancer(crate::load_balancer::LoadBalancer) => load_balancers,
    TargetGroup(crate::target_group::TargetGroup) => target_groups,
    Listener(crate::listener::Listener) => listeners,
    EndpointService(crate::endpoint_service::EndpointService) => endpoint_services,
    VpcEndpoint(crate::vpc_endpoint::VpcEndpoint) => vpc_endpoints,
    NetworkInsightsPath(crate::network_insights::NetworkInsightsPath) => network_insights_paths,
    NetworkInsightsAnalysis(crate::network_insights::NetworkInsightsAnalysis) => network_insights_analyses,
    VpcPeeringConnection(crate::peering::VpcPeeringConnection) => peering_connections,
    TransitGateway(crate::transit_gateway::TransitGateway) => transit_gateways,
    TransitGatewayAttachment(crate::transit_gateway::TgwAttachment) => transit_gateway_attachments,
    TransitGatewayRouteTable(crate::transit_gateway_route_table::TgwRouteTable) => transit_gateway_route_tables,
    ResourceShare(crate::ram::ResourceShare) => resource_shares,
    Invitation(crate::ram::Invitation) => invitations,
    #[serde(skip_serializing_if = "crate::table::Table::is_empty")]
    SubnetGroup(crate::subnet_group::SubnetGroup) => subnet_groups,
    #[serde(skip_serializing_if = "crate::table::Table::is_empty")]
    BlockPublicAccessOptions(crate::block_public_access::BlockPublicAccessOptions) => block_public_access_options,
    #[serde(skip_serializing_if = "crate::table::Table::is_empty")]
    BlockPublicAccessExclusion(crate::block_public_access::BlockPublicAccessExclusion) => block_public_access_exclusions,
    #[serde(skip_serializing_if = "crate::table::Table::is_empty")]
    ManagedPrefixList(crate::managed_prefix_list::ManagedPrefixList) => managed_prefix_lists,
    #[serde(skip_serializing_if = "crate::table::Table::is_empty")]
    Parameter(crate::parameter::Parameter) => parameters,
    #[serde(skip_serializing_if = "crate::table::Table::is_empty")]
    VpnGateway(crate::vpn_gateway::VpnGateway) => vpn_gateways,
    #[serde(skip_serializing_if = "crate::table::Table::is_empty")]
    CustomerGateway(crate::customer_gateway::CustomerGateway) => customer_gateways,
    #[serde(skip_serializing_if = "crate::table::Table::is_empty")]
    DhcpOptions(crate::dhcp_options::DhcpOptions) => dhcp_options,
    #[serde(skip_serializing_if = "crate::table::Table::is_empty")]
    AccountRegion(crate::default_vpc::AccountRegion) => account_regions,
    #[serde(skip_serializing_if = "crate::table::Table::is_empty")]
    AccessKey(crate::access_key::AccessKey) => access_keys,
    #[serde(skip_serializing_if = "crate::table::Table::is_empty")]
    Organization(crate::organization::Organization) => organizations,
    #[serde(skip_serializing_if = "crate::table::Table::is_empty")]
    OrgMember(crate::organization::Member) => org_members,
    #[serde(skip_serializing_if = "crate::table::Table::is_empty")]
    AccountRequest(crate::organization::AccountRequest) => account_requests,
    #[serde(skip_serializing_if = "crate::table::Table::is_empty")]
    OrganizationalUnit(crate::organizational_unit::OrganizationalUnit) => organizational_units,
    #[serde(skip_serializing_if = "crate::table::Table::is_empty")]
    Handshake(crate::handshake::Handshake) => handshakes,
    #[serde(skip_serializing_if = "crate::table::Table::is_empty")]
    KeyPair(crate::key_pair::KeyPair) => key_pairs,
    #[serde(skip_serializing_if = "crate::table::Table::is_empty")]
    Stack(crate::stack::Stack) => stacks,
    #[serde(skip_serializing_if = "crate::table::Table::is_empty")]
    ChangeSet(crate::stack::ChangeSet) => change_sets,
}

/// A change to the state: a resource written whole, or removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Event {
    Put(Resource),
    Delete(ResourceKind, String),
}

/// The events a command produces, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    pub events: Vec<Event>,
}

impl State {
    /// Applies every event of a command's changes, in order (what the api
    /// does after persisting them; tests and builders call it directly).
    pub fn apply_all(&mut self, ch: Changes) {
        ch.events.into_iter().for_each(|e| self.apply(e));
    }
}

impl Changes {
    pub fn new() -> Self {
        Changes::default()
    }

    /// Writes a resource (create or replace).
    pub fn put(&mut self, r: impl Into<Resource>) -> &mut Self {
        self.events.push(Event::Put(r.into()));
        self
    }

    /// Removes a resource.
    pub fn delete(&mut self, kind: ResourceKind, id: &str) -> &mut Self {
        self.events.push(Event::Delete(kind, id.to_string()));
        self
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    pub fn extend(&mut self, other: Changes) -> &mut Self {
        self.events.extend(other.events);
        self
    }
}

/// Who owns a resource and where it lives: every stored resource has both.
pub trait Owned {
    fn owner(&self) -> &str;
    fn region(&self) -> &str;
}

/// Looks up a resource the caller owns in the caller's region. Anything else
/// is `NotFound`, exactly as AWS answers for another account's id.
pub fn owned<'a, T: Owned>(map: &'a BTreeMap<String, T>, ctx: &Ctx, kind: IdKind, id: &str) -> Result<&'a T, ModelError> {
    crate::ids::check(kind, id)?;
    map.get(id)
        .filter(|r| r.owner() == ctx.account && r.region() == ctx.region)
        .ok_or_else(|| ModelError::NotFound(kind, id.to_string()))
}

/// Implements [`Owned`] for types with `owner` and `region` fields.
#[macro_export]
macro_rules! impl_owned {
    ($($ty:ty),*) => {$(
        impl $crate::state::Owned for $ty {
            fn owner(&self) -> &str { &self.owner }
            fn region(&self) -> &str { &self.region }
        }
    )*};
}
