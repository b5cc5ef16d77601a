//! The HTTP server: builder, running server, runtime handle, request handler.

use std::collections::VecDeque;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use axum::Router;
use bytes::Bytes;
use http::{header, Method, StatusCode};
use nxlink_auth::{Clock, Credentials, KeyStore, OffsetClock, SystemClock, Verifier};
use nxlink_models::runtime::Operation;
use nxlink_models::{
    AppendContacts, CallRecord, CallRecordPage, CreateTask, DeleteContact, Envelope, ErrorCode, ListAgents, ListRoutes,
    ListTasks, QueryCallRecords, QueryCallRecordsRequest, Task,
};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::dataset::SplitMix64;
use crate::family::{self, Family, Refusal, StoredContact};
use crate::faults::FaultDice;

mod dialer;
mod wire;
use crate::{query, quirks, Dataset, Fault, Faults, DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET};

/// Request bodies above this size are refused with 20000.
const MAX_BODY_BYTES: usize = 1 << 20;

/// Clock offsets are clamped to this (100 years), which keeps the `Date` header
/// printable whatever a caller asks for.
const MAX_CLOCK_OFFSET_MILLIS: i64 = 100 * 365 * 86_400_000;

/// Live mode adds at most this many records per request, so a typo on the command
/// line cannot exhaust memory.
pub const MAX_LIVE_PER_REQUEST: usize = 10_000;

/// Default number of generated records.
pub const DEFAULT_RECORDS: usize = 10_000;

/// Default number of requests kept by the request log.
pub const DEFAULT_REQUEST_LOG_CAPACITY: usize = 100_000;

/// Configures and starts a [`MockServer`]; see [`MockServer::builder`].
#[derive(Debug, Clone)]
pub struct MockServerBuilder {
    addr: SocketAddr,
    seed: u64,
    records: usize,
    dataset: Option<Arc<Dataset>>,
    keys: Vec<Credentials>,
    demo_key: bool,
    faults: Faults,
    quirks: bool,
    live: usize,
    clock_offset_millis: i64,
    request_log_capacity: usize,
    dial_ms: u64,
}

impl Default for MockServerBuilder {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            seed: 0,
            records: DEFAULT_RECORDS,
            dataset: None,
            keys: Vec::new(),
            demo_key: true,
            faults: Faults::none(),
            quirks: false,
            live: 0,
            clock_offset_millis: 0,
            request_log_capacity: DEFAULT_REQUEST_LOG_CAPACITY,
            dial_ms: 0,
        }
    }
}

impl MockServerBuilder {
    /// Where to listen; default `127.0.0.1:0` (a free port chosen by the OS).
    #[must_use]
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Shorthand for listening on `127.0.0.1:port`.
    #[must_use]
    pub fn port(self, port: u16) -> Self {
        self.bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
    }

    /// Seed of the generated dataset; default 0.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Number of generated records; default [`DEFAULT_RECORDS`].
    #[must_use]
    pub fn records(mut self, records: usize) -> Self {
        self.records = records;
        self
    }

    /// Serves an already generated dataset (shared, e.g. between tests) instead of
    /// generating one from [`seed`](Self::seed) and [`records`](Self::records).
    #[must_use]
    pub fn dataset(mut self, dataset: Arc<Dataset>) -> Self {
        self.dataset = Some(dataset);
        self
    }

    /// Accepts one more key pair.
    #[must_use]
    pub fn key(mut self, access_key: impl Into<String>, access_secret: impl Into<String>) -> Self {
        self.keys.push(Credentials::new(access_key.into(), access_secret.into()));
        self
    }

