//! VPC actions: typed handlers (the pilot of the generated shapes, see
//! HACKING.md "Converting a handler").

use xvpc_model::vpc::{self, CidrBlock, CreateVpc, Vpc, VpcAttribute};
use xvpc_model::IdKind;
use xvpc_wire::shape::ReturnTrue;
use xvpc_wire::shapes::ec2::{self as shape, ops};

use super::{filter_list, paginate_by, require_all, tag_set, tags_from_specs};
use crate::call::QueryHandler;
use crate::call::Call;
use crate::errors::{client, Result};

pub const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::CreateVpc, create_vpc),
    crate::typed!(ops::DeleteVpc, delete_vpc),
    crate::typed!(ops::DescribeVpcs, describe_vpcs),
    crate::typed!(ops::ModifyVpcAttribute, modify_vpc_attribute),
    crate::typed!(ops::DescribeVpcAttribute, describe_vpc_attribute),
    crate::typed!(ops::AssociateVpcCidrBlock, associate_vpc_cidr_block),
    crate::typed!(ops::DisassociateVpcCidrBlock, disassociate_vpc_cidr_block),
];

/// The `Vpc` structure AWS describes for a VPC.
pub fn vpc_shape(v: &Vpc) -> shape::Vpc {
    shape::Vpc {
        vpc_id: Some(v.id.clone()),
        owner_id: Some(v.owner.clone()),
        state: Some(shape::VpcState::Available),
        cidr_block: Some(v.primary_cidr().to_string()),
        cidr_block_association_set: v.cidr_blocks.iter().map(|b| cidr_association(b, shape::VpcCidrBlockStateCode::Associated)).collect(),
        dhcp_options_id: Some(v.dhcp_options_id.clone()),
        instance_tenancy: Some(shape::Tenancy::from(v.instance_tenancy.as_str())),
        is_default: Some(v.is_default),
        tags: tag_set(&v.tags),
        ..Default::default()
    }
}

fn cidr_association(b: &CidrBlock, state: shape::VpcCidrBlockStateCode) -> shape::VpcCidrBlockAssociation {
    shape::VpcCidrBlockAssociation {
        association_id: Some(b.association_id.clone()),
        cidr_block: Some(b.cidr.to_string()),
        cidr_block_state: Some(shape::VpcCidrBlockState { state: Some(state), status_message: None }),
    }
}

fn create_vpc(call: &mut Call, input: shape::CreateVpcRequest) -> Result<shape::CreateVpcResult> {
    if input.ipv4_ipam_pool_id.is_some() {
        return Err(client("InvalidParameterValue", "IPAM pools are not supported by xvpc"));
    }
    let cidr = input.cidr_block.ok_or_else(|| client("MissingParameter", "The request must contain the parameter CidrBlock"))?;
    let create = CreateVpc {
        cidr,
        instance_tenancy: input.instance_tenancy.map(|t| t.as_str().to_string()),
        tags: tags_from_specs(&input.tag_specifications, "vpc")?,
    };
    let (ch, id) = vpc::create_vpc(call.state(), &call.ctx, create)?;
    call.commit(ch)?;
    // A new VPC is reported `pending` in the create response, as AWS does.
    let vpc = shape::Vpc { state: Some(shape::VpcState::Pending), ..vpc_shape(&call.state().vpcs[&id]) };
    Ok(shape::CreateVpcResult { vpc: Some(vpc) })
}

fn delete_vpc(call: &mut Call, input: shape::DeleteVpcRequest) -> Result<ReturnTrue> {
    let ch = vpc::delete_vpc(call.state(), &call.ctx, &input.vpc_id)?;
    call.commit(ch)?;
    Ok(ReturnTrue)
}

fn describe_vpcs(call: &mut Call, input: shape::DescribeVpcsRequest) -> Result<shape::DescribeVpcsResult> {
    let ids = input.vpc_ids;
    let fs = filter_list(&input.filters);
    let s = call.state();
    let mine = |v: &&Vpc| v.owner == call.ctx.account && v.region == call.ctx.region;
    require_all(&ids, |id| s.vpcs.get(id).is_some_and(|v| mine(&v)), IdKind::Vpc)?;
    if !ids.is_empty() && input.max_results.is_some() {
        return Err(client("InvalidParameterCombination", "The parameter vpcIdsSet cannot be used with the parameter maxResults"));
    }
    let out = vpc::FILTERS.select(&fs, s, &call.ctx, s.vpcs.scope(&call.ctx).filter(|v| ids.is_empty() || ids.contains(&v.id)))?;
    let (page, next) = paginate_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), |v| v.id.clone(), (5, 1000))?;
    Ok(shape::DescribeVpcsResult { vpcs: page.into_iter().map(vpc_shape).collect(), next_token: next })
}

