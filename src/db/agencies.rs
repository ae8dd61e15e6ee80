use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;

use super::schema::{agencies, agency_successors};
use super::DbConnection;
use crate::domain::agency::{AgencyKind, AgencyLevel, SurveyPolicy};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = agencies)]
pub struct Agency {
    pub id: i32,
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    #[diesel(deserialize_as = String)]
    pub level: AgencyLevel,
    #[diesel(deserialize_as = String)]
    pub kind: AgencyKind,
    pub parent_id: Option<i32>,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    #[diesel(deserialize_as = String)]
    pub survey_policy: SurveyPolicy,
    /// How a citizen reaches it about a dossier, when an administrator gave it.
    pub contact: Option<String>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = agencies)]
pub struct NewAgency<'a> {
    pub code: &'a str,
    pub name_vi: &'a str,
    pub name_en: &'a str,
    #[diesel(serialize_as = String)]
    pub level: AgencyLevel,
    #[diesel(serialize_as = String)]
    pub kind: AgencyKind,
    pub parent_id: Option<i32>,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

/// `root` and every agency below it, among `all` (the whole tree as `all` reads it).
pub fn subtree(all: &[Agency], root: i32) -> std::collections::HashSet<i32> {
    let mut seen = std::collections::HashSet::from([root]);
    // Walk down the tree until nothing new joins.
    loop {
        let before = seen.len();
        for a in all {
            if a.parent_id.is_some_and(|p| seen.contains(&p)) {
                seen.insert(a.id);
            }
        }
        if seen.len() == before {
            return seen;
        }
    }
}

pub fn insert(conn: &mut DbConnection, agency: &NewAgency<'_>) -> QueryResult<i32> {
    diesel::insert_into(agencies::table)
        .values(agency.clone())
        .returning(agencies::id)
        .get_result(conn)
}

pub fn add_successor(
    conn: &mut DbConnection,
    predecessor_id: i32,
    successor_id: i32,
    effective_on: NaiveDate,
) -> QueryResult<()> {
    diesel::insert_into(agency_successors::table)
        .values((
            agency_successors::predecessor_id.eq(predecessor_id),
            agency_successors::successor_id.eq(successor_id),
            agency_successors::effective_on.eq(effective_on),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Every agency, current and historical, parents before children is not guaranteed: ordered by
/// level then code.
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<Agency>> {
    agencies::table
        .select(Agency::as_select())
        .order((agencies::level, agencies::code))
        .load(conn)
}

pub fn find_by_code(conn: &mut DbConnection, code: &str) -> QueryResult<Option<Agency>> {
    agencies::table
        .filter(agencies::code.eq(code))
        .select(Agency::as_select())
        .get_result(conn)
        .optional()
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    agencies::table.count().get_result(conn)
}

/// (predecessor code, successor code, effective date) for every recorded merger or split.
pub fn successions(conn: &mut DbConnection) -> QueryResult<Vec<(String, String, NaiveDate)>> {
    let (pred, succ) = diesel::alias!(agencies as pred, agencies as succ);
    agency_successors::table
        .inner_join(
            pred.on(pred
                .field(agencies::id)
                .eq(agency_successors::predecessor_id)),
        )
        .inner_join(succ.on(succ.field(agencies::id).eq(agency_successors::successor_id)))
        .select((
            pred.field(agencies::code),
            succ.field(agencies::code),
            agency_successors::effective_on,
        ))
        .order((pred.field(agencies::code), succ.field(agencies::code)))
        .load(conn)
}

/// For each merged or split agency's code, the codes of its successors (in code order).
pub fn successors_by_predecessor(
    conn: &mut DbConnection,
) -> QueryResult<HashMap<String, Vec<String>>> {
    let mut successors: HashMap<String, Vec<String>> = HashMap::new();
    for (predecessor, successor, _) in successions(conn)? {
        successors.entry(predecessor).or_default().push(successor);
    }
    Ok(successors)
}

pub fn by_id(conn: &mut DbConnection, id: i32) -> QueryResult<Agency> {
    agencies::table
        .find(id)
        .select(Agency::as_select())
        .get_result(conn)
}

/// Sets how the agency's surveys are opened (`link` or `verified`); false if no such agency.
pub fn set_survey_policy(
    conn: &mut DbConnection,
    code: &str,
    policy: SurveyPolicy,
) -> QueryResult<bool> {
    diesel::update(agencies::table.filter(agencies::code.eq(code)))
        .set(agencies::survey_policy.eq(policy.as_str()))
        .execute(conn)
        .map(|n| n == 1)
}

/// Ends the agency's validity on `last_day`; false if it was not open (or does not exist).
pub fn close(conn: &mut DbConnection, id: i32, last_day: NaiveDate) -> QueryResult<bool> {
    diesel::update(
        agencies::table
            .filter(agencies::id.eq(id))
            .filter(agencies::valid_to.is_null()),
    )
    .set(agencies::valid_to.eq(last_day))
    .execute(conn)
    .map(|n| n == 1)
}

pub fn set_contact(conn: &mut DbConnection, id: i32, contact: Option<&str>) -> QueryResult<()> {
    diesel::update(agencies::table.find(id))
        .set(agencies::contact.eq(contact))
        .execute(conn)
        .map(|_| ())
}

pub fn rename(conn: &mut DbConnection, id: i32, name_vi: &str, name_en: &str) -> QueryResult<()> {
    diesel::update(agencies::table.find(id))
        .set((agencies::name_vi.eq(name_vi), agencies::name_en.eq(name_en)))
        .execute(conn)
        .map(|_| ())
}
