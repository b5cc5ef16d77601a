//! Records as Apache Parquet: an Arrow schema learnt from a record type's generated
//! `COLUMNS` (the spec's types, so a field the vendor adds is a column on the next
//! `codegen`), records buffered into Arrow arrays and written a row group at a time.
//!
//! The types: `int32`, `int64`, `float64`, `bool` and `string` as themselves; a code of
//! a documented enum as its integer (`Int64`), with the table's name in the field's
//! metadata (`nxlink.codeTable`); a list of objects (`attributes`) as a list of structs;
//! a value whose shape the spec leaves open as its compact JSON text. Every column is
//! nullable but those the spec marks required. The fields the spec does not know go
//! into one last column, [`EXTRA_COLUMN`], as a JSON object (null when there are none),
//! as in CSV: a schema is fixed before the first record, so a column per unknown name
//! could not hold the next new name.
//!
//! Memory stays bounded: at most [`ROW_GROUP_ROWS`] records are held (as arrays), then
//! written out as one row group.
//!
//! A record goes into the arrays through its own `Serialize`, each value straight into
//! its column's builder ([`fill`]): no `serde_json::Value` of the record.
//!
//! Two ways out: [`ParquetRows`], the [`Encoder`](crate::encode::Encoder) of
//! `--format parquet`, which hands the file's bytes to the same safe output as every
//! other format; and [`PartitionedOutput`], the Hive-style directory of
//! `--partition-by day`.

mod fill;
#[cfg(test)]
mod oracle;
pub(crate) mod read;

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, Float64Builder, Int32Builder, Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, ListArray, RecordBatch, StructArray};
use arrow_buffer::{NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef};
use nxlink_models::runtime::{Column, ValueType};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use serde_json::{Map, Value};

use crate::encode::EXTRA_COLUMN;
use crate::error::CliError;
use crate::signals::{CreateError, TempFileGuard};

/// Records per row group: large enough for readers to scan well (about 20 MB of call
/// records before compression), small enough that the arrays held before a flush and
/// the writer's encoding of them keep peak RSS about 70 MB whatever the export's size
/// (65,536 took a 1,000,000-record export to 156 MB: BENCHMARKS.md, "Export: Parquet").
pub(crate) const ROW_GROUP_ROWS: usize = 16_384;

/// The field metadata key naming a code column's enum, e.g. `CallStatus`.
pub(crate) const CODE_TABLE_KEY: &str = "nxlink.codeTable";

/// The partition of records without a timestamp, as Hive and Spark name it.
pub(crate) const DEFAULT_PARTITION: &str = "__HIVE_DEFAULT_PARTITION__";

/// Partition files open at once before the least recently written is closed (a later
/// record of its day starts the day's next `part-NNNN` file): bounds file handles and
/// memory for an export spanning years.
const MAX_OPEN_PARTITIONS: usize = 32;

/// The Arrow schema of records whose known fields are `columns`, then [`EXTRA_COLUMN`].
pub(crate) fn schema(columns: &'static [Column]) -> SchemaRef {
    Arc::new(Schema::new(object_fields(columns)))
}

/// An object's fields: its known ones, then [`EXTRA_COLUMN`] for those the spec does not
/// know (in a nested object too, so that nothing the API sent is lost).
fn object_fields(columns: &'static [Column]) -> Fields {
    let mut fields: Vec<Field> = columns.iter().map(field).collect();
    fields.push(Field::new(EXTRA_COLUMN, DataType::Utf8, true));
    fields.into()
}

fn field(column: &Column) -> Field {
    let field = Field::new(column.wire, data_type(&column.ty), !column.required);
    match column.ty {
        ValueType::Code(table) => {
            field.with_metadata(HashMap::from([(CODE_TABLE_KEY.to_owned(), table.name.to_owned())]))
        }
        _ => field,
    }
}

