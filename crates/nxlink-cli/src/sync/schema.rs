//! The synced table as the spec describes it: one column per field of
//! [`CallRecord::COLUMNS`], typed from its [`ValueType`], plus `extra` (the fields the
//! spec does not know) and a content hash. Nothing here names a field: a field the
//! vendor adds becomes a column on the next run, through `ALTER TABLE ADD COLUMN`.

use nxlink_models::runtime::{Column, ValueType};
use nxlink_models::CallRecord;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// The table of records.
pub(crate) const TABLE: &str = "call_records";
/// The per-task sync state (watermark and the progress of an unfinished scan).
pub(crate) const STATE_TABLE: &str = "nxlink_sync_state";
/// The column holding the fields the spec does not know, as a JSON object (or NULL).
pub(crate) const EXTRA: &str = "extra";
/// The column holding the SHA-256 of the record as received: an equal hash means the
/// stored row is the record, so it is counted unchanged and not written.
pub(crate) const HASH: &str = "nxlink_hash";

/// The SQL the two databases differ in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

/// The spec's columns, and the one that identifies a record (the paginated endpoint's
/// item id, `id` today).
pub(crate) fn columns() -> &'static [Column] {
    CallRecord::COLUMNS
}

/// The id column, from the endpoint's pagination (the item field that identifies an
/// item across pages).
pub(crate) fn id_column() -> Option<&'static Column> {
    use nxlink_models::runtime::Operation;
    let wire = nxlink_models::QueryCallRecords::ENDPOINT.pagination.map(|p| p.item_id)?;
    columns().iter().find(|column| column.wire == wire)
}

/// A spec field whose name is one of ours would be silently overwritten: refuse.
pub(crate) fn check_names() -> Result<(), String> {
    match columns().iter().find(|c| c.wire == EXTRA || c.wire == HASH) {
        Some(column) => Err(format!(
            "the spec has a field named `{}`, which is a column of nxlink's own in {TABLE}; \
             this version cannot sync it",
            column.wire
        )),
        None => Ok(()),
    }
}

/// `name` as a quoted SQL identifier (wire names are case-sensitive: `createTs`).
pub(crate) fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The SQL type of a field.
pub(crate) fn sql_type(ty: ValueType, dialect: Dialect) -> &'static str {
    match (ty, dialect) {
        (ValueType::Int32 | ValueType::Code(_), _) => "INTEGER",
        (ValueType::Int64, _) => "BIGINT",
        (ValueType::Float64, Dialect::Sqlite) => "REAL",
        (ValueType::Float64, Dialect::Postgres) => "DOUBLE PRECISION",
        (ValueType::Bool, _) => "BOOLEAN",
        (ValueType::String, _) => "TEXT",
        (ValueType::List(_) | ValueType::Object(_) | ValueType::Json, Dialect::Sqlite) => "TEXT",
        (ValueType::List(_) | ValueType::Object(_) | ValueType::Json, Dialect::Postgres) => "JSONB",
        // A kind of type added to the runtime later: kept whole, as JSON.
        (_, Dialect::Sqlite) => "TEXT",
        (_, Dialect::Postgres) => "JSONB",
    }
}

/// True when the column holds JSON (text in SQLite, JSONB in PostgreSQL).
pub(crate) fn is_json(ty: ValueType) -> bool {
    !ty.is_scalar()
}

/// `"wire" TYPE` for `ALTER TABLE ADD COLUMN` and `CREATE TABLE`.
pub(crate) fn column_definition(column: &Column, dialect: Dialect) -> String {
    format!("{} {}", quote(column.wire), sql_type(column.ty, dialect))
}

/// The columns nxlink adds after the spec's, with their types.
pub(crate) fn own_columns(dialect: Dialect) -> [(&'static str, &'static str); 2] {
    let json = if dialect == Dialect::Postgres { "JSONB" } else { "TEXT" };
    [(EXTRA, json), (HASH, "TEXT")]
}

/// `CREATE TABLE IF NOT EXISTS` for the records, the id as primary key.
pub(crate) fn create_table(dialect: Dialect, id: &Column) -> String {
    let mut definitions: Vec<String> = columns()
        .iter()
        .map(|column| {
            let mut definition = column_definition(column, dialect);
            if column.wire == id.wire {
                definition.push_str(" PRIMARY KEY");
            }
            definition
        })
        .collect();
    definitions.extend(own_columns(dialect).iter().map(|(name, ty)| format!("{} {ty}", quote(name))));
    format!("CREATE TABLE IF NOT EXISTS {} (\n  {}\n)", quote(TABLE), definitions.join(",\n  "))
}

