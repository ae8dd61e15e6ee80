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
    /// 0 the invitation, 1.. the reminders.
    pub message: i32,
}

/// Claims up to `limit` undelivered entries whose next attempt is due by `due_by` and that
/// nobody holds (or whose holder's lease lapsed), for `holder` for `lease`; returns them,
/// oldest first. Leases are read and set on the database's clock (`database_now`): instances
/// whose clocks differ, or a test clock, never see a lease lapse early.
/// In one transaction: on PostgreSQL the candidates are locked and rows another instance is
/// claiming at the same moment are skipped (`FOR UPDATE SKIP LOCKED`); on SQLite the write
/// lock serialises claims. Either way a row is claimed by one sender at a time.
pub fn claim_due(
    conn: &mut DbConnection,
    holder: &str,
    due_by: NaiveDateTime,
    lease: chrono::TimeDelta,
    limit: i64,
) -> QueryResult<Vec<OutboxEntry>> {
    super::transaction(conn, |conn| {
        let now = super::database_now(conn)?;
        let until = now + lease;
        let free = outbox::claimed_until
            .is_null()
            .or(outbox::claimed_until.lt(now));
        let due = outbox::table
            .filter(outbox::delivered_at.is_null())
            .filter(outbox::next_attempt_at.le(due_by))
            .filter(free)
            .order(outbox::next_attempt_at)
            .limit(limit)
            .select(outbox::id);
        let candidates: Vec<i32> = match conn {
            DbConnection::Postgres(c) => due.for_update().skip_locked().load(c)?,
            DbConnection::Sqlite(c) => due.load(c)?,
        };
        // The claim re-checks that the row is still free: a concurrent claim that got there
        // first (SQLite, or a lapsed lease) leaves it out.
        diesel::update(
            outbox::table
                .filter(outbox::id.eq_any(&candidates))
                .filter(outbox::delivered_at.is_null())
                .filter(free),
        )
        .set((
            outbox::claimed_by.eq(Some(holder)),
            outbox::claimed_until.eq(Some(until)),
        ))
        .execute(conn)?;
        outbox::table
            .filter(outbox::id.eq_any(&candidates))
            .filter(outbox::claimed_by.eq(holder))
            .filter(outbox::claimed_until.eq(until))
            .order(outbox::next_attempt_at)
            .select(OutboxEntry::as_select())
            .load(conn)
    })
}

/// Records a delivery (an attempt that succeeded) and ends the claim.
pub fn mark_delivered(
    conn: &mut DbConnection,
    id: i32,
    attempts: i32,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::attempts.eq(attempts),
            outbox::delivered_at.eq(Some(at)),
            outbox::last_error.eq(None::<String>),
            outbox::claimed_by.eq(None::<String>),
            outbox::claimed_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Records a failed attempt, when to try again, and ends the claim.
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
            outbox::claimed_by.eq(None::<String>),
            outbox::claimed_until.eq(None::<NaiveDateTime>),
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
