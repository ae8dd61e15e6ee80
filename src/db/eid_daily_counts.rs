//! How many verified surveys one identity answered on one day, by a keyed hash of the identity
//! that the database alone cannot join to a dossier.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::schema::eid_daily_counts;
use super::DbConnection;
use crate::per_backend;

pub fn answered_on(
    conn: &mut DbConnection,
    identity_key: &[u8],
    day: NaiveDate,
) -> QueryResult<i64> {
    eid_daily_counts::table
        .find((identity_key, day))
        .select(eid_daily_counts::answered)
        .get_result::<i32>(conn)
        .optional()
        .map(|n| i64::from(n.unwrap_or(0)))
}

/// Counts one more answered survey; returns the day's count including it.
pub fn count_one(conn: &mut DbConnection, identity_key: &[u8], day: NaiveDate) -> QueryResult<i64> {
    let row = (
        eid_daily_counts::identity_key.eq(identity_key),
        eid_daily_counts::day.eq(day),
        eid_daily_counts::answered.eq(1),
    );
    per_backend!(conn, |c| diesel::insert_into(eid_daily_counts::table)
        .values(row)
        .on_conflict((eid_daily_counts::identity_key, eid_daily_counts::day))
        .do_update()
        .set(eid_daily_counts::answered.eq(eid_daily_counts::answered + 1))
        .returning(eid_daily_counts::answered)
        .get_result::<i32>(c))
    .map(i64::from)
}

/// Forgets the counts of days before `today`.
pub fn purge_before(conn: &mut DbConnection, today: NaiveDate) -> QueryResult<usize> {
    diesel::delete(eid_daily_counts::table.filter(eid_daily_counts::day.lt(today))).execute(conn)
}
