//! What the Decision 766 satisfaction group counts: dossiers completed per agency, and the
//! answers that say whether a response was dissatisfied overall. Counts only: nothing here
//! joins a dossier to a response.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{answers, dossiers, responses};
use super::DbConnection;

/// Dossiers completed in `[from, until)`, per agency.
pub fn completed_by_agency(
    conn: &mut DbConnection,
    agency_ids: &[i32],
    from: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<Vec<(i32, i64)>> {
    dossiers::table
        .filter(dossiers::agency_id.eq_any(agency_ids))
        .filter(dossiers::completed_at.ge(from))
        .filter(dossiers::completed_at.lt(until))
        .group_by(dossiers::agency_id)
        .select((dossiers::agency_id, diesel::dsl::count_star()))
        .load(conn)
}

/// (agency, response, item, value) of every answer of the released responses of `quarter`.
pub fn answers_of_quarter(
    conn: &mut DbConnection,
    agency_ids: &[i32],
    quarter: &str,
) -> QueryResult<Vec<(i32, String, String, i32)>> {
    answers::table
        .inner_join(responses::table)
        .filter(responses::quarter.eq(quarter))
        .filter(responses::agency_id.eq_any(agency_ids))
        .select((
            responses::agency_id,
            answers::response_id,
            answers::item_code,
            answers::value,
        ))
        .load(conn)
}
