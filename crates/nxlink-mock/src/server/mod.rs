//! The HTTP server: one module per job, and one per simulated endpoint.
//!
//! - `builder`: [`MockServerBuilder`] and the running [`MockServer`];
//! - `handle`: [`MockHandle`] and the request log ([`RecordedRequest`], [`Outcome`]);
//! - `state`: what the handler and the handles share;
//! - `handler`: the one handler (recording, faults, latency);
//! - `wire`: the `Date` header and the faults on the wire;
//! - `envelope`: success and error envelopes;
//! - `dispatch`: routing by path and method, authentication;
//! - `simulate`: the [`Simulation`](simulate::Simulation) trait and [`SIMULATED`];
//! - `endpoints`: one module per simulated endpoint, each with its honoured fields;
//! - `dialer`: the dialer and the callbacks.

mod builder;
mod dialer;
mod dispatch;
mod endpoints;
mod envelope;
mod handle;
mod handler;
pub(crate) mod simulate;
mod state;
mod wire;

pub use builder::{MockServer, MockServerBuilder, DEFAULT_RECORDS, DEFAULT_REQUEST_LOG_CAPACITY, MAX_LIVE_PER_REQUEST};
pub use handle::{MockHandle, Outcome, RecordedRequest};
pub use simulate::{SimulatedEndpoint, SIMULATED};
