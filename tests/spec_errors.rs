//! A broken spec is reported like a compiler would: file, JSON path (and line and column
//! where the parser knows them), what is wrong, what was expected.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test fails by panicking

use std::path::{Path, PathBuf};

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

// ---------------------------------------------------------------------------------------
// Table-driven cases: every check of the validator, each refused with its file, JSON path,
// message and hint, and next to it the valid edge cases it must still accept (a check
// whose condition is flipped or loosened would otherwise go unnoticed).
// ---------------------------------------------------------------------------------------

/// One change to the fixture spec.
#[derive(Clone, Copy)]
enum Edit {
    /// Replaces the only occurrence of `from` in `file` with `to`.
    Replace { file: &'static str, from: &'static str, to: &'static str },
    /// Adds a file the fixture lacks.
    Add { file: &'static str, text: &'static str },
    /// Adds a copy of a fixture file under another name.
    Copy { from: &'static str, to: &'static str },
}

const fn replace(file: &'static str, from: &'static str, to: &'static str) -> Edit {
    Edit::Replace { file, from, to }
}

const fn add(file: &'static str, text: &'static str) -> Edit {
    Edit::Add { file, text }
}

/// The text of an added response object `$name` with the given fields (JSON text).
macro_rules! object {
    ($name:literal, $fields:literal) => {
        concat!(
            r#"{"$schema": "s", "kind": "object", "name": ""#,
            $name,
            r#"", "description": "An added object.", "fields": ["#,
            $fields,
            "]}"
        )
    };
}

/// A callback of the service file, with the parts the validator checks.
macro_rules! callback {
    ($name:literal, $payload:literal, $identified_by:literal, $dedupe_by:literal) => {
        concat!(
            r#"{"name": ""#,
            $name,
            r#"", "payload": ""#,
            $payload,
            r#"", "description": "An order event.", "identifiedBy": ""#,
            $identified_by,
            r#"", "dedupeBy": "#,
            $dedupe_by,
            r#", "source": "fixture"}"#
        )
    };
}

/// The edit giving the fixture's service file these callbacks (it has none).
macro_rules! with_callbacks {
    ($first:expr $(, $rest:expr)*) => {
        replace(
            "service.json",
            r#""errorCodes": "Status""#,
            concat!(r#""errorCodes": "Status", "callbacks": ["#, $first, $(", ", $rest,)* "]"),
        )
    };
}

/// A spec the loader must refuse, and the error that must say why.
struct Refused {
    /// Names the case in a failure message.
    case: &'static str,
    /// Applied to the fixture in order.
    edits: &'static [Edit],
    /// The file the error names.
    file: &'static str,
    /// The JSON path the error names, exactly.
    path: &'static str,
    /// Part of what is wrong.
    message: &'static str,
    /// Part of what was expected.
    expected: &'static str,
}

/// A spec edit that must still load: the edge the neighbouring refused case must not
/// reach.
struct Accepted {
    /// Names the case in a failure message.
    case: &'static str,
    /// Applied to the fixture in order.
    edits: &'static [Edit],
}

/// The fixture with `edits` applied, sorted by path as `load_dir` would read it.
fn edited(edits: &[Edit]) -> Result<Vec<(PathBuf, String)>, String> {
    let mut sources = fixture_sources();
    let text_of = |sources: &[(PathBuf, String)], file: &str| {
        sources.iter().position(|(p, _)| p == Path::new(file)).ok_or_else(|| format!("no fixture file {file}"))
    };
    for edit in edits {
        match *edit {
            Edit::Replace { file, from, to } => {
                let at = text_of(&sources, file)?;
                let text = &mut sources[at].1;
                // An edit that stops matching must fail, not test the unbroken spec.
                let n = text.matches(from).count();
                if n != 1 {
                    return Err(format!("`{from}` occurs {n} times in {file}, not once"));
                }
                *text = text.replacen(from, to, 1);
            }
            Edit::Add { file, text } => sources.push((file.into(), text.to_owned())),
            Edit::Copy { from, to } => {
                let text = sources[text_of(&sources, from)?].1.clone();
                sources.push((to.into(), text));
            }
        }
    }
    sources.sort();
    Ok(sources)
}

/// Why `c` failed: the spec loaded, or no error has its file, path, message and hint.
fn refusal(c: &Refused) -> Result<(), String> {
    let errors = match load_sources(edited(c.edits)?) {
        Ok(_) => return Err("the broken spec loaded without error".to_owned()),
        Err(errors) => errors,
    };
    let text = errors.to_string();
    // The rendering shows the position once, after the file; the message must not repeat it.
    if let Some(e) = errors.0.iter().find(|e| e.message.contains(" at line ")) {
        return Err(format!("message {:?} repeats the parser's position", e.message));
    }
    let e = errors
        .0
        .iter()
        .find(|e| e.file == Path::new(c.file) && e.path == c.path && e.message.contains(c.message))
        .ok_or_else(|| format!("no error in {} at {} saying {:?}; got:\n{text}", c.file, c.path, c.message))?;
    let got = e.expected.as_deref().unwrap_or_default();
    if !got.contains(c.expected) {
        return Err(format!("expected {got:?} lacks {:?}", c.expected));
    }
    Ok(())
}

/// Why `c` failed: the valid spec was refused.
fn acceptance(c: &Accepted) -> Result<(), String> {
    load_sources(edited(c.edits)?).map(drop).map_err(|errors| format!("refused:\n{errors}"))
}

/// Runs every case and fails once, naming each case that failed and why, so one run
/// shows every gap.
#[track_caller]
fn check(refused: &[Refused], accepted: &[Accepted]) {
    let failures: Vec<String> = refused
        .iter()
        .filter_map(|c| refusal(c).err().map(|why| format!("refused case `{}`: {why}", c.case)))
        .chain(
            accepted.iter().filter_map(|c| acceptance(c).err().map(|why| format!("accepted case `{}`: {why}", c.case))),
        )
        .collect();
    let total = refused.len() + accepted.len();
    assert!(failures.is_empty(), "{} of {total} cases failed:\n\n{}", failures.len(), failures.join("\n\n"));
}

#[test]
fn type_names() {
    const ENVELOPE: &str = r#""name": "Envelope""#;
    const REQUEST: &str = r#""name": "DescribeWidgetsRequest""#;
    const DESCRIBE: &str = "endpoints/describe_widgets.json";
    const CALLBACK: &str = object!("Callback", r#"{"wire": "id", "type": "string", "description": "Id"}"#);
    const REFUSED: &[Refused] = &[
        Refused {
            case: "a type name in lowerCamelCase",
            edits: &[replace("service.json", ENVELOPE, r#""name": "envelope""#)],
            file: "service.json",
            path: "$.envelope.name",
            message: "`envelope` is not an UpperCamelCase Rust name",
            expected: "such as `Envelope`",
        },
        Refused {
            // Its UpperCamelCase is itself: only "not an identifier" refuses it.
            case: "a type name starting with a digit",
            edits: &[replace("service.json", ENVELOPE, r#""name": "9lives""#)],
            file: "service.json",
            path: "$.envelope.name",
            message: "`9lives` is not an UpperCamelCase Rust name",
            expected: "such as `9lives`",
        },
        Refused {
            // Not a keyword: syn refuses it, but not for being one.
            case: "a type name with a hyphen",
            edits: &[replace("service.json", ENVELOPE, r#""name": "Bad-Name""#)],
            file: "service.json",
            path: "$.envelope.name",
            message: "`Bad-Name` is not an UpperCamelCase Rust name",
            expected: "such as `BadName`",
        },
        Refused {
            case: "an empty type name",
            edits: &[replace("service.json", ENVELOPE, r#""name": """#)],
            file: "service.json",
            path: "$.envelope.name",
            message: "`` is not an UpperCamelCase Rust name",
            expected: "an UpperCamelCase identifier",
        },
        Refused {
            case: "the underscore as a type name",
            edits: &[replace("service.json", ENVELOPE, r#""name": "_""#)],
            file: "service.json",
            path: "$.envelope.name",
            message: "`_` is a Rust keyword",
            expected: "not a keyword",
        },
        Refused {
            case: "a type name the generated code uses",
            edits: &[replace("service.json", ENVELOPE, r#""name": "Endpoint""#)],
            file: "service.json",
            path: "$.envelope.name",
            message: "`Endpoint` is reserved by the generated code",
            expected: "another name",
        },
        Refused {
            case: "a second service file",
            edits: &[Edit::Copy { from: "service.json", to: "zz/service.json" }],
            file: "zz/service.json",
            path: "$.kind",
            message: "a second service file",
            expected: "one service file; the first is service.json",
        },
        Refused {
            case: "a request type named like the envelope",
            edits: &[replace(DESCRIBE, REQUEST, r#""name": "Envelope""#)],
            file: "service.json",
            path: "$.envelope.name",
            message: "duplicate type name `Envelope`",
            expected: DESCRIBE,
        },
        Refused {
            case: "a request type named Region",
            edits: &[replace(DESCRIBE, REQUEST, r#""name": "Region""#)],
            file: "service.json",
            path: "$.regions",
            message: "duplicate type name `Region`",
            expected: DESCRIBE,
        },
        Refused {
            case: "a request type named like an object",
            edits: &[replace(DESCRIBE, REQUEST, r#""name": "Widget""#)],
            file: "objects/widget.json",
            path: "$.name",
            message: "duplicate type name `Widget`",
            expected: DESCRIBE,
        },
        Refused {
            case: "an object named Callback beside callbacks",
            edits: &[
                with_callbacks!(callback!("OrderDone", "OrderResult", "orderId", r#"["orderId"]"#)),
                add("objects/callback.json", CALLBACK),
            ],
            file: "service.json",
            path: "$.callbacks",
            message: "duplicate type name `Callback`",
            expected: "objects/callback.json",
        },
        Refused {
            case: "an endpoint whose method name is a keyword",
            edits: &[replace(DESCRIBE, r#""name": "DescribeWidgets""#, r#""name": "Match""#)],
            file: DESCRIBE,
            path: "$.name",
            message: "the method name `match` is a Rust keyword",
            expected: "another operation name",
        },
    ];
    const ACCEPTED: &[Accepted] = &[Accepted {
        // `Callback` is only taken when the service has callbacks.
        case: "an object named Callback without callbacks",
        edits: &[add("objects/callback.json", CALLBACK)],
    }];
    check(REFUSED, ACCEPTED);
}

#[test]
fn service_regions_envelope_and_auth() {
    const REGION_END: &str = r#""apiGateway": "https://api.example.com" }"#;
    const GATEWAY: &str = r#""apiGateway": "https://api.example.com""#;
    const SIGNED: &str = r#""signedHeaders": ["accessKey"]"#;
    const REFUSED: &[Refused] = &[
        Refused {
            case: "a region name in lower case",
            edits: &[replace("service.json", r#""name": "Primary""#, r#""name": "primary""#)],
            file: "service.json",
            path: "$.regions[0].name",
            message: "`primary` is not an UpperCamelCase Rust name",
            expected: "`Primary`",
        },
        Refused {
            case: "a duplicate region name",
            edits: &[replace(
                "service.json",
                REGION_END,
                r#""apiGateway": "https://api.example.com" }, { "name": "Primary", "id": "second", "code": "P2", "region": "Second", "website": "https://example.com", "apiGateway": "https://api2.example.com" }"#,
            )],
            file: "service.json",
            path: "$.regions[1].name",
            message: "duplicate region name `Primary`",
            expected: "each region once",
        },
        Refused {
            case: "a duplicate region id",
            edits: &[replace(
                "service.json",
                REGION_END,
                r#""apiGateway": "https://api.example.com" }, { "name": "Second", "id": "primary", "code": "P2", "region": "Second", "website": "https://example.com", "apiGateway": "https://api2.example.com" }"#,
            )],
            file: "service.json",
            path: "$.regions[1].id",
            message: "duplicate region id `primary`",
            expected: "each id once",
        },
        Refused {
            case: "an empty region id",
            edits: &[replace("service.json", r#""id": "primary""#, r#""id": """#)],
            file: "service.json",
            path: "$.regions[0].id",
            message: "region id `` is not a lower-case word",
            expected: "like `hk`",
        },
        Refused {
            case: "a region id with an upper-case letter",
            edits: &[replace("service.json", r#""id": "primary""#, r#""id": "Primary""#)],
            file: "service.json",
            path: "$.regions[0].id",
            message: "region id `Primary` is not a lower-case word",
            expected: "lower-case letters, digits and `-`",
        },
        Refused {
            case: "a region id with an underscore",
            edits: &[replace("service.json", r#""id": "primary""#, r#""id": "eu_2""#)],
            file: "service.json",
            path: "$.regions[0].id",
            message: "region id `eu_2` is not a lower-case word",
            expected: "lower-case letters, digits and `-`",
        },
        Refused {
            case: "an http gateway",
            edits: &[replace("service.json", GATEWAY, r#""apiGateway": "http://api.example.com""#)],
            file: "service.json",
            path: "$.regions[0].apiGateway",
            message: "`http://api.example.com` is not an https base URL",
            expected: "`https://host` with no trailing slash",
        },
        Refused {
            case: "a gateway with a trailing slash",
            edits: &[replace("service.json", GATEWAY, r#""apiGateway": "https://api.example.com/""#)],
            file: "service.json",
            path: "$.regions[0].apiGateway",
            message: "`https://api.example.com/` is not an https base URL",
            expected: "no trailing slash",
        },
        Refused {
            case: "no regions",
            edits: &[replace(
                "service.json",
                r#"{ "name": "Primary", "id": "primary", "code": "P1", "region": "Primary region", "website": "https://example.com", "apiGateway": "https://api.example.com" }"#,
                "",
            )],
            file: "service.json",
            path: "$.regions",
            message: "no regions",
            expected: "at least one region",
        },
        Refused {
            case: "error codes naming an object",
            edits: &[replace("service.json", r#""errorCodes": "Status""#, r#""errorCodes": "Part""#)],
            file: "service.json",
            path: "$.errorCodes",
            message: "unknown enum `Part`",
            expected: "one of the enums: Color, Status",
        },
        Refused {
            case: "an envelope field that is the data field",
            edits: &[replace("service.json", r#""dataField": "data""#, r#""dataField": "message""#)],
            file: "service.json",
            path: "$.envelope.fields",
            message: "`message` is both a field and the data field",
            expected: "the payload only as `dataField`",
        },
        Refused {
            case: "a signed header that is not a header",
            edits: &[replace("service.json", SIGNED, r#""signedHeaders": ["accessKey", "nonce"]"#)],
            file: "service.json",
            path: "$.auth.signing.signedHeaders[1]",
            message: "unknown header `nonce`",
            expected: "a header of `auth.headers`",
        },
        Refused {
            case: "signed headers out of order",
            edits: &[replace("service.json", SIGNED, r#""signedHeaders": ["sign", "accessKey"]"#)],
            file: "service.json",
            path: "$.auth.signing.signedHeaders",
            message: "signed headers are not in ASCII order",
            expected: r#"["accessKey", "sign"]"#,
        },
    ];
    const ACCEPTED: &[Accepted] = &[
        Accepted {
            // Letters, digits and a hyphen in one id: each alternative of the rule is needed.
            case: "a second region with the id eu-2",
            edits: &[replace(
                "service.json",
                REGION_END,
                r#""apiGateway": "https://api.example.com" }, { "name": "Second", "id": "eu-2", "code": "P2", "region": "Second", "website": "https://example.com", "apiGateway": "https://eu.example.com" }"#,
            )],
        },
        Accepted {
            case: "two signed headers in ASCII order",
            edits: &[replace("service.json", SIGNED, r#""signedHeaders": ["accessKey", "sign"]"#)],
        },
    ];
    check(REFUSED, ACCEPTED);
}

#[test]
fn callbacks() {
    const REFUSED: &[Refused] = &[
        Refused {
            case: "a duplicate callback",
            edits: &[with_callbacks!(
                callback!("OrderDone", "OrderResult", "orderId", r#"["orderId"]"#),
                callback!("OrderDone", "OrderResult", "accepted", r#"["orderId"]"#)
            )],
            file: "service.json",
            path: "$.callbacks[1].name",
            message: "duplicate callback `OrderDone`",
            expected: "each callback once",
        },
        Refused {
            case: "a callback name in lowerCamelCase",
            edits: &[with_callbacks!(callback!("orderDone", "OrderResult", "orderId", r#"["orderId"]"#))],
            file: "service.json",
            path: "$.callbacks[0].name",
            message: "`orderDone` is not an UpperCamelCase Rust name",
            expected: "`OrderDone`",
        },
        Refused {
            case: "an unknown payload",
            edits: &[with_callbacks!(callback!("OrderDone", "OrderResults", "orderId", r#"["orderId"]"#))],
            file: "service.json",
            path: "$.callbacks[0].payload",
            message: "unknown type reference: object `OrderResults`",
            expected: "`OrderResult`",
        },
        Refused {
            case: "identifiedBy naming no payload field",
            edits: &[with_callbacks!(callback!("OrderDone", "OrderResult", "orderID", r#"["orderId"]"#))],
            file: "service.json",
            path: "$.callbacks[0].identifiedBy",
            message: "`OrderResult` has no field `orderID`",
            expected: "the wire name of a payload field",
        },
        Refused {
            case: "a dedupeBy entry naming no payload field",
            edits: &[with_callbacks!(callback!("OrderDone", "OrderResult", "orderId", r#"["orderId", "acepted"]"#))],
            file: "service.json",
            path: "$.callbacks[0].dedupeBy",
            message: "`OrderResult` has no field `acepted`",
            expected: "the wire name of a payload field",
        },
        Refused {
            case: "an empty dedupeBy",
            edits: &[with_callbacks!(callback!("OrderDone", "OrderResult", "orderId", "[]"))],
            file: "service.json",
            path: "$.callbacks[0].dedupeBy",
            message: "no field to recognise a redelivered event by",
            expected: "one or more payload fields",
        },
    ];
    const ACCEPTED: &[Accepted] = &[Accepted {
        case: "two callbacks on one payload",
        edits: &[with_callbacks!(
            callback!("OrderDone", "OrderResult", "orderId", r#"["orderId", "accepted"]"#),
            callback!("OrderSeen", "OrderResult", "accepted", r#"["orderId"]"#)
        )],
    }];
    check(REFUSED, ACCEPTED);
}

#[test]
fn enums() {
    const COLOR: &str = "enums/color.json";
    const REFUSED: &[Refused] = &[
        Refused {
            case: "an enum without values",
            edits: &[
                replace("enums/status.json", r#"{ "value": 0, "name": "Ok", "description": "Success" },"#, ""),
                replace("enums/status.json", r#"{ "value": 7, "name": "Denied", "description": "Access denied" }"#, ""),
            ],
            file: "enums/status.json",
            path: "$.values",
            message: "an enum without values",
            expected: "at least one value",
        },
        Refused {
            case: "a duplicate variant name",
            edits: &[replace(COLOR, r#""name": "Blue""#, r#""name": "Red""#)],
            file: COLOR,
            path: "$.values[2].name",
            message: "duplicate variant name `Red`",
            expected: "`Red` is already at $.values[0]",
        },
        Refused {
            case: "a variant name in lower case",
            edits: &[replace(COLOR, r#""name": "Green""#, r#""name": "green""#)],
            file: COLOR,
            path: "$.values[1].name",
            message: "`green` is not an UpperCamelCase Rust name",
            expected: "`Green`",
        },
        Refused {
            case: "a blank description",
            edits: &[replace(
                COLOR,
                r#""name": "Green", "description": "Green""#,
                r#""name": "Green", "description": "  ""#,
            )],
            file: COLOR,
            path: "$.values[1].description",
            message: "empty description",
            expected: "the vendor's description, word for word",
        },
        Refused {
            case: "a group name in UpperCamelCase",
            edits: &[replace(COLOR, r#""name": "coolTone""#, r#""name": "CoolTone""#)],
            file: COLOR,
            path: "$.groups[1].name",
            message: "`CoolTone` is not a lowerCamelCase group name",
            expected: "such as `notAnswered`",
        },
        Refused {
            case: "a group name in snake_case",
            edits: &[replace(COLOR, r#""name": "coolTone""#, r#""name": "cool_tone""#)],
            file: COLOR,
            path: "$.groups[1].name",
            message: "`cool_tone` is not a lowerCamelCase group name",
            expected: "a lowerCamelCase name",
        },
        Refused {
            // Its lowerCamelCase is itself, but `is_cool²` is no identifier.
            case: "a group name with a superscript",
            edits: &[replace(COLOR, r#""name": "coolTone""#, r#""name": "cool²""#)],
            file: COLOR,
            path: "$.groups[1].name",
            message: "`cool²` is not a lowerCamelCase group name",
            expected: "a lowerCamelCase name",
        },
        Refused {
            case: "a duplicate group",
            edits: &[replace(COLOR, r#""name": "coolTone""#, r#""name": "warm""#)],
            file: COLOR,
            path: "$.groups[1].name",
            message: "duplicate group `warm`",
            expected: "each group once",
        },
    ];
    check(REFUSED, &[]);
}

#[test]
fn field_names_and_limits() {
    const WIDGET: &str = "objects/widget.json";
    const LIST: &str = "endpoints/list_widgets.json";
    const ORDER: &str = "endpoints/place_order.json";
    const COUNT: &str = r#"{ "wire": "count", "type": "int32","#;
    const LABEL: &str = r#"{ "wire": "label", "type": "string","#;
    const PARTS: &str = r#"{ "wire": "parts", "type": { "array": { "object": "Part" } },"#;
    const SINCE: &str = r#"{ "wire": "since", "type": "int64","#;
    const SIZE_RANGE: &str = r#""minimum": 1, "maximum": 50, "default": 20"#;
    const LINES: &str = r#""minItems": 1, "maxItems": 10"#;
    const REFUSED: &[Refused] = &[
        Refused {
            case: "an explicit field name in UpperCamelCase",
            edits: &[replace(WIDGET, r#""name": "type_name""#, r#""name": "TypeName""#)],
            file: WIDGET,
            path: "$.fields[14].name",
            message: "`TypeName` is not a snake_case Rust field name",
            expected: "a `name` in snake_case",
        },
        Refused {
            // Its snake_case is itself: only "not an identifier" refuses it.
            case: "a wire name starting with a digit",
            edits: &[replace(WIDGET, r#""wire": "count""#, r#""wire": "9count""#)],
            file: WIDGET,
            path: "$.fields[2].wire",
            message: "`9count` is not a snake_case Rust field name",
            expected: "a `name` in snake_case",
        },
        Refused {
            case: "two wire names with one snake_case",
            edits: &[replace(WIDGET, r#""wire": "count""#, r#""wire": "created_ts""#)],
            file: WIDGET,
            path: "$.fields[5].wire",
            message: "duplicate Rust field name `created_ts`",
            expected: "$.fields[2] already uses it",
        },
        Refused {
            case: "an explicit name another field has",
            edits: &[replace(WIDGET, r#""name": "type_name""#, r#""name": "label""#)],
            file: WIDGET,
            path: "$.fields[14].name",
            message: "duplicate Rust field name `label`",
            expected: "$.fields[1] already uses it",
        },
        Refused {
            case: "minimum on a float64",
            edits: &[replace(
                LIST,
                r#"{ "wire": "minWeight", "type": "float64","#,
                r#"{ "wire": "minWeight", "type": "float64", "minimum": 0,"#,
            )],
            file: LIST,
            path: "$.request.fields[5]",
            message: "`minimum`/`maximum` on a field that is not an integer",
            expected: "an int32 or int64 field",
        },
        Refused {
            case: "maximum on a string",
            edits: &[replace(
                LIST,
                r#"{ "wire": "phone", "type": "string","#,
                r#"{ "wire": "phone", "type": "string", "maximum": 5,"#,
            )],
            file: LIST,
            path: "$.request.fields[1]",
            message: "`minimum`/`maximum` on a field that is not an integer",
            expected: "an int32 or int64 field",
        },
        Refused {
            case: "minimum above maximum",
            edits: &[replace(LIST, SIZE_RANGE, r#""minimum": 60, "maximum": 50, "default": 55"#)],
            file: LIST,
            path: "$.request.fields[9].minimum",
            message: "minimum 60 is above maximum 50",
            expected: "minimum <= maximum",
        },
        Refused {
            case: "minLength on an int64",
            edits: &[replace(LIST, SINCE, r#"{ "wire": "since", "type": "int64", "minLength": 1,"#)],
            file: LIST,
            path: "$.request.fields[6].minLength",
            message: "`minLength` on a field that is not a string",
            expected: "a string field",
        },
        Refused {
            case: "unit on a string",
            edits: &[replace(WIDGET, LABEL, r#"{ "wire": "label", "type": "string", "unit": "seconds","#)],
            file: WIDGET,
            path: "$.fields[1].unit",
            message: "`unit` on a field that is not a number",
            expected: "an int32, int64 or float64 field",
        },
        Refused {
            case: "personalData on an int32",
            edits: &[replace(WIDGET, COUNT, r#"{ "wire": "count", "type": "int32", "personalData": true,"#)],
            file: WIDGET,
            path: "$.fields[2].personalData",
            message: "`personalData` on a field that is not a string",
            expected: "a string field",
        },
        Refused {
            // Required and an integer: only the role is wrong.
            case: "default on a response field",
            edits: &[replace(
                WIDGET,
                r#"{ "wire": "id", "type": "int64", "required": true,"#,
                r#"{ "wire": "id", "type": "int64", "required": true, "default": 1,"#,
            )],
            file: WIDGET,
            path: "$.fields[0].default",
            message: "`default` outside a required integer request field",
            expected: "`default` only on required int32/int64 request fields",
        },
        Refused {
            case: "default on an optional request field",
            edits: &[replace(LIST, SINCE, r#"{ "wire": "since", "type": "int64", "default": 5,"#)],
            file: LIST,
            path: "$.request.fields[6].default",
            message: "`default` outside a required integer request field",
            expected: "`default` only on required int32/int64 request fields",
        },
        Refused {
            case: "default on a required string",
            edits: &[replace(
                LIST,
                r#"{ "wire": "owner", "type": "string", "required": true,"#,
                r#"{ "wire": "owner", "type": "string", "required": true, "default": 1,"#,
            )],
            file: LIST,
            path: "$.request.fields[0].default",
            message: "`default` outside a required integer request field",
            expected: "`default` only on required int32/int64 request fields",
        },
        Refused {
            case: "default below minimum",
            edits: &[replace(LIST, r#""default": 20"#, r#""default": 0"#)],
            file: LIST,
            path: "$.request.fields[9].default",
            message: "default 0 breaks the field's own minimum/maximum",
            expected: "a default within range",
        },
        Refused {
            case: "default above maximum",
            edits: &[replace(LIST, r#""default": 20"#, r#""default": 51"#)],
            file: LIST,
            path: "$.request.fields[9].default",
            message: "default 51 breaks the field's own minimum/maximum",
            expected: "a default within range",
        },
        Refused {
            case: "minimum on a response field",
            edits: &[replace(WIDGET, COUNT, r#"{ "wire": "count", "type": "int32", "minimum": 0,"#)],
            file: WIDGET,
            path: "$.fields[2]",
            message: "a range on a response field",
            expected: "ranges only on request fields",
        },
        Refused {
            case: "maximum on a response field",
            edits: &[replace(WIDGET, COUNT, r#"{ "wire": "count", "type": "int32", "maximum": 9,"#)],
            file: WIDGET,
            path: "$.fields[2]",
            message: "a range on a response field",
            expected: "ranges only on request fields",
        },
        Refused {
            case: "minLength on a response field",
            edits: &[replace(WIDGET, LABEL, r#"{ "wire": "label", "type": "string", "minLength": 1,"#)],
            file: WIDGET,
            path: "$.fields[1]",
            message: "a range on a response field",
            expected: "ranges only on request fields",
        },
        Refused {
            case: "minItems above maxItems",
            edits: &[replace(ORDER, LINES, r#""minItems": 11, "maxItems": 10"#)],
            file: ORDER,
            path: "$.request.fields[3].minItems",
            message: "minItems 11 is above maxItems 10",
            expected: "minItems <= maxItems",
        },
        Refused {
            case: "minItems on a float64",
            edits: &[replace(
                ORDER,
                r#"{"wire": "weight", "type": "float64","#,
                r#"{"wire": "weight", "type": "float64", "minItems": 1,"#,
            )],
            file: ORDER,
            path: "$.request.fields[4].minItems",
            message: "`minItems` on a field that is not an array",
            expected: "an array field",
        },
        Refused {
            case: "minItems on a response field",
            edits: &[replace(
                WIDGET,
                PARTS,
                r#"{ "wire": "parts", "type": { "array": { "object": "Part" } }, "minItems": 1,"#,
            )],
            file: WIDGET,
            path: "$.fields[11]",
            message: "a length or item count on a response field",
            expected: "limits only on request fields",
        },
        Refused {
            case: "maxItems on a response field",
            edits: &[replace(
                WIDGET,
                PARTS,
                r#"{ "wire": "parts", "type": { "array": { "object": "Part" } }, "maxItems": 9,"#,
            )],
            file: WIDGET,
            path: "$.fields[11]",
            message: "a length or item count on a response field",
            expected: "limits only on request fields",
        },
    ];
    const ACCEPTED: &[Accepted] = &[
        Accepted {
            case: "minimum equal to maximum",
            edits: &[replace(LIST, SIZE_RANGE, r#""minimum": 20, "maximum": 20, "default": 20"#)],
        },
        Accepted { case: "default equal to minimum", edits: &[replace(LIST, r#""default": 20"#, r#""default": 1"#)] },
        Accepted { case: "default equal to maximum", edits: &[replace(LIST, r#""default": 20"#, r#""default": 50"#)] },
        Accepted {
            case: "unit on a float64",
            edits: &[replace(
                WIDGET,
                r#"{ "wire": "weight", "type": "float64","#,
                r#"{ "wire": "weight", "type": "float64", "unit": "seconds","#,
            )],
        },
        Accepted {
            case: "unit on an int32",
            edits: &[replace(WIDGET, COUNT, r#"{ "wire": "count", "type": "int32", "unit": "milliseconds","#)],
        },
        Accepted {
            case: "minLength equal to maxLength",
            edits: &[replace(
                "objects/line_item.json",
                r#""minLength": 1, "maxLength": 16"#,
                r#""minLength": 16, "maxLength": 16"#,
            )],
        },
        Accepted {
            case: "minItems equal to maxItems",
            edits: &[replace(ORDER, LINES, r#""minItems": 10, "maxItems": 10"#)],
        },
    ];
    check(REFUSED, ACCEPTED);
}

#[test]
fn type_references_and_recursion() {
    const WIDGET: &str = "objects/widget.json";
    const REFUSED: &[Refused] = &[
        Refused {
            case: "an enum referenced as an object",
            edits: &[replace(
                WIDGET,
                r#"{ "wire": "part", "type": { "object": "Part" }"#,
                r#"{ "wire": "part", "type": { "object": "Color" }"#,
            )],
            file: WIDGET,
            path: "$.fields[9].type",
            message: "unknown type reference: object `Color`",
            expected: r#"`Color` is an enum: write {"enum": "Color"}"#,
        },
        Refused {
            case: "an object that is neither",
            edits: &[replace(
                WIDGET,
                r#"{ "wire": "part", "type": { "object": "Part" }"#,
                r#"{ "wire": "part", "type": { "object": "Prt" }"#,
            )],
            file: WIDGET,
            path: "$.fields[9].type",
            message: "unknown type reference: object `Prt`",
            expected: "an enum (`Color`, `Status`) or an object (",
        },
        Refused {
            case: "an unknown object in an array",
            edits: &[replace(WIDGET, r#"{ "array": { "object": "Part" } }"#, r#"{ "array": { "object": "Prt" } }"#)],
            file: WIDGET,
            path: "$.fields[11].type.array",
            message: "unknown type reference: object `Prt`",
            expected: "`Part`",
        },
        Refused {
            case: "an array of arrays",
            edits: &[replace(WIDGET, r#"{ "array": "string" }"#, r#"{ "array": { "array": "string" } }"#)],
            file: WIDGET,
            path: "$.fields[12].type",
            message: "an array of arrays",
            expected: "an array of a scalar, an enum or an object",
        },
        Refused {
            case: "an object holding itself",
            edits: &[add(
                "objects/node.json",
                object!("Node", r#"{"wire": "next", "type": {"object": "Node"}, "description": "Next"}"#),
            )],
            file: "objects/node.json",
            path: "$.fields",
            message: "`Node` contains itself by value",
            expected: "recursion only through an array",
        },
        Refused {
            case: "an object holding an object that holds it",
            edits: &[
                add(
                    "objects/outer.json",
                    object!("Outer", r#"{"wire": "inner", "type": {"object": "Inner"}, "description": "In"}"#),
                ),
                add(
                    "objects/inner.json",
                    object!("Inner", r#"{"wire": "outer", "type": {"object": "Outer"}, "description": "Out"}"#),
                ),
            ],
            file: "objects/outer.json",
            path: "$.fields",
            message: "`Outer` contains itself by value",
            expected: "recursion only through an array",
        },
    ];
    const ACCEPTED: &[Accepted] = &[Accepted {
        case: "an object holding itself through an array",
        edits: &[add(
            "objects/node.json",
            object!(
                "Node",
                r#"{"wire": "children", "type": {"array": {"object": "Node"}}, "description": "Children"}"#
            ),
        )],
    }];
    check(REFUSED, ACCEPTED);
}

/// Only the objects on a cycle are blamed, not one that merely reaches it.
#[test]
fn an_object_that_reaches_a_cycle_is_not_on_it() {
    let mut sources = fixture_sources();
    for (file, text) in [
        ("objects/top.json", object!("Top", r#"{"wire": "outer", "type": {"object": "Outer"}, "description": "O"}"#)),
        (
            "objects/outer.json",
            object!("Outer", r#"{"wire": "inner", "type": {"object": "Inner"}, "description": "I"}"#),
        ),
        (
            "objects/inner.json",
            object!("Inner", r#"{"wire": "outer", "type": {"object": "Outer"}, "description": "O"}"#),
        ),
    ] {
        sources.push((file.into(), text.to_owned()));
    }
    let (errors, text) = errors_of(sources);
    let blamed: Vec<_> = errors.iter().map(|e| (e.file.to_str().unwrap_or_default(), e.message.as_str())).collect();
    assert_eq!(
        blamed,
        [
            ("objects/inner.json", "`Inner` contains itself by value"),
            ("objects/outer.json", "`Outer` contains itself by value")
        ],
        "{text}"
    );
}

#[test]
fn endpoints_and_pagination() {
    const LIST: &str = "endpoints/list_widgets.json";
    const ORDER: &str = "endpoints/place_order.json";
    const ITEMS_METHOD: &str = r#""itemsMethod": "widgets""#;
    const CLIENT_REF: &str = r#"{"wire": "clientRef", "type": "string","#;
    const REFUSED: &[Refused] = &[
        Refused {
            case: "a path without a leading slash",
            edits: &[replace(LIST, r#""path": "/widgets/list""#, r#""path": "widgets/list""#)],
            file: LIST,
            path: "$.path",
            message: "`widgets/list` is not an absolute path",
            expected: "a path starting with `/`",
        },
        Refused {
            case: "a path with a space",
            edits: &[replace(LIST, r#""path": "/widgets/list""#, r#""path": "/widgets/ list""#)],
            file: LIST,
            path: "$.path",
            message: "`/widgets/ list` is not an absolute path",
            expected: "a path starting with `/`",
        },
        Refused {
            case: "data that is a request object",
            edits: &[replace(ORDER, r#"{"object": "OrderResult"}"#, r#"{"object": "LineItem"}"#)],
            file: ORDER,
            path: "$.response.data.object",
            message: "`LineItem` is a request object",
            expected: "an object with the default role, response",
        },
        Refused {
            // A string, but required: the client could not fill it.
            case: "a required idempotency key",
            edits: &[replace(ORDER, CLIENT_REF, r#"{"wire": "clientRef", "type": "string", "required": true,"#)],
            file: ORDER,
            path: "$.idempotencyKey",
            message: "no optional string request field `clientRef`",
            expected: "an optional string request field",
        },
        Refused {
            case: "a flag name that is not kebab-case",
            edits: &[replace(
                ORDER,
                r#"{"wire": "owner", "type": "string","#,
                r#"{"wire": "owner", "cli": "--Owner", "type": "string","#,
            )],
            file: ORDER,
            path: "$.request.fields[2].cli",
            message: "`--Owner` is not a flag name",
            expected: "lower-case kebab-case without `--`",
        },
        Refused {
            case: "a flag name the CLI keeps for itself",
            edits: &[replace(
                ORDER,
                r#"{"wire": "owner", "type": "string","#,
                r#"{"wire": "owner", "cli": "format", "type": "string","#,
            )],
            file: ORDER,
            path: "$.request.fields[2].cli",
            message: "`--format` is a flag nxlink keeps for itself",
            expected: "another name; taken:",
        },
        Refused {
            // `widget-id` is also the kebab-case of the next field's wire name.
            case: "two fields with one flag",
            edits: &[replace(
                ORDER,
                r#"{"wire": "owner", "type": "string","#,
                r#"{"wire": "owner", "cli": "widget-id", "type": "string","#,
            )],
            file: ORDER,
            path: "$.request.fields[2]",
            message: "a second field with the flag `--widget-id`",
            expected: "a `cli` name for one of it and $.request.fields[1]",
        },
        Refused {
            case: "a lookup in an unknown endpoint",
            edits: &[replace(
                ORDER,
                r#""exactlyOnce": {"lookup": {"endpoint": "ListWidgets", "key": "label", "filters": {"owner": "owner"}, "since": "since", "result": "label"}}"#,
                r#""exactlyOnce": {"lookup": {"endpoint": "ListWidget", "key": "label", "filters": {"owner": "owner"}, "since": "since", "result": "label"}}"#,
            )],
            file: ORDER,
            path: "$.exactlyOnce.lookup.endpoint",
            message: "unknown endpoint `ListWidget`",
            expected: "one of DeleteWidget, DescribeWidgets, ListWidgets, PlaceOrder",
        },
        Refused {
            case: "a lookup in an endpoint that does not page",
            edits: &[replace(
                ORDER,
                r#""exactlyOnce": {"lookup": {"endpoint": "ListWidgets", "key": "label", "filters": {"owner": "owner"}, "since": "since", "result": "label"}}"#,
                r#""exactlyOnce": {"lookup": {"endpoint": "DescribeWidgets", "key": "label", "filters": {"owner": "owner"}, "since": "since", "result": "label"}}"#,
            )],
            file: ORDER,
            path: "$.exactlyOnce.lookup.endpoint",
            message: "`DescribeWidgets` does not page a list of objects",
            expected: "a paginated endpoint whose items hold the key",
        },
        Refused {
            case: "a lookup key that is no string field of the items",
            edits: &[replace(
                ORDER,
                r#""exactlyOnce": {"lookup": {"endpoint": "ListWidgets", "key": "label", "filters": {"owner": "owner"}, "since": "since", "result": "label"}}"#,
                r#""exactlyOnce": {"lookup": {"endpoint": "ListWidgets", "key": "count", "filters": {"owner": "owner"}, "since": "since", "result": "label"}}"#,
            )],
            file: ORDER,
            path: "$.exactlyOnce.lookup.key",
            message: "no string field `count` in `Widget`",
            expected: "a string field of the items of ListWidgets",
        },
        Refused {
            case: "a lookup result that is no field of the items",
            edits: &[replace(
                ORDER,
                r#""exactlyOnce": {"lookup": {"endpoint": "ListWidgets", "key": "label", "filters": {"owner": "owner"}, "since": "since", "result": "label"}}"#,
                r#""exactlyOnce": {"lookup": {"endpoint": "ListWidgets", "key": "label", "filters": {"owner": "owner"}, "since": "since", "result": "lable"}}"#,
            )],
            file: ORDER,
            path: "$.exactlyOnce.lookup.result",
            message: "no string field `lable` in `Widget`",
            expected: "a string field of the items of ListWidgets",
        },
        Refused {
            case: "a lookup filter on a field the lookup does not take",
            edits: &[replace(
                ORDER,
                r#""exactlyOnce": {"lookup": {"endpoint": "ListWidgets", "key": "label", "filters": {"owner": "owner"}, "since": "since", "result": "label"}}"#,
                r#""exactlyOnce": {"lookup": {"endpoint": "ListWidgets", "key": "label", "filters": {"ownr": "owner"}, "since": "since", "result": "label"}}"#,
            )],
            file: ORDER,
            path: "$.exactlyOnce.lookup.filters",
            message: "`ownr` is not a request field of ListWidgets",
            expected: "the lookup's request fields as keys",
        },
        Refused {
            case: "a lookup filter from a field this request lacks",
            edits: &[replace(
                ORDER,
                r#""exactlyOnce": {"lookup": {"endpoint": "ListWidgets", "key": "label", "filters": {"owner": "owner"}, "since": "since", "result": "label"}}"#,
                r#""exactlyOnce": {"lookup": {"endpoint": "ListWidgets", "key": "label", "filters": {"owner": "ownr"}, "since": "since", "result": "label"}}"#,
            )],
            file: ORDER,
            path: "$.exactlyOnce.lookup.filters.owner",
            message: "`ownr` is not a request field of this endpoint",
            expected: "this request's fields as values",
        },
        Refused {
            case: "a lookup since that is no unix-seconds field",
            edits: &[replace(
                ORDER,
                r#""exactlyOnce": {"lookup": {"endpoint": "ListWidgets", "key": "label", "filters": {"owner": "owner"}, "since": "since", "result": "label"}}"#,
                r#""exactlyOnce": {"lookup": {"endpoint": "ListWidgets", "key": "label", "filters": {"owner": "owner"}, "since": "page", "result": "label"}}"#,
            )],
            file: ORDER,
            path: "$.exactlyOnce.lookup.since",
            message: "`page` is not a unix-seconds request field of ListWidgets",
            expected: r#"a request field with `"unit": "unixSeconds"`"#,
        },
        Refused {
            case: "exactly once on an idempotent endpoint",
            edits: &[
                replace(ORDER, r#""idempotent": false,"#, ""),
                replace(ORDER, r#""idempotencyKey": "clientRef","#, ""),
            ],
            file: ORDER,
            path: "$.exactlyOnce",
            message: "`exactlyOnce` on an idempotent endpoint",
            expected: "\"idempotent\": false",
        },
        Refused {
            case: "a lookup without an idempotency key",
            edits: &[replace(ORDER, r#""idempotencyKey": "clientRef","#, "")],
            file: ORDER,
            path: "$.exactlyOnce.lookup.key",
            message: "a lookup without an idempotency key to look for",
            expected: "an `idempotencyKey` on this endpoint",
        },
        Refused {
            case: "an idempotency key naming no field",
            edits: &[replace(ORDER, r#""idempotencyKey": "clientRef""#, r#""idempotencyKey": "clientRf""#)],
            file: ORDER,
            path: "$.idempotencyKey",
            message: "no optional string request field `clientRf`",
            expected: "an optional string request field",
        },
        Refused {
            // An identifier, not snake_case.
            case: "itemsMethod in UpperCamelCase",
            edits: &[replace(LIST, ITEMS_METHOD, r#""itemsMethod": "Widgets""#)],
            file: LIST,
            path: "$.pagination.itemsMethod",
            message: "`Widgets` is not a snake_case method name",
            expected: "a snake_case name such as `records`",
        },
        Refused {
            // snake_case, not an identifier.
            case: "itemsMethod starting with a digit",
            edits: &[replace(LIST, ITEMS_METHOD, r#""itemsMethod": "9widgets""#)],
            file: LIST,
            path: "$.pagination.itemsMethod",
            message: "`9widgets` is not a snake_case method name",
            expected: "a snake_case name",
        },
        Refused {
            case: "itemsMethod that is a keyword",
            edits: &[replace(LIST, ITEMS_METHOD, r#""itemsMethod": "loop""#)],
            file: LIST,
            path: "$.pagination.itemsMethod",
            message: "`loop` is not a snake_case method name",
            expected: "a snake_case name",
        },
        Refused {
            case: "itemsMethod that is a builder method",
            edits: &[replace(LIST, ITEMS_METHOD, r#""itemsMethod": "items""#)],
            file: LIST,
            path: "$.pagination.itemsMethod",
            message: "`items` is already a method of the request builder",
            expected: "not a request field or a builder method",
        },
        Refused {
            // The setter of `minWeight`: the snake_case of the wire name, not the wire name.
            case: "itemsMethod that is a request field's setter",
            edits: &[replace(LIST, ITEMS_METHOD, r#""itemsMethod": "min_weight""#)],
            file: LIST,
            path: "$.pagination.itemsMethod",
            message: "`min_weight` is already a method of the request builder",
            expected: "not a request field or a builder method",
        },
        Refused {
            case: "pageNumber naming an optional integer",
            edits: &[replace(LIST, r#""pageNumber": "page""#, r#""pageNumber": "since""#)],
            file: LIST,
            path: "$.pagination.pageNumber",
            message: "request field `since` is not a required integer",
            expected: "a required int32/int64 request field",
        },
        Refused {
            case: "pageSize naming a required string",
            edits: &[replace(LIST, r#""pageSize": "size""#, r#""pageSize": "owner""#)],
            file: LIST,
            path: "$.pagination.pageSize",
            message: "request field `owner` is not a required integer",
            expected: "a required int32/int64 request field",
        },
        Refused {
            case: "pageNumber naming no field",
            edits: &[replace(LIST, r#""pageNumber": "page""#, r#""pageNumber": "pg""#)],
            file: LIST,
            path: "$.pagination.pageNumber",
            message: "no request field `pg`",
            expected: "the wire name of a request field",
        },
        Refused {
            case: "pageSize naming no field",
            edits: &[replace(LIST, r#""pageSize": "size""#, r#""pageSize": "sz""#)],
            file: LIST,
            path: "$.pagination.pageSize",
            message: "no request field `sz`",
            expected: "the wire name of a request field",
        },
        Refused {
            case: "total naming the list",
            edits: &[replace(LIST, r#""total": "total""#, r#""total": "items""#)],
            file: LIST,
            path: "$.pagination.total",
            message: "`WidgetPage` has no integer field `items`",
            expected: "an integer field of the response",
        },
        Refused {
            case: "total naming no field",
            edits: &[replace(LIST, r#""total": "total""#, r#""total": "count""#)],
            file: LIST,
            path: "$.pagination.total",
            message: "`WidgetPage` has no integer field `count`",
            expected: "an integer field of the response",
        },
        Refused {
            case: "list naming an array of strings",
            edits: &[
                replace(
                    "objects/widget_page.json",
                    r#""description": "Widgets" }"#,
                    r#""description": "Widgets" }, { "wire": "names", "type": { "array": "string" }, "description": "Names" }"#,
                ),
                replace(LIST, r#""list": "items""#, r#""list": "names""#),
            ],
            file: LIST,
            path: "$.pagination.list",
            message: "`names` is not a list of objects",
            expected: "an array of objects",
        },
        Refused {
            case: "list naming an integer",
            edits: &[replace(LIST, r#""list": "items""#, r#""list": "total""#)],
            file: LIST,
            path: "$.pagination.list",
            message: "`WidgetPage` has no array field `total`",
            expected: "an array field of the response payload",
        },
        Refused {
            case: "itemId naming no field",
            edits: &[replace(LIST, r#""itemId": "id""#, r#""itemId": "uid""#)],
            file: LIST,
            path: "$.pagination.itemId",
            message: "`Widget` has no integer or string field `uid`",
            expected: "the field that identifies an item",
        },
        Refused {
            case: "itemId naming a float64",
            edits: &[replace(LIST, r#""itemId": "id""#, r#""itemId": "weight""#)],
            file: LIST,
            path: "$.pagination.itemId",
            message: "`Widget` has no integer or string field `weight`",
            expected: "the field that identifies an item",
        },
        Refused {
            case: "itemId naming an enum",
            edits: &[replace(LIST, r#""itemId": "id""#, r#""itemId": "color""#)],
            file: LIST,
            path: "$.pagination.itemId",
            message: "`Widget` has no integer or string field `color`",
            expected: "the field that identifies an item",
        },
    ];
    const ACCEPTED: &[Accepted] = &[
        Accepted {
            case: "itemId naming an int32",
            edits: &[replace(LIST, r#""itemId": "id""#, r#""itemId": "count""#)],
        },
        Accepted {
            case: "itemId naming a string",
            edits: &[replace(LIST, r#""itemId": "id""#, r#""itemId": "label""#)],
        },
    ];
    check(REFUSED, ACCEPTED);
}

#[test]
fn constraints() {
    const LIST: &str = "endpoints/list_widgets.json";
    const ORDER: &str = "endpoints/place_order.json";
    const NOT_AFTER: &str = r#"{ "first": "since", "second": "until" }"#;
    const REFUSED: &[Refused] = &[
        Refused {
            case: "notAfter first naming a string",
            edits: &[replace(LIST, NOT_AFTER, r#"{ "first": "owner", "second": "until" }"#)],
            file: LIST,
            path: "$.constraints[0].notAfter.first",
            message: "no integer request field `owner`",
            expected: "the wire name of an integer request field",
        },
        Refused {
            case: "notAfter second naming no field",
            edits: &[replace(LIST, NOT_AFTER, r#"{ "first": "since", "second": "till" }"#)],
            file: LIST,
            path: "$.constraints[0].notAfter.second",
            message: "no integer request field `till`",
            expected: "the wire name of an integer request field",
        },
        Refused {
            case: "onlyWithGroup field naming no field",
            edits: &[replace(LIST, r#""field": "shade""#, r#""field": "shadow""#)],
            file: LIST,
            path: "$.constraints[1].onlyWithGroup.field",
            message: "no request field `shadow`",
            expected: "the wire name of a request field",
        },
        Refused {
            case: "onlyWithGroup enumField naming a string",
            edits: &[replace(LIST, r#""enumField": "color""#, r#""enumField": "shade""#)],
            file: LIST,
            path: "$.constraints[1].onlyWithGroup.enumField",
            message: "no enum request field `shade`",
            expected: "the wire name of an enum-typed request field",
        },
        Refused {
            case: "onlyWithGroup enumField naming no field",
            edits: &[replace(LIST, r#""enumField": "color""#, r#""enumField": "colour""#)],
            file: LIST,
            path: "$.constraints[1].onlyWithGroup.enumField",
            message: "no enum request field `colour`",
            expected: "the wire name of an enum-typed request field",
        },
        Refused {
            // A scalar, but required.
            case: "atLeastOneOf naming a required field",
            edits: &[replace(
                ORDER,
                r#"{"wire": "owner", "type": "string","#,
                r#"{"wire": "owner", "type": "string", "required": true,"#,
            )],
            file: ORDER,
            path: "$.constraints[0].atLeastOneOf.fields[1]",
            message: "no optional request field `owner`",
            expected: "an optional scalar request field",
        },
        Refused {
            // Optional, but an array.
            case: "atLeastOneOf naming an optional array",
            edits: &[
                replace(ORDER, r#""required": true, "minItems""#, r#""minItems""#),
                replace(ORDER, r#"["widgetId", "owner"]"#, r#"["widgetId", "lines"]"#),
            ],
            file: ORDER,
            path: "$.constraints[0].atLeastOneOf.fields[1]",
            message: "no optional request field `lines`",
            expected: "an optional scalar request field",
        },
    ];
    const ACCEPTED: &[Accepted] = &[Accepted {
        case: "notAfter from an int32 to an int64",
        edits: &[replace(LIST, NOT_AFTER, r#"{ "first": "page", "second": "size" }"#)],
    }];
    check(REFUSED, ACCEPTED);
}

#[test]
fn file_shapes() {
    const COLOR: &str = "enums/color.json";
    const REFUSED: &[Refused] = &[
        Refused {
            case: "a kind that is not a string",
            edits: &[replace(COLOR, r#""kind": "enum""#, r#""kind": 3"#)],
            file: COLOR,
            path: "$.kind",
            message: "`kind` is 3",
            expected: "one of `service`, `enum`, `object`, `endpoint`",
        },
        Refused {
            case: "no kind",
            edits: &[replace(COLOR, r#""kind": "enum","#, "")],
            file: COLOR,
            path: "$",
            message: "missing key `kind`",
            expected: "one of `service`, `enum`, `object`, `endpoint`",
        },
        Refused {
            case: "a file that is not an object",
            edits: &[add("extra.json", "[1, 2]")],
            file: "extra.json",
            path: "$",
            message: "the file is not a JSON object",
            expected: "a JSON object",
        },
        Refused {
            // The root is `$`, not `$..`.
            case: "a missing key at the root",
            edits: &[replace(COLOR, r#""wire": "color","#, "")],
            file: COLOR,
            path: "$",
            message: "missing key `wire`",
            expected: "",
        },
        Refused {
            case: "invalid JSON",
            edits: &[replace(COLOR, r#""value": 3,"#, r#""value": 3,,"#)],
            file: COLOR,
            path: "$",
            message: "invalid JSON: key must be a string",
            expected: "a JSON object",
        },
        Refused {
            case: "a value of the wrong type",
            edits: &[replace(COLOR, r#""value": 3,"#, r#""value": true,"#)],
            file: COLOR,
            path: "$.values[2].value",
            message: "invalid type: boolean `true`",
            expected: "i64",
        },
    ];
    check(REFUSED, &[]);
}

/// The fixture spec written to a fresh directory for `load_dir`, plus `extra` files.
fn spec_dir(name: &str, extra: &[(&str, &[u8])]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("spec_errors").join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    let files = fixture_sources().into_iter().map(|(file, text)| (file, text.into_bytes()));
    for (file, bytes) in files.chain(extra.iter().map(|(file, bytes)| (PathBuf::from(file), bytes.to_vec()))) {
        let path = dir.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
    }
    dir
}

#[test]
fn load_dir_reads_only_the_spec_files() {
    // Neither the schema nor a file of another extension is a spec file, not even when
    // it does not parse.
    let dir = spec_dir(
        "only_spec_files",
        &[("spec.schema.json", b"not JSON"), ("notes.txt", b"not JSON"), ("objects/README", b"not JSON")],
    );
    let spec = xtask::spec::load_dir(&dir).unwrap();
    assert!(spec.objects.contains_key("LineItem"), "a file in a subdirectory was skipped");
}

#[test]
fn load_dir_reports_a_file_that_is_not_utf8() {
    let dir = spec_dir("not_utf8", &[("objects/binary.json", b"{\"kind\": \"\xff\xfe\"}")]);
    let errors = xtask::spec::load_dir(&dir).unwrap_err();
    let [e] = errors.0.as_slice() else { panic!("not one error: {errors}") };
    assert_eq!(e.file, dir.join("objects/binary.json"), "{errors}");
    assert_eq!(e.path, "$");
    assert!(e.message.starts_with("cannot read the file: "), "{errors}");
    assert_eq!(e.expected.as_deref(), Some("a readable UTF-8 JSON file"));
}

#[test]
fn load_dir_reports_a_missing_directory() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("spec_errors/no such directory");
    let errors = xtask::spec::load_dir(&dir).unwrap_err();
    let [e] = errors.0.as_slice() else { panic!("not one error: {errors}") };
    assert_eq!(e.file, dir);
    assert_eq!(e.path, "$");
    assert!(e.message.starts_with("cannot read the spec directory: "), "{errors}");
}
