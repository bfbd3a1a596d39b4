//! restJson1: decoding generated input shapes from a JSON body (and the
//! query string, for members the model binds there), and serializing
//! outputs. Member names are the model's `locationName`, else the member
//! name; timestamps are epoch seconds.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::query::QueryParams;
use crate::shape::{DecodeError, Empty, EnumShape, Operation};
use crate::timestamp::Timestamp;

/// A value decoded from JSON.
pub trait FromJson: Sized {
    /// `key` names the value in errors (`tags.0.key`).
    fn from_json(v: &Value, key: &str) -> Result<Self, DecodeError>;
}

/// A value serialized as JSON.
pub trait ToJson {
    fn to_json(&self) -> Value;
}

/// An operation input read from the body and the query string.
pub trait FromRest: Sized {
    fn from_rest(body: &Value, query: &QueryParams) -> Result<Self, DecodeError>;
}

/// Decodes the input of restJson1 operation `O`.
pub fn decode<O: Operation>(body: &Value, query: &QueryParams) -> Result<O::Input, ApiError>
where
    O::Input: FromRest,
{
    O::Input::from_rest(body, query).map_err(|e| e.to_api(O::PROTOCOL))
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

fn bad(key: &str, v: &Value, expected: &'static str) -> DecodeError {
    DecodeError::BadValue { key: key.to_string(), value: v.to_string(), expected }
}

/// The members of a structure value.
pub fn object<'a>(v: &'a Value, key: &str) -> Result<&'a Map<String, Value>, DecodeError> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    match v {
        Value::Object(o) => Ok(o),
        Value::Null => Ok(EMPTY.get_or_init(Map::new)),
        other => Err(bad(key, other, "an object")),
    }
}

/// An optional member; JSON `null` is absent.
pub fn opt<T: FromJson>(o: &Map<String, Value>, prefix: &str, name: &str) -> Result<Option<T>, DecodeError> {
    match o.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => T::from_json(v, &join(prefix, name)).map(Some),
    }
}

/// A required member; absent, `null` or `""` is `Missing`.
pub fn req<T: FromJson>(o: &Map<String, Value>, prefix: &str, name: &str) -> Result<T, DecodeError> {
    match o.get(name) {
        None | Some(Value::Null) => Err(DecodeError::Missing(join(prefix, name))),
        Some(Value::String(s)) if s.is_empty() => Err(DecodeError::Missing(join(prefix, name))),
        Some(v) => T::from_json(v, &join(prefix, name)),
    }
}

/// A list member (absent is empty).
pub fn list<T: FromJson>(o: &Map<String, Value>, prefix: &str, name: &str) -> Result<Vec<T>, DecodeError> {
    Ok(opt::<Vec<T>>(o, prefix, name)?.unwrap_or_default())
}

/// A member bound to the query string (`location: querystring`).
pub fn query<T: FromJson>(q: &QueryParams, name: &str) -> Result<Option<T>, DecodeError> {
    q.get(name).map(|s| T::from_json(&Value::String(s.to_string()), name)).transpose()
}

/// Writes an optional member only when present.
pub fn put<T: ToJson>(o: &mut Map<String, Value>, name: &str, v: &Option<T>) {
    if let Some(v) = v {
        o.insert(name.to_string(), v.to_json());
    }
}

/// Writes a required member or a list.
pub fn put_all<T: ToJson + ?Sized>(o: &mut Map<String, Value>, name: &str, v: &T) {
    o.insert(name.to_string(), v.to_json());
}

/// A string enum value.
pub fn enum_from_json<T: EnumShape>(v: &Value, key: &str) -> Result<T, DecodeError> {
    let s = v.as_str().ok_or_else(|| bad(key, v, "a string"))?;
    T::parse(s).ok_or_else(|| DecodeError::BadEnum { key: key.to_string(), value: s.to_string(), allowed: T::VALUES })
}

/// A string enum value of an output: a value the model does not list (AWS
/// adds them faster than botocore) is kept as `Unlisted`.
pub fn enum_out_from_json<T: for<'a> From<&'a str>>(v: &Value, key: &str) -> Result<T, DecodeError> {
    v.as_str().map(T::from).ok_or_else(|| bad(key, v, "a string"))
}

