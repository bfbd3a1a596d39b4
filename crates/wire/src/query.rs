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

/// The common parameter naming the operation (AWS's "Common Query
/// Parameters"); the generated decoders skip it with the other envelope keys.
pub const ACTION: &str = "Action";
/// The common parameter naming the service's API version.
pub const VERSION: &str = "Version";

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

    /// Builds parameters from pairs (tests).
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

    /// A boolean parameter (`true`/`false`, any case).
    pub fn bool(&self, name: &str) -> Result<Option<bool>, WireError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(v) => Err(WireError::InvalidValue { name: name.into(), value: v.into() }),
        }
    }

    /// `Action`, a common parameter of every ec2Query/awsQuery request (AWS's
    /// "Common Query Parameters"): the operation to run.
    pub fn action(&self) -> Option<&str> {
        self.get(ACTION)
    }

    /// `Version`, the other common parameter: the service's API version,
    /// which is how an unsigned request names its service.
    pub fn version(&self) -> Option<&str> {
        self.get(VERSION)
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
    fn body_wins_over_query_and_common_parameters_read() {
        let q = QueryParams::parse("Action=A&Version=2016-11-15", b"Action=B&Filter.1.Name=tag%3AName&DryRun=TRUE");
        assert_eq!(q.action(), Some("B"));
        assert_eq!(q.version(), Some("2016-11-15"));
        assert_eq!(q.get("Filter.1.Name"), Some("tag:Name"));
        assert_eq!(q.dry_run().unwrap(), true);
        assert_eq!(QueryParams::parse("", b"").dry_run().unwrap(), false);
    }

    #[test]
    fn booleans_reject_garbage() {
        let q = QueryParams::parse("DryRun=maybe&Ok=TRUE&No=false", b"");
        assert!(q.dry_run().is_err());
        assert_eq!(q.bool("Ok").unwrap(), Some(true));
        assert_eq!(q.bool("No").unwrap(), Some(false));
        assert_eq!(q.bool("Missing").unwrap(), None);
    }

    proptest! {
        #[test]
        fn any_bytes_decode_without_panic(query in ".*", body in proptest::collection::vec(any::<u8>(), 0..256)) {
            let q = QueryParams::parse(&query, &body);
            let _ = q.action();
            let _ = q.dry_run();
            let _ = q.iter().count();
        }
    }
}
