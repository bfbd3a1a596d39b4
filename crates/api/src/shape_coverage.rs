//! Test support: which members of a botocore output shape a serialized
//! response does not carry.
//!
//! botocore parses responses by element name, so a member written under a
//! wrong name, or never set, silently disappears for the client. Each
//! family's test serializes its fully populated resources
//! (`xvpc_model::populated`) through the generated serializer and compares
//! [`missing`] with the members xvpc holds no value for. Names are read from
//! the trimmed botocore models the generator reads, not from the generated
//! code, so a generator bug shows too.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use serde_json::Value;

/// The trimmed botocore model of `service` (`ec2`, `elbv2`, `sts`, `ram`,
/// `rds`, `elasticache`, `redshift`).
fn model(service: &str) -> &'static Value {
    static EC2: OnceLock<Value> = OnceLock::new();
    static ELBV2: OnceLock<Value> = OnceLock::new();
    static STS: OnceLock<Value> = OnceLock::new();
    static RAM: OnceLock<Value> = OnceLock::new();
    static RDS: OnceLock<Value> = OnceLock::new();
    static ELASTICACHE: OnceLock<Value> = OnceLock::new();
    static REDSHIFT: OnceLock<Value> = OnceLock::new();
    let (cell, text) = match service {
        "ec2" => (&EC2, include_str!("../../codegen/models/ec2.json")),
        "elbv2" => (&ELBV2, include_str!("../../codegen/models/elbv2.json")),
        "sts" => (&STS, include_str!("../../codegen/models/sts.json")),
        "ram" => (&RAM, include_str!("../../codegen/models/ram.json")),
        "rds" => (&RDS, include_str!("../../codegen/models/rds.json")),
        "elasticache" => (&ELASTICACHE, include_str!("../../codegen/models/elasticache.json")),
        "redshift" => (&REDSHIFT, include_str!("../../codegen/models/redshift.json")),
        other => panic!("no model for {other}"),
    };
    cell.get_or_init(|| serde_json::from_str(text).expect("botocore model parses"))
}

/// One element of a serialized response.
#[derive(Debug)]
struct Node {
    name: String,
    children: Vec<Node>,
}

/// Parses the elements XmlWriter writes (no attributes besides `xmlns`, no
/// mixed content); text is skipped.
fn parse(xml: &str) -> Vec<Node> {
    fn nodes(s: &mut &str) -> Vec<Node> {
        let mut out = Vec::new();
        loop {
            let Some(i) = s.find('<') else { return out };
            *s = &s[i..];
            if s.starts_with("</") || s.is_empty() {
                return out;
            }
            let end = s.find('>').expect("a closed tag");
            let tag = &s[1..end];
            *s = &s[end + 1..];
            if let Some(name) = tag.strip_suffix('/') {
                out.push(Node { name: name.trim().to_string(), children: vec![] });
                continue;
            }
            let name = tag.split_whitespace().next().expect("a tag name").to_string();
            let children = nodes(s);
            let close = format!("</{name}>");
            assert!(s.starts_with(&close), "expected {close} at {s:.40}");
            *s = &s[close.len()..];
            out.push(Node { name, children });
        }
    }
    let mut s = xml;
    nodes(&mut s)
}

/// Members of `shape` (recursively, through structures and list items) that
/// `xml` (an output's members, as `xml_output::body` writes them) does not
/// carry, as `Shape.Member`, sorted. A member counts as present when any
/// item of its list has it; an empty list counts as missing (it holds
/// nothing). A shape reached by several paths (a group's ingress and egress
/// permissions) is checked on each: a member missing on one is reported. An element botocore does not declare is reported as
/// `Shape.<element>?` (botocore would drop it).
pub fn missing(service: &str, shape: &str, xml: &str) -> Vec<String> {
    let m = model(service);
    let top = parse(xml);
    let root = Node { name: String::new(), children: top };
    let mut out = BTreeSet::new();
    walk(m, shape, &[&root], &mut out, 0);
    out.into_iter().collect()
}

