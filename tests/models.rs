//! The generated models of the real spec, as a user sees them.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test fails by panicking

use std::str::FromStr;

use nxlink_models::runtime::{Operation, PaginatedOperation};
use nxlink_models::{
    decode, header, signing, CallRecord, CallRecordPage, CallResult, CallStatus, Envelope, ErrorCode, QueryCallRecords,
    QueryCallRecordsRequest, Region,
};

const VENDOR_RECORD: &str = r#"{
  "id": 125279, "taskId": "972e65ad-bfa5-4f35-845f-1867009b2c34", "contactId": "fde45ccd-9902-43a4-8e2e-ca4dba5a93e0",
  "autoFlowId": 207, "orderHead": 1, "orderTail": 1, "callerPhone": "00000", "calleePhone": "85238531065",
  "realPhone": "85238531066", "callId": "fe90a9af-e14c-4330-8faa-2631e761124a", "callStatus": 10, "callResult": 17,
  "createTs": 1742378329, "opTs": 1742378340, "callStart": 1742378340, "callAnswer": 1742378343, "callEnd": 1742378480,
  "callRingTime": 3, "callElapsed": 137, "lineId": "lineID", "routeId": "routeID",
  "callAudioUrl": "https://nxai-gz-1259196162.cos.ap-guangzhou.myqcloud.com/20250319/xxxxxx.wav", "userIntent": "",
  "callSummary": "", "turnTime": 0, "manualCallStart": 0, "manualCallAnswer": 0, "manualCallEnd": 0,
  "manualCallStatus": 0, "manualElapsed": 0, "agentName": "", "agentId": "", "agentGroupName": "", "agentGroupId": "",
  "callCallbackUrl": "", "orderCallbackUrl": "", "sipAddr": "xxxxx", "sipCode": "200", "hangupReason": "NORMAL_CLEARING",
  "attributes": [ { "name": "Name", "key": "sys.name", "value": "haier" },
                  { "name": "Phone Number", "key": "sys.phoneNumber", "value": "85238531065" } ],
  "autoFlowName": "test-ai agent"
}"#;

/// `VENDOR_RECORD` with every field of the spec and no other (see
/// `nxlink_tests::record_as_the_spec_knows_it`).
fn vendor_record() -> serde_json::Value {
    nxlink_tests::record_as_the_spec_knows_it(VENDOR_RECORD)
}

fn page_body(records: &str) -> String {
    format!(
        r#"{{"code":0,"message":"success","traceId":null,"data":{{"total":4,"pageNumber":1,"pageSize":10,"list":[{records}]}}}}"#
    )
}

#[test]
fn generated_tables_hold_every_value_of_the_spec() {
    // Sizes come from the spec, so a value the vendor adds needs no edit here.
    let spec = xtask::spec::load_dir(&nxlink_tests::root().join("spec")).unwrap();
    let codes = |name: &str| spec.enums[name].values.iter().map(|v| v.value).collect::<Vec<_>>();
    assert_eq!(CallStatus::ALL.iter().map(|v| v.code()).collect::<Vec<_>>(), codes("CallStatus"));
    assert_eq!(CallResult::ALL.iter().map(|v| v.code()).collect::<Vec<_>>(), codes("CallResult"));
    assert_eq!(ErrorCode::ALL.iter().map(|v| v.code()).collect::<Vec<_>>(), codes("ErrorCode"));
    let gateways: Vec<&str> = spec.service.regions.iter().map(|r| r.api_gateway.as_str()).collect();
    assert_eq!(Region::ALL.iter().map(|r| r.api_gateway()).collect::<Vec<_>>(), gateways);
}

#[test]
fn every_known_code_round_trips_through_number_json_and_text() {
    fn check<T>(all: &[T])
    where
        T: Copy
            + PartialEq
            + std::fmt::Debug
            + From<i64>
            + Into<i64>
            + FromStr
            + serde::Serialize
            + serde::de::DeserializeOwned,
        <T as FromStr>::Err: std::fmt::Debug,
    {
        for &value in all {
            let code: i64 = value.into();
            assert_eq!(T::from(code), value);
            let json = serde_json::to_string(&value).unwrap();
            assert_eq!(json, code.to_string());
            assert_eq!(serde_json::from_str::<T>(&json).unwrap(), value);
            assert_eq!(serde_json::from_str::<T>(&format!("\"{code}\"")).unwrap(), value, "number as string");
            assert_eq!(T::from_str(&code.to_string()).unwrap(), value);
        }
    }
    check(CallStatus::ALL);
    check(CallResult::ALL);
    check(ErrorCode::ALL);
}

