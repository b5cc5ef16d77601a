//! A faithful local NXLink server, for tests, demos and benchmarks.
//!
//! It serves **Query Call Records** (`POST /openapi/aiagent/call/list`) the way the
//! vendor documents it, and the rest of the AI Agent family simply (agents, routes,
//! tasks, contacts, a dialer and its callbacks; see [`SIMULATED`]), on `127.0.0.1`,
//! in-process or as the `nxlink-mock` binary:
//!
//! - **Authentication** with [`nxlink_auth::Verifier`]: a missing common header is
//!   1001; `bizType` other than `100` or `action` other than `nxai` is 1002; a wrong
//!   signature (md5, or sha256 when the `algorithm` header says so) or a
//!   `Content-Type` other than `application/json` is 1003; a `ts` more than 60 s from
//!   the server clock is 1004; an unknown `accessKey` is 1005. Several key pairs can be
//!   configured; the demo pair [`DEMO_ACCESS_KEY`] / [`DEMO_ACCESS_SECRET`] is on by
//!   default.
//! - **Errors** are the envelope `{"code", "message", "traceId", "data": null}` with
//!   HTTP 200 (404 / 405 for an unknown path or method). Every envelope has a fresh
//!   `traceId`; every answer has a `Date` header from the server clock.
//! - **Data**: a seeded, deterministic [`Dataset`] over the tasks in [`TASK_IDS`]
//!   ([`DEMO_TASK_ID`] holds most records), newest first. See [`Dataset`] for what
//!   holds for each record.
//! - **Filters**: `taskId` exact; `startTs` / `endTs` are inclusive bounds, in
//!   seconds, on **`createTs`** (the documented timestamp the mock filters on);
//!   `callId` exact; `phone` exact on `calleePhone`; `callResult` by code; `userIntent`
//!   exact; `minElapsed` / `maxElapsed` inclusive on `callElapsed`. `""` means unset.
//! - **Only what it simulates**: each endpoint in [`SIMULATED`] honours a list of
//!   request fields ([`SimulatedEndpoint::honoured`]); a request that sets any other
//!   field, known to the spec or not, is 20000 naming the field, the endpoint and what
//!   is honoured, never answered as if the field were not there. An endpoint of the
//!   spec that the mock does not simulate is 20000 "not simulated by nxlink-mock".
//! - **Paging**: page `N` holds matches `(N-1)*pageSize .. N*pageSize`, newest first;
//!   `total` counts all matches; a page past the end has an empty list. A body that
//!   does not decode, a missing `taskId`, `pageNumber < 1` or `pageSize` outside
//!   `1..=1000` is 20000 with a message naming the field.
//! - **Faults** ([`Faults`], seeded, switchable at runtime through [`MockHandle`]):
//!   HTTP 500 / 502 / 503 (`Retry-After: 1`) / 429 (`Retry-After: 1`), dropped
//!   connections, truncated bodies, fixed latency; plus a server clock offset, a
//!   "quirks" mode (numbers as strings, `null`s, `""`, unknown fields, codes one past
//!   the documented tables, `list: null` on an empty page) and a "live" mode that inserts
//!   records at the front of a task while a client pages.
//! - **Inspection**: every request is recorded ([`RecordedRequest`]: method, path,
//!   headers, body, [`Outcome`]).
//!
//! The library has no argument parser or log formatter among its dependencies: the
//! binary is the `nxlink-mock-cli` package (`cargo install nxlink-mock-cli`; in this
//! repository, `cargo run -p nxlink-mock-cli`).
//!
//! # Example
//!
//! ```
//! use nxlink_auth::{Credentials, Signer, SystemClock, Clock};
//! use nxlink_mock::{MockServer, DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET, DEMO_TASK_ID};
//! use nxlink_models::{CallRecordPage, Envelope};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let server = MockServer::builder().seed(7).records(1_000).start().await?;
//!
//! let body = format!(r#"{{"taskId":"{DEMO_TASK_ID}","pageNumber":1,"pageSize":10}}"#);
//! let signer = Signer::new(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET));
//! let signed = signer.sign("100", "nxai", SystemClock.now_millis(), body.as_bytes());
//! let mut request = reqwest::Client::new()
//!     .post(format!("{}/openapi/aiagent/call/list", server.base_url()))
//!     .header("Content-Type", "application/json");
//! for (name, value) in &signed {
//!     request = request.header(name, value);
//! }
//! let bytes = request.body(body).send().await?.bytes().await?;
//! let envelope: Envelope<CallRecordPage> = nxlink_models::decode(&bytes)?;
//! let page = envelope.data.unwrap_or_default();
//! assert_eq!(page.list.len(), 10);
//! assert_eq!(page.total, Some(server.dataset().task_len(DEMO_TASK_ID) as i64));
//!
//! // Faults, quirks, live mode and the clock change while the server runs.
//! server.handle().set_faults(nxlink_mock::Faults::always(nxlink_mock::Fault::BadGateway));
//! assert_eq!(server.requests().len(), 1);
//! # Ok(())
//! # }
//! ```
//!
//! From a shell: `nxlink-mock --port 8080 --records 100000 --seed 7 --key AK:SECRET`
//! (`nxlink-mock --help` lists the fault flags).
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod dataset;
mod family;
mod faults;
mod query;
mod quirks;
mod server;

pub use dataset::{
    Dataset, DATASET_END_TS, DATASET_SPAN_SECS, DEMO_TASK_ID, FIRST_ID, MAX_RECORDS, TASK_IDS, USER_INTENTS,
};
pub use family::{StoredContact, SEEDED_AGENTS, SEEDED_ROUTES};
pub use faults::{Delivery, Fault, Faults};
pub use query::{matches, page};
pub use quirks::{new_call_result, new_call_status};
pub use server::{
    MockHandle, MockServer, MockServerBuilder, Outcome, RecordedRequest, SimulatedEndpoint, DEFAULT_RECORDS,
    DEFAULT_REQUEST_LOG_CAPACITY, MAX_LIVE_PER_REQUEST, SIMULATED,
};

/// Access key of the demo pair every server accepts unless told otherwise
/// ([`MockServerBuilder::demo_key`]).
pub const DEMO_ACCESS_KEY: &str = "AK-demo-0000000000000000001-0001";

/// Secret of the demo pair. Public on purpose: it only opens the mock.
pub const DEMO_ACCESS_SECRET: &str = "nxlink-mock-demo-secret";

/// Path of the one endpoint served, from the generated endpoint metadata.
pub const CALL_LIST_PATH: &str = <nxlink_models::QueryCallRecords as nxlink_models::runtime::Operation>::ENDPOINT.path;

/// The README's examples, compiled and run with the doctests so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
