//! Writing records as they arrive, in each format, to stdout or to a file.
//!
//! Nothing is collected: each record is encoded and written when the stream yields it,
//! so memory stays flat whatever the export's size. Every format takes the same path:
//! the [`Encoder`] appends the record's bytes to one reused line buffer, and the line
//! goes to the sink in one write (a single `write_all` per record rather than one per
//! JSON token or CSV field through the sink's `dyn Write`).
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

use crate::args::Format;
use crate::encode::Encoder;
use crate::error::CliError;
use crate::signals::{CreateError, TempFileGuard};
use crate::table::Item;

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

    /// Forwarded whole: a line is one copy into the buffer below, not a loop of `write`s.
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Self::Stdout(out) => out.write_all(buf),
            Self::File(out) => out.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Self::Stdout(out) => out.flush(),
            Self::File(out) => out.flush(),
        }
    }
}

/// Where records go and how they are encoded.
pub(crate) struct RecordOutput {
    encoder: Encoder,
    sink: Sink,
    /// The bytes of the record being written (and, before the first, the header).
    line: Vec<u8>,
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
        let encoder = Encoder::new::<T>(format)?;
        let (sink, target) = match path {
            None => {
                let stdout = io::stdout();
                if format == Format::Parquet && stdout.is_terminal() {
                    return Err(CliError::usage(
                        "--format parquet writes a binary file: give -o FILE, or redirect stdout (> FILE, | ...)",
                    ));
                }
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
                let (file, target) = match plan(named, "--output")? {
                    Plan::Atomic { file, existing } => {
                        let (handle, temp) = temp_file_for(named, &file, existing.as_ref(), "--output")?;
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
        Ok(Self { encoder, sink, line: Vec::new(), target, started: false })
    }

    /// Puts the header into the line, once. Deferred to the first record or the end,
    /// so a request that fails before any data leaves stdout empty rather than holding
    /// a lone header.
    fn begin(&mut self) -> io::Result<()> {
        self.line.clear();
        if std::mem::replace(&mut self.started, true) {
            return Ok(());
        }
        self.encoder.begin(&mut self.line)
    }

    /// Encodes and writes one record.
    ///
    /// Never inlined, so that a profile can take encoding and writing apart from the
    /// rest of an export (`valgrind --tool=callgrind --toggle-collect='*RecordOutput::write*'`,
    /// BENCHMARKS.md); one call per record costs nothing measurable.
    #[inline(never)]
    pub(crate) fn write<T: Item>(&mut self, record: &T) -> Result<(), WriteError> {
        self.write_inner(record).map_err(|err| self.classify(err))
    }

    fn write_inner<T: Item>(&mut self, record: &T) -> io::Result<()> {
        self.begin()?;
        self.encoder.record(record, &mut self.line)?;
        self.sink.write_all(&self.line)
    }

    /// Writes what follows the last record, flushes, and (for `--output`) syncs and
    /// renames the temporary file over the target.
    pub(crate) fn finish(mut self) -> Result<(), WriteError> {
        let result = self.finish_inner();
        result.map_err(|err| self.classify(err))?;
        let Self { sink, target, .. } = self;
        // Closed before the rename, which some platforms refuse on an open file.
        drop(sink);
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
        self.encoder.end(&mut self.line)?;
        self.sink.write_all(&self.line)?;
        self.sink.flush()?;
        // Only a file about to be renamed is synced: a FIFO or a device refuses fsync.
        let atomic = matches!(self.target, Target::Atomic { .. });
        if let (true, Sink::File(file)) = (atomic, &self.sink) {
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

/// Writes `bytes`, built whole beforehand (`calls stats --html`), to `named` as
/// `--output` writes an export (see the module): through a temporary file renamed at the
/// end for a file or a link to one, keeping an existing file's mode and owner; straight
/// to a FIFO or a device. A new file gets `new_mode`. `flag` names the option in
/// messages.
pub(crate) fn write_whole(named: &Path, bytes: &[u8], new_mode: u32, flag: &str) -> Result<(), CliError> {
    let fail = |err: io::Error| CliError::local(format!("{flag} {}: cannot write it: {err}", named.display()));
    match plan(named, flag)? {
        Plan::Atomic { file, existing } => {
            let (mut handle, temp) = temp_file_for(named, &file, existing.as_ref(), flag)?;
            if existing.is_none() {
                handle.set_permissions(fs::Permissions::from_mode(new_mode)).map_err(fail)?;
            }
            handle.write_all(bytes).and_then(|()| handle.sync_all()).map_err(fail)?;
            drop(handle);
            temp.persist(&file).map_err(fail)
        }
        Plan::Direct { file, append } => OpenOptions::new()
            .write(true)
            .append(append)
            .open(&file)
            .and_then(|mut handle| handle.write_all(bytes))
            .map_err(fail),
    }
}

/// A write to a pipe whose reader has gone.
fn is_closed_pipe(err: &io::Error) -> bool {
    err.kind() == io::ErrorKind::BrokenPipe
}

/// Decides how to write `named` from what is there, following symbolic links (at most
/// [`MAX_LINKS`]) to the file they name, so that the link itself is never replaced.
fn plan(named: &Path, flag: &str) -> Result<Plan, CliError> {
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
                    "{flag} {}: cannot look at {}: {err}",
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
                "{flag} {}: {} is a directory; expected a file path",
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
            CliError::local(format!("{flag} {}: cannot read the link {}: {err}", named.display(), current.display()))
        })?;
        // A relative link is relative to the link's directory; an absolute one replaces.
        current = match current.parent() {
            Some(parent) => parent.join(link),
            None => link,
        };
    }
    Err(CliError::usage(format!(
        "{flag} {}: more than {MAX_LINKS} symbolic links in a row; expected a path that leads to a file",
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
fn temp_file_for(
    named: &Path,
    file: &Path,
    existing: Option<&Metadata>,
    flag: &str,
) -> Result<(File, TempFileGuard), CliError> {
    let name = file
        .file_name()
        .ok_or_else(|| CliError::usage(format!("{flag} {}: expected a file path, not a directory", named.display())))?;
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
        CreateError::Io(err) => {
            CliError::local(format!("cannot create a file in {} for {flag} {}: {err}", dir.display(), named.display()))
        }
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use nxlink_models::CallRecord;

    use super::*;

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

    /// A whole page written as `--output` writes: a new file gets the mode asked for, an
    /// existing one keeps its own, a link stays a link to the rewritten file, a device
    /// is written straight to, a directory is refused by the flag's name; no temporary
    /// file is left in any case.
    #[test]
    fn a_whole_file_is_written_as_an_export_is() {
        let dir = tempfile::tempdir().unwrap();
        let mode = |path: &Path| fs::metadata(path).unwrap().permissions().mode() & 0o777;

        let new = dir.path().join("report.html");
        write_whole(&new, b"one", 0o644, "--html").unwrap();
        assert_eq!((fs::read(&new).unwrap(), mode(&new)), (b"one".to_vec(), 0o644));

        fs::set_permissions(&new, fs::Permissions::from_mode(0o600)).unwrap();
        write_whole(&new, b"two", 0o644, "--html").unwrap();
        assert_eq!((fs::read(&new).unwrap(), mode(&new)), (b"two".to_vec(), 0o600));

        let link = dir.path().join("latest.html");
        std::os::unix::fs::symlink("report.html", &link).unwrap();
        write_whole(&link, b"three", 0o644, "--html").unwrap();
        assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(fs::read(&new).unwrap(), b"three");

        write_whole(Path::new("/dev/null"), b"four", 0o644, "--html").unwrap();

        let err = write_whole(dir.path(), b"five", 0o644, "--html").unwrap_err();
        assert!(err.to_string().starts_with(&format!("--html {}", dir.path().display())), "{err}");
        let mut names: Vec<String> =
            fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        assert_eq!(names, ["latest.html", "report.html"]);
    }
}
