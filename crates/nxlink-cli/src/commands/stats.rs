//! `nxlink calls stats`: the records of a task, from the API or a JSONL export, added
//! up ([`crate::stats`]) and printed as a table or JSON, with an HTML report on request.

use std::io::{BufRead, BufReader, Write as _};
use std::path::Path;

use futures_util::TryStreamExt;
use nxlink_client::Client;
use nxlink_models::{CallRecord, QueryCallRecords, QueryCallRecordsRequest};
use serde_json::Value;

use crate::args::{StatsArgs, StatsFormat};
use crate::error::CliError;
use crate::progress::{self, Progress};
use crate::signals;
use crate::stats::{html, Stats};
use crate::time;

/// From the API: every record the flags select, fetched as `calls export` does.
pub(super) async fn from_api(client: &Client, args: StatsArgs, quiet: bool) -> Result<(), CliError> {
    let table = args.request.table()?;
    let builder = super::calls::request(client, table, args.request.fields.clone(), args.since)?;
    let title = format!("task {}", builder.request().task_id);
    let progress = Progress::new(progress::wanted_here(quiet, false));
    let mut records = builder.records();
    let mut stats = Stats::default();
    loop {
        let next = records.try_next().await;
        let Some(record) = next.map_err(|err| super::calls::call_error(client, &err))? else { break };
        if progress.shown() {
            if let Some(total) = records.stats().last_total {
                progress.set_total(u64::try_from(total).unwrap_or(0));
            }
        }
        signals::check()?;
        stats.add(&record);
        progress.inc();
    }
    drop(progress);
    write(stats, &args, &title)
}

/// From a file `calls export --format jsonl` wrote: only the task id and `--since`
/// select, as the API would (`--since` on the record's creation time).
pub(super) fn from_file(args: StatsArgs) -> Result<(), CliError> {
    let Some(path) = args.from.as_deref() else {
        return Err(CliError::usage("--from FILE names no file"));
    };
    let table = args.request.table()?;
    let mut body = args.request.fields.clone();
    table.fill_defaults(&mut body);
    let request: QueryCallRecordsRequest = crate::request_args::decode::<QueryCallRecords>(table, &body)?;
    // Any flag but the task id makes the request differ from the plain one for the task.
    let plain = QueryCallRecordsRequest::new(request.task_id.clone());
    let (given, plain) = (as_map(&request)?, as_map(&plain)?);
    let mut others: Vec<String> = given
        .iter()
        .filter(|(wire, value)| plain.get(*wire) != Some(*value))
        .map(|(wire, _)| table.flag_of(wire))
        .collect();
    if !others.is_empty() {
        others.sort();
        return Err(CliError::usage(format!(
            "--{} select records at the API; with --from only the task id and --since apply",
            others.join(", --")
        )));
    }
    let task = request.task_id;
    let since = match args.since {
        Some(span) => Some(time::since(jiff::Timestamp::now(), span).map_err(CliError::usage)?),
        None => None,
    };
    let text = path.to_string_lossy();
    if text.starts_with("sqlite:") || text.starts_with("postgres://") || text.starts_with("postgresql://") {
        return Err(CliError::usage(format!(
            "--from {text}: a database is not read yet; --from reads JSON lines (`nxlink calls export --format jsonl`)"
        )));
    }
    let mut file =
        std::fs::File::open(path).map_err(|err| CliError::local(format!("cannot open {}: {err}", path.display())))?;
    let mut magic = [0_u8; 4];
    let parquet = std::io::Read::read(&mut file, &mut magic).is_ok_and(|n| n == 4) && &magic == b"PAR1";
    if parquet {
        return Err(CliError::usage(format!(
            "{} is a Parquet file, which --from does not read yet; --from reads JSON lines \
             (`nxlink calls export --format jsonl`)",
            path.display()
        )));
    }
    std::io::Seek::rewind(&mut file)
        .map_err(|err| CliError::local(format!("cannot read {}: {err}", path.display())))?;
    let mut stats = Stats::default();
    for (index, line) in BufReader::new(file).lines().enumerate() {
        let at = || format!("{} line {}", path.display(), index + 1);
        let line = line.map_err(|err| CliError::local(format!("cannot read {}: {err}", at())))?;
        if line.trim().is_empty() {
            continue;
        }
        if index == 0 && line.trim_start().starts_with('[') {
            return Err(CliError::usage(format!(
                "{} is a JSON array; --from reads JSON lines (`nxlink calls export --format jsonl`)",
                path.display()
            )));
        }
        let record: CallRecord = serde_json::from_str(&line).map_err(|err| {
            CliError::local(format!("{}: not a call record ({err}); expected one JSON object per line", at()))
        })?;
        if record.task_id.as_deref() != Some(task.as_str()) {
            continue;
        }
        if since.is_some_and(|start| record.create_ts.is_none_or(|created| created < start)) {
            continue;
        }
        signals::check()?;
        stats.add(&record);
    }
    write(stats, &args, &path.display().to_string())
}

fn as_map(request: &QueryCallRecordsRequest) -> Result<serde_json::Map<String, Value>, CliError> {
    match serde_json::to_value(request) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(CliError::local("cannot encode the request")),
    }
}

fn write(stats: Stats, args: &StatsArgs, title: &str) -> Result<(), CliError> {
    let summary = stats.summary();
    if let Some(path) = &args.html {
        write_file(path, html::report(&summary, title).as_bytes())?;
    }
    let text = match args.format {
        StatsFormat::Table => summary.table(),
        StatsFormat::Json => {
            let mut json = serde_json::to_string_pretty(&summary)
                .map_err(|err| CliError::local(format!("cannot encode the summary: {err}")))?;
            json.push('\n');
            json
        }
    };
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::local(format!("cannot write to standard output: {err}")))
        }
        _ => Ok(()),
    }
}

/// Writes `bytes` to a temporary file beside `path` and renames it over `path`, so a
/// failure leaves what was there.
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let fail = |err: &dyn std::fmt::Display| CliError::local(format!("cannot write {}: {err}", path.display()));
    // A report is for sharing: readable by others as any new file, not 0600 as a temp file.
    let mut temp = tempfile::Builder::new()
        .prefix(".nxlink-report-")
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644))
        .tempfile_in(dir)
        .map_err(|e| fail(&e))?;
    temp.write_all(bytes).map_err(|e| fail(&e))?;
    temp.persist(path).map_err(|e| fail(&e.error))?;
    Ok(())
}
