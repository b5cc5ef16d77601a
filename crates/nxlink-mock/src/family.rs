//! The rest of the AI Agent family, simulated simply: seeded agents and routes, tasks
//! created and listed, contacts appended and deleted while pending. No dialer yet:
//! tasks stay at status 1 and contacts stay pending.
//!
//! Semantics the client relies on, chosen where the vendor's docs are silent:
//! - task create answers `data: {"taskId": "..."}` (the docs cut off before the
//!   response; a task id is what the create page implies) and refuses a `userTaskId`
//!   already used, so a create sent twice cannot make two tasks;
//! - append ignores a contact whose `contactId` the task already holds (the docs say
//!   contact ids are globally unique), so a batch sent twice adds nobody twice;
//! - delete removes a pending contact, found by `userTaskId` first (it takes priority,
//!   as documented) or `taskId`; anything else is 20000 naming what was not found.

use std::collections::{BTreeMap, HashSet};

use nxlink_models::runtime::{JsonValue, Operation};
use nxlink_models::{
    Agent, AgentPage, AppendContactsRequest, CreateTaskRequest, DeleteContactRequest, ErrorCode, ListAgentsRequest,
    ListRoutesRequest, ListTasksRequest, Route, RoutePage, Task, TaskPage, TaskStats, TaskStatus,
};
use serde_json::json;

use crate::dataset::SplitMix64;

/// A refusal: the code and the message of the error envelope.
pub(crate) type Refusal = (ErrorCode, String);

fn business(message: impl Into<String>) -> Refusal {
    (ErrorCode::BusinessError, message.into())
}

/// A contact as the mock keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoredContact {
    /// The contact's id, unique in its task.
    pub contact_id: String,
    /// The contact's name.
    pub name: String,
    /// The number to dial.
    pub phone_number: String,
    /// The contact's variables, `(name, value)`, which become the call record's
    /// attributes.
    pub params: Vec<(String, String)>,
    /// True once the dialer called it; only pending contacts can be deleted.
    pub dialed: bool,
}

/// Where a task's callbacks go, and whose key pair signs them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Hooks {
    /// The access key that created the task.
    pub(crate) access_key: String,
    /// Call-record callbacks.
    pub(crate) call_url: Option<String>,
    /// Task-status callbacks.
    pub(crate) task_url: Option<String>,
}

/// A callback to send: where, and the JSON payload.
#[derive(Debug, Clone)]
pub(crate) struct Outgoing {
    pub(crate) access_key: String,
    pub(crate) url: String,
    pub(crate) payload: serde_json::Value,
}

/// The simulated account: agents, routes, tasks and their contacts.
pub(crate) struct Family {
    agents: Vec<Agent>,
    routes: Vec<Route>,
    /// Oldest first; listed newest first.
    tasks: Vec<Task>,
    contacts: BTreeMap<String, TaskContacts>,
    hooks: BTreeMap<String, Hooks>,
    ids: SplitMix64,
}

/// A task's contacts in the order they were added, with their ids for the duplicate
/// check (a scan per contact made a 100,000-contact append quadratic).
#[derive(Debug, Default)]
struct TaskContacts {
    list: Vec<StoredContact>,
    ids: HashSet<String>,
}

/// The seeded agents: `(autoFlowId, name)`. Names travel as a field the spec does not
/// know yet (`autoFlowName`), as the real item shape is cut off in the docs.
pub const SEEDED_AGENTS: &[(i64, &str)] =
    &[(207, "Parcel Notification"), (208, "Payment Reminder"), (209, "Customer Survey")];

/// The seeded routes: `(routeId, name)`.
pub const SEEDED_ROUTES: &[(&str, &str)] =
    &[("y29ND1X4kkCG_nC576sALEkvg3HjEqde", "HK-Router"), ("mX4kkCG_nC576sALEkvg3HjEqde29ND", "MX-Router")];

impl std::fmt::Debug for Family {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Family").field("tasks", &self.tasks.len()).finish_non_exhaustive()
    }
}

