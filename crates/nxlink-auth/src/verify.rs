//! Server-side checks of a signed request (mock server, webhook receivers).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;
use std::sync::Arc;

use crate::sign::{compute, StringToSign};
use crate::{
    headers, AccessSecret, Algorithm, Clock, Credentials, SignedHeaders, SystemClock, DEFAULT_ACTION, DEFAULT_BIZ_TYPE,
    MAX_CLOCK_SKEW_MS,
};

/// Finds the secret that belongs to an access key.
pub trait SecretStore {
    /// The secret of `access_key`, or `None` when the key is unknown (error 1005).
    fn secret_for(&self, access_key: &str) -> Option<&AccessSecret>;
}

impl<S: SecretStore + ?Sized> SecretStore for &S {
    fn secret_for(&self, access_key: &str) -> Option<&AccessSecret> {
        (**self).secret_for(access_key)
    }
}

impl<S: SecretStore + ?Sized> SecretStore for Arc<S> {
    fn secret_for(&self, access_key: &str) -> Option<&AccessSecret> {
        (**self).secret_for(access_key)
    }
}

/// A single pair knows exactly one key.
impl SecretStore for Credentials {
    fn secret_for(&self, access_key: &str) -> Option<&AccessSecret> {
        (self.access_key() == access_key).then(|| self.access_secret())
    }
}

/// Several access keys and their secrets, e.g. the accounts of a mock server.
///
/// `Debug` lists the keys only.
#[derive(Clone, Default)]
pub struct KeyStore {
    secrets: HashMap<String, AccessSecret>,
}

impl KeyStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a pair.
    pub fn insert(&mut self, credentials: Credentials) {
        let access_key = credentials.access_key().to_owned();
        self.secrets.insert(access_key, credentials.access_secret().clone());
    }

    /// The store with one more pair, for building in one expression.
    #[must_use]
    pub fn with(mut self, credentials: Credentials) -> Self {
        self.insert(credentials);
        self
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.secrets.len()
    }

    /// Whether the store has no keys.
    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty()
    }
}

impl SecretStore for KeyStore {
    fn secret_for(&self, access_key: &str) -> Option<&AccessSecret> {
        self.secrets.get(access_key)
    }
}

impl FromIterator<Credentials> for KeyStore {
    fn from_iter<I: IntoIterator<Item = Credentials>>(iter: I) -> Self {
        let mut store = Self::new();
        store.extend(iter);
        store
    }
}

impl Extend<Credentials> for KeyStore {
    fn extend<I: IntoIterator<Item = Credentials>>(&mut self, iter: I) {
        for credentials in iter {
            self.insert(credentials);
        }
    }
}

impl std::fmt::Debug for KeyStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut keys: Vec<_> = self.secrets.keys().collect();
        keys.sort_unstable();
        f.debug_struct("KeyStore").field("access_keys", &keys).finish()
    }
}

/// Received request headers, looked up by name ignoring ASCII case (HTTP/2 and many
/// servers lowercase header names).
///
/// Implemented for slices of `(name, value)` pairs, `HashMap`, `BTreeMap` and
/// [`SignedHeaders`]. For a framework's header map, either implement this for a
/// wrapper or pass a closure to [`Verifier::verify`].
pub trait HeaderLookup {
    /// The value of the header called `name`, any ASCII case.
    fn header(&self, name: &str) -> Option<&str>;
}

