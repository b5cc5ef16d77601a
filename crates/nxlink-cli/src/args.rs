//! The command line, as clap derive types. Parsing of values that clap cannot check
//! by itself (times, spans, enum names) happens in `value_parser`s here, so a bad value
//! is a usage error (exit 2) that names the flag.

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};
use nxlink_auth::Algorithm;
use nxlink_models::runtime::Operation;
use nxlink_models::{
    AppendContacts, CreateTask, DeleteContact, ListAgents, ListRoutes, ListTasks, QueryCallRecords, Region,
};

use crate::suggest;
use nxlink_client::receiver::ServerLimits;

use crate::request_args::{Omit, PageNumber, RequestFields};
use crate::time::{parse_span, parse_timeout};

/// What `--help` shows after the options: the environment and the exit codes, which a
/// script needs and clap cannot list by itself.
const AFTER_HELP: &str = "\
Environment:
  NXLINK_ACCESS_KEY     access key (a flag or the profile's access_key if unset)
  NXLINK_ACCESS_SECRET  access secret (or --secret-file / --secret-stdin / the profile's secret_file)
  NXLINK_REGION         hk, amer or idn
  NXLINK_BASE_URL       API base URL (https, or http to a loopback host)
  NXLINK_CONFIG         profile file (default: $XDG_CONFIG_HOME/nxlink/config.toml)
Precedence: flag > environment > profile.

Exit codes:
  0  success
  1  local failure (the output file cannot be written)
  2  usage or configuration error (bad flag value, missing credentials, refused base URL)
  3  authentication refused by the API (codes 1001-1005)
  4  API business error (code 20000 or any other non-zero code)
  5  network or server error (unreachable, timeout, HTTP 429 or 5xx after the retries, undecodable answer)
  129, 130, 143  stopped by SIGHUP, SIGINT (Ctrl-C), SIGTERM; a partial --output file is removed
A reader that stops early (| head) ends the command quietly, exit 0.";

/// Export NXLink AI Agent call records, or try everything offline with `--demo`.
#[derive(Debug, Parser)]
#[command(name = "nxlink", version, after_help = AFTER_HELP)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options every command takes (connection, credentials, logging).
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub(crate) struct GlobalArgs {
    #[arg(
        long,
        global = true,
        help = format!("Run against an embedded mock with demo credentials and data (demo task id: {})", nxlink_mock::DEMO_TASK_ID),
        long_help = demo_help(),
        conflicts_with_all = ["region", "base_url", "profile", "access_key", "secret_file", "secret_stdin"]
    )]
    pub(crate) demo: bool,

    /// API region [env: NXLINK_REGION]
    #[arg(long, global = true, value_name = "hk|amer|idn", value_parser = parse_region, conflicts_with = "base_url")]
    pub(crate) region: Option<Region>,

    /// API base URL, instead of a region's gateway [env: NXLINK_BASE_URL]
    #[arg(long, global = true, value_name = "URL")]
    pub(crate) base_url: Option<String>,

    /// Profile of the profile file ($XDG_CONFIG_HOME/nxlink/config.toml, or
    /// NXLINK_CONFIG); `default` is used when present and no profile is named
    #[arg(long, global = true, value_name = "NAME")]
    pub(crate) profile: Option<String>,

    /// Access key [env: NXLINK_ACCESS_KEY]
    #[arg(long, global = true, value_name = "KEY")]
    pub(crate) access_key: Option<String>,

    /// Read the access secret from this file (first line; it is never a flag value)
    #[arg(long, global = true, value_name = "PATH", conflicts_with = "secret_stdin")]
    pub(crate) secret_file: Option<PathBuf>,

    /// Read the access secret from standard input (first line)
    #[arg(long, global = true)]
    pub(crate) secret_stdin: bool,

    /// Signature algorithm
    #[arg(long, global = true, value_name = "md5|sha256", default_value = "md5", value_parser = parse_algorithm)]
    pub(crate) algorithm: Algorithm,

    /// More log output on stderr (-v debug, -vv trace)
    #[arg(short, long, global = true, action = ArgAction::Count, conflicts_with = "quiet")]
    pub(crate) verbose: u8,

    /// Only errors on stderr: no warnings, no progress
    #[arg(short, long, global = true)]
    pub(crate) quiet: bool,
}

