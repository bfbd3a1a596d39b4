//! Network ACL actions: ACLs, entries and subnet associations.

use xvpc_model::network_acl::{self, EntryInput, NaclEntry, NetworkAcl};
use xvpc_model::IdKind;
use xvpc_wire::shape::ReturnTrue;
use xvpc_wire::shapes::ec2::{self as shape, ops};

use super::{filter_list, paginate_by, require_all, tag_set, tags_from_specs};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::CreateNetworkAcl, create_network_acl),
    crate::typed!(ops::DeleteNetworkAcl, delete_network_acl),
    crate::typed!(ops::DescribeNetworkAcls, describe_network_acls),
    crate::typed!(ops::CreateNetworkAclEntry, create_network_acl_entry),
    crate::typed!(ops::ReplaceNetworkAclEntry, replace_network_acl_entry),
    crate::typed!(ops::DeleteNetworkAclEntry, delete_network_acl_entry),
    crate::typed!(ops::ReplaceNetworkAclAssociation, replace_network_acl_association),
];

fn entry_shape(e: &NaclEntry) -> shape::NetworkAclEntry {
    shape::NetworkAclEntry {
        // An entry holds one block: IPv4 under `cidrBlock`, IPv6 (the ::/0
        // rules of a VPC with an IPv6 block) under `ipv6CidrBlock`.
        cidr_block: e.ipv4_cidr().map(|c| c.to_string()),
        egress: Some(e.egress),
        icmp_type_code: e.icmp.map(|(t, c)| shape::IcmpTypeCode { code: Some(c), type_: Some(t) }),
        ipv6_cidr_block: e.ipv6_cidr().map(|c| c.to_string()),
        port_range: e.port_range.map(|(f, t)| shape::PortRange { from: Some(f), to: Some(t) }),
        protocol: Some(e.protocol.nacl_form().to_string()),
        rule_action: Some(if e.allow { shape::RuleAction::Allow } else { shape::RuleAction::Deny }),
        rule_number: i32::try_from(e.rule_number).ok(),
    }
}

/// The `NetworkAcl` structure AWS describes.
pub fn acl_shape(a: &NetworkAcl) -> shape::NetworkAcl {
    shape::NetworkAcl {
        associations: a
            .associations
            .iter()
            .map(|x| shape::NetworkAclAssociation {
                network_acl_association_id: Some(x.id.clone()),
                network_acl_id: Some(a.id.clone()),
                subnet_id: Some(x.subnet_id.clone()),
            })
            .collect(),
        entries: a.entries.iter().map(entry_shape).collect(),
        is_default: Some(a.is_default),
        network_acl_id: Some(a.id.clone()),
        tags: tag_set(&a.tags),
        vpc_id: Some(a.vpc_id.clone()),
        owner_id: Some(a.owner.clone()),
    }
}

pub(crate) fn create_network_acl(call: &mut Call, input: shape::CreateNetworkAclRequest) -> Result<shape::CreateNetworkAclResult> {
    let tags = tags_from_specs(&input.tag_specifications, "network-acl")?;
    let (ch, id) = network_acl::create(call.state(), &call.ctx, &input.vpc_id, tags)?;
    call.commit(ch)?;
    Ok(shape::CreateNetworkAclResult { network_acl: Some(acl_shape(&call.state().network_acls[&id])), client_token: input.client_token })
}

pub(crate) fn delete_network_acl(call: &mut Call, input: shape::DeleteNetworkAclRequest) -> Result<ReturnTrue> {
    let ch = network_acl::delete(call.state(), &call.ctx, &input.network_acl_id)?;
    call.commit(ch)?;
    Ok(ReturnTrue)
}

