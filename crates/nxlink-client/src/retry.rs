use std::time::Duration;

/// How failed attempts are retried: exponential backoff with full jitter (AWS's
/// "Exponential Backoff And Jitter"), `Retry-After` honoured.
///
/// A single call makes at most [`max_attempts`](Self::max_attempts) attempts (default
/// 4). A page of a paginated scan gets [`page_attempts`](Self::page_attempts) (default
/// 10), because a scan fails when any one of its pages does: at a 30% failure rate per
/// attempt, a page fails with probability 0.3^10 = 5.9e-6, so a 100-page scan fails
/// with probability 1 - (1 - 5.9e-6)^100 = 5.9e-4, under the 1e-3 target; with 4
/// attempts per page it would be 1 - (1 - 0.3^4)^100 = 0.56.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    page_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            page_attempts: 10,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries: every call and page makes one attempt.
    pub fn disabled() -> Self {
        Self { max_attempts: 1, page_attempts: 1, ..Self::default() }
    }

    /// Attempts for a single call, at least 1.
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Attempts for each page of a paginated scan, at least 1.
    pub fn with_page_attempts(mut self, attempts: u32) -> Self {
        self.page_attempts = attempts.max(1);
        self
    }

    /// The backoff cap before the first retry; it doubles each retry up to
    /// `max_backoff`, and the actual sleep is drawn uniformly below the cap.
    pub fn with_initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The largest backoff cap.
    pub fn with_max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The longest `Retry-After` the client will wait; a server asking for more gets
    /// this much.
    pub fn with_max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// Attempts for a single call.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Attempts for each page of a scan.
    pub fn page_attempts(&self) -> u32 {
        self.page_attempts
    }

    /// The sleep before retry number `retry` (1-based): the server's `Retry-After` when
    /// it sent one, else full jitter below `min(max_backoff, initial * 2^(retry-1))`.
    pub(crate) fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max_retry_after);
        }
        let exponent = retry.saturating_sub(1).min(30);
        let cap = self.initial_backoff.saturating_mul(1 << exponent).min(self.max_backoff);
        let cap_nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=cap_nanos))
    }
}

/// The class of the HTTP status a failed attempt got, as the retry table reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum StatusClass {
    /// No whole answer arrived: the connection failed, dropped or timed out, or the body
    /// was cut short.
    NoAnswer,
    /// 2xx: the service answered (a non-zero `code`, or a body that does not decode).
    Success,
    /// 4xx other than 429: the service answered and refused the request.
    ClientError,
    /// 429: throttled before anything was applied.
    TooManyRequests,
    /// 503: refused before anything was applied.
    ServiceUnavailable,
    /// 5xx other than 503: the service may have failed after applying the request.
    ServerError,
}

impl StatusClass {
    /// The class of an HTTP status code.
    pub(crate) fn of(status: u16) -> Self {
        match status {
            429 => Self::TooManyRequests,
            503 => Self::ServiceUnavailable,
            400..=499 => Self::ClientError,
            500..=599 => Self::ServerError,
            // 1xx and 3xx cannot end an exchange here (no redirects are followed): an
            // answer all the same.
            _ => Self::Success,
        }
    }
}

/// What a failed attempt showed: the five inputs of the retry table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Failure {
    /// The answer's status class.
    pub(crate) status: StatusClass,
    /// The body was an API envelope (with a non-zero `code`).
    pub(crate) envelope: bool,
    /// The server sent `Retry-After`.
    pub(crate) retry_after: bool,
    /// The failure itself shows nothing was applied: no connection was ever made
    /// (refused, or no connection within the connect timeout).
    pub(crate) never_sent: bool,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Decision {
    /// Send again after [`RetryPolicy::delay`] (the server's `Retry-After` when it sent
    /// one, else backoff), within the attempt budget.
    Retry,
    /// Stop: the service answered, and sending the same request again gets the same
    /// answer.
    Stop,
    /// Stop: the call is not idempotent and may have been applied; it ends as
    /// [`Error::MaybeApplied`](crate::Error::MaybeApplied).
    MaybeApplied,
}

