//! What a resource handler reads and returns: a resource's resolved
//! properties (`Props`), where it is being built (`Site`), and what it
//! built (`Created`). CloudFormation passes numbers and booleans as
//! strings as often as not (`"80"`, `"true"`), so the readers take both.

use std::collections::BTreeMap;

use serde_json::Value;
use xvpc_model::stack::StackResource;
use xvpc_model::stack_membership;
use xvpc_model::tags::Tags;

use crate::call::Call;
use crate::errors::{Error, Result};

/// A resource's properties, resolved (no intrinsic function left).
pub(crate) struct Props<'a> {
    pub logical_id: &'a str,
    pub value: &'a Value,
}

/// AWS's refusal of a property value (a failed resource event).
pub(crate) fn invalid(message: String) -> Error {
    xvpc_model::ModelError::ValidationError(message).into()
}

impl Props<'_> {
    fn get(&self, key: &str) -> Option<&Value> {
        self.value.get(key).filter(|v| !v.is_null())
    }

    /// A scalar property as text.
    pub fn str(&self, key: &str) -> Option<String> {
        match self.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// A property the type requires, or the schema's message.
    pub fn req(&self, key: &str) -> Result<String> {
        self.str(key).ok_or_else(|| invalid(format!("Properties validation failed for resource {} with message: #: required key [{key}] not found", self.logical_id)))
    }

    pub fn bool(&self, key: &str) -> Option<bool> {
        match self.get(key)? {
            Value::Bool(b) => Some(*b),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
    }

    pub fn int(&self, key: &str) -> Option<i64> {
        match self.get(key)? {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
    }

    /// A list of scalars (a lone scalar counts as a list of one).
    pub fn list(&self, key: &str) -> Vec<String> {
        match self.get(key) {
            Some(Value::Array(a)) => a.iter().filter_map(|v| Props { logical_id: self.logical_id, value: &serde_json::json!({ "v": v }) }.str("v")).collect(),
            Some(_) => self.str(key).into_iter().collect(),
            None => vec![],
        }
    }

    /// A list of objects, each as `Props`.
    pub fn objects(&self, key: &str) -> Vec<&Value> {
        match self.get(key) {
            Some(Value::Array(a)) => a.iter().filter(|v| v.is_object()).collect(),
            _ => vec![],
        }
    }

    /// Another value's properties under the same logical id.
    pub fn of<'b>(&self, value: &'b Value) -> Props<'b>
    where
        Self: 'b,
    {
        Props { logical_id: self.logical_id, value }
    }

    /// `Tags: [{Key, Value}]`, in template order.
    pub fn tags(&self) -> Vec<(String, String)> {
        self.objects("Tags").into_iter().filter_map(|t| Some((t.get("Key")?.as_str()?.to_string(), t.get("Value").map(|v| self.of(&serde_json::json!({ "v": v })).str("v").unwrap_or_default())?))).collect()
    }

    /// A JSON document property (IAM policies) as text.
    pub fn document(&self, key: &str) -> Option<String> {
        match self.get(key)? {
            Value::String(s) => Some(s.clone()),
            v => Some(v.to_string()),
        }
    }
}

/// Where a resource is built: its stack and logical id.
pub(crate) struct Site<'a> {
    pub stack_name: &'a str,
    pub stack_id: &'a str,
    pub logical_id: &'a str,
    /// The stack's own tags, which AWS propagates to the resources it tags.
    pub stack_tags: &'a Tags,
}

impl Site<'_> {
    /// The tags AWS adds to what a stack creates.
    pub fn aws_tags(&self) -> Tags {
        Tags::from([
            (stack_membership::STACK_NAME_TAG.to_string(), self.stack_name.to_string()),
            (stack_membership::STACK_ID_TAG.to_string(), self.stack_id.to_string()),
            (stack_membership::LOGICAL_ID_TAG.to_string(), self.logical_id.to_string()),
        ])
    }

    /// A name AWS generates for a resource the template does not name:
    /// `<stack>-<logical id>-<random>`, cut to `max` characters.
    pub fn generated_name(&self, max: usize) -> String {
        let suffix = xvpc_model::ids::random_hex(12).to_uppercase();
        let base = format!("{}-{}", self.stack_name, self.logical_id);
        let keep = max.saturating_sub(suffix.len() + 1).min(base.len());
        format!("{}-{suffix}", &base[..keep])
    }

    /// The template's tags, then the stack's (a template tag wins).
    pub fn user_tags(&self, props: &Props) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = self.stack_tags.iter().filter(|(k, _)| !props.tags().iter().any(|(t, _)| t == *k)).map(|(k, v)| (k.clone(), v.clone())).collect();
        v.extend(props.tags());
        v
    }
}

/// What a handler built: the id `Ref` gives and what `Fn::GetAtt` reads.
pub(crate) struct Created {
    pub physical_id: String,
    pub attributes: BTreeMap<String, Value>,
    /// The id the resource's tags are kept under, when `Ref` gives another
    /// (a key pair's name).
    pub tag_id: Option<String>,
}

impl Created {
    pub fn new(physical_id: impl Into<String>) -> Self {
        Created { physical_id: physical_id.into(), attributes: BTreeMap::new(), tag_id: None }
    }

    pub fn with(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.attributes.insert(name.into(), value.into());
        self
    }
}

/// A resource type xvpc builds.
pub(crate) struct Kind {
    pub type_name: &'static str,
    pub create: fn(&mut Call, &Props, &Site) -> Result<Created>,
    pub delete: fn(&mut Call, &StackResource) -> Result<()>,
    /// The properties a type changes in place beside its tags (none: any
    /// other change replaces the resource).
    pub update: Option<Update>,
}

/// An in-place change of some properties: `run(call, new, old, resource)`.
pub(crate) struct Update {
    pub properties: &'static [&'static str],
    pub run: fn(&mut Call, &Props, &Props, &StackResource) -> Result<()>,
}
