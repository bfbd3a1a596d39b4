//! VPC actions: typed handlers (the pilot of the generated shapes, see
//! HACKING.md "Converting a handler").

use xvpc_model::vpc::{self, CidrBlock, CreateVpc, Disassociated, Ipv6CidrBlock, Vpc, VpcAttribute};
use xvpc_model::{IdKind, ModelError};
use xvpc_wire::shape::ReturnTrue;
use xvpc_wire::shapes::ec2::{self as shape, ops};

use super::{filter_list, paginate_by, require_all, tag_set, tags_from_specs, unsupported};
use crate::call::QueryHandler;
use crate::call::Call;
use crate::errors::Result;

pub const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::CreateVpc, create_vpc),
    crate::typed!(ops::CreateDefaultVpc, create_default_vpc),
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
        ipv6_cidr_block_association_set: v.ipv6_cidr_blocks.iter().map(|b| ipv6_association(b, shape::VpcCidrBlockStateCode::Associated)).collect(),
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

/// An Amazon-provided IPv6 block as AWS describes it (a public range from
/// Amazon's pool).
fn ipv6_association(b: &Ipv6CidrBlock, state: shape::VpcCidrBlockStateCode) -> shape::VpcIpv6CidrBlockAssociation {
    shape::VpcIpv6CidrBlockAssociation {
        association_id: Some(b.association_id.clone()),
        ipv6_cidr_block: Some(b.cidr.to_string()),
        ipv6_cidr_block_state: Some(shape::VpcCidrBlockState { state: Some(state), status_message: None }),
        network_border_group: Some(b.network_border_group.clone()),
        ipv6_pool: Some(b.pool().to_string()),
        ipv6_address_attribute: Some(shape::Ipv6AddressAttribute::Public),
        ip_source: Some(shape::IpSource::Amazon),
    }
}

/// IPAM pools and BYOIP pools are not emulated: AWS would not find them.
fn refuse_pools(ipam4: Option<&String>, ipam6: Option<&String>, pool6: Option<&String>, cidr6: Option<&String>) -> Result<()> {
    if ipam4.is_some() || ipam6.is_some() {
        return Err(unsupported("IPAM pools"));
    }
    if let Some(p) = pool6 {
        return Err(ModelError::InvalidParameterValue(format!("The IPv6 pool '{p}' does not exist: only Amazon-provided IPv6 blocks are available")).into());
    }
    if cidr6.is_some() {
        // The reference: "You must also specify Ipv6Pool in the request."
        return Err(ModelError::MissingParameter("Ipv6Pool".into()).into());
    }
    Ok(())
}

pub(crate) fn create_vpc(call: &mut Call, input: shape::CreateVpcRequest) -> Result<shape::CreateVpcResult> {
    refuse_pools(input.ipv4_ipam_pool_id.as_ref(), input.ipv6_ipam_pool_id.as_ref(), input.ipv6_pool.as_ref(), input.ipv6_cidr_block.as_ref())?;
    let cidr = input.cidr_block.filter(|c| !c.is_empty()).ok_or_else(|| ModelError::MissingParameter("CidrBlock".into()))?;
    let create = CreateVpc {
        cidr,
        instance_tenancy: input.instance_tenancy.map(|t| t.as_str().to_string()),
        tags: tags_from_specs(&input.tag_specifications, "vpc")?,
        amazon_provided_ipv6_cidr_block: input.amazon_provided_ipv6_cidr_block.unwrap_or(false),
        ipv6_network_border_group: input.ipv6_cidr_block_network_border_group,
    };
    let (ch, id) = vpc::create_vpc(call.state(), &call.ctx, create)?;
    call.commit(ch)?;
    // A new VPC is reported `pending` in the create response, as AWS does.
    let vpc = shape::Vpc { state: Some(shape::VpcState::Pending), ..vpc_shape(&call.state().vpcs[&id]) };
    Ok(shape::CreateVpcResult { vpc: Some(vpc) })
}

pub(crate) fn create_default_vpc(call: &mut Call, _input: shape::CreateDefaultVpcRequest) -> Result<shape::CreateDefaultVpcResult> {
    let (ch, id) = xvpc_model::default_vpc::create_default_vpc(call.state(), &call.ctx)?;
    call.commit(ch)?;
    let vpc = shape::Vpc { state: Some(shape::VpcState::Pending), ..vpc_shape(&call.state().vpcs[&id]) };
    Ok(shape::CreateDefaultVpcResult { vpc: Some(vpc) })
}

pub(crate) fn delete_vpc(call: &mut Call, input: shape::DeleteVpcRequest) -> Result<ReturnTrue> {
    let ch = vpc::delete_vpc(call.state(), &call.ctx, &input.vpc_id)?;
    call.commit(ch)?;
    Ok(ReturnTrue)
}

