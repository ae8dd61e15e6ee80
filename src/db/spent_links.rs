//! Spent survey links, by a keyed hash of the token that the database alone cannot join to an
//! invitation (see `domain::token::spent_key`).

use diesel::prelude::*;

use super::schema::spent_links;
use super::DbConnection;
use crate::per_backend;

/// Spends a link: true when this call spent it, false when it was spent before. Run it as the
/// first statement of the submission's transaction: on SQLite the transaction then holds the
/// write lock at once, on PostgreSQL a concurrent spender waits here for the first to finish.
pub fn spend(conn: &mut DbConnection, token_key: &[u8], quarter: &str) -> QueryResult<bool> {
    let row = (
        spent_links::token_key.eq(token_key),
        spent_links::quarter.eq(quarter),
    );
    per_backend!(conn, |c| diesel::insert_into(spent_links::table)
        .values(row)
        .on_conflict_do_nothing()
        .execute(c))
    .map(|n| n == 1)
}

/// Spends several links in one statement (a group of submissions, `surveys::store_all`): gives
/// back the keys this call spent; the others were spent before. Keys must be distinct.
pub fn spend_all(conn: &mut DbConnection, rows: &[(&[u8], &str)]) -> QueryResult<Vec<Vec<u8>>> {
    let values: Vec<_> = rows
        .iter()
        .map(|&(key, quarter)| {
            (
                spent_links::token_key.eq(key),
                spent_links::quarter.eq(quarter),
            )
        })
        .collect();
    per_backend!(conn, |c| diesel::insert_into(spent_links::table)
        .values(&values)
        .on_conflict_do_nothing()
        .returning(spent_links::token_key)
        .get_results(c))
}

pub fn is_spent(conn: &mut DbConnection, token_key: &[u8]) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        spent_links::table.filter(spent_links::token_key.eq(token_key)),
    ))
    .get_result(conn)
}

/// Many at once (the upgrade from invitations that recorded their answer; the demo).
pub fn spend_many(conn: &mut DbConnection, rows: &[(Vec<u8>, String)]) -> QueryResult<usize> {
    let mut spent = 0;
    for chunk in rows.chunks(1_000) {
        let values: Vec<_> = chunk
            .iter()
            .map(|(key, quarter)| {
                (
                    spent_links::token_key.eq(key.as_slice()),
                    spent_links::quarter.eq(quarter.as_str()),
                )
            })
            .collect();
        spent += per_backend!(&mut *conn, |c| diesel::insert_into(spent_links::table)
            .values(&values)
            .on_conflict_do_nothing()
            .execute(c))?;
    }
    Ok(spent)
}

pub fn quarters(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    spent_links::table
        .select(spent_links::quarter)
        .distinct()
        .load(conn)
}

pub fn delete_quarter(conn: &mut DbConnection, quarter: &str) -> QueryResult<usize> {
    diesel::delete(spent_links::table.filter(spent_links::quarter.eq(quarter))).execute(conn)
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    spent_links::table.count().get_result(conn)
}
