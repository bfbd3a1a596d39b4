//! Decoding ec2Query / awsQuery parameters into generated input shapes.
//!
//! The reader owns the request's parameters and *takes* each one a member
//! reads, so whatever is left at the end was read by no member: EC2 answers
//! `UnknownParameter` for it, which catches typos such as `Filter.x.Name` or
//! `VpcID` before any handler runs. Names come from the generated code (the
//! model's `queryName` / `locationName`), list styles from the protocol:
//! EC2 lists are always flat (`VpcId.1`), awsQuery lists are
//! `Subnets.member.1` unless flattened, awsQuery maps
//! `Attributes.entry.1.key` / `.value`.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::ApiError;
use crate::query::QueryParams;
use crate::shape::{DecodeError, EnumShape, Operation, Protocol};
use crate::timestamp::Timestamp;

/// Parameters every request may carry besides its input's members: the
/// action and version, and signature parameters (SigV2, SigV4 in the query).
fn is_envelope_parameter(key: &str) -> bool {
    key == crate::query::ACTION || key == crate::query::VERSION || matches!(key, "AWSAccessKeyId" | "SignatureMethod" | "SignatureVersion" | "Signature" | "Timestamp" | "Expires" | "SecurityToken")
        || key.starts_with("X-Amz-")
}

/// Decodes the input of operation `O` from a query request, answering as
/// AWS does for that protocol when it does not fit (see [`crate::shape`]).
pub fn decode<O: Operation>(params: &QueryParams) -> Result<O::Input, ApiError>
where
    O::Input: FromQuery,
{
    let mut r = QueryReader::new(params);
    let input = O::Input::from_query(&mut r, "").map_err(|e| e.to_api(O::PROTOCOL))?;
    r.finish(O::PROTOCOL).map_err(|e| e.to_api(O::PROTOCOL))?;
    // The top-level structure is always present (its key is empty).
    Ok(input.unwrap_or_default())
}

/// The parameters not yet read by a member.
#[derive(Debug)]
pub struct QueryReader {
    map: BTreeMap<String, String>,
    /// The first required member found absent: reported after unknown
    /// parameters, which usually explain it (`VpcID` for `VpcId`).
    missing: Option<DecodeError>,
}

/// A value that can be read from query parameters at a key.
pub trait FromQuery: Sized + Default {
    /// The value at `key` (for a structure: under `key.`), or `None` when
    /// the request has nothing there.
    fn from_query(r: &mut QueryReader, key: &str) -> Result<Option<Self>, DecodeError>;

