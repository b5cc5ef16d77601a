//! A callback receiver and a small campaign against the local mock, printing what
//! arrives: a task-status callback as the task starts and completes, and a call-record
//! callback per call (each once, though the mock delivers each twice).
//!
//! ```sh
//! cargo run -p nxlink-client --features axum --example receive_callbacks
//! ```

use std::sync::Arc;
use std::time::Duration;

use nxlink_client::{Callback, Client, Contact, ContactParam, Credentials, Receiver, StartupType};
use nxlink_mock::{MockServer, DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET, SEEDED_AGENTS, SEEDED_ROUTES};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let credentials = Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET);

    // Your receiver: verifies with your key pair, prints each new callback.
    let receiver = Arc::new(Receiver::new(credentials.clone()));
    let app = nxlink_client::receiver::axum_router(
        receiver,
        |callback| match callback {
            Callback::CallRecord(call) => println!(
                "call {} to {} ended: {:?}",
                call.call_id.as_deref().unwrap_or("?"),
                call.contact_id.as_deref().unwrap_or("?"),
                call.call_result
            ),
            Callback::TaskStatus(task) => {
                println!("task {} is now {:?}", task.task_name.as_deref().unwrap_or("?"), task.task_status)
            }
            other => println!("a callback this SDK does not know yet: {}", other.name()),
        },
        |rejection| eprintln!("rejected: {rejection}"),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/nxlink", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });

    // NXLink, simulated: dials a contact every 20 ms and delivers every callback twice.
    let mock = MockServer::builder().records(100).dial_ms(20).start().await?;
    mock.handle().set_callback_delivery(nxlink_mock::Delivery::in_order().redelivered());
    let client = Client::builder().base_url(mock.base_url()).credentials(credentials).build()?;

    let task_id = client
        .create_task("Callback demo", SEEDED_AGENTS[0].0, SEEDED_ROUTES[0].0, 0, StartupType::Manual)
        .call_callback_url(&url)
        .task_callback_url(&url)
        .send_once()
        .await?
        .id
        .unwrap_or_default();
    let contacts: Vec<Contact> = (1..=3)
        .map(|n| {
            let phone = format!("8529000000{n}");
            Contact::new(nxlink_client::stable_contact_id(&task_id, &phone), format!("Contact {n}"), phone)
                .params(vec![ContactParam::new("order").value(format!("A-{n}"))])
        })
        .collect();
    client.append_contacts(&task_id, contacts).send_once().await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    Ok(())
}
