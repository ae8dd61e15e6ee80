//! Changes to an agency's settings, audited: the same path for the CLI and the admin pages.

use diesel::Connection;

use crate::db::{agencies, audit, DbConnection};
use crate::domain::agency::SurveyPolicy;

/// Sets how the agency's surveys open, and records who did it; false if no such agency.
pub fn change_survey_policy(
    conn: &mut DbConnection,
    actor: &str,
    code: &str,
    policy: SurveyPolicy,
) -> diesel::QueryResult<bool> {
    conn.transaction(|conn| {
        let changed = agencies::set_survey_policy(conn, code, policy.as_str())?;
        if changed {
            audit::record(conn, actor, "agency.survey_policy", code, policy.as_str())?;
        }
        Ok(changed)
    })
}
