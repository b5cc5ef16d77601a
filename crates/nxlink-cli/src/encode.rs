//! Records to bytes, one way for every machine format: a record is serialized once, by
//! its own `Serialize` (the generated `wire_object!` impl), through `serde_json`'s
//! serializer, into the output's line buffer. What differs between formats is only the
//! [`Formatter`] that turns serde_json's events into bytes: serde_json's own compact
//! one for JSON and JSONL, [`Cells`] for CSV, which files each field's value under its
//! column instead of writing `"key":value`. No format builds a `serde_json::Value`, a
//! `String` per cell or a row of its own, and each record reaches the sink in one
//! write ([`RecordOutput`](crate::output::RecordOutput)).
//!
//! A CSV cell holds the value the JSON line holds for that field: text as is, numbers
//! and booleans as JSON, `null` and an absent field empty, a nested value (the
//! `attributes` list) as compact JSON. Objects inside a cell have their keys in sorted
//! order, because that is what earlier versions wrote (they went through a
//! `serde_json::Value`, whose map is a `BTreeMap`), and an export should not change
//! bytes with the version that wrote it.

use std::cmp::Ordering;
use std::io::{self, Write};
use std::ops::Range;

use serde_json::ser::{CharEscape, CompactFormatter, Formatter};

use crate::args::Format;
use crate::error::CliError;
use crate::table::{Column, Item};

/// The last CSV column: the fields the SDK does not know, as a JSON object.
pub(crate) const EXTRA_COLUMN: &str = "extra";

/// How records become bytes, per format.
pub(crate) enum Encoder {
    /// The human table (fixed-width columns, codes as names: see [`crate::table`]).
    Table(&'static [Column]),
    /// One JSON array; `first` until a record was written.
    Json { first: bool },
    /// One JSON object per line.
    Jsonl,
    /// A header of wire names, then one row per record.
    Csv(Box<CsvRows>),
    /// An Apache Parquet file, a row group at a time.
    #[cfg(feature = "parquet")]
    Parquet(Box<crate::parquet::ParquetRows>),
}

impl Encoder {
    /// The encoder of `format`; an error for a format this build leaves out.
    pub(crate) fn new<T: Item>(format: Format) -> Result<Self, CliError> {
        Ok(match format {
            Format::Table => Self::Table(T::TABLE_COLUMNS),
            Format::Json => Self::Json { first: true },
            Format::Jsonl => Self::Jsonl,
            Format::Csv => Self::Csv(Box::new(CsvRows::new(T::FIELDS))),
            #[cfg(feature = "parquet")]
            Format::Parquet => Self::Parquet(Box::new(crate::parquet::ParquetRows::new(T::SHAPE))),
            #[cfg(not(feature = "parquet"))]
            Format::Parquet => return Err(parquet_left_out()),
        })
    }

    /// What comes before the first record: the header, or `[`.
    pub(crate) fn begin(&mut self, line: &mut Vec<u8>) -> io::Result<()> {
        match self {
            Self::Table(columns) => crate::table::write_header(line, columns),
            Self::Json { .. } => {
                line.push(b'[');
                Ok(())
            }
            Self::Jsonl => Ok(()),
            Self::Csv(rows) => {
                rows.header(line);
                Ok(())
            }
            #[cfg(feature = "parquet")]
            Self::Parquet(rows) => rows.begin(line),
        }
    }

    /// Appends one record to `line`.
    pub(crate) fn record<T: Item>(&mut self, record: &T, line: &mut Vec<u8>) -> io::Result<()> {
        match self {
            Self::Table(_) => crate::table::write_row(line, record),
            Self::Json { first } => {
                line.extend_from_slice(if std::mem::replace(first, false) { b"\n" } else { b",\n" });
                serde_json::to_writer(line, record)?;
                Ok(())
            }
            Self::Jsonl => {
                serde_json::to_writer(&mut *line, record)?;
                line.push(b'\n');
                Ok(())
            }
            Self::Csv(rows) => rows.row(record, line),
            #[cfg(feature = "parquet")]
            Self::Parquet(rows) => rows.record(record, line),
        }
    }

