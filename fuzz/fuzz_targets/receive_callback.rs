//! The callback receiver on arbitrary headers and bodies.
//!
//! 1. Arbitrary `(name, value)` headers and body through `Receiver::receive`, refusing
//!    and allowing unsigned callbacks: never panics; a refusal is 400, 401 or 403 and
//!    its reason never holds the secret.
//! 2. The body signed with the customer's pair: never refused for its signature; it is
//!    received exactly when `Callback::decode` accepts it, and a second delivery is a
//!    duplicate; one flipped bit of the body is refused with 401.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use nxlink_auth::{Credentials, FixedClock, KeyStore, Signer};
use nxlink_client::receiver::{Received, Receiver, UnsignedPolicy};
use nxlink_client::Callback;

const NOW: i64 = 1_800_000_000_000;
const SECRET: &str = "customer-secret";

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    headers: Vec<(&'a str, &'a str)>,
    body: &'a [u8],
    flip: usize,
}

fn receiver() -> Receiver<KeyStore> {
    Receiver::new(KeyStore::new().with(Credentials::new("AK-cust", SECRET))).clock(FixedClock::new(NOW))
}

fuzz_target!(|input: Input<'_>| {
    // 1. Whatever arrives.
    let headers: Vec<(String, String)> =
        input.headers.iter().map(|(name, value)| ((*name).to_owned(), (*value).to_owned())).collect();
    for policy in [UnsignedPolicy::Reject, UnsignedPolicy::Allow] {
        if let Err(rejection) = receiver().unsigned(policy).receive(&headers[..], input.body) {
            assert!(matches!(rejection.status, 400 | 401 | 403), "{rejection}");
            assert!(!rejection.to_string().contains(SECRET));
        }
    }

    // 2. Signed by the customer's pair.
    let receiver = receiver();
    let signed: Vec<(String, String)> = Signer::new(Credentials::new("AK-cust", SECRET))
        .sign("100", "nxai", NOW, input.body)
        .iter()
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect();
    match (receiver.receive(&signed[..], input.body), Callback::decode(input.body)) {
        (Ok(Received::New(got)), Ok(want)) => {
            assert_eq!(got.dedupe_key(), want.dedupe_key());
            assert!(matches!(receiver.receive(&signed[..], input.body), Ok(Received::Duplicate(_))));
        }
        (Err(rejection), Err(_)) => assert_eq!(rejection.status, 400, "{rejection}"),
        (got, want) => panic!("receive {got:?} but decode {:?}", want.map(|c| c.dedupe_key())),
    }
    if !input.body.is_empty() {
        let mut changed = input.body.to_vec();
        let at = input.flip % (changed.len() * 8);
        changed[at / 8] ^= 1 << (at % 8);
        let rejection = receiver.receive(&signed[..], &changed).unwrap_err();
        assert_eq!(rejection.status, 401, "{rejection}");
    }
});
