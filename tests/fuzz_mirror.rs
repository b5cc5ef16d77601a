//! The fuzz targets of `fuzz/` as proptests, so CI exercises the same properties briefly
//! on every run (`cargo test -p nxlink-tests --test fuzz_mirror`). The fuzz targets
//! explore for minutes; these run a few hundred cases each, in about a second.
//!
//! - decoding: arbitrary bytes, and real pages mutated structurally (a field replaced by
//!   an odd value, removed, the text truncated or a byte changed);
//! - the spec loader: arbitrary text as one file among the real spec's files;
//! - signature verification: arbitrary headers and bodies, signed requests tampered with;
//! - the vendor-page parser of `cargo xtask docs`: arbitrary text, and the stored page
//!   with lines dropped, duplicated or cut;
//! - the CLI's `--start` / `--end` / `--since` parsing (`crates/nxlink-cli/src/time.rs`,
//!   included with `#[path]` because `nxlink-cli` is a binary crate).
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test fails by panicking

use std::path::PathBuf;

use nxlink_auth::{headers, Algorithm, Credentials, FixedClock, KeyStore, Signer, Verifier, MAX_CLOCK_SKEW_MS};
use nxlink_models::{decode, CallRecordPage, Envelope};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{json, Value};

#[path = "../crates/nxlink-cli/src/time.rs"]
mod cli_time;

fn config(cases: u32) -> ProptestConfig {
    // No persistence file: a failure prints its minimal input, which is what to report.
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

// ---------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------

/// A page as the vendor documents it, plus the quirks the service is known to send.
fn real_page() -> Value {
    let record = r#"{
        "id": 125279, "taskId": "972e65ad-bfa5-4f35-845f-1867009b2c34",
        "contactId": "fde45ccd-9902-43a4-8e2e-ca4dba5a93e0", "autoFlowId": 207, "orderHead": 1, "orderTail": 1,
        "callerPhone": "00000", "calleePhone": "85238531065", "realPhone": "85238531066",
        "callId": "fe90a9af-e14c-4330-8faa-2631e761124a", "callStatus": 10, "callResult": 17,
        "createTs": 1742378329, "opTs": 1742378340, "callStart": 1742378340, "callAnswer": 1742378343,
        "callEnd": 1742378480, "callRingTime": 3, "callElapsed": 137, "lineId": "lineID", "routeId": "routeID",
        "callAudioUrl": "https://example.invalid/20250319/x.wav", "userIntent": "", "callSummary": "",
        "turnTime": 0, "manualCallStart": 0, "manualCallAnswer": 0, "manualCallEnd": 0, "manualCallStatus": 0,
        "manualElapsed": 0, "agentName": "", "agentId": "", "agentGroupName": "", "agentGroupId": "",
        "callCallbackUrl": "", "orderCallbackUrl": "", "sipAddr": "xxxxx", "sipCode": "200",
        "hangupReason": "NORMAL_CLEARING",
        "attributes": [
            { "name": "Name", "key": "sys.name", "value": "haier" },
            { "name": "Phone Number", "key": "sys.phoneNumber", "value": "85238531065" }
        ],
        "autoFlowName": "test-ai agent"
    }"#;
    // Every field of the spec and no other, so a field the docs removed is not taken for
    // an unknown one.
    let record = nxlink_tests::record_as_the_spec_knows_it(record);
    let quirky = r#"{ "id": "7", "callResult": "", "callStatus": 99, "createTs": "1.7e9", "turnTime": null,
                      "calleePhone": 85238531065, "attributes": null }"#;
    let page = format!(
        r#"{{ "code": 0, "message": "success", "traceId": null,
              "data": {{ "total": "4", "pageNumber": 1, "pageSize": 10, "list": [{record}, {quirky}, {{}}] }} }}"#
    );
    serde_json::from_str(&page).unwrap()
}

