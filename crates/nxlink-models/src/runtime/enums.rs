use std::fmt;

/// The error of a generated enum's `FromStr`: the text matched no code and no name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseEnumError {
    enum_name: &'static str,
    input: String,
}

impl ParseEnumError {
    /// An error for `input`, which is not a value of the enum `enum_name`.
    pub fn new(enum_name: &'static str, input: &str) -> Self {
        Self { enum_name, input: input.to_owned() }
    }
}

impl fmt::Display for ParseEnumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a {}: expected a numeric code or a name (see `{}::ALL`)",
            self.input, self.enum_name, self.enum_name
        )
    }
}

impl std::error::Error for ParseEnumError {}

/// Folds a name for comparison, so `NormalEndUserHungUp`, `normal-end-user-hung-up` and
/// `normal_end_user_hung_up` all match the same variant.
pub fn normalize_name(name: &str) -> String {
    name.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
}
