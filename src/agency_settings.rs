//! Changes to an agency's settings, audited: the same path for the CLI and the admin pages.

use chrono::NaiveDate;
use diesel::Connection;

use crate::db::{agencies, audit, DbConnection};
use crate::domain::agency::SurveyPolicy;
use crate::domain::text::nfc;

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

/// Why an agency could not be closed; each names the form field (and the CLI option) at fault.
#[derive(Debug, thiserror::Error)]
pub enum CloseError {
    #[error("code: no agency has the code {0:?}")]
    NoSuchAgency(String),
    #[error("code: {code} is already closed (its last day was {last_day})")]
    AlreadyClosed { code: String, last_day: NaiveDate },
    #[error("effective_on: {effective_on} is before {code} started ({valid_from}); the closing takes effect after its first day")]
    BeforeStart {
        code: String,
        effective_on: NaiveDate,
        valid_from: NaiveDate,
    },
    #[error(
        "effective_on: {0} is in the future; record a closing on or after the day it takes effect"
    )]
    InTheFuture(NaiveDate),
    #[error("successor: name at least one agency that takes over the work, so that its trend can follow the lineage")]
    NoSuccessor,
    #[error("successor: no agency has the code {0:?}")]
    UnknownSuccessor(String),
    #[error("successor: {0} is the agency being closed")]
    OwnSuccessor(String),
    #[error("successor: {code} itself closed before {effective_on} (its last day was {last_day})")]
    ClosedSuccessor {
        code: String,
        effective_on: NaiveDate,
        last_day: NaiveDate,
    },
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

/// A merger or a split: from `effective_on` the agency `code` is closed (its last day is the
/// day before) and `successors` carry on its work. Their lineage is recorded, so that a trend
/// can run across the change and the former unit's scores stay readable. Audited; all or
/// nothing.
pub fn close(
    conn: &mut DbConnection,
    actor: &str,
    code: &str,
    effective_on: NaiveDate,
    successors: &[String],
) -> Result<(), CloseError> {
    if effective_on > crate::domain::period::today() {
        return Err(CloseError::InTheFuture(effective_on));
    }
    if successors.is_empty() {
        return Err(CloseError::NoSuccessor);
    }
    conn.transaction(|conn| {
        let agency = agencies::find_by_code(conn, code)?
            .ok_or_else(|| CloseError::NoSuchAgency(code.to_owned()))?;
        if let Some(last_day) = agency.valid_to {
            return Err(CloseError::AlreadyClosed {
                code: agency.code,
                last_day,
            });
        }
        let Some(last_day) = effective_on.pred_opt().filter(|d| *d >= agency.valid_from) else {
            return Err(CloseError::BeforeStart {
                code: agency.code,
                effective_on,
                valid_from: agency.valid_from,
            });
        };
        let mut successor_ids = Vec::with_capacity(successors.len());
        for successor_code in successors {
            if successor_code == &agency.code {
                return Err(CloseError::OwnSuccessor(agency.code));
            }
            let successor = agencies::find_by_code(conn, successor_code)?
                .ok_or_else(|| CloseError::UnknownSuccessor(successor_code.clone()))?;
            if let Some(successor_last_day) = successor.valid_to.filter(|d| *d < effective_on) {
                return Err(CloseError::ClosedSuccessor {
                    code: successor.code,
                    effective_on,
                    last_day: successor_last_day,
                });
            }
            if !successor_ids.contains(&successor.id) {
                successor_ids.push(successor.id);
            }
        }
        if !agencies::close(conn, agency.id, last_day)? {
            // Closed by someone else since it was read: report their closing, add nothing.
            let closed = agencies::by_id(conn, agency.id)?;
            return Err(CloseError::AlreadyClosed {
                code: agency.code,
                last_day: closed.valid_to.unwrap_or(last_day),
            });
        }
        for successor_id in successor_ids {
            agencies::add_successor(conn, agency.id, successor_id, effective_on)?;
        }
        let detail = format!(
            "effective {effective_on}; successors {}",
            successors.join(", ")
        );
        audit::record(conn, actor, "agency.close", &agency.code, &detail)?;
        Ok(())
    })
}

/// Agency codes as an administrator types them: separated by commas, semicolons or spaces.
pub fn parse_codes(raw: &str) -> Vec<String> {
    raw.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|code| !code.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Why an agency could not be renamed; each names the field at fault.
#[derive(Debug, thiserror::Error)]
pub enum RenameError {
    #[error("code: no agency has the code {0:?}")]
    NoSuchAgency(String),
    #[error("{0}: the name is required")]
    EmptyName(&'static str),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

/// Corrects an agency's names (stored in NFC), and records the old and new names. Surveys
/// and dashboards show the new names at once; the code, the tree and the history stay.
pub fn rename(
    conn: &mut DbConnection,
    actor: &str,
    code: &str,
    name_vi: &str,
    name_en: &str,
) -> Result<(), RenameError> {
    let (name_vi, name_en) = (nfc(name_vi.trim()), nfc(name_en.trim()));
    if name_vi.is_empty() {
        return Err(RenameError::EmptyName("name_vi"));
    }
    if name_en.is_empty() {
        return Err(RenameError::EmptyName("name_en"));
    }
    conn.transaction(|conn| {
        let agency = agencies::find_by_code(conn, code)?
            .ok_or_else(|| RenameError::NoSuchAgency(code.to_owned()))?;
        agencies::rename(conn, agency.id, &name_vi, &name_en)?;
        let detail = format!(
            "{} / {} -> {name_vi} / {name_en}",
            agency.name_vi, agency.name_en
        );
        audit::record(conn, actor, "agency.rename", &agency.code, &detail)?;
        Ok(())
    })
}
