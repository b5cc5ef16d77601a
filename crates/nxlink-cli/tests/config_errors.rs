//! Configuration errors: a profile file that does not parse or has an unknown key, and
//! `NXLINK_CONFIG` naming a missing file; each exit 2 naming the file and the line.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use nxlink_mock::DEMO_TASK_ID;

use common::{failure, nxlink, run, with_profile_file};

#[test]
fn a_profile_file_that_does_not_parse_is_an_error_with_its_line() {
    let list = ["--region", "hk", "calls", "list", "--task-id", DEMO_TASK_ID];
    let (code, line, path, _dir) = with_profile_file("[profiles.work]\nregion = \"hk\nsecret_file = \"s\"\n", &list);
    assert_eq!(code, 2, "{line}");
    assert!(line.starts_with(&format!("error: invalid profile file {}, line 2: ", path.display())), "{line}");
}

#[test]
fn an_unknown_profile_key_is_an_error_with_a_suggestion() {
    let list = ["calls", "list", "--task-id", DEMO_TASK_ID];
    let (code, line, path, _dir) =
        with_profile_file("[profiles.default]\nregion = \"hk\"\n\nacess_key = \"AK\"\n", &list);
    assert_eq!(code, 2);
    assert_eq!(
        line,
        format!(
            "error: invalid profile file {}, line 4: unknown key `acess_key` in [profiles.default]; expected one of: \
             region, base_url, access_key, secret_file; did you mean `access_key`?",
            path.display()
        )
    );
    let (_, line, _, _dir) =
        with_profile_file("[profiles.x]\nsecret-file = \"s\"\n", &["--profile", "x", "sign", "--body", "-"]);
    assert!(
        line.contains("line 2: unknown key `secret-file`") && line.ends_with("did you mean `secret_file`?"),
        "{line}"
    );
}

#[test]
fn nxlink_config_naming_a_missing_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.toml");
    let output =
        run(nxlink().env("NXLINK_CONFIG", &missing).args(["--region", "hk", "calls", "list", "--task-id", "t"]));
    let (code, line) = failure(&output);
    assert_eq!(code, 2);
    assert!(
        line.starts_with(&format!("error: NXLINK_CONFIG names {}, which does not exist", missing.display())),
        "{line}"
    );
}
