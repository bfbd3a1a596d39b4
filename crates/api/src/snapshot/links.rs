//! What connects VPCs in a dump: peering connections, transit gateways with
//! their attachments, route tables, static routes, associations and
//! propagations.

use std::collections::BTreeMap;

use xvpc_model::cidr::IpNet;
use xvpc_model::peering::{view_key, PeerSide, PeeringOptions, StoredStatus, VpcPeeringConnection};
use xvpc_model::tags::Tags;
use xvpc_model::transit_gateway::{TgwAttachment, TgwOptions, TransitGateway};
use xvpc_model::transit_gateway_attachment::{AttachmentOptions, AttachmentState};
use xvpc_model::transit_gateway_route_table::{StaticRoute, TgwRouteTable};
use xvpc_model::Resource;
use xvpc_wire::shapes::ec2 as shape;

use super::import::{Found, ImportError, Options, Part};
use super::vpc_core::{need, parse, tags};

type Get<'a> = dyn Fn(&str) -> &'a [Part<'a>] + 'a;

/// Whether an `enable`/`disable` option value is on.
fn on(v: Option<&str>, default: bool) -> bool {
    v.map_or(default, |v| v == "enable")
}

/// Adds the tags one account sees on a peering connection shown to both sides.
fn view_tags(all: &mut BTreeMap<String, Tags>, p: &Part, o: &Options, region: &str, t: &[shape::Tag]) {
    if let Some(a) = p.file.account.clone().or_else(|| o.account.clone()) {
        let t = tags(t);
        if !t.is_empty() {
            all.insert(view_key(&a, region), t);
        }
    }
}

/// Adds the tags one account sees on a transit gateway attachment (kept per account).
fn account_tags(all: &mut BTreeMap<String, Tags>, p: &Part, o: &Options, t: &[shape::Tag]) {
    if let Some(a) = p.file.account.clone().or_else(|| o.account.clone()) {
        let t = tags(t);
        if !t.is_empty() {
            all.insert(a, t);
        }
    }
}

pub(super) fn read<'a>(found: &mut Found, o: &Options, get: &Get<'a>) -> Result<(), ImportError> {
    peerings(found, o, get)?;
    for p in get("TransitGateways") {
        let out: shape::DescribeTransitGatewaysResult = p.decode()?;
        for (i, t) in out.transit_gateways.iter().enumerate() {
            let at = format!("TransitGateways.{i}");
            let id = need(p, &at, &t.transit_gateway_id, "TransitGatewayId")?.clone();
            let owner = p.account(t.owner_id.as_ref(), o, &at)?;
            let region = p.region(None, o, &at)?;
            let x = t.options.clone().unwrap_or_default();
            let r = TransitGateway {
                id: id.clone(),
                owner: owner.clone(),
                region: region.clone(),
                description: t.description.clone().unwrap_or_default(),
                options: TgwOptions {
                    amazon_side_asn: x.amazon_side_asn.unwrap_or(64512),
                    auto_accept_shared_attachments: on(x.auto_accept_shared_attachments.as_ref().map(|v| v.as_str()), false),
                    default_route_table_association: on(x.default_route_table_association.as_ref().map(|v| v.as_str()), true),
                    default_route_table_propagation: on(x.default_route_table_propagation.as_ref().map(|v| v.as_str()), true),
                    association_default_route_table_id: x.association_default_route_table_id.clone(),
                    propagation_default_route_table_id: x.propagation_default_route_table_id.clone(),
                    dns_support: on(x.dns_support.as_ref().map(|v| v.as_str()), true),
                    vpn_ecmp_support: on(x.vpn_ecmp_support.as_ref().map(|v| v.as_str()), true),
                    multicast_support: on(x.multicast_support.as_ref().map(|v| v.as_str()), false),
                    security_group_referencing_support: on(x.security_group_referencing_support.as_ref().map(|v| v.as_str()), false),
                    cidr_blocks: x.transit_gateway_cidr_blocks.clone(),
                },
                created_at: t.creation_time.map_or(o.now, |c| c.0),
                deleted_at: matches!(t.state, Some(shape::TransitGatewayState::Deleted)).then_some(o.now),
                tags: tags(&t.tags),
            };
            found.keep(p, &at, &id, &owner, &region, "TransitGateway", Resource::TransitGateway(r))?;
        }
    }
    attachments(found, o, get)?;
    for p in get("TransitGatewayRouteTables") {
        let out: shape::DescribeTransitGatewayRouteTablesResult = p.decode()?;
        for (i, t) in out.transit_gateway_route_tables.iter().enumerate() {
            let at = format!("TransitGatewayRouteTables.{i}");
            let id = need(p, &at, &t.transit_gateway_route_table_id, "TransitGatewayRouteTableId")?.clone();
            let owner = p.account(None, o, &at)?;
            let region = p.region(None, o, &at)?;
            let r = TgwRouteTable {
                id: id.clone(),
                owner: owner.clone(),
                region: region.clone(),
                transit_gateway_id: need(p, &at, &t.transit_gateway_id, "TransitGatewayId")?.clone(),
                propagations: Vec::new(),
                routes: Vec::new(),
                created_at: t.creation_time.map_or(o.now, |c| c.0),
                deleted_at: matches!(t.state, Some(shape::TransitGatewayRouteTableState::Deleted)).then_some(o.now),
                tags: tags(&t.tags),
            };
            found.keep(p, &at, &id, &owner, &region, "TransitGatewayRouteTable", Resource::TransitGatewayRouteTable(r))?;
        }
    }
    per_table(found, o, get)
}

