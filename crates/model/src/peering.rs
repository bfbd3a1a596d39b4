//! VPC peering connections: one requester VPC, one accepter VPC, possibly
//! in different accounts and regions, and the lifecycle AWS enforces.
//!
//! Stored statuses are `pending-acceptance`, `active`, `failed`, `rejected`
//! and `deleted`. `expired` is derived when read: a request still pending
//! 7 days after it was made has expired (AWS's default expiry), so moving
//! the clock is enough. Terminal connections stay visible for a while
//! (AWS's VPC Peering Guide, "VPC peering connection lifecycle"): `failed`
//! 2 hours to the requester; `expired` 2 days to both; `rejected` 2 days to
//! the requester and 2 hours to the accepter; `deleted` 2 hours to the party
//! that deleted it and 2 days to the other (2 hours for both when one
//! account owns both VPCs).
//!
//! Each owner sees the connection in the region of its own VPC. Tags are
//! per viewer: "tags that you create for your VPC peering connection are
//! only applied in the account or Region in which you create them".

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::cidr::{self, Ipv4Net};
use crate::error::{IdKind, ModelError, Result};
use crate::filter::{one, opt, Field, FilterTable};
use crate::ids::new_id;
use crate::state::{owned, Changes, Ctx, State};
use crate::tags::Tags;
use crate::vpc::Vpc;

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;
/// A request not accepted within 7 days expires.
pub const EXPIRY_MS: i64 = 7 * DAY_MS;

/// The options each side sets for itself (ModifyVpcPeeringConnectionOptions).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeeringOptions {
    pub allow_dns_resolution_from_remote_vpc: bool,
}

/// One side of a connection, as `RequesterVpcInfo` / `AccepterVpcInfo` show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeerSide {
    pub owner: String,
    pub region: String,
    pub vpc_id: String,
    /// The VPC's IPv4 blocks when last seen (the live VPC wins when it exists).
    pub cidr_blocks: Vec<Ipv4Net>,
    pub options: PeeringOptions,
}

/// The stored part of the status; `expired` is derived from the clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StoredStatus {
    PendingAcceptance,
    Active,
    /// Created failed, with AWS's reason.
    Failed(String),
    Rejected,
    Deleted,
}

/// A status code as DescribeVpcPeeringConnections reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    InitiatingRequest,
    PendingAcceptance,
    Active,
    Failed,
    Rejected,
    Deleted,
    Expired,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::InitiatingRequest => "initiating-request",
            Status::PendingAcceptance => "pending-acceptance",
            Status::Active => "active",
            Status::Failed => "failed",
            Status::Rejected => "rejected",
            Status::Deleted => "deleted",
            Status::Expired => "expired",
        }
    }
}

/// A VPC peering connection. `owner`/`region` are the requester's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VpcPeeringConnection {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub requester: PeerSide,
    pub accepter: PeerSide,
    pub status: StoredStatus,
    pub created_at: i64,
    /// When the stored status last changed (start of the visibility window).
    pub changed_at: i64,
    /// The account that rejected or deleted the connection.
    pub changed_by: Option<String>,
    /// Tags per viewer, keyed by [`view_key`].
    pub tags: BTreeMap<String, Tags>,
}
crate::impl_owned!(VpcPeeringConnection);

/// The key of one viewer's tags: `account/region`.
pub fn view_key(account: &str, region: &str) -> String {
    format!("{account}/{region}")
}

impl VpcPeeringConnection {
    /// The status at `now` (a pending request past its expiry is `expired`).
    pub fn status(&self, now: i64) -> Status {
        match &self.status {
            StoredStatus::PendingAcceptance if now >= self.created_at + EXPIRY_MS => Status::Expired,
            StoredStatus::PendingAcceptance => Status::PendingAcceptance,
            StoredStatus::Active => Status::Active,
            StoredStatus::Failed(_) => Status::Failed,
            StoredStatus::Rejected => Status::Rejected,
            StoredStatus::Deleted => Status::Deleted,
        }
    }

