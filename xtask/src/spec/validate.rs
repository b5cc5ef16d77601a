//! What serde cannot check: names resolve, nothing is duplicated, names are usable in
//! Rust, pagination and constraints point at fields of the right type.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use heck::{ToSnakeCase, ToUpperCamelCase};

use super::error::{SpecError, SpecErrors};
use super::load::Parsed;
use super::model::{
    ConstraintDef, DataDef, EndpointFile, EnumFile, ExactlyOnceDef, FieldDef, FieldType, ObjectFile, ObjectRole,
    ServiceFile, Spec, Unit,
};

/// Names the generated code or the prelude already uses; a spec type with one of these
/// names would shadow it.
const RESERVED_TYPE_NAMES: &[&str] =
    &["Option", "Result", "String", "Vec", "Box", "Unknown", "Endpoint", "Pagination", "NoData", "JsonValue"];

/// Collects errors with their file so every problem is reported in one run.
struct Checker {
    errors: Vec<SpecError>,
}

impl Checker {
    fn push(&mut self, error: SpecError) {
        self.errors.push(error);
    }
}

/// Checks the parsed files against each other and returns the spec they form.
pub fn validate(files: Vec<(PathBuf, Parsed)>) -> Result<Spec, SpecErrors> {
    let mut ck = Checker { errors: Vec::new() };
    let mut service: Option<(PathBuf, ServiceFile)> = None;
    let mut enums: BTreeMap<String, (PathBuf, EnumFile)> = BTreeMap::new();
    let mut objects: BTreeMap<String, (PathBuf, ObjectFile)> = BTreeMap::new();
    let mut endpoints: BTreeMap<String, (PathBuf, EndpointFile)> = BTreeMap::new();
    // Every generated type lives in one module, so type names share one namespace.
    let mut type_names: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut claim = |ck: &mut Checker, name: &str, file: &Path, path: &str| {
        check_type_name(ck, name, file, path);
        if let Some(first) = type_names.get(name) {
            ck.push(
                SpecError::new(file, path, format!("duplicate type name `{name}`"))
                    .expected(format!("a name not already defined in {}", first.display())),
            );
        } else {
            type_names.insert(name.to_owned(), file.to_owned());
        }
    };

    for (file, parsed) in files {
        match parsed {
            Parsed::Service(s) => {
                if let Some((first, _)) = &service {
                    ck.push(
                        SpecError::new(&file, "$.kind", "a second service file")
                            .expected(format!("one service file; the first is {}", first.display())),
                    );
                } else {
                    claim(&mut ck, &s.envelope.name, &file, "$.envelope.name");
                    claim(&mut ck, "Region", &file, "$.regions");
                    if !s.callbacks.is_empty() {
                        claim(&mut ck, "Callback", &file, "$.callbacks");
                    }
                    service = Some((file, s));
                }
            }
            Parsed::Enum(e) => {
                claim(&mut ck, &e.name, &file, "$.name");
                enums.entry(e.name.clone()).or_insert((file, e));
            }
            Parsed::Object(o) => {
                claim(&mut ck, &o.name, &file, "$.name");
                objects.entry(o.name.clone()).or_insert((file, o));
            }
            Parsed::Endpoint(e) => {
                claim(&mut ck, &e.name, &file, "$.name");
                claim(&mut ck, &e.request.name, &file, "$.request.name");
                endpoints.entry(e.name.clone()).or_insert((file, e));
            }
        }
    }

    let Some((service_file, service)) = service else {
        ck.push(
            SpecError::new("spec", "$", "no service file")
                .expected("one file with `\"kind\": \"service\"` (spec/service.json)"),
        );
        return Err(SpecErrors(ck.errors));
    };

    let types = TypeTable {
        enums: enums.iter().map(|(name, (_, e))| (name.clone(), e)).collect(),
        objects: objects.iter().map(|(name, (_, o))| (name.clone(), o)).collect(),
    };

    check_service(&mut ck, &service_file, &service, &types);
    for (file, e) in enums.values() {
        check_enum(&mut ck, file, e);
    }
    for (file, o) in objects.values() {
        let role = match o.role {
            ObjectRole::Request => FieldRole::Request,
            ObjectRole::Response => FieldRole::Response,
        };
        check_fields(&mut ck, file, "$.fields", &o.fields, &types, role);
    }
    check_recursion(&mut ck, &objects);
    for (file, e) in endpoints.values() {
        check_endpoint(&mut ck, file, e, &types);
        check_exactly_once(&mut ck, file, e, &endpoints, &types);
    }

    if !ck.errors.is_empty() {
        return Err(SpecErrors(ck.errors));
    }
    // Every name resolves now: look each up once, for the emitters.
    let object = |name: &str| objects.get(name).map(|(_, o)| o.clone());
    let enumeration = |name: &str| enums.get(name).map(|(_, e)| e.clone());
    let mut resolved = BTreeMap::new();
    for (name, (file, e)) in &endpoints {
        match super::resolve::endpoint(file, e, &service, &object, &enumeration) {
            Ok(endpoint) => {
                resolved.insert(name.clone(), endpoint);
            }
            Err(error) => ck.push(error),
        }
    }
    let mut callbacks = Vec::new();
    for (i, c) in service.callbacks.iter().enumerate() {
        match super::resolve::callback(&service_file, &format!("$.callbacks[{i}]"), c, &object) {
            Ok(callback) => callbacks.push(callback),
            Err(error) => ck.push(error),
        }
    }
    if !ck.errors.is_empty() {
        return Err(SpecErrors(ck.errors));
    }
    Ok(Spec {
        service,
        enums: enums.into_iter().map(|(k, (_, v))| (k, v)).collect(),
        objects: objects.into_iter().map(|(k, (_, v))| (k, super::resolve::object(&v))).collect(),
        endpoints: resolved,
        callbacks,
    })
}

