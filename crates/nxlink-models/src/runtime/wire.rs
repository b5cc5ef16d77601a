//! The behaviour of a wire object, written once: generated code declares an object's
//! fields with one [`wire_object!`](crate::wire_object) invocation, and everything an
//! object does (lenient decoding field by field, unknown fields kept in `extra`, what
//! the server sent remembered, encoding in the spec's order, masked `Debug`, drift) is
//! here.
//!
//! A field is declared `#[wire("wireName", kind)]` (plus `personal` for data masked in
//! `Debug`; the macro adds both facts to the field's documentation); a request object's
//! field also names its setter's type (`#[wire("taskId", required(String))]`), and the
//! macro writes the setters, `extra_field` and `validate()`. The kinds:
//!
//! | kind | Rust type | decoding | encoded in a response | encoded in a request |
//! |---|---|---|---|---|
//! | `optional` | `Option<T>`, `T` a scalar or a code enum | lenient ([`lenient`](super::lenient)) | as sent: absent stays absent, `null` stays `null` | when set (a string when not empty) |
//! | `required` | `T` | lenient; `null` and `""` refused | always | always |
//! | `object` | `Option<O>` | `null` and `""` are `None` | as sent | when set |
//! | `required_object` | `O` | an object | always | always |
//! | `list` | `Vec<T>` | `null` and `""` are empty | as sent: absent, `null` or the list | when not empty |
//!
//! "As sent" is kept in the object's [`Presence`]: decoding then encoding a response
//! object gives the server's JSON back with two normalisations only, a number sent as a
//! string comes back as a number, and `""` where a number, an object or a list is
//! expected comes back as `null`. A field set in code is written; one left unset is not.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::Serialize;

use super::lenient::{Scalar, Sent};
use super::DriftReport;

/// What a decoded response object remembers of how the server sent its fields, beyond
/// what the fields themselves say: which were `null` (or `""` where not a string),
/// which lists were sent (an empty one included), which string fields arrived as
/// numbers. One bit per field, by position; objects have at most [`MAX_FIELDS`].
///
/// Compares equal to any other: two objects holding the same values are equal however
/// the server spelt their absences.
#[derive(Clone, Copy, Default)]
pub struct Presence {
    null: u128,
    listed: u128,
    numeric: u128,
}

/// The most fields an object may declare (the spec validator refuses more).
pub const MAX_FIELDS: usize = 128;

impl PartialEq for Presence {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl fmt::Debug for Presence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Presence")
    }
}

fn bit(index: usize) -> u128 {
    1_u128 << index
}

impl Presence {
    fn set_null(&mut self, index: usize) {
        self.null |= bit(index);
    }

    /// True when field `index` was sent as `null` (or as `""` where no string goes).
    pub fn is_null(&self, index: usize) -> bool {
        self.null & bit(index) != 0
    }
}

/// How a declared object encodes: as a response (as sent) or as a request (what is set).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Received: written back as the server sent it.
    Response,
    /// Sent: unset fields (and empty strings, which the service reads as a filter
    /// value) are left out.
    Request,
}

// --- decoding, one function per kind -------------------------------------------------

/// An optional scalar (or code enum) field's value, its key just read.
pub fn optional<'de, A: MapAccess<'de>, T: Scalar>(
    map: &mut A,
    presence: &mut Presence,
    index: usize,
) -> Result<Option<T>, A::Error> {
    let Sent(value, numeric) = map.next_value::<Sent<T>>()?;
    match value {
        None => presence.set_null(index),
        Some(_) if numeric => presence.numeric |= bit(index),
        Some(_) => {}
    }
    Ok(value)
}

/// A required scalar (or code enum) field's value.
pub fn required<'de, A: MapAccess<'de>, T: Scalar>(
    map: &mut A,
    presence: &mut Presence,
    index: usize,
) -> Result<T, A::Error> {
    match map.next_value::<Sent<T>>()? {
        Sent(Some(value), numeric) => {
            if numeric {
                presence.numeric |= bit(index);
            }
            Ok(value)
        }
        Sent(None, _) => Err(de::Error::invalid_value(de::Unexpected::Unit, &T::EXPECTED)),
    }
}

/// An optional nested object's value.
pub fn object<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    presence: &mut Presence,
    index: usize,
) -> Result<Option<T>, A::Error> {
    let value = map.next_value::<super::lenient::ObjectOptional<T>>()?.0;
    if value.is_none() {
        presence.set_null(index);
    }
    Ok(value)
}