/// [`missing`] for a restJson1 output (RAM): object members are elements
/// named by their key, array entries list items.
pub fn missing_json(service: &str, shape: &str, json: &Value) -> Vec<String> {
    fn node(name: &str, v: &Value) -> Node {
        let children = match v {
            Value::Object(o) => o.iter().map(|(k, x)| node(k, x)).collect(),
            Value::Array(a) => a.iter().map(|x| node("item", x)).collect(),
            _ => Vec::new(),
        };
        Node { name: name.to_string(), children }
    }
    let root = node("", json);
    let mut out = BTreeSet::new();
    walk(model(service), shape, &[&root], &mut out, 0);
    out.into_iter().collect()
}

fn walk(m: &Value, shape: &str, nodes: &[&Node], out: &mut BTreeSet<String>, depth: usize) {
    assert!(depth < 20, "shape {shape} nests too deep");
    let def = &m["shapes"][shape];
    match def["type"].as_str() {
        Some("structure") => {
            let members = def["members"].as_object().expect("members");
            // An element is named by the member's locationName, else by the
            // member's name (botocore's query and ec2 parsers).
            let element = |name: &str, spec: &Value| spec["locationName"].as_str().unwrap_or(name).to_string();
            let known: BTreeSet<String> = members.iter().map(|(n, spec)| element(n, spec)).collect();
            for node in nodes {
                for c in &node.children {
                    if !known.contains(&c.name) {
                        out.insert(format!("{shape}.<{}>?", c.name));
                    }
                }
            }
            for (name, spec) in members {
                let el = element(name, spec);
                let found: Vec<&Node> = nodes.iter().flat_map(|n| n.children.iter().filter(|c| c.name == el)).collect();
                let target = spec["shape"].as_str().expect("member shape");
                let present = match m["shapes"][target]["type"].as_str() {
                    Some("list") => found.iter().any(|n| !n.children.is_empty()),
                    _ => !found.is_empty(),
                };
                if !present {
                    out.insert(format!("{shape}.{name}"));
                } else {
                    walk(m, target, &found, out, depth + 1);
                }
            }
        }
        Some("list") => {
            let item = def["member"]["shape"].as_str().expect("list member shape");
            let items: Vec<&Node> = nodes.iter().flat_map(|n| n.children.iter()).collect();
            walk(m, item, &items, out, depth + 1);
        }
        // Scalars and maps: present is all there is to check.
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_absent_empty_and_unknown_members() {
        let xml = "<subnetSet><item><subnetId>subnet-1</subnetId><tagSet/><bogus>x</bogus></item></subnetSet>";
        let m = missing("ec2", "DescribeSubnetsResult", xml);
        assert!(m.contains(&"DescribeSubnetsResult.NextToken".to_string()));
        assert!(m.contains(&"Subnet.Tags".to_string()), "an empty list holds nothing");
        assert!(m.contains(&"Subnet.<bogus>?".to_string()));
        assert!(m.contains(&"Subnet.VpcId".to_string()));
        assert!(!m.contains(&"Subnet.SubnetId".to_string()));
        assert!(!m.iter().any(|x| x.starts_with("Tag.")), "no item, nothing below it to report: {m:?}");
    }

    #[test]
    fn json_outputs_are_read_alike() {
        let json = serde_json::json!({"resourceShares": [{"name": "s", "tags": [], "bogus": 1}, {"status": "ACTIVE"}]});
        let m = missing_json("ram", "GetResourceSharesResponse", &json);
        assert!(m.contains(&"GetResourceSharesResponse.nextToken".to_string()));
        assert!(m.contains(&"ResourceShare.tags".to_string()), "an empty list holds nothing");
        assert!(m.contains(&"ResourceShare.<bogus>?".to_string()));
        assert!(!m.contains(&"ResourceShare.name".to_string()) && !m.contains(&"ResourceShare.status".to_string()), "items merged: {m:?}");
    }

    #[test]
    fn list_items_are_merged() {
        let xml = "<tagSet><item><key>k</key></item><item><value>v</value></item></tagSet>";
        assert_eq!(missing("ec2", "DescribeTagsResult", xml), ["DescribeTagsResult.NextToken", "TagDescription.ResourceId", "TagDescription.ResourceType"]);
    }
}
