//! The AI Agent family against `nxlink-mock` on 127.0.0.1: agents, routes, task create
//! and list, contacts appended and deleted, validation before sending, and retries that
//! never create a task or add a contact twice.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test fails by panicking

use std::time::Duration;

use futures_util::TryStreamExt;
use nxlink_client::{
    Client, Contact, ContactParam, Credentials, Error, ErrorCode, RetryPolicy, StartupType, TaskStatus,
};
use nxlink_mock::{Fault, Faults, MockServer, DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET, SEEDED_AGENTS, SEEDED_ROUTES};
use serde_json::Value;

fn client_for(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET))
        .retry_policy(
            RetryPolicy::default()
                .with_initial_backoff(Duration::from_millis(1))
                .with_max_backoff(Duration::from_millis(5))
                .with_max_retry_after(Duration::from_millis(5)),
        )
        .build()
        .unwrap()
}

async fn mock() -> MockServer {
    MockServer::builder().seed(21).records(50).start().await.unwrap()
}

/// The tasks the test created: the mock seeds one for the demo.
fn created(server: &MockServer) -> Vec<nxlink_client::Task> {
    server.handle().tasks().into_iter().filter(|t| t.task_id.as_deref() != Some(nxlink_mock::DEMO_TASK_ID)).collect()
}

/// The JSON body of the server's `n`-th request.
fn body(server: &MockServer, n: usize) -> Value {
    serde_json::from_slice(&server.requests()[n].body).unwrap()
}

fn create(client: &Client, name: &str) -> nxlink_client::RequestBuilder<nxlink_client::CreateTask> {
    client.create_task(name, SEEDED_AGENTS[0].0, SEEDED_ROUTES[0].0, 0, StartupType::Manual)
}

fn contact(n: usize) -> Contact {
    Contact::new(format!("c-{n}"), format!("Contact {n}"), format!("8613000000{n:02}"))
        .params(vec![ContactParam::new("order").value(format!("A-{n}"))])
}

#[tokio::test]
async fn agents_and_routes_are_listed_page_by_page() {
    let server = mock().await;
    let client = client_for(&server);
    let agents: Vec<_> = client.list_agents().page_size(2).agents().try_collect().await.unwrap();
    let ids: Vec<Option<i64>> = agents.iter().map(|a| a.auto_flow_id).collect();
    assert_eq!(ids, SEEDED_AGENTS.iter().map(|(id, _)| Some(*id)).collect::<Vec<_>>());
    // Fields the spec does not know yet travel in `extra`.
    assert_eq!(agents[0].extra["autoFlowName"], SEEDED_AGENTS[0].1);
    assert_eq!(server.requests().len(), SEEDED_AGENTS.len().div_ceil(2), "one request per page");

    let (wanted_id, wanted_name) = SEEDED_ROUTES[1];
    let routes: Vec<_> = client.list_routes().route_name(&wanted_name[..4]).routes().try_collect().await.unwrap();
    assert_eq!(routes.iter().map(|r| r.route_id.as_deref()).collect::<Vec<_>>(), [Some(wanted_id)]);
}

#[tokio::test]
async fn a_task_is_created_with_a_user_task_id_and_listed() {
    let server = mock().await;
    let client = client_for(&server);
    let data = create(&client, "Survey March").task_desc("first").send().await.unwrap().into_inner();
    let task_id = data["taskId"].as_str().unwrap().to_owned();

    // The client filled in a unique userTaskId, so the task can be found again.
    let sent = body(&server, 0);
    let user_task_id = sent["userTaskId"].as_str().unwrap().to_owned();
    assert_eq!(user_task_id.len(), 36, "{sent}");
    assert_eq!(sent["startupType"], 1);
    assert!(sent.get("taskCallbackUrl").is_none(), "unset options are left out: {sent}");

    // A caller's own id is kept.
    create(&client, "Survey April").user_task_id("EXT-1").send().await.unwrap();
    assert_eq!(body(&server, 1)["userTaskId"], "EXT-1");

    let tasks: Vec<_> = client.list_tasks().task_name("Survey").tasks().try_collect().await.unwrap();
    assert_eq!(tasks.len(), 2);
    assert_eq!(tasks[1].task_id.as_deref(), Some(task_id.as_str()), "newest first");
    assert_eq!(tasks[1].user_task_id.as_deref(), Some(user_task_id.as_str()));
    assert_eq!(tasks[1].task_status, Some(TaskStatus::Ready));
    let running: Vec<_> = client.list_tasks().task_status(TaskStatus::InProgress).tasks().try_collect().await.unwrap();
    let running: Vec<_> = running.iter().map(|t| t.task_id.as_deref()).collect();
    assert_eq!(running, [Some(nxlink_mock::DEMO_TASK_ID)], "only the demo task runs");
}

