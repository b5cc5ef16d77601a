use std::fmt;
use std::time::Duration;

use nxlink_models::runtime::ValidationError;
use nxlink_models::{DecodeError, ErrorCode};

use crate::retry::{Decision, Failure, StatusClass};

/// Most bytes of a response body an error keeps, so a huge HTML error page does not
/// end up whole in a log line.
pub const SNIPPET_LIMIT: usize = 512;

/// Everything a call can fail with. Each variant keeps what the server said, and
/// [`Error::is_retryable`] tells whether trying again can help.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request breaks a constraint of the spec; nothing was sent.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// The service answered with a non-zero `code`, under any HTTP status (a 429 or a
    /// 503 with an envelope is retried like one without).
    #[error(transparent)]
    Api(Box<ApiError>),
    /// The body is not the JSON the spec describes (or ended early).
    #[error("cannot decode the response (HTTP {status}, {}): {source}; body starts: {snippet}", Attempts(*attempts))]
    Decode {
        /// HTTP status of the response.
        status: u16,
        /// Attempts made, this one included.
        attempts: u32,
        /// The first bytes of the body.
        snippet: BodySnippet,
        /// What was wrong, and where.
        source: DecodeError,
    },
    /// An HTTP error status whose body is not an API envelope (a proxy's 502, a 429
    /// page). One that carries an envelope is [`Error::Api`], with its status.
    #[error("HTTP {status} without an API envelope ({}); body starts: {snippet}", Attempts(*attempts))]
    Status {
        /// HTTP status of the response.
        status: u16,
        /// Attempts made, this one included.
        attempts: u32,
        /// The first bytes of the body.
        snippet: BodySnippet,
        /// The server's `Retry-After`, when it sent one.
        retry_after: Option<Duration>,
    },
    /// The response body is larger than the client accepts
    /// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)).
    #[error("response body over {limit} bytes (HTTP {status}); refusing to buffer it")]
    ResponseTooLarge {
        /// HTTP status of the response.
        status: u16,
        /// The limit in bytes.
        limit: usize,
    },
    /// No answer in time.
    #[error("{kind} timeout after {elapsed:?} ({})", Attempts(*attempts))]
    Timeout {
        /// Which deadline passed.
        kind: TimeoutKind,
        /// How long the client waited.
        elapsed: Duration,
        /// Attempts made, the one that timed out included.
        attempts: u32,
    },
    /// A call that is not idempotent (task create, contact append) failed after the
    /// request may have reached the server: it may or may not have been applied, so the
    /// client did not send it again. `key` is the unique id the request carried (e.g.
    /// `("userTaskId", "...")`), to look the result up before trying again.
    #[error("the request may have been applied, so it was not sent again: {source}{}", KeyHint(key))]
    MaybeApplied {
        /// What went wrong after sending.
        source: Box<Error>,
        /// The request's idempotency field and value, when the endpoint has one.
        key: Option<(&'static str, String)>,
    },
    /// The connection could not be made, broke, or the body could not be read. Display
    /// shows the cause chain down to the operating system's words ("Connection
    /// refused").
    #[error("transport error ({}): {}", Attempts(*attempts), CauseChain(source))]
    Transport {
        /// What failed.
        source: reqwest::Error,
        /// Attempts made, this one included.
        attempts: u32,
    },
}

/// "; look it up by userTaskId ABC before trying again".
struct KeyHint<'a>(&'a Option<(&'static str, String)>);

impl fmt::Display for KeyHint<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some((field, value)) => write!(f, "; look it up by {field} {value} before trying again"),
            None => Ok(()),
        }
    }
}

/// "1 attempt", "3 attempts".
struct Attempts(u32);

impl fmt::Display for Attempts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            1 => f.write_str("1 attempt"),
            n => write!(f, "{n} attempts"),
        }
    }
}

