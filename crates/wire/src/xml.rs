//! A small XML writer for AWS responses.
//!
//! AWS's XML is simple (no attributes besides `xmlns`, no mixed content), so a
//! string builder with correct escaping is all we need, and it keeps element
//! names exactly as botocore's service models spell them.

/// Builds an XML document element by element.
#[derive(Debug, Default, Clone)]
pub struct XmlWriter {
    buf: String,
}

/// Escapes text for element content.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
    out
}

impl XmlWriter {
    pub fn new() -> Self {
        XmlWriter { buf: String::with_capacity(512) }
    }

    /// Opens `<name>`.
    pub fn open(&mut self, name: &str) -> &mut Self {
        self.buf.push('<');
        self.buf.push_str(name);
        self.buf.push('>');
        self
    }

    /// Opens `<name xmlns="ns">`.
    pub fn open_ns(&mut self, name: &str, ns: &str) -> &mut Self {
        self.buf.push('<');
        self.buf.push_str(name);
        self.buf.push_str(" xmlns=\"");
        self.buf.push_str(ns);
        self.buf.push_str("\">");
        self
    }

    /// Closes `</name>`.
    pub fn close(&mut self, name: &str) -> &mut Self {
        self.buf.push_str("</");
        self.buf.push_str(name);
        self.buf.push('>');
        self
    }

    /// `<name>value</name>`, escaped.
    pub fn leaf(&mut self, name: &str, value: impl AsRef<str>) -> &mut Self {
        self.open(name);
        self.buf.push_str(&escape(value.as_ref()));
        self.close(name)
    }

    /// `<name>value</name>` only when there is a value.
    pub fn opt_leaf<S: AsRef<str>>(&mut self, name: &str, value: Option<S>) -> &mut Self {
        if let Some(v) = value {
            self.leaf(name, v);
        }
        self
    }

    /// A boolean leaf, spelled as AWS does (`true`/`false`).
    pub fn bool_leaf(&mut self, name: &str, value: bool) -> &mut Self {
        self.leaf(name, if value { "true" } else { "false" })
    }

    /// `<name>` + one element per item (`f` writes its content) + `</name>`.
    /// Written even when empty (`<name/>` equivalent), as EC2 does.
    pub fn list<T>(&mut self, name: &str, item: &str, items: impl IntoIterator<Item = T>, mut f: impl FnMut(&mut Self, T)) -> &mut Self {
        self.open(name);
        for it in items {
            self.open(item);
            f(self, it);
            self.close(item);
        }
        self.close(name)
    }

    /// EC2's `<name><item>..</item></name>` list of structures.
    pub fn items<T>(&mut self, name: &str, items: impl IntoIterator<Item = T>, f: impl FnMut(&mut Self, T)) -> &mut Self {
        self.list(name, "item", items, f)
    }

    /// A list of scalar values, each as `<item>v</item>` (EC2) or
    /// `<member>v</member>` (awsQuery).
    pub fn scalars<S: AsRef<str>>(&mut self, name: &str, item: &str, values: impl IntoIterator<Item = S>) -> &mut Self {
        self.open(name);
        for v in values {
            self.leaf(item, v);
        }
        self.close(name)
    }

    /// Raw, already well-formed XML.
    pub fn raw(&mut self, xml: &str) -> &mut Self {
        self.buf.push_str(xml);
        self
    }

    pub fn finish(self) -> String {
        self.buf
    }

    pub fn as_str(&self) -> &str {
        &self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_items_and_escapes() {
        let mut w = XmlWriter::new();
        w.items("vpcSet", ["a&b", "c"], |w, v| {
            w.leaf("vpcId", v);
        });
        w.items("tagSet", Vec::<&str>::new(), |_, _| {});
        assert_eq!(
            w.finish(),
            "<vpcSet><item><vpcId>a&amp;b</vpcId></item><item><vpcId>c</vpcId></item></vpcSet><tagSet></tagSet>"
        );
    }
}
