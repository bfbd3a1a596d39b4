//! Route tables: where a packet leaving a subnet goes. Longest prefix match
//! over the subnet's table (explicit association, else main), then the
//! target decides: `local` delivers inside the VPC; a peering connection
//! delivers into the peer VPC only (no transitive, no edge-to-edge); a
//! transit gateway routes by the attachment's associated TGW route table;
//! an internet gateway (either family) or an egress-only internet gateway
//! (IPv6 out) leads to the internet. Routes of one family never match an
//! address of the other.

use std::net::IpAddr;

use xvpc_model::route_table::{self, longest_match_with, route_state, Destination, Route, RouteState, RouteTable, RouteTarget};
use xvpc_model::subnet::Subnet;
use xvpc_model::vpc::Vpc;

use crate::component::{Component, Detail, Direction, Hop, Kind, Verdict};
use crate::explanation as code;
use crate::topology::Topology;
use crate::{fix, Blocker};

/// How the packet got into the VPC it landed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    Local,
    Peering(String),
    TransitGateway { tgw: String, from: String, to: String },
}

/// The result of routing one packet out of a subnet.
pub struct Walk<'a> {
    pub hops: Vec<Hop>,
    pub blockers: Vec<Blocker>,
    /// The VPC the packet is delivered into (its router then delivers
    /// locally), or `None` when it is dropped.
    pub landed: Option<(&'a Vpc, Via)>,
    /// The gateway the packet left through to the internet: an internet
    /// gateway, or an egress-only one (IPv6).
    pub internet: Option<String>,
    /// The NAT gateway the packet was handed to (it goes on from the NAT
    /// gateway's subnet, translated: see [`crate::nat_gateway`]).
    pub nat: Option<String>,
    /// The gateway endpoint the packet was handed to: the AWS service
    /// behind it answers (see [`crate::gateway_endpoint`]).
    pub service: Option<String>,
}

/// The id of an active peering connection between two VPCs, if any.
pub fn active_peering_between(topo: &Topology, a: &str, b: &str) -> Option<String> {
    crate::peering::active_between(topo, a, b).map(|p| p.id.clone())
}

fn route_detail(r: &Route, state: RouteState) -> Detail {
    let destination = match &r.destination {
        Destination::Cidr(c) => c.to_string(),
        Destination::PrefixList(p) => p.clone(),
    };
    Detail::Route { destination, target: r.target.id().to_string(), state: state.as_str().into() }
}

fn hop(component: Component, dir: Direction, verdict: Verdict, detail: Detail, vpc: &str, subnet: Option<&str>) -> Hop {
    Hop { component, direction: dir, verdict, detail, vpc: Some(vpc.to_string()), subnet: subnet.map(str::to_string) }
}

/// The block of `vpc` that contains `ip`.
fn block_of(vpc: &Vpc, ip: IpAddr) -> Option<String> {
    vpc.block_of(ip).map(|c| c.to_string())
}

/// The route that should exist in `table` for `dst` (in `dst_vpc`): via a
/// connection that already joins the two VPCs, else the command that
/// creates one.
fn suggest_route(topo: &Topology, table: &RouteTable, from: &Vpc, dst: IpAddr, dst_vpc: Option<&Vpc>) -> Option<crate::Fix> {
    // An IPv6 address of a known VPC is public, but a private connection to
    // that VPC is the better way when one exists (peering, TGW).
    let private_first = dst.is_ipv6() && dst_vpc.is_some();
    // An AWS service's address: through a gateway endpoint.
    if let Some(f) = crate::gateway_endpoint::suggest_route(topo, table, from, dst) {
        return Some(f);
    }
    if !private_first {
        if let Some(f) = crate::internet_gateway::suggest_route(topo, table, from, dst) {
            return Some(f);
        }
    }
    let dst_vpc = dst_vpc?;
    let cidr = block_of(dst_vpc, dst)?;
    if let Some(pcx) = crate::routing::any_peering_between(topo, &from.id, &dst_vpc.id) {
        return Some(fix::route(table, &cidr, &pcx, false));
    }
    // Both VPCs attached to one transit gateway: route to it.
    let shared = topo.attachments_of_vpc(&from.id).find(|a| {
        a.vpc_id == from.id && a.state == xvpc_model::transit_gateway::AttachmentState::Available && crate::transit_gateway::attached_vpcs(topo, &a.transit_gateway_id).contains(&dst_vpc.id.as_str())
    });
    if let Some(a) = shared {
        return Some(fix::route(table, &cidr, &a.transit_gateway_id, false));
    }
    // A transit gateway the destination is attached to, that the source's
    // account owns or has been shared: the next step towards it.
    if let Some(step) = crate::transit_gateway::next_step(topo, from, dst_vpc) {
        return Some(step);
    }
    if let Some(f) = crate::internet_gateway::suggest_route(topo, table, from, dst).filter(|_| private_first) {
        return Some(f);
    }
    Some(fix::create_peering(&from.owner, &from.region, &from.id, &dst_vpc.id, &dst_vpc.owner, &dst_vpc.region))
}

