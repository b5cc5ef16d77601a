//! Scans at their edges, each a promise of the README or the rustdoc with the one-line
//! bug it guards against: concurrency at 0 and at its default, records without an id,
//! pages without a total, a failed page, the first page number, the attempts a page
//! gets, redirects, the default algorithm.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test fails by panicking

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use nxlink_client::{Client, Credentials, Error, RetryPolicy};
use nxlink_mock::{Fault, Faults, MockServer, DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET, DEMO_TASK_ID};
use serde_json::{json, Value};

mod common;
use common::scripted;

fn quick() -> RetryPolicy {
    RetryPolicy::default().with_initial_backoff(Duration::from_millis(1)).with_max_backoff(Duration::from_millis(2))
}

fn against(url: &str) -> nxlink_client::ClientBuilder {
    Client::builder()
        .base_url(url)
        .credentials(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET))
        .retry_policy(quick())
}

fn ok_page(body: &Value) -> (String, Vec<Vec<u8>>) {
    ("HTTP/1.1 200 OK\r\ncontent-type: application/json".to_owned(), vec![serde_json::to_vec(body).unwrap()])
}

/// Bug: `ClientBuilder::concurrency` without its `.max(1)`: nothing is ever scheduled
/// and the scan ends at once with no records and no error.
#[tokio::test]
async fn a_concurrency_of_zero_scans_one_page_at_a_time() {
    let server = MockServer::builder().seed(3).records(300).start().await.unwrap();
    let client = against(server.base_url()).concurrency(0).build().unwrap();
    let mut records = client.query_call_records(DEMO_TASK_ID).page_size(25).records();
    let mut count = 0;
    while records.try_next().await.unwrap().is_some() {
        count += 1;
    }
    assert_eq!(count, server.dataset().task_len(DEMO_TASK_ID));
    assert_eq!(records.stats().peak_in_flight, 1);
}

/// Bug: the default concurrency changed (README: "pages fetched four at a time").
#[tokio::test]
async fn a_scan_fetches_four_pages_at_once_by_default() {
    let server = MockServer::builder().seed(3).records(2_000).start().await.unwrap();
    // Slow answers keep pages in flight long enough to overlap.
    server.handle().set_faults(Faults { latency: Duration::from_millis(30), ..Faults::none() });
    let client = against(server.base_url()).build().unwrap();
    let mut pages = client.query_call_records(DEMO_TASK_ID).page_size(20).pages();
    while pages.try_next().await.unwrap().is_some() {}
    assert_eq!(pages.stats().peak_in_flight, 4, "{:?}", pages.stats());
}

/// Bug: `ItemStream` skipping items whose id is absent (`is_some_and` for
/// `is_none_or`): records sent with `"id": null`, `""` or no id vanish.
#[tokio::test]
async fn records_without_an_id_are_all_yielded() {
    let (url, _) = scripted(|_, _| {
        ok_page(&json!({"code": 0, "data": {"total": 4, "list": [
            {"id": null, "callId": "a"}, {"id": "", "callId": "b"}, {"callId": "c"}, {"id": 7, "callId": "d"}]}}))
    })
    .await;
    let client = against(&url).build().unwrap();
    let mut records = client.query_call_records("t").page_size(10).records();
    let mut calls = Vec::new();
    while let Some(record) = records.try_next().await.unwrap() {
        calls.push(record.call_id.unwrap());
    }
    assert_eq!(calls, ["a", "b", "c", "d"]);
    assert_eq!(records.stats().duplicates_skipped, 0);
}

/// Bug: `observe` stopping at the first page when `total` is absent (`last_page =
/// Some(1)`): an export of a server that sends no total is cut short.
#[tokio::test]
async fn without_a_total_the_scan_goes_on_to_an_empty_page() {
    let (url, count) = scripted(|_, body| {
        let page = body["pageNumber"].as_i64().unwrap();
        let list: Vec<Value> = if page <= 3 { (0..2).map(|i| json!({"id": page * 10 + i})).collect() } else { vec![] };
        ok_page(&json!({"code": 0, "data": {"list": list}}))
    })
    .await;
    let client = against(&url).concurrency(1).build().unwrap();
    let ids: Vec<i64> =
        client.query_call_records("t").page_size(2).records().map_ok(|r| r.id.unwrap()).try_collect().await.unwrap();
    assert_eq!(ids, [10, 11, 20, 21, 30, 31]);
    assert_eq!(count.load(std::sync::atomic::Ordering::SeqCst), 4, "three pages and the empty one");
}

