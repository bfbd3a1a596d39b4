//! Transit gateway and VPC attachment actions. Route tables are in
//! `transit_gateway_route_table.rs`.

use xvpc_model::filter::FilterTable;
use xvpc_model::state::Ctx;
use xvpc_model::tags::Tags;
use xvpc_model::transit_gateway::{
    self as tg, parse_flag, AttachmentState, CreateAttachment, CreateTransitGateway, ModifyAttachment, ModifyTransitGateway, TgwAttachment,
    TgwState, TransitGateway,
};
use xvpc_model::transit_gateway_route_table::AssociationState;
use xvpc_model::{IdKind, State};
use xvpc_wire::{QueryParams, XmlWriter};

use super::{filters, paginate, require_all, tag_specs, timestamp, write_tags};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const ACTIONS: &[(&str, QueryHandler)] = &[
    ("CreateTransitGateway", create_transit_gateway),
    ("DescribeTransitGateways", describe_transit_gateways),
    ("ModifyTransitGateway", modify_transit_gateway),
    ("DeleteTransitGateway", delete_transit_gateway),
    ("CreateTransitGatewayVpcAttachment", create_vpc_attachment),
    ("AcceptTransitGatewayVpcAttachment", accept_vpc_attachment),
    ("RejectTransitGatewayVpcAttachment", reject_vpc_attachment),
    ("DeleteTransitGatewayVpcAttachment", delete_vpc_attachment),
    ("ModifyTransitGatewayVpcAttachment", modify_vpc_attachment),
    ("DescribeTransitGatewayAttachments", describe_attachments),
    ("DescribeTransitGatewayVpcAttachments", describe_vpc_attachments),
];

/// Tags from `TagSpecification.N` or `TagSpecifications.N`: the TGW
/// actions' models disagree on the member's wire name.
pub fn tag_specs_any(p: &QueryParams, resource_type: &str) -> Result<Tags> {
    if p.has_child("TagSpecifications") {
        let renamed = QueryParams::from_pairs(
            p.iter().map(|(k, v)| (k.strip_prefix("TagSpecifications.").map(|r| format!("TagSpecification.{r}")).unwrap_or_else(|| k.to_string()), v.to_string())),
        );
        return tag_specs(&renamed, resource_type);
    }
    tag_specs(p, resource_type)
}

/// An optional `enable`/`disable` parameter.
pub fn flag(p: &QueryParams, name: &str) -> Result<Option<bool>> {
    Ok(match p.get(name) {
        Some(v) => Some(parse_flag(name, v)?),
        None => None,
    })
}

fn en(b: bool) -> &'static str {
    if b {
        "enable"
    } else {
        "disable"
    }
}

/// The `<transitGateway>` structure's content. Tags are the owner's only.
pub fn write_tgw(w: &mut XmlWriter, t: &TransitGateway, ctx: &Ctx, state_override: Option<TgwState>) {
    let o = &t.options;
    w.leaf("transitGatewayId", &t.id)
        .leaf("transitGatewayArn", t.arn())
        .leaf("state", state_override.unwrap_or(t.state()).as_str())
        .leaf("ownerId", &t.owner)
        .leaf("description", &t.description)
        .leaf("creationTime", timestamp(t.created_at));
    w.open("options")
        .leaf("amazonSideAsn", o.amazon_side_asn.to_string())
        .scalars("transitGatewayCidrBlocks", "item", &o.cidr_blocks)
        .leaf("autoAcceptSharedAttachments", en(o.auto_accept_shared_attachments))
        .leaf("defaultRouteTableAssociation", en(o.default_route_table_association))
        .opt_leaf("associationDefaultRouteTableId", o.association_default_route_table_id.as_ref())
        .leaf("defaultRouteTablePropagation", en(o.default_route_table_propagation))
        .opt_leaf("propagationDefaultRouteTableId", o.propagation_default_route_table_id.as_ref())
        .leaf("vpnEcmpSupport", en(o.vpn_ecmp_support))
        .leaf("dnsSupport", en(o.dns_support))
        .leaf("securityGroupReferencingSupport", en(o.security_group_referencing_support))
        .leaf("multicastSupport", en(o.multicast_support))
        .close("options");
    let empty = Tags::new();
    write_tags(w, if t.owner == ctx.account { &t.tags } else { &empty });
}

