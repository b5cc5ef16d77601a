//! Writes the differences a page shows into `spec/`, as line edits that keep each spec
//! file's layout (one field or value per line), so the review diff shows only what
//! changed. The edited files must load and validate before anything is written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use heck::ToUpperCamelCase;

use super::diff::{Change, FieldChange, RegionChange, ValueChange};
use crate::spec::Spec;

/// What applying did: a line per change, said as it was done or why it was not.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Applied {
    /// Changes written.
    pub done: Vec<String>,
    /// Changes left to a person, with why.
    pub skipped: Vec<String>,
    /// Files that changed.
    pub files: Vec<PathBuf>,
}

/// A spec file's lines, by path.
struct Files {
    texts: BTreeMap<PathBuf, Vec<String>>,
    /// `(kind, name)` to path; the request type names its endpoint file.
    index: BTreeMap<(String, String), PathBuf>,
}

impl Files {
    fn read(dir: &Path) -> Result<Self, String> {
        let mut files = Files { texts: BTreeMap::new(), index: BTreeMap::new() };
        let mut stack = vec![dir.to_path_buf()];
        while let Some(folder) = stack.pop() {
            let entries =
                std::fs::read_dir(&folder).map_err(|err| format!("cannot list {}: {err}", folder.display()))?;
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "json")
                    || path.file_name().is_some_and(|n| n == "spec.schema.json")
                {
                    continue;
                }
                let text =
                    std::fs::read_to_string(&path).map_err(|err| format!("cannot read {}: {err}", path.display()))?;
                let value: serde_json::Value =
                    serde_json::from_str(&text).map_err(|err| format!("{}: {err}", path.display()))?;
                let kind = value["kind"].as_str().unwrap_or_default().to_owned();
                if let Some(name) = value["name"].as_str() {
                    files.index.insert((kind.clone(), name.to_owned()), path.clone());
                }
                if let Some(request) = value["request"]["name"].as_str() {
                    files.index.insert(("request".to_owned(), request.to_owned()), path.clone());
                }
                if kind == "service" {
                    files.index.insert(("service".to_owned(), String::new()), path.clone());
                }
                files.texts.insert(path, text.lines().map(str::to_owned).collect());
            }
        }
        Ok(files)
    }

    fn path(&self, kind: &str, name: &str) -> Option<PathBuf> {
        self.index.get(&(kind.to_owned(), name.to_owned())).cloned()
    }
}

fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("\"{text}\""))
}

/// The line holding `needle`, after line `from`.
fn find(lines: &[String], needle: &str, from: usize) -> Option<usize> {
    lines.iter().enumerate().skip(from).find(|(_, l)| l.contains(needle)).map(|(i, _)| i)
}

/// The lines of the JSON object that holds line `at` at its top level: its `{` and its
/// matching `}`, whether the object sits on one line or spreads over many.
fn object_span(lines: &[String], at: usize) -> Option<(usize, usize)> {
    // Every `{` with its line, string-aware, and the `}` that closes it.
    let mut open: Vec<usize> = Vec::new();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    for (number, line) in lines.iter().enumerate() {
        for c in line.chars() {
            match (in_string, escaped, c) {
                (true, true, _) => escaped = false,
                (true, false, '\\') => escaped = true,
                (true, false, '"') => in_string = false,
                (false, _, '"') => in_string = true,
                (false, _, '{') => open.push(number),
                (false, _, '}') => {
                    if let Some(start) = open.pop() {
                        spans.push((start, number));
                    }
                }
                _ => {}
            }
        }
    }
    // The innermost object around line `at` whose first line starts it.
    spans
        .into_iter()
        .filter(|(start, end)| *start <= at && at <= *end && lines[*start].trim_start().starts_with('{'))
        .min_by_key(|(start, end)| end - start)
}

/// Inserts `item` (a JSON object on one line) after line `at`, keeping the commas of
/// the array right.
fn insert_after(lines: &mut Vec<String>, at: usize, item: &str) {
    let anchor = lines[at].clone();
    let opens = anchor.trim_end().ends_with('[');
    let indent: String = if opens {
        let base: String = anchor.chars().take_while(|c| c.is_whitespace()).collect();
        format!("{base}  ")
    } else {
        anchor.chars().take_while(|c| c.is_whitespace()).collect()
    };
    let next_is_item = lines.get(at + 1).is_some_and(|l| l.trim_start().starts_with('{'));
    let last = if opens { !next_is_item } else { !anchor.trim_end().ends_with(',') };
    if !opens && last {
        lines[at] = format!("{},", anchor.trim_end());
    }
    let comma = if last { "" } else { "," };
    lines.insert(at + 1, format!("{indent}{item}{comma}"));
}

