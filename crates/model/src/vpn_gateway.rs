//! Virtual private gateways (`vgw-`): the VPC's end of Site-to-Site VPN
//! connections, attached to one VPC, and the route propagation they offer
//! to its route tables.
//!
//! AWS's rules (API reference of CreateVpnGateway, AttachVpnGateway,
//! DetachVpnGateway, DeleteVpnGateway, EnableVgwRoutePropagation; Site-to-Site
//! VPN user guide, "Virtual private gateway"; "Site-to-Site VPN quotas"):
//! - type `ipsec.1`; the Amazon side ASN is 64512 unless given (a private
//!   ASN: 64512-65534 or 4200000000-4294967294);
//! - a gateway attaches to one VPC, a VPC has one virtual private gateway
//!   ("1 virtual private gateway per VPC"); `attaching` -> `attached`,
//!   detaching removes the attachment; a gateway still attached cannot be
//!   deleted (`IncorrectState`), nor the VPC it is attached to;
//! - routes (`GatewayId=vgw-...`) need the gateway attached to the table's
//!   VPC, and are blackholes otherwise;
//! - propagation lists the gateway on the table (`PropagatingVgws`); routes
//!   arrive from the VPN connections' (BGP or static) routes.
//!
//! xvpc emulates no VPN connection and no on-premises side: propagation
//! adds no route, and the engine ends a path at the gateway (see
//! `xvpc_reach::routing`).

use serde::{Deserialize, Serialize};

use crate::error::{IdKind, ModelError, Result};
use crate::filter::{one, opt, Field, FilterTable};
use crate::ids::new_id;
use crate::state::{owned, Changes, Ctx, ResourceKind, State};
use crate::tags::Tags;

/// AWS's default Amazon side ASN.
pub const DEFAULT_ASN: i64 = 64512;

/// A virtual private gateway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VpnGateway {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub amazon_side_asn: i64,
    /// `AvailabilityZone` as given (AWS accepts and ignores it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<String>,
    /// The VPC it is attached to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attached_vpc: Option<String>,
    pub tags: Tags,
}
crate::impl_owned!(VpnGateway);

/// DescribeVpnGateways' filters.
pub const FILTERS: FilterTable<VpnGateway> = FilterTable {
    tags: Some(|g, _| Some(&g.tags)),
    fields: &[
        ("amazon-side-asn", Field::Values(|g, _| one(g.amazon_side_asn))),
        ("attachment.state", Field::Values(|g, _| g.attached_vpc.iter().map(|_| "attached".to_string()).collect())),
        ("attachment.vpc-id", Field::Values(|g, _| opt(g.attached_vpc.as_ref()))),
        ("availability-zone", Field::Values(|g, _| opt(g.availability_zone.as_ref()))),
        ("state", Field::Values(|_, _| one("available"))),
        ("type", Field::Values(|_, _| one("ipsec.1"))),
        ("vpn-gateway-id", Field::Values(|g, _| one(&g.id))),
    ],
};

/// The gateway attached to `vpc_id`, if any.
pub fn of_vpc<'a>(state: &'a State, vpc_id: &str) -> Option<&'a VpnGateway> {
    state.vpn_gateways.values().find(|g| g.attached_vpc.as_deref() == Some(vpc_id))
}

/// Whether a route of a table in `vpc_id` to gateway `id` can carry
/// traffic: the gateway is attached to that VPC.
pub fn attached_to(state: &State, id: &str, vpc_id: &str) -> bool {
    state.vpn_gateways.get(id).is_some_and(|g| g.attached_vpc.as_deref() == Some(vpc_id))
}

/// Whether an ASN is private (AWS's range for the Amazon side).
fn private_asn(asn: i64) -> bool {
    (64512..=65534).contains(&asn) || (4_200_000_000..=4_294_967_294).contains(&asn)
}

