//! `nxlink callbacks listen`: the SDK's callback receiver as a server, for operators.

use std::net::SocketAddr;
use std::sync::Arc;

use nxlink_auth::Credentials;
use nxlink_client::{Callback, Receiver, UnsignedPolicy};

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
    let app = nxlink_client::receiver::axum_router(
        receiver,
        |callback| {
            if let Some(line) = json_line(&callback) {
                println!("{line}");
            }
        },
        // The reason names what was wrong, never a secret or a signature.
        |rejection| eprintln!("rejected: {rejection}"),
    );
    // Runs until the command is stopped (SIGINT, SIGTERM, SIGHUP drop this future).
    nxlink_client::receiver::serve(listener, app, args.limits.resolve())
        .await
        .map_err(|err| CliError::local(format!("the listener stopped: {err}")))
}