pub(crate) fn describe_vpcs(call: &mut Call, input: shape::DescribeVpcsRequest) -> Result<shape::DescribeVpcsResult> {
    let ids = input.vpc_ids;
    let fs = filter_list(&input.filters);
    let s = call.state();
    let mine = |v: &&Vpc| v.owner == call.ctx.account && v.region == call.ctx.region;
    require_all(&ids, |id| s.vpcs.get(id).is_some_and(|v| mine(&v)), IdKind::Vpc)?;
    if !ids.is_empty() && input.max_results.is_some() {
        return Err(ModelError::InvalidParameterCombination("The parameter vpcIdsSet cannot be used with the parameter maxResults".into()).into());
    }
    let out = vpc::FILTERS.select(&fs, s, &call.ctx, s.vpcs.scope(&call.ctx).filter(|v| ids.is_empty() || ids.contains(&v.id)))?;
    let (page, next) = paginate_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), |v| v.id.clone(), (5, 1000))?;
    // The Block Public Access mode in force for each VPC, its exclusion counted.
    let described = |v: &Vpc| shape::Vpc { block_public_access_states: super::block_public_access::states_shape(s, v, None), ..vpc_shape(v) };
    Ok(shape::DescribeVpcsResult { vpcs: page.into_iter().map(described).collect(), next_token: next })
}

pub(crate) fn modify_vpc_attribute(call: &mut Call, input: shape::ModifyVpcAttributeRequest) -> Result<ReturnTrue> {
    let value = |a: &Option<shape::AttributeBooleanValue>| a.as_ref().and_then(|a| a.value);
    // One attribute per call, as AWS requires.
    let given: Vec<VpcAttribute> = [
        value(&input.enable_dns_support).map(VpcAttribute::EnableDnsSupport),
        value(&input.enable_dns_hostnames).map(VpcAttribute::EnableDnsHostnames),
        value(&input.enable_network_address_usage_metrics).map(VpcAttribute::EnableNetworkAddressUsageMetrics),
    ]
    .into_iter()
    .flatten()
    .collect();
    let attr = match given[..] {
        [one] => one,
        [] => return Err(ModelError::MissingParameter("EnableDnsSupport, EnableDnsHostnames or EnableNetworkAddressUsageMetrics".into()).into()),
        _ => return Err(ModelError::InvalidParameterCombination("Fields for multiple attribute types specified: enableDnsSupport, enableDnsHostnames, enableNetworkAddressUsageMetrics".into()).into()),
    };
    let ch = vpc::modify_attribute(call.state(), &call.ctx, &input.vpc_id, attr)?;
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
        Name::EnableNetworkAddressUsageMetrics => out.enable_network_address_usage_metrics = value(v.enable_network_address_usage_metrics),
        // The decoder refuses values the model does not list.
        Name::Unlisted(other) => return Err(ModelError::InvalidParameterValue(format!("Value ({other}) for parameter attribute is invalid. Unknown attribute.")).into()),
    }
    Ok(out)
}

pub(crate) fn associate_vpc_cidr_block(call: &mut Call, input: shape::AssociateVpcCidrBlockRequest) -> Result<shape::AssociateVpcCidrBlockResult> {
    refuse_pools(input.ipv4_ipam_pool_id.as_ref(), input.ipv6_ipam_pool_id.as_ref(), input.ipv6_pool.as_ref(), input.ipv6_cidr_block.as_ref())?;
    let amazon = input.amazon_provided_ipv6_cidr_block.unwrap_or(false);
    if amazon && input.cidr_block.is_some() {
        return Err(ModelError::InvalidParameterCombination("Only one of CidrBlock or AmazonProvidedIpv6CidrBlock may be specified".into()).into());
    }
    if amazon {
        let group = input.ipv6_cidr_block_network_border_group.as_deref();
        let (ch, block) = xvpc_model::vpc_ipv6::associate_amazon_provided(call.state(), &call.ctx, &input.vpc_id, group)?;
        call.commit(ch)?;
        return Ok(shape::AssociateVpcCidrBlockResult {
            vpc_id: Some(input.vpc_id),
            cidr_block_association: None,
            ipv6_cidr_block_association: Some(ipv6_association(&block, shape::VpcCidrBlockStateCode::Associating)),
        });
    }
    if input.ipv6_cidr_block_network_border_group.is_some() {
        return Err(ModelError::InvalidParameterCombination("The parameter Ipv6CidrBlockNetworkBorderGroup requires AmazonProvidedIpv6CidrBlock".into()).into());
    }
    let cidr = input.cidr_block.filter(|c| !c.is_empty()).ok_or_else(|| ModelError::MissingParameter("CidrBlock".into()))?;
    let (ch, block) = vpc::associate_cidr(call.state(), &call.ctx, &input.vpc_id, &cidr)?;
    call.commit(ch)?;
    Ok(shape::AssociateVpcCidrBlockResult {
        vpc_id: Some(input.vpc_id),
        cidr_block_association: Some(cidr_association(&block, shape::VpcCidrBlockStateCode::Associating)),
        ipv6_cidr_block_association: None,
    })
}

pub(crate) fn disassociate_vpc_cidr_block(call: &mut Call, input: shape::DisassociateVpcCidrBlockRequest) -> Result<shape::DisassociateVpcCidrBlockResult> {
    let (ch, vpc_id, block) = vpc::disassociate_cidr(call.state(), &call.ctx, &input.association_id)?;
    call.commit(ch)?;
    let state = shape::VpcCidrBlockStateCode::Disassociating;
    let (v4, v6) = match &block {
        Disassociated::V4(b) => (Some(cidr_association(b, state)), None),
        Disassociated::V6(b) => (None, Some(ipv6_association(b, state))),
    };
    Ok(shape::DisassociateVpcCidrBlockResult { vpc_id: Some(vpc_id), cidr_block_association: v4, ipv6_cidr_block_association: v6 })
}
