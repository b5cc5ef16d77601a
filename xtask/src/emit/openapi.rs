//! `openapi.json`: the spec as an OpenAPI 3.1 document, for tools that read OpenAPI
//! (client generators in other languages, API explorers, contract tests). Every endpoint
//! with its request body and its enveloped answer, every object and enum (each code with
//! its description), and the signature headers as security schemes. Written by
//! `cargo xtask codegen` (and `cargo xtask openapi`), kept fresh by `--check`.

use serde_json::{json, Map, Value};

use crate::spec::model::{FieldDef, FieldType, ObjectRole, Spec};
use crate::spec::resolve::{Data, Shape};

/// Where the envelope, whose `data` each answer fills in, is kept.
const ENVELOPE: &str = "#/components/schemas/Envelope";

/// The document, as pretty JSON with a final newline.
pub fn openapi(spec: &Spec) -> Result<String, String> {
    let mut text =
        serde_json::to_string_pretty(&document(spec)).map_err(|err| format!("cannot write openapi.json: {err}"))?;
    text.push('\n');
    Ok(text)
}

fn document(spec: &Spec) -> Value {
    let service = &spec.service;
    let auth = &service.auth;
    let mut schemas = Map::new();
    for e in spec.enums.values() {
        let mut one_of: Vec<Value> = e
            .values
            .iter()
            .map(|v| {
                let mut value = json!({"const": v.value, "title": v.name, "description": v.description});
                if let Some(notes) = &v.notes {
                    value["description"] = Value::String(format!("{} {notes}", v.description));
                }
                value
            })
            .collect();
        one_of
            .push(json!({"type": "integer", "description": format!("A `{}` code newer than this document.", e.wire)}));
        schemas.insert(e.name.clone(), json!({"type": "integer", "description": e.description, "anyOf": one_of}));
    }
    for o in spec.objects.values() {
        let schema = match &o.shape {
            Shape::SharedPage { item } => page(&o.description, &json!({"$ref": reference(item)})),
            Shape::Struct => object(&o.description, &o.fields, o.role == ObjectRole::Response),
        };
        schemas.insert(o.name.clone(), schema);
    }
    let mut envelope = object(&service.envelope.description, &service.envelope.fields, true);
    envelope["properties"][&service.envelope.data_field] = json!({"description": service.envelope.data_description});
    schemas.insert("Envelope".to_owned(), envelope);

    let mut paths = Map::new();
    for e in spec.endpoints.values() {
        schemas.insert(e.request.name.clone(), object(&format!("Body of {}.", e.summary), &e.request.fields, false));
        let data = match &e.data {
            Data::Object(object) => json!({"$ref": reference(&object.name)}),
            Data::None => json!({"type": "null", "description": "Nothing: `null` or absent."}),
            Data::Json => json!({"description": "JSON the vendor's docs leave open."}),
        };
        let answer = json!({
            "allOf": [
                {"$ref": ENVELOPE},
                {"type": "object", "properties": {service.envelope.data_field.clone(): data}}
            ]
        });
        let fixed = [("bizType", &e.biz_type), ("action", &e.action)].map(|(name, value)| {
            json!({"name": name, "in": "header", "required": true, "schema": {"type": "string", "const": value}})
        });
        let operation = json!({
            "operationId": e.name,
            "summary": e.summary,
            "description": e.description,
            "parameters": fixed,
            "requestBody": {
                "required": true,
                "content": {auth.content_type.clone(): {"schema": {"$ref": reference(&e.request.name)}}}
            },
            "responses": {
                "200": {
                    "description": format!("An envelope: `code` {} is success, any other code an error (see `ErrorCode`).", service.envelope.success_code),
                    "content": {auth.content_type.clone(): {"schema": answer}}
                }
            },
            "x-idempotent": e.idempotent,
        });
        paths.insert(e.path.clone(), json!({e.method.as_str().to_lowercase(): operation}));
    }

    // Each signature header is an API key in a header; a request needs all of them.
    let mut security_schemes = Map::new();
    let mut requirement = Map::new();
    for header in auth
        .headers
        .iter()
        .filter(|h| h.required && auth.signing.signed_headers.contains(&h.name) || h.name == auth.signing.sign_header)
    {
        if header.name == "bizType" || header.name == "action" {
            continue; // fixed per endpoint: parameters of each operation
        }
        security_schemes.insert(
            header.name.clone(),
            json!({"type": "apiKey", "in": "header", "name": header.name, "description": header.description}),
        );
        requirement.insert(header.name.clone(), json!([]));
    }
    let servers: Vec<Value> = service
        .regions
        .iter()
        .map(|r| json!({"url": r.api_gateway, "description": format!("{} ({})", r.region, r.code)}))
        .collect();
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": service.name,
            "version": env!("CARGO_PKG_VERSION"),
            "description": format!("{}\n\nSigning: {}", service.description, auth.signing.description),
        },
        "servers": servers,
        "security": [requirement],
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": security_schemes},
    })
}

fn reference(name: &str) -> String {
    format!("#/components/schemas/{name}")
}

/// An object: its fields under their wire names, unknown ones allowed. A response's
/// optional fields may be `null`.
fn object(description: &str, fields: &[FieldDef], response: bool) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for f in fields {
        let mut schema = field_type(&f.ty);
        if response && !f.required {
            schema = json!({"anyOf": [schema, {"type": "null"}]});
        }
        schema["description"] = Value::String(f.description.clone());
        if let Some(example) = &f.example {
            schema["examples"] = json!([example]);
        }
        if let Some(min) = f.minimum {
            schema["minimum"] = json!(min);
        }
        if let Some(max) = f.maximum {
            schema["maximum"] = json!(max);
        }
        if let Some(min) = f.min_length {
            schema["minLength"] = json!(min);
        }
        if let Some(max) = f.max_length {
            schema["maxLength"] = json!(max);
        }
        if f.inferred {
            schema["x-inferred"] = Value::Bool(true);
        }
        properties.insert(f.wire.clone(), schema);
        if f.required {
            required.push(Value::String(f.wire.clone()));
        }
    }
    let mut schema =
        json!({"type": "object", "description": description, "properties": properties, "additionalProperties": true});
    if !required.is_empty() {
        schema["required"] = Value::Array(required);
    }
    schema
}

/// The vendor's shared page of `item`.
fn page(description: &str, item: &Value) -> Value {
    json!({
        "type": "object",
        "description": description,
        "properties": {
            "total": {"type": ["integer", "null"], "format": "int64", "description": "Total number of matching items."},
            "pageNumber": {"type": ["integer", "null"], "format": "int32", "description": "The page's number, from 1."},
            "pageSize": {"type": ["integer", "null"], "format": "int32", "description": "The page's size."},
            "list": {"type": ["array", "null"], "items": item, "description": "The page's items."}
        },
        "additionalProperties": true
    })
}

fn field_type(ty: &FieldType) -> Value {
    match ty {
        FieldType::String => json!({"type": "string"}),
        FieldType::Int32 => json!({"type": "integer", "format": "int32"}),
        FieldType::Int64 => json!({"type": "integer", "format": "int64"}),
        FieldType::Float64 => json!({"type": "number", "format": "double"}),
        FieldType::Bool => json!({"type": "boolean"}),
        FieldType::Enum(name) | FieldType::Object(name) => json!({"$ref": reference(name)}),
        FieldType::Array(inner) => json!({"type": "array", "items": field_type(inner)}),
    }
}
