use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::dossiers;
use super::DbConnection;
use crate::per_backend;

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = dossiers)]
pub struct NewDossier {
    pub external_id: String,
    pub agency_id: i32,
    pub procedure_id: i32,
    pub applicant_kind: String,
    pub channel: String,
    pub received_at: NaiveDateTime,
    pub due_at: NaiveDateTime,
    pub completed_at: NaiveDateTime,
    pub applicant_hash: Option<Vec<u8>>,
    /// The phone and e-mail, sealed (`services::dossiers::contact`); never in clear.
    pub contact_sealed: Option<Vec<u8>>,
    pub created_at: NaiveDateTime,
    pub invited: bool,
    /// The API client that sent it (`None`: imported from a file, or the demo).
    pub submitted_by: Option<i32>,
}

/// Inserts many dossiers in chunks (multi-row inserts do not go through MultiBackend, hence
/// the per-backend body). Chunks stay under SQLite's limit of 32,766 bound parameters.
pub fn insert_many(conn: &mut DbConnection, rows: &[NewDossier]) -> QueryResult<usize> {
    let mut inserted = 0;
    for chunk in rows.chunks(1_000) {
        inserted += per_backend!(&mut *conn, |c| diesel::insert_into(dossiers::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(inserted)
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    dossiers::table.count().get_result(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = dossiers)]
pub struct Dossier {
    pub id: i32,
    pub external_id: String,
    pub agency_id: i32,
    pub procedure_id: i32,
    pub applicant_kind: String,
    pub channel: String,
    pub received_at: NaiveDateTime,
    pub due_at: NaiveDateTime,
    pub completed_at: NaiveDateTime,
    /// Erased when the dossier's invitation expires.
    pub applicant_hash: Option<Vec<u8>>,
    pub submitted_by: Option<i32>,
}

pub fn insert(conn: &mut DbConnection, row: &NewDossier) -> QueryResult<i32> {
    diesel::insert_into(dossiers::table)
        .values(row)
        .returning(dossiers::id)
        .get_result(conn)
}

pub fn find_by_external_id(
    conn: &mut DbConnection,
    external_id: &str,
) -> QueryResult<Option<Dossier>> {
    dossiers::table
        .filter(dossiers::external_id.eq(external_id))
        .select(Dossier::as_select())
        .get_result(conn)
        .optional()
}

pub fn by_id(conn: &mut DbConnection, id: i32) -> QueryResult<Dossier> {
    dossiers::table
        .find(id)
        .select(Dossier::as_select())
        .get_result(conn)
}

/// The contact to deliver an invitation to, if any is still kept.
pub fn contact(conn: &mut DbConnection, id: i32) -> QueryResult<Option<Vec<u8>>> {
    dossiers::table
        .find(id)
        .select(dossiers::contact_sealed)
        .get_result(conn)
}

/// A contact an earlier release kept in clear: (dossier, phone, e-mail).
pub type ClearContact = (i32, Option<String>, Option<String>);

/// Contacts an earlier release kept in clear.
pub fn clear_contacts(conn: &mut DbConnection) -> QueryResult<Vec<ClearContact>> {
    dossiers::table
        .filter(
            dossiers::contact_phone
                .is_not_null()
                .or(dossiers::contact_email.is_not_null()),
        )
        .select((
            dossiers::id,
            dossiers::contact_phone,
            dossiers::contact_email,
        ))
        .load(conn)
}

/// Replaces a contact kept in clear by its sealed form.
pub fn seal_clear_contact(conn: &mut DbConnection, id: i32, sealed: &[u8]) -> QueryResult<()> {
    diesel::update(dossiers::table.find(id))
        .set((
            dossiers::contact_sealed.eq(Some(sealed)),
            dossiers::contact_phone.eq(None::<String>),
            dossiers::contact_email.eq(None::<String>),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Records that these dossiers' surveys were issued (the census's `invited`).
pub fn mark_invited(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<usize> {
    let mut marked = 0;
    for chunk in ids.chunks(10_000) {
        marked += diesel::update(dossiers::table.filter(dossiers::id.eq_any(chunk)))
            .set(dossiers::invited.eq(true))
            .execute(conn)?;
    }
    Ok(marked)
}

/// Forgets who applied and how to reach them (the invitation expired).
pub fn erase_identity(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<usize> {
    diesel::update(dossiers::table.filter(dossiers::id.eq_any(ids)))
        .set((
            dossiers::applicant_hash.eq(None::<Vec<u8>>),
            dossiers::contact_sealed.eq(None::<Vec<u8>>),
        ))
        .execute(conn)
}

/// Forgets the phone and e-mail once the invitation has been delivered.
pub fn erase_contact(conn: &mut DbConnection, id: i32) -> QueryResult<()> {
    diesel::update(dossiers::table.find(id))
        .set(dossiers::contact_sealed.eq(None::<Vec<u8>>))
        .execute(conn)
        .map(|_| ())
}

/// What an invited dossier says that a response also says: (agency, procedure, field,
/// applicant kind, channel, completed at).
pub type InvitedRow = (i32, i32, String, String, String, NaiveDateTime);

/// Which invited dossiers to describe.
pub struct InvitedFilter<'a> {
    pub agency_ids: Option<&'a [i32]>,
    /// Completed in `[from, to)`; every dossier when `None`.
    pub completed: Option<(NaiveDateTime, NaiveDateTime)>,
}

impl InvitedFilter<'_> {
    pub const ALL: InvitedFilter<'static> = InvitedFilter {
        agency_ids: None,
        completed: None,
    };
}

pub fn invited_descriptions(
    conn: &mut DbConnection,
    filter: &InvitedFilter<'_>,
) -> QueryResult<Vec<InvitedRow>> {
    use super::schema::procedures;
    let mut query = dossiers::table
        .inner_join(procedures::table)
        .filter(dossiers::invited.eq(true))
        .select((
            dossiers::agency_id,
            dossiers::procedure_id,
            procedures::field,
            dossiers::applicant_kind,
            dossiers::channel,
            dossiers::completed_at,
        ))
        .into_boxed();
    if let Some(ids) = filter.agency_ids {
        query = query.filter(dossiers::agency_id.eq_any(ids));
    }
    if let Some((from, to)) = filter.completed {
        query = query
            .filter(dossiers::completed_at.ge(from))
            .filter(dossiers::completed_at.lt(to));
    }
    query.load(conn)
}

/// A dossier, briefly: (id, agency, procedure, applicant kind, channel, completed at).
pub type Brief = (i32, i32, i32, String, String, NaiveDateTime);

/// Every dossier, briefly.
pub fn briefly(conn: &mut DbConnection) -> QueryResult<Vec<Brief>> {
    dossiers::table
        .select((
            dossiers::id,
            dossiers::agency_id,
            dossiers::procedure_id,
            dossiers::applicant_kind,
            dossiers::channel,
            dossiers::completed_at,
        ))
        .order(dossiers::id)
        .load(conn)
}

/// Per agency, the dossiers completed in `[from, until)` and how many of them came in online
/// (the plan's online share; a census, as METHODOLOGY §7).
pub fn online_counts(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<Vec<(i32, i64, i64)>> {
    use diesel::dsl::count_star;
    let rows: Vec<(i32, String, i64)> = dossiers::table
        .filter(dossiers::completed_at.ge(from))
        .filter(dossiers::completed_at.lt(until))
        .group_by((dossiers::agency_id, dossiers::channel))
        .select((dossiers::agency_id, dossiers::channel, count_star()))
        .load(conn)?;
    let mut by_agency: std::collections::BTreeMap<i32, (i64, i64)> = Default::default();
    for (agency, channel, n) in rows {
        let entry = by_agency.entry(agency).or_default();
        entry.1 += n;
        if channel == "online" {
            entry.0 += n;
        }
    }
    Ok(by_agency
        .into_iter()
        .map(|(agency, (online, total))| (agency, online, total))
        .collect())
}

/// Per agency and dossier channel, the dossiers completed in `[from, until)` that were
/// invited to the survey (surveys offered, as US A-11 §280 counts them).
pub fn invited_by_channel(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<Vec<(i32, String, i64)>> {
    use diesel::dsl::count_star;
    dossiers::table
        .filter(dossiers::completed_at.ge(from))
        .filter(dossiers::completed_at.lt(until))
        .filter(dossiers::invited.eq(true))
        .group_by((dossiers::agency_id, dossiers::channel))
        .select((dossiers::agency_id, dossiers::channel, count_star()))
        .order((dossiers::agency_id, dossiers::channel))
        .load(conn)
}
