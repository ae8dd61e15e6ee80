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
//!
//! A job in its own savepoint costs PostgreSQL a round trip for the savepoint and one per
//! statement, one job after the other: on two cores about a thousand submissions a second.
//! Jobs of one kind that can be written together (a [`Batch`]: link submissions) are therefore
//! written with a few statements for the whole group, each statement carrying every job's
//! row; should that fail, each is written alone in its savepoint, so that a bad one still
//! loses only its own writes.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::sync::Arc;

use diesel::Connection;
use tokio::sync::oneshot;

use super::write_gate::WriteGate;
use super::{DbConnection, DbPool};

/// The most jobs in one transaction: a bound on how long one commit keeps the others waiting.
const MOST_PER_COMMIT: usize = 256;

/// What to do once the group has committed (tell a job's caller its result). If the group
/// fails, it is dropped instead, and the caller hears of the failure.
type AfterCommit = Box<dyn FnOnce() + Send>;

/// A job run alone in the group's transaction (in a savepoint of its own).
type Alone = Box<dyn FnOnce(&mut DbConnection) -> AfterCommit + Send>;

/// Jobs of one kind that are written together, a few statements for the whole group.
pub trait Batch: Send + Sync + 'static {
    type Item: Send + 'static;
    type Outcome: Send + 'static;
    type Error: From<diesel::result::Error> + std::fmt::Display + Send + 'static;

    /// Writes every item, in order, and gives each item's outcome in the same order. Runs in a
    /// savepoint: when it fails, nothing of it stays and the items are written one by one.
    fn write_all(
        &self,
        conn: &mut DbConnection,
        items: &[Self::Item],
    ) -> Result<Vec<Self::Outcome>, Self::Error>;

    /// Writes one item alone (in a savepoint of its own): after `write_all` failed.
    fn write_one(
        &self,
        conn: &mut DbConnection,
        item: &Self::Item,
    ) -> Result<Self::Outcome, Self::Error>;
}

/// No jobs written together: every job runs alone.
pub struct NoBatch;

impl Batch for NoBatch {
    type Item = std::convert::Infallible;
    type Outcome = std::convert::Infallible;
    type Error = diesel::result::Error;

    fn write_all(
        &self,
        _: &mut DbConnection,
        items: &[Self::Item],
    ) -> Result<Vec<Self::Outcome>, Self::Error> {
        Ok(items.iter().map(|never| match *never {}).collect())
    }

    fn write_one(
        &self,
        _: &mut DbConnection,
        item: &Self::Item,
    ) -> Result<Self::Outcome, Self::Error> {
        match *item {}
    }
}

/// A job of the batch's kind and where its outcome goes.
type Together<B> = (
    <B as Batch>::Item,
    oneshot::Sender<Result<<B as Batch>::Outcome, <B as Batch>::Error>>,
);

enum Job<B: Batch> {
    Alone(Alone),
    Together(Together<B>),
}

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
pub struct GroupCommit<B: Batch = NoBatch> {
    jobs: mpsc::Sender<Job<B>>,
}

impl<B: Batch> Clone for GroupCommit<B> {
    fn clone(&self) -> Self {
        Self {
            jobs: self.jobs.clone(),
        }
    }
}

impl<B: Batch> GroupCommit<B> {
    /// Starts the writer thread, which writes the jobs of `batch`'s kind together. Its
    /// transactions hold `gate`, as every SQLite writer does. The thread ends (its connection
    /// closed) once every clone of the writer is dropped: the handle given back lets a caller
    /// wait for that.
    pub fn start(
        pool: DbPool,
        gate: Arc<WriteGate>,
        batch: B,
    ) -> std::io::Result<(Self, std::thread::JoinHandle<()>)> {
        let (jobs, queue) = mpsc::channel::<Job<B>>();
        let thread = std::thread::Builder::new()
            .name("group-commit".to_owned())
            .spawn(move || write_groups(&pool, &gate, &batch, &queue))?;
        Ok((Self { jobs }, thread))
    }

    /// Writes `item` with the other items of the next group transaction and returns its outcome
    /// once that transaction is committed.
    pub async fn write(&self, item: B::Item) -> Result<B::Outcome, GroupError<B::Error>> {
        let (reply, result) = oneshot::channel();
        self.queue(Job::Together((item, reply)), result).await
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
        let job: Alone = Box::new(move |conn| {
            let outcome = conn.transaction(work);
            Box::new(move || {
                let _ = reply.send(outcome);
            })
        });
        self.queue(Job::Alone(job), result).await
    }

    /// Queues `job` for the writer and waits for its result, sent after the group's commit.
    async fn queue<T, E>(
        &self,
        job: Job<B>,
        result: oneshot::Receiver<Result<T, E>>,
    ) -> Result<T, GroupError<E>> {
        self.jobs.send(job).map_err(|_| GroupError::NotCommitted)?;
        match result.await {
            Ok(outcome) => outcome.map_err(GroupError::Job),
            Err(_dropped) => Err(GroupError::NotCommitted),
        }
    }
}

