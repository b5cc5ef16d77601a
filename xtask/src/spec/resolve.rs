//! The resolved form of an endpoint: every name the endpoint file uses, looked up once,
//! right after validation. Emitters read these structures and never look a name up
//! again, so they cannot meet a name that does not resolve (progenitor's
//! `OperationMethod` is the model).

use std::ops::Deref;
use std::path::Path;

use super::error::SpecError;
use super::model::{ConstraintDef, DataDef, EndpointFile, EnumFile, FieldDef, FieldType, ObjectFile, ServiceFile};

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
    Ok(Endpoint {
        def: e.clone(),
        biz_type: e.biz_type.clone().unwrap_or_else(|| service.biz_type.clone()),
        action: e.action.clone().unwrap_or_else(|| service.action.clone()),
        data,
        pagination,
        constraints,
        idempotency_key,
    })
}
