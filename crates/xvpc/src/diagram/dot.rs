//! Graphviz DOT output: accounts, regions, VPCs and subnets as nested
//! clusters; connections between VPCs as compound edges (`lhead`/`ltail`).

use std::fmt::Write;

use super::topology::{Node, Topology, VpcBox};
use super::{class_color, state_class};

/// Quotes a DOT string.
fn q(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn fill(kind: &str) -> &'static str {
    match kind {
        "instance" => "#fff3e0",
        "tgw" => "#ede7f6",
        "service" => "#e0f2f1",
        "nlb" => "#f3e5f5",
        "igw" => "#e8f5e9",
        _ => "#e0f7fa",
    }
}

fn node(out: &mut String, n: &Node, indent: &str) {
    let mut label = n.label.clone();
    if n.label != n.id && !n.id.starts_with("arn:") {
        label.push('\n');
        label.push_str(&n.id);
    }
    for d in &n.details {
        label.push('\n');
        label.push_str(d);
    }
    let _ = writeln!(out, "{indent}{} [label={}, fillcolor={}];", q(&n.id), q(&label), q(fill(n.kind.class())));
}

/// One VPC as a cluster with its subnets and nodes.
fn vpc_cluster(out: &mut String, vpc: &VpcBox) {
    let mut label = vpc.name.clone().map(|n| format!("{n}\n")).unwrap_or_default();
    label.push_str(&vpc.id);
    label.push('\n');
    label.push_str(&vpc.cidrs.join(", "));
    if let Some(r) = &vpc.stack {
        label.push('\n');
        label.push_str(r);
    }
    let _ = writeln!(out, "      subgraph {} {{", q(&format!("cluster_{}", vpc.id)));
    let _ = writeln!(out, "        label={}; style=\"rounded,filled\"; fillcolor=\"#e8f1fb\"; color=\"#1565c0\";", q(&label));
    // An invisible anchor: edges to the VPC attach to its cluster.
    let _ = writeln!(out, "        {} [shape=point, style=invis, label=\"\"];", q(&vpc.id));
    for zone in &vpc.zones {
        for s in &zone.subnets {
            let name = s.name.clone().map(|n| format!("{n}\n")).unwrap_or_default();
            let _ = writeln!(out, "        subgraph {} {{", q(&format!("cluster_{}", s.id)));
            let _ = writeln!(
                out,
                "          label={}; style=filled; fillcolor=\"#ffffff\"; color=\"#64b5f6\";",
                q(&format!("{name}{}\n{} {}", s.id, s.cidr, zone.name))
            );
            let _ = writeln!(out, "          {} [shape=point, style=invis, label=\"\"];", q(&s.id));
            for n in &s.items {
                node(out, n, "          ");
            }
            out.push_str("        }\n");
        }
    }
    for n in &vpc.nodes {
        node(out, n, "        ");
    }
    out.push_str("      }\n");
}

/// The whole picture as a DOT digraph.
pub fn render(topo: &Topology) -> String {
    let mut out = String::new();
    out.push_str("digraph xvpc {\n");
    out.push_str("  graph [rankdir=LR, compound=true, fontname=\"Helvetica\", fontsize=11];\n");
    out.push_str("  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=9];\n");
    for acct in &topo.accounts {
        let _ = writeln!(out, "  subgraph {} {{", q(&format!("cluster_account_{}", acct.id)));
        let _ = writeln!(out, "    label={}; style=filled; fillcolor=\"#f6f7f9\";", q(&format!("account {}", acct.id)));
        for region in &acct.regions {
            let _ = writeln!(out, "    subgraph {} {{", q(&format!("cluster_region_{}_{}", acct.id, region.name)));
            let _ = writeln!(out, "      label={}; style=dashed; fillcolor=\"#ffffff\";", q(&region.name));
            // Grouped: one cluster per stack around its VPCs and nodes.
            for (g, vpcs, nodes) in super::stacks::frames(region) {
                if let Some(g) = g {
                    let _ = writeln!(out, "      subgraph {} {{", q(&format!("cluster_{}", g.key(&acct.id, &region.name))));
                    let _ = writeln!(out, "        label={}; style=dashed; color=\"#8d6e63\";", q(&g.title()));
                }
                vpcs.into_iter().for_each(|v| vpc_cluster(&mut out, v));
                nodes.into_iter().for_each(|n| node(&mut out, n, "      "));
                out.push_str(if g.is_some() { "      }\n" } else { "" });
            }
            out.push_str("    }\n");
        }
        out.push_str("  }\n");
    }
    let vpc_ids: std::collections::BTreeSet<&str> = topo.vpcs().map(|(_, _, v)| v.id.as_str()).collect();
    for e in &topo.edges {
        let class = state_class(&e.state);
        let mut attrs = vec![
            format!("label={}", q(&format!("{}\n{}", e.label, e.state))),
            format!("color={}", q(class_color(class))),
            format!("fontcolor={}", q(class_color(class))),
            format!("id={}", q(&e.id)),
        ];
        if class != "ok" {
            attrs.push(format!("style={}", if class == "blackhole" { "dotted" } else { "dashed" }));
        }
        if e.kind == super::EdgeKind::Peering {
            attrs.push("dir=both".into());
        }
        if vpc_ids.contains(e.from.as_str()) {
            attrs.push(format!("ltail={}", q(&format!("cluster_{}", e.from))));
        }
        if vpc_ids.contains(e.to.as_str()) {
            attrs.push(format!("lhead={}", q(&format!("cluster_{}", e.to))));
        }
        let _ = writeln!(out, "  {} -> {} [{}];", q(&e.from), q(&e.to), attrs.join(", "));
    }
    out.push_str("}\n");
    out
}
