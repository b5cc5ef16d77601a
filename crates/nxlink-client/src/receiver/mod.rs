//! Receiving the callbacks NXLink POSTs: verify, decode, recognise redeliveries.
//!
//! Framework-free: [`Receiver::receive`] takes the headers (anything
//! [`HeaderLookup`]: pairs, maps) and the body's exact
//! bytes and answers [`Received`] or a [`Rejection`] with the HTTP status to send. Any
//! server (axum, hyper, actix, a lambda) wraps it in a few lines. With the feature
//! `axum`, `axum_router` is that wrapper and `serve` runs it behind the limits a server
//! that faces the internet needs (`ServerLimits`); `nxlink callbacks listen` is the
//! two together.
//!
//! What the vendor documents and what is inferred (fact sheet §3):
//! - callbacks may carry the request headers (`accessKey`, `ts`, `bizType`, `action`,
//!   `sign`): signing is the customer's choice. That `sign` is the request signature
//!   over the callback body with the customer's own key pair is **inferred**;
//! - the expected reply is **not documented**: [`REPLY`] (HTTP 200 with the usual
//!   envelope) is what a service of this family most likely accepts;
//! - the retry schedule is not documented: a receiver must expect redeliveries, which
//!   [`Received::Duplicate`] names.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};

use nxlink_auth::{headers, Clock, HeaderLookup, SecretStore, SystemClock, Verifier, VerifyError};
use nxlink_models::Callback;

#[cfg(feature = "axum")]
mod server;
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub use server::{axum_router, serve, ServerLimits};

/// The body to answer a received callback with, with HTTP 200. **Inferred**: the
/// vendor documents no reply; this is the envelope every answer of the API uses.
pub const REPLY: &str = r#"{"code":0,"message":"success"}"#;

/// How far a callback's `ts` may be from the receiver's clock by default: 10 minutes,
/// wider than the API's 60 s because a callback may be delivered late or retried.
pub const DEFAULT_CALLBACK_SKEW_MILLIS: i64 = 10 * 60 * 1000;

/// Events remembered for recognising redeliveries, by default.
pub const DEFAULT_DEDUPE_WINDOW: usize = 100_000;

/// What to do with a callback that carries no signature at all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum UnsignedPolicy {
    /// Refuse it (401): the default, since anyone can POST to a public URL.
    #[default]
    Reject,
    /// Accept it: for a customer who chose not to sign callbacks.
    Allow,
}

/// A callback that was accepted.
#[derive(Debug, Clone, PartialEq)]
pub enum Received {
    /// The first delivery of this event.
    New(Callback),
    /// An event received before (same call, or same task and status): answer it as
    /// received, act on it once.
    Duplicate(Callback),
}

/// Why a callback was refused: the HTTP status to answer with and a reason that names
/// what was wrong, never a secret or a signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// 400 (not a callback), 401 (missing or wrong signature, stale `ts`), 403
    /// (unknown access key).
    pub status: u16,
    /// What was wrong.
    pub reason: String,
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, self.reason)
    }
}

impl std::error::Error for Rejection {}

/// Verifies, decodes and deduplicates callbacks; shareable across threads.
pub struct Receiver<S> {
    verifier: Verifier<S, Arc<dyn Clock>>,
    unsigned: UnsignedPolicy,
    seen: Mutex<Recent>,
}

impl<S: SecretStore> Receiver<S> {
    /// A receiver that verifies with `secrets` (the customer's key pairs), against the
    /// system clock, with [`DEFAULT_CALLBACK_SKEW_MILLIS`], refusing unsigned callbacks.
    pub fn new(secrets: S) -> Self {
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        Self {
            verifier: Verifier::new(secrets).with_clock(clock).with_max_skew_millis(DEFAULT_CALLBACK_SKEW_MILLIS),
            unsigned: UnsignedPolicy::default(),
            seen: Mutex::new(Recent::new(DEFAULT_DEDUPE_WINDOW)),
        }
    }

