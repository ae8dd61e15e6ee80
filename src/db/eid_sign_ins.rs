//! E-ID sign-ins in progress (state, nonce, PKCE verifier) or done (`verified`), each for one
//! invitation (named only sealed under the server secret), until the response is stored. Rows
//! are looked up by the keyed hash of the handle the browser holds.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::eid_sign_ins;
use super::DbConnection;

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = eid_sign_ins)]
pub struct NewSignIn {
    pub key_hash: Vec<u8>,
    pub invitation_sealed: Vec<u8>,
    pub state_hash: Vec<u8>,
    pub nonce: Option<String>,
    pub pkce_verifier: Option<String>,
    pub verified: bool,
    pub expires_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = eid_sign_ins)]
pub struct SignIn {
    pub invitation_sealed: Vec<u8>,
    pub state_hash: Vec<u8>,
    pub nonce: Option<String>,
    pub pkce_verifier: Option<String>,
    pub verified: bool,
    pub expires_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &NewSignIn) -> QueryResult<()> {
    diesel::insert_into(eid_sign_ins::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn find(conn: &mut DbConnection, key_hash: &[u8]) -> QueryResult<Option<SignIn>> {
    eid_sign_ins::table
        .find(key_hash)
        .select(SignIn::as_select())
        .get_result(conn)
        .optional()
}

/// Takes the nonce and verifier out of a pending sign-in: true only for the first caller, so a
/// replayed callback finds nothing to redeem.
pub fn take_secrets(conn: &mut DbConnection, key_hash: &[u8]) -> QueryResult<bool> {
    diesel::update(
        eid_sign_ins::table
            .find(key_hash)
            .filter(eid_sign_ins::nonce.is_not_null()),
    )
    .set((
        eid_sign_ins::nonce.eq(None::<String>),
        eid_sign_ins::pkce_verifier.eq(None::<String>),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

pub fn mark_verified(
    conn: &mut DbConnection,
    key_hash: &[u8],
    until: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(eid_sign_ins::table.find(key_hash))
        .set((
            eid_sign_ins::verified.eq(true),
            eid_sign_ins::expires_at.eq(until),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn delete(conn: &mut DbConnection, key_hash: &[u8]) -> QueryResult<usize> {
    diesel::delete(eid_sign_ins::table.find(key_hash)).execute(conn)
}

pub fn delete_expired(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(eid_sign_ins::table.filter(eid_sign_ins::expires_at.le(now))).execute(conn)
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    eid_sign_ins::table.count().get_result(conn)
}
