//! Decodes one 1,000-record page N times with the chosen decoder, for instruction
//! counts under callgrind (repeatable on a noisy machine, unlike wall time):
//!
//! ```sh
//! cargo build --release -p nxlink-benches --example decode_profile
//! for v in lenient option strict; do for n in 2 12; do
//!   valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/decode_profile $v $n 2>&1 | grep Collected
//! done; done   # per page = (count at 12 - count at 2) / 10
//! ```
#![allow(missing_docs, clippy::unwrap_used)]
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

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: decode_profile lenient|option|strict ITERATIONS");
        std::process::exit(2);
    }
    let body = nxlink_benches::page_body(1000, false);
    let n: usize = args[2].parse().unwrap();
    let mut total = 0;
    for _ in 0..n {
        total += match args[1].as_str() {
            "lenient" => nxlink_models::decode::<Envelope<CallRecordPage>>(&body).unwrap().data.unwrap().list.len(),
            "option" => serde_json::from_slice::<OptionEnvelope>(&body).unwrap().data.unwrap().list.len(),
            _ => serde_json::from_slice::<StrictEnvelope>(&body).unwrap().data.unwrap().list.len(),
        };
    }
    println!("{total}");
}
