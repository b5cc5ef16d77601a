//! Time sources, so that tests and clock-skew handling control what "now" is.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// A source of the current time in Unix milliseconds, the unit of the `ts` header.
pub trait Clock: Send + Sync {
    /// Milliseconds since the Unix epoch (negative before it).
    fn now_millis(&self) -> i64;
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now_millis(&self) -> i64 {
        (**self).now_millis()
    }
}

impl<C: Clock + ?Sized> Clock for Arc<C> {
    fn now_millis(&self) -> i64 {
        (**self).now_millis()
    }
}

impl<C: Clock + ?Sized> Clock for Box<C> {
    fn now_millis(&self) -> i64 {
        (**self).now_millis()
    }
}

/// The operating system's wall clock.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_millis(&self) -> i64 {
        millis_since_epoch(SystemTime::now())
    }
}

/// Milliseconds from the Unix epoch to `time`, negative before it. A wall clock set
/// before 1970 is odd but must not panic; out of range saturates.
fn millis_since_epoch(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_millis()).map_or(i64::MIN, |ms| -ms),
    }
}

/// A clock that stands still until told otherwise; for tests.
///
/// It is set through `&self`, so one `Arc<FixedClock>` can be shared with a
/// [`Verifier`](crate::Verifier) and moved by the test.
#[derive(Debug, Default)]
pub struct FixedClock {
    millis: AtomicI64,
}

impl FixedClock {
    /// A clock reading `millis`.
    pub const fn new(millis: i64) -> Self {
        Self { millis: AtomicI64::new(millis) }
    }

    /// Sets the time to `millis`.
    pub fn set_millis(&self, millis: i64) {
        self.millis.store(millis, Ordering::Relaxed);
    }

    /// Moves the time by `delta_millis` (negative goes back), saturating at the `i64`
    /// bounds.
    pub fn advance_millis(&self, delta_millis: i64) {
        // fetch_update never fails here: the closure always returns Some.
        let _ = self
            .millis
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |now| Some(now.saturating_add(delta_millis)));
    }
}

impl Clock for FixedClock {
    fn now_millis(&self) -> i64 {
        self.millis.load(Ordering::Relaxed)
    }
}

/// Another clock shifted by an offset that can change while the clock is in use.
///
/// A client that receives error 1004 can learn how far the server's clock is from its
/// own and correct every later request with
/// [`set_offset_millis`](Self::set_offset_millis), from any thread, without a lock.
#[derive(Debug, Default)]
pub struct OffsetClock<C = SystemClock> {
    inner: C,
    offset_millis: AtomicI64,
}

impl<C: Clock> OffsetClock<C> {
    /// `inner` shifted by `offset_millis` (positive means ahead of `inner`).
    pub const fn new(inner: C, offset_millis: i64) -> Self {
        Self { inner, offset_millis: AtomicI64::new(offset_millis) }
    }

    /// The current offset in milliseconds.
    pub fn offset_millis(&self) -> i64 {
        // Relaxed: the offset is a single value that publishes no other data.
        self.offset_millis.load(Ordering::Relaxed)
    }

    /// Replaces the offset; later readings of this clock use it.
    pub fn set_offset_millis(&self, offset_millis: i64) {
        self.offset_millis.store(offset_millis, Ordering::Relaxed);
    }

    /// The clock being shifted.
    pub fn inner(&self) -> &C {
        &self.inner
    }
}

impl<C: Clock> Clock for OffsetClock<C> {
    fn now_millis(&self) -> i64 {
        self.inner.now_millis().saturating_add(self.offset_millis())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;

    #[test]
    fn system_clock_is_after_2020() {
        assert!(SystemClock.now_millis() > 1_577_836_800_000);
    }

    #[test]
    fn the_system_clock_counts_from_the_epoch_either_way() {
        use std::time::Duration;
        assert_eq!(millis_since_epoch(UNIX_EPOCH + Duration::from_millis(1_700_000_000_123)), 1_700_000_000_123);
        assert_eq!(millis_since_epoch(UNIX_EPOCH - Duration::from_millis(5_000)), -5_000);
        assert_eq!(millis_since_epoch(UNIX_EPOCH), 0);
        let now = SystemClock.now_millis();
        assert!(now > 1_700_000_000_000, "a clock after 2023: {now}");
    }

    #[test]
    fn fixed_clock_moves_only_when_told() {
        let clock = FixedClock::new(1_000);
        assert_eq!(clock.now_millis(), 1_000);
        clock.advance_millis(-250);
        assert_eq!(clock.now_millis(), 750);
        clock.set_millis(5);
        assert_eq!(clock.now_millis(), 5);
        clock.advance_millis(i64::MAX);
        assert_eq!(clock.now_millis(), i64::MAX);
    }

    #[test]
    fn offset_clock_adds_its_offset_and_saturates() {
        let base = Arc::new(FixedClock::new(10_000));
        let clock = OffsetClock::new(Arc::clone(&base), -3_000);
        assert_eq!(clock.now_millis(), 7_000);
        clock.set_offset_millis(61_000);
        assert_eq!(clock.offset_millis(), 61_000);
        assert_eq!(clock.now_millis(), 71_000);
        base.set_millis(i64::MAX);
        assert_eq!(clock.now_millis(), i64::MAX);
    }

    #[test]
    fn offset_clock_is_shared_across_threads() {
        let clock = Arc::new(OffsetClock::new(FixedClock::new(0), 0));
        let handles: Vec<_> = (1..=4)
            .map(|i| {
                let clock = Arc::clone(&clock);
                std::thread::spawn(move || {
                    for _ in 0..1_000 {
                        clock.set_offset_millis(i);
                        let now = clock.now_millis();
                        assert!((1..=4).contains(&now), "{now}");
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.join().unwrap();
        }
        assert!((1..=4).contains(&clock.offset_millis()));
    }

    #[test]
    fn clocks_work_as_trait_objects() {
        let clock: Box<dyn Clock> = Box::new(FixedClock::new(42));
        assert_eq!(clock.now_millis(), 42);
        assert_eq!(Arc::new(clock).now_millis(), 42);
    }
}
