//! CloudWatch Logs log groups, stored: the destination of flow logs of type
//! `cloud-watch-logs` and Terraform's `aws_cloudwatch_log_group`. Their
//! events are not state (`xvpc_api::flow_log_records` keeps them).
//!
//! AWS's rules (CloudWatch Logs API reference): names are unique per account
//! and Region (1-512 characters of `[\.\-_/#A-Za-z0-9]`);
//! `ResourceAlreadyExistsException`, `ResourceNotFoundException`; retention
//! takes only the listed day counts.

use serde::{Deserialize, Serialize};

use crate::error::{LogsFault, ModelError, Result};
use crate::state::{Changes, Ctx, ResourceKind, State};
use crate::tags::Tags;

/// The retention periods PutRetentionPolicy accepts, in days.
pub const RETENTION_DAYS: &[i32] = &[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/// A log group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogGroup {
    /// Its ARN (without the `:*` DescribeLogGroups' `arn` adds).
    pub id: String,
    pub owner: String,
    pub region: String,
    pub name: String,
    pub created_ms: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_in_days: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// `STANDARD`, `INFREQUENT_ACCESS` or `DELIVERY`.
    pub class: String,
    pub tags: Tags,
}
crate::impl_owned!(LogGroup);

/// The ARN of a group of the caller's.
pub fn arn(ctx: &Ctx, name: &str) -> String {
    format!("arn:aws:logs:{}:{}:log-group:{name}", ctx.region, ctx.account)
}

fn valid_name(name: &str) -> bool {
    (1..=512).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || ".-_/#".contains(c))
}

/// CreateLogGroup.
pub fn create(state: &State, ctx: &Ctx, name: &str, kms_key_id: Option<String>, class: Option<String>, tags: Tags) -> Result<Changes> {
    if !valid_name(name) {
        return Err(ModelError::Logs(LogsFault::InvalidParameter, format!("1 validation error detected: Value '{name}' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+")));
    }
    let id = arn(ctx, name);
    if state.log_groups.contains_key(&id) {
        return Err(ModelError::Logs(LogsFault::ResourceAlreadyExists, "The specified log group already exists".into()));
    }
    let g = LogGroup {
        id,
        owner: ctx.account.clone(),
        region: ctx.region.clone(),
        name: name.to_string(),
        created_ms: ctx.now,
        retention_in_days: None,
        kms_key_id,
        class: class.unwrap_or_else(|| "STANDARD".into()),
        tags,
    };
    let mut ch = Changes::new();
    ch.put(g);
    Ok(ch)
}

/// The caller's group called `name`.
pub fn find<'a>(state: &'a State, ctx: &Ctx, name: &str) -> Result<&'a LogGroup> {
    state.log_groups.get(&arn(ctx, name)).ok_or_else(not_found)
}

/// The caller's group with this ARN (with or without a trailing `:*`).
pub fn by_arn<'a>(state: &'a State, ctx: &Ctx, arn: &str) -> Result<&'a LogGroup> {
    state.log_groups.get(arn.trim_end_matches(":*")).filter(|g| g.owner == ctx.account && g.region == ctx.region).ok_or_else(not_found)
}

fn not_found() -> ModelError {
    ModelError::Logs(LogsFault::ResourceNotFound, "The specified log group does not exist.".into())
}

/// DeleteLogGroup.
pub fn delete(state: &State, ctx: &Ctx, name: &str) -> Result<Changes> {
    let g = find(state, ctx, name)?;
    let mut ch = Changes::new();
    ch.delete(ResourceKind::LogGroup, &g.id);
    Ok(ch)
}

/// PutRetentionPolicy (`Some`) / DeleteRetentionPolicy (`None`).
pub fn set_retention(state: &State, ctx: &Ctx, name: &str, days: Option<i32>) -> Result<Changes> {
    let mut g = find(state, ctx, name)?.clone();
    if let Some(d) = days.filter(|d| !RETENTION_DAYS.contains(d)) {
        return Err(ModelError::Logs(
            LogsFault::InvalidParameter,
            format!("1 validation error detected: Value '{d}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: {RETENTION_DAYS:?}"),
        ));
    }
    g.retention_in_days = days;
    let mut ch = Changes::new();
    ch.put(g);
    Ok(ch)
}

/// Tag/untag a group: `f` edits its tags.
pub fn edit_tags(g: &LogGroup, f: impl Fn(&mut Tags)) -> Changes {
    let mut g = g.clone();
    f(&mut g.tags);
    let mut ch = Changes::new();
    ch.put(g);
    ch
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_per_account_and_region_and_retention_is_listed() {
        let ctx = Ctx::new("111111111111", "us-east-1", 7);
        let mut s = State::default();
        s.apply_all(create(&s, &ctx, "/vpc/flow", None, None, Tags::new()).unwrap());
        assert!(matches!(create(&s, &ctx, "/vpc/flow", None, None, Tags::new()), Err(ModelError::Logs(LogsFault::ResourceAlreadyExists, _))));
        assert!(matches!(create(&s, &ctx, "bad name", None, None, Tags::new()), Err(ModelError::Logs(LogsFault::InvalidParameter, _))));
        let west = Ctx::new("111111111111", "us-west-2", 7);
        assert!(create(&s, &west, "/vpc/flow", None, None, Tags::new()).is_ok());
        assert!(matches!(find(&s, &west, "/vpc/flow"), Err(ModelError::Logs(LogsFault::ResourceNotFound, _))));
        assert!(matches!(set_retention(&s, &ctx, "/vpc/flow", Some(2)), Err(ModelError::Logs(LogsFault::InvalidParameter, _))));
        s.apply_all(set_retention(&s, &ctx, "/vpc/flow", Some(30)).unwrap());
        let g = by_arn(&s, &ctx, "arn:aws:logs:us-east-1:111111111111:log-group:/vpc/flow:*").unwrap();
        assert_eq!((g.retention_in_days, g.class.as_str()), (Some(30), "STANDARD"));
        s.apply_all(delete(&s, &ctx, "/vpc/flow").unwrap());
        assert!(s.log_groups.is_empty());
    }
}