/// An error and its sources, joined by ": ", each source once (reqwest and hyper repeat
/// an inner message in an outer one).
struct CauseChain<'a>(&'a (dyn std::error::Error + 'static));

impl fmt::Display for CauseChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shown = self.0.to_string();
        f.write_str(&shown)?;
        let mut next = self.0.source();
        while let Some(cause) = next {
            let text = cause.to_string();
            if !shown.contains(&text) {
                write!(f, ": {text}")?;
                shown.push_str(&text);
            }
            next = cause.source();
        }
        Ok(())
    }
}

/// Which deadline a [`Error::Timeout`] passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// No TCP/TLS connection within the connect timeout: nothing was sent.
    Connect,
    /// One attempt (connect, send, read the body) took longer than the attempt timeout.
    Attempt,
    /// The call, retries included, took longer than the overall timeout.
    Overall,
}

impl fmt::Display for TimeoutKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "connect",
            Self::Attempt => "attempt",
            Self::Overall => "overall",
        })
    }
}

/// A non-zero `code` from the service, with everything it said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The result code; codes newer than this SDK arrive as `ErrorCode::Unknown`.
    pub code: ErrorCode,
    /// The service's message.
    pub message: Option<String>,
    /// The trace ID to quote to the vendor's support.
    pub trace_id: Option<String>,
    /// HTTP status of the response.
    pub status: u16,
    /// The first bytes of the body.
    pub snippet: BodySnippet,
    /// The server's `Retry-After`, when it sent one (honoured when the call is retried).
    pub retry_after: Option<Duration>,
    /// Attempts made, this one included (more than 1 when a 429 or a 5xx with an
    /// envelope was retried).
    pub attempts: u32,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !(200..300).contains(&self.status) {
            write!(f, "HTTP {}, ", self.status)?;
        }
        write!(f, "API error {} ({})", self.code.code(), self.code)?;
        if let Some(message) = self.message.as_deref().filter(|m| !m.is_empty()) {
            write!(f, ": {message}")?;
        }
        if let Some(trace_id) = &self.trace_id {
            write!(f, " [traceId {trace_id}]")?;
        }
        if self.attempts > 1 {
            write!(f, " ({})", Attempts(self.attempts))?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

impl Error {
    /// True when sending the same request again may succeed, were it idempotent:
    /// connect errors, resets, connect and attempt timeouts, truncated bodies, HTTP 5xx
    /// and 429 whatever their body. Authentication failures (1001-1005), business
    /// errors (20000) and invalid requests are not. A 1004 (clock skew) is handled
    /// inside the client, which corrects its clock and re-signs once. The whole table is
    /// in the README ("Retries never apply a call twice").
    pub fn is_retryable(&self) -> bool {
        crate::retry::should_retry(self, true)
    }

    /// What the failed attempt showed, for the retry table; `None` for an error that
    /// ends the call whatever it is (nothing sent, a body over the limit, the overall
    /// deadline, a call already given up as maybe applied).
    pub(crate) fn failure(&self) -> Option<Failure> {
        let answered = |status: u16, envelope: bool, retry_after: Option<Duration>| Failure {
            status: StatusClass::of(status),
            envelope,
            retry_after: retry_after.is_some(),
            never_sent: false,
        };
        let no_answer = |never_sent: bool| Failure {
            status: StatusClass::NoAnswer,
            envelope: false,
            retry_after: false,
            never_sent,
        };
        match self {
            Self::Validation(_) | Self::ResponseTooLarge { .. } | Self::MaybeApplied { .. } => None,
            Self::Api(api) => Some(answered(api.status, true, api.retry_after)),
            // A body cut short is an answer lost, whatever its status line said.
            Self::Decode { source, .. } if source.is_eof() => Some(no_answer(false)),
            Self::Decode { status, .. } => Some(answered(*status, false, None)),
            Self::Status { status, retry_after, .. } => Some(answered(*status, false, *retry_after)),
            Self::Timeout { kind: TimeoutKind::Overall, .. } => None,
            Self::Timeout { kind, .. } => Some(no_answer(*kind == TimeoutKind::Connect)),
            Self::Transport { source, .. } if source.is_builder() || source.is_redirect() => None,
            Self::Transport { source, .. } => Some(no_answer(source.is_connect())),
        }
    }

    /// The API result code, when the service answered with one.
    pub fn api_code(&self) -> Option<ErrorCode> {
        match self {
            Self::Api(api) => Some(api.code),
            _ => None,
        }
    }

    /// The service's trace ID, when it sent one.
    pub fn trace_id(&self) -> Option<&str> {
        match self {
            Self::Api(api) => api.trace_id.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api(api) => Some(api.status),
            Self::Decode { status, .. } | Self::Status { status, .. } | Self::ResponseTooLarge { status, .. } => {
                Some(*status)
            }
            _ => None,
        }
    }

    /// True when the request may have reached the server and been applied although no
    /// answer says so: an attempt or overall timeout, a connection dropped after sending,
    /// a truncated body, an HTTP 5xx other than 503 (whatever its body). False when the
    /// server certainly did not apply it: the connection was never made (refused, or a
    /// connect timeout), or a 429 / 503 refused it, or an answer said what happened.
    /// What [`MaybeApplied`](Self::MaybeApplied) is made of.
    pub fn may_have_been_applied(&self) -> bool {
        match self.failure() {
            Some(failure) => crate::retry::decide(failure, false) == Decision::MaybeApplied,
            None => matches!(self, Self::MaybeApplied { .. } | Self::Timeout { kind: TimeoutKind::Overall, .. }),
        }
    }

    /// How many attempts the call made before failing with this error: 0 when nothing
    /// was sent (validation), else at least 1.
    pub fn attempts(&self) -> u32 {
        match self {
            Self::MaybeApplied { source, .. } => source.attempts(),
            Self::Validation(_) => 0,
            Self::Api(api) => api.attempts,
            Self::ResponseTooLarge { .. } => 1,
            Self::Decode { attempts, .. }
            | Self::Status { attempts, .. }
            | Self::Timeout { attempts, .. }
            | Self::Transport { attempts, .. } => *attempts,
        }
    }

    /// Records how many attempts were made, for the variants a retry can end with.
    pub(crate) fn with_attempts(mut self, made: u32) -> Self {
        if let Self::Api(api) = &mut self {
            api.attempts = made.max(1);
        }
        if let Self::Decode { attempts, .. }
        | Self::Status { attempts, .. }
        | Self::Timeout { attempts, .. }
        | Self::Transport { attempts, .. } = &mut self
        {
            *attempts = made.max(1);
        }
        self
    }

    /// How long the server asked the client to wait before trying again.
    pub(crate) fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Status { retry_after, .. } => *retry_after,
            Self::Api(api) => api.retry_after,
            _ => None,
        }
    }
}

