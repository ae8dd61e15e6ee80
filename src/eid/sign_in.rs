//! The bookkeeping of one e-ID sign-in, from the survey's "sign in" button to the stored
//! response. The browser holds a random handle (cookie `hl_eid`); the database keeps its keyed
//! hash, the invitation, and until the provider answers the state's hash, the nonce and the
//! PKCE verifier. After a successful check only `verified` remains, and the submission deletes
//! the row in its own transaction.

use chrono::{Duration, NaiveDateTime, Utc};

use super::client::Authorization;
use crate::db::{eid_sign_ins, invitations, DbConnection};
use crate::domain::identity::ApplicantId;
use crate::domain::period::today;
use crate::domain::token;
use crate::secret::SecretKey;

pub const COOKIE: &str = "hl_eid";
/// Time to complete the provider's sign-in.
pub const PENDING_MINUTES: i64 = 10;
/// Time to answer once signed in (also the cookie's lifetime).
pub const VERIFIED_MINUTES: i64 = 30;

fn key_hash(secret: &SecretKey, handle: &str) -> Vec<u8> {
    secret.keyed_hash("eid-sign-in", handle.as_bytes()).to_vec()
}

fn state_hash(secret: &SecretKey, state: &str) -> Vec<u8> {
    secret.keyed_hash("eid-state", state.as_bytes()).to_vec()
}

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// Deletes the sign-ins that expired: abandoned at the provider, or verified and never
/// answered. Run at every new sign-in and every few minutes (see `purge_periodically`).
pub fn purge_expired(conn: &mut DbConnection) -> diesel::QueryResult<usize> {
    eid_sign_ins::delete_expired(conn, now())
}

/// How often expired sign-ins are purged even when nobody signs in.
pub const PURGE_EVERY: std::time::Duration = std::time::Duration::from_secs(300);

/// The purge, forever: spawned next to the service.
pub async fn purge_periodically(pool: crate::db::DbPool) {
    let mut tick = tokio::time::interval(PURGE_EVERY);
    loop {
        tick.tick().await;
        let pool = pool.clone();
        let purged = tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            purge_expired(&mut conn).map_err(|e| e.to_string())
        })
        .await;
        if let Ok(Err(e)) = purged {
            tracing::warn!(error = %e, "purging expired e-ID sign-ins");
        }
    }
}

/// Records a sign-in that has just been sent to the provider; returns the browser's handle.
pub fn start(
    conn: &mut DbConnection,
    secret: &SecretKey,
    invitation_id: i32,
    authorization: &Authorization,
) -> diesel::QueryResult<String> {
    purge_expired(conn)?;
    let handle = token::new_secret_string();
    eid_sign_ins::insert(
        conn,
        &eid_sign_ins::NewSignIn {
            key_hash: key_hash(secret, &handle),
            invitation_id,
            state_hash: state_hash(secret, &authorization.state),
            nonce: Some(authorization.nonce.clone()),
            pkce_verifier: Some(authorization.pkce_verifier.clone()),
            verified: false,
            expires_at: now() + Duration::minutes(PENDING_MINUTES),
        },
    )?;
    Ok(handle)
}

/// What the callback needs to redeem the provider's code; handed out once.
pub struct Pending {
    pub invitation_id: i32,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// The pending sign-in of this browser, if the provider's `state` is the one we sent and it
/// has neither expired nor been redeemed before.
pub fn take_pending(
    conn: &mut DbConnection,
    secret: &SecretKey,
    handle: &str,
    state: &str,
) -> diesel::QueryResult<Option<Pending>> {
    let key = key_hash(secret, handle);
    let Some(row) = eid_sign_ins::find(conn, &key)? else {
        return Ok(None);
    };
    let (Some(nonce), Some(pkce_verifier)) = (row.nonce, row.pkce_verifier) else {
        return Ok(None);
    };
    if row.verified || row.expires_at <= now() || row.state_hash != state_hash(secret, state) {
        return Ok(None);
    }
    if !eid_sign_ins::take_secrets(conn, &key)? {
        return Ok(None);
    }
    Ok(Some(Pending {
        invitation_id: row.invitation_id,
        nonce,
        pkce_verifier,
    }))
}

/// How the identity vouched for by the provider compares with the dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The applicant: the survey opens; carries the survey token to return to.
    Verified { survey_token: String },
    /// Someone else signed in.
    NotTheApplicant,
    /// The applicant has answered as many surveys today as allowed.
    DailyLimitReached,
}

/// Compares the identity with the dossier's applicant, then forgets it: only the outcome is
/// recorded.
pub fn conclude(
    conn: &mut DbConnection,
    secret: &SecretKey,
    handle: &str,
    invitation_id: i32,
    identity: &ApplicantId,
    daily_limit: u32,
) -> diesel::QueryResult<Outcome> {
    let key = key_hash(secret, handle);
    let (invitation, applicant_hash) = invitations::with_applicant(conn, invitation_id)?;
    if identity.keyed_hash(secret) != applicant_hash {
        eid_sign_ins::delete(conn, &key)?;
        return Ok(Outcome::NotTheApplicant);
    }
    let answered_today = invitations::answered_by_applicant_on(conn, &applicant_hash, today())?;
    if answered_today >= i64::from(daily_limit) {
        eid_sign_ins::delete(conn, &key)?;
        return Ok(Outcome::DailyLimitReached);
    }
    eid_sign_ins::mark_verified(conn, &key, now() + Duration::minutes(VERIFIED_MINUTES))?;
    Ok(Outcome::Verified {
        survey_token: token::survey_token(secret, &invitation.token_salt),
    })
}

/// Drops a sign-in that failed at the provider.
pub fn abandon(
    conn: &mut DbConnection,
    secret: &SecretKey,
    handle: &str,
) -> diesel::QueryResult<()> {
    eid_sign_ins::delete(conn, &key_hash(secret, handle)).map(|_| ())
}

/// Whether this browser has signed in as the applicant of this invitation.
pub fn is_verified(
    conn: &mut DbConnection,
    secret: &SecretKey,
    handle: &str,
    invitation_id: i32,
) -> diesel::QueryResult<bool> {
    Ok(
        eid_sign_ins::find(conn, &key_hash(secret, handle))?.is_some_and(|row| {
            row.verified && row.invitation_id == invitation_id && row.expires_at > now()
        }),
    )
}

/// Deletes the verified sign-in as the response is stored (call inside that transaction).
pub fn consume(
    conn: &mut DbConnection,
    secret: &SecretKey,
    handle: &str,
    invitation_id: i32,
) -> diesel::QueryResult<bool> {
    eid_sign_ins::consume_verified(conn, &key_hash(secret, handle), invitation_id, now())
}
