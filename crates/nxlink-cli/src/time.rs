//! Time values on the command line. The API filters on Unix seconds; people think in
//! dates and "the last 24 hours", so both are accepted and turned into seconds here.
//!
//! A bare date is read in UTC, not the local zone: an export repeated on another
//! machine (a CI job, a colleague abroad) then selects the same records.

use jiff::civil::Date;
use jiff::{SignedDuration, Span, SpanRelativeTo, Timestamp};

/// Which end of a window a value bounds: a bare date covers its whole day, so it means
/// its first second as a start and its last second as an end (the API's bounds are
/// inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bound {
    Start,
    End,
}

const UNIX_EPOCH_DATE: Date = Date::constant(1970, 1, 1);

const EXPECTED: &str = "expected unix seconds (1746000000), RFC 3339 (2025-04-30T12:00:00Z) or a date (2025-04-30)";

/// `--start`: unix seconds, RFC 3339, or a date (its first second, UTC).
pub(crate) fn parse_start(text: &str) -> Result<i64, String> {
    parse_time(text, Bound::Start)
}

/// `--end`: unix seconds, RFC 3339, or a date (its last second, UTC).
pub(crate) fn parse_end(text: &str) -> Result<i64, String> {
    parse_time(text, Bound::End)
}

fn parse_time(text: &str, bound: Bound) -> Result<i64, String> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse::<i64>().map_err(|_| format!("`{text}` is too large; {EXPECTED}"));
    }
    if let Ok(timestamp) = text.parse::<Timestamp>() {
        return Ok(timestamp.as_second());
    }
    // Only a plain `YYYY-MM-DD` is a date: a datetime without an offset is ambiguous
    // (which zone?) and is refused rather than guessed.
    if text.len() == 10 {
        if let Ok(date) = text.parse::<Date>() {
            // Days since the epoch rather than a `Timestamp`: every date jiff parses
            // then has both bounds (a timestamp ends at 9999-12-30T22:00Z, which
            // refused `--end 9999-12-30` while `--start 9999-12-30` worked).
            let first_second = date.duration_since(UNIX_EPOCH_DATE).as_secs();
            return Ok(match bound {
                Bound::Start => first_second,
                Bound::End => first_second + 86_399,
            });
        }
    }
    Err(format!("`{text}` is not a time; {EXPECTED} (a datetime needs an offset such as Z or +08:00)"))
}

/// `--since`: a span like `24h`, `7d`, `1h30m` or `2 days`; days are 24 hours.
pub(crate) fn parse_span(text: &str) -> Result<SignedDuration, String> {
    positive_span(text, "expected a span such as 30m, 24h, 7d, 1h30m or 2w")
}

/// `--header-timeout` and the other limits of `callbacks listen`: a span like `10s`,
/// `500ms` or `1m`.
pub(crate) fn parse_timeout(text: &str) -> Result<std::time::Duration, String> {
    const EXPECTED_TIMEOUT: &str = "expected a duration such as 500ms, 10s or 1m";
    let span = positive_span(text, EXPECTED_TIMEOUT)?;
    std::time::Duration::try_from(span).map_err(|_| format!("`{text}` is out of range; {EXPECTED_TIMEOUT}"))
}

fn positive_span(text: &str, expected: &str) -> Result<SignedDuration, String> {
    let span: Span = text.trim().parse().map_err(|_| format!("`{text}` is not a span; {expected}"))?;
    let duration = span
        .to_duration(SpanRelativeTo::days_are_24_hours())
        .map_err(|_| format!("`{text}`: months and years have no fixed length; use days or weeks ({expected})"))?;
    if duration.is_negative() || duration.is_zero() {
        return Err(format!("`{text}` must be a positive span; {expected}"));
    }
    Ok(duration)
}

/// Unix seconds `span` before `now`.
pub(crate) fn since(now: Timestamp, span: SignedDuration) -> Result<i64, String> {
    now.checked_sub(span)
        .map(Timestamp::as_second)
        .map_err(|_| format!("--since {span:#} reaches before the earliest representable time"))
}

