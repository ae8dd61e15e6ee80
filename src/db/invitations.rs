use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{agencies, dossiers, invitations, outbox, procedures};
use super::DbConnection;
use crate::per_backend;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = invitations)]
pub struct Invitation {
    pub id: i32,
    pub dossier_id: i32,
    pub token_salt: Vec<u8>,
    pub questionnaire_id: i32,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub answered: bool,
    pub answered_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = invitations)]
pub struct NewInvitation {
    pub dossier_id: i32,
    pub token_salt: Vec<u8>,
    pub token_hash: Vec<u8>,
    pub questionnaire_id: i32,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub answered: bool,
}

pub fn insert(conn: &mut DbConnection, row: &NewInvitation) -> QueryResult<i32> {
    diesel::insert_into(invitations::table)
        .values(row)
        .returning(invitations::id)
        .get_result(conn)
}

pub fn insert_many(conn: &mut DbConnection, rows: &[NewInvitation]) -> QueryResult<usize> {
    let mut inserted = 0;
    for chunk in rows.chunks(1_000) {
        inserted += per_backend!(&mut *conn, |c| diesel::insert_into(invitations::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(inserted)
}

pub fn by_token_hash(
    conn: &mut DbConnection,
    token_hash: &[u8],
) -> QueryResult<Option<Invitation>> {
    invitations::table
        .filter(invitations::token_hash.eq(token_hash))
        .select(Invitation::as_select())
        .get_result(conn)
        .optional()
}

pub fn by_dossier(conn: &mut DbConnection, dossier_id: i32) -> QueryResult<Option<Invitation>> {
    invitations::table
        .filter(invitations::dossier_id.eq(dossier_id))
        .select(Invitation::as_select())
        .get_result(conn)
        .optional()
}

pub fn by_id(conn: &mut DbConnection, id: i32) -> QueryResult<Invitation> {
    invitations::table
        .find(id)
        .select(Invitation::as_select())
        .get_result(conn)
}

/// Marks the invitation answered (on `day`, Vietnam time) if it was not: the one write that
/// makes a submission count. Returns false when another submission got there first. Run it as
/// the first statement of the submission's transaction, so that on SQLite the transaction takes
/// the write lock at once.
pub fn claim(conn: &mut DbConnection, id: i32, day: NaiveDate) -> QueryResult<bool> {
    diesel::update(invitations::table)
        .filter(invitations::id.eq(id))
        .filter(invitations::answered.eq(false))
        .set((
            invitations::answered.eq(true),
            invitations::answered_on.eq(day),
        ))
        .execute(conn)
        .map(|n| n == 1)
}

/// The invitation with its dossier's applicant (the keyed hash), in one query.
pub fn with_applicant(conn: &mut DbConnection, id: i32) -> QueryResult<(Invitation, Vec<u8>)> {
    invitations::table
        .inner_join(dossiers::table)
        .filter(invitations::id.eq(id))
        .select((Invitation::as_select(), dossiers::applicant_hash))
        .get_result(conn)
}

/// How many surveys of dossiers filed under this applicant were answered on `day`.
pub fn answered_by_applicant_on(
    conn: &mut DbConnection,
    applicant_hash: &[u8],
    day: NaiveDate,
) -> QueryResult<i64> {
    invitations::table
        .inner_join(dossiers::table)
        .filter(dossiers::applicant_hash.eq(applicant_hash))
        .filter(invitations::answered_on.eq(day))
        .count()
        .get_result(conn)
}

pub fn enqueue_delivery(
    conn: &mut DbConnection,
    invitation_id: i32,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(outbox::table)
        .values((
            outbox::invitation_id.eq(invitation_id),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// What a survey page needs about its invitation, in one query: the invitation, and of its
/// dossier only what the page and the response carry (never the identity).
#[derive(Debug, Clone, Queryable)]
pub struct SurveyContext {
    pub invitation: Invitation,
    pub applicant_kind: String,
    pub channel: String,
    pub completed_at: NaiveDateTime,
    pub agency_id: i32,
    pub agency_name_vi: String,
    pub agency_name_en: String,
    pub survey_policy: String,
    pub procedure_id: i32,
    pub procedure_name_vi: String,
    pub procedure_name_en: String,
}

pub fn survey_context(
    conn: &mut DbConnection,
    token_hash: &[u8],
) -> QueryResult<Option<SurveyContext>> {
    invitations::table
        .inner_join(
            dossiers::table
                .inner_join(agencies::table)
                .inner_join(procedures::table),
        )
        .filter(invitations::token_hash.eq(token_hash))
        .select((
            Invitation::as_select(),
            dossiers::applicant_kind,
            dossiers::channel,
            dossiers::completed_at,
            agencies::id,
            agencies::name_vi,
            agencies::name_en,
            agencies::survey_policy,
            procedures::id,
            procedures::name_vi,
            procedures::name_en,
        ))
        .get_result(conn)
        .optional()
}