fn peerings<'a>(found: &mut Found, o: &Options, get: &Get<'a>) -> Result<(), ImportError> {
    for p in get("VpcPeeringConnections") {
        let out: shape::DescribeVpcPeeringConnectionsResult = p.decode()?;
        for (i, x) in out.vpc_peering_connections.iter().enumerate() {
            let at = format!("VpcPeeringConnections.{i}");
            let id = need(p, &at, &x.vpc_peering_connection_id, "VpcPeeringConnectionId")?.clone();
            let side = |info: &Option<shape::VpcPeeringConnectionVpcInfo>, name: &str| -> Result<PeerSide, ImportError> {
                let at = format!("{at}.{name}");
                let v = need(p, &at, info, name)?;
                let mut cidrs = Vec::new();
                for c in v.cidr_block_set.iter().filter_map(|c| c.cidr_block.as_deref()).chain(v.cidr_block.as_deref().filter(|_| v.cidr_block_set.is_empty())) {
                    cidrs.push(parse(p, &at, c, "an IPv4 block")?);
                }
                Ok(PeerSide {
                    owner: need(p, &at, &v.owner_id, "OwnerId")?.clone(),
                    region: v.region.clone().or_else(|| p.file.region.clone()).or_else(|| o.region.clone()).unwrap_or_default(),
                    vpc_id: need(p, &at, &v.vpc_id, "VpcId")?.clone(),
                    cidr_blocks: cidrs,
                    options: PeeringOptions {
                        allow_dns_resolution_from_remote_vpc: v.peering_options.as_ref().and_then(|o| o.allow_dns_resolution_from_remote_vpc).unwrap_or(false),
                    },
                })
            };
            let requester = side(&x.requester_vpc_info, "RequesterVpcInfo")?;
            let accepter = side(&x.accepter_vpc_info, "AccepterVpcInfo")?;
            let code = x.status.as_ref().and_then(|s| s.code.as_ref()).map_or("active", |c| c.as_str()).to_string();
            let status = match code.as_str() {
                "active" | "provisioning" => StoredStatus::Active,
                "pending-acceptance" | "initiating-request" | "expired" => StoredStatus::PendingAcceptance,
                "rejected" => StoredStatus::Rejected,
                "deleted" | "deleting" => StoredStatus::Deleted,
                _ => StoredStatus::Failed(x.status.as_ref().and_then(|s| s.message.clone()).unwrap_or_default()),
            };
            let region = requester.region.clone();
            let created_at = match x.expiration_time {
                Some(t) => t.0 - xvpc_model::peering::EXPIRY_MS,
                None => o.now,
            };
            // Listed by both sides: the second view adds its own tags.
            let view_region = p.file.region.clone().or_else(|| o.region.clone()).unwrap_or_else(|| region.clone());
            if let Some((Resource::VpcPeeringConnection(prev), file)) = found.by_id.get_mut(&id) {
                if *file == p.file.path {
                    return Err(p.err(at, format!("duplicate id {id}")));
                }
                view_tags(&mut prev.tags, p, o, &view_region, &x.tags);
                continue;
            }
            let mut all = BTreeMap::new();
            view_tags(&mut all, p, o, &view_region, &x.tags);
            let owner = requester.owner.clone();
            let r = VpcPeeringConnection {
                id: id.clone(),
                owner: owner.clone(),
                region: region.clone(),
                requester,
                accepter,
                status,
                created_at,
                changed_at: created_at,
                changed_by: None,
                tags: all,
            };
            found.put(p, &at, &id, &owner, None, Resource::VpcPeeringConnection(r))?;
            found.summary.add(&owner, &region, "VpcPeeringConnection", 1, 0);
        }
    }
    Ok(())
}

