//! `nxlink agents|routes|tasks|contacts`: the campaign commands.

use std::io::Write;

use futures_util::{StreamExt, TryStreamExt};
use nxlink_client::{AppendContactsRequest, Client, Error as ApiCallError, RequestBuilder, StartupType};
use nxlink_models::runtime::{Operation, PaginatedOperation};
use nxlink_models::{AppendContacts, CreateTask, DeleteContact};

use super::contact_file::{Line, Source};
use crate::args::{ContactsAppendArgs, ContactsDeleteArgs, Format, KeepAndStartup, ScanArgs, Startup, TaskCreateArgs};
use crate::error::{CliError, Exit};
use crate::output::{RecordOutput, WriteError};
use crate::table::Item;

/// Items a page when a list command scans (the spec's defaults are smaller).
const SCAN_PAGE_SIZE: i64 = 100;

/// Batches sent at once by `contacts append`.
const APPEND_CONCURRENCY: usize = 8;

fn call_error<Op: Operation>(client: &Client, err: &ApiCallError) -> CliError {
    CliError::from_call(err, client.base_url(), Op::ENDPOINT.path)
}

/// Writes every item of a scan in `format` to stdout.
async fn print_all<Op>(client: &Client, format: Format, items: nxlink_client::ItemStream<Op>) -> Result<(), CliError>
where
    Op: PaginatedOperation,
    Op::Item: Item,
{
    let mut output = RecordOutput::create::<Op::Item>(format, None)?;
    let mut items = items;
    while let Some(item) = items.try_next().await.map_err(|err| call_error::<Op>(client, &err))? {
        match output.write(&item) {
            Ok(()) => {}
            Err(WriteError::ClosedPipe) => return Ok(()),
            Err(WriteError::Failed(err)) => return Err(err),
        }
    }
    match output.finish() {
        Ok(()) | Err(WriteError::ClosedPipe) => Ok(()),
        Err(WriteError::Failed(err)) => Err(err),
    }
}

/// Every item of `Op` the filters select, printed in the chosen format; 100 items a
/// page unless `--page-size` says otherwise.
pub(super) async fn scan<Op>(client: &Client, args: ScanArgs<Op>) -> Result<(), CliError>
where
    Op: PaginatedOperation + Send + Sync + 'static,
    Op::Item: Item,
{
    let table = args.request.table()?;
    let mut fields = args.request.fields;
    if let Some(pagination) = Op::ENDPOINT.pagination {
        fields.entry(pagination.page_size).or_insert_with(|| SCAN_PAGE_SIZE.into());
    }
    table.fill_defaults(&mut fields);
    let request = crate::request_args::request::<Op>(table, &fields, &|_| None)?;
    print_all(client, args.format, RequestBuilder::<Op>::new(client.clone(), request).items()).await
}

/// Prints the new task's id alone on stdout.
pub(super) async fn create_task(client: &Client, args: TaskCreateArgs) -> Result<(), CliError> {
    let startup = match args.startup {
        Startup::Manual => StartupType::Manual,
        Startup::Scheduled => StartupType::Scheduled,
        Startup::Immediate => StartupType::Immediate,
    };
    let table = args.request.table()?;
    let mut fields = args.request.fields;
    fields.insert(KeepAndStartup::KEEP.to_owned(), i32::from(args.keep).into());
    fields.insert(KeepAndStartup::STARTUP.to_owned(), startup.code().into());
    let request = crate::request_args::request::<CreateTask>(table, &fields, &|_| None)?;
    let created = RequestBuilder::<CreateTask>::new(client.clone(), request)
        .send_once()
        .await
        .map_err(|err| call_error::<CreateTask>(client, &err))?;
    println!("{}", created.id.unwrap_or_default());
    Ok(())
}

pub(super) async fn delete_contact(client: &Client, args: ContactsDeleteArgs) -> Result<(), CliError> {
    let table = args.request.table()?;
    let request = crate::request_args::request::<DeleteContact>(table, &args.request.fields, &|_| None)?;
    let contact = request.contact_id.clone();
    RequestBuilder::<DeleteContact>::new(client.clone(), request)
        .send()
        .await
        .map_err(|err| call_error::<DeleteContact>(client, &err))?;
    println!("deleted contact {contact}");
    Ok(())
}

/// What became of one batch of `contacts append`.
struct BatchOutcome {
    contacts: usize,
    /// The batch's lines as JSON, with the service's code and message, when it refused them.
    rejected: Vec<String>,
    error: Option<CliError>,
}

