//! What the mock simulates, checked against whatever the spec says today: every
//! honoured field is a request field of the spec, a set field that is not honoured is
//! refused by name, and every endpoint of the spec is simulated or says it is not.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test fails by panicking

mod common;

use common::{server, Call};
use nxlink_mock::{MockServer, SimulatedEndpoint, DEMO_TASK_ID, SEEDED_AGENTS, SEEDED_ROUTES, SIMULATED};
use serde_json::{json, Value};

/// A field no spec will have: every simulation must refuse it.
const PROBE: &str = "nxlinkMockProbe";

/// The contact [`accepted_body`]'s Delete Contact deletes; appended first.
const CONTACT_ID: &str = "c-simulations";

/// A request the simulation of `name` accepts (answers with code 0), once
/// [`CONTACT_ID`] is in the demo task.
fn accepted_body(name: &str) -> Option<Value> {
    let contact = json!({ "contactId": CONTACT_ID, "name": "Sim", "phoneNumber": "85290000001" });
    Some(match name {
        "QueryCallRecords" => json!({ "taskId": DEMO_TASK_ID, "pageNumber": 1, "pageSize": 10 }),
        "ListAgents" | "ListRoutes" | "ListTasks" => json!({ "pageNumber": 1, "pageSize": 10 }),
        "CreateTask" => json!({ "taskName": "Simulations", "autoFlowId": SEEDED_AGENTS[0].0,
                                "routeId": SEEDED_ROUTES[0].0, "taskKeep": 0, "startupType": 1 }),
        "AppendContacts" => json!({ "taskId": DEMO_TASK_ID, "list": [contact] }),
        "DeleteContact" => json!({ "taskId": DEMO_TASK_ID, "contactId": CONTACT_ID }),
        _ => return None,
    })
}

/// Sends `body` to `simulated`'s endpoint: the envelope's code and message.
async fn send(server: &MockServer, simulated: &SimulatedEndpoint, body: &Value) -> (i64, String) {
    Call::json(body).with(|call| call.path = simulated.endpoint.path).code(server.base_url()).await
}

/// `body` with `field` set to `value`.
fn with(body: &Value, field: &str, value: Value) -> Value {
    let mut body = body.clone();
    body[field] = value;
    body
}

#[test]
fn every_honoured_field_is_a_request_field_of_the_spec() {
    for simulated in SIMULATED {
        let stale: Vec<&str> =
            simulated.honoured.iter().copied().filter(|field| !simulated.request_fields.contains(field)).collect();
        assert!(stale.is_empty(), "{} honours fields the spec does not have: {stale:?}", simulated.endpoint.name);
    }
}

#[test]
fn every_simulation_is_of_an_endpoint_of_the_spec_and_honours_its_paging() {
    for simulated in SIMULATED {
        let name = simulated.endpoint.name;
        assert!(nxlink_models::ENDPOINTS.contains(&simulated.endpoint), "{name} is not in the spec's endpoints");
        assert_eq!(SIMULATED.iter().filter(|other| other.endpoint.name == name).count(), 1, "{name} twice");
        if let Some(paging) = simulated.endpoint.pagination {
            for field in [paging.page_number, paging.page_size] {
                assert!(simulated.honoured.contains(&field), "{name} pages but does not honour {field}");
            }
        }
    }
}

#[tokio::test]
async fn a_set_field_a_simulation_does_not_honour_is_refused_by_name() {
    let server = server().await;
    server.handle().pause_dialer(true);
    if let (Some(append), Some(body)) = (SimulatedEndpoint::find("AppendContacts"), accepted_body("AppendContacts")) {
        assert_eq!(send(&server, append, &body).await.0, 0);
    }
    for simulated in SIMULATED {
        let name = simulated.endpoint.name;
        let Some(accepted) = accepted_body(name) else {
            panic!("add to `accepted_body` a request that {name} accepts");
        };
        // Unknown to the spec: refused whatever its value.
        let (code, message) = send(&server, simulated, &with(&accepted, PROBE, json!(7))).await;
        assert_eq!(code, 20000, "{name}: {message}");
        assert!(message.starts_with(&format!("{name}: ")), "names the endpoint: {message}");
        assert!(message.contains(&format!("`{PROBE}` is not simulated by nxlink-mock")), "{message}");
        assert!(message.contains(&simulated.honoured.join(", ")), "lists what is honoured: {message}");
        // Known to the spec but not honoured: refused once its value decodes and
        // validates, whatever its type.
        for field in simulated.request_fields.iter().filter(|field| !simulated.honoured.contains(field)) {
            let mut answers = Vec::new();
            for value in [json!(1), json!("1"), json!(true), json!([]), json!({})] {
                answers.push(send(&server, simulated, &with(&accepted, field, value)).await);
            }
            let refused = format!("`{field}` is not simulated by nxlink-mock");
            assert!(
                answers.iter().any(|(code, message)| *code == 20000 && message.contains(&refused)),
                "{name} does not refuse {field} by name: {answers:?}"
            );
            assert!(answers.iter().all(|(code, _)| *code != 0), "{name} answered with {field} set: {answers:?}");
        }
        // Without them, the same request is answered.
        let (code, message) = send(&server, simulated, &accepted).await;
        assert_eq!(code, 0, "{name}: {message}");
    }
}

#[tokio::test]
async fn every_endpoint_of_the_spec_is_simulated_or_says_it_is_not() {
    let server = server().await;
    for endpoint in nxlink_models::ENDPOINTS {
        let call = Call::json(&json!({})).with(|call| call.path = endpoint.path);
        let (code, message) = call.code(server.base_url()).await;
        assert_eq!(code, 20000, "{}: {message}", endpoint.name);
        match SimulatedEndpoint::find(endpoint.name) {
            Some(simulated) => {
                assert_eq!(simulated.endpoint, *endpoint);
                assert!(!message.contains("not simulated"), "{}: {message}", endpoint.name);
            }
            None => {
                assert_eq!(message, format!("`{}` ({}) is not simulated by nxlink-mock", endpoint.path, endpoint.name))
            }
        }
    }
}
