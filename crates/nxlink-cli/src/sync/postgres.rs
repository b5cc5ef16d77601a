//! The PostgreSQL store (`--db postgres://...`), over tokio-postgres on the command's
//! runtime. A page is one transaction: the page's rows go in as one JSONB array through
//! `jsonb_populate_recordset`, so each column takes its table type without a
//! hand-written binding per field, and the task's state is written in the same
//! transaction.

use std::collections::HashMap;

use serde_json::{Map, Value};
use tokio_postgres::types::Json;
use tokio_postgres::{Client, Config, NoTls};

use super::schema::{self, quote, Dialect, Row, STATE_TABLE, TABLE};
use super::{classify, Counts, Migration, State, StoreError};
use crate::error::CliError;

/// An open PostgreSQL connection.
pub(crate) struct Postgres {
    client: Client,
    /// `host:port/db`, never the password, for messages.
    shown: String,
}

impl Postgres {
    pub(crate) async fn connect(url: &str) -> Result<Self, StoreError> {
        let config: Config =
            url.parse().map_err(|err| StoreError::Usage(format!("--db: not a PostgreSQL URL ({err})")))?;
        let shown = shown(&config);
        let (client, connection) = config.connect(NoTls).await.map_err(|err| {
            StoreError::Network(format!("cannot connect to PostgreSQL at {shown}: {}", error_text(&err)))
        })?;
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(%err, "PostgreSQL connection ended");
            }
        });
        Ok(Self { client, shown })
    }

    /// Creates the tables, adds the columns the spec has and the table lacks, and widens
    /// those whose type the spec changed ([`schema::widen_postgres`]).
    pub(crate) async fn migrate(&mut self) -> Result<Migration, StoreError> {
        let id = schema::id_column().ok_or_else(no_id)?;
        let shown = self.shown.clone();
        let fail = |e: tokio_postgres::Error| error_of(&shown, &e);
        let tx = self.client.transaction().await.map_err(fail)?;
        // Two syncs starting at once would both try to create or alter: one waits.
        tx.execute("SELECT pg_advisory_xact_lock(7305710)", &[]).await.map_err(fail)?;
        let existed: Vec<(String, String)> = tx
            .query(
                "SELECT column_name::text, data_type::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = $1",
                &[&TABLE],
            )
            .await
            .map_err(fail)?
            .iter()
            .map(|row| (row.get(0), row.get(1)))
            .collect();
        tx.batch_execute(&schema::create_table(Dialect::Postgres, id)).await.map_err(fail)?;
        tx.batch_execute(&schema::create_state_table(Dialect::Postgres)).await.map_err(fail)?;
        let mut migration = Migration::default();
        if !existed.is_empty() {
            let names: Vec<String> = existed.iter().map(|(name, _)| name.clone()).collect();
            for (name, statement) in schema::missing_columns(&names, Dialect::Postgres) {
                tx.batch_execute(&statement).await.map_err(fail)?;
                migration.added.push(name);
            }
            for column in schema::columns() {
                let Some((_, existing)) = existed.iter().find(|(name, _)| name == column.wire) else { continue };
                let wanted = schema::sql_type(column.ty, Dialect::Postgres);
                if let Some(statement) = schema::widen_postgres(column.wire, existing, wanted) {
                    tx.batch_execute(&statement).await.map_err(fail)?;
                    migration.widened.push(format!("{} ({existing} to {})", column.wire, wanted.to_ascii_lowercase()));
                }
            }
            if !migration.is_empty() {
                // The stored rows lack the new columns or hold the old type's values: the
                // next fetch of each rewrites it.
                let reset = format!("UPDATE {} SET {} = NULL", quote(TABLE), quote(schema::HASH));
                tx.execute(&reset, &[]).await.map_err(fail)?;
            }
        }
        tx.commit().await.map_err(fail)?;
        Ok(migration)
    }

    pub(crate) async fn state(&mut self, task: &str) -> Result<State, StoreError> {
        let sql = format!("SELECT watermark, scan_top, scan_resume FROM {} WHERE task_id = $1", quote(STATE_TABLE));
        let row = self.client.query_opt(&sql, &[&task]).await.map_err(|e| error_of(&self.shown, &e))?;
        Ok(row.map_or_else(State::default, |row| State {
            watermark: row.get(0),
            scan_top: row.get(1),
            scan_resume: row.get(2),
        }))
    }

    /// Upserts `rows` and writes `state`, in one transaction.
    pub(crate) async fn commit_page(&mut self, task: &str, rows: &[Row], state: &State) -> Result<Counts, StoreError> {
        let id = schema::id_column().ok_or_else(no_id)?;
        let shown = self.shown.clone();
        let fail = |e: tokio_postgres::Error| error_of(&shown, &e);
        let tx = self.client.transaction().await.map_err(fail)?;
        // Only the ids, to look up the stored hashes.
        let ids = Json(rows.iter().map(|row| serde_json::json!({ id.wire: row.id })).collect::<Vec<_>>());
        let select = format!(
            "SELECT to_jsonb(t.{id})::text, t.{hash} FROM {table} t \
             WHERE t.{id} IN (SELECT r.{id} FROM jsonb_populate_recordset(NULL::{table}, $1::jsonb) r)",
            id = quote(id.wire),
            hash = quote(schema::HASH),
            table = quote(TABLE)
        );
        let mut stored = HashMap::new();
        for row in tx.query(&select, &[&ids]).await.map_err(fail)? {
            let key: String = row.get(0);
            // The key of `Row::key`: the id's compact JSON text.
            let key = serde_json::from_str::<serde_json::Value>(&key).map_or(key, |value| value.to_string());
            stored.insert(key, row.get::<_, Option<String>>(1));
        }
        let (writes, counts) = classify(rows, &stored);
        if !writes.is_empty() {
            let columns: Vec<String> = schema::row_columns().iter().map(|c| quote(c)).collect();
            let updates: Vec<String> = schema::row_columns()
                .iter()
                .filter(|c| **c != id.wire)
                .map(|c| format!("{0} = EXCLUDED.{0}", quote(c)))
                .collect();
            let upsert = format!(
                "INSERT INTO {table} ({columns}) SELECT {columns} FROM jsonb_populate_recordset(NULL::{table}, $1::jsonb) \
                 ON CONFLICT ({id}) DO UPDATE SET {updates}",
                table = quote(TABLE),
                columns = columns.join(", "),
                id = quote(id.wire),
                updates = updates.join(", ")
            );
            // Serialised straight from the rows, without a copy.
            let values = Json(writes.iter().map(|row| &row.values).collect::<Vec<_>>());
            tx.execute(&upsert, &[&values]).await.map_err(fail)?;
        }
        write_state(&tx, task, state).await.map_err(fail)?;
        tx.commit().await.map_err(fail)?;
        Ok(counts)
    }

    /// Writes the state of a finished scan.
    pub(crate) async fn finish(&mut self, task: &str, state: &State) -> Result<(), StoreError> {
        let shown = self.shown.clone();
        let fail = |e: tokio_postgres::Error| error_of(&shown, &e);
        let tx = self.client.transaction().await.map_err(fail)?;
        write_state(&tx, task, state).await.map_err(fail)?;
        tx.commit().await.map_err(fail)?;
        Ok(())
    }

    /// Calls `visit` with every stored record as its JSON object
    /// ([`schema::record_object`]), in a read-only transaction through a portal, so
    /// memory is one fetch of rows whatever the table's size.
    pub(crate) async fn read(
        &mut self,
        mut visit: impl FnMut(Map<String, Value>) -> Result<(), CliError>,
    ) -> Result<(), CliError> {
        /// Rows fetched from the portal at once.
        const FETCH_ROWS: i32 = 2_000;
        let shown = self.shown.clone();
        let fail = |e: tokio_postgres::Error| error_of(&shown, &e);
        let tx = self.client.build_transaction().read_only(true).start().await.map_err(fail)?;
        let table: Option<String> =
            tx.query_one("SELECT to_regclass($1)::text", &[&quote(TABLE)]).await.map_err(fail)?.get(0);
        if table.is_none() {
            return Err(StoreError::Local(format!(
                "PostgreSQL at {shown} has no {TABLE} table; expected a database `nxlink calls sync` wrote"
            ))
            .into());
        }
        // Each row as one JSON object: JSONB columns nested, booleans and numbers typed.
        let statement = tx.prepare(&format!("SELECT to_jsonb(t) FROM {} t", quote(TABLE))).await.map_err(fail)?;
        let portal = tx.bind(&statement, &[]).await.map_err(fail)?;
        loop {
            let rows = tx.query_portal(&portal, FETCH_ROWS).await.map_err(fail)?;
            if rows.is_empty() {
                break;
            }
            for row in rows {
                let Json(value): Json<Value> = row.try_get(0).map_err(fail)?;
                let Value::Object(object) = value else {
                    return Err(StoreError::Local(format!("PostgreSQL at {shown}: a row that is not an object")).into());
                };
                let object = schema::record_object(object)
                    .map_err(|err| StoreError::Local(format!("PostgreSQL at {shown}: {err}")))?;
                visit(object)?;
            }
        }
        tx.commit().await.map_err(fail)?;
        Ok(())
    }
}

