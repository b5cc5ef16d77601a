//! Endpoints: the request body with its builder and `validate()`, and a marker type
//! implementing the runtime's `Operation` (and `PaginatedOperation`) traits, which is
//! all the client and the mock need to call or serve it.

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::objects::{struct_item, Role};
use super::{doc, field_ident, referenced_types, rust_type, use_super, Settings};
use crate::spec::model::{ConstraintDef, EndpointFile, FieldDef, FieldType, Spec};

pub(super) fn emit(spec: &Spec, e: &EndpointFile, settings: &Settings) -> TokenStream {
    let rt = settings.runtime();
    let op = format_ident!("{}", e.name);
    let req = format_ident!("{}", e.request.name);
    let data = format_ident!("{}", e.response.data);
    let fields = &e.request.fields;

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
            (true, None) => {
                let value = setter_value(f, quote!(#ident));
                quote!(#ident: #value)
            }
            (false, _) if matches!(f.ty, FieldType::Array(_)) => quote!(#ident: Vec::new()),
            (false, _) => quote!(#ident: None),
        }
    });
    let defaults: Vec<String> =
        fields.iter().filter_map(|f| f.default.map(|d| format!("`{}` starts at {d}", f.wire))).collect();
    let new_doc = doc(&format!(
        "A request with its required fields{}; every optional filter is unset.",
        if defaults.is_empty() { String::new() } else { format!(" ({})", defaults.join(", ")) }
    ));

    let setters = fields.iter().map(|f| {
        let ident = field_ident(f);
        let ty = setter_type(f);
        let value = setter_value(f, quote!(value));
        let stored = if f.required { value } else { quote!(Some(#value)) };
        let doc = doc(&format!("Sets `{}`: {}", f.wire, f.description));
        quote! {
            #doc
            #[must_use]
            pub fn #ident(mut self, value: #ty) -> Self {
                self.#ident = #stored;
                self
            }
        }
    });

    let checks = fields.iter().flat_map(field_checks).chain(e.constraints.iter().map(|c| constraint_check(e, c)));

    let mut req_text = format!(
        "Body of [`{op}`]: {}.\n\nBuild it with [`{req}::new`] and the setters; unset filters are left out of the JSON (never sent as `null` or `\"\"`).",
        e.summary
    );
    if fields.iter().any(|f| f.personal_data) {
        req_text.push_str(" Personal data prints masked in `Debug`.");
    }
    let request_item = struct_item(&e.request.name, &req_text, fields, Role::Request, settings);

    let summary = &e.summary;
    let name = &e.name;
    let method = e.method.as_str();
    let path = &e.path;
    let biz_type = &e.biz_type;
    let action = &e.action;
    let pagination_meta = match &e.pagination {
        Some(p) => {
            let (a, b, c, d, i) = (&p.page_number, &p.page_size, &p.total, &p.list, &p.item_id);
            quote!(Some(#rt::Pagination { page_number: #a, page_size: #b, total: #c, list: #d, item_id: #i }))
        }
        None => quote!(None),
    };
    let mut op_text = format!(
        "{summary}: {}\n\n`{method} {path}` with `bizType: {biz_type}` and `action: {action}`. Request [`{req}`], response data [`{data}`].",
        e.description
    );
    if e.pagination.is_some() {
        op_text.push_str(" Paginated: the client offers a stream of pages and a stream of items.");
    }
    let op_doc = doc(&op_text);
    let paginated = e.pagination.as_ref().map(|p| paginated_impl(spec, e, p, settings));

    let mut used = referenced_types(fields);
    used.insert(e.response.data.clone());
    if let Some(p) = &e.pagination {
        if let Some(FieldType::Array(item)) =
            spec.objects.get(&e.response.data).and_then(|o| o.fields.iter().find(|f| f.wire == p.list)).map(|f| &f.ty)
        {
            if let FieldType::Object(item) = item.as_ref() {
                used.insert(item.clone());
            }
        }
    }
    let uses = use_super(&used);

    quote! {
        #uses
        use #rt::ValidationError;

        #op_doc
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
        pub struct #op;

        impl #rt::Operation for #op {
            const ENDPOINT: #rt::Endpoint = #rt::Endpoint {
                name: #name,
                summary: #summary,
                method: #method,
                path: #path,
                biz_type: #biz_type,
                action: #action,
                pagination: #pagination_meta,
            };
            type Request = #req;
            type Data = #data;

            fn validate(request: &Self::Request) -> Result<(), ValidationError> {
                request.validate()
            }
        }

        #paginated

        #request_item

        #default_impl

        impl #req {
            #new_doc
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits,)* extra: Default::default() }
            }

            /// Adds a field the spec does not know to the body, sent after the known
            /// ones: for a field the vendor added, or documents only in part. A name the
            /// spec knows is ignored here; use its setter.
            #[must_use]
            pub fn extra_field(mut self, name: impl Into<String>, value: impl Into<#rt::JsonValue>) -> Self {
                self.extra.insert(name.into(), value.into());
                self
            }

            #(#setters)*

            /// Checks the request against the spec's constraints before it is sent;
            /// the error names the offending field.
            pub fn validate(&self) -> Result<(), ValidationError> {
                #(#checks)*
                Ok(())
            }
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

/// Range and length checks declared on single fields.
fn field_checks(f: &FieldDef) -> Vec<TokenStream> {
    let ident = field_ident(f);
    let wire = &f.wire;
    let mut out = Vec::new();
    let bind = |check: TokenStream| {
        if f.required {
            quote! { { let value = self.#ident; #check } }
        } else {
            quote! { if let Some(value) = self.#ident { #check } }
        }
    };
    match (f.minimum, f.maximum) {
        (Some(min), Some(max)) => {
            let msg = format!("must be between {min} and {max}, got {{}}");
            let (min, max) = (int_literal(&f.ty, min), int_literal(&f.ty, max));
            out.push(bind(quote! {
                if !(#min..=#max).contains(&value) {
                    return Err(ValidationError::new(#wire, format!(#msg, value)));
                }
            }));
        }
        (Some(min), None) => {
            let msg = format!("must be at least {min}, got {{}}");
            let min = int_literal(&f.ty, min);
            out.push(bind(quote! {
                if value < #min {
                    return Err(ValidationError::new(#wire, format!(#msg, value)));
                }
            }));
        }
        (None, Some(max)) => {
            let msg = format!("must be at most {max}, got {{}}");
            let max = int_literal(&f.ty, max);
            out.push(bind(quote! {
                if value > #max {
                    return Err(ValidationError::new(#wire, format!(#msg, value)));
                }
            }));
        }
        (None, None) => {}
    }
    if let Some(min_len) = f.min_length {
        let min_len = min_len as usize;
        let msg = if min_len == 1 {
            "must not be empty".to_owned()
        } else {
            format!("must be at least {min_len} characters long")
        };
        let check = quote! {
            if value.trim().chars().count() < #min_len {
                return Err(ValidationError::new(#wire, #msg));
            }
        };
        out.push(if f.required {
            quote! { { let value = self.#ident.as_str(); #check } }
        } else {
            quote! { if let Some(value) = self.#ident.as_deref() { #check } }
        });
    }
    out
}

fn find<'a>(e: &'a EndpointFile, wire: &str) -> Option<&'a FieldDef> {
    e.request.fields.iter().find(|f| f.wire == wire)
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

fn constraint_check(e: &EndpointFile, c: &ConstraintDef) -> TokenStream {
    match c {
        ConstraintDef::NotAfter { first, second } => {
            let (Some(a), Some(b)) = (find(e, first), find(e, second)) else { return quote!() };
            let (va, vb) = (optional_value(a), optional_value(b));
            let msg = format!("must not be greater than `{second}` ({{}} > {{}})");
            quote! {
                if let (Some(first), Some(second)) = (#va, #vb) {
                    if first > second {
                        return Err(ValidationError::new(#first, format!(#msg, first, second)));
                    }
                }
            }
        }
        ConstraintDef::OnlyWithGroup { field, enum_field, group } => {
            let (Some(f), Some(ef)) = (find(e, field), find(e, enum_field)) else { return quote!() };
            let (vf, vef) = (optional_value(f), optional_value(ef));
            let predicate = format_ident!("is_{}", group.to_snake_case());
            let msg =
                format!("is only meaningful when `{enum_field}` is in the group `{group}`, but `{enum_field}` is {{}}");
            quote! {
                if let (Some(_), Some(other)) = (#vf, #vef) {
                    if !other.#predicate() {
                        return Err(ValidationError::new(#field, format!(#msg, other.code())));
                    }
                }
            }
        }
    }
}

fn paginated_impl(
    spec: &Spec,
    e: &EndpointFile,
    p: &crate::spec::model::PaginationDef,
    settings: &Settings,
) -> TokenStream {
    let rt = settings.runtime();
    let op = format_ident!("{}", e.name);
    let data = spec.objects.get(&e.response.data);
    let list_field = data.and_then(|o| o.fields.iter().find(|f| f.wire == p.list));
    let total_field = data.and_then(|o| o.fields.iter().find(|f| f.wire == p.total));
    let item = match list_field.map(|f| &f.ty) {
        Some(FieldType::Array(inner)) => match inner.as_ref() {
            FieldType::Object(name) => spec.objects.get(name),
            _ => None,
        },
        _ => None,
    };
    let (Some(list_field), Some(total_field), Some(item), Some(page_number), Some(page_size)) =
        (list_field, total_field, item, find(e, &p.page_number), find(e, &p.page_size))
    else {
        // The validator guarantees all of these; emit nothing rather than panic.
        return quote!();
    };
    let Some(id_field) = item.fields.iter().find(|f| f.wire == p.item_id) else { return quote!() };
    let item_ty = format_ident!("{}", item.name);
    let id_ident = field_ident(id_field);
    let id_ty = rust_type(&id_field.ty);
    let id_expr = match (&id_field.ty, id_field.required) {
        (FieldType::String, true) => quote!(Some(item.#id_ident.clone())),
        (FieldType::String, false) => quote!(item.#id_ident.clone()),
        (_, true) => quote!(Some(item.#id_ident)),
        (_, false) => quote!(item.#id_ident),
    };
    let list_ident = field_ident(list_field);
    let total_ident = field_ident(total_field);
    let total_expr = match (total_field.required, &total_field.ty) {
        (true, FieldType::Int32) => quote!(Some(i64::from(data.#total_ident))),
        (true, _) => quote!(Some(data.#total_ident)),
        (false, FieldType::Int32) => quote!(data.#total_ident.map(i64::from)),
        (false, _) => quote!(data.#total_ident),
    };
    let widen = |field: &FieldDef, ident: &proc_macro2::Ident| match field.ty {
        FieldType::Int32 => quote!(i64::from(request.#ident)),
        _ => quote!(request.#ident),
    };
    let pn = field_ident(page_number);
    let ps = field_ident(page_size);
    let (get_pn, get_ps) = (widen(page_number, &pn), widen(page_size, &ps));
    let set_pn = match page_number.ty {
        FieldType::Int32 => quote!(i32::try_from(page_number).unwrap_or(i32::MAX)),
        _ => quote!(page_number),
    };
    quote! {
        impl #rt::PaginatedOperation for #op {
            type Item = #item_ty;
            type ItemId = #id_ty;

            fn page_number(request: &Self::Request) -> i64 {
                #get_pn
            }
            fn set_page_number(request: &mut Self::Request, page_number: i64) {
                request.#pn = #set_pn;
            }
            fn page_size(request: &Self::Request) -> i64 {
                #get_ps
            }
            fn total(data: &Self::Data) -> Option<i64> {
                #total_expr
            }
            fn item_count(data: &Self::Data) -> usize {
                data.#list_ident.len()
            }
            fn into_items(data: Self::Data) -> Vec<Self::Item> {
                data.#list_ident
            }
            fn item_id(item: &Self::Item) -> Option<Self::ItemId> {
                #id_expr
            }
        }
    }
}
