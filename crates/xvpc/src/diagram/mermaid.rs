//! Mermaid flowchart output (renders in GitHub/GitLab markdown): accounts,
//! regions, VPCs and subnets as nested subgraphs, connections as links
//! styled by state.

use std::fmt::Write;

use super::topology::{Node, Topology, VpcBox};
use super::{class_color, state_class};

/// A Mermaid node id: letters, digits and `_` only (a `-` could read as a link).
fn mid(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}

/// A quoted Mermaid label; `"` is written as an entity.
fn label(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "#quot;"))
}

fn node(out: &mut String, n: &Node, indent: &str) {
    let mut l = n.label.clone();
    if n.label != n.id && !n.id.starts_with("arn:") {
        l.push_str("<br/>");
        l.push_str(&n.id);
    }
    for d in &n.details {
        l.push_str("<br/>");
        l.push_str(d);
    }
    let _ = writeln!(out, "{indent}{}[{}]:::{}", mid(&n.id), label(&l), n.kind.class());
}

/// One VPC as a subgraph with its subnets and nodes.
fn vpc_subgraph(out: &mut String, vpc: &VpcBox) {
    let mut l = vpc.name.clone().map(|n| format!("{n}<br/>")).unwrap_or_default();
    l.push_str(&format!("{}<br/>{}", vpc.id, vpc.cidrs.join(", ")));
    if let Some(r) = &vpc.stack {
        l.push_str(&format!("<br/>{r}"));
    }
    let _ = writeln!(out, "      subgraph {}[{}]", mid(&vpc.id), label(&l));
    for zone in &vpc.zones {
        for s in &zone.subnets {
            let name = s.name.clone().map(|n| format!("{n}<br/>")).unwrap_or_default();
            let l = format!("{name}{}<br/>{} {}", s.id, s.cidr, zone.name);
            let _ = writeln!(out, "        subgraph {}[{}]", mid(&s.id), label(&l));
            for n in &s.items {
                node(out, n, "          ");
            }
            out.push_str("        end\n");
        }
    }
    for n in &vpc.nodes {
        node(out, n, "        ");
    }
    out.push_str("      end\n");
}

/// The whole picture as a Mermaid `flowchart`.
pub fn render(topo: &Topology) -> String {
    let mut out = String::from("flowchart LR\n");
    for acct in &topo.accounts {
        let _ = writeln!(out, "  subgraph {}[{}]", mid(&format!("account_{}", acct.id)), label(&format!("account {}", acct.id)));
        for region in &acct.regions {
            let _ = writeln!(out, "    subgraph {}[{}]", mid(&format!("region_{}_{}", acct.id, region.name)), label(&region.name));
            // Grouped: one subgraph per stack around its VPCs and nodes.
            for (g, vpcs, nodes) in super::stacks::frames(region) {
                if let Some(g) = g {
                    let _ = writeln!(out, "      subgraph {}[{}]", mid(&g.key(&acct.id, &region.name)), label(&g.title()));
                }
                vpcs.into_iter().for_each(|v| vpc_subgraph(&mut out, v));
                nodes.into_iter().for_each(|n| node(&mut out, n, "      "));
                out.push_str(if g.is_some() { "      end\n" } else { "" });
            }
            out.push_str("    end\n");
        }
        out.push_str("  end\n");
    }
    let mut styles = Vec::new();
    for (i, e) in topo.edges.iter().enumerate() {
        let class = state_class(&e.state);
        let two_way = e.kind == super::EdgeKind::Peering;
        let arrow = match (class == "ok", two_way) {
            (true, true) => "<-->",
            (true, false) => "-->",
            (false, true) => "<-.->",
            (false, false) => "-.->",
        };
        let _ = writeln!(out, "  {} {arrow}|{}| {}", mid(&e.from), label(&format!("{} {}", e.label, e.state)), mid(&e.to));
        styles.push(format!("  linkStyle {i} stroke:{},stroke-width:2px,color:{}", class_color(class), class_color(class)));
    }
    for s in styles {
        out.push_str(&s);
        out.push('\n');
    }
    out.push_str("  classDef instance fill:#fff3e0,stroke:#ef6c00\n");
    out.push_str("  classDef tgw fill:#ede7f6,stroke:#5e35b1\n");
    out.push_str("  classDef service fill:#e0f2f1,stroke:#00796b\n");
    out.push_str("  classDef nlb fill:#f3e5f5,stroke:#8e24aa\n");
    out.push_str("  classDef endpoint fill:#e0f7fa,stroke:#00838f\n");
    out
}
