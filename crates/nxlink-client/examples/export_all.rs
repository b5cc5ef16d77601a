//! Every call record of a task as JSON lines on stdout, pages fetched ahead four at a
//! time, each record once even while new calls are recorded.
//!
//! With no account this starts the local mock (with some faults, to show the retries):
//!
//! ```sh
//! cargo run -p nxlink-client --example export_all > calls.jsonl
//! ```
//!
//! Against the real service, set `NXLINK_BASE_URL`, `NXLINK_ACCESS_KEY`,
//! `NXLINK_ACCESS_SECRET` and `NXLINK_TASK_ID`.

use std::io::Write;

use futures_util::TryStreamExt;
use nxlink_client::{Client, Credentials};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (_mock, base_url, credentials, task_id) = match std::env::var("NXLINK_BASE_URL") {
        Ok(url) => (None, url, Credentials::from_env()?, std::env::var("NXLINK_TASK_ID")?),
        Err(_) => {
            let faults = nxlink_mock::Faults { service_unavailable: 0.1, drop_connection: 0.05, ..Default::default() };
            let mock = nxlink_mock::MockServer::builder().records(20_000).faults(faults).start().await?;
            let url = mock.base_url().to_owned();
            let credentials = Credentials::new(nxlink_mock::DEMO_ACCESS_KEY, nxlink_mock::DEMO_ACCESS_SECRET);
            (Some(mock), url, credentials, nxlink_mock::DEMO_TASK_ID.to_owned())
        }
    };
    let client = Client::builder().base_url(base_url).credentials(credentials).concurrency(4).build()?;

    let mut records = client.query_call_records(&task_id).page_size(500).records();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    while let Some(record) = records.try_next().await? {
        // Wire field names and raw codes: each line reads like the API's own record.
        serde_json::to_writer(&mut out, &record)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    let stats = records.stats();
    eprintln!(
        "exported {} records in {} pages ({} repeats skipped, total changed {} times)",
        stats.items, stats.pages, stats.duplicates_skipped, stats.total_changes
    );
    Ok(())
}
