//! A record filed straight into its batch's Arrow builders: a [`serde::Serializer`] that
//! the record's own `Serialize` (the generated `wire_object!` impl) drives, each value
//! going into its column's builder as it comes, with no `serde_json::Value` of the
//! record and no lookup per column (fields come in column order, so the next column is
//! tried first), as the CSV encoder's `Cells` does for its cells.
//!
//! What it accepts is what the record's JSON would hold: a column gets the value its
//! JSON line has for the field (`null` or an absent field is a null, a non-finite float
//! is `null` as serde_json writes it), and the same value of the wrong type is the same
//! error, naming the field's path. The few things that are not plain values go through
//! a `serde_json::Value` of that value alone, so they end as they did before: a field
//! the spec does not know (into the object's [`EXTRA_COLUMN`](crate::encode::EXTRA_COLUMN)
//! as JSON text), a value of a `Json` column (its compact JSON text), an enum variant
//! holding data, and a value of the wrong shape (shown in the error). One difference
//! from a `Value`, which kept the last: a known field given twice in one object is an
//! error, since a builder takes one value per row (no generated record does that).

use std::fmt;
use std::io;

use serde::ser::{self, Serialize};
use serde_json::{Map, Value};

use super::{mismatch, Batch, ColumnBuilder};

/// Why a record could not be filed; an `io::Error` of kind `InvalidData` in the end.
#[derive(Debug)]
pub(super) struct Error(io::Error);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self(io::Error::new(io::ErrorKind::InvalidData, msg.to_string()))
    }
}

impl From<serde_json::Error> for Error {
    fn from(err: serde_json::Error) -> Self {
        Self(err.into())
    }
}

impl From<Error> for io::Error {
    fn from(err: Error) -> Self {
        err.0
    }
}

fn invalid(message: String) -> Error {
    Error(io::Error::new(io::ErrorKind::InvalidData, message))
}

/// Files one record (which must serialize as an object) into `batch`'s columns.
pub(super) fn record<T: Serialize + ?Sized>(batch: &mut Batch, record: &T) -> io::Result<()> {
    record.serialize(Fill { slot: Slot::Record(batch), path: "(record)", required: false })?;
    Ok(())
}

/// Files one value into a column; `path` names the field in errors.
fn column<T: Serialize + ?Sized>(
    builder: &mut ColumnBuilder,
    path: &str,
    required: bool,
    value: &T,
) -> Result<(), Error> {
    if let ColumnBuilder::Utf8 { builder, json: true } = builder {
        // Open JSON: its text, as serde_json writes the value (a map's keys sorted).
        match serde_json::to_value(value)? {
            Value::Null if required => return Err(absent(path)),
            Value::Null => builder.append_null(),
            value => builder.append_value(value.to_string()),
        }
        return Ok(());
    }
    value.serialize(Fill { slot: Slot::Column(builder), path, required })
}

fn absent(path: &str) -> Error {
    invalid(format!("field {path}: required by the spec, absent from the record"))
}

/// Where a value goes.
enum Slot<'a> {
    /// A whole record: an object, filed into the batch's columns.
    Record(&'a mut Batch),
    /// One column's value.
    Column(&'a mut ColumnBuilder),
}

/// The serializer of one value.
struct Fill<'a> {
    slot: Slot<'a>,
    /// The field, for errors.
    path: &'a str,
    /// The spec marks the field required: a null is an error.
    required: bool,
}

impl Fill<'_> {
    /// The error for `value`, which this slot does not take.
    fn reject(&self, value: &Value) -> Error {
        let expected = match &self.slot {
            Slot::Record(_) => "an object",
            Slot::Column(builder) => builder.expected(),
        };
        Error(mismatch(self.path, expected, value))
    }

    fn null(self) -> Result<(), Error> {
        match self.slot {
            Slot::Column(_) if self.required => Err(absent(self.path)),
            Slot::Column(builder) => {
                builder.append_null();
                Ok(())
            }
            Slot::Record(_) => Err(self.reject(&Value::Null)),
        }
    }

    fn int(mut self, value: i64) -> Result<(), Error> {
        match &mut self.slot {
            Slot::Column(ColumnBuilder::Int64(builder)) => builder.append_value(value),
            Slot::Column(ColumnBuilder::Int32(builder)) => match i32::try_from(value) {
                Ok(value) => builder.append_value(value),
                Err(_) => return Err(self.reject(&Value::from(value))),
            },
            // As `Value::as_f64` reads an integer.
            #[allow(clippy::cast_precision_loss)]
            Slot::Column(ColumnBuilder::Float64(builder)) => builder.append_value(value as f64),
            Slot::Column(ColumnBuilder::Utf8 { builder, json: false }) => builder.append_value(value.to_string()),
            _ => return Err(self.reject(&Value::from(value))),
        }
        Ok(())
    }

    fn uint(mut self, value: u64) -> Result<(), Error> {
        if let Ok(value) = i64::try_from(value) {
            return self.int(value);
        }
        match &mut self.slot {
            #[allow(clippy::cast_precision_loss)]
            Slot::Column(ColumnBuilder::Float64(builder)) => builder.append_value(value as f64),
            Slot::Column(ColumnBuilder::Utf8 { builder, json: false }) => builder.append_value(value.to_string()),
            _ => return Err(self.reject(&Value::from(value))),
        }
        Ok(())
    }

    /// A value of unforeseen make, as serde_json would hold it, filed again (an enum
    /// variant holding data is an object of one entry, as in JSON).
    fn refile(self, value: &Value) -> Result<(), Error> {
        value.serialize(self)
    }
}

