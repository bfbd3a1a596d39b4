//! What the picture shows, extracted from the model and sorted, before any
//! geometry: accounts → regions → VPCs → zones → subnets → instances, plus
//! region-level nodes (transit gateways, endpoint services), VPC-level nodes
//! (load balancers, interface endpoints) and the edges between them.

use std::collections::BTreeMap;

use xvpc_model::instance::InstanceState;
use xvpc_model::State;

/// The whole picture.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Topology {
    /// One lane per account, by account id.
    pub accounts: Vec<Account>,
    /// Connections, sorted by kind then id.
    pub edges: Vec<Edge>,
}

/// One account's lane.
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub id: String,
    /// Where the account sits in its organization (`OU prod (ou-…) of
    /// o-…`), when it is in one: lanes of one OU are drawn together.
    pub ou: Option<String>,
    /// By region name.
    pub regions: Vec<Region>,
}

/// One region of one account.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    pub name: String,
    pub vpcs: Vec<VpcBox>,
    /// Transit gateways and endpoint services owned here.
    pub nodes: Vec<Node>,
    /// The frames by stack, when grouped (empty otherwise).
    pub stacks: Vec<super::stacks::StackGroup>,
}

/// A VPC with its CIDRs and subnets grouped by zone.
#[derive(Debug, Clone, PartialEq)]
pub struct VpcBox {
    pub id: String,
    pub name: Option<String>,
    pub cidrs: Vec<String>,
    /// By zone name.
    pub zones: Vec<Zone>,
    /// Load balancers and interface endpoints in this VPC.
    pub nodes: Vec<Node>,
    /// `STACK/LogicalId` of the stack that made it, when grouped by stack.
    pub stack: Option<String>,
}

/// One availability zone column of a VPC.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    pub name: String,
    pub zone_id: String,
    /// By CIDR.
    pub subnets: Vec<SubnetBox>,
}

/// A subnet and what runs in it.
#[derive(Debug, Clone, PartialEq)]
pub struct SubnetBox {
    pub id: String,
    pub name: Option<String>,
    pub cidr: String,
    /// Instances, by private IP.
    pub items: Vec<Node>,
}

/// What a node is (decides its shape and colour).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NodeKind {
    Instance,
    TransitGateway,
    EndpointService,
    LoadBalancer,
    VpcEndpoint,
    InternetGateway,
}

impl NodeKind {
    /// The CSS class and DOT/Mermaid prefix of the kind.
    pub fn class(self) -> &'static str {
        match self {
            NodeKind::Instance => "instance",
            NodeKind::TransitGateway => "tgw",
            NodeKind::EndpointService => "service",
            NodeKind::LoadBalancer => "nlb",
            NodeKind::VpcEndpoint => "endpoint",
            NodeKind::InternetGateway => "igw",
        }
    }
}

/// A box inside a subnet, a VPC or a region.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub id: String,
    pub kind: NodeKind,
    /// Name tag (or a short name), else the id.
    pub label: String,
    /// Lines under the label (IP, state, route tables...).
    pub details: Vec<String>,
    /// The resource's state (instance state, TGW state...).
    pub state: String,
    /// Other ids the box stands for (an instance's ENI, an NLB's or an
    /// endpoint's ENIs), so a trace hop on an ENI lights the box.
    pub aliases: Vec<String>,
}

/// What an edge is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EdgeKind {
    /// VPC ↔ VPC.
    Peering,
    /// VPC → TGW.
    TgwAttachment,
    /// Interface endpoint → endpoint service.
    PrivateLink,
    /// Endpoint service → its NLB.
    ServiceLoadBalancer,
    /// NLB → a registered target.
    Target,
}

impl EdgeKind {
    pub fn class(self) -> &'static str {
        match self {
            EdgeKind::Peering => "peering",
            EdgeKind::TgwAttachment => "tgw-attachment",
            EdgeKind::PrivateLink => "privatelink",
            EdgeKind::ServiceLoadBalancer => "service-nlb",
            EdgeKind::Target => "target",
        }
    }
}

/// A connection between two drawn things (by id).
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    /// The connection's own id (pcx-, tgw-attach-, vpce-...), unique.
    pub id: String,
    pub kind: EdgeKind,
    pub from: String,
    pub to: String,
    /// AWS's state name (active, pending-acceptance, blackhole...).
    pub state: String,
    pub label: String,
}

fn name_tag(tags: &xvpc_model::tags::Tags) -> Option<String> {
    tags.get("Name").filter(|n| !n.is_empty()).cloned()
}

/// Sorts by optional name (named first), then id: stable and readable.
fn by_name<T>(v: &mut [T], key: impl Fn(&T) -> (Option<String>, String)) {
    v.sort_by_key(|x| {
        let (n, id) = key(x);
        (n.is_none(), n, id)
    });
}

