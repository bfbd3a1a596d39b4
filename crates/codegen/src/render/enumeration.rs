//! Botocore enums as Rust: a closed enum per shape (with `Unlisted` for
//! values the model does not know), or a string newtype for the open ones.
//!
//! Separate from the structure and codec rendering in [`super`] because an
//! enum's code (variants, `EnumShape`, conversions) shares only the output
//! buffer and the protocol with it.

use std::collections::BTreeSet;

use super::{Gen, Proto};
use crate::names::variant;

/// Enums whose unlisted input values reach the handler instead of being
/// refused while decoding (a string newtype): AWS answers them per operation
/// (DescribeInstanceTypes: `InvalidInstanceType`), and EC2 adds instance
/// types faster than botocore's list grows.
const OPEN_ENUMS: &[&str] = &["InstanceType"];

impl Gen<'_> {
    pub(super) fn enumeration(&mut self, shape: &str) {
        let ty = self.types[shape].clone();
        let values: Vec<String> = self.m.shape(shape)["enum"].as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()).unwrap_or_default();
        if OPEN_ENUMS.contains(&shape) {
            return self.open_enumeration(shape, &ty, &values);
        }
        let mut used = BTreeSet::from(["Unlisted".to_string()]);
        let variants: Vec<String> = values
            .iter()
            .map(|v| {
                let mut n = variant(v);
                while !used.insert(n.clone()) {
                    n.push('_');
                }
                n
            })
            .collect();
        self.w("");
        self.w(&format!("/// botocore enum `{shape}`."));
        self.w("#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]");
        self.w(&format!("pub enum {ty} {{"));
        for (i, v) in variants.iter().enumerate() {
            if i == 0 {
                self.w("    #[default]");
            }
            self.w(&format!("    {v},"));
        }
        self.w("    /// A value the model does not list (outputs only: inputs refuse it).");
        self.w("    Unlisted(String),");
        self.w("}");
        self.w("");
        self.w(&format!("impl {ty} {{"));
        self.w("    /// The value as AWS spells it.");
        self.w("    pub fn as_str(&self) -> &str {");
        self.w("        match self {");
        for (v, val) in variants.iter().zip(&values) {
            self.w(&format!("            Self::{v} => {val:?},"));
        }
        self.w("            Self::Unlisted(s) => s,");
        self.w("        }");
        self.w("    }");
        self.w("}");
        self.w("");
        self.w(&format!("impl rt::EnumShape for {ty} {{"));
        self.w("    const VALUES: &'static [&'static str] = &[");
        for val in &values {
            self.w(&format!("        {val:?},"));
        }
        self.w("    ];");
        self.w("");
        self.w("    fn as_str(&self) -> &str {");
        self.w("        self.as_str()");
        self.w("    }");
        self.w("");
        self.w("    fn parse(s: &str) -> Option<Self> {");
        self.w("        Some(match s {");
        for (v, val) in variants.iter().zip(&values) {
            self.w(&format!("            {val:?} => Self::{v},"));
        }
        self.w("            _ => return None,");
        self.w("        })");
        self.w("    }");
        self.w("}");
        self.w("");
        self.w(&format!("impl From<&str> for {ty} {{"));
        self.w("    fn from(s: &str) -> Self {");
        self.w("        <Self as rt::EnumShape>::parse(s).unwrap_or_else(|| Self::Unlisted(s.to_string()))");
        self.w("    }");
        self.w("}");
        let (is_in, is_out) = (self.ins.contains(shape), self.outs.contains(shape));
        let snap = self.snap.contains(shape);
        let codecs: Vec<String> = match self.proto {
            Proto::Ec2 | Proto::Query => [
                is_in.then(|| format!("impl rt::FromQuery for {ty} {{\n    fn from_query(r: &mut rt::QueryReader, key: &str) -> Result<Option<Self>, rt::DecodeError> {{\n        r.enum_value(key)\n    }}\n}}")),
                is_out.then(|| format!("impl rt::ToXml for {ty} {{\n    fn to_xml(&self, w: &mut rt::XmlWriter, name: &str) {{\n        w.leaf(name, self.as_str());\n    }}\n}}")),
                snap.then(|| format!("impl rt::FromJson for {ty} {{\n    fn from_json(v: &rt::Value, key: &str) -> Result<Self, rt::DecodeError> {{\n        rt::enum_out_from_json(v, key)\n    }}\n}}")),
                snap.then(|| format!("impl rt::ToJson for {ty} {{\n    fn to_json(&self) -> rt::Value {{\n        rt::Value::String(self.as_str().to_string())\n    }}\n}}")),
            ]
            .into_iter()
            .flatten()
            .collect(),
            Proto::RestJson => [
                (is_in || snap).then(|| {
                    let decode = if is_in { "enum_from_json" } else { "enum_out_from_json" };
                    format!("impl rt::FromJson for {ty} {{\n    fn from_json(v: &rt::Value, key: &str) -> Result<Self, rt::DecodeError> {{\n        rt::{decode}(v, key)\n    }}\n}}")
                }),
                is_out.then(|| format!("impl rt::ToJson for {ty} {{\n    fn to_json(&self) -> rt::Value {{\n        rt::Value::String(self.as_str().to_string())\n    }}\n}}")),
            ]
            .into_iter()
            .flatten()
            .collect(),
        };
        for c in codecs {
            self.w("");
            self.w(&c);
        }
    }

    /// An open enum: the value as a string newtype (no variant per value:
    /// InstanceType's 1,200 would be a fifth of ec2.rs), with the model's
    /// values for handlers that check them.
    fn open_enumeration(&mut self, shape: &str, ty: &str, values: &[String]) {
        assert!(matches!(self.proto, Proto::Ec2 | Proto::Query), "{shape}: open enums are query-only");
        self.w("");
        self.w(&format!("/// botocore enum `{shape}`, open: any value decodes, the handler decides."));
        self.w("#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]");
        self.w(&format!("pub struct {ty}(pub String);"));
        self.w("");
        self.w(&format!("impl {ty} {{"));
        self.w("    /// The value as AWS spells it.");
        self.w("    pub fn as_str(&self) -> &str {");
        self.w("        &self.0");
        self.w("    }");
        self.w("}");
        self.w("");
        self.w(&format!("impl rt::EnumShape for {ty} {{"));
        self.w("    const VALUES: &'static [&'static str] = &[");
        for val in values {
            self.w(&format!("        {val:?},"));
        }
        self.w("    ];");
        self.w("");
        self.w("    fn as_str(&self) -> &str {");
        self.w("        &self.0");
        self.w("    }");
        self.w("");
        self.w("    fn parse(s: &str) -> Option<Self> {");
        self.w("        Self::VALUES.contains(&s).then(|| Self(s.to_string()))");
        self.w("    }");
        self.w("}");
        self.w("");
        self.w(&format!("impl From<&str> for {ty} {{"));
        self.w("    fn from(s: &str) -> Self {");
        self.w("        Self(s.to_string())");
        self.w("    }");
        self.w("}");
        if self.ins.contains(shape) {
            self.w("");
            self.w(&format!("impl rt::FromQuery for {ty} {{"));
            self.w("    fn from_query(r: &mut rt::QueryReader, key: &str) -> Result<Option<Self>, rt::DecodeError> {");
            self.w("        Ok(r.take(key).map(Self))");
            self.w("    }");
            self.w("}");
        }
        if self.outs.contains(shape) {
            self.w("");
            self.w(&format!("impl rt::ToXml for {ty} {{"));
            self.w("    fn to_xml(&self, w: &mut rt::XmlWriter, name: &str) {");
            self.w("        w.leaf(name, &self.0);");
            self.w("    }");
            self.w("}");
        }
        if self.snap.contains(shape) {
            self.w("");
            self.w(&format!("impl rt::FromJson for {ty} {{"));
            self.w("    fn from_json(v: &rt::Value, key: &str) -> Result<Self, rt::DecodeError> {");
            self.w("        rt::enum_out_from_json(v, key)");
            self.w("    }");
            self.w("}");
            self.w("");
            self.w(&format!("impl rt::ToJson for {ty} {{"));
            self.w("    fn to_json(&self) -> rt::Value {");
            self.w("        rt::Value::String(self.0.clone())");
            self.w("    }");
            self.w("}");
        }
    }
}
