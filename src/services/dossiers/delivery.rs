//! Invitation delivery through the outbox: ingestion writes an outbox row in the same
//! transaction as the dossier; this worker claims due rows (so that of several instances
//! exactly one sends each), sends them through a sender, retries with backoff, queues the next
//! reminder (`domain::reminders`), and erases the contact after the last message. Nothing here
//! logs a token, phone or e-mail.
//!
//! Whether a survey was answered is checked when a message is due, in memory (its link's
//! spent-mark, derived from the secret), and an answered survey's message is recorded exactly
//! as a sent one, its next reminder queued as for anyone: the outbox never tells a copy of the
//! database which invitations were answered. The price: an answered survey's sealed contact is
//! kept until its last reminder's day (at most `HAILONG_REMINDER_DAYS`' last day), not erased
//! at the answer.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;

use super::contact::Contact;
use crate::db::agencies::Agency;
use crate::db::procedures::Procedure;
use crate::db::write_gate::WriteGate;
use crate::db::{dossiers, invitations, outbox, spent_links, DbConnection, DbPool};
use crate::domain::language::Lang;
use crate::domain::reminders::Schedule;
use crate::domain::token;
use crate::secret::SecretKey;
use crate::services::dossiers::ingest::survey_url;
use crate::services::dossiers::quiet::{GatewayMemory, Mirror};

/// One invitation, ready to go out.
#[derive(Clone, serde::Serialize)]
pub struct Delivery {
    /// An invitation (or reminder), or an agency's answer to a follow-up request.
    pub purpose: crate::domain::message_text::Purpose,
    /// The same for every attempt at this message of this invitation: a gateway that saw it
    /// already can drop a repeat (after an instance died between sending and recording it).
    pub idempotency_key: String,
    /// 0 the invitation, 1.. the reminders.
    pub message: i32,
    pub dossier_id: String,
    /// The language of the message (and of the survey page its link opens): `vi` or `en`.
    #[serde(serialize_with = "language_code")]
    pub language: Lang,
    /// Who asks, and about what, named in that language.
    pub agency: String,
    pub procedure: String,
    pub survey_url: String,
    /// Where the citizen stops all further messages about this dossier.
    pub opt_out_url: String,
    pub expires_at: chrono::DateTime<Utc>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

fn language_code<S: serde::Serializer>(lang: &Lang, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(lang.code())
}

impl Delivery {
    /// What the message says, in the words the templates use.
    pub fn facts(&self) -> crate::domain::message_text::MessageFacts<'_> {
        crate::domain::message_text::MessageFacts {
            purpose: self.purpose,
            lang: self.language,
            message: self.message,
            agency: &self.agency,
            procedure: &self.procedure,
            survey_url: &self.survey_url,
            opt_out_url: &self.opt_out_url,
        }
    }
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

/// Wait before attempt `attempts + 1`: 30 s, 1 min, 2 min, … at most 6 h.
pub fn backoff(attempts: i32) -> chrono::Duration {
    let exponent = u32::try_from(attempts.clamp(0, 20)).unwrap_or(20);
    let seconds = 30i64.saturating_mul(1i64 << exponent.min(20));
    chrono::Duration::seconds(seconds.min(6 * 3600))
}

/// When messages go out, and how long a claim on one lasts: if the instance dies before
/// recording the outcome, another sends it after this (with the same idempotency key).
#[derive(Debug, Clone)]
pub struct DeliveryRules {
    pub schedule: Schedule,
    pub claim: chrono::TimeDelta,
}

impl DeliveryRules {
    pub fn of(settings: &crate::config::Settings) -> Self {
        Self {
            schedule: settings.reminders.clone(),
            claim: chrono::TimeDelta::seconds(i64::from(settings.outbox_claim_seconds)),
        }
    }
}

/// Invitations claimed per pass.
pub const BATCH: i64 = 200;
/// Sends in flight at once: a gateway answers in milliseconds to a second; one at a time
/// would cap delivery at its latency.
const IN_FLIGHT: usize = 32;

/// A claimed outbox row, its invitation, and what to do with it.
type Claimed = (outbox::OutboxEntry, invitations::Invitation, Due);

/// A claimed outbox row, its invitation, and how sending it went.
type Outcome = (
    outbox::OutboxEntry,
    invitations::Invitation,
    Result<(), String>,
);

/// What a claimed message comes to.
enum Due {
    /// Send this.
    Send(Box<Delivery>),
    /// Nothing goes out (the survey was answered, or no contact is left), recorded as a real
    /// send of the moment is (`quiet`).
    Quiet,
}

/// One delivery worker (an instance's): the name it claims messages under, and what its
/// gateway last answered (for the messages that go out quietly).
pub struct Worker {
    pub holder: String,
    gateway: GatewayMemory,
}

impl Worker {
    pub fn new(holder: String) -> Self {
        Self {
            holder,
            gateway: GatewayMemory::default(),
        }
    }
}

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub claimed: usize,
    pub delivered: usize,
}

