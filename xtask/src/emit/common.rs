//! The vocabulary every emitter shares: how the spec's words become doc attributes, and
//! its fields and types become Rust names, types and `use` lines.

use std::collections::BTreeSet;

use heck::ToSnakeCase;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::spec::model::{FieldDef, FieldType};

/// `#[doc]` attributes for text, one per line, each with the leading space `///` has.
pub(super) fn doc(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| if line.is_empty() { String::new() } else { format!(" {line}") });
    quote! { #(#[doc = #lines])* }
}

/// The documentation of a field: the vendor's words, then what the spec adds. A field
/// `declared` for `wire_object!` leaves out its wire name and personal-data note, which
/// the macro adds from the declaration.
pub(super) fn field_doc(field: &FieldDef, declared: bool) -> String {
    let mut text = field.description.clone();
    if !text.ends_with('.') && !text.ends_with(')') {
        text.push('.');
    }
    let mut extra = Vec::new();
    if let Some(notes) = &field.notes {
        extra.push(notes.clone());
    }
    if let Some(unit) = field.unit {
        extra.push(unit.doc().to_owned());
    }
    if field.personal_data && !declared {
        extra.push("Personal data: masked in `Debug` output, intact in the field and in JSON.".to_owned());
    }
    if let Some(example) = &field.example {
        extra.push(format!("Example: `{example}`."));
    }
    match (&field.source, field.inferred) {
        (Some(source), false) => extra.push(format!("Documented: {source}.")),
        (Some(source), true) => {
            extra.push(format!("Inferred, not documented outright: {source}. It may change without notice."))
        }
        (None, true) => extra.push("Inferred, not documented outright. It may change without notice.".to_owned()),
        (None, false) => {}
    }
    if !declared {
        extra.push(format!("Wire name: `{}`.", field.wire));
    }
    format!("{text}\n\n{}", extra.join("\n"))
}

pub(super) fn field_ident(field: &FieldDef) -> Ident {
    format_ident!("{}", field.name.clone().unwrap_or_else(|| field.wire.to_snake_case()))
}

/// The Rust type of a value of `ty` (without the `Option` an optional field adds).
pub(super) fn rust_type(ty: &FieldType) -> TokenStream {
    match ty {
        FieldType::String => quote!(String),
        FieldType::Int32 => quote!(i32),
        FieldType::Int64 => quote!(i64),
        FieldType::Float64 => quote!(f64),
        FieldType::Bool => quote!(bool),
        FieldType::Enum(name) | FieldType::Object(name) => {
            let ident = format_ident!("{name}");
            quote!(#ident)
        }
        FieldType::Array(inner) => {
            let inner = rust_type(inner);
            quote!(Vec<#inner>)
        }
    }
}

/// The spec types named by `fields`, for the `use super::{...}` of a file.
pub(super) fn referenced_types<'a>(fields: impl IntoIterator<Item = &'a FieldDef>) -> BTreeSet<String> {
    fn walk(ty: &FieldType, out: &mut BTreeSet<String>) {
        match ty {
            FieldType::Enum(name) | FieldType::Object(name) => {
                out.insert(name.clone());
            }
            FieldType::Array(inner) => walk(inner, out),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    for field in fields {
        walk(&field.ty, &mut out);
    }
    out
}

pub(super) fn use_super(names: &BTreeSet<String>) -> TokenStream {
    if names.is_empty() {
        return quote!();
    }
    let names = names.iter().map(|n| format_ident!("{n}"));
    quote!(use super::{#(#names),*};)
}
