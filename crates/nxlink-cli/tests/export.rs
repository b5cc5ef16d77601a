//! `calls export` and `calls list` against the mock: each format parsed back and compared
//! with the dataset, paging and `--limit`, the filters the server sees, the output file
//! written whole or not at all, and records printed exactly as the server sent them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use nxlink_auth::{Credentials, Signer};
use nxlink_mock::{Fault, Faults, MockServer, Outcome, DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET, DEMO_TASK_ID};
use nxlink_models::CallRecord;
use serde_json::Value;

use common::{
    against, as_received, assert_no_secrets, assert_ok, assert_same_record, entries, export_args, failure, run, Mock,
};

#[test]
fn json_export_is_every_record_with_wire_names() {
    let mock = Mock::start();
    let output = run(against(&mock).args(export_args("json")));
    assert_ok(&output);
    let records: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    let expected = mock.expected();
    assert!(expected.len() > 300, "dataset too small to page: {}", expected.len());
    assert_eq!(records.len(), expected.len());
    for (actual, expected) in records.iter().zip(&expected) {
        assert_same_record(actual, expected);
    }
    // Every page was asked for: ceil(total / 50).
    assert_eq!(mock.bodies().len(), expected.len().div_ceil(50));
}

#[test]
fn jsonl_export_is_one_record_per_line_and_logs_stay_on_stderr() {
    let mock = Mock::start();
    let output = run(against(&mock).arg("-vv").args(export_args("jsonl")));
    assert_ok(&output);
    let stdout = String::from_utf8(output.stdout).unwrap();
    let expected = mock.expected();
    assert_eq!(stdout.lines().count(), expected.len());
    for (line, expected) in stdout.lines().zip(&expected) {
        assert_same_record(&serde_json::from_str(line).unwrap(), expected);
    }
    // -vv logged plenty, on stderr, and never a secret or a signature.
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("DEBUG") || stderr.contains("TRACE"), "no logs at -vv: {stderr}");
    assert_no_secrets(&mock, &stdout);
    assert_no_secrets(&mock, &stderr);
}

#[test]
fn csv_export_has_the_wire_names_and_every_value() {
    let mock = Mock::start();
    let output = run(against(&mock).args(export_args("csv")));
    assert_ok(&output);
    let mut reader = csv::Reader::from_reader(output.stdout.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(header.len(), CallRecord::FIELDS.len() + 1);
    assert!(header.iter().zip(CallRecord::FIELDS).all(|(column, field)| column == field), "{header:?}");
    assert_eq!(header.last().map(String::as_str), Some("extra"));
    let expected = mock.expected();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), expected.len());
    for (row, record) in rows.iter().zip(&expected) {
        let Value::Object(fields) = as_received(record) else { panic!() };
        assert_eq!(row.get(CallRecord::FIELDS.len()), Some(""), "no unknown fields: an empty extra cell");
        for (column, name) in header.iter().enumerate().take(CallRecord::FIELDS.len()) {
            let cell = &row[column];
            let context = format!("record {:?}, column {name}: {cell:?}", record.id);
            // Absent and `null` are both an empty cell.
            match fields.get(name).unwrap_or(&Value::Null) {
                Value::Null => assert_eq!(cell, "", "{context}"),
                Value::String(text) => assert_eq!(cell, text, "{context}"),
                Value::Number(number) => assert_eq!(cell.parse::<i64>().ok(), number.as_i64(), "{context}"),
                nested => assert_eq!(&serde_json::from_str::<Value>(cell).unwrap(), nested, "{context}"),
            }
        }
    }
}

