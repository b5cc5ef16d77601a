//! Where the endpoint and the credentials come from: flags, then the environment, then
//! a profile of the profile file, first one that says something wins.
//!
//! The secret is never a flag value (it would land in shell history and in `ps`): it
//! comes from `--secret-file`, `--secret-stdin`, `NXLINK_ACCESS_SECRET` or the profile's
//! `secret_file`. Messages name the source of a value, never the secret itself.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use nxlink_auth::{AccessSecret, Credentials};
use nxlink_models::Region;
use serde::de::{DeserializeOwned, Deserializer, Visitor};
use serde::Deserialize;
use toml::de::{DeTable, DeValue};

use crate::args::GlobalArgs;
use crate::error::CliError;
use crate::suggest;

pub(crate) const ENV_ACCESS_KEY: &str = "NXLINK_ACCESS_KEY";
pub(crate) const ENV_ACCESS_SECRET: &str = "NXLINK_ACCESS_SECRET";
pub(crate) const ENV_REGION: &str = "NXLINK_REGION";
pub(crate) const ENV_BASE_URL: &str = "NXLINK_BASE_URL";
pub(crate) const ENV_CONFIG: &str = "NXLINK_CONFIG";

/// The profile used when `--profile` names none.
const DEFAULT_PROFILE: &str = "default";

/// The profile file: `[profiles.NAME]` tables.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    #[serde(default)]
    profiles: BTreeMap<String, Profile>,
}

/// One profile. No `secret` key on purpose: a secret sits in its own file, which can
/// have tighter permissions than a config file people share.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Profile {
    region: Option<String>,
    base_url: Option<String>,
    access_key: Option<String>,
    secret_file: Option<PathBuf>,
    /// Where the profile was read from, for messages and relative `secret_file`s.
    #[serde(skip)]
    origin: String,
    #[serde(skip)]
    dir: PathBuf,
}

/// What the process environment and stdin look like to the resolver; tests pass
/// their own.
pub(crate) struct Sources<'a> {
    pub(crate) env: &'a dyn Fn(&str) -> Option<String>,
    pub(crate) read_stdin_line: &'a mut dyn FnMut() -> std::io::Result<String>,
}

impl Sources<'_> {
    fn var(&self, name: &str) -> Option<String> {
        (self.env)(name).filter(|value| !value.trim().is_empty())
    }
}

/// The API base URL and where it came from (named in errors about it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Endpoint {
    pub(crate) base_url: String,
    pub(crate) source: String,
}

