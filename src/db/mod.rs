//! The database: one diesel code path over SQLite (embedded default) and PostgreSQL (scale-out).
//! Only this module names diesel. Functions here take `&mut DbConnection`, never the pool, so a
//! caller can run several of them in one transaction.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{self, ManageConnection};
use diesel::{Connection, RunQueryDsl};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::config::DatabaseUrl;

pub mod agencies;
pub mod api_clients;
pub mod audit;
pub mod backup;
pub mod comments;
pub mod dashboard_reports;
pub mod delivery_report;
pub mod dossiers;
pub mod eid_daily_counts;
pub mod eid_sign_ins;
pub mod export;
pub mod followups;
pub mod group766;
pub mod group_commit;
pub mod held_responses;
pub mod integrity_counts;
pub mod invitations;
pub mod kiosks;
pub mod outbox;
pub mod paper_entries;
pub mod plans;
pub mod procedures;
pub mod questionnaires;
pub mod releases;
pub mod responses;
pub mod schema;
pub mod secret_fingerprint;
pub mod sessions;
pub mod spent_links;
pub mod sqlite_files;
pub mod survey_rate_windows;
pub mod users;
pub mod write_gate;

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

pub type DbPool = r2d2::Pool<ConnectionManager>;
pub type PooledConnection = r2d2::PooledConnection<ConnectionManager>;

/// What a query can fail with; the rest of the program names it through here, so that this
/// module stays the only one that names diesel.
pub use diesel::result::Error as DbError;
/// `.optional()` on a query result: `Ok(None)` for "no row".
pub use diesel::OptionalExtension;
pub type QueryResult<T> = Result<T, DbError>;
/// No connection could be had from the pool.
pub type PoolError = ::r2d2::Error;

/// What a failed query means for its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The row asked for does not exist.
    NotFound,
    /// A unique key is taken.
    Duplicate,
    /// The database went away mid-way.
    Unreachable,
    Other,
}

pub fn classify(e: &DbError) -> Failure {
    use diesel::result::DatabaseErrorKind;
    match e {
        DbError::NotFound => Failure::NotFound,
        DbError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => Failure::Duplicate,
        DbError::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => {
            distrust_connections();
            Failure::Unreachable
        }
        _ => Failure::Other,
    }
}

/// Until when (milliseconds since the Unix epoch) every connection is tested before use,
/// whenever it was last used: set when one was found closed (the server restarted or
/// failed over), so that the others, probably closed too, are replaced rather than used.
static DISTRUST_UNTIL_MS: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

/// A connection was found closed: test every connection before use for the next seconds.
pub fn distrust_connections() {
    let until = chrono::Utc::now().timestamp_millis() + 10_000;
    DISTRUST_UNTIL_MS.fetch_max(until, std::sync::atomic::Ordering::Relaxed);
}

fn connections_distrusted() -> bool {
    chrono::Utc::now().timestamp_millis()
        < DISTRUST_UNTIL_MS.load(std::sync::atomic::Ordering::Relaxed)
}

/// Runs `work` in a transaction: committed when it returns `Ok`, rolled back on `Err` (which
/// may be any error a query's error converts into: a use case's own).
///
/// On SQLite an outermost transaction begins IMMEDIATE: it takes the write lock first, waiting
/// for it under the busy timeout. A deferred one would read first and fail at once with
/// "database is locked" when its first write finds another writer (the running service)
/// committed meanwhile: SQLite cannot wait there without breaking the snapshot it read.
pub fn transaction<T, E: From<DbError>>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E> {
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let outermost = match conn {
        DbConnection::Sqlite(c) => {
            matches!(
                AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth(),
                Ok(None)
            )
        }
        DbConnection::Postgres(_) => false,
    };
    if !outermost {
        return conn.transaction(work);
    }
    if let DbConnection::Sqlite(c) = conn {
        AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
    }
    let outcome = work(conn);
    let DbConnection::Sqlite(c) = conn else {
        return outcome;
    };
    match outcome {
        Ok(value) => {
            if let Err(e) = AnsiTransactionManager::commit_transaction(c) {
                // A failed COMMIT leaves the transaction open: end it before reporting.
                let _ = AnsiTransactionManager::rollback_transaction(c);
                return Err(e.into());
            }
            Ok(value)
        }
        Err(e) => {
            AnsiTransactionManager::rollback_transaction(c)?;
            Err(e)
        }
    }
}

