//! The `nxlink` binary against an in-process `nxlink-mock`: formats parsed back and
//! compared with the mock's dataset, filters seen by the server, atomic output, exit
//! codes and error lines.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, OnceLock};

use nxlink_auth::{Credentials, Signer};
use nxlink_mock::{
    Dataset, Fault, Faults, MockServer, MockServerBuilder, Outcome, DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET, DEMO_TASK_ID,
};
use nxlink_models::CallRecord;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_nxlink");

/// One small dataset for every test: about 400 records in the demo task.
fn dataset() -> Arc<Dataset> {
    static DATASET: OnceLock<Arc<Dataset>> = OnceLock::new();
    DATASET.get_or_init(|| Arc::new(Dataset::generate(7, 1_000))).clone()
}

/// A mock served by its own runtime, so tests stay synchronous and the server keeps
/// answering while a test blocks on the child process.
struct Mock {
    // Dropped before the runtime that serves it.
    server: MockServer,
    _runtime: tokio::runtime::Runtime,
}

impl Mock {
    fn start() -> Self {
        Self::with(MockServer::builder())
    }

    fn with(builder: MockServerBuilder) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let server = runtime.block_on(builder.dataset(dataset()).start()).unwrap();
        Self { server, _runtime: runtime }
    }

    fn url(&self) -> &str {
        self.server.base_url()
    }

    fn expected(&self) -> Vec<CallRecord> {
        self.server.dataset().task_records(DEMO_TASK_ID).cloned().collect()
    }

    /// The JSON bodies of the requests the server answered.
    fn bodies(&self) -> Vec<Value> {
        self.server.requests().iter().map(|request| serde_json::from_slice(&request.body).unwrap()).collect()
    }
}

/// The command with a clean environment: no credentials or profile of the machine
/// running the tests can leak in.
fn nxlink() -> Command {
    let mut command = Command::new(BIN);
    for var in ["NXLINK_ACCESS_KEY", "NXLINK_ACCESS_SECRET", "NXLINK_REGION", "NXLINK_BASE_URL", "NXLINK_CONFIG"] {
        command.env_remove(var);
    }
    command.env_remove("RUST_LOG");
    // The default profile path, missing: silent, as on a machine with no profile.
    command.env("XDG_CONFIG_HOME", "/nonexistent/xdg");
    command.stdin(Stdio::null());
    command
}

/// `nxlink` pointed at `mock` with the demo credentials in the environment.
fn against(mock: &Mock) -> Command {
    let mut command = nxlink();
    command
        .args(["--base-url", mock.url()])
        .env("NXLINK_ACCESS_KEY", DEMO_ACCESS_KEY)
        .env("NXLINK_ACCESS_SECRET", DEMO_ACCESS_SECRET);
    command
}

#[track_caller]
fn run(command: &mut Command) -> Output {
    command.output().unwrap()
}

#[track_caller]
fn assert_ok(output: &Output) {
    assert!(
        output.status.success(),
        "exit {:?}\nstderr: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Exit code and the single error line on stderr.
#[track_caller]
fn failure(output: &Output) -> (i32, String) {
    let stderr = String::from_utf8(output.stderr.clone()).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "expected one error line, got: {stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    assert!(output.stdout.is_empty(), "stdout must stay clean: {}", String::from_utf8_lossy(&output.stdout));
    (output.status.code().unwrap_or(-1), lines[0].to_owned())
}

/// Compares a record as printed with the dataset's, field by field. The dataset record
/// goes through the wire first (JSON out, lenient decoding in, as the client does), so
/// the comparison is with what the API said as the SDK reads it: `""` reads as absent.
#[track_caller]
fn assert_same_record(actual: &Value, expected: &CallRecord) {
    let expected = as_received(expected);
    let (Value::Object(actual), Value::Object(expected)) = (actual, &expected) else { panic!("not objects") };
    // Exactly the fields the server sent: none added, none dropped.
    let keys = |object: &serde_json::Map<String, Value>| object.keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(actual), keys(expected), "record {:?}: the fields sent", expected.get("id"));
    for (field, value) in expected {
        assert_eq!(actual.get(field), Some(value), "record {:?}, field {field}", expected.get("id"));
    }
}

fn as_received(record: &CallRecord) -> Value {
    let decoded: CallRecord = serde_json::from_value(serde_json::to_value(record).unwrap()).unwrap();
    serde_json::to_value(decoded).unwrap()
}

fn export_args(format: &str) -> Vec<&str> {
    vec!["calls", "export", "--task-id", DEMO_TASK_ID, "--page-size", "50", "--format", format]
}

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

#[track_caller]
fn assert_no_secrets(mock: &Mock, text: &str) {
    assert!(!text.contains(DEMO_ACCESS_SECRET), "the secret was printed");
    for request in mock.server.requests() {
        if let Some(sign) = request.header("sign") {
            assert!(!text.contains(sign), "a signature was printed");
        }
    }
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

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
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

#[test]
fn wrong_secret_exits_3_with_the_1003_hint() {
    let mock = Mock::start();
    let output = run(against(&mock).env("NXLINK_ACCESS_SECRET", "not-the-secret").args(export_args("json")));
    let (code, line) = failure(&output);
    assert_eq!(code, 3, "{line}");
    for part in ["API error 1003", "traceId ", "hint: check the access secret", "clock"] {
        assert!(line.contains(part), "{part} missing from {line}");
    }
    assert!(!line.contains("not-the-secret"));
    assert_no_secrets(&mock, &line);
}

#[test]
fn unknown_key_exits_3() {
    let mock = Mock::start();
    let output = run(against(&mock).env("NXLINK_ACCESS_KEY", "AK-nobody").args(export_args("json")));
    let (code, line) = failure(&output);
    assert_eq!(code, 3, "{line}");
    assert!(line.contains("API error 1005") && line.contains("hint: check the access key"), "{line}");
}

#[test]
fn invalid_page_size_exits_2_before_sending_anything() {
    let mock = Mock::start();
    for size in ["0", "1001"] {
        let output = run(against(&mock).args(["calls", "list", "--task-id", DEMO_TASK_ID, "--page-size", size]));
        let (code, line) = failure(&output);
        assert_eq!(code, 2, "{line}");
        assert!(
            line.contains("pageSize") && line.contains("--page-size") && line.contains("between 1 and 1000"),
            "{line}"
        );
    }
    assert!(mock.server.requests().is_empty());
}

#[test]
fn bad_flag_values_exit_2_naming_the_flag() {
    for (flag, value) in [("--start", "yesterday"), ("--since", "1 month"), ("--result", "maybe"), ("--limit", "0")] {
        let output = run(nxlink().args(["calls", "export", "--task-id", "t", flag, value]));
        assert_eq!(output.status.code(), Some(2), "{flag} {value}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.contains(flag), "{flag}: {stderr}");
    }
}

#[test]
fn unreachable_server_exits_5() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}");
    let output = run(nxlink()
        .args(["--base-url", &url, "calls", "list", "--task-id", DEMO_TASK_ID, "--retries", "0"])
        .env("NXLINK_ACCESS_KEY", DEMO_ACCESS_KEY)
        .env("NXLINK_ACCESS_SECRET", DEMO_ACCESS_SECRET));
    let (code, line) = failure(&output);
    assert_eq!(code, 5, "{line}");
    assert!(line.contains("hint: check the base URL"), "{line}");
}

#[test]
fn plain_http_to_a_remote_host_exits_2() {
    let output = run(nxlink()
        .args(["--base-url", "http://api.nxlink.invalid", "calls", "list", "--task-id", DEMO_TASK_ID])
        .env("NXLINK_ACCESS_KEY", "AK")
        .env("NXLINK_ACCESS_SECRET", "secret"));
    let (code, line) = failure(&output);
    assert_eq!(code, 2, "{line}");
    assert!(
        line.contains("refusing plain http") && line.contains("use https") && line.contains("--base-url"),
        "{line}"
    );
}

#[test]
fn missing_credentials_exit_2_and_say_where_they_can_come_from() {
    let output = run(nxlink().args(["--region", "hk", "calls", "list", "--task-id", DEMO_TASK_ID]));
    let (code, line) = failure(&output);
    assert_eq!(code, 2);
    assert!(line.contains("NXLINK_ACCESS_KEY"), "{line}");
}

#[test]
fn secret_from_stdin_or_file_and_flag_beats_env_beats_profile() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("demo.secret"), format!("{DEMO_ACCESS_SECRET}\n")).unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[profiles.mock]\nbase_url = \"{}\"\naccess_key = \"{DEMO_ACCESS_KEY}\"\nsecret_file = \"demo.secret\"\n",
            mock.url()
        ),
    )
    .unwrap();
    let list = ["calls", "list", "--task-id", DEMO_TASK_ID, "--page-size", "3", "--format", "jsonl"];

    // The profile alone.
    let output = run(nxlink().env("NXLINK_CONFIG", &config).args(["--profile", "mock"]).args(list));
    assert_ok(&output);
    assert_eq!(output.stdout.iter().filter(|b| **b == b'\n').count(), 3);

    // The environment beats the profile: a wrong secret there is used, and refused.
    let output = run(nxlink()
        .env("NXLINK_CONFIG", &config)
        .env("NXLINK_ACCESS_SECRET", "wrong")
        .args(["--profile", "mock"])
        .args(list));
    assert_eq!(failure(&output).0, 3);

    // A flag beats the environment: --secret-stdin over NXLINK_ACCESS_SECRET, and
    // --base-url over NXLINK_BASE_URL.
    let mut child = nxlink()
        .env("NXLINK_BASE_URL", "http://127.0.0.1:9")
        .env("NXLINK_ACCESS_KEY", DEMO_ACCESS_KEY)
        .env("NXLINK_ACCESS_SECRET", "wrong")
        .args(["--base-url", mock.url(), "--secret-stdin"])
        .args(list)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(format!("{DEMO_ACCESS_SECRET}\n").as_bytes()).unwrap();
    assert_ok(&child.wait_with_output().unwrap());

    let output = run(against(&mock).arg("--secret-file").arg(dir.path().join("demo.secret")).args(list));
    assert_ok(&output);
}

