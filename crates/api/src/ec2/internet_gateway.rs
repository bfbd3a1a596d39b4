//! Internet gateway actions.

use xvpc_model::internet_gateway::{self, InternetGateway};
use xvpc_model::IdKind;
use xvpc_wire::{QueryParams, XmlWriter};

use super::{filters, paginate, require_all, tag_specs, write_tags};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const ACTIONS: &[(&str, QueryHandler)] = &[
    ("CreateInternetGateway", create_internet_gateway),
    ("DeleteInternetGateway", delete_internet_gateway),
    ("AttachInternetGateway", attach_internet_gateway),
    ("DetachInternetGateway", detach_internet_gateway),
    ("DescribeInternetGateways", describe_internet_gateways),
];

/// The `<internetGateway>` structure's content.
pub fn write_igw(w: &mut XmlWriter, g: &InternetGateway) {
    w.items("attachmentSet", g.attached_vpc.iter(), |w, v| {
        w.leaf("state", "available").leaf("vpcId", v);
    });
    w.leaf("internetGatewayId", &g.id).leaf("ownerId", &g.owner);
    write_tags(w, &g.tags);
}

fn create_internet_gateway(call: &mut Call, p: &QueryParams) -> Result<String> {
    let tags = tag_specs(p, "internet-gateway")?;
    let (ch, id) = internet_gateway::create(&call.ctx, tags);
    call.commit(ch)?;
    let mut w = XmlWriter::new();
    w.open("internetGateway");
    write_igw(&mut w, &call.state().internet_gateways[&id]);
    w.close("internetGateway");
    Ok(w.finish())
}

fn delete_internet_gateway(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ch = internet_gateway::delete(call.state(), &call.ctx, p.required("InternetGatewayId")?)?;
    call.commit(ch)?;
    Ok("<return>true</return>".into())
}

fn attach_internet_gateway(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ch = internet_gateway::attach(call.state(), &call.ctx, p.required("InternetGatewayId")?, p.required("VpcId")?)?;
    call.commit(ch)?;
    Ok("<return>true</return>".into())
}

fn detach_internet_gateway(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ch = internet_gateway::detach(call.state(), &call.ctx, p.required("InternetGatewayId")?, p.required("VpcId")?)?;
    call.commit(ch)?;
    Ok("<return>true</return>".into())
}

fn describe_internet_gateways(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ids = p.list("InternetGatewayId");
    let fs = filters(p);
    let s = call.state();
    let mine = |x: &&InternetGateway| x.owner == call.ctx.account && x.region == call.ctx.region;
    require_all(&ids, |id| s.internet_gateways.get(id).is_some_and(|x| mine(&x)), IdKind::InternetGateway)?;
    let out = xvpc_model::internet_gateway::FILTERS.select(&fs, s, &call.ctx, s.internet_gateways.scope(&call.ctx).filter(|x| ids.is_empty() || ids.contains(&x.id)))?;
    let (page, next) = paginate(out, p, |x| x.id.clone(), (5, 1000))?;
    let mut w = XmlWriter::new();
    w.items("internetGatewaySet", page, |w, x| write_igw(w, x));
    w.opt_leaf("nextToken", next);
    Ok(w.finish())
}
