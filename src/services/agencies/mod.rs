//! The agency tree: adding a unit, how its surveys open, a merger or split, correcting names.
//! Each change is checked against the tree's rules (`domain::agency::check_placement`),
//! audited, and all or nothing; the command line and the admin pages call the same functions.

pub mod import;

use chrono::NaiveDate;

use crate::db::{agencies, audit, DbConnection};
use crate::domain::agency::{check_placement, AgencyCode, AgencyKind, AgencyLevel, SurveyPolicy};
use crate::domain::text::nfc;

use super::{refuse, Refusal, ServiceError};

/// A unit to add, as typed.
pub struct NewAgency<'a> {
    pub code: &'a str,
    pub name_vi: &'a str,
    pub name_en: &'a str,
    pub level: AgencyLevel,
    pub kind: AgencyKind,
    /// The parent's code (every unit but the province has one).
    pub parent: &'a str,
}

fn unknown_agency(field: &'static str, code: &str) -> Refusal {
    Refusal::new(field, "refusal-no-such-agency").with("code", code)
}

fn code_of(field: &'static str, raw: &str) -> Result<AgencyCode, ServiceError> {
    AgencyCode::parse(raw).or_else(|_| refuse(Refusal::new(field, "refusal-agency-code")))
}

fn names(name_vi: &str, name_en: &str) -> Result<(String, String), ServiceError> {
    let (vi, en) = (nfc(name_vi.trim()), nfc(name_en.trim()));
    if vi.is_empty() {
        return refuse(Refusal::new("name_vi", "refusal-name-vi-required"));
    }
    if en.is_empty() {
        return refuse(Refusal::new("name_en", "refusal-name-en-required"));
    }
    Ok((vi, en))
}

/// The agency tree as stored: every unit (closed ones too), one by id or code, the
/// successions of the 2025 reform, and a unit's subtree.
pub use crate::db::agencies::{
    all, by_id, find_by_code, subtree, successions, successors_by_predecessor, Agency,
};

/// Adds a unit below a current parent, from today; returns its code.
pub fn add(
    conn: &mut DbConnection,
    actor: &str,
    new: &NewAgency<'_>,
) -> Result<String, ServiceError> {
    let code = code_of("code", new.code)?;
    let (name_vi, name_en) = names(new.name_vi, new.name_en)?;
    let parent_code = code_of("parent", new.parent)?;
    crate::db::transaction(conn, |conn| {
        let Some(parent) = agencies::find_by_code(conn, parent_code.as_ref())? else {
            return Err(unknown_agency("parent", parent_code.as_ref()).into());
        };
        if let Some(last_day) = parent.valid_to {
            return refuse(
                Refusal::new("parent", "refusal-parent-closed")
                    .with("code", &parent.code)
                    .with("last_day", last_day),
            );
        }
        if let Err(misplaced) = check_placement(new.level, new.kind, Some(parent.level)) {
            let (text, names) = misplaced.text();
            let refusal = names.into_iter().fold(
                Refusal::new(misplaced.field(), text),
                |refusal, (name, [vi, en])| refusal.with_named(name, vi, en),
            );
            return refuse(refusal);
        }
        if agencies::find_by_code(conn, code.as_ref())?.is_some() {
            return refuse(
                Refusal::conflict("code", "refusal-agency-code-taken").with("code", code.as_ref()),
            );
        }
        agencies::insert(
            conn,
            &agencies::NewAgency {
                code: code.as_ref(),
                name_vi: &name_vi,
                name_en: &name_en,
                level: new.level,
                kind: new.kind,
                parent_id: Some(parent.id),
                valid_from: crate::domain::period::today(),
                valid_to: None,
            },
        )?;
        audit::record(conn, actor, "agency.add", code.as_ref(), "")?;
        Ok(code.to_string())
    })
}

/// Sets how the agency's surveys open, and records who did it.
pub fn change_survey_policy(
    conn: &mut DbConnection,
    actor: &str,
    code: &str,
    policy: SurveyPolicy,
) -> Result<(), ServiceError> {
    crate::db::transaction(conn, |conn| {
        if !agencies::set_survey_policy(conn, code, policy)? {
            return Err(unknown_agency("code", code).into());
        }
        audit::record(conn, actor, "agency.survey_policy", code, policy.as_str())?;
        Ok(())
    })
}

/// A merger or split as it would be recorded, once every rule is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosePlan {
    agency_id: i32,
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub effective_on: NaiveDate,
    /// The day before `effective_on`.
    pub last_day: NaiveDate,
    /// (code, Vietnamese name) of each successor.
    pub successors: Vec<(String, String)>,
    successor_ids: Vec<i32>,
}