impl Topology {
    /// Extracts the picture from `state` as seen at `now_ms`.
    pub fn from_state(state: &State, now_ms: i64) -> Topology {
        // account → region → vpcs; BTreeMaps keep the order deterministic.
        let mut tree: BTreeMap<String, BTreeMap<String, Region>> = BTreeMap::new();
        for vpc in state.vpcs.values() {
            let mut zones: BTreeMap<String, Zone> = BTreeMap::new();
            for s in state.subnets.values().filter(|s| s.vpc_id == vpc.id) {
                let mut items: Vec<Node> = state
                    .instances
                    .values()
                    .filter(|i| i.subnet_id == s.id && i.state != InstanceState::Terminated)
                    .map(|i| Node {
                        id: i.id.clone(),
                        kind: NodeKind::Instance,
                        label: name_tag(&i.tags).unwrap_or_else(|| i.id.clone()),
                        // The private address, then the public one if any.
                        details: std::iter::once(i.private_ip).chain(i.public_ip(state)).map(|ip| ip.to_string()).collect(),
                        state: i.state.name().to_string(),
                        aliases: vec![i.primary_eni.clone()],
                    })
                    .collect();
                items.sort_by(|a, b| (&a.details, &a.id).cmp(&(&b.details, &b.id)));
                let zone = zones.entry(s.availability_zone.clone()).or_insert_with(|| Zone {
                    name: s.availability_zone.clone(),
                    zone_id: s.availability_zone_id.clone(),
                    subnets: vec![],
                });
                // An IPv6-only subnet is labelled with its IPv6 block.
                let cidr = s.cidr.map(|c| c.to_string()).or_else(|| s.ipv6_cidrs().next().map(|c| c.to_string())).unwrap_or_default();
                zone.subnets.push(SubnetBox { id: s.id.clone(), name: name_tag(&s.tags), cidr, items });
            }
            let mut zones: Vec<Zone> = zones.into_values().collect();
            for z in &mut zones {
                z.subnets.sort_by(|a, b| (a.cidr.parse::<xvpc_model::cidr::Ipv4Net>().ok(), &a.id).cmp(&(b.cidr.parse().ok(), &b.id)));
            }
            region_of(&mut tree, &vpc.owner, &vpc.region).vpcs.push(VpcBox {
                id: vpc.id.clone(),
                name: name_tag(&vpc.tags),
                cidrs: vpc.cidrs().map(|c| c.to_string()).collect(),
                zones,
                nodes: vec![],
                stack: None,
            });
        }
        let mut extra = Connections::default();
        connections(state, now_ms, &mut extra);
        for ((acct, region), nodes) in extra.region_nodes {
            region_of(&mut tree, &acct, &region).nodes.extend(nodes);
        }
        for regions in tree.values_mut() {
            for r in regions.values_mut() {
                for v in &mut r.vpcs {
                    v.nodes.extend(extra.vpc_nodes.remove(&v.id).unwrap_or_default());
                }
            }
        }
        let mut topo = Topology { accounts: vec![], edges: extra.edges };
        for (id, regions) in tree {
            let mut regions: Vec<Region> = regions.into_values().collect();
            for r in &mut regions {
                by_name(&mut r.vpcs, |v| (v.name.clone(), v.id.clone()));
                r.nodes.sort_by(|a, b| (a.kind, &a.label, &a.id).cmp(&(b.kind, &b.label, &b.id)));
                for v in &mut r.vpcs {
                    v.nodes.sort_by(|a, b| (a.kind, &a.label, &a.id).cmp(&(b.kind, &b.label, &b.id)));
                }
            }
            let ou = xvpc_model::organizational_unit::place(state, &id);
            topo.accounts.push(Account { id, ou, regions });
        }
        // Accounts outside any organization first, then by organization
        // and OU, so one OU's lanes stand together.
        topo.accounts.sort_by(|a, b| (&a.ou, &a.id).cmp(&(&b.ou, &b.id)));
        topo.edges.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
        topo
    }

    /// Every VPC, with its account and region.
    pub fn vpcs(&self) -> impl Iterator<Item = (&Account, &Region, &VpcBox)> {
        self.accounts.iter().flat_map(|a| a.regions.iter().flat_map(move |r| r.vpcs.iter().map(move |v| (a, r, v))))
    }
}

/// The region box of an account, created on first use.
fn region_of<'a>(tree: &'a mut BTreeMap<String, BTreeMap<String, Region>>, acct: &str, region: &str) -> &'a mut Region {
    tree.entry(acct.to_string())
        .or_default()
        .entry(region.to_string())
        .or_insert_with(|| Region { name: region.to_string(), vpcs: vec![], nodes: vec![], stacks: vec![] })
}

/// Nodes and edges of the connections between VPCs, before placement.
#[derive(Default)]
pub(super) struct Connections {
    /// (account, region) → transit gateways, endpoint services.
    pub region_nodes: BTreeMap<(String, String), Vec<Node>>,
    /// VPC id → load balancers, interface endpoints.
    pub vpc_nodes: BTreeMap<String, Vec<Node>>,
    pub edges: Vec<Edge>,
}

/// Collects the connections the model holds. Each kind of connection
/// (peering, Transit Gateway, PrivateLink) adds its nodes and edges here.
fn connections(state: &State, now_ms: i64, out: &mut Connections) {
    super::peering::add(state, now_ms, out);
    super::privatelink::add(state, now_ms, out);
    super::transit_gateway::add(state, now_ms, out);
    super::internet_gateway::add(state, out);
}

/// The `Name` tag, for the connection modules.
pub(super) fn name_of(tags: &xvpc_model::tags::Tags) -> Option<String> {
    name_tag(tags)
}
