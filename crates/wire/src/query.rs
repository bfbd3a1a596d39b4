//! The ec2Query / awsQuery parameter tree.
//!
//! Both protocols send flat `key=value` pairs whose keys encode structure:
//! `VpcId.1`, `Filter.2.Value.1`, `TagSpecification.1.Tag.1.Key` (EC2) or
//! `Subnets.member.1` (awsQuery). Indices are 1-based and not necessarily
//! dense, so lists are ordered by their numeric index, not by text.
//! EC2 accepts parameters in the URL query (GET) and in the form body (POST);
//! both are read, body last so it wins.

use std::collections::BTreeMap;

use crate::error::WireError;

/// Decoded query parameters, addressable by their dotted path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryParams {
    map: BTreeMap<String, String>,
}

impl QueryParams {
    /// Parses the URL query string and an `application/x-www-form-urlencoded`
    /// body. Any bytes are accepted: invalid UTF-8 is replaced, never panics.
    pub fn parse(query: &str, body: &[u8]) -> QueryParams {
        let mut map = BTreeMap::new();
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            map.insert(k.into_owned(), v.into_owned());
        }
        for (k, v) in form_urlencoded::parse(body) {
            map.insert(k.into_owned(), v.into_owned());
        }
        QueryParams { map }
    }

    /// Builds parameters from pairs (tests and nested structures).
    pub fn from_pairs<K: Into<String>, V: Into<String>>(pairs: impl IntoIterator<Item = (K, V)>) -> Self {
        QueryParams { map: pairs.into_iter().map(|(k, v)| (k.into(), v.into())).collect() }
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// All pairs, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.map.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The value of a scalar parameter.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.map.get(name).map(String::as_str)
    }

    /// The value of a scalar parameter that must be present and non-empty.
    pub fn required(&self, name: &str) -> Result<&str, WireError> {
        match self.get(name) {
            Some(v) if !v.is_empty() => Ok(v),
            _ => Err(WireError::MissingParameter(name.to_string())),
        }
    }

    /// A boolean parameter (`true`/`false`, any case).
    pub fn bool(&self, name: &str) -> Result<Option<bool>, WireError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(v) => Err(WireError::InvalidValue { name: name.into(), value: v.into() }),
        }
    }

    /// An integer parameter.
    pub fn int(&self, name: &str) -> Result<Option<i64>, WireError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v
                .trim()
                .parse::<i64>()
                .map(Some)
                .map_err(|_| WireError::InvalidValue { name: name.into(), value: v.into() }),
        }
    }

    /// Pairs whose key starts with `prefix.` and continues with a positive
    /// index, grouped by that index in numeric order. The value is the rest
    /// of the key after the index (empty for a scalar list element).
    fn indexed(&self, prefix: &str) -> BTreeMap<u64, Vec<(&str, &str)>> {
        let mut out: BTreeMap<u64, Vec<(&str, &str)>> = BTreeMap::new();
        let start = format!("{prefix}.");
        for (k, v) in self.map.range(start.clone()..) {
            let Some(rest) = k.strip_prefix(start.as_str()) else { break };
            let (idx, tail) = match rest.find('.') {
                Some(p) => (&rest[..p], &rest[p + 1..]),
                None => (rest, ""),
            };
            if let Ok(i) = idx.parse::<u64>() {
                if i > 0 && !idx.starts_with('+') {
                    out.entry(i).or_default().push((tail, v.as_str()));
                }
            }
        }
        out
    }

    /// A flattened scalar list: `VpcId.1`, `VpcId.2`, ... in index order.
    pub fn list(&self, prefix: &str) -> Vec<String> {
        self.indexed(prefix)
            .into_values()
            .filter_map(|pairs| pairs.into_iter().find(|(t, _)| t.is_empty()).map(|(_, v)| v.to_string()))
            .collect()
    }

    /// A flattened list of structures: `Filter.1.Name`, `Filter.1.Value.1`,
    /// ... becomes one `QueryParams` per index with keys `Name`, `Value.1`.
    pub fn structs(&self, prefix: &str) -> Vec<QueryParams> {
        self.indexed(prefix)
            .into_values()
            .map(|pairs| QueryParams {
                map: pairs
                    .into_iter()
                    .filter(|(t, _)| !t.is_empty())
                    .map(|(t, v)| (t.to_string(), v.to_string()))
                    .collect(),
            })
            .collect()
    }

    /// A nested structure: `Options.AmazonSideAsn` becomes `AmazonSideAsn`.
    pub fn child(&self, prefix: &str) -> QueryParams {
        let start = format!("{prefix}.");
        QueryParams {
            map: self
                .map
                .range(start.clone()..)
                .take_while(|(k, _)| k.starts_with(start.as_str()))
                .map(|(k, v)| (k[start.len()..].to_string(), v.clone()))
                .collect(),
        }
    }

    /// Whether any key lies under `prefix.` (a structure or list was sent).
    pub fn has_child(&self, prefix: &str) -> bool {
        let start = format!("{prefix}.");
        self.map.range(start.clone()..).next().is_some_and(|(k, _)| k.starts_with(start.as_str()))
    }

    /// awsQuery scalar list: `Subnets.member.1`, ...
    pub fn members(&self, prefix: &str) -> Vec<String> {
        self.list(&format!("{prefix}.member"))
    }

    /// awsQuery structure list: `Tags.member.1.Key`, ...
    pub fn member_structs(&self, prefix: &str) -> Vec<QueryParams> {
        self.structs(&format!("{prefix}.member"))
    }

    /// `Action`, a common parameter of every ec2Query/awsQuery request (AWS's
    /// "Common Query Parameters"): the operation to run.
    pub fn action(&self) -> Option<&str> {
        self.get("Action")
    }

    /// `Version`, the other common parameter: the service's API version,
    /// which is how an unsigned request names its service.
    pub fn version(&self) -> Option<&str> {
        self.get("Version")
    }

    /// `DryRun`, which every EC2 operation takes: validate, change nothing.
    pub fn dry_run(&self) -> Result<bool, WireError> {
        Ok(self.bool("DryRun")?.unwrap_or(false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn decodes_ec2_filters_and_lists() {
        let q = QueryParams::parse(
            "",
            b"Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=tag%3AName&Filter.1.Value.1=a&Filter.1.Value.2=b%26c&VpcId.2=vpc-2&VpcId.10=vpc-10&VpcId.1=vpc-1",
        );
        assert_eq!(q.get("Action"), Some("DescribeVpcs"));
        assert_eq!(q.list("VpcId"), vec!["vpc-1", "vpc-2", "vpc-10"]);
        let f = q.structs("Filter");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].get("Name"), Some("tag:Name"));
        assert_eq!(f[0].list("Value"), vec!["a", "b&c"]);
    }

    #[test]
    fn decodes_nested_tag_specifications() {
        let q = QueryParams::parse(
            "TagSpecification.1.ResourceType=vpc&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=x&TagSpecification.1.Tag.2.Key=env",
            b"",
        );
        let specs = q.structs("TagSpecification");
        assert_eq!(specs[0].get("ResourceType"), Some("vpc"));
        let tags = specs[0].structs("Tag");
        assert_eq!(tags.len(), 2);
        assert_eq!(tags[1].get("Key"), Some("env"));
        assert_eq!(tags[1].get("Value"), None);
    }

    #[test]
    fn body_wins_over_query_and_members_decode() {
        let q = QueryParams::parse("Action=A", b"Action=B&Subnets.member.1=s1&Subnets.member.2=s2&Options.AmazonSideAsn=64512");
        assert_eq!(q.get("Action"), Some("B"));
        assert_eq!(q.members("Subnets"), vec!["s1", "s2"]);
        assert_eq!(q.child("Options").get("AmazonSideAsn"), Some("64512"));
        assert!(q.has_child("Options"));
        assert!(!q.has_child("Option"));
    }

    #[test]
    fn typed_getters_reject_garbage() {
        let q = QueryParams::parse("DryRun=maybe&MaxResults=x&Ok=TRUE", b"");
        assert!(q.bool("DryRun").is_err());
        assert!(q.int("MaxResults").is_err());
        assert_eq!(q.bool("Ok").unwrap(), Some(true));
        assert!(q.required("Missing").is_err());
    }

    #[test]
    fn ignores_non_numeric_and_zero_indices() {
        let q = QueryParams::parse("VpcId.0=a&VpcId.x=b&VpcId.1=c&VpcId.+2=d", b"");
        assert_eq!(q.list("VpcId"), vec!["c"]);
    }

    proptest! {
        #[test]
        fn any_bytes_decode_without_panic(query in ".*", body in proptest::collection::vec(any::<u8>(), 0..256)) {
            let q = QueryParams::parse(&query, &body);
            let _ = q.list("Filter");
            let _ = q.structs("Filter");
            let _ = q.child("Filter");
            let _ = q.members("Filter");
            let _ = q.bool("DryRun");
            let _ = q.int("MaxResults");
        }

        #[test]
        fn lists_round_trip(values in proptest::collection::vec("[a-z0-9-]{1,12}", 0..20)) {
            let body: String = values.iter().enumerate()
                .map(|(i, v)| format!("Id.{}={}", i + 1, v)).collect::<Vec<_>>().join("&");
            let q = QueryParams::parse("", body.as_bytes());
            prop_assert_eq!(q.list("Id"), values);
        }
    }
}
