//! Reachability Analyzer (Network Insights) actions. The analysis is
//! computed by the reachability engine when it is started, and stored.

use xvpc_model::network_insights::{self as ni, AclRuleRef, AnalysisRef, CreatePath, Explanation, NetworkInsightsAnalysis, NetworkInsightsPath, PathComponent, PathFilter, RouteRef, SgRuleRef, StartAnalysis, TgwRouteRef};
use xvpc_model::IdKind;
use xvpc_wire::{QueryParams, XmlWriter};

use super::{filters, paginate, require_all, tag_specs, timestamp, write_tags};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const ACTIONS: &[(&str, QueryHandler)] = &[
    ("CreateNetworkInsightsPath", create_path),
    ("DescribeNetworkInsightsPaths", describe_paths),
    ("DeleteNetworkInsightsPath", delete_path),
    ("StartNetworkInsightsAnalysis", start_analysis),
    ("DescribeNetworkInsightsAnalyses", describe_analyses),
    ("DeleteNetworkInsightsAnalysis", delete_analysis),
];

fn port_range(p: &QueryParams) -> Result<Option<(i32, i32)>> {
    let from = p.int("FromPort")?;
    let to = p.int("ToPort")?;
    Ok(match (from, to) {
        (None, None) => None,
        (f, t) => Some((f.or(t).unwrap_or(0) as i32, t.or(f).unwrap_or(65535) as i32)),
    })
}

fn path_filter(p: &QueryParams) -> Result<PathFilter> {
    Ok(PathFilter {
        source_address: p.get("SourceAddress").map(str::to_string),
        source_port_range: port_range(&p.child("SourcePortRange"))?,
        destination_address: p.get("DestinationAddress").map(str::to_string),
        destination_port_range: port_range(&p.child("DestinationPortRange"))?,
    })
}

fn write_filter(w: &mut XmlWriter, name: &str, f: &PathFilter) {
    if f.is_empty() {
        return;
    }
    let range = |w: &mut XmlWriter, n: &str, r: Option<(i32, i32)>| {
        if let Some((a, b)) = r {
            w.open(n).leaf("fromPort", a.to_string()).leaf("toPort", b.to_string()).close(n);
        }
    };
    w.open(name);
    w.opt_leaf("sourceAddress", f.source_address.as_deref());
    range(w, "sourcePortRange", f.source_port_range);
    w.opt_leaf("destinationAddress", f.destination_address.as_deref());
    range(w, "destinationPortRange", f.destination_port_range);
    w.close(name);
}

fn write_path(w: &mut XmlWriter, p: &NetworkInsightsPath) {
    w.leaf("networkInsightsPathId", &p.id)
        .leaf("networkInsightsPathArn", p.arn())
        .leaf("createdDate", timestamp(p.created_at))
        .leaf("source", &p.source)
        .opt_leaf("destination", p.destination.as_deref())
        .leaf("sourceArn", &p.source_arn)
        .opt_leaf("destinationArn", p.destination_arn.as_deref())
        .opt_leaf("sourceIp", p.source_ip.as_deref())
        .opt_leaf("destinationIp", p.destination_ip.as_deref())
        .leaf("protocol", p.protocol.sg_form())
        .opt_leaf("destinationPort", p.destination_port.map(|x| x.to_string()));
    write_tags(w, &p.tags);
    write_filter(w, "filterAtSource", &p.filter_at_source);
    write_filter(w, "filterAtDestination", &p.filter_at_destination);
}

fn create_path(call: &mut Call, p: &QueryParams) -> Result<String> {
    let input = CreatePath {
        source: p.required("Source")?.to_string(),
        destination: p.get("Destination").map(str::to_string),
        source_ip: p.get("SourceIp").map(str::to_string),
        destination_ip: p.get("DestinationIp").map(str::to_string),
        protocol: p.required("Protocol")?.to_string(),
        destination_port: p.int("DestinationPort")?.map(|x| x as i32),
        filter_at_source: path_filter(&p.child("FilterAtSource"))?,
        filter_at_destination: path_filter(&p.child("FilterAtDestination"))?,
        tags: tag_specs(p, "network-insights-path")?,
    };
    let (ch, id) = ni::create_path(call.state(), &call.ctx, input)?;
    call.commit(ch)?;
    let mut w = XmlWriter::new();
    w.open("networkInsightsPath");
    write_path(&mut w, &call.state().network_insights_paths[&id]);
    w.close("networkInsightsPath");
    Ok(w.finish())
}

