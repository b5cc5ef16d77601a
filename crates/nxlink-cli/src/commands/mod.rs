//! The commands, and the setup they share: the client (against the real service or the
//! embedded demo mock) and the credentials.

mod api;
mod callbacks;
mod calls;
mod contact_file;
pub(crate) mod enums;
mod family;
mod shell;
mod sign;
mod stats;

use std::io::BufRead;

use nxlink_auth::Credentials;
use nxlink_client::{Client, RetryPolicy};
use nxlink_mock::{MockServer, DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET};

use crate::args::{
    AgentsCommand, CallbacksCommand, CallsCommand, Cli, Command, ContactsCommand, GlobalArgs, RoutesCommand,
    TasksCommand,
};
use crate::config::{self, Sources};
use crate::error::CliError;

/// Records the demo mock holds: enough to page through (about 4 000 in the demo task),
/// small enough to generate in a blink on a laptop.
const DEMO_RECORDS: usize = 10_000;

pub(crate) async fn run(cli: Cli) -> Result<(), CliError> {
    let Cli { global, command } = cli;
    match command {
        Command::Enums(args) => enums::run(&args),
        Command::Completions(args) => shell::completions(args.shell),
        Command::Man(args) => shell::man(args.dir.as_deref()),
        Command::Sign(args) => {
            if global.secret_stdin && args.body.as_os_str() == "-" {
                return Err(CliError::usage(
                    "--secret-stdin and --body - both read standard input: pass one of them as a file",
                ));
            }
            let credentials = if global.demo { demo_credentials() } else { credentials(&global)? };
            sign::run(&args, credentials, global.algorithm)
        }
        Command::Calls(calls) => {
            let calls = *calls;
            let options = match &calls {
                CallsCommand::List(args) => ClientOptions { concurrency: 1, retries: args.query.retries },
                CallsCommand::Export(args) => {
                    ClientOptions { concurrency: usize::from(args.concurrency), retries: args.query.retries }
                }
                CallsCommand::Stats(args) => {
                    ClientOptions { concurrency: usize::from(args.concurrency), retries: args.retries }
                }
                CallsCommand::Sync(args) => {
                    crate::sync::check(args)?;
                    let (concurrency, retries) = crate::sync::client_options(args);
                    ClientOptions { concurrency, retries }
                }
            };
            let command = async {
                // The mock lives as long as the command runs: dropping it stops the server.
                let calls = match calls {
                    CallsCommand::Stats(args) if args.from.is_some() => return stats::from_local(args).await,
                    calls => calls,
                };
                let (client, _mock) = connect(&global, options).await?;
                match calls {
                    CallsCommand::List(args) => calls::list(&client, args, global.quiet).await,
                    CallsCommand::Export(args) => calls::export(&client, args, global.quiet).await,
                    CallsCommand::Stats(args) => stats::from_api(&client, args, global.quiet).await,
                    CallsCommand::Sync(args) => crate::sync::run(&client, args, global.quiet).await,
                }
            };
            // A signal drops the command at its next await point, and with it the
            // output and its temporary file; `main` then reports and exits.
            tokio::select! {
                biased;
                err = crate::signals::received() => Err(err),
                result = command => result,
            }
        }
        Command::Callbacks(CallbacksCommand::Listen(args)) => {
            let credentials = if global.demo { demo_credentials() } else { credentials(&global)? };
            let listen = callbacks::listen(credentials, args, global.quiet);
            tokio::select! {
                biased;
                err = crate::signals::received() => Err(err),
                result = listen => result,
            }
        }
        Command::Api(args) => {
            if global.secret_stdin && args.body.as_deref().is_some_and(|body| body.as_os_str() == "-") {
                return Err(CliError::usage(
                    "--secret-stdin and --body - both read standard input: pass one of them as a file",
                ));
            }
            // A bad flag or body is a usage error before anything connects.
            let body = api::request(&args)?;
            let command = async {
                let (client, _mock) = connect(&global, ClientOptions { concurrency: 4, retries: None }).await?;
                api::run(&client, args, body).await
            };
            tokio::select! {
                biased;
                err = crate::signals::received() => Err(err),
                result = command => result,
            }
        }
        Command::Agents(_) | Command::Routes(_) | Command::Tasks(_) | Command::Contacts(_) => {
            let quiet = global.quiet;
            let command = async {
                // A campaign command is worth more patience than one page: 10 attempts per
                // call, as a scan gives each page.
                let (client, _mock) = connect(&global, ClientOptions { concurrency: 4, retries: Some(9) }).await?;
                match command {
                    Command::Agents(AgentsCommand::List(args)) => family::scan(&client, args).await,
                    Command::Routes(RoutesCommand::List(args)) => family::scan(&client, args).await,
                    Command::Tasks(TasksCommand::List(args)) => family::scan(&client, args).await,
                    Command::Tasks(TasksCommand::Create(args)) => family::create_task(&client, args).await,
                    Command::Contacts(ContactsCommand::Append(args)) => {
                        family::append_contacts(&client, args, quiet).await
                    }
                    Command::Contacts(ContactsCommand::Delete(args)) => family::delete_contact(&client, args).await,
                    Command::Calls(_)
                    | Command::Enums(_)
                    | Command::Completions(_)
                    | Command::Man(_)
                    | Command::Sign(_)
                    | Command::Callbacks(_)
                    | Command::Api(_) => Ok(()),
                }
            };
            tokio::select! {
                biased;
                err = crate::signals::received() => Err(err),
                result = command => result,
            }
        }
    }
}