impl<H: HeaderLookup + ?Sized> HeaderLookup for &H {
    fn header(&self, name: &str) -> Option<&str> {
        (**self).header(name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>> HeaderLookup for [(K, V)] {
    fn header(&self, name: &str) -> Option<&str> {
        self.iter().find(|(key, _)| key.as_ref().eq_ignore_ascii_case(name)).map(|(_, value)| value.as_ref())
    }
}

impl<K: AsRef<str>, V: AsRef<str>> HeaderLookup for Vec<(K, V)> {
    fn header(&self, name: &str) -> Option<&str> {
        self.as_slice().header(name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>, S: BuildHasher> HeaderLookup for HashMap<K, V, S> {
    fn header(&self, name: &str) -> Option<&str> {
        // A scan, not a hash lookup: the map's keys may be in any case.
        self.iter().find(|(key, _)| key.as_ref().eq_ignore_ascii_case(name)).map(|(_, value)| value.as_ref())
    }
}

impl<K: AsRef<str>, V: AsRef<str>> HeaderLookup for BTreeMap<K, V> {
    fn header(&self, name: &str) -> Option<&str> {
        self.iter().find(|(key, _)| key.as_ref().eq_ignore_ascii_case(name)).map(|(_, value)| value.as_ref())
    }
}

impl HeaderLookup for SignedHeaders<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.get(name)
    }
}

/// Checks signed requests the way the NXLink server does.
///
/// The checks run in this order and the first failure is returned, so each request
/// gets exactly one, predictable code:
///
/// 1. every required header is present and not empty, else 1001
///    ([`VerifyError::MissingHeader`]);
/// 2. `bizType` and `action` are the expected ones, `ts` is a decimal integer and
///    `algorithm` (optional; absent or empty means `md5`) is known, else 1002;
/// 3. the access key is known to the [`SecretStore`], else 1005;
/// 4. `ts` is within [`MAX_CLOCK_SKEW_MS`] of the clock, either direction, else 1004;
/// 5. the signature matches, compared in constant time, else 1003.
///
/// Cheap checks come first and the hash last, so garbage costs little, and the
/// secret is only touched once the request is otherwise well formed.
#[derive(Debug, Clone)]
pub struct Verifier<S, C = SystemClock> {
    secrets: S,
    clock: C,
    biz_type: Cow<'static, str>,
    action: Cow<'static, str>,
    max_skew_millis: i64,
}

impl<S: SecretStore> Verifier<S> {
    /// A verifier for AI Agent requests (bizType `100`, action `nxai`) against the
    /// system clock.
    pub fn new(secrets: S) -> Self {
        Self {
            secrets,
            clock: SystemClock,
            biz_type: Cow::Borrowed(DEFAULT_BIZ_TYPE),
            action: Cow::Borrowed(DEFAULT_ACTION),
            max_skew_millis: MAX_CLOCK_SKEW_MS,
        }
    }
}

impl<S: SecretStore, C: Clock> Verifier<S, C> {
    /// The same verifier reading time from `clock` (a [`FixedClock`](crate::FixedClock)
    /// in tests).
    pub fn with_clock<C2: Clock>(self, clock: C2) -> Verifier<S, C2> {
        Verifier {
            secrets: self.secrets,
            clock,
            biz_type: self.biz_type,
            action: self.action,
            max_skew_millis: self.max_skew_millis,
        }
    }

    /// The same verifier accepting a `ts` up to `millis` from its clock, either way,
    /// instead of the API's 60 s: for callbacks, which may be delivered late.
    #[must_use]
    pub fn with_max_skew_millis(mut self, millis: i64) -> Self {
        self.max_skew_millis = millis.max(0);
        self
    }

    /// The same verifier expecting another `bizType`.
    #[must_use]
    pub fn with_biz_type(mut self, biz_type: impl Into<Cow<'static, str>>) -> Self {
        self.biz_type = biz_type.into();
        self
    }

    /// The same verifier expecting another `action`.
    #[must_use]
    pub fn with_action(mut self, action: impl Into<Cow<'static, str>>) -> Self {
        self.action = action.into();
        self
    }

    /// The secrets this verifier knows.
    pub fn secrets(&self) -> &S {
        &self.secrets
    }

    /// The clock this verifier reads.
    pub fn clock(&self) -> &C {
        &self.clock
    }

    /// Verifies a request whose headers implement [`HeaderLookup`].
    ///
    /// # Errors
    ///
    /// The first failed check, in the order documented on [`Verifier`].
    pub fn verify_headers<H: HeaderLookup + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
    ) -> Result<VerifiedRequest, VerifyError> {
        self.verify(|name| headers.header(name), body)
    }

    /// Verifies a request, asking `header` for each header by its name in
    /// [`headers`](crate::headers); `header` must ignore ASCII case. `body` is the
    /// exact bytes received.
    ///
    /// # Errors
    ///
    /// The first failed check, in the order documented on [`Verifier`].
    pub fn verify<'h>(
        &self,
        header: impl Fn(&str) -> Option<&'h str>,
        body: &[u8],
    ) -> Result<VerifiedRequest, VerifyError> {
        // 1001: an empty value is as good as none, the server cannot use it either.
        let required =
            |name: &'static str| header(name).filter(|value| !value.is_empty()).ok_or(VerifyError::MissingHeader(name));
        let access_key = required(headers::ACCESS_KEY)?;
        let ts = required(headers::TS)?;
        let biz_type = required(headers::BIZ_TYPE)?;
        let action = required(headers::ACTION)?;
        let sign = required(headers::SIGN)?;

        // 1002
        if biz_type != self.biz_type {
            return Err(VerifyError::UnexpectedBizType { expected: self.biz_type.to_string() });
        }
        if action != self.action {
            return Err(VerifyError::UnexpectedAction { expected: self.action.to_string() });
        }
        let ts_millis = parse_ts(ts).ok_or(VerifyError::InvalidTimestamp)?;
        let algorithm = match header(headers::ALGORITHM).filter(|value| !value.is_empty()) {
            None => Algorithm::Md5,
            Some(value) => value.parse().map_err(|_| VerifyError::UnknownAlgorithm)?,
        };

        // 1005
        let secret = self.secrets.secret_for(access_key).ok_or(VerifyError::UnknownAccessKey)?;

        // 1004: `abs_diff` because `now - ts` overflows for hostile values of `ts`.
        let now = self.clock.now_millis();
        if now.abs_diff(ts_millis) > self.max_skew_millis.unsigned_abs() {
            return Err(VerifyError::TimestampExpired {
                skew_millis: ts_millis.saturating_sub(now),
                allowed_millis: self.max_skew_millis,
            });
        }

        // 1003: hash the header text as received (not a reformatted `ts`), since
        // that is what the client signed.
        let expected =
            compute(algorithm, &StringToSign { access_key, action, biz_type, ts, body }, secret.expose_secret());
        if !expected.ct_eq(sign) {
            return Err(VerifyError::BadSignature);
        }

        Ok(VerifiedRequest { access_key: access_key.to_owned(), ts_millis, algorithm })
    }
}

/// A decimal integer: an optional `-` and ASCII digits only. Stricter than
/// `i64::from_str`, which would also take `+5`.
fn parse_ts(ts: &str) -> Option<i64> {
    let digits = ts.strip_prefix('-').unwrap_or(ts);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    ts.parse().ok()
}

/// What a successful [`Verifier::verify`] learned about the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedRequest {
    access_key: String,
    ts_millis: i64,
    algorithm: Algorithm,
}

impl VerifiedRequest {
    /// The caller's access key.
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// The request's `ts`, Unix milliseconds.
    pub fn ts_millis(&self) -> i64 {
        self.ts_millis
    }

