//! `receiver::serve` under hostile clients, on 127.0.0.1: a client that stalls in its
//! headers or its body is cut off, an idle kept-alive connection is closed, a body over
//! the limit is refused with 413 before it is read, connections beyond the limit wait,
//! and 300 idle or stalled connections do not delay a signed callback.
//!
//! Each test sets short limits for what it checks and an hour for the others, so a
//! connection is closed by the limit under test or not at all: no timing bound here
//! that a slow machine could break (a hang guard of a minute only turns a bug that never
//! ends into a failure).
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test fails by panicking

use std::sync::{Arc, Mutex};
use std::time::Duration;

use nxlink_auth::{Credentials, Signer};
use nxlink_client::receiver::{axum_router, serve, ServerLimits};
use nxlink_client::{Callback, Receiver};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const KEY: &str = "AK-listener";
const SECRET: &str = "listener-secret";
const HOUR: Duration = Duration::from_secs(3600);
const HANG_GUARD: Duration = Duration::from_secs(60);

/// Limits under which nothing is cut during a test.
fn patient() -> ServerLimits {
    ServerLimits::default().with_header_timeout(HOUR).with_body_timeout(HOUR).with_idle_timeout(HOUR)
}

struct Listener {
    addr: std::net::SocketAddr,
    received: Arc<Mutex<Vec<Callback>>>,
}

async fn listen(limits: ServerLimits) -> Listener {
    let receiver = Arc::new(Receiver::new(Credentials::new(KEY, SECRET)));
    let received = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&received);
    let app = axum_router(receiver, move |callback| sink.lock().unwrap().push(callback), |_| {});
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(serve(listener, app, limits));
    Listener { addr, received }
}

fn now_millis() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