/// A transaction that ends early with an outcome rather than a failure: `Because(outcome)`
/// rolls back and hands the outcome to the caller.
#[derive(Debug)]
pub enum Rollback<T> {
    Because(T),
    Failed(DbError),
}

impl<T> From<DbError> for Rollback<T> {
    fn from(e: DbError) -> Self {
        Self::Failed(e)
    }
}

/// The escape hatch for what MultiBackend cannot express (upserts, multi-row inserts,
/// dialect-specific SQL): the same body, compiled once per backend.
#[macro_export]
macro_rules! per_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Postgres($c) => $body,
            $crate::db::DbConnection::Sqlite($c) => $body,
        }
    };
}

/// How long a SQLite writer waits for another's write lock before it gives up (README).
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Opens exactly the backend the URL names (`DbConnection::establish` would try each backend
/// in turn and open any unknown string as a SQLite file).
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: DatabaseUrl,
}

impl ConnectionManager {
    pub fn new(url: DatabaseUrl) -> Self {
        Self { url }
    }
}

/// A pooled connection and when it was last given back to the pool: one that served a
/// request a moment ago needs no test before the next (see `is_valid`).
pub struct Tracked {
    conn: DbConnection,
    returned: std::time::Instant,
}

impl std::ops::Deref for Tracked {
    type Target = DbConnection;
    fn deref(&self) -> &DbConnection {
        &self.conn
    }
}

impl std::ops::DerefMut for Tracked {
    fn deref_mut(&mut self) -> &mut DbConnection {
        &mut self.conn
    }
}

/// How long after its last use a PostgreSQL connection is trusted without a test query.
const TRUSTED_FOR: Duration = Duration::from_secs(1);

impl ManageConnection for ConnectionManager {
    type Connection = Tracked;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<Tracked, r2d2::Error> {
        self.open().map(|conn| Tracked {
            conn,
            returned: std::time::Instant::now(),
        })
    }

    /// Tests a connection before it is handed out (PostgreSQL: it may have died while idle,
    /// the server restarted or failed over), unless it was in use within the last second and
    /// no connection was found closed lately (`distrust_connections`): a test query on every
    /// checkout would double the round trips of every survey page.
    fn is_valid(&self, conn: &mut Tracked) -> Result<(), r2d2::Error> {
        if conn.returned.elapsed() < TRUSTED_FOR && !connections_distrusted() {
            return Ok(());
        }
        ping(conn).map_err(r2d2::Error::QueryError)
    }

    /// A connection given back inside a transaction (its user panicked mid-way) or with its
    /// transaction manager in error must not serve anyone else: it would run their statements
    /// inside that transaction, which nobody will ever commit.
    fn has_broken(&self, conn: &mut Tracked) -> bool {
        conn.returned = std::time::Instant::now();
        std::thread::panicking() || diesel::r2d2::R2D2Connection::is_broken(&mut conn.conn)
    }
}

