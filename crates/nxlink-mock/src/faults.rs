//! Injected faults: error statuses, dropped connections, truncated bodies, latency.

use std::time::Duration;

use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Which faults the server injects, and how often.
///
/// Each rate is the probability, `0.0..=1.0`, that a request gets that fault. For every
/// request the server draws one number from a [`ChaCha8Rng`] seeded with
/// [`seed`](Self::seed) and picks the fault whose slice of `[0, 1)` it falls in (the
/// slices are laid end to end in field order; once they add up to 1 the rest never
/// fire). So the same seed and the same order of requests give the same faults, and
/// the sequence restarts whenever the faults are set again.
///
/// Status faults (500, 502, 503, 429) and dropped connections hit before
/// authentication, like a gateway in front of the real service would: nothing was
/// applied. A truncated body spoils, and a connection dropped after applying loses, an
/// answer that was otherwise computed normally (a task created, contacts added, live
/// inserts made): the faults that make a create or an append ambiguous.
///
/// ```
/// use nxlink_mock::Faults;
/// let faults = Faults { service_unavailable: 0.2, drop_connection: 0.05, ..Faults::none() }.with_seed(7);
/// assert_eq!(faults.seed, 7);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Faults {
    /// Seed of the fault sequence.
    pub seed: u64,
    /// Rate of HTTP 500 answers (an HTML error page, or an envelope with
    /// [`envelope_bodies`](Self::envelope_bodies)).
    pub internal_error: f64,
    /// Rate of HTTP 502 answers.
    pub bad_gateway: f64,
    /// Rate of HTTP 503 answers, with `Retry-After: 1`.
    pub service_unavailable: f64,
    /// Rate of HTTP 429 answers, with `Retry-After: 1`.
    pub too_many_requests: f64,
    /// Rate of connections closed without any answer.
    pub drop_connection: f64,
    /// Rate of answers whose body stops half-way: `Content-Length` announces the whole
    /// body, half of it is sent, then the connection is closed.
    pub truncate_body: f64,
    /// Rate of requests applied, then answered by closing the connection.
    pub drop_after_applying: f64,
    /// Added to every request before it is answered (or dropped).
    pub latency: Duration,
    /// Status faults answer with an API envelope carrying the status as its code
    /// (`{"code":429,"message":"too many requests","traceId":...}`), as an API gateway
    /// of the service itself might, instead of an HTML error page.
    pub envelope_bodies: bool,
}

impl Default for Faults {
    fn default() -> Self {
        Self::none()
    }
}

impl Faults {
    /// No faults, no latency.
    pub const fn none() -> Self {
        Self {
            seed: 0,
            internal_error: 0.0,
            bad_gateway: 0.0,
            service_unavailable: 0.0,
            too_many_requests: 0.0,
            drop_connection: 0.0,
            truncate_body: 0.0,
            drop_after_applying: 0.0,
            latency: Duration::ZERO,
            envelope_bodies: false,
        }
    }

    /// The same faults with another seed.
    #[must_use]
    pub const fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Every request gets `fault`; handy in tests.
    pub fn always(fault: Fault) -> Self {
        let mut faults = Self::none();
        *faults.rate_mut(fault) = 1.0;
        faults
    }

    fn rate_mut(&mut self, fault: Fault) -> &mut f64 {
        match fault {
            Fault::InternalError => &mut self.internal_error,
            Fault::BadGateway => &mut self.bad_gateway,
            Fault::ServiceUnavailable => &mut self.service_unavailable,
            Fault::TooManyRequests => &mut self.too_many_requests,
            Fault::DropConnection => &mut self.drop_connection,
            Fault::TruncateBody => &mut self.truncate_body,
            Fault::DropAfterApplying => &mut self.drop_after_applying,
        }
    }

    /// The rates in draw order; NaN and out-of-range values are clamped into `0..=1`.
    fn slices(&self) -> [(Fault, f64); 7] {
        let clamp = |rate: f64| if rate.is_nan() { 0.0 } else { rate.clamp(0.0, 1.0) };
        [
            (Fault::InternalError, clamp(self.internal_error)),
            (Fault::BadGateway, clamp(self.bad_gateway)),
            (Fault::ServiceUnavailable, clamp(self.service_unavailable)),
            (Fault::TooManyRequests, clamp(self.too_many_requests)),
            (Fault::DropConnection, clamp(self.drop_connection)),
            (Fault::TruncateBody, clamp(self.truncate_body)),
            (Fault::DropAfterApplying, clamp(self.drop_after_applying)),
        ]
    }
}