    /// Accepts one more key pair.
    #[must_use]
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.keys.push(credentials);
        self
    }

    /// Whether the demo pair ([`DEMO_ACCESS_KEY`] / [`DEMO_ACCESS_SECRET`]) is
    /// accepted; default yes.
    #[must_use]
    pub fn demo_key(mut self, enabled: bool) -> Self {
        self.demo_key = enabled;
        self
    }

    /// Faults to inject from the first request on.
    #[must_use]
    pub fn faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    /// Starts in quirks mode (see [`MockHandle::set_quirks`]).
    #[must_use]
    pub fn quirks(mut self, enabled: bool) -> Self {
        self.quirks = enabled;
        self
    }

    /// Starts in live mode (see [`MockHandle::set_live`]).
    #[must_use]
    pub fn live(mut self, records_per_request: usize) -> Self {
        self.live = records_per_request.min(MAX_LIVE_PER_REQUEST);
        self
    }

    /// Starts with the server clock shifted (see [`MockHandle::set_clock_offset_millis`]).
    #[must_use]
    pub fn clock_offset_millis(mut self, offset_millis: i64) -> Self {
        self.clock_offset_millis = offset_millis;
        self
    }

    /// Turns on the dialer: every `millis` ms it calls the next pending contact of each
    /// task that is ready or in progress, stores the call's record (found by Query
    /// Call Records, the contact's variables as its attributes) and moves the task from
    /// ready (1) to in progress (2) to completed (3). 0 (the default) leaves it off.
    #[must_use]
    pub fn dial_ms(mut self, millis: u64) -> Self {
        self.dial_ms = millis;
        self
    }

    /// How many requests the log keeps, oldest dropped first; default
    /// [`DEFAULT_REQUEST_LOG_CAPACITY`].
    #[must_use]
    pub fn request_log_capacity(mut self, capacity: usize) -> Self {
        self.request_log_capacity = capacity;
        self
    }

    /// Generates the dataset (unless one was given), binds the address and serves
    /// on a task of the current tokio runtime until the server is dropped.
    ///
    /// # Errors
    ///
    /// The address cannot be bound.
    pub async fn start(self) -> std::io::Result<MockServer> {
        let listener = TcpListener::bind(self.addr).await?;
        let addr = listener.local_addr()?;
        let dataset = match self.dataset {
            Some(dataset) => dataset,
            None => {
                let (seed, records) = (self.seed, self.records);
                let generated = tokio::task::spawn_blocking(move || Dataset::generate(seed, records))
                    .await
                    .map_err(std::io::Error::other)?;
                Arc::new(generated)
            }
        };
        let mut keys: KeyStore = self.keys.into_iter().collect();
        if self.demo_key {
            keys.insert(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET));
        }
        let clock = Arc::new(OffsetClock::new(SystemClock, clamp_offset(self.clock_offset_millis)));
        let instance = SplitMix64::for_record(SystemClock.now_millis() as u64, u64::from(addr.port())).next_u64();
        let (outbox, outbox_rx) = tokio::sync::mpsc::unbounded_channel();
        let state = Arc::new(Shared {
            base_url: format!("http://{addr}"),
            dataset,
            verifier: Verifier::new(keys).with_clock(Arc::clone(&clock)),
            clock,
            dice: Mutex::new(FaultDice::new(self.faults)),
            quirks: AtomicBool::new(self.quirks),
            live: AtomicUsize::new(self.live),
            inserted: RwLock::new(Live::default()),
            log: Mutex::new(VecDeque::new()),
            log_capacity: self.request_log_capacity,
            instance,
            answers: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
            peak_in_flight: AtomicUsize::new(0),
            family: Mutex::new(Family::new(self.seed)),
            dial_ms: AtomicU64::new(self.dial_ms),
            dial_paused: AtomicBool::new(false),
            delivery: Mutex::new(crate::faults::Delivery::in_order()),
            outbox,
            http: reqwest::Client::new(),
        });
        dialer::spawn(&state, outbox_rx);
        let (shutdown, signal) = oneshot::channel::<()>();
        let app = Router::new().fallback(handle).with_state(Arc::clone(&state));
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                // A dropped sender is a shutdown signal too.
                let _ = signal.await;
            });
            if let Err(err) = serve.await {
                tracing::error!(%err, "nxlink-mock server stopped");
            }
        });
        tracing::debug!(%addr, records = state.dataset.len(), "nxlink-mock listening");
        Ok(MockServer { addr, handle: MockHandle { state }, shutdown: Some(shutdown), task: Some(task) })
    }
}

