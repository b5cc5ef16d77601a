//! Exit codes and the one error line: authentication (3), bad input caught before
//! anything is sent (2), the network or the server (5).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use nxlink_mock::{DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET, DEMO_TASK_ID};

use common::{against, assert_no_secrets, export_args, failure, nxlink, run, Mock};

#[test]
fn wrong_secret_exits_3_with_the_1003_hint() {
    let mock = Mock::start();
    let output = run(against(&mock).env("NXLINK_ACCESS_SECRET", "not-the-secret").args(export_args("json")));
    let (code, line) = failure(&output);
    assert_eq!(code, 3, "{line}");
    for part in ["API error 1003", "traceId ", "hint: check the access secret", "clock"] {
        assert!(line.contains(part), "{part} missing from {line}");
    }
    assert!(!line.contains("not-the-secret"));
    assert_no_secrets(&mock, &line);
}

#[test]
fn unknown_key_exits_3() {
    let mock = Mock::start();
    let output = run(against(&mock).env("NXLINK_ACCESS_KEY", "AK-nobody").args(export_args("json")));
    let (code, line) = failure(&output);
    assert_eq!(code, 3, "{line}");
    assert!(line.contains("API error 1005") && line.contains("hint: check the access key"), "{line}");
}

#[test]
fn invalid_page_size_exits_2_before_sending_anything() {
    let mock = Mock::start();
    for size in ["0", "1001"] {
        let output = run(against(&mock).args(["calls", "list", "--task-id", DEMO_TASK_ID, "--page-size", size]));
        let (code, line) = failure(&output);
        assert_eq!(code, 2, "{line}");
        assert!(
            line.contains("pageSize") && line.contains("--page-size") && line.contains("between 1 and 1000"),
            "{line}"
        );
    }
    assert!(mock.server.requests().is_empty());
}

#[test]
fn bad_flag_values_exit_2_naming_the_flag() {
    for (flag, value) in [("--start", "yesterday"), ("--since", "1 month"), ("--result", "maybe"), ("--limit", "0")] {
        let output = run(nxlink().args(["calls", "export", "--task-id", "t", flag, value]));
        assert_eq!(output.status.code(), Some(2), "{flag} {value}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.contains(flag), "{flag}: {stderr}");
    }
}

#[test]
fn unreachable_server_exits_5() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}");
    let output = run(nxlink()
        .args(["--base-url", &url, "calls", "list", "--task-id", DEMO_TASK_ID, "--retries", "0"])
        .env("NXLINK_ACCESS_KEY", DEMO_ACCESS_KEY)
        .env("NXLINK_ACCESS_SECRET", DEMO_ACCESS_SECRET));
    let (code, line) = failure(&output);
    assert_eq!(code, 5, "{line}");
    assert!(line.contains("hint: check the base URL"), "{line}");
}

#[test]
fn plain_http_to_a_remote_host_exits_2() {
    let output = run(nxlink()
        .args(["--base-url", "http://api.nxlink.invalid", "calls", "list", "--task-id", DEMO_TASK_ID])
        .env("NXLINK_ACCESS_KEY", "AK")
        .env("NXLINK_ACCESS_SECRET", "secret"));
    let (code, line) = failure(&output);
    assert_eq!(code, 2, "{line}");
    assert!(
        line.contains("refusing plain http") && line.contains("use https") && line.contains("--base-url"),
        "{line}"
    );
}

#[test]
fn missing_credentials_exit_2_and_say_where_they_can_come_from() {
    let output = run(nxlink().args(["--region", "hk", "calls", "list", "--task-id", DEMO_TASK_ID]));
    let (code, line) = failure(&output);
    assert_eq!(code, 2);
    assert!(line.contains("NXLINK_ACCESS_KEY"), "{line}");
}
