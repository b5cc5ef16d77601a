//! `nxlink calls sync`: call records into a SQLite file or a PostgreSQL database, kept
//! up to date incrementally.
//!
//! - The table (`call_records`) is made from the spec ([`schema`]): a column per field,
//!   `extra` for unknown fields; a later run adds the columns a newer spec has.
//! - Rows are upserted by record id; a content hash tells new, updated and unchanged.
//! - Per task, `nxlink_sync_state` keeps a watermark: the newest `createTs` of the last
//!   complete scan. The next run asks only for `startTs = watermark - overlap`.
//! - The API lists newest first, so a scan is cut short at some page in the middle of
//!   its time range. Each page is committed in one transaction with the scan's progress
//!   (`scan_top`: the newest `createTs` seen; `scan_resume`: the oldest committed so
//!   far); an interrupted scan resumes with `endTs = scan_resume` and the watermark
//!   moves to `scan_top` only when the scan is complete. A killed run thus loses nothing
//!   (what was not committed is fetched again) and duplicates nothing (upserts).

mod postgres;
pub(crate) mod schema;
mod sqlite;

use std::collections::HashMap;
use std::path::PathBuf;

use clap::Args;
use futures_util::TryStreamExt;
use nxlink_client::{Client, RequestBuilder};
use nxlink_models::runtime::Operation;
use nxlink_models::{ListTasks, ListTasksRequest, QueryCallRecords, QueryCallRecordsRequest};

use crate::error::{CliError, Exit};
use crate::progress::{self, Progress};
use crate::signals;
use crate::time::{parse_span, rfc3339};

use schema::Row;

/// `nxlink calls sync` flags.
#[derive(Debug, Args)]
pub(crate) struct SyncArgs {
    /// Task to sync (repeat for several)
    #[arg(long = "task-id", value_name = "ID", required_unless_present = "all_tasks", conflicts_with = "all_tasks")]
    pub(crate) task_ids: Vec<String>,

    /// Sync every task of the account (listed with the list-tasks endpoint)
    #[arg(long)]
    pub(crate) all_tasks: bool,

    /// Database: sqlite:PATH (a file, created when missing) or
    /// postgres://USER:PASSWORD@HOST:PORT/DB (password and port optional)
    #[arg(long, value_name = "URL", env = "NXLINK_DB", default_value = "sqlite:nxlink-calls.db")]
    pub(crate) db: String,

    /// Fetch again the records created in this span before the watermark, to catch
    /// records the service updates after it first lists them
    #[arg(long, value_name = "SPAN", default_value = "1h", value_parser = parse_span)]
    pub(crate) overlap: jiff::SignedDuration,

    /// Records per request
    #[arg(long, value_name = "N", default_value_t = 100, value_parser = clap::value_parser!(i32).range(1..=1000))]
    pub(crate) page_size: i32,

    /// Pages fetched ahead at once
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub(crate) concurrency: u16,

    /// Attempts after the first for a failed request (default: the client's policy)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=20))]
    pub(crate) retries: Option<u32>,
}

/// A store's failure, with the exit it maps to.
#[derive(Debug)]
pub(crate) enum StoreError {
    /// The `--db` value is wrong (exit 2).
    Usage(String),
    /// The database cannot be reached or dropped the connection (exit 5).
    Network(String),
    /// The database refused a statement or cannot be written (exit 1).
    Local(String),
}

impl From<StoreError> for CliError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Usage(text) => CliError::usage(text),
            StoreError::Network(text) => CliError::new(Exit::Network, text)
                .with_hint("check that the database runs and the URL; a run again resumes where this one stopped"),
            StoreError::Local(text) => CliError::local(text),
        }
    }
}

/// A task's sync state, as stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct State {
    /// Every record created at or before this (seconds) was synced by a complete scan.
    pub(crate) watermark: Option<i64>,
    /// The newest `createTs` an unfinished scan has committed.
    pub(crate) scan_top: Option<i64>,
    /// An unfinished scan has committed every record of its range created after this;
    /// it resumes with `endTs` here (inclusive, for the records of the same second).
    pub(crate) scan_resume: Option<i64>,
}

/// What opening the table changed in it, for the user to hear about.
#[derive(Debug, Default)]
pub(crate) struct Migration {
    /// Columns added (the spec has fields the table lacked).
    pub(crate) added: Vec<String>,
    /// Columns whose type was widened, as `name (old to new)`.
    pub(crate) widened: Vec<String>,
}

