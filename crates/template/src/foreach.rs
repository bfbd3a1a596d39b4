//! `Fn::ForEach` of the `AWS::LanguageExtensions` transform: a loop in the
//! Resources, Outputs or Conditions section (or inside a resource's
//! properties) that stamps out one entry per value of a collection.
//!
//! ```yaml
//! Fn::ForEach::Subnets:
//!   - Name                       # the identifier
//!   - [A, B]                     # the collection (or !Ref a list parameter)
//!   - Subnet${Name}:             # the fragment: ${Name}, &{Name} (non-
//!       Type: AWS::EC2::Subnet   # alphanumerics dropped) and Ref Name
//!       Properties: ...          # become each value
//! ```
//!
//! A collection written out is expanded when the template is parsed; one
//! that needs parameter values (`!Ref Names`) when it is bound to them.

use crate::error::{Result, TemplateError};
use serde_json::{Map, Value};

/// The key prefix of a loop.
pub const PREFIX: &str = "Fn::ForEach::";

/// The most entries one map may hold after its loops are expanded: AWS
/// allows 500 resources, and nested loops multiply (ten loops of ten values
/// would be 10^10 entries).
const MAX_ENTRIES: usize = 5000;

/// The sections a loop may stand in.
const SECTIONS: &[&str] = &["Resources", "Outputs", "Conditions"];

/// Whether the template has a loop in any section (at any depth: a loop
/// may also stamp out properties of a resource).
pub fn present(body: &Value) -> bool {
    fn deep(v: &Value) -> bool {
        match v {
            Value::Object(m) => m.iter().any(|(k, v)| k.starts_with(PREFIX) || deep(v)),
            Value::Array(a) => a.iter().any(deep),
            _ => false,
        }
    }
    SECTIONS.iter().any(|s| body.get(*s).is_some_and(deep))
}

/// A collection written out as a list of scalars.
pub fn literal(collection: &Value) -> Option<Vec<String>> {
    collection.as_array()?.iter().map(crate::template::scalar_text).collect()
}

/// `body` with every loop expanded; `collection` gives a loop's values, or
/// `None` when they cannot be known yet (then the whole answer is `None`).
pub fn expand(body: &Value, collection: &dyn Fn(&Value) -> Result<Option<Vec<String>>>) -> Result<Option<Value>> {
    let mut out = body.clone();
    for s in SECTIONS {
        if let Some(v @ Value::Object(_)) = body.get(*s) {
            match expand_deep(v, collection)? {
                Some(expanded) => out[*s] = expanded,
                None => return Ok(None),
            }
        }
    }
    Ok(Some(out))
}

/// Every object at any depth with its loops expanded.
fn expand_deep(v: &Value, collection: &dyn Fn(&Value) -> Result<Option<Vec<String>>>) -> Result<Option<Value>> {
    match v {
        Value::Object(m) => {
            let Some(expanded) = expand_map(m, collection)? else { return Ok(None) };
            let mut out = Map::new();
            for (k, item) in expanded {
                let Some(x) = expand_deep(&item, collection)? else { return Ok(None) };
                out.insert(k, x);
            }
            Ok(Some(Value::Object(out)))
        }
        Value::Array(a) => {
            let mut out = Vec::with_capacity(a.len());
            for item in a {
                let Some(x) = expand_deep(item, collection)? else { return Ok(None) };
                out.push(x);
            }
            Ok(Some(Value::Array(out)))
        }
        other => Ok(Some(other.clone())),
    }
}

fn loop_error(name: &str) -> TemplateError {
    TemplateError::format(format!(
        "{name} must be a list of three elements: an identifier, a collection and an output template fragment"
    ))
}

fn expand_map(m: &Map<String, Value>, collection: &dyn Fn(&Value) -> Result<Option<Vec<String>>>) -> Result<Option<Map<String, Value>>> {
    let mut out = Map::new();
    for (k, v) in m {
        if !k.starts_with(PREFIX) {
            insert(&mut out, k.clone(), v.clone())?;
            continue;
        }
        let parts = match v {
            Value::Array(a) if a.len() == 3 => a,
            _ => return Err(loop_error(k)),
        };
        let (Some(ident), Some(fragment)) = (parts[0].as_str(), parts[2].as_object()) else {
            return Err(loop_error(k));
        };
        let Some(values) = collection(&parts[1])? else { return Ok(None) };
        for value in values {
            let Value::Object(stamped) = substitute(&Value::Object(fragment.clone()), ident, &value) else {
                unreachable!("an object stays an object")
            };
            let Some(inner) = expand_map(&stamped, collection)? else { return Ok(None) };
            for (k2, v2) in inner {
                insert(&mut out, k2, v2)?;
            }
        }
    }
    Ok(Some(out))
}

