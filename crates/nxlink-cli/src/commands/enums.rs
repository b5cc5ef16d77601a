//! `nxlink enums`: every code table of the spec, printed from the models' `ENUMS` so a
//! table the spec adds is listed with no change here, and the codes always match what
//! the SDK decodes.

use std::io::Write;

use clap::builder::{PossibleValue, PossibleValuesParser};
use nxlink_models::runtime::{normalize_name, CodeTable};
use nxlink_models::ENUMS;

use crate::args::{EnumsArgs, EnumsFormat};
use crate::error::CliError;

/// The tables `nxlink enums` takes, by kebab-case name (`call-status`), with the wire
/// name (`callStatus`) and the plural (`error-codes`) as aliases.
pub(crate) fn table_parser() -> PossibleValuesParser {
    PossibleValuesParser::new(ENUMS.iter().map(|table| {
        let kebab = kebab(table.name);
        PossibleValue::new(leak(kebab.clone())).help(table.description).aliases([table.wire, leak(format!("{kebab}s"))])
    }))
}

// clap keeps the names for the life of the process, which is the life of these strings.
fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

fn kebab(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (index, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && index > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The table a name given on the command line stands for (any alias, any case).
fn find(name: &str) -> Option<&'static CodeTable> {
    let wanted = normalize_name(name);
    ENUMS.iter().find(|table| {
        [normalize_name(table.name), normalize_name(table.wire), normalize_name(&format!("{}s", table.name))]
            .contains(&wanted)
    })
}

pub(super) fn run(args: &EnumsArgs) -> Result<(), CliError> {
    let tables: Vec<&CodeTable> = match &args.table {
        Some(name) => vec![find(name).ok_or_else(|| CliError::usage(format!("no code table `{name}`")))?],
        None => ENUMS.iter().collect(),
    };
    let text = match args.format {
        EnumsFormat::Table => tables.iter().map(|table| render(table)).collect::<Vec<_>>().join("\n"),
        EnumsFormat::Json => json(&tables),
    };
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::local(format!("cannot write to standard output: {err}")))
        }
        _ => Ok(()),
    }
}

fn render(table: &CodeTable) -> String {
    let name_width = table.values.iter().map(|(_, name, _)| name.len()).max().unwrap_or(4).max(4);
    let mut out = format!(
        "{} ({}): {}\n{:>5}  {:<name_width$}  DESCRIPTION\n",
        table.wire, table.name, table.description, "CODE", "NAME"
    );
    for (code, name, description) in table.values {
        out.push_str(&format!("{code:>5}  {name:<name_width$}  {description}\n"));
    }
    out
}

/// An array of tables: `{"name", "wire", "description", "values": [{"code", "name",
/// "description"}]}`.
fn json(tables: &[&CodeTable]) -> String {
    let tables: Vec<serde_json::Value> = tables
        .iter()
        .map(|table| {
            let values: Vec<serde_json::Value> = table
                .values
                .iter()
                .map(|(code, name, description)| serde_json::json!({"code": code, "name": name, "description": description}))
                .collect();
            serde_json::json!({"name": table.name, "wire": table.wire, "description": table.description, "values": values})
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&tables).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_of_the_spec_is_listed_with_every_value() {
        assert!(!ENUMS.is_empty());
        for table in ENUMS {
            let text = render(table);
            assert_eq!(text.lines().count(), table.values.len() + 2, "{text}");
            for (code, name, description) in table.values {
                assert!(text.contains(&format!("{code:>5}  {name}")), "{name} missing from {text}");
                assert!(text.contains(description), "{description} missing from {text}");
            }
        }
    }

    #[test]
    fn a_table_is_found_by_kebab_name_wire_name_or_plural_and_nothing_else() {
        for table in ENUMS {
            for name in
                [kebab(table.name), table.wire.to_owned(), format!("{}s", kebab(table.name)), table.name.to_uppercase()]
            {
                assert_eq!(find(&name).map(|t| t.name), Some(table.name), "{name}");
            }
        }
        assert_eq!(find("call-statuses"), None);
        assert_eq!(find(""), None);
        // The names that existed before the tables came from the spec still work.
        for old in ["call-status", "call-result", "error-codes"] {
            assert!(find(old).is_some(), "{old}");
        }
    }

    #[test]
    fn json_round_trips_every_table() {
        let all: Vec<&CodeTable> = ENUMS.iter().collect();
        let parsed: Vec<serde_json::Value> = serde_json::from_str(&json(&all)).unwrap();
        assert_eq!(parsed.len(), ENUMS.len());
        for (value, table) in parsed.iter().zip(ENUMS) {
            assert_eq!(value["name"], table.name);
            assert_eq!(value["wire"], table.wire);
            let codes: Vec<i64> =
                value["values"].as_array().unwrap().iter().map(|v| v["code"].as_i64().unwrap()).collect();
            assert_eq!(codes, table.values.iter().map(|(code, _, _)| *code).collect::<Vec<_>>());
        }
    }
}