impl Migration {
    fn is_empty(&self) -> bool {
        self.added.is_empty() && self.widened.is_empty()
    }
}

/// What a sync did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) new: u64,
    pub(crate) updated: u64,
    pub(crate) unchanged: u64,
    /// Records with no id: not stored, since they cannot be upserted.
    pub(crate) without_id: u64,
    pub(crate) pages: u64,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.new += other.new;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
        self.without_id += other.without_id;
        self.pages += other.pages;
    }
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} new, {} updated, {} unchanged", self.new, self.updated, self.unchanged)?;
        if self.without_id > 0 {
            write!(f, ", {} without an id (not stored)", self.without_id)?;
        }
        write!(f, " ({} page{})", self.pages, if self.pages == 1 { "" } else { "s" })
    }
}

/// Which rows of a page to write, and the counts: a row whose id is not stored is new,
/// one whose stored hash differs (or was reset by a migration) is updated, the rest
/// unchanged. A repeated id in a page is written once (the last copy).
pub(crate) fn classify<'a>(rows: &'a [Row], stored: &HashMap<String, Option<String>>) -> (Vec<&'a Row>, Counts) {
    let mut last: HashMap<String, usize> = HashMap::new();
    for (index, row) in rows.iter().enumerate() {
        last.insert(row.key(), index);
    }
    let mut counts = Counts::default();
    let mut writes = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        if last.get(&row.key()) != Some(&index) {
            counts.unchanged += 1;
            continue;
        }
        match stored.get(&row.key()) {
            None => counts.new += 1,
            Some(Some(hash)) if hash == row.hash() => {
                counts.unchanged += 1;
                continue;
            }
            Some(_) => counts.updated += 1,
        }
        writes.push(row);
    }
    (writes, counts)
}

/// A database: where `--db` points, or `calls stats --from` reads.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Target {
    Sqlite(PathBuf),
    Postgres(String),
}

/// The database `url` names (`sqlite:PATH`, `postgres://...`), or `None`.
pub(crate) fn database(url: &str) -> Option<Target> {
    if let Some(rest) = url.strip_prefix("sqlite:") {
        return Some(Target::Sqlite(PathBuf::from(rest.strip_prefix("//").unwrap_or(rest))));
    }
    (url.starts_with("postgres://") || url.starts_with("postgresql://")).then(|| Target::Postgres(url.to_owned()))
}

/// Parses `--db`, checking what can be checked before connecting.
fn target(url: &str) -> Result<Target, CliError> {
    match database(url) {
        Some(Target::Sqlite(path)) => {
            if path.as_os_str().is_empty() {
                return Err(CliError::usage("--db sqlite: names no file; expected sqlite:PATH, e.g. sqlite:calls.db"));
            }
            let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
            if !parent.is_dir() {
                return Err(CliError::usage(format!(
                    "--db sqlite:{}: the directory {} does not exist; create it or name a file in an existing directory",
                    path.display(),
                    parent.display()
                )));
            }
            return Ok(Target::Sqlite(path));
        }
        Some(postgres) => return Ok(postgres),
        None => {}
    }
    // Only the scheme: the rest may hold a password.
    let scheme = url.split_once(':').map_or(url, |(scheme, _)| scheme);
    Err(CliError::usage(format!(
        "--db: unsupported database `{scheme}`; expected sqlite:PATH or postgres://USER@HOST:PORT/DB"
    )))
}

enum Store {
    Sqlite(sqlite::Sqlite),
    Postgres(postgres::Postgres),
}

impl Store {
    async fn open(target: &Target) -> Result<Self, StoreError> {
        Ok(match target {
            Target::Sqlite(path) => Self::Sqlite(sqlite::Sqlite::open(path)?),
            Target::Postgres(url) => Self::Postgres(postgres::Postgres::connect(url).await?),
        })
    }

    async fn migrate(&mut self) -> Result<Migration, StoreError> {
        match self {
            Self::Sqlite(db) => db.migrate(),
            Self::Postgres(db) => db.migrate().await,
        }
    }

    async fn state(&mut self, task: &str) -> Result<State, StoreError> {
        match self {
            Self::Sqlite(db) => db.state(task),
            Self::Postgres(db) => db.state(task).await,
        }
    }

