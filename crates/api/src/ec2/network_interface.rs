//! Network interface actions.

use xvpc_model::network_interface::{self, CreateEni, ModifyEni, NetworkInterface};
use xvpc_model::{IdKind, State};
use xvpc_wire::{QueryParams, XmlWriter};

use super::{filters, paginate, require_all, tag_specs, timestamp, write_tags};
use crate::call::{Call, QueryHandler};
use crate::errors::{client, Result};

pub const ACTIONS: &[(&str, QueryHandler)] = &[
    ("CreateNetworkInterface", create_network_interface),
    ("DeleteNetworkInterface", delete_network_interface),
    ("DescribeNetworkInterfaces", describe_network_interfaces),
    ("ModifyNetworkInterfaceAttribute", modify_network_interface_attribute),
    ("DescribeNetworkInterfaceAttribute", describe_network_interface_attribute),
    ("AttachNetworkInterface", attach_network_interface),
    ("DetachNetworkInterface", detach_network_interface),
];

/// `<groupSet>` of an interface: ids with names.
pub fn write_group_set(w: &mut XmlWriter, groups: &[String], state: &State) {
    w.items("groupSet", groups, |w, g| {
        w.leaf("groupId", g);
        w.opt_leaf("groupName", state.security_groups.get(g).map(|x| x.name.clone()));
    });
}

/// `<association>`: the public IPv4 address mapped to the interface's
/// primary private address, when it has one: owned by `amazon`, or by the
/// account for an Elastic IP (whose allocation and association ids the
/// interface's own structure shows, `with_ids`; an instance's does not).
pub fn write_association(w: &mut XmlWriter, e: &NetworkInterface, state: &State, with_ids: bool) {
    if let Some(ip) = e.public_ip {
        let eip = xvpc_model::elastic_ip::of_eni(state, &e.id);
        w.open("association");
        if let (Some(a), true) = (eip, with_ids) {
            w.leaf("allocationId", &a.id).opt_leaf("associationId", a.association.as_ref().map(|x| x.id.clone()));
        }
        w.leaf("ipOwnerId", eip.map(|a| a.owner.as_str()).unwrap_or("amazon"))
            .leaf("publicDnsName", xvpc_model::public_ip::shown_dns_name(state, &e.vpc_id, &e.region, ip))
            .leaf("publicIp", ip.to_string())
            .close("association");
    }
}

/// The `<networkInterface>` structure's content.
pub fn write_eni(w: &mut XmlWriter, e: &NetworkInterface, state: &State) {
    let dns = network_interface::private_dns_name(&e.region, e.private_ip);
    w.leaf("networkInterfaceId", &e.id)
        .leaf("subnetId", &e.subnet_id)
        .leaf("vpcId", &e.vpc_id)
        .leaf("availabilityZone", &e.availability_zone)
        .leaf("description", &e.description)
        .leaf("ownerId", &e.owner)
        .opt_leaf("requesterId", e.requester_id.as_ref())
        .bool_leaf("requesterManaged", e.requester_managed)
        .leaf("status", e.status())
        .leaf("macAddress", &e.mac_address)
        .leaf("privateIpAddress", e.private_ip.to_string())
        .leaf("privateDnsName", &dns)
        .bool_leaf("sourceDestCheck", e.source_dest_check);
    write_group_set(w, &e.groups, state);
    write_association(w, e, state, true);
    if let Some(a) = &e.attachment {
        w.open("attachment")
            .leaf("attachmentId", &a.id)
            .leaf("instanceId", &a.instance_id)
            .leaf("instanceOwnerId", &e.owner)
            .leaf("deviceIndex", a.device_index.to_string())
            .leaf("networkCardIndex", "0")
            .leaf("status", "attached")
            .leaf("attachTime", timestamp(a.attach_time))
            .bool_leaf("deleteOnTermination", a.delete_on_termination)
            .close("attachment");
    }
    write_tags(w, &e.tags);
    w.items("privateIpAddressesSet", e.all_ips().enumerate().collect::<Vec<_>>(), |w, (i, ip)| {
        w.leaf("privateIpAddress", ip.to_string())
            .leaf("privateDnsName", network_interface::private_dns_name(&e.region, ip))
            .bool_leaf("primary", i == 0);
        if i == 0 {
            write_association(w, e, state, true);
        }
    });
    w.items("ipv6AddressesSet", Vec::<()>::new(), |_, _| {});
    w.leaf("interfaceType", &e.interface_type);
}

