//! Reading a template body: JSON or YAML, with YAML's short-form tags
//! (`!Ref X`, `!GetAtt a.b`, `!Sub ...`) turned into the JSON form
//! (`{"Ref": "X"}`, `{"Fn::GetAtt": ["a", "b"]}`), so the rest of the engine
//! sees one representation.

use crate::error::{Result, TemplateError};
use serde_json::{Map, Number, Value};
use serde_yaml_ng as yaml;

/// Parses a body as JSON when it starts with `{` (as AWS decides), else as
/// YAML, into the JSON representation.
pub fn body_to_json(body: &str) -> Result<Value> {
    let trimmed = body.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if trimmed.starts_with('{') {
        return serde_json::from_str(trimmed).map_err(|e| {
            TemplateError::format(format!("JSON not well-formed. (line {},  column {})", e.line(), e.column()))
        });
    }
    let doc: yaml::Value = yaml::from_str(body).map_err(|e| {
        let (line, column) = e.location().map(|l| (l.line(), l.column())).unwrap_or((0, 0));
        TemplateError::format(format!("YAML not well-formed. (line {line}, column {column})"))
    })?;
    to_json(doc)
}

/// The intrinsic functions that have a YAML short form, by tag.
fn long_name(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "Ref" => "Ref",
        "Condition" => "Condition",
        "GetAtt" => "Fn::GetAtt",
        "Base64" => "Fn::Base64",
        "Cidr" => "Fn::Cidr",
        "FindInMap" => "Fn::FindInMap",
        "GetAZs" => "Fn::GetAZs",
        "ImportValue" => "Fn::ImportValue",
        "Join" => "Fn::Join",
        "Select" => "Fn::Select",
        "Split" => "Fn::Split",
        "Sub" => "Fn::Sub",
        "Transform" => "Fn::Transform",
        "And" => "Fn::And",
        "Equals" => "Fn::Equals",
        "If" => "Fn::If",
        "Not" => "Fn::Not",
        "Or" => "Fn::Or",
        // Rules' assertion functions.
        "Contains" => "Fn::Contains",
        "EachMemberEquals" => "Fn::EachMemberEquals",
        "EachMemberIn" => "Fn::EachMemberIn",
        "RefAll" => "Fn::RefAll",
        "ValueOf" => "Fn::ValueOf",
        "ValueOfAll" => "Fn::ValueOfAll",
        // AWS::LanguageExtensions' functions (Fn::Length, Fn::ToJsonString,
        // Fn::ForEach) have no short form: AWS refuses `!Length`.
        _ => return None,
    })
}

fn to_json(v: yaml::Value) -> Result<Value> {
    Ok(match v {
        yaml::Value::Null => Value::Null,
        yaml::Value::Bool(b) => Value::Bool(b),
        yaml::Value::Number(n) => number(&n),
        yaml::Value::String(s) => Value::String(s),
        yaml::Value::Sequence(items) => Value::Array(items.into_iter().map(to_json).collect::<Result<_>>()?),
        yaml::Value::Mapping(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                out.insert(key(k)?, to_json(v)?);
            }
            Value::Object(out)
        }
        yaml::Value::Tagged(t) => {
            let tag = t.tag.to_string();
            let bare = tag.trim_start_matches('!');
            let name = long_name(bare)
                .ok_or_else(|| TemplateError::format(format!("Unsupported YAML tag {tag}")))?;
            let inner = match to_json(t.value)? {
                // `!GetAZs` with nothing after it means the current Region.
                Value::Null => Value::String(String::new()),
                other => other,
            };
            let inner = match (name, inner) {
                // `!GetAtt Resource.Attribute`: the first dot separates them;
                // an attribute may itself contain dots (`Endpoint.Address`).
                ("Fn::GetAtt", Value::String(s)) => match s.split_once('.') {
                    Some((r, a)) => Value::Array(vec![r.into(), a.into()]),
                    None => Value::String(s),
                },
                (_, inner) => inner,
            };
            let mut out = Map::new();
            out.insert(name.to_string(), inner);
            Value::Object(out)
        }
    })
}

fn number(n: &yaml::Number) -> Value {
    if let Some(i) = n.as_i64() {
        Value::Number(i.into())
    } else if let Some(u) = n.as_u64() {
        Value::Number(u.into())
    } else {
        n.as_f64().and_then(Number::from_f64).map(Value::Number).unwrap_or_else(|| Value::String(n.to_string()))
    }
}

fn key(k: yaml::Value) -> Result<String> {
    match k {
        yaml::Value::String(s) => Ok(s),
        yaml::Value::Number(n) => Ok(n.to_string()),
        yaml::Value::Bool(b) => Ok(b.to_string()),
        yaml::Value::Null => Ok("null".into()),
        _ => Err(TemplateError::format("YAML not well-formed. (mapping keys must be scalars)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn short_forms_become_long_forms() {
        let v = body_to_json(
            "A: !Ref X\nB: !GetAtt R.Endpoint.Address\nC: !Sub '${X}-y'\nD: !GetAZs\nE: !If [C, 1, !Ref AWS::NoValue]\nF: !Condition Other\nG: !GetAtt [R, Arn]\n",
        )
        .unwrap();
        assert_eq!(
            v,
            json!({
                "A": {"Ref": "X"},
                "B": {"Fn::GetAtt": ["R", "Endpoint.Address"]},
                "C": {"Fn::Sub": "${X}-y"},
                "D": {"Fn::GetAZs": ""},
                "E": {"Fn::If": ["C", 1, {"Ref": "AWS::NoValue"}]},
                "F": {"Condition": "Other"},
                "G": {"Fn::GetAtt": ["R", "Arn"]},
            })
        );
    }

    #[test]
    fn json_is_detected_and_errors_name_the_line() {
        assert_eq!(body_to_json(" {\"a\": 1}").unwrap(), json!({"a": 1}));
        let e = body_to_json("{\n\"a\": }").unwrap_err();
        assert!(e.message.starts_with("Template format error: JSON not well-formed. (line 2"), "{e}");
        let e = body_to_json("a: [1\nb: 2").unwrap_err();
        assert!(e.message.starts_with("Template format error: YAML not well-formed. (line"), "{e}");
        let e = body_to_json("a: !Bogus x").unwrap_err();
        assert_eq!(e.message, "Template format error: Unsupported YAML tag !Bogus");
        let e = body_to_json("a: !Length [1]").unwrap_err();
        assert_eq!(e.message, "Template format error: Unsupported YAML tag !Length");
    }

    #[test]
    fn standard_tags_block_scalars_and_anchors() {
        let v = body_to_json("A: !!str 123\nB: !Sub |\n  line ${X}\nC: &c [1, 2]\nD: *c\nE: !Join\n  - ''\n  - - a\n    - !Ref B\n").unwrap();
        assert_eq!(
            v,
            json!({"A": "123", "B": {"Fn::Sub": "line ${X}\n"}, "C": [1, 2], "D": [1, 2], "E": {"Fn::Join": ["", ["a", {"Ref": "B"}]]}})
        );
    }

    #[test]
    fn dates_and_versions_stay_strings() {
        let v = body_to_json("AWSTemplateFormatVersion: 2010-09-09\nN: 80\n").unwrap();
        assert_eq!(v, json!({"AWSTemplateFormatVersion": "2010-09-09", "N": 80}));
    }
}
