//! `nxlink api <endpoint>`: every endpoint of the spec from the shell. The tests read
//! the spec files for what to expect (flags, required fields), so an endpoint or a field
//! added to the spec is covered with no edit here.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use nxlink_mock::{Fault, Faults, MockServer, MockServerBuilder, DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET, DEMO_TASK_ID};
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_nxlink");

struct Mock {
    server: MockServer,
    _runtime: tokio::runtime::Runtime,
}

impl Mock {
    fn with(builder: MockServerBuilder) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let server = runtime.block_on(builder.records(2_000).start()).unwrap();
        Self { server, _runtime: runtime }
    }

    /// The JSON bodies of the requests the server answered.
    fn bodies(&self) -> Vec<Value> {
        self.server.requests().iter().filter_map(|request| serde_json::from_slice(&request.body).ok()).collect()
    }
}

fn nxlink() -> Command {
    let mut command = Command::new(BIN);
    for var in ["NXLINK_ACCESS_KEY", "NXLINK_ACCESS_SECRET", "NXLINK_REGION", "NXLINK_BASE_URL", "NXLINK_CONFIG"] {
        command.env_remove(var);
    }
    command.env_remove("RUST_LOG").env("XDG_CONFIG_HOME", "/nonexistent/xdg").stdin(Stdio::null());
    command
}

fn against(mock: &Mock) -> Command {
    let mut command = nxlink();
    command
        .args(["--base-url", mock.server.base_url()])
        .env("NXLINK_ACCESS_KEY", DEMO_ACCESS_KEY)
        .env("NXLINK_ACCESS_SECRET", DEMO_ACCESS_SECRET);
    command
}

#[track_caller]
fn ok(output: &Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}\nstderr: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// Exit code and the one error line.
#[track_caller]
fn failure(output: &Output) -> (i32, String) {
    let stderr = String::from_utf8(output.stderr.clone()).unwrap();
    let lines: Vec<&str> = stderr.lines().filter(|line| !line.trim().is_empty()).collect();
    assert!(!lines.is_empty() && output.stdout.is_empty(), "stderr: {stderr}\nstdout: {:?}", output.stdout);
    (output.status.code().unwrap_or(-1), lines.join("\n"))
}

/// `QueryCallRecords` is `query-call-records`.
fn kebab(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The endpoint files of the spec, as JSON.
fn spec_endpoints() -> Vec<Value> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../spec/endpoints");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|entry| entry.unwrap().path()).collect();
    files.sort();
    files.iter().map(|path| serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()).collect()
}

fn is_scalar(ty: &Value) -> bool {
    ty.is_string() || ty.get("enum").is_some()
}

/// The flag of a request field, as the spec gives it.
fn flag_of(field: &Value) -> String {
    match field["cli"].as_str() {
        Some(name) => format!("--{name}"),
        None => format!("--{}", kebab(field["wire"].as_str().unwrap())),
    }
}

/// A value of the field's type for a required flag.
fn sample(field: &Value) -> String {
    match field["type"].as_str() {
        Some("string") => "sample".to_owned(),
        Some("bool") => "true".to_owned(),
        Some(_) => field["minimum"].as_i64().unwrap_or(1).to_string(),
        // An enum: any code (codes the docs do not list are sent as given).
        None => "1".to_owned(),
    }
}

/// Flags that fill every required field of `endpoint` (and `--body` for arrays).
fn required_args(endpoint: &Value) -> Vec<String> {
    let mut args = Vec::new();
    let mut body = serde_json::Map::new();
    for field in endpoint["request"]["fields"].as_array().unwrap() {
        if field["required"] != true || field.get("default").is_some() {
            continue;
        }
        if is_scalar(&field["type"]) {
            args.push(flag_of(field));
            args.push(sample(field));
        } else {
            body.insert(field["wire"].as_str().unwrap().to_owned(), json!([]));
        }
    }
    // One of each "at least one of" group.
    for constraint in endpoint["constraints"].as_array().into_iter().flatten() {
        if let Some(first) = constraint["atLeastOneOf"]["fields"][0].as_str() {
            let fields = endpoint["request"]["fields"].as_array().unwrap();
            let field = fields.iter().find(|f| f["wire"] == first).unwrap();
            args.push(flag_of(field));
            args.push(sample(field));
        }
    }
    if !body.is_empty() {
        args.push("--body".to_owned());
        args.push(body_file(&Value::Object(body)).display().to_string());
    }
    args
}

/// A file holding `body`, alive until the test process ends.
fn body_file(body: &Value) -> PathBuf {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    static COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let dir = DIR.get_or_init(|| tempfile::tempdir().unwrap());
    let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = dir.path().join(format!("body-{n}.json"));
    std::fs::write(&path, body.to_string()).unwrap();
    path
}

#[test]
fn api_help_lists_every_endpoint_with_its_summary() {
    let output = nxlink().args(["api", "--help"]).output().unwrap();
    let help = ok(&output);
    for endpoint in nxlink_models::ENDPOINTS {
        let line = help.lines().find(|line| line.trim_start().starts_with(&format!("{} ", kebab(endpoint.name))));
        let line = line.unwrap_or_else(|| panic!("{} missing from:\n{help}", endpoint.name));
        assert!(line.contains(endpoint.summary), "{line}");
    }
}

