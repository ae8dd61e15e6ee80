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