fn demo_help() -> String {
    format!(
        "Run against an embedded mock server with demo credentials and a seeded dataset, so \
         every command works on a fresh machine with no account. The demo task id is \
         {task}, e.g.\n  nxlink --demo calls export --task-id {task} --format table --limit 20",
        task = nxlink_mock::DEMO_TASK_ID
    )
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Query call records
    #[command(subcommand)]
    Calls(Box<CallsCommand>),
    /// Print the code tables of the spec: call statuses, call results, error codes, ...
    Enums(EnumsArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    #[command(
        after_help = "Examples:\n  nxlink completions bash > ~/.local/share/bash-completion/completions/nxlink\n  nxlink completions zsh > \"${fpath[1]}/_nxlink\"\n  nxlink completions fish > ~/.config/fish/completions/nxlink.fish\n  nxlink completions powershell >> $PROFILE"
    )]
    Completions(CompletionsArgs),
    /// Print the manual page (roff), for `man`
    #[command(
        after_help = "Examples:\n  nxlink man | man -l -\n  nxlink man --dir ~/.local/share/man/man1 && man nxlink-calls-export"
    )]
    Man(ManArgs),
    /// Sign a request body, to debug a 1003 (invalid signature) against the real service
    #[command(
        after_help = "Examples:\n  nxlink sign --body request.json\n  echo -n '{\"taskId\":\"T\"}' | nxlink sign --body -"
    )]
    Sign(SignArgs),
    /// AI Agents (flows): the `--agent-id` of a task
    #[command(subcommand)]
    Agents(AgentsCommand),
    /// Call routes (lines): the `--route-id` of a task
    #[command(subcommand)]
    Routes(RoutesCommand),
    /// Outbound tasks
    #[command(subcommand)]
    Tasks(TasksCommand),
    /// The contacts of a task
    #[command(subcommand)]
    Contacts(ContactsCommand),
    /// Callbacks NXLink sends to you
    #[command(subcommand)]
    Callbacks(CallbacksCommand),
    /// Call any endpoint of the spec by name, with a flag per request field
    /// (`nxlink api <endpoint> --help`); prints `data` with every field as sent
    Api(ApiArgs),
}

/// How `nxlink api` prints `data`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ApiFormat {
    /// `data` as indented JSON (with `--all`: one array of the items)
    Json,
    /// One JSON value per line (with `--all`: one item per line)
    Jsonl,
    /// Aligned columns of the items (or of `data`), values as sent
    Table,
    /// A header of the wire field names and `extra`, a row per item (or `data`)
    Csv,
}

/// `nxlink api <endpoint> [flags]`: the endpoint, and what its flags and `--body` set.
#[derive(Debug)]
pub(crate) struct ApiArgs {
    /// The endpoint, from the generated table.
    pub(crate) endpoint: &'static crate::request_args::EndpointArgs,
    /// The fields the flags set, by wire name.
    pub(crate) fields: serde_json::Map<String, serde_json::Value>,
    /// `--body FILE|-`: a JSON object the flags are laid over.
    pub(crate) body: Option<PathBuf>,
    /// `--all`: every item of every page.
    pub(crate) all: bool,
    /// `--format`, when given.
    pub(crate) format: Option<ApiFormat>,
}

const API_BODY: &str = "body";
const API_ALL: &str = "all";
const API_FORMAT: &str = "format";

impl clap::FromArgMatches for ApiArgs {
    fn from_arg_matches(matches: &clap::ArgMatches) -> Result<Self, clap::Error> {
        let Some((name, sub)) = matches.subcommand() else {
            return Err(clap::Error::raw(clap::error::ErrorKind::MissingSubcommand, "an endpoint is required\n"));
        };
        let Some(endpoint) = crate::generated::ENDPOINTS.iter().copied().find(|e| e.command == name) else {
            return Err(clap::Error::raw(clap::error::ErrorKind::InvalidSubcommand, format!("no endpoint `{name}`\n")));
        };
        Ok(Self {
            endpoint,
            fields: endpoint.fields_of(sub),
            body: sub.get_one::<PathBuf>(API_BODY).cloned(),
            all: sub.try_get_one::<bool>(API_ALL).ok().flatten().copied().unwrap_or(false),
            format: sub.get_one::<ApiFormat>(API_FORMAT).copied(),
        })
    }