#[test]
fn table_has_a_header_and_one_row_per_record() {
    let mock = Mock::start();
    let output = run(against(&mock).args(["calls", "export", "--task-id", DEMO_TASK_ID, "--limit", "25"]));
    assert_ok(&output);
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 26, "{stdout}");
    for column in ["ID", "CALL ID", "CALLEE", "STATUS", "RESULT", "START (UTC)", "ELAPSED", "INTENT"] {
        assert!(lines[0].contains(column), "{column} missing from {}", lines[0]);
    }
    for (line, record) in lines[1..].iter().zip(mock.expected()) {
        assert!(line.trim_start().starts_with(&record.id.unwrap().to_string()), "{line}");
        assert!(line.contains(record.call_status.unwrap().name()), "{line}");
    }
}

#[test]
fn limit_stops_the_export_early() {
    let mock = Mock::start();
    let output = run(against(&mock).args(export_args("jsonl")).args(["--limit", "60", "--concurrency", "1"]));
    assert_ok(&output);
    let ids: Vec<i64> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap()["id"].as_i64().unwrap())
        .collect();
    let expected: Vec<i64> = mock.expected().iter().take(60).map(|r| r.id.unwrap()).collect();
    assert_eq!(ids, expected);
    // Two pages of 50 hold 60 records; nothing beyond was needed.
    assert!(mock.bodies().len() <= 3, "{} requests", mock.bodies().len());
}

#[test]
fn list_prints_the_requested_page() {
    let mock = Mock::start();
    let output = run(against(&mock).args([
        "calls",
        "list",
        "--task-id",
        DEMO_TASK_ID,
        "--page-size",
        "7",
        "--page",
        "3",
        "--format",
        "json",
    ]));
    assert_ok(&output);
    let records: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    let expected = mock.expected();
    assert_eq!(records.len(), 7);
    for (actual, expected) in records.iter().zip(&expected[14..21]) {
        assert_same_record(actual, expected);
    }
    assert_eq!(mock.bodies(), [serde_json::json!({"taskId": DEMO_TASK_ID, "pageNumber": 3, "pageSize": 7})]);
}

#[test]
fn every_filter_flag_reaches_the_server() {
    let mock = Mock::start();
    // A record with a result that allows an intent, so every filter can hold at once.
    let target = mock
        .expected()
        .into_iter()
        .find(|r| {
            r.call_result.is_some_and(|c| c.code() == 17) && r.user_intent.as_deref().is_some_and(|i| !i.is_empty())
        })
        .unwrap();
    let created = target.create_ts.unwrap();
    let elapsed = target.call_elapsed.unwrap();
    let (start, end, min, max) =
        ((created - 10).to_string(), (created + 10).to_string(), (elapsed - 1).to_string(), (elapsed + 1).to_string());
    let output = run(against(&mock).args([
        "calls",
        "list",
        "--task-id",
        DEMO_TASK_ID,
        "--start",
        &start,
        "--end",
        &end,
        "--call-id",
        target.call_id.as_deref().unwrap(),
        "--phone",
        target.callee_phone.as_deref().unwrap(),
        "--result",
        "normal-end-user-hung-up",
        "--intent",
        target.user_intent.as_deref().unwrap(),
        "--min-elapsed",
        &min,
        "--max-elapsed",
        &max,
        "--page-size",
        "20",
        "--format",
        "jsonl",
    ]));
    assert_ok(&output);
    let body = &mock.bodies()[0];
    let expected = serde_json::json!({
        "taskId": DEMO_TASK_ID,
        "startTs": created - 10,
        "endTs": created + 10,
        "callId": target.call_id,
        "phone": target.callee_phone,
        "callResult": 17,
        "userIntent": target.user_intent,
        "pageNumber": 1,
        "pageSize": 20,
        "minElapsed": elapsed - 1,
        "maxElapsed": elapsed + 1,
    });
    assert_eq!(body, &expected);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert_same_record(&serde_json::from_str(stdout.trim()).unwrap(), &target);
}