    /// What follows the last record.
    pub(crate) fn end(&mut self, line: &mut Vec<u8>) -> io::Result<()> {
        match self {
            Self::Json { first } => line.extend_from_slice(if *first { b"]\n" } else { b"\n]\n" }),
            #[cfg(feature = "parquet")]
            Self::Parquet(rows) => rows.end(line)?,
            _ => {}
        }
        Ok(())
    }
}

/// The error of `--format parquet` in a build without the `parquet` feature.
#[cfg_attr(feature = "parquet", allow(dead_code))]
pub(crate) fn parquet_left_out() -> CliError {
    CliError::usage(
        "--format parquet: this nxlink was built without its `parquet` feature (on by default); \
         reinstall with it, e.g. `cargo install nxlink-cli --features parquet`, or use --format jsonl or csv",
    )
}

/// CSV rows of one record type: the known fields' wire names in the vendor's order, then
/// [`EXTRA_COLUMN`].
///
/// Unknown fields go into one `extra` cell as a JSON object rather than columns of their
/// own: the header is written before the first record, so a column per unknown field
/// would only cover names seen by then and the next new name would have nowhere to go;
/// a fixed header also keeps exports of different days comparable and concatenable.
pub(crate) struct CsvRows {
    fields: &'static [&'static str],
    /// Buffers reused from record to record.
    scratch: Scratch,
}

/// What [`Cells`] writes into, kept between records so that a row allocates nothing.
#[derive(Default)]
struct Scratch {
    /// The text of every cell of the record, one after the other, ready for CSV: its
    /// quotes already doubled, only the enclosing pair left to add.
    cells: Vec<u8>,
    /// Each column's cell; empty for a field the record lacks.
    spans: Vec<Span>,
    /// The name of the field being read.
    key: Vec<u8>,
    /// The JSON objects open inside a cell, innermost last.
    objects: Vec<OpenObject>,
    /// The entries read so far of every open object.
    entries: Vec<Entry>,
    /// An object's entries put in order, before they go back into `cells`.
    sorted: Vec<u8>,
    /// The record serialized as an object (anything else cannot be a row).
    object: bool,
}

/// Where a column's cell is in `cells`, and whether it goes between quotes.
#[derive(Clone, Default)]
struct Span {
    range: Range<usize>,
    quote: bool,
}

/// A JSON object being written inside a cell.
struct OpenObject {
    /// Where its `{` is in `cells`.
    start: usize,
    /// Where its entries start in `entries`.
    first_entry: usize,
}

/// One `""key"":value` of an open object (quotes doubled), as positions in `cells`.
struct Entry {
    start: usize,
    key_end: usize,
    end: usize,
    /// The key holds a JSON escape, so its text is not its bytes.
    escaped: bool,
}

impl Entry {
    /// The order of two entries' keys by their text, as a `BTreeMap<String, _>` (what
    /// earlier versions wrote through) orders them.
    fn key_order(&self, other: &Self, cells: &[u8]) -> Ordering {
        let (a, b) = (&cells[self.start..self.key_end], &cells[other.start..other.key_end]);
        if self.escaped || other.escaped {
            let text = |key: &[u8]| {
                let json = String::from_utf8_lossy(key).replace("\"\"", "\"");
                serde_json::from_str::<String>(&json).unwrap_or_default()
            };
            return text(a).cmp(&text(b));
        }
        // Between the doubled quotes; no escape, so the bytes are the text.
        fn unquoted(key: &[u8]) -> &[u8] {
            key.get(2..key.len().saturating_sub(2)).unwrap_or_default()
        }
        unquoted(a).cmp(unquoted(b))
    }
}

impl CsvRows {
    fn new(fields: &'static [&'static str]) -> Self {
        Self { fields, scratch: Scratch::default() }
    }

    fn header(&self, line: &mut Vec<u8>) {
        for name in self.fields {
            push_field(line, name.as_bytes());
            line.push(b',');
        }
        push_field(line, EXTRA_COLUMN.as_bytes());
        line.push(b'\n');
    }

    fn row<T: Item>(&mut self, record: &T, line: &mut Vec<u8>) -> io::Result<()> {
        let scratch = &mut self.scratch;
        scratch.cells.clear();
        scratch.spans.clear();
        scratch.spans.resize(self.fields.len(), Span::default());
        scratch.object = false;
        let cells = Cells {
            fields: self.fields,
            scratch: &mut *scratch,
            depth: 0,
            in_key: false,
            column: None,
            next: 0,
            start: 0,
            quote: false,
        };
        record.serialize(&mut serde_json::Serializer::with_formatter(io::sink(), cells))?;
        if !scratch.object {
            return Err(io::Error::other("a record did not serialize to a JSON object"));
        }
        for span in &scratch.spans {
            let cell = &scratch.cells[span.range.clone()];
            if span.quote {
                line.push(b'"');
                line.extend_from_slice(cell);
                line.push(b'"');
            } else {
                line.extend_from_slice(cell);
            }
            line.push(b',');
        }
        // Written from the map itself rather than from the record's serialization, so
        // the cell is the map whole, whatever names it holds.
        if !record.extra().is_empty() {
            let start = scratch.cells.len();
            serde_json::to_writer(&mut scratch.cells, record.extra())?;
            push_field(line, &scratch.cells[start..]);
        }
        line.push(b'\n');
        Ok(())
    }
}

