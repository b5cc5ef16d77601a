use std::fmt;

/// A request that breaks a constraint of the spec, found before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    field: String,
    message: String,
}

impl ValidationError {
    /// An error against the request field at `field`: its wire name, or a path into
    /// nested values such as `list[3].phoneNumber`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }

    /// The wire name or path of the offending field, e.g. `pageSize` or
    /// `list[3].phoneNumber`.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// What is wrong with it and what was expected.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid request field `{}`: {}", self.field, self.message)
    }
}

impl std::error::Error for ValidationError {}
