//! Injected faults, clock offset, quirks, live mode, Date header and shutdown.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant, SystemTime};

use common::{page, query, server, shared_dataset, Call};
use nxlink_auth::{Clock, SystemClock};
use nxlink_mock::{Fault, Faults, MockServer, Outcome, DEMO_TASK_ID};
use nxlink_models::{CallRecordPage, CallResult, CallStatus, Envelope};
use serde_json::{json, Value};

fn demo_call() -> Call {
    Call::json(&query(DEMO_TASK_ID, Value::Null))
}

#[tokio::test]
async fn status_faults_answer_500_502_503_and_429_with_retry_after_as_a_page_or_an_envelope() {
    let server = server().await;
    let cases = [
        (Fault::InternalError, 500, None),
        (Fault::BadGateway, 502, None),
        (Fault::ServiceUnavailable, 503, Some("1")),
        (Fault::TooManyRequests, 429, Some("1")),
    ];
    for (fault, status, retry_after) in cases {
        for envelope_bodies in [false, true] {
            server.handle().set_faults(Faults { envelope_bodies, ..Faults::always(fault) });
            let response = demo_call().send(server.base_url()).await.unwrap();
            assert_eq!(response.status(), status, "{fault:?}");
            assert_eq!(response.headers().get("retry-after").map(|v| v.to_str().unwrap()), retry_after, "{fault:?}");
            assert!(response.headers().contains_key("date"));
            let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
            let body = response.text().await.unwrap();
            if envelope_bodies {
                // The status as the envelope's code, as a gateway of the service sends it.
                assert!(content_type.starts_with("application/json"), "{fault:?}: {content_type}");
                let envelope: Value = serde_json::from_str(&body).unwrap();
                assert_eq!(envelope["code"], status, "{fault:?}: {body}");
                assert!(envelope["message"].is_string() && envelope["traceId"].is_string(), "{body}");
            } else {
                assert_eq!(content_type, "text/html", "{fault:?}");
                assert!(body.contains(&format!("<h1>{status} ")), "{fault:?}: {body}");
            }
            assert_eq!(server.requests().last().unwrap().outcome, Outcome::Fault(fault));
        }
    }
    server.handle().set_faults(Faults::none());
    assert_eq!(demo_call().code(server.base_url()).await.0, 0);
}

#[tokio::test]
async fn dropped_connection_is_a_transport_error() {
    let server = MockServer::builder()
        .dataset(shared_dataset())
        .faults(Faults::always(Fault::DropConnection))
        .start()
        .await
        .unwrap();
    let err = demo_call().send(server.base_url()).await.unwrap_err();
    assert!(!err.is_status() && !err.is_decode(), "{err:?}");
    assert_eq!(server.requests()[0].outcome, Outcome::Fault(Fault::DropConnection));
}

#[tokio::test]
async fn an_append_is_applied_or_not_as_its_fault_class_says() {
    use nxlink_models::runtime::Operation;

    // 503 and a dropped connection come before the service: nothing applied. A cut
    // body and a connection dropped after the answer was computed: applied, answer lost.
    let cases = [
        (Fault::ServiceUnavailable, false),
        (Fault::DropConnection, false),
        (Fault::TruncateBody, true),
        (Fault::DropAfterApplying, true),
    ];
    for (fault, applied) in cases {
        let server = server().await;
        server.handle().set_faults(Faults::always(fault));
        let mut call = Call::json(&json!({
            "taskId": DEMO_TASK_ID,
            "list": [{"contactId": "c-1", "name": "A", "phoneNumber": "85290000001"}],
        }));
        call.path = nxlink_models::AppendContacts::ENDPOINT.path;
        let answer = call.send(server.base_url()).await;
        let body = match answer {
            Ok(response) => response.bytes().await.ok(),
            Err(_) => None,
        };
        assert_eq!(fault == Fault::ServiceUnavailable, body.is_some(), "{fault:?}: only the 503 has a whole answer");
        assert_eq!(server.handle().contacts(DEMO_TASK_ID).len(), usize::from(applied), "{fault:?}");
        assert_eq!(server.requests()[0].outcome, Outcome::Fault(fault));
    }
}

#[tokio::test]
async fn truncated_body_is_shorter_than_its_content_length() {
    let server = server().await;
    server.handle().set_faults(Faults::always(Fault::TruncateBody));
    let response = demo_call().send(server.base_url()).await.unwrap();
    assert_eq!(response.status(), 200);
    let announced: usize = response.headers()["content-length"].to_str().unwrap().parse().unwrap();
    assert!(announced > 100);
    match response.bytes().await {
        Err(err) => assert!(err.is_body() || err.is_decode() || err.is_request(), "{err:?}"),
        Ok(bytes) => assert!(bytes.len() < announced, "{} of {announced}", bytes.len()),
    }
    let recorded = server.requests().pop().unwrap();
    assert_eq!(recorded.outcome, Outcome::Fault(Fault::TruncateBody));
    assert!(recorded.trace_id.is_some());
}

