//! The simulated account behind the AI Agent family: seeded agents and routes, tasks
//! and their contacts, where each task's callbacks go, and the dialer's step. The
//! endpoints that read and change it live in `server/endpoints/`.

use std::collections::{BTreeMap, HashSet};

use nxlink_models::{Agent, Route, Task, TaskStats, TaskStatus};
use serde_json::json;

use crate::dataset::SplitMix64;

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
    /// The dialing code sent with the contact's batch (`countryCode`), dialed before
    /// [`phone_number`](Self::phone_number); `None` when the batch had none.
    pub country_code: Option<String>,
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
    pub(crate) agents: Vec<Agent>,
    pub(crate) routes: Vec<Route>,
    /// Oldest first; listed newest first.
    pub(crate) tasks: Vec<Task>,
    pub(crate) contacts: BTreeMap<String, TaskContacts>,
    pub(crate) hooks: BTreeMap<String, Hooks>,
    ids: SplitMix64,
}

/// A task's contacts in the order they were added, with their ids for the duplicate
/// check (a scan per contact made a 100,000-contact append quadratic).
#[derive(Debug, Default)]
pub(crate) struct TaskContacts {
    pub(crate) list: Vec<StoredContact>,
    pub(crate) ids: HashSet<String>,
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
    pub(crate) fn next_task_id(&mut self) -> String {
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

    pub(crate) fn task_mut(&mut self, task_id: &str) -> Option<&mut Task> {
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
