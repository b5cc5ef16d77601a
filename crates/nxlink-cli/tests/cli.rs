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
    assert_eq!(actual.len(), 41, "field count");
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
fn csv_export_has_the_41_wire_names_and_every_value() {
    let mock = Mock::start();
    let output = run(against(&mock).args(export_args("csv")));
    assert_ok(&output);
    let mut reader = csv::Reader::from_reader(output.stdout.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(header.len(), 41);
    assert_eq!(header[0], "id");
    let expected = mock.expected();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), expected.len());
    for (row, record) in rows.iter().zip(&expected) {
        let Value::Object(fields) = as_received(record) else { panic!() };
        assert_eq!(fields.len(), 41);
        for (column, name) in header.iter().enumerate() {
            let cell = &row[column];
            let context = format!("record {:?}, column {name}: {cell:?}", record.id);
            match &fields[name] {
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
    for line in ["Exit codes:", "3  authentication", "5  network or server", "NXLINK_ACCESS_SECRET"] {
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
