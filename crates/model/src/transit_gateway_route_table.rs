//! Transit gateway route tables: associations, propagations, static and
//! blackhole routes.
//!
//! Each attachment is associated with at most one table (stored on the
//! attachment, so "exactly one" cannot be broken). A table's routes are its
//! static routes plus, derived when read, the CIDRs of the VPCs whose
//! attachments propagate to it (their IPv6 blocks too when the attachment
//! has IPv6 support): a propagated CIDR that overlaps one already installed
//! in the table is not installed, and a static route for the same CIDR wins
//! over a propagated one.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::cidr::{self, IpNet};
use crate::error::{IdKind, ModelError, Result};
use crate::filter::{one, opt, Field, Filter, FilterTable};
use crate::ids::{check, new_id};
use crate::state::{Changes, Ctx, State};
use crate::tags::Tags;
use crate::transit_gateway::{visible_attachment, AttachmentState, TgwAttachment, DELETED_VISIBLE_MS};

/// A transit gateway route table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TgwRouteTable {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub transit_gateway_id: String,
    /// Attachments propagating their VPC CIDRs here, in the order enabled.
    pub propagations: Vec<String>,
    pub routes: Vec<StaticRoute>,
    pub created_at: i64,
    pub deleted_at: Option<i64>,
    pub tags: Tags,
}
crate::impl_owned!(TgwRouteTable);

/// A static route: to an attachment, or a blackhole (`target` None).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaticRoute {
    /// IPv4 or IPv6 (IPv4 stored as the same JSON string as before IPv6).
    pub cidr: IpNet,
    pub target: Option<String>,
}

crate::aws_enum! {
    /// A route table's state (`TransitGatewayRouteTableState`). A table
    /// stores only whether it is deleted; `pending` and `deleting` are what
    /// the create and delete calls answer, as AWS does.
    pub enum TgwRouteTableState {
        Pending = "pending",
        Available = "available",
        Deleting = "deleting",
        Deleted = "deleted",
    }
}

crate::aws_enum! {
    /// An attachment's association with a route table
    /// (`TransitGatewayAssociationState`): `associated` while it lasts; the
    /// other states are what Associate/Disassociate answer.
    pub enum AssociationState {
        Associating = "associating",
        Associated = "associated",
        Disassociating = "disassociating",
        Disassociated = "disassociated",
    }
}

crate::aws_enum! {
    /// An attachment's propagation to a route table
    /// (`TransitGatewayPropagationState`): `enabled` while it lasts; the
    /// other states are what Enable/Disable...Propagation answer.
    pub enum PropagationState {
        Enabling = "enabling",
        Enabled = "enabled",
        Disabling = "disabling",
        Disabled = "disabled",
    }
}

crate::aws_enum! {
    /// `TransitGatewayRouteType`. Serialised in AWS's spelling (trace JSON).
    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub enum RouteType {
        Static = "static",
        Propagated = "propagated",
    }
}

crate::aws_enum! {
    /// `TransitGatewayRouteState` of a route xvpc reports: `active`, or
    /// `blackhole` (a blackhole route, or its attachment is gone).
    /// Serialised in AWS's spelling (trace JSON).
    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub enum TgwRouteState {
        Active = "active",
        Blackhole = "blackhole",
    }
}

/// A route as SearchTransitGatewayRoutes reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TgwRoute {
    pub cidr: IpNet,
    pub route_type: RouteType,
    /// The attachment traffic goes to (None for a blackhole route).
    pub attachment: Option<String>,
    pub active: bool,
}

impl TgwRoute {
    pub fn state(&self) -> TgwRouteState {
        if self.active {
            TgwRouteState::Active
        } else {
            TgwRouteState::Blackhole
        }
    }
}

impl TgwRouteTable {
    /// A new, empty table of gateway `tgw_id`.
    pub fn new(ctx: &Ctx, tgw_id: &str, tags: Tags) -> TgwRouteTable {
        TgwRouteTable {
            id: new_id("tgw-rtb"),
            owner: ctx.account.clone(),
            region: ctx.region.clone(),
            transit_gateway_id: tgw_id.to_string(),
            propagations: Vec::new(),
            routes: Vec::new(),
            created_at: ctx.now,
            deleted_at: None,
            tags,
        }
    }

