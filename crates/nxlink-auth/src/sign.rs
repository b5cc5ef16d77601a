//! Request signing: the string to sign, the hash, and the headers that carry it.

use std::fmt;
use std::str::FromStr;

use md5::{Digest, Md5};
use sha2::Sha256;

use crate::{headers, Credentials};

/// The hash behind `sign`, chosen by the optional `algorithm` header.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// MD5, what the server assumes when no `algorithm` header is sent.
    #[default]
    Md5,
    /// SHA-256, announced with `algorithm: sha256`.
    Sha256,
}

impl Algorithm {
    /// The header value: `md5` or `sha256`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Md5 => "md5",
            Self::Sha256 => "sha256",
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Algorithm {
    type Err = UnknownAlgorithm;

    /// Parses `md5` or `sha256`, ignoring ASCII case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("md5") {
            Ok(Self::Md5)
        } else if s.eq_ignore_ascii_case("sha256") {
            Ok(Self::Sha256)
        } else {
            Err(UnknownAlgorithm)
        }
    }
}

/// A string that is neither `md5` nor `sha256`.
///
/// Carries no copy of the input: it often comes straight from a request header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("unknown signing algorithm: expected `md5` or `sha256`")]
pub struct UnknownAlgorithm;

/// Longest hex signature: SHA-256, 32 bytes.
const MAX_HEX_LEN: usize = 64;
/// Longest decimal `i64`: `-9223372036854775808`.
const MAX_TS_LEN: usize = 20;

/// ASCII text held inline, so a signature or a timestamp costs no allocation.
#[derive(Clone, Copy)]
struct InlineAscii<const N: usize> {
    bytes: [u8; N],
    len: u8,
}

impl<const N: usize> InlineAscii<N> {
    /// Copies `text`, cutting it at `N` bytes; callers only pass text that fits.
    fn new(text: &[u8]) -> Self {
        let len = text.len().min(N);
        let mut bytes = [0; N];
        bytes[..len].copy_from_slice(&text[..len]);
        Self { bytes, len: len as u8 }
    }

    fn as_str(&self) -> &str {
        // Only ASCII ever goes in, so this never falls back; it exists to avoid
        // `unsafe` and to keep a bug here from becoming a panic.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

/// The lowercase hex digit for `nibble` (< 16). Arithmetic rather than a table
/// lookup or a branch, so the time taken does not depend on the (secret) digest.
fn hex_digit(nibble: u8) -> u8 {
    // 0xff when nibble > 9: `9 - nibble` wraps around and sets the top bit.
    let letter = 0u8.wrapping_sub(9u8.wrapping_sub(nibble) >> 7);
    b'0' + nibble + (letter & (b'a' - b'0' - 10))
}

/// A computed signature: lowercase hex, held inline (no allocation).
///
/// Dereferences to `&str` for use as the `sign` header value. A signature is valid
/// for a whole minute, so `Debug` prints `***`; there is deliberately no `Display`.
/// Compare it with [`Signature::ct_eq`], which takes the same time wherever the
/// inputs differ.
#[derive(Clone, Copy)]
pub struct Signature(InlineAscii<MAX_HEX_LEN>);

impl Signature {
    fn from_digest(digest: &[u8]) -> Self {
        let mut hex = InlineAscii { bytes: [0; MAX_HEX_LEN], len: 0 };
        for (pair, byte) in hex.bytes.chunks_exact_mut(2).zip(digest) {
            pair[0] = hex_digit(byte >> 4);
            pair[1] = hex_digit(byte & 0x0f);
        }
        hex.len = (digest.len() * 2).min(MAX_HEX_LEN) as u8;
        Self(hex)
    }

    /// The lowercase hex text: 32 characters for MD5, 64 for SHA-256.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// Constant-time comparison with a received `sign` value (lengths are not secret).
    pub fn ct_eq(&self, received: &str) -> bool {
        subtle::ConstantTimeEq::ct_eq(self.as_str().as_bytes(), received.as_bytes()).into()
    }
}

impl std::ops::Deref for Signature {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Signature {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Signature(***)")
    }
}

/// Signs requests with one set of credentials and one algorithm.
///
/// Cheap to share: `sign` takes `&self` and allocates nothing.
#[derive(Debug, Clone)]
pub struct Signer {
    credentials: Credentials,
    algorithm: Algorithm,
}

impl Signer {
    /// A signer using MD5, the server's default.
    pub fn new(credentials: Credentials) -> Self {
        Self { credentials, algorithm: Algorithm::default() }
    }

    /// The same signer using `algorithm`.
    #[must_use]
    pub fn with_algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// The credentials this signer uses.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The algorithm this signer uses.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// Signs one request and returns every header to set on it.
    ///
    /// `body` must be the exact bytes that will be sent: the signature covers them
    /// byte for byte, so serialize once and send what was signed. `ts_millis` is
    /// Unix time in milliseconds, normally [`Clock::now_millis`](crate::Clock::now_millis).
    pub fn sign<'a>(&'a self, biz_type: &'a str, action: &'a str, ts_millis: i64, body: &[u8]) -> SignedHeaders<'a> {
        let mut ts_buffer = itoa::Buffer::new();
        let ts = ts_buffer.format(ts_millis);
        let access_key = self.credentials.access_key();
        let sign = compute(
            self.algorithm,
            &StringToSign { access_key, action, biz_type, ts, body },
            self.credentials.access_secret().expose_secret(),
        );
        SignedHeaders {
            access_key,
            biz_type,
            action,
            ts_millis,
            ts: InlineAscii::new(ts.as_bytes()),
            sign,
            algorithm: self.algorithm,
        }
    }