/// `CREATE TABLE IF NOT EXISTS` for the sync state.
pub(crate) fn create_state_table(dialect: Dialect) -> String {
    let updated = match dialect {
        Dialect::Sqlite => "TEXT NOT NULL",
        Dialect::Postgres => "TIMESTAMPTZ NOT NULL",
    };
    format!(
        "CREATE TABLE IF NOT EXISTS {} (task_id TEXT PRIMARY KEY, watermark BIGINT, scan_top BIGINT, \
         scan_resume BIGINT, updated_at {updated})",
        quote(STATE_TABLE)
    )
}

/// The `ALTER TABLE ADD COLUMN` statements for the columns `existing` lacks, with the
/// names they add.
pub(crate) fn missing_columns(existing: &[String], dialect: Dialect) -> Vec<(String, String)> {
    let has = |name: &str| existing.iter().any(|e| e == name);
    let mut wanted: Vec<(String, String)> = columns()
        .iter()
        .filter(|column| !has(column.wire))
        .map(|column| (column.wire.to_owned(), column_definition(column, dialect)))
        .collect();
    wanted.extend(
        own_columns(dialect)
            .iter()
            .filter(|(name, _)| !has(name))
            .map(|(name, ty)| ((*name).to_owned(), format!("{} {ty}", quote(name)))),
    );
    wanted
        .into_iter()
        .map(|(name, definition)| (name, format!("ALTER TABLE {} ADD COLUMN {definition}", quote(TABLE))))
        .collect()
}

/// How an existing PostgreSQL column of type `existing` (as `information_schema` names
/// it) changes so that it holds values of the spec's type `wanted` as well as the values
/// it has, as when the vendor changes a field's type: `None` when it holds them already
/// (the same type, or a wider one), else `ALTER TABLE ... ALTER COLUMN ... TYPE ...
/// USING ...` to the narrowest type that holds both, which never fails and loses nothing
/// (integer < bigint < double precision; anything else meets in text; JSON holds all). A
/// type nxlink does not write (set by hand) is left alone.
pub(crate) fn widen_postgres(column: &str, existing: &str, wanted: &str) -> Option<String> {
    const NUMBERS: [&str; 3] = ["integer", "bigint", "double precision"];
    const OURS: [&str; 6] = ["integer", "bigint", "double precision", "boolean", "text", "jsonb"];
    let (existing, wanted) = (existing.to_ascii_lowercase(), wanted.to_ascii_lowercase());
    if existing == wanted || !OURS.contains(&existing.as_str()) || !OURS.contains(&wanted.as_str()) {
        return None;
    }
    let rank = |ty: &str| NUMBERS.iter().position(|n| *n == ty);
    let target = match (rank(&existing), rank(&wanted)) {
        (Some(have), Some(want)) => NUMBERS[have.max(want)],
        _ if existing == "jsonb" || wanted == "jsonb" => "jsonb",
        _ => "text",
    };
    if target == existing {
        return None;
    }
    let quoted = quote(column);
    let using = if target == "jsonb" { format!("to_jsonb({quoted})") } else { format!("{quoted}::{target}") };
    Some(format!(
        "ALTER TABLE {} ALTER COLUMN {quoted} TYPE {} USING {using}",
        quote(TABLE),
        target.to_ascii_uppercase()
    ))
}

/// Every column a row writes, in order: the spec's, then `extra` and the hash.
pub(crate) fn row_columns() -> Vec<&'static str> {
    columns().iter().map(|c| c.wire).chain([EXTRA, HASH]).collect()
}

/// One record as the row it becomes.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    /// The id as the record carries it (the key of the upsert).
    pub(crate) id: Value,
    /// Column name -> value: every spec field (absent ones `null`), `extra`, the hash.
    pub(crate) values: Map<String, Value>,
}

impl Row {
    /// The row of `record`, or `None` when it has no id (it cannot be upserted).
    pub(crate) fn of(record: &CallRecord, id: &Column) -> Result<Option<Self>, String> {
        let Value::Object(mut fields) =
            serde_json::to_value(record).map_err(|err| format!("a record does not serialise: {err}"))?
        else {
            return Err("a record does not serialise to a JSON object".to_owned());
        };
        let bytes = serde_json::to_vec(record).map_err(|err| format!("a record does not serialise: {err}"))?;
        let hash = hex::encode(Sha256::digest(&bytes));
        let Some(id_value) = fields.get(id.wire).filter(|v| !v.is_null()).cloned() else { return Ok(None) };
        let mut values = Map::new();
        for column in columns() {
            values.insert(column.wire.to_owned(), fields.remove(column.wire).unwrap_or(Value::Null));
        }
        let extra = if fields.is_empty() { Value::Null } else { Value::Object(fields) };
        values.insert(EXTRA.to_owned(), extra);
        values.insert(HASH.to_owned(), Value::String(hash));
        Ok(Some(Self { id: id_value, values }))
    }