impl ConnectionManager {
    fn open(&self) -> Result<DbConnection, r2d2::Error> {
        match &self.url {
            DatabaseUrl::Sqlite(path) => {
                sqlite_files::secure(path).map_err(|e| {
                    r2d2::Error::ConnectionError(diesel::ConnectionError::BadConnection(
                        e.to_string(),
                    ))
                })?;
                let path = path.to_string_lossy();
                let mut conn = diesel::SqliteConnection::establish(&path)
                    .map_err(r2d2::Error::ConnectionError)?;
                // WAL lets readers run beside the writer; FULL makes a stored response survive
                // a power cut; the busy timeout turns write contention into waiting, not errors
                // (a command beside the running service waits up to `SQLITE_BUSY_TIMEOUT`).
                conn.batch_execute(&format!(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {};",
                    SQLITE_BUSY_TIMEOUT.as_millis()
                ))
                .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
            DatabaseUrl::Postgres(url) => diesel::PgConnection::establish(url)
                .map(DbConnection::Postgres)
                .map_err(r2d2::Error::ConnectionError),
        }
    }
}

/// A pool that does not insist on connecting at build time, so the service can start (and
/// answer `/healthz` with 503) while the database is away, and recover when it returns.
pub fn build_pool(url: &DatabaseUrl, size: u32) -> DbPool {
    r2d2::Pool::builder()
        .max_size(size)
        .min_idle(Some(0))
        .connection_timeout(Duration::from_secs(5))
        // A network connection may have died while idle (PostgreSQL restarted): check it
        // before use. A SQLite connection is a file handle that cannot, and the check would
        // double the queries of every page.
        .test_on_check_out(matches!(url, DatabaseUrl::Postgres(_)))
        .build_unchecked(ConnectionManager::new(url.clone()))
}

/// A query that fails here most likely met a closed connection: the others are tested before
/// their next use (`distrust_connections`).
pub fn ping(conn: &mut DbConnection) -> diesel::QueryResult<()> {
    diesel::sql_query("SELECT 1")
        .execute(conn)
        .map(|_| ())
        .inspect_err(|_| distrust_connections())
}

#[derive(diesel::QueryableByName)]
struct DatabaseClock {
    #[diesel(sql_type = diesel::sql_types::Text)]
    now: String,
}

/// The database server's clock (UTC): what leases shared by instances are measured on, so
/// that an instance whose own clock is off (or a test clock) cannot judge another's lease over.
pub fn database_now(conn: &mut DbConnection) -> diesel::QueryResult<chrono::NaiveDateTime> {
    let clock = match conn {
        DbConnection::Postgres(c) => diesel::sql_query(
            "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS now",
        )
        .get_result::<DatabaseClock>(c)?,
        DbConnection::Sqlite(c) => {
            diesel::sql_query("SELECT strftime('%Y-%m-%d %H:%M:%f', 'now') AS now")
                .get_result::<DatabaseClock>(c)?
        }
    };
    chrono::NaiveDateTime::parse_from_str(&clock.now, "%Y-%m-%d %H:%M:%S%.f")
        .map_err(|e| diesel::result::Error::DeserializationError(Box::new(e)))
}

/// The PostgreSQL server a connection reached: its address and port as it sees them, and
/// whether it is a primary (accepts writes) or a standby in recovery.
#[derive(Debug, Clone, PartialEq, Eq, diesel::QueryableByName)]
pub struct Server {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub host: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Integer>)]
    pub port: Option<i32>,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub is_primary: bool,
}

/// Which PostgreSQL server the connection reached (`None` on SQLite: a file, no server). As
/// with `ping`, a failure here makes the other connections tested before their next use.
pub fn server(conn: &mut DbConnection) -> diesel::QueryResult<Option<Server>> {
    let reached = match conn {
        DbConnection::Postgres(c) => diesel::sql_query(
            "SELECT host(inet_server_addr()) AS host, inet_server_port() AS port, \
             NOT pg_is_in_recovery() AS is_primary",
        )
        .get_result::<Server>(c)
        .map(Some),
        DbConnection::Sqlite(c) => diesel::sql_query("SELECT 1").execute(c).map(|_| None),
    };
    reached.inspect_err(|_| distrust_connections())
}

/// Applies the migrations of the connection's backend that have not run yet, one at a time,
/// calling `before` with each version first (for the steps only the application can do, such
/// as those that need the server secret); returns their versions.
pub fn run_migrations_with(
    conn: &mut DbConnection,
    mut before: impl FnMut(&mut DbConnection, &str) -> anyhow::Result<()>,
) -> anyhow::Result<Vec<String>> {
    refuse_newer(conn)?;
    let mut applied = Vec::new();
    loop {
        let next = match conn {
            DbConnection::Postgres(c) => next_pending(c, POSTGRES_MIGRATIONS),
            DbConnection::Sqlite(c) => next_pending(c, SQLITE_MIGRATIONS),
        }
        .map_err(|e| anyhow::anyhow!("reading pending migrations: {e}"))?;
        let Some(version) = next else {
            return Ok(applied);
        };
        before(conn, &version)?;
        match conn {
            DbConnection::Postgres(c) => c.run_next_migration(POSTGRES_MIGRATIONS).map(|_| ()),
            DbConnection::Sqlite(c) => c.run_next_migration(SQLITE_MIGRATIONS).map(|_| ()),
        }
        .map_err(|e| anyhow::anyhow!("applying migration {version}: {e}"))?;
        applied.push(version);
    }
}

/// Any number fixed for hailong: the advisory lock that migrations and the first start take.
const OPENING_LOCK: i64 = 0x6861_696c_6f6e_6701;