fn data_type(ty: &ValueType) -> DataType {
    match ty {
        ValueType::Int32 => DataType::Int32,
        ValueType::Int64 | ValueType::Code(_) => DataType::Int64,
        ValueType::Float64 => DataType::Float64,
        ValueType::Bool => DataType::Boolean,
        ValueType::List(item) => DataType::List(Arc::new(Field::new("item", data_type(item), true))),
        ValueType::Object(columns) => DataType::Struct(object_fields(columns)),
        // Json, String, and any kind a newer spec runtime adds: text keeps every value.
        _ => DataType::Utf8,
    }
}

/// The arrays of one column being filled, a value per record.
enum ColumnBuilder {
    Int32(Int32Builder),
    Int64(Int64Builder),
    Float64(Float64Builder),
    Bool(BooleanBuilder),
    /// Text; `json` for a value written as its JSON text (a `Json` field).
    Utf8 {
        builder: StringBuilder,
        json: bool,
    },
    List {
        field: Arc<Field>,
        offsets: Vec<i32>,
        valid: Vec<bool>,
        item: Box<ColumnBuilder>,
    },
    Struct {
        fields: Fields,
        valid: Vec<bool>,
        object: Box<Batch>,
    },
}

/// Why a value does not fit its column: the record's field and what was expected.
fn mismatch(path: &str, expected: &str, value: &Value) -> io::Error {
    let mut shown = value.to_string();
    if shown.len() > 40 {
        let mut end = 40;
        while !shown.is_char_boundary(end) {
            end -= 1;
        }
        shown.truncate(end);
        shown.push('…');
    }
    io::Error::new(io::ErrorKind::InvalidData, format!("field {path}: expected {expected}, got {shown}"))
}

impl ColumnBuilder {
    /// A builder for values of `ty`; `path` names the field (for a nested object's
    /// fields in errors).
    fn new(ty: &ValueType, path: &str) -> Self {
        match ty {
            ValueType::Int32 => Self::Int32(Int32Builder::new()),
            ValueType::Int64 | ValueType::Code(_) => Self::Int64(Int64Builder::new()),
            ValueType::Float64 => Self::Float64(Float64Builder::new()),
            ValueType::Bool => Self::Bool(BooleanBuilder::new()),
            ValueType::List(item) => Self::List {
                field: Arc::new(Field::new("item", data_type(item), true)),
                offsets: vec![0],
                valid: Vec::new(),
                item: Box::new(Self::new(item, path)),
            },
            ValueType::Object(columns) => Self::Struct {
                fields: object_fields(columns),
                valid: Vec::new(),
                object: Box::new(Batch::at(columns, path)),
            },
            ValueType::String => Self::Utf8 { builder: StringBuilder::new(), json: false },
            _ => Self::Utf8 { builder: StringBuilder::new(), json: true },
        }
    }

    /// Appends a null: never fails, whatever the type.
    fn append_null(&mut self) {
        match self {
            Self::Int32(builder) => builder.append_null(),
            Self::Int64(builder) => builder.append_null(),
            Self::Float64(builder) => builder.append_null(),
            Self::Bool(builder) => builder.append_null(),
            Self::Utf8 { builder, .. } => builder.append_null(),
            Self::List { offsets, valid, .. } => {
                valid.push(false);
                offsets.push(offsets.last().copied().unwrap_or(0));
            }
            Self::Struct { valid, object, .. } => {
                valid.push(false);
                object.push_null();
            }
        }
    }

