//! The SQLite store (`--db sqlite:PATH`): one file, SQLite compiled in. Each page is one
//! transaction with the task's state, in WAL mode, so a killed process leaves the file
//! at the last committed page.

use std::collections::HashMap;
use std::path::Path;

use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection, OptionalExtension, TransactionBehavior};
use serde_json::Value;

use super::schema::{self, quote, Dialect, Row, STATE_TABLE, TABLE};
use super::{classify, Counts, State, StoreError};

/// An open SQLite database.
pub(crate) struct Sqlite {
    connection: Connection,
    /// The JSON-typed columns (stored as text) by name, for binding.
    json_columns: Vec<&'static str>,
}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        StoreError::Local(format!("SQLite: {err}"))
    }
}

impl Sqlite {
    pub(crate) fn open(path: &Path) -> Result<Self, StoreError> {
        let connection = Connection::open(path)
            .map_err(|err| StoreError::Local(format!("cannot open the SQLite database {}: {err}", path.display())))?;
        // WAL: a commit is one append, and readers (an analyst's query) do not block the
        // sync. NORMAL keeps every commit across a killed process (not a power cut).
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "NORMAL")?;
        connection.busy_timeout(std::time::Duration::from_secs(30))?;
        let json_columns =
            schema::columns().iter().filter(|c| schema::is_json(c.ty)).map(|c| c.wire).chain([schema::EXTRA]).collect();
        Ok(Self { connection, json_columns })
    }

    /// Creates the tables, adds the columns the spec has and the table lacks; returns
    /// the names added to an existing table.
    pub(crate) fn migrate(&mut self) -> Result<Vec<String>, StoreError> {
        let id = schema::id_column().ok_or_else(no_id)?;
        let tx = self.connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let existed = table_columns(&tx)?;
        tx.execute_batch(&schema::create_table(Dialect::Sqlite, id))?;
        tx.execute_batch(&schema::create_state_table(Dialect::Sqlite))?;
        let mut added = Vec::new();
        if !existed.is_empty() {
            for (name, statement) in schema::missing_columns(&existed, Dialect::Sqlite) {
                tx.execute_batch(&statement)?;
                added.push(name);
            }
            if !added.is_empty() {
                // The stored rows lack the new columns: the next fetch of each rewrites it.
                tx.execute(&format!("UPDATE {} SET {} = NULL", quote(TABLE), quote(schema::HASH)), [])?;
            }
        }
        tx.commit()?;
        Ok(added)
    }

    pub(crate) fn state(&mut self, task: &str) -> Result<State, StoreError> {
        let state = self
            .connection
            .query_row(
                &format!("SELECT watermark, scan_top, scan_resume FROM {} WHERE task_id = ?1", quote(STATE_TABLE)),
                [task],
                |row| Ok(State { watermark: row.get(0)?, scan_top: row.get(1)?, scan_resume: row.get(2)? }),
            )
            .optional()?;
        Ok(state.unwrap_or_default())
    }

    /// Upserts `rows` and writes `state`, in one transaction.
    pub(crate) fn commit_page(&mut self, task: &str, rows: &[Row], state: &State) -> Result<Counts, StoreError> {
        let id = schema::id_column().ok_or_else(no_id)?;
        let json_columns = self.json_columns.clone();
        let tx = self.connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut stored = HashMap::new();
        {
            let mut select = tx.prepare_cached(&format!(
                "SELECT {} FROM {} WHERE {} = ?1",
                quote(schema::HASH),
                quote(TABLE),
                quote(id.wire)
            ))?;
            for row in rows {
                let hash: Option<Option<String>> = select.query_row([bind(&row.id, false)], |r| r.get(0)).optional()?;
                if let Some(hash) = hash {
                    stored.insert(row.key(), hash);
                }
            }
        }
        let (writes, counts) = classify(rows, &stored);
        {
            let columns = schema::row_columns();
            let names: Vec<String> = columns.iter().map(|c| quote(c)).collect();
            let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
            let updates: Vec<String> =
                columns.iter().filter(|c| **c != id.wire).map(|c| format!("{0} = excluded.{0}", quote(c))).collect();
            let mut upsert = tx.prepare_cached(&format!(
                "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({}) DO UPDATE SET {}",
                quote(TABLE),
                names.join(", "),
                placeholders.join(", "),
                quote(id.wire),
                updates.join(", ")
            ))?;
            for row in writes {
                let values =
                    columns.iter().map(|c| bind(row.values.get(*c).unwrap_or(&Value::Null), json_columns.contains(c)));
                upsert.execute(params_from_iter(values))?;
            }
        }
        write_state(&tx, task, state)?;
        tx.commit()?;
        Ok(counts)
    }

    /// Writes the state of a finished scan.
    pub(crate) fn finish(&mut self, task: &str, state: &State) -> Result<(), StoreError> {
        let tx = self.connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        write_state(&tx, task, state)?;
        tx.commit()?;
        Ok(())
    }
}

fn no_id() -> StoreError {
    StoreError::Local("the spec names no id field for call records: rows cannot be upserted".to_owned())
}

fn table_columns(connection: &Connection) -> Result<Vec<String>, StoreError> {
    let mut statement = connection.prepare(&format!("PRAGMA table_info({})", quote(TABLE)))?;
    let names = statement.query_map([], |row| row.get::<_, String>(1))?.collect::<Result<Vec<_>, _>>()?;
    Ok(names)
}

fn write_state(connection: &Connection, task: &str, state: &State) -> Result<(), StoreError> {
    connection.execute(
        &format!(
            "INSERT INTO {} (task_id, watermark, scan_top, scan_resume, updated_at) \
             VALUES (?1, ?2, ?3, ?4, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) \
             ON CONFLICT (task_id) DO UPDATE SET watermark = excluded.watermark, scan_top = excluded.scan_top, \
             scan_resume = excluded.scan_resume, updated_at = excluded.updated_at",
            quote(STATE_TABLE)
        ),
        rusqlite::params![task, state.watermark, state.scan_top, state.scan_resume],
    )?;
    Ok(())
}

/// A JSON value as SQLite stores it: JSON-typed columns as JSON text, booleans as 0/1.
fn bind(value: &Value, json: bool) -> SqlValue {
    match value {
        Value::Null => SqlValue::Null,
        other if json => SqlValue::Text(other.to_string()),
        Value::Bool(flag) => SqlValue::Integer(i64::from(*flag)),
        Value::Number(number) => match number.as_i64() {
            Some(int) => SqlValue::Integer(int),
            None => SqlValue::Real(number.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(text) => SqlValue::Text(text.clone()),
        other => SqlValue::Text(other.to_string()),
    }
}
