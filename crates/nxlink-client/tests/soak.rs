//! The soak test: 1,000,000 records through the record stream from the mock with 30%
//! mixed faults, live inserts and a skewed server clock. Every original record must
//! arrive exactly once, the scan must finish, and open file descriptors and memory must
//! stay flat while it runs.
//!
//! Ignored by default (it needs about 5 GB of RAM for the mock's dataset and a minute or
//! two); run it with:
//!
//! ```sh
//! cargo test --release -p nxlink-client --test soak -- --ignored --nocapture
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test fails by panicking

use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use nxlink_client::{Client, Credentials, RetryPolicy};
use nxlink_mock::{Faults, MockServer, DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET, DEMO_TASK_ID};

const TARGET_RECORDS: usize = 1_000_000;

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map(|dir| dir.count()).unwrap_or(0)
}

/// Resident set size in KiB, from /proc/self/status.
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "soak: run with --ignored in release (see the file's docs)"]
async fn a_million_records_under_faults_live_inserts_and_skew() {
    // DEMO_TASK_ID holds about 40% of the dataset: generate enough for a million.
    let server = MockServer::builder()
        .seed(2026)
        .records(2_600_000)
        .faults(
            Faults {
                internal_error: 0.05,
                bad_gateway: 0.05,
                service_unavailable: 0.05,
                too_many_requests: 0.05,
                drop_connection: 0.05,
                truncate_body: 0.05,
                ..Faults::none()
            }
            .with_seed(7),
        )
        .live(2)
        .clock_offset_millis(-5 * 60_000)
        .request_log_capacity(1_000)
        .start()
        .await
        .unwrap();
    let originals: Vec<i64> = server.dataset().task_records(DEMO_TASK_ID).map(|r| r.id.unwrap()).collect();
    assert!(originals.len() >= TARGET_RECORDS, "{}", originals.len());
    let first_id = *originals.last().unwrap();
    let last_id = *originals.first().unwrap();

    let client = Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET))
        .retry_policy(RetryPolicy::default().with_max_retry_after(Duration::from_millis(200)))
        .build()
        .unwrap();

    let started = Instant::now();
    let scan = async {
        let mut records = client.query_call_records(DEMO_TASK_ID).page_size(1000).records();
        // Ids are dense enough to count in a bitmap over the id range.
        let span = usize::try_from(last_id - first_id + 1).unwrap();
        let mut seen = vec![0u8; span];
        let mut extra = 0u64;
        let mut checkpoints = Vec::new();
        let mut count = 0usize;
        while let Some(record) = records.try_next().await.unwrap() {
            let id = record.id.unwrap();
            match usize::try_from(id - first_id).ok().filter(|&i| i < span) {
                Some(i) => seen[i] = seen[i].saturating_add(1),
                None => extra += 1,
            }
            count += 1;
            if count % 100_000 == 0 {
                checkpoints.push((count, open_fds(), rss_kib()));
            }
        }
        (seen, extra, checkpoints, records.stats())
    };
    let (seen, extra, checkpoints, stats) =
        tokio::time::timeout(Duration::from_secs(20 * 60), scan).await.expect("the scan hung");
    let elapsed = started.elapsed();

    let missing_or_repeated = originals.iter().filter(|&&id| seen[(id - first_id) as usize] != 1).count();
    println!("soak: {} originals, {extra} live inserts seen, {stats:?}, {elapsed:.1?}", originals.len());
    for (count, fds, rss) in &checkpoints {
        println!("  after {count:>9} records: {fds:>3} fds, {:>7} MiB RSS", rss / 1024);
    }
    assert_eq!(missing_or_repeated, 0, "every original record exactly once");
    assert!(seen.iter().all(|&n| n <= 1), "no record twice");
    assert_eq!(client.clock_offset_millis().signum(), -1, "the skew was learned");

    // Flat: compare the last checkpoint with the first (the mock's dataset is allocated
    // before the first one, so growth would be the client's or the live inserts').
    let (_, first_fds, first_rss) = checkpoints[0];
    let (_, last_fds, last_rss) = *checkpoints.last().unwrap();
    assert!(last_fds <= first_fds + 16, "file descriptors grew: {first_fds} -> {last_fds}");
    assert!(last_rss <= first_rss + 64 * 1024, "memory grew by more than 64 MiB: {first_rss} -> {last_rss} KiB");
}
