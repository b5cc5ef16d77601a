//! Objects (the call record, its page) and request bodies: a struct per spec object with
//! generated `Serialize`, `Deserialize`, `Debug` and `Drift` impls that route every field
//! through the lenient runtime decoders and keep the fields the spec does not know.
//!
//! The impls are written out rather than derived: a visitor that matches field names and
//! puts any other key in `extra` keeps unknown fields without `#[serde(flatten)]`, which
//! would buffer every object into a map first (BENCHMARKS.md, "extra-field capture").

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc, field_doc, field_ident, referenced_types, rust_type, use_super, Settings};
use crate::spec::model::{FieldDef, FieldType, ObjectFile, ObjectRole, Spec};

/// Whether a struct is sent (requests: unset options are left out of the body) or
/// received (responses: every key is written back, `null` when unset).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Request,
    Response,
}

pub(super) fn emit_object(_spec: &Spec, o: &ObjectFile, settings: &Settings) -> TokenStream {
    let mut text = o.description.clone();
    let role = match o.role {
        ObjectRole::Response => {
            text.push_str("\n\nDecoding is lenient field by field: `null`, a missing field or a number sent as a string never fails the object, and `\"\"` stays `\"\"` in a string field. Fields the spec does not know are kept in `extra` and written back after the known ones, so decoding and encoding again loses nothing the server sent.");
            Role::Response
        }
        ObjectRole::Request => {
            text.push_str(&format!("\n\nSent inside a request body: build it with [`{}::new`] and the setters; unset fields are left out of the JSON.", o.name));
            Role::Request
        }
    };
    if let Some(wire) = &o.wire {
        text.push_str(&format!(" Vendor name: `{wire}`."));
    }
    let uses = use_super(&referenced_types(&o.fields));
    let item = struct_item(&o.name, &text, &o.fields, role, settings);
    let body = (role == Role::Request).then(|| super::operations::body_impl(&o.name, &o.fields, &[], false, settings));
    let validation_use = body.as_ref().map(|_| {
        let rt = settings.runtime();
        quote!(use #rt::ValidationError;)
    });
    quote! {
        #uses
        #validation_use
        #item
        #body
    }
}

/// The struct and its trait impls: shared by objects and request bodies.
pub(super) fn struct_item(
    name: &str,
    type_doc: &str,
    fields: &[FieldDef],
    role: Role,
    settings: &Settings,
) -> TokenStream {
    let rt = settings.runtime();
    let ty = format_ident!("{name}");
    let type_doc = doc(type_doc);
    let decls = fields.iter().map(|f| {
        let ident = field_ident(f);
        let ty = field_type(f);
        let doc = doc(&field_doc(f));
        quote! { #doc pub #ident: #ty, }
    });
    let default =
        if role == Role::Response && fields.iter().all(|f| !f.required) { quote!(Default,) } else { quote!() };
    let wires = fields.iter().map(|f| f.wire.as_str());
    let fields_doc = doc("Wire names of the fields the spec knows, in the vendor's order.");
    let extra_doc = doc(match role {
        Role::Response => "Fields the server sent that the spec does not know, by wire name, as sent. Written back after the known fields; the client reports them (`ScanStats::drift`) so the spec can catch up.",
        Role::Request => "Fields the spec does not know, by wire name: sent after the known fields, for a field the vendor added or documents only in part.",
    });
    let serialize = serialize_impl(&ty, fields, role, settings);
    let deserialize = deserialize_impl(&ty, name, fields, role, settings);
    let debug = debug_impl(&ty, name, fields, settings);
    let drift = (role == Role::Response).then(|| drift_impl(&ty, name, fields, settings));
    quote! {
        #type_doc
        #[derive(Clone, PartialEq, #default)]
        #[non_exhaustive]
        pub struct #ty {
            #(#decls)*
            #extra_doc
            pub extra: #rt::Extra,
        }

        impl #ty {
            #fields_doc
            pub const FIELDS: &'static [&'static str] = &[#(#wires),*];
        }

        #serialize
        #deserialize
        #debug
        #drift
    }
}

