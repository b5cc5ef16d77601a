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
