//! What a backup and a restore need from the database itself.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::{DbConnection, QueryResult};

/// SQLite: a consistent copy of the database into `path` (a new file), taken in one read
/// transaction: writers go on meanwhile (WAL), and the copy is compacted.
pub fn sqlite_vacuum_into(conn: &mut DbConnection, path: &str) -> QueryResult<()> {
    diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(path)
        .execute(conn)
        .map(|_| ())
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// How many tables the database has (besides SQLite's own): 0 for a database nothing was
/// ever written to.
pub fn table_count(conn: &mut DbConnection) -> QueryResult<i64> {
    let query = match conn {
        DbConnection::Sqlite(_) => {
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%'"
        }
        DbConnection::Postgres(_) => {
            "SELECT COUNT(*) AS n FROM pg_tables WHERE schemaname = 'public'"
        }
    };
    diesel::sql_query(query)
        .get_result::<Count>(conn)
        .map(|c| c.n)
}

/// PostgreSQL: drops everything a refused restore brought in, back to an empty database.
pub fn empty_postgres(conn: &mut DbConnection) -> QueryResult<()> {
    diesel::sql_query("DROP SCHEMA public CASCADE")
        .execute(conn)
        .and_then(|_| diesel::sql_query("CREATE SCHEMA public").execute(conn))
        .map(|_| ())
}
