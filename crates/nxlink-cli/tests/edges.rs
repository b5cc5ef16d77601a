//! Promises checked at their edges: each test names the bug it is there to catch (a default
//! changed, a flag parsed but not passed on, one link too many).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::path::Path;
use std::process::Stdio;

use nxlink_auth::{Credentials, Signer};
use nxlink_mock::{Faults, MockServer, DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET, DEMO_TASK_ID};
use serde_json::Value;

use common::{against, assert_complete_jsonl, assert_ok, entries, export_to, failure, nxlink, run, Mock};

/// Bug: `plan` following one link fewer or more than Linux does (`MAX_LINKS`).
#[test]
fn forty_links_in_a_row_are_followed_and_forty_one_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let chain = |name: &str, links: usize| {
        let target = dir.path().join(format!("{name}-target.jsonl"));
        let mut next = target.clone();
        for n in 0..links {
            let link = dir.path().join(format!("{name}-{n}"));
            std::os::unix::fs::symlink(&next, &link).unwrap();
            next = link;
        }
        (next, target)
    };
    let (head, target) = chain("forty", 40);
    let output = run(nxlink()
        .args(["--demo", "calls", "export", "--limit", "3", "--format", "jsonl", "--task-id", DEMO_TASK_ID, "-o"])
        .arg(&head));
    assert_ok(&output);
    assert_eq!(std::fs::read_to_string(&target).unwrap().lines().count(), 3, "written through 40 links");
    assert!(head.is_symlink(), "the links stay links");
    let (head, _) = chain("forty-one", 41);
    let (code, line) =
        failure(&run(nxlink().args(["--demo", "calls", "export", "--task-id", DEMO_TASK_ID, "-o"]).arg(&head)));
    assert_eq!(code, 2, "{line}");
    assert!(line.contains("more than 40 symbolic links"), "{line}");
}

/// Bug: `calls export --limit N` (N below a page) fetching a whole default page.
#[test]
fn a_limit_below_a_page_asks_for_that_many_records() {
    let mock = Mock::start();
    let output =
        run(against(&mock).args(["calls", "export", "--task-id", DEMO_TASK_ID, "--limit", "20", "--format", "jsonl"]));
    assert_ok(&output);
    assert_eq!(String::from_utf8(output.stdout).unwrap().lines().count(), 20);
    let bodies = mock.bodies();
    assert_eq!(bodies.len(), 1, "one request");
    assert_eq!(bodies[0]["pageSize"], 20);
}

/// Bug: `--country-code` parsed but not set on the requests; or the default batch size
/// (500) changed.
#[test]
fn contacts_carry_the_country_code_in_batches_of_500_by_default() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.csv");
    let rows: String = (0..1_201).map(|n| format!("8529300{n:04},C{n}\n")).collect();
    std::fs::write(&file, format!("phoneNumber,name\n{rows}")).unwrap();
    let output = run(against(&mock)
        .args(["contacts", "append", "--task-id", DEMO_TASK_ID, "--country-code", "86", "--file"])
        .arg(&file));
    assert_ok(&output);
    let mut sizes: Vec<usize> = mock.bodies().iter().map(|b| b["list"].as_array().unwrap().len()).collect();
    sizes.sort_unstable();
    assert_eq!(sizes, [201, 500, 500]);
    assert!(mock.bodies().iter().all(|b| b["countryCode"] == "86"), "every batch carries the code");
}

