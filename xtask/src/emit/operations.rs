//! Endpoints: a marker type implementing the runtime's `Operation` (and
//! `PaginatedOperation`) traits, which is all the client and the mock need to call or
//! serve it, next to its request body (declared by [`objects`](super::objects), built
//! and checked by [`request`](super::request)).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::common::{doc, field_ident, referenced_types, rust_type, use_super};
use super::objects::{struct_item, Role};
use super::request::body_impl;
use super::settings::Settings;
use crate::spec::model::{FieldDef, FieldType};
use crate::spec::resolve::{Data, Endpoint, Pagination};

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
