//! SVG output: standalone (styles inline) and the console's map. Every drawn
//! resource is a `<g data-id="...">` so the console can select instances and
//! highlight a trace's hops by id.

use std::fmt::Write;

use super::layout::{Layout, Rect, LEGEND_H, PAD};
use super::topology::{Edge, Node, Topology};
use super::{class_color, state_class};

/// Escapes text for XML content and attributes.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

const STYLE: &str = "
.xvpc-diagram { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 11px; }
.xvpc-diagram .lane > rect { fill: #f6f7f9; stroke: #d5d9e0; }
.xvpc-diagram .lane.alt > rect { fill: #eef1f5; }
.xvpc-diagram .lane-label { font-size: 13px; font-weight: bold; fill: #37474f; }
.xvpc-diagram .region > rect { fill: #ffffff; stroke: #90a4ae; stroke-dasharray: 6 3; }
.xvpc-diagram .region-label { font-weight: bold; fill: #546e7a; }
.xvpc-diagram .stack > rect { fill: none; stroke: #8d6e63; stroke-width: 1.5; stroke-dasharray: 4 3; }
.xvpc-diagram .stack.none > rect { stroke: #b0bec5; }
.xvpc-diagram .stack-label { font-weight: bold; fill: #6d4c41; }
.xvpc-diagram .stack.none .stack-label { fill: #90a4ae; font-style: italic; }
.xvpc-diagram .vpc > rect { fill: #e8f1fb; stroke: #1565c0; stroke-width: 1.5; }
.xvpc-diagram .vpc-label { font-weight: bold; font-size: 12px; fill: #0d47a1; }
.xvpc-diagram .zone-label { fill: #78909c; font-size: 10px; }
.xvpc-diagram .subnet > rect { fill: #ffffff; stroke: #64b5f6; }
.xvpc-diagram .node > rect { stroke-width: 1.2; }
.xvpc-diagram .instance > rect { fill: #fff3e0; stroke: #ef6c00; }
.xvpc-diagram .tgw > rect { fill: #ede7f6; stroke: #5e35b1; }
.xvpc-diagram .service > rect { fill: #e0f2f1; stroke: #00796b; }
.xvpc-diagram .nlb > rect { fill: #f3e5f5; stroke: #8e24aa; }
.xvpc-diagram .endpoint > rect { fill: #e0f7fa; stroke: #00838f; }
.xvpc-diagram .igw > rect { fill: #e8f5e9; stroke: #2e7d32; }
.xvpc-diagram .muted { fill: #607d8b; }
.xvpc-diagram .edge path { fill: none; stroke-width: 2.5; }
.xvpc-diagram .edge.pending path, .xvpc-diagram .edge.failed path { stroke-dasharray: 7 4; }
.xvpc-diagram .edge.blackhole path { stroke-dasharray: 2 3; }
.xvpc-diagram .edge text { font-size: 10px; paint-order: stroke; stroke: #ffffff; stroke-width: 3px; }
";

fn text(out: &mut String, x: i64, y: i64, class: &str, s: &str) {
    let _ = writeln!(out, r#"<text x="{x}" y="{y}" class="{class}">{}</text>"#, esc(s));
}

fn rect(out: &mut String, r: &Rect, rx: i64) {
    let _ = writeln!(out, r#"<rect x="{}" y="{}" width="{}" height="{}" rx="{rx}"/>"#, r.x, r.y, r.w, r.h);
}

fn node(out: &mut String, n: &Node, r: &Rect) {
    let aliases = if n.aliases.is_empty() { String::new() } else { format!(r#" data-aliases="{}""#, esc(&n.aliases.join(" "))) };
    let _ = writeln!(
        out,
        r#"<g class="node {}" data-id="{}" data-kind="{}" data-state="{}" data-label="{}"{aliases}>"#,
        n.kind.class(),
        esc(&n.id),
        n.kind.class(),
        esc(&n.state),
        esc(&n.label)
    );
    let _ = writeln!(out, "<title>{}</title>", esc(&format!("{} ({})", n.id, n.state)));
    rect(out, r, 4);
    text(out, r.x + 6, r.y + 15, "node-label", &n.label);
    for (i, d) in n.details.iter().enumerate() {
        text(out, r.x + 6, r.y + 29 + 14 * i as i64, "muted", d);
    }
    out.push_str("</g>\n");
}

/// Where an edge leaves `a` towards `b`: the side facing it, and the
/// direction (dx, dy) to pull the curve's control point.
fn port(a: &Rect, b: &Rect) -> (i64, i64, i64, i64) {
    let (dx, dy) = (b.cx() - a.cx(), b.cy() - a.cy());
    if b.x >= a.x + a.w || b.x + b.w <= a.x {
        // Side by side: leave through the facing side.
        if dx >= 0 {
            (a.x + a.w, a.cy(), 1, 0)
        } else {
            (a.x, a.cy(), -1, 0)
        }
    } else if dy >= 0 {
        (a.cx(), a.y + a.h, 0, 1)
    } else {
        (a.cx(), a.y, 0, -1)
    }
}

/// Draws one edge; `shift` moves both ends along their sides so that
/// several connections between the same two boxes stay apart.
fn edge(out: &mut String, e: &Edge, a: &Rect, b: &Rect, shift: i64) {
    let (x1, y1, dx1, dy1) = port(a, b);
    let (x2, y2, dx2, dy2) = port(b, a);
    let (x1, y1) = (x1 + dy1.abs() * shift, y1 + dx1.abs() * shift);
    let (x2, y2) = (x2 + dy2.abs() * shift, y2 + dx2.abs() * shift);
    let pull = (((x2 - x1).abs() + (y2 - y1).abs()) / 3).clamp(30, 160);
    let (c1x, c1y, c2x, c2y) = (x1 + dx1 * pull, y1 + dy1 * pull, x2 + dx2 * pull, y2 + dy2 * pull);
    let class = state_class(&e.state);
    let color = class_color(class);
    let _ = writeln!(
        out,
        r#"<g class="edge {} {class}" data-id="{}" data-from="{}" data-to="{}" data-state="{}">"#,
        e.kind.class(),
        esc(&e.id),
        esc(&e.from),
        esc(&e.to),
        esc(&e.state)
    );
    let _ = writeln!(out, "<title>{}</title>", esc(&format!("{} {} ({})", e.id, e.label, e.state)));
    let _ = writeln!(out, r#"<path d="M{x1},{y1} C{c1x},{c1y} {c2x},{c2y} {x2},{y2}" stroke="{color}"/>"#);
    // The label sits on the curve, at its middle for a lone edge and
    // staggered along it for fanned-out ones, so labels do not overlap.
    let t = (0.5 + shift as f64 / 20.0 * 0.25).clamp(0.2, 0.8);
    let at = |p0: i64, p1: i64, p2: i64, p3: i64| {
        let u = 1.0 - t;
        (u * u * u * p0 as f64 + 3.0 * u * u * t * p1 as f64 + 3.0 * u * t * t * p2 as f64 + t * t * t * p3 as f64).round() as i64
    };
    let (mx, my) = (at(x1, c1x, c2x, x2), at(y1, c1y, c2y, y2));
    let _ = writeln!(out, r#"<text x="{mx}" y="{}" text-anchor="middle" fill="{color}">{}</text>"#, my - 4, esc(&e.label));
    let _ = writeln!(out, r#"<text x="{mx}" y="{}" text-anchor="middle" fill="{color}">{}</text>"#, my + 8, esc(&e.state));
    out.push_str("</g>\n");
}

fn legend(out: &mut String) {
    let mut x = PAD;
    text(out, x, 22, "lane-label", "xvpc");
    x += 60;
    for (class, label) in [("ok", "active / available"), ("pending", "pending acceptance"), ("failed", "failed / rejected / expired"), ("blackhole", "blackhole")] {
        let c = class_color(class);
        let dash = match class {
            "ok" => "",
            "blackhole" => r#" stroke-dasharray="2 3""#,
            _ => r#" stroke-dasharray="7 4""#,
        };
        let _ = writeln!(out, r#"<line x1="{x}" y1="18" x2="{}" y2="18" stroke="{c}" stroke-width="2.5"{dash}/>"#, x + 28);
        text(out, x + 34, 22, "muted", label);
        x += 34 + 8 * label.len() as i64 + 20;
    }
}

/// The whole picture as a standalone SVG document.
pub fn render(topo: &Topology, layout: &Layout) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="xvpc-diagram" width="{w}" height="{h}" viewBox="0 0 {w} {h}">"#,
        w = layout.width,
        h = layout.height
    );
    let _ = writeln!(out, "<style>{STYLE}</style>");
    legend(&mut out);
    if topo.accounts.is_empty() {
        text(&mut out, PAD, LEGEND_H + 24, "muted", "No VPCs yet.");
    }
    for (i, acct) in topo.accounts.iter().enumerate() {
        let Some(lane) = layout.get(&format!("account:{}", acct.id)) else { continue };
        let alt = if i % 2 == 1 { " alt" } else { "" };
        let _ = writeln!(out, r#"<g class="lane{alt}" data-id="{}">"#, esc(&acct.id));
        rect(&mut out, lane, 0);
        text(&mut out, PAD, lane.y + 24, "lane-label", "account");
        text(&mut out, PAD, lane.y + 42, "lane-label", &acct.id);
        if let Some(ou) = &acct.ou {
            text(&mut out, PAD, lane.y + 58, "muted", ou);
        }
        for region in &acct.regions {
            let Some(rr) = layout.get(&format!("region:{}:{}", acct.id, region.name)) else { continue };
            let _ = writeln!(out, r#"<g class="region" data-id="{}">"#, esc(&format!("{}:{}", acct.id, region.name)));
            rect(&mut out, rr, 6);
            text(&mut out, rr.x + PAD, rr.y + 18, "region-label", &region.name);
            for g in &region.stacks {
                let Some(fr) = layout.get(&g.key(&acct.id, &region.name)) else { continue };
                let none = if g.stack.is_none() { " none" } else { "" };
                let _ = writeln!(out, r#"<g class="stack{none}" data-stack="{}">"#, esc(g.stack.as_deref().unwrap_or("")));
                rect(&mut out, fr, 8);
                text(&mut out, fr.x + 8, fr.y + 15, "stack-label", &g.title());
                out.push_str("</g>\n");
            }
            for vpc in &region.vpcs {
                let Some(vr) = layout.get(&vpc.id) else { continue };
                let _ = writeln!(out, r#"<g class="vpc" data-id="{}">"#, esc(&vpc.id));
                rect(&mut out, vr, 6);
                // Named: the name, then id and CIDRs; else the id, then CIDRs.
                let (mut title, sub) = match &vpc.name {
                    Some(n) => (n.clone(), format!("{} · {}", vpc.id, vpc.cidrs.join(", "))),
                    None => (vpc.id.clone(), vpc.cidrs.join(", ")),
                };
                // In its stack's frame, the logical id says which resource it is.
                if let Some((_, logical)) = vpc.stack.as_deref().and_then(|r| r.split_once('/')) {
                    title = format!("{title} · {logical}");
                }
                text(&mut out, vr.x + PAD, vr.y + 18, "vpc-label", &title);
                text(&mut out, vr.x + PAD, vr.y + 34, "muted", &sub);
                for zone in &vpc.zones {
                    if let Some(zr) = layout.get(&format!("zone:{}:{}", vpc.id, zone.name)) {
                        text(&mut out, zr.x, zr.y + 12, "zone-label", &format!("{} ({})", zone.name, zone.zone_id));
                    }
                    for s in &zone.subnets {
                        let Some(sr) = layout.get(&s.id) else { continue };
                        let _ = writeln!(out, r#"<g class="subnet" data-id="{}">"#, esc(&s.id));
                        rect(&mut out, sr, 4);
                        text(&mut out, sr.x + 6, sr.y + 14, "node-label", s.name.as_deref().unwrap_or(&s.id));
                        text(&mut out, sr.x + 6, sr.y + 28, "muted", &s.cidr);
                        out.push_str("</g>\n");
                        for n in &s.items {
                            if let Some(r) = layout.get(&n.id) {
                                node(&mut out, n, r);
                            }
                        }
                    }
                }
                for n in &vpc.nodes {
                    if let Some(r) = layout.get(&n.id) {
                        node(&mut out, n, r);
                    }
                }
                out.push_str("</g>\n");
            }
            for n in &region.nodes {
                if let Some(r) = layout.get(&n.id) {
                    node(&mut out, n, r);
                }
            }
            out.push_str("</g>\n");
        }
        out.push_str("</g>\n");
    }
    out.push_str("<g class=\"edges\">\n");
    // Edges between the same two boxes, in order, fan out 40 units apart.
    let pair = |e: &Edge| if e.from <= e.to { (e.from.clone(), e.to.clone()) } else { (e.to.clone(), e.from.clone()) };
    let mut total: std::collections::BTreeMap<(String, String), i64> = Default::default();
    for e in &topo.edges {
        *total.entry(pair(e)).or_default() += 1;
    }
    let mut seen: std::collections::BTreeMap<(String, String), i64> = Default::default();
    for e in &topo.edges {
        let k = pair(e);
        let i = *seen.entry(k.clone()).and_modify(|i| *i += 1).or_insert(0);
        let shift = (2 * i - (total[&k] - 1)) * 20;
        if let (Some(a), Some(b)) = (layout.get(&e.from), layout.get(&e.to)) {
            edge(&mut out, e, a, b, shift);
        }
    }
    out.push_str("</g>\n</svg>\n");
    out
}