fn attachment_state(s: Option<&shape::TransitGatewayAttachmentState>) -> AttachmentState {
    let s = s.map_or("available", |s| s.as_str());
    AttachmentState::ALL.iter().copied().find(|a| a.as_str() == s).unwrap_or(AttachmentState::Available)
}

fn attachments<'a>(found: &mut Found, o: &Options, get: &Get<'a>) -> Result<(), ImportError> {
    // Associations as the generic listing shows them.
    let mut assoc: BTreeMap<String, String> = BTreeMap::new();
    let mut generic: Vec<(&Part, String, shape::TransitGatewayAttachment)> = Vec::new();
    for p in get("TransitGatewayAttachments") {
        let out: shape::DescribeTransitGatewayAttachmentsResult = p.decode()?;
        for (i, a) in out.transit_gateway_attachments.into_iter().enumerate() {
            let at = format!("TransitGatewayAttachments.{i}");
            let id = need(p, &at, &a.transit_gateway_attachment_id, "TransitGatewayAttachmentId")?.clone();
            if let Some(rt) = a.association.as_ref().and_then(|x| x.transit_gateway_route_table_id.clone()) {
                assoc.insert(id.clone(), rt);
            }
            generic.push((p, at, a));
        }
    }
    let tgw_owner_of = |id: &str| generic.iter().find(|g| g.2.transit_gateway_attachment_id.as_deref() == Some(id)).and_then(|g| g.2.transit_gateway_owner_id.clone());
    for p in get("TransitGatewayVpcAttachments") {
        let out: shape::DescribeTransitGatewayVpcAttachmentsResult = p.decode()?;
        for (i, a) in out.transit_gateway_vpc_attachments.iter().enumerate() {
            let at = format!("TransitGatewayVpcAttachments.{i}");
            let id = need(p, &at, &a.transit_gateway_attachment_id, "TransitGatewayAttachmentId")?;
            vpc_attachment(found, o, p, &at, a, tgw_owner_of(id), &assoc)?;
        }
    }
    // Attachments only the generic listing shows: VPC ones without their
    // subnets (still routable), other kinds skipped by name.
    for (p, at, a) in &generic {
        let id = a.transit_gateway_attachment_id.clone().unwrap_or_default();
        if found.by_id.contains_key(&id) {
            continue;
        }
        let kind = a.resource_type.as_ref().map_or("vpc", |k| k.as_str()).to_string();
        if kind != "vpc" {
            let owner = p.account(a.resource_owner_id.as_ref(), o, at)?;
            let region = p.region(None, o, at)?;
            found.summary.add(&owner, &region, &format!("TransitGatewayAttachment ({kind})"), 0, 1);
            continue;
        }
        let v = shape::TransitGatewayVpcAttachment {
            transit_gateway_attachment_id: Some(id),
            transit_gateway_id: a.transit_gateway_id.clone(),
            vpc_id: a.resource_id.clone(),
            vpc_owner_id: a.resource_owner_id.clone(),
            state: a.state.clone(),
            creation_time: a.creation_time,
            tags: a.tags.clone(),
            ..Default::default()
        };
        vpc_attachment(found, o, p, at, &v, a.transit_gateway_owner_id.clone(), &assoc)?;
    }
    // The interfaces an attachment placed in its subnets.
    let mut enis: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (id, (r, _)) in &found.by_id {
        if let Resource::NetworkInterface(e) = r {
            if let Some(att) = e.description.strip_prefix("Network Interface for Transit Gateway Attachment ") {
                enis.entry(att.to_string()).or_default().push(id.clone());
            }
        }
    }
    for (att, ids) in enis {
        if let Some((Resource::TransitGatewayAttachment(a), _)) = found.by_id.get_mut(&att) {
            a.eni_ids = ids;
        }
    }
    Ok(())
}

