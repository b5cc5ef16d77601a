//! `--format parquet` and `--partition-by day`, read back by readers that share no code
//! with nxlink (pyarrow and DuckDB, through tests/parquet_check.py) and compared with the
//! JSONL export of the same records, field by field; and what must leave nothing
//! behind (a failed or interrupted export) or be refused (flags that do not go together).
#![cfg(feature = "parquet")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use nxlink_mock::{Faults, MockServer, DEMO_TASK_ID};
use nxlink_models::runtime::{Column, ValueType};
use nxlink_models::CallRecord;
use serde_json::{json, Value};

use common::{against, assert_ok, entries, export_args, failure, run, Mock};

/// The Arrow type pyarrow prints for a field of type `ty`: the test's own statement of
/// the mapping (issue 26), not the implementation's.
fn arrow_type(ty: &ValueType) -> &'static str {
    match ty {
        ValueType::Int32 => "int32",
        ValueType::Int64 | ValueType::Code(_) => "int64",
        ValueType::Float64 => "double",
        ValueType::Bool => "bool",
        ValueType::List(_) => "list<",
        _ => "string",
    }
}

/// What the checker expects, from the spec's generated columns.
fn schema_file(dir: &Path) -> PathBuf {
    let columns: Vec<Value> = CallRecord::COLUMNS
        .iter()
        .map(|c: &Column| {
            let table = match c.ty {
                ValueType::Code(table) => Value::from(table.name),
                _ => Value::Null,
            };
            json!({"wire": c.wire, "type": arrow_type(&c.ty), "nullable": !c.required, "codeTable": table})
        })
        .collect();
    // The partition's time: the call's start, the field the command reads. Its wire
    // name is what the generated `Serialize` writes for it.
    let mut probe = CallRecord::default();
    probe.call_start = Some(1_234_567);
    let probe = serde_json::to_value(&probe).unwrap();
    let start = probe.as_object().unwrap().iter().find(|(_, value)| **value == json!(1_234_567)).unwrap().0;
    let path = dir.join("schema.json");
    std::fs::write(&path, json!({"columns": columns, "extra": "extra", "timestamp": start}).to_string()).unwrap();
    path
}

/// Runs tests/parquet_check.py; fails (never skips) when python3 or its modules are
/// missing, saying how to install them.
#[track_caller]
fn python_check(mode: &str, out: &Path, jsonl: &Path, schema: &Path) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/parquet_check.py");
    let output = Command::new("python3").arg(script).arg(mode).arg(out).arg(jsonl).arg(schema).output();
    let output = output.unwrap_or_else(|err| {
        panic!("cannot run python3 ({err}): install Python 3, then `python3 -m pip install pyarrow duckdb`")
    });
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_ne!(output.status.code(), Some(3), "{stderr}(.ci/run installs them before the tests)");
    assert!(output.status.success(), "the independent reader disagrees:\n{stderr}");
    String::from_utf8(output.stdout).unwrap()
}

/// The demo task exported as JSONL and with `extra` args, into `dir`.
fn export(mock: &Mock, format: &str, out: &Path, extra: &[&str]) {
    let output = run(against(mock).args(export_args(format)).args(extra).arg("--output").arg(out));
    assert_ok(&output);
    assert!(output.stdout.is_empty());
}

#[test]
fn parquet_holds_what_jsonl_holds_record_by_record_as_pyarrow_reads_it() {
    // Quirks: unknown fields on every record (the `extra` column), nulls, fields left
    // out, codes newer than the docs.
    let mock = Mock::with(MockServer::builder().quirks(true));
    let dir = tempfile::tempdir().unwrap();
    let (jsonl, parquet) = (dir.path().join("calls.jsonl"), dir.path().join("calls.parquet"));
    export(&mock, "jsonl", &jsonl, &[]);
    export(&mock, "parquet", &parquet, &[]);
    let text = std::fs::read_to_string(&jsonl).unwrap();
    assert!(text.lines().count() > 100);
    assert!(
        text.lines().all(|line| serde_json::from_str::<serde_json::Map<String, Value>>(line)
            .unwrap()
            .keys()
            .any(|key| !CallRecord::FIELDS.contains(&key.as_str()))),
        "the mock's quirks give every record an unknown field"
    );
    let report = python_check("file", &parquet, &jsonl, &schema_file(dir.path()));
    assert!(report.starts_with(&format!("ok: {} records", text.lines().count())), "{report}");
    let mut names = entries(dir.path());
    names.retain(|name| name != "schema.json");
    assert_eq!(names, ["calls.jsonl", "calls.parquet"], "temporary files left behind");
}

#[test]
fn parquet_to_a_redirected_stdout_is_the_same_file() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("calls.parquet");
    export(&mock, "parquet", &file, &[]);
    // Captured stdout is a pipe, as in `nxlink ... > calls.parquet` or `| upload`.
    let output = run(against(&mock).args(export_args("parquet")));
    assert_ok(&output);
    assert!(output.stdout.starts_with(b"PAR1") && output.stdout.ends_with(b"PAR1"));
    assert_eq!(output.stdout, std::fs::read(&file).unwrap());
}

