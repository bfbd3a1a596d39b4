//! Reachability Analyzer (EC2 Network Insights): a *path* names a source,
//! a destination, a protocol and a port; an *analysis* of a path is run
//! once, at `StartNetworkInsightsAnalysis`, and its findings are stored
//! (AWS keeps analyses as a record of the network at that moment).
//!
//! The findings are computed by the reachability engine (`xvpc-reach`),
//! which depends on this crate, so the api layer runs the engine and hands
//! the findings to [`start_analysis`] in the shapes stored here, which
//! mirror AWS's (`PathComponent`, `Explanation`, ...).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{IdKind, ModelError, Result};
use crate::filter::{one, opt, Field, FilterTable};
use crate::ids::new_id;
use crate::ip_protocol::IpProtocol;
use crate::state::{owned, Changes, Ctx, ResourceKind, State};
use crate::tags::Tags;

/// `FilterAtSource` / `FilterAtDestination` of a path.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathFilter {
    pub source_address: Option<String>,
    pub source_port_range: Option<(i32, i32)>,
    pub destination_address: Option<String>,
    pub destination_port_range: Option<(i32, i32)>,
}

impl PathFilter {
    pub fn is_empty(&self) -> bool {
        *self == PathFilter::default()
    }
}

/// A network insights path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkInsightsPath {
    pub id: String,
    pub owner: String,
    pub region: String,
    /// The source id as given (an ARN is reduced to its id).
    pub source: String,
    pub source_arn: String,
    pub destination: Option<String>,
    pub destination_arn: Option<String>,
    pub source_ip: Option<String>,
    pub destination_ip: Option<String>,
    /// TCP or UDP, the only protocols Network Insights analyzes.
    pub protocol: crate::IpProtocol,
    pub destination_port: Option<i32>,
    pub filter_at_source: PathFilter,
    pub filter_at_destination: PathFilter,
    pub created_at: i64,
    pub tags: Tags,
}
crate::impl_owned!(NetworkInsightsPath);

impl NetworkInsightsPath {
    pub fn arn(&self) -> String {
        format!("arn:aws:ec2:{}:{}:network-insights-path/{}", self.region, self.owner, self.id)
    }
}

/// `AnalysisComponent`: a resource named by id, ARN and Name tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnalysisRef {
    pub id: String,
    pub arn: String,
    pub name: Option<String>,
}

/// `AnalysisAclRule`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AclRuleRef {
    pub cidr: String,
    pub egress: bool,
    pub port_range: Option<(i32, i32)>,
    pub protocol: String,
    /// `allow` or `deny`.
    pub rule_action: String,
    pub rule_number: i64,
}

/// `AnalysisSecurityGroupRule`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SgRuleRef {
    pub cidr: Option<String>,
    /// `ingress` or `egress`.
    pub direction: String,
    pub security_group_id: String,
    pub port_range: Option<(i32, i32)>,
    pub protocol: String,
}

crate::aws_enum! {
    /// The `AnalysisRouteTableRoute` member that names a route's target, by
    /// the target's kind (stored under AWS's member name).
    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub enum RouteTargetField {
        GatewayId = "gatewayId",
        InstanceId = "instanceId",
        NatGatewayId = "natGatewayId",
        NetworkInterfaceId = "networkInterfaceId",
        TransitGatewayId = "transitGatewayId",
        VpcPeeringConnectionId = "vpcPeeringConnectionId",
    }
}

crate::aws_enum! {
    /// The member of a `PathComponent` or an `Explanation` an
    /// `AnalysisComponent` fills: its role there (stored under AWS's
    /// member name).
    #[derive(PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub enum ComponentRole {
        Acl = "acl",
        ElasticLoadBalancerListener = "elasticLoadBalancerListener",
        InternetGateway = "internetGateway",
        LoadBalancerTargetGroup = "loadBalancerTargetGroup",
        NatGateway = "natGateway",
        NetworkInterface = "networkInterface",
        RouteTable = "routeTable",
        SecurityGroup = "securityGroup",
        Subnet = "subnet",
        TransitGateway = "transitGateway",
        TransitGatewayAttachment = "transitGatewayAttachment",
        TransitGatewayRouteTable = "transitGatewayRouteTable",
        Vpc = "vpc",
        VpcEndpoint = "vpcEndpoint",
        VpcPeeringConnection = "vpcPeeringConnection",
    }
}

