//! The spec says what the vendor's page says, word for word. The page is kept in
//! `tests/data/query-call-records.txt` (the vendor's page as the spec follows it: the
//! newest pages' gateways); `cargo xtask docs apply PAGE` updates both. The facts are
//! compared by `xtask::docs::diff`, which names each differing row; the rest here checks
//! what the diff does not cover (headers, examples, the endpoint's words).
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test fails by panicking

use xtask::spec::model::{FieldDef, FieldType, Spec};

fn vendor_page() -> String {
    std::fs::read_to_string(nxlink_tests::root().join("tests/data/query-call-records.txt")).unwrap()
}

fn spec() -> Spec {
    xtask::spec::load_dir(&nxlink_tests::root().join("spec")).unwrap_or_else(|e| panic!("{e}"))
}

/// The vendor's tables are exported one cell per line: `| a |` opens a row, `b |`
/// continues it. Returns the rows (without the header row) of the first table after
/// the line `heading`.
#[track_caller]
fn table_after(page: &str, heading: &str) -> Vec<Vec<String>> {
    let mut lines = page.lines().skip_while(|l| l.trim() != heading).skip(1).skip_while(|l| !l.starts_with('|'));
    let mut rows: Vec<Vec<String>> = Vec::new();
    for line in lines.by_ref() {
        let Some(cell) = line.trim_end().strip_suffix('|') else { break };
        match cell.strip_prefix('|') {
            Some(first) => rows.push(vec![first.trim().to_owned()]),
            None => rows.last_mut().unwrap().push(cell.trim().to_owned()),
        }
    }
    assert!(rows.len() > 1, "no table after {heading}");
    rows.remove(0);
    rows
}

fn vendor_type(field: &FieldDef) -> &'static str {
    match &field.ty {
        FieldType::String => "String",
        FieldType::Int32 | FieldType::Enum(_) => "Integer",
        FieldType::Int64 => "Long",
        FieldType::Array(_) => "Array",
        FieldType::Object(_) => "Object",
        FieldType::Float64 | FieldType::Bool => "?",
    }
}

/// A field whose type is the vendor's, or a documented widening of an Integer.
#[track_caller]
fn assert_type(field: &FieldDef, vendor: &str) {
    let widened = vendor == "Integer"
        && field.ty == FieldType::Int64
        && field.notes.as_deref().is_some_and(|n| n.contains("widened"));
    assert!(vendor_type(field) == vendor || widened, "{}: spec {:?}, vendor {vendor}", field.wire, field.ty);
}

#[track_caller]
fn assert_fields(fields: &[FieldDef], rows: &[Vec<String>]) {
    let ours: Vec<&str> = fields.iter().map(|f| f.wire.as_str()).collect();
    let theirs: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ours, theirs, "the spec's fields (left) and the vendor's rows (right) differ");
    for (field, row) in fields.iter().zip(rows) {
        assert_eq!(field.wire, row[0]);
        assert_type(field, &row[1]);
        assert_eq!(&field.description, row.last().unwrap(), "{}", field.wire);
    }
}

#[test]
fn request_fields_match_with_required_and_examples() {
    let page = vendor_page();
    let spec = spec();
    let fields = &spec.endpoints["QueryCallRecords"].request.fields;
    let rows = table_after(&page, "Body Parameters");
    assert_fields(fields, &rows.iter().map(|r| vec![r[0].clone(), r[1].clone(), r[4].clone()]).collect::<Vec<_>>());
    for (field, row) in fields.iter().zip(&rows) {
        assert_eq!(field.required, row[2] == "Yes", "{}", field.wire);
        let example: serde_json::Value = serde_json::from_str(&row[3]).unwrap();
        assert_eq!(field.example.as_ref(), Some(&example), "{}", field.wire);
    }
}

#[test]
fn headers_envelope_regions_and_endpoint_match() {
    let page = vendor_page();
    let spec = spec();
    let s = &spec.service;
    let headers = table_after(&page, "Header Parameters");
    // The algorithm header is documented on the vendor's Chinese page only.
    let documented_here: Vec<_> = s.auth.headers.iter().filter(|h| h.name != s.auth.signing.algorithm_header).collect();
    let names: Vec<&str> = documented_here.iter().map(|h| h.name.as_str()).collect();
    let rows: Vec<&str> = headers.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(names, rows, "the spec's headers (left) and the vendor's (right) differ");
    for (header, row) in documented_here.into_iter().zip(headers) {
        assert_eq!(
            [
                header.name.as_str(),
                "String",
                if header.required { "Yes" } else { "No" },
                &header.example,
                &header.description
            ],
            row.as_slice()
        );
    }
    let envelope = table_after(&page, "Response Parameters");
    // The envelope's fields, then its `data` row.
    assert_eq!(envelope.len(), s.envelope.fields.len() + 1, "{envelope:?}");
    for (field, row) in s.envelope.fields.iter().zip(&envelope) {
        assert_eq!((field.wire.as_str(), field.description.as_str()), (row[0].as_str(), row[2].as_str()));
    }
    let data = &envelope[s.envelope.fields.len()];
    assert_eq!(
        (data[0].as_str(), data[2].as_str()),
        (s.envelope.data_field.as_str(), s.envelope.data_description.as_str())
    );
    let e = &spec.endpoints["QueryCallRecords"];
    assert!(page.contains(&format!(".nxlink.ai{}", e.path)), "the page's URL names the endpoint's path");
    assert!(page.contains("fixed value: 100") && e.biz_type == "100");
    assert!(page.contains("fixed value: nxai") && e.action == "nxai");
    assert_eq!(e.summary, page.lines().next().unwrap());
    assert_eq!(e.description, page.lines().nth(1).unwrap());
}

#[test]
fn every_fact_of_the_stored_page_is_in_the_spec() {
    let root = nxlink_tests::root();
    let changes = xtask::docs::diff(&root.join("tests/data/query-call-records.txt"), &root.join("spec")).unwrap();
    let lines: Vec<String> = changes.iter().map(ToString::to_string).collect();
    assert!(lines.is_empty(), "the spec and the vendor's page differ:\n{}", lines.join("\n"));
}
