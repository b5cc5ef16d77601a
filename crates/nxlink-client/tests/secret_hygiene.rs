//! `Debug` and `Display` of every public type that holds credentials, signatures or
//! errors never show the secret or a computed signature; personal data prints masked.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test fails by panicking

use nxlink_auth::{
    AccessSecret, Algorithm, Credentials, CredentialsError, FixedClock, KeyStore, Signer, Verifier, VerifyError,
};
use nxlink_client::{BuildError, Client, Error};
use nxlink_mock::{MockServer, DEMO_TASK_ID};
use nxlink_models::{Attribute, CallRecord, QueryCallRecordsRequest};

const KEY: &str = "AK-hygiene";
const SECRET: &str = "s3cr3t-hygiene-7c1d";
const PHONE: &str = "85238531065";

#[track_caller]
fn assert_clean(what: &str, text: &str, signatures: &[String]) {
    assert!(!text.contains(SECRET), "{what} shows the secret: {text}");
    for signature in signatures {
        assert!(!text.contains(signature.as_str()), "{what} shows a signature: {text}");
    }
    assert!(!text.contains(PHONE), "{what} shows a phone number: {text}");
}

#[tokio::test]
async fn no_public_type_prints_a_secret_a_signature_or_a_phone_number() {
    let credentials = Credentials::new(KEY, SECRET);
    let body = format!(r#"{{"taskId":"t","phone":"{PHONE}","pageNumber":1,"pageSize":10}}"#);
    let mut signatures = Vec::new();
    let mut shown: Vec<(&str, String)> = Vec::new();
    for algorithm in [Algorithm::Md5, Algorithm::Sha256] {
        let signer = Signer::new(credentials.clone()).with_algorithm(algorithm);
        let signed = signer.sign("100", "nxai", 1_700_000_000_000, body.as_bytes());
        signatures.push(signed.sign().as_str().to_owned());
        shown.push(("SignedHeaders", format!("{signed:?}")));
        shown.push(("Signature", format!("{:?}", signed.sign())));
        shown.push(("Signer", format!("{signer:?}")));
        shown.push(("explain", signer.explain("100", "nxai", 1_700_000_000_000, b"{}")));
    }
    shown.push(("Credentials", format!("{credentials:?}")));
    shown.push(("AccessSecret", format!("{:?} {}", AccessSecret::new(SECRET), AccessSecret::new(SECRET))));
    shown.push(("Credentials as JSON", serde_json::to_string(&credentials).unwrap()));

    // Verification failures, each code.
    let clock = FixedClock::new(1_700_000_000_000);
    let verifier = Verifier::new(KeyStore::new().with(credentials.clone())).with_clock(clock);
    let signer = Signer::new(credentials.clone());
    let signed = signer.sign("100", "nxai", 1_700_000_000_000, body.as_bytes());
    let headers: Vec<(String, String)> = signed.iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
    let mut errors: Vec<VerifyError> = Vec::new();
    errors.push(verifier.verify_headers(&headers, b"tampered").unwrap_err());
    let without_sign: Vec<_> = headers.iter().filter(|(k, _)| k != "sign").cloned().collect();
    errors.push(verifier.verify_headers(&without_sign, body.as_bytes()).unwrap_err());
    let late = Verifier::new(KeyStore::new().with(credentials.clone())).with_clock(FixedClock::new(1_800_000_000_000));
    errors.push(late.verify_headers(&headers, body.as_bytes()).unwrap_err());
    let unknown = Verifier::new(KeyStore::new()).with_clock(FixedClock::new(1_700_000_000_000));
    errors.push(unknown.verify_headers(&headers, body.as_bytes()).unwrap_err());
    assert_eq!(errors.iter().map(VerifyError::code).collect::<Vec<_>>(), [1003, 1001, 1004, 1005]);
    for error in &errors {
        shown.push(("VerifyError", format!("{error} {error:?}")));
    }
    shown.push(("Verifier", format!("{verifier:?}")));
    let missing = Credentials::from_env_with(|name| (name == "NXLINK_ACCESS_KEY").then(|| KEY.to_owned())).unwrap_err();
    shown.push(("CredentialsError", format!("{missing} {missing:?}")));
    let _: &CredentialsError = &missing;

    // The client, its builder errors, and a live error from the server.
    let server = MockServer::builder().records(20).key(KEY, "another-secret").start().await.unwrap();
    let client = Client::builder().base_url(server.base_url()).credentials(credentials.clone()).build().unwrap();
    shown.push(("Client", format!("{client:?}")));
    let build: BuildError =
        Client::builder().base_url("http://example.com").credentials(credentials.clone()).build().unwrap_err();
    shown.push(("BuildError", format!("{build} {build:?}")));
    let api: Error = client.query_call_records(DEMO_TASK_ID).phone(PHONE).send().await.unwrap_err();
    assert_eq!(api.api_code().map(|c| c.code()), Some(1003));
    shown.push(("Error::Api", format!("{api} {api:?}")));
    signatures.extend(server.requests().iter().filter_map(|r| r.header("sign").map(str::to_owned)));
    let request = QueryCallRecordsRequest::new(DEMO_TASK_ID).phone(PHONE);
    let validation: Error = client.query_call_records(DEMO_TASK_ID).phone(PHONE).page_size(0).send().await.unwrap_err();
    shown.push(("Error::Validation", format!("{validation} {validation:?}")));
    shown.push(("QueryCallRecordsRequest", format!("{request:?}")));

    // Personal data in records.
    let mut record = CallRecord::default();
    record.callee_phone = Some(PHONE.to_owned());
    record.caller_phone = Some(PHONE.to_owned());
    record.real_phone = Some(PHONE.to_owned());
    let mut attribute = Attribute::default();
    attribute.value = Some(PHONE.to_owned());
    record.attributes.push(attribute);
    shown.push(("CallRecord", format!("{record:?} {record:#?}")));

    for (what, text) in &shown {
        assert_clean(what, text, &signatures);
    }
    // Masked, not dropped: the tail still tells records apart in a log.
    assert!(shown.iter().any(|(what, text)| *what == "CallRecord" && text.contains("********065")));
    // Serialization keeps the number: masking is for display only.
    assert!(serde_json::to_string(&record).unwrap().contains(PHONE));
}
