//! Transit gateway VPC attachments: creation (from the gateway's owner or
//! an account it is shared with through RAM), acceptance by the gateway's
//! owner, the attachment's network interfaces (one per subnet, the subnets
//! in distinct zones), modification and deletion, and whether a VPC route
//! to a gateway has an attachment to use. The gateways themselves are in
//! [`crate::transit_gateway`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{IdKind, ModelError, Result};
use crate::filter::{one, opt, Field, FilterTable};
use crate::ids::{check, new_id};
use crate::network_interface::{mac_for, NetworkInterface};
use crate::state::{owned, Changes, Ctx, ResourceKind, State};
use crate::tags::Tags;
use crate::transit_gateway::*;
use crate::transit_gateway_route_table::AssociationState;

crate::aws_enum! {
    /// An attachment's lifecycle state (`TransitGatewayAttachmentState`).
    /// An attachment stores `pendingAcceptance`, `available`, `rejected` or
    /// `deleted`; the other states are what the create, accept, reject,
    /// modify and delete calls answer, as AWS does (xvpc changes at once).
    /// Stored by variant name (`"PendingAcceptance"`), as event logs hold it.
    #[derive(Serialize, Deserialize)]
    pub enum AttachmentState {
        PendingAcceptance = "pendingAcceptance",
        Available = "available",
        Rejected = "rejected",
        Deleted = "deleted",
        Pending = "pending",
        Modifying = "modifying",
        Rejecting = "rejecting",
        Deleting = "deleting",
    }
}

impl AttachmentState {
    fn is_gone(self) -> bool {
        matches!(self, AttachmentState::Rejected | AttachmentState::Deleted)
    }
}

/// A VPC attachment's options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentOptions {
    pub dns_support: bool,
    pub ipv6_support: bool,
    pub appliance_mode_support: bool,
    pub security_group_referencing_support: bool,
}

/// A VPC attachment. `owner` is the VPC's owner (who created it);
/// `tgw_owner` may accept, reject, associate and delete it too. Each
/// account keeps its own tags on it, as AWS does across accounts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TgwAttachment {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub transit_gateway_id: String,
    pub tgw_owner: String,
    pub vpc_id: String,
    pub subnet_ids: Vec<String>,
    pub state: AttachmentState,
    pub options: AttachmentOptions,
    /// The one route table the attachment is associated with.
    pub association: Option<String>,
    /// Requester-managed ENIs, one per subnet.
    pub eni_ids: Vec<String>,
    /// account → tags that account set.
    pub tags: BTreeMap<String, Tags>,
    pub created_at: i64,
    pub updated_at: i64,
}
crate::impl_owned!(TgwAttachment);

impl TgwAttachment {
    /// Listed to the VPC owner and the gateway owner; deleted or rejected
    /// ones only for a while.
    pub fn visible_to(&self, ctx: &Ctx) -> bool {
        self.region == ctx.region
            && (self.owner == ctx.account || self.tgw_owner == ctx.account)
            && (!self.state.is_gone() || ctx.now - self.updated_at < DELETED_VISIBLE_MS)
    }

    /// The tags the caller's account set.
    pub fn tags_for(&self, account: &str) -> Tags {
        self.tags.get(account).cloned().unwrap_or_default()
    }
}

/// DescribeTransitGatewayAttachments' filters (every attachment is a VPC
/// attachment). Each account sees the tags it set.
pub const ATTACHMENT_FILTERS: FilterTable<TgwAttachment> = FilterTable {
    tags: Some(|a, ctx| a.tags.get(&ctx.account)),
    fields: &[
        ("association.state", Field::Values(|a, _| a.association.iter().map(|_| AssociationState::Associated.to_string()).collect())),
        ("association.transit-gateway-route-table-id", Field::Values(|a, _| opt(a.association.as_ref()))),
        ("resource-id", Field::Values(|a, _| one(&a.vpc_id))),
        ("resource-owner-id", Field::Values(|a, _| one(&a.owner))),
        ("resource-type", Field::Values(|_, _| one("vpc"))),
        ("state", Field::Values(|a, _| one(a.state.as_str()))),
        ("transit-gateway-attachment-id", Field::Values(|a, _| one(&a.id))),
        ("transit-gateway-id", Field::Values(|a, _| one(&a.transit_gateway_id))),
        ("transit-gateway-owner-id", Field::Values(|a, _| one(&a.tgw_owner))),
    ],
};