    /// What a value must be to go into this column, for errors.
    fn expected(&self) -> &'static str {
        match self {
            Self::Int32(_) => "a 32-bit integer",
            Self::Int64(_) => "a 64-bit integer",
            Self::Float64(_) => "a number",
            Self::Bool(_) => "true or false",
            Self::Utf8 { .. } => "a string",
            Self::List { .. } => "a list",
            Self::Struct { .. } => "an object",
        }
    }

    /// The values appended since the last call, as one array; the builder starts over.
    fn finish(&mut self) -> io::Result<ArrayRef> {
        Ok(match self {
            Self::Int32(builder) => Arc::new(builder.finish()),
            Self::Int64(builder) => Arc::new(builder.finish()),
            Self::Float64(builder) => Arc::new(builder.finish()),
            Self::Bool(builder) => Arc::new(builder.finish()),
            Self::Utf8 { builder, .. } => Arc::new(builder.finish()),
            Self::List { field, offsets, valid, item } => {
                let offsets = OffsetBuffer::new(ScalarBuffer::from(std::mem::replace(offsets, vec![0])));
                let nulls = NullBuffer::from(std::mem::take(valid));
                Arc::new(ListArray::try_new(field.clone(), offsets, item.finish()?, Some(nulls)).map_err(arrow_error)?)
            }
            Self::Struct { fields, valid, object } => {
                let len = valid.len();
                let nulls = NullBuffer::from(std::mem::take(valid));
                let arrays = object.arrays()?;
                Arc::new(
                    StructArray::try_new_with_length(fields.clone(), arrays, Some(nulls), len).map_err(arrow_error)?,
                )
            }
        })
    }
}

fn arrow_error(err: arrow_schema::ArrowError) -> io::Error {
    io::Error::other(format!("cannot build the Parquet columns: {err}"))
}

fn parquet_error(err: parquet::errors::ParquetError) -> io::Error {
    match err {
        parquet::errors::ParquetError::External(err) => io::Error::other(err),
        err => io::Error::other(format!("cannot write Parquet: {err}")),
    }
}

/// Records held as Arrow arrays until a row group is written.
pub(crate) struct Batch {
    schema: SchemaRef,
    columns: &'static [Column],
    builders: Vec<ColumnBuilder>,
    extra: StringBuilder,
    /// Which column each known wire name is.
    index: HashMap<&'static str, usize>,
    /// Each column's field path, for errors (`attributes.name` in a nested object).
    paths: Vec<String>,
    rows: usize,
    /// Scratch of the object being filed ([`fill`]), kept from row to row: which
    /// columns have their value, the column the next field is looked for at first, the
    /// name of the field being read (and its JSON), and the fields no column holds.
    seen: Vec<bool>,
    next: usize,
    key: String,
    key_json: Vec<u8>,
    unknown: Map<String, Value>,
}

impl Batch {
    pub(crate) fn new(columns: &'static [Column]) -> Self {
        Self::at(columns, "")
    }

    /// The batch of objects found at `path` (empty for records).
    fn at(columns: &'static [Column], path: &str) -> Self {
        let paths: Vec<String> = columns
            .iter()
            .map(|c| if path.is_empty() { c.wire.to_owned() } else { format!("{path}.{}", c.wire) })
            .collect();
        Self {
            schema: schema(columns),
            columns,
            builders: columns.iter().zip(&paths).map(|(c, path)| ColumnBuilder::new(&c.ty, path)).collect(),
            extra: StringBuilder::new(),
            index: columns.iter().enumerate().map(|(i, c)| (c.wire, i)).collect(),
            paths,
            rows: 0,
            seen: vec![false; columns.len()],
            next: 0,
            key: String::new(),
            key_json: Vec::new(),
            unknown: Map::new(),
        }
    }

    /// Appends one record, as its `Serialize` writes it: the same fields and values as
    /// its JSONL line, known ones into their columns, unknown ones into the extra one.
    pub(crate) fn push<T: serde::Serialize + ?Sized>(&mut self, record: &T) -> io::Result<()> {
        fill::record(self, record)
    }

    /// A null object (inside a struct column, whose children still need a slot).
    fn push_null(&mut self) {
        for builder in &mut self.builders {
            builder.append_null();
        }
        self.extra.append_null();
        self.rows += 1;
    }

    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    /// The columns of the objects pushed since the last call; starts over.
    fn arrays(&mut self) -> io::Result<Vec<ArrayRef>> {
        let mut arrays = self.builders.iter_mut().map(ColumnBuilder::finish).collect::<io::Result<Vec<_>>>()?;
        arrays.push(Arc::new(self.extra.finish()));
        self.rows = 0;
        Ok(arrays)
    }