/// A running mock NXLink server. Stops (gracefully) when dropped or on
/// [`shutdown`](Self::shutdown).
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    handle: MockHandle,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl MockServer {
    /// A builder with the defaults: `127.0.0.1`, a random port, seed 0,
    /// [`DEFAULT_RECORDS`] records, the demo key, no faults.
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder::default()
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.handle.state.base_url
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A handle to read and change the server while it runs; cheap to clone.
    pub fn handle(&self) -> MockHandle {
        self.handle.clone()
    }

    /// The generated records (not the live inserts), newest first.
    pub fn dataset(&self) -> &Dataset {
        self.handle.dataset()
    }

    /// Every request received so far (up to the log's capacity), oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.handle.requests()
    }

    /// Stops accepting connections, lets in-flight requests finish and waits until the
    /// server task is gone (the port is free again).
    pub async fn shutdown(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// Reads and changes a running [`MockServer`]: faults, quirks, live mode, clock, and
/// what it received. Changes apply from the next request on.
#[derive(Debug, Clone)]
pub struct MockHandle {
    state: Arc<Shared>,
}

impl MockHandle {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.state.base_url
    }

    /// The generated records (not the live inserts), newest first.
    pub fn dataset(&self) -> &Dataset {
        &self.state.dataset
    }

    /// The records live mode inserted so far, oldest first. Their ids all lie above
    /// those of [`dataset`](Self::dataset).
    pub fn inserted(&self) -> Vec<CallRecord> {
        read(&self.state.inserted).records.clone()
    }

    /// Replaces the faults; the fault sequence restarts from `faults.seed`.
    pub fn set_faults(&self, faults: Faults) {
        *lock(&self.state.dice) = FaultDice::new(faults);
    }

    /// The faults in force.
    pub fn faults(&self) -> Faults {
        lock(&self.state.dice).faults().clone()
    }

    /// Quirks mode: success answers carry numbers as strings, `null`s, `""`, unknown
    /// fields, codes newer than the docs and `list: null` on empty pages (details on
    /// the crate page).
    pub fn set_quirks(&self, enabled: bool) {
        self.state.quirks.store(enabled, Ordering::Relaxed);
    }

    /// Whether quirks mode is on.
    pub fn quirks(&self) -> bool {
        self.state.quirks.load(Ordering::Relaxed)
    }

    /// Live mode: every valid query first adds `records_per_request` new records to
    /// the front of the queried task (newest first), so pages shift under a client that
    /// is paging. 0 turns it off; at most [`MAX_LIVE_PER_REQUEST`].
    pub fn set_live(&self, records_per_request: usize) {
        self.state.live.store(records_per_request.min(MAX_LIVE_PER_REQUEST), Ordering::Relaxed);
    }

    /// Records added per request in live mode.
    pub fn live(&self) -> usize {
        self.state.live.load(Ordering::Relaxed)
    }

    /// Shifts the server clock, used for the `ts` check (1004) and the `Date` header:
    /// server time = system time + `offset_millis` (clamped to ±100 years).
    pub fn set_clock_offset_millis(&self, offset_millis: i64) {
        self.state.clock.set_offset_millis(clamp_offset(offset_millis));
    }

    /// The server clock's offset from the system clock.
    pub fn clock_offset_millis(&self) -> i64 {
        self.state.clock.offset_millis()
    }

    /// The server clock, Unix milliseconds.
    pub fn now_millis(&self) -> i64 {
        self.state.clock.now_millis()
    }

    /// Every request received so far (up to the log's capacity), oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state.log).iter().cloned().collect()
    }

    /// Sets the dialer's period in ms (0 turns it off); see [`MockServerBuilder::dial_ms`].
    pub fn set_dial_ms(&self, millis: u64) {
        self.state.dial_ms.store(millis, Ordering::Relaxed);
    }

    /// How callbacks are delivered from now on: twice, late, out of order (see
    /// [`Delivery`](crate::Delivery)).
    pub fn set_callback_delivery(&self, delivery: crate::faults::Delivery) {
        *lock(&self.state.delivery) = delivery;
    }

    /// Pauses or resumes the dialer: while paused, no contact is called.
    pub fn pause_dialer(&self, paused: bool) {
        self.state.dial_paused.store(paused, Ordering::Relaxed);
    }

    /// The tasks created so far, oldest first.
    pub fn tasks(&self) -> Vec<Task> {
        lock(&self.state.family).tasks()
    }

    /// The contacts of a task, in the order they were appended.
    pub fn contacts(&self, task_id: &str) -> Vec<StoredContact> {
        lock(&self.state.family).contacts(task_id)
    }

    /// Forgets the received requests.
    pub fn clear_requests(&self) {
        lock(&self.state.log).clear();
        self.state.peak_in_flight.store(0, Ordering::Relaxed);
    }

    /// The most requests the server was handling at once since it started or the log
    /// was last cleared: how many a client had in flight, for tests of its concurrency
    /// (with [`Faults::latency`] to keep each request open a while).
    pub fn peak_in_flight(&self) -> usize {
        self.state.peak_in_flight.load(Ordering::Relaxed)
    }
}

