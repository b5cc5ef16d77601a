//! Turns a validated [`Spec`] into Rust source files: tokens with `quote`, text with
//! `prettyplease`, one file per type so a spec change shows up as a small diff.

mod callbacks;
mod cli;
mod client;
mod enums;
mod objects;
mod openapi;
mod operations;
mod request;
mod service;

mod common;
mod render;
mod settings;

use std::collections::BTreeMap;

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::spec::model::Spec;
use render::render;

pub use cli::cli;
pub use client::client;
pub use openapi::openapi;
pub use render::{Files, PREAMBLE};
pub use settings::Settings;

/// Emits the models for `spec`: one file per enum, object and endpoint, the service
/// file, and `mod.rs`.
pub fn models(spec: &Spec, settings: &Settings) -> Result<Files, String> {
    let mut modules: BTreeMap<String, (Vec<String>, TokenStream)> = BTreeMap::new();
    let (service_names, service_tokens) = service::emit(spec, settings);
    modules.insert("service".to_owned(), (service_names, service_tokens));
    if let Some(tokens) = callbacks::emit(spec, settings) {
        modules.insert("callback".to_owned(), (vec!["Callback".to_owned()], tokens));
    }
    for e in spec.enums.values() {
        modules.insert(e.name.to_snake_case(), (vec![e.name.clone()], enums::emit(e, settings)));
    }
    for o in spec.objects.values() {
        modules.insert(o.name.to_snake_case(), (vec![o.name.clone()], objects::emit_object(o, settings)));
    }
    for e in spec.endpoints.values() {
        let names = vec![e.name.clone(), e.request.name.clone()];
        modules.insert(e.name.to_snake_case(), (names, operations::emit(e, settings)));
    }

    let mut files = Files::new();
    let mut mod_items = Vec::new();
    for (module, (names, tokens)) in &modules {
        files.insert(format!("{module}.rs"), render(tokens.clone())?);
        let module = format_ident!("{module}");
        let names = names.iter().map(|n| format_ident!("{n}"));
        mod_items.push(quote! {
            mod #module;
            pub use #module::{#(#names),*};
        });
    }
    let title = format!(" Types generated from the spec of the {}.", spec.service.name);
    let mod_rs = quote! {
        #![doc = #title]
        #![doc = ""]
        #![doc = " Every item here is re-exported at the crate root."]
        #(#mod_items)*
    };
    files.insert("mod.rs".to_owned(), render(mod_rs)?);
    Ok(files)
}
