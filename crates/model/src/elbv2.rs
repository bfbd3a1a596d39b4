//! Rules shared by every ELBv2 resource (load balancers, target groups,
//! listeners): names, ARNs, attribute keys, and tags addressed by ARN.
//!
//! Separate from [`crate::load_balancer`] because target groups and
//! listeners use them as much as load balancers do; `load_balancer`
//! re-exports them, so existing paths keep working.

use crate::error::{Limit, ModelError, Result};
use crate::state::{Changes, Ctx, State};
use crate::tags::Tags;

/// AWS's load balancer / target group name rule: 1–32 alphanumerics or
/// hyphens, not starting or ending with a hyphen.
pub fn check_name(name: &str, what: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 32
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if !ok {
        return Err(ModelError::ValidationError(format!(
            "{what} name '{name}' must have a maximum of 32 characters, contain only alphanumeric characters or hyphens, and must not begin or end with a hyphen"
        )));
    }
    Ok(())
}

/// Checks one attribute key/value against a table of known keys.
pub fn check_attribute(known: &[(&str, &str)], booleans: &[&str], key: &str, value: &str, what: &str) -> Result<()> {
    if !known.iter().any(|(k, _)| *k == key) {
        return Err(ModelError::ValidationError(format!("Attribute key '{key}' is not recognized for this {what}")));
    }
    if booleans.contains(&key) && value != "true" && value != "false" {
        return Err(ModelError::ValidationError(format!("Attribute '{key}' must be 'true' or 'false', not '{value}'")));
    }
    Ok(())
}

/// Checks that `arn` is an ELBv2 ARN of the given resource type, as AWS's
/// ValidationError does for malformed ARNs.
pub fn check_arn(arn: &str, resource: &str) -> Result<()> {
    let ok = arn.starts_with("arn:aws:elasticloadbalancing:")
        && arn.splitn(6, ':').nth(5).is_some_and(|r| r.starts_with(&format!("{resource}/")));
    if !ok {
        return Err(ModelError::ValidationError(format!("'{arn}' is not a valid {resource} ARN")));
    }
    Ok(())
}

/// Edits the tags of any ELBv2 resource (load balancer, target group,
/// listener) of the caller, by ARN.
pub fn edit_tags(state: &State, ctx: &Ctx, arn: &str, f: impl Fn(&mut Tags) -> Result<()>) -> Result<Changes> {
    let mut ch = Changes::new();
    let wrap = |e: ModelError| match e {
        ModelError::LimitExceeded(Limit::Tags, m) => ModelError::LimitExceeded(Limit::LoadBalancerTags, m),
        ModelError::InvalidParameterValue(m) => ModelError::ValidationError(m),
        e => e,
    };
    if arn.contains(":loadbalancer/") && !arn.contains(":listener/") {
        let mut x = crate::load_balancer::find(state, ctx, arn)?.clone();
        f(&mut x.tags).map_err(wrap)?;
        ch.put(x);
    } else if arn.contains(":targetgroup/") {
        let mut x = crate::target_group::find(state, ctx, arn)?.clone();
        f(&mut x.tags).map_err(wrap)?;
        ch.put(x);
    } else if arn.contains(":listener/") {
        let mut x = crate::listener::find(state, ctx, arn)?.clone();
        f(&mut x.tags).map_err(wrap)?;
        ch.put(x);
    } else {
        return Err(ModelError::ValidationError(format!("'{arn}' is not a valid resource ARN")));
    }
    Ok(ch)
}

/// The tags of an ELBv2 resource of the caller, by ARN.
pub fn tags_of<'a>(state: &'a State, ctx: &Ctx, arn: &str) -> Result<&'a Tags> {
    if arn.contains(":listener/") {
        Ok(&crate::listener::find(state, ctx, arn)?.tags)
    } else if arn.contains(":loadbalancer/") {
        Ok(&crate::load_balancer::find(state, ctx, arn)?.tags)
    } else if arn.contains(":targetgroup/") {
        Ok(&crate::target_group::find(state, ctx, arn)?.tags)
    } else {
        Err(ModelError::ValidationError(format!("'{arn}' is not a valid resource ARN")))
    }
}