    async fn commit_page(&mut self, task: &str, rows: &[Row], state: &State) -> Result<Counts, StoreError> {
        match self {
            Self::Sqlite(db) => db.commit_page(task, rows, state),
            Self::Postgres(db) => db.commit_page(task, rows, state).await,
        }
    }

    async fn finish(&mut self, task: &str, state: &State) -> Result<(), StoreError> {
        match self {
            Self::Sqlite(db) => db.finish(task, state),
            Self::Postgres(db) => db.finish(task, state).await,
        }
    }
}

/// Checks `--db` before anything connects: a bad value is a usage error even when the
/// API is unreachable.
pub(crate) fn check(args: &SyncArgs) -> Result<(), CliError> {
    schema::check_names().map_err(CliError::local)?;
    target(&args.db).map(|_| ())
}

/// The client settings the sync wants.
pub(crate) fn client_options(args: &SyncArgs) -> (usize, Option<u32>) {
    (usize::from(args.concurrency), args.retries)
}

/// Runs the sync of every task asked for.
pub(crate) async fn run(client: &Client, args: SyncArgs, quiet: bool) -> Result<(), CliError> {
    let target = target(&args.db)?;
    let mut store = Store::open(&target).await?;
    let migration = store.migrate().await?;
    if !quiet {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let Migration { added, widened } = &migration;
        if !added.is_empty() {
            eprintln!("added column{} to {}: {}", plural(added.len()), schema::TABLE, added.join(", "));
        }
        if !widened.is_empty() {
            eprintln!("widened column{} of {}: {}", plural(widened.len()), schema::TABLE, widened.join(", "));
        }
    }
    let tasks = if args.all_tasks { all_tasks(client).await? } else { dedup(args.task_ids.clone()) };
    let mut total = Counts::default();
    for task in &tasks {
        let (counts, state) = sync_task(client, &mut store, task, &args, quiet).await?;
        if !quiet {
            let watermark = state.watermark.map_or_else(|| "none (no records)".to_owned(), rfc3339);
            eprintln!("synced task {task}: {counts}; watermark {watermark}");
        }
        total.add(counts);
    }
    if !quiet && tasks.len() != 1 {
        eprintln!("synced {} task{}: {total}", tasks.len(), if tasks.len() == 1 { "" } else { "s" });
    }
    Ok(())
}

/// Calls `visit` with every record a sync stored in `target`, as its JSON object (the
/// record's JSONL line), without writing to the database.
pub(crate) async fn read(
    target: &Target,
    visit: impl FnMut(serde_json::Map<String, serde_json::Value>) -> Result<(), CliError>,
) -> Result<(), CliError> {
    match target {
        Target::Sqlite(path) => sqlite::read(path, visit),
        Target::Postgres(url) => postgres::Postgres::connect(url).await?.read(visit).await,
    }
}

fn dedup(tasks: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    tasks.into_iter().filter(|task| seen.insert(task.clone())).collect()
}

/// The task ids of the account, through the list-tasks endpoint.
async fn all_tasks(client: &Client) -> Result<Vec<String>, CliError> {
    let items = RequestBuilder::<ListTasks>::new(client.clone(), ListTasksRequest::new()).items();
    let tasks: Vec<nxlink_models::Task> = items
        .try_collect()
        .await
        .map_err(|err| CliError::from_call(&err, client.base_url(), ListTasks::ENDPOINT.path))?;
    Ok(dedup(tasks.into_iter().filter_map(|task| task.task_id).filter(|id| !id.is_empty()).collect()))
}

