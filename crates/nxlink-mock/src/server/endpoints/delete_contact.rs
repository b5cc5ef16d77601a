//! Delete Contact: removes a pending contact, its task found by `userTaskId` first (it
//! takes priority, as documented) or `taskId`; anything else is 20000 naming what was
//! not found.

use nxlink_models::runtime::JsonValue;
use nxlink_models::{DeleteContact, DeleteContactRequest};

use crate::server::simulate::{business, Refusal, Simulation};
use crate::server::state::{lock, Shared};

impl Simulation for DeleteContact {
    /// The task by `userTaskId` or `taskId`, the contact by `contactId`.
    const HONOURED: &'static [&'static str] = &["taskId", "userTaskId", "contactId"];
    const REQUEST_FIELDS: &'static [&'static str] = DeleteContactRequest::FIELDS;

    fn simulate(mock: &Shared, _caller: &str, request: &DeleteContactRequest) -> Result<JsonValue, Refusal> {
        let mut family = lock(&mock.family);
        let by_user = request.user_task_id.as_deref().filter(|id| !id.is_empty());
        let task = match by_user {
            Some(user_task_id) => family.tasks.iter().find(|t| t.user_task_id.as_deref() == Some(user_task_id)),
            None => family.tasks.iter().find(|t| t.task_id.as_deref() == request.task_id.as_deref()),
        };
        let Some(task_id) = task.and_then(|t| t.task_id.clone()) else {
            return Err(business(match by_user {
                Some(id) => format!("userTaskId `{id}` is not a task of this account"),
                None => format!("taskId `{}` is not a task of this account", request.task_id.as_deref().unwrap_or("")),
            }));
        };
        let contacts = family.contacts.entry(task_id.clone()).or_default();
        match contacts.list.iter().position(|c| c.contact_id == request.contact_id) {
            Some(at) if !contacts.list[at].dialed => {
                contacts.list.remove(at);
                contacts.ids.remove(&request.contact_id);
            }
            Some(_) => {
                return Err(business(format!(
                    "contact `{}` was dialed: only pending contacts can be deleted",
                    request.contact_id
                )))
            }
            None => return Err(business(format!("contactId `{}` is not in task `{task_id}`", request.contact_id))),
        }
        if let Some(stats) = family.task_mut(&task_id).and_then(|t| t.stat_info.as_mut()) {
            stats.total_order_count = Some(stats.total_order_count.unwrap_or(1).saturating_sub(1));
        }
        Ok(JsonValue::Null)
    }
}