pub(crate) fn describe_network_acls(call: &mut Call, input: shape::DescribeNetworkAclsRequest) -> Result<shape::DescribeNetworkAclsResult> {
    let ids = input.network_acl_ids;
    let fs = filter_list(&input.filters);
    let s = call.state();
    let mine = |x: &&NetworkAcl| x.owner == call.ctx.account && x.region == call.ctx.region;
    require_all(&ids, |id| s.network_acls.get(id).is_some_and(|x| mine(&x)), IdKind::NetworkAcl)?;
    let out = network_acl::FILTERS.select(&fs, s, &call.ctx, s.network_acls.scope(&call.ctx).filter(|x| ids.is_empty() || ids.contains(&x.id)))?;
    let (page, next) = paginate_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), |x| x.id.clone(), (5, 1000))?;
    Ok(shape::DescribeNetworkAclsResult { network_acls: page.into_iter().map(acl_shape).collect(), next_token: next })
}

/// The entry a CreateNetworkAclEntry or ReplaceNetworkAclEntry request
/// describes (the two shapes name its parts alike).
macro_rules! entry {
    ($input:ident) => {
        EntryInput {
            rule_number: i64::from($input.rule_number),
            egress: $input.egress,
            protocol: $input.protocol.clone(),
            action: $input.rule_action.as_str().to_string(),
            cidr: $input.cidr_block.clone(),
            ipv6_cidr: $input.ipv6_cidr_block.clone(),
            port_range: $input.port_range.as_ref().map(|p| (p.from.map(i64::from), p.to.map(i64::from))),
            icmp: $input.icmp_type_code.as_ref().map(|i| (i.type_.map(i64::from), i.code.map(i64::from))),
        }
    };
}

pub(crate) fn create_network_acl_entry(call: &mut Call, input: shape::CreateNetworkAclEntryRequest) -> Result<ReturnTrue> {
    let ch = network_acl::create_entry(call.state(), &call.ctx, &input.network_acl_id, &entry!(input))?;
    call.commit(ch)?;
    Ok(ReturnTrue)
}

fn replace_network_acl_entry(call: &mut Call, input: shape::ReplaceNetworkAclEntryRequest) -> Result<ReturnTrue> {
    let ch = network_acl::replace_entry(call.state(), &call.ctx, &input.network_acl_id, &entry!(input))?;
    call.commit(ch)?;
    Ok(ReturnTrue)
}

pub(crate) fn delete_network_acl_entry(call: &mut Call, input: shape::DeleteNetworkAclEntryRequest) -> Result<ReturnTrue> {
    let ch = network_acl::delete_entry(call.state(), &call.ctx, &input.network_acl_id, i64::from(input.rule_number), input.egress)?;
    call.commit(ch)?;
    Ok(ReturnTrue)
}

pub(crate) fn replace_network_acl_association(
    call: &mut Call,
    input: shape::ReplaceNetworkAclAssociationRequest,
) -> Result<shape::ReplaceNetworkAclAssociationResult> {
    let (ch, id) = network_acl::replace_association(call.state(), &call.ctx, &input.association_id, &input.network_acl_id)?;
    call.commit(ch)?;
    Ok(shape::ReplaceNetworkAclAssociationResult { new_association_id: Some(id) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape_coverage::missing;

    #[test]
    fn describe_network_acls_carries_every_member_xvpc_holds() {
        let w = xvpc_model::populated::world();
        let acls: Vec<_> = w.state.network_acls.scope(&w.ctx).map(acl_shape).collect();
        let out = shape::DescribeNetworkAclsResult { network_acls: acls, next_token: Some("token".into()) };
        let xml = xvpc_wire::xml_output::body(&out);
        assert!(w.state.network_acls.values().flat_map(|a| &a.entries).any(|e| e.ipv6_cidr().is_some()), "the world has IPv6 entries");
        assert_eq!(missing("ec2", "DescribeNetworkAclsResult", &xml), Vec::<String>::new());
        assert!(xml.contains("<ipv6CidrBlock>::/0</ipv6CidrBlock>") && !xml.contains("<cidrBlock>::/0</cidrBlock>"), "{xml}");
    }
}