/// Claims and sends what is due once, as `worker` (this instance), `IN_FLIGHT` at a time, and
/// records the outcomes (and the reminders that follow) as they come, `IN_FLIGHT` at a time.
pub async fn deliver_due(
    pool: &DbPool,
    secret: &SecretKey,
    public_url: &str,
    rules: &DeliveryRules,
    sender: &dyn InvitationSender,
    worker: &Worker,
    gate: &Arc<WriteGate>,
) -> anyhow::Result<Pass> {
    use futures_util::StreamExt;

    let (pool2, secret2, public_url2) = (pool.clone(), secret.clone(), public_url.to_owned());
    let holder = worker.holder.clone();
    let claim = rules.claim;
    let gate2 = gate.clone();
    let (claimed, batch) = tokio::task::spawn_blocking(move || {
        let mut conn = pool2.get()?;
        // SQLite: one writer at a time, queued here rather than failing as "locked".
        let _writer = gate2.enter();
        claim_batch(&mut conn, &secret2, &public_url2, &holder, claim)
    })
    .await??;

    // Outcomes are recorded a chunk at a time as sends finish, not once for the whole batch:
    // if this instance dies, what it sent but had not recorded (and goes again, with the same
    // key, after the claim lapses) is at most a chunk and what is in flight, not the batch.
    // Quiet messages after the real ones: each takes the outcome of a real send (`quiet`).
    let mut batch = batch;
    batch.sort_by_key(|(_, _, due)| matches!(due, Due::Quiet));
    let real = batch
        .iter()
        .filter(|(_, _, due)| matches!(due, Due::Send(_)))
        .count();
    let mirror = Mirror::new(&worker.gateway, real);
    let mirror = &mirror;
    let mut sent = futures_util::stream::iter(batch)
        .map(|(entry, invitation, due)| async move {
            let result = match &due {
                Due::Send(delivery) => {
                    let result = sender.send(delivery).await;
                    mirror.sent(&result);
                    result
                }
                Due::Quiet => mirror.quiet().await,
            };
            (entry, invitation, result)
        })
        .buffer_unordered(IN_FLIGHT)
        .ready_chunks(IN_FLIGHT);
    let mut delivered = 0;
    // What was sent must be recorded before the claim lapses, or another instance sends it
    // again: a failed record (no connection free under load, a transaction that failed) is
    // tried again, with a growing pause, until the claim's end is near.
    let record_until =
        std::time::Instant::now() + rules.claim.to_std().unwrap_or_default().mul_f64(0.8);
    while let Some(outcomes) = sent.next().await {
        delivered += outcomes.iter().filter(|(_, _, r)| r.is_ok()).count();
        let outcomes = Arc::new(outcomes);
        let mut pause = Duration::from_millis(100);
        loop {
            match record(pool, &rules.schedule, gate, outcomes.clone()).await {
                Ok(()) => break,
                Err(e) if std::time::Instant::now() + pause < record_until => {
                    tracing::warn!(error = %e, messages = outcomes.len(), "recording sent messages failed; trying again");
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(5));
                }
                Err(e) => return Err(e),
            }
        }
    }
    Ok(Pass { claimed, delivered })
}

