//! `nxlink agents|routes|tasks|contacts`: the campaign commands.

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::Path;

use futures_util::{StreamExt, TryStreamExt};
use nxlink_client::{
    stable_contact_id, AppendContactsRequest, Client, Contact, ContactParam, CreateTaskRequest, Error as ApiCallError,
    StartupType,
};
use nxlink_models::runtime::{Operation, PaginatedOperation};

use crate::args::{
    ContactsAppendArgs, ContactsDeleteArgs, Format, NamedListArgs, Startup, TaskCreateArgs, TaskListArgs,
};
use crate::error::{CliError, Exit};
use crate::output::{RecordOutput, WriteError};
use crate::table::Item;

/// Batches sent at once by `contacts append`.
const APPEND_CONCURRENCY: usize = 4;

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

pub(super) async fn agents(client: &Client, args: NamedListArgs) -> Result<(), CliError> {
    let mut request = client.list_agents().page_size(100);
    if let Some(name) = args.name.filter(|n| !n.is_empty()) {
        request = request.name(name);
    }
    print_all(client, args.format, request.agents()).await
}

pub(super) async fn routes(client: &Client, args: NamedListArgs) -> Result<(), CliError> {
    let mut request = client.list_routes().page_size(100);
    if let Some(name) = args.name.filter(|n| !n.is_empty()) {
        request = request.route_name(name);
    }
    print_all(client, args.format, request.routes()).await
}

pub(super) async fn tasks(client: &Client, args: TaskListArgs) -> Result<(), CliError> {
    let mut request = client.list_tasks().page_size(100);
    if let Some(name) = args.name.filter(|n| !n.is_empty()) {
        request = request.task_name(name);
    }
    if let Some(status) = args.status {
        request = request.task_status(status);
    }
    print_all(client, args.format, request.tasks()).await
}

/// Prints the new task's id alone on stdout.
pub(super) async fn create_task(client: &Client, args: TaskCreateArgs) -> Result<(), CliError> {
    let startup = match args.startup {
        Startup::Manual => StartupType::Manual,
        Startup::Scheduled => StartupType::Scheduled,
        Startup::Immediate => StartupType::Immediate,
    };
    let mut request = CreateTaskRequest::new(args.name, args.agent_id, args.route_id, i32::from(args.keep), startup);
    request.user_task_id = args.user_task_id;
    request.task_desc = args.description;
    request.call_callback_url = args.call_callback_url;
    request.task_callback_url = args.task_callback_url;
    request.other = args.other;
    request.validate().map_err(|err| CliError::usage(err.to_string()))?;
    let task_id =
        client.create_task_once(request).await.map_err(|err| call_error::<nxlink_models::CreateTask>(client, &err))?;
    println!("{task_id}");
    Ok(())
}

pub(super) async fn delete_contact(client: &Client, args: ContactsDeleteArgs) -> Result<(), CliError> {
    let mut request = client.delete_contact(args.contact_id.as_str());
    if let Some(task_id) = args.task_id {
        request = request.task_id(task_id);
    }
    if let Some(user_task_id) = args.user_task_id {
        request = request.user_task_id(user_task_id);
    }
    request.send().await.map_err(|err| call_error::<nxlink_models::DeleteContact>(client, &err))?;
    println!("deleted contact {}", args.contact_id);
    Ok(())
}

/// A contact of the file, with the line it came from.
struct Line {
    number: usize,
    contact: Contact,
}

/// Reads and checks the whole file before anything is sent: a missing column, an empty
/// phone number or a contact id used twice is a usage error naming the line.
fn read_contacts(path: &Path, task_id: &str) -> Result<Vec<Line>, CliError> {
    let shown = path.display().to_string();
    let text = if path.as_os_str() == "-" {
        let mut text = String::new();
        for line in std::io::stdin().lock().lines() {
            let line = line.map_err(|err| CliError::usage(format!("--file -: cannot read standard input: {err}")))?;
            text.push_str(&line);
            text.push('\n');
        }
        text
    } else {
        std::fs::read_to_string(path)
            .map_err(|err| CliError::usage(format!("--file {shown}: cannot read it: {err}")))?
    };
    let jsonl = path.extension().is_some_and(|e| e == "jsonl");
    let rows = if jsonl { jsonl_rows(&text, &shown)? } else { csv_rows(&text, &shown)? };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for (number, fields) in rows {
        let get = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_owned());
        let phone = get("phoneNumber").unwrap_or_default();
        if phone.is_empty() {
            return Err(CliError::usage(format!("{shown} line {number}: empty phoneNumber; expected a phone number")));
        }
        let name = get("name").unwrap_or_default();
        let contact_id =
            get("contactId").filter(|id| !id.is_empty()).unwrap_or_else(|| stable_contact_id(task_id, &phone));
        if let Some(first) = seen.insert(contact_id.clone(), number) {
            return Err(CliError::usage(format!(
                "{shown} line {number}: contact id {contact_id} is already on line {first} (the same phone number twice \
                 gives the same derived id); expected each contact once"
            )));
        }
        let params: Vec<ContactParam> = fields
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "phoneNumber" | "name" | "contactId"))
            .map(|(k, v)| ContactParam::new(k.as_str()).value(v.as_str()))
            .collect();
        let mut contact = Contact::new(contact_id, name, phone);
        if !params.is_empty() {
            contact = contact.params(params);
        }
        contact.validate_at(&format!("{shown} line {number}: ")).map_err(|err| CliError::usage(err.to_string()))?;
        out.push(Line { number, contact });
    }
    Ok(out)
}

