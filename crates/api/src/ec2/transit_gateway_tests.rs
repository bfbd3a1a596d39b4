//! Shape coverage of the transit gateway and attachment outputs: every
//! member botocore declares is written under its name, except those xvpc
//! holds no value for.

use xvpc_model::populated::{world, World};
use xvpc_wire::xml_output::body;

use super::*;
use crate::shape_coverage::missing;

/// The populated world, its gateway given a CIDR block (the one option
/// `world()` leaves at its default, empty).
fn gateway_world() -> World {
    let mut w = world();
    let mut t = w.state.transit_gateways.values().next().expect("the world's gateway").clone();
    t.options.cidr_blocks = vec!["10.99.0.0/24".into()];
    w.state.apply(xvpc_model::Event::Put(t.into()));
    w
}

#[test]
fn describe_transit_gateways_covers_the_shape() {
    let w = gateway_world();
    let out = shape::DescribeTransitGatewaysResult {
        transit_gateways: w.state.transit_gateways.values().map(|t| tgw_shape(t, &w.ctx, None)).collect(),
        next_token: Some("token".into()),
    };
    let xml = body(&out);
    // xvpc does not encrypt between VPCs.
    assert_eq!(missing("ec2", "DescribeTransitGatewaysResult", &xml), ["TransitGatewayOptions.EncryptionSupport"]);
    assert!(xml.contains("<transitGatewayCidrBlocks><item>10.99.0.0/24</item></transitGatewayCidrBlocks>"), "{xml}");
    assert!(xml.contains("<tagSet><item><key>Name</key><value>tgw</value></item></tagSet>"), "{xml}");
}

#[test]
fn describe_transit_gateway_attachments_cover_their_shapes() {
    let w = gateway_world();
    let atts: Vec<&TgwAttachment> = w.state.transit_gateway_attachments.values().collect();
    assert!(atts.iter().any(|a| a.association.is_some()), "an associated attachment");
    let out = shape::DescribeTransitGatewayAttachmentsResult {
        transit_gateway_attachments: atts.iter().map(|a| attachment_shape(a, &w.ctx)).collect(),
        next_token: Some("token".into()),
    };
    assert_eq!(missing("ec2", "DescribeTransitGatewayAttachmentsResult", &body(&out)), Vec::<String>::new());
    let out = shape::DescribeTransitGatewayVpcAttachmentsResult {
        transit_gateway_vpc_attachments: atts.iter().map(|a| vpc_attachment_shape(a, &w.ctx, None)).collect(),
        next_token: Some("token".into()),
    };
    let xml = body(&out);
    assert_eq!(missing("ec2", "DescribeTransitGatewayVpcAttachmentsResult", &xml), Vec::<String>::new());
    assert!(xml.contains("<tagSet><item><key>Name</key><value>att</value></item></tagSet>"), "{xml}");
}

#[test]
fn another_account_sees_no_tags_of_the_gateway() {
    let w = gateway_world();
    let t = w.state.transit_gateways.values().next().unwrap();
    let other = Ctx::new(xvpc_model::populated::B, &w.ctx.region, w.ctx.now);
    assert!(tgw_shape(t, &other, None).tags.is_empty());
    assert_eq!(tgw_shape(t, &w.ctx, Some(TgwState::Deleting)).state, Some(shape::TransitGatewayState::Deleting));
}
