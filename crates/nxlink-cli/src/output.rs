//! Writing records as they arrive, in each format, to stdout or to a file.
//!
//! Nothing is collected: each record is encoded and written when the stream yields it,
//! so memory stays flat whatever the export's size. A file named by `--output` is
//! written under a temporary name in the same directory and renamed over the target
//! only once everything was written; on any failure the temporary file is removed
//! (dropping [`tempfile::TempPath`] deletes it), so a file at the target path is always
//! a complete export.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, LineWriter, Write};
use std::path::{Path, PathBuf};

use nxlink_models::CallRecord;
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

use crate::args::Format;
use crate::error::CliError;

/// The byte sink: stdout, or the temporary file of an atomic `--output`.
enum Sink {
    Stdout(Box<dyn Write>),
    File(BufWriter<File>),
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Self::Stdout(out) => out.write(buf),
            Self::File(out) => out.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Self::Stdout(out) => out.flush(),
            Self::File(out) => out.flush(),
        }
    }
}

enum Encoder {
    Table(Sink),
    Json { out: Sink, first: bool },
    Jsonl(Sink),
    Csv { out: Box<csv::Writer<Sink>>, fields: Vec<String> },
}

/// Where records go and how they are encoded.
pub(crate) struct RecordOutput {
    encoder: Encoder,
    /// The temporary file and the path it becomes, for `--output`.
    target: Option<(tempfile::TempPath, PathBuf)>,
    started: bool,
}

/// Why writing failed: to stdout, a closed pipe (`nxlink ... | head`) is the reader
/// having seen enough, not an error.
#[derive(Debug)]
pub(crate) enum WriteError {
    ClosedPipe,
    Failed(CliError),
}

impl RecordOutput {
    /// Opens the destination (for `--output`, its temporary file, so a path that cannot
    /// be written fails before any request is sent).
    pub(crate) fn create(format: Format, path: Option<&Path>) -> Result<Self, CliError> {
        let (sink, target) = match path {
            None => {
                let stdout = io::stdout();
                // A person watching a terminal sees each row as it arrives; a pipe gets
                // large writes.
                let sink: Box<dyn Write> = if stdout.is_terminal() {
                    Box::new(LineWriter::new(stdout))
                } else {
                    Box::new(BufWriter::with_capacity(64 * 1024, stdout))
                };
                (Sink::Stdout(sink), None)
            }
            Some(path) => {
                let (file, temp) = temp_file_for(path)?;
                (Sink::File(BufWriter::with_capacity(64 * 1024, file)), Some((temp, path.to_path_buf())))
            }
        };
        let encoder = match format {
            Format::Table => Encoder::Table(sink),
            Format::Json => Encoder::Json { out: sink, first: true },
            Format::Jsonl => Encoder::Jsonl(sink),
            Format::Csv => Encoder::Csv { out: Box::new(csv::Writer::from_writer(sink)), fields: wire_field_names() },
        };
        Ok(Self { encoder, target, started: false })
    }

    /// Writes the header, once. Deferred to the first record or the end, so a request
    /// that fails before any data leaves stdout empty rather than holding a lone header.
    fn begin(&mut self) -> io::Result<()> {
        if std::mem::replace(&mut self.started, true) {
            return Ok(());
        }
        match &mut self.encoder {
            Encoder::Table(out) => crate::table::write_header(out),
            Encoder::Json { out, .. } => out.write_all(b"["),
            Encoder::Jsonl(_) => Ok(()),
            Encoder::Csv { out, fields } => out.write_record(fields.iter()).map_err(io::Error::from),
        }
    }

    /// Encodes and writes one record.
    pub(crate) fn write(&mut self, record: &CallRecord) -> Result<(), WriteError> {
        self.write_inner(record).map_err(|err| self.classify(err))
    }

    fn write_inner(&mut self, record: &CallRecord) -> io::Result<()> {
        self.begin()?;
        match &mut self.encoder {
            Encoder::Table(out) => crate::table::write_row(out, record),
            Encoder::Json { out, first } => {
                out.write_all(if *first { b"\n" } else { b",\n" })?;
                *first = false;
                serde_json::to_writer(&mut *out, record)?;
                Ok(())
            }
            Encoder::Jsonl(out) => {
                serde_json::to_writer(&mut *out, record)?;
                out.write_all(b"\n")
            }
            Encoder::Csv { out, fields } => {
                let row = csv_row(record, fields)?;
                out.write_record(&row).map_err(io::Error::from)
            }
        }
    }

    /// Writes what follows the last record, flushes, and (for `--output`) syncs and
    /// renames the temporary file over the target.
    pub(crate) fn finish(mut self) -> Result<(), WriteError> {
        let result = self.finish_inner();
        result.map_err(|err| self.classify(err))?;
        let Self { encoder, target, .. } = self;
        // Closed before the rename, which some platforms refuse on an open file.
        drop(encoder);
        if let Some((temp, path)) = target {
            temp.persist(&path).map_err(|err| {
                WriteError::Failed(CliError::local(format!(
                    "cannot move the finished export to {}: {}",
                    path.display(),
                    err.error
                )))
            })?;
        }
        Ok(())
    }

