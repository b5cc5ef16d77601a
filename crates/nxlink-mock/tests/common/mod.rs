//! Hand-built signed requests against the mock: reqwest + nxlink-auth, no client crate.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, OnceLock};

use nxlink_auth::{Algorithm, Clock, Credentials, Signer, SystemClock};
use nxlink_mock::{Dataset, MockServer, CALL_LIST_PATH, DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET};
use nxlink_models::{CallRecordPage, Envelope};
use serde_json::Value;

/// One dataset shared by the tests of a binary, so each server starts at once.
pub fn shared_dataset() -> Arc<Dataset> {
    static DATASET: OnceLock<Arc<Dataset>> = OnceLock::new();
    DATASET.get_or_init(|| Arc::new(Dataset::generate(42, 5_000))).clone()
}

pub async fn server() -> MockServer {
    MockServer::builder().dataset(shared_dataset()).start().await.unwrap()
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// A request to the call-list endpoint, signed with the demo key and the system clock
/// unless told otherwise.
#[derive(Clone)]
pub struct Call {
    /// The endpoint's path; Query Call Records unless set.
    pub path: &'static str,
    pub body: Vec<u8>,
    pub access_key: String,
    pub secret: String,
    pub algorithm: Algorithm,
    pub ts_millis: i64,
    pub biz_type: String,
    pub action: String,
    pub content_type: Option<String>,
    /// Headers to leave out after signing.
    pub without: Vec<&'static str>,
    /// Headers to set after signing (replacing the signed ones).
    pub overrides: Vec<(&'static str, String)>,
}

impl Call {
    pub fn new(body: impl Into<Vec<u8>>) -> Self {
        Self {
            path: CALL_LIST_PATH,
            body: body.into(),
            access_key: DEMO_ACCESS_KEY.to_owned(),
            secret: DEMO_ACCESS_SECRET.to_owned(),
            algorithm: Algorithm::Md5,
            ts_millis: SystemClock.now_millis(),
            biz_type: "100".to_owned(),
            action: "nxai".to_owned(),
            content_type: Some("application/json".to_owned()),
            without: Vec::new(),
            overrides: Vec::new(),
        }
    }

    pub fn json(body: &Value) -> Self {
        Self::new(serde_json::to_vec(body).unwrap())
    }

    pub fn with(mut self, edit: impl FnOnce(&mut Self)) -> Self {
        edit(&mut self);
        self
    }

    pub async fn send(&self, base_url: &str) -> reqwest::Result<reqwest::Response> {
        self.send_with(&client(), base_url).await
    }

    pub async fn send_with(&self, client: &reqwest::Client, base_url: &str) -> reqwest::Result<reqwest::Response> {
        let signer =
            Signer::new(Credentials::new(self.access_key.clone(), self.secret.clone())).with_algorithm(self.algorithm);
        let signed = signer.sign(&self.biz_type, &self.action, self.ts_millis, &self.body);
        let mut request = client.post(format!("{base_url}{}", self.path));
        for (name, value) in &signed {
            let replaced = self.overrides.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
            if !self.without.iter().any(|n| n.eq_ignore_ascii_case(name)) && !replaced {
                request = request.header(name, value);
            }
        }
        for (name, value) in &self.overrides {
            request = request.header(*name, value);
        }
        if let Some(content_type) = &self.content_type {
            request = request.header("Content-Type", content_type);
        }
        request.body(self.body.clone()).send().await
    }

    /// Sends and decodes the envelope, asserting HTTP 200.
    pub async fn envelope(&self, base_url: &str) -> Envelope<CallRecordPage> {
        let response = self.send(base_url).await.unwrap();
        assert_eq!(response.status(), 200);
        let bytes = response.bytes().await.unwrap();
        nxlink_models::decode(&bytes).unwrap()
    }

    /// Sends and returns the envelope's code and message.
    pub async fn code(&self, base_url: &str) -> (i64, String) {
        let envelope = self.envelope(base_url).await;
        (envelope.code.code(), envelope.message.unwrap_or_default())
    }
}

/// A query body for `task_id` with extra fields merged in.
pub fn query(task_id: &str, extra: Value) -> Value {
    let mut body = serde_json::json!({ "taskId": task_id, "pageNumber": 1, "pageSize": 10 });
    if let (Some(body), Value::Object(extra)) = (body.as_object_mut(), extra) {
        body.extend(extra);
    }
    body
}

/// The page of a successful query.
pub async fn page(base_url: &str, body: &Value) -> CallRecordPage {
    let envelope = Call::json(body).envelope(base_url).await;
    assert_eq!(envelope.code.code(), 0, "{:?}", envelope.message);
    envelope.data.unwrap()
}

/// `record` as a client decodes it from the wire (`""` becomes `None`, as the lenient
/// decoder does), for comparing dataset records with received ones.
pub fn as_received(record: &nxlink_models::CallRecord) -> nxlink_models::CallRecord {
    nxlink_models::decode(&serde_json::to_vec(record).unwrap()).unwrap()
}
