use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use nxlink_auth::{Algorithm, Clock, Credentials, CredentialsError, OffsetClock, Signer, SystemClock};
use nxlink_models::Region;
use reqwest::header::HeaderValue;
use reqwest::Url;

use crate::RetryPolicy;

/// `nxlink-rs/<version>`, sent as the `User-Agent` of every request (followed by
/// [`ClientBuilder::app_name`] when one is given), whichever HTTP client sends it.
pub const USER_AGENT: &str = concat!("nxlink-rs/", env!("CARGO_PKG_VERSION"));

/// The connect timeout of the HTTP client the builder makes.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A client of the NXLink open API. Cheap to clone (an `Arc` inside), `Send + Sync`:
/// build one and share it.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    /// Set on each request rather than on `http`, so it is the same whether the builder
    /// made the client or was given one.
    pub(crate) user_agent: HeaderValue,
    pub(crate) base_url: String,
    pub(crate) signer: Signer,
    /// The local clock plus what the client learned of the server's skew (from a 1004).
    pub(crate) clock: OffsetClock<Arc<dyn Clock>>,
    pub(crate) retry: RetryPolicy,
    pub(crate) attempt_timeout: Duration,
    pub(crate) overall_timeout: Duration,
    pub(crate) concurrency: usize,
    pub(crate) validate: bool,
    pub(crate) max_response_bytes: usize,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("credentials", self.inner.signer.credentials())
            .field("algorithm", &self.inner.signer.algorithm())
            .field("retry", &self.inner.retry)
            .field("concurrency", &self.inner.concurrency)
            .field("user_agent", &self.inner.user_agent)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The offset, in milliseconds, the client adds to its clock after learning the
    /// server's skew from a 1004 answer (0 until then).
    pub fn clock_offset_millis(&self) -> i64 {
        self.inner.clock.offset_millis()
    }
}

/// Configures a [`Client`]. Only the credentials and a region or base URL are needed;
/// everything else has a default a production service can keep. For a proxy, your own
/// root certificates or a shared connection pool, give your own `reqwest::Client` with
/// [`http_client`](Self::http_client).
#[must_use]
pub struct ClientBuilder {
    base_url: Option<String>,
    credentials: Option<Result<Credentials, CredentialsError>>,
    algorithm: Algorithm,
    /// `None`: the default, for the client the builder makes. `Some`: set by the caller,
    /// which [`build`](Self::build) refuses beside a given client.
    connect_timeout: Option<Duration>,
    attempt_timeout: Duration,
    overall_timeout: Duration,
    retry: RetryPolicy,
    concurrency: usize,
    app_name: Option<String>,
    clock: Arc<dyn Clock>,
    validate: bool,
    max_response_bytes: usize,
    http_client: Option<reqwest::Client>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: None,
            credentials: None,
            algorithm: Algorithm::default(),
            connect_timeout: None,
            attempt_timeout: Duration::from_secs(30),
            overall_timeout: Duration::from_secs(300),
            retry: RetryPolicy::default(),
            concurrency: 4,
            app_name: None,
            clock: Arc::new(SystemClock),
            validate: true,
            max_response_bytes: 64 * 1024 * 1024,
            http_client: None,
        }
    }
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("http_client", &self.http_client.as_ref().map(|_| "given"))
            .finish_non_exhaustive()
    }
}