/// Removes lines `start..=end`, an item of an array, keeping the commas right.
fn remove_item(lines: &mut Vec<String>, start: usize, end: usize) {
    let was_last = !lines[end].trim_end().ends_with(',');
    lines.drain(start..=end);
    if was_last && start > 0 {
        let previous = lines[start - 1].trim_end();
        if let Some(without) = previous.strip_suffix(',') {
            lines[start - 1] = without.to_owned();
        }
    }
}

/// The first line in `start..=end` holding `needle`.
fn within(lines: &[String], (start, end): (usize, usize), needle: &str) -> Option<usize> {
    (start..=end).find(|i| lines[*i].contains(needle))
}

/// The JSON of the spec type a vendor's type word maps to, for types it fully names.
fn spec_type(word: &str) -> Option<&'static str> {
    match word.to_ascii_lowercase().as_str() {
        "string" => Some("\"string\""),
        "integer" | "int" => Some("\"int32\""),
        "long" => Some("\"int64\""),
        "double" | "float" | "number" | "decimal" => Some("\"float64\""),
        "boolean" | "bool" => Some("\"bool\""),
        _ => None,
    }
}

/// Replaces the value of `"type": ...` on a field line.
fn replace_type(line: &str, new: &str) -> Option<String> {
    let start = line.find("\"type\": ")? + "\"type\": ".len();
    let rest = &line[start..];
    let len = if let Some(quoted) = rest.strip_prefix('"') {
        quoted.find('"')? + 2
    } else if rest.starts_with('{') {
        let mut depth = 0;
        let mut end = None;
        for (i, c) in rest.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(i + 1);
                        break;
                    }
                }
                _ => {}
            }
        }
        end?
    } else {
        return None;
    };
    Some(format!("{}{new}{}", &line[..start], &rest[len..]))
}

/// `line` with `value` taken out of the group member list on it (`"values": [1, 2]`),
/// or as it was.
fn without_group_member(line: &str, value: i64) -> String {
    let Some(start) = line.find("\"values\": [").map(|at| at + "\"values\": [".len()) else {
        return line.to_owned();
    };
    let Some(len) = line[start..].find(']') else { return line.to_owned() };
    let members: Vec<&str> = line[start..start + len].split(',').map(str::trim).collect();
    if !members.iter().all(|m| m.parse::<i64>().is_ok()) || !members.contains(&value.to_string().as_str()) {
        return line.to_owned();
    }
    let kept: Vec<&str> = members.into_iter().filter(|m| *m != value.to_string()).collect();
    format!("{}{}{}", &line[..start], kept.join(", "), &line[start + len..])
}

/// A variant name from the vendor's description, the way the spec's names were made:
/// UpperCamelCase of its words, without parenthesised remarks; a name taken already
/// carries the code (`InvalidNumber23`).
pub fn variant_name(description: &str, value: i64, taken: &[String]) -> String {
    let mut plain = String::new();
    let mut depth = 0_i32;
    for c in description.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            c if depth <= 0 => plain.push(if c.is_alphanumeric() { c } else { ' ' }),
            _ => {}
        }
    }
    let mut name = plain.to_upper_camel_case();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("Code{name}");
    }
    if taken.iter().any(|t| t == &name) {
        name = format!("{name}{value}");
    }
    name
}

/// Applies `changes` to the spec in `dir`. Nothing is written unless the edited spec
/// loads and validates.
pub fn apply(dir: &Path, spec: &Spec, changes: &[Change]) -> Result<Applied, String> {
    let mut files = Files::read(dir)?;
    let mut applied = Applied::default();
    for change in changes {
        let said = change.to_string();
        match edit(&mut files, spec, change) {
            Ok(path) => {
                applied.done.push(said);
                if !applied.files.contains(&path) {
                    applied.files.push(path);
                }
            }
            Err(why) => applied.skipped.push(format!("{said}: not applied, {why}")),
        }
    }
    let sources: Vec<(PathBuf, String)> =
        files.texts.iter().map(|(path, lines)| (path.clone(), lines.join("\n") + "\n")).collect();
    crate::spec::load_sources(sources.clone())
        .map_err(|errors| format!("the edited spec does not validate:\n{errors}"))?;
    for (path, text) in sources {
        if applied.files.contains(&path) {
            std::fs::write(&path, text).map_err(|err| format!("cannot write {}: {err}", path.display()))?;
        }
    }
    Ok(applied)
}

