//! Egress-only internet gateway actions (IPv6 out, replies back in).

use xvpc_model::egress_only_internet_gateway::{self as eigw, EgressOnlyInternetGateway};
use xvpc_model::IdKind;
use xvpc_wire::shapes::ec2::{self as shape, ops};

use super::{filter_list, paginate_by, require_all, tag_set, tags_from_specs};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::CreateEgressOnlyInternetGateway, create_egress_only_internet_gateway),
    crate::typed!(ops::DeleteEgressOnlyInternetGateway, delete_egress_only_internet_gateway),
    crate::typed!(ops::DescribeEgressOnlyInternetGateways, describe_egress_only_internet_gateways),
];

/// The `EgressOnlyInternetGateway` structure AWS describes: attached to its
/// VPC for its whole life.
pub fn eigw_shape(g: &EgressOnlyInternetGateway) -> shape::EgressOnlyInternetGateway {
    shape::EgressOnlyInternetGateway {
        attachments: vec![shape::InternetGatewayAttachment { state: Some(shape::AttachmentStatus::Attached), vpc_id: Some(g.vpc_id.clone()) }],
        egress_only_internet_gateway_id: Some(g.id.clone()),
        tags: tag_set(&g.tags),
    }
}

pub(crate) fn create_egress_only_internet_gateway(
    call: &mut Call,
    input: shape::CreateEgressOnlyInternetGatewayRequest,
) -> Result<shape::CreateEgressOnlyInternetGatewayResult> {
    let tags = tags_from_specs(&input.tag_specifications, "egress-only-internet-gateway")?;
    let (ch, id) = eigw::create(call.state(), &call.ctx, &input.vpc_id, tags)?;
    call.commit(ch)?;
    let g = eigw_shape(&call.state().egress_only_internet_gateways[&id]);
    Ok(shape::CreateEgressOnlyInternetGatewayResult { client_token: input.client_token, egress_only_internet_gateway: Some(g) })
}

pub(crate) fn delete_egress_only_internet_gateway(
    call: &mut Call,
    input: shape::DeleteEgressOnlyInternetGatewayRequest,
) -> Result<shape::DeleteEgressOnlyInternetGatewayResult> {
    let ch = eigw::delete(call.state(), &call.ctx, &input.egress_only_internet_gateway_id)?;
    call.commit(ch)?;
    Ok(shape::DeleteEgressOnlyInternetGatewayResult { return_code: Some(true) })
}

pub(crate) fn describe_egress_only_internet_gateways(
    call: &mut Call,
    input: shape::DescribeEgressOnlyInternetGatewaysRequest,
) -> Result<shape::DescribeEgressOnlyInternetGatewaysResult> {
    let ids = input.egress_only_internet_gateway_ids;
    let fs = filter_list(&input.filters);
    let s = call.state();
    let mine = |x: &&EgressOnlyInternetGateway| x.owner == call.ctx.account && x.region == call.ctx.region;
    require_all(&ids, |id| s.egress_only_internet_gateways.get(id).is_some_and(|x| mine(&x)), IdKind::EgressOnlyInternetGateway)?;
    let rows = s.egress_only_internet_gateways.scope(&call.ctx).filter(|x| ids.is_empty() || ids.contains(&x.id));
    let out = eigw::FILTERS.select(&fs, s, &call.ctx, rows)?;
    let (page, next) = paginate_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), |x| x.id.clone(), (5, 255))?;
    Ok(shape::DescribeEgressOnlyInternetGatewaysResult { egress_only_internet_gateways: page.into_iter().map(eigw_shape).collect(), next_token: next })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape_coverage::missing;

    #[test]
    fn describe_egress_only_internet_gateways_carries_every_member() {
        let w = xvpc_model::populated::world();
        let gws: Vec<_> = w.state.egress_only_internet_gateways.scope(&w.ctx).map(eigw_shape).collect();
        assert!(!gws.is_empty(), "the world has an egress-only gateway");
        let out = shape::DescribeEgressOnlyInternetGatewaysResult { egress_only_internet_gateways: gws, next_token: Some("token".into()) };
        let xml = xvpc_wire::xml_output::body(&out);
        assert_eq!(missing("ec2", "DescribeEgressOnlyInternetGatewaysResult", &xml), Vec::<String>::new());
        assert!(xml.contains("<state>attached</state>"), "{xml}");
    }
}
