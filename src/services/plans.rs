//! The province's yearly plan (`domain::plan`): set from a file or the admin page (who set it
//! is in the audit log), and read as the plan in force in a year (its own, else the latest
//! before it: targets carry over until a new plan replaces them).

use crate::db::{audit, plans, DbConnection, QueryResult};
pub use crate::domain::plan::{Plan, PlanError};

/// Stores `plan` as its year's (replacing one there was).
pub fn set(conn: &mut DbConnection, actor: &str, plan: &Plan) -> QueryResult<()> {
    crate::db::transaction(conn, |conn| {
        plans::put(conn, plan, actor, crate::clock::now().naive_utc())?;
        audit::record(
            conn,
            actor,
            "plan.set",
            &plan.year.to_string(),
            &plan.source,
        )
    })
}

/// Reads a plan from TOML (the admin page's form) and stores it; returns its year.
pub fn set_from_toml(
    conn: &mut DbConnection,
    actor: &str,
    text: &str,
) -> Result<i32, crate::services::ServiceError> {
    let plan = Plan::from_toml(text).map_err(|e| {
        crate::services::ServiceError::Refused(
            crate::services::Refusal::new("definition", "refusal-plan").with("problem", e),
        )
    })?;
    set(conn, actor, &plan)?;
    Ok(plan.year)
}

/// The plan in force in `year`.
pub use crate::db::plans::in_force;

/// Every plan, newest first.
pub use crate::db::plans::all;
