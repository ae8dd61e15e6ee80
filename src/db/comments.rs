//! Released comments and what agencies did about them. A comment is a released response's
//! `comment`; its mark (noted / acted on) lives beside it in `comment_marks`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{answers, comment_marks, responses};
use super::DbConnection;

/// A released comment with what the inbox filters and shows.
#[derive(Debug, Clone, Queryable)]
pub struct CommentRow {
    pub response_id: String,
    pub agency_id: i32,
    pub quarter: String,
    pub questionnaire_version: String,
    pub comment: String,
    pub mark_status: Option<String>,
    pub mark_note: Option<String>,
}

/// Every released comment of `agency_ids` in `quarters`, newest release first (responses carry
/// no time: a release's comments come in the random order it stored them).
pub fn released(
    conn: &mut DbConnection,
    agency_ids: &[i32],
    quarters: &[String],
) -> QueryResult<Vec<CommentRow>> {
    responses::table
        .left_join(comment_marks::table)
        .filter(responses::agency_id.eq_any(agency_ids))
        .filter(responses::quarter.eq_any(quarters))
        .filter(responses::comment.is_not_null())
        .order((responses::released_in.desc(), responses::id))
        .select((
            responses::id,
            responses::agency_id,
            responses::quarter,
            responses::questionnaire_version,
            responses::comment.assume_not_null(),
            comment_marks::status.nullable(),
            comment_marks::note.nullable(),
        ))
        .load(conn)
}

/// Released responses per (agency, quarter): the size of the group a comment belongs to.
pub fn group_sizes(
    conn: &mut DbConnection,
    agency_ids: &[i32],
    quarters: &[String],
) -> QueryResult<Vec<(i32, String, i64)>> {
    responses::table
        .filter(responses::agency_id.eq_any(agency_ids))
        .filter(responses::quarter.eq_any(quarters))
        .group_by((responses::agency_id, responses::quarter))
        .select((
            responses::agency_id,
            responses::quarter,
            diesel::dsl::count_star(),
        ))
        .load(conn)
}

/// The answers of the given responses to the given items: (response, item, value).
pub fn answers_to(
    conn: &mut DbConnection,
    response_ids: &[String],
    items: &[String],
) -> QueryResult<Vec<(String, String, i32)>> {
    let mut rows = Vec::new();
    // Bound parameters are limited (SQLite: 32,766): a province's quarter can have more.
    for chunk in response_ids.chunks(10_000) {
        rows.extend(
            answers::table
                .filter(answers::response_id.eq_any(chunk))
                .filter(answers::item_code.eq_any(items))
                .select((answers::response_id, answers::item_code, answers::value))
                .load::<(String, String, i32)>(conn)?,
        );
    }
    Ok(rows)
}

/// The agency of a released response with a comment; `None` for anything else.
pub fn agency_of(conn: &mut DbConnection, response_id: &str) -> QueryResult<Option<i32>> {
    responses::table
        .filter(responses::id.eq(response_id))
        .filter(responses::comment.is_not_null())
        .select(responses::agency_id)
        .get_result(conn)
        .optional()
}

/// Records what was done about a comment (replacing an earlier mark).
pub fn mark(
    conn: &mut DbConnection,
    response_id: &str,
    status: &str,
    note: &str,
    user_id: i32,
    at: NaiveDateTime,
) -> QueryResult<()> {
    crate::db::transaction(conn, |conn| {
        diesel::delete(comment_marks::table.find(response_id)).execute(conn)?;
        diesel::insert_into(comment_marks::table)
            .values((
                comment_marks::response_id.eq(response_id),
                comment_marks::status.eq(status),
                comment_marks::note.eq(note),
                comment_marks::marked_by.eq(user_id),
                comment_marks::marked_at.eq(at),
            ))
            .execute(conn)
            .map(|_| ())
    })
}