/// A one-entry object `{variant: value}`, as serde_json writes a variant holding data.
fn variant_object(variant: &str, value: Value) -> Value {
    let mut object = Map::new();
    object.insert(variant.to_owned(), value);
    Value::Object(object)
}

/// Integers narrower than 64 bits, taken as an `i64` (as a `Value` holds them).
macro_rules! widened {
    ($($method:ident($ty:ty)),*) => {
        $(fn $method(self, value: $ty) -> Result<(), Error> {
            self.int(value.into())
        })*
    };
}

impl<'a> ser::Serializer for Fill<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Seq<'a>;
    type SerializeTuple = Seq<'a>;
    type SerializeTupleStruct = Seq<'a>;
    type SerializeTupleVariant = Seq<'a>;
    type SerializeMap = Object<'a>;
    type SerializeStruct = Object<'a>;
    type SerializeStructVariant = Object<'a>;

    fn serialize_bool(mut self, value: bool) -> Result<(), Error> {
        if let Slot::Column(ColumnBuilder::Bool(builder)) = &mut self.slot {
            builder.append_value(value);
            return Ok(());
        }
        Err(self.reject(&Value::Bool(value)))
    }

    widened!(
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32)
    );

    fn serialize_i64(self, value: i64) -> Result<(), Error> {
        self.int(value)
    }

    fn serialize_i128(self, value: i128) -> Result<(), Error> {
        if let Ok(value) = i64::try_from(value) {
            self.int(value)
        } else if let Ok(value) = u64::try_from(value) {
            self.uint(value)
        } else {
            Err(invalid(format!("field {}: number out of range", self.path)))
        }
    }

    fn serialize_u64(self, value: u64) -> Result<(), Error> {
        self.uint(value)
    }

    fn serialize_u128(self, value: u128) -> Result<(), Error> {
        match u64::try_from(value) {
            Ok(value) => self.uint(value),
            Err(_) => Err(invalid(format!("field {}: number out of range", self.path))),
        }
    }

    /// As serde_json holds an `f32`: widened to an `f64`.
    fn serialize_f32(self, value: f32) -> Result<(), Error> {
        self.serialize_f64(value.into())
    }

    fn serialize_f64(mut self, value: f64) -> Result<(), Error> {
        // serde_json writes NaN and the infinities as `null`.
        if !value.is_finite() {
            return self.null();
        }
        match &mut self.slot {
            Slot::Column(ColumnBuilder::Float64(builder)) => builder.append_value(value),
            // As serde_json writes it: `1.5`, `1e300`.
            Slot::Column(ColumnBuilder::Utf8 { builder, json: false }) => {
                builder.append_value(Value::from(value).to_string());
            }
            _ => return Err(self.reject(&Value::from(value))),
        }
        Ok(())
    }

    fn serialize_char(self, value: char) -> Result<(), Error> {
        self.serialize_str(value.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(mut self, value: &str) -> Result<(), Error> {
        if let Slot::Column(ColumnBuilder::Utf8 { builder, json: false }) = &mut self.slot {
            builder.append_value(value);
            return Ok(());
        }
        Err(self.reject(&Value::from(value)))
    }

    /// As serde_json writes bytes: a list of numbers.
    fn serialize_bytes(self, value: &[u8]) -> Result<(), Error> {
        let mut seq = ser::Serializer::serialize_seq(self, Some(value.len()))?;
        for byte in value {
            ser::SerializeSeq::serialize_element(&mut seq, byte)?;
        }
        ser::SerializeSeq::end(seq)
    }

    fn serialize_none(self) -> Result<(), Error> {
        self.null()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Error> {
        self.null()
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        self.null()
    }

    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<(), Error> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        let object = variant_object(variant, serde_json::to_value(value)?);
        self.refile(&object)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Seq<'a>, Error> {
        let Fill { slot, path, required } = self;
        match slot {
            Slot::Column(ColumnBuilder::List { offsets, valid, item, .. }) => {
                Ok(Seq::List { item, offsets, valid, path, count: 0 })
            }
            slot => Ok(Seq::Other(Capture::new(Fill { slot, path, required }, None, false))),
        }
    }

    fn serialize_tuple(self, len: usize) -> Result<Seq<'a>, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Seq<'a>, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Seq<'a>, Error> {
        Ok(Seq::Other(Capture::new(self, Some(variant), false)))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Object<'a>, Error> {
        let Fill { slot, path, required } = self;
        match slot {
            Slot::Record(batch) => Ok(Object::Fields(Fields::new(batch, None))),
            Slot::Column(ColumnBuilder::Struct { valid, object, .. }) => {
                Ok(Object::Fields(Fields::new(object, Some(valid))))
            }
            slot => Ok(Object::Other(Capture::new(Fill { slot, path, required }, None, true))),
        }
    }

    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Object<'a>, Error> {
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Object<'a>, Error> {
        Ok(Object::Other(Capture::new(self, Some(variant), true)))
    }
}

