use std::fmt::Debug;
use std::hash::Hash;

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{Drift, ValidationError};

/// Where and how an endpoint is called: generated from `spec/endpoints/*.json`, read by
/// the client to build requests and by the mock to route them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    /// The operation's name in the spec, e.g. `QueryCallRecords`.
    pub name: &'static str,
    /// The vendor's title for the page, e.g. "Query Call Records".
    pub summary: &'static str,
    /// HTTP method, upper case.
    pub method: &'static str,
    /// Path below the region's API gateway, starting with `/`.
    pub path: &'static str,
    /// Value of the `bizType` header.
    pub biz_type: &'static str,
    /// Value of the `action` header.
    pub action: &'static str,
    /// Whether sending the request twice has the effect of sending it once. The client
    /// does not retry a non-idempotent call once the request may have reached the
    /// server (see the retry table of `nxlink_client::RetryPolicy`).
    pub idempotent: bool,
    /// Wire name of the request field the client fills with a fresh unique id when it
    /// is unset (see [`Operation::idempotency_key`]).
    pub idempotency_key: Option<&'static str>,
    /// How the endpoint pages, when it does.
    pub pagination: Option<Pagination>,
    /// How the client's `send_once()` makes a call that is not idempotent take effect
    /// once when an answer is lost; `None` for an endpoint with no way declared.
    pub once: Option<Once>,
}

/// How a call that may or may not have been applied is resolved, as the spec declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Once {
    /// Sent again as it was: what the request carries makes a repeat harmless (the
    /// contact ids of an append).
    Resend,
    /// Looked up by the request's idempotency key before it is sent again.
    Lookup(Lookup),
}

/// Where a lost call is looked for: a paginated endpoint listing what it creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lookup {
    /// The list endpoint's operation name (in [`ENDPOINTS`](crate::ENDPOINTS)).
    pub endpoint: &'static str,
    /// The item field holding the request's idempotency key.
    pub key: &'static str,
    /// `(lookup request field, this request's field)`: filters copied from the call.
    pub filters: &'static [(&'static str, &'static str)],
    /// The lookup request field (unix seconds) set to a little before the call began.
    pub since: Option<&'static str>,
    /// The item field, and the answer's `data` field, holding the created thing's id.
    pub result: &'static str,
}

/// The wire names of the fields that drive paging.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pagination {
    /// Request field with the 1-based page number.
    pub page_number: &'static str,
    /// Request field with the page size.
    pub page_size: &'static str,
    /// Response field with the number of matching records.
    pub total: &'static str,
    /// Response field with the page's items.
    pub list: &'static str,
    /// Item field that identifies an item across pages.
    pub item_id: &'static str,
}

/// An endpoint as a type: its metadata, request and response payload.
pub trait Operation {
    /// Where and how it is called.
    const ENDPOINT: Endpoint;
    /// The request body.
    type Request: Serialize + DeserializeOwned + Clone + Debug + Send + Sync + 'static;
    /// The envelope's `data` on success; [`Drift`] tells what in it the spec does not know.
    type Data: Serialize + DeserializeOwned + Debug + Drift + Send + 'static;

    /// Checks the request against the spec's constraints.
    fn validate(request: &Self::Request) -> Result<(), ValidationError>;

    /// What a success with `data: null` (or no `data`) stands for; `None` when the
    /// endpoint's answer must carry data, which makes such an answer a decode error.
    fn empty_data() -> Option<Self::Data>;

    /// The request field the client fills with a fresh unique id when it is unset, so
    /// that a call which may have been applied can be found again; `None` for
    /// endpoints without one.
    fn idempotency_key(request: &mut Self::Request) -> Option<&mut Option<String>> {
        let _ = request;
        None
    }
}

/// The `data` of an endpoint that answers with nothing: `null`, absent, or anything
/// else the server puts there (ignored). Serializes as `null`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoData;

impl Serialize for NoData {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_unit()
    }
}

impl<'de> serde::Deserialize<'de> for NoData {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(deserializer).map(|_| NoData)
    }
}

impl super::Drift for NoData {
    fn drift(&self, _: &mut super::DriftReport) {}
}

/// An operation whose spec declares pagination.
pub trait PaginatedOperation: Operation {
    /// One element of the page's list.
    type Item: Serialize + DeserializeOwned + Debug + Send + 'static;
    /// The type of the item field that identifies an item.
    type ItemId: Eq + Hash + Clone + Debug + Send + Sync + 'static;

    /// The request's page number (1-based).
    fn page_number(request: &Self::Request) -> i64;
    /// Sets the request's page number.
    fn set_page_number(request: &mut Self::Request, page_number: i64);
    /// The request's page size.
    fn page_size(request: &Self::Request) -> i64;
    /// The response's count of all matching items, when sent.
    fn total(data: &Self::Data) -> Option<i64>;
    /// How many items the page holds.
    fn item_count(data: &Self::Data) -> usize;
    /// The page's items, in server order.
    fn into_items(data: Self::Data) -> Vec<Self::Item>;
    /// The item's identity, when sent.
    fn item_id(item: &Self::Item) -> Option<Self::ItemId>;
}
