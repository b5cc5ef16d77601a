//! Property tests: whatever is signed verifies, and any change to what was signed
//! fails with the documented code.

use nxlink_auth::{headers, Algorithm, Credentials, FixedClock, KeyStore, Signer, Verifier, VerifyError};
use proptest::prelude::*;
use proptest::sample::Index;

const NOW: i64 = 1_700_000_000_000;
/// A second account the verifier knows, so a swapped key can reach the signature check.
const OTHER_KEY: &str = "AK-other";

type Headers = Vec<(String, String)>;

fn algorithm() -> impl Strategy<Value = Algorithm> {
    prop_oneof![Just(Algorithm::Md5), Just(Algorithm::Sha256)]
}

/// A signed request: the verifier that should accept it, its headers and body.
struct Case {
    verifier: Verifier<KeyStore, FixedClock>,
    headers: Headers,
    body: Vec<u8>,
}

fn signed_case(access_key: &str, secret: &str, body: &str, skew: i64, algorithm: Algorithm) -> Option<Case> {
    // An empty key is a missing header (1001), and the other account must differ.
    if access_key.is_empty() || access_key == OTHER_KEY {
        return None;
    }
    let credentials = Credentials::new(access_key, secret);
    let signer = Signer::new(credentials.clone()).with_algorithm(algorithm);
    let signed = signer.sign("100", "nxai", NOW + skew, body.as_bytes());
    let headers = signed.iter().map(|(name, value)| (name.to_owned(), value.to_owned())).collect();
    let keys = KeyStore::new().with(credentials).with(Credentials::new(OTHER_KEY, "other-secret"));
    Some(Case {
        verifier: Verifier::new(keys).with_clock(FixedClock::new(NOW)),
        headers,
        body: body.as_bytes().to_vec(),
    })
}

fn set(headers: &Headers, name: &str, value: String) -> Headers {
    let mut headers = headers.clone();
    match headers.iter_mut().find(|(n, _)| n == name) {
        Some(slot) => slot.1 = value,
        None => headers.push((name.to_owned(), value)),
    }
    headers
}

fn get<'h>(headers: &'h Headers, name: &str) -> &'h str {
    headers.iter().find(|(n, _)| n == name).map_or("", |(_, v)| v.as_str())
}

impl Case {
    fn code(&self, headers: &Headers, body: &[u8]) -> i64 {
        match self.verifier.verify_headers(headers, body) {
            Ok(_) => 0,
            Err(err) => err.code(),
        }
    }
}

/// A different, non-empty string.
fn changed(original: &str, replacement: &str) -> String {
    if replacement.is_empty() || replacement == original {
        format!("{original}x")
    } else {
        replacement.to_owned()
    }
}

/// The same text with the character at `at` replaced by `with` (which differs).
fn change_char(text: &str, at: Index, with: char) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let i = at.index(chars.len());
    chars[i] = if chars[i] == with { '!' } else { with };
    chars.into_iter().collect()
}