fn one_tgw(call: &Call, id: &str, state_override: Option<TgwState>) -> String {
    let mut w = XmlWriter::new();
    w.open("transitGateway");
    if let Some(t) = call.state().transit_gateways.get(id) {
        write_tgw(&mut w, t, &call.ctx, state_override);
    }
    w.close("transitGateway");
    w.finish()
}

fn create_transit_gateway(call: &mut Call, p: &QueryParams) -> Result<String> {
    let o = p.child("Options");
    let input = CreateTransitGateway {
        description: p.get("Description").map(str::to_string),
        amazon_side_asn: o.int("AmazonSideAsn")?,
        auto_accept_shared_attachments: flag(&o, "AutoAcceptSharedAttachments")?,
        default_route_table_association: flag(&o, "DefaultRouteTableAssociation")?,
        default_route_table_propagation: flag(&o, "DefaultRouteTablePropagation")?,
        dns_support: flag(&o, "DnsSupport")?,
        vpn_ecmp_support: flag(&o, "VpnEcmpSupport")?,
        multicast_support: flag(&o, "MulticastSupport")?,
        security_group_referencing_support: flag(&o, "SecurityGroupReferencingSupport")?,
        cidr_blocks: o.list("TransitGatewayCidrBlocks"),
        tags: tag_specs_any(p, "transit-gateway")?,
    };
    let (ch, id) = tg::create_transit_gateway(call.state(), &call.ctx, input)?;
    call.commit(ch)?;
    // AWS reports a new gateway `pending`; xvpc makes it available at once.
    Ok(one_tgw(call, &id, Some(TgwState::Pending)))
}

fn describe_transit_gateways(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ids = p.list("TransitGatewayIds");
    let fs = filters(p);
    let s = call.state();
    let ctx = &call.ctx;
    require_all(&ids, |id| s.transit_gateways.get(id).is_some_and(|t| tg::can_see(s, ctx, t)), IdKind::TransitGateway)?;
    let listed = s.transit_gateways.values().filter(|t| tg::can_see(s, ctx, t) && (ids.is_empty() || ids.contains(&t.id)));
    let out = tg::FILTERS.select(&fs, s, ctx, listed)?;
    let (page, next) = paginate(out, p, |t| t.id.clone(), (5, 1000))?;
    let mut w = XmlWriter::new();
    w.items("transitGatewaySet", page, |w, t| write_tgw(w, t, ctx, None));
    w.opt_leaf("nextToken", next);
    Ok(w.finish())
}

fn modify_transit_gateway(call: &mut Call, p: &QueryParams) -> Result<String> {
    let id = p.required("TransitGatewayId")?.to_string();
    let o = p.child("Options");
    let m = ModifyTransitGateway {
        description: p.get("Description").map(str::to_string),
        amazon_side_asn: o.int("AmazonSideAsn")?,
        auto_accept_shared_attachments: flag(&o, "AutoAcceptSharedAttachments")?,
        default_route_table_association: flag(&o, "DefaultRouteTableAssociation")?,
        default_route_table_propagation: flag(&o, "DefaultRouteTablePropagation")?,
        association_default_route_table_id: o.get("AssociationDefaultRouteTableId").map(str::to_string),
        propagation_default_route_table_id: o.get("PropagationDefaultRouteTableId").map(str::to_string),
        dns_support: flag(&o, "DnsSupport")?,
        vpn_ecmp_support: flag(&o, "VpnEcmpSupport")?,
        security_group_referencing_support: flag(&o, "SecurityGroupReferencingSupport")?,
    };
    let ch = tg::modify_transit_gateway(call.state(), &call.ctx, &id, m)?;
    call.commit(ch)?;
    Ok(one_tgw(call, &id, Some(TgwState::Modifying)))
}