    /// The same receiver with another policy for unsigned callbacks.
    #[must_use]
    pub fn unsigned(mut self, policy: UnsignedPolicy) -> Self {
        self.unsigned = policy;
        self
    }

    /// The same receiver reading time from `clock`.
    #[must_use]
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        let clock: Arc<dyn Clock> = Arc::new(clock);
        self.verifier = self.verifier.with_clock(clock);
        self
    }

    /// The same receiver accepting a `ts` up to `millis` from its clock.
    #[must_use]
    pub fn max_skew_millis(mut self, millis: i64) -> Self {
        self.verifier = self.verifier.with_max_skew_millis(millis);
        self
    }

    /// The same receiver remembering `events` events for recognising redeliveries.
    #[must_use]
    pub fn dedupe_window(self, events: usize) -> Self {
        Self { seen: Mutex::new(Recent::new(events)), ..self }
    }

    /// Verifies and decodes one callback: `headers` as received (names in any case),
    /// `body` the exact bytes received.
    pub fn receive<H: HeaderLookup + ?Sized>(&self, headers: &H, body: &[u8]) -> Result<Received, Rejection> {
        let signed = [headers::ACCESS_KEY, headers::TS, headers::SIGN]
            .iter()
            .any(|name| headers.header(name).is_some_and(|value| !value.is_empty()));
        if signed || self.unsigned == UnsignedPolicy::Reject {
            self.verifier.verify_headers(headers, body).map_err(|err| Rejection {
                status: if matches!(err, VerifyError::UnknownAccessKey) { 403 } else { 401 },
                reason: if signed { err.to_string() } else { format!("unsigned callback refused: {err}") },
            })?;
        }
        let callback = Callback::decode(body).map_err(|err| Rejection { status: 400, reason: err.to_string() })?;
        let fresh = self.seen.lock().unwrap_or_else(PoisonError::into_inner).insert(callback.dedupe_key());
        Ok(if fresh { Received::New(callback) } else { Received::Duplicate(callback) })
    }
}

/// The last keys seen, in bounded memory.
struct Recent {
    order: VecDeque<String>,
    set: HashSet<String>,
    capacity: usize,
}

impl Recent {
    fn new(capacity: usize) -> Self {
        Self { order: VecDeque::new(), set: HashSet::new(), capacity: capacity.max(1) }
    }

