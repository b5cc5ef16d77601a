//! The receiver as an HTTP server (feature `axum`): [`axum_router`] turns requests into
//! answers, and [`serve`] runs a router behind the limits a server that faces the
//! internet needs, so that a client that stalls, idles or sends too much costs a
//! bounded amount and never delays a signed callback.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Request, Response, StatusCode};
use axum::response::IntoResponse;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper_util::rt::TokioIo;
use nxlink_auth::SecretStore;
use nxlink_models::Callback;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, Semaphore};
use tokio::time::Instant;
use tower::ServiceExt;

use super::{Received, Receiver, Rejection, REPLY};

/// The limits [`serve`] holds every connection to. A callback URL faces the internet:
/// without them a client that sends its headers and stalls, or opens connections and
/// sends nothing, holds resources for as long as it likes.
///
/// | limit | default | what happens at the limit |
/// |---|---|---|
/// | [`header_timeout`](Self::with_header_timeout): from a connection's opening (or a kept-alive connection's first byte of a new request) to the end of the request's headers | 10 s | the connection is closed |
/// | [`body_timeout`](Self::with_body_timeout): from the end of the headers to the end of the body | 10 s | 408, and the connection is closed |
/// | [`idle_timeout`](Self::with_idle_timeout): a kept-alive connection waiting for its next request (or not reading its answer) | 60 s | the connection is closed |
/// | [`max_connections`](Self::with_max_connections): connections open at once | 512 | no more are accepted until one closes (they wait in the listen queue) |
/// | [`max_body_bytes`](Self::with_max_body_bytes): a request body | 1 MiB | 413 without reading the body in full, and the connection is closed |
///
/// A callback is a few kilobytes, sent in one go; the defaults leave a slow sender
/// plenty of room.
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerLimits {
    header_timeout: Duration,
    body_timeout: Duration,
    idle_timeout: Duration,
    max_connections: usize,
    max_body_bytes: usize,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_connections: 512,
            max_body_bytes: 1024 * 1024,
        }
    }
}

impl ServerLimits {
    /// How long a request's headers may take to arrive, from the connection's opening
    /// or from the first byte of a later request on a kept-alive connection.
    #[must_use]
    pub fn with_header_timeout(mut self, timeout: Duration) -> Self {
        self.header_timeout = timeout;
        self
    }

    /// How long a request's body may take to arrive after its headers.
    #[must_use]
    pub fn with_body_timeout(mut self, timeout: Duration) -> Self {
        self.body_timeout = timeout;
        self
    }

    /// How long a kept-alive connection may wait for its next request.
    #[must_use]
    pub fn with_idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// How many connections may be open at once (at least 1).
    #[must_use]
    pub fn with_max_connections(mut self, connections: usize) -> Self {
        self.max_connections = connections.max(1);
        self
    }

    /// The largest request body read, in bytes.
    #[must_use]
    pub fn with_max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// See [`with_header_timeout`](Self::with_header_timeout).
    pub fn header_timeout(&self) -> Duration {
        self.header_timeout
    }

    /// See [`with_body_timeout`](Self::with_body_timeout).
    pub fn body_timeout(&self) -> Duration {
        self.body_timeout
    }

    /// See [`with_idle_timeout`](Self::with_idle_timeout).
    pub fn idle_timeout(&self) -> Duration {
        self.idle_timeout
    }

    /// See [`with_max_connections`](Self::with_max_connections).
    pub fn max_connections(&self) -> usize {
        self.max_connections
    }

    /// See [`with_max_body_bytes`](Self::with_max_body_bytes).
    pub fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }
}