#[test]
fn demo_runs_with_no_configuration_at_all() {
    let output = run(nxlink().args([
        "--demo",
        "calls",
        "export",
        "--task-id",
        DEMO_TASK_ID,
        "--format",
        "table",
        "--limit",
        "20",
    ]));
    assert_ok(&output);
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 21);
    assert!(stdout.starts_with("        ID  CALL ID"), "{stdout}");
}

#[test]
fn help_documents_the_demo_task_and_the_exit_codes() {
    let output = run(nxlink().arg("--help"));
    assert_ok(&output);
    let help = String::from_utf8(output.stdout).unwrap();
    assert!(help.contains(DEMO_TASK_ID), "{help}");
    for line in [
        "Exit codes:",
        "3  authentication",
        "5  network or server",
        "129, 130, 143  stopped by",
        "NXLINK_ACCESS_SECRET",
    ] {
        assert!(help.contains(line), "{line} missing");
    }
}

#[test]
fn enums_print_the_generated_tables() {
    let output = run(nxlink().args(["enums", "call-result"]));
    assert_ok(&output);
    let text = String::from_utf8(output.stdout).unwrap();
    for result in nxlink_models::CallResult::ALL {
        assert!(text.contains(&format!("{:>5}  {}", result.code(), result.name())), "{result:?}");
        assert!(text.contains(result.description()));
    }
    let all = String::from_utf8(run(nxlink().arg("enums")).stdout).unwrap();
    assert!(all.contains("callStatus") && all.contains("callResult") && all.contains("InvalidSignature"));
}

#[test]
fn sign_explain_masks_the_secret_and_matches_the_signer() {
    let body = br#"{"taskId":"t-1","pageNumber":1,"pageSize":10}"#;
    let mut child = nxlink()
        .args(["--demo", "--algorithm", "sha256", "sign", "--explain", "--body", "-", "--ts", "1700000000000"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(body).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_ok(&output);
    let stdout = String::from_utf8(output.stdout).unwrap();
    let signer = Signer::new(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET))
        .with_algorithm(nxlink_auth::Algorithm::Sha256);
    let expected = signer.sign("100", "nxai", 1_700_000_000_000, body);
    assert!(stdout.contains(&signer.explain("100", "nxai", 1_700_000_000_000, body)), "{stdout}");
    assert!(stdout.contains("&accessSecret=***"));
    assert!(stdout.contains(&format!("sign: {}", expected.sign().as_str())), "{stdout}");
    assert!(stdout.contains("algorithm: sha256"));
    assert!(!stdout.contains(DEMO_ACCESS_SECRET));
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
}

/// Every command and every path through the client, at trace level with a known
/// secret: neither the secret nor any signature the client computed reaches stdout,
/// stderr or the logs. (`nxlink sign` prints a signature on purpose; its secret is
/// still masked and it logs nothing.)
#[test]
fn no_command_prints_the_secret_or_a_signature_at_trace_level() {
    const KEY: &str = "AK-hygiene-0001";
    const SECRET: &str = "hygiene-secret-5f3a9c1e";
    let mock = Mock::with(MockServer::builder().key(KEY, SECRET));
    let secret_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(secret_file.path(), SECRET).unwrap();
    let secret_path = secret_file.path().to_str().unwrap().to_owned();
    let traced = |secret: &str| {
        let mut command = nxlink();
        command.args(["-vv", "--base-url", mock.url()]).env("RUST_LOG", "trace").env("NXLINK_ACCESS_KEY", KEY);
        command.env("NXLINK_ACCESS_SECRET", secret);
        command
    };
    let mut outputs = Vec::new();
    for format in ["table", "json", "jsonl", "csv"] {
        outputs.push(run(traced(SECRET).args(["calls", "list", "--task-id", DEMO_TASK_ID, "--format", format])));
        outputs.push(run(traced(SECRET).args(export_args(format))));
    }
    // The secret from a file rather than the environment.
    outputs.push(run(nxlink()
        .args(["-vv", "--base-url", mock.url(), "--access-key", KEY, "--secret-file", &secret_path])
        .env("RUST_LOG", "trace")
        .args(["calls", "list", "--task-id", DEMO_TASK_ID])));
    // Failures: a wrong secret (1003), a server error after retries, a refused request.
    let wrong = format!("{SECRET}-wrong");
    outputs.push(run(traced(&wrong).args(["calls", "list", "--task-id", DEMO_TASK_ID])));
    mock.server.handle().set_faults(Faults::always(Fault::BadGateway));
    outputs.push(run(traced(SECRET).args(["calls", "list", "--task-id", DEMO_TASK_ID, "--retries", "1"])));
    mock.server.handle().set_faults(Faults::none());
    outputs.push(run(traced(SECRET).args(["calls", "list", "--task-id", DEMO_TASK_ID, "--page-size", "0"])));
    outputs.push(run(traced(SECRET).args(["enums", "call-result"])));
    let mut sign = traced(SECRET)
        .args(["sign", "--explain", "--body", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    sign.stdin.take().unwrap().write_all(br#"{"taskId":"t"}"#).unwrap();
    let sign = sign.wait_with_output().unwrap();
    assert!(String::from_utf8_lossy(&sign.stdout).contains("&accessSecret=***"));

    let signatures: Vec<String> =
        mock.server.requests().iter().filter_map(|r| r.header("sign").map(str::to_owned)).collect();
    assert!(signatures.len() >= 12, "{}", signatures.len());
    let mut saw_trace_logs = false;
    for output in outputs.iter().chain([&sign]) {
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        saw_trace_logs |= stderr.contains("nxlink.request");
        for text in [&stdout, &stderr] {
            assert!(!text.contains(SECRET), "the secret was printed:\n{text}");
        }
        assert!(!stderr.contains(&wrong) && !stdout.contains(&wrong), "the wrong secret was printed");
        for signature in &signatures {
            assert!(!stderr.contains(signature.as_str()), "a signature reached the logs");
            assert!(!stdout.contains(signature.as_str()), "a signature reached stdout");
        }
    }
    assert!(saw_trace_logs, "the runs must actually log at trace level");
}

// --- `--output` on each kind of path -------------------------------------------------

use std::io::{BufRead, BufReader, Read};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::PathBuf;

/// An export of the demo task to `path` as JSONL, which must succeed; returns stderr.
#[track_caller]
fn export_to(mock: &Mock, path: &Path) -> String {
    let output = run(against(mock).args(export_args("jsonl")).arg("--output").arg(path));
    assert_ok(&output);
    assert!(output.stdout.is_empty(), "{}", String::from_utf8_lossy(&output.stdout));
    String::from_utf8(output.stderr).unwrap()
}

#[track_caller]
fn assert_complete_jsonl(mock: &Mock, text: &str) {
    let expected = mock.expected();
    assert_eq!(text.lines().count(), expected.len());
    for (line, record) in text.lines().zip(&expected) {
        assert_same_record(&serde_json::from_str(line).unwrap(), record);
    }
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

#[test]
fn a_new_output_file_is_private_complete_and_reported() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("calls.jsonl");
    let stderr = export_to(&mock, &path);
    assert_complete_jsonl(&mock, &std::fs::read_to_string(&path).unwrap());
    assert_eq!(mode(&path), 0o600, "exports hold phone numbers: new files are 0600");
    assert_eq!(stderr, format!("wrote {} records to {}\n", mock.expected().len(), path.display()));
    assert_eq!(entries(dir.path()), ["calls.jsonl"]);

    // -q: nothing on stderr.
    let output = run(against(&mock).arg("-q").args(export_args("csv")).arg("-o").arg(&path));
    assert_ok(&output);
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn an_existing_file_keeps_its_mode() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    for wanted in [0o644, 0o640] {
        let path = dir.path().join(format!("calls-{wanted:o}.jsonl"));
        std::fs::write(&path, "previous export\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(wanted)).unwrap();
        export_to(&mock, &path);
        assert_complete_jsonl(&mock, &std::fs::read_to_string(&path).unwrap());
        assert_eq!(mode(&path), wanted, "{}", path.display());
    }
    assert_eq!(entries(dir.path()), ["calls-640.jsonl", "calls-644.jsonl"]);
}

#[test]
fn a_symlink_is_followed_and_stays_a_link() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let target = data.join("calls.jsonl");
    std::fs::write(&target, "previous export\n").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
    // A chain of two links, the first relative, as `ln -s` makes them.
    let middle = dir.path().join("middle");
    std::os::unix::fs::symlink(&target, &middle).unwrap();
    let link = dir.path().join("latest.jsonl");
    std::os::unix::fs::symlink("middle", &link).unwrap();

    let stderr = export_to(&mock, &link);
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link was replaced");
    assert_eq!(std::fs::read_link(&link).unwrap(), Path::new("middle"));
    assert!(std::fs::symlink_metadata(&middle).unwrap().file_type().is_symlink());
    assert_complete_jsonl(&mock, &std::fs::read_to_string(&target).unwrap());
    assert_eq!(mode(&target), 0o644);
    assert!(stderr.ends_with(&format!("records to {}\n", link.display())), "{stderr}");
    assert_eq!(entries(dir.path()), ["data", "latest.jsonl", "middle"]);
    assert_eq!(entries(&data), ["calls.jsonl"]);

    // A dangling link: the file it names is created; the link stays.
    let dangling = dir.path().join("next.jsonl");
    std::os::unix::fs::symlink("data/next-target.jsonl", &dangling).unwrap();
    export_to(&mock, &dangling);
    assert!(std::fs::symlink_metadata(&dangling).unwrap().file_type().is_symlink());
    assert_complete_jsonl(&mock, &std::fs::read_to_string(data.join("next-target.jsonl")).unwrap());
}

#[test]
fn a_link_loop_is_refused_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    std::os::unix::fs::symlink("b", &a).unwrap();
    std::os::unix::fs::symlink("a", &b).unwrap();
    let output = run(nxlink().args(["--demo", "calls", "export", "--task-id", DEMO_TASK_ID, "-o"]).arg(&a));
    let (code, line) = failure(&output);
    assert_eq!(code, 2, "{line}");
    assert!(line.contains(&a.display().to_string()) && line.contains("symbolic links"), "{line}");
}

fn mkfifo(path: &Path) {
    rustix::fs::mkfifoat(rustix::fs::CWD, path, rustix::fs::Mode::from_raw_mode(0o600)).unwrap();
}

#[test]
fn a_fifo_is_written_in_place_for_its_reader() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("calls.fifo");
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    export_to(&mock, &fifo);
    assert_complete_jsonl(&mock, &reader.join().unwrap());
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(), "the FIFO was replaced");
    assert_eq!(entries(dir.path()), ["calls.fifo"], "a temporary file was made");
}

#[test]
fn a_fifo_whose_reader_stops_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("calls.fifo");
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        // One line, then the reader closes its end.
        std::thread::spawn(move || BufReader::new(std::fs::File::open(fifo).unwrap()).lines().next())
    };
    let output =
        run(nxlink().args(["--demo", "calls", "export", "--task-id", DEMO_TASK_ID, "-f", "csv", "-o"]).arg(&fifo));
    let first = reader.join().unwrap().unwrap().unwrap();
    assert!(first.starts_with(&format!("{},", CallRecord::FIELDS[0])), "the CSV header: {first}");
    assert_ok(&output);
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
}

