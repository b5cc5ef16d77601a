//! The spec format: what `spec/*.json` may say. Serde reads it, schemars turns it into
//! `spec/spec.schema.json` so editors validate and complete spec files.
//!
//! Every struct denies unknown keys: a typo in a spec file is an error, not a silently
//! ignored setting.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Any spec file; the `kind` key says which. Only used for the JSON Schema: the loader
/// reads `kind` first and then the matching file type, so errors keep their JSON path.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(untagged)]
#[schemars(title = "nxlink-rs spec file")]
pub enum SpecFile {
    /// `kind: "service"`.
    Service(ServiceFile),
    /// `kind: "enum"`.
    Enum(EnumFile),
    /// `kind: "object"`.
    Object(ObjectFile),
    /// `kind: "endpoint"`.
    Endpoint(EndpointFile),
}

macro_rules! kind_tag {
    ($name:ident, $wire:literal) => {
        #[doc = concat!("The `kind` of a ", $wire, " file.")]
        #[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
        pub enum $name {
            #[doc = concat!("`", $wire, "`")]
            #[serde(rename = $wire)]
            Tag,
        }
    };
}
kind_tag!(ServiceKind, "service");
kind_tag!(EnumKind, "enum");
kind_tag!(ObjectKind, "object");
kind_tag!(EndpointKind, "endpoint");

/// `spec/service.json`: the service as a whole.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceFile {
    /// Path or URL of this schema, for editors.
    #[serde(rename = "$schema")]
    pub schema: String,
    /// Always `service`.
    pub kind: ServiceKind,
    /// The service's name.
    pub name: String,
    /// What the service does.
    pub description: String,
    /// The vendor's regions and their API gateways.
    pub regions: Vec<RegionDef>,
    /// Common headers and the signing scheme.
    pub auth: AuthDef,
    /// The `bizType` header of every endpoint that does not name its own.
    pub biz_type: String,
    /// The `action` header of every endpoint that does not name its own.
    pub action: String,
    /// The response envelope every endpoint shares.
    pub envelope: EnvelopeDef,
    /// Name of the enum holding the envelope's result codes.
    pub error_codes: String,
    /// What the vendor POSTs to the customer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub callbacks: Vec<CallbackDef>,
}

/// A callback the vendor sends: a JSON POST, signed with the request headers when the
/// customer chose to.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CallbackDef {
    /// Variant name of the generated `Callback` enum, UpperCamelCase.
    pub name: String,
    /// The payload object (response role).
    pub payload: String,
    /// When it is sent.
    pub description: String,
    /// A payload field only this callback carries: how a receiver tells the callbacks
    /// apart when they share a URL.
    pub identified_by: String,
    /// Payload fields that identify one event, so a redelivered one can be recognised.
    pub dedupe_by: Vec<String>,
    /// Where the facts come from.
    pub source: String,
}

/// One row of the vendor's "Service Endpoints" table.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegionDef {
    /// Rust variant name, UpperCamelCase.
    pub name: String,
    /// Short lower-case id for command lines and config files, e.g. `hk`.
    pub id: String,
    /// The vendor's code column, e.g. `APAC (IDN)`.
    pub code: String,
    /// The vendor's region column, e.g. `Hong Kong`.
    pub region: String,
    /// The vendor's website for the region.
    pub website: String,
    /// Base URL of the region's API gateway, as the newest vendor pages give it.
    pub api_gateway: String,
    /// Gateways older revisions of the vendor's pages gave for the region; documented
    /// in the rustdoc of `Region`, never used by the client.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legacy_gateways: Vec<String>,
    /// Where the gateway comes from (a tag of the vendor fact sheet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// The common authentication rules.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AuthDef {
    /// The headers sent with every request.
    pub headers: Vec<HeaderDef>,
    /// The request's content type.
    pub content_type: String,
    /// How the `sign` header is computed.
    pub signing: SigningDef,
}

/// A common request header.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HeaderDef {
    /// Header name, as sent.
    pub name: String,
    /// Whether every request carries it.
    pub required: bool,
    /// The vendor's example value.
    pub example: String,
    /// The vendor's description.
    pub description: String,
    /// Unit of a time value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Unit>,
    /// Whether the value is a secret that must never be logged.
    #[serde(default, skip_serializing_if = "is_false")]
    pub secret: bool,
}

