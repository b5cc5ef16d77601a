//! An endpoint's request as command-line flags, from the tables `cargo xtask codegen`
//! writes into `generated/`: the clap arguments, the JSON body they make, the flag that
//! sets a wire field (for error messages), and the typed call behind `nxlink api`.
//! Nothing here names a field: a field the spec gains becomes a flag with no edit.

use std::marker::PhantomData;

use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use futures_util::{FutureExt, StreamExt, TryStreamExt};
use nxlink_client::{Client, Error as ApiCallError, RequestBuilder};
use nxlink_models::runtime::{Endpoint, Operation, PaginatedOperation};
use serde_json::{Map, Value};

use crate::error::CliError;
use crate::suggest;
use crate::time::{parse_end, parse_start};

/// An endpoint as `nxlink api` offers it (generated, one per spec endpoint).
#[derive(Clone, Copy)]
pub(crate) struct EndpointArgs {
    /// The subcommand: the kebab-case of the operation name (`query-call-records`).
    pub(crate) command: &'static str,
    /// The vendor's title, for the list of commands.
    pub(crate) summary: &'static str,
    /// What the endpoint does, for its `--help`.
    pub(crate) description: &'static str,
    /// Where and how it is called.
    pub(crate) endpoint: Endpoint,
    /// A flag per scalar request field.
    pub(crate) flags: &'static [Flag],
    /// The request fields only `--body` sets (arrays and objects), described.
    pub(crate) body_fields: &'static [&'static str],
    /// The field of `data` holding the items, for a paginated endpoint.
    pub(crate) list: Option<&'static str>,
    /// The known fields of an item (or of `data`), in the vendor's order: the columns of
    /// the table and CSV output.
    pub(crate) columns: &'static [&'static str],
    /// The typed call.
    pub(crate) call: &'static dyn Call,
}

impl std::fmt::Debug for EndpointArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EndpointArgs").field("command", &self.command).finish_non_exhaustive()
    }
}

/// A request field's flag.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Flag {
    /// The field's wire name, also the clap argument's id.
    pub(crate) wire: &'static str,
    /// The flag, without `--`.
    pub(crate) long: &'static str,
    /// What `--help` shows for the value.
    pub(crate) value_name: &'static str,
    /// One line for `-h`.
    pub(crate) help: &'static str,
    /// The line and the details (enum values, example, notes) for `--help`.
    pub(crate) long_help: &'static str,
    /// How the value is read.
    pub(crate) kind: Kind,
    /// Required by the spec, with no default (`--body` may give it instead).
    pub(crate) required: bool,
    /// The value a required field has when neither a flag nor `--body` sets it.
    pub(crate) default: Option<i64>,
}

/// How a flag's text becomes the field's JSON value.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    /// Text, as given.
    Text,
    /// A 32-bit integer.
    Int32,
    /// A 64-bit integer.
    Int64,
    /// A finite number.
    Float,
    /// `true`/`false` (or 1/0).
    #[allow(dead_code, reason = "made by the generated tables once the spec has a boolean request field")]
    Bool,
    /// A time in unix seconds (or milliseconds); an end bound takes a date's last second.
    Time { millis: bool, end: bool },
    /// A code of an enum, by number or by kebab-case name.
    Code(&'static [(i64, &'static str)]),
}

