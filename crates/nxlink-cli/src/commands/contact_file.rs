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
                // A spreadsheet's UTF-8 export starts with a byte order mark.
                .enumerate()
                .map(|(index, name)| if index == 0 { name.trim_start_matches('\u{feff}') } else { name }.to_owned())
                .collect();
            check_header(&header).map_err(|problem| CliError::usage(format!("{shown} line 1: {problem}")))?;
            Rows::Csv { records: reader.into_records(), header }
        };
        Ok(Lines { rows, shown, task_id })
    }
}

/// The columns that are the contact's own fields; every other column is a variable.
const PHONE: &str = "phoneNumber";
const NAME: &str = "name";
const CONTACT_ID: &str = "contactId";
const OWN_COLUMNS: [&str; 3] = [PHONE, NAME, CONTACT_ID];

/// What a CSV header must be: every column named once, `phoneNumber` and `name`
/// present, and no column that is one of the contact's own fields spelt another way
/// (`contact_id`, `PhoneNumber`), which would otherwise be sent as a variable while the
/// field itself stays empty.
fn check_header(header: &[String]) -> Result<(), String> {
    const EXPECTED: &str =
        "expected a header with phoneNumber and name (and optionally contactId; any other column is a variable)";
    for (index, column) in header.iter().enumerate() {
        if column.is_empty() {
            return Err(format!("column {} has no name; {EXPECTED}", index + 1));
        }
        if let Some(first) = header[..index].iter().position(|earlier| earlier == column) {
            return Err(format!(
                "column `{column}` appears twice (columns {} and {}); expected each column once",
                first + 1,
                index + 1
            ));
        }
        misspelt_own_column(column)?;
    }
    for required in [PHONE, NAME] {
        if !header.iter().any(|column| column == required) {
            let hint = crate::suggest::did_you_mean(required, header.iter().map(String::as_str));
            return Err(format!("no `{required}` column; {EXPECTED}{hint}"));
        }
    }
    Ok(())
}