    fn update_from_arg_matches(&mut self, matches: &clap::ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl clap::Args for ApiArgs {
    fn augment_args(command: clap::Command) -> clap::Command {
        let mut command = command.subcommand_required(true).subcommand_value_name("ENDPOINT").after_help(
            "Each endpoint takes a flag per scalar request field, --body FILE|- for the rest (a JSON object \
             the flags are laid over), and --format; a paginated one also --all. Exit codes as for every command.",
        );
        for endpoint in crate::generated::ENDPOINTS {
            let mut sub = clap::Command::new(endpoint.command)
                .about(endpoint.summary)
                .long_about(format!("{}: {}", endpoint.summary, endpoint.description))
                .after_help(endpoint.body_help());
            sub = endpoint.augment(sub, &[], true);
            sub = sub
                .arg(
                    clap::Arg::new(API_BODY)
                        .long("body")
                        .value_name("FILE|-")
                        .value_parser(clap::value_parser!(PathBuf))
                        .help("A JSON object of request fields (arrays, objects, fields the spec does not know); flags win"),
                )
                .arg(
                    clap::Arg::new(API_FORMAT)
                        .long("format")
                        .short('f')
                        .value_name("FORMAT")
                        .value_parser(clap::builder::EnumValueParser::<ApiFormat>::new())
                        .help("Output format: json (default), jsonl (default with --all), table, csv"),
                );
            if endpoint.list.is_some() {
                sub = sub.arg(
                    clap::Arg::new(API_ALL)
                        .long("all")
                        .action(ArgAction::SetTrue)
                        .help("Every item of every page, each once (the page number is the scan's)"),
                );
            }
            command = command.subcommand(sub);
        }
        command
    }

    fn augment_args_for_update(command: clap::Command) -> clap::Command {
        Self::augment_args(command)
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum CallbacksCommand {
    /// Receive callbacks: verify each with your key pair, answer it, print it once as a
    /// JSON line (every field); refused ones get 401/403 and one line on stderr
    #[command(
        after_help = "Examples:\n  nxlink callbacks listen --port 8080 > callbacks.jsonl\n  nxlink callbacks listen --port 0 --max-body-bytes 65536 | jq ."
    )]
    Listen(ListenArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ListenArgs {
    /// Port to listen on (0: any free port, printed on stderr)
    #[arg(long, value_name = "P")]
    pub(crate) port: u16,
    /// Address to listen on
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub(crate) host: std::net::IpAddr,
    /// Output format (one JSON object per line)
    #[arg(long, value_enum, default_value_t = ListenFormat::Jsonl)]
    pub(crate) format: ListenFormat,
    /// Accept callbacks that carry no signature (when you chose not to sign them)
    #[arg(long)]
    pub(crate) allow_unsigned: bool,
    #[command(flatten)]
    pub(crate) limits: ListenLimits,
}

/// What a hostile or broken client may cost the listener, which faces the internet.
#[derive(Debug, Args)]
#[command(next_help_heading = "Limits")]
pub(crate) struct ListenLimits {
    #[arg(long, value_name = "DURATION", value_parser = parse_timeout, help = format!(
        "Close a connection whose request headers have not all arrived this long after it opened (or after a \
         kept-alive request's first byte) [default: {}]", shown(ServerLimits::default().header_timeout())))]
    pub(crate) header_timeout: Option<std::time::Duration>,
    #[arg(long, value_name = "DURATION", value_parser = parse_timeout, help = format!(
        "Answer 408 and close when a request body takes longer than this after its headers [default: {}]",
        shown(ServerLimits::default().body_timeout())))]
    pub(crate) body_timeout: Option<std::time::Duration>,
    #[arg(long, value_name = "DURATION", value_parser = parse_timeout, help = format!(
        "Close a kept-alive connection idle this long [default: {}]", shown(ServerLimits::default().idle_timeout())))]
    pub(crate) idle_timeout: Option<std::time::Duration>,
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..), help = format!(
        "Connections open at once; more wait to be accepted [default: {}]", ServerLimits::default().max_connections()))]
    pub(crate) max_connections: Option<u32>,
    #[arg(long, value_name = "BYTES", value_parser = clap::value_parser!(u32).range(1..), help = format!(
        "Answer 413 to a larger request body, without reading it [default: {}]", ServerLimits::default().max_body_bytes()))]
    pub(crate) max_body_bytes: Option<u32>,
}

