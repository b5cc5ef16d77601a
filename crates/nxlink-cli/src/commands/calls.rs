//! `nxlink calls list` (one page) and `nxlink calls export` (every page, streamed).

use futures_util::TryStreamExt;
use nxlink_client::{Client, DriftReport, RequestBuilder};
use nxlink_models::runtime::Operation;
use nxlink_models::QueryCallRecords;

use crate::args::{intent_results, ExportArgs, Format, ListArgs, QueryArgs};
use crate::error::CliError;
use crate::output::{RecordOutput, WriteError};
use crate::progress::{self, Progress};
use crate::signals;
use crate::time;

/// The request's default page size, used to decide whether `--limit` can shrink it.
const DEFAULT_PAGE_SIZE: i32 = 100;

pub(super) async fn list(client: &Client, args: ListArgs, quiet: bool) -> Result<(), CliError> {
    let builder = request(client, &args.query)?.page_number(args.page);
    validate(&builder)?;
    let mut output =
        RecordOutput::create::<nxlink_models::CallRecord>(args.query.format, args.query.output.as_deref())?;
    let page = builder.send().await.map_err(|err| call_error(client, &err))?;
    tracing::debug!(total = ?page.total, records = page.list.len(), trace_id = ?page.trace_id(), "page received");
    if !quiet && page.list.is_empty() {
        tracing::info!(total = ?page.total, "no records on this page");
    }
    let limit = args.query.limit.map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX));
    let mut written = 0_u64;
    for record in page.list.iter().take(limit) {
        signals::check()?;
        match output.write(record) {
            Ok(()) => written += 1,
            Err(WriteError::ClosedPipe) => return Ok(()),
            Err(WriteError::Failed(err)) => return Err(err),
        }
    }
    // Not published once a signal came: the command was stopped.
    signals::check()?;
    if !finish(output)? {
        return Ok(());
    }
    note_drift(&page.drift_report(), quiet);
    if !quiet && args.query.format == Format::Table {
        match page.total {
            Some(total) => eprintln!("{written} of {total} records"),
            None => eprintln!("{written} records (the server sent no total)"),
        }
    }
    report_written(&args.query, written, quiet);
    Ok(())
}

pub(super) async fn export(client: &Client, args: ExportArgs, quiet: bool) -> Result<(), CliError> {
    let query = &args.query;
    let limit = query.limit.unwrap_or(u64::MAX);
    let mut builder = request(client, query)?;
    if query.page_size.is_none() && limit < DEFAULT_PAGE_SIZE as u64 {
        // Fetch no more than asked for: `--limit 20` is one request of 20.
        builder = builder.page_size(i32::try_from(limit).unwrap_or(DEFAULT_PAGE_SIZE));
    }
    validate(&builder)?;
    let mut output = RecordOutput::create::<nxlink_models::CallRecord>(query.format, query.output.as_deref())?;
    let progress = Progress::new(progress::wanted_here(quiet, query.output.is_some()));
    let mut records = builder.records();
    let mut written = 0_u64;
    while written < limit {
        let next = records.try_next().await;
        // An error drops `output` on the way out, which removes a partial --output file.
        let Some(record) = next.map_err(|err| call_error(client, &err))? else { break };
        if let Some(total) = records.stats().last_total {
            progress.set_total(u64::try_from(total).unwrap_or(0).min(limit));
        }
        signals::check()?;
        match output.write(&record) {
            Ok(()) => {}
            Err(WriteError::ClosedPipe) => return Ok(()),
            Err(WriteError::Failed(err)) => return Err(err),
        }
        written += 1;
        progress.inc();
    }
    let stats = records.stats();
    tracing::debug!(
        records = written,
        pages = stats.pages,
        duplicates_skipped = stats.duplicates_skipped,
        total_changes = stats.total_changes,
        "export done"
    );
    signals::check()?;
    if finish(output)? {
        report_written(query, written, quiet);
        note_drift(&stats.drift, quiet);
    }
    Ok(())
}

/// One line when the API sent fields or codes the SDK does not know: they are in the
/// output all the same, but the person should know the SDK is behind the API.
fn note_drift(drift: &DriftReport, quiet: bool) {
    if !quiet && !drift.is_empty() {
        eprintln!(
            "note: the API sent fields or codes this version does not know (objects carrying each): {drift}; \
             they are kept in json, jsonl and csv (`extra`); to type them, update spec/ (README: \
             \"When the vendor's docs change\") or a newer nxlink"
        );
    }
}