#[test]
fn each_endpoint_help_shows_a_flag_per_scalar_field_and_the_body_fields() {
    for endpoint in spec_endpoints() {
        let command = kebab(endpoint["name"].as_str().unwrap());
        let help = ok(&nxlink().args(["api", &command, "--help"]).output().unwrap());
        for field in endpoint["request"]["fields"].as_array().unwrap() {
            let wire = field["wire"].as_str().unwrap();
            if is_scalar(&field["type"]) {
                let flag = flag_of(field);
                assert!(help.lines().any(|line| line.contains(&format!("{flag} "))), "{command}: {flag} in\n{help}");
                assert!(help.contains(&format!("Request field `{wire}`")), "{command}: {wire}");
            } else {
                assert!(help.contains(&format!("{wire} (")), "{command}: body field {wire} in\n{help}");
            }
        }
        assert!(help.contains("--body <FILE|->") && help.contains("--format"), "{help}");
        let all = help.lines().any(|line| line.trim_start().starts_with("--all"));
        assert_eq!(all, endpoint.get("pagination").is_some(), "{command}");
    }
}

#[test]
fn a_required_flag_left_out_is_a_usage_error_naming_it() {
    for endpoint in spec_endpoints() {
        let command = kebab(endpoint["name"].as_str().unwrap());
        for field in endpoint["request"]["fields"].as_array().unwrap() {
            if field["required"] != true || field.get("default").is_some() || !is_scalar(&field["type"]) {
                continue;
            }
            let flag = flag_of(field);
            let args: Vec<String> = required_args(&endpoint);
            let at = args.iter().position(|arg| *arg == flag).unwrap();
            let mut without = args.clone();
            without.drain(at..at + 2);
            let output = nxlink().args(["--demo", "api", &command]).args(&without).output().unwrap();
            let (code, message) = failure(&output);
            assert_eq!(code, 2, "{command} without {flag}: {message}");
            assert!(message.contains(&flag), "{command} without {flag}: {message}");
        }
    }
}

#[test]
fn every_endpoint_answers_from_the_demo_or_says_it_is_not_simulated() {
    for endpoint in spec_endpoints() {
        let command = kebab(endpoint["name"].as_str().unwrap());
        let output = nxlink().args(["--demo", "api", &command]).args(required_args(&endpoint)).output().unwrap();
        match output.status.code() {
            Some(0) => {
                let data: Value = serde_json::from_slice(&output.stdout).unwrap();
                if endpoint.get("pagination").is_some() {
                    // An empty page may leave its list out (the sample filters match nothing).
                    assert!(data["list"].is_array() || data["total"] == 0, "{command}: {data}");
                }
            }
            _ => {
                let (code, message) = failure(&output);
                if message.contains("(set by --body)") {
                    // An empty array where the spec wants items: refused before sending.
                    assert_eq!(code, 2, "{command}: {message}");
                } else if message.contains("not simulated") {
                    assert_eq!(code, 4, "{command}: {message}");
                } else {
                    // Sample values the simulation refuses (an unknown task) are an API error.
                    assert_eq!(code, 4, "{command}: {message}");
                    assert!(message.starts_with("error: API error"), "{command}: {message}");
                }
            }
        }
    }
}

#[test]
fn a_paginated_endpoint_prints_its_page_and_with_all_every_item_once() {
    let mock = Mock::with(MockServer::builder());
    let expected: Vec<Value> =
        mock.server.dataset().task_records(DEMO_TASK_ID).map(|record| serde_json::to_value(record).unwrap()).collect();
    let page = ok(&against(&mock)
        .args(["api", "query-call-records", "--task-id", DEMO_TASK_ID, "--page-size", "7", "--page", "2"])
        .output()
        .unwrap());
    let page: Value = serde_json::from_str(&page).unwrap();
    assert_eq!(page["total"], json!(expected.len()));
    assert_eq!(page["list"].as_array().unwrap().as_slice(), &expected[7..14]);
    let sent = mock.bodies();
    assert_eq!(sent.last().unwrap(), &json!({"taskId": DEMO_TASK_ID, "pageNumber": 2, "pageSize": 7}));

    let all = ok(&against(&mock)
        .args(["api", "query-call-records", "--task-id", DEMO_TASK_ID, "--page-size", "100", "--all"])
        .output()
        .unwrap());
    let items: Vec<Value> = all.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    assert_eq!(items, expected, "--all: every record once, in order, every field as sent");

    let csv = ok(&against(&mock)
        .args(["api", "query-call-records", "--task-id", DEMO_TASK_ID, "--all", "--format", "csv"])
        .output()
        .unwrap());
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(&header[..header.len() - 1], nxlink_models::CallRecord::FIELDS);
    assert_eq!(header.last(), Some(&"extra"));
    assert_eq!(lines.count(), expected.len());
}

