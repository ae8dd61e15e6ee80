use diesel::prelude::*;

use super::schema::questionnaires;
use super::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = questionnaires)]
pub struct StoredQuestionnaire {
    pub id: i32,
    pub version: String,
    pub definition: String,
}

/// The id of the questionnaire new invitations use: the most recently published (its
/// definition is read, and parsed once, by `services::surveys::Questionnaires`).
#[expect(
    clippy::disallowed_methods,
    reason = "once per ingestion batch or agency page: the re-preparation `first` costs on SQLite does not matter here"
)]
pub fn current_id(conn: &mut DbConnection) -> QueryResult<Option<i32>> {
    questionnaires::table
        .select(questionnaires::id)
        .order((
            questionnaires::published_at.desc(),
            questionnaires::id.desc(),
        ))
        .first(conn)
        .optional()
}

/// Every published version's id, oldest first.
pub fn ids(conn: &mut DbConnection) -> QueryResult<Vec<i32>> {
    questionnaires::table
        .select(questionnaires::id)
        .order((questionnaires::published_at, questionnaires::id))
        .load(conn)
}

/// Every published version's name, oldest first (as `export::questionnaire_versions` orders
/// them), without their definitions.
pub fn versions(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    questionnaires::table
        .select(questionnaires::version)
        .order((questionnaires::published_at, questionnaires::id))
        .load(conn)
}

pub fn by_id(conn: &mut DbConnection, id: i32) -> QueryResult<StoredQuestionnaire> {
    questionnaires::table
        .find(id)
        .select(StoredQuestionnaire::as_select())
        .get_result(conn)
}

pub fn by_version(
    conn: &mut DbConnection,
    version: &str,
) -> QueryResult<Option<StoredQuestionnaire>> {
    questionnaires::table
        .filter(questionnaires::version.eq(version))
        .select(StoredQuestionnaire::as_select())
        .get_result(conn)
        .optional()
}

#[derive(Debug, PartialEq, Eq)]
pub enum Publication {
    Published,
    AlreadyPublished,
    /// The version exists with other content; it is never overwritten.
    VersionTaken,
}

/// Publishes a version; a stored version is never changed.
pub fn publish(
    conn: &mut DbConnection,
    version: &str,
    definition: &str,
) -> QueryResult<Publication> {
    match by_version(conn, version)? {
        Some(stored) if stored.definition == definition => Ok(Publication::AlreadyPublished),
        Some(_) => Ok(Publication::VersionTaken),
        None => {
            publish_if_absent(conn, version, definition, crate::clock::now().naive_utc())?;
            Ok(Publication::Published)
        }
    }
}

/// Publishes a version as of `at` unless it exists; a stored version is never changed.
pub fn publish_if_absent(
    conn: &mut DbConnection,
    version: &str,
    definition: &str,
    at: chrono::NaiveDateTime,
) -> QueryResult<bool> {
    if by_version(conn, version)?.is_some() {
        return Ok(false);
    }
    diesel::insert_into(questionnaires::table)
        .values((
            questionnaires::version.eq(version),
            questionnaires::definition.eq(definition),
            questionnaires::published_at.eq(at),
        ))
        .execute(conn)?;
    Ok(true)
}
