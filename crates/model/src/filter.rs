//! Describe filters: `Filter.N.Name` / `Filter.N.Value.M`.
//!
//! Each Describe call has ONE [`FilterTable`], kept next to its resource:
//! the filter names AWS documents for that call, each with how to read its
//! values from a row. The same table validates the names (before any row is
//! looked at, so an unknown name is refused whatever the account holds) and
//! matches the rows.
//!
//! Filters are ANDed, the values of one filter ORed; values may use `*` and
//! `?` wildcards. `tag:<key>`, `tag-key` and `tag-value` are handled here,
//! once, for every table that takes tags. An unknown filter name is
//! `InvalidParameterValue`, as in EC2.

use std::borrow::Borrow;

use crate::error::ModelError;
use crate::state::{Ctx, State};
use crate::tags::Tags;

/// One `Filter` of a Describe request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub name: String,
    pub values: Vec<String>,
}

impl Filter {
    /// A filter from a name and its values (tests and callers that build
    /// filters themselves).
    pub fn new(name: &str, values: &[&str]) -> Self {
        Filter { name: name.to_string(), values: values.iter().map(|v| v.to_string()).collect() }
    }
}

/// What a filter may read besides its row: the whole state (for derived
/// facts such as a route's `blackhole`) and the caller (clock, account).
#[derive(Clone, Copy)]
pub struct Env<'a> {
    pub state: &'a State,
    pub ctx: &'a Ctx,
}

/// How one filter name reads a row.
pub enum Field<T: 'static> {
    /// The row's values for this name, compared with the filter's values
    /// (wildcards allowed).
    Values(fn(&T, &Env) -> Vec<String>),
    /// A filter whose values are not compared as text (CIDR containment):
    /// whether the row passes, or why the values are invalid.
    Test(fn(&T, &Env, &[String]) -> Result<bool, ModelError>),
    /// A name AWS accepts for this call but for which xvpc never holds a
    /// value (IPv6, Outposts, carrier gateways): it matches nothing.
    Absent,
}

/// The tags a row shows its caller (`None`: none to show, e.g. another
/// account's resource or one that cannot be tagged).
pub type TagsOf<T> = for<'a> fn(&'a T, &Ctx) -> Option<&'a Tags>;

/// The filters one Describe call accepts, and how each reads a row.
pub struct FilterTable<T: 'static> {
    /// How `tag:<key>`, `tag-key` and `tag-value` read a row; `None` when
    /// the call takes no tag filters.
    pub tags: Option<TagsOf<T>>,
    pub fields: &'static [(&'static str, Field<T>)],
}

/// The generic tag filters, in the form AWS spells them.
fn is_tag_filter(name: &str) -> bool {
    name.starts_with("tag:") || name == "tag-key" || name == "tag-value"
}