#[test]
fn dev_null_is_opened_for_writing_and_stays_a_device() {
    let mock = Mock::start();
    export_to(&mock, Path::new("/dev/null"));
    assert!(std::fs::symlink_metadata("/dev/null").unwrap().file_type().is_char_device());
    assert_eq!(mode(Path::new("/dev/null")) & 0o666, 0o666);
}

#[test]
fn dev_stdout_writes_to_standard_output() {
    let mock = Mock::start();
    let output = run(against(&mock).args(export_args("jsonl")).args(["--output", "/dev/stdout"]));
    assert_ok(&output);
    assert_complete_jsonl(&mock, &String::from_utf8(output.stdout).unwrap());
}

/// `nxlink ... -o /dev/stdout >> FILE`: the shell opened FILE to append, so what was in
/// it stays and the export follows; `> FILE` (truncated by the shell) holds the export
/// alone. Opening `/dev/stdout` again must keep the shell's choice.
#[test]
fn dev_stdout_redirected_to_a_file_keeps_the_shells_append_or_truncate() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    for append in [true, false] {
        let file = dir.path().join(format!("out-{append}.jsonl"));
        std::fs::write(&file, "kept line\n").unwrap();
        let handle = std::fs::OpenOptions::new().append(append).write(true).truncate(!append).open(&file).unwrap();
        let output = against(&mock)
            .args(export_args("jsonl"))
            .args(["--output", "/dev/stdout"])
            .stdout(handle)
            .output()
            .unwrap();
        assert_ok(&output);
        let text = std::fs::read_to_string(&file).unwrap();
        let records = if append {
            text.strip_prefix("kept line\n")
                .unwrap_or_else(|| panic!(">> lost what was there: {:?}", &text[..40.min(text.len())]))
        } else {
            assert!(!text.contains("kept line"), "> truncates");
            &text
        };
        assert_complete_jsonl(&mock, records);
    }
}

#[test]
fn a_bare_descriptor_number_inside_proc_self_fd_writes_to_that_descriptor() {
    // `cd /proc/self/fd; nxlink ... -o 1`: the path has no directory part, and the
    // current directory is the one that says it is a descriptor, not a file.
    let mock = Mock::start();
    let mut command = against(&mock);
    command.args(export_args("jsonl")).args(["--output", "1"]).current_dir("/proc/self/fd");
    let output = run(&mut command);
    assert_ok(&output);
    assert_complete_jsonl(&mock, &String::from_utf8(output.stdout).unwrap());
}

#[test]
fn a_character_device_made_with_mknod_stays_a_device() {
    if !rustix::process::geteuid().is_root() {
        println!("skipped: making a character device (mknod) needs root");
        return;
    }
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let device = dir.path().join("null-device");
    // Major 1, minor 3: the same device as /dev/null.
    let (file_type, mode) = (rustix::fs::FileType::CharacterDevice, rustix::fs::Mode::from_raw_mode(0o666));
    if let Err(err) = rustix::fs::mknodat(rustix::fs::CWD, &device, file_type, mode, rustix::fs::makedev(1, 3)) {
        println!("skipped: mknod refused here ({err}), e.g. in a container without the capability");
        return;
    }
    if let Err(err) = std::fs::OpenOptions::new().write(true).open(&device) {
        println!("skipped: the device cannot be opened here ({err}), e.g. a nodev mount");
        return;
    }
    export_to(&mock, &device);
    assert!(std::fs::symlink_metadata(&device).unwrap().file_type().is_char_device(), "the device was replaced");
    assert_eq!(entries(dir.path()), ["null-device"]);
}

// --- signals ---------------------------------------------------------------------------