    /// The algorithm the request was signed with.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }
}

/// Why a request failed verification, with its NXLink error code.
///
/// Messages name the header at fault but never repeat received values, the secret
/// or the expected signature: they are meant to be sent back to the caller.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// 1001: a required header is missing or empty.
    #[error("missing header `{0}`")]
    MissingHeader(&'static str),
    /// 1002: `bizType` is not the expected one.
    #[error("parameter error: header `bizType` must be `{expected}`")]
    UnexpectedBizType {
        /// The bizType the verifier accepts.
        expected: String,
    },
    /// 1002: `action` is not the expected one.
    #[error("parameter error: header `action` must be `{expected}`")]
    UnexpectedAction {
        /// The action the verifier accepts.
        expected: String,
    },
    /// 1002: `ts` is not a decimal integer (of milliseconds) that fits an `i64`.
    #[error("parameter error: header `ts` must be a decimal integer of milliseconds")]
    InvalidTimestamp,
    /// 1002: `algorithm` is neither `md5` nor `sha256`.
    #[error("parameter error: header `algorithm` must be `md5` or `sha256`")]
    UnknownAlgorithm,
    /// 1005: no secret is known for the access key.
    #[error("unknown access key")]
    UnknownAccessKey,
    /// 1004: `ts` is further from the verifier's clock than it allows
    /// ([`MAX_CLOCK_SKEW_MS`] unless set otherwise).
    #[error(
        "timestamp expired: header `ts` is {skew_millis} ms from the server clock \
         (at most {allowed_millis} allowed)"
    )]
    TimestampExpired {
        /// `ts` minus the verifier's clock: positive when the caller is ahead.
        skew_millis: i64,
        /// The largest distance the verifier accepts.
        allowed_millis: i64,
    },
    /// 1003: the signature does not match.
    #[error("invalid signature: header `sign` does not match the request")]
    BadSignature,
}