/// Bug: a failed page not ending the scan (`exhausted` left false): a caller that polls
/// on after the error gets the next pages and silently misses the failed one's records.
#[tokio::test]
async fn a_page_that_fails_ends_the_scan() {
    let requested = Arc::new(Mutex::new(Vec::new()));
    let seen = requested.clone();
    let (url, _) = scripted(move |_, body| {
        let page = body["pageNumber"].as_i64().unwrap();
        seen.lock().unwrap().push(page);
        if page == 2 {
            return ("HTTP/1.1 500 Internal".to_owned(), vec![b"<html>500</html>".to_vec()]);
        }
        let list: Vec<Value> = (0..5).map(|i| json!({"id": page * 10 + i})).collect();
        ok_page(&json!({"code": 0, "data": {"total": 25, "list": list}}))
    })
    .await;
    let client = against(&url).concurrency(1).retry_policy(quick().with_page_attempts(2)).build().unwrap();
    let mut records = client.query_call_records("t").page_size(5).records();
    let mut yielded = 0;
    let mut errors = 0;
    while let Some(next) = records.next().await {
        match next {
            Ok(_) => yielded += 1,
            Err(err) => {
                errors += 1;
                assert_eq!(err.status(), Some(500), "{err}");
            }
        }
    }
    assert_eq!((yielded, errors), (5, 1), "page 1, then the error, then nothing");
    assert_eq!(*requested.lock().unwrap(), [1, 2, 2], "page 2 tried twice; no page after it");
}

/// Bug: `PageStream::new` starting at page 1 whatever the request says.
#[tokio::test]
async fn pages_start_at_the_requests_page_number() {
    let server = MockServer::builder().seed(3).records(300).start().await.unwrap();
    let client = against(server.base_url()).build().unwrap();
    let pages: Vec<_> =
        client.query_call_records(DEMO_TASK_ID).page_size(10).page_number(3).pages().try_collect().await.unwrap();
    assert_eq!(pages[0].page_number, Some(3));
    let asked: Vec<i64> = server
        .requests()
        .iter()
        .map(|r| serde_json::from_slice::<Value>(&r.body).unwrap()["pageNumber"].as_i64().unwrap())
        .collect();
    assert!(asked.iter().all(|page| *page >= 3), "{asked:?}");
}

/// Bug: `PageStream::fetch` using `max_attempts` (4) instead of `page_attempts` (10):
/// a page refused five times in a row then fails the whole export.
#[tokio::test]
async fn each_page_of_a_scan_gets_the_page_attempts() {
    let refusals = 5;
    let (url, _) = scripted(move |index, body| {
        let page = body["pageNumber"].as_i64().unwrap_or(1);
        // Every page is refused `refusals` times before it is served (one page at a time).
        if index % (refusals + 1) < refusals {
            return ("HTTP/1.1 503 Unavailable".to_owned(), vec![b"busy".to_vec()]);
        }
        let list: Vec<Value> = (0..2).map(|i| json!({"id": page * 10 + i})).collect();
        ok_page(&json!({"code": 0, "data": {"total": 4, "list": list}}))
    })
    .await;
    let client = against(&url).concurrency(1).build().unwrap();
    assert!(RetryPolicy::default().max_attempts() <= refusals as u32, "a single call would give up");
    let ids: Vec<i64> =
        client.query_call_records("t").page_size(2).records().map_ok(|r| r.id.unwrap()).try_collect().await.unwrap();
    assert_eq!(ids, [10, 11, 20, 21]);
}

/// Bug: the client following redirects (`redirect::Policy::none()` dropped): the signed
/// request, access key and signature included, would go to whatever host a `Location`
/// names.
#[tokio::test]
async fn a_redirect_is_not_followed() {
    let elsewhere = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let location = format!("http://{}/openapi/aiagent/call/list", elsewhere.local_addr().unwrap());
    let (url, count) =
        scripted(move |_, _| (format!("HTTP/1.1 307 Temporary Redirect\r\nlocation: {location}"), vec![Vec::new()]))
            .await;
    let err = against(&url).build().unwrap().query_call_records("t").send().await.unwrap_err();
    // An empty body is the whole answer (not one cut short): the status decides, and a
    // 3xx is not retried.
    assert!(matches!(err, Error::Status { status: 307, attempts: 1, .. }), "{err:?}");
    assert_eq!(count.load(std::sync::atomic::Ordering::SeqCst), 1);
    let accepted = tokio::time::timeout(Duration::from_millis(300), elsewhere.accept()).await;
    assert!(accepted.is_err(), "the redirect target got a connection");
}