/// A required nested object's value.
pub fn required_object<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    _: &mut Presence,
    _: usize,
) -> Result<T, A::Error> {
    map.next_value::<T>()
}

/// A list's value.
pub fn list<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    presence: &mut Presence,
    index: usize,
) -> Result<Vec<T>, A::Error> {
    match map.next_value::<SentList<T>>()?.0 {
        Some(items) => {
            presence.listed |= bit(index);
            Ok(items)
        }
        None => {
            presence.set_null(index);
            Ok(Vec::new())
        }
    }
}

/// The error for a required field the object lacks.
pub fn missing<E: de::Error>(wire: &'static str) -> E {
    E::missing_field(wire)
}

/// A list as sent: `None` for `null`, `""` or blanks.
struct SentList<T>(Option<Vec<T>>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for SentList<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ListVisitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for ListVisitor<T> {
            type Value = SentList<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array, null or \"\"")
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(SentList(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(SentList(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_any(self)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                if v.trim().is_empty() {
                    Ok(SentList(None))
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
                Ok(SentList(Some(out)))
            }
        }
        d.deserialize_option(ListVisitor(std::marker::PhantomData))
    }
}

// --- encoding, one function per kind ------------------------------------------------

/// Writes an optional field: a response's as sent, a request's when set.
pub fn encode_optional<M: SerializeMap, T: Scalar + Serialize>(
    map: &mut M,
    wire: &'static str,
    value: &Option<T>,
    role: Role,
    presence: &Presence,
    index: usize,
) -> Result<(), M::Error> {
    match (value, role) {
        (Some(value), Role::Response) if presence.numeric & bit(index) != 0 => {
            map.serialize_entry(wire, &AsSent(value))
        }
        (Some(value), Role::Request) if value.is_blank() => Ok(()),
        (Some(value), _) => map.serialize_entry(wire, value),
        (None, Role::Response) if presence.is_null(index) => map.serialize_entry(wire, &()),
        (None, _) => Ok(()),
    }
}

/// Writes a required field.
pub fn encode_required<M: SerializeMap, T: Scalar + Serialize>(
    map: &mut M,
    wire: &'static str,
    value: &T,
    role: Role,
    presence: &Presence,
    index: usize,
) -> Result<(), M::Error> {
    if role == Role::Response && presence.numeric & bit(index) != 0 {
        return map.serialize_entry(wire, &AsSent(value));
    }
    map.serialize_entry(wire, value)
}

/// Writes an optional nested object.
pub fn encode_object<M: SerializeMap, T: Serialize>(
    map: &mut M,
    wire: &'static str,
    value: &Option<T>,
    role: Role,
    presence: &Presence,
    index: usize,
) -> Result<(), M::Error> {
    match value {
        Some(value) => map.serialize_entry(wire, value),
        None if role == Role::Response && presence.is_null(index) => map.serialize_entry(wire, &()),
        None => Ok(()),
    }
}

/// Writes a required nested object.
pub fn encode_required_object<M: SerializeMap, T: Serialize>(
    map: &mut M,
    wire: &'static str,
    value: &T,
    _: Role,
    _: &Presence,
    _: usize,
) -> Result<(), M::Error> {
    map.serialize_entry(wire, value)
}

/// Writes a list: a response's as sent (an empty list that was sent included), a
/// request's when not empty.
pub fn encode_list<M: SerializeMap, T: Serialize>(
    map: &mut M,
    wire: &'static str,
    value: &[T],
    role: Role,
    presence: &Presence,
    index: usize,
) -> Result<(), M::Error> {
    let sent = role == Role::Response && presence.listed & bit(index) != 0;
    if !value.is_empty() || sent {
        map.serialize_entry(wire, value)
    } else if role == Role::Response && presence.is_null(index) {
        map.serialize_entry(wire, &())
    } else {
        Ok(())
    }
}

/// A string field that arrived as a number (or a boolean), written back as one.
struct AsSent<'a, T>(&'a T);

impl<T: Serialize> Serialize for AsSent<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = serde_json::to_value(self.0).ok();
        match text.as_ref().and_then(serde_json::Value::as_str) {
            Some("true") => serializer.serialize_bool(true),
            Some("false") => serializer.serialize_bool(false),
            Some(text) => match serde_json::from_str::<serde_json::Number>(text) {
                Ok(number) => number.serialize(serializer),
                Err(_) => self.0.serialize(serializer),
            },
            None => self.0.serialize(serializer),
        }
    }
}

// --- Debug and drift ------------------------------------------------------------------

