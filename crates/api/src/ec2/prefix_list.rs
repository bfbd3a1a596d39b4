//! DescribePrefixLists: the AWS-managed S3 and DynamoDB prefix lists.

use xvpc_model::prefix_list;
use xvpc_model::IdKind;
use xvpc_wire::{QueryParams, XmlWriter};

use super::{filters, paginate, require_all};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const ACTIONS: &[(&str, QueryHandler)] = &[("DescribePrefixLists", describe_prefix_lists)];

fn describe_prefix_lists(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ids = p.list("PrefixListId");
    let lists = prefix_list::managed(&call.ctx);
    require_all(&ids, |id| lists.iter().any(|l| l.id == id), IdKind::PrefixList)?;
    let fs = filters(p);
    let out = prefix_list::FILTERS.select(&fs, call.state(), &call.ctx, lists.iter().filter(|l| ids.is_empty() || ids.contains(&l.id)))?;
    let (page, next) = paginate(out, p, |l| l.id.clone(), (5, 1000))?;
    let mut w = XmlWriter::new();
    w.items("prefixListSet", page, |w, l| {
        w.leaf("prefixListId", &l.id).leaf("prefixListName", &l.name).scalars("cidrSet", "item", &l.cidrs);
    });
    w.opt_leaf("nextToken", next);
    Ok(w.finish())
}
