//! The client against `nxlink-mock` on 127.0.0.1: authentication, filters, retries,
//! pagination under faults and live inserts, clock skew, timeouts.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test fails by panicking

use std::collections::HashMap;
use std::time::Duration;

use futures_util::TryStreamExt;
use nxlink_client::{
    Algorithm, BuildError, CallResult, Client, Credentials, Error, ErrorCode, QueryCallRecordsRequest, RetryPolicy,
    TimeoutKind,
};
use nxlink_mock::{Fault, Faults, MockServer, DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET, DEMO_TASK_ID};
use serde_json::{json, Value};

mod common;
use common::{a_listener_that_never_accepts, canned, scripted};

/// Retries fast: the tests measure behaviour, not patience.
fn quick_retries() -> RetryPolicy {
    RetryPolicy::default()
        .with_initial_backoff(Duration::from_millis(1))
        .with_max_backoff(Duration::from_millis(10))
        .with_max_retry_after(Duration::from_millis(20))
}

/// The dataset's records as a client decodes them: the mock stores what it sends (`""`
/// for empty text), decoding turns `""` into `None`.
fn as_decoded(records: impl Iterator<Item = nxlink_models::CallRecord>) -> Vec<nxlink_models::CallRecord> {
    records.map(|r| nxlink_models::decode(&serde_json::to_vec(&r).unwrap()).unwrap()).collect()
}

fn client_for(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET))
        .retry_policy(quick_retries())
        .build()
        .unwrap()
}

async fn mock(records: usize) -> MockServer {
    MockServer::builder().seed(11).records(records).start().await.unwrap()
}

#[tokio::test]
async fn one_page_with_md5_and_sha256() {
    let server = mock(500).await;
    for algorithm in [Algorithm::Md5, Algorithm::Sha256] {
        let client = Client::builder()
            .base_url(server.base_url())
            .credentials(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET))
            .algorithm(algorithm)
            .build()
            .unwrap();
        let page = client.query_call_records(DEMO_TASK_ID).page_size(20).send().await.unwrap();
        assert_eq!(page.list.len(), 20);
        assert_eq!(page.total, Some(server.dataset().task_len(DEMO_TASK_ID) as i64));
        assert!(page.trace_id().is_some());
        assert_eq!(page.status(), 200);
        let expected = as_decoded(server.dataset().task_records(DEMO_TASK_ID).take(20).cloned());
        assert!(page.list == expected, "records decode to exactly what the server holds");
    }
    let sent = server.requests();
    assert_eq!(sent[1].header("algorithm"), Some("sha256"));
    assert_eq!(sent[0].header("algorithm"), None);
    assert!(sent[0].header("user-agent").unwrap().starts_with("nxlink-rs/"));
}

#[tokio::test]
async fn every_filter_reaches_the_server_intact() {
    let server = mock(200).await;
    let client = client_for(&server);
    let builder = client
        .query_call_records(DEMO_TASK_ID)
        .start_ts(1_736_215_928)
        .end_ts(1_746_583_929)
        .call_id("call_2023112501234")
        .phone("85238531065")
        .call_result(CallResult::NormalEndUserHungUp)
        .user_intent("Interested")
        .page_number(3)
        .page_size(7)
        .min_elapsed(60)
        .max_elapsed(300);
    let expected: QueryCallRecordsRequest = builder.request().clone();
    builder.send().await.unwrap();
    let sent = server.requests().pop().unwrap();
    assert_eq!(
        sent.body.as_ref(),
        serde_json::to_vec(&expected).unwrap(),
        "the signed bytes are the serialized request"
    );
    let received: QueryCallRecordsRequest = nxlink_models::decode(&sent.body).unwrap();
    assert_eq!(received, expected);
    assert_eq!(sent.code(), Some(0));
}

