//! The resource property tables, generated from the CloudFormation registry
//! schemas (`data/resource_schemas.json`, written by
//! `gen/trim_schemas.py` from the pinned cfn-lint): which properties a type
//! has, which are required, which a change replaces the resource for, and
//! which attributes `Fn::GetAtt` reads.

use crate::error::{Result, TemplateError};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// What the registry schema says about one resource type.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct TypeSchema {
    /// Every property, with its JSON type (`string`, `integer`, `number`,
    /// `boolean`, `array`, `object`, or `any`).
    pub properties: BTreeMap<String, String>,
    /// Each property's shape (nested lists and objects), for validation
    /// and type conversion.
    pub shapes: BTreeMap<String, Shape>,
    /// Properties a template must give.
    pub required: Vec<String>,
    /// Properties a change of which replaces the resource.
    pub create_only: Vec<String>,
    /// Properties a change of which may replace the resource, depending on
    /// the change (AWS's "conditional" replacement).
    pub conditional_create_only: Vec<String>,
    /// Properties AWS sets, which a template cannot.
    pub read_only: Vec<String>,
    /// Properties AWS never returns.
    pub write_only: Vec<String>,
    /// The properties that identify the resource (its `Ref`, mostly).
    pub primary_identifier: Vec<String>,
    /// What `Fn::GetAtt` can read (`CidrBlock`, `Endpoint.Address`).
    pub attributes: Vec<String>,
}

/// The shape of a property value, from the registry schema.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Shape {
    /// `string`, `integer`, `number`, `boolean`, `object` (any object) or
    /// `any`.
    Scalar(String),
    /// A list of items of one shape.
    List {
        /// The items' shape.
        items: Box<Shape>,
    },
    /// An object with known keys.
    Object {
        /// Each key's shape.
        properties: BTreeMap<String, Shape>,
        /// Keys that must be there.
        required: Vec<String>,
        /// No other key is allowed.
        closed: bool,
    },
}

#[derive(Deserialize)]
struct File {
    types: BTreeMap<String, TypeSchema>,
}

fn tables() -> &'static BTreeMap<String, TypeSchema> {
    static TABLES: OnceLock<BTreeMap<String, TypeSchema>> = OnceLock::new();
    TABLES.get_or_init(|| {
        let file: File = serde_json::from_str(include_str!("../data/resource_schemas.json"))
            .expect("data/resource_schemas.json is generated and checked in");
        file.types
    })
}

/// Types CloudFormation itself keeps in a stack without creating anything
/// in the account: the CDK's `AWS::CDK::Metadata` (in every `cdk synth`
/// output unless version reporting is turned off) carries only analytics.
/// A stack engine records such a resource as created and does nothing else.
pub const NO_OP_TYPES: &[&str] = &["AWS::CDK::Metadata"];

/// The schema of a resource type, `None` for a type without a table.
pub fn resource_type(type_name: &str) -> Option<&'static TypeSchema> {
    tables().get(type_name)
}

/// The resource types that have a table, in order.
pub fn resource_types() -> impl Iterator<Item = &'static str> {
    tables().keys().map(String::as_str)
}

impl TypeSchema {
    /// Whether `Fn::GetAtt` can read `attribute`.
    pub fn has_attribute(&self, attribute: &str) -> bool {
        self.attributes.iter().any(|a| a == attribute)
    }

    /// Whether a change to any of `changed` (top-level property names)
    /// replaces the resource.
    pub fn requires_replacement<'a>(&self, changed: impl IntoIterator<Item = &'a str>) -> bool {
        changed.into_iter().any(|c| self.create_only.iter().any(|p| p == c))
    }
}

/// Whether a change of one property recreates the resource (a change set's
/// `RequiresRecreation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Recreation {
    /// Updated in place.
    Never,
    /// Replaced for some changes (a conditional create-only property).
    Conditionally,
    /// Replaced (a create-only property).
    Always,
}

impl Recreation {
    /// AWS's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Recreation::Never => "Never",
            Recreation::Conditionally => "Conditionally",
            Recreation::Always => "Always",
        }
    }

    /// The resource-level answer (a change set's `Replacement`): `True`,
    /// `Conditional` or `False`.
    pub fn replacement(self) -> &'static str {
        match self {
            Recreation::Never => "False",
            Recreation::Conditionally => "Conditional",
            Recreation::Always => "True",
        }
    }
}

impl TypeSchema {
    /// What a change of `property` does to the resource.
    pub fn recreation(&self, property: &str) -> Recreation {
        if self.create_only.iter().any(|p| p == property) {
            Recreation::Always
        } else if self.conditional_create_only.iter().any(|p| p == property) {
            Recreation::Conditionally
        } else {
            Recreation::Never
        }
    }
}

