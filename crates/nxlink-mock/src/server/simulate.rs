//! What a simulated endpoint is: the [`Simulation`] trait, the table of endpoints the
//! mock simulates, and the one generic path a request takes through a simulation.

use nxlink_models::runtime::{Endpoint, Operation};
use nxlink_models::{
    AppendContacts, CreateTask, DeleteContact, ErrorCode, ListAgents, ListRoutes, ListTasks, QueryCallRecords,
};
use serde::Serialize;

use super::envelope::{success_body, Answer};
use super::state::Shared;

/// A refusal: the code and the message of the error envelope.
pub(crate) type Refusal = (ErrorCode, String);

/// A business error (20000) saying `message`.
pub(crate) fn business(message: impl Into<String>) -> Refusal {
    (ErrorCode::BusinessError, message.into())
}

/// An endpoint the mock simulates, implemented on the endpoint's [`Operation`] type in
/// its own module of `server/endpoints/`.
///
/// A request reaches [`simulate`](Self::simulate) only when it decodes, passes the
/// operation's `validate()` and sets no field outside [`HONOURED`](Self::HONOURED): a
/// field the simulation would ignore is refused by name, never answered as if it were
/// not there.
pub(super) trait Simulation: Operation {
    /// Wire names of the request fields the simulation honours: what it filters,
    /// pages, checks or keeps by. Every name is a request field of the spec
    /// (`tests/simulations.rs` checks).
    const HONOURED: &'static [&'static str];

    /// Wire names of the spec's request fields: the generated request's `FIELDS`.
    const REQUEST_FIELDS: &'static [&'static str];

    /// The endpoint's work on an accepted request, by the key pair `caller`.
    fn simulate(mock: &Shared, caller: &str, request: &Self::Request) -> Result<Self::Data, Refusal>;

    /// The success answer's body; the documented envelope unless the simulation writes
    /// its own.
    fn encode(mock: &Shared, data: Self::Data, trace_id: &str) -> serde_json::Result<Vec<u8>> {
        let _ = mock;
        success_body(data, trace_id)
    }
}

/// Answers a request body sent to the simulated endpoint, by the key pair `caller`.
type Serve = fn(&Shared, &str, &[u8]) -> Answer;

/// An endpoint the mock simulates, and the request fields its simulation honours.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct SimulatedEndpoint {
    /// The endpoint, from the generated metadata.
    pub endpoint: Endpoint,
    /// Wire names of the request fields the simulation honours. A request that sets
    /// any other field (one the spec knows or an unknown one) is refused with 20000
    /// naming it.
    pub honoured: &'static [&'static str],
    /// Wire names of the spec's request fields for the endpoint.
    pub request_fields: &'static [&'static str],
    serve: Serve,
}

impl std::fmt::Debug for SimulatedEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimulatedEndpoint")
            .field("endpoint", &self.endpoint.name)
            .field("honoured", &self.honoured)
            .finish_non_exhaustive()
    }
}

impl SimulatedEndpoint {
    /// The simulation of the endpoint named `name` (an operation name of
    /// [`nxlink_models::ENDPOINTS`]), if the mock has one.
    pub fn find(name: &str) -> Option<&'static Self> {
        SIMULATED.iter().find(|simulated| simulated.endpoint.name == name)
    }

    /// The first field `request` sets that this simulation does not honour. A field
    /// is set when the request's JSON holds it with a value other than `null` (unset
    /// fields and empty strings are left out of a request's JSON); unknown fields count.
    pub fn unsupported(&self, request: &impl Serialize) -> Option<String> {
        unsupported(request, self.honoured)
    }

    /// Answers `body`, sent by the key pair `caller`.
    pub(super) fn serve(&self, mock: &Shared, caller: &str, body: &[u8]) -> Answer {
        (self.serve)(mock, caller, body)
    }
}

const fn simulated<S: Simulation>() -> SimulatedEndpoint {
    SimulatedEndpoint {
        endpoint: S::ENDPOINT,
        honoured: S::HONOURED,
        request_fields: S::REQUEST_FIELDS,
        serve: serve::<S>,
    }
}