/// Records sends' outcomes in one transaction: delivered (and the reminders that follow), or
/// failed with the time of the next attempt.
async fn record(
    pool: &DbPool,
    schedule: &Schedule,
    gate: &Arc<WriteGate>,
    outcomes: Arc<Vec<Outcome>>,
) -> anyhow::Result<()> {
    let (pool, schedule, gate) = (pool.clone(), schedule.clone(), gate.clone());
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let mut conn = pool.get()?;
        let _writer = gate.enter();
        let now = crate::clock::now().naive_utc();
        crate::db::transaction(&mut conn, |conn| -> crate::db::QueryResult<()> {
            for (entry, invitation, result) in outcomes.iter() {
                match result {
                    Ok(()) => {
                        outbox::mark_delivered(conn, entry.id, entry.attempts + 1, now)?;
                        follow_up(conn, &schedule, entry, invitation)?;
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
    .await?
}

/// Claims due messages for `holder` and works out each one: what to send, or nothing.
fn claim_batch(
    conn: &mut DbConnection,
    secret: &SecretKey,
    public_url: &str,
    holder: &str,
    claim: chrono::TimeDelta,
) -> anyhow::Result<(usize, Vec<Claimed>)> {
    let now = crate::clock::now().naive_utc();
    let entries = outbox::claim_due(conn, holder, now, claim, BATCH)?;
    let claimed = entries.len();
    // A batch's messages mostly name the same few agencies and procedures: read each once.
    let mut agencies: HashMap<i32, Agency> = HashMap::new();
    let mut procedures: HashMap<i32, Procedure> = HashMap::new();
    let mut batch = Vec::with_capacity(claimed);
    for entry in entries {
        let invitation = invitations::by_id(conn, entry.invitation_id)?;
        // Expired meanwhile: its link is forgotten, and the retention rules drop the row.
        let Some(salt) = invitation.token_salt.as_deref() else {
            continue;
        };
        let token = token::survey_token(secret, salt);
        let answered = spent_links::is_spent(conn, &token::spent_key(secret, &token))?;
        let dossier = dossiers::by_id(conn, invitation.dossier_id)?;
        let contact = if answered {
            None
        } else {
            Contact::of_dossier(conn, secret, dossier.id)?.filter(|c| !c.is_empty())
        };
        let Some(contact) = contact else {
            batch.push((entry, invitation, Due::Quiet));
            continue;
        };
        let agency = cached(&mut agencies, dossier.agency_id, |id| {
            crate::db::agencies::by_id(conn, id)
        })?;
        let procedure = cached(&mut procedures, dossier.procedure_id, |id| {
            crate::db::procedures::by_id(conn, id)
        })?;
        let language = contact
            .language
            .as_deref()
            .and_then(Lang::parse)
            .unwrap_or(Lang::VI);
        let link = survey_url(public_url, &token);
        let delivery = Delivery {
            purpose: crate::domain::message_text::Purpose::Invitation,
            idempotency_key: message_key(entry.invitation_id, entry.message),
            message: entry.message,
            dossier_id: dossier.external_id,
            language,
            agency: language.pick(&agency.name_vi, &agency.name_en).to_owned(),
            procedure: language
                .pick(&procedure.name_vi, &procedure.name_en)
                .to_owned(),
            opt_out_url: format!("{link}/stop?lang={}", language.code()),
            // The page opens in the message's language (it remembers the choice).
            survey_url: crate::domain::message_text::in_language(&link, language),
            expires_at: invitation.expires_at.and_utc(),
            phone: contact.phone,
            email: contact.email,
        };
        batch.push((entry, invitation, Due::Send(Box::new(delivery))));
    }
    Ok((claimed, batch))
}

/// The row of `cache` for `id`, read by `load` the first time.
fn cached<T>(
    cache: &mut HashMap<i32, T>,
    id: i32,
    load: impl FnOnce(i32) -> crate::db::QueryResult<T>,
) -> crate::db::QueryResult<&T> {
    Ok(match cache.entry(id) {
        std::collections::hash_map::Entry::Occupied(row) => row.into_mut(),
        std::collections::hash_map::Entry::Vacant(slot) => slot.insert(load(id)?),
    })
}

/// The idempotency key of message `message` of an invitation, the same on every attempt.
pub fn message_key(invitation_id: i32, message: i32) -> String {
    format!("hailong-invitation-{invitation_id}-{message}")
}

/// The invitation a [`message_key`] names; `None` when the text is not one.
pub fn invitation_of_message_key(key: &str) -> Option<i32> {
    let (id, message) = key.strip_prefix("hailong-invitation-")?.split_once('-')?;
    message.parse::<u32>().ok()?;
    id.parse().ok()
}

/// After a message: the next reminder, when one is left and due while the survey is open and
/// the citizen did not opt out; otherwise the contact is erased (nothing more will go out).
fn follow_up(
    conn: &mut DbConnection,
    schedule: &Schedule,
    entry: &outbox::OutboxEntry,
    invitation: &invitations::Invitation,
) -> crate::db::QueryResult<()> {
    let next = usize::try_from(entry.message + 1).unwrap_or(usize::MAX);
    let next_at = schedule
        .due(next, invitation.created_at.and_utc())
        .map(|at| at.naive_utc())
        .filter(|at| *at < invitation.expires_at);
    match next_at {
        Some(at) if !invitations::opted_out(conn, invitation.id)? => {
            invitations::enqueue_delivery(conn, invitation.id, entry.message + 1, at)
        }
        _ => dossiers::erase_contact(conn, invitation.dossier_id),
    }
}

/// Runs until the process ends, checking the outbox every few seconds.
pub async fn run(
    pool: DbPool,
    secret: SecretKey,
    public_url: String,
    rules: DeliveryRules,
    sender: Box<dyn InvitationSender>,
    gate: Arc<WriteGate>,
) {
    let worker = Worker::new(format!("{:016x}", rand::random::<u64>()));
    let mut tick = tokio::time::interval(Duration::from_secs(3));
    loop {
        tick.tick().await;
        // A full batch means more may be waiting: go on at once rather than at the next tick.
        loop {
            match deliver_due(
                &pool,
                &secret,
                &public_url,
                &rules,
                sender.as_ref(),
                &worker,
                &gate,
            )
            .await
            {
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