/// A list's items, or a value of another shape being captured.
enum Seq<'a> {
    List {
        item: &'a mut ColumnBuilder,
        offsets: &'a mut Vec<i32>,
        valid: &'a mut Vec<bool>,
        path: &'a str,
        count: usize,
    },
    Other(Capture<'a>),
}

impl Seq<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        match self {
            Self::List { item, path, count, .. } => {
                *count += 1;
                column(item, path, false, value)
            }
            Self::Other(capture) => capture.element(value),
        }
    }

    fn finish(self) -> Result<(), Error> {
        match self {
            Self::List { offsets, valid, path, count, .. } => {
                let last = offsets.last().copied().unwrap_or(0);
                let end = i32::try_from(count).ok().and_then(|count| last.checked_add(count));
                let end = end.ok_or_else(|| invalid(format!("field {path}: too many list items")))?;
                valid.push(true);
                offsets.push(end);
                Ok(())
            }
            Self::Other(capture) => capture.finish(),
        }
    }
}

/// serde's traits of a list, a tuple and a tuple variant: each item filed, then the end.
macro_rules! items {
    ($($trait:ident::$method:ident),*) => {
        $(impl ser::$trait for Seq<'_> {
            type Ok = ();
            type Error = Error;

            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                self.element(value)
            }

            fn end(self) -> Result<(), Error> {
                self.finish()
            }
        })*
    };
}

items!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// An object's fields being filed into its batch, or a value of another shape being
/// captured.
enum Object<'a> {
    Fields(Fields<'a>),
    Other(Capture<'a>),
}

/// The fields of one object (a record, or a nested object in a struct column), filed
/// into the batch's columns as they come; those the batch has no column for are kept
/// for its extra column.
struct Fields<'a> {
    batch: &'a mut Batch,
    /// The struct column's validity, for a nested object.
    valid: Option<&'a mut Vec<bool>>,
    /// The column of the field whose name was just read; `None` for an unknown name.
    column: Option<usize>,
}

impl<'a> Fields<'a> {
    fn new(batch: &'a mut Batch, valid: Option<&'a mut Vec<bool>>) -> Self {
        batch.seen.iter_mut().for_each(|seen| *seen = false);
        batch.unknown.clear();
        batch.next = 0;
        Self { batch, valid, column: None }
    }

    fn key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        let batch = &mut *self.batch;
        batch.key.clear();
        if key.serialize(KeyText(&mut batch.key)).is_err() {
            key_name(key, &mut batch.key_json, &mut batch.key)?;
        }
        let key = batch.key.as_str();
        // Fields come in column order: the column after the last one is tried first.
        self.column = match batch.columns.get(batch.next) {
            Some(column) if column.wire == key => Some(batch.next),
            _ => batch.index.get(key).copied(),
        };
        if let Some(column) = self.column {
            batch.next = column + 1;
        }
        Ok(())
    }

    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let batch = &mut *self.batch;
        let Some(index) = self.column.take() else {
            // As in a JSON object, a name given twice keeps its last value.
            batch.unknown.insert(batch.key.clone(), serde_json::to_value(value)?);
            return Ok(());
        };
        let (Some(seen), Some(builder), Some(path), Some(spec)) = (
            batch.seen.get_mut(index),
            batch.builders.get_mut(index),
            batch.paths.get(index),
            batch.columns.get(index),
        ) else {
            return Err(invalid(format!("field {}: no column for it", batch.key)));
        };
        // A builder takes one value per row: a second would shift the column.
        if std::mem::replace(seen, true) {
            return Err(invalid(format!("field {path}: given twice in one object")));
        }
        column(builder, path, spec.required, value)
    }

    fn finish(self) -> Result<(), Error> {
        let batch = self.batch;
        for (((column, builder), path), seen) in
            batch.columns.iter().zip(&mut batch.builders).zip(&batch.paths).zip(&batch.seen)
        {
            if !seen {
                if column.required {
                    return Err(absent(path));
                }
                builder.append_null();
            }
        }
        if batch.unknown.is_empty() {
            batch.extra.append_null();
        } else {
            batch.extra.append_value(Value::Object(std::mem::take(&mut batch.unknown)).to_string());
        }
        batch.rows += 1;
        if let Some(valid) = self.valid {
            valid.push(true);
        }
        Ok(())
    }
}

