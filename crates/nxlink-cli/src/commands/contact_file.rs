//! The contacts file of `nxlink contacts append`: CSV with a header, or JSONL, read a
//! line at a time so that a file of any length takes little memory. The command reads
//! it twice: once to check every line before anything is sent, then to send.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use nxlink_client::{stable_contact_id, Contact, ContactParam};

use crate::error::CliError;

/// A contact of the file, with the line it came from.
pub(super) struct Line {
    pub(super) number: usize,
    pub(super) contact: Contact,
}

/// Where the lines come from: a file is opened again for each pass; standard input
/// cannot be read twice, so it is kept in memory.
pub(super) enum Source {
    File(std::path::PathBuf),
    Stdin(String),
}

impl Source {
    /// The file at `path`, or standard input for `-` (read to the end now).
    pub(super) fn open(path: &Path) -> Result<Self, CliError> {
        if path.as_os_str() != "-" {
            return Ok(Self::File(path.to_owned()));
        }
        let mut text = String::new();
        std::io::stdin()
            .lock()
            .read_to_string(&mut text)
            .map_err(|err| CliError::usage(format!("--file -: cannot read standard input: {err}")))?;
        Ok(Self::Stdin(text))
    }

    fn shown(&self) -> String {
        match self {
            Self::File(path) => path.display().to_string(),
            Self::Stdin(_) => "-".to_owned(),
        }
    }

    fn reader(&self) -> Result<Box<dyn Read + '_>, CliError> {
        match self {
            Self::File(path) => std::fs::File::open(path)
                .map(|file| Box::new(file) as Box<dyn Read>)
                .map_err(|err| CliError::usage(format!("--file {}: cannot read it: {err}", path.display()))),
            Self::Stdin(text) => Ok(Box::new(text.as_bytes())),
        }
    }

    /// Checks every line: a missing column, an empty phone number, a malformed line or a
    /// contact id used twice is a usage error naming the line. Returns the count.
    pub(super) fn check(&self, task_id: &str) -> Result<usize, CliError> {
        let mut seen: HashMap<String, usize> = HashMap::new();
        for line in self.lines(task_id)? {
            let line = line?;
            if let Some(first) = seen.insert(line.contact.contact_id.clone(), line.number) {
                return Err(CliError::usage(format!(
                    "{} line {}: contact id {} is already on line {first} (the same phone number twice gives the same \
                     derived id); expected each contact once",
                    self.shown(),
                    line.number,
                    line.contact.contact_id
                )));
            }
        }
        Ok(seen.len())
    }

    /// The contacts, one line at a time.
    pub(super) fn lines<'a>(&'a self, task_id: &'a str) -> Result<Lines<'a>, CliError> {
        let shown = self.shown();
        let jsonl = matches!(self, Self::File(path) if path.extension().is_some_and(|e| e == "jsonl"));
        let rows = if jsonl {
            Rows::Jsonl { lines: BufReader::new(self.reader()?).lines(), number: 0 }
        } else {
            let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(self.reader()?);
            let header: Vec<String> = reader
                .headers()
                .map_err(|err| CliError::usage(format!("{shown}: cannot read the CSV header: {err}")))?
                .iter()
                .map(str::to_owned)
                .collect();
            for required in ["phoneNumber", "name"] {
                if !header.iter().any(|h| h == required) {
                    return Err(CliError::usage(format!(
                        "{shown} line 1: no `{required}` column; expected a header with phoneNumber and name (and \
                         optionally contactId; any other column is a variable)"
                    )));
                }
            }
            Rows::Csv { records: reader.into_records(), header }
        };
        Ok(Lines { rows, shown, task_id })
    }
}

/// A row: its line number and its `(column, cell)` pairs.
type Row = (usize, Vec<(String, String)>);

enum Rows<'a> {
    Csv { records: csv::StringRecordsIntoIter<Box<dyn Read + 'a>>, header: Vec<String> },
    Jsonl { lines: std::io::Lines<BufReader<Box<dyn Read + 'a>>>, number: usize },
}

/// The contacts of a [`Source`], in file order.
pub(super) struct Lines<'a> {
    rows: Rows<'a>,
    shown: String,
    task_id: &'a str,
}

impl Lines<'_> {
    fn next_row(&mut self) -> Option<Result<Row, CliError>> {
        let shown = &self.shown;
        match &mut self.rows {
            Rows::Csv { records, header } => {
                let record = match records.next()? {
                    Ok(record) => record,
                    Err(err) => {
                        let line = err.position().map_or(0, |p| p.line());
                        return Some(Err(CliError::usage(format!("{shown} line {line}: {err}"))));
                    }
                };
                let line = usize::try_from(record.position().map_or(0, |p| p.line())).unwrap_or(usize::MAX);
                Some(Ok((line, header.iter().cloned().zip(record.iter().map(str::to_owned)).collect())))
            }
            Rows::Jsonl { lines, number } => loop {
                *number += 1;
                let text = match lines.next()? {
                    Ok(text) => text,
                    Err(err) => {
                        return Some(Err(CliError::usage(format!("{shown} line {number}: cannot read: {err}"))))
                    }
                };
                if text.trim().is_empty() {
                    continue;
                }
                let object = match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&text) {
                    Ok(object) => object,
                    Err(err) => {
                        return Some(Err(CliError::usage(format!(
                            "{shown} line {number}: {err}; expected one JSON object per line"
                        ))))
                    }
                };
                let fields = object
                    .into_iter()
                    .map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
                    .collect();
                return Some(Ok((*number, fields)));
            },
        }
    }

    fn contact(&self, number: usize, fields: &[(String, String)]) -> Result<Line, CliError> {
        let shown = &self.shown;
        let get = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_owned());
        let phone = get("phoneNumber").unwrap_or_default();
        if phone.is_empty() {
            return Err(CliError::usage(format!("{shown} line {number}: empty phoneNumber; expected a phone number")));
        }
        let name = get("name").unwrap_or_default();
        let contact_id =
            get("contactId").filter(|id| !id.is_empty()).unwrap_or_else(|| stable_contact_id(self.task_id, &phone));
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
        Ok(Line { number, contact })
    }
}

impl Iterator for Lines<'_> {
    type Item = Result<Line, CliError>;

    fn next(&mut self) -> Option<Self::Item> {
        Some(self.next_row()?.and_then(|(number, fields)| self.contact(number, &fields)))
    }
}
