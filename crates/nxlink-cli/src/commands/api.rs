//! `nxlink api <endpoint>`: any endpoint of the spec, its request from generated flags
//! and `--body`, its `data` printed with every field as the server sent it.

use std::io::{self, BufWriter, Read, Write};
use std::path::Path;

use futures_util::TryStreamExt;
use nxlink_client::{Client, Error as ApiCallError};
use serde_json::{Map, Value};

use crate::args::{ApiArgs, ApiFormat};
use crate::error::CliError;
use crate::request_args::EndpointArgs;

/// The widest a table cell gets; longer values are cut with `…` (JSON keeps them).
const CELL_WIDTH: usize = 40;

/// The request the flags and `--body` make, defaults filled, checked against the spec.
pub(super) fn request(args: &ApiArgs) -> Result<Map<String, Value>, CliError> {
    let mut body = match &args.body {
        Some(path) => read_body(path)?,
        None => Map::new(),
    };
    body.extend(args.fields.clone());
    args.endpoint.fill_defaults(&mut body);
    args.endpoint.call.check(args.endpoint, &body)?;
    Ok(body)
}

pub(super) async fn run(client: &Client, args: ApiArgs, body: Map<String, Value>) -> Result<(), CliError> {
    let endpoint = args.endpoint;
    let failed = |err: ApiCallError| call_error(client, endpoint, &err);
    let stdout = io::stdout();
    let mut out = Rows::new(BufWriter::new(stdout.lock()), endpoint, args.format, args.all);
    if args.all {
        if let Some(mut items) = endpoint.call.all(client, body) {
            while let Some(item) = items.try_next().await.map_err(failed)? {
                crate::signals::check()?;
                if !written(out.item(item))? {
                    return Ok(());
                }
            }
        }
    } else {
        let data = endpoint.call.send(client, body).await.map_err(failed)?;
        if !written(out.data(data))? {
            return Ok(());
        }
    }
    written(out.finish()).map(drop)
}

/// False when the reader closed the pipe (it has seen what it wanted: exit 0); any other
/// write failure (a full disk under `>`) is a local error.
fn written(result: io::Result<()>) -> Result<bool, CliError> {
    match result {
        Ok(()) => Ok(true),
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(false),
        Err(err) => Err(CliError::local(format!("cannot write the output: {err}"))),
    }
}

/// The error of a call, with where to look a call that may have been applied up.
fn call_error(client: &Client, endpoint: &EndpointArgs, err: &ApiCallError) -> CliError {
    let error = CliError::from_call(err, client.base_url(), endpoint.endpoint.path);
    match (err, endpoint.endpoint.once) {
        (
            ApiCallError::MaybeApplied { key: Some((_, value)), .. },
            Some(nxlink_models::runtime::Once::Lookup(lookup)),
        ) => {
            let list = crate::generated::ENDPOINTS
                .iter()
                .find(|e| e.endpoint.name == lookup.endpoint)
                .map_or(lookup.endpoint, |e| e.command);
            error.with_hint(format!(
                "it may have been applied: look for {} `{value}` in `nxlink api {list} --all` before sending it again",
                lookup.key
            ))
        }
        _ => error,
    }
}

