//! Transit gateways and their VPC attachments.
//!
//! A transit gateway belongs to one account and region. Another account
//! sees it, and may attach a VPC to it, only through a RAM share it
//! accepted ([`crate::ram::is_shared_with`]). A same-account attachment is
//! `available` at once; another account's attachment waits in
//! `pendingAcceptance` for the gateway owner unless the gateway
//! auto-accepts shared attachments. When an attachment becomes available
//! it is associated with, and propagates to, the default route table if the
//! gateway's options say so. Attachments live in
//! [`crate::transit_gateway_attachment`], route tables and routes in
//! [`crate::transit_gateway_route_table`].

use serde::{Deserialize, Serialize};

use crate::error::{IdKind, ModelError, Result};
use crate::filter::{one, opt, Field, FilterTable};
use crate::ids::{check, new_id};
use crate::state::{owned, Changes, Ctx, State};
use crate::tags::Tags;
use crate::transit_gateway_route_table::TgwRouteTable;

// Attachments live in their own file; their types and commands are part of
// this module's API.
pub use crate::transit_gateway_attachment::*;

/// How long deleted gateways and deleted or rejected attachments stay
/// listed (state `deleted` / `rejected`), as AWS keeps them a while.
pub const DELETED_VISIBLE_MS: i64 = 60 * 60 * 1000;

crate::aws_enum! {
    /// A transit gateway's state (`TransitGatewayState`). A gateway stores
    /// only whether it is deleted; `pending`, `modifying` and `deleting`
    /// are what the create, modify and delete calls answer, as AWS does.
    pub enum TgwState {
        Pending = "pending",
        Available = "available",
        Modifying = "modifying",
        Deleting = "deleting",
        Deleted = "deleted",
    }
}

/// A transit gateway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransitGateway {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub description: String,
    pub options: TgwOptions,
    pub created_at: i64,
    /// Set when deleted; the gateway stays listed as `deleted` a while.
    pub deleted_at: Option<i64>,
    pub tags: Tags,
}
crate::impl_owned!(TransitGateway);

/// A transit gateway's options (`TransitGatewayOptions`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TgwOptions {
    pub amazon_side_asn: i64,
    pub auto_accept_shared_attachments: bool,
    pub default_route_table_association: bool,
    pub default_route_table_propagation: bool,
    pub association_default_route_table_id: Option<String>,
    pub propagation_default_route_table_id: Option<String>,
    pub dns_support: bool,
    pub vpn_ecmp_support: bool,
    pub multicast_support: bool,
    pub security_group_referencing_support: bool,
    pub cidr_blocks: Vec<String>,
}

impl TransitGateway {
    pub fn arn(&self) -> String {
        format!("arn:aws:ec2:{}:{}:transit-gateway/{}", self.region, self.owner, self.id)
    }

    pub fn is_deleted(&self) -> bool {
        self.deleted_at.is_some()
    }

    /// `available` until deleted (xvpc creates and modifies at once).
    pub fn state(&self) -> TgwState {
        if self.is_deleted() {
            TgwState::Deleted
        } else {
            TgwState::Available
        }
    }

    fn listed(&self, now: i64) -> bool {
        self.deleted_at.is_none_or(|t| now - t < DELETED_VISIBLE_MS)
    }
}

/// `enable` / `disable`, as the options show.
fn flag(b: bool) -> Vec<String> {
    one(if b { "enable" } else { "disable" })
}

/// DescribeTransitGateways' filters. Only the owner sees the tags.
pub const FILTERS: FilterTable<TransitGateway> = FilterTable {
    tags: Some(|t, ctx| (t.owner == ctx.account).then_some(&t.tags)),
    fields: &[
        ("options.amazon-side-asn", Field::Values(|t, _| one(t.options.amazon_side_asn))),
        ("options.association-default-route-table-id", Field::Values(|t, _| opt(t.options.association_default_route_table_id.as_ref()))),
        ("options.auto-accept-shared-attachments", Field::Values(|t, _| flag(t.options.auto_accept_shared_attachments))),
        ("options.default-route-table-association", Field::Values(|t, _| flag(t.options.default_route_table_association))),
        ("options.default-route-table-propagation", Field::Values(|t, _| flag(t.options.default_route_table_propagation))),
        ("options.dns-support", Field::Values(|t, _| flag(t.options.dns_support))),
        ("options.propagation-default-route-table-id", Field::Values(|t, _| opt(t.options.propagation_default_route_table_id.as_ref()))),
        ("options.vpn-ecmp-support", Field::Values(|t, _| flag(t.options.vpn_ecmp_support))),
        ("owner-id", Field::Values(|t, _| one(&t.owner))),
        ("state", Field::Values(|t, _| one(t.state()))),
        ("transit-gateway-id", Field::Values(|t, _| one(&t.id))),
    ],
};

