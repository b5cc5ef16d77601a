//! Field-by-field lenient decoding, used by the generated `Deserialize` impls.
//!
//! The vendor's own docs send `""` for an Integer field and the service is known to send
//! `null`, `""` and numbers as strings. One odd field must not cost the caller a whole
//! page, so every optional field goes through [`option`]: `null`, `""`, a missing field
//! and whitespace decode as `None`; a number sent as a string (or a string field sent as
//! a number) is coerced. Only a value that cannot be coerced at all is an error, and
//! serde reports it against the field, which [`crate::decode`] turns into a JSON path.
//!
//! Everything here is a serde `Visitor`: no intermediate `serde_json::Value`, no
//! allocation beyond the decoded value itself.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// A scalar the lenient decoder can build from whatever JSON scalar the server sent.
///
/// Each constructor returns `None` when the value cannot be represented (an integer
/// out of range, a non-numeric string for a number), which becomes a decode error
/// naming the field.
pub trait Scalar: Sized {
    /// What the field holds, for error messages ("an integer", "a string").
    const EXPECTED: &'static str;
    /// True for text: kept exactly as sent, and a number sent for it is remembered so
    /// that it is written back as a number.
    const TEXT: bool = false;
    /// From a JSON integer.
    fn from_i64(value: i64) -> Option<Self>;
    /// From a JSON integer above `i64::MAX`.
    fn from_u64(value: u64) -> Option<Self>;
    /// From a JSON number with a fraction or exponent.
    fn from_f64(value: f64) -> Option<Self>;
    /// From a JSON `true` / `false`.
    fn from_bool(value: bool) -> Option<Self>;
    /// From a JSON string: for text ([`TEXT`](Self::TEXT)) exactly as sent, blanks and
    /// `""` included; for the others not empty and trimmed (`""` and blanks mean "no
    /// value" there, `None`, without asking).
    fn from_text(value: &str) -> Option<Self>;
    /// True for a value a request leaves out (an empty string: the service reads `""`
    /// as a filter value).
    fn is_blank(&self) -> bool {
        false
    }
}

impl Scalar for String {
    const EXPECTED: &'static str = "a string";
    const TEXT: bool = true;
    fn is_blank(&self) -> bool {
        self.is_empty()
    }
    fn from_i64(value: i64) -> Option<Self> {
        Some(value.to_string())
    }
    fn from_u64(value: u64) -> Option<Self> {
        Some(value.to_string())
    }
    fn from_f64(value: f64) -> Option<Self> {
        Some(value.to_string())
    }
    fn from_bool(value: bool) -> Option<Self> {
        Some(value.to_string())
    }
    fn from_text(value: &str) -> Option<Self> {
        Some(value.to_owned())
    }
}

impl Scalar for i64 {
    const EXPECTED: &'static str = "an integer";
    fn from_i64(value: i64) -> Option<Self> {
        Some(value)
    }
    fn from_u64(value: u64) -> Option<Self> {
        i64::try_from(value).ok()
    }
    fn from_f64(value: f64) -> Option<Self> {
        // 1.7e9 or 12.0 are integers written oddly; 12.5 is not an integer. Beyond 2^53
        // a float no longer holds every integer, so the one sent may have been rounded
        // (-9223372036854775809 arrives as -2^63): refused rather than changed.
        const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
        (value.fract() == 0.0 && value.abs() < EXACT).then_some(value as i64)
    }
    fn from_bool(_: bool) -> Option<Self> {
        None
    }
    fn from_text(value: &str) -> Option<Self> {
        value.parse::<i64>().ok().or_else(|| value.parse::<f64>().ok().and_then(Self::from_f64))
    }
}

impl Scalar for i32 {
    const EXPECTED: &'static str = "a 32-bit integer";
    fn from_i64(value: i64) -> Option<Self> {
        i32::try_from(value).ok()
    }
    fn from_u64(value: u64) -> Option<Self> {
        i32::try_from(value).ok()
    }
    fn from_f64(value: f64) -> Option<Self> {
        i64::from_f64(value).and_then(Self::from_i64)
    }
    fn from_bool(_: bool) -> Option<Self> {
        None
    }
    fn from_text(value: &str) -> Option<Self> {
        i64::from_text(value).and_then(Self::from_i64)
    }
}