/// CreateVpnGateway (`Type` is `ipsec.1`, the only value).
pub fn create(ctx: &Ctx, asn: Option<i64>, availability_zone: Option<String>, tags: Tags) -> Result<(Changes, String)> {
    let asn = asn.unwrap_or(DEFAULT_ASN);
    if !private_asn(asn) {
        return Err(ModelError::InvalidParameterValue(format!(
            "The amazonSideAsn {asn} is invalid: it must be a private ASN (64512-65534 or 4200000000-4294967294)"
        )));
    }
    let g = VpnGateway { id: new_id("vgw"), owner: ctx.account.clone(), region: ctx.region.clone(), amazon_side_asn: asn, availability_zone, attached_vpc: None, tags };
    let id = g.id.clone();
    let mut ch = Changes::new();
    ch.put(g);
    Ok((ch, id))
}

/// AttachVpnGateway: one VPC per gateway, one gateway per VPC.
pub fn attach(state: &State, ctx: &Ctx, id: &str, vpc_id: &str) -> Result<Changes> {
    let g = owned(&state.vpn_gateways, ctx, IdKind::VpnGateway, id)?;
    let vpc = owned(&state.vpcs, ctx, IdKind::Vpc, vpc_id)?;
    if g.attached_vpc.as_deref() == Some(vpc.id.as_str()) {
        return Err(ModelError::AlreadyAssociated(format!("{id} is already attached to network {vpc_id}")));
    }
    if let Some(other) = &g.attached_vpc {
        return Err(ModelError::LimitExceeded(
            crate::error::Limit::VpnGatewayAttachments,
            format!("Virtual private gateway {id} is already attached to {other}: a gateway attaches to one VPC"),
        ));
    }
    if let Some(other) = of_vpc(state, &vpc.id) {
        return Err(ModelError::LimitExceeded(
            crate::error::Limit::VpnGatewayAttachments,
            format!("VPC {vpc_id} already has virtual private gateway {} attached", other.id),
        ));
    }
    let mut g = g.clone();
    g.attached_vpc = Some(vpc.id.clone());
    let mut ch = Changes::new();
    ch.put(g);
    Ok(ch)
}

/// DetachVpnGateway: routes to it become blackholes; propagation stops.
pub fn detach(state: &State, ctx: &Ctx, id: &str, vpc_id: &str) -> Result<Changes> {
    let g = owned(&state.vpn_gateways, ctx, IdKind::VpnGateway, id)?;
    crate::ids::check(IdKind::Vpc, vpc_id)?;
    if g.attached_vpc.as_deref() != Some(vpc_id) {
        return Err(ModelError::VpnGatewayAttachmentNotFound(format!("The attachment with vpn gateway ID '{id}' and vpc ID '{vpc_id}' does not exist")));
    }
    let mut g = g.clone();
    g.attached_vpc = None;
    let mut ch = Changes::new();
    ch.put(g);
    Ok(ch)
}

/// DeleteVpnGateway: detached first.
pub fn delete(state: &State, ctx: &Ctx, id: &str) -> Result<Changes> {
    let g = owned(&state.vpn_gateways, ctx, IdKind::VpnGateway, id)?;
    if let Some(vpc) = &g.attached_vpc {
        return Err(ModelError::IncorrectState(format!("The vpn gateway '{id}' is attached to {vpc}: detach it first")));
    }
    let mut ch = Changes::new();
    // Propagation ends with the gateway.
    for t in state.route_tables.owned_by(&g.owner, &g.region).filter(|t| t.propagating_vgws.iter().any(|v| v == id)) {
        let mut t = t.clone();
        t.propagating_vgws.retain(|v| v != id);
        ch.put(t);
    }
    ch.delete(ResourceKind::VpnGateway, id);
    Ok(ch)
}

/// EnableVgwRoutePropagation / DisableVgwRoutePropagation on one of the
/// caller's route tables.
pub fn set_propagation(state: &State, ctx: &Ctx, id: &str, table_id: &str, on: bool) -> Result<Changes> {
    let t = owned(&state.route_tables, ctx, IdKind::RouteTable, table_id)?;
    let g = owned(&state.vpn_gateways, ctx, IdKind::VpnGateway, id)?;
    let mut t = t.clone();
    t.propagating_vgws.retain(|v| v != &g.id);
    if on {
        t.propagating_vgws.push(g.id.clone());
    }
    let mut ch = Changes::new();
    ch.put(t);
    Ok(ch)
}

#[cfg(test)]
#[path = "vpn_gateway_tests.rs"]
mod tests;
