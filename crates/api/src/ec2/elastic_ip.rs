//! Elastic IP actions: AllocateAddress, AssociateAddress,
//! DisassociateAddress, ReleaseAddress, DescribeAddresses.

use xvpc_model::elastic_ip::{self, Address, Associate};
use xvpc_model::State;
use xvpc_wire::{QueryParams, XmlWriter};

use super::{filters, tag_specs, write_tags};
use crate::call::{Call, QueryHandler};
use crate::errors::{client, Result};

pub const ACTIONS: &[(&str, QueryHandler)] = &[
    ("AllocateAddress", allocate_address),
    ("AssociateAddress", associate_address),
    ("DisassociateAddress", disassociate_address),
    ("ReleaseAddress", release_address),
    ("DescribeAddresses", describe_addresses),
];

fn write_address(w: &mut XmlWriter, a: &Address, state: &State) {
    w.leaf("publicIp", a.public_ip.to_string()).leaf("allocationId", &a.id).leaf("domain", "vpc");
    if let Some(x) = &a.association {
        let eni = state.network_interfaces.get(&x.network_interface_id);
        w.opt_leaf("instanceId", eni.and_then(|e| e.attachment.as_ref()).map(|t| t.instance_id.clone()));
        w.leaf("associationId", &x.id).leaf("networkInterfaceId", &x.network_interface_id);
        w.opt_leaf("networkInterfaceOwnerId", eni.map(|e| e.owner.clone())).leaf("privateIpAddress", x.private_ip.to_string());
    }
    write_tags(w, &a.tags);
    w.leaf("publicIpv4Pool", "amazon").leaf("networkBorderGroup", &a.region);
}

fn allocate_address(call: &mut Call, p: &QueryParams) -> Result<String> {
    if p.get("Domain").is_some_and(|d| d != "vpc" && d != "standard") {
        return Err(client("InvalidParameterValue", format!("Invalid value '{}' for domain.", p.get("Domain").unwrap_or_default())));
    }
    if p.get("Address").is_some() || p.get("PublicIpv4Pool").is_some_and(|x| x != "amazon") {
        return Err(client("InvalidParameterValue", "Bring-your-own addresses are not supported by xvpc"));
    }
    let tags = tag_specs(p, "elastic-ip")?;
    let (ch, id) = elastic_ip::allocate(call.state(), &call.ctx, tags)?;
    call.commit(ch)?;
    let a = &call.state().addresses[&id];
    let mut w = XmlWriter::new();
    w.leaf("publicIp", a.public_ip.to_string()).leaf("allocationId", &a.id).leaf("domain", "vpc");
    w.leaf("publicIpv4Pool", "amazon").leaf("networkBorderGroup", &a.region);
    Ok(w.finish())
}

fn associate_address(call: &mut Call, p: &QueryParams) -> Result<String> {
    let a = elastic_ip::find(call.state(), &call.ctx, p.get("AllocationId"), p.get("PublicIp"))?.clone();
    let input = Associate {
        instance_id: p.get("InstanceId").map(str::to_string),
        network_interface_id: p.get("NetworkInterfaceId").map(str::to_string),
        private_ip: p.get("PrivateIpAddress").map(str::to_string),
        allow_reassociation: p.bool("AllowReassociation")?.unwrap_or(false),
    };
    let (ch, id) = elastic_ip::associate(call.state(), &call.ctx, &a, input)?;
    call.commit(ch)?;
    let mut w = XmlWriter::new();
    w.leaf("return", "true").leaf("associationId", id);
    Ok(w.finish())
}

fn disassociate_address(call: &mut Call, p: &QueryParams) -> Result<String> {
    let assoc = match (p.get("AssociationId"), p.get("PublicIp")) {
        (Some(id), _) => id.to_string(),
        (None, ip) => {
            let a = elastic_ip::find(call.state(), &call.ctx, None, ip)?;
            match &a.association {
                Some(x) => x.id.clone(),
                // Idempotent, as AWS documents.
                None => return Ok("<return>true</return>".into()),
            }
        }
    };
    let ch = elastic_ip::disassociate(call.state(), &call.ctx, &assoc)?;
    call.commit(ch)?;
    Ok("<return>true</return>".into())
}

fn release_address(call: &mut Call, p: &QueryParams) -> Result<String> {
    let a = elastic_ip::find(call.state(), &call.ctx, p.get("AllocationId"), p.get("PublicIp"))?;
    let ch = elastic_ip::release(a)?;
    call.commit(ch)?;
    Ok("<return>true</return>".into())
}

fn describe_addresses(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ids = p.list("AllocationId");
    let ips = p.list("PublicIp");
    let fs = filters(p);
    let s = call.state();
    for id in &ids {
        elastic_ip::find(s, &call.ctx, Some(id), None)?;
    }
    for ip in &ips {
        elastic_ip::find(s, &call.ctx, None, Some(ip))?;
    }
    let listed = |a: &&xvpc_model::elastic_ip::Address| (ids.is_empty() || ids.contains(&a.id)) && (ips.is_empty() || ips.contains(&a.public_ip.to_string()));
    let out = elastic_ip::FILTERS.select(&fs, s, &call.ctx, s.addresses.scope(&call.ctx).filter(listed))?;
    let mut w = XmlWriter::new();
    w.items("addressesSet", out, |w, a| write_address(w, a, s));
    Ok(w.finish())
}