/// DescribeTransitGatewayVpcAttachments' filters (`vpc-owner-id` is an
/// older one).
pub const VPC_ATTACHMENT_FILTERS: FilterTable<TgwAttachment> = FilterTable {
    tags: Some(|a, ctx| a.tags.get(&ctx.account)),
    fields: &[
        ("state", Field::Values(|a, _| one(a.state.as_str()))),
        ("transit-gateway-attachment-id", Field::Values(|a, _| one(&a.id))),
        ("transit-gateway-id", Field::Values(|a, _| one(&a.transit_gateway_id))),
        ("vpc-id", Field::Values(|a, _| one(&a.vpc_id))),
        ("vpc-owner-id", Field::Values(|a, _| one(&a.owner))),
    ],
};

/// Finds an attachment the caller may see.
pub fn visible_attachment<'a>(state: &'a State, ctx: &Ctx, id: &str) -> Result<&'a TgwAttachment> {
    check(IdKind::TransitGatewayAttachment, id)?;
    state
        .transit_gateway_attachments
        .get(id)
        .filter(|a| a.visible_to(ctx))
        .ok_or_else(|| ModelError::NotFound(IdKind::TransitGatewayAttachment, id.to_string()))
}

/// Input of CreateTransitGatewayVpcAttachment.
#[derive(Debug, Clone, Default)]
pub struct CreateAttachment {
    pub transit_gateway_id: String,
    pub vpc_id: String,
    pub subnet_ids: Vec<String>,
    pub dns_support: Option<bool>,
    pub ipv6_support: Option<bool>,
    pub appliance_mode_support: Option<bool>,
    pub security_group_referencing_support: Option<bool>,
    pub tags: Tags,
}

/// Checks an attachment's subnets: the caller's, in the VPC, one per zone.
fn check_subnets(state: &State, ctx: &Ctx, vpc_id: &str, ids: &[String]) -> Result<()> {
    if ids.is_empty() {
        return Err(ModelError::MissingParameter("SubnetIds".into()));
    }
    let mut zones: Vec<&str> = Vec::new();
    for id in ids {
        let s = owned(&state.subnets, ctx, IdKind::Subnet, id)?;
        if s.vpc_id != vpc_id {
            return Err(ModelError::InvalidParameterValue(format!("Subnet {id} does not belong to VPC {vpc_id}.")));
        }
        if zones.contains(&s.availability_zone_id.as_str()) {
            return Err(ModelError::DuplicateSubnetsInSameZone("Duplicate Subnets for same AZ".into()));
        }
        zones.push(&s.availability_zone_id);
    }
    Ok(())
}

/// The requester-managed ENI a transit gateway places in one subnet.
fn attachment_eni(state: &State, ctx: &Ctx, att_id: &str, subnet_id: &str, taken: &[std::net::Ipv4Addr]) -> Result<NetworkInterface> {
    let s = owned(&state.subnets, ctx, IdKind::Subnet, subnet_id)?;
    let ip = crate::subnet::allocate_ip(state, s, taken)?;
    let id = new_id("eni");
    Ok(NetworkInterface {
        mac_address: mac_for(&id),
        id,
        owner: s.owner.clone(),
        region: s.region.clone(),
        vpc_id: s.vpc_id.clone(),
        subnet_id: s.id.clone(),
        availability_zone: s.availability_zone.clone(),
        private_ip: ip,
        secondary_ips: Vec::new(),
        groups: Vec::new(),
        description: format!("Network Interface for Transit Gateway Attachment {att_id}"),
        interface_type: "transit_gateway".into(),
        requester_managed: true,
        requester_id: Some("amazon-aws".into()),
        attachment: None,
        source_dest_check: false,
        tags: Tags::new(),
        public_ip: None,
        ipv6_addresses: Vec::new(),
    })
}

