//! The writer's earlier way, kept as the oracle of [`super::fill`]: the record made a
//! `serde_json::Value` by serde_json, then each column's value looked up by wire name.
//! Test code only.

use std::io;

use serde_json::{Map, Value};

use super::{mismatch, Batch, ColumnBuilder};

/// Appends one record through its `serde_json::Value`.
pub(super) fn push<T: serde::Serialize + ?Sized>(batch: &mut Batch, record: &T) -> io::Result<()> {
    match serde_json::to_value(record)? {
        Value::Object(object) => push_at(batch, &object, ""),
        other => Err(mismatch("(record)", "an object", &other)),
    }
}

/// Appends one object; `path` names it in errors (empty for a record).
fn push_at(batch: &mut Batch, object: &Map<String, Value>, path: &str) -> io::Result<()> {
    for (column, builder) in batch.columns.iter().zip(&mut batch.builders) {
        let value = object.get(column.wire);
        // Only made for an error or a nested object: not a string per field per record.
        let path = || if path.is_empty() { column.wire.to_owned() } else { format!("{path}.{}", column.wire) };
        if column.required && value.is_none_or(Value::is_null) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("field {}: required by the spec, absent from the record", path()),
            ));
        }
        append(builder, value, &path)?;
    }
    let extra: Map<String, Value> = object
        .iter()
        .filter(|(key, _)| !batch.index.contains_key(key.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if extra.is_empty() {
        batch.extra.append_null();
    } else {
        batch.extra.append_value(Value::Object(extra).to_string());
    }
    batch.rows += 1;
    Ok(())
}

/// Appends one value (`None` or JSON `null`: a null). `path` names the field in errors.
fn append(builder: &mut ColumnBuilder, value: Option<&Value>, path: &dyn Fn() -> String) -> io::Result<()> {
    let value = value.filter(|v| !v.is_null());
    match builder {
        ColumnBuilder::Int32(builder) => match value {
            None => builder.append_null(),
            Some(v) => {
                let n = v.as_i64().and_then(|n| i32::try_from(n).ok());
                builder.append_value(n.ok_or_else(|| mismatch(&path(), "a 32-bit integer", v))?);
            }
        },
        ColumnBuilder::Int64(builder) => match value {
            None => builder.append_null(),
            Some(v) => builder.append_value(v.as_i64().ok_or_else(|| mismatch(&path(), "a 64-bit integer", v))?),
        },
        ColumnBuilder::Float64(builder) => match value {
            None => builder.append_null(),
            Some(v) => builder.append_value(v.as_f64().ok_or_else(|| mismatch(&path(), "a number", v))?),
        },
        ColumnBuilder::Bool(builder) => match value {
            None => builder.append_null(),
            Some(v) => builder.append_value(v.as_bool().ok_or_else(|| mismatch(&path(), "true or false", v))?),
        },
        ColumnBuilder::Utf8 { builder, json } => match value {
            None => builder.append_null(),
            Some(Value::String(text)) if !*json => builder.append_value(text),
            // A string field sent as a number (and so written back as one): its digits.
            Some(number @ Value::Number(_)) if !*json => builder.append_value(number.to_string()),
            Some(v) if *json => builder.append_value(v.to_string()),
            Some(v) => return Err(mismatch(&path(), "a string", v)),
        },
        ColumnBuilder::List { offsets, valid, item, .. } => {
            let last = offsets.last().copied().unwrap_or(0);
            match value {
                None => {
                    valid.push(false);
                    offsets.push(last);
                }
                Some(Value::Array(values)) => {
                    for element in values {
                        append(item, Some(element), path)?;
                    }
                    let len = i32::try_from(values.len()).ok();
                    let end = len.and_then(|len| last.checked_add(len));
                    let end = end.ok_or_else(|| {
                        io::Error::new(io::ErrorKind::InvalidData, format!("field {}: too many list items", path()))
                    })?;
                    valid.push(true);
                    offsets.push(end);
                }
                Some(v) => return Err(mismatch(&path(), "a list", v)),
            }
        }
        ColumnBuilder::Struct { valid, object, .. } => match value {
            None => {
                valid.push(false);
                object.push_null();
            }
            Some(Value::Object(fields)) => {
                valid.push(true);
                push_at(object, fields, &path())?;
            }
            Some(v) => return Err(mismatch(&path(), "an object", v)),
        },
    }
    Ok(())
}
