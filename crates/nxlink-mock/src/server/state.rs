//! The state every request and handle shares, and the locks that guard it.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use nxlink_auth::{KeyStore, OffsetClock, Verifier};
use nxlink_models::CallRecord;

use super::RecordedRequest;
use crate::family::{Family, Outgoing};
use crate::faults::{Delivery, FaultDice};
use crate::Dataset;

/// Clock offsets are clamped to this (100 years), which keeps the `Date` header
/// printable whatever a caller asks for.
pub(super) const MAX_CLOCK_OFFSET_MILLIS: i64 = 100 * 365 * 86_400_000;

/// State shared by the handler and the handles.
pub(super) struct Shared {
    pub(super) base_url: String,
    pub(super) dataset: Arc<Dataset>,
    pub(super) verifier: Verifier<KeyStore, Arc<OffsetClock>>,
    pub(super) clock: Arc<OffsetClock>,
    pub(super) dice: Mutex<FaultDice>,
    pub(super) quirks: AtomicBool,
    pub(super) live: AtomicUsize,
    pub(super) inserted: RwLock<Live>,
    pub(super) log: Mutex<VecDeque<RecordedRequest>>,
    pub(super) log_capacity: usize,
    /// Makes trace ids unique across servers.
    pub(super) instance: u64,
    /// Counts answers, for trace ids.
    pub(super) answers: AtomicU64,
    /// Requests being handled now, and the most at once since the log was cleared.
    pub(super) in_flight: AtomicUsize,
    pub(super) peak_in_flight: AtomicUsize,
    /// Agents, routes, tasks and contacts.
    pub(super) family: Mutex<Family>,
    /// The dialer's period in ms; 0 is off.
    pub(super) dial_ms: AtomicU64,
    pub(super) dial_paused: AtomicBool,
    /// How callbacks are delivered.
    pub(super) delivery: Mutex<Delivery>,
    /// Callbacks to send, each batch when it is due.
    pub(super) outbox: tokio::sync::mpsc::UnboundedSender<(tokio::time::Instant, Vec<Outgoing>)>,
    /// Sends the callbacks.
    pub(super) http: reqwest::Client,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared").field("base_url", &self.base_url).field("records", &self.dataset.len()).finish()
    }
}

/// Records added by live mode and by the dialer.
#[derive(Default)]
pub(super) struct Live {
    /// Oldest first.
    pub(super) records: Vec<CallRecord>,
    /// Calls the dialer placed so far.
    pub(super) dialed: u64,
    /// `createTs` of the newest insert, so inserts never go back in time.
    pub(super) newest_ts: i64,
}

/// A lock whose holder panicked still holds consistent data here (every critical
/// section is a single push, swap or read), so poisoning is ignored.
pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

pub(super) fn read<T>(lock: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(PoisonError::into_inner)
}

pub(super) fn write<T>(lock: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(PoisonError::into_inner)
}

pub(super) fn clamp_offset(offset_millis: i64) -> i64 {
    offset_millis.clamp(-MAX_CLOCK_OFFSET_MILLIS, MAX_CLOCK_OFFSET_MILLIS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_clamped() {
        assert_eq!(clamp_offset(i64::MAX), MAX_CLOCK_OFFSET_MILLIS);
        assert_eq!(clamp_offset(i64::MIN), -MAX_CLOCK_OFFSET_MILLIS);
        assert_eq!(clamp_offset(-5), -5);
    }
}
