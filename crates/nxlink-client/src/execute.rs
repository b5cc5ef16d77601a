//! One call: validate, serialize once, sign those bytes, send, decode the envelope;
//! retry what can be retried; learn the server's clock on a 1004 and re-sign once.

use std::time::{Duration, Instant, SystemTime};

use bytes::{Bytes, BytesMut};
use nxlink_auth::Clock;
use nxlink_models::runtime::Operation;
use nxlink_models::{Envelope, ErrorCode, CONTENT_TYPE};
use reqwest::header::{HeaderMap, CONTENT_TYPE as CONTENT_TYPE_HEADER, DATE, RETRY_AFTER, USER_AGENT};
use tracing::Instrument;

use crate::error::{ApiError, BodySnippet, Error, TimeoutKind};
use crate::retry::parse_retry_after;
use crate::{Client, Response};

/// The most a response's Content-Length may reserve before its bytes arrive: a
/// 1,000-record page is about 1.3 MB.
const INITIAL_BODY_CAPACITY: usize = 4 << 20;

impl Client {
    /// Sends `request` to the operation `Op` and returns its payload. The generated
    /// builders (`client.query_call_records(..)`) call this; it is public for code that
    /// is generic over operations.
    pub async fn execute<Op: Operation>(&self, request: &Op::Request) -> Result<Response<Op::Data>, Error> {
        let attempts = self.inner.retry.max_attempts();
        self.execute_with_attempts::<Op>(request, attempts).await
    }

    pub(crate) async fn execute_with_attempts<Op: Operation>(
        &self,
        request: &Op::Request,
        attempts: u32,
    ) -> Result<Response<Op::Data>, Error> {
        if self.inner.validate {
            Op::validate(request)?;
        }
        // A call that may have to be found again carries a unique id: the caller's, or
        // one made here. Only such endpoints pay for the copy.
        let mut keyed = None;
        let mut request_with_key = None;
        if Op::ENDPOINT.idempotency_key.is_some() {
            let mut copy = request.clone();
            if let Some(slot) = Op::idempotency_key(&mut copy) {
                if slot.as_deref().is_none_or(|key| key.trim().is_empty()) {
                    *slot = Some(crate::retry::unique_id());
                }
                keyed = slot.clone();
            }
            request_with_key = Some(copy);
        }
        let request = request_with_key.as_ref().unwrap_or(request);
        let body = to_body(request)?;
        self.call(Op::ENDPOINT, body, keyed, attempts, Op::empty_data).await
    }

    /// Sends `body` (a JSON object) to `endpoint` and returns `data` as JSON, for code
    /// that knows an endpoint by its metadata only (`nxlink api`, the lookup of
    /// `send_once`). The idempotency key is filled in when the body has none; the
    /// request is not checked against the spec here (the typed builders do that).
    pub async fn execute_json(
        &self,
        endpoint: nxlink_models::runtime::Endpoint,
        mut body: serde_json::Map<String, serde_json::Value>,
    ) -> Result<Response<serde_json::Value>, Error> {
        let mut keyed = None;
        if let Some(key) = endpoint.idempotency_key {
            let value = match body.get(key).and_then(serde_json::Value::as_str).filter(|v| !v.trim().is_empty()) {
                Some(value) => value.to_owned(),
                None => crate::retry::unique_id(),
            };
            body.insert(key.to_owned(), value.clone().into());
            keyed = Some(value);
        }
        let body = to_body(&body)?;
        let attempts = self.inner.retry.max_attempts();
        self.call(endpoint, body, keyed, attempts, || Some(serde_json::Value::Null)).await
    }

