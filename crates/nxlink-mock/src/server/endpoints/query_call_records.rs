//! Query Call Records: the seeded dataset filtered and paged (see [`crate::query`]),
//! with live inserts first and the quirks on the way out.

use std::sync::atomic::Ordering;

use nxlink_auth::Clock;
use nxlink_models::{CallRecordPage, QueryCallRecords, QueryCallRecordsRequest};

use crate::server::envelope::success_body;
use crate::server::simulate::{Refusal, Simulation};
use crate::server::state::{read, write, Shared};
use crate::{query, quirks};

impl Simulation for QueryCallRecords {
    /// Paging, and every filter [`query::matches`] applies.
    const HONOURED: &'static [&'static str] = &[
        "taskId",
        "startTs",
        "endTs",
        "callId",
        "phone",
        "callResult",
        "userIntent",
        "pageNumber",
        "pageSize",
        "minElapsed",
        "maxElapsed",
    ];
    const REQUEST_FIELDS: &'static [&'static str] = QueryCallRecordsRequest::FIELDS;

    /// Live inserts (when on), then the page.
    fn simulate(mock: &Shared, _caller: &str, request: &QueryCallRecordsRequest) -> Result<CallRecordPage, Refusal> {
        let live = mock.live.load(Ordering::Relaxed);
        if live > 0 && mock.dataset.task_len(&request.task_id) > 0 {
            let mut inserted = write(&mock.inserted);
            let newest = mock.dataset.records().first().and_then(|record| record.create_ts).unwrap_or(0);
            let now = mock.clock.now_millis().div_euclid(1000);
            let create_ts = now.max(newest).max(inserted.newest_ts);
            inserted.newest_ts = create_ts;
            for _ in 0..live {
                let n = inserted.records.len() as u64;
                if let Some(record) = mock.dataset.live_record(n, &request.task_id, create_ts) {
                    inserted.records.push(record);
                }
            }
        }
        let inserted = read(&mock.inserted);
        let fresh = inserted.records.iter().rev().filter(|record| record.task_id.as_deref() == Some(&request.task_id));
        Ok(query::page(request, fresh.chain(mock.dataset.task_records(&request.task_id))))
    }

    /// The documented envelope, or in quirks mode the untidy one ([`quirks::envelope`]).
    fn encode(mock: &Shared, page: CallRecordPage, trace_id: &str) -> serde_json::Result<Vec<u8>> {
        if mock.quirks.load(Ordering::Relaxed) {
            serde_json::to_vec(&quirks::envelope(&page, trace_id))
        } else {
            success_body(page, trace_id)
        }
    }
}
