//! The one row that records which server secret wrote this database (its fingerprint).

use chrono::NaiveDateTime;
use diesel::dsl::exists;
use diesel::prelude::*;

use super::schema::{api_clients, dossiers, held_responses, responses, secret_fingerprint, users};
use super::{DbConnection, QueryResult};

pub fn get(conn: &mut DbConnection) -> QueryResult<Option<Vec<u8>>> {
    secret_fingerprint::table
        .find(1)
        .select(secret_fingerprint::fingerprint)
        .get_result(conn)
        .optional()
}

pub fn record(conn: &mut DbConnection, fingerprint: &[u8], at: NaiveDateTime) -> QueryResult<()> {
    diesel::insert_into(secret_fingerprint::table)
        .values((
            secret_fingerprint::id.eq(1),
            secret_fingerprint::fingerprint.eq(fingerprint),
            secret_fingerprint::recorded_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Whether anything that depends on the secret is stored: dossiers (identity hashes, links),
/// responses (held ones are sealed under it), API keys, staff accounts.
pub fn has_secret_bound_data(conn: &mut DbConnection) -> QueryResult<bool> {
    let found = [
        diesel::select(exists(dossiers::table.select(dossiers::id))).get_result(conn)?,
        diesel::select(exists(responses::table.select(responses::id))).get_result(conn)?,
        diesel::select(exists(held_responses::table.select(held_responses::id)))
            .get_result(conn)?,
        diesel::select(exists(api_clients::table.select(api_clients::id))).get_result(conn)?,
        diesel::select(exists(users::table.select(users::id))).get_result(conn)?,
    ];
    Ok(found.contains(&true))
}