/// Why [`ClientBuilder::build`] refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// Neither a region nor a base URL was given.
    #[error("no endpoint: call `region(..)` or `base_url(..)`")]
    MissingEndpoint,
    /// No credentials were given.
    #[error("no credentials: call `credentials(..)` or `credentials_from_env()`")]
    MissingCredentials,
    /// The credentials could not be read from the environment.
    #[error(transparent)]
    Credentials(#[from] CredentialsError),
    /// The base URL does not parse or has parts a base URL cannot have.
    #[error("invalid base URL `{url}`: {reason}")]
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Plain HTTP to a host that is not loopback: the access key and signatures would
    /// travel in clear text.
    #[error(
        "refusing plain http to `{host}`: use https (plain http is allowed only for loopback hosts such as 127.0.0.1)"
    )]
    InsecureBaseUrl {
        /// The host of the URL.
        host: String,
    },
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Http(#[source] reqwest::Error),
    /// A setting that lives on a `reqwest::Client` was given beside
    /// [`http_client`](ClientBuilder::http_client): the given client would ignore it.
    #[error(
        "`{setting}(..)` cannot apply to a client given with `http_client(..)`: set it on the reqwest::ClientBuilder instead (`{instead}`)"
    )]
    IgnoredWithHttpClient {
        /// The builder method, e.g. `connect_timeout`.
        setting: &'static str,
        /// What to call on the `reqwest::ClientBuilder` instead.
        instead: &'static str,
    },
    /// The application name cannot be sent in a `User-Agent` header (a control
    /// character, a line break).
    #[error("invalid app name {name:?}: it must be visible ASCII or spaces, to go in the User-Agent header")]
    InvalidAppName {
        /// The name as given.
        name: String,
    },
    /// An `https` base URL, but this build of nxlink-client has no TLS (neither its
    /// `rustls` nor its `native-tls` feature) and no client was given.
    #[error(
        "`{url}` needs TLS, but nxlink-client was built without its `rustls` and `native-tls` features: enable one, or give a reqwest::Client with TLS through `http_client(..)`"
    )]
    TlsDisabled {
        /// The base URL.
        url: String,
    },
}

impl ClientBuilder {
    /// Sends requests to a region's API gateway.
    pub fn region(mut self, region: Region) -> Self {
        self.base_url = Some(region.api_gateway().to_owned());
        self
    }

