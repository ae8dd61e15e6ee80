//! What the delivery report counts, read in two queries over the invitations issued in a time
//! range: each invitation with its agency and dossier channel, and each of their outbox
//! messages. Nothing here reads a contact, a token or a response.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{dossiers, invitations, outbox, responses};
use super::DbConnection;

/// (invitation, agency, dossier channel, issued at, opted out)
pub type IssuedRow = (i32, i32, String, NaiveDateTime, bool);
/// (invitation, message number, delivered, attempts)
pub type MessageRow = (i32, i32, bool, i32);

pub fn issued_between(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<Vec<IssuedRow>> {
    invitations::table
        .inner_join(dossiers::table)
        .filter(invitations::created_at.ge(from))
        .filter(invitations::created_at.lt(until))
        .select((
            invitations::id,
            dossiers::agency_id,
            dossiers::channel,
            invitations::created_at,
            invitations::opted_out_at.is_not_null(),
        ))
        .load(conn)
}

pub fn messages_of_issued_between(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<Vec<MessageRow>> {
    outbox::table
        .inner_join(invitations::table)
        .filter(invitations::created_at.ge(from))
        .filter(invitations::created_at.lt(until))
        .select((
            outbox::invitation_id,
            outbox::message,
            outbox::delivered_at.is_not_null(),
            outbox::attempts,
        ))
        .load(conn)
}

/// Released responses of a quarter, counted by (agency, dossier channel, mode).
pub fn answered_in(
    conn: &mut DbConnection,
    quarter: &str,
) -> QueryResult<Vec<(i32, String, String, i64)>> {
    responses::table
        .filter(responses::quarter.eq(quarter))
        .group_by((responses::agency_id, responses::channel, responses::mode))
        .select((
            responses::agency_id,
            responses::channel,
            responses::mode,
            diesel::dsl::count_star(),
        ))
        .load(conn)
}

/// (agency, mode, flagged, dossier channel, release).
pub type AnsweredPart = (i32, String, bool, String, i32);

/// Every released response of a quarter as the channel counts need it.
pub fn answered_parts(conn: &mut DbConnection, quarter: &str) -> QueryResult<Vec<AnsweredPart>> {
    responses::table
        .filter(responses::quarter.eq(quarter))
        .select((
            responses::agency_id,
            responses::mode,
            responses::flag.is_not_null(),
            responses::channel,
            responses::released_in,
        ))
        .load(conn)
}
