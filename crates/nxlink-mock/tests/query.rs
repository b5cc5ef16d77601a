//! Filters and paging of Query Call Records, checked against the dataset.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{page, query, server, shared_dataset, Call};
use nxlink_mock::{DEMO_TASK_ID, TASK_IDS};
use nxlink_models::{CallRecord, CallResult};
use serde_json::{json, Value};

/// The dataset's records of the demo task that satisfy `keep`, newest first.
fn expected(keep: impl Fn(&CallRecord) -> bool) -> Vec<CallRecord> {
    shared_dataset().task_records(DEMO_TASK_ID).filter(|record| keep(record)).map(common::as_received).collect()
}

/// Every match of `filters` on the demo task, fetched in pages of 1000.
async fn all_matches(base_url: &str, filters: Value) -> (i64, Vec<CallRecord>) {
    let mut records = Vec::new();
    let mut body = query(DEMO_TASK_ID, filters);
    body["pageSize"] = json!(1000);
    for number in 1.. {
        body["pageNumber"] = json!(number);
        let page = page(base_url, &body).await;
        let done = page.list.is_empty();
        records.extend(page.list);
        if done {
            return (page.total.unwrap(), records);
        }
    }
    unreachable!()
}

#[track_caller]
fn assert_same(got: &(i64, Vec<CallRecord>), want: &[CallRecord]) {
    assert!(!want.is_empty(), "the filter should match something in the dataset");
    assert_eq!(got.0, want.len() as i64);
    assert_eq!(got.1.len(), want.len());
    assert!(got.1 == want, "records differ from the dataset");
}

#[tokio::test]
async fn task_id_is_exact_and_unknown_tasks_are_empty() {
    let server = server().await;
    for task in TASK_IDS {
        let page = page(server.base_url(), &query(task, Value::Null)).await;
        assert_eq!(page.total, Some(shared_dataset().task_len(task) as i64), "{task}");
        assert!(page.list.iter().all(|r| r.task_id.as_deref() == Some(*task)));
    }
    for task in ["no-such-task", &DEMO_TASK_ID[..10], &DEMO_TASK_ID.to_uppercase()] {
        let page = page(server.base_url(), &query(task, Value::Null)).await;
        assert_eq!(page.total, Some(0), "{task}");
        assert!(page.list.is_empty());
    }
}

#[tokio::test]
async fn start_and_end_ts_are_inclusive_on_create_ts() {
    let server = server().await;
    let demo = expected(|_| true);
    let (newer, older) = (demo[100].create_ts.unwrap(), demo[400].create_ts.unwrap());
    let want = expected(|r| (older..=newer).contains(&r.create_ts.unwrap()));
    assert!(want.first().unwrap().create_ts == Some(newer) && want.last().unwrap().create_ts == Some(older));
    let got = all_matches(server.base_url(), json!({ "startTs": older, "endTs": newer })).await;
    assert_same(&got, &want);
    // One bound at a time.
    let got = all_matches(server.base_url(), json!({ "startTs": newer })).await;
    assert_same(&got, &expected(|r| r.create_ts.unwrap() >= newer));
    let got = all_matches(server.base_url(), json!({ "endTs": older })).await;
    assert_same(&got, &expected(|r| r.create_ts.unwrap() <= older));
}

#[tokio::test]
async fn call_id_is_exact() {
    let server = server().await;
    let target = expected(|_| true)[123].clone();
    let got = all_matches(server.base_url(), json!({ "callId": target.call_id })).await;
    assert_same(&got, std::slice::from_ref(&target));
    let page = page(server.base_url(), &query(DEMO_TASK_ID, json!({ "callId": "call_2023112501234" }))).await;
    assert_eq!(page.total, Some(0));
}

#[tokio::test]
async fn phone_is_exact_on_callee_phone() {
    let server = server().await;
    let phone = expected(|_| true)[7].callee_phone.clone().unwrap();
    let got = all_matches(server.base_url(), json!({ "phone": phone })).await;
    assert_same(&got, &expected(|r| r.callee_phone.as_deref() == Some(&phone)));
    let prefix = &phone[..6];
    let page = page(server.base_url(), &query(DEMO_TASK_ID, json!({ "phone": prefix }))).await;
    assert_eq!(page.total, Some(0));
}

#[tokio::test]
async fn call_result_filters_by_code() {
    let server = server().await;
    for result in [CallResult::NormalEndUserHungUp, CallResult::NotAnsweredTimeout, CallResult::UnreachableLineBusy] {
        let got = all_matches(server.base_url(), json!({ "callResult": result.code() })).await;
        assert_same(&got, &expected(|r| r.call_result == Some(result)));
    }
}

