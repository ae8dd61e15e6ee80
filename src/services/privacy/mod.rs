//! What keeps a response from being tied back to the person who gave it, whoever holds a copy of
//! the database (docs/PRIVACY.md):
//! - `held`: a submission writes only a spent-link mark that the database alone cannot join to
//!   an invitation and the response sealed under the server secret;
//! - `release`: staff see responses in batches, each generalised so that at least k
//!   invitations fit what it says (`anonymity`);
//! - `retention`: what names or reaches a person is erased when the invitation expires, and the
//!   rest of the link past the retention period;
//! - `audit`: `hailong privacy audit` checks the k-anonymity of everything stored;
//! - `upgrade`: bringing a database from before this in line.

pub mod anonymity;
pub mod audit;
pub mod held;
pub mod release;
pub mod retention;
pub mod steps;
pub mod upgrade;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use crate::db::write_gate::WriteGate;
use crate::db::{DbConnection, DbPool};
use crate::secret::SecretKey;
use release::ReleaseRules;

/// Applies pending migrations, with the steps of `upgrade` where they belong.
pub fn migrate(conn: &mut DbConnection, secret: &SecretKey, k: u32) -> anyhow::Result<Vec<String>> {
    let applied = crate::db::run_migrations_with(conn, |conn, version| {
        if version == upgrade::FORGET_ANSWERED {
            let spent = upgrade::spend_answered_links(conn, secret)?;
            tracing::info!(spent, "answered links carried over to spent-link marks");
        }
        Ok(())
    })?;
    if applied.iter().any(|v| v == upgrade::FORGET_ANSWERED) {
        let changed = upgrade::generalise_stored(conn, k)?;
        tracing::info!(changed, k, "stored responses generalised to k-anonymity");
    }
    let coded = upgrade::hash_survey_codes(conn, secret)?;
    if coded > 0 {
        tracing::info!(coded, "open invitations given their survey code");
    }
    let sealed = upgrade::seal_clear_contacts(conn, secret)?;
    if sealed > 0 {
        tracing::info!(
            sealed,
            "contacts kept in clear by an earlier release sealed"
        );
    }
    Ok(applied)
}

/// How often the background pass looks at held responses and what is due to be forgotten.
const PASS_EVERY: Duration = Duration::from_secs(60);
/// The least time between two passes woken by submissions.
const WOKEN_AT_MOST_EVERY: Duration = Duration::from_millis(250);
/// Forgetting runs on every fifth pass.
const FORGET_EVERY_PASSES: u32 = 5;

/// The background work of this module, forever: a release pass every minute and whenever
/// `wake` is notified (a response was stored), the retention rules every five minutes.
pub async fn run(
    pool: DbPool,
    secret: SecretKey,
    rules: ReleaseRules,
    retention_days: u32,
    gate: Arc<WriteGate>,
    wake: Arc<Notify>,
) {
    let mut tick = tokio::time::interval(PASS_EVERY);
    let mut passes: u32 = 0;
    loop {
        let woken = tokio::select! {
            _ = tick.tick() => {
                passes = passes.wrapping_add(1);
                false
            }
            () = wake.notified() => true,
        };
        let forget = passes % FORGET_EVERY_PASSES == 1;
        let (pool, secret, gate) = (pool.clone(), secret.clone(), gate.clone());
        let outcome = tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
            let mut conn = pool.get()?;
            // Woken by a stored response: a batch can be due only once a batch is held. The
            // full pass (the write lock, every held response opened, the invitations counted)
            // would otherwise run at every submission and hold every other writer back; the
            // minute's tick still runs it, for the daily release and the withheld.
            if woken && crate::db::held_responses::count(&mut conn)? < i64::from(rules.batch) {
                return Ok(());
            }
            let _writer = gate.enter();
            let now = crate::clock::now().naive_utc();
            let pass = release::release_due(&mut conn, &secret, rules, now, false)?;
            if pass.released > 0 || pass.withheld > 0 {
                tracing::info!(
                    released = pass.released,
                    withheld = pass.withheld,
                    waiting = pass.waiting,
                    "held responses released"
                );
            }
            if forget {
                let forgotten = retention::forget_due(&mut conn, now, retention_days)?;
                if forgotten != retention::Forgotten::default() {
                    tracing::info!(?forgotten, "expired data forgotten");
                }
            }
            Ok(())
        })
        .await;
        match outcome {
            Ok(Ok(())) => {
                crate::telemetry::metrics::metrics().release_pass_done(crate::clock::now())
            }
            Ok(Err(e)) => tracing::warn!(error = %e, "privacy pass failed; will retry"),
            Err(e) => tracing::warn!(error = %e, "privacy pass panicked; will retry"),
        }
        if woken {
            // Submissions stored meanwhile leave one wake between them: at most a few passes
            // a second, however many arrive.
            tokio::time::sleep(WOKEN_AT_MOST_EVERY).await;
        }
    }
}
