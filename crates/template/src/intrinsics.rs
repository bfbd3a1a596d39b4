//! The intrinsic functions: `Ref`, `Fn::GetAtt`, `Fn::Sub`, `Fn::Join`,
//! `Fn::Select`, `Fn::Split`, `Fn::GetAZs`, `Fn::Cidr`, `Fn::If`, the
//! condition functions, `Fn::FindInMap`, `Fn::Base64`, `Fn::ImportValue`,
//! and `AWS::LanguageExtensions`' `Fn::Length` and `Fn::ToJsonString`.

use crate::error::{Result, TemplateError};
use crate::eval::{Bound, Resolver};
use crate::references::{self, SubPart};
use crate::template::scalar_text;
use base64::Engine as _;
use serde_json::{Map, Value};

impl Bound<'_> {
    /// An argument that must be there (an `AWS::NoValue` in its place is an error).
    fn arg(&self, v: &Value, res: &dyn Resolver, f: &str) -> Result<Value> {
        self.eval(v, res)?.ok_or_else(|| TemplateError::template(format!("{f} cannot use AWS::NoValue as an argument")))
    }

    fn string_arg(&self, v: &Value, res: &dyn Resolver, f: &str) -> Result<String> {
        scalar_text(&self.arg(v, res, f)?).ok_or_else(|| TemplateError::template(format!("{f} requires a string argument")))
    }

    fn ref_value(&self, name: &str, res: &dyn Resolver) -> Result<Option<Value>> {
        if name == "AWS::NoValue" {
            return Ok(None);
        }
        if let Some(v) = self.params.get(name) {
            return Ok(Some(v));
        }
        if self.template.resources.contains_key(name) {
            if !self.is_active(name) {
                return Err(references::unresolved_resources([name], "Resources"));
            }
            return res
                .physical_id(name)
                .map(|id| Some(Value::String(id)))
                .ok_or_else(|| TemplateError::template(format!("resource {name} has not been created")));
        }
        Err(references::unresolved_resources([name], "Resources"))
    }

    fn get_att(&self, resource: &str, attribute: &str, res: &dyn Resolver) -> Result<Value> {
        if !self.template.resources.contains_key(resource) {
            return Err(TemplateError::template(format!("instance of Fn::GetAtt references undefined resource {resource}")));
        }
        if !self.is_active(resource) {
            return Err(references::unresolved_resources([resource], "Resources"));
        }
        res.attribute(resource, attribute).ok_or_else(|| {
            TemplateError::template(format!("resource {resource} does not support attribute type {attribute} in Fn::GetAtt"))
        })
    }

    pub(crate) fn function(&self, name: &str, arg: &Value, res: &dyn Resolver) -> Result<Option<Value>> {
        let lang = self.template.language_extensions();
        match name {
            "Ref" => match arg {
                Value::String(n) => self.ref_value(n, res),
                // AWS::LanguageExtensions lets a function compute the name.
                Value::Object(_) if lang => self.ref_value(&self.string_arg(arg, res, "Ref")?, res),
                _ => Err(TemplateError::format("Every Ref object must have a single String value.")),
            },
            "Fn::GetAtt" => {
                let (r, a) = match arg {
                    Value::Array(a) if a.len() == 2 => {
                        let r = match &a[0] {
                            Value::String(r) => r.clone(),
                            computed @ Value::Object(_) if lang => self.string_arg(computed, res, "Fn::GetAtt")?,
                            _ => return Err(getatt_error()),
                        };
                        (r, self.string_arg(&a[1], res, "Fn::GetAtt")?)
                    }
                    Value::String(s) => match s.split_once('.') {
                        Some((r, a)) => (r.to_string(), a.to_string()),
                        None => return Err(getatt_error()),
                    },
                    _ => return Err(getatt_error()),
                };
                Ok(Some(self.get_att(&r, &a, res)?))
            }
            "Fn::Sub" => self.sub(arg, res).map(|s| Some(Value::String(s))),
            "Fn::Join" => {
                let err = || TemplateError::template("every Fn::Join object requires two parameters, (1) a string delimiter and (2) a list of strings to be joined or a function that returns a list of strings (such as Fn::GetAZs) to be joined.");
                let Value::Array(a) = arg else { return Err(err()) };
                if a.len() != 2 {
                    return Err(err());
                }
                let delim = a[0].as_str().ok_or_else(err)?;
                let Value::Array(items) = self.arg(&a[1], res, "Fn::Join")? else { return Err(err()) };
                let parts: Option<Vec<String>> = items.iter().map(scalar_text).collect();
                Ok(Some(Value::String(parts.ok_or_else(err)?.join(delim))))
            }
            "Fn::Select" => {
                let err = || TemplateError::template("Fn::Select requires a list argument with two elements: an integer index and a list");
                let Value::Array(a) = arg else { return Err(err()) };
                if a.len() != 2 {
                    return Err(err());
                }
                let index: usize = self
                    .string_arg(&a[0], res, "Fn::Select")?
                    .trim()
                    .parse()
                    .map_err(|_| TemplateError::template("Fn::Select requires an integer index"))?;
                let Value::Array(items) = self.arg(&a[1], res, "Fn::Select")? else { return Err(err()) };
                items.get(index).cloned().map(Some).ok_or_else(|| {
                    TemplateError::template(format!("Fn::Select cannot select nonexistent value at index {index}"))
                })
            }
            "Fn::Split" => {
                let err = || TemplateError::template("every Fn::Split object requires two parameters, (1) a string delimiter and (2) a string to be split or a function that returns a string to be split.");
                let Value::Array(a) = arg else { return Err(err()) };
                if a.len() != 2 {
                    return Err(err());
                }
                let delim = a[0].as_str().filter(|d| !d.is_empty()).ok_or_else(err)?;
                let s = self.string_arg(&a[1], res, "Fn::Split")?;
                Ok(Some(Value::Array(s.split(delim).map(|p| Value::String(p.into())).collect())))
            }
            "Fn::GetAZs" => {
                // `"Fn::GetAZs": null` (in AWS's own samples) means "" too.
                let region = if arg.is_null() { String::new() } else { self.string_arg(arg, res, "Fn::GetAZs")? };
                let region = if region.is_empty() { self.params.pseudo.region.clone() } else { region };
                Ok(Some(Value::Array(res.availability_zones(&region).into_iter().map(Value::String).collect())))
            }
            "Fn::Cidr" => {
                let err = || TemplateError::template("Fn::Cidr requires a list of three parameters: an address block, a count and the number of subnet bits");
                let Value::Array(a) = arg else { return Err(err()) };
                if a.len() != 3 {
                    return Err(err());
                }
                let block = self.string_arg(&a[0], res, "Fn::Cidr")?;
                let int = |v: &Value| -> Result<i64> {
                    self.string_arg(v, res, "Fn::Cidr")?.trim().parse().map_err(|_| err())
                };
                let blocks = crate::cidr::cidr(&block, int(&a[1])?, int(&a[2])?)?;
                Ok(Some(Value::Array(blocks.into_iter().map(Value::String).collect())))
            }
            "Fn::If" => {
                let err = || TemplateError::template("Fn::If requires a list argument with three elements: a condition name, a value if true and a value if false");
                let Value::Array(a) = arg else { return Err(err()) };
                if a.len() != 3 {
                    return Err(err());
                }
                let c = a[0].as_str().ok_or_else(err)?;
                if !self.conditions.contains_key(c) {
                    return Err(TemplateError::format(format!("Unresolved dependencies [{c}]. Cannot find the condition(s) in the Conditions block of the template")));
                }
                self.eval(&a[if self.condition(c) { 1 } else { 2 }], res)
            }
            "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" => {
                let mut m = Map::new();
                m.insert(name.to_string(), arg.clone());
                Ok(Some(Value::Bool(self.condition_value(&Value::Object(m))?)))
            }
            "Fn::FindInMap" => self.find_in_map(arg, res, lang).map(Some),
            "Fn::Base64" => {
                let s = self.string_arg(arg, res, "Fn::Base64")?;
                Ok(Some(Value::String(base64::engine::general_purpose::STANDARD.encode(s))))
            }
            "Fn::ImportValue" => {
                let n = self.string_arg(arg, res, "Fn::ImportValue")?;
                res.import_value(&n)
                    .map(|v| Some(Value::String(v)))
                    .ok_or_else(|| TemplateError::plain(crate::ErrorKind::Template, format!("No export named {n} found")))
            }
            "Fn::Length" if lang => match self.arg(arg, res, "Fn::Length")? {
                Value::Array(a) => Ok(Some(Value::from(a.len()))),
                _ => Err(TemplateError::template("Fn::Length requires a list")),
            },
            "Fn::ToJsonString" if lang => {
                let v = self.arg(arg, res, "Fn::ToJsonString")?;
                if !(v.is_object() || v.is_array()) {
                    return Err(TemplateError::template("Fn::ToJsonString requires an object or a list"));
                }
                Ok(Some(Value::String(v.to_string())))
            }
            other => Err(unsupported_function(other, lang)),        }
    }

    fn sub(&self, arg: &Value, res: &dyn Resolver) -> Result<String> {
        let err = || TemplateError::template("One or more Fn::Sub intrinsic functions don't specify expected arguments. Specify a string as first argument, and an optional second argument to specify a mapping of values to replace in the string");
        let (s, vars) = match arg {
            Value::String(s) => (s.as_str(), None),
            Value::Array(a) if a.len() == 2 => (a[0].as_str().ok_or_else(err)?, Some(a[1].as_object().ok_or_else(err)?)),
            Value::Array(a) if a.len() == 1 => (a[0].as_str().ok_or_else(err)?, None),
            _ => return Err(err()),
        };
        let mut out = String::new();
        for part in references::sub_parts(s) {
            match part {
                SubPart::Text(t) => out.push_str(&t),
                SubPart::Var(name) => {
                    let value = match vars.and_then(|v| v.get(&name)) {
                        Some(v) => self.eval(v, res)?,
                        None => match name.split_once('.') {
                            Some((r, a)) if !self.template.parameters.contains_key(&name) => Some(self.get_att(r, a, res)?),
                            _ => self.ref_value(&name, res)?,
                        },
                    };
                    let text = value.as_ref().and_then(scalar_text).ok_or_else(|| {
                        TemplateError::template(format!("variable {name} in Fn::Sub expression does not resolve to a string"))
                    })?;
                    out.push_str(&text);
                }
            }
        }
        Ok(out)
    }

    fn find_in_map(&self, arg: &Value, res: &dyn Resolver, lang: bool) -> Result<Value> {
        let err = || TemplateError::template("every Fn::FindInMap object requires three parameters, the map name, map key and the attribute for return value");
        let Value::Array(a) = arg else { return Err(err()) };
        let default = match a.get(3) {
            Some(Value::Object(o)) if lang && a.len() == 4 => {
                Some(o.get("DefaultValue").ok_or_else(err)?)
            }
            _ if a.len() == 3 => None,
            _ => return Err(err()),
        };
        let map = self.string_arg(&a[0], res, "Fn::FindInMap")?;
        let top = self.string_arg(&a[1], res, "Fn::FindInMap")?;
        let second = self.string_arg(&a[2], res, "Fn::FindInMap")?;
        let found = self.template.mappings.get(&map).and_then(|m| m.get(&top)).and_then(|m| m.get(&second));
        match (found, default) {
            (Some(v), _) => self.arg(v, res, "Fn::FindInMap"),
            (None, Some(d)) => self.arg(d, res, "Fn::FindInMap"),
            (None, None) => Err(TemplateError::template(format!("Unable to get mapping for {map}::{top}::{second}"))),
        }
    }
}