#[tokio::test]
async fn authentication_failures_are_typed_and_not_retried() {
    let server = mock(50).await;
    let cases = [
        (Credentials::new(DEMO_ACCESS_KEY, "wrong-secret"), ErrorCode::InvalidSignature),
        (Credentials::new("AK-unknown", DEMO_ACCESS_SECRET), ErrorCode::InsufficientAuthority),
    ];
    for (credentials, code) in cases {
        server.handle().clear_requests();
        let client = Client::builder().base_url(server.base_url()).credentials(credentials).build().unwrap();
        let err = client.query_call_records(DEMO_TASK_ID).send().await.unwrap_err();
        assert_eq!(err.api_code(), Some(code), "{err}");
        assert!(!err.is_retryable());
        assert!(err.trace_id().is_some(), "{err:?}");
        assert_eq!(server.requests().len(), 1, "{code:?} must not be retried");
    }
}

#[tokio::test]
async fn business_errors_come_back_as_20000() {
    let server = mock(50).await;
    let client = Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET))
        .skip_validation()
        .build()
        .unwrap();
    let err = client.query_call_records(DEMO_TASK_ID).page_size(5000).send().await.unwrap_err();
    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert_eq!(api.code, ErrorCode::BusinessError);
    assert!(api.message.as_deref().unwrap_or_default().contains("pageSize"), "{api:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn invalid_requests_are_refused_before_sending() {
    let server = mock(10).await;
    let err = client_for(&server).query_call_records(DEMO_TASK_ID).page_size(0).send().await.unwrap_err();
    assert!(matches!(&err, Error::Validation(v) if v.field() == "pageSize"), "{err:?}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn every_documented_code_maps_to_its_variant() {
    for (code, variant) in [
        (1001, ErrorCode::MissingPublicParameters),
        (1002, ErrorCode::ParameterError),
        (1003, ErrorCode::InvalidSignature),
        (1004, ErrorCode::TimestampExpired),
        (1005, ErrorCode::InsufficientAuthority),
        (20000, ErrorCode::BusinessError),
        (30001, ErrorCode::Unknown(30001)),
    ] {
        let url =
            canned(200, format!(r#"{{"code":{code},"message":"m{code}","traceId":"t{code}","data":null}}"#)).await;
        let client = Client::builder().base_url(url).credentials(Credentials::new("AK", "s")).build().unwrap();
        let err = client.query_call_records("t").send().await.unwrap_err();
        let Error::Api(api) = &err else { panic!("{err:?}") };
        assert_eq!(
            (api.code, api.message.as_deref(), api.trace_id.as_deref(), api.status),
            (variant, Some(&*format!("m{code}")), Some(&*format!("t{code}")), 200)
        );
        // The accessors say the same as the fields.
        assert_eq!(
            (err.api_code(), err.trace_id(), err.status()),
            (Some(variant), Some(&*format!("t{code}")), Some(200))
        );
        assert!(api.snippet.as_str().len() <= nxlink_client::SNIPPET_LIMIT);
    }
}

#[tokio::test]
async fn server_errors_are_retried_up_to_the_budget() {
    for fault in [
        Fault::InternalError,
        Fault::BadGateway,
        Fault::ServiceUnavailable,
        Fault::TooManyRequests,
        Fault::DropConnection,
        Fault::TruncateBody,
    ] {
        let server = mock(20).await;
        server.handle().set_faults(Faults::always(fault));
        let err = client_for(&server).query_call_records(DEMO_TASK_ID).send().await.unwrap_err();
        assert!(err.is_retryable(), "{fault:?}: {err:?}");
        assert_eq!(server.requests().len(), 4, "{fault:?}: default budget is 4 attempts");
        match fault.status() {
            Some(status) => assert_eq!(err.status(), Some(status), "{err:?}"),
            None => assert!(matches!(err, Error::Transport { .. } | Error::Decode { .. }), "{fault:?}: {err:?}"),
        }
    }
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let server = mock(20).await;
    server.handle().set_faults(Faults::always(Fault::ServiceUnavailable));
    let client = Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET))
        .retry_policy(RetryPolicy::default().with_max_attempts(2).with_initial_backoff(Duration::ZERO))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    client.query_call_records(DEMO_TASK_ID).send().await.unwrap_err();
    // The mock sends Retry-After: 1; with zero backoff only the header explains a wait.
    assert!(started.elapsed() >= Duration::from_millis(900), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_server_clock_ten_minutes_off_either_way_is_recovered() {
    for offset_ms in [600_000i64, -600_000] {
        let server = MockServer::builder().seed(3).records(50).clock_offset_millis(offset_ms).start().await.unwrap();
        let client = client_for(&server);
        let page = client.query_call_records(DEMO_TASK_ID).page_size(5).send().await.unwrap();
        assert_eq!(page.list.len(), 5);
        let codes: Vec<_> = server.requests().iter().map(|r| r.code()).collect();
        assert_eq!(codes, [Some(1004), Some(0)], "one 1004, then success after re-signing");
        assert!((client.clock_offset_millis() - offset_ms).abs() < 2_000, "{}", client.clock_offset_millis());
        // Later calls use the learned offset straight away.
        client.query_call_records(DEMO_TASK_ID).send().await.unwrap();
        assert_eq!(server.requests().last().unwrap().code(), Some(0));
        assert_eq!(server.requests().len(), 3);
    }
}

#[tokio::test]
async fn the_re_sign_after_a_1004_is_not_an_attempt() {
    // One attempt allowed: the skew recovery must not use it up.
    let server = MockServer::builder().seed(3).records(50).clock_offset_millis(600_000).start().await.unwrap();
    let client = Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET))
        .retry_policy(quick_retries().with_max_attempts(1).with_page_attempts(1))
        .build()
        .unwrap();
    let page = client.query_call_records(DEMO_TASK_ID).page_size(5).send().await.unwrap();
    assert_eq!(page.list.len(), 5);
    let codes: Vec<_> = server.requests().iter().map(|r| r.code()).collect();
    assert_eq!(codes, [Some(1004), Some(0)]);

    // Two attempts allowed, and the re-signed request meets a 502: it still has its
    // second attempt, because the 1004 used none.
    let (url, requests) = scripted(|index, _| match index {
        0 => {
            let ahead = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(600));
            let body = br#"{"code":1004,"message":"ts expired","traceId":"t","data":null}"#.to_vec();
            (format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ndate: {ahead}"), vec![body])
        }
        1 => (
            "HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html".to_owned(),
            vec![b"<html>bad gateway</html>".to_vec()],
        ),
        _ => page_answer(1, 1, 1),
    })
    .await;
    let client = Client::builder()
        .base_url(url)
        .credentials(Credentials::new("AK", "s"))
        .retry_policy(quick_retries().with_max_attempts(2))
        .build()
        .unwrap();
    let page = client.query_call_records("t").send().await.unwrap();
    assert_eq!(page.list.len(), 1);
    assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 3);
}

