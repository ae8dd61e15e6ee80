//! What every handler may need, built once by `startup` and shared across workers. Handlers
//! reach it through `web::Data<AppState>`; nothing here depends on a handler.

use std::sync::Arc;

use crate::config::Settings;
use crate::services::store::DbPool;
use crate::web::csrf::CsrfGuard;

/// What every handler may need, shared across workers.
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub settings: Settings,
    pub csrf: Arc<CsrfGuard>,
    /// The dashboards' stored numbers in memory (kept by their worker).
    pub dashboards: Arc<crate::services::reports::dashboards::Dashboards>,
    /// The national e-ID provider, when configured (agencies with the `verified` policy).
    pub eid: Option<Arc<crate::services::eid::Provider>>,
    pub questionnaires: Arc<crate::services::surveys::Questionnaires>,
    /// The survey form's questions, rendered once per version, language and asked items.
    pub fresh_questions: Arc<crate::views::survey::FreshQuestions>,
    /// Queues writers on SQLite (see `db::write_gate`).
    pub write_gate: Arc<crate::services::store::WriteGate>,
    /// SQLite only: connections for the survey page's read, which runs on the request's own
    /// worker. A WAL reader never waits for a writer and the read takes microseconds, less than
    /// handing it to a blocking thread and back; its own pool, because writers queued on the
    /// write gate hold connections of the main one.
    pub inline_reads: Option<DbPool>,
    /// Survey submissions are committed in groups, one commit for all the submissions that
    /// arrived meanwhile, link submissions written together (see `db::group_commit`).
    pub group_commit:
        crate::services::store::GroupCommit<crate::services::surveys::LinkSubmissions>,
    /// Wakes the releaser of held responses (`privacy::run`) after a response is stored.
    pub release_wake: Arc<tokio::sync::Notify>,
    /// PostgreSQL with a survey rate limit: each client's requests per minute, shared by the
    /// instances through the database (`services::survey_rate`).
    pub survey_rate: Option<Arc<crate::services::survey_rate::SharedWindows>>,
    /// Requests per API key and minute where a limit applies (STOP replies).
    pub key_limits: Arc<crate::web::key_limits::KeyLimits>,
}
