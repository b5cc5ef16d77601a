//! Create Task: checks the agent, the route and that `userTaskId` is unused, then keeps
//! the task (ready, no contacts) and where its callbacks go.
//!
//! The task create answers `data: {"taskId": "..."}` (the docs cut off before the
//! response; a task id is what the create page implies). A `userTaskId` already used
//! is refused, so a create sent twice cannot make two tasks.

use nxlink_auth::Clock;
use nxlink_models::runtime::JsonValue;
use nxlink_models::{CreateTask, CreateTaskRequest, Task, TaskStats, TaskStatus};
use serde_json::json;

use crate::family::{Hooks, TaskContacts};
use crate::server::simulate::{business, Refusal, Simulation};
use crate::server::state::{lock, Shared};

impl Simulation for CreateTask {
    /// `autoFlowId` and `routeId` must name a seeded agent and route; `userTaskId` must
    /// be unused; the callback URLs are where the dialer's callbacks go; the rest is
    /// kept on the task and listed back by List Tasks (`startupType` and `taskKeep`
    /// included: the dialer starts every ready task alike and no task ends by itself).
    const HONOURED: &'static [&'static str] = &[
        "userTaskId",
        "other",
        "taskName",
        "taskDesc",
        "autoFlowId",
        "routeId",
        "taskKeep",
        "startupType",
        "taskCallbackUrl",
        "callCallbackUrl",
    ];
    const REQUEST_FIELDS: &'static [&'static str] = CreateTaskRequest::FIELDS;

    fn simulate(mock: &Shared, caller: &str, request: &CreateTaskRequest) -> Result<JsonValue, Refusal> {
        let now_secs = mock.clock.now_millis().div_euclid(1000);
        let mut family = lock(&mock.family);
        if !family.agents.iter().any(|a| a.auto_flow_id == Some(request.auto_flow_id)) {
            return Err(business(format!("autoFlowId {} is not an agent of this account", request.auto_flow_id)));
        }
        if !family.routes.iter().any(|r| r.route_id.as_deref() == Some(request.route_id.as_str())) {
            return Err(business(format!("routeId `{}` is not a route of this account", request.route_id)));
        }
        if let Some(user_task_id) = request.user_task_id.as_deref().filter(|id| !id.is_empty()) {
            if family.tasks.iter().any(|t| t.user_task_id.as_deref() == Some(user_task_id)) {
                return Err(business(format!("userTaskId `{user_task_id}` is already used by another task")));
            }
        }
        let task_id = family.next_task_id();
        let mut task = Task::default();
        task.id = Some(family.tasks.len() as i64 + 1);
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
        family.tasks.push(task);
        family.contacts.insert(task_id.clone(), TaskContacts::default());
        let url = |u: &Option<String>| u.clone().filter(|u| !u.is_empty());
        family.hooks.insert(
            task_id.clone(),
            Hooks {
                access_key: caller.to_owned(),
                call_url: url(&request.call_callback_url),
                task_url: url(&request.task_callback_url),
            },
        );
        Ok(json!({ "taskId": task_id }))
    }
}
