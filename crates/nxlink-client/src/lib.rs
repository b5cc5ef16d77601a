//! Async client for the NXLink AI Agent open API.
//!
//! Each call is validated against the spec, serialized once, signed over those exact
//! bytes (md5 or sha256), sent, and decoded leniently. Transport errors, timeouts,
//! truncated bodies, 5xx and 429 are retried with exponential backoff and full jitter
//! (`Retry-After` honoured); a 1004 (clock skew) makes the client adopt the server's
//! clock from its `Date` header and re-sign once. Paginated endpoints also offer a
//! stream of pages, fetched ahead with bounded concurrency, and a stream of items that
//! yields each item once per scan.
//!
//! ```no_run
//! use futures_util::TryStreamExt;
//! use nxlink_client::{CallResult, Client, Credentials, Region};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::builder()
//!     .region(Region::Hk)
//!     .credentials(Credentials::from_env()?)
//!     .build()?;
//!
//! // One page.
//! let page = client
//!     .query_call_records("52145b00-abc9-4a87-94c2-ed1e1e42ec1c")
//!     .call_result(CallResult::NormalEndUserHungUp)
//!     .page_size(100)
//!     .send()
//!     .await?;
//! println!("{} records in all, trace {:?}", page.total.unwrap_or(0), page.trace_id());
//!
//! // Every record, pages fetched four at a time.
//! let mut records = client.query_call_records("52145b00-abc9-4a87-94c2-ed1e1e42ec1c").records();
//! while let Some(record) = records.try_next().await? {
//!     println!("{:?} {:?}", record.id, record.call_result);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Against the local mock (`nxlink-mock`), use `.base_url("http://127.0.0.1:PORT")`:
//! plain HTTP is accepted only for loopback hosts.
//!
//! Behind a proxy, with your own root certificates or connection pool, give your own
//! `reqwest::Client` with [`ClientBuilder::http_client`]; its rustdoc says which
//! settings stay the SDK's and how the proxy environment variables apply.
//!
//! # Features
//!
//! - `rustls` (default): the builder's HTTP client speaks TLS with rustls (aws-lc-rs)
//!   and the platform's roots.
//! - `native-tls`: the platform's TLS library instead (OpenSSL on Linux: `libssl-dev`
//!   and `pkg-config` to build). With both on, native-tls is used.
//! - neither: plain http only, which the client allows to loopback only (the mock);
//!   [`ClientBuilder::build`] refuses an https base URL with
//!   [`BuildError::TlsDisabled`] unless a client with its own TLS is given.
//! - `axum`: `receiver::axum_router` and `receiver::serve`, the callback receiver as
//!   an HTTP server.
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod client;
mod error;
mod execute;
/// The generator's client output for the fixture spec (`tests/fixtures/spec`). It adds
/// methods to this crate's types, so this crate is the only place it can compile: a
/// snapshot that reads well but does not build fails the tests here.
#[cfg(test)]
#[rustfmt::skip]
mod fixture_generated;
#[rustfmt::skip]
mod generated;
pub mod once;
mod paginate;
pub mod receiver;
mod request;
mod response;
mod retry;

pub use client::{BuildError, Client, ClientBuilder, USER_AGENT};
pub use error::{ApiError, BodySnippet, Error, TimeoutKind, SNIPPET_LIMIT};
pub use once::{stable_contact_id, Applied};
pub use paginate::{ItemStream, PageStream, ScanStats, DRIFT_TARGET};
pub use receiver::{Received, Receiver, Rejection, UnsignedPolicy};
pub use request::RequestBuilder;
pub use response::Response;
pub use retry::RetryPolicy;

pub use nxlink_auth::{Algorithm, Clock, Credentials, CredentialsError};
/// Every type generated from the spec (requests, objects, enums, regions), so a user
/// needs only this crate; the list follows the spec, never a hand-kept one.
pub use nxlink_models::generated::*;
pub use nxlink_models::runtime::{DriftReport, Finding};

#[cfg(test)]
mod fixture_tests {
    use nxlink_fixture_models::{Color, ListWidgets, ListWidgetsRequest};

