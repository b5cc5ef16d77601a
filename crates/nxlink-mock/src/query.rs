//! Filtering and paging, the way the vendor documents them.

use nxlink_models::{CallRecord, CallRecordPage, QueryCallRecordsRequest};

/// True when `record` passes every filter of `request`.
///
/// - `taskId`: exact;
/// - `startTs` / `endTs`: inclusive bounds on `createTs` (seconds);
/// - `callId`: exact; `phone`: exact on `calleePhone`; `userIntent`: exact;
/// - `callResult`: same code;
/// - `minElapsed` / `maxElapsed`: inclusive bounds on `callElapsed` (seconds).
///
/// An empty string filter counts as unset, as in the vendor's request example.
pub fn matches(request: &QueryCallRecordsRequest, record: &CallRecord) -> bool {
    fn text_eq(filter: Option<&String>, value: Option<&String>) -> bool {
        match filter.filter(|filter| !filter.is_empty()) {
            None => true,
            Some(filter) => value == Some(filter),
        }
    }
    let created = record.create_ts.unwrap_or(i64::MIN);
    let elapsed = record.call_elapsed.unwrap_or(0);
    record.task_id.as_deref() == Some(request.task_id.as_str())
        && request.start_ts.is_none_or(|start| created >= start)
        && request.end_ts.is_none_or(|end| created <= end)
        && text_eq(request.call_id.as_ref(), record.call_id.as_ref())
        && text_eq(request.phone.as_ref(), record.callee_phone.as_ref())
        && text_eq(request.user_intent.as_ref(), record.user_intent.as_ref())
        && request.call_result.is_none_or(|result| record.call_result == Some(result))
        && request.min_elapsed.is_none_or(|min| elapsed >= min)
        && request.max_elapsed.is_none_or(|max| elapsed <= max)
}

/// The requested page of the records that match, `candidates` being newest first.
///
/// Page `N` holds matches `(N - 1) * size .. N * size`; a page past the end is empty;
/// `total` counts every match.
pub fn page<'a>(request: &QueryCallRecordsRequest, candidates: impl Iterator<Item = &'a CallRecord>) -> CallRecordPage {
    if only_task_filter(request) {
        // The candidates come from the task's index, so all of them match: take the
        // page by position and read only the page's records (an export asks for this,
        // and a scan of every record per page made the mock the bottleneck of the
        // export benchmark: BENCHMARKS.md).
        return page_of_matches(request, candidates);
    }
    page_of_matches(request, candidates.filter(|record| matches(request, record)))
}

/// True when `request` sets nothing but the task and paging, whatever fields the
/// request type has: a field the spec adds defeats this fast path by itself.
fn only_task_filter(request: &QueryCallRecordsRequest) -> bool {
    crate::server::simulate::set_fields(request)
        .iter()
        .all(|field| matches!(field.as_str(), "taskId" | "pageNumber" | "pageSize"))
}

/// Pages `matching` (all of which match), cloning only the records on the page.
fn page_of_matches<'a>(
    request: &QueryCallRecordsRequest,
    matching: impl Iterator<Item = &'a CallRecord>,
) -> CallRecordPage {
    let size = i64::from(request.page_size.max(1));
    let skip = i64::from(request.page_number.max(1) - 1).saturating_mul(size);
    let mut total = 0_i64;
    let mut list = Vec::new();
    for record in matching {
        if total >= skip && total < skip.saturating_add(size) {
            list.push(record.clone());
        }
        total += 1;
    }
    let mut page = CallRecordPage::default();
    page.total = Some(total);
    page.page_number = Some(request.page_number);
    page.page_size = Some(request.page_size);
    page.list = list;
    page
}
