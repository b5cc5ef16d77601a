//! The hand-written code that generated code calls. Generated files stay thin: they
//! declare types and delegate behaviour here, so a fix lands once for every endpoint.
//!
//! Items here are public because generated code in other crates (the fixture crate that
//! keeps generator snapshots compiling, and `nxlink-client`) calls them too; they are not
//! meant to be used directly.

pub mod callback;
pub mod lenient;
#[cfg(feature = "schemars")]
pub mod schema;
pub mod wire;

mod drift;

mod enums;
mod operation;
mod page;
mod redact;
mod shape;
mod validate;

pub use drift::{serialize_extra, Drift, DriftReport, Extra, ExtraNames, Finding};
pub use enums::{normalize_name, parse_code, unknown_code, CodeTable, ParseEnumError};
pub use operation::{Endpoint, Lookup, NoData, Once, Operation, PaginatedOperation, Pagination};
pub use page::{Page, PageItem};
pub use redact::{mask_personal, Masked};
/// The JSON Schema crate, for the `JsonSchema` impls the macros write in other crates.
#[cfg(feature = "schemars")]
pub use schemars;
/// A JSON value, for unknown fields; re-exported so generated code in other crates needs
/// no `serde_json` dependency of its own.
pub use serde_json::Value as JsonValue;
pub use shape::{Column, Typed, ValueType};
pub use validate::{check, Rule, ValidationError};

/// `skip_serializing_if` for optional request strings: an unset or empty string is left
/// out of the body, because the service reads `""` as a filter value.
pub fn is_none_or_empty(value: &Option<String>) -> bool {
    value.as_deref().is_none_or(str::is_empty)
}
