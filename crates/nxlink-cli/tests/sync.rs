//! `nxlink calls sync` into SQLite and into a real PostgreSQL server (started by the
//! test, see common/postgres.rs): each test body runs against both.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/postgres.rs"]
mod postgres;

use std::path::PathBuf;
use std::process::{Output, Stdio};

use nxlink_mock::{Faults, MockServer, DEMO_TASK_ID};
use nxlink_models::runtime::{Operation, ValueType};
use nxlink_models::{CallRecord, QueryCallRecords};
use serde_json::{Map, Value};

use common::{against, as_received, assert_ok, failure, nxlink, run, Mock};
use postgres::PgServer;

const PAGE: usize = 50;

/// A database to sync into.
enum Db<'a> {
    Sqlite { _dir: tempfile::TempDir, path: PathBuf },
    Postgres { server: &'a PgServer, database: String, url: String },
}

impl<'a> Db<'a> {
    fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("calls.db");
        Db::Sqlite { _dir: dir, path }
    }

    fn postgres(server: &'a PgServer, database: &str) -> Self {
        let url = server.create_database(database);
        Db::Postgres { server, database: database.to_owned(), url }
    }

    fn name(&self) -> &'static str {
        match self {
            Db::Sqlite { .. } => "sqlite",
            Db::Postgres { .. } => "postgres",
        }
    }

    fn url(&self) -> String {
        match self {
            Db::Sqlite { path, .. } => format!("sqlite:{}", path.display()),
            Db::Postgres { url, .. } => url.clone(),
        }
    }

    fn exec(&self, sql: &str) {
        match self {
            Db::Sqlite { path, .. } => {
                rusqlite::Connection::open(path).unwrap().execute_batch(sql).unwrap();
            }
            Db::Postgres { server, database, .. } => {
                server.psql(database, sql);
            }
        }
    }

    /// One integer (or NULL) from `sql`.
    fn scalar(&self, sql: &str) -> Option<i64> {
        match self {
            Db::Sqlite { path, .. } => {
                let connection = rusqlite::Connection::open(path).unwrap();
                connection.query_row(sql, [], |row| row.get(0)).unwrap()
            }
            Db::Postgres { server, database, .. } => {
                let text = server.psql(database, sql);
                let text = text.trim();
                (!text.is_empty()).then(|| text.parse().unwrap())
            }
        }
    }

    /// Every row of `call_records` as a JSON object, in id order, values typed as the
    /// spec types them (SQLite's 0/1 and JSON text turned back into booleans and JSON).
    fn rows(&self) -> Vec<Map<String, Value>> {
        let id = id_wire();
        let raw: Vec<Map<String, Value>> = match self {
            Db::Sqlite { path, .. } => {
                let connection = rusqlite::Connection::open(path).unwrap();
                let mut statement =
                    connection.prepare(&format!("SELECT * FROM call_records ORDER BY \"{id}\"")).unwrap();
                let names: Vec<String> = statement.column_names().iter().map(|n| (*n).to_owned()).collect();
                let rows = statement
                    .query_map([], |row| {
                        let mut object = Map::new();
                        for (index, name) in names.iter().enumerate() {
                            use rusqlite::types::ValueRef;
                            let value = match row.get_ref(index).unwrap() {
                                ValueRef::Null => Value::Null,
                                ValueRef::Integer(int) => int.into(),
                                ValueRef::Real(real) => real.into(),
                                ValueRef::Text(text) => {
                                    let text = String::from_utf8(text.to_vec()).unwrap();
                                    if is_json_column(name) {
                                        serde_json::from_str(&text).unwrap()
                                    } else {
                                        text.into()
                                    }
                                }
                                ValueRef::Blob(_) => panic!("a blob in {name}"),
                            };
                            object.insert(name.clone(), value);
                        }
                        Ok(object)
                    })
                    .unwrap();
                rows.collect::<Result<_, _>>().unwrap()
            }
            Db::Postgres { server, database, .. } => server
                .psql(database, &format!("SELECT row_to_json(t)::text FROM call_records t ORDER BY \"{id}\""))
                .lines()
                .map(|line| serde_json::from_str(line).unwrap())
                .collect(),
        };
        // The content hash is the sync's own business.
        raw.into_iter()
            .map(|mut row| {
                row.remove("nxlink_hash");
                normalise(row)
            })
            .collect()
    }

    fn ids(&self) -> Vec<i64> {
        self.rows().iter().map(|row| row[id_wire()].as_i64().unwrap()).collect()
    }

    fn watermark(&self, task: &str) -> Option<i64> {
        self.scalar(&format!("SELECT watermark FROM nxlink_sync_state WHERE task_id = '{task}'"))
    }
}

