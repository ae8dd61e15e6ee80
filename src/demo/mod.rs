//! `hailong demo`: a province to look at. Deterministic (a fixed seed), idempotent (a second
//! run changes nothing), and in one transaction (a failed run leaves nothing behind).

mod an_giang;
pub mod bulk;
mod dossiers;
mod responses;

use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDate;

use crate::db::agencies::{self, NewAgency};
use crate::db::procedures::{self, NewProcedure};
use crate::db::DbConnection;
use crate::domain::agency::{AgencyKind, AgencyLevel};
use crate::domain::text::ascii_fold;
use crate::secret::SecretKey;

pub use an_giang::{HandledBy, DEPARTMENTS, FORMER_DISTRICTS, PROCEDURES};

/// Demo sign-ins, one per role (printed in the README; for the demo database only).
pub const DEMO_ACCOUNTS: &[(&str, crate::domain::agency::Role, Option<&str>, &str)] = &[
    (
        "admin@angiang.demo",
        crate::domain::agency::Role::Admin,
        None,
        "Demo-Admin-2026",
    ),
    (
        "phantich@angiang.demo",
        crate::domain::agency::Role::Province,
        None,
        "Demo-Province-2026",
    ),
    (
        "xa.oceo@angiang.demo",
        crate::domain::agency::Role::Agency,
        Some("AG-X-OCEO"),
        "Demo-Agency-2026",
    ),
];

/// The demo agency whose surveys need an e-ID sign-in (`verified`): judicial record
/// certificates are personal enough that the province wants the respondent verified.
pub const VERIFIED_AGENCY: &str = "AG-STP";

/// The code of the demo province's People's Committee; its presence means the demo is loaded.
pub const PROVINCE_CODE: &str = "AG";

pub enum Outcome {
    Loaded {
        agencies: usize,
        commune_level: usize,
        procedures: usize,
        dossiers: usize,
        invitations: usize,
        responses: usize,
        /// Answers left out: fewer than k invitations shared what they would have said.
        withheld: usize,
    },
    AlreadyPresent,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Loaded {
                agencies,
                commune_level,
                procedures,
                dossiers,
                invitations,
                responses,
                withheld,
            } => write!(
                f,
                "demo province loaded: {agencies} agencies ({commune_level} commune-level units), \
                 {procedures} procedures, {dossiers} completed dossiers, {invitations} survey \
                 invitations, {responses} responses ({withheld} more were left out: too few \
                 invitations shared their agency, applicant kind, channel and quarter, or their \
                 agency's quarter had fewer than k answers given their way)"
            ),
            Self::AlreadyPresent => {
                f.write_str("the demo province is already loaded; nothing changed")
            }
        }
    }
}

/// The day the two-tier local government took effect.
pub fn reform_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 7, 1).unwrap_or_default()
}

/// Loads the demo province; its responses are stored k-anonymous for `k` (see
/// `privacy::anonymity`), as the service would have stored them.
/// The demo agencies' contact line.
const DEMO_CONTACT: &str =
    "Bộ phận Tiếp nhận và Trả kết quả tại trụ sở, giờ hành chính (thứ Hai – thứ Sáu)";

pub fn load(conn: &mut DbConnection, secret: &SecretKey, k: u32) -> anyhow::Result<Outcome> {
    crate::db::transaction(conn, |conn| {
        if agencies::find_by_code(conn, PROVINCE_CODE)?.is_some() {
            return Ok(Outcome::AlreadyPresent);
        }
        let tree = insert_agencies(conn)?;
        agencies::set_survey_policy(
            conn,
            VERIFIED_AGENCY,
            crate::domain::agency::SurveyPolicy::Verified,
        )?;
        // Every unit in service tells citizens how to reach its one-stop desk (a line, not a
        // number: the demo invents no telephone numbers).
        for agency in agencies::all(conn)?.iter().filter(|a| a.valid_to.is_none()) {
            agencies::set_contact(conn, agency.id, Some(DEMO_CONTACT))?;
        }
        let procedure_ids = insert_procedures(conn)?;
        let dossiers = dossiers::generate(conn, &tree, &procedure_ids, secret)?;
        // The history was collected with the first version; new invitations get the default.
        crate::services::questionnaires::ensure_first(conn, dossiers::demo_span().0.into())?;
        crate::services::questionnaires::ensure_default(conn)?;
        let surveyed = responses::generate(conn, secret, k)?;
        for (email, role, agency, password) in DEMO_ACCOUNTS {
            crate::services::accounts::add(
                conn,
                "demo",
                &crate::services::accounts::NewAccount {
                    email,
                    role: *role,
                    agency: *agency,
                    password,
                },
            )?;
        }
        Ok(Outcome::Loaded {
            agencies: tree.total,
            commune_level: tree.commune_level.len(),
            procedures: procedure_ids.len(),
            dossiers,
            invitations: surveyed.invitations,
            responses: surveyed.responses,
            withheld: surveyed.withheld,
        })
    })
}

