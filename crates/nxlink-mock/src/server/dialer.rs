//! The dialer and the callbacks: a time-compressed dialer turns pending contacts into
//! call records, and one sender POSTs the signed callbacks in the order they happened.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use http::header;
use nxlink_auth::{Clock, Credentials};

use super::state::{lock, write, Shared};

type Outbox = tokio::sync::mpsc::UnboundedReceiver<(tokio::time::Instant, Vec<crate::family::Outgoing>)>;

/// Starts the callback sender and the dialer. Both hold the state weakly: they stop
/// when the server is gone.
pub(super) fn spawn(state: &Arc<Shared>, mut outbox_rx: Outbox) {
    // One sender for every callback, so that they leave in the order they happened.
    let sender = Arc::downgrade(state);
    tokio::spawn(async move {
        while let Some((due, callbacks)) = outbox_rx.recv().await {
            tokio::time::sleep_until(due).await;
            let Some(state) = sender.upgrade() else { return };
            for callback in callbacks {
                state.deliver(callback).await;
            }
        }
    });
    let dialer = Arc::downgrade(state);
    tokio::spawn(async move {
        loop {
            let Some(state) = dialer.upgrade() else { return };
            let millis = state.dial_ms.load(Ordering::Relaxed);
            let paused = state.dial_paused.load(Ordering::Relaxed);
            drop(state);
            if millis == 0 || paused {
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
            tokio::time::sleep(Duration::from_millis(millis)).await;
            match dialer.upgrade() {
                Some(state) => state.dial_once(),
                None => return,
            }
        }
    });
}

impl Shared {
    /// One dialer step: the calls placed become records that Query Call Records finds.
    pub(super) fn dial_once(self: &Arc<Self>) {
        let (dialed, mut outgoing) = lock(&self.family).dial_step();
        if dialed.is_empty() && outgoing.is_empty() {
            return;
        }
        let now = self.clock.now_millis().div_euclid(1000);
        let mut inserted = write(&self.inserted);
        for (task_id, contact) in dialed {
            let mut record = self.dataset.dialed_record(inserted.dialed, &task_id, now);
            inserted.dialed += 1;
            record.contact_id = Some(contact.contact_id);
            record.callee_phone = Some(contact.phone_number.clone());
            // The number dialed: the batch's dialing code, then the contact's number.
            record.real_phone = Some(format!("{}{}", contact.country_code.unwrap_or_default(), contact.phone_number));
            let mut attributes = Vec::new();
            for (key, value, name) in
                [("sys.name", contact.name.clone(), "Name"), ("sys.phoneNumber", contact.phone_number, "Phone Number")]
                    .into_iter()
                    .map(|(k, v, n)| (k.to_owned(), v, n.to_owned()))
                    .chain(contact.params.into_iter().map(|(n, v)| (n.clone(), v, n)))
            {
                let mut attribute = nxlink_models::Attribute::default();
                (attribute.name, attribute.key, attribute.value) = (Some(name), Some(key), Some(value));
                attributes.push(attribute);
            }
            record.attributes = attributes;
            if let Some((access_key, url)) = lock(&self.family).call_hook(&task_id) {
                if let Ok(payload) = serde_json::to_value(&record) {
                    outgoing.push(crate::family::Outgoing { access_key, url, payload });
                }
            }
            inserted.records.push(record);
        }
        drop(inserted);
        if outgoing.is_empty() {
            return;
        }
        let delivery = *lock(&self.delivery);
        if delivery.out_of_order {
            outgoing.reverse();
        }
        let copies = if delivery.redeliver { 2 } else { 1 };
        let callbacks = outgoing.into_iter().flat_map(|callback| std::iter::repeat_n(callback, copies)).collect();
        // The sender is gone only when the server is.
        let _ = self.outbox.send((tokio::time::Instant::now() + delivery.delay, callbacks));
    }

    /// POSTs one callback, signed with the key pair that created the task; tried again
    /// (three times in all) on a connection error or an answer that is not 2xx.
    pub(super) async fn deliver(&self, callback: crate::family::Outgoing) {
        let Some(secret) = nxlink_auth::SecretStore::secret_for(self.verifier.secrets(), &callback.access_key) else {
            return;
        };
        let signer = nxlink_auth::Signer::new(Credentials::new(callback.access_key.clone(), secret.expose_secret()));
        let body = serde_json::to_vec(&callback.payload).unwrap_or_default();
        for attempt in 0..3 {
            let signed =
                signer.sign(nxlink_auth::DEFAULT_BIZ_TYPE, nxlink_auth::DEFAULT_ACTION, self.clock.now_millis(), &body);
            let mut request = self.http.post(&callback.url).header(header::CONTENT_TYPE, nxlink_models::CONTENT_TYPE);
            for (name, value) in &signed {
                request = request.header(name, value);
            }
            match request.body(body.clone()).send().await {
                Ok(answer) if answer.status().is_success() => return,
                _ => tokio::time::sleep(Duration::from_millis(50 << attempt)).await,
            }
        }
        tracing::warn!(url = %callback.url, "callback not accepted after 3 attempts");
    }
}
