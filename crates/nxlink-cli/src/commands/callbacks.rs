//! `nxlink callbacks listen`: a receiver on the SDK's [`Receiver`], for operators.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use nxlink_auth::Credentials;
use nxlink_client::receiver::REPLY;
use nxlink_client::{Callback, Received, Receiver, UnsignedPolicy};

use crate::args::ListenArgs;
use crate::error::CliError;

/// The payload of a callback as one JSON line: every field, unknown ones too.
fn json_line(callback: &Callback) -> Option<String> {
    let line = match callback {
        Callback::CallRecord(payload) => serde_json::to_string(payload),
        Callback::TaskStatus(payload) => serde_json::to_string(payload),
        _ => return None,
    };
    line.ok()
}

pub(super) async fn listen(credentials: Credentials, args: ListenArgs, quiet: bool) -> Result<(), CliError> {
    let policy = if args.allow_unsigned { UnsignedPolicy::Allow } else { UnsignedPolicy::Reject };
    let receiver = Arc::new(Receiver::new(credentials).unsigned(policy));
    let addr = SocketAddr::new(args.host, args.port);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|err| CliError::local(format!("cannot listen on {addr}: {err}")))?;
    let bound = listener.local_addr().map_err(|err| CliError::local(format!("cannot listen on {addr}: {err}")))?;
    if !quiet {
        eprintln!("listening on http://{bound} (POST callbacks to any path)");
    }
    let app = axum::Router::new().fallback(move |headers: HeaderMap, body: Bytes| {
        let receiver = Arc::clone(&receiver);
        async move {
            let pairs: Vec<(String, String)> = headers
                .iter()
                .filter_map(|(name, value)| value.to_str().ok().map(|v| (name.as_str().to_owned(), v.to_owned())))
                .collect();
            match receiver.receive(&pairs[..], &body) {
                Ok(Received::New(callback)) => {
                    if let Some(line) = json_line(&callback) {
                        println!("{line}");
                    }
                    (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], REPLY).into_response()
                }
                Ok(Received::Duplicate(_)) => {
                    (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], REPLY).into_response()
                }
                Err(rejection) => {
                    // The reason names what was wrong, never a secret or a signature.
                    eprintln!("rejected: {rejection}");
                    let status = StatusCode::from_u16(rejection.status).unwrap_or(StatusCode::BAD_REQUEST);
                    let body = serde_json::json!({"code": 1003, "message": rejection.reason}).to_string();
                    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
                }
            }
        }
    });
    // Runs until the command is stopped (SIGINT, SIGTERM, SIGHUP drop this future).
    axum::serve(listener, app).await.map_err(|err| CliError::local(format!("the listener stopped: {err}")))
}
