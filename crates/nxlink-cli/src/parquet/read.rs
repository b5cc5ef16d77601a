//! Parquet back into records, the inverse of the writer: each row becomes the JSON
//! object its JSONL line would be. Columns are read by name, so a file another spec
//! version wrote still reads: a column the spec knows takes its type's meaning (a
//! `Json` field's text is parsed back), one it does not know comes back as an unknown
//! field, and the fields in [`EXTRA_COLUMN`] are merged back in. A dataset another tool
//! rewrote reads too: large strings and lists (Polars) and string views are accepted.
//!
//! Conversion is column by column, a batch at a time, so memory is one batch whatever
//! the file's size.

use std::fs::File;
use std::path::{Path, PathBuf};

use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type};
use arrow_array::{
    Array, BooleanArray, GenericListArray, GenericStringArray, OffsetSizeTrait, PrimitiveArray, StringViewArray,
    StructArray,
};
use arrow_schema::DataType;
use nxlink_models::runtime::{Column, ValueType};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde_json::{Map, Value};

use crate::encode::EXTRA_COLUMN;
use crate::error::CliError;

/// Rows converted at once.
const BATCH_ROWS: usize = 8_192;

/// The Parquet files at `path`: the file itself, or under a directory (a partitioned
/// dataset) every `*.parquet` file in path order, leaving out hidden entries (an
/// unfinished export's `.DIR.*.partial`, `.crc` files).
pub(crate) fn files(path: &Path) -> Result<Vec<PathBuf>, CliError> {
    if !path.is_dir() {
        return Ok(vec![path.to_owned()]);
    }
    let mut found = Vec::new();
    let mut pending = vec![path.to_owned()];
    while let Some(dir) = pending.pop() {
        let entries =
            std::fs::read_dir(&dir).map_err(|err| CliError::local(format!("cannot list {}: {err}", dir.display())))?;
        for entry in entries {
            let entry = entry.map_err(|err| CliError::local(format!("cannot list {}: {err}", dir.display())))?;
            let entry = entry.path();
            if entry.file_name().is_some_and(|name| name.to_string_lossy().starts_with('.')) {
                continue;
            }
            if entry.is_dir() {
                pending.push(entry);
            } else if entry.extension().is_some_and(|ext| ext == "parquet") {
                found.push(entry);
            }
        }
    }
    if found.is_empty() {
        return Err(CliError::usage(format!(
            "{} holds no .parquet file; expected a file or a dataset `nxlink calls export --format parquet` wrote",
            path.display()
        )));
    }
    found.sort();
    Ok(found)
}

/// Calls `visit` with each row of the Parquet file `path` as the JSON text of a record
/// (null fields absent, as a JSONL line), and the row's number in the file, from 1.
///
/// JSON text rather than a `serde_json::Value`: the record's own decoder then reads it as
/// it reads a JSONL line, without a map and a string per field in between (which made
/// this four times slower: BENCHMARKS.md, "Stats by source").
pub(crate) fn read(
    path: &Path,
    columns: &'static [Column],
    mut visit: impl FnMut(&[u8], usize) -> Result<(), CliError>,
) -> Result<(), CliError> {
    let fail = |err: &dyn std::fmt::Display| CliError::local(format!("cannot read {}: {err}", path.display()));
    let file = File::open(path).map_err(|err| fail(&err))?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|err| fail(&err))?
        .with_batch_size(BATCH_ROWS)
        .build()
        .map_err(|err| fail(&err))?;
    let mut row = 0;
    let mut line = Vec::new();
    for batch in reader {
        let batch = StructArray::from(batch.map_err(|err| fail(&err))?);
        let plan = Object::plan(&batch, Some(columns)).map_err(|err| fail(&err))?;
        for index in 0..batch.len() {
            row += 1;
            line.clear();
            plan.write(index, &mut line).map_err(|err| fail(&format!("row {row}: {err}")))?;
            visit(&line, row)?;
        }
    }
    Ok(())
}

