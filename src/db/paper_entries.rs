//! Paper forms entered by staff and not yet stored as a response (see the migration).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{paper_entries, users};
use super::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = paper_entries)]
pub struct PaperRow {
    pub id: i32,
    pub form_key: Vec<u8>,
    pub entered_by: i32,
    pub sealed: Vec<u8>,
    pub state: String,
    pub entered_at: NaiveDateTime,
}

/// Waiting for a second entry.
pub const WAITING: &str = "waiting";
/// Two entries that differ, waiting for a decision.
pub const MISMATCH: &str = "mismatch";

pub fn insert(
    conn: &mut DbConnection,
    form_key: &[u8],
    entered_by: i32,
    sealed: &[u8],
    state: &str,
    at: NaiveDateTime,
) -> QueryResult<i32> {
    diesel::insert_into(paper_entries::table)
        .values((
            paper_entries::form_key.eq(form_key),
            paper_entries::entered_by.eq(entered_by),
            paper_entries::sealed.eq(sealed),
            paper_entries::state.eq(state),
            paper_entries::entered_at.eq(at),
        ))
        .returning(paper_entries::id)
        .get_result(conn)
}

/// Inside a transaction: waits until no other transaction enters the same form. PostgreSQL: a
/// transaction-scoped advisory lock on the form's key; SQLite: a write first, which takes the
/// file's write lock (waiting for it under the busy timeout).
pub fn lock_form(conn: &mut DbConnection, form_key: &[u8]) -> QueryResult<()> {
    match conn.backend() {
        super::Backend::Postgres => {
            let mut id = [0u8; 8];
            id.copy_from_slice(&form_key[..8.min(form_key.len())]);
            diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
                .bind::<diesel::sql_types::BigInt, _>(i64::from_be_bytes(id))
                .execute(conn)
                .map(|_| ())
        }
        super::Backend::Sqlite => {
            diesel::update(paper_entries::table.filter(paper_entries::form_key.eq(form_key)))
                .set(paper_entries::state.eq(paper_entries::state))
                .execute(conn)
                .map(|_| ())
        }
    }
}

/// The entries of one form, oldest first.
pub fn of_form(conn: &mut DbConnection, form_key: &[u8]) -> QueryResult<Vec<PaperRow>> {
    paper_entries::table
        .filter(paper_entries::form_key.eq(form_key))
        .order(paper_entries::id)
        .select(PaperRow::as_select())
        .load(conn)
}

pub fn set_state(conn: &mut DbConnection, form_key: &[u8], state: &str) -> QueryResult<usize> {
    diesel::update(paper_entries::table.filter(paper_entries::form_key.eq(form_key)))
        .set(paper_entries::state.eq(state))
        .execute(conn)
}

pub fn delete_form(conn: &mut DbConnection, form_key: &[u8]) -> QueryResult<usize> {
    diesel::delete(paper_entries::table.filter(paper_entries::form_key.eq(form_key))).execute(conn)
}

/// Every entry in `state`, with the e-mail of who entered it, oldest first.
pub fn in_state(conn: &mut DbConnection, state: &str) -> QueryResult<Vec<(PaperRow, String)>> {
    paper_entries::table
        .inner_join(users::table)
        .filter(paper_entries::state.eq(state))
        .order(paper_entries::id)
        .select((PaperRow::as_select(), users::email))
        .load(conn)
}

pub fn by_id(conn: &mut DbConnection, id: i32) -> QueryResult<Option<PaperRow>> {
    paper_entries::table
        .find(id)
        .select(PaperRow::as_select())
        .get_result(conn)
        .optional()
}

/// Entries by state: (waiting, mismatched).
pub fn counts(conn: &mut DbConnection) -> QueryResult<(i64, i64)> {
    let count = |conn: &mut DbConnection, state: &str| {
        paper_entries::table
            .filter(paper_entries::state.eq(state))
            .count()
            .get_result::<i64>(conn)
    };
    Ok((count(conn, WAITING)?, count(conn, MISMATCH)?))
}
