//! Where the emitted code finds the runtime and the models, so one spec can be emitted
//! into the models crate or into a crate that depends on it.

use proc_macro2::TokenStream;
use quote::quote;

/// How to emit: where the runtime lives, so the same spec can be emitted into the models
/// crate (`crate::runtime`) or into another crate that depends on it.
#[derive(Debug, Clone)]
pub struct Settings {
    runtime: String,
    pub(super) crate_name: String,
    models: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            runtime: "crate::runtime".to_owned(),
            crate_name: "nxlink_models".to_owned(),
            models: "::nxlink_models".to_owned(),
        }
    }
}

impl Settings {
    /// Emits code that calls the runtime at `path` (e.g. `::nxlink_models::runtime`).
    pub fn with_runtime_path(mut self, path: &str) -> Self {
        path.clone_into(&mut self.runtime);
        self
    }

    /// Names the crate the output lands in, for the `use` lines of doc examples.
    pub fn with_crate_name(mut self, name: &str) -> Self {
        name.clone_into(&mut self.crate_name);
        self
    }

    /// Emits client code that names model types through `path` (e.g. `::nxlink_models`).
    pub fn with_models_path(mut self, path: &str) -> Self {
        path.clone_into(&mut self.models);
        self
    }

    pub(super) fn models_path(&self) -> &str {
        &self.models
    }

    pub(super) fn models(&self) -> TokenStream {
        self.models.parse().unwrap_or_else(|_| quote!(::nxlink_models))
    }

    /// The runtime's path as text, for doc links.
    pub(super) fn runtime_path(&self) -> &str {
        &self.runtime
    }

    pub(super) fn runtime(&self) -> TokenStream {
        // The path is set by our own callers, never by spec input.
        self.runtime.parse().unwrap_or_else(|_| quote!(crate::runtime))
    }

    /// The path of a macro the runtime's crate exports (`crate::wire_object`).
    pub(super) fn macro_path(&self, name: &str) -> String {
        let krate = self.runtime.strip_suffix("::runtime").unwrap_or("crate");
        format!("{krate}::{name}")
    }

    /// A runtime function path as serde wants it in `deserialize_with = "..."`.
    pub(super) fn runtime_fn(&self, name: &str) -> String {
        format!("{}::{name}", self.runtime)
    }
}