/// Waits (bounded) for a `.partial` file to appear in `dir`.
#[track_caller]
fn wait_for_partial(dir: &Path, child: &mut std::process::Child) -> PathBuf {
    for _ in 0..3_000 {
        if let Some(name) = entries(dir).into_iter().find(|name| name.ends_with(".partial")) {
            return dir.join(name);
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the export ended before its temporary file was seen: {status}");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("no temporary file appeared in {}", dir.display());
}

#[track_caller]
fn signalled(child: std::process::Child, signal: rustix::process::Signal) -> (i32, String) {
    rustix::process::kill_process(rustix::process::Pid::from_child(&child), signal).unwrap();
    let output = child.wait_with_output().unwrap();
    failure(&output)
}

#[test]
fn sigterm_sighup_and_sigint_mid_export_remove_the_temporary_file() {
    use rustix::process::Signal;
    // Every request waits far longer than the test: the export is surely mid-way,
    // its temporary file created and a request in flight, when the signal comes.
    let faults = Faults { latency: std::time::Duration::from_secs(600), ..Faults::none() };
    let mock = Mock::with(MockServer::builder().faults(faults));
    for (signal, code, name) in
        [(Signal::TERM, 143, "SIGTERM"), (Signal::HUP, 129, "SIGHUP"), (Signal::INT, 130, "SIGINT")]
    {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("calls.csv");
        std::fs::write(&path, "previous export\n").unwrap();
        let mut child = against(&mock)
            .args(export_args("csv"))
            .arg("--output")
            .arg(&path)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let partial = wait_for_partial(dir.path(), &mut child);
        let (exit, line) = signalled(child, signal);
        assert_eq!((exit, line.as_str()), (code, format!("error: interrupted ({name})").as_str()));
        assert!(!partial.exists(), "{name} left {}", partial.display());
        assert_eq!(entries(dir.path()), ["calls.csv"], "{name}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "previous export\n");
    }
}

#[test]
fn a_signal_while_stdout_is_not_read_still_exits_with_one_line() {
    // Megabytes of JSONL into a pipe nobody reads after the first line: the export
    // blocks in a write, where no await point can notice the signal.
    let mut child = nxlink()
        .args(["--demo", "calls", "export", "--task-id", DEMO_TASK_ID, "--format", "jsonl"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert!(first.starts_with('{'), "{first}");
    rustix::process::kill_process(rustix::process::Pid::from_child(&child), rustix::process::Signal::TERM).unwrap();
    // Not reading stdout while waiting: the pipe stays full.
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert_eq!((status.code(), stderr.as_str()), (Some(143), "error: interrupted (SIGTERM)\n"));
    drop(stdout);
}

// --- a reader that stops early ---------------------------------------------------------

#[test]
fn every_format_ends_quietly_when_the_reader_closes_the_pipe() {
    for format in ["table", "json", "jsonl", "csv"] {
        // Both commands write far more than a pipe and our buffer hold (over 170 kB),
        // so closing after one line surely makes a write fail with EPIPE.
        let list = ["calls", "list", "--task-id", DEMO_TASK_ID, "--page-size", "1000", "--format", format];
        let export = ["calls", "export", "--task-id", DEMO_TASK_ID, "--format", format];
        for args in [&list[..], &export[..]] {
            let mut child =
                nxlink().arg("--demo").args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
            let mut first = String::new();
            BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
            assert!(!first.is_empty(), "{args:?}");
            // The reader is gone (like `| head -1`).
            let output = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!((output.status.code(), stderr.as_ref()), (Some(0), ""), "{args:?}");
        }
    }
}

// --- configuration errors --------------------------------------------------------------

/// `nxlink` with `text` as its profile file (named by NXLINK_CONFIG), no profile named.
#[track_caller]
fn with_profile_file(text: &str, args: &[&str]) -> (i32, String, PathBuf, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).unwrap();
    let output = run(nxlink().env("NXLINK_CONFIG", &path).args(args));
    let (code, line) = failure(&output);
    (code, line, path, dir)
}

#[test]
fn a_profile_file_that_does_not_parse_is_an_error_with_its_line() {
    let list = ["--region", "hk", "calls", "list", "--task-id", DEMO_TASK_ID];
    let (code, line, path, _dir) = with_profile_file("[profiles.work]\nregion = \"hk\nsecret_file = \"s\"\n", &list);
    assert_eq!(code, 2, "{line}");
    assert!(line.starts_with(&format!("error: invalid profile file {}, line 2: ", path.display())), "{line}");
}

#[test]
fn an_unknown_profile_key_is_an_error_with_a_suggestion() {
    let list = ["calls", "list", "--task-id", DEMO_TASK_ID];
    let (code, line, path, _dir) =
        with_profile_file("[profiles.default]\nregion = \"hk\"\n\nacess_key = \"AK\"\n", &list);
    assert_eq!(code, 2);
    assert_eq!(
        line,
        format!(
            "error: invalid profile file {}, line 4: unknown key `acess_key` in [profiles.default]; expected one of: \
             region, base_url, access_key, secret_file; did you mean `access_key`?",
            path.display()
        )
    );
    let (_, line, _, _dir) =
        with_profile_file("[profiles.x]\nsecret-file = \"s\"\n", &["--profile", "x", "sign", "--body", "-"]);
    assert!(
        line.contains("line 2: unknown key `secret-file`") && line.ends_with("did you mean `secret_file`?"),
        "{line}"
    );
}

#[test]
fn nxlink_config_naming_a_missing_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.toml");
    let output =
        run(nxlink().env("NXLINK_CONFIG", &missing).args(["--region", "hk", "calls", "list", "--task-id", "t"]));
    let (code, line) = failure(&output);
    assert_eq!(code, 2);
    assert!(
        line.starts_with(&format!("error: NXLINK_CONFIG names {}, which does not exist", missing.display())),
        "{line}"
    );
}

// --- messages a person reads -----------------------------------------------------------

#[test]
fn intent_with_a_result_that_has_no_tag_names_the_results_that_do() {
    let codes: Vec<String> = nxlink_models::CallResult::ALL
        .iter()
        .filter(|r| r.is_intent_available())
        .map(|r| r.code().to_string())
        .collect();
    let (last, rest) = codes.split_last().unwrap();
    let no_tag = nxlink_models::CallResult::ALL.iter().find(|r| !r.is_intent_available()).unwrap();
    let output = run(nxlink()
        .args(["--demo", "calls", "list", "--task-id", DEMO_TASK_ID, "--intent", "x", "--result"])
        .arg(no_tag.code().to_string()));
    let (code, line) = failure(&output);
    assert_eq!(code, 2);
    let needs = format!("error: --intent needs --result {} or {last}; got --result {}", rest.join(", "), no_tag.code());
    assert!(line.starts_with(&needs), "{line}");
    assert!(!line.contains("intentAvailable") && !line.contains("callResult") && !line.contains("::"), "{line}");
}

#[test]
fn start_after_end_names_the_flags_with_rfc3339_times() {
    let list = ["--demo", "calls", "list", "--task-id", DEMO_TASK_ID];
    let output = run(nxlink().args(list).args(["--start", "2025-05-01", "--end", "1745971200"]));
    let (code, line) = failure(&output);
    assert_eq!(code, 2);
    assert_eq!(
        line,
        "error: --start 2025-05-01T00:00:00Z is after --end 2025-04-30T00:00:00Z; expected the start at or before the end"
    );
    let output = run(nxlink().args(list).args(["--since", "24h", "--end", "2025-04-30"]));
    let (_, line) = failure(&output);
    assert!(
        line.starts_with("error: --since 24h (start ") && line.contains("is after --end 2025-04-30T23:59:59Z"),
        "{line}"
    );
    let output = run(nxlink().args(list).args(["--start", "1969-12-31"]));
    let (_, line) = failure(&output);
    assert!(line.starts_with("error: --start 1969-12-31T00:00:00Z is before 1970-01-01T00:00:00Z"), "{line}");
    assert!(!line.contains("startTs"), "{line}");
}

#[test]
fn regions_and_results_suggest_the_closest_name() {
    let output = run(nxlink().args(["--region", "amr", "calls", "list", "--task-id", "t"]));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("--region") && stderr.contains("did you mean `amer`?"), "{stderr}");

    let output = run(nxlink().env("NXLINK_REGION", "idm").args(["calls", "list", "--task-id", "t"]));
    let (code, line) = failure(&output);
    assert_eq!(code, 2);
    assert!(line.starts_with("error: NXLINK_REGION: unknown region `idm`") && line.ends_with("did you mean `idn`?"));

    let (code, line, _, _dir) =
        with_profile_file("[profiles.default]\nregion = \"hkk\"\n", &["calls", "list", "--task-id", "t"]);
    assert_eq!(code, 2);
    assert!(line.contains("region of profile `default`") && line.ends_with("did you mean `hk`?"), "{line}");

    let output = run(nxlink().args(["calls", "list", "--task-id", "t", "--result", "normal-end-user-hangup"]));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("is not a call result") && stderr.contains("did you mean `normal-end-user-hung-up`?"));
    assert!(!stderr.contains("CallResult") && !stderr.contains("::"), "{stderr}");
}

#[test]
fn a_base_url_with_a_path_gets_a_hint_about_the_path() {
    let mock = Mock::start();
    let url = format!("{}/openapi/aiagent", mock.url());
    let output = run(nxlink()
        .args(["--base-url", &url, "calls", "list", "--task-id", DEMO_TASK_ID, "--retries", "0"])
        .env("NXLINK_ACCESS_KEY", DEMO_ACCESS_KEY)
        .env("NXLINK_ACCESS_SECRET", DEMO_ACCESS_SECRET));
    let (code, line) = failure(&output);
    // The mock answers an unknown path with an envelope (20000), as a gateway may.
    assert_eq!(code, 4, "{line}");
    let hint = format!(
        "hint: drop `/openapi/aiagent` from the base URL: the base URL is the gateway only ({}) and the client adds \
         the endpoint path ({}) itself",
        mock.url(),
        nxlink_mock::CALL_LIST_PATH
    );
    assert!(line.ends_with(&hint), "{line}");
    assert!(!line.contains("check the task id"), "{line}");

    // Nothing listening at all: the path is still what to fix first.
    let output = run(nxlink()
        .args(["--base-url", "http://127.0.0.1:1/openapi/aiagent", "calls", "list", "--task-id", "t", "--retries", "0"])
        .env("NXLINK_ACCESS_KEY", DEMO_ACCESS_KEY)
        .env("NXLINK_ACCESS_SECRET", DEMO_ACCESS_SECRET));
    let (code, line) = failure(&output);
    assert_eq!(code, 5, "{line}");
    assert!(line.contains("hint: drop `/openapi/aiagent` from the base URL"), "{line}");
}

#[test]
fn list_as_a_table_ends_with_n_of_total_on_stderr() {
    let mock = Mock::start();
    let list = ["calls", "list", "--task-id", DEMO_TASK_ID, "--page-size", "7"];
    let output = run(against(&mock).args(list));
    assert_ok(&output);
    assert_eq!(String::from_utf8(output.stdout).unwrap().lines().count(), 8);
    assert_eq!(String::from_utf8(output.stderr).unwrap(), format!("7 of {} records\n", mock.expected().len()));
    let output = run(against(&mock).arg("-q").args(list));
    assert_ok(&output);
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
    // Data formats carry their own count: no line.
    let output = run(against(&mock).args(list).args(["--format", "jsonl"]));
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
}

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

// --- output errors that must not pass silently ------------------------------------------

#[test]
fn a_device_that_refuses_the_bytes_is_an_error_not_a_closed_pipe() {
    // /dev/full fails every write with ENOSPC. One record fits the output buffer, so
    // the failure shows only when the buffer is flushed at the end.
    let mock = Mock::start();
    for extra in [&["--limit", "1"][..], &[][..]] {
        let output = run(against(&mock).args(export_args("jsonl")).args(extra).args(["--output", "/dev/full"]));
        let (code, line) = failure(&output);
        assert_eq!(code, 1, "{line}");
        assert!(line.contains("/dev/full") && line.to_lowercase().contains("no space"), "{line}");
    }
}

#[test]
fn a_relative_output_path_is_written_in_the_current_directory() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let output =
        run(against(&mock).current_dir(dir.path()).args(export_args("jsonl")).args(["--output", "calls.jsonl"]));
    assert_ok(&output);
    assert_eq!(entries(dir.path()), ["calls.jsonl"]);
    assert_complete_jsonl(&mock, &std::fs::read_to_string(dir.path().join("calls.jsonl")).unwrap());
}

