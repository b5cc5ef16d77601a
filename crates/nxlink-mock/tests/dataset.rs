//! The generated dataset: self-consistent records, deterministic for a seed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;

use nxlink_mock::{Dataset, DATASET_END_TS, DATASET_SPAN_SECS, DEMO_TASK_ID, TASK_IDS, USER_INTENTS};
use nxlink_models::{CallRecord, CallResult, CallStatus};

fn answered(result: CallResult) -> bool {
    use CallResult as R;
    matches!(
        result,
        R::NormalEndConnected
            | R::HumanVoiceDetected
            | R::NormalEndAgentHungUp
            | R::NormalEndUserHungUp
            | R::Voicemail
            | R::Silence
    )
}

#[track_caller]
fn check_record(r: &CallRecord) {
    let id = r.id.unwrap();
    let status = r.call_status.unwrap();
    let result = r.call_result.unwrap();
    assert!(!status.is_unknown() && !result.is_unknown(), "{id}");

    // Timeline.
    let create = r.create_ts.unwrap();
    let start = r.call_start.unwrap();
    let end = r.call_end.unwrap();
    let elapsed = r.call_elapsed.unwrap();
    let ring = r.call_ring_time.unwrap();
    assert!(create <= start && start <= end, "{id}");
    assert_eq!(r.op_ts, Some(start), "{id}");
    if answered(result) {
        assert_eq!(status, CallStatus::Completed, "{id}");
        let answer = r.call_answer.unwrap();
        assert!(start <= answer && answer <= end, "{id}");
        assert_eq!(elapsed, end - answer, "{id}");
        assert_eq!(ring, answer - start, "{id}");
        assert!(elapsed > 0, "{id}");
        assert!(!r.call_audio_url.as_deref().unwrap().is_empty(), "{id}");
    } else {
        assert_ne!(status, CallStatus::Completed, "{id}");
        assert_eq!(r.call_answer, None, "{id}");
        assert_eq!(elapsed, 0, "{id}");
        assert_eq!(end, start + ring, "{id}");
        assert_eq!(r.turn_time, Some(0), "{id}");
    }
    if result.is_connected() {
        assert_eq!(status, CallStatus::Completed, "{id}");
    }
    if result.is_not_answered() || result.is_unreachable() {
        assert!(r.call_answer.is_none() && elapsed == 0, "{id}");
    }

    // Intent only where the docs allow one.
    let intent = r.user_intent.as_deref().unwrap();
    if !intent.is_empty() {
        assert!(result.is_intent_available(), "{id}: intent with result {}", result.code());
        assert!(USER_INTENTS.contains(&intent), "{id}");
    }
    if result.is_connected() {
        assert!(!intent.is_empty(), "{id}");
    }

    // Manual (agent) leg inside the call.
    if r.manual_call_status == Some(1) {
        let (m_start, m_answer, m_end) =
            (r.manual_call_start.unwrap(), r.manual_call_answer.unwrap(), r.manual_call_end.unwrap());
        assert!(r.call_answer.unwrap() <= m_start && m_start <= m_answer && m_answer <= m_end && m_end <= end);
        assert_eq!(i64::from(r.manual_elapsed.unwrap()), m_end - m_answer, "{id}");
        assert!(!r.agent_name.as_deref().unwrap().is_empty());
    } else {
        assert_eq!(r.manual_call_start, Some(0));
        assert_eq!(r.manual_elapsed, Some(0));
    }

    // Phones and attributes.
    let phone = r.callee_phone.as_deref().unwrap();
    assert!(phone.bytes().all(|b| b.is_ascii_digit()), "{id}");
    let plausible = (phone.starts_with("852") && phone.len() == 11)
        || (phone.starts_with("628") && phone.len() == 13)
        || (phone.starts_with('1') && phone.len() == 11);
    assert!(plausible, "{id}: {phone}");
    assert_eq!(r.real_phone.as_deref(), Some(phone));
    let attribute = |key: &str| r.attributes.iter().find(|a| a.key.as_deref() == Some(key));
    assert_eq!(attribute("sys.phoneNumber").unwrap().value.as_deref(), Some(phone), "{id}");
    assert!(!attribute("sys.name").unwrap().value.as_deref().unwrap().is_empty());

    // Every other field the spec knows is filled (read by wire name: the spec may drop
    // a descriptive one).
    let json = serde_json::to_value(r).unwrap();
    let names = [
        "taskId",
        "contactId",
        "callerPhone",
        "callId",
        "lineId",
        "routeId",
        "sipAddr",
        "sipCode",
        "hangupReason",
        "autoFlowName",
    ];
    for name in names.into_iter().filter(|name| nxlink_models::CallRecord::FIELDS.contains(name)) {
        assert!(json[name].as_str().is_some_and(|v| !v.is_empty()), "{id}: {name}");
    }
    assert!(TASK_IDS.contains(&r.task_id.as_deref().unwrap()));
    assert!(r.auto_flow_id.is_some() && r.order_head.is_some() && r.order_tail.is_some());
}

