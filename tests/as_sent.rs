//! Records exactly as sent: a field the server did not send is not written, a `null`
//! stays `null`, unknown fields are kept, and decoding then encoding gives the server's
//! JSON back with two normalisations only: a number sent as a string comes back as a
//! number, and `""` where a number (or an object, or a list) goes comes back as `null`.
//! The forms each field is sent in come from the spec's type of that field, so a field
//! the docs add is covered with no edit here.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test fails by panicking

use nxlink_models::{decode, CallRecord, CallRecordPage, TaskPage};
use proptest::prelude::*;
use serde_json::{json, Map, Value};
use xtask::spec::model::{FieldDef, FieldType};

/// The fields of a spec object.
fn fields(object: &str) -> Vec<FieldDef> {
    let spec = xtask::spec::load_dir(&nxlink_tests::root().join("spec")).unwrap();
    spec.objects[object].fields.clone()
}

/// How a field is sent, and what must come back for it (`None`: not written).
#[derive(Debug, Clone)]
enum Form {
    Absent,
    Null,
    Value,
    NumberAsString,
    Blank,
    Padded,
}

fn value_for(ty: &FieldType, seed: u32) -> Value {
    match ty {
        FieldType::String => json!(format!("text {seed}")),
        FieldType::Int32 | FieldType::Enum(_) => json!(seed % 40),
        FieldType::Int64 => json!(1_700_000_000_i64 + i64::from(seed)),
        FieldType::Float64 => json!(f64::from(seed) + 0.25),
        FieldType::Bool => json!(seed.is_multiple_of(2)),
        FieldType::Array(_) => json!([]),
        FieldType::Object(_) => json!({}),
    }
}

/// `(sent, expected back)` for one field in one form.
fn sent_and_back(field: &FieldDef, form: &Form, seed: u32) -> (Option<Value>, Option<Value>) {
    let numeric = matches!(field.ty, FieldType::Int32 | FieldType::Int64 | FieldType::Float64 | FieldType::Enum(_));
    let value = value_for(&field.ty, seed);
    match form {
        Form::Absent => (None, None),
        Form::Null => (Some(Value::Null), Some(Value::Null)),
        Form::Value => (Some(value.clone()), Some(value)),
        Form::NumberAsString if numeric => (Some(json!(value.to_string())), Some(value)),
        Form::Blank if numeric || matches!(field.ty, FieldType::Array(_) | FieldType::Object(_)) => {
            (Some(json!("")), Some(Value::Null))
        }
        Form::Blank => (Some(json!("")), Some(json!(""))),
        Form::Padded if field.ty == FieldType::String => (Some(json!("  padded ")), Some(json!("  padded "))),
        Form::Padded if numeric => (Some(json!(format!(" {value} "))), Some(value)),
        // A form that does not apply to this type is sent as a plain value.
        _ => (Some(value.clone()), Some(value)),
    }
}

fn form() -> impl Strategy<Value = Form> {
    prop_oneof![
        Just(Form::Absent),
        Just(Form::Null),
        Just(Form::Value),
        Just(Form::NumberAsString),
        Just(Form::Blank),
        Just(Form::Padded),
    ]
}

fn unknown() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map(
        "later[A-Z][a-z]{1,6}",
        prop_oneof![Just(Value::Null), any::<i32>().prop_map(Value::from), "[a-z]{0,5}".prop_map(Value::from)],
        0..3,
    )
    .prop_map(|m| m.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    /// Every field of the call record in every form, with unknown fields beside them.
    #[test]
    fn a_record_comes_back_as_sent(forms in prop::collection::vec(form(), 64), seed in 0_u32..1000, extra in unknown()) {
        let fields = fields("CallRecord");
        prop_assert!(fields.len() <= forms.len(), "more fields than forms drawn: draw more");
        let mut sent = Map::new();
        let mut back = Map::new();
        for (field, form) in fields.iter().zip(&forms) {
            let (s, b) = sent_and_back(field, form, seed);
            if let Some(s) = s { sent.insert(field.wire.clone(), s); }
            if let Some(b) = b { back.insert(field.wire.clone(), b); }
        }
        for (key, value) in &extra {
            sent.insert(key.clone(), value.clone());
            back.insert(key.clone(), value.clone());
        }
        let record: CallRecord = decode(&serde_json::to_vec(&sent).unwrap()).unwrap();
        prop_assert_eq!(serde_json::to_value(&record).unwrap(), Value::Object(back));
    }
}

/// The example: the vendor's record sent with three fields is written back with
/// those three, not with every known field as `null`.
#[test]
fn a_record_sent_with_three_fields_is_written_with_three() {
    let sent = json!({"id": 7, "callId": "c-1", "callSummary": null});
    let record: CallRecord = decode(sent.to_string().as_bytes()).unwrap();
    assert_eq!(serde_json::to_value(&record).unwrap(), sent);
}

/// Lists: absent, `null`, `[]` and a list each come back as they were; nested objects
/// keep their own absences.
#[test]
fn lists_and_nested_objects_come_back_as_sent() {
    for list in [json!(null), json!([]), json!([{"id": 1}, {"id": 2, "calleePhone": null}])] {
        let page = json!({"total": 2, "list": list});
        let decoded: CallRecordPage = decode(page.to_string().as_bytes()).unwrap();
        assert_eq!(serde_json::to_value(&decoded).unwrap(), page, "{list}");
    }
    let absent = json!({"total": 0});
    let decoded: CallRecordPage = decode(absent.to_string().as_bytes()).unwrap();
    assert_eq!(serde_json::to_value(&decoded).unwrap(), absent);
    // A nested object: `statInfo` null, absent, or with fields of its own absent.
    for stat in [json!(null), json!({}), json!({"totalOrderCount": 3, "answerRate": null})] {
        let page = json!({"list": [{"taskId": "t", "statInfo": stat}]});
        let decoded: TaskPage = decode(page.to_string().as_bytes()).unwrap();
        assert_eq!(serde_json::to_value(&decoded).unwrap(), page, "{stat}");
    }
}

/// A string field sent as a number or a boolean comes back as one; set in code it is a
/// string; a field set in code is written, one left unset is not.
#[test]
fn a_string_sent_as_a_number_comes_back_as_a_number() {
    let sent = json!({"callId": 12345, "sipCode": 200, "hangupReason": true, "lineId": "7"});
    let record: CallRecord = decode(sent.to_string().as_bytes()).unwrap();
    assert_eq!(record.call_id.as_deref(), Some("12345"));
    assert_eq!(serde_json::to_value(&record).unwrap(), sent);
    let mut built = CallRecord::default();
    built.call_id = Some("12345".to_owned());
    assert_eq!(serde_json::to_value(&built).unwrap(), json!({"callId": "12345"}));
}
