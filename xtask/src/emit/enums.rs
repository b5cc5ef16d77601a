//! Integer code tables: one variant per documented code plus `Unknown(i64)`, so a code
//! newer than the docs round-trips instead of failing a page.

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::common::doc;
use super::settings::Settings;
use crate::spec::model::EnumFile;

pub(super) fn emit(e: &EnumFile, settings: &Settings) -> TokenStream {
    let ty = format_ident!("{}", e.name);
    let wire = &e.wire;
    let first = e.values.first().map(|v| format_ident!("{}", v.name));
    let example_match = first.map(|first| {
        format!(
            "```\n# use {krate}::{ty};\n# let value = {ty}::from({code});\nmatch value {{\n    {ty}::{first} => println!(\"{first}\"),\n    // Always keep a catch-all arm: the vendor adds codes without notice.\n    other => println!(\"{{}} ({{}})\", other, other.code()),\n}}\n```",
            code = e.values[0].value,
            krate = settings.crate_name
        )
    });
    let type_doc = doc(&format!(
        "{}\n\nWire field: `{wire}`. The vendor can add codes at any time: a code this version does not know decodes as [`{ty}::Unknown`], keeps its number and serializes back to it, so the enum is `#[non_exhaustive]` and a match needs a catch-all arm:\n\n{}\n\nValues compare and hash by code, so `{ty}::Unknown(n)` built by hand for a documented `n` equals that variant; `{ty}::from(n)` and decoding never build one.",
        e.description,
        example_match.unwrap_or_default()
    ));

    let variants = e.values.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        let mut text = format!("{} (code `{}`).", v.description.trim_end_matches('.'), v.value);
        if let Some(notes) = &v.notes {
            text.push_str(&format!(" {notes}"));
        }
        let doc = doc(&text);
        let code = proc_macro2::Literal::i64_unsuffixed(v.value);
        let description = &v.description;
        quote! { #doc #[code(#code, #description)] #ident, }
    });

    let groups = e.groups.iter().map(|g| {
        let predicate = format_ident!("is_{}", g.name.to_snake_case());
        let list = g.values.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
        let doc = doc(&format!("True when {} (codes {list}).", g.description));
        let patterns = code_patterns(&g.values);
        quote! {
            #doc
            pub const fn #predicate(self) -> bool {
                matches!(self.code(), #(#patterns)|*)
            }
        }
    });
    let groups = (!e.groups.is_empty()).then(|| quote! { impl #ty { #(#groups)* } });
    let path = settings.macro_path("code_enum");

    quote! {
        #[code_enum = #path]
        #type_doc
        #[code_enum(#wire)]
        pub enum #ty {
            #(#variants)*
        }

        #groups
    }
}

/// Match patterns for a set of codes, with consecutive runs folded into ranges
/// (`6..=11`) so a group reads the way the vendor's table does.
fn code_patterns(values: &[i64]) -> Vec<TokenStream> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut runs: Vec<(i64, i64)> = Vec::new();
    for value in sorted {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == value => *end = value,
            _ => runs.push((value, value)),
        }
    }
    runs.into_iter()
        .map(|(start, end)| {
            let (a, b) = (proc_macro2::Literal::i64_unsuffixed(start), proc_macro2::Literal::i64_unsuffixed(end));
            match end - start {
                0 => quote!(#a),
                1 => quote!(#a | #b),
                _ => quote!(#a..=#b),
            }
        })
        .collect()
}
