//! Calls that must take effect once however the network behaves: `send_once()` on the
//! builder of any endpoint that is not idempotent.
//!
//! The plain `send()` never sends a non-idempotent request again once it may have
//! reached the server; it answers [`Error::MaybeApplied`] instead. `send_once()` goes one
//! step further and finds out, the way the spec declares for the endpoint
//! ([`Endpoint::once`](nxlink_models::runtime::Endpoint::once)):
//!
//! - [`Once::Resend`]: the request is sent again as it was; what it carries makes a
//!   repeat harmless (an append's contact ids are unique: keep your own, or use
//!   [`stable_contact_id`]).
//! - [`Once::Lookup`]: the request carries its idempotency key (the caller's, or a
//!   fresh one); when an answer is lost, the list endpoint the spec names is searched
//!   for an item with that key, created since the call began. Found, its id is the
//!   answer; not found, the call did not happen and is sent again.
//!
//! Nothing here names an endpoint: a new endpoint that declares its way in the spec
//! gets the same guarantee.

use nxlink_auth::Clock;
use nxlink_models::runtime::{Lookup, Once, Operation};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::{Client, Error, RequestBuilder};

/// A contact id derived from the task id and the phone number: the same inputs always
/// give the same id, so sending a contact list twice adds nobody twice.
///
/// The id is the SHA-256 of `nxlink-contact:{task_id}:{phone_number}` (the phone number
/// with surrounding blanks removed), its first 16 bytes written as a UUID (version 8,
/// "custom"): 36 characters, like the ids in the vendor's examples.
pub fn stable_contact_id(task_id: &str, phone_number: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"nxlink-contact:")
        .chain_update(task_id.as_bytes())
        .chain_update(b":")
        .chain_update(phone_number.trim().as_bytes())
        .finalize();
    let mut bytes = [0_u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x80; // version 8
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
    let hex = hex::encode(bytes);
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

/// How far before the call began the lookup starts listing, in seconds: the server's
/// clock may be behind ours.
const LOOKUP_SLACK_SECS: i64 = 300;

/// Items asked for per page of a lookup.
const LOOKUP_PAGE_SIZE: i64 = 100;

/// What [`send_once`](RequestBuilder::send_once) did.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Applied<T> {
    /// The answer's payload, when the call that took effect was answered; `None` when a
    /// lookup found what a call whose answer was lost had made.
    pub data: Option<T>,
    /// The id of what the call made (the spec's `result` field of a lookup: a create's
    /// `taskId`), from the answer or the lookup; `None` for a resend.
    pub id: Option<String>,
    /// Times the request was sent again because its answer was lost.
    pub resent: u32,
}

impl<Op: Operation> RequestBuilder<Op> {
    /// Sends the request so that it takes effect once even when answers are lost, the
    /// way the spec declares for the endpoint (see the [module docs](crate::once)). An
    /// idempotent endpoint is simply sent. Gives up after the retry policy's
    /// `max_attempts` sends, with the last error.
    ///
    /// ```no_run
    /// # async fn run(client: nxlink_client::Client) -> Result<(), nxlink_client::Error> {
    /// use nxlink_client::StartupType;
    /// let created = client.create_task("March survey", 207, "y29ND1X4", 0, StartupType::Manual).send_once().await?;
    /// let task_id = created.id.expect("a create answers its id");
    /// # Ok(()) }
    /// ```
    pub async fn send_once(self) -> Result<Applied<Op::Data>, Error> {
        let endpoint = Op::ENDPOINT;
        let (client, mut request) = self.into_parts();
        match endpoint.once {
            None if endpoint.idempotent => {
                let data = client.execute::<Op>(&request).await?.into_inner();
                Ok(Applied { data: Some(data), id: None, resent: 0 })
            }
            None => Err(Error::Validation(nxlink_models::runtime::ValidationError::new(
                endpoint.name,
                "the spec declares no way to send this call once (`exactlyOnce`); use send() and resolve MaybeApplied",
            ))),
            Some(Once::Resend) => client.resend_until_answered::<Op>(&request).await,
            Some(Once::Lookup(lookup)) => {
                // The same key on every send, so the lookup can find any of them.
                if let Some(slot) = Op::idempotency_key(&mut request) {
                    if slot.as_deref().is_none_or(|key| key.trim().is_empty()) {
                        *slot = Some(crate::retry::unique_id());
                    }
                }
                client.send_or_find::<Op>(&request, lookup).await
            }
        }
    }
}

