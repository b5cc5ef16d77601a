//! Calls that must take effect once however the network behaves: a task created once,
//! contacts added once.
//!
//! The plain builders (`client.create_task(..).send()`) never send a non-idempotent
//! request again once it may have reached the server; they answer
//! [`Error::MaybeApplied`] instead. These helpers go one step further and find out:
//!
//! - [`Client::create_task_once`] sends the task with a `userTaskId` (the caller's or a
//!   fresh one). When an answer is lost, it lists the tasks created since the call
//!   began with that name and looks for the `userTaskId`: found, it returns that task's
//!   id; not found, the create did not happen and it is sent again.
//! - [`Client::append_contacts_once`] sends contacts in batches whose `contactId`s are
//!   stable (the caller's, or [`stable_contact_id`]), and sends a batch whose answer was
//!   lost again as it was. The service holds contact ids unique, so a contact that
//!   already arrived is not added twice (the mock ignores a repeated id; the vendor's
//!   docs say ids must be globally unique).

use futures_util::TryStreamExt;
use nxlink_models::{AppendContacts, AppendContactsRequest, Contact, CreateTask, CreateTaskRequest};
use sha2::{Digest, Sha256};

use nxlink_auth::Clock;

use crate::{Client, Error};

/// Contacts per append request when the caller does not say: the vendor documents no
/// limit; this keeps one request's body well under a megabyte.
pub const DEFAULT_APPEND_BATCH: usize = 500;

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

/// What [`Client::append_contacts_once`] sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AppendSummary {
    /// Contacts sent (each once as far as the service is concerned).
    pub contacts: usize,
    /// Batches sent.
    pub batches: usize,
    /// Batches sent again because their answer was lost.
    pub batches_resent: usize,
}

impl Client {
    /// Creates a task and returns its id, creating it once even when an answer is lost
    /// (see the [module docs](crate::once)). `request` gets a fresh `userTaskId` when it
    /// has none.
    ///
    /// The task id is read from the answer's `data` (`{"taskId": ...}` or the id
    /// itself); when the answer carries none, the task is looked up by `userTaskId`.
    pub async fn create_task_once(&self, mut request: CreateTaskRequest) -> Result<String, Error> {
        if request.user_task_id.as_deref().is_none_or(|id| id.trim().is_empty()) {
            request.user_task_id = Some(crate::retry::unique_id());
        }
        let user_task_id = request.user_task_id.clone().unwrap_or_default();
        // Tasks created from a little before now: the server's clock may be behind ours.
        let since = self.inner.clock.now_millis().div_euclid(1000) - 300;
        let attempts = self.inner.retry.max_attempts();
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.execute::<CreateTask>(&request).await {
                Ok(answer) => {
                    let data = answer.into_inner();
                    let id = data.get("taskId").unwrap_or(&data).as_str().map(str::to_owned);
                    return match id {
                        Some(id) => Ok(id),
                        None => self.find_task(&request.task_name, &user_task_id, since).await?.ok_or_else(|| {
                            Error::Validation(nxlink_models::runtime::ValidationError::new(
                                "userTaskId",
                                format!("the task was created but neither the answer nor the task list holds its id ({user_task_id})"),
                            ))
                        }),
                    };
                }
                Err(error @ Error::MaybeApplied { .. }) => {
                    if let Some(id) = self.find_task(&request.task_name, &user_task_id, since).await? {
                        tracing::info!(user_task_id, task_id = id, "the lost create had been applied");
                        return Ok(id);
                    }
                    if attempt >= attempts {
                        return Err(error);
                    }
                    tracing::warn!(user_task_id, attempt, "the lost create was not applied; sending it again");
                    tokio::time::sleep(self.inner.retry.delay(attempt, None)).await;
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// The id of the task named `name`, created since `since` (seconds), whose
    /// `userTaskId` is `user_task_id`.
    async fn find_task(&self, name: &str, user_task_id: &str, since: i64) -> Result<Option<String>, Error> {
        let mut tasks = self.list_tasks().task_name(name).create_start_ts(since.max(0)).page_size(100).tasks();
        while let Some(task) = tasks.try_next().await? {
            if task.user_task_id.as_deref() == Some(user_task_id) {
                return Ok(task.task_id);
            }
        }
        Ok(None)
    }

    /// Appends `contacts` to a task in batches of at most `batch_size` (at least 1), each
    /// batch sent again as it was when its answer is lost, so every contact arrives once
    /// (see the [module docs](crate::once)). Contacts need stable `contactId`s: keep your
    /// own, or use [`stable_contact_id`].
    ///
    /// Stops at the first batch the service refuses (or that still has no answer after
    /// the retry budget), with the error; the batches before it were applied.
    pub async fn append_contacts_once(
        &self,
        task_id: &str,
        contacts: Vec<Contact>,
        batch_size: usize,
    ) -> Result<AppendSummary, Error> {
        let mut summary = AppendSummary::default();
        for batch in contacts.chunks(batch_size.max(1)) {
            summary.batches_resent +=
                self.append_batch_once(AppendContactsRequest::new(task_id, batch.to_vec())).await?;
            summary.batches += 1;
            summary.contacts += batch.len();
        }
        Ok(summary)
    }

    /// Sends one append request (a batch), again as it was when its answer is lost (at
    /// most the retry budget), and returns how many times it was sent again. For
    /// callers that send batches concurrently; contacts need stable `contactId`s.
    pub async fn append_batch_once(&self, request: AppendContactsRequest) -> Result<usize, Error> {
        let attempts = self.inner.retry.max_attempts();
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.execute::<AppendContacts>(&request).await {
                Ok(_) => return Ok(attempt as usize - 1),
                Err(Error::MaybeApplied { .. }) if attempt < attempts => {
                    tokio::time::sleep(self.inner.retry.delay(attempt, None)).await;
                }
                Err(error) => return Err(error),
            }
        }
    }
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
}
