//! Transit gateways as the path sees them: a VPC route to a TGW works only
//! through the VPC's available attachment, from a subnet in an AZ where the
//! attachment has a subnet; the attachment's associated TGW route table
//! then decides by longest prefix among static and propagated routes, and
//! delivers into the VPC of the chosen attachment. Unlike peering, a TGW
//! routes transitively, as its tables say.

use std::net::IpAddr;

use xvpc_model::subnet::Subnet;
use xvpc_model::transit_gateway::{AttachmentState, TgwAttachment};
use xvpc_model::transit_gateway_route_table::TgwRouteTable;
use xvpc_model::vpc::Vpc;

use crate::component::{Component, Detail, Direction, Hop, Kind, Verdict};
use crate::explanation as code;
use crate::topology::Topology;
use crate::{fix, Blocker};

/// What crossing a TGW found: hops, blockers, and the VPC it delivers into.
pub struct Crossing<'a> {
    pub hops: Vec<Hop>,
    pub blockers: Vec<Blocker>,
    pub landed: Option<(&'a Vpc, String, String)>,
}

fn attachment_component(a: &TgwAttachment) -> Component {
    Component::new(Kind::TransitGatewayAttachment, &a.id, &a.owner, &a.region)
}

fn table_component(t: &TgwRouteTable) -> Component {
    Component::new(Kind::TransitGatewayRouteTable, &t.id, &t.owner, &t.region).named(&t.tags)
}

fn blocker(code: &str, dir: Direction, component: Component, explanation: String, fix: Option<crate::Fix>) -> Blocker {
    Blocker { code: code.into(), direction: dir, component, explanation, fix, detail: Detail::None }
}

fn hop(component: Component, dir: Direction, verdict: Verdict, detail: Detail) -> Hop {
    Hop { component, direction: dir, verdict, detail, vpc: None, subnet: None }
}

/// The attachment of `vpc` to `tgw` that is not gone, if any.
pub fn attachment<'a>(topo: &Topology<'a>, vpc: &str, tgw: &str) -> Option<&'a TgwAttachment> {
    topo.attachments_of_vpc(vpc)
        .filter(|a| a.vpc_id == vpc && a.transit_gateway_id == tgw)
        .min_by_key(|a| match a.state {
            AttachmentState::Available => 0,
            AttachmentState::PendingAcceptance => 1,
            _ => 2,
        })
}

/// The zone ids an attachment has a subnet in.
fn zones(topo: &Topology, a: &TgwAttachment) -> Vec<String> {
    a.subnet_ids.iter().filter_map(|s| topo.subnet(s)).map(|s| s.availability_zone_id.clone()).collect()
}

/// Every VPC an available attachment joins to `tgw` (for the matrix).
pub fn attached_vpcs<'a>(topo: &Topology<'a>, tgw: &str) -> Vec<&'a str> {
    topo.attachments_of_tgw(tgw).filter(|a| a.transit_gateway_id == tgw && a.state == AttachmentState::Available).map(|a| a.vpc_id.as_str()).collect()
}