impl<T: 'static> FilterTable<T> {
    /// Whether `name` is a filter of this call.
    pub fn knows(&self, name: &str) -> bool {
        (self.tags.is_some() && is_tag_filter(name)) || self.fields.iter().any(|(n, _)| *n == name)
    }

    /// Refuses the first unknown filter name; it is checked before any row
    /// is read, so the answer does not depend on what the account holds.
    pub fn check(&self, filters: &[Filter]) -> Result<(), ModelError> {
        match filters.iter().find(|f| !self.knows(&f.name)) {
            Some(f) => Err(ModelError::InvalidFilter(f.name.clone())),
            None => Ok(()),
        }
    }

    /// Whether `row` passes every filter. Names must have been checked.
    pub fn matches(&self, filters: &[Filter], row: &T, env: &Env) -> Result<bool, ModelError> {
        for f in filters {
            if !self.passes(f, row, env)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn passes(&self, f: &Filter, row: &T, env: &Env) -> Result<bool, ModelError> {
        let any = |values: Vec<String>| f.values.iter().any(|p| values.iter().any(|v| wildcard(p, v)));
        if is_tag_filter(&f.name) {
            let Some(tags) = self.tags.and_then(|t| t(row, env.ctx)) else { return Ok(false) };
            return Ok(if let Some(key) = f.name.strip_prefix("tag:") {
                any(tags.get(key).cloned().into_iter().collect())
            } else if f.name == "tag-key" {
                any(tags.keys().cloned().collect())
            } else {
                any(tags.values().cloned().collect())
            });
        }
        match self.fields.iter().find(|(n, _)| *n == f.name).map(|(_, field)| field) {
            Some(Field::Values(read)) => Ok(any(read(row, env))),
            Some(Field::Test(test)) => test(row, env, &f.values),
            Some(Field::Absent) => Ok(false),
            None => Err(ModelError::InvalidFilter(f.name.clone())),
        }
    }

    /// The values filter `name` reads from `row` (none for an unknown,
    /// test or absent name): lets one table reuse another's fields.
    pub fn values(&self, name: &str, row: &T, env: &Env) -> Vec<String> {
        match self.fields.iter().find(|(n, _)| *n == name) {
            Some((_, Field::Values(read))) => read(row, env),
            _ => Vec::new(),
        }
    }

    /// The rows that pass every filter, in their order, after checking
    /// every name. Rows may be owned or borrowed.
    pub fn select<R: Borrow<T>>(&self, filters: &[Filter], state: &State, ctx: &Ctx, rows: impl IntoIterator<Item = R>) -> Result<Vec<R>, ModelError> {
        self.check(filters)?;
        let env = Env { state, ctx };
        let mut out = Vec::new();
        for r in rows {
            if self.matches(filters, r.borrow(), &env)? {
                out.push(r);
            }
        }
        Ok(out)
    }

    /// The names whose values xvpc can hold (every [`Field`] but
    /// [`Field::Absent`]): what a populated row should answer.
    pub fn answerable(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.fields.iter().filter(|(_, f)| !matches!(f, Field::Absent)).map(|(n, _)| *n)
    }
}

/// One value as a filter's list of values.
pub fn one(v: impl ToString) -> Vec<String> {
    vec![v.to_string()]
}

/// An optional value as a filter's list of values.
pub fn opt<V: ToString>(v: Option<V>) -> Vec<String> {
    v.map(|v| v.to_string()).into_iter().collect()
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

/// Test support: checks that every answerable name of `table` matches at
/// least one of `rows` (the filter's values being the row's own values).
#[cfg(test)]
pub fn assert_every_name_matches<T>(table: &FilterTable<T>, rows: &[&T], state: &State, ctx: &Ctx) {
    let env = Env { state, ctx };
    for name in table.answerable() {
        let field = &table.fields.iter().find(|(n, _)| *n == name).expect("listed").1;
        let hit = rows.iter().any(|r| match field {
            Field::Values(read) => {
                let values = read(r, &env);
                !values.is_empty() && table.matches(&[Filter { name: name.into(), values }], r, &env).unwrap_or(false)
            }
            // A test filter is exercised by its own tests; here it must at
            // least accept the row under a catch-all value.
            Field::Test(_) => true,
            Field::Absent => unreachable!(),
        });
        assert!(hit, "filter '{name}' matches none of the {} populated rows", rows.len());
    }
    let mut names: Vec<&str> = table.fields.iter().map(|(n, _)| *n).collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(before, names.len(), "a filter name is listed twice");
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

    #[derive(Debug, PartialEq)]
    struct Row {
        state: &'static str,
        tags: Tags,
    }

    const ROWS: FilterTable<Row> = FilterTable {
        tags: Some(|r, _| Some(&r.tags)),
        fields: &[("state", Field::Values(|r, _| one(r.state))), ("ipv6-cidr", Field::Absent)],
    };

    const UNTAGGED: FilterTable<Row> = FilterTable { tags: None, fields: &[("state", Field::Values(|r, _| one(r.state)))] };

    #[test]
    fn filters_and_or_tags_and_unknown_names() {
        let mut tags = Tags::new();
        tags.insert("Name".into(), "prod-a".into());
        let row = Row { state: "available", tags };
        let (state, ctx) = (State::default(), Ctx::new("111111111111", "us-east-1", 0));
        let pick = |table: &FilterTable<Row>, fs: &[Filter]| table.select(fs, &state, &ctx, [&row]).map(|v| v.len());
        assert_eq!(pick(&ROWS, &[Filter::new("state", &["pending", "available"])]), Ok(1));
        assert_eq!(pick(&ROWS, &[Filter::new("state", &["available"]), Filter::new("tag:Name", &["dev*"])]), Ok(0));
        assert_eq!(pick(&ROWS, &[Filter::new("tag:Name", &["prod-*"]), Filter::new("tag-key", &["Name"]), Filter::new("tag-value", &["prod-a"])]), Ok(1));
        assert_eq!(pick(&ROWS, &[Filter::new("ipv6-cidr", &["*"])]), Ok(0));
        assert_eq!(pick(&ROWS, &[Filter::new("bogus", &["x"])]), Err(ModelError::InvalidFilter("bogus".into())));
        assert_eq!(pick(&UNTAGGED, &[Filter::new("tag:Name", &["*"])]), Err(ModelError::InvalidFilter("tag:Name".into())));
    }

    #[test]
    fn unknown_names_are_refused_without_rows() {
        let (state, ctx) = (State::default(), Ctx::new("111111111111", "us-east-1", 0));
        let none: [&Row; 0] = [];
        assert_eq!(ROWS.select(&[Filter::new("bogus", &["x"])], &state, &ctx, none), Err(ModelError::InvalidFilter("bogus".into())));
        // A later bad name is found even when an earlier filter excludes everything.
        let row = Row { state: "pending", tags: Tags::new() };
        let fs = [Filter::new("state", &["available"]), Filter::new("bogus", &["x"])];
        assert_eq!(ROWS.select(&fs, &state, &ctx, [&row]), Err(ModelError::InvalidFilter("bogus".into())));
    }
}