    /// The records pushed since the last call, as one batch.
    fn take(&mut self) -> io::Result<RecordBatch> {
        let arrays = self.arrays()?;
        RecordBatch::try_new(self.schema.clone(), arrays).map_err(arrow_error)
    }
}

/// How every file is written: Snappy (fast, and read by every Parquet reader), one row
/// group per [`ROW_GROUP_ROWS`] records, and who wrote it.
fn properties() -> WriterProperties {
    WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .set_created_by(format!("nxlink {}", env!("CARGO_PKG_VERSION")))
        .build()
}

/// Records into one Parquet file, a row group at a time, into `W`.
struct FileRows<W: Write + Send> {
    batch: Batch,
    writer: ArrowWriter<W>,
}

impl<W: Write + Send> FileRows<W> {
    fn new(columns: &'static [Column], out: W) -> io::Result<Self> {
        let batch = Batch::new(columns);
        let writer = ArrowWriter::try_new(out, batch.schema.clone(), Some(properties())).map_err(parquet_error)?;
        Ok(Self { batch, writer })
    }

    /// Writes the records held as one row group.
    fn flush(&mut self) -> io::Result<()> {
        if self.batch.rows() == 0 {
            return Ok(());
        }
        let batch = self.batch.take()?;
        self.writer.write(&batch).map_err(parquet_error)?;
        self.writer.flush().map_err(parquet_error)
    }

    fn push<T: serde::Serialize + ?Sized>(&mut self, record: &T) -> io::Result<()> {
        self.batch.push(record)?;
        if self.batch.rows() >= ROW_GROUP_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes what is held and the footer.
    fn close(mut self) -> io::Result<W> {
        self.flush()?;
        self.writer.into_inner().map_err(parquet_error)
    }
}

/// `--format parquet` as an encoder: the file is built into a byte buffer that is
/// emptied into the output's line after each record (the bytes of a row group, once in
/// [`ROW_GROUP_ROWS`] records; nothing in between), so the file goes through the same
/// safe output (temporary file, rename, FIFO, stdout) as every other format.
pub(crate) struct ParquetRows {
    columns: &'static [Column],
    /// Made by [`Self::begin`] (it writes the file's magic bytes).
    rows: Option<FileRows<Vec<u8>>>,
}

impl ParquetRows {
    pub(crate) fn new(columns: &'static [Column]) -> Self {
        Self { columns, rows: None }
    }

    /// Starts the file: its magic bytes go into `line`.
    pub(crate) fn begin(&mut self, line: &mut Vec<u8>) -> io::Result<()> {
        let mut rows = FileRows::new(self.columns, Vec::new())?;
        line.append(rows.writer.inner_mut());
        self.rows = Some(rows);
        Ok(())
    }

    /// Adds one record; a full row group's bytes go into `line`.
    pub(crate) fn record<T: serde::Serialize>(&mut self, record: &T, line: &mut Vec<u8>) -> io::Result<()> {
        let rows = self.rows.as_mut().ok_or_else(|| io::Error::other("parquet: a record before the header"))?;
        rows.push(record)?;
        // The writer counts the bytes it wrote itself, so taking them is safe.
        line.append(rows.writer.inner_mut());
        Ok(())
    }

    /// The last row group and the footer, into `line`.
    pub(crate) fn end(&mut self, line: &mut Vec<u8>) -> io::Result<()> {
        if let Some(rows) = self.rows.take() {
            line.append(&mut rows.close()?);
        }
        Ok(())
    }
}

/// The partition directory of a record started at `seconds` (Unix time), by UTC day.
pub(crate) fn day_partition(seconds: Option<i64>) -> String {
    let day = seconds
        .and_then(|s| jiff::Timestamp::from_second(s).ok())
        .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date().to_string());
    format!("date={}", day.as_deref().unwrap_or(DEFAULT_PARTITION))
}

