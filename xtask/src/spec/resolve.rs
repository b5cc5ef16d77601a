//! The resolved form of the spec, the generator's IR: every name the spec files use,
//! looked up once right after validation, and every fact more than one emitter needs
//! (an object's shape, a callback's fields, a request field's flag) worked out once.
//! Emitters read these structures and never look a name up again, so they cannot meet
//! a name that does not resolve (progenitor's `OperationMethod` is the model).

use std::ops::Deref;
use std::path::Path;

use super::error::SpecError;
use super::model::{
    CallbackDef, ConstraintDef, DataDef, EndpointFile, EnumFile, FieldDef, FieldType, ObjectFile, ObjectRole,
    ServiceFile, Unit,
};

/// An endpoint with its references resolved. Derefs to the endpoint file for its plain
/// facts (name, summary, path, request fields).
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// The endpoint file as written.
    pub def: EndpointFile,
    /// The `bizType` header: the endpoint's, else the service's.
    pub biz_type: String,
    /// The `action` header: the endpoint's, else the service's.
    pub action: String,
    /// What the envelope's `data` holds.
    pub data: Data,
    /// The paging fields, when the endpoint pages.
    pub pagination: Option<Pagination>,
    /// The cross-field rules, with their fields.
    pub constraints: Vec<Constraint>,
    /// The request field the client fills with a unique id.
    pub idempotency_key: Option<FieldDef>,
    /// The request fields a command-line flag sets (scalars and codes), in wire order.
    pub flags: Vec<Flag>,
}

impl Deref for Endpoint {
    type Target = EndpointFile;

    fn deref(&self) -> &EndpointFile {
        &self.def
    }
}

/// An endpoint's `data`.
#[derive(Debug, Clone)]
pub enum Data {
    /// The object.
    Object(ObjectFile),
    /// Nothing.
    None,
    /// JSON the docs leave open.
    Json,
}

/// The fields that drive paging, resolved.
#[derive(Debug, Clone)]
pub struct Pagination {
    /// Request field with the page number.
    pub page_number: FieldDef,
    /// Request field with the page size.
    pub page_size: FieldDef,
    /// Page field with the total.
    pub total: FieldDef,
    /// Page field with the items.
    pub list: FieldDef,
    /// The item object.
    pub item: ObjectFile,
    /// Item field identifying an item.
    pub item_id: FieldDef,
    /// The client's named item-stream method.
    pub items_method: Option<String>,
}

/// A cross-field rule, resolved.
#[derive(Debug, Clone)]
pub enum Constraint {
    /// When both are set, `first <= second`.
    NotAfter {
        /// The lower bound.
        first: FieldDef,
        /// The upper bound.
        second: FieldDef,
    },
    /// At least one of the fields is set.
    AtLeastOneOf(Vec<FieldDef>),
    /// `field` only when `enum_field` is in `group`.
    OnlyWithGroup {
        /// The dependent field.
        field: FieldDef,
        /// The enum field it depends on.
        enum_field: FieldDef,
        /// The enum.
        enum_file: EnumFile,
        /// The group's name.
        group: String,
    },
}

/// An object, with the shape the emitters give it. Derefs to the object file.
#[derive(Debug, Clone)]
pub struct Object {
    /// The object file as written.
    pub def: ObjectFile,
    /// How it is emitted.
    pub shape: Shape,
}

impl Deref for Object {
    type Target = ObjectFile;

    fn deref(&self) -> &ObjectFile {
        &self.def
    }
}

/// How an object is emitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// A struct declared for the runtime's `wire_object!`.
    Struct,
    /// A page of the vendor's shared shape (optional `total` int64, `pageNumber` and
    /// `pageSize` int32, then `list` of objects): the runtime's generic `Page<item>`.
    SharedPage {
        /// The item object's name.
        item: String,
    },
}

/// An object resolved: its shape worked out.
pub(super) fn object(o: &ObjectFile) -> Object {
    Object { def: o.clone(), shape: shared_page_item(o).map_or(Shape::Struct, |item| Shape::SharedPage { item }) }
}

