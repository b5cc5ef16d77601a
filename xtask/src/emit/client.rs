//! The client side of each endpoint: a `Client` method that starts a request, and a
//! setter per request field on the runtime's `RequestBuilder`, so a call reads
//! `client.query_call_records(task).call_result(17).records()`.

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::common::{doc, field_ident, referenced_types};
use super::render::Files;
use super::request::{setter_type, setter_value};
use super::settings::Settings;
use crate::spec::model::{EndpointFile, Spec};

/// Emits the client's generated files: one per endpoint, and `mod.rs`.
pub fn client(spec: &Spec, settings: &Settings) -> Result<Files, String> {
    let mut files = Files::new();
    let mut modules = Vec::new();
    for e in spec.endpoints.values() {
        let module = e.name.to_snake_case();
        files.insert(format!("{module}.rs"), super::render::render(endpoint(e, settings))?);
        modules.push(format_ident!("{module}"));
    }
    let title = format!(" Client operations generated from the spec of the {}.", spec.service.name);
    let mod_rs = quote! {
        #![doc = #title]
        #(mod #modules;)*
    };
    files.insert("mod.rs".to_owned(), super::render::render(mod_rs)?);
    Ok(files)
}

fn endpoint(e: &EndpointFile, settings: &Settings) -> TokenStream {
    let models = settings.models();
    let op = format_ident!("{}", e.name);
    let req = format_ident!("{}", e.request.name);
    let method = format_ident!("{}", e.name.to_snake_case());
    let args: Vec<_> = e.request.fields.iter().filter(|f| f.required && f.default.is_none()).collect();
    let params = args.iter().map(|f| {
        let ident = field_ident(f);
        let ty = setter_type(f);
        quote!(#ident: #ty)
    });
    let arg_names = args.iter().map(|f| field_ident(f));
    let mut method_text = format!(
        "{}: {}\n\n`{} {}`. Returns a builder with a setter per request field; finish with `send()` for one page",
        e.summary,
        e.description,
        e.method.as_str(),
        e.path
    );
    match &e.pagination {
        Some(p) => {
            let items = p.items_method.as_deref().unwrap_or("items");
            method_text
                .push_str(&format!(", `pages()` for a stream of pages or `{items}()` for a stream of every item."));
        }
        None => method_text.push('.'),
    }
    let method_doc = doc(&method_text);

    let setters = e.request.fields.iter().map(|f| {
        let ident = field_ident(f);
        let ty = setter_type(f);
        let value = setter_value(f, quote!(value));
        let doc = doc(&format!("Sets `{}`: {}", f.wire, f.description));
        quote! {
            #doc
            pub fn #ident(self, value: #ty) -> Self {
                self.map_request(|request| request.#ident(#value))
            }
        }
    });
    let items_alias = e.pagination.as_ref().and_then(|p| p.items_method.as_ref()).map(|name| {
        let ident = format_ident!("{name}");
        let doc = doc("Every item of every page, each once per scan: the same as `items()`.");
        quote! {
            #doc
            pub fn #ident(self) -> crate::ItemStream<#models::#op> {
                self.items()
            }
        }
    });
    let enums: Vec<_> = referenced_types(&e.request.fields).into_iter().map(|n| format_ident!("{n}")).collect();
    let enum_use = if enums.is_empty() { quote!() } else { quote!(use #models::{#(#enums),*};) };
    let models_path = settings.models_path().trim_start_matches("::");
    let impl_doc = doc(&format!("Setters for the fields of [`{req}`]({models_path}::{req})."));

    quote! {
        #enum_use

        impl crate::Client {
            #method_doc
            pub fn #method(&self, #(#params),*) -> crate::RequestBuilder<#models::#op> {
                crate::RequestBuilder::new(self.clone(), #models::#req::new(#(#arg_names),*))
            }
        }

        #impl_doc
        impl crate::RequestBuilder<#models::#op> {
            #(#setters)*

            /// Adds a field the spec does not know to the body, sent after the known
            /// ones: for a field the vendor added or documents only in part.
            pub fn extra_field(self, name: impl Into<String>, value: impl Into<::serde_json::Value>) -> Self {
                self.map_request(|request| request.extra_field(name, value))
            }

            #items_alias
        }
    }
}