impl ListenLimits {
    /// The library's defaults, with what the flags set.
    pub(crate) fn resolve(&self) -> ServerLimits {
        let mut limits = ServerLimits::default();
        if let Some(timeout) = self.header_timeout {
            limits = limits.with_header_timeout(timeout);
        }
        if let Some(timeout) = self.body_timeout {
            limits = limits.with_body_timeout(timeout);
        }
        if let Some(timeout) = self.idle_timeout {
            limits = limits.with_idle_timeout(timeout);
        }
        if let Some(connections) = self.max_connections {
            limits = limits.with_max_connections(connections as usize);
        }
        if let Some(bytes) = self.max_body_bytes {
            limits = limits.with_max_body_bytes(bytes as usize);
        }
        limits
    }
}

/// `10s`, `500ms`: a default duration as the flags take it.
fn shown(duration: std::time::Duration) -> String {
    let millis = duration.as_millis();
    if millis % 1000 == 0 {
        format!("{}s", millis / 1000)
    } else {
        format!("{millis}ms")
    }
}

/// How received callbacks are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ListenFormat {
    /// One JSON object per line, the payload as received
    Jsonl,
}

#[derive(Debug, Subcommand)]
pub(crate) enum AgentsCommand {
    /// Every agent of the account
    #[command(after_help = "Examples:\n  nxlink agents list\n  nxlink agents list --name parcel --format json")]
    List(ScanArgs<ListAgents>),
}

#[derive(Debug, Subcommand)]
pub(crate) enum RoutesCommand {
    /// Every route of the account
    #[command(after_help = "Examples:\n  nxlink routes list\n  nxlink --demo routes list --format csv")]
    List(ScanArgs<ListRoutes>),
}

/// Every item of a paginated endpoint: its filters (generated from the spec) and the
/// output format.
#[derive(Debug, Args)]
pub(crate) struct ScanArgs<Op: Operation + Send + Sync + 'static> {
    /// The request's fields but the page number, which is the scan's.
    #[command(flatten)]
    pub(crate) request: RequestFields<Op, PageNumber>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub(crate) format: Format,
}

#[derive(Debug, Subcommand)]
pub(crate) enum TasksCommand {
    /// Every task, newest first
    #[command(
        after_help = "Examples:\n  nxlink tasks list --format table\n  nxlink tasks list --status 2 --format jsonl | jq -r .taskId"
    )]
    List(ScanArgs<ListTasks>),
    /// Create a task, once even if an answer is lost; prints its id
    #[command(
        after_help = "Examples:\n  nxlink tasks create --name 'December reminders' --agent-id 207 --route-id R1\n  nxlink tasks create --name later --agent-id 207 --route-id R1 --startup manual --user-task-id crm-42"
    )]
    Create(TaskCreateArgs),
}

/// How a new task starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Startup {
    /// Started by hand in the console
    Manual,
    /// At its scheduled time
    Scheduled,
    /// At once
    Immediate,
}

#[derive(Debug, Args)]
pub(crate) struct TaskCreateArgs {
    /// The request's fields (generated from the spec) but the two said below.
    #[command(flatten)]
    pub(crate) request: RequestFields<CreateTask, KeepAndStartup>,
    /// A permanent task (taskKeep 1)
    #[arg(long)]
    pub(crate) keep: bool,
    /// How the task starts
    #[arg(long, value_enum, default_value_t = Startup::Manual)]
    pub(crate) startup: Startup,
}

/// What `tasks create` says in its own words: `--keep` as a switch, `--startup` with a
/// default.
#[derive(Debug)]
pub(crate) struct KeepAndStartup;

impl KeepAndStartup {
    /// The request field `--keep` sets.
    pub(crate) const KEEP: &'static str = "taskKeep";
    /// The request field `--startup` sets.
    pub(crate) const STARTUP: &'static str = "startupType";
}

