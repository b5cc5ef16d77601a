//! Watching and steering a running server: the [`MockHandle`] and the request log.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use bytes::Bytes;
use nxlink_auth::Clock;
use nxlink_models::{CallRecord, Task};

use super::state::{clamp_offset, lock, read, Shared};
use crate::family::StoredContact;
use crate::faults::FaultDice;
use crate::{Dataset, Fault, Faults, MAX_LIVE_PER_REQUEST};

/// Reads and changes a running [`MockServer`](crate::MockServer): faults, quirks, live mode, clock, and
/// what it received. Changes apply from the next request on.
#[derive(Debug, Clone)]
pub struct MockHandle {
    pub(super) state: Arc<Shared>,
}

impl MockHandle {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.state.base_url
    }

    /// The generated records (not the live inserts), newest first.
    pub fn dataset(&self) -> &Dataset {
        &self.state.dataset
    }

    /// The records live mode inserted so far, oldest first. Their ids all lie above
    /// those of [`dataset`](Self::dataset).
    pub fn inserted(&self) -> Vec<CallRecord> {
        read(&self.state.inserted).records.clone()
    }

    /// Replaces the faults; the fault sequence restarts from `faults.seed`.
    pub fn set_faults(&self, faults: Faults) {
        *lock(&self.state.dice) = FaultDice::new(faults);
    }

    /// The faults in force.
    pub fn faults(&self) -> Faults {
        lock(&self.state.dice).faults().clone()
    }

    /// Quirks mode: success answers carry numbers as strings, `null`s, `""`, unknown
    /// fields, codes newer than the docs and `list: null` on empty pages (details on
    /// the crate page).
    pub fn set_quirks(&self, enabled: bool) {
        self.state.quirks.store(enabled, Ordering::Relaxed);
    }

    /// Whether quirks mode is on.
    pub fn quirks(&self) -> bool {
        self.state.quirks.load(Ordering::Relaxed)
    }

    /// Live mode: every valid query first adds `records_per_request` new records to
    /// the front of the queried task (newest first), so pages shift under a client that
    /// is paging. 0 turns it off; at most [`MAX_LIVE_PER_REQUEST`].
    pub fn set_live(&self, records_per_request: usize) {
        self.state.live.store(records_per_request.min(MAX_LIVE_PER_REQUEST), Ordering::Relaxed);
    }

    /// Records added per request in live mode.
    pub fn live(&self) -> usize {
        self.state.live.load(Ordering::Relaxed)
    }

    /// Shifts the server clock, used for the `ts` check (1004) and the `Date` header:
    /// server time = system time + `offset_millis` (clamped to ±100 years).
    pub fn set_clock_offset_millis(&self, offset_millis: i64) {
        self.state.clock.set_offset_millis(clamp_offset(offset_millis));
    }

    /// The server clock's offset from the system clock.
    pub fn clock_offset_millis(&self) -> i64 {
        self.state.clock.offset_millis()
    }

    /// The server clock, Unix milliseconds.
    pub fn now_millis(&self) -> i64 {
        self.state.clock.now_millis()
    }

    /// Every request received so far (up to the log's capacity), oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state.log).iter().cloned().collect()
    }

    /// Sets the dialer's period in ms (0 turns it off); see [`MockServerBuilder::dial_ms`](crate::MockServerBuilder::dial_ms).
    pub fn set_dial_ms(&self, millis: u64) {
        self.state.dial_ms.store(millis, Ordering::Relaxed);
    }

    /// How callbacks are delivered from now on: twice, late, out of order (see
    /// [`Delivery`](crate::Delivery)).
    pub fn set_callback_delivery(&self, delivery: crate::faults::Delivery) {
        *lock(&self.state.delivery) = delivery;
    }

    /// Pauses or resumes the dialer: while paused, no contact is called.
    pub fn pause_dialer(&self, paused: bool) {
        self.state.dial_paused.store(paused, Ordering::Relaxed);
    }

    /// The tasks created so far, oldest first.
    pub fn tasks(&self) -> Vec<Task> {
        lock(&self.state.family).tasks()
    }

    /// The contacts of a task, in the order they were appended.
    pub fn contacts(&self, task_id: &str) -> Vec<StoredContact> {
        lock(&self.state.family).contacts(task_id)
    }

    /// Forgets the received requests.
    pub fn clear_requests(&self) {
        lock(&self.state.log).clear();
        self.state.peak_in_flight.store(0, Ordering::Relaxed);
    }

    /// The most requests the server was handling at once since it started or the log
    /// was last cleared: how many a client had in flight, for tests of its concurrency
    /// (with [`Faults::latency`] to keep each request open a while).
    pub fn peak_in_flight(&self) -> usize {
        self.state.peak_in_flight.load(Ordering::Relaxed)
    }
}

/// One request as the server received it, and what it did with it.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    /// HTTP method.
    pub method: String,
    /// Path (and query string, if any).
    pub path: String,
    /// Headers, names in lower case, in received order; values that are not UTF-8 are
    /// replaced lossily.
    pub headers: Vec<(String, String)>,
    /// The exact body bytes.
    pub body: Bytes,
    /// What the server answered.
    pub outcome: Outcome,
    /// The answer's `traceId`, when the answer was an envelope.
    pub trace_id: Option<String>,
    /// Server clock when the request arrived, Unix milliseconds.
    pub received_at_millis: i64,
}

impl RecordedRequest {
    /// The value of header `name`, any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    /// The envelope code answered, when an envelope was answered in full.
    pub fn code(&self) -> Option<i64> {
        match self.outcome {
            Outcome::Answered { code } => Some(code),
            Outcome::Fault(_) => None,
        }
    }
}

/// What the server did with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// An envelope with this `code` (0 on success).
    Answered {
        /// The envelope's `code`.
        code: i64,
    },
    /// A fault replaced the answer (or, for [`Fault::TruncateBody`] and
    /// [`Fault::DropAfterApplying`], lost it after the request was applied).
    Fault(Fault),
}
