//! What the server sent that the spec does not know: the fields kept in each object's
//! `extra` map and the enum codes decoded as `Unknown(n)`. Generated objects implement
//! [`Drift`]; a scan adds every page to a [`DriftReport`], which is how the SDK tells a
//! maintainer that the vendor's API has moved ahead of the spec.

use std::collections::BTreeMap;
use std::fmt;

use serde::ser::SerializeMap;

/// The fields of an object that the spec does not know, by wire name, as the server sent
/// them. A `BTreeMap` rather than an insertion-ordered map: output is the same whatever
/// features other crates turn on in `serde_json`, and the order of keys in a JSON object
/// carries no meaning. An empty map does not allocate, so a record without unknown
/// fields costs nothing. `serde_json` is built with `float_roundtrip`, so a number comes
/// back exactly as it was sent (the default parser can be one unit in the last place off).
pub type Extra = BTreeMap<String, serde_json::Value>;

/// Writes the unknown fields after the known ones, skipping a key that names a known
/// field (possible only when a caller put it there by hand), so the output never holds
/// the same key twice.
pub fn serialize_extra<M: SerializeMap>(map: &mut M, extra: &Extra, known: &[&str]) -> Result<(), M::Error> {
    for (key, value) in extra {
        if !known.contains(&key.as_str()) {
            map.serialize_entry(key, value)?;
        }
    }
    Ok(())
}

/// `Debug` of an `extra` map: the names only, since a field the spec does not know may
/// hold personal data.
pub struct ExtraNames<'a>(pub &'a Extra);

impl fmt::Debug for ExtraNames<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

/// Implemented by every generated object: adds what it holds beyond the spec (its own
/// unknown fields, unknown enum codes, and those of nested objects) to a report.
pub trait Drift {
    /// Adds this value's unknown fields and codes to `report`.
    fn drift(&self, report: &mut DriftReport);
}

impl Drift for () {
    fn drift(&self, _: &mut DriftReport) {}
}

impl Drift for serde_json::Value {
    fn drift(&self, _: &mut DriftReport) {}
}

impl<T: Drift> Drift for Option<T> {
    fn drift(&self, report: &mut DriftReport) {
        if let Some(value) = self {
            value.drift(report);
        }
    }
}

impl<T: Drift> Drift for Vec<T> {
    fn drift(&self, report: &mut DriftReport) {
        for value in self {
            value.drift(report);
        }
    }
}

/// Unknown fields and enum codes, each with the number of objects that carried it.
///
/// Keys are the spec's object name (`CallRecord`) and the wire name of the field
/// (`futureField`, or `callResult` for a code).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DriftReport {
    fields: BTreeMap<&'static str, BTreeMap<String, u64>>,
    codes: BTreeMap<(&'static str, &'static str), BTreeMap<i64, u64>>,
}

/// One thing the spec does not know, for [`DriftReport::merge`]'s callback and for
/// iteration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finding<'a> {
    /// A field the object's spec does not list.
    Field {
        /// The spec's object name.
        object: &'static str,
        /// The field's wire name.
        field: &'a str,
    },
    /// A code the enum's table does not list.
    Code {
        /// The spec's object name.
        object: &'static str,
        /// The wire name of the enum field.
        field: &'static str,
        /// The code.
        code: i64,
    },
}

impl fmt::Display for Finding<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Field { object, field } => write!(f, "field `{field}` of {object}"),
            Self::Code { object, field, code } => write!(f, "code {code} of `{field}` in {object}"),
        }
    }
}

impl DriftReport {
    /// Counts the unknown fields of one object.
    pub fn object(&mut self, object: &'static str, extra: &Extra) {
        if extra.is_empty() {
            return;
        }
        let fields = self.fields.entry(object).or_default();
        for key in extra.keys() {
            match fields.get_mut(key.as_str()) {
                Some(count) => *count += 1,
                None => {
                    fields.insert(key.clone(), 1);
                }
            }
        }
    }

    /// Counts one enum code the spec does not list.
    pub fn code(&mut self, object: &'static str, field: &'static str, code: i64) {
        *self.codes.entry((object, field)).or_default().entry(code).or_default() += 1;
    }

