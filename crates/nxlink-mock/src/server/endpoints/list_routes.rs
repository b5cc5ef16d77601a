//! List Routes: the seeded routes, filtered by name and paged.

use nxlink_models::runtime::JsonValue;
use nxlink_models::{ListRoutes, ListRoutesRequest, Route, RoutePage};

use super::page;
use crate::server::simulate::{Refusal, Simulation};
use crate::server::state::{lock, Shared};

impl Simulation for ListRoutes {
    /// `routeName` is a substring of the route's name; paging.
    const HONOURED: &'static [&'static str] = &["routeName", "pageNumber", "pageSize"];
    const REQUEST_FIELDS: &'static [&'static str] = ListRoutesRequest::FIELDS;

    fn simulate(mock: &Shared, _caller: &str, request: &ListRoutesRequest) -> Result<RoutePage, Refusal> {
        let family = lock(&mock.family);
        let name = request.route_name.as_deref().filter(|n| !n.is_empty());
        let matches: Vec<Route> = family
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
        Ok(out)
    }
}
