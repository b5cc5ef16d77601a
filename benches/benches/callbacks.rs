//! Verified callbacks per second through the receiver core (`Receiver::receive`:
//! verify the signature over the body, decode the payload, check for a redelivery)
//! against only parsing the JSON (`serde_json::Value`), in the same run.
//!
//! `cargo bench -p nxlink-benches --bench callbacks`

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
}

// The macro defines a `pub fn` that cannot carry a doc comment.
#[allow(missing_docs)]
mod group {
    criterion::criterion_group!(benches, super::callbacks);
}
criterion_main!(group::benches);
