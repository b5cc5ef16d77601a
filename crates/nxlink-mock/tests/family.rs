//! The invariants the mock keeps for the task family, each with its near misses: a
//! `userTaskId` used twice, a `contactId` repeated in a batch, across batches and across
//! tasks, and deletes of pending, dialed, deleted and unknown contacts, by `taskId` or by
//! `userTaskId` (which takes priority). The client's exactly-once promises rest on them.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test fails by panicking

mod common;

use std::time::Duration;

use common::{shared_dataset, Call};
use nxlink_mock::{MockServer, SEEDED_AGENTS, SEEDED_ROUTES};
use nxlink_models::runtime::Operation;
use nxlink_models::{AppendContacts, CreateTask, DeleteContact};
use serde_json::{json, Value};

async fn mock() -> MockServer {
    MockServer::builder().dataset(shared_dataset()).dial_ms(5).start().await.unwrap()
}

/// Sends `body` to `Op`'s endpoint; the envelope's code, message and data.
async fn call<Op: Operation>(server: &MockServer, body: Value) -> (i64, String, Value) {
    let mut call = Call::json(&body);
    call.path = Op::ENDPOINT.path;
    let response = call.send(server.base_url()).await.unwrap();
    let envelope: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    (
        envelope["code"].as_i64().unwrap(),
        envelope["message"].as_str().unwrap_or("").to_owned(),
        envelope["data"].clone(),
    )
}

async fn create(server: &MockServer, name: &str, user_task_id: Option<&str>) -> (i64, String, Option<String>) {
    let mut body = json!({ "taskName": name, "autoFlowId": SEEDED_AGENTS[0].0, "routeId": SEEDED_ROUTES[0].0,
                           "taskKeep": 0, "startupType": 1 });
    if let Some(id) = user_task_id {
        body["userTaskId"] = id.into();
    }
    let (code, message, data) = call::<CreateTask>(server, body).await;
    (code, message, data["taskId"].as_str().map(str::to_owned))
}

fn contact(id: &str, name: &str) -> Value {
    json!({ "contactId": id, "name": name, "phoneNumber": format!("85290{:06}", id.len() * 7 + name.len()) })
}

#[tokio::test]
async fn a_user_task_id_names_one_task_and_a_blank_one_names_none() {
    let server = mock().await;
    server.handle().pause_dialer(true);
    let before = server.handle().tasks().len();
    // (userTaskId, refused as already used)
    let cases = [
        (Some("u-1"), false),
        (Some("u-1"), true),  // the same id: refused, whatever the name
        (Some("u-2"), false), // another id
        (Some("U-1"), false), // ids are compared exactly
        (None, false),        // none: no uniqueness to keep
        (None, false),
        (Some(""), false), // blank is no id
        (Some(""), false),
    ];
    for (n, (user_task_id, refused)) in cases.into_iter().enumerate() {
        let (code, message, task_id) = create(&server, &format!("Task {n}"), user_task_id).await;
        if refused {
            assert_eq!(code, 20000, "case {n}");
            assert!(message.contains("already used"), "case {n}: {message}");
            assert!(task_id.is_none(), "case {n}");
        } else {
            assert_eq!(code, 0, "case {n}: {message}");
            assert!(task_id.is_some(), "case {n}");
        }
    }
    let made = server.handle().tasks().len() - before;
    assert_eq!(made, 7, "every create but the reused id made a task");
    assert_eq!(server.handle().tasks().iter().filter(|t| t.user_task_id.as_deref() == Some("u-1")).count(), 1);
}

#[tokio::test]
async fn a_contact_id_is_held_once_per_task() {
    let server = mock().await;
    server.handle().pause_dialer(true);
    let task = create(&server, "Contacts", None).await.2.unwrap();
    let other = create(&server, "Other", None).await.2.unwrap();
    let append = |task: String, list: Vec<Value>| {
        let server = &server;
        async move { call::<AppendContacts>(server, json!({ "taskId": task, "list": list })).await.0 }
    };
    // Repeated inside one batch: the first is kept.
    assert_eq!(
        append(task.clone(), vec![contact("c1", "First"), contact("c2", "B"), contact("c1", "Second")]).await,
        0
    );
    // Across batches: only the new one is added.
    assert_eq!(append(task.clone(), vec![contact("c2", "B again"), contact("c3", "C")]).await, 0);
    // Ids differ by case: two contacts.
    assert_eq!(append(task.clone(), vec![contact("C1", "Upper")]).await, 0);
    // Another task holds its own ids.
    assert_eq!(append(other.clone(), vec![contact("c1", "Elsewhere")]).await, 0);
    let stored: Vec<(String, String)> =
        server.handle().contacts(&task).into_iter().map(|c| (c.contact_id, c.name)).collect();
    let expected: Vec<(String, String)> = [("c1", "First"), ("c2", "B"), ("c3", "C"), ("C1", "Upper")]
        .iter()
        .map(|(a, b)| ((*a).into(), (*b).into()))
        .collect();
    assert_eq!(stored, expected);
    assert_eq!(server.handle().contacts(&other).len(), 1);
    // The task's count follows what is held, not what was sent.
    let count = |id: &str| {
        server
            .handle()
            .tasks()
            .into_iter()
            .find(|t| t.task_id.as_deref() == Some(id))
            .unwrap()
            .stat_info
            .unwrap()
            .total_order_count
    };
    assert_eq!((count(&task), count(&other)), (Some(4), Some(1)));
    // An unknown task is refused, naming it.
    let (code, message, _) =
        call::<AppendContacts>(&server, json!({ "taskId": "nope", "list": [contact("x", "X")] })).await;
    assert_eq!(code, 20000);
    assert!(message.contains("`nope`"), "{message}");
}

