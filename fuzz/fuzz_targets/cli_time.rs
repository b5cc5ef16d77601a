//! The CLI's date and duration parsing (`--start`, `--end`, `--since`) on arbitrary
//! strings. `nxlink-cli` is a binary crate, so its `src/time.rs` (which depends on
//! nothing but jiff) is compiled into this target with `#[path]`.
//!
//! Never panics; and where both parse, a value as `--start` is never after the same
//! value as `--end` (a date covers its whole day, anything else is one instant). Only
//! one of them may parse: `9999-12-30` starts inside jiff's range (which ends at
//! 9999-12-30T22:00:00Z) but its last second is outside it, so `--end` refuses it.
#![no_main]

#[allow(dead_code)]
#[path = "../../crates/nxlink-cli/src/time.rs"]
mod time;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let start = time::parse_start(text);
    let end = time::parse_end(text);
    if let (Ok(start), Ok(end)) = (&start, &end) {
        assert!(start <= end, "{text:?}: start {start} > end {end}");
        let _ = time::format_unix_seconds(*start);
        let _ = time::format_unix_seconds(*end);
    }
    if let Ok(span) = time::parse_span(text) {
        assert!(span.is_positive(), "{text:?}: {span:?}");
        for now in [jiff::Timestamp::MIN, jiff::Timestamp::UNIX_EPOCH, jiff::Timestamp::MAX] {
            let _ = time::since(now, span);
        }
    }
});
