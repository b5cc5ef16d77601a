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
use arrow_array::{Array, GenericListArray, OffsetSizeTrait, StructArray};
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

/// Calls `visit` with each row of the Parquet file `path` as a record's JSON object
/// (null fields absent), and the row's number in the file, from 1.
pub(crate) fn read(
    path: &Path,
    columns: &'static [Column],
    mut visit: impl FnMut(Map<String, Value>, usize) -> Result<(), CliError>,
) -> Result<(), CliError> {
    let fail = |err: &dyn std::fmt::Display| CliError::local(format!("cannot read {}: {err}", path.display()));
    let file = File::open(path).map_err(|err| fail(&err))?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|err| fail(&err))?
        .with_batch_size(BATCH_ROWS)
        .build()
        .map_err(|err| fail(&err))?;
    let record = ValueType::Object(columns);
    let mut row = 0;
    for batch in reader {
        let batch = StructArray::from(batch.map_err(|err| fail(&err))?);
        for value in values(&batch, Some(&record)).map_err(|err| fail(&err))? {
            row += 1;
            match value {
                Value::Object(object) => visit(object, row)?,
                _ => return Err(fail(&format!("row {row} is null"))),
            }
        }
    }
    Ok(())
}

/// True when a text column of this type holds JSON text (the writer's rule: a type it
/// has no Arrow type for is written as its JSON).
fn is_json_text(ty: &ValueType) -> bool {
    !ty.is_scalar() && !matches!(ty, ValueType::List(_) | ValueType::Object(_))
}

/// The values of `array`, one per row (`Null` for a null); `ty` is the spec's type of
/// the column, `None` for a column the spec does not know.
fn values(array: &dyn Array, ty: Option<&ValueType>) -> Result<Vec<Value>, String> {
    let each = |value: &dyn Fn(usize) -> Value| -> Vec<Value> {
        (0..array.len()).map(|i| if array.is_valid(i) { value(i) } else { Value::Null }).collect()
    };
    let float = |n: f64| serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number);
    let unexpected = || format!("a {} column, which nxlink does not read", array.data_type());
    match array.data_type() {
        DataType::Int8 => array.as_primitive_opt::<Int8Type>().map(|a| each(&|i| a.value(i).into())),
        DataType::Int16 => array.as_primitive_opt::<Int16Type>().map(|a| each(&|i| a.value(i).into())),
        DataType::Int32 => array.as_primitive_opt::<Int32Type>().map(|a| each(&|i| a.value(i).into())),
        DataType::Int64 => array.as_primitive_opt::<Int64Type>().map(|a| each(&|i| a.value(i).into())),
        DataType::Float32 => array.as_primitive_opt::<Float32Type>().map(|a| each(&|i| float(a.value(i).into()))),
        DataType::Float64 => array.as_primitive_opt::<Float64Type>().map(|a| each(&|i| float(a.value(i)))),
        DataType::Boolean => array.as_boolean_opt().map(|a| each(&|i| a.value(i).into())),
        DataType::Utf8 => array.as_string_opt::<i32>().map(|a| texts(a.iter(), ty)).transpose()?,
        DataType::LargeUtf8 => array.as_string_opt::<i64>().map(|a| texts(a.iter(), ty)).transpose()?,
        DataType::Utf8View => array.as_string_view_opt().map(|a| texts(a.iter(), ty)).transpose()?,
        DataType::List(_) => array.as_list_opt::<i32>().map(|a| list(a, ty)).transpose()?,
        DataType::LargeList(_) => array.as_list_opt::<i64>().map(|a| list(a, ty)).transpose()?,
        DataType::Struct(_) => array.as_struct_opt().map(|a| object(a, ty)).transpose()?,
        _ => None,
    }
    .ok_or_else(unexpected)
}

/// Text values: JSON text parsed when the spec's type is written as JSON, else strings.
fn texts<'a>(items: impl Iterator<Item = Option<&'a str>>, ty: Option<&ValueType>) -> Result<Vec<Value>, String> {
    let json = ty.is_some_and(is_json_text);
    items
        .map(|item| match item {
            None => Ok(Value::Null),
            Some(text) if json => {
                serde_json::from_str(text).map_err(|err| format!("expected JSON text, got {text:?} ({err})"))
            }
            Some(text) => Ok(Value::String(text.to_owned())),
        })
        .collect()
}

