//! Inputs shared by the benchmarks: realistic response bodies from `nxlink-mock`.

use nxlink_auth::{Clock, Credentials, Signer, SystemClock};
use nxlink_mock::{MockServer, DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET, DEMO_TASK_ID};

/// The raw body of one `pageSize`-record page as the mock sends it, quirks on or off.
pub fn page_body(page_size: usize, quirks: bool) -> Vec<u8> {
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap_or_else(|err| panic!("{err}"));
    runtime.block_on(async {
        let server = MockServer::builder()
            .seed(42)
            .records(page_size * 4)
            .quirks(quirks)
            .start()
            .await
            .unwrap_or_else(|err| panic!("{err}"));
        let body = format!(r#"{{"taskId":"{DEMO_TASK_ID}","pageNumber":1,"pageSize":{page_size}}}"#);
        let signer = Signer::new(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET));
        let signed = signer.sign("100", "nxai", SystemClock.now_millis(), body.as_bytes());
        let mut request = reqwest::Client::new()
            .post(format!("{}/openapi/aiagent/call/list", server.base_url()))
            .header("Content-Type", "application/json");
        for (name, value) in &signed {
            request = request.header(name, value);
        }
        let response = request.body(body).send().await.unwrap_or_else(|err| panic!("{err}"));
        response.bytes().await.unwrap_or_else(|err| panic!("{err}")).to_vec()
    })
}

/// `body` (a page) with two fields the spec does not know added to every `every`-th
/// record: a nested object and a string, as a vendor's new fields would arrive.
pub fn with_unknown_fields(body: &[u8], every: usize) -> Vec<u8> {
    let mut page: serde_json::Value = serde_json::from_slice(body).unwrap_or_else(|err| panic!("{err}"));
    let list = page["data"]["list"].as_array_mut().unwrap_or_else(|| panic!("a page has a list"));
    for record in list.iter_mut().step_by(every.max(1)) {
        record["futureField"] = serde_json::json!({"score": 0.93, "tags": ["a", "b"]});
        record["anotherNew"] = serde_json::json!("2026-11-26T10:00:00Z");
    }
    serde_json::to_vec(&page).unwrap_or_else(|err| panic!("{err}"))
}

/// Baselines for the decode benchmarks: the call record and its page as plain serde
/// derives would decode them, without the SDK's lenient runtime.
pub mod mirrors {
    use serde::{Deserialize, Serialize};