/// Bug: the client signing with SHA-256 (or sending `algorithm`) by default; the README
/// and `ClientBuilder::algorithm` say MD5.
#[tokio::test]
async fn requests_are_signed_with_md5_unless_told() {
    let server = MockServer::builder().seed(3).records(10).start().await.unwrap();
    against(server.base_url()).build().unwrap().query_call_records(DEMO_TASK_ID).send().await.unwrap();
    let sent = &server.requests()[0];
    assert_eq!(sent.header("algorithm"), None);
    assert_eq!(sent.header("sign").unwrap().len(), 32, "an MD5 digest in hex");
}

/// Bug: the overall timeout not applied to a page of a scan (`execute_with_attempts`
/// without the `timeout` wrapper): a page whose answers never come hangs the scan.
#[tokio::test]
async fn the_overall_timeout_bounds_each_page() {
    let server = MockServer::builder().seed(3).records(10).start().await.unwrap();
    server.handle().set_faults(Faults { latency: Duration::from_secs(30), ..Faults::always(Fault::InternalError) });
    let client = against(server.base_url()).overall_timeout(Duration::from_millis(200)).build().unwrap();
    let err = client.query_call_records(DEMO_TASK_ID).records().try_next().await.unwrap_err();
    assert!(matches!(err, Error::Timeout { kind: nxlink_client::TimeoutKind::Overall, .. }), "{err:?}");
}

/// Bug: the envelope's payload decoded as an object only: a create answered with the
/// task id itself (`"data": "id"`, which `send_once` documents) fails after the
/// task was made, and a delete answered with a list (as the docs' table says) fails
/// after the contact was deleted.
#[tokio::test]
async fn send_once_reads_the_id_from_data_or_data_taskid() {
    for data in [json!("bare-id"), json!({"taskId": "bare-id"})] {
        let (url, count) = scripted(move |_, _| ok_page(&json!({"code": 0, "message": "success", "data": data}))).await;
        let client = against(&url).build().unwrap();
        let applied = client.create_task("n", 1, "r", 0, nxlink_client::StartupType::Manual).send_once().await.unwrap();
        assert_eq!(applied.id.as_deref(), Some("bare-id"));
        assert_eq!(count.load(std::sync::atomic::Ordering::SeqCst), 1, "no lookup needed");
    }
    let (url, _) = scripted(|_, _| ok_page(&json!({"code": 0, "data": [4242]}))).await;
    let deleted = against(&url).build().unwrap().delete_contact("c-1").task_id("t").send().await.unwrap();
    assert_eq!(deleted.into_inner(), json!([4242]));
}

/// Bug: a page fetched again (it was served before its predecessor while data grew)
/// queued behind the pages already in flight (`push_back` for `push_front`): the scan
/// would then yield pages out of order. Page 3 is first answered with the old total.
#[tokio::test]
async fn a_page_fetched_again_keeps_its_place_in_the_order() {
    let answered = Arc::new(Mutex::new(std::collections::HashMap::<i64, u32>::new()));
    let log = answered.clone();
    let (url, _) = scripted(move |_, body| {
        let page = body["pageNumber"].as_i64().unwrap();
        let times = {
            let mut log = log.lock().unwrap();
            let times = log.entry(page).or_default();
            *times += 1;
            *times
        };
        // 12 records in pages of 2; page 3's first answer predates an insert (total 11).
        let total = if page == 3 && times == 1 { 11 } else { 12 };
        let list: Vec<Value> = if page <= 6 { (0..2).map(|i| json!({"id": page * 10 + i})).collect() } else { vec![] };
        ok_page(&json!({"code": 0, "data": {"total": total, "pageNumber": page, "list": list}}))
    })
    .await;
    let client = against(&url).concurrency(3).build().unwrap();
    let mut pages = client.query_call_records("t").page_size(2).pages();
    let mut order = Vec::new();
    while let Some(page) = pages.try_next().await.unwrap() {
        order.push(page.page_number.unwrap());
    }
    assert_eq!(order, [1, 2, 3, 4, 5, 6]);
    assert_eq!(pages.stats().pages_refetched, 1);
    assert_eq!(answered.lock().unwrap()[&3], 2, "page 3 fetched twice");
}
