//! A province after years of use, for the dashboards' benchmark: many released responses (and
//! their dossiers) spread over the agencies of the demo tree and the quarters of a span,
//! written straight into the tables in large transactions (the API would take hours for
//! millions). Answers follow the demo's habits: an agency's mood, items people skip.

use chrono::{Duration, NaiveDateTime};
use hailong_analysis::questionnaire::Questionnaire;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::responses::{answer_value, skipped};
use crate::db::dossiers::{self, NewDossier};
use crate::db::responses::{self, Answer, Response};
use crate::db::{agencies, procedures, DbConnection};
use crate::domain::agency::AgencyLevel;
use crate::domain::period::Quarter;
use crate::domain::response_mode::ResponseMode;
use crate::services::questionnaires::DEFAULT_QUESTIONNAIRE;

/// Responses written per transaction.
const CHUNK: usize = 20_000;
const CHANNELS: [&str; 3] = ["counter", "online", "postal"];

/// Adds `total` responses over the quarters `first..=last`, with `dossiers_per_response`
/// completed dossiers each (two thirds invited); `progress` hears how many are written.
pub fn add_responses(
    conn: &mut DbConnection,
    total: usize,
    dossiers_per_response: f64,
    (first, last): (Quarter, Quarter),
    mut progress: impl FnMut(usize),
) -> anyhow::Result<()> {
    let questionnaire = Questionnaire::from_json(DEFAULT_QUESTIONNAIRE)?;
    let units: Vec<i32> = agencies::all(conn)?
        .into_iter()
        .filter(|a| a.valid_to.is_none() && a.level != AgencyLevel::Province)
        .map(|a| a.id)
        .collect();
    let catalogue: Vec<(i32, String)> = procedures::all(conn)?
        .into_iter()
        .map(|p| (p.id, p.field))
        .collect();
    anyhow::ensure!(
        !units.is_empty() && !catalogue.is_empty(),
        "load the demo first (hailong demo): no agencies or procedures"
    );
    let quarters: Vec<Quarter> = std::iter::successors(Some(first), |q| Some(q.next()))
        .take_while(|q| *q <= last)
        .collect();
    let now = chrono::Utc::now().naive_utc();
    let mut rng = StdRng::seed_from_u64(2_000_000);
    let moods: Vec<f64> = units.iter().map(|_| rng.random_range(3.0..4.7)).collect();
    let mut written = 0;
    // Ids of their own for every call, so that a later call adds rather than collides.
    let batch = format!("{:08x}", rand::random::<u32>());
    let mut dossier_serial = 0usize;
    while written < total {
        let n = CHUNK.min(total - written);
        let mut dossier_rows = Vec::new();
        let mut response_rows = Vec::with_capacity(n);
        let mut answer_rows = Vec::with_capacity(n * questionnaire.items.len());
        for _ in 0..n {
            let unit = rng.random_range(0..units.len());
            let (procedure_id, field) = &catalogue[rng.random_range(0..catalogue.len())];
            let quarter = quarters[rng.random_range(0..quarters.len())];
            let kind = if rng.random_bool(0.85) {
                "citizen"
            } else {
                "business"
            };
            let channel = CHANNELS[rng.random_range(0..CHANNELS.len())];
            let span = (quarter.next().start() - quarter.start()).num_seconds();
            let completed = |rng: &mut StdRng| -> NaiveDateTime {
                let at = quarter.start().naive_utc() + Duration::seconds(rng.random_range(0..span));
                at.min(now)
            };
            // Whole dossiers per response on average: the fraction is drawn.
            let whole = dossiers_per_response.floor() as usize;
            let count = whole + usize::from(rng.random_bool(dossiers_per_response.fract()));
            for d in 0..count.max(1) {
                dossier_serial += 1;
                let completed_at = completed(&mut rng);
                let received_at = completed_at - Duration::days(rng.random_range(1..20));
                dossier_rows.push(NewDossier {
                    external_id: format!("BULK.{batch}.{dossier_serial}"),
                    agency_id: units[unit],
                    procedure_id: *procedure_id,
                    applicant_kind: kind.to_owned(),
                    channel: channel.to_owned(),
                    received_at,
                    due_at: received_at + Duration::days(15),
                    completed_at,
                    applicant_hash: None,
                    contact_sealed: None,
                    created_at: completed_at,
                    invited: d == 0 || rng.random_bool(0.5),
                    submitted_by: None,
                });
            }
            let id = crate::domain::token::new_response_id();
            for item in &questionnaire.items {
                if skipped(&mut rng, &item.code, channel) {
                    continue;
                }
                let value = answer_value(&mut rng, item, moods[unit]);
                answer_rows.push(Answer {
                    response_id: id.clone(),
                    item_code: item.code.clone(),
                    value,
                });
            }
            response_rows.push(Response {
                id,
                agency_id: units[unit],
                procedure_id: Some(*procedure_id),
                procedure_field: Some(field.clone()),
                applicant_kind: kind.to_owned(),
                channel: channel.to_owned(),
                quarter: quarter.to_string(),
                questionnaire_version: questionnaire.version.clone(),
                comment: None,
                released_in: 0,
                mode: ResponseMode::Link.as_str().to_owned(),
                flag: None,
            });
        }
        crate::db::transaction(conn, |conn| -> anyhow::Result<()> {
            dossiers::insert_many(conn, &dossier_rows)?;
            responses::insert_many(conn, &response_rows, &answer_rows)?;
            Ok(())
        })?;
        written += n;
        progress(written);
    }
    Ok(())
}