/// A request being handled, counted while it lives.
struct InFlight<'a>(&'a Shared);

impl<'a> InFlight<'a> {
    fn enter(state: &'a Shared) -> Self {
        let now = state.in_flight.fetch_add(1, Ordering::Relaxed) + 1;
        state.peak_in_flight.fetch_max(now, Ordering::Relaxed);
        Self(state)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// One request as the server received it, and what it did with it.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    /// HTTP method.
    pub method: String,
    /// Path (and query string, if any).
    pub path: String,
    /// Headers, names in lower case, in received order; values that are not UTF-8 are
    /// replaced lossily.
    pub headers: Vec<(String, String)>,
    /// The exact body bytes.
    pub body: Bytes,
    /// What the server answered.
    pub outcome: Outcome,
    /// The answer's `traceId`, when the answer was an envelope.
    pub trace_id: Option<String>,
    /// Server clock when the request arrived, Unix milliseconds.
    pub received_at_millis: i64,
}

impl RecordedRequest {
    /// The value of header `name`, any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    /// The envelope code answered, when an envelope was answered in full.
    pub fn code(&self) -> Option<i64> {
        match self.outcome {
            Outcome::Answered { code } => Some(code),
            Outcome::Fault(_) => None,
        }
    }
}

/// What the server did with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// An envelope with this `code` (0 on success).
    Answered {
        /// The envelope's `code`.
        code: i64,
    },
    /// A fault replaced the answer (or, for [`Fault::TruncateBody`] and
    /// [`Fault::DropAfterApplying`], lost it after the request was applied).
    Fault(Fault),
}

/// State shared by the handler and the handles.
struct Shared {
    base_url: String,
    dataset: Arc<Dataset>,
    verifier: Verifier<KeyStore, Arc<OffsetClock>>,
    clock: Arc<OffsetClock>,
    dice: Mutex<FaultDice>,
    quirks: AtomicBool,
    live: AtomicUsize,
    inserted: RwLock<Live>,
    log: Mutex<VecDeque<RecordedRequest>>,
    log_capacity: usize,
    /// Makes trace ids unique across servers.
    instance: u64,
    /// Counts answers, for trace ids.
    answers: AtomicU64,
    /// Requests being handled now, and the most at once since the log was cleared.
    in_flight: AtomicUsize,
    peak_in_flight: AtomicUsize,
    /// Agents, routes, tasks and contacts.
    family: Mutex<Family>,
    /// The dialer's period in ms; 0 is off.
    dial_ms: AtomicU64,
    dial_paused: AtomicBool,
    /// How callbacks are delivered.
    delivery: Mutex<crate::faults::Delivery>,
    /// Callbacks to send, each batch when it is due.
    outbox: tokio::sync::mpsc::UnboundedSender<(tokio::time::Instant, Vec<crate::family::Outgoing>)>,
    /// Sends the callbacks.
    http: reqwest::Client,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared").field("base_url", &self.base_url).field("records", &self.dataset.len()).finish()
    }
}