    /// `Status.Message`.
    pub fn status_message(&self, now: i64) -> String {
        let by = self.changed_by.as_deref().unwrap_or(&self.requester.owner);
        match (self.status(now), &self.status) {
            (_, StoredStatus::Failed(m)) => m.clone(),
            (Status::PendingAcceptance, _) => format!("Pending Acceptance by {}", self.accepter.owner),
            (Status::Expired, _) => "Expired".into(),
            (Status::Active, _) => "Active".into(),
            (Status::Rejected, _) => format!("Rejected by {by}"),
            (Status::Deleted, _) => format!("Deleted by {by}"),
            _ => String::new(),
        }
    }

    /// `ExpirationTime`: shown while the request waits (and once expired).
    pub fn expiration_time(&self, now: i64) -> Option<i64> {
        matches!(self.status(now), Status::PendingAcceptance | Status::Expired).then_some(self.created_at + EXPIRY_MS)
    }

    pub fn is_requester(&self, account: &str, region: &str) -> bool {
        self.requester.owner == account && self.requester.region == region
    }

    pub fn is_accepter(&self, account: &str, region: &str) -> bool {
        self.accepter.owner == account && self.accepter.region == region
    }

    fn same_account(&self) -> bool {
        self.requester.owner == self.accepter.owner
    }

    /// Whether `account`, calling in `region`, sees the connection at `now`.
    pub fn visible_to(&self, account: &str, region: &str, now: i64) -> bool {
        let req = self.is_requester(account, region);
        let acc = self.is_accepter(account, region);
        if !req && !acc {
            return false;
        }
        let status = self.status(now);
        let (since, window) = match status {
            Status::Failed => {
                if !req {
                    return false;
                }
                (self.changed_at, 2 * HOUR_MS)
            }
            Status::Expired => (self.created_at + EXPIRY_MS, 2 * DAY_MS),
            Status::Rejected => {
                let long = req && !self.same_account();
                (self.changed_at, if long { 2 * DAY_MS } else { 2 * HOUR_MS })
            }
            Status::Deleted => {
                let deleter = self.changed_by.as_deref() == Some(account);
                (self.changed_at, if deleter || self.same_account() { 2 * HOUR_MS } else { 2 * DAY_MS })
            }
            _ => return true,
        };
        now < since + window
    }

    /// Whether the connection joins these two VPCs (in either direction).
    pub fn joins(&self, a: &str, b: &str) -> bool {
        (self.requester.vpc_id == a && self.accepter.vpc_id == b) || (self.requester.vpc_id == b && self.accepter.vpc_id == a)
    }

    pub fn involves(&self, vpc_id: &str) -> bool {
        self.requester.vpc_id == vpc_id || self.accepter.vpc_id == vpc_id
    }

    /// The caller's tags on this connection.
    pub fn tags_for(&self, account: &str, region: &str) -> Option<&Tags> {
        self.tags.get(&view_key(account, region))
    }

    /// The side's current CIDR blocks: the live VPC's, or the last seen.
    pub fn cidrs(&self, state: &State, side: &PeerSide) -> Vec<Ipv4Net> {
        match state.vpcs.get(&side.vpc_id) {
            Some(v) if v.owner == side.owner && v.region == side.region => v.cidrs().collect(),
            _ => side.cidr_blocks.clone(),
        }
    }

    /// The side's current IPv6 blocks (`Ipv6CidrBlockSet`): the live VPC's;
    /// none once it is gone.
    pub fn ipv6_cidrs(&self, state: &State, side: &PeerSide) -> Vec<crate::cidr::Ipv6Net> {
        match state.vpcs.get(&side.vpc_id) {
            Some(v) if v.owner == side.owner && v.region == side.region => v.ipv6_cidrs().collect(),
            _ => Vec::new(),
        }
    }
}

