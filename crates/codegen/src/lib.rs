//! # xvpc-codegen: wire's typed shapes, generated from botocore's models
//!
//! Reads the trimmed service models in `crates/codegen/models/` (made by
//! `trim.py` from the pinned botocore) and writes one Rust module per
//! service into `crates/wire/src/shapes/`: a struct per structure shape, an
//! enum per string enum, the protocol's decoder for input shapes and
//! serializer for output shapes, and a zero-sized type per operation.
//! A test fails when the checked-in files differ from what this generates.

mod model;
mod names;
mod render;

use std::path::{Path, PathBuf};

pub use model::Model;

/// The services, by model file name (`models/<name>.json`) and module name.
pub const SERVICES: &[&str] = &["ec2", "elbv2", "sts", "ram", "rds", "elasticache", "redshift", "iam", "logs", "ssm", "cloudformation", "organizations"];

/// `crates/codegen/models`.
pub fn models_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models")
}

/// `crates/wire/src/shapes`.
pub fn shapes_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("wire").join("src").join("shapes")
}

/// Reads `models/<service>.json`.
pub fn load(service: &str) -> Model {
    let path = models_dir().join(format!("{service}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    Model { json: serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display())) }
}

/// Every generated file: its path and its text.
pub fn render_all() -> Vec<(PathBuf, String)> {
    SERVICES.iter().map(|s| (shapes_dir().join(format!("{s}.rs")), render::service(s, &load(s)))).collect()
}

#[cfg(test)]
mod tests {
    /// The checked-in generated files are what the models generate: after
    /// changing a model or the generator, run `cargo run -p xvpc-codegen`.
    #[test]
    fn checked_in_shapes_are_up_to_date() {
        for (path, text) in super::render_all() {
            let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(on_disk == text, "{} is stale: run `cargo run -p xvpc-codegen`", path.display());
        }
    }
}
