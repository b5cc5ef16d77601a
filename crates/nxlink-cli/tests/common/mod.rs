//! What the `nxlink` test files share: the binary with a clean environment, a mock
//! served on its own runtime, and the checks on records, exit codes and error lines.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // each test file uses some

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, OnceLock};

use nxlink_mock::{Dataset, MockServer, MockServerBuilder, DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET, DEMO_TASK_ID};
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
pub(crate) struct Mock {
    // Dropped before the runtime that serves it.
    pub(crate) server: MockServer,
    _runtime: tokio::runtime::Runtime,
}

impl Mock {
    pub(crate) fn start() -> Self {
        Self::with(MockServer::builder())
    }

    pub(crate) fn with(builder: MockServerBuilder) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let server = runtime.block_on(builder.dataset(dataset()).start()).unwrap();
        Self { server, _runtime: runtime }
    }

    pub(crate) fn url(&self) -> &str {
        self.server.base_url()
    }

    pub(crate) fn expected(&self) -> Vec<CallRecord> {
        self.server.dataset().task_records(DEMO_TASK_ID).cloned().collect()
    }

    /// The JSON bodies of the requests the server answered.
    pub(crate) fn bodies(&self) -> Vec<Value> {
        self.server.requests().iter().map(|request| serde_json::from_slice(&request.body).unwrap()).collect()
    }
}

/// The command with a clean environment: no credentials or profile of the machine
/// running the tests can leak in.
pub(crate) fn nxlink() -> Command {
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
pub(crate) fn against(mock: &Mock) -> Command {
    let mut command = nxlink();
    command
        .args(["--base-url", mock.url()])
        .env("NXLINK_ACCESS_KEY", DEMO_ACCESS_KEY)
        .env("NXLINK_ACCESS_SECRET", DEMO_ACCESS_SECRET);
    command
}

#[track_caller]
pub(crate) fn run(command: &mut Command) -> Output {
    command.output().unwrap()
}

#[track_caller]
pub(crate) fn assert_ok(output: &Output) {
    assert!(
        output.status.success(),
        "exit {:?}\nstderr: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Exit code and the single error line on stderr.
#[track_caller]
pub(crate) fn failure(output: &Output) -> (i32, String) {
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
pub(crate) fn assert_same_record(actual: &Value, expected: &CallRecord) {
    let expected = as_received(expected);
    let (Value::Object(actual), Value::Object(expected)) = (actual, &expected) else { panic!("not objects") };
    // Exactly the fields the server sent: none added, none dropped.
    let keys = |object: &serde_json::Map<String, Value>| object.keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(actual), keys(expected), "record {:?}: the fields sent", expected.get("id"));
    for (field, value) in expected {
        assert_eq!(actual.get(field), Some(value), "record {:?}, field {field}", expected.get("id"));
    }
}

pub(crate) fn as_received(record: &CallRecord) -> Value {
    let decoded: CallRecord = serde_json::from_value(serde_json::to_value(record).unwrap()).unwrap();
    serde_json::to_value(decoded).unwrap()
}

pub(crate) fn export_args(format: &str) -> Vec<&str> {
    vec!["calls", "export", "--task-id", DEMO_TASK_ID, "--page-size", "50", "--format", format]
}

#[track_caller]
pub(crate) fn assert_no_secrets(mock: &Mock, text: &str) {
    assert!(!text.contains(DEMO_ACCESS_SECRET), "the secret was printed");
    for request in mock.server.requests() {
        if let Some(sign) = request.header("sign") {
            assert!(!text.contains(sign), "a signature was printed");
        }
    }
}

pub(crate) fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// An export of the demo task to `path` as JSONL, which must succeed; returns stderr.
#[track_caller]
pub(crate) fn export_to(mock: &Mock, path: &Path) -> String {
    let output = run(against(mock).args(export_args("jsonl")).arg("--output").arg(path));
    assert_ok(&output);
    assert!(output.stdout.is_empty(), "{}", String::from_utf8_lossy(&output.stdout));
    String::from_utf8(output.stderr).unwrap()
}

#[track_caller]
pub(crate) fn assert_complete_jsonl(mock: &Mock, text: &str) {
    let expected = mock.expected();
    assert_eq!(text.lines().count(), expected.len());
    for (line, record) in text.lines().zip(&expected) {
        assert_same_record(&serde_json::from_str(line).unwrap(), record);
    }
}

/// `nxlink` with `text` as its profile file (named by NXLINK_CONFIG), no profile named.
#[track_caller]
pub(crate) fn with_profile_file(text: &str, args: &[&str]) -> (i32, String, PathBuf, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).unwrap();
    let output = run(nxlink().env("NXLINK_CONFIG", &path).args(args));
    let (code, line) = failure(&output);
    (code, line, path, dir)
}
