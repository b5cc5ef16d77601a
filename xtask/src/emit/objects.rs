//! Objects (the call record, its page) and request bodies: a struct per spec object,
//! declared for the runtime's `wire_object!`, which gives every object the same
//! behaviour (lenient decoding field by field, unknown fields kept in `extra`, what the
//! server sent remembered, masked `Debug`, drift) from one definition.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::common::{doc, field_doc, field_ident, referenced_types, rust_type, use_super};
use super::settings::Settings;
use crate::spec::model::{FieldDef, FieldType, ObjectFile, ObjectRole};
use crate::spec::resolve::{Object, Shape};

/// Whether a struct is sent (requests: unset options are left out of the body) or
/// received (responses: every key is written back, `null` when unset).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Request,
    Response,
}

pub(super) fn emit_object(o: &Object, settings: &Settings) -> TokenStream {
    if let Shape::SharedPage { item } = &o.shape {
        return shared_page(o, item, settings);
    }
    let mut text = o.description.clone();
    let role = match o.role {
        // `wire_object!` adds what decoding a response does to the type's documentation.
        ObjectRole::Response => Role::Response,
        ObjectRole::Request => {
            text.push_str(&format!("\n\nSent inside a request body: build it with [`{}::new`] and the setters; unset fields are left out of the JSON.", o.name));
            Role::Request
        }
    };
    if let Some(wire) = &o.wire {
        text.push_str(&format!("{}Vendor name: `{wire}`.", if role == Role::Response { "\n\n" } else { " " }));
    }
    let uses = use_super(&referenced_types(&o.fields));
    let item = struct_item(&o.name, &text, &o.fields, role, settings);
    let body = (role == Role::Request).then(|| super::request::body_impl(&o.name, &o.fields, &[], false, settings));
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

/// The struct, declared for the runtime's `wire_object!` (which writes its
/// `Serialize`, `Deserialize`, `Debug` and `Drift` impls): shared by objects and
/// request bodies. The struct is emitted as an item marked `#[wire_object = "PATH"]`,
/// which [`render`](super::render) turns into the macro invocation, so prettyplease
/// lays out the fields one per line.
pub(super) fn struct_item(
    name: &str,
    type_doc: &str,
    fields: &[FieldDef],
    role: Role,
    settings: &Settings,
) -> TokenStream {
    let ty = format_ident!("{name}");
    let type_doc = doc(type_doc);
    let decls = fields.iter().map(|f| {
        let ident = field_ident(f);
        let ty = field_type(f);
        let doc = doc(&field_doc(f, true));
        let wire = &f.wire;
        let kind = format_ident!("{}", kind(f));
        let personal = f.personal_data.then(|| quote!(, personal));
        // A request object's field names its setter's type: the macro writes the setter.
        let set = (role == Role::Request).then(|| {
            let ty = rust_type(&f.ty);
            quote!((#ty))
        });
        quote! {
            #doc
            #[wire(#wire, #kind #set #personal)]
            pub #ident: #ty,
        }
    });
    let default = (role == Role::Response && fields.iter().all(|f| !f.required)).then(|| quote!(#[derive(Default)]));
    let role = format_ident!("{}", if role == Role::Response { "response" } else { "request" });
    let path = settings.macro_path("wire_object");
    quote! {
        #[wire_object = #path]
        #type_doc
        #[wire(#role, #name)]
        #default
        pub struct #ty {
            #(#decls)*
        }
    }
}

/// The field's kind for `wire_object!`.
fn kind(f: &FieldDef) -> &'static str {
    match (&f.ty, f.required) {
        (FieldType::Array(_), _) => "list",
        (FieldType::Object(_), true) => "required_object",
        (FieldType::Object(_), false) => "object",
        (_, true) => "required",
        (_, false) => "optional",
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

/// A page of the vendor's shared shape: the runtime's `Page<Item>` under the spec's name.
fn shared_page(o: &ObjectFile, item: &str, settings: &Settings) -> TokenStream {
    let rt = settings.runtime();
    let (ty, item_ty, name) = (format_ident!("{}", o.name), format_ident!("{item}"), &o.name);
    let doc = doc(&format!(
        "{}\n\nThe runtime's [`Page`]({rt_path}::Page) of [`{item}`]: `total`, `pageNumber`, `pageSize` and `list`, decoded and written back as every response object is.",
        o.description,
        rt_path = settings.runtime_path()
    ));
    quote! {
        use super::#item_ty;

        #doc
        pub type #ty = #rt::Page<#item_ty>;

        impl #rt::PageItem for #item_ty {
            const PAGE: &'static str = #name;
        }
    }
}