#[tokio::test]
async fn attempt_and_overall_timeouts_fire() {
    let server = mock(20).await;
    server.handle().set_faults(Faults { latency: Duration::from_secs(2), ..Faults::none() });
    let client = Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET))
        .attempt_timeout(Duration::from_millis(100))
        .retry_policy(quick_retries().with_max_attempts(2))
        .build()
        .unwrap();
    let err = client.query_call_records(DEMO_TASK_ID).send().await.unwrap_err();
    assert!(matches!(err, Error::Timeout { kind: TimeoutKind::Attempt, .. }), "{err:?}");
    assert!(err.is_retryable());

    let client = Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET))
        .attempt_timeout(Duration::from_millis(100))
        .overall_timeout(Duration::from_millis(250))
        .retry_policy(quick_retries().with_max_attempts(10))
        .build()
        .unwrap();
    let err = client.query_call_records(DEMO_TASK_ID).send().await.unwrap_err();
    assert!(matches!(err, Error::Timeout { kind: TimeoutKind::Overall, .. }), "{err:?}");
    assert!(!err.is_retryable());
}

#[test]
fn plain_http_to_a_non_loopback_host_is_refused() {
    let err = Client::builder()
        .base_url("http://api-hk.nxlink.ai")
        .credentials(Credentials::new("AK", "s"))
        .build()
        .unwrap_err();
    assert!(matches!(&err, BuildError::InsecureBaseUrl { host } if host == "api-hk.nxlink.ai"), "{err}");
    let https = Client::builder().base_url("https://api-hk.nxlink.ai").credentials(Credentials::new("AK", "s")).build();
    if cfg!(any(feature = "rustls", feature = "native-tls")) {
        assert!(https.is_ok(), "{https:?}");
    } else {
        // Built without TLS, https is refused for that reason, never as insecure.
        assert!(matches!(https, Err(BuildError::TlsDisabled { .. })), "{https:?}");
    }
    assert!(matches!(Client::builder().base_url("https://x").build(), Err(BuildError::MissingCredentials)));
}