    pub fn is_deleted(&self) -> bool {
        self.deleted_at.is_some()
    }

    pub fn state(&self) -> TgwRouteTableState {
        if self.is_deleted() {
            TgwRouteTableState::Deleted
        } else {
            TgwRouteTableState::Available
        }
    }

    /// Listed to its owner; deleted ones a while.
    pub fn listed(&self, ctx: &Ctx) -> bool {
        self.owner == ctx.account && self.region == ctx.region && self.deleted_at.is_none_or(|t| ctx.now - t < DELETED_VISIBLE_MS)
    }

    /// Whether the gateway names this table as its default association
    /// (`.0`) or propagation (`.1`) table.
    pub fn defaults(&self, state: &State) -> (bool, bool) {
        match state.transit_gateways.get(&self.transit_gateway_id) {
            Some(t) => (
                t.options.association_default_route_table_id.as_deref() == Some(self.id.as_str()),
                t.options.propagation_default_route_table_id.as_deref() == Some(self.id.as_str()),
            ),
            None => (false, false),
        }
    }

    /// Attachments associated with this table.
    pub fn associations<'a>(&self, state: &'a State) -> Vec<&'a TgwAttachment> {
        state.transit_gateway_attachments.values().filter(|a| a.association.as_deref() == Some(self.id.as_str())).collect()
    }

    /// All routes: static ones, then the propagated CIDRs that install.
    pub fn routes(&self, state: &State) -> Vec<TgwRoute> {
        let available = |id: &str| state.transit_gateway_attachments.get(id).is_some_and(|a| a.state == AttachmentState::Available);
        let mut out: Vec<TgwRoute> = self
            .routes
            .iter()
            .map(|r| TgwRoute {
                cidr: r.cidr,
                route_type: RouteType::Static,
                attachment: r.target.clone(),
                active: r.target.as_deref().is_some_and(available),
            })
            .collect();
        let mut installed: Vec<IpNet> = Vec::new();
        for att_id in &self.propagations {
            let Some(att) = state.transit_gateway_attachments.get(att_id).filter(|a| a.state == AttachmentState::Available) else {
                continue;
            };
            let Some(vpc) = state.vpcs.get(&att.vpc_id) else { continue };
            // IPv6 blocks propagate only from attachments with IPv6 support.
            let blocks = vpc.all_cidrs().filter(|c| c.addr().is_ipv4() || att.options.ipv6_support);
            for c in blocks {
                if installed.iter().any(|i| cidr::overlaps_any(i, &c)) {
                    continue;
                }
                installed.push(c);
                if self.routes.iter().any(|r| r.cidr == c) {
                    continue;
                }
                out.push(TgwRoute { cidr: c, route_type: RouteType::Propagated, attachment: Some(att_id.clone()), active: true });
            }
        }
        // IPv4 first, then IPv6, each by address then length.
        out.sort_by_key(|r| (r.cidr.addr().is_ipv6(), sort_key(r.cidr.network()), r.cidr.prefix_len()));
        out
    }

    /// Longest-prefix match over the table's routes (of the address's
    /// family).
    pub fn lookup(&self, state: &State, dst: impl Into<IpAddr>) -> Option<TgwRoute> {
        let dst = dst.into();
        self.routes(state).into_iter().filter(|r| r.cidr.contains(&dst)).max_by_key(|r| r.cidr.prefix_len())
    }
}

/// An address as a number, for ordering routes.
fn sort_key(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(a) => u128::from(u32::from(a)),
        IpAddr::V6(a) => u128::from(a),
    }
}

/// The caller's own table that is not deleted.
fn own_table<'a>(state: &'a State, ctx: &Ctx, id: &str) -> Result<&'a TgwRouteTable> {
    check(IdKind::TransitGatewayRouteTable, id)?;
    state
        .transit_gateway_route_tables
        .get(id)
        .filter(|r| r.owner == ctx.account && r.region == ctx.region && !r.is_deleted())
        .ok_or_else(|| ModelError::NotFound(IdKind::TransitGatewayRouteTable, id.to_string()))
}