fn create_network_interface(call: &mut Call, p: &QueryParams) -> Result<String> {
    if p.int("SecondaryPrivateIpAddressCount")?.is_some_and(|n| n > 0) || p.has_child("PrivateIpAddresses") {
        return Err(client("InvalidParameterValue", "Secondary private IP addresses are not supported by xvpc"));
    }
    let input = CreateEni {
        subnet_id: p.required("SubnetId")?.to_string(),
        private_ip: p.get("PrivateIpAddress").map(str::to_string),
        groups: p.list("SecurityGroupId"),
        description: p.get("Description").map(str::to_string),
        tags: tag_specs(p, "network-interface")?,
    };
    let (ch, id) = network_interface::create(call.state(), &call.ctx, input)?;
    call.commit(ch)?;
    let s = call.state();
    let mut w = XmlWriter::new();
    w.open("networkInterface");
    write_eni(&mut w, &s.network_interfaces[&id], s);
    w.close("networkInterface");
    Ok(w.finish())
}

fn delete_network_interface(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ch = network_interface::delete(call.state(), &call.ctx, p.required("NetworkInterfaceId")?)?;
    call.commit(ch)?;
    Ok("<return>true</return>".into())
}

fn describe_network_interfaces(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ids = p.list("NetworkInterfaceId");
    let fs = filters(p);
    let s = call.state();
    let mine = |x: &&NetworkInterface| x.owner == call.ctx.account && x.region == call.ctx.region;
    require_all(&ids, |id| s.network_interfaces.get(id).is_some_and(|x| mine(&x)), IdKind::NetworkInterface)?;
    let out = xvpc_model::network_interface::FILTERS.select(&fs, s, &call.ctx, s.network_interfaces.scope(&call.ctx).filter(|x| ids.is_empty() || ids.contains(&x.id)))?;
    let (page, next) = paginate(out, p, |x| x.id.clone(), (5, 1000))?;
    let mut w = XmlWriter::new();
    w.items("networkInterfaceSet", page, |w, x| write_eni(w, x, s));
    w.opt_leaf("nextToken", next);
    Ok(w.finish())
}

fn modify_network_interface_attribute(call: &mut Call, p: &QueryParams) -> Result<String> {
    let groups = p.list("SecurityGroupId");
    let m = ModifyEni {
        groups: (!groups.is_empty()).then_some(groups),
        source_dest_check: p.child("SourceDestCheck").bool("Value")?,
        description: p.child("Description").get("Value").map(str::to_string),
        delete_on_termination: p.child("Attachment").bool("DeleteOnTermination")?,
        attachment_id: p.child("Attachment").get("AttachmentId").map(str::to_string),
    };
    let ch = network_interface::modify(call.state(), &call.ctx, p.required("NetworkInterfaceId")?, m)?;
    call.commit(ch)?;
    Ok("<return>true</return>".into())
}

fn describe_network_interface_attribute(call: &mut Call, p: &QueryParams) -> Result<String> {
    let id = p.required("NetworkInterfaceId")?;
    let s = call.state();
    let e = xvpc_model::state::owned(&s.network_interfaces, &call.ctx, IdKind::NetworkInterface, id)?;
    let mut w = XmlWriter::new();
    w.leaf("networkInterfaceId", &e.id);
    match p.required("Attribute")? {
        "description" => {
            w.open("description").leaf("value", &e.description).close("description");
        }
        "groupSet" => write_group_set(&mut w, &e.groups, s),
        "sourceDestCheck" => {
            w.open("sourceDestCheck").bool_leaf("value", e.source_dest_check).close("sourceDestCheck");
        }
        "attachment" => {
            if let Some(a) = &e.attachment {
                w.open("attachment").leaf("attachmentId", &a.id).leaf("instanceId", &a.instance_id).leaf("deviceIndex", a.device_index.to_string());
                w.leaf("status", "attached").bool_leaf("deleteOnTermination", a.delete_on_termination).close("attachment");
            }
        }
        other => return Err(client("InvalidParameterValue", format!("Value ({other}) for parameter attribute is invalid."))),
    }
    Ok(w.finish())
}

fn attach_network_interface(call: &mut Call, p: &QueryParams) -> Result<String> {
    let idx = p.int("DeviceIndex")?.ok_or_else(|| xvpc_model::ModelError::MissingParameter("deviceIndex".into()))?;
    let (ch, id) = network_interface::attach(call.state(), &call.ctx, p.required("NetworkInterfaceId")?, p.required("InstanceId")?, idx)?;
    call.commit(ch)?;
    let mut w = XmlWriter::new();
    w.leaf("attachmentId", id).leaf("networkCardIndex", "0");
    Ok(w.finish())
}

fn detach_network_interface(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ch = network_interface::detach(call.state(), &call.ctx, p.required("AttachmentId")?)?;
    call.commit(ch)?;
    Ok("<return>true</return>".into())
}
