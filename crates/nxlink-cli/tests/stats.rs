//! `nxlink calls stats`: the figures against the mock's dataset worked out here from
//! the records, the same figures from every source `--from` reads (JSONL, Parquet, a
//! sync database in SQLite or PostgreSQL), and the report's page.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/postgres.rs"]
mod postgres;

use std::collections::BTreeMap;

use common::{against, assert_ok, failure, run, Mock};
use nxlink_mock::DEMO_TASK_ID;
use nxlink_models::{CallRecord, CallResult, CallStatus};
use postgres::PgServer;
use serde_json::Value;

fn stats_json(mock: &Mock, extra: &[&str]) -> Value {
    let output = run(against(mock).args(["calls", "stats", "--task-id", DEMO_TASK_ID, "--format", "json"]).args(extra));
    assert_ok(&output);
    serde_json::from_slice(&output.stdout).unwrap()
}

fn counts(value: &Value) -> BTreeMap<Option<i64>, u64> {
    value.as_array().unwrap().iter().map(|c| (c["code"].as_i64(), c["records"].as_u64().unwrap())).collect()
}

/// The nearest-rank percentile, written out again as the definition says.
fn nearest_rank(sorted: &[i64], p: f64) -> Value {
    if sorted.is_empty() {
        return Value::Null;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank - 1].into()
}

#[test]
fn the_figures_are_those_of_the_records() {
    let mock = Mock::start();
    let records: Vec<CallRecord> = mock.expected();
    let json = stats_json(&mock, &[]);

    assert_eq!(json["records"], records.len() as u64);
    let mut status = BTreeMap::new();
    let mut result = BTreeMap::new();
    for r in &records {
        *status.entry(r.call_status.map(CallStatus::code)).or_insert(0_u64) += 1;
        *result.entry(r.call_result.map(CallResult::code)).or_insert(0_u64) += 1;
    }
    assert_eq!(counts(&json["byStatus"]), status);
    assert_eq!(counts(&json["byResult"]), result);
    // Names are the spec's, for every code.
    for c in json["byResult"].as_array().unwrap() {
        let code = c["code"].as_i64().unwrap();
        assert_eq!(c["name"], CallResult::from_code(code).name());
        assert_eq!(c["description"], CallResult::from_code(code).description());
    }

    let finished = records.iter().filter(|r| r.call_status.is_some_and(|s| !s.is_in_progress())).count();
    let answered: Vec<&CallRecord> =
        records.iter().filter(|r| r.call_result.is_some_and(CallResult::is_connected)).collect();
    assert!(finished > 0 && !answered.is_empty() && answered.len() < finished, "a dataset that tells rates apart");
    assert_eq!(json["finished"], finished as u64);
    assert_eq!(json["answered"], answered.len() as u64);
    let rate = json["answerRate"].as_f64().unwrap();
    assert!((rate - answered.len() as f64 / finished as f64).abs() < 1e-12, "{rate}");

    let mut talk: Vec<i64> = answered.iter().filter_map(|r| r.call_elapsed).filter(|e| *e >= 0).collect();
    talk.sort_unstable();
    assert!(talk.windows(2).any(|w| w[0] != w[1]), "talk times that tell percentiles apart");
    let t = &json["talkTime"];
    assert_eq!(t["calls"], talk.len() as u64);
    for (name, p) in [("p50", 50.0), ("p90", 90.0), ("p99", 99.0)] {
        assert_eq!(t[name], nearest_rank(&talk, p), "{name}");
    }
    assert_eq!(t["max"], *talk.last().unwrap());

    let mut intents: BTreeMap<String, u64> = BTreeMap::new();
    for r in &records {
        if let Some(i) = r.user_intent.as_deref().map(str::trim).filter(|i| !i.is_empty()) {
            *intents.entry(i.to_owned()).or_default() += 1;
        }
    }
    let top = json["topIntents"].as_array().unwrap();
    assert_eq!(top.len(), intents.len().min(10));
    for pair in top.windows(2) {
        assert!(pair[0]["records"].as_u64() >= pair[1]["records"].as_u64(), "most first: {top:?}");
    }
    for i in top {
        assert_eq!(intents[i["intent"].as_str().unwrap()], i["records"].as_u64().unwrap(), "{i}");
    }

    let mut hours = [0_u64; 24];
    for start in records.iter().filter_map(|r| r.call_start).filter(|s| *s > 0) {
        hours[(start.rem_euclid(86_400) / 3_600) as usize] += 1;
    }
    assert_eq!(json["perHourUtc"], serde_json::to_value(hours).unwrap());
    assert!(hours.iter().filter(|h| **h > 0).count() > 1, "calls spread over hours");
}