    /// True when `key` was not among the recent ones.
    fn insert(&mut self, key: String) -> bool {
        if self.set.contains(&key) {
            return false;
        }
        self.set.insert(key.clone());
        self.order.push_back(key);
        if self.order.len() > self.capacity {
            if let Some(old) = self.order.pop_front() {
                self.set.remove(&old);
            }
        }
        true
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use nxlink_auth::{Credentials, FixedClock, KeyStore, Signer};
    use proptest::prelude::*;

    use super::*;

    const NOW: i64 = 1_800_000_000_000;
    const SECRET: &str = "customer-secret";

    fn receiver() -> Receiver<KeyStore> {
        Receiver::new(KeyStore::new().with(Credentials::new("AK-cust", SECRET))).clock(FixedClock::new(NOW))
    }

    fn call_body(call_id: &str) -> Vec<u8> {
        format!(r#"{{"taskId":"t1","callId":"{call_id}","callResult":17,"calleePhone":"85238531065","futureField":1}}"#)
            .into_bytes()
    }

    fn signed(body: &[u8], secret: &str, ts: i64) -> Vec<(String, String)> {
        let signer = Signer::new(Credentials::new("AK-cust", secret));
        signer.sign("100", "nxai", ts, body).iter().map(|(n, v)| (n.to_owned(), v.to_owned())).collect()
    }

    fn lookup(pairs: &[(String, String)]) -> &[(String, String)] {
        pairs
    }

    #[test]
    fn a_signed_callback_is_verified_decoded_and_kept_whole() {
        let body = call_body("c-1");
        let Received::New(Callback::CallRecord(call)) =
            receiver().receive(lookup(&signed(&body, SECRET, NOW)), &body).unwrap()
        else {
            panic!("a call callback")
        };
        assert_eq!(call.call_id.as_deref(), Some("c-1"));
        assert_eq!(call.extra["futureField"], 1, "unknown fields kept");
        let task = br#"{"taskId":"t1","taskName":"March","taskStatus":3}"#;
        let got = receiver().receive(lookup(&signed(task, SECRET, NOW)), task).unwrap();
        assert!(
            matches!(got, Received::New(Callback::TaskStatus(t)) if t.task_status == Some(nxlink_models::TaskStatus::Completed))
        );
    }

    #[test]
    fn a_changed_byte_a_wrong_secret_a_stale_ts_or_a_missing_header_is_refused() {
        let body = call_body("c-1");
        let headers = signed(&body, SECRET, NOW);
        let mut changed = body.clone();
        changed[5] ^= 1;
        type Headers = Vec<(String, String)>;
        let cases: Vec<(Headers, Vec<u8>, u16, &str)> = vec![
            (headers.clone(), changed, 401, "invalid signature"),
            (signed(&body, "wrong-secret", NOW), body.clone(), 401, "invalid signature"),
            (signed(&body, SECRET, NOW - DEFAULT_CALLBACK_SKEW_MILLIS - 1), body.clone(), 401, "timestamp expired"),
            (headers.iter().filter(|(n, _)| n != "sign").cloned().collect(), body.clone(), 401, "`sign`"),
        ];
        for (headers, body, status, says) in cases {
            let err = receiver().receive(lookup(&headers), &body).unwrap_err();
            assert_eq!(err.status, status, "{err}");
            assert!(err.reason.contains(says), "{err}");
            let sign = headers.iter().find(|(n, _)| n == "sign").map(|(_, v)| v.clone()).unwrap_or_default();
            assert!(!err.to_string().contains(SECRET) && (sign.is_empty() || !err.to_string().contains(&sign)));
        }
        let unknown: Vec<(String, String)> = signed(&body, SECRET, NOW)
            .into_iter()
            .map(|(n, v)| if n == "accessKey" { (n, "AK-other".to_owned()) } else { (n, v) })
            .collect();
        assert_eq!(receiver().receive(lookup(&unknown), &body).unwrap_err().status, 403);
        // The documented default window is 10 minutes either way.
        for (late_by, accepted) in [(9 * 60_000, true), (11 * 60_000, false)] {
            let headers = signed(&body, SECRET, NOW - late_by);
            assert_eq!(receiver().receive(lookup(&headers), &body).is_ok(), accepted, "{late_by} ms late");
        }
        let refused = Rejection { status: 401, reason: "timestamp expired".to_owned() };
        assert_eq!(refused.to_string(), "401 timestamp expired");
        // A late delivery within a widened window is accepted.
        let late = signed(&body, SECRET, NOW - 30 * 60 * 1000);
        assert!(receiver().max_skew_millis(3_600_000).receive(lookup(&late), &body).is_ok());
    }

    #[test]
    fn the_dedupe_window_holds_exactly_its_capacity() {
        let mut recent = Recent::new(2);
        assert!(recent.insert("a".to_owned()) && recent.insert("b".to_owned()));
        assert!(!recent.insert("a".to_owned()), "two keys fit a window of two");
        assert!(recent.insert("c".to_owned()), "a third key is new");
        assert!(recent.insert("a".to_owned()), "and pushed the oldest out");
        assert_eq!((recent.order.len(), recent.set.len()), (2, 2));
        assert!(Recent::new(0).insert("x".to_owned()), "a window of at least one");
    }

    /// Every subset of the five headers, each absent, blank or as signed (3^5 = 243),
    /// under both policies: a callback carrying any of `accessKey`, `ts` or `sign` is
    /// signed and must verify in full (401 naming the first header missing, in the
    /// documented order); one carrying none of them is unsigned, refused by default and
    /// accepted with `UnsignedPolicy::Allow`. Some-but-not-all is never unsigned.
    #[test]
    fn every_header_subset_under_both_policies() {
        #[derive(Clone, Copy, Debug, PartialEq)]
        enum Slot {
            Absent,
            Blank,
            Signed,
        }
        const ORDER: [&str; 5] = ["accessKey", "ts", "bizType", "action", "sign"];
        let body = call_body("c-subsets");
        let good = signed(&body, SECRET, NOW);
        let value_of = |name: &str| good.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap();
        let mut combinations = 0;
        for code in 0..3_usize.pow(5) {
            let slots: Vec<Slot> =
                (0..5).map(|i| [Slot::Absent, Slot::Blank, Slot::Signed][code / 3_usize.pow(i) % 3]).collect();
            let headers: Vec<(String, String)> = ORDER
                .iter()
                .zip(&slots)
                .filter_map(|(name, slot)| match slot {
                    Slot::Absent => None,
                    Slot::Blank => Some(((*name).to_owned(), String::new())),
                    Slot::Signed => Some(((*name).to_owned(), value_of(name))),
                })
                .collect();
            let carries = |name: &str| slots[ORDER.iter().position(|n| *n == name).unwrap()] == Slot::Signed;
            let signed_at_all = ["accessKey", "ts", "sign"].iter().any(|name| carries(name));
            let first_missing =
                ORDER.iter().zip(&slots).find(|(_, slot)| **slot != Slot::Signed).map(|(name, _)| *name);
            for policy in [UnsignedPolicy::Reject, UnsignedPolicy::Allow] {
                let got = receiver().unsigned(policy).receive(lookup(&headers), &body);
                let case = format!("{slots:?} under {policy:?}");
                match (signed_at_all, first_missing, policy) {
                    (true, None, _) => assert!(matches!(got, Ok(Received::New(_))), "{case}: {got:?}"),
                    (true, Some(missing), _) => {
                        let err = got.expect_err(&case);
                        assert_eq!(err.status, 401, "{case}: {err}");
                        assert!(err.reason.contains(&format!("`{missing}`")), "{case}: names {missing}: {err}");
                        assert!(
                            !err.reason.starts_with("unsigned"),
                            "{case}: a partly signed callback is signed: {err}"
                        );
                    }
                    (false, _, UnsignedPolicy::Allow) => {
                        assert!(matches!(got, Ok(Received::New(_))), "{case}: {got:?}")
                    }
                    (false, _, UnsignedPolicy::Reject) => {
                        let err = got.expect_err(&case);
                        assert_eq!(err.status, 401, "{case}: {err}");
                        assert!(err.reason.starts_with("unsigned callback refused"), "{case}: {err}");
                    }
                }
                combinations += 1;
            }
        }
        assert_eq!(combinations, 486);
    }

    #[test]
    fn unsigned_callbacks_follow_the_policy() {
        let body = call_body("c-2");
        let none: Vec<(String, String)> = Vec::new();
        let err = receiver().receive(lookup(&none), &body).unwrap_err();
        assert_eq!(err.status, 401);
        assert!(err.reason.starts_with("unsigned callback refused"), "{err}");
        assert!(matches!(
            receiver().unsigned(UnsignedPolicy::Allow).receive(lookup(&none), &body),
            Ok(Received::New(_))
        ));
        // A callback that is signed is checked even when unsigned ones are allowed.
        let wrong = signed(&body, "wrong", NOW);
        assert_eq!(receiver().unsigned(UnsignedPolicy::Allow).receive(lookup(&wrong), &body).unwrap_err().status, 401);
    }

    #[test]
    fn redeliveries_are_recognised_in_a_bounded_window() {
        let receiver = receiver().unsigned(UnsignedPolicy::Allow).dedupe_window(2);
        let none: Vec<(String, String)> = Vec::new();
        let got = |id: &str| receiver.receive(lookup(&none), &call_body(id)).unwrap();
        assert!(matches!(got("a"), Received::New(_)));
        assert!(matches!(got("a"), Received::Duplicate(_)));
        assert!(matches!(got("b"), Received::New(_)));
        assert!(matches!(got("c"), Received::New(_)));
        assert!(matches!(got("a"), Received::New(_)), "forgotten past the window");
        // A task's status change is its own event.
        let task = |status: i64| format!(r#"{{"taskId":"t","taskName":"n","taskStatus":{status}}}"#).into_bytes();
        assert!(matches!(receiver.receive(lookup(&none), &task(2)).unwrap(), Received::New(_)));
        assert!(matches!(receiver.receive(lookup(&none), &task(3)).unwrap(), Received::New(_)));
        assert!(matches!(receiver.receive(lookup(&none), &task(3)).unwrap(), Received::Duplicate(_)));
    }

    #[test]
    fn a_body_that_is_no_callback_is_400_naming_what_is_missing() {
        let receiver = receiver().unsigned(UnsignedPolicy::Allow);
        let none: Vec<(String, String)> = Vec::new();
        for body in [&b"[]"[..], b"{}", b"{\"x\":1}", b"not json"] {
            let err = receiver.receive(lookup(&none), body).unwrap_err();
            assert_eq!(err.status, 400, "{err}");
        }
        let err = receiver.receive(lookup(&none), b"{\"x\":1}").unwrap_err();
        assert!(err.reason.contains("callId") && err.reason.contains("taskName"), "{err}");
    }

    /// JSON objects made of callback fields (and an unknown one), with values of any
    /// type: most decode as one callback or the other, some do not.
    fn callback_like() -> impl Strategy<Value = Vec<u8>> {
        let key = prop::sample::select(vec!["taskId", "callId", "taskName", "taskStatus", "callResult", "later"]);
        let value = prop_oneof![
            "[a-z0-9-]{0,12}".prop_map(serde_json::Value::from),
            any::<i32>().prop_map(serde_json::Value::from),
            Just(serde_json::Value::Null),
        ];
        prop::collection::btree_map(key, value, 0..6).prop_map(|fields| serde_json::to_vec(&fields).unwrap_or_default())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_bodies_and_headers_never_panic(body in prop::collection::vec(any::<u8>(), 0..200), sign in ".{0,40}", ts in ".{0,20}") {
            let headers = vec![("accessKey".to_owned(), "AK-cust".to_owned()), ("ts".to_owned(), ts), ("sign".to_owned(), sign),
                ("bizType".to_owned(), "100".to_owned()), ("action".to_owned(), "nxai".to_owned())];
            let _ = receiver().receive(lookup(&headers), &body);
            let none: Vec<(String, String)> = Vec::new();
            let _ = receiver().unsigned(UnsignedPolicy::Allow).receive(lookup(&none), &body);
        }

        #[test]
        fn a_signed_arbitrary_body_is_decoded_once_and_a_changed_byte_refused(
            body in prop_oneof![prop::collection::vec(any::<u8>(), 0..200), callback_like()],
            flip in any::<prop::sample::Index>(),
            bit in 0..8_u8,
        ) {
            let receiver = receiver();
            let headers = signed(&body, SECRET, NOW);
            match (receiver.receive(lookup(&headers), &body), Callback::decode(&body)) {
                (Ok(Received::New(got)), Ok(want)) => {
                    prop_assert_eq!(got.dedupe_key(), want.dedupe_key());
                    let again = receiver.receive(lookup(&headers), &body);
                    prop_assert!(matches!(again, Ok(Received::Duplicate(_))), "{:?}", again);
                }
                (Err(rejection), Err(_)) => prop_assert_eq!(rejection.status, 400, "{}", rejection),
                (got, want) => prop_assert!(false, "receive {:?} but decode {:?}", got, want.map(|c| c.dedupe_key())),
            }
            if !body.is_empty() {
                let mut changed = body.clone();
                changed[flip.index(body.len())] ^= 1 << bit;
                let err = receiver.receive(lookup(&headers), &changed).unwrap_err();
                prop_assert_eq!(err.status, 401, "{}", err);
            }
        }
    }
}
