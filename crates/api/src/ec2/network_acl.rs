//! Network ACL actions: ACLs, entries and subnet associations.

use xvpc_model::network_acl::{self, EntryInput, NetworkAcl};
use xvpc_model::IdKind;
use xvpc_wire::{QueryParams, XmlWriter};

use super::{filters, paginate, require_all, tag_specs, write_tags};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const ACTIONS: &[(&str, QueryHandler)] = &[
    ("CreateNetworkAcl", create_network_acl),
    ("DeleteNetworkAcl", delete_network_acl),
    ("DescribeNetworkAcls", describe_network_acls),
    ("CreateNetworkAclEntry", create_network_acl_entry),
    ("ReplaceNetworkAclEntry", replace_network_acl_entry),
    ("DeleteNetworkAclEntry", delete_network_acl_entry),
    ("ReplaceNetworkAclAssociation", replace_network_acl_association),
];

/// The `<networkAcl>` structure's content.
pub fn write_acl(w: &mut XmlWriter, a: &NetworkAcl) {
    w.leaf("networkAclId", &a.id).leaf("vpcId", &a.vpc_id).bool_leaf("default", a.is_default);
    w.items("entrySet", &a.entries, |w, e| {
        w.leaf("ruleNumber", e.rule_number.to_string())
            .leaf("protocol", e.protocol.nacl_form())
            .leaf("ruleAction", if e.allow { "allow" } else { "deny" })
            .bool_leaf("egress", e.egress)
            .leaf("cidrBlock", e.cidr.to_string());
        if let Some((t, c)) = e.icmp {
            w.open("icmpTypeCode").leaf("code", c.to_string()).leaf("type", t.to_string()).close("icmpTypeCode");
        }
        if let Some((f, t)) = e.port_range {
            w.open("portRange").leaf("from", f.to_string()).leaf("to", t.to_string()).close("portRange");
        }
    });
    w.items("associationSet", &a.associations, |w, x| {
        w.leaf("networkAclAssociationId", &x.id).leaf("networkAclId", &a.id).leaf("subnetId", &x.subnet_id);
    });
    write_tags(w, &a.tags);
    w.leaf("ownerId", &a.owner);
}

fn create_network_acl(call: &mut Call, p: &QueryParams) -> Result<String> {
    let tags = tag_specs(p, "network-acl")?;
    let (ch, id) = network_acl::create(call.state(), &call.ctx, p.required("VpcId")?, tags)?;
    call.commit(ch)?;
    let mut w = XmlWriter::new();
    w.open("networkAcl");
    write_acl(&mut w, &call.state().network_acls[&id]);
    w.close("networkAcl");
    Ok(w.finish())
}

fn delete_network_acl(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ch = network_acl::delete(call.state(), &call.ctx, p.required("NetworkAclId")?)?;
    call.commit(ch)?;
    Ok("<return>true</return>".into())
}

fn describe_network_acls(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ids = p.list("NetworkAclId");
    let fs = filters(p);
    let s = call.state();
    let mine = |x: &&NetworkAcl| x.owner == call.ctx.account && x.region == call.ctx.region;
    require_all(&ids, |id| s.network_acls.get(id).is_some_and(|x| mine(&x)), IdKind::NetworkAcl)?;
    let out = xvpc_model::network_acl::FILTERS.select(&fs, s, &call.ctx, s.network_acls.scope(&call.ctx).filter(|x| ids.is_empty() || ids.contains(&x.id)))?;
    let (page, next) = paginate(out, p, |x| x.id.clone(), (5, 1000))?;
    let mut w = XmlWriter::new();
    w.items("networkAclSet", page, |w, x| write_acl(w, x));
    w.opt_leaf("nextToken", next);
    Ok(w.finish())
}

fn entry(p: &QueryParams) -> Result<EntryInput> {
    let pr = p.child("PortRange");
    let icmp = p.child("Icmp");
    Ok(EntryInput {
        rule_number: p.int("RuleNumber")?.ok_or_else(|| xvpc_model::ModelError::MissingParameter("ruleNumber".into()))?,
        egress: p.bool("Egress")?.ok_or_else(|| xvpc_model::ModelError::MissingParameter("egress".into()))?,
        protocol: p.required("Protocol")?.to_string(),
        action: p.required("RuleAction")?.to_string(),
        cidr: p.get("CidrBlock").map(str::to_string),
        ipv6_cidr: p.get("Ipv6CidrBlock").map(str::to_string),
        port_range: (!pr.is_empty()).then(|| Ok::<_, xvpc_wire::WireError>((pr.int("From")?, pr.int("To")?))).transpose()?,
        icmp: (!icmp.is_empty()).then(|| Ok::<_, xvpc_wire::WireError>((icmp.int("Type")?, icmp.int("Code")?))).transpose()?,
    })
}

fn create_network_acl_entry(call: &mut Call, p: &QueryParams) -> Result<String> {
    let e = entry(p)?;
    let ch = network_acl::create_entry(call.state(), &call.ctx, p.required("NetworkAclId")?, &e)?;
    call.commit(ch)?;
    Ok("<return>true</return>".into())
}

fn replace_network_acl_entry(call: &mut Call, p: &QueryParams) -> Result<String> {
    let e = entry(p)?;
    let ch = network_acl::replace_entry(call.state(), &call.ctx, p.required("NetworkAclId")?, &e)?;
    call.commit(ch)?;
    Ok("<return>true</return>".into())
}

fn delete_network_acl_entry(call: &mut Call, p: &QueryParams) -> Result<String> {
    let n = p.int("RuleNumber")?.ok_or_else(|| xvpc_model::ModelError::MissingParameter("ruleNumber".into()))?;
    let egress = p.bool("Egress")?.ok_or_else(|| xvpc_model::ModelError::MissingParameter("egress".into()))?;
    let ch = network_acl::delete_entry(call.state(), &call.ctx, p.required("NetworkAclId")?, n, egress)?;
    call.commit(ch)?;
    Ok("<return>true</return>".into())
}

fn replace_network_acl_association(call: &mut Call, p: &QueryParams) -> Result<String> {
    let (ch, id) = network_acl::replace_association(call.state(), &call.ctx, p.required("AssociationId")?, p.required("NetworkAclId")?)?;
    call.commit(ch)?;
    let mut w = XmlWriter::new();
    w.leaf("newAssociationId", id);
    Ok(w.finish())
}