fn describe_paths(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ids = p.list("NetworkInsightsPathId");
    let fs = filters(p);
    let s = call.state();
    let mine = |x: &&NetworkInsightsPath| x.owner == call.ctx.account && x.region == call.ctx.region;
    require_all(&ids, |id| s.network_insights_paths.get(id).is_some_and(|x| mine(&x)), IdKind::NetworkInsightsPath)?;
    let listed = s.network_insights_paths.scope(&call.ctx).filter(|x| ids.is_empty() || ids.contains(&x.id));
    let out = xvpc_model::network_insights::PATH_FILTERS.select(&fs, s, &call.ctx, listed)?;
    let (page, next) = paginate(out, p, |x| x.id.clone(), (1, 100))?;
    let mut w = XmlWriter::new();
    w.items("networkInsightsPathSet", page, |w, x| write_path(w, x));
    w.opt_leaf("nextToken", next);
    Ok(w.finish())
}

fn delete_path(call: &mut Call, p: &QueryParams) -> Result<String> {
    let id = p.required("NetworkInsightsPathId")?.to_string();
    let ch = ni::delete_path(call.state(), &call.ctx, &id)?;
    call.commit(ch)?;
    Ok(format!("<networkInsightsPathId>{id}</networkInsightsPathId>"))
}

fn start_analysis(call: &mut Call, p: &QueryParams) -> Result<String> {
    let path_id = p.required("NetworkInsightsPathId")?.to_string();
    let path = xvpc_model::state::owned(&call.state().network_insights_paths, &call.ctx, IdKind::NetworkInsightsPath, &path_id)?.clone();
    let outcome = xvpc_reach::network_insights::run(call.state(), call.ctx.now, &path);
    let input = StartAnalysis {
        path_id,
        additional_accounts: p.list("AdditionalAccount"),
        filter_in_arns: p.list("FilterInArn"),
        tags: tag_specs(p, "network-insights-analysis")?,
        outcome,
    };
    let (ch, id) = ni::start_analysis(call.state(), &call.ctx, input)?;
    call.commit(ch)?;
    let a = &call.state().network_insights_analyses[&id];
    // AWS answers `running`; the analysis is complete when next described.
    let mut w = XmlWriter::new();
    w.open("networkInsightsAnalysis");
    w.leaf("networkInsightsAnalysisId", &a.id)
        .leaf("networkInsightsAnalysisArn", a.arn())
        .leaf("networkInsightsPathId", &a.path_id)
        .leaf("startDate", timestamp(a.start_date))
        .leaf("status", "running");
    write_tags(&mut w, &a.tags);
    w.close("networkInsightsAnalysis");
    Ok(w.finish())
}

fn write_ref(w: &mut XmlWriter, name: &str, r: &AnalysisRef) {
    w.open(name).leaf("id", &r.id).leaf("arn", &r.arn).opt_leaf("name", r.name.as_deref()).close(name);
}

fn write_range(w: &mut XmlWriter, name: &str, r: Option<(i32, i32)>) {
    if let Some((a, b)) = r {
        w.open(name).leaf("from", a.to_string()).leaf("to", b.to_string()).close(name);
    }
}

fn write_acl_rule(w: &mut XmlWriter, r: &Option<AclRuleRef>) {
    let Some(r) = r else { return };
    w.open("aclRule").leaf("cidr", &r.cidr).bool_leaf("egress", r.egress);
    write_range(w, "portRange", r.port_range);
    w.leaf("protocol", &r.protocol).leaf("ruleAction", &r.rule_action).leaf("ruleNumber", r.rule_number.to_string()).close("aclRule");
}

fn write_sg_rule(w: &mut XmlWriter, r: &Option<SgRuleRef>) {
    let Some(r) = r else { return };
    w.open("securityGroupRule").opt_leaf("cidr", r.cidr.as_deref()).leaf("direction", &r.direction).leaf("securityGroupId", &r.security_group_id);
    write_range(w, "portRange", r.port_range);
    w.leaf("protocol", &r.protocol).close("securityGroupRule");
}

fn write_route(w: &mut XmlWriter, r: &Option<RouteRef>) {
    let Some(r) = r else { return };
    w.open("routeTableRoute").leaf("destinationCidr", &r.destination_cidr);
    if r.target != "local" || r.target_field == "gatewayId" {
        w.leaf(&r.target_field, &r.target);
    }
    w.leaf("origin", &r.origin).leaf("state", &r.state).close("routeTableRoute");
}