#[test]
fn a_path_that_cannot_be_looked_at_is_an_error_naming_it() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain");
    std::fs::write(&file, "x").unwrap();
    // A path through a regular file: not "not found", but "not a directory".
    let through = file.join("calls.jsonl");
    let output = run(against(&mock).args(export_args("jsonl")).arg("--output").arg(&through));
    let (code, line) = failure(&output);
    assert_eq!(code, 1, "{line}");
    assert!(line.contains("cannot look at"), "{line}");
    assert!(mock.server.requests().is_empty(), "the output is checked before anything is sent");
}

#[test]
fn an_existing_file_keeps_its_owner_when_we_may_set_it() {
    use std::os::unix::fs::MetadataExt;
    if !rustix::process::geteuid().is_root() {
        println!("skipped: giving a file to another user needs root");
        return;
    }
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("calls.jsonl");
    std::fs::write(&path, "old").unwrap();
    std::os::unix::fs::chown(&path, Some(4321), Some(4321)).unwrap();
    export_to(&mock, &path);
    let meta = std::fs::metadata(&path).unwrap();
    assert_eq!((meta.uid(), meta.gid()), (4321, 4321), "the replaced file's owner is kept");
    assert_complete_jsonl(&mock, &std::fs::read_to_string(&path).unwrap());
}

// --- the campaign commands ---------------------------------------------------------------

#[test]
fn agents_routes_and_tasks_list_in_every_format() {
    let mock = Mock::start();
    let agents = run(against(&mock).args(["agents", "list", "--format", "jsonl"]));
    assert_ok(&agents);
    let ids: Vec<i64> = String::from_utf8(agents.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["autoFlowId"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, nxlink_mock::SEEDED_AGENTS.iter().map(|(id, _)| *id).collect::<Vec<_>>());

    let routes = run(against(&mock).args(["routes", "list", "--name", "MX", "--format", "json"]));
    assert_ok(&routes);
    let routes: Vec<Value> = serde_json::from_slice(&routes.stdout).unwrap();
    assert_eq!(routes.len(), 1);
    assert_eq!(routes[0]["routeId"], nxlink_mock::SEEDED_ROUTES[1].0);

    let table = run(against(&mock).args(["tasks", "list"]));
    assert_ok(&table);
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.starts_with("TASK ID") && text.contains(DEMO_TASK_ID) && text.contains("2 InProgress"), "{text}");
    let csv = run(against(&mock).args(["tasks", "list", "--status", "in-progress", "--format", "csv"]));
    assert_ok(&csv);
    let mut reader = csv::Reader::from_reader(csv.stdout.as_slice());
    let header = reader.headers().unwrap().clone();
    assert_eq!(header.len(), nxlink_models::Task::FIELDS.len() + 1);
    assert_eq!(reader.records().count(), 1);
    let bad = run(against(&mock).args(["tasks", "list", "--status", "in-progres"]));
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("did you mean `in-progress`"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}

#[test]
fn a_campaign_create_append_twice_and_delete() {
    let mock = Mock::start();
    let (agent, route) = (nxlink_mock::SEEDED_AGENTS[0].0.to_string(), nxlink_mock::SEEDED_ROUTES[0].0);
    let created =
        run(against(&mock).args(["tasks", "create", "--name", "March", "--agent-id", &agent, "--route-id", route]));
    assert_ok(&created);
    let task_id = String::from_utf8(created.stdout).unwrap().trim().to_owned();
    assert_eq!(task_id.len(), 36, "the task id alone on stdout: {task_id:?}");
    assert!(mock.server.handle().tasks().iter().any(|t| t.task_id.as_deref() == Some(task_id.as_str())));

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("contacts.csv");
    let mut text = "phoneNumber,name,contactId,order\n".to_owned();
    for n in 0..250 {
        let id = if n == 0 { "mine-0".to_owned() } else { String::new() };
        text.push_str(&format!("85290{n:06},Contact {n},{id},A-{n}\n"));
    }
    std::fs::write(&file, &text).unwrap();
    for round in 0..2 {
        let appended = run(against(&mock)
            .args(["contacts", "append", "--task-id", &task_id, "--batch-size", "40", "--file"])
            .arg(&file));
        assert_ok(&appended);
        assert_eq!(
            String::from_utf8(appended.stdout).unwrap(),
            format!("appended 250 contacts to {task_id} in 7 batches\n"),
            "round {round}"
        );
        let stored = mock.server.handle().contacts(&task_id);
        assert_eq!(stored.len(), 250, "round {round}: the same file again adds nobody");
    }
    // Batches go out concurrently, so the stored order is not the file's: look up by phone.
    let stored = mock.server.handle().contacts(&task_id);
    let id_of = |phone: &str| stored.iter().find(|c| c.phone_number == phone).map(|c| c.contact_id.clone());
    assert_eq!(id_of("85290000000").as_deref(), Some("mine-0"), "a contactId column is kept");
    assert_eq!(id_of("85290000001"), Some(nxlink_client::stable_contact_id(&task_id, "85290000001")), "else derived");
    let first = mock
        .bodies()
        .into_iter()
        .filter_map(|b| b.get("list").and_then(|l| l.as_array()).cloned())
        .flatten()
        .find(|c| c["contactId"] == "mine-0")
        .unwrap();
    assert_eq!(first["params"], serde_json::json!([{"name": "order", "value": "A-0"}]));

    let deleted = run(against(&mock).args(["contacts", "delete", "--task-id", &task_id, "--contact-id", "mine-0"]));
    assert_ok(&deleted);
    assert_eq!(mock.server.handle().contacts(&task_id).len(), 249);
    let again = run(against(&mock).args(["contacts", "delete", "--task-id", &task_id, "--contact-id", "mine-0"]));
    let (code, line) = failure(&again);
    assert_eq!(code, 4, "{line}");
    assert!(line.contains("mine-0"), "{line}");
}

#[test]
fn a_malformed_contact_file_exits_2_before_any_request() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    for (text, says) in [
        ("phone,name\n1,a\n", "line 1: no `phoneNumber` column"),
        ("phoneNumber,name\n85290000001,a\n,b\n", "line 3: empty phoneNumber"),
        ("phoneNumber,name,contactId\n1,a,x\n2,b,x\n", "line 3: contact id x is already on line 2"),
        ("phoneNumber,name\n85290000001,a\n85290000001,b\n", "line 3: contact id"),
    ] {
        let file = dir.path().join("contacts.csv");
        std::fs::write(&file, text).unwrap();
        let output = run(against(&mock).args(["contacts", "append", "--task-id", DEMO_TASK_ID, "--file"]).arg(&file));
        let (code, line) = failure(&output);
        assert_eq!(code, 2, "{line}");
        assert!(line.contains(says), "{text:?}: {line}");
    }
    assert!(mock.server.requests().is_empty(), "nothing was sent");
}