/// JSON paths (as pointer tokens) of every value that sits under an object key, except
/// the envelope's required `code`.
fn member_paths(value: &Value, here: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                here.push(key.clone());
                if here.as_slice() != ["code"] {
                    out.push(here.clone());
                }
                member_paths(child, here, out);
                here.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                here.push(i.to_string());
                member_paths(child, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

fn pointer(path: &[String]) -> String {
    path.iter().map(|token| format!("/{token}")).collect()
}

/// A value the lenient decoder must always accept for any field: "absent".
fn absent_value() -> impl Strategy<Value = Value> {
    prop_oneof![Just(Value::Null), Just(json!("")), Just(json!("  ")), Just(json!("\t\n"))]
}

/// Any JSON value, biased towards what a confused server sends.
fn odd_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        absent_value(),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "[ -~]{0,12}".prop_map(Value::String),
        "-?[0-9]{1,25}(\\.[0-9]{0,3})?(e-?[0-9]{1,3})?".prop_map(Value::String),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Replace(Index, Value),
    Remove(Index),
    Truncate(Index),
    SetByte(Index, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<Index>(), odd_value()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        any::<Index>().prop_map(Mutation::Remove),
        any::<Index>().prop_map(Mutation::Truncate),
        (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::SetByte(i, b)),
    ]
}

fn mutate(mutations: &[Mutation]) -> Vec<u8> {
    let mut page = real_page();
    let mut bytes_edits = Vec::new();
    for m in mutations {
        let mut paths = Vec::new();
        member_paths(&page, &mut Vec::new(), &mut paths);
        if paths.is_empty() {
            continue;
        }
        match m {
            Mutation::Replace(i, v) => {
                if let Some(slot) = page.pointer_mut(&pointer(&paths[i.index(paths.len())])) {
                    *slot = v.clone();
                }
            }
            Mutation::Remove(i) => {
                let path = &paths[i.index(paths.len())];
                let (last, parent) = path.split_last().unwrap();
                if let Some(Value::Object(map)) = page.pointer_mut(&pointer(parent)) {
                    map.remove(last);
                }
            }
            other => bytes_edits.push(other.clone()),
        }
    }
    let mut bytes = serde_json::to_vec(&page).unwrap();
    for edit in bytes_edits {
        match edit {
            Mutation::Truncate(i) => bytes.truncate(i.index(bytes.len() + 1)),
            Mutation::SetByte(i, b) if !bytes.is_empty() => {
                let at = i.index(bytes.len());
                bytes[at] = b;
            }
            _ => {}
        }
    }
    bytes
}

/// What the fuzz target checks: no panic, and a decoded envelope survives `Debug`,
/// serialization and decoding again unchanged.
fn check_decode(body: &[u8]) -> Result<(), TestCaseError> {
    match decode::<Envelope<CallRecordPage>>(body) {
        Ok(envelope) => {
            let _ = format!("{envelope:?}");
            let json = serde_json::to_vec(&envelope).unwrap();
            let again = decode::<Envelope<CallRecordPage>>(&json);
            prop_assert_eq!(again.as_ref(), Ok(&envelope), "re-decoding {}", String::from_utf8_lossy(&json));
        }
        Err(err) => {
            let _ = (err.path(), err.message(), err.line(), err.column(), err.is_eof(), err.to_string());
        }
    }
    if let Ok(page) = decode::<CallRecordPage>(body) {
        let _ = format!("{page:?}");
    }
    Ok(())
}

/// Any JSON value: scalars of every kind, nested arrays and objects.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("JSON numbers are finite", |f| f.is_finite()).prop_map(Value::from),
        ".{0,8}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map("[a-zA-Z]{1,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A field name the call record does not have.
fn unknown_name() -> impl Strategy<Value = String> {
    "[a-z][a-zA-Z0-9_]{0,10}"
        .prop_filter("not a known field", |name| !nxlink_models::CallRecord::FIELDS.contains(&name.as_str()))
}

proptest! {
    #![proptest_config(config(512))]

    /// Unlike arbitrary bytes, these pages decode, so the round trip always runs.
    #[test]
    fn unknown_fields_of_any_shape_survive_decode_and_encode(
        extra in prop::collection::btree_map(unknown_name(), json_value(), 1..5),
    ) {
        let mut page = real_page();
        for (name, value) in &extra {
            page["data"]["list"][0][name] = value.clone();
        }
        let body = serde_json::to_vec(&page).unwrap();
        let decoded = decode::<Envelope<CallRecordPage>>(&body);
        prop_assert!(decoded.is_ok(), "{:?}", decoded.err());
        let envelope = decoded.unwrap();
        let record = &envelope.data.as_ref().unwrap().list[0];
        prop_assert_eq!(&record.extra, &extra);
        let sent = &page["data"]["list"][0];
        let written = serde_json::to_value(record).unwrap();
        for (name, value) in &extra {
            prop_assert_eq!(&written[name], value, "{} written back as sent", name);
        }
        prop_assert_eq!(&written["calleePhone"], &sent["calleePhone"]);
        check_decode(&body)?;
    }

    #[test]
    fn decoding_arbitrary_bytes_never_panics(body in prop::collection::vec(any::<u8>(), 0..256)) {
        check_decode(&body)?;
    }

    #[test]
    fn decoding_mutated_real_pages_never_panics(mutations in prop::collection::vec(mutation(), 1..4)) {
        check_decode(&mutate(&mutations))?;
    }

    #[test]
    fn null_or_empty_in_any_field_never_fails_the_page(at in any::<Index>(), absent in absent_value()) {
        let mut page = real_page();
        let mut paths = Vec::new();
        member_paths(&page, &mut Vec::new(), &mut paths);
        let path = pointer(&paths[at.index(paths.len())]);
        *page.pointer_mut(&path).unwrap() = absent;
        let body = serde_json::to_vec(&page).unwrap();
        let decoded = decode::<Envelope<CallRecordPage>>(&body);
        prop_assert!(decoded.is_ok(), "{}: {:?}", path, decoded.err());
        check_decode(&body)?;
    }
}

// ---------------------------------------------------------------------------------------
// Spec loader
// ---------------------------------------------------------------------------------------

fn real_spec() -> Vec<(PathBuf, String)> {
    let dir = nxlink_tests::root().join("spec");
    let mut out = Vec::new();
    let mut stack = vec![dir.clone()];
    while let Some(at) = stack.pop() {
        for entry in std::fs::read_dir(&at).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") && !path.ends_with("spec.schema.json") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path.strip_prefix(&dir).unwrap().to_path_buf(), text));
            }
        }
    }
    out.sort();
    assert!(!out.is_empty());
    out
}