    /// One call to `endpoint` with `body`, serialized once: the attempts, the deadline,
    /// and what a failure of a call that is not idempotent becomes.
    async fn call<D: serde::de::DeserializeOwned>(
        &self,
        endpoint: nxlink_models::runtime::Endpoint,
        body: Bytes,
        keyed: Option<String>,
        attempts: u32,
        empty: fn() -> Option<D>,
    ) -> Result<Response<D>, Error> {
        let started = Instant::now();
        let overall = self.inner.overall_timeout;
        // Read after the overall deadline cancels the loop, so the error can say how
        // many attempts it cut short.
        let made = std::sync::atomic::AtomicU32::new(0);
        let result =
            match tokio::time::timeout(overall, self.attempt_loop(endpoint, body, attempts, &made, empty)).await {
                Ok(result) => result,
                Err(_) => Err(Error::Timeout {
                    kind: TimeoutKind::Overall,
                    elapsed: started.elapsed(),
                    attempts: made.load(std::sync::atomic::Ordering::Relaxed),
                }),
            };
        result.map_err(|error| {
            // The attempt loop stopped on this error; whether it becomes MaybeApplied is
            // the retry table's call (`retry::decide`), through `may_have_been_applied`.
            if endpoint.idempotent || !error.may_have_been_applied() {
                return error;
            }
            let key = endpoint.idempotency_key.zip(keyed);
            Error::MaybeApplied { source: Box::new(error), key }
        })
    }