#[test]
fn refused_batches_go_to_the_rejects_file_and_exit_4() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("contacts.jsonl");
    std::fs::write(&file, "{\"phoneNumber\":\"85290000001\",\"name\":\"a\",\"vip\":true}\n").unwrap();
    let rejects = dir.path().join("rejects.jsonl");
    let output = run(against(&mock)
        .args(["contacts", "append", "--task-id", "no-such-task", "--file"])
        .arg(&file)
        .arg("--rejects")
        .arg(&rejects));
    assert_eq!(output.status.code(), Some(4));
    let rejected: Value = serde_json::from_str(std::fs::read_to_string(&rejects).unwrap().trim()).unwrap();
    assert_eq!(rejected["line"], 1);
    assert!(rejected["error"].as_str().unwrap().contains("no-such-task"), "{rejected}");
}

#[test]
fn the_demo_has_agents_routes_and_a_task() {
    for args in [["agents", "list"], ["routes", "list"], ["tasks", "list"]] {
        let output = run(nxlink().arg("--demo").args(args));
        assert_ok(&output);
        assert!(String::from_utf8(output.stdout).unwrap().lines().count() >= 2, "{args:?}: a header and rows");
    }
}

/// 30% of requests fail, in each way a create or an append can: 503 before applying, a
/// connection dropped before applying, an answer cut off or dropped after applying.
fn campaign_faults() -> Faults {
    Faults {
        service_unavailable: 0.075,
        drop_connection: 0.075,
        truncate_body: 0.075,
        drop_after_applying: 0.075,
        ..Faults::none()
    }
}

#[test]
fn ten_thousand_contacts_under_faults_arrive_once_with_their_params() {
    // 30% of the requests fail: refused before anything happens (503), dropped before
    // an answer, applied and then cut off, applied and then dropped.
    let faults = campaign_faults().with_seed(5);
    let mock = Mock::with(MockServer::builder().faults(faults));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("contacts.csv");
    let mut text = "phoneNumber,name,tier\n".to_owned();
    for n in 0..10_000 {
        text.push_str(&format!("8529{n:07},C{n},t{}\n", n % 7));
    }
    std::fs::write(&file, text).unwrap();
    let append = || {
        run(against(&mock)
            .args(["contacts", "append", "--task-id", DEMO_TASK_ID, "--batch-size", "400", "--file"])
            .arg(&file))
    };
    for round in 0..2 {
        let output = append();
        assert_ok(&output);
        let stored = mock.server.handle().contacts(DEMO_TASK_ID);
        assert_eq!(stored.len(), 10_000, "round {round}: every contact exactly once");
    }
    // Params intact: every applied batch carried its contacts' tier.
    let bodies: Vec<Value> =
        mock.server.requests().iter().filter_map(|r| serde_json::from_slice(&r.body).ok()).collect();
    let phone_of = |n: usize| format!("8529{n:07}");
    let sent = bodies
        .iter()
        .flat_map(|b| b["list"].as_array().cloned().unwrap_or_default())
        .find(|c| c["phoneNumber"] == phone_of(12));
    assert_eq!(sent.unwrap()["params"], serde_json::json!([{"name": "tier", "value": "t5"}]));
    for fault in [Fault::ServiceUnavailable, Fault::DropConnection, Fault::TruncateBody, Fault::DropAfterApplying] {
        let hit = mock.server.requests().iter().filter(|r| r.outcome == Outcome::Fault(fault)).count();
        assert!(hit > 0, "{fault:?} fired");
    }
}

#[test]
fn tasks_create_under_faults_makes_one_task_per_successful_run() {
    let faults = campaign_faults().with_seed(9);
    let mock = Mock::with(MockServer::builder().faults(faults));
    let (agent, route) = (nxlink_mock::SEEDED_AGENTS[0].0.to_string(), nxlink_mock::SEEDED_ROUTES[0].0);
    let mut ids = Vec::new();
    for run_number in 0..8 {
        let name = format!("Run {run_number}");
        let output =
            run(against(&mock).args(["tasks", "create", "--name", &name, "--agent-id", &agent, "--route-id", route]));
        assert_ok(&output);
        ids.push(String::from_utf8(output.stdout).unwrap().trim().to_owned());
    }
    let tasks = mock.server.handle().tasks();
    for (run_number, id) in ids.iter().enumerate() {
        let named: Vec<_> =
            tasks.iter().filter(|t| t.task_name.as_deref() == Some(&format!("Run {run_number}"))).collect();
        assert_eq!(named.len(), 1, "run {run_number}: exactly one task");
        assert_eq!(named[0].task_id.as_deref(), Some(id.as_str()));
    }
}

/// The independent server's finding: `tasks create` answered 429 with an envelope body
/// exited 4 instead of being retried. A 429 or a 503 is retried whatever its body, by
/// every command; still refused after the retries, it is the server's trouble (exit 5).
#[test]
fn throttling_with_an_envelope_body_is_retried_by_create_and_append() {
    let faults = Faults { too_many_requests: 0.25, service_unavailable: 0.25, envelope_bodies: true, ..Faults::none() };
    let mock = Mock::with(MockServer::builder().faults(faults.with_seed(3)));
    let (agent, route) = (nxlink_mock::SEEDED_AGENTS[0].0.to_string(), nxlink_mock::SEEDED_ROUTES[0].0);
    let created =
        run(against(&mock).args(["tasks", "create", "--name", "Throttled", "--agent-id", &agent, "--route-id", route]));
    assert_ok(&created);
    let task_id = String::from_utf8(created.stdout).unwrap().trim().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("contacts.csv");
    let rows: String = (0..40).map(|n| format!("8529200{n:04},C{n}\n")).collect();
    std::fs::write(&file, format!("phoneNumber,name\n{rows}")).unwrap();
    let appended = run(against(&mock)
        .args(["contacts", "append", "--batch-size", "3", "--task-id", &task_id, "--file"])
        .arg(&file));
    assert_ok(&appended);
    let refused = mock.server.requests().iter().filter(|r| matches!(r.outcome, Outcome::Fault(_))).count();
    assert!(refused > 0, "the faults fired");
    let named: Vec<_> =
        mock.server.handle().tasks().into_iter().filter(|t| t.task_name.as_deref() == Some("Throttled")).collect();
    assert_eq!(named.len(), 1, "one task");
    assert_eq!(mock.server.handle().contacts(&task_id).len(), 40, "each contact once");

    mock.server.handle().set_faults(Faults { envelope_bodies: true, ..Faults::always(Fault::TooManyRequests) });
    let (code, line) =
        failure(&run(against(&mock).args(["-q", "calls", "list", "--retries", "1", "--task-id", DEMO_TASK_ID])));
    assert_eq!(code, 5, "{line}");
    assert!(line.contains("HTTP 429") && line.contains("2 attempts") && line.contains("too many requests"), "{line}");
}

