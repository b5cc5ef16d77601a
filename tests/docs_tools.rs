//! `cargo xtask docs diff|apply` over edited copies of the stored vendor page, against a
//! copy of `spec/`: every kind of change is named, applying it makes the diff empty, and
//! the generated code carries it.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test fails by panicking

use std::path::{Path, PathBuf};

use xtask::docs;
use xtask::emit::{self, Settings};
use xtask::spec::model::FieldType;

/// A copy of `spec/` in a fresh temporary folder.
struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("nxlink-docs-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        copy_dir(&nxlink_tests::root().join("spec"), &dir.join("spec"));
        Self { dir }
    }

    fn spec(&self) -> PathBuf {
        self.dir.join("spec")
    }

    fn page(&self, text: &str) -> PathBuf {
        let path = self.dir.join("page.txt");
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}

fn stored_page() -> String {
    std::fs::read_to_string(nxlink_tests::root().join("tests/data/query-call-records.txt")).unwrap()
}

#[track_caller]
fn edit(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once");
    text.replacen(from, to, 1)
}

fn spec() -> xtask::spec::Spec {
    xtask::spec::load_dir(&nxlink_tests::root().join("spec")).unwrap()
}

/// `base`, or `base2`, `base3`, ... : the first not in `taken`.
fn fresh(base: &str, taken: &[&str]) -> String {
    (1..)
        .map(|n| if n == 1 { base.to_owned() } else { format!("{base}{n}") })
        .find(|n| !taken.contains(&n.as_str()))
        .unwrap()
}

/// A table row as the stored page writes it: a cell per line, `| ` before the first.
fn row_lines(cells: &[String]) -> Vec<String> {
    cells.iter().enumerate().map(|(i, c)| if i == 0 { format!("| {c} |") } else { format!("{c} |") }).collect()
}

/// The stored page with one change of every kind the tool knows, and what each should
/// come to. Rows are chosen by what the page and the spec hold (a table's last row, the
/// first `Integer` record field, one past the largest code), not by name, so this keeps
/// testing the tool after the vendor's docs change and the stored page with them.
struct EditedPage {
    text: String,
    /// The lines `docs diff` must print, and only these.
    expected: Vec<String>,
    request_field: (String, serde_json::Value),
    added_record: String,
    removed_record: String,
    described_record: (String, String),
    retyped_record: String,
    /// (the enum's Rust name, the new variant's name)
    values: Vec<(String, String)>,
    gateway: String,
}

