//! `openapi.json`, read back by an independent parser (`oas3`) and checked against the
//! spec: every endpoint, request, object and enum value, and the signature headers.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test fails by panicking

use nxlink_tests::root;
use serde_json::{json, Value};
use xtask::spec::model::FieldType;

fn document() -> (oas3::OpenApiV3Spec, Value) {
    let text = std::fs::read_to_string(root().join(xtask::codegen::OPENAPI_FILE)).unwrap();
    let parsed = oas3::from_json(&text).unwrap_or_else(|err| panic!("openapi.json does not parse as OpenAPI: {err}"));
    (parsed, serde_json::from_str(&text).unwrap())
}

fn spec() -> xtask::spec::Spec {
    xtask::spec::load_dir(&root().join("spec")).unwrap_or_else(|errors| panic!("{errors}"))
}

#[test]
fn every_endpoint_is_an_operation_with_its_request_and_enveloped_answer() {
    let (parsed, raw) = document();
    let spec = spec();
    assert_eq!(parsed.openapi, "3.1.0");
    let operations: Vec<(String, String, Option<String>)> = parsed
        .operations()
        .map(|(path, method, op)| (path, method.as_str().to_owned(), op.operation_id.clone()))
        .collect();
    assert_eq!(operations.len(), spec.endpoints.len(), "{operations:?}");
    for e in spec.endpoints.values() {
        let method = e.method.as_str();
        assert!(
            operations.iter().any(|(path, m, id)| path == &e.path
                && m.eq_ignore_ascii_case(method)
                && id.as_deref() == Some(e.name.as_str())),
            "{} {method} {} missing from {operations:?}",
            e.name,
            e.path
        );
        let op = &raw["paths"][&e.path][method.to_lowercase()];
        assert_eq!(op["summary"], e.summary.as_str());
        let body = &op["requestBody"]["content"]["application/json"]["schema"]["$ref"];
        assert_eq!(body, &json!(format!("#/components/schemas/{}", e.request.name)));
        let request = &raw["components"]["schemas"][&e.request.name];
        let properties: Vec<&str> = request["properties"].as_object().unwrap().keys().map(String::as_str).collect();
        let wires: Vec<&str> = e.request.fields.iter().map(|f| f.wire.as_str()).collect();
        assert_eq!(sorted(properties), sorted(wires.clone()), "{}", e.name);
        for f in e.request.fields.iter().filter(|f| f.required) {
            assert!(request["required"].as_array().unwrap().contains(&json!(f.wire)), "{}.{}", e.name, f.wire);
        }
        // Fixed headers of the operation.
        let headers: Vec<&Value> = op["parameters"].as_array().unwrap().iter().collect();
        assert!(headers.iter().any(|h| h["name"] == "bizType" && h["schema"]["const"] == e.biz_type.as_str()));
        assert!(headers.iter().any(|h| h["name"] == "action" && h["schema"]["const"] == e.action.as_str()));
        let answer = &op["responses"]["200"]["content"]["application/json"]["schema"];
        assert_eq!(answer["allOf"][0]["$ref"], "#/components/schemas/Envelope");
    }
}

fn sorted(mut items: Vec<&str>) -> Vec<&str> {
    items.sort_unstable();
    items
}

#[test]
fn every_object_field_and_enum_value_is_there_with_its_description() {
    let (parsed, raw) = document();
    let spec = spec();
    let schemas = parsed.components.as_ref().unwrap().schemas.keys().cloned().collect::<Vec<_>>();
    for o in spec.objects.values() {
        assert!(schemas.contains(&o.name), "{} missing", o.name);
        let properties = &raw["components"]["schemas"][&o.name]["properties"];
        for f in &o.fields {
            assert!(properties.get(&f.wire).is_some(), "{}.{} missing", o.name, f.wire);
            if let FieldType::Enum(name) | FieldType::Object(name) = &f.ty {
                let text = properties[&f.wire].to_string();
                assert!(
                    text.contains(&format!("#/components/schemas/{name}")),
                    "{}.{} does not point at {name}",
                    o.name,
                    f.wire
                );
            }
        }
    }
    for e in spec.enums.values() {
        let listed = raw["components"]["schemas"][&e.name]["anyOf"].as_array().unwrap();
        for v in &e.values {
            let entry = listed
                .iter()
                .find(|entry| entry["const"] == json!(v.value))
                .unwrap_or_else(|| panic!("{} {}", e.name, v.value));
            assert_eq!(entry["title"], v.name.as_str());
            assert!(entry["description"].as_str().unwrap().starts_with(&v.description), "{} {}", e.name, v.value);
        }
    }
}

#[test]
fn the_signature_headers_are_the_security_scheme() {
    let (parsed, raw) = document();
    let spec = spec();
    let signing = &spec.service.auth.signing;
    let schemes = &parsed.components.as_ref().unwrap().security_schemes;
    let expected: Vec<&String> = signing
        .signed_headers
        .iter()
        .filter(|h| *h != "bizType" && *h != "action")
        .chain(std::iter::once(&signing.sign_header))
        .collect();
    for header in &expected {
        assert!(schemes.contains_key(*header), "{header} missing from {:?}", schemes.keys().collect::<Vec<_>>());
        assert_eq!(raw["components"]["securitySchemes"][header.as_str()]["in"], "header");
        assert!(raw["security"][0].get(header.as_str()).is_some(), "{header} not required");
    }
    assert_eq!(schemes.len(), expected.len());
}

#[test]
fn the_vendors_example_record_is_valid_against_the_documents_call_record() {
    let (_, raw) = document();
    let root_schema = json!({"$ref": "#/components/schemas/CallRecord", "components": raw["components"]});
    let validator = jsonschema::validator_for(&root_schema).unwrap();
    let page = std::fs::read_to_string(root().join("tests/data/query-call-records.txt")).unwrap();
    let start = page.find("\"id\": 125279").and_then(|at| page[..at].rfind('{')).unwrap();
    let mut depth = 0;
    let end = page[start..]
        .char_indices()
        .find_map(|(i, c)| {
            depth += match c {
                '{' => 1,
                '}' => -1,
                _ => 0,
            };
            (depth == 0).then_some(start + i + 1)
        })
        .unwrap();
    let record: Value = serde_json::from_str(&page[start..end]).unwrap();
    let errors: Vec<String> = validator.iter_errors(&record).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let mut bad = record;
    bad["callStatus"] = json!("ten");
    assert!(!validator.is_valid(&bad));
}
