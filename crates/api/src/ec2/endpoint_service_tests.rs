//! Shape coverage of the endpoint service outputs (the owner's and the
//! consumer's views, permissions, connections): every member botocore
//! declares is written under its name, except those xvpc holds no value for.

use xvpc_model::populated::{world, World, B};
use xvpc_model::state::Changes;
use xvpc_wire::xml_output::body;

use super::*;
use crate::shape_coverage::missing;

/// The populated world, its service with a private DNS name and
/// acceptance required.
fn service_world() -> (World, String) {
    let mut w = world();
    let id = w.state.endpoint_services.keys().next().expect("the world's service").clone();
    let m = ModifyService { private_dns_name: Some("svc.example.com".into()), acceptance_required: Some(true), ..Default::default() };
    let ch: Changes = es::modify_service(&w.state, &w.ctx, &id, m).unwrap();
    ch.events.into_iter().for_each(|e| w.state.apply(e));
    (w, id)
}

#[test]
fn describe_service_configurations_covers_the_shape() {
    let (w, id) = service_world();
    let now = w.ctx.now + es::PENDING_MS;
    let out = shape::DescribeVpcEndpointServiceConfigurationsResult {
        service_configurations: vec![config_shape(&w.state.endpoint_services[&id], &w.state, now)],
        next_token: Some("token".into()),
    };
    let xml = body(&out);
    // Network Load Balancers only.
    assert_eq!(missing("ec2", "DescribeVpcEndpointServiceConfigurationsResult", &xml), ["ServiceConfiguration.GatewayLoadBalancerArns"]);
    assert!(xml.contains("<privateDnsNameConfiguration><state>pendingVerification</state><type>TXT</type>"), "{xml}");
}

#[test]
fn describe_vpc_endpoint_services_covers_the_shape() {
    let (w, id) = service_world();
    let svc = &w.state.endpoint_services[&id];
    let out = shape::DescribeVpcEndpointServicesResult {
        service_names: vec![svc.name.clone()],
        service_details: vec![customer_detail(svc, &w.state, &w.ctx)],
        next_token: Some("token".into()),
    };
    let xml = body(&out);
    assert_eq!(missing("ec2", "DescribeVpcEndpointServicesResult", &xml), Vec::<String>::new());
    assert!(xml.contains("<privateDnsNameSet><item><privateDnsName>svc.example.com</privateDnsName></item></privateDnsNameSet>"), "{xml}");
    // Another account sees the service, not its tags.
    let b = Ctx::new(B, &w.ctx.region, w.ctx.now);
    assert!(customer_detail(svc, &w.state, &b).tags.is_empty());
}

#[test]
fn aws_service_details_cover_the_shape() {
    let ctx = Ctx::new(B, "us-east-1", 0);
    let all = xvpc_model::aws_service::in_region("us-east-1");
    let out = shape::DescribeVpcEndpointServicesResult {
        service_names: all.iter().map(|a| a.name.clone()).collect(),
        service_details: all.iter().map(|a| aws_detail(a, &ctx)).collect(),
        next_token: None,
    };
    let xml = body(&out);
    // AWS's services have no tags, and no payer (the customer pays AWS).
    assert_eq!(missing("ec2", "DescribeVpcEndpointServicesResult", &xml), ["DescribeVpcEndpointServicesResult.NextToken", "ServiceDetail.PayerResponsibility", "ServiceDetail.Tags"]);
    assert!(xml.contains("<owner>amazon</owner>"), "{xml}");
}

#[test]
fn permissions_and_connections_cover_their_shapes() {
    let (w, id) = service_world();
    let svc = &w.state.endpoint_services[&id];
    let out = shape::DescribeVpcEndpointServicePermissionsResult {
        allowed_principals: svc.allowed_principals.iter().map(|a| allowed_principal(a, &id)).collect(),
        next_token: Some("token".into()),
    };
    // Allow-list entries carry no tags in xvpc.
    assert_eq!(missing("ec2", "DescribeVpcEndpointServicePermissionsResult", &body(&out)), ["AllowedPrincipal.Tags"]);
    let out = shape::ModifyVpcEndpointServicePermissionsResult {
        added_principals: svc.allowed_principals.iter().map(|a| added_principal(a, &id)).collect(),
        return_value: Some(true),
    };
    assert_eq!(missing("ec2", "ModifyVpcEndpointServicePermissionsResult", &body(&out)), Vec::<String>::new());
    let connections: Vec<_> = svc.connections(&w.state).collect();
    assert!(!connections.is_empty());
    let out = shape::DescribeVpcEndpointConnectionsResult {
        vpc_endpoint_connections: connections.iter().map(|e| connection_shape(e, &w.state)).collect(),
        next_token: Some("token".into()),
    };
    // Network Load Balancers only; the consumer's tags are its own.
    assert_eq!(
        missing("ec2", "DescribeVpcEndpointConnectionsResult", &body(&out)),
        ["VpcEndpointConnection.GatewayLoadBalancerArns", "VpcEndpointConnection.Tags"]
    );
    let failed = [Unsuccessful::new("vpce-0123456789abcdef0", "InvalidVpcEndpoint.NotFound", "gone".into())];
    let out = shape::DeleteVpcEndpointServiceConfigurationsResult { unsuccessful: unsuccessful_items(&failed) };
    assert_eq!(missing("ec2", "DeleteVpcEndpointServiceConfigurationsResult", &body(&out)), Vec::<String>::new());
}
