//! The human table: the columns an operator scans for, codes decoded to names.
//!
//! Widths are fixed rather than fitted to the data, because fitting needs every row
//! before the first is printed and an export can hold millions; a value too long for
//! its column is cut with `…` (the JSON formats keep everything).

use std::io::{self, Write};

use nxlink_models::runtime::Extra;
use nxlink_models::{Agent, CallRecord, Route, Task};

use crate::time::format_unix_seconds;

/// A table column: `(header, width, right-aligned)`; the last column is not padded.
pub(crate) type Column = (&'static str, usize, bool);

/// What the output formats need of an item: its JSON (serde), its known wire fields for
/// the CSV header (generated), its unknown fields for the CSV `extra` cell, and the
/// human table's columns (chosen here, per type).
pub(crate) trait Item: serde::Serialize {
    /// The known fields' wire names, in the vendor's order.
    const FIELDS: &'static [&'static str];
    /// The table's columns.
    const TABLE_COLUMNS: &'static [Column];
    /// Every known field's type, from the spec (Parquet's columns).
    #[cfg_attr(not(feature = "parquet"), allow(dead_code))]
    const SHAPE: &'static [nxlink_models::runtime::Column];
    /// Fields the spec does not know.
    fn extra(&self) -> &Extra;
    /// The table's cells, one per column.
    fn cells(&self) -> Vec<String>;
}

fn dash() -> String {
    "-".to_owned()
}

/// An unknown field shown as text, e.g. the agent's name the docs do not list yet.
fn extra_text(extra: &Extra, name: &str) -> String {
    match extra.get(name) {
        Some(serde_json::Value::String(text)) => text.clone(),
        Some(serde_json::Value::Null) | None => dash(),
        Some(other) => other.to_string(),
    }
}

impl Item for CallRecord {
    const FIELDS: &'static [&'static str] = CallRecord::FIELDS;
    const SHAPE: &'static [nxlink_models::runtime::Column] = CallRecord::COLUMNS;
    const TABLE_COLUMNS: &'static [Column] = COLUMNS;
    fn extra(&self) -> &Extra {
        &self.extra
    }
    fn cells(&self) -> Vec<String> {
        call_record_cells(self)
    }
}

impl Item for Agent {
    const FIELDS: &'static [&'static str] = Agent::FIELDS;
    const SHAPE: &'static [nxlink_models::runtime::Column] = Agent::COLUMNS;
    const TABLE_COLUMNS: &'static [Column] = &[("AGENT ID", 10, true), ("NAME", 0, false)];
    fn extra(&self) -> &Extra {
        &self.extra
    }
    fn cells(&self) -> Vec<String> {
        vec![self.auto_flow_id.map_or_else(dash, |id| id.to_string()), extra_text(&self.extra, "autoFlowName")]
    }
}

impl Item for Route {
    const FIELDS: &'static [&'static str] = Route::FIELDS;
    const SHAPE: &'static [nxlink_models::runtime::Column] = Route::COLUMNS;
    const TABLE_COLUMNS: &'static [Column] = &[("ROUTE ID", 34, false), ("NAME", 0, false)];
    fn extra(&self) -> &Extra {
        &self.extra
    }
    fn cells(&self) -> Vec<String> {
        vec![self.route_id.clone().unwrap_or_else(dash), extra_text(&self.extra, "routeName")]
    }
}

impl Item for Task {
    const FIELDS: &'static [&'static str] = Task::FIELDS;
    const SHAPE: &'static [nxlink_models::runtime::Column] = Task::COLUMNS;
    const TABLE_COLUMNS: &'static [Column] = &[
        ("TASK ID", 36, false),
        ("STATUS", 28, false),
        ("CREATED (UTC)", 20, false),
        ("CONTACTS", 8, true),
        ("NAME", 0, false),
    ];
    fn extra(&self) -> &Extra {
        &self.extra
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.task_id.clone().unwrap_or_else(dash),
            self.task_status.map_or_else(dash, |status| format!("{} {}", status.code(), status.name())),
            self.create_ts.and_then(format_unix_seconds).unwrap_or_else(dash),
            self.stat_info.as_ref().and_then(|s| s.total_order_count).map_or_else(dash, |n| n.to_string()),
            self.task_name.clone().unwrap_or_else(dash),
        ]
    }
}

/// `(header, width, right-aligned)`; the last column is not padded.
const COLUMNS: &[Column] = &[
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

pub(crate) fn write_header(out: &mut impl Write, columns: &[Column]) -> io::Result<()> {
    let cells: Vec<String> = columns.iter().map(|(name, _, _)| (*name).to_owned()).collect();
    write_cells(out, columns, &cells)
}

pub(crate) fn write_row<T: Item>(out: &mut impl Write, item: &T) -> io::Result<()> {
    write_cells(out, T::TABLE_COLUMNS, &item.cells())
}

fn call_record_cells(record: &CallRecord) -> Vec<String> {
    vec![
        record.id.map_or_else(dash, |id| id.to_string()),
        record.call_id.clone().unwrap_or_else(dash),
        record.callee_phone.clone().unwrap_or_else(dash),
        record.call_status.map_or_else(dash, |status| format!("{:>2} {}", status.code(), status.name())),
        record.call_result.map_or_else(dash, |result| format!("{:>2} {}", result.code(), result.name())),
        record.call_start.and_then(format_unix_seconds).unwrap_or_else(dash),
        record.call_elapsed.map_or_else(dash, |seconds| format!("{seconds}s")),
        record.user_intent.clone().filter(|intent| !intent.is_empty()).unwrap_or_else(dash),
    ]
}

fn write_cells(out: &mut impl Write, columns: &[Column], cells: &[String]) -> io::Result<()> {
    let mut line = String::with_capacity(180);
    for (index, (cell, (_, width, right))) in cells.iter().zip(columns).enumerate() {
        // Control characters from the server would break the row (or the terminal).
        let clean: String = cell.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        if index + 1 == columns.len() {
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
        write_header(&mut out, CallRecord::TABLE_COLUMNS).unwrap();
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
