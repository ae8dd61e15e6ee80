//! Requests per client and minute, counted in the database so that every instance counts
//! the same (PostgreSQL; see `web::survey_rate`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::survey_rate_windows;
use super::{DbConnection, QueryResult};
use crate::per_backend;

/// Counts `requests` more requests of `client_key` in the window starting at `window_start`;
/// returns the window's count including them. One statement: concurrent instances never lose
/// a count.
pub fn count(
    conn: &mut DbConnection,
    client_key: &[u8],
    window_start: NaiveDateTime,
    requests: i32,
) -> QueryResult<i32> {
    let row = (
        survey_rate_windows::client_key.eq(client_key),
        survey_rate_windows::window_start.eq(window_start),
        survey_rate_windows::requests.eq(requests),
    );
    per_backend!(conn, |c| diesel::insert_into(survey_rate_windows::table)
        .values(row)
        .on_conflict((
            survey_rate_windows::client_key,
            survey_rate_windows::window_start,
        ))
        .do_update()
        .set(survey_rate_windows::requests.eq(survey_rate_windows::requests + requests))
        .returning(survey_rate_windows::requests)
        .get_result::<i32>(c))
}

/// Forgets the windows that started before `before`.
pub fn purge_before(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(survey_rate_windows::table.filter(survey_rate_windows::window_start.lt(before)))
        .execute(conn)
}