    /// The content hash.
    pub(crate) fn hash(&self) -> &str {
        self.values.get(HASH).and_then(Value::as_str).unwrap_or_default()
    }

    /// The id as a map key (its JSON text).
    pub(crate) fn key(&self) -> String {
        self.id.to_string()
    }
}

/// A stored row (column name to value, JSON columns already parsed) back as the JSON
/// object of its record, the inverse of [`Row::of`]: NULL columns are absent fields, the
/// fields in `extra` are merged back (a column wins over an extra field of its name),
/// and the hash is dropped. A column the spec no longer has is kept as an unknown field.
pub(crate) fn record_object(mut row: Map<String, Value>) -> Result<Map<String, Value>, String> {
    row.remove(HASH);
    let extra = row.remove(EXTRA).unwrap_or(Value::Null);
    let mut object: Map<String, Value> = row.into_iter().filter(|(_, value)| !value.is_null()).collect();
    match extra {
        Value::Null => {}
        Value::Object(fields) => {
            for (name, value) in fields {
                object.entry(name).or_insert(value);
            }
        }
        other => return Err(format!("column {EXTRA}: expected a JSON object, got {other}")),
    }
    Ok(object)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn every_spec_column_is_in_the_table_with_its_type() {
        let id = id_column().unwrap();
        for dialect in [Dialect::Sqlite, Dialect::Postgres] {
            let ddl = create_table(dialect, id);
            for column in columns() {
                let definition = column_definition(column, dialect);
                assert!(ddl.contains(&definition), "{dialect:?}: {definition}");
            }
            assert!(ddl.contains(&format!("{} PRIMARY KEY", column_definition(id, dialect))), "{ddl}");
            assert_eq!(ddl.matches("PRIMARY KEY").count(), 1);
        }
        assert_eq!(sql_type(ValueType::Json, Dialect::Postgres), "JSONB");
        assert_eq!(sql_type(ValueType::Json, Dialect::Sqlite), "TEXT");
        assert_eq!(sql_type(ValueType::Int64, Dialect::Postgres), "BIGINT");
    }

    #[test]
    fn only_the_missing_columns_are_added() {
        let all: Vec<String> = row_columns().iter().map(|c| (*c).to_owned()).collect();
        assert!(missing_columns(&all, Dialect::Sqlite).is_empty());
        let last = columns().last().unwrap().wire;
        let fewer: Vec<String> = all.iter().filter(|c| *c != last).cloned().collect();
        let added = missing_columns(&fewer, Dialect::Postgres);
        assert_eq!(added.len(), 1);
        assert_eq!(added[0].0, last);
        assert!(added[0].1.starts_with("ALTER TABLE \"call_records\" ADD COLUMN"), "{}", added[0].1);
    }

    /// Every pair of the types nxlink writes: the column keeps its type when it holds the
    /// new values already, else it becomes the narrowest type that holds both.
    #[test]
    fn a_changed_type_widens_the_column_to_hold_old_and_new_values() {
        let types = ["INTEGER", "BIGINT", "DOUBLE PRECISION", "BOOLEAN", "TEXT", "JSONB"];
        let expected = |have: &'static str, want: &'static str| -> Option<&'static str> {
            let order = |t: &str| types.iter().position(|x| *x == t).unwrap();
            let number = |t: &str| order(t) < 3;
            let target = if have == want {
                have
            } else if number(have) && number(want) {
                types[order(have).max(order(want))]
            } else if have == "JSONB" || want == "JSONB" {
                "JSONB"
            } else {
                "TEXT"
            };
            (target != have).then_some(target)
        };
        for have in types {
            for want in types {
                let statement = widen_postgres("callElapsed", &have.to_lowercase(), want);
                match expected(have, want) {
                    None => assert_eq!(statement, None, "{have} -> {want}"),
                    Some(target) => {
                        let statement = statement.unwrap_or_else(|| panic!("{have} -> {want}: no change"));
                        let prefix =
                            format!("ALTER TABLE \"call_records\" ALTER COLUMN \"callElapsed\" TYPE {target} USING ");
                        assert!(statement.starts_with(&prefix), "{have} -> {want}: {statement}");
                    }
                }
            }
        }
        assert_eq!(widen_postgres("a", "integer", "TEXT").unwrap().rsplit("USING ").next(), Some("\"a\"::text"));
        assert_eq!(widen_postgres("a", "text", "JSONB").unwrap().rsplit("USING ").next(), Some("to_jsonb(\"a\")"));
        // A type set by hand is the user's.
        assert_eq!(widen_postgres("a", "character varying", "INTEGER"), None);
        assert_eq!(widen_postgres("a", "numeric", "TEXT"), None);
    }

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(quote("createTs"), "\"createTs\"");
        assert_eq!(quote("a\"b"), "\"a\"\"b\"");
    }
}
