//! What the three services that keep subnet groups in a VPC (RDS,
//! ElastiCache, Redshift: `rds.rs`, `elasticache.rs`, `redshift.rs`) share:
//! their `MaxRecords`/`Marker` paging and the Describe call's selection.
//! The rules are the model's (`xvpc_model::subnet_group`).

use xvpc_model::subnet_group::{self as model, GroupService, SubnetGroup};
use xvpc_model::ModelError;
use xvpc_wire::page::{PageError, PageLimits};

use crate::call::Call;
use crate::errors::Result;

/// The three services document the same page sizes for their Describe
/// calls: "Default: 100. Constraints: minimum 20, maximum 100."
const PAGE: PageLimits = PageLimits::strict(20, 100).by_default(100);

/// One page of items by the one paginator ([`xvpc_wire::page`]); these
/// services answer a bad size or marker with `InvalidParameterValue`.
pub(crate) fn page<T>(items: Vec<T>, max_records: Option<i32>, marker: Option<&str>, key: impl Fn(&T) -> String) -> Result<(Vec<T>, Option<String>)> {
    let page = xvpc_wire::page::page(items, key, max_records.map(i64::from), marker, &PAGE).map_err(|e| match e {
        PageError::Size { value, min, max } => ModelError::InvalidParameterValue(format!("Invalid value {value} for MaxRecords. Must be between {min} and {max}")),
        PageError::Token => ModelError::InvalidParameterValue(format!("Invalid marker: {}", marker.unwrap_or_default())),
    })?;
    Ok((page.items, page.next))
}

/// The caller's groups of `service` a Describe call asks for: the one
/// named (or its service's "not found"), else all, one page of them.
pub(crate) fn describe<'a>(
    call: &'a Call,
    service: GroupService,
    name: Option<&str>,
    max_records: Option<i32>,
    marker: Option<&str>,
    keep: impl Fn(&SubnetGroup) -> bool,
) -> Result<(Vec<&'a SubnetGroup>, Option<String>)> {
    let rows = match name {
        Some(n) => vec![model::find(call.state(), &call.ctx, service, n)?],
        None => model::list(call.state(), &call.ctx, service).into_iter().filter(|g| keep(g)).collect(),
    };
    page(rows, max_records, marker, |g| g.name.clone())
}

#[cfg(test)]
#[path = "subnet_groups_tests.rs"]
mod tests;
