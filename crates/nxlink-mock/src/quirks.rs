//! "Quirks" mode: a success answer written the untidy way real services write them.

use nxlink_models::{CallRecordPage, CallResult, CallStatus};
use serde_json::{json, Map, Value};

/// A `callStatus` code newer than the vendor's table: one past its largest, from the
/// generated enum, so a code the docs add moves this along.
pub fn new_call_status() -> i64 {
    CallStatus::ALL.iter().map(|s| s.code()).max().unwrap_or(0) + 1
}

/// A `callResult` code newer than the vendor's table: one past its largest.
pub fn new_call_result() -> i64 {
    CallResult::ALL.iter().map(|r| r.code()).max().unwrap_or(0) + 1
}

/// The success envelope of `page` with every quirk the lenient decoder must survive:
///
/// - numbers as strings: `total`, `pageSize` and, on every other record, `id`,
///   `createTs`, `callElapsed` and `autoFlowId`;
/// - `null` for empty text (`callSummary`, `agentName`, ...) and for zero manual
///   timestamps;
/// - `""` for a missing number (`callAnswer` of an unanswered call);
/// - known fields left out (`agentGroupName`, `turnTime` on records 1, 4, 7, ...);
/// - unknown extra fields on the envelope, the page and each record;
/// - codes newer than the docs ([`new_call_result`], [`new_call_status`]): `callResult`
///   on records 3, 8, 13, ... and `callStatus` on records 4, 9, 14, ... of the page
///   (0-based);
/// - `list: null` instead of `[]` on an empty page.
pub(crate) fn envelope(page: &CallRecordPage, trace_id: &str) -> Value {
    let list = if page.list.is_empty() {
        Value::Null
    } else {
        Value::Array(page.list.iter().enumerate().map(|(index, record)| quirky_record(index, record)).collect())
    };
    json!({
        "code": 0,
        "message": "success",
        "traceId": trace_id,
        "serverRegion": "mock",
        "data": {
            "total": page.total.map(|total| total.to_string()),
            "pageNumber": page.page_number,
            "pageSize": page.page_size.map(|size| size.to_string()),
            "hasMore": null,
            "list": list,
        },
    })
}

fn quirky_record(index: usize, record: &nxlink_models::CallRecord) -> Value {
    let Ok(Value::Object(mut fields)) = serde_json::to_value(record) else {
        return Value::Null;
    };
    if index % 2 == 0 {
        for key in ["id", "createTs", "callElapsed", "autoFlowId"] {
            stringify(&mut fields, key);
        }
    }
    for key in ["callSummary", "agentName", "agentId", "agentGroupName", "agentGroupId", "callCallbackUrl"] {
        if fields.get(key).and_then(Value::as_str) == Some("") {
            fields.insert(key.to_owned(), Value::Null);
        }
    }
    for key in ["manualCallStart", "manualCallAnswer", "manualCallEnd"] {
        if fields.get(key).and_then(Value::as_i64) == Some(0) {
            fields.insert(key.to_owned(), Value::Null);
        }
    }
    if index % 3 == 1 {
        // A known field left out altogether, as the vendor's own examples do.
        for key in ["agentGroupName", "turnTime"] {
            fields.remove(key);
        }
    }
    if fields.get("callAnswer").is_none_or(Value::is_null) {
        fields.insert("callAnswer".to_owned(), Value::String(String::new()));
    }
    match index % 5 {
        3 => {
            fields.insert("callResult".to_owned(), json!(new_call_result()));
        }
        4 => {
            fields.insert("callStatus".to_owned(), json!(new_call_status()));
        }
        _ => {}
    }
    fields.insert("tenantId".to_owned(), json!(1024));
    fields.insert("ext".to_owned(), json!({ "source": "mock", "version": 2 }));
    Value::Object(fields)
}

fn stringify(fields: &mut Map<String, Value>, key: &str) {
    if let Some(value) = fields.get_mut(key) {
        if value.is_number() {
            *value = Value::String(value.to_string());
        }
    }
}
