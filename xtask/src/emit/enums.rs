//! Integer code tables: one variant per documented code plus `Unknown(i64)`, so a code
//! newer than the docs round-trips instead of failing a page.

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc, Settings};
use crate::spec::model::EnumFile;

pub(super) fn emit(e: &EnumFile, settings: &Settings) -> TokenStream {
    let rt = settings.runtime();
    let ty = format_ident!("{}", e.name);
    let name_str = &e.name;
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
        let mut text = format!("{}\n\nCode `{}`.", v.description, v.value);
        if let Some(notes) = &v.notes {
            text.push_str(&format!(" {notes}"));
        }
        let doc = doc(&text);
        quote! { #doc #ident, }
    });
    let idents: Vec<_> = e.values.iter().map(|v| format_ident!("{}", v.name)).collect();
    let codes: Vec<_> = e.values.iter().map(|v| proc_macro2::Literal::i64_unsuffixed(v.value)).collect();
    let descriptions: Vec<_> = e.values.iter().map(|v| v.description.as_str()).collect();
    let names: Vec<_> = e.values.iter().map(|v| v.name.as_str()).collect();
    let normalized: Vec<_> = e
        .values
        .iter()
        .map(|v| v.name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect::<String>())
        .collect();
    // `code` is already a code: "unknown code 99", not "unknown code code 99".
    let unknown_display = if wire.to_ascii_lowercase().ends_with("code") {
        format!("unknown {wire} {{}}")
    } else {
        format!("unknown {wire} code {{}}")
    };

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
    let all_doc = doc(&format!("Every documented `{wire}` code, in the vendor's order."));

    quote! {
        use std::fmt;
        use std::str::FromStr;

        use #rt::ParseEnumError;

        #type_doc
        #[derive(Debug, Clone, Copy)]
        #[non_exhaustive]
        pub enum #ty {
            #(#variants)*
            /// A code this version of the SDK does not know. The number is kept, and
            /// serialized back unchanged.
            Unknown(i64),
        }

        impl #ty {
            #all_doc
            pub const ALL: &'static [Self] = &[#(Self::#idents),*];

            /// The value for a code: the named variant when the code is documented,
            /// else `Unknown(code)`. The one constructor that decoding and `From` use.
            pub const fn from_code(code: i64) -> Self {
                match code {
                    #(#codes => Self::#idents,)*
                    other => Self::Unknown(other),
                }
            }

            /// The number on the wire.
            pub const fn code(self) -> i64 {
                match self {
                    #(Self::#idents => #codes,)*
                    Self::Unknown(code) => code,
                }
            }

            /// The vendor's description of the code.
            pub const fn description(self) -> &'static str {
                match Self::from_code(self.code()) {
                    #(Self::#idents => #descriptions,)*
                    Self::Unknown(_) => "Unknown (a code newer than this SDK)",
                }
            }

            /// The variant's name, e.g. for a table header or a command-line value.
            pub const fn name(self) -> &'static str {
                match Self::from_code(self.code()) {
                    #(Self::#idents => #names,)*
                    Self::Unknown(_) => "Unknown",
                }
            }

            /// True for a code this version of the SDK does not know.
            pub const fn is_unknown(self) -> bool {
                matches!(Self::from_code(self.code()), Self::Unknown(_))
            }

            #(#groups)*
        }

        impl From<i64> for #ty {
            fn from(code: i64) -> Self {
                Self::from_code(code)
            }
        }

        /// By code: `Unknown(n)` for a documented `n` equals the named variant.
        impl PartialEq for #ty {
            fn eq(&self, other: &Self) -> bool {
                self.code() == other.code()
            }
        }

        impl Eq for #ty {}

        impl std::hash::Hash for #ty {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                self.code().hash(state);
            }
        }

        impl From<#ty> for i64 {
            fn from(value: #ty) -> Self {
                value.code()
            }
        }

        impl fmt::Display for #ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match Self::from_code(self.code()) {
                    Self::Unknown(code) => write!(f, #unknown_display, code),
                    known => f.write_str(known.description()),
                }
            }
        }

        /// Parses a numeric code (`"17"`) or a variant name in any case and separator
        /// style (`"NormalEndUserHungUp"`, `"normal-end-user-hung-up"`).
        impl FromStr for #ty {
            type Err = ParseEnumError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                let text = text.trim();
                if let Ok(code) = text.parse::<i64>() {
                    return Ok(Self::from(code));
                }
                match #rt::normalize_name(text).as_str() {
                    #(#normalized => Ok(Self::#idents),)*
                    _ => Err(ParseEnumError::new(#name_str, text)),
                }
            }
        }

        impl serde::Serialize for #ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.code())
            }
        }

        /// Accepts a number or a number sent as a string.
        impl<'de> serde::Deserialize<'de> for #ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #rt::lenient::enum_required(deserializer)
            }
        }

        impl #rt::lenient::CodeEnum for #ty {}

        /// A code this version does not know is drift.
        impl #rt::wire::FieldDrift for #ty {
            fn field_drift(&self, object: &'static str, wire: &'static str, report: &mut #rt::DriftReport) {
                if let Self::Unknown(code) = *self {
                    report.code(object, wire, code);
                }
            }
        }
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
