//! Decoding a 1,000-record page: typed and lenient vs `serde_json::Value` (what an
//! untyped SDK does) on the quirky body the mock sends, and lenient vs a strict
//! `#[derive(Deserialize)]` mirror on a clean body.
//!
//! `cargo bench -p nxlink-benches --bench decode`

use criterion::{black_box, criterion_main, Criterion, Throughput};
use nxlink_models::{CallRecordPage, Envelope};
use serde::Deserialize;

/// The call record as a plain derive would decode it: fails on `""` for a number,
/// on numbers sent as strings, on nulls in non-`Option` fields.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct StrictRecord {
    id: i64,
    task_id: String,
    contact_id: String,
    auto_flow_id: i64,
    order_head: i32,
    order_tail: i32,
    caller_phone: String,
    callee_phone: String,
    real_phone: String,
    call_id: String,
    call_status: i64,
    call_result: i64,
    create_ts: i64,
    op_ts: i64,
    call_start: i64,
    call_answer: Option<i64>,
    call_end: i64,
    call_ring_time: i64,
    call_elapsed: i64,
    line_id: String,
    route_id: String,
    call_audio_url: String,
    user_intent: String,
    call_summary: String,
    turn_time: i32,
    manual_call_start: i64,
    manual_call_answer: i64,
    manual_call_end: i64,
    manual_call_status: i32,
    manual_elapsed: i32,
    agent_name: String,
    agent_id: String,
    agent_group_name: String,
    agent_group_id: String,
    call_callback_url: String,
    order_callback_url: String,
    sip_addr: String,
    sip_code: String,
    hangup_reason: String,
    attributes: Vec<StrictAttribute>,
    auto_flow_name: String,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct StrictAttribute {
    name: String,
    key: String,
    value: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct StrictPage {
    total: i64,
    page_number: i32,
    page_size: i32,
    list: Vec<StrictRecord>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct StrictEnvelope {
    code: i64,
    message: Option<String>,
    trace_id: Option<String>,
    data: Option<StrictPage>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct OptionRecord {
    id: Option<i64>,
    task_id: Option<String>,
    contact_id: Option<String>,
    auto_flow_id: Option<i64>,
    order_head: Option<i32>,
    order_tail: Option<i32>,
    caller_phone: Option<String>,
    callee_phone: Option<String>,
    real_phone: Option<String>,
    call_id: Option<String>,
    call_status: Option<i64>,
    call_result: Option<i64>,
    create_ts: Option<i64>,
    op_ts: Option<i64>,
    call_start: Option<i64>,
    call_answer: Option<i64>,
    call_end: Option<i64>,
    call_ring_time: Option<i64>,
    call_elapsed: Option<i64>,
    line_id: Option<String>,
    route_id: Option<String>,
    call_audio_url: Option<String>,
    user_intent: Option<String>,
    call_summary: Option<String>,
    turn_time: Option<i32>,
    manual_call_start: Option<i64>,
    manual_call_answer: Option<i64>,
    manual_call_end: Option<i64>,
    manual_call_status: Option<i32>,
    manual_elapsed: Option<i32>,
    agent_name: Option<String>,
    agent_id: Option<String>,
    agent_group_name: Option<String>,
    agent_group_id: Option<String>,
    call_callback_url: Option<String>,
    order_callback_url: Option<String>,
    sip_addr: Option<String>,
    sip_code: Option<String>,
    hangup_reason: Option<String>,
    attributes: Vec<StrictAttribute>,
    auto_flow_name: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct OptionPage {
    list: Vec<OptionRecord>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct OptionEnvelope {
    data: Option<OptionPage>,
}

fn decode(c: &mut Criterion) {
    let quirky = nxlink_benches::page_body(1000, true);
    let clean = nxlink_benches::page_body(1000, false);
    // Sanity: every body decodes the way it is benchmarked.
    let typed: Envelope<CallRecordPage> = nxlink_models::decode(&quirky).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(typed.data.map(|d| d.list.len()), Some(1000));
    let strict: StrictEnvelope = serde_json::from_slice(&clean).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(strict.data.map(|d| d.list.len()), Some(1000));
    eprintln!("quirky page: {} bytes; clean page: {} bytes", quirky.len(), clean.len());

    let mut group = c.benchmark_group("decode_quirky_1000");
    group.throughput(Throughput::Bytes(quirky.len() as u64));
    group.bench_function("typed_lenient", |b| {
        b.iter(|| {
            nxlink_models::decode::<Envelope<CallRecordPage>>(black_box(&quirky)).map(|e| e.data.map(|d| d.list.len()))
        })
    });
    group.bench_function("serde_json_value", |b| {
        b.iter(|| {
            serde_json::from_slice::<serde_json::Value>(black_box(&quirky))
                .map(|v| v["data"]["list"].as_array().map(Vec::len))
        })
    });
    group.finish();

    let mut group = c.benchmark_group("decode_clean_1000");
    group.throughput(Throughput::Bytes(clean.len() as u64));
    group.bench_function("typed_lenient", |b| {
        b.iter(|| {
            nxlink_models::decode::<Envelope<CallRecordPage>>(black_box(&clean)).map(|e| e.data.map(|d| d.list.len()))
        })
    });
    group.bench_function("option_derive", |b| {
        b.iter(|| serde_json::from_slice::<OptionEnvelope>(black_box(&clean)).map(|e| e.data.map(|d| d.list.len())))
    });
    group.bench_function("strict_derive", |b| {
        b.iter(|| serde_json::from_slice::<StrictEnvelope>(black_box(&clean)).map(|e| e.data.map(|d| d.list.len())))
    });
    group.finish();
}

// The macro defines a `pub fn` that cannot carry a doc comment.
#[allow(missing_docs)]
mod group {
    criterion::criterion_group!(benches, super::decode);
}
criterion_main!(group::benches);