    async fn attempt_loop<D: serde::de::DeserializeOwned>(
        &self,
        endpoint: nxlink_models::runtime::Endpoint,
        body: Bytes,
        attempts: u32,
        made: &std::sync::atomic::AtomicU32,
        empty: fn() -> Option<D>,
    ) -> Result<Response<D>, Error> {
        let mut skew_corrected = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
            made.store(attempt, std::sync::atomic::Ordering::Relaxed);
            let span = tracing::info_span!(
                "nxlink.request",
                path = endpoint.path,
                attempt,
                http.status = tracing::field::Empty,
                api.code = tracing::field::Empty,
                trace_id = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
            );
            let outcome = self.attempt(endpoint, &body, empty).instrument(span.clone()).await;
            let error = match outcome {
                Ok(response) => return Ok(response),
                Err(Attempt { error, server_offset }) => {
                    if let (Some(ErrorCode::TimestampExpired), Some(offset), false) =
                        (error.api_code(), server_offset, skew_corrected)
                    {
                        // The server says our ts is off by more than 60 s: adopt its clock
                        // and re-sign once. This retry does not count as an attempt.
                        skew_corrected = true;
                        attempt -= 1;
                        self.inner.clock.set_offset_millis(offset);
                        span.in_scope(|| tracing::warn!(offset_ms = offset, "server clock differs; re-signing"));
                        continue;
                    }
                    error
                }
            };
            if !crate::retry::should_retry(&error, endpoint.idempotent) || attempt >= attempts {
                let error = error.with_attempts(attempt);
                span.in_scope(|| tracing::debug!(error = %error, "request failed"));
                return Err(error);
            }
            let delay = self.inner.retry.delay(attempt, error.retry_after());
            span.in_scope(|| tracing::warn!(error = %error, delay_ms = delay.as_millis() as u64, "retrying"));
            tokio::time::sleep(delay).await;
        }
    }

    /// One attempt, bounded by the attempt timeout.
    async fn attempt<D: serde::de::DeserializeOwned>(
        &self,
        endpoint: nxlink_models::runtime::Endpoint,
        body: &Bytes,
        empty: fn() -> Option<D>,
    ) -> Result<Response<D>, Attempt> {
        let inner = &self.inner;
        let ts = inner.clock.now_millis();
        let signed = inner.signer.sign(endpoint.biz_type, endpoint.action, ts, body);
        let url = format!("{}{}", inner.base_url, endpoint.path);
        let method = reqwest::Method::from_bytes(endpoint.method.as_bytes()).unwrap_or(reqwest::Method::POST);
        let mut builder = inner
            .http
            .request(method, url)
            .header(USER_AGENT, inner.user_agent.clone())
            .header(CONTENT_TYPE_HEADER, CONTENT_TYPE)
            .body(body.clone());
        for (name, value) in &signed {
            builder = builder.header(name, value);
        }
        let sent_at = SystemTime::now();
        let started = Instant::now();
        let limit = inner.max_response_bytes;
        let exchange = async {
            let mut response = builder.send().await.map_err(transport_or_timeout)?;
            let status = response.status().as_u16();
            let too_large = || Error::ResponseTooLarge { status, limit };
            // Checked before and while reading, so a hostile or broken server cannot
            // make the client buffer an unbounded body.
            let declared = response.content_length().unwrap_or(0);
            if declared > limit as u64 {
                return Err(too_large());
            }
            let headers = response.headers().clone();
            // Sized from Content-Length so a page is copied once instead of through a
            // series of doublings; the cap keeps a lying header from reserving the
            // whole limit up front.
            let mut body = BytesMut::with_capacity(declared.min(INITIAL_BODY_CAPACITY as u64) as usize);
            while let Some(chunk) = response.chunk().await.map_err(transport_or_timeout)? {
                if body.len() + chunk.len() > limit {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            Ok((status, headers, body.freeze()))
        };
        let result = tokio::time::timeout(inner.attempt_timeout, exchange).await;
        let latency = started.elapsed();
        let span = tracing::Span::current();
        span.record("latency_ms", latency.as_millis() as u64);
        let (status, headers, bytes) = match result {
            Err(_) => {
                return Err(Attempt::plain(Error::Timeout {
                    kind: TimeoutKind::Attempt,
                    elapsed: latency,
                    attempts: 1,
                }));
            }
            Ok(Err(Error::Timeout { kind, .. })) => {
                return Err(Attempt::plain(Error::Timeout { kind, elapsed: latency, attempts: 1 }));
            }
            Ok(Err(error)) => return Err(Attempt::plain(error)),
            Ok(Ok(parts)) => parts,
        };
        span.record("http.status", status);
        let received_at = SystemTime::now();
        decode_envelope(endpoint, empty, status, &headers, &bytes, received_at)
            .map_err(|error| {
                if let Error::Api(api) = &error {
                    span.record("api.code", api.code.code());
                    if let Some(trace_id) = &api.trace_id {
                        span.record("trace_id", trace_id.as_str());
                    }
                }
                // Measured against the midpoint of send and receive: the server stamped its
                // Date somewhere in between.
                let server_offset = server_offset_millis(&headers, sent_at, received_at);
                Attempt { error, server_offset }
            })
            .inspect(|response: &Response<D>| {
                span.record("api.code", 0);
                if let Some(trace_id) = response.trace_id() {
                    span.record("trace_id", trace_id);
                }
                tracing::debug!(parent: &span, "request succeeded");
            })
    }
}

fn transport_or_timeout(err: reqwest::Error) -> Error {
    if err.is_timeout() {
        // reqwest reports its connect timeout as a connect error that timed out.
        let kind = if err.is_connect() { TimeoutKind::Connect } else { TimeoutKind::Attempt };
        Error::Timeout { kind, elapsed: Duration::ZERO, attempts: 1 }
    } else {
        Error::Transport { source: err, attempts: 1 }
    }
}

/// A failed attempt, with what the server's `Date` says of our clock.
struct Attempt {
    error: Error,
    server_offset: Option<i64>,
}

impl Attempt {
    fn plain(error: Error) -> Self {
        Self { error, server_offset: None }
    }
}

/// Turns a response into the payload or the error it carries.
fn decode_envelope<D: serde::de::DeserializeOwned>(
    endpoint: nxlink_models::runtime::Endpoint,
    empty: fn() -> Option<D>,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    now: SystemTime,
) -> Result<Response<D>, Error> {
    let retry_after = || headers.get(RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(|v| parse_retry_after(v, now));
    let success = (200..300).contains(&status);
    // An error status with a body that claims success (`{"code":0}` on a 503) is still
    // the error status: the payload is read only from a 2xx.
    let envelope = match nxlink_models::decode::<Envelope<D>>(body) {
        Ok(envelope) if success || !envelope.is_success() => envelope,
        Ok(_) => {
            return Err(Error::Status {
                status,
                attempts: 1,
                snippet: BodySnippet::of(body),
                retry_after: retry_after(),
            })
        }
        // Only a 2xx was to carry the payload; under any other status the status is the
        // answer (an empty 307, a 500 whose page is cut short).
        Err(source) if success => {
            return Err(Error::Decode { status, attempts: 1, snippet: BodySnippet::of(body), source });
        }
        Err(_) => {
            return Err(Error::Status {
                status,
                attempts: 1,
                snippet: BodySnippet::of(body),
                retry_after: retry_after(),
            })
        }
    };
    if !envelope.is_success() {
        return Err(Error::Api(Box::new(ApiError {
            code: envelope.code,
            message: envelope.message,
            trace_id: envelope.trace_id,
            status,
            snippet: BodySnippet::of(body),
            retry_after: retry_after(),
            attempts: 1,
        })));
    }
    let data = match envelope.data {
        Some(data) => data,
        None => no_data(endpoint, empty, body).map_err(|source| Error::Decode {
            status,
            attempts: 1,
            snippet: BodySnippet::of(body),
            source,
        })?,
    };
    Ok(Response::new(data, envelope.trace_id, status))
}

/// The payload of a success whose `data` is `null` or absent. A paginated endpoint may
/// answer with its page flat beside `code` (`{code, message, total, list, ...}`, the
/// backend's own shape), so that is read; an answer in neither shape is an error naming
/// what is missing, never an empty page. Other endpoints answer with what the spec says
/// `data: null` means, or an error when they must carry data.
fn no_data<D: serde::de::DeserializeOwned>(
    endpoint: nxlink_models::runtime::Endpoint,
    empty: fn() -> Option<D>,
    body: &[u8],
) -> Result<D, nxlink_models::DecodeError> {
    let Some(pagination) = endpoint.pagination else {
        return empty().ok_or_else(|| {
            nxlink_models::DecodeError::missing("data", "a success without `data`; expected the payload in `data`")
        });
    };
    let mut flat: serde_json::Map<String, serde_json::Value> = nxlink_models::decode(body)?;
    if !flat.contains_key(pagination.list) {
        return Err(nxlink_models::DecodeError::missing(
            "data",
            format!(
                "a success with neither `data.{list}` nor a top-level `{list}`; expected the page in `data` or flat beside `code`",
                list = pagination.list
            ),
        ));
    }
    for field in Envelope::<nxlink_models::runtime::NoData>::FIELDS {
        flat.remove(*field);
    }
    let page = serde_json::to_vec(&flat).map_err(|err| nxlink_models::DecodeError::missing("data", err.to_string()))?;
    nxlink_models::decode(&page)
}

/// A request serialized once: the signature covers these exact bytes, on every attempt.
fn to_body<T: serde::Serialize>(request: &T) -> Result<Bytes, Error> {
    serde_json::to_vec(request).map(Bytes::from).map_err(|err| {
        // Generated request types always serialize; keep the error typed anyway.
        Error::Validation(nxlink_models::runtime::ValidationError::new("<body>", err.to_string()))
    })
}

/// How far the server's clock (its `Date` header) is ahead of ours, in milliseconds.
fn server_offset_millis(headers: &HeaderMap, sent_at: SystemTime, received_at: SystemTime) -> Option<i64> {
    let date = headers.get(DATE)?.to_str().ok()?;
    let server = httpdate::parse_http_date(date).ok()?;
    let midpoint = sent_at + received_at.duration_since(sent_at).unwrap_or(Duration::ZERO) / 2;
    let millis = |t: SystemTime| -> Option<i64> {
        i64::try_from(t.duration_since(SystemTime::UNIX_EPOCH).ok()?.as_millis()).ok()
    };
    // Date has one-second resolution: add half a second so the error is at most ±0.5 s.
    Some(millis(server)? + 500 - millis(midpoint)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use nxlink_models::CallRecordPage;

    fn decode_page(status: u16, body: &str) -> Result<Response<CallRecordPage>, Error> {
        use nxlink_models::runtime::Operation;
        decode_envelope(
            nxlink_models::QueryCallRecords::ENDPOINT,
            nxlink_models::QueryCallRecords::empty_data,
            status,
            &HeaderMap::new(),
            body.as_bytes(),
            SystemTime::now(),
        )
    }

    #[test]
    fn a_page_is_read_nested_in_data_or_flat_and_neither_is_an_error() {
        let nested = decode_page(
            200,
            r#"{"code":0,"message":"success","traceId":"t","data":{"total":2,"pageNumber":1,"list":[{"id":1},{"id":2}]}}"#,
        )
        .unwrap();
        let flat = decode_page(
            200,
            r#"{"code":0,"message":"success","traceId":"t","total":2,"pageNumber":1,"list":[{"id":1},{"id":2}]}"#,
        )
        .unwrap();
        assert_eq!(nested.into_inner(), flat.into_inner(), "the same page either way");
        let flat = decode_page(200, r#"{"code":0,"traceId":"t","total":2,"list":[{"id":1}],"newTopLevel":1}"#).unwrap();
        assert_eq!(flat.trace_id(), Some("t"));
        assert!(flat.extra.contains_key("newTopLevel") && !flat.extra.contains_key("code"), "{:?}", flat.extra);

        for neither in [r#"{"code":0,"message":"success","traceId":"t","data":null}"#, r#"{"code":0,"total":5}"#] {
            let err = decode_page(200, neither).unwrap_err();
            let Error::Decode { source, .. } = &err else { panic!("{err:?}") };
            assert_eq!(source.path(), "data", "{err}");
            assert!(source.message().contains("neither `data.list` nor a top-level `list`"), "{err}");
        }
        // An empty list nested in data is an empty page, not an error.
        let empty = decode_page(200, r#"{"code":0,"data":{"total":0,"list":null}}"#).unwrap();
        assert!(empty.list.is_empty());
    }

    #[test]
    fn api_errors_keep_code_message_trace_status_and_snippet() {
        let err = decode_page(200, r#"{"code":1003,"message":"sign error","traceId":"abc","data":null}"#).unwrap_err();
        let Error::Api(api) = &err else { panic!("{err:?}") };
        assert_eq!(
            (api.code, api.message.as_deref(), api.trace_id.as_deref(), api.status),
            (ErrorCode::InvalidSignature, Some("sign error"), Some("abc"), 200)
        );
        assert!(api.snippet.as_str().contains("sign error"));
        assert_eq!(
            err.to_string(),
            "API error 1003 (Authentication failed (invalid signature)): sign error [traceId abc]"
        );
        let unknown = decode_page(200, r#"{"code":1234,"message":"new"}"#).unwrap_err();
        assert_eq!(unknown.api_code(), Some(ErrorCode::Unknown(1234)));
    }

    #[test]
    fn non_json_and_truncated_bodies() {
        let err = decode_page(502, "<html>bad gateway</html>").unwrap_err();
        assert!(
            matches!(&err, Error::Status { status: 502, snippet, .. } if snippet.as_str().contains("bad gateway")),
            "{err:?}"
        );
        assert!(err.is_retryable());
        let err = decode_page(200, "<html>").unwrap_err();
        assert!(matches!(err, Error::Decode { status: 200, .. }));
        assert!(!err.is_retryable());
        let err = decode_page(200, r#"{"code":0,"data":{"list":[{"id":1"#).unwrap_err();
        assert!(matches!(&err, Error::Decode { source, .. } if source.is_eof()));
        assert!(err.is_retryable(), "a truncated body is retried");
    }

    #[test]
    fn the_server_offset_is_measured_from_the_middle_of_the_exchange() {
        // A slow exchange (10 s): the server stamped its Date halfway through.
        let sent = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let received = sent + Duration::from_secs(10);
        let mut headers = HeaderMap::new();
        let server = sent + Duration::from_secs(5) + Duration::from_secs(600);
        headers.insert(DATE, httpdate::fmt_http_date(server).parse().unwrap());
        let offset = server_offset_millis(&headers, sent, received).unwrap();
        assert!((offset - 600_000).abs() <= 500, "{offset}");
    }

    #[test]
    fn server_offset_from_date_header() {
        let sent = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let received = sent + Duration::from_millis(200);
        let mut headers = HeaderMap::new();
        let server = sent + Duration::from_secs(600);
        headers.insert(DATE, httpdate::fmt_http_date(server).parse().unwrap());
        let offset = server_offset_millis(&headers, sent, received).unwrap();
        assert!((offset - 600_000).abs() <= 500, "{offset}");
    }
}
