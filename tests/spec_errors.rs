//! A broken spec is reported like a compiler would: file, JSON path (and line and column
//! where the parser knows them), what is wrong, what was expected.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test fails by panicking

use nxlink_tests::{fixture_sources, fixture_with, replace_once};
use xtask::spec::{load_sources, SpecError};

/// Loads the sources, expects failure, and returns the errors and their rendering.
#[track_caller]
fn errors_of(sources: Vec<(std::path::PathBuf, String)>) -> (Vec<SpecError>, String) {
    match load_sources(sources) {
        Ok(_) => panic!("the broken spec loaded without error"),
        Err(errors) => {
            let text = errors.to_string();
            (errors.0, text)
        }
    }
}

/// Asserts an error at `path` with the given message and expectation (other errors that
/// follow from the same edit may be reported too).
#[track_caller]
fn assert_one(
    sources: Vec<(std::path::PathBuf, String)>,
    file: &str,
    path: &str,
    message: &str,
    expected: &str,
) -> String {
    let (errors, text) = errors_of(sources);
    let e = errors.iter().find(|e| e.path == path).unwrap_or_else(|| panic!("no error at {path}: {text}"));
    assert_eq!(e.file.to_str(), Some(file), "{text}");
    assert!(e.message.contains(message), "message {:?} lacks {message:?}", e.message);
    let got = e.expected.as_deref().unwrap_or_default();
    assert!(got.contains(expected), "expected {got:?} lacks {expected:?}");
    text
}

#[test]
fn the_fixture_and_the_real_spec_load() {
    load_sources(fixture_sources()).unwrap();
    xtask::spec::load_dir(&nxlink_tests::root().join("spec")).unwrap();
}

