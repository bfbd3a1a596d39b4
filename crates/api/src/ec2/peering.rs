//! VPC peering actions, and DescribeStaleSecurityGroups (rules left stale
//! when a peering goes away): typed handlers over the generated shapes.

use xvpc_model::peering::{self, CreatePeering, OptionsChange, PeerSide, PeeringOptions, Status, VpcPeeringConnection};
use xvpc_model::security_group::{RulePeer, SgRule};
use xvpc_model::stale_groups::StaleGroup;
use xvpc_model::state::Ctx;
use xvpc_model::{IdKind, ModelError, State};
use xvpc_wire::shapes::ec2::{self as shape, ops};
use xvpc_wire::Timestamp;

use super::{filter_list, paginate_by, require_all, tag_set, tags_from_specs};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::CreateVpcPeeringConnection, create_vpc_peering_connection),
    crate::typed!(ops::AcceptVpcPeeringConnection, accept_vpc_peering_connection),
    crate::typed!(ops::RejectVpcPeeringConnection, reject_vpc_peering_connection),
    crate::typed!(ops::DeleteVpcPeeringConnection, delete_vpc_peering_connection),
    crate::typed!(ops::DescribeVpcPeeringConnections, describe_vpc_peering_connections),
    crate::typed!(ops::ModifyVpcPeeringConnectionOptions, modify_vpc_peering_connection_options),
    crate::typed!(ops::DescribeStaleSecurityGroups, describe_stale_security_groups),
];

/// `PeeringStatus` of a security group reference across a peering.
pub fn peering_status(state: &State, id: &str) -> &'static str {
    peering::reference_status(state, id).as_str()
}

/// A side's options. The ClassicLink options are always off: EC2-Classic
/// is gone, and AWS still reports them as `false`.
fn options_shape(o: &PeeringOptions) -> shape::VpcPeeringConnectionOptionsDescription {
    shape::VpcPeeringConnectionOptionsDescription {
        allow_dns_resolution_from_remote_vpc: Some(o.allow_dns_resolution_from_remote_vpc),
        allow_egress_from_local_classic_link_to_remote_vpc: Some(false),
        allow_egress_from_local_vpc_to_remote_classic_link: Some(false),
    }
}

/// `requesterVpcInfo` / `accepterVpcInfo`. The accepter's blocks and
/// options are shown once the connection is active, as AWS does (a pending
/// request shows only the accepter's owner, VPC and region).
fn side_shape(p: &VpcPeeringConnection, side: &PeerSide, full: bool, state: &State) -> shape::VpcPeeringConnectionVpcInfo {
    let mut info = shape::VpcPeeringConnectionVpcInfo {
        owner_id: Some(side.owner.clone()),
        vpc_id: Some(side.vpc_id.clone()),
        region: Some(side.region.clone()),
        ..Default::default()
    };
    if full {
        let cidrs = p.cidrs(state, side);
        info.cidr_block = cidrs.first().map(|c| c.to_string());
        info.cidr_block_set = cidrs.iter().map(|c| shape::CidrBlock { cidr_block: Some(c.to_string()) }).collect();
        info.ipv6_cidr_block_set = p.ipv6_cidrs(state, side).iter().map(|c| shape::Ipv6CidrBlock { ipv6_cidr_block: Some(c.to_string()) }).collect();
        info.peering_options = Some(options_shape(&side.options));
    }
    info
}

/// The `VpcPeeringConnection` structure as the caller sees it (its own
/// tags). `status` overrides the code shown (the create response's
/// `initiating-request`).
fn pcx_shape(state: &State, ctx: &Ctx, p: &VpcPeeringConnection, status: Option<Status>) -> shape::VpcPeeringConnection {
    let now = ctx.now;
    let code = status.unwrap_or_else(|| p.status(now));
    let message = match code {
        Status::InitiatingRequest => format!("Initiating Request to {}", p.accepter.owner),
        _ => p.status_message(now),
    };
    shape::VpcPeeringConnection {
        accepter_vpc_info: Some(side_shape(p, &p.accepter, p.status(now) == Status::Active, state)),
        expiration_time: p.expiration_time(now).map(Timestamp),
        requester_vpc_info: Some(side_shape(p, &p.requester, true, state)),
        status: Some(shape::VpcPeeringConnectionStateReason {
            code: Some(shape::VpcPeeringConnectionStateReasonCode::from(code.code())),
            message: Some(message),
        }),
        tags: p.tags_for(&ctx.account, &ctx.region).map(tag_set).unwrap_or_default(),
        vpc_peering_connection_id: Some(p.id.clone()),
    }
}

