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
    pub procedure_id: i32,
    pub applicant_kind: String,
    pub channel: String,
    pub quarter: String,
    pub questionnaire_version: String,
    pub comment: Option<String>,
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

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    responses::table.count().get_result(conn)
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