/// DescribeVpcPeeringConnections' filters; tags are each viewer's own.
pub const FILTERS: FilterTable<VpcPeeringConnection> = FilterTable {
    tags: Some(|x, ctx| x.tags_for(&ctx.account, &ctx.region)),
    fields: &[
        ("accepter-vpc-info.cidr-block", Field::Values(|x, e| x.cidrs(e.state, &x.accepter).iter().map(|c| c.to_string()).collect())),
        ("accepter-vpc-info.owner-id", Field::Values(|x, _| one(&x.accepter.owner))),
        ("accepter-vpc-info.vpc-id", Field::Values(|x, _| one(&x.accepter.vpc_id))),
        ("expiration-time", Field::Values(|x, e| opt(x.expiration_time(e.ctx.now).map(iso8601)))),
        ("requester-vpc-info.cidr-block", Field::Values(|x, e| x.cidrs(e.state, &x.requester).iter().map(|c| c.to_string()).collect())),
        ("requester-vpc-info.owner-id", Field::Values(|x, _| one(&x.requester.owner))),
        ("requester-vpc-info.vpc-id", Field::Values(|x, _| one(&x.requester.vpc_id))),
        ("status-code", Field::Values(|x, e| one(x.status(e.ctx.now).code()))),
        ("status-message", Field::Values(|x, e| one(x.status_message(e.ctx.now)))),
        ("vpc-peering-connection-id", Field::Values(|x, _| one(&x.id))),
    ],
};

/// AWS's timestamp form `2026-11-26T07:40:19.000Z`, for filter values.
/// Responses are written by `wire::Timestamp::iso8601`; the model may not
/// depend on wire, so the api crate's tests keep the two in step.
pub fn iso8601(ms: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// The connection `id` as the caller sees it, or AWS's NotFound.
pub fn visible<'a>(state: &'a State, ctx: &Ctx, id: &str) -> Result<&'a VpcPeeringConnection> {
    crate::ids::check(IdKind::VpcPeeringConnection, id)?;
    state
        .peering_connections
        .get(id)
        .filter(|p| p.visible_to(&ctx.account, &ctx.region, ctx.now))
        .ok_or_else(|| ModelError::NotFound(IdKind::VpcPeeringConnection, id.to_string()))
}

/// Whether the connection exists and is active (route and SG targets).
pub fn is_active(state: &State, id: &str) -> bool {
    state.peering_connections.get(id).is_some_and(|p| p.status == StoredStatus::Active)
}

/// Input of CreateVpcPeeringConnection.
#[derive(Debug, Clone, Default)]
pub struct CreatePeering {
    pub vpc_id: String,
    pub peer_vpc_id: String,
    /// Default: the caller's account.
    pub peer_owner_id: Option<String>,
    /// Default: the caller's region.
    pub peer_region: Option<String>,
    pub tags: Tags,
}

fn side(vpc: &Vpc) -> PeerSide {
    PeerSide { owner: vpc.owner.clone(), region: vpc.region.clone(), vpc_id: vpc.id.clone(), cidr_blocks: vpc.cidrs().collect(), options: PeeringOptions::default() }
}

/// A pending or active connection already joining the two VPCs.
fn existing<'a>(state: &'a State, now: i64, a: &str, b: &str, except: &str) -> Option<&'a VpcPeeringConnection> {
    state
        .peering_connections
        .values()
        .filter(|p| p.id != except && p.joins(a, b))
        .find(|p| matches!(p.status(now), Status::PendingAcceptance | Status::Active))
}

