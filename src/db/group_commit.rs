//! Group commit of small write transactions (survey submissions).
//!
//! SQLite runs with `synchronous = FULL`: a commit returns only once the disk has the write, so
//! one transaction per survey submission costs one disk flush each, and the flushes, one after
//! the other, set the rate (about a thousand per second here, the cores idle meanwhile). On
//! PostgreSQL concurrent commits share flushes, but submissions from one address meet on one
//! row (the integrity rules count answers per address and day), and a row is held from a
//! transaction's update to its commit: one flush each again, one after the other. One writer
//! thread instead takes every job that queued while the previous commit ran, runs each in its
//! own savepoint inside one transaction, and commits them with a single flush. A job hears its
//! result only after that commit: success still means "on disk" (and, with a synchronous
//! standby, on the standby), as before.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::sync::Arc;

use diesel::Connection;
use tokio::sync::oneshot;

use super::write_gate::WriteGate;
use super::{DbConnection, DbPool};

/// The most jobs in one transaction: a bound on how long one commit keeps the others waiting.
const MOST_PER_COMMIT: usize = 256;

/// A job run in the group's transaction; it gives back what to do once the group has committed.
/// If the group fails, that is dropped instead, and the job's caller hears of the failure.
type Job = Box<dyn FnOnce(&mut DbConnection) -> Box<dyn FnOnce() + Send> + Send>;

/// Why a grouped job has no result.
#[derive(Debug, thiserror::Error)]
pub enum GroupError<E> {
    /// The job ran and failed; its savepoint was rolled back, the others were kept.
    #[error(transparent)]
    Job(E),
    /// The group could not be written (no connection, or its commit failed): nothing of the
    /// job is stored. The cause is logged once by the writer.
    #[error("the group transaction was not committed")]
    NotCommitted,
}

/// The sending side of the writer thread; the thread ends when the last clone is dropped.
#[derive(Clone)]
pub struct GroupCommit {
    jobs: mpsc::Sender<Job>,
}

impl GroupCommit {
    /// Starts the writer thread. Its transactions hold `gate`, as every SQLite writer does.
    /// The thread ends (its connection closed) once every clone of the writer is dropped: the
    /// handle given back lets a caller wait for that.
    pub fn start(
        pool: DbPool,
        gate: Arc<WriteGate>,
    ) -> std::io::Result<(Self, std::thread::JoinHandle<()>)> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let thread = std::thread::Builder::new()
            .name("group-commit".to_owned())
            .spawn(move || write_groups(&pool, &gate, &queue))?;
        Ok((Self { jobs }, thread))
    }

    /// Runs `work` in a savepoint of the next group transaction and returns its result once
    /// that transaction is committed. `work` must not wait for anything but the database: the
    /// jobs after it wait for it.
    pub async fn run<T, E>(
        &self,
        work: impl FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    ) -> Result<T, GroupError<E>>
    where
        T: Send + 'static,
        E: From<diesel::result::Error> + Send + 'static,
    {
        let (reply, result) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let outcome = conn.transaction(work);
            Box::new(move || {
                let _ = reply.send(outcome);
            })
        });
        self.jobs.send(job).map_err(|_| GroupError::NotCommitted)?;
        match result.await {
            Ok(outcome) => outcome.map_err(GroupError::Job),
            Err(_dropped) => Err(GroupError::NotCommitted),
        }
    }
}

/// The writer thread: waits for a job, takes every job queued behind it, writes them as one.
fn write_groups(pool: &DbPool, gate: &WriteGate, queue: &mpsc::Receiver<Job>) {
    while let Ok(first) = queue.recv() {
        let mut group = vec![first];
        while group.len() < MOST_PER_COMMIT {
            match queue.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let mut conn = match pool.get() {
            Ok(conn) => conn,
            Err(e) => {
                tracing::warn!(error = %e, jobs = group.len(), "no database connection for a group commit");
                continue;
            }
        };
        let _writing = gate.enter();
        // A panicking job must not end the thread (every later write would fail); the
        // connection, left inside a transaction, is then discarded by the pool (`has_broken`).
        let written = catch_unwind(AssertUnwindSafe(|| {
            let mut after_commit = Vec::with_capacity(group.len());
            super::transaction::<_, diesel::result::Error>(&mut conn, |conn| {
                for job in group {
                    after_commit.push(job(conn));
                }
                Ok(())
            })
            .map(|()| after_commit)
        }));
        match written {
            Ok(Ok(after_commit)) => after_commit.into_iter().for_each(|reply| reply()),
            Ok(Err(e)) => {
                // Its connection may have closed (the server restarted): the next group
                // must not get it again untested.
                super::distrust_connections();
                tracing::error!(error = %e, "a group commit failed");
            }
            Err(_) => tracing::error!("a job of a group commit panicked"),
        }
    }
}

#[cfg(test)]
mod tests {
    use diesel::sql_types::{BigInt, Integer};
    use diesel::{QueryableByName, RunQueryDsl};

    use super::*;
    use crate::config::DatabaseUrl;

    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }

    fn writer(dir: &tempfile::TempDir) -> (GroupCommit, DbPool) {
        let url = DatabaseUrl::Sqlite(dir.path().join("group.db"));
        let pool = crate::db::build_pool(&url, 4);
        diesel::sql_query("CREATE TABLE items (n INTEGER NOT NULL UNIQUE)")
            .execute(&mut **pool.get().unwrap())
            .unwrap();
        let group = GroupCommit::start(pool.clone(), Arc::new(WriteGate::for_database(&url)));
        (group.unwrap().0, pool)
    }

    fn insert(n: i32) -> impl FnOnce(&mut DbConnection) -> diesel::QueryResult<usize> {
        move |conn| {
            diesel::sql_query("INSERT INTO items (n) VALUES (?)")
                .bind::<Integer, _>(n)
                .execute(conn)
        }
    }

    fn stored(pool: &DbPool) -> i64 {
        diesel::sql_query("SELECT COUNT(*) AS n FROM items")
            .get_result::<Count>(&mut **pool.get().unwrap())
            .unwrap()
            .n
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_jobs_are_all_stored_and_a_failing_one_only_loses_its_own_writes() {
        let dir = tempfile::tempdir().unwrap();
        let (group, pool) = writer(&dir);
        let mut jobs = tokio::task::JoinSet::new();
        for n in 0..200 {
            let group = group.clone();
            jobs.spawn(async move { group.run(insert(n)).await.is_ok() });
        }
        // Writes one row, then fails on the unique key: its first row must not stay.
        let group_b = group.clone();
        jobs.spawn(async move {
            let failing = group_b
                .run(|conn| {
                    insert(1_000)(conn)?;
                    insert(1_000)(conn)
                })
                .await;
            matches!(failing, Err(GroupError::Job(_)))
        });
        while let Some(ok) = jobs.join_next().await {
            assert!(ok.unwrap());
        }
        assert_eq!(stored(&pool), 200);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_panicking_job_fails_its_group_and_the_writer_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let (group, pool) = writer(&dir);
        let panicked = group
            .run(|_conn: &mut DbConnection| -> diesel::QueryResult<()> { panic!("job bug") })
            .await;
        assert!(matches!(panicked, Err(GroupError::NotCommitted)));
        assert_eq!(group.run(insert(7)).await.unwrap(), 1);
        assert_eq!(stored(&pool), 1);
    }
}
