//! Reachability Analyzer (Network Insights) actions. The analysis is
//! computed by the reachability engine when it is started, and stored.

use xvpc_model::network_insights::{
    self as ni, AclRuleRef, AnalysisRef, ComponentRole as Role, CreatePath, Explanation, NetworkInsightsAnalysis, NetworkInsightsPath, PacketHeader,
    PathComponent, PathFilter, RouteRef, RouteTargetField as Target, SgRuleRef, StartAnalysis, TgwRouteRef,
};
use xvpc_model::IdKind;
use xvpc_wire::shapes::ec2::{self as shape, ops};
use xvpc_wire::Timestamp;

use super::{filter_list, paginate_by, require_all, tag_set, tags_from_specs, unsupported};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::CreateNetworkInsightsPath, create_path),
    crate::typed!(ops::DescribeNetworkInsightsPaths, describe_paths),
    crate::typed!(ops::DeleteNetworkInsightsPath, delete_path),
    crate::typed!(ops::StartNetworkInsightsAnalysis, start_analysis),
    crate::typed!(ops::DescribeNetworkInsightsAnalyses, describe_analyses),
    crate::typed!(ops::DeleteNetworkInsightsAnalysis, delete_analysis),
];

/// A request's port range: one end given means a single port.
fn port_range(r: Option<shape::RequestFilterPortRange>) -> Option<(i32, i32)> {
    match r.map(|r| (r.from_port, r.to_port)) {
        None | Some((None, None)) => None,
        Some((f, t)) => Some((f.or(t).unwrap_or(0), t.or(f).unwrap_or(65535))),
    }
}

fn path_filter(f: Option<shape::PathRequestFilter>) -> PathFilter {
    let f = f.unwrap_or_default();
    PathFilter {
        source_address: f.source_address,
        source_port_range: port_range(f.source_port_range),
        destination_address: f.destination_address,
        destination_port_range: port_range(f.destination_port_range),
    }
}

fn filter_shape(f: &PathFilter) -> Option<shape::PathFilter> {
    let range = |r: Option<(i32, i32)>| r.map(|(a, b)| shape::FilterPortRange { from_port: Some(a), to_port: Some(b) });
    (!f.is_empty()).then(|| shape::PathFilter {
        source_address: f.source_address.clone(),
        source_port_range: range(f.source_port_range),
        destination_address: f.destination_address.clone(),
        destination_port_range: range(f.destination_port_range),
    })
}

fn path_shape(p: &NetworkInsightsPath) -> shape::NetworkInsightsPath {
    shape::NetworkInsightsPath {
        network_insights_path_id: Some(p.id.clone()),
        network_insights_path_arn: Some(p.arn()),
        created_date: Some(Timestamp(p.created_at)),
        source: Some(p.source.clone()),
        destination: p.destination.clone(),
        source_arn: Some(p.source_arn.clone()),
        destination_arn: p.destination_arn.clone(),
        source_ip: p.source_ip.clone(),
        destination_ip: p.destination_ip.clone(),
        protocol: Some(shape::Protocol::from(p.protocol.sg_form().as_ref())),
        destination_port: p.destination_port,
        tags: tag_set(&p.tags),
        filter_at_source: filter_shape(&p.filter_at_source),
        filter_at_destination: filter_shape(&p.filter_at_destination),
    }
}

fn create_path(call: &mut Call, input: shape::CreateNetworkInsightsPathRequest) -> Result<shape::CreateNetworkInsightsPathResult> {
    let create = CreatePath {
        source: input.source,
        destination: input.destination,
        source_ip: input.source_ip,
        destination_ip: input.destination_ip,
        protocol: input.protocol.as_str().to_string(),
        destination_port: input.destination_port,
        filter_at_source: path_filter(input.filter_at_source),
        filter_at_destination: path_filter(input.filter_at_destination),
        tags: tags_from_specs(&input.tag_specifications, "network-insights-path")?,
    };
    let (ch, id) = ni::create_path(call.state(), &call.ctx, create)?;
    call.commit(ch)?;
    Ok(shape::CreateNetworkInsightsPathResult { network_insights_path: Some(path_shape(&call.state().network_insights_paths[&id])) })
}