/// The receiver as an axum `Router`: every POST, whatever its path, is received; a new
/// callback is handed to `on_new` and answered 200 [`REPLY`]; a redelivery is answered
/// 200 without calling `on_new`; a refusal goes to `on_reject` and is answered with its
/// status and a message without secrets.
///
/// Run it with [`serve`], which adds the time, connection and size limits of
/// [`ServerLimits`]. Under `axum::serve` or another server, give that server the same
/// limits: a header read timeout, a body read timeout, an idle keep-alive timeout, a
/// cap on open connections, and a body limit answered with 413.
///
/// ```no_run
/// # async fn run() -> std::io::Result<()> {
/// use std::sync::Arc;
/// use nxlink_client::receiver::{axum_router, serve, ServerLimits};
/// use nxlink_client::{Credentials, Receiver};
///
/// let receiver = Arc::new(Receiver::new(Credentials::new("AK-...", "secret")));
/// let app = axum_router(
///     receiver,
///     |callback| println!("{}: {}", callback.name(), callback.dedupe_key()),
///     |rejection| eprintln!("rejected: {rejection}"),
/// );
/// let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
/// serve(listener, app, ServerLimits::default()).await
/// # }
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub fn axum_router<S, N, R>(receiver: Arc<Receiver<S>>, on_new: N, on_reject: R) -> axum::Router
where
    S: SecretStore + Send + Sync + 'static,
    N: Fn(Callback) + Clone + Send + Sync + 'static,
    R: Fn(&Rejection) + Clone + Send + Sync + 'static,
{
    axum::Router::new().fallback(move |headers: HeaderMap, body: axum::body::Bytes| {
        let (receiver, on_new, on_reject) = (Arc::clone(&receiver), on_new.clone(), on_reject.clone());
        async move {
            let pairs: Vec<(String, String)> = headers
                .iter()
                .filter_map(|(name, value)| value.to_str().ok().map(|v| (name.as_str().to_owned(), v.to_owned())))
                .collect();
            match receiver.receive(&pairs[..], &body) {
                Ok(received) => {
                    if let Received::New(callback) = received {
                        on_new(callback);
                    }
                    json_response(StatusCode::OK, REPLY.to_owned())
                }
                Err(rejection) => {
                    on_reject(&rejection);
                    let status = StatusCode::from_u16(rejection.status).unwrap_or(StatusCode::BAD_REQUEST);
                    json_response(status, serde_json::json!({ "code": 1003, "message": rejection.reason }).to_string())
                }
            }
        }
    })
}

fn json_response(status: StatusCode, body: String) -> Response<Body> {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Serves `app` on `listener` under `limits` (HTTP/1.1, which is what callbacks are
/// sent with), until the future is dropped or accepting fails for good. Each request's
/// body is read in full, within the size and time limits, before `app` sees it.
///
/// Accept errors that concern one connection (it was reset before it was accepted) are
/// skipped; running out of file descriptors pauses accepting for a moment.
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub async fn serve(listener: TcpListener, app: axum::Router, limits: ServerLimits) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    loop {
        // Taken before accepting: at the limit, new connections wait in the kernel's
        // listen queue instead of costing a task each.
        let Ok(slot) = Arc::clone(&slots).acquire_owned().await else { return Ok(()) };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(err) if is_one_connection(&err) => continue,
            Err(err) => {
                tracing::warn!(error = %err, "cannot accept a connection; pausing for a second");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        let app = app.clone();
        tokio::spawn(async move {
            serve_connection(stream, app, limits).await;
            drop(slot);
        });
    }
}

fn is_one_connection(err: &std::io::Error) -> bool {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    matches!(err.kind(), ConnectionAborted | ConnectionRefused | ConnectionReset)
}

/// One connection: requests served one after the other, and a watchdog that closes the
/// connection when the current phase's deadline passes.
async fn serve_connection(stream: TcpStream, app: axum::Router, limits: ServerLimits) {
    let _ = stream.set_nodelay(true);
    let watch = Arc::new(Watch::new(limits.header_timeout));
    let io = TokioIo::new(Watched { io: stream, watch: Arc::clone(&watch), limits });
    let service = hyper::service::service_fn({
        let watch = Arc::clone(&watch);
        move |request: Request<hyper::body::Incoming>| {
            let (app, watch) = (app.clone(), Arc::clone(&watch));
            async move {
                watch.enter(Phase::Busy, None);
                let response = match buffered(request, limits).await {
                    Ok(request) => app.oneshot(request).await.unwrap_or_else(|never: Infallible| match never {}),
                    Err(refusal) => refusal,
                };
                // The answer is written while idle: a client that does not read it is
                // cut at the idle limit like one that sends nothing.
                watch.enter(Phase::Idle, Some(limits.idle_timeout));
                Ok::<_, Infallible>(response)
            }
        }
    });
    // The watchdog below owns every timeout; hyper's own header timer stays off.
    let connection = hyper::server::conn::http1::Builder::new()
        .header_read_timeout(None)
        .keep_alive(true)
        .serve_connection(io, service);
    tokio::pin!(connection);
    loop {
        let changed = watch.changed.notified();
        tokio::select! {
            _ = &mut connection => return,
            () = tokio::time::sleep_until(watch.deadline()) => {
                if watch.expired() {
                    tracing::debug!(phase = ?watch.phase(), "closing a connection past its deadline");
                    // Dropping the connection closes the socket.
                    return;
                }
            }
            () = changed => {}
        }
    }
}

/// The request with its body read in full, or the refusal to answer instead: 413 for a
/// body over the limit (by its `Content-Length` before reading anything, or as its
/// chunks arrive), 408 for a body slower than the body timeout, 400 for one that broke
/// off. Each refusal closes the connection, so no unread rest of a body is drained.
async fn buffered(
    request: Request<hyper::body::Incoming>,
    limits: ServerLimits,
) -> Result<Request<Body>, Response<Body>> {
    let refuse = |status: StatusCode, message: String| {
        tracing::warn!(status = status.as_u16(), %message, "request refused");
        let mut response =
            json_response(status, serde_json::json!({ "code": status.as_u16(), "message": message }).to_string());
        response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
        response
    };
    let too_large = || format!("request body over {} bytes", limits.max_body_bytes);
    let declared =
        request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.trim().parse::<u64>().ok());
    if declared.is_some_and(|length| length > limits.max_body_bytes as u64) {
        return Err(refuse(StatusCode::PAYLOAD_TOO_LARGE, too_large()));
    }
    let (parts, body) = request.into_parts();
    match tokio::time::timeout(limits.body_timeout, Limited::new(body, limits.max_body_bytes).collect()).await {
        Err(_) => Err(refuse(
            StatusCode::REQUEST_TIMEOUT,
            format!("request body not received within {:?}", limits.body_timeout),
        )),
        Ok(Err(err)) if err.downcast_ref::<LengthLimitError>().is_some() => {
            Err(refuse(StatusCode::PAYLOAD_TOO_LARGE, too_large()))
        }
        Ok(Err(err)) => Err(refuse(StatusCode::BAD_REQUEST, format!("cannot read the request body: {err}"))),
        Ok(Ok(collected)) => Ok(Request::from_parts(parts, Body::from(collected.to_bytes()))),
    }
}

/// Where a connection is, for its watchdog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Phase {
    /// Reading a request's headers: the header timeout runs.
    Head = 0,
    /// Headers read: the body (under its own timeout, in [`buffered`]) and the handler.
    Busy = 1,
    /// Between requests, and writing an answer: the idle timeout runs.
    Idle = 2,
}