/// Creates the ENIs for `subnets` and records them on the attachment.
fn add_enis(state: &State, ctx: &Ctx, att: &mut TgwAttachment, subnets: &[String], ch: &mut Changes) -> Result<()> {
    let mut taken = Vec::new();
    for s in subnets {
        let eni = attachment_eni(state, ctx, &att.id, s, &taken)?;
        taken.push(eni.private_ip);
        att.eni_ids.push(eni.id.clone());
        ch.put(eni);
    }
    Ok(())
}

/// When an attachment becomes available: the gateway's default association
/// and propagation, if enabled.
fn on_available(state: &State, att: &mut TgwAttachment, tgw: &TransitGateway, ch: &mut Changes) {
    let o = &tgw.options;
    if o.default_route_table_association {
        if let Some(r) = o.association_default_route_table_id.as_ref().filter(|r| state.transit_gateway_route_tables.contains_key(*r)) {
            att.association = Some(r.clone());
        }
    }
    if o.default_route_table_propagation {
        if let Some(r) = o.propagation_default_route_table_id.as_ref().and_then(|r| state.transit_gateway_route_tables.get(r)) {
            let mut r = r.clone();
            if !r.propagations.contains(&att.id) {
                r.propagations.push(att.id.clone());
            }
            ch.put(r);
        }
    }
}

/// CreateTransitGatewayVpcAttachment. The gateway must be the caller's or
/// shared with it (accepted); the VPC and subnets the caller's, one subnet
/// per availability zone, one attachment per VPC and gateway.
pub fn create_attachment(state: &State, ctx: &Ctx, input: CreateAttachment) -> Result<(Changes, String)> {
    let tgw = visible(state, ctx, &input.transit_gateway_id)?;
    if tgw.is_deleted() {
        return Err(ModelError::NotFound(IdKind::TransitGateway, tgw.id.clone()));
    }
    let vpc = owned(&state.vpcs, ctx, IdKind::Vpc, &input.vpc_id)?;
    check_subnets(state, ctx, &vpc.id, &input.subnet_ids)?;
    if state
        .transit_gateway_attachments
        .values()
        .any(|a| a.transit_gateway_id == tgw.id && a.vpc_id == vpc.id && !a.state.is_gone())
    {
        return Err(ModelError::DuplicateTransitGatewayAttachment(tgw.id.clone()));
    }
    let same_account = tgw.owner == ctx.account;
    let state_now =
        if same_account || tgw.options.auto_accept_shared_attachments { AttachmentState::Available } else { AttachmentState::PendingAcceptance };
    let mut tags = BTreeMap::new();
    if !input.tags.is_empty() {
        tags.insert(ctx.account.clone(), input.tags);
    }
    let mut att = TgwAttachment {
        id: new_id("tgw-attach"),
        owner: ctx.account.clone(),
        region: ctx.region.clone(),
        transit_gateway_id: tgw.id.clone(),
        tgw_owner: tgw.owner.clone(),
        vpc_id: vpc.id.clone(),
        subnet_ids: input.subnet_ids.clone(),
        state: state_now,
        options: AttachmentOptions {
            dns_support: input.dns_support.unwrap_or(true),
            ipv6_support: input.ipv6_support.unwrap_or(false),
            appliance_mode_support: input.appliance_mode_support.unwrap_or(false),
            security_group_referencing_support: input.security_group_referencing_support.unwrap_or(false),
        },
        association: None,
        eni_ids: Vec::new(),
        tags,
        created_at: ctx.now,
        updated_at: ctx.now,
    };
    let mut ch = Changes::new();
    add_enis(state, ctx, &mut att, &input.subnet_ids, &mut ch)?;
    if att.state == AttachmentState::Available {
        on_available(state, &mut att, tgw, &mut ch);
    }
    let id = att.id.clone();
    ch.events.insert(0, crate::Event::Put(att.into()));
    Ok((ch, id))
}

