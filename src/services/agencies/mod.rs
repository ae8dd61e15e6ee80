//! The agency tree: adding a unit, how its surveys open, a merger or split, correcting names.
//! Each change is checked against the tree's rules (`domain::agency::check_placement`),
//! audited, and all or nothing; the command line and the admin pages call the same functions.

pub mod import;

use chrono::NaiveDate;

use crate::db::{agencies, audit, DbConnection};
use crate::domain::agency::{check_placement, AgencyCode, AgencyKind, AgencyLevel, SurveyPolicy};
use crate::domain::language::Lang;
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
    Refusal::new(
        field,
        format!("Không có cơ quan nào mang mã “{code}”."),
        format!("No agency has the code {code:?}."),
    )
}

fn code_of(field: &'static str, raw: &str) -> Result<AgencyCode, ServiceError> {
    AgencyCode::parse(raw).or_else(|_| {
        refuse(
            field,
            "Mã cơ quan gồm 1 đến 64 ký tự, không có khoảng trắng.",
            "An agency code has 1 to 64 characters, without spaces.",
        )
    })
}

fn names(name_vi: &str, name_en: &str) -> Result<(String, String), ServiceError> {
    let (vi, en) = (nfc(name_vi.trim()), nfc(name_en.trim()));
    if vi.is_empty() {
        return refuse(
            "name_vi",
            "Cần có tên tiếng Việt.",
            "The Vietnamese name is required.",
        );
    }
    if en.is_empty() {
        return refuse(
            "name_en",
            "Cần có tên tiếng Anh.",
            "The English name is required.",
        );
    }
    Ok((vi, en))
}

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
                "parent",
                format!(
                    "{} đã ngừng hoạt động (ngày cuối: {last_day}).",
                    parent.code
                ),
                format!("{} is closed (its last day was {last_day}).", parent.code),
            );
        }
        if let Err(misplaced) = check_placement(new.level, new.kind, Some(parent.level)) {
            return Err(Refusal::new(
                misplaced.field(),
                misplaced.explain(Lang::VI),
                misplaced.explain(Lang::EN),
            )
            .into());
        }
        if agencies::find_by_code(conn, code.as_ref())?.is_some() {
            return Err(Refusal::conflict(
                "code",
                format!("Đã có cơ quan mang mã “{code}”."),
                format!(
                    "An agency with the code {:?} exists already.",
                    code.as_ref()
                ),
            )
            .into());
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
            "effective_on",
            format!("Ngày {effective_on} chưa đến; chỉ ghi nhận việc đóng từ ngày nó có hiệu lực."),
            format!("{effective_on} is in the future; record a closing on or after the day it takes effect."),
        );
    }
    if successors.is_empty() {
        return refuse(
            "successor",
            "Hãy chọn ít nhất một cơ quan kế thừa công việc, để xu hướng được tiếp nối.",
            "Name at least one agency that takes over the work, so that its trend can follow the lineage.",
        );
    }
    let Some(agency) = agencies::find_by_code(conn, code)? else {
        return Err(unknown_agency("code", code).into());
    };
    if let Some(last_day) = agency.valid_to {
        return refuse(
            "code",
            format!("{} đã đóng (ngày cuối: {last_day}).", agency.code),
            format!(
                "{} is already closed (its last day was {last_day}).",
                agency.code
            ),
        );
    }
    // Its last day is the day before; an agency has at least one day of its own.
    let earliest = agency.valid_from.succ_opt().unwrap_or(agency.valid_from);
    let Some(last_day) = effective_on.pred_opt().filter(|d| *d >= agency.valid_from) else {
        return refuse(
            "effective_on",
            format!(
                "{} bắt đầu hoạt động ngày {}, nên việc đóng có hiệu lực sớm nhất từ ngày {earliest}.",
                agency.code, agency.valid_from
            ),
            format!(
                "{} started on {}, so its closing can take effect on {earliest} at the earliest.",
                agency.code, agency.valid_from
            ),
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
                "successor",
                format!("{} là chính cơ quan đang đóng.", agency.code),
                format!("{} is the agency being closed.", agency.code),
            );
        }
        let Some(successor) = agencies::find_by_code(conn, successor_code)? else {
            return Err(unknown_agency("successor", successor_code).into());
        };
        if let Some(successor_last_day) = successor.valid_to.filter(|d| *d < effective_on) {
            return refuse(
                "successor",
                format!(
                    "{} đã đóng trước ngày {effective_on} (ngày cuối: {successor_last_day}).",
                    successor.code
                ),
                format!(
                    "{} itself closed before {effective_on} (its last day was {successor_last_day}).",
                    successor.code
                ),
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
                "code",
                format!("{} vừa được đóng (ngày cuối: {their_last_day}).", plan.code),
                format!(
                    "{} is already closed (its last day was {their_last_day}).",
                    plan.code
                ),
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
            "contact",
            format!("Đường dây liên hệ tối đa {CONTACT_MAX_CHARS} ký tự, trên một dòng."),
            format!("A contact line has at most {CONTACT_MAX_CHARS} characters, on one line."),
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