/// Runs `work` while no other instance runs it: on PostgreSQL under a session advisory lock
/// (waited for, released even when `work` fails). A SQLite file is served by one instance
/// (README), so there it simply runs.
pub fn one_at_a_time<T>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    if conn.backend() == Backend::Sqlite {
        return work(conn);
    }
    diesel::sql_query(format!("SELECT pg_advisory_lock({OPENING_LOCK})"))
        .execute(conn)
        .map_err(|e| anyhow::anyhow!("waiting for another instance's migrations: {e}"))?;
    let outcome = work(conn);
    let unlocked = diesel::sql_query(format!("SELECT pg_advisory_unlock({OPENING_LOCK})"))
        .execute(conn)
        .map_err(|e| anyhow::anyhow!("releasing the migration lock: {e}"));
    let value = outcome?;
    unlocked?;
    Ok(value)
}

fn next_pending<DB: diesel::backend::Backend>(
    conn: &mut impl MigrationHarness<DB>,
    source: EmbeddedMigrations,
) -> diesel::migration::Result<Option<String>> {
    Ok(conn
        .pending_migrations(source)?
        .first()
        .map(|m| m.name().version().to_string()))
}

/// The database was migrated by a newer hailong than this one: its schema holds what this
/// binary does not know, so it writes nothing to it.
#[derive(Debug, thiserror::Error)]
#[error(
    "the database was written by a newer version of hailong (its schema has migration {found}; \
     this binary knows migrations up to {newest_known}): run that version or a newer one, or \
     restore a backup made for this one. Nothing was changed"
)]
pub struct NewerDatabase {
    pub found: String,
    pub newest_known: String,
}

/// Refuses a database with a migration this binary does not know (diesel would skip it and
/// go on, writing with a schema it does not understand), before anything is written.
pub fn refuse_newer(conn: &mut DbConnection) -> anyhow::Result<()> {
    use diesel::migration::MigrationSource;
    let known: Vec<String> = match conn {
        DbConnection::Postgres(_) => {
            MigrationSource::<diesel::pg::Pg>::migrations(&POSTGRES_MIGRATIONS)
                .map(|m| m.iter().map(|m| m.name().version().to_string()).collect())
        }
        DbConnection::Sqlite(_) => {
            MigrationSource::<diesel::sqlite::Sqlite>::migrations(&SQLITE_MIGRATIONS)
                .map(|m| m.iter().map(|m| m.name().version().to_string()).collect())
        }
    }
    .map_err(|e| anyhow::anyhow!("reading this binary's migrations: {e}"))?;
    let newest_known = known.iter().max().cloned().unwrap_or_default();
    let unknown = applied_migrations(conn)?
        .into_iter()
        .filter(|v| !known.contains(v))
        .max();
    match unknown {
        Some(found) => Err(NewerDatabase {
            found,
            newest_known,
        }
        .into()),
        None => Ok(()),
    }
}

/// Versions of every migration applied so far, oldest first.
pub fn applied_migrations(conn: &mut DbConnection) -> anyhow::Result<Vec<String>> {
    let mut versions: Vec<String> = per_backend!(conn, |c| c.applied_migrations())
        .map_err(|e| anyhow::anyhow!("reading applied migrations: {e}"))?
        .into_iter()
        .map(|v| v.to_string())
        .collect();
    versions.sort();
    Ok(versions)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl DbConnection {
    pub fn backend(&self) -> Backend {
        match self {
            Self::Postgres(_) => Backend::Postgres,
            Self::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// Runs several reads against one snapshot of the database, so that rows read by one query
    /// agree with rows read by the next (answers with their responses) while other instances
    /// write. PostgreSQL: a read-only REPEATABLE READ transaction (its default, READ COMMITTED,
    /// takes a new snapshot per statement). SQLite: any transaction reads one snapshot.
    pub fn snapshot<T, E>(&mut self, read: impl FnOnce(&mut Self) -> Result<T, E>) -> Result<T, E>
    where
        E: From<diesel::result::Error>,
    {
        use diesel::connection::Connection;
        self.transaction(|conn| {
            if conn.backend() == Backend::Postgres {
                diesel::RunQueryDsl::execute(
                    diesel::sql_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"),
                    conn,
                )?;
            }
            read(conn)
        })
    }
}