    /// Sends requests to `url` (e.g. another copy of the vendor's hosts, a proxy, or a
    /// local mock). Must be `https://`, except for loopback hosts.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The access key and secret.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(Ok(credentials));
        self
    }

    /// Reads the credentials from `NXLINK_ACCESS_KEY` and `NXLINK_ACCESS_SECRET` when
    /// the client is built.
    pub fn credentials_from_env(mut self) -> Self {
        self.credentials = Some(Credentials::from_env());
        self
    }

    /// The signature hash: MD5 (the default) or SHA-256.
    pub fn algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// How long to wait for a TCP/TLS connection (default 10 s).
    ///
    /// A setting of the client the builder makes: beside
    /// [`http_client`](Self::http_client), [`build`](Self::build) fails with
    /// [`BuildError::IgnoredWithHttpClient`] (set `reqwest::ClientBuilder::connect_timeout`
    /// on the client you give instead).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How long one attempt may take, reading the whole body included (default 30 s).
    /// It bounds each attempt whichever HTTP client sends it, a given one included.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// How long one call may take, retries and backoff included (default 300 s). A
    /// paginated scan applies it to each page.
    pub fn overall_timeout(mut self, timeout: Duration) -> Self {
        self.overall_timeout = timeout;
        self
    }

    /// How failed attempts are retried.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// How many pages a scan fetches ahead at once (default 4, at least 1).
    pub fn concurrency(mut self, pages: usize) -> Self {
        self.concurrency = pages.max(1);
        self
    }

    /// Appends ` <name>` to the `User-Agent`, so the vendor can tell your service apart.
    /// Sent with a client given through [`http_client`](Self::http_client) too.
    pub fn app_name(mut self, name: impl Into<String>) -> Self {
        self.app_name = Some(name.into());
        self
    }

    /// The clock requests are stamped with (default: the system clock). Tests use a
    /// fixed clock; the client still adds the skew it learns from the server.
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Skips the client-side check of requests against the spec's constraints, for a
    /// service that accepts more than the vendor's docs say (e.g. a larger pageSize).
    pub fn skip_validation(mut self) -> Self {
        self.validate = false;
        self
    }

    /// The largest response body the client reads (default 64 MiB; a 1,000-record page
    /// is about 1.3 MB). A larger body fails with [`Error::ResponseTooLarge`](crate::Error)
    /// instead of filling memory.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// Sends every request through `client` instead of a client the builder makes: for
    /// a proxy, your own root certificates or a client certificate, pool or HTTP/2
    /// settings, or one connection pool shared with the rest of your service.
    ///
    /// What the SDK does around each call still applies; what lives only on a
    /// `reqwest::Client` is the given client's:
    ///
    /// | setting | with a given client |
    /// |---|---|
    /// | [`attempt_timeout`](Self::attempt_timeout), [`overall_timeout`](Self::overall_timeout), [`retry_policy`](Self::retry_policy), [`max_response_bytes`](Self::max_response_bytes) | the SDK's, enforced around each attempt and call whatever the client |
    /// | `User-Agent` ([`USER_AGENT`] and [`app_name`](Self::app_name)), `Content-Type`, the signature headers | the SDK's: set on each request, they replace a default header of the same name on `client` |
    /// | the other default headers of `client` | sent with every request |
    /// | proxy, TLS backend and roots, client certificate, connect timeout, pool, HTTP/2, DNS, redirect policy, reqwest's own `timeout` | `client`'s |
    /// | [`connect_timeout`](Self::connect_timeout) | refused: [`build`](Self::build) fails with [`BuildError::IgnoredWithHttpClient`] |
    ///
    /// `connect_timeout` is refused rather than ignored because ignoring it would change
    /// how long a dead host holds each attempt with no sign: the refusal shows at the
    /// first run and names the reqwest method to call instead. The builder's own client
    /// has a 10 s connect timeout and follows no redirect; a `reqwest::Client` has
    /// neither by default, so set them on yours: without a connect timeout a dead host
    /// holds each attempt until the attempt timeout, and a followed redirect sends the
    /// signed headers (and, after a 307 or 308, the body) wherever it points. With
    /// redirects off, a 3xx ends the call with its status, not retried
    /// ([`Error::Status`](crate::Error::Status) when its body is no API envelope).
    ///
    /// Deadlines of `client` (its `timeout`, `connect_timeout`, `read_timeout`) apply
    /// beside the SDK's, the first to pass ends the attempt; they fail as
    /// [`Error::Timeout`](crate::Error::Timeout) (`TimeoutKind::Connect` for the connect
    /// timeout, `Attempt` for the others) and are retried like the SDK's own. A proxy
    /// that refuses the connection is an [`Error::Transport`](crate::Error::Transport),
    /// a connection never made: retried, never `MaybeApplied`.
    ///
    /// # Proxies from the environment
    ///
    /// A `reqwest::Client` built without `.proxy(..)` or `.no_proxy()`, the one this
    /// builder makes included, reads these variables when it is built:
    ///
    /// - `HTTPS_PROXY` for `https://` URLs, `HTTP_PROXY` for `http://` URLs, `ALL_PROXY`
    ///   for either when the specific one is unset (lower-case spellings too, upper case
    ///   first);
    /// - `NO_PROXY`: comma-separated host names (`example.com` covers its subdomains
    ///   too), IP addresses and CIDR ranges, matched against the URL's host as written
    ///   (`localhost` does not cover `127.0.0.1`); `*` for every host.
    ///
    /// Loopback is not exempt: with `HTTP_PROXY` set, a client of the local mock at
    /// `http://127.0.0.1:PORT` goes through the proxy unless `NO_PROXY` names
    /// `127.0.0.1`. The variables are ignored when `REQUEST_METHOD` is set (a CGI
    /// program, whose `HTTP_PROXY` a request header can set). `.proxy(..)` replaces them
    /// (`reqwest::NoProxy::from_env()` keeps the `NO_PROXY` list for it), and
    /// `.no_proxy()` turns them off. A proxy given with `.proxy(..)` applies to every
    /// host, loopback included, unless its own `.no_proxy(..)` says otherwise.
    ///
    /// # Example
    ///
    /// Through a corporate proxy that inspects TLS, trusting its root certificate:
    ///
    /// ```no_run
    /// # #[cfg(any(feature = "rustls", feature = "native-tls"))]
    /// # fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    ///
    /// use nxlink_client::{Client, Credentials, Region};
    ///
    /// let root = reqwest::Certificate::from_pem(&std::fs::read("/etc/corp/root-ca.pem")?)?;
    /// let http = reqwest::Client::builder()
    ///     // Every https request through the proxy, but the hosts NO_PROXY names.
    ///     .proxy(reqwest::Proxy::https("http://proxy.corp.example:3128")?.no_proxy(reqwest::NoProxy::from_env()))
    ///     // The platform's roots and the proxy's.
    ///     .tls_certs_merge([root])
    ///     // What the builder's own client has, and a reqwest::Client has not by default.
    ///     .connect_timeout(Duration::from_secs(10))
    ///     .redirect(reqwest::redirect::Policy::none())
    ///     .build()?;
    /// let client = Client::builder()
    ///     .region(Region::Hk)
    ///     .credentials(Credentials::from_env()?)
    ///     .http_client(http)
    ///     .build()?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        let base_url = checked_base_url(self.base_url.as_deref().ok_or(BuildError::MissingEndpoint)?)?;
        let credentials = self.credentials.ok_or(BuildError::MissingCredentials)??;
        let user_agent = match &self.app_name {
            Some(name) => format!("{USER_AGENT} {name}"),
            None => USER_AGENT.to_owned(),
        };
        let user_agent = HeaderValue::from_str(&user_agent)
            .map_err(|_| BuildError::InvalidAppName { name: self.app_name.clone().unwrap_or_default() })?;
        let http = match self.http_client {
            Some(given) => {
                if self.connect_timeout.is_some() {
                    return Err(BuildError::IgnoredWithHttpClient {
                        setting: "connect_timeout",
                        instead: "reqwest::ClientBuilder::connect_timeout",
                    });
                }
                given
            }
            // Sent anyway, every attempt would fail as a transport error, and be retried.
            None if !TLS_BUILT_IN && base_url.starts_with("https:") => {
                return Err(BuildError::TlsDisabled { url: base_url });
            }
            None => own_http_client(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                user_agent,
                base_url,
                signer: Signer::new(credentials).with_algorithm(self.algorithm),
                clock: OffsetClock::new(self.clock, 0),
                retry: self.retry,
                attempt_timeout: self.attempt_timeout,
                overall_timeout: self.overall_timeout,
                concurrency: self.concurrency,
                validate: self.validate,
                max_response_bytes: self.max_response_bytes,
            }),
        })
    }
}

