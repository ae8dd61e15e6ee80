//! A citizen's "no more messages" for one dossier, from the link every message carries or a
//! STOP reply the SMS gateway passes on: the invitation is marked, its messages not yet sent are
//! dropped, and its contact is erased at once. The survey itself stays open: the link still
//! answers it.

use chrono::NaiveDateTime;

use crate::db::{dossiers, invitations, outbox, DbConnection, QueryResult};
use crate::domain::phone::international;
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
    stop_invitation(conn, &invitation, now)
}

/// A STOP reply to the message with this idempotency key (`hailong-invitation-{id}-{n}`), from
/// this phone number: the number must be the one the message went to, so that nobody stops
/// someone else's messages by trying keys. `None` when the key is not one of ours.
pub fn stop_reply(
    conn: &mut DbConnection,
    secret: &SecretKey,
    message_key: &str,
    phone: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<OptOut>> {
    let Some(id) = super::delivery::invitation_of_message_key(message_key) else {
        return Ok(None);
    };
    let Some(invitation) = invitations::by_id_opt(conn, id)? else {
        return Ok(Some(OptOut::Unknown));
    };
    let sent_to = super::contact::Contact::of_dossier(conn, secret, invitation.dossier_id)?
        .and_then(|c| c.phone);
    match sent_to {
        Some(number) if international(&number) == international(phone) => {
            stop_invitation(conn, &invitation, now).map(Some)
        }
        // Stopped before (the contact is gone), or another number: nothing to stop.
        None if invitation.opted_out_at.is_some() => Ok(Some(OptOut::AlreadyStopped)),
        _ => Ok(Some(OptOut::Unknown)),
    }
}

fn stop_invitation(
    conn: &mut DbConnection,
    invitation: &invitations::Invitation,
    now: NaiveDateTime,
) -> QueryResult<OptOut> {
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
