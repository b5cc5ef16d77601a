//! Signature verification on arbitrary headers and bodies.
//!
//! 1. Arbitrary `(name, value)` header pairs and body through `Verifier::verify_headers`
//!    and `Verifier::verify` (closure form): never panics, and both forms agree.
//! 2. A request signed by `Signer` with arbitrary key, secret, ts, algorithm and body
//!    verifies (within the clock window); then one header is replaced by an arbitrary
//!    value: never panics, and a changed `sign`, `ts`, `accessKey`, `bizType` or
//!    `action` is always rejected.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use nxlink_auth::{
    headers, string_to_sign_masked, Algorithm, Credentials, FixedClock, KeyStore, Signer, Verifier, MAX_CLOCK_SKEW_MS,
};

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    headers: Vec<(&'a str, &'a str)>,
    body: &'a [u8],
    now: i64,
    access_key: &'a str,
    secret: &'a str,
    ts: i64,
    skew: i64,
    sha256: bool,
    tweak: Option<(u8, &'a str)>,
}

const NAMES: [&str; 6] =
    [headers::ACCESS_KEY, headers::TS, headers::BIZ_TYPE, headers::ACTION, headers::SIGN, headers::ALGORITHM];

fuzz_target!(|input: Input<'_>| {
    // 1. Raw headers against a store that knows a fixed key and the fuzzed one.
    let store =
        KeyStore::new().with(Credentials::new("AK-1", "s3cr3t")).with(Credentials::new(input.access_key, input.secret));
    let verifier = Verifier::new(store).with_clock(FixedClock::new(input.now));
    let by_lookup = verifier.verify_headers(&input.headers, input.body);
    let by_closure = verifier
        .verify(|name| input.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| *v), input.body);
    assert_eq!(by_lookup, by_closure);
    if let Err(err) = &by_lookup {
        assert!((1001..=1005).contains(&err.code()));
        let _ = err.to_string();
    }
    let lookup = |name: &str| input.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| *v);
    let _ = string_to_sign_masked(
        lookup(headers::ACCESS_KEY).unwrap_or_default(),
        lookup(headers::BIZ_TYPE).unwrap_or_default(),
        lookup(headers::ACTION).unwrap_or_default(),
        lookup(headers::TS).unwrap_or_default(),
        input.body,
    );

    // 2. A genuinely signed request, then one header tampered with.
    let algorithm = if input.sha256 { Algorithm::Sha256 } else { Algorithm::Md5 };
    let signer = Signer::new(Credentials::new(input.access_key, input.secret)).with_algorithm(algorithm);
    let signed = signer.sign("100", "nxai", input.ts, input.body);
    let _ = signer.explain("100", "nxai", input.ts, input.body);
    let skew = input.skew.rem_euclid(2 * MAX_CLOCK_SKEW_MS + 1) - MAX_CLOCK_SKEW_MS;
    let verifier = Verifier::new(Credentials::new(input.access_key, input.secret))
        .with_clock(FixedClock::new(input.ts.saturating_add(skew)));
    let pairs: Vec<(String, String)> =
        signed.iter().map(|(name, value)| (name.to_ascii_lowercase(), value.to_owned())).collect();
    let clean = verifier.verify_headers(&pairs, input.body);
    let in_window = input.ts.checked_add(skew).is_some();
    if !input.access_key.is_empty() && in_window {
        let verified = clean.unwrap_or_else(|err| panic!("a signed request was refused: {err}"));
        assert_eq!(verified.access_key(), input.access_key);
        assert_eq!(verified.ts_millis(), input.ts);
        assert_eq!(verified.algorithm(), algorithm);
    }
    if let Some((which, value)) = input.tweak {
        let name = NAMES[usize::from(which) % NAMES.len()];
        let mut tampered: Vec<(String, String)> =
            pairs.iter().filter(|(n, _)| !n.eq_ignore_ascii_case(name)).cloned().collect();
        let original = pairs.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());
        tampered.push((name.to_owned(), value.to_owned()));
        let result = verifier.verify_headers(&tampered, input.body);
        if name != headers::ALGORITHM && original.is_some_and(|original| original != value) {
            assert!(result.is_err(), "tampered `{name}` was accepted");
        }
    }
});
