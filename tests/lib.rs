//! Shared helpers for the workspace-level tests.

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn root() -> PathBuf {
    xtask::codegen::workspace_root()
}

/// The fixture spec as in-memory files, named relative to the spec directory so error
/// messages read `enums/color.json`.
pub fn fixture_sources() -> Vec<(PathBuf, String)> {
    let dir = root().join("tests/fixtures/spec");
    let mut out = Vec::new();
    collect(&dir, &dir, &mut out);
    out.sort();
    out
}

fn collect(base: &Path, dir: &Path, out: &mut Vec<(PathBuf, String)>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|err| panic!("cannot list {}: {err}", dir.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(base, &path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            let text =
                std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
            let relative = path.strip_prefix(base).map(Path::to_path_buf).unwrap_or(path);
            out.push((relative, text));
        }
    }
}

/// The fixture spec with one file's text changed by `edit`.
#[track_caller]
pub fn fixture_with(file: &str, edit: impl FnOnce(&str) -> String) -> Vec<(PathBuf, String)> {
    let mut sources = fixture_sources();
    let entry = sources
        .iter_mut()
        .find(|(path, _)| path == Path::new(file))
        .unwrap_or_else(|| panic!("no fixture file {file}"));
    entry.1 = edit(&entry.1);
    sources
}

/// Replaces exactly one occurrence of `from` in `text`, so an edit that stops matching
/// fails loudly instead of testing the unbroken spec.
#[track_caller]
pub fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "`{from}` must occur exactly once");
    text.replacen(from, to, 1)
}

/// The first call record of the stored vendor page's response example (its `Success
/// Example`), as the page writes it.
pub fn page_example_record() -> serde_json::Map<String, serde_json::Value> {
    let path = root().join("tests/data/query-call-records.txt");
    let page = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    let example = page.find("Success Example").unwrap_or_else(|| panic!("no Success Example in {}", path.display()));
    let start = example + page[example..].find('{').unwrap_or_else(|| panic!("no JSON after Success Example"));
    let mut values = serde_json::Deserializer::from_str(&page[start..]).into_iter::<serde_json::Value>();
    let body = match values.next() {
        Some(Ok(body)) => body,
        other => panic!("the Success Example is not JSON: {other:?}"),
    };
    let record = body["data"]["list"][0].as_object().cloned();
    record.unwrap_or_else(|| panic!("no record in the Success Example's data.list"))
}

/// `record` (a call record as JSON text, with a test's own values) as the spec knows it:
/// every field of `CallRecord::FIELDS` and no other, each with `record`'s value, else the
/// stored vendor page's example value, else `null`. A test's record so follows the docs
/// when the vendor adds or removes a field.
pub fn record_as_the_spec_knows_it(record: &str) -> serde_json::Value {
    let ours: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(record).unwrap_or_else(|err| panic!("not a JSON object: {err}"));
    let page = page_example_record();
    let fields = nxlink_models::CallRecord::FIELDS.iter().map(|field| {
        let value = ours.get(*field).or_else(|| page.get(*field)).cloned().unwrap_or(serde_json::Value::Null);
        ((*field).to_owned(), value)
    });
    serde_json::Value::Object(fields.collect())
}
