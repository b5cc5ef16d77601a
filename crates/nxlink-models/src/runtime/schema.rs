//! JSON Schema of the generated models (feature `schemars`), written by
//! `wire_object!` and `code_enum!` through these helpers: an object's properties under
//! their wire names with the spec's descriptions, `additionalProperties` open (the SDK
//! keeps fields it does not know), a code enum as an integer whose documented codes and
//! their descriptions are listed (`oneOf` of `const`s, plus any other integer, since an
//! unknown code decodes too).

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{json, Map, Value};

/// An object schema being built, field by field.
#[derive(Debug)]
pub struct Object {
    description: String,
    properties: Map<String, Value>,
    required: Vec<Value>,
}

/// Joins doc lines (each with the space `///` leaves) into one description.
pub fn description(lines: &[&str]) -> String {
    let text: Vec<&str> = lines.iter().map(|line| line.strip_prefix(' ').unwrap_or(line)).collect();
    text.join("\n").trim().to_owned()
}

impl Object {
    /// An object described by its doc lines.
    pub fn new(doc: &[&str]) -> Self {
        Self { description: description(doc), properties: Map::new(), required: Vec::new() }
    }

    /// Adds the field `wire` of type `T`, described by its doc lines.
    pub fn field<T: JsonSchema>(&mut self, generator: &mut SchemaGenerator, wire: &str, doc: &[&str], required: bool) {
        let mut schema = generator.subschema_for::<T>();
        let text = description(doc);
        if !text.is_empty() {
            // A `$ref` keeps its referenced description; a sibling one says what the field is.
            schema.insert("description".to_owned(), Value::String(text));
        }
        self.properties.insert(wire.to_owned(), schema.to_value());
        if required {
            self.required.push(Value::String(wire.to_owned()));
        }
    }

    /// The schema.
    pub fn finish(self) -> Schema {
        let mut schema = json!({
            "type": "object",
            "description": self.description,
            "properties": self.properties,
            "additionalProperties": true,
        });
        if !self.required.is_empty() {
            schema["required"] = Value::Array(self.required);
        }
        Schema::try_from(schema).unwrap_or_default()
    }
}

/// The schema of a code enum: an integer, each documented code with its name and
/// description.
pub fn code_enum(doc: &[&str], wire: &str, values: &[(i64, &str, &str)]) -> Schema {
    let documented: Vec<Value> = values
        .iter()
        .map(|(code, name, description)| json!({"const": code, "title": name, "description": description}))
        .collect();
    let mut one_of = documented;
    one_of.push(json!({"type": "integer", "description": format!("A `{wire}` code newer than this SDK: kept as `Unknown(n)`.")}));
    let schema = json!({
        "type": "integer",
        "description": description(doc),
        "anyOf": one_of,
    });
    Schema::try_from(schema).unwrap_or_default()
}

/// Any of `schemas`.
pub fn any_of(schemas: Vec<Schema>) -> Schema {
    let schemas: Vec<Value> = schemas.into_iter().map(Schema::to_value).collect();
    Schema::try_from(json!({ "anyOf": schemas })).unwrap_or_default()
}
