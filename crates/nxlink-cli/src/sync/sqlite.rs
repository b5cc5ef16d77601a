//! The SQLite store (`--db sqlite:PATH`): one file, SQLite compiled in. Each page is one
//! transaction with the task's state, in WAL mode, so a killed process leaves the file
//! at the last committed page.

use std::collections::HashMap;
use std::path::Path;

use nxlink_models::runtime::ValueType;
use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{params_from_iter, Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use serde_json::{Map, Value};

use super::schema::{self, quote, Dialect, Row, STATE_TABLE, TABLE};
use super::{classify, Counts, Migration, State, StoreError};
use crate::error::CliError;

/// An open SQLite database.
pub(crate) struct Sqlite {
    connection: Connection,
    /// Every column a row writes ([`schema::row_columns`]), with whether it holds JSON
    /// (stored as text): worked out once, not per value of every row.
    columns: Vec<(&'static str, bool)>,
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
        let json = |name: &str| {
            name == schema::EXTRA || schema::columns().iter().any(|c| c.wire == name && schema::is_json(c.ty))
        };
        let columns = schema::row_columns().into_iter().map(|name| (name, json(name))).collect();
        Ok(Self { connection, columns })
    }

    /// Creates the tables and adds the columns the spec has and the table lacks.
    pub(crate) fn migrate(&mut self) -> Result<Migration, StoreError> {
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
        // A changed type needs nothing: a SQLite column holds a value of any type.
        Ok(Migration { added, widened: Vec::new() })
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
            let columns = &self.columns;
            let names: Vec<String> = columns.iter().map(|(c, _)| quote(c)).collect();
            let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
            let updates: Vec<String> = columns
                .iter()
                .filter(|(c, _)| *c != id.wire)
                .map(|(c, _)| format!("{0} = excluded.{0}", quote(c)))
                .collect();
            let mut upsert = tx.prepare_cached(&format!(
                "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({}) DO UPDATE SET {}",
                quote(TABLE),
                names.join(", "),
                placeholders.join(", "),
                quote(id.wire),
                updates.join(", ")
            ))?;
            for row in writes {
                let values = columns.iter().map(|(c, json)| bind(row.values.get(*c).unwrap_or(&Value::Null), *json));
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

/// Calls `visit` with every stored record as its JSON object ([`schema::record_object`]),
/// reading the file without writing to it (a missing file is an error, not a new
/// database).
pub(crate) fn read(
    path: &Path,
    mut visit: impl FnMut(Map<String, Value>) -> Result<(), CliError>,
) -> Result<(), CliError> {
    let shown = path.display();
    let connection =
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(|err| StoreError::Local(format!("cannot open the SQLite database {shown}: {err}")))?;
    let fail = |err: rusqlite::Error| StoreError::Local(format!("cannot read the SQLite database {shown}: {err}"));
    if table_columns(&connection)
        .map_err(|_| StoreError::Local(format!("{shown} is not a SQLite database")))?
        .is_empty()
    {
        return Err(StoreError::Local(format!(
            "{shown} has no {TABLE} table; expected a database `nxlink calls sync` wrote"
        ))
        .into());
    }
    let mut statement = connection.prepare(&format!("SELECT * FROM {}", quote(TABLE))).map_err(fail)?;
    let names: Vec<String> = statement.column_names().into_iter().map(str::to_owned).collect();
    let types: Vec<Option<ValueType>> = names
        .iter()
        .map(|name| match schema::columns().iter().find(|c| c.wire == name) {
            Some(column) => Some(column.ty),
            None if name == schema::EXTRA => Some(ValueType::Json),
            None => None,
        })
        .collect();
    let mut rows = statement.query([]).map_err(fail)?;
    while let Some(row) = rows.next().map_err(fail)? {
        let mut object = Map::new();
        for (index, (name, ty)) in names.iter().zip(&types).enumerate() {
            let value = row.get_ref(index).map_err(fail)?;
            let value =
                unbind(value, *ty).map_err(|err| StoreError::Local(format!("{shown}: column {name}: {err}")))?;
            object.insert(name.clone(), value);
        }
        visit(schema::record_object(object).map_err(|err| StoreError::Local(format!("{shown}: {err}")))?)?;
    }
    Ok(())
}

/// A stored value back as JSON, the inverse of `bind`: JSON text parsed, 0/1 in a
/// boolean column as `false`/`true`. `ty` is `None` for a column the spec does not know.
fn unbind(value: ValueRef<'_>, ty: Option<ValueType>) -> Result<Value, String> {
    Ok(match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(int) if ty == Some(ValueType::Bool) => Value::Bool(int != 0),
        ValueRef::Integer(int) => Value::from(int),
        ValueRef::Real(real) => serde_json::Number::from_f64(real).map_or(Value::Null, Value::Number),
        ValueRef::Text(bytes) => {
            let text = std::str::from_utf8(bytes).map_err(|err| format!("text that is not UTF-8 ({err})"))?;
            match ty {
                Some(ty) if schema::is_json(ty) => {
                    serde_json::from_str(text).map_err(|err| format!("expected JSON text, got {text:?} ({err})"))?
                }
                _ => Value::String(text.to_owned()),
            }
        }
        ValueRef::Blob(_) => return Err("a BLOB, which nxlink does not write".to_owned()),
    })
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use nxlink_models::CallRecord;

    use super::*;

    /// Every kind of value, unknown fields (top level and nested) and a column the spec
    /// does not have (an older spec's field): each row reads back as its record.
    #[test]
    fn stored_rows_read_back_as_their_records() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("calls.db");
        let full: CallRecord = serde_json::from_value(serde_json::json!({
            "id": 1, "taskId": "t", "callStatus": 2, "callResult": 99, "callElapsed": 31,
            "userIntent": "buy", "callStart": 1_796_169_600,
            "attributes": [{"name": "a", "value": "1", "later": [1, {"x": true}]}],
            "newField": {"nested": [1.5, null, "x"]}, "flag": false, "text": "{not json"
        }))
        .unwrap();
        let mut bare = CallRecord::default();
        bare.id = Some(2);
        let records = [full, bare];
        let id = schema::id_column().unwrap();
        let rows: Vec<Row> = records.iter().map(|r| Row::of(r, id).unwrap().unwrap()).collect();
        let mut db = Sqlite::open(&path).unwrap();
        db.migrate().unwrap();
        db.commit_page("t", &rows, &State::default()).unwrap();
        db.connection.execute_batch("ALTER TABLE call_records ADD COLUMN \"oldField\" TEXT").unwrap();
        db.connection.execute_batch("UPDATE call_records SET \"oldField\" = '[1]' WHERE id = 2").unwrap();
        drop(db);

        let mut read_back = Vec::new();
        read(&path, |object| {
            read_back.push(object);
            Ok(())
        })
        .unwrap();
        read_back.sort_by_key(|object| object["id"].as_i64());
        assert_eq!(Value::Object(read_back[0].clone()), serde_json::to_value(&records[0]).unwrap());
        let mut second = serde_json::to_value(&records[1]).unwrap();
        // The old column's text is kept as text: nothing says it is JSON.
        second["oldField"] = Value::from("[1]");
        assert_eq!(Value::Object(read_back[1].clone()), second);
    }

    #[test]
    fn a_file_that_is_not_a_sync_database_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.db");
        let err = read(&missing, |_| Ok(())).unwrap_err().to_string();
        assert!(err.contains("missing.db"), "{err}");
        assert!(!missing.exists(), "reading created the file");
        let other = dir.path().join("other.db");
        Connection::open(&other).unwrap().execute_batch("CREATE TABLE t (x)").unwrap();
        let err = read(&other, |_| Ok(())).unwrap_err().to_string();
        assert!(err.contains("has no call_records table"), "{err}");
    }
}
