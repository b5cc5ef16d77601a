//! Every vector of `data/auth-vectors.json` (vendor examples plus independently
//! computed ones): the signature, the string to sign, and a round trip through the
//! verifier.

use std::error::Error;

use md5::{Digest, Md5};
use nxlink_auth::{Algorithm, Credentials, FixedClock, Signer, Verifier};
use serde::Deserialize;
use sha2::Sha256;

type TestResult = Result<(), Box<dyn Error>>;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Vector {
    source: String,
    access_key: String,
    action: String,
    biz_type: String,
    ts: String,
    body: String,
    access_secret: String,
    algorithm: String,
    string_to_sign: String,
    sign: String,
}

impl Vector {
    fn signer(&self) -> Result<Signer, Box<dyn Error>> {
        let algorithm: Algorithm = self.algorithm.parse()?;
        let credentials = Credentials::new(&*self.access_key, &*self.access_secret);
        Ok(Signer::new(credentials).with_algorithm(algorithm))
    }

    fn ts_millis(&self) -> Result<i64, Box<dyn Error>> {
        Ok(self.ts.parse()?)
    }
}

#[derive(Deserialize)]
struct File {
    vectors: Vec<Vector>,
}

fn vectors() -> Result<Vec<Vector>, Box<dyn Error>> {
    let file: File = serde_json::from_str(include_str!("data/auth-vectors.json"))?;
    assert!(file.vectors.len() >= 9, "vectors went missing");
    Ok(file.vectors)
}

#[test]
fn sign_matches_every_vector() -> TestResult {
    for v in vectors()? {
        let signer = v.signer()?;
        let signed = signer.sign(&v.biz_type, &v.action, v.ts_millis()?, v.body.as_bytes());
        assert_eq!(signed.sign().as_str(), v.sign, "{} / {}", v.source, v.body);
        assert_eq!(signed.ts(), v.ts);
    }
    Ok(())
}

#[test]
fn explain_matches_every_string_to_sign_with_the_secret_masked() -> TestResult {
    for v in vectors()? {
        let suffix = format!("&accessSecret={}", v.access_secret);
        let head = v.string_to_sign.strip_suffix(&suffix);
        assert!(head.is_some(), "{}: stringToSign ends with the secret", v.source);
        let masked = format!("{}&accessSecret=***", head.unwrap_or_default());
        let explained = v.signer()?.explain(&v.biz_type, &v.action, v.ts_millis()?, v.body.as_bytes());
        assert_eq!(explained, masked, "{}", v.source);
    }
    Ok(())
}

#[test]
fn every_string_to_sign_hashes_to_its_sign() -> TestResult {
    // Guards the data file itself: the unmasked string, hashed directly, gives the sign.
    for v in vectors()? {
        let digest = match v.algorithm.parse()? {
            Algorithm::Md5 => Md5::digest(v.string_to_sign.as_bytes()).to_vec(),
            Algorithm::Sha256 => Sha256::digest(v.string_to_sign.as_bytes()).to_vec(),
        };
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, v.sign, "{}", v.source);
    }
    Ok(())
}

#[test]
fn every_vector_verifies() -> TestResult {
    for v in vectors()? {
        let signer = v.signer()?;
        let signed = signer.sign(&v.biz_type, &v.action, v.ts_millis()?, v.body.as_bytes());
        let verifier = Verifier::new(signer.credentials().clone())
            .with_clock(FixedClock::new(v.ts_millis()?))
            .with_biz_type(v.biz_type.clone())
            .with_action(v.action.clone());
        let verified = verifier.verify_headers(&signed, v.body.as_bytes())?;
        assert_eq!(verified.access_key(), v.access_key);
        assert_eq!(verified.algorithm(), signer.algorithm());
    }
    Ok(())
}
