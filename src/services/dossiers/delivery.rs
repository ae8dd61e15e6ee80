//! Invitation delivery through the outbox: ingestion writes an outbox row in the same
//! transaction as the dossier; this worker claims due rows (so that of several instances
//! exactly one sends each), sends them through a sender, retries with backoff, and erases the
//! contact once delivered. Nothing here logs a token, phone or e-mail.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use chrono::Utc;

use crate::db::{dossiers, invitations, outbox, DbPool};
use crate::domain::token;
use crate::secret::SecretKey;
use crate::services::dossiers::ingest::survey_url;

/// One invitation, ready to go out.
#[derive(Clone, serde::Serialize)]
pub struct Delivery {
    /// The same for every attempt at this invitation: a gateway that saw it already can drop
    /// a repeat (after an instance died between sending and recording the send).
    pub idempotency_key: String,
    pub dossier_id: String,
    pub survey_url: String,
    pub expires_at: chrono::DateTime<Utc>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

pub type SendResult<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// Something that takes an invitation to the citizen (SMS gateway, e-mail, a log for development).
pub trait InvitationSender: Send + Sync {
    fn send<'a>(&'a self, delivery: &'a Delivery) -> SendResult<'a>;
}

/// For development: says that an invitation would go out, without its link or contact.
pub struct LogSender;

impl InvitationSender for LogSender {
    fn send<'a>(&'a self, delivery: &'a Delivery) -> SendResult<'a> {
        Box::pin(async move {
            tracing::info!(
                dossier = %delivery.dossier_id,
                by_sms = delivery.phone.is_some(),
                by_email = delivery.email.is_some(),
                "invitation ready (log-only sender; set HAILONG_INVITATION_WEBHOOK to deliver)"
            );
            Ok(())
        })
    }
}

/// POSTs the invitation as JSON to a gateway; any 2xx is a delivery.
pub struct WebhookSender {
    url: String,
    client: reqwest::Client,
}

impl WebhookSender {
    pub fn new(url: String) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self { url, client })
    }
}

impl InvitationSender for WebhookSender {
    fn send<'a>(&'a self, delivery: &'a Delivery) -> SendResult<'a> {
        Box::pin(async move {
            let response = self
                .client
                .post(&self.url)
                .header("Idempotency-Key", &delivery.idempotency_key)
                .json(delivery)
                .send()
                .await
                .map_err(|e| {
                    // reqwest's message can hold the URL but never the body: no contact or token here.
                    format!("webhook unreachable: {}", e.without_url())
                })?;
            if response.status().is_success() {
                Ok(())
            } else {
                Err(format!("webhook answered {}", response.status()))
            }
        })
    }
}

/// Wait before attempt `attempts + 1`: 30 s, 1 min, 2 min, … at most 6 h.
pub fn backoff(attempts: i32) -> chrono::Duration {
    let exponent = u32::try_from(attempts.clamp(0, 20)).unwrap_or(20);
    let seconds = 30i64.saturating_mul(1i64 << exponent.min(20));
    chrono::Duration::seconds(seconds.min(6 * 3600))
}

/// How long a claim on an invitation lasts: if the instance dies before recording the
/// outcome, another sends it after this (with the same idempotency key).
const CLAIM: chrono::TimeDelta = chrono::TimeDelta::minutes(5);
/// Invitations claimed per pass.
pub const BATCH: i64 = 200;
/// Sends in flight at once: a gateway answers in milliseconds to a second; one at a time
/// would cap delivery at its latency.
const IN_FLIGHT: usize = 32;

/// A claimed outbox row, its dossier, and the message to send.
type Claimed = (outbox::OutboxEntry, i32, Delivery);

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub claimed: usize,
    pub delivered: usize,
}