/// A field's value in `Debug`: personal data masked ([`Masked`](super::Masked)).
pub trait PersonalData {
    /// The text to mask, if any.
    fn personal(&self) -> Option<&str>;
}

impl PersonalData for String {
    fn personal(&self) -> Option<&str> {
        Some(self)
    }
}

impl PersonalData for Option<String> {
    fn personal(&self) -> Option<&str> {
        self.as_deref()
    }
}

/// What a field adds to a drift report: the unknown codes of an enum, the unknown
/// fields of a nested object; nothing for a plain value.
pub trait FieldDrift {
    /// Adds this field's unknown codes and nested unknown fields to `report`.
    fn field_drift(&self, object: &'static str, wire: &'static str, report: &mut DriftReport);
}

macro_rules! no_drift {
    ($($ty:ty),*) => {
        $(impl FieldDrift for $ty {
            fn field_drift(&self, _: &'static str, _: &'static str, _: &mut DriftReport) {}
        })*
    };
}

no_drift!(String, i32, i64, f64, bool, serde_json::Value);

impl<T: FieldDrift> FieldDrift for Option<T> {
    fn field_drift(&self, object: &'static str, wire: &'static str, report: &mut DriftReport) {
        if let Some(value) = self {
            value.field_drift(object, wire, report);
        }
    }
}

impl<T: FieldDrift> FieldDrift for Vec<T> {
    fn field_drift(&self, object: &'static str, wire: &'static str, report: &mut DriftReport) {
        for value in self {
            value.field_drift(object, wire, report);
        }
    }
}

