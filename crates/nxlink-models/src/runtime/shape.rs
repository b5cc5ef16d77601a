//! The type of every field, as data: what a columnar file (Parquet) or a SQL table needs
//! to give each field a typed column, learnt from the spec through the generated types
//! instead of a hand-kept list. A field the vendor adds becomes a column on the next
//! `codegen`.

use super::CodeTable;

/// The type of a field's value, as the spec declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValueType {
    /// A 32-bit integer.
    Int32,
    /// A 64-bit integer.
    Int64,
    /// A 64-bit float.
    Float64,
    /// `true` or `false`.
    Bool,
    /// A string.
    String,
    /// A code of a documented enum, sent as an integer; the table names its values.
    Code(&'static CodeTable),
    /// A list of values of one type.
    List(&'static ValueType),
    /// A nested object, with its own fields.
    Object(&'static [Column]),
    /// Any JSON value: a field whose shape the spec leaves open.
    Json,
}

impl ValueType {
    /// True for a single value a typed column holds as itself (a number, a boolean, a
    /// string, a code); false for a list, an object or open JSON, which a store without
    /// nested types keeps as JSON text.
    pub fn is_scalar(&self) -> bool {
        matches!(self, Self::Int32 | Self::Int64 | Self::Float64 | Self::Bool | Self::String | Self::Code(_))
    }
}

/// One field of an object, as a column: its wire name, Rust name and type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The wire name, e.g. `calleePhone`.
    pub wire: &'static str,
    /// The Rust field name, e.g. `callee_phone`.
    pub field: &'static str,
    /// What the value is.
    pub ty: ValueType,
    /// True when the spec marks the field required (it is never absent).
    pub required: bool,
    /// True when the field holds personal data (a phone number, a name).
    pub personal: bool,
}

/// A type whose values have a [`ValueType`]; `Option<T>` has `T`'s.
pub trait Typed {
    /// The type of the values.
    const TYPE: ValueType;
}

macro_rules! typed {
    ($($ty:ty => $value:ident),* $(,)?) => {
        $(impl Typed for $ty {
            const TYPE: ValueType = ValueType::$value;
        })*
    };
}

typed!(i32 => Int32, i64 => Int64, f64 => Float64, bool => Bool, String => String,
    serde_json::Value => Json);

impl<T: Typed> Typed for Option<T> {
    const TYPE: ValueType = T::TYPE;
}

impl<T: Typed> Typed for Vec<T> {
    const TYPE: ValueType = ValueType::List(&T::TYPE);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Attribute, CallRecord, CallStatus};

    fn column(wire: &str) -> Column {
        *CallRecord::COLUMNS.iter().find(|c| c.wire == wire).unwrap()
    }

    #[test]
    fn columns_follow_fields_in_order() {
        let wires: Vec<&str> = CallRecord::COLUMNS.iter().map(|c| c.wire).collect();
        assert_eq!(wires, CallRecord::FIELDS);
    }

    #[test]
    fn scalars_are_the_types_a_column_holds_as_themselves() {
        for ty in [ValueType::Int32, ValueType::Int64, ValueType::Float64, ValueType::Bool, ValueType::String] {
            assert!(ty.is_scalar(), "{ty:?}");
        }
        assert!(column("callStatus").ty.is_scalar());
        assert!(!column("attributes").ty.is_scalar());
        assert!(!ValueType::Json.is_scalar());
        assert!(!ValueType::Object(Attribute::COLUMNS).is_scalar());
    }

    #[test]
    fn each_kind_of_field_has_its_type() {
        assert_eq!(column("id").ty, ValueType::Int64);
        assert_eq!(column("orderHead").ty, ValueType::Int32);
        assert_eq!(column("taskId").ty, ValueType::String);
        assert_eq!(column("callStatus").ty, ValueType::Code(&CallStatus::TABLE));
        assert_eq!(column("attributes").ty, ValueType::List(&ValueType::Object(Attribute::COLUMNS)));
        assert_eq!(column("id").field, "id");
        assert_eq!(column("calleePhone").field, "callee_phone");
        assert!(column("calleePhone").personal);
        assert!(!column("id").personal && !column("id").required);
    }
}
