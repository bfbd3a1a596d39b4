//! One test per Describe call's filter table: every name the table lists
//! (except those xvpc never holds a value for) matches at least one row of
//! the populated world, with the row's own values as the filter's values.

use crate::filter::Filter;
use crate::populated::world;
use crate::{
    elastic_ip, endpoint_service, image, instance, instance_type, internet_gateway, network_acl, network_insights, network_interface, peering, prefix_list,
    region, route_table, security_group, security_group_rule, subnet, tags, transit_gateway as tgw, transit_gateway_route_table as tgw_rt, volume,
    vpc, vpc_endpoint,
};

#[test]
fn vpcs() {
    let w = world();
    w.check(&vpc::FILTERS, &w.state.vpcs.scope(&w.ctx).collect::<Vec<_>>());
}

#[test]
fn dhcp_options() {
    let w = world();
    w.check(&crate::dhcp_options::FILTERS, &w.state.dhcp_options.scope(&w.ctx).collect::<Vec<_>>());
}

#[test]
fn subnets() {
    let w = world();
    w.check(&subnet::FILTERS, &w.state.subnets.scope(&w.ctx).collect::<Vec<_>>());
}

#[test]
fn route_tables() {
    let w = world();
    w.check(&route_table::FILTERS, &w.state.route_tables.scope(&w.ctx).collect::<Vec<_>>());
}

#[test]
fn internet_gateways() {
    let w = world();
    w.check(&internet_gateway::FILTERS, &w.state.internet_gateways.scope(&w.ctx).collect::<Vec<_>>());
}

#[test]
fn egress_only_internet_gateways() {
    let w = world();
    w.check(&crate::egress_only_internet_gateway::FILTERS, &w.state.egress_only_internet_gateways.scope(&w.ctx).collect::<Vec<_>>());
}

#[test]
fn block_public_access_exclusions() {
    let w = world();
    w.check(&crate::block_public_access::FILTERS, &w.state.block_public_access_exclusions.scope(&w.ctx).collect::<Vec<_>>());
}

#[test]
fn vpn_gateways() {
    let w = world();
    w.check(&crate::vpn_gateway::FILTERS, &w.state.vpn_gateways.scope(&w.ctx).collect::<Vec<_>>());
}

#[test]
fn key_pairs() {
    let w = world();
    w.check(&crate::key_pair::FILTERS, &w.state.key_pairs.scope(&w.ctx).collect::<Vec<_>>());
}

#[test]
fn customer_gateways() {
    let w = world();
    w.check(&crate::customer_gateway::FILTERS, &w.state.customer_gateways.scope(&w.ctx).collect::<Vec<_>>());
}

#[test]
fn nat_gateways() {
    let w = world();
    w.check(&crate::nat_gateway::FILTERS, &w.state.nat_gateways.scope(&w.ctx).collect::<Vec<_>>());
}

#[test]
fn flow_logs() {
    let w = world();
    w.check(&crate::flow_log::FILTERS, &w.state.flow_logs.scope(&w.ctx).collect::<Vec<_>>());
}

#[test]
fn addresses() {
    let w = world();
    w.check(&elastic_ip::FILTERS, &w.state.addresses.scope(&w.ctx).collect::<Vec<_>>());
}

#[test]
fn security_groups() {
    let w = world();
    w.check(&security_group::FILTERS, &w.state.security_groups.scope(&w.ctx).collect::<Vec<_>>());
}

#[test]
fn security_group_rules() {
    let w = world();
    let rows = security_group_rule::group_rules(&w.state, &w.ctx);
    w.check(&security_group_rule::FILTERS, &rows.iter().collect::<Vec<_>>());
}

#[test]
fn network_acls() {
    let w = world();
    w.check(&network_acl::FILTERS, &w.state.network_acls.scope(&w.ctx).collect::<Vec<_>>());
}

#[test]
fn network_interfaces() {
    let w = world();
    w.check(&network_interface::FILTERS, &w.state.network_interfaces.scope(&w.ctx).collect::<Vec<_>>());
}

#[test]
fn instances() {
    let w = world();
    w.check(&instance::FILTERS, &w.state.instances.scope(&w.ctx).collect::<Vec<_>>());
}

#[test]
fn instance_status() {
    let w = world();
    w.check(&instance::STATUS_FILTERS, &w.state.instances.scope(&w.ctx).collect::<Vec<_>>());
}

#[test]
fn instance_credit_specifications() {
    let w = world();
    w.check(&instance::CREDIT_FILTERS, &w.state.instances.scope(&w.ctx).collect::<Vec<_>>());
}

#[test]
fn volumes() {
    let w = world();
    w.check(&volume::FILTERS, &w.state.instances.scope(&w.ctx).filter(|i| volume::has_volume(i)).collect::<Vec<_>>());
}

#[test]
fn images() {
    let w = world();
    w.check(&image::FILTERS, &image::IMAGES.iter().collect::<Vec<_>>());
}

#[test]
fn instance_types() {
    let w = world();
    w.check(&instance_type::FILTERS, &instance_type::TYPES.iter().collect::<Vec<_>>());
}

#[test]
fn instance_type_offerings() {
    let w = world();
    let rows: Vec<_> = instance_type::TYPES.iter().map(|t| instance_type::Offering { instance_type: t.name, location: "us-east-1".into() }).collect();
    w.check(&instance_type::OFFERING_FILTERS, &rows.iter().collect::<Vec<_>>());
}

