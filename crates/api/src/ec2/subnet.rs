//! Subnet actions.

use xvpc_model::subnet::{self, CreateSubnet, Subnet};
use xvpc_model::{IdKind, State};
use xvpc_wire::{QueryParams, XmlWriter};

use super::{filters, paginate, require_all, tag_specs, write_tags};
use crate::call::{Call, QueryHandler};
use crate::errors::{client, Result};

pub const ACTIONS: &[(&str, QueryHandler)] = &[
    ("CreateSubnet", create_subnet),
    ("DeleteSubnet", delete_subnet),
    ("DescribeSubnets", describe_subnets),
    ("ModifySubnetAttribute", modify_subnet_attribute),
];

/// Subnet attributes xvpc does not model: accepted only at the value
/// DescribeSubnets always shows for them.
const FIXED_FALSE: &[&str] = &[
    "AssignIpv6AddressOnCreation",
    "MapCustomerOwnedIpOnLaunch",
    "EnableDns64",
    "EnableResourceNameDnsARecordOnLaunch",
    "EnableResourceNameDnsAAAARecordOnLaunch",
];

fn modify_subnet_attribute(call: &mut Call, p: &QueryParams) -> Result<String> {
    let id = p.required("SubnetId")?;
    let present: Vec<&str> = std::iter::once("MapPublicIpOnLaunch").chain(FIXED_FALSE.iter().copied()).filter(|a| p.has_child(a)).collect();
    let attr = match present.as_slice() {
        [] => return Err(client("MissingParameter", "The request must contain the parameter attribute")),
        [a] => *a,
        _ => return Err(client("InvalidParameterCombination", "You can only modify one attribute at a time.")),
    };
    let value = p.child(attr).bool("Value")?.ok_or_else(|| client("MissingParameter", format!("The request must contain the parameter {attr}.Value")))?;
    if attr == "MapPublicIpOnLaunch" {
        let ch = subnet::set_map_public_ip_on_launch(call.state(), &call.ctx, id, value)?;
        call.commit(ch)?;
    } else {
        xvpc_model::state::owned(&call.state().subnets, &call.ctx, IdKind::Subnet, id)?;
        if value {
            return Err(client("InvalidParameterValue", format!("{attr} is not supported by xvpc")));
        }
    }
    Ok("<return>true</return>".into())
}

/// The `<subnet>` structure's content.
pub fn write_subnet(w: &mut XmlWriter, s: &Subnet, state: &State) {
    w.leaf("subnetId", &s.id)
        .leaf("subnetArn", s.arn())
        .leaf("state", "available")
        .leaf("ownerId", &s.owner)
        .leaf("vpcId", &s.vpc_id)
        .leaf("cidrBlock", s.cidr.to_string())
        .items("ipv6CidrBlockAssociationSet", Vec::<()>::new(), |_, _| {})
        .leaf("availableIpAddressCount", s.available_ip_count(state).to_string())
        .leaf("availabilityZone", &s.availability_zone)
        .leaf("availabilityZoneId", &s.availability_zone_id)
        .bool_leaf("defaultForAz", false)
        .bool_leaf("mapPublicIpOnLaunch", s.map_public_ip_on_launch)
        .bool_leaf("assignIpv6AddressOnCreation", false)
        .bool_leaf("mapCustomerOwnedIpOnLaunch", false)
        .bool_leaf("enableDns64", false)
        .bool_leaf("ipv6Native", false);
    w.open("privateDnsNameOptionsOnLaunch")
        .leaf("hostnameType", "ip-name")
        .bool_leaf("enableResourceNameDnsARecord", false)
        .bool_leaf("enableResourceNameDnsAAAARecord", false)
        .close("privateDnsNameOptionsOnLaunch");
    write_tags(w, &s.tags);
}

fn create_subnet(call: &mut Call, p: &QueryParams) -> Result<String> {
    let input = CreateSubnet {
        vpc_id: p.required("VpcId")?.to_string(),
        cidr: p.required("CidrBlock")?.to_string(),
        availability_zone: p.get("AvailabilityZone").map(str::to_string),
        availability_zone_id: p.get("AvailabilityZoneId").map(str::to_string),
        tags: tag_specs(p, "subnet")?,
    };
    let (ch, id) = subnet::create_subnet(call.state(), &call.ctx, input)?;
    call.commit(ch)?;
    let s = call.state();
    let mut w = XmlWriter::new();
    w.open("subnet");
    write_subnet(&mut w, &s.subnets[&id], s);
    w.close("subnet");
    Ok(w.finish())
}

fn delete_subnet(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ch = subnet::delete_subnet(call.state(), &call.ctx, p.required("SubnetId")?)?;
    call.commit(ch)?;
    Ok("<return>true</return>".into())
}

fn describe_subnets(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ids = p.list("SubnetId");
    let fs = filters(p);
    let s = call.state();
    let mine = |x: &&Subnet| x.owner == call.ctx.account && x.region == call.ctx.region;
    require_all(&ids, |id| s.subnets.get(id).is_some_and(|x| mine(&x)), IdKind::Subnet)?;
    let out = subnet::FILTERS.select(&fs, s, &call.ctx, s.subnets.scope(&call.ctx).filter(|x| ids.is_empty() || ids.contains(&x.id)))?;
    let (page, next) = paginate(out, p, |x| x.id.clone(), (5, 1000))?;
    let mut w = XmlWriter::new();
    w.items("subnetSet", page, |w, x| write_subnet(w, x, s));
    w.opt_leaf("nextToken", next);
    Ok(w.finish())
}
