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