/// An attachment the gateway owner answers (accept or reject).
fn for_tgw_owner<'a>(state: &'a State, ctx: &Ctx, id: &str) -> Result<&'a TgwAttachment> {
    let a = visible_attachment(state, ctx, id)?;
    if a.tgw_owner != ctx.account {
        return Err(ModelError::OperationNotPermitted(format!(
            "Only the owner of transit gateway {} can accept or reject attachment {id}.",
            a.transit_gateway_id
        )));
    }
    if a.state != AttachmentState::PendingAcceptance {
        return Err(ModelError::IncorrectState(format!(
            "Transit Gateway Attachment {id} is in invalid state {}",
            a.state.as_str()
        )));
    }
    Ok(a)
}

/// AcceptTransitGatewayVpcAttachment (gateway owner, pendingAcceptance only).
pub fn accept_attachment(state: &State, ctx: &Ctx, id: &str) -> Result<Changes> {
    let mut a = for_tgw_owner(state, ctx, id)?.clone();
    let tgw = state
        .transit_gateways
        .get(&a.transit_gateway_id)
        .ok_or_else(|| ModelError::NotFound(IdKind::TransitGateway, a.transit_gateway_id.clone()))?;
    let mut ch = Changes::new();
    a.state = AttachmentState::Available;
    a.updated_at = ctx.now;
    on_available(state, &mut a, tgw, &mut ch);
    ch.events.insert(0, crate::Event::Put(a.into()));
    Ok(ch)
}

/// Removes what an attachment holds: ENIs, propagations, association.
fn release(state: &State, a: &mut TgwAttachment, ch: &mut Changes) {
    for e in a.eni_ids.drain(..) {
        if state.network_interfaces.contains_key(&e) {
            ch.delete(ResourceKind::NetworkInterface, &e);
        }
    }
    for r in state.transit_gateway_route_tables.values().filter(|r| r.propagations.contains(&a.id)) {
        let mut r = r.clone();
        r.propagations.retain(|x| x != &a.id);
        ch.put(r);
    }
    a.association = None;
}

/// RejectTransitGatewayVpcAttachment (gateway owner, pendingAcceptance only).
pub fn reject_attachment(state: &State, ctx: &Ctx, id: &str) -> Result<Changes> {
    let mut a = for_tgw_owner(state, ctx, id)?.clone();
    let mut ch = Changes::new();
    release(state, &mut a, &mut ch);
    a.state = AttachmentState::Rejected;
    a.updated_at = ctx.now;
    ch.events.insert(0, crate::Event::Put(a.into()));
    Ok(ch)
}

/// DeleteTransitGatewayVpcAttachment, by the VPC owner or the gateway
/// owner. The attachment stays listed as `deleted` a while; deleting it
/// again changes nothing.
pub fn delete_attachment(state: &State, ctx: &Ctx, id: &str) -> Result<Changes> {
    let a = visible_attachment(state, ctx, id)?;
    let mut ch = Changes::new();
    if a.state == AttachmentState::Deleted {
        return Ok(ch);
    }
    let mut a = a.clone();
    release(state, &mut a, &mut ch);
    a.state = AttachmentState::Deleted;
    a.updated_at = ctx.now;
    ch.events.insert(0, crate::Event::Put(a.into()));
    Ok(ch)
}

/// Input of ModifyTransitGatewayVpcAttachment.
#[derive(Debug, Clone, Default)]
pub struct ModifyAttachment {
    pub add_subnet_ids: Vec<String>,
    pub remove_subnet_ids: Vec<String>,
    pub dns_support: Option<bool>,
    pub ipv6_support: Option<bool>,
    pub appliance_mode_support: Option<bool>,
    pub security_group_referencing_support: Option<bool>,
}