fn one_pcx(call: &Call, id: &str, status: Option<Status>) -> Option<shape::VpcPeeringConnection> {
    call.state().peering_connections.get(id).map(|p| pcx_shape(call.state(), &call.ctx, p, status))
}

pub(crate) fn create_vpc_peering_connection(
    call: &mut Call,
    input: shape::CreateVpcPeeringConnectionRequest,
) -> Result<shape::CreateVpcPeeringConnectionResult> {
    // Optional in the model, but AWS refuses a request without it.
    let peer_vpc_id = input.peer_vpc_id.ok_or_else(|| ModelError::MissingParameter("PeerVpcId".into()))?;
    let create = CreatePeering {
        vpc_id: input.vpc_id,
        peer_vpc_id,
        peer_owner_id: input.peer_owner_id,
        peer_region: input.peer_region,
        tags: tags_from_specs(&input.tag_specifications, "vpc-peering-connection")?,
    };
    let (ch, id) = peering::create(call.state(), &call.ctx, create)?;
    call.commit(ch)?;
    // AWS answers `initiating-request` while the request travels to the
    // accepter; describing it then shows `pending-acceptance`.
    let shown = match call.state().peering_connections[&id].status(call.ctx.now) {
        Status::PendingAcceptance => Some(Status::InitiatingRequest),
        _ => None,
    };
    Ok(shape::CreateVpcPeeringConnectionResult { vpc_peering_connection: one_pcx(call, &id, shown) })
}

pub(crate) fn accept_vpc_peering_connection(
    call: &mut Call,
    input: shape::AcceptVpcPeeringConnectionRequest,
) -> Result<shape::AcceptVpcPeeringConnectionResult> {
    let id = input.vpc_peering_connection_id;
    let ch = peering::accept(call.state(), &call.ctx, &id)?;
    call.commit(ch)?;
    Ok(shape::AcceptVpcPeeringConnectionResult { vpc_peering_connection: one_pcx(call, &id, None) })
}

fn reject_vpc_peering_connection(call: &mut Call, input: shape::RejectVpcPeeringConnectionRequest) -> Result<shape::RejectVpcPeeringConnectionResult> {
    let ch = peering::reject(call.state(), &call.ctx, &input.vpc_peering_connection_id)?;
    call.commit(ch)?;
    Ok(shape::RejectVpcPeeringConnectionResult { return_: Some(true) })
}

pub(crate) fn delete_vpc_peering_connection(call: &mut Call, input: shape::DeleteVpcPeeringConnectionRequest) -> Result<shape::DeleteVpcPeeringConnectionResult> {
    let ch = peering::delete(call.state(), &call.ctx, &input.vpc_peering_connection_id)?;
    call.commit(ch)?;
    Ok(shape::DeleteVpcPeeringConnectionResult { return_: Some(true) })
}

pub(crate) fn describe_vpc_peering_connections(
    call: &mut Call,
    input: shape::DescribeVpcPeeringConnectionsRequest,
) -> Result<shape::DescribeVpcPeeringConnectionsResult> {
    let ids = input.vpc_peering_connection_ids;
    let s = call.state();
    let (account, region, now) = (&call.ctx.account, &call.ctx.region, call.ctx.now);
    let seen = |x: &&VpcPeeringConnection| x.visible_to(account, region, now);
    require_all(&ids, |id| s.peering_connections.get(id).is_some_and(|x| seen(&x)), IdKind::VpcPeeringConnection)?;
    let listed = s.peering_connections.values().filter(seen).filter(|x| ids.is_empty() || ids.contains(&x.id));
    let out = peering::FILTERS.select(&filter_list(&input.filters), s, &call.ctx, listed)?;
    let (page, next) = paginate_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), |x| x.id.clone(), (5, 1000))?;
    Ok(shape::DescribeVpcPeeringConnectionsResult {
        vpc_peering_connections: page.into_iter().map(|x| pcx_shape(s, &call.ctx, x, None)).collect(),
        next_token: next,
    })
}

/// A side's requested options over its current ones (`None`: not asked).
fn options_change(req: Option<shape::PeeringConnectionOptionsRequest>, current: &PeeringOptions) -> Option<PeeringOptions> {
    req.map(|r| PeeringOptions {
        allow_dns_resolution_from_remote_vpc: r.allow_dns_resolution_from_remote_vpc.unwrap_or(current.allow_dns_resolution_from_remote_vpc),
    })
}