/// Bug: `nxlink sign` trimming the body (its trailing newline), so the printed signature
/// is not the one the server computes over what was sent.
#[test]
fn sign_signs_every_byte_of_the_body_a_trailing_newline_included() {
    let body = b"{\"taskId\":\"t-1\"}\n";
    let mut child = nxlink()
        .args(["--demo", "sign", "--body", "-", "--ts", "1700000000000"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(body).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_ok(&output);
    let signer = Signer::new(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains(&format!("sign: {}", signer.sign("100", "nxai", 1_700_000_000_000, body).sign().as_str())),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("ends with a newline"), "warned about it");
}

/// Bug: `--allow-unsigned` parsed but the policy not passed to the receiver; or the
/// flag letting a wrongly signed callback through.
#[test]
fn callbacks_listen_allow_unsigned_takes_unsigned_ones_and_still_checks_signed_ones() {
    use std::io::{BufRead as _, Read as _};
    let mut child = nxlink()
        .args(["--demo", "callbacks", "listen", "--port", "0", "--allow-unsigned"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    let addr = first.split_whitespace().find_map(|w| w.strip_prefix("http://")).unwrap().to_owned();
    let post = |body: &[u8], headers: &[(String, String)]| {
        let mut stream = std::net::TcpStream::connect(&addr).unwrap();
        let mut request =
            format!("POST / HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-length: {}\r\n", body.len());
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        stream.write_all(request.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer[9..12].to_owned()
    };
    let body = br#"{"taskId":"t1","callId":"unsigned-1","callResult":1}"#;
    assert_eq!(post(body, &[]), "200");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    let wrong = Signer::new(Credentials::new(DEMO_ACCESS_KEY, "not-the-secret"));
    let headers: Vec<(String, String)> =
        wrong.sign("100", "nxai", now, body).iter().map(|(n, v)| (n.to_owned(), v.to_owned())).collect();
    assert_eq!(post(body, &headers), "401", "a signed callback is still checked");
    rustix::process::kill_process(rustix::process::Pid::from_child(&child), rustix::process::Signal::TERM).unwrap();
    let output = child.wait_with_output().unwrap();
    let printed: Vec<Value> =
        String::from_utf8(output.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(printed.len(), 1);
    assert_eq!(printed[0]["callId"], "unsigned-1");
}

/// Bug: `resolve_path` not expanding `~/` (a profile's `secret_file = "~/..."`).
#[test]
fn a_profile_secret_file_under_home_is_found() {
    let mock = Mock::start();
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("nx.secret"), format!("{DEMO_ACCESS_SECRET}\n")).unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[profiles.default]\nbase_url = \"{}\"\naccess_key = \"{DEMO_ACCESS_KEY}\"\nsecret_file = \"~/nx.secret\"\n", mock.url()),
    )
    .unwrap();
    let output = run(nxlink().env("HOME", home.path()).env("NXLINK_CONFIG", &config).args([
        "calls",
        "list",
        "--task-id",
        DEMO_TASK_ID,
        "--format",
        "jsonl",
    ]));
    assert_ok(&output);
}

/// Bug: a secret that is not Unicode read lossily (a different secret, every signature
/// wrong) instead of refused naming the variable.
#[test]
fn a_secret_that_is_not_unicode_is_refused_naming_the_variable() {
    use std::os::unix::ffi::OsStrExt;
    let secret = std::ffi::OsStr::from_bytes(b"se\xffcret");
    let output = run(nxlink()
        .args(["--region", "hk", "--access-key", "AK", "sign", "--body", "/dev/null"])
        .env("NXLINK_ACCESS_SECRET", secret));
    let (code, line) = failure(&output);
    assert_eq!(code, 2, "{line}");
    assert!(line.contains("NXLINK_ACCESS_SECRET is set but is not valid Unicode"), "{line}");
    assert!(!line.contains("cret\"") && !line.contains('\u{fffd}'), "the value is not shown: {line}");
}

/// Bug: `-v` mapped to trace (request internals in the log), or escape codes written
/// to a stderr that is not a terminal (a CI log, a file).
#[test]
fn verbose_is_debug_and_a_piped_stderr_gets_no_colour() {
    let mock = Mock::start();
    let output = run(against(&mock).args(["-v", "calls", "list", "--task-id", DEMO_TASK_ID, "--format", "jsonl"]));
    assert_ok(&output);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("DEBUG"), "{stderr}");
    assert!(!stderr.contains("TRACE"), "{stderr}");
    assert!(!stderr.contains('\x1b'), "no escape codes into a pipe: {stderr:?}");
}

/// Bug: the default of `--concurrency` (4 pages ahead) or of the append's batches in
/// flight (8) changed, or the value not passed on. Each request is held a while by the
/// mock, so the requests a command keeps open at once are the ones it sends together.
#[test]
fn exports_keep_four_pages_and_appends_eight_batches_in_flight_by_default() {
    let mock = Mock::with(
        MockServer::builder().faults(Faults { latency: std::time::Duration::from_millis(300), ..Faults::none() }),
    );
    let output = run(against(&mock).args([
        "calls",
        "export",
        "--task-id",
        DEMO_TASK_ID,
        "--page-size",
        "20",
        "--limit",
        "200",
        "--format",
        "jsonl",
    ]));
    assert_ok(&output);
    assert_eq!(mock.server.handle().peak_in_flight(), 4, "pages in flight");
    mock.server.handle().clear_requests();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.csv");
    let rows: String = (0..180).map(|n| format!("8529400{n:04},C{n}\n")).collect();
    std::fs::write(&file, format!("phoneNumber,name\n{rows}")).unwrap();
    let output = run(against(&mock)
        .args(["contacts", "append", "--batch-size", "10", "--task-id", DEMO_TASK_ID, "--file"])
        .arg(&file));
    assert_ok(&output);
    assert_eq!(mock.server.handle().peak_in_flight(), 8, "batches in flight");
}

/// A link on one file system naming a file on another (`/tmp` -> `/dev/shm`): the
/// temporary file is made beside the target, so the final rename stays on one file
/// system (a rename across them fails with EXDEV). Skipped, saying so, where `/dev/shm`
/// is the same file system or missing.
#[test]
fn a_link_to_a_file_on_another_file_system_is_written_through() {
    use std::os::unix::fs::MetadataExt;
    let shm = Path::new("/dev/shm");
    let dir = tempfile::tempdir().unwrap();
    let Ok(shm_meta) = std::fs::metadata(shm) else {
        println!("skipped: no /dev/shm");
        return;
    };
    if shm_meta.dev() == std::fs::metadata(dir.path()).unwrap().dev() {
        println!("skipped: /dev/shm is on the same file system as the temporary directory");
        return;
    }
    let mock = Mock::start();
    let elsewhere = tempfile::tempdir_in(shm).unwrap();
    let target = elsewhere.path().join("calls.jsonl");
    std::fs::write(&target, "previous\n").unwrap();
    let link = dir.path().join("latest.jsonl");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    export_to(&mock, &link);
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_complete_jsonl(&mock, &std::fs::read_to_string(&target).unwrap());
    assert_eq!(entries(elsewhere.path()), ["calls.jsonl"], "no temporary file left beside the target");
}