/// One partition's file being written.
struct OpenPart {
    rows: FileRows<BufWriter<File>>,
    /// When a record last went to it, to close the least recently used.
    last_used: u64,
}

/// `--partition-by day`: a Hive-style directory, `date=YYYY-MM-DD/part-0000.parquet`,
/// built under a temporary name beside the target and renamed to it at the end, so a
/// failed or interrupted export leaves nothing (dropping it removes the directory).
pub(crate) struct PartitionedOutput<T> {
    columns: &'static [Column],
    /// The record's timestamp (Unix seconds), which picks its partition.
    timestamp: fn(&T) -> Option<i64>,
    temp: TempFileGuard,
    temp_dir: PathBuf,
    target: PathBuf,
    open: HashMap<String, OpenPart>,
    /// Files started so far per partition, for the next file's number.
    parts: HashMap<String, u32>,
    /// Records held in memory over all open partitions.
    held: usize,
    clock: u64,
}

impl<T: serde::Serialize> PartitionedOutput<T> {
    /// Checks the target and makes the temporary directory beside it (before any request
    /// is sent, so a path that cannot be written fails first).
    pub(crate) fn create(
        columns: &'static [Column],
        timestamp: fn(&T) -> Option<i64>,
        target: &Path,
    ) -> Result<Self, CliError> {
        match std::fs::symlink_metadata(target) {
            Err(err) if err.kind() == io::ErrorKind::NotFound => {}
            Ok(meta) if meta.is_dir() && std::fs::read_dir(target).is_ok_and(|mut d| d.next().is_none()) => {}
            Ok(_) => {
                return Err(CliError::usage(format!(
                    "--output {}: already exists; --partition-by writes a new directory (give a path that does not exist, or an empty directory)",
                    target.display()
                )))
            }
            Err(err) => {
                return Err(CliError::local(format!("--output {}: cannot look at it: {err}", target.display())))
            }
        }
        let name = target.file_name().ok_or_else(|| {
            CliError::usage(format!("--output {}: expected a directory path to create", target.display()))
        })?;
        let parent = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let create = || {
            tempfile::Builder::new()
                .prefix(&format!(".{}.", name.to_string_lossy()))
                .suffix(".partial")
                .tempdir_in(parent)
        };
        let (temp_dir, temp) = TempFileGuard::create_dir(create).map_err(|err| match err {
            CreateError::Signalled(signal) => signal.error(),
            CreateError::Io(err) => CliError::local(format!(
                "cannot create a directory in {} for --output {}: {err}",
                parent.display(),
                target.display()
            )),
        })?;
        Ok(Self {
            columns,
            timestamp,
            temp,
            temp_dir,
            target: target.to_path_buf(),
            open: HashMap::new(),
            parts: HashMap::new(),
            held: 0,
            clock: 0,
        })
    }

    /// Adds one record to its day's file.
    pub(crate) fn write(&mut self, record: &T) -> Result<(), CliError> {
        self.write_inner(record).map_err(|err| self.failed(&err))
    }

    fn write_inner(&mut self, record: &T) -> io::Result<()> {
        let partition = day_partition((self.timestamp)(record));
        self.clock += 1;
        if !self.open.contains_key(&partition) {
            if self.open.len() >= MAX_OPEN_PARTITIONS {
                self.close_least_recent()?;
            }
            let part = self.start_part(&partition)?;
            self.open.insert(partition.clone(), part);
        }
        let part = self.open.get_mut(&partition).ok_or_else(|| io::Error::other("partition not open"))?;
        part.last_used = self.clock;
        let before = part.rows.batch.rows();
        part.rows.push(record)?;
        // A full row group was written: what it held is no longer held.
        self.held = self.held + part.rows.batch.rows() - before;
        if self.held >= ROW_GROUP_ROWS {
            // Many days each holding a little: write them all out rather than hold more.
            for part in self.open.values_mut() {
                part.rows.flush()?;
            }
            self.held = 0;
        }
        Ok(())
    }