/// The first [`SNIPPET_LIMIT`] bytes of a response body, kept for diagnosis.
///
/// A body can hold call records, so `Display` and `Debug` mask every run of seven or
/// more digits (phone numbers) but its last three; [`as_str`](Self::as_str) gives the
/// raw text to code that asks for it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct BodySnippet(String);

impl BodySnippet {
    /// The first bytes of `body` as text, cut on a character boundary.
    pub(crate) fn of(body: &[u8]) -> Self {
        let mut text = String::from_utf8_lossy(&body[..body.len().min(SNIPPET_LIMIT)]).into_owned();
        // A cut inside a code point leaves a 3-byte replacement character: trim back
        // under the limit.
        while text.len() > SNIPPET_LIMIT {
            text.pop();
        }
        Self(text)
    }

    /// The raw text, unmasked.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn masked(&self) -> String {
        let mut out = String::with_capacity(self.0.len());
        let mut digits = String::new();
        let flush = |digits: &mut String, out: &mut String| {
            if digits.len() >= 7 {
                out.extend(std::iter::repeat_n('*', digits.len() - 3));
                out.push_str(&digits[digits.len() - 3..]);
            } else {
                out.push_str(digits);
            }
            digits.clear();
        };
        for c in self.0.chars() {
            if c.is_ascii_digit() {
                digits.push(c);
            } else {
                flush(&mut digits, &mut out);
                out.push(c);
            }
        }
        flush(&mut digits, &mut out);
        out
    }
}

