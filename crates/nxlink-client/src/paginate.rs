//! Paginated scans: a stream of pages fetched ahead with bounded concurrency, and a
//! stream of items that yields each item once per scan.
//!
//! The vendor lists records newest first, so records created during a scan push older
//! ones towards later pages. Two consequences, both handled here:
//!
//! - a record can show up again at the top of the next page: the item stream skips ids
//!   it yielded recently (a window of `(concurrency + 2) * pageSize` ids, so memory
//!   stays bounded whatever the total);
//! - with pages fetched concurrently (and retried), page N+1 can be served before
//!   page N; if records were inserted between the two, a record can slip past both.
//!   Inserts only grow `total`, so a page whose `total` is below its predecessor's was
//!   served earlier: it is fetched again, after its predecessor.
//!
//! The scan follows `total` as it grows and stops at the last page or an empty one.

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use futures_util::stream::{FuturesOrdered, Stream, StreamExt};
use nxlink_models::runtime::{DriftReport, Finding, PaginatedOperation};

use crate::{Client, Error, Response};

/// Refetches of one page before the scan accepts a shrinking total as real (records
/// deleted during the scan) rather than a page served out of order.
const MAX_REFETCHES: u32 = 3;

type PageFuture<Op> = Pin<
    Box<dyn Future<Output = (i64, Result<Response<<Op as nxlink_models::runtime::Operation>::Data>, Error>)> + Send>,
>;

/// What a scan saw, readable while it runs and after.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanStats {
    /// Pages yielded.
    pub pages: u64,
    /// Items yielded (after skipping repeats).
    pub items: u64,
    /// Items skipped because the scan had already yielded them (moved by inserts).
    pub duplicates_skipped: u64,
    /// Pages fetched again because they were served before their predecessor while
    /// the data changed.
    pub pages_refetched: u64,
    /// How many times `total` changed during the scan.
    pub total_changes: u64,
    /// `total` on the first page.
    pub first_total: Option<i64>,
    /// `total` on the latest page.
    pub last_total: Option<i64>,
    /// The most page requests in flight at once: the scan's memory bound, since each
    /// holds at most one page.
    pub peak_in_flight: usize,
    /// The most item ids the item stream remembered at once to skip repeats: at most
    /// `(concurrency + 2) * pageSize`, whatever the total.
    pub peak_ids_remembered: usize,
    /// Fields and enum codes the pages held that the spec does not know, with how many
    /// objects carried each: the sign that the vendor's API moved ahead of this SDK.
    /// Each is logged once per scan with `tracing::warn!`.
    pub drift: DriftReport,
}

/// A stream of pages, in order, fetched up to `concurrency` at a time.
#[must_use = "streams do nothing unless polled"]
pub struct PageStream<Op: PaginatedOperation> {
    client: Client,
    request: Op::Request,
    page_size: i64,
    next_page: i64,
    /// Last page to fetch as far as the latest `total` tells; `None` before the first
    /// page answers.
    last_page: Option<i64>,
    in_flight: FuturesOrdered<PageFuture<Op>>,
    /// Total of the previous yielded page, for the served-in-order check.
    previous_total: Option<i64>,
    /// Times the head page was fetched again; bounded so a shrinking total (deleted
    /// records) cannot loop forever.
    head_refetches: u32,
    exhausted: bool,
    stats: Arc<Mutex<ScanStats>>,
}

impl<Op: PaginatedOperation> PageStream<Op> {
    pub(crate) fn new(client: Client, request: Op::Request) -> Self {
        let page_size = Op::page_size(&request).max(1);
        let next_page = Op::page_number(&request).max(1);
        Self {
            client,
            request,
            page_size,
            next_page,
            last_page: None,
            in_flight: FuturesOrdered::new(),
            previous_total: None,
            head_refetches: 0,
            exhausted: false,
            stats: Arc::default(),
        }
    }

    /// What the scan has seen so far.
    pub fn stats(&self) -> ScanStats {
        lock(&self.stats).clone()
    }

    fn fetch(&self, page: i64) -> PageFuture<Op> {
        let client = self.client.clone();
        let mut request = self.request.clone();
        Op::set_page_number(&mut request, page);
        let attempts = client.inner.retry.page_attempts();
        Box::pin(async move {
            let result = client.execute_with_attempts::<Op>(&request, attempts).await;
            (page, result)
        })
    }

    fn schedule(&mut self) {
        let concurrency = self.client.inner.concurrency;
        while !self.exhausted && self.in_flight.len() < concurrency {
            match self.last_page {
                // Before the first answer only the first page is known to exist.
                None if !self.in_flight.is_empty() => break,
                Some(last) if self.next_page > last => break,
                _ => {}
            }
            let future = self.fetch(self.next_page);
            self.in_flight.push_back(future);
            self.next_page += 1;
        }
        let mut stats = lock(&self.stats);
        stats.peak_in_flight = stats.peak_in_flight.max(self.in_flight.len());
    }