/// A connection's phase and deadline, shared by its reader, its requests and its
/// watchdog.
struct Watch {
    epoch: Instant,
    phase: AtomicU8,
    /// Milliseconds after `epoch`; `u64::MAX` for none.
    deadline_millis: AtomicU64,
    changed: Notify,
}

impl Watch {
    fn new(header_timeout: Duration) -> Self {
        let watch = Self {
            epoch: Instant::now(),
            phase: AtomicU8::new(Phase::Head as u8),
            deadline_millis: AtomicU64::new(u64::MAX),
            changed: Notify::new(),
        };
        watch.enter(Phase::Head, Some(header_timeout));
        watch
    }

    fn phase(&self) -> Phase {
        match self.phase.load(Ordering::Acquire) {
            0 => Phase::Head,
            1 => Phase::Busy,
            _ => Phase::Idle,
        }
    }

    fn enter(&self, phase: Phase, timeout: Option<Duration>) {
        let deadline = timeout.map_or(u64::MAX, |timeout| {
            let at = self.epoch.elapsed().saturating_add(timeout).as_millis();
            u64::try_from(at).unwrap_or(u64::MAX - 1)
        });
        self.deadline_millis.store(deadline, Ordering::Release);
        self.phase.store(phase as u8, Ordering::Release);
        self.changed.notify_one();
    }

    /// The first bytes of a request on an idle connection start its header timeout.
    fn bytes_arrived(&self, header_timeout: Duration) {
        if self.phase() == Phase::Idle {
            self.enter(Phase::Head, Some(header_timeout));
        }
    }

    fn deadline(&self) -> Instant {
        match self.deadline_millis.load(Ordering::Acquire) {
            // No deadline: wake once a day to look again (a phase change wakes sooner).
            u64::MAX => Instant::now() + Duration::from_secs(86_400),
            millis => self.epoch + Duration::from_millis(millis),
        }
    }

    fn expired(&self) -> bool {
        let deadline = self.deadline_millis.load(Ordering::Acquire);
        deadline != u64::MAX && self.epoch.elapsed().as_millis() >= u128::from(deadline)
    }
}

/// The connection's socket, telling its [`Watch`] when bytes arrive.
struct Watched {
    io: TcpStream,
    watch: Arc<Watch>,
    limits: ServerLimits,
}

impl AsyncRead for Watched {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.io).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.watch.bytes_arrived(self.limits.header_timeout);
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}