/// An attachment of the table's gateway, seen by the gateway owner.
fn attachment_of<'a>(state: &'a State, ctx: &Ctx, table: &TgwRouteTable, id: &str) -> Result<&'a TgwAttachment> {
    let a = visible_attachment(state, ctx, id)?;
    if a.transit_gateway_id != table.transit_gateway_id || a.state == AttachmentState::Deleted {
        return Err(ModelError::NotFound(IdKind::TransitGatewayAttachment, id.to_string()));
    }
    Ok(a)
}

fn require_available(a: &TgwAttachment) -> Result<()> {
    if a.state != AttachmentState::Available {
        return Err(ModelError::IncorrectState(format!("Transit Gateway Attachment {} is in invalid state {}", a.id, a.state.as_str())));
    }
    Ok(())
}

/// CreateTransitGatewayRouteTable (gateway owner).
pub fn create_route_table(state: &State, ctx: &Ctx, tgw_id: &str, tags: Tags) -> Result<(Changes, String)> {
    let t = crate::state::owned(&state.transit_gateways, ctx, IdKind::TransitGateway, tgw_id)?;
    if t.is_deleted() {
        return Err(ModelError::NotFound(IdKind::TransitGateway, tgw_id.to_string()));
    }
    let r = TgwRouteTable::new(ctx, &t.id, tags);
    let id = r.id.clone();
    let mut ch = Changes::new();
    ch.put(r);
    Ok((ch, id))
}

/// DeleteTransitGatewayRouteTable: refused while attachments are
/// associated with it or it is a default table of its gateway.
pub fn delete_route_table(state: &State, ctx: &Ctx, id: &str) -> Result<Changes> {
    let r = own_table(state, ctx, id)?;
    if !r.associations(state).is_empty() {
        return Err(ModelError::IncorrectState(format!("{id} has associations")));
    }
    let (assoc, prop) = r.defaults(state);
    if assoc || prop {
        return Err(ModelError::IncorrectState(format!("{id} is the default route table of {}", r.transit_gateway_id)));
    }
    let mut r = r.clone();
    r.deleted_at = Some(ctx.now);
    r.propagations.clear();
    let mut ch = Changes::new();
    ch.put(r);
    Ok(ch)
}

/// AssociateTransitGatewayRouteTable: an available attachment without an
/// association (each attachment has exactly one).
pub fn associate(state: &State, ctx: &Ctx, table_id: &str, att_id: &str) -> Result<Changes> {
    let r = own_table(state, ctx, table_id)?;
    let a = attachment_of(state, ctx, r, att_id)?;
    require_available(a)?;
    if let Some(existing) = &a.association {
        return Err(ModelError::AlreadyAssociated(format!(
            "Transit Gateway Attachment {att_id} is already associated to a route table ({existing})."
        )));
    }
    let mut a = a.clone();
    a.association = Some(r.id.clone());
    let mut ch = Changes::new();
    ch.put(a);
    Ok(ch)
}

/// DisassociateTransitGatewayRouteTable.
pub fn disassociate(state: &State, ctx: &Ctx, table_id: &str, att_id: &str) -> Result<Changes> {
    let r = own_table(state, ctx, table_id)?;
    let a = attachment_of(state, ctx, r, att_id)?;
    if a.association.as_deref() != Some(table_id) {
        return Err(ModelError::TransitGatewayAssociationNotFound(format!(
            "Transit Gateway Attachment {att_id} is not associated with route table {table_id}."
        )));
    }
    let mut a = a.clone();
    a.association = None;
    let mut ch = Changes::new();
    ch.put(a);
    Ok(ch)
}

/// EnableTransitGatewayRouteTablePropagation.
pub fn enable_propagation(state: &State, ctx: &Ctx, table_id: &str, att_id: &str) -> Result<Changes> {
    let r = own_table(state, ctx, table_id)?;
    let a = attachment_of(state, ctx, r, att_id)?;
    require_available(a)?;
    if r.propagations.iter().any(|p| p == att_id) {
        return Err(ModelError::PropagationAlreadyEnabled(format!("Propagation of {att_id} to route table {table_id} is already enabled.")));
    }
    let mut r = r.clone();
    r.propagations.push(att_id.to_string());
    let mut ch = Changes::new();
    ch.put(r);
    Ok(ch)
}