/// CreateVpcPeeringConnection. Overlapping IPv4 blocks (primary or
/// secondary, on either side) or a peer VPC that does not exist where the
/// request says do not refuse the request: the connection is created
/// `failed`, as in AWS.
pub fn create(state: &State, ctx: &Ctx, input: CreatePeering) -> Result<(Changes, String)> {
    let vpc = owned(&state.vpcs, ctx, IdKind::Vpc, &input.vpc_id)?;
    if input.peer_vpc_id.is_empty() {
        return Err(ModelError::MissingParameter("peerVpcId".into()));
    }
    crate::ids::check(IdKind::Vpc, &input.peer_vpc_id)?;
    let peer_owner = input.peer_owner_id.unwrap_or_else(|| ctx.account.clone());
    if peer_owner.len() != 12 || !peer_owner.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ModelError::InvalidParameterValue(format!("Invalid value '{peer_owner}' for peerOwnerId")));
    }
    let peer_region = input.peer_region.unwrap_or_else(|| ctx.region.clone());
    if crate::region::region(&peer_region).is_none() {
        return Err(ModelError::InvalidParameterValue(format!("Invalid value '{peer_region}' for peerRegion")));
    }
    if input.peer_vpc_id == vpc.id {
        return Err(ModelError::InvalidParameterValue(format!("The requester VPC and the accepter VPC must be different: {}", vpc.id)));
    }
    if let Some(p) = existing(state, ctx.now, &vpc.id, &input.peer_vpc_id, "") {
        return Err(ModelError::PeeringAlreadyExists(format!(
            "A VPC peering connection {} already exists between {} and {}",
            p.id, vpc.id, input.peer_vpc_id
        )));
    }
    let peer = state.vpcs.get(&input.peer_vpc_id).filter(|v| v.owner == peer_owner && v.region == peer_region);
    let (accepter, status) = match peer {
        None => (
            PeerSide { owner: peer_owner.clone(), region: peer_region.clone(), vpc_id: input.peer_vpc_id.clone(), cidr_blocks: Vec::new(), options: PeeringOptions::default() },
            StoredStatus::Failed(format!("The VPC {} does not exist in account {peer_owner}, region {peer_region}", input.peer_vpc_id)),
        ),
        Some(p) => {
            let overlap = vpc.cidrs().find_map(|a| p.cidrs().find(|b| cidr::overlaps(&a, b)).map(|b| (a, b)));
            let status = match overlap {
                Some((a, b)) => StoredStatus::Failed(format!("Overlapping CIDR ranges: {a} ({}) and {b} ({})", vpc.id, p.id)),
                None => StoredStatus::PendingAcceptance,
            };
            (side(p), status)
        }
    };
    let mut tags = BTreeMap::new();
    if !input.tags.is_empty() {
        tags.insert(view_key(&ctx.account, &ctx.region), input.tags);
    }
    let pcx = VpcPeeringConnection {
        id: new_id("pcx"),
        owner: ctx.account.clone(),
        region: ctx.region.clone(),
        requester: side(vpc),
        accepter,
        status,
        created_at: ctx.now,
        changed_at: ctx.now,
        changed_by: None,
        tags,
    };
    let id = pcx.id.clone();
    let mut ch = Changes::new();
    ch.put(pcx);
    Ok((ch, id))
}

fn transition_error(p: &VpcPeeringConnection, now: i64, to: &str) -> ModelError {
    ModelError::InvalidStateTransition(format!(
        "Invalid state transition for {}, attempted to transition from {} to {to}",
        p.id,
        p.status(now).code()
    ))
}

/// Checks that the caller is the accepter, in the accepter's region, and
/// that the request still waits. `verb` is `accept` or `reject`.
fn accepter_decision<'a>(state: &'a State, ctx: &Ctx, id: &str, verb: &str) -> Result<&'a VpcPeeringConnection> {
    let p = visible(state, ctx, id)?;
    if p.accepter.owner != ctx.account {
        return Err(ModelError::OperationNotPermitted(format!("User {} cannot {verb} peering {}", ctx.account, p.id)));
    }
    if p.accepter.region != ctx.region {
        let what = if verb == "accept" { "accepted" } else { "accepted or rejected" };
        return Err(ModelError::OperationNotPermitted(format!(
            "Incorrect region ({}) specified for this request. VPC peering connection {} must be {what} in region {}",
            ctx.region, p.id, p.accepter.region
        )));
    }
    if p.status(ctx.now) != Status::PendingAcceptance {
        return Err(transition_error(p, ctx.now, if verb == "accept" { "active" } else { "rejected" }));
    }
    Ok(p)
}

