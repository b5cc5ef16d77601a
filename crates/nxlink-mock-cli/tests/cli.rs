//! The `nxlink-mock` binary: flags, start-up banner, keys.
//!
//! `CARGO_BIN_EXE_nxlink-mock` exists only in the package that defines the binary, so
//! these tests live here rather than in `nxlink-mock`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use nxlink_auth::{Clock, Credentials, Signer, SystemClock};
use nxlink_mock::{CALL_LIST_PATH, DEMO_ACCESS_KEY, DEMO_TASK_ID, TASK_IDS};
use nxlink_models::runtime::Operation;
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_nxlink-mock");

/// The extra key pair the test starts the binary with (`--key AK-cli:cli-secret`).
const KEY: &str = "AK-cli";
const SECRET: &str = "cli-secret";

/// Kills the child even when an assertion fails.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// POSTs `body` to `path`, signed by hand (nxlink-auth, no client crate) with the extra
/// key pair, and returns the envelope of an HTTP 200 answer.
async fn post(base_url: &str, path: &str, body: &Value) -> Value {
    let body = serde_json::to_vec(body).unwrap();
    let signer = Signer::new(Credentials::new(KEY, SECRET));
    let signed = signer.sign("100", "nxai", SystemClock.now_millis(), &body);
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let mut request = client.post(format!("{base_url}{path}")).header("Content-Type", "application/json");
    for (name, value) in &signed {
        request = request.header(name, value);
    }
    let response = request.body(body).send().await.unwrap();
    assert_eq!(response.status(), 200);
    serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
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
    assert!(text.contains(DEMO_ACCESS_KEY) && text.contains(KEY), "{text}");
    assert!(!text.contains(SECRET), "extra secrets are not printed");
    assert!(TASK_IDS.iter().all(|task| text.contains(task)), "{text}");

    let query = json!({"taskId": DEMO_TASK_ID, "pageNumber": 1, "pageSize": 10});
    assert_eq!(post(&base_url, CALL_LIST_PATH, &query).await["code"], 0);

    // `--dial-ms`: a task with one contact is dialed and completes.
    let created = post(
        &base_url,
        nxlink_models::CreateTask::ENDPOINT.path,
        &json!({"taskName": "Dialed", "autoFlowId": nxlink_mock::SEEDED_AGENTS[0].0,
            "routeId": nxlink_mock::SEEDED_ROUTES[0].0, "taskKeep": 0, "startupType": 1}),
    )
    .await;
    let task_id = created["data"]["taskId"].as_str().unwrap().to_owned();
    post(
        &base_url,
        nxlink_models::AppendContacts::ENDPOINT.path,
        &json!({"taskId": task_id, "list": [{"contactId": "c1", "name": "A", "phoneNumber": "85290000001"}]}),
    )
    .await;
    let list_tasks = json!({"pageNumber": 1, "pageSize": 50});
    tokio::time::timeout(std::time::Duration::from_secs(60), async {
        loop {
            let page = post(&base_url, nxlink_models::ListTasks::ENDPOINT.path, &list_tasks).await;
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
