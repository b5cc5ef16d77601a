//! List Tasks: the tasks created (and the demo task), newest first, filtered and paged.

use nxlink_models::{ListTasks, ListTasksRequest, Task, TaskPage};

use super::page;
use crate::server::simulate::{Refusal, Simulation};
use crate::server::state::{lock, Shared};

impl Simulation for ListTasks {
    /// `taskName` is a substring of the task's name; `taskStatus` exact;
    /// `createStartTs` / `createEndTs` inclusive on `createTs`; `min/maxTaskTotalQuantity`
    /// inclusive on the task's contact count; paging. The answered-rate filters are not
    /// simulated: the mock keeps no answered rate.
    const HONOURED: &'static [&'static str] = &[
        "taskName",
        "taskStatus",
        "createStartTs",
        "createEndTs",
        "minTaskTotalQuantity",
        "maxTaskTotalQuantity",
        "pageNumber",
        "pageSize",
    ];
    const REQUEST_FIELDS: &'static [&'static str] = ListTasksRequest::FIELDS;

    fn simulate(mock: &Shared, _caller: &str, request: &ListTasksRequest) -> Result<TaskPage, Refusal> {
        let family = lock(&mock.family);
        let quantity = |t: &Task| t.stat_info.as_ref().and_then(|s| s.total_order_count).map_or(0, i64::from);
        let name = request.task_name.as_deref().filter(|n| !n.is_empty());
        let matches: Vec<Task> = family
            .tasks
            .iter()
            .rev()
            .filter(|t| {
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
        Ok(out)
    }
}