#[tokio::test]
async fn a_full_scan_yields_every_record_once_in_order() {
    let server = mock(3_000).await;
    let client = client_for(&server);
    let records = client.query_call_records(DEMO_TASK_ID).page_size(100).records();
    let got: Vec<_> = records.try_collect().await.unwrap();
    let expected = as_decoded(server.dataset().task_records(DEMO_TASK_ID).cloned());
    assert_eq!(got.len(), expected.len());
    assert!(got == expected, "records arrive in server order");
}

#[tokio::test]
async fn scans_stop_at_an_empty_page_and_bound_in_flight_pages() {
    let server = mock(1_000).await;
    server.handle().set_quirks(true);
    let client = Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET))
        .concurrency(3)
        .build()
        .unwrap();
    let mut pages = client.query_call_records(DEMO_TASK_ID).page_size(50).pages();
    let mut count = 0;
    while let Some(page) = pages.try_next().await.unwrap() {
        count += page.list.len();
    }
    assert_eq!(count, server.dataset().task_len(DEMO_TASK_ID));
    assert!(pages.stats().peak_in_flight <= 3, "{:?}", pages.stats());

    // A task with no records: one empty page (quirks send `list: null`), then done.
    let mut empty = client.query_call_records("no-such-task").records();
    assert!(empty.try_next().await.unwrap().is_none());
    assert_eq!(empty.stats().pages, 1);
}

#[tokio::test]
async fn ten_thousand_records_with_faults_and_live_inserts_arrive_exactly_once() {
    let server = MockServer::builder()
        .seed(5)
        .records(26_000)
        .faults(
            Faults {
                internal_error: 0.05,
                bad_gateway: 0.05,
                service_unavailable: 0.05,
                too_many_requests: 0.05,
                drop_connection: 0.05,
                truncate_body: 0.05,
                ..Faults::none()
            }
            .with_seed(99),
        )
        .quirks(true)
        .live(3)
        .start()
        .await
        .unwrap();
    let originals: Vec<i64> = server.dataset().task_records(DEMO_TASK_ID).map(|r| r.id.unwrap()).collect();
    assert!(originals.len() >= 10_000, "{}", originals.len());
    let client = client_for(&server);
    let mut records = client.query_call_records(DEMO_TASK_ID).page_size(100).records();
    let mut seen: HashMap<i64, u32> = HashMap::new();
    while let Some(record) = records.try_next().await.unwrap() {
        *seen.entry(record.id.unwrap()).or_default() += 1;
    }
    for id in &originals {
        assert_eq!(seen.get(id), Some(&1), "original record {id} must arrive exactly once");
    }
    assert!(seen.values().all(|&n| n == 1), "no record arrives twice");
    let stats = records.stats();
    assert!(stats.total_changes > 0, "live inserts change the total: {stats:?}");
    assert_eq!(stats.items, seen.len() as u64, "items counts what was yielded: {stats:?}");
    assert!(stats.duplicates_skipped > 0, "inserts move records onto later pages: {stats:?}");
    // The first page's total, then the growth (3 inserts per answered query).
    let (first, last) = (stats.first_total.unwrap(), stats.last_total.unwrap());
    assert!(first >= originals.len() as i64 && first <= originals.len() as i64 + 3, "{stats:?}");
    assert!(last > first, "{stats:?}");
    let faults = server.requests().iter().filter(|r| r.code().is_none()).count();
    assert!(faults > 50, "faults were injected: {faults}");
}

#[tokio::test]
async fn an_oversized_body_is_refused_not_buffered() {
    let server = mock(500).await;
    let client = Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET))
        .max_response_bytes(4_096)
        .build()
        .unwrap();
    let err = client.query_call_records(DEMO_TASK_ID).page_size(100).send().await.unwrap_err();
    assert!(matches!(err, Error::ResponseTooLarge { status: 200, limit: 4_096 }), "{err:?}");
    assert!(!err.is_retryable());
    assert_eq!(server.requests().len(), 1);
    // A small page still fits.
    client.query_call_records(DEMO_TASK_ID).page_size(1).send().await.unwrap();
}