/// One task: resumes an unfinished scan or starts one at the watermark minus the
/// overlap; commits page by page; moves the watermark at the end.
async fn sync_task(
    client: &Client,
    store: &mut Store,
    task: &str,
    args: &SyncArgs,
    quiet: bool,
) -> Result<(Counts, State), CliError> {
    let id = schema::id_column()
        .ok_or_else(|| CliError::local("the spec names no id field for call records: rows cannot be upserted"))?;
    let stored = store.state(task).await?;
    let overlap = args.overlap.as_secs().max(0);
    let start = stored.watermark.map(|watermark| watermark.saturating_sub(overlap).max(0));
    let mut scan = stored;
    let mut counts = Counts::default();
    let resume = stored.scan_resume;
    let empty_range = matches!((start, resume), (Some(start), Some(end)) if end < start);
    if !empty_range {
        let mut request = QueryCallRecordsRequest::new(task);
        request.start_ts = start;
        request.end_ts = resume;
        request.page_size = args.page_size;
        tracing::debug!(task, ?start, end = ?resume, "sync scan");
        let mut pages = RequestBuilder::<QueryCallRecords>::new(client.clone(), request).pages();
        let progress = Progress::new(progress::wanted_here(quiet, false));
        while let Some(page) = pages
            .try_next()
            .await
            .map_err(|err| CliError::from_call(&err, client.base_url(), QueryCallRecords::ENDPOINT.path))?
        {
            signals::check()?;
            if let Some(total) = page.total {
                progress.set_total(u64::try_from(total).unwrap_or(0));
            }
            let mut rows = Vec::with_capacity(page.list.len());
            for record in &page.list {
                progress.inc();
                match Row::of(record, id).map_err(CliError::local)? {
                    Some(row) => rows.push(row),
                    None => counts.without_id += 1,
                }
                if let Some(created) = record.create_ts {
                    scan.scan_top = Some(scan.scan_top.map_or(created, |top| top.max(created)));
                    scan.scan_resume = Some(scan.scan_resume.map_or(created, |low| low.min(created)));
                }
            }
            if page.list.is_empty() {
                continue;
            }
            let page_counts = store.commit_page(task, &rows, &scan).await?;
            counts.add(Counts { pages: 1, ..page_counts });
        }
    }
    // Complete: everything up to the newest record seen is in.
    let done = State {
        watermark: match (stored.watermark, scan.scan_top) {
            (Some(old), Some(top)) => Some(old.max(top)),
            (old, top) => top.or(old),
        },
        scan_top: None,
        scan_resume: None,
    };
    store.finish(task, &done).await?;
    Ok((counts, done))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn db_urls_are_checked_before_connecting() {
        assert_eq!(target("sqlite:calls.db").unwrap(), Target::Sqlite(PathBuf::from("calls.db")));
        assert_eq!(target("sqlite:///tmp/calls.db").unwrap(), Target::Sqlite(PathBuf::from("/tmp/calls.db")));
        assert!(matches!(target("postgres://u@127.0.0.1:1/db").unwrap(), Target::Postgres(_)));
        assert!(matches!(target("postgresql://u@127.0.0.1/db").unwrap(), Target::Postgres(_)));
        let err = target("mysql://root:hunter2@db/x").unwrap_err();
        assert_eq!(err.exit, Exit::Usage);
        assert!(err.to_string().contains("unsupported database `mysql`"), "{err}");
        assert!(!err.to_string().contains("hunter2"), "{err}");
        let err = target("sqlite:/nonexistent-dir-nxlink/calls.db").unwrap_err();
        assert_eq!(err.exit, Exit::Usage);
        assert!(err.to_string().contains("the directory /nonexistent-dir-nxlink does not exist"), "{err}");
        assert_eq!(target("sqlite:").unwrap_err().exit, Exit::Usage);
    }

    fn row(id: i64, hash: &str) -> Row {
        let mut values = serde_json::Map::new();
        values.insert(schema::HASH.to_owned(), hash.into());
        Row { id: id.into(), values }
    }

    #[test]
    fn rows_are_new_updated_or_unchanged_by_their_stored_hash() {
        let rows = [row(1, "a"), row(2, "b"), row(3, "c"), row(4, "d"), row(4, "e")];
        let stored: HashMap<String, Option<String>> =
            [("2".to_owned(), Some("b".to_owned())), ("3".to_owned(), Some("x".to_owned())), ("1".to_owned(), None)]
                .into_iter()
                .filter(|(key, _)| key != "1")
                .chain([("5".to_owned(), None)])
                .collect();
        let (writes, counts) = classify(&rows, &stored);
        let written: Vec<(String, &str)> = writes.iter().map(|r| (r.key(), r.hash())).collect();
        assert_eq!(written, [("1".to_owned(), "a"), ("3".to_owned(), "c"), ("4".to_owned(), "e")]);
        assert_eq!((counts.new, counts.updated, counts.unchanged), (2, 1, 2));
        // A hash reset by a migration (NULL) is an update.
        let stored: HashMap<String, Option<String>> = [("1".to_owned(), None)].into_iter().collect();
        let (writes, counts) = classify(&rows[..1], &stored);
        assert_eq!((writes.len(), counts.updated), (1, 1));
    }
}
