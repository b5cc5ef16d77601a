//! The mock's knobs as documented: callbacks retried and signed with the key that created
//! the task, the fault sequence restarting when set, the request log's capacity, the cap
//! on live inserts.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test fails by panicking

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{query, shared_dataset, Call};
use nxlink_auth::{Credentials, KeyStore, Verifier};
use nxlink_mock::{Faults, MockServer, DEMO_TASK_ID, MAX_LIVE_PER_REQUEST, SEEDED_AGENTS, SEEDED_ROUTES};
use nxlink_models::runtime::Operation;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A receiver that answers 500 to the first `refusals` POSTs, then 200; it keeps each
/// request's headers and body.
async fn flaky_receiver(refusals: usize) -> (String, Arc<Mutex<Vec<(Vec<(String, String)>, Vec<u8>)>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let log = log.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0_u8; 8192];
                let (head, body) = loop {
                    let Ok(n) = socket.read(&mut chunk).await else { return };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
                    let head = String::from_utf8_lossy(&buf[..end]).to_string();
                    let length: usize = head
                        .lines()
                        .find_map(|l| {
                            l.to_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap())
                        })
                        .unwrap_or(0);
                    if buf.len() >= end + 4 + length {
                        break (head, buf[end + 4..end + 4 + length].to_vec());
                    }
                };
                let headers: Vec<(String, String)> = head
                    .lines()
                    .skip(1)
                    .filter_map(|l| l.split_once(':').map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned())))
                    .collect();
                let count = {
                    let mut log = log.lock().unwrap();
                    log.push((headers, body));
                    log.len()
                };
                let status = if count <= refusals { "500 Internal Server Error" } else { "200 OK" };
                let _ = socket
                    .write_all(
                        format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").as_bytes(),
                    )
                    .await;
            });
        }
    });
    (url, seen)
}

/// Bug: `deliver` trying once (a receiver that was briefly down misses the call), or
/// signing with the demo key instead of the key pair that created the task.
#[tokio::test]
async fn a_refused_callback_is_sent_three_times_signed_with_the_creators_key() {
    let server = MockServer::builder()
        .dataset(shared_dataset())
        .key("AK-second", "second-secret")
        .dial_ms(5)
        .start()
        .await
        .unwrap();
    let (url, seen) = flaky_receiver(2).await;
    let as_second = |path: &'static str, body: Value| {
        let mut call = Call::json(&body).with(|c| {
            c.access_key = "AK-second".into();
            c.secret = "second-secret".into();
        });
        call.path = path;
        call
    };
    let created = as_second(
        nxlink_models::CreateTask::ENDPOINT.path,
        json!({"taskName": "Hooked", "autoFlowId": SEEDED_AGENTS[0].0, "routeId": SEEDED_ROUTES[0].0,
               "taskKeep": 0, "startupType": 1, "callCallbackUrl": url}),
    )
    .send(server.base_url())
    .await
    .unwrap();
    let created: Value = serde_json::from_slice(&created.bytes().await.unwrap()).unwrap();
    let task_id = created["data"]["taskId"].as_str().unwrap().to_owned();
    as_second(
        nxlink_models::AppendContacts::ENDPOINT.path,
        json!({"taskId": task_id, "list": [{"contactId": "c1", "name": "A", "phoneNumber": "85290000001"}]}),
    )
    .send(server.base_url())
    .await
    .unwrap();
    tokio::time::timeout(Duration::from_secs(60), async {
        while seen.lock().unwrap().len() < 3 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("three deliveries");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3, "refused twice, accepted the third time, then no more");
    assert!(seen.iter().all(|(_, body)| *body == seen[0].1), "the same callback each time");
    let verifier = Verifier::new(KeyStore::new().with(Credentials::new("AK-second", "second-secret")))
        .with_max_skew_millis(600_000);
    for (headers, body) in &seen {
        let pairs: Vec<(String, String)> = headers.clone();
        verifier.verify_headers(&pairs[..], body).expect("signed with the creator's key pair");
    }
}

/// Bug: `set_faults` keeping the old random sequence: the same seed set twice must give
/// the same faults, so a failing test can be replayed.
#[tokio::test]
async fn setting_the_same_faults_again_replays_the_same_sequence() {
    let server = MockServer::builder().dataset(shared_dataset()).start().await.unwrap();
    let faults = Faults { internal_error: 0.3, service_unavailable: 0.2, ..Faults::none() }.with_seed(11);
    let mut runs = Vec::new();
    for _ in 0..2 {
        server.handle().set_faults(faults.clone());
        let mut statuses = Vec::new();
        for _ in 0..30 {
            statuses.push(
                Call::json(&query(DEMO_TASK_ID, Value::Null)).send(server.base_url()).await.unwrap().status().as_u16(),
            );
        }
        runs.push(statuses);
    }
    assert_eq!(runs[0], runs[1]);
    assert!(runs[0].iter().any(|s| *s != 200) && runs[0].contains(&200), "{:?}", runs[0]);
}

/// Bug: the request log keeping the first requests instead of the latest, or one fewer
/// or more than its capacity.
#[tokio::test]
async fn the_request_log_keeps_the_latest_requests_up_to_its_capacity() {
    let server = MockServer::builder().dataset(shared_dataset()).request_log_capacity(3).start().await.unwrap();
    for page in 1..=5 {
        Call::json(&json!({"taskId": DEMO_TASK_ID, "pageNumber": page, "pageSize": 1}))
            .send(server.base_url())
            .await
            .unwrap();
    }
    let pages: Vec<i64> = server
        .requests()
        .iter()
        .map(|r| serde_json::from_slice::<Value>(&r.body).unwrap()["pageNumber"].as_i64().unwrap())
        .collect();
    assert_eq!(pages, [3, 4, 5]);
    let off = MockServer::builder().dataset(shared_dataset()).request_log_capacity(0).start().await.unwrap();
    Call::json(&query(DEMO_TASK_ID, Value::Null)).send(off.base_url()).await.unwrap();
    assert!(off.requests().is_empty(), "capacity 0 keeps nothing");
}

/// Bug: the live-insert rate left uncapped (a typo of a large number freezes the mock).
#[tokio::test]
async fn live_inserts_are_capped() {
    let server = MockServer::builder().dataset(shared_dataset()).live(usize::MAX).start().await.unwrap();
    assert_eq!(server.handle().live(), MAX_LIVE_PER_REQUEST);
    server.handle().set_live(usize::MAX);
    assert_eq!(server.handle().live(), MAX_LIVE_PER_REQUEST);
    server.handle().set_live(7);
    assert_eq!(server.handle().live(), 7);
}