fn describe_paths(call: &mut Call, input: shape::DescribeNetworkInsightsPathsRequest) -> Result<shape::DescribeNetworkInsightsPathsResult> {
    let ids = &input.network_insights_path_ids;
    let s = call.state();
    let mine = |x: &NetworkInsightsPath| x.owner == call.ctx.account && x.region == call.ctx.region;
    require_all(ids, |id| s.network_insights_paths.get(id).is_some_and(mine), IdKind::NetworkInsightsPath)?;
    let listed = s.network_insights_paths.scope(&call.ctx).filter(|x| ids.is_empty() || ids.contains(&x.id));
    let out = ni::PATH_FILTERS.select(&filter_list(&input.filters), s, &call.ctx, listed)?;
    let (page, next) = paginate_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), |x| x.id.clone(), (1, 100))?;
    Ok(shape::DescribeNetworkInsightsPathsResult { network_insights_paths: page.into_iter().map(path_shape).collect(), next_token: next })
}

fn delete_path(call: &mut Call, input: shape::DeleteNetworkInsightsPathRequest) -> Result<shape::DeleteNetworkInsightsPathResult> {
    let ch = ni::delete_path(call.state(), &call.ctx, &input.network_insights_path_id)?;
    call.commit(ch)?;
    Ok(shape::DeleteNetworkInsightsPathResult { network_insights_path_id: Some(input.network_insights_path_id) })
}

fn start_analysis(call: &mut Call, input: shape::StartNetworkInsightsAnalysisRequest) -> Result<shape::StartNetworkInsightsAnalysisResult> {
    if !input.filter_out_arns.is_empty() {
        return Err(unsupported("Analyses that exclude resources (FilterOutArns)"));
    }
    let path = xvpc_model::state::owned(&call.state().network_insights_paths, &call.ctx, IdKind::NetworkInsightsPath, &input.network_insights_path_id)?;
    // The analysed flow also reaches the flow logs covering its interfaces.
    let outcome = xvpc_reach::network_insights::query_for(path).and_then(|q| {
        let a = xvpc_reach::analyze(call.state(), call.ctx.now, &q).map_err(|e| e.to_string())?;
        if !call.dry_run {
            crate::flow_log_records::record_analysis(call.app, call.state(), &a);
        }
        Ok(xvpc_reach::network_insights::findings(&a))
    });
    let start = StartAnalysis {
        path_id: input.network_insights_path_id,
        additional_accounts: input.additional_accounts,
        filter_in_arns: input.filter_in_arns,
        tags: tags_from_specs(&input.tag_specifications, "network-insights-analysis")?,
        outcome,
    };
    let (ch, id) = ni::start_analysis(call.state(), &call.ctx, start)?;
    call.commit(ch)?;
    // AWS answers `running`; the analysis is complete when next described.
    let a = analysis_shape(&call.state().network_insights_analyses[&id]);
    let running = shape::NetworkInsightsAnalysis {
        status: Some(shape::AnalysisStatus::Running),
        status_message: None,
        network_path_found: None,
        forward_path_components: vec![],
        return_path_components: vec![],
        explanations: vec![],
        ..a
    };
    Ok(shape::StartNetworkInsightsAnalysisResult { network_insights_analysis: Some(running) })
}

fn describe_analyses(call: &mut Call, input: shape::DescribeNetworkInsightsAnalysesRequest) -> Result<shape::DescribeNetworkInsightsAnalysesResult> {
    let ids = &input.network_insights_analysis_ids;
    let path = input.network_insights_path_id.as_deref();
    // Analyses complete when they start: the window bounds the start time.
    let after = input.analysis_start_time.map_or(i64::MIN, |t| t.0);
    let before = input.analysis_end_time.map_or(i64::MAX, |t| t.0);
    let s = call.state();
    let mine = |x: &NetworkInsightsAnalysis| x.owner == call.ctx.account && x.region == call.ctx.region;
    require_all(ids, |id| s.network_insights_analyses.get(id).is_some_and(mine), IdKind::NetworkInsightsAnalysis)?;
    let listed = s.network_insights_analyses.scope(&call.ctx).filter(|x| {
        (ids.is_empty() || ids.contains(&x.id)) && path.is_none_or(|p| x.path_id == p) && (after..=before).contains(&x.start_date)
    });
    let out = ni::ANALYSIS_FILTERS.select(&filter_list(&input.filters), s, &call.ctx, listed)?;
    let (page, next) = paginate_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), |x| x.id.clone(), (1, 100))?;
    Ok(shape::DescribeNetworkInsightsAnalysesResult { network_insights_analyses: page.into_iter().map(analysis_shape).collect(), next_token: next })
}