/// Runs `nxlink` against the mock and asserts it succeeded.
#[track_caller]
fn ok(mock: &Mock, args: &[&str]) {
    assert_ok(&run(against(mock).args(args)));
}

/// What `--from` can read, each holding the demo task's records and another task's:
/// a JSONL export, a Parquet file, a partitioned Parquet dataset, a SQLite database (by
/// URL and by path) and a PostgreSQL database `calls sync` filled. Each gives the API's
/// figures, for the whole task and for spans of `--since` that select part of it.
#[test]
fn every_source_gives_the_api_figures_and_only_the_task_and_since_select_it() {
    let mock = Mock::start();
    let other = nxlink_mock::TASK_IDS.iter().copied().find(|id| *id != DEMO_TASK_ID).unwrap();
    assert!(mock.server.dataset().task_records(other).next().is_some(), "another task with records");
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    let mut sources = Vec::new();

    // JSONL: the demo task's export, then the same records under another task id.
    let jsonl = path("calls.jsonl");
    common::export_to(&mock, std::path::Path::new(&jsonl));
    let text = std::fs::read_to_string(&jsonl).unwrap();
    std::fs::write(&jsonl, format!("{text}{}", text.replace(DEMO_TASK_ID, "another-task"))).unwrap();
    sources.push(jsonl.clone());

    if cfg!(feature = "parquet") {
        let export = |task: &str, out: &str, extra: &[&str]| {
            let mut args = vec!["calls", "export", "--task-id", task, "--format", "parquet", "-o", out];
            args.extend_from_slice(extra);
            ok(&mock, &args);
        };
        let (file, dataset) = (path("calls.parquet"), path("dataset"));
        export(DEMO_TASK_ID, &file, &[]);
        export(DEMO_TASK_ID, &dataset, &["--partition-by", "day"]);
        export(other, &format!("{dataset}/other-task.parquet"), &[]);
        sources.extend([file, dataset]);
    }

    let sqlite = path("calls.db");
    let sync = |url: &str| ok(&mock, &["calls", "sync", "--task-id", DEMO_TASK_ID, "--task-id", other, "--db", url]);
    sync(&format!("sqlite:{sqlite}"));
    sources.extend([format!("sqlite:{sqlite}"), sqlite]);
    let server = PgServer::start();
    let postgres = server.create_database("nxlink_stats");
    sync(&postgres);
    sources.push(postgres);

    let all = stats_json(&mock, &[]);
    // Spans that reach back into the dataset's half year, which ends at a fixed date.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let days_since_end = (now - nxlink_mock::DATASET_END_TS) / 86_400;
    let spans = [format!("{}d", days_since_end + 30), format!("{}h", (days_since_end + 90) * 24)];
    let by_span: Vec<(&str, Value)> =
        spans.iter().map(|span| (span.as_str(), stats_json(&mock, &["--since", span]))).collect();
    for (span, since) in &by_span {
        let n = since["records"].as_u64().unwrap();
        assert!(0 < n && n < all["records"].as_u64().unwrap(), "--since {span} selects some: {n}");
    }
    for source in &sources {
        let shown = source.replace(&server.port().to_string(), "PORT");
        assert_eq!(stats_json(&mock, &["--from", source]), all, "--from {shown}");
        for (span, since) in &by_span {
            assert_eq!(
                &stats_json(&mock, &["--from", source, "--since", span]),
                since,
                "--from {shown} --since {span}"
            );
        }
    }

    // `-`: the JSONL export on standard input, as from a pipe.
    let piped = |file: &str, extra: &[&str]| {
        let stdin = std::fs::File::open(file).unwrap();
        let mut command = against(&mock);
        command.args(["calls", "stats", "--task-id", DEMO_TASK_ID, "--format", "json", "--from", "-"]).args(extra);
        run(command.stdin(stdin))
    };
    let output = piped(&jsonl, &[]);
    assert_ok(&output);
    assert_eq!(serde_json::from_slice::<Value>(&output.stdout).unwrap(), all, "--from -");
    let (span, since) = &by_span[0];
    let output = piped(&jsonl, &["--since", span]);
    assert_eq!(&serde_json::from_slice::<Value>(&output.stdout).unwrap(), since, "--from - --since {span}");
    // Parquet cannot stream: said so, not read as broken JSON lines.
    if cfg!(feature = "parquet") {
        let (code, stderr) = failure(&piped(&sources[1], &[]));
        assert!(code == 2 && stderr.contains("standard input holds Parquet"), "{stderr}");
    }

    // A filter a source cannot apply is refused by its flag, not ignored.
    for source in &sources {
        let output =
            run(against(&mock).args(["calls", "stats", "--task-id", DEMO_TASK_ID, "--from", source, "--result", "1"]));
        let (code, stderr) = failure(&output);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains("--result") && stderr.contains("--from"), "{stderr}");
    }
}