    /// The string [`sign`](Self::sign) hashes for these inputs, with the secret
    /// replaced by `***`: compare it with the server's idea when chasing error 1003.
    ///
    /// A body that is not UTF-8 shows with `U+FFFD` replacement characters.
    ///
    /// ```
    /// use nxlink_auth::{Credentials, Signer};
    ///
    /// let signer = Signer::new(Credentials::new("AK-1", "s3cr3t"));
    /// assert_eq!(
    ///     signer.explain("100", "nxai", 1700000000000, br#"{"pageSize":10}"#),
    ///     r#"accessKey=AK-1&action=nxai&bizType=100&ts=1700000000000&body={"pageSize":10}&accessSecret=***"#,
    /// );
    /// ```
    pub fn explain(&self, biz_type: &str, action: &str, ts_millis: i64, body: &[u8]) -> String {
        string_to_sign_masked(
            self.credentials.access_key(),
            biz_type,
            action,
            itoa::Buffer::new().format(ts_millis),
            body,
        )
    }
}

/// The string to sign for these header values and body, with the secret replaced
/// by `***`. `ts` is taken as text, as a server receives it.
///
/// Same as [`Signer::explain`], for code that has no signer (a server looking into
/// a 1003 it answered).
pub fn string_to_sign_masked(access_key: &str, biz_type: &str, action: &str, ts: &str, body: &[u8]) -> String {
    let parts = StringToSign { access_key, action, biz_type, ts, body }.parts(b"***");
    let mut out = String::with_capacity(parts.iter().map(|part| part.len()).sum());
    for part in parts {
        out.push_str(&String::from_utf8_lossy(part));
    }
    out
}

/// The inputs of a signature, in the order the string to sign lists them.
pub(crate) struct StringToSign<'a> {
    pub(crate) access_key: &'a str,
    pub(crate) action: &'a str,
    pub(crate) biz_type: &'a str,
    pub(crate) ts: &'a str,
    pub(crate) body: &'a [u8],
}

