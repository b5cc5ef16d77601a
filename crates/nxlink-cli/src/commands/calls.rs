//! `nxlink calls list` (one page) and `nxlink calls export` (every page, streamed).

use futures_util::TryStreamExt;
use nxlink_client::{Client, RequestBuilder};
use nxlink_models::QueryCallRecords;

use crate::args::{ExportArgs, ListArgs, QueryArgs};
use crate::error::CliError;
use crate::output::{RecordOutput, WriteError};
use crate::progress::{self, Progress};
use crate::time;

/// The request's default page size, used to decide whether `--limit` can shrink it.
const DEFAULT_PAGE_SIZE: i32 = 100;

pub(super) async fn list(client: &Client, args: ListArgs, quiet: bool) -> Result<(), CliError> {
    let builder = request(client, &args.query)?.page_number(args.page);
    validate(&builder)?;
    let mut output = RecordOutput::create(args.query.format, args.query.output.as_deref())?;
    let page = builder.send().await.map_err(|err| CliError::from_api(&err))?;
    tracing::debug!(total = ?page.total, records = page.list.len(), trace_id = ?page.trace_id(), "page received");
    if !quiet && page.list.is_empty() {
        tracing::info!(total = ?page.total, "no records on this page");
    }
    let limit = args.query.limit.map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX));
    for record in page.list.iter().take(limit) {
        match output.write(record) {
            Ok(()) => {}
            Err(WriteError::ClosedPipe) => return Ok(()),
            Err(WriteError::Failed(err)) => return Err(err),
        }
    }
    finish(output)
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
    let mut output = RecordOutput::create(query.format, query.output.as_deref())?;
    let progress = Progress::new(progress::wanted_here(quiet, query.output.is_some()));
    let mut records = builder.records();
    let mut written = 0_u64;
    while written < limit {
        let next = records.try_next().await;
        // An error drops `output` on the way out, which removes a partial --output file.
        let Some(record) = next.map_err(|err| CliError::from_api(&err))? else { break };
        if let Some(total) = records.stats().last_total {
            progress.set_total(u64::try_from(total).unwrap_or(0).min(limit));
        }
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
    finish(output)
}

/// The request the filters describe, before paging options.
fn request(client: &Client, query: &QueryArgs) -> Result<RequestBuilder<QueryCallRecords>, CliError> {
    let mut builder = client.query_call_records(query.task_id.trim());
    let start = match (query.start, query.since) {
        (Some(start), _) => Some(start),
        (None, Some(span)) => Some(time::since(jiff::Timestamp::now(), span).map_err(CliError::usage)?),
        (None, None) => None,
    };
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

/// Checks the request against the spec before anything is sent, so a bad flag value is
/// a usage error (exit 2) even when the server is unreachable.
fn validate(builder: &RequestBuilder<QueryCallRecords>) -> Result<(), CliError> {
    builder.request().validate().map_err(|invalid| CliError::from_api(&nxlink_client::Error::Validation(invalid)))
}

fn finish(output: RecordOutput) -> Result<(), CliError> {
    match output.finish() {
        Ok(()) | Err(WriteError::ClosedPipe) => Ok(()),
        Err(WriteError::Failed(err)) => Err(err),
    }
}
