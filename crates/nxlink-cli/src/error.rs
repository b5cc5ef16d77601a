//! Errors as the user sees them: one line on stderr and an exit code a script can act
//! on. Each message says what was wrong, where it came from and what to do; none
//! carries the secret or a signature (the client's errors never hold them, and the
//! messages built here only name files and flags).

use std::fmt;
use std::process::ExitCode;

use nxlink_client::{BuildError, Error as ApiCallError};
use nxlink_models::ErrorCode;

/// The documented exit codes (see `--help` and the crate docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// 1: a local failure (the output cannot be written).
    Local = 1,
    /// 2: the command line or the configuration is wrong.
    Usage = 2,
    /// 3: the API refused the credentials or the signature (1001-1005).
    Auth = 3,
    /// 4: the API answered another non-zero code (20000 and codes newer than the docs).
    Api = 4,
    /// 5: no usable answer: transport, timeout, HTTP 429 or 5xx (whatever the body),
    /// undecodable body.
    Network = 5,
    /// 129: SIGHUP (the terminal went away), as shells report it.
    HungUp = 129,
    /// 130: interrupted (Ctrl-C), as shells report a SIGINT.
    Interrupted = 130,
    /// 143: SIGTERM, as shells report it.
    Terminated = 143,
}

impl Exit {
    /// The process exit code.
    pub(crate) const fn code(self) -> u8 {
        self as u8
    }

    /// True for the exits of a signal, which `main` reports through
    /// [`crate::signals::exit_with`].
    pub(crate) const fn is_signal(self) -> bool {
        matches!(self, Self::HungUp | Self::Interrupted | Self::Terminated)
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit.code())
    }
}

/// A failure of a command, ready to print.
#[derive(Debug)]
pub(crate) struct CliError {
    pub(crate) exit: Exit,
    message: String,
}

impl CliError {
    pub(crate) fn new(exit: Exit, message: impl Into<String>) -> Self {
        Self { exit, message: message.into() }
    }

    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self::new(Exit::Usage, message)
    }

    pub(crate) fn local(message: impl Into<String>) -> Self {
        Self::new(Exit::Local, message)
    }

    /// The same error, with `hint` after what it says.
    pub(crate) fn with_hint(mut self, hint: impl std::fmt::Display) -> Self {
        self.message.push_str(&format!("; hint: {hint}"));
        self
    }

    /// The error of an API call, with the hint that goes with it.
    pub(crate) fn from_api(error: &ApiCallError) -> Self {
        Self::from_api_hinted(error, None)
    }

    /// A request of the endpoint at `endpoint_path` that breaks the spec, with the flag
    /// that set the field.
    pub(crate) fn invalid(endpoint_path: &str, invalid: &nxlink_models::runtime::ValidationError) -> Self {
        match crate::generated::ENDPOINTS.iter().find(|args| args.endpoint.path == endpoint_path) {
            Some(args) => Self::usage(args.explain(invalid, &|_| None)),
            None => Self::usage(format!("{invalid} (set by a flag)")),
        }
    }

    /// [`Self::from_api`], with `hint` instead of the usual one.
    fn from_api_hinted(error: &ApiCallError, hint_instead: Option<&str>) -> Self {
        match error {
            ApiCallError::Validation(invalid) => Self::usage(format!("{invalid} (set by a flag)")),
            // Throttled or failing whatever the body says, and still so after the
            // retries: the server's trouble, not the request's.
            ApiCallError::Api(api) if api.status == 429 || api.status >= 500 => {
                Self::network(error, hint_instead.unwrap_or(NETWORK_HINT))
            }
            ApiCallError::Api(api) => {
                let code = api.code;
                let mut message = format!("API error {} ({})", code.code(), code.description());
                if let Some(text) = api.message.as_deref().filter(|m| !m.trim().is_empty()) {
                    message.push_str(": ");
                    message.push_str(text);
                }
                message.push_str(&format!("; traceId {}", api.trace_id.as_deref().unwrap_or("none")));
                if let Some(hint) = hint_instead.or(hint(code)) {
                    message.push_str("; hint: ");
                    message.push_str(hint);
                }
                let exit = if code.is_authentication() { Exit::Auth } else { Exit::Api };
                Self::new(exit, message)
            }
            other => Self::network(other, hint_instead.unwrap_or(NETWORK_HINT)),
        }
    }

    /// The error of a call to `base_url` + `endpoint_path`. A base URL with a path is
    /// a likely mistake (the base URL is the gateway only; the client adds the endpoint
    /// path), so the hint says so: for any failure when the path is part of the
    /// endpoint's (`/openapi/aiagent`, surely wrong; the API may then answer 20000 or
    /// 404), and for a call with no usable answer when it is another path (perhaps a
    /// proxy's prefix).
    pub(crate) fn from_call(error: &ApiCallError, base_url: &str, endpoint_path: &str) -> Self {
        if let ApiCallError::Validation(invalid) = error {
            return Self::invalid(endpoint_path, invalid);
        }
        let Some((gateway, path)) = split_base_url(base_url) else { return Self::from_api(error) };
        let surely_wrong = std::path::Path::new(endpoint_path).starts_with(path) || path.ends_with(endpoint_path);
        match error {
            ApiCallError::Api(_) if !surely_wrong => Self::from_api(error),
            _ => Self::from_api_hinted(error, Some(&path_hint(gateway, path, endpoint_path, surely_wrong))),
        }
    }

    /// A call that got no usable answer (exit 5), with its cause chain and `hint`.
    fn network(error: &ApiCallError, hint: &str) -> Self {
        // reqwest's own message ("error sending request") hides the cause in its
        // source chain; the cause is what the user can act on.
        let mut message = error.to_string();
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            let text = cause.to_string();
            if !message.contains(&text) {
                message.push_str(": ");
                message.push_str(&text);
            }
            source = cause.source();
        }
        message.push_str("; hint: ");
        message.push_str(hint);
        Self::new(Exit::Network, message)
    }

    pub(crate) fn from_build(error: &BuildError, endpoint_source: &str) -> Self {
        match error {
            BuildError::InsecureBaseUrl { .. } | BuildError::InvalidBaseUrl { .. } => {
                Self::usage(format!("{error} (base URL from {endpoint_source})"))
            }
            // The binary, not the command line: it cannot make the HTTP client.
            BuildError::Http(_) | BuildError::TlsDisabled { .. } => Self::local(error.to_string()),
            _ => Self::usage(error.to_string()),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // One line, whatever the server put in its message.
        let one_line: String = self.message.chars().map(|c| if c == '\n' || c == '\r' { ' ' } else { c }).collect();
        f.write_str(&one_line)
    }
}

