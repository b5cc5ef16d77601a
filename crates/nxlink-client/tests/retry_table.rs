//! The retry table through real HTTP: every status class × an envelope or an HTML
//! page × `Retry-After` or not × an idempotent call (call records) or not (task create),
//! against a server scripted to answer every request the same way. What each
//! combination must do is the README's table ("Retries never apply a call twice").
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test fails by panicking

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use nxlink_client::{Client, Credentials, Error, RetryPolicy, StartupType};

mod common;
use common::scripted;

const ATTEMPTS: u32 = 3;
/// The longest wait the client grants a `Retry-After`: every retry after an answer
/// with one waits exactly this long, and without one it waits nothing (zero backoff).
const RETRY_AFTER_CAP: Duration = Duration::from_millis(40);

#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    /// One attempt, the answer's error as it was.
    Stop,
    /// Every attempt of the budget, then the last answer's error.
    RetriedToTheBudget,
    /// One attempt, then `Error::MaybeApplied` naming the idempotency key.
    MaybeApplied,
}

fn client(url: &str) -> Client {
    Client::builder()
        .base_url(url)
        .credentials(Credentials::new("AK", "secret"))
        .retry_policy(
            RetryPolicy::default()
                .with_max_attempts(ATTEMPTS)
                .with_initial_backoff(Duration::ZERO)
                .with_max_backoff(Duration::ZERO)
                .with_max_retry_after(RETRY_AFTER_CAP),
        )
        .build()
        .unwrap()
}

#[tokio::test]
async fn every_status_body_header_and_idempotency_combination_follows_the_table() {
    use Expect::*;
    // (status, idempotent call, non-idempotent call): the body and Retry-After never
    // change what is done, only how long a retry waits.
    let table = [
        (200, Stop, Stop),
        (400, Stop, Stop),
        (404, Stop, Stop),
        (429, RetriedToTheBudget, RetriedToTheBudget),
        (500, RetriedToTheBudget, MaybeApplied),
        (502, RetriedToTheBudget, MaybeApplied),
        (503, RetriedToTheBudget, RetriedToTheBudget),
        (504, RetriedToTheBudget, MaybeApplied),
    ];
    let mut combinations = 0;
    for (status, for_idempotent, for_other) in table {
        for envelope in [true, false] {
            for retry_after in [true, false] {
                let body = if envelope {
                    format!(
                        r#"{{"code":{},"message":"refused","traceId":"t-{status}"}}"#,
                        if status == 200 { 20000 } else { status }
                    )
                } else {
                    format!("<html><body><h1>{status}</h1></body></html>")
                };
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: {}{}",
                    if envelope { "application/json" } else { "text/html" },
                    if retry_after { "\r\nretry-after: 1" } else { "" }
                );
                let (url, count) = scripted(move |_, _| (head.clone(), vec![body.clone().into_bytes()])).await;
                let client = client(&url);
                for (idempotent, expect) in [(true, for_idempotent), (false, for_other)] {
                    count.store(0, Ordering::SeqCst);
                    let case = format!(
                        "HTTP {status}, envelope {envelope}, Retry-After {retry_after}, idempotent {idempotent}"
                    );
                    let started = Instant::now();
                    let err = if idempotent {
                        client.query_call_records("task").send().await.unwrap_err()
                    } else {
                        client.create_task("n", 1, "r", 0, StartupType::Manual).send().await.unwrap_err()
                    };
                    let elapsed = started.elapsed();
                    let sent = count.load(Ordering::SeqCst) as u32;
                    match expect {
                        Stop => {
                            assert_eq!(sent, 1, "{case}: {err}");
                            assert!(!matches!(err, Error::MaybeApplied { .. }), "{case}: {err}");
                            assert!(!err.is_retryable(), "{case}: {err}");
                        }
                        RetriedToTheBudget => {
                            assert_eq!(sent, ATTEMPTS, "{case}: {err}");
                            assert!(!matches!(err, Error::MaybeApplied { .. }), "{case}: {err}");
                            assert_eq!(err.attempts(), ATTEMPTS, "{case}: the error says how many: {err}");
                            assert!(err.to_string().contains(&format!("{ATTEMPTS} attempts")), "{case}: {err}");
                            if retry_after {
                                // Only the header explains a wait: the backoff is zero.
                                let waited = RETRY_AFTER_CAP * (ATTEMPTS - 1);
                                assert!(elapsed >= waited, "{case}: Retry-After honoured: {elapsed:?} < {waited:?}");
                            }
                        }
                        MaybeApplied => {
                            assert_eq!(sent, 1, "{case}: a call that may have been applied is not sent again: {err}");
                            let Error::MaybeApplied { key: Some((field, value)), source } = &err else {
                                panic!("{case}: {err:?}")
                            };
                            assert_eq!(*field, "userTaskId", "{case}");
                            assert!(!value.is_empty() && err.to_string().contains(value.as_str()), "{case}: {err}");
                            assert_eq!(source.status(), Some(status), "{case}");
                        }
                    }
                    // What the server said is kept, body and all.
                    let inner = match &err {
                        Error::MaybeApplied { source, .. } => source.as_ref(),
                        other => other,
                    };
                    assert_eq!(inner.status(), Some(status), "{case}: {err:?}");
                    match (envelope, inner) {
                        (true, Error::Api(api)) => {
                            assert_eq!(api.trace_id.as_deref(), Some(&*format!("t-{status}")), "{case}");
                            assert_eq!(api.retry_after.is_some(), retry_after, "{case}");
                        }
                        (false, Error::Status { retry_after: kept, .. }) => {
                            assert_eq!(kept.is_some(), retry_after, "{case}");
                        }
                        (false, Error::Decode { .. }) if status == 200 => {}
                        (_, other) => panic!("{case}: {other:?}"),
                    }
                    combinations += 1;
                }
            }
        }
    }
    assert_eq!(combinations, table.len() * 2 * 2 * 2);
}

/// A body that claims success under an error status is the error status: a 503 with
/// `{"code":0}` is retried, never read as a page.
#[tokio::test]
async fn a_success_envelope_under_an_error_status_is_the_status() {
    for status in [429, 500, 503] {
        let head = format!("HTTP/1.1 {status} X\r\ncontent-type: application/json");
        let body = r#"{"code":0,"message":"success","data":{"total":0,"list":[]}}"#;
        let (url, count) = scripted(move |_, _| (head.clone(), vec![body.as_bytes().to_vec()])).await;
        let err = client(&url).query_call_records("task").send().await.unwrap_err();
        assert!(matches!(err, Error::Status { status: s, .. } if s == status), "{status}: {err:?}");
        assert_eq!(count.load(Ordering::SeqCst) as u32, ATTEMPTS, "{status}");
    }
}
