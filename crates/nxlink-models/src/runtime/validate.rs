use std::fmt;

/// A request that breaks a constraint of the spec, found before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    field: &'static str,
    message: String,
}

impl ValidationError {
    /// An error against the request field with wire name `field`.
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self { field, message: message.into() }
    }

    /// The wire name of the offending field, e.g. `pageSize`.
    pub fn field(&self) -> &'static str {
        self.field
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