fn list<O: OffsetSizeTrait>(array: &GenericListArray<O>, ty: Option<&ValueType>) -> Result<Vec<Value>, String> {
    let item = match ty {
        Some(ValueType::List(item)) => Some(*item),
        _ => None,
    };
    let offsets = array.value_offsets();
    let start = offsets.first().map_or(0, |o| o.as_usize());
    let mut items = values(array.values().as_ref(), item).map_err(|err| format!("a list item: {err}"))?.into_iter();
    items.by_ref().take(start).for_each(drop);
    Ok(offsets
        .windows(2)
        .enumerate()
        .map(|(row, pair)| {
            let taken: Vec<Value> = items.by_ref().take(pair[1].as_usize() - pair[0].as_usize()).collect();
            if array.is_valid(row) {
                Value::Array(taken)
            } else {
                Value::Null
            }
        })
        .collect())
}

/// The rows of a struct column as objects: null fields left out, the fields of its
/// [`EXTRA_COLUMN`] merged back (a named column wins over an extra field of its name).
fn object(array: &StructArray, ty: Option<&ValueType>) -> Result<Vec<Value>, String> {
    let columns = match ty {
        Some(ValueType::Object(columns)) => Some(*columns),
        _ => None,
    };
    let mut children = Vec::new();
    let mut extra = None;
    for (field, child) in array.fields().iter().zip(array.columns()) {
        let name = field.name().as_str();
        let known = columns.and_then(|columns| columns.iter().find(|c| c.wire == name)).map(|c| &c.ty);
        if known.is_none() && name == EXTRA_COLUMN {
            extra = Some(values(child.as_ref(), None).map_err(|err| format!("column {name}: {err}"))?.into_iter());
            continue;
        }
        let column = values(child.as_ref(), known).map_err(|err| format!("column {name}: {err}"))?;
        children.push((name, column.into_iter()));
    }
    let mut rows = Vec::with_capacity(array.len());
    for row in 0..array.len() {
        let mut object = Map::new();
        for (name, column) in &mut children {
            if let Some(value) = column.next().filter(|v| !v.is_null()) {
                object.insert((*name).to_owned(), value);
            }
        }
        match extra.as_mut().and_then(Iterator::next) {
            None | Some(Value::Null) => {}
            Some(Value::String(text)) => match serde_json::from_str::<Map<String, Value>>(&text) {
                Ok(fields) => {
                    for (name, value) in fields {
                        object.entry(name).or_insert(value);
                    }
                }
                Err(err) => return Err(format!("column {EXTRA_COLUMN}: expected a JSON object, got {text:?} ({err})")),
            },
            Some(other) => return Err(format!("column {EXTRA_COLUMN}: expected JSON text, got {other}")),
        }
        rows.push(if array.is_valid(row) { Value::Object(object) } else { Value::Null });
    }
    Ok(rows)
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

    fn read_all(path: &Path) -> Vec<Map<String, Value>> {
        let mut objects = Vec::new();
        read(path, CallRecord::COLUMNS, |object, row| {
            assert_eq!(row, objects.len() + 1);
            objects.push(object);
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
            let back: CallRecord = serde_json::from_value(Value::Object(object.clone())).unwrap();
            assert_eq!(&back, record);
            assert_eq!(Value::Object(object.clone()), serde_json::to_value(record).unwrap());
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

    #[test]
    fn json_text_that_does_not_parse_is_an_error_naming_the_column() {
        let array = arrow_array::StringArray::from(vec![Some("{"), None]);
        let err = values(&array, Some(&ValueType::Json)).unwrap_err();
        assert!(err.contains("expected JSON text"), "{err}");
        // The same text in a string column is a string.
        assert_eq!(values(&array, Some(&ValueType::String)).unwrap(), [Value::from("{"), Value::Null]);
        assert_eq!(values(&array, None).unwrap(), [Value::from("{"), Value::Null]);
    }
}