/// The signature scheme.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SigningDef {
    /// Header carrying the signature.
    pub sign_header: String,
    /// Header selecting the hash.
    pub algorithm_header: String,
    /// Accepted values of the algorithm header.
    pub algorithms: Vec<String>,
    /// Algorithm used when the header is absent.
    pub default_algorithm: String,
    /// Headers that enter the string to sign, in ASCII order.
    pub signed_headers: Vec<String>,
    /// Text before the body bytes in the string to sign.
    pub body_prefix: String,
    /// Text before the secret in the string to sign.
    pub secret_prefix: String,
    /// Largest accepted distance between `ts` and the server's clock.
    pub max_clock_skew_millis: i64,
    /// The rule in prose.
    pub description: String,
}

/// The response envelope.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnvelopeDef {
    /// Rust type name.
    pub name: String,
    /// What the envelope is.
    pub description: String,
    /// Wire name of the payload field.
    pub data_field: String,
    /// The vendor's description of the payload field.
    pub data_description: String,
    /// The `code` that means success.
    pub success_code: i64,
    /// The envelope's fields besides the payload.
    pub fields: Vec<FieldDef>,
}

/// `spec/enums/*.json`: an integer code table.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnumFile {
    /// Path or URL of this schema, for editors.
    #[serde(rename = "$schema")]
    pub schema: String,
    /// Always `enum`.
    pub kind: EnumKind,
    /// Rust type name, UpperCamelCase.
    pub name: String,
    /// The vendor's name for the table's field, e.g. `callResult`.
    pub wire: String,
    /// The vendor's description.
    pub description: String,
    /// One entry per documented code.
    pub values: Vec<EnumValueDef>,
    /// Named sets of codes; each becomes an `is_<group>()` predicate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<EnumGroupDef>,
}

/// One documented code.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnumValueDef {
    /// The number on the wire.
    pub value: i64,
    /// Rust variant name, UpperCamelCase.
    pub name: String,
    /// The vendor's description, word for word.
    pub description: String,
    /// What we add to the vendor's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// A named set of codes.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnumGroupDef {
    /// lowerCamelCase name; the predicate is `is_<snake_case name>`.
    pub name: String,
    /// Completes "True when ...".
    pub description: String,
    /// Member codes; each must be a value of the enum.
    pub values: Vec<i64>,
}

/// `spec/objects/*.json`: a JSON object type.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ObjectFile {
    /// Path or URL of this schema, for editors.
    #[serde(rename = "$schema")]
    pub schema: String,
    /// Always `object`.
    pub kind: ObjectKind,
    /// Rust type name, UpperCamelCase.
    pub name: String,
    /// The vendor's name for the object, where it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wire: Option<String>,
    /// The vendor's description.
    pub description: String,
    /// Whether the object is sent in a request body (`request`: unset options left out,
    /// a builder and `validate()`) or received (`response`, the default: lenient
    /// decoding, every field written back).
    #[serde(default, skip_serializing_if = "is_default")]
    pub role: ObjectRole,
    /// The fields, in wire order.
    pub fields: Vec<FieldDef>,
}

/// Which way an object travels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ObjectRole {
    /// Received in a response or a callback.
    #[default]
    Response,
    /// Sent in a request body.
    Request,
}

/// `spec/endpoints/*.json`: one operation.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EndpointFile {
    /// Path or URL of this schema, for editors.
    #[serde(rename = "$schema")]
    pub schema: String,
    /// Always `endpoint`.
    pub kind: EndpointKind,
    /// Operation name, UpperCamelCase; the client method is its snake_case.
    pub name: String,
    /// The vendor's page title.
    pub summary: String,
    /// The vendor's description.
    pub description: String,
    /// HTTP method.
    pub method: HttpMethod,
    /// Path below the gateway, starting with `/`.
    pub path: String,
    /// The `bizType` header value, when it is not the service's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biz_type: Option<String>,
    /// The `action` header value, when it is not the service's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Whether sending the same request twice has the effect of sending it once. A
    /// non-idempotent call (create, append) is not retried once the request may have
    /// reached the server.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub idempotent: bool,
    /// A string request field the client fills with a fresh unique id when the caller
    /// leaves it unset, so a call that may or may not have been applied can be found
    /// again (`userTaskId` of task create).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
    /// The request body.
    pub request: RequestDef,
    /// The response payload.
    pub response: ResponseDef,
    /// Present when the endpoint pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<PaginationDef>,
    /// Rules across request fields, checked by the request's `validate()`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constraints: Vec<ConstraintDef>,
    /// How a call that is not idempotent takes effect once when an answer is lost, for
    /// the client's `send_once()`: sent again as it was, or looked up first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exactly_once: Option<ExactlyOnceDef>,
}

