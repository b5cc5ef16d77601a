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
    let args = [
        "--port",
        "0",
        "--records",
        "300",
        "--seed",
        "7",
        "--key",
        "AK-cli:cli-secret",
        "--clock-offset-ms",
        "-5",
        "--dial-ms",
        "5",
    ];
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

    // `--dial-ms`: a task with one contact is dialed and completes.
    let signed = |path: &'static str, body: Value| {
        let mut call = common::Call::json(&body).with(|c| {
            c.access_key = "AK-cli".into();
            c.secret = "cli-secret".into();
        });
        call.path = path;
        call
    };
    let path = |op: nxlink_models::runtime::Endpoint| op.path;
    use nxlink_models::runtime::Operation;
    let created = signed(
        path(nxlink_models::CreateTask::ENDPOINT),
        serde_json::json!({"taskName": "Dialed", "autoFlowId": nxlink_mock::SEEDED_AGENTS[0].0,
            "routeId": nxlink_mock::SEEDED_ROUTES[0].0, "taskKeep": 0, "startupType": 1}),
    )
    .send(&base_url)
    .await
    .unwrap();
    let created: Value = serde_json::from_slice(&created.bytes().await.unwrap()).unwrap();
    let task_id = created["data"]["taskId"].as_str().unwrap().to_owned();
    signed(
        path(nxlink_models::AppendContacts::ENDPOINT),
        serde_json::json!({"taskId": task_id, "list": [{"contactId": "c1", "name": "A", "phoneNumber": "85290000001"}]}),
    )
    .send(&base_url)
    .await
    .unwrap();
    let list_tasks =
        signed(path(nxlink_models::ListTasks::ENDPOINT), serde_json::json!({"pageNumber": 1, "pageSize": 50}));
    tokio::time::timeout(std::time::Duration::from_secs(60), async {
        loop {
            let page: Value =
                serde_json::from_slice(&list_tasks.send(&base_url).await.unwrap().bytes().await.unwrap()).unwrap();
            let status =
                page["data"]["list"].as_array().unwrap().iter().find(|t| t["taskId"] == task_id.as_str()).unwrap()
                    ["taskStatus"]
                    .clone();
            if status == 3 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the task completes");
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
        "--dial-ms",
        "--fault-envelopes",
    ] {
        assert!(help.contains(flag), "{flag}");
    }
}
