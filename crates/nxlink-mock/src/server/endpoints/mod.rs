//! One module per simulated endpoint: each implements
//! [`Simulation`](super::simulate::Simulation) on the endpoint's operation type and
//! lists the request fields it honours, next to the code that honours them.

mod append_contacts;
mod create_task;
mod delete_contact;
mod list_agents;
mod list_routes;
mod list_tasks;
mod query_call_records;

/// The page of `items` that `page_number` and `page_size` select, and the total.
fn page<T>(items: Vec<T>, page_number: i32, page_size: i32) -> (i64, Vec<T>) {
    let total = items.len() as i64;
    let size = usize::try_from(page_size.max(1)).unwrap_or(1);
    let skip = usize::try_from(page_number.max(1) - 1).unwrap_or(0).saturating_mul(size);
    (total, items.into_iter().skip(skip).take(size).collect())
}