#[tokio::test]
async fn contacts_are_appended_with_params_and_deleted_while_pending() {
    let server = mock().await;
    let client = client_for(&server);
    let data = create(&client, "Contacts").user_task_id("EXT-C").send().await.unwrap().into_inner();
    let task_id = data["taskId"].as_str().unwrap().to_owned();

    client.append_contacts(&task_id, vec![contact(1), contact(2), contact(3)]).country_code("86").send().await.unwrap();
    let sent = body(&server, 1);
    assert_eq!(sent["list"][1]["params"][0], serde_json::json!({"name": "order", "value": "A-2"}));
    assert_eq!(sent["countryCode"], "86");
    let stored: Vec<String> = server.handle().contacts(&task_id).into_iter().map(|c| c.contact_id).collect();
    assert_eq!(stored, ["c-1", "c-2", "c-3"]);

    client.delete_contact("c-2").user_task_id("EXT-C").send().await.unwrap();
    client.delete_contact("c-3").task_id(&task_id).send().await.unwrap();
    let stored: Vec<String> = server.handle().contacts(&task_id).into_iter().map(|c| c.contact_id).collect();
    assert_eq!(stored, ["c-1"]);

    // Unknown ids come back as 20000 with the server's words.
    let err = client.delete_contact("c-9").task_id(&task_id).send().await.unwrap_err();
    assert_eq!(err.api_code(), Some(ErrorCode::BusinessError));
    assert!(err.to_string().contains("c-9"), "{err}");
    let err = client.append_contacts("no-such-task", vec![contact(1)]).send().await.unwrap_err();
    assert!(err.to_string().contains("no-such-task"), "{err}");
}

#[tokio::test]
async fn invalid_requests_are_refused_before_sending_naming_the_path() {
    let server = mock().await;
    let client = client_for(&server);
    let mut bad = contact(2);
    bad.phone_number = "  ".to_owned();
    let err = client.append_contacts("t", vec![contact(1), bad]).send().await.unwrap_err();
    assert!(matches!(&err, Error::Validation(v) if v.field() == "list[1].phoneNumber"), "{err:?}");
    let err = client.append_contacts("t", vec![]).send().await.unwrap_err();
    assert!(matches!(&err, Error::Validation(v) if v.field() == "list"), "{err:?}");
    let err = client.delete_contact("c-1").send().await.unwrap_err();
    assert!(
        matches!(&err, Error::Validation(v) if v.field() == "taskId" && v.message().contains("userTaskId")),
        "{err:?}"
    );
    let err = create(&client, "").send().await.unwrap_err();
    assert!(matches!(&err, Error::Validation(v) if v.field() == "taskName"), "{err:?}");
    let err = create(&client, "x").task_keep(2).send().await.unwrap_err();
    assert!(matches!(&err, Error::Validation(v) if v.field() == "taskKeep"), "{err:?}");
    assert!(server.requests().is_empty(), "nothing was sent");

    // What the server refuses comes back typed, with its message.
    let err = client.create_task("x", 1, SEEDED_ROUTES[0].0, 0, StartupType::Manual).send().await.unwrap_err();
    assert_eq!(err.api_code(), Some(ErrorCode::BusinessError));
    assert!(err.to_string().contains("autoFlowId 1"), "{err}");
}