impl fmt::Display for BodySnippet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.masked())
    }
}

impl fmt::Debug for BodySnippet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_is_at_most_512_bytes_and_cut_on_a_character_boundary() {
        // 3-byte characters: the limit falls inside one (512 = 3 * 170 + 2), so the cut
        // must step back to 510 bytes rather than keep a replacement character.
        assert_ne!(SNIPPET_LIMIT % 3, 0, "the limit must fall inside a character for this test");
        let body = "€".repeat(400);
        let s = BodySnippet::of(body.as_bytes());
        assert_eq!(s.as_str(), "€".repeat(SNIPPET_LIMIT / 3), "whole characters only, none replaced");
        // 2-byte characters, where the limit falls on a boundary: nothing to trim.
        let s = BodySnippet::of("é".repeat(400).as_bytes());
        assert_eq!(s.as_str(), "é".repeat(SNIPPET_LIMIT / 2));
        assert_eq!(BodySnippet::of(b"short").as_str(), "short");
    }

    #[test]
    fn snippets_mask_phone_numbers_when_shown() {
        let s = BodySnippet::of(br#"{"calleePhone":"85238531065","turnTime":12}"#);
        assert_eq!(s.to_string(), r#""{\"calleePhone\":\"********065\",\"turnTime\":12}""#);
        assert_eq!(format!("{s:?}"), s.to_string());
        assert!(s.as_str().contains("85238531065"));
    }

    /// Each cause is shown once: hyper repeats an inner message in its outer one.
    #[test]
    fn a_cause_chain_shows_each_cause_once_down_to_the_root() {
        #[derive(Debug)]
        struct Layer(&'static str, Option<Box<Layer>>);
        impl fmt::Display for Layer {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.0)
            }
        }
        impl std::error::Error for Layer {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                self.1.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
            }
        }
        let root = Layer("Connection refused (os error 111)", None);
        let middle = Layer("tcp connect error: Connection refused (os error 111)", Some(Box::new(root)));
        let outer = Layer("error sending request", Some(Box::new(middle)));
        assert_eq!(
            CauseChain(&outer).to_string(),
            "error sending request: tcp connect error: Connection refused (os error 111)"
        );
        let lone = Layer("just this", None);
        assert_eq!(CauseChain(&lone).to_string(), "just this");
    }

    #[test]
    fn timeouts_say_which_deadline_passed() {
        let attempt = Error::Timeout { kind: TimeoutKind::Attempt, elapsed: Duration::from_millis(1500), attempts: 2 };
        assert_eq!(attempt.to_string(), "attempt timeout after 1.5s (2 attempts)");
        let overall = Error::Timeout { kind: TimeoutKind::Overall, elapsed: Duration::from_secs(30), attempts: 1 };
        assert_eq!(overall.to_string(), "overall timeout after 30s (1 attempt)");
    }

    #[test]
    fn what_may_have_been_applied() {
        let eof = nxlink_models::decode::<serde_json::Value>(b"{\"code\":0,").unwrap_err();
        let bad = nxlink_models::decode::<serde_json::Value>(b"{\"code\":0}x").unwrap_err();
        let decode = |status: u16, source: &DecodeError| Error::Decode {
            status,
            attempts: 1,
            snippet: BodySnippet::default(),
            source: source.clone(),
        };
        let status =
            |status: u16| Error::Status { status, attempts: 1, snippet: BodySnippet::default(), retry_after: None };
        assert!(decode(200, &eof).may_have_been_applied(), "a body cut short after the server answered");
        assert!(!decode(200, &bad).may_have_been_applied(), "a complete answer said what happened");
        assert!(decode(502, &bad).may_have_been_applied());
        assert!(!decode(503, &bad).may_have_been_applied());
        assert!(status(500).may_have_been_applied() && status(502).may_have_been_applied());
        assert!(!status(503).may_have_been_applied() && !status(429).may_have_been_applied());
        let timeout = Error::Timeout { kind: TimeoutKind::Attempt, elapsed: Duration::ZERO, attempts: 1 };
        assert!(timeout.may_have_been_applied());
        let overall = Error::Timeout { kind: TimeoutKind::Overall, elapsed: Duration::ZERO, attempts: 1 };
        assert!(overall.may_have_been_applied());
        let connect = Error::Timeout { kind: TimeoutKind::Connect, elapsed: Duration::ZERO, attempts: 1 };
        assert!(!connect.may_have_been_applied(), "no connection, nothing sent");
        assert!(!Error::Validation(ValidationError::new("f", "m")).may_have_been_applied());
    }

    /// An envelope under an error status is classified by its status: a 429 or a 503
    /// with `{"code":429,...}` is a refusal (retried, nothing applied), a 500 with one
    /// may have applied the call, a 4xx or 2xx with one is an answer.
    #[test]
    fn an_envelope_is_classified_by_the_status_it_came_with() {
        let api = |status: u16, retry_after: Option<Duration>| {
            Error::Api(Box::new(ApiError {
                code: ErrorCode::from(i64::from(status)),
                message: Some("too many requests".into()),
                trace_id: None,
                status,
                snippet: BodySnippet::default(),
                retry_after,
                attempts: 1,
            }))
        };
        for (status, retryable, maybe_applied) in [
            (200, false, false),
            (400, false, false),
            (429, true, false),
            (500, true, true),
            (502, true, true),
            (503, true, false),
            (504, true, true),
        ] {
            for retry_after in [None, Some(Duration::from_secs(2))] {
                let err = api(status, retry_after);
                assert_eq!(err.is_retryable(), retryable, "{status} {retry_after:?}");
                assert_eq!(err.may_have_been_applied(), maybe_applied, "{status} {retry_after:?}");
                assert_eq!(err.retry_after(), retry_after, "{status}: Retry-After kept for the wait");
                assert_eq!(err.status(), Some(status));
            }
        }
        let shown = api(429, None).with_attempts(4).to_string();
        assert_eq!(shown, "HTTP 429, API error 429 (unknown code 429): too many requests (4 attempts)");
        assert_eq!(api(429, None).attempts(), 1);
        assert_eq!(api(429, None).with_attempts(3).attempts(), 3);
    }

    #[tokio::test]
    async fn a_refused_connection_applied_nothing() {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let source = reqwest::Client::new().get(format!("http://127.0.0.1:{port}/")).send().await.unwrap_err();
        assert!(source.is_connect(), "{source:?}");
        let err = Error::Transport { source, attempts: 1 };
        assert!(!err.may_have_been_applied());
        assert!(err.is_retryable());
    }

    #[test]
    fn retry_classification() {
        let api = |code: i64| {
            Error::Api(Box::new(ApiError {
                code: ErrorCode::from(code),
                message: None,
                trace_id: None,
                status: 200,
                snippet: BodySnippet::default(),
                retry_after: None,
                attempts: 1,
            }))
        };
        for code in [1001, 1002, 1003, 1004, 1005, 20000] {
            assert!(!api(code).is_retryable(), "{code}");
        }
        let status =
            |status: u16| Error::Status { status, attempts: 1, snippet: BodySnippet::default(), retry_after: None };
        for s in [500, 502, 503, 429] {
            assert!(status(s).is_retryable(), "{s}");
        }
        for s in [400, 401, 404] {
            assert!(!status(s).is_retryable(), "{s}");
        }
        assert!(Error::Timeout { kind: TimeoutKind::Attempt, elapsed: Duration::ZERO, attempts: 1 }.is_retryable());
        assert!(!Error::Timeout { kind: TimeoutKind::Overall, elapsed: Duration::ZERO, attempts: 1 }.is_retryable());
        assert!(Error::Timeout { kind: TimeoutKind::Connect, elapsed: Duration::ZERO, attempts: 1 }.is_retryable());
    }
}