fn delete_analysis(call: &mut Call, input: shape::DeleteNetworkInsightsAnalysisRequest) -> Result<shape::DeleteNetworkInsightsAnalysisResult> {
    let ch = ni::delete_analysis(call.state(), &call.ctx, &input.network_insights_analysis_id)?;
    call.commit(ch)?;
    Ok(shape::DeleteNetworkInsightsAnalysisResult { network_insights_analysis_id: Some(input.network_insights_analysis_id) })
}

/// An analysis as AWS describes it; findings only once it succeeded.
fn analysis_shape(a: &NetworkInsightsAnalysis) -> shape::NetworkInsightsAnalysis {
    let done = a.status == "succeeded";
    let f = &a.findings;
    let components = |cs: &[PathComponent]| if done { cs.iter().map(component_shape).collect() } else { vec![] };
    shape::NetworkInsightsAnalysis {
        network_insights_analysis_id: Some(a.id.clone()),
        network_insights_analysis_arn: Some(a.arn()),
        network_insights_path_id: Some(a.path_id.clone()),
        additional_accounts: a.additional_accounts.clone(),
        filter_in_arns: a.filter_in_arns.clone(),
        start_date: Some(Timestamp(a.start_date)),
        status: Some(shape::AnalysisStatus::from(a.status.as_str())),
        status_message: a.status_message.clone(),
        network_path_found: done.then_some(f.network_path_found),
        forward_path_components: components(&f.forward_path_components),
        return_path_components: components(&f.return_path_components),
        explanations: if done { f.explanations.iter().map(explanation_shape).collect() } else { vec![] },
        tags: tag_set(&a.tags),
        ..Default::default()
    }
}

fn component_ref(r: &AnalysisRef) -> shape::AnalysisComponent {
    shape::AnalysisComponent { id: Some(r.id.clone()), arn: Some(r.arn.clone()), name: r.name.clone() }
}

fn range(r: Option<(i32, i32)>) -> Option<shape::PortRange> {
    r.map(|(from, to)| shape::PortRange { from: Some(from), to: Some(to) })
}

fn acl_rule(r: &AclRuleRef) -> shape::AnalysisAclRule {
    shape::AnalysisAclRule {
        cidr: Some(r.cidr.clone()),
        egress: Some(r.egress),
        port_range: range(r.port_range),
        protocol: Some(r.protocol.clone()),
        rule_action: Some(r.rule_action.clone()),
        rule_number: i32::try_from(r.rule_number).ok(),
    }
}

fn sg_rule(r: &SgRuleRef) -> shape::AnalysisSecurityGroupRule {
    shape::AnalysisSecurityGroupRule {
        cidr: r.cidr.clone(),
        direction: Some(r.direction.clone()),
        security_group_id: Some(r.security_group_id.clone()),
        port_range: range(r.port_range),
        protocol: Some(r.protocol.clone()),
        prefix_list_id: None,
    }
}

fn route(r: &RouteRef) -> shape::AnalysisRouteTableRoute {
    let mut out = shape::AnalysisRouteTableRoute {
        destination_cidr: Some(r.destination_cidr.clone()),
        origin: Some(r.origin.clone()),
        state: Some(r.state.clone()),
        ..Default::default()
    };
    let target = Some(r.target.clone());
    match r.target_field {
        Target::GatewayId => out.gateway_id = target,
        Target::InstanceId => out.instance_id = target,
        Target::NatGatewayId => out.nat_gateway_id = target,
        Target::NetworkInterfaceId => out.network_interface_id = target,
        Target::TransitGatewayId => out.transit_gateway_id = target,
        Target::VpcPeeringConnectionId => out.vpc_peering_connection_id = target,
    }
    out
}