/// The properties that differ between a resource's old and new evaluated
/// properties, each with what its change does (`Never` for a type without
/// a table); the resource is replaced when the strongest is `Always`.
pub fn property_changes(type_name: &str, old: &Value, new: &Value) -> Vec<(String, Recreation)> {
    let schema = resource_type(type_name);
    changed_properties(old, new)
        .into_iter()
        .map(|p| {
            let r = schema.map_or(Recreation::Never, |s| s.recreation(&p));
            (p, r)
        })
        .collect()
}

/// Whether changing `changed` properties of a resource of `type_name`
/// replaces it; `None` for a type without a table.
pub fn requires_replacement<'a>(type_name: &str, changed: impl IntoIterator<Item = &'a str>) -> Option<bool> {
    resource_type(type_name).map(|t| t.requires_replacement(changed))
}

/// The top-level properties whose values differ between two evaluated
/// property sets (added, removed or changed), in order.
pub fn changed_properties(old: &Value, new: &Value) -> Vec<String> {
    let empty = serde_json::Map::new();
    let o = old.as_object().unwrap_or(&empty);
    let n = new.as_object().unwrap_or(&empty);
    let mut keys: Vec<&String> = o.keys().chain(n.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter().filter(|k| o.get(*k) != n.get(*k)).cloned().collect()
}

fn found(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "Boolean",
        Value::Number(n) if n.is_f64() => "Number",
        Value::Number(_) => "Integer",
        Value::String(_) => "String",
        Value::Array(_) => "JSONArray",
        Value::Object(_) => "JSONObject",
    }
}

fn expected_name(t: &str) -> &str {
    match t {
        "object" => "JSONObject",
        "string" => "String",
        "integer" => "Integer",
        "number" => "Number",
        "boolean" => "Boolean",
        other => other,
    }
}

/// "Properties validation failed for resource R with message: ...".
fn invalid(logical_id: &str, message: String) -> TemplateError {
    TemplateError::properties(format!("Properties validation failed for resource {logical_id} with message: {message}"))
}

/// `v` converted to `shape` as CloudFormation converts property values
/// (`"80"` for an integer becomes 80, `80` for a string `"80"`, `"true"`
/// for a boolean `true`), or AWS's message naming the JSON path.
fn conform(shape: &Shape, v: &Value, path: &str, id: &str) -> Result<Value> {
    let mismatch = |expected: &str| invalid(id, format!("{path}: expected type: {}, found: {}", expected_name(expected), found(v)));
    match shape {
        Shape::Scalar(t) => match (t.as_str(), v) {
            ("any", _) => Ok(v.clone()),
            ("object", Value::Object(_)) => Ok(v.clone()),
            ("string", Value::String(_)) => Ok(v.clone()),
            ("string", Value::Number(_) | Value::Bool(_)) => Ok(Value::String(crate::template::scalar_text(v).unwrap_or_default())),
            ("integer", Value::Number(n)) if n.is_i64() || n.is_u64() => Ok(v.clone()),
            ("integer", Value::Number(n)) => match n.as_f64() {
                Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(Value::from(f as i64)),
                _ => Err(mismatch(t)),
            },
            ("integer", Value::String(s)) => s.trim().parse::<i64>().map(Value::from).map_err(|_| mismatch(t)),
            ("number", Value::Number(_)) => Ok(v.clone()),
            ("number", Value::String(s)) => s
                .trim()
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(|n| {
                    // Keep an integer written as one an integer.
                    s.trim().parse::<i64>().map(Value::from).unwrap_or(Value::Number(n))
                })
                .ok_or_else(|| mismatch(t)),
            ("boolean", Value::Bool(_)) => Ok(v.clone()),
            ("boolean", Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Value::Bool(true)),
            ("boolean", Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Value::Bool(false)),
            _ => Err(mismatch(t)),
        },
        Shape::List { items } => match v {
            Value::Array(a) => a
                .iter()
                .enumerate()
                .map(|(i, item)| conform(items, item, &format!("{path}/{i}"), id))
                .collect::<Result<Vec<_>>>()
                .map(Value::Array),
            _ => Err(invalid(id, format!("{path}: expected type: JSONArray, found: {}", found(v)))),
        },
        Shape::Object { properties, required, closed } => {
            let Value::Object(m) = v else {
                return Err(invalid(id, format!("{path}: expected type: JSONObject, found: {}", found(v))));
            };
            let mut out = serde_json::Map::new();
            for (k, item) in m {
                match properties.get(k) {
                    Some(s) => {
                        out.insert(k.clone(), conform(s, item, &format!("{path}/{k}"), id)?);
                    }
                    None if *closed => {
                        return Err(invalid(id, format!("{path}: extraneous key [{k}] is not permitted")))
                    }
                    None => {
                        out.insert(k.clone(), item.clone());
                    }
                }
            }
            if let Some(r) = required.iter().find(|r| !m.contains_key(*r)) {
                return Err(invalid(id, format!("{path}: required key [{r}] not found")));
            }
            Ok(Value::Object(out))
        }
    }
}