/// A base URL's gateway (scheme, host, port) and its path, when it has one beyond `/`.
fn split_base_url(url: &str) -> Option<(&str, &str)> {
    let host_start = url.find("://")? + 3;
    let path_start = host_start + url[host_start..].find('/')?;
    let path = url[path_start..].trim_end_matches('/');
    (!path.is_empty()).then(|| (&url[..path_start], path))
}

/// What to say about a base URL with a path; `surely_wrong` when the path is part of
/// the endpoint's.
fn path_hint(gateway: &str, path: &str, endpoint_path: &str, surely_wrong: bool) -> String {
    let advice = format!(
        "the base URL is the gateway only ({gateway}) and the client adds the endpoint path ({endpoint_path}) itself"
    );
    if surely_wrong {
        format!("drop `{path}` from the base URL: {advice}")
    } else {
        format!(
            "the base URL has a path, `{path}`: {advice}; drop the path unless a proxy serves the API under it, \
             then check the network"
        )
    }
}

/// The hint for a call that got no usable answer.
const NETWORK_HINT: &str = "check the base URL or region and the network, then try again";

/// What to check for an API code, in the words of the person who has to fix it.
pub(crate) fn hint(code: ErrorCode) -> Option<&'static str> {
    Some(match code.code() {
        1001 => "a common header (accessKey, ts, bizType, action, sign) did not arrive: check proxies between you and the API",
        1002 => "bizType or action was refused: check that the base URL is the NXLink open API",
        1003 => "check the access secret, that the body signed is byte for byte the body sent, and the clock; `nxlink sign --explain --body FILE` shows the string to sign",
        1004 => "the clock is off by more than 60 s from the server's: synchronise it (NTP)",
        1005 => "check the access key and its permissions (and the region: a key belongs to one region)",
        20000 => "the service refused the request: check the task id and the filters",
        _ => return None,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use nxlink_client::{ApiError, TimeoutKind};
    use nxlink_models::runtime::{Operation, ValidationError};

    use super::*;

    fn api(code: i64) -> ApiCallError {
        ApiCallError::Api(Box::new(ApiError {
            code: ErrorCode::from(code),
            message: Some("nope\nsecond line".into()),
            trace_id: Some("trace-1".into()),
            status: 200,
            snippet: nxlink_client::BodySnippet::default(),
            retry_after: None,
            attempts: 1,
        }))
    }

    #[test]
    fn each_error_maps_to_its_documented_exit_code() {
        for code in [1001, 1002, 1003, 1004, 1005] {
            assert_eq!(CliError::from_api(&api(code)).exit, Exit::Auth, "{code}");
        }
        assert_eq!(CliError::from_api(&api(20000)).exit, Exit::Api);
        assert_eq!(CliError::from_api(&api(424242)).exit, Exit::Api);
        // An envelope under a throttling or failing status is the server's trouble, after
        // the retries: exit 5 whatever its code; under 2xx and other 4xx, the code's exit.
        for (status, code, exit) in [
            (429, 429, Exit::Network),
            (500, 500, Exit::Network),
            (502, 20000, Exit::Network),
            (503, 1003, Exit::Network),
            (599, 0, Exit::Network),
            (200, 20000, Exit::Api),
            (400, 20000, Exit::Api),
            (404, 1003, Exit::Auth),
            (499, 20000, Exit::Api),
        ] {
            let mut error = api(code);
            if let ApiCallError::Api(api) = &mut error {
                api.status = status;
            }
            assert_eq!(CliError::from_api(&error).exit, exit, "HTTP {status} with code {code}");
        }
        let status = ApiCallError::Status {
            status: 502,
            attempts: 1,
            snippet: nxlink_client::BodySnippet::default(),
            retry_after: None,
        };
        assert_eq!(CliError::from_api(&status).exit, Exit::Network);
        let timeout =
            ApiCallError::Timeout { kind: TimeoutKind::Overall, elapsed: std::time::Duration::ZERO, attempts: 1 };
        assert_eq!(CliError::from_api(&timeout).exit, Exit::Network);
        let invalid = ApiCallError::Validation(ValidationError::new("pageSize", "must be between 1 and 1000, got 0"));
        let err = CliError::from_api(&invalid);
        assert_eq!(err.exit, Exit::Usage);
        // The flag comes from the endpoint's generated table.
        let path = nxlink_models::QueryCallRecords::ENDPOINT.path;
        let err = CliError::from_call(&invalid, "https://api.example.com", path);
        assert_eq!(err.exit, Exit::Usage);
        assert!(err.to_string().ends_with("(set by --page-size)"), "{err}");
        let err = CliError::from_call(&invalid, "https://api.example.com", nxlink_models::ListAgents::ENDPOINT.path);
        assert!(err.to_string().ends_with("(set by --page-size)"), "{err}");
        let tasks = ApiCallError::Validation(ValidationError::new("taskName", "must not be empty"));
        let err = CliError::from_call(&tasks, "https://api.example.com", nxlink_models::CreateTask::ENDPOINT.path);
        assert!(err.to_string().ends_with("(set by --name)"), "{err}");
        let nested = ApiCallError::Validation(ValidationError::new("list[3].phoneNumber", "must not be empty"));
        let err = CliError::from_call(&nested, "https://api.example.com", nxlink_models::AppendContacts::ENDPOINT.path);
        assert!(err.to_string().ends_with("(set by --body)"), "{err}");
    }

    #[test]
    fn a_base_url_with_a_path_gets_a_hint_about_the_path() {
        let timeout =
            ApiCallError::Timeout { kind: TimeoutKind::Attempt, elapsed: std::time::Duration::ZERO, attempts: 1 };
        let endpoint = "/openapi/aiagent/call/list";
        let err = CliError::from_call(&timeout, "http://127.0.0.1:1/openapi/aiagent", endpoint);
        assert_eq!(err.exit, Exit::Network);
        let text = err.to_string();
        assert!(text.contains("hint: drop `/openapi/aiagent` from the base URL"), "{text}");
        assert!(text.contains("gateway only (http://127.0.0.1:1)") && text.contains(endpoint), "{text}");
        assert!(!text.contains("network"), "{text}");

        let text = CliError::from_call(&timeout, "https://proxy.invalid/nxlink", endpoint).to_string();
        assert!(text.contains("has a path, `/nxlink`") && text.contains("unless a proxy"), "{text}");

        for plain in ["http://127.0.0.1:1", "https://gw.invalid/"] {
            let text = CliError::from_call(&timeout, plain, endpoint).to_string();
            assert!(text.ends_with("hint: check the base URL or region and the network, then try again"), "{text}");
        }
        // An answer of the API is about the request, unless the path is surely wrong.
        let err = CliError::from_call(&api(1003), "http://127.0.0.1:1/x", endpoint);
        assert!(err.to_string().ends_with("hint: check the access secret, that the body signed is byte for byte the body sent, and the clock; `nxlink sign --explain --body FILE` shows the string to sign"), "{err}");
        let err = CliError::from_call(&api(20000), "http://127.0.0.1:1/openapi", endpoint);
        assert_eq!(err.exit, Exit::Api);
        assert!(
            err.to_string().contains("API error 20000") && err.to_string().contains("hint: drop `/openapi`"),
            "{err}"
        );
    }

    #[test]
    fn api_errors_are_one_line_with_code_trace_and_hint() {
        let line = CliError::from_api(&api(1003)).to_string();
        assert!(!line.contains('\n'));
        for part in ["API error 1003", "nope second line", "traceId trace-1", "hint: check the access secret"] {
            assert!(line.contains(part), "{part} missing from {line}");
        }
        assert!(CliError::from_api(&api(1004)).to_string().contains("clock is off by more than 60 s"));
        assert!(CliError::from_api(&api(1005)).to_string().contains("access key and its permissions"));
    }
}