#[test]
fn prefix_lists() {
    let w = world();
    let rows = prefix_list::managed(&w.ctx);
    w.check(&prefix_list::FILTERS, &rows.iter().collect::<Vec<_>>());
}

#[test]
fn customer_managed_prefix_lists() {
    let w = world();
    w.check(&crate::managed_prefix_list::FILTERS, &w.state.managed_prefix_lists.scope(&w.ctx).collect::<Vec<_>>());
}

#[test]
fn managed_prefix_lists() {
    let w = world();
    let rows = prefix_list::managed(&w.ctx);
    w.check(&prefix_list::MANAGED_FILTERS, &rows.iter().collect::<Vec<_>>());
}

#[test]
fn tag_rows() {
    let w = world();
    let rows = tags::tag_rows(&w.state, &w.ctx);
    w.check(&tags::FILTERS, &rows.iter().collect::<Vec<_>>());
}

#[test]
fn regions_and_zones() {
    let w = world();
    w.check(&region::REGION_FILTERS, &region::REGIONS.iter().collect::<Vec<_>>());
    let zones = region::zones(&w.ctx.account, region::region("us-east-1").expect("known region"));
    w.check(&region::ZONE_FILTERS, &zones.iter().collect::<Vec<_>>());
}

#[test]
fn endpoint_service_configurations() {
    let w = world();
    w.check(&endpoint_service::CONFIGURATION_FILTERS, &w.state.endpoint_services.scope(&w.ctx).collect::<Vec<_>>());
}

#[test]
fn endpoint_services() {
    let w = world();
    let rows = crate::service_listing::visible(&w.state, &w.ctx);
    w.check(&crate::service_listing::SERVICE_FILTERS, &rows.iter().collect::<Vec<_>>());
}

#[test]
fn endpoint_service_permissions() {
    let w = world();
    let rows: Vec<_> = w.state.endpoint_services.values().flat_map(|s| s.allowed_principals.iter()).collect();
    w.check(&endpoint_service::PERMISSION_FILTERS, &rows);
}

#[test]
fn vpc_endpoints() {
    let w = world();
    w.check(&vpc_endpoint::FILTERS, &w.state.vpc_endpoints.scope(&w.ctx).collect::<Vec<_>>());
}

#[test]
fn vpc_endpoint_connections() {
    let w = world();
    let rows: Vec<_> = w.state.endpoint_services.scope(&w.ctx).flat_map(|s| s.connections(&w.state)).collect();
    w.check(&vpc_endpoint::CONNECTION_FILTERS, &rows);
}

#[test]
fn peering_connections() {
    let w = world();
    w.check(&peering::FILTERS, &w.state.peering_connections.values().collect::<Vec<_>>());
}

#[test]
fn network_insights_paths_and_analyses() {
    let w = world();
    w.check(&network_insights::PATH_FILTERS, &w.state.network_insights_paths.scope(&w.ctx).collect::<Vec<_>>());
    w.check(&network_insights::ANALYSIS_FILTERS, &w.state.network_insights_analyses.scope(&w.ctx).collect::<Vec<_>>());
}

#[test]
fn transit_gateways() {
    let w = world();
    w.check(&tgw::FILTERS, &w.state.transit_gateways.values().collect::<Vec<_>>());
}

#[test]
fn transit_gateway_attachments() {
    let w = world();
    let rows: Vec<_> = w.state.transit_gateway_attachments.values().collect();
    w.check(&tgw::ATTACHMENT_FILTERS, &rows);
    w.check(&tgw::VPC_ATTACHMENT_FILTERS, &rows);
    w.check(&tgw_rt::LINK_FILTERS, &rows);
}

#[test]
fn transit_gateway_route_tables() {
    let w = world();
    w.check(&tgw_rt::FILTERS, &w.state.transit_gateway_route_tables.values().collect::<Vec<_>>());
}

#[test]
fn transit_gateway_routes() {
    let w = world();
    let table = w.state.transit_gateway_route_tables.values().next().expect("a gateway route table");
    let routes = table.routes(&w.state);
    w.check(&tgw_rt::ROUTE_FILTERS, &routes.iter().collect::<Vec<_>>());
    // The route-search filters compare CIDRs: 192.168.0.0/16 is static,
    // 10.0.0.0/16 and 10.1.0.0/16 are propagated from the attached VPC.
    let search = |name: &str, v: &str| {
        let got = tgw_rt::search(table, &w.state, &w.ctx, &[Filter::new(name, &[v])]).unwrap();
        let mut cidrs: Vec<String> = got.iter().map(|r| r.cidr.to_string()).collect();
        cidrs.sort();
        cidrs
    };
    assert_eq!(search("route-search.exact-match", "192.168.0.0/16"), ["192.168.0.0/16"]);
    assert_eq!(search("route-search.subnet-of-match", "10.0.0.0/8"), ["10.0.0.0/16", "10.1.0.0/16"]);
    assert_eq!(search("route-search.supernet-of-match", "192.168.1.0/24"), ["192.168.0.0/16"]);
    assert_eq!(search("route-search.longest-prefix-match", "10.0.1.7/32"), ["10.0.0.0/16"]);
    assert!(tgw_rt::search(table, &w.state, &w.ctx, &[Filter::new("route-search.exact-match", &["banana"])]).is_err());
}
