//! A `reqwest::Client` of the caller's (`ClientBuilder::http_client`): it is the one that
//! sends, through a proxy when it has one, and its failures are the SDK's usual errors.
//! Proxies from the environment, for the builder's own client and a given one.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test fails by panicking

use std::sync::{Arc, Mutex};
use std::time::Duration;

use nxlink_client::{Client, ClientBuilder, Credentials, Error, RetryPolicy, TimeoutKind};
use nxlink_mock::{MockServer, DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET, DEMO_TASK_ID};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

mod common;
use common::a_listener_that_never_accepts;

fn quick_retries() -> RetryPolicy {
    RetryPolicy::default().with_initial_backoff(Duration::from_millis(1)).with_max_backoff(Duration::from_millis(10))
}

fn builder_for(base_url: &str) -> ClientBuilder {
    Client::builder()
        .base_url(base_url)
        .credentials(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET))
        .retry_policy(quick_retries())
}

async fn mock() -> MockServer {
    MockServer::builder().seed(3).records(20).start().await.unwrap()
}

/// A reqwest client that ignores the proxy variables of whoever runs the tests.
fn plain() -> reqwest::ClientBuilder {
    reqwest::Client::builder().no_proxy()
}

#[tokio::test]
async fn the_given_client_sends_with_its_default_headers_and_the_sdks_user_agent() {
    let server = mock().await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-tenant", "acme".parse().unwrap());
    // Same names as the SDK's own headers: the SDK's win, so the signature holds.
    headers.insert("content-type", "text/plain".parse().unwrap());
    headers.insert("sign", "forged".parse().unwrap());
    let given = plain().default_headers(headers).user_agent("theirs/1").build().unwrap();
    let client = builder_for(server.base_url()).http_client(given).app_name("billing/2").build().unwrap();

    let page = client.query_call_records(DEMO_TASK_ID).page_size(2).send().await.unwrap();
    assert_eq!(page.list.len(), 2);
    let sent = server.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].header("x-tenant"), Some("acme"), "the given client sent it: {:?}", sent[0].headers);
    assert_eq!(sent[0].header("user-agent"), Some(format!("{} billing/2", nxlink_client::USER_AGENT).as_str()));
    assert_eq!(sent[0].header("content-type"), Some(nxlink_models::CONTENT_TYPE));
    assert_ne!(sent[0].header("sign"), Some("forged"));
}

/// A request as the proxy read it.
#[derive(Debug, Clone)]
struct Proxied {
    /// `POST http://127.0.0.1:PORT/path HTTP/1.1`.
    request_line: String,
    /// Names in lower case.
    headers: Vec<(String, String)>,
}

impl Proxied {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }
}

/// A forward HTTP proxy on 127.0.0.1: reads one request in absolute form per
/// connection, records it, sends it to the host it names, relays the answer and closes.
async fn recording_proxy() -> (String, Arc<Mutex<Vec<Proxied>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(relay(socket, record.clone()));
        }
    });
    (format!("http://{addr}"), seen)
}

async fn relay(mut client: TcpStream, seen: Arc<Mutex<Vec<Proxied>>>) {
    let Some((head, body)) = read_message(&mut client).await else { return };
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    seen.lock().unwrap().push(Proxied { request_line: request_line.clone(), headers: headers.clone() });

    // `POST http://host:port/path HTTP/1.1` becomes `POST /path HTTP/1.1` to host:port.
    let mut parts = request_line.splitn(3, ' ');
    let (method, target, version) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
    let rest = target.strip_prefix("http://").expect("a proxy is asked in absolute form");
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut upstream = TcpStream::connect(authority).await.unwrap();
    let mut out = format!("{method} {path} {version}\r\n");
    for (name, value) in headers.iter().filter(|(name, _)| !name.contains("connection")) {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("connection: close\r\n\r\n");
    upstream.write_all(out.as_bytes()).await.unwrap();
    upstream.write_all(&body).await.unwrap();
    let mut answer = Vec::new();
    upstream.read_to_end(&mut answer).await.unwrap();
    client.write_all(&answer).await.unwrap();
}

/// Reads an HTTP head and the Content-Length bytes after it.
async fn read_message(socket: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = vec![0u8; 16 * 1024];
    loop {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
        let head = String::from_utf8_lossy(&buf[..end]).into_owned();
        let length = head
            .to_ascii_lowercase()
            .lines()
            .find_map(|l| l.strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap()))
            .unwrap_or(0);
        if buf.len() >= end + 4 + length {
            return Some((head, buf[end + 4..end + 4 + length].to_vec()));
        }
    }
}