#[tokio::test]
async fn a_transport_error_shows_its_cause_and_the_attempts_made() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .credentials(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET))
        .retry_policy(quick_retries().with_max_attempts(3))
        .build()
        .unwrap();
    let err = client.query_call_records(DEMO_TASK_ID).send().await.unwrap_err();
    assert!(matches!(err, Error::Transport { attempts: 3, .. }), "{err:?}");
    assert_eq!(err.attempts(), 3);
    let text = err.to_string();
    assert!(text.contains("3 attempts"), "{text}");
    assert!(text.to_lowercase().contains("connection refused"), "the cause chain reaches the OS: {text}");
}

#[tokio::test]
async fn a_status_error_after_retries_says_how_many_attempts() {
    let server = mock(10).await;
    server.handle().set_faults(Faults::always(Fault::ServiceUnavailable));
    let client = Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET))
        .retry_policy(quick_retries().with_max_attempts(2))
        .build()
        .unwrap();
    let err = client.query_call_records(DEMO_TASK_ID).send().await.unwrap_err();
    assert_eq!(err.attempts(), 2, "{err:?}");
    assert!(err.to_string().contains("2 attempts"), "{err}");
    let invalid = client.query_call_records("").send().await.unwrap_err();
    assert_eq!(invalid.attempts(), 0, "validation fails before sending: {invalid}");
}

fn page_answer(page: i64, page_size: i64, total: i64) -> (String, Vec<Vec<u8>>) {
    let list: Vec<Value> = (0..page_size).map(|i| json!({ "id": page * 1_000 + i })).collect();
    let body = json!({ "code": 0, "message": "success", "traceId": "t",
                       "data": { "total": total, "pageNumber": page, "pageSize": page_size, "list": list } });
    ("HTTP/1.1 200 OK\r\ncontent-type: application/json".to_owned(), vec![serde_json::to_vec(&body).unwrap()])
}

#[tokio::test]
async fn a_total_that_keeps_shrinking_costs_a_bounded_number_of_refetches() {
    // Every answer reports one record fewer than the one before: each page after the
    // first looks served out of order, is fetched again a bounded number of times,
    // and is then accepted; the scan ends.
    let (url, requests) = scripted(|index, body| {
        let page = body["pageNumber"].as_i64().unwrap_or(1);
        page_answer(page, 10, 50 - index as i64)
    })
    .await;
    let client =
        Client::builder().base_url(url).credentials(Credentials::new("AK", "s")).concurrency(1).build().unwrap();
    let mut pages = client.query_call_records("t").page_size(10).pages();
    let mut yielded = Vec::new();
    // A safety net, not a speed check: an unbounded refetch loop fails here instead of
    // hanging the suite.
    tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(page) = pages.try_next().await.unwrap() {
            yielded.push(page.page_number);
        }
    })
    .await
    .expect("the scan ends");
    assert_eq!(yielded, [Some(1), Some(2), Some(3), Some(4), Some(5)]);
    let stats = pages.stats();
    // Pages 2 to 5 each fetched 1 + 3 times: the refetch bound, then accepted.
    assert_eq!(stats.pages_refetched, 4 * 3, "{stats:?}");
    assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 1 + 4 * 4);
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_refused_while_streaming() {
    // No Content-Length to check up front: the limit must hold as the chunks arrive.
    let (url, _) = scripted(|_, _| {
        let chunk = vec![b' '; 2_048];
        ("HTTP/1.1 200 OK\r\ncontent-type: application/json".to_owned(), vec![chunk; 5])
    })
    .await;
    let client = Client::builder()
        .base_url(url)
        .credentials(Credentials::new("AK", "s"))
        .max_response_bytes(4_096)
        .build()
        .unwrap();
    let err = client.query_call_records("t").send().await.unwrap_err();
    assert!(matches!(err, Error::ResponseTooLarge { status: 200, limit: 4_096 }), "{err:?}");
}