/// Sends one batch, again as it was when its answer is lost; a refusal keeps the
/// batch's lines for `--rejects`.
async fn send_batch(client: &Client, request: AppendContactsRequest, batch: &[Line]) -> BatchOutcome {
    let mut outcome = BatchOutcome { contacts: batch.len(), rejected: Vec::new(), error: None };
    match RequestBuilder::<nxlink_models::AppendContacts>::new(client.clone(), request).send_once().await {
        Ok(_) => {}
        Err(ApiCallError::Api(api)) => {
            let message = api.message.clone().unwrap_or_default();
            outcome.rejected = batch
                .iter()
                .map(|line| {
                    serde_json::json!({"line": line.number, "contactId": line.contact.contact_id,
                        "phoneNumber": line.contact.phone_number, "code": api.code.code(), "error": message})
                    .to_string()
                })
                .collect();
        }
        Err(err) => outcome.error = Some(call_error::<nxlink_models::AppendContacts>(client, &err)),
    }
    outcome
}

pub(super) async fn append_contacts(client: &Client, args: ContactsAppendArgs, quiet: bool) -> Result<(), CliError> {
    let table = args.request.table()?;
    // The fields every batch carries; each batch adds its contacts (the client checks
    // the whole request against the spec before sending it).
    let template = crate::request_args::decode::<AppendContacts>(table, &args.request.fields)?;
    let source = Source::open(&args.file)?;
    let total = source.check(&template.task_id)?;
    let progress = crate::progress::Progress::new(crate::progress::wanted_here(quiet, true));
    progress.set_total(total as u64);
    let task_id = template.task_id.as_str();
    let size = usize::from(args.batch_size).max(1);
    // The second pass: lines are parsed as batches go out, so memory holds the batches
    // in flight, not the file.
    let mut lines = source.lines(task_id)?;
    let batches = std::iter::from_fn(move || {
        let batch: Result<Vec<Line>, CliError> = lines.by_ref().take(size).collect();
        match batch {
            Ok(batch) if batch.is_empty() => None,
            other => Some(other),
        }
    });
    let mut outcomes = futures_util::stream::iter(batches)
        .map(|batch| {
            let (progress, template) = (&progress, &template);
            async move {
                let batch = match batch {
                    Ok(batch) => batch,
                    // The file changed between the two passes.
                    Err(err) => return BatchOutcome { contacts: 0, rejected: Vec::new(), error: Some(err) },
                };
                let mut request = template.clone();
                request.list = batch.iter().map(|line| line.contact.clone()).collect();
                let outcome = send_batch(client, request, &batch).await;
                for _ in 0..batch.len() {
                    progress.inc();
                }
                outcome
            }
        })
        .buffer_unordered(APPEND_CONCURRENCY);
    let (mut appended, mut batches) = (0, 0);
    let mut rejected: Vec<String> = Vec::new();
    let mut first_error: Option<CliError> = None;
    while let Some(outcome) = outcomes.next().await {
        batches += 1;
        match (outcome.error, outcome.rejected.is_empty()) {
            (Some(err), _) => {
                first_error.get_or_insert(err);
            }
            (None, true) => appended += outcome.contacts,
            (None, false) => rejected.extend(outcome.rejected),
        }
    }
    let plural = |n: usize, word: &str| if n == 1 { format!("1 {word}") } else { format!("{n} {word}es") };
    println!("appended {appended} contacts to {task_id} in {}", plural(batches, "batch"));
    if let Some(err) = first_error {
        return Err(err);
    }
    if !rejected.is_empty() {
        match &args.rejects {
            Some(path) => {
                let mut file = std::fs::File::create(path)
                    .map_err(|err| CliError::local(format!("--rejects {}: cannot create it: {err}", path.display())))?;
                for line in &rejected {
                    writeln!(file, "{line}")
                        .map_err(|err| CliError::local(format!("--rejects {}: cannot write: {err}", path.display())))?;
                }
            }
            None => {
                // Without a file to keep them, the lines go to stderr with phone numbers
                // masked, as in every log line.
                for line in &rejected {
                    let masked = serde_json::from_str::<serde_json::Value>(line).map_or_else(
                        |_| line.clone(),
                        |mut value| {
                            if let Some(phone) = value.get("phoneNumber").and_then(|p| p.as_str()).map(str::to_owned) {
                                value["phoneNumber"] = nxlink_models::runtime::mask_personal(&phone).into();
                            }
                            value.to_string()
                        },
                    );
                    eprintln!("rejected: {masked}");
                }
            }
        }
        return Err(CliError::new(
            Exit::Api,
            format!(
                "{} contacts were refused by the service{}",
                rejected.len(),
                args.rejects.as_ref().map_or(String::new(), |p| format!("; see {}", p.display()))
            ),
        ));
    }
    Ok(())
}
