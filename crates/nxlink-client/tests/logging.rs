//! Tracing: one span per request with what an operator needs, and never a secret or a
//! signature, at any level.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test fails by panicking

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use nxlink_client::{Client, Credentials, RetryPolicy};
use nxlink_mock::{Fault, Faults, MockServer, DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET, DEMO_TASK_ID};
use tracing_subscriber::fmt::format::FmtSpan;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn spans_carry_request_facts_and_logs_never_carry_secrets() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    const WRONG_SECRET: &str = "wrong-secret-0123456789";
    let server = MockServer::builder().seed(1).records(200).clock_offset_millis(120_000).start().await.unwrap();
    let fast = RetryPolicy::default()
        .with_initial_backoff(Duration::from_millis(1))
        .with_max_retry_after(Duration::from_millis(5));
    let good = Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET))
        .retry_policy(fast)
        .build()
        .unwrap();
    let bad = Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::new(DEMO_ACCESS_KEY, WRONG_SECRET))
        .build()
        .unwrap();

    // A skew recovery (1004 then success), a signature failure, and retried faults.
    good.query_call_records(DEMO_TASK_ID).send().await.unwrap();
    bad.query_call_records(DEMO_TASK_ID).send().await.unwrap_err();
    server.handle().set_faults(Faults::always(Fault::ServiceUnavailable));
    good.query_call_records(DEMO_TASK_ID).send().await.unwrap_err();
    // Debug of the client and its errors goes to logs too.
    tracing::debug!(client = ?good, "client in use");

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for needle in [
        "nxlink.request",
        "path=/openapi/aiagent/call/list",
        "attempt=",
        "http.status=200",
        "api.code=1003",
        "trace_id=",
        "latency_ms=",
        "api.code=1004",
        "retrying",
    ] {
        assert!(logs.contains(needle), "logs lack {needle}:\n{logs}");
    }
    assert!(!logs.contains(DEMO_ACCESS_SECRET), "the secret leaked");
    assert!(!logs.contains(WRONG_SECRET), "the secret leaked");
    let signatures: Vec<String> =
        server.requests().iter().filter_map(|r| r.header("sign").map(str::to_owned)).collect();
    assert!(signatures.len() >= 6, "{}", signatures.len());
    for sign in signatures {
        assert!(!logs.contains(&sign), "signature {sign} leaked");
    }
}

#[tokio::test]
async fn a_scan_warns_once_per_unknown_field_and_code_and_counts_them() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    // Quirks add `tenantId` and `ext` to every record and codes newer than the docs to
    // some; several pages, so a name seen on each page must still be logged once.
    let server = MockServer::builder().seed(3).records(300).quirks(true).start().await.unwrap();
    let client = Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET))
        .build()
        .unwrap();
    let mut stream = client.query_call_records(DEMO_TASK_ID).page_size(10).records();
    let mut records = Vec::new();
    while let Some(record) = futures_util::TryStreamExt::try_next(&mut stream).await.unwrap() {
        records.push(record);
    }
    let stats = stream.stats();
    assert!(stats.pages > 2, "several pages: {}", stats.pages);

    // The counts, against what the records themselves hold.
    let n = records.len() as u64;
    let with = |field: &str| records.iter().filter(|r| r.extra.contains_key(field)).count() as u64;
    assert_eq!((with("tenantId"), with("ext")), (n, n));
    let counts: Vec<(String, u64)> = stats.drift.iter().map(|(f, count)| (f.to_string(), count)).collect();
    assert!(counts.contains(&("field `tenantId` of CallRecord".to_owned(), n)), "{counts:?}");
    assert!(counts.contains(&("field `ext` of CallRecord".to_owned(), n)), "{counts:?}");
    assert!(counts.contains(&("field `hasMore` of CallRecordPage".to_owned(), stats.pages)), "{counts:?}");
    let unknown_results: Vec<i64> =
        records.iter().filter_map(|r| r.call_result.filter(|c| c.is_unknown()).map(|c| c.code())).collect();
    assert!(!unknown_results.is_empty());
    let code = unknown_results[0];
    let expected = unknown_results.iter().filter(|&&c| c == code).count() as u64;
    assert!(counts.contains(&(format!("code {code} of `callResult` in CallRecord"), expected)), "{counts:?}");
    assert_eq!(counts.iter().filter(|(text, _)| text.starts_with("code ")).count(), 2, "{counts:?}");

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let lines = |needle: &str| logs.lines().filter(|line| line.contains(needle)).count();
    assert_eq!(lines("field=\"tenantId\""), 1, "once per scan:\n{logs}");
    assert_eq!(lines("field=\"ext\""), 1, "{logs}");
    assert_eq!(lines(&format!("code={code}")), 1, "{logs}");
}