impl Omit for KeepAndStartup {
    fn fields(_: &nxlink_models::runtime::Endpoint) -> Vec<&'static str> {
        vec![Self::KEEP, Self::STARTUP]
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum ContactsCommand {
    /// Add the contacts of a CSV or JSONL file to a task, each once
    #[command(
        after_help = "Examples:\n  nxlink contacts append --task-id $TASK --file contacts.csv\n  cat contacts.jsonl | nxlink contacts append --task-id $TASK --file -"
    )]
    Append(ContactsAppendArgs),
    /// Delete a contact that has not been dialed
    #[command(after_help = "Examples:\n  nxlink contacts delete --task-id $TASK --contact-id $CONTACT")]
    Delete(ContactsDeleteArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ContactsAppendArgs {
    /// The request's fields (generated from the spec); the contacts come from the file.
    #[command(flatten)]
    pub(crate) request: RequestFields<AppendContacts>,
    /// CSV with a header (phoneNumber, name, optional contactId, any other column a
    /// variable) or JSONL (`.jsonl`); `-` reads standard input as CSV
    #[arg(long, value_name = "FILE")]
    pub(crate) file: PathBuf,
    /// Contacts per request
    #[arg(long, value_name = "N", default_value_t = 500, value_parser = clap::value_parser!(u16).range(1..))]
    pub(crate) batch_size: u16,
    /// Write the contacts of refused batches, with the server's message, to FILE (JSONL)
    #[arg(long, value_name = "FILE")]
    pub(crate) rejects: Option<PathBuf>,
}

/// The contact to delete: the request's fields (generated from the spec, which checks
/// that a task id or your task id is given).
#[derive(Debug, Args)]
pub(crate) struct ContactsDeleteArgs {
    #[command(flatten)]
    pub(crate) request: RequestFields<DeleteContact>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum CallsCommand {
    /// One page of records
    #[command(
        after_help = "Examples:\n  nxlink calls list --task-id $TASK --page-size 50\n  nxlink calls list --task-id $TASK --since 24h --result normal-end-user-hung-up --format json"
    )]
    List(ListArgs),
    /// Every record of every page, streamed (stop early with --limit)
    #[command(
        after_help = "Examples:\n  nxlink calls export --task-id $TASK --format csv -o calls.csv\n  nxlink calls export --task-id $TASK --since 7d --format jsonl | jq .callResult\n  nxlink --demo calls export --task-id 8bdf2a84-fc89-483e-ba1e-35a54285c7d0 --limit 20 --format table"
    )]
    Export(ExportArgs),
    /// What the records add up to: answer rate, outcomes, talk time, intents, calls per hour
    #[command(
        after_help = "Examples:\n  nxlink calls stats --task-id $TASK\n  nxlink calls stats --task-id $TASK --since 7d --format json | jq .answerRate\n  nxlink calls stats --task-id $TASK --from calls.jsonl --html report.html\n  nxlink calls stats --task-id $TASK --from sqlite:nxlink-calls.db --since 7d\n  nxlink --demo calls stats --task-id 8bdf2a84-fc89-483e-ba1e-35a54285c7d0 --html report.html"
    )]
    Stats(StatsArgs),
    /// Keep a SQLite or PostgreSQL table of the records up to date (incremental, resumable)
    #[command(
        after_help = "Examples:\n  nxlink calls sync --task-id $TASK --db sqlite:calls.db\n  nxlink calls sync --all-tasks --db postgres://nxlink@db.internal/analytics\n  nxlink --demo calls sync --task-id 8bdf2a84-fc89-483e-ba1e-35a54285c7d0 --db sqlite:demo.db"
    )]
    Sync(crate::sync::SyncArgs),
}

#[derive(Debug, Args)]
pub(crate) struct StatsArgs {
    /// The request's fields but the page number, which is the scan's.
    #[command(flatten)]
    pub(crate) request: RequestFields<QueryCallRecords, PageNumber>,

    /// Records created in the last SPAN (e.g. 24h, 7d, 1h30m)
    #[arg(long, value_name = "SPAN", value_parser = parse_span, conflicts_with = "startTs")]
    pub(crate) since: Option<jiff::SignedDuration>,

    /// Read the records from SOURCE instead of the API: a JSONL or Parquet export (a file,
    /// or a --partition-by dataset directory), a sync database (sqlite:PATH, a SQLite
    /// file, postgres://...), or - for JSON lines on stdin; only the task id and --since
    /// select
    #[arg(long, value_name = "SOURCE")]
    pub(crate) from: Option<PathBuf>,

    /// Output format
    #[arg(long, short, value_enum, default_value_t = StatsFormat::Table)]
    pub(crate) format: StatsFormat,