/// Records added by live mode.
#[derive(Default)]
struct Live {
    /// Oldest first.
    records: Vec<CallRecord>,
    /// Calls the dialer placed so far.
    dialed: u64,
    /// `createTs` of the newest insert, so inserts never go back in time.
    newest_ts: i64,
}

/// A lock whose holder panicked still holds consistent data here (every critical
/// section is a single push, swap or read), so poisoning is ignored.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(PoisonError::into_inner)
}

fn clamp_offset(offset_millis: i64) -> i64 {
    offset_millis.clamp(-MAX_CLOCK_OFFSET_MILLIS, MAX_CLOCK_OFFSET_MILLIS)
}

/// An answer computed by [`Shared::answer`], before faults spoil it.
struct Answer {
    status: StatusCode,
    code: i64,
    trace_id: String,
    body: Vec<u8>,
}

/// The one handler: every method and path lands here, so that every request is
/// recorded and gets a `Date` header.
async fn handle(State(state): State<Arc<Shared>>, request: Request) -> Response {
    let _in_flight = InFlight::enter(&state);
    let received_at_millis = state.clock.now_millis();
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, MAX_BODY_BYTES).await;
    let (fault, latency, envelope_bodies) = {
        let mut dice = lock(&state.dice);
        (dice.roll(), dice.faults().latency, dice.faults().envelope_bodies)
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }

    let mut recorded = RecordedRequest {
        method: parts.method.to_string(),
        path: parts.uri.path_and_query().map_or_else(|| parts.uri.path().to_owned(), ToString::to_string),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| (name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
            .collect(),
        body: body.as_ref().map_or_else(|_| Bytes::new(), Bytes::clone),
        outcome: Outcome::Answered { code: 0 },
        trace_id: None,
        received_at_millis,
    };

    if let Some(fault) = fault.filter(|fault| !matches!(fault, Fault::TruncateBody | Fault::DropAfterApplying)) {
        recorded.outcome = Outcome::Fault(fault);
        tracing::info!(method = %recorded.method, path = %recorded.path, ?fault, "fault injected");
        state.record(recorded);
        return match fault.status().and_then(|status| StatusCode::from_u16(status).ok()) {
            Some(status) => state.status_fault(status, envelope_bodies),
            None => state.dropped_connection(),
        };
    }

    let answer = match body {
        Ok(body) => state.answer(&parts.method, parts.uri.path(), &parts.headers, &body),
        Err(_) => {
            state.error(StatusCode::OK, ErrorCode::BusinessError, "request body is unreadable or larger than 1 MiB")
        }
    };
    recorded.trace_id = Some(answer.trace_id.clone());
    recorded.outcome = match fault {
        Some(fault) => Outcome::Fault(fault),
        None => Outcome::Answered { code: answer.code },
    };
    tracing::info!(method = %recorded.method, path = %recorded.path, code = answer.code, ?fault, "answered");
    state.record(recorded);
    match fault {
        Some(Fault::DropAfterApplying) => state.dropped_connection(),
        Some(_) => state.truncated(answer),
        None => state.respond(answer.status, Some(nxlink_models::CONTENT_TYPE), Body::from(answer.body)),
    }
}

