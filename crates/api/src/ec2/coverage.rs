//! Test helper: does a serialized EC2 output carry every member botocore's
//! model declares? botocore parses responses by element name, so a member
//! xvpc forgets (or writes under another name) silently disappears for the
//! client; this checks the bytes against the checked-in trimmed model
//! (`crates/codegen/models/ec2.json`), independently of the generated code.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use xvpc_wire::xml_output::{body, XmlMembers};

const MODEL: &str = include_str!("../../../codegen/models/ec2.json");

/// One parsed element: its name, text and children (our XML has no
/// attributes and no mixed content).
#[derive(Debug)]
struct Element {
    name: String,
    children: Vec<Element>,
}

/// Parses a sequence of sibling elements (an output body has no root).
fn parse(xml: &str) -> Vec<Element> {
    let mut stack: Vec<Element> = vec![Element { name: String::new(), children: vec![] }];
    let mut rest = xml;
    while let Some(start) = rest.find('<') {
        let end = start + rest[start..].find('>').expect("unterminated tag");
        let tag = &rest[start + 1..end];
        rest = &rest[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let done = stack.pop().expect("unbalanced close");
            assert_eq!(done.name, name, "mismatched close tag");
            stack.last_mut().expect("close of the root").children.push(done);
        } else if let Some(name) = tag.strip_suffix('/') {
            stack.last_mut().expect("root").children.push(Element { name: name.to_string(), children: vec![] });
        } else {
            stack.push(Element { name: tag.to_string(), children: vec![] });
        }
    }
    assert_eq!(stack.len(), 1, "unclosed elements in {xml}");
    stack.pop().map(|root| root.children).unwrap_or_default()
}

/// The element name botocore's EC2 parser reads a member under.
fn wire_name<'a>(member_name: &'a str, member: &'a Value) -> &'a str {
    member["locationName"].as_str().unwrap_or(member_name)
}

struct Walk<'m> {
    shapes: &'m serde_json::Map<String, Value>,
    /// Per structure shape seen: the members (botocore names) written.
    seen: BTreeMap<String, BTreeSet<String>>,
    errors: Vec<String>,
}

impl Walk<'_> {
    fn shape(&self, name: &str) -> &Value {
        self.shapes.get(name).unwrap_or_else(|| panic!("shape {name} is not in the model"))
    }

    /// `children` are the elements of one instance of structure `shape`.
    fn structure(&mut self, shape: &str, children: &[Element], at: &str) {
        let members = self.shape(shape)["members"].as_object().expect("structure members").clone();
        self.seen.entry(shape.to_string()).or_default();
        for child in children {
            let Some((name, member)) = members.iter().find(|(n, m)| wire_name(n, m) == child.name) else {
                self.errors.push(format!("{at}: <{}> is no member of {shape}", child.name));
                continue;
            };
            self.seen.get_mut(shape).map(|s| s.insert(name.clone()));
            let target = member["shape"].as_str().expect("member shape").to_string();
            self.value(&target, child, &format!("{at}/{}", child.name));
        }
    }

    fn value(&mut self, shape: &str, el: &Element, at: &str) {
        match self.shape(shape)["type"].as_str() {
            Some("structure") => self.structure(shape, &el.children, at),
            Some("list") => {
                let member = self.shape(shape)["member"].clone();
                let item_shape = member["shape"].as_str().expect("list member shape").to_string();
                let item_name = member["locationName"].as_str().unwrap_or("member");
                for item in &el.children {
                    if item.name != item_name {
                        self.errors.push(format!("{at}: list item <{}>, botocore reads <{item_name}>", item.name));
                    }
                    self.value(&item_shape, item, &format!("{at}/{}", item.name));
                }
            }
            _ => {
                if !el.children.is_empty() {
                    self.errors.push(format!("{at}: scalar {shape} has child elements"));
                }
            }
        }
    }
}

/// Checks `output` (the output of botocore shape `shape`, as xvpc
/// serializes it) against the model: every element is a member of its
/// shape under botocore's name, and every member of every structure
/// written is present, except those in `absent` (`"Shape.Member"`,
/// botocore's names: what xvpc does not model). An `absent` entry that is
/// present, or names a structure the output never reaches, fails too, so
/// the list stays exact.
pub fn assert_members(shape: &str, output: &impl XmlMembers, absent: &[&str]) {
    let xml = body(output);
    let errors = check(shape, &xml, absent);
    assert!(errors.is_empty(), "{shape} against botocore's model:\n  {}\nXML: {xml}", errors.join("\n  "));
}

/// What [`assert_members`] finds wrong with `xml`.
fn check(shape: &str, xml: &str, absent: &[&str]) -> Vec<String> {
    let model: Value = serde_json::from_str(MODEL).expect("model JSON");
    let shapes = model["shapes"].as_object().expect("shapes");
    let mut walk = Walk { shapes, seen: BTreeMap::new(), errors: vec![] };
    walk.structure(shape, &parse(xml), shape);
    let absent: BTreeSet<&str> = absent.iter().copied().collect();
    for (s, written) in &walk.seen {
        for m in walk.shapes[s]["members"].as_object().expect("members").keys() {
            let key = format!("{s}.{m}");
            match (written.contains(m), absent.contains(key.as_str())) {
                (false, false) => walk.errors.push(format!("{key} is missing")),
                (true, true) => walk.errors.push(format!("{key} is listed as absent but is written")),
                _ => {}
            }
        }
    }
    for a in &absent {
        let s = a.split('.').next().unwrap_or_default();
        if !walk.seen.contains_key(s) {
            walk.errors.push(format!("{a} is listed as absent, but no {s} is written"));
        }
    }
    walk.errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use xvpc_wire::shapes::ec2 as shape;

    #[test]
    fn parses_nested_and_empty_elements() {
        let els = parse("<a>1</a><b><c>x</c><d/></b>");
        assert_eq!(els.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(els[1].children.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(), ["c", "d"]);
    }

    #[test]
    fn a_member_under_another_name_fails() {
        let errors = check("DescribeTagsResult", "<tagSet><item><key>k</key><Value>v</Value></item></tagSet><nextToken>t</nextToken>", &["TagDescription.ResourceId", "TagDescription.ResourceType"]);
        assert_eq!(errors, ["DescribeTagsResult/tagSet/item: <Value> is no member of TagDescription", "TagDescription.Value is missing"]);
    }

    #[test]
    fn a_list_item_under_another_name_fails() {
        let errors = check("DescribeTagsResult", "<tagSet><member><key>k</key><value>v</value></member></tagSet><nextToken>t</nextToken>", &["TagDescription.ResourceId", "TagDescription.ResourceType"]);
        assert_eq!(errors, ["DescribeTagsResult/tagSet: list item <member>, botocore reads <item>"]);
    }

    #[test]
    #[should_panic(expected = "TagDescription.Value is missing")]
    fn a_member_not_written_fails() {
        let out = shape::DescribeTagsResult { tags: vec![shape::TagDescription { key: Some("k".into()), ..Default::default() }], next_token: None };
        assert_members("DescribeTagsResult", &out, &["DescribeTagsResult.NextToken", "TagDescription.ResourceId", "TagDescription.ResourceType"]);
    }

    #[test]
    #[should_panic(expected = "listed as absent but is written")]
    fn an_absent_member_written_fails() {
        let out = shape::DescribeTagsResult { tags: vec![], next_token: Some("t".into()) };
        assert_members("DescribeTagsResult", &out, &["DescribeTagsResult.NextToken"]);
    }
}
