//! A database call from a handler. diesel is synchronous, so the call runs on a blocking thread
//! (or, for the survey page's read on SQLite, right here from its own small pool); whatever
//! fails comes back as an `AppError`: no connection is "temporarily unavailable", a refused
//! input a `Refused`, anything else internal (logged once, when the error is rendered).

use actix_web::web;

use super::error::AppError;
use crate::services::store::{Batch, GroupCommit, GroupError, Rollback};
use crate::services::store::{DbConnection, DbPool};

/// Runs `work` on a connection of `pool`, on this thread.
pub fn run<T, E: Into<AppError>>(
    pool: &DbPool,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, AppError> {
    let mut conn = pool.get()?;
    work(&mut conn).map_err(Into::into)
}

/// As [`run`], on a blocking thread.
pub async fn blocking<T: Send + 'static, E: Into<AppError>>(
    pool: &DbPool,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
) -> Result<T, AppError> {
    let pool = pool.clone();
    web::block(move || run(&pool, work)).await?
}

/// As [`blocking`], in a savepoint of the next transaction of `group` (survey submissions; see
/// `db::group_commit`), for work that may end early with an outcome (`Rollback::Because`): the
/// savepoint undoes its writes and the outcome comes back like a finished one. A group that
/// fails as a whole is logged by its writer.
pub async fn grouped<O: Send + 'static, B: Batch>(
    group: &GroupCommit<B>,
    work: impl FnOnce(&mut DbConnection) -> Result<O, Rollback<O>> + Send + 'static,
) -> Result<O, AppError> {
    match group.run(work).await {
        Ok(outcome) | Err(GroupError::Job(Rollback::Because(outcome))) => Ok(outcome),
        Err(GroupError::Job(Rollback::Failed(e))) => Err(e.into()),
        Err(GroupError::NotCommitted) => Err(AppError::Unavailable),
    }
}

/// Writes `item` with the other items of its kind in the next transaction of `group`.
pub async fn together<B: Batch>(
    group: &GroupCommit<B>,
    item: B::Item,
) -> Result<B::Outcome, AppError>
where
    B::Error: Into<AppError>,
{
    match group.write(item).await {
        Ok(outcome) => Ok(outcome),
        Err(GroupError::Job(e)) => Err(e.into()),
        Err(GroupError::NotCommitted) => Err(AppError::Unavailable),
    }
}