#[tokio::test]
async fn calls_go_through_the_proxy_of_the_given_client_loopback_included() {
    let server = mock().await;
    let (proxy_url, seen) = recording_proxy().await;
    let given = plain().proxy(reqwest::Proxy::http(&proxy_url).unwrap()).build().unwrap();
    let client = builder_for(server.base_url()).http_client(given).build().unwrap();

    let page = client.query_call_records(DEMO_TASK_ID).page_size(3).send().await.unwrap();
    assert_eq!(page.list.len(), 3);
    let proxied = seen.lock().unwrap().clone();
    assert_eq!(proxied.len(), 1, "{proxied:?}");
    let path = <nxlink_models::QueryCallRecords as nxlink_models::runtime::Operation>::ENDPOINT.path;
    let expected = format!("POST {}{path} HTTP/1.1", server.base_url());
    assert_eq!(proxied[0].request_line, expected, "absolute form, to the mock on 127.0.0.1");
    // What the proxy saw is what the mock verified: the signature headers, intact.
    let received = &server.requests()[0];
    assert_eq!(received.path, path);
    for name in ["accesskey", "action", "biztype", "ts", "sign"] {
        assert!(proxied[0].header(name).is_some(), "{name} missing: {proxied:?}");
        assert_eq!(proxied[0].header(name), received.header(name), "{name}");
    }
    assert_eq!(received.header("accesskey"), Some(DEMO_ACCESS_KEY));

    // The proxy's own exclusion list is honoured: 127.0.0.1 goes direct.
    let direct = plain()
        .proxy(reqwest::Proxy::http(&proxy_url).unwrap().no_proxy(reqwest::NoProxy::from_string("127.0.0.1")))
        .build()
        .unwrap();
    let client = builder_for(server.base_url()).http_client(direct).build().unwrap();
    client.query_call_records(DEMO_TASK_ID).page_size(1).send().await.unwrap();
    assert_eq!(seen.lock().unwrap().len(), 1, "not proxied");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn an_unreachable_proxy_is_a_connection_never_made() {
    let server = mock().await;
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let given = plain().proxy(reqwest::Proxy::all(format!("http://127.0.0.1:{port}")).unwrap()).build().unwrap();
    let client = builder_for(server.base_url())
        .retry_policy(quick_retries().with_max_attempts(3))
        .http_client(given)
        .build()
        .unwrap();

    let err = client.query_call_records(DEMO_TASK_ID).send().await.unwrap_err();
    assert!(matches!(err, Error::Transport { attempts: 3, .. }), "retried, then the transport error: {err:?}");
    assert!(err.is_retryable() && !err.may_have_been_applied(), "{err}");
    assert!(err.to_string().to_lowercase().contains("connection refused"), "{err}");
    // Nothing reached the server, so a create is sent again too, never MaybeApplied.
    let err = client.create_task("Proxy", 1, "1", 0, nxlink_client::StartupType::Manual).send().await.unwrap_err();
    assert!(matches!(err, Error::Transport { attempts: 3, .. }), "{err:?}");
    assert!(server.requests().is_empty());
}

/// A server that reads requests and never answers.
async fn silent_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = vec![0u8; 16 * 1024];
            let _ = socket.read(&mut buf).await;
            held.push(socket);
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn the_given_clients_deadlines_are_the_sdks_timeouts() {
    // Its total timeout, shorter than the SDK's attempt timeout: an attempt timeout,
    // retried; the request was sent, so a create may have been applied.
    let url = silent_server().await;
    let given = plain().timeout(Duration::from_millis(50)).build().unwrap();
    let client = builder_for(&url)
        .retry_policy(quick_retries().with_max_attempts(2))
        .attempt_timeout(Duration::from_secs(10))
        .http_client(given)
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = client.query_call_records(DEMO_TASK_ID).send().await.unwrap_err();
    assert!(matches!(err, Error::Timeout { kind: TimeoutKind::Attempt, attempts: 2, .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5), "the given client's deadline ended it");
    let err = client.create_task("Slow", 1, "1", 0, nxlink_client::StartupType::Manual).send().await.unwrap_err();
    assert!(matches!(&err, Error::MaybeApplied { key: Some(("userTaskId", _)), .. }), "{err:?}");

    // Its connect timeout: a connection never made.
    let (listener, _held) = a_listener_that_never_accepts().await;
    let given = plain().connect_timeout(Duration::from_millis(100)).build().unwrap();
    let client = builder_for(&format!("http://{}", listener.local_addr().unwrap()))
        .retry_policy(quick_retries().with_max_attempts(2))
        .attempt_timeout(Duration::from_secs(10))
        .http_client(given)
        .build()
        .unwrap();
    let err = client.query_call_records(DEMO_TASK_ID).send().await.unwrap_err();
    assert!(matches!(err, Error::Timeout { kind: TimeoutKind::Connect, attempts: 2, .. }), "{err:?}");
    assert!(!err.may_have_been_applied());

    // The SDK's attempt timeout still bounds a given client that has none.
    let client = builder_for(&url)
        .retry_policy(quick_retries().with_max_attempts(1))
        .attempt_timeout(Duration::from_millis(100))
        .http_client(plain().build().unwrap())
        .build()
        .unwrap();
    let err = client.query_call_records(DEMO_TASK_ID).send().await.unwrap_err();
    assert!(matches!(err, Error::Timeout { kind: TimeoutKind::Attempt, attempts: 1, .. }), "{err:?}");
}

// Proxies from the environment. Each case runs this test binary again, as a child
// process with only `env_proxy_child` and the case's variables: changing the
// environment of a process whose other threads may read it is not safe.

/// Every variable reqwest reads for proxies.
const PROXY_VARS: [&str; 9] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
    "REQUEST_METHOD",
];

/// The variables a child runs with, names and values.
type Vars<'a> = &'a [(&'a str, &'a str)];

/// Which client the child calls the mock with.
const CHILD_CLIENT: &str = "NXLINK_TEST_CHILD_CLIENT";

/// In a child process: one call to its own mock, with the builder's client (`own`),
/// `reqwest::Client::new()` (`given`) or a given client with `.no_proxy()`
/// (`given-no-proxy`). Returns at once in a normal test run.
#[tokio::test]
async fn env_proxy_child() {
    let Ok(which) = std::env::var(CHILD_CLIENT) else { return };
    let server = mock().await;
    let builder = builder_for(server.base_url()).retry_policy(quick_retries().with_max_attempts(1));
    let builder = match which.as_str() {
        "own" => builder,
        "given" => builder.http_client(reqwest::Client::new()),
        "given-no-proxy" => builder.http_client(plain().build().unwrap()),
        other => panic!("unknown client {other}"),
    };
    builder.build().unwrap().query_call_records(DEMO_TASK_ID).page_size(1).send().await.unwrap();
    assert_eq!(server.requests().len(), 1);
    println!("child answered");
}

#[tokio::test]
async fn clients_honour_the_proxy_variables_unless_told_not_to() {
    let (proxy_url, seen) = recording_proxy().await;
    let proxy = proxy_url.as_str();
    #[rustfmt::skip]
    let cases: [(&str, Vars<'_>, bool); 10] = [
        ("own", &[("HTTP_PROXY", proxy)], true),
        ("own", &[("http_proxy", proxy)], true),
        ("own", &[("ALL_PROXY", proxy)], true),
        // For https URLs only: the mock's http URL goes direct.
        ("own", &[("HTTPS_PROXY", proxy)], false),
        ("own", &[("HTTP_PROXY", proxy), ("NO_PROXY", "example.com, 127.0.0.1")], false),
        ("own", &[("HTTP_PROXY", proxy), ("NO_PROXY", "127.0.0.0/8")], false),
        ("own", &[("HTTP_PROXY", proxy), ("NO_PROXY", "localhost")], true),
        ("own", &[("HTTP_PROXY", proxy), ("REQUEST_METHOD", "GET")], false),
        ("given", &[("HTTP_PROXY", proxy)], true),
        ("given-no-proxy", &[("HTTP_PROXY", proxy)], false),
    ];
    for (which, vars, proxied) in cases {
        let before = seen.lock().unwrap().len();
        let mut child = std::process::Command::new(std::env::current_exe().unwrap());
        child.args(["env_proxy_child", "--exact", "--nocapture", "--test-threads=1"]);
        for name in PROXY_VARS {
            child.env_remove(name);
        }
        child.envs(vars.iter().copied()).env(CHILD_CLIENT, which);
        let output = tokio::task::spawn_blocking(move || child.output().unwrap()).await.unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && stdout.contains("child answered"),
            "{which} {vars:?}: {}\n{stdout}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        let through = seen.lock().unwrap().len() - before;
        assert_eq!(through, usize::from(proxied), "{which} client with {vars:?}");
    }
}
