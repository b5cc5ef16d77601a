//! An endpoint's request as command-line flags, from the tables `cargo xtask codegen`
//! writes into `generated/`: the clap arguments, the JSON body they make, the flag that
//! sets a wire field (for error messages), and the typed call behind `nxlink api`.
//! Nothing here names a field: a field the spec gains becomes a flag with no edit.

use std::marker::PhantomData;

use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use futures_util::{FutureExt, StreamExt, TryStreamExt};
use nxlink_client::{Client, Error as ApiCallError, RequestBuilder};
use nxlink_models::runtime::{Endpoint, Operation, PaginatedOperation, Rule, ValidationError};
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
    /// A code of an enum, by number or by kebab-case name; `what` is the enum in words
    /// (`call result`).
    Code { what: &'static str, values: &'static [(i64, &'static str)] },
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
            Self::Code { what, values } => {
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
                    values.first().map_or_else(String::new, |(code, name)| format!(" ({code}) or a name ({name})"));
                Err(format!(
                    "`{text}` is not a {what}: expected a code{example}, see --help for the list{}",
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

    /// The default of the required field `wire`, when the spec gives one.
    pub(crate) fn default_of(&self, wire: &str) -> Option<i64> {
        self.flag(wire).and_then(|flag| flag.default)
    }

    /// The flag of the wire field `wire`, when a flag sets it.
    fn flag(&self, wire: &str) -> Option<&Flag> {
        self.flags.iter().find(|flag| flag.wire == wire)
    }

    /// The field a "since" span sets: the first time that opens a window (a start
    /// bound), when the endpoint has one.
    pub(crate) fn start_time(&self) -> Option<&'static str> {
        self.flags.iter().find(|flag| matches!(flag.kind, Kind::Time { end: false, .. })).map(|flag| flag.wire)
    }

    /// A validation error in the words of the command line: the flags that set the
    /// fields, times in RFC 3339 (from the spec's units), enum codes with their names.
    /// `shown` may say how a field was set when no flag of its own did (`--since 24h`).
    pub(crate) fn explain(&self, invalid: &ValidationError, shown: &dyn Fn(&str) -> Option<String>) -> String {
        let field = invalid.field();
        let is_time = |wire: &str| self.flag(wire).is_some_and(|flag| matches!(flag.kind, Kind::Time { .. }));
        let time = |text: &str| text.parse::<i64>().map_or_else(|_| text.to_owned(), crate::time::rfc3339);
        // `--start 2025-05-01T00:00:00Z`, or how the field was set.
        let with_value = |wire: &str, value: &str| {
            shown(wire).unwrap_or_else(|| {
                let value = if is_time(wire) { time(value) } else { value.to_owned() };
                format!("{} {value}", self.flag_of(wire))
            })
        };
        match invalid.rule() {
            Rule::Range { min, max, got } if is_time(field) => {
                let here = with_value(field, got);
                match (min, max) {
                    (Some(min), _) if got.parse::<i64>().is_ok_and(|got| got < *min) => {
                        format!("{here} is before {}; expected a time from then on", crate::time::rfc3339(*min))
                    }
                    (_, Some(max)) => {
                        format!("{here} is after {}; expected a time up to then", crate::time::rfc3339(*max))
                    }
                    _ => format!("{invalid} (set by {})", self.flag_of(field)),
                }
            }
            Rule::NotAfter { other, first, second } => {
                let (a, b) = (with_value(field, first), with_value(other, second));
                if is_time(field) && is_time(other) {
                    format!("{a} is after {b}; expected the start at or before the end")
                } else {
                    format!("{a} is greater than {b}; expected it at most that")
                }
            }
            Rule::OnlyWithGroup { other, got, allowed } => {
                let codes: Vec<String> = allowed.iter().map(i64::to_string).collect();
                let other_flag = self.flag_of(other);
                let name = match self.flag(other).map(|flag| flag.kind) {
                    Some(Kind::Code { values, .. }) => values
                        .iter()
                        .find(|(code, _)| code == got)
                        .map_or("a code this version does not know", |(_, name)| name),
                    _ => "a code this version does not know",
                };
                format!(
                    "{} needs {other_flag} {}; got {other_flag} {got} ({name})",
                    self.flag_of(field),
                    suggest::or_list(&codes)
                )
            }
            Rule::AtLeastOneOf { fields } => {
                let flags: Vec<String> = fields.iter().map(|wire| self.flag_of(wire)).collect();
                format!("{} is required (at least one of them)", suggest::or_list(&flags))
            }
            _ => format!("{invalid} (set by {})", self.flag_of(field)),
        }
    }

    /// The endpoint's `--help` text after its flags: what only `--body` sets.
    pub(crate) fn body_help(&self) -> String {
        let mut help = String::new();
        if !self.body_fields.is_empty() {
            help.push_str(&format!("Set with --body (a JSON object): {}\n\n", self.body_fields.join("; ")));
        }
        // An example built from the table: the required flags with a placeholder each.
        let required: String = self
            .flags
            .iter()
            .filter(|flag| flag.required)
            .map(|flag| format!(" --{} {}", flag.long, flag.value_name))
            .collect();
        let command = format!("nxlink api {}{required}", self.command);
        help.push_str(&format!("Examples:\n  {command}\n"));
        if self.list.is_some() {
            help.push_str(&format!("  {command} --all --format jsonl > items.jsonl\n"));
        }
        if !self.body_fields.is_empty() {
            help.push_str(&format!("  {command} --body request.json\n"));
        }
        help
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
/// fields kept and sent), then validated against the spec; errors in the words of the
/// command line (`shown`: see [`EndpointArgs::explain`]).
pub(crate) fn request<Op: Operation>(
    args: &EndpointArgs,
    body: &Map<String, Value>,
    shown: &dyn Fn(&str) -> Option<String>,
) -> Result<Op::Request, CliError> {
    let request = decode::<Op>(args, body)?;
    Op::validate(&request).map_err(|invalid| CliError::usage(args.explain(&invalid, shown)))?;
    Ok(request)
}

/// [`request`] before validation: for a command that completes the request itself
/// (`contacts append` adds each batch's contacts; the client validates what it sends).
pub(crate) fn decode<Op: Operation>(args: &EndpointArgs, body: &Map<String, Value>) -> Result<Op::Request, CliError> {
    // With `--body`, clap lets a required flag be left out: the body may hold it.
    if let Some(flag) = args.flags.iter().find(|flag| flag.required && !body.contains_key(flag.wire)) {
        return Err(CliError::usage(format!("--{} is required (or `{}` in --body)", flag.long, flag.wire)));
    }
    let bytes = serde_json::to_vec(body).map_err(|err| CliError::usage(format!("cannot encode the request: {err}")))?;
    nxlink_models::decode(&bytes).map_err(|err| {
        let path = err.path().to_string();
        CliError::usage(format!("invalid request field `{path}`: {} (set by {})", err.message(), args.flag_of(&path)))
    })
}

/// The flag table of `Op` (every operation has one: both come from the same spec).
pub(crate) fn table_of<Op: Operation>() -> Option<&'static EndpointArgs> {
    crate::generated::ENDPOINTS.iter().copied().find(|args| args.endpoint.name == Op::ENDPOINT.name)
}

/// `Op`'s request flags as clap arguments, for a command to flatten and add only what
/// is its own. `O` names the fields the command sets in its own words.
pub(crate) struct RequestFields<Op, O = Nothing> {
    /// The fields the flags set, by wire name.
    pub(crate) fields: Map<String, Value>,
    op: PhantomData<fn() -> (Op, O)>,
}

/// The request fields a command sets itself rather than by their generated flags.
pub(crate) trait Omit {
    /// Their wire names, for `endpoint`.
    fn fields(endpoint: &Endpoint) -> Vec<&'static str>;
}

/// Every field has its flag.
#[derive(Debug)]
pub(crate) struct Nothing;

impl Omit for Nothing {
    fn fields(_: &Endpoint) -> Vec<&'static str> {
        Vec::new()
    }
}

/// The page number is the scan's.
#[derive(Debug)]
pub(crate) struct PageNumber;

impl Omit for PageNumber {
    fn fields(endpoint: &Endpoint) -> Vec<&'static str> {
        endpoint.pagination.map(|pagination| pagination.page_number).into_iter().collect()
    }
}

impl<Op, O> std::fmt::Debug for RequestFields<Op, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Values may be personal data (a phone number): names only.
        f.debug_list().entries(self.fields.keys()).finish()
    }
}

impl<Op: Operation, O: Omit> RequestFields<Op, O> {
    /// The table behind the flags.
    pub(crate) fn table(&self) -> Result<&'static EndpointArgs, CliError> {
        table_of::<Op>().ok_or_else(|| CliError::local(format!("no flag table for {}", Op::ENDPOINT.name)))
    }
}