/// The route a table's `routes` choose for `dst`: longest prefix, prefix
/// lists (of `region`) included.
pub fn best_route<'r>(topo: &Topology, region: &str, routes: &'r [Route], dst: IpAddr) -> Option<&'r Route> {
    longest_match_with(routes, dst, |id| xvpc_model::prefix_list::entries(topo.state, region, id))
}

/// A peering connection (active or pending) between two VPCs, for fixes.
pub fn any_peering_between(topo: &Topology, a: &str, b: &str) -> Option<String> {
    crate::peering::live_between(topo, a, b).map(|p| p.id.clone())
}

/// Where a packet for `dst` leaving `subnet` (whose effective routes are
/// `routes`) is delivered: the VPC whose router then delivers it locally,
/// or `None` when it is dropped. The decision [`route`] explains.
pub fn landing<'a>(topo: &Topology<'a>, subnet: &Subnet, routes: &[Route], dst: IpAddr) -> Option<&'a Vpc> {
    let r = best_route(topo, &subnet.region, routes, dst)?;
    match &r.target {
        RouteTarget::Local => topo.vpc(&subnet.vpc_id),
        RouteTarget::VpcPeeringConnection(pcx) => {
            let vpc = topo.vpc(&subnet.vpc_id)?;
            crate::peering::cross(topo, pcx, vpc, dst, Direction::Forward).ok()
        }
        RouteTarget::TransitGateway(tgw) => {
            let vpc = topo.vpc(&subnet.vpc_id)?;
            crate::transit_gateway::cross(topo, tgw, vpc, subnet, dst, None, Direction::Forward).landed.map(|(v, _, _)| v)
        }
        _ => None,
    }
}

/// The subnet of the available NAT gateway a route sends to (a packet
/// handed to it goes on from there).
pub fn nat_subnet<'a>(topo: &Topology<'a>, target: &RouteTarget) -> Option<&'a Subnet> {
    let RouteTarget::NatGateway(id) = target else { return None };
    let g = topo.state.nat_gateways.get(id).filter(|g| g.is_available(topo.now))?;
    topo.subnet(&g.subnet_id)
}