/// `--body FILE|-`: one JSON object.
fn read_body(path: &Path) -> Result<Map<String, Value>, CliError> {
    let shown = path.display();
    let mut text = String::new();
    let read = if path.as_os_str() == "-" {
        io::stdin().lock().read_to_string(&mut text)
    } else {
        std::fs::File::open(path).and_then(|mut file| file.read_to_string(&mut text))
    };
    read.map_err(|err| CliError::usage(format!("--body {shown}: cannot read it: {err}")))?;
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(body)) => Ok(body),
        Ok(other) => Err(CliError::usage(format!(
            "--body {shown}: expected a JSON object of request fields, got {}",
            kind_of(&other)
        ))),
        Err(err) => Err(CliError::usage(format!(
            "--body {shown}: not JSON at line {} column {}: {err}",
            err.line(),
            err.column()
        ))),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The output: `data` or items, in the chosen format. Table rows wait for the end (the
/// widths need them all); the other formats write each item as it comes.
struct Rows<W: Write> {
    /// The output, for every format but CSV.
    out: Option<W>,
    /// The output of CSV, one writer for every row.
    csv: Option<csv::Writer<W>>,
    format: ApiFormat,
    list: Option<&'static str>,
    columns: Vec<String>,
    started: bool,
    table: Vec<Vec<String>>,
}

impl<W: Write> Rows<W> {
    fn new(out: W, endpoint: &EndpointArgs, format: Option<ApiFormat>, all: bool) -> Self {
        let format = format.unwrap_or(if all { ApiFormat::Jsonl } else { ApiFormat::Json });
        let (out, csv) = match format {
            ApiFormat::Csv => (None, Some(csv::Writer::from_writer(out))),
            _ => (Some(out), None),
        };
        Self {
            out,
            csv,
            format,
            list: endpoint.list,
            columns: endpoint.columns.iter().map(|c| (*c).to_owned()).collect(),
            started: false,
            table: Vec::new(),
        }
    }

    /// One call's `data`: as a whole in JSON, its items (or itself) as rows.
    fn data(&mut self, data: Value) -> io::Result<()> {
        match self.format {
            ApiFormat::Json => {
                serde_json::to_writer_pretty(self.plain()?, &data)?;
                self.plain()?.write_all(b"\n")
            }
            ApiFormat::Jsonl => {
                serde_json::to_writer(self.plain()?, &data)?;
                self.plain()?.write_all(b"\n")
            }
            ApiFormat::Table | ApiFormat::Csv => {
                let items = match (self.list, data) {
                    (Some(list), Value::Object(mut page)) => match page.remove(list) {
                        Some(Value::Array(items)) => items,
                        _ => Vec::new(),
                    },
                    (_, Value::Null) => Vec::new(),
                    (_, other) => vec![other],
                };
                items.into_iter().try_for_each(|item| self.item(item))
            }
        }
    }

    /// One item of `--all` (or of a page, as a row).
    fn item(&mut self, item: Value) -> io::Result<()> {
        if self.columns.is_empty() {
            // No fields in the spec (`data` the docs leave open): the first item's keys.
            if let Value::Object(object) = &item {
                self.columns = object.keys().cloned().collect();
            }
        }
        let first = !std::mem::replace(&mut self.started, true);
        match self.format {
            ApiFormat::Json => {
                self.plain()?.write_all(if first { b"[\n" } else { b",\n" })?;
                serde_json::to_writer(self.plain()?, &item)?;
                Ok(())
            }
            ApiFormat::Jsonl => {
                serde_json::to_writer(self.plain()?, &item)?;
                self.plain()?.write_all(b"\n")
            }
            ApiFormat::Csv => {
                if first {
                    let header: Vec<String> =
                        self.columns.iter().cloned().chain([crate::encode::EXTRA_COLUMN.to_owned()]).collect();
                    self.csv()?.write_record(&header)?;
                }
                let row = self.cells(&item);
                self.csv()?.write_record(&row).map_err(io::Error::from)
            }
            ApiFormat::Table => {
                let row = self.cells(&item);
                self.table.push(row);
                Ok(())
            }
        }
    }

    /// The item's cells: a value per column (absent and `null` empty, text as is, the
    /// rest as JSON), then the fields the spec does not know as one JSON object.
    fn cells(&self, item: &Value) -> Vec<String> {
        let empty = Map::new();
        let object = item.as_object().unwrap_or(&empty);
        let mut row: Vec<String> = self
            .columns
            .iter()
            .map(|column| match object.get(column) {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(text)) => text.clone(),
                Some(other) => other.to_string(),
            })
            .collect();
        let extra: Map<String, Value> =
            object.iter().filter(|(key, _)| !self.columns.contains(key)).map(|(k, v)| (k.clone(), v.clone())).collect();
        row.push(if extra.is_empty() { String::new() } else { Value::Object(extra).to_string() });
        if item.as_object().is_none() && !item.is_null() {
            // A `data` that is not an object: shown whole.
            row = vec![item.to_string()];
        }
        row
    }

    fn finish(mut self) -> io::Result<()> {
        match self.format {
            ApiFormat::Json if self.started => self.plain()?.write_all(b"\n]\n")?,
            ApiFormat::Table => {
                let mut header: Vec<String> = self.columns.clone();
                header.push(crate::encode::EXTRA_COLUMN.to_owned());
                let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
                for row in &self.table {
                    for (width, cell) in widths.iter_mut().zip(row) {
                        *width = (*width).max(cell.chars().count().min(CELL_WIDTH));
                    }
                }
                let table = std::mem::take(&mut self.table);
                let out = self.plain()?;
                for row in std::iter::once(&header).chain(&table) {
                    let cells: Vec<String> = row.iter().zip(&widths).map(|(cell, width)| fit(cell, *width)).collect();
                    writeln!(out, "{}", cells.join("  ").trim_end())?;
                }
            }
            _ => {}
        }
        match (&mut self.out, &mut self.csv) {
            (Some(out), _) => out.flush(),
            (None, Some(csv)) => csv.flush(),
            (None, None) => Ok(()),
        }
    }

    fn plain(&mut self) -> io::Result<&mut W> {
        self.out.as_mut().ok_or_else(|| io::Error::other("the output is a CSV writer"))
    }

    fn csv(&mut self) -> io::Result<&mut csv::Writer<W>> {
        self.csv.as_mut().ok_or_else(|| io::Error::other("the output is not a CSV writer"))
    }
}

/// `cell` padded or cut (with `…`) to `width` characters.
fn fit(cell: &str, width: usize) -> String {
    let count = cell.chars().count();
    if count <= width {
        format!("{cell}{}", " ".repeat(width - count))
    } else {
        let cut: String = cell.chars().take(width.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}