    /// The call record as a plain derive would decode it: fails on `""` for a number,
    /// on numbers sent as strings, on nulls in non-`Option` fields. Strings are `S`:
    /// owned `String` by default, `&str` for [`BorrowedEnvelope`]. Serialized, it
    /// writes the clean page's record back byte for byte (the export's write floor).
    #[derive(Deserialize, Serialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    pub struct StrictRecord<S = String> {
        id: i64,
        task_id: S,
        contact_id: S,
        auto_flow_id: i64,
        order_head: i32,
        order_tail: i32,
        caller_phone: S,
        callee_phone: S,
        real_phone: S,
        call_id: S,
        call_status: i64,
        call_result: i64,
        create_ts: i64,
        op_ts: i64,
        call_start: i64,
        // Left out of the clean page when the call was not answered.
        #[serde(skip_serializing_if = "Option::is_none")]
        call_answer: Option<i64>,
        call_end: i64,
        call_ring_time: i64,
        call_elapsed: i64,
        line_id: S,
        route_id: S,
        call_audio_url: S,
        user_intent: S,
        call_summary: S,
        turn_time: i32,
        manual_call_start: i64,
        manual_call_answer: i64,
        manual_call_end: i64,
        manual_call_status: i32,
        manual_elapsed: i32,
        agent_name: S,
        agent_id: S,
        agent_group_name: S,
        agent_group_id: S,
        call_callback_url: S,
        order_callback_url: S,
        sip_addr: S,
        sip_code: S,
        hangup_reason: S,
        attributes: Vec<StrictAttribute<S>>,
        auto_flow_name: S,
    }

    /// An attribute, strict.
    #[derive(Deserialize, Serialize)]
    #[allow(dead_code)]
    pub struct StrictAttribute<S = String> {
        name: S,
        key: S,
        value: S,
    }

    /// A page, strict.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    pub struct StrictPage<S = String> {
        total: i64,
        page_number: i32,
        page_size: i32,
        /// The records.
        pub list: Vec<StrictRecord<S>>,
    }

    /// The envelope, strict.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    pub struct StrictEnvelope<S = String> {
        code: i64,
        message: Option<S>,
        trace_id: Option<S>,
        /// The payload.
        pub data: Option<StrictPage<S>>,
    }

    /// The call record with every field an `Option` and plain serde handling: what
    /// the lenient decoders add shows as the difference from this.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    pub struct OptionRecord {
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

    /// A page of [`OptionRecord`]s.
    #[derive(Deserialize)]
    #[allow(dead_code)]
    pub struct OptionPage {
        /// The records.
        pub list: Vec<OptionRecord>,
    }

    /// The envelope of an [`OptionPage`].
    #[derive(Deserialize)]
    #[allow(dead_code)]
    pub struct OptionEnvelope {
        /// The payload.
        pub data: Option<OptionPage>,
    }

    /// The strict mirror borrowing every string from the body: no allocation per
    /// field at all. No SDK can hand these out from a stream (they cannot outlive the
    /// page's bytes); it is here as the floor of any typed serde decode of this record.
    pub type BorrowedEnvelope<'a> = StrictEnvelope<&'a str>;

    /// The call record as the generator emitted it before unknown fields were kept:
    /// serde's derive with the same lenient decoders per field, unknown fields skipped.
    /// The baseline of the extra-field capture (BENCHMARKS.md).
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    pub struct LenientDeriveRecord {
        #[serde(rename = "id", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        id: Option<i64>,
        #[serde(rename = "taskId", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        task_id: Option<String>,
        #[serde(rename = "contactId", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        contact_id: Option<String>,
        #[serde(rename = "autoFlowId", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        auto_flow_id: Option<i64>,
        #[serde(rename = "orderHead", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        order_head: Option<i32>,
        #[serde(rename = "orderTail", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        order_tail: Option<i32>,
        #[serde(rename = "callerPhone", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        caller_phone: Option<String>,
        #[serde(rename = "calleePhone", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        callee_phone: Option<String>,
        #[serde(rename = "realPhone", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        real_phone: Option<String>,
        #[serde(rename = "callId", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        call_id: Option<String>,
        #[serde(rename = "callStatus", default, deserialize_with = "nxlink_models::runtime::lenient::enum_option")]
        call_status: Option<nxlink_models::CallStatus>,
        #[serde(rename = "callResult", default, deserialize_with = "nxlink_models::runtime::lenient::enum_option")]
        call_result: Option<nxlink_models::CallResult>,
        #[serde(rename = "createTs", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        create_ts: Option<i64>,
        #[serde(rename = "opTs", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        op_ts: Option<i64>,
        #[serde(rename = "callStart", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        call_start: Option<i64>,
        #[serde(rename = "callAnswer", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        call_answer: Option<i64>,
        #[serde(rename = "callEnd", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        call_end: Option<i64>,
        #[serde(rename = "callRingTime", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        call_ring_time: Option<i64>,
        #[serde(rename = "callElapsed", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        call_elapsed: Option<i64>,
        #[serde(rename = "lineId", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        line_id: Option<String>,
        #[serde(rename = "routeId", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        route_id: Option<String>,
        #[serde(rename = "callAudioUrl", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        call_audio_url: Option<String>,
        #[serde(rename = "userIntent", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        user_intent: Option<String>,
        #[serde(rename = "callSummary", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        call_summary: Option<String>,
        #[serde(rename = "turnTime", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        turn_time: Option<i32>,
        #[serde(rename = "manualCallStart", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        manual_call_start: Option<i64>,
        #[serde(rename = "manualCallAnswer", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        manual_call_answer: Option<i64>,
        #[serde(rename = "manualCallEnd", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        manual_call_end: Option<i64>,
        #[serde(rename = "manualCallStatus", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        manual_call_status: Option<i32>,
        #[serde(rename = "manualElapsed", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        manual_elapsed: Option<i32>,
        #[serde(rename = "agentName", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        agent_name: Option<String>,
        #[serde(rename = "agentId", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        agent_id: Option<String>,
        #[serde(rename = "agentGroupName", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        agent_group_name: Option<String>,
        #[serde(rename = "agentGroupId", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        agent_group_id: Option<String>,
        #[serde(rename = "callCallbackUrl", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        call_callback_url: Option<String>,
        #[serde(rename = "orderCallbackUrl", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        order_callback_url: Option<String>,
        #[serde(rename = "sipAddr", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        sip_addr: Option<String>,
        #[serde(rename = "sipCode", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        sip_code: Option<String>,
        #[serde(rename = "hangupReason", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        hangup_reason: Option<String>,
        #[serde(rename = "attributes", default, deserialize_with = "nxlink_models::runtime::lenient::list")]
        attributes: Vec<LenientDeriveAttribute>,
        #[serde(rename = "autoFlowName", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        auto_flow_name: Option<String>,
    }

    /// An attribute, as [`LenientDeriveRecord`] decodes it.
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    pub struct LenientDeriveAttribute {
        #[serde(rename = "name", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        name: Option<String>,
        #[serde(rename = "key", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        key: Option<String>,
        #[serde(rename = "value", default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        value: Option<String>,
    }

    /// A page of [`LenientDeriveRecord`]s.
    #[derive(Deserialize)]
    #[allow(dead_code)]
    pub struct LenientDerivePage {
        #[serde(default, deserialize_with = "nxlink_models::runtime::lenient::option")]
        total: Option<i64>,
        /// The records.
        #[serde(default, deserialize_with = "nxlink_models::runtime::lenient::list")]
        pub list: Vec<LenientDeriveRecord>,
    }

    /// The envelope of a [`LenientDerivePage`].
    #[derive(Deserialize)]
    #[allow(dead_code)]
    pub struct LenientDeriveEnvelope {
        /// The payload.
        #[serde(default, deserialize_with = "nxlink_models::runtime::lenient::object_option")]
        pub data: Option<LenientDerivePage>,
    }

    /// Decodes `body` the way `nxlink_models::decode` reads it (one UTF-8 check of the
    /// whole body, then serde_json from a `str`), so that a mirror and the SDK are
    /// compared on the same reader and only the types differ.
    pub fn same_reader<'a, T: Deserialize<'a>>(body: &'a [u8]) -> Result<T, serde_json::Error> {
        match std::str::from_utf8(body) {
            Ok(text) => serde_json::from_str(text),
            Err(_) => serde_json::from_slice(body),
        }
    }
}
