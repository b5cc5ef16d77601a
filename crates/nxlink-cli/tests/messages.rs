//! Messages a person reads: rules said with the flags and RFC 3339 times, "did you mean"
//! for misspelt names, the hint for a base URL with a path, the `N of TOTAL` line.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use nxlink_mock::{DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET, DEMO_TASK_ID};

use common::{against, assert_ok, failure, nxlink, run, with_profile_file, Mock};

#[test]
fn intent_with_a_result_that_has_no_tag_names_the_results_that_do() {
    let codes: Vec<String> = nxlink_models::CallResult::ALL
        .iter()
        .filter(|r| r.is_intent_available())
        .map(|r| r.code().to_string())
        .collect();
    let (last, rest) = codes.split_last().unwrap();
    let no_tag = nxlink_models::CallResult::ALL.iter().find(|r| !r.is_intent_available()).unwrap();
    let output = run(nxlink()
        .args(["--demo", "calls", "list", "--task-id", DEMO_TASK_ID, "--intent", "x", "--result"])
        .arg(no_tag.code().to_string()));
    let (code, line) = failure(&output);
    assert_eq!(code, 2);
    let needs = format!("error: --intent needs --result {} or {last}; got --result {}", rest.join(", "), no_tag.code());
    assert!(line.starts_with(&needs), "{line}");
    assert!(!line.contains("intentAvailable") && !line.contains("callResult") && !line.contains("::"), "{line}");
}

#[test]
fn start_after_end_names_the_flags_with_rfc3339_times() {
    let list = ["--demo", "calls", "list", "--task-id", DEMO_TASK_ID];
    let output = run(nxlink().args(list).args(["--start", "2025-05-01", "--end", "1745971200"]));
    let (code, line) = failure(&output);
    assert_eq!(code, 2);
    assert_eq!(
        line,
        "error: --start 2025-05-01T00:00:00Z is after --end 2025-04-30T00:00:00Z; expected the start at or before the end"
    );
    let output = run(nxlink().args(list).args(["--since", "24h", "--end", "2025-04-30"]));
    let (_, line) = failure(&output);
    assert!(
        line.starts_with("error: --since 24h (start ") && line.contains("is after --end 2025-04-30T23:59:59Z"),
        "{line}"
    );
    let output = run(nxlink().args(list).args(["--start", "1969-12-31"]));
    let (_, line) = failure(&output);
    assert!(line.starts_with("error: --start 1969-12-31T00:00:00Z is before 1970-01-01T00:00:00Z"), "{line}");
    assert!(!line.contains("startTs"), "{line}");
}

#[test]
fn regions_and_results_suggest_the_closest_name() {
    let output = run(nxlink().args(["--region", "amr", "calls", "list", "--task-id", "t"]));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("--region") && stderr.contains("did you mean `amer`?"), "{stderr}");

    let output = run(nxlink().env("NXLINK_REGION", "idm").args(["calls", "list", "--task-id", "t"]));
    let (code, line) = failure(&output);
    assert_eq!(code, 2);
    assert!(line.starts_with("error: NXLINK_REGION: unknown region `idm`") && line.ends_with("did you mean `idn`?"));

    let (code, line, _, _dir) =
        with_profile_file("[profiles.default]\nregion = \"hkk\"\n", &["calls", "list", "--task-id", "t"]);
    assert_eq!(code, 2);
    assert!(line.contains("region of profile `default`") && line.ends_with("did you mean `hk`?"), "{line}");

    let output = run(nxlink().args(["calls", "list", "--task-id", "t", "--result", "normal-end-user-hangup"]));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("is not a call result") && stderr.contains("did you mean `normal-end-user-hung-up`?"));
    assert!(!stderr.contains("CallResult") && !stderr.contains("::"), "{stderr}");
}

#[test]
fn a_base_url_with_a_path_gets_a_hint_about_the_path() {
    let mock = Mock::start();
    let url = format!("{}/openapi/aiagent", mock.url());
    let output = run(nxlink()
        .args(["--base-url", &url, "calls", "list", "--task-id", DEMO_TASK_ID, "--retries", "0"])
        .env("NXLINK_ACCESS_KEY", DEMO_ACCESS_KEY)
        .env("NXLINK_ACCESS_SECRET", DEMO_ACCESS_SECRET));
    let (code, line) = failure(&output);
    // The mock answers an unknown path with an envelope (20000), as a gateway may.
    assert_eq!(code, 4, "{line}");
    let hint = format!(
        "hint: drop `/openapi/aiagent` from the base URL: the base URL is the gateway only ({}) and the client adds \
         the endpoint path ({}) itself",
        mock.url(),
        nxlink_mock::CALL_LIST_PATH
    );
    assert!(line.ends_with(&hint), "{line}");
    assert!(!line.contains("check the task id"), "{line}");

    // Nothing listening at all: the path is still what to fix first.
    let output = run(nxlink()
        .args(["--base-url", "http://127.0.0.1:1/openapi/aiagent", "calls", "list", "--task-id", "t", "--retries", "0"])
        .env("NXLINK_ACCESS_KEY", DEMO_ACCESS_KEY)
        .env("NXLINK_ACCESS_SECRET", DEMO_ACCESS_SECRET));
    let (code, line) = failure(&output);
    assert_eq!(code, 5, "{line}");
    assert!(line.contains("hint: drop `/openapi/aiagent` from the base URL"), "{line}");
}

#[test]
fn list_as_a_table_ends_with_n_of_total_on_stderr() {
    let mock = Mock::start();
    let list = ["calls", "list", "--task-id", DEMO_TASK_ID, "--page-size", "7"];
    let output = run(against(&mock).args(list));
    assert_ok(&output);
    assert_eq!(String::from_utf8(output.stdout).unwrap().lines().count(), 8);
    assert_eq!(String::from_utf8(output.stderr).unwrap(), format!("7 of {} records\n", mock.expected().len()));
    let output = run(against(&mock).arg("-q").args(list));
    assert_ok(&output);
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
    // Data formats carry their own count: no line.
    let output = run(against(&mock).args(list).args(["--format", "jsonl"]));
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
}