/// Unix seconds as RFC 3339 (`2025-04-30T12:00:00Z`) for messages; seconds beyond
/// what a timestamp can hold stay numbers.
pub(crate) fn rfc3339(seconds: i64) -> String {
    Timestamp::from_second(seconds).map_or_else(|_| format!("unix time {seconds}"), |timestamp| timestamp.to_string())
}

/// `callStart` and friends for the table: UTC, second precision, fixed width.
pub(crate) fn format_unix_seconds(seconds: i64) -> Option<String> {
    let timestamp = Timestamp::from_second(seconds).ok()?;
    Some(timestamp.strftime("%Y-%m-%d %H:%M:%SZ").to_string())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn times_accept_seconds_rfc3339_and_dates() {
        assert_eq!(parse_start("1746000000").unwrap(), 1_746_000_000);
        assert_eq!(parse_start("2025-04-30T12:00:00Z").unwrap(), 1_746_014_400);
        assert_eq!(parse_start("2025-04-30T20:00:00+08:00").unwrap(), 1_746_014_400);
        assert_eq!(parse_start("2025-04-30").unwrap(), 1_745_971_200);
        assert_eq!(parse_end("2025-04-30").unwrap(), 1_745_971_200 + 86_399);
        assert_eq!(parse_start("1969-12-31").unwrap(), -86_400);
    }

    #[test]
    fn every_date_has_both_bounds() {
        // The extremes jiff parses; the end of the last day used to be refused.
        assert_eq!(parse_start("9999-12-31").unwrap(), 253_402_214_400);
        assert_eq!(parse_end("9999-12-31").unwrap(), 253_402_300_799);
        assert_eq!(parse_end("9999-12-30").unwrap(), 253_402_214_399);
        assert!(parse_start("-009999-01-01").unwrap_err().contains("is not a time"));
        assert_eq!(parse_start("0001-01-01").unwrap(), -62_135_596_800);
    }

    #[test]
    fn bad_times_say_what_is_expected() {
        for bad in ["yesterday", "2025-04-30T12:00:00", "2025-13-01", "", "99999999999999999999999"] {
            let err = parse_start(bad).unwrap_err();
            assert!(err.contains("expected"), "{bad}: {err}");
        }
    }

    #[test]
    fn spans_are_friendly_and_days_are_24_hours() {
        assert_eq!(parse_span("24h").unwrap(), SignedDuration::from_hours(24));
        assert_eq!(parse_span("7d").unwrap(), SignedDuration::from_hours(168));
        assert_eq!(parse_span("1h30m").unwrap(), SignedDuration::from_mins(90));
        assert_eq!(parse_span("2 days").unwrap(), SignedDuration::from_hours(48));
        for bad in ["1 month", "soon", "0s", "-5h"] {
            assert!(parse_span(bad).is_err(), "{bad}");
        }
        let now = Timestamp::from_second(1_746_057_600).unwrap();
        assert_eq!(since(now, SignedDuration::from_hours(24)).unwrap(), 1_746_057_600 - 86_400);
    }

    #[test]
    fn timeouts_take_seconds_and_milliseconds_and_must_be_positive() {
        use std::time::Duration;
        for (text, want) in [("10s", 10_000), ("500ms", 500), ("1m", 60_000), ("1m30s", 90_000), (" 2s ", 2_000)] {
            assert_eq!(parse_timeout(text).unwrap(), Duration::from_millis(want), "{text}");
        }
        for bad in ["0s", "-5s", "", "soon", "1mo", "10"] {
            let err = parse_timeout(bad).unwrap_err();
            assert!(err.contains("expected a duration such as 500ms, 10s or 1m"), "{bad}: {err}");
        }
    }

    #[test]
    fn messages_show_times_as_rfc3339() {
        assert_eq!(rfc3339(1_746_014_400), "2025-04-30T12:00:00Z");
        assert_eq!(rfc3339(-86_400), "1969-12-31T00:00:00Z");
        assert_eq!(rfc3339(i64::MAX), format!("unix time {}", i64::MAX));
    }

    #[test]
    fn table_times_are_utc() {
        assert_eq!(format_unix_seconds(1_742_378_340).unwrap(), "2025-03-19 09:59:00Z");
    }
}
