//! Response decoding on arbitrary bytes: `nxlink_models::decode` of the envelope of a
//! call-record page (and of a bare page) must never panic, whatever the server sends.
//!
//! Beyond "no panic", a body that decodes must survive what a caller does next: print
//! it with `Debug` (phone masking walks chars), serialize it, and decode the serialized
//! form back to an equal value (unknown codes serialize back to their number, coerced
//! strings and numbers are already normalized).
#![no_main]

use libfuzzer_sys::fuzz_target;
use nxlink_models::{decode, CallRecordPage, Envelope};

fuzz_target!(|data: &[u8]| {
    match decode::<Envelope<CallRecordPage>>(data) {
        Ok(envelope) => {
            let _ = format!("{envelope:?}");
            let _ = envelope.is_success();
            let json = serde_json::to_vec(&envelope).expect("a decoded envelope serializes");
            let again = decode::<Envelope<CallRecordPage>>(&json)
                .unwrap_or_else(|err| panic!("re-decoding our own output failed: {err}"));
            assert_eq!(again, envelope, "decode -> serialize -> decode changed the value");
        }
        Err(err) => {
            // The error's accessors and Display are what the client logs.
            let _ = (err.path(), err.message(), err.line(), err.column(), err.is_eof(), err.to_string());
        }
    }
    if let Ok(page) = decode::<CallRecordPage>(data) {
        let _ = format!("{page:?}");
    }
});
