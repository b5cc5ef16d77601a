use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use nxlink_auth::{Algorithm, Clock, Credentials, CredentialsError, OffsetClock, Signer, SystemClock};
use nxlink_models::Region;
use reqwest::Url;

use crate::RetryPolicy;

/// `nxlink-rs/<version>`, sent as the `User-Agent` of every request.
pub const USER_AGENT: &str = concat!("nxlink-rs/", env!("CARGO_PKG_VERSION"));

/// A client of the NXLink open API. Cheap to clone (an `Arc` inside), `Send + Sync`:
/// build one and share it.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
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
/// everything else has a default a production service can keep.
#[must_use]
pub struct ClientBuilder {
    base_url: Option<String>,
    credentials: Option<Result<Credentials, CredentialsError>>,
    algorithm: Algorithm,
    connect_timeout: Duration,
    attempt_timeout: Duration,
    overall_timeout: Duration,
    retry: RetryPolicy,
    concurrency: usize,
    app_name: Option<String>,
    clock: Arc<dyn Clock>,
    validate: bool,
    max_response_bytes: usize,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: None,
            credentials: None,
            algorithm: Algorithm::default(),
            connect_timeout: Duration::from_secs(10),
            attempt_timeout: Duration::from_secs(30),
            overall_timeout: Duration::from_secs(300),
            retry: RetryPolicy::default(),
            concurrency: 4,
            app_name: None,
            clock: Arc::new(SystemClock),
            validate: true,
            max_response_bytes: 64 * 1024 * 1024,
        }
    }
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder").field("base_url", &self.base_url).finish_non_exhaustive()
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
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take, reading the whole body included (default 30 s).
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

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        let base_url = checked_base_url(self.base_url.as_deref().ok_or(BuildError::MissingEndpoint)?)?;
        let credentials = self.credentials.ok_or(BuildError::MissingCredentials)??;
        let user_agent = match &self.app_name {
            Some(name) => format!("{USER_AGENT} {name}"),
            None => USER_AGENT.to_owned(),
        };
        let http = reqwest::Client::builder()
            .user_agent(user_agent)
            .connect_timeout(self.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(BuildError::Http)?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
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

    #[test]
    fn builder_settings_and_debug() {
        let client = Client::builder()
            .region(Region::Amer)
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
            (builder.connect_timeout, builder.attempt_timeout, builder.overall_timeout),
            (Duration::from_secs(10), Duration::from_secs(30), Duration::from_secs(300))
        );
        assert_eq!((builder.concurrency, builder.max_response_bytes), (4, 64 * 1024 * 1024));
        assert_eq!(builder.algorithm, Algorithm::Md5);
        assert!(builder.validate);
        assert_eq!(builder.retry, RetryPolicy::default());
        let client =
            Client::builder().base_url("https://x.invalid").credentials(Credentials::new("AK", "s")).build().unwrap();
        assert_eq!(client.clock_offset_millis(), 0);
        assert_eq!(client.inner.concurrency, 4);
        assert_eq!(
            Client::builder()
                .base_url("https://x.invalid")
                .concurrency(0)
                .credentials(Credentials::new("AK", "s"))
                .build()
                .unwrap()
                .inner
                .concurrency,
            1
        );
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
