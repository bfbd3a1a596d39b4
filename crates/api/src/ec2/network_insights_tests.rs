//! Shape coverage of the Network Insights outputs: a path with filters at
//! both ends, and an analysis whose findings set every part the model
//! holds (every role, rule, route and header), reach the client under
//! botocore's names.

use std::collections::BTreeMap;

use super::*;
use xvpc_model::network_insights::Findings;
use xvpc_model::transit_gateway_route_table::{RouteType, TgwRouteState};
use xvpc_wire::xml_output::body;

fn aref(id: &str) -> AnalysisRef {
    AnalysisRef { id: id.into(), arn: format!("arn:aws:ec2:us-east-1:111111111111:thing/{id}"), name: Some("n".into()) }
}

fn roles(all: &[Role]) -> BTreeMap<Role, AnalysisRef> {
    all.iter().map(|r| (*r, aref(r.as_str()))).collect()
}

fn rules() -> (AclRuleRef, SgRuleRef, TgwRouteRef) {
    let acl = AclRuleRef { cidr: "10.0.0.0/8".into(), egress: true, port_range: Some((80, 80)), protocol: "6".into(), rule_action: "allow".into(), rule_number: 100 };
    let sg = SgRuleRef { cidr: Some("10.0.0.0/8".into()), direction: "ingress".into(), security_group_id: "sg-1".into(), port_range: Some((80, 80)), protocol: "tcp".into() };
    let tgw = TgwRouteRef { destination_cidr: "10.1.0.0/16".into(), state: TgwRouteState::Active, route_origin: RouteType::Propagated, attachment_id: Some("tgw-attach-1".into()) };
    (acl, sg, tgw)
}

fn route_to(field: Target) -> RouteRef {
    RouteRef { destination_cidr: "10.1.0.0/16".into(), target_field: field, target: "x-1".into(), origin: "CreateRoute".into(), state: "active".into() }
}

fn header() -> PacketHeader {
    PacketHeader {
        protocol: "6".into(),
        source_addresses: vec!["10.0.1.4".into()],
        destination_addresses: vec!["10.1.1.4".into()],
        source_port_ranges: vec![(1024, 65535)],
        destination_port_ranges: vec![(80, 80)],
    }
}

/// One component per route target kind, with every role a path
/// component has.
fn components() -> Vec<PathComponent> {
    let (acl, sg, tgw) = rules();
    Target::ALL
        .iter()
        .enumerate()
        .map(|(n, field)| PathComponent {
            sequence_number: n as i32 + 1,
            component: aref("eni-1"),
            refs: roles(&[Role::Vpc, Role::Subnet, Role::TransitGateway, Role::ElasticLoadBalancerListener]),
            acl_rule: Some(acl.clone()),
            security_group_rule: Some(sg.clone()),
            route_table_route: Some(route_to(*field)),
            transit_gateway_route_table_route: Some(tgw.clone()),
            inbound_header: Some(header()),
            outbound_header: Some(header()),
        })
        .collect()
}

/// An explanation with every role, naming a route to `field`'s kind.
fn explanation(field: Target) -> Explanation {
    let (acl, sg, tgw) = rules();
    Explanation {
        explanation_code: "ENI_SG_RULES_MISMATCH".into(),
        direction: Some("ingress".into()),
        component: aref("sg-1"),
        component_account: Some("111111111111".into()),
        component_region: Some("us-east-1".into()),
        refs: roles(Role::ALL),
        security_groups: vec![aref("sg-1")],
        acl_rule: Some(acl),
        security_group_rule: Some(sg),
        route_table_route: Some(route_to(field)),
        transit_gateway_route_table_route: Some(tgw),
        address: Some("10.1.1.4".into()),
        port: Some(80),
        protocols: vec!["tcp".into()],
        cidrs: vec!["10.1.0.0/16".into()],
        availability_zones: vec!["us-east-1a".into()],
    }
}