/// Declares a wire object: the struct (with `extra`, and for a response the
/// [`Presence`] of its fields), `FIELDS`, and its `Serialize`, `Deserialize`, `Debug`
/// and (for a response) `Drift` impls, all routed through [`runtime::wire`](self).
///
/// ```ignore
/// nxlink_models::wire_object! {
///     /// A call record.
///     #[wire(response, "CallRecord")]
///     #[derive(Default)]
///     pub struct CallRecord {
///         /// Record ID.
///         #[wire("id", optional)]
///         pub id: Option<i64>,
///         /// Callee number.
///         #[wire("calleePhone", optional, personal)]
///         pub callee_phone: Option<String>,
///     }
/// }
/// ```
#[macro_export]
macro_rules! wire_object {
    (
        $(#[doc = $doc:expr])*
        #[wire($role:ident, $name:literal)]
        $(#[$meta:meta])*
        pub struct $ty:ident {
            $(
                $(#[doc = $fdoc:expr])*
                #[wire($wire:literal, $kind:ident $(($set:ty))? $(, $personal:ident)?)]
                pub $field:ident : $fty:ty,
            )*
        }
    ) => {
        $(#[doc = $doc])*
        #[doc = $crate::wire_object!(@role_doc $role)]
        #[derive(Clone, PartialEq)]
        $(#[$meta])*
        #[non_exhaustive]
        pub struct $ty {
            $(
                $(#[doc = $fdoc])*
                $(#[doc = $crate::wire_object!(@personal $personal)])?
                #[doc = concat!("Wire name: `", $wire, "`.")]
                pub $field: $fty,
            )*
            /// Fields the spec does not know, by wire name, as sent: written back after
            /// the known ones (and reported as drift, for a response).
            pub extra: $crate::runtime::Extra,
            __presence: $crate::runtime::wire::Presence,
        }

        impl $ty {
            /// Wire names of the fields the spec knows, in the vendor's order.
            pub const FIELDS: &'static [&'static str] = &[$($wire),*];
            /// Every field the spec knows as a typed column, in the vendor's order.
            pub const COLUMNS: &'static [$crate::runtime::Column] = &[$(
                $crate::runtime::Column {
                    wire: $wire,
                    field: stringify!($field),
                    ty: <$fty as $crate::runtime::Typed>::TYPE,
                    required: $crate::wire_object!(@required $kind),
                    personal: $crate::wire_object!(@is_personal $($personal)?),
                }
            ),*];
            const ROLE: $crate::runtime::wire::Role = $crate::wire_object!(@role $role);
        }

        const _: () = assert!(<$ty>::FIELDS.len() <= $crate::runtime::wire::MAX_FIELDS);

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                #[allow(non_camel_case_types, dead_code)]
                enum __Field { $($field),* }
                let mut map = serializer.serialize_map(None)?;
                $(
                    $crate::wire_object!(@encode $kind)(
                        &mut map, $wire, &self.$field, Self::ROLE, &self.__presence, __Field::$field as usize,
                    )?;
                )*
                $crate::runtime::serialize_extra(&mut map, &self.extra, Self::FIELDS)?;
                map.end()
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct __Visitor;
                impl<'de> serde::de::Visitor<'de> for __Visitor {
                    type Value = $ty;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("a JSON object (", $name, ")"))
                    }
                    #[allow(unused_mut)]
                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<$ty, A::Error> {
                        #[allow(non_camel_case_types, dead_code)]
                        enum __Field { $($field),* }
                        let mut __presence = $crate::runtime::wire::Presence::default();
                        $( let mut $field = $crate::wire_object!(@start $kind $fty); )*
                        let mut extra = $crate::runtime::Extra::new();
                        while let Some(key) = map.next_key::<$crate::runtime::lenient::Key<'de>>()? {
                            match key.as_str() {
                                $(
                                    $wire => {
                                        let value = $crate::wire_object!(@decode $kind)(
                                            &mut map, &mut __presence, __Field::$field as usize,
                                        )?;
                                        $crate::wire_object!(@set $kind, $field, value);
                                    }
                                )*
                                _ => {
                                    let value = map.next_value()?;
                                    extra.insert(key.into_owned(), value);
                                }
                            }
                        }
                        Ok($ty {
                            $( $field: $crate::wire_object!(@finish $kind, $field, $wire), )*
                            extra,
                            __presence,
                        })
                    }
                }
                deserializer.deserialize_map(__Visitor)
            }
        }

        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct($name)
                    $( .field(stringify!($field), $crate::wire_object!(@debug self.$field $(, $personal)?)) )*
                    .field("extra", &$crate::runtime::ExtraNames(&self.extra))
                    .finish()
            }
        }

        impl $crate::runtime::Typed for $ty {
            const TYPE: $crate::runtime::ValueType = $crate::runtime::ValueType::Object(Self::COLUMNS);
        }

        $crate::wire_object!(@drift $role $ty $name { $($field $wire)* });
        $crate::wire_object!(@builder $role $ty { $( [$field $kind $wire ($($fdoc),*) $($set)?] )* });
        $crate::__wire_schema!($ty $name [$($doc),*] { $( $wire $kind ($fty) [$($fdoc),*] )* });
    };

    (@builder request $ty:ident { $( [$field:ident $kind:ident $wire:literal ($first:expr $(, $rest:expr)*) $($set:ty)?] )* }) => {
        impl $ty {
            /// Adds a field the spec does not know, sent after the known ones: for a
            /// field the vendor added, or documents only in part. A name the spec knows
            /// is ignored here; use its setter.
            #[must_use]
            pub fn extra_field(mut self, name: impl Into<String>, value: impl Into<$crate::runtime::JsonValue>) -> Self {
                self.extra.insert(name.into(), value.into());
                self
            }

            /// Checks the value against the spec's constraints before it is sent; the
            /// error names the offending field by its path (`list[3].phoneNumber`).
            pub fn validate(&self) -> Result<(), $crate::runtime::ValidationError> {
                self.validate_at("")
            }

            $( $crate::wire_object!{@setter $field $kind $wire ($first) $($set)?} )*
        }
    };
    (@builder response $($rest:tt)*) => {};

    (@setter $field:ident $kind:ident $wire:literal ($first:expr) $set:ty) => {
        #[doc = concat!("Sets `", $wire, "`:", $first)]
        #[must_use]
        pub fn $field(mut self, value: impl Into<$set>) -> Self {
            self.$field = $crate::wire_object!(@store $kind value.into());
            self
        }
    };
    (@setter $field:ident $kind:ident $wire:literal ($first:expr)) => {
        compile_error!(concat!("request field `", $wire, "` declares no setter type (`", stringify!($kind), "(Type)`)"));
    };

    (@store optional $value:expr) => { Some($value) };
    (@store object $value:expr) => { Some($value) };
    (@store $kind:ident $value:expr) => { $value };

    (@required required) => { true };
    (@required required_object) => { true };
    (@required $kind:ident) => { false };
    (@is_personal personal) => { true };
    (@is_personal) => { false };

    (@personal personal) => { "Personal data: masked in `Debug` output, intact in the field and in JSON." };

    (@role_doc response) => {
        "\nDecoding is lenient field by field: `null`, a missing field or a number sent as a string never fails the object, and `\"\"` stays `\"\"` in a string field. Fields the spec does not know are kept in `extra` and written back after the known ones, so decoding and encoding again loses nothing the server sent."
    };
    (@role_doc request) => { "" };

    (@role response) => { $crate::runtime::wire::Role::Response };
    (@role request) => { $crate::runtime::wire::Role::Request };

    (@start required $fty:ty) => { Option::<$fty>::None };
    (@start required_object $fty:ty) => { Option::<$fty>::None };
    (@start $kind:ident $fty:ty) => { <$fty as Default>::default() };

    (@set required, $field:ident, $value:ident) => { $field = Some($value) };
    (@set required_object, $field:ident, $value:ident) => { $field = Some($value) };
    (@set $kind:ident, $field:ident, $value:ident) => { $field = $value };

    (@decode optional) => { $crate::runtime::wire::optional };
    (@decode required) => { $crate::runtime::wire::required };
    (@decode object) => { $crate::runtime::wire::object };
    (@decode required_object) => { $crate::runtime::wire::required_object };
    (@decode list) => { $crate::runtime::wire::list };

    (@finish required, $field:ident, $wire:literal) => {
        $field.ok_or_else(|| $crate::runtime::wire::missing($wire))?
    };
    (@finish required_object, $field:ident, $wire:literal) => {
        $field.ok_or_else(|| $crate::runtime::wire::missing($wire))?
    };
    (@finish $kind:ident, $field:ident, $wire:literal) => { $field };

    (@encode optional) => { $crate::runtime::wire::encode_optional };
    (@encode required) => { $crate::runtime::wire::encode_required };
    (@encode object) => { $crate::runtime::wire::encode_object };
    (@encode required_object) => { $crate::runtime::wire::encode_required_object };
    (@encode list) => { $crate::runtime::wire::encode_list };

    (@debug $value:expr, personal) => {
        &$crate::runtime::Masked($crate::runtime::wire::PersonalData::personal(&$value))
    };
    (@debug $value:expr) => { &$value };

    (@drift response $ty:ident $name:literal { $($field:ident $wire:literal)* }) => {
        impl $crate::runtime::Drift for $ty {
            fn drift(&self, report: &mut $crate::runtime::DriftReport) {
                report.object($name, &self.extra);
                $( $crate::runtime::wire::FieldDrift::field_drift(&self.$field, $name, $wire, report); )*
            }
        }

        impl $crate::runtime::wire::FieldDrift for $ty {
            fn field_drift(&self, _: &'static str, _: &'static str, report: &mut $crate::runtime::DriftReport) {
                $crate::runtime::Drift::drift(self, report);
            }
        }
    };
    (@drift request $ty:ident $name:literal { $($field:ident $wire:literal)* }) => {};
}

