//! VPC peering actions, and DescribeStaleSecurityGroups (rules left stale
//! when a peering goes away).

use xvpc_model::peering::{self, CreatePeering, OptionsChange, PeerSide, PeeringOptions, Status, VpcPeeringConnection};
use xvpc_model::security_group::{RulePeer, SgRule};
use xvpc_model::{IdKind, State};
use xvpc_wire::{QueryParams, XmlWriter};

use super::{filters, paginate, require_all, tag_specs, timestamp, write_tags};
use crate::call::{Call, QueryHandler};
use crate::errors::{client, Result};

pub const ACTIONS: &[(&str, QueryHandler)] = &[
    ("CreateVpcPeeringConnection", create_vpc_peering_connection),
    ("AcceptVpcPeeringConnection", accept_vpc_peering_connection),
    ("RejectVpcPeeringConnection", reject_vpc_peering_connection),
    ("DeleteVpcPeeringConnection", delete_vpc_peering_connection),
    ("DescribeVpcPeeringConnections", describe_vpc_peering_connections),
    ("ModifyVpcPeeringConnectionOptions", modify_vpc_peering_connection_options),
    ("DescribeStaleSecurityGroups", describe_stale_security_groups),
];

/// `PeeringStatus` of a security group reference across a peering.
pub fn peering_status(state: &State, id: &str) -> &'static str {
    peering::reference_status(state, id).as_str()
}

fn write_options(w: &mut XmlWriter, name: &str, o: &PeeringOptions) {
    w.open(name)
        .bool_leaf("allowDnsResolutionFromRemoteVpc", o.allow_dns_resolution_from_remote_vpc)
        .bool_leaf("allowEgressFromLocalClassicLinkToRemoteVpc", false)
        .bool_leaf("allowEgressFromLocalVpcToRemoteClassicLink", false)
        .close(name);
}

/// `requesterVpcInfo` / `accepterVpcInfo`. The accepter's blocks and
/// options are shown once the connection is active, as AWS does (a pending
/// request shows only the accepter's owner, VPC and region).
fn write_side(w: &mut XmlWriter, name: &str, p: &VpcPeeringConnection, side: &PeerSide, full: bool, state: &State) {
    w.open(name);
    if full {
        let cidrs = p.cidrs(state, side);
        if let Some(first) = cidrs.first() {
            w.leaf("cidrBlock", first.to_string());
        }
        w.items("cidrBlockSet", &cidrs, |w, c| {
            w.leaf("cidrBlock", c.to_string());
        });
        write_options(w, "peeringOptions", &side.options);
    }
    w.leaf("ownerId", &side.owner).leaf("vpcId", &side.vpc_id).leaf("region", &side.region);
    w.close(name);
}

/// The `<vpcPeeringConnection>` content as `call`'s caller sees it.
/// `status` overrides the code shown (the create response's
/// `initiating-request`).
fn write_pcx(w: &mut XmlWriter, call: &Call, p: &VpcPeeringConnection, status: Option<Status>) {
    let now = call.ctx.now;
    let state = call.state();
    let code = status.unwrap_or_else(|| p.status(now));
    let accepter_full = p.status(now) == Status::Active;
    write_side(w, "accepterVpcInfo", p, &p.accepter, accepter_full, state);
    w.opt_leaf("expirationTime", p.expiration_time(now).map(timestamp));
    write_side(w, "requesterVpcInfo", p, &p.requester, true, state);
    let message = match code {
        Status::InitiatingRequest => format!("Initiating Request to {}", p.accepter.owner),
        _ => p.status_message(now),
    };
    w.open("status").leaf("code", code.code()).leaf("message", message).close("status");
    write_tags(w, p.tags_for(&call.ctx.account, &call.ctx.region).unwrap_or(&Default::default()));
    w.leaf("vpcPeeringConnectionId", &p.id);
}

fn respond(call: &Call, id: &str, status: Option<Status>) -> String {
    let mut w = XmlWriter::new();
    w.open("vpcPeeringConnection");
    write_pcx(&mut w, call, &call.state().peering_connections[id], status);
    w.close("vpcPeeringConnection");
    w.finish()
}

fn create_vpc_peering_connection(call: &mut Call, p: &QueryParams) -> Result<String> {
    let input = CreatePeering {
        vpc_id: p.required("VpcId")?.to_string(),
        peer_vpc_id: p.required("PeerVpcId")?.to_string(),
        peer_owner_id: p.get("PeerOwnerId").map(str::to_string),
        peer_region: p.get("PeerRegion").map(str::to_string),
        tags: tag_specs(p, "vpc-peering-connection")?,
    };
    let (ch, id) = peering::create(call.state(), &call.ctx, input)?;
    call.commit(ch)?;
    // AWS answers `initiating-request` while the request travels to the
    // accepter; describing it then shows `pending-acceptance`.
    let shown = match call.state().peering_connections[&id].status(call.ctx.now) {
        Status::PendingAcceptance => Some(Status::InitiatingRequest),
        _ => None,
    };
    Ok(respond(call, &id, shown))
}

fn accept_vpc_peering_connection(call: &mut Call, p: &QueryParams) -> Result<String> {
    let id = p.required("VpcPeeringConnectionId")?.to_string();
    let ch = peering::accept(call.state(), &call.ctx, &id)?;
    call.commit(ch)?;
    Ok(respond(call, &id, None))
}