/// Every retry decision, in one place: a total table over the status class, whether the
/// body was an envelope, `Retry-After`, idempotency, and whether the failure shows the
/// request was never sent.
///
/// | status of the failed attempt | envelope | `Retry-After` | idempotent call | non-idempotent call (create, append) |
/// |---|---|---|---|---|
/// | no answer, no connection made (refused, connect timeout) | - | - | retried | retried: nothing was sent |
/// | no answer after sending (attempt timeout, dropped connection, truncated body) | - | - | retried | **not retried**: may have been applied |
/// | HTTP 429, HTTP 503 | any, or none | honoured when sent | retried | retried: refused before applying |
/// | HTTP 500, 502, other 5xx | any, or none | honoured when sent | retried | **not retried**: may have been applied |
/// | HTTP 2xx, 4xx (a non-zero `code`, or a body that does not decode) | any, or none | ignored | not retried | not retried |
///
/// Outside the table: a request that breaks the spec is never sent, a body over the
/// size limit and the overall timeout end the call, and a 1004 (clock skew) is re-signed
/// once without counting as an attempt. A non-idempotent call that is not retried ends
/// with [`Error::MaybeApplied`](crate::Error::MaybeApplied), carrying the unique id the
/// request was sent with (`userTaskId` of task create), so the caller can look the
/// result up.
pub(crate) fn decide(failure: Failure, idempotent: bool) -> Decision {
    match failure.status {
        // Refused before anything was applied, whatever the body says.
        StatusClass::TooManyRequests | StatusClass::ServiceUnavailable => Decision::Retry,
        StatusClass::ServerError if idempotent => Decision::Retry,
        StatusClass::ServerError => Decision::MaybeApplied,
        StatusClass::NoAnswer if idempotent || failure.never_sent => Decision::Retry,
        StatusClass::NoAnswer => Decision::MaybeApplied,
        StatusClass::Success | StatusClass::ClientError => Decision::Stop,
    }
}

/// True when `error` is worth another attempt of a call that is (or is not)
/// idempotent: [`decide`] says [`Decision::Retry`].
pub(crate) fn should_retry(error: &crate::Error, idempotent: bool) -> bool {
    error.failure().is_some_and(|failure| decide(failure, idempotent) == Decision::Retry)
}

