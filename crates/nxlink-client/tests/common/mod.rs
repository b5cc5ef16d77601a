//! Servers for tests that need answers the mock cannot be made to give: canned bytes,
//! an answer scripted per request, or no answer at all.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // each test file uses some

use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Serves one canned HTTP answer per connection, for codes the mock cannot be made to
/// send through a well-behaved client (1001, 1002, codes newer than the docs).
pub(crate) async fn canned(status: u16, body: String) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = vec![0u8; 64 * 1024];
            let _ = socket.read(&mut buf).await;
            let answer = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(answer.as_bytes()).await;
        }
    });
    format!("http://{addr}")
}

/// A server that answers each request with what `answer` makes of (its index, its JSON
/// body): an HTTP head (without the blank line) and body chunks; with more than one
/// chunk the answer is sent `Transfer-Encoding: chunked`, with no Content-Length.
pub(crate) async fn scripted<F>(answer: F) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>)
where
    F: Fn(usize, Value) -> (String, Vec<Vec<u8>>) + Send + Sync + 'static,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = count.clone();
    let answer = std::sync::Arc::new(answer);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let (answer, seen) = (answer.clone(), seen.clone());
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = vec![0u8; 16 * 1024];
                // Read the head, then as many body bytes as Content-Length says.
                let body = loop {
                    let Ok(n) = socket.read(&mut chunk).await else { return };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
                    let head = String::from_utf8_lossy(&buf[..end]).to_lowercase();
                    let length = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(0);
                    if buf.len() >= end + 4 + length {
                        break buf[end + 4..end + 4 + length].to_vec();
                    }
                };
                let index = seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let (head, chunks) = answer(index, serde_json::from_slice(&body).unwrap_or(Value::Null));
                let mut out = head.into_bytes();
                if chunks.len() == 1 {
                    out.extend_from_slice(
                        format!("\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", chunks[0].len()).as_bytes(),
                    );
                    out.extend_from_slice(&chunks[0]);
                } else {
                    out.extend_from_slice(b"\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n");
                    for c in &chunks {
                        out.extend_from_slice(format!("{:x}\r\n", c.len()).as_bytes());
                        out.extend_from_slice(c);
                        out.extend_from_slice(b"\r\n");
                    }
                    out.extend_from_slice(b"0\r\n\r\n");
                }
                let _ = socket.write_all(&out).await;
            });
        }
    });
    (format!("http://{addr}"), count)
}

/// A listener on 127.0.0.1 whose accept queue is full: the kernel drops further SYNs, so
/// a connect to it waits until the caller gives up. The held connections fill the queue.
pub(crate) async fn a_listener_that_never_accepts() -> (tokio::net::TcpListener, Vec<tokio::net::TcpStream>) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut held = Vec::new();
    for _ in 0..16 {
        match tokio::time::timeout(Duration::from_millis(300), tokio::net::TcpStream::connect(addr)).await {
            Ok(stream) => held.push(stream.unwrap()),
            Err(_) => return (listener, held),
        }
    }
    panic!("the accept queue of {addr} never filled: {} connections made", held.len());
}