async fn write_state(
    tx: &tokio_postgres::Transaction<'_>,
    task: &str,
    state: &State,
) -> Result<u64, tokio_postgres::Error> {
    let sql = format!(
        "INSERT INTO {} (task_id, watermark, scan_top, scan_resume, updated_at) VALUES ($1, $2, $3, $4, now()) \
         ON CONFLICT (task_id) DO UPDATE SET watermark = EXCLUDED.watermark, scan_top = EXCLUDED.scan_top, \
         scan_resume = EXCLUDED.scan_resume, updated_at = EXCLUDED.updated_at",
        quote(STATE_TABLE)
    );
    tx.execute(&sql, &[&task, &state.watermark, &state.scan_top, &state.scan_resume]).await
}

/// A lost connection (closed, refused, reset, or ended by the server: SQL states 08xxx
/// and 57Pxx) is exit 5, like a network error of the API; a refused statement is exit 1.
fn error_of(shown: &str, err: &tokio_postgres::Error) -> StoreError {
    let text = format!("PostgreSQL at {shown}: {}", error_text(err));
    let lost = err.is_closed()
        || err.code().is_none_or(|code| code.code().starts_with("08") || code.code().starts_with("57P"));
    if lost {
        StoreError::Network(text)
    } else {
        StoreError::Local(text)
    }
}

fn no_id() -> StoreError {
    StoreError::Local("the spec names no id field for call records: rows cannot be upserted".to_owned())
}

/// The error with its causes (tokio-postgres puts the useful part, "connection
/// refused", in the source chain); the server's message for a statement.
fn error_text(err: &tokio_postgres::Error) -> String {
    if let Some(db) = err.as_db_error() {
        return format!("{} ({})", db.message(), db.code().code());
    }
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// `host:port/db` of a config, for messages (no user, no password).
fn shown(config: &Config) -> String {
    let host = config
        .get_hosts()
        .first()
        .map(|host| match host {
            tokio_postgres::config::Host::Tcp(name) => name.clone(),
            tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .unwrap_or_else(|| "localhost".to_owned());
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!("{host}:{port}/{}", config.get_dbname().unwrap_or("(default database)"))
}
