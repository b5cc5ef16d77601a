//! Access key and secret.

use std::fmt;

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Environment variable read by [`Credentials::from_env`] for the access key.
pub const ENV_ACCESS_KEY: &str = "NXLINK_ACCESS_KEY";
/// Environment variable read by [`Credentials::from_env`] for the access secret.
pub const ENV_ACCESS_SECRET: &str = "NXLINK_ACCESS_SECRET";

/// The access secret: it only ever enters the hash, it is never sent.
///
/// Debug, Display and serde serialization all print `***`, so a secret cannot end up
/// in a log line, an error message or a dumped config by accident. Serialization is
/// therefore one-way: write credentials to a file by hand, not through serde.
/// The bytes are zeroized when the value is dropped.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct AccessSecret(String);

impl AccessSecret {
    /// Wraps a secret. An empty secret is accepted (the hash does not care); reading
    /// from the environment rejects it.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself. Named so that every use stands out in review.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl Drop for AccessSecret {
    fn drop(&mut self) {
        // `String::zeroize` also wipes the spare capacity, not only `len` bytes.
        self.0.zeroize();
    }
}

impl ZeroizeOnDrop for AccessSecret {}

impl From<String> for AccessSecret {
    fn from(secret: String) -> Self {
        Self(secret)
    }
}

impl From<&str> for AccessSecret {
    fn from(secret: &str) -> Self {
        Self(secret.to_owned())
    }
}

impl fmt::Debug for AccessSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"***\"")
    }
}

impl fmt::Display for AccessSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl Serialize for AccessSecret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str("***")
    }
}

/// An access key and its secret, as issued by NXLink.
///
/// `Debug` shows the key and `secret: "***"`; serde uses the wire-style names
/// `accessKey` / `accessSecret` and writes the secret as `***`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Credentials {
    access_key: String,
    access_secret: AccessSecret,
}

impl Credentials {
    /// Pairs an access key with its secret.
    pub fn new(access_key: impl Into<String>, access_secret: impl Into<AccessSecret>) -> Self {
        Self { access_key: access_key.into(), access_secret: access_secret.into() }
    }

    /// Reads [`ENV_ACCESS_KEY`] and [`ENV_ACCESS_SECRET`] from the process environment.
    ///
    /// # Errors
    ///
    /// [`CredentialsError`] naming the first variable that is unset, empty (or only
    /// whitespace) or not valid Unicode.
    pub fn from_env() -> Result<Self, CredentialsError> {
        Self::from_lookup(|var| match std::env::var(var) {
            Ok(value) => Ok(Some(value)),
            Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => Err(CredentialsError::NotUnicode { var }),
        })
    }

    /// Like [`from_env`](Self::from_env), but asks `lookup` for each variable, so tests
    /// and profile loaders need not touch the process environment.
    ///
    /// # Errors
    ///
    /// [`CredentialsError`] naming the first variable that is missing or blank.
    ///
    /// ```
    /// use nxlink_auth::{Credentials, CredentialsError};
    ///
    /// let err = Credentials::from_env_with(|var| {
    ///     (var == "NXLINK_ACCESS_KEY").then(|| "AK-1".to_owned())
    /// })
    /// .unwrap_err();
    /// assert_eq!(err, CredentialsError::Missing { var: "NXLINK_ACCESS_SECRET" });
    /// ```
    pub fn from_env_with<F>(mut lookup: F) -> Result<Self, CredentialsError>
    where
        F: FnMut(&str) -> Option<String>,
    {
        Self::from_lookup(|var| Ok(lookup(var)))
    }

    fn from_lookup<F>(mut lookup: F) -> Result<Self, CredentialsError>
    where
        F: FnMut(&'static str) -> Result<Option<String>, CredentialsError>,
    {
        let mut read = |var: &'static str| match lookup(var)? {
            None => Err(CredentialsError::Missing { var }),
            Some(value) if value.trim().is_empty() => Err(CredentialsError::Empty { var }),
            Some(value) => Ok(value),
        };
        let access_key = read(ENV_ACCESS_KEY)?;
        // Wrap at once so the secret is zeroized even if nothing else happens to it.
        let access_secret = AccessSecret::from(read(ENV_ACCESS_SECRET)?);
        Ok(Self { access_key, access_secret })
    }

    /// The access key, sent in the `accessKey` header.
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// The access secret.
    pub fn access_secret(&self) -> &AccessSecret {
        &self.access_secret
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key", &self.access_key)
            .field("secret", &self.access_secret)
            .finish()
    }
}

