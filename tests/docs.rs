//! The docs point at tests that exist: every `file.rs::test_name` that RELIABILITY.md
//! cites (and each `::other_test` after it, which names a test in the same file) is a
//! function in that file, so a renamed or deleted test cannot leave a row backed by
//! nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test fails by panicking

use std::path::PathBuf;

/// The short prefixes RELIABILITY.md uses, and the folders they stand for.
const PREFIXES: &[(&str, &str)] = &[
    ("client/", "crates/nxlink-client/"),
    ("cli/", "crates/nxlink-cli/"),
    ("mock/", "crates/nxlink-mock/"),
    ("mock-cli/", "crates/nxlink-mock-cli/"),
    ("auth/", "crates/nxlink-auth/"),
    ("models/", "crates/nxlink-models/"),
    ("tests/", "tests/"),
];

fn resolve(short: &str) -> PathBuf {
    let root = nxlink_tests::root();
    PREFIXES
        .iter()
        .find_map(|(prefix, folder)| short.strip_prefix(prefix).map(|rest| root.join(folder).join(rest)))
        .unwrap_or_else(|| root.join(short))
}

#[test]
fn every_test_that_reliability_md_cites_exists() {
    let text = std::fs::read_to_string(nxlink_tests::root().join("RELIABILITY.md")).unwrap();
    let mut file: Option<(PathBuf, String)> = None;
    let mut cited = 0;
    let mut missing = Vec::new();
    // Code spans are the odd-numbered pieces between backticks.
    for span in text.split('`').skip(1).step_by(2) {
        let name = match span.split_once(".rs::") {
            Some((path, name)) => {
                let path = resolve(&format!("{path}.rs"));
                let source = std::fs::read_to_string(&path)
                    .unwrap_or_else(|err| panic!("RELIABILITY.md cites {}: {err}", path.display()));
                file = Some((path, source));
                name
            }
            None => match span.strip_prefix("::") {
                Some(name) if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => name,
                _ => continue,
            },
        };
        let (path, source) = file.as_ref().unwrap_or_else(|| panic!("`::{name}` before any file"));
        cited += 1;
        if !source.contains(&format!("fn {name}(")) {
            missing.push(format!("{}::{name}", path.display()));
        }
    }
    assert!(cited > 0, "RELIABILITY.md cites no test");
    assert!(missing.is_empty(), "RELIABILITY.md cites tests that do not exist:\n{}", missing.join("\n"));
}

/// The planted patches, by name (`07-receiver-partly-signed-is-unsigned.patch` is
/// `receiver-partly-signed-is-unsigned`).
fn planted_names() -> Vec<String> {
    let dir = nxlink_tests::root().join("audit/planted");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter_map(|entry| {
            let file = entry.file_name().to_string_lossy().into_owned();
            let stem = file.strip_suffix(".patch")?;
            Some(stem.split_once('-').map_or(stem, |(_, name)| name).to_owned())
        })
        .collect();
    names.sort();
    names
}

/// Every row of a promise table names the bug it guards against (its last cell is
/// not empty), and every `planted: NAME` names a patch that exists.
#[test]
fn every_promise_row_names_its_bug_and_planted_bugs_exist() {
    let text = std::fs::read_to_string(nxlink_tests::root().join("RELIABILITY.md")).unwrap();
    let mut in_promise_table = false;
    let mut rows = 0;
    for line in text.lines() {
        if !line.starts_with('|') {
            in_promise_table = false;
            continue;
        }
        if line.contains("| a bug it catches |") {
            in_promise_table = true;
            continue;
        }
        if !in_promise_table || line.starts_with("|---") {
            continue;
        }
        // Cells split on unescaped pipes.
        let unescaped = line.replace("\\|", "");
        let cells: Vec<&str> = unescaped.split('|').map(str::trim).collect();
        // A leading and a trailing empty piece around four cells.
        assert_eq!(cells.len(), 6, "a promise row has four cells: {line}");
        assert!(!cells[4].is_empty(), "a promise row without the bug it catches: {line}");
        rows += 1;
    }
    assert!(rows > 100, "the promise tables hold {rows} rows");

    let names = planted_names();
    let cited: Vec<&str> = text.split("planted: `").skip(1).filter_map(|rest| rest.split('`').next()).collect();
    for name in &cited {
        assert!(
            *name == "name" || names.iter().any(|n| n == name),
            "RELIABILITY.md cites a planted bug with no patch: {name}"
        );
    }
    for name in &names {
        assert!(
            text.contains(&format!("| `{name}`: ")),
            "audit/planted/*-{name}.patch has no row in \"Planted by hand\""
        );
    }
}
