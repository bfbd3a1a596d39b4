//! The engine behind EC2's Network Insights API: a stored path becomes a
//! [`Query`], and an [`Analysis`] becomes the findings AWS reports
//! (`PathComponent`s and `Explanation`s, stored by the model).

use std::collections::BTreeMap;
use std::net::IpAddr;

use xvpc_model::network_insights::{
    AclRuleRef, AnalysisRef, ComponentRole, Explanation, Findings, NetworkInsightsPath, PathComponent, RouteRef, RouteTargetField, SgRuleRef, TgwRouteRef,
};
use xvpc_model::State;

use crate::component::{Component, Detail, Hop, Kind};
use crate::{analyze, Analysis, Blocker, Endpoint, Query};

/// The query a path asks. Filters narrow addresses and ports as AWS's do.
pub fn query_for(path: &NetworkInsightsPath) -> Result<Query, String> {
    let parse_ip = |s: &Option<String>| s.as_deref().map(|x| x.parse::<IpAddr>().map_err(|_| format!("bad address {x}"))).transpose();
    let source = Endpoint::parse(&path.source).ok_or_else(|| format!("unsupported source {}", path.source))?;
    let destination_ip = parse_ip(&path.destination_ip)?.or(parse_ip(&path.filter_at_source.destination_address)?);
    let destination = match &path.destination {
        Some(d) => Endpoint::parse(d).ok_or_else(|| format!("unsupported destination {d}"))?,
        None => Endpoint::Ip(destination_ip.ok_or("the path has no destination")?),
    };
    let port = path.destination_port.or(path.filter_at_source.destination_port_range.map(|r| r.0)).unwrap_or(0);
    Ok(Query {
        source,
        destination,
        protocol: path.protocol.number().unwrap_or(xvpc_model::IpProtocol::TCP),
        port: port.clamp(0, 65535) as u16,
        source_ip: parse_ip(&path.source_ip)?.or(parse_ip(&path.filter_at_source.source_address)?),
        destination_ip: if path.destination.is_some() { destination_ip } else { None },
    })
}

/// Runs the analysis of a path: the findings, or why it cannot be run.
pub fn run(state: &State, now: i64, path: &NetworkInsightsPath) -> Result<Findings, String> {
    let q = query_for(path)?;
    let a = analyze(state, now, &q).map_err(|e| e.to_string())?;
    Ok(findings(&a))
}

fn aref(c: &Component) -> AnalysisRef {
    AnalysisRef { id: c.id.clone(), arn: c.arn(), name: c.name.clone() }
}

fn ec2_ref(kind: Kind, id: &str, like: &Component) -> AnalysisRef {
    aref(&Component::new(kind, id, &like.owner, &like.region))
}

fn ports(p: Option<(u16, u16)>) -> Option<(i32, i32)> {
    p.map(|(a, b)| (i32::from(a), i32::from(b)))
}

fn acl_rule(d: &Detail) -> Option<AclRuleRef> {
    match d {
        Detail::AclRule { rule_number, egress, protocol, allow, cidr, port_range } => Some(AclRuleRef {
            cidr: cidr.clone(),
            egress: *egress,
            port_range: ports(*port_range),
            protocol: protocol.nacl_form().into_owned(),
            rule_action: if *allow { "allow" } else { "deny" }.into(),
            rule_number: *rule_number,
        }),
        _ => None,
    }
}

fn sg_rule(d: &Detail) -> Option<SgRuleRef> {
    match d {
        Detail::SgRule { group_id, direction, protocol, port_range, cidr, .. } => {
            Some(SgRuleRef { cidr: cidr.clone(), direction: direction.clone(), security_group_id: group_id.clone(), port_range: ports(*port_range), protocol: protocol.to_string() })
        }
        _ => None,
    }
}

fn route(d: &Detail) -> Option<RouteRef> {
    match d {
        Detail::Route { destination, target, state } => {
            let field = match target.split('-').next().unwrap_or("") {
                "pcx" => RouteTargetField::VpcPeeringConnectionId,
                "tgw" => RouteTargetField::TransitGatewayId,
                "eni" => RouteTargetField::NetworkInterfaceId,
                "nat" => RouteTargetField::NatGatewayId,
                "i" => RouteTargetField::InstanceId,
                _ => RouteTargetField::GatewayId,
            };
            Some(RouteRef {
                destination_cidr: destination.clone(),
                target_field: field,
                target: target.clone(),
                origin: if target == "local" { "CreateRouteTable" } else { "CreateRoute" }.into(),
                state: state.clone(),
            })
        }
        _ => None,
    }
}

