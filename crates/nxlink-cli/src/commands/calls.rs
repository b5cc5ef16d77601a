//! `nxlink calls list` (one page) and `nxlink calls export` (every page, streamed).

use futures_util::TryStreamExt;
use nxlink_client::{Client, DriftReport, ItemStream, RequestBuilder, ScanStats};
use nxlink_models::runtime::Operation;
use nxlink_models::{CallRecord, QueryCallRecords};

use serde_json::{Map, Value};

use clap::ValueEnum;

use crate::args::{ExportArgs, Format, ListArgs, PartitionBy, QueryArgs};
use crate::error::CliError;
use crate::output::{RecordOutput, WriteError};
use crate::progress::{self, Progress};
use crate::request_args::EndpointArgs;
use crate::signals;
use crate::time;

pub(super) async fn list(client: &Client, args: ListArgs, quiet: bool) -> Result<(), CliError> {
    let builder = request(client, args.request.table()?, args.request.fields.clone(), args.query.since)?;
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
    let table = args.request.table()?;
    let mut fields = args.request.fields.clone();
    if let Some(page_size) = QueryCallRecords::ENDPOINT.pagination.map(|p| p.page_size) {
        let default = table.default_of(page_size).unwrap_or(i64::MAX);
        if limit < u64::try_from(default).unwrap_or(u64::MAX) {
            // Fetch no more than asked for: `--limit 20` is one request of 20.
            fields.entry(page_size).or_insert_with(|| limit.into());
        }
    }
    let builder = request(client, table, fields, query.since)?;
    let mut output = ExportOutput::create(query, args.partition_by)?;
    let progress = Progress::new(progress::wanted_here(quiet, query.output.is_some()));
    let mut scan = Scan::new(client, builder, progress, limit);
    let mut written = 0_u64;
    while written < limit {
        // An error drops `output` on the way out, which removes a partial --output file.
        let Some(record) = scan.next().await? else { break };
        match output.write(&record) {
            Ok(()) => {}
            Err(WriteError::ClosedPipe) => return Ok(()),
            Err(WriteError::Failed(err)) => return Err(err),
        }
        written += 1;
    }
    let stats = scan.stats();
    tracing::debug!(
        records = written,
        pages = stats.pages,
        duplicates_skipped = stats.duplicates_skipped,
        total_changes = stats.total_changes,
        "export done"
    );
    signals::check()?;
    if output.finish()? {
        report_written(query, written, quiet);
        note_drift(&stats.drift, quiet);
    }
    Ok(())
}

/// The records of a scan as a command hands them on: a signal checked before each, the
/// progress bar counting them up to `limit` with its total kept from the scan's, and an
/// error in the command's words.
pub(super) struct Scan<'c> {
    client: &'c Client,
    records: ItemStream<QueryCallRecords>,
    progress: Progress,
    limit: u64,
}

impl<'c> Scan<'c> {
    pub(super) fn new(
        client: &'c Client,
        builder: RequestBuilder<QueryCallRecords>,
        progress: Progress,
        limit: u64,
    ) -> Self {
        Self { client, records: builder.records(), progress, limit }
    }

    /// The next record, or `None` at the end of the scan.
    pub(super) async fn next(&mut self) -> Result<Option<CallRecord>, CliError> {
        let next = self.records.try_next().await;
        let Some(record) = next.map_err(|err| call_error(self.client, &err))? else { return Ok(None) };
        // `stats()` clones the scan's statistics, drift report included: only for a bar
        // someone sees, not once per record of every export.
        if self.progress.shown() {
            if let Some(total) = self.records.stats().last_total {
                self.progress.set_total(u64::try_from(total).unwrap_or(0).min(self.limit));
            }
        }
        signals::check()?;
        self.progress.inc();
        Ok(Some(record))
    }

    /// What the scan has seen so far.
    pub(super) fn stats(&self) -> ScanStats {
        self.records.stats()
    }
}

/// Where `export` writes: the output every format shares, or the directory of
/// `--partition-by`.
enum ExportOutput {
    Records(RecordOutput),
    #[cfg(feature = "parquet")]
    Partitioned(crate::parquet::PartitionedOutput<CallRecord>),
}

