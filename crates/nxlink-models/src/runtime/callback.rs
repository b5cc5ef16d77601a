//! What the generated `Callback` enum calls to tell callbacks apart and to recognise a
//! redelivered event.

use std::collections::BTreeSet;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::DecodeError;

/// The names of the top-level fields of a JSON object body.
pub fn top_level_keys(body: &[u8]) -> Result<BTreeSet<String>, DecodeError> {
    let object: serde_json::Map<String, serde_json::Value> = crate::decode(body)?;
    Ok(object.into_iter().map(|(key, _)| key).collect())
}

/// Decodes a body as `T`, leniently, naming the path of a value that cannot be read.
pub fn decode_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, DecodeError> {
    crate::decode(body)
}

/// A body that is a JSON object but none of the callbacks the spec lists.
pub fn unknown_callback(identified_by: &[&str]) -> DecodeError {
    DecodeError::missing(
        ".",
        format!(
            "a JSON object with none of the fields that identify a callback; expected one of {}",
            identified_by.join(", ")
        ),
    )
}

/// One part of a dedupe key: the field's JSON text (`null` when unset).
pub fn key_part<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