    /// True when nothing unknown was seen.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.codes.is_empty()
    }

    /// Every finding with its count: fields first, then codes, each in name order.
    pub fn iter(&self) -> impl Iterator<Item = (Finding<'_>, u64)> + '_ {
        let fields = self.fields.iter().flat_map(|(object, fields)| {
            fields.iter().map(move |(field, count)| (Finding::Field { object, field }, *count))
        });
        let codes = self.codes.iter().flat_map(|((object, field), codes)| {
            codes.iter().map(move |(code, count)| (Finding::Code { object, field, code: *code }, *count))
        });
        fields.chain(codes)
    }

    /// Adds `other`'s counts to this report, calling `first_seen` for each finding this
    /// report did not hold yet (the client logs those, once per name and scan).
    pub fn merge(&mut self, other: &Self, mut first_seen: impl FnMut(Finding<'_>)) {
        for (object, fields) in &other.fields {
            let mine = self.fields.entry(object).or_default();
            for (field, count) in fields {
                match mine.get_mut(field.as_str()) {
                    Some(total) => *total += count,
                    None => {
                        first_seen(Finding::Field { object, field });
                        mine.insert(field.clone(), *count);
                    }
                }
            }
        }
        for (&(object, field), codes) in &other.codes {
            let mine = self.codes.entry((object, field)).or_default();
            for (&code, count) in codes {
                let total = mine.entry(code).or_default();
                if *total == 0 {
                    first_seen(Finding::Code { object, field, code });
                }
                *total += count;
            }
        }
    }
}

/// The one-line summary a person reads: `futureField (61), anotherNew (61); callResult
/// 22 (40)`, each with the number of objects that carried it. Names are the wire names a
/// maintainer searches the vendor's page for, qualified by the object
/// (`Attribute.futureField`) only when the report covers more than one object type.
impl fmt::Display for DriftReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let objects: std::collections::BTreeSet<&str> =
            self.fields.keys().copied().chain(self.codes.keys().map(|(object, _)| *object)).collect();
        let qualify = objects.len() > 1;
        let name = |object: &str, field: &str| if qualify { format!("{object}.{field}") } else { field.to_owned() };
        let describe = |(finding, count): (Finding<'_>, u64)| match finding {
            Finding::Field { object, field } => format!("{} ({count})", name(object, field)),
            Finding::Code { object, field, code } => format!("{} {code} ({count})", name(object, field)),
        };
        let (fields, codes): (Vec<_>, Vec<_>) =
            self.iter().partition(|(finding, _)| matches!(finding, Finding::Field { .. }));
        let fields: Vec<String> = fields.into_iter().map(describe).collect();
        let codes: Vec<String> = codes.into_iter().map(describe).collect();
        f.write_str(&fields.join(", "))?;
        if !fields.is_empty() && !codes.is_empty() {
            f.write_str("; ")?;
        }
        f.write_str(&codes.join(", "))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extra(keys: &[&str]) -> Extra {
        keys.iter().map(|k| ((*k).to_owned(), serde_json::Value::Null)).collect()
    }

    #[test]
    fn counts_fields_per_object_and_codes_per_field() {
        let mut report = DriftReport::default();
        report.object("CallRecord", &extra(&[]));
        assert!(report.is_empty());
        report.object("CallRecord", &extra(&["futureField", "anotherNew"]));
        report.object("CallRecord", &extra(&["futureField"]));
        report.object("Attribute", &extra(&["futureField"]));
        report.code("CallRecord", "callResult", 22);
        report.code("CallRecord", "callResult", 22);
        report.code("CallRecord", "callStatus", 99);
        let all: Vec<_> = report.iter().map(|(finding, count)| (finding.to_string(), count)).collect();
        assert_eq!(
            all,
            [
                ("field `futureField` of Attribute".to_owned(), 1),
                ("field `anotherNew` of CallRecord".to_owned(), 1),
                ("field `futureField` of CallRecord".to_owned(), 2),
                ("code 22 of `callResult` in CallRecord".to_owned(), 2),
                ("code 99 of `callStatus` in CallRecord".to_owned(), 1),
            ]
        );
        assert_eq!(
            report.to_string(),
            "Attribute.futureField (1), CallRecord.anotherNew (1), CallRecord.futureField (2); \
             CallRecord.callResult 22 (2), CallRecord.callStatus 99 (1)"
        );
    }

    #[test]
    fn merge_adds_counts_and_names_each_finding_once() {
        let mut page = DriftReport::default();
        page.object("CallRecord", &extra(&["futureField"]));
        page.code("CallRecord", "callResult", 22);
        let mut scan = DriftReport::default();
        let mut seen = Vec::new();
        scan.merge(&page, |finding| seen.push(finding.to_string()));
        scan.merge(&page, |finding| seen.push(finding.to_string()));
        assert_eq!(seen, ["field `futureField` of CallRecord", "code 22 of `callResult` in CallRecord"]);
        assert_eq!(scan.to_string(), "futureField (2); callResult 22 (2)");
    }

    #[test]
    fn the_first_merge_names_each_finding_and_a_later_one_names_only_new_ones() {
        let mut page = DriftReport::default();
        page.code("CallRecord", "callResult", 22);
        let mut scan = DriftReport::default();
        let mut seen = Vec::new();
        scan.merge(&page, |finding| seen.push(finding.to_string()));
        assert_eq!(seen, ["code 22 of `callResult` in CallRecord"]);
        page.code("CallRecord", "callResult", 23);
        scan.merge(&page, |finding| seen.push(finding.to_string()));
        assert_eq!(seen[1..], ["code 23 of `callResult` in CallRecord"]);
    }

    #[test]
    fn fields_alone_or_codes_alone_are_drift_and_print_without_a_separator() {
        let mut fields = DriftReport::default();
        fields.object("CallRecord", &extra(&["futureField"]));
        assert!(!fields.is_empty());
        assert_eq!(fields.to_string(), "futureField (1)");
        let mut codes = DriftReport::default();
        codes.code("CallRecord", "callResult", 22);
        assert!(!codes.is_empty());
        assert_eq!(codes.to_string(), "callResult 22 (1)");
        assert!(DriftReport::default().is_empty());
        assert_eq!(DriftReport::default().to_string(), "");
    }
}