/// The writer thread: waits for a job, takes every job queued behind it, writes them as one.
fn write_groups<B: Batch>(
    pool: &DbPool,
    gate: &WriteGate,
    batch: &B,
    queue: &mpsc::Receiver<Job<B>>,
) {
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
        let (began, jobs) = (std::time::Instant::now(), group.len());
        // A panicking job must not end the thread (every later write would fail); the
        // connection, left inside a transaction, is then discarded by the pool (`has_broken`).
        let written = catch_unwind(AssertUnwindSafe(|| {
            super::transaction::<_, diesel::result::Error>(&mut conn, |conn| {
                Ok(write_group(conn, batch, group))
            })
        }));
        match written {
            Ok(Ok(after_commit)) => {
                crate::telemetry::metrics::metrics()
                    .observe_group_commit(jobs, began.elapsed().as_secs_f64());
                after_commit.into_iter().for_each(|reply| reply());
            }
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

/// One group's writes, inside its transaction: each job that runs alone, in its savepoint,
/// then the batch's items together. Gives back what to tell each job's caller once the transaction has committed.
fn write_group<B: Batch>(
    conn: &mut DbConnection,
    batch: &B,
    group: Vec<Job<B>>,
) -> Vec<AfterCommit> {
    let mut after_commit = Vec::with_capacity(group.len());
    let mut items = Vec::new();
    let mut replies = Vec::new();
    for job in group {
        match job {
            Job::Alone(job) => after_commit.push(job(conn)),
            Job::Together((item, reply)) => {
                items.push(item);
                replies.push(reply);
            }
        }
    }
    if items.is_empty() {
        return after_commit;
    }
    let together = conn.transaction(|conn| {
        let outcomes = batch.write_all(conn, &items)?;
        if outcomes.len() == items.len() {
            Ok(outcomes)
        } else {
            // A bug of the batch's: undo what it wrote, and let each item speak for itself.
            Err(B::Error::from(diesel::result::Error::RollbackTransaction))
        }
    });
    let outcomes: Vec<Result<B::Outcome, B::Error>> = match together {
        Ok(outcomes) => outcomes.into_iter().map(Ok).collect(),
        Err(e) => {
            tracing::warn!(items = items.len(), error = %e,
                "a group's items could not be written together: writing them one by one");
            items
                .iter()
                .map(|item| conn.transaction(|conn| batch.write_one(conn, item)))
                .collect()
        }
    };
    for (outcome, reply) in outcomes.into_iter().zip(replies) {
        after_commit.push(Box::new(move || {
            let _ = reply.send(outcome);
        }));
    }
    after_commit
}

#[cfg(test)]
mod tests {
    use diesel::sql_types::{BigInt, Integer};
    use diesel::{QueryResult, QueryableByName, RunQueryDsl};

    use super::*;
    use crate::config::DatabaseUrl;

    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }

    fn writer(dir: &tempfile::TempDir) -> (GroupCommit<Numbers>, DbPool) {
        let url = DatabaseUrl::Sqlite(dir.path().join("group.db"));
        let pool = crate::db::build_pool(&url, 4);
        diesel::sql_query("CREATE TABLE items (n INTEGER NOT NULL UNIQUE)")
            .execute(&mut **pool.get().unwrap())
            .unwrap();
        let group = GroupCommit::start(
            pool.clone(),
            Arc::new(WriteGate::for_database(&url)),
            Numbers,
        );
        (group.unwrap().0, pool)
    }

    /// Numbers written together: one INSERT for the whole group.
    struct Numbers;

    impl Batch for Numbers {
        type Item = i32;
        type Outcome = &'static str;
        type Error = diesel::result::Error;

        fn write_all(
            &self,
            conn: &mut DbConnection,
            items: &[i32],
        ) -> QueryResult<Vec<&'static str>> {
            let values: Vec<String> = items.iter().map(|n| format!("({n})")).collect();
            diesel::sql_query(format!("INSERT INTO items (n) VALUES {}", values.join(",")))
                .execute(conn)?;
            Ok(vec!["together"; items.len()])
        }

        fn write_one(&self, conn: &mut DbConnection, item: &i32) -> QueryResult<&'static str> {
            insert(*item)(conn).map(|_| "alone")
        }
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
    async fn items_are_written_together_and_one_by_one_when_together_fails() {
        let dir = tempfile::tempdir().unwrap();
        let (group, pool) = writer(&dir);
        let mut jobs = tokio::task::JoinSet::new();
        for n in 0..100 {
            let group = group.clone();
            jobs.spawn(async move { group.write(n).await.unwrap() });
        }
        let mut how = std::collections::BTreeSet::new();
        while let Some(written) = jobs.join_next().await {
            how.insert(written.unwrap());
        }
        assert_eq!(how, ["together"].into());
        assert_eq!(stored(&pool), 100);
        // 7 is stored already: a group holding it fails together, and then only 7 fails.
        let mut jobs = tokio::task::JoinSet::new();
        for n in [100, 7, 101] {
            let group = group.clone();
            jobs.spawn(async move { (n, group.write(n).await) });
        }
        while let Some(written) = jobs.join_next().await {
            match written.unwrap() {
                (7, outcome) => assert!(matches!(outcome, Err(GroupError::Job(_)))),
                (_, outcome) => assert!(outcome.is_ok()),
            }
        }
        assert_eq!(stored(&pool), 102);
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