/// `enable` / `disable` option values.
pub fn parse_flag(name: &str, v: &str) -> Result<bool> {
    match v {
        "enable" => Ok(true),
        "disable" => Ok(false),
        _ => Err(ModelError::InvalidParameterValue(format!("Value ({v}) for parameter {name} is invalid. Valid values: enable, disable"))),
    }
}

fn check_asn(asn: i64) -> Result<()> {
    if (64512..=65534).contains(&asn) || (4_200_000_000..=4_294_967_294).contains(&asn) {
        Ok(())
    } else {
        Err(ModelError::InvalidParameterValue(format!(
            "Value ({asn}) for parameter amazonSideAsn is invalid. Valid range: 64512-65534 and 4200000000-4294967294"
        )))
    }
}

/// Input of CreateTransitGateway; `None` means AWS's default.
#[derive(Debug, Clone, Default)]
pub struct CreateTransitGateway {
    pub description: Option<String>,
    pub amazon_side_asn: Option<i64>,
    pub auto_accept_shared_attachments: Option<bool>,
    pub default_route_table_association: Option<bool>,
    pub default_route_table_propagation: Option<bool>,
    pub dns_support: Option<bool>,
    pub vpn_ecmp_support: Option<bool>,
    pub multicast_support: Option<bool>,
    pub security_group_referencing_support: Option<bool>,
    pub cidr_blocks: Vec<String>,
    pub tags: Tags,
}

/// CreateTransitGateway. With default association or propagation enabled
/// the gateway gets a default route table, named in both option ids.
pub fn create_transit_gateway(_state: &State, ctx: &Ctx, input: CreateTransitGateway) -> Result<(Changes, String)> {
    let asn = input.amazon_side_asn.unwrap_or(64512);
    check_asn(asn)?;
    for c in &input.cidr_blocks {
        crate::cidr::parse_network(c)
            .ok_or_else(|| ModelError::InvalidParameterValue(format!("Value ({c}) for parameter transitGatewayCidrBlocks is invalid.")))?;
    }
    let assoc = input.default_route_table_association.unwrap_or(true);
    let prop = input.default_route_table_propagation.unwrap_or(true);
    let id = new_id("tgw");
    let mut ch = Changes::new();
    let default_rtb = if assoc || prop {
        let rtb = TgwRouteTable::new(ctx, &id, Tags::new());
        let rid = rtb.id.clone();
        ch.put(rtb);
        Some(rid)
    } else {
        None
    };
    let tgw = TransitGateway {
        id: id.clone(),
        owner: ctx.account.clone(),
        region: ctx.region.clone(),
        description: input.description.unwrap_or_default(),
        options: TgwOptions {
            amazon_side_asn: asn,
            auto_accept_shared_attachments: input.auto_accept_shared_attachments.unwrap_or(false),
            default_route_table_association: assoc,
            default_route_table_propagation: prop,
            association_default_route_table_id: default_rtb.clone().filter(|_| assoc),
            propagation_default_route_table_id: default_rtb.filter(|_| prop),
            dns_support: input.dns_support.unwrap_or(true),
            vpn_ecmp_support: input.vpn_ecmp_support.unwrap_or(true),
            multicast_support: input.multicast_support.unwrap_or(false),
            security_group_referencing_support: input.security_group_referencing_support.unwrap_or(false),
            cidr_blocks: input.cidr_blocks,
        },
        created_at: ctx.now,
        deleted_at: None,
        tags: input.tags,
    };
    ch.events.insert(0, crate::Event::Put(tgw.into()));
    Ok((ch, id))
}

/// A gateway the caller may see: its own (deleted ones for a while), or
/// one shared with it through an accepted RAM share. Anything else is
/// `InvalidTransitGatewayID.NotFound`, as in AWS.
pub fn visible<'a>(state: &'a State, ctx: &Ctx, id: &str) -> Result<&'a TransitGateway> {
    check(IdKind::TransitGateway, id)?;
    state
        .transit_gateways
        .get(id)
        .filter(|t| can_see(state, ctx, t))
        .ok_or_else(|| ModelError::NotFound(IdKind::TransitGateway, id.to_string()))
}

/// Whether the caller may see this gateway (see [`visible`]).
pub fn can_see(state: &State, ctx: &Ctx, t: &TransitGateway) -> bool {
    t.region == ctx.region
        && if t.owner == ctx.account {
            t.listed(ctx.now)
        } else {
            !t.is_deleted() && crate::ram::is_shared_with(state, &t.arn(), &ctx.account)
        }
}

/// The caller's own gateway that is not deleted.
fn own_live<'a>(state: &'a State, ctx: &Ctx, id: &str) -> Result<&'a TransitGateway> {
    let t = owned(&state.transit_gateways, ctx, IdKind::TransitGateway, id)?;
    if t.is_deleted() {
        return Err(ModelError::NotFound(IdKind::TransitGateway, id.to_string()));
    }
    Ok(t)
}