fn edited_page() -> EditedPage {
    let text = stored_page();
    let page = xtask::docs::page::parse(&text).unwrap();
    let spec = spec();
    let endpoint = xtask::docs::diff::endpoint_of(&spec, &page).unwrap();
    let pagination = endpoint.pagination.as_ref().unwrap();
    let record = &pagination.item;
    let lines: Vec<&str> = text.lines().collect();
    // (first line of a row, its line count, the lines in its place), applied bottom up.
    let mut edits: Vec<(usize, usize, Vec<String>)> = Vec::new();
    let after =
        |row: &xtask::docs::page::Row, cells: Vec<String>| (row.line - 1 + row.cells.len(), 0, row_lines(&cells));
    let replace = |row: &xtask::docs::page::Row, cells: Vec<String>| (row.line - 1, row.cells.len(), row_lines(&cells));
    let mut expected = Vec::new();

    // A region's gateway moves.
    let regions = page.table("Service Endpoints").unwrap();
    let region = &regions.rows[0];
    let gateway = "https://api-moved.nxlink.ai".to_owned();
    let mut moved = region.cells.clone();
    moved[3] = gateway.clone();
    edits.push(replace(region, moved));
    expected.push(format!("region {}: gateway changed: spec {}, page {gateway}", region.cell(0), region.cell(3)));

    // A new request field, after the last.
    let body = page.table("Body Parameters").unwrap();
    let taken: Vec<&str> = endpoint.request.fields.iter().map(|f| f.wire.as_str()).collect();
    let wire = fresh("minTurns", &taken);
    let last = body.rows.last().unwrap();
    let cells = [wire.as_str(), "Integer", "No", "2", "Minimum dialogue turns"].map(str::to_owned).to_vec();
    edits.push(after(last, cells));
    expected.push(format!(
        "request field `{wire}` ({}): added on the page, type Integer, required no, \"Minimum dialogue turns\"",
        endpoint.request.name
    ));
    let request_field = (wire, serde_json::json!(2));

    // In the record's table: a new field after the last, a removed one, a changed
    // description, a changed type; none of them the item id paging needs.
    let table = page.tables.iter().find(|t| t.heading == record.description).unwrap();
    let owner = &record.name;
    let field = |row: &xtask::docs::page::Row| record.fields.iter().find(|f| f.wire == row.cell(0)).unwrap();
    let (last, others) = table.rows.split_last().unwrap();
    let others: Vec<_> = others.iter().filter(|r| r.cell(0) != pagination.item_id.wire).collect();
    let taken: Vec<&str> = record.fields.iter().map(|f| f.wire.as_str()).collect();
    let added_record = fresh("sentiment", &taken);
    edits.push(after(last, [added_record.as_str(), "String", "Caller sentiment"].map(str::to_owned).to_vec()));
    expected
        .push(format!("record field `{added_record}` ({owner}): added on the page, type String, \"Caller sentiment\""));
    let strings: Vec<_> = others.iter().filter(|r| field(r).ty == FieldType::String).collect();
    let (removed, described) = (strings[strings.len() - 1], strings[0]);
    edits.push(replace(removed, vec![]));
    expected.push(format!("record field `{}` ({owner}): removed from the page", removed.cell(0)));
    let reworded = format!("{} (reworded)", described.cell(2));
    let mut cells = described.cells.clone();
    cells[2] = reworded.clone();
    edits.push(replace(described, cells));
    expected.push(format!(
        "record field `{}` ({owner}): description changed: spec {:?}, page {reworded:?}",
        described.cell(0),
        described.cell(2)
    ));
    let retyped = others.iter().find(|r| field(r).ty == FieldType::Int32).unwrap();
    let mut cells = retyped.cells.clone();
    cells[1] = "Long".to_owned();
    edits.push(replace(retyped, cells));
    expected.push(format!("record field `{}` ({owner}): type changed: spec Integer, page Long", retyped.cell(0)));

    // A new value in each enum table and a new error code, one past the largest.
    let mut values = Vec::new();
    let tables = page.tables.iter().filter(|t| t.heading.ends_with(") Reference") || t.heading == "Error Codes");
    for (n, table) in tables.enumerate() {
        let description =
            ["Callback Scheduled", "Voicemail Reached", "Rate Limited"].get(n).copied().unwrap_or("Brand New");
        let (label, e) = match table.heading.rsplit_once('(') {
            Some((_, wire)) if table.heading != "Error Codes" => {
                let wire = wire.trim_end_matches(") Reference");
                (wire.to_owned(), spec.enums.values().find(|e| e.wire == wire).unwrap())
            }
            _ => ("error code".to_owned(), &spec.enums[&spec.service.error_codes]),
        };
        let value = table.rows.iter().filter_map(|r| r.cell(0).parse::<i64>().ok()).max().unwrap() + 1;
        edits.push(after(table.rows.last().unwrap(), vec![value.to_string(), description.to_owned()]));
        expected.push(format!("{label} {value}: added on the page, {description:?}"));
        let taken: Vec<String> = e.values.iter().map(|v| v.name.clone()).collect();
        values.push((e.name.clone(), xtask::docs::apply::variant_name(description, value, &taken)));
    }
    assert!(values.len() > 1 && values.iter().any(|(e, _)| *e == spec.service.error_codes), "{values:?}");

    edits.sort_by_key(|(at, _, _)| std::cmp::Reverse(*at));
    let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    for (at, remove, insert) in edits {
        out.splice(at..at + remove, insert);
    }
    let mut text = out.join("\n");
    if stored_page().ends_with('\n') {
        text.push('\n');
    }
    EditedPage {
        text,
        expected,
        request_field,
        added_record,
        removed_record: removed.cell(0).to_owned(),
        described_record: (described.cell(0).to_owned(), reworded),
        retyped_record: retyped.cell(0).to_owned(),
        values,
        gateway,
    }
}

#[test]
fn the_stored_page_and_the_spec_agree() {
    let root = nxlink_tests::root();
    assert_eq!(docs::diff(&root.join("tests/data/query-call-records.txt"), &root.join("spec")).unwrap(), []);
}

/// The generated line after `#[wire("<wire>"` in `code`, if the field is there.
fn field_line<'a>(code: &'a str, wire: &str) -> Option<&'a str> {
    let mut lines = code.lines();
    lines.find(|l| l.trim_start().starts_with(&format!("#[wire({wire:?}")))?;
    lines.next()
}