impl ExportOutput {
    fn create(query: &QueryArgs, partition_by: Option<PartitionBy>) -> Result<Self, CliError> {
        let Some(PartitionBy::Day) = partition_by else {
            return Ok(Self::Records(RecordOutput::create::<CallRecord>(query.format, query.output.as_deref())?));
        };
        if query.format != Format::Parquet {
            let format = query.format.to_possible_value().map(|v| v.get_name().to_owned()).unwrap_or_default();
            return Err(CliError::usage(format!(
                "--partition-by goes with --format parquet (a directory of Parquet files), not --format {format}"
            )));
        }
        #[cfg(not(feature = "parquet"))]
        return Err(crate::encode::parquet_left_out());
        #[cfg(feature = "parquet")]
        {
            let Some(dir) = query.output.as_deref() else {
                return Err(CliError::usage(
                    "--partition-by writes a directory: give it with -o DIR (standard output cannot hold one)",
                ));
            };
            Ok(Self::Partitioned(crate::parquet::PartitionedOutput::create(CallRecord::COLUMNS, partition_time, dir)?))
        }
    }

    fn write(&mut self, record: &CallRecord) -> Result<(), WriteError> {
        match self {
            Self::Records(output) => output.write(record),
            #[cfg(feature = "parquet")]
            Self::Partitioned(output) => output.write(record).map_err(WriteError::Failed),
        }
    }

    fn finish(self) -> Result<bool, CliError> {
        match self {
            Self::Records(output) => finish(output),
            #[cfg(feature = "parquet")]
            Self::Partitioned(output) => output.finish().map(|()| true),
        }
    }
}

/// The time `--partition-by day` files a record under: the call's start (Unix seconds,
/// the spec's `unixSeconds`), the time the record is about: a call queued one day and
/// dialled the next belongs to the day it was made.
#[cfg(feature = "parquet")]
fn partition_time(record: &CallRecord) -> Option<i64> {
    record.call_start
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

pub(super) fn call_error(client: &Client, err: &nxlink_client::Error) -> CliError {
    CliError::from_call(err, client.base_url(), QueryCallRecords::ENDPOINT.path)
}

/// The request the flags describe, `--since` turned into its start time, checked by
/// the generated validation (errors in the flags' words).
pub(super) fn request(
    client: &Client,
    table: &EndpointArgs,
    mut fields: Map<String, Value>,
    since: Option<jiff::SignedDuration>,
) -> Result<RequestBuilder<QueryCallRecords>, CliError> {
    let mut since_shown = None;
    if let (Some(span), Some(start)) = (since, table.start_time()) {
        let seconds = time::since(jiff::Timestamp::now(), span).map_err(CliError::usage)?;
        fields.insert(start.to_owned(), seconds.into());
        since_shown = Some((start, format!("--since {span:#} (start {})", time::rfc3339(seconds))));
    }
    table.fill_defaults(&mut fields);
    let shown = |wire: &str| since_shown.as_ref().filter(|(start, _)| *start == wire).map(|(_, text)| text.clone());
    let request = crate::request_args::request::<QueryCallRecords>(table, &fields, &shown)?;
    Ok(RequestBuilder::new(client.clone(), request))
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

#[cfg(all(test, feature = "parquet"))]
mod tests {
    use super::*;

    #[test]
    fn a_call_queued_before_midnight_and_started_after_goes_under_the_day_it_started() {
        let mut record = CallRecord::default();
        record.create_ts = Some(1_796_169_590); // 2026-12-01T23:59:50Z
        record.call_start = Some(1_796_169_630); // 2026-12-02T00:00:30Z
        record.op_ts = record.create_ts;
        assert_eq!(crate::parquet::day_partition(partition_time(&record)), "date=2026-12-02");
        record.call_start = None;
        assert_eq!(crate::parquet::day_partition(partition_time(&record)), "date=__HIVE_DEFAULT_PARTITION__");
    }
}
