//! `nxlink sign`: the headers (signature included) for a body, and with `--explain` the
//! string that was hashed, secret masked. For chasing a 1003 from the real service:
//! compare with what your own code signs.
//!
//! This is the one place a signature is printed, because the user asked for it; it goes
//! to stdout, never to a log.

use std::io::{Read, Write};

use nxlink_auth::{Algorithm, Clock, Credentials, Signer, SystemClock};
use nxlink_models::runtime::Operation;
use nxlink_models::QueryCallRecords;

use crate::args::SignArgs;
use crate::error::CliError;

pub(super) fn run(args: &SignArgs, credentials: Credentials, algorithm: Algorithm) -> Result<(), CliError> {
    let body = read_body(args)?;
    if body.ends_with(b"\n") {
        tracing::warn!(
            "the body ends with a newline, which is signed too; if your request's body has none, the signatures differ"
        );
    }
    let ts = args.ts.unwrap_or_else(|| SystemClock.now_millis());
    if ts < 0 {
        return Err(CliError::usage(format!("--ts {ts}: expected unix milliseconds, at least 0")));
    }
    let endpoint = QueryCallRecords::ENDPOINT;
    let signer = Signer::new(credentials).with_algorithm(algorithm);
    let signed = signer.sign(endpoint.biz_type, endpoint.action, ts, &body);
    let mut text = String::new();
    if args.explain {
        text.push_str("string to sign (secret masked):\n");
        text.push_str(&signer.explain(endpoint.biz_type, endpoint.action, ts, &body));
        text.push_str(&format!("\n\nbody: {} bytes, algorithm: {algorithm}\nheaders:\n", body.len()));
    }
    for (name, value) in &signed {
        text.push_str(&format!("{name}: {value}\n"));
    }
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|err| CliError::local(format!("cannot write to standard output: {err}")))
}

fn read_body(args: &SignArgs) -> Result<Vec<u8>, CliError> {
    let mut body = Vec::new();
    if args.body.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .read_to_end(&mut body)
            .map_err(|err| CliError::usage(format!("--body -: cannot read standard input: {err}")))?;
    } else {
        body = std::fs::read(&args.body)
            .map_err(|err| CliError::usage(format!("--body {}: cannot read the file: {err}", args.body.display())))?;
    }
    Ok(body)
}