fn insert(out: &mut Map<String, Value>, k: String, v: Value) -> Result<()> {
    if out.len() >= MAX_ENTRIES {
        return Err(TemplateError::format(format!("Fn::ForEach produced more than {MAX_ENTRIES} entries")));
    }
    if out.contains_key(&k) {
        return Err(TemplateError::format(format!("Fn::ForEach produced the key {k} more than once")));
    }
    out.insert(k, v);
    Ok(())
}

/// `&{X}`: the value with every character that is not a letter or a digit
/// removed, for logical ids.
fn alphanumeric(value: &str) -> String {
    value.chars().filter(char::is_ascii_alphanumeric).collect()
}

fn substitute(v: &Value, ident: &str, value: &str) -> Value {
    let text = |s: &str| {
        s.replace(&format!("${{{ident}}}"), value).replace(&format!("&{{{ident}}}"), &alphanumeric(value))
    };
    match v {
        Value::String(s) => Value::String(text(s)),
        Value::Array(a) => Value::Array(a.iter().map(|i| substitute(i, ident, value)).collect()),
        Value::Object(m) if m.len() == 1 && m.get("Ref").and_then(Value::as_str) == Some(ident) => {
            Value::String(value.to_string())
        }
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (text(k), substitute(v, ident, value))).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn loops_stamp_entries_and_nest() {
        let body = json!({"Resources": {
            "Keep": {"Type": "T"},
            "Fn::ForEach::Subnets": ["Name", ["a-1", "b-2"], {
                "Subnet&{Name}": {"Type": "AWS::EC2::Subnet", "Properties": {"Tag": {"Ref": "Name"}, "S": {"Fn::Sub": "x-${Name}"}}}
            }]
        }, "Outputs": {
            "Fn::ForEach::Out": ["Id", ["A", "B"], {"Fn::ForEach::Attr": ["P", ["Arn"], {"O${Id}${P}": {"Value": {"Fn::GetAtt": [{"Fn::Sub": "R${Id}"}, {"Ref": "P"}]}}}]}]
        }});
        let out = expand(&body, &|c| Ok(literal(c))).unwrap().unwrap();
        assert_eq!(out["Resources"]["Subneta1"]["Properties"], json!({"Tag": "a-1", "S": {"Fn::Sub": "x-a-1"}}));
        assert!(out["Resources"]["Subnetb2"].is_object() && out["Resources"]["Keep"].is_object());
        assert_eq!(out["Outputs"]["OBArn"]["Value"], json!({"Fn::GetAtt": [{"Fn::Sub": "RB"}, "Arn"]}));
    }

    #[test]
    fn loops_inside_properties() {
        let body = json!({"Resources": {"Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {
            "GroupDescription": "d",
            "Tags": [{"Key": "k", "Value": "v"}],
            "Fn::ForEach::Names": ["N", ["A", "B"], {"Name${N}": {"Ref": "N"}}]
        }}}});
        assert!(present(&body));
        let out = expand(&body, &|c| Ok(literal(c))).unwrap().unwrap();
        assert_eq!(out["Resources"]["Sg"]["Properties"]["NameA"], "A");
        assert_eq!(out["Resources"]["Sg"]["Properties"]["NameB"], "B");
        assert_eq!(out["Resources"]["Sg"]["Properties"]["GroupDescription"], "d");
    }

    #[test]
    fn unknown_collections_wait_and_duplicates_are_refused() {
        let body = json!({"Resources": {"Fn::ForEach::L": ["N", {"Ref": "Names"}, {"R${N}": {"Type": "T"}}]}});
        assert_eq!(expand(&body, &|c| Ok(literal(c))).unwrap(), None);
        let dup = json!({"Resources": {"Fn::ForEach::L": ["N", ["a", "a"], {"R${N}": {"Type": "T"}}]}});
        assert!(expand(&dup, &|c| Ok(literal(c))).is_err());
        let bad = json!({"Resources": {"Fn::ForEach::L": ["N", ["a"]]}});
        assert!(expand(&bad, &|c| Ok(literal(c))).is_err());
        // Nested loops multiply: a bomb is refused, not built.
        let ten: Vec<String> = (0..10).map(|i| i.to_string()).collect();
        let mut fragment = json!({"R${A}${B}${C}${D}${E}": {"Type": "T"}});
        for id in ["E", "D", "C", "B", "A"] {
            fragment = json!({format!("Fn::ForEach::{id}"): [id, ten, fragment]});
        }
        let e = expand(&json!({"Resources": fragment}), &|c| Ok(literal(c))).unwrap_err();
        assert_eq!(e.message, "Template format error: Fn::ForEach produced more than 5000 entries");
    }
}
