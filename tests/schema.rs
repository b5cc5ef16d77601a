//! The models' JSON Schema (feature `schemars`), checked by an independent validator
//! (`jsonschema`): the vendor's example record is valid against `CallRecord`'s schema,
//! near misses are not, and every field and code of the spec is in it.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test fails by panicking

use nxlink_models::{CallRecord, CallRecordPage, Callback, Envelope, QueryCallRecordsRequest, ENUMS};
use serde_json::{json, Value};

/// The vendor's example record, from the call-records page kept in `tests/data`.
fn vendor_record() -> Value {
    let page = std::fs::read_to_string(nxlink_tests::root().join("tests/data/query-call-records.txt")).unwrap();
    let start = page.find("\"id\": 125279").and_then(|at| page[..at].rfind('{')).expect("the page's example record");
    let mut depth = 0;
    let end = page[start..]
        .char_indices()
        .find_map(|(i, c)| {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            (depth == 0).then_some(start + i + 1)
        })
        .unwrap();
    serde_json::from_str(&page[start..end]).unwrap()
}

fn schema_of<T: schemars::JsonSchema>() -> (Value, jsonschema::Validator) {
    let schema = serde_json::to_value(schemars::schema_for!(T)).unwrap();
    let validator =
        jsonschema::validator_for(&schema).unwrap_or_else(|err| panic!("not a valid schema: {err}\n{schema:#}"));
    (schema, validator)
}

#[test]
fn the_vendors_example_record_is_valid_and_near_misses_are_not() {
    let (_, validator) = schema_of::<CallRecord>();
    let record = vendor_record();
    let errors: Vec<String> = validator.iter_errors(&record).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // Decoding keeps what the schema accepts.
    serde_json::from_value::<CallRecord>(record.clone()).unwrap();

    // Unknown fields are allowed (the SDK keeps them); `null` where the server may send it.
    let mut with_extra = record.clone();
    with_extra["newField"] = json!({"a": 1});
    with_extra["callSummary"] = Value::Null;
    assert!(validator.is_valid(&with_extra));

    for (field, value) in [
        ("callStatus", json!({"code": 10})),
        ("id", json!([1])),
        ("attributes", json!("x")),
        ("callerPhone", json!(5.5)),
    ] {
        let mut bad = record.clone();
        bad[field] = value.clone();
        assert!(!validator.is_valid(&bad), "{field} = {value} passed");
    }
}

#[test]
fn every_field_of_the_spec_is_a_property_under_its_wire_name() {
    let (schema, _) = schema_of::<CallRecord>();
    let properties = schema["properties"].as_object().unwrap();
    let names: Vec<&str> = properties.keys().map(String::as_str).collect();
    for wire in CallRecord::FIELDS {
        assert!(properties.contains_key(*wire), "{wire} missing from {names:?}");
        assert!(properties[*wire]["description"].as_str().is_some_and(|d| !d.is_empty()), "{wire} undocumented");
    }
    assert_eq!(properties.len(), CallRecord::FIELDS.len());
    assert_eq!(schema["additionalProperties"], true);
}

#[test]
fn a_request_schema_requires_its_required_fields() {
    let (schema, validator) = schema_of::<QueryCallRecordsRequest>();
    let required: Vec<&str> = schema["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert!(required.contains(&"taskId"), "{required:?}");
    let request = serde_json::to_value(QueryCallRecordsRequest::new("T")).unwrap();
    assert!(validator.is_valid(&request), "{request}");
    let mut without = request.clone();
    without.as_object_mut().unwrap().remove("taskId");
    assert!(!validator.is_valid(&without));
}

#[test]
fn every_code_of_every_enum_is_listed_with_its_description_and_unknown_codes_pass() {
    let generator_schema = serde_json::to_value(schemars::schema_for!(CallRecord)).unwrap();
    let definitions = generator_schema["$defs"].as_object().expect("enums are referenced definitions");
    for table in ENUMS.iter().filter(|t| definitions.contains_key(t.name)) {
        let listed = definitions[table.name]["anyOf"].as_array().unwrap();
        for (code, name, description) in table.values {
            assert!(
                listed
                    .iter()
                    .any(|v| v["const"] == json!(code) && v["title"] == *name && v["description"] == *description),
                "{} {code} {name}",
                table.name
            );
        }
    }
    let (_, validator) = schema_of::<CallRecord>();
    let mut record = vendor_record();
    record["callResult"] = json!(99_999);
    assert!(validator.is_valid(&record), "a code newer than the SDK decodes, so the schema takes it");
}

#[test]
fn the_envelope_page_and_callbacks_have_schemas_too() {
    let (_, validator) = schema_of::<Envelope<CallRecordPage>>();
    let body = json!({"code": 0, "message": "success", "traceId": "t", "data": {"total": 1, "pageNumber": 1, "pageSize": 10, "list": [vendor_record()]}});
    let errors: Vec<String> = validator.iter_errors(&body).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let mut bad = body.clone();
    bad["data"]["list"][0]["callStatus"] = json!("ten");
    assert!(!validator.is_valid(&bad));

    let (schema, _) = schema_of::<Callback>();
    let spec = xtask::spec::load_dir(&nxlink_tests::root().join("spec")).unwrap_or_else(|errors| panic!("{errors}"));
    assert_eq!(schema["anyOf"].as_array().unwrap().len(), spec.callbacks.len());
}
