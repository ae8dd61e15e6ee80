//! Responses stored but not yet released to staff, sealed under the server secret.

use diesel::prelude::*;

use super::schema::held_responses;
use super::DbConnection;
use crate::per_backend;

#[derive(Debug, Clone, Insertable, Queryable, Selectable)]
#[diesel(table_name = held_responses)]
pub struct HeldRow {
    pub id: Vec<u8>,
    pub sealed: Vec<u8>,
}

pub fn insert(conn: &mut DbConnection, row: &HeldRow) -> QueryResult<()> {
    diesel::insert_into(held_responses::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Several rows in one statement (a group of submissions).
pub fn insert_all(conn: &mut DbConnection, rows: &[HeldRow]) -> QueryResult<()> {
    per_backend!(conn, |c| diesel::insert_into(held_responses::table)
        .values(rows)
        .execute(c))
    .map(|_| ())
}

pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<HeldRow>> {
    held_responses::table
        .select(HeldRow::as_select())
        .load(conn)
}

pub fn delete(conn: &mut DbConnection, ids: &[Vec<u8>]) -> QueryResult<usize> {
    let mut deleted = 0;
    for chunk in ids.chunks(1_000) {
        deleted += diesel::delete(held_responses::table.filter(held_responses::id.eq_any(chunk)))
            .execute(conn)?;
    }
    Ok(deleted)
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    held_responses::table.count().get_result(conn)
}
