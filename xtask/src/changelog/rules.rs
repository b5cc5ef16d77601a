//! What a spec change does to the generated Rust API, by written rules: which item it
//! adds, changes or removes, and whether code that compiled against the old crates
//! still compiles against the new ones.
//!
//! The rules, as the generated code makes them true:
//! - Not breaking: a new optional field (structs are `#[non_exhaustive]`, so no one
//!   builds them with a literal or matches them exhaustively); a new required request
//!   field that has a default (the constructor keeps its arguments); a new code of an
//!   enum (`#[non_exhaustive]`, and unknown codes already decode as `Unknown(code)`); a
//!   new enum, object, endpoint, group predicate or callback (`Callback` is
//!   `#[non_exhaustive]`); a wording change.
//! - Breaking: a removed item (field, variant, type, method); a changed type, including
//!   optional <-> required (`Option<T>` <-> `T`); a renamed item; a new required request
//!   field without a default (the constructor gains an argument); a new region
//!   (`Region` is exhaustive: a `match` over it stops compiling).

use std::collections::BTreeMap;

use heck::ToSnakeCase;

use crate::spec::model::{EnumFile, FieldDef, FieldType, ObjectRole};
use crate::spec::Spec;

/// Where a change goes in the entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    /// A new item.
    Added,
    /// An item that stays, changed.
    Changed,
    /// An item that is gone.
    Removed,
}

/// One line of a changelog entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Added, Changed or Removed.
    pub section: Section,
    /// The Rust item, e.g. `CallRecord::user_task_id`.
    pub item: String,
    /// The vendor fact behind it, e.g. the field's wire name, type and description.
    pub fact: String,
    /// True when code written against the old crates may not compile any more.
    pub breaking: bool,
    /// The rule that decided `breaking`, in a few words.
    pub rule: &'static str,
}

impl Change {
    fn new(section: Section, item: String, fact: String, breaking: bool, rule: &'static str) -> Self {
        Self { section, item, fact, breaking, rule }
    }
}

/// Every change from `old` to `new`, in a stable order (section, then item).
pub fn diff(old: &Spec, new: &Spec) -> Vec<Change> {
    let mut out = Vec::new();
    enums(old, new, &mut out);
    objects(old, new, &mut out);
    endpoints(old, new, &mut out);
    callbacks(old, new, &mut out);
    regions(old, new, &mut out);
    out.sort_by(|a, b| (a.section, &a.item).cmp(&(b.section, &b.item)));
    out
}

fn enums(old: &Spec, new: &Spec, out: &mut Vec<Change>) {
    for (name, e) in &new.enums {
        let Some(before) = old.enums.get(name) else {
            let fact = format!("enum `{}`: {}, {} codes", e.wire, quote(&e.description), e.values.len());
            out.push(Change::new(Section::Added, format!("`{name}`"), fact, false, "a new type"));
            continue;
        };
        enum_values(name, before, e, out);
    }
    for (name, e) in &old.enums {
        if !new.enums.contains_key(name) {
            let fact = format!("enum `{}`", e.wire);
            out.push(Change::new(Section::Removed, format!("`{name}`"), fact, true, "a removed type"));
        }
    }
}

