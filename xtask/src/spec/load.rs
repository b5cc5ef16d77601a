//! Reading spec files: JSON syntax, then the file's shape (via serde, with the JSON path
//! of every failure), then [`super::validate`] for what serde cannot see.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use super::error::{SpecError, SpecErrors};
use super::model::{EndpointFile, EnumFile, ObjectFile, ServiceFile, Spec};
use super::validate;

/// The schema file lives beside the spec but is not part of it.
pub const SCHEMA_FILE: &str = "spec.schema.json";

/// A spec file after its shape was checked.
#[derive(Debug, Clone)]
pub enum Parsed {
    /// `kind: "service"`.
    Service(ServiceFile),
    /// `kind: "enum"`.
    Enum(EnumFile),
    /// `kind: "object"`.
    Object(ObjectFile),
    /// `kind: "endpoint"`.
    Endpoint(EndpointFile),
}

const KINDS: &str = "one of `service`, `enum`, `object`, `endpoint`";

/// Loads and validates every `*.json` below `dir` (except the schema).
pub fn load_dir(dir: &Path) -> Result<Spec, SpecErrors> {
    let mut paths = Vec::new();
    collect_json(dir, &mut paths).map_err(|message| SpecErrors(vec![SpecError::new(dir, "$", message)]))?;
    paths.sort();
    let mut sources = Vec::with_capacity(paths.len());
    for path in paths {
        match std::fs::read_to_string(&path) {
            Ok(text) => sources.push((path, text)),
            Err(err) => {
                return Err(SpecErrors(vec![SpecError::new(path, "$", format!("cannot read the file: {err}"))
                    .expected("a readable UTF-8 JSON file")]))
            }
        }
    }
    load_sources(sources)
}

fn collect_json(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|err| format!("cannot read the spec directory: {err}"))?;
    for entry in entries {
        let path = entry.map_err(|err| format!("cannot list the spec directory: {err}"))?.path();
        if path.is_dir() {
            collect_json(&path, out)?;
        } else if path.extension().is_some_and(|ext| ext == "json")
            && path.file_name().is_some_and(|name| name != SCHEMA_FILE)
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Loads and validates a spec from in-memory files (path, contents): what tests use to
/// feed broken specs without touching the disk.
pub fn load_sources(sources: impl IntoIterator<Item = (PathBuf, String)>) -> Result<Spec, SpecErrors> {
    let mut errors = Vec::new();
    let mut parsed = Vec::new();
    for (path, text) in sources {
        match parse_file(&path, &text) {
            Ok(file) => parsed.push((path, file)),
            Err(err) => errors.push(err),
        }
    }
    if !errors.is_empty() {
        return Err(SpecErrors(errors));
    }
    validate::validate(parsed)
}

/// Parses one file: syntax, `kind`, then the typed shape.
pub fn parse_file(path: &Path, text: &str) -> Result<Parsed, SpecError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|err| {
        SpecError::new(path, "$", format!("invalid JSON: {}", strip_position(&err)))
            .expected("a JSON object")
            .at(err.line(), err.column())
    })?;
    let kind = match value.get("kind") {
        Some(serde_json::Value::String(kind)) => kind.as_str(),
        Some(other) => {
            return Err(SpecError::new(path, "$.kind", format!("`kind` is {other}")).expected(KINDS));
        }
        None if value.is_object() => {
            return Err(SpecError::new(path, "$", "missing key `kind`").expected(KINDS));
        }
        None => return Err(SpecError::new(path, "$", "the file is not a JSON object").expected("a JSON object")),
    };
    match kind {
        "service" => typed(path, text).map(Parsed::Service),
        "enum" => typed(path, text).map(Parsed::Enum),
        "object" => typed(path, text).map(Parsed::Object),
        "endpoint" => typed(path, text).map(Parsed::Endpoint),
        other => Err(SpecError::new(path, "$.kind", format!("unknown kind `{other}`")).expected(KINDS)),
    }
}

fn typed<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T, SpecError> {
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let json_path = match err.path().to_string() {
            root if root == "." => "$".to_owned(),
            inner => format!("$.{inner}"),
        };
        let (line, column) = (err.inner().line(), err.inner().column());
        let text = strip_position(err.inner());
        // serde says "unknown field `x`, expected one of ..." in one sentence; a compiler
        // splits what is wrong from what was expected.
        let (message, expected) = match text.split_once(", expected ") {
            Some((message, expected)) => (message.to_owned(), Some(expected.to_owned())),
            None => (text, None),
        };
        let message = message.replace("unknown field", "unknown key").replace("missing field", "missing key");
        let mut error = SpecError::new(path, json_path, message).at(line, column);
        error.expected = expected;
        error
    })
}

/// serde_json's message without the " at line L column C" it appends (every error from
/// a `Deserializer` has a position), since `SpecError` shows the position itself.
fn strip_position(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.rfind(" at line ") {
        Some(cut) => text[..cut].to_owned(),
        None => text,
    }
}