struct ClientOptions {
    concurrency: usize,
    retries: Option<u32>,
}

async fn connect(global: &GlobalArgs, options: ClientOptions) -> Result<(Client, Option<MockServer>), CliError> {
    let (base_url, source, credentials, mock) = if global.demo {
        let mock = MockServer::builder()
            .records(DEMO_RECORDS)
            .start()
            .await
            .map_err(|err| CliError::local(format!("--demo: cannot start the embedded mock server: {err}")))?;
        tracing::debug!(base_url = mock.base_url(), "demo mock started");
        (mock.base_url().to_owned(), "--demo".to_owned(), demo_credentials(), Some(mock))
    } else {
        let env = config::environment()?;
        let mut stdin = read_stdin_line;
        let mut sources = Sources { env: &env, read_stdin_line: &mut stdin };
        let profile = config::load_profile(global, &sources)?;
        let endpoint = config::endpoint(global, &sources, profile.as_ref())?;
        let credentials = config::credentials(global, &mut sources, profile.as_ref())?;
        (endpoint.base_url, endpoint.source, credentials, None)
    };
    tracing::debug!(%base_url, from = %source, access_key = credentials.access_key(), "connecting");
    let mut builder = Client::builder()
        .base_url(base_url)
        .credentials(credentials)
        .algorithm(global.algorithm)
        .concurrency(options.concurrency)
        .app_name(concat!("nxlink-cli/", env!("CARGO_PKG_VERSION")));
    if let Some(retries) = options.retries {
        let attempts = retries.saturating_add(1);
        builder = builder.retry_policy(RetryPolicy::default().with_max_attempts(attempts).with_page_attempts(attempts));
    }
    let client = builder.build().map_err(|err| CliError::from_build(&err, &source))?;
    Ok((client, mock))
}

fn credentials(global: &GlobalArgs) -> Result<Credentials, CliError> {
    let env = config::environment()?;
    let mut stdin = read_stdin_line;
    let mut sources = Sources { env: &env, read_stdin_line: &mut stdin };
    let profile = config::load_profile(global, &sources)?;
    config::credentials(global, &mut sources, profile.as_ref())
}

fn demo_credentials() -> Credentials {
    Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET)
}

fn read_stdin_line() -> std::io::Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line)
}