fn enum_values(name: &str, old: &EnumFile, new: &EnumFile, out: &mut Vec<Change>) {
    let by_name = |e: &EnumFile| -> BTreeMap<String, (i64, String)> {
        e.values.iter().map(|v| (v.name.clone(), (v.value, v.description.clone()))).collect()
    };
    let (before, after) = (by_name(old), by_name(new));
    for (variant, (code, description)) in &after {
        let item = format!("`{name}::{variant}`");
        match before.get(variant) {
            None => {
                let fact = format!("`{}` code {code}: {}", new.wire, quote(description));
                out.push(Change::new(Section::Added, item, fact, false, "a new code of a `#[non_exhaustive]` enum"));
            }
            Some((old_code, _)) if old_code != code => {
                let fact = format!("`{}` code {old_code} is now {code}: {}", new.wire, quote(description));
                let rule = "same variant, another code on the wire: compiles, means another thing";
                out.push(Change::new(Section::Changed, item, fact, false, rule));
            }
            Some((_, old_description)) if old_description != description => {
                let fact =
                    format!("`{}` code {code}: {} (was {})", new.wire, quote(description), quote(old_description));
                out.push(Change::new(Section::Changed, item, fact, false, "wording"));
            }
            Some(_) => {}
        }
    }
    for (variant, (code, _)) in &before {
        if !after.contains_key(variant) {
            let renamed = after.iter().find(|(_, (c, _))| c == code).map(|(n, _)| n.as_str());
            let fact = match renamed {
                Some(to) => format!("`{}` code {code} is now `{name}::{to}`", old.wire),
                None => format!("`{}` code {code} (it now decodes as `{name}::Unknown({code})`)", old.wire),
            };
            out.push(Change::new(Section::Removed, format!("`{name}::{variant}`"), fact, true, "a removed variant"));
        }
    }
    let groups = |e: &EnumFile| -> BTreeMap<String, Vec<i64>> {
        e.groups.iter().map(|g| (g.name.to_snake_case(), g.values.clone())).collect()
    };
    let (before, after) = (groups(old), groups(new));
    for (group, codes) in &after {
        let item = format!("`{name}::is_{group}`");
        match before.get(group) {
            None => {
                let fact = format!("codes {codes:?} of `{}`", new.wire);
                out.push(Change::new(Section::Added, item, fact, false, "a new method"));
            }
            Some(old_codes) if old_codes != codes => {
                let fact = format!("codes {codes:?} of `{}` (was {old_codes:?})", new.wire);
                out.push(Change::new(Section::Changed, item, fact, false, "same signature, other codes"));
            }
            Some(_) => {}
        }
    }
    for group in before.keys().filter(|g| !after.contains_key(*g)) {
        let fact = format!("a group of `{}` codes", old.wire);
        out.push(Change::new(Section::Removed, format!("`{name}::is_{group}`"), fact, true, "a removed method"));
    }
}

fn objects(old: &Spec, new: &Spec, out: &mut Vec<Change>) {
    for (name, o) in &new.objects {
        let Some(before) = old.objects.get(name) else {
            let fact = format!("object: {}, {} fields", quote(&o.description), o.fields.len());
            out.push(Change::new(Section::Added, format!("`{name}`"), fact, false, "a new type"));
            continue;
        };
        fields(name, &before.fields, &o.fields, o.role == ObjectRole::Request, out);
    }
    for name in old.objects.keys().filter(|n| !new.objects.contains_key(*n)) {
        out.push(Change::new(Section::Removed, format!("`{name}`"), "object".into(), true, "a removed type"));
    }
}

fn endpoints(old: &Spec, new: &Spec, out: &mut Vec<Change>) {
    for (name, e) in &new.endpoints {
        let method = format!("`Client::{}`", name.to_snake_case());
        let Some(before) = old.endpoints.get(name) else {
            let fact = format!("{} {}: {}", e.method.as_str(), e.path, quote(&e.summary));
            out.push(Change::new(Section::Added, method, fact, false, "a new method and request type"));
            continue;
        };
        if (before.method, &before.path) != (e.method, &e.path) {
            let fact = format!("now {} {} (was {} {})", e.method.as_str(), e.path, before.method.as_str(), before.path);
            out.push(Change::new(Section::Changed, method.clone(), fact, false, "the wire moved; the API did not"));
        }
        let (request, old_request) = (&e.request, &before.request);
        if request.name != old_request.name {
            let fact = format!("the request type of {name} (now `{}`)", request.name);
            let item = format!("`{}`", old_request.name);
            out.push(Change::new(Section::Removed, item, fact, true, "a renamed type"));
        }
        fields(&request.name, &old_request.fields, &request.fields, true, out);
        if let Some(fact) = arguments_changed(&old_request.fields, &request.fields) {
            out.push(Change::new(Section::Changed, method, fact, true, "the method's arguments changed"));
        }
    }
    for (name, e) in &old.endpoints {
        if !new.endpoints.contains_key(name) {
            let method = format!("`Client::{}`", name.to_snake_case());
            let fact = format!("{} {}: {}", e.method.as_str(), e.path, quote(&e.summary));
            out.push(Change::new(Section::Removed, method, fact, true, "a removed method"));
        }
    }
}

