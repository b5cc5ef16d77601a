//! One page of a paginated answer, for every list endpoint whose page has the vendor's
//! shared shape (`total`, `pageNumber`, `pageSize`, `list`; the backend's
//! `Page2Response`). The generator names each one with a type alias
//! (`pub type CallRecordPage = Page<CallRecord>`); a page of another shape is declared
//! with [`wire_object!`](crate::wire_object) like any object.
//!
//! It behaves as a response object declared with `wire_object!` does: lenient decoding
//! field by field, unknown fields kept in `extra`, written back as the server sent them,
//! drift reported under the alias's name.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};

use super::lenient::Key;
use super::wire::{self, FieldDrift, Presence, Role};
use super::{Drift, DriftReport, Extra, ExtraNames};

/// An item type that comes in a [`Page`]: names the page for `Debug` and drift.
pub trait PageItem {
    /// The page's name in the spec, e.g. `CallRecordPage`.
    const PAGE: &'static str;
}

/// One page of items, as the server sent it.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// Total number of matching items, on every page (documented as Integer, widened to
    /// 64 bits). Wire name: `total`.
    pub total: Option<i64>,
    /// The page's number, from 1. Wire name: `pageNumber`.
    pub page_number: Option<i32>,
    /// The page's size. Wire name: `pageSize`.
    pub page_size: Option<i32>,
    /// The page's items, in server order; `null` or a missing list is empty. Wire name:
    /// `list`.
    pub list: Vec<T>,
    /// Fields the spec does not know, by wire name, as sent: written back after the
    /// known ones and reported as drift.
    pub extra: Extra,
    presence: Presence,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Self {
            total: None,
            page_number: None,
            page_size: None,
            list: Vec::new(),
            extra: Extra::new(),
            presence: Presence::default(),
        }
    }
}

impl<T> Page<T> {
    /// Wire names of the fields the spec knows, in the vendor's order.
    pub const FIELDS: &'static [&'static str] = &["total", "pageNumber", "pageSize", "list"];
}

impl<T: Serialize> Serialize for Page<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (role, presence) = (Role::Response, &self.presence);
        let mut map = serializer.serialize_map(None)?;
        wire::encode_optional(&mut map, "total", &self.total, role, presence, 0)?;
        wire::encode_optional(&mut map, "pageNumber", &self.page_number, role, presence, 1)?;
        wire::encode_optional(&mut map, "pageSize", &self.page_size, role, presence, 2)?;
        wire::encode_list(&mut map, "list", &self.list, role, presence, 3)?;
        super::serialize_extra(&mut map, &self.extra, Self::FIELDS)?;
        map.end()
    }
}

impl<'de, T: Deserialize<'de> + PageItem> Deserialize<'de> for Page<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PageVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de> + PageItem> Visitor<'de> for PageVisitor<T> {
            type Value = Page<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a JSON object ({})", T::PAGE)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Page<T>, A::Error> {
                let mut page = Page::default();
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    let presence = &mut page.presence;
                    match key.as_str() {
                        "total" => page.total = wire::optional(&mut map, presence, 0)?,
                        "pageNumber" => page.page_number = wire::optional(&mut map, presence, 1)?,
                        "pageSize" => page.page_size = wire::optional(&mut map, presence, 2)?,
                        "list" => page.list = wire::list(&mut map, presence, 3)?,
                        _ => {
                            let value = map.next_value()?;
                            page.extra.insert(key.into_owned(), value);
                        }
                    }
                }
                Ok(page)
            }
        }
        deserializer.deserialize_map(PageVisitor(PhantomData))
    }
}

impl<T: fmt::Debug + PageItem> fmt::Debug for Page<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(T::PAGE)
            .field("total", &self.total)
            .field("page_number", &self.page_number)
            .field("page_size", &self.page_size)
            .field("list", &self.list)
            .field("extra", &ExtraNames(&self.extra))
            .finish()
    }
}

impl<T: FieldDrift + PageItem> Drift for Page<T> {
    fn drift(&self, report: &mut DriftReport) {
        report.object(T::PAGE, &self.extra);
        self.list.field_drift(T::PAGE, "list", report);
    }
}

/// The page's fields by wire name, its items by `T`'s schema.
#[cfg(feature = "schemars")]
impl<T: schemars::JsonSchema + PageItem> schemars::JsonSchema for Page<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed(T::PAGE)
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut object = super::schema::Object::new(&["One page of items, as the server sent it."]);
        object.field::<Option<i64>>(generator, "total", &["Total number of matching items."], false);
        object.field::<Option<i32>>(generator, "pageNumber", &["The page's number, from 1."], false);
        object.field::<Option<i32>>(generator, "pageSize", &["The page's size."], false);
        object.field::<Vec<T>>(generator, "list", &["The page's items."], false);
        object.finish()
    }
}
