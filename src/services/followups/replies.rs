//! Sends agencies' answers to follow-up requests through the delivery channels: each answer
//! as a message with its link (where the citizen reads it and rates the handling), claimed so
//! that of several instances one sends it, retried with the invitations' backoff, with an
//! idempotency key of its own. Nothing here logs a contact or a link.

use std::sync::Arc;
use std::time::Duration;

use crate::db::write_gate::WriteGate;
use crate::db::{agencies, followups, DbPool};
use crate::domain::language::Lang;
use crate::domain::message_text::Purpose;
use crate::secret::SecretKey;
use crate::services::dossiers::delivery::{backoff, Delivery, InvitationSender};

/// Answers claimed per pass.
const BATCH: i64 = 50;
/// How long a claim lasts before another instance may send the answer.
const CLAIM: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

/// The link where the citizen reads an answer.
pub fn answer_url(public_url: &str, token: &str) -> String {
    format!("{}/help/answer/{token}", public_url.trim_end_matches('/'))
}

/// Claims and sends the answers that are due once; how many were sent.
pub async fn deliver_due(
    pool: &DbPool,
    secret: &SecretKey,
    public_url: &str,
    sender: &dyn InvitationSender,
    gate: &Arc<WriteGate>,
) -> anyhow::Result<usize> {
    let (pool2, secret2, public_url2) = (pool.clone(), secret.clone(), public_url.to_owned());
    let gate2 = gate.clone();
    let claimed =
        tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<(i32, i32, Delivery)>> {
            let mut conn = pool2.get()?;
            // SQLite: one writer at a time, queued here rather than failing as "locked".
            let _writer = gate2.enter();
            let now = crate::clock::now().naive_utc();
            // A few random microseconds apart: two instances claiming at once hold different marks.
            let lease = CLAIM + chrono::TimeDelta::microseconds(rand::random_range(0..1_000_000));
            let mut out = Vec::new();
            for row in followups::claim_replies(&mut conn, now, lease, BATCH)? {
                let opened = super::open(&secret2, row);
                let Some(contact) = opened.contact.filter(|c| !c.is_empty()) else {
                    continue;
                };
                let agency = agencies::by_id(&mut conn, opened.row.agency_id)?;
                let language = Lang::parse(&opened.row.language).unwrap_or(Lang::VI);
                let token = super::answer_token(&secret2, opened.row.id);
                let link = answer_url(&public_url2, &token);
                let delivery = Delivery {
                    purpose: Purpose::FollowUpAnswer,
                    idempotency_key: format!("hailong-followup-{}", opened.row.id),
                    message: 0,
                    dossier_id: String::new(),
                    language,
                    agency: language.pick(&agency.name_vi, &agency.name_en).to_owned(),
                    procedure: String::new(),
                    survey_url: crate::domain::message_text::in_language(&link, language),
                    opt_out_url: String::new(),
                    expires_at: (now + super::CONTACT_KEPT_AFTER_ANSWER).and_utc(),
                    phone: contact.phone,
                    email: contact.email,
                };
                out.push((opened.row.id, opened.row.reply_attempts, delivery));
            }
            Ok(out)
        })
        .await??;
    let mut outcomes = Vec::with_capacity(claimed.len());
    for (id, attempts, delivery) in &claimed {
        outcomes.push((*id, *attempts, sender.send(delivery).await));
    }
    let sent = outcomes.iter().filter(|(_, _, r)| r.is_ok()).count();
    let pool = pool.clone();
    let gate = gate.clone();
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let mut conn = pool.get()?;
        let _writer = gate.enter();
        let now = crate::clock::now().naive_utc();
        for (id, attempts, result) in outcomes {
            match result {
                Ok(()) => followups::reply_sent(&mut conn, id, attempts + 1, now)?,
                Err(error) => {
                    tracing::warn!(followup = id, attempts = attempts + 1, %error, "answer to a follow-up request not delivered; will retry");
                    followups::reply_failed(&mut conn, id, attempts + 1, now + backoff(attempts), &error)?;
                }
            }
        }
        Ok(())
    })
    .await??;
    Ok(sent)
}

/// Runs until the process ends, looking for answers to send every few seconds.
pub async fn run(
    pool: DbPool,
    secret: SecretKey,
    public_url: String,
    sender: Box<dyn InvitationSender>,
    gate: Arc<WriteGate>,
) {
    let mut tick = tokio::time::interval(Duration::from_secs(5));
    loop {
        tick.tick().await;
        if let Err(e) = deliver_due(&pool, &secret, &public_url, sender.as_ref(), &gate).await {
            tracing::warn!(error = %e, "follow-up answers pass failed");
        }
    }
}