    use crate::{Client, Credentials, RequestBuilder};

    #[test]
    fn client_and_streams_can_cross_threads() {
        fn shareable<T: Send + Sync + Clone + 'static>() {}
        fn sendable<T: Send + 'static>() {}
        shareable::<Client>();
        sendable::<crate::ItemStream<nxlink_models::QueryCallRecords>>();
        sendable::<crate::PageStream<nxlink_models::QueryCallRecords>>();
        sendable::<crate::Error>();
    }

    #[test]
    fn generated_fixture_builders_set_every_field() {
        let client = Client::builder()
            .base_url("http://127.0.0.1:9")
            .credentials(Credentials::new("AK", "secret"))
            .build()
            .unwrap();
        let builder: RequestBuilder<ListWidgets> =
            client.list_widgets("owner").color(Color::Red).shade("dark").phone("+85212345678").page(2).size(10);
        let request: &ListWidgetsRequest = builder.request();
        assert_eq!(
            (request.owner.as_str(), request.color, request.shade.as_deref(), request.page, request.size),
            ("owner", Some(Color::Red), Some("dark"), 2, 10)
        );
        request.validate().unwrap();
        let _stream = builder.widgets();
    }

    #[test]
    fn fixture_shapes_nested_requests_and_their_checks() {
        use nxlink_fixture_models::{
            DeleteWidget, DeleteWidgetRequest, DescribeWidgets, Label, LineItem, PlaceOrder, PlaceOrderRequest,
        };
        use nxlink_models::runtime::Operation;

        // Unset options and empty optional arrays are left out; nested objects nest.
        let line = LineItem::new("SKU-1", 2);
        let request = PlaceOrderRequest::new(vec![line.clone(), line.clone().labels(vec![Label::new("fragile")])])
            .owner("ann")
            .weight(1.5);
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            serde_json::json!({"owner": "ann", "lines": [{"sku": "SKU-1", "quantity": 2},
                {"sku": "SKU-1", "quantity": 2, "labels": [{"text": "fragile"}]}], "weight": 1.5})
        );
        request.validate().unwrap();

        // Errors name the path into the nested values.
        let bad = PlaceOrderRequest::new(vec![line.clone(), line.clone().labels(vec![Label::new(" ")])]).owner("ann");
        assert_eq!(bad.validate().unwrap_err().field(), "lines[1].labels[0].text");
        let too_long = PlaceOrderRequest::new(vec![LineItem::new("x".repeat(17), 1)]).owner("ann");
        assert_eq!(too_long.validate().unwrap_err().field(), "lines[0].sku");
        let neither = PlaceOrderRequest::new(vec![line.clone()]);
        let err = neither.validate().unwrap_err();
        assert!(err.field() == "widgetId" && err.message().contains("`owner`"), "{err}");
        let empty = PlaceOrderRequest::new(vec![]).owner("ann");
        assert_eq!(empty.validate().unwrap_err().field(), "lines");
        let many = PlaceOrderRequest::new(vec![line; 11]).owner("ann");
        assert!(many.validate().unwrap_err().message().contains("at most 10"));

        // Endpoint metadata: idempotency, the key, the service's bizType with an action
        // of its own, what `data: null` means.
        const { assert!(!PlaceOrder::ENDPOINT.idempotent) };
        assert_eq!(PlaceOrder::ENDPOINT.idempotency_key, Some("clientRef"));
        assert_eq!(PlaceOrder::empty_data(), None, "an order answer must carry data");
        assert_eq!((DeleteWidget::ENDPOINT.biz_type, DeleteWidget::ENDPOINT.action), ("1", "remove"));
        assert_eq!(DeleteWidget::empty_data(), Some(nxlink_models::runtime::NoData));
        assert_eq!(DescribeWidgets::empty_data(), Some(serde_json::Value::Null));
        // A request with no required field has Default.
        assert_eq!(DeleteWidgetRequest::default(), DeleteWidgetRequest::new());
    }
}

/// The README's examples, compiled and run with the doctests so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