#[test]
fn dates_rfc3339_and_result_codes_are_converted_for_the_server() {
    let mock = Mock::start();
    let output = run(against(&mock).args([
        "calls",
        "list",
        "--task-id",
        DEMO_TASK_ID,
        "--start",
        "2025-01-01",
        "--end",
        "2025-04-30T12:00:00+08:00",
        "--result",
        "12",
        "--format",
        "json",
    ]));
    assert_ok(&output);
    let body = &mock.bodies()[0];
    assert_eq!(body["startTs"], 1_735_689_600);
    assert_eq!(body["endTs"], 1_745_985_600);
    assert_eq!(body["callResult"], 12);
}

#[test]
fn since_sets_the_start_relative_to_now() {
    let mock = Mock::start();
    let before = jiff::Timestamp::now().as_second();
    let output = run(against(&mock).args(["calls", "list", "--task-id", DEMO_TASK_ID, "--since", "24h"]));
    let after = jiff::Timestamp::now().as_second();
    assert_ok(&output);
    let start = mock.bodies()[0]["startTs"].as_i64().unwrap();
    assert!((before - 86_400..=after - 86_400).contains(&start), "{start}");
    assert!(mock.bodies()[0].get("endTs").is_none());
}

#[test]
fn output_file_is_complete_when_the_export_succeeds() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("calls.jsonl");
    let output = run(against(&mock).args(export_args("jsonl")).arg("--output").arg(&path));
    assert_ok(&output);
    assert!(output.stdout.is_empty());
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().count(), mock.expected().len());
    assert_eq!(entries(dir.path()), ["calls.jsonl"], "temporary files left behind");
}

#[test]
fn an_export_that_fails_midway_leaves_no_output_file() {
    // Seeded faults and one request at a time make the failing page deterministic:
    // with this seed the first pages are served and a later one gets a 500.
    let faults = Faults { internal_error: 0.2, ..Faults::none() }.with_seed(FAULT_SEED);
    let mock = Mock::with(MockServer::builder().faults(faults));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("calls.csv");
    let output = run(against(&mock)
        .args(["calls", "export", "--task-id", DEMO_TASK_ID, "--format", "csv", "--page-size", "10"])
        .args(["--concurrency", "1", "--retries", "0", "--output"])
        .arg(&path));
    let (code, line) = failure(&output);
    assert_eq!(code, 5, "{line}");
    assert!(line.contains("HTTP 500"), "{line}");
    let outcomes: Vec<Outcome> = mock.server.requests().iter().map(|r| r.outcome).collect();
    let served = outcomes.iter().take_while(|o| **o == Outcome::Answered { code: 0 }).count();
    assert_eq!(served, 7, "the fault must come after some pages were written: {outcomes:?}");
    assert_eq!(outcomes.last(), Some(&Outcome::Fault(Fault::InternalError)));
    assert!(entries(dir.path()).is_empty(), "left behind: {:?}", entries(dir.path()));
}

/// A seed whose fault sequence (rate 0.2) serves 7 requests before the first fault.
const FAULT_SEED: u64 = 2;

#[test]
fn a_failed_export_keeps_the_previous_file_untouched() {
    let mock = Mock::with(MockServer::builder().faults(Faults::always(Fault::BadGateway)));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("calls.json");
    std::fs::write(&path, "previous export").unwrap();
    let output = run(against(&mock).args(export_args("json")).args(["--retries", "0", "--output"]).arg(&path));
    assert_eq!(failure(&output).0, 5);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "previous export");
    assert_eq!(entries(dir.path()), ["calls.json"]);
}

// --- records exactly as the server sent them ------------------------------------------