    /// Also write a report to FILE: one HTML page with charts, readable offline
    #[arg(long, value_name = "FILE")]
    pub(crate) html: Option<PathBuf>,

    /// Attempts after the first for a failed request (default: the client's policy)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=20))]
    pub(crate) retries: Option<u32>,

    /// Pages fetched ahead at once
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub(crate) concurrency: u16,
}

/// How `calls stats` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum StatsFormat {
    /// Aligned text, for people
    Table,
    /// One JSON object
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// The request's fields, a flag each (generated from the spec).
    #[command(flatten)]
    pub(crate) request: RequestFields<QueryCallRecords>,
    #[command(flatten)]
    pub(crate) query: QueryArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// The request's fields but the page number, which is the scan's.
    #[command(flatten)]
    pub(crate) request: RequestFields<QueryCallRecords, PageNumber>,
    #[command(flatten)]
    pub(crate) query: QueryArgs,
    /// Pages fetched ahead at once
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub(crate) concurrency: u16,
    /// With --format parquet: write a directory of files, one per UTC day of the call's
    /// start (-o DIR/date=YYYY-MM-DD/part-0000.parquet), which DuckDB, Spark or pyarrow
    /// read as one dataset
    #[arg(long, value_enum, value_name = "BY")]
    pub(crate) partition_by: Option<PartitionBy>,
}

/// What `--partition-by` splits an export on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum PartitionBy {
    /// One directory per UTC day of the call's start: `date=YYYY-MM-DD`
    Day,
}

/// What `list` and `export` add to the request's flags: a relative start, output, limits.
#[derive(Debug, Args)]
pub(crate) struct QueryArgs {
    /// Records created in the last SPAN (e.g. 24h, 7d, 1h30m): sets the start to now - SPAN
    #[arg(long, value_name = "SPAN", value_parser = parse_span, conflicts_with = "startTs")]
    pub(crate) since: Option<jiff::SignedDuration>,

    /// Stop after N records
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) limit: Option<u64>,

    /// Attempts after the first for a failed request (default: the client's policy)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=20))]
    pub(crate) retries: Option<u32>,

    /// Output format
    #[arg(long, short, value_enum, default_value_t = Format::Table)]
    pub(crate) format: Format,

    /// Write to FILE instead of stdout: a regular file (or a symlink's target) atomically,
    /// so a failed run leaves it as it was; a FIFO or a device (/dev/null) straight
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

/// How records are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Aligned columns with decoded names, for people
    Table,
    /// One JSON array of records, with the API's field names and codes
    Json,
    /// One JSON record per line, with the API's field names and codes
    Jsonl,
    /// A header of the API's field names, one row per record
    Csv,
    /// Apache Parquet: a typed column per field, codes as integers (needs -o FILE or a
    /// redirected stdout)
    Parquet,
}

#[derive(Debug, Args)]
pub(crate) struct ManArgs {
    /// Write one page per command into this directory (`nxlink.1`, `nxlink-calls.1`,
    /// `nxlink-calls-export.1`, ...) instead of printing the top page
    #[arg(long, value_name = "DIR")]
    pub(crate) dir: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub(crate) shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  nxlink enums                       every table\n  nxlink enums call-result           one table (or its wire name, callResult)\n  nxlink enums --format json | jq '.[].name'"
)]
pub(crate) struct EnumsArgs {
    /// Which table (all when left out): every enum of the spec
    #[arg(value_parser = crate::commands::enums::table_parser())]
    pub(crate) table: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = EnumsFormat::Table)]
    pub(crate) format: EnumsFormat,
}

/// How `nxlink enums` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum EnumsFormat {
    /// One aligned table per enum
    Table,
    /// An array of tables: name, wire, description, values (code, name, description)
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct SignArgs {
    /// The exact request body to sign: a file, or - for stdin (every byte counts, a
    /// trailing newline too)
    #[arg(long, value_name = "FILE|-")]
    pub(crate) body: PathBuf,

    /// Also print the string to sign, with the secret masked
    #[arg(long)]
    pub(crate) explain: bool,

    /// Timestamp to sign, unix milliseconds (default: now)
    #[arg(long, value_name = "MILLIS")]
    pub(crate) ts: Option<i64>,
}

fn parse_region(text: &str) -> Result<Region, String> {
    text.parse::<Region>()
        .map_err(|err| format!("{err}{}", suggest::did_you_mean(text, Region::ALL.iter().map(|region| region.id()))))
}