/// `AnalysisRouteTableRoute`: `target_field` is AWS's member for the
/// target kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteRef {
    pub destination_cidr: String,
    pub target_field: RouteTargetField,
    pub target: String,
    pub origin: String,
    pub state: String,
}

/// `TransitGatewayRouteTableRoute`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TgwRouteRef {
    pub destination_cidr: String,
    pub state: crate::transit_gateway_route_table::TgwRouteState,
    pub route_origin: crate::transit_gateway_route_table::RouteType,
    pub attachment_id: Option<String>,
}

/// `AnalysisPacketHeader`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PacketHeader {
    pub protocol: String,
    pub source_addresses: Vec<String>,
    pub destination_addresses: Vec<String>,
    pub source_port_ranges: Vec<(i32, i32)>,
    pub destination_port_ranges: Vec<(i32, i32)>,
}

/// `PathComponent`: one hop. `refs` holds the `AnalysisComponent` members
/// by role (`vpc`, `subnet`, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathComponent {
    pub sequence_number: i32,
    pub component: AnalysisRef,
    pub refs: BTreeMap<ComponentRole, AnalysisRef>,
    pub acl_rule: Option<AclRuleRef>,
    pub security_group_rule: Option<SgRuleRef>,
    pub route_table_route: Option<RouteRef>,
    pub transit_gateway_route_table_route: Option<TgwRouteRef>,
    pub inbound_header: Option<PacketHeader>,
    pub outbound_header: Option<PacketHeader>,
}

/// `Explanation`: why the path is blocked at one component. `refs` holds
/// the `AnalysisComponent` members by role (`acl`, `securityGroup`,
/// `routeTable`, `vpcPeeringConnection`, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    pub explanation_code: String,
    pub direction: Option<String>,
    pub component: AnalysisRef,
    pub component_account: Option<String>,
    pub component_region: Option<String>,
    pub refs: BTreeMap<ComponentRole, AnalysisRef>,
    pub security_groups: Vec<AnalysisRef>,
    pub acl_rule: Option<AclRuleRef>,
    pub security_group_rule: Option<SgRuleRef>,
    pub route_table_route: Option<RouteRef>,
    pub transit_gateway_route_table_route: Option<TgwRouteRef>,
    pub address: Option<String>,
    pub port: Option<i32>,
    pub protocols: Vec<String>,
    pub cidrs: Vec<String>,
    pub availability_zones: Vec<String>,
}

/// What an analysis found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Findings {
    pub network_path_found: bool,
    pub forward_path_components: Vec<PathComponent>,
    pub return_path_components: Vec<PathComponent>,
    pub explanations: Vec<Explanation>,
}

/// A network insights analysis: `succeeded` with findings, or `failed`
/// with a message when the path could not be analysed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkInsightsAnalysis {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub path_id: String,
    pub start_date: i64,
    /// `succeeded` or `failed` (analyses complete when started).
    pub status: String,
    pub status_message: Option<String>,
    pub findings: Findings,
    pub additional_accounts: Vec<String>,
    pub filter_in_arns: Vec<String>,
    pub tags: Tags,
}
crate::impl_owned!(NetworkInsightsAnalysis);

impl NetworkInsightsAnalysis {
    pub fn arn(&self) -> String {
        format!("arn:aws:ec2:{}:{}:network-insights-analysis/{}", self.region, self.owner, self.id)
    }
}

/// A port range as a filter value, `from-to` (AWS does not document the
/// form; this is xvpc's reading).
fn port_range(r: Option<(i32, i32)>) -> Vec<String> {
    opt(r.map(|(from, to)| format!("{from}-{to}")))
}

