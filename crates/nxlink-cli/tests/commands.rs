//! Where credentials come from (flag over environment over profile), `--demo`, `--help`,
//! `enums` and `sign`, and no command printing the secret or a signature at any log level.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::process::Stdio;

use nxlink_auth::{Credentials, Signer};
use nxlink_mock::{Fault, Faults, MockServer, DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET, DEMO_TASK_ID};

use common::{against, assert_ok, export_args, failure, nxlink, run, Mock};

#[test]
fn secret_from_stdin_or_file_and_flag_beats_env_beats_profile() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("demo.secret"), format!("{DEMO_ACCESS_SECRET}\n")).unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[profiles.mock]\nbase_url = \"{}\"\naccess_key = \"{DEMO_ACCESS_KEY}\"\nsecret_file = \"demo.secret\"\n",
            mock.url()
        ),
    )
    .unwrap();
    let list = ["calls", "list", "--task-id", DEMO_TASK_ID, "--page-size", "3", "--format", "jsonl"];

    // The profile alone.
    let output = run(nxlink().env("NXLINK_CONFIG", &config).args(["--profile", "mock"]).args(list));
    assert_ok(&output);
    assert_eq!(output.stdout.iter().filter(|b| **b == b'\n').count(), 3);

    // The environment beats the profile: a wrong secret there is used, and refused.
    let output = run(nxlink()
        .env("NXLINK_CONFIG", &config)
        .env("NXLINK_ACCESS_SECRET", "wrong")
        .args(["--profile", "mock"])
        .args(list));
    assert_eq!(failure(&output).0, 3);

    // A flag beats the environment: --secret-stdin over NXLINK_ACCESS_SECRET, and
    // --base-url over NXLINK_BASE_URL.
    let mut child = nxlink()
        .env("NXLINK_BASE_URL", "http://127.0.0.1:9")
        .env("NXLINK_ACCESS_KEY", DEMO_ACCESS_KEY)
        .env("NXLINK_ACCESS_SECRET", "wrong")
        .args(["--base-url", mock.url(), "--secret-stdin"])
        .args(list)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(format!("{DEMO_ACCESS_SECRET}\n").as_bytes()).unwrap();
    assert_ok(&child.wait_with_output().unwrap());

    let output = run(against(&mock).arg("--secret-file").arg(dir.path().join("demo.secret")).args(list));
    assert_ok(&output);
}

#[test]
fn demo_runs_with_no_configuration_at_all() {
    let output = run(nxlink().args([
        "--demo",
        "calls",
        "export",
        "--task-id",
        DEMO_TASK_ID,
        "--format",
        "table",
        "--limit",
        "20",
    ]));
    assert_ok(&output);
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 21);
    assert!(stdout.starts_with("        ID  CALL ID"), "{stdout}");
}

#[test]
fn help_documents_the_demo_task_and_the_exit_codes() {
    let output = run(nxlink().arg("--help"));
    assert_ok(&output);
    let help = String::from_utf8(output.stdout).unwrap();
    assert!(help.contains(DEMO_TASK_ID), "{help}");
    for line in [
        "Exit codes:",
        "3  authentication",
        "5  network or server",
        "129, 130, 143  stopped by",
        "NXLINK_ACCESS_SECRET",
    ] {
        assert!(help.contains(line), "{line} missing");
    }
}

#[test]
fn enums_print_the_generated_tables() {
    let output = run(nxlink().args(["enums", "call-result"]));
    assert_ok(&output);
    let text = String::from_utf8(output.stdout).unwrap();
    for result in nxlink_models::CallResult::ALL {
        assert!(text.contains(&format!("{:>5}  {}", result.code(), result.name())), "{result:?}");
        assert!(text.contains(result.description()));
    }
    let all = String::from_utf8(run(nxlink().arg("enums")).stdout).unwrap();
    assert!(all.contains("callStatus") && all.contains("callResult") && all.contains("InvalidSignature"));
    // Every table of the spec, not a hand-kept three, and as JSON.
    let json = run(nxlink().args(["enums", "--format", "json"]));
    assert_ok(&json);
    let tables: Vec<serde_json::Value> = serde_json::from_slice(&json.stdout).unwrap();
    let names: Vec<&str> = tables.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, nxlink_models::ENUMS.iter().map(|t| t.name).collect::<Vec<_>>());
    assert!(String::from_utf8(run(nxlink().args(["enums", "startupType"])).stdout).unwrap().contains("Scheduled"));
}