type Rows = Vec<(usize, Vec<(String, String)>)>;

fn csv_rows(text: &str, shown: &str) -> Result<Rows, CliError> {
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|err| CliError::usage(format!("{shown}: cannot read the CSV header: {err}")))?
        .iter()
        .map(str::to_owned)
        .collect();
    for required in ["phoneNumber", "name"] {
        if !header.iter().any(|h| h == required) {
            return Err(CliError::usage(format!(
                "{shown} line 1: no `{required}` column; expected a header with phoneNumber and name (and optionally \
                 contactId; any other column is a variable)"
            )));
        }
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|err| {
            let line = err.position().map_or(0, |p| p.line());
            CliError::usage(format!("{shown} line {line}: {err}"))
        })?;
        let line = record.position().map_or(0, |p| p.line()) as usize;
        rows.push((line, header.iter().cloned().zip(record.iter().map(str::to_owned)).collect()));
    }
    Ok(rows)
}

fn jsonl_rows(text: &str, shown: &str) -> Result<Rows, CliError> {
    let mut rows = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let number = index + 1;
        let object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(line).map_err(|err| {
            CliError::usage(format!("{shown} line {number}: {err}; expected one JSON object per line"))
        })?;
        let fields =
            object.into_iter().map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_owned))).collect();
        rows.push((number, fields));
    }
    Ok(rows)
}

pub(super) async fn append_contacts(client: &Client, args: ContactsAppendArgs, quiet: bool) -> Result<(), CliError> {
    let lines = read_contacts(&args.file, &args.task_id)?;
    let batches: Vec<&[Line]> = lines.chunks(usize::from(args.batch_size)).collect();
    let progress = crate::progress::Progress::new(crate::progress::wanted_here(quiet, true));
    progress.set_total(lines.len() as u64);
    let task_id = args.task_id.as_str();
    let country_code = args.country_code.as_deref();
    let results: Vec<(usize, Result<usize, ApiCallError>)> = futures_util::stream::iter(batches.iter().enumerate())
        .map(|(index, batch)| {
            let contacts: Vec<Contact> = batch.iter().map(|line| line.contact.clone()).collect();
            let progress = &progress;
            async move {
                let mut request = AppendContactsRequest::new(task_id, contacts);
                request.country_code = country_code.map(str::to_owned);
                let result = client.append_batch_once(request).await;
                for _ in 0..batch.len() {
                    progress.inc();
                }
                (index, result)
            }
        })
        .buffer_unordered(APPEND_CONCURRENCY)
        .collect()
        .await;
    let mut rejected: Vec<String> = Vec::new();
    let mut appended = 0;
    let mut first_error: Option<CliError> = None;
    for (index, result) in results {
        match result {
            Ok(_) => appended += batches[index].len(),
            Err(ApiCallError::Api(api)) => {
                let message = api.message.clone().unwrap_or_default();
                for line in batches[index] {
                    rejected.push(
                        serde_json::json!({"line": line.number, "contactId": line.contact.contact_id,
                            "phoneNumber": line.contact.phone_number, "code": api.code.code(), "error": message})
                        .to_string(),
                    );
                }
            }
            Err(err) => {
                first_error.get_or_insert_with(|| call_error::<nxlink_models::AppendContacts>(client, &err));
            }
        }
    }
    let plural = |n: usize, word: &str| if n == 1 { format!("1 {word}") } else { format!("{n} {word}es") };
    println!("appended {appended} contacts to {task_id} in {}", plural(batches.len(), "batch"));
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