fn callbacks(old: &Spec, new: &Spec, out: &mut Vec<Change>) {
    let names = |s: &Spec| -> BTreeMap<String, String> {
        s.callbacks.iter().map(|c| (c.def.name.clone(), c.def.description.clone())).collect()
    };
    let (before, after) = (names(old), names(new));
    for (name, description) in after.iter().filter(|(n, _)| !before.contains_key(*n)) {
        let fact = format!("a callback: {}", quote(description));
        let rule = "a new variant of the `#[non_exhaustive]` `Callback` enum";
        out.push(Change::new(Section::Added, format!("`Callback::{name}`"), fact, false, rule));
    }
    for name in before.keys().filter(|n| !after.contains_key(*n)) {
        let fact = "a callback".to_owned();
        out.push(Change::new(Section::Removed, format!("`Callback::{name}`"), fact, true, "a removed variant"));
    }
}

fn regions(old: &Spec, new: &Spec, out: &mut Vec<Change>) {
    let names = |s: &Spec| -> BTreeMap<String, String> {
        s.service.regions.iter().map(|r| (r.name.clone(), r.id.clone())).collect()
    };
    let (before, after) = (names(old), names(new));
    for (name, id) in after.iter().filter(|(n, _)| !before.contains_key(*n)) {
        let fact = format!("region `{id}`");
        let rule = "a new variant of the exhaustive `Region` enum";
        out.push(Change::new(Section::Added, format!("`Region::{name}`"), fact, true, rule));
    }
    for (name, id) in before.iter().filter(|(n, _)| !after.contains_key(*n)) {
        let fact = format!("region `{id}`");
        out.push(Change::new(Section::Removed, format!("`Region::{name}`"), fact, true, "a removed variant"));
    }
}

/// The fields of one object or request, matched by Rust name (what users write).
fn fields(owner: &str, old: &[FieldDef], new: &[FieldDef], request: bool, out: &mut Vec<Change>) {
    let by_name = |fields: &[FieldDef]| -> BTreeMap<String, FieldDef> {
        fields.iter().map(|f| (rust_name(f), f.clone())).collect()
    };
    let (before, after) = (by_name(old), by_name(new));
    for (name, f) in &after {
        let item = format!("`{owner}::{name}`");
        let Some(was) = before.get(name) else {
            let fact = fact(f);
            let change = if request && f.required && f.default.is_none() {
                Change::new(Section::Added, item, fact, true, "a new required request field: `new()` gains an argument")
            } else if request && f.required {
                Change::new(Section::Added, item, fact, false, "a new required request field with a default")
            } else {
                Change::new(Section::Added, item, fact, false, "a new field of a `#[non_exhaustive]` struct")
            };
            out.push(change);
            continue;
        };
        let (old_type, new_type) = (rust_type(was), rust_type(f));
        if old_type != new_type {
            let fact = format!("{} (was `{old_type}`)", fact(f));
            out.push(Change::new(Section::Changed, item, fact, true, "a changed type"));
        } else if request && (was.required, was.default) != (f.required, f.default) {
            let fact = format!("{} (was {})", fact(f), requirement(was));
            out.push(Change::new(Section::Changed, item, fact, true, "the constructor's arguments changed"));
        } else if was.wire != f.wire {
            let fact = format!("{} (was `{}`)", fact(f), was.wire);
            out.push(Change::new(Section::Changed, item, fact, false, "the wire name moved; the API did not"));
        } else if was.description != f.description {
            let fact = format!("{} (was {})", fact(f), quote(&was.description));
            out.push(Change::new(Section::Changed, item, fact, false, "wording"));
        } else if limits(was) != limits(f) {
            let fact = format!("`{}` limits {:?} (was {:?})", f.wire, limits(f), limits(was));
            out.push(Change::new(Section::Changed, item, fact, false, "validation: same API, other bounds"));
        }
    }
    if request {
        if let Some(fact) = arguments_changed(old, new) {
            let rule = "the constructor's arguments changed";
            out.push(Change::new(Section::Changed, format!("`{owner}::new`"), fact, true, rule));
        }
    }
    for (name, f) in &before {
        if !after.contains_key(name) {
            let item = format!("`{owner}::{name}`");
            let fact = format!("`{}` (`{}`), no longer documented; it now lands in `extra`", f.wire, rust_type(f));
            out.push(Change::new(Section::Removed, item, fact, true, "a removed field"));
        }
    }
}