#[tokio::test]
async fn a_create_whose_answer_is_lost_after_it_was_applied_makes_one_task() {
    let server = mock().await;
    let client = client_for(&server);
    // The server creates the task, then the answer's body is cut short.
    server.handle().set_faults(Faults::always(Fault::TruncateBody));
    let err = create(&client, "Lost answer").send().await.unwrap_err();
    let Error::MaybeApplied { key: Some((field, user_task_id)), .. } = &err else { panic!("{err:?}") };
    assert_eq!(*field, "userTaskId");
    assert!(err.to_string().contains(user_task_id.as_str()), "the message says what to look up: {err}");
    assert_eq!(server.requests().len(), 1, "not sent again");
    server.handle().set_faults(Faults::none());

    // The task exists once, found by the key the error gave.
    let tasks: Vec<_> = client.list_tasks().tasks().try_collect().await.unwrap();
    let found: Vec<_> = tasks.iter().filter(|t| t.user_task_id.as_deref() == Some(user_task_id.as_str())).collect();
    assert_eq!(found.len(), 1);
    assert_eq!(created(&server).len(), 1);
}

#[tokio::test]
async fn a_500_after_sending_is_not_retried_for_create_but_503_is() {
    let server = mock().await;
    let client = client_for(&server);
    server.handle().set_faults(Faults::always(Fault::InternalError));
    let err = create(&client, "Five hundred").send().await.unwrap_err();
    assert!(matches!(&err, Error::MaybeApplied { source, .. } if source.status() == Some(500)), "{err:?}");
    assert_eq!(server.requests().len(), 1, "a 500 may come after the task was made: not sent again");

    // 503 says the request was refused before anything happened: retried to the budget.
    server.handle().clear_requests();
    server.handle().set_faults(Faults::always(Fault::ServiceUnavailable));
    let err = create(&client, "Five oh three").send().await.unwrap_err();
    assert!(matches!(&err, Error::Status { status: 503, .. }), "{err:?}");
    assert_eq!(server.requests().len(), RetryPolicy::default().max_attempts() as usize);
    assert!(created(&server).is_empty());
}

#[tokio::test]
async fn an_append_repeated_after_a_lost_answer_adds_nobody_twice() {
    let server = mock().await;
    let client = client_for(&server);
    let data = create(&client, "Batch").send().await.unwrap().into_inner();
    let task_id = data["taskId"].as_str().unwrap().to_owned();
    let batch: Vec<Contact> = (1..=5).map(contact).collect();

    server.handle().set_faults(Faults::always(Fault::TruncateBody));
    let err = client.append_contacts(&task_id, batch.clone()).send().await.unwrap_err();
    assert!(matches!(err, Error::MaybeApplied { key: None, .. }), "{err:?}");
    server.handle().set_faults(Faults::none());
    // The same batch again, with the same contact ids.
    client.append_contacts(&task_id, batch.clone()).send().await.unwrap();
    let stored = server.handle().contacts(&task_id);
    assert_eq!(stored.len(), batch.len(), "{stored:?}");
    let tasks: Vec<_> = client.list_tasks().tasks().try_collect().await.unwrap();
    assert_eq!(tasks[0].stat_info.as_ref().and_then(|s| s.total_order_count), Some(5));
}

#[tokio::test]
async fn an_extra_field_by_name_reaches_the_body() {
    let server = mock().await;
    let client = client_for(&server);
    // The mock refuses a field its simulation does not honour, by name, after the body
    // reached it: which is what this test looks at.
    let err = create(&client, "Extra").extra_field("maxCall", 5).send().await.unwrap_err();
    assert!(err.to_string().contains("field `maxCall` is not simulated"), "{err}");
    assert_eq!(body(&server, 0)["maxCall"], 5);
}

