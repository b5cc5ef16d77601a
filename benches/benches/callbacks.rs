//! Verified callbacks per second through the receiver core (`Receiver::receive`:
//! verify the signature over the body, decode the payload, check for a redelivery)
//! against only parsing the JSON (`serde_json::Value`), in the same run; then the same
//! two as axum handlers on 127.0.0.1, each callback one POST over a kept-alive
//! connection.
//!
//! `cargo bench -p nxlink-benches --bench callbacks`

#![allow(clippy::unwrap_used)] // a bench that cannot set up fails loudly

use criterion::{black_box, criterion_main, Criterion, Throughput};
use nxlink_auth::{Credentials, KeyStore, Signer, SystemClock};
use nxlink_client::{Receiver, UnsignedPolicy};

fn callbacks(c: &mut Criterion) {
    const SECRET: &str = "bench-secret";
    let body = br#"{"taskId":"972e65ad-bfa5-4f35-845f-1867009b2c34","userTaskId":"EXT-1","contactId":"fde45ccd-9902-43a4-8e2e-ca4dba5a93e0","autoFlowId":207,"orderHead":1,"orderTail":1,"callerPhone":"00000","calleePhone":"85238531065","realPhone":"85238531065","callId":"fe90a9af-e14c-4330-8faa-2631e761124a","callStatus":10,"callResult":17,"createTs":1742378329,"opTs":1742378340,"callStart":1742378340,"callAnswer":1742378343,"callEnd":1742378480,"callRingTime":3,"callElapsed":137,"userIntent":"Interested"}"#;
    let now = nxlink_auth::Clock::now_millis(&SystemClock);
    let signer = Signer::new(Credentials::new("AK-bench", SECRET));
    let headers: Vec<(String, String)> =
        signer.sign("100", "nxai", now, body).iter().map(|(n, v)| (n.to_owned(), v.to_owned())).collect();
    // A window of one: every delivery is checked against the dedupe set, none is new
    // after the first, which is the steady state of a receiver seeing redeliveries.
    let receiver = Receiver::new(KeyStore::new().with(Credentials::new("AK-bench", SECRET))).dedupe_window(1);
    assert!(receiver.receive(&headers[..], body).is_ok(), "the bench body verifies");
    let unsigned = Receiver::new(KeyStore::new()).unsigned(UnsignedPolicy::Allow);

    let mut group = c.benchmark_group("callback");
    group.throughput(Throughput::Elements(1));
    group.bench_function("receive_signed_md5", |b| {
        b.iter(|| receiver.receive(black_box(&headers[..]), black_box(body)).is_ok())
    });
    group.bench_function("receive_unsigned", |b| {
        b.iter(|| unsigned.receive(black_box(&Vec::<(String, String)>::new()[..]), black_box(body)).is_ok())
    });
    group.bench_function("parse_json_value_only", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(body)).is_ok())
    });
    group.finish();

    // Over HTTP on loopback: the receiver's axum router against a handler that only
    // parses the JSON, both answering 200 with the same reply.
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let receiver = std::sync::Arc::new(receiver);
    let verified = nxlink_client::receiver::axum_router(receiver, |_| {}, |_| {});
    let parse_only = axum::Router::new().fallback(|body: axum::body::Bytes| async move {
        let _ = black_box(serde_json::from_slice::<serde_json::Value>(&body).is_ok());
        nxlink_client::receiver::REPLY
    });
    let serve = |app: axum::Router| {
        runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let url = format!("http://{}/hooks", listener.local_addr().unwrap());
            tokio::spawn(async move { axum::serve(listener, app).await });
            url
        })
    };
    let (verified_url, parse_url) = (serve(verified), serve(parse_only));
    let http = reqwest::Client::new();
    let post = |url: &str| {
        let mut request = http.post(url).header("content-type", "application/json");
        for (name, value) in &headers {
            request = request.header(name, value);
        }
        runtime.block_on(async {
            let answer = request.body(&body[..]).send().await.unwrap();
            assert!(answer.status().is_success());
            answer.bytes().await.unwrap()
        })
    };
    let mut group = c.benchmark_group("callback_http");
    group.throughput(Throughput::Elements(1));
    group.bench_function("axum_receiver_signed_md5", |b| b.iter(|| post(&verified_url)));
    group.bench_function("axum_parse_json_value_only", |b| b.iter(|| post(&parse_url)));
    group.finish();
}

// The macro defines a `pub fn` that cannot carry a doc comment.
#[allow(missing_docs)]
mod group {
    criterion::criterion_group!(benches, super::callbacks);
}
criterion_main!(group::benches);