impl<'a> StringToSign<'a> {
    /// The pieces whose concatenation is the string to sign. The single definition
    /// of the format: signing, verifying and `explain` all use it, so they cannot
    /// drift apart.
    ///
    /// The layout comes from the spec (`spec/service.json`, `auth.signing`): the signed
    /// headers in their order as `name=value` joined with `&`, the body prefix and the
    /// body (left out when the body is empty), the secret prefix and the secret.
    fn parts(&self, secret: &'a [u8]) -> [&'a [u8]; PARTS] {
        let mut parts: [&'a [u8]; PARTS] = [b""; PARTS];
        for (i, name) in SIGNED_HEADERS.iter().enumerate() {
            parts[4 * i] = if i == 0 { b"" } else { b"&" };
            parts[4 * i + 1] = name.as_bytes();
            parts[4 * i + 2] = b"=";
            parts[4 * i + 3] = self.value_of(name).as_bytes();
        }
        let tail = 4 * SIGNED_HEADERS.len();
        if !self.body.is_empty() {
            parts[tail] = BODY_PREFIX.as_bytes();
            parts[tail + 1] = self.body;
        }
        parts[tail + 2] = SECRET_PREFIX.as_bytes();
        parts[tail + 3] = secret;
        parts
    }

    /// The value of a signed header. A header the spec signs but this type does not
    /// carry signs as empty; `every_signed_header_has_a_value` keeps that from
    /// happening silently.
    fn value_of(&self, name: &str) -> &'a str {
        match name {
            headers::ACCESS_KEY => self.access_key,
            headers::ACTION => self.action,
            headers::BIZ_TYPE => self.biz_type,
            headers::TS => self.ts,
            _ => "",
        }
    }
}

use nxlink_models::signing::{BODY_PREFIX, SECRET_PREFIX, SIGNED_HEADERS};

/// Pieces of a string to sign: four per signed header (`&`, name, `=`, value), then the
/// body prefix, the body, the secret prefix and the secret.
const PARTS: usize = 4 * SIGNED_HEADERS.len() + 4;

/// Hashes the string to sign piece by piece: the string itself is never built, so
/// nothing is allocated and the secret is never copied into a buffer of ours.
pub(crate) fn compute(algorithm: Algorithm, input: &StringToSign<'_>, secret: &str) -> Signature {
    fn hash<D: Digest>(parts: &[&[u8]]) -> Signature {
        let mut hasher = D::new();
        for part in parts {
            hasher.update(part);
        }
        Signature::from_digest(&hasher.finalize())
    }
    let parts = input.parts(secret.as_bytes());
    match algorithm {
        Algorithm::Md5 => hash::<Md5>(&parts),
        Algorithm::Sha256 => hash::<Sha256>(&parts),
    }
}

/// The headers of one signed request; borrows the signer and the strings given to
/// [`Signer::sign`].
///
/// Iterate it (or call [`iter`](Self::iter)) to set every header: `accessKey`, `ts`,
/// `bizType`, `action`, `sign`, and `algorithm` when it is not MD5. `Debug` masks the
/// signature.
#[derive(Clone)]
pub struct SignedHeaders<'a> {
    access_key: &'a str,
    biz_type: &'a str,
    action: &'a str,
    ts_millis: i64,
    ts: InlineAscii<MAX_TS_LEN>,
    sign: Signature,
    algorithm: Algorithm,
}

impl<'a> SignedHeaders<'a> {
    /// Every `(name, value)` pair to set on the request, names from
    /// [`headers`](crate::headers).
    pub fn iter(&self) -> HeaderIter<'_> {
        HeaderIter { headers: self, next: 0 }
    }

    /// The `accessKey` header value.
    pub fn access_key(&self) -> &'a str {
        self.access_key
    }

    /// The `ts` header value, decimal milliseconds.
    pub fn ts(&self) -> &str {
        self.ts.as_str()
    }

    /// The signed timestamp as a number.
    pub fn ts_millis(&self) -> i64 {
        self.ts_millis
    }

    /// The `bizType` header value.
    pub fn biz_type(&self) -> &'a str {
        self.biz_type
    }

    /// The `action` header value.
    pub fn action(&self) -> &'a str {
        self.action
    }

    /// The `sign` header value.
    pub fn sign(&self) -> &Signature {
        &self.sign
    }

    /// The algorithm used.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The `algorithm` header value, `None` for MD5: the server's default needs no
    /// header, and old servers that only know MD5 never see one.
    pub fn algorithm_header(&self) -> Option<&'static str> {
        match self.algorithm {
            Algorithm::Md5 => None,
            Algorithm::Sha256 => Some(self.algorithm.as_str()),
        }
    }

    /// The value of header `name` (ASCII case ignored), as [`iter`](Self::iter)
    /// would give it.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.iter().find(|(header, _)| header.eq_ignore_ascii_case(name)).map(|(_, value)| value)
    }

    fn entry(&self, index: usize) -> Option<(&'static str, &str)> {
        Some(match index {
            0 => (headers::ACCESS_KEY, self.access_key),
            1 => (headers::TS, self.ts()),
            2 => (headers::BIZ_TYPE, self.biz_type),
            3 => (headers::ACTION, self.action),
            4 => (headers::SIGN, self.sign.as_str()),
            5 => (headers::ALGORITHM, self.algorithm_header()?),
            _ => return None,
        })
    }

    fn len(&self) -> usize {
        if self.algorithm_header().is_some() {
            6
        } else {
            5
        }
    }
}

