//! Shape coverage of the interface endpoint outputs: every member botocore
//! declares is written under its name, except those xvpc holds no value for.

use xvpc_model::endpoint_service::{self as es, ModifyService};
use xvpc_model::populated::world;
use xvpc_model::state::Changes;
use xvpc_wire::xml_output::body;

use super::*;
use crate::shape_coverage::missing;

fn apply(s: &mut State, ch: Changes) {
    ch.events.into_iter().for_each(|e| s.apply(e));
}

#[test]
fn describe_vpc_endpoints_covers_the_shape() {
    let mut w = world();
    // The service names a private DNS name; the endpoint enables it and
    // carries a policy.
    let svc = w.state.endpoint_services.keys().next().expect("the world's service").clone();
    let m = ModifyService { private_dns_name: Some("svc.example.com".into()), ..Default::default() };
    let ch = es::modify_service(&w.state, &w.ctx, &svc, m).unwrap();
    apply(&mut w.state, ch);
    let id = w.state.vpc_endpoints.keys().next().expect("the world's endpoint").clone();
    let m = ModifyEndpoint { policy_document: Some("{}".into()), private_dns_enabled: Some(true), ..Default::default() };
    let ch = ve::modify_endpoint(&w.state, &w.ctx, &id, m).unwrap();
    apply(&mut w.state, ch);
    let e = &w.state.vpc_endpoints[&id];
    // And one whose service is gone.
    let failed = VpcEndpoint { state: EndpointState::Failed, ..e.clone() };
    let out = shape::DescribeVpcEndpointsResult {
        vpc_endpoints: vec![endpoint_shape(e, &w.state, None), endpoint_shape(&failed, &w.state, None)],
        next_token: Some("token".into()),
    };
    let xml = body(&out);
    assert_eq!(
        missing("ec2", "DescribeVpcEndpointsResult", &xml),
        [
            // DNS options xvpc's endpoints never set.
            "DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint",
            "DnsOptions.PrivateDnsPreference",
            "DnsOptions.PrivateDnsSpecifiedDomains",
            // Prefixes of resource endpoints, IPv6.
            "VpcEndpoint.Ipv4Prefixes",
            "VpcEndpoint.Ipv6Prefixes",
            // A failed endpoint says why in FailureReason; xvpc keeps no other error.
            "VpcEndpoint.LastError",
            // Resource and service-network endpoints, gateway endpoints' route tables.
            "VpcEndpoint.ResourceConfigurationArn",
            "VpcEndpoint.RouteTableIds",
            "VpcEndpoint.ServiceNetworkArn",
        ]
    );
    assert!(xml.contains("<serviceRegion>us-east-1</serviceRegion>"), "{xml}");
    assert!(xml.contains("<tagSet><item><key>Name</key><value>vpce</value></item></tagSet>"), "{xml}");
}