fn delete_transit_gateway(call: &mut Call, p: &QueryParams) -> Result<String> {
    let id = p.required("TransitGatewayId")?.to_string();
    let ch = tg::delete_transit_gateway(call.state(), &call.ctx, &id)?;
    call.commit(ch)?;
    Ok(one_tgw(call, &id, Some(TgwState::Deleting)))
}

/// The `<transitGatewayVpcAttachment>` structure's content, as the caller
/// sees it (its own tags).
pub fn write_vpc_attachment(w: &mut XmlWriter, a: &TgwAttachment, ctx: &Ctx, state_override: Option<AttachmentState>) {
    let o = &a.options;
    w.leaf("transitGatewayAttachmentId", &a.id)
        .leaf("transitGatewayId", &a.transit_gateway_id)
        .leaf("vpcId", &a.vpc_id)
        .leaf("vpcOwnerId", &a.owner)
        .leaf("state", state_override.unwrap_or(a.state).as_str())
        .scalars("subnetIds", "item", &a.subnet_ids)
        .leaf("creationTime", timestamp(a.created_at));
    w.open("options")
        .leaf("dnsSupport", en(o.dns_support))
        .leaf("securityGroupReferencingSupport", en(o.security_group_referencing_support))
        .leaf("ipv6Support", en(o.ipv6_support))
        .leaf("applianceModeSupport", en(o.appliance_mode_support))
        .close("options");
    write_tags(w, &a.tags_for(&ctx.account));
}

fn one_attachment(call: &Call, id: &str, state_override: Option<AttachmentState>) -> String {
    let mut w = XmlWriter::new();
    w.open("transitGatewayVpcAttachment");
    if let Some(a) = call.state().transit_gateway_attachments.get(id) {
        write_vpc_attachment(&mut w, a, &call.ctx, state_override);
    }
    w.close("transitGatewayVpcAttachment");
    w.finish()
}

fn attachment_options(p: &QueryParams) -> Result<(Option<bool>, Option<bool>, Option<bool>, Option<bool>)> {
    let o = p.child("Options");
    Ok((flag(&o, "DnsSupport")?, flag(&o, "Ipv6Support")?, flag(&o, "ApplianceModeSupport")?, flag(&o, "SecurityGroupReferencingSupport")?))
}

fn create_vpc_attachment(call: &mut Call, p: &QueryParams) -> Result<String> {
    let (dns, ipv6, appliance, sgref) = attachment_options(p)?;
    let subnet_ids = p.list("SubnetIds");
    if subnet_ids.is_empty() {
        return Err(xvpc_wire::WireError::MissingParameter("SubnetIds".into()).into());
    }
    let input = CreateAttachment {
        transit_gateway_id: p.required("TransitGatewayId")?.to_string(),
        vpc_id: p.required("VpcId")?.to_string(),
        subnet_ids,
        dns_support: dns,
        ipv6_support: ipv6,
        appliance_mode_support: appliance,
        security_group_referencing_support: sgref,
        tags: tag_specs_any(p, "transit-gateway-attachment")?,
    };
    let (ch, id) = tg::create_attachment(call.state(), &call.ctx, input)?;
    call.commit(ch)?;
    // AWS reports every new attachment `pending` first.
    Ok(one_attachment(call, &id, Some(AttachmentState::Pending)))
}

fn accept_vpc_attachment(call: &mut Call, p: &QueryParams) -> Result<String> {
    let id = p.required("TransitGatewayAttachmentId")?.to_string();
    let ch = tg::accept_attachment(call.state(), &call.ctx, &id)?;
    call.commit(ch)?;
    Ok(one_attachment(call, &id, Some(AttachmentState::Pending)))
}

fn reject_vpc_attachment(call: &mut Call, p: &QueryParams) -> Result<String> {
    let id = p.required("TransitGatewayAttachmentId")?.to_string();
    let ch = tg::reject_attachment(call.state(), &call.ctx, &id)?;
    call.commit(ch)?;
    Ok(one_attachment(call, &id, Some(AttachmentState::Rejecting)))
}