struct TypeTable<'a> {
    enums: BTreeMap<String, &'a EnumFile>,
    objects: BTreeMap<String, &'a ObjectFile>,
}

impl TypeTable<'_> {
    fn known(&self) -> String {
        let enums: Vec<_> = self.enums.keys().map(|n| format!("`{n}`")).collect();
        let objects: Vec<_> = self.objects.keys().map(|n| format!("`{n}`")).collect();
        format!("an enum ({}) or an object ({})", enums.join(", "), objects.join(", "))
    }
}

fn is_keyword(name: &str) -> bool {
    // syn refuses keywords (and reserved words) as identifiers: the same rule rustc uses.
    syn::parse_str::<syn::Ident>(name).is_err()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
}

fn is_identifier(name: &str) -> bool {
    syn::parse_str::<syn::Ident>(name).is_ok()
}

fn check_type_name(ck: &mut Checker, name: &str, file: &Path, path: &str) {
    if is_keyword(name) {
        ck.push(
            SpecError::new(file, path, format!("`{name}` is a Rust keyword"))
                .expected("an UpperCamelCase name that is not a keyword"),
        );
    } else if !is_identifier(name) || name.to_upper_camel_case() != name {
        ck.push(
            SpecError::new(file, path, format!("`{name}` is not an UpperCamelCase Rust name"))
                .expected(format!("an UpperCamelCase identifier such as `{}`", name.to_upper_camel_case())),
        );
    } else if RESERVED_TYPE_NAMES.contains(&name) {
        ck.push(
            SpecError::new(file, path, format!("`{name}` is reserved by the generated code")).expected("another name"),
        );
    }
}

