//! The one HTTP handler: every request is counted, recorded, maybe spoiled by a fault,
//! and answered with a `Date` header.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;
use nxlink_auth::Clock;
use nxlink_models::ErrorCode;

use super::state::{lock, Shared};
use crate::{Fault, Outcome, RecordedRequest};

/// Request bodies above this size are refused with 20000.
const MAX_BODY_BYTES: usize = 1 << 20;

/// The one handler: every method and path lands here, so that every request is
/// recorded and gets a `Date` header.
pub(super) async fn handle(State(state): State<Arc<Shared>>, request: Request) -> Response {
    let _in_flight = InFlight::enter(&state);
    let received_at_millis = state.clock.now_millis();
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, MAX_BODY_BYTES).await;
    let (fault, latency, envelope_bodies) = {
        let mut dice = lock(&state.dice);
        (dice.roll(), dice.faults().latency, dice.faults().envelope_bodies)
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }

    let mut recorded = RecordedRequest {
        method: parts.method.to_string(),
        path: parts.uri.path_and_query().map_or_else(|| parts.uri.path().to_owned(), ToString::to_string),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| (name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
            .collect(),
        body: body.as_ref().map_or_else(|_| Bytes::new(), Bytes::clone),
        outcome: Outcome::Answered { code: 0 },
        trace_id: None,
        received_at_millis,
    };

    if let Some(fault) = fault.filter(|fault| !matches!(fault, Fault::TruncateBody | Fault::DropAfterApplying)) {
        recorded.outcome = Outcome::Fault(fault);
        tracing::info!(method = %recorded.method, path = %recorded.path, ?fault, "fault injected");
        state.record(recorded);
        return match fault.status().and_then(|status| StatusCode::from_u16(status).ok()) {
            Some(status) => state.status_fault(status, envelope_bodies),
            None => state.dropped_connection(),
        };
    }

    let answer = match body {
        Ok(body) => state.answer(&parts.method, parts.uri.path(), &parts.headers, &body),
        Err(_) => {
            state.error(StatusCode::OK, ErrorCode::BusinessError, "request body is unreadable or larger than 1 MiB")
        }
    };
    recorded.trace_id = Some(answer.trace_id.clone());
    recorded.outcome = match fault {
        Some(fault) => Outcome::Fault(fault),
        None => Outcome::Answered { code: answer.code },
    };
    tracing::info!(method = %recorded.method, path = %recorded.path, code = answer.code, ?fault, "answered");
    state.record(recorded);
    match fault {
        Some(Fault::DropAfterApplying) => state.dropped_connection(),
        Some(_) => state.truncated(answer),
        None => state.respond(answer.status, Some(nxlink_models::CONTENT_TYPE), Body::from(answer.body)),
    }
}

/// A request being handled, counted while it lives.
struct InFlight<'a>(&'a Shared);

impl<'a> InFlight<'a> {
    fn enter(state: &'a Shared) -> Self {
        let now = state.in_flight.fetch_add(1, Ordering::Relaxed) + 1;
        state.peak_in_flight.fetch_max(now, Ordering::Relaxed);
        Self(state)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Shared {
    /// Keeps `request` in the log, dropping the oldest beyond the log's capacity.
    fn record(&self, request: RecordedRequest) {
        if self.log_capacity == 0 {
            return;
        }
        let mut log = lock(&self.log);
        while log.len() >= self.log_capacity {
            log.pop_front();
        }
        log.push_back(request);
    }
}