/// Why [`Credentials::from_env`] could not build credentials. Names the variable, never
/// its value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialsError {
    /// The variable is not set.
    #[error("environment variable {var} is not set")]
    Missing {
        /// The variable's name.
        var: &'static str,
    },
    /// The variable is set but empty or only whitespace.
    #[error("environment variable {var} is empty")]
    Empty {
        /// The variable's name.
        var: &'static str,
    },
    /// The variable is set but is not valid Unicode.
    #[error("environment variable {var} is not valid Unicode")]
    NotUnicode {
        /// The variable's name.
        var: &'static str,
    },
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl FnMut(&str) -> Option<String> + 'a {
        move |var| pairs.iter().find(|(name, _)| *name == var).map(|(_, value)| (*value).to_owned())
    }

    #[test]
    fn debug_shows_key_and_masks_secret() {
        let creds = Credentials::new("AK-1", "hunter2");
        assert_eq!(format!("{creds:?}"), r#"Credentials { access_key: "AK-1", secret: "***" }"#);
        assert!(!format!("{creds:#?}").contains("hunter2"));
    }

    #[test]
    fn secret_never_displays_or_serializes() {
        let creds = Credentials::new("AK-1", "hunter2");
        assert_eq!(creds.access_secret().to_string(), "***");
        let json = serde_json::to_string(&creds).unwrap();
        assert_eq!(json, r#"{"accessKey":"AK-1","accessSecret":"***"}"#);
    }

    #[test]
    fn deserializes_from_wire_style_names() {
        let creds: Credentials = serde_json::from_str(r#"{"accessKey":"AK-1","accessSecret":"hunter2"}"#).unwrap();
        assert_eq!(creds.access_key(), "AK-1");
        assert_eq!(creds.access_secret().expose_secret(), "hunter2");
    }

    #[test]
    fn from_env_with_reads_both_variables() {
        let creds =
            Credentials::from_env_with(env(&[(ENV_ACCESS_KEY, "AK-1"), (ENV_ACCESS_SECRET, "hunter2")])).unwrap();
        assert_eq!(creds, Credentials::new("AK-1", "hunter2"));
    }

    #[test]
    fn from_env_with_names_the_missing_variable() {
        let err = Credentials::from_env_with(env(&[(ENV_ACCESS_SECRET, "hunter2")])).unwrap_err();
        assert_eq!(err, CredentialsError::Missing { var: ENV_ACCESS_KEY });
        assert_eq!(err.to_string(), "environment variable NXLINK_ACCESS_KEY is not set");

        let err = Credentials::from_env_with(env(&[(ENV_ACCESS_KEY, "AK-1")])).unwrap_err();
        assert_eq!(err, CredentialsError::Missing { var: ENV_ACCESS_SECRET });
    }

    #[test]
    fn from_env_with_names_the_empty_variable() {
        let err = Credentials::from_env_with(env(&[(ENV_ACCESS_KEY, "AK-1"), (ENV_ACCESS_SECRET, " \t")])).unwrap_err();
        assert_eq!(err, CredentialsError::Empty { var: ENV_ACCESS_SECRET });
        assert_eq!(err.to_string(), "environment variable NXLINK_ACCESS_SECRET is empty");
    }

    #[test]
    fn errors_never_carry_the_value() {
        // Each error names one variable while the other holds a value: neither value may
        // show, in Display or Debug.
        for (vars, about) in [
            (&[(ENV_ACCESS_KEY, "AK-secretish"), (ENV_ACCESS_SECRET, " \t ")][..], ENV_ACCESS_SECRET),
            (&[(ENV_ACCESS_KEY, "  "), (ENV_ACCESS_SECRET, "hunter2-secretish")][..], ENV_ACCESS_KEY),
            (&[(ENV_ACCESS_SECRET, "hunter2-secretish")][..], ENV_ACCESS_KEY),
        ] {
            let err = Credentials::from_env_with(env(vars)).unwrap_err();
            let shown = format!("{err} {err:?}");
            assert!(shown.contains(about), "the error is about {about}: {shown}");
            for (_, value) in vars {
                assert!(value.trim().is_empty() || !shown.contains(value.trim()), "{value} leaked: {shown}");
            }
        }
    }

    #[test]
    fn secret_is_zeroize_on_drop() {
        fn assert_zeroize_on_drop<T: ZeroizeOnDrop>() {}
        assert_zeroize_on_drop::<AccessSecret>();
    }
}