impl Scalar for bool {
    const EXPECTED: &'static str = "a boolean";
    fn from_i64(value: i64) -> Option<Self> {
        match value {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
    fn from_u64(value: u64) -> Option<Self> {
        i64::try_from(value).ok().and_then(Self::from_i64)
    }
    fn from_f64(_: f64) -> Option<Self> {
        None
    }
    fn from_bool(value: bool) -> Option<Self> {
        Some(value)
    }
    fn from_text(value: &str) -> Option<Self> {
        match value {
            "true" | "TRUE" | "True" | "1" => Some(true),
            "false" | "FALSE" | "False" | "0" => Some(false),
            _ => None,
        }
    }
}

impl Scalar for f64 {
    const EXPECTED: &'static str = "a number";
    fn from_i64(value: i64) -> Option<Self> {
        Some(value as f64)
    }
    fn from_u64(value: u64) -> Option<Self> {
        Some(value as f64)
    }
    fn from_f64(value: f64) -> Option<Self> {
        Some(value)
    }
    fn from_bool(_: bool) -> Option<Self> {
        None
    }
    fn from_text(value: &str) -> Option<Self> {
        value.parse().ok().filter(|v: &f64| v.is_finite())
    }
}

/// A generated enum of integer codes: decoded as an integer, any code kept (newer codes
/// as the enum's `Unknown`).
pub trait CodeEnum: Copy + From<i64> {}

impl<T: CodeEnum> Scalar for T {
    const EXPECTED: &'static str = "an integer code";
    fn from_i64(value: i64) -> Option<Self> {
        Some(Self::from(value))
    }
    fn from_u64(value: u64) -> Option<Self> {
        i64::from_u64(value).map(Self::from)
    }
    fn from_f64(value: f64) -> Option<Self> {
        i64::from_f64(value).map(Self::from)
    }
    fn from_bool(_: bool) -> Option<Self> {
        None
    }
    fn from_text(value: &str) -> Option<Self> {
        i64::from_text(value).map(Self::from)
    }
}

/// A scalar as sent: its value (`None` for `null`, `""` or blanks where no string goes),
/// and whether a string field arrived as a number or a boolean.
pub(crate) struct Sent<T>(pub(crate) Option<T>, pub(crate) bool);

impl<'de, T: Scalar> Deserialize<'de> for Sent<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(SentVisitor::<T>(PhantomData))
    }
}

struct SentVisitor<T>(PhantomData<T>);

impl<T: Scalar> SentVisitor<T> {
    fn not_text<E: de::Error>(value: Option<T>, found: de::Unexpected<'_>) -> Result<Sent<T>, E> {
        match value {
            Some(value) => Ok(Sent(Some(value), T::TEXT)),
            None => Err(E::invalid_value(found, &T::EXPECTED)),
        }
    }
}

