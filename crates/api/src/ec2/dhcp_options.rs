//! DHCP option set actions.

use xvpc_model::dhcp_options::{self, DhcpConfiguration, DhcpOptions};
use xvpc_model::{IdKind, ModelError};
use xvpc_wire::shape::ReturnTrue;
use xvpc_wire::shapes::ec2::{self as shape, ops};

use super::{filter_list, paginate_by, require_all, tag_set, tags_from_specs};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::CreateDhcpOptions, create_dhcp_options),
    crate::typed!(ops::DeleteDhcpOptions, delete_dhcp_options),
    crate::typed!(ops::DescribeDhcpOptions, describe_dhcp_options),
    crate::typed!(ops::AssociateDhcpOptions, associate_dhcp_options),
];

/// The `DhcpOptions` structure AWS describes.
pub fn dhcp_options_shape(d: &DhcpOptions) -> shape::DhcpOptions {
    shape::DhcpOptions {
        owner_id: Some(d.owner.clone()),
        tags: tag_set(&d.tags),
        dhcp_options_id: Some(d.id.clone()),
        dhcp_configurations: d
            .configurations
            .iter()
            .map(|c| shape::DhcpConfiguration {
                key: Some(c.key.clone()),
                values: c.values.iter().map(|v| shape::AttributeValue { value: Some(v.clone()) }).collect(),
            })
            .collect(),
    }
}

fn create_dhcp_options(call: &mut Call, input: shape::CreateDhcpOptionsRequest) -> Result<shape::CreateDhcpOptionsResult> {
    let tags = tags_from_specs(&input.tag_specifications, "dhcp-options")?;
    let configurations = input
        .dhcp_configurations
        .into_iter()
        .map(|c| Ok(DhcpConfiguration { key: c.key.ok_or_else(|| ModelError::MissingParameter("DhcpConfiguration.Key".into()))?, values: c.values }))
        .collect::<std::result::Result<Vec<_>, ModelError>>()?;
    let (ch, id) = dhcp_options::create(&call.ctx, configurations, tags)?;
    call.commit(ch)?;
    Ok(shape::CreateDhcpOptionsResult { dhcp_options: Some(dhcp_options_shape(&call.state().dhcp_options[&id])) })
}

fn delete_dhcp_options(call: &mut Call, input: shape::DeleteDhcpOptionsRequest) -> Result<ReturnTrue> {
    let ch = dhcp_options::delete(call.state(), &call.ctx, &input.dhcp_options_id)?;
    call.commit(ch)?;
    Ok(ReturnTrue)
}

fn associate_dhcp_options(call: &mut Call, input: shape::AssociateDhcpOptionsRequest) -> Result<ReturnTrue> {
    let ch = dhcp_options::associate(call.state(), &call.ctx, &input.dhcp_options_id, &input.vpc_id)?;
    call.commit(ch)?;
    Ok(ReturnTrue)
}

pub(crate) fn describe_dhcp_options(call: &mut Call, input: shape::DescribeDhcpOptionsRequest) -> Result<shape::DescribeDhcpOptionsResult> {
    let ids = input.dhcp_options_ids;
    let fs = filter_list(&input.filters);
    let s = call.state();
    let mine = |d: &&DhcpOptions| d.owner == call.ctx.account && d.region == call.ctx.region;
    require_all(&ids, |id| s.dhcp_options.get(id).is_some_and(|d| mine(&d)), IdKind::DhcpOptions)?;
    let out = dhcp_options::FILTERS.select(&fs, s, &call.ctx, s.dhcp_options.scope(&call.ctx).filter(|d| ids.is_empty() || ids.contains(&d.id)))?;
    let (page, next) = paginate_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), |d| d.id.clone(), (5, 1000))?;
    Ok(shape::DescribeDhcpOptionsResult { dhcp_options: page.into_iter().map(dhcp_options_shape).collect(), next_token: next })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape_coverage::missing;

    #[test]
    fn describe_dhcp_options_shows_every_member() {
        let ctx = xvpc_model::Ctx::new("111111111111", "us-east-1", 0);
        let (ch, id) = dhcp_options::create(&ctx, vec![DhcpConfiguration { key: "domain-name".into(), values: vec!["corp.example".into()] }], [("Name".to_string(), "x".to_string())].into()).unwrap();
        let mut s = xvpc_model::State::default();
        s.apply_all(ch);
        let out = shape::DescribeDhcpOptionsResult { dhcp_options: vec![dhcp_options_shape(&s.dhcp_options[&id])], next_token: Some("t".into()) };
        let xml = xvpc_wire::xml_output::body(&out);
        assert_eq!(missing("ec2", "DescribeDhcpOptionsResult", &xml), Vec::<String>::new());
    }
}