#[tokio::test]
async fn the_dedupe_window_fills_to_its_bound_and_no_further() {
    // ARCHITECTURE.md: a scan remembers (concurrency + 2) x pageSize ids, whatever the
    // total. With a total well past that, the window fills exactly to the bound.
    let server = mock(2_000).await;
    let (concurrency, page_size) = (3_usize, 20_usize);
    let client = Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET))
        .concurrency(concurrency)
        .build()
        .unwrap();
    let mut records = client.query_call_records(DEMO_TASK_ID).page_size(page_size as i32).records();
    let mut count = 0;
    while records.try_next().await.unwrap().is_some() {
        count += 1;
    }
    let bound = (concurrency + 2) * page_size;
    assert!(count > bound * 3, "the task must be larger than the window: {count}");
    let stats = records.stats();
    assert_eq!(stats.peak_ids_remembered, bound, "{stats:?}");
    assert_eq!((stats.items, stats.duplicates_skipped), (count as u64, 0), "{stats:?}");
    assert!(stats.peak_in_flight <= concurrency, "{stats:?}");
}

#[tokio::test]
async fn builder_settings_reach_the_requests() {
    let server = mock(20).await;
    let client = Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET))
        .app_name("survey-bot/2.1")
        .clock(nxlink_auth::FixedClock::new(nxlink_client::Clock::now_millis(&nxlink_auth::SystemClock) - 5_000))
        .build()
        .unwrap();
    assert_eq!(client.base_url(), server.base_url());
    client.query_call_records(DEMO_TASK_ID).send().await.unwrap();
    let sent = &server.requests()[0];
    let agent = sent.header("user-agent").unwrap();
    assert!(agent.contains("survey-bot/2.1") && agent.contains("nxlink-rs"), "{agent}");
    let ts: i64 = sent.header("ts").unwrap().parse().unwrap();
    let now = nxlink_client::Clock::now_millis(&nxlink_auth::SystemClock);
    assert!(now - ts >= 5_000, "the request was signed with the given clock ({now} - {ts})");
}

#[tokio::test]
async fn a_body_of_exactly_the_limit_is_read_and_one_byte_more_is_not() {
    // A valid page padded with spaces to `size` bytes, sent whole (Content-Length) or
    // in two chunks (streamed, no length).
    fn page_of(size: usize) -> Vec<u8> {
        let mut body = br#"{"code":0,"data":{"total":0,"list":[]}}"#.to_vec();
        body.resize(size, b' ');
        body
    }
    const LIMIT: usize = 4_096;
    for chunked in [false, true] {
        for (size, fits) in [(LIMIT, true), (LIMIT + 1, false)] {
            let (url, _) = scripted(move |_, _| {
                let body = page_of(size);
                let chunks = if chunked { vec![body[..100].to_vec(), body[100..].to_vec()] } else { vec![body] };
                ("HTTP/1.1 200 OK\r\ncontent-type: application/json".to_owned(), chunks)
            })
            .await;
            let client = Client::builder()
                .base_url(url)
                .credentials(Credentials::new("AK", "s"))
                .max_response_bytes(LIMIT)
                .build()
                .unwrap();
            let result = client.query_call_records("t").send().await;
            assert_eq!(result.is_ok(), fits, "chunked {chunked}, {size} bytes: {result:?}");
            if !fits {
                assert!(matches!(result, Err(Error::ResponseTooLarge { limit: LIMIT, .. })));
            }
        }
    }
}

#[tokio::test]
async fn a_filter_the_mock_does_not_simulate_is_refused_naming_it() {
    let server = mock(20).await;
    let err =
        client_for(&server).query_call_records(DEMO_TASK_ID).extra_field("newFilter", 1).send().await.unwrap_err();
    assert_eq!(err.api_code(), Some(ErrorCode::BusinessError));
    assert!(err.to_string().contains("filter `newFilter` is not simulated"), "{err}");
}