    fn start_part(&mut self, partition: &str) -> io::Result<OpenPart> {
        let dir = self.temp_dir.join(partition);
        std::fs::create_dir_all(&dir)?;
        let number = self.parts.entry(partition.to_owned()).or_insert(0);
        let path = dir.join(format!("part-{number:04}.parquet"));
        *number += 1;
        let file = std::fs::OpenOptions::new().write(true).create_new(true).open(&path)?;
        Ok(OpenPart { rows: FileRows::new(self.columns, BufWriter::with_capacity(64 * 1024, file))?, last_used: 0 })
    }

    fn close_least_recent(&mut self) -> io::Result<()> {
        let oldest = self.open.iter().min_by_key(|(_, part)| part.last_used).map(|(name, _)| name.clone());
        if let Some(part) = oldest.and_then(|name| self.open.remove(&name)) {
            self.held -= part.rows.batch.rows();
            close_part(part)?;
        }
        Ok(())
    }

    /// Closes every file and renames the directory to the target.
    pub(crate) fn finish(mut self) -> Result<(), CliError> {
        let mut parts: Vec<OpenPart> = self.open.drain().map(|(_, part)| part).collect();
        for part in parts.drain(..) {
            close_part(part).map_err(|err| self.failed(&err))?;
        }
        let Self { temp, target, .. } = self;
        temp.persist(&target)
            .map_err(|err| CliError::local(format!("cannot move the finished export to {}: {err}", target.display())))
    }

    fn failed(&self, err: &io::Error) -> CliError {
        CliError::local(format!("cannot write the export to {}: {err}", self.target.display()))
    }
}

