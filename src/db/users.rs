use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{login_failures, sessions, users};
use super::DbConnection;
use crate::domain::agency::Role;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i32,
    pub email: String,
    pub password_hash: String,
    #[diesel(deserialize_as = String)]
    pub role: Role,
    pub agency_id: Option<i32>,
    pub disabled: bool,
}

pub fn insert(
    conn: &mut DbConnection,
    email: &str,
    password_hash: &str,
    role: Role,
    agency_id: Option<i32>,
) -> QueryResult<i32> {
    diesel::insert_into(users::table)
        .values((
            users::email.eq(email),
            users::password_hash.eq(password_hash),
            users::role.eq(role.as_str()),
            users::agency_id.eq(agency_id),
            users::disabled.eq(false),
            users::created_at.eq(crate::clock::now().naive_utc()),
        ))
        .returning(users::id)
        .get_result(conn)
}

pub fn by_email(conn: &mut DbConnection, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(email))
        .select(User::as_select())
        .get_result(conn)
        .optional()
}

pub fn by_id(conn: &mut DbConnection, id: i32) -> QueryResult<Option<User>> {
    users::table
        .find(id)
        .select(User::as_select())
        .get_result(conn)
        .optional()
}

pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<User>> {
    users::table
        .select(User::as_select())
        .order(users::email)
        .load(conn)
}

/// Disables (or enables) an account; disabling ends its sessions at once.
pub fn set_disabled(conn: &mut DbConnection, id: i32, disabled: bool) -> QueryResult<()> {
    super::transaction(conn, |conn| {
        diesel::update(users::table.find(id))
            .set(users::disabled.eq(disabled))
            .execute(conn)?;
        if disabled {
            diesel::delete(sessions::table.filter(sessions::user_id.eq(id))).execute(conn)?;
        }
        Ok(())
    })
}

pub fn record_failure(
    conn: &mut DbConnection,
    subject: &[u8],
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::subject.eq(subject),
            login_failures::at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn failures_since(
    conn: &mut DbConnection,
    subject: &[u8],
    since: NaiveDateTime,
) -> QueryResult<i64> {
    login_failures::table
        .filter(login_failures::subject.eq(subject))
        .filter(login_failures::at.gt(since))
        .count()
        .get_result(conn)
}

pub fn clear_failures(conn: &mut DbConnection, subject: &[u8]) -> QueryResult<()> {
    diesel::delete(login_failures::table.filter(login_failures::subject.eq(subject)))
        .execute(conn)
        .map(|_| ())
}