/// The arguments of a request's `new()` and of its client method (the required fields
/// without a default, in order), when they changed: "now (a, b), was (a)".
fn arguments_changed(old: &[FieldDef], new: &[FieldDef]) -> Option<String> {
    let arguments = |fields: &[FieldDef]| -> Vec<String> {
        fields
            .iter()
            .filter(|f| f.required && f.default.is_none())
            .map(|f| format!("{}: {}", rust_name(f), type_name(&f.ty)))
            .collect()
    };
    let (before, after) = (arguments(old), arguments(new));
    (before != after).then(|| format!("arguments now ({}), were ({})", after.join(", "), before.join(", ")))
}

/// The field's Rust name: its `name`, else the snake_case of its wire name.
fn rust_name(f: &FieldDef) -> String {
    f.name.clone().unwrap_or_else(|| f.wire.to_snake_case())
}

/// The Rust type of the field, as the generator declares it: a list is a `Vec`, a
/// required value is bare, anything else an `Option`.
fn rust_type(f: &FieldDef) -> String {
    match (&f.ty, f.required) {
        (FieldType::Array(_), _) | (_, true) => type_name(&f.ty),
        (ty, false) => format!("Option<{}>", type_name(ty)),
    }
}

fn type_name(ty: &FieldType) -> String {
    match ty {
        FieldType::String => "String".into(),
        FieldType::Int32 => "i32".into(),
        FieldType::Int64 => "i64".into(),
        FieldType::Float64 => "f64".into(),
        FieldType::Bool => "bool".into(),
        FieldType::Enum(name) | FieldType::Object(name) => name.clone(),
        FieldType::Array(inner) => format!("Vec<{}>", type_name(inner)),
    }
}

fn requirement(f: &FieldDef) -> String {
    match (f.required, f.default) {
        (true, Some(default)) => format!("required, default {default}"),
        (true, None) => "required".into(),
        (false, _) => "optional".into(),
    }
}

type Limits = (Option<i64>, Option<i64>, Option<u32>, Option<u32>, Option<u32>, Option<u32>);

fn limits(f: &FieldDef) -> Limits {
    (f.minimum, f.maximum, f.min_length, f.max_length, f.min_items, f.max_items)
}

/// The vendor fact of a field: wire name, type, whether required, the vendor's words and
/// the source.
fn fact(f: &FieldDef) -> String {
    let mut text = format!("`{}` (`{}`, {}): {}", f.wire, rust_type(f), requirement(f), quote(&f.description));
    if f.inferred {
        text.push_str(", inferred");
    }
    if let Some(source) = &f.source {
        text.push_str(&format!(" [{source}]"));
    }
    text
}