/// Writes a partition file's last row group and footer, and syncs it: the directory's
/// rename must not publish files whose bytes are only in the page cache.
fn close_part(part: OpenPart) -> io::Result<()> {
    let out = part.rows.close()?;
    let file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
    file.sync_all()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use arrow_array::{Array, Int64Array, StringArray};
    use nxlink_models::CallRecord;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    use super::*;

    #[test]
    fn every_spec_field_is_a_column_with_its_wire_name_then_extra() {
        let schema = schema(CallRecord::COLUMNS);
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        let mut expected: Vec<&str> = CallRecord::FIELDS.to_vec();
        expected.push(EXTRA_COLUMN);
        assert_eq!(names, expected);
        for (column, field) in CallRecord::COLUMNS.iter().zip(schema.fields()) {
            assert_eq!(field.is_nullable(), !column.required, "{}", column.wire);
            assert_eq!(field.data_type(), &data_type(&column.ty), "{}", column.wire);
            let table = field.metadata().get(CODE_TABLE_KEY);
            match column.ty {
                ValueType::Code(code) => assert_eq!(table.map(String::as_str), Some(code.name)),
                _ => assert_eq!(table, None, "{}", column.wire),
            }
        }
    }

    #[test]
    fn each_kind_of_type_has_its_arrow_type() {
        assert_eq!(data_type(&ValueType::Int32), DataType::Int32);
        assert_eq!(data_type(&ValueType::Int64), DataType::Int64);
        assert_eq!(data_type(&ValueType::Float64), DataType::Float64);
        assert_eq!(data_type(&ValueType::Bool), DataType::Boolean);
        assert_eq!(data_type(&ValueType::String), DataType::Utf8);
        assert_eq!(data_type(&ValueType::Json), DataType::Utf8);
    }

    #[test]
    fn days_are_utc_and_a_missing_time_is_the_default_partition() {
        assert_eq!(day_partition(Some(0)), "date=1970-01-01");
        // 2026-12-01T23:59:59Z, then one second later the next day (UTC, not local).
        assert_eq!(day_partition(Some(1_796_169_599)), "date=2026-12-01");
        assert_eq!(day_partition(Some(1_796_169_600)), "date=2026-12-02");
        assert_eq!(day_partition(None), "date=__HIVE_DEFAULT_PARTITION__");
        assert_eq!(day_partition(Some(i64::MAX)), "date=__HIVE_DEFAULT_PARTITION__");
    }

    fn read_back(bytes: Vec<u8>) -> Vec<RecordBatch> {
        let reader = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(bytes)).unwrap().build().unwrap();
        reader.map(Result::unwrap).collect()
    }

    #[test]
    fn records_round_trip_with_nulls_and_extra_across_row_groups() {
        let mut rows = ParquetRows::new(CallRecord::COLUMNS);
        let mut file = Vec::new();
        rows.begin(&mut file).unwrap();
        let count = ROW_GROUP_ROWS + 3;
        for i in 0..count {
            let mut record = CallRecord::default();
            record.id = (i % 2 == 0).then_some(i as i64);
            if i == 1 {
                record.extra.insert("newField".into(), Value::from(5));
            }
            rows.record(&record, &mut file).unwrap();
        }
        rows.end(&mut file).unwrap();
        let batches = read_back(file);
        assert_eq!(batches.iter().map(RecordBatch::num_rows).sum::<usize>(), count);
        assert!(batches.len() >= 2, "more than one row group's worth comes back in pieces");
        let first = &batches[0];
        let id = first.column_by_name("id").unwrap().as_any().downcast_ref::<Int64Array>().unwrap();
        assert_eq!(id.value(0), 0);
        assert!(id.is_null(1));
        let extra = first.column_by_name(EXTRA_COLUMN).unwrap().as_any().downcast_ref::<StringArray>().unwrap();
        assert!(extra.is_null(0));
        assert_eq!(extra.value(1), r#"{"newField":5}"#);
    }

    fn rows_in(path: &Path) -> usize {
        let file = File::open(path).unwrap();
        let reader = ParquetRecordBatchReaderBuilder::try_new(file).unwrap().build().unwrap();
        reader.map(|batch| batch.unwrap().num_rows()).sum()
    }

    #[test]
    fn partitions_close_the_least_recent_file_and_a_record_without_a_time_goes_to_the_default() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("ds");
        let start = |record: &CallRecord| record.call_start;
        let mut out = PartitionedOutput::create(CallRecord::COLUMNS, start, &target).unwrap();
        // One day more than may be open, twice over: each day's first file is closed
        // to open another day, and its second record starts the day's next file.
        let days = MAX_OPEN_PARTITIONS as i64 + 1;
        for round in 0..2 {
            for day in 0..days {
                let mut record = CallRecord::default();
                record.call_start = Some(day * 86_400 + round);
                out.write(&record).unwrap();
            }
        }
        out.write(&CallRecord::default()).unwrap();
        assert!(!target.exists(), "visible before the end");
        out.finish().unwrap();

        let mut names: Vec<String> =
            std::fs::read_dir(&target).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        assert_eq!(names.len(), days as usize + 1);
        assert_eq!(names[0], "date=1970-01-01");
        assert_eq!(names.last().unwrap(), "date=__HIVE_DEFAULT_PARTITION__");
        let mut total = 0;
        for name in &names[..days as usize] {
            for part in ["part-0000.parquet", "part-0001.parquet"] {
                assert_eq!(rows_in(&target.join(name).join(part)), 1, "{name}/{part}");
                total += 1;
            }
        }
        let default = format!("date={DEFAULT_PARTITION}");
        assert_eq!(rows_in(&target.join(default).join("part-0000.parquet")), 1);
        assert_eq!(total, 2 * days);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "only the dataset is left");
    }

    #[test]
    fn a_partitioned_export_dropped_before_its_end_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let start = |record: &CallRecord| record.call_start;
        let mut out = PartitionedOutput::create(CallRecord::COLUMNS, start, &dir.path().join("ds")).unwrap();
        let mut record = CallRecord::default();
        record.call_start = Some(1_796_169_600);
        out.write(&record).unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "the temporary directory");
        drop(out); // what a failed or interrupted export does
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "left behind");
    }
}