#[tokio::test]
async fn send_once_finds_the_task_a_lost_create_made() {
    let server = mock().await;
    let client = client_for(&server);
    server.handle().set_faults(Faults::always(Fault::TruncateBody));
    // Every answer is lost, but the first create was applied: the lookup finds it.
    let lookup = tokio::spawn({
        let client = client.clone();
        async move { create(&client, "Once").send_once().await }
    });
    // The task list the lookup reads must answer: faults off once the create is in
    // (the mock's own demo task does not count).
    while created(&server).is_empty() {
        tokio::task::yield_now().await;
    }
    server.handle().set_faults(Faults::none());
    let applied = lookup.await.unwrap().unwrap();
    assert_eq!((applied.data, applied.resent), (None, 0), "found, not answered, not sent again");
    let task_id = applied.id.unwrap();
    let tasks = created(&server);
    assert_eq!(tasks.len(), 1, "one task");
    assert_eq!(tasks[0].task_id.as_deref(), Some(task_id.as_str()));
    let creates = outcomes::<nxlink_client::CreateTask>(&server);
    assert_eq!(creates, [nxlink_mock::Outcome::Fault(Fault::TruncateBody)], "the one create's answer was lost");
    assert!(!outcomes::<nxlink_client::ListTasks>(&server).is_empty(), "the id came from the lookup");

    // No fault: the id comes straight from the answer.
    let applied = create(&client, "Twice").send_once().await.unwrap();
    assert!(applied.data.is_some());
    assert_eq!(created(&server)[1].task_id, applied.id);
}

#[tokio::test]
async fn send_once_appends_each_contact_once_under_lost_answers() {
    let server = mock().await;
    let client = client_for(&server);
    let data = create(&client, "Batches").send().await.unwrap().into_inner();
    let task_id = data["taskId"].as_str().unwrap().to_owned();
    let contacts: Vec<Contact> = (0..95)
        .map(|n| {
            let phone = format!("85290000{n:03}");
            Contact::new(nxlink_client::stable_contact_id(&task_id, &phone), format!("C{n}"), phone)
        })
        .collect();
    // A third of the answers are cut short after the batch was applied.
    server.handle().set_faults(Faults { truncate_body: 0.33, ..Faults::none() }.with_seed(7));
    let mut resent = 0;
    for batch in contacts.chunks(10) {
        resent += client.append_contacts(&task_id, batch.to_vec()).send_once().await.unwrap().resent;
    }
    assert!(resent > 0, "the faults hit some batches");
    server.handle().set_faults(Faults::none());
    let stored: Vec<String> = server.handle().contacts(&task_id).into_iter().map(|c| c.contact_id).collect();
    let sent: Vec<String> = contacts.iter().map(|c| c.contact_id.clone()).collect();
    assert_eq!(stored, sent, "every contact once, in order");

    // The same list again adds nobody.
    for batch in contacts.chunks(10) {
        client.append_contacts(&task_id, batch.to_vec()).send_once().await.unwrap();
    }
    assert_eq!(server.handle().contacts(&task_id).len(), 95);
}

