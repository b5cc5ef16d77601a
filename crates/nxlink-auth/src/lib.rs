//! Credentials, request signing and verification for the NXLink open API.
//!
//! Every request carries `accessKey`, `ts` (Unix milliseconds), `bizType`, `action`
//! and `sign`, where
//!
//! ```text
//! sign = lowercase_hex(HASH("accessKey=<ak>&action=<action>&bizType=<bizType>&ts=<ts>"
//!                           + "&body=<exact body bytes>"   // left out for an empty body
//!                           + "&accessSecret=<secret>"))
//! ```
//!
//! `HASH` is MD5 unless the request also sends `algorithm: sha256`. The secret is
//! never sent. The body is signed byte for byte, so serialize once and send exactly
//! the bytes you signed.
//!
//! A client signs with [`Signer`]; a server (the mock, a webhook receiver) checks
//! with [`Verifier`]. Secrets live in [`AccessSecret`], which never prints and is
//! wiped on drop.
//!
//! ```
//! use nxlink_auth::{Clock, Credentials, FixedClock, KeyStore, Signer, Verifier};
//!
//! let credentials = Credentials::new("AK-1", "s3cr3t");
//! let clock = FixedClock::new(1_700_000_000_000);
//!
//! // Client: sign the exact bytes that go on the wire, then set every header.
//! let body = br#"{"taskId":"t-1","pageNumber":1,"pageSize":10}"#;
//! let signer = Signer::new(credentials.clone());
//! let signed = signer.sign("100", "nxai", clock.now_millis(), body);
//! for (name, value) in &signed {
//!     println!("{name}: {value}");
//! }
//!
//! // Server: look the key up, check the clock window and the signature.
//! let verifier = Verifier::new(KeyStore::new().with(credentials)).with_clock(&clock);
//! let received: Vec<(String, String)> = signed
//!     .iter()
//!     .map(|(name, value)| (name.to_ascii_lowercase(), value.to_owned()))
//!     .collect();
//! let request = verifier.verify_headers(&received, body)?;
//! assert_eq!(request.access_key(), "AK-1");
//!
//! // A changed body is caught, with the vendor's error code.
//! let err = verifier.verify_headers(&received, b"{}").unwrap_err();
//! assert_eq!(err.code(), 1003);
//! # Ok::<(), nxlink_auth::VerifyError>(())
//! ```
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod clock;
mod credentials;
mod sign;
mod verify;

pub use clock::{Clock, FixedClock, OffsetClock, SystemClock};
pub use credentials::{AccessSecret, Credentials, CredentialsError, ENV_ACCESS_KEY, ENV_ACCESS_SECRET};
pub use sign::{string_to_sign_masked, Algorithm, HeaderIter, Signature, SignedHeaders, Signer, UnknownAlgorithm};
pub use verify::{HeaderLookup, KeyStore, SecretStore, VerifiedRequest, Verifier, VerifyError};

/// How far `ts` may be from the server's clock, either direction, before the server
/// answers 1004. From the spec (`spec/service.json`).
pub const MAX_CLOCK_SKEW_MS: i64 = nxlink_models::signing::MAX_CLOCK_SKEW_MILLIS;

/// The `bizType` of every AI Agent endpoint, from the spec.
pub const DEFAULT_BIZ_TYPE: &str = nxlink_models::BIZ_TYPE;

/// The `action` of every AI Agent endpoint, from the spec.
pub const DEFAULT_ACTION: &str = nxlink_models::ACTION;

/// Names of the authentication headers, spelled as the vendor documents them and
/// generated from the spec. HTTP treats header names case-insensitively; the verifier
/// does too.
pub use nxlink_models::header as headers;

/// The README's examples, compiled and run with the doctests so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