/// A whole signed call-record callback as raw HTTP/1.1, kept alive.
fn signed_callback(call_id: &str) -> Vec<u8> {
    let body = format!(r#"{{"taskId":"t1","callId":"{call_id}","callResult":1}}"#);
    let signer = Signer::new(Credentials::new(KEY, SECRET));
    let mut request = format!(
        "POST /callbacks HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in &signer.sign("100", "nxai", now_millis(), body.as_bytes()) {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(&body);
    request.into_bytes()
}

/// Reads one HTTP response (head and a Content-Length body) and returns its status.
async fn read_response(stream: &mut TcpStream) -> u16 {
    let mut buf = Vec::new();
    let mut chunk = [0_u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_lowercase();
            let length: usize =
                head.lines().find_map(|l| l.strip_prefix("content-length:")).map_or(0, |v| v.trim().parse().unwrap());
            if buf.len() >= end + 4 + length {
                return head[9..12].parse().unwrap();
            }
        }
        let n = tokio::time::timeout(HANG_GUARD, stream.read(&mut chunk)).await.expect("an answer").unwrap();
        assert!(n > 0, "closed before a whole answer: {}", String::from_utf8_lossy(&buf));
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// Waits until the server closes `stream` (end of file or a reset), returning what it
/// sent before.
async fn closed_by_server(stream: &mut TcpStream) -> String {
    let mut got = Vec::new();
    let mut chunk = [0_u8; 4096];
    loop {
        match tokio::time::timeout(HANG_GUARD, stream.read(&mut chunk)).await.expect("the server closes it") {
            Ok(0) | Err(_) => return String::from_utf8_lossy(&got).into_owned(),
            Ok(n) => got.extend_from_slice(&chunk[..n]),
        }
    }
}

/// True while `stream` is open with nothing to read: the server neither answered nor
/// closed it.
fn open_and_silent(stream: &TcpStream) -> bool {
    let mut probe = [0_u8; 1];
    matches!(stream.try_read(&mut probe), Err(err) if err.kind() == std::io::ErrorKind::WouldBlock)
}

#[tokio::test]
async fn a_client_that_stalls_in_its_headers_or_sends_nothing_is_cut_off() {
    let listener = listen(patient().with_header_timeout(Duration::from_millis(200))).await;
    let mut stalled = TcpStream::connect(listener.addr).await.unwrap();
    stalled.write_all(b"POST /callbacks HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-le").await.unwrap();
    let mut silent = TcpStream::connect(listener.addr).await.unwrap();
    assert_eq!(closed_by_server(&mut stalled).await, "", "closed without an answer");
    assert_eq!(closed_by_server(&mut silent).await, "", "a connection that never speaks is closed too");

    // A client that sends its request in time is served under the same limit.
    let mut prompt = TcpStream::connect(listener.addr).await.unwrap();
    prompt.write_all(&signed_callback("in-time")).await.unwrap();
    assert_eq!(read_response(&mut prompt).await, 200);
}

#[tokio::test]
async fn a_client_that_stalls_in_its_body_gets_408_and_is_cut_off() {
    let listener = listen(patient().with_body_timeout(Duration::from_millis(200))).await;
    let mut stalled = TcpStream::connect(listener.addr).await.unwrap();
    stalled
        .write_all(b"POST /callbacks HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"taskId\"")
        .await
        .unwrap();
    let answer = closed_by_server(&mut stalled).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.to_lowercase().contains("connection: close"), "{answer}");
    assert!(listener.received.lock().unwrap().is_empty());
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed_after_its_answer() {
    let listener = listen(patient().with_idle_timeout(Duration::from_millis(200))).await;
    let mut stream = TcpStream::connect(listener.addr).await.unwrap();
    stream.write_all(&signed_callback("first")).await.unwrap();
    assert_eq!(read_response(&mut stream).await, 200);
    // Kept alive for a second request sent at once...
    stream.write_all(&signed_callback("second")).await.unwrap();
    assert_eq!(read_response(&mut stream).await, 200);
    // ...then closed once idle, though the header limit is an hour.
    assert_eq!(closed_by_server(&mut stream).await, "");
    assert_eq!(listener.received.lock().unwrap().len(), 2);
}

/// The header limit runs again for each request of a kept-alive connection, from its
/// first byte: a client that starts a second request and stalls is cut off, though the
/// idle limit is an hour.
#[tokio::test]
async fn a_kept_alive_connection_that_stalls_in_its_next_headers_is_cut_off() {
    let listener = listen(patient().with_header_timeout(Duration::from_millis(200))).await;
    let mut stream = TcpStream::connect(listener.addr).await.unwrap();
    stream.write_all(&signed_callback("first")).await.unwrap();
    assert_eq!(read_response(&mut stream).await, 200);
    stream.write_all(b"POST /callbacks HTTP/1.1\r\nhost: 127.0.0.1\r\n").await.unwrap();
    assert_eq!(closed_by_server(&mut stream).await, "");
}

#[tokio::test]
async fn a_body_over_the_limit_is_413_without_being_read() {
    let limit = 2_000;
    let listener = listen(patient().with_max_body_bytes(limit)).await;
    // Declared too large: refused on the headers alone, though not one body byte is sent.
    let mut declared = TcpStream::connect(listener.addr).await.unwrap();
    declared
        .write_all(b"POST /callbacks HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: 10000000\r\n\r\n")
        .await
        .unwrap();
    let answer = closed_by_server(&mut declared).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains(&format!("over {limit} bytes")), "{answer}");

    // Chunked, with no length announced: refused as the chunks pass the limit, while
    // the client still has more to send.
    let mut chunked = TcpStream::connect(listener.addr).await.unwrap();
    chunked
        .write_all(b"POST /callbacks HTTP/1.1\r\nhost: 127.0.0.1\r\ntransfer-encoding: chunked\r\n\r\n")
        .await
        .unwrap();
    for _ in 0..3 {
        let chunk = format!("{:x}\r\n{}\r\n", 900, "x".repeat(900));
        chunked.write_all(chunk.as_bytes()).await.unwrap();
    }
    let answer = closed_by_server(&mut chunked).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");

    // Exactly at the limit is read (and refused as no callback, which is another matter).
    let mut at_limit = TcpStream::connect(listener.addr).await.unwrap();
    let body = format!("{{\"pad\":\"{}\"}}", "y".repeat(limit - 10));
    assert_eq!(body.len(), limit);
    at_limit
        .write_all(format!("POST / HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\n\r\n{body}", body.len()).as_bytes())
        .await
        .unwrap();
    assert_eq!(read_response(&mut at_limit).await, 401, "read, then refused as unsigned");
    assert!(listener.received.lock().unwrap().is_empty());
}

#[tokio::test]
async fn connections_beyond_the_limit_wait_until_one_closes() {
    let listener = listen(patient().with_max_connections(3)).await;
    let mut held = Vec::new();
    for _ in 0..3 {
        let stream = TcpStream::connect(listener.addr).await.unwrap();
        held.push(stream);
    }
    // Accepted by the kernel, not by the server: its request waits.
    let mut waiting = TcpStream::connect(listener.addr).await.unwrap();
    waiting.write_all(&signed_callback("waiting")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(open_and_silent(&waiting), "not served while three connections are open");
    assert!(listener.received.lock().unwrap().is_empty());
    drop(held.pop());
    assert_eq!(read_response(&mut waiting).await, 200, "served once a connection closed");
    assert_eq!(listener.received.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn three_hundred_idle_and_stalled_connections_do_not_delay_a_signed_callback() {
    let listener = listen(patient()).await;
    assert!(patient().max_connections() > 301, "the default limit leaves room for them");
    let mut hostile = Vec::new();
    for n in 0..300 {
        let mut stream = TcpStream::connect(listener.addr).await.unwrap();
        match n % 3 {
            0 => {}                                                                  // says nothing
            1 => stream.write_all(b"POST / HTTP/1.1\r\nhost: x\r\n").await.unwrap(), // stalls in its headers
            _ => stream.write_all(b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 500\r\n\r\n{").await.unwrap(), // in its body
        }
        hostile.push(stream);
    }
    let mut stream = TcpStream::connect(listener.addr).await.unwrap();
    stream.write_all(&signed_callback("through")).await.unwrap();
    assert_eq!(read_response(&mut stream).await, 200);
    let received = listener.received.lock().unwrap().clone();
    assert_eq!(received.len(), 1);
    assert!(matches!(&received[0], Callback::CallRecord(call) if call.call_id.as_deref() == Some("through")));
    // Answered while every one of the 300 was still held open: it waited for none.
    let still_open = hostile.iter().filter(|s| open_and_silent(s)).count();
    assert_eq!(still_open, 300);
}

#[test]
fn the_defaults_are_the_documented_ones() {
    let limits = ServerLimits::default();
    assert_eq!(
        (
            limits.header_timeout(),
            limits.body_timeout(),
            limits.idle_timeout(),
            limits.max_connections(),
            limits.max_body_bytes()
        ),
        (Duration::from_secs(10), Duration::from_secs(10), Duration::from_secs(60), 512, 1024 * 1024)
    );
    assert_eq!(ServerLimits::default().with_max_connections(0).max_connections(), 1, "at least one");
}
