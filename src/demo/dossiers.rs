//! Realistic completed dossiers for the demo: volumes by procedure, a mix of channels and
//! applicants, and agencies that differ in how often they finish on time.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::an_giang::{HandledBy, PROCEDURES};
use crate::db::dossiers::{self, NewDossier};
use crate::db::DbConnection;
use crate::domain::dossier::{ApplicantKind, Channel};
use crate::domain::identity::ApplicantId;
use crate::domain::period::VIETNAM;
use crate::secret::SecretKey;

/// Ids of the current units, as the dossier generator needs them.
pub struct Tree {
    pub total: usize,
    pub departments: std::collections::HashMap<&'static str, i32>,
    pub commune_level: Vec<i32>,
}

/// First and last day (Vietnam time) on which demo dossiers are completed.
pub(crate) fn demo_span() -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(2025, 7, 1).unwrap_or_default(),
        NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default(),
    )
}

/// Dossiers per agency per 30 days, on average.
const COMMUNE_MONTHLY: f64 = 14.0;
const DEPARTMENT_MONTHLY: f64 = 22.0;

pub fn generate(
    conn: &mut DbConnection,
    tree: &Tree,
    procedure_ids: &[i32],
    secret: &SecretKey,
) -> anyhow::Result<usize> {
    let mut rng = StdRng::seed_from_u64(20_250_701);
    let (first, last) = demo_span();
    let days = (last - first).num_days() + 1;
    let people = Population::new(&mut rng);
    let now = Utc::now().naive_utc();

    let mut handlers: Vec<(i32, f64, Vec<usize>)> = Vec::new();
    for &agency in &tree.commune_level {
        let procs = indices(|h| h == HandledBy::CommuneLevel);
        handlers.push((agency, COMMUNE_MONTHLY, procs));
    }
    for (short, &agency) in &tree.departments {
        let procs = indices(|h| h == HandledBy::Department(short));
        if !procs.is_empty() {
            handlers.push((agency, DEPARTMENT_MONTHLY, procs));
        }
    }
    handlers.sort_by_key(|(agency, _, _)| *agency);

    let mut rows = Vec::new();
    for (agency, monthly, procs) in handlers {
        // Each agency has its own punctuality, so that rankings have something to show.
        let on_time_probability = rng.random_range(0.78..0.995);
        let size = rng.random_range(0.5..1.8);
        let count = (monthly * size * days as f64 / 30.0).round() as usize;
        let weights: Vec<u32> = procs.iter().map(|&i| PROCEDURES[i].volume).collect();
        let total_weight: u32 = weights.iter().sum();
        for _ in 0..count {
            let mut pick = rng.random_range(0..total_weight);
            let mut chosen = procs[0];
            for (&i, &w) in procs.iter().zip(&weights) {
                if pick < w {
                    chosen = i;
                    break;
                }
                pick -= w;
            }
            let procedure = &PROCEDURES[chosen];
            let completed_day = first + Duration::days(rng.random_range(0..days));
            let completed = local_instant(completed_day, rng.random_range(7 * 60 + 30..17 * 60));
            let late = !rng.random_bool(on_time_probability);
            let limit = i64::from(procedure.working_days);
            let received_day = minus_working_days(
                completed_day,
                if late {
                    limit + rng.random_range(1..=6)
                } else {
                    rng.random_range(0..=limit)
                },
            );
            let received = local_instant(received_day, rng.random_range(7 * 60 + 30..11 * 60));
            let due = local_instant(plus_working_days(received_day, limit), 17 * 60);
            let received = received.min(completed);
            let channel = pick_channel(&mut rng, procedure.applicant);
            let applicant = people.pick(&mut rng, procedure.applicant);
            rows.push(NewDossier {
                external_id: format!("G22.{}.{:07}", agency, rows.len() + 1),
                agency_id: agency,
                procedure_id: procedure_ids[chosen],
                applicant_kind: procedure.applicant.as_str().to_owned(),
                channel: channel.as_str().to_owned(),
                received_at: received.naive_utc(),
                due_at: due.naive_utc(),
                completed_at: completed.naive_utc(),
                applicant_hash: Some(applicant.keyed_hash(secret)),
                contact_sealed: None,
                created_at: now,
                invited: false,
                submitted_by: None,
            });
        }
    }
    Ok(dossiers::insert_many(conn, &rows)?)
}

fn indices(keep: impl Fn(HandledBy) -> bool) -> Vec<usize> {
    (0..PROCEDURES.len())
        .filter(|&i| keep(PROCEDURES[i].handled_by))
        .collect()
}

fn pick_channel(rng: &mut StdRng, applicant: ApplicantKind) -> Channel {
    // Businesses file online more often than citizens do.
    let online = match applicant {
        ApplicantKind::Business => 0.65,
        ApplicantKind::Citizen => 0.35,
    };
    let roll: f64 = rng.random();
    if roll < online {
        Channel::Online
    } else if roll < 0.96 {
        Channel::Counter
    } else {
        Channel::Postal
    }
}

fn local_instant(day: NaiveDate, minute_of_day: u32) -> DateTime<Utc> {
    let naive = day
        .and_hms_opt(minute_of_day / 60, minute_of_day % 60, 0)
        .unwrap_or_default();
    VIETNAM
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&naive))
}

fn is_working_day(day: NaiveDate) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

fn plus_working_days(mut day: NaiveDate, n: i64) -> NaiveDate {
    let mut left = n;
    while left > 0 {
        day += Duration::days(1);
        if is_working_day(day) {
            left -= 1;
        }
    }
    day
}

fn minus_working_days(mut day: NaiveDate, n: i64) -> NaiveDate {
    let mut left = n;
    while left > 0 {
        day -= Duration::days(1);
        if is_working_day(day) {
            left -= 1;
        }
    }
    day
}

/// Made-up people and businesses, some of whom come back for a second procedure.
struct Population {
    citizens: Vec<ApplicantId>,
    businesses: Vec<ApplicantId>,
}

impl Population {
    fn new(rng: &mut StdRng) -> Self {
        let citizen = |rng: &mut StdRng| {
            // 089: An Giang's prefix on citizen ID cards, 091: Kiên Giang's; then sex and
            // century, year of birth, and a serial number.
            let province = if rng.random_bool(0.6) { "089" } else { "091" };
            let number = format!(
                "{province}{}{:02}{:06}",
                rng.random_range(0..=3),
                rng.random_range(0..100),
                rng.random_range(0..1_000_000)
            );
            ApplicantId::parse(&number)
        };
        let business = |rng: &mut StdRng| {
            let number = format!(
                "1{}{:08}",
                rng.random_range(6..=7),
                rng.random_range(0..100_000_000)
            );
            ApplicantId::parse(&number)
        };
        Self {
            citizens: (0..12_000).filter_map(|_| citizen(rng).ok()).collect(),
            businesses: (0..3_000).filter_map(|_| business(rng).ok()).collect(),
        }
    }

    fn pick(&self, rng: &mut StdRng, kind: ApplicantKind) -> &ApplicantId {
        let pool = match kind {
            ApplicantKind::Citizen => &self.citizens,
            ApplicantKind::Business => &self.businesses,
        };
        &pool[rng.random_range(0..pool.len())]
    }
}