/// Text for a spec file: anything, JSON-looking junk, or a real file with a splice.
fn spec_text(real: Vec<(PathBuf, String)>) -> impl Strategy<Value = (Index, String)> {
    let spliced =
        (any::<Index>(), any::<Index>(), any::<Index>(), "[ -~]{0,16}").prop_map(move |(f, at, len, insert)| {
            let text = &real[f.index(real.len())].1;
            let start = at.index(text.len() + 1);
            let end = (start + len.index(8)).min(text.len());
            let (start, end) = (floor_char(text, start), floor_char(text, end));
            format!("{}{insert}{}", &text[..start], &text[end..])
        });
    let text = prop_oneof![
        any::<String>(),
        "[{}\\[\\]\":, a-z0-9$_.-]{0,64}",
        r#"\{"kind": ?"(service|enum|object|endpoint|x)"[ -~]{0,32}\}?"#,
        spliced,
    ];
    (any::<Index>(), text)
}

fn floor_char(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn loading_arbitrary_text_as_a_spec_file_never_panics((slot, text) in spec_text(real_spec())) {
        let mut sources = real_spec();
        let slot = slot.index(sources.len() + 1);
        if slot == sources.len() {
            sources.push((PathBuf::from("objects/fuzz.json"), text));
        } else {
            sources[slot].1 = text;
        }
        // The fuzz target also runs the emitters on a spec that still validates; that is
        // too slow for a debug-build proptest (prettyplease), so only the loader here.
        if let Err(errors) = xtask::spec::load_sources(sources) {
            prop_assert!(!errors.0.is_empty());
            let _ = errors.to_string();
        }
    }
}