fn getatt_error() -> TemplateError {
    TemplateError::template("every Fn::GetAtt object requires two non-empty parameters.")
}

/// The functions AWS names in "Encountered unsupported function", in its
/// order (the Rules functions among them), then those it added since and,
/// with `AWS::LanguageExtensions`, the transform's.
pub fn supported_functions(language_extensions: bool) -> Vec<&'static str> {
    let mut f = vec![
        "Fn::Base64",
        "Fn::GetAtt",
        "Fn::GetAZs",
        "Fn::ImportValue",
        "Fn::Join",
        "Fn::Split",
        "Fn::FindInMap",
        "Fn::Select",
        "Ref",
        "Fn::Equals",
        "Fn::If",
        "Fn::Not",
        "Condition",
        "Fn::And",
        "Fn::Or",
        "Fn::Contains",
        "Fn::EachMemberEquals",
        "Fn::EachMemberIn",
        "Fn::ValueOf",
        "Fn::ValueOfAll",
        "Fn::RefAll",
        "Fn::Sub",
        "Fn::Cidr",
    ];
    if language_extensions {
        f.extend(["Fn::Length", "Fn::ToJsonString", "Fn::ForEach"]);
    }
    f
}

/// "Encountered unsupported function: X Supported functions are: [...]".
pub(crate) fn unsupported_function(name: &str, language_extensions: bool) -> TemplateError {
    TemplateError::template(format!(
        "Encountered unsupported function: {name} Supported functions are: [{}]",
        supported_functions(language_extensions).join(", ")
    ))
}