    /// Records what a page says of the total; true when the page was served before
    /// its predecessor while the data grew, so it must be fetched again.
    fn observe(&mut self, page: i64, data: &Op::Data) -> bool {
        let total = Op::total(data);
        let mut stats = lock(&self.stats);
        if let Some(total) = total {
            if stats.first_total.is_none() {
                stats.first_total = Some(total);
            }
            if stats.last_total.is_some_and(|last| last != total) {
                stats.total_changes += 1;
                tracing::warn!(page, total, previous = stats.last_total, "total changed during the scan");
            }
            stats.last_total = Some(total);
            let last = (total + self.page_size - 1) / self.page_size;
            self.last_page = Some(self.last_page.map_or(last, |known| known.max(last)));
        } else if self.last_page.is_none() {
            // No total: keep going until an empty page.
            self.last_page = Some(i64::MAX);
        }
        let stale = matches!((total, self.previous_total), (Some(now), Some(before)) if now < before);
        if stale && self.head_refetches < MAX_REFETCHES {
            self.head_refetches += 1;
            stats.pages_refetched += 1;
            return true;
        }
        self.head_refetches = 0;
        if total.is_some() {
            self.previous_total = total;
        }
        false
    }
}

/// The `tracing` target of the drift warnings, so an application that reports drift its
/// own way (as `nxlink` does) can turn these off alone.
pub const DRIFT_TARGET: &str = "nxlink_client::drift";

fn warn_first_seen(finding: Finding<'_>) {
    match finding {
        Finding::Field { object, field } => {
            tracing::warn!(
                target: DRIFT_TARGET,
                object,
                field,
                "the API sent a field this SDK does not know; it is kept in `extra`"
            );
        }
        Finding::Code { object, field, code } => {
            tracing::warn!(
                target: DRIFT_TARGET,
                object,
                field,
                code,
                "the API sent a code this SDK does not know; it decodes as `Unknown`"
            );
        }
    }
}

fn lock(stats: &Mutex<ScanStats>) -> std::sync::MutexGuard<'_, ScanStats> {
    // A panic while holding the lock cannot leave ScanStats half-updated in a way that
    // matters: it is counters only.
    stats.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

// The streams never pin-project their fields (they are polled through `&mut`), so they
// are `Unpin` whatever the request and item types are.
impl<Op: PaginatedOperation> Unpin for PageStream<Op> {}
impl<Op: PaginatedOperation> Unpin for ItemStream<Op> {}

impl<Op: PaginatedOperation> Stream for PageStream<Op> {
    type Item = Result<Response<Op::Data>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            this.schedule();
            match this.in_flight.poll_next_unpin(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some((_, Err(error)))) => {
                    // A page that failed after its retries ends the scan: going on would
                    // silently skip its records.
                    this.exhausted = true;
                    this.in_flight = FuturesOrdered::new();
                    return Poll::Ready(Some(Err(error)));
                }
                Poll::Ready(Some((page, Ok(response)))) => {
                    if this.observe(page, &response) {
                        // Served out of order while the data grew: fetch it again now that
                        // its predecessor is done, ahead of everything else in flight.
                        let future = this.fetch(page);
                        this.in_flight.push_front(future);
                        continue;
                    }
                    if Op::item_count(&response) == 0 {
                        // Pages after an empty one are empty too.
                        this.exhausted = true;
                        this.in_flight = FuturesOrdered::new();
                    }
                    let drift = response.drift_report();
                    let mut stats = lock(&this.stats);
                    stats.pages += 1;
                    if !drift.is_empty() {
                        stats.drift.merge(&drift, warn_first_seen);
                    }
                    drop(stats);
                    return Poll::Ready(Some(Ok(response)));
                }
            }
        }
    }
}

/// Items of a paginated operation, in server order, each yielded once per scan.
#[must_use = "streams do nothing unless polled"]
pub struct ItemStream<Op: PaginatedOperation> {
    pages: PageStream<Op>,
    current: std::vec::IntoIter<Op::Item>,
    recent: RecentIds<Op::ItemId>,
}

impl<Op: PaginatedOperation> ItemStream<Op> {
    pub(crate) fn new(pages: PageStream<Op>) -> Self {
        let window =
            (pages.client.inner.concurrency + 2).saturating_mul(usize::try_from(pages.page_size).unwrap_or(1000));
        Self { pages, current: Vec::new().into_iter(), recent: RecentIds::new(window) }
    }

    /// What the scan has seen so far.
    pub fn stats(&self) -> ScanStats {
        self.pages.stats()
    }
}

impl<Op: PaginatedOperation> Stream for ItemStream<Op> {
    type Item = Result<Op::Item, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            for item in this.current.by_ref() {
                let fresh = Op::item_id(&item).is_none_or(|id| this.recent.insert(id));
                let mut stats = lock(&this.pages.stats);
                stats.peak_ids_remembered = stats.peak_ids_remembered.max(this.recent.len());
                if fresh {
                    stats.items += 1;
                    return Poll::Ready(Some(Ok(item)));
                }
                stats.duplicates_skipped += 1;
            }
            match this.pages.poll_next_unpin(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(Some(Ok(page))) => this.current = Op::into_items(page.into_inner()).into_iter(),
            }
        }
    }
}

/// The last `capacity` ids seen, for duplicate detection in bounded memory.
struct RecentIds<T> {
    order: VecDeque<T>,
    set: HashSet<T>,
    capacity: usize,
}

impl<T: std::hash::Hash + Eq + Clone> RecentIds<T> {
    fn new(capacity: usize) -> Self {
        Self { order: VecDeque::new(), set: HashSet::new(), capacity: capacity.max(1) }
    }

    fn len(&self) -> usize {
        self.set.len()
    }

    /// Adds `id`; false when it is already in the window.
    fn insert(&mut self, id: T) -> bool {
        if !self.set.insert(id.clone()) {
            return false;
        }
        self.order.push_back(id);
        if self.order.len() > self.capacity {
            if let Some(old) = self.order.pop_front() {
                self.set.remove(&old);
            }
        }
        true
    }
}