/// Reads the profile named by `--profile`, or `default` when the file has one.
///
/// A file that is read must be right, whether or not a profile was asked for: a typo
/// in a key is an error (with the line and a suggestion), not a setting silently
/// ignored. A file named by `NXLINK_CONFIG` must exist; the default path may not.
pub(crate) fn load_profile(global: &GlobalArgs, sources: &Sources<'_>) -> Result<Option<Profile>, CliError> {
    let Some((path, from_env)) = profile_path(sources) else {
        return match &global.profile {
            Some(name) => Err(CliError::usage(format!(
                "--profile {name}: no config directory found; set {ENV_CONFIG} to the profile file"
            ))),
            None => Ok(None),
        };
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound && from_env => {
            return Err(CliError::usage(format!(
                "{ENV_CONFIG} names {}, which does not exist; expected the path of a TOML profile file \
                 (or unset {ENV_CONFIG} to use the default)",
                path.display()
            )))
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound && global.profile.is_none() => return Ok(None),
        Err(err) => {
            return Err(CliError::usage(format!(
                "cannot read the profile file {}: {err}; expected a TOML file with [profiles.NAME] tables",
                path.display()
            )))
        }
    };
    let parsed = parse_profile_file(&text, &path)?;
    let name = global.profile.as_deref().unwrap_or(DEFAULT_PROFILE);
    let Some(mut profile) = parsed.profiles.get(name).cloned() else {
        if global.profile.is_none() {
            return Ok(None);
        }
        let known: Vec<&str> = parsed.profiles.keys().map(String::as_str).collect();
        return Err(CliError::usage(format!(
            "no profile `{name}` in {}; expected one of: {}",
            path.display(),
            if known.is_empty() { "(none defined)".to_owned() } else { known.join(", ") }
        )));
    };
    profile.origin = format!("profile `{name}` of {}", path.display());
    profile.dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    tracing::debug!(profile = name, path = %path.display(), "using profile");
    Ok(Some(profile))
}

/// `NXLINK_CONFIG` (true: named by the environment), else
/// The process environment as [`Sources::env`] reads it, once every variable this
/// command reads is known to be Unicode: a secret or key that is not would otherwise
/// read as unset, and the error would say it is missing when it is there. The message
/// names the variable, never its value.
pub(crate) fn environment() -> Result<impl Fn(&str) -> Option<String>, CliError> {
    for name in [ENV_ACCESS_KEY, ENV_ACCESS_SECRET, ENV_REGION, ENV_BASE_URL, ENV_CONFIG, "XDG_CONFIG_HOME"] {
        if let Err(std::env::VarError::NotUnicode(_)) = std::env::var(name) {
            return Err(CliError::usage(format!("{name} is set but is not valid Unicode; expected text")));
        }
    }
    Ok(|name: &str| std::env::var(name).ok())
}

/// `$XDG_CONFIG_HOME/nxlink/config.toml` (honoured on every OS, so one setup works on a
/// Mac too), else the platform's config directory.
fn profile_path(sources: &Sources<'_>) -> Option<(PathBuf, bool)> {
    if let Some(path) = sources.var(ENV_CONFIG) {
        return Some((PathBuf::from(path), true));
    }
    let dir = sources.var("XDG_CONFIG_HOME").map(PathBuf::from).or_else(dirs::config_dir)?;
    Some((dir.join("nxlink").join("config.toml"), false))
}

/// The profile file, checked key by key before it is decoded, so an unknown key is
/// reported with its line and the known key it is closest to.
fn parse_profile_file(text: &str, path: &Path) -> Result<ProfileFile, CliError> {
    let invalid = |span: Option<std::ops::Range<usize>>, message: &str| {
        let line = span.map(|span| format!(", line {}", line_of(text, span.start))).unwrap_or_default();
        CliError::usage(format!("invalid profile file {}{line}: {}", path.display(), message.trim().replace('\n', " ")))
    };
    let document = DeTable::parse(text).map_err(|err| invalid(err.span(), err.message()))?;
    if let Some((span, message)) = first_unknown_key(document.get_ref()) {
        return Err(invalid(Some(span), &message));
    }
    toml::from_str(text).map_err(|err| invalid(err.span(), err.message()))
}

/// The first key (by position) the CLI does not know, with what to say about it.
fn first_unknown_key(document: &DeTable<'_>) -> Option<(std::ops::Range<usize>, String)> {
    let top_keys = field_names::<ProfileFile>();
    let profile_keys = field_names::<Profile>();
    let mut unknown = Vec::new();
    let mut check = |table: &DeTable<'_>, known: &[&'static str], place: &str| {
        for key in table.keys() {
            let name: &str = key.get_ref();
            if !known.contains(&name) {
                let message = format!(
                    "unknown key `{name}` {place}; expected one of: {}{}",
                    known.join(", "),
                    suggest::did_you_mean(name, known.iter().copied())
                );
                unknown.push((key.span(), message));
            }
        }
    };
    check(document, top_keys, "at the top level (profiles go in [profiles.NAME] tables)");
    if let Some(DeValue::Table(profiles)) = document.get("profiles").map(|value| value.get_ref()) {
        for (name, profile) in profiles {
            if let DeValue::Table(profile) = profile.get_ref() {
                let name: &str = name.get_ref();
                check(profile, profile_keys, &format!("in [profiles.{name}]"));
            }
        }
    }
    unknown.into_iter().min_by_key(|(span, _)| span.start)
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).unwrap_or(text).matches('\n').count() + 1
}