/// Every endpoint the mock simulates. A request is routed by path and method through
/// [`nxlink_models::ENDPOINTS`], then to the entry of the same name here; an endpoint of
/// the spec that is not here is answered 20000 "not simulated by nxlink-mock".
pub const SIMULATED: &[SimulatedEndpoint] = &[
    simulated::<QueryCallRecords>(),
    simulated::<ListAgents>(),
    simulated::<ListRoutes>(),
    simulated::<CreateTask>(),
    simulated::<ListTasks>(),
    simulated::<AppendContacts>(),
    simulated::<DeleteContact>(),
];

/// Decodes and validates `S`'s request, refuses a set field it does not honour, then
/// answers with what the simulation makes of it.
fn serve<S: Simulation>(mock: &Shared, caller: &str, body: &[u8]) -> Answer {
    let request: S::Request = match nxlink_models::decode(body) {
        Ok(request) => request,
        Err(err) => return mock.refuse(&format!("invalid request body at `{}`: {}", err.path(), err.message())),
    };
    if let Err(err) = S::validate(&request) {
        return mock.refuse(&err.to_string());
    }
    if let Some(field) = unsupported(&request, S::HONOURED) {
        return mock.refuse(&not_honoured(&S::ENDPOINT, &field, S::HONOURED));
    }
    match S::simulate(mock, caller, &request) {
        Ok(data) => mock.success(|trace_id| S::encode(mock, data, trace_id)),
        Err((code, message)) => mock.error(http::StatusCode::OK, code, &message),
    }
}

/// The fields `request` sets: what its JSON holds other than `null`, unknown ones
/// included. Unset fields and empty strings are left out of a request's JSON.
pub(crate) fn set_fields(request: &impl Serialize) -> Vec<String> {
    match serde_json::to_value(request) {
        Ok(serde_json::Value::Object(fields)) => {
            fields.into_iter().filter(|(_, value)| !value.is_null()).map(|(name, _)| name).collect()
        }
        _ => Vec::new(),
    }
}

/// The first field `request` sets that is not in `honoured`.
fn unsupported(request: &impl Serialize, honoured: &[&str]) -> Option<String> {
    set_fields(request).into_iter().find(|field| !honoured.contains(&field.as_str()))
}

/// The refusal of a set field the simulation does not honour. The request fields of a
/// paginated endpoint (paging aside, always honoured there) are its filters, and are
/// called so.
fn not_honoured(endpoint: &Endpoint, field: &str, honoured: &[&str]) -> String {
    let kind = if endpoint.pagination.is_some() { "filter" } else { "field" };
    format!("{}: {kind} `{field}` is not simulated by nxlink-mock; it honours {}", endpoint.name, honoured.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_names_the_field_the_endpoint_and_what_is_honoured() {
        let message = not_honoured(&QueryCallRecords::ENDPOINT, "newFilter", &["taskId", "pageSize"]);
        assert_eq!(
            message,
            "QueryCallRecords: filter `newFilter` is not simulated by nxlink-mock; it honours taskId, pageSize"
        );
        let message = not_honoured(&CreateTask::ENDPOINT, "x", &["taskName"]);
        assert!(message.starts_with("CreateTask: field `x` is not simulated"), "{message}");
    }

    #[test]
    fn null_and_unset_fields_are_not_set() {
        let request = nxlink_models::QueryCallRecordsRequest::new("t").extra_field("gone", serde_json::Value::Null);
        let mut set = set_fields(&request);
        set.sort_unstable();
        assert_eq!(set, ["pageNumber", "pageSize", "taskId"]);
        assert_eq!(unsupported(&request, &["taskId", "pageNumber", "pageSize"]), None);
        let request = request.extra_field("newFilter", 7);
        assert_eq!(unsupported(&request, &["taskId", "pageNumber", "pageSize"]).as_deref(), Some("newFilter"));
    }
}
