//! Transit gateway and VPC attachment actions: typed handlers over the
//! generated shapes. Route tables are in `transit_gateway_route_table.rs`.

use xvpc_model::filter::FilterTable;
use xvpc_model::state::Ctx;
use xvpc_model::transit_gateway::{
    self as tg, parse_flag, AttachmentState, CreateAttachment, CreateTransitGateway, ModifyAttachment, ModifyTransitGateway,
    TgwAttachment, TgwState, TransitGateway,
};
use xvpc_model::transit_gateway_route_table::AssociationState;
use xvpc_model::{IdKind, ModelError, State};
use xvpc_wire::shapes::ec2::{self as shape, ops};
use xvpc_wire::{EnumShape, Timestamp};

use super::{filter_list, paginate_by, require_all, tag_set, tags_from_specs};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::CreateTransitGateway, create_transit_gateway),
    crate::typed!(ops::DescribeTransitGateways, describe_transit_gateways),
    crate::typed!(ops::ModifyTransitGateway, modify_transit_gateway),
    crate::typed!(ops::DeleteTransitGateway, delete_transit_gateway),
    crate::typed!(ops::CreateTransitGatewayVpcAttachment, create_vpc_attachment),
    crate::typed!(ops::AcceptTransitGatewayVpcAttachment, accept_vpc_attachment),
    crate::typed!(ops::RejectTransitGatewayVpcAttachment, reject_vpc_attachment),
    crate::typed!(ops::DeleteTransitGatewayVpcAttachment, delete_vpc_attachment),
    crate::typed!(ops::ModifyTransitGatewayVpcAttachment, modify_vpc_attachment),
    crate::typed!(ops::DescribeTransitGatewayAttachments, describe_attachments),
    crate::typed!(ops::DescribeTransitGatewayVpcAttachments, describe_vpc_attachments),
];

/// An optional `enable`/`disable` option as a flag. The decoder admits
/// only the model's two values; the model's parser still names the
/// parameter if another ever came through.
fn flag<E: EnumShape>(v: &Option<E>, name: &str) -> Result<Option<bool>> {
    Ok(v.as_ref().map(|v| parse_flag(name, v.as_str())).transpose()?)
}

/// A flag as the `enable`/`disable` value of option type `E`.
fn en<E: for<'a> From<&'a str>>(b: bool) -> Option<E> {
    Some(E::from(if b { "enable" } else { "disable" }))
}

/// The `TransitGateway` structure as the caller sees it: tags are the
/// owner's only. `state` overrides the state shown (the create, modify and
/// delete responses' transitional states).
pub fn tgw_shape(t: &TransitGateway, ctx: &Ctx, state: Option<TgwState>) -> shape::TransitGateway {
    let o = &t.options;
    shape::TransitGateway {
        transit_gateway_id: Some(t.id.clone()),
        transit_gateway_arn: Some(t.arn()),
        state: Some(shape::TransitGatewayState::from(state.unwrap_or(t.state()).as_str())),
        owner_id: Some(t.owner.clone()),
        description: Some(t.description.clone()),
        creation_time: Some(Timestamp(t.created_at)),
        options: Some(shape::TransitGatewayOptions {
            amazon_side_asn: Some(o.amazon_side_asn),
            transit_gateway_cidr_blocks: o.cidr_blocks.clone(),
            auto_accept_shared_attachments: en(o.auto_accept_shared_attachments),
            default_route_table_association: en(o.default_route_table_association),
            association_default_route_table_id: o.association_default_route_table_id.clone(),
            default_route_table_propagation: en(o.default_route_table_propagation),
            propagation_default_route_table_id: o.propagation_default_route_table_id.clone(),
            vpn_ecmp_support: en(o.vpn_ecmp_support),
            dns_support: en(o.dns_support),
            security_group_referencing_support: en(o.security_group_referencing_support),
            multicast_support: en(o.multicast_support),
            // xvpc does not encrypt between VPCs.
            encryption_support: None,
        }),
        tags: if t.owner == ctx.account { tag_set(&t.tags) } else { Vec::new() },
    }
}

fn one_tgw(call: &Call, id: &str, state: Option<TgwState>) -> Option<shape::TransitGateway> {
    call.state().transit_gateways.get(id).map(|t| tgw_shape(t, &call.ctx, state))
}

