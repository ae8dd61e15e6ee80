//! Citizens' follow-up requests: held until released with the responses, then handled by the
//! agency; its answer goes back through the delivery channels (claimed like outbox rows).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DbError};

use super::schema::followups;
use super::DbConnection;

use crate::domain::followup::Status;

pub const RECEIVED: &str = Status::Received.code();
pub const IN_PROGRESS: &str = Status::InProgress.code();
pub const ANSWERED: &str = Status::Answered.code();

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = followups)]
pub struct NewFollowUp {
    pub agency_id: i32,
    pub grant_key: Vec<u8>,
    pub problem_sealed: Vec<u8>,
    pub contact_sealed: Option<Vec<u8>>,
    pub language: String,
    pub submitted_at: NaiveDateTime,
    pub status: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = followups)]
pub struct FollowUp {
    pub id: i32,
    pub agency_id: i32,
    pub problem_sealed: Vec<u8>,
    pub contact_sealed: Option<Vec<u8>>,
    pub language: String,
    pub released_at: Option<NaiveDateTime>,
    pub due_on: Option<NaiveDate>,
    pub status: String,
    pub answer: Option<String>,
    pub answered_at: Option<NaiveDateTime>,
    pub reply_attempts: i32,
    pub reply_sent_at: Option<NaiveDateTime>,
    pub reply_error: Option<String>,
    pub rating: Option<i32>,
    pub rated_at: Option<NaiveDateTime>,
}

