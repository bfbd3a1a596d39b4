//! What a template refers to: `Ref`, `Fn::GetAtt`, `Fn::Sub` variables,
//! `DependsOn` and condition names. Checked when a template is parsed
//! (AWS's "Unresolved resource dependencies [X] in the Resources block of
//! the template"), and the resource graph they make.

use crate::error::{ErrorKind, Result, TemplateError};
use crate::parameters::Pseudo;
use crate::template::Template;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The names one value refers to.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Refs {
    /// `Ref` targets and plain `${X}` in `Fn::Sub`.
    pub refs: BTreeSet<String>,
    /// `Fn::GetAtt` resources and `${X.Y}` in `Fn::Sub`.
    pub getatts: BTreeSet<String>,
    /// Condition names (`Fn::If`'s first argument, `{"Condition": X}`).
    pub conditions: BTreeSet<String>,
    /// `(resource, attribute)` of each `Fn::GetAtt` whose attribute is written
    /// literally (not computed by another function).
    pub attributes: BTreeSet<(String, String)>,
}

/// Collects what `v` refers to. `in_conditions`: `{"Condition": X}` is a
/// reference only in the Conditions section (elsewhere it can be a property,
/// as in an IAM policy statement).
pub fn collect(v: &Value, in_conditions: bool, out: &mut Refs) {
    match v {
        Value::Array(items) => items.iter().for_each(|i| collect(i, in_conditions, out)),
        Value::Object(m) if m.len() == 1 => {
            let (k, arg) = m.iter().next().expect("one entry");
            match (k.as_str(), arg) {
                ("Ref", name) if static_name(name).is_some() => {
                    out.refs.insert(static_name(name).expect("checked"));
                }
                ("Condition", Value::String(name)) if in_conditions => {
                    out.conditions.insert(name.clone());
                }
                ("Fn::GetAtt", Value::Array(a)) if !a.is_empty() => {
                    if let Some(r) = static_name(&a[0]).as_deref() {
                        out.getatts.insert(r.to_string());
                        if let Some(attr) = a.get(1).and_then(Value::as_str) {
                            out.attributes.insert((r.to_string(), attr.to_string()));
                        }
                    }
                    a[1..].iter().for_each(|i| collect(i, in_conditions, out));
                }
                ("Fn::GetAtt", Value::String(s)) => {
                    let (r, attr) = s.split_once('.').unwrap_or((s.as_str(), ""));
                    out.getatts.insert(r.to_string());
                    out.attributes.insert((r.to_string(), attr.to_string()));
                }
                ("Fn::Sub", Value::String(s)) => sub_refs(s, &BTreeSet::new(), out),
                ("Fn::Sub", Value::Array(a)) if !a.is_empty() => {
                    let vars: BTreeSet<String> = match a.get(1) {
                        Some(Value::Object(vars)) => vars.keys().cloned().collect(),
                        _ => BTreeSet::new(),
                    };
                    if let Some(s) = a[0].as_str() {
                        sub_refs(s, &vars, out);
                    }
                    a[1..].iter().for_each(|i| collect(i, in_conditions, out));
                }
                ("Fn::If", Value::Array(a)) if !a.is_empty() => {
                    if let Some(c) = a[0].as_str() {
                        out.conditions.insert(c.to_string());
                    }
                    a[1..].iter().for_each(|i| collect(i, in_conditions, out));
                }
                _ => collect(arg, in_conditions, out),
            }
        }
        Value::Object(m) => m.values().for_each(|i| collect(i, in_conditions, out)),
        _ => {}
    }
}