impl Family {
    pub(crate) fn new(seed: u64) -> Self {
        let agents = SEEDED_AGENTS
            .iter()
            .map(|(id, name)| {
                let mut agent: Agent = serde_json::from_value(json!({ "autoFlowId": id, "autoFlowName": name }))
                    .unwrap_or_else(|_| Agent::default());
                agent.auto_flow_id = Some(*id);
                agent
            })
            .collect();
        let routes = SEEDED_ROUTES
            .iter()
            .map(|(id, name)| {
                let mut route: Route =
                    serde_json::from_value(json!({ "routeId": id, "routeName": name })).unwrap_or_default();
                route.route_id = Some((*id).to_owned());
                route
            })
            .collect();
        let mut family = Self {
            agents,
            routes,
            tasks: Vec::new(),
            contacts: BTreeMap::new(),
            hooks: BTreeMap::new(),
            ids: SplitMix64::for_record(seed, 0xfa11),
        };
        family.seed_demo_task();
        family
    }

    /// The task of the seeded call records ([`DEMO_TASK_ID`](crate::DEMO_TASK_ID)), in
    /// progress, so `nxlink --demo tasks list` has a task to show.
    fn seed_demo_task(&mut self) {
        let mut task = Task::default();
        task.id = Some(1);
        task.task_id = Some(crate::DEMO_TASK_ID.to_owned());
        task.user_task_id = Some("DEMO-TASK".to_owned());
        task.task_name = Some("Demo campaign".to_owned());
        task.task_status = Some(TaskStatus::InProgress);
        task.auto_flow_id = self.agents.first().and_then(|a| a.auto_flow_id);
        task.route_id = self.routes.first().and_then(|r| r.route_id.clone());
        task.create_ts = Some(crate::DATASET_END_TS - crate::DATASET_SPAN_SECS);
        let mut stats = TaskStats::default();
        stats.task_id = task.task_id.clone();
        stats.total_order_count = Some(0);
        task.stat_info = Some(stats);
        self.tasks.push(task);
        self.contacts.insert(crate::DEMO_TASK_ID.to_owned(), TaskContacts::default());
    }

