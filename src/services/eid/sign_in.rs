//! The bookkeeping of one e-ID sign-in, from the survey's "sign in" button to the stored
//! response. The browser holds a random handle (cookie `hl_eid`); the database keeps its keyed
//! hash, the invitation sealed under the server secret (so the row names no invitation to
//! whoever holds the database alone), and until the provider answers the state's hash, the
//! nonce and the PKCE verifier. After a successful check only `verified` remains, and the
//! submission deletes the row in its own transaction. The per-identity daily limit counts in
//! `eid_daily_counts` under a keyed hash of the identity that no dossier row carries.

use crate::db::OptionalExtension;
use chrono::{Duration, NaiveDateTime};

use super::client::Authorization;
use crate::db::{eid_daily_counts, eid_sign_ins, invitations, DbConnection};
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

const SEALED_INVITATION: &str = "eid-invitation";

fn seal_invitation(secret: &SecretKey, invitation_id: i32) -> Vec<u8> {
    secret.seal(SEALED_INVITATION, &invitation_id.to_be_bytes())
}

fn unseal_invitation(secret: &SecretKey, sealed: &[u8]) -> Option<i32> {
    let bytes: [u8; 4] = secret.unseal(SEALED_INVITATION, sealed)?.try_into().ok()?;
    Some(i32::from_be_bytes(bytes))
}

/// The key under which one applicant's verified surveys are counted per day: a keyed hash of
/// the dossier's applicant hash, so the count names no dossier without the secret.
fn daily_key(secret: &SecretKey, applicant_hash: &[u8]) -> Vec<u8> {
    secret
        .keyed_hash("eid-daily-limit", applicant_hash)
        .to_vec()
}

fn now() -> NaiveDateTime {
    crate::clock::now().naive_utc()
}

/// Deletes the sign-ins that expired: abandoned at the provider, or verified and never
/// answered. Run at every new sign-in and with the retention rules (`privacy::retention`).
pub fn purge_expired(conn: &mut DbConnection) -> crate::db::QueryResult<usize> {
    eid_sign_ins::delete_expired(conn, now())
}

/// Records a sign-in that has just been sent to the provider; returns the browser's handle.
pub fn start(
    conn: &mut DbConnection,
    secret: &SecretKey,
    invitation_id: i32,
    authorization: &Authorization,
) -> crate::db::QueryResult<String> {
    purge_expired(conn)?;
    let handle = token::new_secret_string();
    eid_sign_ins::insert(
        conn,
        &eid_sign_ins::NewSignIn {
            key_hash: key_hash(secret, &handle),
            invitation_sealed: seal_invitation(secret, invitation_id),
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
) -> crate::db::QueryResult<Option<Pending>> {
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
    let Some(invitation_id) = unseal_invitation(secret, &row.invitation_sealed) else {
        return Ok(None);
    };
    if !eid_sign_ins::take_secrets(conn, &key)? {
        return Ok(None);
    }
    Ok(Some(Pending {
        invitation_id,
        nonce,
        pkce_verifier,
    }))
}

/// How the identity vouched for by the provider compares with the dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The applicant: the survey opens; carries the survey token to return to.
    Verified { survey_token: String },
    /// Someone else signed in; carries the survey token, to offer signing in again.
    NotTheApplicant { survey_token: String },
    /// The applicant has answered as many surveys today as allowed.
    DailyLimitReached,
    /// The survey expired meanwhile.
    SurveyClosed,
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
) -> crate::db::QueryResult<Outcome> {
    let key = key_hash(secret, handle);
    let invitation = invitations::by_id_opt(conn, invitation_id)?;
    let applicant_hash = invitations::applicant_of(conn, invitation_id)
        .optional()?
        .flatten();
    let (Some(invitation), Some(applicant_hash)) = (invitation, applicant_hash) else {
        eid_sign_ins::delete(conn, &key)?;
        return Ok(Outcome::SurveyClosed);
    };
    let Some(salt) = invitation.token_salt else {
        eid_sign_ins::delete(conn, &key)?;
        return Ok(Outcome::SurveyClosed);
    };
    if identity.keyed_hash(secret) != applicant_hash {
        eid_sign_ins::delete(conn, &key)?;
        return Ok(Outcome::NotTheApplicant {
            survey_token: token::survey_token(secret, &salt),
        });
    }
    let answered_today =
        eid_daily_counts::answered_on(conn, &daily_key(secret, &applicant_hash), today())?;
    if answered_today >= i64::from(daily_limit) {
        eid_sign_ins::delete(conn, &key)?;
        return Ok(Outcome::DailyLimitReached);
    }
    eid_sign_ins::mark_verified(conn, &key, now() + Duration::minutes(VERIFIED_MINUTES))?;
    Ok(Outcome::Verified {
        survey_token: token::survey_token(secret, &salt),
    })
}

/// Drops a sign-in that failed at the provider.
pub fn abandon(
    conn: &mut DbConnection,
    secret: &SecretKey,
    handle: &str,
) -> crate::db::QueryResult<()> {
    eid_sign_ins::delete(conn, &key_hash(secret, handle)).map(|_| ())
}

/// Whether this browser has signed in as the applicant of this invitation.
pub fn is_verified(
    conn: &mut DbConnection,
    secret: &SecretKey,
    handle: &str,
    invitation_id: i32,
) -> crate::db::QueryResult<bool> {
    Ok(eid_sign_ins::find(conn, &key_hash(secret, handle))?
        .is_some_and(|row| verified_for(secret, &row, invitation_id)))
}

fn verified_for(secret: &SecretKey, row: &eid_sign_ins::SignIn, invitation_id: i32) -> bool {
    row.verified
        && row.expires_at > now()
        && unseal_invitation(secret, &row.invitation_sealed) == Some(invitation_id)
}

/// Deletes the verified sign-in as the response is stored (call inside that transaction):
/// true when there was one for this invitation.
pub fn consume(
    conn: &mut DbConnection,
    secret: &SecretKey,
    handle: &str,
    invitation_id: i32,
) -> crate::db::QueryResult<bool> {
    let key = key_hash(secret, handle);
    match eid_sign_ins::find(conn, &key)? {
        Some(row) if verified_for(secret, &row, invitation_id) => {
            Ok(eid_sign_ins::delete(conn, &key)? == 1)
        }
        _ => Ok(false),
    }
}

/// Counts one more verified survey answered today by this invitation's applicant (call inside
/// the submission's transaction): false when that goes over `daily_limit`.
pub fn count_answer(
    conn: &mut DbConnection,
    secret: &SecretKey,
    invitation_id: i32,
    daily_limit: u32,
) -> crate::db::QueryResult<bool> {
    let Some(applicant_hash) = invitations::applicant_of(conn, invitation_id)? else {
        return Ok(false);
    };
    let answered = eid_daily_counts::count_one(conn, &daily_key(secret, &applicant_hash), today())?;
    Ok(answered <= i64::from(daily_limit))
}
