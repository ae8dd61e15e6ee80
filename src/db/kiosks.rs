//! Counter kiosks: enrolled devices, kept by the keyed hash of their credential, and the wrong
//! codes typed at them (when only) for their rate limit.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{agencies, kiosk_failures, kiosks};
use super::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = kiosks)]
pub struct Kiosk {
    pub id: i32,
    pub agency_id: i32,
    pub name: String,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

pub fn create(
    conn: &mut DbConnection,
    agency_id: i32,
    name: &str,
    credential_hash: &[u8],
    now: NaiveDateTime,
) -> QueryResult<i32> {
    diesel::insert_into(kiosks::table)
        .values((
            kiosks::agency_id.eq(agency_id),
            kiosks::name.eq(name),
            kiosks::credential_hash.eq(credential_hash),
            kiosks::created_at.eq(now),
        ))
        .returning(kiosks::id)
        .get_result(conn)
}

/// The kiosk (not revoked) whose credential hashes to `credential_hash`.
pub fn find_active(conn: &mut DbConnection, credential_hash: &[u8]) -> QueryResult<Option<Kiosk>> {
    kiosks::table
        .filter(kiosks::credential_hash.eq(credential_hash))
        .filter(kiosks::revoked_at.is_null())
        .select(Kiosk::as_select())
        .get_result(conn)
        .optional()
}

pub fn by_id(conn: &mut DbConnection, id: i32) -> QueryResult<Option<Kiosk>> {
    kiosks::table
        .find(id)
        .select(Kiosk::as_select())
        .get_result(conn)
        .optional()
}

/// Revokes the kiosk; returns whether it was active.
pub fn revoke(conn: &mut DbConnection, id: i32, now: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(kiosks::table.find(id))
        .filter(kiosks::revoked_at.is_null())
        .set(kiosks::revoked_at.eq(Some(now)))
        .execute(conn)
        .map(|n| n > 0)
}

/// Every kiosk with its agency's code, active ones first, then by agency and name.
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<(Kiosk, String)>> {
    let mut rows: Vec<(Kiosk, String)> = kiosks::table
        .inner_join(agencies::table)
        .select((Kiosk::as_select(), agencies::code))
        .load(conn)?;
    rows.sort_by(|(a, a_code), (b, b_code)| {
        (a.revoked_at.is_some(), a_code, &a.name, a.id).cmp(&(
            b.revoked_at.is_some(),
            b_code,
            &b.name,
            b.id,
        ))
    });
    Ok(rows)
}

/// Whether an active kiosk of this agency already has this name.
pub fn name_taken(conn: &mut DbConnection, agency_id: i32, name: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        kiosks::table
            .filter(kiosks::agency_id.eq(agency_id))
            .filter(kiosks::name.eq(name))
            .filter(kiosks::revoked_at.is_null()),
    ))
    .get_result(conn)
}

/// Holds the kiosk's row until the transaction ends, so that its wrong codes are counted and
/// checked one code at a time: on PostgreSQL a row lock; on SQLite the write lock that an
/// outermost transaction takes at its start (`db::transaction`) already does it.
pub fn lock(conn: &mut DbConnection, kiosk_id: i32) -> QueryResult<()> {
    if let DbConnection::Postgres(c) = conn {
        kiosks::table
            .find(kiosk_id)
            .select(kiosks::id)
            .for_update()
            .get_result::<i32>(c)?;
    }
    Ok(())
}

pub fn record_failure(
    conn: &mut DbConnection,
    kiosk_id: i32,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(kiosk_failures::table)
        .values((
            kiosk_failures::kiosk_id.eq(kiosk_id),
            kiosk_failures::at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Wrong codes typed at the kiosk since `since`: how many, and when the oldest of them was.
pub fn failures_since(
    conn: &mut DbConnection,
    kiosk_id: i32,
    since: NaiveDateTime,
) -> QueryResult<(i64, Option<NaiveDateTime>)> {
    kiosk_failures::table
        .filter(kiosk_failures::kiosk_id.eq(kiosk_id))
        .filter(kiosk_failures::at.ge(since))
        .select((
            diesel::dsl::count_star(),
            diesel::dsl::min(kiosk_failures::at),
        ))
        .get_result(conn)
}

/// Forgets the wrong codes of every kiosk typed before `before`.
pub fn forget_failures_before(
    conn: &mut DbConnection,
    before: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::delete(kiosk_failures::table.filter(kiosk_failures::at.lt(before))).execute(conn)
}