/// Checks a merger or split without recording it (for the confirmation that comes first).
pub fn plan_close(
    conn: &mut DbConnection,
    code: &str,
    effective_on: NaiveDate,
    successors: &[String],
) -> Result<ClosePlan, ServiceError> {
    if effective_on > crate::domain::period::today() {
        return refuse(
            Refusal::new("effective_on", "refusal-closing-in-future").with("day", effective_on),
        );
    }
    if successors.is_empty() {
        return refuse(Refusal::new("successor", "refusal-no-successor"));
    }
    let Some(agency) = agencies::find_by_code(conn, code)? else {
        return Err(unknown_agency("code", code).into());
    };
    if let Some(last_day) = agency.valid_to {
        return refuse(
            Refusal::new("code", "refusal-agency-already-closed")
                .with("code", &agency.code)
                .with("last_day", last_day),
        );
    }
    // Its last day is the day before; an agency has at least one day of its own.
    let earliest = agency.valid_from.succ_opt().unwrap_or(agency.valid_from);
    let Some(last_day) = effective_on.pred_opt().filter(|d| *d >= agency.valid_from) else {
        return refuse(
            Refusal::new("effective_on", "refusal-closing-too-early")
                .with("code", &agency.code)
                .with("started", agency.valid_from)
                .with("earliest", earliest),
        );
    };
    let mut plan = ClosePlan {
        agency_id: agency.id,
        code: agency.code.clone(),
        name_vi: agency.name_vi.clone(),
        name_en: agency.name_en.clone(),
        effective_on,
        last_day,
        successors: Vec::new(),
        successor_ids: Vec::new(),
    };
    for successor_code in successors {
        if successor_code == &agency.code {
            return refuse(
                Refusal::new("successor", "refusal-successor-is-itself").with("code", &agency.code),
            );
        }
        let Some(successor) = agencies::find_by_code(conn, successor_code)? else {
            return Err(unknown_agency("successor", successor_code).into());
        };
        if let Some(successor_last_day) = successor.valid_to.filter(|d| *d < effective_on) {
            return refuse(
                Refusal::new("successor", "refusal-successor-closed")
                    .with("code", &successor.code)
                    .with("day", effective_on)
                    .with("last_day", successor_last_day),
            );
        }
        if !plan.successor_ids.contains(&successor.id) {
            plan.successor_ids.push(successor.id);
            plan.successors.push((successor.code, successor.name_vi));
        }
    }
    Ok(plan)
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
) -> Result<ClosePlan, ServiceError> {
    crate::db::transaction(conn, |conn| {
        let plan = plan_close(conn, code, effective_on, successors)?;
        if !agencies::close(conn, plan.agency_id, plan.last_day)? {
            // Closed by someone else since it was read: report their closing, add nothing.
            let closed = agencies::by_id(conn, plan.agency_id)?;
            let their_last_day = closed.valid_to.unwrap_or(plan.last_day);
            return refuse(
                Refusal::new("code", "refusal-agency-just-closed")
                    .with("code", &plan.code)
                    .with("last_day", their_last_day),
            );
        }
        for successor_id in &plan.successor_ids {
            agencies::add_successor(conn, plan.agency_id, *successor_id, effective_on)?;
        }
        let codes: Vec<&str> = plan.successors.iter().map(|(c, _)| c.as_str()).collect();
        let detail = format!("effective {effective_on}; successors {}", codes.join(", "));
        audit::record(conn, actor, "agency.close", &plan.code, &detail)?;
        Ok(plan)
    })
}

/// Agency codes as an administrator types them: separated by commas, semicolons or spaces.
pub fn parse_codes(raw: &str) -> Vec<String> {
    raw.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|code| !code.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Corrects an agency's names (stored in NFC), and records the old and new names. Surveys
/// and dashboards show the new names at once; the code, the tree and the history stay.
/// The longest contact line: a telephone number with the desk's name and hours.
pub const CONTACT_MAX_CHARS: usize = 200;

/// Sets (or, empty, clears) how citizens reach the agency about a dossier.
pub fn set_contact(
    conn: &mut DbConnection,
    actor: &str,
    code: &str,
    raw: &str,
) -> Result<(), ServiceError> {
    let contact = crate::domain::text::nfc(raw.trim());
    if contact.chars().count() > CONTACT_MAX_CHARS || contact.chars().any(char::is_control) {
        return refuse(
            Refusal::new("contact", "refusal-contact-line").with("chars", CONTACT_MAX_CHARS),
        );
    }
    crate::db::transaction(conn, |conn| {
        let Some(agency) = agencies::find_by_code(conn, code.trim())? else {
            return Err(unknown_agency("code", code).into());
        };
        let shown = (!contact.is_empty()).then_some(contact.as_str());
        agencies::set_contact(conn, agency.id, shown)?;
        audit::record(conn, actor, "agency.contact", &agency.code, &contact)?;
        Ok(())
    })
}

pub fn rename(
    conn: &mut DbConnection,
    actor: &str,
    code: &str,
    name_vi: &str,
    name_en: &str,
) -> Result<(), ServiceError> {
    let (name_vi, name_en) = names(name_vi, name_en)?;
    crate::db::transaction(conn, |conn| {
        let Some(agency) = agencies::find_by_code(conn, code)? else {
            return Err(unknown_agency("code", code).into());
        };
        agencies::rename(conn, agency.id, &name_vi, &name_en)?;
        let detail = format!(
            "{} / {} -> {name_vi} / {name_en}",
            agency.name_vi, agency.name_en
        );
        audit::record(conn, actor, "agency.rename", &agency.code, &detail)?;
        Ok(())
    })
}