impl fmt::Debug for SignedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedHeaders")
            .field("access_key", &self.access_key)
            .field("ts", &self.ts())
            .field("biz_type", &self.biz_type)
            .field("action", &self.action)
            .field("sign", &self.sign)
            .field("algorithm", &self.algorithm)
            .finish()
    }
}

impl<'h> IntoIterator for &'h SignedHeaders<'_> {
    type Item = (&'static str, &'h str);
    type IntoIter = HeaderIter<'h>;

    fn into_iter(self) -> HeaderIter<'h> {
        self.iter()
    }
}

/// Iterator over the `(name, value)` pairs of [`SignedHeaders`].
#[derive(Debug, Clone)]
pub struct HeaderIter<'h> {
    headers: &'h SignedHeaders<'h>,
    next: usize,
}

impl<'h> Iterator for HeaderIter<'h> {
    type Item = (&'static str, &'h str);

    fn next(&mut self) -> Option<Self::Item> {
        let entry = self.headers.entry(self.next)?;
        self.next += 1;
        Some(entry)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.headers.len().saturating_sub(self.next);
        (left, Some(left))
    }
}

impl ExactSizeIterator for HeaderIter<'_> {}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;

    fn signer(algorithm: Algorithm) -> Signer {
        Signer::new(Credentials::new("fme2na3kdi3ki", "abciiiko2k3")).with_algorithm(algorithm)
    }

    const BODY: &[u8] = r#"{"name":"牛小信","id":10001}"#.as_bytes();
    const TS: i64 = 1_655_710_885_431;

    #[test]
    fn md5_matches_the_vendor_example() {
        let signer = signer(Algorithm::Md5);
        let signed = signer.sign("1", "send", TS, BODY);
        assert_eq!(signed.sign().as_str(), "87c3560d3331ae23f1021e2025722354");
    }

    #[test]
    fn md5_headers_leave_out_algorithm() {
        let signer = signer(Algorithm::Md5);
        let signed = signer.sign("1", "send", TS, BODY);
        let pairs: Vec<_> = signed.iter().collect();
        assert_eq!(
            pairs,
            [
                ("accessKey", "fme2na3kdi3ki"),
                ("ts", "1655710885431"),
                ("bizType", "1"),
                ("action", "send"),
                ("sign", "87c3560d3331ae23f1021e2025722354"),
            ]
        );
        assert_eq!(signed.iter().len(), 5);
    }

    #[test]
    fn sha256_headers_add_algorithm() {
        let signer = signer(Algorithm::Sha256);
        let signed = signer.sign("1", "send", TS, BODY);
        assert_eq!(signed.iter().len(), 6);
        assert_eq!(signed.get("ALGORITHM"), Some("sha256"));
        assert_eq!(signed.get("sign"), Some("e0eec2c99ef80f269a82795e2223f618ebfc0616c8b6c8c7d438021ec38ad0eb"));
        assert_eq!((&signed).into_iter().last(), Some(("algorithm", "sha256")));
    }

    #[test]
    fn every_signed_header_has_a_value() {
        let input = StringToSign { access_key: "k", action: "a", biz_type: "b", ts: "1", body: b"" };
        for name in SIGNED_HEADERS {
            assert!(!input.value_of(name).is_empty(), "the spec signs `{name}`, which the signer does not carry");
        }
        assert_eq!(
            string_to_sign_masked("k", "b", "a", "1", b""),
            "accessKey=k&action=a&bizType=b&ts=1&accessSecret=***"
        );
        assert_eq!(
            string_to_sign_masked("k", "b", "a", "1", b"{}"),
            "accessKey=k&action=a&bizType=b&ts=1&body={}&accessSecret=***"
        );
    }

    #[test]
    fn accessors_give_what_was_signed() {
        for algorithm in [Algorithm::Md5, Algorithm::Sha256] {
            let signer = signer(algorithm);
            let signed = signer.sign("1", "send", TS, BODY);
            assert_eq!(
                (signed.access_key(), signed.biz_type(), signed.action(), signed.ts(), signed.ts_millis()),
                ("fme2na3kdi3ki", "1", "send", "1655710885431", TS)
            );
            assert_eq!(signed.algorithm(), algorithm);
            let sign: &str = signed.sign().as_ref();
            assert_eq!(Some(sign), signed.get("sign"));
            assert_eq!(sign.len(), if algorithm == Algorithm::Md5 { 32 } else { 64 });
        }
    }

    #[test]
    fn debug_masks_the_signature() {
        let signer = signer(Algorithm::Md5);
        let signed = signer.sign("1", "send", TS, BODY);
        let debug = format!("{signed:?} {:?} {signer:?}", signed.sign());
        assert!(!debug.contains("87c3560d"), "{debug}");
        assert!(!debug.contains("abciiiko2k3"), "{debug}");
        assert!(debug.contains("sign: Signature(***)"), "{debug}");
    }

    #[test]
    fn extreme_timestamps_format_exactly() {
        let signer = signer(Algorithm::Md5);
        for ts in [i64::MIN, -1, 0, i64::MAX] {
            let signed = signer.sign("1", "send", ts, b"");
            assert_eq!(signed.ts(), ts.to_string());
            assert_eq!(signed.ts_millis(), ts);
        }
    }

    #[test]
    fn signature_compares_in_constant_time_helper() {
        let signer = signer(Algorithm::Md5);
        let sign = *signer.sign("1", "send", TS, BODY).sign();
        assert!(sign.ct_eq("87c3560d3331ae23f1021e2025722354"));
        assert!(!sign.ct_eq("87c3560d3331ae23f1021e2025722355"));
        assert!(!sign.ct_eq("87C3560D3331AE23F1021E2025722354"));
        assert!(!sign.ct_eq(""));
        assert_eq!(sign.len(), 32);
    }

    #[test]
    fn explain_masks_the_secret_and_skips_empty_body() {
        let signer = signer(Algorithm::Md5);
        assert_eq!(
            signer.explain("1", "send", TS, b""),
            "accessKey=fme2na3kdi3ki&action=send&bizType=1&ts=1655710885431&accessSecret=***"
        );
        assert_eq!(
            string_to_sign_masked("k", "1", "send", "7", &[b'{', 0xff, b'}']),
            "accessKey=k&action=send&bizType=1&ts=7&body={\u{fffd}}&accessSecret=***"
        );
    }

    #[test]
    fn hex_digits_are_lowercase() {
        let digits: Vec<u8> = (0..16).map(hex_digit).collect();
        assert_eq!(digits, b"0123456789abcdef");
    }

    #[test]
    fn algorithm_parses_ignoring_case() {
        assert_eq!("MD5".parse(), Ok(Algorithm::Md5));
        assert_eq!("Sha256".parse(), Ok(Algorithm::Sha256));
        assert_eq!("sha-256".parse::<Algorithm>(), Err(UnknownAlgorithm));
        assert_eq!("".parse::<Algorithm>(), Err(UnknownAlgorithm));
        assert_eq!(Algorithm::default(), Algorithm::Md5);
        assert_eq!(Algorithm::Sha256.to_string(), "sha256");
    }
}
