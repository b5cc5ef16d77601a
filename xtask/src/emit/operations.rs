//! Endpoints: the request body with its builder and `validate()`, and a marker type
//! implementing the runtime's `Operation` (and `PaginatedOperation`) traits, which is
//! all the client and the mock need to call or serve it.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::objects::{struct_item, Role};
use super::{doc, field_ident, referenced_types, rust_type, use_super, Settings};
use crate::spec::model::{FieldDef, FieldType};
use crate::spec::resolve::{Constraint, Data, Endpoint, Pagination};

/// The Rust type of an endpoint's `data`, and what `data: null` (or no `data`) means for
/// it: `None` when the answer must carry data.
fn data_type(e: &Endpoint, settings: &Settings) -> (TokenStream, TokenStream, String) {
    let rt = settings.runtime();
    match &e.data {
        Data::Object(object) => {
            let name = &object.name;
            let ident = format_ident!("{name}");
            let all_optional = object.fields.iter().all(|f| !f.required);
            let empty = if all_optional { quote!(Some(#ident::default())) } else { quote!(None) };
            (quote!(#ident), empty, format!("[`{name}`]"))
        }
        Data::None => (
            quote!(#rt::NoData),
            quote!(Some(#rt::NoData)),
            format!("nothing ([`NoData`]({}::NoData))", settings.runtime_path()),
        ),
        Data::Json => (
            quote!(#rt::JsonValue),
            quote!(Some(#rt::JsonValue::Null)),
            format!("JSON the docs leave open ([`JsonValue`]({}::JsonValue))", settings.runtime_path()),
        ),
    }
}

pub(super) fn emit(e: &Endpoint, settings: &Settings) -> TokenStream {
    let rt = settings.runtime();
    let op = format_ident!("{}", e.name);
    let req = format_ident!("{}", e.request.name);
    let (data, empty_data, data_doc) = data_type(e, settings);
    let fields = &e.request.fields;

    let body_impl = body_impl(&e.request.name, fields, &e.constraints, true, settings);
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
    let (biz_type, action) = (&e.biz_type, &e.action);
    let idempotent = e.idempotent;
    let pagination_meta = match &e.pagination {
        Some(p) => {
            let (a, b, c, d, i) =
                (&p.page_number.wire, &p.page_size.wire, &p.total.wire, &p.list.wire, &p.item_id.wire);
            quote!(Some(#rt::Pagination { page_number: #a, page_size: #b, total: #c, list: #d, item_id: #i }))
        }
        None => quote!(None),
    };
    let once_meta = match &e.exactly_once {
        None => quote!(None),
        Some(crate::spec::model::ExactlyOnceDef::Resend { .. }) => quote!(Some(#rt::Once::Resend)),
        Some(crate::spec::model::ExactlyOnceDef::Lookup(l)) => {
            let (endpoint, key, result) = (&l.endpoint, &l.key, &l.result);
            let filters = l.filters.iter().map(|(theirs, ours)| quote!((#theirs, #ours)));
            let since = match &l.since {
                Some(since) => quote!(Some(#since)),
                None => quote!(None),
            };
            quote!(Some(#rt::Once::Lookup(#rt::Lookup {
                endpoint: #endpoint, key: #key, filters: &[#(#filters),*], since: #since, result: #result,
            })))
        }
    };
    let mut op_text = format!(
        "{summary}: {}\n\n`{method} {path}` with `bizType: {biz_type}` and `action: {action}`. Request [`{req}`], response data {data_doc}.",
        e.description
    );
    if !e.idempotent {
        op_text.push_str(" Not idempotent: the client does not retry it once the request may have reached the server.");
    }
    if e.pagination.is_some() {
        op_text.push_str(" Paginated: the client offers a stream of pages and a stream of items.");
    }
    let op_doc = doc(&op_text);
    let paginated = e.pagination.as_ref().map(|p| paginated_impl(e, p, settings));

    let mut used = referenced_types(fields);
    if let Data::Object(object) = &e.data {
        used.insert(object.name.clone());
    }
    if let Some(p) = &e.pagination {
        used.insert(p.item.name.clone());
    }
    let uses = use_super(&used);
    let key_meta = match &e.idempotency_key {
        Some(f) => {
            let wire = &f.wire;
            quote!(Some(#wire))
        }
        None => quote!(None),
    };
    let key_fn = e.idempotency_key.as_ref().map(|f| {
        let ident = field_ident(f);
        quote! {
            fn idempotency_key(request: &mut Self::Request) -> Option<&mut Option<String>> {
                Some(&mut request.#ident)
            }
        }
    });

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
                idempotent: #idempotent,
                idempotency_key: #key_meta,
                pagination: #pagination_meta,
                once: #once_meta,
            };
            type Request = #req;
            type Data = #data;

            fn validate(request: &Self::Request) -> Result<(), ValidationError> {
                request.validate()
            }

            fn empty_data() -> Option<Self::Data> {
                #empty_data
            }

            #key_fn
        }

        #paginated

        #request_item

        #body_impl
    }
}

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

fn paginated_impl(e: &Endpoint, p: &Pagination, settings: &Settings) -> TokenStream {
    let rt = settings.runtime();
    let op = format_ident!("{}", e.name);
    let (list_field, total_field, item, id_field) = (&p.list, &p.total, &p.item, &p.item_id);
    let (page_number, page_size) = (&p.page_number, &p.page_size);
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
