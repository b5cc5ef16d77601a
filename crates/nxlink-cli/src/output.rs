//! Writing records as they arrive, in each format, to stdout or to a file.
//!
//! Nothing is collected: each record is encoded and written when the stream yields it,
//! so memory stays flat whatever the export's size.
//!
//! `--output PATH` depends on what is at PATH (see [`plan`]):
//! - nothing, or a regular file: written under a temporary name in the same directory
//!   and renamed over PATH only once everything was written, so a file at PATH is always
//!   a complete export. An existing file keeps its mode (and, where we may, its owner);
//!   a new file is created `0600`, since exports hold personal data (phone numbers).
//! - a symbolic link: followed to the file it names, which is written as above; the link
//!   stays a link.
//! - anything else (a FIFO, a character device such as `/dev/null`, `/dev/stdout`):
//!   opened and written straight to, with no temporary file and no rename, which would
//!   replace the FIFO or device with a plain file.
//!
//! On any failure or signal the temporary file is removed: dropping its
//! [`TempFileGuard`] deletes it.

use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, BufWriter, IsTerminal, LineWriter, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::table::{Column, Item};
use serde_json::Value;

use crate::args::Format;
use crate::error::CliError;
use crate::signals::{CreateError, TempFileGuard};

/// Symbolic links followed before giving up: Linux's own limit (`MAXSYMLINKS`).
const MAX_LINKS: usize = 40;

/// The byte sink: stdout, or the file `--output` writes (temporary or direct).
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
    Table { out: Sink, columns: &'static [Column] },
    Json { out: Sink, first: bool },
    Jsonl(Sink),
    Csv { out: Box<csv::Writer<Sink>>, fields: Vec<String> },
}

/// Where records go and how they are encoded.
pub(crate) struct RecordOutput {
    encoder: Encoder,
    target: Target,
    started: bool,
}

/// Where the bytes of [`RecordOutput`] end up.
enum Target {
    Stdout,
    /// A regular file or a new path: `temp` is renamed to `file` at the end. `named` is
    /// the path as the user gave it (a link to `file`, or `file` itself), for messages.
    Atomic {
        temp: TempFileGuard,
        file: PathBuf,
        named: PathBuf,
    },
    /// Not a regular file (FIFO, device, `/dev/stdout`): written straight to.
    Direct {
        named: PathBuf,
    },
}

/// What to do with an `--output` path, decided from what is there.
#[derive(Debug)]
enum Plan {
    /// Write `file` atomically; `existing` is the file being replaced, if any.
    Atomic { file: PathBuf, existing: Option<Metadata> },
    /// Open `file` and write to it. `append` for a regular file reached through
    /// `/proc` (`/dev/stdout` redirected to a file): the shell opened it, and `>>`
    /// must not lose what was there.
    Direct { file: PathBuf, append: bool },
}

/// Why writing failed: to a pipe (stdout, a FIFO), a closed reader (`nxlink ... | head`)
/// is the reader having seen enough, not an error.
#[derive(Debug)]
pub(crate) enum WriteError {
    ClosedPipe,
    Failed(CliError),
}