fn modify_vpc_attribute(call: &mut Call, input: shape::ModifyVpcAttributeRequest) -> Result<ReturnTrue> {
    let id = input.vpc_id.as_str();
    let value = |a: &Option<shape::AttributeBooleanValue>| a.as_ref().and_then(|a| a.value);
    let attr = match (value(&input.enable_dns_support), value(&input.enable_dns_hostnames), input.enable_network_address_usage_metrics.is_some()) {
        (Some(b), None, false) => VpcAttribute::EnableDnsSupport(b),
        (None, Some(b), false) => VpcAttribute::EnableDnsHostnames(b),
        (None, None, true) => {
            // Accepted and ignored: it has no effect on routing.
            xvpc_model::state::owned(&call.state().vpcs, &call.ctx, IdKind::Vpc, id)?;
            return Ok(ReturnTrue);
        }
        (None, None, false) => return Err(client("MissingParameter", "The request must contain the parameter EnableDnsSupport or EnableDnsHostnames")),
        _ => return Err(client("InvalidParameterCombination", "Fields for multiple attribute types specified: enableDnsSupport, enableDnsHostnames")),
    };
    let ch = vpc::modify_attribute(call.state(), &call.ctx, id, attr)?;
    call.commit(ch)?;
    Ok(ReturnTrue)
}

fn describe_vpc_attribute(call: &mut Call, input: shape::DescribeVpcAttributeRequest) -> Result<shape::DescribeVpcAttributeResult> {
    use shape::VpcAttributeName as Name;
    let v = xvpc_model::state::owned(&call.state().vpcs, &call.ctx, IdKind::Vpc, &input.vpc_id)?;
    let value = |b: bool| Some(shape::AttributeBooleanValue { value: Some(b) });
    let mut out = shape::DescribeVpcAttributeResult { vpc_id: Some(v.id.clone()), ..Default::default() };
    match input.attribute {
        Name::EnableDnsSupport => out.enable_dns_support = value(v.enable_dns_support),
        Name::EnableDnsHostnames => out.enable_dns_hostnames = value(v.enable_dns_hostnames),
        Name::EnableNetworkAddressUsageMetrics => out.enable_network_address_usage_metrics = value(false),
        // The decoder refuses values the model does not list.
        Name::Unlisted(other) => return Err(client("InvalidParameterValue", format!("Value ({other}) for parameter attribute is invalid. Unknown attribute."))),
    }
    Ok(out)
}

fn associate_vpc_cidr_block(call: &mut Call, input: shape::AssociateVpcCidrBlockRequest) -> Result<shape::AssociateVpcCidrBlockResult> {
    if input.amazon_provided_ipv6_cidr_block.unwrap_or(false) || input.ipv6_cidr_block.is_some() {
        return Err(client("InvalidParameterValue", "IPv6 CIDR blocks are not supported by xvpc"));
    }
    let cidr = input.cidr_block.ok_or_else(|| client("MissingParameter", "The request must contain the parameter CidrBlock"))?;
    let (ch, block) = vpc::associate_cidr(call.state(), &call.ctx, &input.vpc_id, &cidr)?;
    call.commit(ch)?;
    Ok(shape::AssociateVpcCidrBlockResult {
        vpc_id: Some(input.vpc_id),
        cidr_block_association: Some(cidr_association(&block, shape::VpcCidrBlockStateCode::Associating)),
        ipv6_cidr_block_association: None,
    })
}

fn disassociate_vpc_cidr_block(call: &mut Call, input: shape::DisassociateVpcCidrBlockRequest) -> Result<shape::DisassociateVpcCidrBlockResult> {
    let (ch, vpc_id, block) = vpc::disassociate_cidr(call.state(), &call.ctx, &input.association_id)?;
    call.commit(ch)?;
    Ok(shape::DisassociateVpcCidrBlockResult {
        vpc_id: Some(vpc_id),
        cidr_block_association: Some(cidr_association(&block, shape::VpcCidrBlockStateCode::Disassociating)),
        ipv6_cidr_block_association: None,
    })
}
