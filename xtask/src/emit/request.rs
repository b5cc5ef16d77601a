//! What a request object adds to its declaration: the constructor with the required
//! fields and defaults, and `validate_at()`, one line per check calling the runtime's
//! `check` (the setters, `extra_field` and `validate()` come from `wire_object!`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::common::{doc, field_ident, rust_type};
use super::settings::Settings;
use crate::spec::model::{FieldDef, FieldType};
use crate::spec::resolve::Constraint;

/// The constructor, setters and `validate()` of a request body or of an object sent
/// inside one. `top` is the body itself, whose `validate()` starts the field paths;
/// nested objects get `validate_at(prefix)`.
pub(super) fn body_impl(
    name: &str,
    fields: &[FieldDef],
    constraints: &[Constraint],
    top: bool,
    settings: &Settings,
) -> TokenStream {
    let rt = settings.runtime();
    let req = format_ident!("{name}");
    // Constructor: required fields without a default are its arguments.
    let args: Vec<&FieldDef> = fields.iter().filter(|f| f.required && f.default.is_none()).collect();
    let default_impl = args.is_empty().then(|| {
        quote! {
            /// The same as [`Self::new`]: no field is required.
            impl Default for #req {
                fn default() -> Self {
                    Self::new()
                }
            }
        }
    });
    let params = args.iter().map(|f| {
        let ident = field_ident(f);
        let ty = setter_type(f);
        quote!(#ident: #ty)
    });
    let inits = fields.iter().map(|f| {
        let ident = field_ident(f);
        match (f.required, f.default) {
            (true, Some(default)) => {
                let lit = int_literal(&f.ty, default);
                quote!(#ident: #lit)
            }
            (true, None) if matches!(f.ty, FieldType::String | FieldType::Enum(_)) => quote!(#ident: #ident.into()),
            (true, None) => quote!(#ident),
            (false, _) if matches!(f.ty, FieldType::Array(_)) => quote!(#ident: Vec::new()),
            (false, _) => quote!(#ident: None),
        }
    });
    let defaults: Vec<String> =
        fields.iter().filter_map(|f| f.default.map(|d| format!("`{}` starts at {d}", f.wire))).collect();
    let new_doc = doc(&format!(
        "A value with its required fields{}; every optional field is unset.",
        if defaults.is_empty() { String::new() } else { format!(" ({})", defaults.join(", ")) }
    ));
    let mut checks: Vec<TokenStream> =
        fields.iter().flat_map(field_checks).chain(constraints.iter().map(constraint_check)).collect();
    checks.insert(
        0,
        if checks.is_empty() {
            quote! { let _ = prefix; }
        } else {
            quote! { use #rt::check; }
        },
    );
    // `wire_object!` writes `validate()`, which calls this with an empty prefix.
    let validate = if top {
        quote! {
            /// [`validate`](Self::validate) with field paths starting with `prefix`.
            pub fn validate_at(&self, prefix: &str) -> Result<(), ValidationError> {
                #(#checks)*
                Ok(())
            }
        }
    } else {
        quote! {
            /// Checks the value against the spec's constraints; field paths in errors
            /// start with `prefix` (the request's `validate()` passes `list[3].`).
            pub fn validate_at(&self, prefix: &str) -> Result<(), ValidationError> {
                #(#checks)*
                Ok(())
            }
        }
    };
    quote! {
        #default_impl

        impl #req {
            #new_doc
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits,)* extra: Default::default(), __presence: Default::default() }
            }

            #validate
        }
    }
}

fn int_literal(ty: &FieldType, value: i64) -> TokenStream {
    match ty {
        FieldType::Int32 => {
            let v = proc_macro2::Literal::i32_unsuffixed(i32::try_from(value).unwrap_or(i32::MAX));
            quote!(#v)
        }
        _ => {
            let v = proc_macro2::Literal::i64_unsuffixed(value);
            quote!(#v)
        }
    }
}

pub(super) fn setter_type(f: &FieldDef) -> TokenStream {
    match &f.ty {
        FieldType::String => quote!(impl Into<String>),
        FieldType::Enum(name) => {
            let ident = format_ident!("{name}");
            quote!(impl Into<#ident>)
        }
        other => rust_type(other),
    }
}

pub(super) fn setter_value(f: &FieldDef, value: TokenStream) -> TokenStream {
    match &f.ty {
        FieldType::String | FieldType::Enum(_) => quote!(#value.into()),
        _ => value,
    }
}

/// An optional bound as tokens.
fn bound<T: Into<i128>>(value: Option<T>) -> TokenStream {
    match value {
        Some(value) => {
            let value = proc_macro2::Literal::i128_unsuffixed(value.into());
            quote!(Some(#value))
        }
        None => quote!(None),
    }
}

/// Range, length and item-count checks declared on single fields, and the checks of
/// the objects a field holds: one line each, calling the runtime's `check`.
fn field_checks(f: &FieldDef) -> Vec<TokenStream> {
    let ident = field_ident(f);
    let wire = &f.wire;
    let mut out = Vec::new();
    if f.minimum.is_some() || f.maximum.is_some() {
        let (min, max) = (bound(f.minimum), bound(f.maximum));
        out.push(quote! { check::range(prefix, #wire, self.#ident, #min, #max)?; });
    }
    if f.min_length.is_some() || f.max_length.is_some() {
        let (min, max) = (bound(f.min_length), bound(f.max_length));
        let value = if f.required { quote!(self.#ident.as_str()) } else { quote!(self.#ident.as_deref()) };
        out.push(quote! { check::length(prefix, #wire, #value, #min, #max)?; });
    }
    if let FieldType::Array(item) = &f.ty {
        let (min, max) = (f.min_items.filter(|min| *min > 0), f.max_items);
        if min.is_some() || max.is_some() {
            let (min, max) = (bound(min), bound(max));
            out.push(quote! { check::items(prefix, #wire, &self.#ident, #min, #max)?; });
        }
        if matches!(item.as_ref(), FieldType::Object(_)) {
            out.push(quote! {
                for (index, item) in self.#ident.iter().enumerate() {
                    item.validate_at(&check::nested(prefix, #wire, Some(index)))?;
                }
            });
        }
    }
    if let FieldType::Object(_) = &f.ty {
        out.push(if f.required {
            quote! { self.#ident.validate_at(&check::nested(prefix, #wire, None))?; }
        } else {
            quote! {
                if let Some(value) = &self.#ident {
                    value.validate_at(&check::nested(prefix, #wire, None))?;
                }
            }
        });
    }
    out
}

/// A field's value as `Option<_>` for cross-field rules, treating `""` as unset.
fn optional_value(f: &FieldDef) -> TokenStream {
    let ident = field_ident(f);
    match (f.required, &f.ty) {
        (true, FieldType::String) => quote!(Some(self.#ident.as_str()).filter(|v| !v.is_empty())),
        (true, _) => quote!(Some(self.#ident)),
        (false, FieldType::String) => quote!(self.#ident.as_deref().filter(|v| !v.is_empty())),
        (false, _) => quote!(self.#ident),
    }
}

/// A cross-field rule, with its fields as the validator resolved them: one call to the
/// runtime's `check`.
fn constraint_check(c: &Constraint) -> TokenStream {
    match c {
        Constraint::NotAfter { first, second } => {
            let (va, vb) = (optional_value(first), optional_value(second));
            let (wire, other) = (&first.wire, &second.wire);
            quote! { check::not_after(prefix, #wire, #va, #other, #vb)?; }
        }
        Constraint::AtLeastOneOf(fields) => {
            let values = fields.iter().map(optional_value);
            let wires = fields.iter().map(|f| f.wire.as_str());
            quote! { check::at_least_one_of(prefix, &[#(#wires),*], &[#(#values.is_some()),*])?; }
        }
        Constraint::OnlyWithGroup { field, enum_field, enum_file, group } => {
            let (vf, vef) = (optional_value(field), optional_value(enum_field));
            let (wire, ew) = (&field.wire, &enum_field.wire);
            let allowed = enum_file
                .groups
                .iter()
                .filter(|g| &g.name == group)
                .flat_map(|g| g.values.iter().map(|v| proc_macro2::Literal::i64_unsuffixed(*v)));
            quote! {
                check::only_with_group(prefix, #wire, #vf.is_some(), #ew, #vef.map(|v| v.code()), #group, &[#(#allowed),*])?;
            }
        }
    }
}
