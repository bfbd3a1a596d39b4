//! Geometry: where each box of a [`Topology`] goes. A simple nested-box
//! layout (lanes stacked, regions and VPCs side by side, zones as columns,
//! subnets stacked) in whole pixels, so the output is deterministic.

use std::collections::BTreeMap;

use super::topology::{Node, Topology};

/// A box in SVG user units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub x: i64,
    pub y: i64,
    pub w: i64,
    pub h: i64,
}

impl Rect {
    pub fn cx(&self) -> i64 {
        self.x + self.w / 2
    }
    pub fn cy(&self) -> i64 {
        self.y + self.h / 2
    }
}

/// Positions of every drawn thing, keyed by resource id; lanes are keyed
/// `account:<id>`, regions `region:<account>:<name>`, zones
/// `zone:<vpc>:<name>`.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub width: i64,
    pub height: i64,
    pub rects: BTreeMap<String, Rect>,
}

pub const PAD: i64 = 12;
pub const NODE_W: i64 = 164;
const SUBNET_W: i64 = NODE_W + 16;
const SUBNET_HEAD: i64 = 36;
const ZONE_HEAD: i64 = 18;
const VPC_HEAD: i64 = 46;
const REGION_HEAD: i64 = 28;
/// Room above a region's VPCs for the stack frames' titles, when grouped.
const STACK_HEAD: i64 = 22;
const LANE_LABEL: i64 = 150;
/// Room above the first lane for the legend.
pub const LEGEND_H: i64 = 36;
/// Gaps wide enough for an edge and its label between boxes.
const VPC_GAP: i64 = 48;
const ROW_GAP: i64 = 40;

/// Height of a node box: a label line plus one line per detail.
pub fn node_h(n: &Node) -> i64 {
    22 + 14 * n.details.len() as i64
}

/// Lays a row of nodes out from (x, y); returns (width, height).
fn node_row(nodes: &[Node], x: i64, y: i64, rects: &mut BTreeMap<String, Rect>) -> (i64, i64) {
    let mut cx = x;
    let mut h = 0;
    for n in nodes {
        let r = Rect { x: cx, y, w: NODE_W, h: node_h(n) };
        rects.insert(n.id.clone(), r);
        cx += NODE_W + 14;
        h = h.max(r.h);
    }
    ((cx - x - 14).max(0), h)
}

impl Layout {
    /// Places every account, region, VPC, zone, subnet and node.
    pub fn of(topo: &Topology) -> Layout {
        let mut rects = BTreeMap::new();
        let mut y = LEGEND_H;
        let mut width = 960;
        for acct in &topo.accounts {
            let lane_y = y;
            let mut x = LANE_LABEL;
            let mut lane_h = 0;
            for region in &acct.regions {
                let rx = x;
                let ry = lane_y + PAD;
                let mut vx = rx + PAD;
                let stack_head = if region.stacks.is_empty() { 0 } else { STACK_HEAD };
                let vy = ry + REGION_HEAD + stack_head;
                let mut vpcs_h = 0;
                for vpc in &region.vpcs {
                    // Zones side by side, subnets stacked, nodes stacked in subnets.
                    let mut zx = vx + PAD;
                    let zy = vy + VPC_HEAD;
                    let mut zones_h = 0;
                    for zone in &vpc.zones {
                        let mut sy = zy + ZONE_HEAD;
                        for s in &zone.subnets {
                            let mut iy = sy + SUBNET_HEAD;
                            for n in &s.items {
                                let r = Rect { x: zx + 8, y: iy, w: NODE_W, h: node_h(n) };
                                rects.insert(n.id.clone(), r);
                                iy += r.h + 6;
                            }
                            let h = (iy - sy + 4).max(SUBNET_HEAD + 10);
                            rects.insert(s.id.clone(), Rect { x: zx, y: sy, w: SUBNET_W, h });
                            sy += h + 8;
                        }
                        rects.insert(format!("zone:{}:{}", vpc.id, zone.name), Rect { x: zx, y: zy, w: SUBNET_W, h: sy - zy - 8 });
                        zones_h = zones_h.max(sy - zy);
                        zx += SUBNET_W + 10;
                    }
                    let zones_w = (zx - vx - 10).max(0);
                    let ny = zy + zones_h + if vpc.nodes.is_empty() { 0 } else { 8 };
                    let (nw, nh) = node_row(&vpc.nodes, vx + PAD, ny, &mut rects);
                    let w = (zones_w + PAD).max(nw + 2 * PAD).max(270);
                    let h = ny - vy + nh + PAD;
                    rects.insert(vpc.id.clone(), Rect { x: vx, y: vy, w, h });
                    vx += w + VPC_GAP;
                    vpcs_h = vpcs_h.max(h);
                }
                // Region-level nodes (TGWs, endpoint services) stand in a
                // column right of the VPCs, so edges between lanes, which
                // leave VPCs through their bottom, do not cross them.
                let vpcs_w = (vx - rx - PAD - VPC_GAP).max(0);
                let nx = if region.vpcs.is_empty() { rx + PAD } else { vx };
                let mut ny = vy;
                for n in &region.nodes {
                    let r = Rect { x: nx, y: ny, w: NODE_W, h: node_h(n) };
                    rects.insert(n.id.clone(), r);
                    ny += r.h + ROW_GAP;
                }
                let nodes_h = if region.nodes.is_empty() { 0 } else { ny - vy - ROW_GAP };
                let w = if region.nodes.is_empty() { vpcs_w.max(200) + 2 * PAD } else { nx + NODE_W + PAD - rx };
                // A stack's frame: its VPCs' boxes with a margin, its title above.
                for g in region.stacks.iter().filter(|g| !g.vpcs.is_empty()) {
                    let boxes: Vec<Rect> = g.vpcs.iter().filter_map(|v| rects.get(v).copied()).collect();
                    let (Some(x0), Some(x1), Some(y1)) =
                        (boxes.iter().map(|r| r.x).min(), boxes.iter().map(|r| r.x + r.w).max(), boxes.iter().map(|r| r.y + r.h).max())
                    else {
                        continue;
                    };
                    rects.insert(g.key(&acct.id, &region.name), Rect { x: x0 - 8, y: vy - stack_head, w: x1 - x0 + 16, h: y1 - vy + stack_head + 8 });
                }
                let h = REGION_HEAD + stack_head + vpcs_h.max(nodes_h) + PAD;
                rects.insert(format!("region:{}:{}", acct.id, region.name), Rect { x: rx, y: ry, w, h });
                x += w + 30;
                lane_h = lane_h.max(h);
            }
            let lane_h = lane_h + 2 * PAD;
            width = width.max(x);
            rects.insert(format!("account:{}", acct.id), Rect { x: 0, y: lane_y, w: 0, h: lane_h });
            // Room between lanes for the labels of edges that cross them.
            y += lane_h + 44;
        }
        // Lanes span the whole picture.
        for acct in &topo.accounts {
            if let Some(r) = rects.get_mut(&format!("account:{}", acct.id)) {
                r.w = width;
            }
        }
        Layout { width, height: y.max(LEGEND_H + 40), rects }
    }

    pub fn get(&self, id: &str) -> Option<&Rect> {
        self.rects.get(id)
    }
}