/// Stores a request; `false` when its grant was used already (one request per thank-you page).
pub fn insert(conn: &mut DbConnection, new: &NewFollowUp) -> QueryResult<bool> {
    match diesel::insert_into(followups::table)
        .values(new)
        .execute(conn)
    {
        Ok(_) => Ok(true),
        Err(DbError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// The held requests: (id, agency, when it was submitted).
pub fn held(conn: &mut DbConnection) -> QueryResult<Vec<(i32, i32, NaiveDateTime)>> {
    followups::table
        .filter(followups::released_at.is_null())
        .select((followups::id, followups::agency_id, followups::submitted_at))
        .order(followups::id)
        .load(conn)
}

/// Releases these held requests to staff, due on `due_on`.
pub fn release(
    conn: &mut DbConnection,
    ids: &[i32],
    now: NaiveDateTime,
    due_on: NaiveDate,
) -> QueryResult<usize> {
    diesel::update(
        followups::table
            .filter(followups::id.eq_any(ids))
            .filter(followups::released_at.is_null()),
    )
    .set((
        followups::released_at.eq(Some(now)),
        followups::due_on.eq(Some(due_on)),
    ))
    .execute(conn)
}

/// Released requests of these agencies, the oldest due first.
pub fn released_of(conn: &mut DbConnection, agency_ids: &[i32]) -> QueryResult<Vec<FollowUp>> {
    followups::table
        .filter(followups::agency_id.eq_any(agency_ids))
        .filter(followups::released_at.is_not_null())
        .order((followups::due_on, followups::id))
        .select(FollowUp::as_select())
        .load(conn)
}

/// A released request.
pub fn released_by_id(conn: &mut DbConnection, id: i32) -> QueryResult<Option<FollowUp>> {
    followups::table
        .filter(followups::id.eq(id))
        .filter(followups::released_at.is_not_null())
        .select(FollowUp::as_select())
        .get_result(conn)
        .optional()
}

pub fn set_in_progress(conn: &mut DbConnection, id: i32) -> QueryResult<()> {
    diesel::update(
        followups::table
            .filter(followups::id.eq(id))
            .filter(followups::status.eq(RECEIVED)),
    )
    .set(followups::status.eq(IN_PROGRESS))
    .execute(conn)
    .map(|_| ())
}

/// Records the agency's answer and queues it for sending; `false` if it was answered already.
pub fn answer(
    conn: &mut DbConnection,
    id: i32,
    text: &str,
    user_id: i32,
    reply_key: &[u8],
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(
        followups::table
            .filter(followups::id.eq(id))
            .filter(followups::status.ne(ANSWERED)),
    )
    .set((
        followups::status.eq(ANSWERED),
        followups::answer.eq(Some(text)),
        followups::answered_at.eq(Some(now)),
        followups::answered_by.eq(Some(user_id)),
        followups::reply_key.eq(Some(reply_key)),
        followups::reply_next_at.eq(Some(now)),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

pub fn by_reply_key(conn: &mut DbConnection, key: &[u8]) -> QueryResult<Option<FollowUp>> {
    followups::table
        .filter(followups::reply_key.eq(key))
        .select(FollowUp::as_select())
        .get_result(conn)
        .optional()
}

/// Records the citizen's rating of the handling, once; `false` if already rated.
pub fn rate(
    conn: &mut DbConnection,
    id: i32,
    rating: i32,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(
        followups::table
            .filter(followups::id.eq(id))
            .filter(followups::rating.is_null()),
    )
    .set((
        followups::rating.eq(Some(rating)),
        followups::rated_at.eq(Some(now)),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Claims answers due to be sent by `due_by`, for `lease` (PostgreSQL: rows another instance
/// holds are skipped; the claim lapses if this instance dies). The lease is read and set on
/// the database's clock, as the outbox's (`outbox::claim_due`).
pub fn claim_replies(
    conn: &mut DbConnection,
    due_by: NaiveDateTime,
    lease: chrono::TimeDelta,
    limit: i64,
) -> QueryResult<Vec<FollowUp>> {
    super::transaction(conn, |conn| {
        let now = super::database_now(conn)?;
        let until = now + lease;
        let free = followups::reply_claimed_until
            .is_null()
            .or(followups::reply_claimed_until.lt(now));
        let due = followups::table
            .filter(followups::status.eq(ANSWERED))
            .filter(followups::reply_sent_at.is_null())
            .filter(followups::reply_next_at.le(due_by))
            .filter(followups::contact_sealed.is_not_null())
            .filter(free)
            .order(followups::reply_next_at)
            .limit(limit)
            .select(followups::id);
        let candidates: Vec<i32> = match conn {
            DbConnection::Postgres(c) => due.for_update().skip_locked().load(c)?,
            DbConnection::Sqlite(c) => due.load(c)?,
        };
        diesel::update(
            followups::table
                .filter(followups::id.eq_any(&candidates))
                .filter(free),
        )
        .set(followups::reply_claimed_until.eq(Some(until)))
        .execute(conn)?;
        followups::table
            .filter(followups::id.eq_any(&candidates))
            .filter(followups::reply_claimed_until.eq(Some(until)))
            .select(FollowUp::as_select())
            .load(conn)
    })
}

pub fn reply_sent(
    conn: &mut DbConnection,
    id: i32,
    attempts: i32,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(followups::table.find(id))
        .set((
            followups::reply_sent_at.eq(Some(at)),
            followups::reply_attempts.eq(attempts),
            followups::reply_claimed_until.eq(None::<NaiveDateTime>),
            followups::reply_error.eq(None::<String>),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn reply_failed(
    conn: &mut DbConnection,
    id: i32,
    attempts: i32,
    next_at: NaiveDateTime,
    error: &str,
) -> QueryResult<()> {
    diesel::update(followups::table.find(id))
        .set((
            followups::reply_attempts.eq(attempts),
            followups::reply_next_at.eq(Some(next_at)),
            followups::reply_claimed_until.eq(None::<NaiveDateTime>),
            followups::reply_error.eq(Some(error)),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Erases the contacts of requests answered before `before`; how many were erased.
pub fn erase_contacts_answered_before(
    conn: &mut DbConnection,
    before: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        followups::table
            .filter(followups::answered_at.lt(before))
            .filter(followups::contact_sealed.is_not_null()),
    )
    .set(followups::contact_sealed.eq(None::<Vec<u8>>))
    .execute(conn)
}

/// (agency, due date, answered at, released at) of the released requests of these agencies
/// that reached them in `[from, until)` or fall due between `first_day` and `last_day`: what
/// the Decision 766 group counts for one quarter.
pub type CountRow = (
    i32,
    Option<NaiveDate>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

pub fn count_rows(
    conn: &mut DbConnection,
    agency_ids: &[i32],
    (from, until): (NaiveDateTime, NaiveDateTime),
    (first_day, last_day): (NaiveDate, NaiveDate),
) -> QueryResult<Vec<CountRow>> {
    let released_then = followups::released_at
        .ge(from)
        .and(followups::released_at.lt(until));
    let due_then = followups::due_on
        .ge(first_day)
        .and(followups::due_on.le(last_day));
    followups::table
        .filter(followups::released_at.is_not_null())
        .filter(followups::agency_id.eq_any(agency_ids))
        .filter(released_then.or(due_then))
        .select((
            followups::agency_id,
            followups::due_on,
            followups::answered_at,
            followups::released_at,
        ))
        .load(conn)
}

/// (agency, rating, rated at) of the ratings given in `[from, until)`.
pub fn ratings(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<Vec<(i32, i32, NaiveDateTime)>> {
    followups::table
        .filter(followups::rated_at.ge(from))
        .filter(followups::rated_at.lt(until))
        .select((
            followups::agency_id,
            followups::rating.assume_not_null(),
            followups::rated_at.assume_not_null(),
        ))
        .load(conn)
}