/// AcceptVpcPeeringConnection: only the accepter VPC's owner, in its region.
pub fn accept(state: &State, ctx: &Ctx, id: &str) -> Result<Changes> {
    let p = accepter_decision(state, ctx, id, "accept")?;
    if let Some(other) = existing(state, ctx.now, &p.requester.vpc_id, &p.accepter.vpc_id, &p.id).filter(|o| o.status == StoredStatus::Active) {
        return Err(ModelError::PeeringAlreadyExists(format!(
            "A VPC peering connection {} already exists between {} and {}",
            other.id, p.requester.vpc_id, p.accepter.vpc_id
        )));
    }
    let mut p = p.clone();
    p.requester.cidr_blocks = p.cidrs(state, &p.requester);
    p.accepter.cidr_blocks = p.cidrs(state, &p.accepter);
    p.status = StoredStatus::Active;
    p.changed_at = ctx.now;
    let mut ch = Changes::new();
    ch.put(p);
    Ok(ch)
}

/// RejectVpcPeeringConnection: only the accepter, while pending.
pub fn reject(state: &State, ctx: &Ctx, id: &str) -> Result<Changes> {
    let mut p = accepter_decision(state, ctx, id, "reject")?.clone();
    p.status = StoredStatus::Rejected;
    p.changed_at = ctx.now;
    p.changed_by = Some(ctx.account.clone());
    let mut ch = Changes::new();
    ch.put(p);
    Ok(ch)
}

/// DeleteVpcPeeringConnection: the requester may delete a pending request;
/// either owner an active connection. Failed, rejected, expired and deleted
/// connections cannot be deleted (AWS: `InvalidStateTransition`).
pub fn delete(state: &State, ctx: &Ctx, id: &str) -> Result<Changes> {
    let p = visible(state, ctx, id)?;
    match p.status(ctx.now) {
        Status::Active => {}
        Status::PendingAcceptance if p.is_requester(&ctx.account, &ctx.region) => {}
        Status::PendingAcceptance => {
            return Err(ModelError::OperationNotPermitted(format!(
                "User {} cannot delete peering {}: only the requester can delete a pending request; the accepter rejects it",
                ctx.account, p.id
            )))
        }
        _ => return Err(transition_error(p, ctx.now, "deleting")),
    }
    Ok(mark_deleted(state, p, ctx))
}

fn mark_deleted(state: &State, p: &VpcPeeringConnection, ctx: &Ctx) -> Changes {
    let mut p = p.clone();
    p.requester.cidr_blocks = p.cidrs(state, &p.requester);
    p.accepter.cidr_blocks = p.cidrs(state, &p.accepter);
    p.status = StoredStatus::Deleted;
    p.changed_at = ctx.now;
    p.changed_by = Some(ctx.account.clone());
    let mut ch = Changes::new();
    ch.put(p);
    ch
}

/// What ModifyVpcPeeringConnectionOptions asks for each side (`None`:
/// that side is not in the request).
#[derive(Debug, Clone, Default)]
pub struct OptionsChange {
    pub requester: Option<PeeringOptions>,
    pub accepter: Option<PeeringOptions>,
}

/// ModifyVpcPeeringConnectionOptions: only on active connections, and each
/// owner sets its own side, from its own VPC's region.
pub fn modify_options(state: &State, ctx: &Ctx, id: &str, change: OptionsChange) -> Result<(Changes, VpcPeeringConnection)> {
    let p = visible(state, ctx, id)?;
    if p.status(ctx.now) != Status::Active {
        return Err(ModelError::OperationNotPermitted(format!(
            "Peering {} is not active. Peering options can be added only to active peerings.",
            p.id
        )));
    }
    let mut p = p.clone();
    if let Some(o) = change.requester {
        if !p.is_requester(&ctx.account, &ctx.region) {
            return Err(ModelError::OperationNotPermitted(format!(
                "User {} does not have permission to modify the requester side peering options",
                ctx.account
            )));
        }
        p.requester.options = o;
    }
    if let Some(o) = change.accepter {
        if !p.is_accepter(&ctx.account, &ctx.region) {
            return Err(ModelError::OperationNotPermitted(format!(
                "User {} does not have permission to modify the accepter side peering options",
                ctx.account
            )));
        }
        p.accepter.options = o;
    }
    let mut ch = Changes::new();
    ch.put(p.clone());
    Ok((ch, p))
}