/// DescribeNetworkInsightsPaths' filters (with the older `source-ip`,
/// `destination-ip` and `destination-port`).
pub const PATH_FILTERS: FilterTable<NetworkInsightsPath> = FilterTable {
    tags: Some(|x, _| Some(&x.tags)),
    fields: &[
        ("destination", Field::Values(|x, _| opt(x.destination.as_ref()))),
        ("destination-ip", Field::Values(|x, _| opt(x.destination_ip.as_ref()))),
        ("destination-port", Field::Values(|x, _| opt(x.destination_port))),
        ("filter-at-destination.destination-address", Field::Values(|x, _| opt(x.filter_at_destination.destination_address.as_ref()))),
        ("filter-at-destination.destination-port-range", Field::Values(|x, _| port_range(x.filter_at_destination.destination_port_range))),
        ("filter-at-destination.source-address", Field::Values(|x, _| opt(x.filter_at_destination.source_address.as_ref()))),
        ("filter-at-destination.source-port-range", Field::Values(|x, _| port_range(x.filter_at_destination.source_port_range))),
        ("filter-at-source.destination-address", Field::Values(|x, _| opt(x.filter_at_source.destination_address.as_ref()))),
        ("filter-at-source.destination-port-range", Field::Values(|x, _| port_range(x.filter_at_source.destination_port_range))),
        ("filter-at-source.source-address", Field::Values(|x, _| opt(x.filter_at_source.source_address.as_ref()))),
        ("filter-at-source.source-port-range", Field::Values(|x, _| port_range(x.filter_at_source.source_port_range))),
        ("protocol", Field::Values(|x, _| one(&x.protocol))),
        ("source", Field::Values(|x, _| one(&x.source))),
        ("source-ip", Field::Values(|x, _| opt(x.source_ip.as_ref()))),
    ],
};

/// DescribeNetworkInsightsAnalyses' filters.
pub const ANALYSIS_FILTERS: FilterTable<NetworkInsightsAnalysis> = FilterTable {
    tags: Some(|x, _| Some(&x.tags)),
    fields: &[
        ("path-found", Field::Values(|x, _| one(x.findings.network_path_found))),
        ("status", Field::Values(|x, _| one(&x.status))),
    ],
};

/// Input of CreateNetworkInsightsPath.
#[derive(Debug, Clone, Default)]
pub struct CreatePath {
    pub source: String,
    pub destination: Option<String>,
    pub source_ip: Option<String>,
    pub destination_ip: Option<String>,
    pub protocol: String,
    pub destination_port: Option<i32>,
    pub filter_at_source: PathFilter,
    pub filter_at_destination: PathFilter,
    pub tags: Tags,
}

/// The id inside an ARN (`arn:...:instance/i-1` → `i-1`), or the id itself.
pub fn id_of(s: &str) -> &str {
    if s.starts_with("arn:") {
        s.rsplit('/').next().unwrap_or(s)
    } else {
        s
    }
}

/// The ARN of a path end the caller owns, or `NotFound` for its kind.
/// Sources must belong to the caller; destinations may be any account's
/// resource the analysis can reach (AWS follows them across accounts).
fn resolve_end(state: &State, ctx: &Ctx, given: &str, must_own: bool) -> Result<String> {
    if given.starts_with("arn:aws:elasticloadbalancing:") {
        return Ok(given.to_string());
    }
    let id = id_of(given);
    let mine = |owner: &str, region: &str| !must_own || (owner == ctx.account && region == ctx.region);
    let (kind, found) = if id.starts_with("i-") {
        (IdKind::Instance, state.instances.get(id).filter(|x| mine(&x.owner, &x.region)).map(|x| ("instance", x.owner.clone(), x.region.clone())))
    } else if id.starts_with("eni-") {
        (IdKind::NetworkInterface, state.network_interfaces.get(id).filter(|x| mine(&x.owner, &x.region)).map(|x| ("network-interface", x.owner.clone(), x.region.clone())))
    } else if id.starts_with("igw-") {
        (IdKind::InternetGateway, state.internet_gateways.get(id).filter(|x| mine(&x.owner, &x.region)).map(|x| ("internet-gateway", x.owner.clone(), x.region.clone())))
    } else if id.starts_with("vpce-") && !id.starts_with("vpce-svc-") {
        // VPC endpoints are checked by the engine when the analysis runs.
        (IdKind::VpcEndpoint, Some(("vpc-endpoint", ctx.account.clone(), ctx.region.clone())))
    } else {
        return Err(ModelError::InvalidParameterValue(format!("Invalid resource id or ARN: {given}")));
    };
    let (rt, owner, region) = found.ok_or_else(|| ModelError::NotFound(kind, id.to_string()))?;
    Ok(format!("arn:aws:ec2:{region}:{owner}:{rt}/{id}"))
}

