//! What differs between a vendor page and the spec, fact by fact.

use std::fmt;

use super::page::{Page, Row, Table};
use crate::spec::model::{FieldDef, FieldType, ObjectFile};
use crate::spec::resolve::{Data, Endpoint};
use crate::spec::Spec;

/// Where a field lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// `request field`, `record field`, `response field`.
    pub kind: &'static str,
    /// The spec's name for the object holding it (an object, or the request's type).
    pub owner: String,
}

/// One difference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A region row differs.
    Region {
        /// The vendor's code column.
        code: String,
        /// How.
        what: RegionChange,
    },
    /// A field differs.
    Field {
        /// Whose field.
        scope: Scope,
        /// Its wire name.
        wire: String,
        /// How.
        what: FieldChange,
    },
    /// An enum value (or an error code) differs.
    Value {
        /// The spec's enum name.
        enum_name: String,
        /// How the page names the table (`callResult`, `error code`).
        label: String,
        /// The code.
        value: i64,
        /// How.
        what: ValueChange,
    },
}

/// How a region differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionChange {
    /// On the page, not in the spec.
    Added {
        /// Region, website, gateway.
        row: Vec<String>,
    },
    /// In the spec, not on the page.
    Removed,
    /// Another gateway; `legacy` when the page's is one the spec keeps as older.
    Gateway {
        /// The spec's.
        spec: String,
        /// The page's.
        page: String,
        /// The page's is a legacy gateway of the spec.
        legacy: bool,
    },
    /// Another name or website.
    Other {
        /// Which column.
        column: &'static str,
        /// The spec's.
        spec: String,
        /// The page's.
        page: String,
    },
}

/// How a field differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldChange {
    /// On the page, not in the spec.
    Added {
        /// The field before it on the page, when the spec has it.
        after: Option<String>,
        /// The vendor's type word.
        ty: String,
        /// The page's required column, where it has one.
        required: Option<bool>,
        /// The vendor's description.
        description: String,
        /// The page's example, as JSON text, where the table has an example column
        /// and the cell holds JSON (`"call_2023112501234"`, `60`).
        example: Option<String>,
    },
    /// In the spec, not on the page.
    Removed,
    /// Another description.
    Description {
        /// The spec's.
        spec: String,
        /// The page's.
        page: String,
    },
    /// Another type.
    Type {
        /// The spec's, in the vendor's words.
        spec: String,
        /// The page's.
        page: String,
    },
    /// Required on one side only.
    Required {
        /// The spec's.
        spec: bool,
        /// The page's.
        page: bool,
    },
}

/// How an enum value differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueChange {
    /// On the page, not in the spec.
    Added {
        /// The value before it on the page, when the spec has it.
        after: Option<i64>,
        /// The vendor's description.
        description: String,
    },
    /// In the spec, not on the page.
    Removed,
    /// Another description.
    Description {
        /// The spec's.
        spec: String,
        /// The page's.
        page: String,
    },
}

fn yes_no(value: bool) -> &'static str {
    if value {
        "yes"
    } else {
        "no"
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Region { code, what } => match what {
                RegionChange::Added { row } => write!(f, "region {code}: added on the page ({})", row.join(", ")),
                RegionChange::Removed => write!(f, "region {code}: removed from the page"),
                RegionChange::Gateway { spec, page, legacy: true } => write!(
                    f,
                    "region {code}: gateway changed: spec {spec}, page {page} (an older gateway the spec keeps as legacy: the spec follows newer pages)"
                ),
                RegionChange::Gateway { spec, page, legacy: false } => {
                    write!(f, "region {code}: gateway changed: spec {spec}, page {page}")
                }
                RegionChange::Other { column, spec, page } => {
                    write!(f, "region {code}: {column} changed: spec {spec:?}, page {page:?}")
                }
            },
            Self::Field { scope, wire, what } => {
                write!(f, "{} `{wire}` ({}): ", scope.kind, scope.owner)?;
                match what {
                    FieldChange::Added { ty, required, description, .. } => {
                        write!(f, "added on the page, type {ty}")?;
                        if let Some(required) = required {
                            write!(f, ", required {}", yes_no(*required))?;
                        }
                        write!(f, ", {description:?}")
                    }
                    FieldChange::Removed => f.write_str("removed from the page"),
                    FieldChange::Description { spec, page } => {
                        write!(f, "description changed: spec {spec:?}, page {page:?}")
                    }
                    FieldChange::Type { spec, page } => write!(f, "type changed: spec {spec}, page {page}"),
                    FieldChange::Required { spec, page } => {
                        write!(f, "required changed: spec {}, page {}", yes_no(*spec), yes_no(*page))
                    }
                }
            }
            Self::Value { label, value, what, .. } => {
                write!(f, "{label} {value}: ")?;
                match what {
                    ValueChange::Added { description, .. } => write!(f, "added on the page, {description:?}"),
                    ValueChange::Removed => f.write_str("removed from the page"),
                    ValueChange::Description { spec, page } => {
                        write!(f, "description changed: spec {spec:?}, page {page:?}")
                    }
                }
            }
        }
    }
}

