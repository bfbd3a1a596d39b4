//! VPC Block Public Access actions: the account's options per Region and
//! the exclusions of VPCs and subnets.

use xvpc_model::block_public_access::{self as bpa, BlockMode, BlockPublicAccessExclusion, ExclusionMode};
use xvpc_model::{IdKind, State};
use xvpc_wire::shapes::ec2::{self as shape, ops};
use xvpc_wire::Timestamp;

use super::{filter_list, paginate_by, require_all, tag_set, tags_from_specs};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::ModifyVpcBlockPublicAccessOptions, modify_options),
    crate::typed!(ops::DescribeVpcBlockPublicAccessOptions, describe_options),
    crate::typed!(ops::CreateVpcBlockPublicAccessExclusion, create_exclusion),
    crate::typed!(ops::DescribeVpcBlockPublicAccessExclusions, describe_exclusions),
    crate::typed!(ops::ModifyVpcBlockPublicAccessExclusion, modify_exclusion),
    crate::typed!(ops::DeleteVpcBlockPublicAccessExclusion, delete_exclusion),
];

fn block_mode(m: &shape::InternetGatewayBlockMode) -> BlockMode {
    match m {
        shape::InternetGatewayBlockMode::BlockBidirectional => BlockMode::BlockBidirectional,
        shape::InternetGatewayBlockMode::BlockIngress => BlockMode::BlockIngress,
        // The decoder refuses unlisted values.
        _ => BlockMode::Off,
    }
}

fn exclusion_mode(m: &shape::InternetGatewayExclusionMode) -> ExclusionMode {
    match m {
        shape::InternetGatewayExclusionMode::AllowEgress => ExclusionMode::AllowEgress,
        _ => ExclusionMode::AllowBidirectional,
    }
}

/// The options of the caller as AWS describes them: `default-state` until
/// first modified, then `update-complete` (changes apply at once in xvpc).
fn options_shape(s: &State, account: &str, region: &str, state: shape::VpcBlockPublicAccessState) -> shape::VpcBlockPublicAccessOptions {
    let o = bpa::options(s, account, region);
    shape::VpcBlockPublicAccessOptions {
        aws_account_id: Some(account.to_string()),
        aws_region: Some(region.to_string()),
        state: Some(if o.is_some() { state } else { shape::VpcBlockPublicAccessState::DefaultState }),
        internet_gateway_block_mode: Some(shape::InternetGatewayBlockMode::from(bpa::mode(s, account, region).as_str())),
        reason: None,
        last_update_timestamp: o.map(|o| Timestamp(o.updated_at)),
        managed_by: Some(shape::ManagedBy::Account),
        exclusions_allowed: Some(shape::VpcBlockPublicAccessExclusionsAllowed::Allowed),
    }
}

/// The `BlockPublicAccessStates` a VPC or subnet describes: the mode in
/// force for it, its exclusion counted (`off` under an
/// `allow-bidirectional` one, `block-ingress` under an `allow-egress` one).
pub fn states_shape(s: &State, vpc: &xvpc_model::vpc::Vpc, subnet_id: Option<&str>) -> Option<shape::BlockPublicAccessStates> {
    let e = bpa::effect(s, vpc, subnet_id.unwrap_or(""));
    let mode = match (e.mode, e.exclusion.map(|x| x.mode)) {
        (BlockMode::Off, _) | (_, Some(ExclusionMode::AllowBidirectional)) => shape::BlockPublicAccessMode::Off,
        (BlockMode::BlockIngress, _) | (BlockMode::BlockBidirectional, Some(ExclusionMode::AllowEgress)) => shape::BlockPublicAccessMode::BlockIngress,
        (BlockMode::BlockBidirectional, None) => shape::BlockPublicAccessMode::BlockBidirectional,
    };
    Some(shape::BlockPublicAccessStates { internet_gateway_block_mode: Some(mode) })
}

fn exclusion_shape(x: &BlockPublicAccessExclusion, fresh: Option<shape::VpcBlockPublicAccessExclusionState>) -> shape::VpcBlockPublicAccessExclusion {
    let state = fresh.unwrap_or_else(|| shape::VpcBlockPublicAccessExclusionState::from(x.state().as_str()));
    shape::VpcBlockPublicAccessExclusion {
        exclusion_id: Some(x.id.clone()),
        internet_gateway_exclusion_mode: Some(shape::InternetGatewayExclusionMode::from(x.mode.as_str())),
        resource_arn: Some(x.resource_arn()),
        state: Some(state),
        reason: None,
        creation_timestamp: Some(Timestamp(x.created_at)),
        last_update_timestamp: Some(Timestamp(x.updated_at)),
        deletion_timestamp: x.deleted_at.map(Timestamp),
        tags: tag_set(&x.tags),
    }
}