fn reject_vpc_peering_connection(call: &mut Call, p: &QueryParams) -> Result<String> {
    let id = p.required("VpcPeeringConnectionId")?;
    let ch = peering::reject(call.state(), &call.ctx, id)?;
    call.commit(ch)?;
    Ok("<return>true</return>".into())
}

fn delete_vpc_peering_connection(call: &mut Call, p: &QueryParams) -> Result<String> {
    let id = p.required("VpcPeeringConnectionId")?;
    let ch = peering::delete(call.state(), &call.ctx, id)?;
    call.commit(ch)?;
    Ok("<return>true</return>".into())
}

fn describe_vpc_peering_connections(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ids = p.list("VpcPeeringConnectionId");
    let fs = filters(p);
    let s = call.state();
    let (account, region, now) = (&call.ctx.account, &call.ctx.region, call.ctx.now);
    let seen = |x: &&VpcPeeringConnection| x.visible_to(account, region, now);
    require_all(&ids, |id| s.peering_connections.get(id).is_some_and(|x| seen(&x)), IdKind::VpcPeeringConnection)?;
    let listed = s.peering_connections.values().filter(seen).filter(|x| ids.is_empty() || ids.contains(&x.id));
    let out = xvpc_model::peering::FILTERS.select(&fs, s, &call.ctx, listed)?;
    let (page, next) = paginate(out, p, |x| x.id.clone(), (5, 1000))?;
    let mut w = XmlWriter::new();
    w.items("vpcPeeringConnectionSet", page, |w, x| write_pcx(w, call, x, None));
    w.opt_leaf("nextToken", next);
    Ok(w.finish())
}

/// `RequesterPeeringConnectionOptions.*` / `AccepterPeeringConnectionOptions.*`.
fn options_param(p: &QueryParams, name: &str, current: &PeeringOptions) -> Result<Option<PeeringOptions>> {
    if !p.has_child(name) {
        return Ok(None);
    }
    let c = p.child(name);
    let dns = c.bool("AllowDnsResolutionFromRemoteVpc")?.unwrap_or(current.allow_dns_resolution_from_remote_vpc);
    Ok(Some(PeeringOptions { allow_dns_resolution_from_remote_vpc: dns }))
}

fn modify_vpc_peering_connection_options(call: &mut Call, p: &QueryParams) -> Result<String> {
    let id = p.required("VpcPeeringConnectionId")?.to_string();
    let current = peering::visible(call.state(), &call.ctx, &id)?.clone();
    let change = OptionsChange {
        requester: options_param(p, "RequesterPeeringConnectionOptions", &current.requester.options)?,
        accepter: options_param(p, "AccepterPeeringConnectionOptions", &current.accepter.options)?,
    };
    if change.requester.is_none() && change.accepter.is_none() {
        return Err(client("MissingParameter", "The request must contain the parameter requesterPeeringConnectionOptions or accepterPeeringConnectionOptions"));
    }
    let (ch, after) = peering::modify_options(call.state(), &call.ctx, &id, change.clone())?;
    call.commit(ch)?;
    let mut w = XmlWriter::new();
    if change.accepter.is_some() {
        write_options(&mut w, "accepterPeeringConnectionOptions", &after.accepter.options);
    }
    if change.requester.is_some() {
        write_options(&mut w, "requesterPeeringConnectionOptions", &after.requester.options);
    }
    Ok(w.finish())
}

fn write_stale_rule(w: &mut XmlWriter, state: &State, r: &SgRule) {
    w.opt_leaf("fromPort", r.from_port.map(|x| x.to_string())).leaf("ipProtocol", r.protocol.sg_form());
    w.items("groups", [&r.peer], |w, peer| {
        if let RulePeer::Group { group_id, user_id, vpc_id, peering_id } = peer {
            w.leaf("groupId", group_id);
            // AWS omits the owner once the referenced group is gone.
            if state.security_groups.contains_key(group_id) {
                w.leaf("userId", user_id);
            }
            w.opt_leaf("vpcId", vpc_id.as_deref()).opt_leaf("vpcPeeringConnectionId", peering_id.as_deref());
            w.opt_leaf("peeringStatus", peering_id.as_deref().map(|id| peering_status(state, id)));
        }
    });
    w.items("ipRanges", Vec::<()>::new(), |_, _| {}).items("prefixListIds", Vec::<()>::new(), |_, _| {});
    w.opt_leaf("toPort", r.to_port.map(|x| x.to_string()));
}

fn describe_stale_security_groups(call: &mut Call, p: &QueryParams) -> Result<String> {
    let vpc_id = p.required("VpcId")?;
    let state = call.state();
    let groups = xvpc_model::stale_groups::stale_groups(state, &call.ctx, vpc_id)?;
    let (page, next) = paginate(groups, p, |g| g.group.id.clone(), (5, 255))?;
    let mut w = XmlWriter::new();
    w.items("staleSecurityGroupSet", page, |w, g| {
        w.leaf("description", &g.group.description).leaf("groupId", &g.group.id).leaf("groupName", &g.group.name);
        w.items("staleIpPermissions", &g.ingress, |w, r| write_stale_rule(w, state, r));
        w.items("staleIpPermissionsEgress", &g.egress, |w, r| write_stale_rule(w, state, r));
        w.leaf("vpcId", &g.group.vpc_id);
    });
    w.opt_leaf("nextToken", next);
    Ok(w.finish())
}
