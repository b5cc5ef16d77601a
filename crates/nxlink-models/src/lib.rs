//! Typed models of the NXLink AI Agent open API.
//!
//! Everything under [`generated`] comes from `spec/` through `cargo xtask codegen`:
//! the enum tables (with an `Unknown` variant that keeps codes newer than the docs),
//! the call record and its page, the request of each endpoint with client-side
//! validation, the response envelope, the regions and the endpoint metadata. The
//! hand-written [`runtime`] holds what the generated code calls.
//!
//! ```
//! use nxlink_models::{CallResult, CallRecordPage, Envelope, QueryCallRecordsRequest};
//!
//! let request = QueryCallRecordsRequest::new("52145b00-abc9-4a87-94c2-ed1e1e42ec1c")
//!     .call_result(CallResult::NormalEndUserHungUp)
//!     .page_size(500);
//! request.validate()?;
//! assert_eq!(
//!     serde_json::to_string(&request)?,
//!     r#"{"taskId":"52145b00-abc9-4a87-94c2-ed1e1e42ec1c","callResult":17,"pageNumber":1,"pageSize":500}"#
//! );
//!
//! // Lenient decoding: "" and numbers-as-strings do not fail the page.
//! let body = br#"{"code":0,"message":"success","traceId":null,
//!     "data":{"total":"1","pageNumber":1,"pageSize":10,
//!             "list":[{"id":"7","callResult":"","callStatus":99,"calleePhone":"85238531065"}]}}"#;
//! let envelope: Envelope<CallRecordPage> = nxlink_models::decode(body)?;
//! let record = &envelope.data.as_ref().unwrap().list[0];
//! assert_eq!(record.id, Some(7));
//! assert_eq!(record.call_result, None);
//! assert!(record.call_status.unwrap().is_unknown());
//! assert!(!format!("{record:?}").contains("85238531065"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(warnings, missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod decode;
#[rustfmt::skip]
pub mod generated;
pub mod runtime;

pub use decode::{decode, DecodeError};
pub use generated::*;

/// The README's examples, compiled and run with the doctests so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
