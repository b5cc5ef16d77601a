//! `callbacks listen`: each verified callback printed once, the rest refused, and the
//! limits on stalled clients and large bodies.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::process::Stdio;

use nxlink_auth::{Credentials, Signer};
use nxlink_mock::{DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET};
use serde_json::Value;

use common::nxlink;

#[test]
fn callbacks_listen_prints_each_verified_callback_once_and_refuses_the_rest() {
    use std::io::BufRead as _;
    let mut child = nxlink()
        .args(["--demo", "callbacks", "listen", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    let url = first.split_whitespace().find(|w| w.starts_with("http://")).unwrap().to_owned();

    let body = br#"{"taskId":"t1","callId":"call-1","callResult":17,"calleePhone":"85238531065","brandNew":{"x":1}}"#;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    let signer = Signer::new(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET));
    let good: Vec<(String, String)> =
        signer.sign("100", "nxai", now, body).iter().map(|(n, v)| (n.to_owned(), v.to_owned())).collect();
    let bad_signer = Signer::new(Credentials::new(DEMO_ACCESS_KEY, "not-the-secret"));
    let bad: Vec<(String, String)> =
        bad_signer.sign("100", "nxai", now, body).iter().map(|(n, v)| (n.to_owned(), v.to_owned())).collect();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let statuses: Vec<u16> = runtime.block_on(async {
        let http = reqwest::Client::new();
        let mut statuses = Vec::new();
        for headers in [&good, &good, &bad, &Vec::new()] {
            let mut request = http.post(format!("{url}/callbacks")).header("Content-Type", "application/json");
            for (name, value) in headers {
                request = request.header(name, value);
            }
            statuses.push(request.body(body.to_vec()).send().await.unwrap().status().as_u16());
        }
        statuses
    });
    assert_eq!(statuses, [200, 200, 401, 401], "new, redelivered, bad signature, unsigned");
    rustix::process::kill_process(rustix::process::Pid::from_child(&child), rustix::process::Signal::TERM).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(128 + 15), "a SIGTERM stops it, exit 128 + the signal");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    let lines: Vec<Value> =
        String::from_utf8(output.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 1, "printed once despite the redelivery");
    assert_eq!(lines[0]["callId"], "call-1");
    assert_eq!(lines[0]["brandNew"], serde_json::json!({"x": 1}), "every field, unknown ones too");
    let rejected: Vec<&str> = rest.lines().filter(|l| l.starts_with("rejected: ")).collect();
    assert_eq!(rejected.len(), 2, "{rest}");
    assert!(!rest.contains(DEMO_ACCESS_SECRET) && !rest.contains(&good[4].1), "no secret, no signature: {rest}");
}

/// `callbacks listen` runs behind the limits its flags set: a client stalled in its
/// headers is cut off, a slow body gets 408, an oversized one 413 before it is sent.
#[test]
fn callbacks_listen_cuts_off_stalled_clients_and_refuses_large_bodies() {
    use std::io::{BufRead as _, Read as _};
    let mut child = nxlink()
        .args(["--demo", "callbacks", "listen", "--port", "0", "--header-timeout", "300ms", "--body-timeout", "300ms"])
        .args(["--max-body-bytes", "1000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    let addr = first.split_whitespace().find_map(|w| w.strip_prefix("http://")).unwrap().to_owned();
    let exchange = |sent: &[u8]| {
        let mut stream = std::net::TcpStream::connect(&addr).unwrap();
        stream.set_read_timeout(Some(std::time::Duration::from_secs(60))).unwrap();
        stream.write_all(sent).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap(); // to the server's close
        answer
    };
    assert_eq!(exchange(b"POST / HTTP/1.1\r\nhost: x\r\n"), "", "cut off, no answer");
    let slow = exchange(b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 50\r\n\r\n{");
    assert!(slow.starts_with("HTTP/1.1 408"), "{slow}");
    let large = exchange(b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 1001\r\n\r\n");
    assert!(large.starts_with("HTTP/1.1 413") && large.contains("over 1000 bytes"), "{large}");
    rustix::process::kill_process(rustix::process::Pid::from_child(&child), rustix::process::Signal::TERM).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(128 + 15));
    assert!(output.stdout.is_empty(), "nothing was a callback");
}
