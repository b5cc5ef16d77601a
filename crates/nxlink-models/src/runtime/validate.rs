use std::fmt;

/// A request that breaks a constraint of the spec, found before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    field: String,
    message: String,
    rule: Rule,
}

/// Which kind of constraint a [`ValidationError`] broke, with its values, so a caller
/// can say it in its own words (the CLI names flags and prints times in RFC 3339).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rule {
    /// A number outside its bounds (an open bound is `None`).
    Range {
        /// The smallest value allowed.
        min: Option<i64>,
        /// The largest value allowed.
        max: Option<i64>,
        /// The value, as written in the request.
        got: String,
    },
    /// The field is greater than `other`, which it must not exceed.
    NotAfter {
        /// The wire name of the upper bound.
        other: &'static str,
        /// The field's value, as written in the request.
        first: String,
        /// `other`'s value, as written in the request.
        second: String,
    },
    /// The field is set while the enum field `other` holds a code outside `allowed`.
    OnlyWithGroup {
        /// The wire name of the enum field.
        other: &'static str,
        /// The code `other` holds.
        got: i64,
        /// The codes with which the field is meaningful.
        allowed: &'static [i64],
    },
    /// None of several fields is set, while one of them must be.
    AtLeastOneOf {
        /// Their wire names.
        fields: &'static [&'static str],
    },
    /// Any other constraint (lengths, item counts).
    Other,
}

impl ValidationError {
    /// An error against the request field at `field`: its wire name, or a path into
    /// nested values such as `list[3].phoneNumber`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into(), rule: Rule::Other }
    }

    /// `field` outside `min..=max`: "must be between 1 and 1000, got 0".
    pub fn range(field: impl Into<String>, min: Option<i64>, max: Option<i64>, got: impl fmt::Display) -> Self {
        let got = got.to_string();
        let message = match (min, max) {
            (Some(min), Some(max)) => format!("must be between {min} and {max}, got {got}"),
            (Some(min), None) => format!("must be at least {min}, got {got}"),
            (None, Some(max)) => format!("must be at most {max}, got {got}"),
            (None, None) => format!("is out of range, got {got}"),
        };
        Self { field: field.into(), message, rule: Rule::Range { min, max, got } }
    }

    /// `field` greater than `other`: "must not be greater than `endTs` (5 > 4)".
    pub fn not_after(
        field: impl Into<String>,
        other: &'static str,
        first: impl fmt::Display,
        second: impl fmt::Display,
    ) -> Self {
        let (first, second) = (first.to_string(), second.to_string());
        let message = format!("must not be greater than `{other}` ({first} > {second})");
        Self { field: field.into(), message, rule: Rule::NotAfter { other, first, second } }
    }

    /// `field` set while the enum field `other` is outside the group `group`.
    pub fn only_with_group(
        field: impl Into<String>,
        other: &'static str,
        group: &str,
        got: i64,
        allowed: &'static [i64],
    ) -> Self {
        let message = format!("is only meaningful when `{other}` is in the group `{group}`, but `{other}` is {got}");
        Self { field: field.into(), message, rule: Rule::OnlyWithGroup { other, got, allowed } }
    }

    /// None of `fields` is set: "set `taskId` or `userTaskId`: at least one is required",
    /// against the first.
    pub fn at_least_one_of(prefix: &str, fields: &'static [&'static str]) -> Self {
        let listed: Vec<String> = fields.iter().map(|field| format!("`{field}`")).collect();
        let message = format!("set {}: at least one is required", listed.join(" or "));
        let field = format!("{prefix}{}", fields.first().copied().unwrap_or_default());
        Self { field, message, rule: Rule::AtLeastOneOf { fields } }
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

    /// The constraint it broke, with its values.
    pub fn rule(&self) -> &Rule {
        &self.rule
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid request field `{}`: {}", self.field, self.message)
    }
}

impl std::error::Error for ValidationError {}