/// A resource's evaluated properties checked against its type's table and
/// converted to the schema's types (what the stack engine hands a resource
/// handler): an unknown or read-only top-level property is AWS's
/// "Encountered unsupported property X"; the rest is "Properties validation
/// failed for resource R with message: #/Path: ..." (missing required keys,
/// unknown keys of closed objects, a list or object where the other or a
/// scalar is expected, a scalar that does not convert). A type without a
/// table passes unchanged (the stack engine refuses types it cannot create,
/// naming them).
pub fn normalize_properties(type_name: &str, logical_id: &str, props: &Value) -> Result<Value> {
    let Some(t) = resource_type(type_name) else { return Ok(props.clone()) };
    let empty = serde_json::Map::new();
    let m = props.as_object().unwrap_or(&empty);
    let mut out = serde_json::Map::new();
    for (name, v) in m {
        if !t.properties.contains_key(name) || t.read_only.contains(name) {
            return Err(TemplateError::properties(format!("Encountered unsupported property {name}")));
        }
        let shape = t.shapes.get(name).cloned().unwrap_or(Shape::Scalar("any".into()));
        out.insert(name.clone(), conform(&shape, v, &format!("#/{name}"), logical_id)?);
    }
    let missing: Vec<&str> = t.required.iter().filter(|r| !m.contains_key(*r)).map(String::as_str).collect();
    if !missing.is_empty() {
        return Err(invalid(logical_id, format!("#: required key [{}] not found", missing.join(", "))));
    }
    Ok(Value::Object(out))
}