#[tokio::test]
async fn only_a_pending_contact_is_deleted_found_by_user_task_id_first() {
    let server = mock().await;
    server.handle().pause_dialer(true);
    let (_, _, task) = create(&server, "Deletes", Some("del-1")).await;
    let task = task.unwrap();
    let (_, _, other) = create(&server, "Other", Some("del-2")).await;
    let other = other.unwrap();
    call::<AppendContacts>(
        &server,
        json!({ "taskId": task, "list": (1..=12).map(|n| contact(&format!("p{n}"), "P")).collect::<Vec<_>>() }),
    )
    .await;
    // Dial a contact or two, then hold the dialer.
    server.handle().pause_dialer(false);
    tokio::time::timeout(Duration::from_secs(60), async {
        while !server.handle().contacts(&task).iter().any(|c| c.dialed) {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    })
    .await
    .expect("the dialer dials");
    server.handle().pause_dialer(true);
    // A dialer step already under way when the pause came still finishes: wait until
    // the contacts stop changing.
    let mut last = server.handle().contacts(&task);
    loop {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let now = server.handle().contacts(&task);
        if now == last {
            break;
        }
        last = now;
    }
    let dialed: Vec<String> =
        server.handle().contacts(&task).into_iter().filter(|c| c.dialed).map(|c| c.contact_id).collect();
    let pending: Vec<String> =
        server.handle().contacts(&task).into_iter().filter(|c| !c.dialed).map(|c| c.contact_id).collect();
    assert!(!dialed.is_empty() && pending.len() >= 2, "{dialed:?} {pending:?}");

    // (request, refused with these words, or deleted)
    let cases: Vec<(Value, Option<&str>)> = vec![
        (json!({ "taskId": task, "contactId": dialed[0] }), Some("was dialed")),
        (json!({ "taskId": task, "contactId": pending[0] }), None),
        (json!({ "taskId": task, "contactId": pending[0] }), Some("is not in task")), // gone already
        (json!({ "taskId": task, "contactId": "never-added" }), Some("is not in task")),
        // userTaskId takes priority: a wrong taskId beside it does not matter...
        (json!({ "taskId": other, "userTaskId": "del-1", "contactId": pending[1] }), None),
        // ...and a wrong userTaskId beside a right taskId is refused, naming it.
        (json!({ "taskId": task, "userTaskId": "nope", "contactId": "p9" }), Some("userTaskId `nope`")),
        // A blank userTaskId is none: the taskId decides.
        (json!({ "taskId": other, "userTaskId": "", "contactId": "p9" }), Some("is not in task")),
        (json!({ "taskId": "nope", "contactId": "p9" }), Some("taskId `nope`")),
    ];
    for (n, (body, refused)) in cases.into_iter().enumerate() {
        let (code, message, _) = call::<DeleteContact>(&server, body.clone()).await;
        match refused {
            Some(says) => {
                assert_eq!(code, 20000, "case {n}: {body}");
                assert!(message.contains(says), "case {n}: {message}");
            }
            None => assert_eq!(code, 0, "case {n}: {body}: {message}"),
        }
    }
    let left: Vec<String> = server.handle().contacts(&task).into_iter().map(|c| c.contact_id).collect();
    let expected: Vec<String> = dialed.iter().chain(&pending[2..]).cloned().collect();
    assert_eq!(left, expected, "the two pending contacts deleted, the dialed ones kept");
    let count = server.handle().tasks().into_iter().find(|t| t.task_id.as_deref() == Some(task.as_str())).unwrap();
    assert_eq!(count.stat_info.unwrap().total_order_count, Some(expected.len() as i32));
    // A deleted contact's id may be appended again.
    call::<AppendContacts>(&server, json!({ "taskId": task, "list": [contact(&pending[0], "Back")] })).await;
    assert!(server.handle().contacts(&task).iter().any(|c| c.contact_id == pending[0] && c.name == "Back"));
}

#[tokio::test]
async fn the_country_code_is_kept_with_each_contact_and_dialed_before_its_number() {
    let server = mock().await;
    let (_, _, task) = create(&server, "Codes", None).await;
    let task = task.unwrap();
    let with_code = json!({ "taskId": task, "countryCode": "86", "list": [contact("cc-1", "A")] });
    let without = json!({ "taskId": task, "list": [contact("cc-2", "B")] });
    // Held while the two batches go in: a step between them would dial the first and,
    // finding nothing left, complete the task, which is then never dialed again (seen
    // once when a loaded machine put more than the 5 ms period between the requests).
    server.handle().pause_dialer(true);
    for body in [with_code, without] {
        assert_eq!(call::<AppendContacts>(&server, body).await.0, 0);
    }
    server.handle().pause_dialer(false);
    let codes: Vec<Option<String>> = server.handle().contacts(&task).into_iter().map(|c| c.country_code).collect();
    assert_eq!(codes, [Some("86".to_owned()), None]);
    let records = tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            let records: Vec<_> = server
                .handle()
                .inserted()
                .into_iter()
                .filter(|r| r.task_id.as_deref() == Some(task.as_str()))
                .collect();
            if records.len() == 2 {
                return records;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("the dialer dials both contacts");
    for record in records {
        let callee = record.callee_phone.clone().unwrap();
        let expected = if record.contact_id.as_deref() == Some("cc-1") { format!("86{callee}") } else { callee };
        assert_eq!(record.real_phone, Some(expected), "{:?}", record.contact_id);
    }
}
