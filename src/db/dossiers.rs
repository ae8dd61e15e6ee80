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
    pub applicant_hash: Vec<u8>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub created_at: NaiveDateTime,
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
    pub applicant_hash: Vec<u8>,
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
pub fn contact(conn: &mut DbConnection, id: i32) -> QueryResult<(Option<String>, Option<String>)> {
    dossiers::table
        .find(id)
        .select((dossiers::contact_phone, dossiers::contact_email))
        .get_result(conn)
}

/// Forgets the phone and e-mail once the invitation has been delivered.
pub fn erase_contact(conn: &mut DbConnection, id: i32) -> QueryResult<()> {
    diesel::update(dossiers::table.find(id))
        .set((
            dossiers::contact_phone.eq(None::<String>),
            dossiers::contact_email.eq(None::<String>),
        ))
        .execute(conn)
        .map(|_| ())
}