/// CreateNetworkInsightsPath: the caller must own the source.
pub fn create_path(state: &State, ctx: &Ctx, input: CreatePath) -> Result<(Changes, String)> {
    if input.source.is_empty() {
        return Err(ModelError::MissingParameter("source".into()));
    }
    // The API's `Protocol` enum (tcp | udp), not an IP protocol number.
    let protocol = match IpProtocol::parse(&input.protocol) {
        Some(p @ (IpProtocol::Tcp | IpProtocol::Udp)) if input.protocol.bytes().all(|b| b.is_ascii_alphabetic()) => p,
        _ => {
            return Err(ModelError::InvalidParameterValue(format!("Value ({}) for parameter protocol is invalid. Valid values: tcp, udp", input.protocol)));
        }
    };
    if let Some(p) = input.destination_port {
        if !(0..=65535).contains(&p) {
            return Err(ModelError::InvalidParameterValue(format!("Value ({p}) for parameter destinationPort is invalid.")));
        }
    }
    for ip in [&input.source_ip, &input.destination_ip].into_iter().flatten() {
        if ip.parse::<std::net::Ipv4Addr>().is_err() {
            return Err(ModelError::InvalidParameterValue(format!("Value ({ip}) for parameter ipAddress is invalid.")));
        }
    }
    if input.destination.is_none() && input.destination_ip.is_none() && input.filter_at_source.destination_address.is_none() {
        return Err(ModelError::MissingParameter("destination".into()));
    }
    let source_arn = resolve_end(state, ctx, &input.source, true)?;
    let destination_arn = input.destination.as_deref().map(|d| resolve_end(state, ctx, d, false)).transpose()?;
    let path = NetworkInsightsPath {
        id: new_id("nip"),
        owner: ctx.account.clone(),
        region: ctx.region.clone(),
        source: id_of(&input.source).to_string(),
        source_arn,
        destination: input.destination.as_deref().map(|d| if d.starts_with("arn:aws:elasticloadbalancing:") { d.to_string() } else { id_of(d).to_string() }),
        destination_arn,
        source_ip: input.source_ip,
        destination_ip: input.destination_ip,
        protocol,
        destination_port: input.destination_port,
        filter_at_source: input.filter_at_source,
        filter_at_destination: input.filter_at_destination,
        created_at: ctx.now,
        tags: input.tags,
    };
    let id = path.id.clone();
    let mut ch = Changes::new();
    ch.put(path);
    Ok((ch, id))
}

/// DeleteNetworkInsightsPath: the path and its analyses (the console warns
/// that deleting a path deletes its analyses).
pub fn delete_path(state: &State, ctx: &Ctx, id: &str) -> Result<Changes> {
    let p = owned(&state.network_insights_paths, ctx, IdKind::NetworkInsightsPath, id)?;
    let mut ch = Changes::new();
    for a in state.network_insights_analyses.values().filter(|a| a.path_id == p.id) {
        ch.delete(ResourceKind::NetworkInsightsAnalysis, &a.id);
    }
    ch.delete(ResourceKind::NetworkInsightsPath, id);
    Ok(ch)
}

/// Input of StartNetworkInsightsAnalysis (findings computed by the engine).
#[derive(Debug, Clone)]
pub struct StartAnalysis {
    pub path_id: String,
    pub additional_accounts: Vec<String>,
    pub filter_in_arns: Vec<String>,
    pub tags: Tags,
    /// `Ok(findings)`, or `Err(message)` when the path cannot be analysed.
    pub outcome: std::result::Result<Findings, String>,
}

impl Default for StartAnalysis {
    fn default() -> Self {
        StartAnalysis { path_id: String::new(), additional_accounts: vec![], filter_in_arns: vec![], tags: Tags::new(), outcome: Ok(Findings::default()) }
    }
}

/// StartNetworkInsightsAnalysis: stores the completed analysis.
pub fn start_analysis(state: &State, ctx: &Ctx, input: StartAnalysis) -> Result<(Changes, String)> {
    owned(&state.network_insights_paths, ctx, IdKind::NetworkInsightsPath, &input.path_id)?;
    let (status, status_message, findings) = match input.outcome {
        Ok(f) => ("succeeded", None, f),
        Err(m) => ("failed", Some(m), Findings::default()),
    };
    let a = NetworkInsightsAnalysis {
        id: new_id("nia"),
        owner: ctx.account.clone(),
        region: ctx.region.clone(),
        path_id: input.path_id,
        start_date: ctx.now,
        status: status.into(),
        status_message,
        findings,
        additional_accounts: input.additional_accounts,
        filter_in_arns: input.filter_in_arns,
        tags: input.tags,
    };
    let id = a.id.clone();
    let mut ch = Changes::new();
    ch.put(a);
    Ok((ch, id))
}

