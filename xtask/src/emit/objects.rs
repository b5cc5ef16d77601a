//! Objects (the call record, its page, the envelope) and the request bodies: structs with
//! serde attributes that route every field through the lenient runtime decoders.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc, field_doc, field_ident, referenced_types, rust_type, use_super, Settings};
use crate::spec::model::{FieldDef, FieldType, ObjectFile, Spec};

/// Whether a struct is sent (requests: unset options are left out of the body) or
/// received (responses: every key is written back, `null` when unset).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Request,
    Response,
}

/// A struct field: its declaration, and the expression that shows it in `Debug`.
pub(super) struct FieldTokens {
    pub(super) decl: TokenStream,
    pub(super) debug: TokenStream,
}

pub(super) fn field_tokens(field: &FieldDef, role: Role, settings: &Settings) -> FieldTokens {
    let ident = field_ident(field);
    let wire = &field.wire;
    let doc = doc(&field_doc(field));
    let inner = rust_type(&field.ty);
    let is_string = field.ty == FieldType::String;
    let decoder = match (&field.ty, field.required) {
        (FieldType::Array(_), _) => Some("lenient::list"),
        (FieldType::Enum(_), true) => Some("lenient::enum_required"),
        (FieldType::Enum(_), false) => Some("lenient::enum_option"),
        (FieldType::Object(_), true) => None,
        (FieldType::Object(_), false) => Some("lenient::object_option"),
        (_, true) => Some("lenient::required"),
        (_, false) => Some("lenient::option"),
    };
    let optional = !field.required && !matches!(field.ty, FieldType::Array(_));
    let ty = if optional { quote!(Option<#inner>) } else { inner };

    let mut serde_args = vec![quote!(rename = #wire)];
    if !field.required {
        serde_args.push(quote!(default));
    }
    if let Some(decoder) = decoder {
        let path = settings.runtime_fn(decoder);
        serde_args.push(quote!(deserialize_with = #path));
    }
    if role == Role::Request && optional {
        let skip = if is_string { settings.runtime_fn("is_none_or_empty") } else { "Option::is_none".to_owned() };
        serde_args.push(quote!(skip_serializing_if = #skip));
    }

    let rt = settings.runtime();
    let debug = match (field.personal_data, optional) {
        (true, true) => quote!(&#rt::Masked(self.#ident.as_deref())),
        (true, false) => quote!(&#rt::Masked(Some(self.#ident.as_str()))),
        (false, _) => quote!(&self.#ident),
    };
    FieldTokens {
        decl: quote! {
            #doc
            #[serde(#(#serde_args),*)]
            pub #ident: #ty,
        },
        debug,
    }
}

/// A `Debug` impl that masks personal data, or a derive when there is none.
pub(super) fn debug_impl(
    name: &str,
    fields: &[FieldDef],
    tokens: &[FieldTokens],
    generics: TokenStream,
) -> (TokenStream, TokenStream) {
    if !fields.iter().any(|f| f.personal_data) {
        return (quote!(Debug,), quote!());
    }
    let ty = format_ident!("{name}");
    let names = fields.iter().map(|f| field_ident(f).to_string());
    let exprs = tokens.iter().map(|t| &t.debug);
    let imp = quote! {
        /// Personal data fields show masked.
        impl #generics std::fmt::Debug for #ty #generics {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#name)
                    #(.field(#names, #exprs))*
                    .finish()
            }
        }
    };
    (quote!(), imp)
}

pub(super) fn emit_object(_spec: &Spec, o: &ObjectFile, settings: &Settings) -> TokenStream {
    let ty = format_ident!("{}", o.name);
    let mut text = o.description.clone();
    text.push_str("\n\nDecoding is lenient field by field: `null`, `\"\"`, a missing field or a number sent as a string never fails the object; unknown fields are ignored.");
    if let Some(wire) = &o.wire {
        text.push_str(&format!(" Vendor name: `{wire}`."));
    }
    let type_doc = doc(&text);
    let tokens: Vec<_> = o.fields.iter().map(|f| field_tokens(f, Role::Response, settings)).collect();
    let decls = tokens.iter().map(|t| &t.decl);
    let (debug_derive, debug_impl) = debug_impl(&o.name, &o.fields, &tokens, quote!());
    let default = if o.fields.iter().all(|f| !f.required) { quote!(Default,) } else { quote!() };
    let uses = use_super(&referenced_types(&o.fields));
    quote! {
        #uses

        #type_doc
        #[derive(#debug_derive Clone, PartialEq, #default serde::Serialize, serde::Deserialize)]
        #[non_exhaustive]
        pub struct #ty {
            #(#decls)*
        }

        #debug_impl
    }
}
