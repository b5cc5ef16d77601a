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

/// A code table of the spec, as data: for listing every enum (`nxlink enums`) without a
/// hand-kept list. Each generated enum's `TABLE`; all of them in `ENUMS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeTable {
    /// The enum's name, e.g. `CallStatus`.
    pub name: &'static str,
    /// The wire field it is sent in, e.g. `callStatus`.
    pub wire: &'static str,
    /// What the table is.
    pub description: &'static str,
    /// `(code, variant name, the vendor's description)`, in the vendor's order.
    pub values: &'static [(i64, &'static str, &'static str)],
}

/// The text after "unknown" in a code's `Display`: `code` is already a code ("unknown
/// code 99"), anything else is not ("unknown callStatus code 99").
pub fn unknown_code(f: &mut fmt::Formatter<'_>, wire: &str, code: i64) -> fmt::Result {
    if wire.to_ascii_lowercase().ends_with("code") {
        write!(f, "unknown {wire} {code}")
    } else {
        write!(f, "unknown {wire} code {code}")
    }
}

/// Parses a numeric code (`"17"`) or a variant name in any case and separator style,
/// for every generated enum's `FromStr`.
pub fn parse_code<T: Copy + From<i64>>(
    text: &str,
    enum_name: &'static str,
    all: &[T],
    name: impl Fn(T) -> &'static str,
) -> Result<T, ParseEnumError> {
    let text = text.trim();
    if let Ok(code) = text.parse::<i64>() {
        return Ok(T::from(code));
    }
    let wanted = normalize_name(text);
    all.iter()
        .copied()
        .find(|value| normalize_name(name(*value)) == wanted)
        .ok_or_else(|| ParseEnumError::new(enum_name, text))
}

/// Declares a code enum: one variant per documented code plus `Unknown(i64)`, and
/// everything such an enum does (the code and its description, the variant's name,
/// comparison and hashing by code, `Display`, `FromStr` by code or name, lenient
/// decoding, encoding as the number, drift for an unknown code), written once here.
///
/// ```ignore
/// nxlink_models::code_enum! {
///     /// How an outbound task starts.
///     #[code_enum("startupType")]
///     pub enum StartupType {
///         /// Manual start (code `1`).
///         #[code(1, "manual start")]
///         Manual,
///     }
/// }
/// ```
#[macro_export]
macro_rules! code_enum {
    (
        $(#[doc = $doc:expr])*
        #[code_enum($wire:literal)]
        pub enum $ty:ident {
            $(
                $(#[doc = $vdoc:expr])*
                #[code($code:literal, $desc:literal)]
                $variant:ident,
            )*
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy)]
        #[non_exhaustive]
        pub enum $ty {
            $( $(#[doc = $vdoc])* $variant, )*
            /// A code this version of the SDK does not know. The number is kept, and
            /// serialized back unchanged.
            Unknown(i64),
        }

        impl $ty {
            #[doc = concat!("Every documented `", $wire, "` code, in the vendor's order.")]
            pub const ALL: &'static [Self] = &[$(Self::$variant),*];

            /// The table as data: codes, names and descriptions.
            pub const TABLE: $crate::runtime::CodeTable = $crate::runtime::CodeTable {
                name: stringify!($ty),
                wire: $wire,
                description: $crate::code_enum!(@first $($doc),*),
                values: &[$(($code, stringify!($variant), $desc)),*],
            };

            /// The value for a code: the named variant when the code is documented,
            /// else `Unknown(code)`. The one constructor that decoding and `From` use.
            pub const fn from_code(code: i64) -> Self {
                match code {
                    $($code => Self::$variant,)*
                    other => Self::Unknown(other),
                }
            }

            /// The number on the wire.
            pub const fn code(self) -> i64 {
                match self {
                    $(Self::$variant => $code,)*
                    Self::Unknown(code) => code,
                }
            }

            /// The vendor's description of the code.
            pub const fn description(self) -> &'static str {
                match Self::from_code(self.code()) {
                    $(Self::$variant => $desc,)*
                    Self::Unknown(_) => "Unknown (a code newer than this SDK)",
                }
            }

            /// The variant's name, e.g. for a table header or a command-line value.
            pub const fn name(self) -> &'static str {
                match Self::from_code(self.code()) {
                    $(Self::$variant => stringify!($variant),)*
                    Self::Unknown(_) => "Unknown",
                }
            }

            /// True for a code this version of the SDK does not know.
            pub const fn is_unknown(self) -> bool {
                matches!(Self::from_code(self.code()), Self::Unknown(_))
            }
        }

        impl $crate::runtime::Typed for $ty {
            const TYPE: $crate::runtime::ValueType = $crate::runtime::ValueType::Code(&Self::TABLE);
        }

        impl From<i64> for $ty {
            fn from(code: i64) -> Self {
                Self::from_code(code)
            }
        }

        /// By code: `Unknown(n)` for a documented `n` equals the named variant.
        impl PartialEq for $ty {
            fn eq(&self, other: &Self) -> bool {
                self.code() == other.code()
            }
        }

        impl Eq for $ty {}

        impl std::hash::Hash for $ty {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                self.code().hash(state);
            }
        }

        impl From<$ty> for i64 {
            fn from(value: $ty) -> Self {
                value.code()
            }
        }

        /// The vendor's description; for an unknown code, the code.
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match Self::from_code(self.code()) {
                    Self::Unknown(code) => $crate::runtime::unknown_code(f, $wire, code),
                    known => f.write_str(known.description()),
                }
            }
        }

        /// Parses a numeric code (`"17"`) or a variant name in any case and separator
        /// style (`"NormalEndUserHungUp"`, `"normal-end-user-hung-up"`).
        impl std::str::FromStr for $ty {
            type Err = $crate::runtime::ParseEnumError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                $crate::runtime::parse_code(text, stringify!($ty), Self::ALL, Self::name)
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.code())
            }
        }

        /// Accepts a number or a number sent as a string.
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::runtime::lenient::enum_required(deserializer)
            }
        }

        impl $crate::runtime::lenient::CodeEnum for $ty {}

        /// A code this version does not know is drift.
        impl $crate::runtime::wire::FieldDrift for $ty {
            fn field_drift(&self, object: &'static str, wire: &'static str, report: &mut $crate::runtime::DriftReport) {
                if let Self::Unknown(code) = *self {
                    report.code(object, wire, code);
                }
            }
        }

        $crate::__code_enum_schema!($ty);
    };
    (@first $first:expr $(, $rest:expr)*) => { $first.trim_ascii() };
    (@first) => { "" };
}

/// `JsonSchema` for a code enum (feature `schemars`): an integer, each documented code
/// listed with its name and description.
#[cfg(feature = "schemars")]
#[doc(hidden)]
#[macro_export]
macro_rules! __code_enum_schema {
    ($ty:ident) => {
        impl $crate::runtime::schemars::JsonSchema for $ty {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($ty))
            }

            fn json_schema(_: &mut $crate::runtime::schemars::SchemaGenerator) -> $crate::runtime::schemars::Schema {
                $crate::runtime::schema::code_enum(&[Self::TABLE.description], Self::TABLE.wire, Self::TABLE.values)
            }
        }
    };
}

/// Without the `schemars` feature, no schema.
#[cfg(not(feature = "schemars"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __code_enum_schema {
    ($($tokens:tt)*) => {};
}
