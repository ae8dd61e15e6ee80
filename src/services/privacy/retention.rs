//! What is forgotten, and when (docs/PRIVACY.md):
//! - when an invitation expires, answered or not: the salt that rebuilds its link, the
//!   applicant's keyed hash, the contact, and any undelivered message. Never by the submission
//!   itself, which would mark the one that was answered;
//! - `retention_days` after it expired: the invitation itself (its token hash: the link then
//!   answers "unknown"), and once every invitation of a quarter is gone, the spent-link marks
//!   of that quarter;
//! - each day: the previous days' per-identity counts of verified surveys;
//! - expired e-ID sign-ins;
//! - a follow-up request's contact, 30 days after the agency answered it.
//!
//! Kept for the census (METHODOLOGY §7) as long as the scores it defines: each dossier's
//! agency, procedure, applicant kind, channel, times and whether it was invited; nothing that
//! names or reaches the applicant.

use chrono::{Duration, NaiveDateTime};

use crate::db::{dossiers, eid_daily_counts, invitations, spent_links, DbConnection};
use crate::domain::period::{today, Quarter};
use crate::services::eid::sign_in;

const BATCH: i64 = 1_000;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Forgotten {
    /// Expired invitations whose salt, applicant and contact were erased.
    pub erased: usize,
    /// Invitations deleted past the retention period.
    pub purged: usize,
    pub spent_marks: usize,
    pub daily_counts: usize,
    pub sign_ins: usize,
    /// Survey rate-limit windows (PostgreSQL) that ended more than two minutes ago.
    pub rate_windows: usize,
    /// Follow-up requests whose contact was erased, 30 days after the agency's answer.
    pub followup_contacts: usize,
    /// Wrong codes typed at kiosks, once past their rate limit's window.
    pub kiosk_failures: usize,
    /// The integrity rules' counters past their use (kiosk hours, address days).
    pub integrity_counts: usize,
}

/// One pass of every rule above. On SQLite, call it holding the write gate.
pub fn forget_due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    retention_days: u32,
) -> crate::db::QueryResult<Forgotten> {
    let mut done = Forgotten::default();
    loop {
        let expired = invitations::expired_unerased(conn, now, BATCH)?;
        if expired.is_empty() {
            break;
        }
        let (ids, dossier_ids): (Vec<i32>, Vec<i32>) = expired.into_iter().unzip();
        crate::db::transaction(conn, |conn| {
            invitations::erase_salts(conn, &ids)?;
            dossiers::erase_identity(conn, &dossier_ids)?;
            crate::db::outbox::drop_undelivered(conn, &ids)
        })?;
        done.erased += ids.len();
    }
    let horizon = now - Duration::days(i64::from(retention_days));
    loop {
        let old = invitations::expired_before(conn, horizon, BATCH)?;
        if old.is_empty() {
            break;
        }
        crate::db::transaction(conn, |conn| invitations::delete_with_outbox(conn, &old))?;
        done.purged += old.len();
    }
    for quarter in spent_links::quarters(conn)? {
        let Ok(q) = quarter.parse::<Quarter>() else {
            continue;
        };
        let (from, to) = (q.start().naive_utc(), q.next().start().naive_utc());
        if to <= now && !invitations::any_for_completed_between(conn, from, to)? {
            done.spent_marks += spent_links::delete_quarter(conn, &quarter)?;
        }
    }
    done.daily_counts = eid_daily_counts::purge_before(conn, today())?;
    done.sign_ins = sign_in::purge_expired(conn)?;
    done.rate_windows =
        crate::db::survey_rate_windows::purge_before(conn, now - Duration::minutes(3))?;
    done.followup_contacts = crate::services::followups::forget_contacts(conn, now)?;
    done.kiosk_failures = crate::services::kiosks::forget_failures(conn, now)?;
    done.integrity_counts = crate::services::integrity::forget(conn, now.and_utc())?;
    Ok(done)
}