impl Kind {
    fn parse(self, text: &str) -> Result<Value, String> {
        match self {
            Self::Text => Ok(Value::from(text)),
            Self::Int32 => text
                .trim()
                .parse::<i32>()
                .map(Value::from)
                .map_err(|_| format!("`{text}` is not a whole number from {} to {}", i32::MIN, i32::MAX)),
            Self::Int64 => text
                .trim()
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| format!("`{text}` is not a whole number from {} to {}", i64::MIN, i64::MAX)),
            Self::Float => match text.trim().parse::<f64>() {
                Ok(number) if number.is_finite() => Ok(Value::from(number)),
                _ => Err(format!("`{text}` is not a finite number")),
            },
            Self::Bool => match text.trim().to_ascii_lowercase().as_str() {
                "true" | "1" => Ok(Value::Bool(true)),
                "false" | "0" => Ok(Value::Bool(false)),
                _ => Err(format!("`{text}` is not true or false (or 1 or 0)")),
            },
            Self::Time { millis, end } => {
                let seconds = if end { parse_end(text)? } else { parse_start(text)? };
                if millis {
                    seconds
                        .checked_mul(1000)
                        .map(Value::from)
                        .ok_or_else(|| format!("`{text}` is too far from 1970 to count in milliseconds"))
                } else {
                    Ok(Value::from(seconds))
                }
            }
            Self::Code(values) => {
                let wanted = text.trim();
                // A code the docs do not list is kept: the service may know newer ones.
                if let Ok(code) = wanted.parse::<i64>() {
                    return Ok(Value::from(code));
                }
                // `voice-mail`, `Voicemail` and `voicemail` all name `voicemail`.
                let loose = |name: &str| suggest::kebab(name).replace('-', "");
                let wanted_loose = loose(wanted);
                if let Some((code, _)) = values.iter().find(|(_, name)| loose(name) == wanted_loose) {
                    return Ok(Value::from(*code));
                }
                let names: Vec<&str> = values.iter().map(|(_, name)| *name).collect();
                let example =
                    values.first().map_or_else(String::new, |(code, name)| format!(", e.g. {code} or {name}"));
                Err(format!(
                    "`{text}` is not a code or a name{example}; see --help for the list{}",
                    suggest::did_you_mean(wanted, names)
                ))
            }
        }
    }
}

impl EndpointArgs {
    /// The endpoint's flags on `command`. `skip` names fields the command sets itself
    /// (the page number of a scan); with `body`, a required field may come from
    /// `--body` instead of its flag.
    pub(crate) fn augment(&self, mut command: clap::Command, skip: &[&str], body: bool) -> clap::Command {
        for flag in self.flags.iter().filter(|flag| !skip.contains(&flag.wire)) {
            let kind = flag.kind;
            let mut arg = clap::Arg::new(flag.wire)
                .long(flag.long)
                .value_name(flag.value_name)
                .help(flag.help)
                .long_help(flag.long_help)
                .value_parser(clap::builder::ValueParser::new(move |text: &str| kind.parse(text)));
            if let Some(default) = flag.default {
                arg = arg.help(format!("{} [default: {default}]", flag.help));
            }
            if flag.required {
                arg = arg.help(format!("{} [required]", flag.help));
                arg = if body { arg.required_unless_present("body") } else { arg.required(true) };
            }
            command = command.arg(arg);
        }
        command
    }

    /// The fields the flags set, by wire name.
    pub(crate) fn fields_of(&self, matches: &clap::ArgMatches) -> Map<String, Value> {
        let mut body = Map::new();
        for flag in self.flags {
            if let Ok(Some(value)) = matches.try_get_one::<Value>(flag.wire) {
                body.insert(flag.wire.to_owned(), value.clone());
            }
        }
        body
    }

    /// Gives each required field with a default its default when nothing set it.
    pub(crate) fn fill_defaults(&self, body: &mut Map<String, Value>) {
        for flag in self.flags {
            if let Some(default) = flag.default {
                body.entry(flag.wire).or_insert_with(|| Value::from(default));
            }
        }
    }

    /// The flag that sets the wire field at `path` (`startTs`, `list[3].phoneNumber`):
    /// `--start`, or `--body` for a field no flag sets.
    pub(crate) fn flag_of(&self, path: &str) -> String {
        let top = path.split(['[', '.']).next().unwrap_or(path);
        self.flags
            .iter()
            .find(|flag| flag.wire == top && flag.wire == path)
            .map_or_else(|| "--body".to_owned(), |flag| format!("--{}", flag.long))
    }

    /// The endpoint's `--help` text after its flags: what only `--body` sets.
    pub(crate) fn body_help(&self) -> String {
        if self.body_fields.is_empty() {
            return String::new();
        }
        format!("Set with --body (a JSON object): {}", self.body_fields.join("; "))
    }
}

/// An endpoint's request checked and sent with its generated types, so `nxlink api`
/// validates and retries exactly as the Rust SDK does.
pub(crate) trait Call: Sync {
    /// Decodes `body` into the request type and runs the spec's validation.
    fn check(&self, args: &EndpointArgs, body: &Map<String, Value>) -> Result<(), CliError>;
    /// One call; `data` as the server sent it.
    fn send<'a>(&'a self, client: &'a Client, body: Map<String, Value>) -> BoxFuture<'a, Result<Value, ApiCallError>>;
    /// Every item of every page, for a paginated endpoint.
    fn all<'a>(
        &'a self,
        client: &'a Client,
        body: Map<String, Value>,
    ) -> Option<BoxStream<'a, Result<Value, ApiCallError>>>;
}

