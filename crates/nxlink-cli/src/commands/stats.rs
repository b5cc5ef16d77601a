//! `nxlink calls stats`: the records of a task, from the API or what `--from` names, added
//! up ([`crate::stats`]) and printed as a table or JSON, with an HTML report on request.

use std::io::Write as _;

use nxlink_client::Client;
use nxlink_models::{QueryCallRecords, QueryCallRecordsRequest};
use serde_json::Value;

use crate::args::{StatsArgs, StatsFormat};
use crate::error::CliError;
use crate::progress::{self, Progress};
use crate::readback::{self, Source};
use crate::signals;
use crate::stats::{html, Stats};
use crate::time;

/// From the API: every record the flags select, fetched as `calls export` does.
pub(super) async fn from_api(client: &Client, args: StatsArgs, quiet: bool) -> Result<(), CliError> {
    let table = args.request.table()?;
    let builder = super::calls::request(client, table, args.request.fields.clone(), args.since)?;
    let title = format!("task {}", builder.request().task_id);
    let progress = Progress::new(progress::wanted_here(quiet, false));
    let mut scan = super::calls::Scan::new(client, builder, progress, u64::MAX);
    let mut stats = Stats::default();
    while let Some(record) = scan.next().await? {
        stats.add(&record);
    }
    drop(scan);
    write(stats, &args, &title)
}

/// From what `--from` names (a JSONL or Parquet export, or a sync database,
/// [`readback`]): only the task id and `--since` select, as the API would (`--since` on
/// the record's creation time).
pub(super) async fn from_local(args: StatsArgs) -> Result<(), CliError> {
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
    let source = Source::of(path)?;
    let mut stats = Stats::default();
    readback::for_each(&source, |record| {
        let other_task = record.task_id.as_deref() != Some(task.as_str());
        let too_old = since.is_some_and(|start| record.create_ts.is_none_or(|created| created < start));
        if !other_task && !too_old {
            signals::check()?;
            stats.add(&record);
        }
        Ok(())
    })
    .await?;
    // A URL may hold a password: the title shows the database, never the URL.
    let title = match &source {
        Source::Database(crate::sync::Target::Postgres(_)) => "a PostgreSQL database".to_owned(),
        Source::Stdin => "standard input".to_owned(),
        _ => path.display().to_string(),
    };
    write(stats, &args, &title)
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
        // A report is for sharing: readable by others as any new file, not 0600 as an export.
        crate::output::write_whole(path, html::report(&summary, title).as_bytes(), 0o644, "--html")?;
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