#[test]
fn unknown_codes_keep_their_number_and_serialize_back() {
    // Codes newer than the docs: one past the largest documented, and a gap in a table.
    let newer = CallStatus::ALL.iter().map(|s| s.code()).max().unwrap() + 1;
    let status: CallStatus = serde_json::from_str(&newer.to_string()).unwrap();
    assert_eq!(status, CallStatus::Unknown(newer));
    assert!(status.is_unknown());
    assert_eq!(status.code(), newer);
    assert_eq!(serde_json::to_string(&status).unwrap(), newer.to_string());
    assert_eq!(status.to_string(), format!("unknown callStatus code {newer}"));
    let undocumented = |codes: Vec<i64>| (1..).find(|c| !codes.contains(c)).unwrap();
    let error = undocumented(ErrorCode::ALL.iter().map(|c| c.code()).collect());
    assert_eq!(ErrorCode::from(error).to_string(), format!("unknown code {error}"), "not `code code`");
    let gap = undocumented(CallResult::ALL.iter().map(|r| r.code()).collect());
    assert_eq!(CallResult::from(gap), CallResult::Unknown(gap));
    let next_error = ErrorCode::ALL.iter().map(|c| c.code()).max().unwrap() + 1;
    assert_eq!(ErrorCode::from(next_error).name(), "Unknown");
}

#[test]
fn names_descriptions_display_and_from_str() {
    // Descriptions are the vendor's words, which the vendor may reword: read from the spec.
    let spec = xtask::spec::load_dir(&nxlink_tests::root().join("spec")).unwrap();
    let described =
        |e: &str, code: i64| spec.enums[e].values.iter().find(|v| v.value == code).unwrap().description.clone();
    let r = CallResult::NormalEndUserHungUp;
    assert_eq!(r.code(), 17);
    assert_eq!(r.description(), described("CallResult", 17));
    assert_eq!(r.to_string(), described("CallResult", 17));
    assert_eq!(r.name(), "NormalEndUserHungUp");
    for text in ["17", " 17 ", "NormalEndUserHungUp", "normal-end-user-hung-up", "NORMAL_END_USER_HUNG_UP"] {
        assert_eq!(text.parse::<CallResult>().unwrap(), r, "{text}");
    }
    let err = "hung up".parse::<CallResult>().unwrap_err().to_string();
    assert!(err.contains("`hung up` is not a CallResult"), "{err}");
    assert_eq!(CallStatus::from(23).description(), described("CallStatus", 23));
    assert_eq!(CallStatus::from(23), CallStatus::InvalidNumber23);
    assert_eq!(ErrorCode::from(1004), ErrorCode::TimestampExpired);
}

#[test]
fn group_predicates_follow_the_spec() {
    let members = |pred: fn(CallResult) -> bool| -> Vec<i64> {
        CallResult::ALL.iter().copied().filter(|r| pred(*r)).map(CallResult::code).collect()
    };
    // The groups' members as the spec lists them (a value the docs remove leaves its groups).
    let spec = xtask::spec::load_dir(&nxlink_tests::root().join("spec")).unwrap();
    let group = |name: &str| {
        let mut values = spec.enums["CallResult"].groups.iter().find(|g| g.name == name).unwrap().values.clone();
        values.sort_unstable();
        values
    };
    assert_eq!(members(CallResult::is_connected), group("connected"));
    assert_eq!(members(CallResult::is_not_answered), group("notAnswered"));
    assert_eq!(members(CallResult::is_unreachable), group("unreachable"));
    assert_eq!(members(CallResult::is_intent_available), group("intentAvailable"));
    assert!(ErrorCode::InvalidSignature.is_authentication());
    assert!(!ErrorCode::BusinessError.is_authentication());
    assert!(
        CallStatus::Ringing.is_in_progress()
            && CallStatus::Completed.is_completed()
            && CallStatus::from(27).is_failed()
    );
    let newer = CallResult::ALL.iter().map(|r| r.code()).max().unwrap() + 1;
    assert!(!CallResult::Unknown(newer).is_connected());
}