/// The call of an endpoint that does not page.
pub(crate) struct Plain<Op>(PhantomData<fn() -> Op>);

/// The call of a paginated endpoint.
pub(crate) struct Paged<Op>(PhantomData<fn() -> Op>);

impl<Op> Plain<Op> {
    /// The value the generated table points at.
    pub(crate) const NEW: Self = Self(PhantomData);
}

impl<Op> Paged<Op> {
    /// The value the generated table points at.
    pub(crate) const NEW: Self = Self(PhantomData);
}

/// The typed request `body` stands for: decoded as the server would read it (unknown
/// fields kept and sent), then validated against the spec.
fn request<Op: Operation>(args: &EndpointArgs, body: &Map<String, Value>) -> Result<Op::Request, CliError> {
    // With `--body`, clap lets a required flag be left out: the body may hold it.
    if let Some(flag) = args.flags.iter().find(|flag| flag.required && !body.contains_key(flag.wire)) {
        return Err(CliError::usage(format!("--{} is required (or `{}` in --body)", flag.long, flag.wire)));
    }
    let bytes = serde_json::to_vec(body).map_err(|err| CliError::usage(format!("cannot encode the request: {err}")))?;
    let request: Op::Request = nxlink_models::decode(&bytes).map_err(|err| {
        let path = err.path().to_string();
        CliError::usage(format!("invalid request field `{path}`: {} (set by {})", err.message(), args.flag_of(&path)))
    })?;
    Op::validate(&request)
        .map_err(|invalid| CliError::usage(format!("{invalid} (set by {})", args.flag_of(invalid.field()))))?;
    Ok(request)
}

fn decoded<Op: Operation>(body: Map<String, Value>) -> Result<Op::Request, ApiCallError> {
    // `check` ran first; a body that no longer decodes is a validation failure.
    serde_json::from_value(Value::Object(body)).map_err(|err| {
        ApiCallError::Validation(nxlink_models::runtime::ValidationError::new("", format!("cannot decode: {err}")))
    })
}

fn as_json<T: serde::Serialize>(value: &T) -> Result<Value, ApiCallError> {
    serde_json::to_value(value).map_err(|err| {
        ApiCallError::Validation(nxlink_models::runtime::ValidationError::new("", format!("cannot encode: {err}")))
    })
}

/// One call of `Op`; `data` as the server sent it.
fn send<Op: Operation>(client: &Client, body: Map<String, Value>) -> BoxFuture<'_, Result<Value, ApiCallError>> {
    async move {
        let request = decoded::<Op>(body)?;
        let data = client.execute::<Op>(&request).await?;
        as_json(&*data)
    }
    .boxed()
}

impl<Op: Operation> Call for Plain<Op> {
    fn check(&self, args: &EndpointArgs, body: &Map<String, Value>) -> Result<(), CliError> {
        request::<Op>(args, body).map(drop)
    }

    fn send<'a>(&'a self, client: &'a Client, body: Map<String, Value>) -> BoxFuture<'a, Result<Value, ApiCallError>> {
        send::<Op>(client, body)
    }

    fn all<'a>(&'a self, _: &'a Client, _: Map<String, Value>) -> Option<BoxStream<'a, Result<Value, ApiCallError>>> {
        None
    }
}

impl<Op: PaginatedOperation> Call for Paged<Op> {
    fn check(&self, args: &EndpointArgs, body: &Map<String, Value>) -> Result<(), CliError> {
        request::<Op>(args, body).map(drop)
    }

    fn send<'a>(&'a self, client: &'a Client, body: Map<String, Value>) -> BoxFuture<'a, Result<Value, ApiCallError>> {
        send::<Op>(client, body)
    }

    fn all<'a>(
        &'a self,
        client: &'a Client,
        body: Map<String, Value>,
    ) -> Option<BoxStream<'a, Result<Value, ApiCallError>>> {
        let items = match decoded::<Op>(body) {
            Ok(request) => RequestBuilder::<Op>::new(client.clone(), request)
                .items()
                .and_then(|item| futures_util::future::ready(as_json(&item)))
                .boxed(),
            Err(err) => futures_util::stream::once(futures_util::future::ready(Err(err))).boxed(),
        };
        Some(items)
    }
}