#[test]
fn a_day_partitioned_dataset_reads_as_one_table_equal_to_jsonl_each_record_under_its_day() {
    let mock = Mock::with(MockServer::builder().quirks(true));
    let dir = tempfile::tempdir().unwrap();
    let (jsonl, dataset) = (dir.path().join("calls.jsonl"), dir.path().join("calls"));
    export(&mock, "jsonl", &jsonl, &[]);
    export(&mock, "parquet", &dataset, &["--partition-by", "day"]);
    let report = python_check("dataset", &dataset, &jsonl, &schema_file(dir.path()));
    // The mock spreads the records over months: many days, so many partitions.
    let days: usize = report.split_whitespace().rev().nth(1).unwrap().parse().unwrap();
    assert!(days > 30, "{report}");
    let partitions = entries(&dataset);
    assert_eq!(partitions.len(), days, "one directory per day: {partitions:?}");
    for partition in &partitions {
        assert!(partition.starts_with("date=20"), "{partition}");
        assert_eq!(entries(&dataset.join(partition)), ["part-0000.parquet"], "{partition}");
    }
    let mut names = entries(dir.path());
    names.retain(|name| name != "schema.json");
    assert_eq!(names, ["calls", "calls.jsonl"], "temporary directories left behind");
}

#[test]
fn an_empty_directory_may_be_the_target_but_nothing_else_that_exists() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    export(&mock, "parquet", &empty, &["--partition-by", "day"]);
    assert!(entries(&empty).len() > 30);

    // A non-empty directory, or a file, is refused before any request, and kept.
    let requests = mock.server.requests().len();
    let file = dir.path().join("calls.parquet");
    std::fs::write(&file, "previous").unwrap();
    for existing in [&empty, &file] {
        let output =
            run(against(&mock).args(export_args("parquet")).args(["--partition-by", "day", "-o"]).arg(existing));
        let (code, line) = failure(&output);
        assert_eq!(code, 2, "{line}");
        assert!(line.contains("already exists") && line.contains(&existing.display().to_string()), "{line}");
    }
    assert_eq!(mock.server.requests().len(), requests, "refused before asking the API");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "previous");
    assert_eq!(entries(dir.path()), ["calls.parquet", "empty"]);
}

#[test]
fn flags_that_do_not_go_together_are_usage_errors_before_any_request() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for format in ["jsonl", "csv", "json", "table"] {
        let output = run(against(&mock).args(export_args(format)).args(["--partition-by", "day", "-o"]).arg(&out));
        let (code, line) = failure(&output);
        assert_eq!(code, 2, "{line}");
        assert!(line.contains("--partition-by") && line.contains(&format!("--format {format}")), "{line}");
    }
    // A directory cannot go to stdout.
    let output = run(against(&mock).args(export_args("parquet")).args(["--partition-by", "day"]));
    let (code, line) = failure(&output);
    assert_eq!(code, 2, "{line}");
    assert!(line.contains("-o DIR"), "{line}");
    // Only `day` is a partitioning.
    let output = run(against(&mock).args(export_args("parquet")).args(["--partition-by", "month", "-o"]).arg(&out));
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("day"));
    assert!(mock.server.requests().is_empty(), "a usage error sends nothing");
    assert!(entries(dir.path()).is_empty());
}

/// A seed whose fault sequence (rate 0.2) serves 7 requests before the first fault
/// (the same as tests/export.rs).
const FAULT_SEED: u64 = 2;

#[test]
fn an_export_that_fails_midway_leaves_no_file_and_no_directory() {
    for extra in [&[][..], &["--partition-by", "day"][..]] {
        let faults = Faults { internal_error: 0.2, ..Faults::none() }.with_seed(FAULT_SEED);
        let mock = Mock::with(MockServer::builder().faults(faults));
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("calls.parquet");
        let output = run(against(&mock)
            .args(["calls", "export", "--task-id", DEMO_TASK_ID, "--format", "parquet", "--page-size", "10"])
            .args(["--concurrency", "1", "--retries", "0"])
            .args(extra)
            .arg("--output")
            .arg(&out));
        let (code, line) = failure(&output);
        assert_eq!(code, 5, "{extra:?}: {line}");
        assert!(mock.server.requests().len() > 5, "{extra:?}: records were written before the failure");
        assert!(entries(dir.path()).is_empty(), "{extra:?} left behind: {:?}", entries(dir.path()));
    }
}

#[test]
fn sigint_mid_partitioned_export_removes_the_directory_and_its_files() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("calls");
    let mut child = against(&mock)
        .args(["calls", "export", "--task-id", DEMO_TASK_ID, "--format", "parquet", "--page-size", "1"])
        .args(["--concurrency", "1", "--partition-by", "day", "-o"])
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait (bounded) until the temporary directory holds a day's file, then stall the
    // mock so that the export is surely mid-way when the signal comes.
    let mut seen = None;
    for _ in 0..3_000 {
        let partial = entries(dir.path()).into_iter().find(|name| name.ends_with(".partial"));
        if let Some(partial) = partial.map(|name| dir.path().join(name)) {
            if std::fs::read_dir(&partial).is_ok_and(|mut days| days.next().is_some()) {
                mock.server
                    .handle()
                    .set_faults(Faults { latency: std::time::Duration::from_secs(600), ..Faults::none() });
                seen = Some(partial);
                break;
            }
        }
        assert!(child.try_wait().unwrap().is_none(), "the export ended before its directory was seen");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let partial = seen.expect("no temporary directory with a day in it appeared");
    assert!(child.try_wait().unwrap().is_none(), "the export finished before the signal");
    rustix::process::kill_process(rustix::process::Pid::from_child(&child), rustix::process::Signal::INT).unwrap();
    let output = child.wait_with_output().unwrap();
    let (code, line) = failure(&output);
    assert_eq!((code, line.as_str()), (130, "error: interrupted (SIGINT)"));
    assert!(!partial.exists(), "left {}", partial.display());
    assert!(entries(dir.path()).is_empty(), "left behind: {:?}", entries(dir.path()));
}
