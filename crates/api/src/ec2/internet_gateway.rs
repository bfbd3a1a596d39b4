//! Internet gateway actions.

use xvpc_model::internet_gateway::{self, InternetGateway};
use xvpc_model::IdKind;
use xvpc_wire::shape::ReturnTrue;
use xvpc_wire::shapes::ec2::{self as shape, ops};

use super::{filter_list, paginate_by, require_all, tag_set, tags_from_specs};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::CreateInternetGateway, create_internet_gateway),
    crate::typed!(ops::DeleteInternetGateway, delete_internet_gateway),
    crate::typed!(ops::AttachInternetGateway, attach_internet_gateway),
    crate::typed!(ops::DetachInternetGateway, detach_internet_gateway),
    crate::typed!(ops::DescribeInternetGateways, describe_internet_gateways),
];

/// The `InternetGateway` structure AWS describes.
pub fn igw_shape(g: &InternetGateway) -> shape::InternetGateway {
    shape::InternetGateway {
        attachments: g
            .attached_vpc
            .iter()
            .map(|v| shape::InternetGatewayAttachment {
                // AWS reports an attached internet gateway as `available`, a
                // value botocore's AttachmentStatus does not list (the
                // DescribeInternetGateways reference says so).
                state: Some(shape::AttachmentStatus::from("available")),
                vpc_id: Some(v.clone()),
            })
            .collect(),
        internet_gateway_id: Some(g.id.clone()),
        owner_id: Some(g.owner.clone()),
        tags: tag_set(&g.tags),
    }
}

pub(crate) fn create_internet_gateway(call: &mut Call, input: shape::CreateInternetGatewayRequest) -> Result<shape::CreateInternetGatewayResult> {
    let tags = tags_from_specs(&input.tag_specifications, "internet-gateway")?;
    let (ch, id) = internet_gateway::create(&call.ctx, tags);
    call.commit(ch)?;
    Ok(shape::CreateInternetGatewayResult { internet_gateway: Some(igw_shape(&call.state().internet_gateways[&id])) })
}

pub(crate) fn delete_internet_gateway(call: &mut Call, input: shape::DeleteInternetGatewayRequest) -> Result<ReturnTrue> {
    let ch = internet_gateway::delete(call.state(), &call.ctx, &input.internet_gateway_id)?;
    call.commit(ch)?;
    Ok(ReturnTrue)
}

pub(crate) fn attach_internet_gateway(call: &mut Call, input: shape::AttachInternetGatewayRequest) -> Result<ReturnTrue> {
    let ch = internet_gateway::attach(call.state(), &call.ctx, &input.internet_gateway_id, &input.vpc_id)?;
    call.commit(ch)?;
    Ok(ReturnTrue)
}

pub(crate) fn detach_internet_gateway(call: &mut Call, input: shape::DetachInternetGatewayRequest) -> Result<ReturnTrue> {
    let ch = internet_gateway::detach(call.state(), &call.ctx, &input.internet_gateway_id, &input.vpc_id)?;
    call.commit(ch)?;
    Ok(ReturnTrue)
}

pub(crate) fn describe_internet_gateways(call: &mut Call, input: shape::DescribeInternetGatewaysRequest) -> Result<shape::DescribeInternetGatewaysResult> {
    let ids = input.internet_gateway_ids;
    let fs = filter_list(&input.filters);
    let s = call.state();
    let mine = |x: &&InternetGateway| x.owner == call.ctx.account && x.region == call.ctx.region;
    require_all(&ids, |id| s.internet_gateways.get(id).is_some_and(|x| mine(&x)), IdKind::InternetGateway)?;
    let out = internet_gateway::FILTERS.select(&fs, s, &call.ctx, s.internet_gateways.scope(&call.ctx).filter(|x| ids.is_empty() || ids.contains(&x.id)))?;
    let (page, next) = paginate_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), |x| x.id.clone(), (5, 1000))?;
    Ok(shape::DescribeInternetGatewaysResult { internet_gateways: page.into_iter().map(igw_shape).collect(), next_token: next })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape_coverage::missing;

    #[test]
    fn describe_internet_gateways_carries_every_member() {
        let w = xvpc_model::populated::world();
        let gateways: Vec<_> = w.state.internet_gateways.scope(&w.ctx).map(igw_shape).collect();
        assert!(gateways.iter().any(|g| !g.attachments.is_empty()), "the world has an attached gateway");
        let out = shape::DescribeInternetGatewaysResult { internet_gateways: gateways, next_token: Some("token".into()) };
        let xml = xvpc_wire::xml_output::body(&out);
        assert_eq!(missing("ec2", "DescribeInternetGatewaysResult", &xml), Vec::<String>::new());
        assert!(xml.contains("<attachmentSet><item><state>available</state><vpcId>vpc-"), "{xml}");
    }
}