#[test]
fn paths_carry_every_member_xvpc_holds() {
    let w = xvpc_model::populated::world();
    let paths: Vec<&NetworkInsightsPath> = w.state.network_insights_paths.scope(&w.ctx).collect();
    assert!(paths.iter().any(|p| !p.filter_at_source.is_empty() && !p.filter_at_destination.is_empty()));
    let out = shape::DescribeNetworkInsightsPathsResult { network_insights_paths: paths.into_iter().map(path_shape).collect(), next_token: Some("t".into()) };
    assert_eq!(crate::shape_coverage::missing("ec2", "DescribeNetworkInsightsPathsResult", &body(&out)), Vec::<String>::new(), "{}", body(&out));
}

#[test]
fn analyses_carry_every_member_xvpc_holds() {
    let w = xvpc_model::populated::world();
    let stored = w.state.network_insights_analyses.scope(&w.ctx).next().expect("an analysis");
    let findings = Findings { network_path_found: false, forward_path_components: components(), return_path_components: components(), explanations: Target::ALL.iter().map(|f| explanation(*f)).collect() };
    let a = NetworkInsightsAnalysis { findings, additional_accounts: vec!["222222222222".into()], filter_in_arns: vec!["arn:aws:ec2:x".into()], ..stored.clone() };
    let out = shape::DescribeNetworkInsightsAnalysesResult { network_insights_analyses: vec![analysis_shape(&a)], next_token: Some("t".into()) };
    let xml = body(&out);
    // What the engine never reports: firewalls, VPN and customer gateways,
    // prefix lists as components, load balancer targets,
    // alternate paths, and the failure-only members.
    let not_held = [
        "AnalysisRouteTableRoute.CarrierGatewayId",
        "AnalysisRouteTableRoute.CoreNetworkArn",
        "AnalysisRouteTableRoute.DestinationPrefixListId",
        "AnalysisRouteTableRoute.EgressOnlyInternetGatewayId",
        "AnalysisRouteTableRoute.LocalGatewayId",
        "AnalysisSecurityGroupRule.PrefixListId",
        "Explanation.Addresses",
        "Explanation.AttachedTo",
        "Explanation.AvailabilityZoneIds",
        "Explanation.ClassicLoadBalancerListener",
        "Explanation.CustomerGateway",
        "Explanation.Destination",
        "Explanation.DestinationVpc",
        "Explanation.FirewallStatefulRule",
        "Explanation.FirewallStatelessRule",
        "Explanation.IngressRouteTable",
        "Explanation.LoadBalancerArn",
        "Explanation.LoadBalancerListenerPort",
        "Explanation.LoadBalancerTarget",
        "Explanation.LoadBalancerTargetGroups",
        "Explanation.LoadBalancerTargetPort",
        "Explanation.MissingComponent",
        "Explanation.PacketField",
        "Explanation.PortRanges",
        "Explanation.PrefixList",
        "Explanation.SourceVpc",
        "Explanation.State",
        "Explanation.SubnetRouteTable",
        "Explanation.VpnConnection",
        "Explanation.VpnGateway",
        "NetworkInsightsAnalysis.AlternatePathHints",
        "NetworkInsightsAnalysis.FilterOutArns",
        "NetworkInsightsAnalysis.StatusMessage",
        "NetworkInsightsAnalysis.SuggestedAccounts",
        "NetworkInsightsAnalysis.WarningMessage",
        "PathComponent.AdditionalDetails",
        "PathComponent.AttachedTo",
        "PathComponent.DestinationVpc",
        "PathComponent.Explanations",
        "PathComponent.FirewallStatefulRule",
        "PathComponent.FirewallStatelessRule",
        "PathComponent.ServiceName",
        "PathComponent.SourceVpc",
        "TransitGatewayRouteTableRoute.PrefixListId",
        "TransitGatewayRouteTableRoute.ResourceId",
        "TransitGatewayRouteTableRoute.ResourceType",
    ];
    assert_eq!(crate::shape_coverage::missing("ec2", "DescribeNetworkInsightsAnalysesResult", &xml), not_held, "{xml}");
    // A failed analysis says why, and has no findings.
    let failed = NetworkInsightsAnalysis { status: "failed".into(), status_message: Some("the path has no destination".into()), ..a };
    let xml = body(&analysis_shape(&failed));
    assert!(xml.contains("<statusMessage>the path has no destination</statusMessage>") && !xml.contains("networkPathFound"), "{xml}");
}