// ---------------------------------------------------------------------------------------
// Signature verification
// ---------------------------------------------------------------------------------------

const NAMES: [&str; 6] =
    [headers::ACCESS_KEY, headers::TS, headers::BIZ_TYPE, headers::ACTION, headers::SIGN, headers::ALGORITHM];

fn header_name() -> impl Strategy<Value = String> {
    prop_oneof![
        (0..NAMES.len(), any::<bool>()).prop_map(|(i, upper)| if upper {
            NAMES[i].to_ascii_uppercase()
        } else {
            NAMES[i].to_owned()
        }),
        any::<String>(),
    ]
}

fn header_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("100".to_owned()),
        Just("nxai".to_owned()),
        Just("AK-1".to_owned()),
        prop_oneof![Just("md5"), Just("SHA256"), Just("sha1")].prop_map(str::to_owned),
        "-?[0-9]{1,22}",
        "[0-9a-f]{32}|[0-9a-f]{64}",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn verifying_arbitrary_headers_never_panics(
        pairs in prop::collection::vec((header_name(), header_value()), 0..8),
        body in prop::collection::vec(any::<u8>(), 0..64),
        now in any::<i64>(),
    ) {
        let store = KeyStore::new().with(Credentials::new("AK-1", "s3cr3t"));
        let verifier = Verifier::new(store).with_clock(FixedClock::new(now));
        let by_lookup = verifier.verify_headers(&pairs, &body);
        let by_closure = verifier
            .verify(|name| pairs.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()), &body);
        prop_assert_eq!(&by_lookup, &by_closure);
        if let Err(err) = by_lookup {
            prop_assert!((1001..=1005).contains(&err.code()));
            let _ = err.to_string();
        }
    }

    #[test]
    fn signed_requests_verify_and_tampering_is_refused(
        access_key in "[ -~]{1,24}",
        secret in any::<String>(),
        ts in any::<i64>(),
        skew in -MAX_CLOCK_SKEW_MS..=MAX_CLOCK_SKEW_MS,
        sha256 in any::<bool>(),
        body in prop::collection::vec(any::<u8>(), 0..64),
        which in 0..NAMES.len(),
        value in header_value(),
    ) {
        let algorithm = if sha256 { Algorithm::Sha256 } else { Algorithm::Md5 };
        let signer = Signer::new(Credentials::new(access_key.as_str(), secret.as_str())).with_algorithm(algorithm);
        let signed = signer.sign("100", "nxai", ts, &body);
        let _ = signer.explain("100", "nxai", ts, &body);
        let verifier = Verifier::new(Credentials::new(access_key.as_str(), secret.as_str()))
            .with_clock(FixedClock::new(ts.saturating_add(skew)));
        let pairs: Vec<(String, String)> =
            signed.iter().map(|(name, value)| (name.to_ascii_lowercase(), value.to_owned())).collect();
        let clean = verifier.verify_headers(&pairs, &body);
        if ts.checked_add(skew).is_some() {
            let verified = clean.map_err(|err| TestCaseError::fail(format!("signed request refused: {err}")))?;
            prop_assert_eq!(verified.access_key(), access_key.as_str());
            prop_assert_eq!(verified.ts_millis(), ts);
            prop_assert_eq!(verified.algorithm(), algorithm);
        }
        let name = NAMES[which];
        let original = pairs.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone());
        let mut tampered: Vec<_> = pairs.into_iter().filter(|(n, _)| !n.eq_ignore_ascii_case(name)).collect();
        tampered.push((name.to_owned(), value.clone()));
        let result = verifier.verify_headers(&tampered, &body);
        if name != headers::ALGORITHM && original.is_some_and(|original| original != value) {
            prop_assert!(result.is_err(), "tampered `{}` = {:?} was accepted", name, value);
        }
    }
}