/// Why a page cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffError(pub String);

impl fmt::Display for DiffError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The endpoint the page describes, from its URL.
pub fn endpoint_of<'a>(spec: &'a Spec, page: &Page) -> Result<&'a Endpoint, DiffError> {
    spec.endpoints.values().find(|e| e.path == page.path).ok_or_else(|| {
        let known: Vec<&str> = spec.endpoints.values().map(|e| e.path.as_str()).collect();
        DiffError(format!(
            "line {}: the page's URL path {} is no endpoint of the spec; expected one of {}",
            page.path_line,
            page.path,
            known.join(", ")
        ))
    })
}

/// The vendor's word for a spec type.
pub fn vendor_word(field: &FieldDef) -> &'static str {
    match &field.ty {
        FieldType::String => "String",
        FieldType::Int32 | FieldType::Enum(_) => "Integer",
        FieldType::Int64 if field.notes.as_deref().is_some_and(|n| n.contains("widened")) => "Integer",
        FieldType::Int64 => "Long",
        FieldType::Float64 => "Double",
        FieldType::Bool => "Boolean",
        FieldType::Array(_) => "Array",
        FieldType::Object(_) => "Object",
    }
}

/// Every difference between `page` and the spec, in page order.
pub fn diff(spec: &Spec, page: &Page) -> Result<Vec<Change>, DiffError> {
    let endpoint = endpoint_of(spec, page)?;
    let mut changes = Vec::new();
    for table in &page.tables {
        let heading = table.heading.as_str();
        if heading.contains("Service Endpoints") {
            regions(spec, table, &mut changes);
        } else if heading == "Body Parameters" {
            let scope = Scope { kind: "request field", owner: endpoint.request.name.clone() };
            fields(
                &endpoint.request.fields,
                table,
                &scope,
                Columns { ty: 1, required: Some(2), example: Some(3), description: 4 },
                &mut changes,
            );
        } else if heading == "Response Parameters" {
            let scope = Scope { kind: "response field", owner: spec.service.envelope.name.clone() };
            let data = &spec.service.envelope.data_field;
            let rows =
                Table { rows: table.rows.iter().filter(|r| r.cell(0) != data).cloned().collect(), ..table.clone() };
            fields(
                &spec.service.envelope.fields,
                &rows,
                &scope,
                Columns { ty: 1, required: None, example: None, description: 2 },
                &mut changes,
            );
        } else if let Some(object) = object_for(spec, endpoint, heading) {
            let scope = Scope { kind: "record field", owner: object.name.clone() };
            let cols = Columns { ty: 1, required: None, example: None, description: 2 };
            fields(&object.fields, table, &scope, cols, &mut changes);
        } else if let Some(wire) = heading.strip_suffix(") Reference").and_then(|h| h.rsplit_once('(')).map(|(_, w)| w)
        {
            if let Some(e) = spec.enums.values().find(|e| e.wire == wire) {
                values(
                    &e.name,
                    wire,
                    e.values.iter().map(|v| (v.value, v.description.as_str())).collect(),
                    table,
                    &mut changes,
                );
            }
        } else if heading == "Error Codes" {
            if let Some(e) = spec.enums.get(&spec.service.error_codes) {
                let documented =
                    e.values.iter().filter(|v| v.value != 0).map(|v| (v.value, v.description.as_str())).collect();
                values(&e.name, "error code", documented, table, &mut changes);
            }
        }
    }
    Ok(changes)
}

/// The object a table heading describes: `data Object` is the endpoint's data, `list
/// Element (Call Record)` the object described so or named `CallRecord`.
fn object_for<'a>(spec: &'a Spec, endpoint: &'a Endpoint, heading: &str) -> Option<&'a ObjectFile> {
    if heading == "data Object" {
        return match &endpoint.data {
            Data::Object(object) => spec.objects.get(&object.name).map(|o| &o.def),
            _ => None,
        };
    }
    if !heading.contains(" Element (") {
        return None;
    }
    let inner = heading.rsplit_once('(').map(|(_, rest)| rest.trim_end_matches(')')).unwrap_or("");
    let camel: String = inner.split_whitespace().collect();
    spec.objects.values().map(|o| &o.def).find(|o| {
        o.description == heading
            || o.description.contains(&format!("see {heading}"))
            || o.wire.as_deref() == Some(inner)
            || o.name == camel
    })
}