impl<Op: Operation, O: Omit> clap::FromArgMatches for RequestFields<Op, O> {
    fn from_arg_matches(matches: &clap::ArgMatches) -> Result<Self, clap::Error> {
        let fields = table_of::<Op>().map(|args| args.fields_of(matches)).unwrap_or_default();
        Ok(Self { fields, op: PhantomData })
    }

    fn update_from_arg_matches(&mut self, matches: &clap::ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl<Op: Operation, O: Omit> clap::Args for RequestFields<Op, O> {
    fn augment_args(command: clap::Command) -> clap::Command {
        match table_of::<Op>() {
            Some(args) => args.augment(command, &O::fields(&Op::ENDPOINT), false),
            None => command,
        }
    }

    fn augment_args_for_update(command: clap::Command) -> clap::Command {
        Self::augment_args(command)
    }
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
        request::<Op>(args, body, &|_| None).map(drop)
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
        request::<Op>(args, body, &|_| None).map(drop)
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use nxlink_models::{DeleteContact, QueryCallRecords, QueryCallRecordsRequest};

    use super::*;

    /// What the generated validation says of a request, in the flags' words.
    fn explained(request: &QueryCallRecordsRequest, shown: &dyn Fn(&str) -> Option<String>) -> String {
        let invalid = request.validate().unwrap_err();
        table_of::<QueryCallRecords>().unwrap().explain(&invalid, shown)
    }

    /// Bug: a rule rendered with wire names or raw seconds, or with the wrong flag.
    #[test]
    fn each_rule_is_said_with_flags_times_and_names() {
        let base = || QueryCallRecordsRequest::new("t");
        let cases: Vec<(QueryCallRecordsRequest, &str)> = vec![
            (
                base().start_ts(1_746_057_600).end_ts(1_745_971_200),
                "--start 2025-05-01T00:00:00Z is after --end 2025-04-30T00:00:00Z; expected the start at or before the end",
            ),
            (base().start_ts(-86_400), "--start 1969-12-31T00:00:00Z is before 1970-01-01T00:00:00Z; expected a time from then on"),
            (base().min_elapsed(9).max_elapsed(3), "--min-elapsed 9 is greater than --max-elapsed 3; expected it at most that"),
            (base().page_size(0), "invalid request field `pageSize`: must be between 1 and 1000, got 0 (set by --page-size)"),
        ];
        for (request, expected) in cases {
            assert_eq!(explained(&request, &|_| None), expected);
        }
        // A field set some other way is shown that way.
        let shown = |wire: &str| (wire == "startTs").then(|| "--since 1d (start X)".to_owned());
        let line = explained(&base().start_ts(10).end_ts(5), &shown);
        assert!(line.starts_with("--since 1d (start X) is after --end 1970-01-01T00:00:05Z"), "{line}");

        let no_tag = nxlink_models::CallResult::ALL.iter().find(|r| !r.is_intent_available()).unwrap();
        let line = explained(&base().user_intent("x").call_result(*no_tag), &|_| None);
        let codes: Vec<String> = nxlink_models::CallResult::ALL
            .iter()
            .filter(|r| r.is_intent_available())
            .map(|r| r.code().to_string())
            .collect();
        let name = crate::suggest::kebab(no_tag.name());
        let expected = format!(
            "--intent needs --result {}; got --result {} ({name})",
            crate::suggest::or_list(&codes),
            no_tag.code()
        );
        assert_eq!(line, expected);

        let delete = nxlink_models::DeleteContactRequest::new("c");
        let invalid = delete.validate().unwrap_err();
        let line = table_of::<DeleteContact>().unwrap().explain(&invalid, &|_| None);
        assert_eq!(line, "--task-id or --user-task-id is required (at least one of them)");
    }

    /// Bug: a kind parsing a neighbour's form (`1e3` as an integer, `maybe` as a bool).
    #[test]
    fn each_kind_takes_its_forms_and_refuses_near_misses() {
        let ok = [
            (Kind::Int32, "7", Value::from(7)),
            (Kind::Int64, " -9 ", Value::from(-9)),
            (Kind::Float, "0.5", Value::from(0.5)),
            (Kind::Bool, "1", Value::Bool(true)),
            (Kind::Bool, "False", Value::Bool(false)),
            (Kind::Text, " as is ", Value::from(" as is ")),
            (Kind::Time { millis: false, end: false }, "1970-01-02", Value::from(86_400)),
            (Kind::Time { millis: false, end: true }, "1970-01-01", Value::from(86_399)),
            (Kind::Time { millis: true, end: false }, "1970-01-02", Value::from(86_400_000)),
            (Kind::Code { what: "color", values: &[(1, "deep-red")] }, "deep-red", Value::from(1)),
            (Kind::Code { what: "color", values: &[(1, "deep-red")] }, "DeepRed", Value::from(1)),
            (Kind::Code { what: "color", values: &[(1, "deep-red")] }, "42", Value::from(42)),
        ];
        for (kind, text, expected) in ok {
            assert_eq!(kind.parse(text).unwrap(), expected, "{kind:?} {text}");
        }
        let refused = [
            (Kind::Int32, "2147483648"),
            (Kind::Int32, "1e3"),
            (Kind::Int64, "1.5"),
            (Kind::Float, "NaN"),
            (Kind::Float, "inf"),
            (Kind::Bool, "maybe"),
            (Kind::Time { millis: false, end: false }, "yesterday"),
            (Kind::Code { what: "color", values: &[(1, "deep-red")] }, "deep-rd"),
        ];
        for (kind, text) in refused {
            assert!(kind.parse(text).is_err(), "{kind:?} {text}");
        }
        let err = Kind::Code { what: "color", values: &[(1, "deep-red")] }.parse("deep-rd").unwrap_err();
        assert!(err.starts_with("`deep-rd` is not a color") && err.ends_with("did you mean `deep-red`?"), "{err}");
    }
}
