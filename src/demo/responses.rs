//! Invitations for most demo dossiers and answers for a share of them: agencies differ in how
//! satisfied their users are, people skip what does not apply, some leave a comment.

use chrono::Duration;
use hailong_analysis::questionnaire::{Direction, Item, ItemKind, Questionnaire};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::db::dossiers;
use crate::db::invitations::{self, NewInvitation};
use crate::db::responses::{self, Answer, Response};
use crate::db::{procedures, questionnaires, spent_links, DbConnection};
use crate::domain::period::Quarter;
use crate::domain::response_mode::ResponseMode;
use crate::domain::survey_code::SurveyCode;
use crate::domain::token;
use crate::secret::SecretKey;
use crate::services::privacy::anonymity::{AnonymitySets, Description, ProcedureShown};
use crate::services::questionnaires::FULL_QUESTIONNAIRE;

const INVITED_SHARE: f64 = 0.75;
const RESPONSE_RATE: f64 = 0.35;

const COMMENTS: &[&str] = &[
    "Cán bộ hướng dẫn tận tình, chu đáo.",
    "Thời gian chờ hơi lâu, nên bố trí thêm quầy tiếp nhận.",
    "Thủ tục nhanh gọn, trả kết quả đúng hẹn.",
    "Nên có thêm chỗ ngồi và nước uống cho người chờ.",
    "Cổng dịch vụ công đôi khi bị lỗi khi tải hồ sơ lên.",
    "Rất hài lòng với thái độ phục vụ của công chức.",
    "Phải bổ sung hồ sơ nhiều lần, mong được hướng dẫn rõ ngay từ đầu.",
    "Kết quả nhận qua bưu điện rất tiện.",
];

/// At the counter, about half answer on the agency's tablet and some on paper; everyone else
/// through the link.
fn demo_mode(rng: &mut StdRng, channel: &str) -> ResponseMode {
    if channel != "counter" {
        return ResponseMode::Link;
    }
    match rng.random_range(0..20) {
        0..=8 => ResponseMode::Kiosk,
        9..=10 => ResponseMode::Paper,
        _ => ResponseMode::Link,
    }
}

pub struct Created {
    pub invitations: usize,
    pub responses: usize,
    pub withheld: usize,
}

