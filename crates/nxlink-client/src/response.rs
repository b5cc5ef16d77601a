use nxlink_models::runtime::{Drift, DriftReport};
use std::ops::Deref;

/// A successful answer: the payload, and what the service said about it.
///
/// Derefs to the payload, so `response.list` reads the page's records.
#[derive(Debug, Clone, PartialEq)]
pub struct Response<T> {
    data: T,
    trace_id: Option<String>,
    status: u16,
}

impl<T> Response<T> {
    pub(crate) fn new(data: T, trace_id: Option<String>, status: u16) -> Self {
        Self { data, trace_id, status }
    }

    /// The payload.
    pub fn into_inner(self) -> T {
        self.data
    }

    /// The trace ID to quote to the vendor's support, when the service sent one.
    pub fn trace_id(&self) -> Option<&str> {
        self.trace_id.as_deref()
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }
}

impl<T: Drift> Response<T> {
    /// What the payload holds that the spec does not know: unknown fields and enum
    /// codes, with how many objects carried each. Scans add this up in
    /// [`ScanStats::drift`](crate::ScanStats::drift).
    pub fn drift_report(&self) -> DriftReport {
        let mut report = DriftReport::default();
        self.data.drift(&mut report);
        report
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.data
    }
}