impl Object<'_> {
    fn key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        match self {
            Self::Fields(fields) => fields.key(key),
            Self::Other(capture) => capture.key(key),
        }
    }

    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        match self {
            Self::Fields(fields) => fields.value(value),
            Self::Other(capture) => capture.element(value),
        }
    }

    fn finish(self) -> Result<(), Error> {
        match self {
            Self::Fields(fields) => fields.finish(),
            Self::Other(capture) => capture.finish(),
        }
    }
}

impl ser::SerializeMap for Object<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key(key)
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.value(value)
    }

    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

/// serde's traits of a struct and a struct variant: each field as a map's entry.
macro_rules! fields {
    ($($trait:ident),*) => {
        $(impl ser::$trait for Object<'_> {
            type Ok = ();
            type Error = Error;

            fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
                self.key(key)?;
                self.value(value)
            }

            fn end(self) -> Result<(), Error> {
                self.finish()
            }
        })*
    };
}

fields!(SerializeStruct, SerializeStructVariant);

/// A list or an object where the slot takes neither (or an enum variant holding data),
/// held as serde_json would hold it: shown in the error, or (a variant, which is a
/// one-entry object) filed again.
struct Capture<'a> {
    fill: Fill<'a>,
    variant: Option<&'static str>,
    /// An object (else a list).
    object: bool,
    items: Vec<Value>,
    entries: Map<String, Value>,
    key: Option<String>,
}

impl<'a> Capture<'a> {
    fn new(fill: Fill<'a>, variant: Option<&'static str>, object: bool) -> Self {
        Self { fill, variant, object, items: Vec::new(), entries: Map::new(), key: None }
    }

    fn key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        let mut name = String::new();
        key_name(key, &mut Vec::new(), &mut name)?;
        self.key = Some(name);
        Ok(())
    }

    /// A list item, or the value of the key just read.
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let value = serde_json::to_value(value)?;
        match self.key.take() {
            Some(key) => {
                self.entries.insert(key, value);
            }
            None => self.items.push(value),
        }
        Ok(())
    }

    fn finish(self) -> Result<(), Error> {
        let Self { fill, variant, object, items, entries, .. } = self;
        let value = if object { Value::Object(entries) } else { Value::Array(items) };
        match variant {
            Some(variant) => fill.refile(&variant_object(variant, value)),
            None => Err(fill.reject(&value)),
        }
    }
}

/// Reads a map key as serde_json takes one: a string, or a number or a boolean as its
/// text. Written by serde_json into `json` (kept from key to key: no allocation per
/// field), then unquoted into `name`.
fn key_name<T: Serialize + ?Sized>(key: &T, json: &mut Vec<u8>, name: &mut String) -> Result<(), Error> {
    json.clear();
    name.clear();
    key.serialize(&mut serde_json::Serializer::new(&mut *json))?;
    let text = std::str::from_utf8(json).map_err(|_| key_error())?;
    match text.as_bytes().first() {
        Some(b'"') if !text.contains('\\') => {
            name.push_str(text.get(1..text.len().saturating_sub(1)).ok_or_else(key_error)?);
        }
        Some(b'"') => name.push_str(&serde_json::from_str::<String>(text)?),
        Some(b'-' | b'0'..=b'9' | b't' | b'f') => name.push_str(text),
        _ => return Err(key_error()),
    }
    Ok(())
}

fn key_error() -> Error {
    invalid("an object's key must be a string".to_owned())
}

/// A map key that is text (every key a record has), taken as it is: the fast way of
/// [`key_name`], which reads any other key.
struct KeyText<'a>(&'a mut String);

/// Not text: the key goes to [`key_name`] (the message is never shown).
fn not_text() -> Error {
    invalid(String::new())
}

/// Methods of a key that is not text.
macro_rules! not_text {
    ($($method:ident($($arg:ty),*)),* $(,)?) => {
        $(fn $method(self, $(_: $arg),*) -> Result<(), Error> {
            Err(not_text())
        })*
    };
    ($($method:ident($($arg:ty),*) -> $out:ident),* $(,)?) => {
        $(fn $method(self, $(_: $arg),*) -> Result<Self::$out, Error> {
            Err(not_text())
        })*
    };
}

