//! Records read back from what nxlink wrote: a JSONL export, a Parquet file or
//! partitioned dataset, or a database `calls sync` filled (`calls stats --from`). Which
//! one a path is comes from what it holds, not from its name.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use nxlink_models::CallRecord;
use serde_json::{Map, Value};

use crate::error::CliError;
use crate::sync::{self, Target};

/// The first bytes of a SQLite database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";
/// The first bytes of a Parquet file.
const PARQUET_MAGIC: &[u8; 4] = b"PAR1";

/// Where records are read from.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// One JSON object per line, as `calls export --format jsonl` writes.
    Jsonl(PathBuf),
    /// A Parquet file, or a directory of them (`--partition-by day`).
    Parquet(PathBuf),
    /// A database `calls sync` wrote.
    Database(Target),
    /// `-`: JSON lines on standard input (`nxlink calls export ... | nxlink calls stats
    /// --from -`).
    Stdin,
}

impl Source {
    /// What `from` names: `-` (standard input), a database URL (`sqlite:PATH`,
    /// `postgres://...`), a directory (a Parquet dataset), or a file told by its first
    /// bytes: Parquet's `PAR1`, SQLite's header, else JSON lines.
    pub(crate) fn of(from: &Path) -> Result<Self, CliError> {
        if from == Path::new("-") {
            return Ok(Self::Stdin);
        }
        if let Some(target) = from.to_str().and_then(sync::database) {
            return Ok(Self::Database(target));
        }
        if from.is_dir() {
            return Ok(Self::Parquet(from.to_owned()));
        }
        let mut head = Vec::with_capacity(SQLITE_HEADER.len());
        std::fs::File::open(from)
            .and_then(|file| file.take(SQLITE_HEADER.len() as u64).read_to_end(&mut head))
            .map_err(|err| CliError::local(format!("cannot open {}: {err}", from.display())))?;
        Ok(if head.starts_with(PARQUET_MAGIC) {
            Self::Parquet(from.to_owned())
        } else if head.starts_with(SQLITE_HEADER) {
            Self::Database(Target::Sqlite(from.to_owned()))
        } else {
            Self::Jsonl(from.to_owned())
        })
    }
}

/// Calls `visit` with each record of `source`, in the order stored. A record that does
/// not decode is an error naming where it is (file and line, or row).
pub(crate) async fn for_each(
    source: &Source,
    mut visit: impl FnMut(CallRecord) -> Result<(), CliError>,
) -> Result<(), CliError> {
    match source {
        Source::Jsonl(path) => {
            let file = std::fs::File::open(path)
                .map_err(|err| CliError::local(format!("cannot open {}: {err}", path.display())))?;
            jsonl(BufReader::new(file), &path.display().to_string(), visit)
        }
        Source::Stdin => {
            let mut input = std::io::stdin().lock();
            // Only JSON lines can stream: Parquet and SQLite are read by seeking.
            let head = input.fill_buf().map_err(|err| CliError::local(format!("cannot read standard input: {err}")))?;
            if head.starts_with(PARQUET_MAGIC) || head.starts_with(&SQLITE_HEADER[..6]) {
                return Err(CliError::usage(
                    "standard input holds Parquet or SQLite, which --from reads from a file: save it and give its path",
                ));
            }
            jsonl(input, "standard input", visit)
        }
        Source::Parquet(path) => parquet(path, visit),
        Source::Database(target) => {
            let mut row = 0_usize;
            sync::read(target, |object| {
                row += 1;
                visit(decode(object, &|| format!("row {row} of the database"))?)
            })
            .await
        }
    }
}

fn decode(object: Map<String, Value>, at: &dyn Fn() -> String) -> Result<CallRecord, CliError> {
    serde_json::from_value(Value::Object(object))
        .map_err(|err| CliError::local(format!("{}: not a call record ({err})", at())))
}

fn jsonl(
    input: impl BufRead,
    name: &str,
    mut visit: impl FnMut(CallRecord) -> Result<(), CliError>,
) -> Result<(), CliError> {
    for (index, line) in input.lines().enumerate() {
        let at = || format!("{name} line {}", index + 1);
        let line = line.map_err(|err| CliError::local(format!("cannot read {}: {err}", at())))?;
        if line.trim().is_empty() {
            continue;
        }
        if index == 0 && line.trim_start().starts_with('[') {
            return Err(CliError::usage(format!(
                "{name} is a JSON array; --from reads JSON lines (`nxlink calls export --format jsonl`), \
                 Parquet, or a database `nxlink calls sync` wrote"
            )));
        }
        let record: CallRecord = serde_json::from_str(&line).map_err(|err| {
            CliError::local(format!("{}: not a call record ({err}); expected one JSON object per line", at()))
        })?;
        visit(record)?;
    }
    Ok(())
}

#[cfg(feature = "parquet")]
fn parquet(path: &Path, mut visit: impl FnMut(CallRecord) -> Result<(), CliError>) -> Result<(), CliError> {
    for file in crate::parquet::read::files(path)? {
        crate::parquet::read::read(&file, CallRecord::COLUMNS, |line, row| {
            let record = serde_json::from_slice(line)
                .map_err(|err| CliError::local(format!("{} row {row}: not a call record ({err})", file.display())))?;
            visit(record)
        })?;
    }
    Ok(())
}

#[cfg(not(feature = "parquet"))]
fn parquet(path: &Path, _visit: impl FnMut(CallRecord) -> Result<(), CliError>) -> Result<(), CliError> {
    Err(CliError::usage(format!(
        "{} is Parquet, and this nxlink was built without the `parquet` feature",
        path.display()
    )))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn a_source_is_told_by_its_url_or_its_first_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str, bytes: &[u8]| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            path
        };
        // Names that say one thing, contents another: the contents win.
        let parquet = file("calls.jsonl", b"PAR1\0\0\0\0PAR1");
        let sqlite = file("calls.parquet", b"SQLite format 3\0rest of the header");
        let jsonl = file("calls.db", b"{\"id\": 1}\n");
        let short = file("short", b"PA");
        let empty = file("empty", b"");
        assert_eq!(Source::of(&parquet).unwrap(), Source::Parquet(parquet));
        assert_eq!(Source::of(&sqlite).unwrap(), Source::Database(Target::Sqlite(sqlite)));
        assert_eq!(Source::of(&jsonl).unwrap(), Source::Jsonl(jsonl));
        assert_eq!(Source::of(&short).unwrap(), Source::Jsonl(short));
        assert_eq!(Source::of(&empty).unwrap(), Source::Jsonl(empty));
        assert_eq!(Source::of(dir.path()).unwrap(), Source::Parquet(dir.path().to_owned()));
        assert_eq!(Source::of(Path::new("-")).unwrap(), Source::Stdin);
        assert_eq!(Source::of(&dir.path().join("-")).unwrap_err().exit, crate::error::Exit::Local);
        // A SQLite header cut one byte short is not SQLite.
        let near = file("near", b"SQLite format 3");
        assert_eq!(Source::of(&near).unwrap(), Source::Jsonl(near));
        assert_eq!(
            Source::of(Path::new("sqlite:calls.db")).unwrap(),
            Source::Database(Target::Sqlite("calls.db".into()))
        );
        assert!(matches!(Source::of(Path::new("postgres://u@127.0.0.1/db")).unwrap(), Source::Database(_)));
        let err = Source::of(&dir.path().join("missing.jsonl")).unwrap_err();
        assert!(err.to_string().contains("missing.jsonl"), "{err}");
    }
}