proptest! {
    #[test]
    fn signed_requests_verify(
        key in any::<String>(),
        secret in any::<String>(),
        body in any::<String>(),
        skew in -60_000i64..=60_000,
        algorithm in algorithm(),
    ) {
        let Some(case) = signed_case(&key, &secret, &body, skew, algorithm) else { return Ok(()) };
        let verified = case.verifier.verify_headers(&case.headers, &case.body);
        prop_assert!(verified.is_ok(), "{verified:?}");
    }

    #[test]
    fn any_body_byte_change_is_1003(
        key in "[A-Za-z0-9-]{1,32}",
        secret in any::<String>(),
        body in ".+",
        at in any::<Index>(),
        flip in 1u8..=255,
        algorithm in algorithm(),
    ) {
        let Some(case) = signed_case(&key, &secret, &body, 0, algorithm) else { return Ok(()) };
        let mut body = case.body.clone();
        let i = at.index(body.len());
        body[i] ^= flip;
        prop_assert_eq!(case.code(&case.headers, &body), 1003);
    }

    #[test]
    fn another_secret_is_1003(
        key in "[A-Za-z0-9-]{1,32}",
        secret in any::<String>(),
        other in any::<String>(),
        body in any::<String>(),
        algorithm in algorithm(),
    ) {
        prop_assume!(secret != other);
        let Some(case) = signed_case(&key, &secret, &body, 0, algorithm) else { return Ok(()) };
        let Some(forged) = signed_case(&key, &other, &body, 0, algorithm) else { return Ok(()) };
        prop_assert_eq!(case.code(&forged.headers, &case.body), 1003);
    }

    #[test]
    fn a_changed_access_key_is_1005_or_1003(
        key in any::<String>(),
        replacement in any::<String>(),
        body in any::<String>(),
        algorithm in algorithm(),
    ) {
        let Some(case) = signed_case(&key, "secret", &body, 0, algorithm) else { return Ok(()) };
        let unknown = changed(&key, &replacement);
        let expected = if unknown == OTHER_KEY { 1003 } else { 1005 };
        let headers = set(&case.headers, headers::ACCESS_KEY, unknown);
        prop_assert_eq!(case.code(&headers, &case.body), expected);
        // A key the server knows, with the wrong secret for this signature.
        let headers = set(&case.headers, headers::ACCESS_KEY, OTHER_KEY.to_owned());
        prop_assert_eq!(case.code(&headers, &case.body), 1003);
    }

    #[test]
    fn a_changed_ts_fails(
        key in "[A-Za-z0-9-]{1,32}",
        body in any::<String>(),
        delta in prop_oneof![-60_000i64..=60_000, any::<i64>()],
        garbage in "[^0-9]+",
        algorithm in algorithm(),
    ) {
        prop_assume!(delta != 0);
        let Some(case) = signed_case(&key, "secret", &body, 0, algorithm) else { return Ok(()) };
        let ts = NOW.saturating_add(delta);
        prop_assume!(ts != NOW);
        let expected = if delta.unsigned_abs() > 60_000 { 1004 } else { 1003 };
        let headers = set(&case.headers, headers::TS, ts.to_string());
        prop_assert_eq!(case.code(&headers, &case.body), expected);
        // Not a decimal integer at all.
        let headers = set(&case.headers, headers::TS, format!("{NOW}{garbage}"));
        prop_assert_eq!(case.code(&headers, &case.body), 1002);
    }

    #[test]
    fn a_changed_biz_type_or_action_is_1002(
        key in "[A-Za-z0-9-]{1,32}",
        body in any::<String>(),
        replacement in any::<String>(),
        algorithm in algorithm(),
    ) {
        let Some(case) = signed_case(&key, "secret", &body, 0, algorithm) else { return Ok(()) };
        for name in [headers::BIZ_TYPE, headers::ACTION] {
            let value = changed(get(&case.headers, name), &replacement);
            let headers = set(&case.headers, name, value);
            let err = case.verifier.verify_headers(&headers, &case.body);
            prop_assert!(
                matches!(
                    err,
                    Err(VerifyError::UnexpectedBizType { .. } | VerifyError::UnexpectedAction { .. })
                ),
                "{err:?}"
            );
            prop_assert_eq!(case.code(&headers, &case.body), 1002);
        }
    }

    #[test]
    fn any_sign_character_change_is_1003(
        key in "[A-Za-z0-9-]{1,32}",
        body in any::<String>(),
        at in any::<Index>(),
        with in any::<char>(),
        algorithm in algorithm(),
    ) {
        let Some(case) = signed_case(&key, "secret", &body, 0, algorithm) else { return Ok(()) };
        let sign = change_char(get(&case.headers, headers::SIGN), at, with);
        let headers = set(&case.headers, headers::SIGN, sign);
        prop_assert_eq!(case.code(&headers, &case.body), 1003);
    }

    #[test]
    fn switching_the_algorithm_header_is_1003(
        key in "[A-Za-z0-9-]{1,32}",
        body in any::<String>(),
        algorithm in algorithm(),
    ) {
        let Some(case) = signed_case(&key, "secret", &body, 0, algorithm) else { return Ok(()) };
        let other = match algorithm {
            Algorithm::Md5 => Algorithm::Sha256,
            Algorithm::Sha256 => Algorithm::Md5,
        };
        let headers = set(&case.headers, headers::ALGORITHM, other.as_str().to_owned());
        prop_assert_eq!(case.code(&headers, &case.body), 1003);
    }
}

proptest! {
    #[test]
    fn arbitrary_headers_never_panic(
        headers in proptest::collection::vec(
            (
                prop_oneof![
                    Just(headers::ACCESS_KEY.to_owned()),
                    Just(headers::TS.to_owned()),
                    Just(headers::BIZ_TYPE.to_owned()),
                    Just(headers::ACTION.to_owned()),
                    Just(headers::SIGN.to_owned()),
                    Just(headers::ALGORITHM.to_owned()),
                    any::<String>(),
                ],
                prop_oneof![any::<String>(), any::<i64>().prop_map(|n| n.to_string()), Just("100".to_owned())],
            ),
            0..8,
        ),
        body in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let verifier = Verifier::new(KeyStore::new().with(Credentials::new("AK-1", "s")))
            .with_clock(FixedClock::new(NOW));
        if let Err(err) = verifier.verify_headers(&headers, &body) {
            prop_assert!((1001..=1005).contains(&err.code()), "{err:?}");
        }
    }
}