    /// A UUID-shaped task id, deterministic for a seed and the order of creates.
    fn next_task_id(&mut self) -> String {
        let (a, b) = (self.ids.next_u64(), self.ids.next_u64());
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0x0fff,
            (b >> 48) | 0x8000,
            b & 0xffff_ffff_ffff
        )
    }

    pub(crate) fn list_agents(&self, request: &ListAgentsRequest) -> AgentPage {
        let name = request.name.as_deref().filter(|n| !n.is_empty());
        let matches: Vec<Agent> = self
            .agents
            .iter()
            .filter(|a| {
                name.is_none_or(|n| {
                    a.extra.get("autoFlowName").and_then(JsonValue::as_str).is_some_and(|s| s.contains(n))
                })
            })
            .cloned()
            .collect();
        let (total, list) = page(matches, request.page_number, request.page_size);
        let mut out = AgentPage::default();
        (out.total, out.page_number, out.page_size, out.list) =
            (Some(total), Some(request.page_number), Some(request.page_size), list);
        out
    }

    pub(crate) fn list_routes(&self, request: &ListRoutesRequest) -> RoutePage {
        let name = request.route_name.as_deref().filter(|n| !n.is_empty());
        let matches: Vec<Route> = self
            .routes
            .iter()
            .filter(|r| {
                name.is_none_or(|n| r.extra.get("routeName").and_then(JsonValue::as_str).is_some_and(|s| s.contains(n)))
            })
            .cloned()
            .collect();
        let (total, list) = page(matches, request.page_number, request.page_size);
        let mut out = RoutePage::default();
        (out.total, out.page_number, out.page_size, out.list) =
            (Some(total), Some(request.page_number), Some(request.page_size), list);
        out
    }

    pub(crate) fn create_task(
        &mut self,
        request: &CreateTaskRequest,
        access_key: &str,
        now_secs: i64,
    ) -> Result<JsonValue, Refusal> {
        if !self.agents.iter().any(|a| a.auto_flow_id == Some(request.auto_flow_id)) {
            return Err(business(format!("autoFlowId {} is not an agent of this account", request.auto_flow_id)));
        }
        if !self.routes.iter().any(|r| r.route_id.as_deref() == Some(request.route_id.as_str())) {
            return Err(business(format!("routeId `{}` is not a route of this account", request.route_id)));
        }
        if let Some(user_task_id) = request.user_task_id.as_deref().filter(|id| !id.is_empty()) {
            if self.tasks.iter().any(|t| t.user_task_id.as_deref() == Some(user_task_id)) {
                return Err(business(format!("userTaskId `{user_task_id}` is already used by another task")));
            }
        }
        let task_id = self.next_task_id();
        let mut task = Task::default();
        task.id = Some(self.tasks.len() as i64 + 1);
        task.task_id = Some(task_id.clone());
        task.user_task_id = request.user_task_id.clone();
        task.task_name = Some(request.task_name.clone());
        task.task_desc = request.task_desc.clone();
        task.task_status = Some(TaskStatus::Ready);
        task.auto_flow_id = Some(request.auto_flow_id);
        task.route_id = Some(request.route_id.clone());
        task.startup_type = Some(request.startup_type);
        task.task_keep = Some(request.task_keep);
        task.task_callback_url = request.task_callback_url.clone();
        task.other = request.other.clone();
        task.create_ts = Some(now_secs);
        let mut stats = TaskStats::default();
        stats.task_id = Some(task_id.clone());
        stats.total_order_count = Some(0);
        task.stat_info = Some(stats);
        self.tasks.push(task);
        self.contacts.insert(task_id.clone(), TaskContacts::default());
        let url = |u: &Option<String>| u.clone().filter(|u| !u.is_empty());
        self.hooks.insert(
            task_id.clone(),
            Hooks {
                access_key: access_key.to_owned(),
                call_url: url(&request.call_callback_url),
                task_url: url(&request.task_callback_url),
            },
        );
        Ok(json!({ "taskId": task_id }))
    }

    pub(crate) fn list_tasks(&self, request: &ListTasksRequest) -> TaskPage {
        let quantity = |t: &Task| t.stat_info.as_ref().and_then(|s| s.total_order_count).map_or(0, i64::from);
        let matches: Vec<Task> = self
            .tasks
            .iter()
            .rev()
            .filter(|t| {
                let name = request.task_name.as_deref().filter(|n| !n.is_empty());
                name.is_none_or(|n| t.task_name.as_deref().is_some_and(|tn| tn.contains(n)))
                    && request.task_status.is_none_or(|s| t.task_status == Some(s))
                    && request.create_start_ts.is_none_or(|from| t.create_ts.is_some_and(|c| c >= from))
                    && request.create_end_ts.is_none_or(|to| t.create_ts.is_some_and(|c| c <= to))
                    && request.min_task_total_quantity.is_none_or(|min| quantity(t) >= min)
                    && request.max_task_total_quantity.is_none_or(|max| quantity(t) <= max)
            })
            .cloned()
            .collect();
        let (total, list) = page(matches, request.page_number, request.page_size);
        let mut out = TaskPage::default();
        (out.total, out.page_number, out.page_size, out.list) =
            (Some(total), Some(request.page_number), Some(request.page_size), list);
        out
    }

    pub(crate) fn append_contacts(&mut self, request: &AppendContactsRequest) -> Result<JsonValue, Refusal> {
        let Some(contacts) = self.contacts.get_mut(&request.task_id) else {
            return Err(business(format!("taskId `{}` is not a task of this account", request.task_id)));
        };
        let mut added = 0_i32;
        for contact in &request.list {
            if !contacts.ids.insert(contact.contact_id.clone()) {
                continue;
            }
            contacts.list.push(StoredContact {
                contact_id: contact.contact_id.clone(),
                name: contact.name.clone(),
                phone_number: contact.phone_number.clone(),
                params: contact.params.iter().map(|p| (p.name.clone(), p.value.clone().unwrap_or_default())).collect(),
                dialed: false,
            });
            added += 1;
        }
        if let Some(stats) = self.task_mut(&request.task_id).and_then(|t| t.stat_info.as_mut()) {
            stats.total_order_count = Some(stats.total_order_count.unwrap_or(0) + added);
        }
        Ok(JsonValue::Null)
    }

    pub(crate) fn delete_contact(&mut self, request: &DeleteContactRequest) -> Result<JsonValue, Refusal> {
        let by_user = request.user_task_id.as_deref().filter(|id| !id.is_empty());
        let task = match by_user {
            Some(user_task_id) => self.tasks.iter().find(|t| t.user_task_id.as_deref() == Some(user_task_id)),
            None => self.tasks.iter().find(|t| t.task_id.as_deref() == request.task_id.as_deref()),
        };
        let Some(task_id) = task.and_then(|t| t.task_id.clone()) else {
            return Err(business(match by_user {
                Some(id) => format!("userTaskId `{id}` is not a task of this account"),
                None => format!("taskId `{}` is not a task of this account", request.task_id.as_deref().unwrap_or("")),
            }));
        };
        let contacts = self.contacts.entry(task_id.clone()).or_default();
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
        if let Some(stats) = self.task_mut(&task_id).and_then(|t| t.stat_info.as_mut()) {
            stats.total_order_count = Some(stats.total_order_count.unwrap_or(1).saturating_sub(1));
        }
        Ok(JsonValue::Null)
    }

    /// One dialer step: the next pending contact of every task that is ready or in
    /// progress is dialed (the task moves to in progress, 2); a task with nothing left
    /// to dial completes (3). Returns the `(task id, contact)` pairs dialed.
    pub(crate) fn dial_step(&mut self) -> (Vec<(String, StoredContact)>, Vec<Outgoing>) {
        let mut dialed = Vec::new();
        let mut outgoing = Vec::new();
        for task in &mut self.tasks {
            let before = task.task_status;
            let Some(task_id) = task.task_id.clone() else { continue };
            if !matches!(task.task_status, Some(TaskStatus::Ready | TaskStatus::InProgress)) {
                continue;
            }
            let contacts = self.contacts.entry(task_id.clone()).or_default();
            let had_contacts = !contacts.list.is_empty();
            match contacts.list.iter_mut().find(|c| !c.dialed) {
                Some(contact) => {
                    contact.dialed = true;
                    task.task_status = Some(TaskStatus::InProgress);
                    if let Some(stats) = task.stat_info.as_mut() {
                        for count in
                            [&mut stats.dialed_order_count, &mut stats.finish_order_count, &mut stats.total_call_count]
                        {
                            *count = Some(count.unwrap_or(0) + 1);
                        }
                    }
                    dialed.push((task_id.clone(), contact.clone()));
                }
                // Everything dialed: done. A task that never had contacts stays ready.
                None if task.task_status == Some(TaskStatus::InProgress) && had_contacts => {
                    task.task_status = Some(TaskStatus::Completed);
                }
                None => {}
            }
            if task.task_status != before {
                if let Some(hooks) = self.hooks.get(&task_id) {
                    if let Some(url) = &hooks.task_url {
                        let payload = json!({
                            "taskId": task_id, "userTaskId": task.user_task_id, "other": task.other,
                            "autoFlowId": task.auto_flow_id, "autoFlowName": task.auto_flow_name,
                            "taskName": task.task_name, "taskStatus": task.task_status,
                        });
                        outgoing.push(Outgoing { access_key: hooks.access_key.clone(), url: url.clone(), payload });
                    }
                }
            }
        }
        (dialed, outgoing)
    }

    /// Where the call-record callback of `task_id` goes, and who signs it.
    pub(crate) fn call_hook(&self, task_id: &str) -> Option<(String, String)> {
        let hooks = self.hooks.get(task_id)?;
        Some((hooks.access_key.clone(), hooks.call_url.clone()?))
    }

    fn task_mut(&mut self, task_id: &str) -> Option<&mut Task> {
        self.tasks.iter_mut().find(|t| t.task_id.as_deref() == Some(task_id))
    }

    /// The tasks, oldest first, for tests and demos.
    pub(crate) fn tasks(&self) -> Vec<Task> {
        self.tasks.clone()
    }

    /// The contacts of a task, in the order they were added.
    pub(crate) fn contacts(&self, task_id: &str) -> Vec<StoredContact> {
        self.contacts.get(task_id).map(|c| c.list.clone()).unwrap_or_default()
    }
}

/// The page of `items` that `page_number` and `page_size` select, and the total.
fn page<T>(items: Vec<T>, page_number: i32, page_size: i32) -> (i64, Vec<T>) {
    let total = items.len() as i64;
    let size = usize::try_from(page_size.max(1)).unwrap_or(1);
    let skip = usize::try_from(page_number.max(1) - 1).unwrap_or(0).saturating_mul(size);
    (total, items.into_iter().skip(skip).take(size).collect())
}

/// True when `endpoint` is the endpoint of `Op`.
pub(crate) fn is<Op: Operation>(endpoint: &nxlink_models::runtime::Endpoint) -> bool {
    endpoint.path == Op::ENDPOINT.path
}
