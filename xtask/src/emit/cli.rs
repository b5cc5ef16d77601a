//! The `nxlink` side of each endpoint: a table of its flags (one per scalar request
//! field, with help from the spec's words, unit, example and enum values), the fields
//! only `--body` can set, and the columns of its table and CSV output. The CLI's
//! hand-written `request_args` module turns the table into clap arguments and a
//! request; nothing here is code per field.

use heck::{ToKebabCase, ToShoutySnakeCase, ToSnakeCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::common::doc;
use super::render::Files;
use crate::spec::model::{FieldType, Spec, Unit};
use crate::spec::resolve::{Data, Endpoint, Flag, FlagKind};

/// Emits the CLI's generated files: one per endpoint, and `mod.rs` with `ENDPOINTS`.
pub fn cli(spec: &Spec) -> Result<Files, String> {
    let mut files = Files::new();
    let mut modules = Vec::new();
    let mut statics = Vec::new();
    for e in spec.endpoints.values() {
        let module = format_ident!("{}", e.name.to_snake_case());
        let name = format_ident!("{}", e.name.to_shouty_snake_case());
        files.insert(format!("{module}.rs"), super::render::render(endpoint(e))?);
        modules.push(quote!(mod #module;));
        statics.push(quote!(&#module::#name));
    }
    let title = format!(" `nxlink api` commands generated from the spec of the {}.", spec.service.name);
    let mod_rs = quote! {
        #![doc = #title]
        #(#modules)*

        /// Every endpoint of the spec, in the order of their operation names.
        pub(crate) static ENDPOINTS: &[&crate::request_args::EndpointArgs] = &[#(#statics),*];
    };
    files.insert("mod.rs".to_owned(), super::render::render(mod_rs)?);
    Ok(files)
}

fn endpoint(e: &Endpoint) -> TokenStream {
    let name = format_ident!("{}", e.name.to_shouty_snake_case());
    let op = format_ident!("{}", e.name);
    let command = e.name.to_kebab_case();
    let summary = e.summary.as_str();
    let description = e.description.as_str();
    let call = if e.pagination.is_some() { format_ident!("Paged") } else { format_ident!("Plain") };
    let flags = e.flags.iter().map(flag);
    let body_fields = e
        .request
        .fields
        .iter()
        .filter(|f| e.flags.iter().all(|flag| flag.field.wire != f.wire))
        .map(|f| format!("{} ({}{})", f.wire, type_words(&f.ty), if f.required { ", required" } else { "" }));
    let columns: Vec<&str> = match (&e.pagination, &e.data) {
        (Some(p), _) => p.item.fields.iter().map(|f| f.wire.as_str()).collect(),
        (None, Data::Object(object)) => object.fields.iter().map(|f| f.wire.as_str()).collect(),
        (None, Data::None | Data::Json) => Vec::new(),
    };
    let list = e.pagination.as_ref().map(|p| p.list.wire.as_str());
    let list = match list {
        Some(list) => quote!(Some(#list)),
        None => quote!(None),
    };
    let item_doc = doc(&format!("`nxlink api {command}`: {summary}."));
    quote! {
        use crate::request_args::{EndpointArgs, Flag, Kind, #call};
        use ::nxlink_models::runtime::Operation;

        #item_doc
        pub(crate) static #name: EndpointArgs = EndpointArgs {
            command: #command,
            summary: #summary,
            description: #description,
            endpoint: <::nxlink_models::#op as Operation>::ENDPOINT,
            flags: &[#(#flags),*],
            body_fields: &[#(#body_fields),*],
            list: #list,
            columns: &[#(#columns),*],
            call: &#call::<::nxlink_models::#op>::NEW,
        };
    }
}

/// How `--body` describes a field no flag sets.
fn type_words(ty: &FieldType) -> String {
    match ty {
        FieldType::String => "text".to_owned(),
        FieldType::Int32 | FieldType::Int64 => "integer".to_owned(),
        FieldType::Float64 => "number".to_owned(),
        FieldType::Bool => "true or false".to_owned(),
        FieldType::Enum(name) | FieldType::Object(name) => name.clone(),
        FieldType::Array(inner) => format!("array of {}", type_words(inner)),
    }
}

fn flag(flag: &Flag) -> TokenStream {
    let f = &flag.field;
    let wire = f.wire.as_str();
    let long = &flag.long;
    let mut help = f.description.trim_end_matches('.').to_owned();
    let mut details = Vec::new();
    let (kind, value_name) = match &flag.kind {
        FlagKind::Time { millis } => {
            let is_end = flag.is_end;
            help.push_str(if is_end {
                ": unix seconds, RFC 3339, or a date YYYY-MM-DD (UTC, the whole day included)"
            } else {
                ": unix seconds, RFC 3339, or a date YYYY-MM-DD (UTC, start of day)"
            });
            (quote!(Kind::Time { millis: #millis, end: #is_end }), "TIME")
        }
        FlagKind::Code(enum_file) => {
            help.push_str(": a code or a name");
            for value in &enum_file.values {
                details.push(format!("{:>5}  {}: {}", value.value, value.name.to_kebab_case(), value.description));
            }
            let pairs = enum_file.values.iter().map(|v| {
                let code = v.value;
                let kebab = v.name.to_kebab_case();
                quote!((#code, #kebab))
            });
            let what = enum_file.name.to_kebab_case().replace('-', " ");
            (quote!(Kind::Code { what: #what, values: &[#(#pairs),*] }), "CODE|NAME")
        }
        FlagKind::Text => (quote!(Kind::Text), "TEXT"),
        FlagKind::Int32 => (quote!(Kind::Int32), "N"),
        FlagKind::Int64 => (quote!(Kind::Int64), "N"),
        FlagKind::Float => (quote!(Kind::Float), "NUMBER"),
        FlagKind::Bool => (quote!(Kind::Bool), "true|false"),
    };
    if let Some(unit) = f.unit.filter(|u| matches!(u, Unit::Seconds | Unit::Milliseconds)) {
        let words = if unit == Unit::Seconds { "seconds" } else { "milliseconds" };
        // The vendor often says it already: "Minimum call duration (seconds)".
        if !f.description.to_lowercase().contains(words) {
            help.push_str(&format!(" ({words})"));
        }
    }
    if let Some((enum_field, codes)) = &flag.only_with {
        let codes: Vec<String> = codes.iter().map(i64::to_string).collect();
        help.push_str(&format!(" (only with --{} {})", enum_field.flag(), or_list(&codes)));
    }
    if let Some(example) = &f.example {
        details.push(format!("Example: {example}"));
    }
    if let Some(notes) = &f.notes {
        details.push(notes.clone());
    }
    details.push(format!("Request field `{wire}`."));
    let long_help = format!("{help}\n\n{}", details.join("\n"));
    let required = f.required && f.default.is_none();
    let default = match f.default {
        Some(value) => quote!(Some(#value)),
        None => quote!(None),
    };
    quote! {
        Flag {
            wire: #wire,
            long: #long,
            value_name: #value_name,
            help: #help,
            long_help: #long_help,
            kind: #kind,
            required: #required,
            default: #default,
        }
    }
}

/// `1, 3, 17 or 21`.
fn or_list(items: &[String]) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}