/// The field names serde accepts for a struct, asked of its `Deserialize` impl, so the
/// keys checked and suggested are exactly the ones the struct reads.
fn field_names<T: DeserializeOwned>() -> &'static [&'static str] {
    struct Fields<'a>(&'a mut &'static [&'static str]);
    impl<'de> Deserializer<'de> for Fields<'_> {
        type Error = serde::de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(serde::de::Error::custom("only structs are asked for their fields"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            _visitor: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(serde::de::Error::custom("fields noted"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
            unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Fields(&mut fields));
    fields
}

/// The base URL: `--base-url`/`--region`, then `NXLINK_BASE_URL`/`NXLINK_REGION`, then
/// the profile. Within one level a base URL beats a region, being the more specific.
pub(crate) fn endpoint(
    global: &GlobalArgs,
    sources: &Sources<'_>,
    profile: Option<&Profile>,
) -> Result<Endpoint, CliError> {
    let found = |base_url: String, source: String| Ok(Endpoint { base_url, source });
    if let Some(url) = &global.base_url {
        return found(url.clone(), "--base-url".into());
    }
    if let Some(region) = global.region {
        return found(region.api_gateway().into(), "--region".into());
    }
    if let Some(url) = sources.var(ENV_BASE_URL) {
        return found(url, ENV_BASE_URL.into());
    }
    if let Some(text) = sources.var(ENV_REGION) {
        let region = parse_region(&text, ENV_REGION)?;
        return found(region.api_gateway().into(), ENV_REGION.into());
    }
    if let Some(profile) = profile {
        if let Some(url) = &profile.base_url {
            return found(url.clone(), format!("base_url of {}", profile.origin));
        }
        if let Some(text) = &profile.region {
            let source = format!("region of {}", profile.origin);
            let region = parse_region(text, &source)?;
            return found(region.api_gateway().into(), source);
        }
    }
    Err(CliError::usage(format!(
        "no API endpoint: pass --region hk|amer|idn or --base-url URL, set {ENV_REGION} or {ENV_BASE_URL}, \
         or use a profile (try `nxlink --demo ...` to run against the embedded mock)"
    )))
}

fn parse_region(text: &str, source: &str) -> Result<Region, CliError> {
    text.parse::<Region>().map_err(|err| {
        let hint = suggest::did_you_mean(text, Region::ALL.iter().map(|region| region.id()));
        CliError::usage(format!("{source}: {err}{hint}"))
    })
}

/// The access key and secret, each from the first source that has it.
pub(crate) fn credentials(
    global: &GlobalArgs,
    sources: &mut Sources<'_>,
    profile: Option<&Profile>,
) -> Result<Credentials, CliError> {
    let access_key = match (&global.access_key, sources.var(ENV_ACCESS_KEY)) {
        (Some(key), _) => key.trim().to_owned(),
        (None, Some(key)) => key.trim().to_owned(),
        (None, None) => profile.and_then(|p| p.access_key.clone()).ok_or_else(|| {
            CliError::usage(format!(
                "no access key: pass --access-key, set {ENV_ACCESS_KEY}, or set access_key in a profile"
            ))
        })?,
    };
    let secret = if let Some(path) = &global.secret_file {
        read_secret_file(path, "--secret-file")?
    } else if global.secret_stdin {
        let line = (sources.read_stdin_line)()
            .map_err(|err| CliError::usage(format!("--secret-stdin: cannot read standard input: {err}")))?;
        non_empty_secret(first_line(&line), "--secret-stdin: standard input")?
    } else if let Some(secret) = (sources.env)(ENV_ACCESS_SECRET).filter(|s| !s.trim().is_empty()) {
        AccessSecret::from(secret.trim().to_owned())
    } else if let Some(path) = profile.and_then(|p| p.secret_file.as_ref().map(|file| (p, file))) {
        let (profile, file) = path;
        let resolved = resolve_path(file, &profile.dir);
        read_secret_file(&resolved, &format!("secret_file of {}", profile.origin))?
    } else {
        return Err(CliError::usage(format!(
            "no access secret: pass --secret-file PATH or --secret-stdin, set {ENV_ACCESS_SECRET}, \
             or set secret_file in a profile (the secret is never taken as a flag value)"
        )));
    };
    Ok(Credentials::new(access_key, secret))
}

/// `~/x` is the home directory's `x`; a relative path is relative to the profile file,
/// not to wherever the command happens to run.
fn resolve_path(path: &Path, base: &Path) -> PathBuf {
    if let Ok(rest) = path.strip_prefix("~") {
        if let Some(home) = dirs::home_dir() {
            return home.join(rest);
        }
    }
    if path.is_relative() {
        base.join(path)
    } else {
        path.to_path_buf()
    }
}

fn read_secret_file(path: &Path, source: &str) -> Result<AccessSecret, CliError> {
    let file = std::fs::File::open(path)
        .map_err(|err| CliError::usage(format!("{source}: cannot read {}: {err}", path.display())))?;
    let mut line = String::new();
    std::io::BufReader::new(file)
        .read_line(&mut line)
        .map_err(|err| CliError::usage(format!("{source}: cannot read {}: {err}", path.display())))?;
    non_empty_secret(first_line(&line), &format!("{source}: {}", path.display()))
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("").trim()
}

fn non_empty_secret(secret: &str, source: &str) -> Result<AccessSecret, CliError> {
    if secret.is_empty() {
        return Err(CliError::usage(format!("{source} is empty; expected the access secret on its first line")));
    }
    Ok(AccessSecret::from(secret.to_owned()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::args::Cli;

    fn global(args: &[&str]) -> GlobalArgs {
        let mut argv = vec!["nxlink"];
        argv.extend_from_slice(args);
        argv.extend_from_slice(&["enums"]);
        Cli::try_parse_from(argv).unwrap().global
    }

    fn resolve(args: &[&str], env: &[(&str, &str)]) -> Result<(Endpoint, Credentials), CliError> {
        let global = global(args);
        let lookup = |name: &str| env.iter().find(|(key, _)| *key == name).map(|(_, value)| (*value).to_owned());
        let mut stdin = || Ok("from-stdin\n".to_owned());
        let mut sources = Sources { env: &lookup, read_stdin_line: &mut stdin };
        let profile = load_profile(&global, &sources)?;
        let endpoint = endpoint(&global, &sources, profile.as_ref())?;
        let credentials = credentials(&global, &mut sources, profile.as_ref())?;
        Ok((endpoint, credentials))
    }

    fn write_profile(dir: &Path) -> String {
        std::fs::write(dir.join("work.secret"), "profile-secret\n").unwrap();
        let config = dir.join("config.toml");
        std::fs::write(
            &config,
            "[profiles.default]\nregion = \"amer\"\naccess_key = \"AK-default\"\nsecret_file = \"work.secret\"\n\n\
             [profiles.work]\nbase_url = \"https://proxy.example\"\naccess_key = \"AK-work\"\nsecret_file = \"work.secret\"\n",
        )
        .unwrap();
        config.display().to_string()
    }

    #[test]
    fn flag_beats_env_beats_profile() {
        let dir = tempfile::tempdir().unwrap();
        let config = write_profile(dir.path());
        let cfg = [(ENV_CONFIG, config.as_str())];

        let (endpoint, creds) = resolve(&["--profile", "work"], &cfg).unwrap();
        assert_eq!(endpoint.base_url, "https://proxy.example");
        assert_eq!(creds.access_key(), "AK-work");
        assert_eq!(creds.access_secret().expose_secret(), "profile-secret");

        let env = [cfg[0], (ENV_REGION, "hk"), (ENV_ACCESS_KEY, "AK-env"), (ENV_ACCESS_SECRET, "env-secret")];
        let (endpoint, creds) = resolve(&["--profile", "work"], &env).unwrap();
        assert_eq!((endpoint.base_url.as_str(), endpoint.source.as_str()), ("https://api-hk.nxlink.ai", ENV_REGION));
        assert_eq!((creds.access_key(), creds.access_secret().expose_secret()), ("AK-env", "env-secret"));

        let (endpoint, creds) =
            resolve(&["--profile", "work", "--region", "amer", "--access-key", "AK-flag", "--secret-stdin"], &env)
                .unwrap();
        assert_eq!(endpoint.base_url, Region::Amer.api_gateway());
        assert_eq!((creds.access_key(), creds.access_secret().expose_secret()), ("AK-flag", "from-stdin"));
    }

    #[test]
    fn the_default_profile_applies_when_none_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let config = write_profile(dir.path());
        let (endpoint, creds) = resolve(&[], &[(ENV_CONFIG, config.as_str())]).unwrap();
        assert_eq!(endpoint.base_url, Region::Amer.api_gateway());
        assert!(endpoint.source.contains("profile `default`"), "{}", endpoint.source);
        assert_eq!(creds.access_key(), "AK-default");
    }

    #[test]
    fn profile_errors_name_the_file_and_what_was_expected() {
        let dir = tempfile::tempdir().unwrap();
        let config = write_profile(dir.path());
        let err = resolve(&["--profile", "nope"], &[(ENV_CONFIG, config.as_str())]).unwrap_err();
        assert!(err.to_string().contains("expected one of: default, work"), "{err}");

        let bad = dir.path().join("bad.toml");
        std::fs::write(&bad, "[profiles.x]\naccess_secret = \"oops\"\n").unwrap();
        let err = resolve(&["--profile", "x"], &[(ENV_CONFIG, bad.to_str().unwrap())]).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("bad.toml") && text.contains("access_secret"), "{text}");
        assert!(!text.contains('\n'));

        // The default path may be missing; a file named by NXLINK_CONFIG may not.
        let err = resolve(&[], &[("XDG_CONFIG_HOME", "/nonexistent")]).unwrap_err();
        assert!(err.to_string().contains("no API endpoint"), "{err}");
        let err = resolve(&[], &[(ENV_CONFIG, "/nonexistent/config.toml")]).unwrap_err();
        assert_eq!(err.exit, crate::error::Exit::Usage);
        assert!(
            err.to_string().starts_with("NXLINK_CONFIG names /nonexistent/config.toml, which does not exist"),
            "{err}"
        );
    }

    #[test]
    fn a_missing_default_file_is_silent_only_when_no_profile_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let xdg = dir.path().to_str().unwrap();
        // No file at the default path, but a profile asked for: say so.
        let err = resolve(&["--profile", "work"], &[("XDG_CONFIG_HOME", xdg)]).unwrap_err();
        assert_eq!(err.exit, crate::error::Exit::Usage);
        assert!(err.to_string().contains("config.toml"), "{err}");
        // A default path that cannot be read (a folder) is an error even with no profile.
        std::fs::create_dir_all(dir.path().join("nxlink/config.toml")).unwrap();
        let err = resolve(&[], &[("XDG_CONFIG_HOME", xdg)]).unwrap_err();
        assert!(err.to_string().starts_with("cannot read the profile file"), "{err}");
    }

    #[track_caller]
    fn file_error(text: &str, args: &[&str]) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, text).unwrap();
        let err = resolve(args, &[(ENV_CONFIG, path.to_str().unwrap())]).unwrap_err();
        assert_eq!(err.exit, crate::error::Exit::Usage, "{err}");
        let text = err.to_string();
        let prefix = format!("invalid profile file {}, line ", path.display());
        assert!(text.starts_with(&prefix), "{text}");
        text[prefix.len()..].to_owned()
    }

    #[test]
    fn a_file_that_is_read_must_parse_and_know_every_key_with_or_without_profile() {
        for args in [&[][..], &["--profile", "work"][..]] {
            assert_eq!(
                file_error("[profiles.work]\nregion = \"hk\"\nacess_key = \"AK\"\n", args),
                "3: unknown key `acess_key` in [profiles.work]; expected one of: region, base_url, access_key, \
                 secret_file; did you mean `access_key`?"
            );
            let text = file_error("[profiles.work]\nsecret-file = \"s\"\n", args);
            assert!(text.starts_with("2: unknown key `secret-file`") && text.ends_with("did you mean `secret_file`?"));
            let text = file_error("[profiles.work]\nregion = \"hk\n", args);
            assert!(text.starts_with("2: ") && text.contains("string"), "{text}");
            assert!(!text.contains('\n'));
        }
        let text = file_error("\n[profile.work]\nregion = \"hk\"\n", &[]);
        assert!(
            text.starts_with("2: unknown key `profile` at the top level") && text.ends_with("`profiles`?"),
            "{text}"
        );
        // No suggestion when nothing is close; a wrong type names its line too.
        let text = file_error("[profiles.a]\ncolour = \"red\"\n", &[]);
        assert!(text.ends_with("expected one of: region, base_url, access_key, secret_file"), "{text}");
        assert!(file_error("[profiles.a]\n\nregion = 5\n", &[]).starts_with("3: invalid type: integer `5`"));
    }

    #[test]
    fn the_known_keys_are_the_structs_fields() {
        assert_eq!(field_names::<Profile>(), ["region", "base_url", "access_key", "secret_file"]);
        assert_eq!(field_names::<ProfileFile>(), ["profiles"]);
    }

    #[test]
    fn a_bad_profile_region_suggests_the_closest_id() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "[profiles.default]\nregion = \"amr\"\n").unwrap();
        let err = resolve(&[], &[(ENV_CONFIG, path.to_str().unwrap())]).unwrap_err().to_string();
        assert!(err.starts_with("region of profile `default`") && err.ends_with("did you mean `amer`?"), "{err}");
        let err = resolve(&[], &[(ENV_REGION, "idm"), ("XDG_CONFIG_HOME", "/nonexistent")]).unwrap_err().to_string();
        assert!(err.ends_with("; did you mean `idn`?"), "{err}");
    }

    #[test]
    fn missing_secret_says_where_it_can_come_from_and_empty_files_are_refused() {
        let err =
            resolve(&["--region", "hk"], &[(ENV_ACCESS_KEY, "AK"), ("XDG_CONFIG_HOME", "/nonexistent")]).unwrap_err();
        assert!(err.to_string().contains("--secret-file"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty");
        std::fs::write(&empty, "\n").unwrap();
        let err = resolve(
            &["--region", "hk", "--secret-file", empty.to_str().unwrap()],
            &[(ENV_ACCESS_KEY, "AK"), ("XDG_CONFIG_HOME", "/nonexistent")],
        )
        .unwrap_err();
        assert!(err.to_string().contains("is empty"), "{err}");
    }

    /// Bug: `endpoint` trying the region before the base URL at one level.
    #[test]
    fn within_one_level_a_base_url_beats_a_region() {
        let env = [
            (ENV_BASE_URL, "https://proxy.example"),
            (ENV_REGION, "hk"),
            (ENV_ACCESS_KEY, "AK"),
            (ENV_ACCESS_SECRET, "s"),
        ];
        let (endpoint, _) = resolve(&[], &env).unwrap();
        assert_eq!((endpoint.base_url.as_str(), endpoint.source.as_str()), ("https://proxy.example", ENV_BASE_URL));
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("s"), "secret\n").unwrap();
        let config = dir.path().join("config.toml");
        std::fs::write(
            &config,
            "[profiles.default]\nregion = \"amer\"\nbase_url = \"https://profile.example\"\naccess_key = \"AK\"\nsecret_file = \"s\"\n",
        )
        .unwrap();
        let (endpoint, _) = resolve(&[], &[(ENV_CONFIG, config.to_str().unwrap())]).unwrap();
        assert_eq!(endpoint.base_url, "https://profile.example");
        assert!(endpoint.source.starts_with("base_url of"), "{}", endpoint.source);
    }

    /// Bug: `read_secret_file` reading the whole file: a second line (a comment, a note)
    /// would become part of the secret and every signature would be wrong.
    #[test]
    fn a_secret_file_gives_its_first_line_trimmed() {
        let dir = tempfile::tempdir().unwrap();
        for (text, secret) in [("s3cret\nsecond line\n", "s3cret"), ("  s3cret  \r\n", "s3cret"), ("s3cret", "s3cret")]
        {
            let path = dir.path().join("secret");
            std::fs::write(&path, text).unwrap();
            let (_, creds) = resolve(
                &["--region", "hk", "--secret-file", path.to_str().unwrap()],
                &[(ENV_ACCESS_KEY, "AK"), ("XDG_CONFIG_HOME", "/nonexistent")],
            )
            .unwrap();
            assert_eq!(creds.access_secret().expose_secret(), secret, "{text:?}");
        }
    }

    #[test]
    fn a_bad_region_in_the_environment_names_the_variable() {
        let err = resolve(&[], &[(ENV_REGION, "mars"), ("XDG_CONFIG_HOME", "/nonexistent")]).unwrap_err();
        assert!(err.to_string().starts_with("NXLINK_REGION: unknown region `mars`"), "{err}");
    }
}
