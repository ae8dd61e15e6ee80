//! Releases of held responses to staff, and the responses that could never be released.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{releases, withheld_responses};
use super::DbConnection;
use crate::per_backend;

/// A lock number of our own for PostgreSQL's advisory locks: one release at a time across
/// every instance.
const RELEASE_LOCK: i64 = 0x6861_696c_6f6e_6701;

/// Holds the release lock until the transaction ends: on PostgreSQL an advisory lock, so that
/// two instances never release the same held responses; on SQLite the write lock, which the
/// release's first write takes, is enough.
pub fn lock(conn: &mut DbConnection) -> QueryResult<()> {
    if let DbConnection::Postgres(c) = conn {
        diesel::sql_query(format!("SELECT pg_advisory_xact_lock({RELEASE_LOCK})")).execute(c)?;
    }
    Ok(())
}

/// Opens a release; the caller fills in its count, or rolls the transaction back when there is
/// nothing to release. The first statement of the release's transaction: a write, so that
/// SQLite takes the write lock at once.
pub fn open(conn: &mut DbConnection, at: NaiveDateTime) -> QueryResult<i32> {
    diesel::insert_into(releases::table)
        .values((releases::released_at.eq(at), releases::responses.eq(0)))
        .returning(releases::id)
        .get_result(conn)
}

pub fn set_count(conn: &mut DbConnection, id: i32, responses: i32) -> QueryResult<()> {
    diesel::update(releases::table.find(id))
        .set(releases::responses.eq(responses))
        .execute(conn)
        .map(|_| ())
}

pub fn delete(conn: &mut DbConnection, id: i32) -> QueryResult<()> {
    diesel::delete(releases::table.find(id))
        .execute(conn)
        .map(|_| ())
}

/// When responses were last released (or the daily clock started), if ever, besides `except`.
pub fn last_at(conn: &mut DbConnection, except: i32) -> QueryResult<Option<NaiveDateTime>> {
    releases::table
        .filter(releases::id.ne(except))
        .select(diesel::dsl::max(releases::released_at))
        .get_result(conn)
}

/// When responses of an agency were last released, if ever.
pub fn last_step_of(conn: &mut DbConnection, agency_id: i32) -> QueryResult<Option<NaiveDateTime>> {
    use super::schema::responses;
    let last: Option<i32> = responses::table
        .filter(responses::agency_id.eq(agency_id))
        .select(diesel::dsl::max(responses::released_in))
        .get_result(conn)?;
    let Some(last) = last else {
        return Ok(None);
    };
    releases::table
        .find(last)
        .select(releases::released_at)
        .get_result(conn)
        .optional()
}

/// Counts responses dropped because they could never be stored k-anonymously.
pub fn add_withheld(
    conn: &mut DbConnection,
    agency_id: i32,
    quarter: &str,
    responses: i32,
) -> QueryResult<()> {
    let row = (
        withheld_responses::agency_id.eq(agency_id),
        withheld_responses::quarter.eq(quarter),
        withheld_responses::responses.eq(responses),
    );
    per_backend!(conn, |c| diesel::insert_into(withheld_responses::table)
        .values(row)
        .on_conflict((withheld_responses::agency_id, withheld_responses::quarter))
        .do_update()
        .set(withheld_responses::responses.eq(withheld_responses::responses + responses))
        .execute(c))
    .map(|_| ())
}

pub fn withheld_total(conn: &mut DbConnection) -> QueryResult<i64> {
    withheld_responses::table
        .select(diesel::dsl::sum(withheld_responses::responses))
        .get_result::<Option<i64>>(conn)
        .map(Option::unwrap_or_default)
}