#[tokio::test]
async fn latency_delays_every_answer() {
    let server = server().await;
    server.handle().set_faults(Faults { latency: Duration::from_millis(150), ..Faults::none() });
    let started = Instant::now();
    assert_eq!(demo_call().code(server.base_url()).await.0, 0);
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn faults_are_deterministic_for_a_seed_and_request_order() {
    let faults = Faults {
        internal_error: 0.2,
        bad_gateway: 0.2,
        service_unavailable: 0.1,
        too_many_requests: 0.1,
        ..Faults::none()
    }
    .with_seed(11);
    let mut runs = Vec::new();
    for _ in 0..2 {
        let server = MockServer::builder().dataset(shared_dataset()).faults(faults.clone()).start().await.unwrap();
        let mut statuses = Vec::new();
        for _ in 0..30 {
            statuses.push(demo_call().send(server.base_url()).await.unwrap().status().as_u16());
        }
        runs.push(statuses);
    }
    assert_eq!(runs[0], runs[1]);
    let kinds: HashSet<_> = runs[0].iter().collect();
    assert!(kinds.contains(&200) && kinds.len() >= 3, "{:?}", runs[0]);
    let other_seed =
        MockServer::builder().dataset(shared_dataset()).faults(faults.with_seed(12)).start().await.unwrap();
    let mut statuses = Vec::new();
    for _ in 0..30 {
        statuses.push(demo_call().send(other_seed.base_url()).await.unwrap().status().as_u16());
    }
    assert_ne!(statuses, runs[0]);
}

#[tokio::test]
async fn clock_offset_shows_in_date_and_refuses_the_real_clock() {
    let server = server().await;
    let offset = -3_600_000;
    server.handle().set_clock_offset_millis(offset);
    let response = demo_call().send(server.base_url()).await.unwrap();
    let date = httpdate::parse_http_date(response.headers()["date"].to_str().unwrap()).unwrap();
    let expected = SystemTime::now() - Duration::from_secs(3600);
    let gap = expected.duration_since(date).unwrap_or_else(|e| e.duration());
    assert!(gap < Duration::from_secs(5), "Date is {gap:?} from system time - 1 h");
    let envelope: Envelope<CallRecordPage> = nxlink_models::decode(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(envelope.code.code(), 1004);
    // A client that adopts the server's clock gets through.
    let in_sync = demo_call().with(|c| c.ts_millis = SystemClock.now_millis() + offset);
    assert_eq!(in_sync.code(server.base_url()).await.0, 0);
    assert_eq!(server.handle().clock_offset_millis(), offset);
}

#[tokio::test]
async fn every_answer_has_a_date_header() {
    let server = server().await;
    let response = demo_call().send(server.base_url()).await.unwrap();
    let date = httpdate::parse_http_date(response.headers()["date"].to_str().unwrap()).unwrap();
    let gap = SystemTime::now().duration_since(date).unwrap_or_else(|e| e.duration());
    assert!(gap < Duration::from_secs(5));
    let response = demo_call().with(|c| c.without.push("sign")).send(server.base_url()).await.unwrap();
    assert!(response.headers().contains_key("date"));
}

#[tokio::test]
async fn quirks_mode_sends_untidy_json_that_still_decodes() {
    let server = server().await;
    server.handle().set_quirks(true);
    let body = query(DEMO_TASK_ID, json!({ "pageSize": 10 }));
    let response = Call::json(&body).send(server.base_url()).await.unwrap();
    let bytes = response.bytes().await.unwrap();
    let raw: Value = serde_json::from_slice(&bytes).unwrap();
    let list = raw["data"]["list"].as_array().unwrap();
    assert!(raw["data"]["total"].is_string(), "total as a string");
    assert!(list.iter().any(|r| r["id"].is_string()), "numbers as strings");
    assert!(list.iter().any(|r| r["callSummary"].is_null() || r["agentName"].is_null()), "nulls");
    assert!(list.iter().any(|r| r["callAnswer"] == ""), "\"\" for a missing number");
    assert!(list.iter().all(|r| r.get("tenantId").is_some()), "unknown fields");
    assert!(list.iter().any(|r| r["callStatus"] == nxlink_mock::new_call_status()));
    assert!(list.iter().any(|r| r["callResult"] == nxlink_mock::new_call_result()));

    let envelope: Envelope<CallRecordPage> = nxlink_models::decode(&bytes).unwrap();
    let page = envelope.data.unwrap();
    assert_eq!(page.total, Some(shared_dataset().task_len(DEMO_TASK_ID) as i64));
    assert_eq!(page.list.len(), 10);
    assert!(page.list.iter().any(|r| r.call_status == Some(CallStatus::Unknown(nxlink_mock::new_call_status()))));
    assert!(page.list.iter().any(|r| r.call_result == Some(CallResult::Unknown(nxlink_mock::new_call_result()))));
    let expected = common::as_received(&shared_dataset().task_records(DEMO_TASK_ID).next().unwrap().clone());
    assert_eq!(page.list[0].id, expected.id);

    // An empty page sends `list: null`.
    let empty = query(DEMO_TASK_ID, json!({ "pageNumber": 100000 }));
    let bytes = Call::json(&empty).send(server.base_url()).await.unwrap().bytes().await.unwrap();
    let raw: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(raw["data"]["list"], Value::Null);
    assert!(server.handle().quirks());
}

#[tokio::test]
async fn live_inserts_shift_pages_under_a_reader() {
    let dataset = std::sync::Arc::new(nxlink_mock::Dataset::generate(5, 1_000));
    let server = MockServer::builder().dataset(dataset.clone()).live(3).start().await.unwrap();
    let originals: Vec<i64> = dataset.task_records(DEMO_TASK_ID).map(|r| r.id.unwrap()).collect();
    let max_original = dataset.records().iter().map(|r| r.id.unwrap()).max().unwrap();

    // A naive reader walks page numbers while records arrive at the front.
    let mut seen = Vec::new();
    let mut requests = 0;
    for number in 1.. {
        let body = query(DEMO_TASK_ID, json!({ "pageNumber": number, "pageSize": 50 }));
        let page = page(server.base_url(), &body).await;
        requests += 1;
        if page.list.is_empty() {
            break;
        }
        seen.extend(page.list.iter().map(|r| r.id.unwrap()));
    }
    let inserted = server.handle().inserted();
    assert_eq!(inserted.len(), 3 * requests);
    let inserted_ids: HashSet<i64> = inserted.iter().map(|r| r.id.unwrap()).collect();
    assert_eq!(inserted_ids.len(), inserted.len(), "inserted ids are unique");
    assert!(inserted_ids.iter().all(|id| *id > max_original), "inserted ids never collide");
    assert!(inserted.iter().all(|r| r.task_id.as_deref() == Some(DEMO_TASK_ID)));

    // Pages shifted: some originals came twice, yet none was skipped.
    let seen_originals: Vec<i64> = seen.iter().copied().filter(|id| *id <= max_original).collect();
    let distinct: HashSet<i64> = seen_originals.iter().copied().collect();
    assert!(seen_originals.len() > distinct.len(), "the shift shows as repeats");
    assert_eq!(distinct, originals.iter().copied().collect::<HashSet<_>>(), "every original at least once");

    // The newest inserts lead page 1, newest first, and `total` counts them.
    let first = page(server.base_url(), &query(DEMO_TASK_ID, json!({ "pageSize": 5 }))).await;
    assert_eq!(first.total, Some((originals.len() + inserted.len() + 3) as i64));
    let newest = server.handle().inserted();
    assert_eq!(first.list[0].id, newest.last().unwrap().id);
    assert!(first.list.windows(2).all(|w| w[0].create_ts >= w[1].create_ts));

    server.handle().set_live(0);
    let before = server.handle().inserted().len();
    page(server.base_url(), &query(DEMO_TASK_ID, Value::Null)).await;
    assert_eq!(server.handle().inserted().len(), before);
}

#[tokio::test]
async fn server_stops_when_shut_down_or_dropped() {
    let server = server().await;
    let addr = server.addr();
    assert_eq!(server.base_url(), format!("http://127.0.0.1:{}", addr.port()));
    assert_eq!(demo_call().code(server.base_url()).await.0, 0);
    server.shutdown().await;
    // The port is free again.
    drop(std::net::TcpListener::bind(addr).unwrap());

    let server = server_with_keepalive_client().await;
    let addr = server.0.addr();
    drop(server);
    let deadline = Instant::now() + Duration::from_secs(5);
    while tokio::net::TcpStream::connect(addr).await.is_ok() {
        assert!(Instant::now() < deadline, "server still accepting after drop");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A server with a pooled (idle keep-alive) connection open, which must not keep it alive.
async fn server_with_keepalive_client() -> (MockServer, reqwest::Client) {
    let server = server().await;
    let client = common::client();
    let response = demo_call().send_with(&client, server.base_url()).await.unwrap();
    assert_eq!(response.status(), 200);
    response.bytes().await.unwrap();
    (server, client)
}