#[tokio::test]
async fn user_intent_is_exact() {
    let server = server().await;
    let got = all_matches(server.base_url(), json!({ "userIntent": "Interested" })).await;
    assert_same(&got, &expected(|r| r.user_intent.as_deref() == Some("Interested")));
    let with_result = json!({ "userIntent": "Call Back Later", "callResult": 17 });
    let got = all_matches(server.base_url(), with_result).await;
    assert_same(
        &got,
        &expected(|r| {
            r.user_intent.as_deref() == Some("Call Back Later")
                && r.call_result == Some(CallResult::NormalEndUserHungUp)
        }),
    );
}

#[tokio::test]
async fn min_and_max_elapsed_are_inclusive_on_call_elapsed() {
    let server = server().await;
    let got = all_matches(server.base_url(), json!({ "minElapsed": 60, "maxElapsed": 120 })).await;
    let want = expected(|r| (60..=120).contains(&r.call_elapsed.unwrap()));
    assert_same(&got, &want);
    assert!(want.iter().any(|r| r.call_elapsed == Some(60)) || want.iter().any(|r| r.call_elapsed == Some(120)));
    let exact = want[0].call_elapsed.unwrap();
    let got = all_matches(server.base_url(), json!({ "minElapsed": exact, "maxElapsed": exact })).await;
    assert_same(&got, &expected(|r| r.call_elapsed == Some(exact)));
    let got = all_matches(server.base_url(), json!({ "maxElapsed": 0 })).await;
    assert_same(&got, &expected(|r| r.call_elapsed == Some(0)));
}

#[tokio::test]
async fn vendor_example_body_with_empty_strings_is_accepted() {
    let server = server().await;
    let body = json!({
        "taskId": DEMO_TASK_ID, "startTs": 1736238951, "endTs": 1746606952,
        "callId": "", "phone": "", "callResult": "", "userIntent": "",
        "pageNumber": 1, "pageSize": 10, "minElapsed": 0, "maxElapsed": 3000
    });
    let page = page(server.base_url(), &body).await;
    let want =
        expected(|r| (1736238951..=1746606952).contains(&r.create_ts.unwrap()) && r.call_elapsed.unwrap() <= 3000);
    assert_eq!(page.total, Some(want.len() as i64));
    assert!(page.list == want[..10]);
}

#[tokio::test]
async fn pages_split_the_matches_newest_first() {
    let server = server().await;
    let demo = expected(|_| true);
    let total = demo.len();
    let size = 300;
    let last = total.div_ceil(size);
    for number in [1, 2, last] {
        let body = query(DEMO_TASK_ID, json!({ "pageNumber": number, "pageSize": size }));
        let page = page(server.base_url(), &body).await;
        let start = (number - 1) * size;
        assert!(page.list == demo[start..(start + size).min(total)], "page {number}");
        assert_eq!(page.total, Some(total as i64));
        assert_eq!(page.page_number, Some(number as i32));
        assert_eq!(page.page_size, Some(size as i32));
    }
    let last_page =
        page(server.base_url(), &query(DEMO_TASK_ID, json!({ "pageNumber": last, "pageSize": size }))).await;
    assert_eq!(last_page.list.len(), total - (last - 1) * size);
    assert!(last_page.list.len() < size);
    for past in [last + 1, 1_000_000] {
        let body = query(DEMO_TASK_ID, json!({ "pageNumber": past, "pageSize": size }));
        let page = page(server.base_url(), &body).await;
        assert!(page.list.is_empty(), "page {past}");
        assert_eq!(page.total, Some(total as i64));
    }
    // Newest first.
    assert!(demo.windows(2).all(|w| w[0].create_ts >= w[1].create_ts));
}

#[tokio::test]
async fn page_size_one_and_a_thousand() {
    let server = server().await;
    let demo = expected(|_| true);
    let one = page(server.base_url(), &query(DEMO_TASK_ID, json!({ "pageSize": 1 }))).await;
    assert!(one.list == demo[..1]);
    let second = page(server.base_url(), &query(DEMO_TASK_ID, json!({ "pageSize": 1, "pageNumber": 2 }))).await;
    assert!(second.list == demo[1..2]);
    let thousand = page(server.base_url(), &query(DEMO_TASK_ID, json!({ "pageSize": 1000 }))).await;
    assert!(thousand.list == demo[..1000]);
}