/// DisableTransitGatewayRouteTablePropagation.
pub fn disable_propagation(state: &State, ctx: &Ctx, table_id: &str, att_id: &str) -> Result<Changes> {
    let r = own_table(state, ctx, table_id)?;
    attachment_of(state, ctx, r, att_id)?;
    if !r.propagations.iter().any(|p| p == att_id) {
        return Err(ModelError::PropagationNotEnabled(format!("Propagation of {att_id} to route table {table_id} is not enabled.")));
    }
    let mut r = r.clone();
    r.propagations.retain(|p| p != att_id);
    let mut ch = Changes::new();
    ch.put(r);
    Ok(ch)
}

/// A static route's destination, IPv4 or IPv6, given as its network
/// address (the reference promises no canonicalisation here).
fn parse_destination(s: &str) -> Result<IpNet> {
    s.trim()
        .parse::<IpNet>()
        .ok()
        .filter(|n| n.network() == n.addr())
        .ok_or_else(|| ModelError::InvalidParameterValue(format!("Value ({s}) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block.")))
}

/// Where a static route goes: exactly one of an attachment or a blackhole.
fn route_target(state: &State, ctx: &Ctx, r: &TgwRouteTable, att: Option<&str>, blackhole: bool) -> Result<Option<String>> {
    // An attachment id sent empty names none (Terraform's AWS provider
    // sends `TransitGatewayAttachmentId=` with `Blackhole=true`).
    match (att.filter(|a| !a.is_empty()), blackhole) {
        (Some(_), true) => Err(ModelError::InvalidParameterCombination(
            "Either TransitGatewayAttachmentId or Blackhole must be specified, not both".into(),
        )),
        (None, false) => Err(ModelError::MissingParameter("TransitGatewayAttachmentId".into())),
        (None, true) => Ok(None),
        (Some(id), false) => Ok(Some(attachment_of(state, ctx, r, id)?.id.clone())),
    }
}

/// CreateTransitGatewayRoute: a static route (to an attachment) or a
/// blackhole route. One static route per CIDR.
pub fn create_route(state: &State, ctx: &Ctx, table_id: &str, cidr_s: &str, att: Option<&str>, blackhole: bool) -> Result<(Changes, TgwRoute)> {
    let r = own_table(state, ctx, table_id)?;
    let net = parse_destination(cidr_s)?;
    let target = route_target(state, ctx, r, att, blackhole)?;
    if r.routes.iter().any(|x| x.cidr == net) {
        return Err(ModelError::RouteAlreadyExists(net.to_string()));
    }
    let mut r = r.clone();
    r.routes.push(StaticRoute { cidr: net, target });
    let route = r.routes(state).into_iter().find(|x| x.cidr == net && x.route_type == RouteType::Static).ok_or_else(|| {
        ModelError::RouteNotFound(net.to_string(), table_id.to_string())
    })?;
    let mut ch = Changes::new();
    ch.put(r);
    Ok((ch, route))
}

/// ReplaceTransitGatewayRoute: a new target for an existing static route.
pub fn replace_route(state: &State, ctx: &Ctx, table_id: &str, cidr_s: &str, att: Option<&str>, blackhole: bool) -> Result<(Changes, TgwRoute)> {
    let r = own_table(state, ctx, table_id)?;
    let net = parse_destination(cidr_s)?;
    let target = route_target(state, ctx, r, att, blackhole)?;
    let mut r = r.clone();
    let route = r.routes.iter_mut().find(|x| x.cidr == net).ok_or_else(|| ModelError::RouteNotFound(net.to_string(), table_id.to_string()))?;
    route.target = target;
    let out = r.routes(state).into_iter().find(|x| x.cidr == net && x.route_type == RouteType::Static);
    let mut ch = Changes::new();
    ch.put(r);
    Ok((ch, out.ok_or_else(|| ModelError::RouteNotFound(net.to_string(), table_id.to_string()))?))
}

/// DeleteTransitGatewayRoute: static routes only (propagated ones go by
/// disabling propagation).
pub fn delete_route(state: &State, ctx: &Ctx, table_id: &str, cidr_s: &str) -> Result<(Changes, TgwRoute)> {
    let r = own_table(state, ctx, table_id)?;
    let net = parse_destination(cidr_s)?;
    let before = r.routes(state).into_iter().find(|x| x.cidr == net && x.route_type == RouteType::Static);
    let Some(mut route) = before else {
        return Err(ModelError::RouteNotFound(net.to_string(), table_id.to_string()));
    };
    let mut r = r.clone();
    r.routes.retain(|x| x.cidr != net);
    route.active = false;
    let mut ch = Changes::new();
    ch.put(r);
    Ok((ch, route))
}