pub fn generate(conn: &mut DbConnection, secret: &SecretKey, k: u32) -> anyhow::Result<Created> {
    let questionnaire = Questionnaire::from_json(FULL_QUESTIONNAIRE)?;
    let stored = questionnaires::by_version(conn, &questionnaire.version)?
        .ok_or_else(|| anyhow::anyhow!("the first questionnaire is not published"))?;
    let rows = dossiers::briefly(conn)?;

    let field_of: std::collections::HashMap<i32, String> = procedures::all(conn)?
        .into_iter()
        .map(|p| (p.id, p.field))
        .collect();
    let mut rng = StdRng::seed_from_u64(4_900_000);
    // A stream of its own, so that the rest of the demo stays as it was before modes existed.
    let mut mode_rng = StdRng::seed_from_u64(4_900_001);
    let mut sets = AnonymitySets::default();
    let mut invited_ids = Vec::new();
    let mut spent = Vec::new();
    // Each agency's mood: the mean of its users' answers on a 1-5 scale.
    let mut mood = std::collections::HashMap::new();
    let mut invitations_rows = Vec::new();
    let mut response_rows = Vec::new();
    let mut answer_rows = Vec::new();
    for (dossier_id, agency_id, procedure_id, kind, channel, completed_at) in rows {
        if !rng.random_bool(INVITED_SHARE) {
            continue;
        }
        let answered = rng.random_bool(RESPONSE_RATE);
        let salt = token::new_salt();
        let token = token::survey_token(secret, &salt);
        invitations_rows.push(NewInvitation {
            dossier_id,
            token_hash: token::survey_token_hash(secret, &token),
            code_hash: Some(SurveyCode::of_token(secret, &token).lookup_hash(secret)),
            token_salt: Some(salt),
            questionnaire_id: stored.id,
            created_at: completed_at,
            expires_at: completed_at + Duration::days(30),
        });
        invited_ids.push(dossier_id);
        let field = field_of.get(&procedure_id).cloned().unwrap_or_default();
        sets.add_invited(
            agency_id,
            procedure_id,
            &field,
            &kind,
            &channel,
            completed_at,
        );
        if !answered {
            continue;
        }
        let quarter = Quarter::of_instant(completed_at.and_utc());
        spent.push((token::spent_key(secret, &token), quarter.to_string()));
        let agency_mood = *mood
            .entry(agency_id)
            .or_insert_with(|| rng.random_range(3.2..4.6));
        let response_id = token::new_response_id();
        for item in &questionnaire.items {
            if skipped(&mut rng, &item.code, &channel) {
                continue;
            }
            let value = answer_value(&mut rng, item, agency_mood);
            answer_rows.push(Answer {
                response_id: response_id.clone(),
                item_code: item.code.clone(),
                value,
            });
        }
        let comment = rng
            .random_bool(0.12)
            .then(|| COMMENTS[rng.random_range(0..COMMENTS.len())].to_owned());
        let mode = demo_mode(&mut mode_rng, &channel).as_str().to_owned();
        response_rows.push(Response {
            id: response_id,
            agency_id,
            procedure_id: Some(procedure_id),
            procedure_field: Some(field),
            applicant_kind: kind,
            channel,
            quarter: quarter.to_string(),
            questionnaire_version: questionnaire.version.clone(),
            comment,
            released_in: 0,
            mode,
            flag: None,
        });
    }
    // Stored as the service stores them: generalised until k invitations fit each, and those
    // that never could be are left out.
    let answered = response_rows.len();
    let mut withheld: std::collections::HashMap<(i32, String), i32> = Default::default();
    response_rows.retain_mut(|r| {
        let kept = generalise(&sets, r, k);
        if !kept {
            *withheld
                .entry((r.agency_id, r.quarter.clone()))
                .or_default() += 1;
        }
        kept
    });
    // The demo's history is one release: each cell (agency, quarter, way of answering) shows
    // its responses in one step, which must be at least k; a cell that never gathered k is
    // never shown (`domain::release_step`).
    let mut cell_sizes: std::collections::HashMap<(i32, String, String), u32> = Default::default();
    for r in &response_rows {
        *cell_sizes
            .entry((r.agency_id, r.quarter.clone(), r.mode.clone()))
            .or_default() += 1;
    }
    response_rows.retain(|r| {
        let size = cell_sizes[&(r.agency_id, r.quarter.clone(), r.mode.clone())];
        let kept = size >= k;
        if !kept {
            *withheld
                .entry((r.agency_id, r.quarter.clone()))
                .or_default() += 1;
        }
        kept
    });
    let kept: std::collections::HashSet<&String> = response_rows.iter().map(|r| &r.id).collect();
    answer_rows.retain(|a| kept.contains(&a.response_id));
    invitations::insert_many(conn, &invitations_rows)?;
    crate::db::dossiers::mark_invited(conn, &invited_ids)?;
    spent_links::spend_many(conn, &spent)?;
    responses::insert_many(conn, &response_rows, &answer_rows)?;
    for ((agency_id, quarter), count) in withheld {
        crate::db::releases::add_withheld(conn, agency_id, &quarter, count)?;
    }
    Ok(Created {
        invitations: invitations_rows.len(),
        responses: response_rows.len(),
        withheld: answered - response_rows.len(),
    })
}

/// Generalises a demo response as a release would; false when it can never be stored.
fn generalise(sets: &AnonymitySets, response: &mut Response, k: u32) -> bool {
    let Ok(quarter) = response.quarter.parse() else {
        return false;
    };
    let described = Description {
        agency_id: response.agency_id,
        procedure: ProcedureShown::from_columns(
            response.procedure_id,
            response.procedure_field.clone(),
        ),
        applicant_kind: response.applicant_kind.clone(),
        channel: response.channel.clone(),
        quarter,
    };
    match sets.generalise(&described, u64::from(k)) {
        Some(shown) => {
            (response.procedure_id, response.procedure_field) = shown.columns();
            true
        }
        None => false,
    }
}

/// What people leave out: the portal when they came to the counter, the waiting room when
/// they filed online, and the feedback questions when they never gave feedback.
pub(super) fn skipped(rng: &mut StdRng, item: &str, channel: &str) -> bool {
    match item {
        "A4" => channel != "online" || rng.random_bool(0.1),
        "A2" | "A3" => channel == "online" || rng.random_bool(0.05),
        "F2" | "F3" | "F4" => rng.random_bool(0.55),
        _ => rng.random_bool(0.04),
    }
}

/// One answer to `item` from someone served by an agency of this mood (1-5).
pub(super) fn answer_value(rng: &mut StdRng, item: &Item, mood: f64) -> i32 {
    match (item.kind, item.direction) {
        (ItemKind::Likert5, _) => likert(rng, mood),
        // An unofficial payment is asked for more often where people are unhappy.
        (ItemKind::YesNo, Some(Direction::Negative)) => {
            i32::from(rng.random_bool((4.8 - mood).clamp(0.01, 0.3) / 3.0))
        }
        (ItemKind::YesNo, _) => i32::from(rng.random_bool((mood / 5.0).clamp(0.3, 0.95))),
    }
}

fn likert(rng: &mut StdRng, mean: f64) -> i32 {
    // A rounded, clamped normal-ish draw around the agency's mood.
    let noise: f64 = (0..3).map(|_| rng.random_range(-1.0..1.0)).sum::<f64>() * 0.6;
    (mean + noise).round().clamp(1.0, 5.0) as i32
}
