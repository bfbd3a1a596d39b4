//! Describe filters: `Filter.N.Name` / `Filter.N.Value.M`.
//!
//! Filters are ANDed, the values of one filter ORed; values may use `*` and
//! `?` wildcards. `tag:Key`, `tag-key` and `tag-value` work on every tagged
//! resource. An unknown filter name is an error, as in EC2.

use crate::error::ModelError;
use crate::tags::Tags;

/// One `Filter` of a Describe request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub name: String,
    pub values: Vec<String>,
}

/// Matches `text` against a pattern with `*` (any run) and `?` (one char).
pub fn wildcard(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti, mut star, mut mark) = (0usize, 0usize, None::<usize>, 0usize);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Evaluates `filters` against one resource. `field` returns the resource's
/// values for a filter name, or `None` if the name is not a filter of this
/// resource type (which is an error).
pub fn matches(filters: &[Filter], tags: &Tags, field: impl Fn(&str) -> Option<Vec<String>>) -> Result<bool, ModelError> {
    for f in filters {
        let values: Vec<String> = if let Some(key) = f.name.strip_prefix("tag:") {
            tags.get(key).cloned().into_iter().collect()
        } else if f.name == "tag-key" {
            tags.keys().cloned().collect()
        } else if f.name == "tag-value" {
            tags.values().cloned().collect()
        } else {
            field(&f.name).ok_or_else(|| ModelError::InvalidFilter(f.name.clone()))?
        };
        if !f.values.iter().any(|p| values.iter().any(|v| wildcard(p, v))) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Checks that every filter name is known, even when there is nothing to
/// match against (EC2 rejects an unknown filter on an empty result too).
pub fn check_names(filters: &[Filter], field: impl Fn(&str) -> Option<Vec<String>>) -> Result<(), ModelError> {
    for f in filters {
        let generic = f.name.starts_with("tag:") || f.name == "tag-key" || f.name == "tag-value";
        if !generic && field(&f.name).is_none() {
            return Err(ModelError::InvalidFilter(f.name.clone()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(wildcard("vpc-*", "vpc-123"));
        assert!(wildcard("*", ""));
        assert!(wildcard("a?c", "abc"));
        assert!(!wildcard("a?c", "ac"));
        assert!(wildcard("*b*", "abc"));
        assert!(!wildcard("x*", "abc"));
    }

    #[test]
    fn filters_and_or_and_tags() {
        let mut tags = Tags::new();
        tags.insert("Name".into(), "prod-a".into());
        let field = |n: &str| match n {
            "state" => Some(vec!["available".to_string()]),
            _ => None,
        };
        let f = |name: &str, vals: &[&str]| Filter { name: name.into(), values: vals.iter().map(|s| s.to_string()).collect() };
        assert!(matches(&[f("state", &["pending", "available"])], &tags, field).unwrap());
        assert!(!matches(&[f("state", &["available"]), f("tag:Name", &["dev*"])], &tags, field).unwrap());
        assert!(matches(&[f("tag:Name", &["prod-*"]), f("tag-key", &["Name"])], &tags, field).unwrap());
        assert_eq!(matches(&[f("bogus", &["x"])], &tags, field), Err(ModelError::InvalidFilter("bogus".into())));
    }
}
