//! The campaign commands: agents, routes and tasks listed, a task created, contacts
//! appended (from CSV, JSONL or stdin) and deleted, each exactly once under faults.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::process::Stdio;

use nxlink_mock::{Fault, Faults, MockServer, Outcome, DEMO_TASK_ID};
use serde_json::Value;

use common::{against, assert_ok, failure, nxlink, run, Mock};

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