/// `wrote N records to FILE` on stderr after an `--output` run, for the person who
/// otherwise sees nothing at all.
fn report_written(query: &QueryArgs, written: u64, quiet: bool) {
    if let (false, Some(path)) = (quiet, &query.output) {
        eprintln!("wrote {written} record{} to {}", if written == 1 { "" } else { "s" }, path.display());
    }
}

fn call_error(client: &Client, err: &nxlink_client::Error) -> CliError {
    CliError::from_call(err, client.base_url(), QueryCallRecords::ENDPOINT.path)
}

/// The request the filters describe, before paging options.
fn request(client: &Client, query: &QueryArgs) -> Result<RequestBuilder<QueryCallRecords>, CliError> {
    let mut builder = client.query_call_records(query.task_id.trim());
    let start = match (query.start, query.since) {
        (Some(start), _) => Some((start, format!("--start {}", time::rfc3339(start)))),
        (None, Some(span)) => {
            let start = time::since(jiff::Timestamp::now(), span).map_err(CliError::usage)?;
            Some((start, format!("--since {span:#} (start {})", time::rfc3339(start))))
        }
        (None, None) => None,
    };
    check_window(start.as_ref().map(|(seconds, flag)| (*seconds, flag.as_str())), query.end)?;
    check_intent(query)?;
    let start = start.map(|(seconds, _)| seconds);
    if let Some(start) = start {
        builder = builder.start_ts(start);
    }
    if let Some(end) = query.end {
        builder = builder.end_ts(end);
    }
    if let Some(call_id) = &query.call_id {
        builder = builder.call_id(call_id.as_str());
    }
    if let Some(phone) = &query.phone {
        builder = builder.phone(phone.as_str());
    }
    if let Some(result) = query.result {
        builder = builder.call_result(result);
    }
    if let Some(intent) = &query.intent {
        builder = builder.user_intent(intent.as_str());
    }
    if let Some(min) = query.min_elapsed {
        builder = builder.min_elapsed(min);
    }
    if let Some(max) = query.max_elapsed {
        builder = builder.max_elapsed(max);
    }
    if let Some(size) = query.page_size {
        builder = builder.page_size(size);
    }
    Ok(builder)
}

/// The time window in the words of the flags that set it (`start` is the flag and its
/// time, e.g. `--start 2025-05-01T00:00:00Z`), times in RFC 3339, before the request's
/// own validation would name wire fields and print raw seconds.
fn check_window(start: Option<(i64, &str)>, end: Option<i64>) -> Result<(), CliError> {
    let epoch = time::rfc3339(0);
    if let Some((_, start)) = start.filter(|(seconds, _)| *seconds < 0) {
        return Err(CliError::usage(format!("{start} is before {epoch}; expected a time from then on")));
    }
    if let Some(end) = end.filter(|end| *end < 0) {
        return Err(CliError::usage(format!(
            "--end {} is before {epoch}; expected a time from then on",
            time::rfc3339(end)
        )));
    }
    if let (Some((seconds, start)), Some(end)) = (start, end) {
        if seconds > end {
            return Err(CliError::usage(format!(
                "{start} is after --end {}; expected the start at or before the end",
                time::rfc3339(end)
            )));
        }
    }
    Ok(())
}

/// `--intent` filters on a tag that only some results carry (the generated predicate
/// says which).
fn check_intent(query: &QueryArgs) -> Result<(), CliError> {
    let intent = query.intent.as_deref().filter(|intent| !intent.is_empty());
    if let (Some(_), Some(result)) = (intent, query.result) {
        if !result.is_intent_available() {
            let name = if result.is_unknown() {
                "a code this version does not know".to_owned()
            } else {
                crate::suggest::kebab(result.name())
            };
            return Err(CliError::usage(format!(
                "--intent needs --result {}; got --result {} ({name})",
                intent_results(),
                result.code()
            )));
        }
    }
    Ok(())
}

/// Checks the request against the spec before anything is sent, so a bad flag value is
/// a usage error (exit 2) even when the server is unreachable.
fn validate(builder: &RequestBuilder<QueryCallRecords>) -> Result<(), CliError> {
    builder.request().validate().map_err(|invalid| CliError::invalid(QueryCallRecords::ENDPOINT.path, &invalid))
}

/// Finishes the output: true when everything was written, false when the reader
/// closed the pipe (which ends the command quietly).
fn finish(output: RecordOutput) -> Result<bool, CliError> {
    match output.finish() {
        Ok(()) => Ok(true),
        Err(WriteError::ClosedPipe) => Ok(false),
        Err(WriteError::Failed(err)) => Err(err),
    }
}