/// A name written out, or (with `AWS::LanguageExtensions`, after
/// `Fn::ForEach`) an `Fn::Sub` without variables: what `Ref` and
/// `Fn::GetAtt` name.
pub(crate) fn static_name(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(m) if m.len() == 1 => match m.get("Fn::Sub")? {
            Value::String(s) => match sub_parts(s).as_slice() {
                [SubPart::Text(t)] => Some(t.clone()),
                [] => Some(String::new()),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

/// The parts of an `Fn::Sub` string: literal text and `${...}` variables
/// (`${!Literal}` is the literal `${Literal}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubPart {
    /// Text copied as is.
    Text(String),
    /// `${Name}` or `${Resource.Attribute}`.
    Var(String),
}

/// Splits an `Fn::Sub` string into its parts.
pub fn sub_parts(s: &str) -> Vec<SubPart> {
    let mut parts = vec![];
    let mut text = String::new();
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        text.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                if let Some(literal) = name.strip_prefix('!') {
                    text.push_str("${");
                    text.push_str(literal);
                    text.push('}');
                } else {
                    if !text.is_empty() {
                        parts.push(SubPart::Text(std::mem::take(&mut text)));
                    }
                    parts.push(SubPart::Var(name.trim().to_string()));
                }
                rest = &after[end + 1..];
            }
            None => {
                text.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    text.push_str(rest);
    if !text.is_empty() {
        parts.push(SubPart::Text(text));
    }
    parts
}

fn sub_refs(s: &str, vars: &BTreeSet<String>, out: &mut Refs) {
    for part in sub_parts(s) {
        if let SubPart::Var(name) = part {
            if vars.contains(&name) {
                continue;
            }
            match name.split_once('.') {
                Some((r, attr)) if !Pseudo::is_pseudo(&name) => {
                    out.getatts.insert(r.to_string());
                    out.attributes.insert((r.to_string(), attr.to_string()));
                }
                _ => {
                    out.refs.insert(name);
                }
            }
        }
    }
}

/// The references of one resource (properties, `DependsOn`, `Condition`).
pub fn resource_refs(template: &Template, id: &str) -> Refs {
    let r = &template.resources[id];
    let mut out = Refs::default();
    collect(&r.properties, false, &mut out);
    if let Some(m) = &r.metadata {
        collect(m, false, &mut out);
    }
    out
}

/// The resources `id` depends on: those its properties refer to and its
/// `DependsOn` (whatever their conditions).
pub fn depends_on(template: &Template, id: &str) -> BTreeSet<String> {
    let refs = resource_refs(template, id);
    refs.refs
        .iter()
        .chain(&refs.getatts)
        .chain(&template.resources[id].depends_on)
        .filter(|n| template.resources.contains_key(*n))
        .cloned()
        .collect()
}

/// Refuses a function AWS does not know (`Fn::Lenght`), or one of
/// `AWS::LanguageExtensions` in a template without that transform.
fn check_functions(v: &Value, lang: bool) -> Result<()> {
    match v {
        Value::Array(items) => items.iter().try_for_each(|i| check_functions(i, lang)),
        Value::Object(m) => {
            if let (1, Some(k)) = (m.len(), m.keys().next()) {
                if k == "Fn::Transform" {
                    // A macro called inside the template: AWS runs it at
                    // deploy time; no macro runs here.
                    let name = m[k].get("Name").and_then(Value::as_str).unwrap_or("?");
                    return Err(TemplateError::format(format!(
                        "Transform {name} is not supported by this emulator (only {} is)",
                        crate::LANGUAGE_EXTENSIONS
                    )));
                }
                if k.starts_with("Fn::") && !crate::intrinsics::supported_functions(lang).contains(&k.as_str()) {
                    return Err(crate::intrinsics::unsupported_function(k, lang));
                }
                let sub = match (k.as_str(), &m[k]) {
                    ("Fn::Sub", Value::String(s)) => Some(s.as_str()),
                    ("Fn::Sub", Value::Array(a)) => a.first().and_then(Value::as_str),
                    _ => None,
                };
                let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':');
                if sub.is_some_and(|s| {
                    sub_parts(s).iter().any(|p| matches!(p, SubPart::Var(n) if n.is_empty() || !n.chars().all(allowed)))
                }) {
                    return Err(TemplateError::template(
                        "variable names in Fn::Sub syntax must contain only alphanumeric characters, underscores, periods, and colons",
                    ));
                }
            }
            m.values().try_for_each(|i| check_functions(i, lang))
        }
        _ => Ok(()),
    }
}

/// Checks every reference of the template, as ValidateTemplate does.
pub fn check(t: &Template) -> Result<()> {
    let lang = t.language_extensions();
    for r in t.resources.values() {
        check_functions(&r.properties, lang)?;
    }
    for o in t.outputs.values() {
        check_functions(&o.value, lang)?;
    }
    t.conditions.values().try_for_each(|c| check_functions(c, lang))?;
    // Conditions: parameters and pseudo parameters only, and other conditions.
    for value in t.conditions.values() {
        let mut refs = Refs::default();
        collect(value, true, &mut refs);
        let bad: Vec<&str> = refs
            .refs
            .iter()
            .chain(&refs.getatts)
            .filter(|n| !(t.parameters.contains_key(*n) || Pseudo::is_pseudo(n)))
            .map(String::as_str)
            .collect();
        if !bad.is_empty() {
            return Err(TemplateError::format(format!(
                "Unresolved dependencies [{}]. Cannot reference resources in the Conditions block of the template",
                bad.join(", ")
            )));
        }
        check_conditions(t, &refs, "Conditions")?;
    }
    condition_order(t)?;
    for (id, r) in &t.resources {
        let mut refs = resource_refs(t, id);
        // DependsOn names resources only, like Fn::GetAtt.
        refs.getatts.extend(r.depends_on.iter().cloned());
        check_block(t, &refs, r.condition.as_deref(), "Resources")?;
    }
    for o in t.outputs.values() {
        let mut refs = Refs::default();
        collect(&o.value, false, &mut refs);
        if let Some(e) = &o.export_name {
            collect(e, false, &mut refs);
        }
        check_block(t, &refs, o.condition.as_deref(), "Outputs")?;
    }
    create_order(t, &|_| true)?;
    Ok(())
}

/// The references of one resource or output: every `Ref` names a
/// parameter, pseudo parameter or resource, every `Fn::GetAtt` a resource,
/// every condition one of the Conditions block.
fn check_block(t: &Template, refs: &Refs, condition: Option<&str>, block: &str) -> Result<()> {
    let known = |n: &&String| t.parameters.contains_key(*n) || t.resources.contains_key(*n) || Pseudo::is_pseudo(n);
    let mut bad: BTreeSet<&str> = refs.refs.iter().filter(|n| !known(n)).map(String::as_str).collect();
    bad.extend(refs.getatts.iter().filter(|n| !t.resources.contains_key(*n)).map(String::as_str));
    if !bad.is_empty() {
        return Err(unresolved(bad, block));
    }
    check_conditions(t, refs, block)?;
    for (r, attr) in &refs.attributes {
        let Some(res) = t.resources.get(r) else { continue };
        if crate::schema::resource_type(&res.resource_type).is_some_and(|s| !s.has_attribute(attr)) {
            return Err(TemplateError::template(format!(
                "resource {r} does not support attribute type {attr} in Fn::GetAtt"
            )));
        }
    }
    match condition {
        Some(c) if !t.conditions.contains_key(c) => Err(TemplateError::format(format!(
            "Unresolved dependencies [{c}]. Cannot find the condition {c} in the Conditions block of the template"
        ))),
        _ => Ok(()),
    }
}

fn unresolved<'a>(names: impl IntoIterator<Item = &'a str>, block: &str) -> TemplateError {
    let names: Vec<&str> = names.into_iter().collect();
    TemplateError::format(format!(
        "Unresolved resource dependencies [{}] in the {block} block of the template",
        names.join(", ")
    ))
}