/// `JsonSchema` for a declared object (feature `schemars`): its fields under their wire
/// names, described by their docs, the required ones listed.
#[cfg(feature = "schemars")]
#[doc(hidden)]
#[macro_export]
macro_rules! __wire_schema {
    ($ty:ident $(<$g:ident>)? $name:literal [$($doc:expr),*] { $( $wire:literal $kind:ident ($fty:ty) [$($fdoc:expr),*] )* }) => {
        impl $(<$g: $crate::runtime::schemars::JsonSchema>)? $crate::runtime::schemars::JsonSchema for $ty $(<$g>)? {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed($name)
            }

            fn json_schema(generator: &mut $crate::runtime::schemars::SchemaGenerator) -> $crate::runtime::schemars::Schema {
                let mut object = $crate::runtime::schema::Object::new(&[$($doc),*]);
                $( object.field::<$fty>(generator, $wire, &[$($fdoc),*], $crate::__wire_schema!(@required $kind)); )*
                object.finish()
            }
        }
    };
    (@required required) => { true };
    (@required required_object) => { true };
    (@required $kind:ident) => { false };
}

/// Without the `schemars` feature, no schema.
#[cfg(not(feature = "schemars"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __wire_schema {
    ($($tokens:tt)*) => {};
}

/// `JsonSchema` for an enum over payloads told apart by their fields (feature
/// `schemars`): any of the payloads' schemas.
#[cfg(feature = "schemars")]
#[doc(hidden)]
#[macro_export]
macro_rules! __union_schema {
    ($ty:ident [$($payload:ty),*]) => {
        impl $crate::runtime::schemars::JsonSchema for $ty {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($ty))
            }

            fn json_schema(generator: &mut $crate::runtime::schemars::SchemaGenerator) -> $crate::runtime::schemars::Schema {
                $crate::runtime::schema::any_of(vec![$(generator.subschema_for::<$payload>()),*])
            }
        }
    };
}

/// Without the `schemars` feature, no schema.
#[cfg(not(feature = "schemars"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __union_schema {
    ($($tokens:tt)*) => {};
}