/// ModifyTransitGatewayVpcAttachment (VPC owner): subnets in and out (one
/// per zone, at least one left), options.
pub fn modify_attachment(state: &State, ctx: &Ctx, id: &str, m: ModifyAttachment) -> Result<Changes> {
    let a = visible_attachment(state, ctx, id)?;
    if a.owner != ctx.account {
        return Err(ModelError::NotFound(IdKind::TransitGatewayAttachment, id.to_string()));
    }
    if a.state.is_gone() {
        return Err(ModelError::IncorrectState(format!("Transit Gateway Attachment {id} is in invalid state {}", a.state.as_str())));
    }
    let mut a = a.clone();
    for r in &m.remove_subnet_ids {
        if !a.subnet_ids.contains(r) {
            return Err(ModelError::InvalidParameterValue(format!("Subnet {r} is not part of attachment {id}.")));
        }
    }
    let mut subnets: Vec<String> = a.subnet_ids.iter().filter(|s| !m.remove_subnet_ids.contains(s)).cloned().collect();
    for s in &m.add_subnet_ids {
        if subnets.contains(s) {
            return Err(ModelError::InvalidParameterValue(format!("Subnet {s} is already part of attachment {id}.")));
        }
        subnets.push(s.clone());
    }
    check_subnets(state, ctx, &a.vpc_id, &subnets)?;
    let mut ch = Changes::new();
    // ENIs of removed subnets go; added subnets get one.
    let removed: Vec<String> = a
        .eni_ids
        .iter()
        .filter(|e| state.network_interfaces.get(*e).is_some_and(|n| m.remove_subnet_ids.contains(&n.subnet_id)))
        .cloned()
        .collect();
    for e in &removed {
        ch.delete(ResourceKind::NetworkInterface, e);
    }
    a.eni_ids.retain(|e| !removed.contains(e));
    add_enis(state, ctx, &mut a, &m.add_subnet_ids, &mut ch)?;
    a.subnet_ids = subnets;
    let o = &mut a.options;
    o.dns_support = m.dns_support.unwrap_or(o.dns_support);
    o.ipv6_support = m.ipv6_support.unwrap_or(o.ipv6_support);
    o.appliance_mode_support = m.appliance_mode_support.unwrap_or(o.appliance_mode_support);
    o.security_group_referencing_support = m.security_group_referencing_support.unwrap_or(o.security_group_referencing_support);
    a.updated_at = ctx.now;
    ch.events.insert(0, crate::Event::Put(a.into()));
    Ok(ch)
}

/// Edits the caller's own tags on an attachment it can see (CreateTags /
/// DeleteTags on `tgw-attach-`): each account tags independently.
pub fn edit_attachment_tags(state: &State, ctx: &Ctx, id: &str, f: impl Fn(&mut Tags) -> Result<()>) -> Result<Changes> {
    let mut a = visible_attachment(state, ctx, id)?.clone();
    let mut tags = a.tags_for(&ctx.account);
    f(&mut tags)?;
    if tags.is_empty() {
        a.tags.remove(&ctx.account);
    } else {
        a.tags.insert(ctx.account.clone(), tags);
    }
    let mut ch = Changes::new();
    ch.put(a);
    Ok(ch)
}

/// CreateRoute to a `tgw-` target: the VPC needs an attachment to that
/// gateway (in any live state); otherwise AWS answers that the gateway
/// does not exist.
pub fn check_vpc_route_target(state: &State, ctx: &Ctx, vpc_id: &str, tgw_id: &str) -> Result<()> {
    check(IdKind::TransitGateway, tgw_id)?;
    let attached = state
        .transit_gateway_attachments
        .values()
        .any(|a| a.vpc_id == vpc_id && a.transit_gateway_id == tgw_id && a.region == ctx.region && !a.state.is_gone());
    if attached {
        Ok(())
    } else {
        Err(ModelError::NotFound(IdKind::TransitGateway, tgw_id.to_string()))
    }
}

/// Whether a VPC route to `tgw_id` carries traffic: the VPC's attachment
/// to it is available (otherwise the route is a blackhole).
pub fn vpc_route_active(state: &State, vpc_id: &str, tgw_id: &str) -> bool {
    state
        .transit_gateway_attachments
        .values()
        .any(|a| a.vpc_id == vpc_id && a.transit_gateway_id == tgw_id && a.state == AttachmentState::Available)
        && state.transit_gateways.get(tgw_id).is_some_and(|t| !t.is_deleted())
}
