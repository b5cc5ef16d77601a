//! List Agents: the seeded agents, filtered by name and paged.

use nxlink_models::runtime::JsonValue;
use nxlink_models::{Agent, AgentPage, ListAgents, ListAgentsRequest};

use super::page;
use crate::server::simulate::{Refusal, Simulation};
use crate::server::state::{lock, Shared};

impl Simulation for ListAgents {
    /// `name` is a substring of the agent's name (`autoFlowName`); paging.
    const HONOURED: &'static [&'static str] = &["name", "pageNumber", "pageSize"];
    const REQUEST_FIELDS: &'static [&'static str] = ListAgentsRequest::FIELDS;

    fn simulate(mock: &Shared, _caller: &str, request: &ListAgentsRequest) -> Result<AgentPage, Refusal> {
        let family = lock(&mock.family);
        let name = request.name.as_deref().filter(|n| !n.is_empty());
        let matches: Vec<Agent> = family
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
        Ok(out)
    }
}