/// What DeleteVpc does to the VPC's peering connections, per the VPC
/// Peering Guide: an active connection, or a pending request the VPC sent,
/// is deleted with it; a pending request *received* from another account
/// blocks the deletion ("You must first reject the VPC peering connection
/// request": `DependencyViolation`).
pub fn on_vpc_delete(state: &State, ctx: &Ctx, vpc: &Vpc) -> Result<Changes> {
    let mut ch = Changes::new();
    for p in state.peering_connections.values().filter(|p| p.involves(&vpc.id)) {
        match p.status(ctx.now) {
            Status::PendingAcceptance if p.accepter.vpc_id == vpc.id && !p.same_account() => {
                return Err(ModelError::DependencyViolation(format!(
                    "The vpc '{}' has dependencies and cannot be deleted: reject the pending VPC peering connection request {} first",
                    vpc.id, p.id
                )));
            }
            Status::PendingAcceptance | Status::Active => {
                ch.extend(mark_deleted(state, p, ctx));
            }
            _ => {}
        }
    }
    Ok(ch)
}

/// The connection a route of `table_vpc` may target: one the table's owner
/// sees, with the table's VPC as one side (AWS: `InvalidParameterValue`,
/// "... belong to different networks"). Its state does not matter; a route
/// to a connection that is not active is a blackhole.
pub fn check_route_target(state: &State, ctx: &Ctx, route_table_id: &str, table_vpc_id: &str, pcx_id: &str) -> Result<()> {
    let p = visible(state, ctx, pcx_id)?;
    if !p.involves(table_vpc_id) {
        return Err(ModelError::InvalidParameterValue(format!(
            "route table {route_table_id} and network gateway {pcx_id} belong to different networks"
        )));
    }
    Ok(())
}

crate::aws_enum! {
    /// `PeeringStatus` of a security group rule that references a group
    /// across a peering connection: `active`, `deleted` once the
    /// connection is gone (the rule is then stale), `inactive` otherwise.
    pub enum ReferenceStatus {
        Active = "active",
        Inactive = "inactive",
        Deleted = "deleted",
    }
}

/// The [`ReferenceStatus`] of a rule naming peering connection `id`.
pub fn reference_status(state: &State, id: &str) -> ReferenceStatus {
    state.peering_connections.get(id).map_or(ReferenceStatus::Deleted, |p| match p.status {
        StoredStatus::Active => ReferenceStatus::Active,
        StoredStatus::Deleted => ReferenceStatus::Deleted,
        _ => ReferenceStatus::Inactive,
    })
}

/// The active, same-region connection through which a group of `vpc_id`
/// may reference a group of `peer_vpc_id` (AWS allows peer-group
/// references only over an active peering in one region).
pub fn connection_for_group_reference<'a>(state: &'a State, vpc_id: &str, peer_vpc_id: &str) -> Option<&'a VpcPeeringConnection> {
    state
        .peering_connections
        .values()
        .find(|p| p.joins(vpc_id, peer_vpc_id) && p.status == StoredStatus::Active && p.requester.region == p.accepter.region)
}

/// Edits the caller's tags on a connection it sees.
pub fn edit_tags(state: &State, ctx: &Ctx, id: &str, f: impl Fn(&mut Tags) -> Result<()>) -> Result<Changes> {
    let mut p = visible(state, ctx, id)?.clone();
    let key = view_key(&ctx.account, &ctx.region);
    let mut tags = p.tags.remove(&key).unwrap_or_default();
    f(&mut tags)?;
    if !tags.is_empty() {
        p.tags.insert(key, tags);
    }
    let mut ch = Changes::new();
    ch.put(p);
    Ok(ch)
}

#[cfg(test)]
#[path = "peering_tests.rs"]
mod tests;
