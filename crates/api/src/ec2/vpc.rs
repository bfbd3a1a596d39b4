//! VPC actions.

use xvpc_model::vpc::{self, CreateVpc, Vpc, VpcAttribute};
use xvpc_model::IdKind;
use xvpc_wire::{QueryParams, XmlWriter};

use super::{filters, paginate, require_all, tag_specs, write_tags};
use crate::call::{Call, QueryHandler};
use crate::errors::{client, Result};

pub const ACTIONS: &[(&str, QueryHandler)] = &[
    ("CreateVpc", create_vpc),
    ("DeleteVpc", delete_vpc),
    ("DescribeVpcs", describe_vpcs),
    ("ModifyVpcAttribute", modify_vpc_attribute),
    ("DescribeVpcAttribute", describe_vpc_attribute),
    ("AssociateVpcCidrBlock", associate_vpc_cidr_block),
    ("DisassociateVpcCidrBlock", disassociate_vpc_cidr_block),
];

/// The `<vpc>` structure's content.
pub fn write_vpc(w: &mut XmlWriter, v: &Vpc) {
    w.leaf("vpcId", &v.id)
        .leaf("ownerId", &v.owner)
        .leaf("state", "available")
        .leaf("cidrBlock", v.primary_cidr().to_string())
        .items("cidrBlockAssociationSet", &v.cidr_blocks, |w, b| {
            w.leaf("cidrBlock", b.cidr.to_string()).leaf("associationId", &b.association_id);
            w.open("cidrBlockState").leaf("state", "associated").close("cidrBlockState");
        })
        .items("ipv6CidrBlockAssociationSet", Vec::<()>::new(), |_, _| {})
        .leaf("dhcpOptionsId", &v.dhcp_options_id)
        .leaf("instanceTenancy", &v.instance_tenancy)
        .bool_leaf("isDefault", v.is_default);
    write_tags(w, &v.tags);
}

fn create_vpc(call: &mut Call, p: &QueryParams) -> Result<String> {
    if p.get("Ipv4IpamPoolId").is_some() {
        return Err(client("InvalidParameterValue", "IPAM pools are not supported by xvpc"));
    }
    let cidr = p.required("CidrBlock")?.to_string();
    let input = CreateVpc { cidr, instance_tenancy: p.get("InstanceTenancy").map(str::to_string), tags: tag_specs(p, "vpc")? };
    let (ch, id) = vpc::create_vpc(call.state(), &call.ctx, input)?;
    call.commit(ch)?;
    let mut w = XmlWriter::new();
    w.open("vpc");
    let v = &call.state().vpcs[&id];
    // A new VPC is reported `pending` in the create response, as AWS does.
    let mut x = XmlWriter::new();
    write_vpc(&mut x, v);
    w.raw(&x.finish().replacen("<state>available</state>", "<state>pending</state>", 1));
    w.close("vpc");
    Ok(w.finish())
}

fn delete_vpc(call: &mut Call, p: &QueryParams) -> Result<String> {
    let id = p.required("VpcId")?;
    let ch = vpc::delete_vpc(call.state(), &call.ctx, id)?;
    call.commit(ch)?;
    Ok("<return>true</return>".into())
}

fn describe_vpcs(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ids = p.list("VpcId");
    let fs = filters(p);
    let s = call.state();
    let mine = |v: &&Vpc| v.owner == call.ctx.account && v.region == call.ctx.region;
    require_all(&ids, |id| s.vpcs.get(id).is_some_and(|v| mine(&v)), IdKind::Vpc)?;
    if !ids.is_empty() && p.get("MaxResults").is_some() {
        return Err(client("InvalidParameterCombination", "The parameter vpcIdsSet cannot be used with the parameter maxResults"));
    }
    let out = vpc::FILTERS.select(&fs, s, &call.ctx, s.vpcs.scope(&call.ctx).filter(|v| ids.is_empty() || ids.contains(&v.id)))?;
    let (page, next) = paginate(out, p, |v| v.id.clone(), (5, 1000))?;
    let mut w = XmlWriter::new();
    w.items("vpcSet", page, |w, v| write_vpc(w, v));
    w.opt_leaf("nextToken", next);
    Ok(w.finish())
}

