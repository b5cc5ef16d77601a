//! The service file: regions, the common headers and signing constants, the envelope.

use heck::{ToShoutySnakeCase, ToSnakeCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::common::{doc, field_doc, field_ident, referenced_types, rust_type, use_super};
use super::settings::Settings;
use crate::spec::model::{FieldDef, FieldType, Spec};

/// Returns the public names the file defines (for `mod.rs`) and its tokens.
pub(super) fn emit(spec: &Spec, settings: &Settings) -> (Vec<String>, TokenStream) {
    let s = &spec.service;
    let rt = settings.runtime();

    // Regions.
    let region_idents: Vec<_> = s.regions.iter().map(|r| format_ident!("{}", r.name)).collect();
    let region_variants = s.regions.iter().zip(&region_idents).map(|(r, ident)| {
        let mut text = format!(
            "{} ({}): `{}`.\n\nCommand-line id `{}`; website <{}>.",
            r.region, r.code, r.api_gateway, r.id, r.website
        );
        if !r.legacy_gateways.is_empty() {
            let old: Vec<String> = r.legacy_gateways.iter().map(|g| format!("`{g}`")).collect();
            text.push_str(&format!(
                " Older revisions of the vendor's pages give {}; the client uses the newest, pass `base_url` for another.",
                old.join(", ")
            ));
        }
        if let Some(source) = &r.source {
            text.push_str(&format!(" Source: {source}."));
        }
        let doc = doc(&text);
        quote! { #doc #ident, }
    });
    let legacy: Vec<TokenStream> = s
        .regions
        .iter()
        .map(|r| {
            let gateways = r.legacy_gateways.iter().map(String::as_str);
            quote!(&[#(#gateways),*])
        })
        .collect();
    let ids: Vec<_> = s.regions.iter().map(|r| r.id.as_str()).collect();
    let codes: Vec<_> = s.regions.iter().map(|r| r.code.as_str()).collect();
    let labels: Vec<_> = s.regions.iter().map(|r| r.region.as_str()).collect();
    let websites: Vec<_> = s.regions.iter().map(|r| r.website.as_str()).collect();
    let gateways: Vec<_> = s.regions.iter().map(|r| r.api_gateway.as_str()).collect();
    // A vendor code that equals an id (`AMER`/`amer`) needs no arm of its own.
    let (code_arms, code_idents): (Vec<_>, Vec<_>) = codes
        .iter()
        .map(|c| c.to_ascii_lowercase())
        .zip(&region_idents)
        .filter(|(code, _)| !ids.contains(&code.as_str()))
        .unzip();
    let valid = ids.iter().map(|id| format!("`{id}`")).collect::<Vec<_>>().join(", ");
    let region_err = format!("unknown region `{{}}`: expected one of {valid} or a vendor code");

    // Headers and signing.
    let headers = s.auth.headers.iter().map(|h| {
        let ident = format_ident!("{}", h.name.to_shouty_snake_case());
        let name = &h.name;
        let mut text = format!("`{name}`: {}.", h.description.trim_end_matches('.'));
        text.push_str(if h.required { " Sent with every request." } else { " Optional." });
        if h.secret {
            text.push_str(" Its value is a secret: never log it.");
        }
        let doc = doc(&text);
        quote! { #doc pub const #ident: &str = #name; }
    });
    let signing = &s.auth.signing;
    let content_type = &s.auth.content_type;
    let (service_biz_type, service_action) = (&s.biz_type, &s.action);
    let skew = signing.max_clock_skew_millis;
    let signed: Vec<_> = signing.signed_headers.iter().map(String::as_str).collect();
    let algorithms: Vec<_> = signing.algorithms.iter().map(String::as_str).collect();
    let default_algorithm = &signing.default_algorithm;
    let body_prefix = &signing.body_prefix;
    let secret_prefix = &signing.secret_prefix;
    let signing_doc = doc(&format!("The request signature scheme.\n\n```text\n{}\n```", signing.description));

    // Envelope.
    let env = &s.envelope;
    let env_ty = format_ident!("{}", env.name);
    let env_decls = env.fields.iter().map(|f| envelope_field(f, settings));
    let env_wires = env.fields.iter().map(|f| f.wire.as_str());
    let data_ident = format_ident!("{}", env.data_field.to_snake_case());
    let data_wire = &env.data_field;
    let data_decoder = settings.runtime_fn("lenient::payload");
    let data_doc = doc(&format!(
        "{}.\n\n`None` when the server sent `null`, `\"\"` or nothing. Wire name: `{data_wire}`.",
        env.data_description
    ));
    let env_doc = doc(&env.description);
    let code_field = env
        .fields
        .iter()
        .find(|f| f.wire == "code")
        .map(|f| format_ident!("{}", f.name.clone().unwrap_or_else(|| f.wire.to_snake_case())));
    let success = env.success_code;
    let is_success = code_field.map(|code| {
        quote! {
            /// True when the result code means success.
            pub fn is_success(&self) -> bool {
                i64::from(self.#code) == #success
            }
        }
    });
    let uses = use_super(&referenced_types(&env.fields));
    // The envelope keeps serde's derive; its JSON Schema comes from the runtime's macro.
    let schema_fields = env.fields.iter().map(|f| {
        let wire = &f.wire;
        let inner = rust_type(&f.ty);
        let optional = !f.required && !matches!(f.ty, FieldType::Array(_));
        let (kind, ty) = if optional { (quote!(optional), quote!(Option<#inner>)) } else { (quote!(required), inner) };
        let lines = doc_lines(&f.description);
        quote!(#wire #kind (#ty) [#(#lines),*])
    });
    let schema_macro: TokenStream = settings.macro_path("__wire_schema").parse().unwrap_or_default();
    let env_name = &env.name;
    let env_lines = doc_lines(&env.description);
    let data_lines = doc_lines(&env.data_description);
    let env_schema = quote! {
        #schema_macro!(#env_ty<T> #env_name [#(#env_lines),*] { #(#schema_fields)* #data_wire optional (Option<T>) [#(#data_lines),*] });
    };

    let endpoints = spec.endpoints.keys().map(|name| {
        let ident = format_ident!("{name}");
        quote!(<#ident as #rt::Operation>::ENDPOINT)
    });
    let endpoint_uses = spec.endpoints.keys().map(|name| format_ident!("{name}"));
    let enum_tables = spec.enums.keys().map(|name| {
        let ident = format_ident!("{name}");
        quote!(super::#ident::TABLE)
    });

    let tokens = quote! {
        use std::fmt;
        use std::str::FromStr;

        #uses
        #(use super::#endpoint_uses;)*

        /// The vendor's regions, each with its API gateway.
        ///
        /// Hosts differ between revisions of the vendor's docs: this enum follows the
        /// newest pages (May 2026: AMER `chl-api.nxlink.ai`, IDN `api-idn.nxlink.ai`) and
        /// keeps the older hosts in [`Region::legacy_gateways`]; the client also takes a
        /// custom base URL.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Region {
            #(#region_variants)*
        }

        impl Region {
            /// Every region, in the vendor's order.
            pub const ALL: &'static [Self] = &[#(Self::#region_idents),*];

            /// Short lower-case id for command lines and config files.
            pub const fn id(self) -> &'static str {
                match self { #(Self::#region_idents => #ids,)* }
            }

            /// The vendor's code column.
            pub const fn code(self) -> &'static str {
                match self { #(Self::#region_idents => #codes,)* }
            }

            /// The region's name.
            pub const fn region(self) -> &'static str {
                match self { #(Self::#region_idents => #labels,)* }
            }

            /// The vendor's website for the region.
            pub const fn website(self) -> &'static str {
                match self { #(Self::#region_idents => #websites,)* }
            }

            /// Base URL of the region's API gateway, without a trailing slash.
            pub const fn api_gateway(self) -> &'static str {
                match self { #(Self::#region_idents => #gateways,)* }
            }

            /// Gateways that older revisions of the vendor's pages gave for the region,
            /// newest revision's first; empty when the pages always agreed.
            pub const fn legacy_gateways(self) -> &'static [&'static str] {
                match self { #(Self::#region_idents => #legacy,)* }
            }
        }

        impl fmt::Display for Region {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.id())
            }
        }

        /// Error of [`Region::from_str`].
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct ParseRegionError(String);

        impl fmt::Display for ParseRegionError {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, #region_err, self.0)
            }
        }

        impl std::error::Error for ParseRegionError {}

        /// Parses an id (`hk`) or a vendor code (`APAC (IDN)`), ignoring case.
        impl FromStr for Region {
            type Err = ParseRegionError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                let lower = text.trim().to_ascii_lowercase();
                match lower.as_str() {
                    #(#ids => Ok(Self::#region_idents),)*
                    #(#code_arms => Ok(Self::#code_idents),)*
                    _ => Err(ParseRegionError(text.to_owned())),
                }
            }
        }

        /// Names of the common request headers.
        pub mod header {
            #(#headers)*
        }

        #signing_doc
        pub mod signing {
            /// Headers that enter the string to sign, in ASCII order.
            pub const SIGNED_HEADERS: &[&str] = &[#(#signed),*];
            /// Accepted values of the algorithm header.
            pub const ALGORITHMS: &[&str] = &[#(#algorithms),*];
            /// The algorithm used when the header is absent.
            pub const DEFAULT_ALGORITHM: &str = #default_algorithm;
            /// Text before the body bytes in the string to sign.
            pub const BODY_PREFIX: &str = #body_prefix;
            /// Text before the secret in the string to sign.
            pub const SECRET_PREFIX: &str = #secret_prefix;
            /// Largest accepted distance, in milliseconds, between `ts` and the server's clock.
            pub const MAX_CLOCK_SKEW_MILLIS: i64 = #skew;
        }

        /// The request body's content type.
        pub const CONTENT_TYPE: &str = #content_type;

        /// The `bizType` header of every endpoint that does not name its own.
        pub const BIZ_TYPE: &str = #service_biz_type;

        /// The `action` header of every endpoint that does not name its own.
        pub const ACTION: &str = #service_action;

        /// Every endpoint of the spec.
        pub const ENDPOINTS: &[#rt::Endpoint] = &[#(#endpoints),*];

        /// Every code table of the spec, by enum name.
        pub const ENUMS: &[#rt::CodeTable] = &[#(#enum_tables),*];

        #env_doc
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(bound(deserialize = "T: serde::Deserialize<'de>"))]
        pub struct #env_ty<T> {
            #(#env_decls)*
            #data_doc
            #[serde(rename = #data_wire, default, deserialize_with = #data_decoder)]
            pub #data_ident: Option<T>,
        }

        #env_schema

        impl<T> #env_ty<T> {
            #is_success

            /// Wire names of the envelope's own fields, its payload's included: what a
            /// flat page (`{code, message, total, list, ...}`) holds besides the page.
            pub const FIELDS: &'static [&'static str] = &[#(#env_wires,)* #data_wire];
        }
    };
    let names = vec![
        "Region".to_owned(),
        "ParseRegionError".to_owned(),
        "header".to_owned(),
        "signing".to_owned(),
        "CONTENT_TYPE".to_owned(),
        "BIZ_TYPE".to_owned(),
        "ACTION".to_owned(),
        "ENDPOINTS".to_owned(),
        "ENUMS".to_owned(),
        env.name.clone(),
    ];
    (names, tokens)
}

/// Text as doc lines, each with the leading space `///` gives.
fn doc_lines(text: &str) -> Vec<String> {
    text.lines().map(|line| format!(" {line}")).collect()
}

/// An envelope field: the envelope is generic over its `data`, so it keeps serde's derive
/// with the lenient decoders as `deserialize_with`; its unknown fields carry nothing a
/// caller reads.
fn envelope_field(field: &FieldDef, settings: &Settings) -> TokenStream {
    let ident = field_ident(field);
    let wire = &field.wire;
    let doc = doc(&field_doc(field, false));
    let inner = rust_type(&field.ty);
    let decoder = match (&field.ty, field.required) {
        (FieldType::Array(_), _) => "lenient::list",
        (FieldType::Enum(_), true) => "lenient::enum_required",
        (FieldType::Enum(_), false) => "lenient::enum_option",
        (FieldType::Object(_), false) => "lenient::object_option",
        (_, true) => "lenient::required",
        (_, false) => "lenient::option",
    };
    let optional = !field.required && !matches!(field.ty, FieldType::Array(_));
    let ty = if optional { quote!(Option<#inner>) } else { inner };
    let mut serde_args = vec![quote!(rename = #wire)];
    if !field.required {
        serde_args.push(quote!(default));
    }
    if !matches!((&field.ty, field.required), (FieldType::Object(_), true)) {
        let path = settings.runtime_fn(decoder);
        serde_args.push(quote!(deserialize_with = #path));
    }
    quote! {
        #doc
        #[serde(#(#serde_args),*)]
        pub #ident: #ty,
    }
}