impl ser::Serializer for KeyText<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_str(self, value: &str) -> Result<(), Error> {
        self.0.push_str(value);
        Ok(())
    }

    not_text!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_bytes(&[u8]),
        serialize_none(),
        serialize_unit(),
        serialize_unit_struct(&'static str),
        serialize_unit_variant(&'static str, u32, &'static str),
    );

    not_text!(
        serialize_seq(Option<usize>) -> SerializeSeq,
        serialize_tuple(usize) -> SerializeTuple,
        serialize_tuple_struct(&'static str, usize) -> SerializeTupleStruct,
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> SerializeTupleVariant,
        serialize_map(Option<usize>) -> SerializeMap,
        serialize_struct(&'static str, usize) -> SerializeStruct,
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> SerializeStructVariant,
    );

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), Error> {
        Err(not_text())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, _: &T) -> Result<(), Error> {
        Err(not_text())
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        Err(not_text())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use arrow_array::{Array, RecordBatch};
    use nxlink_models::runtime::{Column, ValueType};
    use nxlink_models::{CallRecord, CallStatus};
    use serde::Serialize;
    use serde_json::{json, Map, Value};

    use super::super::oracle;
    use super::*;

    /// Every kind of column the writer knows, required ones at the top and in a nested
    /// object, so that the equivalence holds for kinds the call record lacks today.
    const NESTED: &[Column] = &[
        Column { wire: "key", field: "key", ty: ValueType::String, required: true, personal: false },
        Column { wire: "n", field: "n", ty: ValueType::Int32, required: false, personal: false },
        Column {
            wire: "tags",
            field: "tags",
            ty: ValueType::List(&ValueType::String),
            required: false,
            personal: false,
        },
    ];
    const EVERY_KIND: &[Column] = &[
        Column { wire: "id", field: "id", ty: ValueType::Int64, required: true, personal: false },
        Column { wire: "small", field: "small", ty: ValueType::Int32, required: false, personal: false },
        Column { wire: "ratio", field: "ratio", ty: ValueType::Float64, required: false, personal: false },
        Column { wire: "flag", field: "flag", ty: ValueType::Bool, required: false, personal: false },
        Column { wire: "name", field: "name", ty: ValueType::String, required: false, personal: true },
        Column {
            wire: "status",
            field: "status",
            ty: ValueType::Code(&CallStatus::TABLE),
            required: false,
            personal: false,
        },
        Column { wire: "open", field: "open", ty: ValueType::Json, required: false, personal: false },
        Column {
            wire: "counts",
            field: "counts",
            ty: ValueType::List(&ValueType::Int64),
            required: false,
            personal: false,
        },
        Column { wire: "one", field: "one", ty: ValueType::Object(NESTED), required: false, personal: false },
        Column {
            wire: "many",
            field: "many",
            ty: ValueType::List(&ValueType::Object(NESTED)),
            required: false,
            personal: false,
        },
        Column { wire: "must", field: "must", ty: ValueType::String, required: true, personal: false },
    ];

    /// A small deterministic generator (xorshift64*): no crate for it, and a failure
    /// names its seed.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        fn pick<T: Clone>(&mut self, items: &[T]) -> T {
            items[self.below(items.len())].clone()
        }
    }

    const TEXTS: &[&str] =
        &["", "plain", "ünïcødé 日本語 🎉", "quote \" back\\slash\nline\ttab", "a,b", "\u{0}\u{1f}", "   "];
    const UNKNOWN_NAMES: &[&str] = &["later", "aNew", "zNew", "ñew", "id2", ""];

    fn any_json(rng: &mut Rng, depth: usize) -> Value {
        match rng.below(if depth > 2 { 6 } else { 8 }) {
            0 => Value::Null,
            1 => Value::Bool(rng.below(2) == 0),
            2 => json!(rng.next() as i64),
            3 => json!(rng.pick(&[1.5, -0.0, 1e300, 0.1])),
            4 => json!(rng.pick(TEXTS)),
            5 => json!(u64::MAX),
            6 => Value::Array((0..rng.below(4)).map(|_| any_json(rng, depth + 1)).collect()),
            _ => {
                let names = ["b", "a", "Z", "é", ""];
                Value::Object(
                    (0..rng.below(4)).map(|_| (rng.pick(&names).to_owned(), any_json(rng, depth + 1))).collect(),
                )
            }
        }
    }

    /// A value of type `ty`, as the record's JSON would hold it.
    fn fitting(rng: &mut Rng, ty: &ValueType) -> Value {
        match ty {
            ValueType::Int32 => {
                let any = rng.next() as i32;
                json!(rng.pick(&[0, -1, i32::MAX, i32::MIN, any]))
            }
            ValueType::Int64 => {
                let any = rng.next() as i64;
                json!(rng.pick(&[0, i64::MAX, i64::MIN, any]))
            }
            ValueType::Float64 => rng.pick(&[json!(1.5), json!(-0.0), json!(1e300), json!(7), json!(u64::MAX)]),
            ValueType::Bool => json!(rng.below(2) == 0),
            ValueType::String => json!(rng.pick(TEXTS)),
            ValueType::Code(table) => {
                let known: Vec<i64> = table.values.iter().map(|v| v.0).collect();
                json!(if rng.below(3) == 0 { 9_999 } else { rng.pick(&known) })
            }
            ValueType::List(item) => Value::Array(
                (0..rng.below(4)).map(|_| if rng.below(6) == 0 { Value::Null } else { fitting(rng, item) }).collect(),
            ),
            ValueType::Object(columns) => Value::Object(object(rng, columns)),
            _ => any_json(rng, 0),
        }
    }

    /// An object of `columns`: each field absent, null or fitting (a required one
    /// always fitting), and now and then fields no column has.
    fn object(rng: &mut Rng, columns: &[Column]) -> Map<String, Value> {
        let mut object = Map::new();
        for column in columns {
            match rng.below(8) {
                0 if !column.required => {}
                1 if !column.required => {
                    object.insert(column.wire.to_owned(), Value::Null);
                }
                _ => {
                    object.insert(column.wire.to_owned(), fitting(rng, &column.ty));
                }
            }
        }
        for _ in 0..rng.below(3).saturating_sub(1) {
            object.insert(rng.pick(UNKNOWN_NAMES).to_owned(), any_json(rng, 1));
        }
        object
    }

    /// A value that does not fit `ty` (none for open JSON, which takes any).
    fn misfit(rng: &mut Rng, ty: &ValueType) -> Option<Value> {
        let choices = match ty {
            ValueType::Int32 => vec![json!(1_i64 << 40), json!(1.5), json!("7"), json!(true), json!([]), json!({})],
            ValueType::Int64 | ValueType::Code(_) => {
                vec![json!(1.5), json!("7"), json!(u64::MAX), json!(false), json!([1])]
            }
            ValueType::Float64 => vec![json!("1.5"), json!(true), json!([]), json!({"a": 1})],
            ValueType::Bool => vec![json!(1), json!("true"), json!([true])],
            // A number is not one: a string field sent as a number is its digits.
            ValueType::String => vec![json!(true), json!(["x"]), json!({"x": "y"})],
            ValueType::List(_) => vec![json!(1), json!("x"), json!({"0": 1}), json!(true)],
            ValueType::Object(_) => vec![json!(1), json!([{}]), json!("x")],
            _ => return None,
        };
        Some(rng.pick(&choices))
    }

    /// Puts one misfit somewhere in `object` (maybe inside a nested object or a list's
    /// object), or takes a required field away; false when it found nowhere to.
    fn spoil(rng: &mut Rng, columns: &[Column], object: &mut Map<String, Value>) -> bool {
        let column = rng.pick(columns);
        if column.required && rng.below(4) == 0 {
            if rng.below(2) == 0 {
                object.remove(column.wire);
            } else {
                object.insert(column.wire.to_owned(), Value::Null);
            }
            return true;
        }
        let inner = match (&column.ty, object.get_mut(column.wire)) {
            (ValueType::Object(inner), Some(Value::Object(nested))) if rng.below(2) == 0 => Some((*inner, nested)),
            (ValueType::List(ValueType::Object(inner)), Some(Value::Array(items))) if !items.is_empty() => {
                match items.last_mut() {
                    Some(Value::Object(nested)) if rng.below(2) == 0 => Some((*inner, nested)),
                    _ => None,
                }
            }
            _ => None,
        };
        if let Some((inner, nested)) = inner {
            return spoil(rng, inner, nested);
        }
        if let (ValueType::List(item), Some(Value::Array(items))) = (&column.ty, object.get_mut(column.wire)) {
            if let (Some(last), Some(bad)) = (items.last_mut(), misfit(rng, item)) {
                *last = bad;
                return true;
            }
        }
        match misfit(rng, &column.ty) {
            Some(bad) => {
                object.insert(column.wire.to_owned(), bad);
                true
            }
            None => false,
        }
    }

    /// The records filed into one batch by `push`: the batch, or the first error's text.
    fn filed<T: Serialize>(
        columns: &'static [Column],
        records: &[T],
        push: impl Fn(&mut Batch, &T) -> io::Result<()>,
    ) -> Result<RecordBatch, String> {
        let mut batch = Batch::new(columns);
        for record in records {
            push(&mut batch, record).map_err(|err| err.to_string())?;
        }
        batch.take().map_err(|err| err.to_string())
    }

    /// The same batch, or errors saying the same (the serializer's may say where).
    fn assert_same<T: Serialize + fmt::Debug>(columns: &'static [Column], records: &[T], what: &str) -> bool {
        let new = filed(columns, records, |batch, record| batch.push(record));
        let old = filed(columns, records, |batch, record| oracle::push(batch, record));
        match (&new, &old) {
            (Ok(new), Ok(old)) => assert_eq!(new, old, "{what}: {records:?}"),
            (Err(new), Err(old)) => assert!(new.contains(old.as_str()), "{what}: {new} / {old}: {records:?}"),
            _ => panic!("{what}: {new:?} / {old:?}: {records:?}"),
        }
        new.is_ok()
    }

    #[test]
    fn call_records_are_filed_as_their_json_was() {
        let mut rng = Rng(0x5eed_0001);
        let mut records = Vec::new();
        let mut failing = 0;
        for i in 0..1_500 {
            let mut json = object(&mut rng, CallRecord::COLUMNS);
            // A string field sent as a number is written back as one: filed as its digits.
            if i % 50 == 0 {
                if let Some(column) = CallRecord::COLUMNS.iter().find(|c| c.ty == ValueType::String) {
                    json.insert(column.wire.to_owned(), json!(12_345));
                }
            }
            let Ok(record) = serde_json::from_value::<CallRecord>(Value::Object(json)) else { continue };
            if assert_same(CallRecord::COLUMNS, std::slice::from_ref(&record), "one record") {
                records.push(record);
            } else {
                failing += 1;
            }
        }
        assert!(records.len() > 1_000, "{} records decoded and filed", records.len());
        // Whatever a record holds, it files: its types are the spec's.
        assert_eq!(failing, 0, "records refused");
        let digits = CallRecord::COLUMNS.iter().find(|c| c.ty == ValueType::String).map(|column| {
            let batch = filed(CallRecord::COLUMNS, &records, |batch, record| batch.push(record)).unwrap();
            let texts =
                arrow_array::cast::AsArray::as_string::<i32>(batch.column_by_name(column.wire).unwrap()).clone();
            texts.iter().filter(|text| *text == Some("12345")).count()
        });
        assert!(digits.is_none_or(|n| n > 0), "a string field sent as a number is filed as its digits");
        assert!(records.iter().any(|r| !r.extra.is_empty()), "no unknown field");
        // All in one batch: what one row leaves in a builder (a list's offsets) must
        // not move the next row's values.
        assert!(assert_same(CallRecord::COLUMNS, &records, "all records"));
        let default = CallRecord::default();
        assert!(assert_same(CallRecord::COLUMNS, &[default.clone(), default], "empty records"));
    }

    #[test]
    fn every_kind_of_column_takes_what_it_took_and_refuses_what_it_refused() {
        let mut rng = Rng(0x5eed_0002);
        let mut fine = Vec::new();
        let mut refused = 0;
        for _ in 0..3_000 {
            let mut record = object(&mut rng, EVERY_KIND);
            if rng.below(2) == 0 {
                // Filed by itself: a refused record leaves its batch half filled.
                if spoil(&mut rng, EVERY_KIND, &mut record) {
                    let record = Value::Object(record);
                    if !assert_same(EVERY_KIND, std::slice::from_ref(&record), "spoilt") {
                        refused += 1;
                    }
                }
            } else {
                fine.push(Value::Object(record));
            }
        }
        assert!(refused > 1_000, "only {refused} spoilt records refused");
        // A `Value`'s fields come in name order, not column order.
        assert!(assert_same(EVERY_KIND, &fine, "fitting"));
    }

    /// Shapes a generated record never has, each in every column: filed or refused as
    /// through serde_json.
    macro_rules! odd {
        ($($shape:ident),*) => {
            #[derive(Debug, Clone, Copy)]
            enum Odd {
                $($shape),*
            }

            const ODD: &[Odd] = &[$(Odd::$shape),*];
        };
    }

    odd!(
        Nan,
        Infinite,
        Float32,
        HugeUnsigned,
        HugeSigned,
        SmallWide,
        Char,
        Tuple,
        Bytes,
        UnitVariant,
        NewtypeVariant,
        TupleVariant,
        StructVariant,
        Unit,
        Newtype,
        IntKeys,
        Struct
    );

    #[derive(Serialize)]
    enum Shape {
        Plain,
        Wrapped(i64),
        Pair(i64, String),
        Named { key: String, n: i32 },
    }

    #[derive(Serialize)]
    struct Wrapper(i64);

    #[derive(Serialize)]
    struct Nested {
        key: &'static str,
        #[serde(rename = "tags")]
        labels: Vec<&'static str>,
        later: Option<bool>,
    }

    struct Raw<'a>(&'a [u8]);

    impl Serialize for Raw<'_> {
        fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_bytes(self.0)
        }
    }

    impl Serialize for Odd {
        fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            match self {
                Self::Nan => s.serialize_f64(f64::NAN),
                Self::Infinite => s.serialize_f64(f64::NEG_INFINITY),
                Self::Float32 => s.serialize_f32(1.25),
                Self::HugeUnsigned => s.serialize_u128(u128::MAX),
                Self::HugeSigned => s.serialize_i128(i128::MIN),
                Self::SmallWide => s.serialize_u128(5),
                Self::Char => s.serialize_char('é'),
                Self::Tuple => (1, "x", None::<i64>).serialize(s),
                Self::Bytes => Raw(b"ab").serialize(s),
                Self::UnitVariant => Shape::Plain.serialize(s),
                Self::NewtypeVariant => Shape::Wrapped(3).serialize(s),
                Self::TupleVariant => Shape::Pair(1, "y".into()).serialize(s),
                Self::StructVariant => Shape::Named { key: "k".into(), n: 2 }.serialize(s),
                Self::Unit => ().serialize(s),
                Self::Newtype => Wrapper(9).serialize(s),
                Self::IntKeys => std::collections::BTreeMap::from([(2, "b"), (1, "a")]).serialize(s),
                Self::Struct => Nested { key: "k", labels: vec!["a", "b"], later: Some(true) }.serialize(s),
            }
        }
    }

    /// `EVERY_KIND`'s required fields, then `value` as field `wire`.
    #[derive(Debug)]
    struct Probe {
        wire: &'static str,
        value: Odd,
    }

    impl Serialize for Probe {
        fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use ser::SerializeMap;
            let mut map = s.serialize_map(None)?;
            for column in EVERY_KIND.iter().filter(|c| c.required && c.wire != self.wire) {
                match column.ty {
                    ValueType::String => map.serialize_entry(column.wire, "r")?,
                    _ => map.serialize_entry(column.wire, &1)?,
                }
            }
            map.serialize_entry(self.wire, &self.value)?;
            map.end()
        }
    }

    #[test]
    fn shapes_no_record_has_go_where_serde_json_would_put_them() {
        let mut filed = 0;
        for column in EVERY_KIND {
            for &value in ODD {
                filed += usize::from(assert_same(EVERY_KIND, &[Probe { wire: column.wire, value }], "odd"));
            }
            // A field no column has, in a record and in a nested object.
            for &value in ODD {
                assert_same(EVERY_KIND, &[Probe { wire: "unknown", value }], "odd unknown");
            }
        }
        assert!(filed > 20, "{filed}");
        // Records that are no object.
        for value in ODD {
            assert_same(EVERY_KIND, &[value], "odd record");
        }
    }

    fn error(columns: &'static [Column], record: &Value) -> String {
        let mut batch = Batch::new(columns);
        batch.push(record).expect_err(&record.to_string()).to_string()
    }

    #[test]
    fn near_misses_are_errors_naming_the_field_and_what_it_expected() {
        let base = json!({"id": 1, "must": "m"});
        let with = |field: &str, value: Value| {
            let mut record = base.clone();
            record[field] = value;
            record
        };
        let cases = [
            (with("small", json!(i64::from(i32::MAX) + 1)), "field small: expected a 32-bit integer, got 2147483648"),
            (with("id", json!(1.5)), "field id: expected a 64-bit integer, got 1.5"),
            (with("id", json!(u64::MAX)), "field id: expected a 64-bit integer, got 18446744073709551615"),
            (with("status", json!("2")), "field status: expected a 64-bit integer, got \"2\""),
            (with("ratio", json!("1.5")), "field ratio: expected a number, got \"1.5\""),
            (with("flag", json!(0)), "field flag: expected true or false, got 0"),
            (with("name", json!(false)), "field name: expected a string, got false"),
            (with("counts", json!({"a": 1})), "field counts: expected a list, got {\"a\":1}"),
            (with("counts", json!([1, "2"])), "field counts: expected a 64-bit integer, got \"2\""),
            (with("one", json!([1])), "field one: expected an object, got [1]"),
            (with("one", json!({"key": "k", "n": true})), "field one.n: expected a 32-bit integer, got true"),
            (with("one", json!({"n": 1})), "field one.key: required by the spec, absent from the record"),
            (with("many", json!([{"key": "k"}, {"key": [7]}])), "field many.key: expected a string, got [7]"),
            (with("many", json!([{"key": "k", "tags": [null, true]}])), "field many.tags: expected a string, got true"),
            (with("must", Value::Null), "field must: required by the spec, absent from the record"),
            (json!({"id": 1}), "field must: required by the spec, absent from the record"),
            (with("small", json!("x".repeat(100))), "field small: expected a 32-bit integer, got \"xxxx"),
            (json!([1]), "field (record): expected an object, got [1]"),
            (json!(null), "field (record): expected an object, got null"),
        ];
        for (record, expected) in cases {
            let err = error(EVERY_KIND, &record);
            // A wrong type is refused with the value shown, shortened to 40 bytes.
            assert!(err.contains(expected), "{record}: {err}");
            assert!(err.len() < 120, "{err}");
        }
        let err = error(EVERY_KIND, &with("small", json!("x".repeat(100))));
        assert!(err.ends_with('…'), "{err}");
    }

    /// Two values for one column would shift it against the others: refused, where a
    /// `Value` kept the last one.
    #[test]
    fn a_field_given_twice_is_refused_and_an_unknown_one_keeps_its_last_value() {
        struct Twice(&'static str);
        impl Serialize for Twice {
            fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use ser::SerializeMap;
                let mut map = s.serialize_map(None)?;
                map.serialize_entry("id", &1)?;
                map.serialize_entry("must", "m")?;
                map.serialize_entry(self.0, &2)?;
                map.serialize_entry(self.0, &3)?;
                map.end()
            }
        }
        let mut batch = Batch::new(EVERY_KIND);
        let err = batch.push(&Twice("small")).unwrap_err();
        assert!(err.to_string().contains("field small: given twice"), "{err}");
        let mut batch = Batch::new(EVERY_KIND);
        batch.push(&Twice("later")).unwrap();
        let extra = batch.take().unwrap();
        let extra = extra.column_by_name(crate::encode::EXTRA_COLUMN).unwrap();
        let extra = extra.as_any().downcast_ref::<arrow_array::StringArray>().unwrap();
        assert_eq!(extra.value(0), r#"{"later":3}"#);
    }
}