fn quote(text: &str) -> String {
    format!("\u{201c}{}\u{201d}", text.trim())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::codegen::workspace_root;
    use crate::spec::load_dir;
    use crate::spec::model::EnumValueDef;

    fn spec() -> Spec {
        load_dir(&workspace_root().join("spec")).unwrap()
    }

    fn field(json: serde_json::Value) -> FieldDef {
        serde_json::from_value(json).unwrap()
    }

    /// The object whose first field is an optional int32 (the call record today), and
    /// the request of the first endpoint whose request has a required field without a
    /// default: picked from the spec, so the table survives it growing.
    fn record(spec: &mut Spec) -> &mut Vec<FieldDef> {
        let name = spec
            .objects
            .iter()
            .find(|(_, o)| {
                o.role == ObjectRole::Response && o.fields.iter().any(|f| f.ty == FieldType::Int32 && !f.required)
            })
            .map(|(n, _)| n.clone())
            .unwrap();
        &mut spec.objects.get_mut(&name).unwrap().def.fields
    }

    fn request(spec: &mut Spec) -> &mut Vec<FieldDef> {
        let name = spec
            .endpoints
            .iter()
            .find(|(_, e)| e.request.fields.iter().any(|f| f.required && f.default.is_none()))
            .map(|(n, _)| n.clone())
            .unwrap();
        &mut spec.endpoints.get_mut(&name).unwrap().def.request.fields
    }

    fn an_enum(spec: &mut Spec) -> &mut EnumFile {
        spec.enums.values_mut().find(|e| e.values.len() > 2).unwrap()
    }

    fn new_field(required: bool) -> FieldDef {
        field(serde_json::json!({"wire": "zoneCode", "type": "string", "required": required, "description": "Zone"}))
    }

    type Edit = fn(&mut Spec);

    /// Each edit, and the one change it must give: its section, the item's last path
    /// segment, and whether it breaks.
    #[test]
    fn each_kind_of_change_is_one_line_marked_by_the_rules() {
        let cases: &[(&str, Edit, Section, &str, bool)] = &[
            ("optional response field", |s| record(s).push(new_field(false)), Section::Added, "::zone_code`", false),
            ("required response field", |s| record(s).push(new_field(true)), Section::Added, "::zone_code`", false),
            ("optional request field", |s| request(s).push(new_field(false)), Section::Added, "::zone_code`", false),
            ("required request field", |s| request(s).push(new_field(true)), Section::Added, "::zone_code`", true),
            (
                "required request field with a default",
                |s| {
                    let mut f = new_field(true);
                    f.ty = FieldType::Int32;
                    f.default = Some(1);
                    request(s).push(f);
                },
                Section::Added,
                "::zone_code`",
                false,
            ),
            ("removed field", |s| drop(record(s).pop()), Section::Removed, "", true),
            (
                "int32 -> int64",
                |s| record(s).iter_mut().find(|f| f.ty == FieldType::Int32).unwrap().ty = FieldType::Int64,
                Section::Changed,
                "",
                true,
            ),
            (
                "optional -> required in a response",
                |s| record(s).iter_mut().find(|f| !f.required && f.ty == FieldType::Int32).unwrap().required = true,
                Section::Changed,
                "",
                true,
            ),
            (
                "required -> optional in a request",
                |s| request(s).iter_mut().find(|f| f.required && f.default.is_none()).unwrap().required = false,
                Section::Changed,
                "",
                true,
            ),
            (
                "a required request field gains a default",
                |s| request(s).iter_mut().find(|f| f.required && f.default.is_none()).unwrap().default = Some(1),
                Section::Changed,
                "",
                true,
            ),
            ("wording", |s| record(s)[0].description.push_str(" (new)"), Section::Changed, "", false),
            ("a bound", |s| request(s)[0].max_length = Some(7), Section::Changed, "", false),
            (
                "wire name, same Rust name",
                |s| {
                    let f = &mut record(s)[0];
                    f.name = Some(f.wire.to_snake_case());
                    f.wire.push('X');
                },
                Section::Changed,
                "",
                false,
            ),
            (
                "new code",
                |s| {
                    let e = an_enum(s);
                    let code = e.values.iter().map(|v| v.value).max().unwrap() + 1;
                    e.values.push(EnumValueDef {
                        value: code,
                        name: "Brand".into(),
                        description: "B".into(),
                        notes: None,
                    });
                },
                Section::Added,
                "::Brand`",
                false,
            ),
            ("removed code", |s| drop(an_enum(s).values.pop()), Section::Removed, "", true),
            ("renamed variant", |s| an_enum(s).values[0].name.push('X'), Section::Added, "X`", false),
            ("code of a variant", |s| an_enum(s).values[0].value += 1000, Section::Changed, "", false),
            ("code wording", |s| an_enum(s).values[0].description.push('!'), Section::Changed, "", false),
            ("removed endpoint", |s| drop(s.endpoints.pop_first()), Section::Removed, "", true),
            ("removed enum", |s| drop(s.enums.pop_last()), Section::Removed, "", true),
            (
                "new callback",
                |s| {
                    let mut c = s.callbacks[0].clone();
                    c.def.name.push('X');
                    s.callbacks.push(c);
                },
                Section::Added,
                "X`",
                false,
            ),
            (
                "new region",
                |s| {
                    let mut r = s.service.regions[0].clone();
                    r.name.push('X');
                    r.id.push('x');
                    s.service.regions.push(r);
                },
                Section::Added,
                "X`",
                true,
            ),
            ("removed callback", |s| drop(s.callbacks.pop()), Section::Removed, "", true),
        ];
        for (what, edit, section, item_end, breaking) in cases {
            let old = spec();
            let mut new = old.clone();
            edit(&mut new);
            let changes = diff(&old, &new);
            let line = changes
                .iter()
                .find(|c| c.section == *section && c.item.ends_with(item_end))
                .unwrap_or_else(|| panic!("{what}: no {section:?} line ending {item_end:?} in {changes:#?}"));
            assert_eq!(line.breaking, *breaking, "{what}: {line:?}");
            assert!(
                line.item.starts_with('`') && line.item.contains("::") || *section == Section::Removed,
                "{what}: {line:?}"
            );
            // Everything the edit did not touch is not in the entry: one change, or for a
            // renamed variant its two halves, or for a removed type its users' fields.
            let expected = match *what {
                "renamed variant" => 2,
                // The field's line, `Request::new` and `Client::method`.
                "required request field"
                | "required -> optional in a request"
                | "a required request field gains a default" => 3,
                "removed enum" | "removed endpoint" => changes.len(),
                _ => 1,
            };
            assert_eq!(changes.len(), expected, "{what}: {changes:#?}");
        }
    }

    #[test]
    fn a_renamed_variant_is_a_breaking_removal_that_names_the_new_variant() {
        let old = spec();
        let mut new = old.clone();
        let e = an_enum(&mut new);
        let (name, was) = (e.name.clone(), e.values[0].name.clone());
        e.values[0].name.push('X');
        let changes = diff(&old, &new);
        let removed = changes.iter().find(|c| c.section == Section::Removed).unwrap();
        assert_eq!(removed.item, format!("`{name}::{was}`"));
        assert!(removed.breaking && removed.fact.contains(&format!("`{name}::{was}X`")), "{removed:?}");
    }

    #[test]
    fn the_same_spec_gives_no_change() {
        assert_eq!(diff(&spec(), &spec()), Vec::new());
    }

    #[test]
    fn a_line_names_the_rust_item_and_the_vendor_fact() {
        let old = spec();
        let mut new = old.clone();
        let mut f = new_field(false);
        f.source = Some("W-EN-test".into());
        record(&mut new).push(f);
        let change = &diff(&old, &new)[0];
        assert!(change.item.ends_with("::zone_code`"), "{change:?}");
        for part in ["`zoneCode`", "`Option<String>`", "optional", "\u{201c}Zone\u{201d}", "[W-EN-test]"] {
            assert!(change.fact.contains(part), "{part} missing from {change:?}");
        }
    }
}