// --- callbacks ---------------------------------------------------------------------------

#[test]
fn callbacks_listen_prints_each_verified_callback_once_and_refuses_the_rest() {
    use std::io::BufRead as _;
    let mut child = nxlink()
        .args(["--demo", "callbacks", "listen", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    let url = first.split_whitespace().find(|w| w.starts_with("http://")).unwrap().to_owned();

    let body = br#"{"taskId":"t1","callId":"call-1","callResult":17,"calleePhone":"85238531065","brandNew":{"x":1}}"#;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    let signer = Signer::new(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET));
    let good: Vec<(String, String)> =
        signer.sign("100", "nxai", now, body).iter().map(|(n, v)| (n.to_owned(), v.to_owned())).collect();
    let bad_signer = Signer::new(Credentials::new(DEMO_ACCESS_KEY, "not-the-secret"));
    let bad: Vec<(String, String)> =
        bad_signer.sign("100", "nxai", now, body).iter().map(|(n, v)| (n.to_owned(), v.to_owned())).collect();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let statuses: Vec<u16> = runtime.block_on(async {
        let http = reqwest::Client::new();
        let mut statuses = Vec::new();
        for headers in [&good, &good, &bad, &Vec::new()] {
            let mut request = http.post(format!("{url}/callbacks")).header("Content-Type", "application/json");
            for (name, value) in headers {
                request = request.header(name, value);
            }
            statuses.push(request.body(body.to_vec()).send().await.unwrap().status().as_u16());
        }
        statuses
    });
    assert_eq!(statuses, [200, 200, 401, 401], "new, redelivered, bad signature, unsigned");
    rustix::process::kill_process(rustix::process::Pid::from_child(&child), rustix::process::Signal::TERM).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(128 + 15), "a SIGTERM stops it, exit 128 + the signal");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    let lines: Vec<Value> =
        String::from_utf8(output.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 1, "printed once despite the redelivery");
    assert_eq!(lines[0]["callId"], "call-1");
    assert_eq!(lines[0]["brandNew"], serde_json::json!({"x": 1}), "every field, unknown ones too");
    let rejected: Vec<&str> = rest.lines().filter(|l| l.starts_with("rejected: ")).collect();
    assert_eq!(rejected.len(), 2, "{rest}");
    assert!(!rest.contains(DEMO_ACCESS_SECRET) && !rest.contains(&good[4].1), "no secret, no signature: {rest}");
}

/// `callbacks listen` runs behind the limits its flags set: a client stalled in its
/// headers is cut off, a slow body gets 408, an oversized one 413 before it is sent.
#[test]
fn callbacks_listen_cuts_off_stalled_clients_and_refuses_large_bodies() {
    use std::io::{BufRead as _, Read as _};
    let mut child = nxlink()
        .args(["--demo", "callbacks", "listen", "--port", "0", "--header-timeout", "300ms", "--body-timeout", "300ms"])
        .args(["--max-body-bytes", "1000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    let addr = first.split_whitespace().find_map(|w| w.strip_prefix("http://")).unwrap().to_owned();
    let exchange = |sent: &[u8]| {
        let mut stream = std::net::TcpStream::connect(&addr).unwrap();
        stream.set_read_timeout(Some(std::time::Duration::from_secs(60))).unwrap();
        stream.write_all(sent).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap(); // to the server's close
        answer
    };
    assert_eq!(exchange(b"POST / HTTP/1.1\r\nhost: x\r\n"), "", "cut off, no answer");
    let slow = exchange(b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 50\r\n\r\n{");
    assert!(slow.starts_with("HTTP/1.1 408"), "{slow}");
    let large = exchange(b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 1001\r\n\r\n");
    assert!(large.starts_with("HTTP/1.1 413") && large.contains("over 1000 bytes"), "{large}");
    rustix::process::kill_process(rustix::process::Pid::from_child(&child), rustix::process::Signal::TERM).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(128 + 15));
    assert!(output.stdout.is_empty(), "nothing was a callback");
}

#[test]
fn contacts_come_from_stdin_as_csv_or_from_a_jsonl_file() {
    let mock = Mock::start();
    let task_id = DEMO_TASK_ID;
    let mut append = against(&mock)
        .args(["contacts", "append", "--task-id", task_id, "--batch-size", "2", "--file", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    append
        .stdin
        .take()
        .unwrap()
        .write_all(b"phoneNumber,name,tier\n85291000001,A,gold\n85291000002,B,\n85291000003,C,x\n")
        .unwrap();
    let appended = append.wait_with_output().unwrap();
    assert_ok(&appended);
    assert_eq!(String::from_utf8(appended.stdout).unwrap(), format!("appended 3 contacts to {task_id} in 2 batches\n"));

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("more.jsonl");
    std::fs::write(&file, "{\"phoneNumber\":\"85291000004\",\"name\":\"D\",\"visits\":3}\n\n{\"phoneNumber\":\"85291000005\",\"name\":\"E\"}\n").unwrap();
    let appended = run(against(&mock).args(["contacts", "append", "--task-id", task_id, "--file"]).arg(&file));
    assert_ok(&appended);

    let stored = mock.server.handle().contacts(task_id);
    let by_phone = |phone: &str| stored.iter().find(|c| c.phone_number == phone).unwrap().clone();
    assert_eq!(stored.len(), 5, "{stored:?}");
    assert_eq!(by_phone("85291000001").params, vec![("tier".to_owned(), "gold".to_owned())]);
    assert_eq!(by_phone("85291000003").name, "C");
    // A JSON number arrives as its text.
    assert_eq!(by_phone("85291000004").params, vec![("visits".to_owned(), "3".to_owned())]);
    assert_eq!(by_phone("85291000005").contact_id, nxlink_client::stable_contact_id(task_id, "85291000005"));

    // A bad JSONL line is refused naming its line (blank lines count), before any request.
    let sent = mock.server.requests().len();
    std::fs::write(&file, "{\"phoneNumber\":\"85291000006\",\"name\":\"F\"}\n\nnot json\n").unwrap();
    let (code, line) =
        failure(&run(against(&mock).args(["contacts", "append", "--task-id", task_id, "--file"]).arg(&file)));
    assert_eq!(code, 2, "{line}");
    assert!(line.contains("line 3"), "{line}");
    assert_eq!(mock.server.requests().len(), sent, "nothing sent");
}

// --- promises checked at their edges --------------------------------------------------

/// Bug: `plan` following one link fewer or more than Linux does (`MAX_LINKS`).
#[test]
fn forty_links_in_a_row_are_followed_and_forty_one_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let chain = |name: &str, links: usize| {
        let target = dir.path().join(format!("{name}-target.jsonl"));
        let mut next = target.clone();
        for n in 0..links {
            let link = dir.path().join(format!("{name}-{n}"));
            std::os::unix::fs::symlink(&next, &link).unwrap();
            next = link;
        }
        (next, target)
    };
    let (head, target) = chain("forty", 40);
    let output = run(nxlink()
        .args(["--demo", "calls", "export", "--limit", "3", "--format", "jsonl", "--task-id", DEMO_TASK_ID, "-o"])
        .arg(&head));
    assert_ok(&output);
    assert_eq!(std::fs::read_to_string(&target).unwrap().lines().count(), 3, "written through 40 links");
    assert!(head.is_symlink(), "the links stay links");
    let (head, _) = chain("forty-one", 41);
    let (code, line) =
        failure(&run(nxlink().args(["--demo", "calls", "export", "--task-id", DEMO_TASK_ID, "-o"]).arg(&head)));
    assert_eq!(code, 2, "{line}");
    assert!(line.contains("more than 40 symbolic links"), "{line}");
}

/// Bug: `calls export --limit N` (N below a page) fetching a whole default page.
#[test]
fn a_limit_below_a_page_asks_for_that_many_records() {
    let mock = Mock::start();
    let output =
        run(against(&mock).args(["calls", "export", "--task-id", DEMO_TASK_ID, "--limit", "20", "--format", "jsonl"]));
    assert_ok(&output);
    assert_eq!(String::from_utf8(output.stdout).unwrap().lines().count(), 20);
    let bodies = mock.bodies();
    assert_eq!(bodies.len(), 1, "one request");
    assert_eq!(bodies[0]["pageSize"], 20);
}

/// Bug: `--country-code` parsed but not set on the requests; or the default batch size
/// (500) changed.
#[test]
fn contacts_carry_the_country_code_in_batches_of_500_by_default() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.csv");
    let rows: String = (0..1_201).map(|n| format!("8529300{n:04},C{n}\n")).collect();
    std::fs::write(&file, format!("phoneNumber,name\n{rows}")).unwrap();
    let output = run(against(&mock)
        .args(["contacts", "append", "--task-id", DEMO_TASK_ID, "--country-code", "86", "--file"])
        .arg(&file));
    assert_ok(&output);
    let mut sizes: Vec<usize> = mock.bodies().iter().map(|b| b["list"].as_array().unwrap().len()).collect();
    sizes.sort_unstable();
    assert_eq!(sizes, [201, 500, 500]);
    assert!(mock.bodies().iter().all(|b| b["countryCode"] == "86"), "every batch carries the code");
}

/// Bug: `nxlink sign` trimming the body (its trailing newline), so the printed signature
/// is not the one the server computes over what was sent.
#[test]
fn sign_signs_every_byte_of_the_body_a_trailing_newline_included() {
    let body = b"{\"taskId\":\"t-1\"}\n";
    let mut child = nxlink()
        .args(["--demo", "sign", "--body", "-", "--ts", "1700000000000"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(body).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_ok(&output);
    let signer = Signer::new(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains(&format!("sign: {}", signer.sign("100", "nxai", 1_700_000_000_000, body).sign().as_str())),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("ends with a newline"), "warned about it");
}

/// Bug: `--allow-unsigned` parsed but the policy not passed to the receiver; or the
/// flag letting a wrongly signed callback through.
#[test]
fn callbacks_listen_allow_unsigned_takes_unsigned_ones_and_still_checks_signed_ones() {
    use std::io::{BufRead as _, Read as _};
    let mut child = nxlink()
        .args(["--demo", "callbacks", "listen", "--port", "0", "--allow-unsigned"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    let addr = first.split_whitespace().find_map(|w| w.strip_prefix("http://")).unwrap().to_owned();
    let post = |body: &[u8], headers: &[(String, String)]| {
        let mut stream = std::net::TcpStream::connect(&addr).unwrap();
        let mut request =
            format!("POST / HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-length: {}\r\n", body.len());
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        stream.write_all(request.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer[9..12].to_owned()
    };
    let body = br#"{"taskId":"t1","callId":"unsigned-1","callResult":1}"#;
    assert_eq!(post(body, &[]), "200");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    let wrong = Signer::new(Credentials::new(DEMO_ACCESS_KEY, "not-the-secret"));
    let headers: Vec<(String, String)> =
        wrong.sign("100", "nxai", now, body).iter().map(|(n, v)| (n.to_owned(), v.to_owned())).collect();
    assert_eq!(post(body, &headers), "401", "a signed callback is still checked");
    rustix::process::kill_process(rustix::process::Pid::from_child(&child), rustix::process::Signal::TERM).unwrap();
    let output = child.wait_with_output().unwrap();
    let printed: Vec<Value> =
        String::from_utf8(output.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(printed.len(), 1);
    assert_eq!(printed[0]["callId"], "unsigned-1");
}

/// Bug: `resolve_path` not expanding `~/` (a profile's `secret_file = "~/..."`).
#[test]
fn a_profile_secret_file_under_home_is_found() {
    let mock = Mock::start();
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("nx.secret"), format!("{DEMO_ACCESS_SECRET}\n")).unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[profiles.default]\nbase_url = \"{}\"\naccess_key = \"{DEMO_ACCESS_KEY}\"\nsecret_file = \"~/nx.secret\"\n", mock.url()),
    )
    .unwrap();
    let output = run(nxlink().env("HOME", home.path()).env("NXLINK_CONFIG", &config).args([
        "calls",
        "list",
        "--task-id",
        DEMO_TASK_ID,
        "--format",
        "jsonl",
    ]));
    assert_ok(&output);
}

/// Bug: a secret that is not Unicode read lossily (a different secret, every signature
/// wrong) instead of refused naming the variable.
#[test]
fn a_secret_that_is_not_unicode_is_refused_naming_the_variable() {
    use std::os::unix::ffi::OsStrExt;
    let secret = std::ffi::OsStr::from_bytes(b"se\xffcret");
    let output = run(nxlink()
        .args(["--region", "hk", "--access-key", "AK", "sign", "--body", "/dev/null"])
        .env("NXLINK_ACCESS_SECRET", secret));
    let (code, line) = failure(&output);
    assert_eq!(code, 2, "{line}");
    assert!(line.contains("NXLINK_ACCESS_SECRET is set but is not valid Unicode"), "{line}");
    assert!(!line.contains("cret\"") && !line.contains('\u{fffd}'), "the value is not shown: {line}");
}

/// Bug: `-v` mapped to trace (request internals in the log), or escape codes written
/// to a stderr that is not a terminal (a CI log, a file).
#[test]
fn verbose_is_debug_and_a_piped_stderr_gets_no_colour() {
    let mock = Mock::start();
    let output = run(against(&mock).args(["-v", "calls", "list", "--task-id", DEMO_TASK_ID, "--format", "jsonl"]));
    assert_ok(&output);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("DEBUG"), "{stderr}");
    assert!(!stderr.contains("TRACE"), "{stderr}");
    assert!(!stderr.contains('\x1b'), "no escape codes into a pipe: {stderr:?}");
}

/// Bug: the default of `--concurrency` (4 pages ahead) or of the append's batches in
/// flight (8) changed, or the value not passed on. Each request is held a while by the
/// mock, so the requests a command keeps open at once are the ones it sends together.
#[test]
fn exports_keep_four_pages_and_appends_eight_batches_in_flight_by_default() {
    let mock = Mock::with(
        MockServer::builder().faults(Faults { latency: std::time::Duration::from_millis(300), ..Faults::none() }),
    );
    let output = run(against(&mock).args([
        "calls",
        "export",
        "--task-id",
        DEMO_TASK_ID,
        "--page-size",
        "20",
        "--limit",
        "200",
        "--format",
        "jsonl",
    ]));
    assert_ok(&output);
    assert_eq!(mock.server.handle().peak_in_flight(), 4, "pages in flight");
    mock.server.handle().clear_requests();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.csv");
    let rows: String = (0..180).map(|n| format!("8529400{n:04},C{n}\n")).collect();
    std::fs::write(&file, format!("phoneNumber,name\n{rows}")).unwrap();
    let output = run(against(&mock)
        .args(["contacts", "append", "--batch-size", "10", "--task-id", DEMO_TASK_ID, "--file"])
        .arg(&file));
    assert_ok(&output);
    assert_eq!(mock.server.handle().peak_in_flight(), 8, "batches in flight");
}

/// A link on one file system naming a file on another (`/tmp` -> `/dev/shm`): the
/// temporary file is made beside the target, so the final rename stays on one file
/// system (a rename across them fails with EXDEV). Skipped, saying so, where `/dev/shm`
/// is the same file system or missing.
#[test]
fn a_link_to_a_file_on_another_file_system_is_written_through() {
    use std::os::unix::fs::MetadataExt;
    let shm = Path::new("/dev/shm");
    let dir = tempfile::tempdir().unwrap();
    let Ok(shm_meta) = std::fs::metadata(shm) else {
        println!("skipped: no /dev/shm");
        return;
    };
    if shm_meta.dev() == std::fs::metadata(dir.path()).unwrap().dev() {
        println!("skipped: /dev/shm is on the same file system as the temporary directory");
        return;
    }
    let mock = Mock::start();
    let elsewhere = tempfile::tempdir_in(shm).unwrap();
    let target = elsewhere.path().join("calls.jsonl");
    std::fs::write(&target, "previous\n").unwrap();
    let link = dir.path().join("latest.jsonl");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    export_to(&mock, &link);
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_complete_jsonl(&mock, &std::fs::read_to_string(&target).unwrap());
    assert_eq!(entries(elsewhere.path()), ["calls.jsonl"], "no temporary file left beside the target");
}