impl<'de, T: Scalar> Visitor<'de> for SentVisitor<T> {
    type Value = Sent<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, null or \"\"", T::EXPECTED)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Sent(None, false))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Sent(None, false))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Self::not_text(T::from_bool(v), de::Unexpected::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Self::not_text(T::from_i64(v), de::Unexpected::Signed(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Self::not_text(T::from_u64(v), de::Unexpected::Unsigned(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Self::not_text(T::from_f64(v), de::Unexpected::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if T::TEXT {
            // A string is kept exactly as sent, blanks and `""` included.
            return Ok(Sent(T::from_text(v), false));
        }
        let trimmed = v.trim();
        if trimmed.is_empty() {
            return Ok(Sent(None, false));
        }
        T::from_text(trimmed)
            .map(|value| Sent(Some(value), false))
            .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &T::EXPECTED))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        self.visit_str(&v)
    }
}

/// Decodes an optional scalar field: `null` and (with `#[serde(default)]`) a missing
/// field give `None`, and so do `""` and blanks for every type but `String`, which keeps
/// `""`; numbers sent as strings and strings sent as numbers are coerced.
pub fn option<'de, D: Deserializer<'de>, T: Scalar>(d: D) -> Result<Option<T>, D::Error> {
    // `deserialize_any` rather than `deserialize_option`: JSON says `null` through
    // `visit_unit`, and one dispatch per field instead of two is measurable on a
    // 1,000-record page (BENCHMARKS.md).
    Sent::<T>::deserialize(d).map(|sent| sent.0)
}

/// Decodes a required scalar field with the same coercions as [`option`]; `null` (and
/// `""` for a non-string) is an error because the field must carry a value.
pub fn required<'de, D: Deserializer<'de>, T: Scalar>(d: D) -> Result<T, D::Error> {
    option(d)?.ok_or_else(|| de::Error::invalid_value(de::Unexpected::Unit, &T::EXPECTED))
}

/// Decodes an optional field of a generated integer enum (any `T: From<i64>`), with the
/// coercions of [`option`]; codes newer than the spec land in the enum's `Unknown`.
pub fn enum_option<'de, D: Deserializer<'de>, T: From<i64>>(d: D) -> Result<Option<T>, D::Error> {
    Ok(option::<D, i64>(d)?.map(T::from))
}

/// Decodes a required field of a generated integer enum.
pub fn enum_required<'de, D: Deserializer<'de>, T: From<i64>>(d: D) -> Result<T, D::Error> {
    required::<D, i64>(d).map(T::from)
}

/// Decodes an optional nested object: `null`, `""` or a missing field give `None`.
pub fn object_option<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    d.deserialize_option(ObjectOptionVisitor(PhantomData))
}

struct ObjectOptionVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectOptionVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object, null or \"\"")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v.trim().is_empty() {
            Ok(None)
        } else {
            Err(E::invalid_type(de::Unexpected::Str(v), &self))
        }
    }
    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Some)
    }
}

/// Decodes an envelope's payload: `null`, `""` or a missing field give `None`; any
/// other value is handed to `T` whole. So open `data` (JSON) and answers whose `data`
/// the spec leaves undescribed take whatever the server sent (a task id as a bare
/// string, a list where the docs say `null`), while an object payload refuses a value
/// of another shape with its own error.
pub fn payload<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    d.deserialize_option(PayloadVisitor(PhantomData))
}

struct PayloadVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for PayloadVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a payload, null or \"\"")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        T::deserialize(de::IntoDeserializer::<E>::into_deserializer(v)).map(Some)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        T::deserialize(de::IntoDeserializer::<E>::into_deserializer(v)).map(Some)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        T::deserialize(de::IntoDeserializer::<E>::into_deserializer(v)).map(Some)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        T::deserialize(de::IntoDeserializer::<E>::into_deserializer(v)).map(Some)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v.trim().is_empty() {
            return Ok(None);
        }
        T::deserialize(de::IntoDeserializer::<E>::into_deserializer(v)).map(Some)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        T::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(Some)
    }
    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Some)
    }
}

/// Decodes an array field: `null`, `""` or a missing field give an empty list, so a
/// caller never has to tell "no list" from "empty list".
pub fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    d.deserialize_option(ListVisitor(PhantomData))
}

struct ListVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ListVisitor<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array, null or \"\"")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v.trim().is_empty() {
            Ok(Vec::new())
        } else {
            Err(E::invalid_type(de::Unexpected::Str(v), &self))
        }
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // Cap the pre-allocation: the size hint comes from the wire.
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element()? {
            out.push(item);
        }
        Ok(out)
    }
}

/// A field's name as it arrives in a generated `Deserialize`: borrowed from the body when
/// the JSON allows (no escapes), so matching a known field allocates nothing; owned only
/// for the unknown fields that are kept.
pub struct Key<'de>(std::borrow::Cow<'de, str>);