/// Appends one CSV field, quoted (quotes doubled) when it holds a comma, a quote or a
/// line break, as the `csv` crate's writer does by default. Every row has at least two
/// fields (a known one and `extra`), so no row is a lone empty field, which that writer
/// would write as `""`.
fn push_field(line: &mut Vec<u8>, cell: &[u8]) {
    if !cell.iter().any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        line.extend_from_slice(cell);
        return;
    }
    line.push(b'"');
    for (index, part) in cell.split(|&b| b == b'"').enumerate() {
        if index > 0 {
            line.extend_from_slice(b"\"\"");
        }
        line.extend_from_slice(part);
    }
    line.push(b'"');
}

/// The CSV [`Formatter`]: serde_json's events for one record, filed as cell text.
///
/// `depth` counts the open arrays and objects: 0 before the record, 1 inside the
/// record's own object (its keys choose the column, its values are cells: text raw,
/// `null` empty), 2 and more inside a nested value, which is written as JSON with each
/// object's entries sorted by key when the object closes.
///
/// Cells are written ready for CSV, so a row is only copied, never searched or
/// rewritten: every `"` is written doubled, and `quote` notes a cell that needs the
/// enclosing pair (a comma, a quote or a line break in it). serde_json hands text over
/// in runs free of every character it escapes (quotes and line breaks among them) and
/// the escapes one by one, so a run is searched for commas only.
struct Cells<'a> {
    fields: &'static [&'static str],
    scratch: &'a mut Scratch,
    depth: usize,
    /// True while a field's name is read (into `key`).
    in_key: bool,
    /// The column of the field being read: `None` for a name the header lacks (an
    /// unknown field, whose cell is `extra`).
    column: Option<usize>,
    /// Where to look for the next field's column first: fields come in header order.
    next: usize,
    /// Where the current cell starts in `cells`.
    start: usize,
    /// The current cell goes between quotes.
    quote: bool,
}

/// Writes a number or a boolean as serde_json's compact formatter does: into the cell,
/// or into the key for a map key that is a number.
macro_rules! scalar {
    ($($method:ident($ty:ty)),* $(,)?) => {
        $(
            fn $method<W: ?Sized + Write>(&mut self, _: &mut W, value: $ty) -> io::Result<()> {
                CompactFormatter.$method(self.out(), value)
            }
        )*
    };
}

impl Cells<'_> {
    /// Where text goes now: the key while a field's name is read, else the cell.
    #[inline]
    fn out(&mut self) -> &mut Vec<u8> {
        if self.in_key {
            &mut self.scratch.key
        } else {
            &mut self.scratch.cells
        }
    }

    /// The record's own level: a field's name, or a cell's own text (written raw).
    #[inline]
    fn top(&self) -> bool {
        self.depth == 1
    }

    /// A string's quote inside JSON, doubled for CSV; none around a cell's own text.
    #[inline]
    fn quote_mark(&mut self) {
        if !self.top() {
            self.scratch.cells.extend_from_slice(b"\"\"");
            self.quote = true;
        }
    }

    /// Text of unknown make (a number as its digits, a raw JSON fragment): doubled
    /// quotes, and the cell quoted when it needs to be.
    fn text(&mut self, text: &str) {
        let bytes = text.as_bytes();
        if self.in_key {
            self.scratch.key.extend_from_slice(bytes);
            return;
        }
        for &byte in bytes {
            self.scratch.cells.push(byte);
            if byte == b'"' {
                self.scratch.cells.push(b'"');
            }
            self.quote |= matches!(byte, b',' | b'"' | b'\n' | b'\r');
        }
    }

    /// The column named `key`, looked for from where the previous field's was.
    fn column_of(&mut self) -> Option<usize> {
        let key = self.scratch.key.as_slice();
        let named = |name: &&str| name.as_bytes() == key;
        let (after, before) = (self.fields.get(self.next..).unwrap_or_default(), &self.fields[..self.next]);
        let found =
            after.iter().position(named).map(|index| self.next + index).or_else(|| before.iter().position(named));
        if let Some(column) = found {
            self.next = column + 1;
        }
        found
    }

    /// Puts the entries of the object that just closed in key order (a key given twice
    /// keeps its last value, as in a map) and writes them back in place.
    fn close_object(&mut self) {
        let Scratch { cells, objects, entries, sorted, .. } = &mut *self.scratch;
        let Some(object) = objects.pop() else { return };
        let mine = &mut entries[object.first_entry..];
        mine.sort_by(|a, b| a.key_order(b, cells));
        sorted.clear();
        sorted.push(b'{');
        for (index, entry) in mine.iter().enumerate() {
            if mine.get(index + 1).is_some_and(|next| entry.key_order(next, cells).is_eq()) {
                continue;
            }
            if sorted.len() > 1 {
                sorted.push(b',');
            }
            sorted.extend_from_slice(&cells[entry.start..entry.end]);
        }
        sorted.push(b'}');
        cells.truncate(object.start);
        cells.extend_from_slice(sorted);
        entries.truncate(object.first_entry);
    }
}