/// A packet for `dst` sent from `subnet` of `vpc` into `tgw`.
pub fn cross<'a>(topo: &Topology<'a>, tgw: &str, vpc: &Vpc, subnet: &Subnet, dst: IpAddr, dst_vpc: Option<&Vpc>, dir: Direction) -> Crossing<'a> {
    let mut c = Crossing { hops: Vec::new(), blockers: Vec::new(), landed: None };
    let tgw_res = topo.state.transit_gateways.get(tgw).filter(|t| !t.is_deleted());
    let Some(t) = tgw_res else {
        c.blockers.push(blocker(code::BAD_STATE, dir, Component::new(Kind::TransitGateway, tgw, &vpc.owner, &vpc.region), format!("Transit gateway {tgw} does not exist any more."), None));
        return c;
    };
    let tgwc = Component::new(Kind::TransitGateway, &t.id, &t.owner, &t.region).named(&t.tags);
    let Some(att) = attachment(topo, &vpc.id, tgw).filter(|a| matches!(a.state, AttachmentState::Available | AttachmentState::PendingAcceptance)) else {
        c.blockers.push(blocker(
            code::BAD_STATE_ATTACHMENT,
            dir,
            tgwc,
            format!("{} has no attachment to transit gateway {tgw}: routes to it are blackholes.", vpc.id),
            Some(fix::create_tgw_attachment(&vpc.owner, &vpc.region, tgw, &vpc.id, &subnet.id)),
        ));
        return c;
    };
    let ac = attachment_component(att);
    if att.state != AttachmentState::Available {
        c.hops.push(hop(ac.clone(), dir, Verdict::Block, Detail::Text { text: att.state.as_str().into() }));
        c.blockers.push(blocker(
            code::BAD_STATE_ATTACHMENT,
            dir,
            ac.clone(),
            format!("Attachment {} of {} is {}: the transit gateway's owner ({}) must accept it.", att.id, vpc.id, att.state.as_str(), t.owner),
            Some(fix::accept_tgw_attachment(&t.owner, &t.region, &att.id)),
        ));
    } else {
        c.hops.push(hop(ac.clone(), dir, Verdict::Pass, Detail::Text { text: format!("{} -> {}", vpc.id, t.id) }));
    }
    // IPv6 enters (and leaves) a transit gateway only through attachments
    // with IPv6 support.
    if dst.is_ipv6() {
        ipv6_support(&mut c, att, dir);
    }
    // The same-AZ rule: the attachment needs a subnet in the sender's zone.
    if !zones(topo, att).contains(&subnet.availability_zone_id) {
        c.blockers.push(blocker(
            code::TGW_ROUTE_AZ_RESTRICTION,
            dir,
            ac.clone(),
            format!(
                "Attachment {} has no subnet in {} ({}), the zone of {}: traffic from there cannot enter the transit gateway.",
                att.id, subnet.availability_zone, subnet.availability_zone_id, subnet.id
            ),
            Some(fix::add_attachment_subnet(&att.owner, &att.region, &att.id, &subnet.id)),
        ));
    }
    let table = att.association.as_deref().and_then(|id| topo.state.transit_gateway_route_tables.get(id)).filter(|r| !r.is_deleted());
    let Some(table) = table else {
        let default = t.options.association_default_route_table_id.clone().unwrap_or_else(|| "<tgw-rtb-id>".into());
        c.blockers.push(blocker(
            code::TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION,
            dir,
            ac,
            format!("Attachment {} is not associated with a transit gateway route table.", att.id),
            Some(fix::associate_tgw_table(&t.owner, &t.region, &default, &att.id)),
        ));
        return c;
    };
    let tc = table_component(table);
    let routes = table.routes(topo.state);
    let best = routes.iter().filter(|r| r.cidr.contains(&dst)).max_by_key(|r| r.cidr.prefix_len());
    let dst_att = dst_vpc.and_then(|v| attachment(topo, &v.id, tgw)).filter(|a| a.state == AttachmentState::Available);
    let Some(r) = best else {
        c.hops.push(hop(tc.clone(), dir, Verdict::Block, Detail::Text { text: format!("no route to {dst}") }));
        let fix = dst_att.map(|a| fix::propagate_tgw(&t.owner, &t.region, &table.id, &a.id));
        c.blockers.push(blocker(code::NO_ROUTE_TO_DESTINATION, dir, tc, format!("Transit gateway route table {} has no route to {dst}.", table.id), fix));
        return c;
    };
    let detail = Detail::TgwRoute { destination: r.cidr.to_string(), attachment: r.attachment.clone(), route_type: r.route_type, state: r.state() };
    if !r.active {
        c.hops.push(hop(tc.clone(), dir, Verdict::Block, detail.clone()));
        let fix = dst_att.map(|a| fix::replace_tgw_route(&t.owner, &t.region, &table.id, &r.cidr.to_string(), &a.id));
        let mut b = blocker(code::TGW_RTB_BAD_STATE_ROUTE, dir, tc, format!("Route {} in {} is a blackhole.", r.cidr, table.id), fix);
        b.detail = detail;
        c.blockers.push(b);
        return c;
    }
    c.hops.push(hop(tc.clone(), dir, Verdict::Pass, detail));
    let out = r.attachment.as_deref().and_then(|a| topo.state.transit_gateway_attachments.get(a));
    let Some(out) = out else { return c };
    if dst.is_ipv6() {
        ipv6_support(&mut c, out, dir);
    }
    let Some(w) = topo.vpc(&out.vpc_id).filter(|w| w.contains_ip(dst)) else {
        c.blockers.push(blocker(code::NO_POSSIBLE_DESTINATION, dir, attachment_component(out), format!("Attachment {} leads to {}, which does not contain {dst}.", out.id, out.vpc_id), None));
        return c;
    };
    c.hops.push(hop(attachment_component(out), dir, Verdict::Pass, Detail::Text { text: format!("{} -> {}", t.id, w.id) }));
    if c.blockers.is_empty() {
        c.landed = Some((w, att.id.clone(), out.id.clone()));
    }
    c
}

/// The blocker of an attachment without IPv6 support, for IPv6 traffic.
fn ipv6_support(c: &mut Crossing, att: &TgwAttachment, dir: Direction) {
    if att.options.ipv6_support {
        return;
    }
    c.blockers.push(blocker(
        code::BAD_STATE_ATTACHMENT,
        dir,
        attachment_component(att),
        format!("Attachment {} of {} has IPv6 support disabled, so IPv6 traffic does not cross it.", att.id, att.vpc_id),
        Some(fix::enable_tgw_ipv6(&att.owner, &att.region, &att.id)),
    ));
}

