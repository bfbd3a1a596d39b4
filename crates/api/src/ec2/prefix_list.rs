//! DescribePrefixLists: the AWS-managed S3 and DynamoDB prefix lists.

use xvpc_model::prefix_list::{self, PrefixList};
use xvpc_model::IdKind;
use xvpc_wire::shapes::ec2::{self as shape, ops};

use super::{filter_list, paginate_by, require_all};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const TYPED: &[(&str, QueryHandler)] = &[crate::typed!(ops::DescribePrefixLists, describe_prefix_lists)];

/// The `PrefixList` structure AWS describes.
pub fn prefix_list_shape(l: &PrefixList) -> shape::PrefixList {
    shape::PrefixList { cidrs: l.cidrs.clone(), prefix_list_id: Some(l.id.clone()), prefix_list_name: Some(l.name.clone()) }
}

fn describe_prefix_lists(call: &mut Call, input: shape::DescribePrefixListsRequest) -> Result<shape::DescribePrefixListsResult> {
    let ids = input.prefix_list_ids;
    let lists = prefix_list::managed(&call.ctx);
    require_all(&ids, |id| lists.iter().any(|l| l.id == id), IdKind::PrefixList)?;
    let fs = filter_list(&input.filters);
    let out = prefix_list::FILTERS.select(&fs, call.state(), &call.ctx, lists.iter().filter(|l| ids.is_empty() || ids.contains(&l.id)))?;
    let (page, next) = paginate_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), |l| l.id.clone(), (5, 1000))?;
    Ok(shape::DescribePrefixListsResult { prefix_lists: page.into_iter().map(prefix_list_shape).collect(), next_token: next })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape_coverage::missing;

    #[test]
    fn describe_prefix_lists_carries_every_member() {
        let ctx = xvpc_model::Ctx::new("111111111111", "us-east-1", 0);
        let out = shape::DescribePrefixListsResult {
            prefix_lists: prefix_list::managed(&ctx).iter().map(prefix_list_shape).collect(),
            next_token: Some("token".into()),
        };
        let xml = xvpc_wire::xml_output::body(&out);
        assert_eq!(missing("ec2", "DescribePrefixListsResult", &xml), Vec::<String>::new());
        assert!(xml.contains("<cidrSet><item>52.216.0.0/15</item>"), "{xml}");
    }
}