    /// Whether a required member holding this value counts as not given.
    fn is_blank(&self) -> bool {
        false
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

impl QueryReader {
    /// A reader over a request's parameters, without the envelope ones.
    pub fn new(params: &QueryParams) -> QueryReader {
        let map = params.iter().filter(|(k, _)| !is_envelope_parameter(k)).map(|(k, v)| (k.to_string(), v.to_string())).collect();
        QueryReader { map, missing: None }
    }

    /// Takes the scalar at exactly `key`.
    pub fn take(&mut self, key: &str) -> Option<String> {
        self.map.remove(key)
    }

    /// Whether any parameter lies under `key.` (a structure was sent).
    pub fn has_under(&self, key: &str) -> bool {
        if key.is_empty() {
            return true;
        }
        let start = format!("{key}.");
        self.map.range(start.clone()..).next().is_some_and(|(k, _)| k.starts_with(&start))
    }

    /// An optional member `name` of the structure at `prefix`.
    pub fn opt<T: FromQuery>(&mut self, prefix: &str, name: &str) -> Result<Option<T>, DecodeError> {
        T::from_query(self, &join(prefix, name))
    }

    /// A required member: absent (or an empty string) is `Missing`,
    /// reported once every member has been read.
    pub fn req<T: FromQuery>(&mut self, prefix: &str, name: &str) -> Result<T, DecodeError> {
        let key = join(prefix, name);
        match T::from_query(self, &key)? {
            Some(v) if !v.is_blank() => Ok(v),
            _ => {
                self.missing.get_or_insert(DecodeError::Missing(key));
                Ok(T::default())
            }
        }
    }

    /// The positive indices `N` of keys `key.N` or `key.N.rest`, in numeric
    /// order. `key.0`, `key.01`, `key.x` are not indices (left unread).
    fn indices(&self, key: &str) -> BTreeSet<u64> {
        let start = format!("{key}.");
        let mut out = BTreeSet::new();
        for (k, _) in self.map.range(start.clone()..) {
            let Some(rest) = k.strip_prefix(&start) else { break };
            let idx = rest.split('.').next().unwrap_or("");
            if let Ok(i) = idx.parse::<u64>() {
                if i > 0 && idx.bytes().all(|b| b.is_ascii_digit()) && i.to_string() == idx {
                    out.insert(i);
                }
            }
        }
        out
    }

    /// A list member. `item` is `None` for flat lists (EC2, flattened
    /// awsQuery: `Key.N`) and the item name for awsQuery lists
    /// (`Key.member.N`). awsQuery sends an empty list as `Key=`.
    pub fn list<T: FromQuery>(&mut self, prefix: &str, name: &str, item: Option<&str>) -> Result<Vec<T>, DecodeError> {
        Ok(self.list_present(prefix, name, item)?.unwrap_or_default())
    }

    /// A required list: absent is `Missing`; awsQuery's `Key=` is present
    /// and empty.
    pub fn req_list<T: FromQuery>(&mut self, prefix: &str, name: &str, item: Option<&str>) -> Result<Vec<T>, DecodeError> {
        match self.list_present(prefix, name, item)? {
            Some(v) => Ok(v),
            None => {
                self.missing.get_or_insert(DecodeError::Missing(join(prefix, name)));
                Ok(Vec::new())
            }
        }
    }

    fn list_present<T: FromQuery>(&mut self, prefix: &str, name: &str, item: Option<&str>) -> Result<Option<Vec<T>>, DecodeError> {
        let key = join(prefix, name);
        let mut present = false;
        if item.is_some() && self.map.get(&key).is_some_and(String::is_empty) {
            self.map.remove(&key);
            present = true;
        }
        let base = match item {
            Some(i) => format!("{key}.{i}"),
            None => key,
        };
        let mut out = Vec::new();
        for i in self.indices(&base) {
            if let Some(v) = T::from_query(self, &format!("{base}.{i}"))? {
                out.push(v);
            }
        }
        Ok((present || !out.is_empty()).then_some(out))
    }

    /// An awsQuery map: `Key.entry.N.key` / `Key.entry.N.value` (`entry`
    /// is `None` when flattened); `k`/`v` are the key and value names.
    pub fn map<V: FromQuery>(&mut self, prefix: &str, name: &str, entry: Option<&str>, k: &str, v: &str) -> Result<BTreeMap<String, V>, DecodeError> {
        let key = join(prefix, name);
        let base = match entry {
            Some(e) => format!("{key}.{e}"),
            None => key,
        };
        let mut out = BTreeMap::new();
        for i in self.indices(&base) {
            let at = format!("{base}.{i}");
            let name: String = self.req(&at, k)?;
            let value: V = self.req(&at, v)?;
            out.insert(name, value);
        }
        Ok(out)
    }

    /// A string enum value at `key`.
    pub fn enum_value<T: EnumShape>(&mut self, key: &str) -> Result<Option<T>, DecodeError> {
        match self.take(key) {
            None => Ok(None),
            Some(v) => match T::parse(&v) {
                Some(e) => Ok(Some(e)),
                None => Err(DecodeError::BadEnum { key: key.to_string(), value: v, allowed: T::VALUES }),
            },
        }
    }

    /// What is left once the input is read: EC2 refuses the first unread
    /// parameter; then the first missing required member.
    pub fn finish(self, protocol: Protocol) -> Result<(), DecodeError> {
        if protocol == Protocol::Ec2Query {
            if let Some(k) = self.map.into_keys().next() {
                return Err(DecodeError::Unknown(k));
            }
        }
        self.missing.map_or(Ok(()), Err)
    }
}

fn scalar<T>(r: &mut QueryReader, key: &str, expected: &'static str, parse: impl FnOnce(&str) -> Option<T>) -> Result<Option<T>, DecodeError> {
    match r.take(key) {
        None => Ok(None),
        Some(v) => match parse(v.trim()) {
            Some(x) => Ok(Some(x)),
            None => Err(DecodeError::BadValue { key: key.to_string(), value: v, expected }),
        },
    }
}

impl FromQuery for String {
    fn from_query(r: &mut QueryReader, key: &str) -> Result<Option<Self>, DecodeError> {
        // An empty string is a value where a member is optional: DeleteTags'
        // `Tag.1.Value=` deletes the tag only if its value is empty, a
        // filter may look for an empty tag value.
        Ok(r.take(key))
    }

    /// A required string sent empty is "not given", as AWS treats `VpcId=`.
    fn is_blank(&self) -> bool {
        self.is_empty()
    }
}

impl FromQuery for bool {
    fn from_query(r: &mut QueryReader, key: &str) -> Result<Option<Self>, DecodeError> {
        scalar(r, key, "a boolean", |v| {
            if v.eq_ignore_ascii_case("true") {
                Some(true)
            } else if v.eq_ignore_ascii_case("false") {
                Some(false)
            } else {
                None
            }
        })
    }
}

impl FromQuery for i32 {
    fn from_query(r: &mut QueryReader, key: &str) -> Result<Option<Self>, DecodeError> {
        scalar(r, key, "an integer", |v| v.parse().ok())
    }
}

impl FromQuery for i64 {
    fn from_query(r: &mut QueryReader, key: &str) -> Result<Option<Self>, DecodeError> {
        scalar(r, key, "an integer", |v| v.parse().ok())
    }
}

impl FromQuery for f64 {
    fn from_query(r: &mut QueryReader, key: &str) -> Result<Option<Self>, DecodeError> {
        scalar(r, key, "a number", |v| v.parse::<f64>().ok().filter(|f| f.is_finite()))
    }
}

impl FromQuery for Timestamp {
    fn from_query(r: &mut QueryReader, key: &str) -> Result<Option<Self>, DecodeError> {
        scalar(r, key, "a timestamp", Timestamp::parse)
    }
}

impl<T: FromQuery> FromQuery for Box<T> {
    fn from_query(r: &mut QueryReader, key: &str) -> Result<Option<Self>, DecodeError> {
        Ok(T::from_query(r, key)?.map(Box::new))
    }
}

impl FromQuery for crate::shape::Empty {
    fn from_query(_: &mut QueryReader, _: &str) -> Result<Option<Self>, DecodeError> {
        Ok(Some(crate::shape::Empty))
    }
}