/// A fault the server applied to a request, as recorded in
/// [`RecordedRequest::outcome`](crate::RecordedRequest::outcome).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    /// HTTP 500.
    InternalError,
    /// HTTP 502.
    BadGateway,
    /// HTTP 503 with `Retry-After: 1`.
    ServiceUnavailable,
    /// HTTP 429 with `Retry-After: 1`.
    TooManyRequests,
    /// The connection was closed without an answer.
    DropConnection,
    /// The body was cut off half-way.
    TruncateBody,
    /// The request was applied, then the connection closed without an answer.
    DropAfterApplying,
}

impl Fault {
    /// The HTTP status of a status fault.
    pub fn status(self) -> Option<u16> {
        match self {
            Self::InternalError => Some(500),
            Self::BadGateway => Some(502),
            Self::ServiceUnavailable => Some(503),
            Self::TooManyRequests => Some(429),
            Self::DropConnection | Self::TruncateBody | Self::DropAfterApplying => None,
        }
    }
}

/// The seeded fault sequence.
pub(crate) struct FaultDice {
    faults: Faults,
    rng: ChaCha8Rng,
}

impl FaultDice {
    pub(crate) fn new(faults: Faults) -> Self {
        let rng = ChaCha8Rng::seed_from_u64(faults.seed);
        Self { faults, rng }
    }

    pub(crate) fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Draws the fault of the next request (exactly one draw per request, so the
    /// sequence depends only on the seed and the request order).
    pub(crate) fn roll(&mut self) -> Option<Fault> {
        // 53 random bits -> a uniform f64 in [0, 1).
        let roll = (self.rng.next_u64() >> 11) as f64 / (1_u64 << 53) as f64;
        let mut floor = 0.0;
        for (fault, rate) in self.faults.slices() {
            if roll < floor + rate {
                return Some(fault);
            }
            floor += rate;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence_and_rates_roughly_hold() {
        let faults = Faults { bad_gateway: 0.25, drop_connection: 0.25, ..Faults::none() }.with_seed(9);
        let mut first = FaultDice::new(faults.clone());
        let mut second = FaultDice::new(faults);
        let a: Vec<_> = (0..1000).map(|_| first.roll()).collect();
        let b: Vec<_> = (0..1000).map(|_| second.roll()).collect();
        assert_eq!(a, b);
        let gateway = a.iter().filter(|fault| **fault == Some(Fault::BadGateway)).count();
        assert!((180..320).contains(&gateway), "{gateway}");
        assert!(!a.contains(&Some(Fault::InternalError)));
    }

    #[test]
    fn out_of_range_rates_are_clamped() {
        let mut dice = FaultDice::new(Faults { internal_error: f64::NAN, bad_gateway: 7.0, ..Faults::none() });
        assert!((0..100).all(|_| dice.roll() == Some(Fault::BadGateway)));
    }
}

/// How the mock delivers callbacks. The vendor's retry schedule is not documented, so a
/// receiver must cope with what a retrying, busy sender does: the same event twice, late,
/// and a later event before an earlier one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Delivery {
    /// Every callback is sent twice.
    pub redeliver: bool,
    /// Callbacks wait this long before they are sent.
    pub delay: Duration,
    /// The callbacks of one dialer step (a call record, the task's status change) are
    /// sent last first; by default they go one after another in the order they happened.
    pub out_of_order: bool,
}

impl Delivery {
    /// Each callback once, at once, in order.
    pub const fn in_order() -> Self {
        Self { redeliver: false, delay: Duration::ZERO, out_of_order: false }
    }

    /// The same, every callback sent twice.
    #[must_use]
    pub const fn redelivered(mut self) -> Self {
        self.redeliver = true;
        self
    }

    /// The same, callbacks sent `delay` late.
    #[must_use]
    pub const fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// The same, each dialer step's callbacks sent last first.
    #[must_use]
    pub const fn reordered(mut self) -> Self {
        self.out_of_order = true;
        self
    }
}