/// A fresh random id shaped like a UUID (version 4 layout), for idempotency keys.
pub(crate) fn unique_id() -> String {
    let (a, b) = (fastrand::u64(..), fastrand::u64(..));
    let b = (b & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0x0fff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

/// Parses `Retry-After`: delta-seconds, or an HTTP date relative to `now`.
pub(crate) fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's retry table, row by row: every combination of status class,
    /// envelope, `Retry-After`, "never sent" and idempotency (96 rows) gets the
    /// decision its row promises. A dropped case, a swapped arm or a condition on the
    /// wrong input fails here.
    #[test]
    fn the_retry_table_is_total_and_matches_the_readme_row_by_row() {
        use Decision::{MaybeApplied, Retry, Stop};
        use StatusClass::*;
        // (status, never sent, idempotent call, non-idempotent call). Envelope and
        // Retry-After never change a decision: "whatever the body", and a Retry-After
        // changes only how long to wait.
        let rows: [(StatusClass, bool, Decision, Decision); 12] = [
            (NoAnswer, true, Retry, Retry),
            (NoAnswer, false, Retry, MaybeApplied),
            (TooManyRequests, false, Retry, Retry),
            (TooManyRequests, true, Retry, Retry),
            (ServiceUnavailable, false, Retry, Retry),
            (ServiceUnavailable, true, Retry, Retry),
            (ServerError, false, Retry, MaybeApplied),
            (ServerError, true, Retry, MaybeApplied),
            (Success, false, Stop, Stop),
            (Success, true, Stop, Stop),
            (ClientError, false, Stop, Stop),
            (ClientError, true, Stop, Stop),
        ];
        let mut walked = std::collections::HashSet::new();
        for (status, never_sent, idempotent_call, other_call) in rows {
            for envelope in [false, true] {
                for retry_after in [false, true] {
                    let failure = Failure { status, envelope, retry_after, never_sent };
                    for (idempotent, expected) in [(true, idempotent_call), (false, other_call)] {
                        assert_eq!(decide(failure, idempotent), expected, "{failure:?}, idempotent {idempotent}");
                        walked.insert((failure, idempotent));
                    }
                }
            }
        }
        assert_eq!(walked.len(), 6 * 2 * 2 * 2 * 2, "every combination walked once");
    }

    #[test]
    fn status_codes_fall_in_their_class() {
        use StatusClass::*;
        for (status, class) in [
            (200, Success),
            (204, Success),
            (299, Success),
            (400, ClientError),
            (404, ClientError),
            (428, ClientError),
            (429, TooManyRequests),
            (430, ClientError),
            (499, ClientError),
            (500, ServerError),
            (502, ServerError),
            (503, ServiceUnavailable),
            (504, ServerError),
            (599, ServerError),
        ] {
            assert_eq!(StatusClass::of(status), class, "{status}");
        }
    }

    #[test]
    fn full_jitter_spreads_over_the_whole_doubling_cap() {
        let policy = RetryPolicy::default();
        for retry in 1..=12 {
            let cap = Duration::from_millis(100).saturating_mul(1 << (retry - 1)).min(Duration::from_secs(5));
            let delays: Vec<Duration> = (0..400).map(|_| policy.delay(retry, None)).collect();
            assert!(delays.iter().all(|d| *d <= cap), "retry {retry}: over the cap");
            // Uniform over [0, cap]: 400 draws all below cap/2, or a mean outside
            // [cap/4, 3cap/4], has a probability under 1e-30. A fixed delay, a zero
            // delay or a cap that does not double all fail here.
            let max = delays.iter().max().copied().unwrap_or_default();
            assert!(max > cap / 2, "retry {retry}: max {max:?} of cap {cap:?}");
            let mean = delays.iter().sum::<Duration>() / 400;
            assert!(mean > cap / 4 && mean < cap * 3 / 4, "retry {retry}: mean {mean:?} of cap {cap:?}");
        }
    }

    #[test]
    fn unique_ids_are_uuid_shaped_and_differ() {
        let ids: std::collections::HashSet<String> = (0..1000).map(|_| unique_id()).collect();
        assert_eq!(ids.len(), 1000);
        for id in ids.iter().take(20) {
            let parts: Vec<usize> = id.split('-').map(str::len).collect();
            assert_eq!(parts, [8, 4, 4, 4, 12], "{id}");
            assert!(id.chars().all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase()), "{id}");
            assert_eq!(id.as_bytes()[14], b'4', "{id}");
        }
        // RFC 4122 variant: the fourth group starts with 8, 9, a or b; the rest of the
        // second half is random (a constant tail would make every id share it).
        assert!(ids.iter().all(|id| matches!(id.as_bytes()[19], b'8' | b'9' | b'a' | b'b')), "variant bits");
        let tails: std::collections::HashSet<&str> = ids.iter().map(|id| &id[19..]).collect();
        assert!(tails.len() > 990, "the second half is random: {} distinct", tails.len());
        let variants: std::collections::HashSet<u8> = ids.iter().map(|id| id.as_bytes()[19]).collect();
        assert_eq!(variants.len(), 4, "all four variant digits appear in 1000 ids: {variants:?}");
    }

    #[test]
    fn disabled_makes_one_attempt_and_setters_keep_at_least_one() {
        let off = RetryPolicy::disabled();
        assert_eq!((off.max_attempts(), off.page_attempts()), (1, 1));
        let defaults = RetryPolicy::default();
        assert!(defaults.max_attempts() > 1 && defaults.page_attempts() > 1, "{defaults:?}");
        let set = RetryPolicy::default().with_max_attempts(7).with_page_attempts(9);
        assert_eq!((set.max_attempts(), set.page_attempts()), (7, 9));
        let zero = RetryPolicy::default().with_max_attempts(0).with_page_attempts(0);
        assert_eq!((zero.max_attempts(), zero.page_attempts()), (1, 1));
    }

    #[test]
    fn retry_after_wins_but_is_capped() {
        let policy = RetryPolicy::default().with_max_retry_after(Duration::from_secs(10));
        assert_eq!(policy.delay(1, Some(Duration::from_secs(3))), Duration::from_secs(3));
        assert_eq!(policy.delay(1, Some(Duration::from_secs(3600))), Duration::from_secs(10));
    }

    #[test]
    fn retry_after_parses_seconds_and_dates() {
        let now = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("2", now), Some(Duration::from_secs(2)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(7));
        assert_eq!(parse_retry_after(&later, now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn the_page_budget_meets_the_scan_target() {
        // 100 pages at a 30% failure rate per attempt: the scan fails when any page
        // exhausts its attempts.
        let attempts = RetryPolicy::default().page_attempts() as i32;
        let page_failure = 0.3f64.powi(attempts);
        let scan_failure = 1.0 - (1.0 - page_failure).powi(100);
        assert!(scan_failure < 1e-3, "{scan_failure}");
    }
}
