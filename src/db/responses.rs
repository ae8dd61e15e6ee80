use diesel::prelude::*;

use super::schema::{answers, responses};
use super::DbConnection;
use crate::per_backend;

/// A stored response: what the analysis needs, nothing that links it to a dossier, person,
/// token or moment.
#[derive(Debug, Clone, Insertable, Queryable, Selectable)]
#[diesel(table_name = responses)]
pub struct Response {
    pub id: String,
    pub agency_id: i32,
    /// `None` when the procedure was generalised so that at least k invitations share what the
    /// row says (see `privacy::anonymity`).
    pub procedure_id: Option<i32>,
    /// The procedure's field; `None` when generalised beyond it.
    pub procedure_field: Option<String>,
    pub applicant_kind: String,
    pub channel: String,
    pub quarter: String,
    pub questionnaire_version: String,
    pub comment: Option<String>,
    /// The release that made it visible to staff (0: before releases existed; the demo).
    pub released_in: i32,
    /// `domain::response_mode::ResponseMode`: link, kiosk or paper.
    pub mode: String,
    /// The integrity rule it broke (`domain::integrity::Flag`), if any: left out of the
    /// analysis inputs.
    pub flag: Option<String>,
}

#[derive(Debug, Clone, Insertable, Queryable, Selectable)]
#[diesel(table_name = answers)]
pub struct Answer {
    pub response_id: String,
    pub item_code: String,
    pub value: i32,
}

pub fn insert(conn: &mut DbConnection, response: &Response, answers: &[Answer]) -> QueryResult<()> {
    diesel::insert_into(responses::table)
        .values(response)
        .execute(conn)?;
    insert_answers(conn, answers)
}

/// Bulk insert (the demo); multi-row inserts need the per-backend body.
pub fn insert_many(
    conn: &mut DbConnection,
    rows: &[Response],
    answers: &[Answer],
) -> QueryResult<()> {
    for chunk in rows.chunks(1_000) {
        per_backend!(&mut *conn, |c| diesel::insert_into(responses::table)
            .values(chunk)
            .execute(c))?;
    }
    insert_answers(conn, answers)
}

fn insert_answers(conn: &mut DbConnection, answers: &[Answer]) -> QueryResult<()> {
    for chunk in answers.chunks(5_000) {
        per_backend!(&mut *conn, |c| diesel::insert_into(answers::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

/// Released responses (held ones are in `held_responses`).
pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    responses::table.count().get_result(conn)
}

/// Comments of released responses of these agencies and quarters, newest release first.
pub fn comments(
    conn: &mut DbConnection,
    agency_ids: &[i32],
    quarters: &[String],
    limit: i64,
) -> QueryResult<Vec<String>> {
    responses::table
        .filter(responses::agency_id.eq_any(agency_ids))
        .filter(responses::quarter.eq_any(quarters))
        .filter(responses::comment.is_not_null())
        .order((responses::released_in.desc(), responses::id))
        .select(responses::comment.assume_not_null())
        .limit(limit)
        .load(conn)
}

pub fn answers_of(conn: &mut DbConnection, response_id: &str) -> QueryResult<Vec<Answer>> {
    answers::table
        .filter(answers::response_id.eq(response_id))
        .order(answers::item_code)
        .select(Answer::as_select())
        .load(conn)
}

pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<Response>> {
    responses::table
        .select(Response::as_select())
        .order(responses::id)
        .load(conn)
}

/// What every stored response says that a dossier also says: (response id, agency, procedure,
/// field, applicant kind, channel, quarter).
pub type DescriptionRow = (
    String,
    i32,
    Option<i32>,
    Option<String>,
    String,
    String,
    String,
);

pub fn descriptions(conn: &mut DbConnection) -> QueryResult<Vec<DescriptionRow>> {
    responses::table
        .select((
            responses::id,
            responses::agency_id,
            responses::procedure_id,
            responses::procedure_field,
            responses::applicant_kind,
            responses::channel,
            responses::quarter,
        ))
        .load(conn)
}

/// Generalises a stored response's procedure (see `privacy::anonymity`).
pub fn set_procedure(
    conn: &mut DbConnection,
    id: &str,
    procedure_id: Option<i32>,
    field: Option<&str>,
) -> QueryResult<()> {
    diesel::update(responses::table.find(id))
        .set((
            responses::procedure_id.eq(procedure_id),
            responses::procedure_field.eq(field),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Released responses of a quarter, counted by (agency, integrity flag).
pub fn flags_in(
    conn: &mut DbConnection,
    quarter: &str,
) -> QueryResult<Vec<(i32, Option<String>, i64)>> {
    responses::table
        .filter(responses::quarter.eq(quarter))
        .group_by((responses::agency_id, responses::flag))
        .select((
            responses::agency_id,
            responses::flag,
            diesel::dsl::count_star(),
        ))
        .load(conn)
}