/// DeleteNetworkInsightsAnalysis.
pub fn delete_analysis(state: &State, ctx: &Ctx, id: &str) -> Result<Changes> {
    owned(&state.network_insights_analyses, ctx, IdKind::NetworkInsightsAnalysis, id)?;
    let mut ch = Changes::new();
    ch.delete(ResourceKind::NetworkInsightsAnalysis, id);
    Ok(ch)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Roles and route target members are stored under AWS's member names,
    /// so analyses stored before they were enums read back unchanged.
    #[test]
    fn roles_and_route_fields_are_stored_under_aws_names() {
        for r in ComponentRole::ALL {
            assert_eq!(serde_json::to_value(r).unwrap(), r.as_str());
        }
        for f in RouteTargetField::ALL {
            assert_eq!(serde_json::to_value(f).unwrap(), f.as_str());
        }
        let stored = r#"{"sequence_number":1,"component":{"id":"acl-1","arn":"a","name":null},"refs":{"subnet":{"id":"subnet-1","arn":"c","name":null},"vpc":{"id":"vpc-1","arn":"b","name":"v"}},"acl_rule":null,"security_group_rule":null,"route_table_route":{"destination_cidr":"10.0.0.0/16","target_field":"vpcPeeringConnectionId","target":"pcx-1","origin":"CreateRoute","state":"active"},"transit_gateway_route_table_route":null,"inbound_header":null,"outbound_header":null}"#;
        let c: PathComponent = serde_json::from_str(stored).unwrap();
        assert_eq!(c.refs[&ComponentRole::Vpc].id, "vpc-1");
        assert_eq!(c.route_table_route.as_ref().map(|r| r.target_field), Some(RouteTargetField::VpcPeeringConnectionId));
        assert_eq!(serde_json::to_string(&c).unwrap(), stored);
    }

    fn ctx(a: &str) -> Ctx {
        Ctx::new(a, "us-east-1", 1000)
    }

    fn input(src: &str) -> CreatePath {
        CreatePath { source: src.into(), destination_ip: Some("10.0.0.5".into()), protocol: "tcp".into(), destination_port: Some(80), ..Default::default() }
    }

    #[test]
    fn source_must_be_the_callers() {
        let mut s = State::default();
        let igw = crate::internet_gateway::InternetGateway { id: "igw-1234abcd".into(), owner: "111111111111".into(), region: "us-east-1".into(), attached_vpc: None, tags: Tags::new() };
        s.internet_gateways.insert(igw.id.clone(), igw);
        assert!(matches!(create_path(&s, &ctx("222222222222"), input("igw-1234abcd")), Err(ModelError::NotFound(IdKind::InternetGateway, _))));
        let (ch, id) = create_path(&s, &ctx("111111111111"), input("arn:aws:ec2:us-east-1:111111111111:internet-gateway/igw-1234abcd")).unwrap();
        for e in ch.events {
            s.apply(e);
        }
        assert_eq!(s.network_insights_paths[&id].source, "igw-1234abcd");
        let bad = CreatePath { protocol: "icmp".into(), ..input("igw-1234abcd") };
        assert!(matches!(create_path(&s, &ctx("111111111111"), bad), Err(ModelError::InvalidParameterValue(_))));
    }

    #[test]
    fn deleting_a_path_deletes_its_analyses() {
        let mut s = State::default();
        let igw = crate::internet_gateway::InternetGateway { id: "igw-1234abcd".into(), owner: "111111111111".into(), region: "us-east-1".into(), attached_vpc: None, tags: Tags::new() };
        s.internet_gateways.insert(igw.id.clone(), igw);
        let c = ctx("111111111111");
        let (ch, pid) = create_path(&s, &c, input("igw-1234abcd")).unwrap();
        ch.events.into_iter().for_each(|e| s.apply(e));
        let (ch, aid) = start_analysis(&s, &c, StartAnalysis { path_id: pid.clone(), outcome: Ok(Findings::default()), ..Default::default() }).unwrap();
        ch.events.into_iter().for_each(|e| s.apply(e));
        assert_eq!(s.network_insights_analyses[&aid].status, "succeeded");
        assert!(matches!(start_analysis(&s, &ctx("222222222222"), StartAnalysis { path_id: pid.clone(), ..Default::default() }), Err(ModelError::NotFound(..))));
        delete_path(&s, &c, &pid).unwrap().events.into_iter().for_each(|e| s.apply(e));
        assert!(s.network_insights_analyses.get(&aid).is_none() && s.network_insights_paths.is_empty());
    }
}