/// Whether the client the builder makes can speak TLS (the `rustls` or `native-tls`
/// feature). Without, it still speaks plain http, which the base URL check allows to
/// loopback only: the mock, a local sidecar.
const TLS_BUILT_IN: bool = cfg!(any(feature = "rustls", feature = "native-tls"));

/// The HTTP client the builder makes: a connect timeout, no redirects, the TLS the
/// crate's features chose, proxies from the environment.
fn own_http_client(connect_timeout: Duration) -> Result<reqwest::Client, BuildError> {
    let builder =
        reqwest::Client::builder().connect_timeout(connect_timeout).redirect(reqwest::redirect::Policy::none());
    // With both features on, native-tls: rustls is on by default, native-tls by choice.
    #[cfg(feature = "native-tls")]
    let builder = builder.tls_backend_native();
    builder.build().map_err(BuildError::Http)
}

/// Parses and checks a base URL: http(s), a host, no query or fragment; plain http only
/// to loopback. Returns it without a trailing slash.
fn checked_base_url(url: &str) -> Result<String, BuildError> {
    let invalid = |reason: &str| BuildError::InvalidBaseUrl { url: url.to_owned(), reason: reason.to_owned() };
    let parsed = Url::parse(url).map_err(|err| invalid(&err.to_string()))?;
    let host = parsed.host_str().ok_or_else(|| invalid("it has no host"))?.to_owned();
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("a base URL cannot have a query or a fragment"));
    }
    match parsed.scheme() {
        "https" => {}
        "http" if is_loopback(&host) => {}
        "http" => return Err(BuildError::InsecureBaseUrl { host }),
        other => return Err(invalid(&format!("scheme `{other}` is not http or https"))),
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A builder for a loopback URL: it builds with or without a TLS feature.
    fn mock_builder() -> ClientBuilder {
        Client::builder().base_url("http://127.0.0.1:9").credentials(Credentials::new("AK", "s"))
    }

    /// `builder` for an https URL as is when the crate has TLS; without, with a given
    /// client, which `build` accepts (these tests never send).
    fn https_builder(builder: ClientBuilder) -> ClientBuilder {
        if TLS_BUILT_IN {
            builder
        } else {
            builder.http_client(reqwest::Client::new())
        }
    }

    #[test]
    fn builder_settings_and_debug() {
        let client = https_builder(Client::builder().region(Region::Amer))
            .credentials(Credentials::new("AK-debug", "s3cret-value"))
            .build()
            .unwrap();
        assert_eq!(client.base_url(), Region::Amer.api_gateway());
        let shown = format!("{client:?}");
        assert!(
            shown.contains("Client") && shown.contains(Region::Amer.api_gateway()) && shown.contains("AK-debug"),
            "{shown}"
        );
        assert!(!shown.contains("s3cret-value"), "{shown}");
        let builder = format!("{:?}", Client::builder().base_url("https://x.invalid"));
        assert!(builder.contains("ClientBuilder") && builder.contains("https://x.invalid"), "{builder}");
        // Credentials from the environment: when the variables are unset, the error
        // names them (and not a missing endpoint).
        if std::env::var_os(nxlink_auth::ENV_ACCESS_KEY).is_none() {
            let err = Client::builder().base_url("https://x.invalid").credentials_from_env().build().unwrap_err();
            assert!(err.to_string().contains(nxlink_auth::ENV_ACCESS_KEY), "{err}");
        } else {
            println!("skipped the environment case: {} is set here", nxlink_auth::ENV_ACCESS_KEY);
        }
    }

    /// The documented defaults: a changed one breaks what the rustdoc promises.
    #[test]
    fn the_defaults_are_the_documented_ones() {
        let builder = ClientBuilder::default();
        assert_eq!(
            (
                builder.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
                builder.attempt_timeout,
                builder.overall_timeout
            ),
            (Duration::from_secs(10), Duration::from_secs(30), Duration::from_secs(300))
        );
        assert!(builder.connect_timeout.is_none() && builder.http_client.is_none());
        assert_eq!((builder.concurrency, builder.max_response_bytes), (4, 64 * 1024 * 1024));
        assert_eq!(builder.algorithm, Algorithm::Md5);
        assert!(builder.validate);
        assert_eq!(builder.retry, RetryPolicy::default());
        let client = mock_builder().build().unwrap();
        assert_eq!(client.clock_offset_millis(), 0);
        assert_eq!(client.inner.concurrency, 4);
        assert_eq!(mock_builder().concurrency(0).build().unwrap().inner.concurrency, 1);
    }

    /// A connect timeout lives on the reqwest::Client: beside a given client it would do
    /// nothing, so it is refused, in either order, naming what to call instead.
    #[test]
    fn a_connect_timeout_beside_a_given_client_is_refused() {
        let given = || reqwest::Client::builder().no_proxy().build().unwrap();
        for builder in [
            mock_builder().connect_timeout(Duration::from_secs(1)).http_client(given()),
            mock_builder().http_client(given()).connect_timeout(Duration::from_secs(1)),
        ] {
            let err = builder.build().unwrap_err();
            assert!(matches!(err, BuildError::IgnoredWithHttpClient { setting: "connect_timeout", .. }), "{err:?}");
            assert!(err.to_string().contains("reqwest::ClientBuilder::connect_timeout"), "{err}");
        }
        // What the SDK applies per call or per request is accepted beside it.
        let client = mock_builder()
            .http_client(given())
            .attempt_timeout(Duration::from_secs(1))
            .overall_timeout(Duration::from_secs(2))
            .app_name("billing/2")
            .max_response_bytes(1024)
            .build()
            .unwrap();
        assert_eq!(client.inner.user_agent, format!("{USER_AGENT} billing/2").as_str());
        assert_eq!(client.inner.attempt_timeout, Duration::from_secs(1));
        assert!(format!("{:?}", mock_builder().http_client(given())).contains("given"));
    }

    #[test]
    fn an_app_name_that_cannot_be_a_header_is_refused() {
        let err = mock_builder().app_name("billing\nX-Injected: 1").build().unwrap_err();
        assert!(matches!(&err, BuildError::InvalidAppName { name } if name.contains("X-Injected")), "{err:?}");
        assert_eq!(mock_builder().build().unwrap().inner.user_agent, USER_AGENT);
    }

    /// Without a TLS feature the builder's client speaks plain http only: loopback is
    /// fine, an https base URL is refused at build (not retried at every call), and a
    /// given client brings its own TLS.
    #[test]
    fn https_needs_a_tls_feature_or_a_given_client() {
        let https = || Client::builder().base_url("https://x.invalid").credentials(Credentials::new("AK", "s"));
        assert!(mock_builder().build().is_ok());
        assert!(https().http_client(reqwest::Client::new()).build().is_ok());
        let built = https().build();
        assert_eq!(built.is_ok(), TLS_BUILT_IN, "{built:?}");
        if let Err(err) = built {
            assert!(matches!(&err, BuildError::TlsDisabled { url } if url == "https://x.invalid"), "{err:?}");
            assert!(err.to_string().contains("`rustls` and `native-tls` features"), "{err}");
        }
    }

    #[test]
    fn a_builder_without_an_endpoint_or_credentials_says_which() {
        let err = Client::builder().credentials(Credentials::new("AK", "s")).build().unwrap_err();
        assert!(matches!(err, BuildError::MissingEndpoint), "{err:?}");
        assert!(err.to_string().contains("region(..)") && err.to_string().contains("base_url(..)"), "{err}");
        let err = Client::builder().base_url("https://x.invalid").build().unwrap_err();
        assert!(matches!(err, BuildError::MissingCredentials), "{err:?}");
    }

    #[test]
    fn base_urls_must_be_https_except_loopback() {
        for ok in [
            "https://api-hk.nxlink.ai",
            "https://x.example/",
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:9",
        ] {
            assert!(checked_base_url(ok).is_ok(), "{ok}");
        }
        assert_eq!(checked_base_url("https://x.example/api/").unwrap(), "https://x.example/api");
        let err = checked_base_url("http://api.nxlink.invalid").unwrap_err();
        assert!(matches!(&err, BuildError::InsecureBaseUrl { host } if host == "api.nxlink.invalid"), "{err}");
        assert!(err.to_string().contains("use https"));
        let err = checked_base_url("http://10.0.0.1").unwrap_err();
        assert!(matches!(&err, BuildError::InsecureBaseUrl { host } if host == "10.0.0.1"), "{err}");
        // Each refusal names the URL and says what is wrong with it.
        for (bad, why) in [
            ("ftp://x", "scheme `ftp` is not http or https"),
            ("not a url", "relative URL without a base"),
            ("https://x?q=1", "cannot have a query or a fragment"),
            ("https://x#top", "cannot have a query or a fragment"),
            ("unix:/run/sock", "it has no host"),
        ] {
            let err = checked_base_url(bad).unwrap_err();
            assert!(
                matches!(&err, BuildError::InvalidBaseUrl { url, reason } if url == bad && reason.contains(why)),
                "{bad}: {err:?}"
            );
        }
    }
}