fn write_tgw_route(w: &mut XmlWriter, r: &Option<TgwRouteRef>) {
    let Some(r) = r else { return };
    w.open("transitGatewayRouteTableRoute")
        .leaf("destinationCidr", &r.destination_cidr)
        .leaf("state", r.state.as_str())
        .leaf("routeOrigin", r.route_origin.as_str())
        .opt_leaf("attachmentId", r.attachment_id.as_deref())
        .close("transitGatewayRouteTableRoute");
}

fn write_component(w: &mut XmlWriter, c: &PathComponent) {
    w.leaf("sequenceNumber", c.sequence_number.to_string());
    write_acl_rule(w, &c.acl_rule);
    write_ref(w, "component", &c.component);
    write_route(w, &c.route_table_route);
    write_sg_rule(w, &c.security_group_rule);
    for (name, r) in &c.refs {
        write_ref(w, name, r);
    }
    write_tgw_route(w, &c.transit_gateway_route_table_route);
}

fn write_explanation(w: &mut XmlWriter, e: &Explanation) {
    for (name, r) in &e.refs {
        write_ref(w, name, r);
    }
    write_acl_rule(w, &e.acl_rule);
    w.opt_leaf("direction", e.direction.as_deref()).leaf("explanationCode", &e.explanation_code);
    write_route(w, &e.route_table_route);
    if !e.security_groups.is_empty() {
        w.items("securityGroupSet", &e.security_groups, |w, r| {
            w.leaf("id", &r.id).leaf("arn", &r.arn).opt_leaf("name", r.name.as_deref());
        });
    }
    write_sg_rule(w, &e.security_group_rule);
    write_tgw_route(w, &e.transit_gateway_route_table_route);
    w.opt_leaf("componentAccount", e.component_account.as_deref()).opt_leaf("componentRegion", e.component_region.as_deref());
}

fn write_analysis(w: &mut XmlWriter, a: &NetworkInsightsAnalysis) {
    w.leaf("networkInsightsAnalysisId", &a.id)
        .leaf("networkInsightsAnalysisArn", a.arn())
        .leaf("networkInsightsPathId", &a.path_id)
        .scalars("additionalAccountSet", "item", &a.additional_accounts)
        .scalars("filterInArnSet", "item", &a.filter_in_arns)
        .leaf("startDate", timestamp(a.start_date))
        .leaf("status", &a.status)
        .opt_leaf("statusMessage", a.status_message.as_deref());
    if a.status == "succeeded" {
        let f = &a.findings;
        w.bool_leaf("networkPathFound", f.network_path_found)
            .items("forwardPathComponentSet", &f.forward_path_components, |w, c| write_component(w, c))
            .items("returnPathComponentSet", &f.return_path_components, |w, c| write_component(w, c))
            .items("explanationSet", &f.explanations, |w, e| write_explanation(w, e));
    }
    write_tags(w, &a.tags);
}

fn describe_analyses(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ids = p.list("NetworkInsightsAnalysisId");
    let path = p.get("NetworkInsightsPathId");
    let fs = filters(p);
    let s = call.state();
    let mine = |x: &&NetworkInsightsAnalysis| x.owner == call.ctx.account && x.region == call.ctx.region;
    require_all(&ids, |id| s.network_insights_analyses.get(id).is_some_and(|x| mine(&x)), IdKind::NetworkInsightsAnalysis)?;
    let listed = s.network_insights_analyses.scope(&call.ctx).filter(|x| (ids.is_empty() || ids.contains(&x.id)) && path.is_none_or(|pid| x.path_id == pid));
    let out = xvpc_model::network_insights::ANALYSIS_FILTERS.select(&fs, s, &call.ctx, listed)?;
    let (page, next) = paginate(out, p, |x| x.id.clone(), (1, 100))?;
    let mut w = XmlWriter::new();
    w.items("networkInsightsAnalysisSet", page, |w, x| write_analysis(w, x));
    w.opt_leaf("nextToken", next);
    Ok(w.finish())
}

fn delete_analysis(call: &mut Call, p: &QueryParams) -> Result<String> {
    let id = p.required("NetworkInsightsAnalysisId")?.to_string();
    let ch = ni::delete_analysis(call.state(), &call.ctx, &id)?;
    call.commit(ch)?;
    Ok(format!("<networkInsightsAnalysisId>{id}</networkInsightsAnalysisId>"))
}