impl Shared {
    /// The envelope answer: route, authenticate, then the endpoint's own work.
    fn answer(&self, method: &Method, path: &str, headers: &http::HeaderMap, body: &[u8]) -> Answer {
        let Some(endpoint) = nxlink_models::ENDPOINTS.iter().find(|endpoint| endpoint.path == path) else {
            return self.error(StatusCode::NOT_FOUND, ErrorCode::BusinessError, &format!("no endpoint at `{path}`"));
        };
        if method.as_str() != endpoint.method {
            return self.error(
                StatusCode::METHOD_NOT_ALLOWED,
                ErrorCode::BusinessError,
                &format!("`{}` expects {}", endpoint.path, endpoint.method),
            );
        }
        let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
        let caller = match self.verifier.verify(header, body) {
            Ok(verified) => verified.access_key().to_owned(),
            Err(err) => return self.error(StatusCode::OK, ErrorCode::from(err.code()), &err.to_string()),
        };
        if !is_json(header(header::CONTENT_TYPE.as_str())) {
            return self.error(
                StatusCode::OK,
                ErrorCode::InvalidSignature,
                "invalid signature: header `Content-Type` must be `application/json`",
            );
        }
        let now_secs = self.clock.now_millis().div_euclid(1000);
        if family::is::<QueryCallRecords>(endpoint) {
            self.call_records(body)
        } else if family::is::<ListAgents>(endpoint) {
            self.serve::<ListAgents>(body, |request| Ok(lock(&self.family).list_agents(request)))
        } else if family::is::<ListRoutes>(endpoint) {
            self.serve::<ListRoutes>(body, |request| Ok(lock(&self.family).list_routes(request)))
        } else if family::is::<CreateTask>(endpoint) {
            self.serve::<CreateTask>(body, |request| lock(&self.family).create_task(request, &caller, now_secs))
        } else if family::is::<ListTasks>(endpoint) {
            self.serve::<ListTasks>(body, |request| Ok(lock(&self.family).list_tasks(request)))
        } else if family::is::<AppendContacts>(endpoint) {
            self.serve::<AppendContacts>(body, |request| lock(&self.family).append_contacts(request))
        } else if family::is::<DeleteContact>(endpoint) {
            self.serve::<DeleteContact>(body, |request| lock(&self.family).delete_contact(request))
        } else {
            // An endpoint added to the spec answers, typed, rather than 404.
            self.error(
                StatusCode::OK,
                ErrorCode::BusinessError,
                &format!("`{}` ({}) is not simulated by nxlink-mock", endpoint.path, endpoint.name),
            )
        }
    }

    /// Decodes and validates `Op`'s request, then answers with what `work` makes of it.
    fn serve<Op: Operation>(
        &self,
        body: &[u8],
        work: impl FnOnce(&Op::Request) -> Result<Op::Data, Refusal>,
    ) -> Answer {
        let request: Op::Request = match nxlink_models::decode(body) {
            Ok(request) => request,
            Err(err) => {
                let message = format!("invalid request body at `{}`: {}", err.path(), err.message());
                return self.error(StatusCode::OK, ErrorCode::BusinessError, &message);
            }
        };
        if let Err(err) = Op::validate(&request) {
            return self.error(StatusCode::OK, ErrorCode::BusinessError, &err.to_string());
        }
        let data = match work(&request) {
            Ok(data) => data,
            Err((code, message)) => return self.error(StatusCode::OK, code, &message),
        };
        let trace_id = self.trace_id();
        let envelope = Envelope {
            code: ErrorCode::Success,
            message: Some("success".to_owned()),
            trace_id: Some(trace_id.clone()),
            data: Some(data),
        };
        match serde_json::to_vec(&envelope) {
            Ok(body) => Answer { status: StatusCode::OK, code: 0, trace_id, body },
            Err(_) => {
                self.error(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::BusinessError, "cannot encode the answer")
            }
        }
    }

