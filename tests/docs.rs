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