#[test]
fn a_file_that_is_not_json_lines_is_named_with_its_line() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("array.json", "[{\"id\": 1}]\n", "JSON array"),
        ("broken.jsonl", "{\"id\": 1, \"taskId\": \"t\"}\n\n{\"id\": \n", "line 3"),
        ("text.jsonl", "id,taskId\n", "line 1"),
        ("calls.parquet", "PAR1\0\0PAR1", "cannot read"),
    ];
    for (name, text, expected) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let output = run(against(&mock).args(["calls", "stats", "--task-id", "t", "--from"]).arg(&path));
        let (code, stderr) = failure(&output);
        assert_ne!(code, 0);
        assert!(stderr.contains(expected) && stderr.contains(name), "{name}: {stderr}");
    }
    let output =
        run(against(&mock).args(["calls", "stats", "--task-id", "t", "--from"]).arg(dir.path().join("missing")));
    let (_, stderr) = failure(&output);
    assert!(stderr.contains("cannot open") && stderr.contains("missing"), "{stderr}");
    // A database that is not there, or not one a sync wrote; nothing is created.
    let missing = dir.path().join("missing.db");
    let output = run(against(&mock)
        .args(["calls", "stats", "--task-id", "t", "--from"])
        .arg(format!("sqlite:{}", missing.display())));
    let (code, stderr) = failure(&output);
    assert!(code != 0 && stderr.contains("missing.db"), "{stderr}");
    assert!(!missing.exists(), "reading created the database");
    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other).unwrap().execute_batch("CREATE TABLE t (x)").unwrap();
    let output = run(against(&mock).args(["calls", "stats", "--task-id", "t", "--from"]).arg(&other));
    let (code, stderr) = failure(&output);
    assert!(code != 0 && stderr.contains("no call_records table"), "{stderr}");
    // An unreachable server is a network failure, and the URL's password is not shown.
    let output =
        run(against(&mock).args(["calls", "stats", "--task-id", "t", "--from", "postgres://u:hunter2@127.0.0.1:1/db"]));
    let (code, stderr) = failure(&output);
    assert!(code == 5 && stderr.contains("127.0.0.1:1") && !stderr.contains("hunter2"), "{stderr}");
}

#[test]
fn the_report_is_one_page_with_charts_and_nothing_to_fetch() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    let output = run(against(&mock)
        .args(["calls", "stats", "--task-id", DEMO_TASK_ID, "--format", "json", "--html"])
        .arg(&page));
    assert_ok(&output);
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    assert_eq!(html.matches("<svg").count(), 5, "status, result, intents, hours, talk time");
    for fetch in ["<script", "src=", "<link", "@import", "url("] {
        assert!(!html.contains(fetch), "{fetch} in the page");
    }
    for c in json["byStatus"].as_array().unwrap() {
        assert!(html.contains(&format!("{} ({})", c["name"].as_str().unwrap(), c["code"])), "{c}");
    }
    assert!(html.contains(DEMO_TASK_ID));
    assert_eq!(common::entries(dir.path()), ["report.html"], "no temporary file left");
}

#[test]
fn calls_still_in_progress_are_left_out_of_the_rate() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("calls.jsonl");
    common::export_to(&mock, &file);
    // Every third record set to a status of the spec's in-progress group.
    let in_progress = CallStatus::ALL.iter().find(|s| s.is_in_progress()).unwrap().code();
    let mut records: Vec<CallRecord> = Vec::new();
    let mut text = String::new();
    for (i, line) in std::fs::read_to_string(&file).unwrap().lines().enumerate() {
        let mut value: Value = serde_json::from_str(line).unwrap();
        if i % 3 == 0 {
            value["callStatus"] = in_progress.into();
        }
        records.push(serde_json::from_value(value.clone()).unwrap());
        text.push_str(&format!("{value}\n"));
    }
    std::fs::write(&file, text).unwrap();
    let json = stats_json(&mock, &["--from", file.to_str().unwrap()]);
    let finished = records.iter().filter(|r| r.call_status.is_some_and(|s| !s.is_in_progress())).count();
    let answered = records
        .iter()
        .filter(|r| r.call_status.is_some_and(|s| !s.is_in_progress()))
        .filter(|r| r.call_result.is_some_and(CallResult::is_connected))
        .count();
    assert!(finished < records.len());
    assert_eq!(json["finished"], finished as u64);
    assert_eq!(json["answered"], answered as u64);
    let rate = json["answerRate"].as_f64().unwrap();
    assert!((rate - answered as f64 / finished as f64).abs() < 1e-12, "{rate}");
}