/// How `send_once()` resolves a call whose answer was lost (it may or may not have been
/// applied).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum ExactlyOnceDef {
    /// Sent again as it was: what the request carries makes a repeat harmless.
    Resend {
        /// The fact that makes a repeat harmless, with its source (contact ids are
        /// unique, W-EN-append).
        why: String,
    },
    /// Looked up in a list endpoint by the request's idempotency key; sent again only
    /// when not found.
    Lookup(LookupDef),
}

/// Where a call that may have been applied is looked for.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LookupDef {
    /// The paginated endpoint listing what the call creates (an operation name).
    pub endpoint: String,
    /// The item field holding the value of the request's idempotency key.
    pub key: String,
    /// Lookup request fields set from this request's fields: lookup field -> this field.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub filters: BTreeMap<String, String>,
    /// A lookup request field (unix seconds) set to a little before the call began, so
    /// only what was made since is listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// The item field (and the answer's `data` field) holding what `send_once()` returns,
    /// the created thing's id.
    pub result: String,
}

/// HTTP methods the vendor uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum HttpMethod {
    /// POST
    #[serde(rename = "POST")]
    Post,
    /// GET
    #[serde(rename = "GET")]
    Get,
}

impl HttpMethod {
    /// The method as sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Post => "POST",
            Self::Get => "GET",
        }
    }
}

/// The request body of an endpoint.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RequestDef {
    /// Rust type name.
    pub name: String,
    /// The body's fields, in the order they are sent.
    pub fields: Vec<FieldDef>,
}

/// The response payload of an endpoint.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResponseDef {
    /// What the envelope's `data` holds.
    pub data: DataDef,
}

/// What an envelope's `data` holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum DataDef {
    /// `{"object": "Name"}`: the named object (a paginated endpoint's page).
    Object(String),
    /// `"none"`: nothing; `data` is `null` or absent (`NoData` in Rust).
    None,
    /// `"json"`: a value the docs leave unknown, kept as JSON.
    Json,
}

/// Which fields drive paging.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PaginationDef {
    /// Request field with the 1-based page number (an integer).
    pub page_number: String,
    /// Request field with the page size (an integer).
    pub page_size: String,
    /// Response field with the number of matching items (an integer).
    pub total: String,
    /// Response field with the page's items (an array of objects).
    pub list: String,
    /// Item field identifying an item across pages.
    pub item_id: String,
    /// Name of the client's item-stream method (e.g. `records`), besides the generic
    /// `items()`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items_method: Option<String>,
}

/// A rule across request fields.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum ConstraintDef {
    /// When both are set, `first <= second`.
    NotAfter {
        /// The lower bound field.
        first: String,
        /// The upper bound field.
        second: String,
    },
    /// At least one of the fields is set (a string counts when not empty).
    AtLeastOneOf {
        /// Wire names of two or more request fields.
        fields: Vec<String>,
    },
    /// When both are set, `field` is only allowed if `enumField` is in `group`.
    #[serde(rename_all = "camelCase")]
    OnlyWithGroup {
        /// The dependent field.
        field: String,
        /// The enum-typed field it depends on.
        enum_field: String,
        /// A group of that enum.
        group: String,
    },
}

/// A field of an object, a request or the envelope.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FieldDef {
    /// Name on the wire.
    pub wire: String,
    /// Rust field name, when the snake_case of `wire` will not do (a keyword, say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The field's type.
    #[serde(rename = "type")]
    pub ty: FieldType,
    /// Request: must be given. Response: a missing or null value fails decoding.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// The vendor's description, word for word.
    pub description: String,
    /// What we add to the vendor's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// The vendor's example value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<serde_json::Value>,
    /// Unit of a number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Unit>,
    /// Personal data (phone numbers): masked in `Debug`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub personal_data: bool,
    /// Smallest allowed value of an integer request field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<i64>,
    /// Largest allowed value of an integer request field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<i64>,
    /// Smallest allowed length of a string request field, in characters, blanks trimmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
    /// Largest allowed length of a string request field, in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// Fewest items of an array request field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u32>,
    /// Most items of an array request field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u32>,
    /// Where the fact comes from: a tag of the vendor fact sheet (`W-EN-append`) or a
    /// page name. Shown in the rustdoc.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// True when no source states the field outright (seen only in a backend export or
    /// implied by another page); the rustdoc says so.
    #[serde(default, skip_serializing_if = "is_false")]
    pub inferred: bool,
    /// Value a required integer request field starts with, so it is not a constructor
    /// argument.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<i64>,
    /// The `nxlink` flag of a request field, without `--`, when the kebab-case of the
    /// wire name will not do (a flag older than the generated ones, e.g. `start` for
    /// `startTs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cli: Option<String>,
}