/// One VPC attachment (seen again from another account: that account's tags).
fn vpc_attachment(
    found: &mut Found,
    o: &Options,
    p: &Part,
    at: &str,
    a: &shape::TransitGatewayVpcAttachment,
    tgw_owner: Option<String>,
    assoc: &BTreeMap<String, String>,
) -> Result<(), ImportError> {
    let id = need(p, at, &a.transit_gateway_attachment_id, "TransitGatewayAttachmentId")?.clone();
    let owner = p.account(a.vpc_owner_id.as_ref(), o, at)?;
    let region = p.region(None, o, at)?;
    if let Some((Resource::TransitGatewayAttachment(prev), _)) = found.by_id.get_mut(&id) {
        account_tags(&mut prev.tags, p, o, &a.tags);
        return Ok(());
    }
    let x = a.options.clone().unwrap_or_default();
    let mut all = BTreeMap::new();
    account_tags(&mut all, p, o, &a.tags);
    let r = TgwAttachment {
        id: id.clone(),
        owner: owner.clone(),
        region: region.clone(),
        transit_gateway_id: need(p, at, &a.transit_gateway_id, "TransitGatewayId")?.clone(),
        tgw_owner: tgw_owner.unwrap_or_else(|| owner.clone()),
        vpc_id: need(p, at, &a.vpc_id, "VpcId")?.clone(),
        subnet_ids: a.subnet_ids.clone(),
        state: attachment_state(a.state.as_ref()),
        options: AttachmentOptions {
            dns_support: on(x.dns_support.as_ref().map(|v| v.as_str()), true),
            ipv6_support: on(x.ipv6_support.as_ref().map(|v| v.as_str()), false),
            appliance_mode_support: on(x.appliance_mode_support.as_ref().map(|v| v.as_str()), false),
            security_group_referencing_support: on(x.security_group_referencing_support.as_ref().map(|v| v.as_str()), false),
        },
        association: assoc.get(&id).cloned(),
        eni_ids: Vec::new(),
        tags: all,
        created_at: a.creation_time.map_or(o.now, |c| c.0),
        updated_at: a.creation_time.map_or(o.now, |c| c.0),
    };
    found.put(p, at, &id, &owner, None, Resource::TransitGatewayAttachment(r))?;
    found.summary.add(&owner, &region, "TransitGatewayAttachment", 1, 0);
    Ok(())
}

/// Static routes, associations and propagations, one file row per table.
fn per_table<'a>(found: &mut Found, _o: &Options, get: &Get<'a>) -> Result<(), ImportError> {
    for (key, list) in [("TransitGatewayStaticRoutes", "Routes"), ("TransitGatewayAssociations", "Associations"), ("TransitGatewayPropagations", "TransitGatewayRouteTablePropagations")] {
        for p in get(key) {
            let rows = p.file.json.get(key).and_then(|v| v.as_array()).cloned().unwrap_or_default();
            for (i, row) in rows.iter().enumerate() {
                let at = format!("{key}.{i}");
                let table = row.get("TransitGatewayRouteTableId").and_then(|v| v.as_str()).ok_or_else(|| p.err(format!("{at}.TransitGatewayRouteTableId"), "a required member is missing"))?.to_string();
                let items = row.get(list).and_then(|v| v.as_array()).cloned().unwrap_or_default();
                for (j, item) in items.iter().enumerate() {
                    let at = format!("{at}.{list}.{j}");
                    let text = |k: &str| item.get(k).and_then(|v| v.as_str()).map(str::to_string);
                    match key {
                        "TransitGatewayStaticRoutes" => {
                            use xvpc_wire::json_shape::FromJson;
                            let r = shape::TransitGatewayRoute::from_json(item, &at).map_err(|e| p.err(&at, format!("{e:?}")))?;
                            if r.type_.as_ref().map(|t| t.as_str()) == Some("propagated") {
                                continue;
                            }
                            let Some(c) = r.destination_cidr_block.as_deref() else {
                                continue;
                            };
                            let cidr: IpNet = parse(p, &at, c, "a CIDR block")?;
                            let target = r.transit_gateway_attachments.first().and_then(|a| a.transit_gateway_attachment_id.clone());
                            let target = if r.state.as_ref().map(|s| s.as_str()) == Some("blackhole") && target.is_none() { None } else { target };
                            match found.by_id.get_mut(&table) {
                                Some((Resource::TransitGatewayRouteTable(t), _)) => t.routes.push(StaticRoute { cidr, target }),
                                _ => return Err(p.err(at, format!("route table {table} is not in the dump"))),
                            }
                        }
                        "TransitGatewayAssociations" => {
                            let att = text("TransitGatewayAttachmentId").ok_or_else(|| p.err(&at, "a required member is missing"))?;
                            if let Some((Resource::TransitGatewayAttachment(a), _)) = found.by_id.get_mut(&att) {
                                a.association = Some(table.clone());
                            }
                        }
                        _ => {
                            let att = text("TransitGatewayAttachmentId").ok_or_else(|| p.err(&at, "a required member is missing"))?;
                            match found.by_id.get_mut(&table) {
                                Some((Resource::TransitGatewayRouteTable(t), _)) => t.propagations.push(att),
                                _ => return Err(p.err(at, format!("route table {table} is not in the dump"))),
                            }
                        }
                    }
                }
            }
        }
    }
    Ok(())
}