/// Columns of a field table.
#[derive(Clone, Copy)]
struct Columns {
    ty: usize,
    required: Option<usize>,
    example: Option<usize>,
    description: usize,
}

fn fields(spec_fields: &[FieldDef], table: &Table, scope: &Scope, cols: Columns, changes: &mut Vec<Change>) {
    let change = |wire: &str, what| Change::Field { scope: scope.clone(), wire: wire.to_owned(), what };
    let mut previous: Option<String> = None;
    for row in &table.rows {
        let wire = row.cell(0);
        if wire.is_empty() {
            continue;
        }
        let description = row.cell(cols.description).to_owned();
        let required = cols.required.map(|c| row.cell(c).eq_ignore_ascii_case("yes"));
        let example = cols
            .example
            .map(|c| row.cell(c))
            .filter(|cell| serde_json::from_str::<serde_json::Value>(cell).is_ok())
            .map(str::to_owned);
        match spec_fields.iter().find(|f| f.wire == wire) {
            None => changes.push(change(
                wire,
                FieldChange::Added {
                    after: previous.clone().filter(|p| spec_fields.iter().any(|f| &f.wire == p)),
                    ty: row.cell(cols.ty).to_owned(),
                    required,
                    description,
                    example,
                },
            )),
            Some(field) => {
                let page_ty = row.cell(cols.ty);
                if !page_ty.eq_ignore_ascii_case(vendor_word(field)) {
                    changes.push(change(
                        wire,
                        FieldChange::Type { spec: vendor_word(field).to_owned(), page: page_ty.to_owned() },
                    ));
                }
                if let Some(required) = required.filter(|r| *r != field.required) {
                    changes.push(change(wire, FieldChange::Required { spec: field.required, page: required }));
                }
                if field.description.trim() != description {
                    changes.push(change(
                        wire,
                        FieldChange::Description { spec: field.description.clone(), page: description },
                    ));
                }
            }
        }
        previous = Some(wire.to_owned());
    }
    for field in spec_fields {
        if !table.rows.iter().any(|r| r.cell(0) == field.wire) {
            changes.push(change(&field.wire, FieldChange::Removed));
        }
    }
}

fn values(enum_name: &str, label: &str, spec_values: Vec<(i64, &str)>, table: &Table, changes: &mut Vec<Change>) {
    let change =
        |value: i64, what| Change::Value { enum_name: enum_name.to_owned(), label: label.to_owned(), value, what };
    let mut previous = None;
    let parsed: Vec<(i64, &Row)> =
        table.rows.iter().filter_map(|r| r.cell(0).parse::<i64>().ok().map(|v| (v, r))).collect();
    for (value, row) in &parsed {
        let description = row.cell(1).to_owned();
        match spec_values.iter().find(|(v, _)| v == value) {
            None => changes.push(change(
                *value,
                ValueChange::Added { after: previous.filter(|p| spec_values.iter().any(|(v, _)| v == p)), description },
            )),
            Some((_, spec)) if spec.trim() != description => {
                changes.push(change(*value, ValueChange::Description { spec: (*spec).to_owned(), page: description }));
            }
            Some(_) => {}
        }
        previous = Some(*value);
    }
    for (value, _) in &spec_values {
        if !parsed.iter().any(|(v, _)| v == value) {
            changes.push(change(*value, ValueChange::Removed));
        }
    }
}

fn regions(spec: &Spec, table: &Table, changes: &mut Vec<Change>) {
    for row in &table.rows {
        let code = row.cell(0);
        let change = |what| Change::Region { code: code.to_owned(), what };
        let Some(region) = spec.service.regions.iter().find(|r| r.code == code) else {
            changes.push(change(RegionChange::Added { row: row.cells[1.min(row.cells.len())..].to_vec() }));
            continue;
        };
        for (column, spec_value, page_value) in
            [("region", &region.region, row.cell(1)), ("website", &region.website, row.cell(2))]
        {
            if spec_value != page_value {
                changes.push(change(RegionChange::Other {
                    column,
                    spec: spec_value.clone(),
                    page: page_value.to_owned(),
                }));
            }
        }
        let gateway = row.cell(3);
        if gateway != region.api_gateway {
            changes.push(change(RegionChange::Gateway {
                spec: region.api_gateway.clone(),
                page: gateway.to_owned(),
                legacy: region.legacy_gateways.iter().any(|g| g == gateway),
            }));
        }
    }
    for region in &spec.service.regions {
        if !table.rows.iter().any(|r| r.cell(0) == region.code) {
            changes.push(Change::Region { code: region.code.clone(), what: RegionChange::Removed });
        }
    }
}
