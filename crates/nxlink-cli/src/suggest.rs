//! "Did you mean" for names a person types: profile keys, regions, call results. The
//! candidates always come from the code that accepts the names (the generated enums,
//! the profile struct), never from a list kept here.

/// The candidate closest to `input`, if it is close enough to be what was meant.
///
/// Names are compared folded (lower case, letters and digits only), so `secret-file`
/// finds `secret_file` and `NormalEndUserHungUp` finds `normal-end-user-hung-up`; then
/// by edit distance (a swap counts once), allowing one edit per three characters.
pub(crate) fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let input = fold(input);
    if input.is_empty() {
        return None;
    }
    candidates
        .into_iter()
        .map(|candidate| {
            let folded = fold(candidate);
            (strsim::damerau_levenshtein(&input, &folded), folded.len(), candidate)
        })
        .filter(|(distance, len, _)| *distance <= (len / 3).max(1))
        .min_by_key(|(distance, _, _)| *distance)
        .map(|(_, _, candidate)| candidate)
}

/// `; did you mean `X`?` for the closest candidate, or nothing.
pub(crate) fn did_you_mean<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(input, candidates).map(|name| format!("; did you mean `{name}`?")).unwrap_or_default()
}

/// `NormalEndUserHungUp` as a command-line value: `normal-end-user-hung-up`.
pub(crate) fn kebab(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 8);
    for (index, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && index > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// `1, 3, 17 or 21`.
pub(crate) fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

fn fold(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_are_suggested_and_far_ones_are_not() {
        let keys = ["region", "base_url", "access_key", "secret_file"];
        assert_eq!(closest("acess_key", keys), Some("access_key"));
        assert_eq!(closest("secret-file", keys), Some("secret_file"));
        assert_eq!(closest("baseurl", keys), Some("base_url"));
        assert_eq!(closest("colour", keys), None);
        assert_eq!(closest("", keys), None);
        assert_eq!(closest("amr", ["hk", "amer", "idn"]), Some("amer"));
        assert_eq!(closest("hq", ["hk", "amer", "idn"]), Some("hk"));
        assert_eq!(closest("mars", ["hk", "amer", "idn"]), None);
        assert_eq!(did_you_mean("idm", ["hk", "amer", "idn"]), "; did you mean `idn`?");
        assert_eq!(did_you_mean("zz", ["hk", "amer", "idn"]), "");
    }

    #[test]
    fn names_become_command_line_values_and_lists_read_as_prose() {
        assert_eq!(kebab("NormalEndUserHungUp"), "normal-end-user-hung-up");
        assert_eq!(kebab("Silence"), "silence");
        let codes: Vec<String> = ["1", "3", "17", "21"].map(String::from).to_vec();
        assert_eq!(or_list(&codes), "1, 3, 17 or 21");
        assert_eq!(or_list(&codes[..1]), "1");
    }
}