#[test]
fn every_kind_of_change_is_named_then_applied_and_generated() {
    let scratch = Scratch::new("every");
    let edited = edited_page();
    let page = scratch.page(&edited.text);
    let lines: Vec<String> = docs::diff(&page, &scratch.spec()).unwrap().iter().map(ToString::to_string).collect();
    for line in &edited.expected {
        assert!(lines.iter().any(|l| l == line), "missing: {line}\ngot:\n{}", lines.join("\n"));
    }
    assert_eq!(lines.len(), edited.expected.len(), "only these:\n{}", lines.join("\n"));

    let applied = docs::apply(&page, &scratch.spec(), Some(&scratch.dir)).unwrap();
    assert!(applied.skipped.is_empty(), "{:?}", applied.skipped);
    assert_eq!(applied.done.len(), edited.expected.len());
    assert_eq!(docs::diff(&page, &scratch.spec()).unwrap(), [], "after apply the spec says what the page says");
    // The page is stored where the conformance test reads it.
    let stored = std::fs::read_to_string(scratch.dir.join("tests/data/query-call-records.txt")).unwrap();
    assert_eq!(stored, edited.text);

    // The generated code carries every change.
    let spec = xtask::spec::load_dir(&scratch.spec()).unwrap();
    let endpoint = xtask::docs::diff::endpoint_of(&spec, &xtask::docs::page::parse(&edited.text).unwrap()).unwrap();
    let (wire, example) = &edited.request_field;
    let field = endpoint.request.fields.iter().find(|f| &f.wire == wire).unwrap();
    assert_eq!(field.example.as_ref(), Some(example), "the page's example is the new field's");
    let files = emit::models(&spec, &Settings::default()).unwrap();
    let file_of = |item: &str| {
        files
            .values()
            .find(|code| code.contains(&format!("pub struct {item} ")) || code.contains(&format!("pub enum {item} ")))
            .unwrap()
    };
    let record = file_of(&endpoint.pagination.as_ref().unwrap().item.name);
    assert!(field_line(record, &edited.added_record).is_some_and(|l| l.contains("Option<String>")), "new field");
    assert!(field_line(record, &edited.removed_record).is_none(), "removed field");
    assert!(field_line(record, &edited.retyped_record).is_some_and(|l| l.contains("Option<i64>")), "changed type");
    assert!(record.contains(&edited.described_record.1), "changed description");
    for (name, variant) in &edited.values {
        assert!(file_of(name).contains(&format!("    {variant},")), "new value {variant} of {name}");
    }
    assert!(
        field_line(file_of(&endpoint.request.name), wire).is_some_and(|l| l.contains("Option<i32>")),
        "new request field"
    );
    assert!(files.values().any(|code| code.contains(&edited.gateway)), "new gateway");
}

#[test]
fn the_seed_page_differs_only_in_the_gateways_newer_pages_moved() {
    let root = nxlink_tests::root();
    let seed = stored_page()
        .replace("https://chl-api.nxlink.ai |", "https://api-westus.nxlink.ai |")
        .replace("https://api-idn.nxlink.ai |", "https://api-hk.nxlink.ai |");
    let scratch = Scratch::new("seed");
    let page = scratch.page(&seed);
    let lines: Vec<String> = docs::diff(&page, &root.join("spec")).unwrap().iter().map(ToString::to_string).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines.iter().all(|l| l.contains("gateway changed") && l.contains("legacy")), "{lines:?}");
    // Applying leaves the spec on the newer gateways, saying why.
    let applied = docs::apply(&page, &scratch.spec(), None).unwrap();
    assert_eq!(applied.skipped.len(), 2, "{applied:?}");
    assert!(applied.files.is_empty());
}