/// The page's records exactly as the server sends them: a signed request made by hand,
/// the body read as JSON values (no SDK decoding in between).
fn raw_page(mock: &Mock, page_size: usize) -> Vec<Value> {
    let body = format!(r#"{{"taskId":"{DEMO_TASK_ID}","pageNumber":1,"pageSize":{page_size}}}"#);
    let signer = Signer::new(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET));
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    let signed = signer.sign("100", "nxai", now, body.as_bytes());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let bytes = runtime.block_on(async {
        let mut request = reqwest::Client::new()
            .post(format!("{}/openapi/aiagent/call/list", mock.url()))
            .header("Content-Type", "application/json");
        for (name, value) in &signed {
            request = request.header(name, value);
        }
        request.body(body).send().await.unwrap().bytes().await.unwrap()
    });
    let envelope: Value = serde_json::from_slice(&bytes).unwrap();
    envelope["data"]["list"].as_array().unwrap().clone()
}

/// True when `printed` is what the server `sent` for a known field, allowing the two
/// normalisations the SDK documents: a number sent as a string prints as the number,
/// and `""` sent for a number prints as `null`.
fn same_value(sent: &Value, printed: &Value) -> bool {
    match (sent, printed) {
        (Value::String(text), Value::Number(number)) => text.trim().parse::<f64>().ok() == number.as_f64(),
        (Value::String(text), Value::Null) => text.trim().is_empty(),
        _ => sent == printed,
    }
}

#[track_caller]
fn assert_as_sent(printed: &[Value], sent: &[Value]) {
    assert_eq!(printed.len(), sent.len());
    for (printed, sent) in printed.iter().zip(sent) {
        let (Value::Object(printed), Value::Object(sent)) = (printed, sent) else { panic!("not objects") };
        let id = &sent["id"];
        for (field, value) in sent {
            let got = printed.get(field).unwrap_or_else(|| panic!("record {id}: field {field} was dropped"));
            assert!(same_value(value, got), "record {id}, field {field}: sent {value}, printed {got}");
        }
        // Nothing added: a field the server left out is not written, not even as `null`.
        for (field, value) in printed {
            assert!(sent.contains_key(field), "record {id}: {field} = {value} was not sent");
        }
    }
}

#[test]
fn json_and_jsonl_hold_every_field_the_server_sent() {
    // Quirks: unknown fields (`tenantId`, `ext` with a nested object) on every record,
    // numbers as strings, nulls, "" and codes newer than the docs.
    let mock = Mock::with(MockServer::builder().quirks(true));
    let sent = raw_page(&mock, 40);
    assert!(sent.iter().all(|r| r.get("ext").is_some_and(Value::is_object)), "the page carries unknown fields");
    assert!(sent.iter().any(|r| r.as_object().unwrap().values().any(Value::is_null)), "and nulls");
    let absent = |r: &Value| CallRecord::FIELDS.iter().any(|f| r.get(*f).is_none());
    assert!(sent.iter().any(absent), "and known fields left out");
    for format in ["json", "jsonl"] {
        let output = run(against(&mock).args([
            "calls",
            "list",
            "--task-id",
            DEMO_TASK_ID,
            "--page-size",
            "40",
            "--format",
            format,
        ]));
        assert_ok(&output);
        let printed: Vec<Value> = if format == "json" {
            serde_json::from_slice(&output.stdout).unwrap()
        } else {
            output
                .stdout
                .split(|b| *b == b'\n')
                .filter(|l| !l.is_empty())
                .map(|l| serde_json::from_slice(l).unwrap())
                .collect()
        };
        assert_as_sent(&printed, &sent);
        // Known fields first, in the vendor's order, then the unknown ones.
        let first_line = String::from_utf8(output.stdout.clone()).unwrap();
        let last_known = CallRecord::FIELDS.iter().rev().find_map(|f| first_line.find(&format!("\"{f}\""))).unwrap();
        let (known_end, extra_at) = (last_known, first_line.find("\"tenantId\"").unwrap());
        assert!(known_end < extra_at, "{format}: unknown fields come after the known ones");
    }
}