fn id_wire() -> &'static str {
    QueryCallRecords::ENDPOINT.pagination.unwrap().item_id
}

fn column_type(name: &str) -> Option<ValueType> {
    CallRecord::COLUMNS.iter().find(|c| c.wire == name).map(|c| c.ty)
}

fn is_json_column(name: &str) -> bool {
    name == "extra" || matches!(column_type(name), Some(ValueType::List(_) | ValueType::Object(_) | ValueType::Json))
}

/// Booleans from 0/1, floats as floats whatever their text.
fn normalise(row: Map<String, Value>) -> Map<String, Value> {
    row.into_iter()
        .map(|(name, value)| {
            let value = match (column_type(&name), &value) {
                (Some(ValueType::Bool), Value::Number(n)) => Value::Bool(n.as_i64() != Some(0)),
                (Some(ValueType::Float64), Value::Number(n)) => n.as_f64().unwrap().into(),
                _ => value,
            };
            (name, value)
        })
        .collect()
}

/// The expected value of each column for `record`, as the API sent it.
fn expected_row(record: &CallRecord) -> Map<String, Value> {
    let Value::Object(mut fields) = as_received(record) else { panic!() };
    let mut row = Map::new();
    for column in CallRecord::COLUMNS {
        row.insert(column.wire.to_owned(), fields.remove(column.wire).unwrap_or(Value::Null));
    }
    row.insert("extra".to_owned(), if fields.is_empty() { Value::Null } else { Value::Object(fields) });
    normalise(row)
}

/// Every record of `expected` is a row, exactly once, and no other row; every column
/// (spec columns and `extra`) equals the record's value.
#[track_caller]
fn assert_table_is(db: &Db<'_>, expected: &[CallRecord]) {
    let rows = db.rows();
    let mut expected_ids: Vec<i64> = expected.iter().map(|r| r.id.unwrap()).collect();
    expected_ids.sort_unstable();
    let ids: Vec<i64> = rows.iter().map(|row| row[id_wire()].as_i64().unwrap()).collect();
    assert_eq!(ids, expected_ids, "{}: the table's ids", db.name());
    for (row, record) in rows.iter().zip(sorted(expected)) {
        for (name, value) in expected_row(&record) {
            assert_eq!(row.get(&name), Some(&value), "{}: record {:?}, column {name}", db.name(), record.id);
        }
    }
}

fn sorted(records: &[CallRecord]) -> Vec<CallRecord> {
    let mut records = records.to_vec();
    records.sort_by_key(|r| r.id);
    records
}

fn sync(mock: &Mock, db: &Db<'_>, extra: &[&str]) -> Output {
    let url = db.url();
    let mut args = vec!["calls", "sync", "--task-id", DEMO_TASK_ID, "--db", url.as_str()];
    let page = PAGE.to_string();
    args.extend(["--page-size", page.as_str()]);
    args.extend_from_slice(extra);
    run(against(mock).args(&args))
}