#[tokio::test]
async fn the_dialer_turns_contacts_into_call_records_and_completes_the_task() {
    let server = MockServer::builder().seed(21).records(50).dial_ms(2).start().await.unwrap();
    server.handle().pause_dialer(true);
    let client = client_for(&server);
    let data = create(&client, "Dialed").send().await.unwrap().into_inner();
    let task_id = data["taskId"].as_str().unwrap().to_owned();
    client.append_contacts(&task_id, (1..=3).map(contact).collect()).send().await.unwrap();
    tokio::time::sleep(Duration::from_millis(30)).await;
    let status = |server: &MockServer| {
        server
            .handle()
            .tasks()
            .into_iter()
            .find(|t| t.task_id.as_deref() == Some(task_id.as_str()))
            .and_then(|t| t.task_status)
    };
    assert_eq!(status(&server), Some(TaskStatus::Ready), "paused: nothing dialed");

    server.handle().pause_dialer(false);
    // Bounded wait for the simulated calls (a hang guard, not a speed check).
    for _ in 0..2_000 {
        if status(&server) == Some(TaskStatus::Completed) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(status(&server), Some(TaskStatus::Completed));
    let records: Vec<_> = client.query_call_records(&task_id).records().try_collect().await.unwrap();
    assert_eq!(records.len(), 3);
    let mut ids: Vec<_> = records.iter().map(|r| r.contact_id.clone().unwrap()).collect();
    ids.sort();
    assert_eq!(ids, ["c-1", "c-2", "c-3"]);
    let order = records[0].attributes.iter().find(|a| a.key.as_deref() == Some("order")).unwrap();
    assert!(order.value.as_deref().unwrap().starts_with("A-"), "params become attributes");
    let task = server.handle().tasks().into_iter().find(|t| t.task_id.as_deref() == Some(task_id.as_str())).unwrap();
    assert_eq!(task.stat_info.unwrap().dialed_order_count, Some(3));
    // A dialed contact cannot be deleted.
    let err = client.delete_contact("c-1").task_id(&task_id).send().await.unwrap_err();
    assert!(err.to_string().contains("was dialed"), "{err}");
}

#[tokio::test]
async fn a_campaign_with_callbacks_delivers_each_call_once_and_agrees_with_the_records() {
    use std::sync::{Arc, Mutex};

    use nxlink_client::{Callback, Receiver};

    // The customer's receiver, on loopback, verifying with the key pair that created
    // the task (the mock signs callbacks with it).
    let received: Arc<Mutex<Vec<Callback>>> = Arc::default();
    let sink = Arc::clone(&received);
    let receiver = Arc::new(Receiver::new(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET)));
    let app = nxlink_client::receiver::axum_router(
        receiver,
        move |callback| sink.lock().unwrap().push(callback),
        |rejection| panic!("a mock callback was refused: {rejection}"),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let server = MockServer::builder().seed(21).records(50).dial_ms(2).start().await.unwrap();
    server.handle().set_callback_delivery(nxlink_mock::Delivery::in_order().redelivered());
    let client = client_for(&server);
    let data = create(&client, "With callbacks")
        .call_callback_url(&url)
        .task_callback_url(&url)
        .send()
        .await
        .unwrap()
        .into_inner();
    let task_id = data["taskId"].as_str().unwrap().to_owned();
    client.append_contacts(&task_id, (1..=5).map(contact).collect()).send().await.unwrap();

    // Bounded wait: a hang guard, not a speed check.
    let calls = |received: &Mutex<Vec<Callback>>| {
        received.lock().unwrap().iter().filter(|c| matches!(c, Callback::CallRecord(_))).count()
    };
    // In arrival order: the mock sends callbacks in the order the events happened.
    let statuses = |received: &Mutex<Vec<Callback>>| -> Vec<Option<TaskStatus>> {
        received
            .lock()
            .unwrap()
            .iter()
            .filter_map(|c| if let Callback::TaskStatus(t) = c { Some(t.task_status) } else { None })
            .collect()
    };
    for _ in 0..2_000 {
        if calls(&received) == 5 && statuses(&received).len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_millis(100)).await; // let redeliveries land
    assert_eq!(calls(&received), 5, "one callback per call, redeliveries recognised");
    assert_eq!(statuses(&received), [Some(TaskStatus::InProgress), Some(TaskStatus::Completed)]);

    // The callbacks agree with Query Call Records, record for record: the same calls,
    // and every field a callback carries has the record's value.
    let records: Vec<_> = client.query_call_records(&task_id).records().try_collect().await.unwrap();
    let calls: Vec<Value> = received
        .lock()
        .unwrap()
        .iter()
        .filter_map(
            |c| if let Callback::CallRecord(call) = c { Some(serde_json::to_value(call).unwrap()) } else { None },
        )
        .collect();
    assert_eq!(calls.len(), records.len());
    for call in &calls {
        let record = records.iter().find(|r| Some(r.call_id.as_deref().unwrap_or_default()) == call["callId"].as_str());
        let record = serde_json::to_value(record.expect("a record for every call callback")).unwrap();
        let fields = call.as_object().unwrap();
        assert!(fields.len() > 10, "the callback carries the call: {call}");
        for (name, value) in fields {
            assert_eq!(&record[name], value, "field {name} of call {}", call["callId"]);
        }
    }
}

/// How the server met each request sent to `Op`'s path.
fn outcomes<Op: nxlink_models::runtime::Operation>(server: &MockServer) -> Vec<nxlink_mock::Outcome> {
    server.requests().into_iter().filter(|r| r.path == Op::ENDPOINT.path).map(|r| r.outcome).collect()
}

#[tokio::test]
async fn send_once_sends_a_create_again_when_the_lost_one_was_not_applied() {
    let server = mock().await;
    let client = client_for(&server);
    // Half the connections close before the request is handled: nothing was applied.
    server.handle().set_faults(Faults { drop_connection: 0.5, ..Faults::none() }.with_seed(1));
    let id = create(&client, "Resent").send_once().await.unwrap().id.unwrap();
    server.handle().set_faults(Faults::none());
    let creates = outcomes::<nxlink_client::CreateTask>(&server);
    assert!(
        creates.first() == Some(&nxlink_mock::Outcome::Fault(Fault::DropConnection)),
        "the seed drops the first create: {creates:?}"
    );
    assert_eq!(creates.last(), Some(&nxlink_mock::Outcome::Answered { code: 0 }), "{creates:?}");
    let tasks = created(&server);
    assert_eq!(tasks.len(), 1, "one task");
    assert_eq!(tasks[0].task_id.as_deref(), Some(id.as_str()));
}

#[tokio::test]
async fn send_once_gives_up_on_an_append_after_the_retry_budget() {
    let server = mock().await;
    let attempts = 3;
    let client = Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET))
        .retry_policy(
            RetryPolicy::default()
                .with_max_attempts(attempts)
                .with_initial_backoff(Duration::from_millis(1))
                .with_max_backoff(Duration::from_millis(2)),
        )
        .build()
        .unwrap();
    let data = create(&client, "Budget").send().await.unwrap().into_inner();
    let task_id = data["taskId"].as_str().unwrap().to_owned();
    // Every answer is cut short after the batch was applied.
    server.handle().set_faults(Faults::always(Fault::TruncateBody));
    let err = client.append_contacts(&task_id, (1..=4).map(contact).collect()).send_once().await.unwrap_err();
    assert!(matches!(err, Error::MaybeApplied { .. }), "{err:?}");
    server.handle().set_faults(Faults::none());
    let sent = outcomes::<nxlink_client::AppendContacts>(&server);
    assert_eq!(sent.len(), attempts as usize, "sent once per attempt: {sent:?}");
    assert_eq!(server.handle().contacts(&task_id).len(), 4, "each contact once");
}

