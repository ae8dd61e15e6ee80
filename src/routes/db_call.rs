//! A database call from a page handler. diesel is synchronous, so the call runs on a blocking
//! thread; whatever fails (no connection, the query, the thread) is logged once, here, and
//! comes back as `Err(())`, which the survey pages answer with "temporarily unavailable".

use std::fmt::Display;

use actix_web::web;

use crate::db::group_commit::{GroupCommit, GroupError};
use crate::db::{DbConnection, DbPool};

/// Runs `work` on a connection of `pool`, on this thread; `what` names it in the log.
pub(super) fn run<T, E: Display>(
    pool: &DbPool,
    what: &str,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, ()> {
    let mut conn = pool
        .get()
        .map_err(|e| tracing::warn!(error = %e, "no database connection"))?;
    work(&mut conn).map_err(|e| tracing::error!(error = %e, "{what}"))
}

/// As [`run`], on a blocking thread.
pub(super) async fn blocking<T: Send + 'static, E: Display>(
    pool: &DbPool,
    what: &'static str,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
) -> Result<T, ()> {
    let pool = pool.clone();
    web::block(move || run(&pool, what, work))
        .await
        .map_err(|_| ())?
}

/// As [`blocking`], in a savepoint of the next transaction of `group` (SQLite writes; see
/// `db::group_commit`). A group that fails as a whole is logged by its writer.
pub(super) async fn grouped<T, E>(
    group: &GroupCommit,
    what: &'static str,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
) -> Result<T, ()>
where
    T: Send + 'static,
    E: Display + From<diesel::result::Error> + Send + 'static,
{
    group.run(work).await.map_err(|e| match e {
        GroupError::Job(e) => tracing::error!(error = %e, "{what}"),
        GroupError::NotCommitted => {}
    })
}