/// Every VPC a packet leaving `subnet` can land in, whatever its address
/// (a superset of what [`landing`] returns for any destination): the
/// subnet's own VPC and the far side of each active connection its table
/// routes to. The matrix uses it to skip pairs no route can join.
pub fn candidate_vpcs<'a>(topo: &Topology<'a>, subnet: &Subnet, routes: &[Route]) -> Vec<&'a str> {
    let mut out: Vec<&'a str> = topo.vpc(&subnet.vpc_id).map(|v| v.id.as_str()).into_iter().collect();
    for r in routes {
        if let RouteTarget::TransitGateway(tgw) = &r.target {
            out.extend(crate::transit_gateway::attached_vpcs(topo, tgw));
        }
        // Through a NAT gateway: wherever its own subnet's routes lead
        // (one NAT gateway deep: a NAT gateway's traffic is not translated
        // twice).
        if let Some(s) = nat_subnet(topo, &r.target) {
            if let (Some(t), Some(v)) = (topo.route_table(s), topo.vpc(&s.vpc_id)) {
                let routes: Vec<Route> = t.effective_routes(Some(v)).into_iter().filter(|x| !matches!(x.target, RouteTarget::NatGateway(_))).collect();
                out.extend(candidate_vpcs(topo, s, &routes));
            }
        }
        if let RouteTarget::VpcPeeringConnection(pcx) = &r.target {
            if let Some(p) = topo.state.peering_connections.get(pcx).filter(|p| p.status(topo.now) == xvpc_model::peering::Status::Active) {
                if let Some(o) = crate::peering::other_side(topo, p, &subnet.vpc_id) {
                    out.push(o.id.as_str());
                }
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Routes a packet for `dst` out of `subnet`. `dst_vpc` is the VPC the
/// caller expects it to reach (for fixes and for the wrong-VPC check).
pub fn route<'a>(topo: &Topology<'a>, dir: Direction, subnet: &Subnet, dst: IpAddr, dst_vpc: Option<&'a Vpc>) -> Walk<'a> {
    let mut w = Walk { hops: Vec::new(), blockers: Vec::new(), landed: None, internet: None, nat: None, service: None };
    let Some(vpc) = topo.vpc(&subnet.vpc_id) else { return w };
    let Some(table) = topo.route_table(subnet) else {
        return w;
    };
    let tc = topo.table_component(table);
    let routes = table.effective_routes(Some(vpc));
    let Some(r) = best_route(topo, &vpc.region, &routes, dst) else {
        w.hops.push(hop(tc.clone(), dir, Verdict::Block, Detail::Text { text: format!("no route to {dst}") }, &vpc.id, Some(&subnet.id)));
        w.blockers.push(Blocker {
            detail: Detail::None,
            code: code::NO_ROUTE_TO_DESTINATION.into(),
            direction: dir,
            component: tc,
            explanation: format!("Route table {} (subnet {}) has no route to {dst}.", table.id, subnet.id),
            fix: suggest_route(topo, table, vpc, dst, dst_vpc),
        });
        return w;
    };
    let state = route_state(topo.state, table, r);
    if !route_table::target_known(topo.state, &r.target) && xvpc_model::default_vpc::any_imported(topo.state) {
        // Owned by an account or Region the dump does not hold: whether it
        // delivers is unknown, and the engine does not guess.
        w.hops.push(hop(tc.clone(), dir, Verdict::Block, route_detail(r, state), &vpc.id, Some(&subnet.id)));
        w.blockers.push(Blocker {
            detail: route_detail(r, state),
            code: code::UNKNOWN_DESTINATION.into(),
            direction: dir,
            component: tc,
            explanation: format!(
                "Route table {} sends {dst} to {}, which is outside the imported data: import the account and Region that own it to follow the path.",
                table.id,
                r.target.id()
            ),
            fix: None,
        });
        return w;
    }
    match &r.target {
        RouteTarget::Local => {
            w.hops.push(hop(tc, dir, Verdict::Pass, route_detail(r, state), &vpc.id, Some(&subnet.id)));
            w.landed = Some((vpc, Via::Local));
        }
        RouteTarget::VpcPeeringConnection(pcx) => match crate::peering::cross(topo, pcx, vpc, dst, dir) {
            Ok(other) => {
                w.hops.push(hop(tc, dir, Verdict::Pass, route_detail(r, RouteState::Active), &vpc.id, Some(&subnet.id)));
                if let Some(p) = topo.state.peering_connections.get(pcx) {
                    w.hops.push(hop(crate::peering::component(p), dir, Verdict::Pass, Detail::Text { text: format!("{} -> {}", vpc.id, other.id) }, &vpc.id, None));
                }
                w.landed = Some((other, Via::Peering(pcx.clone())));
            }
            Err(mut b) => {
                let state = if topo.state.peering_connections.get(pcx).is_some_and(|p| p.status(topo.now) == xvpc_model::peering::Status::Active) { state } else { RouteState::Blackhole };
                w.hops.push(hop(tc.clone(), dir, Verdict::Block, route_detail(r, state), &vpc.id, Some(&subnet.id)));
                if b.fix.is_none() && b.code == code::BAD_STATE_ROUTE {
                    b.fix = suggest_route(topo, table, vpc, dst, dst_vpc).map(|f| crate::Fix { command: f.command.replacen("create-route", "replace-route", 1), ..f });
                }
                b.detail = route_detail(r, state);
                w.blockers.push(b);
            }
        },
        RouteTarget::TransitGateway(tgw) => {
            let mut c = crate::transit_gateway::cross(topo, tgw, vpc, subnet, dst, dst_vpc, dir);
            let ok = c.landed.is_some();
            let state = if ok { RouteState::Active } else { state };
            w.hops.push(hop(tc.clone(), dir, if ok { Verdict::Pass } else { Verdict::Block }, route_detail(r, state), &vpc.id, Some(&subnet.id)));
            for h in &mut c.hops {
                h.vpc = Some(vpc.id.clone());
            }
            w.hops.append(&mut c.hops);
            w.blockers.append(&mut c.blockers);
            if let Some((landed, from, to)) = c.landed {
                w.landed = Some((landed, Via::TransitGateway { tgw: tgw.clone(), from, to }));
            }
        }
        RouteTarget::Gateway(g) if g.starts_with("igw-") && state == RouteState::Active && crate::internet_gateway::refused_destination(dst).is_none() => {
            // Out to the internet.
            w.hops.push(hop(tc, dir, Verdict::Pass, route_detail(r, state), &vpc.id, Some(&subnet.id)));
            if let Some(gw) = topo.state.internet_gateways.get(g) {
                w.hops.push(hop(crate::internet_gateway::component(gw), dir, Verdict::Pass, Detail::Text { text: format!("{} -> internet", vpc.id) }, &vpc.id, None));
            }
            w.internet = Some(g.clone());
        }
        RouteTarget::Gateway(g) if g.starts_with("vpce-") && state == RouteState::Active && dir == Direction::Forward => {
            // To a gateway endpoint: the AWS service answers.
            w.hops.push(hop(tc, dir, Verdict::Pass, route_detail(r, state), &vpc.id, Some(&subnet.id)));
            w.hops.extend(crate::gateway_endpoint::endpoint_hop(topo, g, dir, &vpc.id));
            w.service = Some(g.clone());
        }
        RouteTarget::NatGateway(g) if dst.is_ipv6() => {
            // NAT64 (64:ff9b::/96 to a NAT gateway) is accepted but not
            // emulated: neither the engine nor the data plane translates.
            w.hops.push(hop(tc.clone(), dir, Verdict::Block, route_detail(r, state), &vpc.id, Some(&subnet.id)));
            w.blockers.push(Blocker {
                detail: route_detail(r, state),
                code: code::NO_ROUTE_TO_DESTINATION.into(),
                direction: dir,
                component: tc,
                explanation: format!("Route table {} sends {dst} to NAT gateway {g} for NAT64, which xvpc does not emulate.", table.id),
                fix: None,
            });
        }
        RouteTarget::Gateway(g) if g.starts_with("vgw-") && state == RouteState::Active => {
            // To a virtual private gateway: a VPN to a network xvpc does
            // not emulate. The path leaves the emulated world there.
            w.hops.push(hop(tc.clone(), dir, Verdict::Pass, route_detail(r, state), &vpc.id, Some(&subnet.id)));
            w.blockers.push(Blocker {
                detail: route_detail(r, state),
                code: code::UNKNOWN_DESTINATION.into(),
                direction: dir,
                component: tc,
                explanation: format!(
                    "Route table {} sends {dst} to virtual private gateway {g}: a Site-to-Site VPN towards an on-premises network, which xvpc does not emulate, so the path cannot be followed past the gateway. If {dst} is meant to be reached inside AWS, route it there instead.",
                    table.id
                ),
                fix: None,
            });
        }
        RouteTarget::NatGateway(g) if state == RouteState::Active && dir == Direction::Forward => {
            // To the NAT gateway, which sends it on translated.
            w.hops.push(hop(tc, dir, Verdict::Pass, route_detail(r, state), &vpc.id, Some(&subnet.id)));
            w.nat = Some(g.clone());
        }
        RouteTarget::NatGateway(g) if state == RouteState::Active => {
            // A reply handed to a NAT gateway leaves with the gateway's
            // address as its source: the client drops it.
            w.hops.push(hop(tc.clone(), dir, Verdict::Block, route_detail(r, state), &vpc.id, Some(&subnet.id)));
            w.blockers.push(Blocker {
                detail: route_detail(r, state),
                code: code::NO_ROUTE_TO_DESTINATION.into(),
                direction: dir,
                component: tc,
                explanation: format!(
                    "Route table {} sends replies to {dst} to NAT gateway {g}, which would give them its own address as their source; replies must go back the way the connection came.",
                    table.id
                ),
                fix: suggest_route(topo, table, vpc, dst, dst_vpc)
                    .map(|f| crate::Fix { command: f.command.replacen("create-route", "replace-route", 1), ..f }),
            });
        }
        RouteTarget::EgressOnlyInternetGateway(g) if state == RouteState::Active && crate::internet_gateway::refused_destination(dst).is_none() => {
            // Out to the internet, IPv6 only (routes to it are IPv6 routes);
            // replies come back, nothing else comes in.
            w.hops.push(hop(tc, dir, Verdict::Pass, route_detail(r, state), &vpc.id, Some(&subnet.id)));
            if let Some(gw) = topo.state.egress_only_internet_gateways.get(g) {
                w.hops.push(hop(crate::internet_gateway::eigw_component(gw), dir, Verdict::Pass, Detail::Text { text: format!("{} -> internet", vpc.id) }, &vpc.id, None));
            }
            w.internet = Some(g.clone());
        }
        RouteTarget::Gateway(g) | RouteTarget::EgressOnlyInternetGateway(g) if (g.starts_with("igw-") || g.starts_with("eigw-")) && state == RouteState::Active => {
            // The internet gateway sends private destinations nowhere.
            w.hops.push(hop(tc.clone(), dir, Verdict::Block, route_detail(r, state), &vpc.id, Some(&subnet.id)));
            w.blockers.push(Blocker {
                detail: route_detail(r, state),
                code: crate::internet_gateway::refused_destination(dst).unwrap_or(code::IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS).into(),
                direction: dir,
                component: tc,
                explanation: format!("Route table {} sends {dst} to internet gateway {g}, which delivers only internet addresses.", table.id),
                fix: suggest_route(topo, table, vpc, dst, dst_vpc),
            });
        }
        _ => {
            // Targets whose lifecycle is not (yet) active: a blackhole.
            w.hops.push(hop(tc.clone(), dir, Verdict::Block, route_detail(r, RouteState::Blackhole), &vpc.id, Some(&subnet.id)));
            let cidr = match &r.destination {
                Destination::Cidr(c) => c.to_string(),
                Destination::PrefixList(p) => p.clone(),
            };
            w.blockers.push(Blocker {
                detail: route_detail(r, RouteState::Blackhole),
                code: code::BAD_STATE_ROUTE.into(),
                direction: dir,
                component: tc,
                explanation: format!("Route {cidr} -> {} in {} is a blackhole: its target cannot carry traffic.", r.target.id(), table.id),
                fix: crate::nat_gateway::replacement(topo, table, vpc, &cidr, &r.target).or_else(|| suggest_route(topo, table, vpc, dst, dst_vpc)).map(|f| {
                    if f.command.contains("create-route") {
                        crate::Fix { command: f.command.replacen("create-route", "replace-route", 1), ..f }
                    } else {
                        f
                    }
                }),
            });
        }
    }
    if let (Some((landed, _)), Some(want)) = (&w.landed, dst_vpc) {
        if landed.id != want.id {
            let tc = topo.table_component(table);
            w.blockers.push(Blocker {
                detail: Detail::None,
                code: code::NO_ROUTE_TO_DESTINATION.into(),
                direction: dir,
                component: tc,
                explanation: format!("Traffic to {dst} is delivered into {}, not the destination's VPC {}.", landed.id, want.id),
                fix: None,
            });
            w.landed = None;
        }
    }
    let _ = Kind::Vpc;
    w
}