/// DescribeTransitGatewayRouteTables' filters.
pub const FILTERS: FilterTable<TgwRouteTable> = FilterTable {
    tags: Some(|r, _| Some(&r.tags)),
    fields: &[
        ("default-association-route-table", Field::Values(|r, e| one(r.defaults(e.state).0))),
        ("default-propagation-route-table", Field::Values(|r, e| one(r.defaults(e.state).1))),
        ("state", Field::Values(|r, _| one(r.state()))),
        ("transit-gateway-id", Field::Values(|r, _| one(&r.transit_gateway_id))),
        ("transit-gateway-route-table-id", Field::Values(|r, _| one(&r.id))),
    ],
};

/// The filters of GetTransitGatewayRouteTableAssociations and
/// ...Propagations, over the attachments listed.
pub const LINK_FILTERS: FilterTable<TgwAttachment> = FilterTable {
    tags: None,
    fields: &[
        ("resource-id", Field::Values(|a, _| one(&a.vpc_id))),
        ("resource-type", Field::Values(|_, _| one("vpc"))),
        ("transit-gateway-attachment-id", Field::Values(|a, _| one(&a.id))),
    ],
};

/// The CIDRs a `route-search.*` filter gives (either family).
fn nets(values: &[String]) -> Result<Vec<IpNet>> {
    let parse = |v: &String| v.trim().parse::<IpNet>().ok().map(|n| n.trunc());
    values.iter().map(|v| parse(v).ok_or_else(|| ModelError::InvalidParameterValue(format!("Invalid CIDR {v}")))).collect()
}

/// Whether `outer` contains all of `inner` (never across families).
fn covers(outer: &IpNet, inner: &IpNet) -> bool {
    outer.contains(inner)
}

/// The attachment a route points to, if it still exists.
fn route_attachment<'a>(route: &TgwRoute, state: &'a State) -> Option<&'a TgwAttachment> {
    route.attachment.as_ref().and_then(|a| state.transit_gateway_attachments.get(a))
}

/// SearchTransitGatewayRoutes' filters; `route-search.*` compare CIDRs
/// rather than strings.
pub const ROUTE_FILTERS: FilterTable<TgwRoute> = FilterTable {
    tags: None,
    fields: &[
        ("attachment.resource-id", Field::Values(|r, e| opt(route_attachment(r, e.state).map(|a| &a.vpc_id)))),
        ("attachment.resource-type", Field::Values(|r, e| opt(route_attachment(r, e.state).map(|_| "vpc")))),
        ("attachment.transit-gateway-attachment-id", Field::Values(|r, _| opt(r.attachment.as_ref()))),
        ("prefix-list-id", Field::Absent),
        ("route-search.exact-match", Field::Test(|r, _, v| Ok(nets(v)?.iter().any(|n| *n == r.cidr)))),
        ("route-search.longest-prefix-match", Field::Test(|r, _, v| Ok(nets(v)?.iter().any(|n| covers(&r.cidr, n))))),
        ("route-search.subnet-of-match", Field::Test(|r, _, v| Ok(nets(v)?.iter().any(|n| covers(n, &r.cidr))))),
        ("route-search.supernet-of-match", Field::Test(|r, _, v| Ok(nets(v)?.iter().any(|n| covers(&r.cidr, n))))),
        ("state", Field::Values(|r, _| one(r.state()))),
        ("type", Field::Values(|r, _| one(r.route_type))),
    ],
};

/// SearchTransitGatewayRoutes: routes matching every filter.
/// `route-search.longest-prefix-match` keeps only the most specific match.
pub fn search(table: &TgwRouteTable, state: &State, ctx: &Ctx, filters: &[Filter]) -> Result<Vec<TgwRoute>> {
    let mut out = ROUTE_FILTERS.select(filters, state, ctx, table.routes(state))?;
    if filters.iter().any(|f| f.name == "route-search.longest-prefix-match") {
        if let Some(best) = out.iter().map(|r| r.cidr.prefix_len()).max() {
            out.retain(|r| r.cidr.prefix_len() == best);
        }
    }
    Ok(out)
}