pub(crate) fn create_transit_gateway(call: &mut Call, input: shape::CreateTransitGatewayRequest) -> Result<shape::CreateTransitGatewayResult> {
    let o = input.options.unwrap_or_default();
    let create = CreateTransitGateway {
        description: input.description,
        amazon_side_asn: o.amazon_side_asn,
        auto_accept_shared_attachments: flag(&o.auto_accept_shared_attachments, "AutoAcceptSharedAttachments")?,
        default_route_table_association: flag(&o.default_route_table_association, "DefaultRouteTableAssociation")?,
        default_route_table_propagation: flag(&o.default_route_table_propagation, "DefaultRouteTablePropagation")?,
        dns_support: flag(&o.dns_support, "DnsSupport")?,
        vpn_ecmp_support: flag(&o.vpn_ecmp_support, "VpnEcmpSupport")?,
        multicast_support: flag(&o.multicast_support, "MulticastSupport")?,
        security_group_referencing_support: flag(&o.security_group_referencing_support, "SecurityGroupReferencingSupport")?,
        cidr_blocks: o.transit_gateway_cidr_blocks,
        tags: tags_from_specs(&input.tag_specifications, "transit-gateway")?,
    };
    let (ch, id) = tg::create_transit_gateway(call.state(), &call.ctx, create)?;
    call.commit(ch)?;
    // AWS reports a new gateway `pending`; xvpc makes it available at once.
    Ok(shape::CreateTransitGatewayResult { transit_gateway: one_tgw(call, &id, Some(TgwState::Pending)) })
}

pub(crate) fn describe_transit_gateways(call: &mut Call, input: shape::DescribeTransitGatewaysRequest) -> Result<shape::DescribeTransitGatewaysResult> {
    let ids = input.transit_gateway_ids;
    let s = call.state();
    let ctx = &call.ctx;
    require_all(&ids, |id| s.transit_gateways.get(id).is_some_and(|t| tg::can_see(s, ctx, t)), IdKind::TransitGateway)?;
    let listed = s.transit_gateways.values().filter(|t| tg::can_see(s, ctx, t) && (ids.is_empty() || ids.contains(&t.id)));
    let out = tg::FILTERS.select(&filter_list(&input.filters), s, ctx, listed)?;
    let (page, next) = paginate_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), |t| t.id.clone(), (5, 1000))?;
    Ok(shape::DescribeTransitGatewaysResult { transit_gateways: page.into_iter().map(|t| tgw_shape(t, ctx, None)).collect(), next_token: next })
}

pub(crate) fn modify_transit_gateway(call: &mut Call, input: shape::ModifyTransitGatewayRequest) -> Result<shape::ModifyTransitGatewayResult> {
    let id = input.transit_gateway_id;
    let o = input.options.unwrap_or_default();
    let m = ModifyTransitGateway {
        description: input.description,
        amazon_side_asn: o.amazon_side_asn,
        auto_accept_shared_attachments: flag(&o.auto_accept_shared_attachments, "AutoAcceptSharedAttachments")?,
        default_route_table_association: flag(&o.default_route_table_association, "DefaultRouteTableAssociation")?,
        default_route_table_propagation: flag(&o.default_route_table_propagation, "DefaultRouteTablePropagation")?,
        association_default_route_table_id: o.association_default_route_table_id,
        propagation_default_route_table_id: o.propagation_default_route_table_id,
        dns_support: flag(&o.dns_support, "DnsSupport")?,
        vpn_ecmp_support: flag(&o.vpn_ecmp_support, "VpnEcmpSupport")?,
        security_group_referencing_support: flag(&o.security_group_referencing_support, "SecurityGroupReferencingSupport")?,
    };
    let ch = tg::modify_transit_gateway(call.state(), &call.ctx, &id, m)?;
    call.commit(ch)?;
    Ok(shape::ModifyTransitGatewayResult { transit_gateway: one_tgw(call, &id, Some(TgwState::Modifying)) })
}

pub(crate) fn delete_transit_gateway(call: &mut Call, input: shape::DeleteTransitGatewayRequest) -> Result<shape::DeleteTransitGatewayResult> {
    let id = input.transit_gateway_id;
    let ch = tg::delete_transit_gateway(call.state(), &call.ctx, &id)?;
    call.commit(ch)?;
    Ok(shape::DeleteTransitGatewayResult { transit_gateway: one_tgw(call, &id, Some(TgwState::Deleting)) })
}

/// The `TransitGatewayVpcAttachment` structure as the caller sees it (the
/// tags its account set). `state` overrides the stored state.
pub fn vpc_attachment_shape(a: &TgwAttachment, ctx: &Ctx, state: Option<AttachmentState>) -> shape::TransitGatewayVpcAttachment {
    let o = &a.options;
    shape::TransitGatewayVpcAttachment {
        transit_gateway_attachment_id: Some(a.id.clone()),
        transit_gateway_id: Some(a.transit_gateway_id.clone()),
        vpc_id: Some(a.vpc_id.clone()),
        vpc_owner_id: Some(a.owner.clone()),
        state: Some(shape::TransitGatewayAttachmentState::from(state.unwrap_or(a.state).as_str())),
        subnet_ids: a.subnet_ids.clone(),
        creation_time: Some(Timestamp(a.created_at)),
        options: Some(shape::TransitGatewayVpcAttachmentOptions {
            dns_support: en(o.dns_support),
            security_group_referencing_support: en(o.security_group_referencing_support),
            ipv6_support: en(o.ipv6_support),
            appliance_mode_support: en(o.appliance_mode_support),
        }),
        tags: tag_set(&a.tags_for(&ctx.account)),
    }
}