#[tokio::test]
async fn send_once_gives_up_after_the_retry_budget_when_no_create_lands() {
    // Every create is answered 502 (maybe applied), and the task list never holds it:
    // the create is sent once per attempt of the budget, then the error is returned.
    let creates = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let looked_up_from = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let (url, _) = scripted({
        let (creates, looked_up_from) = (creates.clone(), looked_up_from.clone());
        move |_, body| {
            if body.get("pageNumber").is_some() {
                looked_up_from.lock().unwrap().push(body["createStartTs"].as_i64());
                let page = br#"{"code":0,"data":{"total":0,"list":[]}}"#.to_vec();
                return ("HTTP/1.1 200 OK\r\ncontent-type: application/json".to_owned(), vec![page]);
            }
            creates.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            ("HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html".to_owned(), vec![b"<html>502</html>".to_vec()])
        }
    })
    .await;
    let attempts = 3;
    let client = Client::builder()
        .base_url(url)
        .credentials(Credentials::new("AK", "s"))
        .retry_policy(quick_retries().with_max_attempts(attempts))
        .build()
        .unwrap();
    let once = client.create_task("Never", 1, "route", 0, nxlink_client::StartupType::Manual).send_once();
    // Bounded wait: a hang guard (a loop that never counts its attempts), not a speed check.
    let err =
        tokio::time::timeout(Duration::from_secs(30), once).await.expect("send_once stops at the budget").unwrap_err();
    assert!(matches!(err, Error::MaybeApplied { .. }), "{err:?}");
    assert_eq!(creates.load(std::sync::atomic::Ordering::SeqCst), attempts as usize, "one create per attempt");
    // Each lookup asks for tasks created from a little before now (the server's clock
    // may be behind ours), never from a time after the create was sent.
    let now = nxlink_client::Clock::now_millis(&nxlink_auth::SystemClock) / 1000;
    let from = looked_up_from.lock().unwrap().clone();
    assert_eq!(from.len(), attempts as usize, "one lookup per lost create: {from:?}");
    assert!(from.iter().all(|ts| ts.is_some_and(|ts| ts <= now - 60 && ts >= now - 3_600)), "{from:?} vs {now}");
}

#[tokio::test]
async fn send_once_says_how_many_times_an_append_was_sent_again() {
    // Two answers lost (502: maybe applied), then the third is answered.
    let (url, sent) = scripted(|index, _| {
        if index < 2 {
            return (
                "HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html".to_owned(),
                vec![b"<html>502</html>".to_vec()],
            );
        }
        ("HTTP/1.1 200 OK\r\ncontent-type: application/json".to_owned(), vec![br#"{"code":0,"data":{}}"#.to_vec()])
    })
    .await;
    let client = Client::builder()
        .base_url(url)
        .credentials(Credentials::new("AK", "s"))
        .retry_policy(quick_retries().with_max_attempts(3))
        .build()
        .unwrap();
    let contact = nxlink_client::Contact::new("c-1", "Ann", "8613000000001");
    let append = || client.append_contacts("task", vec![contact.clone()]).send_once();
    let applied = append().await.unwrap();
    assert_eq!((applied.resent, applied.id), (2, None), "sent again twice; a resend has no id to give");
    assert!(applied.data.is_some());
    assert_eq!(sent.load(std::sync::atomic::Ordering::SeqCst), 3);
    // Answered the first time: sent again zero times.
    assert_eq!(append().await.unwrap().resent, 0);
}

#[tokio::test]
async fn a_connect_timeout_is_its_own_kind_and_sending_again_is_safe() {
    let (listener, _held) = a_listener_that_never_accepts().await;
    let client = Client::builder()
        .base_url(format!("http://{}", listener.local_addr().unwrap()))
        .credentials(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET))
        .retry_policy(quick_retries().with_max_attempts(2))
        // Shorter than the attempt timeout, which would otherwise end the wait.
        .connect_timeout(Duration::from_millis(100))
        .attempt_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let err = client.query_call_records(DEMO_TASK_ID).send().await.unwrap_err();
    assert!(matches!(err, Error::Timeout { kind: TimeoutKind::Connect, attempts: 2, .. }), "{err:?}");
    assert!(err.to_string().starts_with("connect timeout after"), "{err}");
    assert!(!err.may_have_been_applied(), "nothing was sent");
    // So a create, which is never sent twice when it may have landed, is sent again.
    let create = client.create_task("Connect", 1, "1", 0, nxlink_client::StartupType::Manual).send().await;
    let err = create.unwrap_err();
    assert!(matches!(err, Error::Timeout { kind: TimeoutKind::Connect, attempts: 2, .. }), "{err:?}");
}
