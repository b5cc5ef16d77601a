//! Inputs shared by the benchmarks: realistic response bodies from `nxlink-mock`.

use nxlink_auth::{Clock, Credentials, Signer, SystemClock};
use nxlink_mock::{MockServer, DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET, DEMO_TASK_ID};

/// The raw body of one `pageSize`-record page as the mock sends it, quirks on or off.
pub fn page_body(page_size: usize, quirks: bool) -> Vec<u8> {
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap_or_else(|err| panic!("{err}"));
    runtime.block_on(async {
        let server = MockServer::builder()
            .seed(42)
            .records(page_size * 4)
            .quirks(quirks)
            .start()
            .await
            .unwrap_or_else(|err| panic!("{err}"));
        let body = format!(r#"{{"taskId":"{DEMO_TASK_ID}","pageNumber":1,"pageSize":{page_size}}}"#);
        let signer = Signer::new(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET));
        let signed = signer.sign("100", "nxai", SystemClock.now_millis(), body.as_bytes());
        let mut request = reqwest::Client::new()
            .post(format!("{}/openapi/aiagent/call/list", server.base_url()))
            .header("Content-Type", "application/json");
        for (name, value) in &signed {
            request = request.header(name, value);
        }
        let response = request.body(body).send().await.unwrap_or_else(|err| panic!("{err}"));
        response.bytes().await.unwrap_or_else(|err| panic!("{err}")).to_vec()
    })
}