#[test]
fn a_hundred_thousand_records_are_consistent() {
    let dataset = Dataset::generate(7, 100_000);
    let records = dataset.records();
    assert_eq!(records.len(), 100_000);
    records.iter().for_each(check_record);
    let range = DATASET_END_TS - DATASET_SPAN_SECS..=DATASET_END_TS;
    assert!(records.iter().all(|r| range.contains(&r.create_ts.unwrap())));

    // Newest first, unique ids and call ids.
    assert!(records.windows(2).all(|w| (w[0].create_ts, w[0].id) > (w[1].create_ts, w[1].id)));
    let ids: HashSet<_> = records.iter().map(|r| r.id.unwrap()).collect();
    assert_eq!(ids.len(), records.len());
    let call_ids: HashSet<_> = records.iter().map(|r| r.call_id.clone().unwrap()).collect();
    assert_eq!(call_ids.len(), records.len());

    // createTs spread over the whole range.
    let newest = records[0].create_ts.unwrap();
    let oldest = records.last().unwrap().create_ts.unwrap();
    assert!(newest > DATASET_END_TS - 86_400 && oldest < DATASET_END_TS - DATASET_SPAN_SECS + 86_400);

    // Every task has records, the demo task the most; the mix of outcomes is varied.
    let counts: Vec<usize> = TASK_IDS.iter().map(|task| dataset.task_len(task)).collect();
    assert_eq!(counts.iter().sum::<usize>(), records.len());
    assert!(counts.iter().all(|count| *count > 5_000));
    assert_eq!(counts.iter().max(), Some(&dataset.task_len(DEMO_TASK_ID)));
    let results: HashSet<_> = records.iter().map(|r| r.call_result.unwrap().code()).collect();
    let statuses: HashSet<_> = records.iter().map(|r| r.call_status.unwrap().code()).collect();
    assert!(results.len() >= 15 && statuses.len() >= 15, "{results:?} {statuses:?}");
    let completed = records.iter().filter(|r| r.call_status == Some(CallStatus::Completed)).count();
    assert!((40_000..70_000).contains(&completed));
    assert!(records.iter().any(|r| r.manual_call_status == Some(1)));
}

#[test]
fn same_seed_same_dataset_other_seed_other_dataset() {
    let first = Dataset::generate(3, 20_000);
    let second = Dataset::generate(3, 20_000);
    assert!(first.records() == second.records());
    assert_eq!(first.seed(), 3);
    let other = Dataset::generate(4, 20_000);
    assert!(first.records() != other.records());
    let differing = first.records().iter().zip(other.records()).filter(|(a, b)| a.call_id != b.call_id).count();
    assert_eq!(differing, 20_000);
}

#[test]
fn task_records_are_the_task_slice_newest_first() {
    let dataset = Dataset::generate(1, 3_000);
    for task in TASK_IDS {
        let of_task: Vec<_> = dataset.task_records(task).collect();
        let filtered: Vec<_> = dataset.records().iter().filter(|r| r.task_id.as_deref() == Some(*task)).collect();
        assert!(of_task == filtered, "{task}");
    }
    assert_eq!(dataset.task_records("nope").count(), 0);
}

#[test]
fn live_records_are_consistent_and_fresh() {
    let dataset = Dataset::generate(9, 500);
    let max_id = dataset.records()[0].id.unwrap();
    let record = dataset.live_record(0, DEMO_TASK_ID, 1_800_000_000).unwrap();
    check_record(&record);
    assert_eq!(record.id, Some(max_id + 1));
    assert_eq!(record.create_ts, Some(1_800_000_000));
    assert_eq!(dataset.live_record(4, DEMO_TASK_ID, 1_800_000_000).unwrap().id, Some(max_id + 5));
    assert!(dataset.live_record(0, "unknown-task", 0).is_none());
}

#[test]
fn empty_and_tiny_datasets() {
    assert!(Dataset::generate(0, 0).is_empty());
    let one = Dataset::generate(0, 1);
    assert_eq!(one.len(), 1);
    check_record(&one.records()[0]);
}
