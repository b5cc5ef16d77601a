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

/// The checks generated validation calls, one line each: `prefix` is the path of the
/// object holding the field (empty at the top, `list[3].` inside a list), `wire` the
/// field's wire name. The path is built only when a check fails.
pub mod check {
    use std::fmt;

    use super::ValidationError;

    fn path(prefix: &str, wire: &str) -> String {
        format!("{prefix}{wire}")
    }

    /// A number a bound applies to.
    pub trait Bounded: Copy + fmt::Display {
        /// `self < bound`.
        fn below(self, bound: i64) -> bool;
        /// `self > bound`.
        fn above(self, bound: i64) -> bool;
    }

    impl Bounded for i32 {
        fn below(self, bound: i64) -> bool {
            i64::from(self) < bound
        }
        fn above(self, bound: i64) -> bool {
            i64::from(self) > bound
        }
    }

    impl Bounded for i64 {
        fn below(self, bound: i64) -> bool {
            self < bound
        }
        fn above(self, bound: i64) -> bool {
            self > bound
        }
    }

    impl Bounded for f64 {
        #[allow(clippy::cast_precision_loss)] // bounds in the spec are small integers
        fn below(self, bound: i64) -> bool {
            self < bound as f64
        }
        #[allow(clippy::cast_precision_loss)]
        fn above(self, bound: i64) -> bool {
            self > bound as f64
        }
    }

    /// A number field's value: the number, or an optional one.
    pub trait Number {
        /// The number's type.
        type Value: Bounded;
        /// The number, when set.
        fn get(self) -> Option<Self::Value>;
    }

    impl<T: Bounded> Number for T {
        type Value = T;
        fn get(self) -> Option<T> {
            Some(self)
        }
    }

    impl<T: Bounded> Number for Option<T> {
        type Value = T;
        fn get(self) -> Option<T> {
            self
        }
    }

    /// A number, when set, within `min..=max` (an open bound is `None`).
    pub fn range(
        prefix: &str,
        wire: &str,
        value: impl Number,
        min: Option<i64>,
        max: Option<i64>,
    ) -> Result<(), ValidationError> {
        match value.get() {
            Some(value) if min.is_some_and(|min| value.below(min)) || max.is_some_and(|max| value.above(max)) => {
                Err(ValidationError::range(path(prefix, wire), min, max, value))
            }
            _ => Ok(()),
        }
    }

    /// A string, when set, at least `min` characters long once trimmed (so blanks are
    /// empty) and at most `max` characters long.
    pub fn length<'a>(
        prefix: &str,
        wire: &str,
        value: impl Into<Option<&'a str>>,
        min: Option<usize>,
        max: Option<usize>,
    ) -> Result<(), ValidationError> {
        let Some(value) = value.into() else { return Ok(()) };
        match min {
            Some(1) if value.trim().is_empty() => {
                return Err(ValidationError::new(path(prefix, wire), "must not be empty"))
            }
            Some(min) if value.trim().chars().count() < min => {
                return Err(ValidationError::new(path(prefix, wire), format!("must be at least {min} characters long")))
            }
            _ => {}
        }
        let count = value.chars().count();
        match max {
            Some(max) if count > max => Err(ValidationError::new(
                path(prefix, wire),
                format!("must be at most {max} characters long, got {count}"),
            )),
            _ => Ok(()),
        }
    }

    /// A list holding at least `min` and at most `max` items.
    pub fn items<T>(
        prefix: &str,
        wire: &str,
        list: &[T],
        min: Option<usize>,
        max: Option<usize>,
    ) -> Result<(), ValidationError> {
        let len = list.len();
        match (min, max) {
            (Some(1), _) if len == 0 => Err(ValidationError::new(path(prefix, wire), "must hold at least 1 item")),
            (Some(min), _) if len < min => {
                Err(ValidationError::new(path(prefix, wire), format!("must hold at least {min} items, got {len}")))
            }
            (_, Some(max)) if len > max => {
                Err(ValidationError::new(path(prefix, wire), format!("must hold at most {max} items, got {len}")))
            }
            _ => Ok(()),
        }
    }

    /// The path prefix of a nested object's fields: `list[3].`, or `config.` for one
    /// that is not in a list.
    pub fn nested(prefix: &str, wire: &str, index: Option<usize>) -> String {
        match index {
            Some(index) => format!("{prefix}{wire}[{index}]."),
            None => format!("{prefix}{wire}."),
        }
    }

    /// When both are set, `first` (field `wire`) is not greater than `second` (field
    /// `other`).
    pub fn not_after<T: PartialOrd + fmt::Display>(
        prefix: &str,
        wire: &str,
        first: Option<T>,
        other: &'static str,
        second: Option<T>,
    ) -> Result<(), ValidationError> {
        match (first, second) {
            (Some(first), Some(second)) if first > second => {
                Err(ValidationError::not_after(path(prefix, wire), other, first, second))
            }
            _ => Ok(()),
        }
    }

    /// At least one of `fields` is set (`set[i]` tells whether `fields[i]` is).
    pub fn at_least_one_of(prefix: &str, fields: &'static [&'static str], set: &[bool]) -> Result<(), ValidationError> {
        if set.iter().any(|set| *set) {
            Ok(())
        } else {
            Err(ValidationError::at_least_one_of(prefix, fields))
        }
    }

    /// Field `wire`, when set, goes only with an enum field `other` whose code is in
    /// `allowed` (the group `group`); `code` is `other`'s code, when set.
    pub fn only_with_group(
        prefix: &str,
        wire: &str,
        set: bool,
        other: &'static str,
        code: Option<i64>,
        group: &str,
        allowed: &'static [i64],
    ) -> Result<(), ValidationError> {
        match code {
            Some(code) if set && !allowed.contains(&code) => {
                Err(ValidationError::only_with_group(path(prefix, wire), other, group, code, allowed))
            }
            _ => Ok(()),
        }
    }
}