/// The `TransitGatewayAttachment` structure (DescribeTransitGatewayAttachments):
/// every attachment xvpc holds is a VPC attachment.
pub fn attachment_shape(a: &TgwAttachment, ctx: &Ctx) -> shape::TransitGatewayAttachment {
    shape::TransitGatewayAttachment {
        transit_gateway_attachment_id: Some(a.id.clone()),
        transit_gateway_id: Some(a.transit_gateway_id.clone()),
        transit_gateway_owner_id: Some(a.tgw_owner.clone()),
        resource_owner_id: Some(a.owner.clone()),
        resource_type: Some(shape::TransitGatewayAttachmentResourceType::Vpc),
        resource_id: Some(a.vpc_id.clone()),
        state: Some(shape::TransitGatewayAttachmentState::from(a.state.as_str())),
        association: a.association.as_ref().map(|r| shape::TransitGatewayAttachmentAssociation {
            transit_gateway_route_table_id: Some(r.clone()),
            state: Some(shape::TransitGatewayAssociationState::from(AssociationState::Associated.as_str())),
        }),
        creation_time: Some(Timestamp(a.created_at)),
        tags: tag_set(&a.tags_for(&ctx.account)),
    }
}

fn one_attachment(call: &Call, id: &str, state: AttachmentState) -> Option<shape::TransitGatewayVpcAttachment> {
    call.state().transit_gateway_attachments.get(id).map(|a| vpc_attachment_shape(a, &call.ctx, Some(state)))
}

/// The options of a create or modify request (the two shapes have the
/// same members).
fn attachment_options(
    dns: &Option<shape::DnsSupportValue>,
    ipv6: &Option<shape::Ipv6SupportValue>,
    appliance: &Option<shape::ApplianceModeSupportValue>,
    sgref: &Option<shape::SecurityGroupReferencingSupportValue>,
) -> Result<[Option<bool>; 4]> {
    Ok([flag(dns, "DnsSupport")?, flag(ipv6, "Ipv6Support")?, flag(appliance, "ApplianceModeSupport")?, flag(sgref, "SecurityGroupReferencingSupport")?])
}

pub(crate) fn create_vpc_attachment(
    call: &mut Call,
    input: shape::CreateTransitGatewayVpcAttachmentRequest,
) -> Result<shape::CreateTransitGatewayVpcAttachmentResult> {
    let o = input.options.unwrap_or_default();
    let [dns, ipv6, appliance, sgref] = attachment_options(&o.dns_support, &o.ipv6_support, &o.appliance_mode_support, &o.security_group_referencing_support)?;
    if input.subnet_ids.is_empty() {
        return Err(ModelError::MissingParameter("SubnetIds".into()).into());
    }
    let create = CreateAttachment {
        transit_gateway_id: input.transit_gateway_id,
        vpc_id: input.vpc_id,
        subnet_ids: input.subnet_ids,
        dns_support: dns,
        ipv6_support: ipv6,
        appliance_mode_support: appliance,
        security_group_referencing_support: sgref,
        tags: tags_from_specs(&input.tag_specifications, "transit-gateway-attachment")?,
    };
    let (ch, id) = tg::create_attachment(call.state(), &call.ctx, create)?;
    call.commit(ch)?;
    // AWS reports every new attachment `pending` first.
    Ok(shape::CreateTransitGatewayVpcAttachmentResult { transit_gateway_vpc_attachment: one_attachment(call, &id, AttachmentState::Pending) })
}

pub(crate) fn accept_vpc_attachment(
    call: &mut Call,
    input: shape::AcceptTransitGatewayVpcAttachmentRequest,
) -> Result<shape::AcceptTransitGatewayVpcAttachmentResult> {
    let id = input.transit_gateway_attachment_id;
    let ch = tg::accept_attachment(call.state(), &call.ctx, &id)?;
    call.commit(ch)?;
    Ok(shape::AcceptTransitGatewayVpcAttachmentResult { transit_gateway_vpc_attachment: one_attachment(call, &id, AttachmentState::Pending) })
}