// ---------------------------------------------------------------------------------------
// CLI time parsing
// ---------------------------------------------------------------------------------------

fn time_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9]{1,22}",
        " ?-?[0-9]{1,6}-[0-9]{1,2}-[0-9]{1,2}( ?T[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:?[0-9]{2})?)? ?",
        "(-|\\+)?[0-9]{1,20}(\\.[0-9]{1,3})? ?(ns|us|ms|s|m|h|d|w|mo|y|days|hours|weeks|months|years)( ago)?",
        "P(T)?[0-9]{1,10}[YMWDHS]",
    ]
}

proptest! {
    #![proptest_config(config(1024))]

    #[test]
    fn cli_time_parsing_never_panics(text in time_text()) {
        let start = cli_time::parse_start(&text);
        let end = cli_time::parse_end(&text);
        // Only one may parse: `9999-12-30` starts inside jiff's range, which ends at
        // 9999-12-30T22:00:00Z, but its last second is outside it.
        if let (Ok(start), Ok(end)) = (&start, &end) {
            prop_assert!(start <= end, "{:?}: start {} > end {}", text, start, end);
            let _ = cli_time::format_unix_seconds(*start);
            let _ = cli_time::format_unix_seconds(*end);
        }
        if let Ok(span) = cli_time::parse_span(&text) {
            prop_assert!(span.is_positive(), "{:?}: {:?}", text, span);
            for now in [jiff::Timestamp::MIN, jiff::Timestamp::UNIX_EPOCH, jiff::Timestamp::MAX] {
                let _ = cli_time::since(now, span);
            }
        }
        if let Ok(timeout) = cli_time::parse_timeout(&text) {
            prop_assert!(!timeout.is_zero(), "{:?}", text);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Vendor pages (`cargo xtask docs`)
// ---------------------------------------------------------------------------------------

fn stored_page_lines() -> Vec<String> {
    let text = std::fs::read_to_string(nxlink_tests::root().join("tests/data/query-call-records.txt")).unwrap();
    text.lines().map(str::to_owned).collect()
}

/// Parses `text`; when it is a page, compares it with the real spec: neither may panic,
/// and an error says what it expected.
fn check_page(text: &str) -> Result<(), TestCaseError> {
    match xtask::docs::page::parse(text) {
        Ok(page) => {
            let spec = xtask::spec::load_dir(&nxlink_tests::root().join("spec")).unwrap();
            if let Ok(changes) = xtask::docs::diff::diff(&spec, &page) {
                for change in changes {
                    prop_assert!(!change.to_string().is_empty());
                }
            }
        }
        Err(err) => prop_assert!(!err.expected.is_empty(), "{err}"),
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn arbitrary_text_never_panics_the_page_parser(text in ".{0,400}") {
        check_page(&text)?;
    }

    #[test]
    fn a_mangled_vendor_page_never_panics_the_page_parser(
        drops in prop::collection::vec(any::<Index>(), 0..6),
        dups in prop::collection::vec(any::<Index>(), 0..4),
        cut in any::<Index>(),
    ) {
        let mut lines = stored_page_lines();
        for at in drops {
            if !lines.is_empty() {
                let i = at.index(lines.len());
                lines.remove(i);
            }
        }
        for at in dups {
            if !lines.is_empty() {
                let i = at.index(lines.len());
                let line = lines[i].clone();
                lines.insert(i, line);
            }
        }
        let text = lines.join("\n");
        let end = cut.index(text.len() + 1);
        let end = (0..=end).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        check_page(&text[..end])?;
    }
}