fn check_service(ck: &mut Checker, file: &Path, s: &ServiceFile, types: &TypeTable<'_>) {
    let mut ids = BTreeSet::new();
    let mut names = BTreeSet::new();
    for (i, region) in s.regions.iter().enumerate() {
        let at = format!("$.regions[{i}]");
        check_type_name(ck, &region.name, file, &format!("{at}.name"));
        if !names.insert(region.name.as_str()) {
            ck.push(
                SpecError::new(file, format!("{at}.name"), format!("duplicate region name `{}`", region.name))
                    .expected("each region once"),
            );
        }
        if !ids.insert(region.id.as_str()) {
            ck.push(
                SpecError::new(file, format!("{at}.id"), format!("duplicate region id `{}`", region.id))
                    .expected("each id once"),
            );
        }
        if region.id.is_empty() || !region.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            ck.push(
                SpecError::new(file, format!("{at}.id"), format!("region id `{}` is not a lower-case word", region.id))
                    .expected("lower-case letters, digits and `-`, like `hk`"),
            );
        }
        if !region.api_gateway.starts_with("https://") || region.api_gateway.ends_with('/') {
            ck.push(
                SpecError::new(
                    file,
                    format!("{at}.apiGateway"),
                    format!("`{}` is not an https base URL", region.api_gateway),
                )
                .expected("`https://host` with no trailing slash"),
            );
        }
    }
    if s.regions.is_empty() {
        ck.push(SpecError::new(file, "$.regions", "no regions").expected("at least one region"));
    }
    match types.enums.get(&s.error_codes) {
        Some(_) => {}
        None => ck.push(
            SpecError::new(file, "$.errorCodes", format!("unknown enum `{}`", s.error_codes))
                .expected(format!("one of the enums: {}", types.enums.keys().cloned().collect::<Vec<_>>().join(", "))),
        ),
    }
    if s.envelope.fields.iter().any(|f| f.wire == s.envelope.data_field) {
        ck.push(
            SpecError::new(
                file,
                "$.envelope.fields",
                format!("`{}` is both a field and the data field", s.envelope.data_field),
            )
            .expected("the payload only as `dataField`"),
        );
    }
    check_fields(ck, file, "$.envelope.fields", &s.envelope.fields, types, FieldRole::Response);
    let mut callback_names = BTreeSet::new();
    for (i, callback) in s.callbacks.iter().enumerate() {
        let at = format!("$.callbacks[{i}]");
        check_type_name(ck, &callback.name, file, &format!("{at}.name"));
        if !callback_names.insert(callback.name.as_str()) {
            ck.push(
                SpecError::new(file, format!("{at}.name"), format!("duplicate callback `{}`", callback.name))
                    .expected("each callback once"),
            );
        }
        let Some(payload) = types.objects.get(&callback.payload) else {
            ck.push(
                SpecError::new(
                    file,
                    format!("{at}.payload"),
                    format!("unknown type reference: object `{}`", callback.payload),
                )
                .expected(types.known()),
            );
            continue;
        };
        for (key, wire) in std::iter::once(("identifiedBy", &callback.identified_by))
            .chain(callback.dedupe_by.iter().map(|w| ("dedupeBy", w)))
        {
            if !payload.fields.iter().any(|f| &f.wire == wire) {
                ck.push(
                    SpecError::new(file, format!("{at}.{key}"), format!("`{}` has no field `{wire}`", payload.name))
                        .expected("the wire name of a payload field"),
                );
            }
        }
        if callback.dedupe_by.is_empty() {
            ck.push(
                SpecError::new(file, format!("{at}.dedupeBy"), "no field to recognise a redelivered event by")
                    .expected("one or more payload fields"),
            );
        }
    }
    let headers: BTreeSet<&str> = s.auth.headers.iter().map(|h| h.name.as_str()).collect();
    for (i, name) in s.auth.signing.signed_headers.iter().enumerate() {
        if !headers.contains(name.as_str()) {
            ck.push(
                SpecError::new(file, format!("$.auth.signing.signedHeaders[{i}]"), format!("unknown header `{name}`"))
                    .expected("a header of `auth.headers`"),
            );
        }
    }
    let mut sorted = s.auth.signing.signed_headers.clone();
    sorted.sort();
    if sorted != s.auth.signing.signed_headers {
        ck.push(
            SpecError::new(file, "$.auth.signing.signedHeaders", "signed headers are not in ASCII order")
                .expected(format!("{sorted:?}")),
        );
    }
}