/// The `N new, N updated, N unchanged` of the task's summary line.
#[track_caller]
fn summary(output: &Output) -> (u64, u64, u64) {
    assert_ok(output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let line = stderr
        .lines()
        .find(|line| line.starts_with(&format!("synced task {DEMO_TASK_ID}: ")))
        .unwrap_or_else(|| panic!("no summary line: {stderr}"));
    let number = |word: &str| -> u64 {
        let before = line.split(&format!(" {word}")).next().unwrap();
        before.rsplit(|c: char| !c.is_ascii_digit()).next().unwrap().parse().unwrap()
    };
    (number("new"), number("updated"), number("unchanged"))
}

/// The call-records requests the mock answered after the first `skip`.
fn list_requests(mock: &Mock, skip: usize) -> Vec<Value> {
    let path = QueryCallRecords::ENDPOINT.path;
    mock.server
        .requests()
        .iter()
        .filter(|request| request.path == path)
        .skip(skip)
        .map(|request| serde_json::from_slice(&request.body).unwrap())
        .collect()
}

fn create_ts(record: &CallRecord) -> i64 {
    record.create_ts.unwrap()
}

/// An overlap (seconds) that takes the newest `n` records of `expected` or a few more
/// (those of the same second): more than two pages, so the count of requests says
/// something.
fn overlap_for(expected: &[CallRecord], n: usize) -> (i64, usize) {
    let newest = expected.iter().map(create_ts).max().unwrap();
    let mut times: Vec<i64> = expected.iter().map(create_ts).collect();
    times.sort_unstable_by(|a, b| b.cmp(a));
    let overlap = newest - times[n - 1];
    let start = newest - overlap;
    (overlap, expected.iter().filter(|r| create_ts(r) >= start).count())
}

fn each_db(test: impl Fn(&Db<'_>)) {
    test(&Db::sqlite());
    let server = PgServer::start();
    test(&Db::postgres(&server, "nxlink_sync"));
}

#[test]
fn a_second_run_fetches_only_the_overlap_and_adds_nothing() {
    each_db(|db| {
        let mock = Mock::start();
        let expected = mock.expected();
        let first = sync(&mock, db, &[]);
        assert_eq!(summary(&first), (expected.len() as u64, 0, 0), "{}", db.name());
        let first_requests = list_requests(&mock, 0);
        assert!(first_requests.iter().all(|body| body.get("startTs").is_none() && body.get("endTs").is_none()));
        assert_table_is(db, &expected);
        let newest = expected.iter().map(create_ts).max().unwrap();
        assert_eq!(db.watermark(DEMO_TASK_ID), Some(newest), "{}", db.name());

        let (overlap, in_overlap) = overlap_for(&expected, 2 * PAGE + 20);
        assert!(in_overlap < expected.len(), "the dataset is larger than the overlap");
        let second = sync(&mock, db, &["--overlap", &format!("{overlap}s")]);
        assert_eq!(summary(&second), (0, 0, in_overlap as u64), "{}", db.name());
        let requests = list_requests(&mock, first_requests.len());
        assert_eq!(requests.len(), in_overlap.div_ceil(PAGE), "{}: {requests:?}", db.name());
        for body in &requests {
            assert_eq!(body["taskId"], DEMO_TASK_ID);
            assert_eq!(body["startTs"], newest - overlap, "{}", db.name());
            assert!(body.get("endTs").is_none(), "{body}");
        }
        // Each page once (pages are fetched concurrently, so they arrive in any order).
        let mut pages: Vec<u64> = requests.iter().map(|body| body["pageNumber"].as_u64().unwrap()).collect();
        pages.sort_unstable();
        assert_eq!(pages, (1..=requests.len() as u64).collect::<Vec<_>>());
        assert_table_is(db, &expected);
        assert_eq!(db.watermark(DEMO_TASK_ID), Some(newest));
    });
}

#[test]
fn a_run_killed_half_way_then_run_again_has_every_record_once() {
    each_db(|db| {
        // Slow answers, one page at a time: the run is surely mid-way when killed.
        let faults = Faults { latency: std::time::Duration::from_millis(150), ..Faults::none() };
        let mock = Mock::with(MockServer::builder().faults(faults));
        let expected = mock.expected();
        let url = db.url();
        let mut child = against(&mock)
            .args(["calls", "sync", "--task-id", DEMO_TASK_ID, "--db", &url, "--page-size", &PAGE.to_string()])
            .args(["--concurrency", "1"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Killed once two pages are committed (a state row with an unfinished scan).
        let mut committed = 0;
        for _ in 0..6_000 {
            if let Some(status) = child.try_wait().unwrap() {
                panic!("{}: the sync ended before it was killed: {status}", db.name());
            }
            let catalog = match db {
                Db::Sqlite { .. } => "SELECT count(*) FROM sqlite_master WHERE name = 'nxlink_sync_state'",
                Db::Postgres { .. } => "SELECT count(*) FROM pg_tables WHERE tablename = 'nxlink_sync_state'",
            };
            if db.scalar(catalog) == Some(1) {
                committed = db.scalar("SELECT count(*) FROM call_records").unwrap_or(0);
                if committed >= 2 * PAGE as i64 {
                    break;
                }
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        rustix::process::kill_process(rustix::process::Pid::from_child(&child), rustix::process::Signal::KILL).unwrap();
        child.wait().unwrap();
        let after_kill = db.ids().len();
        assert!(after_kill >= 2 * PAGE && after_kill < expected.len(), "{}: {committed} then {after_kill}", db.name());
        assert_eq!(db.watermark(DEMO_TASK_ID), None, "{}: no watermark before the scan is complete", db.name());

        mock.server.handle().set_faults(Faults::none());
        let before = list_requests(&mock, 0).len();
        let (new, updated, _) = summary(&sync(&mock, db, &[]));
        assert_eq!((new + after_kill as u64, updated), (expected.len() as u64, 0), "{}", db.name());
        // The run resumed below what was committed, not from the top.
        let resumed = list_requests(&mock, before);
        let end = resumed[0]["endTs"].as_i64().unwrap_or_else(|| panic!("{}: {:?}", db.name(), resumed[0]));
        assert!(end < expected.iter().map(create_ts).max().unwrap());
        assert_table_is(db, &expected);
        let newest = expected.iter().map(create_ts).max().unwrap();
        assert_eq!(db.watermark(DEMO_TASK_ID), Some(newest), "{}", db.name());
    });
}

#[test]
fn a_column_missing_from_the_table_is_added_and_filled_then_rows_are_updated_in_place() {
    each_db(|db| {
        let mock = Mock::start();
        let expected = mock.expected();
        assert_ok(&sync(&mock, db, &[]));
        let (overlap, in_overlap) = overlap_for(&expected, PAGE + 5);
        let newest = expected.iter().map(create_ts).max().unwrap();
        let in_window: Vec<&CallRecord> = expected.iter().filter(|r| create_ts(r) >= newest - overlap).collect();
        // The last column of the spec that the records in the overlap fill.
        let column = CallRecord::COLUMNS
            .iter()
            .rev()
            .find(|c| c.wire != id_wire() && in_window.iter().any(|r| !expected_row(r)[c.wire].is_null()))
            .unwrap()
            .wire;
        // As if the table were made by a version whose spec lacked the field.
        db.exec(&format!("ALTER TABLE call_records DROP COLUMN \"{column}\""));

        let output = sync(&mock, db, &["--overlap", &format!("{overlap}s")]);
        assert_eq!(summary(&output), (0, in_overlap as u64, 0), "{}", db.name());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(&format!("added column to call_records: {column}\n")), "{stderr}");
        let rows = db.rows();
        assert_eq!(rows.len(), expected.len());
        for (row, record) in rows.iter().zip(sorted(&expected)) {
            let want = if create_ts(&record) >= newest - overlap {
                expected_row(&record)[column].clone()
            } else {
                Value::Null
            };
            assert_eq!(row[column], want, "{}: record {:?}", db.name(), record.id);
        }

        // A row changed behind the sync's back is put right by the next run: an upsert.
        let target = in_window[0].id.unwrap();
        let other = CallRecord::COLUMNS.iter().find(|c| c.wire != id_wire() && c.wire != column).unwrap().wire;
        db.exec(&format!(
            "UPDATE call_records SET \"{other}\" = NULL, nxlink_hash = 'stale' WHERE \"{}\" = {target}",
            id_wire()
        ));
        assert_eq!(summary(&sync(&mock, db, &["--overlap", &format!("{overlap}s")])), (0, 1, in_overlap as u64 - 1));
        // Everything in the overlap is now whole; the rest lacks only the added column.
        for (row, record) in db.rows().iter().zip(sorted(&expected)) {
            let mut want = expected_row(&record);
            if create_ts(&record) < newest - overlap {
                want[column] = Value::Null;
            }
            assert_eq!(row, &want, "{}: record {:?}", db.name(), record.id);
        }
    });
}

/// As if the table were made by a spec that typed three fields otherwise: a string field
/// as an integer and a list as text (narrower than the spec's types now: widened, every
/// row rewritten), an int32 field as a bigint (wider already: kept).
#[test]
fn a_field_whose_type_the_spec_changed_gets_a_column_that_holds_old_and_new_values() {
    let server = PgServer::start();
    let db = Db::postgres(&server, "nxlink_types");
    let mock = Mock::start();
    let expected = mock.expected();
    assert_ok(&sync(&mock, &db, &[]));
    let filled = |ty: fn(&ValueType) -> bool| -> &'static str {
        CallRecord::COLUMNS
            .iter()
            .find(|c| c.wire != id_wire() && ty(&c.ty) && expected.iter().any(|r| !expected_row(r)[c.wire].is_null()))
            .unwrap_or_else(|| panic!("a column of the kind the records fill"))
            .wire
    };
    let string = filled(|ty| *ty == ValueType::String);
    let list = filled(|ty| matches!(ty, ValueType::List(_)));
    let int32 = filled(|ty| *ty == ValueType::Int32);
    db.exec(&format!(
        "ALTER TABLE call_records ALTER COLUMN \"{string}\" TYPE INTEGER USING length(\"{string}\"), \
         ALTER COLUMN \"{list}\" TYPE TEXT USING \"{list}\"::text, ALTER COLUMN \"{int32}\" TYPE BIGINT"
    ));
    let type_of = |column: &str| {
        server.psql(
            "nxlink_types",
            &format!("SELECT data_type FROM information_schema.columns WHERE table_name = 'call_records' AND column_name = '{column}'"),
        )
        .trim()
        .to_owned()
    };
    assert_eq!(type_of(string), "integer");

    let (overlap, all) = overlap_for(&expected, expected.len());
    assert_eq!(all, expected.len());
    let output = sync(&mock, &db, &["--overlap", &format!("{}s", overlap + 1)]);
    assert_eq!(summary(&output), (0, expected.len() as u64, 0), "every row rewritten");
    let stderr = String::from_utf8_lossy(&output.stderr);
    for widened in [format!("{string} (integer to text)"), format!("{list} (text to jsonb)")] {
        assert!(stderr.contains(&widened), "{widened}: {stderr}");
    }
    assert!(stderr.contains("widened columns of call_records: ") && !stderr.contains(int32), "{stderr}");
    assert_eq!((type_of(string), type_of(list), type_of(int32)), ("text".into(), "jsonb".into(), "bigint".into()));
    assert_table_is(&db, &expected);
    // Nothing more to do the next time.
    let output = sync(&mock, &db, &[]);
    assert!(!String::from_utf8_lossy(&output.stderr).contains("widened"));
    assert_eq!(summary(&output).0, 0);
}

#[test]
fn bad_database_urls_are_usage_or_network_errors_in_one_line() {
    let mock = Mock::start();
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let pg = format!("postgres://nxlink:hunter2@127.0.0.1:{closed_port}/calls");
    for (url, code, says) in [
        ("mysql://root:hunter2@127.0.0.1/calls", 2, "unsupported database `mysql`"),
        ("sqlite:/nonexistent-nxlink-dir/calls.db", 2, "the directory /nonexistent-nxlink-dir does not exist"),
        ("sqlite:", 2, "names no file"),
        ("postgres://127.0.0.1:notaport/x", 2, "not a PostgreSQL URL"),
        (pg.as_str(), 5, "cannot connect to PostgreSQL at 127.0.0.1"),
    ] {
        let output = run(against(&mock).args(["calls", "sync", "--task-id", DEMO_TASK_ID, "--db", url]));
        let (exit, line) = failure(&output);
        assert_eq!(exit, code, "{url}: {line}");
        assert!(line.contains(says), "{url}: {line}");
        assert!(!line.contains("hunter2"), "{line}");
        assert!(!line.contains("panicked"), "{line}");
    }
    // A bad --db is refused before the API is called, even with no API at all.
    let output = run(nxlink().args(["calls", "sync", "--task-id", "t", "--db", "mysql://x"]));
    assert_eq!(failure(&output).0, 2);
    assert!(mock.server.requests().is_empty(), "no request for a bad --db");
}

#[test]
fn several_tasks_each_get_their_watermark_and_all_tasks_lists_them_through_the_api() {
    let mock = Mock::start();
    let other = nxlink_mock::TASK_IDS.iter().copied().find(|id| *id != DEMO_TASK_ID).unwrap();
    let of_task = |task: &str| -> Vec<CallRecord> { mock.server.dataset().task_records(task).cloned().collect() };
    let (demo, second) = (of_task(DEMO_TASK_ID), of_task(other));
    assert!(!second.is_empty());
    let db = Db::sqlite();
    let url = db.url();
    let output = run(against(&mock).args(["calls", "sync", "--task-id", DEMO_TASK_ID, "--task-id", other]).args([
        "--task-id",
        DEMO_TASK_ID,
        "--db",
        &url,
        "--page-size",
        &PAGE.to_string(),
    ]));
    assert_ok(&output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let total = demo.len() + second.len();
    assert!(stderr.contains(&format!("synced 2 tasks: {total} new, 0 updated, 0 unchanged")), "{stderr}");
    let both: Vec<CallRecord> = demo.iter().chain(&second).cloned().collect();
    assert_table_is(&db, &both);
    for records in [&demo, &second] {
        let task = records[0].task_id.clone().unwrap();
        assert_eq!(db.watermark(&task), records.iter().map(create_ts).max(), "{task}");
    }
    // Each task's requests name it, and only the first run of each is unfiltered.
    let tasks: Vec<String> = list_requests(&mock, 0).iter().map(|b| b["taskId"].as_str().unwrap().to_owned()).collect();
    assert_eq!(tasks.iter().filter(|t| *t == other).count(), second.len().div_ceil(PAGE));

    // --all-tasks: the tasks the list-tasks endpoint gives, each synced from its watermark.
    let output = run(against(&mock).args(["calls", "sync", "--all-tasks", "--db", &url]));
    assert_ok(&output);
    let listed = mock.server.requests().iter().filter(|r| r.path == nxlink_models::ListTasks::ENDPOINT.path).count();
    assert!(listed >= 1, "the tasks were listed through the API");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("synced task {DEMO_TASK_ID}: 0 new, 0 updated")), "{stderr}");
    let last = list_requests(&mock, tasks.len());
    assert!(!last.is_empty() && last.iter().all(|b| b.get("startTs").is_some()), "{last:?}");
    assert_table_is(&db, &both);
}

#[test]
fn a_dropped_postgres_connection_is_exit_5_and_the_next_run_completes() {
    let server = PgServer::start();
    let db = Db::postgres(&server, "nxlink_dropped");
    let faults = Faults { latency: std::time::Duration::from_millis(150), ..Faults::none() };
    let mock = Mock::with(MockServer::builder().faults(faults));
    let expected = mock.expected();
    let url = db.url();
    let child = against(&mock)
        .args(["calls", "sync", "--task-id", DEMO_TASK_ID, "--db", &url, "--page-size", &PAGE.to_string()])
        .args(["--concurrency", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut ready = false;
    for _ in 0..6_000 {
        let table = db.scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'nxlink_sync_state'") == Some(1);
        if table && db.scalar("SELECT count(*) FROM call_records").unwrap_or(0) >= PAGE as i64 {
            ready = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(ready, "the sync committed no page");
    // The server ends the sync's connection, as a restart or a network cut would.
    db.exec(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = 'nxlink_dropped' AND pid <> pg_backend_pid()",
    );
    let output = child.wait_with_output().unwrap();
    let (exit, line) = failure(&output);
    assert_eq!(exit, 5, "{line}");
    assert!(line.contains("PostgreSQL at 127.0.0.1:"), "{line}");
    let stored = db.ids().len();
    assert!(stored >= PAGE && stored < expected.len(), "{stored}");

    mock.server.handle().set_faults(Faults::none());
    let (new, updated, _) = summary(&sync(&mock, &db, &[]));
    assert_eq!((new + stored as u64, updated), (expected.len() as u64, 0));
    assert_table_is(&db, &expected);
}