fn modify_options(call: &mut Call, input: shape::ModifyVpcBlockPublicAccessOptionsRequest) -> Result<shape::ModifyVpcBlockPublicAccessOptionsResult> {
    call.commit(bpa::modify_options(&call.ctx, block_mode(&input.internet_gateway_block_mode)))?;
    let (account, region) = (call.ctx.account.clone(), call.ctx.region.clone());
    let o = options_shape(call.state(), &account, &region, shape::VpcBlockPublicAccessState::UpdateInProgress);
    Ok(shape::ModifyVpcBlockPublicAccessOptionsResult { vpc_block_public_access_options: Some(o) })
}

fn describe_options(call: &mut Call, _input: shape::DescribeVpcBlockPublicAccessOptionsRequest) -> Result<shape::DescribeVpcBlockPublicAccessOptionsResult> {
    let o = options_shape(call.state(), &call.ctx.account, &call.ctx.region, shape::VpcBlockPublicAccessState::UpdateComplete);
    Ok(shape::DescribeVpcBlockPublicAccessOptionsResult { vpc_block_public_access_options: Some(o) })
}

fn create_exclusion(call: &mut Call, input: shape::CreateVpcBlockPublicAccessExclusionRequest) -> Result<shape::CreateVpcBlockPublicAccessExclusionResult> {
    let tags = tags_from_specs(&input.tag_specifications, "vpc-block-public-access-exclusion")?;
    let mode = exclusion_mode(&input.internet_gateway_exclusion_mode);
    let (ch, id) = bpa::create_exclusion(call.state(), &call.ctx, input.vpc_id.as_deref(), input.subnet_id.as_deref(), mode, tags)?;
    call.commit(ch)?;
    let x = exclusion_shape(&call.state().block_public_access_exclusions[&id], Some(shape::VpcBlockPublicAccessExclusionState::CreateInProgress));
    Ok(shape::CreateVpcBlockPublicAccessExclusionResult { vpc_block_public_access_exclusion: Some(x) })
}

fn describe_exclusions(call: &mut Call, input: shape::DescribeVpcBlockPublicAccessExclusionsRequest) -> Result<shape::DescribeVpcBlockPublicAccessExclusionsResult> {
    let ids = input.exclusion_ids;
    let fs = filter_list(&input.filters);
    let s = call.state();
    let mine = |x: &&BlockPublicAccessExclusion| x.owner == call.ctx.account && x.region == call.ctx.region;
    require_all(&ids, |id| s.block_public_access_exclusions.get(id).is_some_and(|x| mine(&x)), IdKind::VpcBlockPublicAccessExclusion)?;
    let rows = s.block_public_access_exclusions.scope(&call.ctx).filter(|x| ids.is_empty() || ids.contains(&x.id));
    let out = bpa::FILTERS.select(&fs, s, &call.ctx, rows)?;
    let (page, next) = paginate_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), |x| x.id.clone(), (5, 1000))?;
    Ok(shape::DescribeVpcBlockPublicAccessExclusionsResult {
        vpc_block_public_access_exclusions: page.into_iter().map(|x| exclusion_shape(x, None)).collect(),
        next_token: next,
    })
}

fn modify_exclusion(call: &mut Call, input: shape::ModifyVpcBlockPublicAccessExclusionRequest) -> Result<shape::ModifyVpcBlockPublicAccessExclusionResult> {
    let mode = exclusion_mode(&input.internet_gateway_exclusion_mode);
    let ch = bpa::modify_exclusion(call.state(), &call.ctx, &input.exclusion_id, mode)?;
    call.commit(ch)?;
    let x = exclusion_shape(&call.state().block_public_access_exclusions[&input.exclusion_id], Some(shape::VpcBlockPublicAccessExclusionState::UpdateInProgress));
    Ok(shape::ModifyVpcBlockPublicAccessExclusionResult { vpc_block_public_access_exclusion: Some(x) })
}

fn delete_exclusion(call: &mut Call, input: shape::DeleteVpcBlockPublicAccessExclusionRequest) -> Result<shape::DeleteVpcBlockPublicAccessExclusionResult> {
    let ch = bpa::delete_exclusion(call.state(), &call.ctx, &input.exclusion_id)?;
    call.commit(ch)?;
    let x = exclusion_shape(&call.state().block_public_access_exclusions[&input.exclusion_id], Some(shape::VpcBlockPublicAccessExclusionState::DeleteInProgress));
    Ok(shape::DeleteVpcBlockPublicAccessExclusionResult { vpc_block_public_access_exclusion: Some(x) })
}
