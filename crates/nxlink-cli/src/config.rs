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
use serde::Deserialize;

use crate::args::GlobalArgs;
use crate::error::CliError;

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
pub(crate) fn load_profile(global: &GlobalArgs, sources: &Sources<'_>) -> Result<Option<Profile>, CliError> {
    let Some(path) = profile_path(sources) else {
        return match &global.profile {
            Some(name) => Err(CliError::usage(format!(
                "--profile {name}: no config directory found; set {ENV_CONFIG} to the profile file"
            ))),
            None => Ok(None),
        };
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound && global.profile.is_none() => return Ok(None),
        Err(err) => {
            return Err(CliError::usage(format!(
                "cannot read the profile file {}: {err}; expected a TOML file with [profiles.NAME] tables",
                path.display()
            )))
        }
    };
    let parsed: ProfileFile = match toml::from_str(&text) {
        Ok(parsed) => parsed,
        Err(err) if global.profile.is_some() => {
            return Err(CliError::usage(format!(
                "invalid profile file {}: {}",
                path.display(),
                err.to_string().trim().replace('\n', " ")
            )))
        }
        Err(_) => {
            // Nobody asked for a profile: a broken file must not block env-only use.
            tracing::warn!(path = %path.display(), "ignoring the profile file, it does not parse");
            return Ok(None);
        }
    };
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

/// `NXLINK_CONFIG`, else `$XDG_CONFIG_HOME/nxlink/config.toml` (honoured on every OS,
/// so one setup works on a Mac too), else the platform's config directory.
fn profile_path(sources: &Sources<'_>) -> Option<PathBuf> {
    if let Some(path) = sources.var(ENV_CONFIG) {
        return Some(PathBuf::from(path));
    }
    let dir = sources.var("XDG_CONFIG_HOME").map(PathBuf::from).or_else(dirs::config_dir)?;
    Some(dir.join("nxlink").join("config.toml"))
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
    text.parse::<Region>().map_err(|err| CliError::usage(format!("{source}: {err}")))
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
        assert_eq!(endpoint.base_url, "https://api-westus.nxlink.ai");
        assert_eq!((creds.access_key(), creds.access_secret().expose_secret()), ("AK-flag", "from-stdin"));
    }

    #[test]
    fn the_default_profile_applies_when_none_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let config = write_profile(dir.path());
        let (endpoint, creds) = resolve(&[], &[(ENV_CONFIG, config.as_str())]).unwrap();
        assert_eq!(endpoint.base_url, "https://api-westus.nxlink.ai");
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

        let err = resolve(&[], &[(ENV_CONFIG, "/nonexistent/config.toml")]).unwrap_err();
        assert!(err.to_string().contains("no API endpoint"), "{err}");
    }

    #[test]
    fn missing_secret_says_where_it_can_come_from_and_empty_files_are_refused() {
        let err = resolve(&["--region", "hk"], &[(ENV_ACCESS_KEY, "AK"), (ENV_CONFIG, "/nonexistent")]).unwrap_err();
        assert!(err.to_string().contains("--secret-file"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty");
        std::fs::write(&empty, "\n").unwrap();
        let err = resolve(
            &["--region", "hk", "--secret-file", empty.to_str().unwrap()],
            &[(ENV_ACCESS_KEY, "AK"), (ENV_CONFIG, "/nonexistent")],
        )
        .unwrap_err();
        assert!(err.to_string().contains("is empty"), "{err}");
    }

    #[test]
    fn a_bad_region_in_the_environment_names_the_variable() {
        let err = resolve(&[], &[(ENV_REGION, "mars"), (ENV_CONFIG, "/nonexistent")]).unwrap_err();
        assert!(err.to_string().starts_with("NXLINK_REGION: unknown region `mars`"), "{err}");
    }
}