fn check_enum(ck: &mut Checker, file: &Path, e: &EnumFile) {
    let mut values: BTreeMap<i64, usize> = BTreeMap::new();
    let mut names: BTreeMap<&str, usize> = BTreeMap::new();
    if e.values.is_empty() {
        ck.push(SpecError::new(file, "$.values", "an enum without values").expected("at least one value"));
    }
    for (i, v) in e.values.iter().enumerate() {
        if let Some(first) = values.insert(v.value, i) {
            ck.push(
                SpecError::new(file, format!("$.values[{i}].value"), format!("duplicate enum value {}", v.value))
                    .expected(format!("each value once; {} is already at $.values[{first}]", v.value)),
            );
        }
        check_type_name(ck, &v.name, file, &format!("$.values[{i}].name"));
        if let Some(first) = names.insert(&v.name, i) {
            ck.push(
                SpecError::new(file, format!("$.values[{i}].name"), format!("duplicate variant name `{}`", v.name))
                    .expected(format!("each name once; `{}` is already at $.values[{first}]", v.name)),
            );
        }
        if v.description.trim().is_empty() {
            ck.push(
                SpecError::new(file, format!("$.values[{i}].description"), "empty description")
                    .expected("the vendor's description, word for word"),
            );
        }
    }
    let mut groups = BTreeSet::new();
    for (g, group) in e.groups.iter().enumerate() {
        let at = format!("$.groups[{g}]");
        let snake = group.name.to_snake_case();
        if !is_identifier(&format!("is_{snake}"))
            || heck::ToLowerCamelCase::to_lower_camel_case(group.name.as_str()) != group.name
        {
            ck.push(
                SpecError::new(
                    file,
                    format!("{at}.name"),
                    format!("`{}` is not a lowerCamelCase group name", group.name),
                )
                .expected("a lowerCamelCase name such as `notAnswered`"),
            );
        }
        if !groups.insert(group.name.as_str()) {
            ck.push(
                SpecError::new(file, format!("{at}.name"), format!("duplicate group `{}`", group.name))
                    .expected("each group once"),
            );
        }
        for (j, value) in group.values.iter().enumerate() {
            if !values.contains_key(value) {
                ck.push(
                    SpecError::new(
                        file,
                        format!("{at}.values[{j}]"),
                        format!("{value} is not a value of `{}`", e.name),
                    )
                    .expected(format!("one of {:?}", values.keys().collect::<Vec<_>>())),
                );
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FieldRole {
    Request,
    Response,
}

fn rust_field_name(field: &FieldDef) -> String {
    field.name.clone().unwrap_or_else(|| field.wire.to_snake_case())
}

/// The Rust field every generated struct has for unknown fields.
const RESERVED_FIELD: &str = "extra";

fn check_fields(ck: &mut Checker, file: &Path, at: &str, fields: &[FieldDef], types: &TypeTable<'_>, role: FieldRole) {
    let mut wires: BTreeMap<&str, usize> = BTreeMap::new();
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    for (i, field) in fields.iter().enumerate() {
        let here = format!("{at}[{i}]");
        if let Some(first) = wires.insert(&field.wire, i) {
            ck.push(
                SpecError::new(file, format!("{here}.wire"), format!("duplicate wire name `{}`", field.wire))
                    .expected(format!("each wire name once; `{}` is already at {at}[{first}]", field.wire)),
            );
        }
        let name = rust_field_name(field);
        let name_at = if field.name.is_some() { format!("{here}.name") } else { format!("{here}.wire") };
        if is_keyword(&name) {
            ck.push(
                SpecError::new(file, &name_at, format!("`{name}` is a Rust keyword"))
                    .expected(format!("a `name` for the field that is not a keyword, such as `{name}_value`")),
            );
        } else if !is_identifier(&name) || name.to_snake_case() != name {
            ck.push(
                SpecError::new(file, &name_at, format!("`{name}` is not a snake_case Rust field name"))
                    .expected("a `name` in snake_case"),
            );
        } else if name == RESERVED_FIELD {
            ck.push(
                SpecError::new(file, &name_at, format!("`{name}` is reserved for the fields the spec does not know"))
                    .expected(format!("a `name` for the field other than `{RESERVED_FIELD}`, such as `{name}_value`")),
            );
        } else if let Some(first) = names.insert(name.clone(), i) {
            ck.push(
                SpecError::new(file, &name_at, format!("duplicate Rust field name `{name}`"))
                    .expected(format!("a distinct `name`; {at}[{first}] already uses it")),
            );
        }
        check_type_ref(ck, file, &format!("{here}.type"), &field.ty, types);
        let is_int = matches!(field.ty, FieldType::Int32 | FieldType::Int64);
        let is_number = is_int || field.ty == FieldType::Float64;
        if (field.minimum.is_some() || field.maximum.is_some()) && !is_int {
            ck.push(
                SpecError::new(file, &here, "`minimum`/`maximum` on a field that is not an integer")
                    .expected("an int32 or int64 field"),
            );
        }
        if let (Some(min), Some(max)) = (field.minimum, field.maximum) {
            if min > max {
                ck.push(
                    SpecError::new(file, format!("{here}.minimum"), format!("minimum {min} is above maximum {max}"))
                        .expected("minimum <= maximum"),
                );
            }
        }
        if field.min_length.is_some() && field.ty != FieldType::String {
            ck.push(
                SpecError::new(file, format!("{here}.minLength"), "`minLength` on a field that is not a string")
                    .expected("a string field"),
            );
        }
        if field.unit.is_some() && !is_number {
            ck.push(
                SpecError::new(file, format!("{here}.unit"), "`unit` on a field that is not a number")
                    .expected("an int32, int64 or float64 field"),
            );
        }
        if field.personal_data && field.ty != FieldType::String {
            ck.push(
                SpecError::new(file, format!("{here}.personalData"), "`personalData` on a field that is not a string")
                    .expected("a string field"),
            );
        }
        if let Some(default) = field.default {
            if role != FieldRole::Request || !field.required || !is_int {
                ck.push(
                    SpecError::new(
                        file,
                        format!("{here}.default"),
                        "`default` outside a required integer request field",
                    )
                    .expected("`default` only on required int32/int64 request fields"),
                );
            }
            let in_range = field.minimum.is_none_or(|m| default >= m) && field.maximum.is_none_or(|m| default <= m);
            if !in_range {
                ck.push(
                    SpecError::new(
                        file,
                        format!("{here}.default"),
                        format!("default {default} breaks the field's own minimum/maximum"),
                    )
                    .expected("a default within range"),
                );
            }
        }
        if role == FieldRole::Response
            && (field.minimum.is_some() || field.maximum.is_some() || field.min_length.is_some())
        {
            ck.push(
                SpecError::new(file, &here, "a range on a response field")
                    .expected("ranges only on request fields: responses are decoded leniently, never rejected"),
            );
        }
        if let Some(object) = object_of(&field.ty).and_then(|name| types.objects.get(name)) {
            let wanted = match role {
                FieldRole::Request => ObjectRole::Request,
                FieldRole::Response => ObjectRole::Response,
            };
            if object.role != wanted {
                let (this, that) = match role {
                    FieldRole::Request => ("a request", "\"role\": \"request\""),
                    FieldRole::Response => ("a response", "the default role, response"),
                };
                ck.push(
                    SpecError::new(
                        file,
                        format!("{here}.type"),
                        format!("`{}` is used in {this} but its role is not", object.name),
                    )
                    .expected(format!("an object with {that}; an object travels one way only")),
                );
            }
        }
        if field.max_length.is_some() && field.ty != FieldType::String {
            ck.push(
                SpecError::new(file, format!("{here}.maxLength"), "`maxLength` on a field that is not a string")
                    .expected("a string field"),
            );
        }
        if let (Some(min), Some(max)) = (field.min_length, field.max_length) {
            if min > max {
                ck.push(
                    SpecError::new(
                        file,
                        format!("{here}.minLength"),
                        format!("minLength {min} is above maxLength {max}"),
                    )
                    .expected("minLength <= maxLength"),
                );
            }
        }
        let is_array = matches!(field.ty, FieldType::Array(_));
        for (key, set) in [("minItems", field.min_items.is_some()), ("maxItems", field.max_items.is_some())] {
            if set && !is_array {
                ck.push(
                    SpecError::new(file, format!("{here}.{key}"), format!("`{key}` on a field that is not an array"))
                        .expected("an array field"),
                );
            }
        }
        if let (Some(min), Some(max)) = (field.min_items, field.max_items) {
            if min > max {
                ck.push(
                    SpecError::new(file, format!("{here}.minItems"), format!("minItems {min} is above maxItems {max}"))
                        .expected("minItems <= maxItems"),
                );
            }
        }
        if role == FieldRole::Response
            && (field.max_length.is_some() || field.min_items.is_some() || field.max_items.is_some())
        {
            ck.push(
                SpecError::new(file, &here, "a length or item count on a response field")
                    .expected("limits only on request fields: responses are decoded leniently, never rejected"),
            );
        }
        if field.ty == FieldType::Int32 {
            for (key, value) in [("minimum", field.minimum), ("maximum", field.maximum), ("default", field.default)] {
                if let Some(value) = value.filter(|v| i32::try_from(*v).is_err()) {
                    ck.push(
                        SpecError::new(file, format!("{here}.{key}"), format!("{key} {value} does not fit an int32"))
                            .expected(format!("a value in {}..={}, or an int64 field", i32::MIN, i32::MAX)),
                    );
                }
            }
        }
    }
}

/// The object a field holds, directly or as the items of an array.
fn object_of(ty: &FieldType) -> Option<&str> {
    match ty {
        FieldType::Object(name) => Some(name),
        FieldType::Array(inner) => object_of(inner),
        _ => None,
    }
}

fn check_type_ref(ck: &mut Checker, file: &Path, at: &str, ty: &FieldType, types: &TypeTable<'_>) {
    match ty {
        FieldType::Enum(name) if !types.enums.contains_key(name) => {
            let hint = if types.objects.contains_key(name) {
                format!("`{name}` is an object: write {{\"object\": \"{name}\"}}")
            } else {
                types.known()
            };
            ck.push(SpecError::new(file, at, format!("unknown type reference: enum `{name}`")).expected(hint));
        }
        FieldType::Object(name) if !types.objects.contains_key(name) => {
            let hint = if types.enums.contains_key(name) {
                format!("`{name}` is an enum: write {{\"enum\": \"{name}\"}}")
            } else {
                types.known()
            };
            ck.push(SpecError::new(file, at, format!("unknown type reference: object `{name}`")).expected(hint));
        }
        FieldType::Array(inner) => match inner.as_ref() {
            FieldType::Array(_) => ck.push(
                SpecError::new(file, at, "an array of arrays").expected("an array of a scalar, an enum or an object"),
            ),
            inner => check_type_ref(ck, file, &format!("{at}.array"), inner, types),
        },
        _ => {}
    }
}

/// An object that holds itself by value (not through an array) would be infinitely large.
fn check_recursion(ck: &mut Checker, objects: &BTreeMap<String, (PathBuf, ObjectFile)>) {
    fn reaches(
        objects: &BTreeMap<String, (PathBuf, ObjectFile)>,
        from: &str,
        target: &str,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        let Some((_, object)) = objects.get(from) else { return false };
        object.fields.iter().any(|f| match &f.ty {
            FieldType::Object(next) => {
                next == target || (seen.insert(next.clone()) && reaches(objects, next, target, seen))
            }
            _ => false,
        })
    }
    for (name, (file, _)) in objects {
        if reaches(objects, name, name, &mut BTreeSet::new()) {
            ck.push(
                SpecError::new(file, "$.fields", format!("`{name}` contains itself by value"))
                    .expected("recursion only through an array"),
            );
        }
    }
}

/// `exactlyOnce`: only on an endpoint that is not idempotent; a lookup names a paginated
/// endpoint, the idempotency key as an item field, lookup request fields set from this
/// request's fields, a unix-seconds `since` field, and the item field returned.
fn check_exactly_once(
    ck: &mut Checker,
    file: &Path,
    e: &EndpointFile,
    endpoints: &BTreeMap<String, (PathBuf, EndpointFile)>,
    types: &TypeTable<'_>,
) {
    let Some(once) = &e.exactly_once else { return };
    if e.idempotent {
        ck.push(
            SpecError::new(file, "$.exactlyOnce", "`exactlyOnce` on an idempotent endpoint")
                .expected("`\"idempotent\": false` with it (an idempotent call is simply retried)"),
        );
    }
    let ExactlyOnceDef::Lookup(lookup) = once else { return };
    let at = "$.exactlyOnce.lookup";
    let Some((_, list)) = endpoints.get(&lookup.endpoint) else {
        let known: Vec<&str> = endpoints.keys().map(String::as_str).collect();
        ck.push(
            SpecError::new(file, format!("{at}.endpoint"), format!("unknown endpoint `{}`", lookup.endpoint))
                .expected(format!("one of {}", known.join(", "))),
        );
        return;
    };
    let item = list.pagination.as_ref().and_then(|p| {
        let DataDef::Object(page) = &list.response.data else { return None };
        let page = types.objects.get(page)?;
        let FieldType::Array(inner) = &page.fields.iter().find(|f| f.wire == p.list)?.ty else { return None };
        let FieldType::Object(item) = inner.as_ref() else { return None };
        types.objects.get(item).copied()
    });
    let Some(item) = item else {
        ck.push(
            SpecError::new(
                file,
                format!("{at}.endpoint"),
                format!("`{}` does not page a list of objects", lookup.endpoint),
            )
            .expected("a paginated endpoint whose items hold the key"),
        );
        return;
    };
    if e.idempotency_key.is_none() {
        ck.push(
            SpecError::new(file, format!("{at}.key"), "a lookup without an idempotency key to look for")
                .expected("an `idempotencyKey` on this endpoint: the value the lookup finds in the items' key field"),
        );
    }
    for (field, what) in [(&lookup.key, "key"), (&lookup.result, "result")] {
        match item.fields.iter().find(|f| f.wire == *field) {
            Some(f) if f.ty == FieldType::String => {}
            _ => ck.push(
                SpecError::new(file, format!("{at}.{what}"), format!("no string field `{field}` in `{}`", item.name))
                    .expected(format!("a string field of the items of {}", lookup.endpoint)),
            ),
        }
    }
    for (theirs, ours) in &lookup.filters {
        if !list.request.fields.iter().any(|f| f.wire == *theirs) {
            ck.push(
                SpecError::new(
                    file,
                    format!("{at}.filters"),
                    format!("`{theirs}` is not a request field of {}", lookup.endpoint),
                )
                .expected("the lookup's request fields as keys"),
            );
        }
        if !e.request.fields.iter().any(|f| f.wire == *ours) {
            ck.push(
                SpecError::new(
                    file,
                    format!("{at}.filters.{theirs}"),
                    format!("`{ours}` is not a request field of this endpoint"),
                )
                .expected("this request's fields as values"),
            );
        }
    }
    if let Some(since) = &lookup.since {
        match list.request.fields.iter().find(|f| f.wire == *since) {
            Some(f) if f.unit == Some(Unit::UnixSeconds) => {}
            _ => ck.push(
                SpecError::new(
                    file,
                    format!("{at}.since"),
                    format!("`{since}` is not a unix-seconds request field of {}", lookup.endpoint),
                )
                .expected("a request field with `\"unit\": \"unixSeconds\"`"),
            ),
        }
    }
}

/// The request fields' `nxlink` flags: well formed, none the CLI keeps for itself, each
/// once.
fn check_flags(ck: &mut Checker, file: &Path, fields: &[FieldDef]) {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (i, field) in fields.iter().enumerate() {
        let flag = field.flag();
        if let Some(name) = &field.cli {
            let here = format!("$.request.fields[{i}].cli");
            let well_formed = name.starts_with(|c: char| c.is_ascii_lowercase())
                && !name.ends_with('-')
                && !name.contains("--")
                && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !well_formed {
                ck.push(
                    SpecError::new(file, &here, format!("`{name}` is not a flag name"))
                        .expected("lower-case kebab-case without `--`, such as `start`"),
                );
            } else if crate::spec::model::RESERVED_FLAGS.contains(&name.as_str()) {
                ck.push(
                    SpecError::new(file, &here, format!("`--{name}` is a flag nxlink keeps for itself"))
                        .expected(format!("another name; taken: {}", crate::spec::model::RESERVED_FLAGS.join(", "))),
                );
            }
        }
        if let Some(first) = seen.insert(flag.clone(), i) {
            ck.push(
                SpecError::new(
                    file,
                    format!("$.request.fields[{i}]"),
                    format!("a second field with the flag `--{flag}`"),
                )
                .expected(format!("a `cli` name for one of it and $.request.fields[{first}]")),
            );
        }
    }
}

fn check_endpoint(ck: &mut Checker, file: &Path, e: &EndpointFile, types: &TypeTable<'_>) {
    if !e.path.starts_with('/') || e.path.contains(char::is_whitespace) {
        ck.push(
            SpecError::new(file, "$.path", format!("`{}` is not an absolute path", e.path))
                .expected("a path starting with `/`"),
        );
    }
    let method = e.name.to_snake_case();
    if is_keyword(&method) {
        ck.push(
            SpecError::new(file, "$.name", format!("the method name `{method}` is a Rust keyword"))
                .expected("another operation name"),
        );
    }
    check_fields(ck, file, "$.request.fields", &e.request.fields, types, FieldRole::Request);
    check_flags(ck, file, &e.request.fields);
    let data = match &e.response.data {
        DataDef::Object(name) => match types.objects.get(name) {
            Some(object) if object.role == ObjectRole::Response => Some(*object),
            Some(_) => {
                ck.push(
                    SpecError::new(file, "$.response.data.object", format!("`{name}` is a request object"))
                        .expected("an object with the default role, response"),
                );
                None
            }
            None => {
                ck.push(
                    SpecError::new(file, "$.response.data.object", format!("unknown type reference: object `{name}`"))
                        .expected(types.known()),
                );
                None
            }
        },
        DataDef::None | DataDef::Json => None,
    };
    let request_field = |wire: &str| e.request.fields.iter().find(|f| f.wire == wire);
    let is_int = |ty: &FieldType| matches!(ty, FieldType::Int32 | FieldType::Int64);
    if e.pagination.is_some() && !matches!(e.response.data, DataDef::Object(_)) {
        ck.push(
            SpecError::new(file, "$.pagination", "a paginated endpoint whose data is not an object")
                .expected("`\"data\": {\"object\": \"...Page\"}`, the object holding the list and the total"),
        );
    }
    if let Some(key) = &e.idempotency_key {
        match request_field(key) {
            Some(f) if f.ty == FieldType::String && !f.required => {}
            _ => ck.push(
                SpecError::new(file, "$.idempotencyKey", format!("no optional string request field `{key}`"))
                    .expected("the wire name of an optional string request field the client may fill"),
            ),
        }
        if e.idempotent {
            ck.push(
                SpecError::new(file, "$.idempotencyKey", "an idempotency key on an idempotent endpoint")
                    .expected("`\"idempotent\": false` with it"),
            );
        }
    }

    if let Some(p) = &e.pagination {
        if let Some(method) = &p.items_method {
            const TAKEN: &[&str] = &["new", "send", "pages", "items", "request", "map_request"];
            let setters: Vec<String> = e.request.fields.iter().map(rust_field_name).collect();
            if is_keyword(method) || !is_identifier(method) || method.to_snake_case() != *method {
                ck.push(
                    SpecError::new(
                        file,
                        "$.pagination.itemsMethod",
                        format!("`{method}` is not a snake_case method name"),
                    )
                    .expected("a snake_case name such as `records`"),
                );
            } else if TAKEN.contains(&method.as_str()) || setters.contains(method) {
                ck.push(
                    SpecError::new(
                        file,
                        "$.pagination.itemsMethod",
                        format!("`{method}` is already a method of the request builder"),
                    )
                    .expected("a name that is not a request field or a builder method"),
                );
            }
        }
        for (key, wire) in [("pageNumber", &p.page_number), ("pageSize", &p.page_size)] {
            match request_field(wire) {
                Some(f) if is_int(&f.ty) && f.required => {}
                Some(_) => ck.push(
                    SpecError::new(
                        file,
                        format!("$.pagination.{key}"),
                        format!("request field `{wire}` is not a required integer"),
                    )
                    .expected("a required int32/int64 request field"),
                ),
                None => ck.push(
                    SpecError::new(file, format!("$.pagination.{key}"), format!("no request field `{wire}`"))
                        .expected("the wire name of a request field"),
                ),
            }
        }
        if let Some(data) = data {
            let response_field = |wire: &str| data.fields.iter().find(|f| f.wire == wire);
            match response_field(&p.total) {
                Some(f) if is_int(&f.ty) => {}
                _ => ck.push(
                    SpecError::new(
                        file,
                        "$.pagination.total",
                        format!("`{}` has no integer field `{}`", data.name, p.total),
                    )
                    .expected("the wire name of an integer field of the response"),
                ),
            }
            match response_field(&p.list).map(|f| &f.ty) {
                Some(FieldType::Array(item)) => match item.as_ref() {
                    FieldType::Object(item) => {
                        match types.objects.get(item).and_then(|o| o.fields.iter().find(|f| f.wire == p.item_id)) {
                            Some(f) if matches!(f.ty, FieldType::Int64 | FieldType::Int32 | FieldType::String) => {}
                            _ => ck.push(
                                SpecError::new(
                                    file,
                                    "$.pagination.itemId",
                                    format!("`{item}` has no integer or string field `{}`", p.item_id),
                                )
                                .expected("the wire name of the field that identifies an item"),
                            ),
                        }
                    }
                    _ => ck.push(
                        SpecError::new(file, "$.pagination.list", format!("`{}` is not a list of objects", p.list))
                            .expected("an array of objects"),
                    ),
                },
                _ => ck.push(
                    SpecError::new(
                        file,
                        "$.pagination.list",
                        format!(
                            "paginated endpoint without a list field: `{}` has no array field `{}`",
                            data.name, p.list
                        ),
                    )
                    .expected("the wire name of an array field of the response payload"),
                ),
            }
        }
    }

    for (i, c) in e.constraints.iter().enumerate() {
        let at = format!("$.constraints[{i}]");
        match c {
            ConstraintDef::NotAfter { first, second } => {
                for (key, wire) in [("first", first), ("second", second)] {
                    match request_field(wire) {
                        Some(f) if is_int(&f.ty) => {}
                        _ => ck.push(
                            SpecError::new(
                                file,
                                format!("{at}.notAfter.{key}"),
                                format!("no integer request field `{wire}`"),
                            )
                            .expected("the wire name of an integer request field"),
                        ),
                    }
                }
            }
            ConstraintDef::AtLeastOneOf { fields } => {
                if fields.len() < 2 {
                    ck.push(
                        SpecError::new(file, format!("{at}.atLeastOneOf.fields"), "fewer than two fields")
                            .expected("two or more request fields, one of which must be set"),
                    );
                }
                for (j, wire) in fields.iter().enumerate() {
                    match request_field(wire) {
                        Some(f) if !f.required && !matches!(f.ty, FieldType::Array(_)) => {}
                        _ => ck.push(
                            SpecError::new(
                                file,
                                format!("{at}.atLeastOneOf.fields[{j}]"),
                                format!("no optional request field `{wire}`"),
                            )
                            .expected("the wire name of an optional scalar request field"),
                        ),
                    }
                }
            }
            ConstraintDef::OnlyWithGroup { field, enum_field, group } => {
                if request_field(field).is_none() {
                    ck.push(
                        SpecError::new(
                            file,
                            format!("{at}.onlyWithGroup.field"),
                            format!("no request field `{field}`"),
                        )
                        .expected("the wire name of a request field"),
                    );
                }
                match request_field(enum_field).map(|f| &f.ty) {
                    Some(FieldType::Enum(name)) => {
                        if let Some(en) = types.enums.get(name) {
                            if !en.groups.iter().any(|g| &g.name == group) {
                                ck.push(
                                    SpecError::new(
                                        file,
                                        format!("{at}.onlyWithGroup.group"),
                                        format!("`{name}` has no group `{group}`"),
                                    )
                                    .expected(format!(
                                        "one of: {}",
                                        en.groups.iter().map(|g| g.name.as_str()).collect::<Vec<_>>().join(", ")
                                    )),
                                );
                            }
                        }
                    }
                    _ => ck.push(
                        SpecError::new(
                            file,
                            format!("{at}.onlyWithGroup.enumField"),
                            format!("no enum request field `{enum_field}`"),
                        )
                        .expected("the wire name of an enum-typed request field"),
                    ),
                }
            }
        }
    }
}