#[test]
fn a_json_endpoint_prints_data_and_the_flags_lay_over_the_body() {
    let mock = Mock::with(MockServer::builder());
    let (agent, route) = (nxlink_mock::SEEDED_AGENTS[0].0.to_string(), nxlink_mock::SEEDED_ROUTES[0].0);
    let dir = tempfile::tempdir().unwrap();
    let body = dir.path().join("body.json");
    std::fs::write(&body, json!({"taskName": "from the body", "other": "kept", "taskKeep": 0}).to_string()).unwrap();
    let output = against(&mock)
        .args(["api", "create-task", "--name", "from a flag", "--agent-id", &agent, "--route-id", route])
        .args(["--startup", "manual", "--task-keep", "1", "--body"])
        .arg(&body)
        .output()
        .unwrap();
    let data: Value = serde_json::from_str(&ok(&output)).unwrap();
    let task_id = data["taskId"].as_str().unwrap();
    let sent = mock.bodies().into_iter().last().unwrap();
    assert_eq!(sent["taskName"], "from a flag", "a flag wins over the body");
    assert_eq!(sent["other"], "kept", "a body field no flag set is sent");
    assert_eq!(sent["taskKeep"], 1);
    assert!(sent["userTaskId"].as_str().is_some_and(|key| !key.is_empty()), "the idempotency key is filled");
    let tasks = mock.server.handle().tasks();
    assert!(tasks.iter().any(|task| task.task_id.as_deref() == Some(task_id)));

    // Table and CSV of a `data` the spec leaves open: its own keys are the columns.
    let output = against(&mock)
        .args(["api", "create-task", "--name", "n", "--agent-id", &agent, "--route-id", route])
        .args(["--startup", "manual", "--task-keep", "0", "--format", "csv"])
        .output()
        .unwrap();
    let csv = ok(&output);
    assert!(csv.starts_with("taskId"), "{csv}");

    // The endpoint with no data the docs describe: deleting a contact.
    let output = against(&mock)
        .args(["api", "delete-contact", "--task-id", task_id, "--contact-id", "nobody"])
        .output()
        .unwrap();
    let (code, message) = failure(&output);
    assert_eq!(code, 4, "{message}");
}

#[test]
fn bad_values_are_usage_errors_that_name_the_flag() {
    let array = body_file(&json!([1])).display().to_string();
    let cases: &[(&[&str], &str)] = &[
        (&["query-call-records", "--task-id", "t", "--result", "voicemial"], "did you mean `voicemail`?"),
        (&["query-call-records", "--task-id", "t", "--page-size", "1001"], "(set by --page-size)"),
        (&["query-call-records", "--task-id", "t", "--page-size", "99999999999"], "--page-size"),
        (&["query-call-records", "--task-id", "t", "--start", "2025-05-02", "--end", "2025-05-01"], "--start"),
        (&["query-call-records", "--task-id", "t", "--start", "yesterday"], "--start"),
        (&["list-tasks", "--status", "runing"], "--status"),
        (&["list-tasks", "--body", &array], "expected a JSON object"),
        (&["list-tasks", "--body", "/nonexistent/body.json"], "cannot read it"),
        (
            &["create-task", "--name", "n", "--agent-id", "0", "--route-id", "r", "--startup", "1", "--task-keep", "0"],
            "--agent-id",
        ),
    ];
    for (args, expected) in cases {
        let output = nxlink().args(["--demo", "api"]).args(*args).output().unwrap();
        let (code, message) = failure(&output);
        assert_eq!(code, 2, "{args:?}: {message}");
        assert!(message.contains(expected), "{args:?}: expected {expected:?} in {message}");
    }
}

#[test]
fn a_create_that_may_have_been_applied_says_which_key_to_look_it_up_by() {
    let mock = Mock::with(MockServer::builder().faults(Faults::always(Fault::DropAfterApplying)));
    let (agent, route) = (nxlink_mock::SEEDED_AGENTS[0].0.to_string(), nxlink_mock::SEEDED_ROUTES[0].0);
    let output = against(&mock)
        .args(["api", "create-task", "--name", "n", "--agent-id", &agent, "--route-id", route])
        .args(["--startup", "manual", "--task-keep", "0", "--user-task-id", "mine-1"])
        .output()
        .unwrap();
    let (code, message) = failure(&output);
    assert_eq!(code, 5, "{message}");
    assert!(message.contains("look for userTaskId `mine-1` in `nxlink api list-tasks --all`"), "{message}");
    assert_eq!(mock.server.requests().len(), 1, "not sent again: {message}");
}

/// Bug: every write error taken for a closed pipe, so a full disk exits 0 with the
/// output cut short.
#[test]
fn a_full_disk_is_exit_1_and_a_closed_pipe_exit_0() {
    if !std::path::Path::new("/dev/full").exists() {
        return;
    }
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let output = nxlink()
        .args(["--demo", "api", "query-call-records", "--task-id", DEMO_TASK_ID, "--all"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot write the output"));

    let mut child = nxlink()
        .args(["--demo", "api", "query-call-records", "--task-id", DEMO_TASK_ID, "--all"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0_u8; 64];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
}
