//! The `nxlink-mock` binary: flags, start-up banner, keys.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use nxlink_mock::{DEMO_ACCESS_KEY, DEMO_TASK_ID, TASK_IDS};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_nxlink-mock");

/// Kills the child even when an assertion fails.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn binary_prints_url_keys_and_tasks_then_serves() {
    let args =
        ["--port", "0", "--records", "300", "--seed", "7", "--key", "AK-cli:cli-secret", "--clock-offset-ms", "-5"];
    let mut child = Child(Command::new(BIN).args(args).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap());
    let stdout = BufReader::new(child.0.stdout.take().unwrap());
    let mut banner = Vec::new();
    for line in stdout.lines() {
        let line = line.unwrap();
        let done = line.contains(TASK_IDS[TASK_IDS.len() - 1]);
        banner.push(line);
        if done {
            break;
        }
    }
    let text = banner.join("\n");
    let base_url = banner[0].rsplit(' ').next().unwrap().to_owned();
    assert!(base_url.starts_with("http://127.0.0.1:"), "{text}");
    assert!(text.contains(DEMO_ACCESS_KEY) && text.contains("AK-cli"), "{text}");
    assert!(!text.contains("cli-secret"), "extra secrets are not printed");
    assert!(TASK_IDS.iter().all(|task| text.contains(task)), "{text}");

    let call = common::Call::json(&common::query(DEMO_TASK_ID, Value::Null)).with(|c| {
        c.access_key = "AK-cli".into();
        c.secret = "cli-secret".into();
    });
    assert_eq!(call.code(&base_url).await.0, 0);
}

#[test]
fn bad_flags_are_refused() {
    for args in [&["--rate-500", "2"][..], &["--key", "no-colon"], &["--key", ":secret"], &["--port", "70000"]] {
        let output = Command::new(BIN).args(args).output().unwrap();
        assert!(!output.status.success(), "{args:?}");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
    }
    let help = Command::new(BIN).arg("--help").output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    for flag in [
        "--port",
        "--records",
        "--seed",
        "--key",
        "--rate-503",
        "--rate-drop",
        "--rate-truncate",
        "--latency-ms",
        "--clock-offset-ms",
        "--quirks",
        "--live",
    ] {
        assert!(help.contains(flag), "{flag}");
    }
}