fn shared_page_item(o: &ObjectFile) -> Option<String> {
    if o.role != ObjectRole::Response || o.fields.iter().any(|f| f.required) {
        return None;
    }
    let [total, number, size, list] = o.fields.as_slice() else { return None };
    let shared = (total.wire.as_str(), &total.ty) == ("total", &FieldType::Int64)
        && (number.wire.as_str(), &number.ty) == ("pageNumber", &FieldType::Int32)
        && (size.wire.as_str(), &size.ty) == ("pageSize", &FieldType::Int32)
        && list.wire == "list";
    match &list.ty {
        FieldType::Array(item) if shared => match item.as_ref() {
            FieldType::Object(name) => Some(name.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// A callback with its payload's fields resolved.
#[derive(Debug, Clone)]
pub struct Callback {
    /// The callback as the service file declares it.
    pub def: CallbackDef,
    /// The payload fields that identify one event, in the order the spec lists them.
    pub dedupe_fields: Vec<FieldDef>,
}

impl Deref for Callback {
    type Target = CallbackDef;

    fn deref(&self) -> &CallbackDef {
        &self.def
    }
}

/// Resolves a validated callback.
pub(super) fn callback(
    file: &Path,
    at: &str,
    c: &CallbackDef,
    object: &dyn Fn(&str) -> Option<ObjectFile>,
) -> Result<Callback, SpecError> {
    let missing = |what: String| SpecError::new(file, at, format!("does not resolve: {what}"));
    let payload = object(&c.payload).ok_or_else(|| missing(format!("object `{}`", c.payload)))?;
    let dedupe_fields = c
        .dedupe_by
        .iter()
        .map(|wire| {
            payload
                .fields
                .iter()
                .find(|f| &f.wire == wire)
                .cloned()
                .ok_or_else(|| missing(format!("field `{wire}` of `{}`", payload.name)))
        })
        .collect::<Result<_, _>>()?;
    Ok(Callback { def: c.clone(), dedupe_fields })
}

/// A request field that a command-line flag sets.
#[derive(Debug, Clone)]
pub struct Flag {
    /// The field.
    pub field: FieldDef,
    /// The flag's long name (`--page-size`): the spec's CLI name, else the kebab-case
    /// of the wire name.
    pub long: String,
    /// How the value is read.
    pub kind: FlagKind,
    /// The upper bound of a not-after rule: a date alone means the end of that day.
    pub is_end: bool,
    /// `(enum field, codes)` when the field is meaningful only with those codes.
    pub only_with: Option<(FieldDef, Vec<i64>)>,
}

/// How a flag's value is read.
#[derive(Debug, Clone)]
pub enum FlagKind {
    /// Text.
    Text,
    /// A 32-bit integer.
    Int32,
    /// A 64-bit integer.
    Int64,
    /// A number.
    Float,
    /// `true` or `false`.
    Bool,
    /// A time, written to the field in unix seconds or milliseconds.
    Time {
        /// Milliseconds rather than seconds.
        millis: bool,
    },
    /// A code of the enum, by number or name.
    Code(EnumFile),
}

/// The flags of an endpoint's request fields; arrays and objects have none (`--body`
/// sets them).
fn flags(e: &EndpointFile, constraints: &[Constraint], enumeration: &dyn Fn(&str) -> Option<EnumFile>) -> Vec<Flag> {
    e.request
        .fields
        .iter()
        .filter_map(|f| {
            let kind = match (&f.ty, f.unit) {
                (FieldType::Int32 | FieldType::Int64, Some(unit @ (Unit::UnixSeconds | Unit::UnixMilliseconds))) => {
                    FlagKind::Time { millis: unit == Unit::UnixMilliseconds }
                }
                (FieldType::String, _) => FlagKind::Text,
                (FieldType::Int32, _) => FlagKind::Int32,
                (FieldType::Int64, _) => FlagKind::Int64,
                (FieldType::Float64, _) => FlagKind::Float,
                (FieldType::Bool, _) => FlagKind::Bool,
                (FieldType::Enum(name), _) => FlagKind::Code(enumeration(name)?),
                (FieldType::Object(_) | FieldType::Array(_), _) => return None,
            };
            let is_end =
                constraints.iter().any(|c| matches!(c, Constraint::NotAfter { second, .. } if second.wire == f.wire));
            let only_with = constraints.iter().find_map(|c| match c {
                Constraint::OnlyWithGroup { field, enum_field, enum_file, group } if field.wire == f.wire => {
                    let codes =
                        enum_file.groups.iter().filter(|g| &g.name == group).flat_map(|g| g.values.clone()).collect();
                    Some((enum_field.clone(), codes))
                }
                _ => None,
            });
            Some(Flag { field: f.clone(), long: f.flag(), kind, is_end, only_with })
        })
        .collect()
}

/// Resolves a validated endpoint. A miss cannot happen after validation; should one, it
/// is a spec error naming what did not resolve rather than a panic.
pub(super) fn endpoint(
    file: &Path,
    e: &EndpointFile,
    service: &ServiceFile,
    object: &dyn Fn(&str) -> Option<ObjectFile>,
    enumeration: &dyn Fn(&str) -> Option<EnumFile>,
) -> Result<Endpoint, SpecError> {
    let missing = |at: &str, what: String| SpecError::new(file, at, format!("does not resolve: {what}"));
    let request = |wire: &str, at: &str| -> Result<FieldDef, SpecError> {
        e.request
            .fields
            .iter()
            .find(|f| f.wire == wire)
            .cloned()
            .ok_or_else(|| missing(at, format!("request field `{wire}`")))
    };
    let data = match &e.response.data {
        DataDef::Object(name) => {
            Data::Object(object(name).ok_or_else(|| missing("$.response.data", format!("object `{name}`")))?)
        }
        DataDef::None => Data::None,
        DataDef::Json => Data::Json,
    };
    let pagination = match &e.pagination {
        None => None,
        Some(p) => {
            let Data::Object(page) = &data else {
                return Err(missing("$.pagination", "a page object".to_owned()));
            };
            let field = |wire: &str, at: &str| -> Result<FieldDef, SpecError> {
                page.fields
                    .iter()
                    .find(|f| f.wire == wire)
                    .cloned()
                    .ok_or_else(|| missing(at, format!("field `{wire}` of `{}`", page.name)))
            };
            let list = field(&p.list, "$.pagination.list")?;
            let item = match &list.ty {
                FieldType::Array(inner) => match inner.as_ref() {
                    FieldType::Object(name) => object(name),
                    _ => None,
                },
                _ => None,
            }
            .ok_or_else(|| missing("$.pagination.list", "a list of objects".to_owned()))?;
            let item_id =
                item.fields.iter().find(|f| f.wire == p.item_id).cloned().ok_or_else(|| {
                    missing("$.pagination.itemId", format!("field `{}` of `{}`", p.item_id, item.name))
                })?;
            Some(Pagination {
                page_number: request(&p.page_number, "$.pagination.pageNumber")?,
                page_size: request(&p.page_size, "$.pagination.pageSize")?,
                total: field(&p.total, "$.pagination.total")?,
                list,
                item,
                item_id,
                items_method: p.items_method.clone(),
            })
        }
    };
    let mut constraints = Vec::new();
    for (i, c) in e.constraints.iter().enumerate() {
        let at = format!("$.constraints[{i}]");
        constraints.push(match c {
            ConstraintDef::NotAfter { first, second } => {
                Constraint::NotAfter { first: request(first, &at)?, second: request(second, &at)? }
            }
            ConstraintDef::AtLeastOneOf { fields } => {
                Constraint::AtLeastOneOf(fields.iter().map(|wire| request(wire, &at)).collect::<Result<_, _>>()?)
            }
            ConstraintDef::OnlyWithGroup { field, enum_field, group } => {
                let enum_field = request(enum_field, &at)?;
                let FieldType::Enum(name) = &enum_field.ty else {
                    return Err(missing(&at, format!("an enum field `{}`", enum_field.wire)));
                };
                let enum_file = enumeration(name).ok_or_else(|| missing(&at, format!("enum `{name}`")))?;
                Constraint::OnlyWithGroup { field: request(field, &at)?, enum_field, enum_file, group: group.clone() }
            }
        });
    }
    let idempotency_key = e.idempotency_key.as_deref().map(|wire| request(wire, "$.idempotencyKey")).transpose()?;
    let flags = flags(e, &constraints, enumeration);
    Ok(Endpoint {
        def: e.clone(),
        biz_type: e.biz_type.clone().unwrap_or_else(|| service.biz_type.clone()),
        action: e.action.clone().unwrap_or_else(|| service.action.clone()),
        data,
        pagination,
        constraints,
        idempotency_key,
        flags,
    })
}