#[tokio::test]
async fn invalid_parameters_are_20000_naming_the_field() {
    let server = server().await;
    let cases = [
        (query(DEMO_TASK_ID, json!({ "pageSize": 0 })), "pageSize"),
        (query(DEMO_TASK_ID, json!({ "pageSize": 1001 })), "pageSize"),
        (query(DEMO_TASK_ID, json!({ "pageSize": -5 })), "pageSize"),
        (query(DEMO_TASK_ID, json!({ "pageNumber": 0 })), "pageNumber"),
        (query(DEMO_TASK_ID, json!({ "pageNumber": -1 })), "pageNumber"),
        (json!({ "pageNumber": 1, "pageSize": 10 }), "taskId"),
        (query("", Value::Null), "taskId"),
        (query(DEMO_TASK_ID, json!({ "pageSize": "ten" })), "pageSize"),
        (query(DEMO_TASK_ID, json!({ "startTs": 20, "endTs": 10 })), "startTs"),
        (query(DEMO_TASK_ID, json!({ "minElapsed": -1 })), "minElapsed"),
        (query(DEMO_TASK_ID, json!({ "userIntent": "Interested", "callResult": 9 })), "userIntent"),
    ];
    for (body, field) in cases {
        let (code, message) = Call::json(&body).code(server.base_url()).await;
        assert_eq!(code, 20000, "{body}");
        assert!(message.contains(field), "{body}: {message}");
    }
    for raw in [&b"not json"[..], b"", b"[1,2]", b"{\"taskId\":"] {
        let (code, message) = Call::new(raw).code(server.base_url()).await;
        assert_eq!(code, 20000, "{}", String::from_utf8_lossy(raw));
        assert!(!message.is_empty());
    }
}

#[tokio::test]
async fn an_oversized_body_is_20000_not_buffered() {
    let server = server().await;
    let padding = "x".repeat(2 << 20);
    let body = query(DEMO_TASK_ID, json!({ "userIntent": padding }));
    let (code, message) = Call::json(&body).code(server.base_url()).await;
    assert_eq!(code, 20000);
    assert!(message.contains("larger than 1 MiB"), "{message}");
}

#[tokio::test]
async fn request_log_keeps_method_path_headers_body_and_outcome() {
    let server = server().await;
    let body = query(DEMO_TASK_ID, Value::Null);
    let call = Call::json(&body);
    call.envelope(server.base_url()).await;
    Call::json(&query(DEMO_TASK_ID, json!({ "pageSize": 0 }))).envelope(server.base_url()).await;
    let log = server.requests();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].method, "POST");
    assert_eq!(log[0].path, nxlink_mock::CALL_LIST_PATH);
    assert_eq!(log[0].body, call.body);
    assert_eq!(log[0].header("ACCESSKEY"), Some(nxlink_mock::DEMO_ACCESS_KEY));
    assert_eq!(log[0].header("content-type"), Some("application/json"));
    assert_eq!(log[0].code(), Some(0));
    assert_eq!(log[1].code(), Some(20000));
    assert!(log[0].trace_id.is_some() && log[0].trace_id != log[1].trace_id);
    server.handle().clear_requests();
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn paging_by_position_agrees_with_the_filtering_scan() {
    // `minElapsed: 0` matches every record but forces the scan; without it the mock
    // pages by position. Both must give the same pages.
    let server = server().await;
    for number in [1, 2, 7, 1000] {
        let by_position =
            page(server.base_url(), &query(DEMO_TASK_ID, json!({ "pageNumber": number, "pageSize": 50 }))).await;
        let scanned = page(
            server.base_url(),
            &query(DEMO_TASK_ID, json!({ "pageNumber": number, "pageSize": 50, "minElapsed": 0 })),
        )
        .await;
        assert_eq!(by_position.total, scanned.total, "page {number}");
        assert!(by_position.list == scanned.list, "page {number}");
    }
}

#[tokio::test]
async fn a_filter_the_query_does_not_simulate_is_refused_not_ignored() {
    let server = server().await;
    let request = nxlink_models::QueryCallRecordsRequest::new(DEMO_TASK_ID).extra_field("newFilter", 7);
    let (code, message) = Call::new(serde_json::to_vec(&request).unwrap()).code(server.base_url()).await;
    assert_eq!(code, 20000);
    assert!(message.starts_with("QueryCallRecords: filter `newFilter` is not simulated by nxlink-mock"), "{message}");
    assert!(message.contains("taskId, startTs"), "lists what is honoured: {message}");
    let plain = nxlink_models::QueryCallRecordsRequest::new(DEMO_TASK_ID).call_id("x");
    let (code, message) = Call::new(serde_json::to_vec(&plain).unwrap()).code(server.base_url()).await;
    assert_eq!(code, 0, "{message}");
}
