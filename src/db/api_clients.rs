use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::api_clients;
use super::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_clients)]
pub struct ApiClient {
    pub id: i32,
    pub name: String,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    /// `domain::api_scope::ApiScope`, as stored.
    pub scope: String,
}

pub fn create(
    conn: &mut DbConnection,
    name: &str,
    key_hash: &[u8],
    scope: &str,
) -> QueryResult<i32> {
    diesel::insert_into(api_clients::table)
        .values((
            api_clients::name.eq(name),
            api_clients::key_hash.eq(key_hash),
            api_clients::created_at.eq(crate::clock::now().naive_utc()),
            api_clients::scope.eq(scope),
        ))
        .returning(api_clients::id)
        .get_result(conn)
}

/// The active (not revoked) client whose key hashes to `key_hash`.
pub fn find_active(conn: &mut DbConnection, key_hash: &[u8]) -> QueryResult<Option<ApiClient>> {
    api_clients::table
        .filter(api_clients::key_hash.eq(key_hash))
        .filter(api_clients::revoked_at.is_null())
        .select(ApiClient::as_select())
        .get_result(conn)
        .optional()
}

/// Revokes the named client; returns whether an active one was found.
pub fn revoke(conn: &mut DbConnection, name: &str) -> QueryResult<bool> {
    diesel::update(api_clients::table)
        .filter(api_clients::name.eq(name))
        .filter(api_clients::revoked_at.is_null())
        .set(api_clients::revoked_at.eq(Some(crate::clock::now().naive_utc())))
        .execute(conn)
        .map(|n| n > 0)
}

pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<ApiClient>> {
    api_clients::table
        .select(ApiClient::as_select())
        .order(api_clients::name)
        .load(conn)
}
