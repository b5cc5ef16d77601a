//! Append Contacts: adds the contacts a task does not hold yet, pending, to be dialed.
//!
//! A contact whose `contactId` the task already holds is skipped (the docs say contact
//! ids are globally unique), so a batch sent twice adds nobody twice.

use nxlink_models::runtime::JsonValue;
use nxlink_models::{AppendContacts, AppendContactsRequest};

use crate::family::StoredContact;
use crate::server::simulate::{business, Refusal, Simulation};
use crate::server::state::{lock, Shared};

impl Simulation for AppendContacts {
    /// `taskId` names the task; `list` holds the contacts (id, name, number, variables);
    /// `countryCode` is kept with each contact and dialed before its number. Not
    /// simulated: `autoFlowId` (the task already names its agent).
    const HONOURED: &'static [&'static str] = &["taskId", "countryCode", "list"];
    const REQUEST_FIELDS: &'static [&'static str] = AppendContactsRequest::FIELDS;

    fn simulate(mock: &Shared, _caller: &str, request: &AppendContactsRequest) -> Result<JsonValue, Refusal> {
        let mut family = lock(&mock.family);
        let Some(contacts) = family.contacts.get_mut(&request.task_id) else {
            return Err(business(format!("taskId `{}` is not a task of this account", request.task_id)));
        };
        let country_code = request.country_code.clone().filter(|code| !code.is_empty());
        let mut added = 0_i32;
        for contact in &request.list {
            if !contacts.ids.insert(contact.contact_id.clone()) {
                continue;
            }
            contacts.list.push(StoredContact {
                contact_id: contact.contact_id.clone(),
                name: contact.name.clone(),
                phone_number: contact.phone_number.clone(),
                country_code: country_code.clone(),
                params: contact.params.iter().map(|p| (p.name.clone(), p.value.clone().unwrap_or_default())).collect(),
                dialed: false,
            });
            added += 1;
        }
        if let Some(stats) = family.task_mut(&request.task_id).and_then(|t| t.stat_info.as_mut()) {
            stats.total_order_count = Some(stats.total_order_count.unwrap_or(0) + added);
        }
        Ok(JsonValue::Null)
    }
}
