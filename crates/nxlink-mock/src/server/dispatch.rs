//! Routing: a request finds its endpoint by path and method, is authenticated, then
//! goes to the endpoint's simulation.

use http::{header, Method, StatusCode};
use nxlink_models::runtime::Endpoint;
use nxlink_models::ErrorCode;

use super::envelope::Answer;
use super::simulate::SimulatedEndpoint;
use super::state::Shared;

impl Shared {
    /// The envelope answer: route, authenticate, then the endpoint's simulation.
    pub(super) fn answer(&self, method: &Method, path: &str, headers: &http::HeaderMap, body: &[u8]) -> Answer {
        let Some(endpoint) = nxlink_models::ENDPOINTS.iter().find(|endpoint| endpoint.path == path) else {
            return self.error(StatusCode::NOT_FOUND, ErrorCode::BusinessError, &format!("no endpoint at `{path}`"));
        };
        if method.as_str() != endpoint.method {
            return self.error(
                StatusCode::METHOD_NOT_ALLOWED,
                ErrorCode::BusinessError,
                &format!("`{}` expects {}", endpoint.path, endpoint.method),
            );
        }
        let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
        let caller = match self.verifier.verify(header, body) {
            Ok(verified) => verified.access_key().to_owned(),
            Err(err) => return self.error(StatusCode::OK, ErrorCode::from(err.code()), &err.to_string()),
        };
        if !is_json(header(header::CONTENT_TYPE.as_str())) {
            return self.error(
                StatusCode::OK,
                ErrorCode::InvalidSignature,
                "invalid signature: header `Content-Type` must be `application/json`",
            );
        }
        match SimulatedEndpoint::find(endpoint.name) {
            Some(simulated) => simulated.serve(self, &caller, body),
            // An endpoint added to the spec answers, typed, rather than 404.
            None => self.refuse(&not_simulated(endpoint)),
        }
    }
}

/// The answer of an endpoint of the spec that the mock does not simulate.
fn not_simulated(endpoint: &Endpoint) -> String {
    format!("`{}` ({}) is not simulated by nxlink-mock", endpoint.path, endpoint.name)
}

/// `application/json`, any case, with or without parameters such as `charset`.
fn is_json(content_type: Option<&str>) -> bool {
    content_type
        .and_then(|value| value.split(';').next())
        .is_some_and(|media_type| media_type.trim().eq_ignore_ascii_case(nxlink_models::CONTENT_TYPE))
}

#[cfg(test)]
mod tests {
    use super::*;
    use nxlink_models::runtime::Operation as _;

    #[test]
    fn json_content_types() {
        assert!(is_json(Some("application/json")));
        assert!(is_json(Some("Application/JSON; charset=utf-8")));
        assert!(!is_json(Some("text/plain")));
        assert!(!is_json(Some("application/jsonx")));
        assert!(!is_json(None));
    }

    #[test]
    fn an_endpoint_without_a_simulation_says_so_by_path_and_name() {
        let endpoint = Endpoint {
            name: "FutureThing",
            path: "/openapi/aiagent/future",
            ..nxlink_models::QueryCallRecords::ENDPOINT
        };
        assert!(SimulatedEndpoint::find(endpoint.name).is_none());
        assert_eq!(not_simulated(&endpoint), "`/openapi/aiagent/future` (FutureThing) is not simulated by nxlink-mock");
    }
}
