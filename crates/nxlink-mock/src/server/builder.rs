//! Configuring and starting a server: the builder and the running [`MockServer`].

use std::collections::VecDeque;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize};
use std::sync::{Arc, Mutex, RwLock};

use axum::Router;
use nxlink_auth::{Clock, Credentials, KeyStore, OffsetClock, SystemClock, Verifier};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::state::{clamp_offset, Live, Shared};
use super::{dialer, handler, MockHandle};
use crate::dataset::SplitMix64;
use crate::family::Family;
use crate::faults::FaultDice;
use crate::{Dataset, Faults, RecordedRequest, DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET};

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
        let app = Router::new().fallback(handler::handle).with_state(Arc::clone(&state));
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
