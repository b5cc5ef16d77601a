//! `nxlink enums`: the code tables, printed from the generated enums so they always
//! match what the SDK decodes.

use std::io::Write;

use nxlink_models::{CallResult, CallStatus, ErrorCode};

use crate::args::{EnumTable, EnumsArgs};
use crate::error::CliError;

pub(super) fn run(args: &EnumsArgs) -> Result<(), CliError> {
    let tables = match args.table {
        Some(table) => vec![table],
        None => vec![EnumTable::CallStatus, EnumTable::CallResult, EnumTable::ErrorCodes],
    };
    let mut text = String::new();
    for (index, table) in tables.iter().enumerate() {
        if index > 0 {
            text.push('\n');
        }
        text.push_str(&render(*table));
    }
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::local(format!("cannot write to standard output: {err}")))
        }
        _ => Ok(()),
    }
}

fn render(table: EnumTable) -> String {
    let (title, rows): (&str, Vec<(i64, &str, &str)>) = match table {
        EnumTable::CallStatus => {
            ("callStatus", CallStatus::ALL.iter().map(|v| (v.code(), v.name(), v.description())).collect())
        }
        EnumTable::CallResult => {
            ("callResult", CallResult::ALL.iter().map(|v| (v.code(), v.name(), v.description())).collect())
        }
        EnumTable::ErrorCodes => {
            ("error codes (code)", ErrorCode::ALL.iter().map(|v| (v.code(), v.name(), v.description())).collect())
        }
    };
    let name_width = rows.iter().map(|(_, name, _)| name.len()).max().unwrap_or(4).max(4);
    let mut out = format!("{title}\n{:>5}  {:<name_width$}  DESCRIPTION\n", "CODE", "NAME");
    for (code, name, description) in rows {
        out.push_str(&format!("{code:>5}  {name:<name_width$}  {description}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_value_is_listed() {
        let text = render(EnumTable::CallResult);
        assert_eq!(text.lines().count(), CallResult::ALL.len() + 2);
        assert!(text.contains("   17  NormalEndUserHungUp"), "{text}");
        assert!(render(EnumTable::ErrorCodes).contains(" 1003  InvalidSignature"));
        assert!(render(EnumTable::CallStatus).contains("   10  Completed"));
    }
}
