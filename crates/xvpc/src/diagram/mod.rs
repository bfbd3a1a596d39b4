//! The picture of a State: accounts as lanes, regions inside them, VPCs as
//! boxes with their CIDRs, subnets grouped by availability zone, instances,
//! and the connections between VPCs (peering, Transit Gateway, PrivateLink)
//! as edges coloured by state.
//!
//! One [`Topology`] is extracted from the model, then written as SVG (the
//! console draws exactly this SVG), Graphviz DOT or Mermaid, so a picture in
//! a pull request and the live console never disagree. Everything is sorted
//! (by account, region, name, id) so the same State always gives the same
//! bytes: the golden tests rely on it.

mod dot;
mod internet_gateway;
mod layout;
mod mermaid;
mod peering;
mod privatelink;
mod stacks;
mod svg;
mod topology;
mod transit_gateway;

#[cfg(test)]
mod stacks_tests;
#[cfg(test)]
mod tests;

pub use layout::Layout;
pub use topology::{EdgeKind, Topology};

use xvpc_model::State;

/// An output format of `xvpc diagram`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Svg,
    Dot,
    Mermaid,
}

/// How resources are grouped inside a region.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum GroupBy {
    /// VPCs side by side (the default).
    #[default]
    None,
    /// By the CloudFormation stack that made them; the rest "not in a stack".
    Stack,
}

/// Renders `state` as seen at `now_ms` (derived states such as a peering
/// request's expiry depend on the clock), grouped as `group` says.
pub fn render(state: &State, now_ms: i64, format: Format, group: GroupBy) -> String {
    let mut topo = Topology::from_state(state, now_ms);
    if group == GroupBy::Stack {
        stacks::group(&mut topo, state);
    }
    match format {
        Format::Svg => svg::render(&topo, &Layout::of(&topo)),
        Format::Dot => dot::render(&topo),
        Format::Mermaid => mermaid::render(&topo),
    }
}

/// Reads the operator view of `GET /_xvpc/state` (`{"now_ms", "state"}`, or
/// a bare state) into the model and the server's clock.
pub fn state_from_view(v: serde_json::Value) -> anyhow::Result<(State, i64)> {
    use anyhow::Context;
    let now = v.get("now_ms").and_then(|n| n.as_i64());
    let state = v.get("state").cloned().unwrap_or(v);
    let state = serde_json::from_value(state).context("the state does not match this xvpc's model")?;
    let now = now.unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
    });
    Ok((state, now))
}

/// The colour class of a connection state, shared by every format:
/// `ok` (active, available), `pending` (waiting for the other side or
/// still provisioning), `failed` (failed, rejected, expired, deleted) and
/// `blackhole` (a route or attachment that drops traffic).
pub fn state_class(state: &str) -> &'static str {
    let s = state.to_ascii_lowercase().replace(['-', '_'], "");
    match s.as_str() {
        "active" | "available" | "associated" | "running" | "healthy" | "enabled" => "ok",
        "blackhole" => "blackhole",
        "failed" | "rejected" | "expired" | "deleted" | "deleting" | "unhealthy" | "failing" | "terminated" => "failed",
        _ => "pending",
    }
}

/// The colour of a state class (SVG stroke, DOT color, Mermaid linkStyle).
pub fn class_color(class: &str) -> &'static str {
    match class {
        "ok" => "#2e7d32",
        "pending" => "#ef8f00",
        "failed" => "#c62828",
        "blackhole" => "#212121",
        _ => "#546e7a",
    }
}
