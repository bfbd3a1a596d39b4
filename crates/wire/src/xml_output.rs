//! Serializing generated output shapes as ec2Query / awsQuery XML.
//!
//! Element names come from the generated code (the model's `locationName`,
//! else the member name). Lists are written even when empty, as EC2 writes
//! `<tagSet/>`; `Option` members only when present.

use std::collections::BTreeMap;

use crate::shape::{Empty, ReturnTrue};
use crate::timestamp::Timestamp;
use crate::xml::XmlWriter;

/// A value written as one element `<name>...</name>`.
pub trait ToXml {
    fn to_xml(&self, w: &mut XmlWriter, name: &str);
}

/// A structure's members, without an enclosing element: what an operation's
/// output writes inside `<XResponse>` (EC2) or `<XResult>` (awsQuery).
pub trait XmlMembers {
    fn xml_members(&self, w: &mut XmlWriter);
}

/// An output's XML body.
pub fn body<T: XmlMembers>(output: &T) -> String {
    let mut w = XmlWriter::new();
    output.xml_members(&mut w);
    w.finish()
}

/// `<name><item>..</item>...</name>` (`item` is the list member's name).
pub fn list<T: ToXml>(w: &mut XmlWriter, name: &str, item: &str, items: &[T]) {
    w.open(name);
    for it in items {
        it.to_xml(w, item);
    }
    w.close(name);
}

/// A flattened list: one `<name>` element per item, no wrapper.
pub fn flat_list<T: ToXml>(w: &mut XmlWriter, name: &str, items: &[T]) {
    for it in items {
        it.to_xml(w, name);
    }
}

/// `<name><entry><key>k</key><value>v</value></entry>...</name>`, or the
/// entries alone when `entry` is `None` (flattened).
pub fn map<V: ToXml>(w: &mut XmlWriter, name: &str, entry: Option<&str>, k: &str, v: &str, items: &BTreeMap<String, V>) {
    let (open, each) = match entry {
        Some(e) => (true, e),
        None => (false, name),
    };
    if open {
        w.open(name);
    }
    for (key, value) in items {
        w.open(each);
        w.leaf(k, key);
        value.to_xml(w, v);
        w.close(each);
    }
    if open {
        w.close(name);
    }
}

impl<T: ToXml> ToXml for Option<T> {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        if let Some(v) = self {
            v.to_xml(w, name);
        }
    }
}

impl<T: ToXml> ToXml for Box<T> {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        (**self).to_xml(w, name);
    }
}

impl ToXml for String {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.leaf(name, self);
    }
}

impl ToXml for bool {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.bool_leaf(name, *self);
    }
}

impl ToXml for i32 {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.leaf(name, self.to_string());
    }
}

impl ToXml for i64 {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.leaf(name, self.to_string());
    }
}

impl ToXml for f64 {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.leaf(name, self.to_string());
    }
}

impl ToXml for Timestamp {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.leaf(name, self.iso8601());
    }
}

impl XmlMembers for Empty {
    fn xml_members(&self, _: &mut XmlWriter) {}
}

impl XmlMembers for ReturnTrue {
    fn xml_members(&self, w: &mut XmlWriter) {
        w.bool_leaf("return", true);
    }
}
