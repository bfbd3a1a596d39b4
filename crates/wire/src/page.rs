//! The one paginator behind every Describe/List call, whatever the service
//! calls its parameters (EC2 `MaxResults`/`NextToken`, ELBv2
//! `PageSize`/`Marker`, RAM `maxResults`/`nextToken`).
//!
//! Items are sorted by a stable key, and the token is the key of the last
//! item returned: a page boundary survives items being added or deleted
//! between two calls (an offset would skip or repeat items). The token
//! carries a version tag, so a token xvpc did not issue is refused rather
//! than read as some key.

use base64::Engine;

/// What a token says before its key: a token without it is not ours.
const TOKEN_TAG: &str = "xvpc1:";

/// The page sizes one call accepts, as its API reference documents them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLimits {
    pub min: i64,
    pub max: i64,
    /// Some calls document "a larger value returns only `max` items"
    /// instead of refusing it.
    pub clamp_above_max: bool,
    /// Items in a page when the caller gives no size (`None`: all of them).
    pub default: Option<i64>,
}

impl PageLimits {
    /// A size outside `min..=max` is refused; no size means everything.
    pub const fn strict(min: i64, max: i64) -> Self {
        PageLimits { min, max, clamp_above_max: false, default: None }
    }

    /// Sizes above `max` give `max` items.
    pub const fn clamped(min: i64, max: i64) -> Self {
        PageLimits { min, max, clamp_above_max: true, default: None }
    }

    /// With this many items per page when the caller gives no size.
    pub const fn by_default(self, size: i64) -> Self {
        PageLimits { default: Some(size), ..self }
    }

    /// The number of items one page holds, or why the size is refused.
    pub fn size(&self, asked: Option<i64>) -> Result<Option<usize>, PageError> {
        let n = match asked {
            None => return Ok(self.default.map(|d| d as usize)),
            Some(n) if n > self.max && self.clamp_above_max => self.max,
            Some(n) if n < self.min || n > self.max => return Err(PageError::Size { value: n, min: self.min, max: self.max }),
            Some(n) => n,
        };
        Ok(Some(n as usize))
    }
}

/// `(min, max)`: the common case, a strict range.
impl From<(i64, i64)> for PageLimits {
    fn from((min, max): (i64, i64)) -> Self {
        PageLimits::strict(min, max)
    }
}

/// Why a page request is refused; each service names these its own way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageError {
    /// The page size is outside the call's documented range.
    Size { value: i64, min: i64, max: i64 },
    /// The token was not issued by this paginator.
    Token,
}

/// One page of a list and the token for the next one (`None` on the last).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

/// The page of `items` after `token`, of at most `size` items (checked
/// against `limits`). Items are ordered by `key`, which must be unique.
pub fn page<T>(mut items: Vec<T>, key: impl Fn(&T) -> String, size: Option<i64>, token: Option<&str>, limits: &PageLimits) -> Result<Page<T>, PageError> {
    let size = limits.size(size)?;
    let mut keyed: Vec<(String, T)> = items.drain(..).map(|x| (key(&x), x)).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    // An empty token is how some clients spell "from the start".
    if let Some(t) = token.filter(|t| !t.is_empty()) {
        let after = decode(t)?;
        keyed.retain(|(k, _)| *k > after);
    }
    let next = match size {
        Some(n) if keyed.len() > n => {
            keyed.truncate(n);
            keyed.last().map(|(k, _)| encode(k))
        }
        _ => None,
    };
    Ok(Page { items: keyed.into_iter().map(|(_, x)| x).collect(), next })
}

fn encode(key: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{TOKEN_TAG}{key}"))
}

fn decode(token: &str) -> Result<String, PageError> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix(TOKEN_TAG).map(str::to_string))
        .ok_or(PageError::Token)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(items: &[String], size: i64, limits: &PageLimits) -> Vec<String> {
        let mut seen = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let p = page(items.to_vec(), |s| s.clone(), Some(size), token.as_deref(), limits).unwrap();
            assert!(p.items.len() <= size as usize);
            seen.extend(p.items);
            match p.next {
                Some(t) => token = Some(t),
                None => return seen,
            }
        }
    }

    #[test]
    fn pages_cover_everything_once_in_key_order() {
        let mut items: Vec<String> = (0..23).map(|i| format!("id-{i:03}")).collect();
        items.reverse();
        let mut sorted = items.clone();
        sorted.sort();
        assert_eq!(walk(&items, 5, &PageLimits::strict(5, 1000)), sorted);
        assert_eq!(walk(&items, 23, &PageLimits::strict(5, 1000)), sorted);
    }

    #[test]
    fn a_page_boundary_survives_deletions_and_insertions() {
        let items: Vec<String> = (0..10).map(|i| format!("k{i}")).collect();
        let first = page(items.clone(), |s| s.clone(), Some(5), None, &PageLimits::strict(5, 1000)).unwrap();
        let mut changed: Vec<String> = items.into_iter().filter(|k| k != "k2" && k != "k7").collect();
        changed.push("k0a".into());
        let second = page(changed, |s| s.clone(), Some(5), first.next.as_deref(), &PageLimits::strict(5, 1000)).unwrap();
        assert_eq!(second.items, ["k5", "k6", "k8", "k9"]);
        assert_eq!(second.next, None);
    }

    #[test]
    fn sizes_are_checked_clamped_or_defaulted() {
        let items = || (0..3).map(|i| i.to_string()).collect::<Vec<_>>();
        let strict = PageLimits::strict(5, 1000);
        assert_eq!(page(items(), |s| s.clone(), Some(4), None, &strict), Err(PageError::Size { value: 4, min: 5, max: 1000 }));
        assert_eq!(page(items(), |s| s.clone(), Some(1001), None, &strict), Err(PageError::Size { value: 1001, min: 5, max: 1000 }));
        assert_eq!(PageLimits::clamped(5, 1000).size(Some(5000)), Ok(Some(1000)));
        assert_eq!(PageLimits::strict(1, 400).by_default(400).size(None), Ok(Some(400)));
        assert_eq!(strict.size(None), Ok(None));
    }

    #[test]
    fn foreign_tokens_are_refused() {
        let items = vec!["a".to_string()];
        let limits = PageLimits::strict(5, 1000);
        for bad in ["bogus", "%%%", "YWJj", &base64::engine::general_purpose::URL_SAFE_NO_PAD.encode([0xff, 0xfe])] {
            let got = page(items.clone(), |s| s.clone(), None, Some(bad), &limits);
            assert_eq!(got, Err(PageError::Token), "{bad:?}");
        }
        assert_eq!(page(items.clone(), |s| s.clone(), None, Some(""), &limits).unwrap().items, items);
    }
}
