use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::sessions;
use super::DbConnection;

pub fn load(
    conn: &mut DbConnection,
    key_hash: &[u8],
    now: NaiveDateTime,
) -> QueryResult<Option<String>> {
    sessions::table
        .filter(sessions::key_hash.eq(key_hash))
        .filter(sessions::expires_at.gt(now))
        .select(sessions::state)
        .get_result(conn)
        .optional()
}

pub fn insert(
    conn: &mut DbConnection,
    key_hash: &[u8],
    user_id: Option<i32>,
    state: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(sessions::table)
        .values((
            sessions::key_hash.eq(key_hash),
            sessions::user_id.eq(user_id),
            sessions::state.eq(state),
            sessions::created_at.eq(now),
            sessions::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Returns whether the session existed.
pub fn update(
    conn: &mut DbConnection,
    key_hash: &[u8],
    user_id: Option<i32>,
    state: &str,
    expires_at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(sessions::table.filter(sessions::key_hash.eq(key_hash)))
        .set((
            sessions::user_id.eq(user_id),
            sessions::state.eq(state),
            sessions::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .map(|n| n > 0)
}

pub fn touch(
    conn: &mut DbConnection,
    key_hash: &[u8],
    expires_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(sessions::table.filter(sessions::key_hash.eq(key_hash)))
        .set(sessions::expires_at.eq(expires_at))
        .execute(conn)
        .map(|_| ())
}

pub fn delete(conn: &mut DbConnection, key_hash: &[u8]) -> QueryResult<()> {
    diesel::delete(sessions::table.filter(sessions::key_hash.eq(key_hash)))
        .execute(conn)
        .map(|_| ())
}

pub fn purge_expired(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::expires_at.le(now))).execute(conn)
}
