//! A citizen's "no more messages" for one dossier, from the link every message carries: the
//! invitation is marked, its messages not yet sent are dropped, and its contact is erased at
//! once. The survey itself stays open: the link still answers it.

use chrono::NaiveDateTime;

use crate::db::{dossiers, invitations, outbox, DbConnection, QueryResult};
use crate::domain::token;
use crate::secret::SecretKey;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptOut {
    Stopped,
    /// It had been done before (a second tap, a reload).
    AlreadyStopped,
    /// No invitation has this link.
    Unknown,
}

pub fn stop(
    conn: &mut DbConnection,
    secret: &SecretKey,
    survey_token: &str,
    now: NaiveDateTime,
) -> QueryResult<OptOut> {
    let hash = token::survey_token_hash(secret, survey_token);
    let Some(invitation) = invitations::by_token_hash(conn, &hash)? else {
        return Ok(OptOut::Unknown);
    };
    crate::db::transaction(conn, |conn| {
        if !invitations::opt_out(conn, invitation.id, now)? {
            return Ok(OptOut::AlreadyStopped);
        }
        outbox::drop_undelivered(conn, &[invitation.id])?;
        dossiers::erase_contact(conn, invitation.dossier_id)?;
        Ok(OptOut::Stopped)
    })
}

/// Whether this link's invitation exists (the confirmation page is shown only for one).
pub fn is_known(
    conn: &mut DbConnection,
    secret: &SecretKey,
    survey_token: &str,
) -> QueryResult<bool> {
    let hash = token::survey_token_hash(secret, survey_token);
    Ok(invitations::by_token_hash(conn, &hash)?.is_some())
}