impl RecordOutput {
    /// Opens the destination (for `--output`, its temporary file, so a path that cannot
    /// be written fails before any request is sent).
    pub(crate) fn create<T: Item>(format: Format, path: Option<&Path>) -> Result<Self, CliError> {
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
                (Sink::Stdout(sink), Target::Stdout)
            }
            Some(named) => {
                let (file, target) = match plan(named)? {
                    Plan::Atomic { file, existing } => {
                        let (handle, temp) = temp_file_for(named, &file, existing.as_ref())?;
                        (handle, Target::Atomic { temp, file, named: named.to_path_buf() })
                    }
                    Plan::Direct { file, append } => {
                        let handle = OpenOptions::new().write(true).append(append).open(&file).map_err(|err| {
                            CliError::local(format!("--output {}: cannot open it for writing: {err}", named.display()))
                        })?;
                        (handle, Target::Direct { named: named.to_path_buf() })
                    }
                };
                (Sink::File(BufWriter::with_capacity(64 * 1024, file)), target)
            }
        };
        let encoder = match format {
            Format::Table => Encoder::Table { out: sink, columns: T::COLUMNS },
            Format::Json => Encoder::Json { out: sink, first: true },
            Format::Jsonl => Encoder::Jsonl(sink),
            Format::Csv => {
                Encoder::Csv { out: Box::new(csv::Writer::from_writer(sink)), fields: csv_header(T::FIELDS) }
            }
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
            Encoder::Table { out, columns } => crate::table::write_header(out, columns),
            Encoder::Json { out, .. } => out.write_all(b"["),
            Encoder::Jsonl(_) => Ok(()),
            Encoder::Csv { out, fields } => out.write_record(fields.iter()).map_err(io::Error::from),
        }
    }

    /// Encodes and writes one record.
    pub(crate) fn write<T: Item>(&mut self, record: &T) -> Result<(), WriteError> {
        self.write_inner(record).map_err(|err| self.classify(err))
    }

    fn write_inner<T: Item>(&mut self, record: &T) -> io::Result<()> {
        self.begin()?;
        match &mut self.encoder {
            Encoder::Table { out, .. } => crate::table::write_row(out, record),
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
        if let Target::Atomic { temp, file, named } = target {
            temp.persist(&file).map_err(|err| {
                let shown = if file == named { String::new() } else { format!(" (the target of {})", named.display()) };
                WriteError::Failed(CliError::local(format!(
                    "cannot move the finished export to {}{shown}: {err}",
                    file.display()
                )))
            })?;
        }
        Ok(())
    }

    fn finish_inner(&mut self) -> io::Result<()> {
        self.begin()?;
        // Only a file about to be renamed is synced: a FIFO or a device refuses fsync.
        let atomic = matches!(self.target, Target::Atomic { .. });
        let sink: &Sink = match &mut self.encoder {
            Encoder::Table { out, .. } | Encoder::Jsonl(out) => {
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
        if let (true, Sink::File(file)) = (atomic, sink) {
            // The rename must not publish a file whose bytes are still in the page cache
            // only: a crash right after would leave a complete-looking, empty file.
            file.get_ref().sync_all()?;
        }
        Ok(())
    }

    fn classify(&self, err: io::Error) -> WriteError {
        match &self.target {
            Target::Stdout | Target::Direct { .. } if is_closed_pipe(&err) => WriteError::ClosedPipe,
            Target::Stdout => WriteError::Failed(CliError::local(format!("cannot write to standard output: {err}"))),
            Target::Atomic { named, .. } | Target::Direct { named } => {
                WriteError::Failed(CliError::local(format!("cannot write the export to {}: {err}", named.display())))
            }
        }
    }
}

/// A write to a pipe whose reader has gone. The csv crate wraps its writer's
/// `io::Error` in a `csv::Error`, which `io::Error::from` wraps again, so the kind is
/// looked for under those wrappers too.
fn is_closed_pipe(err: &io::Error) -> bool {
    if err.kind() == io::ErrorKind::BrokenPipe {
        return true;
    }
    let Some(inner) = err.get_ref() else { return false };
    if let Some(csv) = inner.downcast_ref::<csv::Error>() {
        return matches!(csv.kind(), csv::ErrorKind::Io(io) if is_closed_pipe(io));
    }
    inner.downcast_ref::<io::Error>().is_some_and(is_closed_pipe)
}

/// Decides how to write `named` from what is there, following symbolic links (at most
/// [`MAX_LINKS`]) to the file they name, so that the link itself is never replaced.
fn plan(named: &Path) -> Result<Plan, CliError> {
    let mut current = named.to_path_buf();
    for _ in 0..=MAX_LINKS {
        let meta = match fs::symlink_metadata(&current) {
            Ok(meta) => meta,
            // A new file, possibly the target of a dangling link.
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                return Ok(Plan::Atomic { file: current, existing: None })
            }
            Err(err) => {
                return Err(CliError::local(format!(
                    "--output {}: cannot look at {}: {err}",
                    named.display(),
                    current.display()
                )))
            }
        };
        let kind = meta.file_type();
        if kind.is_file() {
            return Ok(Plan::Atomic { file: current, existing: Some(meta) });
        }
        if kind.is_dir() {
            return Err(CliError::usage(format!(
                "--output {}: {} is a directory; expected a file path",
                named.display(),
                current.display()
            )));
        }
        if !kind.is_symlink() {
            return Ok(Plan::Direct { file: current, append: false });
        }
        if is_in_proc(&current) {
            // `/dev/stdout` -> `/proc/self/fd/1` -> `pipe:[1234]`: the kernel opens such
            // a link for us, but its text is no path to write a file next to.
            let regular = fs::metadata(&current).is_ok_and(|meta| meta.is_file());
            return Ok(Plan::Direct { file: current, append: regular });
        }
        let link = fs::read_link(&current).map_err(|err| {
            CliError::local(format!("--output {}: cannot read the link {}: {err}", named.display(), current.display()))
        })?;
        // A relative link is relative to the link's directory; an absolute one replaces.
        current = match current.parent() {
            Some(parent) => parent.join(link),
            None => link,
        };
    }
    Err(CliError::usage(format!(
        "--output {}: more than {MAX_LINKS} symbolic links in a row; expected a path that leads to a file",
        named.display()
    )))
}

/// Whether `path`'s directory is under `/proc` (`/proc/self/fd`, `/dev/fd`).
fn is_in_proc(path: &Path) -> bool {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    fs::canonicalize(dir).is_ok_and(|dir| dir.starts_with("/proc"))
}

/// A hidden temporary file next to `file` (same directory, so the final rename stays
/// on one file system and is atomic), with the mode and owner of `existing`, the file
/// it will replace. `named` is the path the user gave, for messages.
fn temp_file_for(named: &Path, file: &Path, existing: Option<&Metadata>) -> Result<(File, TempFileGuard), CliError> {
    let name = file.file_name().ok_or_else(|| {
        CliError::usage(format!("--output {}: expected a file path, not a directory", named.display()))
    })?;
    // A bare file name has `""` for its parent, which `tempfile_in` reads as the
    // current directory, as the final rename does.
    let dir = file.parent().unwrap_or(Path::new("."));
    let create = || {
        let temp = tempfile::Builder::new()
            .prefix(&format!(".{}.", name.to_string_lossy()))
            .suffix(".partial")
            .tempfile_in(dir)?;
        let (handle, path) = temp.into_parts();
        if let Some(existing) = existing {
            keep_owner_and_mode(&handle, existing)?;
        }
        Ok((handle, path))
    };
    TempFileGuard::create(create).map_err(|err| match err {
        CreateError::Signalled(signal) => signal.error(),
        CreateError::Io(err) => CliError::local(format!(
            "cannot create a file in {} for --output {}: {err}",
            dir.display(),
            named.display()
        )),
    })
}

/// Gives the new file the owner and mode of the one it replaces. The owner first:
/// `chown` clears set-id bits, which the mode then restores. Only root may give a file
/// away, so a refused owner is not an error (the file is then ours, as with any editor
/// that saves by renaming).
fn keep_owner_and_mode(handle: &File, existing: &Metadata) -> io::Result<()> {
    let ours = handle.metadata()?;
    if (ours.uid(), ours.gid()) != (existing.uid(), existing.gid()) {
        if let Err(err) = std::os::unix::fs::fchown(handle, Some(existing.uid()), Some(existing.gid())) {
            tracing::debug!(%err, "cannot keep the replaced file's owner");
        }
    }
    handle.set_permissions(fs::Permissions::from_mode(existing.mode() & 0o7777))
}

/// The CSV header: the record's wire names in the vendor's order (from the generated
/// code, so it follows the spec), then `extra`.
///
/// Unknown fields go into one `extra` cell as a JSON object rather than columns of their
/// own: the header is written before the first record, so a column per unknown field
/// would only cover names seen by then and the next new name would have nowhere to go;
/// a fixed header also keeps exports of different days comparable and concatenable.
pub(crate) fn csv_header(fields: &[&str]) -> Vec<String> {
    fields.iter().map(|name| (*name).to_owned()).chain([EXTRA_COLUMN.to_owned()]).collect()
}

/// The last CSV column: the fields the SDK does not know, as a JSON object.
pub(crate) const EXTRA_COLUMN: &str = "extra";

/// One CSV row: the same values as the JSON line, nested values (`attributes`) as
/// compact JSON in their cell, absent values empty, and the unknown fields as one JSON
/// object in the `extra` cell (empty when there are none).
fn csv_row<T: Item>(record: &T, fields: &[String]) -> io::Result<Vec<String>> {
    let Value::Object(object) = serde_json::to_value(record)? else {
        return Err(io::Error::other("a call record did not serialize to a JSON object"));
    };
    fields
        .iter()
        .map(|field| {
            if field == EXTRA_COLUMN {
                return if record.extra().is_empty() {
                    Ok(String::new())
                } else {
                    serde_json::to_string(record.extra())
                };
            }
            Ok(match object.get(field) {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(text)) => text.clone(),
                Some(other) => other.to_string(),
            })
        })
        .collect::<Result<_, serde_json::Error>>()
        .map_err(io::Error::from)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use nxlink_models::CallRecord;

    use super::*;

    #[test]
    fn the_csv_header_is_the_wire_names_in_api_order_then_extra() {
        let names = csv_header(CallRecord::FIELDS);
        assert_eq!(names.len(), CallRecord::FIELDS.len() + 1, "{names:?}");
        assert!(names.iter().zip(CallRecord::FIELDS).all(|(a, b)| a == b), "{names:?}");
        assert_eq!(names.last().map(String::as_str), Some("extra"));
        // What JSON writes for a record with every field sent is what the header lists;
        // a record built in code writes only what was set.
        let every: serde_json::Map<String, serde_json::Value> =
            CallRecord::FIELDS.iter().map(|f| ((*f).to_owned(), serde_json::Value::Null)).collect();
        let record: CallRecord = serde_json::from_value(serde_json::Value::Object(every)).unwrap();
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
        record.extra.insert("futureField".into(), serde_json::json!({"a": [1, "x"]}));
        let header = csv_header(CallRecord::FIELDS);
        let row = csv_row(&record, &header).unwrap();
        assert_eq!(row[header.iter().position(|name| name == "id").unwrap()], "7");
        assert_eq!(row.last().unwrap(), r#"{"futureField":{"a":[1,"x"]}}"#);
        record.extra.clear();
        assert_eq!(csv_row(&record, &csv_header(CallRecord::FIELDS)).unwrap().last().unwrap(), "");
    }

    fn export(format: Format, path: &Path, records: &[CallRecord]) -> Result<(), WriteError> {
        let mut output = RecordOutput::create::<CallRecord>(format, Some(path)).map_err(WriteError::Failed)?;
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
        let mut output = RecordOutput::create::<CallRecord>(Format::Json, Some(&path)).unwrap();
        output.write(&record).unwrap();
        assert!(!path.exists(), "visible before the end");
        // The temporary file sits beside the target, so the final rename stays on one
        // file system and is atomic.
        let beside: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            matches!(beside.as_slice(), [name] if name.starts_with(".calls.json.") && name.ends_with(".partial")),
            "{beside:?}"
        );
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