/// One edit; the file it changed, or why it was left to a person.
fn edit(files: &mut Files, spec: &Spec, change: &Change) -> Result<PathBuf, String> {
    match change {
        Change::Field { scope, wire, what } => {
            let path = match scope.kind {
                "request field" => files.path("request", &scope.owner),
                "record field" => files.path("object", &scope.owner),
                _ => None,
            }
            .ok_or("the envelope's fields are edited by hand in spec/service.json")?;
            let lines = files.texts.get_mut(&path).ok_or("the file was not read")?;
            let span_of = |lines: &[String], wire: &str| {
                find(lines, &format!("\"wire\": {}", quoted(wire)), 0).and_then(|at| object_span(lines, at))
            };
            match what {
                FieldChange::Added { after, ty, required, description, example } => {
                    let ty = spec_type(ty)
                        .ok_or_else(|| format!("the page's type `{ty}` does not say enough to type the field"))?;
                    let anchor = match after {
                        Some(previous) => span_of(lines, previous).map(|(_, end)| end),
                        None => find(lines, "\"fields\": [", 0),
                    }
                    .ok_or("no place to insert it")?;
                    let required = if required == &Some(true) { ", \"required\": true" } else { "" };
                    // The page's example, compact, as the spec files write examples.
                    let example = example
                        .as_deref()
                        .and_then(|text| serde_json::from_str::<serde_json::Value>(text).ok())
                        .map(|value| format!(", \"example\": {value}"))
                        .unwrap_or_default();
                    let item = format!(
                        "{{ \"wire\": {}, \"type\": {ty}{required}, \"description\": {}{example} }}",
                        quoted(wire),
                        quoted(description)
                    );
                    insert_after(lines, anchor, &item);
                }
                FieldChange::Removed => {
                    let (start, end) = span_of(lines, wire).ok_or("the field was not found")?;
                    remove_item(lines, start, end);
                }
                FieldChange::Description { spec: old, page } => {
                    let span = span_of(lines, wire).ok_or("the field was not found")?;
                    let from = format!("\"description\": {}", quoted(old));
                    let at = within(lines, span, &from).ok_or("the field's description was not found")?;
                    lines[at] = lines[at].replacen(&from, &format!("\"description\": {}", quoted(page)), 1);
                }
                FieldChange::Type { page, .. } => {
                    let ty = spec_type(page)
                        .ok_or_else(|| format!("the page's type `{page}` does not say enough to type the field"))?;
                    let span = span_of(lines, wire).ok_or("the field was not found")?;
                    let at = within(lines, span, "\"type\": ").ok_or("the field's type was not found")?;
                    lines[at] = replace_type(&lines[at], ty).ok_or("the field's type does not sit on one line")?;
                }
                FieldChange::Required { page, .. } => {
                    let span = span_of(lines, wire).ok_or("the field was not found")?;
                    if *page {
                        let at = within(lines, span, "\"type\": ").ok_or("the field's type was not found")?;
                        let line = lines[at].clone();
                        let marked =
                            replace_type(&line, "@@TYPE@@").ok_or("the field's type does not sit on one line")?;
                        let (before, after) = marked.split_once("@@TYPE@@").ok_or("no type")?;
                        let old_ty = &line[before.len()..line.len() - after.len()];
                        lines[at] = format!("{before}{old_ty}, \"required\": true{after}");
                    } else {
                        let at =
                            within(lines, span, "\"required\": true").ok_or("the field's `required` was not found")?;
                        let line = lines[at].clone();
                        let trimmed = line.trim();
                        lines[at] = if trimmed == "\"required\": true," || trimmed == "\"required\": true" {
                            String::new()
                        } else {
                            line.replacen(", \"required\": true", "", 1).replacen("\"required\": true, ", "", 1)
                        };
                        if lines[at].is_empty() {
                            lines.remove(at);
                        }
                    }
                }
            }
            Ok(path)
        }
        Change::Value { enum_name, value, what, .. } => {
            let path = files.path("enum", enum_name).ok_or("the enum's file was not found")?;
            let lines = files.texts.get_mut(&path).ok_or("the file was not read")?;
            let value_line = |lines: &[String], v: i64| {
                lines.iter().position(|l| {
                    let t = l.trim_start();
                    t.starts_with('{')
                        && (t.contains(&format!("\"value\": {v},")) || t.contains(&format!("\"value\": {v} ")))
                })
            };
            match what {
                ValueChange::Added { after, description } => {
                    let taken: Vec<String> = spec
                        .enums
                        .get(enum_name)
                        .map(|e| e.values.iter().map(|v| v.name.clone()).collect())
                        .unwrap_or_default();
                    let name = variant_name(description, *value, &taken);
                    let anchor = match after {
                        Some(previous) => value_line(lines, *previous),
                        None => find(lines, "\"values\": [", 0),
                    }
                    .ok_or("no place to insert it")?;
                    let item = format!(
                        "{{ \"value\": {value}, \"name\": {}, \"description\": {} }}",
                        quoted(&name),
                        quoted(description)
                    );
                    insert_after(lines, anchor, &item);
                }
                ValueChange::Removed => {
                    let at = value_line(lines, *value).ok_or("the value's line was not found")?;
                    let (start, end) = object_span(lines, at).ok_or("the value's object was not found")?;
                    remove_item(lines, start, end);
                    // A group naming the value would no longer validate.
                    if let Some(groups) = find(lines, "\"groups\": [", 0) {
                        for line in lines.iter_mut().skip(groups) {
                            *line = without_group_member(line, *value);
                        }
                    }
                }
                ValueChange::Description { spec: old, page } => {
                    let at = value_line(lines, *value).ok_or("the value's line was not found")?;
                    let from = format!("\"description\": {}", quoted(old));
                    if !lines[at].contains(&from) {
                        return Err("the description is not on the value's line".into());
                    }
                    lines[at] = lines[at].replacen(&from, &format!("\"description\": {}", quoted(page)), 1);
                }
            }
            Ok(path)
        }
        Change::Region { code, what } => match what {
            RegionChange::Gateway { legacy: true, .. } => {
                Err("the page gives an older gateway that the spec keeps as legacy; the spec follows newer pages"
                    .into())
            }
            RegionChange::Gateway { spec: old, page, legacy: false } => {
                let path = files.path("service", "").ok_or("the service file was not found")?;
                let lines = files.texts.get_mut(&path).ok_or("the file was not read")?;
                let start = find(lines, &format!("\"code\": {}", quoted(code)), 0).ok_or("the region was not found")?;
                let at = find(lines, &format!("\"apiGateway\": {}", quoted(old)), start)
                    .ok_or("the gateway was not found")?;
                lines[at] = lines[at].replacen(&quoted(old), &quoted(page), 1);
                Ok(path)
            }
            _ => Err("regions are added, removed and renamed by hand in spec/service.json".into()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_names_follow_the_spec_and_collisions_carry_the_code() {
        let taken = vec!["InvalidNumber".to_owned()];
        assert_eq!(variant_name("Early Media - Voicemail", 26, &taken), "EarlyMediaVoicemail");
        assert_eq!(variant_name("Stopped (manual stop or insufficient balance)", 20, &taken), "Stopped");
        assert_eq!(variant_name("Invalid Number", 23, &taken), "InvalidNumber23");
        assert_eq!(variant_name("TTS Synthesizing", 6, &taken), "TtsSynthesizing");
        assert_eq!(variant_name("", 7, &taken), "Code");
        assert_eq!(variant_name("5G line", 7, &taken), "Code5gLine");
    }

    #[test]
    fn items_are_inserted_and_removed_with_their_commas() {
        let mut lines: Vec<String> = ["  \"values\": [", "    { \"value\": 1 },", "    { \"value\": 2 }", "  ]"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        insert_after(&mut lines, 2, "{ \"value\": 3 }");
        assert_eq!(lines[2], "    { \"value\": 2 },");
        assert_eq!(lines[3], "    { \"value\": 3 }");
        insert_after(&mut lines, 0, "{ \"value\": 0 }");
        assert_eq!(lines[1], "    { \"value\": 0 },");
        remove_item(&mut lines, 4, 4);
        assert_eq!(lines[3], "    { \"value\": 2 }");
        let joined = lines.join("\n");
        assert!(serde_json::from_str::<serde_json::Value>(&format!("{{{joined}}}")).is_ok(), "{joined}");
    }

    #[test]
    fn a_removed_value_leaves_its_groups() {
        let line = r#"    { "name": "inProgress", "description": "d", "values": [1, 2, 3, 22] },"#;
        assert_eq!(
            without_group_member(line, 2),
            r#"    { "name": "inProgress", "description": "d", "values": [1, 3, 22] },"#
        );
        assert_eq!(
            without_group_member(line, 22),
            r#"    { "name": "inProgress", "description": "d", "values": [1, 2, 3] },"#
        );
        assert_eq!(without_group_member(line, 4), line, "not a member");
        assert_eq!(without_group_member(r#"{ "value": 2, "name": "X" }"#, 2), r#"{ "value": 2, "name": "X" }"#);
        assert_eq!(without_group_member(r#""values": ["a", "b"]"#, 2), r#""values": ["a", "b"]"#);
    }

    #[test]
    fn types_are_replaced_whatever_their_shape() {
        let line = r#"{ "wire": "a", "type": { "enum": "X" }, "description": "d" },"#;
        assert_eq!(
            replace_type(line, "\"int32\"").as_deref(),
            Some(r#"{ "wire": "a", "type": "int32", "description": "d" },"#)
        );
        let line = r#"{ "wire": "a", "type": "string", "required": true, "description": "d" }"#;
        assert_eq!(
            replace_type(line, "\"int64\"").as_deref(),
            Some(r#"{ "wire": "a", "type": "int64", "required": true, "description": "d" }"#)
        );
    }
}