#[test]
fn a_new_value_named_like_an_existing_one_carries_its_code() {
    let scratch = Scratch::new("collision");
    let page = scratch.page(&edit(
        &stored_page(),
        "| 29 |\nLine Service Unavailable |",
        "| 29 |\nLine Service Unavailable |\n| 31 |\nUser Busy |",
    ));
    docs::apply(&page, &scratch.spec(), None).unwrap();
    let text = std::fs::read_to_string(scratch.spec().join("enums/call_status.json")).unwrap();
    assert!(text.contains(r#"{ "value": 31, "name": "UserBusy31", "description": "User Busy" }"#), "{text}");
}

#[test]
fn text_that_is_not_a_vendor_page_is_refused_naming_what_is_missing() {
    let scratch = Scratch::new("junk");
    let root = nxlink_tests::root();
    for (text, says) in [
        ("lorem ipsum dolor sit amet", "no endpoint URL"),
        ("<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>", "an HTML page"),
        ("Title\nhttps://api-hk.nxlink.ai/openapi/aiagent/call/list\njust prose", "no table after the URL"),
        ("T\nhttps://api-hk.nxlink.ai/openapi/aiagent/nothing\n| a |\nb |\n| c |\nd |", "is no endpoint of the spec"),
    ] {
        let err = docs::diff(&scratch.page(text), &root.join("spec")).unwrap_err();
        assert!(err.to_string().contains(says), "{text}: {err}");
    }
}

/// What a change to one table row should come to.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Lands {
    /// Written into the spec: the diff is empty afterwards.
    Applied,
    /// Left to a person, saying why; the diff still names it.
    ByHand,
}

/// Every table of the stored page × every change its rows can undergo (added,
/// removed, description changed, type changed, required changed; for regions the
/// gateway and the website): the diff names exactly that change, with the table's own
/// wording, and apply writes it or says it is left to a person. A table the diff stops
/// reading, or a change kind it confuses with another, fails a row here.
#[test]
fn every_table_and_every_change_kind_is_named_then_applied_or_left_by_hand() {
    let text = stored_page();
    let page = xtask::docs::page::parse(&text).unwrap();
    // The item id paging needs: removing it leaves a spec that does not validate.
    let spec = spec();
    let item_id = &xtask::docs::diff::endpoint_of(&spec, &page).unwrap().pagination.as_ref().unwrap().item_id.wire;
    let lines: Vec<&str> = text.lines().collect();
    // The text with the lines of `row` replaced by `with` (a row's cells sit one per line).
    let replace_row = |row: &xtask::docs::page::Row, with: Vec<String>| -> String {
        let start = row.line - 1;
        let mut out: Vec<String> = lines[..start].iter().map(|l| (*l).to_owned()).collect();
        out.extend(with);
        out.extend(lines[start + row.cells.len()..].iter().map(|l| (*l).to_owned()));
        out.join("\n") + "\n"
    };
    let as_lines = |cells: &[String]| -> Vec<String> {
        cells.iter().enumerate().map(|(i, c)| if i == 0 { format!("| {c} |") } else { format!("{c} |") }).collect()
    };
    let mut walked = Vec::new();
    for table in &page.tables {
        let heading = table.heading.as_str();
        // (the row to change, the label the diff uses, how changes land, which columns)
        enum Kind {
            Fields { label: &'static str, lands: Lands, ty: usize, required: Option<usize>, description: usize },
            Values { label: String },
            Regions,
        }
        let (row_index, kind) = match heading {
            "Service Endpoints" => (1, Kind::Regions),
            "Header Parameters" => continue, // the signing rules' headers: see tests/vectors
            "Body Parameters" => (
                3,
                Kind::Fields {
                    label: "request field",
                    lands: Lands::Applied,
                    ty: 1,
                    required: Some(2),
                    description: 4,
                },
            ),
            "Response Parameters" => (
                1,
                Kind::Fields { label: "response field", lands: Lands::ByHand, ty: 1, required: None, description: 2 },
            ),
            "data Object" => (
                2,
                Kind::Fields { label: "record field", lands: Lands::Applied, ty: 1, required: None, description: 2 },
            ),
            h if h.contains(" Element (") => (
                (1..table.rows.len()).find(|i| table.rows[*i].cell(0) != item_id).unwrap(),
                Kind::Fields { label: "record field", lands: Lands::Applied, ty: 1, required: None, description: 2 },
            ),
            "Error Codes" => (1, Kind::Values { label: "error code".to_owned() }),
            h if h.ends_with(") Reference") => {
                let wire = h.rsplit_once('(').unwrap().1.trim_end_matches(") Reference").to_owned();
                (1, Kind::Values { label: wire })
            }
            other => panic!("a table this test does not know: {other}"),
        };
        let row = &table.rows[row_index];
        let key = row.cell(0).to_owned();
        let mut cases: Vec<(String, String, Lands)> = Vec::new(); // (page text, expected line start, lands)
        match kind {
            Kind::Fields { label, lands, ty, required, description } => {
                let mut added = row.cells.clone();
                added[0] = "brandNewField".to_owned();
                added[ty] = "String".to_owned();
                added[description] = "Something new".to_owned();
                let mut both = as_lines(&row.cells);
                both.extend(as_lines(&added));
                cases.push((replace_row(row, both), format!("{label} `brandNewField` ("), lands));
                cases.push((replace_row(row, vec![]), format!("{label} `{key}` ("), lands));
                let mut described = row.cells.clone();
                described[description] = format!("{} (reworded)", row.cell(description));
                cases.push((replace_row(row, as_lines(&described)), format!("{label} `{key}` ("), lands));
                let mut retyped = row.cells.clone();
                retyped[ty] = if row.cell(ty) == "String" { "Long" } else { "String" }.to_owned();
                cases.push((replace_row(row, as_lines(&retyped)), format!("{label} `{key}` ("), lands));
                if let Some(required) = required {
                    let mut flipped = row.cells.clone();
                    flipped[required] = if row.cell(required) == "Yes" { "No" } else { "Yes" }.to_owned();
                    cases.push((replace_row(row, as_lines(&flipped)), format!("{label} `{key}` ("), lands));
                }
            }
            Kind::Values { label } => {
                // A code no row of the table has: one past the largest.
                let new = table.rows.iter().filter_map(|r| r.cell(0).parse::<i64>().ok()).max().unwrap() + 1;
                let mut added = row.cells.clone();
                added[0] = new.to_string();
                added[1] = "Something New".to_owned();
                let mut both = as_lines(&row.cells);
                both.extend(as_lines(&added));
                cases.push((replace_row(row, both), format!("{label} {new}: added on the page"), Lands::Applied));
                cases.push((replace_row(row, vec![]), format!("{label} {key}: removed from the page"), Lands::Applied));
                let mut described = row.cells.clone();
                described[1] = format!("{} (reworded)", row.cell(1));
                cases.push((
                    replace_row(row, as_lines(&described)),
                    format!("{label} {key}: description changed"),
                    Lands::Applied,
                ));
            }
            Kind::Regions => {
                let mut both = as_lines(&row.cells);
                both.extend(as_lines(&[
                    "EMEA".into(),
                    "Europe".into(),
                    "https://eu.nxlink.ai".into(),
                    "https://api-eu.nxlink.ai".into(),
                ]));
                cases.push((replace_row(row, both), "region EMEA: added on the page".to_owned(), Lands::ByHand));
                cases.push((replace_row(row, vec![]), format!("region {key}: removed from the page"), Lands::ByHand));
                let mut moved = row.cells.clone();
                moved[3] = "https://api-moved.nxlink.ai".to_owned();
                cases.push((
                    replace_row(row, as_lines(&moved)),
                    format!("region {key}: gateway changed"),
                    Lands::Applied,
                ));
                let mut site = row.cells.clone();
                site[2] = "https://moved.nxlink.ai".to_owned();
                cases.push((
                    replace_row(row, as_lines(&site)),
                    format!("region {key}: website changed"),
                    Lands::ByHand,
                ));
            }
        }
        for (n, (edited, says, lands)) in cases.into_iter().enumerate() {
            let scratch = Scratch::new(&format!("kinds-{}-{n}", walked.len()));
            let page_path = scratch.page(&edited);
            let found: Vec<String> =
                docs::diff(&page_path, &scratch.spec()).unwrap().iter().map(ToString::to_string).collect();
            assert_eq!(found.len(), 1, "{heading}, case {n}: one change, got {found:?}");
            assert!(found[0].starts_with(&says), "{heading}, case {n}: `{}` should start `{says}`", found[0]);
            let applied = docs::apply(&page_path, &scratch.spec(), None).unwrap();
            let after: Vec<String> =
                docs::diff(&page_path, &scratch.spec()).unwrap().iter().map(ToString::to_string).collect();
            match lands {
                Lands::Applied => {
                    assert_eq!(applied.done, found, "{heading}, case {n}: {applied:?}");
                    assert!(after.is_empty(), "{heading}, case {n}: still differs after apply: {after:?}");
                }
                Lands::ByHand => {
                    assert!(applied.done.is_empty() && applied.files.is_empty(), "{heading}, case {n}: {applied:?}");
                    assert_eq!(applied.skipped.len(), 1, "{heading}, case {n}");
                    assert!(applied.skipped[0].contains("by hand"), "{heading}: says why: {}", applied.skipped[0]);
                    assert_eq!(after, found, "{heading}, case {n}: nothing written");
                }
            }
            walked.push(format!("{heading} / {says}"));
        }
    }
    // Regions 4, body 5, response 4, data 4, two elements 4 each, two enums and the
    // error codes 3 each.
    assert_eq!(walked.len(), 4 + 5 + 4 + 4 + 4 + 4 + 3 + 3 + 3, "{walked:#?}");
}