#[test]
fn duplicate_enum_value() {
    let sources = fixture_with("enums/color.json", |t| replace_once(t, r#""value": 2,"#, r#""value": 1,"#));
    let text = assert_one(
        sources,
        "enums/color.json",
        "$.values[1].value",
        "duplicate enum value 1",
        "1 is already at $.values[0]",
    );
    assert!(text.starts_with("error: duplicate enum value 1\n  --> enums/color.json at $.values[1].value"), "{text}");
}

#[test]
fn unknown_type_reference() {
    let sources = fixture_with("objects/widget.json", |t| {
        replace_once(
            t,
            r#""type": { "enum": "Color" }, "description": "Color""#,
            r#""type": { "enum": "Colour" }, "description": "Color""#,
        )
    });
    assert_one(sources, "objects/widget.json", "$.fields[6].type", "unknown type reference: enum `Colour`", "`Color`");
}

#[test]
fn object_referenced_as_enum_gets_a_precise_hint() {
    let sources = fixture_with("objects/widget.json", |t| {
        replace_once(
            t,
            r#"{ "object": "Part" }, "description": "Nested part""#,
            r#"{ "enum": "Part" }, "description": "Nested part""#,
        )
    });
    assert_one(sources, "objects/widget.json", "$.fields[9].type", "enum `Part`", r#"write {"object": "Part"}"#);
}

#[test]
fn missing_required_key() {
    let sources = fixture_with("objects/part.json", |t| replace_once(t, r#", "description": "Part name""#, ""));
    let text = assert_one(sources, "objects/part.json", "$.fields[0]", "missing key `description`", "");
    assert!(text.contains("objects/part.json:"), "no line and column: {text}");
}

#[test]
fn rust_keyword_as_a_field_name() {
    let sources = fixture_with("objects/widget.json", |t| replace_once(t, r#""name": "type_name", "#, ""));
    assert_one(
        sources,
        "objects/widget.json",
        "$.fields[14].wire",
        "`type` is a Rust keyword",
        "a `name` for the field",
    );
}

#[test]
fn a_field_named_extra_collides_with_the_unknown_fields() {
    let sources = fixture_with("objects/part.json", |t| replace_once(t, r#""wire": "name""#, r#""wire": "extra""#));
    assert_one(
        sources,
        "objects/part.json",
        "$.fields[0].wire",
        "`extra` is reserved for the fields the spec does not know",
        "a `name` for the field other than `extra`",
    );
}

#[test]
fn rust_keyword_as_a_type_name() {
    let sources = fixture_with("objects/part.json", |t| replace_once(t, r#""name": "Part""#, r#""name": "Self""#));
    let (errors, text) = errors_of(sources);
    assert!(errors.iter().any(|e| e.path == "$.name" && e.message == "`Self` is a Rust keyword"), "{text}");
}

#[test]
fn duplicate_wire_name() {
    let sources = fixture_with("objects/widget.json", |t| replace_once(t, r#""wire": "count""#, r#""wire": "label""#));
    let (errors, text) = errors_of(sources);
    let e = errors.iter().find(|e| e.message == "duplicate wire name `label`").unwrap_or_else(|| panic!("{text}"));
    assert_eq!(e.path, "$.fields[2].wire");
    assert!(e.expected.as_deref().unwrap_or_default().contains("already at $.fields[1]"), "{text}");
}

#[test]
fn paginated_endpoint_without_a_list_field() {
    let sources =
        fixture_with("endpoints/list_widgets.json", |t| replace_once(t, r#""list": "items""#, r#""list": "rows""#));
    assert_one(
        sources,
        "endpoints/list_widgets.json",
        "$.pagination.list",
        "paginated endpoint without a list field: `WidgetPage` has no array field `rows`",
        "an array field",
    );
}

#[test]
fn invalid_json_reports_line_and_column() {
    let sources = fixture_with("enums/status.json", |t| replace_once(t, r#""Success" },"#, r#""Success" },,"#));
    let (errors, text) = errors_of(sources);
    assert_eq!(errors.len(), 1, "{text}");
    assert!(errors[0].message.starts_with("invalid JSON:"), "{text}");
    assert_eq!(errors[0].position, Some((8, 60)), "{text}");
    assert!(text.contains("--> enums/status.json:8:60 at $"), "{text}");
}

#[test]
fn unknown_key_lists_the_accepted_keys() {
    let sources = fixture_with("enums/color.json", |t| {
        replace_once(t, r#""description": "A widget's color.""#, r#""descripton": "A widget's color.""#)
    });
    let (errors, text) = errors_of(sources);
    assert_eq!(errors.len(), 1, "{text}");
    assert_eq!(errors[0].message, "unknown key `descripton`");
    assert!(errors[0].expected.as_deref().unwrap_or_default().contains("`description`"), "{text}");
}

#[test]
fn wrong_value_type_names_the_path() {
    let sources = fixture_with("enums/color.json", |t| replace_once(t, r#""value": 3,"#, r#""value": "three","#));
    assert_one(sources, "enums/color.json", "$.values[2].value", "invalid type: string \"three\"", "i64");
}

#[test]
fn group_member_must_be_a_value_of_the_enum() {
    let sources = fixture_with("enums/color.json", |t| replace_once(t, r#""values": [2, 3]"#, r#""values": [2, 9]"#));
    assert_one(sources, "enums/color.json", "$.groups[1].values[1]", "9 is not a value of `Color`", "one of [1, 2, 3]");
}

#[test]
fn unknown_kind_and_missing_service() {
    let sources =
        fixture_with("enums/color.json", |t| replace_once(t, r#""kind": "enum""#, r#""kind": "enumeration""#));
    assert_one(sources, "enums/color.json", "$.kind", "unknown kind `enumeration`", "`enum`");

    let without_service: Vec<_> = fixture_sources().into_iter().filter(|(p, _)| !p.ends_with("service.json")).collect();
    let (errors, text) = errors_of(without_service);
    assert!(errors.iter().any(|e| e.message == "no service file"), "{text}");
}

#[test]
fn duplicate_type_names_across_files() {
    let sources = fixture_with("objects/part.json", |t| replace_once(t, r#""name": "Part""#, r#""name": "Widget""#));
    let (errors, text) = errors_of(sources);
    assert!(errors.iter().any(|e| e.message == "duplicate type name `Widget`"), "{text}");
}

#[test]
fn constraint_on_an_unknown_group() {
    let sources =
        fixture_with("endpoints/list_widgets.json", |t| replace_once(t, r#""group": "warm""#, r#""group": "hot""#));
    assert_one(
        sources,
        "endpoints/list_widgets.json",
        "$.constraints[1].onlyWithGroup.group",
        "`Color` has no group `hot`",
        "warm, coolTone",
    );
}

#[test]
fn every_problem_is_reported_in_one_run() {
    let sources = fixture_with("enums/color.json", |t| {
        let t = replace_once(t, r#""value": 2,"#, r#""value": 1,"#);
        replace_once(&t, r#""name": "Blue""#, r#""name": "Red""#)
    });
    let (errors, text) = errors_of(sources);
    // The duplicate value, the duplicate name, and the group member that vanished with 2.
    assert_eq!(errors.len(), 3, "{text}");
    assert!(text.ends_with("3 errors in the spec"), "{text}");
}

#[test]
fn a_request_object_in_a_response_and_a_response_object_in_a_request() {
    let sources = fixture_with("endpoints/place_order.json", |t| {
        replace_once(t, r#"{"array": {"object": "LineItem"}}"#, r#"{"array": {"object": "Part"}}"#)
    });
    assert_one(
        sources,
        "endpoints/place_order.json",
        "$.request.fields[3].type",
        "`Part` is used in a request but its role is not",
        "\"role\": \"request\"",
    );
    let sources = fixture_with("objects/order_result.json", |t| {
        replace_once(t, r#""type": "bool""#, r#""type": {"object": "Label"}"#)
    });
    assert_one(
        sources,
        "objects/order_result.json",
        "$.fields[1].type",
        "`Label` is used in a response but its role is not",
        "an object travels one way only",
    );
}

#[test]
fn lengths_and_item_counts_on_the_wrong_kind_of_field() {
    let sources = fixture_with("objects/line_item.json", |t| {
        replace_once(t, r#""minimum": 1,"#, r#""minimum": 1, "maxLength": 3,"#)
    });
    assert_one(
        sources,
        "objects/line_item.json",
        "$.fields[1].maxLength",
        "`maxLength` on a field that is not a string",
        "a string field",
    );
    let sources =
        fixture_with("objects/line_item.json", |t| replace_once(t, r#""maxLength": 16"#, r#""maxItems": 16"#));
    assert_one(
        sources,
        "objects/line_item.json",
        "$.fields[0].maxItems",
        "`maxItems` on a field that is not an array",
        "an array field",
    );
    let sources = fixture_with("objects/line_item.json", |t| {
        replace_once(t, r#""minLength": 1, "maxLength": 16"#, r#""minLength": 20, "maxLength": 16"#)
    });
    assert_one(
        sources,
        "objects/line_item.json",
        "$.fields[0].minLength",
        "minLength 20 is above maxLength 16",
        "minLength <= maxLength",
    );
    let sources = fixture_with("objects/order_result.json", |t| {
        replace_once(t, r#""description": "Order ID""#, r#""description": "Order ID", "maxLength": 5"#)
    });
    assert_one(
        sources,
        "objects/order_result.json",
        "$.fields[0]",
        "a length or item count on a response field",
        "limits only on request fields",
    );
}

#[test]
fn at_least_one_of_needs_two_optional_request_fields() {
    let sources =
        fixture_with("endpoints/place_order.json", |t| replace_once(t, r#"["widgetId", "owner"]"#, r#"["widgetId"]"#));
    assert_one(
        sources,
        "endpoints/place_order.json",
        "$.constraints[0].atLeastOneOf.fields",
        "fewer than two fields",
        "two or more",
    );
    let sources = fixture_with("endpoints/place_order.json", |t| {
        replace_once(t, r#"["widgetId", "owner"]"#, r#"["widgetId", "ownr"]"#)
    });
    assert_one(
        sources,
        "endpoints/place_order.json",
        "$.constraints[0].atLeastOneOf.fields[1]",
        "no optional request field `ownr`",
        "optional scalar",
    );
}

#[test]
fn data_shapes_pagination_and_idempotency_keys_are_checked() {
    let sources = fixture_with("endpoints/place_order.json", |t| {
        replace_once(t, r#""object": "OrderResult""#, r#""object": "OrderResul""#)
    });
    assert_one(
        sources,
        "endpoints/place_order.json",
        "$.response.data.object",
        "unknown type reference: object `OrderResul`",
        "an object",
    );
    let sources = fixture_with("endpoints/list_widgets.json", |t| {
        replace_once(t, r#""data": { "object": "WidgetPage" }"#, r#""data": "json""#)
    });
    assert_one(
        sources,
        "endpoints/list_widgets.json",
        "$.pagination",
        "a paginated endpoint whose data is not an object",
        "the object holding the list",
    );
    let sources = fixture_with("endpoints/place_order.json", |t| {
        replace_once(t, r#""idempotencyKey": "clientRef""#, r#""idempotencyKey": "weight""#)
    });
    assert_one(
        sources,
        "endpoints/place_order.json",
        "$.idempotencyKey",
        "no optional string request field `weight`",
        "the client may fill",
    );
    let sources = fixture_with("endpoints/place_order.json", |t| replace_once(t, r#""idempotent": false,"#, ""));
    assert_one(
        sources,
        "endpoints/place_order.json",
        "$.idempotencyKey",
        "an idempotency key on an idempotent endpoint",
        "\"idempotent\": false",
    );
}

#[test]
fn an_int32_range_that_does_not_fit_is_refused_not_clamped() {
    let sources =
        fixture_with("objects/line_item.json", |t| replace_once(t, r#""maximum": 999"#, r#""maximum": 9999999999"#));
    assert_one(
        sources,
        "objects/line_item.json",
        "$.fields[1].maximum",
        "maximum 9999999999 does not fit an int32",
        "or an int64 field",
    );
}