pub(crate) fn modify_vpc_peering_connection_options(
    call: &mut Call,
    input: shape::ModifyVpcPeeringConnectionOptionsRequest,
) -> Result<shape::ModifyVpcPeeringConnectionOptionsResult> {
    let id = input.vpc_peering_connection_id;
    let current = peering::visible(call.state(), &call.ctx, &id)?;
    let change = OptionsChange {
        requester: options_change(input.requester_peering_connection_options, &current.requester.options),
        accepter: options_change(input.accepter_peering_connection_options, &current.accepter.options),
    };
    if change.requester.is_none() && change.accepter.is_none() {
        return Err(ModelError::MissingParameter("requesterPeeringConnectionOptions or accepterPeeringConnectionOptions".into()).into());
    }
    let (ch, after) = peering::modify_options(call.state(), &call.ctx, &id, change.clone())?;
    call.commit(ch)?;
    // Each side's options as `PeeringConnectionOptions`, only for the sides asked.
    let shown = |asked: bool, o: &PeeringOptions| {
        asked.then(|| {
            let d = options_shape(o);
            shape::PeeringConnectionOptions {
                allow_dns_resolution_from_remote_vpc: d.allow_dns_resolution_from_remote_vpc,
                allow_egress_from_local_classic_link_to_remote_vpc: d.allow_egress_from_local_classic_link_to_remote_vpc,
                allow_egress_from_local_vpc_to_remote_classic_link: d.allow_egress_from_local_vpc_to_remote_classic_link,
            }
        })
    };
    Ok(shape::ModifyVpcPeeringConnectionOptionsResult {
        accepter_peering_connection_options: shown(change.accepter.is_some(), &after.accepter.options),
        requester_peering_connection_options: shown(change.requester.is_some(), &after.requester.options),
    })
}

/// A stale rule: its ports and the group it references.
fn stale_rule(state: &State, r: &SgRule) -> shape::StaleIpPermission {
    let pair = match &r.peer {
        RulePeer::Group { group_id, user_id, vpc_id, peering_id } => Some(shape::UserIdGroupPair {
            description: r.description.clone(),
            group_id: Some(group_id.clone()),
            // AWS omits the owner once the referenced group is gone.
            user_id: state.security_groups.contains_key(group_id).then(|| user_id.clone()),
            vpc_id: vpc_id.clone(),
            vpc_peering_connection_id: peering_id.clone(),
            peering_status: peering_id.as_deref().map(|id| peering_status(state, id).to_string()),
            group_name: None,
        }),
        _ => None,
    };
    shape::StaleIpPermission {
        from_port: r.from_port,
        ip_protocol: Some(r.protocol.sg_form().into_owned()),
        to_port: r.to_port,
        user_id_group_pairs: pair.into_iter().collect(),
        ..Default::default()
    }
}

fn describe_stale_security_groups(
    call: &mut Call,
    input: shape::DescribeStaleSecurityGroupsRequest,
) -> Result<shape::DescribeStaleSecurityGroupsResult> {
    let state = call.state();
    let groups = xvpc_model::stale_groups::stale_groups(state, &call.ctx, &input.vpc_id)?;
    let (page, next) = paginate_by(groups, input.max_results.map(i64::from), input.next_token.as_deref(), |g| g.group.id.clone(), (5, 255))?;
    let stale = page.iter().map(|g| stale_group_shape(state, g)).collect();
    Ok(shape::DescribeStaleSecurityGroupsResult { next_token: next, stale_security_group_set: stale })
}

/// A group with its stale rules, as DescribeStaleSecurityGroups lists it.
fn stale_group_shape(state: &State, g: &StaleGroup) -> shape::StaleSecurityGroup {
    shape::StaleSecurityGroup {
        description: Some(g.group.description.clone()),
        group_id: Some(g.group.id.clone()),
        group_name: Some(g.group.name.clone()),
        stale_ip_permissions: g.ingress.iter().map(|r| stale_rule(state, r)).collect(),
        stale_ip_permissions_egress: g.egress.iter().map(|r| stale_rule(state, r)).collect(),
        vpc_id: Some(g.group.vpc_id.clone()),
    }
}

#[cfg(test)]
#[path = "peering_tests.rs"]
mod tests;
