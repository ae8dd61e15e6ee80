//! The database's levels that monitoring reads (`/metrics`): the outbox's backlog and failures,
//! the responses held and released, the dashboards left stale.

use crate::db::{held_responses, outbox, responses, DbConnection, QueryResult};
use crate::services::reports::dashboards;
use crate::telemetry::metrics::DatabaseLevels;

pub fn database_levels(conn: &mut DbConnection) -> QueryResult<DatabaseLevels> {
    Ok(DatabaseLevels {
        outbox_backlog: outbox::pending_count(conn)?,
        outbox_failing: outbox::failing_count(conn)?,
        responses_held: held_responses::count(conn)?,
        responses_released: responses::count(conn)?,
        dashboards_stale: dashboards::stale_count(conn)?,
    })
}