    /// Query Call Records, over the seeded dataset (with quirks and live inserts).
    fn call_records(&self, body: &[u8]) -> Answer {
        let request: QueryCallRecordsRequest = match nxlink_models::decode(body) {
            Ok(request) => request,
            Err(err) => {
                let message = format!("invalid request body at `{}`: {}", err.path(), err.message());
                return self.error(StatusCode::OK, ErrorCode::BusinessError, &message);
            }
        };
        if let Err(err) = request.validate() {
            return self.error(StatusCode::OK, ErrorCode::BusinessError, &err.to_string());
        }
        if let Some(field) = query::unsupported(&request) {
            let message = format!(
                "filter `{field}` is not simulated by nxlink-mock; expected only {}",
                query::HONOURED.join(", ")
            );
            return self.error(StatusCode::OK, ErrorCode::BusinessError, &message);
        }
        let page = self.query(&request);
        let trace_id = self.trace_id();
        let body = if self.quirks.load(Ordering::Relaxed) {
            serde_json::to_vec(&quirks::envelope(&page, &trace_id))
        } else {
            let envelope = Envelope {
                code: ErrorCode::Success,
                message: Some("success".to_owned()),
                trace_id: Some(trace_id.clone()),
                data: Some(page),
            };
            serde_json::to_vec(&envelope)
        };
        match body {
            Ok(body) => Answer { status: StatusCode::OK, code: 0, trace_id, body },
            // Serializing plain data into memory does not fail; answer like a broken
            // server would rather than panic.
            Err(_) => self.error(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::BusinessError, "cannot encode the page"),
        }
    }

    /// Live inserts (when on), then the page.
    fn query(&self, request: &QueryCallRecordsRequest) -> CallRecordPage {
        let live = self.live.load(Ordering::Relaxed);
        if live > 0 && self.dataset.task_len(&request.task_id) > 0 {
            let mut inserted = write(&self.inserted);
            let newest = self.dataset.records().first().and_then(|record| record.create_ts).unwrap_or(0);
            let now = self.clock.now_millis().div_euclid(1000);
            let create_ts = now.max(newest).max(inserted.newest_ts);
            inserted.newest_ts = create_ts;
            for _ in 0..live {
                let n = inserted.records.len() as u64;
                if let Some(record) = self.dataset.live_record(n, &request.task_id, create_ts) {
                    inserted.records.push(record);
                }
            }
        }
        let inserted = read(&self.inserted);
        let fresh = inserted.records.iter().rev().filter(|record| record.task_id.as_deref() == Some(&request.task_id));
        query::page(request, fresh.chain(self.dataset.task_records(&request.task_id)))
    }

    fn error(&self, status: StatusCode, code: ErrorCode, message: &str) -> Answer {
        let trace_id = self.trace_id();
        let envelope: Envelope<CallRecordPage> =
            Envelope { code, message: Some(message.to_owned()), trace_id: Some(trace_id.clone()), data: None };
        let body = serde_json::to_vec(&envelope).unwrap_or_default();
        Answer { status, code: code.code(), trace_id, body }
    }
}

/// `application/json`, any case, with or without parameters such as `charset`.
fn is_json(content_type: Option<&str>) -> bool {
    content_type
        .and_then(|value| value.split(';').next())
        .is_some_and(|media_type| media_type.trim().eq_ignore_ascii_case(nxlink_models::CONTENT_TYPE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_content_types() {
        assert!(is_json(Some("application/json")));
        assert!(is_json(Some("Application/JSON; charset=utf-8")));
        assert!(!is_json(Some("text/plain")));
        assert!(!is_json(Some("application/jsonx")));
        assert!(!is_json(None));
    }

    #[test]
    fn offsets_are_clamped() {
        assert_eq!(clamp_offset(i64::MAX), MAX_CLOCK_OFFSET_MILLIS);
        assert_eq!(clamp_offset(i64::MIN), -MAX_CLOCK_OFFSET_MILLIS);
        assert_eq!(clamp_offset(-5), -5);
    }
}