/// Arrays are never optional: a missing list decodes as an empty one.
fn is_optional(f: &FieldDef) -> bool {
    !f.required && !matches!(f.ty, FieldType::Array(_))
}

fn field_type(f: &FieldDef) -> TokenStream {
    let inner = rust_type(&f.ty);
    if is_optional(f) {
        quote!(Option<#inner>)
    } else {
        inner
    }
}

fn serialize_impl(ty: &proc_macro2::Ident, fields: &[FieldDef], role: Role, settings: &Settings) -> TokenStream {
    let rt = settings.runtime();
    let entries = fields.iter().map(|f| {
        let ident = field_ident(f);
        let wire = &f.wire;
        let entry = quote!(map.serialize_entry(#wire, &self.#ident)?;);
        if role == Role::Response || f.required {
            return entry;
        }
        match &f.ty {
            // The service reads `""` as a filter value: an empty string is left out.
            FieldType::String => quote! { if !#rt::is_none_or_empty(&self.#ident) { #entry } },
            FieldType::Array(_) => quote! { if !self.#ident.is_empty() { #entry } },
            _ => quote! { if self.#ident.is_some() { #entry } },
        }
    });
    let what = match role {
        Role::Response => "Every known field (`null` when unset), then the unknown ones.",
        Role::Request => "Set fields only (unset options and empty strings are left out), then the extra ones.",
    };
    let what = doc(what);
    quote! {
        #what
        impl serde::Serialize for #ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let mut map = serializer.serialize_map(None)?;
                #(#entries)*
                #rt::serialize_extra(&mut map, &self.extra, Self::FIELDS)?;
                map.end()
            }
        }
    }
}

fn deserialize_impl(
    ty: &proc_macro2::Ident,
    name: &str,
    fields: &[FieldDef],
    role: Role,
    settings: &Settings,
) -> TokenStream {
    let rt = settings.runtime();
    let lenient = quote!(#rt::lenient);
    let locals = fields.iter().map(|f| {
        let ident = field_ident(f);
        let ty = field_type(f);
        if f.required && !matches!(f.ty, FieldType::Array(_)) {
            quote!(let mut #ident: Option<#ty> = None;)
        } else if matches!(f.ty, FieldType::Array(_)) {
            quote!(let mut #ident: #ty = Vec::new();)
        } else {
            quote!(let mut #ident: #ty = None;)
        }
    });
    let arms = fields.iter().map(|f| {
        let ident = field_ident(f);
        let wire = &f.wire;
        let inner = rust_type(&f.ty);
        let value = match (&f.ty, f.required) {
            (FieldType::Array(item), _) => {
                let item = rust_type(item);
                quote!(__map.next_value::<#lenient::List<#item>>()?.0)
            }
            (FieldType::Enum(_) | FieldType::Object(_), true) => quote!(Some(__map.next_value::<#inner>()?)),
            (FieldType::Enum(_), false) => quote!(__map.next_value::<#lenient::EnumOptional<#inner>>()?.0),
            (FieldType::Object(_), false) => quote!(__map.next_value::<#lenient::ObjectOptional<#inner>>()?.0),
            (_, true) => quote!(Some(__map.next_value::<#lenient::Required<#inner>>()?.0)),
            (_, false) => quote!(__map.next_value::<#lenient::Optional<#inner>>()?.0),
        };
        quote!(#wire => #ident = #value,)
    });
    let inits = fields.iter().map(|f| {
        let ident = field_ident(f);
        let wire = &f.wire;
        if f.required && !matches!(f.ty, FieldType::Array(_)) {
            quote!(#ident: #ident.ok_or_else(|| serde::de::Error::missing_field(#wire))?,)
        } else {
            quote!(#ident,)
        }
    });
    let expecting = format!("a JSON object ({name})");
    let keep = quote! {
        let __value = __map.next_value()?;
        __extra.insert(__key.into_owned(), __value);
    };
    // An object the spec lists no field of keeps every field.
    let dispatch = if fields.is_empty() {
        keep
    } else {
        quote! {
            match __key.as_str() {
                #(#arms)*
                _ => { #keep }
            }
        }
    };
    let what = doc(match role {
        Role::Response => "Lenient field by field (see the runtime's `lenient` module); unknown fields go to `extra`.",
        Role::Request => "With the coercions of the response types; unknown fields go to `extra`.",
    });
    quote! {
        #what
        impl<'de> serde::Deserialize<'de> for #ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;

                impl<'de> serde::de::Visitor<'de> for Visitor {
                    type Value = #ty;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(#expecting)
                    }

                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut __map: A) -> Result<#ty, A::Error> {
                        #(#locals)*
                        let mut __extra = #rt::Extra::new();
                        while let Some(__key) = __map.next_key::<#lenient::Key<'de>>()? {
                            #dispatch
                        }
                        Ok(#ty { #(#inits)* extra: __extra })
                    }
                }

                deserializer.deserialize_map(Visitor)
            }
        }
    }
}

/// `Debug` with personal data masked and unknown fields shown by name only: the spec
/// cannot say whether a field it does not know holds a phone number.
fn debug_impl(ty: &proc_macro2::Ident, name: &str, fields: &[FieldDef], settings: &Settings) -> TokenStream {
    let rt = settings.runtime();
    let entries = fields.iter().map(|f| {
        let ident = field_ident(f);
        let label = ident.to_string();
        let value = match (f.personal_data, is_optional(f)) {
            (true, true) => quote!(&#rt::Masked(self.#ident.as_deref())),
            (true, false) => quote!(&#rt::Masked(Some(self.#ident.as_str()))),
            (false, _) => quote!(&self.#ident),
        };
        quote!(.field(#label, #value))
    });
    let masked = fields.iter().any(|f| f.personal_data);
    let what = doc(if masked {
        "Personal data fields show masked; unknown fields show by name only."
    } else {
        "Unknown fields show by name only."
    });
    quote! {
        #what
        impl std::fmt::Debug for #ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#name)
                    #(#entries)*
                    .field("extra", &#rt::ExtraNames(&self.extra))
                    .finish()
            }
        }
    }
}

fn drift_impl(ty: &proc_macro2::Ident, name: &str, fields: &[FieldDef], settings: &Settings) -> TokenStream {
    let rt = settings.runtime();
    let checks = fields.iter().filter_map(|f| {
        let ident = field_ident(f);
        let wire = &f.wire;
        match &f.ty {
            FieldType::Enum(e) => {
                let e = format_ident!("{e}");
                Some(if f.required {
                    quote! { if let #e::Unknown(code) = self.#ident { report.code(#name, #wire, code); } }
                } else {
                    quote! { if let Some(#e::Unknown(code)) = self.#ident { report.code(#name, #wire, code); } }
                })
            }
            FieldType::Array(item) => match item.as_ref() {
                FieldType::Enum(e) => {
                    let e = format_ident!("{e}");
                    Some(quote! {
                        for value in &self.#ident {
                            if let #e::Unknown(code) = *value { report.code(#name, #wire, code); }
                        }
                    })
                }
                FieldType::Object(_) => Some(quote!(#rt::Drift::drift(&self.#ident, report);)),
                _ => None,
            },
            FieldType::Object(_) => Some(quote!(#rt::Drift::drift(&self.#ident, report);)),
            _ => None,
        }
    });
    quote! {
        impl #rt::Drift for #ty {
            fn drift(&self, report: &mut #rt::DriftReport) {
                report.object(#name, &self.extra);
                #(#checks)*
            }
        }
    }
}