/// Flags `nxlink` gives every command or the API commands, which no request field's
/// flag may take: a field whose kebab-case name is one of them gets `field-` before it.
pub const RESERVED_FLAGS: &[&str] = &[
    "access-key",
    "algorithm",
    "all",
    "base-url",
    "body",
    "concurrency",
    "demo",
    "format",
    "help",
    "limit",
    "output",
    "profile",
    "quiet",
    "region",
    "retries",
    "secret-file",
    "secret-stdin",
    "since",
    "verbose",
    "version",
];

impl FieldDef {
    /// The `nxlink` flag of this request field, without `--`: its `cli` name, or the
    /// kebab-case of its wire name (`userTaskId` is `user-task-id`), with `field-` before
    /// a name the CLI keeps for itself.
    pub fn flag(&self) -> String {
        if let Some(name) = &self.cli {
            return name.clone();
        }
        let kebab = heck::ToKebabCase::to_kebab_case(self.wire.as_str());
        if RESERVED_FLAGS.contains(&kebab.as_str()) {
            format!("field-{kebab}")
        } else {
            kebab
        }
    }
}

/// A field's type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum FieldType {
    /// UTF-8 text.
    String,
    /// 32-bit signed integer.
    Int32,
    /// 64-bit signed integer.
    Int64,
    /// 64-bit float.
    Float64,
    /// `true`/`false` (also accepts 0/1 on decode).
    Bool,
    /// A code of the named enum.
    Enum(String),
    /// The named object.
    Object(String),
    /// A list.
    Array(Box<FieldType>),
}

/// Units of numeric fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Unit {
    /// Seconds since the Unix epoch.
    UnixSeconds,
    /// Milliseconds since the Unix epoch.
    UnixMilliseconds,
    /// A duration in seconds.
    Seconds,
    /// A duration in milliseconds.
    Milliseconds,
}

impl Unit {
    /// The sentence the generated docs add.
    pub fn doc(self) -> &'static str {
        match self {
            Self::UnixSeconds => "Unit: seconds since the Unix epoch.",
            Self::UnixMilliseconds => "Unit: milliseconds since the Unix epoch.",
            Self::Seconds => "Unit: seconds.",
            Self::Milliseconds => "Unit: milliseconds.",
        }
    }
}

fn is_false(value: &bool) -> bool {
    !*value
}

fn is_true(value: &bool) -> bool {
    *value
}

fn yes() -> bool {
    true
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// A loaded, validated spec: every name resolves, nothing is duplicated. It is the
/// generator's IR: endpoints, objects and callbacks in their resolved form
/// ([`resolve`](super::resolve)), so emitters read it and never look a name up.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The service file.
    pub service: ServiceFile,
    /// Enums by Rust name.
    pub enums: BTreeMap<String, EnumFile>,
    /// Objects by Rust name, with their shapes.
    pub objects: BTreeMap<String, super::resolve::Object>,
    /// Endpoints by operation name, their references resolved.
    pub endpoints: BTreeMap<String, super::resolve::Endpoint>,
    /// The callbacks, in the service file's order, their payload fields resolved.
    pub callbacks: Vec<super::resolve::Callback>,
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn field(json: serde_json::Value) -> FieldDef {
        serde_json::from_value(json).unwrap()
    }

    /// Bug: a vendor field named like one of the CLI's own flags (`format`) would make
    /// clap refuse the whole command line at start-up.
    #[test]
    fn a_flag_is_the_cli_name_or_the_kebab_case_of_the_wire_name_clear_of_the_cli_own() {
        let cases = [
            (serde_json::json!({"wire": "userTaskId", "type": "string", "description": "d"}), "user-task-id"),
            (serde_json::json!({"wire": "startTs", "cli": "start", "type": "int64", "description": "d"}), "start"),
            (serde_json::json!({"wire": "format", "type": "string", "description": "d"}), "field-format"),
            (serde_json::json!({"wire": "all", "type": "bool", "description": "d"}), "field-all"),
            (
                serde_json::json!({"wire": "minCallsAnsweredRate", "type": "float64", "description": "d"}),
                "min-calls-answered-rate",
            ),
        ];
        for (json, flag) in cases {
            assert_eq!(field(json.clone()).flag(), flag, "{json}");
        }
        for reserved in RESERVED_FLAGS {
            let wire = heck::ToLowerCamelCase::to_lower_camel_case(*reserved);
            let flag = field(serde_json::json!({"wire": wire, "type": "string", "description": "d"})).flag();
            assert_eq!(flag, format!("field-{reserved}"));
        }
    }
}