fn reject_vpc_attachment(
    call: &mut Call,
    input: shape::RejectTransitGatewayVpcAttachmentRequest,
) -> Result<shape::RejectTransitGatewayVpcAttachmentResult> {
    let id = input.transit_gateway_attachment_id;
    let ch = tg::reject_attachment(call.state(), &call.ctx, &id)?;
    call.commit(ch)?;
    Ok(shape::RejectTransitGatewayVpcAttachmentResult { transit_gateway_vpc_attachment: one_attachment(call, &id, AttachmentState::Rejecting) })
}

pub(crate) fn delete_vpc_attachment(
    call: &mut Call,
    input: shape::DeleteTransitGatewayVpcAttachmentRequest,
) -> Result<shape::DeleteTransitGatewayVpcAttachmentResult> {
    let id = input.transit_gateway_attachment_id;
    let was = tg::visible_attachment(call.state(), &call.ctx, &id)?.state;
    let ch = tg::delete_attachment(call.state(), &call.ctx, &id)?;
    call.commit(ch)?;
    let shown = if was == AttachmentState::Deleted { AttachmentState::Deleted } else { AttachmentState::Deleting };
    Ok(shape::DeleteTransitGatewayVpcAttachmentResult { transit_gateway_vpc_attachment: one_attachment(call, &id, shown) })
}

pub(crate) fn modify_vpc_attachment(
    call: &mut Call,
    input: shape::ModifyTransitGatewayVpcAttachmentRequest,
) -> Result<shape::ModifyTransitGatewayVpcAttachmentResult> {
    let id = input.transit_gateway_attachment_id;
    let o = input.options.unwrap_or_default();
    let [dns, ipv6, appliance, sgref] = attachment_options(&o.dns_support, &o.ipv6_support, &o.appliance_mode_support, &o.security_group_referencing_support)?;
    let m = ModifyAttachment {
        add_subnet_ids: input.add_subnet_ids,
        remove_subnet_ids: input.remove_subnet_ids,
        dns_support: dns,
        ipv6_support: ipv6,
        appliance_mode_support: appliance,
        security_group_referencing_support: sgref,
    };
    let ch = tg::modify_attachment(call.state(), &call.ctx, &id, m)?;
    call.commit(ch)?;
    Ok(shape::ModifyTransitGatewayVpcAttachmentResult { transit_gateway_vpc_attachment: one_attachment(call, &id, AttachmentState::Modifying) })
}

/// Attachments the caller may see among `ids` (all when empty), filtered
/// with the call's own table.
fn visible_attachments<'a>(
    s: &'a State,
    ctx: &Ctx,
    ids: &[String],
    filters: &[shape::Filter],
    table: &FilterTable<TgwAttachment>,
) -> Result<Vec<&'a TgwAttachment>> {
    require_all(ids, |id| s.transit_gateway_attachments.get(id).is_some_and(|a| a.visible_to(ctx)), IdKind::TransitGatewayAttachment)?;
    let listed = s.transit_gateway_attachments.values().filter(|a| a.visible_to(ctx) && (ids.is_empty() || ids.contains(&a.id)));
    Ok(table.select(&filter_list(filters), s, ctx, listed)?)
}

pub(crate) fn describe_vpc_attachments(
    call: &mut Call,
    input: shape::DescribeTransitGatewayVpcAttachmentsRequest,
) -> Result<shape::DescribeTransitGatewayVpcAttachmentsResult> {
    let ctx = &call.ctx;
    let out = visible_attachments(call.state(), ctx, &input.transit_gateway_attachment_ids, &input.filters, &tg::VPC_ATTACHMENT_FILTERS)?;
    let (page, next) = paginate_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), |a| a.id.clone(), (5, 1000))?;
    Ok(shape::DescribeTransitGatewayVpcAttachmentsResult {
        transit_gateway_vpc_attachments: page.into_iter().map(|a| vpc_attachment_shape(a, ctx, None)).collect(),
        next_token: next,
    })
}

pub(crate) fn describe_attachments(
    call: &mut Call,
    input: shape::DescribeTransitGatewayAttachmentsRequest,
) -> Result<shape::DescribeTransitGatewayAttachmentsResult> {
    let ctx = &call.ctx;
    let out = visible_attachments(call.state(), ctx, &input.transit_gateway_attachment_ids, &input.filters, &tg::ATTACHMENT_FILTERS)?;
    let (page, next) = paginate_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), |a| a.id.clone(), (5, 1000))?;
    Ok(shape::DescribeTransitGatewayAttachmentsResult {
        transit_gateway_attachments: page.into_iter().map(|a| attachment_shape(a, ctx)).collect(),
        next_token: next,
    })
}

#[cfg(test)]
#[path = "transit_gateway_tests.rs"]
mod tests;