/// "Unresolved resource dependencies [X] in the Resources block of the
/// template", for a reference to a resource whose condition is false.
pub(crate) fn unresolved_resources<'a>(names: impl IntoIterator<Item = &'a str>, block: &str) -> TemplateError {
    unresolved(names, block)
}

fn check_conditions(t: &Template, refs: &Refs, block: &str) -> Result<()> {
    let bad: Vec<&str> =
        refs.conditions.iter().filter(|c| !t.conditions.contains_key(*c)).map(String::as_str).collect();
    if bad.is_empty() {
        return Ok(());
    }
    Err(TemplateError::format(format!(
        "Unresolved dependencies [{}]. Cannot find the condition(s) in the Conditions block of the template, referenced in the {block} block",
        bad.join(", ")
    )))
}

/// Conditions in an order where each comes after those it uses; a cycle is
/// refused.
pub fn condition_order(t: &Template) -> Result<Vec<String>> {
    let deps: BTreeMap<&str, BTreeSet<String>> = t
        .conditions
        .iter()
        .map(|(k, v)| {
            let mut refs = Refs::default();
            collect(v, true, &mut refs);
            (k.as_str(), refs.conditions)
        })
        .collect();
    topo(&deps).map_err(|cycle| {
        TemplateError::format(format!("Circular dependency between conditions: [{}]", cycle.join(", ")))
    })
}

/// Kahn's algorithm with names in order, so the result is deterministic;
/// `Err` lists the names caught in cycles.
fn topo(deps: &BTreeMap<&str, BTreeSet<String>>) -> std::result::Result<Vec<String>, Vec<String>> {
    let mut remaining: BTreeMap<&str, BTreeSet<&str>> = deps
        .iter()
        .map(|(k, d)| (*k, d.iter().map(String::as_str).filter(|n| deps.contains_key(n)).collect()))
        .collect();
    let mut order = vec![];
    loop {
        let ready: Vec<&str> = remaining.iter().filter(|(_, d)| d.is_empty()).map(|(k, _)| *k).collect();
        if ready.is_empty() {
            break;
        }
        for r in &ready {
            remaining.remove(r);
            order.push(r.to_string());
        }
        for d in remaining.values_mut() {
            for r in &ready {
                d.remove(r);
            }
        }
    }
    if remaining.is_empty() {
        return Ok(order);
    }
    // Drop what only waits on a cycle without being on one: repeatedly
    // remove names nothing left depends on.
    loop {
        let needed: BTreeSet<&str> = remaining.values().flatten().copied().collect();
        let leaves: Vec<&str> = remaining.keys().filter(|k| !needed.contains(*k)).copied().collect();
        if leaves.is_empty() {
            break;
        }
        for l in leaves {
            remaining.remove(l);
        }
    }
    Err(remaining.keys().map(|k| k.to_string()).collect())
}

/// The resources for which `include` is true, in an order where each comes
/// after everything it depends on (ties by logical id); a cycle is refused
/// with AWS's "Circular dependency between resources: [A, B]".
pub fn create_order(t: &Template, include: &dyn Fn(&str) -> bool) -> Result<Vec<String>> {
    let deps: BTreeMap<&str, BTreeSet<String>> = t
        .resources
        .keys()
        .filter(|id| include(id))
        .map(|id| (id.as_str(), depends_on(t, id)))
        .collect();
    topo(&deps).map_err(|cycle| {
        TemplateError::plain(
            ErrorKind::Format,
            format!("Circular dependency between resources: [{}]", cycle.join(", ")),
        )
    })
}