/// [`normalize_properties`], keeping only the verdict.
pub fn validate_properties(type_name: &str, logical_id: &str, props: &Value) -> Result<()> {
    normalize_properties(type_name, logical_id, props).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tables_cover_the_types_xvpc_models() {
        for t in [
            "AWS::EC2::VPC",
            "AWS::EC2::Subnet",
            "AWS::EC2::VPCPeeringConnection",
            "AWS::EC2::TransitGatewayAttachment",
            "AWS::ElasticLoadBalancingV2::Listener",
            "AWS::RAM::ResourceShare",
            "AWS::IAM::Role",
        ] {
            assert!(resource_type(t).is_some(), "{t}");
        }
        assert!(resource_type("AWS::S3::Bucket").is_none());
    }

    #[test]
    fn create_only_properties_replace() {
        assert_eq!(requires_replacement("AWS::EC2::Subnet", ["CidrBlock"]), Some(true));
        assert_eq!(requires_replacement("AWS::EC2::Subnet", ["Tags", "MapPublicIpOnLaunch"]), Some(false));
        assert_eq!(requires_replacement("AWS::EC2::SecurityGroup", ["GroupDescription"]), Some(true));
        assert_eq!(requires_replacement("AWS::EC2::SecurityGroup", ["SecurityGroupIngress"]), Some(false));
        assert_eq!(requires_replacement("AWS::EC2::VPCPeeringConnection", ["PeerVpcId"]), Some(true));
        assert_eq!(requires_replacement("AWS::Made::Up", ["X"]), None);
    }

    #[test]
    fn attributes_come_from_the_schema() {
        let vpc = resource_type("AWS::EC2::VPC").unwrap();
        assert!(vpc.has_attribute("CidrBlock") && vpc.has_attribute("DefaultSecurityGroup"));
        assert!(!vpc.has_attribute("Nope"));
        assert_eq!(vpc.primary_identifier, ["VpcId"]);
        let lb = resource_type("AWS::ElasticLoadBalancingV2::LoadBalancer").unwrap();
        assert!(lb.has_attribute("DNSName"));
    }

    #[test]
    fn validation_with_aws_messages() {
        let ok = json!({"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/24", "Tags": [{"Key": "a", "Value": "b"}], "MapPublicIpOnLaunch": "true"});
        assert!(validate_properties("AWS::EC2::Subnet", "S", &ok).is_ok());
        let e = validate_properties("AWS::EC2::Subnet", "S", &json!({"VpcId": "v", "CidrBlok": "x"})).unwrap_err();
        assert_eq!(e.message, "Encountered unsupported property CidrBlok");
        assert_eq!(e.kind, crate::ErrorKind::Properties);
        let e = validate_properties("AWS::EC2::Subnet", "S", &json!({"VpcId": "v", "SubnetId": "x"})).unwrap_err();
        assert_eq!(e.message, "Encountered unsupported property SubnetId", "read-only");
        let e = validate_properties("AWS::EC2::Subnet", "S", &json!({"CidrBlock": "x"})).unwrap_err();
        assert_eq!(e.message, "Properties validation failed for resource S with message: #: required key [VpcId] not found");
        let e = validate_properties("AWS::EC2::Subnet", "S", &json!({"VpcId": ["v"]})).unwrap_err();
        assert_eq!(e.message, "Properties validation failed for resource S with message: #/VpcId: expected type: String, found: JSONArray");
        assert!(validate_properties("AWS::Made::Up", "X", &json!({"Anything": 1})).is_ok());
    }

    #[test]
    fn nested_values_are_checked_and_converted() {
        let sg = json!({"GroupDescription": 7, "SecurityGroupIngress": [
            {"IpProtocol": "tcp", "FromPort": "80", "ToPort": 80.0, "CidrIp": "10.0.0.0/8"}
        ], "Tags": [{"Key": "n", "Value": 1}]});
        assert_eq!(
            normalize_properties("AWS::EC2::SecurityGroup", "Sg", &sg).unwrap(),
            json!({"GroupDescription": "7", "SecurityGroupIngress": [
                {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "CidrIp": "10.0.0.0/8"}
            ], "Tags": [{"Key": "n", "Value": "1"}]})
        );
        let e = |v: Value| normalize_properties("AWS::EC2::SecurityGroup", "Sg", &v).unwrap_err().message;
        assert_eq!(
            e(json!({"GroupDescription": "d", "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": "eighty"}]})),
            "Properties validation failed for resource Sg with message: #/SecurityGroupIngress/0/FromPort: expected type: Integer, found: String"
        );
        assert_eq!(
            e(json!({"GroupDescription": "d", "SecurityGroupIngress": [{"IpProtocol": "tcp", "Port": 1}]})),
            "Properties validation failed for resource Sg with message: #/SecurityGroupIngress/0: extraneous key [Port] is not permitted"
        );
        assert_eq!(
            e(json!({"GroupDescription": "d", "SecurityGroupIngress": [{"FromPort": 1}]})),
            "Properties validation failed for resource Sg with message: #/SecurityGroupIngress/0: required key [IpProtocol] not found"
        );
        assert_eq!(
            e(json!({"GroupDescription": "d", "SecurityGroupIngress": {"IpProtocol": "tcp"}})),
            "Properties validation failed for resource Sg with message: #/SecurityGroupIngress: expected type: JSONArray, found: JSONObject"
        );
        let acl = normalize_properties(
            "AWS::EC2::NetworkAclEntry",
            "E",
            &json!({"NetworkAclId": "acl-1", "RuleNumber": "100", "Protocol": "-1", "RuleAction": "allow", "Egress": "false", "CidrBlock": "0.0.0.0/0"}),
        )
        .unwrap();
        assert_eq!((acl["RuleNumber"].clone(), acl["Protocol"].clone(), acl["Egress"].clone()), (json!(100), json!(-1), json!(false)));
    }

    #[test]
    fn property_changes_say_what_recreates() {
        let old = json!({"VpcId": "v", "CidrBlock": "10.0.1.0/24", "Tags": []});
        let new = json!({"VpcId": "v", "CidrBlock": "10.0.2.0/24", "Ipv6CidrBlock": "2600::/64", "MapPublicIpOnLaunch": true});
        let changes = property_changes("AWS::EC2::Subnet", &old, &new);
        assert_eq!(
            changes,
            [
                ("CidrBlock".to_string(), Recreation::Always),
                ("Ipv6CidrBlock".to_string(), Recreation::Conditionally),
                ("MapPublicIpOnLaunch".to_string(), Recreation::Never),
                ("Tags".to_string(), Recreation::Never),
            ]
        );
        let strongest = changes.iter().map(|(_, r)| *r).max().unwrap();
        assert_eq!((strongest.as_str(), strongest.replacement()), ("Always", "True"));
        assert_eq!(Recreation::Conditionally.replacement(), "Conditional");
        assert_eq!(property_changes("AWS::Made::Up", &json!({"A": 1}), &json!({"A": 2})), [("A".to_string(), Recreation::Never)]);
    }

    #[test]
    fn changed_properties_lists_added_removed_and_changed() {
        let old = json!({"A": 1, "B": 2, "C": 3});
        let new = json!({"A": 1, "B": 5, "D": 4});
        assert_eq!(changed_properties(&old, &new), ["B", "C", "D"]);
    }
}