/// True when a text column of this type holds JSON text (the writer's rule: a type it
/// has no Arrow type for is written as its JSON).
fn is_json_text(ty: &ValueType) -> bool {
    !ty.is_scalar() && !matches!(ty, ValueType::List(_) | ValueType::Object(_))
}

/// The text arrays a column may come as: Arrow's string, large string (Polars) and
/// string view.
enum Texts<'a> {
    Small(&'a GenericStringArray<i32>),
    Large(&'a GenericStringArray<i64>),
    View(&'a StringViewArray),
}

impl Texts<'_> {
    fn array(&self) -> &dyn Array {
        match self {
            Self::Small(array) => *array,
            Self::Large(array) => *array,
            Self::View(array) => *array,
        }
    }

    fn get(&self, row: usize) -> &str {
        match self {
            Self::Small(array) => array.value(row),
            Self::Large(array) => array.value(row),
            Self::View(array) => array.value(row),
        }
    }
}

/// How one column's values are written as JSON: the array, typed once per batch.
enum Values<'a> {
    Int8(&'a PrimitiveArray<Int8Type>),
    Int16(&'a PrimitiveArray<Int16Type>),
    Int32(&'a PrimitiveArray<Int32Type>),
    Int64(&'a PrimitiveArray<Int64Type>),
    Float32(&'a PrimitiveArray<Float32Type>),
    Float64(&'a PrimitiveArray<Float64Type>),
    Bool(&'a BooleanArray),
    /// `json`: the text is a value's JSON (a `Json` field), checked and written as is.
    Text {
        texts: Texts<'a>,
        json: bool,
    },
    List {
        array: &'a dyn Array,
        offsets: Vec<usize>,
        items: Box<Values<'a>>,
    },
    Object(Object<'a>),
}

/// An object's fields: each named column with its key already written as JSON, and the
/// [`EXTRA_COLUMN`] of fields the spec does not know.
struct Object<'a> {
    array: &'a StructArray,
    fields: Vec<(&'a str, Vec<u8>, Values<'a>)>,
    extra: Option<Texts<'a>>,
}

fn write_json<T: serde::Serialize + ?Sized>(value: &T, out: &mut Vec<u8>) {
    // Writing to a Vec cannot fail, and these values (numbers, strings) always serialise.
    if serde_json::to_writer(&mut *out, value).is_err() {
        out.extend_from_slice(b"null");
    }
}

impl<'a> Values<'a> {
    /// The writer of `array`; `ty` is the spec's type of the column, `None` for a column
    /// the spec does not know.
    fn plan(array: &'a dyn Array, ty: Option<&ValueType>) -> Result<Self, String> {
        let unexpected = || format!("a {} column, which nxlink does not read", array.data_type());
        let json = ty.is_some_and(is_json_text);
        let texts = |texts: Option<Texts<'a>>| texts.map(|texts| Self::Text { texts, json });
        let values = match array.data_type() {
            DataType::Int8 => array.as_primitive_opt().map(Self::Int8),
            DataType::Int16 => array.as_primitive_opt().map(Self::Int16),
            DataType::Int32 => array.as_primitive_opt().map(Self::Int32),
            DataType::Int64 => array.as_primitive_opt().map(Self::Int64),
            DataType::Float32 => array.as_primitive_opt().map(Self::Float32),
            DataType::Float64 => array.as_primitive_opt().map(Self::Float64),
            DataType::Boolean => array.as_boolean_opt().map(Self::Bool),
            DataType::Utf8 => texts(array.as_string_opt().map(Texts::Small)),
            DataType::LargeUtf8 => texts(array.as_string_opt().map(Texts::Large)),
            DataType::Utf8View => texts(array.as_string_view_opt().map(Texts::View)),
            DataType::List(_) => array.as_list_opt::<i32>().map(|list| Self::list(list, ty)).transpose()?,
            DataType::LargeList(_) => array.as_list_opt::<i64>().map(|list| Self::list(list, ty)).transpose()?,
            DataType::Struct(_) => {
                let columns = match ty {
                    Some(ValueType::Object(columns)) => Some(*columns),
                    _ => None,
                };
                array.as_struct_opt().map(|object| Object::plan(object, columns).map(Self::Object)).transpose()?
            }
            _ => None,
        };
        values.ok_or_else(unexpected)
    }

    fn list<O: OffsetSizeTrait>(list: &'a GenericListArray<O>, ty: Option<&ValueType>) -> Result<Self, String> {
        let item = match ty {
            Some(ValueType::List(item)) => Some(*item),
            _ => None,
        };
        let items = Self::plan(list.values().as_ref(), item).map_err(|err| format!("a list item: {err}"))?;
        let offsets = list.value_offsets().iter().map(|offset| offset.as_usize()).collect();
        Ok(Self::List { array: list, offsets, items: Box::new(items) })
    }

    /// The array the values are in, for its nulls.
    fn array(&self) -> &dyn Array {
        match self {
            Self::Int8(array) => *array,
            Self::Int16(array) => *array,
            Self::Int32(array) => *array,
            Self::Int64(array) => *array,
            Self::Float32(array) => *array,
            Self::Float64(array) => *array,
            Self::Bool(array) => *array,
            Self::Text { texts, .. } => texts.array(),
            Self::List { array, .. } => *array,
            Self::Object(object) => object.array,
        }
    }

    /// Writes the value at `row` (`null` for a null).
    fn write(&self, row: usize, out: &mut Vec<u8>) -> Result<(), String> {
        // Arrow's accessors panic out of range: a damaged file's offsets must not get there.
        if row >= self.array().len() {
            return Err(format!("value {row} of a column of {} values", self.array().len()));
        }
        if self.array().is_null(row) {
            out.extend_from_slice(b"null");
            return Ok(());
        }
        match self {
            Self::Int8(array) => write_json(&array.value(row), out),
            Self::Int16(array) => write_json(&array.value(row), out),
            Self::Int32(array) => write_json(&array.value(row), out),
            Self::Int64(array) => write_json(&array.value(row), out),
            Self::Float32(array) => write_json(&array.value(row), out),
            Self::Float64(array) => write_json(&array.value(row), out),
            Self::Bool(array) => write_json(&array.value(row), out),
            Self::Text { texts, json: false } => write_json(texts.get(row), out),
            Self::Text { texts, json: true } => {
                let text = texts.get(row).trim();
                serde_json::from_str::<serde::de::IgnoredAny>(text)
                    .map_err(|err| format!("expected JSON text, got {text:?} ({err})"))?;
                out.extend_from_slice(text.as_bytes());
            }
            Self::List { offsets, items, .. } => {
                let (Some(start), Some(end)) = (offsets.get(row), offsets.get(row + 1)) else {
                    return Err(format!("list {row} has no offsets"));
                };
                out.push(b'[');
                for (n, item) in (*start..*end).enumerate() {
                    if n > 0 {
                        out.push(b',');
                    }
                    items.write(item, out).map_err(|err| format!("a list item: {err}"))?;
                }
                out.push(b']');
            }
            Self::Object(object) => object.write(row, out)?,
        }
        Ok(())
    }
}

impl<'a> Object<'a> {
    /// The writer of a struct column (or a batch's rows): `columns` are the spec's
    /// fields of the object, `None` when the spec does not know it.
    fn plan(array: &'a StructArray, columns: Option<&'static [Column]>) -> Result<Self, String> {
        let mut fields = Vec::new();
        let mut extra = None;
        for (field, child) in array.fields().iter().zip(array.columns()) {
            let name = field.name().as_str();
            let known = columns.and_then(|columns| columns.iter().find(|c| c.wire == name)).map(|c| &c.ty);
            if known.is_none() && name == EXTRA_COLUMN {
                let texts = match Values::plan(child.as_ref(), None) {
                    Ok(Values::Text { texts, .. }) => texts,
                    _ => return Err(format!("column {name}: expected text, got {}", child.data_type())),
                };
                extra = Some(texts);
                continue;
            }
            let values = Values::plan(child.as_ref(), known).map_err(|err| format!("column {name}: {err}"))?;
            let mut key = Vec::new();
            write_json(name, &mut key);
            key.push(b':');
            fields.push((name, key, values));
        }
        Ok(Self { array, fields, extra })
    }

    /// Writes the object at `row`: its non-null fields, then those of its extra column
    /// that no column names (a column wins over an extra field of its name).
    fn write(&self, row: usize, out: &mut Vec<u8>) -> Result<(), String> {
        out.push(b'{');
        let mut first = true;
        let mut comma = |out: &mut Vec<u8>| {
            if !std::mem::replace(&mut first, false) {
                out.push(b',');
            }
        };
        let in_range = |array: &dyn Array| row < array.len();
        for (name, key, values) in &self.fields {
            if in_range(values.array()) && values.array().is_null(row) {
                continue;
            }
            comma(out);
            out.extend_from_slice(key);
            values.write(row, out).map_err(|err| format!("column {name}: {err}"))?;
        }
        if let Some(extra) = self.extra.as_ref().filter(|extra| in_range(extra.array()) && extra.array().is_valid(row))
        {
            let text = extra.get(row);
            let fields: Map<String, Value> = serde_json::from_str(text)
                .map_err(|err| format!("column {EXTRA_COLUMN}: expected a JSON object, got {text:?} ({err})"))?;
            for (name, value) in &fields {
                if self.fields.iter().any(|(known, ..)| known == name) {
                    continue;
                }
                comma(out);
                write_json(name, out);
                out.push(b':');
                write_json(value, out);
            }
        }
        out.push(b'}');
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use nxlink_models::CallRecord;

    use super::*;
    use crate::parquet::ParquetRows;

    fn write(records: &[CallRecord]) -> tempfile::NamedTempFile {
        let mut rows = ParquetRows::new(CallRecord::COLUMNS);
        let mut bytes = Vec::new();
        rows.begin(&mut bytes).unwrap();
        for record in records {
            rows.record(record, &mut bytes).unwrap();
        }
        rows.end(&mut bytes).unwrap();
        let mut file = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut file, &bytes).unwrap();
        file
    }

    fn read_all(path: &Path) -> Vec<Value> {
        let mut objects = Vec::new();
        read(path, CallRecord::COLUMNS, |line, row| {
            assert_eq!(row, objects.len() + 1);
            objects.push(serde_json::from_slice(line).unwrap());
            Ok(())
        })
        .unwrap();
        objects
    }

    /// Every kind of field the spec has, with unknown fields at the top and inside a
    /// nested object, across more than one batch: each row reads back as the record.
    #[test]
    fn every_record_reads_back_as_it_was_written() {
        let full: CallRecord = serde_json::from_value(serde_json::json!({
            "id": 7, "taskId": "t", "callStatus": 2, "callResult": 99, "callElapsed": 31,
            "userIntent": "buy", "callStart": 1_796_169_600, "createTs": 1_796_169_500,
            "attributes": [{"name": "a", "value": "1", "later": [1, {"x": true}]}, {"name": "b"}],
            "newField": {"nested": [1.5, null, "x"]}, "flag": false
        }))
        .unwrap();
        let records: Vec<CallRecord> = (0..BATCH_ROWS + 5)
            .map(|i| match i % 3 {
                0 => full.clone(),
                1 => CallRecord::default(),
                _ => {
                    let mut record = full.clone();
                    record.attributes = Vec::new();
                    record.id = Some(i as i64);
                    record
                }
            })
            .collect();
        let file = write(&records);
        let objects = read_all(file.path());
        assert_eq!(objects.len(), records.len());
        for (object, record) in objects.iter().zip(&records) {
            let back: CallRecord = serde_json::from_value(object.clone()).unwrap();
            assert_eq!(&back, record);
            assert_eq!(object, &serde_json::to_value(record).unwrap());
        }
    }

    #[test]
    fn a_dataset_is_its_visible_parquet_files_in_order() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "date=2026-12-02/part-0000.parquet",
            "date=2026-12-01/part-0001.parquet",
            "date=2026-12-01/part-0000.parquet",
            ".ds.partial/date=x/part-0000.parquet",
            "date=2026-12-01/_SUCCESS",
        ] {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, b"").unwrap();
        }
        let names: Vec<String> = files(dir.path())
            .unwrap()
            .iter()
            .map(|p| p.strip_prefix(dir.path()).unwrap().display().to_string())
            .collect();
        assert_eq!(
            names,
            [
                "date=2026-12-01/part-0000.parquet",
                "date=2026-12-01/part-0001.parquet",
                "date=2026-12-02/part-0000.parquet"
            ]
        );
        let empty = tempfile::tempdir().unwrap();
        let err = files(empty.path()).unwrap_err();
        assert!(err.to_string().contains("no .parquet file"), "{err}");
    }

    #[test]
    fn a_broken_file_is_an_error_naming_it() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut file, b"PAR1 not really").unwrap();
        let err = read(file.path(), CallRecord::COLUMNS, |_, _| Ok(())).unwrap_err();
        assert!(err.to_string().contains(&file.path().display().to_string()), "{err}");
    }

    fn written(values: &Values<'_>, rows: usize) -> Result<Vec<String>, String> {
        (0..rows)
            .map(|row| {
                let mut out = Vec::new();
                values.write(row, &mut out)?;
                Ok(String::from_utf8(out).unwrap())
            })
            .collect()
    }

    #[test]
    fn json_text_is_written_as_is_and_text_that_does_not_parse_is_an_error() {
        let array = arrow_array::StringArray::from(vec![Some("{"), None, Some(" [1, {\"a\": null}] ")]);
        let json = Values::plan(&array, Some(&ValueType::Json)).unwrap();
        let err = written(&json, 1).unwrap_err();
        assert!(err.contains("expected JSON text"), "{err}");
        assert_eq!(json.write(1, &mut Vec::new()), Ok(()));
        let mut out = Vec::new();
        json.write(2, &mut out).unwrap();
        assert_eq!(out, b"[1, {\"a\": null}]");
        // Beyond the array (a damaged file's offsets): an error, not Arrow's panic.
        assert!(json.write(3, &mut Vec::new()).unwrap_err().contains("value 3 of a column of 3 values"));
        // The same text in a string column, or a column the spec does not know, is a string.
        for ty in [Some(&ValueType::String), None] {
            let text = Values::plan(&array, ty).unwrap();
            assert_eq!(written(&text, 3).unwrap(), ["\"{\"", "null", "\" [1, {\\\"a\\\": null}] \""]);
        }
    }

    /// An extra field named like a column does not write the key twice: the column wins.
    #[test]
    fn a_column_wins_over_an_extra_field_of_its_name() {
        let id = arrow_array::Int64Array::from(vec![Some(1), None]);
        let extra = arrow_array::StringArray::from(vec![Some(r#"{"id": 9, "new": [true]}"#), Some(r#"{"id": 9}"#)]);
        let fields = vec![
            (std::sync::Arc::new(arrow_schema::Field::new("id", DataType::Int64, true)), std::sync::Arc::new(id) as _),
            (
                std::sync::Arc::new(arrow_schema::Field::new(EXTRA_COLUMN, DataType::Utf8, true)),
                std::sync::Arc::new(extra) as _,
            ),
        ];
        let array = StructArray::from(fields);
        let object = Object::plan(&array, Some(CallRecord::COLUMNS)).unwrap();
        let rows: Vec<String> = (0..2)
            .map(|row| {
                let mut out = Vec::new();
                object.write(row, &mut out).unwrap();
                String::from_utf8(out).unwrap()
            })
            .collect();
        assert_eq!(rows, [r#"{"id":1,"new":[true]}"#, r#"{}"#]);
    }
}
