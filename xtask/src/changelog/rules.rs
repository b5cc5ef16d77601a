//! What a spec change does to the generated Rust API, by written rules: which item it
//! adds, changes or removes, and whether code that compiled against the old crates
//! still compiles against the new ones.
//!
//! The rules, as the generated code makes them true:
//! - Not breaking: a new optional field (structs are `#[non_exhaustive]`, so no one
//!   builds them with a literal or matches them exhaustively); a new required request
//!   field that has a default (the constructor keeps its arguments); a new code of an
//!   enum (`#[non_exhaustive]`, and unknown codes already decode as `Unknown(code)`); a
//!   new enum, object, endpoint, group predicate or callback payload; a wording change.
//! - Breaking: a removed item (field, variant, type, method); a changed type, including
//!   optional <-> required (`Option<T>` <-> `T`); a renamed item; a new required request
//!   field without a default (the constructor gains an argument); a new callback (the
//!   `Callback` enum is matched exhaustively) or region (`Region` is exhaustive).

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
            out.push(Change::new(Section::Changed, method, fact, false, "the wire moved; the API did not"));
        }
        let (request, old_request) = (&e.request, &before.request);
        if request.name != old_request.name {
            let fact = format!("the request type of {name} (now `{}`)", request.name);
            let item = format!("`{}`", old_request.name);
            out.push(Change::new(Section::Removed, item, fact, true, "a renamed type"));
        }
        fields(&request.name, &old_request.fields, &request.fields, true, out);
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
        let rule = "a new variant of the exhaustive `Callback` enum";
        out.push(Change::new(Section::Added, format!("`Callback::{name}`"), fact, true, rule));
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
    for (name, f) in &before {
        if !after.contains_key(name) {
            let item = format!("`{owner}::{name}`");
            let fact = format!("`{}` (`{}`), no longer documented; it now lands in `extra`", f.wire, rust_type(f));
            out.push(Change::new(Section::Removed, item, fact, true, "a removed field"));
        }
    }
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