fn tgw_route(r: &TgwRouteRef) -> shape::TransitGatewayRouteTableRoute {
    shape::TransitGatewayRouteTableRoute {
        destination_cidr: Some(r.destination_cidr.clone()),
        state: Some(r.state.as_str().into()),
        route_origin: Some(r.route_origin.as_str().into()),
        attachment_id: r.attachment_id.clone(),
        ..Default::default()
    }
}

fn header(h: &PacketHeader) -> shape::AnalysisPacketHeader {
    let ranges = |rs: &[(i32, i32)]| rs.iter().map(|r| shape::PortRange { from: Some(r.0), to: Some(r.1) }).collect();
    shape::AnalysisPacketHeader {
        protocol: Some(h.protocol.clone()),
        source_addresses: h.source_addresses.clone(),
        destination_addresses: h.destination_addresses.clone(),
        source_port_ranges: ranges(&h.source_port_ranges),
        destination_port_ranges: ranges(&h.destination_port_ranges),
    }
}

fn component_shape(c: &PathComponent) -> shape::PathComponent {
    let mut out = shape::PathComponent {
        sequence_number: Some(c.sequence_number),
        component: Some(component_ref(&c.component)),
        acl_rule: c.acl_rule.as_ref().map(acl_rule),
        security_group_rule: c.security_group_rule.as_ref().map(sg_rule),
        route_table_route: c.route_table_route.as_ref().map(route),
        transit_gateway_route_table_route: c.transit_gateway_route_table_route.as_ref().map(tgw_route),
        inbound_header: c.inbound_header.as_ref().map(header),
        outbound_header: c.outbound_header.as_ref().map(header),
        ..Default::default()
    };
    for (role, r) in &c.refs {
        let slot = match role {
            Role::Vpc => &mut out.vpc,
            Role::Subnet => &mut out.subnet,
            Role::TransitGateway => &mut out.transit_gateway,
            Role::ElasticLoadBalancerListener => &mut out.elastic_load_balancer_listener,
            // A hop names its VPC, subnet, gateway or listener; botocore
            // has no member for other roles on a path component.
            _ => continue,
        };
        *slot = Some(component_ref(r));
    }
    out
}

fn explanation_shape(e: &Explanation) -> shape::Explanation {
    let mut out = shape::Explanation {
        explanation_code: Some(e.explanation_code.clone()),
        direction: e.direction.clone(),
        component: Some(component_ref(&e.component)),
        component_account: e.component_account.clone(),
        component_region: e.component_region.clone(),
        security_groups: e.security_groups.iter().map(component_ref).collect(),
        acl_rule: e.acl_rule.as_ref().map(acl_rule),
        security_group_rule: e.security_group_rule.as_ref().map(sg_rule),
        route_table_route: e.route_table_route.as_ref().map(route),
        transit_gateway_route_table_route: e.transit_gateway_route_table_route.as_ref().map(tgw_route),
        address: e.address.clone(),
        port: e.port,
        protocols: e.protocols.clone(),
        cidrs: e.cidrs.clone(),
        availability_zones: e.availability_zones.clone(),
        ..Default::default()
    };
    for (role, r) in &e.refs {
        let slot = match role {
            Role::Acl => &mut out.acl,
            Role::ElasticLoadBalancerListener => &mut out.elastic_load_balancer_listener,
            Role::InternetGateway => &mut out.internet_gateway,
            Role::LoadBalancerTargetGroup => &mut out.load_balancer_target_group,
            Role::NatGateway => &mut out.nat_gateway,
            Role::NetworkInterface => &mut out.network_interface,
            Role::RouteTable => &mut out.route_table,
            Role::SecurityGroup => &mut out.security_group,
            Role::Subnet => &mut out.subnet,
            Role::TransitGateway => &mut out.transit_gateway,
            Role::TransitGatewayAttachment => &mut out.transit_gateway_attachment,
            Role::TransitGatewayRouteTable => &mut out.transit_gateway_route_table,
            Role::Vpc => &mut out.vpc,
            Role::VpcEndpoint => &mut out.vpc_endpoint,
            Role::VpcPeeringConnection => &mut out.vpc_peering_connection,
        };
        *slot = Some(component_ref(r));
    }
    out
}

#[cfg(test)]
#[path = "network_insights_tests.rs"]
mod tests;