/// The first thing to do so that `from` can use a transit gateway `dst_vpc`
/// is attached to: accept the RAM share invitation, or attach the VPC.
pub fn next_step(topo: &Topology, from: &Vpc, dst_vpc: &Vpc) -> Option<crate::Fix> {
    let st = topo.state;
    for a in topo.attachments_of_vpc(&dst_vpc.id).filter(|a| a.vpc_id == dst_vpc.id && a.state == AttachmentState::Available) {
        let Some(t) = st.transit_gateways.get(&a.transit_gateway_id).filter(|t| !t.is_deleted() && t.region == from.region) else { continue };
        let subnet = topo.subnets_of(&from.id).filter(|s| s.vpc_id == from.id).map(|s| s.id.as_str()).min().unwrap_or("<subnet-id>");
        if let Some(own) = attachment(topo, &from.id, &t.id).filter(|x| x.state == AttachmentState::PendingAcceptance) {
            return Some(fix::accept_tgw_attachment(&t.owner, &t.region, &own.id));
        }
        if t.owner == from.owner || xvpc_model::ram::is_shared_with(st, &t.arn(), &from.owner) {
            return Some(fix::create_tgw_attachment(&from.owner, &from.region, &t.id, &from.id, subnet));
        }
        let arn = t.arn();
        let pending = st.invitations.values().find(|i| {
            i.receiver == from.owner
                && i.status == xvpc_model::ram::InvitationStatus::Pending
                && st.resource_shares.get(&i.share_arn).is_some_and(|s| s.resources.iter().any(|r| r.entity == arn))
        });
        if let Some(i) = pending {
            return Some(fix::accept_share(&from.owner, &i.region, &i.id));
        }
    }
    None
}

/// The subnet attachment `att` has in zone `zone_id`, if any (one per zone).
pub fn subnet_in_zone<'a>(topo: &Topology<'a>, att: &str, zone_id: &str) -> Option<&'a Subnet> {
    let a = topo.state.transit_gateway_attachments.get(att)?;
    a.subnet_ids.iter().filter_map(|s| topo.subnet(s)).find(|s| s.availability_zone_id == zone_id)
}

/// One end of a crossing: the subnet of the host and its address.
pub type End<'s> = (&'s Subnet, IpAddr);

/// The network ACLs of the attachment subnets a packet crosses over a
/// transit gateway, entering through attachment `from` and leaving through
/// `to` (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-nacls.html):
/// - into the gateway: the inbound rules (by source address) of `from`'s
///   subnet in the sender's zone, even when the sender is in that subnet;
/// - out of it: the outbound rules (by destination address) of `to`'s
///   subnet in the receiver's zone; when the receiver is in that very
///   subnet, neither its outbound nor its inbound rules are evaluated.
///
/// Returns whether the receiver's subnet inbound check is waived.
#[allow(clippy::too_many_arguments)]
pub fn attachment_acls(topo: &Topology, seg: &mut crate::analysis::Segment, dir: Direction, from: &str, to: &str, sender: End, receiver: End, proto: u8, ports: (u16, u16)) -> bool {
    if let Some(s) = subnet_in_zone(topo, from, &sender.0.availability_zone_id) {
        attachment_acl(topo, seg, dir, from, s, false, proto, sender.1, ports);
    }
    match subnet_in_zone(topo, to, &receiver.0.availability_zone_id) {
        Some(s) if s.id == receiver.0.id => true,
        Some(s) => {
            attachment_acl(topo, seg, dir, to, s, true, proto, receiver.1, ports);
            false
        }
        None => false,
    }
}

/// One attachment subnet's ACL; a blocker says whose network interface
/// the subnet holds (the fix is the ordinary ACL entry of the VPC's owner).
#[allow(clippy::too_many_arguments)]
fn attachment_acl(topo: &Topology, seg: &mut crate::analysis::Segment, dir: Direction, att: &str, subnet: &Subnet, egress: bool, proto: u8, peer: IpAddr, ports: (u16, u16)) {
    let before = seg.blockers.len();
    crate::analysis::acl(topo, seg, dir, subnet, egress, proto, peer, ports);
    for b in &mut seg.blockers[before..] {
        let way = if egress { "from the transit gateway" } else { "to the transit gateway" };
        b.explanation.push_str(&format!(" {} holds the network interface of transit gateway attachment {att}, which traffic {way} crosses.", subnet.id));
    }
}

#[cfg(test)]
#[path = "transit_gateway_tests.rs"]
mod tests;