impl<'de> Key<'de> {
    /// The name, to match against the spec's wire names.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name as an owned string, for the map of unknown fields.
    pub fn into_owned(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(std::borrow::Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Key(std::borrow::Cow::Owned(v)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// The value of an optional scalar field, decoded by [`option`]; generated visitors read
/// `map.next_value::<Optional<T>>()`.
pub struct Optional<T>(pub Option<T>);

impl<'de, T: Scalar> Deserialize<'de> for Optional<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        option(d).map(Optional)
    }
}

/// The value of a required scalar field, decoded by [`required`].
pub struct Required<T>(pub T);

impl<'de, T: Scalar> Deserialize<'de> for Required<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        required(d).map(Required)
    }
}

/// The value of an optional enum field, decoded by [`enum_option`].
pub struct EnumOptional<T>(pub Option<T>);

impl<'de, T: From<i64>> Deserialize<'de> for EnumOptional<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        enum_option(d).map(EnumOptional)
    }
}

/// The value of an optional nested object, decoded by [`object_option`].
pub struct ObjectOptional<T>(pub Option<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ObjectOptional<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        object_option(d).map(ObjectOptional)
    }
}

/// The value of an array field, decoded by [`list`].
pub struct List<T>(pub Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        list(d).map(List)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct Probe {
        #[serde(default, deserialize_with = "option")]
        n: Option<i64>,
        #[serde(default, deserialize_with = "option")]
        small: Option<i32>,
        #[serde(default, deserialize_with = "option")]
        s: Option<String>,
        #[serde(default, deserialize_with = "option")]
        b: Option<bool>,
        #[serde(default, deserialize_with = "list")]
        l: Vec<i64>,
    }

    fn probe(json: &str) -> Result<Probe, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn null_empty_and_missing_are_none() {
        for json in
            [r#"{"n":null,"s":null,"b":null,"l":null}"#, r#"{"n":"","b":"","l":""}"#, r#"{"n":"  ","b":" "}"#, r#"{}"#]
        {
            let p = probe(json).unwrap();
            assert_eq!((p.n, p.s, p.b), (None, None, None), "{json}");
            assert!(p.l.is_empty(), "{json}");
        }
    }

    #[test]
    fn a_string_is_kept_exactly_as_sent() {
        // Decode then encode gives the server's JSON back: a string is never trimmed.
        assert_eq!(probe(r#"{"s":""}"#).unwrap().s.as_deref(), Some(""));
        assert_eq!(probe(r#"{"s":"  "}"#).unwrap().s.as_deref(), Some("  "));
        assert_eq!(probe(r#"{"s":" a b "}"#).unwrap().s.as_deref(), Some(" a b "));
        assert_eq!(probe(r#"{"s":null}"#).unwrap().s, None);
    }

    #[test]
    fn numbers_as_strings_and_strings_as_numbers_are_coerced() {
        let p = probe(r#"{"n":"42","small":" 7 ","s":1742378340,"b":"1","l":[1,2]}"#).unwrap();
        assert_eq!(p.n, Some(42));
        assert_eq!(p.small, Some(7));
        assert_eq!(p.s.as_deref(), Some("1742378340"));
        assert_eq!(p.b, Some(true));
        assert_eq!(p.l, vec![1, 2]);
        assert_eq!(probe(r#"{"n":1.7e9}"#).unwrap().n, Some(1_700_000_000));
    }

    #[test]
    fn uncoercible_values_are_errors_that_say_what_was_expected() {
        let err = probe(r#"{"n":"abc"}"#).unwrap_err().to_string();
        assert!(err.contains("an integer"), "{err}");
        let err = probe(r#"{"small":4294967296}"#).unwrap_err().to_string();
        assert!(err.contains("32-bit"), "{err}");
        let err = probe(r#"{"n":12.5}"#).unwrap_err().to_string();
        assert!(err.contains("an integer"), "{err}");
        let err = probe(r#"{"l":{"a":1}}"#).unwrap_err().to_string();
        assert!(err.contains("an array"), "{err}");
    }

    #[test]
    fn each_scalar_takes_what_it_can_represent_and_refuses_the_rest() {
        // String: every JSON scalar becomes its text.
        assert_eq!(String::from_i64(-5).as_deref(), Some("-5"));
        assert_eq!(String::from_u64(u64::MAX).as_deref(), Some("18446744073709551615"));
        assert_eq!(String::from_f64(1.5).as_deref(), Some("1.5"));
        assert_eq!(String::from_bool(true).as_deref(), Some("true"));
        assert_eq!(String::from_text("  a ").as_deref(), Some("  a "), "text exactly as sent");
        // i64: integral floats inside the range only; 2^63 is one past i64::MAX.
        assert_eq!(i64::from_u64(i64::MAX as u64), Some(i64::MAX));
        assert_eq!(i64::from_u64(i64::MAX as u64 + 1), None);
        assert_eq!(i64::from_f64(12.0), Some(12));
        assert_eq!(i64::from_f64(-12.0), Some(-12));
        assert_eq!(i64::from_f64(12.5), None);
        assert_eq!(i64::from_f64(9_007_199_254_740_991.0), Some(9_007_199_254_740_991));
        assert_eq!(i64::from_f64(-9_007_199_254_740_991.0), Some(-9_007_199_254_740_991));
        assert_eq!(i64::from_f64(9_007_199_254_740_992.0), None, "2^53: its neighbour rounds to it");
        assert_eq!(i64::from_f64(i64::MIN as f64), None);
        assert_eq!(i64::from_f64(9_223_372_036_854_775_808.0), None);
        assert_eq!(i64::from_f64(-1e19), None);
        assert_eq!(i64::from_f64(1e19), None);
        assert_eq!(i64::from_bool(true), None);
        assert_eq!(i64::from_text("1.7e9"), Some(1_700_000_000));
        assert_eq!(i64::from_text("-3"), Some(-3));
        // i32: the 32-bit range, from every path.
        assert_eq!(i32::from_i64(i64::from(i32::MIN)), Some(i32::MIN));
        assert_eq!(i32::from_i64(i64::from(i32::MAX) + 1), None);
        assert_eq!(i32::from_u64(7), Some(7));
        assert_eq!(i32::from_u64(u64::from(u32::MAX)), None);
        assert_eq!(i32::from_f64(7.0), Some(7));
        assert_eq!(i32::from_f64(4_294_967_296.0), None);
        assert_eq!(i32::from_bool(false), None);
        assert_eq!(i32::from_text("4294967296"), None);
        // bool: 0 and 1 in any spelling, nothing else.
        assert_eq!(bool::from_i64(0), Some(false));
        assert_eq!(bool::from_i64(1), Some(true));
        assert_eq!(bool::from_i64(2), None);
        assert_eq!(bool::from_u64(1), Some(true));
        assert_eq!(bool::from_u64(0), Some(false));
        assert_eq!(bool::from_u64(u64::MAX), None);
        assert_eq!(bool::from_f64(1.0), None);
        assert_eq!(bool::from_bool(false), Some(false));
        for (text, value) in [("true", true), ("TRUE", true), ("True", true), ("1", true)] {
            assert_eq!(bool::from_text(text), Some(value), "{text}");
        }
        for (text, value) in [("false", false), ("FALSE", false), ("False", false), ("0", false)] {
            assert_eq!(bool::from_text(text), Some(value), "{text}");
        }
        assert_eq!(bool::from_text("yes"), None);
        // f64: any finite number.
        assert_eq!(f64::from_i64(-3), Some(-3.0));
        assert_eq!(f64::from_u64(u64::MAX), Some(u64::MAX as f64));
        assert_eq!(f64::from_f64(0.25), Some(0.25));
        assert_eq!(f64::from_bool(true), None);
        assert_eq!(f64::from_text("2.5"), Some(2.5));
        assert_eq!(f64::from_text("inf"), None);
        assert_eq!(f64::from_text("NaN"), None);
    }

    /// Every numeric form the service has sent or might send, for every width a field
    /// can have: a table of what each decodes to (`-` for no value, `err` for a value
    /// that cannot be coerced). A width that mis-checks its range, a form read by the
    /// wrong path or `""` turned into 0 fails a row.
    #[test]
    fn every_numeric_form_for_every_width() {
        #[derive(Deserialize)]
        #[serde(bound = "T: Scalar")]
        struct Field<T> {
            #[serde(default, deserialize_with = "option")]
            v: Option<T>,
        }
        fn decode<T: Scalar + fmt::Debug>(form: &str) -> String {
            let json = if form == "absent" { "{}".to_owned() } else { format!(r#"{{"v":{form}}}"#) };
            match serde_json::from_str::<Field<T>>(&json) {
                Ok(Field { v: Some(value) }) => format!("{value:?}"),
                Ok(Field { v: None }) => "-".to_owned(),
                Err(_) => "err".to_owned(),
            }
        }
        // form, int32, int64, float64
        let table = [
            ("1000", "1000", "1000", "1000.0"),
            (r#""1000""#, "1000", "1000", "1000.0"),
            ("-7", "-7", "-7", "-7.0"),
            (r#""-7""#, "-7", "-7", "-7.0"),
            (r#"" 42 ""#, "42", "42", "42.0"),
            ("1e3", "1000", "1000", "1000.0"),
            (r#""1e3""#, "1000", "1000", "1000.0"),
            ("12.0", "12", "12", "12.0"),
            (r#""12.0""#, "12", "12", "12.0"),
            ("12.5", "err", "err", "12.5"),
            (r#""12.5""#, "err", "err", "12.5"),
            (r#""-0""#, "0", "0", "-0.0"),
            (r#""""#, "-", "-", "-"),
            (r#""   ""#, "-", "-", "-"),
            ("null", "-", "-", "-"),
            ("absent", "-", "-", "-"),
            ("2147483647", "2147483647", "2147483647", "2147483647.0"),
            ("2147483648", "err", "2147483648", "2147483648.0"),
            (r#""2147483648""#, "err", "2147483648", "2147483648.0"),
            ("-2147483648", "-2147483648", "-2147483648", "-2147483648.0"),
            ("-2147483649", "err", "-2147483649", "-2147483649.0"),
            ("9223372036854775807", "err", "9223372036854775807", "9.223372036854776e18"),
            ("9223372036854775808", "err", "err", "9.223372036854776e18"),
            (r#""9223372036854775808""#, "err", "err", "9.223372036854776e18"),
            ("-9223372036854775809", "err", "err", "-9.223372036854776e18"),
            (r#""-9223372036854775808""#, "err", "-9223372036854775808", "-9.223372036854776e18"),
            (r#""9007199254740993""#, "err", "9007199254740993", "9007199254740992.0"),
            ("9007199254740993.0", "err", "err", "9007199254740992.0"),
            ("9007199254740991.0", "err", "9007199254740991", "9007199254740991.0"),
            (r#""1e400""#, "err", "err", "err"),
            (r#""NaN""#, "err", "err", "err"),
            ("true", "err", "err", "err"),
            (r#""abc""#, "err", "err", "err"),
            (r#""0x10""#, "err", "err", "err"),
            (r#""1,000""#, "err", "err", "err"),
            ("[1]", "err", "err", "err"),
            (r#"{"a":1}"#, "err", "err", "err"),
        ];
        for (form, int32, int64, float64) in table {
            assert_eq!(decode::<i32>(form), int32, "int32 from {form}");
            assert_eq!(decode::<i64>(form), int64, "int64 from {form}");
            assert_eq!(decode::<f64>(form), float64, "float64 from {form}");
        }
    }

    #[test]
    fn blanks_on_either_side_of_a_number_alone_are_trimmed() {
        assert_eq!(probe(r#"{"n":" 7"}"#).unwrap().n, Some(7));
        assert_eq!(probe(r#"{"n":"7 "}"#).unwrap().n, Some(7));
        assert_eq!(probe(r#"{"n":"\t7\n"}"#).unwrap().n, Some(7));
        assert_eq!(probe(r#"{"s":"\ta"}"#).unwrap().s.as_deref(), Some("\ta"));
    }

    #[test]
    fn errors_name_the_value_that_arrived_and_what_was_expected() {
        let err = probe(r#"{"b":2}"#).unwrap_err().to_string();
        assert!(err.contains("integer `2`") && err.contains("a boolean"), "{err}");
        let err = probe(r#"{"b":1.5}"#).unwrap_err().to_string();
        assert!(err.contains("floating point `1.5`") && err.contains("a boolean"), "{err}");
        let err = probe(r#"{"n":true}"#).unwrap_err().to_string();
        assert!(err.contains("boolean `true`") && err.contains("an integer"), "{err}");
        let err = probe(r#"{"n":18446744073709551615}"#).unwrap_err().to_string();
        assert!(err.contains("integer `18446744073709551615`") && err.contains("an integer"), "{err}");
        let err = probe(r#"{"n":[1]}"#).unwrap_err().to_string();
        assert!(err.contains(r#"expected an integer, null or """#), "{err}");
        let err = probe(r#"{"l":"x"}"#).unwrap_err().to_string();
        assert!(err.contains(r#"string "x""#) && err.contains("an array"), "{err}");
    }

    #[derive(Debug, Deserialize)]
    struct Nested {
        #[serde(default, deserialize_with = "object_option")]
        o: Option<Probe>,
    }

    #[test]
    fn a_nested_object_may_be_null_empty_or_an_object_and_nothing_else() {
        let nested = |json: &str| serde_json::from_str::<Nested>(json);
        for json in [r#"{"o":null}"#, r#"{"o":""}"#, r#"{"o":" "}"#, r#"{}"#] {
            assert!(nested(json).unwrap().o.is_none(), "{json}");
        }
        assert_eq!(nested(r#"{"o":{"n":"3"}}"#).unwrap().o.unwrap().n, Some(3));
        let err = nested(r#"{"o":"x"}"#).unwrap_err().to_string();
        assert!(err.contains(r#"string "x""#) && err.contains(r#"an object, null or """#), "{err}");
        let err = nested(r#"{"o":5}"#).unwrap_err().to_string();
        assert!(err.contains(r#"an object, null or """#), "{err}");
    }

    #[test]
    fn required_and_enum_fields_refuse_null_but_take_codes_sent_as_text() {
        assert_eq!(serde_json::from_str::<Required<i64>>(r#""5""#).unwrap().0, 5);
        let err = serde_json::from_str::<Required<i64>>("null").err().unwrap().to_string();
        assert!(err.contains("an integer"), "{err}");
        assert_eq!(serde_json::from_str::<EnumOptional<i64>>(r#"" 4 ""#).unwrap().0, Some(4));
        assert_eq!(enum_required::<_, i64>(&mut serde_json::Deserializer::from_str("9")).unwrap(), 9);
        assert!(enum_required::<_, i64>(&mut serde_json::Deserializer::from_str("null")).is_err());
        assert_eq!(serde_json::from_str::<List<i64>>("[1,2,3]").unwrap().0, [1, 2, 3]);
        assert_eq!(serde_json::from_str::<ObjectOptional<Probe>>("null").unwrap().0.map(|p| p.n), None);
    }

    #[test]
    fn keys_borrow_from_the_body_unless_escaped() {
        let key: Key<'_> = serde_json::from_str(r#""callId""#).unwrap();
        assert!(matches!(key.0, std::borrow::Cow::Borrowed("callId")));
        let key: Key<'_> = serde_json::from_str(r#""call\u0049d""#).unwrap();
        assert!(matches!(key.0, std::borrow::Cow::Owned(_)));
        assert_eq!(key.as_str(), "callId");
        assert_eq!(key.into_owned(), "callId");
        let owned = Key::deserialize(serde_json::json!("x")).unwrap();
        assert_eq!(owned.as_str(), "x");
    }
}
