//! The nxlink-rs generator: `spec/*.json` -> load and validate -> emit Rust with `quote`
//! and `prettyplease` -> `crates/*/src/generated/`.
//!
//! A library as well as a binary so the workspace tests can regenerate in memory and
//! fail when the checked-in output is stale.

pub mod changelog;
pub mod codegen;
pub mod docs;
pub mod emit;
pub mod spec;

/// The JSON Schema of spec files, from the spec model, pretty-printed with a final newline.
pub fn spec_schema() -> Result<String, String> {
    let schema = schemars::schema_for!(spec::model::SpecFile);
    serde_json::to_string_pretty(&schema)
        .map(|text| text + "\n")
        .map_err(|err| format!("cannot serialize the spec schema: {err}"))
}