    fn finish_inner(&mut self) -> io::Result<()> {
        self.begin()?;
        let sink: &Sink = match &mut self.encoder {
            Encoder::Table(out) | Encoder::Jsonl(out) => {
                out.flush()?;
                out
            }
            Encoder::Json { out, first } => {
                out.write_all(if *first { b"]\n" } else { b"\n]\n" })?;
                out.flush()?;
                out
            }
            Encoder::Csv { out, .. } => {
                // Flushes the CSV buffer and the sink under it.
                out.flush()?;
                out.get_ref()
            }
        };
        if let Sink::File(file) = sink {
            // The rename must not publish a file whose bytes are still in the page cache
            // only: a crash right after would leave a complete-looking, empty file.
            file.get_ref().sync_all()?;
        }
        Ok(())
    }

    fn classify(&self, err: io::Error) -> WriteError {
        match &self.target {
            None if err.kind() == io::ErrorKind::BrokenPipe => WriteError::ClosedPipe,
            None => WriteError::Failed(CliError::local(format!("cannot write to standard output: {err}"))),
            Some((_, path)) => {
                WriteError::Failed(CliError::local(format!("cannot write the export to {}: {err}", path.display())))
            }
        }
    }
}

/// A hidden temporary file next to `path` (same directory, so the final rename stays
/// on one file system and is atomic).
fn temp_file_for(path: &Path) -> Result<(File, tempfile::TempPath), CliError> {
    let name = path.file_name().ok_or_else(|| {
        CliError::usage(format!("--output {}: expected a file path, not a directory", path.display()))
    })?;
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let temp = tempfile::Builder::new()
        .prefix(&format!(".{}.", name.to_string_lossy()))
        .suffix(".partial")
        .tempfile_in(dir)
        .map_err(|err| {
            CliError::local(format!("cannot create a file in {} for --output {}: {err}", dir.display(), path.display()))
        })?;
    Ok(temp.into_parts())
}

/// The record's wire field names in declaration order (the API's order), from serde
/// itself, so the CSV header cannot drift from what JSON output says.
pub(crate) fn wire_field_names() -> Vec<String> {
    struct Keys(Vec<String>);
    impl<'de> Deserialize<'de> for Keys {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct KeysVisitor;
            impl<'de> Visitor<'de> for KeysVisitor {
                type Value = Keys;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("an object")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                    let mut keys = Vec::new();
                    while let Some(key) = map.next_key::<String>()? {
                        map.next_value::<IgnoredAny>()?;
                        keys.push(key);
                    }
                    Ok(Keys(keys))
                }
            }
            deserializer.deserialize_map(KeysVisitor)
        }
    }
    // Every field of a default record serializes (as null or []), so all are listed.
    serde_json::to_string(&CallRecord::default())
        .ok()
        .and_then(|json| serde_json::from_str::<Keys>(&json).ok())
        .map(|keys| keys.0)
        .unwrap_or_default()
}

/// One CSV row: the same values as the JSON line, nested values (`attributes`) as
/// compact JSON in their cell, absent values empty.
fn csv_row(record: &CallRecord, fields: &[String]) -> io::Result<Vec<String>> {
    let Value::Object(object) = serde_json::to_value(record)? else {
        return Err(io::Error::other("a call record did not serialize to a JSON object"));
    };
    Ok(fields
        .iter()
        .map(|field| match object.get(field) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(text)) => text.clone(),
            Some(other) => other.to_string(),
        })
        .collect())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn the_csv_header_is_the_41_wire_names_in_api_order() {
        let names = wire_field_names();
        assert_eq!(names.len(), 41, "{names:?}");
        assert_eq!(names.first().map(String::as_str), Some("id"));
        assert_eq!(names.last().map(String::as_str), Some("autoFlowName"));
        assert!(names.iter().any(|name| name == "attributes"));
    }

    fn export(format: Format, path: &Path, records: &[CallRecord]) -> Result<(), WriteError> {
        let mut output = RecordOutput::create(format, Some(path)).map_err(WriteError::Failed)?;
        for record in records {
            output.write(record)?;
        }
        output.finish()
    }

    #[test]
    fn the_file_appears_only_when_finished_and_a_failure_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("calls.json");
        let mut record = CallRecord::default();
        record.id = Some(7);
        let mut output = RecordOutput::create(Format::Json, Some(&path)).unwrap();
        output.write(&record).unwrap();
        assert!(!path.exists(), "visible before the end");
        drop(output); // what a failed export does
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "temporary file left behind");

        assert!(export(Format::Json, &path, &[record.clone(), record]).is_ok());
        let parsed: Vec<CallRecord> = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(parsed.len(), 2);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn an_empty_json_export_is_an_empty_array() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.json");
        assert!(export(Format::Json, &path, &[]).is_ok());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "[]\n");
    }

    #[test]
    fn output_into_a_missing_directory_says_where() {
        let Err(WriteError::Failed(err)) = export(Format::Csv, Path::new("/nonexistent-dir/x.csv"), &[]) else {
            panic!("expected a failure");
        };
        assert!(err.to_string().contains("/nonexistent-dir"), "{err}");
    }
}