/// Claims and sends what is due once, as `holder` (this instance), `IN_FLIGHT` at a time, and
/// records the outcomes in one transaction.
pub async fn deliver_due(
    pool: &DbPool,
    secret: &SecretKey,
    public_url: &str,
    sender: &dyn InvitationSender,
    holder: &str,
) -> anyhow::Result<Pass> {
    use futures_util::StreamExt;

    let (pool2, secret2, public_url2) = (pool.clone(), secret.clone(), public_url.to_owned());
    let holder = holder.to_owned();
    let (claimed, batch) =
        tokio::task::spawn_blocking(move || -> anyhow::Result<(usize, Vec<Claimed>)> {
            let mut conn = pool2.get()?;
            let now = Utc::now().naive_utc();
            let entries = outbox::claim_due(&mut conn, &holder, now, now + CLAIM, BATCH)?;
            let claimed = entries.len();
            let mut batch = Vec::new();
            for entry in entries {
                let invitation = invitations::by_id(&mut conn, entry.invitation_id)?;
                // Expired meanwhile: its link is forgotten, and the retention rules drop the row.
                let Some(salt) = invitation.token_salt else {
                    continue;
                };
                let dossier = dossiers::by_id(&mut conn, invitation.dossier_id)?;
                let (phone, email) = dossiers::contact(&mut conn, dossier.id)?;
                let token = token::survey_token(&secret2, &salt);
                let idempotency_key = format!("hailong-invitation-{}", entry.invitation_id);
                batch.push((
                    entry,
                    dossier.id,
                    Delivery {
                        idempotency_key,
                        dossier_id: dossier.external_id,
                        survey_url: survey_url(&public_url2, &token),
                        expires_at: invitation.expires_at.and_utc(),
                        phone,
                        email,
                    },
                ));
            }
            Ok((claimed, batch))
        })
        .await??;

    let outcomes: Vec<(outbox::OutboxEntry, i32, Result<(), String>)> =
        futures_util::stream::iter(batch)
            .map(|(entry, dossier_id, delivery)| async move {
                let result = sender.send(&delivery).await;
                (entry, dossier_id, result)
            })
            .buffer_unordered(IN_FLIGHT)
            .collect()
            .await;
    let delivered = outcomes.iter().filter(|(_, _, r)| r.is_ok()).count();
    let pool = pool.clone();
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let mut conn = pool.get()?;
        let now = Utc::now().naive_utc();
        crate::db::transaction(&mut conn, |conn| -> crate::db::QueryResult<()> {
            for (entry, dossier_id, result) in &outcomes {
                match result {
                    Ok(()) => {
                        outbox::mark_delivered(conn, entry.id, entry.attempts + 1, now)?;
                        dossiers::erase_contact(conn, *dossier_id)?;
                    }
                    Err(error) => {
                        tracing::warn!(outbox = entry.id, attempts = entry.attempts + 1, %error, "invitation not delivered; will retry");
                        outbox::mark_failed(
                            conn,
                            entry.id,
                            entry.attempts + 1,
                            now + backoff(entry.attempts),
                            error,
                        )?;
                    }
                }
            }
            Ok(())
        })?;
        Ok(())
    })
    .await??;
    Ok(Pass { claimed, delivered })
}

/// Runs until the process ends, checking the outbox every few seconds.
pub async fn run(
    pool: DbPool,
    secret: SecretKey,
    public_url: String,
    sender: Box<dyn InvitationSender>,
) {
    let holder = format!("{:016x}", rand::random::<u64>());
    let mut tick = tokio::time::interval(Duration::from_secs(3));
    loop {
        tick.tick().await;
        // A full batch means more may be waiting: go on at once rather than at the next tick.
        loop {
            match deliver_due(&pool, &secret, &public_url, sender.as_ref(), &holder).await {
                Ok(pass) if pass.claimed as i64 == BATCH => continue,
                Ok(_) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "outbox pass failed");
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(0).num_seconds(), 30);
        assert_eq!(backoff(1).num_seconds(), 60);
        assert_eq!(backoff(3).num_seconds(), 240);
        assert_eq!(backoff(50).num_seconds(), 6 * 3600);
    }
}
