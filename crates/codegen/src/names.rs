//! Rust names for model names: types, fields, enum variants.

/// Rust keywords (strict and reserved) a field may not be called.
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod",
    "move", "mut", "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "async",
    "await", "dyn", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Type names the generated code itself uses unqualified.
const TAKEN_TYPES: &[&str] = &["String", "Vec", "Option", "Box", "Result", "Some", "None", "Ok", "Err", "Default", "BTreeMap", "Self", "From", "ops", "rt"];

/// `CidrBlock` -> `cidr_block`, `Ipv6CidrBlock` -> `ipv6_cidr_block`,
/// `VPCId` -> `vpc_id`; keywords get a trailing `_`.
pub fn snake(name: &str) -> String {
    let chars: Vec<char> = name.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
    let mut out = String::with_capacity(chars.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev.is_ascii_lowercase() || prev.is_ascii_digit() || (prev.is_ascii_uppercase() && next_lower) {
                out.push('_');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    let out = out.replace("__", "_");
    let out = if out.starts_with(|c: char| c.is_ascii_digit()) { format!("n{out}") } else { out };
    if KEYWORDS.contains(&out.as_str()) {
        format!("{out}_")
    } else {
        out
    }
}

/// A shape name as a Rust type name.
pub fn type_name(shape: &str) -> String {
    let mut s: String = shape.chars().filter(char::is_ascii_alphanumeric).collect();
    if let Some(f) = s.get(..1) {
        let up = f.to_ascii_uppercase();
        s.replace_range(..1, &up);
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) || TAKEN_TYPES.contains(&s.as_str()) {
        s.push_str("Shape");
    }
    s
}

/// An enum value as a variant name: `t2.micro` -> `T2Micro`,
/// `OWNED_BY_SELF` -> `OwnedBySelf`, `pending-acceptance` -> `PendingAcceptance`.
pub fn variant(value: &str) -> String {
    let mut out = String::new();
    for piece in value.split(|c: char| !c.is_ascii_alphanumeric()).filter(|p| !p.is_empty()) {
        let all_upper = piece.chars().all(|c| !c.is_ascii_lowercase());
        let mut cs = piece.chars();
        if let Some(f) = cs.next() {
            out.push(f.to_ascii_uppercase());
            if all_upper {
                out.extend(cs.map(|c| c.to_ascii_lowercase()));
            } else {
                out.extend(cs);
            }
        }
    }
    if out.is_empty() {
        out.push_str("Empty");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    if out == "Self" {
        out.push_str("Value");
    }
    out
}

/// The first letter in upper case (EC2's query names from `locationName`).
pub fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_like_rust() {
        assert_eq!(snake("CidrBlock"), "cidr_block");
        assert_eq!(snake("Ipv6CidrBlock"), "ipv6_cidr_block");
        assert_eq!(snake("VPCId"), "vpc_id");
        assert_eq!(snake("Type"), "type_");
        assert_eq!(snake("DryRun"), "dry_run");
        assert_eq!(variant("t2.micro"), "T2Micro");
        assert_eq!(variant("OWNED_BY_SELF"), "OwnedBySelf");
        assert_eq!(variant("pending-acceptance"), "PendingAcceptance");
        assert_eq!(variant("1"), "V1");
        assert_eq!(type_name("String"), "StringShape");
        assert_eq!(type_name("scope"), "Scope");
    }
}