/// The character a JSON escape stands for.
fn unescaped(escape: CharEscape) -> u8 {
    match escape {
        CharEscape::Quote => b'"',
        CharEscape::ReverseSolidus => b'\\',
        CharEscape::Solidus => b'/',
        CharEscape::Backspace => 0x08,
        CharEscape::FormFeed => 0x0c,
        CharEscape::LineFeed => b'\n',
        CharEscape::CarriageReturn => b'\r',
        CharEscape::Tab => b'\t',
        CharEscape::AsciiControl(byte) => byte,
    }
}

impl Formatter for Cells<'_> {
    scalar!(
        write_bool(bool),
        write_i8(i8),
        write_i16(i16),
        write_i32(i32),
        write_i64(i64),
        write_i128(i128),
        write_u8(u8),
        write_u16(u16),
        write_u32(u32),
        write_u64(u64),
        write_u128(u128),
        write_f64(f64),
    );

    /// As an `f64`: a `serde_json::Value` holds every float as one.
    fn write_f32<W: ?Sized + Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        self.write_f64(writer, f64::from(value))
    }

    /// Only with serde_json's `arbitrary_precision` feature.
    fn write_number_str<W: ?Sized + Write>(&mut self, _: &mut W, value: &str) -> io::Result<()> {
        self.text(value);
        Ok(())
    }

    /// Only with serde_json's `raw_value` feature.
    fn write_raw_fragment<W: ?Sized + Write>(&mut self, _: &mut W, fragment: &str) -> io::Result<()> {
        self.text(fragment);
        Ok(())
    }

    /// Nothing in a cell of its own: `null` is an empty cell.
    fn write_null<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        if !self.top() {
            self.scratch.cells.extend_from_slice(b"null");
        }
        Ok(())
    }

    fn begin_string<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.quote_mark();
        Ok(())
    }

    fn end_string<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.quote_mark();
        Ok(())
    }

    fn write_string_fragment<W: ?Sized + Write>(&mut self, _: &mut W, fragment: &str) -> io::Result<()> {
        let fragment = fragment.as_bytes();
        if self.in_key {
            self.scratch.key.extend_from_slice(fragment);
            return Ok(());
        }
        self.scratch.cells.extend_from_slice(fragment);
        // Inside JSON the cell is quoted already (this string's own quotes).
        if !self.quote {
            self.quote = fragment.contains(&b',');
        }
        Ok(())
    }

    fn write_char_escape<W: ?Sized + Write>(&mut self, _: &mut W, escape: CharEscape) -> io::Result<()> {
        if !self.top() {
            if matches!(escape, CharEscape::Quote) {
                self.scratch.cells.extend_from_slice(b"\\\"\"");
                return Ok(());
            }
            return CompactFormatter.write_char_escape(&mut self.scratch.cells, escape);
        }
        let byte = unescaped(escape);
        if self.in_key {
            self.scratch.key.push(byte);
            return Ok(());
        }
        self.scratch.cells.push(byte);
        if byte == b'"' {
            self.scratch.cells.push(b'"');
        }
        self.quote |= matches!(byte, b'"' | b'\n' | b'\r');
        Ok(())
    }

    fn begin_array<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.scratch.cells.push(b'[');
        self.depth += 1;
        Ok(())
    }

    fn end_array<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.depth -= 1;
        self.scratch.cells.push(b']');
        Ok(())
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, _: &mut W, first: bool) -> io::Result<()> {
        if !first {
            self.scratch.cells.push(b',');
            self.quote = true;
        }
        Ok(())
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        let scratch = &mut *self.scratch;
        if self.depth == 0 {
            scratch.object = true;
        } else {
            scratch.objects.push(OpenObject { start: scratch.cells.len(), first_entry: scratch.entries.len() });
            scratch.cells.push(b'{');
        }
        self.depth += 1;
        Ok(())
    }

    fn end_object<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.depth -= 1;
        if self.depth > 0 {
            // Two entries or more are written with a comma between them; they have
            // keys, whose quotes have marked the cell already.
            self.close_object();
        }
        Ok(())
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, _: &mut W, _first: bool) -> io::Result<()> {
        if self.top() {
            self.in_key = true;
            self.scratch.key.clear();
        } else {
            // Commas are written when the object closes, between its sorted entries.
            let start = self.scratch.cells.len();
            self.scratch.entries.push(Entry { start, key_end: start, end: start, escaped: false });
        }
        Ok(())
    }

    fn end_object_key<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        if self.top() {
            self.in_key = false;
            self.column = self.column_of();
        } else if let Some(entry) = self.scratch.entries.last_mut() {
            entry.key_end = self.scratch.cells.len();
            entry.escaped = self.scratch.cells[entry.start..entry.key_end].contains(&b'\\');
        }
        Ok(())
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        if self.top() {
            self.start = self.scratch.cells.len();
            self.quote = false;
        } else {
            self.scratch.cells.push(b':');
        }
        Ok(())
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        let top = self.top();
        let scratch = &mut *self.scratch;
        if !top {
            if let Some(entry) = scratch.entries.last_mut() {
                entry.end = scratch.cells.len();
            }
        } else if let Some(span) = self.column.and_then(|column| scratch.spans.get_mut(column)) {
            *span = Span { range: self.start..scratch.cells.len(), quote: self.quote };
        } else {
            // A field the header lacks: its cell is `extra`, written whole.
            scratch.cells.truncate(self.start);
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use nxlink_models::{Attribute, CallRecord};
    use serde_json::{json, Value};

    use super::*;

    /// The CSV row as versions up to 0.1 built it: the record through a
    /// `serde_json::Value`, a `String` per cell, the `csv` crate's writer.
    fn row_through_a_value<T: Item>(record: &T) -> Vec<u8> {
        let Value::Object(object) = serde_json::to_value(record).unwrap() else { panic!("not an object") };
        let mut cells: Vec<String> = T::FIELDS
            .iter()
            .map(|field| match object.get(*field) {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(text)) => text.clone(),
                Some(other) => other.to_string(),
            })
            .collect();
        cells.push(if record.extra().is_empty() {
            String::new()
        } else {
            serde_json::to_string(record.extra()).unwrap()
        });
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(&cells).unwrap();
        writer.into_inner().unwrap()
    }

    #[track_caller]
    fn assert_same_row(record: &CallRecord) {
        let mut rows = CsvRows::new(CallRecord::FIELDS);
        let mut line = Vec::new();
        rows.row(record, &mut line).unwrap();
        assert_eq!(String::from_utf8_lossy(&line), String::from_utf8_lossy(&row_through_a_value(record)));
    }

    #[test]
    fn the_csv_header_is_the_wire_names_in_api_order_then_extra() {
        let mut line = Vec::new();
        CsvRows::new(CallRecord::FIELDS).header(&mut line);
        let text = String::from_utf8(line).unwrap();
        let names: Vec<&str> = text.trim_end().split(',').collect();
        assert_eq!(names.len(), CallRecord::FIELDS.len() + 1, "{names:?}");
        assert!(names.iter().zip(CallRecord::FIELDS).all(|(a, b)| a == b), "{names:?}");
        assert_eq!(names.last(), Some(&"extra"));
        // What JSON writes for a record with every field sent is what the header lists;
        // a record built in code writes only what was set.
        let every: serde_json::Map<String, Value> =
            CallRecord::FIELDS.iter().map(|f| ((*f).to_owned(), Value::Null)).collect();
        let record: CallRecord = serde_json::from_value(Value::Object(every)).unwrap();
        let json = serde_json::to_value(record).unwrap();
        let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
        let mut header: Vec<&str> = CallRecord::FIELDS.to_vec();
        header.sort_unstable();
        assert_eq!(keys, header);
        assert_eq!(serde_json::to_string(&CallRecord::default()).unwrap(), "{}");
    }

    #[test]
    fn a_csv_row_carries_unknown_fields_in_the_extra_cell() {
        let mut record = CallRecord::default();
        record.id = Some(7);
        record.extra.insert("futureField".into(), json!({"a": [1, "x"]}));
        let mut line = Vec::new();
        CsvRows::new(CallRecord::FIELDS).row(&record, &mut line).unwrap();
        let text = String::from_utf8(line).unwrap();
        // The id's column is wherever the spec puts it, every other known cell empty.
        let id_column = CallRecord::FIELDS.iter().position(|wire| *wire == "id").unwrap();
        assert!(text.starts_with(&format!("{}7,", ",".repeat(id_column))), "{text}");
        assert!(text.ends_with(",\"{\"\"futureField\"\":{\"\"a\"\":[1,\"\"x\"\"]}}\"\n"), "{text}");
        assert_same_row(&record);
        record.extra.clear();
        assert_same_row(&record);
    }

    #[test]
    fn a_csv_row_is_what_the_value_and_csv_writer_wrote() {
        // Every kind of cell: text needing quotes, control characters and escapes,
        // numbers, `null`s, a string sent as a number, unknown fields at both levels,
        // nested objects whose keys are out of order, keys given twice.
        let sent = json!({
            "id": 12, "taskId": "a,b", "contactId": "say \"hi\"\r\nbye", "autoFlowId": null,
            "orderHead": "1", "callerPhone": 85_212_345_678_i64, "calleePhone": "tab\there\u{1}",
            "callId": "", "callStatus": 99, "callResult": "17", "createTs": 1_742_378_329,
            "callStart": null, "callAnswer": "", "lineId": "ünïcödé ✓", "sipCode": 200.5,
            "hangupReason": true,
            "attributes": [
                {"name": "Name", "key": "sys.name", "value": "x,\"y\"", "zzz": {"b": 1, "a": [{"d": 1, "c": 2}]}},
                {"value": null, "key": "k", "name": "", "a\"q": 1, "a\\b": 2, "a": 3},
                {}
            ],
            "autoFlowName": "Renewal", "futureField": {"score": 0.93, "tags": ["a", "b"]}, "anotherNew": "2026"
        });
        let record: CallRecord = serde_json::from_value(sent).unwrap();
        assert_same_row(&record);
        let empty: CallRecord = serde_json::from_value(json!({"attributes": [], "callSummary": null})).unwrap();
        assert_same_row(&empty);
        assert_same_row(&CallRecord::default());
        let mut built = CallRecord::default();
        built.attributes = vec![Attribute::default()];
        built.extra.insert("id".into(), json!(5));
        assert_same_row(&built);
    }

    #[test]
    fn keys_are_ordered_by_their_text_not_their_escapes() {
        // As `Cells` writes keys: quotes doubled.
        let key_order = |a: &[u8], b: &[u8]| {
            let double = |key: &[u8]| String::from_utf8_lossy(key).replace('"', "\"\"").into_bytes();
            let cells = [double(a), double(b)].concat();
            let a = double(a);
            let entry = |start, end| Entry { start, key_end: end, end, escaped: cells[start..end].contains(&b'\\') };
            entry(0, a.len()).key_order(&entry(a.len(), cells.len()), &cells)
        };
        assert!(key_order(br#""a""#, br#""a!""#).is_lt());
        assert!(key_order(br#""a\"b""#, br#""a b""#).is_gt());
        assert!(key_order(br#""a\\""#, br#""a]""#).is_lt());
        assert!(key_order(br#""k""#, br#""k""#).is_eq());
    }

    #[cfg(not(feature = "parquet"))]
    #[test]
    fn parquet_in_a_build_without_its_feature_is_a_usage_error_naming_the_feature() {
        let Err(err) = Encoder::new::<CallRecord>(Format::Parquet) else { panic!("expected an error") };
        assert_eq!(i32::from(err.exit.code()), 2);
        assert!(err.to_string().contains("without its `parquet` feature"), "{err}");
    }

    #[test]
    fn json_lines_are_serde_json_s_own() {
        let record: CallRecord =
            serde_json::from_value(json!({"id": 1, "attributes": [{"name": "n", "key": "k"}], "x": null})).unwrap();
        let mut encoder = Encoder::new::<CallRecord>(Format::Jsonl).unwrap();
        let mut line = Vec::new();
        encoder.record(&record, &mut line).unwrap();
        assert_eq!(line, [serde_json::to_vec(&record).unwrap(), b"\n".to_vec()].concat());
    }
}
