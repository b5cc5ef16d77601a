use std::fmt;

/// `Debug` for a personal-data field (phone numbers): shows at most the last three
/// characters, enough to tell records apart in a log without exposing the number.
pub struct Masked<'a>(pub Option<&'a str>);

impl fmt::Debug for Masked<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            None => f.write_str("None"),
            Some(value) => write!(f, "Some({:?})", mask_personal(value)),
        }
    }
}

/// Masks personal data for display: `"85238531065"` becomes `"********065"`. Values
/// shorter than seven characters are masked whole, since their tail says too much.
pub fn mask_personal(value: &str) -> String {
    let count = value.chars().count();
    if count < 7 {
        return "*".repeat(count.max(3));
    }
    let keep = 3;
    let mut out = "*".repeat(count - keep);
    out.extend(value.chars().skip(count - keep));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_the_last_three_characters() {
        assert_eq!(mask_personal("85238531065"), "********065");
        assert_eq!(mask_personal("12345"), "*****");
        // Seven characters is the first length that shows its last three.
        assert_eq!(mask_personal("123456"), "******");
        assert_eq!(mask_personal("1234567"), "****567");
        assert_eq!(mask_personal("12"), "***");
        assert_eq!(mask_personal(""), "***");
        assert_eq!(format!("{:?}", Masked(Some("+85212345678"))), "Some(\"*********678\")");
        assert_eq!(format!("{:?}", Masked(None)), "None");
    }
}