impl VerifyError {
    /// The NXLink result code, typed: 1001 to 1005.
    pub fn error_code(&self) -> nxlink_models::ErrorCode {
        nxlink_models::ErrorCode::from_code(self.code())
    }

    /// The NXLink error code as a number: 1001 to 1005.
    pub fn code(&self) -> i64 {
        match self {
            Self::MissingHeader(_) => 1001,
            Self::UnexpectedBizType { .. }
            | Self::UnexpectedAction { .. }
            | Self::InvalidTimestamp
            | Self::UnknownAlgorithm => 1002,
            Self::BadSignature => 1003,
            Self::TimestampExpired { .. } => 1004,
            Self::UnknownAccessKey => 1005,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;
    use crate::{FixedClock, Signer};

    const TS: i64 = 1_700_000_000_000;
    const BODY: &[u8] = br#"{"taskId":"t","pageNumber":1,"pageSize":10}"#;
    const SECRET: &str = "s3cr3t-value";

    fn verifier() -> Verifier<KeyStore, FixedClock> {
        let keys = KeyStore::new().with(Credentials::new("AK-1", SECRET)).with(Credentials::new("AK-2", "other"));
        Verifier::new(keys).with_clock(FixedClock::new(TS))
    }

    fn signed_pairs(algorithm: Algorithm) -> Vec<(String, String)> {
        let signer = Signer::new(Credentials::new("AK-1", SECRET)).with_algorithm(algorithm);
        let signed = signer.sign("100", "nxai", TS, BODY);
        signed.iter().map(|(name, value)| (name.to_owned(), value.to_owned())).collect()
    }

    fn with(pairs: &[(String, String)], name: &str, value: Option<&str>) -> Vec<(String, String)> {
        let mut pairs: Vec<_> = pairs.iter().filter(|(n, _)| n != name).cloned().collect();
        if let Some(value) = value {
            pairs.push((name.to_owned(), value.to_owned()));
        }
        pairs
    }

    #[track_caller]
    fn code(pairs: &[(String, String)]) -> i64 {
        match verifier().verify_headers(pairs, BODY) {
            Ok(_) => 0,
            Err(err) => err.code(),
        }
    }

    #[test]
    fn accepts_md5_and_sha256() {
        for algorithm in [Algorithm::Md5, Algorithm::Sha256] {
            let verified = verifier().verify_headers(&signed_pairs(algorithm), BODY).unwrap();
            assert_eq!(verified.access_key(), "AK-1");
            assert_eq!(verified.ts_millis(), TS);
            assert_eq!(verified.algorithm(), algorithm);
        }
    }

    #[test]
    fn header_names_ignore_case() {
        let lower: Vec<_> = signed_pairs(Algorithm::Sha256)
            .into_iter()
            .map(|(name, value)| (name.to_ascii_lowercase(), value))
            .collect();
        assert!(verifier().verify_headers(&lower, BODY).is_ok());
        let map: HashMap<_, _> = lower.iter().cloned().collect();
        assert!(verifier().verify_headers(&map, BODY).is_ok());
        let map: BTreeMap<_, _> = lower.into_iter().collect();
        assert!(verifier().verify_headers(&map, BODY).is_ok());
    }

    #[test]
    fn each_missing_or_empty_header_is_1001_and_named() {
        let pairs = signed_pairs(Algorithm::Md5);
        for name in [headers::ACCESS_KEY, headers::TS, headers::BIZ_TYPE, headers::ACTION, headers::SIGN] {
            for value in [None, Some("")] {
                let err = verifier().verify_headers(&with(&pairs, name, value), BODY).unwrap_err();
                assert_eq!(err, VerifyError::MissingHeader(name));
                assert_eq!(err.code(), 1001);
                assert!(err.to_string().contains(name), "{err}");
            }
        }
    }

    #[test]
    fn parameter_errors_are_1002() {
        let pairs = signed_pairs(Algorithm::Md5);
        let cases = [
            (headers::BIZ_TYPE, "1"),
            (headers::ACTION, "send"),
            (headers::TS, "17e11"),
            (headers::TS, "+1700000000000"),
            (headers::TS, " 1700000000000"),
            (headers::TS, "-"),
            (headers::TS, "99999999999999999999"),
            (headers::ALGORITHM, "sha1"),
        ];
        for (name, value) in cases {
            let err = verifier().verify_headers(&with(&pairs, name, Some(value)), BODY).unwrap_err();
            assert_eq!(err.code(), 1002, "{name}={value}: {err}");
            assert!(err.to_string().contains(name), "{err}");
        }
    }

    #[test]
    fn unknown_key_is_1005() {
        let pairs = with(&signed_pairs(Algorithm::Md5), headers::ACCESS_KEY, Some("AK-9"));
        assert_eq!(code(&pairs), 1005);
    }

    #[test]
    fn skew_beyond_a_minute_either_way_is_1004() {
        let pairs = signed_pairs(Algorithm::Md5);
        for (now, expected) in [(TS + 60_000, 0), (TS - 60_000, 0), (TS + 60_001, 1004), (TS - 60_001, 1004)] {
            let verifier = verifier();
            verifier.clock().set_millis(now);
            let got = verifier.verify_headers(&pairs, BODY).map_err(|e| e.code());
            assert_eq!(got.err().unwrap_or(0), expected, "now = ts + {}", now - TS);
        }
        let verifier = verifier();
        verifier.clock().set_millis(TS - 75_000);
        let err = verifier.verify_headers(&pairs, BODY).unwrap_err();
        assert_eq!(err, VerifyError::TimestampExpired { skew_millis: 75_000, allowed_millis: MAX_CLOCK_SKEW_MS });
    }

    #[test]
    fn hostile_timestamps_do_not_overflow() {
        let pairs = signed_pairs(Algorithm::Md5);
        for ts in [i64::MIN, i64::MAX] {
            let pairs = with(&pairs, headers::TS, Some(&ts.to_string()));
            assert_eq!(code(&pairs), 1004);
        }
    }

    #[test]
    fn errors_answer_the_typed_error_code() {
        use nxlink_models::ErrorCode;
        assert_eq!(VerifyError::MissingHeader("ts").error_code(), ErrorCode::MissingPublicParameters);
        assert_eq!(VerifyError::InvalidTimestamp.error_code(), ErrorCode::ParameterError);
        assert_eq!(VerifyError::BadSignature.error_code(), ErrorCode::InvalidSignature);
        assert_eq!(VerifyError::UnknownAccessKey.error_code(), ErrorCode::InsufficientAuthority);
        let pairs = with(&signed_pairs(Algorithm::Md5), headers::TS, Some("0"));
        assert_eq!(verifier().verify_headers(&pairs, BODY).unwrap_err().error_code(), ErrorCode::TimestampExpired);
    }

    #[test]
    fn key_stores_count_their_keys_and_build_from_iterators() {
        let store: KeyStore =
            [Credentials::new("AK-1", SECRET), Credentials::new("AK-2", "other")].into_iter().collect();
        assert_eq!((store.len(), store.is_empty()), (2, false));
        assert_eq!(store.secret_for("AK-2").map(AccessSecret::expose_secret), Some("other"));
        let mut grown = KeyStore::new();
        assert_eq!((grown.len(), grown.is_empty()), (0, true));
        grown.extend([Credentials::new("AK-3", "third")]);
        assert_eq!(grown.secret_for("AK-3").map(AccessSecret::expose_secret), Some("third"));
        assert_eq!(grown.len(), 1);
    }

    #[test]
    fn stores_and_header_maps_work_behind_references_and_arcs() {
        let store = KeyStore::new().with(Credentials::new("AK-1", SECRET));
        let by_ref: &KeyStore = &store;
        assert_eq!(SecretStore::secret_for(&by_ref, "AK-1").map(AccessSecret::expose_secret), Some(SECRET));
        let shared = Arc::new(store);
        assert_eq!(shared.secret_for("AK-1").map(AccessSecret::expose_secret), Some(SECRET));
        // A verifier over an `Arc` and headers behind a reference verify as the originals.
        let pairs = signed_pairs(Algorithm::Md5);
        let verifier = Verifier::new(shared).with_clock(FixedClock::new(TS));
        let headers: &[(String, String)] = &pairs;
        assert_eq!(HeaderLookup::header(&headers, "ACCESSKEY"), Some("AK-1"));
        assert!(verifier.verify_headers(&headers, BODY).is_ok());
    }

    #[test]
    fn the_signature_covers_the_ts_header_as_sent_not_as_parsed() {
        // `0` + TS parses to TS, but its text differs: a client that signed this text
        // must be accepted, and one that signed TS's canonical text refused.
        let padded = format!("0{TS}");
        let sign_over = |ts: &str| {
            let input =
                crate::sign::StringToSign { access_key: "AK-1", action: "nxai", biz_type: "100", ts, body: BODY };
            crate::sign::compute(Algorithm::Md5, &input, SECRET).as_str().to_owned()
        };
        let pairs = with(&signed_pairs(Algorithm::Md5), headers::TS, Some(&padded));
        let as_sent = with(&pairs, headers::SIGN, Some(&sign_over(&padded)));
        let verified = verifier().verify_headers(&as_sent, BODY).unwrap();
        assert_eq!(verified.ts_millis(), TS);
        let reformatted = with(&pairs, headers::SIGN, Some(&sign_over(&TS.to_string())));
        assert_eq!(code(&reformatted), 1003);
    }

    #[test]
    fn wrong_signature_or_body_is_1003() {
        let pairs = signed_pairs(Algorithm::Md5);
        let upper = pairs.iter().find(|(n, _)| n == headers::SIGN).map(|(_, v)| v.to_ascii_uppercase());
        assert_eq!(code(&with(&pairs, headers::SIGN, upper.as_deref())), 1003);
        assert_eq!(code(&with(&pairs, headers::ALGORITHM, Some("sha256"))), 1003);
        assert_eq!(code(&with(&pairs, headers::ACCESS_KEY, Some("AK-2"))), 1003);
        let err = verifier().verify_headers(&pairs, b"{}").unwrap_err();
        assert_eq!(err, VerifyError::BadSignature);
    }

    #[test]
    fn checks_run_in_the_documented_order() {
        let pairs = signed_pairs(Algorithm::Md5);
        // Each step breaks one more thing than the next; the earliest check wins.
        let bad_sign = with(&pairs, headers::SIGN, Some("0"));
        let expired = with(&bad_sign, headers::TS, Some("1"));
        let unknown = with(&expired, headers::ACCESS_KEY, Some("AK-9"));
        let bad_param = with(&unknown, headers::BIZ_TYPE, Some("1"));
        let missing = with(&bad_param, headers::ACTION, None);
        assert_eq!(code(&missing), 1001);
        assert_eq!(code(&bad_param), 1002);
        assert_eq!(code(&unknown), 1005);
        assert_eq!(code(&expired), 1004);
        assert_eq!(code(&bad_sign), 1003);
    }

    #[test]
    fn messages_never_leak_the_secret_or_expected_signature() {
        let pairs = signed_pairs(Algorithm::Md5);
        let sign = pairs.iter().find(|(n, _)| n == headers::SIGN).map(|(_, v)| v.clone()).unwrap_or_default();
        let err = verifier().verify_headers(&with(&pairs, headers::SIGN, Some("0")), BODY).unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(&sign), "{shown}");
        assert!(!shown.contains(SECRET), "{shown}");
        let store = format!("{:?}", verifier().secrets());
        assert_eq!(store, r#"KeyStore { access_keys: ["AK-1", "AK-2"] }"#);
    }

    #[test]
    fn verifies_straight_from_signed_headers_and_closures() {
        let signer = Signer::new(Credentials::new("AK-1", SECRET));
        let signed = signer.sign("100", "nxai", TS, BODY);
        assert!(verifier().verify_headers(&signed, BODY).is_ok());
        assert!(verifier().verify(|name| signed.get(name), BODY).is_ok());
        let single = Verifier::new(Credentials::new("AK-1", SECRET)).with_clock(FixedClock::new(TS));
        assert!(single.verify_headers(&signed, BODY).is_ok());
    }

    #[test]
    fn shareable_across_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Verifier<KeyStore, Arc<FixedClock>>>();
        assert_send_sync::<Signer>();
        assert_send_sync::<VerifyError>();
    }

    #[test]
    fn custom_biz_type_and_action() {
        let signer = Signer::new(Credentials::new("AK-1", SECRET));
        let signed = signer.sign("1", "send", TS, b"");
        let verifier = verifier().with_biz_type("1").with_action("send");
        assert!(verifier.verify_headers(&signed, b"").is_ok());
    }
}