fn tgw_route(d: &Detail) -> Option<TgwRouteRef> {
    match d {
        Detail::TgwRoute { destination, attachment, route_type, state } => {
            Some(TgwRouteRef { destination_cidr: destination.clone(), state: *state, route_origin: *route_type, attachment_id: attachment.clone() })
        }
        _ => None,
    }
}

fn component(seq: usize, h: &Hop) -> PathComponent {
    let mut refs = BTreeMap::new();
    if let Some(v) = &h.vpc {
        refs.insert(ComponentRole::Vpc, ec2_ref(Kind::Vpc, v, &h.component));
    }
    if let Some(s) = &h.subnet {
        refs.insert(ComponentRole::Subnet, ec2_ref(Kind::Subnet, s, &h.component));
    }
    PathComponent {
        sequence_number: seq as i32 + 1,
        component: aref(&h.component),
        refs,
        acl_rule: acl_rule(&h.detail),
        security_group_rule: sg_rule(&h.detail),
        route_table_route: route(&h.detail),
        transit_gateway_route_table_route: tgw_route(&h.detail),
        inbound_header: None,
        outbound_header: None,
    }
}

/// The role a blocking component of this kind has in its explanation.
fn role(kind: Kind) -> ComponentRole {
    match kind {
        Kind::NetworkAcl => ComponentRole::Acl,
        Kind::SecurityGroup => ComponentRole::SecurityGroup,
        Kind::RouteTable => ComponentRole::RouteTable,
        Kind::VpcPeeringConnection => ComponentRole::VpcPeeringConnection,
        Kind::TransitGateway => ComponentRole::TransitGateway,
        Kind::TransitGatewayRouteTable => ComponentRole::TransitGatewayRouteTable,
        Kind::TransitGatewayAttachment => ComponentRole::TransitGatewayAttachment,
        Kind::VpcEndpoint => ComponentRole::VpcEndpoint,
        Kind::Subnet => ComponentRole::Subnet,
        Kind::Vpc => ComponentRole::Vpc,
        // The Explanation shape has one member for both kinds of gateway.
        Kind::InternetGateway | Kind::EgressOnlyInternetGateway => ComponentRole::InternetGateway,
        Kind::NatGateway => ComponentRole::NatGateway,
        Kind::LoadBalancerListener => ComponentRole::ElasticLoadBalancerListener,
        Kind::TargetGroup => ComponentRole::LoadBalancerTargetGroup,
        _ => ComponentRole::NetworkInterface,
    }
}

fn explanation(b: &Blocker) -> Explanation {
    let mut refs = BTreeMap::new();
    refs.insert(role(b.component.kind), aref(&b.component));
    let direction = match (&b.detail, b.component.kind) {
        (Detail::AclRule { egress, .. }, _) => Some(if *egress { "egress" } else { "ingress" }.to_string()),
        (Detail::Text { text }, Kind::SecurityGroup) => Some(text.clone()),
        _ => None,
    };
    let security_groups = if b.component.kind == Kind::SecurityGroup { vec![aref(&b.component)] } else { vec![] };
    Explanation {
        explanation_code: b.code.clone(),
        direction,
        component: aref(&b.component),
        component_account: Some(b.component.owner.clone()).filter(|s| !s.is_empty()),
        component_region: Some(b.component.region.clone()).filter(|s| !s.is_empty()),
        refs,
        security_groups,
        acl_rule: acl_rule(&b.detail),
        security_group_rule: None,
        route_table_route: route(&b.detail),
        transit_gateway_route_table_route: tgw_route(&b.detail),
        address: None,
        port: None,
        protocols: vec![],
        cidrs: vec![],
        availability_zones: vec![],
    }
}

/// The findings AWS reports for an analysis.
pub fn findings(a: &Analysis) -> Findings {
    Findings {
        network_path_found: a.reachable,
        forward_path_components: a.forward.iter().enumerate().map(|(i, h)| component(i, h)).collect(),
        return_path_components: a.return_path.iter().enumerate().map(|(i, h)| component(i, h)).collect(),
        explanations: a.blockers.iter().map(explanation).collect(),
    }
}