#[test]
fn regions_parse_from_ids_and_vendor_codes() {
    assert_eq!("hk".parse::<Region>().unwrap(), Region::Hk);
    assert_eq!("AMER".parse::<Region>().unwrap(), Region::Amer);
    assert_eq!("APAC (IDN)".parse::<Region>().unwrap(), Region::Idn);
    // The newest vendor pages' gateways, with the older ones kept as legacy.
    assert_eq!(Region::Amer.api_gateway(), "https://chl-api.nxlink.ai");
    assert_eq!(Region::Idn.api_gateway(), "https://api-idn.nxlink.ai");
    assert_eq!(Region::Amer.legacy_gateways(), ["https://api-westus.nxlink.ai"]);
    assert_eq!(Region::Idn.legacy_gateways(), ["https://api-hk.nxlink.ai"]);
    assert!(Region::Hk.legacy_gateways().is_empty());
    assert_eq!(Region::Hk.to_string(), "hk");
    let err = "eu".parse::<Region>().unwrap_err().to_string();
    assert!(err.contains("`eu`") && err.contains("`hk`, `amer`, `idn`"), "{err}");
}

#[test]
fn request_sends_required_fields_and_only_the_filters_that_are_set() {
    let request = QueryCallRecordsRequest::new("task-1");
    assert_eq!(serde_json::to_string(&request).unwrap(), r#"{"taskId":"task-1","pageNumber":1,"pageSize":100}"#);

    let request = QueryCallRecordsRequest::new("task-1")
        .start_ts(1736238951)
        .end_ts(1746606952)
        .call_id("")
        .phone("85238531065")
        .call_result(17)
        .user_intent("Interested")
        .page_number(2)
        .page_size(1000)
        .min_elapsed(0)
        .max_elapsed(3000);
    assert_eq!(
        serde_json::to_string(&request).unwrap(),
        r#"{"taskId":"task-1","startTs":1736238951,"endTs":1746606952,"phone":"85238531065","callResult":17,"userIntent":"Interested","pageNumber":2,"pageSize":1000,"minElapsed":0,"maxElapsed":3000}"#,
        "an empty callId is never sent"
    );
    request.validate().unwrap();
    assert!(!format!("{request:?}").contains("85238531065"));
    assert!(format!("{request:?}").contains("********065"));
}

#[test]
fn validate_names_the_offending_field() {
    let base = || QueryCallRecordsRequest::new("task-1");
    let cases = [
        (QueryCallRecordsRequest::new(" "), "taskId", "must not be empty"),
        (base().page_number(0), "pageNumber", "must be at least 1, got 0"),
        (base().page_size(0), "pageSize", "must be between 1 and 1000, got 0"),
        (base().page_size(1001), "pageSize", "must be between 1 and 1000, got 1001"),
        (base().start_ts(20).end_ts(10), "startTs", "must not be greater than `endTs` (20 > 10)"),
        (base().min_elapsed(301).max_elapsed(300), "minElapsed", "must not be greater than `maxElapsed`"),
        (base().min_elapsed(-1), "minElapsed", "must be at least 0"),
        (
            base().call_result(CallResult::NotAnsweredTimeout).user_intent("Interested"),
            "userIntent",
            "group `intentAvailable`, but `callResult` is 9",
        ),
    ];
    for (request, field, message) in cases {
        let err = request.validate().unwrap_err();
        assert_eq!(err.field(), field, "{err}");
        assert!(err.message().contains(message), "{err}");
        assert!(err.to_string().starts_with(&format!("invalid request field `{field}`")), "{err}");
    }
    for ok in [base().user_intent("Interested"), base().call_result(21).user_intent("x"), base().start_ts(5).end_ts(5)]
    {
        ok.validate().unwrap();
    }
}

#[test]
fn requests_decode_leniently_for_servers() {
    // The vendor's own request example sends "" for the Integer callResult.
    let body = r#"{"taskId":"8bdf2a84","startTs":1736238951,"endTs":"1746606952","callId":"","phone":"","callResult":"","userIntent":"","pageNumber":1,"pageSize":10,"minElapsed":0,"maxElapsed":3000}"#;
    let request: QueryCallRecordsRequest = decode(body.as_bytes()).unwrap();
    assert_eq!(request.end_ts, Some(1746606952));
    assert_eq!((request.call_result, request.call_id.as_deref()), (None, Some("")));
    // Re-encoded, the empty string is left out: the service reads "" as a filter value.
    let json = serde_json::to_value(&request).unwrap();
    assert!(json.get("callId").is_none(), "{json}");
    let err = decode::<QueryCallRecordsRequest>(br#"{"pageNumber":1,"pageSize":10}"#).unwrap_err();
    assert!(err.message().contains("missing field `taskId`"), "{err}");
}

#[test]
fn the_vendors_example_record_decodes_with_every_field() {
    let sent = vendor_record();
    let envelope: Envelope<CallRecordPage> = decode(page_body(&sent.to_string()).as_bytes()).unwrap();
    assert!(envelope.is_success());
    assert_eq!(envelope.trace_id, None);
    let page = envelope.data.unwrap();
    assert_eq!((page.total, page.page_number, page.page_size), (Some(4), Some(1), Some(10)));
    let r = &page.list[0];
    assert_eq!(r.id, Some(125279));
    assert_eq!(r.call_status, Some(CallStatus::Completed));
    assert_eq!(r.call_result, Some(CallResult::NormalEndUserHungUp));
    assert_eq!(r.call_elapsed, Some(137));
    assert_eq!(r.call_end.unwrap() - r.call_answer.unwrap(), 137);
    assert_eq!(r.user_intent.as_deref(), Some(""), "\"\" stays \"\" in a string field");
    assert_eq!(r.callee_phone.as_deref(), Some("85238531065"), "accessors keep phone numbers intact");
    assert_eq!(r.attributes[1].key.as_deref(), Some("sys.phoneNumber"));
    assert_eq!(r.auto_flow_name.as_deref(), Some("test-ai agent"));

    // Serialization writes every wire field back, phone numbers intact.
    let json = serde_json::to_value(r).unwrap();
    assert_eq!(json.as_object().unwrap().len(), CallRecord::FIELDS.len());
    assert_eq!(json, sent, "decode -> encode is lossless");
    assert_eq!(json["calleePhone"], "85238531065");
    assert_eq!(json["callResult"], 17);
}

#[test]
fn debug_masks_phone_numbers_everywhere() {
    let page: Envelope<CallRecordPage> = decode(page_body(VENDOR_RECORD).as_bytes()).unwrap();
    let debug = format!("{page:?}");
    for phone in ["85238531065", "85238531066"] {
        assert!(!debug.contains(phone), "{phone} leaked in {debug}");
    }
    assert!(debug.contains("********065"), "{debug}");
    assert!(debug.contains("id: Some(125279)"), "non-personal fields stay readable: {debug}");
}

#[test]
fn quirks_never_fail_a_record() {
    let quirky = r#"{"id":"125280","callStatus":"10","callResult":"","createTs":null,"callElapsed":"137","orderHead":"1",
        "turnTime":null,"calleePhone":85238531065,"attributes":null,"brandNewField":{"x":[1,2]},"callRingTime":3.0,
        "manualCallStatus":"","agentName":null}"#;
    let envelope: Envelope<CallRecordPage> = decode(page_body(quirky).as_bytes()).unwrap();
    let r = &envelope.data.unwrap().list[0];
    assert_eq!(r.id, Some(125280));
    assert_eq!(r.call_status, Some(CallStatus::Completed));
    assert_eq!(r.call_result, None);
    assert_eq!(r.create_ts, None);
    assert_eq!(r.call_elapsed, Some(137));
    assert_eq!(r.order_head, Some(1));
    assert_eq!(r.callee_phone.as_deref(), Some("85238531065"));
    assert!(r.attributes.is_empty());
    assert_eq!(r.call_ring_time, Some(3));
    assert_eq!(r.task_id, None, "missing field");

    let empty: Envelope<CallRecordPage> =
        decode(br#"{"code":"0","message":null,"traceId":"t-1","data":{"total":0,"list":null}}"#).unwrap();
    assert!(empty.data.unwrap().list.is_empty());
    let error: Envelope<CallRecordPage> =
        decode(br#"{"code":1003,"message":"sign error","traceId":"t-2","data":null}"#).unwrap();
    assert_eq!((error.code, error.data), (ErrorCode::InvalidSignature, None));
}

#[test]
fn an_uncoercible_value_names_its_field_path() {
    let bad = page_body(&format!("{VENDOR_RECORD},{}", r#"{"id":1,"callStatus":"ringing"}"#));
    let err = decode::<Envelope<CallRecordPage>>(bad.as_bytes()).unwrap_err();
    assert_eq!(err.path(), "data.list[1].callStatus");
    assert!(err.message().contains("an integer"), "{err}");
    assert!(!err.is_eof());

    let truncated = &page_body(VENDOR_RECORD)[..300];
    let err = decode::<Envelope<CallRecordPage>>(truncated.as_bytes()).unwrap_err();
    assert!(err.is_eof(), "{err}");
    let err = decode::<Envelope<CallRecordPage>>(br#"{"message":"x"}"#).unwrap_err();
    assert!(err.message().contains("missing field `code`"), "{err}");
}

#[test]
fn a_body_that_is_not_utf8_names_the_string_and_its_position() {
    // The fast path checks UTF-8 once for the whole body; a failure there must still
    // report where, as the per-string check did.
    let mut bad = page_body(VENDOR_RECORD).into_bytes();
    let at = bad.windows(8).position(|w| w == b"\"lineID\"").map_or(0, |p| p + 2);
    assert!(at > 0, "the record has a string to corrupt");
    bad[at] = 0xff;
    let err = decode::<Envelope<CallRecordPage>>(&bad).unwrap_err();
    assert_eq!(err.path(), "data.list[0].lineId", "{err}");
    assert_eq!(err.message(), "invalid unicode code point", "{err}");
    assert_eq!(err.line(), 6, "{err}");
    // Where serde_json itself stops on the same bytes.
    let plain = serde_json::from_slice::<serde_json::Value>(&bad).unwrap_err();
    assert_eq!((err.line(), err.column()), (plain.line(), plain.column()), "{err}");
    assert!(err.column() > 1, "{err}");
    assert!(!err.is_eof());

    // Valid UTF-8 outside any string is as before: a syntax error, not a UTF-8 one.
    let err = decode::<Envelope<CallRecordPage>>("{\"code\":0,é}".as_bytes()).unwrap_err();
    assert!(err.message().contains("key must be a string"), "{err}");
}

#[test]
fn endpoint_metadata_is_generated_from_the_spec() {
    let e = QueryCallRecords::ENDPOINT;
    assert_eq!((e.method, e.path, e.biz_type, e.action), ("POST", "/openapi/aiagent/call/list", "100", "nxai"));
    let p = e.pagination.unwrap();
    assert_eq!(
        (p.page_number, p.page_size, p.total, p.list, p.item_id),
        ("pageNumber", "pageSize", "total", "list", "id")
    );
    assert!(nxlink_models::ENDPOINTS.contains(&e));
    let spec = xtask::spec::load_dir(&nxlink_tests::root().join("spec")).unwrap();
    assert_eq!(nxlink_models::ENDPOINTS.len(), spec.endpoints.len(), "every spec endpoint, once");
    assert_eq!(header::ACCESS_KEY, "accessKey");
    assert_eq!(signing::SIGNED_HEADERS, &["accessKey", "action", "bizType", "ts"]);
    assert_eq!(signing::MAX_CLOCK_SKEW_MILLIS, 60_000);

    let mut request = QueryCallRecordsRequest::new("t");
    QueryCallRecords::set_page_number(&mut request, 7);
    assert_eq!(QueryCallRecords::page_number(&request), 7);
    QueryCallRecords::set_page_number(&mut request, i64::MAX);
    assert_eq!(request.page_number, i32::MAX, "saturates instead of panicking");
    let mut record = CallRecord::default();
    record.id = Some(5);
    assert_eq!(QueryCallRecords::item_id(&record), Some(5));
}

#[test]
fn unknown_fields_round_trip_through_decode_and_encode() {
    // Unknown fields of every JSON kind, at the top level and in a nested attribute.
    let mut sent = vendor_record();
    let future = serde_json::json!({
        "futureField": {"nested": {"deep": [1, "two", null, {"k": true}]}, "n": -3.5},
        "futureList": [{"a": 1}, {"b": [2, 3]}], "futureNumber": 12345678901234_i64, "futureString": "",
        "futureNull": null
    });
    sent.as_object_mut().unwrap().extend(future.as_object().unwrap().clone());
    sent["attributes"][0]["attrNew"] = serde_json::json!({"x": 1});
    let record = sent.to_string();
    let decoded: CallRecord = serde_json::from_str(&record).unwrap();
    assert_eq!(decoded.extra.len(), 5, "{:?}", decoded.extra.keys());
    assert_eq!(decoded.attributes[0].extra["attrNew"], serde_json::json!({"x": 1}));
    assert_eq!(serde_json::to_value(&decoded).unwrap(), sent, "every field the server sent is written back");

    // Through the page and the envelope, and through lenient `decode`.
    let page: Envelope<CallRecordPage> = decode(page_body(&record).as_bytes()).unwrap();
    assert_eq!(serde_json::to_value(&page.data.unwrap().list[0]).unwrap(), sent);

    // Known fields come first, in the vendor's order, then the unknown ones.
    let text = serde_json::to_string(&decoded).unwrap();
    let last_known = text.find(&format!("\"{}\"", CallRecord::FIELDS.last().unwrap())).unwrap();
    assert!(text.find("\"futureField\"").unwrap() > last_known, "{text}");
    assert!(text.starts_with(&format!("{{\"{}\":", CallRecord::FIELDS[0])), "{text}");

    // Debug names unknown fields without their values, which may be personal data.
    let debug = format!("{decoded:?}");
    assert!(debug.contains("\"futureField\""), "{debug}");
    assert!(!debug.contains("deep"), "{debug}");
}

#[test]
fn a_hand_built_unknown_for_a_documented_code_equals_the_variant() {
    use std::collections::HashSet;
    for &status in CallStatus::ALL {
        let by_hand = CallStatus::Unknown(status.code());
        assert_eq!(by_hand, status);
        assert!(!by_hand.is_unknown());
        assert_eq!((by_hand.name(), by_hand.to_string()), (status.name(), status.to_string()));
        assert_eq!(HashSet::from([by_hand]), HashSet::from([status]), "hash agrees with equality");
        assert!(!CallStatus::from(status.code()).is_unknown(), "decoding never builds Unknown(n) for a documented n");
    }
    let past_the_table = CallStatus::ALL.iter().map(|s| s.code()).max().unwrap() + 1;
    assert!(CallStatus::from(past_the_table).is_unknown());
}

/// Bug: `serialize_extra` without its `known.contains` check: a caller who put a known
/// field's name into `extra` by hand gets JSON with the same key twice, which readers
/// resolve differently.
#[test]
fn an_extra_entry_named_like_a_known_field_is_not_written_twice() {
    let mut record: CallRecord = decode(br#"{"id":7,"callId":"c"}"#).unwrap();
    record.extra.insert("id".to_owned(), serde_json::json!(9));
    record.extra.insert("later".to_owned(), serde_json::json!(1));
    let text = serde_json::to_string(&record).unwrap();
    assert_eq!(text.matches("\"id\"").count(), 1, "{text}");
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!((value["id"].clone(), value["later"].clone()), (serde_json::json!(7), serde_json::json!(1)));
}

/// Bug: `NoData` decoding only `null`: a delete whose answer carries any `data` (the
/// vendor's own page shows `null` in one place and a list in another) would fail.
#[test]
fn an_answer_without_documented_data_takes_whatever_data_holds() {
    use nxlink_models::runtime::NoData;
    for data in ["null", "{\"ok\":true}", "[1,2]", "1", "\"x\"", "\"\""] {
        let body = format!(r#"{{"code":0,"message":"success","data":{data}}}"#);
        let envelope: Envelope<NoData> = decode(body.as_bytes()).unwrap_or_else(|err| panic!("{data}: {err}"));
        assert!(envelope.is_success(), "{data}");
    }
    let envelope: Envelope<NoData> = decode(br#"{"code":0}"#).unwrap();
    assert!(envelope.data.is_none());
}

/// Bug: `required` taking `""` as a value (0) for a number: the envelope's `code` must
/// be there; `""` or `null` in it is an error naming it, not success.
#[test]
fn a_required_number_sent_blank_or_null_is_an_error_naming_it() {
    for code in ["\"\"", "\"  \"", "null"] {
        let body = format!(r#"{{"code":{code},"message":"success"}}"#);
        let err = decode::<Envelope<serde_json::Value>>(body.as_bytes()).unwrap_err();
        assert_eq!(err.path(), "code", "{code}: {err}");
    }
    assert!(decode::<Envelope<serde_json::Value>>(br#"{"message":"success"}"#).is_err(), "a missing code");
    let envelope: Envelope<serde_json::Value> = decode(br#"{"code":"0"}"#).unwrap();
    assert!(envelope.is_success(), "a code sent as text is read");
}