fn modify_vpc_attribute(call: &mut Call, p: &QueryParams) -> Result<String> {
    let id = p.required("VpcId")?;
    let support = p.child("EnableDnsSupport").bool("Value")?;
    let hostnames = p.child("EnableDnsHostnames").bool("Value")?;
    let attr = match (support, hostnames, p.has_child("EnableNetworkAddressUsageMetrics")) {
        (Some(b), None, false) => VpcAttribute::EnableDnsSupport(b),
        (None, Some(b), false) => VpcAttribute::EnableDnsHostnames(b),
        (None, None, true) => {
            // Accepted and ignored: it has no effect on routing.
            xvpc_model::state::owned(&call.state().vpcs, &call.ctx, IdKind::Vpc, id)?;
            return Ok("<return>true</return>".into());
        }
        (None, None, false) => return Err(client("MissingParameter", "The request must contain the parameter EnableDnsSupport or EnableDnsHostnames")),
        _ => return Err(client("InvalidParameterCombination", "Fields for multiple attribute types specified: enableDnsSupport, enableDnsHostnames")),
    };
    let ch = vpc::modify_attribute(call.state(), &call.ctx, id, attr)?;
    call.commit(ch)?;
    Ok("<return>true</return>".into())
}

fn describe_vpc_attribute(call: &mut Call, p: &QueryParams) -> Result<String> {
    let id = p.required("VpcId")?;
    let attr = p.required("Attribute")?;
    let v = xvpc_model::state::owned(&call.state().vpcs, &call.ctx, IdKind::Vpc, id)?;
    let (elem, value) = match attr {
        "enableDnsSupport" => ("enableDnsSupport", v.enable_dns_support),
        "enableDnsHostnames" => ("enableDnsHostnames", v.enable_dns_hostnames),
        "enableNetworkAddressUsageMetrics" => ("enableNetworkAddressUsageMetrics", false),
        other => return Err(client("InvalidParameterValue", format!("Value ({other}) for parameter attribute is invalid. Unknown attribute."))),
    };
    let mut w = XmlWriter::new();
    w.leaf("vpcId", &v.id).open(elem).bool_leaf("value", value).close(elem);
    Ok(w.finish())
}

fn associate_vpc_cidr_block(call: &mut Call, p: &QueryParams) -> Result<String> {
    let id = p.required("VpcId")?.to_string();
    if p.bool("AmazonProvidedIpv6CidrBlock")?.unwrap_or(false) || p.get("Ipv6CidrBlock").is_some() {
        return Err(client("InvalidParameterValue", "IPv6 CIDR blocks are not supported by xvpc"));
    }
    let cidr = p.required("CidrBlock")?;
    let (ch, block) = vpc::associate_cidr(call.state(), &call.ctx, &id, cidr)?;
    call.commit(ch)?;
    let mut w = XmlWriter::new();
    w.leaf("vpcId", &id).open("cidrBlockAssociation").leaf("associationId", &block.association_id).leaf("cidrBlock", block.cidr.to_string());
    w.open("cidrBlockState").leaf("state", "associating").close("cidrBlockState").close("cidrBlockAssociation");
    Ok(w.finish())
}

fn disassociate_vpc_cidr_block(call: &mut Call, p: &QueryParams) -> Result<String> {
    let assoc = p.required("AssociationId")?;
    let (ch, vpc_id, block) = vpc::disassociate_cidr(call.state(), &call.ctx, assoc)?;
    call.commit(ch)?;
    let mut w = XmlWriter::new();
    w.leaf("vpcId", &vpc_id).open("cidrBlockAssociation").leaf("associationId", &block.association_id).leaf("cidrBlock", block.cidr.to_string());
    w.open("cidrBlockState").leaf("state", "disassociating").close("cidrBlockState").close("cidrBlockAssociation");
    Ok(w.finish())
}