fn delete_vpc_attachment(call: &mut Call, p: &QueryParams) -> Result<String> {
    let id = p.required("TransitGatewayAttachmentId")?.to_string();
    let was = tg::visible_attachment(call.state(), &call.ctx, &id)?.state;
    let ch = tg::delete_attachment(call.state(), &call.ctx, &id)?;
    call.commit(ch)?;
    let shown = if was == AttachmentState::Deleted { AttachmentState::Deleted } else { AttachmentState::Deleting };
    Ok(one_attachment(call, &id, Some(shown)))
}

fn modify_vpc_attachment(call: &mut Call, p: &QueryParams) -> Result<String> {
    let id = p.required("TransitGatewayAttachmentId")?.to_string();
    let (dns, ipv6, appliance, sgref) = attachment_options(p)?;
    let m = ModifyAttachment {
        add_subnet_ids: p.list("AddSubnetIds"),
        remove_subnet_ids: p.list("RemoveSubnetIds"),
        dns_support: dns,
        ipv6_support: ipv6,
        appliance_mode_support: appliance,
        security_group_referencing_support: sgref,
    };
    let ch = tg::modify_attachment(call.state(), &call.ctx, &id, m)?;
    call.commit(ch)?;
    Ok(one_attachment(call, &id, Some(AttachmentState::Modifying)))
}

/// Attachments the caller may see, filtered with the call's own table.
fn visible_attachments<'a>(s: &'a State, ctx: &Ctx, p: &QueryParams, table: &FilterTable<TgwAttachment>) -> Result<Vec<&'a TgwAttachment>> {
    let ids = p.list("TransitGatewayAttachmentIds");
    require_all(&ids, |id| s.transit_gateway_attachments.get(id).is_some_and(|a| a.visible_to(ctx)), IdKind::TransitGatewayAttachment)?;
    let listed = s.transit_gateway_attachments.values().filter(|a| a.visible_to(ctx) && (ids.is_empty() || ids.contains(&a.id)));
    Ok(table.select(&filters(p), s, ctx, listed)?)
}

fn describe_vpc_attachments(call: &mut Call, p: &QueryParams) -> Result<String> {
    let s = call.state();
    let out = visible_attachments(s, &call.ctx, p, &tg::VPC_ATTACHMENT_FILTERS)?;
    let (page, next) = paginate(out, p, |a| a.id.clone(), (5, 1000))?;
    let mut w = XmlWriter::new();
    w.items("transitGatewayVpcAttachments", page, |w, a| write_vpc_attachment(w, a, &call.ctx, None));
    w.opt_leaf("nextToken", next);
    Ok(w.finish())
}

fn describe_attachments(call: &mut Call, p: &QueryParams) -> Result<String> {
    let s = call.state();
    let out = visible_attachments(s, &call.ctx, p, &tg::ATTACHMENT_FILTERS)?;
    let (page, next) = paginate(out, p, |a| a.id.clone(), (5, 1000))?;
    let mut w = XmlWriter::new();
    w.items("transitGatewayAttachments", page, |w, a| {
        w.leaf("transitGatewayAttachmentId", &a.id)
            .leaf("transitGatewayId", &a.transit_gateway_id)
            .leaf("transitGatewayOwnerId", &a.tgw_owner)
            .leaf("resourceOwnerId", &a.owner)
            .leaf("resourceType", "vpc")
            .leaf("resourceId", &a.vpc_id)
            .leaf("state", a.state.as_str());
        if let Some(r) = &a.association {
            w.open("association").leaf("transitGatewayRouteTableId", r).leaf("state", AssociationState::Associated.as_str()).close("association");
        }
        w.leaf("creationTime", timestamp(a.created_at));
        write_tags(w, &a.tags_for(&call.ctx.account));
    });
    w.opt_leaf("nextToken", next);
    Ok(w.finish())
}
