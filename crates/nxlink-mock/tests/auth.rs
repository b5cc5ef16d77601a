//! Authentication exactly as documented: 1001-1005, md5 and sha256, envelopes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashSet;

use common::{query, server, Call};
use nxlink_auth::Algorithm;
use nxlink_mock::{MockServer, Outcome, DEMO_TASK_ID};
use serde_json::Value;

fn demo_call() -> Call {
    Call::json(&query(DEMO_TASK_ID, Value::Null))
}

#[tokio::test]
async fn signed_md5_and_sha256_requests_are_accepted() {
    let server = server().await;
    for algorithm in [Algorithm::Md5, Algorithm::Sha256] {
        let call = demo_call().with(|c| c.algorithm = algorithm);
        assert_eq!(call.code(server.base_url()).await.0, 0, "{algorithm:?}");
    }
    let sha = server.requests().pop().unwrap();
    assert_eq!(sha.header("algorithm"), Some("sha256"));
}

#[tokio::test]
async fn each_missing_common_header_is_1001() {
    let server = server().await;
    for header in ["accessKey", "ts", "bizType", "action", "sign"] {
        let (code, message) = demo_call().with(|c| c.without.push(header)).code(server.base_url()).await;
        assert_eq!(code, 1001, "{header}");
        assert!(message.contains(header), "{message}");
    }
}

#[tokio::test]
async fn wrong_biz_type_or_action_is_1002() {
    let server = server().await;
    // Signed consistently with the wrong values: the parameter check still refuses them.
    let (code, message) = demo_call().with(|c| c.biz_type = "1".into()).code(server.base_url()).await;
    assert_eq!(code, 1002);
    assert!(message.contains("bizType"), "{message}");
    let (code, message) = demo_call().with(|c| c.action = "send".into()).code(server.base_url()).await;
    assert_eq!(code, 1002);
    assert!(message.contains("action"), "{message}");
}

#[tokio::test]
async fn wrong_md5_signature_is_1003() {
    let server = server().await;
    let forged = demo_call().with(|c| c.overrides.push(("sign", "0".repeat(32))));
    assert_eq!(forged.code(server.base_url()).await.0, 1003);
    let wrong_secret = demo_call().with(|c| c.secret = "not-the-secret".into());
    assert_eq!(wrong_secret.code(server.base_url()).await.0, 1003);
}

#[tokio::test]
async fn wrong_sha256_signature_is_1003() {
    let server = server().await;
    // An md5 signature announced as sha256 ...
    let mislabelled = demo_call().with(|c| c.overrides.push(("algorithm", "sha256".into())));
    assert_eq!(mislabelled.code(server.base_url()).await.0, 1003);
    // ... and a sha256 signature over other bytes.
    let forged = demo_call().with(|c| {
        c.algorithm = Algorithm::Sha256;
        c.overrides.push(("sign", "ab".repeat(32)));
    });
    assert_eq!(forged.code(server.base_url()).await.0, 1003);
}

#[tokio::test]
async fn tampered_body_is_1003() {
    let server = server().await;
    let call = demo_call();
    let signed_for = call.body.clone();
    let tampered = call.with(|c| {
        c.body = serde_json::to_vec(&query(DEMO_TASK_ID, serde_json::json!({ "pageSize": 11 }))).unwrap();
    });
    assert_ne!(signed_for, tampered.body);
    // `Call` signs what it sends, so forge by signing one body and sending another.
    let signer = nxlink_auth::Signer::new(nxlink_auth::Credentials::new(
        nxlink_mock::DEMO_ACCESS_KEY,
        nxlink_mock::DEMO_ACCESS_SECRET,
    ));
    let signed = signer.sign("100", "nxai", tampered.ts_millis, &signed_for);
    let sign = signed.get("sign").unwrap().to_owned();
    let sent = tampered.with(|c| c.overrides.push(("sign", sign)));
    assert_eq!(sent.code(server.base_url()).await.0, 1003);
}