/// Input of ModifyTransitGateway.
#[derive(Debug, Clone, Default)]
pub struct ModifyTransitGateway {
    pub description: Option<String>,
    pub amazon_side_asn: Option<i64>,
    pub auto_accept_shared_attachments: Option<bool>,
    pub default_route_table_association: Option<bool>,
    pub default_route_table_propagation: Option<bool>,
    pub association_default_route_table_id: Option<String>,
    pub propagation_default_route_table_id: Option<String>,
    pub dns_support: Option<bool>,
    pub vpn_ecmp_support: Option<bool>,
    pub security_group_referencing_support: Option<bool>,
}

/// ModifyTransitGateway. A default route table named must be one of this
/// gateway's; enabling a default without one names a new default table.
pub fn modify_transit_gateway(state: &State, ctx: &Ctx, id: &str, m: ModifyTransitGateway) -> Result<Changes> {
    let mut t = own_live(state, ctx, id)?.clone();
    let mut ch = Changes::new();
    let own_table = |rid: &str| -> Result<()> {
        check(IdKind::TransitGatewayRouteTable, rid)?;
        state
            .transit_gateway_route_tables
            .get(rid)
            .filter(|r| r.transit_gateway_id == t.id && !r.is_deleted())
            .map(|_| ())
            .ok_or_else(|| ModelError::NotFound(IdKind::TransitGatewayRouteTable, rid.to_string()))
    };
    if let Some(d) = m.description {
        t.description = d;
    }
    if let Some(a) = m.amazon_side_asn {
        check_asn(a)?;
        t.options.amazon_side_asn = a;
    }
    let o = &mut t.options;
    if let Some(b) = m.auto_accept_shared_attachments {
        o.auto_accept_shared_attachments = b;
    }
    if let Some(b) = m.dns_support {
        o.dns_support = b;
    }
    if let Some(b) = m.vpn_ecmp_support {
        o.vpn_ecmp_support = b;
    }
    if let Some(b) = m.security_group_referencing_support {
        o.security_group_referencing_support = b;
    }
    if let Some(r) = &m.association_default_route_table_id {
        own_table(r)?;
        o.association_default_route_table_id = Some(r.clone());
    }
    if let Some(r) = &m.propagation_default_route_table_id {
        own_table(r)?;
        o.propagation_default_route_table_id = Some(r.clone());
    }
    if let Some(b) = m.default_route_table_association {
        o.default_route_table_association = b;
    }
    if let Some(b) = m.default_route_table_propagation {
        o.default_route_table_propagation = b;
    }
    let needs_table = (o.default_route_table_association && o.association_default_route_table_id.is_none())
        || (o.default_route_table_propagation && o.propagation_default_route_table_id.is_none());
    if needs_table {
        let existing = o.association_default_route_table_id.clone().or_else(|| o.propagation_default_route_table_id.clone());
        let rid = match existing {
            Some(r) => r,
            None => {
                let rtb = TgwRouteTable::new(ctx, &t.id, Tags::new());
                let r = rtb.id.clone();
                ch.put(rtb);
                r
            }
        };
        if o.default_route_table_association && o.association_default_route_table_id.is_none() {
            o.association_default_route_table_id = Some(rid.clone());
        }
        if o.default_route_table_propagation && o.propagation_default_route_table_id.is_none() {
            o.propagation_default_route_table_id = Some(rid);
        }
    }
    ch.put(t);
    Ok(ch)
}

/// DeleteTransitGateway: refused while attachments that are not deleted
/// remain, or route tables other than the default one. RAM shares lose the
/// gateway.
pub fn delete_transit_gateway(state: &State, ctx: &Ctx, id: &str) -> Result<Changes> {
    let t = own_live(state, ctx, id)?;
    let live: Vec<&str> = state
        .transit_gateway_attachments
        .values()
        .filter(|a| a.transit_gateway_id == t.id && a.state != AttachmentState::Deleted && a.state != AttachmentState::Rejected)
        .map(|a| a.id.as_str())
        .collect();
    if !live.is_empty() {
        return Err(ModelError::IncorrectState(format!("{} has non-deleted Transit Gateway Attachments: {}", t.id, live.join(", "))));
    }
    let defaults = [&t.options.association_default_route_table_id, &t.options.propagation_default_route_table_id];
    let tables: Vec<&TgwRouteTable> =
        state.transit_gateway_route_tables.values().filter(|r| r.transit_gateway_id == t.id && !r.is_deleted()).collect();
    if let Some(extra) = tables.iter().find(|r| !defaults.iter().any(|d| d.as_deref() == Some(r.id.as_str()))) {
        return Err(ModelError::IncorrectState(format!("{} has non-deleted Transit Gateway Route Tables: {}", t.id, extra.id)));
    }
    let mut ch = Changes::new();
    for r in tables {
        let mut r = r.clone();
        r.deleted_at = Some(ctx.now);
        ch.put(r);
    }
    crate::ram::resource_deleted(state, &t.arn(), ctx.now, &mut ch);
    let mut t = t.clone();
    t.deleted_at = Some(ctx.now);
    ch.put(t);
    Ok(ch)
}

#[cfg(test)]
#[path = "transit_gateway_tests.rs"]
mod tests;