impl FromJson for String {
    fn from_json(v: &Value, key: &str) -> Result<Self, DecodeError> {
        v.as_str().map(str::to_string).ok_or_else(|| bad(key, v, "a string"))
    }
}

impl FromJson for bool {
    fn from_json(v: &Value, key: &str) -> Result<Self, DecodeError> {
        v.as_bool().ok_or_else(|| bad(key, v, "a boolean"))
    }
}

impl FromJson for i32 {
    fn from_json(v: &Value, key: &str) -> Result<Self, DecodeError> {
        v.as_i64().and_then(|i| i32::try_from(i).ok()).ok_or_else(|| bad(key, v, "an integer"))
    }
}

impl FromJson for i64 {
    fn from_json(v: &Value, key: &str) -> Result<Self, DecodeError> {
        v.as_i64().ok_or_else(|| bad(key, v, "an integer"))
    }
}

impl FromJson for f64 {
    fn from_json(v: &Value, key: &str) -> Result<Self, DecodeError> {
        v.as_f64().ok_or_else(|| bad(key, v, "a number"))
    }
}

impl FromJson for Timestamp {
    fn from_json(v: &Value, key: &str) -> Result<Self, DecodeError> {
        // Epoch seconds on the wire; the AWS CLI prints ISO 8601 text.
        match v {
            Value::String(s) => Timestamp::parse(s),
            _ => v.as_f64().and_then(Timestamp::from_epoch_seconds),
        }
        .ok_or_else(|| bad(key, v, "a timestamp"))
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(v: &Value, key: &str) -> Result<Self, DecodeError> {
        match v {
            Value::Array(a) => a
                .iter()
                .enumerate()
                .map(|(i, x)| match x {
                    Value::Null => Err(bad(&format!("{key}.{i}"), x, "a value")),
                    x => T::from_json(x, &format!("{key}.{i}")),
                })
                .collect(),
            other => Err(bad(key, other, "a list")),
        }
    }
}

impl<T: FromJson> FromJson for BTreeMap<String, T> {
    fn from_json(v: &Value, key: &str) -> Result<Self, DecodeError> {
        match v {
            Value::Object(o) => o.iter().map(|(k, x)| Ok((k.clone(), T::from_json(x, &format!("{key}.{k}"))?))).collect(),
            other => Err(bad(key, other, "a map")),
        }
    }
}

impl<T: FromJson> FromJson for Box<T> {
    fn from_json(v: &Value, key: &str) -> Result<Self, DecodeError> {
        T::from_json(v, key).map(Box::new)
    }
}

impl ToJson for String {
    fn to_json(&self) -> Value {
        Value::String(self.clone())
    }
}

impl ToJson for bool {
    fn to_json(&self) -> Value {
        Value::Bool(*self)
    }
}

impl ToJson for i32 {
    fn to_json(&self) -> Value {
        Value::from(*self)
    }
}

impl ToJson for i64 {
    fn to_json(&self) -> Value {
        Value::from(*self)
    }
}

impl ToJson for f64 {
    fn to_json(&self) -> Value {
        Value::from(*self)
    }
}

impl ToJson for Timestamp {
    fn to_json(&self) -> Value {
        Value::from(self.epoch_seconds())
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn to_json(&self) -> Value {
        Value::Array(self.iter().map(ToJson::to_json).collect())
    }
}

impl<T: ToJson> ToJson for BTreeMap<String, T> {
    fn to_json(&self) -> Value {
        Value::Object(self.iter().map(|(k, v)| (k.clone(), v.to_json())).collect())
    }
}

impl<T: ToJson> ToJson for Box<T> {
    fn to_json(&self) -> Value {
        (**self).to_json()
    }
}

impl ToJson for Empty {
    fn to_json(&self) -> Value {
        Value::Object(Map::new())
    }
}

impl FromRest for Empty {
    fn from_rest(_: &Value, _: &QueryParams) -> Result<Self, DecodeError> {
        Ok(Empty)
    }
}
