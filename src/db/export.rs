//! The rows of the analysis method's tables (`services::reports::export` writes them out):
//! released responses only, nothing personal.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{agencies, answers, dossiers, procedures, questionnaires, responses};
use super::{DbConnection, QueryResult};

/// (id, code, name_vi, level, parent id)
pub type AgencyRow = (i32, String, String, String, Option<i32>);
/// (external id, agency id, procedure id, applicant kind, channel, received, due, completed,
/// invited)
pub type DossierRow = (
    String,
    i32,
    i32,
    String,
    String,
    NaiveDateTime,
    NaiveDateTime,
    NaiveDateTime,
    bool,
);
/// (id, agency, procedure when not generalised, applicant kind, channel, quarter, version)
pub type ResponseRow = (String, i32, Option<i32>, String, String, String, String);

pub fn agencies(conn: &mut DbConnection) -> QueryResult<Vec<AgencyRow>> {
    agencies::table
        .select((
            agencies::id,
            agencies::code,
            agencies::name_vi,
            agencies::level,
            agencies::parent_id,
        ))
        .order(agencies::id)
        .load(conn)
}

pub fn procedure_codes(conn: &mut DbConnection) -> QueryResult<Vec<(i32, String)>> {
    procedures::table
        .select((procedures::id, procedures::code))
        .load(conn)
}

/// Every dossier, or those of one procedure field.
pub fn dossiers(conn: &mut DbConnection, field: Option<&str>) -> QueryResult<Vec<DossierRow>> {
    let mut query = dossiers::table
        .inner_join(procedures::table)
        .select((
            dossiers::external_id,
            dossiers::agency_id,
            dossiers::procedure_id,
            dossiers::applicant_kind,
            dossiers::channel,
            dossiers::received_at,
            dossiers::due_at,
            dossiers::completed_at,
            dossiers::invited,
        ))
        .order(dossiers::id)
        .into_boxed();
    if let Some(field) = field {
        query = query.filter(procedures::field.eq(field));
    }
    query.load(conn)
}

/// Every released response, or those of one procedure field.
pub fn responses(conn: &mut DbConnection, field: Option<&str>) -> QueryResult<Vec<ResponseRow>> {
    let mut query = responses::table
        .select((
            responses::id,
            responses::agency_id,
            responses::procedure_id,
            responses::applicant_kind,
            responses::channel,
            responses::quarter,
            responses::questionnaire_version,
        ))
        .order(responses::id)
        .into_boxed();
    if let Some(field) = field {
        query = query.filter(responses::procedure_field.eq(field));
    }
    query.load(conn)
}

/// Every answer: (response id, item code, value).
pub fn answers(conn: &mut DbConnection) -> QueryResult<Vec<(String, String, i32)>> {
    answers::table
        .select((answers::response_id, answers::item_code, answers::value))
        .order((answers::response_id, answers::item_code))
        .load(conn)
}

/// Every published questionnaire as (version, JSON), oldest first.
pub fn questionnaire_versions(conn: &mut DbConnection) -> QueryResult<Vec<(String, String)>> {
    questionnaires::table
        .select((questionnaires::version, questionnaires::definition))
        .order((questionnaires::published_at, questionnaires::id))
        .load(conn)
}
