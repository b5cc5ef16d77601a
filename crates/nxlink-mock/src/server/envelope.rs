//! Envelope answers: the success and error envelopes, each with a fresh `traceId`.

use std::sync::atomic::Ordering;

use http::StatusCode;
use nxlink_models::{CallRecordPage, Envelope, ErrorCode};
use serde::Serialize;

use super::state::Shared;

/// An envelope answer, before faults spoil it.
pub(super) struct Answer {
    pub(super) status: StatusCode,
    /// The envelope's `code`.
    pub(super) code: i64,
    pub(super) trace_id: String,
    pub(super) body: Vec<u8>,
}

impl Shared {
    /// A trace id unique across servers and answers.
    pub(super) fn trace_id(&self) -> String {
        let n = self.answers.fetch_add(1, Ordering::Relaxed);
        format!("{:016x}{:016x}", self.instance, n)
    }

    /// The error envelope: `code`, `message`, a fresh `traceId` and `data: null`.
    pub(super) fn error(&self, status: StatusCode, code: ErrorCode, message: &str) -> Answer {
        let trace_id = self.trace_id();
        let envelope: Envelope<CallRecordPage> =
            Envelope { code, message: Some(message.to_owned()), trace_id: Some(trace_id.clone()), data: None };
        let body = serde_json::to_vec(&envelope).unwrap_or_default();
        Answer { status, code: code.code(), trace_id, body }
    }

    /// A business error (20000) with `message`, answered with HTTP 200 as the vendor does.
    pub(super) fn refuse(&self, message: &str) -> Answer {
        self.error(StatusCode::OK, ErrorCode::BusinessError, message)
    }

    /// The success envelope around a body that `encode` writes with a fresh trace id.
    pub(super) fn success(&self, encode: impl FnOnce(&str) -> serde_json::Result<Vec<u8>>) -> Answer {
        let trace_id = self.trace_id();
        match encode(&trace_id) {
            Ok(body) => Answer { status: StatusCode::OK, code: 0, trace_id, body },
            // Serializing plain data into memory does not fail; answer like a broken
            // server would rather than panic.
            Err(_) => {
                self.error(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::BusinessError, "cannot encode the answer")
            }
        }
    }
}

/// The documented success envelope of `data`: code 0, message `success`.
pub(super) fn success_body<T: Serialize>(data: T, trace_id: &str) -> serde_json::Result<Vec<u8>> {
    let envelope = Envelope {
        code: ErrorCode::Success,
        message: Some("success".to_owned()),
        trace_id: Some(trace_id.to_owned()),
        data: Some(data),
    };
    serde_json::to_vec(&envelope)
}
