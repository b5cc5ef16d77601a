//! `cargo xtask docs diff|apply` as a maintainer runs them: exit codes 0, 1 and 2, the
//! lines printed, and a copied checkout that checks itself (the workspace is found
//! from the `CARGO_MANIFEST_DIR` cargo gives at run time, here pointing at the copy).
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test fails by panicking

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

/// A minimal checkout: a workspace manifest, `spec/` and the stored page.
fn checkout(name: &str) -> PathBuf {
    let real = xtask::codegen::workspace_root();
    let dir = std::env::temp_dir().join(format!("nxlink-xtask-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&real.join("spec"), &dir.join("spec"));
    copy_dir(&real.join("tests/data"), &dir.join("tests/data"));
    std::fs::write(dir.join("Cargo.toml"), "[workspace]\nmembers = []\n").unwrap();
    dir
}

/// `page` with `lines` inserted before line `at` (0-based).
fn insert_lines(page: &str, at: usize, lines: &[String]) -> String {
    let mut out: Vec<String> = page.lines().map(str::to_owned).collect();
    out.splice(at..at, lines.iter().cloned());
    out.join("\n") + if page.ends_with('\n') { "\n" } else { "" }
}

/// `page` with a new error code after the last row of its Error Codes table: one past
/// the largest, so it is new whatever codes the vendor documents.
fn with_new_error_code(page: &str) -> (String, i64) {
    let parsed = xtask::docs::page::parse(page).unwrap();
    let table = parsed.tables.iter().find(|t| t.heading == "Error Codes").unwrap();
    let code = table.rows.iter().filter_map(|r| r.cell(0).parse::<i64>().ok()).max().unwrap() + 1;
    let last = table.rows.last().unwrap();
    let row = [format!("| {code} |"), "Rate Limited |".to_owned()];
    (insert_lines(page, last.line - 1 + last.cells.len(), &row), code)
}

/// `page` with the description of a field of the paged endpoint's item (the call
/// record) reworded, and that field's wire name and new description.
fn with_reworded_record_field(dir: &Path, page: &str) -> (String, String, String) {
    let parsed = xtask::docs::page::parse(page).unwrap();
    let spec = xtask::spec::load_dir(&dir.join("spec")).unwrap();
    let endpoint = xtask::docs::diff::endpoint_of(&spec, &parsed).unwrap();
    let item = &endpoint.pagination.as_ref().unwrap().item;
    let table = parsed.tables.iter().find(|t| t.heading == item.description).unwrap();
    let row = &table.rows[table.rows.len() / 2];
    let reworded = format!("{} (reworded)", row.cell(2));
    let mut lines: Vec<String> = page.lines().map(str::to_owned).collect();
    let at = row.line - 1 + 2; // one cell per line: field, type, description
    assert_eq!(lines[at], format!("{} |", row.cell(2)));
    lines[at] = format!("{reworded} |");
    let text = lines.join("\n") + if page.ends_with('\n') { "\n" } else { "" };
    (text, row.cell(0).to_owned(), reworded)
}

fn xtask(checkout: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env("CARGO_MANIFEST_DIR", checkout.join("xtask"))
        .output()
        .unwrap()
}

#[test]
fn diff_exits_0_1_or_2_and_apply_brings_it_to_0() {
    let dir = checkout("cli");
    let page = dir.join("tests/data/query-call-records.txt");
    let page_arg = page.to_str().unwrap();

    let same = xtask(&dir, &["docs", "diff", page_arg]);
    assert_eq!(same.status.code(), Some(0), "{}", String::from_utf8_lossy(&same.stderr));

    let (edited, code) = with_new_error_code(&std::fs::read_to_string(&page).unwrap());
    let new_page = dir.join("new.txt");
    std::fs::write(&new_page, edited).unwrap();
    let new_arg = new_page.to_str().unwrap();
    let differs = xtask(&dir, &["docs", "diff", new_arg]);
    assert_eq!(differs.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(differs.stdout).unwrap(),
        format!("error code {code}: added on the page, \"Rate Limited\"\n")
    );

    let apply = xtask(&dir, &["docs", "apply", new_arg]);
    assert_eq!(apply.status.code(), Some(0), "{}", String::from_utf8_lossy(&apply.stderr));
    assert!(String::from_utf8(apply.stdout).unwrap().starts_with(&format!("applied: error code {code}")));
    // The copy's spec changed, not this checkout's.
    let new_value = format!("\"value\": {code}");
    assert!(std::fs::read_to_string(dir.join("spec/enums/error_code.json")).unwrap().contains(&new_value));
    assert!(!std::fs::read_to_string(xtask::codegen::workspace_root().join("spec/enums/error_code.json"))
        .unwrap()
        .contains(&new_value));
    assert_eq!(xtask(&dir, &["docs", "diff", new_arg]).status.code(), Some(0));

    let junk = dir.join("junk.txt");
    std::fs::write(&junk, "<html><body>502 Bad Gateway</body></html>").unwrap();
    let refused = xtask(&dir, &["docs", "diff", junk.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8(refused.stderr).unwrap().contains("an HTML page"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Every file under `dir`, with its bytes.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push((path.clone(), std::fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

/// Bug: `apply` writing the files it edited before the whole edited spec validated: a
/// change that breaks the spec (here a request field a constraint needs, removed on the
/// page) would leave `spec/` half-edited and no longer loading.
#[test]
fn apply_writes_nothing_when_the_edited_spec_would_not_validate() {
    let dir = checkout("invalid");
    let page = std::fs::read_to_string(dir.join("tests/data/query-call-records.txt")).unwrap();
    // The first field of the endpoint's first `notAfter` constraint: its row goes.
    let spec = xtask::spec::load_dir(&dir.join("spec")).unwrap();
    let parsed = xtask::docs::page::parse(&page).unwrap();
    let endpoint = xtask::docs::diff::endpoint_of(&spec, &parsed).unwrap();
    let needed = endpoint
        .constraints
        .iter()
        .find_map(|c| match c {
            xtask::spec::resolve::Constraint::NotAfter { first, .. } => Some(first.wire.clone()),
            _ => None,
        })
        .unwrap();
    let body = parsed.tables.iter().find(|t| t.heading == "Body Parameters").unwrap();
    let row = body.rows.iter().find(|r| r.cell(0) == needed).unwrap();
    let mut lines: Vec<&str> = page.lines().collect();
    lines.drain(row.line - 1..row.line - 1 + row.cells.len());
    let without = lines.join("\n") + "\n";
    // Also a change that alone would apply, so a half-written spec would show.
    let (edited, _, _) = with_reworded_record_field(&dir, &without);
    let new_page = dir.join("new.txt");
    std::fs::write(&new_page, edited).unwrap();
    let before = snapshot(&dir.join("spec"));
    let refused = xtask(&dir, &["docs", "apply", new_page.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8(refused.stderr).unwrap();
    assert!(stderr.contains("does not validate") && stderr.contains(&needed), "{stderr}");
    assert!(snapshot(&dir.join("spec")) == before, "spec/ is byte for byte as it was");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Bug: `apply` re-serialising a spec file (or re-indenting it): the review diff would
/// show every line. Only the changed facts' lines may differ.
#[test]
fn apply_changes_only_the_lines_of_the_facts_that_changed() {
    let dir = checkout("lines");
    let page = std::fs::read_to_string(dir.join("tests/data/query-call-records.txt")).unwrap();
    let (page, wire, reworded) = with_reworded_record_field(&dir, &page);
    let (edited, code) = with_new_error_code(&page);
    let new_page = dir.join("new.txt");
    std::fs::write(&new_page, edited).unwrap();
    let before = snapshot(&dir.join("spec"));
    assert!(xtask(&dir, &["docs", "apply", new_page.to_str().unwrap()]).status.success());
    let after = snapshot(&dir.join("spec"));
    let mut changed_files = 0;
    for ((path, old), (_, new)) in before.iter().zip(&after) {
        if old == new {
            continue;
        }
        changed_files += 1;
        let (old, new) = (String::from_utf8_lossy(old), String::from_utf8_lossy(new));
        let removed: Vec<&str> = old.lines().filter(|line| !new.lines().any(|l| l == *line)).collect();
        let added: Vec<&str> = new.lines().filter(|line| !old.lines().any(|l| l == *line)).collect();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let new_value = format!("\"value\": {code}");
        match file.as_str() {
            _ if new.contains(&format!("\"wire\": \"{wire}\"")) && new.contains("\"kind\": \"object\"") => {
                assert_eq!((removed.len(), added.len()), (1, 1), "{removed:?} {added:?}");
                assert!(added[0].contains(&reworded) && !removed[0].contains(&reworded), "{removed:?} {added:?}");
            }
            _ if new.contains(&new_value) && new.contains("\"kind\": \"enum\"") => {
                // The new value's line, and the comma the line before it gains.
                assert_eq!(added.len(), 2, "{added:?}");
                assert!(added.iter().any(|l| l.contains(&new_value)), "{added:?}");
                assert_eq!(removed.len(), 1, "{removed:?}");
                assert_eq!(
                    format!("{},", removed[0].trim_end()),
                    added.iter().find(|l| !l.contains(&new_value)).unwrap().trim_end()
                );
            }
            other => panic!("{other} changed"),
        }
    }
    assert_eq!(changed_files, 2);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Bug: `codegen --check` writing the fresh files (or exiting 0) when one is stale.
#[test]
fn codegen_check_names_a_stale_file_exits_1_and_writes_nothing() {
    let dir = checkout("check");
    copy_dir(&xtask::codegen::workspace_root().join("tests/fixtures"), &dir.join("tests/fixtures"));
    let generate = xtask(&dir, &["codegen"]);
    assert!(generate.status.success(), "{}", String::from_utf8_lossy(&generate.stderr));
    assert!(xtask(&dir, &["codegen", "--check"]).status.success(), "fresh right after generating");
    let file = dir.join("crates/nxlink-models/src/generated/call_record.rs");
    let edited =
        std::fs::read_to_string(&file).unwrap().replacen("pub struct CallRecord", "pub struct CallRecordEdited", 1);
    std::fs::write(&file, &edited).unwrap();
    let check = xtask(&dir, &["codegen", "--check"]);
    assert_eq!(check.status.code(), Some(1));
    let stderr = String::from_utf8(check.stderr).unwrap();
    assert!(
        stderr.contains("stale:") && stderr.contains("call_record.rs") && stderr.contains("cargo xtask codegen"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), edited, "--check wrote nothing");
    assert!(xtask(&dir, &["codegen"]).status.success());
    assert!(xtask(&dir, &["codegen", "--check"]).status.success(), "regenerating mends it");
    std::fs::remove_dir_all(&dir).unwrap();
}