impl Client {
    async fn resend_until_answered<Op: Operation>(&self, request: &Op::Request) -> Result<Applied<Op::Data>, Error> {
        let attempts = self.inner.retry.max_attempts();
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.execute::<Op>(request).await {
                Ok(answer) => return Ok(Applied { data: Some(answer.into_inner()), id: None, resent: attempt - 1 }),
                Err(Error::MaybeApplied { .. }) if attempt < attempts => {
                    tracing::warn!(endpoint = Op::ENDPOINT.name, attempt, "answer lost; sending again as it was");
                    tokio::time::sleep(self.inner.retry.delay(attempt, None)).await;
                }
                Err(error) => return Err(error),
            }
        }
    }

    async fn send_or_find<Op: Operation>(
        &self,
        request: &Op::Request,
        lookup: Lookup,
    ) -> Result<Applied<Op::Data>, Error> {
        let fields = match serde_json::to_value(request) {
            Ok(Value::Object(fields)) => fields,
            _ => Map::new(),
        };
        let key = Op::ENDPOINT.idempotency_key.and_then(|k| fields.get(k)).and_then(Value::as_str).unwrap_or("");
        let since = self.inner.clock.now_millis().div_euclid(1000) - LOOKUP_SLACK_SECS;
        let attempts = self.inner.retry.max_attempts();
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.execute::<Op>(request).await {
                Ok(answer) => {
                    let data = answer.into_inner();
                    let id = match id_in(&serde_json::to_value(&data).unwrap_or(Value::Null), lookup.result) {
                        Some(id) => id,
                        // Created, but the answer does not say its id: the list does.
                        None => self.find(lookup, &fields, key, since).await?.ok_or_else(|| {
                            Error::Validation(nxlink_models::runtime::ValidationError::new(
                                lookup.key,
                                format!("created, but neither the answer nor {} holds its id ({key})", lookup.endpoint),
                            ))
                        })?,
                    };
                    return Ok(Applied { data: Some(data), id: Some(id), resent: attempt - 1 });
                }
                Err(error @ Error::MaybeApplied { .. }) => {
                    if let Some(id) = self.find(lookup, &fields, key, since).await? {
                        tracing::info!(endpoint = Op::ENDPOINT.name, key, id, "the lost call had been applied");
                        return Ok(Applied { data: None, id: Some(id), resent: attempt - 1 });
                    }
                    if attempt >= attempts {
                        return Err(error);
                    }
                    tracing::warn!(
                        endpoint = Op::ENDPOINT.name,
                        key,
                        attempt,
                        "the lost call was not applied; sending again"
                    );
                    tokio::time::sleep(self.inner.retry.delay(attempt, None)).await;
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// The `result` of the item of `lookup.endpoint` whose `key` field is `key`, listed
    /// with the call's filters since `since`.
    async fn find(
        &self,
        lookup: Lookup,
        call: &Map<String, Value>,
        key: &str,
        since: i64,
    ) -> Result<Option<String>, Error> {
        let Some(endpoint) = nxlink_models::ENDPOINTS.iter().copied().find(|e| e.name == lookup.endpoint) else {
            return Ok(None);
        };
        let Some(paging) = endpoint.pagination else { return Ok(None) };
        let mut body = Map::new();
        for (theirs, ours) in lookup.filters {
            if let Some(value) = call.get(*ours) {
                body.insert((*theirs).to_owned(), value.clone());
            }
        }
        if let Some(field) = lookup.since {
            body.insert(field.to_owned(), since.max(0).into());
        }
        body.insert(paging.page_size.to_owned(), LOOKUP_PAGE_SIZE.into());
        let mut page_number = 1_i64;
        loop {
            body.insert(paging.page_number.to_owned(), page_number.into());
            let page = self.execute_json(endpoint, body.clone()).await?.into_inner();
            let items = page.get(paging.list).and_then(Value::as_array).cloned().unwrap_or_default();
            if let Some(id) = items.iter().find(|item| item.get(lookup.key).and_then(Value::as_str) == Some(key)) {
                return Ok(id_in(id, lookup.result));
            }
            let total = page.get(paging.total).and_then(|t| t.as_i64().or_else(|| t.as_str()?.trim().parse().ok()));
            if items.is_empty() || total.is_some_and(|total| page_number * LOOKUP_PAGE_SIZE >= total) {
                return Ok(None);
            }
            page_number += 1;
        }
    }
}

/// The id in an answer's `data` or a listed item: its `field`, or the value itself when
/// it is a string (a create answered with the bare id).
fn id_in(value: &Value, field: &str) -> Option<String> {
    value.get(field).unwrap_or(value).as_str().filter(|id| !id.is_empty()).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_ids_depend_on_task_and_phone_only() {
        let id = stable_contact_id("task-1", "8613000000001");
        assert_eq!(id, stable_contact_id("task-1", " 8613000000001 "), "blanks around the number do not count");
        assert_ne!(id, stable_contact_id("task-2", "8613000000001"));
        assert_ne!(id, stable_contact_id("task-1", "8613000000002"));
        let parts: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(parts, [8, 4, 4, 4, 12], "{id}");
        assert_eq!(&id[14..15], "8", "version 8: {id}");
        // Pinned (and re-computed independently with Python's hashlib): a change to the
        // derivation would add every contact of a re-run a second time.
        assert_eq!(
            stable_contact_id("52145b00-abc9-4a87-94c2-ed1e1e42ec1c", "85238531065"),
            "4903a95c-f25a-8556-9714-f3a3e6511d49"
        );
    }

    #[test]
    fn an_id_is_read_from_its_field_or_from_a_bare_string() {
        assert_eq!(id_in(&serde_json::json!({"taskId": "t-1"}), "taskId").as_deref(), Some("t-1"));
        assert_eq!(id_in(&serde_json::json!("t-2"), "taskId").as_deref(), Some("t-2"));
        assert_eq!(id_in(&serde_json::json!({"taskId": ""}), "taskId"), None);
        assert_eq!(id_in(&serde_json::json!({"other": 1}), "taskId"), None);
        assert_eq!(id_in(&Value::Null, "taskId"), None);
    }
}
