//! The callbacks the vendor POSTs: one `Callback` enum over their payloads, told apart
//! by a field only each carries, with the key that recognises a redelivered event.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::common::{doc, field_ident};
use super::settings::Settings;
use crate::spec::model::Spec;

/// The `callback.rs` tokens, or `None` when the spec lists no callback.
pub(super) fn emit(spec: &Spec, settings: &Settings) -> Option<TokenStream> {
    let callbacks = &spec.callbacks;
    if callbacks.is_empty() {
        return None;
    }
    let rt = settings.runtime();
    let variants = callbacks.iter().map(|c| {
        let name = format_ident!("{}", c.name);
        let payload = format_ident!("{}", c.payload);
        let doc = doc(&format!(
            "{}\n\nIdentified by its `{}` field; one event per {}. Source: {}.",
            c.description,
            c.identified_by,
            c.dedupe_by.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(" and "),
            c.source
        ));
        quote! { #doc #name(#payload), }
    });
    let tries = callbacks.iter().map(|c| {
        let name = format_ident!("{}", c.name);
        let payload = format_ident!("{}", c.payload);
        let field = &c.identified_by;
        quote! {
            if keys.contains(#field) {
                return #rt::callback::decode_body::<#payload>(body).map(Self::#name);
            }
        }
    });
    let identified: Vec<&str> = callbacks.iter().map(|c| c.identified_by.as_str()).collect();
    let key_arms = callbacks.iter().map(|c| {
        let name = format_ident!("{}", c.name);
        let label = &c.name;
        let parts = c.dedupe_fields.iter().map(|f| {
            let ident = field_ident(f);
            quote!(#rt::callback::key_part(&payload.#ident))
        });
        quote! {
            Self::#name(payload) => {
                let parts: Vec<String> = vec![#(#parts),*];
                format!("{}|{}", #label, parts.join("|"))
            }
        }
    });
    let name_arms = callbacks.iter().map(|c| {
        let name = format_ident!("{}", c.name);
        let label = &c.name;
        quote!(Self::#name(_) => #label,)
    });
    let payloads: Vec<_> = callbacks.iter().map(|c| format_ident!("{}", c.payload)).collect();
    let schema_macro: TokenStream = settings.macro_path("__union_schema").parse().unwrap_or_default();
    Some(quote! {
        use super::{#(#payloads),*};

        #schema_macro!(Callback [#(#payloads),*]);

        /// A callback the vendor POSTs to the customer, decoded.
        ///
        /// The vendor may add callbacks: match with a catch-all arm.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant)] // one per request; boxing would only cost a pointer chase
        pub enum Callback {
            #(#variants)*
        }

        impl Callback {
            /// Decodes a callback's body: the first callback whose identifying field the
            /// body holds, decoded leniently (unknown fields kept).
            pub fn decode(body: &[u8]) -> Result<Self, crate::DecodeError> {
                let keys = #rt::callback::top_level_keys(body)?;
                #(#tries)*
                Err(#rt::callback::unknown_callback(&[#(#identified),*]))
            }

            /// What identifies the event, so a redelivered one can be recognised: the
            /// callback's name and its identifying fields' JSON.
            pub fn dedupe_key(&self) -> String {
                match self {
                    #(#key_arms)*
                }
            }

            /// The callback's name in the spec, e.g. `CallRecord`.
            pub fn name(&self) -> &'static str {
                match self {
                    #(#name_arms)*
                }
            }
        }
    })
}
