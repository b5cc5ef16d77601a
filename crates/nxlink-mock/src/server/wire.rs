//! How answers go on the wire: the `Date` header, and the faults (an error page, a
//! dropped connection, a body cut in half).

use std::time::{Duration, UNIX_EPOCH};

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use http::{header, HeaderValue, StatusCode};
use nxlink_auth::Clock;

use super::envelope::Answer;
use super::state::Shared;

impl Shared {
    /// A response with the `Date` header of the server clock.
    pub(super) fn respond(&self, status: StatusCode, content_type: Option<&'static str>, body: Body) -> Response {
        let mut response = Response::new(body);
        *response.status_mut() = status;
        let headers = response.headers_mut();
        let millis = u64::try_from(self.clock.now_millis()).unwrap_or(0);
        let date = httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_millis(millis));
        if let Ok(date) = HeaderValue::from_str(&date) {
            headers.insert(header::DATE, date);
        }
        if let Some(content_type) = content_type {
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        }
        response
    }

    /// A gateway-style error page, or with `envelope` the status as an API envelope.
    pub(super) fn status_fault(&self, status: StatusCode, envelope: bool) -> Response {
        let reason = status.canonical_reason().unwrap_or("Error");
        let mut response = if envelope {
            let body = serde_json::json!({
                "code": status.as_u16(),
                "message": reason.to_lowercase(),
                "traceId": self.trace_id(),
            });
            self.respond(status, Some(nxlink_models::CONTENT_TYPE), Body::from(body.to_string()))
        } else {
            let page = format!(
                "<html><head><title>{code} {reason}</title></head><body><center><h1>{code} {reason}</h1></center></body></html>\n",
                code = status.as_u16()
            );
            self.respond(status, Some("text/html"), Body::from(page))
        };
        if matches!(status, StatusCode::SERVICE_UNAVAILABLE | StatusCode::TOO_MANY_REQUESTS) {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }

    /// A response whose body fails before its first byte: hyper then closes the
    /// connection without writing anything, so the client sees the connection drop.
    pub(super) fn dropped_connection(&self) -> Response {
        let failing = futures_util::stream::once(async {
            Err::<Bytes, _>(std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "dropped by nxlink-mock"))
        });
        self.respond(StatusCode::OK, Some(nxlink_models::CONTENT_TYPE), Body::from_stream(failing))
    }

    /// The answer's headers with the full `Content-Length`, half its body, then a
    /// closed connection.
    pub(super) fn truncated(&self, answer: Answer) -> Response {
        use futures_util::StreamExt as _;
        let full = Bytes::from(answer.body);
        let length = full.len();
        let head = full.slice(..length / 2);
        let body = futures_util::stream::once(async move { Ok::<_, std::io::Error>(head) }).chain(
            futures_util::stream::once(async {
                // Let hyper flush the first half before the connection goes.
                tokio::time::sleep(Duration::from_millis(20)).await;
                Err(std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "truncated by nxlink-mock"))
            }),
        );
        let mut response = self.respond(answer.status, Some(nxlink_models::CONTENT_TYPE), Body::from_stream(body));
        response.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(length));
        response
    }
}