/// An error when `column` is one of the contact's own fields written another way:
/// another case, or with `_`, `-` or spaces (names are matched exactly).
fn misspelt_own_column(column: &str) -> Result<(), String> {
    let fold =
        |name: &str| -> String { name.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect() };
    match OWN_COLUMNS.iter().find(|own| **own != column && fold(own) == fold(column)) {
        Some(own) => Err(format!(
            "column `{column}` is not `{own}` (names are matched exactly); rename it `{own}`, or it would be sent as a \
             variable"
        )),
        None => Ok(()),
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
                if let Err(problem) = object.keys().try_for_each(|key| misspelt_own_column(key)) {
                    return Some(Err(CliError::usage(format!("{shown} line {number}: {problem}"))));
                }
                let fields = object
                    .into_iter()
                    // `null` is no value, as an empty cell is in CSV.
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
                    .collect();
                return Some(Ok((*number, fields)));
            },
        }
    }

    fn contact(&self, number: usize, fields: &[(String, String)]) -> Result<Line, CliError> {
        let shown = &self.shown;
        let get = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_owned());
        let phone = get(PHONE).unwrap_or_default();
        if phone.is_empty() {
            return Err(CliError::usage(format!("{shown} line {number}: empty phoneNumber; expected a phone number")));
        }
        let name = get(NAME).unwrap_or_default();
        // A blank id is no id, as an absent one: both get the derived one.
        let contact_id =
            get(CONTACT_ID).filter(|id| !id.is_empty()).unwrap_or_else(|| stable_contact_id(self.task_id, &phone));
        let params: Vec<ContactParam> = fields
            .iter()
            .filter(|(k, _)| !OWN_COLUMNS.contains(&k.as_str()))
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    const TASK: &str = "task-1";

    /// Every line of `text` (CSV, or JSONL when `jsonl`), each as
    /// `contactId|name|phone|k=v,k=v`, or the first error.
    fn read(text: &str, jsonl: bool) -> Result<Vec<String>, String> {
        // JSONL is told apart by the file's extension, so it needs a file.
        let dir = tempfile::tempdir().unwrap();
        let source = if jsonl {
            let path = dir.path().join("contacts.jsonl");
            std::fs::write(&path, text).unwrap();
            Source::File(path)
        } else {
            Source::Stdin(text.to_owned())
        };
        let lines = source.lines(TASK).map_err(|err| err.to_string())?;
        lines
            .map(|line| {
                let line = line.map_err(|err| err.to_string())?;
                let c = line.contact;
                let params: Vec<String> =
                    c.params.iter().map(|p| format!("{}={}", p.name, p.value.as_deref().unwrap_or(""))).collect();
                Ok(format!("{}|{}|{}|{}", c.contact_id, c.name, c.phone_number, params.join(",")))
            })
            .collect()
    }

    fn derived(phone: &str) -> String {
        stable_contact_id(TASK, phone)
    }

    /// Header variants: what each reads as, or the problem named at line 1. A
    /// misspelt own column would otherwise travel as a variable while the field stays
    /// empty; a blank id is the same as none.
    #[test]
    fn every_header_variant_reads_as_its_row_says() {
        let ok = |rows: &[String]| Ok::<Vec<String>, String>(rows.to_vec());
        let cases: Vec<(&str, Result<Vec<String>, String>)> = vec![
            ("phoneNumber,name\n85290000001,Ann\n", ok(&[format!("{}|Ann|85290000001|", derived("85290000001"))])),
            ("name,phoneNumber\nAnn,85290000001\n", ok(&[format!("{}|Ann|85290000001|", derived("85290000001"))])),
            (
                " phoneNumber , name \n 85290000001 , Ann \n",
                ok(&[format!("{}|Ann|85290000001|", derived("85290000001"))]),
            ),
            (
                "\u{feff}phoneNumber,name\n85290000001,Ann\n",
                ok(&[format!("{}|Ann|85290000001|", derived("85290000001"))]),
            ),
            ("phoneNumber,name,contactId\n85290000001,Ann,c-1\n", ok(&["c-1|Ann|85290000001|".to_owned()])),
            (
                "phoneNumber,name,contactId\n85290000001,Ann,\n",
                ok(&[format!("{}|Ann|85290000001|", derived("85290000001"))]),
            ),
            (
                "phoneNumber,name,contactId\n85290000001,Ann,  \n",
                ok(&[format!("{}|Ann|85290000001|", derived("85290000001"))]),
            ),
            (
                "phoneNumber,name,tier,Tier\n85290000001,Ann,gold,x\n",
                ok(&[format!("{}|Ann|85290000001|tier=gold,Tier=x", derived("85290000001"))]),
            ),
            (
                "phoneNumber,name,tier\n85290000001,Ann,\n",
                ok(&[format!("{}|Ann|85290000001|tier=", derived("85290000001"))]),
            ),
            ("phoneNumber,name\n", ok(&[])),
            ("phone,name\n85290000001,Ann\n", Err("line 1: no `phoneNumber` column".into())),
            ("phoneNumbr,name\n85290000001,Ann\n", Err("did you mean `phoneNumbr`?".into())),
            ("phoneNumber\n85290000001\n", Err("line 1: no `name` column".into())),
            ("PhoneNumber,name\n85290000001,Ann\n", Err("column `PhoneNumber` is not `phoneNumber`".into())),
            ("phone_number,name\n85290000001,Ann\n", Err("column `phone_number` is not `phoneNumber`".into())),
            ("phoneNumber,Name,name\n85290000001,A,Ann\n", Err("column `Name` is not `name`".into())),
            (
                "phoneNumber,name,contact_id\n85290000001,Ann,c-1\n",
                Err("column `contact_id` is not `contactId`".into()),
            ),
            ("phoneNumber,name,contactID\n85290000001,Ann,c-1\n", Err("column `contactID` is not `contactId`".into())),
            (
                "phoneNumber,name,contact id\n85290000001,Ann,c-1\n",
                Err("column `contact id` is not `contactId`".into()),
            ),
            (
                "phoneNumber,name,tier,tier\n85290000001,Ann,a,b\n",
                Err("column `tier` appears twice (columns 3 and 4)".into()),
            ),
            ("phoneNumber,name,phoneNumber\n1,A,2\n", Err("column `phoneNumber` appears twice".into())),
            ("phoneNumber,name,\n85290000001,Ann,\n", Err("line 1: column 3 has no name".into())),
            ("phoneNumber,name\n85290000001\n", Err("line 2".into())),
            ("phoneNumber,name\n,Ann\n", Err("line 2: empty phoneNumber".into())),
        ];
        for (text, expected) in cases {
            let got = read(text, false);
            match (&got, &expected) {
                (Err(err), Err(says)) => assert!(err.contains(says.as_str()), "{text:?}: {err}"),
                _ => assert_eq!(got, expected, "{text:?}"),
            }
        }
    }

    /// The same rules for JSONL keys, and `null` is no value (as an empty cell).
    #[test]
    fn jsonl_keys_follow_the_same_rules_and_null_is_no_value() {
        let line = |json: &str| read(json, true);
        assert_eq!(
            line(r#"{"phoneNumber":"85290000001","name":"Ann","contactId":null,"tier":null,"visits":3}"#).unwrap(),
            [format!("{}|Ann|85290000001|visits=3", derived("85290000001"))]
        );
        assert_eq!(
            line(r#"{"phoneNumber":85290000001,"name":"Ann","contactId":""}"#).unwrap(),
            [format!("{}|Ann|85290000001|", derived("85290000001"))]
        );
        let err = line(r#"{"phoneNumber":"85290000001","name":"Ann","contact_id":"c-1"}"#).unwrap_err();
        assert!(err.contains("line 1: column `contact_id` is not `contactId`"), "{err}");
        let err = line(r#"{"phoneNumber":null,"name":"Ann"}"#).unwrap_err();
        assert!(err.contains("line 1: empty phoneNumber"), "{err}");
    }
}
