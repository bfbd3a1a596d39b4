//! AWS-managed prefix lists (S3 and DynamoDB), as DescribePrefixLists and
//! DescribeManagedPrefixLists show them. Their ids are fixed per region.

use crate::filter::{one, Field, FilterTable};
use crate::state::Ctx;

/// One AWS-managed prefix list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrefixList {
    pub id: String,
    pub name: String,
    pub cidrs: Vec<String>,
}

/// A stable 8-hex-digit id derived from the region and service (FNV-1a).
fn stable_id(region: &str, service: &str) -> String {
    let mut h: u32 = 0x811c9dc5;
    for b in region.bytes().chain(service.bytes()) {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x01000193);
    }
    format!("pl-{h:08x}")
}

/// The managed prefix lists of the caller's region.
pub fn managed(ctx: &Ctx) -> Vec<PrefixList> {
    let r = &ctx.region;
    vec![
        PrefixList { id: stable_id(r, "s3"), name: format!("com.amazonaws.{r}.s3"), cidrs: vec!["52.216.0.0/15".into(), "3.5.0.0/19".into()] },
        PrefixList { id: stable_id(r, "dynamodb"), name: format!("com.amazonaws.{r}.dynamodb"), cidrs: vec!["52.94.0.0/22".into()] },
    ]
}

/// Whether `id` names a prefix list the caller can use.
pub fn exists(ctx: &Ctx, id: &str) -> bool {
    managed(ctx).iter().any(|p| p.id == id)
}

/// DescribePrefixLists' filters.
pub const FILTERS: FilterTable<PrefixList> = FilterTable {
    tags: None,
    fields: &[("prefix-list-id", Field::Values(|l, _| one(&l.id))), ("prefix-list-name", Field::Values(|l, _| one(&l.name)))],
};