#[test]
fn sign_explain_masks_the_secret_and_matches_the_signer() {
    let body = br#"{"taskId":"t-1","pageNumber":1,"pageSize":10}"#;
    let mut child = nxlink()
        .args(["--demo", "--algorithm", "sha256", "sign", "--explain", "--body", "-", "--ts", "1700000000000"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(body).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_ok(&output);
    let stdout = String::from_utf8(output.stdout).unwrap();
    let signer = Signer::new(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET))
        .with_algorithm(nxlink_auth::Algorithm::Sha256);
    let expected = signer.sign("100", "nxai", 1_700_000_000_000, body);
    assert!(stdout.contains(&signer.explain("100", "nxai", 1_700_000_000_000, body)), "{stdout}");
    assert!(stdout.contains("&accessSecret=***"));
    assert!(stdout.contains(&format!("sign: {}", expected.sign().as_str())), "{stdout}");
    assert!(stdout.contains("algorithm: sha256"));
    assert!(!stdout.contains(DEMO_ACCESS_SECRET));
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
}

/// Every command and every path through the client, at trace level with a known
/// secret: neither the secret nor any signature the client computed reaches stdout,
/// stderr or the logs. (`nxlink sign` prints a signature on purpose; its secret is
/// still masked and it logs nothing.)
#[test]
fn no_command_prints_the_secret_or_a_signature_at_trace_level() {
    const KEY: &str = "AK-hygiene-0001";
    const SECRET: &str = "hygiene-secret-5f3a9c1e";
    let mock = Mock::with(MockServer::builder().key(KEY, SECRET));
    let secret_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(secret_file.path(), SECRET).unwrap();
    let secret_path = secret_file.path().to_str().unwrap().to_owned();
    let traced = |secret: &str| {
        let mut command = nxlink();
        command.args(["-vv", "--base-url", mock.url()]).env("RUST_LOG", "trace").env("NXLINK_ACCESS_KEY", KEY);
        command.env("NXLINK_ACCESS_SECRET", secret);
        command
    };
    let mut outputs = Vec::new();
    for format in ["table", "json", "jsonl", "csv"] {
        outputs.push(run(traced(SECRET).args(["calls", "list", "--task-id", DEMO_TASK_ID, "--format", format])));
        outputs.push(run(traced(SECRET).args(export_args(format))));
    }
    // The secret from a file rather than the environment.
    outputs.push(run(nxlink()
        .args(["-vv", "--base-url", mock.url(), "--access-key", KEY, "--secret-file", &secret_path])
        .env("RUST_LOG", "trace")
        .args(["calls", "list", "--task-id", DEMO_TASK_ID])));
    // Failures: a wrong secret (1003), a server error after retries, a refused request.
    let wrong = format!("{SECRET}-wrong");
    outputs.push(run(traced(&wrong).args(["calls", "list", "--task-id", DEMO_TASK_ID])));
    mock.server.handle().set_faults(Faults::always(Fault::BadGateway));
    outputs.push(run(traced(SECRET).args(["calls", "list", "--task-id", DEMO_TASK_ID, "--retries", "1"])));
    mock.server.handle().set_faults(Faults::none());
    outputs.push(run(traced(SECRET).args(["calls", "list", "--task-id", DEMO_TASK_ID, "--page-size", "0"])));
    outputs.push(run(traced(SECRET).args(["enums", "call-result"])));
    let mut sign = traced(SECRET)
        .args(["sign", "--explain", "--body", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    sign.stdin.take().unwrap().write_all(br#"{"taskId":"t"}"#).unwrap();
    let sign = sign.wait_with_output().unwrap();
    assert!(String::from_utf8_lossy(&sign.stdout).contains("&accessSecret=***"));

    let signatures: Vec<String> =
        mock.server.requests().iter().filter_map(|r| r.header("sign").map(str::to_owned)).collect();
    assert!(signatures.len() >= 12, "{}", signatures.len());
    let mut saw_trace_logs = false;
    for output in outputs.iter().chain([&sign]) {
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        saw_trace_logs |= stderr.contains("nxlink.request");
        for text in [&stdout, &stderr] {
            assert!(!text.contains(SECRET), "the secret was printed:\n{text}");
        }
        assert!(!stderr.contains(&wrong) && !stdout.contains(&wrong), "the wrong secret was printed");
        for signature in &signatures {
            assert!(!stderr.contains(signature.as_str()), "a signature reached the logs");
            assert!(!stdout.contains(signature.as_str()), "a signature reached stdout");
        }
    }
    assert!(saw_trace_logs, "the runs must actually log at trace level");
}

#[test]
fn the_bash_completion_loads_and_completes_generated_flags() {
    let script = run(nxlink().args(["completions", "bash"]));
    assert_ok(&script);
    let dir = std::env::temp_dir().join(format!("nxlink-completion-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("nxlink.bash");
    std::fs::write(&path, &script.stdout).unwrap();
    // Loaded by bash, it registers itself for `nxlink` and offers a flag the spec generates.
    let check = format!(
        "source {} && complete -p nxlink && COMP_WORDS=(nxlink calls export --page) COMP_CWORD=3 && _nxlink nxlink --page calls && printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        path.display()
    );
    let output = std::process::Command::new("bash").args(["-c", &check]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("complete -o bashdefault -o default -o nosort -F _nxlink nxlink"), "{stdout}");
    assert!(stdout.lines().any(|line| line == "--page-size"), "{stdout}");
    std::fs::remove_dir_all(&dir).unwrap();
}