#[test]
fn csv_carries_unknown_fields_in_its_extra_column() {
    let mock = Mock::with(MockServer::builder().quirks(true));
    let sent = raw_page(&mock, 30);
    let output =
        run(against(&mock).args(["calls", "list", "--task-id", DEMO_TASK_ID, "--page-size", "30", "--format", "csv"]));
    assert_ok(&output);
    let mut reader = csv::Reader::from_reader(output.stdout.as_slice());
    let extra_column = reader.headers().unwrap().iter().position(|h| h == "extra").unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), sent.len());
    for (row, sent) in rows.iter().zip(&sent) {
        let extra: Value = serde_json::from_str(&row[extra_column]).unwrap();
        let unknown: serde_json::Map<String, Value> = sent
            .as_object()
            .unwrap()
            .iter()
            .filter(|(name, _)| !CallRecord::FIELDS.contains(&name.as_str()))
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        assert!(!unknown.is_empty());
        assert_eq!(extra, Value::Object(unknown), "record {}", sent["id"]);
    }
}

#[test]
fn unknown_fields_and_codes_are_noted_once_on_stderr() {
    let mock = Mock::with(MockServer::builder().quirks(true));
    let output = run(against(&mock).args(export_args("jsonl")));
    assert_ok(&output);
    let stderr = String::from_utf8(output.stderr.clone()).unwrap();
    let notes: Vec<&str> = stderr.lines().filter(|line| line.starts_with("note: ")).collect();
    assert_eq!(notes.len(), 1, "one note, and no per-field warnings:\n{stderr}");
    let records = output.stdout.split(|b| *b == b'\n').filter(|l| !l.is_empty()).count();
    assert!(notes[0].contains(&format!("CallRecord.tenantId ({records})")), "{}", notes[0]);
    assert!(notes[0].contains("CallRecord.callResult"), "unknown codes are named too: {}", notes[0]);
    assert!(notes[0].contains("When the vendor's docs change"), "says how to catch up: {}", notes[0]);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");

    let quiet = run(against(&mock).arg("-q").args(export_args("jsonl")));
    assert_ok(&quiet);
    assert!(quiet.stderr.is_empty(), "{}", String::from_utf8_lossy(&quiet.stderr));
    let clean = Mock::start();
    let output = run(against(&clean).args(export_args("jsonl")));
    assert!(!String::from_utf8_lossy(&output.stderr).contains("note:"), "nothing to note on a clean page");
}

/// The CSV an export writes is, byte for byte, what earlier versions wrote: each JSON
/// line read as a `serde_json::Value` (objects with their keys sorted), one cell per
/// known field (text as is, `null` and absent empty, the rest as compact JSON), the
/// unknown fields as one object in `extra`, through the `csv` crate's writer.
#[test]
fn csv_rows_are_the_json_lines_through_a_value_byte_for_byte() {
    let mock = Mock::with(MockServer::builder().quirks(true));
    let jsonl = run(against(&mock).args(export_args("jsonl")));
    let csv = run(against(&mock).args(export_args("csv")));
    assert_ok(&jsonl);
    assert_ok(&csv);
    let mut expected = csv::Writer::from_writer(Vec::new());
    expected.write_record(CallRecord::FIELDS.iter().chain(&["extra"])).unwrap();
    for line in String::from_utf8(jsonl.stdout).unwrap().lines() {
        let Value::Object(mut object) = serde_json::from_str::<Value>(line).unwrap() else { panic!("{line}") };
        let mut cells: Vec<String> = CallRecord::FIELDS
            .iter()
            .map(|name| match object.remove(*name) {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(text)) => text,
                Some(other) => other.to_string(),
            })
            .collect();
        cells.push(if object.is_empty() { String::new() } else { Value::Object(object).to_string() });
        expected.write_record(&cells).unwrap();
    }
    let expected = expected.into_inner().unwrap();
    assert!(expected.len() > 100_000 && expected.windows(4).any(|w| w == b"\"\"ke"), "a real export, nested objects");
    assert!(csv.stdout == expected, "the CSV differs from the JSON lines' cells");
}