fn unit_name(kind: AgencyKind, name: &str) -> (String, String) {
    let ascii = ascii_fold(name);
    match kind {
        AgencyKind::Ward => (
            format!("Ủy ban nhân dân phường {name}"),
            format!("People's Committee of {ascii} Ward"),
        ),
        AgencyKind::Commune => (
            format!("Ủy ban nhân dân xã {name}"),
            format!("People's Committee of {ascii} Commune"),
        ),
        AgencyKind::SpecialZone => (
            format!("Ủy ban nhân dân đặc khu {name}"),
            format!("People's Committee of {ascii} Special Zone"),
        ),
        AgencyKind::City => (
            format!("Ủy ban nhân dân thành phố {name}"),
            format!("People's Committee of {ascii} City"),
        ),
        AgencyKind::Town => (
            format!("Ủy ban nhân dân thị xã {name}"),
            format!("People's Committee of {ascii} Town"),
        ),
        _ => (
            format!("Ủy ban nhân dân huyện {name}"),
            format!("People's Committee of {ascii} District"),
        ),
    }
}

/// "Vĩnh Thạnh Trung" → "VINHTHANHTRUNG"; "Châu Thành (Kiên Giang)" → "CHAUTHANHKIENGIANG".
fn code_part(name: &str) -> String {
    ascii_fold(name)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_uppercase()
}

fn insert_agencies(conn: &mut DbConnection) -> anyhow::Result<dossiers::Tree> {
    let reform = reform_day();
    let day_before = reform.pred_opt().unwrap_or(reform);
    let history_start = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap_or(reform);
    let mut total = 0;

    let province = agencies::insert(
        conn,
        &NewAgency {
            code: PROVINCE_CODE,
            name_vi: "Ủy ban nhân dân tỉnh An Giang",
            name_en: "An Giang Provincial People's Committee",
            level: AgencyLevel::Province,
            kind: AgencyKind::PeopleCommittee,
            parent_id: None,
            valid_from: reform,
            valid_to: None,
        },
    )?;
    total += 1;

    let mut former_provinces = HashMap::new();
    for (kien_giang, code, vi, en) in [
        (
            false,
            "AG2020",
            "Ủy ban nhân dân tỉnh An Giang (trước 01/7/2025)",
            "An Giang Provincial People's Committee (before 1 July 2025)",
        ),
        (
            true,
            "KG2020",
            "Ủy ban nhân dân tỉnh Kiên Giang",
            "Kien Giang Provincial People's Committee",
        ),
    ] {
        let id = agencies::insert(
            conn,
            &NewAgency {
                code,
                name_vi: vi,
                name_en: en,
                level: AgencyLevel::Province,
                kind: AgencyKind::PeopleCommittee,
                parent_id: None,
                valid_from: history_start,
                valid_to: Some(day_before),
            },
        )?;
        agencies::add_successor(conn, id, province, reform)?;
        former_provinces.insert(kien_giang, (id, code));
        total += 1;
    }

    let mut departments = HashMap::new();
    for (short, vi, en) in DEPARTMENTS {
        let code = format!("{PROVINCE_CODE}-{short}");
        let id = agencies::insert(
            conn,
            &NewAgency {
                code: &code,
                name_vi: vi,
                name_en: en,
                level: AgencyLevel::Department,
                kind: AgencyKind::Department,
                parent_id: Some(province),
                valid_from: reform,
                valid_to: None,
            },
        )?;
        departments.insert(*short, id);
        total += 1;
    }

    let mut commune_level = Vec::new();
    for district in FORMER_DISTRICTS {
        let (parent, parent_code) = former_provinces[&district.kien_giang];
        let code = format!("{parent_code}-H-{}", code_part(district.name));
        let (vi, en) = unit_name(district.kind, district.name);
        let district_id = agencies::insert(
            conn,
            &NewAgency {
                code: &code,
                name_vi: &vi,
                name_en: &en,
                level: AgencyLevel::District,
                kind: district.kind,
                parent_id: Some(parent),
                valid_from: history_start,
                valid_to: Some(day_before),
            },
        )?;
        total += 1;
        for (kind, name) in district.successors {
            let prefix = match kind {
                AgencyKind::Ward => "P",
                AgencyKind::SpecialZone => "DK",
                _ => "X",
            };
            let code = format!("{PROVINCE_CODE}-{prefix}-{}", code_part(name));
            let (vi, en) = unit_name(*kind, name);
            let id = agencies::insert(
                conn,
                &NewAgency {
                    code: &code,
                    name_vi: &vi,
                    name_en: &en,
                    level: AgencyLevel::Commune,
                    kind: *kind,
                    parent_id: Some(province),
                    valid_from: reform,
                    valid_to: None,
                },
            )?;
            agencies::add_successor(conn, district_id, id, reform)?;
            commune_level.push(id);
            total += 1;
        }
    }
    Ok(dossiers::Tree {
        total,
        departments,
        commune_level,
    })
}

fn insert_procedures(conn: &mut DbConnection) -> anyhow::Result<Vec<i32>> {
    PROCEDURES
        .iter()
        .map(|p| {
            Ok(procedures::insert(
                conn,
                &NewProcedure {
                    code: p.code,
                    name_vi: p.name_vi,
                    name_en: p.name_en,
                    field: p.field,
                },
            )?)
        })
        .collect()
}