#[tokio::test]
async fn callbacks_arrive_in_order_unless_the_mock_is_told_to_reorder_delay_and_redeliver() {
    use std::sync::{Arc, Mutex};

    use nxlink_client::{Callback, Receiver};
    use nxlink_mock::Delivery;

    let reordered = Delivery::in_order().reordered().delayed(Duration::from_millis(20)).redelivered();
    for (delivery, want) in [
        // Dialing the first contact starts the task (status 2); the last one ends it (3).
        (Delivery::in_order(), ["task:2", "call:c-1", "call:c-2", "task:3"]),
        // Each dialer step's callbacks last first; every one twice, seen once.
        (reordered, ["call:c-1", "task:2", "call:c-2", "task:3"]),
    ] {
        let arrived: Arc<Mutex<Vec<String>>> = Arc::default();
        let sink = Arc::clone(&arrived);
        let receiver = Arc::new(Receiver::new(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET)));
        let app = nxlink_client::receiver::axum_router(
            receiver,
            move |callback| {
                sink.lock().unwrap().push(match callback {
                    Callback::CallRecord(call) => format!("call:{}", call.contact_id.unwrap_or_default()),
                    Callback::TaskStatus(task) => format!("task:{}", task.task_status.map_or(0, |s| s.code())),
                    other => format!("{other:?}"),
                });
            },
            |rejection| panic!("a mock callback was refused: {rejection}"),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hooks", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });

        let server = MockServer::builder().seed(21).records(50).dial_ms(2).start().await.unwrap();
        server.handle().pause_dialer(true);
        server.handle().set_callback_delivery(delivery);
        let client = client_for(&server);
        let data = create(&client, "Ordered").call_callback_url(&url).task_callback_url(&url).send().await.unwrap();
        let task_id = data.into_inner()["taskId"].as_str().unwrap().to_owned();
        client.append_contacts(&task_id, (1..=2).map(contact).collect()).send().await.unwrap();
        server.handle().pause_dialer(false);
        // Bounded wait: a hang guard, not a speed check.
        for _ in 0..2_000 {
            if arrived.lock().unwrap().len() == want.len() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(100)).await; // let redeliveries land
        assert_eq!(*arrived.lock().unwrap(), want, "{delivery:?}");
    }
}

