use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::outbox;
use super::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxEntry {
    pub id: i32,
    pub invitation_id: i32,
    pub attempts: i32,
}

/// Undelivered entries whose next attempt is due, oldest first.
pub fn due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<OutboxEntry>> {
    outbox::table
        .filter(outbox::delivered_at.is_null())
        .filter(outbox::next_attempt_at.le(now))
        .order(outbox::next_attempt_at)
        .limit(limit)
        .select(OutboxEntry::as_select())
        .load(conn)
}

pub fn mark_delivered(conn: &mut DbConnection, id: i32, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::delivered_at.eq(Some(at)),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn mark_failed(
    conn: &mut DbConnection,
    id: i32,
    attempts: i32,
    retry_at: NaiveDateTime,
    error: &str,
) -> QueryResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::attempts.eq(attempts),
            outbox::next_attempt_at.eq(retry_at),
            outbox::last_error.eq(Some(error)),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn pending_count(conn: &mut DbConnection) -> QueryResult<i64> {
    outbox::table
        .filter(outbox::delivered_at.is_null())
        .count()
        .get_result(conn)
}

/// Undelivered messages that failed at least once.
pub fn failing_count(conn: &mut DbConnection) -> QueryResult<i64> {
    outbox::table
        .filter(outbox::delivered_at.is_null())
        .filter(outbox::attempts.gt(0))
        .count()
        .get_result(conn)
}

/// Drops the undelivered messages of these invitations (they expired: nothing to send).
pub fn drop_undelivered(conn: &mut DbConnection, invitation_ids: &[i32]) -> QueryResult<()> {
    diesel::delete(
        outbox::table
            .filter(outbox::invitation_id.eq_any(invitation_ids))
            .filter(outbox::delivered_at.is_null()),
    )
    .execute(conn)
    .map(|_| ())
}
