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

    let edited = std::fs::read_to_string(&page).unwrap().replacen(
        "| 20000 |\nBusiness Error |",
        "| 20000 |\nBusiness Error |\n| 20001 |\nRate Limited |",
        1,
    );
    let new_page = dir.join("new.txt");
    std::fs::write(&new_page, edited).unwrap();
    let new_arg = new_page.to_str().unwrap();
    let differs = xtask(&dir, &["docs", "diff", new_arg]);
    assert_eq!(differs.status.code(), Some(1));
    assert_eq!(String::from_utf8(differs.stdout).unwrap(), "error code 20001: added on the page, \"Rate Limited\"\n");

    let apply = xtask(&dir, &["docs", "apply", new_arg]);
    assert_eq!(apply.status.code(), Some(0), "{}", String::from_utf8_lossy(&apply.stderr));
    assert!(String::from_utf8(apply.stdout).unwrap().starts_with("applied: error code 20001"));
    // The copy's spec changed, not this checkout's.
    assert!(std::fs::read_to_string(dir.join("spec/enums/error_code.json")).unwrap().contains("RateLimited"));
    assert!(!std::fs::read_to_string(xtask::codegen::workspace_root().join("spec/enums/error_code.json"))
        .unwrap()
        .contains("RateLimited"));
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
    let row = "| startTs |\nInteger |\nNo |\n1736215928 |\nStart timestamp (seconds) |\n";
    assert_eq!(page.matches(row).count(), 1);
    // Also a change that alone would apply, so a half-written spec would show.
    let edited = page.replacen(row, "", 1).replacen("Ring time duration |", "Ringing duration |", 1);
    let new_page = dir.join("new.txt");
    std::fs::write(&new_page, edited).unwrap();
    let before = snapshot(&dir.join("spec"));
    let refused = xtask(&dir, &["docs", "apply", new_page.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8(refused.stderr).unwrap();
    assert!(stderr.contains("does not validate") && stderr.contains("startTs"), "{stderr}");
    assert!(snapshot(&dir.join("spec")) == before, "spec/ is byte for byte as it was");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Bug: `apply` re-serialising a spec file (or re-indenting it): the review diff would
/// show every line. Only the changed facts' lines may differ.
#[test]
fn apply_changes_only_the_lines_of_the_facts_that_changed() {
    let dir = checkout("lines");
    let page = std::fs::read_to_string(dir.join("tests/data/query-call-records.txt")).unwrap();
    let edited = page.replacen("Ring time duration |", "Ringing duration |", 1).replacen(
        "| 20000 |\nBusiness Error |",
        "| 20000 |\nBusiness Error |\n| 20001 |\nRate Limited |",
        1,
    );
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
        match file.as_str() {
            "call_record.json" => {
                assert_eq!((removed.len(), added.len()), (1, 1), "{removed:?} {added:?}");
                assert!(added[0].contains("Ringing duration") && removed[0].contains("Ring time duration"));
            }
            "error_code.json" => {
                // The new value's line, and the comma the line before it gains.
                assert_eq!(added.len(), 2, "{added:?}");
                assert!(added.iter().any(|l| l.contains("\"value\": 20001")), "{added:?}");
                assert_eq!(removed.len(), 1, "{removed:?}");
                assert_eq!(
                    format!("{},", removed[0].trim_end()),
                    added.iter().find(|l| !l.contains("20001")).unwrap().trim_end()
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
