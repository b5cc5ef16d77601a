//! `nxlink`: export NXLink AI Agent call records from a terminal or a script.
//!
//! ```text
//! nxlink --demo calls export --task-id 8bdf2a84-fc89-483e-ba1e-35a54285c7d0 --format table --limit 20
//! nxlink --region hk calls export --task-id ID --since 24h --format csv --output calls.csv
//! nxlink calls list --task-id ID --result normal-end-user-hung-up --format jsonl
//! nxlink enums call-result
//! nxlink sign --explain --body body.json
//! ```
//!
//! Data goes to stdout (or `--output FILE`: a regular file or a symlink's target is
//! written atomically, a FIFO or a device straight); logs, progress, summaries and
//! errors go to stderr, so pipes carry records only. JSON, JSONL and CSV use the API's
//! wire field names and raw codes; the table decodes codes to names.
//!
//! Credentials come from flags, then the environment (`NXLINK_ACCESS_KEY`,
//! `NXLINK_ACCESS_SECRET`, `NXLINK_REGION`, `NXLINK_BASE_URL`), then a profile
//! (`[profiles.NAME]` in `$XDG_CONFIG_HOME/nxlink/config.toml`, or in the file
//! `NXLINK_CONFIG` names, with `region`, `base_url`, `access_key`, `secret_file`; a
//! file that is read must parse and know every key). The secret is never a flag value.
//!
//! # Exit codes
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | local failure: the output file cannot be written |
//! | 2 | usage or configuration: a bad flag value, missing credentials, a refused base URL |
//! | 3 | authentication refused by the API (codes 1001-1005) |
//! | 4 | API business error (20000, or any other non-zero code) |
//! | 5 | network or server: unreachable, timeout, HTTP 429 or 5xx (whatever the body) after the retries, an answer that does not decode |
//! | 129 | stopped by SIGHUP; a partial `--output` file is removed |
//! | 130 | stopped by SIGINT (Ctrl-C); a partial `--output` file is removed |
//! | 143 | stopped by SIGTERM; a partial `--output` file is removed |
//!
//! A reader that stops early (`nxlink ... | head`) is not an error: exit 0, nothing said.

mod args;
mod commands;
mod config;
mod encode;
mod error;
// Laid out by the generator (prettyplease); `cargo fmt` would fight `codegen --check`.
#[rustfmt::skip]
mod generated;
mod output;
#[cfg(feature = "parquet")]
mod parquet;
mod progress;
mod readback;
mod request_args;
mod signals;
mod stats;
mod suggest;
mod sync;
mod table;
mod time;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

use crate::args::{Cli, GlobalArgs};
use crate::error::CliError;

fn main() -> ExitCode {
    // Clap prints usage errors and exits 2, help and version exit 0.
    let cli = Cli::parse();
    init_logging(&cli.global);
    if let Err(err) = signals::install() {
        return report(&CliError::local(format!("cannot install the signal handlers: {err}")));
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => return report(&CliError::local(format!("cannot start the async runtime: {err}"))),
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if err.exit.is_signal() => {
            // The command's future is gone, and with it any partial --output file. Not
            // waiting for the runtime's threads: one may be blocked in a write.
            runtime.shutdown_background();
            signals::exit_with(&err)
        }
        Err(err) => report(&err),
    }
}

fn report(err: &CliError) -> ExitCode {
    eprintln!("error: {err}");
    ExitCode::from(err.exit)
}

/// Our crates log at the chosen level; everything else (hyper, reqwest) stays at warn,
/// because their trace output is noise to a user and is where request internals would
/// show up.
fn init_logging(global: &GlobalArgs) {
    let ours = ["nxlink", "nxlink_client", "nxlink_mock", "nxlink_auth", "nxlink_models"];
    let level = match (global.quiet, global.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "debug",
        (false, _) => "trace",
    };
    let mut directives = vec![if global.quiet { "error".to_owned() } else { "warn".to_owned() }];
    directives.extend(ours.iter().map(|target| format!("{target}={level}")));
    if global.verbose == 0 {
        // The commands sum drift up in one `note:` line at the end instead.
        directives.push(format!("{}=error", nxlink_client::DRIFT_TARGET));
    }
    let filter = EnvFilter::builder().parse_lossy(directives.join(","));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Escape codes only for a terminal: a log file or CI transcript stays readable.
        .with_ansi(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
        .with_target(global.verbose > 0)
        .try_init();
}
