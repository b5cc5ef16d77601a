//! One page of call records.
//!
//! With no account this starts the local mock and uses its demo key:
//!
//! ```sh
//! cargo run -p nxlink-client --example list_calls
//! ```
//!
//! Against the real service, set `NXLINK_BASE_URL` (or edit the region below),
//! `NXLINK_ACCESS_KEY`, `NXLINK_ACCESS_SECRET` and `NXLINK_TASK_ID`.

use nxlink_client::{CallResult, Client, Credentials};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Keep the mock alive for the whole run when we use it.
    let (_mock, base_url, credentials, task_id) = match std::env::var("NXLINK_BASE_URL") {
        Ok(url) => (None, url, Credentials::from_env()?, std::env::var("NXLINK_TASK_ID")?),
        Err(_) => {
            let mock = nxlink_mock::MockServer::builder().records(2_000).start().await?;
            let url = mock.base_url().to_owned();
            let credentials = Credentials::new(nxlink_mock::DEMO_ACCESS_KEY, nxlink_mock::DEMO_ACCESS_SECRET);
            (Some(mock), url, credentials, nxlink_mock::DEMO_TASK_ID.to_owned())
        }
    };
    let client = Client::builder().base_url(base_url).credentials(credentials).build()?;

    let page = client.query_call_records(&task_id).page_size(10).send().await?;
    println!("{} records in task {task_id}; the first {}:", page.total.unwrap_or_default(), page.list.len());
    for record in &page.list {
        let result = record.call_result.map_or("-", CallResult::description);
        println!(
            "{:>8}  {:<45}  {:>4}s  {}",
            record.id.unwrap_or_default(),
            result,
            record.call_elapsed.unwrap_or(0),
            record.user_intent.as_deref().unwrap_or("")
        );
    }

    // Only connected calls: filters are typed setters, validated before sending.
    let connected =
        client.query_call_records(&task_id).call_result(CallResult::NormalEndUserHungUp).min_elapsed(60).send().await?;
    println!(
        "{} calls ended by the user after at least a minute (trace {:?})",
        connected.total.unwrap_or_default(),
        connected.trace_id()
    );
    Ok(())
}