fn parse_algorithm(text: &str) -> Result<Algorithm, String> {
    text.parse::<Algorithm>().map_err(|err| err.to_string())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn bad_regions_and_results_suggest_the_closest_name() {
        let err = parse_region("amr").unwrap_err();
        assert!(err.ends_with("; did you mean `amer`?"), "{err}");
        assert!(!parse_region("mars").unwrap_err().contains("did you mean"));
        let parse = |text: &str| Cli::try_parse_from(["nxlink", "calls", "list", "--task-id", "t", "--result", text]);
        let err = parse("normal-end-user-hangup").unwrap_err().to_string();
        assert!(err.contains("did you mean `normal-end-user-hung-up`?"), "{err}");
        assert!(err.contains("`normal-end-user-hangup` is not a call result"), "{err}");
        assert!(!err.contains("::") && !err.contains("CallResult"), "{err}");
        let Command::Calls(calls) = parse("voice-mail").unwrap().command else { panic!() };
        let CallsCommand::List(list) = *calls else { panic!() };
        assert_eq!(list.request.fields["callResult"], serde_json::json!(nxlink_models::CallResult::Voicemail.code()));
    }

    /// Bug: a `listen` limit flag parsed but not passed on (`resolve` dropping a setter).
    #[test]
    fn every_listen_limit_flag_reaches_the_server_limits() {
        use std::time::Duration;
        let parse = |args: &[&str]| {
            let mut argv = vec!["nxlink", "callbacks", "listen", "--port", "0"];
            argv.extend_from_slice(args);
            match Cli::try_parse_from(argv).unwrap().command {
                Command::Callbacks(CallbacksCommand::Listen(listen)) => listen.limits.resolve(),
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(parse(&[]), ServerLimits::default(), "no flag: the library's defaults");
        let limits = parse(&[
            "--header-timeout",
            "1s",
            "--body-timeout",
            "2s",
            "--idle-timeout",
            "3s",
            "--max-connections",
            "7",
            "--max-body-bytes",
            "900",
        ]);
        assert_eq!(
            (limits.header_timeout(), limits.body_timeout(), limits.idle_timeout()),
            (Duration::from_secs(1), Duration::from_secs(2), Duration::from_secs(3))
        );
        assert_eq!((limits.max_connections(), limits.max_body_bytes()), (7, 900));
        for bad in [["--max-connections", "0"], ["--header-timeout", "0s"], ["--max-body-bytes", "-1"]] {
            let mut argv = vec!["nxlink", "callbacks", "listen", "--port", "0"];
            argv.extend_from_slice(&bad);
            assert!(Cli::try_parse_from(argv).is_err(), "{bad:?}");
        }
    }

    /// Every flag each command took before `nxlink api` existed, with a value it
    /// accepts: a renamed or dropped flag fails here by name. Bug: a spec `cli` name
    /// lost in a docs apply, so `--start` became `--start-ts`.
    #[test]
    fn every_flag_of_every_command_still_parses() {
        let global: &[&[&str]] = &[
            &["--region", "hk"],
            &["--profile", "p"],
            &["--access-key", "k"],
            &["--secret-file", "/dev/null"],
            &["--algorithm", "sha256"],
            &["--verbose"],
            &["-v"],
            &["--quiet"],
            &["-q"],
        ];
        let query: &[&[&str]] = &[
            &["--start", "2025-05-01"],
            &["--end", "1746057600"],
            &["--call-id", "c"],
            &["--phone", "1380"],
            &["--result", "voicemail"],
            &["--result", "17"],
            &["--intent", "x"],
            &["--min-elapsed", "1"],
            &["--max-elapsed", "2"],
            &["--page-size", "10"],
            &["--limit", "5"],
            &["--retries", "2"],
            &["--format", "csv"],
            &["-f", "jsonl"],
            &["--output", "out.csv"],
            &["-o", "out.csv"],
        ];
        let mut cases: Vec<(Vec<&str>, &[&str])> = Vec::new();
        for flags in global {
            cases.push((vec!["calls", "list", "--task-id", "t"], flags));
        }
        cases.push((vec!["--demo", "calls", "list", "--task-id", "t"], &[]));
        cases.push((vec!["--base-url", "http://127.0.0.1:1", "calls", "list", "--task-id", "t"], &[]));
        cases.push((vec!["--secret-stdin", "calls", "list", "--task-id", "t"], &[]));
        for flags in query {
            cases.push((vec!["calls", "list", "--task-id", "t"], flags));
            cases.push((vec!["calls", "export", "--task-id", "t"], flags));
        }
        cases.push((vec!["calls", "list", "--task-id", "t"], &["--page", "2"]));
        cases.push((vec!["calls", "export", "--task-id", "t"], &["--since", "24h"]));
        cases.push((vec!["calls", "export", "--task-id", "t"], &["--concurrency", "8"]));
        cases.push((vec!["enums"], &["call-result"]));
        cases.push((vec!["enums"], &["call-status"]));
        cases.push((vec!["enums"], &["error-codes"]));
        cases.push((vec!["sign", "--body", "-"], &["--explain"]));
        cases.push((vec!["sign", "--body", "-"], &["--ts", "1"]));
        for list in ["agents", "routes"] {
            cases.push((vec![list, "list"], &["--name", "x"]));
            cases.push((vec![list, "list"], &["--format", "json"]));
        }
        cases.push((vec!["tasks", "list"], &["--name", "x"]));
        cases.push((vec!["tasks", "list"], &["--status", "paused"]));
        cases.push((vec!["tasks", "list"], &["--format", "csv"]));
        let create = vec!["tasks", "create", "--name", "n", "--agent-id", "1", "--route-id", "r"];
        for flags in [
            &["--user-task-id", "u"][..],
            &["--description", "d"],
            &["--keep"],
            &["--startup", "immediate"],
            &["--call-callback-url", "https://x"],
            &["--task-callback-url", "https://x"],
            &["--other", "o"],
        ] {
            cases.push((create.clone(), flags));
        }
        let append = vec!["contacts", "append", "--task-id", "t", "--file", "c.csv"];
        for flags in [&["--country-code", "86"][..], &["--batch-size", "10"], &["--rejects", "r.jsonl"]] {
            cases.push((append.clone(), flags));
        }
        cases.push((vec!["contacts", "delete", "--contact-id", "c"], &["--task-id", "t"]));
        cases.push((vec!["contacts", "delete", "--contact-id", "c"], &["--user-task-id", "u"]));
        let listen = vec!["callbacks", "listen", "--port", "0"];
        for flags in [
            &["--host", "0.0.0.0"][..],
            &["--format", "jsonl"],
            &["--allow-unsigned"],
            &["--header-timeout", "1s"],
            &["--body-timeout", "1s"],
            &["--idle-timeout", "1s"],
            &["--max-connections", "1"],
            &["--max-body-bytes", "1"],
        ] {
            cases.push((listen.clone(), flags));
        }
        for (command, flags) in cases {
            let argv: Vec<&str> =
                ["nxlink"].into_iter().chain(command.iter().copied()).chain(flags.iter().copied()).collect();
            if let Err(err) = Cli::try_parse_from(&argv) {
                panic!("{argv:?}: {err}");
            }
        }
    }

    /// Bug: a generated flag that clashes with one of the CLI's own (xtask's
    /// `RESERVED_FLAGS` missing one) makes clap panic at start-up.
    #[test]
    fn the_command_line_with_every_generated_endpoint_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
        let api = Cli::command().find_subcommand("api").cloned().unwrap();
        assert_eq!(api.get_subcommands().filter(|c| c.get_name() != "help").count(), nxlink_models::ENDPOINTS.len());
    }

    /// The results that carry an intent, in `--intent`'s help, from the spec's group.
    #[test]
    fn the_intent_help_names_the_results_of_the_generated_predicate() {
        use clap::CommandFactory;
        let expected: Vec<String> = nxlink_models::CallResult::ALL
            .iter()
            .filter(|r| r.is_intent_available())
            .map(|r| r.code().to_string())
            .collect();
        assert!(expected.len() > 1);
        let mut command = Cli::command();
        let list = command.find_subcommand_mut("calls").and_then(|c| c.find_subcommand_mut("list")).unwrap();
        let intent = list.get_arguments().find(|a| a.get_long() == Some("intent")).unwrap();
        let help = intent.get_help().unwrap().to_string();
        assert!(help.ends_with(&format!("(only with --result {})", suggest::or_list(&expected))), "{help}");
    }
}
