//! The human table: the columns an operator scans for, codes decoded to names.
//!
//! Widths are fixed rather than fitted to the data, because fitting needs every row
//! before the first is printed and an export can hold millions; a value too long for
//! its column is cut with `…` (the JSON formats keep everything).

use std::io::{self, Write};

use nxlink_models::CallRecord;

use crate::time::format_unix_seconds;

/// `(header, width, right-aligned)`; the last column is not padded.
const COLUMNS: &[(&str, usize, bool)] = &[
    ("ID", 10, true),
    ("CALL ID", 36, false),
    ("CALLEE", 16, false),
    // "code name": the longest documented status name is 27 characters.
    ("STATUS", 30, false),
    // The longest documented result name is 31 characters.
    ("RESULT", 34, false),
    ("START (UTC)", 20, false),
    ("ELAPSED", 7, true),
    ("INTENT", 0, false),
];

pub(crate) fn write_header(out: &mut impl Write) -> io::Result<()> {
    let cells: Vec<String> = COLUMNS.iter().map(|(name, _, _)| (*name).to_owned()).collect();
    write_cells(out, &cells)
}

pub(crate) fn write_row(out: &mut impl Write, record: &CallRecord) -> io::Result<()> {
    let dash = || "-".to_owned();
    let cells = [
        record.id.map_or_else(dash, |id| id.to_string()),
        record.call_id.clone().unwrap_or_else(dash),
        record.callee_phone.clone().unwrap_or_else(dash),
        record.call_status.map_or_else(dash, |status| format!("{:>2} {}", status.code(), status.name())),
        record.call_result.map_or_else(dash, |result| format!("{:>2} {}", result.code(), result.name())),
        record.call_start.and_then(format_unix_seconds).unwrap_or_else(dash),
        record.call_elapsed.map_or_else(dash, |seconds| format!("{seconds}s")),
        record.user_intent.clone().filter(|intent| !intent.is_empty()).unwrap_or_else(dash),
    ];
    write_cells(out, &cells)
}

fn write_cells(out: &mut impl Write, cells: &[String]) -> io::Result<()> {
    let mut line = String::with_capacity(180);
    for (index, (cell, (_, width, right))) in cells.iter().zip(COLUMNS).enumerate() {
        // Control characters from the server would break the row (or the terminal).
        let clean: String = cell.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        if index + 1 == COLUMNS.len() {
            line.push_str(clean.trim_end());
            break;
        }
        let text = fit(&clean, *width);
        if *right {
            line.push_str(&format!("{text:>width$}  "));
        } else {
            line.push_str(&format!("{text:<width$}  "));
        }
    }
    line.push('\n');
    out.write_all(line.as_bytes())
}

/// `text`, cut to `width` characters with a trailing `…` when longer.
fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use nxlink_models::{CallResult, CallStatus};

    use super::*;

    #[test]
    fn rows_line_up_with_the_header_and_decode_codes() {
        let mut record = CallRecord::default();
        record.id = Some(125_279);
        record.call_id = Some("fe90a9af-e14c-4330-8faa-2631e761124a".into());
        record.callee_phone = Some("852385xxxx".into());
        record.call_status = Some(CallStatus::from(10));
        record.call_result = Some(CallResult::from(17));
        record.call_start = Some(1_742_378_340);
        record.call_elapsed = Some(137);
        record.user_intent = Some("Interested".into());
        let mut out = Vec::new();
        write_header(&mut out).unwrap();
        write_row(&mut out, &record).unwrap();
        write_row(&mut out, &CallRecord::default()).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[1].contains("10 Completed"), "{}", lines[1]);
        assert!(lines[1].contains("17 NormalEndUserHungUp"), "{}", lines[1]);
        assert!(lines[1].contains("2025-03-19 09:59:00Z") && lines[1].ends_with("137s  Interested"));
        // Fixed widths: the START column begins at the same place in every row.
        let start = lines[0].find("START").unwrap();
        assert_eq!(lines[1].find("2025-03-19").unwrap(), start);
    }

    #[test]
    fn long_values_are_cut_not_spilled() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 4), "abc");
    }
}