#[tokio::test]
async fn non_json_content_type_is_1003() {
    let server = server().await;
    for content_type in [Some("text/plain"), Some("application/x-www-form-urlencoded"), None] {
        let call = demo_call().with(|c| c.content_type = content_type.map(str::to_owned));
        let (code, message) = call.code(server.base_url()).await;
        assert_eq!(code, 1003, "{content_type:?}");
        assert!(message.contains("Content-Type"), "{message}");
    }
    let charset = demo_call().with(|c| c.content_type = Some("application/json; charset=utf-8".into()));
    assert_eq!(charset.code(server.base_url()).await.0, 0);
}

#[tokio::test]
async fn ts_more_than_60_s_from_the_server_clock_is_1004() {
    let server = server().await;
    for skew in [-61_000, 61_000, -3_600_000] {
        let call = demo_call().with(|c| c.ts_millis += skew);
        assert_eq!(call.code(server.base_url()).await.0, 1004, "skew {skew}");
    }
    for skew in [-50_000, 50_000] {
        let call = demo_call().with(|c| c.ts_millis += skew);
        assert_eq!(call.code(server.base_url()).await.0, 0, "skew {skew}");
    }
}

#[tokio::test]
async fn unknown_access_key_is_1005() {
    let server = server().await;
    let call = demo_call().with(|c| c.access_key = "AK-nobody".into());
    assert_eq!(call.code(server.base_url()).await.0, 1005);
}

#[tokio::test]
async fn several_key_pairs_and_no_demo_key() {
    let server = MockServer::builder()
        .dataset(common::shared_dataset())
        .key("AK-one", "secret-one")
        .key("AK-two", "secret-two")
        .demo_key(false)
        .start()
        .await
        .unwrap();
    for (key, secret) in [("AK-one", "secret-one"), ("AK-two", "secret-two")] {
        let call = demo_call().with(|c| {
            c.access_key = key.into();
            c.secret = secret.into();
        });
        assert_eq!(call.code(server.base_url()).await.0, 0, "{key}");
    }
    let crossed = demo_call().with(|c| {
        c.access_key = "AK-one".into();
        c.secret = "secret-two".into();
    });
    assert_eq!(crossed.code(server.base_url()).await.0, 1003);
    assert_eq!(demo_call().code(server.base_url()).await.0, 1005);
}

#[tokio::test]
async fn errors_are_json_envelopes_with_http_200_and_unique_trace_ids() {
    let server = server().await;
    let calls = [
        demo_call(),
        demo_call().with(|c| c.without.push("sign")),
        demo_call().with(|c| c.access_key = "AK-x".into()),
        demo_call().with(|c| c.ts_millis = 0),
        demo_call(),
    ];
    let mut trace_ids = HashSet::new();
    for call in &calls {
        let response = call.send(server.base_url()).await.unwrap();
        assert_eq!(response.status(), 200);
        assert!(response.headers().contains_key("date"));
        assert_eq!(response.headers()["content-type"], "application/json");
        let json: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
        let object = json.as_object().unwrap();
        assert!(object.contains_key("code") && object.contains_key("message") && object.contains_key("data"));
        if json["code"] != 0 {
            assert_eq!(json["data"], Value::Null);
        }
        assert!(trace_ids.insert(json["traceId"].as_str().unwrap().to_owned()), "{json}");
    }
    let outcomes: Vec<_> = server.requests().iter().map(|r| r.outcome).collect();
    let codes = [0, 1001, 1005, 1004, 0].map(|code| Outcome::Answered { code });
    assert_eq!(outcomes, codes);
}

#[tokio::test]
async fn unknown_path_and_method_are_envelopes_too() {
    let server = server().await;
    let client = common::client();
    let response = client.post(format!("{}/openapi/nope", server.base_url())).send().await.unwrap();
    assert_eq!(response.status(), 404);
    assert!(response.headers().contains_key("date"));
    let json: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(json["code"], 20000);
    let response = client.get(format!("{}{}", server.base_url(), nxlink_mock::CALL_LIST_PATH)).send().await.unwrap();
    assert_eq!(response.status(), 405);
    let json: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(json["code"], 20000);
}
