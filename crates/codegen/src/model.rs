//! A trimmed botocore service model, read with serde_json, and the facts the
//! generator needs from it: which shapes each side reaches, and which
//! structure members must be boxed to break recursion.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// A service model (one `models/<service>.json`).
pub struct Model {
    pub json: Value,
}

/// One member of a structure.
pub struct Member<'a> {
    pub name: &'a str,
    pub shape: &'a str,
    pub spec: &'a Value,
    pub required: bool,
}

impl Model {
    pub fn shape(&self, name: &str) -> &Value {
        &self.json["shapes"][name]
    }

    pub fn kind(&self, name: &str) -> &str {
        self.shape(name)["type"].as_str().unwrap_or("")
    }

    pub fn is_enum(&self, name: &str) -> bool {
        self.kind(name) == "string" && self.shape(name).get("enum").is_some()
    }

    pub fn protocol(&self) -> &str {
        self.json["metadata"]["protocol"].as_str().unwrap_or("")
    }

    pub fn botocore_version(&self) -> &str {
        self.json["botocore"].as_str().unwrap_or("?")
    }

    /// Operation names, sorted.
    pub fn operations(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.json["operations"].as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default();
        v.sort_unstable();
        v
    }

    pub fn operation(&self, name: &str) -> &Value {
        &self.json["operations"][name]
    }

    /// The members of a structure shape, in model order.
    pub fn members(&self, name: &str) -> Vec<Member<'_>> {
        let shape = self.shape(name);
        let required: Vec<&str> = shape["required"].as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
        // `memberOrder` (written by trim.py) keeps the model's order, which
        // serde_json's sorted maps lose.
        let order: Vec<&str> = match shape["memberOrder"].as_array() {
            Some(a) => a.iter().filter_map(Value::as_str).collect(),
            None => shape["members"].as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default(),
        };
        order
            .into_iter()
            .filter_map(|n| shape["members"].get(n).map(|spec| (n, spec)))
            .map(|(n, spec)| Member { name: n, shape: spec["shape"].as_str().unwrap_or(""), spec, required: required.contains(&n) })
            .collect()
    }

    /// The shapes directly referenced by `name` (members, list member, map key/value).
    fn children(&self, name: &str) -> Vec<&str> {
        let shape = self.shape(name);
        let mut out: Vec<&str> = ["member", "key", "value"].iter().filter_map(|k| shape[*k]["shape"].as_str()).collect();
        out.extend(self.members(name).iter().map(|m| m.shape));
        out
    }

    /// Every shape reached from the operations' inputs (`"input"`) or outputs.
    pub fn reached(&self, side: &str) -> BTreeSet<String> {
        self.reached_from(&self.operations(), side)
    }

    /// Every shape reached from one side of the listed operations (those
    /// the model does not have are ignored).
    pub fn reached_from(&self, ops: &[&str], side: &str) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&str> = ops.iter().filter_map(|o| self.operation(o)[side]["shape"].as_str()).collect();
        while let Some(s) = stack.pop() {
            if seen.insert(s.to_string()) {
                stack.extend(self.children(s));
            }
        }
        seen
    }

    /// `(structure, member)` pairs that must be `Box`ed: a structure member
    /// (not inside a list or map, which already allocate) whose target
    /// reaches the containing structure again through such members.
    pub fn boxed(&self) -> BTreeSet<(String, String)> {
        let structs: Vec<&str> = self.json["shapes"].as_object().map(|o| o.keys().map(String::as_str).filter(|s| self.kind(s) == "structure").collect()).unwrap_or_default();
        let direct: BTreeMap<&str, Vec<&str>> =
            structs.iter().map(|s| (*s, self.members(s).iter().map(|m| m.shape).filter(|t| self.kind(t) == "structure").collect())).collect();
        let reaches = |from: &str, to: &str| {
            let mut seen = BTreeSet::new();
            let mut stack = vec![from];
            while let Some(s) = stack.pop() {
                if s == to {
                    return true;
                }
                if seen.insert(s) {
                    stack.extend(direct.get(s).into_iter().flatten().copied());
                }
            }
            false
        };
        let mut out = BTreeSet::new();
        for s in &structs {
            for m in self.members(s) {
                if self.kind(m.shape) == "structure" && reaches(m.shape, s) {
                    out.insert((s.to_string(), m.name.to_string()));
                }
            }
        }
        out
    }
}
