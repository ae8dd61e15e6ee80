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
/// (id, agency, procedure when not generalised, applicant kind, channel, quarter, version, mode)
pub type ResponseRow = (
    String,
    i32,
    Option<i32>,
    String,
    String,
    String,
    String,
    String,
);

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

/// Which rows to read: every one, or those of one procedure field, of some quarters, or both.
#[derive(Debug, Clone, Copy, Default)]
pub struct Slice<'a> {
    pub field: Option<&'a str>,
    /// With `field`: each agency's quarter as it stood at its pin
    /// (`services::reports::field_pins`) for this k.
    pub field_pins_k: Option<u32>,
    /// Only the responses given this way (`link`, `kiosk`, `paper`); the dossiers stay all.
    pub mode: Option<&'a str>,
    pub quarters: Option<&'a Quarters>,
}

/// Consecutive quarters: their names (responses carry their quarter) and the instants they
/// span (dossiers carry their completion time, UTC).
#[derive(Debug, Clone)]
pub struct Quarters {
    pub names: Vec<String>,
    pub from: NaiveDateTime,
    pub until: NaiveDateTime,
}

/// Every dossier of the slice.
pub fn dossiers(conn: &mut DbConnection, slice: Slice) -> QueryResult<Vec<DossierRow>> {
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
    if let Some(field) = slice.field {
        query = query.filter(procedures::field.eq(field));
    }
    if let Some(q) = slice.quarters {
        query = query.filter(
            dossiers::completed_at
                .ge(q.from)
                .and(dossiers::completed_at.lt(q.until)),
        );
    }
    query.load(conn)
}

/// Every released response of the slice.
pub fn responses(conn: &mut DbConnection, slice: Slice) -> QueryResult<Vec<ResponseRow>> {
    let mut query = responses::table
        .select((
            responses::id,
            responses::agency_id,
            responses::procedure_id,
            responses::applicant_kind,
            responses::channel,
            responses::quarter,
            responses::questionnaire_version,
            responses::mode,
        ))
        .order(responses::id)
        .into_boxed();
    if let Some(field) = slice.field {
        query = query.filter(responses::procedure_field.eq(field));
    }
    if let Some(mode) = slice.mode {
        query = query.filter(responses::mode.eq(mode));
    }
    // What an integrity rule flagged is no input of the method (counted on the integrity page).
    query = query.filter(responses::flag.is_null());
    if let Some(q) = slice.quarters {
        query = query.filter(responses::quarter.eq_any(&q.names));
    }
    query.load(conn)
}

/// (id, agency, quarter, mode, procedure field, release).
pub type ReleasedPart = (String, i32, String, String, Option<String>, i32);

/// Every released, unflagged response of these quarters (all when `None`), of any field and
/// way of answering.
pub fn released_parts(
    conn: &mut DbConnection,
    quarters: Option<&Quarters>,
) -> QueryResult<Vec<ReleasedPart>> {
    let mut query = responses::table
        .select((
            responses::id,
            responses::agency_id,
            responses::quarter,
            responses::mode,
            responses::procedure_field,
            responses::released_in,
        ))
        .filter(responses::flag.is_null())
        .into_boxed();
    if let Some(q) = quarters {
        query = query.filter(responses::quarter.eq_any(&q.names));
    }
    query.load(conn)
}

/// Every released response an integrity rule flagged: (agency, quarter, release).
pub fn flagged_releases(conn: &mut DbConnection) -> QueryResult<Vec<(i32, String, i32)>> {
    responses::table
        .filter(responses::flag.is_not_null())
        .select((
            responses::agency_id,
            responses::quarter,
            responses::released_in,
        ))
        .load(conn)
}

/// Every answer of the slice's responses: (response id, item code, value).
pub fn answers(conn: &mut DbConnection, slice: Slice) -> QueryResult<Vec<(String, String, i32)>> {
    let mut query = answers::table
        .inner_join(responses::table)
        .select((answers::response_id, answers::item_code, answers::value))
        .order((answers::response_id, answers::item_code))
        .into_boxed();
    if let Some(field) = slice.field {
        query = query.filter(responses::procedure_field.eq(field));
    }
    if let Some(mode) = slice.mode {
        query = query.filter(responses::mode.eq(mode));
    }
    // What an integrity rule flagged is no input of the method (counted on the integrity page).
    query = query.filter(responses::flag.is_null());
    if let Some(q) = slice.quarters {
        query = query.filter(responses::quarter.eq_any(&q.names));
    }
    query.load(conn)
}

/// Every published questionnaire as (version, JSON), oldest first.
pub fn questionnaire_versions(conn: &mut DbConnection) -> QueryResult<Vec<(String, String)>> {
    questionnaires::table
        .select((questionnaires::version, questionnaires::definition))
        .order((questionnaires::published_at, questionnaires::id))
        .load(conn)
}