/// 429 and 503 answers that carry an API envelope (`{"code":429,...}`), as a gateway of
/// the service may send them, are refusals like the HTML ones: retried on every call
/// (task create and contact append included), `Retry-After` honoured, and the task and
/// every contact come out exactly once.
#[tokio::test]
async fn throttled_answers_with_an_envelope_are_retried_and_apply_each_call_once() {
    let server = mock().await;
    let client = Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET))
        .retry_policy(
            RetryPolicy::default()
                .with_max_attempts(12)
                .with_initial_backoff(Duration::ZERO)
                .with_max_backoff(Duration::ZERO)
                .with_max_retry_after(Duration::from_millis(2)),
        )
        .build()
        .unwrap();
    let faults = Faults { too_many_requests: 0.3, service_unavailable: 0.3, envelope_bodies: true, ..Faults::none() }
        .with_seed(5);
    server.handle().set_faults(faults);
    let task_id = create(&client, "Throttled").send_once().await.unwrap().id.unwrap();
    let contacts: Vec<Contact> = (0..60)
        .map(|n| {
            let phone = format!("85291000{n:03}");
            Contact::new(nxlink_client::stable_contact_id(&task_id, &phone), format!("C{n}"), phone)
        })
        .collect();
    for batch in contacts.chunks(7) {
        let applied = client.append_contacts(&task_id, batch.to_vec()).send_once().await.unwrap();
        assert_eq!(applied.resent, 0, "refusals are retried inside a call");
    }

    let refused: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| {
            matches!(r.outcome, nxlink_mock::Outcome::Fault(Fault::TooManyRequests | Fault::ServiceUnavailable))
        })
        .collect();
    assert!(refused.len() >= 5, "the faults hit: {} refusals", refused.len());
    assert!(
        outcomes::<nxlink_client::CreateTask>(&server).len() > 1
            || outcomes::<nxlink_client::AppendContacts>(&server).len() > 9,
        "some create or append was refused and sent again"
    );
    server.handle().set_faults(Faults::none());
    let tasks = created(&server);
    assert_eq!(tasks.len(), 1, "one task");
    assert_eq!(tasks[0].task_id.as_deref(), Some(task_id.as_str()));
    let stored: Vec<String> = server.handle().contacts(&task_id).into_iter().map(|c| c.contact_id).collect();
    let sent: Vec<String> = contacts.iter().map(|c| c.contact_id.clone()).collect();
    assert_eq!(stored, sent, "every contact once, in order");

    // The plain builder retries the same way: one refusal, then the task.
    server.handle().set_faults(Faults { envelope_bodies: true, ..Faults::always(Fault::TooManyRequests) });
    let err = create(&client, "Always throttled").send().await.unwrap_err();
    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert_eq!((api.status, api.code.code(), api.attempts), (429, 429, 12), "{err}");
    assert!(api.retry_after.is_some(), "{err:?}");
    assert_eq!(created(&server).len(), 1, "no task from refused creates");
}
